"""The page's model: a road, its twin on the same seed, and the weeks recorded as arrays.

``ExplorerModel`` maps the page's flat controls onto :class:`~sim.model.CentricityModel`
and steps a *twin* beside it: the same organisation, seed and random events on a second
road (the status quo unless the page chooses another), so the gap between the two is the
difference between the roads, not chance. Named organisations (scenarios) are read from
``configs/scenario/``.

Example:
    >>> m = ExplorerModel(road="best_customer", pressure=0.6, n_employees=60, n_customers=600,
    ...                   burn_in_weeks=0)
    >>> m.road.pressure, m.twin.road.name
    (0.6, 'status_quo')
    >>> m.step()
    >>> road, twin = m.series()
    >>> road.weeks.tolist(), len(twin["profit"])
    ([0, 1], 2)
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from sim.early_warning import Alarm
from sim.model import CentricityModel
from sim.params import GROUPS, describe, validate_group
from sim.roads import NAMED_ROADS, ROADS
from sim.study.config import description as config_description

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "configs" / "scenario"
DEFAULT_SCENARIO = "default"

# ---------------------------------------------------------------------------- scenarios


@dataclasses.dataclass
class Scenario:
    """A named organisation: parameter overrides read from ``configs/scenario/<name>.yaml``."""

    name: str
    title: str
    description: str = ""
    overrides: dict[str, Any] = dataclasses.field(default_factory=dict)  # flat parameter names
    problem: str = ""  # why the file could not be used (then it is not offered)


def _read_yaml(path: Path) -> dict:
    from omegaconf import OmegaConf

    cfg = OmegaConf.load(path)
    try:
        data = OmegaConf.to_container(cfg, resolve=True)
    except Exception:  # an interpolation pointing outside this file: take the literal values
        data = OmegaConf.to_container(cfg, resolve=False)
    return data if isinstance(data, dict) else {}


def _groups_of(data: dict) -> dict:
    """The dict holding ``organisation:/customers:/levers:``, at the top or one level down."""
    if any(g in data for g in GROUPS):
        return data
    for value in data.values():
        if isinstance(value, dict) and any(g in value for g in GROUPS):
            return value
    return {}


def load_scenarios(directory: Path | None = None) -> dict[str, Scenario]:
    """``default`` plus every readable, valid ``*.yaml`` in the scenario folder, by file name.

    A file that cannot be read or names an unknown parameter is left out (its problem is
    kept in ``load_scenarios.problems``) rather than breaking the page.
    """
    directory = SCENARIO_DIR if directory is None else Path(directory)
    paths = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    key = (str(directory), tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths))
    if key in _scenario_cache:  # parsed already and unchanged on disk
        scenarios, load_scenarios.problems = _scenario_cache[key]
        return dict(scenarios)
    scenarios = {DEFAULT_SCENARIO: Scenario(DEFAULT_SCENARIO, "Default organisation",
                                            "The model's default parameters.")}
    problems: dict[str, str] = {}
    for path in paths:
        name = path.stem
        try:
            data = _read_yaml(path)
            groups = _groups_of(data)
            overrides: dict[str, Any] = {}
            for group, cls in GROUPS.items():
                overrides.update(validate_group(cls, dict(groups.get(group) or {}), group))
        except Exception as exc:  # noqa: BLE001 - any broken file is reported, not fatal
            problems[name] = f"{path.name}: {exc}"
            continue
        title = str(data.get("title") or groups.get("title") or name.replace("_", " ").title())
        description = str(data.get("description") or groups.get("description")
                          or " ".join(config_description(path)[:1]))
        scenarios[name] = Scenario(name, title, description, overrides)
    load_scenarios.problems = problems
    _scenario_cache.clear()
    _scenario_cache[key] = (dict(scenarios), problems)
    return scenarios


load_scenarios.problems = {}
_scenario_cache: dict[tuple, tuple[dict[str, Scenario], dict[str, str]]] = {}

# ---------------------------------------------------------------------------- the page's model

# Parameters of sim.params with their defaults and ranges, by flat name.
SPEC = {name: spec for cls in GROUPS.values() for name, spec in describe(cls).items()}

# The organisation and customer sliders: flat parameter name -> (label, slider min, max, step).
# Population ranges are kept where a rebuild stays under a second and a step well under it.
SLIDERS = {
    "initial_readiness": ("Readiness for change", 0.0, 1.0, 0.05),
    "initial_integration_level": ("Integration level (0-4)", 0, 4, 1),
    "n_employees": ("Employees", 50, 1500, 50),
    "activist_share": ("Share of activist customers", 0.0, 1.0, 0.05),
    "self_service_quality": ("Self-service quality", 0.0, 1.0, 0.05),
    "n_customers": ("Customers", 100, 30000, 100),
}

#: The road the page opens on: one whose gap to the status quo shows in every chart
#: (efficiency and profit up, customer centricity, NPS and cooperation down).
OPENING_ROAD = "engineering"
#: The twin's road unless the page chooses another.
DEFAULT_TWIN = "status_quo"
#: The roads a page offers (the custom road needs a schedule file).
PAGE_ROADS = NAMED_ROADS


class Record:
    """A model's recorded weeks (0 to now) as growing numpy columns, read from its data collector.

    The charts read a few columns every week; a pandas frame of all 87 metrics per week
    (``model.results()``) costs more than the week itself. New weeks are appended in place,
    so reading is linear in the weeks added since the last read, not in the run's length.
    They are read by week from the data collector, which holds every week of the run: the
    model's ``history`` keeps only its last few weeks, and playing flat out may run more
    weeks than that between two pictures.
    """

    def __init__(self, model: CentricityModel, capacity: int = 320):
        self.model = model
        self.columns: dict[str, int] = {name: i for i, name in enumerate(model.current)}
        self.data = np.empty((len(self.columns), capacity))
        self.n = 0

    def update(self) -> Record:
        """Take in the weeks recorded since the last call."""
        collected = self.model.datacollector.model_vars   # one list per metric, week 0 at position 0
        names = list(self.columns)
        new = len(collected[names[0]]) - self.n
        if new > 0:
            if self.n + new > self.data.shape[1]:
                grown = np.empty((len(self.columns), 2 * (self.n + new)))
                grown[:, :self.n] = self.data[:, :self.n]
                self.data = grown
            self.data[:, self.n:self.n + new] = np.array([collected[c][self.n:self.n + new] for c in names])
            self.n += new
        return self

    @property
    def weeks(self) -> np.ndarray:
        """0, 1, ..., the current week."""
        return np.arange(self.n)

    def __getitem__(self, column: str) -> np.ndarray:
        """One metric, week 0 to now (a view: copy it to keep it)."""
        return self.data[self.columns[column], :self.n]

    def last(self, column: str) -> float:
        """This week's value of a metric."""
        return float(self.data[self.columns[column], self.n - 1])


