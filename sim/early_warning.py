"""Early-warning monitors (phase 6): one value being bought at another's expense.

The monitors run under every road, so the metric ``early_warnings`` is comparable across
roads; they are the measurement's. Management *receives* the alarms only while it runs an
early-warning system (the ``early_warning_system`` lever, which costs money), and a road
may then act on them (seed 002: "set up early warning systems to alert when one value is
acting to the detriment of the other"). Equations: docs/ODD.md section 7.1.6.
"""

from __future__ import annotations

import numpy as np

from sim.levers import VALUES

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
