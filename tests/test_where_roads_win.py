"""The where_roads_win study: which road is best where, and the attribution of a lead to levers.

The analysis is tested against a known answer; the study's own experiment config runs end to
end through the real command line at a tiny scale (14 points x 3 roads x 2 seeds, 30 weeks).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim.study.attribution import attribute, lever_groups
from sim.study.where_roads_win import HORIZONS, shares, tree_rules, winners
from tests.test_sweep import REPO, once, sim

TINY = ["organisation.n_employees=40", "organisation.n_customers=400", "steps=30", "organisation.burn_in_weeks=4"]


def run_study(folder):
    return sim("-m", "+experiment=where_roads_win", "hydra.sweeper.n=14", "road=status_quo,engineering,consumer_decision",
               *TINY, f"hydra.sweep.dir={folder}", "hydra.launcher.n_jobs=2")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return once(tmp_path_factory, "where_roads_win", run_study)


def test_the_study_runs_from_its_experiment_and_ends_with_the_analysis(study):
    folder, out, status = study
    assert status == 0, out
    assert "Share of points where each road is best" in out and "Where each road wins most often" in out
    best = pd.read_csv(folder / "where_roads_win.csv")
    assert set(best.outcome) == {"cumulative_profit", "mean_centricity", "final_satisfaction"}
    assert set(best.horizon) == {26}, "horizons beyond the run are left out"
    assert len(best) == 14 * 3 and set(best.best) <= {"status_quo", "engineering", "consumer_decision"}
    assert "organisation.initial_readiness" in best.columns
    share = pd.read_csv(folder / "where_roads_win_shares.csv")
    np.testing.assert_allclose(share.groupby(["outcome", "horizon"]).share.sum(), 1.0)
    assert (folder / "figures" / "where_roads_win_shares.png").exists()
    assert (folder / "figures" / "where_roads_win_map.png").exists()


def test_the_analysis_can_be_run_again_on_the_folder(study):
    folder, _, _ = study
    again = subprocess.run([sys.executable, "-m", "sim.study.where_roads_win", str(folder), "--no-figures"], cwd=REPO,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "cumulative_profit" in again.stdout


def test_a_folder_that_is_not_a_design_is_refused(tmp_path):
    out = subprocess.run([sys.executable, "-m", "sim.study.where_roads_win", str(tmp_path)], cwd=REPO, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 2 and "was not made from a design" in out.stderr


def test_winners_shares_and_rules_find_a_known_partition():
    """Engineering wins where readiness is low, mission where it is high; the rules say so."""
    rng = np.random.default_rng(4)
    x = rng.random((30, 2))
    rows = []
    for point, (readiness, _) in enumerate(x):
        for seed in (0, 1):
            for road, gain in (("engineering", 1.0 - readiness), ("mission", readiness), ("status_quo", 0.2)):
                rows.append({"point": point, "road": road, "seed": seed, ("cumulative_profit", 260): gain + 0.01 * seed})
    runs = pd.DataFrame(rows)
    best = winners(runs)
    expected = np.where(x[:, 0] > 0.5, "mission", "engineering")
    assert (best.sort_values("point").best.to_numpy() == expected).all()
    share = shares(best, ["status_quo", "engineering", "mission"]).set_index("road").share
    assert share["status_quo"] == 0 and share["mission"] == pytest.approx((x[:, 0] > 0.5).mean())
    rules = tree_rules(x, expected, ["readiness", "churn_rate"])
    assert rules.accuracy == 1.0
    assert rules.regions["mission"][0].conditions[0].startswith("readiness >")
    assert HORIZONS[-1] == 260


def test_attribution_splits_a_lead_into_the_levers_a_road_moves():
    table = attribute("engineering", seeds=[0], weeks=30, n_employees=40, n_customers=400, burn_in_weeks=4)
    assert {"process_improvement", "kpi_weights", "capacity_cut", "pressure", "monitoring", "(interaction)"} == set(table.lever)
    for _, part in table.groupby("outcome"):
        np.testing.assert_allclose(part.part.sum(), part.lead.iloc[0], rtol=1e-9, atol=1e-9)
    assert lever_groups(["kpi_customer", "nudging"]) == [("kpi_weights", ("kpi_customer", "kpi_efficiency", "kpi_profit")),
                                                         ("nudging", ("nudging",))]


def test_attribution_reads_the_outcomes_where_they_are_defined():
    from sim import CentricityModel
    from sim.outcomes import HEADLINE
    from sim.outcomes import outcomes as defined
    from sim.study.attribution import CENTRICITY_PARTS, outcomes

    model = CentricityModel(road="mission", seed=3, n_employees=40, n_customers=300, burn_in_weeks=2)
    model.run(8)
    got = outcomes(model.results())
    assert {k: got[k] for k in HEADLINE} == defined(model.results(), horizon=8, names=HEADLINE)
    assert sum(got[k] for k in CENTRICITY_PARTS) == pytest.approx(got["mean_centricity"], abs=1e-12)
