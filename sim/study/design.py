"""Designs for global sensitivity analysis: Latin hypercube, Sobol (Saltelli) and Morris.

A design is a table of points, one row per point and one column per parameter range,
drawn by a seeded sampler so the same settings always give the same points:

=========  ==========================================  ===================  ======================
method     sampler                                     points for n, D      analysis (sim.study.sensitivity)
=========  ==========================================  ===================  ======================
``lhs``    ``scipy.stats.qmc.LatinHypercube``          n                    partial rank correlations
``sobol``  ``SALib.sample.sobol`` (Saltelli scheme)    n (D + 2);           Sobol S1 and ST
                                                       n (2D + 2) with S2   (and S2)
``morris`` ``SALib.sample.morris`` (n trajectories)    n (D + 1)            Morris mu*, mu, sigma
=========  ==========================================  ===================  ======================

The rules, checked before anything runs (:func:`check_settings`): ``n`` is at least 1; for
Sobol a power of 2 (Saltelli's estimators on a Sobol' sequence keep their balance and
convergence only then); for Morris at least 2 trajectories (sigma needs two) and an even
number of levels of at least 2 (the step of Morris 1991, p / (2 (p - 1))); for LHS at
least D + 3 points (partial correlations regress each parameter on the others).

The sweep folder gets the design as :data:`DESIGN_JSON` (method, settings, the SALib
problem: everything the analysis needs without the Hydra config) and :data:`DESIGN_TABLE`
(one row per job: its folder, the point, the grid values and the parameter values).

Example:
    >>> from sim.study.ranges import ParameterRange
    >>> ranges = [ParameterRange("organisation.initial_readiness", 0.2, 0.8), ParameterRange("customers.voice", 0.1, 0.5)]
    >>> design = make_design("morris", ranges, n=4, seed=1)
    >>> design.points.shape, bool(design.points.min() >= 0.1)
    ((12, 2), True)
    >>> try:
    ...     make_design("sobol", ranges, n=100)
    ... except DesignError as err:
    ...     print(str(err)[:55])
    hydra.sweeper.n = 100: for sobol n must be a power of 2
"""

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.study.ranges import DesignError, ParameterRange

METHODS = ("lhs", "sobol", "morris")
DESIGN_JSON = "design.json"
DESIGN_TABLE = "design.csv"


@dataclass
class Design:
    """The points of a design and how they were drawn."""

    method: str
    ranges: list[ParameterRange]
    n: int
    seed: int
    points: np.ndarray                  # one row per point, one column per range
    levels: int | None = None           # Morris
    second_order: bool | None = None    # Sobol
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [r.key for r in self.ranges]

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem: names and bounds."""
        return {"num_vars": len(self.ranges), "names": self.names, "bounds": [[r.low, r.high] for r in self.ranges]}

    def overrides(self, point: int) -> list[str]:
        """Hydra overrides that set one point's values (exact: shortest round-trip repr)."""
        return [f"{key}={float(value)!r}" for key, value in zip(self.names, self.points[point], strict=True)]

    def record(self) -> dict[str, Any]:
        """What ``design.json`` holds (besides the grid, added by the sweeper)."""
        return {"method": self.method, "n": self.n, "sampler_seed": self.seed, "levels": self.levels,
                "second_order": self.second_order, "points": int(len(self.points)), "problem": self.problem,
                "ranges": {r.key: [r.low, r.high] for r in self.ranges}, **self.extra}


