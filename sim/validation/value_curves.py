"""The curves of the value trade-off (issue 23, item 2): outcomes against each reward weight.

For each of the three reward weights (levers ``kpi_customer``, ``kpi_efficiency`` and
``kpi_profit``; the policy normalises them to sum 1) the weight ``w`` is held on a grid over
[0, 1] from week 1, the other two sharing ``1 - w`` equally, by a ``custom`` road. Each run
gives three outcomes: profit summed over weeks 1..W (five years at 260 weeks), mean customer
centricity over the same weeks and satisfaction in the final week; each also as a paired
difference against the status quo on the same seeds (common random numbers), with a 95%
interval across seeds. This is done for the default organisation and the three named
scenarios, each at its own proportions with its sizes scaled by one factor.

For each curve the grid weight with the best mean outcome is reported (the *argmax*), with
how sure it is: the share of bootstrap resamples of the seeds (whole seeds, so pairs stay
paired) that put the best at the same weight, and the 95% range of the resampled argmax.
Theory (DOMAIN.md, "The tension") says the customer weight that pays best lies strictly
inside its range and below the one that satisfies best.

A second part draws a Latin hypercube over the conditions theory names (customisation need,
basket against a fixed wage, churn sensitivity, front-line capacity), finds the profit-best
customer weight at each point, and reports its Spearman rank correlation with each condition
beside the sign theory expects. Nothing is tuned: the report says what the model does.

``python -m sim.validation.value_curves [--scale quick|full] [--out docs] [--jobs N]`` runs
everything and writes ``docs/VALUE_CURVES.md`` with ``docs/figures/value_curves.png`` and
``docs/figures/value_curves_design.png``.

Example:
    >>> reward_schedule("kpi_profit", 0.6).iloc[0].to_dict()
    {'week': 1.0, 'kpi_customer': 0.2, 'kpi_efficiency': 0.2, 'kpi_profit': 0.6}
    >>> PROFILES["full"].curves.seeds > PROFILES["quick"].curves.seeds
    True
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import seaborn as sns
from joblib import Parallel, delayed
from matplotlib.figure import Figure

import sim
from sim.kernels import warm_up
from sim.levers import BASELINE_KPI
from sim.model import CentricityModel
from sim.params import Organisation, describe
from sim.study.design import make_design
from sim.study.plots import ROAD_COLOURS
from sim.study.ranges import ParameterRange
from sim.study.stats import t_interval as interval
from sim.validation.report import fmt, git_state, markdown_table, mean_ci, run_meta
from sim.validation.report import parse as report_parse

#: The three reward weights, as levers, with the value each rewards.
WEIGHTS: dict[str, str] = {"kpi_customer": "customer", "kpi_efficiency": "efficiency", "kpi_profit": "profit"}
WEIGHT_COLOURS = {"kpi_customer": "#009E73", "kpi_efficiency": "#0072B2", "kpi_profit": "#E69F00"}
STATUS_QUO = "status_quo"
STATUS_QUO_MIX = " / ".join(f"{x:g}" for x in BASELINE_KPI)   # business as usual's rewards: customer / efficiency / profit

#: The outcomes of a run and their words.
OUTCOMES: dict[str, str] = {"profit": "cumulative profit", "centricity": "mean customer centricity",
                            "satisfaction": "final satisfaction"}

#: The organisations: the model's default and the named scenarios (configs/scenario/).
ORGANISATIONS = ("default", "retail_bank", "subscription_software", "industrial_b2b")
GRID = tuple(round(0.1 * i, 1) for i in range(11))

#: The conditions theory names for where the customer weight pays (DOMAIN.md, "The tension"), their
#: ranges in the design, and the sign theory expects for their rank correlation with the
#: profit-best customer weight, with the reason.
CONDITIONS: dict[str, tuple[float, float, str]] = {
    "customers.customisation_need": (0.5, 1.8, "+: the more a customer's job needs a customised answer, the more a "
                                               "decision for the customer is worth (Anderson, Fornell & Rust 1997)"),
    "customers.basket": (120.0, 400.0, "+: a higher margin per customer (basket against a fixed wage) makes a kept "
                                       "customer worth more than the time and concessions kept them"),
    "customers.churn_sensitivity": (1.5, 5.0, "+: where churn answers experience sharply, a better experience keeps "
                                              "more revenue"),
    "organisation.contacts_per_employee": (4.0, 9.0, "+: with more spare front-line capacity, the time a decision for "
                                                     "the customer takes is lost by no other contact"),
}
EXPECTED_SIGN = +1   # every condition above is expected to raise the profit-best customer weight


# ------------------------------------------------------------------------------- scales
@dataclass(frozen=True)
class CurveScale:
    """How the curves are run: organisations, their size factor, seeds, weeks and the grid."""

    size: float = 0.4                     # multiplies each organisation's n_employees and n_customers
    seeds: int = 12
    weeks: int = 260
    burn_in_weeks: int = 52
    grid: tuple[float, ...] = GRID
    organisations: tuple[str, ...] = ORGANISATIONS
    weights: tuple[str, ...] = tuple(WEIGHTS)


@dataclass(frozen=True)
class DesignScale:
    """How the design is run: points of the Latin hypercube, seeds, a small population, the customer-weight grid."""

    points: int = 24
    seeds: int = 3
    n_employees: int = 60
    n_customers: int = 1000
    weeks: int = 260
    burn_in_weeks: int = 52
    grid: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    sampler_seed: int = 23


@dataclass(frozen=True)
class Profile:
    """A named scale of the whole report."""

    name: str
    curves: CurveScale
    design: DesignScale
    note: str = ""


PROFILES = {
    # Organisations at 0.4 of their own sizes (the default: 120 employees, 2,000 customers), 12 paired
    # seeds. At the default organisation the profit-best customer weight of any 4 of 24 seeds lay
    # within 0.1 of that of all 24 (measured at commit 3f4f228); 12 make the curves' bands narrow.
    # About 600 s of CPU in all (0.3 s a run): 5-6 minutes on 2 idle cores.
    "full": Profile("full", CurveScale(), DesignScale()),
    # Tiny, for the tests of the mechanics: the numbers mean nothing at this scale.
    "quick": Profile("quick", CurveScale(size=0.1, seeds=2, weeks=26, burn_in_weeks=8, grid=(0.0, 0.5, 1.0)),
                     DesignScale(points=7, seeds=1, n_employees=20, n_customers=200, weeks=26, burn_in_weeks=8,
                                 grid=(0.0, 0.5, 1.0)),
                     note="Quick scale checks the command, not the model: its numbers mean nothing."),
}


# ------------------------------------------------------------------------------- runs
def reward_schedule(weight: str, w: float) -> pd.DataFrame:
    """A ``custom`` road's schedule holding ``weight`` at ``w`` from week 1, the other two at ``(1 - w) / 2``.

    Example:
        >>> reward_schedule("kpi_customer", 0.5)
           week  kpi_customer  kpi_efficiency  kpi_profit
        0     1           0.5            0.25        0.25
    """
    if weight not in WEIGHTS:
        raise ValueError(f"unknown reward weight {weight!r}; one of {', '.join(WEIGHTS)}")
    rest = (1.0 - w) / 2
    return pd.DataFrame({"week": [1], **{k: [float(w) if k == weight else rest] for k in WEIGHTS}})


def organisation_params(name: str, size: float = 1.0) -> dict:
    """Model keyword arguments of an organisation (``default`` or a scenario), its sizes times ``size``.

    The scenario is read by the page's loader (:func:`sim.page.explorer.load_scenarios`), which
    validates it; sizes stay at least the model's lower bounds.

    Example:
        >>> p = organisation_params("retail_bank", 0.4)
        >>> p["n_employees"], p["n_customers"], p["wage"]
        (240, 6000, 800.0)
        >>> organisation_params("default", 0.4)
        {'n_employees': 120, 'n_customers': 2000}
    """
    from sim.page.explorer import load_scenarios

    scenarios = load_scenarios()
    if name not in scenarios:
        problem = load_scenarios.problems.get(name, "no such scenario in configs/scenario/")
        raise ValueError(f"organisation {name!r}: {problem}")
    params = dict(scenarios[name].overrides)
    spec = describe(Organisation)
    for key in ("n_employees", "n_customers"):
        base = params.get(key, spec[key]["default"])
        params[key] = max(spec[key]["low"], round(base * size))
    return params


def outcomes(results: pd.DataFrame, weeks: int) -> dict[str, float]:
    """The three outcomes of a run's ``results()`` (week 0 first) over weeks 1..``weeks``.

    Example:
        >>> r = pd.DataFrame({"profit": [9.0, 1.0, 2.0], "customer_centricity": [0.0, 0.4, 0.6],
        ...                   "satisfaction": [0.5, 0.6, 0.7]})
        >>> outcomes(r, 2)
        {'profit': 3.0, 'centricity': 0.5, 'satisfaction': 0.7}
    """
    run = results.iloc[1:weeks + 1]
    return {"profit": float(run["profit"].sum()), "centricity": float(run["customer_centricity"].mean()),
            "satisfaction": float(run["satisfaction"].iloc[-1])}


def run_arms(params: dict, seed: int, arms: list[tuple[str, float]], weeks: int) -> list[dict]:
    """Run each arm (a reward weight and its value, or the status quo) on one seed; one row of outcomes each.

    The arms of a seed share its burn-in (:meth:`CentricityModel.settled`).
    """
    rows = []
    for weight, w in arms:
        if weight == STATUS_QUO:
            model = CentricityModel.settled(seed=seed, **params)
        else:
            model = CentricityModel.settled(road="custom", road_params={"schedule": reward_schedule(weight, w)},
                                            seed=seed, **params)
        model.run(weeks)
        rows.append({"weight": weight, "w": w, "seed": seed, **outcomes(model.results(), weeks)})
    return rows


def _parallel(tasks: list, jobs: int) -> list[dict]:
    warm_up()   # compiled once here: the workers load the kernels from the cache
    if jobs == 1:
        out = [run_arms(*t) for t in tasks]
    else:
        out = Parallel(n_jobs=jobs, backend="loky", batch_size=1)(delayed(run_arms)(*t) for t in tasks)
    return [row for rows in out for row in rows]


def curves(scale: CurveScale, jobs: int = 1) -> pd.DataFrame:
    """Every organisation's runs: one row per organisation, arm and seed (status quo rows have ``w`` NaN).

    Columns: organisation, weight, w, seed, profit, centricity, satisfaction, and the paired
    differences against the status quo on the same seed (``d_profit``, ...).

    Example (a few seconds):
        >>> tiny = CurveScale(size=0.1, seeds=1, weeks=4, burn_in_weeks=0, grid=(0.0, 1.0),
        ...                   organisations=("default",), weights=("kpi_customer",))
        >>> curves(tiny)[["weight", "w", "seed"]].to_records(index=False).tolist()
        [('status_quo', nan, 0), ('kpi_customer', 0.0, 0), ('kpi_customer', 1.0, 0)]
    """
    arms = [(STATUS_QUO, np.nan)] + [(weight, w) for weight in scale.weights for w in scale.grid]
    params = {name: {**organisation_params(name, scale.size), "burn_in_weeks": scale.burn_in_weeks}
              for name in scale.organisations}
    # One task per organisation and seed, so its arms share the burn-in; the largest customer bases
    # first, so that the workers finish close together.
    order = sorted(((name, s) for name in scale.organisations for s in range(scale.seeds)),
                   key=lambda t: -params[t[0]]["n_customers"])
    rows = _parallel([(params[name], s, arms, scale.weeks) for name, s in order], jobs)
    frame = pd.DataFrame(rows).assign(organisation=np.repeat([name for name, _ in order], len(arms)))
    frame["organisation"] = pd.Categorical(frame.organisation, categories=list(scale.organisations))
    frame = frame.sort_values(["organisation", "seed"], kind="stable").reset_index(drop=True)
    frame["organisation"] = frame.organisation.astype(str)
    frame = frame[["organisation", "weight", "w", "seed", *OUTCOMES]]
    return paired_differences(frame)


def paired_differences(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``d_<outcome>``: each run minus the status quo of its organisation on the same seed.

    Example:
        >>> f = pd.DataFrame({"organisation": "o", "weight": ["status_quo", "kpi_customer"], "w": [np.nan, 1.0],
        ...                   "seed": 0, "profit": [5.0, 7.0], "centricity": [0.4, 0.5], "satisfaction": [0.6, 0.6]})
        >>> paired_differences(f).d_profit.tolist()
        [0.0, 2.0]
    """
    base = frame[frame.weight == STATUS_QUO].set_index(["organisation", "seed"])[list(OUTCOMES)]
    keyed = frame.set_index(["organisation", "seed"])
    diffs = keyed[list(OUTCOMES)] - base.reindex(keyed.index).to_numpy()
    out = frame.copy()
    for name in OUTCOMES:
        out[f"d_{name}"] = diffs[name].to_numpy()
    return out


