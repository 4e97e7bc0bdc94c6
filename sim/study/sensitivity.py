"""Global sensitivity analysis of a design sweep: which parameters drive the outcomes.

``python -m sim.study.sensitivity SWEEP_DIR`` reads a sweep made by the design sweeper
(``hydra/sweeper=design``: ``design.json``, ``design.csv`` and the job folders) and
computes, for each road (and any other grid key) and each outcome metric:

* ``sobol`` designs: first-order and total Sobol indices, ``S1`` and ``ST`` (and ``S2``
  if the design has second-order points), SALib's estimators (Saltelli 2010, Jansen);
* ``morris`` designs: Morris elementary effects, ``mu_star`` (importance), ``mu`` (sign)
  and ``sigma`` (non-linearity or interaction), Campolongo et al. 2007;
* ``lhs`` designs: partial rank correlation coefficients, ``PRCC`` (Marino et al. 2008):
  the monotone association of each parameter with the outcome once the others are
  accounted for, from -1 to 1.

Confidence intervals (95%) are bootstrap intervals over the design's points, with a fixed
seed so the same sweep always gives the same table: SALib's for ``S1``, ``ST``, ``S2`` and
``mu_star`` (normal approximation, ``value +- conf``), percentile intervals for ``PRCC``.
``mu`` and ``sigma`` have none.

Seeds: all design points share the seed(s) of the grid (common random numbers). By
default the outcome of a point is the mean over its seeds, so the indices are of the
expected outcome; ``--by-seed`` analyses each seed apart (the spread between seeds shows
how much the ranking owes to chance).

Writes ``SWEEP_DIR/sensitivity.csv``, one row per road x metric x parameter x index::

    method, outcome, road, [other grid keys], metric, parameter, index, value, conf,
    conf_low, conf_high, points, seeds

and figures into ``SWEEP_DIR/figures/``: ``sensitivity_<index>`` (bars with intervals,
one panel per metric, one bar per road) and, for Morris, ``sensitivity_morris_plane``
(mu* against sigma). A sweep that was not made from a design, or that is incomplete, is
refused (exit status 2) with the jobs that are missing.

A table that did not come from our design sweeper (EMA Workbench's ``perform_experiments``,
Mesa's ``batch_run``, a grid by hand) is analysed by :func:`analyse_frame`: parameter columns and
outcome columns, with the indices any sample supports, ``prcc`` or SALib's moment-independent
``delta``. Sobol and Morris indices need their own sample designs, and are refused without one::

    runs = where_roads_win.runs_from_batch(mesa.batch_run(...), horizon=52)   # or runs_from_experiments(...)
    analyse_frame(runs, ["customer_value_weight", "activist_share"], ["cumulative_profit", "mean_centricity"])

Example:
    >>> table = synthetic_table("lhs", lambda x: 3 * x[:, 0] + x[:, 1] ** 3, n=64)
    >>> result = analyse_table(table.design, table.outcomes, ["y"])
    >>> result.sort_values("value", ascending=False)["parameter"].tolist()
    ['a', 'b', 'c']
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.study.design import DESIGN_JSON, DESIGN_TABLE
from sim.study.records import SUMMARY_FILE, read_status

RESULT_TABLE = "sensitivity.csv"
FIGURES_DIR = "figures"
OUTCOMES = ("final", "mean")
#: Bootstrap resamples and confidence level of every interval; the fixed seed makes reruns identical.
RESAMPLES = 1000
CONF_LEVEL = 0.95
BOOTSTRAP_SEED = 20240601
#: The index each method's figure of bars shows, in order.
INDICES = {"sobol": ["S1", "ST"], "morris": ["mu_star"], "lhs": ["PRCC"], "prcc": ["PRCC"], "delta": ["delta"]}


class NotAnalysable(ValueError):
    """A sweep that cannot be analysed: not a design, or incomplete (``missing`` names the jobs)."""

    def __init__(self, message: str, missing: list[str] | None = None):
        super().__init__(message)
        self.missing = missing or []


def require_columns(frame: pd.DataFrame, columns, what: str = "the table") -> None:
    """Raise a ValueError naming the first of ``columns`` that ``frame`` lacks (and the columns it has)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        has = [str(c) for c in frame.columns]
        shown = ", ".join(has[:15]) + (f", ... ({len(has)} in all)" if len(has) > 15 else "")
        more = f" (nor {', '.join(map(repr, missing[1:]))})" if len(missing) > 1 else ""
        raise ValueError(f"{what} has no column {missing[0]!r}{more}; its columns: {shown or 'none'}")


