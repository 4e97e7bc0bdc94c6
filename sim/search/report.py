"""What a search says: the Pareto set in words, the named roads against it, and where the chosen policy fails.

From a :class:`~sim.search.optimise.SearchResult` and the futures it was scored on:

* **the Pareto set** as a table: each policy's robust score on each objective, its worst
  regret (``sim.search.robustness.regret``) and its levers in words;
* **the named roads against it**: each of the five roads and the status quo scored the
  same way on the same futures, how many found policies beat it on every objective, and
  its gap to the set's best on each;
* **the chosen policy**: the set's most balanced member, the one whose worst objective,
  each scaled from the worst to the best of the set and the roads, is best (a maximin
  choice; ``choose=N`` picks another). Its schedule is written for the ``custom`` road;
* **where it fails**: it is run with the status quo in a fresh, larger sample of futures;
  it *fails* in a future where it falls behind the status quo on any objective. PRIM
  (Friedman & Fisher 1999; EMA Workbench's, as in Bryant & Lempert 2010) finds the box of
  uncertain values where failures concentrate; the report gives the box with its coverage
  (the share of all failures inside it) and density (the share of futures inside it that
  fail), choosing on PRIM's peeling trajectory the first box (the largest, so the one that
  covers most) whose density is at least ``PRIM_DENSITY`` (else the densest), then dropping
  the restrictions whose quasi-p value is not below ``QUASI_P`` (they are not significant).
  When (almost) no future fails, PRIM looks instead for the quarter of the futures where the
  policy delivers least on the first objective, and the report says so.

``write_report`` writes these into the search folder (``SEARCH.md``, CSV tables, the chosen
policy's schedule, a parallel-coordinates figure and the convergence figure);
``write_docs`` gathers several searches into docs/SEARCH.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.outcomes import OUTCOMES
from sim.search.optimise import SearchResult, epsilons
from sim.search.policies import DesignedPolicy, PolicySpace
from sim.search.robustness import Futures, regret, robust_score

NAMED_ROADS = ("status_quo", "engineering", "mission", "consumer_decision", "best_customer", "competing_values")
#: PRIM's box: the first on the peeling trajectory at least this dense (the share of its futures that fail).
PRIM_DENSITY = 0.8
#: A box's restriction is kept when PRIM's quasi-p value for it is below this.
QUASI_P = 0.05
#: Below this share of failing futures, PRIM looks for the quarter where the policy delivers least instead.
FEWEST_FAILURES = 0.05
#: Futures of the failure analysis, and the offset of their seeds from the search's (fresh futures).
PRIM_FUTURES = 48
PRIM_SEED_OFFSET = 10_000


@dataclass
class Report:
    """Everything ``SEARCH.md`` says, as tables."""

    front: pd.DataFrame        # policy, score.*, regret.*, words
    roads: pd.DataFrame        # road, score.*, regret.*, beaten_by, gap.*
    chosen: str                # the chosen policy's key
    chosen_words: str
    schedule: pd.DataFrame
    failures: pd.DataFrame     # the PRIM futures: uncertain values, leads, failed
    prim: dict | None          # coverage, density, box limits, or None if PRIM has nothing to find
    convergence: pd.DataFrame
    objectives: list[str]
    robustness: str
    simplified: dict           # the chosen policy simplified: levers moved (and before), score.*, regret.*
    full_words: str            # the chosen policy as the search found it
    alone: pd.DataFrame        # each lever of the simplified policy moved alone: score.*, free_lunch


def build_report(result: SearchResult, space: PolicySpace, futures: Futures, objectives: Sequence[str],
                 robustness: str, choose: int | None = None, prim_futures: int = PRIM_FUTURES,
                 uncertain: Sequence[str] | None = None, processes: int = 1) -> Report:
    """Score the named roads, choose a policy, simplify it, and look for where it fails.

    ``processes`` > 1 runs each policy's futures in that many local processes.
    """
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(processes) if processes > 1 else None
    try:
        return _build(result, space, futures.with_baseline(pool), list(objectives), robustness, choose, prim_futures,
                      uncertain, pool)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _build(result, space, futures, objectives, robustness, choose, prim_futures, uncertain, pool) -> Report:
    cols = [list(OUTCOMES).index(o) for o in objectives]
    road_outcomes = {road: futures.evaluate(road, pool=pool) for road in NAMED_ROADS}

    def scores(outcome: np.ndarray) -> np.ndarray:
        return robust_score(futures.leads(outcome)[:, cols], robustness)

    policies = {k: space.decode(_x(result, k)) for k in result.keys}
    front = pd.DataFrame([{"policy": k, **_named("score", objectives, scores(result.outcomes[k])),
                           "moved": len(policies[k].moves), "words": policies[k].words()} for k in result.keys])
    roads = pd.DataFrame([{"road": r, **_named("score", objectives, scores(o))} for r, o in road_outcomes.items()])
    score_cols = [f"score.{o}" for o in objectives]
    f, r = front[score_cols].to_numpy(), roads[score_cols].to_numpy()
    roads["beaten_by"] = [int(np.sum(np.all(f > row, axis=1))) for row in r]
    for o in objectives:
        roads[f"gap.{o}"] = front[f"score.{o}"].max() - roads[f"score.{o}"]

    low, high = np.vstack([f, r]).min(axis=0), np.vstack([f, r]).max(axis=0)
    scaled = (f - low) / np.where(high > low, high - low, 1.0)
    order = np.argsort(-scaled.min(axis=1), kind="stable")
    pick = int(order[0]) if choose is None else int(choose)
    if not 0 <= pick < len(front):
        raise ValueError(f"choose = {choose} is out of range; allowed range [0, {len(front) - 1}] (the Pareto set's rows)")
    chosen = front.policy.iloc[pick]
    full = policies[chosen]
    simple, simple_outcomes = simplify(full, futures, scores, epsilons(objectives, futures), pool)

    everyone = {**{k: result.outcomes[k] for k in result.keys}, **road_outcomes, "simplified": simple_outcomes}
    regrets = regret(everyone)
    for table, names in ((front, front.policy), (roads, roads.road)):
        for o in objectives:
            table[f"regret.{o}"] = [float(regrets.loc[n, o]) for n in names]
    simplified = {"moved": len(simple.moves), "full_moved": len(full.moves),
                  **_named("score", objectives, scores(simple_outcomes)),
                  **{f"regret.{o}": float(regrets.loc["simplified", o]) for o in objectives}}
    schedule = simple.schedule(futures.horizon)
    failures, prim = where_it_fails(schedule, futures, objectives, prim_futures, uncertain, pool)
    alone = each_lever_alone(simple, futures, scores, objectives, pool)
    return Report(front, roads, chosen, simple.words(), schedule, failures, prim, result.convergence, objectives,
                  robustness, simplified, full.words(), alone)


def each_lever_alone(policy: DesignedPolicy, futures: Futures, scores, objectives: Sequence[str],
                     pool=None) -> pd.DataFrame:
    """Each move of ``policy`` on its own (every other lever as usual): its robust scores, and whether it
    beats the status quo on every objective by itself (a free lunch: ``free_lunch``).

    The model's promise is that no lever pays on every outcome everywhere (DOMAIN.md, "The tension"):
    a lever that does so across the futures is a price the model is missing, and a policy built on it
    says more about the model than about the organisation.
    """
    rows = []
    for move in policy.moves:
        s = scores(futures.evaluate_schedule(DesignedPolicy((move,)).schedule(futures.horizon), pool))
        rows.append({"lever": move.lever, **_named("score", objectives, s), "free_lunch": bool(np.all(s > 0))})
    return pd.DataFrame(rows, columns=["lever", *[f"score.{o}" for o in objectives], "free_lunch"])


def simplify(policy: DesignedPolicy, futures: Futures, scores, tolerance: Sequence[float],
             pool=None) -> tuple[DesignedPolicy, np.ndarray]:
    """The policy with every lever left alone that it does not need: (the simpler policy, its outcomes).

    Lever by lever (in ``sim.levers`` order), the move is dropped if without it no robust score
    falls by more than that objective's ``tolerance`` (the search's epsilon) below the scores
    of the policy kept so far. A search over real numbers moves every lever a little; this
    says which moves carry the policy. The result is itself a policy: it replays through the
    ``custom`` road and is what the report recommends and tests for failure.
    """
    kept = list(policy.moves)
    current = futures.evaluate_schedule(policy.schedule(futures.horizon), pool)
    best = scores(current)
    for move in list(kept):
        trial = DesignedPolicy(tuple(m for m in kept if m is not move))
        outcome = futures.evaluate_schedule(trial.schedule(futures.horizon), pool)
        s = scores(outcome)
        if np.all(s >= best - np.asarray(tolerance)):
            kept.remove(move)
            current, best = outcome, s
    return DesignedPolicy(tuple(kept)), current


def _named(prefix: str, objectives: Sequence[str], values) -> dict[str, float]:
    return {f"{prefix}.{o}": float(v) for o, v in zip(objectives, values, strict=True)}


def where_it_fails(schedule: pd.DataFrame, futures: Futures, objectives: Sequence[str], n: int = PRIM_FUTURES,
                   uncertain: Sequence[str] | None = None, pool=None) -> tuple[pd.DataFrame, dict | None]:
    """Run a schedule and the status quo in ``n`` fresh futures; PRIM's box of the ones where it falls behind."""
    fresh = Futures.sample(futures.settings, n=n, horizon=futures.horizon, seed=futures.seeds[0] + PRIM_SEED_OFFSET,
                           keys=uncertain if uncertain is not None else list(futures.table.columns)).with_baseline(pool)
    cols = [list(OUTCOMES).index(o) for o in objectives]
    leads = fresh.leads(fresh.evaluate_schedule(schedule, pool))[:, cols]
    table = fresh.table.copy()
    for j, o in enumerate(objectives):
        table[f"lead.{o}"] = leads[:, j]
    table["failed"] = (leads < 0).any(axis=1)
    table["of_interest"] = table["failed"]
    target = "falls behind the status quo on at least one outcome"
    if table.failed.sum() < max(2, FEWEST_FAILURES * n):
        # It fails (almost) nowhere: look instead for where it delivers least on the first objective.
        first = table[f"lead.{objectives[0]}"]
        table["of_interest"] = first <= first.quantile(0.25)
        target = f"delivers least (the quarter of them with the smallest lead in {OUTCOMES[objectives[0]].title.lower()})"
    box = prim_box(fresh.table, table["of_interest"].to_numpy())
    if box is not None:
        box["target"] = target
    return table, box


