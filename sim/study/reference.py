"""``python -m sim --help``: the command line's reference, written from the model's declarations.

Every key a user can set, with its default, allowed range and meaning, grouped (run,
organisation, customers, levers, each road's parameters), and the roads, scenarios and
experiments with one line each. Nothing here is typed twice: the parameters come from
:mod:`sim.params` and the roads' declarations, the scenarios and experiments from the first
paragraph of their config files.

Example:
    >>> text = command_line_reference()
    >>> "organisation.n_employees" in text and "road=mission" in text and "five_roads" in text
    True
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from sim.params import GROUPS, describe
from sim.roads import ROADS
from sim.study.config import CONFIG_DIR, SEED_RANGE, STEPS_RANGE, description

USAGE = """\
python -m sim: customer-centric change under competing values (an agent-based model, Mesa).

One run:    python -m sim road=mission seed=3 steps=104 organisation.n_employees=500 road.start_week=26
A sweep:    python -m sim -m road=engineering,mission seed='range(0,30)' road.pressure=0.3,0.6
A study:    python -m sim -m +experiment=five_roads hydra.sweep.dir=results/five_roads
Aggregate:  python -m sim.study.aggregate SWEEP_DIR    (again at any time, also on a partial sweep)
A config without running it:  python -m sim --cfg job [overrides]

Every input is checked before anything runs: a wrong key, type or value stops the command with
the allowed range (exit status 2). A road parameter applies to the roads that declare it: in a
single run the road must declare it; in a sweep over roads, the others run without it."""

SWEEPS = """\
Sweeps (python -m sim -m ...; hydra.sweeper.<key>=value):
  resume        true   skip jobs whose results exist for the same config (rerun a command to resume)
  skip_invalid  false  run the valid jobs of a sweep with invalid ones (by default none runs)
  aggregate     true   runs.parquet and summary.csv at the end;  figures  true  and the figures
  progress      true   the progress line;  verbose  false  list every job as the sweep starts
  Launchers: hydra/launcher=joblib (default: one worker per core), ray, slurm, slurm_local.
  hydra/sweeper=design: a sensitivity design (Morris, Sobol, Latin hypercube); see README.md.

A large run: python -m sim steps=100000 --yes (one needing more memory than is free, or over a
day, stops first and says so; one of a minute or more says its estimate and shows progress).

Exit status: 0 every job finished; 1 a job of a sweep failed; 2 a wrong input, an invalid
sweep or a run too large without --yes (nothing ran); 130 interrupted (Ctrl-C; finished jobs
are kept, rerun to resume).
More: README.md (Command line and sweeps), experiments/*.md; Hydra's own options: --hydra-help."""


def command_line_reference() -> str:
    """The whole ``--help`` text."""
    parts = [USAGE, _choices("Roads (road=NAME)", {n: ROADS[n].title or n for n in ROADS}),
             _choices("Scenarios (scenario=NAME)", described("scenario")),
             _choices("Experiments (+experiment=NAME)", described("experiment")),
             _table("Run:", [("seed", 0, *SEED_RANGE, "the run's random seed: the same seed, the same run"),
                            ("steps", 260, *STEPS_RANGE, "weeks to run after the burn-in")])]
    for group, cls in GROUPS.items():
        title = f"{group}.<key>, {(cls.__doc__ or '').splitlines()[0].strip().rstrip('.')}:"
        parts.append(_table(title, [(f"{group}.{name}", s["default"], s["low"], s["high"], s["doc"])
                                    for name, s in describe(cls).items()]))
    for name, road in ROADS.items():
        rows = [(f"road.{p}", s["default"], s["low"], s["high"], s["doc"]) for p, s in road.declared().items()]
        parts.append(_table(f"road.<key> of road={name}, {road.title or name}:", rows))
    parts.append(SWEEPS)
    return "\n\n".join(parts) + "\n"


def _choices(title: str, options: dict[str, str]) -> str:
    width = max(map(len, options))
    return "\n".join([f"{title}:"] + [f"  {name:<{width}}  {text}" for name, text in options.items()])


def _table(title: str, rows: list[tuple]) -> str:
    keys = max(len(r[0]) for r in rows)
    defaults = max(len(_value(r[1])) for r in rows)
    ranges = max(len(_range(r[1], r[2], r[3])) for r in rows)
    lines = [f"{title}"]
    indent = 2 + keys + 2 + defaults + 2 + ranges + 2
    for key, default, low, high, doc in rows:
        head = f"  {key:<{keys}}  {_value(default):>{defaults}}  {_range(default, low, high):<{ranges}}  "
        wrapped = textwrap.wrap(doc, width=max(40, 120 - indent)) or [""]
        lines.append(head + wrapped[0])
        lines += [" " * indent + more for more in wrapped[1:]]
    return "\n".join(lines)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == "":
        return "''"
    return str(value)


def _range(default, low, high) -> str:
    if isinstance(default, bool):
        return "true/false"
    if low is None and high is None:
        return "a file path" if isinstance(default, str) else ""
    return f"[{low}, {high}]"


def described(group: str) -> dict[str, str]:
    """Each option of a config group with the first sentence of its file's description."""
    out = {}
    for path in sorted((CONFIG_DIR / group).glob("*.yaml")):
        out[path.stem] = _first_sentence(path)
    return out


def _first_sentence(path: Path) -> str:
    text = (description(path) or [""])[0]
    text = text.split(": ", 1)[1] if text.startswith(f"{path.stem}:") else text
    return text.split(". ")[0].rstrip(".")
