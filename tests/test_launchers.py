"""Launchers: the SLURM config and its job parameters, Ray and submitit's local launcher give the joblib results.

The SLURM tests compose ``hydra/launcher=slurm`` and build its sbatch script with
submitit's own code, without a cluster. The Ray test (slow) runs the small design sweep
of test_sensitivity.py on a local Ray cluster started by hydra-ray-launcher and compares
tables and indices with the joblib run of the same sweep.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.study.config import CONFIG_DIR
from tests.test_sensitivity import design_args, run_design
from tests.test_sweep import REPO, job_dirs, once, sim, sweep_args

LAUNCHERS = CONFIG_DIR / "hydra" / "launcher"
WALL_TIME = ["wall_time_s"]


def hydra_config(*overrides: str):
    """The composed config, hydra node included, as ``python -m sim OVERRIDES`` would see it."""
    from hydra import compose, initialize_config_dir

    import sim.study.cli  # noqa: F401  (registers the model's schemas)

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return compose("config", overrides=list(overrides), return_hydra_config=True)


def file_settings(name: str) -> dict:
    """The settings a launcher file sets (its keys other than the defaults list)."""
    settings = yaml.safe_load((LAUNCHERS / f"{name}.yaml").read_text())
    settings.pop("defaults")
    return settings


def run_sim(*args: str) -> subprocess.CompletedProcess:
    """``python -m sim`` with no Ray address in the environment (so Ray starts a local cluster).

    The joblib setting of the shared sweeps (``hydra.launcher.n_jobs``) is left out: other launchers lack it.
    """
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    args = tuple(a for a in args if not a.startswith("hydra.launcher.n_jobs="))
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=REPO, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=900, env=env)


# ---------------------------------------------------------------------- SLURM
def test_slurm_config_composes_with_the_files_settings():
    launcher = hydra_config("hydra/launcher=slurm").hydra.launcher
    assert launcher._target_ == "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher"
    settings = file_settings("slurm")
    assert {"partition", "timeout_min", "cpus_per_task", "mem_gb", "array_parallelism"} <= set(settings)
    for key, value in settings.items():
        assert launcher[key] == value, key


class _FinishedJob:
    def results(self):
        return [None]


def test_slurm_job_parameters_are_what_the_file_says(monkeypatch, tmp_path):
    """The sbatch script submitit would submit for a sweep carries the file's settings."""
    import submitit
    from hydra.utils import instantiate
    from submitit.slurm import slurm

    cfg = hydra_config("hydra/launcher=slurm", "hydra.launcher.partition=short", f"hydra.sweep.dir={tmp_path}",
                       "hydra.job.name=sim")
    monkeypatch.setattr(slurm.SlurmExecutor, "affinity", classmethod(lambda cls: 2))   # no srun here
    submitted = {}

    def map_array(self, fn, *iterables):   # instead of sbatch
        submitted["executor"], submitted["jobs"] = self, list(zip(*iterables, strict=True))
        return [_FinishedJob() for _ in submitted["jobs"]]

    monkeypatch.setattr(submitit.AutoExecutor, "map_array", map_array)
    launcher = instantiate(cfg.hydra.launcher)
    launcher.setup(hydra_context=None, task_function=lambda config: None, config=cfg)
    launcher.launch([["seed=0"], ["seed=1"], ["seed=2"]], initial_job_idx=0)

    executor = submitted["executor"]._executor
    assert isinstance(executor, slurm.SlurmExecutor)
    assert [job[0] for job in submitted["jobs"]] == [["seed=0"], ["seed=1"], ["seed=2"]]
    settings = file_settings("slurm")
    assert executor.parameters["array_parallelism"] == settings["array_parallelism"]
    script = slurm._make_sbatch_string(command="python -m submitit.core._submit", folder=executor.folder,
                                       map_count=100, **executor.parameters)
    assert "#SBATCH --partition=short" in script
    assert f"#SBATCH --time={settings['timeout_min']}" in script
    assert f"#SBATCH --cpus-per-task={settings['cpus_per_task']}" in script
    assert f"#SBATCH --mem={settings['mem_gb']}GB" in script
    assert f"#SBATCH --array=0-99%{settings['array_parallelism']}" in script
    assert "#SBATCH --job-name=sim" in script
    assert str(executor.folder).startswith(str(tmp_path / ".submitit"))


def test_slurm_local_is_submitits_local_launcher_capped():
    launcher = hydra_config("hydra/launcher=slurm_local").hydra.launcher
    assert launcher._target_ == "hydra_plugins.centricity_launchers.capped_local.CappedLocalLauncher"
    assert launcher.max_running == file_settings("slurm_local")["max_running"] == 2


def test_capped_local_launcher_hands_out_at_most_max_running_jobs(monkeypatch):
    from hydra_plugins.centricity_launchers.capped_local import CappedLocalLauncher

    groups = []
    # its own parent class (Hydra's plugin scan may have re-created the one importable by name)
    monkeypatch.setattr(CappedLocalLauncher.__mro__[1], "launch",
                        lambda self, jobs, initial_job_idx: groups.append((initial_job_idx, list(jobs))) or list(jobs))
    launcher = CappedLocalLauncher(max_running=2, submitit_folder="x")
    jobs = [[f"seed={i}"] for i in range(5)]
    assert launcher.launch(jobs, initial_job_idx=10) == jobs
    assert groups == [(10, jobs[0:2]), (12, jobs[2:4]), (14, jobs[4:5])]


