"""CentricityModel: an organisation becoming customer-centric, or not, under competing values.

Example:
    >>> from sim import CentricityModel
    >>> m = CentricityModel(road="competing_values", n_employees=60, n_customers=600, seed=3)
    >>> m.run(10)
    >>> df = m.results()
    >>> len(df), bool(0.0 <= df["customer_centricity"].iloc[-1] <= 1.0)
    (11, True)
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import os
import pickle
from collections import OrderedDict
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.accounting import Ledger, rescore_tiers, update_rfm
from sim.agents import Customer, Employee, sync_views
from sim.customers import CustomerBase
from sim.early_warning import EarlyWarningMonitor
from sim.effects import EffectValues
from sim.employees import Workforce
from sim.history import MetricHistory
from sim.management import Management
from sim.measurement import measure
from sim.organisation import OrganisationState
from sim.params import GROUPS, Customers, Levers, Organisation, build_group, check_value, describe, renamed
from sim.roads import ROADS
from sim.service import moments_of_truth
from sim.streams import RandomStreams

#: The default of ``seed`` and ``rng``: not given (neither given: seed 0; both: an error).
_NOT_GIVEN = object()

# Which group each flat keyword belongs to (names are unique across groups).
_GROUP_OF = {name: group for group, cls in GROUPS.items() for name in describe(cls)}
assert len(_GROUP_OF) == sum(len(describe(c)) for c in GROUPS.values()), "parameter names must be unique"


class CentricityModel(mesa.Model):
    """Employees, customers and management under one change road, week by week.

    The week (one ``step``), in this order (docs/ODD.md section 3):

    0. **The registers**: the rows of customers and employees who left are dropped once they
       outnumber a tenth of those present (no result changes: draws are keyed by id or seat).
    1. **Management** observes the KPIs of ``reporting_lag`` weeks ago; the levers are rebuilt
       at business as usual and the road in force moves them (``sim.levers``); the levers'
       lasting effects on the organisation follow: process improvement and customer-job
       research, the integration ladder, values heard, the headcount plan.
    2. **Employees**: peer influence over the internal network; felt tension and the
       productive-zone response to pressure; compliance under surveillance; identification;
       readiness; champions, mission messaging, participation; engagement, orientation and
       effort; support states; quits, headcount cuts, hires.
    3. **Moments of truth**: purchases (defects: the product layer); service contacts;
       self-service first where offered, escalation to a person; routing; trade-offs decided
       for the customer or the firm; workload; service quality (the personable layer).
    4. **Customers**: nudges, targeted offers, noticed unequal treatment; perception of both
       layers and expectations; satisfaction by disconfirmation; complaints or silent exit;
       word of mouth; churn with neighbour contagion; acquisition.
    5. **Accounting**: revenue, every cost line (each lever's price included), profit; RFM
       update and periodic re-scoring.
    6. **Measurement and early warning**: all metrics; the monitors flag a value bought at
       another's expense; management receives the alarms if it runs an early-warning system.

    Args:
        road: one of ``ROADS`` (default ``"status_quo"``).
        start_week: the week the road starts; before it the organisation runs as the status quo.
        road_params: the road's own parameters, checked against its declared ones.
        seed: the run's seed (an int >= 0; ``None`` draws one; a numpy ``Generator`` or
            ``SeedSequence`` gives one, drawn from it). The seed used is ``self.seed``.
        rng: Mesa 3's name for the same (as ``seed``); give ``seed`` or ``rng``, not both.
            With neither, the seed is 0.
        **params: any parameter of :class:`~sim.params.Organisation`,
            :class:`~sim.params.Customers` or :class:`~sim.params.Levers` by name, e.g.
            ``n_employees=300``, ``n_customers=5000``, ``activist_share=0.2``, ``streamline=True``.
            Whole groups may also be given as dicts: ``organisation={...}``.
        effects: effect sizes other than the declared ones (``sim.effects``), by
            ``group.name`` (``{"customers.promoter": 0.8}``) or nested by group; for
            studies of the model's own assumptions. The run's record keeps them.

    Raises:
        ValueError: for an unknown road or parameter, a wrong type or a value out of range,
            naming the parameter and the allowed range, or both ``seed`` and ``rng`` given,
            before any simulation work.
    """

    def __init__(self, road: str = "status_quo", start_week: int = 0, road_params: dict | None = None,
                 seed: Any = _NOT_GIVEN, *, rng: Any = _NOT_GIVEN, effects: dict | None = None, **params: Any):
        groups = self._parse(params)
        the_road = _make_road(road, start_week, road_params)
        seed = _resolve_seed(seed, rng)
        fx = EffectValues(effects)
        super().__init__(rng=seed)
        self.seed = seed
        self.effects = fx
        self.organisation: Organisation = groups["organisation"]
        self.customer_params: Customers = groups["customers"]
        self.levers: Levers = groups["levers"]
        self.road = the_road
        self.streams = RandomStreams(seed)

        self.org_state = OrganisationState.at_start(self.organisation.initial_integration_level,
                                                    self.organisation.n_employees, effects=fx.organisation)
        self.workforce = Workforce(self.organisation, self.rng, effects=fx.employees)
        self.customers = CustomerBase(self.customer_params, self.organisation.n_customers, self.rng,
                                      weak_tie_weight=fx.networks.weak_tie_weight, effects=fx.customers)
        self.ledger = Ledger()
        self.management = Management(self, the_road, ROADS["status_quo"]())
        self.monitor = EarlyWarningMonitor(effects=fx.early_warning)
        self.acquisition_boost = 0.0
        self.reference_satisfaction = fx.customers.reference_satisfaction
        self._burn_in_week: int | None = None
        self._first_recorded = 0
        # The weekly metric records the model itself reads back: management's lagged view and the
        # monitors' window, nothing older, so memory for them stays the same however long the run
        # (the run's output is the data collector). Record 0 is the first burn-in week.
        self.history = MetricHistory(keep=max(self.organisation.reporting_lag, self.monitor.window),
                                     first_week=-self.organisation.burn_in_weeks)
        # The accounts of the weeks before any road acts (burn-in and week 0), for losing_money().
        self._start_accounts: dict[str, list[float]] = {}
        self._views: dict[type, dict[int, mesa.Agent]] = {Employee: {}, Customer: {}}

        self._burn_in(self.organisation.burn_in_weeks)
        self._observe_initial_week()
        # Every metric, and the seed: a row of Mesa's batch_run carries the seed the run used
        # (a seed of None, drawn here, included); results() leaves the seed out.
        self.datacollector = WeeklyMetrics(model_reporters={**{name: _Metric(name) for name in self.current},
                                                            "seed": _Attribute("seed")})
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ config
    @staticmethod
    def _parse(params: dict[str, Any]) -> dict[str, Any]:
        nested = {g: dict(params.pop(g) or {}) for g in list(GROUPS) if g in params}
        for name, value in params.items():
            if name not in _GROUP_OF:
                raise ValueError(renamed(name) or f"unknown parameter '{name}'; see sim.params for the known parameters")
            nested.setdefault(_GROUP_OF[name], {})[name] = value
        return {g: build_group(cls, nested.get(g, {}), g) for g, cls in GROUPS.items()}

    @classmethod
    def settled(cls, road: str = "status_quo", start_week: int = 0, road_params: dict | None = None,
                seed: Any = _NOT_GIVEN, shared_dir: str | Path | None = None, *, rng: Any = _NOT_GIVEN,
                effects: dict | None = None, **params: Any) -> CentricityModel:
        """The model ``CentricityModel(...)`` builds, reusing an earlier model's burn-in when it can.

        No road acts before week 0, so models that differ only in their road start from the
        same settled week 0. The first such model is built as usual and a copy of it, before
        its first step, is kept in this process (a few MB at reference scale; at most
        ``SETTLED_CACHE_BYTES`` in all, least recently used dropped first); the next one with
        the same seed and parameters is that copy with its own road: identical results, in
        milliseconds instead of the burn-in's fraction of a second. Sweeps over roads use it.

        ``shared_dir`` also keeps each settled start there as a file, so other processes
        (the workers of a sweep) reuse it instead of each running the same burn-in again.
        Files are named by the seed, every parameter and the package version; they are
        written whole or not at all, so workers may race for the same one.

        Example:
            >>> a = CentricityModel.settled(road="mission", seed=2, n_employees=40, n_customers=300)
            >>> b = CentricityModel.settled(road="engineering", seed=2, n_employees=40, n_customers=300)
            >>> b.road.name, b.results().equals(a.results())   # the same week 0
            ('engineering', True)
        """
        groups = cls._parse(dict(params))
        seed = _resolve_seed(seed, rng)
        key = (seed, *(dataclasses.astuple(groups[g]) for g in GROUPS), EffectValues(effects).key())
        blob = _SETTLED.get(key)
        if blob is None and shared_dir is not None:
            blob = _read_shared_start(shared_dir, key)
            if blob is not None:
                _SETTLED.remember(key, blob)
        if blob is None:
            model = cls(road=road, start_week=start_week, road_params=road_params, seed=seed, effects=effects,
                        **params)
            blob = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
            _SETTLED.remember(key, blob)
            if shared_dir is not None:
                _write_shared_start(shared_dir, key, blob)
            return model
        the_road = _make_road(road, start_week, road_params)   # checked before the copy is unpickled
        model = pickle.loads(blob)   # Mesa numbers agents per model: the copy carries its own count on
        model.road = model.management.road = the_road
        return model

    @classmethod
    def from_config(cls, config: Any, reuse_burn_in: bool = False,
                    shared_dir: str | Path | None = None) -> CentricityModel:
        """Build from a nested dict (or dataclass / OmegaConf) config.

        Keys: ``organisation``, ``customers``, ``levers`` (dicts of parameters), ``road``
        (a name, or a dict with ``name``, ``start_week`` and the road's parameters),
        ``seed`` (or Mesa's ``rng``; not both), ``effects`` (effect sizes other than the
        declared ones, see ``sim.effects``). Other top-level keys (``steps``, ``scenario``)
        are ignored here.
        ``reuse_burn_in=True`` builds it with :meth:`settled` (sharing settled starts with
        other processes through ``shared_dir``, if given).

        Example:
            >>> m = CentricityModel.from_config({"road": {"name": "mission", "start_week": 4},
            ...                                  "organisation": {"n_employees": 50, "n_customers": 400},
            ...                                  "seed": 1})
            >>> m.road.name, m.road.start_week
            ('mission', 4)
        """
        if dataclasses.is_dataclass(config):
            config = dataclasses.asdict(config)
        elif hasattr(config, "items") and not isinstance(config, dict):
            from omegaconf import OmegaConf
            config = OmegaConf.to_container(config, resolve=True)
        config = dict(config)
        road = config.get("road", "status_quo")
        if isinstance(road, dict):
            road = dict(road)
            name = road.pop("name", "status_quo")
            start = road.pop("start_week", 0)
        else:
            name, start, road = road, config.get("start_week", 0), dict(config.get("road_params") or {})
        groups = {g: config.get(g) or {} for g in GROUPS}
        seeding = {key: config[key] for key in ("seed", "rng") if key in config}
        kwargs = dict(road=name, start_week=start, road_params=road, effects=config.get("effects") or None,
                      **seeding, **groups)
        if reuse_burn_in and None not in seeding.values():
            return cls.settled(shared_dir=shared_dir, **kwargs)
        return cls(**kwargs)

    def config(self) -> dict[str, Any]:
        """The full resolved configuration of this run (every parameter, defaults included)."""
        return {
            "seed": self.seed,
            "road": {"name": self.road.name, **self.road.values()},
            "organisation": dataclasses.asdict(self.organisation),
            "customers": dataclasses.asdict(self.customer_params),
            "levers": dataclasses.asdict(self.levers),
            "effects": dict(self.effects.overrides),
        }

    # ------------------------------------------------------------------ time
    @property
    def week(self) -> int:
        """The current week (0 = the initial state; the first step is week 1; negative in burn-in)."""
        return self.steps if self._burn_in_week is None else self._burn_in_week

    def _burn_in(self, weeks: int) -> None:
        """Run ``weeks`` of status quo (weeks -weeks..-1) so week 0 starts from a settled state.

        The burn-in is the same for every road (the road cannot act before week 0), so it
        keeps runs paired; nothing of it is recorded in ``results()``.
        """
        self.management.policy = self.management.business_as_usual()
        self.workforce.settle(self.management.policy, self.org_state)
        rescore_tiers(self.customers.people, self.customers.people.active_rows(), self.effects.accounting)
        for w in range(-weeks, 0):
            self._burn_in_week = w
            self._advance_week()
        self._burn_in_week = None
        self._first_recorded = len(self.history)

    def _observe_initial_week(self) -> None:
        """Week 0: what the organisation does before anything changes, booked but not learned from."""
        self.management.policy = self.management.business_as_usual()
        self.moments = moments_of_truth(self)
        self.ledger.close_week(self)
        self.current = measure(self, alarms=0)
        self.history.append(self.current, surveyed=self.management.policy.employee_survey)
        self._keep_start_accounts()
        self.management.hear(0, [])
        self.management.record_week(self.ledger.lever_costs)

    def step(self) -> None:
        """Advance one week (see the class docstring for the order)."""
        self._advance_week()
        self.management.record_week(self.ledger.lever_costs)
        self.datacollector.collect(self)

    def _advance_week(self) -> None:
        self.drop_departed()                           # 0
        self.manage()                                  # 1
        self.workforce.update(self)                    # 2
        self.moments = moments_of_truth(self)          # 3
        self.customers.update(self)                    # 4
        self.ledger.close_week(self)                   # 5
        update_rfm(self)
        self.measure_and_warn()                        # 6

    def drop_departed(self) -> None:
        """Phase 0: the rows of customers and employees who left are dropped once they are many
        (``Population.holds_many_departed``); no result changes, the rows held stay bounded."""
        self.customers.drop_departed()
        self.workforce.drop_departed()

    def manage(self) -> None:
        """Phase 1: management observes, the road in force sets the levers, the organisation follows."""
        self.management.observe()
        policy = self.management.decide()
        self.org_state.develop(self, policy)

    def measure_and_warn(self) -> None:
        """Phase 6: metrics and the early-warning monitors (management hears them if it listens)."""
        self.current = measure(self, alarms=0)
        self.history.append(self.current, surveyed=self.management.policy.employee_survey)
        if self._burn_in_week is not None:
            self._keep_start_accounts()
        # The monitors start with the recorded run: the burn-in is settling, not management.
        recorded = self.history[max(self._first_recorded, len(self.history) - self.monitor.window):]
        alarms = [] if self._burn_in_week is not None else self.monitor.check(recorded, self.week)
        self.current["early_warnings"] = float(len(alarms))
        self.management.hear(self.week, alarms)

    def run(self, steps: int) -> None:
        """Run ``steps`` weeks."""
        steps = check_value("steps", steps, 0, 0, 10_000_000)
        for _ in range(steps):
            self.step()

    def results(self) -> pd.DataFrame:
        """One row per step from 0 (the initial state) to the last; one column per metric.

        The data collector also records the run's seed at every step (its column ``seed``, so
        that each row of Mesa's ``batch_run`` carries the seed the run used, a drawn one
        included); it is no metric, and ``results()`` leaves it out: it is ``self.seed``.
        """
        df = pd.DataFrame({name: values for name, values in self.datacollector.model_vars.items()
                           if name != "seed"})
        df.index.name = "step"
        return df

    def outcomes(self, horizon: int | None = None) -> dict[str, float]:
        """What the run achieved over weeks 1 to ``horizon`` (default: every week run): cumulative
        profit, mean centricity, final satisfaction and commitment, mean efficiency.

        The definitions are ``sim.outcomes``'s, which every study that compares runs shares.

        Example:
            >>> m = CentricityModel(road="mission", n_employees=40, n_customers=300, burn_in_weeks=2)
            >>> m.run(6)
            >>> sorted(m.outcomes())[:3]
            ['cumulative_profit', 'final_commitment', 'final_satisfaction']
        """
        from sim.outcomes import outcomes

        return outcomes(self.results(), horizon)

    def losing_money(self) -> str | None:
        """A warning in words if the organisation loses money in every week before any road acts
        (the burn-in and week 0), else None.

        Such an organisation is not viable as set up (too few customers for its staff, budgets
        beyond its revenue): every road's profit then reads as losses, and a comparison of
        roads says which loses least. Said once where a run or search starts, and on the page.

        Example:
            >>> CentricityModel(n_employees=60, n_customers=600, burn_in_weeks=4).losing_money()[:40]
            'the organisation loses money every week '
            >>> CentricityModel(n_employees=40, n_customers=1000, burn_in_weeks=4).losing_money() is None
            True
        """
        weeks = self._start_accounts
        if not weeks or max(weeks["profit"]) >= 0.0:
            return None
        profit = float(np.mean(weeks["profit"]))
        revenue = float(np.mean(weeks["revenue"]))
        lines = {key[len("cost_"):]: float(np.mean(values)) for key, values in weeks.items() if key.startswith("cost_")}
        # Ranked by the share as written (whole percent), equal ones by name: seeds whose lines are
        # near-equal then say them in the same order, and a sweep says the warning once (said_once).
        percent = {name: round(100 * cost / max(revenue, 1e-9)) for name, cost in lines.items()}
        largest = sorted(percent, key=lambda name: (-percent[name], name))[:3]
        shares = ", ".join(f"{name.replace('_', ' ')} {percent[name]}%" for name in largest)
        return (f"the organisation loses money every week before any road starts (profit {profit:,.0f} a week on "
                f"average, on revenue of {revenue:,.0f}; its largest costs as shares of revenue: {shares}): every "
                f"road's profit will read as losses (organisation.n_customers, organisation.n_employees, the wage, "
                f"the handling cost and the budgets set them)")

    def _keep_start_accounts(self) -> None:
        """Keep this week's profit, revenue and cost lines (called for the burn-in weeks and week 0)."""
        for key, value in self.current.items():
            if key in ("profit", "revenue") or key.startswith("cost_"):
                self._start_accounts.setdefault(key, []).append(value)

    def levers_applied(self) -> pd.DataFrame:
        """The levers the engine used: one row per week (0 to the last), one column per lever.

        Write it to a file and the ``custom`` road replays it: the same run, week for week.

        Example:
            >>> m = CentricityModel(road="mission", n_employees=40, n_customers=300)
            >>> m.run(4)
            >>> m.levers_applied().loc[[0, 4], ["pressure", "mission_messaging"]].values.tolist()
            [[0.15, 0.0], [0.35, 0.5]]
        """
        return self.management.levers_applied()

    def lever_spending(self) -> pd.DataFrame:
        """What each priced lever cost, one row per week (0 to the last): the ledger's detail."""
        return self.management.lever_spending()

    # ------------------------------------------------------------------ Mesa agent views
    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.agent.AgentSet]:
        """Mesa's agents by type; employee and customer views are created on first access."""
        self._sync_views()
        return super().agents_by_type

    @property
    def agents(self) -> mesa.agent.AgentSet:
        self._sync_views()
        return super().agents

    def _sync_views(self) -> None:
        """Create views for agents present and drop views of agents who left (outside any step)."""
        if not hasattr(self, "customers"):
            return
        for cls, pop in ((Employee, self.workforce.people), (Customer, self.customers.people)):
            sync_views(self, cls, pop, self._views[cls])


