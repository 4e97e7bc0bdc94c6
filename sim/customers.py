"""The customer base: state, segments and the weekly customer update (phase 4).

Equations and sources: docs/ODD.md section 7.4 ("Customers"). Segments are
jobs-to-be-done contexts (seed 000; Ulwick 2005), not demographics: each weighs the two
layers of experience (seed 003: "thinginess", the product doing its job, vs
"personable-ness", how policies and processes feel; Grönroos 1984) differently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.effects import ASSUMPTION, CALIBRATED, SOURCE_MECHANISM, EffectSizes, effect
from sim.jit import njit
from sim.networks import NETWORK_EFFECTS, PoolBySegment, WordOfMouthNetwork, _spread
from sim.population import NEVER, Population, state_record
from sim.streams import keyed_uniform

#: Jobs-to-be-done contexts (seed 000; Ulwick 2005): the order of every segment table below.
SEGMENTS = ("get_it_done_fast", "get_it_right", "get_advice", "get_it_cheap")

# The effect sizes of the customers' mechanisms (sim.effects), in the order of the week.
# Sources are those of docs/ODD.md section 9; seeds are shared/seeds/ (ODD 9, last entry).
CUSTOMER_EFFECTS = EffectSizes(
    "customers", "docs/ODD.md 5.2, 7.4",
    # -- Segments: jobs-to-be-done contexts, not demographics (seed 000; Ulwick 2005), in the
    #    order of SEGMENTS. Values chosen to span the range a change lead meets (ODD 5.2 table).
    segment_share=effect(
        [0.30, 0.25, 0.20, 0.25], [0.30, 0.25, 0.10, 0.25], [0.30, 0.25, 0.35, 0.25], ASSUMPTION,
        "relative share of each job-to-be-done segment among customers (normalised to their sum)",
        "seed 000 and Ulwick 2005 give the segmentation, not the shares; the range moves only get_advice, the job "
        "that needs a person most (11% to 33% of customers), since moving all shares together changes nothing"),
    segment_need_person=effect(
        [0.30, 0.45, 0.70, 0.25], [0.20, 0.30, 0.50, 0.15], [0.40, 0.60, 0.85, 0.35], SOURCE_MECHANISM,
        "weight of the personable (process) layer in each segment's performance, the rest on the product layer",
        "Grönroos 1984 and seed 003 give the two layers and that jobs weigh them differently; the weights are chosen, "
        "advice-seekers weighting the person most, bargain-hunters least"),
    segment_self_service=effect(
        [0.70, 0.40, 0.20, 0.80], [0.55, 0.40, 0.20, 0.65], [0.85, 0.40, 0.20, 0.95], ASSUMPTION,
        "relative self-service affinity of each segment (divided by the segments' mean, times self_service_preference)",
        "the fast and the cheap jobs suit a knowledge base, advice does not; only the contrast matters (the mean is "
        "divided out), so the range widens or narrows the fast and cheap segments' lead"),
    segment_expectation=effect(
        [0.62, 0.72, 0.68, 0.55], [0.54, 0.64, 0.60, 0.47], [0.70, 0.80, 0.76, 0.63], ASSUMPTION,
        "each segment's resting expectation of performance (a customer's own is drawn around it)",
        "those who need it right expect most, those who buy on price least; ±0.08 keeps the order of the segments"),
    segment_buying=effect(
        [1.2, 0.9, 0.8, 1.1], [1.0, 0.75, 0.65, 0.9], [1.4, 1.05, 0.95, 1.3], ASSUMPTION,
        "each segment's buying frequency relative to purchase_rate",
        "routine jobs (fast, cheap) are bought more often than considered ones (right, advice); about ±15%"),
    # -- Starting traits of every customer, initial and new (ODD 5.2).
    need_person_spread=effect(
        0.1, 0.05, 0.15, ASSUMPTION,
        "standard deviation of a customer's need for a person around the segment's weight",
        "customers of one job differ, but less than the segments do (their weights lie 0.15 to 0.45 apart)"),
    expectation_spread=effect(
        0.1, 0.05, 0.15, ASSUMPTION,
        "standard deviation of a customer's resting expectation around the segment's",
        "as large as the gaps between segments' expectations: a segment is a job, not a uniform crowd"),
    channel_preference_spread=effect(
        0.1, 0.05, 0.15, ASSUMPTION,
        "standard deviation of a customer's self-service preference around the segment's",
        "the same spread as the other traits drawn around a segment's value"),
    start_technical=effect(
        0.8, 0.75, 0.85, CALIBRATED,
        "perceived product layer a customer starts with",
        "the status quo's mean technical experience (0.825 at a fit of 0.5, less for defects); the burn-in settles it"),
    start_functional=effect(
        0.62, 0.55, 0.68, CALIBRATED,
        "perceived process layer a customer starts with",
        "the status quo's typical contact experience; the settled value is about 0.56-0.57 and the burn-in reaches it"),
    # -- Activists (seed 001: harder to influence, more cynical, take to social media); their
    #    amplified reach is the parameter activist_amplification.
    activist_expectation=effect(
        0.05, 0.025, 0.1, SOURCE_MECHANISM,
        "how much higher an activist's resting expectation is",
        "seed 001: activist customers keep wanting more; the size is chosen, half a segment's spread"),
    activist_persuasion_knowledge=effect(
        2.0, 1.5, 3.0, SOURCE_MECHANISM,
        "multiple of the mean persuasion knowledge an activist starts with",
        "seed 001 (harder to influence) and Friestad & Wright 1994 (persuasion knowledge); doubling is chosen"),
    activist_voice=effect(
        0.5, 0.25, 0.75, SOURCE_MECHANISM,
        "an activist's chance of complaining to the company, relative to others'",
        "seed 001: activists take to social media rather than to the company; half is chosen"),
    activist_negative_talk=effect(
        1.5, 1.0, 2.0, SOURCE_MECHANISM,
        "an activist's chance of talking when dissatisfied, relative to others'",
        "seed 001: activists take to social media more readily to undercut brands; the multiple is chosen"),
    activist_positive_talk=effect(
        0.5, 0.25, 0.75, SOURCE_MECHANISM,
        "an activist's chance of talking when delighted, relative to others'",
        "seed 001: activists are more cynical, critics by nature; half is chosen"),
    # -- 7.4.0 Nudges, targeted offers, noticed unequal treatment, the decision remembered.
    straight=effect(
        0.5, 0.25, 0.75, SOURCE_MECHANISM,
        "what playing it straight leaves of the brand promise's and the nudges' pull",
        "seed 001, Lee's lever 7 (no hype, no manipulation) gives the direction; half is chosen"),
    informed_detection=effect(
        0.8, 0.6, 0.95, SOURCE_MECHANISM,
        "nudge detection, relative, when information is online",
        "seed 001, Lee's lever 4: open information leaves less to see through; the fifth less is chosen"),
    detected_trust_loss=effect(
        0.3, 0.15, 0.45, SOURCE_MECHANISM,
        "trust lost on seeing through a nudge",
        "Friestad & Wright 1994: a persuasion attempt seen through lowers trust in the agent; the size is chosen"),
    detected_satisfaction_loss=effect(
        0.1, 0.05, 0.15, ASSUMPTION,
        "satisfaction lost on seeing through a nudge",
        "a third of the trust lost: the service itself was no worse, the feeling of being played is"),
    reactance=effect(
        0.5, 0.25, 0.75, SOURCE_MECHANISM,
        "fall in buying of those who saw through the nudges, as a share of the nudges' uplift",
        "Brehm 1966: a threatened freedom is reasserted by doing the opposite; half the uplift is chosen"),
    tier_offer_share=effect(
        [1.0, 0.5, 0.0], [1.0, 0.25, 0.0], [1.0, 0.75, 0.0], ASSUMPTION,
        "share of the offer response each tier receives (top, middle, low)",
        "offers target the top tier (offer_response is its response) and skip the low; the middle gets some"),
    unfair_trust_loss=effect(
        0.2, 0.1, 0.3, SOURCE_MECHANISM,
        "trust lost on noticing being treated worse for one's tier",
        "Homburg, Droll & Totzek 2008: visible prioritisation hurts the deprioritised; the size is chosen, two "
        "thirds of a seen-through nudge's"),
    unfair_satisfaction_loss=effect(
        0.1, 0.05, 0.15, ASSUMPTION,
        "satisfaction lost on noticing being treated worse for one's tier",
        "as for a seen-through nudge: the slight is felt in satisfaction too, less than in trust"),
    goodwill_trust=effect(
        0.05, 0.025, 0.075, SOURCE_MECHANISM,
        "trust gained when a hard question is decided for the customer",
        "Tax, Brown & Chandrashekaran 1998: a problem solved generously builds trust; the size is chosen"),
    push_trust_loss=effect(
        0.1, 0.05, 0.15, SOURCE_MECHANISM,
        "trust lost on noticing a sales push in a contact",
        "Friestad & Wright 1994 (persuasion knowledge); chosen as a third of a seen-through nudge's loss"),
    # -- 7.4.1 Perception of both layers.
    perception_speed=effect(
        0.3, 0.15, 0.5, ASSUMPTION,
        "weight of this week's experience in perceived quality (both layers)",
        "perception settles within a few purchases or contacts"),
    technical_floor=effect(
        0.65, 0.55, 0.65, ASSUMPTION,
        "technical experience of a purchase when the product does not fit the segment's job at all",
        "a product still does much of a job it was not designed for; the floor and the fit's weight sum to 1 "
        "(a perfect fit gives 1), so neither may rise"),
    technical_fit=effect(
        0.35, 0.25, 0.35, ASSUMPTION,
        "rise of a purchase's technical experience from no fit to a perfect fit to the segment's job",
        "what fitting the job (seed 000) adds over a generic product; with the floor it sums to 1"),
    defect_factor=effect(
        0.25, 0.1, 0.4, ASSUMPTION,
        "what a defect leaves of a purchase's technical experience",
        "a defective product mostly fails its job: three quarters of the experience lost"),
    # -- 7.4.2 Expectations.
    expectation_speed=effect(
        0.03, 0.015, 0.05, ASSUMPTION,
        "weekly adjustment of expectations toward the resting expectation plus the brand promise",
        "adaptive expectations move over months: half the gap in about 23 weeks"),
    # -- 7.4.3 Satisfaction by disconfirmation (Oliver 1980).
    satisfaction_performance_weight=effect(
        0.5, 0.3, 0.7, SOURCE_MECHANISM,
        "weight of performance itself in the satisfaction target, the rest on disconfirmation of expectations",
        "Oliver 1980: satisfaction follows both performance and its disconfirmation of expectations; equal weight "
        "is chosen"),
    disconfirmation=effect(
        1.5, 1.0, 2.0, SOURCE_MECHANISM,
        "weight of performance minus expectation in the disconfirmation part of satisfaction",
        "Oliver 1980 gives the form; chosen so that performance a third of the scale above expectation takes the "
        "disconfirmation part from neutral (0.5) to its top"),
    satisfaction_speed=effect(
        0.3, 0.15, 0.45, ASSUMPTION,
        "weekly step of satisfaction toward its target after a purchase or a contact",
        "an experience moves satisfaction at once, as it moves perception (perception_speed)"),
    satisfaction_memory=effect(
        0.03, 0.015, 0.05, ASSUMPTION,
        "weekly drift of satisfaction toward its target in a week without an experience",
        "a tenth of the step after an experience: without one, opinions settle slowly"),
    # -- 7.4.4 Trust.
    trust_speed=effect(
        0.05, 0.025, 0.08, ASSUMPTION,
        "weekly step of trust toward satisfaction",
        "trust follows satisfaction slowly: a step in trust fades with a half-life of about 14 weeks"),
    # -- 7.4.5 Voice or exit (Hirschman 1970).
    bad_contact_experience=effect(
        0.35, 0.25, 0.45, ASSUMPTION,
        "experience below which a contact counts as a bad experience",
        "well below a typical contact (the perceived process layer settles near 0.56): a contact that clearly failed"),
    dissatisfied=effect(
        0.45, 0.35, 0.5, ASSUMPTION,
        "satisfaction below which a customer with an experience this week is dissatisfied",
        "about 0.2 below the status quo's mean satisfaction (about 0.66): unhappy, not merely lukewarm"),
    lukewarm=effect(
        0.55, 0.5, 0.65, ASSUMPTION,
        "satisfaction below which a bad experience (a bad contact or a defect) makes a customer dissatisfied",
        "a bad experience tips over only a customer already lukewarm, clearly below the status quo's 0.66; it was "
        "the detractor cut until issue 27 and keeps its value, so results did not change"),
    service_recovery=effect(
        0.1, 0.05, 0.2, SOURCE_MECHANISM,
        "satisfaction won back by a complaint handled",
        "Tax, Brown & Chandrashekaran 1998: complaint handling shapes satisfaction; the size is chosen: it lifts a "
        "customer just below the dissatisfied cut (0.45) to the lukewarm cut (0.55)"),
    root_cause_removal=effect(
        0.25, 0.1, 0.4, ASSUMPTION,
        "process quality gained per unit of weekly complaint rate traced (Lee's lever 1 in full), "
        "as a share of the gap to perfect quality",
        "the causes behind complaints are a fraction of the process's faults; a quarter per complaint is chosen"),
    # -- 7.4.6 Word of mouth: what a message does to its hearer.
    negative_message_trust_loss=effect(
        0.03, 0.015, 0.045, SOURCE_MECHANISM,
        "trust a customer loses per negative message heard",
        "Goldenberg et al. 2007: bad news weighs more than good; the size is chosen, three times a good message's"),
    positive_message_trust_gain=effect(
        0.01, 0.005, 0.015, ASSUMPTION,
        "trust a customer gains per positive message heard",
        "a third of a negative message's effect (the asymmetry of Goldenberg et al. 2007)"),
    negative_message_satisfaction_loss=effect(
        0.02, 0.01, 0.03, ASSUMPTION,
        "satisfaction a customer loses per negative message heard",
        "less than the trust lost: a story colours one's own experience less than one's trust in the company"),
    # -- 7.4.7 Churn with contagion (Nitzan & Libai 2011).
    reference_satisfaction=effect(
        0.7, 0.65, 0.75, CALIBRATED,
        "satisfaction and trust at which base_churn_rate and purchase_rate hold; hazards and mood scale around it",
        "about the status quo's level (settled mean satisfaction about 0.66), so the base rates are the status quo's"),
    churn_trust_weight=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "weight of trust below the reference in the churn hazard, relative to satisfaction's",
        "customers leave over their own experience first; distrust adds, by half as much"),
    loyalty_tenure_weight=effect(
        0.5, 0.3, 0.7, ASSUMPTION,
        "weight of tenure in loyalty, the rest on buying frequency; loyalty shields from churn contagion",
        "Nitzan & Libai 2011: contagion is weaker for long-standing and heavy customers; equal weights are chosen"),
    loyalty_tenure_weeks=effect(
        104.0, 52.0, 156.0, ASSUMPTION,
        "tenure at which its part of loyalty is full (weeks)",
        "two years with the company makes a customer as loyal as tenure can"),
    loyalty_frequency_multiple=effect(
        2.0, 1.5, 3.0, ASSUMPTION,
        "buying frequency at which its part of loyalty is full, as a multiple of purchase_rate",
        "a customer buying twice as often as the typical one is as loyal as frequency can make them"),
    # -- 7.4.8 Acquisition with market headroom (Bass 1969).
    brand_attraction=effect(
        2.5, 1.25, 3.75, ASSUMPTION,
        "rise in prospects per promotion unit per unit of brand promise",
        "a brand sells its promotion: +15% prospects at the mission's brand promise of 0.06"),
    # -- 7.4.9 Buying: lasting and transient buying rate, mood.
    fluctuation_memory=effect(
        0.97, 0.9, 0.99, SOURCE_MECHANISM,
        "weekly persistence of the transient buying rate (AR(1))",
        "Sharp 2010: heavy buyers regress toward the mean; the pace, half-life about 23 weeks, is chosen"),
    mood_satisfaction_floor=effect(
        0.5, 0.3, 0.7, ASSUMPTION,
        "satisfaction's factor on buying at satisfaction 0 (before dividing by its value at the reference)",
        "even the dissatisfied keep buying while they stay: routine and switching costs"),
    mood_satisfaction_slope=effect(
        0.7, 0.5, 0.9, SOURCE_MECHANISM,
        "rise of satisfaction's factor on buying per unit of satisfaction",
        "Heskett et al. 1994: satisfied customers buy more (the service-profit chain); the slope is chosen, the "
        "factor spanning 0.5 to 1.2"),
    mood_trust_floor=effect(
        0.7, 0.5, 0.8, ASSUMPTION,
        "trust's factor on buying at trust 0 (before dividing by its value at the reference)",
        "a customer who distrusts the company still buys what they need from it, seven tenths as much"),
    mood_trust_slope=effect(
        0.3, 0.2, 0.5, ASSUMPTION,
        "rise of trust's factor on buying per unit of trust",
        "trust moves buying less than satisfaction does: at the defaults its factor spans 0.7 to 1"),
    purchase_probability_cap=effect(
        0.95, 0.9, 0.99, ASSUMPTION,
        "highest weekly purchase probability of any customer",
        "even the heaviest buyer skips a week now and then; it keeps one purchase a week meaningful"),
    # -- Read by the metrics (NPS, sim.measurement) and RFM (sim.accounting).
    promoter=effect(
        0.75, 0.7, 0.85, SOURCE_MECHANISM,
        "satisfaction at or above which a customer is a promoter (NPS), and delighted enough to talk",
        "Reichheld 2003 counts 9-10 of 10 as promoters, but satisfaction here is not the likelihood-to-recommend "
        "answer: it is a latent state settling near 0.66 under the status quo, so the cut does not follow his "
        "scale linearly (that would be 0.85, reached by about 5%); it is placed in the model's distribution "
        "(about a fifth are promoters) and pattern 6 (positive_talk) is calibrated with it"),
    detractor=effect(
        0.55, 0.5, 0.65, SOURCE_MECHANISM,
        "satisfaction at or below which a customer is a detractor (NPS)",
        "Reichheld 2003 counts 0-6 of 10 as detractors, but satisfaction here is not his 0-10 answer and the cut does "
        "not follow it linearly (0.65, just under the status quo's 0.66, would make half the base detractors and "
        "the status quo's NPS about -45); it is placed so about a quarter are, and pattern 12 is checked with it"),
    frequency_memory=effect(
        1.0 / 26.0, 1.0 / 52.0, 1.0 / 13.0, ASSUMPTION,
        "weekly smoothing weight of RFM frequency (purchases a week)",
        "half a year's memory: frequency should follow a change of habit within the re-scoring cycle"),
    value_memory=effect(
        1.0 / 52.0, 1.0 / 104.0, 1.0 / 26.0, ASSUMPTION,
        "weekly smoothing weight of a customer's value (spend a week)",
        "a year's memory, the horizon over which value concentration is judged (pattern 8)"),
)

# The state of a customer row: (dtype, fill of a blank row). The fills are placeholders, not effect
# sizes: `_new_customers` sets every trait and the RFM fields are set on arrival and at re-scoring.
CUSTOMER_STATE = {
    "segment": (np.int8, 0),
    "need_person": (np.float64, 0.5),
    "activist": (np.bool_, False),
    "expectation": (np.float64, 0.6),
    "expectation_rest": (np.float64, 0.6),
    "perceived_technical": (np.float64, 0.7),
    "perceived_functional": (np.float64, 0.7),
    "performance": (np.float64, 0.7),        # both layers weighted by the customer's needs (set weekly)
    "satisfaction": (np.float64, 0.7),
    "trust": (np.float64, 0.7),
    "recency": (np.int32, 0),
    "frequency": (np.float64, 0.0),
    "monetary": (np.float64, 0.0),
    "value": (np.float64, 0.0),              # smoothed weekly spend (a year's memory)
    "rfm_score": (np.int16, 3),
    "tier": (np.int8, 2),
    "channel_preference": (np.float64, 0.5),  # probability of trying self-service first
    "persuasion_knowledge": (np.float64, 0.3),
    "manipulation_detected": (np.bool_, False),
    "treated_unfairly": (np.bool_, False),
    "buying_rate": (np.float64, 0.0),          # lasting log-rate deviation
    "buying_fluctuation": (np.float64, 0.0),   # transient log-rate deviation (AR(1))
    "basket": (np.float64, 0.0),
    "purchase_boost": (np.float64, 0.0),       # nudges and offers this week (act on next week's buying)
    "churn_exposure": (np.float64, 0.0),       # decaying signal of defected neighbours
    "churn_hazard": (np.float64, 0.0),
    "had_defect": (np.bool_, False),
    "open_question": (np.bool_, False),        # last week's standard answer left the question open
    "complaints": (np.int32, 0),
    "last_complaint_week": (np.int32, NEVER),
    "spend_total": (np.float64, 0.0),
    "tenure": (np.int32, 0),
    "acquired_week": (np.int32, 0),
    "churned_week": (np.int32, NEVER),
}
#: The customers' state as one record, the ``active`` mask first: what the kernels take (``Population.state``).
CustomerState = state_record("CustomerState", CUSTOMER_STATE, __name__)
N_UNIFORM = 3   # uniform draws per new customer: segment, activist, persuasion knowledge
N_NORMAL = 6    # normal draws: need, expectation, channel, buying rate, fluctuation, basket


#: What a hard question was decided for, in ``WeekOfCustomers.decision`` (-1: no hard question answered).
FOR_CUSTOMER, FOR_EFFICIENCY, FOR_PROFIT = 0, 1, 2


@dataclass
class WeekOfCustomers:
    """What happened to customers this week (filled in phases 3 and 4; read by metrics and roads)."""

    purchasers: np.ndarray
    spend: np.ndarray
    defects: np.ndarray
    contacted: np.ndarray
    experience: np.ndarray       # functional experience of each contact
    person: np.ndarray           # served by a person
    escalated: np.ndarray
    pushed: np.ndarray           # sent to self-service against their preference
    resolved_by_self_service: np.ndarray
    contact_staff: np.ndarray    # employee row serving each person contact (-1 otherwise)
    decision: np.ndarray = None  # per contact: what its hard question was decided for (sim.service.FOR_*), -1 none
    resolved_first_time: np.ndarray = None  # per contact: a hard question resolved at the first contact
    push_noticed: np.ndarray = None  # per contact: the customer noticed a sales push
    tradeoffs: int = 0           # hard contacts answered by a person: a trade-off to decide
    cross_sales: float = 0.0     # revenue of the cross- and up-sales made in contacts (money)
    concessions: float = 0.0     # goodwill given away in contacts (money)
    overtime_cost: float = 0.0   # the front line's time above capacity, paid as overtime (money)
    handling_cost: float = 0.0   # the variable cost of the front line's handling time (money)
    downgraded: np.ndarray = None  # per contact: treated worse because of the customer's tier
    aggrieved: np.ndarray = None  # customers newly aggrieved this week (saw a nudge, noticed unfairness); they talk
    leavers: np.ndarray = None    # customers who left this week
    dissatisfied: int = 0
    complaints: int = 0
    silent_exits: int = 0
    churned: int = 0
    churned_dissatisfied_silent: int = 0
    acquired: int = 0
    wom_positive: int = 0
    wom_negative: int = 0
    wom_positive_talkers: int = 0
    wom_negative_talkers: int = 0
    wom_broadcast: float = 0.0
    prospects_deterred: float = 0.0
    prospects_referred: float = 0.0


def brand_pull(policy, fx) -> float:
    """The brand promise as customers take it: ``fx.straight`` of it (half) when the organisation plays it straight."""
    return policy.brand_promise * (fx.straight if policy.play_it_straight else 1.0)


class CustomerBase:
    """Customers, their word-of-mouth network and the weekly customer update."""

    def __init__(self, cust, n_customers: int, rng: np.random.Generator,
                 weak_tie_weight: float = NETWORK_EFFECTS.weak_tie_weight, effects=None):
        self.params = cust
        self.fx = fx = CUSTOMER_EFFECTS.defaults if effects is None else effects   # this run's effect sizes
        # The segment tables as newcomers are drawn from them: cumulative shares, and self-service
        # affinities relative to their mean.
        self._cumulative_share, self._total_share = np.cumsum(fx.segment_share), fx.segment_share.sum()
        self._self_service_affinity = fx.segment_self_service / fx.segment_self_service.mean()
        self.n_initial = n = n_customers
        room = int(n * 1.3) + 16   # numerical: rows allocated up front (the arrays grow when needed)
        self.people = Population(CUSTOMER_STATE, capacity=room, record=CustomerState)
        self.network = WordOfMouthNetwork(cust.strong_ties, cust.weak_ties, capacity=room,
                                          weak_tie_weight=weak_tie_weight)
        rows = self.people.add(n)
        self._initialise(rows, rng.random((n, N_UNIFORM)), rng.standard_normal((n, N_NORMAL)), week=0)
        # Start from a year of buying history so RFM is meaningful from week 0.
        p = self.people
        rate = self.purchase_probability(n)
        p.frequency[rows] = rate
        p.monetary[rows] = p.basket[rows]
        p.value[rows] = rate * p.basket[rows]
        # Recency within a two-year record: customers who (almost) never buy all rank last anyway.
        p.recency[rows] = np.minimum(rng.geometric(np.clip(rate, 0.01, 1.0)) - 1, 104)  # numerical: bounds of the draw's record
        # Tenure from the churn rate, a ten-year record; loyalty is full at two years (loyalty_tenure_weeks),
        # so the cap moves no hazard, and the floor keeps the mean finite at zero churn.
        churn = max(cust.base_churn_rate, 0.05)  # numerical: a floor that keeps the tenure draw finite
        p.tenure[rows] = np.minimum(rng.exponential(52.0 / churn, n), 520).astype(np.int32)  # numerical: the record's cap
        self.by_segment = PoolBySegment(rows, p.segment, len(SEGMENTS))
        self.network.connect(rows, p.segment, rows, rng.random((n, cust.strong_ties + cust.weak_ties)), self.by_segment)
        self.ever_acquired = n
        self.ever_lost = 0

    def _initialise(self, rows, u, z, week):
        """Traits of new customers from uniforms ``u`` and normals ``z`` (one row per customer): the
        job-to-be-done segment, activism, needs and expectations by segment, channel preference,
        persuasion knowledge, buying rate and basket; they start at the status quo's experience."""
        c, p = self.params, self.people
        # Lognormal baskets with mean c.basket; numpy's vectorised exp, as for buying.
        basket = c.basket * np.exp(c.basket_heterogeneity * z[:, 5] - 0.5 * c.basket_heterogeneity ** 2)  # mean correction
        _new_customers(self.fx, self._cumulative_share, self._total_share, self._self_service_affinity,
                       rows, u, z, basket, float(c.customisation_need), float(c.activist_share),
                       float(c.self_service_preference), float(c.persuasion_knowledge), float(c.buyer_heterogeneity),
                       week, p.state())

    # ------------------------------------------------------------------ the register
    def drop_departed(self) -> bool:
        """Drop the rows of customers who left once they are many (``Population.holds_many_departed``);
        the tie table and the pools follow. Changes no result (every draw is keyed by id, and rows
        keep id order); it bounds the rows held, and with them a week's cost and memory, by the
        customers present. Returns whether rows were dropped."""
        p = self.people
        if not p.holds_many_departed():
            return False
        self.by_segment.keep(p.active)          # the pool holds present customers only, as ``add`` keeps it
        kept = p.active_rows()
        moved = p.compact()
        self.network.compact(kept, moved)
        self.by_segment.ids = moved[self.by_segment.ids]
        return True

    # ------------------------------------------------------------------ buying
    def _fluctuation(self) -> tuple:
        """The buying rate's spread, in the order the buying kernels take them: the transient
        part's scale and the lognormal's mean correction (half the total variance)."""
        c = self.params
        return (c.buyer_fluctuation, 0.5 * (c.buyer_heterogeneity ** 2 + c.buyer_fluctuation ** 2))

    def purchase_probability(self, n: int) -> np.ndarray:
        """Weekly purchase probability of rows 0..n-1: lasting and transient buying rate, satisfaction,
        trust, nudges and offers (docs/ODD.md 7.4.9)."""
        p = self.people
        growth = np.exp(_buying_exponents(p.buying_rate[:n], p.buying_fluctuation[:n], *self._fluctuation()))
        return _purchase_probabilities(growth, p.segment, p.satisfaction, p.trust, p.purchase_boost,
                                       self.params.purchase_rate, self.fx)

    def buy_this_week(self, model) -> np.ndarray:
        """The rows that buy this week. First the transient buying rate moves on, AR(1): heavy
        buyers regress toward their mean (Sharp 2010); innovations are uniform with unit
        variance (four times cheaper to draw than normals, and close to normal summed over weeks).
        Both draws are keyed by customer id, for the customers present only."""
        p = self.people
        fluctuation_key = model.streams.keys("buying_fluctuation", model.week)[0]
        purchase_key = model.streams.keys("purchase", model.week)[0]
        memory = self.fx.fluctuation_memory
        # Unit variance of the stationary AR(1) from uniform innovations (a uniform's variance is 1/12).
        innovation = np.sqrt(12.0 * (1 - memory ** 2))  # numerical: the uniform's variance
        # The exponentials in numpy's vectorised exp: seven times faster than one call per row in a kernel.
        growth = _fluctuate(p.n, fluctuation_key, p.ids, p.active, p.buying_rate, p.buying_fluctuation, *self._fluctuation(),
                            memory, innovation)
        np.exp(growth, out=growth)
        return _buy(purchase_key, p.ids, growth, p.active, p.segment, p.satisfaction, p.trust, p.purchase_boost,
                    self.params.purchase_rate, self.fx)

    # ------------------------------------------------------------------ phase 4
    def update(self, model) -> None:
        """Phase 4 of the week, in this order (docs/ODD.md 7.4)."""
        week = model.moments
        policy = model.management.policy
        self.people.purchase_boost[: self.people.n] = 0.0
        week.aggrieved = np.zeros(0, dtype=np.int64)
        model.acquisition_boost = 0.0
        self.nudge(model, policy)
        self.make_offers(policy)
        self.notice_unequal_treatment(model, week)
        self.remember_the_decision(week)
        self.perceive(model, week)
        dissatisfied = self.satisfy(model, week)
        self.voice_or_exit(model, week, dissatisfied)
        self.word_of_mouth(model, week, dissatisfied)
        self.churn(model, week)
        self.acquire(model, week)

    def nudge(self, model, policy) -> None:
        """Nudges: conversion and buying now; those who see through them (activists first) lose trust and talk."""
        x = policy.nudging
        if x <= 0:
            return
        c, p, fx = self.params, self.people, self.fx
        rows = p.active_rows()
        pull = x * (fx.straight if policy.play_it_straight else 1.0)
        honesty = fx.informed_detection if policy.information_online else 1.0
        u = model.streams.at("manipulation", model.week, p.ids[rows])
        sees = (~p.manipulation_detected[rows]) & (u < c.nudge_detection * pull * p.persuasion_knowledge[rows] * honesty)
        found = rows[sees]
        p.manipulation_detected[found] = True
        p.trust[found] = np.maximum(0.0, p.trust[found] - fx.detected_trust_loss)
        p.satisfaction[found] = np.maximum(0.0, p.satisfaction[found] - fx.detected_satisfaction_loss)
        model.moments.aggrieved = np.concatenate([model.moments.aggrieved, found])
        uplift = c.nudge_response * pull
        p.purchase_boost[rows] += np.where(p.manipulation_detected[rows], -fx.reactance * uplift, uplift)
        model.acquisition_boost += c.nudge_conversion * pull * policy.promotion_budget / c.acquisition_cost

    def make_offers(self, policy) -> None:
        """Targeted offers lift the buying of the top tier (``tier_offer_share`` of it the middle tier's)."""
        x = policy.targeted_offers
        if x <= 0:
            return
        p = self.people
        rows = p.active_rows()
        p.purchase_boost[rows] += self.params.offer_response * x * self.fx.tier_offer_share.take(p.tier[rows])

    def notice_unequal_treatment(self, model, week) -> None:
        """A customer treated worse for their tier may notice it: trust and satisfaction fall, and they talk."""
        p = self.people
        who = week.contacted[week.downgraded]
        if len(who) == 0:
            return
        u = model.streams.at("notice_unfairness", model.week, p.ids[who])
        notice = who[(u < self.params.unfairness_visibility) & ~p.treated_unfairly[who]]
        p.treated_unfairly[notice] = True
        p.trust[notice] = np.maximum(0.0, p.trust[notice] - self.fx.unfair_trust_loss)
        p.satisfaction[notice] = np.maximum(0.0, p.satisfaction[notice] - self.fx.unfair_satisfaction_loss)
        week.aggrieved = np.concatenate([week.aggrieved, notice])

    def remember_the_decision(self, week) -> None:
        """What a hard question was decided for stays with the customer: a problem solved generously
        builds trust (Tax, Brown & Chandrashekaran 1998); a sales push noticed costs trust (persuasion
        knowledge, Friestad & Wright 1994), and did not sell (reactance, ``sim.service``)."""
        if week.decision is None:
            return
        p = self.people
        helped = week.contacted[week.decision == FOR_CUSTOMER]
        p.trust[helped] = np.minimum(1.0, p.trust[helped] + self.fx.goodwill_trust)
        pushed = week.contacted[week.push_noticed]
        p.trust[pushed] = np.maximum(0.0, p.trust[pushed] - self.fx.push_trust_loss)

    def perceive(self, model, week) -> None:
        """Both layers of perceived quality move toward this week's experiences (7.4.1)."""
        p = self.people
        # Thinginess: the product does the job (fit to the segment's job), unless defective.
        _perceive(week.purchasers, week.defects, week.contacted, week.experience, p.segment, model.org_state.process_fit,
                  p.perceived_technical, p.perceived_functional, self.fx)

    def performance(self, rows) -> np.ndarray:
        """Both layers of perceived quality, weighted by each customer's need for a person."""
        p = self.people
        return _performances(p.need_person[rows], p.perceived_technical[rows], p.perceived_functional[rows])

    def satisfaction_target(self, perf, expectation):
        """Half performance, half disconfirmation of expectations (Oliver 1980)."""
        return _satisfaction_targets(np.asarray(perf, dtype=float), np.asarray(expectation, dtype=float), self.fx)

    def satisfy(self, model, week) -> np.ndarray:
        """Expectations adapt (7.4.2); expectation-disconfirmation satisfaction (Oliver 1980), weighted by
        segment needs, and trust follow (7.4.3-7.4.4). Returns the dissatisfied (7.4.5), in id order.

        One pass over the rows (``_satisfy``): every equation is a function of the row alone.
        """
        p = self.people
        # Performance is kept for the metrics: nothing changes perceived quality, needs or
        # expectations between here and the end of the week but newcomers, who get theirs in
        # ``_initialise``.
        return _satisfy(week.purchasers, week.defects, week.contacted, week.experience, p.need_person,
                        p.perceived_technical, p.perceived_functional, p.performance[: p.n], p.expectation,
                        p.expectation_rest, brand_pull(model.management.policy, self.fx), p.satisfaction, p.trust,
                        p.active, self.fx)

    def voice_or_exit(self, model, week, dissatisfied: np.ndarray) -> None:
        """The dissatisfied complain (voice) or some leave without a word (exit) (Hirschman 1970)."""
        c, p = self.params, self.people
        keys = model.streams.keys("voice_or_exit", model.week, columns=2)
        n_complaints, self._silent_leavers = _voice_or_exit(dissatisfied, p.ids, keys[0], keys[1], float(c.voice),
                                                            float(c.silent_exit), p.activist, p.complaints,
                                                            p.last_complaint_week, p.satisfaction, model.week, self.fx)
        week.dissatisfied = len(dissatisfied)
        week.complaints = n_complaints
        fix = model.management.policy.minimise_complaints
        if fix > 0 and n_complaints:
            # Lee's lever 1: trace and remove the causes of complaints.
            org = model.org_state
            rate = n_complaints / max(p.n_active, 1)
            org.process_quality += fix * self.fx.root_cause_removal * rate * (1.0 - org.process_quality)

    def word_of_mouth(self, model, week, dissatisfied) -> None:
        """Asymmetric word of mouth: the dissatisfied tell more, activists broadcast widest.

        The dissatisfied and the aggrieved may talk (activists more often), as may the delighted
        (activists less: they are critics by nature); each talker tells some of their ties
        (``WordOfMouthNetwork.spread``); each message moves its hearer's trust, and a bad one
        satisfaction too. Negative reach that finds no tie is broadcast outside the network.
        """
        c, p, net = self.params, self.people, self.network
        (week.wom_negative, week.wom_positive, week.wom_negative_talkers, week.wom_positive_talkers,
         broadcast) = _word_of_mouth(
            dissatisfied, week.aggrieved, week.purchasers, week.contacted, p.satisfaction, p.trust,
            p.manipulation_detected, p.active, p.activist, p.ids, model.streams.keys("talk", model.week)[0],
            model.streams.keys("talk_ties", model.week)[0], float(c.negative_talk), float(c.positive_talk),
            float(c.negative_reach), float(c.positive_reach), float(c.activist_amplification), net.ties, net.strong,
            net.capacity, net.rotation, net.weak, self.fx)
        week.wom_broadcast = broadcast
        week.prospects_deterred = c.deterrence * (week.wom_negative + broadcast)
        week.prospects_referred = c.referral * week.wom_positive

    def churn(self, model, week) -> None:
        """Defection hazard from satisfaction and trust, raised by defecting neighbours (contagion)."""
        c, p = self.params, self.people
        n, here = p.n, p.active[: p.n]
        fx = self.fx
        mood_factor = _churn_moods(p.satisfaction[:n], p.trust[:n], c.churn_sensitivity, fx)
        np.exp(mood_factor, out=mood_factor)   # numpy's vectorised exp
        leavers = _churn(model.streams.keys("churn", model.week)[0], p.ids, self._silent_leavers, mood_factor, p.tenure,
                         p.frequency, p.churn_exposure, p.churn_hazard, p.active, c.base_churn_rate, c.churn_contagion,
                         max(fx.loyalty_frequency_multiple * c.purchase_rate, 1e-9), fx)
        p.remove(leavers)
        self.ever_lost += len(leavers)
        p.churned_week[leavers] = model.week
        self.network.expose(p.churn_exposure[: p.n], leavers, c.contagion_decay)
        week.churned = len(leavers)
        week.leavers = leavers
        week.silent_exits = len(self._silent_leavers)
        p.tenure[:n] += here

    def acquire(self, model, week) -> None:
        """New customers from promotion, organic growth and positive word of mouth, less deterred prospects."""
        c, p = self.params, self.people
        policy = model.management.policy
        # Prospects run out as the market fills (Bass 1969).
        potential = c.market_potential * self.n_initial
        headroom = max(0.0, (potential - p.n_active) / max(potential - self.n_initial, 1.0))
        pull = self.fx.brand_attraction * brand_pull(policy, self.fx)
        expected = headroom * (policy.promotion_budget / c.acquisition_cost * (1.0 + pull)
                               + c.organic_acquisition / 52.0 * p.n_active
                               + week.prospects_referred + model.acquisition_boost) - week.prospects_deterred
        g = model.streams.generator("acquisition", model.week)
        k = int(g.poisson(max(expected, 0.0)))
        week.acquired = k
        if k == 0:
            return
        rows = self.add(model, k)
        week.acquired = len(rows)

    def add(self, model, k: int) -> np.ndarray:
        """Add ``k`` customers with traits from this week's stream and tie them in."""
        p = self.people
        pool = p.active_rows()
        rows = p.add(k)
        # Row-major draws: the i-th newcomer of a week gets the same traits whatever k is.
        u = model.streams.generator("new_customer_traits", model.week).random((k, N_UNIFORM))
        z = model.streams.generator("new_customer_normals", model.week).standard_normal((k, N_NORMAL))
        self._initialise(rows, u, z, model.week)
        p.frequency[rows] = 0.0
        p.monetary[rows] = p.basket[rows]
        p.value[rows] = 0.0
        p.recency[rows] = 0
        ties = model.streams.generator("new_customer_ties", model.week).random(
            (k, self.params.strong_ties + self.params.weak_ties))
        self.by_segment.keep(p.active)          # the pool: those present before the newcomers
        self.network.connect(rows, p.segment, pool, ties, self.by_segment)
        self.by_segment.add(rows, p.segment)
        self.ever_acquired += k
        return rows


