"""The free-lunch audit: does any lever raise profit, centricity and satisfaction together?

DOMAIN.md ("The tension") asks that every value buy something real and cost something real:
no lever may improve profit, customer centricity and satisfaction together at no price, and
the best setting for profit should not simply be the end of a lever's range. This audit
checks it (issue 23, item 3) and runs in the validation report (``python -m sim.validation``).

**What runs.** Every lever of :data:`sim.levers.LEVERS` is scanned at a few settings across
its allowed range (:func:`scans`): a lever at the points 0, 1/3, 2/3 and 1 of its range, a
switch at the value business as usual does not use, a lever set of
:data:`sim.levers.LEVER_SETS` as one decision (the reward weights as customer-, efficiency-
and profit-heavy, customer-leaning and balanced mixes, for example), and the named
zero-money policies of :data:`POLICIES`. A setting equal to business as usual is not run
again. Each setting is held from week 1 to the horizon (a ``custom`` road), at each point of
a broad design (:func:`design_points`: a Latin hypercube over the organisation and market
parameters of ``configs/experiment/where_roads_win.yaml`` plus customisation need and churn
sensitivity), against business as usual (the status quo road) at the same point on the same
seeds: common random numbers, so each seed gives one paired difference.

**Outcomes** of a run (:func:`outcomes`, weeks 1..H of ``results()``): cumulative profit,
mean customer centricity, and satisfaction in the final week.

**The rule** (:func:`paired_differences`). At a point, a setting *beats business as usual*
on an outcome when the mean of its paired differences across seeds exceeds the seeds'
noise, ``max(2 standard errors of the paired differences, floor)``. The floor
(:data:`FLOORS`) keeps two or three seeds that happen to agree from making the threshold
zero: 0.25% of business as usual's cumulative revenue at that point for profit (revenue,
not profit, since profit may be near zero or negative where a market is harsh), 0.0025 for
centricity and for satisfaction (0-1 indices: a quarter of the project's smallest difference
worth a word, ``sim.study.metrics``). A setting is a *free lunch* at a point when it beats
business as usual on all three.

**The summary** (:func:`summarise`), one row per lever, lever set or named policy: the
share of design points where some setting is a free lunch, and the share where the
profit-best candidate (business as usual included, at difference 0) is an edge of the
lever's range (the ends of a lever's range; for a lever set, the settings marked as edges,
such as a mix of 0.9 on one reward weight; not defined for a switch or a single policy). A
lever with a free lunch at more than half of the points is flagged: a value bought at no
price, a defect to explain or fix.

Example (tiny; a few seconds):
    >>> audit = run_audit(PROFILES["quick"], names=["nudging"])
    >>> audit.summary[["lever", "kind", "points"]].to_dict("records")
    [{'lever': 'nudging', 'kind': 'lever', 'points': 2}]
    >>> bool((audit.differences.query("bau").profit_diff == 0).all())
    True

Command line (prints the summary table)::

    python -m sim.validation.free_lunch --scale quick --levers kpi_weights,participation
"""

from __future__ import annotations

import argparse
import os
import re
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from sim.levers import LEVER_SETS, LEVERS, SWITCHES
from sim.model import CentricityModel
from sim.study.design import latin_hypercube
from sim.study.ranges import ParameterRange, check_range, parse_range
from sim.validation.tables import markdown_table

#: The three outcomes of a run (read from its results by :func:`outcomes`).
OUTCOMES = ("profit", "centricity", "satisfaction")
OUTCOME_TEXT = {"profit": "cumulative profit, weeks 1..H", "centricity": "mean customer centricity, weeks 1..H",
                "satisfaction": "satisfaction in week H"}
