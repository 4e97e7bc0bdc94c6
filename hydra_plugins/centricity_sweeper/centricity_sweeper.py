"""The ``centricity`` sweeper: Hydra's basic sweeper plus what researchers ask Hydra for.

Same sweep syntax as the basic sweeper (Cartesian products, ``range``, ``hydra.sweeper.params``),
and before any job runs it:

* composes and validates every job: a combination with a wrong type, an unknown key or a
  value out of range is reported at once and recorded, and the valid ones still run;
* skips jobs whose folder already holds results for the same config (resume), unless
  ``hydra.sweeper.resume=false``;
* estimates what the jobs to run will take on its workers (``sim.study.sweep.sweep_cost``):
  a sweep that needs more memory than is free, or more than a day, runs nothing unless the
  command line says ``--yes``; one that takes a minute or more says how long;
* has the model's kernels compiled (or loaded from numba's cache) once: with the joblib
  launcher, by its workers one at a time while the jobs are planned (:class:`Workers`); with
  another launcher, in this process, so that its workers load them;

while the jobs run it prints a progress line (done / total, failures, time left), and at
the end it lists the jobs that failed and aggregates the rest (``sim.study.aggregate``), unless
``hydra.sweeper.aggregate=false`` (``hydra.sweeper.figures=false``: tables only).

With the joblib launcher (the default) the jobs run in its worker pool with its settings
(``hydra.launcher.n_jobs`` ...): the workers start while the jobs are planned and stop as
soon as they have run; each job reaches a worker as a few kilobytes of plain data (its
checked config and how Hydra records it, :class:`LeanJob`), so no worker composes or checks
a job a second time or restores Hydra's state, and its folder gets the same files as with
Hydra's own ``run_job`` (:func:`run_lean_job`); the workers hand each job's weeks back for
the aggregation, whose figures are drawn by other processes while it writes the tables. Any
other launcher gets the overrides as usual.

The logic lives in ``sim.study.sweep``; Hydra only loads sweepers from the ``hydra_plugins``
namespace, hence this thin class. Resume needs job folders whose names do not depend on
the job number, as with the default ``hydra.sweep.subdir`` (the job's overrides).

Example (command line)::

    python -m sim -m road=engineering,mission seed='range(0,30)' hydra.sweep.dir=results/pair
"""

import logging
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cloudpickle
import yaml
from hydra._internal.config_loader_impl import ConfigLoaderImpl, get_overrides_dirname
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.singleton import Singleton
from hydra.core.utils import (
    JobReturn,
    JobRuntime,
    JobStatus,
    _flush_loggers,
    configure_log,
    env_override,
    filter_overrides,
    setup_globals,
)
from hydra_plugins.hydra_joblib_launcher.joblib_launcher import JoblibLauncher
from joblib import Parallel, delayed
from omegaconf import OmegaConf, open_dict, read_write
from omegaconf._utils import get_omega_conf_dumper

log = logging.getLogger(__name__)


@dataclass
class CentricitySweeperConf:
    """``hydra.sweeper.*``: the basic sweeper's settings plus the switches below."""

    _target_: str = "hydra_plugins.centricity_sweeper.centricity_sweeper.CentricitySweeper"
    max_batch_size: int | None = None
    params: dict[str, str] | None = None
    resume: bool = True       # skip jobs whose results exist for the same config
    aggregate: bool = True    # runs.parquet, summary.csv (and figures) at the end
    figures: bool = True      # the figures too
    progress: bool = True     # the progress line
    skip_invalid: bool = False  # run the valid jobs of a sweep that has invalid ones (else none runs)
    verbose: bool = False     # also list every job and the launcher's settings as the sweep starts


ConfigStore.instance().store(group="hydra/sweeper", name="centricity", node=CentricitySweeperConf,
                             provider="centricity_sweeper")