# ---------------------------------------------------------------------------- kernels
# The weekly passes over every customer row, compiled (sim/jit.py). Each computes what the
# method of the same name above describes, in the same order of operations. Each takes this
# run's customer effect sizes as one argument, ``fx`` (CUSTOMER_EFFECTS).


@njit
def _buying_exponent(i, buying_rate, fluctuation, buyer_fluctuation, half_variance):
    """Log of a row's buying rate relative to the market's: lasting plus transient, mean-corrected."""
    return buying_rate[i] + buyer_fluctuation * fluctuation[i] - half_variance


@njit
def _buying_exponents(buying_rate, fluctuation, buyer_fluctuation, half_variance):
    out = np.empty(len(buying_rate))
    for i in range(len(out)):
        out[i] = _buying_exponent(i, buying_rate, fluctuation, buyer_fluctuation, half_variance)
    return out


@njit
def _mood(satisfaction, trust, fx):
    """Satisfaction's and trust's factors on buying (divided by their value at the reference, 7.4.9)."""
    return (fx.mood_satisfaction_floor + fx.mood_satisfaction_slope * satisfaction) * (
        fx.mood_trust_floor + fx.mood_trust_slope * trust)


@njit
def _purchase_probability(i, growth, segment, satisfaction, trust, boost, purchase_rate, fx):
    """``growth`` is the exponential of the row's ``_buying_exponent``."""
    rate = purchase_rate * fx.segment_buying[segment[i]] * growth
    mood = _mood(satisfaction[i], trust[i], fx) / _mood(fx.reference_satisfaction, fx.reference_satisfaction, fx)
    return min(max(rate * mood * (1.0 + boost[i]), 0.0), fx.purchase_probability_cap)


