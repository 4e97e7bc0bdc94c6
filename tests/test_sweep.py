"""Sweeps end to end: the real command line in a subprocess, output in a temporary folder.

Small populations and few steps; two workers (``hydra.launcher.n_jobs=2``).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.study.records import read_status
from tests.helpers import sweep_master_config

REPO = Path(__file__).resolve().parent.parent
TINY = ["organisation.n_employees=40", "organisation.n_customers=400", "steps=8", "organisation.burn_in_weeks=4"]

# Makes every run with seed SIM_FAIL_SEED raise inside the model, in the workers too
# (every Python process imports sitecustomize at start-up).
FAIL_HOOK = '''
import os
if os.environ.get("SIM_FAIL_SEED"):
    import sim.model
    _run = sim.model.CentricityModel.run
    def run(self, steps):
        if self.seed == int(os.environ["SIM_FAIL_SEED"]):
            raise RuntimeError(f"deliberate failure for seed {self.seed}")
        return _run(self, steps)
    sim.model.CentricityModel.run = run
'''


def once(tmp_path_factory, name: str, run) -> tuple[Path, str, int]:
    """Run ``run(folder) -> CompletedProcess`` once per test session, shared by the xdist workers.

    The sweeps are the slow part of these tests; each worker that needs one waits for the
    first to finish it (an flock on a file in the session's shared temporary folder).
    """
    root = tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") \
        else tmp_path_factory.getbasetemp()
    folder, record = root / name, root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            proc = run(folder)
            record.write_text(json.dumps({"output": output(proc), "returncode": proc.returncode}))
        done = json.loads(record.read_text())
    return folder, done["output"], done["returncode"]


def sim(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m sim ARGS`` from the repository, stdout and stderr together, in order."""
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=REPO, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600, env={**os.environ, **(env or {})})


