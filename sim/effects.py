"""Effect sizes: every number that sizes a mechanism, declared once beside the mechanism.

A mechanism's module declares its effect sizes in one :class:`EffectSizes` group, each with
its value, a plausible range, its class (where the number comes from) and one line of
reasoning or a citation::

    CUSTOMER_EFFECTS = EffectSizes("customers", "docs/ODD.md 7.4",
        perception_speed=effect(0.3, 0.15, 0.5, ASSUMPTION,
                                "weight of this week's experience in perceived quality",
                                "perception settles within a few purchases"),
    )

A model holds the values it runs with in ``model.effects`` (the defaults, or a run's
overrides: ``CentricityModel(effects={"customers.perception_speed": 0.4})``). Each group's
values are a named tuple, so a compiled kernel takes them as one argument and reads
``fx.perception_speed``; no effect size is a literal inside an update function. The ODD's
tables of effect sizes are generated from these declarations (``python -m sim.effects``),
and the screening of the assumptions (``sim.validation.assumptions``) varies each within
its plausible range.

Example:
    >>> from sim.effects import effect, EffectSizes, ASSUMPTION
    >>> demo = EffectSizes("demo", "nowhere", speed=effect(0.3, 0.1, 0.5, ASSUMPTION, "a speed", "a guess"),
    ...                    register=False)
    >>> demo.defaults.speed, demo.values({"speed": 0.4}).speed
    (0.3, 0.4)
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import numpy as np

#: The classes of an effect size's number (issue 27): where the number comes from.
FROM_SOURCE = "source"                # the cited source gives the number
SOURCE_MECHANISM = "source mechanism"  # the source gives the mechanism (and sign); the number is chosen
ASSUMPTION = "assumption"             # the modeller's assumption, with a reason
CALIBRATED = "calibrated"             # set so that a named pattern or a status-quo level is met
CLASSES = (FROM_SOURCE, SOURCE_MECHANISM, ASSUMPTION, CALIBRATED)
CLASS_WORDS = {FROM_SOURCE: "from a source", SOURCE_MECHANISM: "source's mechanism, chosen number",
               ASSUMPTION: "assumption", CALIBRATED: "calibrated"}

#: The modules that declare effect sizes, in the order of the week (ODD section 7).
MODULES = ("sim.levers", "sim.organisation", "sim.management", "sim.employees", "sim.networks", "sim.service",
           "sim.customers", "sim.accounting", "sim.measurement", "sim.early_warning")

_REGISTRY: dict[str, EffectSizes] = {}


@dataclass(frozen=True)
class Effect:
    """One effect size: its value, plausible range [low, high], class, meaning and reason.

    ``allowed`` is the range a run may set it to (an override outside it is refused); the
    plausible range is what the screening varies it over. An array-valued effect (a table
    by segment or function) has arrays for value, low and high, and is screened as one
    factor that moves every entry from low to high together.
    """

    value: Any
    low: Any
    high: Any
    kind: str
    meaning: str
    reason: str
    allowed: tuple = (None, None)
    name: str = ""
    group: str = ""

    @property
    def is_table(self) -> bool:
        return isinstance(self.value, np.ndarray)

    @property
    def key(self) -> str:
        """``group.name``: the name a run's overrides and the screening use."""
        return f"{self.group}.{self.name}"


def effect(value, low, high, kind: str, meaning: str, reason: str, *, allowed: tuple | None = None) -> Effect:
    """Declare an effect size (see :class:`Effect`). ``allowed`` defaults to [0, 1] for a
    value within it and a range within it, else to [0, inf) for a non-negative one."""
    if isinstance(value, (list, tuple, np.ndarray)):
        value, low, high = (np.asarray(x, dtype=np.float64) for x in (value, low, high))
        value.setflags(write=False)
    else:
        value, low, high = float(value), float(low), float(high)
    if allowed is None:
        lo, hi = float(np.min(low)), float(np.max(high))
        if lo >= 0.0 and hi <= 1.0:
            allowed = (0.0, 1.0)
        elif lo >= 0.0:
            allowed = (0.0, None)
        else:
            allowed = (None, None)
    return Effect(value=value, low=low, high=high, kind=kind, meaning=meaning, reason=reason, allowed=allowed)