def prim_box(x: pd.DataFrame, failed: np.ndarray, density: float = PRIM_DENSITY) -> dict | None:
    """EMA Workbench's PRIM on (uncertain values, failed): the chosen box, or None when there is nothing to find.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = pd.DataFrame({"a": rng.random(200), "b": rng.random(200)})
        >>> box = prim_box(x, (x.a > 0.7).to_numpy())
        >>> [name for name, low, high in box["limits"]], box["density"] >= 0.8, box["coverage"] > 0.9
        (['a'], True, True)
    """
    prim = _ema("prim")
    failed = np.asarray(failed, dtype=bool)
    share = float(failed.mean()) if len(failed) else 0.0
    if failed.sum() < 2 or failed.sum() > len(failed) - 2:
        return None
    p = prim.Prim(x.reset_index(drop=True), failed.astype(int), peel_alpha=0.1)
    box = p.find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory.index[trajectory.density >= density]
    i = int(dense[0]) if len(dense) else int(trajectory.density.idxmax())
    box.select(i)
    stats, limits = box.inspect(i, style="data")[0]
    # Keep the restrictions that matter: drop those PRIM's quasi-p test does not find significant
    # (p >= QUASI_P), as scenario discovery does (Bryant & Lempert 2010), unless none would be left.
    significant = [name for name in limits.index
                   if np.nanmin(limits.loc[name].iloc[2:].to_numpy(dtype=float)) < QUASI_P]
    if significant and len(significant) < len(limits):
        for name in limits.index.difference(significant):
            box.drop_restriction(name)
        stats, limits = box.inspect(len(box.peeling_trajectory) - 1, style="data")[0]
    out = [(name, float(limits.loc[name].iloc[0]), float(limits.loc[name].iloc[1])) for name in limits.index]
    full = {name: (float(x[name].min()), float(x[name].max())) for name in x.columns}
    return {"coverage": float(stats["coverage"]), "density": float(stats["density"]), "mass": float(stats["mass"]),
            "limits": out, "ranges": full, "failure_share": share}


