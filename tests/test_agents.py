"""Mesa agent views: attributes are rows of the model's arrays."""

import mesa
import numpy as np

from sim.agents import Customer, Employee
from sim.employees import SUPPORT_STATES
from sim.management import Management
from tests.helpers import tiny_model


def test_views_are_created_only_when_asked_for():
    model = tiny_model()
    assert [type(a) for a in mesa.Model.agents.fget(model)] == [Management]
    employees = model.agents_by_type[Employee]
    assert len(employees) == model.workforce.headcount()
    assert len(model.agents_by_type[Customer]) == model.customers.people.n_active


def test_attributes_read_and_write_the_arrays():
    model = tiny_model()
    e = next(iter(model.agents_by_type[Employee]))
    assert e.affective == model.workforce.people.affective[e.row]
    assert e.support_state in SUPPORT_STATES
    e.affective = 0.9
    assert model.workforce.people.affective[e.row] == 0.9
    c = next(iter(model.agents_by_type[Customer]))
    assert c.satisfaction == model.customers.people.satisfaction[c.row]
    assert c.tier in ("top", "middle", "low")
    np.testing.assert_allclose(sum(e.values), 1.0)


def test_agentset_operations_work_as_in_any_mesa_model():
    model = tiny_model()
    employees = model.agents_by_type[Employee]
    mean = employees.agg("engagement", np.mean)
    assert abs(mean - model.workforce.people.engagement[model.workforce.rows()].mean()) < 1e-12
    champions = employees.select(lambda a: a.support_state == "championing")
    assert len(champions) == int((model.workforce.people.support_state[model.workforce.rows()] == 4).sum())


def test_departed_agents_leave_the_agentset_and_their_rows_are_dropped_in_time():
    model = tiny_model(road="engineering")
    views = {a.agent_id: a for a in model.agents_by_type[Employee]}
    model.run(40)
    after = {a.agent_id for a in model.agents_by_type[Employee]}
    gone = sorted(set(views) - after)
    assert gone, "engineering cuts headcount, so some employees must have left"
    assert not any(views[i].present for i in gone)
    people = model.workforce.people
    rows = people.rows_of(gone)
    held = rows[rows >= 0]     # left since the last drop: masked, their week of leaving kept
    assert not people.active[held].any() and (people.left_week[held] > 0).all()
    assert (rows < 0).any(), "40 weeks of cuts drop the rows of those who left"
    assert len(after) == model.workforce.headcount()


def test_masked_writes_touch_only_present_rows_and_cast_like_copyto():
    """``put_where`` (the weekly masked write) gives what ``np.copyto(where=)`` gives, casts included."""
    from sim.arrays import put_where

    rng = np.random.default_rng(4)
    here = rng.random(1000) < 0.6
    for dtype, value in ((np.float64, rng.random(1000)), (np.int8, rng.integers(0, 5, 1000))):
        expected = np.full(1000, 7, dtype=dtype)
        np.copyto(expected, value, where=here)
        got = np.full(1000, 7, dtype=dtype)
        put_where(got, here, value)
        assert np.array_equal(got, expected)
        assert (got[~here] == 7).all()
    # A 2-D column (held values) is written whole rows at a time.
    value = rng.random((1000, 3))
    got = np.zeros((1000, 3))
    put_where(got, here, value)
    assert np.array_equal(got[here], value[here]) and (got[~here] == 0).all()
