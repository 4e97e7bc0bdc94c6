"""``python -m sim.search [scenario=NAME] [setting=value ...] [search option=value ...] [--out DIR]``

Search the lever space for a road designed for this organisation: the Pareto set of policies
(level, start week and ramp per lever) on five-year profit, mean customer centricity and
final satisfaction, each scored by its lead over the status quo in all but the worst tenth
of a sample of plausible futures of the organisation (what is uncertain about its people and
market: sim/search/uncertainties.py). Then the five named roads against that set, the chosen
policy in words with its schedule for the custom road, and PRIM's box of the futures where
it falls behind. Writes SEARCH.md, tables and figures into the folder (default
results/search/<scenario>); a rerun with the same settings resumes where it stopped.

Search options (defaults in brackets):
  nfe=N              candidate policies to evaluate [400]
  population=N       epsilon-NSGA-II's population [20]
  futures=N          plausible futures each candidate is run in [8]
  seed=N             the seed of the futures and the optimiser [0]
  horizon=N          weeks of each run [260]
  robustness=M       p<q> (q-th percentile of the lead across futures) or mean [p10]
  objectives=a,b     two or more of cumulative_profit, mean_centricity, final_satisfaction,
                     final_commitment, mean_efficiency [the first three]
  levers=a,b         the levers to search over (sim/levers.py) [all]
  uncertain=a,b      the uncertain parameters (group.name) [all of sim/search/uncertainties.py]
  processes=N        local worker processes [2]
  evaluator=E        processes, or ray for a Ray cluster (RAY_ADDRESS) [processes]
  choose=N           the Pareto set's row to analyse instead of the most balanced one
  prim_futures=N     fresh futures for the failure analysis [48]
  --out DIR          the folder

Any other key=value is a setting of the organisation, checked as python -m sim checks it
(e.g. organisation.n_employees=150). Exit status: 0 done, 2 wrong input, 130 stopped (Ctrl-C;
a rerun resumes).

Example:
    python -m sim.search scenario=retail_bank nfe=200
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS = Path("results") / "search"


@dataclass
class SearchArguments:
    """The search's command line, checked."""

    scenario: str | None = None
    settings: list[str] = field(default_factory=list)
    nfe: int = 400
    population: int = 20
    futures: int = 8
    seed: int = 0
    horizon: int = 260
    robustness: str = "p10"
    objectives: list[str] = field(default_factory=lambda: ["cumulative_profit", "mean_centricity", "final_satisfaction"])
    levers: list[str] | None = None
    uncertain: list[str] | None = None
    processes: int = 2
    evaluator: str = "processes"
    choose: int | None = None
    prim_futures: int = 48
    out: Path | None = None

    def folder(self) -> Path:
        return self.out if self.out is not None else RESULTS / (self.scenario or "default")


#: whole-number options: (low, high)
_COUNTS = {"nfe": (2, 1_000_000), "population": (2, 10_000), "futures": (1, 10_000), "seed": (0, 2**31 - 1),
           "horizon": (1, 5200), "processes": (1, 1024), "choose": (0, 10_000), "prim_futures": (4, 100_000)}


def search_arguments(argv: list[str]) -> SearchArguments:
    """Read the command line; raises ``InputError`` naming every wrong input."""
    from sim.levers import LEVERS
    from sim.outcomes import OUTCOMES
    from sim.search.robustness import parse_measure
    from sim.search.uncertainties import UNCERTAIN_BY_KEY
    from sim.study.inputs import InputError, check_overrides

    args, problems, settings = SearchArguments(), [], []
    words = iter(argv)
    for word in words:
        if word == "--out" or word.startswith("--out="):
            value = word.split("=", 1)[1] if "=" in word else next(words, "")
            if not value:
                problems.append("--out needs a folder")
            args.out = Path(value)
            continue
        key, eq, value = word.partition("=")
        if not eq:
            problems.append(f"'{word}' is not an input of the search: inputs are key=value (python -m sim.search --help)")
        elif key in _COUNTS:
            lo, hi = _COUNTS[key]
            if not value.isdigit() or not lo <= int(value) <= hi:
                problems.append(f"parameter '{key}' = {value!r} must be a whole number in [{lo}, {hi}]")
            else:
                setattr(args, key, int(value))
        elif key == "robustness":
            try:
                parse_measure(value)
                args.robustness = value
            except ValueError as err:
                problems.append(str(err))
        elif key in ("objectives", "levers", "uncertain"):
            known = {"objectives": OUTCOMES, "levers": LEVERS, "uncertain": UNCERTAIN_BY_KEY}[key]
            chosen = [v.strip() for v in value.split(",") if v.strip()]
            if key == "levers" and chosen == ["all"]:
                continue
            wrong = [v for v in chosen if v not in known]
            if wrong or not chosen:
                problems.append(f"parameter '{key}': {wrong[0] if wrong else value!r} is not one of {', '.join(known)}")
            elif key == "objectives" and len(chosen) < 2:
                problems.append("parameter 'objectives' needs two or more outcomes (a Pareto set of one is a maximum)")
            else:
                setattr(args, key, chosen)
        elif key == "evaluator":
            if value not in ("processes", "ray"):
                problems.append(f"parameter 'evaluator' = {value!r} must be one of processes, ray")
            args.evaluator = value
        elif key in ("road", "steps") or key.startswith("road."):
            problems.append(f"'{word}' is not an input of the search: it designs the road itself "
                            "(levers=...) and runs horizon=N weeks")
        else:
            settings.append(word)
            if key == "scenario":
                args.scenario = value
    if args.nfe < args.population:
        problems.append(f"parameter 'nfe' = {args.nfe} must be at least the population ({args.population})")
    problems += check_overrides(settings)
    if problems:
        raise InputError(problems)
    args.settings = [s for s in settings if not s.startswith("scenario=")]
    return args