class EffectSizes:
    """The effect sizes of one mechanism's module: their declarations and their values.

    ``defaults`` is the named tuple of declared values; ``values(overrides)`` one with some
    replaced (checked against each one's allowed range); attribute access gives a declared
    value (``CUSTOMER_EFFECTS.promoter``), for readers outside a run.
    """

    def __init__(self, group: str, where: str, *, register: bool = True, **effects: Effect):
        self.group, self.where = group, where
        self.declared: dict[str, Effect] = {
            name: dataclasses.replace(e, name=name, group=group) for name, e in effects.items()}
        for e in self.declared.values():
            _check_declaration(e)
        self.record = namedtuple(f"{group.title().replace('_', '')}Effects", list(self.declared))
        self.record.__module__ = __name__   # picklable by name (see the module's __getattr__)
        self.defaults = self.record(*(e.value for e in self.declared.values()))
        if register:
            if group in _REGISTRY and _REGISTRY[group].where != where:
                raise ValueError(f"effect-size group '{group}' is declared twice")
            _REGISTRY[group] = self

    def __getattr__(self, name: str):
        declared = self.__dict__.get("declared", {})
        if name in declared:
            return declared[name].value
        raise AttributeError(name)

    def values(self, overrides: dict[str, Any] | None = None):
        """The named tuple of this group's values with ``overrides`` (name -> value) applied."""
        if not overrides:
            return self.defaults
        merged = self.defaults._asdict()
        for name, value in overrides.items():
            if name not in self.declared:
                known = ", ".join(sorted(self.declared))
                raise ValueError(f"unknown effect size 'effects.{self.group}.{name}'; known in '{self.group}': {known}")
            merged[name] = _checked(self.declared[name], value)
        return self.record(**merged)


def _check_declaration(e: Effect) -> None:
    where = f"effect size '{e.key}'"
    if e.kind not in CLASSES:
        raise ValueError(f"{where}: class {e.kind!r} is not one of {CLASSES}")
    if not e.meaning.strip() or not e.reason.strip():
        raise ValueError(f"{where}: needs a meaning and a reason (a citation or one line of reasoning)")
    if not (np.all(e.low <= e.value) and np.all(e.value <= e.high)):
        raise ValueError(f"{where}: value {e.value} lies outside its plausible range [{e.low}, {e.high}]")
    lo, hi = e.allowed
    if (lo is not None and np.any(e.low < lo)) or (hi is not None and np.any(e.high > hi)):
        raise ValueError(f"{where}: plausible range [{e.low}, {e.high}] exceeds its allowed range {e.allowed}")


def _checked(e: Effect, value):
    lo, hi = e.allowed
    text = f"[{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}]"
    if e.is_table:
        arr = np.asarray(value, dtype=np.float64)
        if arr.shape != e.value.shape or not np.all(np.isfinite(arr)):
            raise ValueError(f"effect size 'effects.{e.key}' must be {e.value.shape[0]} finite numbers")
        if (lo is not None and np.any(arr < lo)) or (hi is not None and np.any(arr > hi)):
            raise ValueError(f"effect size 'effects.{e.key}' = {arr.tolist()} is out of range; allowed range {text}")
        arr.setflags(write=False)
        return arr
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"effect size 'effects.{e.key}' = {value!r} must be a number; allowed range {text}")
    value = float(value)
    if not math.isfinite(value) or (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"effect size 'effects.{e.key}' = {value!r} is out of range; allowed range {text}")
    return value


def __getattr__(name: str):
    # A pickled run (a settled start shared between processes) names its records' classes
    # here: find them among the declared groups.
    if name.startswith("_") or not name.endswith("Effects"):
        raise AttributeError(f"module 'sim.effects' has no attribute {name!r}")
    for sizes in declared().values():
        if sizes.record.__name__ == name:
            return sizes.record
    raise AttributeError(f"module 'sim.effects' has no attribute {name!r}")


def declared() -> dict[str, EffectSizes]:
    """Every group of effect sizes of the model, by group name, in the order of the week."""
    for module in MODULES:
        importlib.import_module(module)
    order = [m.rsplit(".", 1)[1] for m in MODULES]
    return dict(sorted(_REGISTRY.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))


def every_effect() -> dict[str, Effect]:
    """Every declared effect size by its key (``customers.perception_speed``)."""
    return {e.key: e for group in declared().values() for e in group.declared.values()}