# ---------------------------------------------------------------------- the design of a sweep
@dataclass
class SweepDesign:
    """``design.json`` and ``design.csv`` of a sweep: what was varied and how."""

    info: dict[str, Any]
    table: pd.DataFrame

    @property
    def method(self) -> str:
        return self.info["method"]

    @property
    def names(self) -> list[str]:
        return list(self.info["problem"]["names"])

    @property
    def problem(self) -> dict[str, Any]:
        return dict(self.info["problem"])

    @property
    def grid_keys(self) -> list[str]:
        return list(self.info.get("grid", {}))

    def points(self) -> np.ndarray:
        """The design matrix, one row per point, in the sampler's order."""
        first = self.table.drop_duplicates("point").sort_values("point")
        return first[self.names].to_numpy(dtype=float)


def read_design(sweep_dir: Path | str) -> SweepDesign:
    """The design a sweep was made from.

    Raises:
        NotAnalysable: if the folder holds no design (not made by ``hydra/sweeper=design``).
    """
    sweep_dir = Path(sweep_dir)
    path, table = sweep_dir / DESIGN_JSON, sweep_dir / DESIGN_TABLE
    if not path.exists() or not table.exists():
        raise NotAnalysable(f"{sweep_dir} was not made from a design (no {DESIGN_JSON} / {DESIGN_TABLE}): run the "
                            "sweep with hydra/sweeper=design, e.g. python -m sim -m +experiment=sensitivity")
    return SweepDesign(info=json.loads(path.read_text()), table=pd.read_csv(table))


def finished_jobs(sweep_dir: Path | str, design: SweepDesign) -> list[tuple[dict[str, Any], Path, dict[str, Any]]]:
    """(design row, job folder, its ``summary.json``) for every job of the design.

    Raises:
        NotAnalysable: if any job has not finished, or finished for another config than
            the design's (a stale folder): the message and ``missing`` name them.
    """
    sweep_dir = Path(sweep_dir)
    done, missing = [], []
    for job in design.table.to_dict("records"):
        folder = sweep_dir / str(job["job"])
        status = read_status(folder) or {}
        expected = job.get("config_hash")
        stale = isinstance(expected, str) and status.get("config_hash") != expected   # a folder of another design
        if status.get("status") != "ok" or stale or not (folder / SUMMARY_FILE).exists():
            missing.append(str(job["job"]))
            continue
        done.append((job, folder, json.loads((folder / SUMMARY_FILE).read_text())))
    if missing:
        shown = "\n  ".join(missing[:20]) + (f"\n  ... and {len(missing) - 20} more" if len(missing) > 20 else "")
        raise NotAnalysable(f"the sweep in {sweep_dir} is incomplete: {len(missing)} of {len(design.table)} jobs of the "
                            f"design have no result for its config:\n  {shown}\nrerun the sweep's command to run them "
                            "(finished jobs are kept), then analyse again", missing=missing)
    return done


def read_outcomes(sweep_dir: Path | str, design: SweepDesign, outcome: str = "final") -> pd.DataFrame:
    """One row per job of the design: its point, grid values, ``road``, ``seed`` and every metric.

    The metric values are each job's ``summary.json`` (``final`` or ``mean`` over the run),
    the numbers ``summary.csv`` has too.

    Raises:
        NotAnalysable: if any job has not finished (see :func:`finished_jobs`).
    """
    from sim.study.plots import DERIVED

    rows = []
    for job, _folder, summary in finished_jobs(sweep_dir, design):
        values = dict(summary[outcome])
        for name, parts in DERIVED.items():
            if all(p in values for p in parts):
                values[name] = sum(values[p] for p in parts)
        rows.append({**job, "road": summary["road"], "seed": summary["seed"], **values})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------- the indices
def analyse_table(design: SweepDesign, outcomes: pd.DataFrame, metrics: list[str], by_seed: bool = False,
                  outcome: str = "final", resamples: int = RESAMPLES, seed: int = BOOTSTRAP_SEED) -> pd.DataFrame:
    """Sensitivity indices for each group (road and other grid keys) and metric, as a tidy table.

    Args:
        design: the sweep's design.
        outcomes: one row per job: ``point``, the group keys and the metric columns.
        metrics: the outcome columns to analyse.
        by_seed: analyse each seed apart instead of the mean over seeds.
        outcome: ``final`` or ``mean`` (recorded in the table).
        resamples, seed: the bootstrap.

    A metric that does not vary across the design in a group has no indices (skipped).

    Raises:
        ValueError: naming the column ``outcomes`` lacks (``point`` or a metric).
    """
    require_columns(outcomes, ["point", *metrics], "the table of outcomes")
    groups = [k for k in ["road", *design.grid_keys] if k != "seed" and k in outcomes]
    return _tabulate(outcomes, metrics, groups, by_seed, design.method, outcome, _design_points(design, metrics),
                     lambda x, y: indices_of(design, x, y, resamples, seed))