def _ema(module: str):
    """An EMA Workbench analysis module, imported without its notice about an optional parallel backend."""
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        return importlib.import_module(f"ema_workbench.analysis.{module}")


def _x(result: SearchResult, key: str) -> list[float]:
    return result.variables[key]


# ---------------------------------------------------------------------- writing
def write_report(report: Report, folder: Path, settings: dict) -> list[Path]:
    """SEARCH.md, the tables, the chosen schedule and the figures, into the search folder."""
    folder = Path(folder)
    written = []
    for name, table in (("front.csv", report.front), ("roads.csv", report.roads), ("levers_alone.csv", report.alone),
                        ("convergence.csv", report.convergence), ("failures.csv", report.failures)):
        table.to_csv(folder / name, index=False)
        written.append(folder / name)
    report.schedule.to_csv(folder / "chosen_schedule.csv", index=False)
    written.append(folder / "chosen_schedule.csv")
    (folder / "search.json").write_text(json.dumps({**settings, "chosen": report.chosen, "prim": report.prim,
                                                    "simplified": report.simplified,
                                                    "chosen_words": report.chosen_words,
                                                    "where_it_fails": prim_words(report),
                                                    "about_the_model": model_words(report),
                                                    "escapes_the_tension": escapes_the_tension(report),
                                                    "free_alone": [str(x) for x in report.alone.lever[report.alone.free_lunch]]
                                                    if len(report.alone) else [],
                                                    "objectives": report.objectives, "robustness": report.robustness},
                                                   indent=2, default=str))
    written += plot_front(report, folder / "figures")
    written += plot_convergence(report, folder / "figures")
    (folder / "SEARCH.md").write_text(markdown(report, settings, figures="figures"))
    written.append(folder / "SEARCH.md")
    return written