@njit
def _purchase_probabilities(growth, segment, satisfaction, trust, boost, purchase_rate, fx):
    out = np.empty(len(growth))
    for i in range(len(out)):
        out[i] = _purchase_probability(i, growth[i], segment, satisfaction, trust, boost, purchase_rate, fx)
    return out


@njit
def _fluctuate(n, key, ids, active, buying_rate, fluctuation, buyer_fluctuation, half_variance, memory, innovation):
    """The AR(1) step of each present customer's transient buying rate (rows 0..n-1, the uniform
    keyed by id); returns the rows' buying exponents (0 for a row whose customer left)."""
    out = np.zeros(n)
    for i in range(n):
        if active[i]:
            # 0.5 centres the uniform.
            fluctuation[i] = fluctuation[i] * memory + innovation * (keyed_uniform(key, ids[i]) - 0.5)
            out[i] = _buying_exponent(i, buying_rate, fluctuation, buyer_fluctuation, half_variance)
    return out


@njit
def _buy(key, ids, growth, active, segment, satisfaction, trust, boost, purchase_rate, fx):
    """The rows, in order, of the present customers who buy (their uniform keyed by id)."""
    buyers = np.empty(len(growth), dtype=np.int64)
    m = 0
    for i in range(len(growth)):
        if active[i] and keyed_uniform(key, ids[i]) < _purchase_probability(i, growth[i], segment, satisfaction, trust,
                                                                            boost, purchase_rate, fx):
            buyers[m] = i
            m += 1
    return buyers[:m]


