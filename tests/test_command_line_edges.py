"""The command line's edges: whatever a newcomer types, one line in the project's voice and exit
status 2 before anything exists; a schedule read before the run folder is made; a run too large
for the machine stopped before it starts, a long one with its estimate and a progress line.

Through the real command line (``python -m sim`` in a subprocess, temporary folders) where the
promise is about the command line; the pieces directly where they are cheaper to reach.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from sim import CentricityModel
from sim.study.cli import simulate
from sim.study.config import validate
from sim.study.inputs import check_overrides, for_hydra, read_override
from sim.study.sweep import COMMAND_LINE, Cost, RunProgress, run_cost, sweep_cost, too_large
from tests.test_sweep import output, sim

TINY = ["organisation.n_employees=30", "organisation.n_customers=250", "steps=4", "organisation.burn_in_weeks=2"]


def refused_in_one_line(proc) -> str:
    """The whole output: exit status 2, one line, 'error: ...', no traceback, no Hydra advice."""
    text = output(proc)
    assert proc.returncode == 2, text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), text
    assert "Traceback" not in text and "HYDRA_FULL_ERROR" not in text and "To append to your config" not in text
    return lines[0]


def schedule(tmp_path, name: str = "plan.csv", **columns) -> str:
    path = tmp_path / name
    pd.DataFrame({"week": [1, 5], **columns}).to_csv(path, index=False)
    return str(path)


# ---------------------------------------------------------------------- odd inputs, through the command line
@pytest.mark.parametrize("args, message", [
    (["road=ミッション🚀"], "error: unknown road 'ミッション🚀'; the roads are best_customer, "),
    (["readiness=½"], "error: unknown parameter 'readiness'; did you mean 'organisation.initial_readiness'?"),
    (["organisation.initial_readiness=½"],
     "error: parameter 'organisation.initial_readiness' = '½' must be a number; allowed range [0.0, 1.0]"),
    (["road=mission,"], "error: 'road=mission,' ends with a comma, so one of its values is empty: write road=mission"),
    (["road='mission"], "error: 'road='mission' has an unmatched quote ('): write road=mission"),
    (['road="mission'], "error: 'road=\"mission' has an unmatched quote (\"): write road=mission"),
    (["steps=inf"], "error: parameter 'steps' = inf must be a whole number; allowed range [0, 10000000]"),
    (["~road"], "error: '~road' removes 'road', which a run needs: leave it out to keep its default"),
    (["mission"], "error: 'mission' is not a setting: settings are key=value; did you mean 'road=mission'?"),
    (["--steps=3"], "error: unknown option '--steps'; the options are -m (a sweep), --yes"),
    (["road=custom"], "error: road 'custom' needs a schedule: road.schedule=<a CSV or Parquet file with a 'week' "
                      "column and one column per lever; a run's levers.csv replays it>"),
    (["organisation.share_front_line=0.9"],
     "error: parameters 'organisation.share_front_line + share_sales + share_marketing + share_operations' = 1.350 "
     "must be at most 1"),
])
def test_an_odd_input_is_one_line_and_exit_2_before_any_folder(tmp_path, args, message):
    line = refused_in_one_line(sim(*args, *TINY, f"hydra.run.dir={tmp_path / 'run'}"))
    assert line.startswith(message), line
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("columns, message", [
    (None, "error: road.schedule '{path}': no such file"),
    ({"pressure": [0.3, 1.5]}, "error: road.schedule '{path}': lever 'pressure' = 1.5 in week 5 must be a number in "
                               "the allowed range [0.0, 1.0]"),
    ({"presure": [0.3, 0.5]}, "error: road.schedule '{path}': unknown lever(s) 'presure'; known levers: "),
])
def test_a_schedule_is_read_and_checked_before_the_run_folder_exists(tmp_path, columns, message):
    path = schedule(tmp_path, **columns) if columns else str(tmp_path / "nowhere.csv")
    run = tmp_path / "run"
    line = refused_in_one_line(sim("road=custom", f"road.schedule={path}", *TINY, f"hydra.run.dir={run}"))
    assert line.startswith(message.format(path=path)), line
    assert not run.exists()        # no .hydra/, sim.log or status.json
    # A sweep says it once, not once per job, and makes no folder either.
    sweep = tmp_path / "sweep"
    line = refused_in_one_line(sim("-m", "road=custom", f"road.schedule={path}", "seed=0,1,2", *TINY,
                                   f"hydra.sweep.dir={sweep}"))
    assert line.startswith(message.format(path=path)), line
    assert not sweep.exists()


def test_a_whole_number_in_exponent_notation_is_that_number(tmp_path):
    """organisation.n_employees=3e1 is 30 (Hydra alone refused it: 'could not be converted to Integer')."""
    run = tmp_path / "run"
    proc = sim("organisation.n_employees=3e1", "organisation.n_customers=250", "steps=4e0",
               "organisation.burn_in_weeks=2.0", f"hydra.run.dir={run}")
    assert proc.returncode == 0, output(proc)
    config = json.loads((run / "summary.json").read_text())["config"]
    assert config["organisation"]["n_employees"] == 30 and config["steps"] == 4


def test_a_schedule_file_with_unicode_in_its_name_runs(tmp_path):
    """Hydra reads such a value only quoted: the command line quotes it for Hydra."""
    path = schedule(tmp_path, "données €.csv", pressure=[0.3, 0.5])
    run = tmp_path / "run"
    proc = sim("road=custom", f"road.schedule={path}", *TINY, f"hydra.run.dir={run}")
    assert proc.returncode == 0, output(proc)
    assert json.loads((run / "summary.json").read_text())["config"]["road"]["schedule"] == path


def test_the_largest_run_allowed_is_stopped_before_it_starts_with_its_estimate(tmp_path):
    """The largest run allowed (10,000,000 weeks of 2,000,000 customers) needs weeks and tens of GB: refused
    whatever the machine, and says how to go ahead."""
    run = tmp_path / "run"
    line = refused_in_one_line(sim("steps=10000000", "organisation.n_customers=2000000", f"hydra.run.dir={run}"))
    assert line.startswith("error: this run (10,000,052 weeks with the burn-in, 300 employees, 2,000,000 customers) "
                           "needs about "), line
    assert "GB of memory" in line and line.endswith("add --yes to start it anyway")
    assert not run.exists()


def test_a_sweep_too_large_for_the_machine_runs_nothing(tmp_path):
    sweep = tmp_path / "sweep"
    line = refused_in_one_line(sim("-m", "seed=0,1,2", "steps=10000000", "organisation.n_customers=2000000",
                                   f"hydra.sweep.dir={sweep}"))
    assert line.startswith("error: this sweep (3 jobs on 2 workers) needs about ") or \
        line.startswith("error: this sweep (3 jobs on 1 worker) needs about "), line
    assert line.endswith("add --yes to start it anyway; nothing was run")
    assert not sweep.exists()


def test_yes_is_the_command_lines_and_not_hydras(tmp_path):
    proc = sim("--yes", *TINY, f"hydra.run.dir={tmp_path / 'run'}")
    assert proc.returncode == 0, output(proc)
    assert "--yes" not in for_hydra(["--yes", "seed=1"])


# ---------------------------------------------------------------------- the same, directly
@pytest.mark.parametrize("text, message", [
    ("road=,mission", "'road=,mission' starts with a comma, so one of its values is empty: write road=mission"),
    ("road=mission,,engineering", "'road=mission,,engineering' has two commas in a row, so one of its values is "
                                  "empty: write road=mission,engineering"),
    ("road=choice()", "cannot read 'road=choice()': empty choice is not legal (the functions of a sweep are choice"),
    ("seed=foo(1)", "cannot read 'seed=foo(1)': Unknown function 'foo'"),
    ("ミ=3", "unknown parameter 'ミ'; the keys are seed, steps, road"),
    ("seed", "'seed' is not a setting: settings are key=value; did you mean 'seed=...'?"),
])
def test_what_hydras_parser_cannot_read_is_said_in_words(text, message):
    override, problem = read_override(text)
    assert override is None and problem.startswith(message), problem


@pytest.mark.parametrize("overrides, multirun, message", [
    (["seed=nan"], False, "parameter 'seed' = nan must be a whole number; allowed range [0, "),
    (["seed@foo=1"], False, "'seed@foo=1': '@foo' places a config group elsewhere"),
    (["seed=range(0)"], True, "'seed=range(0)' gives no value: a sweep needs at least one"),
    (["seed=glob(*)"], True, "'seed=glob(*)' gives no value"),
    (["road=status_quo,custom"], True, "road 'custom' needs a schedule"),
    (["n_employees=500"], False, "unknown parameter 'n_employees'; did you mean 'organisation.n_employees'?"),
])
def test_odd_overrides_are_refused_in_the_projects_words(overrides, multirun, message):
    problems = check_overrides(overrides, multirun=multirun)
    assert len(problems) == 1 and problems[0].startswith(message), problems


def test_the_command_line_gives_hydra_what_it_needs():
    assert for_hydra(["organisation.n_employees=1e3", "+seed=2", "experiment=five_roads", "scenario=null"]) == \
        ["organisation.n_employees=1000", "seed=2", "+experiment=five_roads"]
    assert for_hydra(["-m", "seed=range(0,3.0)", "organisation.n_employees=1e3,40"]) == \
        ["-m", "seed=0,1,2", "organisation.n_employees=1000,40"]
    assert for_hydra(["effects.customers.promoter=0.8"]) == ["+effects.customers.promoter=0.8"]
    assert for_hydra(["road=custom", "road.schedule=données.csv"]) == ["road=custom", "road.schedule='données.csv'"]
    assert check_overrides(["organisation.n_employees=1e3", "steps=1000.0", "+seed=2", "scenario=null"]) == []


def test_the_custom_road_without_a_schedule_is_refused_from_python_too():
    with pytest.raises(ValueError, match="road 'custom' needs a schedule"):
        CentricityModel(road="custom", n_employees=30, n_customers=250)
    with pytest.raises(ValueError, match="road 'custom' needs a schedule"):
        validate({"road": {"name": "custom"}})


# ---------------------------------------------------------------------- estimates and progress
def test_the_estimate_grows_with_the_weeks_and_refuses_what_does_not_fit():
    short, long = run_cost({"steps": 260}), run_cost({"steps": 100_000})
    # Time grows linearly with the weeks: a week goes over the agents present, not every agent ever made.
    assert long.seconds / short.seconds == pytest.approx(100_052 / 312)
    assert long.memory - short.memory == pytest.approx(long.per_week * (100_000 - 260))
    assert too_large(short, free=16e9) is None
    message = too_large(long, free=1e9)
    assert message.startswith("this run (100,052 weeks with the burn-in, 300 employees, 5,000 customers) needs about")
    assert "more than the 1.0 GB free" in message and "at most about 92,000 weeks fit" in message
    fit = run_cost({"steps": 92_000 - 52})
    assert fit.memory <= 1e9 < run_cost({"steps": 94_000}).memory
    assert "add --yes" in too_large(Cost(seconds=2 * 86400, memory=1e8, weeks=10), free=16e9)
    two = sweep_cost([short] * 4, workers=2)
    assert two.seconds == pytest.approx(2 * short.seconds) and two.memory > 2 * short.memory


def test_a_long_run_is_said_before_it_starts_and_yes_lets_a_large_one_go(capsys):
    from sim.study.cli import _say_what_it_takes
    from sim.study.inputs import InputError

    _say_what_it_takes(validate({"steps": 260}))
    assert capsys.readouterr().err == ""
    _say_what_it_takes(validate({"steps": 50_000}))
    assert capsys.readouterr().err.startswith("[sim] this run (50,052 weeks with the burn-in, 300 employees, "
                                              "5,000 customers) takes about ")
    largest = {"steps": 10_000_000, "organisation": {"n_customers": 2_000_000}}
    with pytest.raises(InputError):
        _say_what_it_takes(validate(largest))
    COMMAND_LINE["yes"] = True
    try:
        _say_what_it_takes(validate(largest))
    finally:
        COMMAND_LINE["yes"] = False
    assert "a progress line follows" in capsys.readouterr().err


def test_a_run_with_a_progress_line_is_the_same_run(tmp_path):
    checked = validate({"steps": 25, "organisation": {"n_employees": 30, "n_customers": 250, "burn_in_weeks": 2}})
    stream = io.StringIO()
    progress = RunProgress(25, run_cost(checked), stream=stream, delay=0.0, interval=0.0)
    simulate(checked, tmp_path / "with", progress=progress)
    simulate(checked, tmp_path / "without")
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[sim] week 10 of 25 | ") and lines[-1].startswith("[sim] week 25 of 25 | ")
    assert lines[-1].endswith("ETA 0:00")
    with_progress = pd.read_parquet(tmp_path / "with" / "timeseries.parquet")
    pd.testing.assert_frame_equal(with_progress, pd.read_parquet(tmp_path / "without" / "timeseries.parquet"),
                                  check_exact=True)
    assert len(with_progress) == 26 and np.isfinite(with_progress["profit"]).all()


def test_a_short_run_shows_no_progress_line():
    stream = io.StringIO()
    progress = RunProgress(100, stream=stream)       # 3 s before the first line
    for week in range(10, 101, 10):
        progress.show(week)
    progress.show(100, force=True)
    assert stream.getvalue() == ""