def markdown(report: Report, settings: dict, figures: str = "figures", level: int = 1) -> str:
    """The search's report as Markdown (``level`` is its title's heading level)."""
    from sim.validation.tables import markdown_table

    h = "#" * level
    objectives = report.objectives
    title = settings.get("scenario_title") or settings.get("scenario") or "the default organisation"
    lines = [f"{h} A road designed for {title}", ""]
    lines += [f"Searched: {settings['nfe']} candidate policies (epsilon-NSGA-II, population {settings['population']}, "
              f"optimiser seed {settings['seed']}) over {len(settings['levers'])} levers "
              f"(level, start week and ramp each), each run in the same {settings['futures']} futures of the "
              f"organisation over {settings['horizon']} weeks; scored by the {_measure_words(report.robustness)} "
              f"of its lead over the status quo in the same future. This run took {settings.get('minutes', '?')} min "
              f"on {settings['processes']} processes{_read_back(settings)}. Package {settings['version']}, command "
              f"`{settings['command']}`.", ""]
    lines += [f"{h}# The Pareto set ({len(report.front)} policies)", ""]
    rows = []
    for i, r in report.front.iterrows():
        mark = " (chosen)" if r.policy == report.chosen else ""
        rows.append([f"{i}{mark}"] + [_fmt(o, r[f"score.{o}"]) for o in objectives]
                    + [_fmt(o, r[f"regret.{o}"], sign=False) for o in objectives] + [str(r.moved)])
    head = (["policy"] + [f"{OUTCOMES[o].title}: lead" for o in objectives]
            + [f"{OUTCOMES[o].title}: worst regret" for o in objectives] + ["levers moved"])
    lines += [markdown_table(pd.DataFrame(rows, columns=head)), ""]
    lines += [f"Leads are the {_measure_words(report.robustness)} of the policy's outcome minus the status quo's "
              "in the same future; the worst regret is the most the policy falls short of the best policy "
              "considered (the set, the simplified chosen policy and the named roads) in any one future.", ""]
    lines += ["<details><summary>Every policy of the set in words, as found</summary>", ""]
    for i, r in report.front.iterrows():
        lines += [f"**Policy {i}**" + (" (chosen)" if r.policy == report.chosen else "") + ":", ""]
        lines += ["- " + line for line in r.words.splitlines()] + [""]
    lines += ["</details>", ""]
    simple, chosen_row = report.simplified, report.front.set_index("policy").loc[report.chosen]
    lines += [f"{h}# The chosen policy in words", "",
              f"The most balanced policy of the set (its worst objective, scaled between the worst and the best of "
              f"the set and the roads, is the best) moves {_levers(simple['full_moved'])}. Left alone one by one where "
              f"that costs no objective more than the search's epsilon, {simple['moved']} of them carry it:", ""]
    lines += ["- " + line for line in report.chosen_words.splitlines()] + [""]
    rows = [["as found", str(simple["full_moved"])] + [_fmt(o, chosen_row[f"score.{o}"]) for o in objectives],
            ["simplified (recommended)", str(simple["moved"])] + [_fmt(o, simple[f"score.{o}"]) for o in objectives]]
    head = ["the chosen policy", "levers moved"] + [f"{OUTCOMES[o].title}: lead" for o in objectives]
    lines += [markdown_table(pd.DataFrame(rows, columns=head)), ""]
    lines += ["Its schedule is `chosen_schedule.csv`; replay it with "
              "`python -m sim road=custom road.schedule=chosen_schedule.csv` (and the organisation's settings). "
              "The policy as found is in `front.csv`.", ""]
    lines += [f"{h}# The named roads against the set", ""]
    rows = [[r.road.replace("_", " ")] + [_fmt(o, r[f"score.{o}"]) for o in objectives]
            + [f"{r.beaten_by} of {len(report.front)}"] + [_fmt(o, r[f"gap.{o}"], sign=False) for o in objectives]
            for _, r in report.roads.iterrows()]
    head = (["road"] + [f"{OUTCOMES[o].title}: lead" for o in objectives] + ["policies better on all"]
            + [f"{OUTCOMES[o].title}: gap to the best" for o in objectives])
    lines += [markdown_table(pd.DataFrame(rows, columns=head)), ""]
    lines += [f"{h}# Where the chosen policy fails", ""]
    lines += [prim_words(report), ""]
    lines += [f"{h}# What it says about the model", ""]
    lines += [model_words(report), ""]
    if len(report.alone):
        rows = [[f"`{r.lever}`"] + [_fmt(o, r[f"score.{o}"]) for o in objectives] + ["yes" if r.free_lunch else "no"]
                for _, r in report.alone.iterrows()]
        head = ["lever, moved alone"] + [f"{OUTCOMES[o].title}: lead" for o in objectives] + ["ahead on all"]
        lines += [markdown_table(pd.DataFrame(rows, columns=head)), ""]
    lines += [f"{h}# Convergence", ""]
    c = report.convergence
    if len(c):
        half = c.hypervolume.iloc[len(c) // 2]
        lines += [f"Hypervolume of the Pareto set (normalised by everything evaluated): {c.hypervolume.iloc[0]:.3f} "
                  f"after the random start ({int(c.nfe.iloc[0])} candidates), {half:.3f} half way "
                  f"({int(c.nfe.iloc[len(c) // 2])}), {c.hypervolume.iloc[-1]:.3f} at the end "
                  f"({int(c.nfe.iloc[-1])}).", ""]
    lines += [f"![The Pareto set and the named roads]({figures}/front.png)", "",
              f"![Convergence]({figures}/convergence.png)", ""]
    return "\n".join(lines)


def prim_words(report: Report) -> str:
    f = report.failures
    n, failed = len(f), int(f.failed.sum())
    head = (f"Run with the status quo in {n} fresh futures, the chosen policy falls behind the status quo on at least "
            f"one objective in {failed} of them.")
    if report.prim is None:
        return head + " PRIM found no box: the futures of interest are too few, or too many, to contrast."
    p = report.prim
    conditions = "; ".join(f"{name} between {lo:.3g} and {hi:.3g} (of {p['ranges'][name][0]:.3g} to "
                           f"{p['ranges'][name][1]:.3g})" for name, lo, hi in p["limits"]) or \
        "no restriction (those futures are spread over the whole range of what is uncertain)"
    looked = ("" if p["target"].startswith("falls behind") else
              f" Too few fail for PRIM, so it looks instead for the futures where the policy {p['target']}.")
    return (head + looked + f" PRIM's box of the futures where it {p['target'].split(' (')[0]}: {conditions}. "
            f"It holds {p['coverage']:.0%} of those futures (coverage), and {p['density']:.0%} of the futures in "
            f"it are such (density).")


def escapes_the_tension(report: Report) -> bool:
    """The chosen (simplified) policy leads on every objective at its robust score and falls behind in no fresh future."""
    return all(report.simplified[f"score.{o}"] > 0 for o in report.objectives) and not report.failures.failed.any()


def model_words(report: Report) -> str:
    """Whether the chosen policy escapes the tension between the values, and which of its levers do so alone."""
    ahead = never_behind = escapes_the_tension(report)
    free = list(report.alone.lever[report.alone.free_lunch]) if len(report.alone) else []
    if not (ahead and never_behind):
        text = ("The chosen policy buys one outcome with another somewhere in the futures: the values compete, "
                "as the model means them to (DOMAIN.md, \"The tension\").")
    else:
        text = ("The chosen policy leads the status quo on every outcome, in the worst tenth of the futures too, and "
                "falls behind it in none of the fresh futures: here the values do not compete. That is a claim "
                "about the model as much as about the organisation: read it with the model's known gaps, the "
                "levers whose costs no mechanism charges yet (docs/ODD.md 10.2, item 31; the free-lunch audit in "
                "docs/VALIDATION.md).")
    if free:
        text += (" Moved alone, these of its levers lead on every outcome by themselves: "
                 + ", ".join(f"`{name}`" for name in free) + ".")
    elif len(report.alone) and ahead and never_behind:
        text += " No lever of it leads on every outcome by itself: the gain comes from the combination."
    return text


def _read_back(settings: dict) -> str:
    n = settings.get("read_back", 0)
    return f", reading {n} evaluated candidates back from an earlier run of the same search" if n else ""


def _levers(n: int) -> str:
    return f"{n} lever" if n == 1 else f"{n} levers"


def _measure_words(measure: str) -> str:
    if measure == "mean":
        return "mean across futures"
    q = float(measure[1:])
    return f"{q:g}th percentile across futures"


def _fmt(outcome: str, value: float, sign: bool = True) -> str:
    if outcome == "cumulative_profit":
        text = f"{value / 1e6:+.2f} M" if sign else f"{value / 1e6:.2f} M"
    elif outcome == "mean_efficiency":
        text = f"{value:+.2f}" if sign else f"{value:.2f}"
    else:
        text = f"{value:+.3f}" if sign else f"{value:.3f}"
    return text.replace("-", "\u2212")


def plot_front(report: Report, out_dir: Path) -> list[Path]:
    """Parallel coordinates (EMA Workbench's) of the set's scores, the recommended policy in black, the
    named roads in colour; profit in millions."""
    import matplotlib.pyplot as plt

    parcoords = _ema("parcoords")
    out_dir.mkdir(parents=True, exist_ok=True)
    cols = [f"score.{o}" for o in report.objectives]
    names = {f"score.{o}": OUTCOMES[o].title + (" lead (M)" if o == "cumulative_profit" else " lead")
             for o in report.objectives}

    def shown(table: pd.DataFrame) -> pd.DataFrame:
        table = table[cols].astype(float).rename(columns=names)
        money = names.get("score.cumulative_profit")
        if money in table:
            table[money] = table[money] / 1e6
        return table

    recommended = pd.DataFrame([{c: report.simplified[c] for c in cols}])
    data = pd.concat([shown(report.front), shown(report.roads), shown(recommended)])
    axes = parcoords.ParallelAxes(parcoords.get_limits(data), fontsize=11, rot=0)
    axes.plot(shown(report.front), color="0.7", lw=1, label="the Pareto set")
    palette = plt.get_cmap("tab10")
    for i, (_, r) in enumerate(report.roads.iterrows()):
        axes.plot(shown(r.to_frame().T), color=palette(i), lw=1.8, ls="--", label=r.road.replace("_", " "))
    axes.plot(shown(recommended), color="black", lw=2.5, label="the recommended policy")
    axes.legend()
    axes.fig.set_size_inches(10, 5)
    path = out_dir / "front.png"
    axes.fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(axes.fig)
    return [path]


def plot_convergence(report: Report, out_dir: Path) -> list[Path]:
    """Hypervolume and the Pareto set's size against the candidates evaluated."""
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    c = report.convergence
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.4))
    a.plot(c.nfe, c.hypervolume, marker="o", ms=3)
    a.set(xlabel="candidates evaluated", ylabel="hypervolume (0-1)", title="How much of the space the set covers")
    b.plot(c.nfe, c.archive, marker="o", ms=3)
    b.set(xlabel="candidates evaluated", ylabel="policies", title="Size of the Pareto set")
    fig.tight_layout()
    path = out_dir / "convergence.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return [path]