def flatten(overrides: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """``{"customers.x": 1}`` or ``{"customers": {"x": 1}}`` -> ``{"customers": {"x": 1}}``."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in (overrides or {}).items():
        if isinstance(value, dict):
            out.setdefault(key, {}).update(value)
        elif "." in key:
            group, name = key.split(".", 1)
            out.setdefault(group, {})[name] = value
        else:
            raise ValueError(f"effect size '{key}' must be named 'group.name' (e.g. customers.perception_speed)")
    return out


class EffectValues:
    """The effect sizes a run uses: one named tuple per group (``model.effects.customers``).

    ``overrides`` holds what differs from the declarations (checked, by ``group.name``): it is
    what a run's record keeps, and with the package version it fixes every value.

    Example:
        >>> fx = EffectValues({"customers.promoter": 0.8})
        >>> fx.customers.promoter, fx.overrides
        (0.8, {'customers.promoter': 0.8})
    """

    def __init__(self, overrides: dict[str, Any] | None = None):
        groups = declared()
        nested = flatten(overrides)
        for group in nested:
            if group not in groups:
                raise ValueError(f"unknown effect-size group 'effects.{group}'; known: {', '.join(groups)}")
        self.overrides: dict[str, Any] = {}
        for group, sizes in groups.items():
            record = sizes.values(nested.get(group))
            setattr(self, group, record)
            for name in nested.get(group) or {}:
                v = getattr(record, name)
                self.overrides[f"{group}.{name}"] = v.tolist() if isinstance(v, np.ndarray) else v

    def key(self) -> tuple:
        """A hashable key of the values (for caches of settled starts)."""
        return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in self.overrides.items()))

    def __getstate__(self):
        return {"overrides": self.overrides}

    def __setstate__(self, state):
        self.__init__(state["overrides"])


# ---------------------------------------------------------------------- the ODD's tables
ODD = "docs/ODD.md"
_BEGIN, _END = "<!-- effects:{group} (generated by `python -m sim.effects`; do not edit by hand) -->", \
    "<!-- /effects:{group} -->"


def _number(x) -> str:
    if isinstance(x, np.ndarray):
        return "[" + ", ".join(f"{v:g}" for v in x.ravel()) + "]"
    return f"{x:g}"


def odd_table(group: str) -> str:
    """The markdown table of one group's effect sizes, as docs/ODD.md shows it."""
    sizes = declared()[group]
    if not sizes.declared:
        return (f"None: the mechanisms of `sim/{group}.py` ({sizes.where}) are sized by the organisation's "
                "parameters and the levers alone.")
    lines = [f"Effect sizes declared in `sim/{group}.py` ({sizes.where}); a run sets any of them with "
             f"`effects={{\"{group}.<name>\": value}}` or `+effects.{group}.<name>=value`:", "",
             "| Effect size | Value | Plausible range | Class | Meaning | Reason or source |",
             "|---|---|---|---|---|---|"]
    for e in sizes.declared.values():
        lines.append(f"| `{e.name}` | {_number(e.value)} | {_number(e.low)} to {_number(e.high)} | "
                     f"{CLASS_WORDS[e.kind]} | {e.meaning} | {e.reason} |")
    return "\n".join(lines)


def update_odd(text: str) -> str:
    """``text`` (docs/ODD.md) with every generated block replaced by the current declarations.

    A block is the text between ``<!-- effects:<group> ... -->`` and ``<!-- /effects:<group> -->``.
    """
    import re

    for group in declared():
        begin, end = _BEGIN.format(group=group), _END.format(group=group)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise ValueError(f"{ODD} has no block for the effect sizes of '{group}' ({begin} ... {end})")
        text = pattern.sub(lambda _m, b=begin, e=end, g=group: f"{b}\n{odd_table(g)}\n{e}", text)
    return text


def main() -> int:
    """Regenerate docs/ODD.md's tables of effect sizes from the declarations."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / ODD
    text = path.read_text(encoding="utf-8")
    new = update_odd(text)
    path.write_text(new, encoding="utf-8")
    n = len(every_effect())
    print(f"{ODD}: {n} effect sizes in {len(declared())} tables ({'changed' if new != text else 'unchanged'})")
    return 0


if __name__ == "__main__":
    # Run as a script this file is a second module (``__main__``); the declarations register in
    # ``sim.effects``, so its ``main`` is the one to call.
    from sim.effects import main as _main

    raise SystemExit(_main())