#: Indices a table of any sample can have: no sample design of their own needed.
FRAME_METHODS = ("prcc", "delta")
#: Indices that need the sample their own scheme made, in its order.
DESIGN_METHODS = ("sobol", "morris")
#: Points below which SALib's delta cannot bin a parameter (its bins hold at least 10 points, and it needs two).
DELTA_MIN_POINTS = 20


def analyse_frame(frame: pd.DataFrame, parameters: list[str], metrics: list[str], method: str = "prcc",
                  groups: list[str] | None = None, by_seed: bool = False, design: SweepDesign | None = None,
                  outcome: str = "given", resamples: int = RESAMPLES, seed: int = BOOTSTRAP_SEED) -> pd.DataFrame:
    """Sensitivity indices of a plain table: parameter columns and outcome columns, however it was sampled.

    For a sample not made by our design sweeper (EMA Workbench's ``perform_experiments``, Mesa's
    ``batch_run``, a grid by hand), the indices that need no sample design of their own:

    * ``prcc``: partial rank correlation coefficients, as for an ``lhs`` design;
    * ``delta``: Borgonovo's moment-independent delta and the first-order Sobol index ``S1``
      estimated from the same given data (SALib's ``delta``, Plischke et al. 2013), with SALib's
      bootstrap intervals. SALib 1.6 reports three variants of delta; the one given is ``raw``,
      the estimator of Plischke et al. on the points as they are. It needs at least 20 points.

    Sobol and Morris indices need the sample their own scheme made (Saltelli's cross-sampled
    matrices, Morris trajectories), in its order: a table gets them only with the design it came
    from (``design``, e.g. ``read_design(SWEEP_DIR)``), and then needs a ``point`` column numbering
    the design's points, whose parameter values must be the design's.

    Args:
        frame: one row per run (or per point): the ``parameters``, the ``metrics``, the ``groups``
            and, for ``by_seed``, ``seed``. Rows of a group with the same parameter values are one
            point: its metrics are the mean over them (its seeds).
        parameters: the columns varied (numbers).
        metrics: the outcome columns to analyse (e.g. ``sim.outcomes`` names, or ``cumulative_profit@52``).
        method: ``prcc`` or ``delta``; ``sobol`` or ``morris`` with ``design``.
        groups: the columns whose every combination is analysed apart (default: ``road`` if there is one).
        by_seed: analyse each seed apart instead of the mean over seeds.
        design: the design the table's points came from (for ``sobol`` and ``morris``).
        outcome: how the metric columns were read off the runs (recorded in the table).
        resamples, seed: the bootstrap.

    Returns the table ``analyse_table`` returns: ``method, outcome, [groups], metric, parameter, index,
    value, conf, conf_low, conf_high, points, seeds``.

    Raises:
        ValueError: naming a missing column; for a parameter that is not a number, an unknown
            method, Sobol or Morris without their design, or too few points for delta.

    Example:
        >>> sweep = synthetic_table("lhs", lambda x: 3 * x[:, 0] + x[:, 1] ** 3, n=64)
        >>> frame = sweep.outcomes.drop(columns="point")          # a plain table: a, b, c, road and y
        >>> table = analyse_frame(frame, ["a", "b", "c"], ["y"], method="prcc")
        >>> table.sort_values("value", ascending=False)["parameter"].tolist()
        ['a', 'b', 'c']
        >>> analyse_frame(frame, ["a", "b", "c"], ["y"], method="sobol")
        Traceback (most recent call last):
        ...
        ValueError: sobol indices need the sample sobol's own scheme made, in its order ...
    """
    parameters, metrics = list(parameters), list(metrics)
    groups = (["road"] if "road" in frame.columns and "road" not in parameters else []) if groups is None else list(groups)
    if method not in FRAME_METHODS + DESIGN_METHODS:
        raise ValueError(f"method {method!r}: choose {', '.join(FRAME_METHODS)} (any sample) or "
                         f"{', '.join(DESIGN_METHODS)} (with the design the sample came from)")
    require_columns(frame, [*parameters, *metrics, *groups, *(["seed"] if by_seed else [])], "the table")
    for name in parameters:
        if not pd.api.types.is_numeric_dtype(frame[name]):
            raise ValueError(f"parameter {name!r} is not a number (its values: {', '.join(map(str, frame[name].unique()[:4]))})")
    if method in DESIGN_METHODS:
        if design is None or design.method != method:
            raise ValueError(f"{method} indices need the sample {method}'s own scheme made, in its order "
                             f"({'cross-sampled matrices' if method == 'sobol' else 'trajectories'}); a table of other "
                             f"points has none: use method='prcc' or 'delta', or give the {method} design the table came "
                             "from (design=read_design(SWEEP_DIR), or sim.study.design.make_design) with a point column")
        _check_design_points(frame, design, parameters)
        return _tabulate(frame, metrics, groups, by_seed, method, outcome, _design_points(design, metrics),
                         lambda x, y: indices_of(design, x, y, resamples, seed))

    def points_of(part: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        means = part.groupby(parameters, sort=False, dropna=False)[metrics].mean().reset_index()
        return means[parameters].to_numpy(dtype=float), means[metrics]

    if method == "prcc":
        def analyse(x, y):
            return prcc_indices(parameters, x, y, resamples, seed)
    else:
        def analyse(x, y):
            return delta_indices(parameters, x, y, resamples, seed)
    return _tabulate(frame, metrics, groups, by_seed, method, outcome, points_of, analyse)


def _design_points(design: SweepDesign, metrics: list[str]):
    """The design's points and, for a part of a table, the mean of each metric at each of them, in the design's order."""
    x = design.points()

    def points_of(part: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        return x, part.groupby("point")[metrics].mean().reindex(range(len(x)))

    return points_of


def _check_design_points(frame: pd.DataFrame, design: SweepDesign, parameters: list[str]) -> None:
    """Raise a ValueError unless the table's points are the design's, parameter by parameter."""
    require_columns(frame, ["point"], "the table (with a design)")
    if sorted(parameters) != sorted(design.names):
        raise ValueError(f"the parameters ({', '.join(parameters)}) are not the design's ({', '.join(design.names)})")
    x = design.points()
    values = frame.groupby("point")[design.names].first()
    for point, row in values.iterrows():
        if not (isinstance(point, (int, np.integer)) and 0 <= point < len(x)) or not np.allclose(row.to_numpy(float), x[point]):
            raise ValueError(f"point {point!r} of the table is not the design's point {point!r} (its values: "
                             f"{dict(row)}): the table's points must be the design's, numbered as in it")


def _tabulate(outcomes: pd.DataFrame, metrics: list[str], groups: list[str], by_seed: bool, method: str, outcome: str,
              points_of, analyse) -> pd.DataFrame:
    """The tidy table of indices: for each group and metric, ``analyse(x, y)`` of its points (``points_of(part)``)."""
    groups = list(dict.fromkeys(groups + (["seed"] if by_seed and "seed" in outcomes else [])))
    frames = []
    for key, part in outcomes.groupby(groups, sort=False) if groups else [((), outcomes)]:
        key = key if isinstance(key, tuple) else (key,)
        x, per_point = points_of(part)
        seeds = part["seed"].nunique() if "seed" in part else 1
        for metric in metrics:
            y = per_point[metric].to_numpy(dtype=float)
            if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
                continue
            rows = analyse(x, y)
            frame = pd.DataFrame(rows)
            for name, value in zip(groups, key, strict=True):
                frame.insert(0, name, value)
            frame.insert(0, "metric", metric)
            frame["points"], frame["seeds"] = len(x), seeds
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["method", "outcome", *groups, "metric", "parameter", "index", "value", "conf",
                                     "conf_low", "conf_high", "points", "seeds"])
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, "outcome", outcome)
    table.insert(0, "method", method)
    first = ["method", "outcome", *groups, "metric"]
    return table[first + [c for c in table.columns if c not in first]]


