"""Dick Lee's seven coping levers (seed 001), the integration ladder (seed 004) and
self-service deflection (seed 003) each move what they should, paired by seed."""

import numpy as np

from sim import CentricityModel

SIZE = {"n_employees": 80, "n_customers": 1200, "burn_in_weeks": 8}
SEEDS = range(3)

_cache = {}


def results(weeks=52, road="status_quo", **kw):
    out = []
    for s in SEEDS:
        key = (weeks, road, s, tuple(sorted(kw.items())))
        if key not in _cache:
            m = CentricityModel(road=road, seed=s, **SIZE, **kw)
            m.run(weeks)
            _cache[key] = m.results()
        out.append(_cache[key])
    return out


def effect(column, weeks=slice(14, None), road="status_quo", **kw):
    """Per seed: mean of ``column`` with the setting minus without it."""
    on = results(road=road, **kw)
    off = results(road=road)
    return np.array([a[column].iloc[weeks].mean() - b[column].iloc[weeks].mean() for a, b in zip(on, off, strict=True)])


def test_minimise_complaints_removes_causes():
    assert (effect("process_quality", minimise_complaints=1.0) > 0).all()
    assert (effect("defect_rate", minimise_complaints=1.0) < 0).all()


def test_shifting_promotion_into_operations():
    assert (effect("cost_promotion", promotion_to_operations=1.0) < 0).all()
    assert (effect("cost_operations", promotion_to_operations=1.0) > 0).all()
    assert (effect("defect_rate", promotion_to_operations=1.0) < 0).all()
    assert (effect("customers_acquired", promotion_to_operations=1.0) < 0).all()


def test_streamlining_frees_capacity():
    assert (effect("workload_front_line", streamline=True) < 0).all()
    assert (effect("service_quality", streamline=True) > 0).all()


def test_information_online_deflects_more():
    assert (effect("self_service_resolved", information_online=True) > 0).all()


def test_separate_web_and_retail_softens_escalation():
    assert (effect("service_quality", separate_web_retail=True) > 0).all()


def test_differentiating_expectations_improves_fit():
    assert (effect("process_fit", differentiate_expectations=True) > 0).all()
    assert (effect("centricity_needs_met", differentiate_expectations=True) > 0).all()
    assert (effect("satisfaction", differentiate_expectations=True) > 0).all()


def test_playing_it_straight_tempers_promises_and_manipulation():
    assert (effect("expectation", road="mission", play_it_straight=True) < 0).all()
    assert (effect("trust", road="consumer_decision", play_it_straight=True) > 0).all()


def test_integration_ladder_reduces_handoff_failures():
    """Higher rungs: fewer failed hand-offs across functions, so better service."""
    assert (effect("service_quality", integration_level=4) > 0).all()


def test_self_service_deflects_easy_questions_and_escalates_the_rest():
    none = results(self_service=False)
    kb = results()
    for a, b in zip(none, kb, strict=True):
        assert a.self_service_resolved.sum() == 0 and a.escalations.sum() == 0
        assert b.self_service_resolved.iloc[1:].sum() > 0 and b.escalations.iloc[1:].sum() > 0
        assert a.person_contacts.iloc[1:].mean() > b.person_contacts.iloc[1:].mean()


def test_activists_broadcast_widest():
    more = effect("wom_negative", activist_share=0.5)
    assert (more > 0).all()
    assert (effect("wom_broadcast", activist_share=0.5) > 0).all()
