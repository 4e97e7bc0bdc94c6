"""The command line's inputs, checked before Hydra composes anything.

Every override a user types (``organisation.initial_readiness=1.5``, ``seed=abc``,
``road=mision``, ``road.presure=0.5``, ``-m seed=0,1,abc``) is checked here against the
model's own declarations, for single runs and sweeps alike, so that every input error reads
the same: the key, the value, what is wrong, the allowed range or choices, and a "did you
mean" for a near miss (a parameter's old name gets its new one: ``sim.params.RENAMED``).
Nothing runs when any is wrong (exit status 2). Hydra's own keys (``hydra.*``,
``hydra/launcher=...``) are left to Hydra.

Whatever the user types gets such a line, never a traceback: a value Hydra's override
grammar cannot read (``road=ミッション🚀``, ``readiness=½``, a stray comma or quote) is read as
the text it is and checked like any other (:func:`read_override`, the one place where the
parser's errors are caught); a whole number written as ``1e3`` or ``1000.0`` is that number.
Hydra's ``+``/``++`` are optional (each key gets the prefix it needs, :func:`for_hydra`).
A schedule file (``road.schedule``) is read and checked here too, and ``road=custom`` needs one.

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
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sim.params import GROUPS, check_value, describe, renamed
from sim.roads import ROADS
from sim.roads.custom import NO_SCHEDULE
from sim.study.config import SEED_RANGE, STEPS_RANGE, group_options

#: Hydra's flags that take a value (the next word is not an override).
_FLAGS_WITH_VALUE = {"--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd", "--package", "-p",
                     "--experimental-rerun", "--cfg", "-c", "--info", "-i"}
#: Flags after which nothing is run or composed for a job: no check.
_ONLY_HELP = {"--help", "-h", "--hydra-help", "--shell-completion", "-sc", "--info", "-i", "--version"}
#: The flags of a sweep.
MULTIRUN = {"--multirun", "-m"}
#: Go ahead with a run or sweep whose estimate is too large (``sim.study.sweep.too_large``): ours, not Hydra's.
YES = "--yes"
#: Every flag the command line knows: Hydra's (``hydra._internal.utils.get_args_parser``) and ours.
_FLAGS = {*_FLAGS_WITH_VALUE, *_ONLY_HELP, *MULTIRUN, "--resolve", "--run", "-r", YES}
#: The run-level keys and their (default, low, high).
RUN_KEYS = {"seed": (0, *SEED_RANGE), "steps": (260, *STEPS_RANGE)}
DEFAULT_ROAD = "status_quo"
_QUOTES = "'\""
#: What a key looks like (a name, dotted, perhaps with Hydra's prefixes): anything else is no key.
_KEY = re.compile(r"^[+~]{0,2}[A-Za-z_][\w.\-/]*(@[\w.\-]*)?$")
_SWEEP_FUNCTIONS = "choice, range, interval, glob, sort, shuffle, tag, int, float, str, bool"


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


def _words(argv: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Each word of a command line with what it is: 'flag', 'flag value' (the word after
    ``--cfg``, ``-cn`` ...) or 'override'."""
    skip = False
    for word in argv:
        if skip:
            skip = False
            yield word, "flag value"
            continue
        if word.startswith("-"):
            flag = word.split("=", 1)[0]
            skip = flag in _FLAGS_WITH_VALUE and "=" not in word and flag not in ("--info", "-i")
            yield word, "flag"
            continue
        yield word, "override"


def split_arguments(argv: Sequence[str]) -> tuple[list[str], set[str]]:
    """(the overrides, the flags) of a ``python -m sim`` command line.

    Example:
        >>> overrides, flags = split_arguments(["-m", "seed=1", "--cfg", "job", "--yes"])
        >>> overrides, sorted(flags)
        (['seed=1'], ['--cfg', '--yes', '-m'])
    """
    overrides, flags = [], set()
    for word, kind in _words(argv):
        if kind == "override":
            overrides.append(word)
        elif kind == "flag":
            flags.add(word.split("=", 1)[0])
    return overrides, flags


def check_command_line(argv: Sequence[str]) -> None:
    """Check the overrides and flags of a ``python -m sim`` command line.

    Raises:
        InputError: with every problem found, each in the project's format.
    """
    overrides, flags = split_arguments(argv)
    if flags & _ONLY_HELP:
        return
    problems = [_unknown_flag(flag) for flag in sorted(flags - _FLAGS)]
    problems += check_overrides(overrides, multirun=bool(flags & MULTIRUN))
    if problems:
        raise InputError(problems)


def _unknown_flag(flag: str) -> str:
    hint = _did_you_mean(flag, sorted(_FLAGS))
    return (f"unknown option '{flag}';{hint} the options are -m (a sweep), --yes (go ahead with a large run), "
            "--cfg job (print the config), --help; every setting is key=value")