class CentricitySweeper(BasicSweeper):
    """Basic sweeper with up-front validation, resume, progress and aggregation."""

    def __init__(self, max_batch_size: int | None = None, params: dict[str, str] | None = None,
                 resume: bool = True, aggregate: bool = True, figures: bool = True, progress: bool = True,
                 skip_invalid: bool = False, verbose: bool = False):
        super().__init__(max_batch_size=max_batch_size, params=params)
        self.resume, self.aggregate, self.figures, self.progress = resume, aggregate, figures, progress
        self.skip_invalid, self.verbose = skip_invalid, verbose

    def sweep(self, arguments: list[str]) -> Any:
        assert self.config is not None and self.launcher is not None and self.hydra_context is not None
        all_jobs = self.job_overrides(arguments)
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        # The joblib launcher's workers start (import the model, load its kernels) while the jobs are
        # planned, not after; they are stopped as soon as the jobs have run, or if none is to run.
        workers = self._start_workers(sweep_dir, len(all_jobs))
        try:
            return self._sweep(all_jobs, sweep_dir, workers)
        finally:
            if workers is not None:
                workers.stop()

    def _sweep(self, all_jobs: list[list[str]], sweep_dir: Path, workers: "Workers | None") -> Any:
        # Imported here: Hydra imports every plugin at start-up, and sim.study.sweep brings pandas.
        from sim.kernels import warm_up
        from sim.study.records import clear_job
        from sim.study.sweep import (
            LONG_SECONDS,
            Progress,
            finish_sweep,
            forget_settled_starts,
            interrupted,
            made_by_other_code,
            plan_jobs,
            refuse_invalid,
            refuse_too_large,
            warn_once,
        )

        assert self.config is not None
        tic = time.perf_counter()
        plan = plan_jobs(sweep_dir, all_jobs, self.composer(), resume=self.resume)
        planned_in = time.perf_counter() - tic
        if plan.with_state("invalid") and not self.skip_invalid:
            refuse_invalid(plan)          # nothing runs, no job folder is made
            return []
        cost = self._cost(plan)
        if cost is not None and refuse_too_large(cost):
            return []                     # nothing runs, no folder is made
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        plan.save()
        to_run = plan.with_state("to_run")
        done, invalid = len(plan.with_state("done")), len(plan.with_state("invalid"))
        log.info(f"Sweep of {len(plan.jobs)} jobs into {sweep_dir}: {len(to_run)} to run, "
                 f"{done} already done (resumed), {invalid} invalid (checked in {planned_in:.1f} s)")
        warn_once(plan)
        for version, count in made_by_other_code(plan).items():
            log.warning(f"{count} of the resumed jobs were made by another version of the code, {version}; "
                        "they are kept. To make them again with this code: hydra.sweeper.resume=false")
        self.before_launch(plan)

        returns = []
        forget_settled_starts(sweep_dir)
        if to_run:
            if workers is None:
                # Compile (or load) the kernels here, once, so that the workers load them from the cache
                # instead of each compiling the same kernels at the same time (the joblib launcher's
                # workers do it themselves, one at a time, while the jobs are planned: Workers).
                kernels = warm_up()
                (log.info if kernels.compiled or self.verbose else log.debug)(f"Kernels: {kernels}")
            for job in to_run:
                clear_job(Path(job.dir))
            size = self.max_batch_size or len(to_run)
            progress = Progress(total=len(plan.jobs), already_done=done, running=[j.dir for j in to_run],
                                invalid=invalid)
            # Said before the progress line starts: on a terminal that line is rewritten in place.
            takes = f" ({cost.text()})" if cost is not None and cost.seconds >= LONG_SECONDS else ""
            log.info(f"Running {len(to_run)} jobs {self._where(len(to_run))} into {sweep_dir}{takes}")
            if self.aggregate and self.figures:
                from sim.study.plots import start_drawing

                start_drawing()           # the figures' process imports its libraries while the jobs run
            if workers is not None:
                workers.ready()
            try:
                with progress if self.progress else _nothing():
                    try:
                        for start in range(0, len(to_run), size):
                            returns.append(self._launch(to_run[start:start + size], start))
                    except Exception as err:  # a worker died: report, keep and aggregate what finished
                        log.error(f"The launcher stopped ({type(err).__name__}: {err}); finished jobs are kept, "
                                  "rerun the same command to run the rest")
            except KeyboardInterrupt:
                forget_settled_starts(sweep_dir)
                interrupted(plan)
                return returns
        if workers is not None:
            workers.stop()                # idle now: their memory and cores go to the aggregation
        forget_settled_starts(sweep_dir)
        outcome = finish_sweep(plan, aggregate=self.aggregate, figures=self.figures, timeseries=handed_back(returns))
        self.after_sweep(plan, outcome)
        return returns

    # Hooks for sweepers built on this one (the design sweeper); the defaults are the basic sweep.
    def job_overrides(self, arguments: list[str]) -> list[list[str]]:
        """The overrides of every job, in launch order: the Cartesian product of the sweep."""
        from sim.study.sweep import follow_roads

        assert self.hydra_context is not None
        parser = OverridesParser.create(config_loader=self.hydra_context.config_loader)
        overrides = parser.parse_overrides(self._parse_config() + list(arguments))
        jobs = [job for batch in self.split_arguments(overrides, None) for job in batch]
        # A road parameter applies to the roads that declare it; the others run without it.
        default_road = str(self.config.road.name) if self.config is not None and "road" in self.config else "status_quo"
        jobs, ignored = follow_roads(jobs, default_road)
        for road, names in ignored.items():
            log.info(f"{road} has no {', '.join('road.' + n for n in names)}: its jobs run without "
                     f"{'it' if len(names) == 1 else 'them'} (once per value of the other keys)")
        return jobs

    def composer(self) -> "FastComposer":
        """``compose(overrides) -> (config, job_dir)`` for :func:`sim.study.sweep.plan_jobs`."""
        assert self.hydra_context is not None and self.config is not None
        return FastComposer(self.hydra_context.config_loader, self.config)

    def before_launch(self, plan: Any) -> None:
        """Called with the checked plan before any job runs: report and record invalid jobs."""
        from sim.study.sweep import record_invalid

        record_invalid(plan)

    def after_sweep(self, plan: Any, outcome: dict[str, Any]) -> None:
        """Called after the jobs ran and the sweep was aggregated."""

    def _cost(self, plan: Any) -> Any:
        """What the jobs to run will take side by side on this machine; None with a launcher that runs
        them elsewhere (its cluster's limits apply)."""
        from sim.study.sweep import sweep_cost

        to_run = plan.with_state("to_run")
        if not to_run or not _is_joblib(self.launcher):
            return None
        return sweep_cost([job.cost for job in to_run if job.cost is not None],
                          joblib_workers(dict(self.launcher.joblib), len(to_run)))

    def _where(self, jobs: int) -> str:
        """'on 2 workers' (joblib), or the launcher that runs them."""
        if _is_joblib(self.launcher):
            workers = joblib_workers(dict(self.launcher.joblib), jobs)
            return f"on {workers} worker{'s' if workers > 1 else ''}"
        return f"with {type(self.launcher).__name__}"

    def _start_workers(self, sweep_dir: Path, jobs: int) -> "Workers | None":
        """The joblib launcher's worker processes (:class:`Workers`); None with another launcher, or
        with ``n_jobs`` of one (joblib then runs the jobs in this process). They start now, while the jobs
        are planned, unless the sweep resumes into a folder of an earlier one (most of its jobs may
        be done: they start when the jobs to run are known)."""
        if not _is_joblib(self.launcher) or jobs == 0:
            return None
        settings = dict(self.launcher.joblib)
        if joblib_workers(settings, sys.maxsize) < 2:      # joblib runs the jobs in this process
            return None
        count = joblib_workers(settings, jobs)
        resuming = self.resume and (sweep_dir / "sweep.json").exists()
        return Workers(launcher_joblib_cfg(self.launcher), count, start=not resuming)

    def _launch(self, batch: list, start: int) -> Any:
        if _is_joblib(self.launcher):
            # The configs are composed and checked already: the workers need not compose or check a job again;
            # they hand back each job's weeks for the aggregation.
            return launch_planned(self.launcher, batch, start, verbose=self.verbose, hand_back=self.aggregate)
        return self.launcher.launch([job.overrides for job in batch], initial_job_idx=start)


