"""The ``design`` sweeper: a sensitivity-analysis design, run like any centricity sweep.

Select it with ``hydra/sweeper=design`` (the ``sensitivity`` experiment does). Settings::

    hydra.sweeper.method   lhs | sobol | morris                      (default morris)
    hydra.sweeper.n        points (lhs), base sample (sobol, a power of 2), trajectories (morris)
    hydra.sweeper.seed     the sampler's seed: the same settings give the same design
    hydra.sweeper.levels   Morris grid levels (even, default 4)
    hydra.sweeper.second_order   Sobol: also second-order indices (costs n (2D + 2) points)
    hydra.sweeper.params   ranges, ``key: interval(low,high)`` or ``key: {low: .., high: ..}``,
                           and the grid, ``road: mission,engineering``, ``seed: 0,1``
    hydra.sweeper.analyse  analyse the design at the end (default true)
    hydra.sweeper.analysis which analysis: ``sensitivity`` (``sim.study.sensitivity``, the default) or
                           ``where_roads_win`` (``sim.study.where_roads_win``)

plus everything of the centricity sweeper (``resume``, ``aggregate``, ``max_batch_size``,
``progress``). A command-line override ``key=interval(a,b)`` adds a range, any other a grid
entry; the command line wins over the config for the same key.

Every design point runs at every grid combination (for example every road, and each seed
listed). The model seed is *not* varied by the design: all points share the seed(s) of the
grid (common random numbers), so differences between points are the parameters', not
noise; ``sim.study.sensitivity`` averages the seeds of a point (or, with ``--by-seed``, analyses
each seed apart).

Before any job runs, the ranges are checked against the model's declarations, the
settings against the method's rules, and every job is composed and validated; if any job
is invalid, none runs (the analysis needs every point). Job folders are named by the grid
and the point, ``road=mission,seed=0,point=0007``; the design is written to
``design.json`` and ``design.csv`` (keyed by job folder) before the jobs start.

The designs and the ranges live in ``sim.study.design`` and ``sim.study.ranges``: Hydra's
plugin scan executes every module under ``hydra_plugins`` a second time, in place, so
classes defined here would not be the classes their importers hold.

Example (command line)::

    python -m sim -m hydra/sweeper=design hydra.sweeper.method=sobol hydra.sweeper.n=64 \\
        road=engineering,mission 'organisation.initial_readiness=interval(0.2,0.8)' 'customers.voice=interval(0.1,0.6)'
"""

import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import OmegaConf, open_dict

from hydra_plugins.centricity_sweeper.centricity_sweeper import (
    CentricitySweeper,
    CentricitySweeperConf,
    FastComposer,
    _job_dir,
)
from sim.study.design import Design, make_design, point_label, write_design
from sim.study.ranges import DesignError, ParameterRange, check_range, parse_range

log = logging.getLogger(__name__)

SUBDIR_KEY = "hydra.sweep.subdir"


@dataclass
class DesignSweeperConf(CentricitySweeperConf):
    """``hydra.sweeper.*`` of the design sweeper (see the module docstring)."""

    _target_: str = "hydra_plugins.design_sweeper.design_sweeper.DesignSweeper"
    method: str = "morris"
    n: int = 10
    seed: int = 0
    levels: int = 4
    second_order: bool = False
    params: dict[str, Any] | None = None
    figures: bool = False     # the comparison figures of a sweep do not fit a design: sim.study.sensitivity draws its own
    analyse: bool = True      # analyse the design at the end
    analysis: str = "sensitivity"   # which: a module of ANALYSES


#: The analyses a design sweep can end with: name -> module with ``analyse(sweep_dir)`` (a result with ``report()``).
ANALYSES = {"sensitivity": "sim.study.sensitivity", "where_roads_win": "sim.study.where_roads_win"}


ConfigStore.instance().store(group="hydra/sweeper", name="design", node=DesignSweeperConf, provider="design_sweeper")