# ------------------------------------------------------------------------------- the argmax
@dataclass
class Best:
    """The grid value with the best mean across seeds, and how sure: bootstrap over seeds."""

    at: float                  # argmax of the mean curve (the lowest weight on a tie)
    share: float               # share of bootstrap resamples with the same argmax
    low: float                 # 2.5% and 97.5% points of the resampled argmax (grid values)
    high: float
    draws: np.ndarray = field(repr=False, default_factory=lambda: np.array([]))   # the resampled argmaxes

    def text(self) -> str:
        """'0.400 (72%; 0.300-0.500)': the argmax, the share of resamples agreeing, their 95% range."""
        span = fmt(self.at) if self.low == self.high else f"{fmt(self.low)}-{fmt(self.high)}"
        return f"{fmt(self.at)} ({100 * self.share:.0f}%; {span})"


def bootstrap_indices(n_seeds: int, draws: int = 2000, seed: int = 0) -> np.ndarray:
    """``draws`` resamples (with replacement) of ``n_seeds`` seed positions, one row each; row 0 is the sample itself.

    Example:
        >>> idx = bootstrap_indices(3, draws=4)
        >>> idx.shape, idx[0].tolist()
        ((4, 3), [0, 1, 2])
    """
    idx = np.random.default_rng(seed).integers(0, n_seeds, size=(draws, n_seeds))
    idx[0] = np.arange(n_seeds)
    return idx


