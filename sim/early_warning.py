"""Early-warning monitors (phase 6): one value being bought at another's expense.

The monitors run under every road, so the metric ``early_warnings`` is comparable across
roads; they are the measurement's. Management *receives* the alarms only while it runs an
early-warning system (the ``early_warning_system`` lever, which costs money), and a road
may then act on them (seed 002: "set up early warning systems to alert when one value is
acting to the detriment of the other"). Equations: docs/ODD.md section 7.1.6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.effects import ASSUMPTION, SOURCE_MECHANISM, EffectSizes, effect
from sim.levers import VALUES

# Which KPI stands for each value, and the scale its change is judged against.
SIGNALS = {"customer": "satisfaction", "efficiency": "efficiency", "profit": "profit"}

#: The effect sizes of this module's mechanisms (sim.effects; docs/ODD.md 7.1.6): how the monitors
#: judge a trend.
EARLY_WARNING_EFFECTS = EffectSizes(
    "early_warning", "docs/ODD.md 7.1.6",
    comparison_window=effect(
        26, 13, 39, SOURCE_MECHANISM,
        "weeks the monitors look back: the mean of the later half against the earlier half (used whole: "
        "the integer part)",
        "seed 002 asks for early warning of one value acting to the detriment of another, with no horizon; "
        "quarter on quarter, the usual reporting rhythm, is chosen", allowed=(2.0, None)),
    default_thresholds=effect(
        [0.003, 0.015, 0.01], [0.0015, 0.0075, 0.005], [0.0045, 0.0225, 0.015], ASSUMPTION,
        "change that counts as a trend, by value (customer, efficiency, profit, as SIGNALS): satisfaction "
        "points; relative to efficiency's own level; relative to revenue",
        "small, but beyond the noise of a quarter's mean: 0.3 points of satisfaction on a 0-100 scale, 1.5% of "
        "efficiency, profit moving by 1% of revenue"),
    alarm_cooldown=effect(
        13, 7, 20, ASSUMPTION,
        "weeks a pair that fired stays quiet (used whole: the integer part)",
        "one alarm a quarter for the same pair: the same trend is not reported again every week"),
)
_TREND_KPIS = (*SIGNALS.values(), "revenue")
_REVENUE = len(SIGNALS)


@dataclass(frozen=True)
class Alarm:
    """One alarm and what the monitor saw: the favoured value rose while the sacrificed one fell.

    Attributes:
        week: the week the alarm fired (the last week of the window).
        sacrificed, favoured: the two values, as in :data:`sim.levers.VALUES`.
        earlier, later: first and last week of the two halves of the window that were compared.
        before, after: mean of each value's KPI (``SIGNALS``: satisfaction, efficiency,
            profit) over the earlier and the later weeks, in the KPI's own units.
        change: each value's trend on the common footing the thresholds judge.
    """

    week: int
    sacrificed: str
    favoured: str
    earlier: tuple[int, int]
    later: tuple[int, int]
    before: dict[str, float]
    after: dict[str, float]
    change: dict[str, float]


class EarlyWarningMonitor:
    """Flags a value being sacrificed for another: one improving while the other declines.

    Each week, for every ordered pair (sacrificed, favoured) of the three values, it compares
    the mean of the last ``window // 2`` weeks with the ``window // 2`` weeks before (quarter
    on quarter by default). An alarm fires when the favoured value rose by more than its
    threshold and the sacrificed one fell by more than its threshold. Changes are measured on
    a common footing: satisfaction in points of its 0-1 scale, efficiency relative to its own
    level, profit relative to revenue. A pair that fired stays quiet for ``cooldown`` weeks.
    Every alarm is also kept in ``seen`` as an :class:`Alarm`, with the weeks compared and
    the values seen, so that it can be told in words and marked on a chart. It reads no record
    older than the last ``window``: the model keeps no more than that (and ``reporting_lag``)
    of its weekly records (``sim.history``).

    Example:
        >>> m = EarlyWarningMonitor(window=4, threshold=0.01)
        >>> hist = [{"satisfaction": s, "efficiency": 1.0, "profit": p, "revenue": 100.0}
        ...         for s, p in [(0.8, 10), (0.8, 10), (0.7, 20), (0.7, 20)]]
        >>> m.check(hist, week=4)
        [('customer', 'profit')]
        >>> alarm = m.seen[-1]
        >>> alarm.earlier, alarm.later, alarm.before["profit"], alarm.after["profit"]
        ((1, 2), (3, 4), 10.0, 20.0)
    """

    def __init__(self, window: int | None = None, threshold: float | dict | None = None, cooldown: int | None = None,
                 effects=None):
        self.fx = EARLY_WARNING_EFFECTS.defaults if effects is None else effects   # this run's effect sizes
        self.window = int(self.fx.comparison_window) if window is None else window
        if threshold is None:
            threshold = {value: float(t) for value, t in zip(SIGNALS, self.fx.default_thresholds, strict=True)}
        elif not isinstance(threshold, dict):
            threshold = dict.fromkeys(SIGNALS, float(threshold))
        self.threshold = threshold
        self.cooldown = int(self.fx.alarm_cooldown) if cooldown is None else cooldown
        self.quiet_until: dict[tuple[str, str], int] = {}
        self.seen: list[Alarm] = []

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
        never = -(10**9)   # numerical: a week before any run, so a pair that never fired is not quiet
        for sacrificed in VALUES:
            for favoured in VALUES:
                if sacrificed == favoured or week < self.quiet_until.get((sacrificed, favoured), never):
                    continue
                if trend[favoured] > self.threshold[favoured] and trend[sacrificed] < -self.threshold[sacrificed]:
                    alarms.append((sacrificed, favoured))
                    self.quiet_until[(sacrificed, favoured)] = week + self.cooldown
        if alarms:
            self.seen.extend(self._what_was_seen(history, week, alarms, trend))
        return alarms

    def _what_was_seen(self, history, week: int, alarms, trend) -> list[Alarm]:
        """The alarms of this week with the weeks compared and each value's mean before and after."""
        recent = history[-self.window:]
        half = self.window // 2
        first = week - self.window + 1  # the window's entries are weeks first .. week
        before = {kpi: float(np.mean([h[kpi] for h in recent[:half]])) for kpi in SIGNALS.values()}
        after = {kpi: float(np.mean([h[kpi] for h in recent[half:]])) for kpi in SIGNALS.values()}
        earlier, later = (first, first + half - 1), (first + half, week)
        return [Alarm(week, s, f, earlier, later, before, after, dict(trend)) for s, f in alarms]