def indices_of(design: SweepDesign, x: np.ndarray, y: np.ndarray, resamples: int = RESAMPLES,
               seed: int = BOOTSTRAP_SEED) -> list[dict[str, Any]]:
    """The indices of one outcome vector ``y`` (one value per design point) for the design's method."""
    if design.method == "sobol":
        return sobol_indices(design.problem, y, bool(design.info.get("second_order")), resamples, seed)
    if design.method == "morris":
        return morris_indices(design.problem, x, y, int(design.info.get("levels") or 4), resamples, seed)
    if design.method == "lhs":
        return prcc_indices(design.names, x, y, resamples, seed)
    raise NotAnalysable(f"unknown design method {design.method!r} in {DESIGN_JSON}")


def sobol_indices(problem: dict[str, Any], y: np.ndarray, second_order: bool = False, resamples: int = RESAMPLES,
                  seed: int = BOOTSTRAP_SEED) -> list[dict[str, Any]]:
    """First-order and total Sobol indices (and second-order ones) with bootstrap intervals (SALib)."""
    from SALib.analyze import sobol

    res = sobol.analyze(problem, y, calc_second_order=second_order, num_resamples=resamples, conf_level=CONF_LEVEL,
                        print_to_console=False, seed=seed)
    rows = []
    for i, name in enumerate(problem["names"]):
        for index in ("S1", "ST"):
            rows.append(_row(name, index, res[index][i], res[f"{index}_conf"][i]))
    if second_order:
        names = problem["names"]
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                rows.append(_row(f"{names[i]}:{names[j]}", "S2", res["S2"][i, j], res["S2_conf"][i, j]))
    return rows