def read_override(text: str, parser=None):
    """One override as Hydra reads it, and what is wrong with it: (the override, None) or (None, a message).

    The one place where what Hydra's override parser cannot read is caught (it raises from deep in its
    grammar, a 55-line traceback for ``road=mission,``). A value it cannot read unquoted (Unicode,
    ``½``) is read as the text it is, quoted: ``road=ミッション🚀`` then reads as the road 'ミッション🚀',
    which the checks refuse in the usual words, and a file name such as ``road.schedule=données.csv``
    works (:func:`for_hydra` gives Hydra the quoted form: ``override.input_line``).

    Example:
        >>> read_override("road=mission,")[1]
        "'road=mission,' ends with a comma, so one of its values is empty: write road=mission (and add -m ...)"
        >>> read_override("road=ミッション")[0].value()
        'ミッション'
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = parser or OverridesParser.create()
    try:
        return parser.parse_override(text), None
    except Exception as err:  # the grammar raises HydraException, from ANTLR's errors; any failure is the text's
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    key, equals, value = text.partition("=")
    if not equals:
        return None, _not_a_setting(text)
    if not _KEY.match(key.strip()):
        return None, _unknown_parameter(key.strip())
    if " while evaluating '" in reason:      # a function of Hydra's sweep syntax with wrong arguments
        return None, (f"cannot read '{text}': {reason.split(': ', 1)[-1]} (the functions of a sweep are "
                      f"{_SWEEP_FUNCTIONS})")
    unmatched = [q for q in _QUOTES if value.count(q) % 2]
    if unmatched:
        plain = "".join(c for c in value if c not in _QUOTES)
        return None, f"'{text}' has an unmatched quote ({unmatched[0]}): write {key}={plain}"
    problem = _empty_value(key, value.strip())
    if problem:
        return None, f"'{text}' {problem}"
    try:    # what Hydra reads only quoted: Unicode letters and signs, '½', '€'
        return parser.parse_override(f"{key}={_quoted(value)}"), None
    except Exception:  # still unreadable: said in words below
        return None, (f"cannot read '{text}': write key=value, e.g. seed=3 or road=mission; quote a value "
                      "with spaces or unusual characters: road.schedule='my plan.csv'")


def _not_a_setting(word: str) -> str:
    """A word without '=': perhaps a road or scenario (``mission``) or a key without its value."""
    choices = {**{road: "road" for road in ROADS}, **{s: "scenario" for s in group_options("scenario").split(", ")}}
    keys = known_keys()
    key = word.lstrip("+~")
    if word in choices:
        hint = f" did you mean '{choices[word]}={word}'?"
    elif key in keys or _closest(key, keys):
        hint = f" did you mean '{key if key in keys else _closest(key, keys)}=...'?"
    else:
        hint = " e.g. seed=3 or road=mission (python -m sim --help lists them)"
    return f"'{word}' is not a setting: settings are key=value;{hint}"


def _empty_value(key: str, value: str) -> str | None:
    """Why a list of values has an empty one (a stray comma), in words; None if it has none."""
    parts = [part.strip() for part in value.split(",")]
    if value and all(parts):
        return None
    where = ("is empty" if not value.strip(",") else "ends with a comma" if value.endswith(",")
             else "starts with a comma" if value.startswith(",") else "has two commas in a row")
    kept = ",".join(part for part in parts if part)
    fix = f"write {key}={kept} (and add -m for a sweep over several values)" if kept else "give it a value"
    return f"{where}, so one of its values is empty: {fix}" if kept else f"{where}: {fix}"


def _quoted(value: str) -> str:
    """``value`` as one of Hydra's quoted strings (a quote inside escaped, as a backslash before the end)."""
    text = value.replace("'", "\\'")
    trailing = len(text) - len(text.rstrip("\\"))
    return "'" + text + "\\" * trailing + "'"


