"""The command line's voice: a quiet sweep, one line on Ctrl-C, no silent no-ops, ``--help`` as
the reference. Through the real command line (subprocess, temporary folders)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from sim import CentricityModel
from sim.params import GROUPS, describe
from sim.roads import ROADS
from sim.study.records import write_status
from sim.study.sweep import PlannedJob, SweepPlan, warn_at_end
from tests.test_sweep import REPO, output, sim

# An organisation that loses money every week before any road starts (CentricityModel.losing_money).
TINY = ["organisation.n_employees=30", "organisation.n_customers=250", "steps=4", "organisation.burn_in_weeks=2"]
LOSING = "the organisation loses money every week before any road starts"


def test_a_sweep_is_quiet_by_default_and_lists_its_jobs_when_verbose(tmp_path):
    quiet = output(sim("-m", "road=status_quo,mission", "seed=0,1", *TINY, f"hydra.sweep.dir={tmp_path / 'q'}"))
    lines = [line for line in quiet.splitlines() if line.strip()]
    # what it will do, the progress, where the results are; nothing per job, no launcher object
    # (8 lines, and one line in words per road compared with the status quo: summary.md's first lines).
    # Off a terminal the progress line is printed anew every 5 s, so a slow machine prints more of
    # them: those are counted apart.
    progress = [line for line in lines if " jobs done | " in line]
    # The tiny organisation loses money before any road starts: said once, at the end, for the 4 jobs
    # (one line more, counted apart: what the sweep says otherwise keeps its length).
    assert CentricityModel(n_employees=30, n_customers=250, burn_in_weeks=2).losing_money() is not None
    warned = [line for line in lines if line.startswith("[sim] warning: ")]
    assert len(warned) == 1 and warned[0].startswith(f"[sim] warning: {LOSING}") and warned[0].endswith("(4 jobs)")
    assert 1 <= len(progress) and len(lines) - len(progress) - len(warned) <= 6 + 1, quiet
    assert lines[-1].strip().startswith("- Mission (strategic differentiator): "), quiet
    # summary.md says it once, before any comparison.
    summary_md = (tmp_path / "q" / "summary.md").read_text()
    assert summary_md.count(LOSING.capitalize()) == 1 and summary_md.count("**Warning") == 1
    assert summary_md.index("**Warning (4 of 4 runs):** The organisation loses money") < summary_md.index("## In short")
    assert "Sweep of 4 jobs" in quiet and "Running 4 jobs on" in quiet and "aggregated 4 jobs" in quiet
    assert "#0 :" not in quiet and "Joblib.Parallel(" not in quiet and "HYDRA]" not in quiet
    assert all(line.startswith(("[sim]", "      ")) for line in lines), quiet
    loud = output(sim("-m", "road=status_quo,mission", "seed=0,1", *TINY, f"hydra.sweep.dir={tmp_path / 'v'}",
                      "hydra.sweeper.verbose=true"))
    assert loud.count(" : road=") == 4 and "Joblib.Parallel(" in loud


def test_an_organisation_that_loses_money_is_said_once_on_stderr_and_recorded(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim", *TINY, f"hydra.run.dir={tmp_path / 'losing'}"], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    sentence = CentricityModel(n_employees=30, n_customers=250, burn_in_weeks=2).losing_money()
    assert sentence.startswith(LOSING)
    assert proc.stderr.count("warning:") == 1 and f"[sim] warning: {sentence}\n" in proc.stderr, proc.stderr
    assert "warning:" not in proc.stdout
    summary = json.loads((tmp_path / "losing" / "summary.json").read_text())
    assert summary["warnings"] == [sentence] and summary["losing_money"] == sentence

    viable = ["organisation.n_employees=40", "organisation.n_customers=1000", *TINY[2:]]
    assert CentricityModel(n_employees=40, n_customers=1000, burn_in_weeks=2).losing_money() is None
    proc = subprocess.run([sys.executable, "-m", "sim", *viable, f"hydra.run.dir={tmp_path / 'viable'}"], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and "warning:" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    summary = json.loads((tmp_path / "viable" / "summary.json").read_text())
    assert summary["warnings"] == [] and summary["losing_money"] is None


def _finished_job(tmp_path, name: str, warnings: list[str], said_at_start: list[str], status: str = "ok") -> PlannedJob:
    job_dir = tmp_path / name
    job_dir.mkdir()
    (job_dir / "summary.json").write_text(json.dumps({"warnings": warnings}))
    write_status(job_dir, status)
    return PlannedJob(num=0, overrides=[name], dir=str(job_dir), warnings=said_at_start)


def test_the_end_of_a_sweep_says_what_its_models_warned_of_once_with_the_number_of_jobs(tmp_path, capsys):
    road = "road 'mission' starts in week 500, after the run's last week (4): the run is the status quo throughout"
    losing = [f"{LOSING} (profit -{loss:,} a week on average, revenue 21,880): every road's profit will read as "
              "losses. It has 8 customers per employee" for loss in (13_718, 12_551, 13_718)]
    jobs = [_finished_job(tmp_path, "a", [losing[0]], []), _finished_job(tmp_path, "b", [road, losing[1]], [road]),
            _finished_job(tmp_path, "c", [losing[2]], []),
            _finished_job(tmp_path, "failed", [losing[0]], [], status="failed"),
            _finished_job(tmp_path, "viable", [], [])]
    said = warn_at_end(SweepPlan(sweep_dir=tmp_path, jobs=jobs))
    err = capsys.readouterr().err
    # The road's warning was said before the sweep started; the losing money once, its figures' range, 3 jobs.
    assert said == [(losing[0].replace("-13,718", "-13,718 to -12,551"), 3)]
    assert err == f"[sim] warning: {said[0][0]} (3 jobs)\n"
    assert warn_at_end(SweepPlan(sweep_dir=tmp_path, jobs=jobs[-1:])) == [] and capsys.readouterr().err == ""


def _ctrl_c_as_from_a_terminal() -> None:
    """In the child before it starts: SIGINT at its default and not blocked. A test process may run with
    SIGINT ignored or blocked (a pytest-xdist worker after a library's process pool did so), and a
    child inherits both and would never see Ctrl-C."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow       # an 80-job sweep, interrupted and resumed
def test_ctrl_c_keeps_the_finished_jobs_says_so_in_one_line_and_a_rerun_resumes(tmp_path):
    sweep = tmp_path / "sweep"
    args = ["-m", "road=status_quo,mission", "seed=range(0,40)", "organisation.n_employees=100",
            "organisation.n_customers=1500", "steps=260", "organisation.burn_in_weeks=4", f"hydra.sweep.dir={sweep}",
            "hydra.launcher.n_jobs=2"]
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, preexec_fn=_ctrl_c_as_from_a_terminal)
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
    # The tiny organisation also loses money before any road starts: recorded after the road's warning.
    losing = CentricityModel(n_employees=30, n_customers=250, burn_in_weeks=2).losing_money()
    assert json.loads((run / "summary.json").read_text())["warnings"] == [message, losing]
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
