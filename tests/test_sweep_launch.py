"""How a sweep's jobs reach the joblib workers and run there, in process.

The sweeper plans every job (composed and checked once, in the launching process) and sends
each worker a small plain record of it (``LeanJob``), run without Hydra's per-job machinery
(``run_lean_job``); the job folder must hold what Hydra's own ``run_job`` writes. The workers
are made ready while the sweep is planned and stopped as soon as its jobs have run.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hydra._internal.callbacks import Callbacks
from hydra.core.utils import run_job
from hydra.types import HydraContext
from joblib import Parallel, delayed
from omegaconf import open_dict

import sim.study.cli
from hydra_plugins.centricity_sweeper.centricity_sweeper import (
    FastComposer,
    LeanJob,
    Workers,
    handed_back,
    launch_planned,
    run_lean_job,
    stop_workers,
)
from sim.study.aggregate import aggregate
from sim.study.config import road_schema
from sim.study.stats import t_quantile
from sim.study.sweep import plan_jobs
from tests.helpers import sweep_master_config

REPO = Path(__file__).resolve().parent.parent
TINY = ["organisation.n_employees=40", "organisation.n_customers=400", "steps=6", "organisation.burn_in_weeks=3"]
#: What differs between two runs of the same job: when it finished and how long it took.
TIMES = ("finished", "wall_time_s")


def planned(tmp_path: Path, *jobs: list[str]):
    """The plan of a five_roads sweep of ``jobs`` into ``tmp_path/sweep``, and its master config."""
    sweep_dir = tmp_path / "sweep"
    loader, master = sweep_master_config("five_roads", sweep_dir)
    plan = plan_jobs(sweep_dir, [["+experiment=five_roads", *job] for job in jobs], FastComposer(loader, master))
    return plan, loader, master


class FakeLauncher:
    """What ``launch_planned`` reads of Hydra's joblib launcher."""

    def __init__(self, master, loader, n_jobs: int = 1):
        self.config, self.joblib = master, {"n_jobs": n_jobs}
        self.task_function = sim.study.cli.run_job
        self.hydra_context = HydraContext(config_loader=loader, callbacks=Callbacks(master))


@pytest.fixture
def logging_put_back():
    """Both Hydra's ``run_job`` and the lean job configure logging (a log file in the job's folder)."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate, lg.disabled) for lg in loggers]
    yield
    for lg, handlers, level, propagate, disabled in saved:
        for handler in lg.handlers:
            if handler not in handlers:
                handler.close()
        lg.handlers[:], lg.level, lg.propagate, lg.disabled = handlers, level, propagate, disabled


def folder(job_dir: Path) -> dict:
    """What a job folder holds, the times left out."""
    status = {k: v for k, v in json.loads((job_dir / "status.json").read_text()).items() if k not in TIMES}
    summary = {k: v for k, v in json.loads((job_dir / "summary.json").read_text()).items() if k not in TIMES}
    hydra = {f.name: f.read_bytes() for f in sorted((job_dir / ".hydra").iterdir())}
    names = sorted(p.name for p in job_dir.iterdir())
    return {"names": names, "status": status, "summary": summary, "hydra": hydra,
            "levers": (job_dir / "levers.csv").read_bytes(),
            "timeseries": pd.read_parquet(job_dir / "timeseries.parquet")}


# ---------------------------------------------------------------------- the lean job
def test_lean_job_records_what_hydras_run_job_does(tmp_path, logging_put_back):
    """Same folder (``.hydra/`` byte for byte, the log file, the records) and the same return as Hydra's
    ``run_job`` running the project's task on the same composed config."""
    plan, loader, _ = planned(tmp_path, ["road=mission", "seed=3", "scenario=retail_bank", *TINY])
    job = plan.jobs[0]
    job_dir = Path(job.dir)
    hydras_cfg = copy.deepcopy(job.config)
    with open_dict(hydras_cfg):
        hydras_cfg.hydra.job.id, hydras_cfg.hydra.job.num = "sim_7", 7
    hydras = run_job(sim.study.cli.run_job, hydras_cfg, "hydra.sweep.dir", "hydra.sweep.subdir",
                     HydraContext(config_loader=loader, callbacks=Callbacks(hydras_cfg)))
    by_hydra = folder(job_dir)
    shutil.rmtree(job_dir)

    lean = LeanJob.of(job, 7, parent=os.getpid())
    ours = run_lean_job(lean)
    by_us = folder(job_dir)

    assert by_us["names"] == [".hydra", "levers.csv", "sim.log", "status.json", "summary.json", "timeseries.parquet"]
    assert sorted(by_us["hydra"]) == ["config.yaml", "hydra.yaml", "overrides.yaml"]
    assert by_us["hydra"] == by_hydra["hydra"]
    assert by_us["status"] == by_hydra["status"] and by_us["status"]["status"] == "ok"
    assert by_us["summary"] == by_hydra["summary"]
    assert by_us["levers"] == by_hydra["levers"]
    pd.testing.assert_frame_equal(by_us["timeseries"], by_hydra["timeseries"], check_exact=True)
    assert (ours.return_value, ours.status, ours.overrides, ours.working_dir, ours.task_name) == \
        (hydras.return_value, hydras.status, hydras.overrides, hydras.working_dir, hydras.task_name)


