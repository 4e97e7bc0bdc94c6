"""A designed policy: for each lever, how far to move it, from which week, and over how many weeks.

The search (``sim.search``) does not choose among the five textbook roads; it designs one.
A policy is three numbers per lever, so it reads as a road and runs as one:

* **level**: where the lever ends up (inside the lever's allowed range, ``sim.levers``);
* **start**: the week it starts to move (before it, business as usual);
* **ramp**: over how many weeks it moves there in a straight line (0: at once).

Whole-number levers (the integration rung, the ladder's pace) and switches (0 or 1) move at
once, so they have no ramp. A level within ``SNAP`` of the lever's range of its usual value
means "leave this lever alone": a search over real numbers would otherwise never leave a
lever exactly where it was, and every found policy would read as "move everything a little".

:meth:`DesignedPolicy.schedule` writes the policy as the table the ``custom`` road replays
(``sim/roads/custom.py``), so a found policy runs through the same engine, at the same
prices, as every road; :meth:`DesignedPolicy.words` says it in a sentence per lever.

Example:
    >>> space = PolicySpace(levers=("pressure", "participation", "streamline"))
    >>> [v.name for v in space.variables][:3]
    ['pressure.level', 'pressure.start', 'pressure.ramp']
    >>> policy = space.decode([0.45, 8, 20, 0.6, 0, 0, 1, 30])
    >>> print(policy.words())
    Pressure on employees to change: from 0.15 to 0.45, from week 8, over 20 weeks.
    How much employees shape the change: from 0 to 0.6, from week 1, at once.
    Redesign processes from the customer contact inward: on from week 30.
    >>> table = policy.schedule(horizon=40).set_index("week")
    >>> table.index.tolist()[:3], table.loc[[8, 9, 26, 27], "pressure"].round(3).tolist()
    ([1, 8, 9], [0.165, 0.18, 0.435, 0.45])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.levers import LEVERS, SWITCHES, Policy

#: A level closer than this share of the lever's range to its usual value leaves the lever alone.
SNAP = 0.05
#: The latest week a move may start, and the longest ramp (weeks): the first two years, half a year.
LATEST_START = 104
LONGEST_RAMP = 52
#: Where the search looks when a lever's allowed range is wider than any plan would use.
SEARCH_RANGE = {
    "ladder_pace": (4, 52),   # weeks per rung: a month to a year (the allowed range goes to ten years)
}


@dataclass(frozen=True)
class Variable:
    """One decision variable of the search: ``lever.level``, ``lever.start`` or ``lever.ramp``."""

    name: str
    low: float
    high: float
    whole: bool

    def decoded(self, x: float) -> float:
        x = min(max(float(x), self.low), self.high)
        return float(round(x)) if self.whole else x


@dataclass(frozen=True)
class Move:
    """One lever's move: to ``level`` from week ``start`` (>= 1), over ``ramp`` weeks (0: at once)."""

    lever: str
    usual: float
    level: float
    start: int
    ramp: int

    def value(self, week: int) -> float:
        """The lever's value in ``week`` (its usual value before ``start``)."""
        if week < self.start:
            return self.usual
        if self.ramp <= 0 or week >= self.start + self.ramp - 1:
            return self.level
        return self.usual + (self.level - self.usual) * (week - self.start + 1) / self.ramp

    def words(self) -> str:
        title = _title(self.lever)
        if self.lever in SWITCHES:
            return f"{title}: {'on' if self.level >= 0.5 else 'off'} from week {self.start}."
        when = "at once" if self.ramp <= 1 else f"over {self.ramp} weeks"
        return f"{title}: from {_num(self.usual)} to {_num(self.level)}, from week {self.start}, {when}."


