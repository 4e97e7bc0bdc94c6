"""The model's weekly metric records are a bounded window (issue 25: memory stays bounded over long
horizons), and every reader of them sees what it saw when they were all kept."""

from __future__ import annotations

import doctest
import pickle

import numpy as np
import pandas as pd
import pytest
from helpers import TINY, road_params_of

import sim.history
import sim.model
from sim import CentricityModel
from sim.history import MetricHistory
from sim.page.explorer import ExplorerModel

#: Settings whose history keeps only 4 records: a 4-week monitor window, a lag of 3.
SHORT = {"reporting_lag": 3, "effects": {"early_warning.comparison_window": 4}}


def filled(keep: int, n: int, first_week: int = 0) -> MetricHistory:
    h = MetricHistory(keep=keep, first_week=first_week)
    for i in range(n):
        h.append({"profit": float(i)}, surveyed=i % 3 == 0)
    return h


def test_the_examples_in_the_docstrings_run():
    assert doctest.testmod(sim.history, optionflags=doctest.ELLIPSIS).failed == 0


def test_records_keep_their_number_once_older_ones_are_dropped():
    h = filled(keep=4, n=10)
    assert len(h) == 10 and h.oldest == 6
    assert h[9]["profit"] == h[-1]["profit"] == 9.0
    assert h[6]["profit"] == h[-4]["profit"] == 6.0
    assert [r["profit"] for r in h[7:9]] == [7.0, 8.0]
    assert [r["profit"] for r in h[-3:]] == [7.0, 8.0, 9.0]
    assert [r["profit"] for r in h[6:100]] == [6.0, 7.0, 8.0, 9.0]   # past the end: as a list would
    assert h[10:] == [] and [r["profit"] for r in h] == [6.0, 7.0, 8.0, 9.0]
    assert [h.surveyed(i) for i in range(6, 10)] == [i % 3 == 0 for i in range(6, 10)]
    assert h.surveyed(-1) is True   # record 9


@pytest.mark.parametrize("ask", [lambda h: h[5], lambda h: h[-5], lambda h: h[5:], lambda h: h[:],
                                 lambda h: h.surveyed(0)])
def test_a_dropped_record_is_an_error_that_names_the_oldest_kept(ask):
    h = filled(keep=4, n=10, first_week=-3)
    with pytest.raises(IndexError, match=r"the oldest kept is record 6 \(week 3\), of 10 \(the last 4\)"):
        ask(h)


def test_a_record_not_yet_made_is_out_of_range():
    h = filled(keep=4, n=2)
    with pytest.raises(IndexError, match="out of range"):
        h[2]
    with pytest.raises(IndexError, match="out of range"):
        h[-3]
    with pytest.raises(ValueError, match="at least 1"):
        MetricHistory(keep=0)


def test_a_history_pickles_with_its_numbering():
    h = pickle.loads(pickle.dumps(filled(keep=4, n=10)))
    h.append({"profit": 10.0}, surveyed=True)
    assert (len(h), h.oldest, h[-1]["profit"], h.surveyed(10)) == (11, 7, 10.0, True)


@pytest.mark.parametrize("lag, window", [(1, 26), (26, 13), (3, 4), (26, 39)])
def test_a_run_keeps_the_longest_look_back_of_its_readers(lag, window):
    m = CentricityModel(**TINY, reporting_lag=lag, effects={"early_warning.comparison_window": window})
    m.run(60)
    assert m.history.keep == max(lag, window)
    assert len(m.history) == TINY["burn_in_weeks"] + 1 + 60       # numbered as if every record were kept
    assert len(list(m.history)) == min(max(lag, window), len(m.history))


def test_the_memory_of_the_history_does_not_grow_with_the_run():
    m = CentricityModel(**TINY, **SHORT)
    m.run(40)
    early = len(pickle.dumps(m.history))
    m.run(300)
    assert len(list(m.history)) == 4
    assert len(pickle.dumps(m.history)) <= early + 16   # the count of records made takes a few bytes more


def spy_on_briefings(model: CentricityModel) -> list:
    """Every briefing management hands a road, in order."""
    seen, brief = [], model.management.briefing

    def briefing(road):
        seen.append(brief(road))
        return seen[-1]

    model.management.briefing = briefing
    return seen


