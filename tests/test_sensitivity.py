"""Sensitivity analysis: designs (hydra/sweeper=design) and their analysis (python -m sim.study.sensitivity).

Designs and the analysis core are tested in process, the analysis against known answers
(Ishigami's Sobol indices, exact Morris effects of a linear function, partial rank
correlations); one small Morris sweep runs end to end through the real command line
(two parameters x two roads x two seeds, tiny organisation) and is shared by the tests
below and by the Ray test in test_launchers.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.study.design import check_settings, make_design
from sim.study.ranges import DesignError, ParameterRange, check_range, parse_range
from sim.study.sensitivity import analyse_frame, analyse_table, prcc, read_design, read_outcomes, synthetic_table
from tests.helpers import sweep_master_config
from tests.test_sweep import REPO, job_dirs, once, output, private_copy, sim

TINY = ["organisation.n_employees=40", "organisation.n_customers=300", "steps=20", "organisation.burn_in_weeks=4"]
RANGES = {"organisation.initial_readiness": (0.2, 0.8), "customers.voice": (0.1, 0.6)}


def design_args(sweep_dir: Path) -> list[str]:
    """A Morris design over two parameters, 2 trajectories (6 points) x 2 roads x 2 seeds = 24 jobs."""
    return ["-m", "hydra/sweeper=design", "hydra.sweeper.method=morris", "hydra.sweeper.n=2", "hydra.sweeper.seed=3",
            *[f"{key}=interval({low},{high})" for key, (low, high) in RANGES.items()],
            "road=status_quo,mission", "seed=0,1", *TINY, f"hydra.sweep.dir={sweep_dir}", "hydra.launcher.n_jobs=2"]


def run_design(folder: Path) -> subprocess.CompletedProcess:
    return sim(*design_args(folder))


@pytest.fixture(scope="module")
def design_sweep(tmp_path_factory):
    """(sweep folder, output, exit status) of the small Morris sweep, run once per session."""
    return once(tmp_path_factory, "design", run_design)


def sensitivity(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.study.sensitivity", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300)


# ---------------------------------------------------------------------- designs
def ranges(*keys: str) -> list[ParameterRange]:
    return [ParameterRange(k, 0.0, 1.0) for k in keys]


@pytest.mark.parametrize("method, n, points", [("lhs", 8, 8), ("sobol", 8, 8 * (3 + 2)), ("morris", 4, 4 * (3 + 1))])
def test_design_size_bounds_and_reproducibility(method, n, points):
    rs = [ParameterRange("a", 0.2, 0.4), ParameterRange("b", 10.0, 20.0), ParameterRange("c", -1.0, 1.0)]
    design = make_design(method, rs, n=n, seed=7)
    assert design.points.shape == (points, 3)
    for j, r in enumerate(rs):
        assert design.points[:, j].min() >= r.low and design.points[:, j].max() <= r.high
    np.testing.assert_array_equal(design.points, make_design(method, rs, n=n, seed=7).points)
    assert not np.array_equal(design.points, make_design(method, rs, n=n, seed=8).points)
    assert design.problem == {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0.2, 0.4], [10.0, 20.0], [-1.0, 1.0]]}


def test_lhs_has_one_point_in_every_stratum():
    points = make_design("lhs", ranges("a", "b"), n=10, seed=0).points
    for column in points.T:
        assert sorted(np.floor(column * 10).astype(int)) == list(range(10))


def test_sobol_second_order_and_morris_levels():
    assert make_design("sobol", ranges("a", "b"), n=4, second_order=True).points.shape == (4 * (2 * 2 + 2), 2)
    levels = make_design("morris", ranges("a", "b"), n=5, levels=6).points
    assert set(np.round(levels.ravel() * 5, 9)) <= set(range(6))   # on the grid of 6 levels


def test_design_overrides_are_exact():
    design = make_design("lhs", ranges("organisation.initial_readiness", "customers.voice", "customers.easy_share"), n=6)
    for point in range(6):
        values = [float(text.split("=")[1]) for text in design.overrides(point)]
        assert values == list(design.points[point])


@pytest.mark.parametrize("method, n, levels, message", [
    ("latin", 8, 4, "is not a design; choose one of lhs, sobol, morris"),
    ("lhs", 0, 4, "must be a whole number of at least 1"),
    ("sobol", 100, 4, "for sobol n must be a power of 2"),
    ("morris", 1, 4, "morris needs at least 2 trajectories"),
    ("morris", 4, 3, "Morris levels must be even"),
    ("lhs", 4, 4, "lhs with 2 ranges needs at least 5 points"),
])
def test_design_settings_are_refused_with_the_rule(method, n, levels, message):
    with pytest.raises(DesignError, match=message):
        check_settings(method, n, 2, levels)


def test_a_design_needs_a_range():
    with pytest.raises(DesignError, match="no range to sample"):
        check_settings("morris", 4, 0)


def test_ranges_are_told_from_the_grid():
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    assert parse_range("a", parser.parse_override("a=interval(0.1,0.9)").value()) == ParameterRange("a", 0.1, 0.9)
    assert parse_range("a", {"low": 1, "high": 2}) == ParameterRange("a", 1.0, 2.0)
    assert parse_range("road", parser.parse_override("road=mission,engineering").value()) is None
    assert parse_range("seed", 3) is None
    with pytest.raises(DesignError, match="interval\\(0.9,0.1\\) is empty"):
        parse_range("a", {"low": 0.9, "high": 0.1})
    with pytest.raises(DesignError, match="a range is"):
        parse_range("a", {"min": 0, "max": 1})


@pytest.mark.parametrize("rng, roads, message", [
    (ParameterRange("organisation.initial_readiness", 0.5, 1.2), ["mission"],
     "organisation.initial_readiness: interval\\(0.5,1.2\\) goes beyond the range the model allows, \\[0.0, 1.0\\]"),
    (ParameterRange("organisation.network_degree", 2, 8), ["mission"], "whole-number parameter: list its values in the grid"),
    (ParameterRange("customers.self_service", 0, 1), ["mission"], "true/false parameter"),
    (ParameterRange("organisation.nope", 0, 1), ["mission"], "unknown parameter 'organisation.nope'"),
    (ParameterRange("organisation.readiness", 0.2, 0.8), ["mission"],
     "parameter 'organisation.readiness' was renamed 'organisation.initial_readiness'"),
    (ParameterRange("seed", 0, 10), ["mission"], "seed is a whole-number parameter"),
    (ParameterRange("road.pressure", 0.2, 0.8), ["mission", "status_quo"],
     "road.pressure is not a parameter of road 'status_quo'"),
])
def test_ranges_are_checked_against_the_model(rng, roads, message):
    with pytest.raises(DesignError, match=message):
        check_range(rng, roads)


def test_a_road_parameter_range_within_its_declaration_is_accepted():
    check_range(ParameterRange("road.pressure", 0.2, 0.8), ["mission", "engineering"])


# ---------------------------------------------------------------------- the analysis recovers known answers
def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def indices(result: pd.DataFrame, index: str) -> dict[str, float]:
    return result[result["index"] == index].set_index("parameter")["value"].to_dict()


def test_sobol_indices_of_the_ishigami_function():
    sweep = synthetic_table("sobol", ishigami, n=1024, names=("x1", "x2", "x3"), bounds=(-np.pi, np.pi))
    result = analyse_table(sweep.design, sweep.outcomes, ["y"])
    exact_s1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
    exact_st = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}
    for name in exact_s1:
        assert indices(result, "S1")[name] == pytest.approx(exact_s1[name], abs=0.05)
        assert indices(result, "ST")[name] == pytest.approx(exact_st[name], abs=0.05)
    st = result[result["index"] == "ST"]
    assert (st["conf_low"] < st["value"]).all() and (st["value"] < st["conf_high"]).all()


def test_morris_effects_of_a_linear_function_are_exact():
    sweep = synthetic_table("morris", lambda x: 10 * x[:, 0] - 2 * x[:, 1] + 0 * x[:, 2], n=6)
    result = analyse_table(sweep.design, sweep.outcomes, ["y"])
    assert indices(result, "mu_star") == pytest.approx({"a": 10.0, "b": 2.0, "c": 0.0})
    assert indices(result, "mu") == pytest.approx({"a": 10.0, "b": -2.0, "c": 0.0})
    assert indices(result, "sigma") == pytest.approx({"a": 0.0, "b": 0.0, "c": 0.0}, abs=1e-9)


def test_morris_sigma_shows_an_interaction():
    sweep = synthetic_table("morris", lambda x: x[:, 0] * x[:, 1] + x[:, 2], n=10)
    sigma = indices(analyse_table(sweep.design, sweep.outcomes, ["y"]), "sigma")
    assert sigma["a"] > 0.1 and sigma["b"] > 0.1 and sigma["c"] == pytest.approx(0.0, abs=1e-9)


def test_partial_rank_correlations_of_lhs():
    rng = np.random.default_rng(4)
    sweep = synthetic_table("lhs", lambda x: np.exp(2 * x[:, 0]) - 3 * x[:, 1] + 0.05 * rng.standard_normal(len(x)), n=200)
    result = analyse_table(sweep.design, sweep.outcomes, ["y"]).set_index("parameter")
    assert result.loc["a", "value"] > 0.95 and result.loc["b", "value"] < -0.85
    assert result.loc["c", "conf_low"] < 0 < result.loc["c", "conf_high"]   # no effect: the interval holds 0


def test_prcc_is_one_for_a_monotone_function_of_one_parameter():
    x = np.random.default_rng(0).random((50, 3))
    np.testing.assert_allclose(prcc(x, x[:, 1] ** 3)[1], 1.0)


def test_analysis_is_deterministic_and_skips_constant_outcomes():
    sweep = synthetic_table("sobol", ishigami, n=64, names=("x1", "x2", "x3"), bounds=(-np.pi, np.pi))
    outcomes = sweep.outcomes.assign(flat=1.0)
    first = analyse_table(sweep.design, outcomes, ["y", "flat"])
    pd.testing.assert_frame_equal(first, analyse_table(sweep.design, outcomes, ["y", "flat"]))
    assert set(first["metric"]) == {"y"}


def test_seeds_are_averaged_per_point_unless_asked():
    sweep = synthetic_table("morris", lambda x: 4 * x[:, 0], n=4, names=("a", "b"))
    noisy = pd.concat([sweep.outcomes.assign(seed=0, y=sweep.outcomes["y"] + 1),
                       sweep.outcomes.assign(seed=1, y=sweep.outcomes["y"] - 1)])
    averaged = analyse_table(sweep.design, noisy, ["y"])
    assert indices(averaged, "mu_star") == pytest.approx({"a": 4.0, "b": 0.0})
    assert set(averaged["seeds"]) == {2}
    by_seed = analyse_table(sweep.design, noisy, ["y"], by_seed=True)
    assert set(by_seed["seed"]) == {0, 1} and set(by_seed["seeds"]) == {1}


# ---------------------------------------------------------------------- a plain table (not from our sampler)
def noisy_lhs(n: int = 200):
    """An LHS design of a, b, c, y = exp(2a) - 3b (+ noise), run on two seeds."""
    rng = np.random.default_rng(4)
    sweep = synthetic_table("lhs", lambda x: np.exp(2 * x[:, 0]) - 3 * x[:, 1], n=n)
    noise = 0.05 * rng.standard_normal((2, len(sweep.outcomes)))
    outcomes = pd.concat([sweep.outcomes.assign(seed=s, y=sweep.outcomes["y"] + noise[s]) for s in (0, 1)],
                         ignore_index=True)
    return sweep.design, outcomes


def test_a_plain_table_gives_the_designs_partial_rank_correlations():
    design, outcomes = noisy_lhs()
    by_design = analyse_table(design, outcomes, ["y"])
    plain = outcomes.drop(columns="point")        # points told apart by their values; seeds averaged
    by_frame = analyse_frame(plain, ["a", "b", "c"], ["y"], method="prcc")
    assert set(by_design["method"]) == {"lhs"} and set(by_frame["method"]) == {"prcc"}
    pd.testing.assert_frame_equal(by_frame.drop(columns=["method", "outcome"]), by_design.drop(columns=["method", "outcome"]))
    assert set(by_frame["seeds"]) == {2} and set(by_frame["points"]) == {200}
    by_seed = analyse_frame(plain, ["a", "b", "c"], ["y"], by_seed=True)
    pd.testing.assert_frame_equal(by_seed.drop(columns=["method", "outcome"]),
                                  analyse_table(design, outcomes, ["y"], by_seed=True).drop(columns=["method", "outcome"]))


def test_delta_of_a_plain_table_ranks_the_parameters_and_leaves_numpy_and_warnings_alone():
    import warnings

    _, outcomes = noisy_lhs()
    np.random.seed(123)
    before, filters = np.random.get_state()[1].copy(), list(warnings.filters)
    table = analyse_frame(outcomes, ["a", "b", "c"], ["y"], method="delta", resamples=100)
    assert np.array_equal(np.random.get_state()[1], before) and warnings.filters == filters
    delta = indices(table, "delta")
    assert delta["a"] > delta["b"] > 0.1 > delta["c"]
    s1 = indices(table, "S1")
    assert s1["a"] > 0.5 and s1["c"] < 0.1
    row = table[(table["index"] == "delta") & (table["parameter"] == "a")].iloc[0]
    assert row["conf_low"] < row["value"] < row["conf_high"]
    pd.testing.assert_frame_equal(table, analyse_frame(outcomes, ["a", "b", "c"], ["y"], method="delta", resamples=100))
    # SALib's own estimate on the same points, with the same seed
    from SALib.analyze import delta as salib_delta

    means = outcomes.groupby(["a", "b", "c"], sort=False)["y"].mean().reset_index()
    problem = {"num_vars": 3, "names": ["x0", "x1", "x2"], "bounds": [[0, 1]] * 3}
    bins = dict.fromkeys(problem["names"], 10)
    with warnings.catch_warnings(record=True):
        direct = salib_delta.analyze(problem, means[["a", "b", "c"]].to_numpy(), means["y"].to_numpy(), num_resamples=100,
                                     seed=20240601, method="all", bins_specs=bins)
    np.testing.assert_allclose([delta[p] for p in "abc"], direct["delta_raw"], rtol=1e-12)


def test_sobol_and_morris_of_a_plain_table_are_refused_without_their_design():
    sweep = synthetic_table("morris", lambda x: 10 * x[:, 0] - 2 * x[:, 1], n=6)
    plain = sweep.outcomes.drop(columns="point")
    for method, scheme in (("sobol", "cross-sampled matrices"), ("morris", "trajectories")):
        with pytest.raises(ValueError, match=re.escape(f"{method} indices need the sample {method}'s own scheme made, "
                                                       f"in its order ({scheme})")):
            analyse_frame(plain, ["a", "b", "c"], ["y"], method=method)
    with_design = analyse_frame(sweep.outcomes, ["a", "b", "c"], ["y"], method="morris", design=sweep.design)
    pd.testing.assert_frame_equal(with_design, analyse_table(sweep.design, sweep.outcomes, ["y"], outcome="given"))
    shuffled = sweep.outcomes.assign(point=sweep.outcomes["point"].to_numpy()[::-1])
    with pytest.raises(ValueError, match="point 0 of the table is not the design's point 0"):
        analyse_frame(shuffled, ["a", "b", "c"], ["y"], method="morris", design=sweep.design)


@pytest.mark.parametrize("kwargs, message", [
    ({"metrics": ["z"]}, "the table has no column 'z'"),
    ({"parameters": ["a", "d"]}, "the table has no column 'd'"),
    ({"groups": ["policy"]}, "the table has no column 'policy'"),
    ({"method": "fast"}, "method 'fast': choose prcc, delta (any sample) or sobol, morris"),
    ({"method": "delta", "rows": 12}, "delta needs at least 20 points; this sample has 12"),
    ({"parameters": ["a", "road"]}, "parameter 'road' is not a number"),
])
def test_a_malformed_plain_table_is_refused_naming_what_is_wrong(kwargs, message):
    _, outcomes = noisy_lhs(n=40)
    frame = outcomes[outcomes["point"] < kwargs.pop("rows", 40)]
    args = {"parameters": ["a", "b", "c"], "metrics": ["y"], **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        analyse_frame(frame, args.pop("parameters"), args.pop("metrics"), **args)


def test_a_design_table_without_a_metric_is_refused_naming_it():
    sweep = synthetic_table("lhs", lambda x: x[:, 0], n=40)
    with pytest.raises(ValueError, match=re.escape("the table of outcomes has no column 'z'")):
        analyse_table(sweep.design, sweep.outcomes, ["y", "z"])


# ---------------------------------------------------------------------- a real design sweep, end to end
def test_design_sweep_runs_every_point_on_every_road_and_seed(design_sweep):
    sweep_dir, text, code = design_sweep
    assert code == 0, text
    assert "Design: morris, 2 trajectories x (2 + 1) = 6 points over 2 parameters x 4 grid combinations = 24 jobs" \
        in text
    jobs = job_dirs(sweep_dir)
    assert len(jobs) == 24
    assert {j.name for j in jobs} == {
        f"organisation.burn_in_weeks=4,organisation.n_customers=300,organisation.n_employees=40,road={r},seed={s},"
        f"steps=20,point={p:04d}" for r in ("status_quo", "mission") for s in (0, 1) for p in range(6)}


def test_design_table_is_keyed_by_job_and_matches_each_jobs_config(design_sweep):
    sweep_dir = design_sweep[0]
    table = pd.read_csv(sweep_dir / "design.csv")
    assert list(table.columns) == ["job", "point", "road", "seed", *RANGES, "config_hash"]
    assert len(table) == 24 and table["job"].is_unique
    info = json.loads((sweep_dir / "design.json").read_text())
    assert (info["method"], info["n"], info["sampler_seed"], info["levels"], info["points"]) == ("morris", 2, 3, 4, 6)
    assert info["problem"] == {"num_vars": 2, "names": list(RANGES), "bounds": [list(b) for b in RANGES.values()]}
    assert info["grid"] == {"road": ["status_quo", "mission"], "seed": [0, 1]}
    expected = make_design("morris", [ParameterRange(k, *b) for k, b in RANGES.items()], n=2, seed=3).points
    for row in table.itertuples(index=False):
        config = yaml.safe_load((sweep_dir / row.job / ".hydra" / "config.yaml").read_text())
        assert config["organisation"]["initial_readiness"] == expected[row.point, 0] == pytest.approx(row[4], rel=1e-15)
        assert config["customers"]["voice"] == expected[row.point, 1] == pytest.approx(row[5], rel=1e-15)
        assert (config["road"]["name"], config["seed"]) == (row.road, row.seed)
        assert json.loads((sweep_dir / row.job / "status.json").read_text())["config_hash"] == row.config_hash
    # every point is the same on every road and seed (the design is crossed with the grid)
    assert table.groupby("point")[list(RANGES)].nunique().eq(1).all().all()


def test_design_sweep_ends_with_the_sensitivity_table_and_figures(design_sweep):
    sweep_dir, text, _ = design_sweep
    result = pd.read_csv(sweep_dir / "sensitivity.csv")
    assert list(result.columns) == ["method", "outcome", "road", "metric", "parameter", "index", "value", "conf",
                                    "conf_low", "conf_high", "points", "seeds"]
    assert set(result["road"]) == {"status_quo", "mission"} and set(result["parameter"]) == set(RANGES)
    assert set(result["index"]) == {"mu_star", "mu", "sigma"}
    assert {"customer_centricity", "profit", "share_committed"} <= set(result["metric"])
    assert set(result["points"]) == {6} and set(result["seeds"]) == {2}
    mu_star = result[result["index"] == "mu_star"]
    assert (mu_star["conf_low"] <= mu_star["value"]).all() and (mu_star["value"] <= mu_star["conf_high"]).all()
    for name in ("sensitivity_mu_star", "sensitivity_morris_plane"):
        for ext in ("png", "svg"):
            assert (sweep_dir / "figures" / f"{name}.{ext}").stat().st_size > 1000
    assert "[sim] sensitivity (morris)" in text and str(sweep_dir / "sensitivity.csv") in text
    assert (sweep_dir / "summary.csv").exists() and (sweep_dir / "runs.parquet").exists()


def test_sensitivity_command_recomputes_the_same_table(design_sweep, tmp_path):
    sweep_dir = private_copy(design_sweep[0], tmp_path)
    before = pd.read_csv(sweep_dir / "sensitivity.csv")
    proc = sensitivity(str(sweep_dir), "--no-figures")
    assert proc.returncode == 0, proc.stderr
    pd.testing.assert_frame_equal(pd.read_csv(sweep_dir / "sensitivity.csv"), before)
    proc = sensitivity(str(sweep_dir), "--outcome", "mean", "--metrics", "profit", "nps", "--no-figures")
    assert proc.returncode == 0, proc.stderr
    mean = pd.read_csv(sweep_dir / "sensitivity.csv")
    assert set(mean["metric"]) == {"profit", "nps"} and set(mean["outcome"]) == {"mean"}
    # mu* from the aggregation's summary.csv and SALib directly: the same number
    from SALib.analyze import morris

    design = read_design(sweep_dir)
    summary = pd.read_csv(sweep_dir / "summary.csv")
    table = design.table.merge(summary[["job", "mean_profit"]], on="job")
    y = table[table["road"] == "mission"].groupby("point")["mean_profit"].mean().to_numpy()
    direct = morris.analyze(design.problem, design.points(), y, num_levels=4, print_to_console=False)["mu_star"]
    ours = mean.query("road == 'mission' and metric == 'profit' and index == 'mu_star'")["value"].to_numpy()
    np.testing.assert_allclose(ours, direct, rtol=1e-9)


def test_the_sweeps_table_through_analyse_frame_gives_the_folders_indices(design_sweep):
    sweep_dir = design_sweep[0]
    design = read_design(sweep_dir)
    metrics = ["customer_centricity", "profit", "share_committed"]
    outcomes = read_outcomes(sweep_dir, design).sample(frac=1.0, random_state=1)   # rows in any order
    table = analyse_frame(outcomes, design.names, metrics, method="morris", design=design, outcome="final")
    written = pd.read_csv(sweep_dir / "sensitivity.csv")
    keys = ["road", "metric", "parameter", "index"]

    def ordered(t):
        return t[t["metric"].isin(metrics)].sort_values(keys).reset_index(drop=True)

    pd.testing.assert_frame_equal(ordered(table), ordered(written), check_exact=False, rtol=1e-12, check_dtype=False)
    prcc_table = analyse_frame(outcomes, design.names, metrics)
    # without the design, a point is its parameter values: the two trajectories share their three
    assert set(prcc_table["index"]) == {"PRCC"} and set(prcc_table["points"]) == {3}


def test_incomplete_sweep_is_refused_with_the_missing_jobs(design_sweep, tmp_path):
    sweep_dir = private_copy(design_sweep[0], tmp_path)
    gone = sorted(job_dirs(sweep_dir))[:2]
    for job in gone:
        (job / "status.json").unlink()
    proc = sensitivity(str(sweep_dir))
    assert proc.returncode == 2
    assert "incomplete: 2 of 24 jobs of the design have no result" in proc.stderr
    for job in gone:
        assert job.name in proc.stderr


def test_a_sweep_without_a_design_is_refused(design_sweep, tmp_path):
    sweep_dir = private_copy(design_sweep[0], tmp_path)
    (sweep_dir / "design.json").unlink()
    proc = sensitivity(str(sweep_dir))
    assert proc.returncode == 2 and "was not made from a design (no design.json" in proc.stderr
    proc = sensitivity(str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "is not a folder" in proc.stderr
    proc = sensitivity(str(design_sweep[0]), "--metrics", "happiness", "--no-figures")
    assert proc.returncode == 2 and "unknown metric 'happiness'" in proc.stderr


def test_rerun_resumes_the_missing_jobs_and_analyses(design_sweep, tmp_path):
    sweep_dir = private_copy(design_sweep[0], tmp_path)
    gone = sorted(job_dirs(sweep_dir))[5]
    (gone / "status.json").unlink()
    before = pd.read_csv(sweep_dir / "sensitivity.csv")
    proc = sim(*design_args(sweep_dir))
    assert proc.returncode == 0, output(proc)
    assert "1 to run, 23 already done (resumed), 0 invalid" in output(proc)
    pd.testing.assert_frame_equal(pd.read_csv(sweep_dir / "sensitivity.csv"), before)


# ---------------------------------------------------------------------- refused before any job runs
@pytest.mark.parametrize("extra, message", [
    (["organisation.initial_readiness=interval(0.5,1.5)"],
     "error: parameter 'organisation.initial_readiness' = 1.5 is out of range; allowed range [0.0, 1.0]"),
    (["hydra.sweeper.method=sobol", "hydra.sweeper.n=10", "customers.voice=interval(0.1,0.5)"],
     "hydra.sweeper.n = 10: for sobol n must be a power of 2"),
])
def test_bad_designs_are_refused_before_any_job_runs(tmp_path, extra, message):
    proc = sim("-m", "hydra/sweeper=design", *TINY, *extra, f"hydra.sweep.dir={tmp_path / 'bad'}")
    assert proc.returncode == 2, output(proc)
    assert message in output(proc)
    assert "Traceback" not in output(proc)
    assert not list((tmp_path / "bad").glob("*/status.json"))


def test_a_design_with_invalid_jobs_runs_none(tmp_path):
    # shares sum beyond 1 at some points: every job is checked before any runs
    proc = sim("-m", "hydra/sweeper=design", "hydra.sweeper.method=lhs", "hydra.sweeper.n=4",
               "organisation.share_front_line=interval(0.5,0.9)", *TINY, f"hydra.sweep.dir={tmp_path / 'bad'}")
    assert proc.returncode == 2
    assert "jobs of this sweep are invalid, so none was run" in output(proc)
    assert not list((tmp_path / "bad").glob("*/timeseries.parquet"))


# ---------------------------------------------------------------------- the job folders of the composition
def test_design_composition_matches_hydra(tmp_path):
    """Jobs composed on the fast path get the same config and folder as Hydra's own composition."""
    from omegaconf import OmegaConf

    from hydra_plugins.design_sweeper.design_sweeper import DesignComposer

    loader, master = sweep_master_config("sensitivity", tmp_path)
    composer = DesignComposer(loader, master)
    job = ["road=mission", "seed=1", "+experiment=sensitivity", "organisation.initial_readiness=0.41234567891234",
           "customers.voice=0.2", "hydra.sweep.subdir='road=mission,seed=1,point=0007'"]
    cfg_fast, dir_fast = composer(job)
    cfg_full, dir_full = composer.full(job)
    assert dir_fast == dir_full == tmp_path / "road=mission,seed=1,point=0007"
    assert OmegaConf.to_container(cfg_fast) == OmegaConf.to_container(cfg_full)


@pytest.mark.parametrize("name", ["sim.study.sensitivity", "sim.study.design",
                                  "sim.study.ranges",
                                  "hydra_plugins.centricity_launchers.launcher_schemas"])
def test_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
