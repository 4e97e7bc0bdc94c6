"""The key metrics of a study: what each means, its unit, and which direction is good.

Every figure, ``summary.md`` and the board brief read these declarations, so a metric is
named, measured and judged the same way everywhere. The model's own definitions of the
metrics are in docs/ODD.md section 7.6.

A metric is judged **higher is better**, **lower is better**, or **neither: a trade-off**:
value tension is productive at a moderate level and harmful at both ends (DOMAIN.md pattern 2,
the inverted U); compliance is better than resistance and worse than commitment, so more
compliance can be a step forward or a step back.

``smallest`` is the smallest difference that counts as a difference worth a word in
``summary.md`` (an assumption of the reporting, not of the model): one point on a 0-1 scale,
one percentage point of employees, or 1% of the status quo's level for money and efficiency.
A difference whose 95% interval excludes zero but which is smaller than this is reported as
"a small difference".

Example:
    >>> KEY_METRICS["profit"].better
    'higher'
    >>> KEY_METRICS["value_tension"].direction_words
    'neither: a trade-off'
    >>> KEY_METRICS["satisfaction"].label()
    'Customer satisfaction (mean, 0-1)'

**One format per metric.** Every table, sentence and figure axis that shows a metric's level
or a difference between two runs formats it here (``format_level``, ``format_difference``,
``difference_scale``), so a number reads the same in ``summary.md``, the board brief, its
figure and the live page: profit and efficiency differences as a share of the status quo's
level (when that level is positive), shares of employees as percentages and their
differences in percentage points, the 0-1 indexes in index points. An interval takes its
estimate's format, with as many decimals as it needs to keep each bound's sign (a bound that
would round to zero gets another digit rather than read "+0%").

    >>> format_difference("profit", -2_500.0, -4_500.0, 150.0, base=50_000.0)
    '-5.0% [-9.0%, +0.3%]'
    >>> format_difference("share_committed", -0.17), format_level("share_committed", 0.241)
    ('-17.0 percentage points', '24.1%')
    >>> format_difference("profit", 5574.0, 87.24, 11061.0, base=-2_000.0)
    '+5,574 [+87, +11,061]'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: The statistic every cross-road figure and the summary use for a run's outcome.
OUTCOME = "final week"


@dataclass(frozen=True)
class KeyMetric:
    """One key metric of the studies.

    Attributes:
        name: its column in ``timeseries.parquet`` (or derived, see ``sim.study.plots.DERIVED``).
        title: its name in figures and text.
        unit: the unit of its level.
        difference_unit: the unit of a difference between two runs.
        better: "higher", "lower" or "neither" ("" for a metric without a declaration).
        smallest: the smallest difference worth a word (see the module's docstring).
        relative: differences are also given as a share of the status quo's level.
    """

    name: str
    title: str
    unit: str
    difference_unit: str
    better: str
    smallest: float
    relative: bool = False

    @property
    def direction_words(self) -> str:
        return {"higher": "higher is better", "lower": "lower is better",
                "neither": "neither: a trade-off"}.get(self.better, "")

    @property
    def mark(self) -> str:
        """A short mark for figure panels: an arrow for the good direction, or a two-headed one."""
        return {"higher": "\u2191 better", "lower": "\u2193 better", "neither": "\u2195 trade-off"}.get(self.better, "")

    def label(self, with_unit: bool = True) -> str:
        return f"{self.title} ({self.unit})" if with_unit else self.title


_METRICS = (
    KeyMetric("customer_centricity", "Customer centricity", "index, 0-1", "index points, 0-1 scale", "higher", 0.01),
    KeyMetric("profit", "Profit", "currency units per week", "currency units per week", "higher", 0.01,
              relative=True),
    KeyMetric("efficiency", "Efficiency", "outputs per 1,000 of cost", "outputs per 1,000 of cost", "higher",
              0.01, relative=True),
    KeyMetric("satisfaction", "Customer satisfaction", "mean, 0-1", "points, 0-1 scale", "higher", 0.01),
    KeyMetric("value_tension", "Value tension", "index, 0-1", "index points, 0-1 scale", "neither", 0.01),
    KeyMetric("share_compliance", "Compliance", "share of employees", "share of employees", "neither", 0.01),
    KeyMetric("share_committed", "Commitment (cooperating or championing)", "share of employees",
              "share of employees", "higher", 0.01),
    KeyMetric("affective", "Affective commitment", "mean, 0-1", "points, 0-1 scale", "higher", 0.01),
)

#: The key metrics, in the order every figure shows them.
KEY_METRICS: dict[str, KeyMetric] = {m.name: m for m in _METRICS}


def key_metric(name: str) -> KeyMetric:
    """The declaration of ``name``; a metric without one gets a tidied title and no direction."""
    if name in KEY_METRICS:
        return KEY_METRICS[name]
    title = name.replace("_", " ").capitalize()
    return KeyMetric(name, title, "", "", "", 0.0)


# ---------------------------------------------------------------------- one format per metric
#: A difference of a share of employees is shown in percentage points, its level as a percentage.
SHARE = "share of employees"
#: The most decimals a number gets to keep its sign visible (beyond that it is shown as zero).
MAX_EXTRA_DECIMALS = 4


@dataclass(frozen=True)
class DifferenceScale:
    """How the differences of one metric are shown: as a share of the status quo's level, in
    percentage points, or in the metric's own unit.

    Attributes:
        factor: a difference times this is the number shown.
        suffix: written right after every number ("%" for a share of the status quo).
        unit: written once after the estimate (" percentage points"), not after the interval's bounds.
        axis: the unit in words, for a figure's axis or a table's header.
        decimals: the fewest decimals a number gets; None: by its magnitude (money).
    """

    factor: float
    suffix: str
    unit: str
    axis: str
    decimals: int | None

    def shown(self, x: float) -> float:
        """``x`` in the unit shown."""
        return x * self.factor

    def format(self, mean: float, lo: float | None = None, hi: float | None = None) -> str:
        """'+12% [+9%, +15%]': the estimate and, when given, its interval in the same format.

        Example:
            >>> difference_scale("customer_centricity").format(0.0018, -0.0003, 0.004)
            '+0.0018 [-0.0003, +0.0040]'
        """
        values = [self.shown(v) for v in (mean, lo, hi) if v is not None]
        places = decimals_for(values, self.decimals)
        text = [format_number(v, places, sign=True) + self.suffix for v in values]
        out = text[0] + self.unit
        return out + (f" [{text[1]}, {text[2]}]" if len(text) == 3 else "")

    def tick(self, x: float, step: float) -> str:
        """A figure's tick label at ``x`` (ticks ``step`` apart), in the format of the table's numbers."""
        # As many decimals as the ticks' spacing needs (0.05 apart: two), so that each label differs.
        places = next((d for d in range(7) if abs(round(step, d) - step) <= 1e-9 * max(1.0, step)), 6)
        return format_number(x, places, sign=True) + self.suffix


def difference_scale(metric: KeyMetric | str, base: float | None = None, share_allowed: bool = True
                     ) -> DifferenceScale:
    """The scale of ``metric``'s differences from a status quo at level ``base``.

    A relative metric (money, efficiency) is shown as a share of ``base`` when ``base`` is
    positive and ``share_allowed`` (False when the column or panel it stands in holds a status
    quo at or below zero, so that one column has one unit).

    Example:
        >>> difference_scale("profit", 50_000.0).axis, difference_scale("profit", -10.0).axis
        ("% of the status quo's level", 'currency units per week')
    """
    m = metric if isinstance(metric, KeyMetric) else key_metric(metric)
    if m.relative and share_allowed and base is not None and base > 0:
        return DifferenceScale(100.0 / base, "%", "", "% of the status quo's level", 0)
    if m.difference_unit == SHARE:
        return DifferenceScale(100.0, "", " percentage points", "percentage points of employees", 1)
    if "0-1 scale" in m.difference_unit:
        return DifferenceScale(1.0, "", "", m.difference_unit, 3)
    return DifferenceScale(1.0, "", "", m.difference_unit or m.title.lower(), None)


def format_difference(metric: KeyMetric | str, mean: float, lo: float | None = None, hi: float | None = None,
                      base: float | None = None, share_allowed: bool = True) -> str:
    """A difference between two runs (or its mean over seeds with its 95% interval ``lo``, ``hi``),
    in ``metric``'s one format; ``base`` is the status quo's level (see ``difference_scale``).

    Example:
        >>> format_difference("profit", 6_000.0, 4_500.0, 7_500.0, base=50_000.0)
        '+12% [+9%, +15%]'
    """
    return difference_scale(metric, base, share_allowed).format(mean, lo, hi)


def format_level(metric: KeyMetric | str, value: float) -> str:
    """A level of ``metric``: a share of employees as a percentage, an index with three decimals,
    money by its magnitude.

    Example:
        >>> format_level("satisfaction", 0.7), format_level("profit", 51234.5)
        ('0.700', '51,234')
    """
    m = metric if isinstance(metric, KeyMetric) else key_metric(metric)
    if m.unit == SHARE:
        return format_number(100.0 * value, 1, sign=False) + "%"
    if "0-1" in m.unit:
        return format_number(value, 3, sign=False)
    return format_number(value, decimals_for([value], None), sign=False)


def decimals_for(values: Sequence[float], least: int | None) -> int:
    """The decimals that show every one of ``values`` alike: ``least`` (or, when None, by the
    largest magnitude: none from 100, two from 1, else three), and more while a non-zero value
    would round to zero, so that no bound of an interval loses its sign.

    Example:
        >>> decimals_for([-5.2, -9.1, 0.3], 0), decimals_for([5574.0, 87.24, 11061.0], None)
        (1, 0)
    """
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    if least is None:
        top = max(finite, default=0.0)
        least = 0 if top >= 100 else 2 if top >= 1 else 3
    places = least
    while places < least + MAX_EXTRA_DECIMALS and any(0 < v < 0.5 * 10 ** -places for v in finite):
        places += 1
    return places


def format_number(x: float, decimals: int, sign: bool = True) -> str:
    """``x`` with ``decimals`` places and thousands separators; '+' on positive numbers when
    ``sign``; never '-0' (a value that rounds to zero is written without a sign).

    Example:
        >>> format_number(-0.0001, 2), format_number(12345.678, 0), format_number(0.25, 1, sign=False)
        ('0.00', '+12,346', '0.2')
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    rounded = round(x, decimals) + 0.0    # + 0.0 turns -0.0 into 0.0
    if rounded == 0:
        return f"{0:.{decimals}f}"
    return f"{rounded:{'+' if sign else ''},.{decimals}f}"