def test_each_briefing_is_the_record_and_the_survey_of_its_lagged_week():
    """Management sees week t - lag's metrics, and employees' feelings only if a pulse survey ran in
    that week: a survey flag one week off shows here (the road starts surveying in week 5)."""
    lag = SHORT["reporting_lag"]
    m = CentricityModel(road="competing_values", start_week=5, road_params={"assessment_weeks": 0}, **TINY, **SHORT)
    briefings = spy_on_briefings(m)
    m.run(80)
    results, levers = m.results(), m.levers_applied()
    recorded = [b for b in briefings if b.week >= lag]   # weeks whose lagged week is recorded (week 0 on)
    assert [b.week for b in recorded] == list(range(lag, 81))
    for b in recorded:
        observed = pd.Series(b.record)[results.columns]
        assert observed.equals(results.loc[b.week - lag]), b.week
        assert b.surveyed == bool(levers.loc[b.week - lag, "employee_survey"]), b.week
    assert {b.surveyed for b in recorded} == {False, True}
    assert [b.week for b in recorded if b.surveyed][0] == 5 + lag
    assert any(b.kpi("felt_tension") is not None for b in recorded)


def untrimmed(monkeypatch):
    """Models built from here on keep every record (the history as a plain list was)."""
    monkeypatch.setattr(sim.model, "MetricHistory",
                        lambda keep, first_week: MetricHistory(keep=10**9, first_week=first_week))


def everything_of(m: CentricityModel) -> tuple:
    alarms = [(a.week, a.sacrificed, a.favoured, a.earlier, a.later, a.before, a.after, a.change)
              for a in m.monitor.seen]
    return m.results(), m.levers_applied(), m.lever_spending(), alarms, m.management.alarms, m.losing_money()


@pytest.mark.parametrize("road, road_params, settings", [
    ("competing_values", {"assessment_weeks": 0}, SHORT),
    ("competing_values", None, {"reporting_lag": 26, "effects": {"early_warning.comparison_window": 6}}),
    ("engineering", None, SHORT),
    ("custom", road_params_of("custom"), {"reporting_lag": 1}),
])
def test_a_bounded_history_changes_no_result(monkeypatch, road, road_params, settings):
    def run():
        m = CentricityModel(road=road, road_params=road_params, start_week=3, seed=4, **TINY, **settings)
        m.run(150)
        return m

    trimmed = run()
    untrimmed(monkeypatch)
    kept_all = run()
    assert len(list(kept_all.history)) == len(kept_all.history) > len(list(trimmed.history))
    mine, reference = everything_of(trimmed), everything_of(kept_all)
    for a, b in zip(mine[:3], reference[:3], strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert mine[3:] == reference[3:]
    assert mine[3], "the monitors fired: their window was read"


def test_losing_money_reads_every_week_before_any_road(monkeypatch):
    """The burn-in (40 weeks, longer than the 4 records kept) and week 0, however long the run."""
    settings = dict(TINY, burn_in_weeks=40, **SHORT)
    m = CentricityModel(**settings)
    said = m.losing_money()
    m.run(100)
    assert said is not None and m.losing_money() == said
    with pytest.raises(IndexError, match="no longer kept"):
        m.history[0]
    untrimmed(monkeypatch)
    reference = CentricityModel(**settings)
    weeks = reference.history[:reference._first_recorded + 1]
    assert len(weeks) == 41
    assert f"profit {np.mean([w['profit'] for w in weeks]):,.0f} a week" in said
    assert f"revenue of {np.mean([w['revenue'] for w in weeks]):,.0f}" in said
    assert reference.losing_money() == said


def test_the_page_reads_every_week_however_many_were_played_between_pictures():
    m = ExplorerModel(road="mission", n_employees=60, n_customers=600, burn_in_weeks=3)
    m.series()
    for weeks in (1, 40, 3):   # 40: more weeks than the history keeps (26), as when playing flat out
        for _ in range(weeks):
            m.step()
        for record, results in zip(m.series(), m.frames(), strict=True):
            assert record.n == len(results) == m.steps + 1
            for column in results.columns:
                np.testing.assert_array_equal(record[column], results[column].to_numpy(), err_msg=column)