# ---------------------------------------------------------------------- Ray and joblib configs
def test_default_launcher_is_joblib_on_every_core():
    launcher = hydra_config().hydra.launcher
    assert launcher._target_ == "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher"
    assert launcher.n_jobs == -1
    assert hydra_config("hydra/launcher=joblib").hydra.launcher.n_jobs == -1


def test_ray_starts_a_local_cluster_without_an_address(monkeypatch):
    from omegaconf import OmegaConf

    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    launcher = hydra_config("hydra/launcher=ray").hydra.launcher
    assert launcher._target_ == "hydra_plugins.hydra_ray_launcher.ray_launcher.RayLauncher"
    init = OmegaConf.to_container(launcher.ray.init, resolve=True)
    assert init["address"] == "local" and init["object_store_memory"] > 0 and init["include_dashboard"] is False
    assert OmegaConf.to_container(launcher.ray.remote) == {"num_cpus": 1}


@pytest.mark.parametrize("how", ["environment", "config"])
def test_ray_connects_to_the_given_address(monkeypatch, how):
    from omegaconf import OmegaConf

    address = "ray://head-node:10001"
    if how == "environment":
        monkeypatch.setenv("RAY_ADDRESS", address)
        launcher = hydra_config("hydra/launcher=ray").hydra.launcher
    else:
        monkeypatch.delenv("RAY_ADDRESS", raising=False)
        launcher = hydra_config("hydra/launcher=ray", f"hydra.launcher.ray.init.address={address}").hydra.launcher
    init = OmegaConf.to_container(launcher.ray.init, resolve=True)
    # a running cluster refuses settings of its own: none is passed
    assert init == {"address": address, "num_cpus": None, "object_store_memory": None, "include_dashboard": None}


def test_a_missing_launcher_extra_says_what_to_install(monkeypatch):
    import importlib.util

    from hydra.core.config_store import ConfigStore

    from hydra_plugins.centricity_launchers import launcher_schemas

    with pytest.raises(ImportError, match=r"pip install -e '\.\[ray\]'"):
        launcher_schemas.missing_extra(install=launcher_schemas.EXTRAS["ray"])
    repo = ConfigStore.instance().repo
    saved = repo["schema"]["launcher"].pop("ray.yaml", None)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    try:
        launcher_schemas.move_launcher_schemas()
        stand_in = ConfigStore.instance().load("schema/launcher/ray.yaml").node
        assert stand_in._target_.endswith("missing_extra") and "pip install -e '.[ray]'" in stand_in.install
    finally:
        if saved is not None:
            repo["schema"]["launcher"]["ray.yaml"] = saved


# ---------------------------------------------------------------------- the same results on every launcher
def comparable(sweep_dir: Path, table: str) -> pd.DataFrame:
    """A table of a sweep folder in a fixed order, without wall times."""
    frame = pd.read_parquet(sweep_dir / table) if table.endswith(".parquet") else pd.read_csv(sweep_dir / table)
    keys = [k for k in ("job", "step", "road", "metric", "parameter", "index") if k in frame]
    frame = frame.drop(columns=[c for c in WALL_TIME if c in frame])
    return frame.sort_values(keys).reset_index(drop=True)


@pytest.fixture(scope="module")
def joblib_design(tmp_path_factory):
    """The small design sweep of test_sensitivity.py with joblib (shared with it when both run)."""
    return once(tmp_path_factory, "design", run_design)


@pytest.mark.slow
def test_ray_sweep_gives_the_same_runs_and_indices_as_joblib(joblib_design, tmp_path):
    joblib_dir, text, code = joblib_design
    assert code == 0, text
    ray_dir = tmp_path / "ray"
    proc = run_sim(*design_args(ray_dir), "hydra/launcher=ray")
    assert proc.returncode == 0, proc.stdout
    assert "Started a local Ray instance" in proc.stdout
    assert "[sim] 24/24 jobs done | 0 failed" in proc.stdout
    assert sorted(j.name for j in job_dirs(ray_dir)) == sorted(j.name for j in job_dirs(joblib_dir))
    for table in ("runs.parquet", "summary.csv", "design.csv", "sensitivity.csv"):
        pd.testing.assert_frame_equal(comparable(ray_dir, table), comparable(joblib_dir, table), check_exact=True)
    # resume: the same command again does no work (and starts no cluster)
    again = run_sim(*design_args(ray_dir), "hydra/launcher=ray", "hydra.sweeper.analyse=false")
    assert again.returncode == 0 and "0 to run, 24 already done (resumed)" in again.stdout
    assert "Started a local Ray instance" not in again.stdout


@pytest.fixture(scope="module")
def joblib_roads(tmp_path_factory):
    """The 2 roads x 2 seeds sweep of test_sweep.py with joblib (shared with it when both run)."""
    return once(tmp_path_factory, "roads", lambda folder: sim(*sweep_args(folder)))


@pytest.mark.slow
def test_slurm_local_sweep_gives_the_same_runs_as_joblib(joblib_roads, tmp_path):
    joblib_dir = joblib_roads[0]
    local_dir = tmp_path / "slurm_local"
    proc = run_sim(*sweep_args(local_dir), "hydra/launcher=slurm_local")
    assert proc.returncode == 0, proc.stdout
    assert "[sim] 4/4 jobs done | 0 failed" in proc.stdout
    assert sorted(j.name for j in job_dirs(local_dir)) == sorted(j.name for j in job_dirs(joblib_dir))
    for table in ("runs.parquet", "summary.csv"):
        pd.testing.assert_frame_equal(comparable(local_dir, table), comparable(joblib_dir, table), check_exact=True)
