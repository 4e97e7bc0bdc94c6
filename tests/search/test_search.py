"""The search for a road designed for an organisation: it improves on its start, replays, resumes, and says so.

A tiny organisation and budget (40 employees, 300 customers, 26 weeks, 2 futures), so the
whole file takes seconds; the search's own quality at scale is shown in docs/SEARCH.md.
"""

import doctest
import importlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("platypus")
pytest.importorskip("ema_workbench")

from sim.model import CentricityModel  # noqa: E402
from sim.outcomes import OUTCOMES, outcomes  # noqa: E402
from sim.search.optimise import RECORD, search, start_volume  # noqa: E402
from sim.search.policies import PolicySpace  # noqa: E402
from sim.search.report import build_report, prim_box  # noqa: E402
from sim.search.robustness import Futures  # noqa: E402

SMALL = {"organisation": {"n_employees": 40, "n_customers": 300, "burn_in_weeks": 4}}
LEVERS = ("pressure", "kpi_customer", "participation", "nudging", "process_improvement", "streamline")
HEADLINE = ["cumulative_profit", "mean_centricity", "final_satisfaction"]


@pytest.fixture(scope="module")
def futures():
    return Futures.sample(SMALL, n=2, horizon=26, seed=3).with_baseline()


@pytest.fixture(scope="module")
def space():
    return PolicySpace(LEVERS, latest_start=26)


@pytest.fixture(scope="module")
def found(futures, space, tmp_path_factory):
    folder = tmp_path_factory.mktemp("search")
    return folder, search(space, futures, folder, nfe=48, population=8, processes=1, quiet=True, seed=1)


@pytest.mark.parametrize("name", ["sim.outcomes", "sim.search.policies", "sim.search.uncertainties",
                                  "sim.search.robustness", "sim.search.optimise", "sim.search.report"])
def test_docstring_examples(name):
    assert doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS).failed == 0


def test_the_search_improves_on_its_random_start(found, futures):
    """The Pareto set at the end covers more of the objective space than the best of the random start."""
    _, result = found
    start, end = start_volume(result, HEADLINE, futures)
    assert end > start + 0.01, (start, end)
    assert result.convergence.hypervolume.iloc[-1] >= result.convergence.hypervolume.iloc[0]
    assert list(result.convergence.nfe) == sorted(result.convergence.nfe)


def test_business_as_usual_is_in_the_start_and_leads_by_nothing(found, futures, space):
    """The usual point replays the status quo exactly in every future (common random numbers): zero lead."""
    _, result = found
    from sim.search.optimise import policy_key

    key = policy_key(space.usual_point())
    assert key in result.first_generation
    assert np.array_equal(futures.leads(result.outcomes[key]), np.zeros((len(futures), len(OUTCOMES))))


def test_a_found_policy_replays_identically_through_the_custom_road(found, futures, space, tmp_path):
    """The front's best-profit policy, written as a schedule file and run by the custom road, gives what the search recorded."""
    _, result = found
    key = result.keys[0]
    policy = space.decode(result.variables[key])
    assert policy.moves, "the front's first policy moves at least one lever"
    path = tmp_path / "schedule.csv"
    policy.schedule(futures.horizon).to_csv(path, index=False)
    for i in range(len(futures)):
        model = CentricityModel(road="custom", road_params={"schedule": str(path)}, **futures.model_kwargs(i))
        model.run(futures.horizon)
        again = outcomes(model.results(), futures.horizon)
        assert np.allclose([again[n] for n in OUTCOMES], result.outcomes[key][i], rtol=1e-12, atol=1e-9)


def test_front_scores_are_the_robust_leads_of_what_was_run(found, futures):
    """Each front policy's score is the 10th percentile of its recorded leads, and no front policy beats another on all."""
    _, result = found
    cols = [list(OUTCOMES).index(o) for o in HEADLINE]
    for _, row in result.front.iterrows():
        leads = futures.leads(result.outcomes[row.policy])[:, cols]
        assert np.allclose([row[f"score.{o}"] for o in HEADLINE], np.percentile(leads, 10, axis=0))
    scores = result.front[[f"score.{o}" for o in HEADLINE]].to_numpy()
    for a in scores:
        assert not np.any(np.all(scores > a, axis=1)), "a policy in the Pareto set is beaten on every objective"


def test_a_stopped_search_resumes_to_the_same_result(futures, space, tmp_path):
    """Half the budget, then the whole: the second run reads the first half back and ends where a fresh run ends."""
    fresh = search(space, futures, tmp_path / "fresh", nfe=24, population=8, processes=1, quiet=True, seed=2)
    search(space, futures, tmp_path / "resumed", nfe=8, population=8, processes=1, quiet=True, seed=2)
    lines = (tmp_path / "resumed" / RECORD).read_text().splitlines()
    resumed = search(space, futures, tmp_path / "resumed", nfe=24, population=8, processes=1, quiet=True, seed=2)
    assert len(lines) >= 8
    pd.testing.assert_frame_equal(fresh.front, resumed.front)
    assert len((tmp_path / "resumed" / RECORD).read_text().splitlines()) == len(
        (tmp_path / "fresh" / RECORD).read_text().splitlines())


