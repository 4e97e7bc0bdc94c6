"""Every lever moves what its mechanism says and costs what its price says, paired by seed.

Levers are pulled through the ``custom`` road (a schedule from week 1), so each effect
below is the engine's, the same for any road. Dick Lee's seven coping levers (seed 001) are
also set the way a scenario sets them, as the organisation's business as usual.
"""

import numpy as np
import pandas as pd
import pytest

from sim import CentricityModel
from sim.levers import LEVERS, lever_costs

SIZE = {"n_employees": 80, "n_customers": 1200, "burn_in_weeks": 8}
SEEDS = range(3)
WEEKS = 52
LATE = slice(14, None)

_cache = {}


def results(levers=(), weeks=WEEKS, **params):
    """Per seed: the results with ``levers`` (pairs) held from week 1, or business as usual."""
    key = (tuple(levers), weeks, tuple(sorted(params.items())))
    if key not in _cache:
        out = []
        for s in SEEDS:
            if levers:
                plan = pd.DataFrame({"week": [1], **{k: [v] for k, v in levers}})
                m = CentricityModel(road="custom", road_params={"schedule": plan}, seed=s, **SIZE, **params)
            else:
                m = CentricityModel(seed=s, **SIZE, **params)
            m.run(weeks)
            out.append(m.results())
        _cache[key] = out
    return _cache[key]


def effect(column, levers=(), weeks=LATE, baseline=(), **params):
    """Per seed: mean of ``column`` with the levers minus with ``baseline`` (business as usual)."""
    on, off = results(tuple(levers), **params), results(tuple(baseline), **params)
    return np.array([a[column].iloc[weeks].mean() - b[column].iloc[weeks].mean() for a, b in zip(on, off, strict=True)])


# (levers, what they move: column, sign and weeks (default 14 on), the ledger line that pays)
LEVER_EFFECTS = [
    ((("monitoring", 0.8),), [("share_compliance", +1)], "cost_programme"),
    ((("mission_messaging", 1.0), ("espoused_customer", 0.6), ("espoused_efficiency", 0.2), ("espoused_profit", 0.2)),
     [("heard_customer_value", +1), ("identification", +1)], "cost_programme"),
    ((("champions", 0.1),), [("champions", +1), ("affective", +1)], "cost_programme"),
    ((("participation", 1.0),), [("affective", +1), ("workload_front_line", +1)], None),
    ((("training", 3.0),), [("skill", +1), ("readiness", +1)], "cost_training"),
    ((("brand_promise", 0.2),), [("expectation", +1), ("customers_acquired", +1, slice(1, 9)), ("satisfaction", -1)],
     "cost_promotion"),
    ((("promotion", 2.0),), [("customers_acquired", +1)], "cost_promotion"),
    ((("nudging", 1.0),), [("purchases", +1)], "cost_analytics"),
    ((("targeted_offers", 1.0),), [("purchases", +1)], "cost_analytics"),
    ((("self_service_push_low", 0.8), ("self_service_push_middle", 0.5)), [("self_service_resolved", +1)], "cost_analytics"),
    ((("operations", 3.0),), [("defect_rate", -1)], "cost_operations"),
    ((("process_improvement", 1.0),), [("process_quality", +1), ("defect_rate", -1)], "cost_programme"),
    ((("job_research", 1.0),), [("process_fit", +1), ("centricity_needs_met", +1)], "cost_programme"),
    ((("integration_target", 2), ("ladder_pace", 4)), [("integration_level", +1), ("service_quality", +1)], "cost_programme"),
    ((("minimise_complaints", 1.0),), [("process_quality", +1), ("defect_rate", -1)], "cost_programme"),
    ((("promotion_to_operations", 1.0),), [("defect_rate", -1), ("customers_acquired", -1)], None),
    ((("streamline", 1.0),), [("workload_front_line", -1), ("service_quality", +1)], "cost_programme"),
    ((("information_online", 1.0),), [("self_service_resolved", +1)], "cost_programme"),
    ((("separate_web_retail", 1.0),), [("service_quality", +1)], "cost_programme"),
    ((("differentiate_expectations", 1.0),), [("process_fit", +1), ("satisfaction", +1)], "cost_programme"),
]


@pytest.mark.parametrize("levers, moves, pays", LEVER_EFFECTS, ids=[lv[0][0] for lv, _, _ in LEVER_EFFECTS])
def test_a_lever_moves_its_mechanism_and_is_paid_for(levers, moves, pays):
    for column, sign, *weeks in moves:
        assert (sign * effect(column, levers, weeks=weeks[0] if weeks else LATE) > 0).all(), column
    if pays is not None:
        assert (effect(pays, levers, weeks=slice(1, None)) > 0).all(), pays
    else:   # paid in time, not money: the work left to the others
        assert (effect("workload_front_line", levers) > 0).all() or (effect("customers_acquired", levers) < 0).all()


def test_every_priced_lever_is_in_the_lever_space_and_every_lever_has_a_price():
    from sim.levers import LEVER_EFFECTS as PRICES
    from sim.levers import AtUsual, Policy

    policy = Policy()
    policy.put_in_force(AtUsual(1.0, 1.0, 1.0, 1.0))
    priced = set(lever_costs(policy, 1, 1, 1.0, 0, 0.0, 0, PRICES.defaults)) - {"rfm_tiering", "integration_ladder"}
    assert priced <= set(LEVERS)
    for name, spec in LEVERS.items():
        assert spec["doc"] and spec["cost"], name


