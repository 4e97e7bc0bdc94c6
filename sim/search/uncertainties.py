"""What a change lead does not know about their own organisation, as ranges around what they assume.

A road designed for an organisation should not rest on numbers nobody has measured. Each
entry below is a model parameter (``sim/params.py``) whose value an organisation rarely
knows well before a change, with how far the truth may plausibly lie from the value the
scenario assumes: an absolute half-width for a 0-1 trait, or a factor for a rate. The
range is centred on the organisation's own value (the default organisation's, or a named
scenario's) and clipped to the range the model allows for the parameter, so a scenario
with low readiness is uncertain around *its* readiness.

The widths are assumptions of the search, not of the model, stated with their reasons;
``python -m sim.search --uncertain name,...`` narrows the set. Sampled by a Latin
hypercube (``sim.study.design.latin_hypercube``, seeded), each row is one plausible
version of the organisation: a scenario in the exploratory-modelling sense (Kwakkel 2017).

Example:
    >>> ranges = uncertain_ranges({"organisation": {"initial_readiness": 0.4}})
    >>> ranges["organisation.initial_readiness"]
    (0.25, 0.55)
    >>> sample = sample_scenarios(ranges, n=4, seed=0)
    >>> len(sample), sorted(sample.columns) == sorted(ranges)
    (4, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from sim.params import GROUPS, describe


@dataclass(frozen=True)
class Uncertain:
    """A parameter and how far from the assumed value the truth may lie.

    Exactly one of ``half_width`` (absolute, for 0-1 traits and shares) or ``factor``
    (the truth lies between value/factor and value*factor, for rates) is given.
    """

    key: str
    why: str
    half_width: float | None = None
    factor: float | None = None

    def range_around(self, value: float) -> tuple[float, float]:
        """(low, high) around ``value``, clipped to the allowed range (a rate of 0 stays 0: no factor moves it).

        Raises:
            ValueError: for a value outside the parameter's allowed range.
        """
        group, name = self.key.split(".")
        spec = describe(GROUPS[group])[name]
        if (spec["low"] is not None and value < spec["low"]) or (spec["high"] is not None and value > spec["high"]):
            raise ValueError(f"{self.key} = {value!r} is out of range; allowed range [{spec['low']}, {spec['high']}]")
        if self.half_width is not None:
            low, high = value - self.half_width, value + self.half_width
        else:
            low, high = value / self.factor, value * self.factor
        if spec["low"] is not None:
            low = max(low, spec["low"])
        if spec["high"] is not None:
            high = min(high, spec["high"])
        return round(low, 6), round(high, 6)


UNCERTAIN = (
    Uncertain("organisation.initial_readiness", half_width=0.15,
              why="rarely measured before a change; a readiness survey's scale mean is itself uncertain (Weiner 2009)"),
    Uncertain("organisation.dispositional_resistance", half_width=0.15,
              why="a trait (Oreg 2003) management sees only when the change meets it"),
    Uncertain("organisation.initial_identification", half_width=0.15,
              why="how much staff identify with the company is guessed from engagement surveys at best"),
    Uncertain("organisation.turnover_rate", factor=1.5,
              why="next years' quits depend on the labour market as much as on the firm"),
    Uncertain("customers.base_churn_rate", factor=1.5,
              why="baseline churn moves with competitors' offers and switching costs"),
    Uncertain("customers.churn_sensitivity", factor=1.33,
              why="how sharply customers leave when dissatisfied is estimated, not known"),
    Uncertain("customers.customisation_need", factor=1.5,
              why="how much customers' jobs need a person is what job research would find out (seed 002)"),
    Uncertain("customers.persuasion_knowledge", half_width=0.15,
              why="how well customers see through persuasion (Friestad & Wright 1994) varies by market and year"),
    Uncertain("customers.activist_share", factor=1.5,
              why="activists are few and visible only once they act (seed 001)"),
    Uncertain("customers.market_potential", factor=1.2,
              why="the market's size is a forecast (Bass 1969)"),
)
UNCERTAIN_BY_KEY = {u.key: u for u in UNCERTAIN}


def uncertain_ranges(config: Mapping | None = None, keys: Sequence[str] | None = None) -> dict[str, tuple[float, float]]:
    """key -> (low, high) for each uncertain parameter, around the organisation's own values.

    Args:
        config: the organisation's settings as nested dicts (``{"organisation": {...},
            "customers": {...}}``, a scenario's); parameters it does not set take their defaults.
        keys: which of ``UNCERTAIN`` (default: all).

    Raises:
        ValueError: for a key that is not in ``UNCERTAIN``.
    """
    config = config or {}
    keys = [u.key for u in UNCERTAIN] if keys is None else list(keys)
    out = {}
    for key in keys:
        if key not in UNCERTAIN_BY_KEY:
            raise ValueError(f"unknown uncertainty {key!r}; known ones: {', '.join(UNCERTAIN_BY_KEY)}")
        group, name = key.split(".")
        value = (config.get(group) or {}).get(name, describe(GROUPS[group])[name]["default"])
        out[key] = UNCERTAIN_BY_KEY[key].range_around(float(value))
    return out


def sample_scenarios(ranges: Mapping[str, tuple[float, float]], n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` scenarios of the uncertain parameters: a Latin hypercube over ``ranges`` (one column per key)."""
    from sim.study.design import latin_hypercube
    from sim.study.ranges import ParameterRange

    if n < 1:
        raise ValueError(f"scenarios = {n} is out of range; allowed range [1, ...]")
    wide = [ParameterRange(key, low, high) for key, (low, high) in ranges.items() if high > low]
    points = latin_hypercube(wide, n, seed=seed) if wide else None
    table = pd.DataFrame({r.key: points[:, i] for i, r in enumerate(wide)}) if wide else pd.DataFrame(index=range(n))
    for key, (low, high) in ranges.items():
        if high <= low:
            table[key] = low
    return table[list(ranges)]


def as_settings(row: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """A scenario row (``group.name`` keys) as nested settings for ``CentricityModel``."""
    nested: dict[str, dict[str, float]] = {}
    for key, value in row.items():
        group, name = key.split(".")
        nested.setdefault(group, {})[name] = float(value)
    return nested