def best_on_grid(frame: pd.DataFrame, y: str, x: str = "w", indices: np.ndarray | None = None) -> Best:
    """Where on the grid ``x`` the mean of ``y`` across seeds is highest, and how sure (resampled seeds).

    ``frame`` has one row per seed and grid value (columns ``seed``, ``x``, ``y``); seeds
    missing a grid value are dropped. Passing the same ``indices`` to several calls resamples
    the same seeds for each, so their argmaxes can be compared draw by draw.

    Example:
        >>> f = pd.DataFrame({"seed": [0, 0, 0, 1, 1, 1], "w": [0.0, 0.5, 1.0] * 2,
        ...                   "profit": [1.0, 3.0, 2.0, 1.0, 2.5, 2.6]})
        >>> b = best_on_grid(f, "profit")
        >>> b.at, b.low, b.high
        (0.5, 0.5, 1.0)
    """
    wide = frame.pivot_table(index="seed", columns=x, values=y).dropna().sort_index(axis=1)
    grid, values = wide.columns.to_numpy(dtype=float), wide.to_numpy()
    if indices is None:
        indices = bootstrap_indices(len(values))
    draws = grid[np.argmax(values[indices].mean(axis=1), axis=1)]
    at = float(grid[np.argmax(values.mean(axis=0))])
    low, high = np.quantile(draws, [0.025, 0.975], method="inverted_cdf")
    return Best(at, float(np.mean(draws == at)), float(low), float(high), draws)


