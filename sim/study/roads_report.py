"""docs/ROADS.md: what each road pulls, where each road wins, and which levers carry its lead.

Written by ``python -m sim.study.roads_report SWEEP_DIR`` (or ``make roads``) from a finished
where-roads-win sweep, plus a lever attribution at the default organisation run here
(``sim.study.attribution``) and the closed-loop value of what management senses. Every number is
computed; the wording follows fixed rules (a difference is "clear" when its 95% interval
excludes 0).
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from sim.kernels import warm_up
from sim.outcomes import OUTCOMES as DEFINED
from sim.roads import NAMED_ROADS
from sim.study.attribution import CENTRICITY_PARTS, attribute, outcomes
from sim.study.attribution import OUTCOMES as ATTRIBUTED
from sim.study.stats import t_interval as interval

#: The default organisation of the attribution (the reference scale of the five_roads study).
REFERENCE = {"n_employees": 300, "n_customers": 5000}
WEEKS = 260
#: Closed-loop comparisons: a road against itself with one of its information levers off.
SENSING = {"competing_values": {"pulse survey": {"survey": False}, "early-warning system": {"warning_system": False}}}


def _attribute_one(args) -> pd.DataFrame:
    road, seed = args
    return attribute(road, [seed], weeks=WEEKS, **REFERENCE)


def _closed_loop_one(args) -> dict:
    road, label, params, seed = args
    from sim.model import CentricityModel

    out = {}
    for name, road_params in (("with", {}), ("without", params)):
        m = CentricityModel(road=road, seed=seed, road_params=road_params, **REFERENCE)
        m.run(WEEKS)
        out[name] = outcomes(m.results())
    return {"road": road, "lever": label, "seed": seed,
            **{k: out["with"][k] - out["without"][k] for k in ATTRIBUTED}}


def attribution_table(seeds: int = 8, jobs: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(attribution, closed loop) for every road at the default organisation, ``seeds`` paired seeds."""
    roads = [r for r in NAMED_ROADS if r != "status_quo"]
    tasks = [(road, s) for road in roads for s in range(seeds)]
    loops = [(road, label, params, s) for road, levers in SENSING.items() for label, params in levers.items()
             for s in range(seeds)]
    warm_up()   # compiled once here: the workers load the kernels from the cache
    with ProcessPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        parts = pd.concat(pool.map(_attribute_one, tasks), ignore_index=True)
        closed = pd.DataFrame(pool.map(_closed_loop_one, loops))
    return parts, closed


def levers_of_roads(weeks: int = 104) -> pd.DataFrame:
    """For each road at its defaults: the levers it moves and their mean value over the run, against business as usual."""
    from sim.levers import LEVERS
    from sim.model import CentricityModel

    rows = {}
    usual = None
    for road in NAMED_ROADS:
        m = CentricityModel(road=road, seed=0, n_employees=60, n_customers=600, burn_in_weeks=4)
        m.run(weeks)
        applied = m.levers_applied().iloc[1:]
        if road == "status_quo":
            usual = applied.mean()
        rows[road] = applied.mean()
    table = pd.DataFrame(rows)
    moved = [name for name in LEVERS if (table.loc[name] != usual[name]).any()]
    table = table.loc[moved]
    table.insert(0, "business as usual", usual[moved])
    return table.drop(columns="status_quo")


def _commit() -> str:
    try:
        root = Path(__file__).resolve().parent.parent
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
        # Only what makes the numbers: the model, its studies and their configs (not the docs being written).
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "sim", "configs"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _fmt(value: float, outcome: str) -> str:
    if outcome == "cumulative_profit":
        return f"{value / 1e6:+.2f} M"
    return f"{value:+.3f}"


def _cell(values: np.ndarray, outcome: str) -> str:
    lo, hi = interval(values)
    mark = "" if lo > 0 or hi < 0 else " (not clear)"
    return f"{_fmt(values.mean(), outcome)} [{_fmt(lo, outcome)}, {_fmt(hi, outcome)}]{mark}"