class FastComposer:
    """Compose sweep jobs as Hydra does, composing each choice of config groups only once.

    A full Hydra composition costs a tenth of a second or more; a sweep of 180 jobs would
    spend half a minute on it before the first job starts, and the launcher's workers as
    long again. Jobs that choose the same config groups (``road=...``, ``scenario=...``,
    ``+experiment=...``) share one composition; each job's value overrides (``seed=3``,
    ``road.pressure=0.4``) are then applied to a copy with Hydra's own override code, and
    its ``override_dirname`` is made by Hydra's own function. Anything unusual (hydra
    overrides, deletions, package overrides) takes the full path.
    ``tests/test_sweep.py`` checks that both paths give the same config and folder.
    """

    def __init__(self, config_loader: Any, master_config: Any):
        self.loader, self.master = config_loader, master_config
        self.parser = OverridesParser.create(config_loader=config_loader)
        self.bases: dict[tuple[str, ...], bytes] = {}    # each choice of config groups' config, pickled
        self.parsed: dict[str, Any] = {}

    def full(self, overrides: list[str]) -> tuple[Any, Path]:
        """Hydra's own composition of a job (what the stock launcher does in each worker)."""
        cfg = self.loader.load_sweep_config(master_config=self.master, sweep_overrides=list(overrides))
        return cfg, _job_dir(cfg)

    def _parse(self, line: str) -> Any:
        """One override, parsed once per sweep (jobs share most of theirs: ``road=mission``)."""
        parsed = self.parsed.get(line)
        if parsed is None:
            parsed = self.parsed[line] = self.parser.parse_overrides([line])[0]
        return parsed

    def _is_group(self, override: Any) -> bool:
        return self.loader.repository.group_exists(override.key_or_group)

    def __call__(self, overrides: list[str]) -> tuple[Any, Path]:
        """The job's complete config (``hydra`` node included) and its folder."""
        parsed = [self._parse(line) for line in overrides]
        if any(o.is_hydra_override() or o.is_delete() or o.package is not None for o in parsed):
            return self.full(overrides)
        groups = tuple(o.input_line for o in parsed if self._is_group(o))
        values = [o for o in parsed if not self._is_group(o)]
        if groups not in self.bases:
            self.bases[groups] = _pickled(self.full(list(groups))[0])
        # Unpickling copies a config in a fifth of the time of ``copy.deepcopy``.
        cfg = pickle.loads(self.bases[groups])
        OmegaConf.copy_cache(from_config=self.master, to_config=cfg)
        ConfigLoaderImpl._apply_overrides_to_config(values, cfg)
        naming = cfg.hydra.job.config.override_dirname
        with open_dict(cfg.hydra):
            cfg.hydra.overrides.task = [o.input_line for o in parsed]
            cfg.hydra.job.override_dirname = get_overrides_dirname(
                overrides=parsed, exclude_keys=list(naming.exclude_keys), item_sep=naming.item_sep,
                kv_sep=naming.kv_sep)
        return cfg, _job_dir(cfg)


