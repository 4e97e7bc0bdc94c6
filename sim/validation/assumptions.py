"""Screening the model's own assumptions: which effect sizes each of its conclusions hinges on.

Every number that sizes a mechanism is declared with a plausible range (``sim.effects``).
This study varies them within those ranges and asks, of each conclusion the tool states,
whether it survives, and which assumptions it depends on most (Ten Broeke, van Voorn &
Ligtenberg 2016: screen with Morris, then quantify the few that matter with Sobol):

1. **Morris** elementary effects (SALib; Morris 1991, Campolongo, Cariboni & Saltelli 2007)
   over *every* declared effect size, each within its plausible range (a table by segment or
   function moves as one factor), at the default organisation: the leads of each road over the
   status quo and the margins of the best roads.
2. **Sobol** indices (SALib's Saltelli sample, Jansen's estimators) over the few effect sizes
   with the largest elementary effects, in all four organisations (the default and the three
   named scenarios).
3. **Patterns**: Morris over the groups of effect sizes (one factor per mechanism's module,
   moved together) on the twelve pattern statistics (``sim.validation.patterns``).

The conclusions (issue 27): (a) each road's paired lead over the status quo on five-year
cumulative profit, mean centricity and final satisfaction; (b) the best road at two and five
years on each of those (a number: the best road's margin over the runner-up, which stays
positive while the conclusion holds); (c) the twelve pattern statistics.

A conclusion *holds* across the plausible ranges when it keeps its sign at (nearly) every
sampled point; the share of points is reported beside the share of single seeds that agree
with it at the declared values (the noise a point's own seeds add). A conclusion that flips
at more than :data:`FLIP_SHARE` of the points beyond what the seeds explain is flagged, with
the assumptions it hinges on, in docs/ASSUMPTIONS.md, docs/ROADS.md, a sweep's summary.md and
the brief.

``python -m sim.validation.assumptions`` (``make assumptions``) runs it; a rerun reads back
the runs already made (``evaluations.jsonl``).

Example (the factors: every declared effect size, a table as one):
    >>> from sim.validation.assumptions import factors
    >>> f = factors()
    >>> len(f) > 100 and all(lo < hi for lo, hi in f.bounds())
    True
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim._version import __version__
from sim.effects import Effect, every_effect

REPO = Path(__file__).resolve().parents[2]
#: The roads compared (the status quo is the baseline of every lead).
ROADS = ("status_quo", "engineering", "mission", "consumer_decision", "best_customer", "competing_values")
HEADLINE = ("cumulative_profit", "mean_centricity", "final_satisfaction")
ORGANISATIONS = ("default", "retail_bank", "subscription_software", "industrial_b2b")
#: A conclusion is flagged when it flips at more than this share of the sampled points, beyond
#: the share of single seeds that disagree with it at the declared values.
FLIP_SHARE = 0.10
#: A conclusion is one only where at least this share of single seeds agree on its sign at the
#: declared values; a lead the seeds split on is "no clear sign", neither holding nor flipping.
CLEAR_SHARE = 0.9


def chance_mu_star(levels: int) -> float:
    """The mu* (in units of a conclusion's spread across seeds) of an effect size whose every step
    merely redrew the run's chance: the mean absolute difference of two independent draws,
    2 sigma / sqrt(pi), over Morris's step Delta = p / (2 (p - 1)). An effect size moves a
    conclusion beyond chance when its mu* exceeds this.

    Example:
        >>> round(chance_mu_star(4), 2)
        1.69
    """
    delta = levels / (2 * (levels - 1))
    return 2 / np.sqrt(np.pi) / delta


# ---------------------------------------------------------------------- the factors
@dataclass(frozen=True)
class Factors:
    """The screened effect sizes: one factor each (a table is one factor, low to high together)."""

    effects: tuple[Effect, ...]

    @property
    def names(self) -> list[str]:
        return [e.key for e in self.effects]

    def bounds(self) -> list[tuple[float, float]]:
        # A table moves as one: its factor is the fraction of the way from its low to its high table.
        return [(0.0, 1.0) if e.is_table else (float(e.low), float(e.high)) for e in self.effects]

    def problem(self, groups: list[str] | None = None) -> dict:
        """SALib's problem (names, bounds, and groups if given)."""
        problem = {"num_vars": len(self.effects), "names": self.names, "bounds": self.bounds()}
        if groups is not None:
            problem["groups"] = groups
        return problem

    def overrides(self, x: np.ndarray) -> dict[str, Any]:
        """A point of the factor space as the effect-size overrides of a run."""
        out: dict[str, Any] = {}
        for e, v in zip(self.effects, x, strict=True):
            out[e.key] = (e.low + float(v) * (e.high - e.low)).tolist() if e.is_table else float(v)
        return out


def factors(keys: list[str] | None = None) -> Factors:
    """Every declared effect size with a plausible range wider than a point (or those of ``keys``)."""
    everything = every_effect()
    chosen = keys if keys is not None else [k for k, e in everything.items() if np.any(e.high > e.low)]
    unknown = [k for k in chosen if k not in everything]
    if unknown:
        raise ValueError(f"unknown effect size '{unknown[0]}'; see sim.effects.every_effect()")
    return Factors(tuple(everything[k] for k in chosen))


# ---------------------------------------------------------------------- organisations and runs
@dataclass(frozen=True)
class Size:
    """The size the screening runs at: customers (employees scaled with the organisation's ratio),
    weeks, burn-in and seeds per point."""

    n_customers: int = 1000
    min_employees: int = 20
    weeks: int = 260
    burn_in_weeks: int = 52
    seeds: int = 2                 # paired seeds a Sobol point
    morris_seeds: int = 1          # paired seeds a Morris point (common random numbers across points)
    reference_seeds: int = 8
    horizons: tuple[int, int] = (104, 260)   # the best road at two and five years; the leads at the last

    def describe(self) -> str:
        return (f"{self.n_customers:,} customers (employees in each organisation's ratio, at least "
                f"{self.min_employees}), {self.weeks} weeks after a {self.burn_in_weeks}-week burn-in; "
                f"{self.morris_seeds} paired seed(s) a Morris point, {self.seeds} a Sobol point, "
                f"{self.reference_seeds} at the declared values")


def organisation_settings(name: str, size: Size) -> dict[str, dict]:
    """An organisation's parameters at the screening's size: the default or a named scenario
    (``configs/scenario/<name>.yaml``), scaled down with its employees-to-customers ratio kept."""
    import yaml

    from sim.params import Organisation

    settings: dict[str, dict] = {"organisation": {}, "customers": {}, "levers": {}}
    if name != "default":
        data = yaml.safe_load((REPO / "configs" / "scenario" / f"{name}.yaml").read_text(encoding="utf-8"))
        for group in settings:
            settings[group].update(data.get(group) or {})
    org = settings["organisation"]
    employees = org.get("n_employees", Organisation.n_employees)
    customers = org.get("n_customers", Organisation.n_customers)
    org["n_customers"] = size.n_customers
    org["n_employees"] = max(size.min_employees, round(employees * size.n_customers / customers))
    org["burn_in_weeks"] = size.burn_in_weeks
    return settings


def conclusions_of_runs(weekly: dict[str, pd.DataFrame], horizons: tuple[int, int]) -> dict[str, float]:
    """The numbers behind the conclusions from one seed's runs of every road (``road -> results()``)."""
    from sim.outcomes import outcomes

    out: dict[str, float] = {}
    by_h = {h: {road: outcomes(df, h, HEADLINE) for road, df in weekly.items()} for h in horizons}
    last = horizons[-1]
    for road in ROADS[1:]:
        for o in HEADLINE:
            out[f"lead|{road}|{o}"] = by_h[last][road][o] - by_h[last]["status_quo"][o]
    for h in horizons:
        for o in HEADLINE:
            for road in ROADS:
                out[f"value|{h}|{road}|{o}"] = by_h[h][road][o]
    return out


def run_point(organisation: str, overrides: dict[str, Any], size: Size, seeds: list[int]) -> dict[str, float]:
    """Every road on ``seeds`` at one point of the effect sizes; the numbers averaged over seeds."""
    import logging

    from sim.model import CentricityModel

    logging.getLogger("MESA").setLevel(logging.WARNING)
    settings = organisation_settings(organisation, size)
    per_seed = []
    for seed in seeds:
        weekly = {}
        for road in ROADS:
            model = CentricityModel.settled(road=road, seed=seed, effects=overrides, **settings)
            model.run(size.weeks)
            weekly[road] = model.results()
        per_seed.append(conclusions_of_runs(weekly, size.horizons))
    return {k: float(np.mean([s[k] for s in per_seed])) for k in per_seed[0]}


def best_margins(values: dict[str, float], reference_best: dict[tuple[int, str], str]) -> dict[str, float]:
    """For each horizon and outcome: the margin of the road best at the declared values over the
    best of the others (positive while it stays best)."""
    out = {}
    for (h, o), best in reference_best.items():
        others = max(values[f"value|{h}|{r}|{o}"] for r in ROADS if r != best)
        out[f"best|{h}|{o}"] = values[f"value|{h}|{best}|{o}"] - others
    return out


def conclusion_numbers(values: dict[str, float], reference_best: dict[tuple[int, str], str]) -> dict[str, float]:
    """The number behind each conclusion at one point: the roads' leads, and the margins of the
    roads best at the declared values (``reference_best``)."""
    leads = {k: v for k, v in values.items() if k.startswith("lead|")}
    return {**leads, **best_margins(values, reference_best)}


def best_roads(values: dict[str, float]) -> dict[tuple[int, str], str]:
    """The best road at each horizon and outcome (the horizons found in ``values``)."""
    horizons = sorted({int(k.split("|")[1]) for k in values if k.startswith("value|")})
    return {(h, o): max(ROADS, key=lambda r: values[f"value|{h}|{r}|{o}"]) for h in horizons for o in HEADLINE}


# ---------------------------------------------------------------------- record
class Record:
    """Runs of points kept as they end (JSON lines), read back by a rerun."""

    def __init__(self, path: Path):
        self.path = path
        self.done: dict[str, dict] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:   # a line cut by a stop: run it again
                    continue
                self.done[row["key"]] = row["values"]

    @staticmethod
    def key(*parts: Any) -> str:
        text = json.dumps([__version__, _source_fingerprint(), *parts], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    def add(self, key: str, values: dict) -> None:
        self.done[key] = values
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"key": key, "values": values}) + "\n")