def write_roads_report(result, path: Path | str, seeds: int = 8, jobs: int | None = None) -> Path:
    """Write docs/ROADS.md from a where-roads-win analysis and a fresh attribution; copy its figures beside it."""
    from sim._version import __version__
    from sim.levers import LEVERS
    from sim.study.plots import road_label

    path = Path(path)
    figures = path.parent / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    for name in ("where_roads_win_shares.png", "where_roads_win_map.png"):
        source = result.sweep_dir / "figures" / name
        if source.exists():
            shutil.copyfile(source, figures / name)
    parts, closed = attribution_table(seeds, jobs)
    design = result.design
    points, n_seeds = result.runs.point.nunique(), result.runs.seed.nunique()
    lines = [
        "# Where each road wins, and why",
        "",
        "<!-- Generated by `python -m sim.study.roads_report SWEEP_DIR`; do not edit by hand. -->",
        "",
        "A road is a policy over one shared set of levers (docs/ODD.md 7.1): it chooses lever values week by week, "
        "and every effect and every price is the engine's, the same for any road. This page shows which levers each "
        "road pulls, where in a space of organisations and markets each road comes out best, and which levers carry "
        "each road's lead over the status quo in the default organisation.",
        "",
        f"- **Commit:** `{_commit()}`; package `centricity-sim` {__version__}; Python {platform.python_version()}",
        f"- **Date:** {_dt.datetime.now(_dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- **Sweep:** `{result.sweep_dir}`: {points} organisations and markets ({design.method}, sampler seed "
        f"{design.info.get('seed', 0)}) x {len(result.roads)} roads x {n_seeds} paired seeds.",
        f"- **Attribution:** the default organisation ({REFERENCE['n_employees']} employees, "
        f"{REFERENCE['n_customers']:,} customers, {WEEKS} weeks), {seeds} paired seeds; intervals are 95% t intervals "
        "across seeds.",
        "",
        "## 1. What each road pulls",
        "",
        "Mean value of each lever a road moves over its first two years (weeks 1-104), beside business as usual. "
        "Levers no road moves are left out; `sim/levers.py` lists all of them with their ranges and prices.",
        "",
    ]
    pulled = levers_of_roads()
    lines.append("| lever | business as usual | " + " | ".join(road_label(r) for r in pulled.columns[1:]) + " |")
    lines.append("|---|" + "---:|" * len(pulled.columns))
    for name, row in pulled.iterrows():
        cells = [f"{v:.3g}" if v != row.iloc[0] or i == 0 else "·" for i, v in enumerate(row)]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += ["", "(· : as usual.)", "", "## 2. Where each road is best", ""]
    ranges = ", ".join(f"`{n}` {lo:g}-{hi:g}" for n, (lo, hi) in zip(design.names, design.problem["bounds"], strict=True))
    compared = "; ".join(f"`{name}`, the {DEFINED[name].what}" for name in dict.fromkeys(o for o, _ in result.rules))
    lines += [f"Each of {points} organisations and markets is a point of a Latin hypercube over {ranges}; the rest "
              "as in `configs/experiment/where_roads_win.yaml`. At each point every road runs on the same seeds, and the "
              f"best road is the one with the highest mean over the seeds. Outcomes (`sim/outcomes.py`): {compared}; "
              "higher is better for all.",
              "", "Share of points where each road is best:", ""]
    table = result.share_table()
    lines.append("| outcome | weeks | " + " | ".join(road_label(r) for r in table.columns) + " |")
    lines.append("|---|---:|" + "---:|" * len(table.columns))
    for (outcome, h), row in table.iterrows():
        lines.append(f"| {outcome} | {h} | " + " | ".join(f"{v:.0%}" for v in row) + " |")
    lines += ["", "![Share of points where each road is best](figures/where_roads_win_shares.png)", "",
              "Rules for the best road at two and five years: a classification tree of depth 2 (leaves of at least a "
              "tenth of the points), and for each road that wins somewhere the region where it wins most often (a "
              "tree of the same depth for that road against the rest). After each rule: how many of the points it "
              "covers it gets right. All horizons: `where_roads_win_rules.txt` in the sweep folder.", ""]
    from sim.study.where_roads_win import region_text

    for (outcome, h), rules in result.rules.items():
        if h < 104:
            continue
        lines.append(f"- **{outcome}, {h} weeks** ({rules.accuracy:.0%} of points right): "
                     + "; ".join(r.text() for r in rules.rules))
        lines += [f"  - {region_text(road, rule, wins)}" for road, (rule, wins) in rules.regions.items()]
    lines += ["", "![Best road by five-year profit over the two parameters the rules use most](figures/where_roads_win_map.png)",
              "", "## 3. Which levers carry each road's lead (default organisation)", "",
              "For each road: its lead over the status quo on the same seeds, then, for each lever it moves, the part "
              "of the lead that lever carries: the lead minus the lead left when the road's recorded levers are "
              "replayed (`custom` road) with that lever at business as usual throughout. Levers that move together "
              "(the three reward weights, the espoused values, right-sizing and its workload, process improvement and "
              "its focus, the ladder's rung and pace) count as one. The replays are open loop: the road's feedback "
              "rules do not react to the missing lever, so information levers (the pulse survey, the early-warning "
              "system) show only their price here; their worth is in section 4. The interaction is the lead minus "
              "the sum of the parts.", ""]
    for road in [r for r in NAMED_ROADS if r != "status_quo"]:
        part = parts[parts.road == road]
        lines += [f"### {road_label(road)}", "", "| | " + " | ".join(ATTRIBUTED) + " |", "|---|" + "---:|" * len(ATTRIBUTED)]
        lead = {k: part[(part.outcome == k)].groupby("seed").lead.first().to_numpy() for k in ATTRIBUTED}
        lines.append("| **lead over the status quo** | " + " | ".join(_cell(lead[k], k) for k in ATTRIBUTED) + " |")
        levers = [lv for lv in dict.fromkeys(part.lever) if lv != "(interaction)"] + ["(interaction)"]
        for lever in levers:
            cells = [_cell(part[(part.lever == lever) & (part.outcome == k)].part.to_numpy(), k) for k in ATTRIBUTED]
            label = lever if lever == "(interaction)" else f"`{lever}`"
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [f"Units: cumulative profit in millions ({DEFINED['cumulative_profit'].unit} over five years); centricity and "
              "satisfaction in points of their 0-1 scales.", "", "### Which parts carry each road's centricity change", "",
              "Customer centricity is the mean of three parts, each read from what employees do or customers "
              "experience (docs/ODD.md 7.6.1): the customer orientation and effort of the staff who served "
              "(**behaviour**), the share of hard questions resolved at the first contact as the customer judges it "
              "(**resolution**), and customers' needs met (**needs met**). Each road's lead in mean centricity over "
              "weeks 1-260, split into the leads of the three parts (each a third of its own lead, so they add up):", "",
              "| road | mean_centricity | " + " | ".join(CENTRICITY_PARTS) + " |",
              "|---|---:|" + "---:|" * len(CENTRICITY_PARTS)]
    for road in [r for r in NAMED_ROADS if r != "status_quo"]:
        part = parts[(parts.road == road) & (parts.lever == "(interaction)")]
        cells = [_cell(part[part.outcome == k].lead.to_numpy(), "mean_centricity")
                 for k in ("mean_centricity", *CENTRICITY_PARTS)]
        lines.append(f"| {road_label(road)} | " + " | ".join(cells) + " |")
    lines += ["", "## 4. What sensing is worth (closed loop)", "",
              "A road that reads what management senses, against the same road with that information lever off "
              "(its rules then act without the reading), on the same seeds:", "",
              "| road | lever | " + " | ".join(ATTRIBUTED) + " |", "|---|---|" + "---:|" * len(ATTRIBUTED)]
    for (road, lever), part in closed.groupby(["road", "lever"], sort=False):
        lines.append(f"| {road_label(road)} | {lever} | "
                     + " | ".join(_cell(part[k].to_numpy(), k) for k in ATTRIBUTED) + " |")
    lines += ["", "## 5. How to read this", "",
              "- Every road here pays the same prices for the same levers (`sim/levers.py`, docs/ODD.md 7.1); a lever a "
              "road does not move stays at business as usual. Replaying any road's recorded levers through the "
              "`custom` road gives the identical run (`tests/test_replay.py`).",
              "- Shares of points depend on the ranges chosen for the design; the rules describe this design, not the "
              "world. A road best at few points may still be a close second at many: `where_roads_win.csv` in the sweep "
              "folder has each point's margin over the runner-up.",
              f"- {len(LEVERS)} levers exist; the named roads use a few each. The `custom` road (experiments/"
              "proper_order.md) shows one built from others.", *assumption_bullets(), ""]
    path.write_text("\n".join(lines))
    return path