@dataclass
class TradeOff:
    """One curve's argmaxes: profit, centricity and satisfaction; the checks of issue 23."""

    organisation: str
    weight: str
    profit: Best
    centricity: Best
    satisfaction: Best

    @property
    def inside(self) -> bool:
        """The profit-best weight lies strictly inside (0, 1)."""
        return 0.0 < self.profit.at < 1.0

    @property
    def satisfaction_not_below(self) -> bool:
        """The satisfaction-best weight is at least the profit-best one."""
        return self.satisfaction.at >= self.profit.at

    @property
    def satisfaction_above(self) -> bool:
        """The satisfaction-best weight is above the profit-best one."""
        return self.satisfaction.at > self.profit.at

    @property
    def share_inside(self) -> float:
        """Share of resamples whose profit-best weight is strictly inside (0, 1)."""
        return float(np.mean((self.profit.draws > 0) & (self.profit.draws < 1)))

    @property
    def share_above(self) -> float:
        """Share of resamples (the same seeds for both) whose satisfaction-best weight is above the profit-best."""
        return float(np.mean(self.satisfaction.draws > self.profit.draws))


def trade_off(frame: pd.DataFrame, organisation: str = "default", weight: str = "kpi_customer",
              draws: int = 2000) -> TradeOff:
    """The argmaxes of one organisation's curve for one reward weight (rows of :func:`curves`).

    Example:
        >>> f = pd.DataFrame({"organisation": "o", "weight": "kpi_customer", "seed": [0, 0, 1, 1],
        ...                   "w": [0.0, 1.0] * 2, "profit": [2.0, 1.0, 2.0, 1.5],
        ...                   "centricity": [0.3, 0.6, 0.3, 0.6], "satisfaction": [0.6, 0.7, 0.6, 0.7]})
        >>> t = trade_off(f, "o")
        >>> t.profit.at, t.satisfaction.at, t.inside, t.satisfaction_above
        (0.0, 1.0, False, True)
    """
    rows = frame[(frame.organisation == organisation) & (frame.weight == weight)]
    if rows.empty:
        raise ValueError(f"no runs of {organisation!r} for {weight!r}")
    idx = bootstrap_indices(rows.seed.nunique(), draws)
    return TradeOff(organisation, weight, *(best_on_grid(rows, y, indices=idx) for y in OUTCOMES))


def trade_offs(frame: pd.DataFrame) -> list[TradeOff]:
    """:func:`trade_off` for every organisation and reward weight of ``frame``, in its order."""
    runs = frame[frame.weight != STATUS_QUO]
    return [trade_off(frame, o, w) for o in runs.organisation.unique() for w in runs.weight.unique()]


# ------------------------------------------------------------------------------- the design
def design_points(scale: DesignScale) -> pd.DataFrame:
    """The Latin hypercube over :data:`CONDITIONS` (the same points for the same sampler seed).

    Example:
        >>> d = design_points(DesignScale(points=8))
        >>> d.shape, bool(d["customers.basket"].between(120, 400).all())
        ((8, 5), True)
    """
    ranges = [ParameterRange(key, low, high) for key, (low, high, _) in CONDITIONS.items()]
    design = make_design("lhs", ranges, scale.points, seed=scale.sampler_seed)
    return pd.DataFrame(design.points, columns=design.names).rename_axis("point").reset_index()


