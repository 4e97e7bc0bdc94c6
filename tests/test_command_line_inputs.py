"""Every input error in one voice, and road parameters that follow the road: through the real
command line (``python -m sim`` in a subprocess, temporary folders).

Each error: the key, the value, what is wrong, the allowed range or choices, a "did you mean"
for a near miss; exit status 2 before any job starts; no Hydra hint ("HYDRA_FULL_ERROR",
"+key" advice); no job folder.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sim.study.inputs import check_overrides, for_hydra, sweep_values
from tests.test_sweep import output, sim

TINY = ["organisation.n_employees=30", "organisation.n_customers=250", "steps=4", "organisation.burn_in_weeks=2"]


def refused(proc) -> str:
    text = output(proc)
    assert proc.returncode == 2, text
    assert "HYDRA_FULL_ERROR" not in text and "To append to your config" not in text and "Traceback" not in text
    return text


@pytest.mark.parametrize("args, message", [
    (["seed=abc"], "error: parameter 'seed' = 'abc' must be a number; allowed range [0, "),
    (["steps=1.5"], "error: parameter 'steps' = 1.5 must be a whole number; allowed range [0, 10000000]"),
    (["organisation.initial_readiness=abc"],
     "error: parameter 'organisation.initial_readiness' = 'abc' must be a number; allowed range [0.0, 1.0]"),
    (["customers.self_service=maybe"], "error: parameter 'customers.self_service' = 'maybe' must be true or false"),
    (["seed=null"], "error: parameter 'seed' = null must be given a value; allowed range [0, "),
    (["organisation.n_employes=500"],
     "error: unknown parameter 'organisation.n_employes'; did you mean 'organisation.n_employees'?"),
    (["road=mission", "road.presure=0.5"], "error: unknown parameter 'road.presure'; did you mean 'road.pressure'?"),
    (["foo=1"], "error: unknown parameter 'foo'; the keys are seed, steps, road, scenario"),
    (["road=mision"], "error: unknown road 'mision'; did you mean 'mission'? the roads are best_customer"),
    (["scenario=retail_bnk"], "error: unknown scenario 'retail_bnk'; did you mean 'retail_bank'?"),
    (["+experiment=five_road"], "error: unknown experiment 'five_road'; did you mean 'five_roads'?"),
    (["road.pressure=0.5"], "error: road 'status_quo' has no parameter 'pressure'; its parameters: start_week"),
    (["seed=0,1"], "error: 'seed=0,1' gives several values: add -m to run a sweep over them"),
    (["organisation.readiness=0.3"], "error: parameter 'organisation.readiness' was renamed 'organisation.initial_readiness' "
                                     "(the metric 'readiness' keeps the name)\n"),
])
def test_a_single_run_refuses_bad_input_in_one_format(tmp_path, args, message):
    text = refused(sim(*args, *TINY, f"hydra.run.dir={tmp_path / 'run'}"))
    assert message in text
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("args, message", [
    (["seed=0,1,abc"], "error: parameter 'seed' = 'abc' must be a number"),
    (["organisation.initial_readiness=0.3,0.5,1.5"],
     "error: parameter 'organisation.initial_readiness' = 1.5 is out of range; allowed range [0.0, 1.0]"),
    (["road=status_quo", "road.pressure=0.5,0.6"], "error: road 'status_quo' has no parameter 'pressure'"),
    (["customers.churn_rate=0.1,0.2"], "error: parameter 'customers.churn_rate' was renamed 'customers.base_churn_rate'"),
])
def test_a_sweep_refuses_bad_values_before_any_job(tmp_path, args, message):
    sweep = tmp_path / "sweep"
    text = refused(sim("-m", *args, *TINY, f"hydra.sweep.dir={sweep}"))
    assert message in text and "Value '$VALUE'" not in text
    assert not sweep.exists()


def test_every_problem_is_listed_once():
    problems = check_overrides(["organisation.n_employes=500", "seed=abc", "road=mision"])
    assert len(problems) == 3 and len(set(problems)) == 3


def test_a_sweep_with_an_invalid_combination_runs_nothing(tmp_path):
    """Each value alone is in range; the combination is not (shares over 1): nothing runs, exit 2."""
    sweep = tmp_path / "sweep"
    text = refused(sim("-m", "seed=0,1", "organisation.share_front_line=0.4,0.9", *TINY, f"hydra.sweep.dir={sweep}"))
    assert "error: 2 of 4 jobs of this sweep are invalid, so none was run (hydra.sweeper.skip_invalid=true" in text
    assert text.count("must be at most 1 (the rest is back office)") == 2
    assert not sweep.exists()


def test_road_parameters_follow_the_road_in_a_sweep(tmp_path):
    """road.pressure applies to the mission; the status quo runs without it, once per seed, and the
    paired figure is drawn (each pressure against the status quo of the same seed)."""
    sweep = tmp_path / "sweep"
    proc = sim("-m", "road=status_quo,mission", "road.pressure=0.5,0.6", "seed=0,1", *TINY,
               f"hydra.sweep.dir={sweep}", "hydra.launcher.n_jobs=2")
    text = output(proc)
    assert proc.returncode == 0, text
    assert text.count("status_quo has no road.pressure: its jobs run without it") == 1
    summary = pd.read_csv(sweep / "summary.csv")
    assert len(summary) == 6 and set(summary["status"]) == {"ok"}
    quo = summary[summary["road"] == "status_quo"]
    assert len(quo) == 2 and quo["road.pressure"].isna().all()
    assert sorted(summary.loc[summary["road"] == "mission", "road.pressure"]) == [0.5, 0.5, 0.6, 0.6]
    assert (sweep / "figures" / "paired_differences.png").exists()


def test_one_road_parameter_value_in_a_sweep_over_roads(tmp_path):
    """A single value is applied to each job (not to the sweep's default road, the status quo)."""
    sweep = tmp_path / "sweep"
    proc = sim("-m", "road=status_quo,mission", "road.pressure=0.5", *TINY, f"hydra.sweep.dir={sweep}")
    assert proc.returncode == 0, output(proc)
    names = sorted(p.parent.name for p in sweep.glob("*/status.json"))
    assert any("road.pressure=0.5,road=mission" in n for n in names)
    assert any("road=status_quo" in n and "pressure" not in n for n in names)


def test_for_hydra_makes_one_road_value_a_sweep_of_one_only_in_a_sweep():
    assert for_hydra(["road.pressure=0.5"]) == ["road.pressure=0.5"]
    assert for_hydra(["-m", "road.pressure=0.5", "seed=1"]) == ["-m", "road.pressure=choice(0.5)", "seed=1"]
    assert for_hydra(["-m", "road.pressure=0.5,0.6"]) == ["-m", "road.pressure=0.5,0.6"]


def test_sweep_values_expand_choices_ranges_and_intervals():
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    assert sweep_values(parser.parse_override("seed=range(0,3)").value()) == [0, 1, 2]
    assert sweep_values(parser.parse_override("x=0.1,0.2").value()) == [0.1, 0.2]
    assert sweep_values(parser.parse_override("x=interval(0.2,0.8)").value()) == [0.2, 0.8]