def check_overrides(overrides: Sequence[str], multirun: bool = False) -> list[str]:
    """Every problem with these overrides, one message each (empty when all is well).

    Example:
        >>> for problem in check_overrides(["readiness=½", "organisation.n_employees=1e3", "road=custom"]):
        ...     print(problem)
        unknown parameter 'readiness'; did you mean 'organisation.initial_readiness'?
        road 'custom' needs a schedule: road.schedule=<a CSV or Parquet file with a 'week' column and ...
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    parsed, problems = [], []
    for text in overrides:
        override, problem = read_override(text, parser)
        if problem:
            problems.append(problem)
        else:
            parsed.append(override)
    roads = _roads_chosen(parsed)
    experiment = any(o.key_or_group == "experiment" for o in parsed)
    for o in parsed:
        key = o.key_or_group
        if key == "hydra" or key.startswith(("hydra.", "hydra/")):
            continue
        if o.is_delete() or o.package is not None:
            problems.append(_hydra_form(o))
            continue
        if o.is_sweep_override() and not multirun:
            problems.append(f"'{o.input_line}' gives several values: add -m to run a sweep over them "
                            f"(python -m sim -m {o.input_line})")
            continue
        values = sweep_values(o.value(), _choice_options(key))
        if not values:
            problems.append(f"'{o.input_line}' gives no value: a sweep needs at least one")
            continue
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
        elif key == "road.schedule":
            problems += _check_road_parameter("schedule", values, roads, multirun, experiment) or \
                _check_schedules(values)
        elif key.startswith("road.") and key.count(".") == 1:
            problems += _check_road_parameter(key.partition(".")[2], values, roads, multirun, experiment)
        elif key.startswith("effects.") and key.count(".") == 2:
            problems += _check_effect_size(key, values)
        else:
            problems.append(_unknown_parameter(key))
    if roads and "custom" in roads and not experiment and not _schedule_given(parsed):
        problems.append(NO_SCHEDULE)
    return problems


def _hydra_form(o) -> str:
    """A deletion (``~seed``) or a package (``seed@foo=1``) of one of the model's keys: Hydra's syntax, no use here."""
    key = o.key_or_group
    if o.is_delete():
        return f"'{o.input_line}' removes '{key}', which a run needs: leave it out to keep its default"
    return (f"'{o.input_line}': '@{o.package}' places a config group elsewhere, which this command line does "
            f"not use: write {key}=...")


def _schedule_given(parsed) -> bool:
    return any(o.key_or_group == "road.schedule" and any(str(v) for v in sweep_values(o.value())) for o in parsed)


def _check_schedules(values: list[Any]) -> list[str]:
    """Each schedule file read and checked now, before anything runs (sim.roads.custom.read_schedule)."""
    from sim.roads.custom import read_schedule

    problems = []
    for value in dict.fromkeys(str(v) for v in values if v is not None and str(v) != ""):
        try:
            read_schedule(value)
        except ValueError as err:
            problems.append(str(err))
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


def sweep_values(value: Any, options: Sequence[str] = ()) -> list[Any]:
    """The values a parsed override stands for: each choice, each value of a range, the ends of an
    interval, the ``options`` a glob matches.

    Example:
        >>> from hydra.core.override_parser.overrides_parser import OverridesParser
        >>> sweep_values(OverridesParser.create().parse_override("seed=range(0,3)").value())
        [0, 1, 2]
    """
    from hydra.core.override_parser.types import ChoiceSweep, Glob, IntervalSweep, RangeSweep

    if isinstance(value, ChoiceSweep):
        return [v for item in value.list for v in sweep_values(item, options)]
    if isinstance(value, RangeSweep):
        start, stop, step = value.start, value.stop, value.step or 1
        if any(isinstance(x, float) for x in (start, stop, step)):   # floats, as Hydra makes them
            count = max(0, math.ceil((stop - start) / step))
            return [float(start + i * step) for i in range(count)]
        return list(range(start, stop, step))
    if isinstance(value, IntervalSweep):
        return [value.start, value.end]
    if isinstance(value, Glob):
        return value.filter(list(options))
    return [value]


def _choice_options(key: str) -> list[str]:
    """The options of a config group (what a glob chooses among), none for a value key."""
    if key == "road":
        return sorted(ROADS)
    if key in ("scenario", "experiment"):
        return group_options(key).split(", ")
    return []


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
    """The command line as Hydra should see it, once :func:`check_command_line` found it right.

    * Each key gets the prefix Hydra needs: none for a key of the config (``+seed=1`` is
      ``seed=1``), '+' for one that is added (``experiment=five_roads`` is ``+experiment=...``).
    * A whole number written as a decimal (``organisation.n_employees=1e3``, ``1000.0``) is
      given as the integer, 1000: it is that number, and Hydra refuses to put a float into an
      integer key. Job folders are then named alike (``=1000``), so a sweep resumes either way.
    * A value Hydra reads only quoted (``road.schedule=données.csv``) is quoted.
    * ``scenario=null`` (no scenario) is the default: left out.
    * In a sweep, a road parameter given one value (``road.pressure=0.5``) becomes a sweep of
      one value (``road.pressure=choice(0.5)``): Hydra applies the overrides that are not sweeps
      to the sweep's own config, whose road is the default one (the status quo, without a
      pressure); as a sweep, the parameter goes to each job, and each road takes it or not
      (:func:`road_parameters_for`). Job folders keep their names.
    * ``--yes`` is ours: Hydra does not see it.

    Example:
        >>> for_hydra(["-m", "road=status_quo,mission", "road.pressure=0.5", "seed=1"])
        ['-m', 'road=status_quo,mission', 'road.pressure=choice(0.5)', 'seed=1']
        >>> for_hydra(["organisation.n_employees=1e3", "+seed=2", "experiment=five_roads", "--yes"])
        ['organisation.n_employees=1000', 'seed=2', '+experiment=five_roads']
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    multirun = bool(split_arguments(argv)[1] & MULTIRUN)
    parser = OverridesParser.create()
    out = []
    for word, kind in _words(argv):
        if kind == "flag" and word == YES:
            continue
        if kind != "override":
            out.append(word)
            continue
        override, problem = read_override(word, parser)
        if problem or override.key_or_group.startswith(("hydra.", "hydra/")) or override.key_or_group == "hydra" \
                or override.is_delete() or override.package is not None:
            out.append(word)        # Hydra's own, or refused before this
            continue
        text = _as_hydra_needs(override)
        if text is not None:
            out.append(text)
    if multirun:
        out = [_one_value_sweep(word, parser) if kind == "override" else word
               for word, kind in _words(out)]
    return out