def _pickled(cfg: Any) -> bytes:
    """A config pickled by reference to its schemas (``sim.study.config.ROAD_SCHEMAS``), or by cloudpickle
    where a schema cannot be imported (cloudpickle copies such a class by value, ten times slower)."""
    try:
        return pickle.dumps(cfg, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError):
        return cloudpickle.dumps(cfg)


def _job_dir(cfg: Any) -> Path:
    return Path(str(cfg.hydra.sweep.dir)) / str(cfg.hydra.sweep.subdir)


def _is_joblib(launcher: Any) -> bool:
    """Whether ``launcher`` is the joblib launcher.

    By qualified name, not ``isinstance``: Hydra's plugin scan imports the launcher's module
    a second time, so the instance's class need not be the class imported here (it was not,
    and every job was composed a second time in the workers).
    """
    cls = type(launcher)
    return f"{cls.__module__}.{cls.__qualname__}" == f"{JoblibLauncher.__module__}.{JoblibLauncher.__qualname__}"


def joblib_workers(joblib_cfg: dict, jobs: int) -> int:
    """How many worker processes joblib starts for ``jobs`` jobs (-1: every core, -2: all but one, ...)."""
    n_jobs = joblib_cfg.get("n_jobs") or -1
    return min(jobs, max(1, n_jobs if n_jobs > 0 else (os.cpu_count() or 1) + 1 + n_jobs))


def launcher_joblib_cfg(launcher: JoblibLauncher) -> dict[str, Any]:
    """``joblib.Parallel``'s settings from the joblib launcher's config, as its ``launch`` makes them."""
    from hydra_plugins.hydra_joblib_launcher._core import process_joblib_cfg

    joblib_cfg = dict(launcher.joblib)
    joblib_cfg["backend"] = "loky"  # as the stock launcher: threads do not work with Hydra
    process_joblib_cfg(joblib_cfg)
    return joblib_cfg


def _say_launch(launcher: JoblibLauncher, joblib_cfg: dict[str, Any], jobs: list[list[str]], initial_job_idx: int,
                verbose: bool) -> None:
    """Configure the launching process's logging as Hydra's launcher does; with ``verbose``, say its
    settings and every job, as Hydra's launcher prints them."""
    setup_globals()
    configure_log(launcher.config.hydra.hydra_logging, launcher.config.hydra.verbose)
    if verbose:
        settings = ",".join(f"{k}={v}" for k, v in joblib_cfg.items())
        log.info(f"Joblib.Parallel({settings}) is launching {len(jobs)} jobs")
        for idx, overrides in enumerate(jobs):
            log.info(f"\t#{initial_job_idx + idx} : {' '.join(filter_overrides(overrides))}")


