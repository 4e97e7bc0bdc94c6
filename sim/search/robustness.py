"""How well a policy does across what is uncertain: its paired lead over the status quo, scored robustly.

A policy (a designed one, or one of the named roads) is run in every future of a sample
(:class:`Futures`: plausible versions of the organisation, ``sim.search.uncertainties``),
each future with its own seed. Every policy meets the same futures with the same seeds
(common random numbers), and so does the status quo, so the **lead** of a policy in a future,
its outcome minus the status quo's in that same future, is the policy's doing and not the
future's or luck's.

A policy's **robust score** on an outcome is a low percentile of its leads across the
futures (by default the 10th: what the policy delivers in all but the worst tenth of the
futures), one of the percentile-based measures of Kwakkel, Eker & Pruyt (2016); ``mean``
(the expected lead) is the risk-neutral alternative. Its **regret** in a future is how far
it falls short of the best policy considered in that future (Savage's minimax regret; the
same paper); the report gives the worst regret of each found policy and named road.

Example:
    >>> futures = Futures.sample(settings={"organisation": {"n_employees": 40, "n_customers": 300,
    ...                                                     "burn_in_weeks": 2}},
    ...                          n=2, horizon=6, seed=0)
    >>> leads = futures.leads(futures.evaluate(road="mission"))
    >>> leads.shape            # futures x outcomes
    (2, 5)
    >>> bool(np.all(futures.leads(futures.evaluate(road="status_quo")) == 0.0))
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.outcomes import OUTCOMES, outcomes
from sim.search.uncertainties import as_settings, sample_scenarios, uncertain_ranges

#: Robustness measures a search can score by: "p<q>" (the q-th percentile of the leads) or "mean".
DEFAULT_ROBUSTNESS = "p10"


def robust_score(leads: np.ndarray, measure: str = DEFAULT_ROBUSTNESS) -> np.ndarray:
    """The robust score of each outcome (a column of ``leads``, one row per future).

    Example:
        >>> robust_score(np.array([[1.0], [2.0], [3.0], [4.0], [5.0]]), "p25").tolist()
        [2.0]
    """
    leads = np.asarray(leads, dtype=float)
    if measure == "mean":
        return leads.mean(axis=0)
    q = parse_measure(measure)
    return np.percentile(leads, q, axis=0)


def parse_measure(measure: str) -> float:
    """The percentile of a "p<q>" measure (0 < q < 100); raises ValueError naming the allowed forms."""
    if measure == "mean":
        return 50.0
    try:
        q = float(measure[1:]) if measure.startswith("p") else float("nan")
    except ValueError:
        q = float("nan")
    if not 0 < q < 100:
        raise ValueError(f"robustness = {measure!r} is not a measure; allowed: 'mean' or 'p<q>' with 0 < q < 100 "
                         "(e.g. p10: the 10th percentile of the lead across futures)")
    return q


@dataclass(frozen=True)
class Futures:
    """The futures every policy meets: the organisation's settings, each future's uncertain values and seed.

    Attributes:
        settings: the organisation as nested settings (``{"organisation": {...}, "customers": {...}}``).
        table: one row per future, one column per uncertain parameter (``group.name``).
        seeds: each future's seed (common to every policy).
        horizon: the weeks each run lasts after week 0.
        baseline: the status quo's outcomes in each future (futures x ``OUTCOMES``), once computed.
    """

    settings: Mapping[str, Mapping[str, object]]
    table: pd.DataFrame
    seeds: tuple[int, ...]
    horizon: int = 260
    baseline: np.ndarray | None = field(default=None, compare=False)

    @classmethod
    def sample(cls, settings: Mapping | None = None, n: int = 8, horizon: int = 260, seed: int = 0,
               keys: Sequence[str] | None = None) -> Futures:
        """``n`` futures around ``settings``: a Latin hypercube of the uncertain parameters (seeded by
        ``seed``), future i run with seed ``seed + i``."""
        settings = {g: dict(v) for g, v in (settings or {}).items()}
        table = sample_scenarios(uncertain_ranges(settings, keys), n, seed=seed)
        return cls(settings, table, tuple(seed + i for i in range(n)), horizon)

    def __len__(self) -> int:
        return len(self.seeds)

    def model_kwargs(self, i: int) -> dict:
        """The keywords of ``CentricityModel`` for future ``i`` (the organisation with its uncertain values)."""
        nested = {g: dict(v) for g, v in self.settings.items()}
        for group, values in as_settings(self.table.iloc[i].to_dict()).items():
            nested.setdefault(group, {}).update(values)
        return {**nested, "seed": self.seeds[i]}

    def run(self, i: int, road: str = "status_quo", road_params: Mapping | None = None) -> dict[str, float]:
        """The outcomes of ``road`` in future ``i`` over the horizon."""
        from sim.model import CentricityModel

        model = CentricityModel.settled(road=road, road_params=dict(road_params or {}), **self.model_kwargs(i))
        model.run(self.horizon)
        return outcomes(model.results(), self.horizon)

    def evaluate(self, road: str = "status_quo", road_params: Mapping | None = None, pool=None) -> np.ndarray:
        """The outcomes of a policy in every future: futures x ``OUTCOMES`` (the futures run in ``pool``,
        a ``concurrent.futures`` executor, when one is given)."""
        n = len(self)
        if pool is None:
            runs = [self.run(i, road, road_params) for i in range(n)]
        else:
            runs = list(pool.map(self.run, range(n), [road] * n, [road_params] * n))
        return np.array([[o[name] for name in OUTCOMES] for o in runs])

    def evaluate_schedule(self, schedule: pd.DataFrame, pool=None) -> np.ndarray:
        """``evaluate`` for a designed policy's schedule, run through the ``custom`` road."""
        return self.evaluate("custom", {"schedule": schedule}, pool)

    def with_baseline(self, pool=None) -> Futures:
        """These futures with the status quo's outcomes computed (once; every lead is against them)."""
        if self.baseline is not None:
            return self
        return Futures(self.settings, self.table, self.seeds, self.horizon, self.evaluate("status_quo", pool=pool))

    def leads(self, outcomes_: np.ndarray) -> np.ndarray:
        """A policy's lead over the status quo in each future (futures x ``OUTCOMES``)."""
        base = self.baseline if self.baseline is not None else self.evaluate("status_quo")
        return np.asarray(outcomes_, dtype=float) - base


def regret(all_outcomes: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Each policy's worst regret per outcome: the most it falls short of the best policy in any future.

    Args:
        all_outcomes: policy name -> its outcomes (futures x ``OUTCOMES``), all on the same futures.

    Example:
        >>> r = regret({"a": np.array([[1.0] * 5, [3.0] * 5]), "b": np.array([[2.0] * 5, [2.0] * 5])})
        >>> r.loc["a", "cumulative_profit"], r.loc["b", "cumulative_profit"]
        (np.float64(1.0), np.float64(1.0))
    """
    names = list(all_outcomes)
    stack = np.stack([np.asarray(all_outcomes[n], dtype=float) for n in names])   # policies x futures x outcomes
    shortfall = stack.max(axis=0, keepdims=True) - stack
    return pd.DataFrame(shortfall.max(axis=1), index=names, columns=list(OUTCOMES))
