"""The outcomes of a run over a horizon, defined once for every study that compares runs.

A week's metrics (``CentricityModel.results()``, one row per week from 0) say where the
organisation stands; a decision needs what a change *achieved* over a horizon of h weeks.
These are those outcomes. Where each road wins, the lever attribution, the search for a
road designed for an organisation, the EMA Workbench adapter and Mesa's ``batch_run`` users
read them here, so an outcome means the same thing in every answer the tool gives.

Week 0 is the organisation before anything changed (a road acts from week 1), so sums and
means run over weeks 1 to h and "final" is week h.

Example:
    >>> from sim import CentricityModel
    >>> m = CentricityModel(road="mission", n_employees=40, n_customers=300, burn_in_weeks=2)
    >>> m.run(8)
    >>> out = outcomes(m.results(), horizon=8)
    >>> sorted(out) == sorted(OUTCOMES)
    True
    >>> bool(out["final_satisfaction"] == m.results().satisfaction.iloc[8])
    True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Outcome:
    """One outcome over a horizon: what it is, its unit, and how it is read off the weekly results.

    Higher is better for every outcome here.
    """

    name: str
    title: str
    unit: str
    what: str
    read: Callable[[pd.DataFrame, int], float]
    columns: tuple[str, ...]     # the weekly metrics it reads (a reader of a file loads only these)

    def __call__(self, weekly: pd.DataFrame, horizon: int) -> float:
        return float(self.read(weekly, horizon))


_OUTCOMES = (
    Outcome("cumulative_profit", "Cumulative profit", "currency units", "sum of weekly profit over weeks 1 to h",
            lambda d, h: d.profit.iloc[1:h + 1].sum(), ("profit",)),
    Outcome("mean_centricity", "Mean customer centricity", "index, 0-1", "mean customer centricity over weeks 1 to h",
            lambda d, h: d.customer_centricity.iloc[1:h + 1].mean(), ("customer_centricity",)),
    Outcome("final_satisfaction", "Satisfaction", "mean, 0-1", "mean customer satisfaction in week h",
            lambda d, h: d.satisfaction.iloc[h], ("satisfaction",)),
    Outcome("final_commitment", "Commitment", "share of employees",
            "share of employees cooperating with or championing the change in week h",
            lambda d, h: d.share_cooperation.iloc[h] + d.share_championing.iloc[h],
            ("share_cooperation", "share_championing")),
    Outcome("mean_efficiency", "Mean efficiency", "outputs per 1,000 of cost", "mean efficiency over weeks 1 to h",
            lambda d, h: d.efficiency.iloc[1:h + 1].mean(), ("efficiency",)),
)

#: Every outcome by name, in the order tables show them.
OUTCOMES: dict[str, Outcome] = {o.name: o for o in _OUTCOMES}
#: The three a decision weighs first: the values that compete (DOMAIN.md, "The tension").
HEADLINE = ("cumulative_profit", "mean_centricity", "final_satisfaction")


def columns_read(names=None) -> list[str]:
    """The weekly metrics the outcomes ``names`` (default: all) read, for loading only those."""
    names = list(OUTCOMES) if names is None else list(names)
    return list(dict.fromkeys(c for n in names for c in OUTCOMES[n].columns))


def outcomes(weekly: pd.DataFrame, horizon: int | None = None, names=None) -> dict[str, float]:
    """The outcomes of one run over weeks 1 to ``horizon`` (default: every week it ran).

    Args:
        weekly: the run's weekly metrics, one row per week from 0 (``CentricityModel.results()``
            or a run's ``timeseries.parquet``).
        horizon: h, in weeks; at least 1 and at most the last week in ``weekly``.
        names: which outcomes (default: all of ``OUTCOMES``).

    Raises:
        ValueError: for a horizon the run does not reach, or an unknown outcome.
    """
    last = len(weekly) - 1
    h = last if horizon is None else int(horizon)
    if not 1 <= h <= last:
        raise ValueError(f"horizon = {horizon} is out of range; allowed range [1, {last}] (the weeks this run reached)")
    names = list(OUTCOMES) if names is None else list(names)
    unknown = [n for n in names if n not in OUTCOMES]
    if unknown:
        raise ValueError(f"unknown outcome {unknown[0]!r}; known outcomes: {', '.join(OUTCOMES)}")
    return {n: OUTCOMES[n](weekly, h) for n in names}