class WeeklyMetrics(mesa.DataCollector):
    """Mesa's DataCollector for the week's metrics, which are plain floats, and the run's seed.

    Mesa deep-copies every reporter's value on every collection (a guard for mutable
    values); for about 90 floats a week that copying was 7% of a reference step.
    Like Mesa's own ``collect``, each collection records its step in ``_collection_steps``
    (``model.steps``: 0 for the initial state, then 1, 2, ...): Mesa's ``batch_run`` picks its
    rows from them.
    """

    def collect(self, model: CentricityModel) -> None:
        self._collection_steps.append(model.steps)
        plan = getattr(self, "_plan", None)
        if plan is None:
            plan = self._plan = self._direct_plan()
        if plan:
            # Every reporter reads this week's metrics or a model attribute: read them directly
            # (a tenth of the calls).
            metrics, attributes = plan
            current = model.current
            for name, values in metrics:
                values.append(current[name])
            for name, values in attributes:
                values.append(getattr(model, name))
            return
        for name, reporter in self.model_reporters.items():
            self.model_vars[name].append(reporter(model))

    def _direct_plan(self) -> tuple:
        """([(metric, its column)], [(attribute, its column)]), or () if any reporter is of another kind."""
        metrics, attributes = [], []
        for name, reporter in self.model_reporters.items():
            if type(reporter) is _Metric and reporter.__name__ == name:
                metrics.append((name, self.model_vars[name]))
            elif type(reporter) is _Attribute and reporter.__name__ == name:
                attributes.append((name, self.model_vars[name]))
            else:
                return ()
        return metrics, attributes