def launch_planned(launcher: JoblibLauncher, jobs: list, initial_job_idx: int, verbose: bool = False,
                   hand_back: bool = False) -> list:
    """The joblib launcher's ``launch``, for planned jobs (``sim.study.sweep.PlannedJob``: composed and checked).

    Same worker pool and settings as ``hydra_joblib_launcher._core.launch``. A worker gets what a
    job needs in plain data (:class:`LeanJob`, a few kilobytes) and runs it with
    :func:`run_lean_job`: no composition, no validation, no Hydra state; the job's folder gets the
    same ``.hydra/`` files and log file as Hydra's ``run_job`` writes. A sweep whose jobs need
    Hydra's own job machinery (callbacks, another task function, verbose logging) goes through
    :func:`launch_composed` instead. Quiet unless ``verbose``. With ``hand_back``, each finished job's
    return value also holds the table it wrote to ``timeseries.parquet`` (:func:`handed_back`).
    """
    joblib_cfg = launcher_joblib_cfg(launcher)
    _say_launch(launcher, joblib_cfg, [job.overrides for job in jobs], initial_job_idx, verbose)
    if not jobs or not lean_fits(launcher, jobs[0].config):
        return launch_composed(launcher, [(job.overrides, job.config) for job in jobs], initial_job_idx,
                               joblib_cfg=joblib_cfg)
    parent = os.getpid()
    # A generator: joblib takes the next job as a worker frees up, so each is made ready while the others run.
    return Parallel(**joblib_cfg)(delayed(run_lean_job)(LeanJob.of(job, initial_job_idx + idx, parent, hand_back))
                                  for idx, job in enumerate(jobs))


def handed_back(returns: list) -> dict[str, Any]:
    """The weeks the jobs handed back (``launch_planned(..., hand_back=True)``), by job folder, taken out of
    the returns (each launch's list of Hydra ``JobReturn``)."""
    tables = {}
    for batch in returns:
        for ret in batch or []:
            value = ret._return_value if isinstance(ret, JobReturn) and ret.status == JobStatus.COMPLETED else None
            if isinstance(value, dict) and value.get("timeseries") is not None:
                tables[value["dir"]] = value.pop("timeseries")
    return tables