def assumption_bullets() -> list[str]:
    """What the screening of the model's effect sizes (docs/ASSUMPTIONS.md) flags about the default
    organisation's conclusions, as bullets (none if no screening has been made)."""
    from sim.validation.assumptions import flag_sentences, read_flags

    flags = read_flags()
    if flags is None:
        return []
    default = flags[flags.organisation == "default"]
    clear = int((default.verdict != "no clear sign").sum())
    flipped = flag_sentences(None)
    head = (f"- **Assumptions.** docs/ASSUMPTIONS.md screens every effect size of the model within its plausible range "
            f"(at a small size). Of its {len(default)} conclusions about the default organisation, {clear} have a "
            f"clear sign there, and {clear - len(flipped)} of them hold")
    if not flipped:
        return [head + "."]
    return [head + f"; {len(flipped)} flip:", *(f"  - {text[:1].upper()}{text[1:]}." for text in flipped)]


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    from sim.study.sensitivity import NotAnalysable
    from sim.study.where_roads_win import analyse

    parser = argparse.ArgumentParser(prog="python -m sim.study.roads_report", description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep_dir", type=Path, help="folder of a where_roads_win sweep")
    parser.add_argument("--out", type=Path, default=Path("docs/ROADS.md"), help="the page to write (docs/ROADS.md)")
    parser.add_argument("--seeds", type=int, default=8, help="paired seeds of the attribution (default 8)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes for the attribution (default: all cores)")
    args = parser.parse_args(argv)
    try:
        result = analyse(args.sweep_dir)
    except NotAnalysable as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(result.report())
    print(f"wrote {write_roads_report(result, args.out, seeds=args.seeds, jobs=args.jobs)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
