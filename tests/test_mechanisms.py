"""Single mechanisms: RFM tiers, turnover and hiring, peer influence, two-layer satisfaction."""

import numpy as np

from sim import CentricityModel
from sim.customers import CUSTOMER_EFFECTS, SEGMENTS
from tests.helpers import tiny_model


def test_rfm_tiers_are_20_30_50_and_ordered_by_value():
    model = tiny_model(n_customers=2000)
    model.run(13)   # re-scored at week 13
    p = model.customers.people
    rows = p.active_rows()
    tier = p.tier[rows]
    shares = np.bincount(tier, minlength=3) / len(rows)
    np.testing.assert_allclose(shares, [0.2, 0.3, 0.5], atol=0.02)
    value = [p.value[rows][tier == t].mean() for t in range(3)]
    assert value[0] > value[1] > value[2]
    assert p.rfm_score[rows].min() >= 3 and p.rfm_score[rows].max() <= 15


def test_turnover_and_hiring_keep_seats_filled():
    calm = tiny_model(turnover_rate=0.05, seed=2)
    churny = tiny_model(turnover_rate=0.6, seed=2)
    calm.run(52)
    churny.run(52)
    a, b = calm.results(), churny.results()
    assert b.leavers.sum() > 3 * a.leavers.sum()
    assert b.hires.sum() > 3 * a.hires.sum()
    assert b.headcount.min() >= 0.85 * b.headcount.iloc[0]   # vacancies are refilled
    e = churny.workforce.people
    assert e.n > churny.workforce.network.n_seats            # newcomers get new ids
    assert (e.tenure[churny.workforce.rows()] < 52).mean() > 0.3


def test_peer_influence_spreads_commitment_to_those_the_mission_does_not_reach():
    """The mission moves employees whose values fit; through the network, the others follow a little."""
    from sim.employees import EMPLOYEE_EFFECTS
    from sim.roads.mission import Mission

    gains = []
    for s in range(3):
        shifts = []
        for k in (0.0, 0.2):
            m = CentricityModel(road="mission", seed=s, n_employees=120, n_customers=600, burn_in_weeks=4, peer_influence=k)
            m.run(52)
            e, rows = m.workforce.people, m.workforce.rows()
            fit = 1.0 - 0.5 * np.abs(e.values[rows] - Mission.espoused).sum(1)
            untouched = rows[fit < EMPLOYEE_EFFECTS.mission_fit_threshold]
            shifts.append((e.affective[untouched] - e.affective_rest[untouched]).mean())
        gains.append(shifts[1] - shifts[0])
    assert (np.array(gains) > 0).all()


def test_satisfaction_weighs_the_layers_by_segment_needs():
    """Worse personable service hurts the advice-seeking segment most (seed 003, Ulwick)."""
    model = tiny_model(n_customers=3000)
    cb = model.customers
    rows = cb.people.active_rows()
    before = cb.performance(rows)
    cb.people.perceived_functional[rows] -= 0.2
    drop = before - cb.performance(rows)
    seg = cb.people.segment[rows]
    by_segment = np.array([drop[seg == s].mean() for s in range(len(SEGMENTS))])
    assert np.argmax(by_segment) == int(np.argmax(CUSTOMER_EFFECTS.segment_need_person))
    np.testing.assert_allclose(by_segment, 0.2 * np.array([cb.people.need_person[rows][seg == s].mean()
                                                            for s in range(len(SEGMENTS))]))


def test_ranks_reached_places_every_element_as_a_stable_sort_would():
    """The linear-time tiering (selection plus one pass) equals ranking by a stable sort, ties included."""
    from sim.accounting import ranks_reached
    rng = np.random.default_rng(11)
    for n in (1, 2, 5, 37, 400):
        for x in (rng.normal(size=n), rng.integers(0, 4, size=n).astype(float)):   # ties in the second
            ranks = np.empty(n, dtype=np.int64)
            ranks[np.argsort(x, kind="stable")] = np.arange(n)
            cuts = sorted({0, 1, n // 3, n // 2, n - 1, n, n + 2})
            expected = (ranks[:, None] >= np.array(cuts)[None, :]).sum(axis=1)
            assert ranks_reached(x, cuts).tolist() == expected.tolist(), (n, cuts)