def test_a_planned_job_travels_small_and_without_hydras_state(tmp_path):
    """A worker gets a few kilobytes of plain data a job: not the composed config, not Hydra's state
    (80 kB and 15 ms of pickling a job when they went with each job)."""
    plan, _, _ = planned(tmp_path, ["road=engineering", "seed=1"], ["road=mission", "seed=1"])
    for num, job in enumerate(plan.jobs):
        blob = pickle.dumps(LeanJob.of(job, num, parent=os.getpid()))
        assert len(blob) < 20_000
        assert b"omegaconf" not in blob and b"Singleton" not in blob and b"ConfigRepository" not in blob


def test_a_failing_lean_job_is_recorded_and_does_not_raise(tmp_path, logging_put_back, monkeypatch):
    plan, _, _ = planned(tmp_path, ["road=mission", "seed=2", *TINY])

    def boom(self, steps):
        raise RuntimeError("deliberate failure")

    monkeypatch.setattr(sim.model.CentricityModel, "run", boom)
    ret = run_lean_job(LeanJob.of(plan.jobs[0], 0, parent=os.getpid()))
    status = json.loads((Path(plan.jobs[0].dir) / "status.json").read_text())
    assert ret.return_value == {"status": "failed", "error": "RuntimeError: deliberate failure"}
    assert status["status"] == "failed" and "Traceback" in status["traceback"]
    assert (Path(plan.jobs[0].dir) / ".hydra" / "config.yaml").exists()


def test_jobs_hand_back_the_weeks_they_wrote_and_the_aggregation_uses_them(tmp_path, logging_put_back):
    """The aggregation of a sweep from the weeks the workers handed back equals the one read from disk."""
    plan, loader, master = planned(tmp_path, *[[f"road={road}", f"seed={seed}", *TINY]
                                               for road in ("status_quo", "mission") for seed in (0, 1)])
    plan.sweep_dir.mkdir(parents=True)
    plan.save()
    returns = [launch_planned(FakeLauncher(master, loader), plan.jobs, 0, hand_back=True)]
    weeks = handed_back(returns)
    assert sorted(weeks) == sorted(str(Path(job.dir)) for job in plan.jobs)
    for job in plan.jobs:
        pd.testing.assert_frame_equal(weeks[str(Path(job.dir))], pd.read_parquet(Path(job.dir) / "timeseries.parquet"),
                                      check_exact=True)
    assert all("timeseries" not in ret.return_value for ret in returns[0])    # taken out of the returns
    from_memory = aggregate(plan.sweep_dir, figures=False, timeseries=weeks)
    from_disk = aggregate(plan.sweep_dir, figures=False)
    pd.testing.assert_frame_equal(from_memory.runs, from_disk.runs, check_exact=True)
    pd.testing.assert_frame_equal(from_memory.summary, from_disk.summary, check_exact=True)


def test_jobs_that_need_hydras_job_machinery_go_through_it(tmp_path, logging_put_back):
    """With verbose logging (or a callback, or another task) the jobs run through Hydra's own job steps,
    with Hydra's state sent once per launch; the folders hold the same records."""
    from hydra_plugins.centricity_sweeper.centricity_sweeper import lean_fits

    plan, loader, master = planned(tmp_path, *[[f"road={road}", "seed=0", *TINY] for road in ("status_quo", "mission")])
    launcher = FakeLauncher(master, loader)
    assert lean_fits(launcher, plan.jobs[0].config)
    for job in plan.jobs:
        with open_dict(job.config):
            job.config.hydra.verbose = True
    assert not lean_fits(launcher, plan.jobs[0].config)
    returns = launch_planned(launcher, plan.jobs, 0)
    assert [ret.return_value["status"] for ret in returns] == ["ok", "ok"]
    assert all(ret.cfg is None and ret.hydra_cfg is None for ret in returns)     # the configs stay in the worker
    for job in plan.jobs:
        made = folder(Path(job.dir))
        assert made["status"]["status"] == "ok" and made["status"]["config_hash"] == job.config_hash
        assert sorted(made["hydra"]) == ["config.yaml", "hydra.yaml", "overrides.yaml"]
        assert "sim.log" in made["names"]