@njit
def _perceive(purchasers, defects, contacted, experience, segment, fit, technical, functional, fx):
    for k in range(len(purchasers)):
        j = purchasers[k]
        tech = (fx.technical_floor + fx.technical_fit * fit[segment[j]]) * (fx.defect_factor if defects[k] else 1.0)
        technical[j] += fx.perception_speed * (tech - technical[j])
    for k in range(len(contacted)):
        j = contacted[k]
        functional[j] += fx.perception_speed * (experience[k] - functional[j])


@njit
def _performance(need_person, technical, functional):
    return (1 - need_person) * technical + need_person * functional


@njit
def _performances(need_person, technical, functional):
    out = np.empty(len(need_person))
    for i in range(len(out)):
        out[i] = _performance(need_person[i], technical[i], functional[i])
    return out


@njit
def _satisfaction_target(perf, expectation, fx):
    """Performance and its disconfirmation of expectations, weighted; confirmed expectations give 0.5,
    the scale's midpoint, in the disconfirmation part."""
    w = fx.satisfaction_performance_weight
    return min(max(w * perf + (1.0 - w) * (0.5 + fx.disconfirmation * (perf - expectation)), 0.0), 1.0)


@njit
def _satisfaction_targets(perf, expectation, fx):
    out = np.empty(len(perf))
    for i in range(len(out)):
        out[i] = _satisfaction_target(perf[i], expectation[i], fx)
    return out


