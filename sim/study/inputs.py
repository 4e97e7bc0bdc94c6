"""The command line's inputs, checked before Hydra composes anything.

Every override a user types (``organisation.initial_readiness=1.5``, ``seed=abc``,
``road=mision``, ``road.presure=0.5``, ``-m seed=0,1,abc``) is checked here against the
model's own declarations, for single runs and sweeps alike, so that every input error reads
the same: the key, the value, what is wrong, the allowed range or choices, and a "did you
mean" for a near miss (a parameter's old name gets its new one: ``sim.params.RENAMED``).
Nothing runs when any is wrong (exit status 2). Hydra's own keys (``hydra.*``,
``hydra/launcher=...``) are left to Hydra.

A road parameter follows the road: in a single run, the road chosen must declare it; in a
sweep over several roads, at least one of them must (the others ignore it, see
:func:`road_parameters_for`).

Example:
    >>> for problem in check_overrides(["organisation.n_employes=500", "steps=abc", "road=mision"]):
    ...     print(problem)
    unknown parameter 'organisation.n_employes'; did you mean 'organisation.n_employees'?
    parameter 'steps' = 'abc' must be a number; allowed range [0, 10000000]
    unknown road 'mision'; did you mean 'mission'? the roads are best_customer, competing_values, ...
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from typing import Any

from sim.params import GROUPS, check_value, describe, renamed
from sim.roads import ROADS
from sim.study.config import SEED_RANGE, STEPS_RANGE, group_options

#: Hydra's flags that take a value (the next word is not an override).
_FLAGS_WITH_VALUE = {"--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd", "--package", "-p",
                     "--experimental-rerun", "--cfg", "-c", "--info", "-i"}
#: Flags after which nothing is run or composed for a job: no check.
_ONLY_HELP = {"--help", "-h", "--hydra-help", "--shell-completion", "-sc", "--info", "-i", "--version"}
_MULTIRUN = {"--multirun", "-m"}
#: The run-level keys and their (default, low, high).
RUN_KEYS = {"seed": (0, *SEED_RANGE), "steps": (260, *STEPS_RANGE)}
DEFAULT_ROAD = "status_quo"


class InputError(ValueError):
    """One or more inputs are wrong; ``problems`` holds one message each."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def read_or_exit_status(argv: Sequence[str], usage: str, read):
    """A ``key=value`` command's arguments, or its exit status: ``--help`` prints ``usage`` (0); wrong
    inputs print one ``error:`` line each (2). ``read(argv)`` reads them, raising ``InputError``.

    Returns:
        (the arguments ``read`` returned, None), or (None, the exit status).

    Example:
        >>> read_or_exit_status(["--help"], "usage: python -m sim.search ...", lambda argv: argv)
        usage: python -m sim.search ...
        (None, 0)
    """
    import sys

    if {"-h", "--help"} & set(argv):
        print(usage)
        return None, 0
    try:
        return read(list(argv)), None
    except InputError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return None, 2


def split_arguments(argv: Sequence[str]) -> tuple[list[str], set[str]]:
    """(the overrides, the flags) of a ``python -m sim`` command line."""
    overrides, flags, skip = [], set(), False
    for word in argv:
        if skip:
            skip = False
            continue
        if word.startswith("-") and not word.startswith("--") or word.startswith("--"):
            flag = word.split("=", 1)[0]
            flags.add(flag)
            skip = flag in _FLAGS_WITH_VALUE and "=" not in word and flag not in ("--info", "-i")
            continue
        overrides.append(word)
    return overrides, flags


def check_command_line(argv: Sequence[str]) -> None:
    """Check the overrides of a ``python -m sim`` command line.

    Raises:
        InputError: with every problem found, each in the project's format.
    """
    overrides, flags = split_arguments(argv)
    if flags & _ONLY_HELP:
        return
    problems = check_overrides(overrides, multirun=bool(flags & _MULTIRUN))
    if problems:
        raise InputError(problems)


