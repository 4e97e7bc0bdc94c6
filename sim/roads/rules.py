"""Rules a road can use to set its levers week by week: schedules and feedback.

Any road may use any of them (seed 002: road 5 "may include side trips to any and all of the
other four roads"). They read only what the :class:`~sim.management.Briefing` shows and keep
their own small state; none touches the model.

Example:
    >>> c = TensionController(setpoint=0.45, gain=0.5, pressure=0.3)
    >>> c.step(0.25)     # tension below the set point: push a little harder
    0.4
    >>> c.step(None)     # nothing measured (no pulse survey): hold the pressure
    0.4
"""

from __future__ import annotations

import numpy as np

from sim.levers import VALUES


def ramp(weeks_active: int, weeks: int) -> float:
    """0 before the start, rising linearly to 1 after ``weeks`` weeks in force."""
    return min(1.0, max(0, weeks_active) / weeks)


class TensionController:
    """Paces pressure to keep observed felt tension at a set point (Heifetz, Grashow & Linsky 2009).

    An integral controller: each week the pressure moves by ``gain`` times the gap between the
    set point and the tension management sees, within [0, 1]. Without a reading it holds.
    """

    def __init__(self, setpoint: float, gain: float, pressure: float):
        self.setpoint = setpoint
        self.gain = gain
        self.pressure = pressure

    def step(self, tension: float | None) -> float:
        if tension is not None:
            self.pressure = float(np.clip(self.pressure + self.gain * (self.setpoint - tension), 0.0, 1.0))
        return self.pressure


class RewardBalance:
    """Moves reward weights toward an equal balance, and toward any value an alarm says is sacrificed.

    Each week the weights move ``speed`` of the way to a third each (Quinn & Rohrbaugh 1983;
    Mittal et al. 2005); each alarm (sacrificed, favoured) management received adds
    ``rebalance`` to the sacrificed value's weight; then they are normalised.

    Example:
        >>> b = RewardBalance(speed=0.0, rebalance=0.1, start=(0.2, 0.4, 0.4))
        >>> [round(w, 3) for w in b.step([("customer", "profit")])]
        [0.273, 0.364, 0.364]
    """

    def __init__(self, speed: float, rebalance: float, start=(0.2, 0.4, 0.4)):
        self.speed = speed
        self.rebalance = rebalance
        self.weights = np.array(start, dtype=float)

    def step(self, alarms) -> tuple[float, float, float]:
        for sacrificed, _favoured in alarms:
            self.weights[VALUES.index(sacrificed)] += self.rebalance
        self.weights /= self.weights.sum()
        self.weights += self.speed * (1.0 / 3.0 - self.weights)
        self.weights /= self.weights.sum()
        return tuple(float(w) for w in self.weights)
