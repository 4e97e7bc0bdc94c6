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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.outcomes import HEADLINE, OUTCOMES, outcomes
from sim.study.sensitivity import NotAnalysable, SweepDesign, finished_jobs, read_design

HORIZONS = (26, 52, 104, 260)
#: The outcomes compared (names of ``sim.outcomes.OUTCOMES``; higher is better for all).
COMPARED = HEADLINE
WINNERS_TABLE = "where_roads_win.csv"
SHARES_TABLE = "where_roads_win_shares.csv"
RULES_TEXT = "where_roads_win_rules.txt"
TREE_DEPTH = 2


# ---------------------------------------------------------------------- reading
def read_runs(sweep_dir: Path | str, design: SweepDesign, horizons=HORIZONS) -> pd.DataFrame:
    """One row per job: point, road, seed and each outcome at each horizon the runs reach.

    Raises:
        NotAnalysable: if a job has not finished, or the grid has no road or a single one.
    """
    rows = []
    for job, folder, summary in finished_jobs(sweep_dir, design):
        weekly = pd.read_parquet(folder / "timeseries.parquet")
        last = len(weekly) - 1
        row = {"point": int(job["point"]), "road": summary["road"], "seed": int(summary["seed"])}
        for h in horizons:
            if h > last:
                continue
            row.update({(name, h): value for name, value in outcomes(weekly, h, COMPARED).items()})
        rows.append(row)
    runs = pd.DataFrame(rows)
    if runs["road"].nunique() < 2:
        raise NotAnalysable("where_roads_win compares roads: the sweep's grid needs at least two roads "
                            "(road=status_quo,engineering,... as in +experiment=where_roads_win)")
    return runs


# ---------------------------------------------------------------------- who wins
def winners(runs: pd.DataFrame) -> pd.DataFrame:
    """For each point, outcome and horizon: the best road (mean over seeds), its value, the runner-up and the margin."""
    keys = [c for c in runs.columns if isinstance(c, tuple)]
    means = runs.groupby(["point", "road"])[keys].mean()
    rows = []
    for point, part in means.groupby(level="point"):
        part = part.droplevel("point")
        for outcome, h in keys:
            ranked = part[(outcome, h)].sort_values(ascending=False, kind="stable")
            rows.append({"point": point, "outcome": outcome, "horizon": h, "best": ranked.index[0],
                         "value": ranked.iloc[0], "runner_up": ranked.index[1], "margin": ranked.iloc[0] - ranked.iloc[1]})
    return pd.DataFrame(rows)


def shares(best: pd.DataFrame, roads: list[str]) -> pd.DataFrame:
    """Share of points where each road is best, per outcome and horizon (every road listed, 0 included)."""
    counts = best.groupby(["outcome", "horizon"])["best"].value_counts(normalize=True).rename("share")
    full = pd.MultiIndex.from_product([list(COMPARED), sorted(best.horizon.unique()), roads],
                                      names=["outcome", "horizon", "best"])
    out = counts.reindex(full, fill_value=0.0).reset_index().rename(columns={"best": "road"})
    return out[out.outcome.isin(best.outcome.unique())]


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
    """The analysis of one sweep: winners per point, shares, rules, and where they were written."""

    sweep_dir: Path
    design: SweepDesign
    runs: pd.DataFrame
    best: pd.DataFrame
    shares: pd.DataFrame
    rules: dict[tuple[str, int], Rules]
    written: list[Path] = field(default_factory=list)

    @property
    def roads(self) -> list[str]:
        from sim.study.plots import ordered_levels

        return ordered_levels(self.runs["road"], "road")

    def share_table(self) -> pd.DataFrame:
        """Rows: outcome and horizon; columns: roads; values: share of points where the road is best."""
        table = self.shares.pivot_table(index=["outcome", "horizon"], columns="road", values="share", sort=False)
        return table[[r for r in self.roads if r in table.columns]]

    def report(self) -> str:
        """The shares and the five-year rules, in words and numbers."""
        points, seeds = self.runs.point.nunique(), self.runs.seed.nunique()
        lines = [f"Where roads win: {points} design points x {len(self.roads)} roads x {seeds} seeds "
                 f"({self.design.method}, {len(self.design.names)} parameters), in {self.sweep_dir}",
                 "Share of points where each road is best (mean over seeds):"]
        table = self.share_table()
        header = f"  {'outcome':<20} {'weeks':>5}  " + "  ".join(f"{_short(r):>9}" for r in table.columns)
        lines.append(header)
        for (outcome, h), row in table.iterrows():
            lines.append(f"  {outcome:<20} {h:>5}  " + "  ".join(f"{v:>9.0%}" for v in row))
        last = max(h for _, h in self.rules)
        for outcome in COMPARED:
            rules = self.rules.get((outcome, last))
            if rules is None:
                continue
            lines.append(f"Rules for the best road by {outcome} at {last} weeks ({rules.accuracy:.0%} of points right):")
            lines += [f"  {r.text()}" for r in rules.rules]
            lines.append("  Where each road wins most often:")
            lines += [f"    {region_text(road, rule, wins)}" for road, (rule, wins) in rules.regions.items()]
        if self.written:
            lines.append("Written: " + ", ".join(str(p.relative_to(self.sweep_dir)) for p in self.written))
        return "\n".join(lines)