def _make_road(road: str, start_week: int, road_params: dict | None):
    """The road object, its parameters checked (``start_week`` may also come in ``road_params``)."""
    if not isinstance(road, str) or road not in ROADS:
        raise ValueError(f"unknown road {road!r}; allowed roads: {', '.join(ROADS)}")
    road_params = dict(road_params or {})
    if "start_week" in road_params and start_week == 0:
        start_week = road_params.pop("start_week")
    road_params.pop("start_week", None)
    return ROADS[road](start_week=start_week, **road_params)


#: Memory for the copies of settled models kept by ``CentricityModel.settled`` in one process.
SETTLED_CACHE_BYTES = 128 * 2**20


class _SettledStarts(OrderedDict):
    """Pickled models before their first step, by (seed, parameters); least recently used dropped first."""

    def get(self, key):
        blob = super().get(key)
        if blob is not None:
            self.move_to_end(key)
        return blob

    def remember(self, key, blob: bytes) -> None:
        self[key] = blob
        while len(self) > 1 and sum(map(len, self.values())) > SETTLED_CACHE_BYTES:
            self.popitem(last=False)


_SETTLED = _SettledStarts()


def _shared_start_file(directory: str | Path, key: tuple) -> Path:
    from sim._version import __version__

    digest = hashlib.sha256(repr((__version__, key)).encode()).hexdigest()[:32]
    return Path(directory) / f"settled-seed{key[0]}-{digest}.pickle"


