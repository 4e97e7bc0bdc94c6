"""Each road moves the organisation in the direction DOMAIN.md describes (paired by seed)."""

import numpy as np

from sim import ROADS, CentricityModel
from sim.early_warning import EarlyWarningMonitor
from sim.roads import NAMED_ROADS

SIZE = {"n_employees": 100, "n_customers": 1500, "burn_in_weeks": 26}
SEEDS = range(4)

_cache = {}


def results(road, seed, **kw):
    key = (road, seed, tuple(sorted(kw.items())))
    if key not in _cache:
        m = CentricityModel(road=road, seed=seed, **SIZE, **kw)
        m.run(104)
        _cache[key] = m.results()
    return _cache[key]


def diff(road, column, weeks=slice(53, 105)):
    """Road minus status quo, mean over ``weeks``, one value per seed."""
    return np.array([results(road, s)[column].iloc[weeks].mean() - results("status_quo", s)[column].iloc[weeks].mean()
                     for s in SEEDS])


def test_every_road_declares_documented_parameters():
    for name, cls in ROADS.items():
        assert cls.name == name and cls.title and cls.summary and cls.watch_for
        for p, spec in cls.declared().items():
            assert spec["doc"], (name, p)
            assert spec["low"] is None or spec["low"] <= spec["default"] <= spec["high"], (name, p)
            assert spec["low"] is not None or isinstance(spec["default"], (bool, str)), (name, p)


def test_engineering_cuts_defects_and_buys_compliance_not_commitment():
    assert (diff("engineering", "defect_rate") < 0).all()
    assert (diff("engineering", "share_compliance") > 0.2).all()
    assert (diff("engineering", "affective") < 0).all()
    assert (diff("engineering", "headcount") < 0).all()
    assert (diff("engineering", "customer_centricity") < 0).all()


def test_mission_raises_identification_where_values_fit_and_raises_expectations():
    """Identification rises among employees whose values already fit the mission; others comply."""
    gains = []
    for s in SEEDS:
        mission = CentricityModel(road="mission", seed=s, **SIZE)
        sq = CentricityModel(seed=s, **SIZE)
        mission.run(52)
        sq.run(52)
        fit = []
        for m in (mission, sq):
            e, rows = m.workforce.people, m.workforce.rows()
            believers = rows[e.values_rest[rows, 0] > 0.45]
            fit.append(e.identification[believers].mean())
        gains.append(fit[0] - fit[1])
    assert (np.array(gains) > 0).all()
    assert (diff("mission", "affective") > 0).all()
    assert (diff("mission", "expectation") > 0).all()


def test_consumer_decision_sells_fast_and_changes_little_inside():
    assert (diff("consumer_decision", "revenue", slice(1, 14)) > 0).all()
    assert (diff("consumer_decision", "trust") < 0).all()
    assert (np.abs(diff("consumer_decision", "affective")) < 0.02).all()


def test_best_customer_serves_the_top_tier_better_than_the_low_tier():
    top = diff("best_customer", "satisfaction_top")
    low = diff("best_customer", "satisfaction_low")
    assert (top > low).all()
    assert (diff("best_customer", "headcount") < 0).all()


def test_best_customer_hurts_the_low_tier_when_treatment_is_visible():
    """Homburg, Droll & Totzek (2008): prioritisation hurts the bottom tier when it is visible."""
    low = []
    for s in SEEDS:
        seen = CentricityModel(road="best_customer", unfairness_visibility=0.9, seed=s, **SIZE)
        hidden = CentricityModel(road="best_customer", unfairness_visibility=0.0, seed=s, **SIZE)
        seen.run(52)
        hidden.run(52)
        low.append(seen.results().satisfaction_low.iloc[27:].mean() - hidden.results().satisfaction_low.iloc[27:].mean())
    assert (np.array(low) < 0).all()


def test_competing_values_grows_commitment_and_keeps_tension_near_its_set_point():
    assert (diff("competing_values", "affective") > 0.03).all()
    support = diff("competing_values", "share_cooperation") + diff("competing_values", "share_championing")
    assert (support > 0).all()
    for s in SEEDS:
        tension = results("competing_values", s).felt_tension.iloc[53:]
        assert abs(tension.mean() - ROADS["competing_values"]().tension_setpoint) < 0.03


def test_competing_values_needs_a_survey_to_pace_the_pressure():
    """Without a pulse survey management cannot see felt tension: the controller holds the pressure."""
    blind = CentricityModel(road="competing_values", road_params={"survey": False}, seed=0, **SIZE)
    blind.run(30)
    seen = results("competing_values", 0)
    assert blind.levers_applied().pressure.iloc[9:].nunique() == 1
    assert seen.pressure.iloc[9:31].nunique() > 5
    assert (blind.levers_applied().employee_survey == 0).all()
    assert (blind.results().cost_programme.iloc[1:] < seen.cost_programme.iloc[1:31]).all(), "a survey costs money"


def test_side_trips_are_off_unless_asked_for():
    assert (results("competing_values", 0).integration_level == 0).all()
    climbing = CentricityModel(road="competing_values", road_params={"max_integration": 2, "ladder_weeks": 10}, seed=0,
                               **SIZE)
    climbing.run(40)
    level = climbing.results().integration_level
    assert level.iloc[8] == 0 and level.iloc[9] == 1 and level.iloc[19] == 2 and level.max() == 2


def test_early_warnings_are_counted_under_every_road_and_heard_only_with_a_warning_system():
    for road in NAMED_ROADS:
        assert results(road, 0).early_warnings.sum() >= 0
    total = sum(results(r, s).early_warnings.sum() for r in NAMED_ROADS for s in SEEDS)
    assert total > 0, "the monitors should fire at least once in 24 two-year runs"
    cv = results("competing_values", 0)
    assert cv.kpi_weight_customer.iloc[-1] > 0.25, "competing values balances rewards toward a third each"
    sq = results("status_quo", 0)
    assert sq.kpi_weight_customer.nunique() == 1
    deaf = CentricityModel(road="competing_values", road_params={"warning_system": False, "balance_speed": 0.0},
                           seed=0, **SIZE)
    deaf.run(104)
    assert deaf.results().kpi_weight_customer.nunique() == 1, "without the system no alarm reaches the rewards"


def test_the_monitor_flags_a_value_bought_at_anothers_expense():
    m = EarlyWarningMonitor(window=4, threshold=0.01, cooldown=3)
    flat = {"satisfaction": 0.7, "efficiency": 5.0, "profit": 100.0, "revenue": 1000.0}
    rising_profit_falling_sat = [dict(flat), dict(flat), {**flat, "satisfaction": 0.6, "profit": 200.0},
                                 {**flat, "satisfaction": 0.6, "profit": 200.0}]
    assert m.check(rising_profit_falling_sat, week=10) == [("customer", "profit")]
    assert m.check(rising_profit_falling_sat, week=11) == [], "cooldown"
    assert EarlyWarningMonitor(window=4).check([flat] * 4, week=1) == []