class DesignSweeper(CentricitySweeper):
    """The centricity sweeper over a design: ranges sampled, crossed with a grid."""

    def __init__(self, method: str = "morris", n: int = 10, seed: int = 0, levels: int = 4,
                 second_order: bool = False, analyse: bool = True, analysis: str = "sensitivity", params: Any = None,
                 **settings: Any):
        super().__init__(params=None, **settings)
        if analysis not in ANALYSES:
            raise DesignError(f"hydra.sweeper.analysis = {analysis!r}: allowed analyses: {', '.join(ANALYSES)}")
        self.method, self.n, self.sampler_seed = str(method), n, seed
        self.levels, self.second_order, self.analyse, self.analysis = levels, second_order, analyse, analysis
        self.entries = _plain(params) or {}
        self.design: Design | None = None
        self.rows: list[dict[str, Any]] = []
        self.grid: dict[str, list[Any]] = {}
        self.fixed: list[str] = []

    def sweep(self, arguments: list[str]) -> Any:
        """The centricity sweep over the design; a design that cannot run is refused like any bad
        input: ``error: ...`` and exit status 2, before any job runs."""
        from sim.study.sweep import LAST_SWEEP

        try:
            return super().sweep(arguments)
        except DesignError as err:
            print(f"error: {err}", file=sys.stderr, flush=True)
            LAST_SWEEP.update(refused=1)
            return []

    # ------------------------------------------------------------------ the jobs
    def job_overrides(self, arguments: list[str]) -> list[list[str]]:
        """Every grid combination x every design point, with the job folder named by both."""
        assert self.hydra_context is not None and self.config is not None
        parser = OverridesParser.create(config_loader=self.hydra_context.config_loader)
        ranges, grid_lines = self._split(parser, arguments)
        roads = self._roads(parser, grid_lines)
        for rng in ranges:
            check_range(rng, roads)
        self.design = make_design(self.method, ranges, self.n, self.sampler_seed, self.levels, self.second_order)

        combos = [job for batch in self.split_arguments(parser.parse_overrides(grid_lines), None) for job in batch]
        self.grid, self.fixed = _grid_values(parser, combos)
        naming = self.config.hydra.job.config.override_dirname
        n_points = len(self.design.points)
        jobs, self.rows = [], []
        for combo in combos:
            base = _dirname(parser.parse_overrides(combo), list(naming.exclude_keys), naming.item_sep, naming.kv_sep)
            values = {key: value for key, value in _values(parser, combo).items() if key in self.grid}
            for point in range(n_points):
                name = f"{base}{naming.item_sep}{point_label(point, n_points)}" if base else point_label(point, n_points)
                jobs.append([*combo, *self.design.overrides(point), _subdir_override(parser, name)])
                self.rows.append({"job": name, "point": point, **values,
                                  **dict(zip(self.design.names, map(float, self.design.points[point]), strict=True))})
        log.info(f"Design: {self.method}, {_size_text(self.design)} x {len(combos)} grid "
                 f"combination{'s' if len(combos) != 1 else ''} = {len(jobs)} jobs")
        return jobs

    def _split(self, parser: OverridesParser, arguments: list[str]) -> tuple[list[ParameterRange], list[str]]:
        """Ranges and grid lines from the config's params and the command line (which wins)."""
        entries: dict[str, tuple[ParameterRange | None, str | None]] = {}
        config_lines = []
        for key, value in self.entries.items():
            if isinstance(value, Mapping):   # {low: .., high: ..}
                entries[key] = (parse_range(key, value), None)
            else:
                config_lines.append(f"{key}={','.join(map(str, value)) if isinstance(value, list) else value}")
        for line in [*config_lines, *arguments]:
            override = parser.parse_override(line)
            rng = parse_range(override.key_or_group, override.value())
            entries[override.key_or_group] = (rng, None if rng else line)
        ranges = [rng for rng, _ in entries.values() if rng is not None]
        return ranges, [line for _, line in entries.values() if line is not None]

    def _roads(self, parser: OverridesParser, grid_lines: list[str]) -> list[str]:
        """The roads the sweep runs: the grid's, or the config's one."""
        for override in parser.parse_overrides(grid_lines):
            if override.key_or_group == "road":
                return list(override.sweep_string_iterator()) if override.is_sweep_override() else [override.value()]
        return [str(self.config.road.name)] if "road" in self.config else ["status_quo"]

    def composer(self) -> FastComposer:
        assert self.hydra_context is not None and self.config is not None
        return DesignComposer(self.hydra_context.config_loader, self.config)

    # ------------------------------------------------------------------ before and after
    def before_launch(self, plan: Any) -> None:
        """Refuse a design with invalid jobs; write the design, keyed by job folder."""
        from sim.study.sweep import record_invalid

        invalid = plan.with_state("invalid")
        if invalid:
            record_invalid(plan)
            first = invalid[0]
            raise DesignError(f"{len(invalid)} of {len(plan.jobs)} jobs of the design are invalid, so none was run "
                              f"(the analysis needs every point); the first: {first.name}: {first.error}")
        assert self.design is not None
        for row, job in zip(self.rows, plan.jobs, strict=True):
            row["job"] = plan.relative(job.dir)
            row["config_hash"] = job.config_hash
        paths = write_design(plan.sweep_dir, self.design, self.rows, self.grid, self.fixed)
        log.info(f"Design written to {paths[0]} and {paths[1]}")

    def after_sweep(self, plan: Any, outcome: dict[str, Any]) -> None:
        """Analyse the finished design (``sim.study.sensitivity`` or ``sim.study.where_roads_win``),
        or say how once it is complete."""
        if not self.analyse:
            return
        import importlib

        module = ANALYSES[self.analysis]
        if outcome.get("failed"):
            print(f"[sim] {self.analysis} not analysed: {outcome['failed']} jobs did not finish; rerun the same "
                  f"command to run them, then: python -m {module} {plan.sweep_dir}", flush=True)
            return
        try:
            result = importlib.import_module(module).analyse(plan.sweep_dir)
        except Exception as err:  # the finished runs are what matters; the analysis can be rerun
            print(f"[sim] {self.analysis} analysis failed ({type(err).__name__}: {err}); rerun it with "
                  f"python -m {module} {plan.sweep_dir}", flush=True)
            return
        print(result.report(), flush=True)


