"""Management: the policy agent that sees the KPIs, holds the road and sets this week's levers.

Each week (phase 1) management first observes the KPIs as they were ``reporting_lag``
weeks ago, rebuilds the :class:`~sim.levers.Policy` at business as usual and hands the
road in force a :class:`Briefing`: what management can see. The road moves levers; the
policy is then put in force (checked, normalised) and recorded. Roads never see the
model: what management cannot see (employees' tension and commitment without a pulse
survey, alarms without an early-warning system), the road cannot act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mesa
import pandas as pd

from sim.effects import EffectSizes
from sim.levers import LEVERS, AtUsual, Policy, lever_costs

#: The effect sizes of this module's mechanisms (sim.effects; docs/ODD.md 7.1.0). None:
#: observation, sensing and hearing alarms are sized by parameters (``reporting_lag``) and
#: by levers (``employee_survey``, ``early_warning_system``), and the prices those levers cost
#: are declared with the levers (``sim.levers.LEVER_EFFECTS``).
MANAGEMENT_EFFECTS = EffectSizes("management", "docs/ODD.md 7.1.0")

#: KPIs only a pulse survey shows management (the ``employee_survey`` lever): how employees
#: feel and where they stand. Business, customer and HR figures are always reported.
SURVEYED_KPIS = frozenset({
    "value_tension", "share_active_resistance", "share_passive_resistance", "share_compliance",
    "share_cooperation", "share_championing", "affective", "normative", "continuance", "identification",
    "readiness", "engagement", "felt_tension", "orientation", "effort", "skill", "share_adopted",
})


@dataclass(frozen=True)
class Briefing:
    """What management knows when it sets this week's levers: all a road may read.

    Attributes:
        week: the current week (1 in the first week after the start).
        weeks_active: weeks the road has been in force (1 in its first week).
        alarms: early-warning alarms of last week as (sacrificed, favoured) pairs, if management
            ran an early-warning system then; otherwise empty.

    Example:
        >>> b = Briefing(week=5, weeks_active=5, record={"profit": 1.0, "felt_tension": 0.4}, surveyed=False)
        >>> b.kpi("profit"), b.kpi("felt_tension")   # tension needs a pulse survey
        (1.0, None)
    """

    week: int
    weeks_active: int
    record: dict[str, float]
    surveyed: bool
    alarms: tuple[tuple[str, str], ...] = ()

    def kpi(self, name: str, default: Any = None) -> Any:
        """The lagged value of KPI ``name`` as management sees it, or ``default`` if it cannot see it."""
        if name in SURVEYED_KPIS and not self.surveyed:
            return default
        return self.record.get(name, default)


class Management(mesa.Agent):
    """The policy agent: observes lagged KPIs, briefs the road, puts the levers in force.

    Attributes:
        road: the chosen change road (a :class:`sim.roads.base.Road`).
        policy: this week's :class:`~sim.levers.Policy`, in force.
        observed: the full metric record of ``reporting_lag`` weeks ago (what the engine's
            mechanisms that follow reputation or demand read; roads get a :class:`Briefing`).
        alarms: every early-warning alarm so far, as (week, sacrificed, favoured).
    """

    def __init__(self, model, road, baseline_road):
        super().__init__(model)
        self.road = road
        self.baseline_road = baseline_road
        org = model.organisation
        promotion = org.promotion_budget * org.n_customers
        self.usual = AtUsual(promotion=promotion, operations=org.operations_budget * org.n_customers,
                             training=org.training_budget * org.n_employees,
                             analytics=org.analytics_budget * org.n_customers, monitoring=org.base_monitoring,
                             fx=model.effects.levers)
        self.policy = self.business_as_usual()
        self.observed: dict[str, float] = {}
        self.alarms: list[tuple[int, str, str]] = []
        self.alarms_heard: tuple[tuple[str, str], ...] = ()
        self._surveyed_now = False          # did a pulse survey run in the week of the record observed
        self._record: list[tuple] = []      # the levers in force, one row per recorded week
        self._spending: list[dict[str, float]] = []

    @property
    def acting_road(self):
        """The road in force this week: the status quo until the road's start week."""
        return self.road if self.model.week >= self.road.start_week else self.baseline_road

    def business_as_usual(self) -> Policy:
        """The organisation's levers without any change programme, in force."""
        org, coping = self.model.organisation, self.model.levers
        policy = Policy(pressure=org.base_pressure, monitoring=org.base_monitoring,
                        integration_target=org.initial_integration_level,
                        **{name: float(getattr(coping, name)) for name in _COPING})
        policy.put_in_force(self.usual)
        return policy

    def observe(self) -> None:
        """See the KPIs of ``reporting_lag`` weeks ago (the latest available), and whether a pulse
        survey ran that week (kept with the record in the model's ``history``: the two cannot drift)."""
        history = self.model.history
        if not history:
            return
        i = max(0, len(history) - self.model.organisation.reporting_lag)
        self.observed = history[i]
        self._surveyed_now = history.surveyed(i)

    def briefing(self, road) -> Briefing:
        """What the road in force may read this week."""
        week = self.model.week
        return Briefing(week=week, weeks_active=road.weeks_active(week), record=self.observed,
                        surveyed=self._surveyed_now, alarms=self.alarms_heard)

    def decide(self) -> Policy:
        """Phase 1: business as usual, the road's levers, checked and put in force."""
        road = self.acting_road
        policy = self.business_as_usual()
        road.set_levers(policy, self.briefing(road))
        policy.put_in_force(self.usual)
        self.policy = policy
        return policy

    def hear(self, week: int, alarms: list[tuple[str, str]]) -> None:
        """Phase 6: the monitors' alarms; management receives them only through an early-warning system."""
        self.alarms.extend((week, s, f) for s, f in alarms)
        self.alarms_heard = tuple(alarms) if self.policy.early_warning_system else ()

    # ------------------------------------------------------------------ the record
    def record_week(self, costs: dict[str, float]) -> None:
        """Keep this week's levers and what each cost (recorded weeks only)."""
        self._record.append(self.policy.values())
        self._spending.append(costs)

    def book_costs(self) -> dict[str, float]:
        """What each lever costs this week beyond business as usual."""
        model = self.model
        org = model.organisation
        return lever_costs(self.policy, org.n_employees, org.n_customers, org.wage, model.moments.complaints,
                           model.org_state.rungs_above_start, model.workforce.champions(), model.effects.levers)

    def levers_applied(self) -> pd.DataFrame:
        """One row per recorded week (0 to the last), one column per lever: the values in force."""
        df = pd.DataFrame(self._record, columns=list(LEVERS))
        df.index.name = "week"
        return df

    def lever_spending(self) -> pd.DataFrame:
        """One row per recorded week, one column per priced lever: what it cost that week."""
        df = pd.DataFrame(self._spending)
        df.index.name = "week"
        return df


#: Dick Lee's coping levers, whose business-as-usual values come from the scenario's ``levers``.
_COPING = ("minimise_complaints", "promotion_to_operations", "streamline", "information_online",
           "separate_web_retail", "differentiate_expectations", "play_it_straight")
