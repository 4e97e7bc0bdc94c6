"""The tension (DOMAIN.md, docs/ODD.md 7.3.6): each value buys something and costs something at
the moment of truth, and centricity reads what employees do and customers experience.

Rewards are moved through the ``custom`` road from week 1 with strong monitoring (so compliance
carries them into the decisions), paired by seed against the same monitoring at business-as-usual
rewards; each assertion holds on every seed.
"""

import numpy as np
import pandas as pd
import pytest

from sim import CentricityModel
from sim.measurement import centricity_components
from sim.service import FOR_CUSTOMER, FOR_EFFICIENCY, FOR_PROFIT

SIZE = {"n_employees": 80, "n_customers": 1200, "burn_in_weeks": 8}
SEEDS = range(3)
WEEKS = 40
LATE = slice(10, None)
WATCHED = {"monitoring": 0.9}
FOR = {"customer": (0.9, 0.05, 0.05), "efficiency": (0.05, 0.9, 0.05), "profit": (0.05, 0.05, 0.9)}

_cache: dict = {}


def runs(rewards=None, **params):
    """Per seed: the results with ``rewards`` (customer, efficiency, profit) held from week 1 under
    strong monitoring, or that monitoring alone."""
    key = (rewards, tuple(sorted(params.items())))
    if key not in _cache:
        levers = dict(WATCHED)
        if rewards is not None:
            levers.update(kpi_customer=rewards[0], kpi_efficiency=rewards[1], kpi_profit=rewards[2])
        plan = pd.DataFrame({"week": [1], **{k: [v] for k, v in levers.items()}})
        out = []
        for s in SEEDS:
            m = CentricityModel(road="custom", road_params={"schedule": plan}, seed=s, **SIZE, **params)
            m.run(WEEKS)
            out.append(m.results().iloc[LATE])
        _cache[key] = out
    return _cache[key]


def effect(column, value, **params):
    """Per seed: the mean of ``column`` with the rewards for ``value`` minus without."""
    on, off = runs(FOR[value], **params), runs(None, **params)
    return np.array([a[column].mean() - b[column].mean() for a, b in zip(on, off, strict=True)])


def share(column, value):
    return np.array([(r[column] / r["tradeoffs"]).mean() for r in runs(FOR[value])])


@pytest.mark.parametrize("value", list(FOR))
def test_rewarding_a_value_makes_the_front_line_decide_for_it(value):
    base = np.array([(r[f"decided_for_{value}"] / r["tradeoffs"]).mean() for r in runs(None)])
    assert (share(f"decided_for_{value}", value) > base + 0.2).all()


def test_deciding_for_the_customer_buys_experience_and_trust_and_costs_concessions_and_time():
    assert (effect("service_quality", "customer") > 0).all()
    assert (effect("trust", "customer") > 0).all()
    assert (effect("cost_concessions", "customer") > 0).all()
    assert (effect("workload_front_line", "customer") > 0).all()
    assert (effect("cost_handling", "customer") > 0).all()
    assert (effect("cross_sales", "customer") < 0).all()       # the sales it does not make


def test_deciding_for_efficiency_saves_time_and_costs_experience_and_repeat_contacts():
    assert (effect("workload_front_line", "efficiency") < 0).all()
    assert (effect("cost_handling", "efficiency") < 0).all()    # a lower cost per contact
    assert (effect("cost_concessions", "efficiency") < 0).all()
    assert (effect("service_quality", "efficiency") < 0).all()
    assert (effect("questions_left_open", "efficiency") > 0).all()
    assert (effect("contacts", "efficiency") > 0).all()          # the open questions are asked again
    assert (effect("centricity_resolution", "efficiency") < 0).all()


def test_deciding_for_profit_sells_and_costs_trust():
    assert (effect("cross_sales", "profit") > 0).all()
    assert (effect("pushes_noticed", "profit") > 0).all()
    assert (effect("trust", "profit") < 0).all()
    assert (effect("cost_concessions", "profit") < 0).all()


def test_time_given_to_customers_is_paid_overtime_only_when_the_front_line_is_busy():
    busy = effect("cost_overtime", "customer", contacts_per_employee=4.0)
    spare = effect("cost_overtime", "customer", contacts_per_employee=12.0)
    assert (busy > 0).all()
    assert (np.abs(spare) < 0.1 * busy).all()


def test_no_reward_mix_is_best_for_profit_and_satisfaction_at_once():
    """Customer rewards buy satisfaction at a price in money; profit rewards buy money at a price in trust."""
    assert (effect("satisfaction", "customer") > effect("satisfaction", "profit")).all()
    assert (effect("profit", "profit") > effect("profit", "customer")).all()


def test_decision_leans_are_probabilities_and_follow_the_rewards_under_compliance():
    m = CentricityModel(seed=1, **SIZE)
    wf, policy = m.workforce, m.management.policy
    rows = wf.front_line_rows()
    usual = wf.decision_leans(rows, policy)
    np.testing.assert_allclose(usual.sum(axis=1), 1.0)
    assert (usual >= 0).all()
    policy.set(kpi_customer=0.9, kpi_efficiency=0.05, kpi_profit=0.05, monitoring=1.0)
    policy.put_in_force(m.management.usual)
    customer = wf.decision_leans(rows, policy)
    assert (customer[:, FOR_CUSTOMER] > usual[:, FOR_CUSTOMER]).all()
    assert (customer[:, FOR_PROFIT] < usual[:, FOR_PROFIT]).all()


def test_the_week_counts_every_hard_question_once_and_resolution_reads_the_contacts():
    m = CentricityModel(seed=4, **SIZE)
    for _ in range(6):
        m.step()
        week, row = m.moments, m.current
        decided = week.decision[week.decision >= 0]
        assert len(decided) == week.tradeoffs
        assert sum(row[f"decided_for_{v}"] for v in ("customer", "efficiency", "profit")) == week.tradeoffs
        assert np.isin(decided, [FOR_CUSTOMER, FOR_EFFICIENCY, FOR_PROFIT]).all()
        # only hard questions answered by a person can be resolved first time
        assert not (week.resolved_first_time & (week.decision < 0)).any()
        _, resolved, _ = centricity_components(m, week, 0.0)
        assert resolved == pytest.approx(week.resolved_first_time.sum() / week.tradeoffs)
        assert row["centricity_resolution"] == resolved


def test_customer_orientation_is_a_disposition_not_this_weeks_rewards():
    """A week after the rewards swing to the customer, orientation has barely moved (held values
    move by socialisation over months); what employees decide has moved at once."""
    for s in SEEDS:
        plan = pd.DataFrame({"week": [1], "kpi_customer": [0.9], "kpi_efficiency": [0.05], "kpi_profit": [0.05],
                             "monitoring": [0.9]})
        swung = CentricityModel(road="custom", road_params={"schedule": plan}, seed=s, **SIZE)
        usual = CentricityModel(road="custom", road_params={"schedule": plan[["week", "monitoring"]]}, seed=s, **SIZE)
        swung.run(1)
        usual.run(1)
        a, b = swung.results().iloc[-1], usual.results().iloc[-1]
        assert abs(a.orientation - b.orientation) < 0.01
        assert a.decided_for_customer / a.tradeoffs > b.decided_for_customer / b.tradeoffs + 0.2