#: The noise floor of each outcome: profit's as a share of business as usual's cumulative
#: revenue at the point (a positive scale, where profit itself may be near zero), the 0-1
#: indices' in their own units (a quarter of the smallest difference worth a word, sim.study.metrics).
FLOORS = {"profit": 0.0025, "centricity": 0.0025, "satisfaction": 0.0025}
FLOOR_SCALE = {"profit": "revenue", "centricity": None, "satisfaction": None}
#: Standard errors of the paired differences a gain must exceed (when above the floor).
NOISE_SE = 2.0
#: A lever is flagged when it is a free lunch at more than this share of the design points.
FLAG_SHARE = 0.5
#: Where in its range a lever is scanned (a share of the range from its low end).
FRACTIONS = (0.0, 1 / 3, 2 / 3, 1.0)
#: Two parameters the theory names (customisation need, churn's answer to experience) that the
#: where_roads_win design predates; their ranges for the audit's design.
EXTRA_RANGES = (ParameterRange("customers.customisation_need", 0.5, 1.8),
                ParameterRange("customers.churn_sensitivity", 1.5, 5.0))
DESIGN_EXPERIMENT = "where_roads_win"   # the experiment whose organisation and market ranges the design reuses
BAU = "business as usual"


# ------------------------------------------------------------------------------- scale
@dataclass(frozen=True)
class AuditScale:
    """How big the audit is: design points, seeds, horizon and population."""

    points: int = 8
    seeds: int = 3
    weeks: int = 156
    n_employees: int = 120
    n_customers: int = 2000
    burn_in_weeks: int = 26
    design_seed: int = 0   # the Latin hypercube's seed: the same design every time

    def model_kwargs(self) -> dict:
        return {"n_employees": self.n_employees, "n_customers": self.n_customers, "burn_in_weeks": self.burn_in_weeks}

    def describe(self) -> str:
        return (f"{self.points} design points x {self.seeds} paired seeds, {self.n_employees:,} employees, "
                f"{self.n_customers:,} customers, {self.weeks} weeks after a {self.burn_in_weeks}-week burn-in")


PROFILES = {
    # 88 runs per point and seed, 3,168 in all. Measured: 503 s of CPU time, 9.4 minutes of wall time on 2
    # cores shared with other work (load about 5); on 2 idle cores about 4-5 minutes. The report states each run's time.
    "full": AuditScale(points=12, seeds=3, weeks=156, n_employees=120, n_customers=2000, burn_in_weeks=26),
    # Tiny, for the mechanics (the report's quick profile and the tests): not a verdict on the model.
    "quick": AuditScale(points=2, seeds=2, weeks=26, n_employees=40, n_customers=300, burn_in_weeks=8),
}


# ------------------------------------------------------------------------------- what is scanned
@dataclass(frozen=True)
class Setting:
    """One setting of a scan: the levers it sets from week 1, and whether it is an edge of the range.

    ``edge`` is None where a range has no inside (a switch, a single policy).
    """

    label: str
    levers: tuple[tuple[str, float], ...]
    edge: bool | None

    def schedule(self) -> pd.DataFrame:
        """The ``custom`` road's schedule: these levers from week 1 on, the rest at business as usual."""
        return pd.DataFrame({"week": [1], **{name: [value] for name, value in self.levers}})


@dataclass(frozen=True)
class Scan:
    """What is scanned for one lever, lever set or named policy: business as usual and the settings."""

    name: str
    kind: str                       # "lever", "switch", "lever set" or "policy"
    bau: Setting                    # business as usual, as a setting of this scan (never run again)
    settings: tuple[Setting, ...]   # the settings run against it


def _mix(prefix: str, customer: float, efficiency: float, profit: float) -> tuple[tuple[str, float], ...]:
    return ((f"{prefix}_customer", customer), (f"{prefix}_efficiency", efficiency), (f"{prefix}_profit", profit))