def design_runs(scale: DesignScale, jobs: int = 1) -> pd.DataFrame:
    """Every design point's runs along the customer-weight grid: one row per point, weight and seed."""
    points = design_points(scale)
    arms = [("kpi_customer", w) for w in scale.grid]
    tasks, labels = [], []
    for _, point in points.iterrows():
        params = {"n_employees": scale.n_employees, "n_customers": scale.n_customers,
                  "burn_in_weeks": scale.burn_in_weeks, **{k.split(".", 1)[1]: float(point[k]) for k in CONDITIONS}}
        for s in range(scale.seeds):
            tasks.append((params, s, arms, scale.weeks))
            labels.append(int(point.point))
    rows = pd.DataFrame(_parallel(tasks, jobs)).assign(point=np.repeat(labels, len(arms)))
    return rows.merge(points, on="point")


def quadratic_best(w: np.ndarray, y: np.ndarray) -> float:
    """The weight in [0, 1] where a quadratic fitted to ``y`` against ``w`` is highest (a smoothed argmax).

    Example:
        >>> w = np.linspace(0, 1, 6)
        >>> round(quadratic_best(w, -(w - 0.3) ** 2), 3), quadratic_best(w, w)
        (0.3, 1.0)
    """
    c2, c1, c0 = np.polyfit(w, y, 2)
    candidates = [0.0, 1.0] + ([-c1 / (2 * c2)] if c2 < 0 and 0 < -c1 / (2 * c2) < 1 else [])
    return float(max(candidates, key=lambda v: np.polyval([c2, c1, c0], v)))


def design_best(runs: pd.DataFrame) -> pd.DataFrame:
    """Per design point: its conditions, the profit-best customer weight on the grid (and how sure), and smoothed."""
    rows = []
    for point, d in runs.groupby("point"):
        best = best_on_grid(d, "profit")
        mean = d.groupby("w").profit.mean()
        rows.append({"point": point, **{k: d[k].iloc[0] for k in CONDITIONS}, "profit_best": best.at,
                     "share": best.share, "profit_best_smoothed": quadratic_best(mean.index.to_numpy(), mean.to_numpy()),
                     "profit_at_best": float(mean.max())})
    return pd.DataFrame(rows)


def correlations(best: pd.DataFrame, column: str = "profit_best") -> pd.DataFrame:
    """Spearman rank correlation of ``column`` with each condition, the sign theory expects and whether it agrees.

    A constant column (the same best weight at every point) has no rank correlation: NaN.

    Example:
        >>> b = pd.DataFrame({k: np.arange(5.0) for k in CONDITIONS}).assign(profit_best=[0, .2, .2, .6, 1])
        >>> correlations(b).rho.round(3).tolist()
        [0.975, 0.975, 0.975, 0.975]
    """
    from scipy.stats import spearmanr

    rows = []
    for key, (_, _, why) in CONDITIONS.items():
        if best[column].nunique() < 2 or best[key].nunique() < 2:
            rho, p = np.nan, np.nan
        else:
            rho, p = (float(v) for v in spearmanr(best[key], best[column]))
        agrees = "n/a" if not np.isfinite(rho) else ("yes" if np.sign(rho) == EXPECTED_SIGN else "no")
        rows.append({"condition": key, "rho": rho, "p": p, "expected": "+" if EXPECTED_SIGN > 0 else "-",
                     "agrees": agrees, "why": why})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------- tables
def curve_table(frame: pd.DataFrame, organisation: str) -> pd.DataFrame:
    """One organisation's curves: per reward weight and grid value, the mean outcomes and the paired differences.

    Profit is in millions; the differences are mean [95% interval across seeds] against the status quo.
    """
    rows = []
    org = frame[frame.organisation == organisation]
    sq = org[org.weight == STATUS_QUO]
    rows.append({"reward weight": f"status quo ({STATUS_QUO_MIX})", "w": "", "profit (M)": fmt(sq.profit.mean() / 1e6),
                 "Δ profit (M)": "", "centricity": fmt(sq.centricity.mean()), "Δ centricity": "",
                 "satisfaction": fmt(sq.satisfaction.mean()), "Δ satisfaction": ""})
    for weight in (w for w in WEIGHTS if w in set(org.weight)):
        for w, d in org[org.weight == weight].groupby("w"):
            rows.append({"reward weight": WEIGHTS[weight], "w": fmt(w), "profit (M)": fmt(d.profit.mean() / 1e6),
                         "Δ profit (M)": mean_ci(d.d_profit / 1e6), "centricity": fmt(d.centricity.mean()),
                         "Δ centricity": mean_ci(d.d_centricity), "satisfaction": fmt(d.satisfaction.mean()),
                         "Δ satisfaction": mean_ci(d.d_satisfaction)})
    return pd.DataFrame(rows)


