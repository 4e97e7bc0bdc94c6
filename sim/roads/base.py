"""The road plug-in interface: declared parameters and the hooks the engine calls.

A road never reaches into the engine; the engine calls its hooks at fixed points of the
week (docs/ODD.md section 3):

====================  =====  ==========================================================
hook                  phase  what a road may do there
====================  =====  ==========================================================
``begin``             1      once, in the road's first week (``start_week``)
``set_policy``        1      set this week's :class:`~sim.management.Policy` levers and
                             lasting organisation state (process quality, seats, rung)
``shape_employees``   2      act on employees after readiness, before behaviour
``influence_customers`` 4    act on customers before they judge the week
``respond_to_warnings`` 6    react to this week's early-warning alarms
====================  =====  ==========================================================

Before ``start_week`` the engine calls the status quo's hooks instead, so a run with a
late start is, week for week, the status quo until then.

Example:
    >>> from sim.roads import ROADS
    >>> road = ROADS["mission"](start_week=10, mission_intensity=0.8)
    >>> road.mission_intensity
    0.8
"""

from __future__ import annotations

from typing import ClassVar

from sim.params import check_value


def road_param(default, low=None, high=None, doc=""):
    """Declare a road parameter: default, allowed closed range, meaning."""
    return {"default": default, "low": low, "high": high, "doc": doc}


class Road:
    """Base class of every road. Subclasses declare ``parameters`` and override hooks."""

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

    def weeks_active(self, model) -> int:
        """Weeks since the programme started (1 in its first week)."""
        return model.week - max(self.start_week, 1) + 1

    # Hooks: the default is to do nothing.
    def begin(self, model) -> None:
        """Phase 1, once, in the first week the road is in force."""

    def set_policy(self, model, policy) -> None:
        """Phase 1: adjust this week's policy (rebuilt from business as usual each week)."""

    def shape_employees(self, model) -> None:
        """Phase 2: after peer influence, pressure, identification and readiness."""

    def influence_customers(self, model) -> None:
        """Phase 4: before customers judge the week."""

    def respond_to_warnings(self, model, alarms) -> None:
        """Phase 6: ``alarms`` is a list of (sacrificed value, favoured value)."""


class ChangeProgramme(Road):
    """A road with its own pressure and monitoring, which can be withdrawn at a given week."""

    common: ClassVar[dict[str, dict]] = {
        "pressure": road_param(0.4, 0.0, 1.0, "pressure on employees to change"),
        "monitoring": road_param(0.4, 0.0, 1.0, "intensity of metric monitoring"),
        "pressure_stop_week": road_param(-1, -1, 100_000, "week pressure returns to business as usual (-1: never)"),
    }

    def pressure_on(self, model) -> bool:
        return self.pressure_stop_week < 0 or model.week < self.pressure_stop_week

    def set_policy(self, model, policy) -> None:
        if self.pressure_on(model):
            policy.pressure = self.pressure
            policy.monitoring = self.monitoring
