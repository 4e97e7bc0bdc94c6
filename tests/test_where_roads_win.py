"""The where_roads_win study: which road is best where, and the attribution of a lead to levers.

The analysis is tested against a known answer; the study's own experiment config runs end to
end through the real command line at a tiny scale (14 points x 3 roads x 2 seeds, 30 weeks).
"""

from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim.study.attribution import attribute, lever_groups
from sim.study.where_roads_win import (
    HORIZONS,
    analyse_table,
    rules_text,
    runs_from_batch,
    runs_from_experiments,
    shares,
    tree_rules,
    winners,
)
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
                rows.append({"point": point, "road": road, "seed": seed, "cumulative_profit@260": gain + 0.01 * seed})
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


# ---------------------------------------------------------------------- tables of runs from elsewhere
def table_of_the_sweep(folder, horizon: int) -> pd.DataFrame:
    """The sweep's runs as a plain table, read here from its design and each run's weekly metrics."""
    from sim.outcomes import HEADLINE, outcomes

    design = pd.read_csv(folder / "design.csv")
    names = [c for c in design.columns if "." in c]
    rows = []
    for job in design.to_dict("records"):
        weekly = pd.read_parquet(folder / job["job"] / "timeseries.parquet")
        rows.append({"point": job["point"], "road": job["road"], "seed": job["seed"], **{n: job[n] for n in names},
                     **outcomes(weekly, horizon, HEADLINE)})
    return pd.DataFrame(rows).sample(frac=1.0, random_state=0), names   # any order of rows