class ExplorerModel(CentricityModel):
    """The page's model: flat slider keywords mapped onto :class:`CentricityModel`, plus its twin.

    The mapping, keyword by keyword:

    ===============================  ==============================================================
    ``road``, ``start_week``,        passed through to ``CentricityModel``
    ``seed``
    ``pressure``                     ``road_params["pressure"]`` (every road except ``status_quo``;
                                     ``None``: the road's own default)
    ``tension_setpoint``             ``road_params["tension_setpoint"]`` (``competing_values`` only)
    ``scenario_name``                the named organisation's ``organisation/customers/levers``
                                     overrides (``configs/scenario/<name>.yaml``; ``"default"``: none)
    ``initial_readiness``,           parameters of :mod:`sim.params` by name; a value overrides the
    ``initial_integration_level``,   scenario's, ``None`` keeps the scenario's (else the default)
    ``activist_share``,
    ``self_service_quality``,
    ``n_employees``,
    ``n_customers``,
    ``burn_in_weeks``
    ``twin_road``                    also build ``self.twin``: ``CentricityModel(road=twin_road)`` at
                                     that road's own settings, with the same seed, parameters and
                                     start week, stepped with this model (``None``: no twin)
    ===============================  ==============================================================

    Both models share the seed and the named random streams, so until ``start_week`` they are
    identical week for week, and afterwards the difference between them is the roads'.
    """

    def __init__(self, road: str = OPENING_ROAD, scenario_name: str = DEFAULT_SCENARIO,
                 pressure: float | None = None, tension_setpoint: float | None = None,
                 start_week: int = 0, initial_readiness: float | None = None,
                 initial_integration_level: int | None = None, activist_share: float | None = None,
                 self_service_quality: float | None = None, n_employees: int | None = None,
                 n_customers: int | None = None, seed: int = 0, twin_road: str | None = DEFAULT_TWIN,
                 burn_in_weeks: int | None = None):
        for name, value in (("road", road), ("twin_road", twin_road)):
            if value is not None and value not in ROADS:
                raise ValueError(f"unknown {name.replace('_', ' ')} {value!r}; allowed roads: {', '.join(ROADS)}")
        scenarios = load_scenarios()
        if scenario_name not in scenarios:
            raise ValueError(f"unknown scenario {scenario_name!r}; available: {', '.join(scenarios)}")
        params = dict(scenarios[scenario_name].overrides)
        explicit = {"initial_readiness": initial_readiness, "initial_integration_level": initial_integration_level,
                    "activist_share": activist_share, "self_service_quality": self_service_quality,
                    "n_employees": n_employees, "n_customers": n_customers, "burn_in_weeks": burn_in_weeks}
        params.update({k: v for k, v in explicit.items() if v is not None})
        declared = ROADS[road].declared()
        road_params = {}
        if pressure is not None and "pressure" in declared:
            road_params["pressure"] = pressure
        if tension_setpoint is not None and "tension_setpoint" in declared:
            road_params["tension_setpoint"] = tension_setpoint
        super().__init__(road=road, start_week=start_week, road_params=road_params, seed=seed, **params)
        # Named `scenario_name`: Mesa models have a `scenario` of their own (parameters and rng).
        self.scenario_name = scenario_name
        self.params = params
        self.twin: CentricityModel | None = None
        if twin_road is not None:
            self.twin = CentricityModel(road=twin_road, start_week=start_week, seed=seed, **params)
        self._records = (Record(self), None if self.twin is None else Record(self.twin))

    def step(self) -> None:
        """One week of the chosen road and, when comparing, one week of its twin."""
        super().step()
        if self.twin is not None:
            self.twin.step()

    def series(self) -> tuple[Record, Record | None]:
        """(the road's recorded weeks, the twin's or ``None``), up to this week."""
        road, twin = self._records
        return road.update(), None if twin is None else twin.update()

    def frames(self):
        """(results of the road, results of the twin or ``None``) as pandas frames."""
        return self.results(), None if self.twin is None else self.twin.results()

    def alarms(self) -> list[Alarm]:
        """The early warnings of the chosen road so far, each with what the monitor saw."""
        return [a for a in self.monitor.seen if a.week >= 0]


