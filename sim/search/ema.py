"""The model for EMA Workbench users: the roads, or a designed policy, over what an organisation does not know.

EMA Workbench (Kwakkel 2017) is the field's tool for exploratory modelling: it samples
scenarios (the uncertainties) and policies (the levers), runs every pair, and hands the
table to scenario discovery (PRIM), feature scoring or a many-objective search. Two models
are offered here, both ``ReplicatorModel``s that run ``CentricityModel`` for ``horizon`` weeks:

* :func:`roads_model`: the levers are which road (``road``), when it starts (``start_week``)
  and every road's own parameters (``engineering__pressure``, ``mission__brand_promise``, ...;
  a road's parameters act only when that road is drawn, the others' are ignored);
* :func:`designed_model`: the levers are a designed policy's decision variables
  (``pressure__level``, ``pressure__start``, ``pressure__ramp``, ..., ``sim.search.policies``),
  replayed through the ``custom`` road.

Both have the uncertainties of :func:`uncertainties` (``sim.search.uncertainties``: ranges
around the organisation's own values), the outcomes of ``sim.outcomes`` at ``horizon``
(higher is better for each: ``ScalarOutcome(kind=MAXIMIZE)``, the mean over the seeds), and
one replication per seed: every experiment meets the same seeds (common random numbers), and
experiments that share a scenario and a seed share its burn-in (``CentricityModel.settled``),
so two roads on one scenario differ by their road alone.

Names: EMA Workbench 3.0 wants every parameter's name to be a Python identifier (it warns
that ``customers.base_churn_rate`` will be refused), so this module writes the model's
``group.name`` keys with a double underscore: ``customers__base_churn_rate``,
``engineering__pressure``, ``pressure__level`` (:func:`ema_name`, :func:`sim_key`).
:func:`experiments_table` turns them back.

Replications: EMA 3.0 refuses a ``ScalarOutcome`` holding one value per replication, so each
outcome is the mean over the seeds, and ``<outcome>_by_seed`` (an ``ArrayOutcome``, one column
per seed, in the order of ``seed``) keeps the seeds' values; :func:`experiments_table` reads
both into one row per experiment.

Example (a tiny organisation, four scenarios, two roads, two seeds, six weeks):
    >>> from ema_workbench import perform_experiments
    >>> model = roads_model(horizon=6, seeds=(0, 1), n_employees=40, n_customers=300, burn_in_weeks=2)
    >>> experiments, outcomes = perform_experiments(model, scenarios=4, policies=road_policies(["status_quo", "mission"]),
    ...                                             log_progress=True)
    >>> table = experiments_table(experiments, outcomes)
    >>> len(table), sorted(table.road.unique())
    (8, ['mission', 'status_quo'])
    >>> table[["customers.base_churn_rate", "cumulative_profit", "cumulative_profit.seed1"]].shape
    (8, 3)
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

with warnings.catch_warnings():   # EMA says so on import when ipyparallel (a cluster option) is absent
    warnings.filterwarnings("ignore", message="ipyparallel not installed")
    from ema_workbench import (
        ArrayOutcome,
        BooleanParameter,
        CategoricalParameter,
        IntegerParameter,
        RealParameter,
        ReplicatorModel,
        Sample,
        ScalarOutcome,
    )

from sim.model import CentricityModel
from sim.outcomes import OUTCOMES
from sim.outcomes import outcomes as outcomes_of
from sim.params import GROUPS, build_group, check_value, describe, renamed
from sim.roads import ROADS
from sim.search.policies import PolicySpace
from sim.search.uncertainties import uncertain_ranges

#: How a model key ``group.name`` is written in EMA (whose names must be Python identifiers).
SEP = "__"
#: The roads ``roads_model`` chooses among: every road but ``custom`` (``designed_model`` is that one).
ROAD_CHOICES = tuple(name for name in ROADS if name != "custom")
#: Road parameters that are a week of the run (not a duration): their range ends at the horizon.
WEEK_PARAMETERS = ("start_week", "pressure_stop_week")
#: The per-seed outcome of each outcome: ``<outcome>_by_seed``; ``seed`` says which seed each column is.
BY_SEED = "_by_seed"

_GROUP_OF = {name: group for group, cls in GROUPS.items() for name in describe(cls)}


def ema_name(key: str) -> str:
    """The EMA name of a model key: ``customers.base_churn_rate`` -> ``customers__base_churn_rate``.

    Example:
        >>> ema_name("engineering.pressure"), sim_key("pressure__level")
        ('engineering__pressure', 'pressure.level')
    """
    return key.replace(".", SEP)


def sim_key(name: str) -> str:
    """The model key of an EMA name (the inverse of :func:`ema_name`)."""
    return name.replace(SEP, ".")


# ---------------------------------------------------------------------- the organisation
def organisation_settings(organisation: str | Mapping | None = None, **fixed: Any) -> dict[str, dict[str, Any]]:
    """The organisation's settings as nested groups (``{"organisation": {...}, "customers": {...}, ...}``), checked.

    Args:
        organisation: a scenario's name (``configs/scenario/<name>.yaml``, read by the page's
            loader, ``sim.page.explorer.load_scenarios``, which checks it), ``"default"`` or
            None for the model's default organisation, or nested settings as a dict.
        **fixed: further model keywords by flat name (``n_employees=60``) or whole groups;
            they override the scenario's.

    Raises:
        ValueError: for an unknown scenario, an unknown parameter or a value out of its range,
            naming it, before any simulation work.

    Example:
        >>> organisation_settings("retail_bank", n_employees=60)["organisation"]["n_employees"]
        60
    """
    nested: dict[str, dict[str, Any]] = {}
    if organisation is None or isinstance(organisation, str):
        from sim.page.explorer import DEFAULT_SCENARIO, load_scenarios

        name = organisation or DEFAULT_SCENARIO
        scenarios = load_scenarios()
        if name not in scenarios:
            problem = load_scenarios.problems.get(name)
            raise ValueError(f"organisation {name!r}: {problem}" if problem else
                             f"unknown organisation {name!r}; known: {', '.join(scenarios)} (configs/scenario/)")
        _merge(nested, _nest(scenarios[name].overrides))
    elif isinstance(organisation, Mapping):
        _merge(nested, _nest(dict(organisation), groups_only=True))
    else:
        raise ValueError(f"organisation = {organisation!r} must be a scenario's name or nested settings (a dict)")
    _merge(nested, _nest(fixed))
    for group, cls in GROUPS.items():   # every value checked now, not in the first run
        build_group(cls, dict(nested.get(group) or {}), group)
    return {group: values for group, values in nested.items() if values}


def _nest(values: Mapping[str, Any], groups_only: bool = False) -> dict[str, dict[str, Any]]:
    """Flat keywords and whole groups as nested groups (unknown names refused, old names with their new one)."""
    nested: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        if key in GROUPS:
            if not isinstance(value, Mapping):
                raise ValueError(f"settings '{key}' must be a dict of its parameters, got {value!r}")
            nested.setdefault(key, {}).update(value)
        elif groups_only or key not in _GROUP_OF:
            known = "organisation, customers, levers" if groups_only else "see sim.params"
            raise ValueError(renamed(key) or f"unknown parameter '{key}'; {known}")
        else:
            nested.setdefault(_GROUP_OF[key], {})[key] = value
    return nested


def _merge(into: dict[str, dict[str, Any]], more: Mapping[str, Mapping[str, Any]]) -> None:
    for group, values in more.items():
        into.setdefault(group, {}).update(values)


def _value(settings: Mapping[str, Mapping[str, Any]], key: str) -> Any:
    group, name = key.split(".")
    return (settings.get(group) or {}).get(name, describe(GROUPS[group])[name]["default"])


# ---------------------------------------------------------------------- uncertainties and levers
def uncertainties(organisation: str | Mapping | None = None, keys: Sequence[str] | None = None,
                  **fixed: Any) -> list[RealParameter]:
    """EMA's uncertainties: a ``RealParameter`` per uncertain parameter, over its range around the organisation's value.

    The ranges are ``sim.search.uncertainties.uncertain_ranges`` of the organisation's settings
    (:func:`organisation_settings`); each parameter's default is the organisation's own value.
    A range that is a single value (a rate of 0 widened by a factor) is no uncertainty and is
    left out: the runs use the organisation's value.

    Example:
        >>> [(u.name, u.lower_bound, u.upper_bound) for u in uncertainties("retail_bank", ["customers.base_churn_rate"])]
        [('customers__base_churn_rate', 0.04, 0.09)]
    """
    return _uncertainties(organisation_settings(organisation, **fixed), keys)


def _uncertainties(settings: Mapping, keys: Sequence[str] | None) -> list[RealParameter]:
    return [RealParameter(ema_name(key), low, high, default=float(_value(settings, key)))
            for key, (low, high) in uncertain_ranges(settings, keys).items() if high > low]


def road_levers(horizon: int, roads: Sequence[str] | None = None) -> list:
    """The levers of :func:`roads_model`: ``road``, ``start_week`` and each road's parameters as ``<road>__<name>``.

    Each parameter has its declared range and default (a week of the run, ``WEEK_PARAMETERS``,
    ends at the horizon: a road that starts later is the status quo throughout).

    Example:
        >>> levers = road_levers(52, ["status_quo", "mission"])
        >>> [p.name for p in levers][:4], levers[1].upper_bound
        (['road', 'start_week', 'mission__pressure', 'mission__monitoring'], 52)
    """
    roads = _roads(roads)
    levers: list = [CategoricalParameter("road", list(roads), default=roads[0]),
                    _parameter("start_week", ROADS["status_quo"].declared()["start_week"], horizon)]
    for road in roads:
        for name, spec in ROADS[road].declared().items():
            if name != "start_week":
                levers.append(_parameter(f"{road}{SEP}{name}", spec, horizon))
    return levers


def _parameter(name: str, spec: Mapping[str, Any], horizon: int):
    default, low, high = spec["default"], spec["low"], spec["high"]
    if isinstance(default, bool):
        return BooleanParameter(name, default=default)
    if name.split(SEP)[-1] in WEEK_PARAMETERS:
        high = min(high, horizon)
    if isinstance(default, int):
        return IntegerParameter(name, low, high, default=default)
    return RealParameter(name, low, high, default=default)


def _roads(roads: Sequence[str] | None) -> tuple[str, ...]:
    roads = ROAD_CHOICES if roads is None else tuple(roads)
    wrong = [r for r in roads if r not in ROAD_CHOICES]
    if wrong or not roads:
        raise ValueError(f"road {wrong[0]!r} is not a road to choose among; choose from {', '.join(ROAD_CHOICES)}"
                         if wrong else "roads: name at least one road")
    return roads


def road_policies(roads: Sequence[str] | None = None) -> list[Sample]:
    """One EMA policy per road, at the road's declared parameters, named after it (``policies=`` of perform_experiments).

    Example:
        >>> [(p.name, p["road"]) for p in road_policies(["status_quo", "mission"])]
        [('status_quo', 'status_quo'), ('mission', 'mission')]
    """
    return [Sample(road, road=road) for road in _roads(roads)]


def scenario_samples(table: pd.DataFrame) -> list[Sample]:
    """Scenarios of a table with the model's keys as columns (``sim.search.uncertainties.sample_scenarios``)
    as EMA's, named by the table's index: the robustness search and EMA then meet the same scenarios.

    Example:
        >>> from sim.search.uncertainties import sample_scenarios, uncertain_ranges
        >>> samples = scenario_samples(sample_scenarios(uncertain_ranges(), n=3, seed=0))
        >>> [s.name for s in samples], sorted(samples[0])[0]
        ([0, 1, 2], 'customers__activist_share')
    """
    return [Sample(_plain(name), **{ema_name(key): float(value) for key, value in row.items()})
            for name, row in table.iterrows()]


def designed_levers(space: PolicySpace) -> list:
    """The levers of :func:`designed_model`: a policy space's variables (``lever__level``, ``lever__start``,
    ``lever__ramp``), each with its range; the default is business as usual (every lever left alone)."""
    usual = space.usual_point()
    return [(IntegerParameter(ema_name(v.name), int(v.low), int(v.high), default=int(round(x))) if v.whole
             else RealParameter(ema_name(v.name), v.low, v.high, default=float(x)))
            for v, x in zip(space.variables, usual, strict=True)]


def usual_levers(settings: Mapping) -> dict[str, float]:
    """The organisation's business-as-usual levers: week 0 of ``levers_applied()`` of a model of it (nested settings)."""
    model = CentricityModel(**{group: dict(values) for group, values in settings.items()})
    return {name: float(value) for name, value in model.levers_applied().iloc[0].items()}