class DesignComposer(FastComposer):
    """The fast composition, plus each job's folder (``hydra.sweep.subdir``) set as Hydra would."""

    def __call__(self, overrides: list[str]) -> tuple[Any, Any]:
        subdir = [o for o in overrides if o.startswith(f"{SUBDIR_KEY}=")]
        if len(subdir) != 1:
            return super().__call__(overrides)
        cfg, _ = super().__call__([o for o in overrides if o not in subdir])
        with open_dict(cfg.hydra):
            cfg.hydra.sweep.subdir = self.parser.parse_override(subdir[0]).value()
            cfg.hydra.overrides.hydra.append(subdir[0])
        return cfg, _job_dir(cfg)


# ---------------------------------------------------------------------- helpers
def _plain(params: Any) -> dict[str, Any] | None:
    if params is None:
        return None
    return OmegaConf.to_container(params, resolve=True) if OmegaConf.is_config(params) else dict(params)


def _values(parser: OverridesParser, combo: list[str]) -> dict[str, Any]:
    """key -> value of one grid combination's overrides (typed as Hydra parses them)."""
    return {o.key_or_group: o.value() for o in parser.parse_overrides(combo)}


def _grid_values(parser: OverridesParser, combos: list[list[str]]) -> tuple[dict[str, list[Any]], list[str]]:
    """The grid keys that take more than one value (with the values), and the overrides all jobs share."""
    seen: dict[str, list[Any]] = {}
    for combo in combos:
        for key, value in _values(parser, combo).items():
            if value not in seen.setdefault(key, []):
                seen[key].append(value)
    grid = {key: values for key, values in seen.items() if len(values) > 1}
    fixed = [line for line in (combos[0] if combos else []) if parser.parse_override(line).key_or_group not in grid]
    return grid, fixed


def _dirname(overrides: list[Any], exclude_keys: list[str], item_sep: str, kv_sep: str) -> str:
    from hydra._internal.config_loader_impl import get_overrides_dirname

    return get_overrides_dirname(overrides=overrides, exclude_keys=exclude_keys, item_sep=item_sep, kv_sep=kv_sep)


def _subdir_override(parser: OverridesParser, name: str) -> str:
    """``hydra.sweep.subdir='<name>'``, quoted (names hold ``=`` and ``,``) and checked to parse back."""
    line = f"{SUBDIR_KEY}='" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if parser.parse_override(line).value() != name:
        raise DesignError(f"cannot name a job folder {name!r}: use simpler values in the grid")
    return line


def _size_text(design: Design) -> str:
    d, p = len(design.ranges), len(design.points)
    if design.method == "sobol":
        per = f"2 x {d} + 2" if design.second_order else f"{d} + 2"
        return f"n={design.n} x ({per}) = {p} points over {d} parameters"
    if design.method == "morris":
        return f"{design.n} trajectories x ({d} + 1) = {p} points over {d} parameters"
    return f"{p} points over {d} parameters"