def best_table(found: list[TradeOff]) -> pd.DataFrame:
    """Per organisation and reward weight: the best weight for each outcome (bootstrap share; 95% range)."""
    return pd.DataFrame([{
        "organisation": t.organisation, "reward weight": WEIGHTS[t.weight],
        "profit-best w": t.profit.text(), "centricity-best w": t.centricity.text(),
        "satisfaction-best w": t.satisfaction.text(),
        "profit-best inside (0, 1)": f"{'yes' if t.inside else 'no'} ({100 * t.share_inside:.0f}%)",
        "satisfaction-best above profit-best": f"{'yes' if t.satisfaction_above else 'no'} ({100 * t.share_above:.0f}%)",
    } for t in found])


def design_table(best: pd.DataFrame) -> pd.DataFrame:
    """The design's points with their profit-best customer weight, rounded for reading."""
    out = best.rename(columns={k: k.split(".", 1)[1] for k in CONDITIONS})
    out["profit-best w (share)"] = [f"{fmt(b)} ({100 * s:.0f}%)" for b, s in zip(out.profit_best, out.share, strict=True)]
    out["smoothed"] = out.profit_best_smoothed.map(fmt)
    out["profit at best (M)"] = (out.profit_at_best / 1e6).map(fmt)
    return out.drop(columns=["profit_best", "share", "profit_best_smoothed", "profit_at_best"])


def correlation_table(best: pd.DataFrame) -> pd.DataFrame:
    """The rank correlations of the grid and the smoothed profit-best weight with each condition."""
    grid, smooth = correlations(best, "profit_best"), correlations(best, "profit_best_smoothed")
    return pd.DataFrame({
        "condition": grid.condition.map(lambda k: f"`{k}`"),
        "range": [f"{fmt(lo)}-{fmt(hi)}" for lo, hi, _ in CONDITIONS.values()],
        "expected sign": grid.expected,
        "Spearman rho, profit-best w (p)": [_rho(r, p) for r, p in zip(grid.rho, grid.p, strict=True)],
        "agrees": grid.agrees,
        "rho, smoothed (p)": [_rho(r, p) for r, p in zip(smooth.rho, smooth.p, strict=True)],
        "agrees ": smooth.agrees,
        "why theory expects it": grid.why,
    })


def _rho(rho: float, p: float) -> str:
    return "n/a" if not np.isfinite(rho) else f"{rho:+.2f} ({p:.2f})"


# ------------------------------------------------------------------------------- figures
def figure_curves(frame: pd.DataFrame) -> Figure:
    """A row per organisation, a column per outcome, against the weight: a line per reward weight.

    Each line is the mean paired difference against the status quo on the same seeds, with its
    95% band across seeds: the levels differ much more between seeds (each seed is another draw
    of the organisation) than between weights, and a band of levels would hide the curve's shape.
    """
    orgs = list(frame.organisation.unique())
    fig = Figure(figsize=(13, 3.0 * len(orgs) + 1.0), layout="constrained")
    axes = fig.subplots(len(orgs), len(OUTCOMES), squeeze=False, sharex=True)
    runs = frame[frame.weight != STATUS_QUO]
    runs = runs.assign(d_profit=runs.d_profit / 1e6, weight_label=runs.weight.map(WEIGHTS))
    palette = {WEIGHTS[k]: c for k, c in WEIGHT_COLOURS.items()}
    labels = ("profit (M)", "centricity", "satisfaction")
    for row, org in zip(axes, orgs, strict=True):
        for ax, y, label in zip(row, OUTCOMES, labels, strict=True):
            sns.lineplot(data=runs[runs.organisation == org], x="w", y=f"d_{y}", hue="weight_label", palette=palette,
                         errorbar=interval, marker="o", markersize=4, ax=ax, legend=False)
            ax.axhline(0.0, color=ROAD_COLOURS[STATUS_QUO], ls="--", lw=1)
            ax.set(xlabel="", ylabel=f"{org}\n{label}" if y == "profit" else label)
    titles = ("cumulative profit", "mean customer centricity", "final satisfaction")
    for ax, title in zip(axes[0], titles, strict=True):
        ax.set_title(f"{title}\nminus the status quo (same seeds)", fontweight="bold")
    for ax in axes[-1]:
        ax.set_xlabel("reward weight w (the other two share 1 - w)")
    handles = [axes[0][0].plot([], [], color=c, marker="o", label=f"{WEIGHTS[k]} weight")[0]
               for k, c in WEIGHT_COLOURS.items()]
    handles.append(axes[0][0].plot([], [], color=ROAD_COLOURS[STATUS_QUO], ls="--", label=f"status quo ({STATUS_QUO_MIX})")[0])
    fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)
    fig.suptitle("Outcomes against each reward weight: paired difference, mean across seeds and 95% band",
                 fontweight="bold")
    return fig


