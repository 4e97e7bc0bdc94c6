"""Playing the page's model: weeks at a chosen pace, redrawn as often as that pace allows.

A week of the model (and its twin) takes a few milliseconds; redrawing the page takes ten
times longer. Redrawing after every week would make the drawing set the pace, so
:func:`play` keeps to a schedule of weeks per second instead: it redraws after a week when
it is on time, and when it is behind (a redraw took longer than the weeks it covers) it
steps on without drawing until the schedule is caught up, but never goes longer than
``MAX_GAP`` without a picture. A slow pace thus shows every week; a fast one shows every
second or third week, at the pace it promises. Play stops at the horizon.

Example:
    >>> from sim.page.explorer import ExplorerModel
    >>> m = ExplorerModel(n_employees=40, n_customers=300, burn_in_weeks=0)
    >>> drawn = []
    >>> play(m, lambda: drawn.append(m.steps), weeks_per_second=None, horizon=5)
    5
    >>> m.steps, drawn[-1]
    (5, 5)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

#: Weeks per second (``None``: as fast as it goes), or a function that says it when asked.
Pace = float | None | Callable[[], float | None]

#: Longest time without a new picture while playing, in seconds.
MAX_GAP = 0.25
#: Where play stops unless the page is told otherwise: five years.
HORIZON = 260
#: The largest horizon the page accepts (a hundred years).
MAX_HORIZON = 5200


@dataclass(frozen=True)
class Speed:
    """A pace of play, named in words for the page's menu."""

    name: str                       # what the menu shows, e.g. "fast: 30 weeks a second"
    weeks_per_second: float | None  # None: as fast as the machine goes


SPEEDS = (
    Speed("slow: one week a second", 1.0),
    Speed("steady: 4 weeks a second", 4.0),
    Speed("brisk: 10 weeks a second", 10.0),
    Speed("fast: 30 weeks a second", 30.0),
    Speed("flat out: as fast as it goes", None),
)
#: The pace the page opens with: five years in about nine seconds.
DEFAULT_SPEED = SPEEDS[3]


def speed_named(name: str) -> Speed:
    """The speed with this name (``ValueError`` listing the names otherwise)."""
    for speed in SPEEDS:
        if speed.name == name:
            return speed
    raise ValueError(f"unknown speed {name!r}; allowed: {', '.join(s.name for s in SPEEDS)}")


def play(model, redraw: Callable[[], object], weeks_per_second: Pace, horizon: int | Callable[[], int],
         keep_going: Callable[[], bool] = lambda: True, clock: Callable[[], float] = time.perf_counter,
         sleep: Callable[[float], object] = time.sleep) -> int:
    """Step ``model`` until week ``horizon`` or until ``keep_going()`` is false; returns the weeks played.

    ``redraw()`` shows the model's current week. It is called after a week whenever play is
    on schedule (``weeks_per_second``; ``None``: no schedule, as fast as it goes), at least
    every ``MAX_GAP`` seconds otherwise, and once at the end, so the last week is always
    shown. Between weeks play sleeps only when it is ahead of the schedule. The pace and the
    horizon may be given as functions: they are read every week, so a change while playing
    applies at once (a new pace starts a new schedule from that week).
    """
    pace = weeks_per_second if callable(weeks_per_second) else (lambda: weeks_per_second)
    until = horizon if callable(horizon) else (lambda: horizon)
    rate = pace()
    start = last_draw = clock()
    played = drawn_at = on_schedule = 0
    while model.steps < until() and keep_going():
        model.step()
        played += 1
        on_schedule += 1
        now = clock()
        if pace() != rate:  # a new pace: a new schedule from now
            rate, start, on_schedule = pace(), now, 0
        due = start + on_schedule / rate if rate else start
        if now < due or now - last_draw >= MAX_GAP:
            redraw()
            last_draw, drawn_at = clock(), played
            if last_draw < due:
                sleep(due - last_draw)
    if drawn_at != played:
        redraw()
    return played