#: Each lever set's settings, as one decision: (label, levers, edge). Edges are the ends of a
#: range: for weights on the simplex, a mix of 0.9 on one value; otherwise a lever at its end.
SET_SETTINGS: dict[str, list[tuple[str, tuple, bool]]] = {
    "kpi_weights": [
        ("customer-heavy 0.9/0.05/0.05", _mix("kpi", 0.9, 0.05, 0.05), True),
        ("customer-leaning 0.5/0.25/0.25", _mix("kpi", 0.5, 0.25, 0.25), False),
        ("balanced 1/3 each", _mix("kpi", 1 / 3, 1 / 3, 1 / 3), False),
        ("efficiency-heavy 0.05/0.9/0.05", _mix("kpi", 0.05, 0.9, 0.05), True),
        ("profit-heavy 0.05/0.05/0.9", _mix("kpi", 0.05, 0.05, 0.9), True)],
    "espoused_values": [
        ("customer-heavy 0.9/0.05/0.05", _mix("espoused", 0.9, 0.05, 0.05), True),
        ("balanced 1/3 each", _mix("espoused", 1 / 3, 1 / 3, 1 / 3), False),
        ("efficiency-heavy 0.05/0.9/0.05", _mix("espoused", 0.05, 0.9, 0.05), True),
        ("profit-heavy 0.05/0.05/0.9", _mix("espoused", 0.05, 0.05, 0.9), True)],
    "right_sizing": [
        ("0.5 to workload 0.95", (("right_sizing", 0.5), ("right_sizing_workload", 0.95)), False),
        ("1 to workload 0.95", (("right_sizing", 1.0), ("right_sizing_workload", 0.95)), True),
        ("1 to workload 0.6", (("right_sizing", 1.0), ("right_sizing_workload", 0.6)), True),
        ("1 to workload 1.3", (("right_sizing", 1.0), ("right_sizing_workload", 1.3)), True)],
    "integration_ladder": [
        ("to rung 2, 26 weeks a rung", (("integration_target", 2), ("ladder_pace", 26)), False),
        ("to rung 4, 26 weeks a rung", (("integration_target", 4), ("ladder_pace", 26)), True),
        ("to rung 4, 4 weeks a rung", (("integration_target", 4), ("ladder_pace", 4)), True)],
    "process_improvement": [
        ("0.5, focus 0.5", (("process_improvement", 0.5), ("own_process_focus", 0.5)), False),
        ("1, focus 0.5", (("process_improvement", 1.0), ("own_process_focus", 0.5)), True),
        ("1, focus 0 (the customer's job)", (("process_improvement", 1.0), ("own_process_focus", 0.0)), True),
        ("1, focus 1 (own process)", (("process_improvement", 1.0), ("own_process_focus", 1.0)), True)],
}

#: Named policies scanned as one setting each (issue 23: a trivial policy that cost no money
#: beyond working time beat every road).
POLICIES: dict[str, Setting] = {
    "rewards_and_participation": Setting("rewards 0.5/0.25/0.25, participation 1",
                                         (*_mix("kpi", 0.5, 0.25, 0.25), ("participation", 1.0)), None),
}


def _number(value: float) -> str:
    return f"{value:.3g}"


def _at_edge(name: str, value: float) -> bool:
    return value in (LEVERS[name]["low"], LEVERS[name]["high"])


def _lever_scan(name: str) -> Scan:
    spec = LEVERS[name]
    default = spec["default"]
    if name in SWITCHES:
        return Scan(name, "switch", Setting(_number(default), ((name, float(default)),), None),
                    (Setting(_number(1 - default), ((name, float(1 - default)),), None),))
    low, high = spec["low"], spec["high"]
    values = [low + f * (high - low) for f in FRACTIONS]
    values = sorted({int(round(v)) if spec["type"] is int else round(v, 3) for v in values} - {default})
    return Scan(name, "lever", Setting(_number(default), ((name, default),), _at_edge(name, default)),
                tuple(Setting(_number(v), ((name, v),), _at_edge(name, v)) for v in values))