def output(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout


def private_copy(sweep_dir: Path, tmp_path: Path) -> Path:
    """A copy of a shared sweep folder for a test that reruns or re-aggregates it (mtimes kept)."""
    copy = tmp_path / sweep_dir.name
    shutil.copytree(sweep_dir, copy)
    return copy


def job_dirs(sweep_dir: Path) -> list[Path]:
    return sorted(p.parent for p in sweep_dir.glob("*/status.json"))


# ---------------------------------------------------------------------- a sweep of roads x seeds
def sweep_args(sweep_dir: Path) -> list[str]:
    return ["-m", "road=status_quo,mission", "seed=0,1", *TINY, f"hydra.sweep.dir={sweep_dir}",
            "hydra.launcher.n_jobs=2"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """(sweep folder, arguments, output, exit status) of a 2 roads x 2 seeds sweep."""
    sweep_dir, text, code = once(tmp_path_factory, "roads", lambda folder: sim(*sweep_args(folder)))
    return sweep_dir, sweep_args(sweep_dir), text, code


@pytest.mark.xdist_group("sweep")
def test_sweep_runs_every_job_in_its_own_folder(sweep):
    sweep_dir, _, text, code = sweep
    assert code == 0, text
    jobs = job_dirs(sweep_dir)
    assert len(jobs) == 4
    for job in jobs:
        assert read_status(job)["status"] == "ok"
        assert (job / "timeseries.parquet").exists() and (job / "summary.json").exists()
        assert (job / ".hydra" / "config.yaml").exists()
    assert not (sweep_dir / ".settled").exists(), "the burn-ins the workers shared are removed at the end"
    assert {j.name for j in jobs} == {
        f"organisation.burn_in_weeks=4,organisation.n_customers=400,organisation.n_employees=40,road={r},seed={s},steps=8"
        for r in ("mission", "status_quo") for s in (0, 1)}


@pytest.mark.xdist_group("sweep")
def test_sweep_shows_progress(sweep):
    text = sweep[2]
    assert "[sim] 4/4 jobs done | 0 failed | 0 invalid | 0 resumed" in text
    assert "ETA" in text


@pytest.mark.xdist_group("sweep")
def test_sweep_ends_in_tables_and_figures(sweep):
    sweep_dir, _, text, _ = sweep
    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    summary = pd.read_csv(sweep_dir / "summary.csv")
    assert len(runs) == 4 * 9 and len(summary) == 4
    assert {"road", "seed", "organisation.n_employees", "step", "customer_centricity", "profit"} <= set(runs.columns)
    assert set(summary["road"]) == {"status_quo", "mission"} and set(summary["seed"]) == {0, 1}
    for name in ("timeseries", "final_outcomes", "tradeoff", "paired_differences"):
        for ext in ("png", "svg"):
            assert (sweep_dir / "figures" / f"{name}.{ext}").stat().st_size > 1000, name
    assert f"figures: {sweep_dir / 'figures'}" in text


@pytest.mark.xdist_group("sweep")
def test_aggregated_numbers_equal_the_per_run_files(sweep):
    sweep_dir = sweep[0]
    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    summary = pd.read_csv(sweep_dir / "summary.csv")
    for job in job_dirs(sweep_dir):
        ts = pd.read_parquet(job / "timeseries.parquet")
        mine = runs[runs["job"] == job.name].set_index("step")[ts.columns]
        pd.testing.assert_frame_equal(mine, ts, check_exact=True, check_names=False)
        per_run = json.loads((job / "summary.json").read_text())
        row = summary[summary["job"] == job.name].iloc[0]
        assert (row["road"], row["seed"]) == (per_run["road"], per_run["seed"])
        for metric in ("customer_centricity", "profit", "share_compliance", "nps"):
            assert row[f"final_{metric}"] == pytest.approx(per_run["final"][metric], rel=1e-12)
            assert row[f"mean_{metric}"] == pytest.approx(per_run["mean"][metric], rel=1e-12)


@pytest.mark.xdist_group("sweep")
def test_single_run_and_sweep_job_give_identical_timeseries(sweep, tmp_path):
    sweep_dir = sweep[0]
    proc = sim("road=mission", "seed=1", *TINY, f"hydra.run.dir={tmp_path / 'single'}")
    assert proc.returncode == 0, output(proc)
    alone = pd.read_parquet(tmp_path / "single" / "timeseries.parquet")
    job = next(j for j in job_dirs(sweep_dir) if "road=mission,seed=1" in j.name)
    pd.testing.assert_frame_equal(alone, pd.read_parquet(job / "timeseries.parquet"), check_exact=True)
    assert read_status(tmp_path / "single")["config_hash"] == read_status(job)["config_hash"]


@pytest.mark.xdist_group("sweep")
def test_rerun_of_the_same_sweep_does_no_work(sweep, tmp_path):
    sweep_dir = private_copy(sweep[0], tmp_path)
    args = sweep_args(sweep_dir)
    before = {j.name: ((j / "timeseries.parquet").stat().st_mtime_ns, (j / "status.json").read_text())
              for j in job_dirs(sweep_dir)}
    proc = sim(*args, "hydra.sweeper.aggregate=false")
    assert proc.returncode == 0, output(proc)
    assert "0 to run, 4 already done (resumed)" in output(proc)
    after = {j.name: ((j / "timeseries.parquet").stat().st_mtime_ns, (j / "status.json").read_text())
             for j in job_dirs(sweep_dir)}
    assert after == before


@pytest.mark.xdist_group("sweep")
def test_resuming_results_of_other_code_says_so(sweep, tmp_path):
    sweep_dir = private_copy(sweep[0], tmp_path)
    old = job_dirs(sweep_dir)[0] / "summary.json"
    made = json.loads(old.read_text())
    old.write_text(json.dumps({**made, "git_commit": "0123abc"}))
    proc = sim(*sweep_args(sweep_dir), "hydra.sweeper.aggregate=false")
    assert proc.returncode == 0, output(proc)
    assert "4 already done (resumed)" in output(proc)
    assert "1 of the resumed jobs were made by another version of the code" in output(proc)
    assert "commit 0123abc" in output(proc) and "hydra.sweeper.resume=false" in output(proc)


@pytest.mark.xdist_group("sweep")
def test_aggregate_command_can_be_rerun(sweep, tmp_path):
    sweep_dir = private_copy(sweep[0], tmp_path)
    before = pd.read_parquet(sweep_dir / "runs.parquet")
    proc = subprocess.run([sys.executable, "-m", "sim.study.aggregate", str(sweep_dir), "--no-figures"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "aggregated 4 jobs (4 finished)" in proc.stdout
    pd.testing.assert_frame_equal(pd.read_parquet(sweep_dir / "runs.parquet"), before)


# ---------------------------------------------------------------------- failures and invalid combinations
def broken_args(sweep_dir: Path) -> list[str]:
    # A front line of 0.9 leaves the other functions' shares over 1 (each value alone is in range,
    # so only the composed job can tell); seed 1 raises. skip_invalid runs the valid jobs.
    return ["-m", "seed=0,1", "organisation.share_front_line=0.4,0.9", *TINY, f"hydra.sweep.dir={sweep_dir}",
            "hydra.launcher.n_jobs=2", "hydra.sweeper.figures=false", "hydra.sweeper.skip_invalid=true"]


def run_broken(folder: Path) -> subprocess.CompletedProcess:
    hook = folder.parent / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(FAIL_HOOK)
    return sim(*broken_args(folder), env={"SIM_FAIL_SEED": "1", "PYTHONPATH": str(hook)})


@pytest.fixture(scope="module")
def broken_sweep(tmp_path_factory):
    """(sweep folder, arguments, output, exit status) of a sweep with invalid and failing jobs."""
    sweep_dir, text, code = once(tmp_path_factory, "broken", run_broken)
    return sweep_dir, broken_args(sweep_dir), text, code


@pytest.mark.xdist_group("broken")
def test_with_skip_invalid_invalid_combinations_are_reported_at_once_and_the_rest_run(broken_sweep):
    sweep_dir, _, text, _ = broken_sweep
    assert "Sweep of 4 jobs" in text and "2 to run, 0 already done (resumed), 2 invalid" in text
    assert text.count("[sim] invalid job") == 2, text      # once each
    assert "share_operations' = 1.350 must be at most 1 (the rest is back office)" in text
    # reported before any job was launched
    assert text.index("[sim] invalid job") < text.index("Running 2 jobs on")
    bad = [j for j in job_dirs(sweep_dir) if "share_front_line=0.9," in j.name]
    assert len(bad) == 2 and all(read_status(j)["status"] == "invalid" for j in bad)
    assert not any((j / "timeseries.parquet").exists() for j in bad)


@pytest.mark.xdist_group("broken")
def test_failing_job_is_recorded_and_the_others_aggregated(broken_sweep):
    sweep_dir, _, text, code = broken_sweep
    assert code == 1, text
    failed = next(j for j in job_dirs(sweep_dir) if "share_front_line=0.4,seed=1" in j.name)
    status = read_status(failed)
    assert status["status"] == "failed" and status["error"] == "RuntimeError: deliberate failure for seed 1"
    assert "Traceback" in status["traceback"]
    assert "1 of 4 jobs failed, and 2 invalid were skipped" in text and "deliberate failure for seed 1" in text
    summary = pd.read_csv(sweep_dir / "summary.csv")
    assert summary["status"].value_counts().to_dict() == {"invalid": 2, "ok": 1, "failed": 1}
    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    assert set(runs["seed"]) == {0} and set(runs["organisation.share_front_line"]) == {0.4}


@pytest.mark.xdist_group("broken")
def test_rerun_reruns_only_the_failed_job(broken_sweep, tmp_path):
    assert broken_sweep[3] == 1
    sweep_dir = private_copy(broken_sweep[0], tmp_path)
    args = broken_args(sweep_dir)
    ok = next(j for j in job_dirs(sweep_dir) if "share_front_line=0.4,seed=0" in j.name)
    stamp = (ok / "timeseries.parquet").stat().st_mtime_ns
    proc = sim(*args)  # no failure hook this time
    assert "2 to run" not in output(proc) and "1 to run, 1 already done (resumed), 2 invalid" in output(proc)
    fixed = next(j for j in job_dirs(sweep_dir) if "share_front_line=0.4,seed=1" in j.name)
    assert read_status(fixed)["status"] == "ok"
    assert (ok / "timeseries.parquet").stat().st_mtime_ns == stamp


# ---------------------------------------------------------------------- the sweeper's fast composition
def test_fast_composition_matches_hydra(tmp_path):
    """Jobs composed once per config-group choice get the same config and folder as Hydra's own."""
    from omegaconf import OmegaConf

    from hydra_plugins.centricity_sweeper.centricity_sweeper import FastComposer
    from sim.study.config import as_plain

    loader, master = sweep_master_config("tension", tmp_path)
    fast = FastComposer(loader, master)
    for overrides in (["road=competing_values", "road.pacing_gain=0", "road.pressure=0.3", "seed=2",
                       "+experiment=tension"],
                      ["road=mission", "seed=5", "scenario=retail_bank", "organisation.n_employees=50"],
                      ["road=mission", "seed=6", "scenario=retail_bank", "+customers.nope=1"],
                      ["seed=1"]):
        cfg_fast, dir_fast = fast(overrides)
        cfg_full, dir_full = fast.full(overrides)
        assert dir_fast == dir_full
        assert as_plain(cfg_fast) == as_plain(cfg_full)
        assert OmegaConf.to_container(cfg_fast) == OmegaConf.to_container(cfg_full)  # hydra node too


def test_sweep_job_writes_and_returns_what_hydras_run_job_does(tmp_path):
    """The sweeper's lean ``run_sweep_job``: the same ``.hydra/`` files, byte for byte, and the same return."""
    import copy

    from hydra._internal.callbacks import Callbacks
    from hydra.core.hydra_config import HydraConfig
    from hydra.core.utils import run_job
    from hydra.types import HydraContext
    from omegaconf import OmegaConf, open_dict

    from hydra_plugins.centricity_sweeper.centricity_sweeper import FastComposer, run_sweep_job

    loader, master = sweep_master_config("five_roads", tmp_path)
    cfg, job_dir = FastComposer(loader, master)(["road=mission", "seed=3", "scenario=retail_bank", *TINY])
    with open_dict(cfg):
        cfg.hydra.job.id, cfg.hydra.job.num = "sim_7", 7
    context = HydraContext(config_loader=loader, callbacks=Callbacks(cfg))

    def task(task_cfg):   # what the task sees: its own config and Hydra's
        return OmegaConf.to_container(task_cfg), OmegaConf.to_container(HydraConfig.get())

    # Both configure logging for the job (a log file in its folder): put the test's back after.
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate, lg.disabled) for lg in loggers]
    outcomes = []
    try:
        for run in (lambda c: run_sweep_job(c, context, task),
                    lambda c: run_job(task, c, "hydra.sweep.dir", "hydra.sweep.subdir", context)):
            ret = run(copy.deepcopy(cfg))
            written = {f.name: f.read_bytes() for f in sorted((tmp_path / job_dir / ".hydra").iterdir())}
            outcomes.append((written, ret.return_value, ret.status, ret.overrides, ret.working_dir, ret.task_name,
                             OmegaConf.to_container(ret.cfg), OmegaConf.to_container(ret.hydra_cfg)))
            shutil.rmtree(tmp_path / job_dir)
    finally:
        for lg, handlers, level, propagate, disabled in saved:
            for handler in lg.handlers:
                if handler not in handlers:
                    handler.close()
            lg.handlers[:], lg.level, lg.propagate, lg.disabled = handlers, level, propagate, disabled
    ours, hydras = outcomes
    assert sorted(ours[0]) == ["config.yaml", "hydra.yaml", "overrides.yaml"]
    assert ours == hydras
    assert HydraConfig.instance().cfg is not None   # the master config is put back