def controls_for(scenario: str = DEFAULT_SCENARIO, road: str = OPENING_ROAD, **chosen) -> dict[str, Any]:
    """Control values for a scenario and road: the scenario's values, else the defaults.

    Population sizes are held inside the sliders' range, so the page stays fluid.
    """
    scenarios = load_scenarios()
    overrides = scenarios[scenario].overrides if scenario in scenarios else {}
    values: dict[str, Any] = {"road": road, "scenario_name": scenario}
    for name, (_, low, high, _) in SLIDERS.items():
        value = overrides.get(name, SPEC[name]["default"])
        values[name] = type(SPEC[name]["default"])(min(max(value, low), high))
    values.update(road_controls(road))
    values.update({"start_week": 0, "seed": 0, "twin_road": DEFAULT_TWIN})
    values.update(chosen)
    return values


def road_controls(road: str) -> dict[str, Any]:
    """The road's own defaults for the pressure and tension set-point sliders."""
    declared = ROADS[road].declared()
    return {"pressure": declared.get("pressure", {"default": 0.0})["default"],
            "tension_setpoint": ROADS["competing_values"].declared()["tension_setpoint"]["default"]}


def road_label(road: str | None, pressure: float | None = None) -> str:
    """A road's plain name, with the pressure when the road has one (e.g. 'Mission (...), pressure 0.35')."""
    if road is None:
        return "nothing"
    title = ROADS[road].title
    declared = ROADS[road].declared()
    if "pressure" not in declared:
        return title
    value = declared["pressure"]["default"] if pressure is None else pressure
    return f"{title}, pressure {value:.2f}"