def _set_scan(name: str) -> Scan:
    members = LEVER_SETS[name]
    bau_levers = tuple((m, LEVERS[m]["default"]) for m in members)
    bau_label = "/".join(_number(v) for _, v in bau_levers)
    bau_edge = any(_at_edge(m, v) for m, v in bau_levers)
    return Scan(name, "lever set", Setting(bau_label, bau_levers, bau_edge),
                tuple(Setting(label, levers, edge) for label, levers, edge in SET_SETTINGS[name]))


@cache
def _all_scans() -> dict[str, Scan]:
    in_a_set = {lever: s for s, members in LEVER_SETS.items() for lever in members}
    missing = set(LEVER_SETS) - set(SET_SETTINGS)
    if missing:   # a new lever set needs its decision's settings written out
        raise RuntimeError(f"the free-lunch audit has no settings for lever set(s) {sorted(missing)}: add them to SET_SETTINGS")
    out: dict[str, Scan] = {}
    for lever in LEVERS:   # in the levers' order, a set at its first lever
        name = in_a_set.get(lever, lever)
        if name not in out:
            out[name] = _set_scan(name) if name in LEVER_SETS else _lever_scan(name)
    for name, setting in POLICIES.items():
        bau = Setting(BAU, tuple((lever, LEVERS[lever]["default"]) for lever, _ in setting.levers), None)
        out[name] = Scan(name, "policy", bau, (setting,))
    return out


def scans(names: Iterable[str | Scan] | None = None) -> list[Scan]:
    """The scans of the audit: every lever, lever set and named policy, or those named.

    A lever that belongs to a lever set names its set; a :class:`Scan` given instead of a
    name is taken as it is (a scan of fewer settings, say).

    Raises:
        ValueError: for a name that is no lever, lever set or named policy (with the known ones).

    Example:
        >>> [(s.name, [x.label for x in s.settings]) for s in scans(["pressure", "kpi_profit"])][0]
        ('pressure', ['0', '0.333', '0.667', '1'])
        >>> scans(["kpi_profit"])[0].name, len(scans())
        ('kpi_weights', 31)
    """
    every = _all_scans()
    if names is None:
        return list(every.values())
    in_a_set = {lever: s for s, members in LEVER_SETS.items() for lever in members}
    chosen = []
    for name in names:
        if isinstance(name, Scan):
            chosen.append(name)
            continue
        key = in_a_set.get(name, name)
        if key not in every:
            raise ValueError(f"unknown lever {name!r}; the audit scans: {', '.join(every)}")
        if every[key] not in chosen:
            chosen.append(every[key])
    return chosen


# ------------------------------------------------------------------------------- the design
def design_ranges() -> list[ParameterRange]:
    """The design's parameters: the ranges of ``where_roads_win.yaml`` plus :data:`EXTRA_RANGES`.

    Each is checked against the range the model allows (``sim/params.py``).

    Example:
        >>> [r.key for r in design_ranges()][-2:]
        ['customers.customisation_need', 'customers.churn_sensitivity']
    """
    import yaml

    from sim.study.config import CONFIG_DIR

    config = yaml.safe_load((CONFIG_DIR / "experiment" / f"{DESIGN_EXPERIMENT}.yaml").read_text())
    ranges = {}
    for key, value in config["hydra"]["sweeper"]["params"].items():
        found = re.fullmatch(r"\s*interval\(\s*([^,]+?)\s*,\s*([^)]+?)\s*\)\s*", str(value))
        if found:   # the rest (road, seed) is the experiment's grid, not the design
            ranges[key] = parse_range(key, {"low": found[1], "high": found[2]})
    for extra in EXTRA_RANGES:
        ranges.setdefault(extra.key, extra)
    for r in ranges.values():
        check_range(r, roads=["status_quo"])
    return list(ranges.values())