# ---------------------------------------------------------------------- the run
class Run:
    """One run of ``CentricityModel`` for EMA (a module-level class, so the MultiprocessingEvaluator can pickle it).

    Called with one experiment's scenario and policy (by EMA name) and one replication's
    ``seed``; returns each outcome at ``horizon`` and the seed.

    Args:
        settings: the organisation's nested settings (:func:`organisation_settings`).
        horizon: weeks run (and the horizon of the outcomes).
        shared_dir: a folder where settled starts are kept as files, so the workers of a
            MultiprocessingEvaluator reuse each other's burn-ins (None: each process its own).
    """

    def __init__(self, settings: Mapping, horizon: int, shared_dir=None):
        self.settings = {group: dict(values) for group, values in settings.items()}
        self.horizon = int(horizon)
        self.shared_dir = shared_dir

    def __call__(self, seed: int, **inputs: Any) -> dict[str, float]:
        settings = {group: dict(values) for group, values in self.settings.items()}
        road, start_week, road_params = self.road(inputs)
        for name, value in inputs.items():   # what is left: the scenario's parameters, group__name
            group, _, param = name.partition(SEP)
            if group not in GROUPS or param not in describe(GROUPS[group]):
                raise ValueError(f"unknown input {name!r}: neither a model parameter (group{SEP}name) nor a lever")
            settings.setdefault(group, {})[param] = _plain(value)
        model = CentricityModel.settled(road=road, start_week=start_week, road_params=road_params, seed=int(seed),
                                        shared_dir=self.shared_dir, **settings)
        model.run(self.horizon)
        return {**outcomes_of(model.results(), self.horizon), "seed": int(seed)}

    def road(self, inputs: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
        """The road, its start and its parameters, taken out of ``inputs`` (the status quo here)."""
        return "status_quo", 0, {}


class RunRoads(Run):
    """A run of the road drawn (``road``) from ``start_week``, with its own parameters (``<road>__<name>``)."""

    def road(self, inputs):
        road = inputs.pop("road", "status_quo")
        start_week = int(inputs.pop("start_week", 0))
        params = {}
        for name in [n for n in inputs if n.partition(SEP)[0] in ROADS]:
            owner, _, param = name.partition(SEP)
            value = inputs.pop(name)
            if param not in ROADS[owner].declared() or param == "start_week":
                raise ValueError(f"unknown lever {name!r}: road '{owner}' has no parameter '{param}'")
            if owner == road:   # another road's parameters do not act on this one
                params[param] = _plain(value)
        return road, start_week, params


class RunDesigned(Run):
    """A run of the designed policy at the point the levers give, through the ``custom`` road."""

    def __init__(self, settings: Mapping, horizon: int, space: PolicySpace, shared_dir=None):
        super().__init__(settings, horizon, shared_dir)
        self.space = space

    def road(self, inputs):
        usual = self.space.usual_point()
        x = [inputs.pop(ema_name(v.name), u) for v, u in zip(self.space.variables, usual, strict=True)]
        policy = self.space.decode(x)
        return "custom", 0, {"schedule": policy.schedule(self.horizon)}


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers (the model's checks and its recorded config want plain values)."""
    return value.item() if isinstance(value, np.generic) else value


# ---------------------------------------------------------------------- the models
def roads_model(name: str = "centricity", organisation: str | Mapping | None = None, horizon: int = 260,
                seeds: Sequence[int] = (0, 1), keys: Sequence[str] | None = None, roads: Sequence[str] | None = None,
                shared_dir=None, **fixed: Any) -> ReplicatorModel:
    """An EMA ``ReplicatorModel`` of the organisation on the roads: which road, when, and how (the levers).

    Args:
        name: the EMA model's name (a Python identifier).
        organisation: a scenario's name (``"retail_bank"``), None for the default organisation,
            or nested settings (:func:`organisation_settings`).
        horizon: weeks each run lasts; the outcomes are read at it (``sim.outcomes``).
        seeds: one replication per seed, the same for every experiment (common random numbers).
        keys: which uncertainties (default: all of ``sim.search.uncertainties.UNCERTAIN``).
        roads: which roads ``road`` chooses among (default: every road but ``custom``).
        shared_dir: a folder to share settled starts (burn-ins) between processes (:class:`Run`).
        **fixed: further model keywords (``n_employees=60``); for an uncertain parameter, the
            value the organisation assumes (the centre of its range).

    Raises:
        ValueError: for an unknown organisation, road, parameter or uncertainty, or a value
            out of its range (the horizon and seeds included), before any run.
    """
    settings = organisation_settings(organisation, **fixed)
    horizon = _horizon(horizon)
    model = ReplicatorModel(name, function=RunRoads(settings, horizon, shared_dir))
    model.uncertainties = _uncertainties(settings, keys)
    model.levers = road_levers(horizon, roads)
    return _finish(model, seeds)


def designed_model(levers: Sequence[str] | None = None, name: str = "designed", organisation: str | Mapping | None = None,
                   horizon: int = 260, seeds: Sequence[int] = (0, 1), keys: Sequence[str] | None = None,
                   shared_dir=None, **fixed: Any) -> ReplicatorModel:
    """An EMA ``ReplicatorModel`` of the organisation under a designed policy (``sim.search.policies``).

    The levers are the decision variables of ``PolicySpace(levers, usual=...)``, the usual
    values being the organisation's business as usual (:func:`usual_levers`); a point of them
    is decoded with ``PolicySpace.decode`` and run through the ``custom`` road. The rest as
    :func:`roads_model`.

    Example:
        >>> model = designed_model(["pressure", "streamline"], horizon=26, n_employees=40, n_customers=300)
        >>> [lever.name for lever in model.levers]
        ['pressure__level', 'pressure__start', 'pressure__ramp', 'streamline__level', 'streamline__start']
    """
    settings = organisation_settings(organisation, **fixed)
    horizon = _horizon(horizon)
    space = PolicySpace(levers, usual=usual_levers(settings))
    model = ReplicatorModel(name, function=RunDesigned(settings, horizon, space, shared_dir))
    model.uncertainties = _uncertainties(settings, keys)
    model.levers = designed_levers(space)
    return _finish(model, seeds)


def _horizon(horizon: int) -> int:
    return check_value("horizon", horizon, 0, 1, 10_000_000)


def _finish(model: ReplicatorModel, seeds: Sequence[int]) -> ReplicatorModel:
    seeds = [check_value("seed", s, 0, 0, 2**63 - 1) for s in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds = {list(seeds)}: give at least one seed, each once")
    model.replications = [{"seed": s} for s in seeds]
    model.outcomes = [ScalarOutcome(o, kind=ScalarOutcome.MAXIMIZE, variable_name=o, function=_mean) for o in OUTCOMES]
    model.outcomes += [ArrayOutcome(f"{o}{BY_SEED}", variable_name=o) for o in OUTCOMES] + [ArrayOutcome("seed")]
    return model


def _mean(values) -> float:
    """An outcome over the replications: its mean over the seeds."""
    return float(np.mean(values))


# ---------------------------------------------------------------------- results
def experiments_table(experiments: pd.DataFrame, outcomes: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """What ``perform_experiments`` returned, as one row per experiment.

    Columns: the experiment's inputs under the model's keys (``customers.base_churn_rate``,
    ``road``, ``engineering.pressure``, ``pressure.level``), ``scenario``, ``policy`` and
    ``model`` as EMA names them, ``point`` (the scenario: rows with the same point met the
    same organisation and seeds, so they are paired), each outcome's mean over the seeds
    (its name), and each seed's value (``<outcome>.seed<seed>``).

    It is a table of runs as ``sim.study.where_roads_win`` analyses them (``road``, ``point``,
    the outcomes named as in ``sim.outcomes``, at one horizon); PRIM
    (``ema_workbench.analysis.prim.Prim``) reads the inputs' columns as ``x`` and a test of an
    outcome as ``y``. (``where_roads_win.runs_from_experiments`` wants one value per
    experiment for every outcome: it refuses the per-seed outcomes; use this table.)
    """
    table = experiments.rename(columns=sim_key).reset_index(drop=True)
    table["point"] = table["scenario"]
    for name in OUTCOMES:
        if name in outcomes:
            table[name] = np.asarray(outcomes[name], dtype=float)
    if "seed" in outcomes:
        seeds = np.asarray(outcomes["seed"])
        if (seeds != seeds[:1]).any():
            raise ValueError("the experiments met different seeds: a seed's column would mix them")
        for name in OUTCOMES:
            by_seed = outcomes.get(f"{name}{BY_SEED}")
            if by_seed is None:
                continue
            by_seed = np.asarray(by_seed, dtype=float)
            for j in range(by_seed.shape[1]):
                table[f"{name}.seed{int(seeds[0, j])}"] = by_seed[:, j]
    return table
