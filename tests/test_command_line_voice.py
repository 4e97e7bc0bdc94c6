"""The command line's voice: a quiet sweep, one line on Ctrl-C, no silent no-ops, ``--help`` as
the reference. Through the real command line (subprocess, temporary folders)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from sim.params import GROUPS, describe
from sim.roads import ROADS
from tests.test_sweep import REPO, output, sim

TINY = ["organisation.n_employees=30", "organisation.n_customers=250", "steps=4", "organisation.burn_in_weeks=2"]


def test_a_sweep_is_quiet_by_default_and_lists_its_jobs_when_verbose(tmp_path):
    quiet = output(sim("-m", "road=status_quo,mission", "seed=0,1", *TINY, f"hydra.sweep.dir={tmp_path / 'q'}"))
    lines = [line for line in quiet.splitlines() if line.strip()]
    # what it will do, the progress, where the results are; nothing per job, no launcher object
    # (8 lines, and one line in words per road compared with the status quo: summary.md's first lines).
    # Off a terminal the progress line is printed anew every 5 s, so a slow machine prints more of
    # them: those are counted apart.
    progress = [line for line in lines if " jobs done | " in line]
    assert 1 <= len(progress) and len(lines) - len(progress) <= 6 + 1, quiet
    assert lines[-1].strip().startswith("- Mission (strategic differentiator): "), quiet
    assert "Sweep of 4 jobs" in quiet and "Running 4 jobs on" in quiet and "aggregated 4 jobs" in quiet
    assert "#0 :" not in quiet and "Joblib.Parallel(" not in quiet and "HYDRA]" not in quiet
    assert all(line.startswith(("[sim]", "      ")) for line in lines), quiet
    loud = output(sim("-m", "road=status_quo,mission", "seed=0,1", *TINY, f"hydra.sweep.dir={tmp_path / 'v'}",
                      "hydra.sweeper.verbose=true"))
    assert loud.count(" : road=") == 4 and "Joblib.Parallel(" in loud


@pytest.mark.slow       # an 80-job sweep, interrupted and resumed
def test_ctrl_c_keeps_the_finished_jobs_says_so_in_one_line_and_a_rerun_resumes(tmp_path):
    sweep = tmp_path / "sweep"
    args = ["-m", "road=status_quo,mission", "seed=range(0,40)", "organisation.n_employees=100",
            "organisation.n_customers=1500", "steps=260", "organisation.burn_in_weeks=4", f"hydra.sweep.dir={sweep}",
            "hydra.launcher.n_jobs=2"]
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(sweep.glob("*/status.json"))) < 3:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    text, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, text
    kept = sum(json.loads(p.read_text())["status"] == "ok" for p in sweep.glob("*/status.json"))
    assert 3 <= kept < 80
    assert f"interrupted: {kept} of 80 jobs kept; run the same command again to resume" in text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    rerun = sim(*args, "steps=260")
    assert rerun.returncode == 0, output(rerun)
    assert f"{80 - kept} to run, {kept} already done (resumed)" in output(rerun)


@pytest.mark.slow       # a run and a sweep through the command line
def test_a_road_that_cannot_act_within_the_run_is_a_warning_and_recorded(tmp_path):
    run = tmp_path / "run"
    proc = sim("road=mission", "road.start_week=500", *TINY, f"hydra.run.dir={run}")
    assert proc.returncode == 0, output(proc)
    message = "road 'mission' starts in week 500, after the run's last week (4): the run is the status quo throughout"
    assert f"[sim] warning: {message}" in output(proc)
    assert json.loads((run / "summary.json").read_text())["warnings"] == [message]
    sweep = output(sim("-m", "road=mission,engineering", "road.pressure_stop_week=1", "seed=0,1", *TINY,
                       f"hydra.sweep.dir={tmp_path / 'sweep'}"))
    for road in ("mission", "engineering"):   # once per road, with its number of jobs
        assert sweep.count(f"road '{road}': road.pressure_stop_week = 1 is not after the road's first week (1)") == 1
        assert f"road '{road}': road.pressure_stop_week = 1 is not after the road's first week (1): the road never " \
               "puts its pressure on (2 jobs)" in sweep


def test_help_is_the_reference_of_every_key():
    proc = subprocess.run([sys.executable, "-m", "sim", "--help"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0
    text = proc.stdout
    for group, cls in GROUPS.items():
        for name, spec in describe(cls).items():
            line = next(x for x in text.splitlines() if x.strip().startswith(f"{group}.{name} "))
            assert spec["doc"].split()[0] in line
            if spec["low"] is not None:
                assert f"[{spec['low']}, {spec['high']}]" in line
    for name, road in ROADS.items():
        assert f"road={name}" in text
        for param in road.declared():
            assert f"road.{param} " in text
    for word in ("five_roads", "retail_bank", "skip_invalid", "Exit status", "130 interrupted"):
        assert word in text