# ---------------------------------------------------------------------- the workers
def _pid() -> int:
    time.sleep(0.2)     # long enough for the other worker to take a job too
    return os.getpid()


def _pool():
    from joblib.externals.loky import reusable_executor

    return reusable_executor._executor


def test_workers_made_ready_are_the_ones_that_run_the_jobs_and_stop_at_once():
    settings = {"n_jobs": 2, "backend": "loky"}
    stop_workers()
    workers = Workers(settings, 2)
    workers.ready()
    assert workers.error is None and workers.pids
    pool = _pool()
    ran_on = set(Parallel(**settings)(delayed(_pid)() for _ in range(6)))
    assert _pool() is pool, "the launch started a new pool instead of using the workers made ready"
    assert ran_on & set(workers.pids)
    workers.stop()
    for pid in ran_on | set(workers.pids):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_workers_stopped_before_they_are_ready_end_at_once():
    workers = Workers({"n_jobs": 2, "backend": "loky"}, 2)
    workers.stop()
    assert not workers._thread.is_alive()
    assert _pool() is None or _pool()._flags.shutdown


# ---------------------------------------------------------------------- what the launching process imports
def test_the_aggregation_draws_its_figures_elsewhere_and_never_imports_seaborn_here(tmp_path):
    """The launching process writes the tables and summary.md while other processes draw; it imports
    neither seaborn nor scipy.stats (half a second) for that."""
    from tests.test_aggregate import make_job

    sweep = tmp_path / "sweep"
    for road in ("status_quo", "mission"):
        for seed in (0, 1):
            make_job(sweep, [f"road={road}", f"seed={seed}"])
    script = ("import sys; from sim.study.aggregate import aggregate; r = aggregate(sys.argv[1]); "
              "print(len(r.figures), 'seaborn' in sys.modules, 'scipy.stats' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script, str(sweep)], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["8", "False", "False"]
    assert all((sweep / "figures" / f"{name}.{ext}").stat().st_size > 1000
               for name in ("timeseries", "final_outcomes", "tradeoff", "paired_differences") for ext in ("png", "svg"))


def test_t_quantile_is_scipys_t_ppf():
    from scipy.stats import t

    for df in (1, 2, 3, 5, 9, 29, 30, 99, 1000):
        assert t_quantile(df) == t.ppf(0.975, df)


def test_road_schemas_pickle_by_reference():
    """A composed config refers to its road's schema: importable, it pickles as a name (cloudpickle would
    copy the class, with its code, for every job)."""
    for name in ("status_quo", "mission", "custom"):
        schema = road_schema(name)
        assert schema is road_schema(name)
        assert pickle.loads(pickle.dumps(schema)) is schema
        assert len(pickle.dumps(schema)) < 100
    # A process that never made them (a SLURM or Ray worker) reads them too.
    blob = pickle.dumps([road_schema("engineering"), road_schema("mission")])
    done = subprocess.run([sys.executable, "-c", "import pickle, sys; schemas = pickle.loads(sys.stdin.buffer.read()); "
                           "print([s().name for s in schemas], schemas[0]().pressure)"],
                          input=blob, capture_output=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().split() == ["['engineering',", "'mission']", "0.5"]


# ---------------------------------------------------------------------- a job's records
def test_a_jobs_weeks_are_written_to_the_same_parquet_file_as_pandas_writes(tmp_path):
    """The first table of a shape and the next ones (which reuse its schema) give pandas' own file, byte
    for byte; a table of another shape is not written with a schema made for the first."""
    from sim.study.records import write_parquet
    from tests.helpers import tiny_model

    tables = []
    for seed in (0, 1):
        model = tiny_model(road="mission", seed=seed)
        model.run(5)
        tables.append(model.results())
    other = tables[1].iloc[:, :3].copy()
    mixed = tables[1].assign(alarms=range(len(tables[1])))     # an int column: pandas writes it
    for i, frame in enumerate([*tables, other, mixed]):
        ours, pandas_own = tmp_path / f"ours{i}.parquet", tmp_path / f"pandas{i}.parquet"
        write_parquet(frame, ours)
        frame.to_parquet(pandas_own)
        assert ours.read_bytes() == pandas_own.read_bytes(), i
        pd.testing.assert_frame_equal(pd.read_parquet(ours), frame, check_exact=True)