def design_points(n: int, seed: int = 0) -> pd.DataFrame:
    """A Latin hypercube of ``n`` organisations and markets over :func:`design_ranges`.

    One row per point (index ``point``), one column per parameter (``organisation.initial_readiness``);
    the same ``n`` and ``seed`` always give the same points.

    Example:
        >>> d = design_points(4)
        >>> d.shape, bool(d["customers.churn_sensitivity"].between(1.5, 5.0).all())
        ((4, 13), True)
    """
    ranges = design_ranges()
    return pd.DataFrame(latin_hypercube(ranges, n, seed), columns=[r.key for r in ranges]).rename_axis("point")


def model_params(point: pd.Series | dict, scale: AuditScale) -> dict:
    """The model's keyword arguments at a design point: its parameters by group, and the scale."""
    groups: dict[str, dict] = {"organisation": dict(scale.model_kwargs())}
    for key, value in dict(point).items():
        group, _, name = key.partition(".")
        groups.setdefault(group, {})[name] = float(value)
    return groups


# ------------------------------------------------------------------------------- running
def outcomes(results: pd.DataFrame) -> dict[str, float]:
    """The audit's outcomes of one run: cumulative profit and mean centricity over weeks 1..H,
    satisfaction in week H (``results`` is ``CentricityModel.results()``, week 0 first), and
    cumulative revenue (reported beside them)."""
    after = results.iloc[1:]
    return {"profit": float(after.profit.sum()), "centricity": float(after.customer_centricity.mean()),
            "satisfaction": float(results.satisfaction.iloc[-1]), "revenue": float(after.revenue.sum())}


def run_point(point: int, params: dict, seed: int, scale: AuditScale, work: list[tuple[str, Setting]]) -> pd.DataFrame:
    """Business as usual and every setting of ``work`` at one design point and seed.

    The runs share the point's burn-in (``CentricityModel.settled``), so they differ only by
    the levers set from week 1: common random numbers.
    """
    start, cpu = time.perf_counter(), time.process_time()
    rows = []
    for scan, setting in [(BAU, None), *work]:
        road = {"road": "status_quo"} if setting is None else \
            {"road": "custom", "road_params": {"schedule": setting.schedule()}}
        model = CentricityModel.settled(seed=seed, **road, **params)
        model.run(scale.weeks)
        rows.append({"scan": scan, "setting": BAU if setting is None else setting.label, "point": point, "seed": seed,
                     **outcomes(model.results())})
    frame = pd.DataFrame(rows)
    frame.attrs.update(seconds=time.perf_counter() - start, cpu=time.process_time() - cpu)
    return frame


@dataclass
class Audit:
    """What the audit found, and what it ran on."""

    scale: AuditScale
    scans: list[Scan]
    design: pd.DataFrame        # one row per design point
    runs: pd.DataFrame          # one row per run: scan, setting, point, seed, outcomes
    differences: pd.DataFrame   # one row per (scan, setting, point): paired differences, thresholds, verdicts
    summary: pd.DataFrame       # one row per scan
    seconds: float = 0.0        # wall time
    cpu: float = 0.0            # CPU time of the runs, summed over workers
    jobs: int = 1

    def markdown(self) -> str:
        """The audit as a section of docs/VALIDATION.md (without its heading)."""
        return markdown(self)


def run_audit(scale: AuditScale, names: Iterable[str | Scan] | None = None, jobs: int = 1) -> Audit:
    """Run the audit: every scan (or those named, see :func:`scans`) at every design point and seed.

    One task per design point and seed, each running business as usual and every setting on
    one settled start; ``jobs`` > 1 runs tasks in joblib worker processes.
    """
    if scale.seeds < 2:
        raise ValueError("the free-lunch audit needs at least 2 seeds: the noise is the spread of paired differences")
    chosen = scans(names)
    design = design_points(scale.points, scale.design_seed)
    work = [(scan.name, setting) for scan in chosen for setting in scan.settings]
    tasks = [(p, model_params(design.loc[p], scale), s) for p in design.index for s in range(scale.seeds)]
    start = time.perf_counter()
    if jobs > 1:
        from joblib import Parallel, delayed

        from sim.kernels import warm_up

        warm_up()   # compiled once here: the workers load the kernels from the cache
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frames = Parallel(n_jobs=jobs, backend="loky", batch_size=1)(
                delayed(run_point)(p, params, s, scale, work) for p, params, s in tasks)
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    else:
        frames = [run_point(p, params, s, scale, work) for p, params, s in tasks]
    cpu = sum(f.attrs.get("cpu", 0.0) for f in frames)
    runs = pd.concat(frames, ignore_index=True)
    runs.attrs = {}
    differences = paired_differences(runs, chosen)
    return Audit(scale, chosen, design, runs, differences, summarise(differences, chosen),
                 time.perf_counter() - start, cpu, max(1, jobs))


