"""Studies that explain themselves: the words of summary.md follow from the numbers by the stated
rules, and every figure says what it shows (context line, statistic, direction, units, runs)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sim.study.context import StudyContext
from sim.study.findings import compare, summary_markdown, when
from sim.study.metrics import KEY_METRICS, OUTCOME, format_difference, format_level
from sim.study.plots import make_figures, plot_paired_differences, plot_parameter_sweep, plot_tradeoff, set_theme

SEEDS = 12


def paired(effects: dict[str, float], noise: float = 0.002, seed: int = 7) -> pd.DataFrame:
    """A status quo and one road on SEEDS paired seeds; ``effects`` moves the road's final values."""
    rng = np.random.default_rng(seed)
    base = {"customer_centricity": 0.4, "profit": 50_000.0, "efficiency": 8.0, "satisfaction": 0.7,
            "value_tension": 0.2, "share_compliance": 0.3, "share_cooperation": 0.2, "share_championing": 0.05,
            "affective": 0.4}
    rows = []
    for s in range(SEEDS):
        level = {k: v * (1 + rng.normal(0, 0.05)) for k, v in base.items()}     # the seed's own level
        rows.append({"road": "status_quo", "seed": s, "job": f"sq{s}", **{f"final_{k}": v for k, v in level.items()}})
        road = {k: v + effects.get(k, 0.0) + rng.normal(0, noise) * (1000 if k == "profit" else 1)
                for k, v in level.items()}
        rows.append({"road": "mission", "seed": s, "job": f"m{s}", **{f"final_{k}": v for k, v in road.items()}})
    return pd.DataFrame(rows)


def verdicts(summary: pd.DataFrame) -> dict[str, str]:
    (comparison,) = compare(summary, ["seed"])
    return {d.metric.name: d.verdict for d in comparison.differences}


def test_verdicts_follow_the_rules_and_each_metrics_direction():
    v = verdicts(paired({"profit": 6_000.0, "customer_centricity": -0.05, "satisfaction": 0.004,
                         "value_tension": 0.05}))
    assert v["profit"] == "better"                 # +12%, far beyond 1% of the status quo's level
    assert v["customer_centricity"] == "worse"     # higher is better, and it fell by 0.05
    assert v["satisfaction"] == "small"            # clear, but below 0.01 on the 0-1 scale
    assert v["value_tension"] == "higher"          # a trade-off metric: neither better nor worse
    assert v["efficiency"] == "no clear difference"


def test_words_name_the_amount_the_interval_and_the_direction():
    (c,) = compare(paired({"profit": 6_000.0, "customer_centricity": -0.05}), ["seed"])
    words = {d.metric.name: d.words() for d in c.differences}
    assert words["profit"].startswith("profit: +12% [+") and words["profit"].endswith("higher (better)")
    assert words["customer_centricity"].startswith("customer centricity: -0.05")
    assert words["efficiency"].startswith("efficiency: no clear difference (")
    assert c.trade_off().startswith("it buys profit (+12%) at the price of customer centricity (-0.05")
    assert c.headline().startswith("Mission (strategic differentiator): profit: +12%")


def test_a_difference_of_one_seed_has_no_interval_and_no_verdict_of_clarity():
    one = paired({"profit": 6_000.0})
    one = one[one["seed"] == 0]
    (c,) = compare(one, ["seed"])
    profit = next(d for d in c.differences if d.metric.name == "profit")
    assert profit.verdict == "one seed" and "(one seed, no interval)" in profit.amount()


def test_when_finds_the_week_a_road_overtakes_the_status_quo():
    weeks = np.arange(0, 120)
    rows = []
    for s in range(SEEDS):
        rng = np.random.default_rng(s)
        for road, shift in (("status_quo", 0.0), ("mission", 1.0)):
            # behind by 3 until week 40, then ahead by 3: the road's own course, with a little noise
            effect = np.where(weeks < 40, -3.0, 3.0) * shift
            profit = 100 + effect + rng.normal(0, 0.3, len(weeks))
            rows += [{"road": road, "seed": s, "step": w, "profit": p} for w, p in zip(weeks, profit, strict=True)]
    runs = pd.DataFrame(rows)
    text = when(runs, "mission", {}, ["seed"], metrics=("profit",))["profit"]
    # A 13-week trailing mean crosses zero about half a quarter after the switch, at week 46 or 47.
    assert text.startswith("behind in weeks 12-"), text
    week = int(text.rsplit("ahead from week ", 1)[1].split()[0])
    assert 44 <= week <= 49 and "overtakes the status quo" in text