def check_overrides(overrides: Sequence[str], multirun: bool = False) -> list[str]:
    """Every problem with these overrides, one message each (empty when all is well)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    parser = OverridesParser.create()
    parsed, problems = [], []
    for text in overrides:
        try:
            parsed.append(parser.parse_override(text))
        except OverrideParseException as err:
            problems.append(f"cannot read '{text}': {str(err).splitlines()[0]}")
    roads = _roads_chosen(parsed)
    experiment = any(o.key_or_group == "experiment" for o in parsed)
    for o in parsed:
        key = o.key_or_group
        if key == "hydra" or key.startswith(("hydra.", "hydra/")) or o.is_delete():
            continue
        if o.is_sweep_override() and not multirun:
            problems.append(f"'{o.input_line}' gives several values: add -m to run a sweep over them "
                            f"(python -m sim -m {o.input_line})")
            continue
        values = sweep_values(o.value())
        if key in ("experiment", "road", "scenario"):
            problems += _check_choices(key, values)
        elif key in RUN_KEYS:
            problems += _check_values(key, values, *RUN_KEYS[key])
        elif key in GROUPS:
            problems.append(f"'{key}' is a group of parameters: set one of them, e.g. {key}."
                            f"{next(iter(describe(GROUPS[key])))}=... (python -m sim --help lists them)")
        elif key.partition(".")[0] in GROUPS and key.count(".") == 1:
            group, _, name = key.partition(".")
            spec = describe(GROUPS[group]).get(name)
            if spec is None:
                problems.append(renamed(name, group) or _unknown_parameter(key))
            else:
                problems += _check_values(key, values, spec["default"], spec["low"], spec["high"])
        elif key.startswith("road.") and key.count(".") == 1:
            problems += _check_road_parameter(key.partition(".")[2], values, roads, multirun, experiment)
        elif key.startswith("effects.") and key.count(".") == 2:
            problems += _check_effect_size(key, values)
        else:
            problems.append(_unknown_parameter(key))
    return problems


def _check_effect_size(key: str, values: list[Any]) -> list[str]:
    """An effect size set on the command line (``+effects.customers.promoter=0.8``): known, and in range."""
    from sim.effects import EffectValues

    for value in values:
        try:
            EffectValues({key.partition(".")[2]: value})
        except ValueError as err:
            message = str(err)
            if message.startswith(("unknown effect size", "unknown effect-size group")):
                hint = _did_you_mean(key, known_keys())
                return [message.split(";")[0] + ";" + (hint or " docs/ODD.md section 7.8 lists them all")]
            return [message]
    return []


def sweep_values(value: Any) -> list[Any]:
    """The values a parsed override stands for: each choice, each value of a range, the ends of an interval."""
    from hydra.core.override_parser.types import ChoiceSweep, Glob, IntervalSweep, RangeSweep

    if isinstance(value, ChoiceSweep):
        return [v for item in value.list for v in sweep_values(item)]
    if isinstance(value, RangeSweep):
        start, stop, step = value.start, value.stop, value.step or 1
        if any(isinstance(x, float) for x in (start, stop, step)):
            count = max(0, math.ceil((stop - start) / step))
            return [start + i * step for i in range(count)]
        return list(range(start, stop, step))
    if isinstance(value, IntervalSweep):
        return [value.start, value.end]
    if isinstance(value, Glob):
        return []
    return [value]


def road_parameters_for(road: str, overrides: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the overrides a job on ``road`` keeps, the road parameters it ignores).

    In a sweep over several roads, a road parameter applies to the roads that declare it;
    the others ignore it.

    Example:
        >>> road_parameters_for("status_quo", ["road=status_quo", "road.pressure=0.5", "seed=1"])
        (['road=status_quo', 'seed=1'], ['pressure'])
    """
    declared = ROADS[road].declared() if road in ROADS else {}
    kept, ignored = [], []
    for text in overrides:
        key = text.split("=", 1)[0].lstrip("+")
        if key.startswith("road.") and key.count(".") == 1 and key[5:] not in declared and road in ROADS:
            ignored.append(key[5:])
        else:
            kept.append(text)
    return kept, ignored