@njit
def _satisfy(purchasers, defects, contacted, experience, need_person, technical, functional, performance, expectation,
             expectation_rest, promise, satisfaction, trust, active, fx):
    """Who had an experience this week, and a bad one (a bad contact or a defect); then every row in
    turn: its expectation (present customers), its performance, its satisfaction and trust (present
    customers), and whether it is dissatisfied. Returns the dissatisfied, ascending."""
    n = len(performance)
    experienced = np.zeros(n, dtype=np.bool_)
    bad = np.zeros(n, dtype=np.bool_)
    experienced[purchasers] = True
    experienced[contacted] = True
    for k in range(len(contacted)):
        if experience[k] < fx.bad_contact_experience:
            bad[contacted[k]] = True
    for k in range(len(purchasers)):
        if defects[k]:
            bad[purchasers[k]] = True
    unhappy = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        perf = _performance(need_person[i], technical[i], functional[i])
        performance[i] = perf
        if active[i]:
            # Expectations adapt toward the resting expectation plus the brand promise as customers take it.
            e = expectation[i]
            e = min(max(e + fx.expectation_speed * (expectation_rest[i] + promise - e), 0.0), 1.0)
            expectation[i] = e
            speed = fx.satisfaction_speed if experienced[i] else fx.satisfaction_memory
            sat = satisfaction[i]
            sat = min(max(sat + speed * (_satisfaction_target(perf, e, fx) - sat), 0.0), 1.0)
            trust[i] = min(max(trust[i] + fx.trust_speed * (sat - trust[i]), 0.0), 1.0)
            satisfaction[i] = sat
            # Dissatisfied: unhappy, or lukewarm and had a bad experience.
            unhappy[i] = experienced[i] and (sat < fx.dissatisfied or (bad[i] and sat < fx.lukewarm))
    return np.flatnonzero(unhappy)