# ---------------------------------------------------------------------- docs/SEARCH.md
DOCS_INTRO = """# A road designed for an organisation

Generated by `make search` (`python -m sim.search.report FOLDER...` gathers finished searches); do not
edit by hand.

The question a change lead brings is rarely "which of five textbook roads?" but "what should *we* do,
given what we don't know about our people and our market?". `python -m sim.search` answers it as
exploratory modelling does (many-objective robust decision making: Kasprzyk et al. 2013; Kwakkel 2017):

- **A policy** is three numbers per lever of `sim/levers.py` (how far to move it, from which week, over
  how many weeks), so it reads as a road and runs as one: its schedule replays through the `custom` road,
  at the same prices as every road (`sim/search/policies.py`).
- **What is uncertain** about the organisation is sampled as futures: each uncertain parameter ranges
  around the organisation's own value, with the reason for its width (table below;
  `sim/search/uncertainties.py`). Every candidate meets the same futures with the same seeds (common
  random numbers), and so does the status quo.
- **Robustness**: a candidate's score on an outcome is the 10th percentile across the futures of its lead
  over the status quo in the same future (what it delivers in all but the worst tenth; a percentile
  measure of Kwakkel, Eker & Pruyt 2016); its worst regret is reported beside it.
- **The search** is epsilon-NSGA-II (Platypus-Opt, the optimiser EMA Workbench drives), with business as
  usual in its random start; every evaluation is recorded as it ends, so a stopped search resumes.
- **What it says**: the Pareto set, the five named roads and the status quo scored the same way, the most
  balanced policy in words, and PRIM (EMA Workbench) on fresh futures: where that policy falls behind
  the status quo.

## What is uncertain, around the default organisation

{uncertain}

"""


