"""The customer base: state, segments and the weekly customer update (phase 4).

Equations and sources: docs/ODD.md section 7.4 ("Customers"). Segments are
jobs-to-be-done contexts (seed 000; Ulwick 2005), not demographics: each weighs the two
layers of experience (seed 003: "thinginess", the product doing its job, vs
"personable-ness", how policies and processes feel; Grönroos 1984) differently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.effects import EffectSizes
from sim.jit import njit
from sim.networks import NETWORK_EFFECTS, PoolBySegment, WordOfMouthNetwork, _spread
from sim.population import NEVER, Population
from sim.streams import keyed_uniform

# Jobs-to-be-done contexts. Values are assumptions chosen to span the range a change lead
# meets; they are documented in docs/ODD.md table 7.4.
#: The effect sizes of the customers' mechanisms (sim.effects; docs/ODD.md 7.4).
CUSTOMER_EFFECTS = EffectSizes("customers", "docs/ODD.md 5.2, 7.4")

SEGMENTS = ("get_it_done_fast", "get_it_right", "get_advice", "get_it_cheap")
SEGMENT_SHARE = np.array([0.30, 0.25, 0.20, 0.25])
SEGMENT_NEED_PERSON = np.array([0.30, 0.45, 0.70, 0.25])   # weight of the personable layer
SEGMENT_SELF_SERVICE = np.array([0.70, 0.40, 0.20, 0.80])  # relative self-service affinity
SEGMENT_EXPECTATION = np.array([0.62, 0.72, 0.68, 0.55])
START_TECHNICAL = 0.8        # perceived layers at the start: the status quo's typical experience
START_FUNCTIONAL = 0.62
SEGMENT_BUYING = np.array([1.2, 0.9, 0.8, 1.1])

PERCEPTION_SPEED = 0.3       # weight of this week's experience in perceived quality
EXPECTATION_SPEED = 0.03     # adaptive expectations
SATISFACTION_SPEED = 0.3     # after an experience
SATISFACTION_MEMORY = 0.03   # drift toward the disconfirmation target without an experience
DISCONFIRMATION = 1.5        # Oliver (1980): weight of performance minus expectation
TRUST_SPEED = 0.05
PROMOTER = 0.75              # satisfaction at or above: a promoter (9-10 of 10)
DETRACTOR = 0.55             # satisfaction at or below: a detractor (0-6 of 10)
REFERENCE_SATISFACTION = 0.7  # the status quo's satisfaction; hazards are scaled around it
DISSATISFIED = 0.45
FREQUENCY_MEMORY = 1.0 / 26.0
FLUCTUATION_MEMORY = 0.97    # weekly persistence of the transient buying rate
VALUE_MEMORY = 1.0 / 52.0
BRAND_ATTRACTION = 2.5       # rise in prospects per promotion euro per unit of brand promise
STRAIGHT = 0.5               # what playing it straight leaves of a brand's and a nudge's pull (Lee's lever 7)
DETECTED_TRUST_LOSS = 0.3    # a customer who sees through a nudge (Friestad & Wright 1994)
DETECTED_SATISFACTION_LOSS = 0.1
REACTANCE = 0.5              # those who saw through it buy less, by half the nudge's uplift (Brehm 1966)
UNFAIR_TRUST_LOSS = 0.2      # a customer who notices being treated worse for their tier (Homburg et al. 2008)
UNFAIR_SATISFACTION_LOSS = 0.1
PUSH_TRUST_LOSS = 0.1        # a customer who notices a sales push in a contact (a third of a seen-through nudge's)
GOODWILL_TRUST = 0.05        # a customer whose hard question was decided for them (Tax, Brown & Chandrashekaran 1998)
TIER_OFFER_SHARE = np.array([1.0, 0.5, 0.0])   # targeted offers: top, middle, low tier

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
# Derived once (they were recomputed for every newcomer).
_CUMULATIVE_SHARE, _TOTAL_SHARE = np.cumsum(SEGMENT_SHARE), SEGMENT_SHARE.sum()
_SELF_SERVICE_AFFINITY = SEGMENT_SELF_SERVICE / SEGMENT_SELF_SERVICE.mean()
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


def brand_pull(policy) -> float:
    """The brand promise as customers take it: half of it when the organisation plays it straight."""
    return policy.brand_promise * (STRAIGHT if policy.play_it_straight else 1.0)


class CustomerBase:
    """Customers, their word-of-mouth network and the weekly customer update."""

    def __init__(self, cust, n_customers: int, rng: np.random.Generator,
                 weak_tie_weight: float = NETWORK_EFFECTS.weak_tie_weight, effects=None):
        self.params = cust
        self.fx = CUSTOMER_EFFECTS.defaults if effects is None else effects   # this run's effect sizes
        self.n_initial = n = n_customers
        self.people = Population(CUSTOMER_STATE, capacity=int(n * 1.3) + 16)
        self.network = WordOfMouthNetwork(cust.strong_ties, cust.weak_ties, capacity=int(n * 1.3) + 16,
                                          weak_tie_weight=weak_tie_weight)
        rows = self.people.add(n)
        self._initialise(rows, rng.random((n, N_UNIFORM)), rng.standard_normal((n, N_NORMAL)), week=0)
        # Start from a year of buying history so RFM is meaningful from week 0.
        p = self.people
        rate = self.purchase_probability(n)
        p.frequency[rows] = rate
        p.monetary[rows] = p.basket[rows]
        p.value[rows] = rate * p.basket[rows]
        p.recency[rows] = np.minimum(rng.geometric(np.clip(rate, 0.01, 1.0)) - 1, 104)
        p.tenure[rows] = np.minimum(rng.exponential(52.0 / max(cust.base_churn_rate, 0.05), n), 520).astype(np.int32)
        self.by_segment = PoolBySegment(rows, p.segment, len(SEGMENTS))
        self.network.connect(rows, p.segment, rows, rng.random((n, cust.strong_ties + cust.weak_ties)), self.by_segment)
        self.ever_acquired = n

    def _initialise(self, rows, u, z, week):
        """Traits of new customers from uniforms ``u`` and normals ``z`` (one row per customer): the
        job-to-be-done segment, activism, needs and expectations by segment, channel preference,
        persuasion knowledge, buying rate and basket; they start at the status quo's experience."""
        c, p = self.params, self.people
        # Lognormal baskets with mean c.basket; numpy's vectorised exp, as for buying.
        basket = c.basket * np.exp(c.basket_heterogeneity * z[:, 5] - 0.5 * c.basket_heterogeneity ** 2)
        _new_customers(rows, u, z, basket, float(c.customisation_need), float(c.activist_share),
                       float(c.self_service_preference),
                       float(c.persuasion_knowledge), float(c.buyer_heterogeneity), week, p.segment, p.activist,
                       p.need_person, p.expectation_rest, p.expectation, p.channel_preference, p.persuasion_knowledge,
                       p.buying_rate, p.buying_fluctuation, p.basket, p.perceived_technical, p.perceived_functional,
                       p.performance, p.satisfaction, p.trust, p.tier, p.acquired_week, p.tenure)

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
                                       self.params.purchase_rate)

    def buy_this_week(self, model) -> np.ndarray:
        """The rows that buy this week. First the transient buying rate moves on, AR(1): heavy
        buyers regress toward their mean (Sharp 2010); innovations are uniform with unit
        variance (four times cheaper to draw than normals, and close to normal summed over weeks)."""
        p = self.people
        u_fluctuation = model.streams.uniform("buying_fluctuation", model.week, p.n)
        u_buy = model.streams.uniform("purchase", model.week, p.n)
        # The exponentials in numpy's vectorised exp: seven times faster than one call per row in a kernel.
        growth = np.exp(_fluctuate(u_fluctuation, p.buying_rate, p.buying_fluctuation, *self._fluctuation(),
                                   FLUCTUATION_MEMORY, np.sqrt(12.0 * (1 - FLUCTUATION_MEMORY ** 2))))
        return _buy(u_buy, growth, p.active, p.segment, p.satisfaction, p.trust, p.purchase_boost,
                    self.params.purchase_rate)

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
        self.satisfy(week)
        dissatisfied = self.voice_or_exit(model, week)
        self.word_of_mouth(model, week, dissatisfied)
        self.churn(model, week)
        self.acquire(model, week)

    def nudge(self, model, policy) -> None:
        """Nudges: conversion and buying now; those who see through them (activists first) lose trust and talk."""
        x = policy.nudging
        if x <= 0:
            return
        c, p = self.params, self.people
        rows = p.active_rows()
        pull = x * (STRAIGHT if policy.play_it_straight else 1.0)
        honesty = 0.8 if policy.information_online else 1.0
        u = model.streams.uniform("manipulation", model.week, p.n)[rows]
        sees = (~p.manipulation_detected[rows]) & (u < c.nudge_detection * pull * p.persuasion_knowledge[rows] * honesty)
        found = rows[sees]
        p.manipulation_detected[found] = True
        p.trust[found] = np.maximum(0.0, p.trust[found] - DETECTED_TRUST_LOSS)
        p.satisfaction[found] = np.maximum(0.0, p.satisfaction[found] - DETECTED_SATISFACTION_LOSS)
        model.moments.aggrieved = np.concatenate([model.moments.aggrieved, found])
        uplift = c.nudge_response * pull
        p.purchase_boost[rows] += np.where(p.manipulation_detected[rows], -REACTANCE * uplift, uplift)
        model.acquisition_boost += c.nudge_conversion * pull * policy.promotion_budget / c.acquisition_cost

    def make_offers(self, policy) -> None:
        """Targeted offers lift the buying of the top tier (half as much the middle tier's)."""
        x = policy.targeted_offers
        if x <= 0:
            return
        p = self.people
        rows = p.active_rows()
        p.purchase_boost[rows] += self.params.offer_response * x * TIER_OFFER_SHARE.take(p.tier[rows])

    def notice_unequal_treatment(self, model, week) -> None:
        """A customer treated worse for their tier may notice it: trust and satisfaction fall, and they talk."""
        p = self.people
        who = week.contacted[week.downgraded]
        if len(who) == 0:
            return
        u = model.streams.at("notice_unfairness", model.week, who)
        notice = who[(u < self.params.unfairness_visibility) & ~p.treated_unfairly[who]]
        p.treated_unfairly[notice] = True
        p.trust[notice] = np.maximum(0.0, p.trust[notice] - UNFAIR_TRUST_LOSS)
        p.satisfaction[notice] = np.maximum(0.0, p.satisfaction[notice] - UNFAIR_SATISFACTION_LOSS)
        week.aggrieved = np.concatenate([week.aggrieved, notice])

    def remember_the_decision(self, week) -> None:
        """What a hard question was decided for stays with the customer: a problem solved generously
        builds trust (Tax, Brown & Chandrashekaran 1998); a sales push noticed costs trust (persuasion
        knowledge, Friestad & Wright 1994), and did not sell (reactance, ``sim.service``)."""
        if week.decision is None:
            return
        p = self.people
        helped = week.contacted[week.decision == FOR_CUSTOMER]
        p.trust[helped] = np.minimum(1.0, p.trust[helped] + GOODWILL_TRUST)
        pushed = week.contacted[week.push_noticed]
        p.trust[pushed] = np.maximum(0.0, p.trust[pushed] - PUSH_TRUST_LOSS)

    def perceive(self, model, week) -> None:
        """Both layers of perceived quality move toward this week's experiences; expectations adapt."""
        p = self.people
        # Thinginess: the product does the job (fit to the segment's job), unless defective.
        _perceive(week.purchasers, week.defects, week.contacted, week.experience, p.segment, model.org_state.process_fit,
                  p.perceived_technical, p.perceived_functional, p.expectation[: p.n], p.expectation_rest,
                  p.active, brand_pull(model.management.policy))

    def performance(self, rows) -> np.ndarray:
        """Both layers of perceived quality, weighted by each customer's need for a person."""
        p = self.people
        return _performances(p.need_person[rows], p.perceived_technical[rows], p.perceived_functional[rows])

    @staticmethod
    def satisfaction_target(perf, expectation):
        """Half performance, half disconfirmation of expectations (Oliver 1980)."""
        return _satisfaction_targets(np.asarray(perf, dtype=float), np.asarray(expectation, dtype=float))

    def satisfy(self, week) -> None:
        """Expectation-disconfirmation satisfaction (Oliver 1980), weighted by segment needs."""
        p = self.people
        # Performance is kept for the metrics: nothing changes perceived quality, needs or
        # expectations between here and the end of the week but newcomers, who get theirs in
        # ``_initialise``.
        self._experienced = _satisfy(week.purchasers, week.contacted, p.need_person, p.perceived_technical,
                                     p.perceived_functional, p.performance[: p.n], p.expectation, p.satisfaction,
                                     p.trust, p.active)

    def voice_or_exit(self, model, week) -> np.ndarray:
        """The dissatisfied complain (voice) or some leave without a word (exit) (Hirschman 1970)."""
        c, p = self.params, self.people
        # Dissatisfied: unhappy overall, or a bad experience for a customer who was lukewarm already.
        dis = _dissatisfied(week.contacted, week.experience, week.purchasers, week.defects, p.satisfaction,
                            self._experienced, p.active)
        keys = model.streams.keys("voice_or_exit", model.week, columns=2)
        n_complaints, self._silent_leavers = _voice_or_exit(dis, keys[0], keys[1], float(c.voice), float(c.silent_exit),
                                                            p.activist, p.complaints, p.last_complaint_week,
                                                            p.satisfaction, model.week)
        week.dissatisfied = len(dis)
        week.complaints = n_complaints
        fix = model.management.policy.minimise_complaints
        if fix > 0 and n_complaints:
            # Lee's lever 1: trace and remove the causes of complaints.
            org = model.org_state
            rate = n_complaints / max(p.n_active, 1)
            org.process_quality += fix * 0.25 * rate * (1.0 - org.process_quality)
        return dis

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
            p.manipulation_detected, p.active, p.activist, model.streams.keys("talk", model.week)[0],
            model.streams.keys("talk_ties", model.week)[0], float(c.negative_talk), float(c.positive_talk),
            float(c.negative_reach), float(c.positive_reach), float(c.activist_amplification), net.ties, net.strong,
            net.capacity, net.rotation, net.weak)
        week.wom_broadcast = broadcast
        week.prospects_deterred = c.deterrence * (week.wom_negative + broadcast)
        week.prospects_referred = c.referral * week.wom_positive

    def churn(self, model, week) -> None:
        """Defection hazard from satisfaction and trust, raised by defecting neighbours (contagion)."""
        c, p = self.params, self.people
        n, here = p.n, p.active[: p.n]
        mood_factor = np.exp(_churn_moods(p.satisfaction[:n], p.trust[:n], c.churn_sensitivity))   # numpy's vectorised exp
        leavers = _churn(model.streams.uniform("churn", model.week, n), self._silent_leavers, mood_factor, p.tenure,
                         p.frequency, p.churn_exposure, p.churn_hazard, p.active, c.base_churn_rate, c.churn_contagion,
                         max(2 * c.purchase_rate, 1e-9))
        p.remove(leavers)
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
        expected = headroom * (policy.promotion_budget / c.acquisition_cost * (1.0 + BRAND_ATTRACTION * brand_pull(policy))
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
# method of the same name above describes, in the same order of operations.
_MOOD_REFERENCE = (0.5 + 0.7 * REFERENCE_SATISFACTION) * (0.7 + 0.3 * REFERENCE_SATISFACTION)


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
def _purchase_probability(i, growth, segment, satisfaction, trust, boost, purchase_rate):
    """``growth`` is the exponential of the row's ``_buying_exponent``."""
    rate = purchase_rate * SEGMENT_BUYING[segment[i]] * growth
    mood = (0.5 + 0.7 * satisfaction[i]) * (0.7 + 0.3 * trust[i]) / _MOOD_REFERENCE
    return min(max(rate * mood * (1.0 + boost[i]), 0.0), 0.95)


@njit
def _purchase_probabilities(growth, segment, satisfaction, trust, boost, purchase_rate):
    out = np.empty(len(growth))
    for i in range(len(out)):
        out[i] = _purchase_probability(i, growth[i], segment, satisfaction, trust, boost, purchase_rate)
    return out


@njit
def _fluctuate(u_fluctuation, buying_rate, fluctuation, buyer_fluctuation, half_variance, memory, innovation):
    """The AR(1) step of every row's transient buying rate; returns the rows' buying exponents."""
    out = np.empty(len(u_fluctuation))
    for i in range(len(out)):
        # float32 draws: the innovation is formed in float32 first, as the arrays' arithmetic would.
        fluctuation[i] = fluctuation[i] * memory + innovation * np.float64(u_fluctuation[i] - np.float32(0.5))
        out[i] = _buying_exponent(i, buying_rate, fluctuation, buyer_fluctuation, half_variance)
    return out


@njit
def _buy(u_buy, growth, active, segment, satisfaction, trust, boost, purchase_rate):
    buy = np.zeros(len(u_buy), dtype=np.bool_)
    for i in range(len(buy)):
        buy[i] = active[i] and u_buy[i] < _purchase_probability(i, growth[i], segment, satisfaction, trust, boost,
                                                               purchase_rate)
    return np.flatnonzero(buy)


@njit
def _perceive(purchasers, defects, contacted, experience, segment, fit, technical, functional, expectation,
              expectation_rest, active, promise):
    for k in range(len(purchasers)):
        j = purchasers[k]
        tech = (0.65 + 0.35 * fit[segment[j]]) * (0.25 if defects[k] else 1.0)
        technical[j] += PERCEPTION_SPEED * (tech - technical[j])
    for k in range(len(contacted)):
        j = contacted[k]
        functional[j] += PERCEPTION_SPEED * (experience[k] - functional[j])
    for j in range(len(expectation)):
        if active[j]:
            e = expectation[j]
            expectation[j] = min(max(e + EXPECTATION_SPEED * (expectation_rest[j] + promise - e), 0.0), 1.0)


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
def _satisfaction_target(perf, expectation):
    return min(max(0.5 * perf + 0.5 * (0.5 + DISCONFIRMATION * (perf - expectation)), 0.0), 1.0)


@njit
def _satisfaction_targets(perf, expectation):
    out = np.empty(len(perf))
    for i in range(len(out)):
        out[i] = _satisfaction_target(perf[i], expectation[i])
    return out


@njit
def _satisfy(purchasers, contacted, need_person, technical, functional, performance, expectation, satisfaction,
             trust, active):
    n = len(performance)
    experienced = np.zeros(n, dtype=np.bool_)
    experienced[purchasers] = True
    experienced[contacted] = True
    for i in range(n):
        perf = _performance(need_person[i], technical[i], functional[i])
        performance[i] = perf
        if active[i]:
            speed = SATISFACTION_SPEED if experienced[i] else SATISFACTION_MEMORY
            sat = satisfaction[i]
            new_sat = min(max(sat + speed * (_satisfaction_target(perf, expectation[i]) - sat), 0.0), 1.0)
            trust[i] = min(max(trust[i] + TRUST_SPEED * (new_sat - trust[i]), 0.0), 1.0)
            satisfaction[i] = new_sat
    return experienced


@njit
def _new_customers(rows, u, z, basket, customisation_need, activist_share, self_service_preference, persuasion_knowledge,
                   buyer_heterogeneity, week, segment, activist, need_person, expectation_rest, expectation,
                   channel_preference, knowledge, buying_rate, fluctuation, basket_of, technical, functional,
                   performance, satisfaction, trust, tier, acquired_week, tenure):
    last = len(SEGMENT_SHARE) - 1
    for r in range(len(rows)):
        j = rows[r]
        x = u[r, 0] * _TOTAL_SHARE
        seg = 0
        while seg < last and _CUMULATIVE_SHARE[seg] <= x:     # the segment whose share x falls in
            seg += 1
        segment[j] = seg
        activist[j] = u[r, 1] < activist_share
        need_person[j] = min(max(customisation_need * SEGMENT_NEED_PERSON[seg] + 0.1 * z[r, 0], 0.0), 1.0)
        expectation_rest[j] = min(max(SEGMENT_EXPECTATION[seg] + 0.1 * z[r, 1] + 0.05 * activist[j], 0.0), 1.0)
        expectation[j] = expectation_rest[j]
        channel_preference[j] = min(max(self_service_preference * _SELF_SERVICE_AFFINITY[seg] + 0.1 * z[r, 2], 0.0),
                                    1.0)
        knowledge[j] = min(max(persuasion_knowledge * (1.0 + activist[j]) * (0.5 + u[r, 2]), 0.0), 1.0)
        buying_rate[j] = buyer_heterogeneity * z[r, 3]
        fluctuation[j] = z[r, 4]
        basket_of[j] = basket[r]
        technical[j] = START_TECHNICAL
        functional[j] = START_FUNCTIONAL
        performance[j] = _performance(need_person[j], technical[j], functional[j])
        satisfaction[j] = _satisfaction_target(performance[j], expectation[j])
        trust[j] = satisfaction[j]
        tier[j] = 2
        acquired_week[j] = week
        tenure[j] = 0


@njit
def _dissatisfied(contacted, experience, purchasers, defects, satisfaction, experienced, active):
    n = len(experienced)
    bad_contact = np.zeros(n, dtype=np.bool_)
    for k in range(len(contacted)):
        if experience[k] < 0.35:
            bad_contact[contacted[k]] = True
    for k in range(len(purchasers)):
        if defects[k]:
            bad_contact[purchasers[k]] = True
    unhappy = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        sat = satisfaction[i]
        unhappy[i] = experienced[i] and active[i] and (sat < DISSATISFIED or (bad_contact[i] and sat < DETRACTOR))
    return np.flatnonzero(unhappy)


@njit
def _voice_or_exit(dissatisfied, voice_key, exit_key, voice, silent_exit, activist, complaints, last_complaint_week,
                   satisfaction, week):
    """Each dissatisfied customer complains (activists half as often) or, silent, may leave.
    A complaint handled wins some satisfaction back. Returns (complaints, silent leavers)."""
    leavers = np.empty(len(dissatisfied), dtype=np.int64)
    n_complaints = n_leavers = 0
    for j in dissatisfied:
        if keyed_uniform(voice_key, j) < voice * (0.5 if activist[j] else 1.0):
            complaints[j] += 1
            last_complaint_week[j] = week
            satisfaction[j] = min(max(satisfaction[j] + 0.1, 0.0), 1.0)
            n_complaints += 1
        elif keyed_uniform(exit_key, j) < silent_exit:
            leavers[n_leavers] = j
            n_leavers += 1
    return n_complaints, leavers[:n_leavers]


@njit
def _churn_moods(satisfaction, trust, sensitivity):
    """The exponent of each row's defection hazard: how far satisfaction and trust are below the reference
    (``sensitivity`` per unit of satisfaction; trust weighs half as much)."""
    out = np.empty(len(satisfaction))
    for i in range(len(out)):
        out[i] = sensitivity * ((REFERENCE_SATISFACTION - satisfaction[i]) + 0.5 * (REFERENCE_SATISFACTION - trust[i]))
    return out


@njit
def _churn(u_churn, silent_leavers, mood_factor, tenure, frequency, exposure, hazard, active, churn_rate, contagion,
           frequency_scale):
    """``mood_factor`` is the exponential of ``_churn_moods``."""
    n = len(u_churn)
    leave = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        if active[i]:
            loyalty = 0.5 * min(tenure[i] / 104.0, 1.0) + 0.5 * min(frequency[i] / frequency_scale, 1.0)
            h = churn_rate / 52.0 * mood_factor[i] * (1.0 + contagion * exposure[i] * (1.0 - loyalty))
            hazard[i] = h
            leave[i] = u_churn[i] < h
    leave[silent_leavers] = True
    return np.flatnonzero(leave)


@njit
def _word_of_mouth(dissatisfied, aggrieved, purchasers, contacted, satisfaction, trust, detected, active, activist,
                   talk_key, ties_key, negative_talk, positive_talk, negative_reach, positive_reach, amplification, ties,
                   strong, capacity, rotation, weak):
    """Who talks, whom they tell, and what the hearers make of it. One talk draw per customer and
    week (a customer both dissatisfied and aggrieved gets one), one draw for the ties told.
    Returns (negative messages, positive messages, negative talkers, positive talkers, broadcast)."""
    talkers = np.empty(len(dissatisfied) + len(aggrieved), dtype=np.int64)
    m = 0
    for j in dissatisfied:
        if keyed_uniform(talk_key, j) < min(1.0, negative_talk * (1.5 if activist[j] else 1.0)):
            talkers[m] = j
            m += 1
    for j in aggrieved:
        if active[j] and keyed_uniform(talk_key, j) < negative_talk:
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
        if satisfaction[j] >= PROMOTER and not detected[j] and active[j]:
            if keyed_uniform(talk_key, j) < positive_talk * (0.5 if activist[j] else 1.0):
                positive[n_positive] = j
                n_positive += 1
    positive = positive[:n_positive]
    reach = np.empty(len(negative))
    for t in range(len(negative)):
        reach[t] = negative_reach * (amplification if activist[negative[t]] else 1.0)
    to_neg, _, unsent = _spread(negative, reach, _keyed_draws(ties_key, negative), ties, strong, capacity, rotation,
                                weak)
    to_pos, _, _ = _spread(positive, np.full(n_positive, positive_reach), _keyed_draws(ties_key, positive), ties,
                           strong, capacity, rotation, weak)
    # Each message moves its hearer (those still customers): trust first, then satisfaction.
    n_neg = n_pos = 0
    for r in to_neg:
        if active[r]:
            trust[r] += -0.03
            n_neg += 1
    for r in to_pos:
        if active[r]:
            trust[r] += 0.01
            n_pos += 1
    for r in to_neg:
        if active[r]:
            satisfaction[r] += -0.02
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
def _keyed_draws(key, ids):
    out = np.empty(len(ids))
    for k in range(len(ids)):
        out[k] = keyed_uniform(key, ids[k])
    return out
