"""The model under Mesa's own ``batch_run``: rows, steps, swept parameters and seeds.

``batch_run`` picks a run's rows from ``model.datacollector._collection_steps`` (every step the
data collector recorded, week 0 included), then merges the run's keyword arguments and the
collected values into one dict per row: a parameter named like a metric would be overwritten
by it (so none is: ``sim.params.RENAMED``), and the seed (passed as ``seed=``, since the
model's signature has it) is overwritten by the seed the run actually used.
"""

from __future__ import annotations

import inspect
import multiprocessing
import re

import mesa
import numpy as np
import pandas as pd
import pytest

from sim import CentricityModel
from sim.params import GROUPS, RENAMED, describe

SMALL = {"n_employees": 40, "n_customers": 300, "burn_in_weeks": 2}
PARAMETERS = {"road": ["status_quo", "mission"], "initial_readiness": [0.3, 0.7], **SMALL}
SEEDS = [1, 2, 3]


@pytest.fixture
def start_method():
    """batch_run sets multiprocessing's start method to spawn for the whole process: put it back."""
    before = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(before, force=True)


def batch(processes: int = 1, period: int = 3, **kwargs) -> list[dict]:
    kwargs.setdefault("rng", SEEDS)
    return mesa.batch_run(CentricityModel, parameters=PARAMETERS, max_steps=6, data_collection_period=period,
                          number_processes=processes, display_progress=False, **kwargs)


def same(rows: list[dict], expected: list[dict]) -> None:
    """The same rows, whatever order the runs finished in (missing values compare equal)."""
    def table(rows):
        return pd.DataFrame(rows).sort_values(["RunId", "Step"]).reset_index(drop=True)

    assert len(rows) == len(expected)
    pd.testing.assert_frame_equal(table(rows), table(expected), check_exact=True)