def test_summary_md_states_the_context_the_rules_and_one_section_per_road():
    summary = paired({"profit": 6_000.0})
    ctx = StudyContext(scenario="retail_bank", scenario_title="Retail bank with a large call centre",
                       weeks=[260], seeds=SEEDS, settings=["organisation.initial_readiness=0.3"], runs=2 * SEEDS)
    text = summary_markdown(compare(summary, ["seed"]), ctx)
    assert "Organisation: retail_bank (Retail bank with a large call centre) · 260 weeks (5 years) · 12 seeds" in text
    assert "settings: organisation.initial_readiness=0.3" in text
    assert "## Mission (strategic differentiator) against the status quo" in text
    assert f"in the {OUTCOME} (week 260)" in text and "## How to read this" in text
    for metric in KEY_METRICS.values():
        assert f"| {metric.label()} | {metric.direction_words} |" in text


def test_figures_carry_the_context_the_statistic_the_direction_and_difference_units(tmp_path):
    set_theme()
    summary = paired({"profit": 6_000.0})
    context = "Organisation: retail_bank · 260 weeks (5 years) · 12 seeds (paired)"
    plot_paired_differences(summary, ["seed"], tmp_path, context=context)
    svg = (tmp_path / "paired_differences.svg").read_text()
    assert context in svg and "in the final week" in svg
    # Difference units, as summary.md gives them: profit as a share of the status quo, commitment in points.
    assert "difference, % of the status quo's level" in svg and "currency units per week" not in svg
    assert "difference, percentage points" in svg and "mean, 0-1" not in svg
    assert "\u2191 better" in svg and "\u2195 trade-off" in svg
    plot_tradeoff(summary, "road", tmp_path, context=context)
    svg = (tmp_path / "tradeoff.svg").read_text()
    assert "Profit in the final week" in svg and "mean over the run" not in svg and context in svg


def test_a_sweep_with_one_run_per_point_claims_no_band(tmp_path):
    set_theme()
    summary = paired({}).assign(**{"road.pressure": lambda d: d["seed"] / 20})
    one = summary[summary["road"] == "mission"]
    plot_parameter_sweep(one, "road.pressure", None, tmp_path)
    svg = (tmp_path / "sweep_road_pressure.svg").read_text()
    assert "1 run each (no interval" in svg and "95% band" not in svg and "1 runs" not in svg


def test_every_figure_of_a_sweep_names_its_organisation(tmp_path):
    summary = paired({"profit": 6_000.0})
    runs = pd.concat([summary.assign(step=w) for w in range(3)]).rename(columns=lambda c: c.removeprefix("final_"))
    make_figures(runs, summary, ["road"], tmp_path, processes=1, context="Organisation: industrial_b2b")
    for figure in ("timeseries", "final_outcomes", "tradeoff", "paired_differences"):
        assert "Organisation: industrial_b2b" in (tmp_path / f"{figure}.svg").read_text(), figure


def test_a_design_with_many_conditions_is_not_put_into_words(tmp_path):
    from sim.study.findings import MAX_CONDITIONS, write_summary

    base = paired({"profit": 6_000.0})
    status_quo = base[base["road"] == "status_quo"].assign(**{"road.pressure": None})
    levels = [base[base["road"] == "mission"].assign(**{"road.pressure": p / 100}) for p in range(MAX_CONDITIONS + 1)]
    design = pd.concat([status_quo, *levels], ignore_index=True)
    text = write_summary(tmp_path, design, pd.DataFrame(), ["road", "road.pressure"], StudyContext(), []).read_text()
    assert f"compares {MAX_CONDITIONS + 1} conditions" in text and "## In short" not in text
    few = pd.concat([status_quo, *levels[:3]], ignore_index=True)
    text = write_summary(tmp_path, few, pd.DataFrame(), ["road", "road.pressure"], StudyContext(), []).read_text()
    assert text.count("- Mission (strategic differentiator) (road.pressure=") == 3


# ---------------------------------------------------------------------- one format per metric (issue 25)
def test_an_interval_is_formatted_like_its_estimate():
    """A custom schedule's summary read "+5,574 [+87.24, +11,061]": each number chose its own format."""
    assert format_difference("profit", 5574.0, 87.24, 11061.0, base=-2_000.0) == "+5,574 [+87, +11,061]"
    assert format_difference("profit", 12.5, 0.8, 24.3, base=-1.0) == "+12.50 [+0.80, +24.30]"
    assert format_difference("share_committed", 0.215, 0.205, 0.224) == "+21.5 percentage points [+20.5, +22.4]"


def test_no_bound_of_an_interval_reads_as_zero():
    """"-5% [-9%, +0%]" hid the sign of the upper bound: a bound that would round to zero gets a digit."""
    assert format_difference("profit", -2_500.0, -4_500.0, 150.0, base=50_000.0) == "-5.0% [-9.0%, +0.3%]"
    assert format_difference("customer_centricity", 0.0018, -0.0003, 0.004) == "+0.0018 [-0.0003, +0.0040]"
    summary = paired({"profit": -2_500.0}, noise=0.004)
    (c,) = compare(summary, ["seed"])
    for d in c.differences:
        for bound in d.amount().split(" [")[1].rstrip("]").split(", "):
            digits = bound.strip("+-%").replace(",", "")
            assert float(digits) != 0 or not bound.startswith(("+", "-")), d.amount()
        assert "+0%" not in d.amount() and "-0%" not in d.amount() and "[+0.000" not in d.amount(), d.amount()