def _read_shared_start(directory: str | Path, key: tuple) -> bytes | None:
    try:
        return _shared_start_file(directory, key).read_bytes()
    except FileNotFoundError:
        return None


def _write_shared_start(directory: str | Path, key: tuple, blob: bytes) -> None:
    """Write under a temporary name, then rename: a reader sees the whole file or none."""
    path = _shared_start_file(directory, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, path)


def _resolve_seed(seed: Any, rng: Any) -> int:
    """The run's seed from ``seed=`` or Mesa's ``rng=`` (at most one given; neither: 0).

    An int >= 0 is the seed; ``None`` draws one from the operating system's entropy; a numpy
    ``Generator`` (or ``SeedSequence``) gives one drawn from it, so the same generator state
    gives the same seed.
    """
    if seed is not _NOT_GIVEN and rng is not _NOT_GIVEN:
        raise ValueError(f"seed={seed!r} and rng={rng!r} both given: give one of them (rng is Mesa's name for the seed)")
    name, value = ("rng", rng) if rng is not _NOT_GIVEN else ("seed", 0 if seed is _NOT_GIVEN else seed)
    if value is None:
        value = np.random.SeedSequence()
    if isinstance(value, np.random.SeedSequence):
        value = np.random.default_rng(value)
    if isinstance(value, np.random.Generator):
        value = int(value.integers(2**32))
    return check_value(name, value, 0, 0, 2**63 - 1)


