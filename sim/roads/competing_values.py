"""Road 5, competing values: the adaptive road (seed 002), and the early-warning monitors.

Management first assesses readiness and paces the change by it, keeps felt tension inside a
productive zone (Heifetz, Grashow & Linsky 2009) with a feedback controller, moves rewards
toward a balance of customer, efficiency and profit (Quinn & Rohrbaugh 1983; Mittal et al.
2005), climbs the integration ladder (seed 004), lets employees shape the change (which
grows affective commitment), and rebalances whenever an early-warning monitor shows one
value being bought at another's expense.

The monitors (:class:`EarlyWarningMonitor`) run under every road, so the metric
``early_warnings`` is comparable; only this road acts on them.
"""

from __future__ import annotations

import numpy as np

from sim.management import VALUES
from sim.roads.base import ChangeProgramme, road_param

# Which KPI stands for each value, and the scale its change is judged against.
SIGNALS = {"customer": "satisfaction", "efficiency": "efficiency", "profit": "profit"}
_TREND_KPIS = (*SIGNALS.values(), "revenue")
_REVENUE = len(SIGNALS)


class EarlyWarningMonitor:
    """Flags a value being sacrificed for another: one improving while the other declines.

    Each week, for every ordered pair (sacrificed, favoured) of the three values, it compares
    the mean of the last ``window // 2`` weeks with the ``window // 2`` weeks before (quarter
    on quarter by default). An alarm fires when the favoured value rose by more than its
    threshold and the sacrificed one fell by more than its threshold. Changes are measured on
    a common footing: satisfaction in points of its 0-1 scale, efficiency relative to its own
    level, profit relative to revenue. A pair that fired stays quiet for ``cooldown`` weeks.

    Example:
        >>> m = EarlyWarningMonitor(window=4, threshold=0.01)
        >>> hist = [{"satisfaction": s, "efficiency": 1.0, "profit": p, "revenue": 100.0}
        ...         for s, p in [(0.8, 10), (0.8, 10), (0.7, 20), (0.7, 20)]]
        >>> m.check(hist, week=4)
        [('customer', 'profit')]
    """

    DEFAULT_THRESHOLDS = {"customer": 0.003, "efficiency": 0.015, "profit": 0.01}

    def __init__(self, window: int = 26, threshold: float | dict | None = None, cooldown: int = 13):
        self.window = window
        if threshold is None:
            threshold = self.DEFAULT_THRESHOLDS
        elif not isinstance(threshold, dict):
            threshold = dict.fromkeys(SIGNALS, float(threshold))
        self.threshold = threshold
        self.cooldown = cooldown
        self.quiet_until: dict[tuple[str, str], int] = {}

    def trends(self, history) -> dict[str, float] | None:
        """Change of each value between the two halves of the window, on a common footing."""
        if len(history) < self.window:
            return None
        recent = history[-self.window:]
        half = self.window // 2
        # One array, one row per KPI (row means equal the 1-D means exactly).
        series = np.array([[h[kpi] for h in recent] for kpi in _TREND_KPIS])
        change = series[:, half:].mean(axis=1) - series[:, :half].mean(axis=1)
        level = series.mean(axis=1)
        revenue = np.abs(series[_REVENUE]).mean()
        out = {}
        for i, (value, kpi) in enumerate(SIGNALS.items()):
            if kpi == "satisfaction":
                scale = 1.0
            elif kpi == "profit":
                scale = max(revenue, 1e-9)
            else:
                scale = max(abs(level[i]), 1e-9)
            out[value] = change[i] / scale
        return out

    def check(self, history, week: int) -> list[tuple[str, str]]:
        """Alarms this week as (sacrificed, favoured) pairs."""
        trend = self.trends(history)
        if trend is None:
            return []
        alarms = []
        for sacrificed in VALUES:
            for favoured in VALUES:
                if sacrificed == favoured or week < self.quiet_until.get((sacrificed, favoured), -(10**9)):
                    continue
                if trend[favoured] > self.threshold[favoured] and trend[sacrificed] < -self.threshold[sacrificed]:
                    alarms.append((sacrificed, favoured))
                    self.quiet_until[(sacrificed, favoured)] = week + self.cooldown
        return alarms