def morris_indices(problem: dict[str, Any], x: np.ndarray, y: np.ndarray, levels: int = 4,
                   resamples: int = RESAMPLES, seed: int = BOOTSTRAP_SEED) -> list[dict[str, Any]]:
    """Morris mu* (with a bootstrap interval), mu and sigma of the elementary effects (SALib)."""
    from SALib.analyze import morris

    res = morris.analyze(problem, x, y, num_resamples=resamples, conf_level=CONF_LEVEL, print_to_console=False,
                         num_levels=levels, seed=seed)
    rows = []
    for i, name in enumerate(problem["names"]):
        rows.append(_row(name, "mu_star", res["mu_star"][i], res["mu_star_conf"][i]))
        rows.append(_row(name, "mu", res["mu"][i]))
        rows.append(_row(name, "sigma", res["sigma"][i]))
    return rows


def prcc_indices(names: list[str], x: np.ndarray, y: np.ndarray, resamples: int = RESAMPLES,
                 seed: int = BOOTSTRAP_SEED) -> list[dict[str, Any]]:
    """Partial rank correlation coefficients with bootstrap percentile intervals.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.random((200, 2))
        >>> rows = prcc_indices(["a", "b"], x, np.exp(4 * x[:, 0]), resamples=100)
        >>> bool(rows[0]["value"] > 0.99), bool(abs(rows[1]["value"]) < 0.1)   # a drives y, b does not
        (True, True)
    """
    value = prcc(x, y)
    rng = np.random.default_rng(seed)
    draws = np.array([prcc(x[idx], y[idx]) for idx in rng.integers(0, len(y), size=(resamples, len(y)))])
    alpha = (1 - CONF_LEVEL) / 2
    low, high = np.nanquantile(draws, alpha, axis=0), np.nanquantile(draws, 1 - alpha, axis=0)
    return [{**_row(name, "PRCC", value[i]), "conf": (high[i] - low[i]) / 2, "conf_low": low[i], "conf_high": high[i]}
            for i, name in enumerate(names)]


