"""The rows of those who left are dropped, and nothing else changes.

Customers and employees who leave are masked, and once they outnumber a tenth of those present
their rows are dropped at the start of a week (``Population.compact``): the rows held stay
bounded by the agents present, so a week of a long run costs what a week of a short one does.
Every draw is keyed by id or seat, so a run that drops rows every week gives the same results,
bit for bit, as one that never does.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

import sim.population
from sim import CentricityModel
from sim.agents import Customer, Employee
from sim.networks import EMPTY, GONE
from sim.population import Population
from sim.roads import ROADS
from tests.helpers import road_params_of

#: High churn and turnover, activists and a short burn-in: many leave, every mechanism acts.
BUSY = {"n_employees": 100, "n_customers": 1200, "burn_in_weeks": 6, "base_churn_rate": 0.6, "turnover_rate": 0.6,
        "activist_share": 0.3}


def busy_run(road: str, departed_share: float, weeks: int = 40, monkeypatch=None):
    monkeypatch.setattr(sim.population, "DEPARTED_SHARE", departed_share)
    model = CentricityModel(road=road, road_params=road_params_of(road), seed=11, **BUSY)
    model.run(weeks)
    return model


def fingerprint(model) -> str:
    record = model.results().to_numpy().tobytes() + model.levers_applied().to_numpy().tobytes()
    return hashlib.sha256(record).hexdigest()


def test_compact_moves_the_rows_kept_up_in_id_order_and_says_where_each_went():
    pop = Population({"x": (np.float64, 0.0), "pair": (np.int32, 0, 2)}, capacity=4)
    rows = pop.add(5)
    pop.x[rows] = [10.0, 11.0, 12.0, 13.0, 14.0]
    pop.pair[rows] = np.arange(10).reshape(5, 2)
    pop.remove(np.array([0, 3]))
    moved = pop.compact()
    assert moved.tolist() == [-1, 0, 1, -1, 2]
    assert pop.n == 3 and pop.n_active == 3 and pop.n_departed == 0
    assert pop.ids[:3].tolist() == [1, 2, 4]
    assert pop.x[:3].tolist() == [11.0, 12.0, 14.0]
    assert pop.pair[:3].tolist() == [[2, 3], [4, 5], [8, 9]]
    # Newcomers get new ids, never a dropped one, and their rows follow the kept ones.
    assert pop.add(2).tolist() == [3, 4]
    assert pop.ids[:5].tolist() == [1, 2, 4, 5, 6]
    assert pop.rows_of([4, 0, 6, 99]).tolist() == [2, -1, 4, -1]


def test_a_population_pickled_after_compacting_keeps_its_ids():
    import pickle

    pop = Population({"x": (np.float64, 0.0)})
    pop.add(4)
    pop.remove(np.array([1]))
    pop.compact()
    back = pickle.loads(pickle.dumps(pop))
    assert back.ids[: back.n].tolist() == [0, 2, 3] and back.next_id == 4
    assert back.add(1).tolist() == [3] and back.ids[3] == 4


@pytest.mark.parametrize("road", sorted(ROADS))
def test_dropping_rows_every_week_changes_no_result(road, monkeypatch):
    """Rows dropped whenever anyone left (share 0) against never (share 1e9): the same run, bit for bit."""
    never = busy_run(road, 1e9, monkeypatch=monkeypatch)
    always = busy_run(road, 0.0, monkeypatch=monkeypatch)
    assert never.customers.people.n > 1.5 * always.customers.people.n    # rows were dropped
    assert never.workforce.people.n > always.workforce.people.n
    assert fingerprint(always) == fingerprint(never)


def test_the_rows_held_stay_within_a_tenth_of_those_present(monkeypatch):
    monkeypatch.setattr(sim.population, "DEPARTED_SHARE", 0.1)
    model = CentricityModel(seed=2, **BUSY)
    for _ in range(60):
        model.step()
        for pop in (model.customers.people, model.workforce.people):
            # Dropped at the start of the week: what a week adds on top is its own leavers.
            left_this_week = pop.n - pop.n_active
            assert pop.n_departed == left_this_week
            assert pop.n - left_this_week <= 1.1 * pop.n_active + left_this_week + 1
    assert model.customers.people.n < 1.4 * model.customers.people.n_active


def test_ties_follow_their_customers_and_ties_to_dropped_rows_are_gone(monkeypatch):
    monkeypatch.setattr(sim.population, "DEPARTED_SHARE", 1e9)
    model = CentricityModel(seed=4, **BUSY)
    model.run(20)
    p, net = model.customers.people, model.customers.network
    ids_before = p.ids[: p.n].copy()
    # Each tie as (customer id, slot) -> the id told (or EMPTY).
    ties_before = np.where(net.ties[: p.n] >= 0, ids_before[np.maximum(net.ties[: p.n], 0)], net.ties[: p.n])
    present_before = p.active[: p.n].copy()
    monkeypatch.setattr(sim.population, "DEPARTED_SHARE", 0.0)
    assert model.customers.drop_departed()
    kept = ids_before[present_before]
    assert p.ids[: p.n].tolist() == kept.tolist()
    after = net.ties[: p.n]
    expected = ties_before[present_before]
    told = expected >= 0
    still_here = np.isin(expected, kept)
    # A tie to someone kept points at their new row; a tie to someone dropped is GONE; empty stays empty.
    np.testing.assert_array_equal(p.ids[after[told & still_here]], expected[told & still_here])
    assert (after[told & ~still_here] == GONE).all()
    assert (after[expected == EMPTY] == EMPTY).all()
    assert np.isin(model.customers.by_segment.ids, np.arange(p.n)).all()


def test_a_mesa_view_follows_its_agent_when_rows_move(monkeypatch):
    monkeypatch.setattr(sim.population, "DEPARTED_SHARE", 0.0)
    model = CentricityModel(seed=3, **BUSY)
    customers = {c.agent_id: c for c in model.agents_by_type[Customer]}
    employees = {e.agent_id: e for e in model.agents_by_type[Employee]}
    model.run(8)
    p = model.customers.people
    stayed = [i for i, c in customers.items() if c.present]
    left = [i for i, c in customers.items() if not c.present]
    assert stayed and left and p.ids[0] > 0        # rows moved: the first row is no longer customer 0
    for i in stayed[:50]:
        row = int(np.flatnonzero(p.ids[: p.n] == i)[0])
        assert customers[i].row == row and customers[i].satisfaction == p.satisfaction[row]
    with pytest.raises(LookupError, match="has left"):
        customers[left[0]].satisfaction    # noqa: B018
    # The views Mesa holds are those of the agents present.
    assert {c.agent_id for c in model.agents_by_type[Customer]} == set(p.ids[p.active_rows()].tolist())
    assert len(model.agents_by_type[Employee]) == model.workforce.people.n_active
    assert any(not e.present for e in employees.values())
