"""Where each road wins: over a Latin hypercube of organisations and markets, which road is best, and when.

``python -m sim.study.where_roads_win SWEEP_DIR`` reads a design sweep over organisation and market
parameters with every road on the grid (``+experiment=where_roads_win`` makes one) and, for
each design point, takes the mean over its seeds (common random numbers: every road of a
point meets the same random events) of three outcomes at four horizons, as ``sim.outcomes``
defines them for every study (``HEADLINE``):

* ``cumulative_profit``: the sum of weekly profit over weeks 1 to h (currency units);
* ``mean_centricity``: mean customer centricity over weeks 1 to h (index, 0-1);
* ``final_satisfaction``: mean customer satisfaction in week h (0-1);

for h = 26, 52, 104 and 260 weeks. Higher is better for all three. For each outcome and
horizon it reports the share of points where each road is best, and simple rules, a
shallow classification tree (scikit-learn's CART, depth 2), describing where each road wins
in terms of the design's parameters, with how many points each rule covers and how many of
them it gets right.

Writes ``where_roads_win.csv`` (one row per point, outcome and horizon: the best road, its
value, the runner-up and the margin), ``where_roads_win_shares.csv``,
``where_roads_win_rules.txt`` and ``figures/where_roads_win_shares`` and
``figures/where_roads_win_map`` into the sweep folder. ``python -m sim.study.roads_report
SWEEP_DIR`` adds the lever attribution (``sim.study.attribution``) and writes both into
docs/ROADS.md, with the commit they came from.

The analysis itself takes a table of runs, however they were made (:func:`analyse_table`):
one row per run with ``road``, ``point`` (one organisation and market, the same on every
road), the parameters that describe a point, ``seed`` if it has one, and the outcome columns,
named like ``cumulative_profit@260`` (an outcome of ``sim.outcomes`` @ its horizon in weeks;
several horizons side by side) or, for a table of one horizon, as the outcome with
``horizon=h``. ``analyse(SWEEP_DIR)`` is :func:`read_runs` (the sweep as that table) and
:func:`analyse_table`. Runs of Mesa's ``batch_run`` or EMA Workbench's ``perform_experiments``
become such a table in one call::

    rows = mesa.batch_run(CentricityModel, parameters={"road": [...], "customer_value_weight": [...]},
                          rng=[0, 1], max_steps=52, data_collection_period=1)
    runs = runs_from_batch(rows, horizon=52)
    # or: experiments, outcomes = perform_experiments(...); runs = runs_from_experiments(experiments, outcomes)
    result = analyse_table(runs, ["customer_value_weight"], horizon=52)
    print(result.report())
    write(result, "results/my_study")        # the tables, rules and figures a sweep gets

Example:
    >>> rng = np.random.default_rng(1)
    >>> x = rng.random((40, 2))
    >>> best = np.where(x[:, 0] > 0.5, "engineering", "mission")
    >>> rules = tree_rules(x, best, ["readiness", "churn_rate"], depth=1)
    >>> rules.rules[0].road, rules.rules[0].conditions, rules.accuracy
    ('mission', ['readiness <= 0.498'], 1.0)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.outcomes import HEADLINE, OUTCOMES, columns_read, outcomes
from sim.study.sensitivity import NotAnalysable, SweepDesign, finished_jobs, read_design, require_columns

HORIZONS = (26, 52, 104, 260)
#: Between an outcome and its horizon in a column's name: ``cumulative_profit@260``.
AT = "@"
#: The outcomes compared (names of ``sim.outcomes.OUTCOMES``; higher is better for all).
COMPARED = HEADLINE
WINNERS_TABLE = "where_roads_win.csv"
SHARES_TABLE = "where_roads_win_shares.csv"
RULES_TEXT = "where_roads_win_rules.txt"
TREE_DEPTH = 2


# ---------------------------------------------------------------------- the table of runs
def column(outcome: str, horizon: int) -> str:
    """The column of an outcome at a horizon in a table of runs: ``cumulative_profit@260``."""
    return f"{outcome}{AT}{int(horizon)}"


def parse_column(name) -> tuple[str, int] | None:
    """(outcome, horizon) of a column named like ``cumulative_profit@260``, else None."""
    if not isinstance(name, str) or AT not in name:
        return None
    outcome, _, h = name.rpartition(AT)
    return (outcome, int(h)) if outcome in OUTCOMES and h.isdigit() and int(h) >= 1 else None


def outcome_columns(runs: pd.DataFrame, outcomes=None, horizon: int | None = None) -> dict[tuple[str, int], str]:
    """(outcome, horizon) -> the column of ``runs`` that holds it; by horizon, then as ``sim.outcomes.OUTCOMES``.

    With ``horizon``, an outcome's column is named as the outcome (``cumulative_profit``);
    without, ``cumulative_profit@260``, one for each horizon the table has. ``outcomes``: the
    outcomes asked for (default: every outcome of ``sim.outcomes`` the table has).

    Raises:
        ValueError: for an unknown outcome, a column missing for an outcome asked for, or a
            table with no outcome column at all.
    """
    wanted = list(OUTCOMES) if outcomes is None else list(outcomes)
    unknown = [o for o in wanted if o not in OUTCOMES]
    if unknown:
        raise ValueError(f"unknown outcome {unknown[0]!r}; known outcomes (sim.outcomes): {', '.join(OUTCOMES)}")
    if horizon is not None:
        h = int(horizon)
        if h < 1:
            raise ValueError(f"horizon = {horizon}: a horizon is a number of weeks, at least 1")
        names = wanted if outcomes is not None else [o for o in wanted if o in runs.columns]
        if not names:
            raise ValueError(f"the table of runs has no outcome column: with horizon={h} name them as the outcomes of "
                             f"sim.outcomes ({', '.join(OUTCOMES)})")
        require_columns(runs, names, "the table of runs")
        return {(o, h): o for o in names}
    found = {key: c for c in runs.columns if (key := parse_column(c)) is not None and key[0] in wanted}
    if not found and outcomes is None:
        plain = "; it has " + ", ".join(o for o in OUTCOMES if o in runs.columns) + ": give their horizon (horizon=h)" \
            if any(o in runs.columns for o in OUTCOMES) else ""
        raise ValueError("the table of runs has no outcome column: name them like cumulative_profit@260 (an outcome of "
                         f"sim.outcomes @ its horizon in weeks), or as the outcome with horizon=h{plain}")
    missing = [o for o in wanted if outcomes is not None and not any(k[0] == o for k in found)]
    if missing:
        plain = f": it has {missing[0]!r}, so give its horizon (horizon=h)" if missing[0] in runs.columns else ""
        raise ValueError(f"the table of runs has no column {missing[0] + AT + '<h>'!r} (the outcome over h weeks, "
                         f"sim.outcomes){plain}")
    order = {o: i for i, o in enumerate(OUTCOMES)}
    return dict(sorted(found.items(), key=lambda item: (item[0][1], order[item[0][0]])))


def read_runs(sweep_dir: Path | str, design: SweepDesign, horizons=HORIZONS) -> pd.DataFrame:
    """The table of runs of a sweep: one row per job, its point, road, seed, the design's parameters
    and each compared outcome at each horizon every run reaches (``cumulative_profit@26``, ...).

    Raises:
        NotAnalysable: if a job has not finished, or the runs end before the first horizon.
    """
    rows = []
    for job, folder, summary in finished_jobs(sweep_dir, design):
        weekly = pd.read_parquet(folder / "timeseries.parquet", columns=columns_read(COMPARED))
        last = len(weekly) - 1
        row = {"point": int(job["point"]), "road": summary["road"], "seed": int(summary["seed"]),
               **{name: job[name] for name in design.names}}
        for h in horizons:
            if h <= last:
                row.update({column(name, h): value for name, value in outcomes(weekly, h, COMPARED).items()})
        rows.append(row)
    runs = pd.DataFrame(rows)
    reached = [c for c in runs.columns if parse_column(c) is not None and runs[c].notna().all()]
    if not reached:
        raise NotAnalysable(f"the runs of {sweep_dir} end before the first horizon ({min(horizons)} weeks): "
                            "run them longer (steps=...)")
    return runs[[c for c in runs.columns if parse_column(c) is None or c in reached]]


def runs_from_batch(rows, horizon: int) -> pd.DataFrame:
    """Mesa's ``batch_run`` rows as a table of runs for :func:`analyse_table` (and ``sensitivity.analyse_frame``).

    ``rows`` (the list ``mesa.batch_run(CentricityModel, ...)`` returns, or a DataFrame of it)
    has a row per run and collected step: ``RunId``, ``iteration``, ``Step``, the run's keyword
    arguments (``road`` and the model's parameters), ``seed`` and the week's metrics. Every run
    needs its weeks 0 to ``horizon``: run ``batch_run`` with ``data_collection_period=1`` and
    ``max_steps`` of at least ``horizon``.

    Returns one row per run: ``RunId``, ``point`` (one number per combination of the model's
    parameters in the rows, road and seed aside), ``road``, ``seed``, those parameters, and every
    outcome of ``sim.outcomes`` over weeks 1 to ``horizon``, named as the outcome: analyse it with
    ``analyse_table(runs, parameters, horizon=horizon)``.

    Raises:
        ValueError: for rows without ``RunId``, ``Step`` or ``road``, or a run without a row for
            every week 0 to ``horizon``.

    Example:
        >>> rows = mesa.batch_run(CentricityModel, parameters={"road": ["status_quo", "mission"],
        ...     "customer_value_weight": [0.1, 0.3, 0.5]}, rng=[0, 1], max_steps=52,
        ...     data_collection_period=1)                                       # doctest: +SKIP
        >>> runs = runs_from_batch(rows, horizon=52)                             # doctest: +SKIP
        >>> print(analyse_table(runs, ["customer_value_weight"], horizon=52).report())   # doctest: +SKIP
    """
    from sim.params import GROUPS, describe

    frame = pd.DataFrame(rows)
    require_columns(frame, ["RunId", "Step", "road"], "batch_run's rows")
    h = int(horizon)
    known = {name for cls in GROUPS.values() for name in describe(cls)} | {"start_week"}
    parameters = [c for c in frame.columns if c in known]
    seed = "seed" if "seed" in frame else "iteration" if "iteration" in frame else None
    out = []
    for run_id, weekly in frame.groupby("RunId", sort=True):
        weekly = weekly.sort_values("Step", kind="stable").reset_index(drop=True)
        steps = weekly["Step"].to_numpy()
        if len(steps) <= h or not np.array_equal(steps[:h + 1], np.arange(h + 1)):
            shown = ", ".join(map(str, steps[:8])) + (", ..." if len(steps) > 8 else "")
            raise ValueError(f"run {run_id} of batch_run's rows has no row for every week 0 to {h} (its steps: {shown}): "
                             f"run batch_run with data_collection_period=1 and max_steps >= {h}")
        first = weekly.iloc[0]
        row = {"RunId": run_id, "road": first["road"], **({"seed": first[seed]} if seed else {}),
               **{p: first[p] for p in parameters}}
        try:
            row.update(outcomes(weekly, h))
        except (AttributeError, KeyError) as err:
            raise ValueError(f"batch_run's rows lack a metric an outcome is read from ({err}); "
                             "CentricityModel's data collector records every metric") from err
        out.append(row)
    runs = pd.DataFrame(out)
    runs.insert(1, "point", runs.groupby(parameters, sort=False, dropna=False).ngroup() if parameters else 0)
    return runs


def runs_from_experiments(experiments: pd.DataFrame, outcomes: Mapping[str, Any], road: str = "policy",
                          point: str = "scenario") -> pd.DataFrame:
    """EMA Workbench's results, ``experiments, outcomes = perform_experiments(...)``, as a table of runs.

    ``experiments`` has a row per experiment (its uncertainties and levers, ``scenario``,
    ``policy``, ``model``); ``outcomes`` maps each outcome's name to one value per experiment
    (scalar outcomes over a horizon, named as in ``sim.outcomes``). The road is the column
    ``road`` names (EMA's ``policy`` by default: one policy per road) and the point the column
    ``point`` names (``scenario``: one organisation and market). Returns ``experiments`` with
    those two columns named ``road`` and ``point`` and a column per outcome: analyse it with
    ``analyse_table(runs, uncertainties, horizon=h)``.

    Raises:
        ValueError: for experiments without the road's or the point's column, or an outcome
            that is not one value per experiment (a time series, or another length).
    """
    require_columns(experiments, [road, point], "EMA's experiments")
    table = experiments.reset_index(drop=True)
    for target, source in (("road", road), ("point", point)):
        if source != target and target in table.columns:
            raise ValueError(f"EMA's experiments have a column {target!r} besides {source!r}: say which is the "
                             f"{target} ({target}={target!r})")
    values = {}
    for name, value in outcomes.items():
        value = np.asarray(value)
        if value.ndim != 1 or len(value) != len(table):
            raise ValueError(f"outcome {name!r} has shape {value.shape}; one value per experiment ({len(table)}) is "
                             "needed: an outcome over a horizon (sim.outcomes), as EMA's ScalarOutcome, not a series")
        values[name] = value
    return pd.concat([table.rename(columns={road: "road", point: "point"}), pd.DataFrame(values)], axis=1)


# ---------------------------------------------------------------------- who wins
def winners(runs: pd.DataFrame) -> pd.DataFrame:
    """For each point, outcome and horizon: the best road (mean over seeds), its value, the runner-up and the margin.

    ``runs``: a table of runs with outcome columns named like ``cumulative_profit@260``.
    """
    keys = {parse_column(c): c for c in runs.columns if parse_column(c) is not None}
    means = runs.groupby(["point", "road"])[list(keys.values())].mean()
    rows = []
    for point, part in means.groupby(level="point"):
        part = part.droplevel("point")
        for (outcome, h), name in keys.items():
            ranked = part[name].sort_values(ascending=False, kind="stable")
            rows.append({"point": point, "outcome": outcome, "horizon": h, "best": ranked.index[0],
                         "value": ranked.iloc[0], "runner_up": ranked.index[1], "margin": ranked.iloc[0] - ranked.iloc[1]})
    return pd.DataFrame(rows)


def shares(best: pd.DataFrame, roads: list[str]) -> pd.DataFrame:
    """Share of points where each road is best, per outcome and horizon (every road listed, 0 included)."""
    counts = best.groupby(["outcome", "horizon"])["best"].value_counts(normalize=True).rename("share")
    full = pd.MultiIndex.from_product([[o for o in OUTCOMES if o in set(best.outcome)], sorted(best.horizon.unique()),
                                       roads], names=["outcome", "horizon", "best"])
    out = counts.reindex(full, fill_value=0.0).reset_index().rename(columns={"best": "road"})
    present = set(zip(best.outcome, best.horizon, strict=True))
    return out[[key in present for key in zip(out.outcome, out.horizon, strict=True)]].reset_index(drop=True)


@dataclass
class Rule:
    """One leaf of the tree: where (conditions), which road, how many points, how many right."""

    conditions: list[str]
    road: str
    points: int
    right: int

    def text(self) -> str:
        where = " and ".join(self.conditions) if self.conditions else "everywhere"
        return f"if {where}: {self.road} ({self.right} of {self.points} points)"


@dataclass
class Rules:
    """The rules of one outcome and horizon, and the share of all points they assign right.

    ``regions`` holds, for each road best somewhere, the region where it wins most often
    (a leaf of a one-road-against-the-rest tree of the same depth) and how many wins it has in all.
    """

    rules: list[Rule]
    accuracy: float
    importance: dict[str, float] = field(default_factory=dict)
    regions: dict[str, tuple[Rule, int]] = field(default_factory=dict)


def tree_rules(x: np.ndarray, best: np.ndarray, names: list[str], depth: int = TREE_DEPTH) -> Rules:
    """A shallow classification tree of the best road on the design's parameters, as readable rules.

    Leaves hold at least a tenth of the points (at least 3), so rules describe regions, not points.
    """
    best = np.asarray(best).astype(str)
    if len(set(best)) == 1:
        only = Rule([], str(best[0]), len(best), len(best))
        return Rules([only], 1.0, dict.fromkeys(names, 0.0), {only.road: (only, len(best))})
    leaves, tree = _leaves(x, best, names, depth)
    accuracy = sum(r.right for r in leaves) / len(best)
    importance = dict(zip(names, map(float, tree.feature_importances_), strict=True))
    regions = {}
    for road in dict.fromkeys(best):
        wins = int((best == road).sum())
        mine, _ = _leaves(x, np.where(best == road, road, "other"), names, depth)
        chosen = max((r for r in mine if r.road == road), key=lambda r: (r.right / r.points, r.right), default=None)
        if chosen is not None:
            regions[road] = (chosen, wins)
    return Rules(leaves, accuracy, importance, regions)


def _leaves(x: np.ndarray, labels: np.ndarray, names: list[str], depth: int):
    """The leaves of a shallow tree of ``labels`` on ``x`` as rules, and the tree."""
    from sklearn.tree import DecisionTreeClassifier

    best = labels
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=max(3, len(best) // 10), random_state=0)
    tree.fit(x, best)
    t = tree.tree_
    leaf_of = tree.apply(x)
    predicted = tree.predict(x)

    def walk(node: int, path: list[tuple[int, bool, float]]) -> list[tuple[list, np.ndarray, str]]:
        """(path, points, road) of each leaf below ``node``; siblings that name the same road are merged."""
        if t.children_left[node] == -1:
            here = leaf_of == node
            return [(path, here, str(predicted[here][0]))]
        f, threshold = t.feature[node], t.threshold[node]
        left = walk(t.children_left[node], [*path, (f, True, threshold)])
        right = walk(t.children_right[node], [*path, (f, False, threshold)])
        if len(left) == len(right) == 1 and left[0][2] == right[0][2]:
            return [(path, left[0][1] | right[0][1], left[0][2])]
        return left + right

    rules = [Rule(_conditions(path, names), road, int(here.sum()), int((best[here] == road).sum()))
             for path, here, road in walk(0, [])]
    return rules, tree


def _conditions(path: list[tuple[int, bool, float]], names: list[str]) -> list[str]:
    """The tightest bound on each parameter along a path, in words: 'readiness <= 0.5'."""
    upper: dict[int, float] = {}
    lower: dict[int, float] = {}
    for f, below, threshold in path:
        if below:
            upper[f] = min(upper.get(f, np.inf), threshold)
        else:
            lower[f] = max(lower.get(f, -np.inf), threshold)
    out = []
    for f in dict.fromkeys(f for f, _, _ in path):
        if f in lower and f in upper:
            out.append(f"{_round(lower[f])} < {names[f]} <= {_round(upper[f])}")
        elif f in upper:
            out.append(f"{names[f]} <= {_round(upper[f])}")
        else:
            out.append(f"{names[f]} > {_round(lower[f])}")
    return out


def _round(value: float) -> str:
    return f"{value:.3g}"


# ---------------------------------------------------------------------- the result
@dataclass
class WhereRoadsWin:
    """The analysis of a table of runs: winners per point, shares, rules, and where they were written.

    ``runs`` is the table analysed (``point``, ``road``, ``seed`` if it had one, the parameters and
    the outcome columns, named like ``cumulative_profit@260``); ``points`` has each point's
    parameter values (index: the point, in order). A sweep folder's analysis also has its
    folder and design.
    """

    runs: pd.DataFrame
    parameters: list[str]
    points: pd.DataFrame
    best: pd.DataFrame
    shares: pd.DataFrame
    rules: dict[tuple[str, int], Rules]
    sweep_dir: Path | None = None
    design: SweepDesign | None = None
    written: list[Path] = field(default_factory=list)

    @property
    def roads(self) -> list[str]:
        from sim.study.plots import ordered_levels

        return ordered_levels(self.runs["road"], "road")

    @property
    def replicates(self) -> int:
        """Runs of each road at each point (the seeds of a sweep)."""
        return int(self.runs.groupby(["point", "road"]).size().max())

    def share_table(self) -> pd.DataFrame:
        """Rows: outcome and horizon; columns: roads; values: share of points where the road is best."""
        table = self.shares.pivot_table(index=["outcome", "horizon"], columns="road", values="share", sort=False)
        return table[[r for r in self.roads if r in table.columns]]

    def report(self) -> str:
        """The shares and the rules at the longest horizon, in words and numbers."""
        points = len(self.points)
        what = "seeds" if "seed" in self.runs else "runs"
        where = (f"({self.design.method}, {len(self.parameters)} parameters), in {self.sweep_dir}" if self.design
                 else f"({len(self.parameters)} parameter{'s' if len(self.parameters) != 1 else ''}: "
                      f"{', '.join(self.parameters)})")
        lines = [f"Where roads win: {points} design points x {len(self.roads)} roads x {self.replicates} {what} {where}",
                 f"Share of points where each road is best (mean over {what}):"]
        table = self.share_table()
        header = f"  {'outcome':<20} {'weeks':>5}  " + "  ".join(f"{_short(r):>9}" for r in table.columns)
        lines.append(header)
        for (outcome, h), row in table.iterrows():
            lines.append(f"  {outcome:<20} {h:>5}  " + "  ".join(f"{v:>9.0%}" for v in row))
        last = max(h for _, h in self.rules)
        for outcome in OUTCOMES:
            rules = self.rules.get((outcome, last))
            if rules is None:
                continue
            lines.append(f"Rules for the best road by {outcome} at {last} weeks ({rules.accuracy:.0%} of points right):")
            lines += [f"  {r.text()}" for r in rules.rules]
            lines.append("  Where each road wins most often:")
            lines += [f"    {region_text(road, rule, wins)}" for road, (rule, wins) in rules.regions.items()]
        if self.written:
            base = self.sweep_dir or self.written[0].parent
            lines.append("Written: " + ", ".join(str(p.relative_to(base)) for p in self.written))
        return "\n".join(lines)


def _short(road: str) -> str:
    return {"status_quo": "status quo", "engineering": "engineer", "consumer_decision": "consumer",
            "best_customer": "best cust", "competing_values": "competing"}.get(road, road)[:9]


def analyse_table(runs: pd.DataFrame, parameters: list[str], horizon: int | None = None, outcomes=None,
                  point: str = "point") -> WhereRoadsWin:
    """Where each road wins, from a table of runs however they were made (a sweep, ``batch_run``, EMA).

    Args:
        runs: one row per run: ``road``, the point's column (``point``: one number or name per
            organisation and market, the same on every road), the ``parameters`` and the outcome
            columns; ``seed`` and any other column are carried along. Outcome columns are named
            like ``cumulative_profit@260`` (an outcome of ``sim.outcomes`` @ its horizon in weeks;
            several horizons may sit side by side), or, for a table of one horizon, as the outcome
            (``cumulative_profit``) with ``horizon`` given.
        parameters: the columns that describe a point (numbers), the ones the rules speak of.
        horizon: the horizon of plain-named outcome columns, in weeks.
        outcomes: which outcomes (default: every outcome of ``sim.outcomes`` the table has).
        point: the column that numbers or names the points (EMA's ``scenario``, say).

    At each point each road's outcome is the mean over its runs (its seeds); the best road is the
    one with the highest mean. Nothing is written: :func:`write` does that.

    Raises:
        ValueError: naming the missing column of a malformed table; a parameter that is not a
            number, or that differs between the runs of one point; a point without a run of
            every road; a missing outcome value. ``NotAnalysable`` (a ValueError) for fewer
            than two roads.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> points = pd.DataFrame({"point": range(30), "initial_readiness": rng.random(30)})
        >>> runs = pd.concat([points.assign(road="engineering", cumulative_profit=1 - points.initial_readiness),
        ...                   points.assign(road="mission", cumulative_profit=points.initial_readiness)])
        >>> result = analyse_table(runs, ["initial_readiness"], horizon=260)
        >>> result.share_table().round(2).to_dict("records")
        [{'engineering': 0.53, 'mission': 0.47}]
        >>> for rule in result.rules[("cumulative_profit", 260)].rules:
        ...     print(rule.text())
        if initial_readiness <= 0.499: engineering (16 of 16 points)
        if initial_readiness > 0.499: mission (14 of 14 points)
    """
    parameters = list(parameters)
    require_columns(runs, ["road", point, *parameters], "the table of runs")
    columns = outcome_columns(runs, outcomes, horizon)
    table = runs.rename(columns={point: "point"}) if point != "point" else runs
    keep = ["point", "road", *(["seed"] if "seed" in table and "seed" not in parameters else []), *parameters]
    table = table[keep + list(columns.values())].rename(columns={c: column(*key) for key, c in columns.items()})
    table = table.reset_index(drop=True)
    for name in parameters:
        if not pd.api.types.is_numeric_dtype(table[name]):
            raise ValueError(f"parameter {name!r} is not a number (its values: {', '.join(map(str, table[name].unique()[:4]))}): "
                             "the rules compare parameters with thresholds")
    differ = table.groupby("point")[parameters].nunique(dropna=False).gt(1) if parameters else pd.DataFrame()
    if differ.to_numpy().any():
        where, name = next((p, n) for p, row in differ.iterrows() for n in parameters if row[n])
        raise ValueError(f"parameter {name!r} differs between the runs of point {where!r}: a point is one organisation "
                         "and market, the same on every road and seed")
    roads = table["road"].unique()
    if len(roads) < 2:
        raise NotAnalysable("where_roads_win compares roads: the runs need at least two roads "
                            "(in a sweep: road=status_quo,engineering,... as in +experiment=where_roads_win)")
    has = table.groupby("point")["road"].unique()
    for where, present in has.items():
        lacking = [r for r in roads if r not in set(present)]
        if lacking:
            raise ValueError(f"point {where!r} has no run of road {lacking[0]!r}: every road runs at every point")
    values = [column(*key) for key in columns]
    gaps = table[values].isna().sum()
    if gaps.any():
        raise ValueError(f"column {gaps.idxmax()!r} has no value for {int(gaps.max())} run(s)")
    points = table.drop_duplicates("point").set_index("point")[parameters].sort_index()
    best = winners(table)
    x = points.to_numpy(dtype=float)
    names = [n.split(".", 1)[-1] for n in parameters]
    rules = {}
    for (outcome, h), part in best.groupby(["outcome", "horizon"], sort=False):
        labels = part.set_index("point").loc[points.index, "best"].to_numpy()
        rules[(outcome, int(h))] = tree_rules(x, labels, names)
    result = WhereRoadsWin(table, parameters, points, best, pd.DataFrame(), rules)
    result.shares = shares(best, result.roads)
    return result


def analyse(sweep_dir: Path | str, figures: bool = True) -> WhereRoadsWin:
    """Read a where-roads-win sweep (:func:`read_runs`), analyse it (:func:`analyse_table`) and write the results beside it."""
    sweep_dir = Path(sweep_dir)
    design = read_design(sweep_dir)
    result = analyse_table(read_runs(sweep_dir, design), design.names)
    result.sweep_dir, result.design = sweep_dir, design
    result.written = write(result, figures=figures)
    return result


def write(result: WhereRoadsWin, out_dir: Path | str | None = None, figures: bool = True) -> list[Path]:
    """The tables, the rules and (optionally) the figures, into ``out_dir`` (default: the sweep folder)."""
    if out_dir is None and result.sweep_dir is None:
        raise ValueError("write: say where (out_dir); an analysis of a table has no sweep folder")
    d = Path(out_dir) if out_dir is not None else result.sweep_dir
    d.mkdir(parents=True, exist_ok=True)
    table = result.best.merge(result.points.reset_index(), on="point")
    paths = [d / WINNERS_TABLE, d / SHARES_TABLE, d / RULES_TEXT]
    table.to_csv(paths[0], index=False)
    result.shares.to_csv(paths[1], index=False)
    paths[2].write_text(rules_text(result) + "\n")
    if figures:
        paths += plot_shares(result, d / "figures") + plot_map(result, d / "figures")
    return paths


def region_text(road: str, rule: Rule, wins: int) -> str:
    """'competing_values: best at 11 points; where readiness > 0.55: best at 7 of 9 points'."""
    if not rule.conditions:
        return f"{road}: best at {wins} of {rule.points} points, no region narrower"
    where = " and ".join(rule.conditions)
    return f"{road}: best at {wins} point{'s' if wins != 1 else ''}; where {where}: best at {rule.right} of {rule.points}"


def rules_text(result: WhereRoadsWin) -> str:
    out = []
    for (outcome, h), rules in result.rules.items():
        out.append(f"{outcome}, {h} weeks ({rules.accuracy:.0%} of points right):")
        out += [f"  {r.text()}" for r in rules.rules]
        out += [f"  region: {region_text(road, rule, wins)}" for road, (rule, wins) in rules.regions.items()]
    return "\n".join(out)


# ---------------------------------------------------------------------- figures
def plot_shares(result: WhereRoadsWin, out_dir: Path) -> list[Path]:
    """Stacked bars: the share of points where each road is best, per horizon, one panel per outcome."""
    import matplotlib.pyplot as plt

    from sim.study.plots import palette_for, road_label

    table = result.share_table()
    roads = list(table.columns)
    colours = palette_for("road", roads)
    outcomes = list(dict.fromkeys(table.index.get_level_values("outcome")))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(3.6 * len(outcomes) + 1.5, 3.6), sharey=True, squeeze=False)
    for ax, outcome in zip(axes.flat, outcomes, strict=True):
        part = table.loc[outcome]
        bottom = np.zeros(len(part))
        labels = [str(h) for h in part.index]
        for road in roads:
            ax.bar(labels, part[road], bottom=bottom, color=colours[road], label=road_label(road), width=0.7)
            bottom += part[road].to_numpy()
        ax.set_title(f"{OUTCOMES[outcome].title}\n({OUTCOMES[outcome].what})", fontsize=9)
        ax.set_xlabel("horizon h (weeks)")
        ax.set_ylim(0, 1)
    axes.flat[0].set_ylabel("share of design points where the road is best")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="center right", frameon=False, fontsize=8)
    design = " (Latin hypercube)" if result.design is not None and result.design.method == "lhs" else ""
    runs = "paired seeds" if "seed" in result.runs else "runs"
    fig.suptitle(f"Where each road is best: {len(result.points)} organisations and markets{design}, "
                 f"mean of {result.replicates} {runs} each", fontsize=10)
    fig.tight_layout(rect=(0, 0, 0.8, 1))
    return _saved(fig, out_dir, "where_roads_win_shares")


def plot_map(result: WhereRoadsWin, out_dir: Path, outcome: str = "cumulative_profit") -> list[Path]:
    """The best road by ``outcome`` at the longest horizon, over the two parameters the tree leans on most."""
    import matplotlib.pyplot as plt

    from sim.study.plots import palette_for, road_label

    horizons = [h for o, h in result.rules if o == outcome]
    if not horizons:
        return []
    h = max(horizons)
    rules = result.rules[(outcome, h)]
    names = [n.split(".", 1)[-1] for n in result.parameters]
    if len(names) < 2:
        return []
    first, second = sorted(range(len(names)), key=lambda i: -rules.importance.get(names[i], 0.0))[:2]
    x = result.points.to_numpy(dtype=float)
    best = result.best[(result.best.outcome == outcome) & (result.best.horizon == h)].set_index("point").loc[result.points.index]
    colours = palette_for("road", result.roads)
    fig, ax = plt.subplots(figsize=(6.2, 4.6))
    for road in result.roads:
        mask = best["best"].to_numpy() == road
        if mask.any():
            ax.scatter(x[mask, first], x[mask, second], color=colours[road], label=f"{road_label(road)} ({mask.sum()})",
                       s=36, edgecolor="white", linewidth=0.5)
    ax.set_xlabel(result.parameters[first])
    ax.set_ylabel(result.parameters[second])
    ax.legend(frameon=False, fontsize=8, title="best road (points)", title_fontsize=8, loc="best")
    ax.set_title(f"Best road by {OUTCOMES[outcome].title.lower()} over {h} weeks\n"
                 f"(each dot an organisation and market; the two parameters the rules use most)", fontsize=9)
    fig.tight_layout()
    return _saved(fig, out_dir, "where_roads_win_map")


def _saved(fig, out_dir: Path, name: str) -> list[Path]:
    import matplotlib.pyplot as plt

    from sim.study.plots import save_figure

    try:
        return save_figure(fig, out_dir, name)
    finally:
        plt.close(fig)


# ---------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.study.where_roads_win", description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep_dir", type=Path, help="folder of a where_roads_win sweep")
    parser.add_argument("--no-figures", action="store_true", help="tables and rules only")
    args = parser.parse_args(argv)
    try:
        result = analyse(args.sweep_dir, figures=not args.no_figures)
    except NotAnalysable as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(result.report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