def organisation_settings(args: SearchArguments) -> dict[str, dict[str, Any]]:
    """The organisation searched for: the scenario's settings with the command line's on top, nested."""
    import yaml

    from sim.study.context import organisation_defaults

    nested: dict[str, dict[str, Any]] = {}
    for key, value in organisation_defaults(args.scenario).items():
        group, name = key.split(".", 1)
        nested.setdefault(group, {})[name] = value
    for word in args.settings:
        key, _, value = word.partition("=")
        group, name = key.split(".", 1)
        nested[group][name] = yaml.safe_load(value)
    return nested


def main(argv: list[str] | None = None) -> int:
    from sim._version import __version__
    from sim.model import CentricityModel
    from sim.search.optimise import search
    from sim.search.policies import LATEST_START, PolicySpace
    from sim.search.report import build_report, write_report
    from sim.search.robustness import Futures
    from sim.study.inputs import read_or_exit_status

    argv = sys.argv[1:] if argv is None else argv
    args, status = read_or_exit_status(argv, __doc__.split("Example:")[0].strip(), search_arguments)
    if args is None:
        return status
    import importlib.util

    if not all(importlib.util.find_spec(m) for m in ("ema_workbench", "platypus")):
        print("error: the search needs EMA Workbench and Platypus: pip install -e '.[search]' (make search does it)",
              file=sys.stderr)
        return 2
    settings = organisation_settings(args)
    folder = args.folder()
    started = time.monotonic()
    try:   # Ctrl-C at any point keeps what was evaluated
        futures = Futures.sample(settings, n=args.futures, horizon=args.horizon, seed=args.seed, keys=args.uncertain)
        first = CentricityModel.settled(**futures.model_kwargs(0))
        warning = first.losing_money()
        if warning:
            print(f"[sim] warning: {warning}", file=sys.stderr, flush=True)
        usual = first.levers_applied().iloc[0].to_dict()
        space = PolicySpace(args.levers, usual=usual, latest_start=min(LATEST_START, args.horizon))
        record_file = folder / "evaluations.jsonl"
        earlier = len(record_file.read_text().splitlines()) if record_file.exists() else 0
        t = time.monotonic()
        futures = futures.with_baseline()
        per_run = (time.monotonic() - t) / len(futures)
        runs = args.nfe * len(futures) + (6 + 2) * len(futures) + 2 * args.prim_futures
        estimate = runs * per_run / max(1, args.processes if args.evaluator == "processes" else 1)
        print(f"[sim] search: {args.scenario or 'the default organisation'}, {args.nfe} candidates x {len(futures)} futures "
              f"x {args.horizon} weeks over {len(space.levers)} levers ({len(space.variables)} variables); about "
              f"{runs:,} runs, {estimate / 60:.0f} min on {args.processes} processes; into {folder} (a rerun resumes)",
              file=sys.stderr, flush=True)
        result = search(space, futures, folder, nfe=args.nfe, population=args.population, objectives=args.objectives,
                        robustness=args.robustness, seed=args.seed, processes=args.processes, evaluator=args.evaluator)
        report = build_report(result, space, futures, args.objectives, args.robustness, choose=args.choose,
                              prim_futures=args.prim_futures, uncertain=args.uncertain,
                              processes=args.processes if args.evaluator == "processes" else 1)
    except KeyboardInterrupt:
        print(f"[sim] search stopped; what was evaluated is kept in {folder}: run the same command to resume",
              file=sys.stderr, flush=True)
        return 130
    record = {**asdict(args), "settings_given": list(args.settings), "out": str(folder), "levers": list(space.levers),
              "version": __version__,
              "command": "python -m sim.search " + " ".join(argv), "minutes": round((time.monotonic() - started) / 60, 1),
              "read_back": min(earlier, result.evaluated),
              "settings": settings, "futures_table": futures.table.to_dict(orient="list"), "seeds": list(futures.seeds)}
    from sim.study.context import scenario_titles

    record["scenario_title"] = scenario_titles().get(args.scenario, "") if args.scenario else ""
    written = write_report(report, folder, record)
    print("[sim] the chosen policy:\n  " + report.chosen_words.replace("\n", "\n  "), flush=True)
    print(f"[sim] the search's report: {next(p for p in written if p.name == 'SEARCH.md')}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