def prcc(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Partial rank correlation of each column of ``x`` with ``y``, the other columns partialled out."""
    from scipy.stats import rankdata

    ranks = np.column_stack([rankdata(col) for col in x.T])
    ry = rankdata(y)
    out = np.empty(x.shape[1])
    for i in range(x.shape[1]):
        others = np.column_stack([np.ones(len(ry)), np.delete(ranks, i, axis=1)])
        res_x = ranks[:, i] - others @ np.linalg.lstsq(others, ranks[:, i], rcond=None)[0]
        res_y = ry - others @ np.linalg.lstsq(others, ry, rcond=None)[0]
        denom = np.sqrt((res_x @ res_x) * (res_y @ res_y))
        out[i] = res_x @ res_y / denom if denom > 0 else np.nan
    return out


def delta_indices(names: list[str], x: np.ndarray, y: np.ndarray, resamples: int = RESAMPLES,
                  seed: int = BOOTSTRAP_SEED) -> list[dict[str, Any]]:
    """Borgonovo's delta and the first-order index S1 from given data, with SALib's bootstrap intervals.

    SALib's ``delta.analyze`` (Plischke et al. 2013) works on any sample. Of the three variants of
    delta SALib 1.6 computes, ``raw`` is given: the estimator on the points as they are (``balanced``
    resamples evenly across bins of each parameter, and is computed only because SALib computes
    it first: its bins are chosen so that it does not fail on a small sample). SALib seeds numpy's
    global generator and changes how warnings print; both are put back. A parameter SALib cannot
    bin gets no value (NaN).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.random((200, 2))
        >>> rows = delta_indices(["a", "b"], x, np.exp(4 * x[:, 0]), resamples=50)
        >>> [(r["parameter"], r["index"]) for r in rows]
        [('a', 'delta'), ('a', 'S1'), ('b', 'delta'), ('b', 'S1')]
        >>> bool(rows[0]["value"] > 0.5 > rows[2]["value"]), bool(rows[1]["value"] > 0.8)   # a drives y, b does not
        (True, True)
    """
    import warnings

    from SALib.analyze import delta

    if len(y) < DELTA_MIN_POINTS:
        raise ValueError(f"delta needs at least {DELTA_MIN_POINTS} points; this sample has {len(y)}: use method='prcc'")
    labels = [f"x{i}" for i in range(len(names))]   # SALib refuses names ending in _raw, _conf, ...
    problem = {"num_vars": len(names), "names": labels, "bounds": [[float(c.min()), float(c.max())] for c in x.T]}
    smallest = max(int(len(y) * 0.005), 10)          # SALib's smallest bin
    bins = dict.fromkeys(labels, max(2, min(10, len(y) // smallest)))
    state, formatwarning = np.random.get_state(), warnings.formatwarning
    try:
        with warnings.catch_warnings(record=True):   # notices about the balanced and step variants, not reported
            res = delta.analyze(problem, np.asarray(x, dtype=float), np.asarray(y, dtype=float), num_resamples=resamples,
                                conf_level=CONF_LEVEL, seed=seed, method="all", bins_specs=bins)
    finally:
        np.random.set_state(state)
        warnings.formatwarning = formatwarning
    rows = []
    for i, name in enumerate(names):
        rows.append(_row(name, "delta", res["delta_raw"][i], res["delta_raw_conf"][i]))
        rows.append(_row(name, "S1", res["S1"][i], res["S1_conf"][i]))
    return rows


def _row(parameter: str, index: str, value: float, conf: float | None = None) -> dict[str, Any]:
    value = float(value)
    if conf is None or not np.isfinite(conf):
        return {"parameter": parameter, "index": index, "value": value, "conf": np.nan, "conf_low": np.nan,
                "conf_high": np.nan}
    return {"parameter": parameter, "index": index, "value": value, "conf": float(conf),
            "conf_low": value - float(conf), "conf_high": value + float(conf)}


# ---------------------------------------------------------------------- figures
def plot_index_bars(result: pd.DataFrame, index: str, out_dir: Path) -> list[Path]:
    """Bars of one index with their intervals: a panel per metric, a bar per road for each parameter."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from sim.study.plots import metric_label, ordered_levels, palette_for, road_label

    data = result[result["index"] == index]
    if data.empty:
        return []
    metrics = list(dict.fromkeys(data["metric"]))
    params = list(dict.fromkeys(data["parameter"]))
    roads = ordered_levels(data["road"], "road")
    colours = palette_for("road", roads)
    ncols = min(4, len(metrics))
    nrows = -(-len(metrics) // ncols)
    height = max(2.4, 0.28 * len(params) * max(len(roads), 1) + 0.9)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.3 * ncols, height * nrows), squeeze=False, sharey=True)
    bar = 0.8 / max(len(roads), 1)
    for ax, metric in zip(axes.flat, metrics, strict=False):
        part = data[data["metric"] == metric]
        for k, road in enumerate(roads):
            rows = part[part["road"] == road].set_index("parameter").reindex(params)
            pos = np.arange(len(params)) + (k - (len(roads) - 1) / 2) * bar
            err = np.vstack([rows["value"] - rows["conf_low"], rows["conf_high"] - rows["value"]])
            ax.barh(pos, rows["value"], height=bar, color=colours[road], label=road_label(road),
                    xerr=np.where(np.isfinite(err), err, 0), error_kw={"elinewidth": 0.8, "capsize": 1.5})
        ax.axvline(0, color="black", linewidth=0.6)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.set_title(metric_label(metric, with_unit=index == "mu_star"), fontsize=9)
        ax.set_xlabel(INDEX_LABELS.get(index, index))
        ax.set_yticks(np.arange(len(params)), [short_name(p) for p in params])
    axes.flat[0].invert_yaxis()   # once: the panels share the axis; first parameter and first road on top
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(roads), 6), frameon=False, bbox_to_anchor=(0.5, 0))
    fig.suptitle(f"{INDEX_LABELS.get(index, index)}, {data['outcome'].iloc[0]} value of each metric "
                 f"({CONF_LEVEL:.0%} bootstrap intervals)", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    return save_figure(fig, out_dir, f"sensitivity_{index}")


def plot_morris_plane(result: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Morris mu* against sigma: a panel per metric, a colour per road, a marker per parameter.

    Near the diagonal sigma = mu* or above it, a parameter acts non-linearly or through
    interactions; far below it, roughly linearly (Garcia Sanchez et al. 2014).
    """
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.ticker import MaxNLocator

    from sim.study.plots import metric_label, ordered_levels, palette_for, road_label

    wide = result[result["index"].isin(["mu_star", "sigma"])].pivot_table(
        index=["road", "metric", "parameter"], columns="index", values="value").reset_index()
    if wide.empty:
        return []
    wide["road"] = wide["road"].map(road_label)
    wide["parameter"] = wide["parameter"].map(short_name)
    metrics = list(dict.fromkeys(result.loc[result["index"] == "mu_star", "metric"]))
    roads = ordered_levels(result["road"], "road")
    palette = {road_label(k): v for k, v in palette_for("road", roads).items()}
    params = list(dict.fromkeys(wide["parameter"]))
    markers = dict(zip(params, ["o", "X", "s", "P", "D", "^", "v", "<", ">", "p", "h", "*"] * 3, strict=False))
    ncols = min(4, len(metrics))
    nrows = -(-len(metrics) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.3 * ncols, 3.6 * nrows), squeeze=False)
    for i, (ax, metric) in enumerate(zip(axes.flat, metrics, strict=False)):
        part = wide[wide["metric"] == metric]
        sns.scatterplot(data=part, x="mu_star", y="sigma", hue="road", style="parameter", palette=palette,
                        hue_order=[road_label(r) for r in roads], style_order=params, markers=markers, s=55, ax=ax,
                        legend=i == 0)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        top = float(np.nanmax(part[["mu_star", "sigma"]].to_numpy())) * 1.08 or 1.0
        ax.plot([0, top], [0, top], linestyle="--", color="grey", linewidth=0.8)
        ax.set_xlim(-0.02 * top, top)     # points on an axis stay visible
        ax.set_ylim(-0.02 * top, top)
        ax.set_title(metric_label(metric), fontsize=9)
        ax.set_xlabel("mu* (mean |elementary effect|)")
        ax.set_ylabel("sigma")
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    first = axes.flat[0]
    if first.get_legend() is not None:
        handles, labels = first.get_legend_handles_labels()
        first.get_legend().remove()
        fig.legend(handles, labels, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=8)
    fig.suptitle("Morris screening: importance (mu*) and non-linearity or interaction (sigma); dashed: sigma = mu*",
                 fontsize=11)
    fig.tight_layout()
    return save_figure(fig, out_dir, "sensitivity_morris_plane")


def save_figure(fig, out_dir: Path, name: str) -> list[Path]:
    """Save as PNG and SVG (as the sweep figures), legends outside the axes included; close it."""
    import matplotlib.pyplot as plt

    from sim.study.plots import FORMATS

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in FORMATS:
        paths.append(out_dir / f"{name}.{fmt}")
        fig.savefig(paths[-1], dpi=150, bbox_inches="tight")
    plt.close(fig)
    return paths


INDEX_LABELS = {"S1": "First-order Sobol index S1", "ST": "Total Sobol index ST", "S2": "Second-order Sobol index",
                "mu_star": "Morris mu*", "PRCC": "Partial rank correlation (PRCC)",
                "delta": "Moment-independent delta (Borgonovo)"}


def short_name(key: str) -> str:
    """``organisation.readiness`` -> ``readiness``; ``road.pressure`` stays as it is."""
    group, _, name = key.partition(".")
    return key if group == "road" or not name else name


def make_figures(result: pd.DataFrame, method: str, out_dir: Path) -> list[Path]:
    """The figures of one analysis: bars for each index of the method, and Morris's plane."""
    import seaborn as sns

    if result.empty:
        return []
    sns.set_theme(style="whitegrid", context="notebook", font_scale=0.85)
    paths: list[Path] = []
    for index in INDICES.get(method, []):
        paths += plot_index_bars(result, index, out_dir)
    if method == "morris":
        paths += plot_morris_plane(result, out_dir)
    return paths


# ---------------------------------------------------------------------- the whole thing
@dataclass
class Analysis:
    """The result of analysing a sweep folder."""

    sweep_dir: Path
    method: str
    table: pd.DataFrame
    figures: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def report(self) -> str:
        """A few lines for the console: the most influential parameter per road and metric, and where it all is."""
        lines = [f"[sim] sensitivity ({self.method}) of {self.table['metric'].nunique() if len(self.table) else 0} "
                 f"metrics in {self.sweep_dir}"]
        main = INDICES.get(self.method, ["ST"])[-1]
        top = self.table[self.table["index"] == main].copy()
        if len(top):
            lines.append(f"      the most influential parameter ({main}) for each metric, by road:")
            top["size"] = top["value"].abs()
            best = top.sort_values("size", ascending=False).groupby(["road", "metric"], sort=False).head(1)
            for road, part in best.groupby("road", sort=False):
                by_param = part.groupby("parameter", sort=False)["metric"].apply(", ".join)
                text = "; ".join(f"{short_name(p)} ({metrics})" for p, metrics in by_param.items())
                lines.append(f"        {road}: {text}")
        if self.skipped:
            lines.append(f"      no indices for {', '.join(self.skipped)} (the same value at every point)")
        lines.append(f"      table:   {self.sweep_dir / RESULT_TABLE}")
        if self.figures:
            lines.append(f"      figures: {self.sweep_dir / FIGURES_DIR}/sensitivity_* ({len(self.figures)} files)")
        return "\n".join(lines)


def default_metrics() -> list[str]:
    """The key metrics of the sweep figures (``sim.study.metrics.KEY_METRICS``)."""
    from sim.study.metrics import KEY_METRICS

    return list(KEY_METRICS)


def analyse(sweep_dir: Path | str, metrics: list[str] | None = None, outcome: str = "final", by_seed: bool = False,
            figures: bool = True) -> Analysis:
    """Analyse a design sweep: ``sensitivity.csv`` and the figures.

    Raises:
        NotAnalysable: not a design sweep, an incomplete one, or an unknown metric.

    Example:
        >>> result = analyse("results/sensitivity")     # doctest: +SKIP
        >>> result.table.query("index == 'mu_star'")     # doctest: +SKIP
    """
    if outcome not in OUTCOMES:
        raise NotAnalysable(f"outcome {outcome!r}: choose final or mean")
    sweep_dir = Path(sweep_dir)
    design = read_design(sweep_dir)
    outcomes = read_outcomes(sweep_dir, design, outcome)
    metrics = list(metrics or default_metrics())
    unknown = [m for m in metrics if m not in outcomes]
    if unknown:
        known = sorted(c for c in outcomes.columns if c not in design.table.columns and c not in ("road", "seed"))
        raise NotAnalysable(f"unknown metric {unknown[0]!r}; the metrics are: {', '.join(known)}")
    table = analyse_table(design, outcomes, metrics, by_seed=by_seed, outcome=outcome)
    table.to_csv(sweep_dir / RESULT_TABLE, index=False)
    skipped = [m for m in metrics if m not in set(table["metric"])]
    paths = make_figures(table, design.method, sweep_dir / FIGURES_DIR) if figures and not by_seed else []
    return Analysis(sweep_dir=sweep_dir, method=design.method, table=table, figures=paths, skipped=skipped)


@dataclass
class SyntheticSweep:
    """A design and an outcome table made without the model (for tests and examples)."""

    design: SweepDesign
    outcomes: pd.DataFrame


def synthetic_table(method: str, model, n: int, names=("a", "b", "c"), bounds=(0.0, 1.0), seed: int = 1,
                    **settings) -> SyntheticSweep:
    """A design of ``method`` over ``names`` and the outcome ``y = model(points)``: a known answer to recover.

    Example:
        >>> sweep = synthetic_table("morris", lambda x: 10 * x[:, 0], n=4, names=("a", "b"))
        >>> sweep.outcomes[["point", "y"]].shape
        (12, 2)
    """
    from sim.study.design import make_design
    from sim.study.ranges import ParameterRange

    made = make_design(method, [ParameterRange(k, *bounds) for k in names], n=n, seed=seed, **settings)
    frame = pd.DataFrame(made.points, columns=list(names))
    frame.insert(0, "point", range(len(frame)))
    frame.insert(0, "road", "status_quo")
    info = {**made.record(), "grid": {}, "fixed": []}
    return SyntheticSweep(SweepDesign(info, frame.drop(columns="road")), frame.assign(y=model(made.points)))


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.study.sensitivity SWEEP_DIR [--metrics ...] [--outcome final|mean] [--by-seed] [--no-figures]``."""
    parser = argparse.ArgumentParser(prog="python -m sim.study.sensitivity", description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep_dir", type=Path, help="the sweep folder of a design sweep (hydra/sweeper=design)")
    parser.add_argument("--metrics", nargs="+", metavar="METRIC",
                        help=f"outcome metrics (default: {', '.join(default_metrics())})")
    parser.add_argument("--outcome", choices=OUTCOMES, default="final",
                        help="the metric's value in the last week (final, default) or its mean over the run")
    parser.add_argument("--by-seed", action="store_true", help="analyse each seed apart (no figures)")
    parser.add_argument("--no-figures", action="store_true", help="write the table only")
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"error: {args.sweep_dir} is not a folder", file=sys.stderr)
        return 2
    try:
        result = analyse(args.sweep_dir, metrics=args.metrics, outcome=args.outcome, by_seed=args.by_seed,
                         figures=not args.no_figures)
    except NotAnalysable as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(result.report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