def figure_design(best: pd.DataFrame) -> Figure:
    """The profit-best customer weight at each design point against each condition."""
    fig = Figure(figsize=(13, 3.6), layout="constrained")
    axes = fig.subplots(1, len(CONDITIONS), sharey=True)
    corr = correlations(best).set_index("condition")
    jitter = np.random.default_rng(0).uniform(-0.015, 0.015, len(best))   # ties on the grid stay visible
    for ax, key in zip(axes, CONDITIONS, strict=True):
        ax.scatter(best[key], best.profit_best + jitter, color=WEIGHT_COLOURS["kpi_customer"], s=22,
                   label="best on the grid")
        ax.scatter(best[key], best.profit_best_smoothed, color="black", marker="x", s=18, label="smoothed (quadratic)")
        rho = corr.loc[key, "rho"]
        ax.set(xlabel=key, title=f"Spearman rho = {'n/a' if not np.isfinite(rho) else f'{rho:+.2f}'} (expected +)")
    axes[0].set_ylabel("profit-best customer weight")
    axes[0].legend(fontsize=8)
    fig.suptitle("Where the customer weight pays best, across the design", fontweight="bold")
    return fig


# ------------------------------------------------------------------------------- report
def header(profile: Profile, meta: dict) -> list[str]:
    c, d = profile.curves, profile.design
    sizes = ", ".join(f"{o} {p['n_employees']:,} / {p['n_customers']:,}"
                      for o, p in ((o, organisation_params(o, c.size)) for o in c.organisations))
    lines = [
        "# The curves of the value trade-off",
        "",
        "<!-- Generated by `python -m sim.validation.value_curves`; do not edit by hand. -->",
        "",
        "Issue 23, item 2: profit, centricity and satisfaction against each reward weight (levers `kpi_customer`, "
        "`kpi_efficiency`, `kpi_profit`). A `custom` road holds one weight at `w` from week 1 and gives the other "
        f"two `(1 - w) / 2` each; the status quo rewards {STATUS_QUO_MIX} (customer / efficiency / profit). Every "
        "run of a seed shares its burn-in and its random events (common random numbers), so the differences "
        "against the status quo are paired. "
        "Intervals are 95% t intervals of the mean across seeds. The best weight for an outcome is the grid value "
        "with the highest mean across seeds (the lower one on a tie), shown as `w (share; range)`: the share of "
        "2,000 bootstrap resamples of the seeds that put the best at the same `w`, and the 95% range of the "
        "resampled best. Defined in `sim/validation/value_curves.py`; the numbers are reported as found, never "
        "tuned.",
        "",
        f"- **Generated by:** `{meta['command']}`",
        f"- **Date:** {meta['date']}",
        f"- **Commit:** {meta['git']}; package `centricity-sim` {sim.__version__}; Python {platform.python_version()}"
        + ("" if meta.get("git_end", meta["git"]) == meta["git"] else
           f". **The work tree changed during the run** (at the end: {meta['git_end']}); rerun for a clean report"),
        f"- **Scale ({profile.name}):** curves: each organisation at {c.size:g} of its own sizes (employees / "
        f"customers: {sizes}), {c.seeds} paired seeds, {c.weeks} weeks after a {c.burn_in_weeks}-week burn-in, "
        f"weights {', '.join(fmt(w) for w in c.grid)}. Design: {d.points} Latin-hypercube points (sampler seed "
        f"{d.sampler_seed}), {d.seeds} paired seed(s), {d.n_employees:,} employees / {d.n_customers:,} customers, "
        f"{d.weeks} weeks, customer weights {', '.join(fmt(w) for w in d.grid)}.",
        f"- **Wall time:** {meta['wall']:.0f} s on {meta['jobs']} worker process(es), {os.cpu_count()} cores "
        f"(curves {meta['wall_curves']:.0f} s, design {meta['wall_design']:.0f} s); load average "
        f"{meta['load_start']:.2f} at the start, {meta['load_end']:.2f} at the end.",
        "",
    ]
    if profile.note:
        lines += [f"> {profile.note}", ""]
    return lines


def verdict_lines(found: list[TradeOff]) -> list[str]:
    """The check of issue 23 at the default organisation, and the customer weight's argmaxes everywhere."""
    lines = ["## The check", ""]
    default = next((t for t in found if t.organisation == "default" and t.weight == "kpi_customer"), None)
    if default is not None:
        ok = default.inside and default.satisfaction_not_below
        lines += [f"At the default organisation the customer weight that maximises profit is **{fmt(default.profit.at)}** "
                  f"({'strictly inside' if default.inside else 'not strictly inside'} (0, 1); "
                  f"{100 * default.share_inside:.0f}% of resamples inside) and the one that maximises satisfaction is "
                  f"**{fmt(default.satisfaction.at)}** ({'at least' if default.satisfaction_not_below else 'below'} "
                  f"the profit-best; above it in {100 * default.share_above:.0f}% of resamples). "
                  f"**{'✓ Holds' if ok else '✗ Fails'}** (the test: `tests/validation/test_value_curves.py`).", ""]
    lines += ["The customer weight in every organisation:", ""]
    lines += [f"- **{t.organisation}**: profit-best {t.profit.text()}, satisfaction-best {t.satisfaction.text()}; "
              f"profit-best inside (0, 1): {'yes' if t.inside else 'no'}; satisfaction-best above it: "
              f"{'yes' if t.satisfaction_above else 'no'}."
              for t in found if t.weight == "kpi_customer"]
    return lines + [""]