class _Metric:
    """Model reporter of one metric of the week (a class, not a closure, so models pickle)."""

    def __init__(self, name: str):
        self.__name__ = name

    def __call__(self, model: CentricityModel) -> float:
        return model.current[self.__name__]


class _Attribute(_Metric):
    """Model reporter of one attribute of the model (``seed``)."""

    def __call__(self, model: CentricityModel) -> Any:
        return getattr(model, self.__name__)


def _signature() -> inspect.Signature:
    """An explicit signature listing every keyword and its default (for help() and UIs)."""
    P = inspect.Parameter
    ps = [P("self", P.POSITIONAL_OR_KEYWORD),
          P("road", P.POSITIONAL_OR_KEYWORD, default="status_quo"),
          P("start_week", P.POSITIONAL_OR_KEYWORD, default=0),
          P("road_params", P.POSITIONAL_OR_KEYWORD, default=None),
          P("seed", P.POSITIONAL_OR_KEYWORD, default=0),
          P("rng", P.KEYWORD_ONLY, default=None)]
    for cls in GROUPS.values():
        for f in dataclasses.fields(cls):
            ps.append(P(f.name, P.KEYWORD_ONLY, default=f.default))
    return inspect.Signature(ps)


CentricityModel.__init__.__signature__ = _signature()
