"""The screening of the model's assumptions (sim/validation/assumptions.py): its factors are the
declared effect sizes, its verdicts follow its stated rules, and a small study runs end to end,
writes its page and flags, and a rerun reads its runs back."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.effects import every_effect
from sim.validation import assumptions as A


def test_the_factors_are_every_declared_effect_size_within_its_plausible_range():
    f = A.factors()
    declared = {k for k, e in every_effect().items() if np.any(e.high > e.low)}
    assert set(f.names) == declared
    x_low = np.array([lo for lo, _ in f.bounds()])
    x_high = np.array([hi for _, hi in f.bounds()])
    low, high = f.overrides(x_low), f.overrides(x_high)
    for e in f.effects:
        assert np.allclose(low[e.key], e.low) and np.allclose(high[e.key], e.high), e.key
    with pytest.raises(ValueError, match="unknown effect size 'customers.nope'"):
        A.factors(["customers.nope"])


def test_a_step_that_only_redraws_chance_has_the_stated_mu_star():
    # Two independent normal draws differ by 2 sigma / sqrt(pi) on average; Morris divides by its step.
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(200_000), rng.standard_normal(200_000)
    delta = 4 / (2 * 3)
    assert abs(np.mean(np.abs(a - b)) / delta - A.chance_mu_star(4)) < 0.01


def test_verdicts_follow_the_stated_rules():
    rows = pd.DataFrame({"seeds_agree": [1.0, 1.0, 0.75, 0.95], "points_agree": [0.95, 0.85, 0.2, 0.9]})
    rows["clear"] = rows.seeds_agree >= A.CLEAR_SHARE
    rows["flips"] = rows.clear & (rows.points_agree < rows.seeds_agree - A.FLIP_SHARE)
    assert [A._verdict(r) for r in rows.itertuples()] == ["holds", "flips", "no clear sign", "holds"]


def test_flag_sentences_name_what_flips_and_what_it_hinges_on(tmp_path):
    path = tmp_path / "assumptions.csv"
    pd.DataFrame([
        {"organisation": "retail_bank", "conclusion": "best|104|cumulative_profit", "road": "engineering",
         "outcome": "cumulative_profit", "horizon": 104, "kind": "best", "verdict": "flips",
         "points_agree": 0.7, "seeds_agree": 1.0, "hinges_on": "organisation.start_fit service.capacity_per_quality"},
        {"organisation": "retail_bank", "conclusion": "lead|mission|final_satisfaction", "road": "mission",
         "outcome": "final_satisfaction", "horizon": 260, "kind": "lead", "verdict": "holds",
         "points_agree": 1.0, "seeds_agree": 1.0, "hinges_on": ""},
    ]).to_csv(path, index=False)
    said = A.flag_sentences("retail_bank", path=path)
    assert said == ["Engineering (Six Sigma) as the best road in cumulative profit at two years flips within the "
                    "plausible ranges of the model's assumptions (it hinges on organisation.start_fit, "
                    "service.capacity_per_quality; docs/ASSUMPTIONS.md)"]
    assert A.flag_sentences("retail_bank", roads=["mission"], path=path) == []
    assert A.flag_sentences("industrial_b2b", path=path) == []
    assert A.flag_sentences(None, path=tmp_path / "none.csv") == []


@pytest.mark.slow
def test_a_small_study_runs_writes_its_page_and_reads_its_runs_back(tmp_path, monkeypatch):
    s = A.Settings()
    s = replace(s, trajectories=1, sobol_factors=2, sobol_base=2, pattern_trajectories=1, processes=1,
                size=replace(s.size, n_customers=200, min_employees=20, weeks=12, burn_in_weeks=2, seeds=1,
                             reference_seeds=3, horizons=(6, 12)),
                pattern_scale={"n_customers": 200, "n_employees": 20, "seeds": 2, "weeks": 12, "burn_in_weeks": 2},
                patterns=(1, 12), out=tmp_path / "study")
    first = A.run_study(s)
    assert first["meta"]["ran"] == first["meta"]["evaluations"]
    holds = first["holds"]
    assert set(holds.organisation) == set(A.ORGANISATIONS)
    assert len(holds) == len(A.ORGANISATIONS) * (5 * 3 + 2 * 3)
    assert holds[["seeds_agree", "points_agree"]].apply(lambda c: c.between(0, 1)).all().all()
    assert set(first["morris"].effect) == set(A.factors().names)
    page = tmp_path / "ASSUMPTIONS.md"
    text = A.write_report(first, page)
    assert "## The retail bank" in text and "## The twelve patterns" in text
    assert set(first["patterns"].pattern.str[:2]) == {"01", "12"}
    flags = pd.read_csv(page.with_name("assumptions.csv"), keep_default_na=False)
    assert set(flags.verdict) <= {"holds", "flips", "no clear sign"}
    again = A.run_study(s)
    assert again["meta"]["ran"] == 0
    pd.testing.assert_frame_equal(again["holds"], holds)


def test_the_committed_page_and_flags_agree():
    flags = A.read_flags()
    page = (Path(A.REPO) / "docs" / "ASSUMPTIONS.md").read_text(encoding="utf-8")
    assert flags is not None and set(flags.organisation) == set(A.ORGANISATIONS)
    for org in A.ORGANISATIONS:
        rows = flags[flags.organisation == org]
        clear = int((rows.verdict != "no clear sign").sum())
        flipped = int((rows.verdict == "flips").sum())
        assert (f"Of {len(rows)} conclusions, {clear} have a clear sign at the declared values; "
                f"{clear - flipped} of them hold across the plausible ranges and {flipped} flip") in page


def test_a_sweeps_summary_says_what_flips_for_its_roads():
    from sim.study.findings import assumption_cautions

    flags = A.read_flags()
    flipped = flags[(flags.organisation == "default") & (flags.verdict == "flips")]
    roads = sorted(set(flipped.road))
    said = assumption_cautions(None, ["status_quo", *roads])
    assert len(said) == 1 and said[0].startswith(f"**Assumptions ({len(flipped)} flagged):**")
    assert assumption_cautions(None, ["status_quo"]) == []
