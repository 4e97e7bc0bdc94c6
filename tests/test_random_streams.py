"""Common random numbers: named streams, and identical runs before a road starts."""

import numpy as np
import pandas as pd
import pytest

from sim import ROADS, CentricityModel
from sim.roads import NAMED_ROADS
from sim.streams import RandomStreams
from tests.helpers import TINY, road_params_of, tiny_model

CHANGE_ROADS = [r for r in NAMED_ROADS if r != "status_quo"]


def test_a_slot_gets_the_same_draw_whatever_the_population_size():
    s = RandomStreams(7)
    np.testing.assert_array_equal(s.uniform("churn", 12, 50), s.uniform("churn", 12, 500)[:50])


def test_decisions_and_weeks_get_different_draws():
    s = RandomStreams(7)
    a = s.uniform("churn", 3, 1000)
    assert not np.allclose(a, s.uniform("voice", 3, 1000))
    assert not np.allclose(a, s.uniform("churn", 4, 1000))
    assert not np.allclose(a, RandomStreams(8).uniform("churn", 3, 1000))
    # burn-in weeks are negative and still distinct
    assert not np.allclose(s.uniform("churn", -3, 1000), a)
    assert abs(a.mean() - 0.5) < 0.05


def test_a_stream_reopened_gives_the_same_numbers():
    s = RandomStreams(1)
    first = s.uniform("service_noise", 9, 20)
    s.uniform("service_noise", 10, 5)
    np.testing.assert_array_equal(first, s.uniform("service_noise", 9, 20))


def test_a_keyed_draw_depends_on_the_agent_not_on_who_else_is_drawn_for():
    s = RandomStreams(7)
    everyone = s.at("voice_or_exit", 12, np.arange(1000), columns=2)
    few = np.array([999, 3, 512])
    np.testing.assert_array_equal(s.at("voice_or_exit", 12, few, columns=2), everyone[few])
    assert s.at("talk", 12, np.zeros(0, dtype=np.int64)).shape == (0,)


def test_keyed_draws_are_uniform_and_independent_across_columns_weeks_and_decisions():
    from scipy import stats

    s = RandomStreams(11)
    ids = np.arange(100_000)
    u = s.at("contact_handling", 4, ids, columns=3)
    for column in u.T:
        assert stats.kstest(column, "uniform").pvalue > 0.001
    assert 0.0 < u.min() and u.max() < 1.0
    others = [u[:, 1], u[:, 2], s.at("contact_handling", 5, ids), s.at("talk", 4, ids),
              RandomStreams(12).at("contact_handling", 4, ids), u[1:, 0]]
    for other in others:   # 5 standard errors of a correlation over 100,000 pairs
        assert abs(np.corrcoef(u[: len(other), 0], other)[0, 1]) < 5 / np.sqrt(len(ids))
    z = s.normal_at("hire_traits", 4, ids)
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1.0) < 0.02


def test_same_config_and_seed_give_identical_results():
    a = tiny_model(road="competing_values", seed=5)
    b = tiny_model(road="competing_values", seed=5)
    a.run(30)
    b.run(30)
    pd.testing.assert_frame_equal(a.results(), b.results())


def test_different_seeds_differ():
    a, b = tiny_model(seed=1), tiny_model(seed=2)
    a.run(5)
    b.run(5)
    assert not a.results().equals(b.results())


@pytest.mark.parametrize("road", CHANGE_ROADS)
def test_road_equals_status_quo_before_its_start_week(road):
    start = 9
    sq = tiny_model(seed=4)
    late = tiny_model(road=road, seed=4, start_week=start)
    sq.run(start + 8)
    late.run(start + 8)
    a, b = sq.results(), late.results()
    pd.testing.assert_frame_equal(a.iloc[:start], b.iloc[:start])
    assert not a.iloc[start:].equals(b.iloc[start:]), f"{road} should change something once it starts"


def test_start_week_zero_shares_the_initial_state():
    sq, road = tiny_model(seed=4), tiny_model(road="engineering", seed=4)
    pd.testing.assert_series_equal(sq.results().iloc[0], road.results().iloc[0])


def test_config_round_trip_reproduces_the_run():
    from sim import CentricityModel

    a = tiny_model(road="mission", seed=3, start_week=2, activist_share=0.3)
    b = CentricityModel.from_config(a.config())
    a.run(10)
    b.run(10)
    pd.testing.assert_frame_equal(a.results(), b.results())


@pytest.mark.parametrize("road", list(ROADS))
def test_a_model_from_a_shared_burn_in_runs_exactly_as_a_fresh_one(road):
    CentricityModel.settled(road="status_quo", seed=21, **TINY)    # keeps the settled start
    reused = CentricityModel.settled(road=road, seed=21, start_week=3, road_params=road_params_of(road), **TINY)
    fresh = CentricityModel(road=road, seed=21, start_week=3, road_params=road_params_of(road), **TINY)
    reused.run(25)
    fresh.run(25)
    pd.testing.assert_frame_equal(reused.results(), fresh.results(), check_exact=True)
    assert reused.config() == fresh.config()
    ids = [a.unique_id for a in reused.agents]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("road", ["status_quo", "best_customer"])
def test_a_burn_in_shared_through_files_runs_exactly_as_a_fresh_one(road, tmp_path, monkeypatch):
    import sim.model

    # One process builds the burn-in and leaves it in the folder ...
    monkeypatch.setattr(sim.model, "_SETTLED", sim.model._SettledStarts())
    CentricityModel.settled(seed=24, shared_dir=tmp_path, **TINY)
    (kept,) = tmp_path.glob("settled-seed24-*.pickle")
    # ... another, with nothing in its memory, reuses the file instead of building one.
    monkeypatch.setattr(sim.model, "_SETTLED", sim.model._SettledStarts())
    monkeypatch.setattr(CentricityModel, "__init__", None)
    reused = CentricityModel.settled(road=road, seed=24, start_week=2, shared_dir=tmp_path, **TINY)
    monkeypatch.undo()
    fresh = CentricityModel(road=road, seed=24, start_week=2, **TINY)
    reused.run(20)
    fresh.run(20)
    pd.testing.assert_frame_equal(reused.results(), fresh.results(), check_exact=True)
    assert list(tmp_path.iterdir()) == [kept], "one whole file, no temporaries left"


def test_a_shared_burn_in_is_only_shared_by_the_same_seed_and_parameters():
    base = CentricityModel.settled(seed=22, **TINY)
    assert not CentricityModel.settled(seed=23, **TINY).results().equals(base.results())
    assert not CentricityModel.settled(seed=22, **{**TINY, "activist_share": 0.3}).results().equals(base.results())
