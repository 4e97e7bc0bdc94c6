"""Single runs from the command line: ``python -m sim`` in a subprocess, output in a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim._version import __version__
from sim.measurement import REQUIRED
from sim.params import GROUPS, describe
from sim.roads import ROADS

REPO = Path(__file__).resolve().parent.parent
SMALL = ["organisation.n_employees=40", "organisation.n_customers=400", "organisation.burn_in_weeks=2"]

pytestmark = pytest.mark.xdist_group("cli")


def sim(*args: str) -> subprocess.CompletedProcess:
    """``python -m sim ARGS`` from the repository; stdout and stderr together."""
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=REPO, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=300, env=dict(os.environ))


@pytest.fixture(scope="module")
def single_run(tmp_path_factory):
    """Every key of the command-line contract in one small run."""
    run_dir = tmp_path_factory.mktemp("cli") / "run"
    proc = sim("road=mission", "seed=3", "steps=6", "scenario=subscription_software", *SMALL,
               "road.start_week=2", f"hydra.run.dir={run_dir}")
    return run_dir, proc


def test_single_run_writes_timeseries_summary_and_hydra_folder(single_run):
    run_dir, proc = single_run
    assert proc.returncode == 0, proc.stdout
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    assert list(ts.index) == list(range(7)) and ts.index.name == "step"
    assert set(REQUIRED) <= set(ts.columns) and len(ts.columns) > len(REQUIRED)
    for name in ("config.yaml", "overrides.yaml", "hydra.yaml"):
        assert (run_dir / ".hydra" / name).exists()
    assert json.loads((run_dir / "status.json").read_text())["status"] == "ok"


def test_summary_records_results_config_and_provenance(single_run):
    run_dir, _ = single_run
    summary = json.loads((run_dir / "summary.json").read_text())
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    assert (summary["road"], summary["seed"], summary["steps"], summary["scenario"]) == (
        "mission", 3, 6, "subscription_software")
    assert summary["final"]["profit"] == pytest.approx(ts["profit"].iloc[-1])
    assert summary["mean"]["profit"] == pytest.approx(ts["profit"].iloc[1:].mean())
    assert set(summary["final"]) == set(ts.columns) == set(summary["mean"])
    config = summary["config"]
    for group, cls in GROUPS.items():
        assert set(config[group]) == set(describe(cls)), group
    assert config["organisation"]["n_employees"] == 40          # the command line beats the scenario
    assert config["customers"]["activist_share"] == 0.2         # the scenario beats the default
    assert config["road"] == {"name": "mission", **ROADS["mission"].defaults(), "start_week": 2}
    assert summary["version"] == __version__ and "git_commit" in summary
    assert summary["wall_time_s"] > 0


def test_console_shows_a_table_of_final_metrics(single_run):
    run_dir, proc = single_run
    assert "road=mission seed=3 steps=6 scenario=subscription_software" in proc.stdout
    for metric in REQUIRED:
        assert f"\n{metric} " in proc.stdout
    assert str(run_dir) in proc.stdout


@pytest.mark.parametrize("args, message", [
    (["organisation.n_employees=5"],
     "error: parameter 'organisation.n_employees' = 5 is out of range; allowed range [10, 200000]"),
    (["seed=abc"], "error: parameter 'seed' = 'abc' must be a number; allowed range [0, "),
    (["road=nope"], "error: unknown road 'nope'; the roads are best_customer, competing_values"),
    (["scenario=nope"], "error: unknown scenario 'nope'; the scenarios are industrial_b2b, retail_bank"),
])
def test_bad_input_fails_fast_with_the_message(tmp_path, args, message):
    proc = sim(*args, f"hydra.run.dir={tmp_path / 'run'}")
    assert proc.returncode == 2, proc.stdout
    assert message in proc.stdout
    assert "HYDRA_FULL_ERROR" not in proc.stdout and not (tmp_path / "run").exists()