def test_a_table_of_the_sweeps_runs_gives_the_folders_answer(study):
    folder, _, status = study
    assert status == 0
    runs, names = table_of_the_sweep(folder, 26)
    result = analyse_table(runs, names, horizon=26)
    best = result.best.merge(result.points.reset_index(), on="point")
    pd.testing.assert_frame_equal(best, pd.read_csv(folder / "where_roads_win.csv"), check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(result.shares, pd.read_csv(folder / "where_roads_win_shares.csv"))
    assert rules_text(result) + "\n" == (folder / "where_roads_win_rules.txt").read_text()
    assert "14 design points x 3 roads x 2 seeds" in result.report()


def known_partition(n: int = 30) -> tuple[np.ndarray, pd.DataFrame]:
    """Engineering is best where the first parameter is low, mission where it is high; two seeds."""
    x = np.random.default_rng(4).random((n, 2))
    rows = [{"point": point, "road": road, "seed": seed, "initial_readiness": a, "activist_share": b,
             "cumulative_profit": gain + 0.01 * seed}
            for point, (a, b) in enumerate(x) for seed in (0, 1)
            for road, gain in (("engineering", 1.0 - a), ("mission", a), ("status_quo", 0.2))]
    return x, pd.DataFrame(rows)


def test_outcome_columns_of_one_horizon_or_several():
    x, runs = known_partition()
    one = analyse_table(runs, ["initial_readiness", "activist_share"], horizon=260)
    several = analyse_table(runs.rename(columns={"cumulative_profit": "cumulative_profit@260"}),
                            ["initial_readiness", "activist_share"])
    pd.testing.assert_frame_equal(one.best, several.best)
    expected = np.where(x[:, 0] > 0.5, "mission", "engineering")
    assert (one.best.sort_values("point").best.to_numpy() == expected).all()
    assert one.rules[("cumulative_profit", 260)].accuracy == 1.0
    assert one.rules[("cumulative_profit", 260)].rules[0].conditions[0].startswith("initial_readiness <=")


@pytest.mark.parametrize("change, message", [
    (lambda r: r.drop(columns="road"), "the table of runs has no column 'road'"),
    (lambda r: r.drop(columns="activist_share"), "the table of runs has no column 'activist_share'"),
    (lambda r: r.drop(columns="point"), "the table of runs has no column 'point'"),
    (lambda r: r.drop(columns="cumulative_profit"), "the table of runs has no outcome column"),
    (lambda r: r.rename(columns={"cumulative_profit": "profit"}), "the table of runs has no outcome column"),
    (lambda r: r.assign(activist_share=np.where(r.road == "mission", 0.9, r.activist_share)),
     "parameter 'activist_share' differs between the runs of point 0"),
    (lambda r: r[~((r.point == 3) & (r.road == "mission"))], "point 3 has no run of road 'mission'"),
    (lambda r: r.assign(road="mission"), "the runs need at least two roads"),
    (lambda r: r.assign(cumulative_profit=np.where(r.point == 2, np.nan, r.cumulative_profit)),
     "column 'cumulative_profit@260' has no value for 6 run"),
    (lambda r: r.assign(activist_share="high"), "parameter 'activist_share' is not a number"),
])
def test_a_malformed_table_is_refused_naming_what_is_wrong(change, message):
    _, runs = known_partition()
    with pytest.raises(ValueError, match=re.escape(message)):
        analyse_table(change(runs), ["initial_readiness", "activist_share"], horizon=260)


def test_outcome_columns_must_match_the_horizon_convention():
    _, runs = known_partition()
    with pytest.raises(ValueError, match=re.escape("it has cumulative_profit: give their horizon (horizon=h)")):
        analyse_table(runs, ["initial_readiness"])
    with pytest.raises(ValueError, match=re.escape("no column 'mean_centricity'")):
        analyse_table(runs, ["initial_readiness"], horizon=260, outcomes=["cumulative_profit", "mean_centricity"])
    with pytest.raises(ValueError, match=re.escape("no column 'cumulative_profit@<h>'")):
        analyse_table(runs, ["initial_readiness"], outcomes=["cumulative_profit"])
    with pytest.raises(ValueError, match="unknown outcome 'profit'"):
        analyse_table(runs, ["initial_readiness"], horizon=260, outcomes=["profit"])


@pytest.fixture
def start_method():
    """batch_run sets multiprocessing's start method to spawn for the whole process: put it back."""
    before = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(before, force=True)


BATCH = {"road": ["status_quo", "mission"], "customer_value_weight": [0.2, 0.5], "n_employees": 40, "n_customers": 300,
         "burn_in_weeks": 2}


def test_mesa_batch_run_rows_are_analysed_after_one_call(start_method):
    import mesa

    from sim import CentricityModel
    from sim.outcomes import OUTCOMES, outcomes
    from sim.study.sensitivity import analyse_frame

    rows = mesa.batch_run(CentricityModel, parameters=BATCH, rng=[1, 2], max_steps=6, data_collection_period=1,
                          number_processes=1, display_progress=False)
    runs = runs_from_batch(rows, horizon=6)
    assert len(runs) == 2 * 2 * 2 and set(OUTCOMES) <= set(runs.columns)
    assert runs.groupby("point").customer_value_weight.nunique().eq(1).all() and runs.point.nunique() == 2
    # each run's outcomes are the ones sim.outcomes reads off the same run made directly
    direct = []
    for road in BATCH["road"]:
        for weight in BATCH["customer_value_weight"]:
            for seed in (1, 2):
                model = CentricityModel(road=road, seed=seed, customer_value_weight=weight, n_employees=40,
                                        n_customers=300, burn_in_weeks=2)
                model.run(6)
                direct.append({"road": road, "customer_value_weight": weight, "seed": seed,
                               **outcomes(model.results(), 6)})
    direct = pd.DataFrame(direct)
    direct["point"] = direct.groupby("customer_value_weight").ngroup()
    keys = ["road", "customer_value_weight", "seed"]
    pd.testing.assert_frame_equal(runs.set_index(keys).sort_index()[list(OUTCOMES)],
                                  direct.set_index(keys).sort_index()[list(OUTCOMES)], check_exact=True)
    result = analyse_table(runs, ["customer_value_weight"], horizon=6)
    pd.testing.assert_frame_equal(result.best.drop(columns="point"),
                                  analyse_table(direct, ["customer_value_weight"], horizon=6).best.drop(columns="point"))
    assert set(result.best.outcome) == set(OUTCOMES) and "2 design points x 2 roads x 2 seeds" in result.report()
    table = analyse_frame(runs, ["customer_value_weight"], ["cumulative_profit"])
    assert set(table.road) == {"status_quo", "mission"} and set(table.points) == {2} and set(table.seeds) == {2}
    # rows collected every third week only: refused, saying how to collect them
    with pytest.raises(ValueError, match=re.escape("data_collection_period=1 and max_steps >= 6")):
        runs_from_batch([r for r in rows if r["Step"] % 3 == 0], horizon=6)
    with pytest.raises(ValueError, match=re.escape("batch_run's rows has no column 'Step'")):
        runs_from_batch(pd.DataFrame(rows).drop(columns="Step"), horizon=6)


def ema_results(n: int = 30) -> tuple[pd.DataFrame, dict[str, np.ndarray], np.ndarray]:
    """What EMA Workbench's perform_experiments returns for n scenarios x 3 policies (one per road):
    experiments (uncertainties, scenario, policy, model) and a dict of scalar outcomes."""
    x, runs = known_partition(n)
    runs = runs[runs.seed == 0]
    experiments = pd.DataFrame({"initial_readiness": runs.initial_readiness.to_numpy(),
                                "activist_share": runs.activist_share.to_numpy(),
                                "scenario": runs.point.to_numpy(), "policy": runs.road.to_numpy(),
                                "model": "centricity"})
    return experiments, {"cumulative_profit": runs.cumulative_profit.to_numpy()}, x


def test_ema_workbench_results_are_analysed_after_one_call():
    from sim.study.sensitivity import analyse_frame

    experiments, outcomes, x = ema_results()
    runs = runs_from_experiments(experiments, outcomes)
    result = analyse_table(runs, ["initial_readiness", "activist_share"], horizon=260)
    expected = np.where(x[:, 0] > 0.5, "mission", "engineering")
    assert (result.best.sort_values("point").best.to_numpy() == expected).all()
    assert result.rules[("cumulative_profit", 260)].accuracy == 1.0
    table = analyse_frame(runs, ["initial_readiness", "activist_share"], ["cumulative_profit"]).set_index(["road", "parameter"])
    assert table.loc[("mission", "initial_readiness"), "value"] > 0.99
    assert table.loc[("engineering", "initial_readiness"), "value"] < -0.99
    with pytest.raises(ValueError, match=re.escape("EMA's experiments has no column 'scenario'")):
        runs_from_experiments(experiments.drop(columns="scenario"), outcomes)
    with pytest.raises(ValueError, match=re.escape("outcome 'cumulative_profit' has shape (90, 5)")):
        runs_from_experiments(experiments, {"cumulative_profit": np.zeros((90, 5))})


def test_docstring_examples():
    import doctest

    import sim.study.where_roads_win as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_the_roads_report_is_written_from_a_small_sweep(study, tmp_path, monkeypatch):
    """docs/ROADS.md's writer (python -m sim.study.roads_report) on the small sweep, its attribution
    at a tiny organisation over 30 weeks, run in this process."""
    from concurrent.futures import Executor

    from sim.study import roads_report
    from sim.study.sensitivity import read_design
    from sim.study.where_roads_win import read_runs

    class InProcess(Executor):
        def __init__(self, max_workers=None):
            pass

        def map(self, fn, *iterables, **kwargs):
            return map(fn, *iterables)

    monkeypatch.setattr(roads_report, "ProcessPoolExecutor", InProcess)
    monkeypatch.setattr(roads_report, "REFERENCE", {"n_employees": 40, "n_customers": 300, "burn_in_weeks": 4})
    monkeypatch.setattr(roads_report, "WEEKS", 30)
    folder = study[0]
    design = read_design(folder)
    result = analyse_table(read_runs(folder, design), design.names)
    result.sweep_dir, result.design = folder, design
    page = roads_report.write_roads_report(result, tmp_path / "ROADS.md", seeds=2).read_text()
    assert "Outcomes (`sim/outcomes.py`): `cumulative_profit`, the sum of weekly profit over weeks 1 to h; " \
           "`mean_centricity`, the mean customer centricity over weeks 1 to h; `final_satisfaction`" in page
    assert "| final_satisfaction | 26 |" in page
    assert "| | cumulative_profit | mean_centricity | final_satisfaction |" in page
    assert "| road | mean_centricity | behaviour | resolution | needs_met |" in page
    assert "Units: cumulative profit in millions (currency units over five years)" in page
    assert "nan" not in page.lower()