class Workers:
    """The joblib launcher's worker processes, made ready while the sweep is planned, stopped when its
    jobs have run.

    Each worker imports what a job needs and loads the model's compiled kernels before its first
    job (:func:`prepare_worker`), one worker at a time (on a machine's first run, one compiles them
    and the others load them from numba's cache), in a thread of this process while it plans the
    jobs. They are the pool the launch then uses (joblib keeps one pool for the same settings);
    :meth:`stop` ends them as soon as the jobs have run, so the aggregation has the cores to itself
    and the sweep does not wait for idle workers to shut down at its exit.

    Example:
        >>> workers = Workers({"n_jobs": 2, "backend": "loky"}, 2, start=False)   # doctest: +SKIP
        >>> workers.ready(); workers.stop()                                       # doctest: +SKIP
    """

    def __init__(self, joblib_cfg: dict[str, Any], count: int, start: bool = True):
        self.joblib_cfg, self.count = dict(joblib_cfg), count
        self.pids: list[int] = []
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if start:
            self.start()

    def start(self) -> None:
        """Start the workers (once), in the background."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._prepare, name="sim-workers", daemon=True)
            self._thread.start()

    def _prepare(self) -> None:
        try:
            self.pids = Parallel(**self.joblib_cfg)(delayed(prepare_worker)(os.getpid())
                                                    for _ in range(self.count))
        except BaseException as err:  # stopped before they were ready, or one failed: the launch starts them again
            self.error = err

    def ready(self) -> None:
        """Wait until the workers are ready (starting them if they are not started)."""
        self.start()
        assert self._thread is not None
        self._thread.join()
        if self.error is not None:
            log.debug(f"The workers were not made ready beforehand ({type(self.error).__name__}: {self.error})")

    def stop(self) -> None:
        """End the worker processes now (idle, or not needed: no job is to run)."""
        stop_workers()
        if self._thread is not None:
            self._thread.join()
            stop_workers()        # started by the thread after the first call, if it had not started them yet


def prepare_worker(parent: int) -> int:
    """In a worker, before its first job: import what a job needs and load the model's kernels.

    One process at a time loads (or, on a machine's first run, compiles) the kernels
    (:func:`_kernels_lock`), so that workers do not compile the same kernels side by side.
    Returns the worker's process id.
    """
    if os.getpid() != parent:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the launching process's to handle
    import pyarrow.parquet  # noqa: F401  (each job writes its weeks as parquet)

    import sim.study.cli  # noqa: F401  (the job's code: the model, the records)
    from sim.kernels import warm_up

    with _kernels_lock():
        warm_up()
    return os.getpid()


@contextmanager
def _kernels_lock():
    """An exclusive lock on this checkout's compiled kernels, across processes (none without ``fcntl``)."""
    try:
        import fcntl
    except ImportError:             # Windows: the workers may compile side by side on a first run
        yield
        return
    import hashlib

    import sim

    where = f"{Path(sim.__file__).resolve().parent}|{os.environ.get('NUMBA_CACHE_DIR', '')}"
    name = f"centricity-sim-kernels-{hashlib.sha256(where.encode()).hexdigest()[:16]}.lock"
    with open(Path(tempfile.gettempdir()) / name, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def stop_workers() -> None:
    """End joblib's worker processes at once (the pool joblib keeps between calls), if there are any."""
    try:
        from joblib.externals.loky import reusable_executor
    except ImportError:
        return
    executor = getattr(reusable_executor, "_executor", None)
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)


def lean_fits(launcher: JoblibLauncher, config: Any) -> bool:
    """Whether the sweep's jobs can run without Hydra's per-job machinery (:func:`run_lean_job`): the
    task is this project's (``sim.study.cli.run_job``), no Hydra callback is set, logging is not
    verbose, and the job's logging and environment read nothing from Hydra's per-job state (the
    ``${hydra:...}`` resolver). Each is set for the whole sweep, so the first job's config tells."""
    task = launcher.task_function
    ours = (getattr(task, "__module__", None), getattr(task, "__qualname__", None)) == ("sim.study.cli", "run_job")
    callbacks = getattr(getattr(launcher.hydra_context, "callbacks", None), "callbacks", None)
    hydra = config.hydra
    if not ours or callbacks or OmegaConf.select(config, "hydra.callbacks") or hydra.verbose \
            or hydra.job_logging is None:
        return False
    raw = str([OmegaConf.to_container(hydra.job_logging, resolve=False),
               OmegaConf.to_container(hydra.job.env_set, resolve=False)])
    return "${hydra:" not in raw and "\\${" not in raw


@dataclass
class LeanJob:
    """A planned job as a worker needs it, in plain data: what it runs and how Hydra would record it.

    ``config`` is the job's whole config as Hydra's ``run_job`` writes it to ``.hydra/`` (interpolations
    unresolved; ``hydra.job.id``, ``hydra.job.num`` and ``hydra.runtime.output_dir`` set as for the job);
    ``logging`` its ``hydra.job_logging``, resolved (its log file in the job's folder).
    """

    num: int
    dir: str
    overrides: list[str]
    checked: dict[str, Any]
    config_hash: str
    warnings: list[str]
    shared_dir: str
    config: dict[str, Any]
    logging: dict[str, Any]
    env_set: dict[str, str]
    chdir: bool
    output_subdir: str | None
    task_name: str
    parent: int
    hand_back: bool = False

    @classmethod
    def of(cls, job: Any, num: int, parent: int, hand_back: bool = False) -> "LeanJob":
        """From a planned job (its composed ``config`` and validated ``checked``), its number in the launch,
        the launching process and whether the job hands back its weeks."""
        from sim.study.sweep import SETTLED_DIR

        config = job.config
        output_dir = os.path.abspath(job.dir)
        with open_dict(config):
            config.hydra.job.id = f"{config.hydra.job.name}_{num}"
            config.hydra.job.num = num
            with read_write(config.hydra.runtime):
                config.hydra.runtime.output_dir = output_dir
        hydra = config.hydra
        return cls(num=num, dir=output_dir, overrides=list(job.overrides), checked=job.checked,
                   config_hash=job.config_hash, warnings=list(job.warnings),
                   shared_dir=os.path.join(os.path.abspath(str(hydra.sweep.dir)), SETTLED_DIR),
                   config=OmegaConf.to_container(config, resolve=False, enum_to_str=True),
                   logging=OmegaConf.to_container(hydra.job_logging, resolve=True),
                   env_set=OmegaConf.to_container(hydra.job.env_set, resolve=True), chdir=bool(hydra.job.chdir),
                   output_subdir=None if hydra.output_subdir is None else str(hydra.output_subdir),
                   task_name=JobRuntime.instance().get("name"), parent=parent, hand_back=hand_back)


def run_lean_job(job: LeanJob) -> JobReturn:
    """Run a planned job as Hydra's ``run_job`` would, without its per-job machinery.

    The same steps as :func:`run_sweep_job` for this project's task: make the job's folder (and
    change into it if ``hydra.job.chdir``), configure logging (the job's log file), write
    ``.hydra/`` (config, hydra, overrides: the same bytes), and run the job with
    ``hydra.job.env_set`` applied: :func:`sim.study.cli.run_planned`, which records the job's
    outcome in its folder and never raises. Returns what ``run_job`` returns, without the configs.
    """
    from sim.study.cli import run_planned

    if os.getpid() != job.parent:
        # Ctrl-C is the launching process's to handle (it stops the pool and says what was kept);
        # a worker that took it too would print a traceback of its own.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    out_dir = Path(job.dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    old_cwd = os.getcwd()
    if job.chdir:
        os.chdir(out_dir)
    try:
        configure_log(OmegaConf.create(job.logging))
        if job.output_subdir is not None:
            hydra_output = out_dir / job.output_subdir
            task = {key: value for key, value in job.config.items() if key != "hydra"}
            _write_yaml(task, "config.yaml", hydra_output)
            _write_yaml({"hydra": job.config["hydra"]}, "hydra.yaml", hydra_output)
            _write_yaml(job.config["hydra"]["overrides"]["task"], "overrides.yaml", hydra_output)
        with env_override(job.env_set):
            outcome = run_planned(job.checked, out_dir, job.overrides, shared_dir=Path(job.shared_dir),
                                  warnings=job.warnings, digest=job.config_hash, hand_back=job.hand_back)
        _flush_loggers()
        return JobReturn(overrides=job.overrides, working_dir=str(out_dir) if job.chdir else old_cwd,
                         task_name=job.task_name, status=JobStatus.COMPLETED, _return_value=outcome)
    finally:
        if job.chdir:
            os.chdir(old_cwd)


def launch_composed(launcher: JoblibLauncher, jobs: list[tuple[list[str], Any]], initial_job_idx: int,
                    verbose: bool = False, joblib_cfg: dict[str, Any] | None = None) -> list:
    """The joblib launcher's ``launch``, for jobs whose configs are already composed.

    Same worker pool and settings as ``hydra_joblib_launcher._core.launch``; the workers run
    the given configs instead of composing each job again, through Hydra's job machinery
    (:func:`run_sweep_job`). Hydra's state, the context and the task are the same for every
    job: pickled once per launch (80 kB and 15 ms a job when they went with each job).
    Quiet unless ``verbose``.
    """
    if joblib_cfg is None:
        joblib_cfg = launcher_joblib_cfg(launcher)
        _say_launch(launcher, joblib_cfg, [overrides for overrides, _ in jobs], initial_job_idx, verbose)
    shared = cloudpickle.dumps((launcher.hydra_context, launcher.task_function, Singleton.get_state()))
    launch = uuid.uuid4().hex
    _LAUNCHES[launch] = (launcher.hydra_context, launcher.task_function)   # this process runs them as they are
    try:
        return Parallel(**joblib_cfg)(delayed(_run_composed)(initial_job_idx + idx, cfg, shared, launch)
                                      for idx, (_, cfg) in enumerate(jobs))
    finally:
        _LAUNCHES.pop(launch, None)


#: The launches this process started (their context and task), and the one whose Hydra state it holds.
_LAUNCHES: dict[str, tuple[Any, Any]] = {}
_STATE_OF_LAUNCH: tuple[str, Any, Any] | None = None


def _run_composed(idx: int, config: Any, shared: bytes, launch: str) -> JobReturn:
    """In a worker: ``hydra_joblib_launcher._core.execute_job`` without the composition.

    Hydra's state is restored once per worker and launch, not for every job: restoring it
    rescans every Hydra plugin, which cost more than a small job. Jobs change only the
    Hydra config of the run, which :func:`run_sweep_job` sets for each job (so
    ``execute_job``'s own ``set_config`` is left out too) and puts back after it. The
    return leaves out the job's configs (the sweeper reads a job's outcome from its folder).
    """
    global _STATE_OF_LAUNCH
    if launch in _LAUNCHES:        # joblib runs the jobs in the launching process (one worker)
        hydra_context, task_function = _LAUNCHES[launch]
    else:
        # Ctrl-C is the launching process's to handle (it stops the pool and says what was kept);
        # a worker that took it too would print a traceback of its own.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if _STATE_OF_LAUNCH is None or _STATE_OF_LAUNCH[0] != launch:
            hydra_context, task_function, state = pickle.loads(shared)
            setup_globals()
            Singleton.set_state(state)
            _STATE_OF_LAUNCH = (launch, hydra_context, task_function)
        _, hydra_context, task_function = _STATE_OF_LAUNCH
    setup_globals()
    with open_dict(config):
        config.hydra.job.id = f"{config.hydra.job.name}_{idx}"
        config.hydra.job.num = idx
    ret = run_sweep_job(config, hydra_context, task_function)
    ret.cfg = ret.hydra_cfg = None
    return ret


def run_sweep_job(config: Any, hydra_context: Any, task_function: Any) -> JobReturn:
    """``hydra.core.utils.run_job`` for a sweep job, copying the config once instead of four times.

    The same steps as Hydra 1.3.8's (pinned): set the job's Hydra config, make its folder
    (``hydra.sweep.dir``/``hydra.sweep.subdir``), change into it if ``hydra.job.chdir``,
    configure logging, write ``.hydra/`` (config, hydra, overrides), run the task between
    the callbacks with ``hydra.job.env_set`` applied, and put the Hydra config back. Hydra's
    version deep-copies the whole config (``hydra`` node included) four times a job, which
    took longer than a small simulation; here the ``hydra`` node is copied once (by
    ``set_config``, which Hydra needs) and the task's part on its own, and the ``.hydra/``
    files are written by libyaml's emitter (:func:`_save_yaml`). In the five_roads sweep,
    Hydra's part of a job took 27 ms of CPU instead of 67. ``tests/test_sweep.py`` checks
    that it writes the same ``.hydra/`` files, byte for byte, and returns the same as
    Hydra's ``run_job``.
    """
    callbacks = hydra_context.callbacks
    old_cwd = os.getcwd()
    hydra_config = HydraConfig.instance()
    orig_hydra_cfg = hydra_config.cfg
    hydra_config.set_config(config)   # interpolations in the folder's name may read it
    output_dir = os.path.join(str(OmegaConf.select(config, "hydra.sweep.dir")),
                              str(OmegaConf.select(config, "hydra.sweep.subdir")))
    for cfg in (config, hydra_config.cfg):    # the job's config and the copy Hydra serves
        with read_write(cfg.hydra.runtime), open_dict(cfg.hydra.runtime):
            cfg.hydra.runtime.output_dir = os.path.abspath(output_dir)
    chdir = False
    try:
        ret = JobReturn()
        task_cfg = OmegaConf.masked_copy(config, [key for key in config if key != "hydra"])
        OmegaConf.set_struct(task_cfg, OmegaConf.is_struct(config))
        hydra_cfg = hydra_config.cfg
        ret.cfg, ret.hydra_cfg = task_cfg, hydra_cfg
        ret.overrides = OmegaConf.to_container(config.hydra.overrides.task)
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        chdir = bool(hydra_cfg.hydra.job.chdir)   # None means False from version_base 1.2
        if chdir:
            os.chdir(output_dir)
        ret.working_dir = output_dir if chdir else os.getcwd()
        configure_log(config.hydra.job_logging, config.hydra.verbose)
        if config.hydra.output_subdir is not None:
            hydra_output = Path(config.hydra.runtime.output_dir) / Path(config.hydra.output_subdir)
            _save_yaml(task_cfg, "config.yaml", hydra_output)
            _save_yaml(hydra_cfg, "hydra.yaml", hydra_output)
            _save_yaml(config.hydra.overrides.task, "overrides.yaml", hydra_output)
        with env_override(hydra_cfg.hydra.job.env_set):
            callbacks.on_job_start(config=config, task_function=task_function)
            try:
                ret.return_value = task_function(task_cfg)
                ret.status = JobStatus.COMPLETED
            except Exception as err:
                ret.return_value = err
                ret.status = JobStatus.FAILED
        ret.task_name = JobRuntime.instance().get("name")
        _flush_loggers()
        callbacks.on_job_end(config=config, job_return=ret)
        return ret
    finally:
        hydra_config.cfg = orig_hydra_cfg
        if chdir:
            os.chdir(old_cwd)


class _YamlDumper(getattr(yaml, "CDumper", yaml.Dumper)):
    """OmegaConf's YAML dumper on libyaml's C emitter when there is one: the same text, faster."""


# OmegaConf quotes strings that would read back as booleans or numbers; so does this one.
_YamlDumper.add_representer(str, get_omega_conf_dumper().str_representer)


def _save_yaml(cfg: Any, filename: str, output_dir: Path) -> None:
    """``hydra.core.utils._save_config``: ``OmegaConf.to_yaml(cfg)`` into ``output_dir/filename``.

    Hydra's goes through PyYAML's pure-Python emitter, which took 18 ms a job for the three
    files; the text written here is the same (``tests/test_sweep.py``).
    """
    _write_yaml(OmegaConf.to_container(cfg, resolve=False, enum_to_str=True), filename, output_dir)


def _write_yaml(container: Any, filename: str, output_dir: Path) -> None:
    """A config's plain container (``OmegaConf.to_container(cfg, resolve=False, enum_to_str=True)``) as
    ``OmegaConf.to_yaml`` writes it, into ``output_dir/filename``."""
    output_dir.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(container, default_flow_style=False, allow_unicode=True, sort_keys=False, Dumper=_YamlDumper)
    (output_dir / filename).write_text(text, encoding="utf-8")


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None