def by_run(rows: list[dict]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for row in rows:
        out.setdefault(row["RunId"], []).append(row)
    return out


def test_every_run_gives_its_rows_at_the_collected_steps(start_method):
    rows = batch()
    runs = by_run(rows)
    assert len(runs) == 2 * 2 * len(SEEDS) and len(rows) == 3 * len(runs)
    for run in runs.values():
        assert [row["Step"] for row in run] == [0, 3, 6]
    # The swept parameter is intact (the metric "readiness" sits beside it, its own value).
    assert {(r["road"], r["initial_readiness"]) for r in rows} == {(road, x) for road in ("status_quo", "mission")
                                                                  for x in (0.3, 0.7)}
    assert all(r["n_employees"] == 40 and r["readiness"] not in (0.3, 0.7) for r in rows)
    for run in runs.values():
        assert len({r["initial_readiness"] for r in run}) == 1


@pytest.mark.parametrize("period, steps", [(1, [0, 1, 2, 3, 4, 5, 6]), (2, [0, 2, 4, 6]), (-1, [6])])
def test_the_collection_period_picks_the_steps(start_method, period, steps):
    rows = batch(period=period, rng=[4])
    assert len(rows) == 4 * len(steps)
    for run in by_run(rows).values():
        assert [row["Step"] for row in run] == steps


def test_the_steps_recorded_are_the_models_steps():
    model = CentricityModel(seed=1, **SMALL)
    model.run(4)
    assert model.datacollector._collection_steps == [0, 1, 2, 3, 4]
    assert len(model.results()) == 5


def test_each_row_carries_the_seed_its_run_used(start_method):
    rows = batch()
    for row in rows:
        assert row["seed"] == SEEDS[row["iteration"]]
    # Seeds drawn by the model (rng None) are recorded too, not the None batch_run passed.
    with pytest.warns(DeprecationWarning, match="iterations"):
        drawn = batch(rng=None, iterations=2)
    seeds = {run[0]["iteration"]: {r["seed"] for r in run} for run in by_run(drawn).values()}
    assert all(len(s) == 1 and isinstance(next(iter(s)), int) for s in seeds.values())
    assert len({next(iter(s)) for s in seeds.values()}) == 2


def test_the_seed_is_no_column_of_results():
    model = CentricityModel(seed=7, **SMALL)
    model.run(2)
    assert "seed" not in model.results().columns and model.seed == 7
    assert model.datacollector.get_model_vars_dataframe()["seed"].tolist() == [7, 7, 7]


def test_replicates_differ_and_repeat(start_method):
    rows = batch()
    last = {(r["road"], r["initial_readiness"], r["seed"]): r["profit"] for r in rows if r["Step"] == 6}
    for road in ("status_quo", "mission"):
        for readiness in (0.3, 0.7):
            assert len({last[(road, readiness, s)] for s in SEEDS}) == len(SEEDS)
    same(batch(), rows)


def test_two_processes_give_the_same_rows_as_one(start_method):
    same(batch(processes=2), batch(processes=1))


# ---------------------------------------------------------------------- Mesa 3's rng keyword

def test_rng_is_the_seed():
    by_rng, by_seed = CentricityModel(rng=5, **SMALL), CentricityModel(seed=5, **SMALL)
    for model in (by_rng, by_seed):
        model.run(3)
    assert by_rng.seed == by_seed.seed == 5
    pd.testing.assert_frame_equal(by_rng.results(), by_seed.results())
    assert "rng" in inspect.signature(CentricityModel).parameters
    assert CentricityModel.settled(rng=5, **SMALL).seed == 5
    assert CentricityModel.from_config({"rng": 5, "organisation": SMALL}).seed == 5


def test_rng_may_be_none_or_a_numpy_generator():
    drawn = CentricityModel(rng=None, **SMALL)
    assert isinstance(drawn.seed, int) and drawn.seed >= 0
    a = CentricityModel(rng=np.random.default_rng(11), **SMALL)
    b = CentricityModel(rng=np.random.default_rng(11), **SMALL)
    assert a.seed == b.seed and a.seed != CentricityModel(rng=np.random.default_rng(12), **SMALL).seed
    assert CentricityModel(seed=np.random.default_rng(11), **SMALL).seed == a.seed


@pytest.mark.parametrize("kwargs, message", [
    ({"seed": 1, "rng": 2}, "seed=1 and rng=2 both given: give one of them"),
    ({"seed": None, "rng": 2}, "seed=None and rng=2 both given"),
    ({"rng": -1}, "parameter 'rng' = -1 is out of range"),
    ({"rng": 1.5}, "parameter 'rng' = 1.5 must be a whole number"),
    ({"rng": "abc"}, "parameter 'rng' = 'abc' must be a number"),
])
def test_a_wrong_rng_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        CentricityModel(**kwargs, **SMALL)


# ---------------------------------------------------------------------- parameters and metrics apart

def test_no_parameter_is_named_like_a_metric():
    """batch_run merges a run's keywords and its metrics into one row: no name may be both.

    (A road's own parameters, ``pressure`` and ``monitoring``, share names with metrics, but they
    come inside ``road_params``, a dict, not as keywords of their own.)
    """
    model = CentricityModel(seed=1, **SMALL)
    model.run(1)
    keywords = set(inspect.signature(CentricityModel).parameters)
    parameters = {name for cls in GROUPS.values() for name in describe(cls)}
    assert parameters <= keywords
    metrics = set(model.current) | set(model.results().columns)
    assert not keywords & metrics
    assert not {"RunId", "iteration", "Step"} & metrics
    assert keywords & set(model.datacollector.model_vars) == {"seed"}   # the same value: the seed the run used
    for group, names in RENAMED.items():
        assert set(names) <= metrics and not set(names) & set(describe(GROUPS[group]))
        assert set(names.values()) <= set(describe(GROUPS[group]))


@pytest.mark.parametrize("old, new", [(old, new) for names in RENAMED.values() for old, new in names.items()])
def test_an_old_parameter_name_says_the_new_one(old, new):
    group = next(g for g, names in RENAMED.items() if old in names)
    with pytest.raises(ValueError, match=f"^parameter '{old}' was renamed '{new}' \\(the metric '{old}' keeps the name\\)$"):
        CentricityModel(**{old: 0.1}, **SMALL)
    with pytest.raises(ValueError, match=f"^parameter '{group}.{old}' was renamed '{group}.{new}'"):
        CentricityModel(**{group: {old: 0.1}}, **SMALL)
    with pytest.raises(ValueError, match=f"^parameter '{group}.{old}' was renamed '{group}.{new}'"):
        CentricityModel.from_config({group: {old: 0.1}})