@functools.cache
def _source_fingerprint() -> str:
    """The model's source: a record made by other code is not read back."""
    h = hashlib.sha256()
    for path in sorted((REPO / "sim").glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _evaluate(task: tuple) -> tuple[str, dict]:
    key, kind, args = task
    if kind == "point":
        return key, run_point(*args)
    return key, pattern_statistics(*args)


def evaluate(tasks: list[tuple], record: Record, processes: int, label: str) -> int:
    """Run the tasks not yet in the record, ``processes`` at a time, with a progress line; return
    how many ran."""
    todo = [t for t in tasks if t[0] not in record.done]
    todo = list({t[0]: t for t in todo}.values())
    print(f"[assumptions] {label}: {len(tasks) - len(todo)} of {len(tasks)} read back, {len(todo)} to run", flush=True)
    if not todo:
        return 0
    start = time.perf_counter()
    if processes <= 1:
        results = (_evaluate(t) for t in todo)
        for i, (key, values) in enumerate(results, 1):
            record.add(key, values)
            _progress(label, i, len(todo), start)
        return len(todo)
    with ProcessPoolExecutor(max_workers=processes) as pool:
        futures = [pool.submit(_evaluate, t) for t in todo]
        for i, future in enumerate(as_completed(futures), 1):
            key, values = future.result()
            record.add(key, values)
            _progress(label, i, len(todo), start)
    return len(todo)


def _progress(label: str, done: int, total: int, start: float) -> None:
    if done == total or done % max(1, total // 20) == 0:
        spent = time.perf_counter() - start
        left = spent / done * (total - done)
        print(f"[assumptions] {label}: {done}/{total} in {spent / 60:.1f} min, about {left / 60:.1f} min left",
              flush=True)


# ---------------------------------------------------------------------- patterns
def pattern_statistics(overrides: dict[str, Any], scale_args: dict, numbers: tuple[int, ...] | None = None
                       ) -> dict[str, float]:
    """The twelve pattern statistics (or those ``numbers``) at one point of the effect sizes
    (``sim.validation.patterns``)."""
    import logging

    from sim.validation import patterns

    logging.getLogger("MESA").setLevel(logging.WARNING)
    scale = patterns.Scale(**scale_args, effects=tuple(sorted(
        (k, tuple(v) if isinstance(v, list) else v) for k, v in overrides.items())))
    out = {}
    for i, fn in enumerate(patterns.PATTERNS, 1):
        if numbers is not None and i not in numbers:
            continue
        verdict = fn(scale)
        out[f"pattern|{verdict.number:02d}|{verdict.name}"] = float(verdict.value)
    patterns._run.cache_clear()
    return out


# ---------------------------------------------------------------------- the study
@dataclass
class Settings:
    """What the screening runs (the defaults fit 30 minutes on 2 cores; docs/ASSUMPTIONS.md)."""

    size: Size = field(default_factory=Size)
    trajectories: int = 4            # Morris r over every effect size
    levels: int = 4                  # Morris p
    sobol_factors: int = 5           # effect sizes taken on to Sobol
    sobol_base: int = 8              # Saltelli's N (points: N (k + 2))
    pattern_trajectories: int = 3    # Morris r over the groups, on the patterns
    pattern_scale: dict = field(default_factory=lambda: {"n_customers": 600, "n_employees": 40, "seeds": 2,
                                                          "weeks": 260, "burn_in_weeks": 52})
    patterns: tuple[int, ...] | None = None   # the pattern numbers screened (None: all twelve)
    seed: int = 0
    processes: int = max(1, min(2, os.cpu_count() or 1))
    out: Path = REPO / "results" / "assumptions"


def run_study(settings: Settings) -> dict:
    """Run the three stages (reading back what a previous run made); return every table."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    size, out = settings.size, settings.out
    out.mkdir(parents=True, exist_ok=True)
    record = Record(out / "evaluations.jsonl")
    everything = factors()
    seeds = list(range(size.seeds))

    # 0. The conclusions at the declared values, with more seeds: each seed apart, for the noise.
    reference_seeds = list(range(size.reference_seeds))
    ref_tasks = [(Record.key("point", org, {}, size, [s]), "point", (org, {}, size, [s]))
                 for org in ORGANISATIONS for s in reference_seeds]
    ran = evaluate(ref_tasks, record, settings.processes, "the declared values")
    reference = {org: [record.done[Record.key("point", org, {}, size, [s])] for s in reference_seeds]
                 for org in ORGANISATIONS}
    reference_mean = {org: {k: float(np.mean([r[k] for r in runs])) for k in runs[0]} for org, runs in reference.items()}
    reference_best = {org: best_roads(reference_mean[org]) for org in ORGANISATIONS}

    def numbers(org: str, values: dict) -> dict[str, float]:
        return conclusion_numbers(values, reference_best[org])

    # 1. Morris over every effect size, at the default organisation.
    problem = everything.problem()
    x_morris = morris_sample.sample(problem, settings.trajectories, num_levels=settings.levels, seed=settings.seed)
    morris_seeds = list(range(size.morris_seeds))
    morris_tasks = [(Record.key("point", "default", everything.overrides(x), size, morris_seeds), "point",
                     ("default", everything.overrides(x), size, morris_seeds)) for x in x_morris]
    ran += evaluate(morris_tasks, record, settings.processes, f"Morris over {len(everything.names)} effect sizes")
    y_morris = pd.DataFrame([numbers("default", record.done[t[0]]) for t in morris_tasks])
    morris_rows = []
    for conclusion in y_morris.columns:
        y = y_morris[conclusion].to_numpy()
        res = morris_analyze.analyze(problem, x_morris, y, num_levels=settings.levels, conf_level=0.95,
                                     num_resamples=200, seed=settings.seed)
        for i, name in enumerate(res["names"]):
            morris_rows.append({"organisation": "default", "conclusion": conclusion, "effect": name,
                                "mu_star": res["mu_star"][i], "mu_star_conf": res["mu_star_conf"][i],
                                "mu": res["mu"][i], "sigma": res["sigma"][i]})
    morris_table = pd.DataFrame(morris_rows)
    # mu* scaled by each conclusion's spread across seeds at the declared values: comparable across
    # conclusions, and above 1 an assumption moves the conclusion more than chance does.
    noise = {c: _seed_sd(reference["default"], "default", c, reference_best) for c in y_morris.columns}
    morris_table["mu_star_per_noise"] = [r.mu_star / noise[r.conclusion] if noise[r.conclusion] > 0 else np.nan
                                         for r in morris_table.itertuples()]

    # 2. Sobol over the few effect sizes that matter most, in all four organisations.
    ranking = (morris_table.groupby("effect")["mu_star_per_noise"].max().sort_values(ascending=False))
    top = list(ranking.index[: settings.sobol_factors])
    few = factors(top)
    sobol_problem = few.problem()
    x_sobol = sobol_sample.sample(sobol_problem, settings.sobol_base, calc_second_order=False, seed=settings.seed)
    sobol_tasks = {org: [(Record.key("point", org, few.overrides(x), size, seeds), "point",
                          (org, few.overrides(x), size, seeds)) for x in x_sobol] for org in ORGANISATIONS}
    ran += evaluate([t for ts in sobol_tasks.values() for t in ts], record, settings.processes,
             f"Sobol over {len(top)} effect sizes in {len(ORGANISATIONS)} organisations")
    sobol_rows, holds_rows = [], []
    for org in ORGANISATIONS:
        y_sobol = pd.DataFrame([numbers(org, record.done[t[0]]) for t in sobol_tasks[org]])
        for conclusion in y_sobol.columns:
            y = y_sobol[conclusion].to_numpy()
            if np.ptp(y) == 0:
                continue
            res = sobol_analyze.analyze(sobol_problem, y, calc_second_order=False, num_resamples=200,
                                        conf_level=0.95, seed=settings.seed)
            for i, name in enumerate(few.names):
                sobol_rows.append({"organisation": org, "conclusion": conclusion, "effect": name,
                                   "S1": res["S1"][i], "S1_conf": res["S1_conf"][i],
                                   "ST": res["ST"][i], "ST_conf": res["ST_conf"][i]})
        samples = {"sobol": y_sobol}
        if org == "default":
            samples["morris"] = y_morris
        for conclusion in y_sobol.columns:
            ref_runs = [numbers(org, r)[conclusion] for r in reference[org]]
            at_declared = numbers(org, reference_mean[org])[conclusion]
            sign = np.sign(at_declared)
            sampled = np.concatenate([s[conclusion].to_numpy() for s in samples.values()])
            holds_rows.append({
                "organisation": org, "conclusion": conclusion, "at_declared": at_declared,
                "seed_sd": float(np.std(ref_runs, ddof=1)),
                "seeds_agree": float(np.mean(np.sign(ref_runs) == sign)),
                "points_agree": float(np.mean(np.sign(sampled) == sign)),
                "points": len(sampled), "low": float(np.min(sampled)), "high": float(np.max(sampled)),
                "best_road": _best_road_of(conclusion, reference_best[org]),
            })
    sobol_table = pd.DataFrame(sobol_rows)
    holds = pd.DataFrame(holds_rows)
    holds["clear"] = holds["seeds_agree"] >= CLEAR_SHARE
    holds["flips"] = holds["clear"] & (holds["points_agree"] < holds["seeds_agree"] - FLIP_SHARE)

    # 3. The patterns: Morris over the groups of effect sizes.
    groups = [e.group for e in everything.effects]
    group_problem = everything.problem(groups)
    x_groups = morris_sample.sample(group_problem, settings.pattern_trajectories, num_levels=settings.levels,
                                    seed=settings.seed)
    which = settings.patterns
    subset = () if which is None else (which,)   # all twelve keep the key they always had
    pattern_tasks = [(Record.key("patterns", everything.overrides(x), settings.pattern_scale, *subset), "patterns",
                      (everything.overrides(x), settings.pattern_scale, which)) for x in x_groups]
    base_task = (Record.key("patterns", {}, settings.pattern_scale, *subset), "patterns",
                 ({}, settings.pattern_scale, which))
    ran += evaluate([base_task, *pattern_tasks], record, settings.processes, "the twelve patterns")
    y_patterns = pd.DataFrame([record.done[t[0]] for t in pattern_tasks])
    base_patterns = record.done[base_task[0]]
    pattern_rows = []
    for column in [c for c in y_patterns.columns if c.startswith("pattern|")]:
        res = morris_analyze.analyze(group_problem, x_groups, y_patterns[column].to_numpy(dtype=float),
                                     num_levels=settings.levels, conf_level=0.95, num_resamples=200,
                                     seed=settings.seed)
        values = y_patterns[column]
        for i, name in enumerate(res["names"]):
            pattern_rows.append({"pattern": column.split("|", 1)[1], "group": name,
                                 "mu_star": float(np.ma.filled(res["mu_star"][i], np.nan)),
                                 "mu_star_conf": float(np.ma.filled(res["mu_star_conf"][i], np.nan)),
                                 "sigma": float(np.ma.filled(res["sigma"][i], np.nan)),
                                 "at_declared": base_patterns[column], "low": float(values.min()),
                                 "high": float(values.max())})
    pattern_table = pd.DataFrame(pattern_rows)

    tables = {"morris": morris_table, "sobol": sobol_table, "holds": holds, "patterns": pattern_table}
    for name, table in tables.items():
        table.to_csv(out / f"{name}.csv", index=False)
    meta = {"version": __version__, "size": size.describe(), "settings": {
        "trajectories": settings.trajectories, "levels": settings.levels, "sobol_factors": settings.sobol_factors,
        "sobol_base": settings.sobol_base, "pattern_trajectories": settings.pattern_trajectories,
        "pattern_scale": settings.pattern_scale, "seed": settings.seed},
        "factors": len(everything.names), "morris_points": len(x_morris), "sobol_points": len(x_sobol),
        "chance_mu_star": chance_mu_star(settings.levels), "ran": ran,
        "evaluations": len(ref_tasks) + len(morris_tasks) + sum(map(len, sobol_tasks.values())) + 1 + len(pattern_tasks),
        "pattern_points": len(x_groups), "top": top, "horizons": list(size.horizons),
        "reference_best": {org: {f"{h}|{o}": r for (h, o), r in b.items()} for org, b in reference_best.items()}}
    (out / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    tables["meta"] = meta
    return tables


def _best_road_of(conclusion: str, reference_best: dict) -> str | None:
    if not conclusion.startswith("best|"):
        return None
    _, h, o = conclusion.split("|")
    return reference_best[(int(h), o)]


def _seed_sd(runs: list[dict], org: str, conclusion: str, reference_best: dict) -> float:
    return float(np.std([conclusion_numbers(r, reference_best[org])[conclusion] for r in runs], ddof=1))


# ---------------------------------------------------------------------- what it says
ORGANISATION_TITLES = {"default": "the default organisation", "retail_bank": "the retail bank",
                       "subscription_software": "the subscription-software firm",
                       "industrial_b2b": "the industrial B2B supplier"}
#: The machine-readable verdicts, read by docs/ROADS.md, a sweep's summary.md and the brief.
FLAGS_FILE = REPO / "docs" / "assumptions.csv"


def conclusion_words(conclusion: str, best_road: str | None = None, horizon: int = 260) -> str:
    """A conclusion's key in words.

    Example:
        >>> conclusion_words("lead|mission|cumulative_profit")
        "Mission (strategic differentiator)'s lead over the status quo in cumulative profit at five years"
    """
    from sim.outcomes import OUTCOMES
    from sim.roads import ROADS as ALL_ROADS

    kind, a, b = conclusion.split("|")
    if kind == "lead":
        return f"{ALL_ROADS[a].title}'s lead over the status quo in {OUTCOMES[b].title.lower()} at {_horizon_words(horizon)}"
    road = ALL_ROADS[best_road].title if best_road else "the best road"
    return f"{road} as the best road in {OUTCOMES[b].title.lower()} at {_horizon_words(int(a))}"


def _horizon_words(weeks: int) -> str:
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
    if weeks % 52 == 0 and weeks // 52 in words:
        return f"{words[weeks // 52]} year{'s' if weeks > 52 else ''}"
    return f"{weeks} weeks"


def _fmt(value: float, conclusion: str) -> str:
    outcome = conclusion.split("|")[-1]
    if outcome == "cumulative_profit":
        return f"{value:+,.0f}"
    return f"{value:+.3f}"


def hinges_on(tables: dict, organisation: str, conclusion: str, n: int = 3) -> list[str]:
    """The effect sizes a conclusion depends on most. At the default organisation, where Morris
    screened every effect size for every conclusion: the largest mu* beyond chance
    (:func:`chance_mu_star`). Elsewhere: the largest total Sobol index (above 0.05) among the few
    taken on to Sobol."""
    if organisation == "default":
        morris = tables["morris"]
        rows = morris[(morris.organisation == organisation) & (morris.conclusion == conclusion)]
        rows = rows[rows.mu_star_per_noise > tables["meta"]["chance_mu_star"]]
        return rows.sort_values("mu_star_per_noise", ascending=False).effect.head(n).tolist()
    sobol = tables["sobol"]
    if not len(sobol):
        return []
    rows = sobol[(sobol.organisation == organisation) & (sobol.conclusion == conclusion) & (sobol.ST > 0.05)]
    return rows.sort_values("ST", ascending=False).effect.head(n).tolist()


def flags_table(tables: dict) -> pd.DataFrame:
    """One row per conclusion and organisation: its verdict and the assumptions it hinges on."""
    rows = []
    for r in tables["holds"].itertuples():
        kind, a, b = r.conclusion.split("|")
        rows.append({"organisation": r.organisation, "conclusion": r.conclusion,
                     "road": a if kind == "lead" else r.best_road, "outcome": b,
                     "horizon": tables["meta"]["horizons"][-1] if kind == "lead" else int(a), "kind": kind,
                     "verdict": _verdict(r), "points_agree": round(r.points_agree, 3),
                     "seeds_agree": round(r.seeds_agree, 3),
                     "hinges_on": " ".join(hinges_on(tables, r.organisation, r.conclusion))})
    return pd.DataFrame(rows)


def _verdict(r) -> str:
    if not r.clear:
        return "no clear sign"
    return "flips" if r.flips else "holds"


def write_report(tables: dict, path: Path) -> str:
    """docs/ASSUMPTIONS.md from the study's tables (and the flags file beside it)."""
    from sim.effects import CLASS_WORDS

    meta, holds, morris, sobol, patterns = (tables[k] for k in ("meta", "holds", "morris", "sobol", "patterns"))
    effects = every_effect()
    flags = flags_table(tables)
    lines = [
        "# Which assumptions each conclusion hinges on",
        "",
        "<!-- Generated by `python -m sim.validation.assumptions` (`make assumptions`); do not edit by hand. -->",
        "",
        "Every number that sizes a mechanism is declared once, beside the mechanism, with a plausible range, "
        "its class and its reason (`sim/effects.py`; the tables in docs/ODD.md are generated from them). "
        "This page varies them within those ranges and asks of each conclusion the tool states whether it "
        "survives, and which assumptions it depends on most: Morris elementary effects over every effect size, "
        "then Sobol indices over the few that matter, as Ten Broeke, van Voorn & Ligtenberg (2016) advise "
        "(SALib; Campolongo, Cariboni & Saltelli 2007; Saltelli et al. 2010).",
        "",
        f"- **Package:** `centricity-sim` {meta['version']}; size: {meta['size']}.",
        f"- **Morris:** {meta['factors']} effect sizes (a table by segment or function moves as one), "
        f"{meta['settings']['trajectories']} trajectories, {meta['settings']['levels']} levels: "
        f"{meta['morris_points']} points at the default organisation.",
        f"- **Sobol:** the {len(meta['top'])} effect sizes with the largest elementary effects, Saltelli's "
        f"N = {meta['settings']['sobol_base']}: {meta['sobol_points']} points in each of the four organisations.",
        f"- **Patterns:** Morris over the {len(set(e.group for e in effects.values()))} groups of effect sizes "
        f"(each group's effects move together), {meta['pattern_points']} points, at "
        f"{meta['settings']['pattern_scale']['n_customers']:,} customers and "
        f"{meta['settings']['pattern_scale']['seeds']} seeds a statistic.",
    ]
    if meta.get("timing"):
        lines.append(f"- **Time:** {meta['timing']['minutes']:.1f} minutes for the whole study on "
                     f"{meta['timing']['processes']} processes (a rerun reads back the runs kept in "
                     "`results/assumptions/evaluations.jsonl`).")
    lines += [
        "",
        "**How to read it.** A conclusion *holds* when it keeps its sign at the sampled points (the Morris "
        "points and, in each organisation, the Sobol points): a lead stays a lead, the best road stays best "
        "(its margin over the runner-up stays positive). Each point is run on a seed or two, so chance alone "
        "flips some of them: *seeds agree* is the share of single seeds that agree with the conclusion at the "
        f"declared values. Where fewer than {CLEAR_SHARE:.0%} agree, the sign is *no clear sign*: not a conclusion "
        f"the tool states, so it neither holds nor flips. A conclusion is **flagged** (*flips*) when the points "
        f"agree less often than the seeds by more than {FLIP_SHARE:.0%}: then the assumptions named beside it, "
        "within their plausible ranges, can turn it around. *Hinges on*: at the default organisation, the effect "
        "sizes with the largest Morris mu* for that conclusion, beyond what chance alone gives "
        f"({tables['meta']['chance_mu_star']:.2f} times the conclusion's spread across seeds: two independent "
        "draws over Morris's step); in the other organisations, the largest total Sobol indices (above 0.05) among "
        "the few taken on to Sobol. A value is the conclusion at the declared values (the mean over the reference "
        "seeds): a lead in the outcome's unit, or the best road's margin over the runner-up.",
        "",
    ]
    for org in ORGANISATIONS:
        rows = holds[holds.organisation == org]
        flagged, unclear = int(rows.flips.sum()), int((~rows.clear).sum())
        lines += [f"## {ORGANISATION_TITLES[org].capitalize()}", "",
                  f"Of {len(rows)} conclusions, {len(rows) - unclear} have a clear sign at the declared values; "
                  f"{len(rows) - unclear - flagged} of them hold across the plausible ranges and {flagged} flip "
                  "(flagged).", "",
                  "| conclusion | at the declared values | seeds agree | points agree | verdict | hinges on |",
                  "|---|---:|---:|---:|---|---|"]
        for r in rows.itertuples():
            hinge = ", ".join(f"`{h}`" for h in hinges_on(tables, org, r.conclusion)) or "none beyond chance"
            verdict = {"flips": "**flips**"}.get(_verdict(r), _verdict(r))
            words = conclusion_words(r.conclusion, r.best_road, meta["horizons"][-1])
            lines.append(f"| {words} | {_fmt(r.at_declared, r.conclusion)} | "
                         f"{r.seeds_agree:.0%} | {r.points_agree:.0%} | {verdict} | {hinge} |")
        lines.append("")
    # Morris ranking across conclusions.
    chance = meta["chance_mu_star"]
    by_effect = morris.groupby("effect").agg(top=("mu_star_per_noise", "max"),
                                             moved=("mu_star_per_noise", lambda s: int((s > chance).sum())))
    by_effect = by_effect.sort_values("top", ascending=False)
    n_conc = morris.conclusion.nunique()
    quiet = int((by_effect.moved == 0).sum())
    lines += ["## The effect sizes that matter (Morris, default organisation)", "",
              f"Of {len(by_effect)} effect sizes, {len(by_effect) - quiet} move at least one of the {n_conc} "
              f"conclusions more than chance does (mu* above {chance:.2f} times the conclusion's spread across "
              f"seeds); {quiet} move none. The twenty that move them most:", "",
              "| effect size | value | plausible range | class | largest mu* / seeds' spread | conclusions moved |",
              "|---|---:|---|---|---:|---:|"]
    for name, r in by_effect.head(20).iterrows():
        e = effects[name]
        value = "table" if e.is_table else f"{e.value:g}"
        rng = "low to high table" if e.is_table else f"{e.low:g} to {e.high:g}"
        lines.append(f"| `{name}` | {value} | {rng} | {CLASS_WORDS[e.kind]} | {r.top:.1f} | {int(r.moved)} of {n_conc} |")
    lines.append("")
    if len(sobol):
        lines += ["## The few, quantified (Sobol, four organisations)", "",
                  "Mean total index ST of each effect size over the conclusions of each organisation (the share of a "
                  "conclusion's variance it takes part in; SALib's bootstrap intervals are in `sobol.csv`).", "",
                  "| effect size | " + " | ".join(ORGANISATION_TITLES[o] for o in ORGANISATIONS) + " |",
                  "|---|" + "---:|" * len(ORGANISATIONS)]
        table = sobol.groupby(["effect", "organisation"]).ST.mean().unstack()
        for name in meta["top"]:
            cells = [f"{table.loc[name, o]:.2f}" if name in table.index and o in table.columns else "·"
                     for o in ORGANISATIONS]
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
        lines.append("")
    if len(patterns):
        lines += ["## The twelve patterns (Morris over groups of effect sizes)", "",
                  "Each pattern's statistic (`sim.validation.patterns`) at the declared values and its range over the "
                  "sampled points, and the groups of effect sizes it depends on most (largest mu*, with its share of "
                  "the pattern's total). At this size the statistics' intervals are too wide for the patterns' own "
                  "checks, which docs/VALIDATION.md makes at full size: read the ranges as how far the assumptions "
                  "can move each statistic.", "",
                  "| pattern | at the declared values | over the points | depends most on |",
                  "|---|---:|---|---|"]
        for name, rows in patterns.groupby("pattern", sort=True):
            total = float(rows.mu_star.sum()) or 1.0
            top = rows.sort_values("mu_star", ascending=False).head(3)
            first = rows.iloc[0]
            lines.append(f"| {name.replace('|', ' ')} | {first.at_declared:.3g} | {first.low:.3g} to {first.high:.3g} | "
                         + ", ".join(f"`{g}` ({float(m) / total:.0%})" for g, m in zip(top.group, top.mu_star, strict=True))
                         + " |")
        lines.append("")
    lines += ["## What this screening leaves out", "",
              "- The parameters of an organisation and its market (`sim/params.py`: readiness, churn, budgets) are "
              "not screened here: they are inputs a user sets, and docs/ROADS.md's sweep over 64 organisations and "
              "`experiments/sensitivity.md` study them.",
              "- Morris runs at the default organisation only; the other three organisations see the few effect "
              "sizes taken on to Sobol. An effect size that matters only elsewhere can be missed.",
              f"- Sobol with N = {meta['settings']['sobol_base']} is coarse: its bootstrap intervals (`sobol.csv` in "
              "`results/assumptions`) are wide, and the chance in a point's two seeds adds to every index (the totals "
              "sum to more than one). The indices rank the few; `--sobol-base 64` measures them (eight times the "
              "Sobol runs).",
              "- The patterns are screened by groups: a group that matters is not taken apart.",
              f"- The size is small ({meta['size']}): the conclusions here are this size's, and docs/ROADS.md's "
              "(300 employees, 5,000 customers) may differ where a margin is thin.",
              ""]
    text = "\n".join(lines)
    path.write_text(text, encoding="utf-8")
    flags.to_csv(path.with_name("assumptions.csv"), index=False)
    return text


def read_flags(path: Path = FLAGS_FILE) -> pd.DataFrame | None:
    """The verdicts of the last screening (docs/assumptions.csv), or None if there is none."""
    if not path.exists():
        return None
    return pd.read_csv(path, keep_default_na=False)


def flag_sentences(organisation: str | None, roads: list[str] | None = None, path: Path = FLAGS_FILE) -> list[str]:
    """In words, the conclusions about ``organisation`` (a scenario name, or None for the default)
    that flip within the plausible ranges of the assumptions, and what each hinges on.

    Example:
        >>> isinstance(flag_sentences("retail_bank"), list)
        True
    """
    flags = read_flags(path)
    org = organisation or "default"
    if flags is None or org not in set(flags.organisation):
        return []
    rows = flags[(flags.organisation == org) & (flags.verdict == "flips")]
    if roads is not None:
        rows = rows[rows.road.isin(roads)]
    out = []
    for r in rows.itertuples():
        hinge = ", ".join(r.hinges_on.split()) or "several assumptions together"
        out.append(f"{conclusion_words(r.conclusion, r.road if r.kind == 'best' else None, int(r.horizon))} flips within the "
                   f"plausible ranges of the model's assumptions (it hinges on {hinge}; docs/ASSUMPTIONS.md)")
    return out


# ---------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.validation.assumptions",
        description="Screen the model's effect sizes within their plausible ranges (Morris, then Sobol) on the "
                    "conclusions the tool states; write docs/ASSUMPTIONS.md.")
    d = Settings()
    parser.add_argument("--processes", type=int, default=d.processes, help=f"runs at a time (default {d.processes})")
    parser.add_argument("--trajectories", type=int, default=d.trajectories, help="Morris trajectories")
    parser.add_argument("--sobol-factors", type=int, default=d.sobol_factors)
    parser.add_argument("--sobol-base", type=int, default=d.sobol_base, help="Saltelli's N (a power of 2)")
    parser.add_argument("--pattern-trajectories", type=int, default=d.pattern_trajectories)
    parser.add_argument("--customers", type=int, default=d.size.n_customers, help="customers a run")
    parser.add_argument("--seeds", type=int, default=d.size.seeds, help="paired seeds a point")
    parser.add_argument("--out", type=Path, default=d.out, help="where the runs and tables go")
    parser.add_argument("--report", type=Path, default=REPO / "docs" / "ASSUMPTIONS.md",
                        help="the page to write (default docs/ASSUMPTIONS.md)")
    args = parser.parse_args(argv)
    for name in ("processes", "trajectories", "sobol_factors", "sobol_base", "pattern_trajectories", "customers",
                 "seeds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} = {getattr(args, name)} is out of range; allowed range [1, ...]")
    settings = replace(d, processes=args.processes, trajectories=args.trajectories, sobol_factors=args.sobol_factors,
                       sobol_base=args.sobol_base, pattern_trajectories=args.pattern_trajectories, out=args.out,
                       size=replace(d.size, n_customers=args.customers, seeds=args.seeds))
    from sim.kernels import warm_up

    print(f"[assumptions] kernels: {warm_up()}", flush=True)
    start = time.perf_counter()
    try:
        tables = run_study(settings)
    except KeyboardInterrupt:
        print("[assumptions] stopped; the runs made are kept, and the same command goes on from them", file=sys.stderr)
        return 130
    seconds = time.perf_counter() - start
    timing = settings.out / "timing.json"
    meta = tables["meta"]
    if meta["ran"] == meta["evaluations"]:   # a whole study ran now: its time is the one to report
        timing.write_text(json.dumps({"minutes": round(seconds / 60, 1), "processes": settings.processes}),
                          encoding="utf-8")
    if timing.exists():
        meta["timing"] = json.loads(timing.read_text(encoding="utf-8"))
    write_report(tables, args.report)
    holds = tables["holds"]
    flagged, clear = int(holds.flips.sum()), int(holds.clear.sum())
    print(f"[assumptions] {clear} of {len(holds)} conclusions have a clear sign; {clear - flagged} hold, {flagged} "
          f"flip within the plausible ranges; wrote {args.report} in {seconds / 60:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
