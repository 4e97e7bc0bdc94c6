"""Invariants that hold for every road, every week."""

import numpy as np
import pytest

from sim import ROADS
from sim.accounting import COST_LINES
from sim.employees import SUPPORT_STATES
from sim.measurement import REQUIRED
from sim.population import NEVER
from tests.helpers import tiny_model

WEEKS = 52


@pytest.fixture(scope="module", params=list(ROADS))
def finished(request):
    model = tiny_model(road=request.param, seed=11)
    model.run(WEEKS)
    return model, model.results()


def test_one_row_per_week_with_every_required_column(finished):
    _, df = finished
    assert list(df.index) == list(range(WEEKS + 1))
    assert df.index.name == "step"
    missing = set(REQUIRED) - set(df.columns)
    assert not missing


def test_no_missing_values(finished):
    _, df = finished
    assert not df.isna().any().any(), df.columns[df.isna().any()].tolist()


def test_support_shares_sum_to_one(finished):
    _, df = finished
    shares = df[[f"share_{s}" for s in SUPPORT_STATES]]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0, atol=1e-12)
    assert (shares >= 0).all().all()


def test_indices_stay_in_their_ranges(finished):
    _, df = finished
    for col in ("customer_centricity", "value_tension", "satisfaction", "complaint_rate", "churn_rate",
                "satisfaction_top", "satisfaction_middle", "satisfaction_low", "trust", "affective",
                "readiness", "identification", "engagement"):
        assert df[col].between(0, 1).all(), col
    assert df.nps.between(-100, 100).all()
    assert (df.efficiency > 0).all()
    assert (df.early_warnings >= 0).all()


def test_money_adds_up(finished):
    _, df = finished
    np.testing.assert_allclose(df.profit, df.revenue - df.costs, rtol=0, atol=1e-6)
    np.testing.assert_allclose(df.costs, df[[f"cost_{c}" for c in COST_LINES]].sum(axis=1), atol=1e-6)
    assert (df[[f"cost_{c}" for c in COST_LINES]] >= 0).all().all()


def test_customers_are_conserved(finished):
    model, df = finished
    p = model.customers.people
    # Rows held: those present and those who left since their rows were last dropped.
    churned_held = int((p.churned_week[: p.n] != NEVER).sum())
    assert churned_held == p.n_departed
    assert (np.diff(p.ids[: p.n]) > 0).all(), "rows are held in id order, each id once"
    assert p.n_active + model.customers.ever_lost == model.customers.ever_acquired == p.next_id
    flows = df.customers_acquired - df.customers_churned
    np.testing.assert_array_equal(df.customers_active.diff().iloc[1:], flows.iloc[1:])


def test_employees_are_conserved_and_values_stay_on_the_simplex(finished):
    model, df = finished
    wf = model.workforce
    e = wf.people
    assert wf.headcount() == e.n_active == int(df.headcount.iloc[-1])
    rows = wf.rows()
    np.testing.assert_allclose(e.values[rows].sum(1), 1.0, atol=1e-9)
    assert (e.values[rows] >= 0).all()
    assert (wf.seat_row[~wf.seat_open] == -1).all(), "closed seats must be empty"