def write_report(frame: pd.DataFrame, design: pd.DataFrame, profile: Profile, out: Path, meta: dict) -> Path:
    """Draw the figures and write ``out/VALUE_CURVES.md``; returns its path."""
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    found = trade_offs(frame)
    best = design_best(design)
    figure_curves(frame).savefig(figures / "value_curves.png", dpi=100, bbox_inches="tight", pad_inches=0.15)
    figure_design(best).savefig(figures / "value_curves_design.png", dpi=100, bbox_inches="tight", pad_inches=0.15)
    meta = {**meta, "wall": time.perf_counter() - meta["start"], "load_end": os.getloadavg()[0], "git_end": git_state()}
    c = profile.curves
    lines = header(profile, meta) + verdict_lines(found)
    lines += ["## The best weights", "",
              "Per organisation and reward weight, the best grid weight for each outcome, `w (share of resamples "
              "agreeing; 95% range of the resampled best)`; the last two columns give in brackets the share of "
              "resamples in which the statement holds.", "", markdown_table(best_table(found)), "",
              "![Outcomes against each reward weight](figures/value_curves.png)", ""]
    lines += ["## The curves", "",
              f"Per organisation: the mean outcomes at each weight and the paired difference against the status quo, "
              f"mean [95% interval across {c.seeds} seeds]. Profit is summed over weeks 1-{c.weeks}, in millions; "
              f"centricity is the mean over the same weeks; satisfaction is the final week's.", ""]
    for org in frame.organisation.unique():
        lines += [f"### {org}", "", markdown_table(curve_table(frame, org)), ""]
    d = profile.design
    lines += ["## Where the customer weight pays: the design", "",
              f"A Latin hypercube of {d.points} points over the four conditions below (the other parameters at the "
              f"default organisation's values, wage {fmt(describe(Organisation)['wage']['default'])} per employee-week "
              f"fixed), each run at customer weights {', '.join(fmt(w) for w in d.grid)} on {d.seeds} paired seed(s). "
              "At each point the profit-best customer weight is the grid weight with the highest mean cumulative "
              "profit; the smoothed one is the top of a quadratic fitted to the mean profit curve (within [0, 1]), "
              "which ties less often. Theory expects each condition to raise it (DOMAIN.md, \"The tension\"). "
              "Spearman rank correlations across the points, p-values in brackets:", "",
              markdown_table(correlation_table(best)), "",
              f"The profit-best customer weight is 0 at {int((best.profit_best == 0).sum())} of {len(best)} points, "
              f"strictly inside (0, 1) at {int(best.profit_best.between(0, 1, inclusive='neither').sum())} and 1 at "
              f"{int((best.profit_best == 1).sum())}.", "",
              "![The profit-best customer weight against the conditions](figures/value_curves_design.png)", "",
              "<details><summary>The design's points</summary>", "", markdown_table(design_table(best)), "",
              "</details>", ""]
    report = out / "VALUE_CURVES.md"
    report.write_text("\n".join(lines))
    return report


# ------------------------------------------------------------------------------- command
def parse(argv: list[str] | None) -> argparse.Namespace:
    return report_parse(argv, "python -m sim.validation.value_curves", __doc__, "VALUE_CURVES.md", PROFILES)


def main(argv: list[str] | None = None) -> Path:
    """Run the curves and the design, write the report and its figures; return the report's path.

    Example (a few seconds):
        >>> main(["--scale", "quick", "--out", "/tmp/value_curves", "--jobs", "2"])  # doctest: +SKIP
        PosixPath('/tmp/value_curves/VALUE_CURVES.md')
    """
    args = parse(argv)
    profile = PROFILES[args.scale]
    sns.set_theme(style="whitegrid", context="notebook", font_scale=0.9)
    meta = run_meta("python -m sim.validation.value_curves", argv, args.jobs)
    frame = curves(profile.curves, meta["jobs"])
    meta["wall_curves"] = time.perf_counter() - meta["start"]
    design = design_runs(profile.design, meta["jobs"])
    meta["wall_design"] = time.perf_counter() - meta["start"] - meta["wall_curves"]
    report = write_report(frame, design, profile, args.out, meta)
    print(f"report: {report} ({time.perf_counter() - meta['start']:.0f} s)")
    for line in verdict_lines(trade_offs(frame))[2:]:
        if line:
            print(" ", line)
    return report


if __name__ == "__main__":
    main()
