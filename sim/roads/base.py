"""The road plug-in interface: a road is a policy over the shared levers.

A road has declared parameters and one method, :meth:`Road.set_levers`, which the engine
calls in phase 1 of every week the road is in force. It receives this week's levers at
business as usual (:class:`~sim.levers.Policy`) and a :class:`~sim.management.Briefing`
(what management can see: lagged KPIs, alarms if it runs an early-warning system) and moves
the levers it pulls, by its own rules. It never sees the model: every effect of a lever is
the engine's, the same for every road, and every lever has its price in the ledger
(docs/ODD.md 7.1). Replaying a road's recorded levers through the ``custom`` road gives the
same run, which is the test that no road has a mechanism of its own.

Before ``start_week`` the engine asks the status quo instead, so a run with a late start
is, week for week, the status quo until then.

Example:
    >>> from sim.roads import ROADS
    >>> road = ROADS["mission"](start_week=10, mission_intensity=0.8)
    >>> road.mission_intensity
    0.8
"""

from __future__ import annotations

from typing import ClassVar

from sim.levers import Policy
from sim.management import Briefing
from sim.params import check_value


def road_param(default, low=None, high=None, doc=""):
    """Declare a road parameter: default, allowed closed range, meaning."""
    return {"default": default, "low": low, "high": high, "doc": doc}


class Road:
    """Base class of every road. Subclasses declare ``parameters`` and override ``set_levers``."""

    name: ClassVar[str] = "road"
    title: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    watch_for: ClassVar[str] = ""
    parameters: ClassVar[dict[str, dict]] = {}
    common: ClassVar[dict[str, dict]] = {
        "start_week": road_param(0, 0, 100_000, "week the programme starts (before it: status quo)"),
    }

    def __init__(self, **params):
        spec = self.declared()
        for key in params:
            if key not in spec:
                allowed = ", ".join(sorted(spec))
                raise ValueError(f"unknown parameter 'road.{key}' for road '{self.name}'; known parameters: {allowed}")
        for key, s in spec.items():
            value = params.get(key, s["default"])
            setattr(self, key, check_value(f"road.{key}", value, s["default"], s["low"], s["high"]))

    @classmethod
    def declared(cls) -> dict[str, dict]:
        """Every parameter this road takes, common ones first."""
        return {**Road.common, **cls.common, **cls.parameters}

    @classmethod
    def defaults(cls) -> dict:
        return {k: v["default"] for k, v in cls.declared().items()}

    def values(self) -> dict:
        """The parameter values of this instance."""
        return {k: getattr(self, k) for k in self.declared()}

    def weeks_active(self, week: int) -> int:
        """Weeks since the programme started (1 in its first week)."""
        return week - max(self.start_week, 1) + 1

    def set_levers(self, levers: Policy, seen: Briefing) -> None:
        """Phase 1, every week the road is in force: move this week's levers (they start at business as usual)."""

    def idle_within(self, steps: int) -> list[str]:
        """What of this road cannot happen in a run of ``steps`` weeks, in words (empty: all of it can).

        Example:
            >>> from sim.roads import ROADS
            >>> ROADS["mission"](start_week=500).idle_within(260)[0]
            "road 'mission' starts in week 500, after the run's last week (260): the run is the status quo throughout"
        """
        if self.name != "status_quo" and self.start_week > steps:
            return [f"road '{self.name}' starts in week {self.start_week}, after the run's last week ({steps}): "
                    "the run is the status quo throughout"]
        return []


class ChangeProgramme(Road):
    """A road with its own pressure and monitoring, which can be withdrawn at a given week."""

    common: ClassVar[dict[str, dict]] = {
        "pressure": road_param(0.4, 0.0, 1.0, "pressure on employees to change"),
        "monitoring": road_param(0.4, 0.0, 1.0, "intensity of metric monitoring"),
        "pressure_stop_week": road_param(-1, -1, 100_000, "week pressure returns to business as usual (-1: never)"),
    }

    def pressure_on(self, week: int) -> bool:
        return self.pressure_stop_week < 0 or week < self.pressure_stop_week

    def idle_within(self, steps: int) -> list[str]:
        idle = super().idle_within(steps)
        if 0 <= self.pressure_stop_week <= max(self.start_week, 1) and not idle:
            idle.append(f"road '{self.name}': road.pressure_stop_week = {self.pressure_stop_week} is not after "
                        f"the road's first week ({max(self.start_week, 1)}): the road never puts its pressure on")
        return idle

    def set_levers(self, levers: Policy, seen: Briefing) -> None:
        if self.pressure_on(seen.week):
            levers.pressure = self.pressure
            levers.monitoring = self.monitoring
