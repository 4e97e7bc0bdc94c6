"""The model for EMA Workbench (sim.search.ema): experiments through EMA are the model's own runs.

A tiny organisation (40 employees, 300 customers, a 2-week burn-in), 6 weeks, 3 scenarios x 2
roads x 2 seeds: EMA's table has the right rows and columns, the multiprocessing evaluator gives
what the sequential one gives, a run through EMA is the run ``CentricityModel`` makes directly
(a designed policy the run of its schedule through the ``custom`` road), another road's
parameters do nothing, and bad inputs are refused before any run.
"""

from __future__ import annotations

import doctest
import multiprocessing

import numpy as np
import pytest

pytest.importorskip("ema_workbench")

from ema_workbench import MultiprocessingEvaluator, Sample, SequentialEvaluator, perform_experiments  # noqa: E402

from sim import CentricityModel  # noqa: E402
from sim.outcomes import OUTCOMES, outcomes  # noqa: E402
from sim.search import ema  # noqa: E402
from sim.search.policies import PolicySpace  # noqa: E402
from sim.search.uncertainties import sample_scenarios, uncertain_ranges  # noqa: E402

TINY = {"n_employees": 40, "n_customers": 300, "burn_in_weeks": 2}
HORIZON = 6
SEEDS = (0, 1)
ROADS = ["status_quo", "mission"]


def tiny_roads_model(**kw):
    return ema.roads_model(horizon=HORIZON, seeds=SEEDS, **TINY, **kw)


def scenarios(n=3):
    """The same three scenarios for every evaluator (EMA's own sampler draws new ones each call)."""
    return ema.scenario_samples(sample_scenarios(uncertain_ranges(), n=n, seed=0))


@pytest.fixture(scope="module")
def sequential():
    model = tiny_roads_model()
    with SequentialEvaluator(model) as evaluator:
        experiments, results = evaluator.perform_experiments(scenarios(), ema.road_policies(ROADS))
    return experiments, results


def direct(road="status_quo", seed=0, scenario=None, **kw):
    """The outcomes of ``CentricityModel`` run directly, at a scenario's values (model keys)."""
    values = {key.split(".")[1]: value for key, value in (scenario or {}).items()}
    model = CentricityModel(road=road, seed=seed, **TINY, **values, **kw)
    model.run(HORIZON)
    return outcomes(model.results(), HORIZON)


def test_one_row_per_experiment_with_the_inputs_the_means_and_each_seed(sequential):
    table = ema.experiments_table(*sequential)
    assert len(table) == 3 * 2
    assert sorted(table.road.astype(str)) == sorted(ROADS * 3)
    keys = list(uncertain_ranges())
    assert set(keys) <= set(table.columns)
    assert set(OUTCOMES) <= set(table.columns)
    for name in OUTCOMES:
        per_seed = table[[f"{name}.seed{s}" for s in SEEDS]].to_numpy()
        assert np.isfinite(per_seed).all()
        assert np.allclose(table[name], per_seed.mean(axis=1)), "an outcome is its mean over the seeds"
    # each point (scenario) is one organisation, met by both roads
    assert table.groupby("point", observed=True)[keys].nunique().eq(1).all().all()
    assert (table.groupby("point", observed=True).road.nunique() == 2).all()


@pytest.fixture
def spawn():
    """Workers started fresh (macOS's and Windows' way): the model reaches them pickled, not forked."""
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("spawn", force=True)
    yield
    multiprocessing.set_start_method(before, force=True)


def test_the_multiprocessing_evaluator_gives_what_the_sequential_one_gives(sequential, spawn):
    model = tiny_roads_model()
    with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        experiments, results = evaluator.perform_experiments(scenarios(), ema.road_policies(ROADS))
    one, two = ema.experiments_table(*sequential), ema.experiments_table(experiments, results)
    columns = [c for c in one.columns if c not in ("scenario", "policy", "model", "point")]
    assert one[columns].equals(two[columns])


def test_a_run_through_ema_is_the_model_run_directly(sequential):
    """The status quo and a road, each seed: what CentricityModel gives with the scenario's values.

    The road's run reuses the status quo's burn-in (settled): identical all the same.
    """
    table = ema.experiments_table(*sequential)
    keys = list(uncertain_ranges())
    for road in ROADS:
        row = table[table.road == road].iloc[1]
        for seed in SEEDS:
            expected = direct(road, seed, scenario=row[keys].to_dict())
            assert {name: row[f"{name}.seed{seed}"] for name in OUTCOMES} == expected, (road, seed)