# ------------------------------------------------------------------------------- the verdicts
def paired_differences(runs: pd.DataFrame, chosen: list[Scan]) -> pd.DataFrame:
    """Each setting minus business as usual, per design point, over the paired seeds.

    One row per (scan, setting, point), business as usual included as a setting of every scan
    (its difference with itself: exactly 0, never a free lunch). For each outcome: the mean
    paired difference (``profit_diff``), its standard error across seeds (``profit_se``), the
    threshold it must exceed (``profit_threshold``: max(2 standard errors, the floor)) and
    whether it does (``profit_beats``); ``free_lunch`` when it beats business as usual on all
    three outcomes.

    Example:
        >>> runs = pd.DataFrame({"scan": [BAU, BAU, "nudging", "nudging"], "setting": [BAU, BAU, "1", "1"],
        ...     "point": 0, "seed": [0, 1, 0, 1], "profit": [100.0, 104.0, 110.0, 113.0],
        ...     "centricity": [0.5, 0.5, 0.6, 0.61], "satisfaction": [0.7, 0.7, 0.72, 0.73], "revenue": 1e3})
        >>> d = paired_differences(runs, scans(["nudging"])).set_index("setting")
        >>> row = d.loc["1"]     # 2 standard errors are 1.0, below the floor (0.25% of revenue 1,000)
        >>> float(row.profit_diff), float(row.profit_threshold), bool(row.free_lunch)
        (9.5, 2.5, True)
        >>> float(d.loc["0", "profit_diff"]), bool(d.loc["0", "free_lunch"])   # business as usual against itself
        (0.0, False)
    """
    bau = runs[runs.scan == BAU].set_index(["point", "seed"])[[*OUTCOMES, "revenue"]]
    level = bau.groupby("point").mean()
    rows = []
    for scan in chosen:
        own = runs[runs.scan == scan.name]
        candidates = [(scan.bau, True, bau)] + [
            (s, False, own[own.setting == s.label].set_index(["point", "seed"])[[*OUTCOMES, "revenue"]])
            for s in scan.settings]
        for setting, is_bau, frame in candidates:
            diff = (frame - bau.loc[frame.index]).groupby("point")
            mean, se, n = diff.mean(), diff.std(ddof=1) / np.sqrt(diff.size().to_numpy()[:, None]), diff.size()
            for point in mean.index:
                row = {"scan": scan.name, "kind": scan.kind, "setting": setting.label, "edge": setting.edge,
                       "bau": is_bau, "point": point, "seeds": int(n[point])}
                for o in OUTCOMES:
                    floor = FLOORS[o] * (level.at[point, FLOOR_SCALE[o]] if FLOOR_SCALE[o] else 1.0)
                    threshold = max(NOISE_SE * float(se.at[point, o]), floor)
                    row |= {f"{o}_diff": float(mean.at[point, o]), f"{o}_se": float(se.at[point, o]),
                            f"{o}_threshold": threshold, f"{o}_beats": bool(mean.at[point, o] > threshold)}
                row["free_lunch"] = all(row[f"{o}_beats"] for o in OUTCOMES)
                rows.append(row)
    return pd.DataFrame(rows)