def test_summary_md_gives_shares_in_percent_and_their_differences_in_points():
    summary = paired({"share_cooperation": 0.05})
    text = summary_markdown(compare(summary, ["seed"]), StudyContext(weeks=[260], seeds=SEEDS))
    (row,) = [line for line in text.splitlines() if line.startswith("| Commitment")]
    cells = [c.strip() for c in row.split("|")[1:-1]]
    assert cells[2].endswith("%") and cells[3].endswith("%"), row          # levels: percent of employees
    assert re.fullmatch(r"\+\d\.\d percentage points \[\+\d\.\d, \+\d\.\d\]", cells[4]), row
    base = summary.loc[summary.road == "status_quo", ["final_share_cooperation", "final_share_championing"]]
    assert cells[2] == format_level("share_committed", base.sum(axis=1).mean())


def test_the_paired_differences_figure_draws_the_numbers_of_summary_md():
    from sim.study.plots import paired_differences, paired_intervals

    summary = paired({"profit": 6_000.0, "share_cooperation": 0.05, "customer_centricity": -0.05})
    (c,) = compare(summary, ["seed"])
    diffs = paired_differences(summary, ["seed"])
    for d in c.differences:
        mean, lo, hi, scale = paired_intervals(diffs, d.metric.name, ["mission"])["mission"]
        assert scale.format(mean, lo, hi) == d.amount(), d.metric.name


def test_a_trade_off_on_the_metrics_a_page_shows_names_no_other():
    """"Engineering buys efficiency (+5%)" where the brief showed no efficiency: a page's sentences
    name only the metrics it shows."""
    (c,) = compare(paired({"affective": 0.2, "profit": 3_000.0, "customer_centricity": -0.03}), ["seed"])
    assert c.trade_off().startswith("it buys affective commitment")
    shown = ("profit", "customer_centricity", "satisfaction")
    assert c.trade_off(shown).startswith("it buys profit (+6%) at the price of customer centricity (-0.03")
    assert "affective" not in c.trade_off(shown)


def weekly(effect_by_week, seeds: int = SEEDS, weeks: int = 120, noise: float = 0.3) -> pd.DataFrame:
    """Weekly profit of a status quo and a road whose paired difference is ``effect_by_week(weeks)``."""
    w = np.arange(weeks)
    rows = []
    for s in range(seeds):
        rng = np.random.default_rng(100 + s)
        base = 100 + rng.normal(0, 1.0, weeks)
        for road, profit in (("status_quo", base), ("mission", base + effect_by_week(w) + rng.normal(0, noise, weeks))):
            rows += [{"road": road, "seed": s, "step": k, "profit": p} for k, p in zip(w, profit, strict=True)]
    return pd.DataFrame(rows)


def test_a_road_with_no_clear_difference_at_the_end_is_never_said_to_fall_behind():
    """Nudges "fall behind the status quo from week 260 to the end" (one week) beside a table that said
    no clear difference: the end follows the final week's verdict, and a stretch must last a quarter."""
    runs = weekly(lambda w: np.where(w >= 80, -3.0, 0.0))          # clearly behind for the last 40 weeks
    assert when(runs, "mission", {}, ["seed"], metrics=("profit",))["profit"].startswith("behind from week")
    text = when(runs, "mission", {}, ["seed"], metrics=("profit",), at_end={"profit": 0})["profit"]
    assert text == "never clearly ahead or behind for a quarter"
    short = weekly(lambda w: np.where(w >= 114, -3.0, 0.0))        # behind only in the last few weeks
    text = when(short, "mission", {}, ["seed"], metrics=("profit",))["profit"]
    assert "to the end" not in text and text.endswith("but not over the last quarter"), text
    earlier = weekly(lambda w: np.where((w >= 30) & (w < 70), -3.0, 0.0))
    text = when(earlier, "mission", {}, ["seed"], metrics=("profit",), at_end={"profit": 0})["profit"]
    assert text.startswith("behind in weeks ") and text.endswith("; no clear difference at the end"), text


def test_compare_ends_the_words_over_time_as_the_table_does():
    runs = weekly(lambda w: np.where(w >= 80, -3.0, 0.0))
    final = runs[runs.step == runs.step.max()].rename(columns={"profit": "final_profit"})
    final = final.assign(job=final.road + final.seed.astype(str))
    # The final week alone: make it a toss-up, whatever the weeks before it say.
    final.loc[final.road == "mission", "final_profit"] = final.loc[final.road == "status_quo", "final_profit"].to_numpy() \
        + np.random.default_rng(0).normal(0, 1.0, SEEDS)
    (c,) = compare(final, ["seed"], metrics=["profit"], runs=runs)
    assert c.differences[0].verdict == "no clear difference"
    assert "to the end" not in c.when["profit"] and "falls behind" not in c.when["profit"], c.when