def test_a_run_lasts_exactly_the_horizon(monkeypatch):
    built, settled = [], CentricityModel.settled

    def keep(*args, **kwargs):
        built.append(settled(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(ema.CentricityModel, "settled", keep)
    out = ema.RunRoads(ema.organisation_settings(**TINY), HORIZON)(seed=0, road="mission")
    assert len(built) == 1 and len(built[0].results()) == HORIZON + 1, "weeks 0 to the horizon"
    assert out == {**direct("mission", 0), "seed": 0}


def test_a_designed_policy_through_ema_is_its_schedule_through_the_custom_road():
    model = ema.designed_model(["pressure", "streamline"], horizon=HORIZON, seeds=(3,), **TINY)
    point = {"pressure__level": 0.6, "pressure__start": 2, "pressure__ramp": 3,
             "streamline__level": 1, "streamline__start": 3}
    experiments, results = perform_experiments(model, scenarios=[Sample("assumed")], policies=[Sample("p", **point)])
    space = PolicySpace(["pressure", "streamline"])
    schedule = space.decode([point[ema.ema_name(v.name)] for v in space.variables]).schedule(HORIZON)
    run = CentricityModel(road="custom", road_params={"schedule": schedule}, seed=3, **TINY)
    run.run(HORIZON)
    assert run.levers_applied().loc[4, "pressure"] == pytest.approx(0.15 + (0.6 - 0.15) * 3 / 3)
    assert run.levers_applied().loc[3, "streamline"] == 1 and run.levers_applied().loc[2, "streamline"] == 0
    expected = outcomes(run.results(), HORIZON)
    assert {name: float(results[name][0]) for name in OUTCOMES} == expected


def test_another_roads_parameters_do_nothing():
    model = tiny_roads_model()
    policies = [Sample(f"{road}_{param}_{value}", road="mission", **{f"{road}__{param}": value})
                for road, param in (("engineering", "pressure"), ("mission", "pressure")) for value in (0.0, 1.0)]
    experiments, results = perform_experiments(model, scenarios=[Sample("assumed")], policies=policies)
    profit = dict(zip(experiments.policy.astype(str), results["cumulative_profit"], strict=True))
    assert profit["engineering_pressure_0.0"] == profit["engineering_pressure_1.0"]
    assert profit["mission_pressure_0.0"] != profit["mission_pressure_1.0"], "the drawn road's own parameters act"


@pytest.mark.parametrize(("make", "kw", "message"), [
    (ema.roads_model, {"organisation": "retail_bnak"}, "unknown organisation 'retail_bnak'"),
    (ema.roads_model, {"n_employees": -5}, "'organisation.n_employees' = -5 is out of range"),
    (ema.designed_model, {"base_churn_rate": 1.5}, "'customers.base_churn_rate' = 1.5 is out of range"),
    (ema.roads_model, {"churn_rate": 0.1}, "renamed 'base_churn_rate'"),
    (ema.roads_model, {"roads": ["custom"]}, "'custom' is not a road to choose among"),
    (ema.roads_model, {"horizon": 0}, "'horizon' = 0 is out of range"),
    (ema.roads_model, {"seeds": (0, 0)}, "each once"),
])
def test_bad_inputs_are_refused_before_any_run(monkeypatch, make, kw, message):
    def no_run(*args, **kwargs):
        raise AssertionError("a model was built before the inputs were checked")

    monkeypatch.setattr(ema, "CentricityModel", no_run)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        make(**{"horizon": HORIZON, **TINY, **kw})


def test_docstring_examples():
    assert doctest.testmod(ema, optionflags=doctest.ELLIPSIS).failed == 0


def test_where_roads_win_analyses_emas_table_as_it_analyses_a_sweep(sequential):
    """EMA's experiments, as ``experiments_table`` gives them, go straight into where_roads_win: at each
    scenario the best road is the one with the higher mean over the seeds."""
    from sim.study.where_roads_win import analyse_table

    table = ema.experiments_table(*sequential)
    table["road"] = table.road.astype(str)
    keys = list(uncertain_ranges())
    result = analyse_table(table, keys, horizon=HORIZON)
    best = result.best
    profit = best[best.outcome == "cumulative_profit"].set_index("point")["best"]
    means = table.pivot_table(index="point", columns="road", values="cumulative_profit", observed=True)
    assert profit.to_dict() == means.idxmax(axis=1).to_dict()