def _as_hydra_needs(o) -> str | None:
    """An override's text with the prefix Hydra needs and whole numbers as integers (None: leave it out)."""
    key = o.key_or_group
    if key == "scenario" and o.value() is None:
        return None
    value = o.input_line.partition("=")[2]
    if _is_integer_key(key):
        value = _integer_text(o.value(), value)
    prefix = ("++" if o.is_force_add() else "+") if key == "experiment" or key.startswith("effects.") else ""
    return f"{prefix}{key}={value}"


def _is_integer_key(key: str) -> bool:
    if key in RUN_KEYS:
        return True
    group, _, name = key.partition(".")
    if group in GROUPS:
        spec = describe(GROUPS[group]).get(name)
    elif group == "road":
        spec = next((road.declared()[name] for road in ROADS.values() if name in road.declared()), None)
    else:
        spec = None
    return spec is not None and type(spec["default"]) is int


def _integer_text(value: Any, text: str) -> str:
    """``text`` with whole floats as integers: ``1e3`` is ``1000``, a sweep the list of its values
    (``range(0,3.0)`` is ``0,1,2``); the ends of an interval are left as they are."""
    from hydra.core.override_parser.types import IntervalSweep

    values = sweep_values(value)
    if isinstance(value, IntervalSweep) or not any(isinstance(v, float) for v in values):
        return text
    return ",".join(str(int(v)) for v in values)


def _one_value_sweep(word: str, parser) -> str:
    """In a sweep, ``road.pressure=0.5`` as ``road.pressure=choice(0.5)`` (see :func:`for_hydra`)."""
    if not (word.startswith("road.") and "=" in word):
        return word
    override, problem = read_override(word, parser)
    if problem or override.is_sweep_override():
        return word
    key, _, value = word.partition("=")
    return f"{key}=choice({value})"


# ---------------------------------------------------------------------------- the checks
def _roads_chosen(parsed) -> list[str] | None:
    """The roads a command line chooses (``road=...``), or None if it does not choose one."""
    for o in parsed:
        if o.key_or_group == "road" and not o.is_delete():
            return [str(v) for v in sweep_values(o.value(), sorted(ROADS))]
    return None


def _check_values(key: str, values: list[Any], default: Any, low: Any, high: Any) -> list[str]:
    problems = []
    for value in values:
        if value is None:       # as the user wrote it (OmegaConf reads 'null' as None)
            problems.append(f"parameter '{key}' = null must be given a value{_allowed(default, low, high)}")
            continue
        if type(default) is int and isinstance(value, float) and not math.isfinite(value):
            # check_value would fail converting it to an integer; the same words as for 1.5
            problems.append(f"parameter '{key}' = {value!r} must be a whole number{_allowed(default, low, high)}")
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
    options = _choice_options(key)
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
    close = _closest(word, options)
    return f" did you mean '{close}'?" if close else ""


def _closest(word: str, options: Sequence[str]) -> str | None:
    """The option ``word`` most likely stands for (a near miss), or None.

    Example:
        >>> _closest("n_employees", known_keys()), _closest("organisation.n_employes", known_keys())
        ('organisation.n_employees', 'organisation.n_employees')
    """
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    if not close and "." in word:   # a near miss in the parameter's name alone
        group, _, name = word.rpartition(".")
        names = [o.rpartition(".")[2] for o in options if o.rpartition(".")[0] == group]
        match = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
        close = [f"{group}.{match[0]}"] if match else []
    if not close and "." not in word:   # a parameter's name without its group: n_employees, readiness
        names_of: dict[str, str] = {}
        for option in options:
            if "." in option:
                names_of.setdefault(option.rpartition(".")[2], option)
        match = difflib.get_close_matches(word, list(names_of), n=1, cutoff=0.75) or \
            [name for name in names_of if name.endswith("_" + word)][:1]
        close = [names_of[match[0]]] if match else []
    return close[0] if close else None