def write_docs(folders: Sequence[Path], out: Path) -> Path:
    """docs/SEARCH.md from finished search folders (each one's SEARCH.md, headings one level down)."""
    import shutil

    from sim.search.uncertainties import UNCERTAIN, uncertain_ranges
    from sim.validation.tables import markdown_table

    ranges = uncertain_ranges({})
    table = pd.DataFrame([{"parameter": f"`{u.key}`", "range": f"{ranges[u.key][0]:.3g} to {ranges[u.key][1]:.3g}",
                           "width": f"±{u.half_width:g}" if u.half_width is not None else f"×/÷ {u.factor:g}",
                           "why uncertain": u.why} for u in UNCERTAIN])
    parts = [DOCS_INTRO.format(uncertain=markdown_table(table))]
    out = Path(out)
    for folder in map(Path, folders):
        text = (folder / "SEARCH.md").read_text()
        figures = out.parent / "figures" / "search" / folder.name
        figures.mkdir(parents=True, exist_ok=True)
        for png in (folder / "figures").glob("*.png"):
            shutil.copyfile(png, figures / png.name)
        text = text.replace("](figures/", f"](figures/search/{folder.name}/")
        parts.append("\n".join("#" + line if line.startswith("#") else line for line in text.splitlines()))
    out.write_text("\n".join(parts).rstrip() + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.search.report FOLDER... [--out docs/SEARCH.md]``: gather finished searches."""
    import sys

    argv = sys.argv[1:] if argv is None else list(argv)
    out = Path("docs") / "SEARCH.md"
    if "--out" in argv:
        i = argv.index("--out")
        out = Path(argv[i + 1])
        del argv[i:i + 2]
    missing = [f for f in argv if not (Path(f) / "SEARCH.md").exists()]
    if not argv or missing:
        print(f"error: name finished search folders (with SEARCH.md); {', '.join(missing) or 'none given'}",
              file=sys.stderr)
        return 2
    print(f"[sim] {write_docs(argv, out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