@njit
def _new_customers(fx, cumulative_share, total_share, self_service_affinity, rows, u, z, basket, customisation_need,
                   activist_share, self_service_preference, persuasion_knowledge, buyer_heterogeneity, week, c):
    """Traits of new customers (docs/ODD.md 5.2), rows ``rows`` of the state ``c`` (a ``CustomerState``);
    ``cumulative_share``, ``total_share`` and ``self_service_affinity`` are derived from ``fx``'s segment
    tables (``CustomerBase.__init__``)."""
    segment, activist, need_person, expectation_rest, expectation = (c.segment, c.activist, c.need_person,
                                                                     c.expectation_rest, c.expectation)
    channel_preference, knowledge, buying_rate, fluctuation = (c.channel_preference, c.persuasion_knowledge,
                                                               c.buying_rate, c.buying_fluctuation)
    basket_of, technical, functional, performance = c.basket, c.perceived_technical, c.perceived_functional, c.performance
    satisfaction, trust, tier, acquired_week, tenure = c.satisfaction, c.trust, c.tier, c.acquired_week, c.tenure
    last = len(cumulative_share) - 1
    for r in range(len(rows)):
        j = rows[r]
        x = u[r, 0] * total_share
        seg = 0
        while seg < last and cumulative_share[seg] <= x:     # the segment whose share x falls in
            seg += 1
        segment[j] = seg
        activist[j] = u[r, 1] < activist_share
        need_person[j] = min(max(customisation_need * fx.segment_need_person[seg] + fx.need_person_spread * z[r, 0],
                                 0.0), 1.0)
        expectation_rest[j] = min(max(fx.segment_expectation[seg] + fx.expectation_spread * z[r, 1]
                                      + fx.activist_expectation * activist[j], 0.0), 1.0)
        expectation[j] = expectation_rest[j]
        channel_preference[j] = min(max(self_service_preference * self_service_affinity[seg]
                                        + fx.channel_preference_spread * z[r, 2], 0.0), 1.0)
        # A multiple of the mean, uniform on [0.5, 1.5): 0.5 + u has mean 1.
        activism = fx.activist_persuasion_knowledge if activist[j] else 1.0
        knowledge[j] = min(max(persuasion_knowledge * activism * (0.5 + u[r, 2]), 0.0), 1.0)
        buying_rate[j] = buyer_heterogeneity * z[r, 3]
        fluctuation[j] = z[r, 4]
        basket_of[j] = basket[r]
        technical[j] = fx.start_technical
        functional[j] = fx.start_functional
        performance[j] = _performance(need_person[j], technical[j], functional[j])
        satisfaction[j] = _satisfaction_target(performance[j], expectation[j], fx)
        trust[j] = satisfaction[j]
        tier[j] = 2                  # the low tier until the next re-scoring
        acquired_week[j] = week
        tenure[j] = 0