@dataclass(frozen=True)
class DesignedPolicy:
    """A road designed by the search: the levers it moves (every other lever stays as usual)."""

    moves: tuple[Move, ...]

    def schedule(self, horizon: int) -> pd.DataFrame:
        """The table the ``custom`` road replays: a row for each week any lever changes, up to ``horizon``.

        A lever before its start week is a blank cell (business as usual, the organisation's own).
        """
        weeks = sorted({w for m in self.moves for w in range(m.start, min(m.start + max(m.ramp, 1), horizon + 1))})
        table = pd.DataFrame({"week": np.asarray(weeks, dtype=np.int64)})
        for m in self.moves:
            values = [m.value(w) if w >= m.start else np.nan for w in weeks]
            if LEVERS[m.lever]["type"] is int or m.lever in SWITCHES:
                values = [v if v != v else float(round(v)) for v in values]
            table[m.lever] = np.round(values, 6)
        return table

    def words(self) -> str:
        """One sentence per lever moved, in the order of ``sim.levers.LEVERS`` ("" for none)."""
        if not self.moves:
            return "Business as usual: no lever moved."
        return "\n".join(m.words() for m in self.moves)

    @property
    def levers(self) -> tuple[str, ...]:
        return tuple(m.lever for m in self.moves)


class PolicySpace:
    """The decision variables over ``levers`` and the policy each point of them is.

    Args:
        levers: which levers the search may move (default: every lever of ``sim.levers.LEVERS``).
        usual: each lever's business-as-usual value in the organisation searched for (default:
            the default organisation's); a move ramps from it.
        latest_start: the latest week a move may start (default ``LATEST_START``; the search
            passes its horizon when that is shorter, so every move starts inside the run).
    """

    def __init__(self, levers: Sequence[str] | None = None, usual: Mapping[str, float] | None = None,
                 latest_start: int = LATEST_START):
        levers = tuple(LEVERS) if levers is None else tuple(levers)
        unknown = [name for name in levers if name not in LEVERS]
        if unknown:
            raise ValueError(f"unknown lever {unknown[0]!r}; known levers: {', '.join(LEVERS)}")
        if not levers:
            raise ValueError("levers: name at least one lever to search over")
        defaults = {name: float(getattr(Policy(), name)) for name in LEVERS}
        self.levers = tuple(name for name in LEVERS if name in levers)   # in LEVERS order
        self.usual = {name: float((usual or {}).get(name, defaults[name])) for name in self.levers}
        self.variables: list[Variable] = []
        for name in self.levers:
            low, high = SEARCH_RANGE.get(name, (LEVERS[name]["low"], LEVERS[name]["high"]))
            whole = LEVERS[name]["type"] is int or name in SWITCHES
            self.variables.append(Variable(f"{name}.level", float(low), float(high), whole))
            self.variables.append(Variable(f"{name}.start", 1.0, float(max(1, latest_start)), True))
            if not whole:
                self.variables.append(Variable(f"{name}.ramp", 0.0, float(LONGEST_RAMP), True))

    def decode(self, x: Sequence[float]) -> DesignedPolicy:
        """The policy at point ``x`` (one value per variable, in ``variables`` order)."""
        if len(x) != len(self.variables):
            raise ValueError(f"a policy of this space has {len(self.variables)} values, got {len(x)}")
        values = {v.name: v.decoded(xi) for v, xi in zip(self.variables, x, strict=True)}
        moves = []
        for name in self.levers:
            level, usual = values[f"{name}.level"], self.usual[name]
            low, high = LEVERS[name]["low"], LEVERS[name]["high"]
            if abs(level - usual) <= SNAP * (high - low):
                continue
            moves.append(Move(name, usual, level, int(values[f"{name}.start"]), int(values.get(f"{name}.ramp", 0))))
        return DesignedPolicy(tuple(moves))

    def usual_point(self) -> list[float]:
        """The point of business as usual (every lever at its usual value)."""
        point = {f"{n}.level": self.usual[n] for n in self.levers}
        return [point.get(v.name, v.low) for v in self.variables]


def _title(lever: str) -> str:
    doc = LEVERS[lever]["doc"]
    for cut in (" (", ", ", ": "):
        doc = doc.split(cut)[0]
    return doc[0].upper() + doc[1:]


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x)}"