def check_settings(method: str, n: int, n_ranges: int, levels: int = 4) -> None:
    """Refuse settings a method cannot use, saying the rule.

    Raises:
        DesignError: for an unknown method, too small an ``n``, a Sobol ``n`` that is not
            a power of 2, or Morris levels that are odd or below 2.
    """
    if method not in METHODS:
        raise DesignError(f"hydra.sweeper.method = {method!r} is not a design; choose one of {', '.join(METHODS)}")
    if n_ranges < 1:
        raise DesignError("hydra.sweeper.params has no range to sample: give at least one, "
                          "e.g. organisation.initial_readiness: interval(0.2,0.8)")
    if not isinstance(n, int) or n < 1:
        raise DesignError(f"hydra.sweeper.n = {n!r} must be a whole number of at least 1")
    if method == "sobol" and n & (n - 1):
        lower = 2 ** int(math.log2(n))
        raise DesignError(f"hydra.sweeper.n = {n}: for sobol n must be a power of 2 (Saltelli's estimators on a "
                          f"Sobol' sequence converge only then), e.g. {lower} or {2 * lower}")
    if method == "morris":
        if n < 2:
            raise DesignError(f"hydra.sweeper.n = {n}: morris needs at least 2 trajectories (sigma needs two)")
        if levels < 2 or levels % 2:
            raise DesignError(f"hydra.sweeper.levels = {levels}: Morris levels must be even and at least 2 (e.g. 4)")
    if method == "lhs" and n < n_ranges + 3:
        raise DesignError(f"hydra.sweeper.n = {n}: lhs with {n_ranges} ranges needs at least {n_ranges + 3} points "
                          "(partial rank correlations regress each parameter on the others)")


def latin_hypercube(ranges: list[ParameterRange], n: int, seed: int = 0) -> np.ndarray:
    """``n`` points of a Latin hypercube over ``ranges`` (one column each), the same for the same seed;
    without the rules a sweep's design is checked by (an audit may take fewer points than ranges).

    Example:
        >>> latin_hypercube([ParameterRange("customers.base_churn_rate", 0.1, 0.2)], 3, seed=1).shape
        (3, 1)
    """
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(ranges), rng=np.random.default_rng(seed)).random(n)
    return qmc.scale(unit, [r.low for r in ranges], [r.high for r in ranges])


def make_design(method: str, ranges: list[ParameterRange], n: int, seed: int = 0, levels: int = 4,
                second_order: bool = False) -> Design:
    """Draw the points of a design; the same arguments always give the same points.

    Args:
        method: ``lhs``, ``sobol`` or ``morris``.
        ranges: the parameters and their ranges (sampled uniformly).
        n: points (lhs), base sample size (sobol) or trajectories (morris).
        seed: the sampler's seed.
        levels: Morris grid levels.
        second_order: Sobol: also the points for second-order indices.
    """
    check_settings(method, n, len(ranges), levels)
    problem = {"num_vars": len(ranges), "names": [r.key for r in ranges], "bounds": [[r.low, r.high] for r in ranges]}
    if method == "lhs":
        return Design(method, list(ranges), n, seed, latin_hypercube(ranges, n, seed))
    if method == "sobol":
        from SALib.sample import sobol

        points = sobol.sample(problem, n, calc_second_order=second_order, scramble=True, seed=seed)
        return Design(method, list(ranges), n, seed, points, second_order=second_order)
    from SALib.sample import morris

    points = morris.sample(problem, n, num_levels=levels, seed=seed)
    return Design(method, list(ranges), n, seed, points, levels=levels)


def point_label(point: int, n_points: int) -> str:
    """``point=0007``: the design point in a job folder's name, zero-padded so folders sort."""
    return f"point={point:0{max(4, len(str(n_points - 1)))}d}"


def write_design(sweep_dir: Path, design: Design, table: list[dict[str, Any]], grid: dict[str, list[Any]],
                 fixed: list[str]) -> tuple[Path, Path]:
    """Write ``design.json`` and ``design.csv`` into the sweep folder.

    Args:
        table: one dict per job: ``job`` (its folder, relative to the sweep folder),
            ``point``, the grid values, the parameter values, ``config_hash``.
        grid: each grid key that takes more than one value, with its values.
        fixed: overrides every job shares (``steps=104``, ``+experiment=...``).
    """
    import pandas as pd

    from sim.study.records import write_json

    sweep_dir = Path(sweep_dir)
    json_path, table_path = sweep_dir / DESIGN_JSON, sweep_dir / DESIGN_TABLE
    write_json(json_path, {**design.record(), "grid": grid, "fixed": fixed, "jobs": len(table)})
    pd.DataFrame(table).to_csv(table_path, index=False)
    return json_path, table_path