@njit
def _voice_or_exit(dissatisfied, ids, voice_key, exit_key, voice, silent_exit, activist, complaints,
                   last_complaint_week, satisfaction, week, fx):
    """Each dissatisfied customer complains (activists half as often) or, silent, may leave.
    A complaint handled wins some satisfaction back. Returns (complaints, silent leavers)."""
    leavers = np.empty(len(dissatisfied), dtype=np.int64)
    n_complaints = n_leavers = 0
    for j in dissatisfied:
        if keyed_uniform(voice_key, ids[j]) < voice * (fx.activist_voice if activist[j] else 1.0):
            complaints[j] += 1
            last_complaint_week[j] = week
            satisfaction[j] = min(max(satisfaction[j] + fx.service_recovery, 0.0), 1.0)
            n_complaints += 1
        elif keyed_uniform(exit_key, ids[j]) < silent_exit:
            leavers[n_leavers] = j
            n_leavers += 1
    return n_complaints, leavers[:n_leavers]


@njit
def _churn_moods(satisfaction, trust, sensitivity, fx):
    """The exponent of each row's defection hazard: how far satisfaction and trust are below the reference
    (``sensitivity`` per unit of satisfaction; trust weighs ``churn_trust_weight``, half, as much)."""
    ref = fx.reference_satisfaction
    out = np.empty(len(satisfaction))
    for i in range(len(out)):
        out[i] = sensitivity * ((ref - satisfaction[i]) + fx.churn_trust_weight * (ref - trust[i]))
    return out


