"""The lever space: every way management can act, defined once, with its range and its price.

A road is nothing but a choice of these levers, week by week (``sim/roads``). Each week
management rebuilds the :class:`Policy` at business as usual, the road in force moves the
levers it pulls, and :meth:`Policy.put_in_force` checks every value and derives what the
engine's mechanisms read (normalised reward weights, money, routing windows). The
mechanisms that act on a lever live with what they act on (the employees, the customers,
the service, the organisation); what each lever costs is booked by :func:`lever_costs`,
the same for every road. docs/ODD.md section 7.1 lists every lever with its mechanism,
its price and the source of each number.

Levers are plain numbers (true/false levers are 0 or 1), so a week's levers are one row
of :meth:`sim.model.CentricityModel.levers_applied` and any schedule of them can be
replayed through the ``custom`` road.

Example:
    >>> policy = Policy(pressure=0.5, kpi_customer=0.6, kpi_efficiency=0.3, kpi_profit=0.3)
    >>> policy.put_in_force(AtUsual(promotion=100.0, operations=50.0, training=30.0, analytics=10.0))
    >>> policy.kpi_weights.tolist()          # reward weights are normalised to sum to 1
    [0.5, 0.25, 0.25]
    >>> Policy(pressure=1.5).put_in_force(AtUsual(1.0, 1.0, 1.0, 1.0))
    Traceback (most recent call last):
    ...
    ValueError: lever 'pressure' = 1.5 is out of range; allowed range [0.0, 1.0]
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from sim.effects import EffectSizes

#: The effect sizes of this module's mechanisms (sim.effects; docs/ODD.md 7.1.1-7.1.2a).
LEVER_EFFECTS = EffectSizes("levers", "docs/ODD.md 7.1.1-7.1.2a")

VALUES = ("customer", "efficiency", "profit")
TIERS = ("top", "middle", "low")
BASELINE_KPI = (0.2, 0.4, 0.4)        # business as usual rewards efficiency and profit
BASELINE_ESPOUSED = (0.4, 0.3, 0.3)   # and says the customer comes first

GROUPS = ("people", "customers", "operations", "structure", "sensing", "coping")


def lever(default, low, high, group: str, doc: str, cost: str):
    """Declare a lever: its generic business-as-usual value, allowed closed range, meaning and price."""
    return field(default=default, metadata={"low": low, "high": high, "group": group, "doc": doc, "cost": cost})


def _derived(default_factory=None, default=None):
    """A value derived from the levers by ``put_in_force`` (not a lever; never set by a road)."""
    if default_factory is not None:
        return field(default_factory=default_factory, init=False, repr=False, compare=False)
    return field(default=default, init=False, repr=False, compare=False)


class AtUsual(NamedTuple):
    """The organisation at business as usual: its weekly budgets in money (multiplier 1 of
    each) and its monitoring, which extra monitoring is priced against."""

    promotion: float
    operations: float
    training: float
    analytics: float
    monitoring: float = 0.3


@dataclass(slots=True)
class Policy:
    """This week's levers (rebuilt at business as usual every week, then set by the road).

    The defaults are those of the default organisation; ``Management.business_as_usual``
    fills in the organisation's own (its base pressure and monitoring, its integration rung,
    its coping levers). Budgets are multiples of the business-as-usual budget.
    """

    # People: pressure, rewards, values, commitment.
    pressure: float = lever(0.15, 0.0, 1.0, "people", "pressure on employees to change",
                            "none in money; felt tension, backlash above the productive zone, eroded service norms")
    monitoring: float = lever(0.3, 0.0, 1.0, "people", "intensity of metric monitoring",
                              "MONITORING_COST per initial employee per unit above business as usual; crowds out commitment")
    kpi_customer: float = lever(BASELINE_KPI[0], 0.0, 1.0, "people",
                                "reward weight on customer measures (normalised with the other two)",
                                "through the decisions it sways: concessions, and handling time (paid as overtime when "
                                "the front line is busy); the gap to held values raises felt tension")
    kpi_efficiency: float = lever(BASELINE_KPI[1], 0.0, 1.0, "people", "reward weight on efficiency measures",
                                  "through the decisions it sways: worse experiences and questions left open, asked "
                                  "again; pushes the service norm down (eroding goals)")
    kpi_profit: float = lever(BASELINE_KPI[2], 0.0, 1.0, "people", "reward weight on profit measures",
                              "through the decisions it sways: the trust of customers who notice the push, and "
                              "the goodwill not given; the gap to held values raises felt tension")
    espoused_customer: float = lever(BASELINE_ESPOUSED[0], 0.0, 1.0, "people",
                                     "espoused weight on the customer (normalised); heard only through mission messaging",
                                     "none by itself; it takes effect only as far as messaging makes it heard")
    espoused_efficiency: float = lever(BASELINE_ESPOUSED[1], 0.0, 1.0, "people", "espoused weight on efficiency", "as above")
    espoused_profit: float = lever(BASELINE_ESPOUSED[2], 0.0, 1.0, "people", "espoused weight on profit", "as above")
    mission_messaging: float = lever(0.0, 0.0, 1.0, "people", "intensity of mission messaging (makes espoused values heard; "
                                     "those whose values fit identify and commit, the rest feel the norm)",
                                     "MESSAGING_COST per initial employee at full intensity")
    champions: float = lever(0.0, 0.0, 0.5, "people", "share of employees enlisted as change champions, best value fit first "
                             "(seed 004 step 1)", "CHAMPION_TIME of a wage per champion per week")
    participation: float = lever(0.0, 0.0, 1.0, "people", "how much employees shape the change (meaning, commitment, values)",
                                 "PARTICIPATION_TIME of everyone's working time at full participation")
    training: float = lever(1.0, 0.0, 10.0, "people", "training budget, multiple of business as usual",
                            "the budget itself")
    # Customers and the market.
    brand_promise: float = lever(0.0, 0.0, 0.4, "customers", "what the brand promises: raises customers' expectations "
                                 "and the prospects each promotion euro attracts",
                                 "BRAND_COST per initial customer per unit of promise")
    promotion: float = lever(1.0, 0.0, 10.0, "customers", "promotion budget, multiple of business as usual", "the budget itself")
    nudging: float = lever(0.0, 0.0, 1.0, "customers", "decision-modelled persuasion: conversion and buying now, "
                           "reactance when detected", "NUDGE_COST per initial customer at full intensity")
    targeted_offers: float = lever(0.0, 0.0, 1.0, "customers", "offers to the top tier (half to the middle tier)",
                                   "OFFER_COST per initial customer at full intensity, plus RFM tiering")
    priority_staff_share: float = lever(0.0, 0.0, 0.95, "customers", "best share of the front line reserved for the top tier "
                                        "(0: everyone served by everyone)", "RFM tiering; visible unequal treatment")
    self_service_push_middle: float = lever(0.0, 0.0, 1.0, "customers", "minimum share of middle-tier contacts sent to "
                                            "self-service first", "RFM tiering; visible unequal treatment")
    self_service_push_low: float = lever(0.0, 0.0, 1.0, "customers",
                                         "minimum share of low-tier contacts sent to self-service first",
                                         "RFM tiering; visible unequal treatment")
    # Operations.
    operations: float = lever(1.0, 0.0, 10.0, "operations", "operations budget, multiple of business as usual",
                              "the budget itself")
    process_improvement: float = lever(0.0, 0.0, 1.0, "operations", "intensity of DMAIC projects (black belts)",
                                       "BELT_COST per initial employee at full intensity")
    own_process_focus: float = lever(0.5, 0.0, 1.0, "operations", "how much improvement projects optimise the firm's own process "
                                     "rather than the customer's job (seed 000)",
                                     "none in money; fit drifts to the standard process")
    job_research: float = lever(0.0, 0.0, 1.0, "operations", "customer-job research that fits processes to each segment's job "
                                "(seed 000)",
                                "RESEARCH_COST per initial customer at full intensity; redesign costs process quality")
    capacity_cut: float = lever(0.0, 0.0, 1.0, "operations", "share of capacity freed by process quality taken out as headcount",
                                "severance; survivors' commitment (layoff shock)")
    right_sizing: float = lever(0.0, 0.0, 1.0, "operations", "share of spare front-line capacity, against observed demand, "
                                "taken out each week", "severance; survivors' commitment; workload")
    right_sizing_workload: float = lever(0.95, 0.3, 2.0, "operations", "front-line workload right-sizing plans for", "as above")
    # Structure: the integration ladder (seed 004).
    integration_target: int = lever(0, 0, 4, "structure", "rung of the integration ladder management climbs to "
                                    "(0 networks, 1 teams, 2 coordinator, 3 matrix, 4 segment managers)",
                                    "RUNG_COST per initial employee per rung above the starting rung; the matrix step's failures")
    ladder_pace: int = lever(26, 1, 520, "structure", "weeks spent on each rung before the next", "none by itself; "
                             "climbing fast leaves the matrix step unprepared")
    # Sensing: what management sees.
    employee_survey: float = lever(0.0, 0.0, 1.0, "sensing", "pulse survey: management sees employees' tension, readiness "
                                   "and commitment (readiness assessment)", "SURVEY_COST per initial employee")
    early_warning_system: float = lever(0.0, 0.0, 1.0, "sensing", "management receives the early-warning alarms",
                                        "EWS_COST per initial customer")
    # Dick Lee's seven coping levers (seed 001); business as usual from the scenario's `levers`.
    minimise_complaints: float = lever(0.0, 0.0, 1.0, "coping", "share of complaint causes traced and removed",
                                       "ROOT_CAUSE_COST per complaint traced")
    promotion_to_operations: float = lever(0.0, 0.0, 1.0, "coping", "share of the promotion budget shifted into operations",
                                           "fewer prospects won")
    streamline: float = lever(0.0, 0.0, 1.0, "coping", "redesign processes from the customer contact inward (0 or 1)",
                              "STREAMLINE_COST per initial employee")
    information_online: float = lever(0.0, 0.0, 1.0, "coping", "put as much information as possible online (0 or 1)",
                                      "CONTENT_COST per initial customer")
    separate_web_retail: float = lever(0.0, 0.0, 1.0, "coping", "give web and person channels distinct offers (0 or 1)",
                                       "SEPARATE_CHANNEL_COST per initial customer")
    differentiate_expectations: float = lever(0.0, 0.0, 1.0, "coping", "treat differing buyer expectations differently "
                                              "(0 or 1): standing customer-job research", "that research's cost")
    play_it_straight: float = lever(0.0, 0.0, 1.0, "coping", "no hype, no manipulation (0 or 1): halves what brand "
                                    "promises and nudges do, good and bad", "half the brand's and the nudges' pull")

    # Derived by put_in_force (what the mechanisms read).
    kpi_weights: np.ndarray = _derived(lambda: np.array(BASELINE_KPI))
    espoused_values: np.ndarray = _derived(lambda: np.array(BASELINE_ESPOUSED))
    routing: np.ndarray = _derived(lambda: np.tile([0.0, 1.0], (len(TIERS), 1)))
    self_service_push: np.ndarray = _derived(lambda: np.zeros(len(TIERS)))
    promotion_budget: float = _derived(default=0.0)
    operations_budget: float = _derived(default=0.0)
    training_budget: float = _derived(default=0.0)
    analytics_budget: float = _derived(default=0.0)
    capacity_share_lost: float = _derived(default=0.0)
    research_intensity: float = _derived(default=0.0)
    extra_monitoring: float = _derived(default=0.0)
    tiering: bool = _derived(default=False)

    def put_in_force(self, usual: AtUsual) -> None:
        """Check every lever against its range, then derive what the mechanisms read.

        Raises:
            ValueError: naming the lever, its value and the allowed range (a road or a
                schedule that sets a lever out of range is an error, not clipped).
        """
        for name, (low, high, kind) in _RANGES.items():
            value = getattr(self, name)
            if kind is int:
                if value != int(value):
                    raise ValueError(f"lever '{name}' = {value!r} must be a whole number; allowed range [{low}, {high}]")
            if not (low <= value <= high):    # also false for NaN
                raise ValueError(f"lever '{name}' = {value!r} is out of range; allowed range [{low}, {high}]")
        for name in SWITCHES:
            if getattr(self, name) not in (0.0, 1.0):
                raise ValueError(f"lever '{name}' = {getattr(self, name)!r} is a switch: 0 (off) or 1 (on)")
        self.kpi_weights = _simplex("kpi", self.kpi_customer, self.kpi_efficiency, self.kpi_profit)
        self.espoused_values = _simplex("espoused", self.espoused_customer, self.espoused_efficiency, self.espoused_profit)
        # The used weights are the recorded ones, so a replay reads back exactly what ran.
        self.kpi_customer, self.kpi_efficiency, self.kpi_profit = (float(x) for x in self.kpi_weights)
        self.espoused_customer, self.espoused_efficiency, self.espoused_profit = (float(x) for x in self.espoused_values)
        s = self.priority_staff_share
        # The top tier is served by the best share s of the front line, the low tier by the rest.
        self.routing = np.array([[0.0, s if s > 0 else 1.0], [0.0, 1.0], [s, 1.0]])
        self.self_service_push = np.array([0.0, self.self_service_push_middle, self.self_service_push_low])
        shifted = self.promotion_to_operations * usual.promotion
        self.promotion_budget = self.promotion * (usual.promotion - shifted)
        self.operations_budget = self.operations * usual.operations + shifted
        self.training_budget = self.training * usual.training
        self.analytics_budget = usual.analytics
        self.extra_monitoring = max(0.0, self.monitoring - usual.monitoring)
        self.capacity_share_lost = PARTICIPATION_TIME * self.participation
        self.research_intensity = min(1.0, self.job_research + DIFFERENTIATE_RESEARCH * self.differentiate_expectations)
        self.tiering = s > 0 or self.self_service_push_middle > 0 or self.self_service_push_low > 0 or self.targeted_offers > 0

    def values(self) -> tuple:
        """The levers in ``LEVERS`` order (one row of the lever record)."""
        return tuple(getattr(self, name) for name in LEVERS)

    def set(self, **levers: Any) -> Policy:
        """Set several levers at once (unknown names are an error); returns the policy.

        Example:
            >>> Policy().set(pressure=0.4, nudging=1.0).nudging
            1.0
        """
        for name, value in levers.items():
            if name not in LEVERS:
                raise ValueError(f"unknown lever {name!r}; known levers: {', '.join(LEVERS)}")
            setattr(self, name, value)
        return self


def _simplex(name: str, *weights: float) -> np.ndarray:
    """The weights divided by their sum; weights that already sum to 1 (to rounding) are kept
    as they are, so that normalising the recorded weights again changes no bit."""
    w = np.array(weights, dtype=float)
    total = w.sum()
    if total <= 0:
        raise ValueError(f"levers '{name}_customer', '{name}_efficiency', '{name}_profit' are all 0; "
                         "at least one must be positive")
    return w if abs(total - 1.0) <= 1e-12 else w / total


# ----------------------------------------------------------------------------- the declarations
#: Every lever: name -> {default, low, high, type, group, doc, cost}. The one list of levers.
LEVERS: dict[str, dict[str, Any]] = {
    f.name: {"default": f.default, "type": int if f.type in (int, "int") else float, **f.metadata}
    for f in dataclasses.fields(Policy) if f.init
}
_RANGES = {name: (s["low"], s["high"], s["type"]) for name, s in LEVERS.items()}
#: Levers that are switches (0 or 1).
SWITCHES = ("employee_survey", "early_warning_system", "streamline", "information_online", "separate_web_retail",
            "differentiate_expectations", "play_it_straight")
#: Levers that move together (one decision each): reward weights, espoused values.
LEVER_SETS = {
    "kpi_weights": ("kpi_customer", "kpi_efficiency", "kpi_profit"),
    "espoused_values": ("espoused_customer", "espoused_efficiency", "espoused_profit"),
    "right_sizing": ("right_sizing", "right_sizing_workload"),
    "integration_ladder": ("integration_target", "ladder_pace"),
    "process_improvement": ("process_improvement", "own_process_focus"),
}

# ----------------------------------------------------------------------------- prices (docs/ODD.md 7.1.2)
# Weekly, in the model's money (a weekly wage is 1,000 by default); all are assumptions
# stated with their reasoning in docs/ODD.md table 7.1.2. Per *initial* head, like the
# budgets, so small and large organisations pay alike.
MONITORING_COST = 30.0        # per employee at monitoring 1 above business as usual: about 1 supervisor-analyst per 33
MESSAGING_COST = 20.0         # per employee at full intensity: campaign, events, managers' time (2% of a wage)
CHAMPION_TIME = 0.1           # of a wage per champion: half a day a week
PARTICIPATION_TIME = 0.05     # of everyone's working time at full participation: two hours a week
SURVEY_COST = 5.0             # per employee: ten minutes of each week plus the survey's analysis
BRAND_COST = 16.0             # per customer per unit of brand promise (about 1 per customer a week at 0.06)
NUDGE_COST = 2.0              # per customer at full intensity: decision analytics and nudge design
OFFER_COST = 0.4              # per customer at full intensity: personalised offers' content and delivery
TIERING_COST = 1.6            # per customer whenever tier-based levers are in use: RFM analytics
EWS_COST = 0.2                # per customer: analysts watching the value trade-offs
BELT_COST = 20.0              # per employee at full DMAIC intensity: black belts and projects
RESEARCH_COST = 1.0           # per customer at full intensity: jobs-to-be-done studies and process redesign
RUNG_COST = 10.0              # per employee per rung above the starting rung: coordinators, team time, managers
ROOT_CAUSE_COST = 100.0       # per complaint traced to its cause
STREAMLINE_COST = 5.0         # per employee: redesigning and keeping processes customer-inward
CONTENT_COST = 0.1            # per customer: keeping information online
SEPARATE_CHANNEL_COST = 0.2   # per customer: running two distinct offers
DIFFERENTIATE_RESEARCH = 0.3  # job-research intensity that treating expectations differently amounts to


def lever_costs(policy: Policy, n_employees: int, n_customers: int, wage: float, complaints: int,
                rungs_above_start: float, champions: int) -> dict[str, float]:
    """What each priced lever costs this week (money), by lever.

    Monitoring is priced above the organisation's usual level (its usual supervision is in
    the wage bill); a coping lever a scenario keeps on as business as usual is priced like any
    other. Budgets (training, promotion, operations) are booked on their own ledger lines and
    are not repeated here. ``champions`` is the number enlisted; ``rungs_above_start`` the rungs
    climbed above the organisation's starting rung; ``complaints`` this week's complaints.

    Example:
        >>> p = Policy(nudging=0.5)
        >>> p.put_in_force(AtUsual(0.0, 0.0, 0.0, 0.0))
        >>> lever_costs(p, 300, 5000, 1000.0, 0, 0.0, 0)["nudging"]
        5000.0
    """
    return {
        "monitoring": MONITORING_COST * n_employees * policy.extra_monitoring,
        "mission_messaging": MESSAGING_COST * n_employees * policy.mission_messaging,
        "champions": CHAMPION_TIME * wage * champions,
        "employee_survey": SURVEY_COST * n_employees * policy.employee_survey,
        "brand_promise": BRAND_COST * n_customers * policy.brand_promise,
        "nudging": NUDGE_COST * n_customers * policy.nudging,
        "targeted_offers": OFFER_COST * n_customers * policy.targeted_offers,
        "rfm_tiering": TIERING_COST * n_customers * policy.tiering,
        "early_warning_system": EWS_COST * n_customers * policy.early_warning_system,
        "process_improvement": BELT_COST * n_employees * policy.process_improvement,
        "job_research": RESEARCH_COST * n_customers * policy.research_intensity,
        "integration_ladder": RUNG_COST * n_employees * rungs_above_start,
        "minimise_complaints": ROOT_CAUSE_COST * complaints * policy.minimise_complaints,
        "streamline": STREAMLINE_COST * n_employees * policy.streamline,
        "information_online": CONTENT_COST * n_customers * policy.information_online,
        "separate_web_retail": SEPARATE_CHANNEL_COST * n_customers * policy.separate_web_retail,
    }


#: Which ledger line each lever's cost is booked on (the rest: "programme").
COST_LINE_OF = {"brand_promise": "promotion", "nudging": "analytics", "targeted_offers": "analytics",
                "rfm_tiering": "analytics", "early_warning_system": "analytics"}