def _short(road: str) -> str:
    return {"status_quo": "status quo", "engineering": "engineer", "consumer_decision": "consumer",
            "best_customer": "best cust", "competing_values": "competing"}.get(road, road)[:9]


def analyse(sweep_dir: Path | str, figures: bool = True) -> WhereRoadsWin:
    """Read a where-roads-win sweep, work out the winners, shares and rules, and write them beside it."""
    sweep_dir = Path(sweep_dir)
    design = read_design(sweep_dir)
    runs = read_runs(sweep_dir, design)
    best = winners(runs)
    x = design.points()
    names = [n.split(".", 1)[-1] for n in design.names]
    rules = {}
    for (outcome, h), part in best.groupby(["outcome", "horizon"], sort=False):
        labels = part.sort_values("point")["best"].to_numpy()
        rules[(outcome, int(h))] = tree_rules(x, labels, names)
    result = WhereRoadsWin(sweep_dir, design, runs, best, pd.DataFrame(), rules)
    result.shares = shares(best, result.roads)
    result.written = write(result, figures)
    return result


def write(result: WhereRoadsWin, figures: bool = True) -> list[Path]:
    """The tables, the rules and (optionally) the figures, into the sweep folder."""
    d = result.sweep_dir
    values = result.design.table.drop_duplicates("point")[["point", *result.design.names]]
    table = result.best.merge(values, on="point")
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
    points, seeds = result.runs.point.nunique(), result.runs.seed.nunique()
    fig.suptitle(f"Where each road is best: {points} organisations and markets (Latin hypercube), "
                 f"mean of {seeds} paired seeds each", fontsize=10)
    fig.tight_layout(rect=(0, 0, 0.8, 1))
    return _saved(fig, out_dir, "where_roads_win_shares")


def plot_map(result: WhereRoadsWin, out_dir: Path, outcome: str = "cumulative_profit") -> list[Path]:
    """The best road by ``outcome`` at the longest horizon, over the two parameters the tree leans on most."""
    import matplotlib.pyplot as plt

    from sim.study.plots import palette_for, road_label

    h = max(h for o, h in result.rules if o == outcome)
    rules = result.rules[(outcome, h)]
    names = [n.split(".", 1)[-1] for n in result.design.names]
    first, second = sorted(range(len(names)), key=lambda i: -rules.importance.get(names[i], 0.0))[:2]
    x = result.design.points()
    best = result.best[(result.best.outcome == outcome) & (result.best.horizon == h)].sort_values("point")
    colours = palette_for("road", result.roads)
    fig, ax = plt.subplots(figsize=(6.2, 4.6))
    for road in result.roads:
        mask = best["best"].to_numpy() == road
        if mask.any():
            ax.scatter(x[mask, first], x[mask, second], color=colours[road], label=f"{road_label(road)} ({mask.sum()})",
                       s=36, edgecolor="white", linewidth=0.5)
    ax.set_xlabel(result.design.names[first])
    ax.set_ylabel(result.design.names[second])
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
