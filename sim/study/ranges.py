"""What a design varies: parameter ranges, told apart from the grid and checked against the model.

An entry of ``hydra.sweeper.params`` (or a command-line override) is a *range* when it is
``interval(low,high)`` or a mapping ``{low: ..., high: ...}``; the design samples ranges.
Anything else (``road: mission,engineering``, ``seed: range(0,3)``, ``steps: 104``) is the
*grid*: every design point is run at every grid combination, as in a basic sweep.

A range must be of a parameter the model declares as a real number, and lie inside the
range the model allows for it (``sim/params.py``, the roads' declarations): the message
names the parameter and its allowed range, before any job runs.

Example:
    >>> r = parse_range("organisation.initial_readiness", {"low": 0.2, "high": 0.8})
    >>> r
    ParameterRange(key='organisation.initial_readiness', low=0.2, high=0.8)
    >>> check_range(r, roads=["mission"])
    >>> try:
    ...     check_range(ParameterRange("organisation.initial_readiness", 0.2, 1.5), roads=["mission"])
    ... except DesignError as err:
    ...     print(str(err).split(": ", 1)[1])
    organisation.initial_readiness: interval(0.2,1.5) goes beyond the range the model allows, [0.0, 1.0]
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hydra.errors import CompactHydraException


class DesignError(CompactHydraException):
    """A design that cannot be run; Hydra prints the message alone, without a traceback."""


@dataclass(frozen=True)
class ParameterRange:
    """A model parameter the design varies uniformly between ``low`` and ``high``."""

    key: str
    low: float
    high: float


def parse_range(key: str, value: Any) -> ParameterRange | None:
    """The range an entry describes, or None if the entry belongs to the grid.

    ``value`` is a mapping with ``low`` and ``high``, or what Hydra's override parser made
    of ``interval(low,high)`` (an ``IntervalSweep``); ``low`` must be below ``high``.
    """
    from hydra.core.override_parser.types import IntervalSweep

    if isinstance(value, IntervalSweep):
        low, high = value.start, value.end
    elif isinstance(value, Mapping):
        if set(value) != {"low", "high"}:
            raise DesignError(f"hydra.sweeper.params: {key}: a range is {{low: ..., high: ...}} or interval(low,high), "
                              f"got keys {sorted(value)}")
        low, high = value["low"], value["high"]
    else:
        return None
    try:
        low, high = float(low), float(high)
    except (TypeError, ValueError):
        raise DesignError(f"hydra.sweeper.params: {key}: the range ends must be numbers, got {low!r} and {high!r}") from None
    if not low < high:
        raise DesignError(f"hydra.sweeper.params: {key}: interval({low},{high}) is empty: low must be below high")
    return ParameterRange(key, low, high)


def declared(key: str, road: str) -> dict[str, Any]:
    """The model's declaration of ``key`` (default, low, high) when the road is ``road``.

    Raises:
        DesignError: for a key the model does not have (with the known ones).
    """
    from sim.params import GROUPS, describe, renamed
    from sim.roads import ROADS

    group, _, name = key.partition(".")
    if group == "road" and road in ROADS:
        spec = ROADS[road].declared()
        if name not in spec:
            raise DesignError(f"hydra.sweeper.params: {key} is not a parameter of road '{road}'; "
                              f"its parameters: {', '.join(spec)}")
        return spec[name]
    if group in GROUPS and name in describe(GROUPS[group]):
        return describe(GROUPS[group])[name]
    if key in ("seed", "steps"):
        return {"default": 0, "low": 0, "high": None}
    if group in GROUPS and (message := renamed(name, group)):
        raise DesignError(f"hydra.sweeper.params: {message}")
    raise DesignError(f"hydra.sweeper.params: unknown parameter '{key}'; a range is of "
                      f"organisation.*, customers.*, levers.* or road.* (see python -m sim --help)")


def check_range(rng: ParameterRange, roads: Iterable[str]) -> None:
    """Check a range against the model's declaration of its parameter, for each road of the sweep.

    Raises:
        DesignError: naming the parameter and the allowed range, for a whole-number or
            true/false parameter (those go in the grid), or a range beyond the allowed one.
    """
    for road in roads:
        spec = declared(rng.key, road)
        kind = type(spec["default"])
        if kind is not float:
            what = "true/false" if kind is bool else "whole-number"
            raise DesignError(f"hydra.sweeper.params: {rng.key} is a {what} parameter: list its values in the grid "
                              f"instead (e.g. {rng.key}: {_example_values(spec)}); ranges are for real-valued ones")
        low, high = spec.get("low"), spec.get("high")
        if (low is not None and rng.low < low) or (high is not None and rng.high > high):
            raise DesignError(f"hydra.sweeper.params: {rng.key}: interval({rng.low:g},{rng.high:g}) goes beyond the "
                              f"range the model allows, [{low}, {high}]")


def _example_values(spec: dict[str, Any]) -> str:
    if isinstance(spec["default"], bool):
        return "true,false"
    low = spec.get("low") or 0
    return ",".join(str(v) for v in range(low, low + 3))