class CompetingValues(ChangeProgramme):
    """Readiness-paced, tension-managed, balanced change with early warnings.

    Example:
        >>> CompetingValues(tension_setpoint=0.5).tension_setpoint
        0.5
    """

    name = "competing_values"
    title = "Competing values (adaptive)"
    summary = ("Assess readiness first, then pace the change so tension stays productive, balance "
               "rewards across customer, efficiency and profit, let people shape the change, climb "
               "the integration ladder, and rebalance when a warning shows one value paying for another.")
    watch_for = ("A slower start and higher early cost; commitment that grows and lasts; warnings that "
                 "fire and are acted on; profit that overtakes the faster roads later.")
    common = {
        **ChangeProgramme.common,
        "pressure": road_param(0.3, 0.0, 1.0, "starting pressure (then paced by the tension controller)"),
        "monitoring": road_param(0.3, 0.0, 1.0, "intensity of metric monitoring"),
    }
    parameters = {
        "tension_setpoint": road_param(0.45, 0.0, 1.0, "felt tension the controller aims for (productive zone)"),
        "pacing_gain": road_param(0.05, 0.0, 1.0, "weekly pressure correction per unit of tension error"),
        "assessment_weeks": road_param(8, 0, 104, "weeks spent assessing readiness before pushing"),
        "participation": road_param(0.5, 0.0, 1.0, "how much employees shape the change"),
        "balance_speed": road_param(0.05, 0.0, 1.0, "weekly move of rewards toward balance"),
        "rebalance": road_param(0.1, 0.0, 1.0, "reward weight moved toward a sacrificed value per alarm"),
        "ladder_weeks": road_param(26, 1, 520, "weeks per rung of the integration ladder"),
        "max_integration": road_param(4, 0, 4, "highest rung the programme climbs to"),
        "rung_cost": road_param(6.7, 0.0, 1e6, "weekly cost per rung climbed per employee (coordinators, teams)"),
        "training_boost": road_param(1.5, 1.0, 10.0, "training budget multiplier"),
        "differentiation": road_param(0.004, 0.0, 0.1, "weekly gain in process fit per rung (segment teams)"),
    }
    espoused = np.array([0.45, 0.275, 0.275])

    def begin(self, model):
        self.kpi = model.management.policy.kpi_weights.copy()
        self.current_pressure = self.pressure
        self.start_level = model.org_state.integration_level

    def set_policy(self, model, policy):
        super().set_policy(model, policy)
        weeks = self.weeks_active(model)
        assessing = weeks <= self.assessment_weeks
        if self.pressure_on(model):
            if assessing:
                # A gentle start while readiness is assessed.
                policy.pressure = min(self.pressure, 0.5 * self.tension_setpoint)
            else:
                tension = model.management.observed.get("felt_tension", self.tension_setpoint)
                self.current_pressure = float(np.clip(
                    self.current_pressure + self.pacing_gain * (self.tension_setpoint - tension), 0.0, 1.0))
                policy.pressure = self.current_pressure
        self.kpi += self.balance_speed * (np.full(3, 1 / 3) - self.kpi)
        self.kpi = self.kpi / self.kpi.sum()
        policy.kpi_weights = self.kpi.copy()
        policy.espoused_values = self.espoused
        policy.training_budget *= self.training_boost
        policy.participation = self.participation
        policy.capacity_share_lost = 0.05 * self.participation
        org = model.org_state
        if not assessing:
            rungs = 1 + (weeks - self.assessment_weeks - 1) // self.ladder_weeks
            org.integration_level = float(min(self.max_integration, max(self.start_level, rungs)))
        policy.programme_cost += (self.rung_cost * model.organisation.n_employees
                                * max(0.0, org.integration_level - self.start_level))
        org.process_fit += self.differentiation * org.integration_level * (0.85 - org.process_fit)

    def shape_employees(self, model):
        wf = model.workforce
        p = wf.people
        rows = wf.rows()
        k = self.participation
        a = p.affective[rows]
        p.affective[rows] = a + 0.012 * k * p.readiness[rows] * (1 - a)
        p.values[rows] += 0.005 * k * (self.espoused - p.values[rows])

    def respond_to_warnings(self, model, alarms):
        for sacrificed, _favoured in alarms:
            self.kpi[VALUES.index(sacrificed)] += self.rebalance
        self.kpi = self.kpi / self.kpi.sum()
