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

from sim.effects import ASSUMPTION, EffectSizes, effect

#: The effect sizes of this module's mechanisms (sim.effects; docs/ODD.md 7.1.0-7.1.2a).
#: Prices are weekly, in the model's money (a weekly wage is 1,000 by default), per *initial*
#: head like the budgets, so small and large organisations pay alike. None is estimated from
#: data (docs/ODD.md 7.1.2): each is an assumption with the reasoning given.
_MONEY = (0.0, None)    # a price may be any non-negative amount
LEVER_EFFECTS = EffectSizes(
    "levers", "docs/ODD.md 7.1.0-7.1.2a",
    # What a lever amounts to when put in force (7.1.0).
    participation_time=effect(0.05, 0.025, 0.075, ASSUMPTION,
                              "share of everyone's working time spent shaping the change at full participation "
                              "(front-line capacity and back-office time lost, 7.3.7)",
                              "two hours of a 40-hour week; one to three hours is defensible"),
    differentiate_research=effect(0.3, 0.15, 0.45, ASSUMPTION,
                                  "customer-job research intensity that treating buyer expectations differently "
                                  "amounts to (Lee's lever 6)",
                                  "a standing but modest research programme, well below a full job-research drive (1)"),
    # Prices of the people levers (7.1.2; participation is paid in time, above, 7.1.2a).
    monitoring_cost=effect(30.0, 15.0, 45.0, ASSUMPTION,
                           "weekly price per initial employee per unit of monitoring above business as usual",
                           "about one supervisor-analyst per 33 employees (one per 22 to one per 67)", allowed=_MONEY),
    messaging_cost=effect(20.0, 10.0, 30.0, ASSUMPTION,
                          "weekly price of mission messaging per initial employee at full intensity",
                          "campaign, events and managers' time: 2% of a wage", allowed=_MONEY),
    champion_time=effect(0.1, 0.05, 0.15, ASSUMPTION,
                         "share of a weekly wage paid per change champion enlisted",
                         "half a day a week of the champion's time"),
    # Prices of the customer and market levers (7.1.2).
    brand_cost=effect(16.0, 8.0, 24.0, ASSUMPTION,
                      "weekly price per initial customer per unit of brand promise",
                      "about 1 per customer a week at the mission road's promise of 0.06", allowed=_MONEY),
    nudge_cost=effect(2.0, 1.0, 3.0, ASSUMPTION,
                      "weekly price of nudging per initial customer at full intensity",
                      "decision analytics and nudge design", allowed=_MONEY),
    offer_cost=effect(0.4, 0.2, 0.6, ASSUMPTION,
                      "weekly price of targeted offers per initial customer at full intensity",
                      "personalised offers' content and delivery", allowed=_MONEY),
    tiering_cost=effect(1.6, 0.8, 2.4, ASSUMPTION,
                        "weekly price of RFM tiering per initial customer whenever a tier-based lever is in use",
                        "RFM analytics: scoring every customer and keeping the tiers current", allowed=_MONEY),
    # Prices of the operations and structure levers (7.1.2).
    belt_cost=effect(20.0, 10.0, 30.0, ASSUMPTION,
                     "weekly price of DMAIC projects per initial employee at full intensity",
                     "black belts and their projects", allowed=_MONEY),
    research_cost=effect(1.0, 0.5, 1.5, ASSUMPTION,
                         "weekly price of customer-job research per initial customer at full research intensity",
                         "jobs-to-be-done studies and process redesign", allowed=_MONEY),
    rung_cost=effect(10.0, 5.0, 15.0, ASSUMPTION,
                     "weekly price per initial employee per rung of the integration ladder above the starting rung",
                     "coordinators, team time and managers", allowed=_MONEY),
    # Prices of the sensing levers (7.1.2).
    survey_cost=effect(5.0, 2.5, 7.5, ASSUMPTION,
                       "weekly price of the pulse survey per initial employee",
                       "ten minutes of each employee's week plus the survey's analysis", allowed=_MONEY),
    ews_cost=effect(0.2, 0.1, 0.3, ASSUMPTION,
                    "weekly price of the early-warning system per initial customer",
                    "analysts watching the value trade-offs", allowed=_MONEY),
    # Prices of Dick Lee's coping levers (7.1.2; seed 001).
    root_cause_cost=effect(100.0, 50.0, 150.0, ASSUMPTION,
                           "price of tracing one complaint to its cause (times the lever)",
                           "a tenth of a weekly wage: about half a day of analysis per complaint traced", allowed=_MONEY),
    streamline_cost=effect(5.0, 2.5, 7.5, ASSUMPTION,
                           "weekly price of streamlined processes per initial employee",
                           "redesigning processes from the customer contact inward and keeping them so", allowed=_MONEY),
    content_cost=effect(0.1, 0.05, 0.15, ASSUMPTION,
                        "weekly price of putting information online per initial customer",
                        "keeping the information online current", allowed=_MONEY),
    separate_channel_cost=effect(0.2, 0.1, 0.3, ASSUMPTION,
                                 "weekly price of distinct web and person offers per initial customer",
                                 "running two distinct offers", allowed=_MONEY),
)

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
    each) and its monitoring, which extra monitoring is priced against; and the lever effect
    sizes of the run (``model.effects.levers``; the declared ones outside a run)."""

    promotion: float
    operations: float
    training: float
    analytics: float
    monitoring: float = 0.3     # the default organisation's base_monitoring (sim/params.py)
    fx: Any = LEVER_EFFECTS.defaults


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
                              "levers.monitoring_cost per initial employee per unit above business as usual; "
                              "crowds out commitment")
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
                                     "levers.messaging_cost per initial employee at full intensity")
    champions: float = lever(0.0, 0.0, 0.5, "people", "share of employees enlisted as change champions, best value fit first "
                             "(seed 004 step 1)", "levers.champion_time of a wage per champion per week")
    participation: float = lever(0.0, 0.0, 1.0, "people", "how much employees shape the change (meaning, commitment, values)",
                                 "levers.participation_time of everyone's working time at full participation")
    training: float = lever(1.0, 0.0, 10.0, "people", "training budget, multiple of business as usual",
                            "the budget itself")
    # Customers and the market.
    brand_promise: float = lever(0.0, 0.0, 0.4, "customers", "what the brand promises: raises customers' expectations "
                                 "and the prospects each promotion euro attracts",
                                 "levers.brand_cost per initial customer per unit of promise")
    promotion: float = lever(1.0, 0.0, 10.0, "customers", "promotion budget, multiple of business as usual", "the budget itself")
    nudging: float = lever(0.0, 0.0, 1.0, "customers", "decision-modelled persuasion: conversion and buying now, "
                           "reactance when detected", "levers.nudge_cost per initial customer at full intensity")
    targeted_offers: float = lever(0.0, 0.0, 1.0, "customers", "offers to the top tier (half to the middle tier)",
                                   "levers.offer_cost per initial customer at full intensity, plus RFM tiering")
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
                                       "levers.belt_cost per initial employee at full intensity")
    own_process_focus: float = lever(0.5, 0.0, 1.0, "operations", "how much improvement projects optimise the firm's own process "
                                     "rather than the customer's job (seed 000)",
                                     "none in money; fit drifts to the standard process")
    job_research: float = lever(0.0, 0.0, 1.0, "operations", "customer-job research that fits processes to each segment's job "
                                "(seed 000)",
                                "levers.research_cost per initial customer at full intensity; redesign costs process quality")
    capacity_cut: float = lever(0.0, 0.0, 1.0, "operations", "share of capacity freed by process quality taken out as headcount",
                                "severance; survivors' commitment (layoff shock)")
    right_sizing: float = lever(0.0, 0.0, 1.0, "operations", "share of spare front-line capacity, against observed demand, "
                                "taken out each week", "severance; survivors' commitment; workload")
    right_sizing_workload: float = lever(0.95, 0.3, 2.0, "operations", "front-line workload right-sizing plans for", "as above")
    # Structure: the integration ladder (seed 004).
    integration_target: int = lever(0, 0, 4, "structure", "rung of the integration ladder management climbs to "
                                    "(0 networks, 1 teams, 2 coordinator, 3 matrix, 4 segment managers)",
                                    "levers.rung_cost per initial employee per rung above the starting rung; "
                                    "the matrix step's failures")
    ladder_pace: int = lever(26, 1, 520, "structure", "weeks spent on each rung before the next", "none by itself; "
                             "climbing fast leaves the matrix step unprepared")
    # Sensing: what management sees.
    employee_survey: float = lever(0.0, 0.0, 1.0, "sensing", "pulse survey: management sees employees' tension, readiness "
                                   "and commitment (readiness assessment)", "levers.survey_cost per initial employee")
    early_warning_system: float = lever(0.0, 0.0, 1.0, "sensing", "management receives the early-warning alarms",
                                        "levers.ews_cost per initial customer")
    # Dick Lee's seven coping levers (seed 001); business as usual from the scenario's `levers`.
    minimise_complaints: float = lever(0.0, 0.0, 1.0, "coping", "share of complaint causes traced and removed",
                                       "levers.root_cause_cost per complaint traced")
    promotion_to_operations: float = lever(0.0, 0.0, 1.0, "coping", "share of the promotion budget shifted into operations",
                                           "fewer prospects won")
    streamline: float = lever(0.0, 0.0, 1.0, "coping", "redesign processes from the customer contact inward (0 or 1)",
                              "levers.streamline_cost per initial employee")
    information_online: float = lever(0.0, 0.0, 1.0, "coping", "put as much information as possible online (0 or 1)",
                                      "levers.content_cost per initial customer")
    separate_web_retail: float = lever(0.0, 0.0, 1.0, "coping", "give web and person channels distinct offers (0 or 1)",
                                       "levers.separate_channel_cost per initial customer")
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
        fx = usual.fx
        self.capacity_share_lost = fx.participation_time * self.participation
        self.research_intensity = min(1.0, self.job_research + fx.differentiate_research * self.differentiate_expectations)
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
# Each price is an effect size declared in LEVER_EFFECTS (top of the module); a run charges its own values.
def lever_costs(policy: Policy, n_employees: int, n_customers: int, wage: float, complaints: int,
                rungs_above_start: float, champions: int, fx: Any) -> dict[str, float]:
    """What each priced lever costs this week (money), by lever.

    Monitoring is priced above the organisation's usual level (its usual supervision is in
    the wage bill); a coping lever a scenario keeps on as business as usual is priced like any
    other. Budgets (training, promotion, operations) are booked on their own ledger lines and
    are not repeated here. ``champions`` is the number enlisted; ``rungs_above_start`` the rungs
    climbed above the organisation's starting rung; ``complaints`` this week's complaints;
    ``fx`` the run's lever effect sizes (``model.effects.levers``), whose prices it charges.

    Example:
        >>> p = Policy(nudging=0.5)
        >>> p.put_in_force(AtUsual(0.0, 0.0, 0.0, 0.0))
        >>> lever_costs(p, 300, 5000, 1000.0, 0, 0.0, 0, LEVER_EFFECTS.defaults)["nudging"]
        5000.0
    """
    return {
        "monitoring": fx.monitoring_cost * n_employees * policy.extra_monitoring,
        "mission_messaging": fx.messaging_cost * n_employees * policy.mission_messaging,
        "champions": fx.champion_time * wage * champions,
        "employee_survey": fx.survey_cost * n_employees * policy.employee_survey,
        "brand_promise": fx.brand_cost * n_customers * policy.brand_promise,
        "nudging": fx.nudge_cost * n_customers * policy.nudging,
        "targeted_offers": fx.offer_cost * n_customers * policy.targeted_offers,
        "rfm_tiering": fx.tiering_cost * n_customers * policy.tiering,
        "early_warning_system": fx.ews_cost * n_customers * policy.early_warning_system,
        "process_improvement": fx.belt_cost * n_employees * policy.process_improvement,
        "job_research": fx.research_cost * n_customers * policy.research_intensity,
        "integration_ladder": fx.rung_cost * n_employees * rungs_above_start,
        "minimise_complaints": fx.root_cause_cost * complaints * policy.minimise_complaints,
        "streamline": fx.streamline_cost * n_employees * policy.streamline,
        "information_online": fx.content_cost * n_customers * policy.information_online,
        "separate_web_retail": fx.separate_channel_cost * n_customers * policy.separate_web_retail,
    }


#: Which ledger line each lever's cost is booked on (the rest: "programme").
COST_LINE_OF = {"brand_promise": "promotion", "nudging": "analytics", "targeted_offers": "analytics",
                "rfm_tiering": "analytics", "early_warning_system": "analytics"}
