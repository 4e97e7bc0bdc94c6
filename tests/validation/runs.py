"""Shared, cached runs for the pattern tests: paired by seed (common random numbers).

Populations are small (2,000 customers, 120 employees) but large enough that each pattern's
verdict is stable across the seeds used; runs are cached so tests that compare the same
roads share them (tests using a cache are grouped on one xdist worker).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from sim import CentricityModel

SMALL = {"n_customers": 2000, "n_employees": 120}
SEEDS = tuple(range(8))


@cache
def run(road: str, seed: int, steps: int = 260, road_params: tuple = (), **params) -> pd.DataFrame:
    """Results of one run (cached); ``road_params`` as a tuple of (name, value) pairs."""
    model = CentricityModel(road=road, seed=seed, road_params=dict(road_params), **SMALL, **params)
    model.run(steps)
    return model.results()


def paired(road: str, baseline: str, column: str, weeks: slice, seeds=SEEDS, **kw) -> np.ndarray:
    """Per-seed mean of ``column`` over ``weeks``: road minus baseline (same seeds)."""
    return np.array([
        run(road, s, **kw)[column].iloc[weeks].mean() - run(baseline, s, **kw)[column].iloc[weeks].mean()
        for s in seeds
    ])


def interval(x: np.ndarray) -> tuple[float, float]:
    """95% t-interval of the mean (normal approximation with t quantile for n-1 df)."""
    from statistics import NormalDist

    n = len(x)
    t = {4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228}.get(n - 1, NormalDist().inv_cdf(0.975))
    half = t * x.std(ddof=1) / np.sqrt(n)
    return float(x.mean() - half), float(x.mean() + half)