def test_two_processes_find_what_one_finds(futures, space, tmp_path):
    one = search(space, futures, tmp_path / "one", nfe=16, population=8, processes=1, quiet=True, seed=4)
    two = search(space, futures, tmp_path / "two", nfe=16, population=8, processes=2, quiet=True, seed=4)
    pd.testing.assert_frame_equal(one.front, two.front)


def test_the_report_places_every_named_road_and_finds_where_the_chosen_policy_fails(found, futures, space):
    _, result = found
    report = build_report(result, space, futures, HEADLINE, "p10", prim_futures=8)
    assert set(report.roads.road) == {"status_quo", "engineering", "mission", "consumer_decision", "best_customer",
                                      "competing_values"}
    sq = report.roads.set_index("road").loc["status_quo"]
    assert all(sq[f"score.{o}"] == 0.0 for o in HEADLINE)
    assert report.chosen in set(report.front.policy)
    assert len(report.failures) == 8 and report.failures.failed.dtype == bool
    # PRIM's futures of interest: the failures, or, where (almost) none fails, the quarter that delivers least
    f = report.failures
    if f.failed.sum() >= 2:
        assert f.of_interest.equals(f.failed)
    else:
        assert f.of_interest.equals(f["lead.cumulative_profit"] <= f["lead.cumulative_profit"].quantile(0.25))
    # each lever of the recommended policy is also scored alone; "free lunch" means ahead on all three
    from sim.search.policies import DesignedPolicy
    from sim.search.report import model_words

    assert list(report.alone.lever) == list(space.decode(result.variables[report.chosen]).levers) or \
        set(report.alone.lever) < set(space.decode(result.variables[report.chosen]).levers)   # simplified: a subset
    cols = [list(OUTCOMES).index(o) for o in HEADLINE]
    for _, row in report.alone.iterrows():
        move = next(m for m in space.decode(result.variables[report.chosen]).moves if m.lever == row.lever)
        leads = futures.leads(futures.evaluate_schedule(DesignedPolicy((move,)).schedule(futures.horizon)))[:, cols]
        assert np.allclose([row[f"score.{o}"] for o in HEADLINE], np.percentile(leads, 10, axis=0))
        assert row.free_lunch == bool(np.all(np.percentile(leads, 10, axis=0) > 0))
    words = model_words(report)
    for lever in report.alone.lever[report.alone.free_lunch]:
        assert f"`{lever}`" in words
    # a road some found policy beats on every objective is counted as beaten
    scores = report.front[[f"score.{o}" for o in HEADLINE]].to_numpy()
    for _, road in report.roads.iterrows():
        beaten = int(np.sum(np.all(scores > road[[f"score.{o}" for o in HEADLINE]].to_numpy(float), axis=1)))
        assert road.beaten_by == beaten


def test_prim_finds_a_planted_box_and_declines_when_nothing_fails():
    rng = np.random.default_rng(7)
    x = pd.DataFrame({"readiness": rng.random(300), "churn": rng.random(300), "noise": rng.random(300)})
    failed = ((x.readiness < 0.3) & (x.churn > 0.5)).to_numpy()
    box = prim_box(x, failed)
    limits = {name: (lo, hi) for name, lo, hi in box["limits"]}
    assert set(limits) == {"readiness", "churn"}      # the noise column's restriction, if any, is not significant
    assert limits["readiness"][1] < 0.4 and limits["churn"][0] > 0.4
    assert box["coverage"] > 0.8 and box["density"] >= 0.8
    assert prim_box(x, np.zeros(300, dtype=bool)) is None


def test_policy_space_decodes_snaps_and_bounds():
    space = PolicySpace(("pressure", "integration_target", "streamline"), usual={"pressure": 0.15}, latest_start=30)
    names = [v.name for v in space.variables]
    assert names == ["pressure.level", "pressure.start", "pressure.ramp", "integration_target.level",
                     "integration_target.start", "streamline.level", "streamline.start"]
    # within SNAP of the usual value: left alone; whole-number levers rounded; starts within the horizon
    policy = space.decode([0.17, 500, 3, 2.6, 4, 0.2, 9])
    assert [m.lever for m in policy.moves] == ["integration_target"]
    assert policy.moves[0].level == 3.0 and policy.moves[0].start == 4
    assert space.decode([0.9, 500, 0, 0, 1, 1, 2]).moves[0].start == 30
    with pytest.raises(ValueError, match="unknown lever 'presure'"):
        PolicySpace(("presure",))


def run_search(*args):
    return subprocess.run([sys.executable, "-m", "sim.search", *args], capture_output=True, text=True, timeout=120)