def for_hydra(argv: Sequence[str]) -> list[str]:
    """The command line as Hydra should see it: in a sweep, a road parameter given one value
    (``road.pressure=0.5``) becomes a sweep of one value (``road.pressure=choice(0.5)``).

    Hydra applies the overrides that are not sweeps to the sweep's own config, whose road is the
    default one (the status quo, without a pressure); as a sweep, the parameter goes to each
    job, and each road takes it or not (:func:`road_parameters_for`). Job folders keep their names.

    Example:
        >>> for_hydra(["-m", "road=status_quo,mission", "road.pressure=0.5", "seed=1"])
        ['-m', 'road=status_quo,mission', 'road.pressure=choice(0.5)', 'seed=1']
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    overrides, flags = split_arguments(argv)
    if not flags & _MULTIRUN:
        return list(argv)
    parser = OverridesParser.create()
    out = []
    for word in argv:
        if word in overrides and word.startswith("road.") and "=" in word:
            try:
                override = parser.parse_override(word)
            except OverrideParseException:
                out.append(word)
                continue
            if not override.is_sweep_override():
                key, _, value = word.partition("=")
                word = f"{key}=choice({value})"
        out.append(word)
    return out


# ---------------------------------------------------------------------------- the checks
def _roads_chosen(parsed) -> list[str] | None:
    """The roads a command line chooses (``road=...``), or None if it does not choose one."""
    for o in parsed:
        if o.key_or_group == "road":
            return [str(v) for v in sweep_values(o.value())]
    return None


def _check_values(key: str, values: list[Any], default: Any, low: Any, high: Any) -> list[str]:
    problems = []
    for value in values:
        if value is None:       # as the user wrote it (OmegaConf reads 'null' as None)
            problems.append(f"parameter '{key}' = null must be given a value{_allowed(default, low, high)}")
            continue
        try:
            check_value(key, value, default, low, high)
        except ValueError as err:
            problems.append(str(err))
    return problems


def _allowed(default: Any, low: Any, high: Any) -> str:
    if isinstance(default, bool):
        return ": true or false"
    return f"; allowed range [{low}, {high}]" if low is not None and high is not None else ""


def _check_choices(key: str, values: list[Any]) -> list[str]:
    options = sorted(ROADS) if key == "road" else group_options(key).split(", ")
    problems = []
    for value in values:
        if key == "scenario" and value is None:
            continue
        if str(value) not in options:
            hint = _did_you_mean(str(value), options)
            problems.append(f"unknown {key} '{value}';{hint} the {key}s are {', '.join(options)}")
    return problems


def _check_road_parameter(name: str, values: list[Any], roads: list[str] | None, multirun: bool,
                          experiment: bool) -> list[str]:
    owners = [road for road in ROADS if name in ROADS[road].declared()]
    if not owners:
        return [_unknown_parameter(f"road.{name}")]
    chosen = roads if roads is not None else (None if experiment else [DEFAULT_ROAD])
    if chosen is not None:
        taking = [road for road in chosen if road in ROADS and name in ROADS[road].declared()]
        if not taking and all(road in ROADS for road in chosen):
            if len(chosen) == 1:
                declared = ", ".join(ROADS[chosen[0]].declared())
                return [f"road '{chosen[0]}' has no parameter '{name}'; its parameters: {declared} "
                        f"({name} belongs to {', '.join(owners)})"]
            return [f"no road of this sweep ({', '.join(chosen)}) has a parameter '{name}'; "
                    f"it belongs to {', '.join(owners)}"]
    spec = ROADS[owners[0]].declared()[name]
    return _check_values(f"road.{name}", values, spec["default"], spec["low"], spec["high"])


def known_keys() -> list[str]:
    """Every key a user can set: run keys, groups' parameters, road parameters, and the choices."""
    keys = [*RUN_KEYS, "road", "scenario", "+experiment"]
    for group, cls in GROUPS.items():
        keys += [f"{group}.{name}" for name in describe(cls)]
    keys += sorted({f"road.{name}" for road in ROADS.values() for name in road.declared()})
    from sim.effects import every_effect

    keys += [f"effects.{key}" for key in every_effect()]
    return keys


def _unknown_parameter(key: str) -> str:
    hint = _did_you_mean(key, known_keys()) or (" the keys are seed, steps, road, scenario, organisation.*, "
                                               "customers.*, levers.* and road.* (python -m sim --help lists them all)")
    return f"unknown parameter '{key}';{hint}"


def _did_you_mean(word: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    if not close and "." in word:   # a near miss in the parameter's name alone
        group, _, name = word.rpartition(".")
        names = [o.rpartition(".")[2] for o in options if o.rpartition(".")[0] == group]
        match = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
        close = [f"{group}.{match[0]}"] if match else []
    return f" did you mean '{close[0]}'?" if close else ""
