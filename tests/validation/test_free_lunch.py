"""The free-lunch audit (sim/validation/free_lunch.py): its mechanics, and the issue 23 check.

The mechanics run at the audit's quick scale (tiny: they check the bookkeeping, not the
model). The behaviour test is the "done when" of issue 23: the two zero-money policies
(reward weights customer 0.9 / efficiency 0.05 / profit 0.05 alone; rewards 0.5 / 0.25 / 0.25
with participation 1.0) do not beat business as usual on all three of profit, centricity and
satisfaction at most points of a broad design.
"""

import doctest
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from sim import CentricityModel
from sim.levers import LEVER_SETS, LEVERS
from sim.validation import free_lunch as FL


@pytest.fixture(scope="module")
def quick():
    """Every scan at the quick scale (2 points, 2 seeds, 26 weeks, 40 employees: a few seconds)."""
    return FL.run_audit(FL.PROFILES["quick"])


def test_the_summary_has_one_row_per_lever_set_or_policy_and_covers_every_lever(quick):
    summary = quick.summary
    assert summary.lever.tolist() == [s.name for s in FL.scans()]
    assert summary.lever.is_unique
    covered = [lever for name in summary.lever for lever in LEVER_SETS.get(name, (name,)) if lever in LEVERS]
    assert sorted(covered) == sorted(LEVERS), "every lever is scanned exactly once, alone or in its set"
    assert set(FL.POLICIES) <= set(summary.lever)
    assert (summary.points == FL.PROFILES["quick"].points).all()


def test_shares_are_shares_and_the_flag_follows_the_rule(quick):
    summary = quick.summary
    assert summary.free_lunch_share.between(0, 1).all()
    edge = summary.edge_share
    assert edge[edge.notna()].between(0, 1).all()
    # No inside to a switch's range, nor to a single policy: the edge share is not defined there.
    assert edge[summary.kind.isin(["switch", "policy"])].isna().all()
    assert edge[summary.kind.isin(["lever", "lever set"])].notna().all()
    assert (summary.flagged == (summary.free_lunch_share > FL.FLAG_SHARE)).all()


def test_business_as_usual_against_itself_is_exactly_zero_and_never_a_free_lunch(quick):
    d = quick.differences
    bau = d[d.bau]
    assert len(bau) == len(FL.scans()) * FL.PROFILES["quick"].points
    for o in FL.OUTCOMES:
        assert (bau[f"{o}_diff"] == 0.0).all() and (bau[f"{o}_se"] == 0.0).all()
        assert (d[f"{o}_threshold"] > 0).all(), "the floor keeps the threshold above zero"
    assert not bau.free_lunch.any()


def test_a_free_lunch_is_a_gain_beyond_the_noise_on_all_three_outcomes(quick):
    d = quick.differences
    beats = np.logical_and.reduce([d[f"{o}_diff"] > d[f"{o}_threshold"] for o in FL.OUTCOMES])
    assert (d.free_lunch == beats).all()
    for o in FL.OUTCOMES:
        assert (d[f"{o}_threshold"] >= FL.NOISE_SE * d[f"{o}_se"] - 1e-12).all()


def test_a_setting_is_held_from_week_1_and_the_rest_stays_at_business_as_usual():
    setting = FL.POLICIES["rewards_and_participation"]
    m = CentricityModel(road="custom", road_params={"schedule": setting.schedule()}, n_employees=40, n_customers=300,
                        burn_in_weeks=4)
    m.run(3)
    applied = m.levers_applied()
    for lever, value in setting.levers:
        assert applied.loc[1:, lever].eq(value).all() and applied.loc[0, lever] == LEVERS[lever]["default"]
    assert applied.loc[1:, "nudging"].eq(LEVERS["nudging"]["default"]).all()


def test_unknown_lever_is_refused_and_a_set_member_names_its_set():
    with pytest.raises(ValueError, match="unknown lever 'no_such_lever'"):
        FL.scans(["no_such_lever"])
    assert [s.name for s in FL.scans(["kpi_customer", "kpi_weights", "nudging"])] == ["kpi_weights", "nudging"]


def test_the_design_spans_its_ranges_and_is_the_same_every_time():
    a, b = FL.design_points(6), FL.design_points(6)
    pd.testing.assert_frame_equal(a, b)
    for r in FL.design_ranges():
        assert a[r.key].between(r.low, r.high).all()
        # A Latin hypercube: one point in each sixth of every range.
        assert sorted(((a[r.key] - r.low) / (r.high - r.low) * 6).astype(int)) == list(range(6))


def test_markdown_has_the_table(quick):
    text = quick.markdown()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(quick.summary)
    assert "free lunch" in text and "Rule:" in text


def test_docstring_examples():
    assert doctest.testmod(FL, optionflags=doctest.ELLIPSIS).failed == 0


# ------------------------------------------------------------------------------- issue 23
#: The audit's own broad design: 12 organisations and markets, 3 paired seeds, three years (about a
#: minute on 2 cores for these two policies). A design of 6 points was too coarse to judge "most
#: points": one point is a sixth, and a marginal point (a profit lead just past its threshold)
#: turned the customer-heavy weights from 3 to 4 of 6 when the random draws were keyed anew
#: (issue 26), while at these 12 points they stayed at 5 of 12 (42%).
BROAD = FL.PROFILES["full"]


def _zero_money_policies() -> list[FL.Scan]:
    kpi = FL.scans(["kpi_weights"])[0]
    rewards_alone = replace(kpi, settings=tuple(s for s in kpi.settings if s.label.startswith("customer-heavy 0.9/")))
    assert len(rewards_alone.settings) == 1
    return [rewards_alone, *FL.scans(["rewards_and_participation"])]


@pytest.mark.validation
def test_zero_money_policies_are_no_free_lunch_at_most_points():
    """Issue 23, done when: moving reward weight to the customer, alone or with participation, costs
    something at most points of a broad design (DOMAIN.md, "The tension")."""
    audit = FL.run_audit(BROAD, _zero_money_policies())
    d = audit.differences[~audit.differences.bau]
    shares = d.groupby("setting").free_lunch.mean()
    columns = ["setting", "point", *(f"{o}_{x}" for o in FL.OUTCOMES for x in ("diff", "threshold")), "free_lunch"]
    assert len(shares) == 2
    assert (shares <= FL.FLAG_SHARE).all(), (
        "share of design points where the policy beats business as usual on profit, centricity and satisfaction: "
        f"{shares.round(2).to_dict()}\n{d[columns].to_string()}")
