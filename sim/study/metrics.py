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
"""

from __future__ import annotations

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