def test_information_levers_cost_money_and_change_nothing_by_themselves():
    """A pulse survey or an early-warning system only informs a road; without one reading them they are pure cost."""
    informed = results((("employee_survey", 1.0), ("early_warning_system", 1.0)))
    plain = results()
    for a, b in zip(informed, plain, strict=True):
        pd.testing.assert_series_equal(a.satisfaction, b.satisfaction)
        assert (a.cost_programme.iloc[1:] > b.cost_programme.iloc[1:]).all()
        assert (a.cost_analytics.iloc[1:] > b.cost_analytics.iloc[1:]).all()


def test_optimising_the_firms_own_process_drifts_fit_away_from_the_customers_job():
    own = (("process_improvement", 1.0), ("own_process_focus", 1.0))
    customer = (("process_improvement", 1.0), ("own_process_focus", 0.0))
    assert (effect("process_fit", own) < 0).all()
    assert (effect("process_fit", customer) == 0).all()
    assert (effect("process_quality", own, baseline=customer) > 0).all(), "the firm's own process improves faster"


def test_job_research_redesigns_processes_at_the_cost_of_their_polish():
    """Seed 000: aligning to the customer's job 'begins as inefficient effectiveness'."""
    dmaic = (("process_improvement", 1.0),)
    both = (("process_improvement", 1.0), ("job_research", 1.0))
    assert (effect("process_quality", both, baseline=dmaic) < 0).all()
    assert (effect("process_fit", both, baseline=dmaic) > 0).all()


def test_freed_capacity_and_right_sizing_cut_headcount_and_the_survivors_commitment():
    dmaic = (("process_improvement", 1.0),)
    cut = (("process_improvement", 1.0), ("capacity_cut", 1.0))
    assert (effect("headcount", cut, baseline=dmaic) < 0).all()
    assert (effect("affective", cut, baseline=dmaic) < 0).all()
    assert (effect("cost_severance", cut, baseline=dmaic, weeks=slice(1, None)) > 0).all()
    assert (effect("headcount", (("right_sizing", 1.0), ("right_sizing_workload", 1.5))) < 0).all()


def test_an_unprepared_matrix_goes_badly_wrong():
    """Seed 004: climbing to matrix reporting without living through rungs 1-2 strains and fails."""
    rushed = (("integration_target", 3), ("ladder_pace", 1))
    careful = (("integration_target", 3), ("ladder_pace", 16))
    weeks = slice(60, None)
    rush, care = results(rushed, weeks=90), results(careful, weeks=90)
    for a, b in zip(rush, care, strict=True):
        assert a.integration_level.iloc[-1] == b.integration_level.iloc[-1] == 3
        assert a.integration_maturity.iloc[-1] < b.integration_maturity.iloc[-1]
        assert a.felt_tension.iloc[weeks].mean() > b.felt_tension.iloc[weeks].mean()


def test_priority_routing_serves_the_top_tier_better_than_the_low_tier():
    levers = (("priority_staff_share", 0.3),)
    top, low = effect("satisfaction_top", levers), effect("satisfaction_low", levers)
    assert (top > low).all()


def test_playing_it_straight_halves_what_brand_promises_and_nudges_do():
    promise = (("brand_promise", 0.2),)
    straight = (("brand_promise", 0.2), ("play_it_straight", 1.0))
    assert (effect("expectation", straight, baseline=promise) < 0).all()
    # Acquisition is a Poisson count of a few a week: over three seeds, fewer on average.
    assert effect("customers_acquired", straight, baseline=promise, weeks=slice(1, 9)).mean() < 0
    nudges = (("nudging", 1.0),)
    honest = (("nudging", 1.0), ("play_it_straight", 1.0))
    assert (effect("trust", honest, baseline=nudges) > 0).all()
    assert (effect("purchases", honest, baseline=nudges, weeks=slice(1, 14)) < 0).all()


def test_coping_levers_set_by_a_scenario_are_its_business_as_usual():
    m = CentricityModel(road="mission", streamline=True, minimise_complaints=0.5, **SIZE)
    m.run(3)
    applied = m.levers_applied()
    assert (applied.streamline == 1.0).all() and (applied.minimise_complaints == 0.5).all()
    assert (applied.play_it_straight == 0.0).all()


def test_integration_ladder_reduces_handoff_failures():
    """Higher rungs at the start: fewer failed hand-offs across functions, so better service."""
    start_high = results(initial_integration_level=4)
    start_low = results()
    gain = np.array([a.service_quality.iloc[LATE].mean() - b.service_quality.iloc[LATE].mean()
                     for a, b in zip(start_high, start_low, strict=True)])
    assert (gain > 0).all()


def test_self_service_deflects_easy_questions_and_escalates_the_rest():
    none = results(self_service=False)
    kb = results()
    for a, b in zip(none, kb, strict=True):
        assert a.self_service_resolved.sum() == 0 and a.escalations.sum() == 0
        assert b.self_service_resolved.iloc[1:].sum() > 0 and b.escalations.iloc[1:].sum() > 0
        assert a.person_contacts.iloc[1:].mean() > b.person_contacts.iloc[1:].mean()


def test_activists_broadcast_widest():
    many, few = results(activist_share=0.5), results()
    for a, b in zip(many, few, strict=True):
        assert a.wom_negative.iloc[LATE].mean() > b.wom_negative.iloc[LATE].mean()
        assert a.wom_broadcast.iloc[LATE].mean() > b.wom_broadcast.iloc[LATE].mean()