def _most_often(labels: pd.Series, points: int) -> str:
    """The label found at the most points, with their number ('none' when there is none)."""
    if labels.empty:
        return "none"
    counts = labels.value_counts()
    return f"{counts.index[0]} ({counts.iloc[0]} of {points} points)"


def summarise(differences: pd.DataFrame, chosen: list[Scan]) -> pd.DataFrame:
    """One row per scan: what was scanned, and how often it was a free lunch or best at an edge.

    Columns: ``lever`` (a lever, lever set or named policy), ``kind``, ``business as usual``,
    ``settings`` (the settings run), ``points``, ``free_lunch_share`` (share of design points
    where some setting is a free lunch), ``free_lunch_by`` (the setting that is one at the
    most points), ``edge_share`` (share of points where the profit-best candidate, business
    as usual included, is an edge of the range; NaN for a switch or a single policy),
    ``profit_best`` (the profit-best candidate at the most points) and ``flagged`` (a free
    lunch at more than half of the points).
    """
    rows = []
    for scan in chosen:
        d = differences[differences.scan == scan.name]
        points = d.point.nunique()
        lunch = d[d.free_lunch & ~d.bau]
        best = d.loc[d.groupby("point").profit_diff.idxmax()]
        edges = {s.edge for s in (scan.bau, *scan.settings)}
        edge_share = float(best.edge.astype(bool).mean()) if edges == {True, False} else np.nan
        share = lunch.point.nunique() / points if points else np.nan
        rows.append({"lever": scan.name, "kind": scan.kind, "business as usual": scan.bau.label,
                     "settings": "; ".join(s.label for s in scan.settings), "points": points,
                     "free_lunch_share": share, "free_lunch_by": _most_often(lunch.setting, points),
                     "edge_share": edge_share, "profit_best": _most_often(best.setting.where(~best.bau, BAU), points),
                     "flagged": bool(share > FLAG_SHARE)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------- words
def _share(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.0%}"


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as the report shows it: shares in per cent, a flag mark."""
    return pd.DataFrame({
        "lever": summary.lever.map(lambda s: f"`{s}`"), "kind": summary.kind,
        "business as usual": summary["business as usual"], "settings scanned": summary.settings,
        "points": summary.points, "free lunch (share of points)": summary.free_lunch_share.map(_share),
        "free lunch by": summary.free_lunch_by,
        "profit-best at an edge (share of points)": summary.edge_share.map(_share),
        "profit-best": summary.profit_best, "flagged": summary.flagged.map(lambda f: "⚠ yes" if f else "no")})


def markdown(audit: Audit) -> str:
    """The audit as markdown: what ran, the rule, the flagged levers and the summary table."""

    s, summary = audit.scale, audit.summary
    ranges = ", ".join(f"`{r.key}` {r.low:g}-{r.high:g}" for r in design_ranges())
    flagged = summary[summary.flagged]
    runs = len(audit.runs)
    lines = [
        "Does any lever buy profit, customer centricity and satisfaction together at no price? (DOMAIN.md, "
        "\"The tension\"; issue 23.) Every lever is scanned across its allowed range (a lever at 0, 1/3, 2/3 and 1 "
        "of its range, a switch at the value business as usual does not use, a lever set as one decision, plus named "
        "zero-money policies), each setting held from week 1, against business as usual (the status quo) at the "
        "same design point on the same seeds. Definitions in `sim/validation/free_lunch.py`.",
        "",
        f"- **Design:** a Latin hypercube (seed {s.design_seed}) of {s.points} organisations and markets over the "
        f"ranges of `configs/experiment/{DESIGN_EXPERIMENT}.yaml` and two more: {ranges}.",
        f"- **Scale:** {s.describe()}; {runs:,} runs in {audit.seconds:.0f} s on {audit.jobs} worker process(es) "
        f"({audit.cpu:.0f} s of CPU).",
        f"- **Outcomes:** {'; '.join(OUTCOME_TEXT.values())} (H = {s.weeks}).",
        f"- **Rule:** at a point, a setting beats business as usual on an outcome when its mean paired difference "
        f"across seeds exceeds max({NOISE_SE:g} standard errors of the paired differences, a floor); the floor is "
        f"{FLOORS['profit']:.2%} of business as usual's cumulative revenue at the point for profit and "
        f"{FLOORS['centricity']:g} for centricity and satisfaction, so that a few seeds that happen to agree do not make "
        "the threshold zero. "
        "A **free lunch** is a setting that beats business as usual on all three. *Profit-best at an edge*: the "
        "setting with the highest mean profit at a point, business as usual included, is an end of the lever's "
        "range (for a lever set, a setting marked as an edge, such as 0.9 on one reward weight; n/a for a switch or "
        "a single policy). A lever is **flagged** when it is a free lunch at more than "
        f"{FLAG_SHARE:.0%} of the points.",
        "",
    ]
    if flagged.empty:
        lines += [f"**No lever is flagged**: none is a free lunch at more than {FLAG_SHARE:.0%} of the design points.", ""]
    else:
        lines += [f"**{len(flagged)} of {len(summary)} flagged** (a free lunch at more than {FLAG_SHARE:.0%} of the "
                  "design points): " + ", ".join(f"`{n}` ({_share(x)})" for n, x in
                                                   zip(flagged.lever, flagged.free_lunch_share, strict=True)) + ".", ""]
        lines += ["Each flagged lever's price, as declared in `sim/levers.py` (docs/ODD.md 7.1.2). A priced lever that "
                  "is flagged paid for itself on all three outcomes at most points of this design: not a value bought "
                  "at no price, but a mechanism whose benefits its price does not match, to be explained or given an "
                  "honest cost by a mechanism (docs/ODD.md 10.2 lists each with the cost it lacks).", ""]
        lines += [f"- `{name}`: {_price(name)}" for name in flagged.lever]
        lines += [""]
    lines += [markdown_table(summary_table(summary)), ""]
    return "\n".join(lines)


def _price(name: str) -> str:
    """What a lever, lever set or named policy costs, in the words of its declaration."""
    members = LEVER_SETS.get(name, (name,))
    costs = [LEVERS[m]["cost"] for m in members if m in LEVERS]
    if not costs:
        return "no money beyond the working time and the decisions it sways"
    return "; ".join(dict.fromkeys(costs))


# ------------------------------------------------------------------------------- command
def main(argv: list[str] | None = None) -> Audit:
    """``python -m sim.validation.free_lunch [--scale quick|full] [--levers a,b,...] [--jobs N]``: print the summary.

    Example (a few seconds; prints the table):
        >>> audit = main(["--scale", "quick", "--levers", "kpi_weights", "--jobs", "1"])  # doctest: +SKIP
    """
    parser = argparse.ArgumentParser(prog="python -m sim.validation.free_lunch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(PROFILES), default="full", help="full (the report's) or quick (tiny)")
    parser.add_argument("--levers", default="", help="comma-separated levers, lever sets or named policies (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.levers.split(",") if n.strip()] or None
    try:
        scans(names)
    except ValueError as err:
        parser.error(str(err))
    scale = PROFILES[args.scale]
    audit = run_audit(scale, names, jobs=args.jobs)
    table = summary_table(audit.summary).drop(columns=["settings scanned", "business as usual"])
    table["lever"] = table.lever.str.strip("`")
    with pd.option_context("display.width", 250, "display.max_colwidth", 60, "display.max_columns", 20):
        print(table.to_string(index=False))
    print(f"\n{scale.describe()}; {len(audit.runs):,} runs in {audit.seconds:.0f} s ({audit.cpu:.0f} s CPU). "
          f"Flagged: {', '.join(audit.summary.lever[audit.summary.flagged]) or 'none'}.")
    return audit


if __name__ == "__main__":
    main()