@njit
def _churn(key, ids, silent_leavers, mood_factor, tenure, frequency, exposure, hazard, active, churn_rate, contagion,
           frequency_scale, fx):
    """``mood_factor`` is the exponential of ``_churn_moods``; loyal customers (tenure and buying
    frequency, each full at its scale) feel less of their neighbours' defections. The uniform of
    each present customer is keyed by id."""
    w = fx.loyalty_tenure_weight
    n = len(mood_factor)
    leave = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        if active[i]:
            loyalty = w * min(tenure[i] / fx.loyalty_tenure_weeks, 1.0) + (1.0 - w) * min(frequency[i] / frequency_scale,
                                                                                          1.0)
            h = churn_rate / 52.0 * mood_factor[i] * (1.0 + contagion * exposure[i] * (1.0 - loyalty))
            hazard[i] = h
            leave[i] = keyed_uniform(key, ids[i]) < h
    leave[silent_leavers] = True
    return np.flatnonzero(leave)


@njit
def _word_of_mouth(dissatisfied, aggrieved, purchasers, contacted, satisfaction, trust, detected, active, activist, ids,
                   talk_key, ties_key, negative_talk, positive_talk, negative_reach, positive_reach, amplification, ties,
                   strong, capacity, rotation, weak, fx):
    """Who talks, whom they tell, and what the hearers make of it. One talk draw per customer and
    week (a customer both dissatisfied and aggrieved gets one), one draw for the ties told.
    Returns (negative messages, positive messages, negative talkers, positive talkers, broadcast)."""
    talkers = np.empty(len(dissatisfied) + len(aggrieved), dtype=np.int64)
    m = 0
    for j in dissatisfied:
        if keyed_uniform(talk_key, ids[j]) < min(1.0, negative_talk * (fx.activist_negative_talk if activist[j] else 1.0)):
            talkers[m] = j
            m += 1
    for j in aggrieved:
        if active[j] and keyed_uniform(talk_key, ids[j]) < negative_talk:
            talkers[m] = j
            m += 1
    negative = np.unique(talkers[:m])           # in id order, each once
    # The delighted: those with an experience this week (purchasers and contacted, both in id
    # order, merged) who are promoters and have not seen through a nudge.
    positive = np.empty(len(purchasers) + len(contacted), dtype=np.int64)
    n_positive = a = b = 0
    while a < len(purchasers) or b < len(contacted):
        if b == len(contacted) or (a < len(purchasers) and purchasers[a] <= contacted[b]):
            j = purchasers[a]
            a += 1
            if b < len(contacted) and contacted[b] == j:
                b += 1
        else:
            j = contacted[b]
            b += 1
        if satisfaction[j] >= fx.promoter and not detected[j] and active[j]:
            if keyed_uniform(talk_key, ids[j]) < positive_talk * (fx.activist_positive_talk if activist[j] else 1.0):
                positive[n_positive] = j
                n_positive += 1
    positive = positive[:n_positive]
    reach = np.empty(len(negative))
    for t in range(len(negative)):
        reach[t] = negative_reach * (amplification if activist[negative[t]] else 1.0)
    to_neg, _, unsent = _spread(negative, reach, _keyed_draws(ties_key, ids, negative), ties, strong, capacity,
                                rotation, weak)
    to_pos, _, _ = _spread(positive, np.full(n_positive, positive_reach), _keyed_draws(ties_key, ids, positive), ties,
                           strong, capacity, rotation, weak)
    # Each message moves its hearer (those still customers): trust first, then satisfaction.
    n_neg = n_pos = 0
    for r in to_neg:
        if active[r]:
            trust[r] -= fx.negative_message_trust_loss
            n_neg += 1
    for r in to_pos:
        if active[r]:
            trust[r] += fx.positive_message_trust_gain
            n_pos += 1
    for r in to_neg:
        if active[r]:
            satisfaction[r] -= fx.negative_message_satisfaction_loss
    for r in to_neg:
        if active[r]:
            trust[r] = min(max(trust[r], 0.0), 1.0)
            satisfaction[r] = min(max(satisfaction[r], 0.0), 1.0)
    for r in to_pos:
        if active[r]:
            trust[r] = min(max(trust[r], 0.0), 1.0)
    broadcast = 0.0
    for t in range(len(negative)):
        if activist[negative[t]]:
            broadcast += unsent[t]
    return n_neg, n_pos, len(negative), n_positive, broadcast


@njit
def _keyed_draws(key, ids, rows):
    """The uniform under ``key`` of the customer on each of ``rows``."""
    out = np.empty(len(rows))
    for k in range(len(rows)):
        out[k] = keyed_uniform(key, ids[rows[k]])
    return out