def test_the_command_refuses_wrong_inputs_before_anything_runs(tmp_path):
    done = run_search("nfe=ten", "levers=pressure,presure", "robustness=p150", "objectives=cumulative_profit",
                      "organisation.n_employes=40", "road=mission", f"--out={tmp_path / 'x'}")
    assert done.returncode == 2
    err = done.stderr
    for needle in ("parameter 'nfe' = 'ten'", "'presure' is not one of", "robustness = 'p150'",
                   "'objectives' needs two or more", "did you mean 'organisation.n_employees'",
                   "'road=mission' is not an input of the search"):
        assert needle in err, err
    assert not (tmp_path / "x").exists()


def test_the_command_runs_end_to_end(tmp_path):
    out = tmp_path / "s"
    done = run_search("organisation.n_employees=40", "organisation.n_customers=300", "organisation.burn_in_weeks=4",
                      "nfe=16", "population=8", "futures=2", "horizon=13", "prim_futures=6", "levers=pressure,nudging",
                      "processes=1", f"--out={out}")
    assert done.returncode == 0, done.stderr
    text = (out / "SEARCH.md").read_text()
    for heading in ("The Pareto set", "The chosen policy in words", "The named roads against the set",
                    "Where the chosen policy fails", "Convergence"):
        assert heading in text
    assert (out / "figures" / "front.png").stat().st_size > 0
    schedule = pd.read_csv(out / "chosen_schedule.csv")
    assert set(schedule.columns) <= {"week", "pressure", "nudging"}
    again = run_search("organisation.n_employees=40", "organisation.n_customers=300", "organisation.burn_in_weeks=4",
                       "nfe=16", "population=8", "futures=2", "horizon=13", "prim_futures=6", "levers=pressure,nudging",
                       "processes=1", f"--out={out}")
    assert "read back from an earlier run" in again.stderr


def test_simplify_keeps_the_lever_that_carries_an_objective_and_drops_one_that_does_nothing(futures):
    """Reward weight on the customer from week 1 buys centricity (dropping it costs more than epsilon); a
    nudge switched on in the last week changes nothing worth an epsilon: the simpler policy keeps only the first."""
    from sim.search.optimise import epsilons
    from sim.search.policies import DesignedPolicy, Move
    from sim.search.report import simplify
    from sim.search.robustness import robust_score

    policy = DesignedPolicy((Move("kpi_customer", 0.2, 0.9, 1, 0), Move("nudging", 0.0, 0.3, futures.horizon, 0)))
    cols = [list(OUTCOMES).index(o) for o in HEADLINE]

    def scores(outcome):
        return robust_score(futures.leads(outcome)[:, cols], "p10")

    simple, outcome = simplify(policy, futures, scores, epsilons(HEADLINE, futures))
    assert simple.levers == ("kpi_customer",)
    assert np.array_equal(outcome, futures.evaluate_schedule(simple.schedule(futures.horizon)))


@pytest.mark.slow
def test_on_a_ray_cluster_the_search_finds_what_local_processes_find(tmp_path):
    """evaluator=ray (a local Ray cluster here; RAY_ADDRESS names a real one) gives the same Pareto set."""
    pytest.importorskip("ray")
    common = ["organisation.n_employees=40", "organisation.n_customers=300", "organisation.burn_in_weeks=4", "nfe=8",
              "population=4", "futures=2", "horizon=13", "prim_futures=4", "levers=pressure,nudging"]
    local = run_search(*common, "processes=2", f"--out={tmp_path / 'local'}")
    ray = run_search(*common, "evaluator=ray", f"--out={tmp_path / 'ray'}")
    assert local.returncode == 0 and ray.returncode == 0, local.stderr + ray.stderr
    columns = ["policy", "score.cumulative_profit", "score.mean_centricity", "score.final_satisfaction"]
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "local" / "front.csv")[columns],
                                  pd.read_csv(tmp_path / "ray" / "front.csv")[columns])


@pytest.mark.slow
def test_ctrl_c_stops_the_search_in_one_line_and_the_same_command_resumes(tmp_path):
    import signal
    import time

    from tests.test_command_line_voice import _ctrl_c_as_from_a_terminal

    args = [sys.executable, "-m", "sim.search", "organisation.n_employees=100", "organisation.n_customers=1500",
            "organisation.burn_in_weeks=4", "nfe=200", "population=10", "futures=4", "horizon=104",
            f"--out={tmp_path}"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=_ctrl_c_as_from_a_terminal)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not (tmp_path / RECORD).exists()
                                           or len((tmp_path / RECORD).read_text().splitlines()) < 12):
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    text, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, text
    assert f"search stopped; what was evaluated is kept in {tmp_path}: run the same command to resume" in text
    assert "Traceback" not in text
    kept = len({line.split('"key": "')[1][:20] for line in (tmp_path / RECORD).read_text().splitlines()})
    again = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"({kept} read back from an earlier run)" in again.stderr
