"""Aggregation of sweep folders and the comparison figures, in process.

Job folders are made the way a sweep job makes them (``sim.study.cli.simulate`` then
``status.json``), with tiny populations, so no subprocess is needed here.
"""

from __future__ import annotations

import doctest
import importlib
import json
import math

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.measurement import REQUIRED
from sim.roads import ROADS
from sim.study.aggregate import aggregate, build_tables, find_jobs, main, swept_parameters
from sim.study.cli import simulate
from sim.study.config import config_hash, validate
from sim.study.plots import (
    ROAD_COLOURS,
    figure_plan,
    make_figures,
    paired_differences,
    palette_for,
    plot_heatmaps,
    plot_parameter_sweep,
)
from sim.study.records import MANIFEST_FILE, write_json, write_status
from sim.study.stats import t_interval

pytestmark = pytest.mark.xdist_group("aggregate")

TINY = {"organisation": {"n_employees": 20, "n_customers": 120, "burn_in_weeks": 0}, "steps": 3}


def make_job(sweep_dir, overrides: list[str], status: str = "ok"):
    """A job folder as a sweep job leaves it, for the config the overrides describe."""
    cfg = json.loads(json.dumps(TINY))
    for text in overrides:
        key, value = text.split("=", 1)
        value = yaml.safe_load(value)
        if key == "road":
            cfg.setdefault("road", {})["name"] = value
            continue
        node = cfg
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    checked = validate(cfg)
    job_dir = sweep_dir / ",".join(sorted(overrides))
    if status == "ok":
        simulate(checked, job_dir, overrides)
        write_status(job_dir, "ok", overrides=overrides, config_hash=config_hash(checked))
    else:
        write_status(job_dir, status, overrides=overrides, error="RuntimeError: boom")
    return job_dir


@pytest.fixture(scope="module")
def road_sweep(tmp_path_factory):
    sweep = tmp_path_factory.mktemp("roads")
    for road in ("status_quo", "mission", "engineering"):
        for seed in (0, 1, 2):
            make_job(sweep, [f"road={road}", f"seed={seed}", "organisation.n_employees=20"])
    make_job(sweep, ["road=mission", "seed=3", "organisation.n_employees=20"], status="failed")
    return sweep


@pytest.fixture(scope="module")
def road_tables(road_sweep):
    return aggregate(road_sweep, figures=False)


# ---------------------------------------------------------------------- tables
def test_runs_has_one_row_per_finished_job_and_step(road_tables):
    runs = road_tables.runs
    assert len(runs) == 9 * (TINY["steps"] + 1)
    assert runs.groupby("job")["step"].apply(list).map(lambda s: s == list(range(TINY["steps"] + 1))).all()
    assert set(REQUIRED) <= set(runs.columns)


def test_parameters_are_columns_named_as_on_the_command_line(road_tables):
    runs, summary = road_tables.runs, road_tables.summary
    assert list(runs.columns[:5]) == ["job", "road", "seed", "organisation.n_employees", "step"]
    assert set(runs["road"]) == {"status_quo", "mission", "engineering"}
    assert runs["seed"].dtype.kind == "i" and runs["organisation.n_employees"].eq(20).all()
    assert {"job", "status", "error", "road", "seed", "wall_time_s"} <= set(summary.columns)


def test_summary_has_one_row_per_job_including_failures(road_tables):
    summary = road_tables.summary
    assert len(summary) == 10
    assert summary["status"].value_counts().to_dict() == {"ok": 9, "failed": 1}
    failed = summary[summary["status"] == "failed"].iloc[0]
    assert failed["error"] == "RuntimeError: boom" and failed["seed"] == 3
    assert math.isnan(failed["final_profit"])
    assert road_tables.counts == {"ok": 9, "failed": 1}


def test_aggregated_numbers_equal_the_per_run_files(road_sweep, road_tables):
    runs = pd.read_parquet(road_sweep / "runs.parquet")
    summary = pd.read_csv(road_sweep / "summary.csv")
    for job in summary[summary["status"] == "ok"]["job"]:
        ts = pd.read_parquet(road_sweep / job / "timeseries.parquet")
        mine = runs[runs["job"] == job].set_index("step")[ts.columns]
        pd.testing.assert_frame_equal(mine, ts, check_exact=True, check_names=False)
        per_run = json.loads((road_sweep / job / "summary.json").read_text())
        row = summary[summary["job"] == job].iloc[0]
        for kind in ("final", "mean"):
            for metric, value in per_run[kind].items():
                got = row[f"{kind}_{metric}"]
                assert (value is None and math.isnan(got)) or got == pytest.approx(value, rel=1e-12, abs=1e-12)


def test_swept_parameters_leave_out_seed_and_constants(road_tables):
    assert road_tables.swept == ["road"]
    summary = pd.DataFrame({"status": "ok", "road": ["a", "a"], "seed": [0, 1], "x": [1, 2], "y": [3, 3]})
    assert swept_parameters(summary, ["road", "seed", "x", "y"]) == ["x"]


def test_partial_sweep_reports_missing_jobs(tmp_path):
    done = make_job(tmp_path, ["seed=0"])
    write_json(tmp_path / MANIFEST_FILE, {"jobs": [
        {"dir": done.name, "overrides": ["seed=0"]},
        {"dir": "seed=1", "overrides": ["seed=1"]},
        {"dir": None, "overrides": ["seed=abc"], "error": "Value 'abc' could not be converted to Integer"},
    ]})
    result = aggregate(tmp_path, figures=False)
    assert result.counts == {"ok": 1, "missing": 1, "invalid": 1}
    assert set(result.runs["seed"]) == {0}
    assert "1 missing" in result.report() and "1 invalid" in result.report()
    assert len(find_jobs(tmp_path, everything=True)) == 1


def test_road_value_comes_from_the_config_when_not_overridden(tmp_path):
    make_job(tmp_path, ["seed=4"])
    runs, summary, names = build_tables(find_jobs(tmp_path))
    assert names == ["road", "seed"]
    assert summary.loc[0, "road"] == "status_quo" and summary.loc[0, "seed"] == 4


def test_aggregate_command(road_sweep, capsys):
    assert main([str(road_sweep), "--no-figures"]) == 0
    out = capsys.readouterr()
    assert "aggregated 10 jobs" in out.out and "RuntimeError: boom" in out.err
    assert main([str(road_sweep / "nope")]) == 2


# ---------------------------------------------------------------------- statistics
def test_t_interval_is_the_95_percent_t_interval():
    lo, hi = t_interval([1.0, 2.0, 3.0, 4.0])
    half = 3.182446305284263 * np.std([1, 2, 3, 4], ddof=1) / 2
    assert (lo, hi) == pytest.approx((2.5 - half, 2.5 + half))
    assert t_interval([5.0]) == (5.0, 5.0)


def test_paired_differences_match_on_seed_and_other_parameters():
    summary = pd.DataFrame({
        "road": ["status_quo", "status_quo", "mission", "mission", "mission"],
        "seed": [0, 1, 0, 1, 2],
        "final_profit": [10.0, 20.0, 13.0, 25.0, 99.0],
    })
    diffs = paired_differences(summary, ["seed"], ["profit"])
    assert sorted(diffs["diff_profit"]) == [3.0, 5.0]   # seed 2 has no status quo partner
    assert paired_differences(summary[summary.road == "mission"], ["seed"], ["profit"]).empty


def test_each_road_has_one_fixed_colour_and_status_quo_is_grey():
    assert set(ROAD_COLOURS) == set(ROADS)
    assert len(set(ROAD_COLOURS.values())) == len(ROAD_COLOURS)
    assert ROAD_COLOURS["status_quo"] == "#7f7f7f"
    assert palette_for("road", ["mission", "status_quo"]) == {"mission": ROAD_COLOURS["mission"],
                                                              "status_quo": "#7f7f7f"}


# ---------------------------------------------------------------------- figures
def synthetic(params: dict[str, list], seeds=3, steps=4):
    """Synthetic runs and summary tables over the grid of ``params`` (no simulation)."""
    rng = np.random.default_rng(0)
    grid = pd.MultiIndex.from_product([*params.values(), range(seeds)], names=[*params, "seed"]).to_frame(False)
    grid["road"] = grid.get("road", "competing_values")
    grid["job"] = [f"job{i}" for i in range(len(grid))]
    metrics = ["customer_centricity", "profit", "efficiency", "satisfaction", "value_tension",
               "share_compliance", "share_cooperation", "share_championing", "affective"]
    runs = grid.loc[grid.index.repeat(steps + 1)].reset_index(drop=True)
    runs["step"] = np.tile(np.arange(steps + 1), len(grid))
    for m in metrics:
        runs[m] = rng.random(len(runs))
    summary = grid.copy()
    summary["status"] = "ok"
    for m in metrics:
        summary[f"final_{m}"] = rng.random(len(grid))
        summary[f"mean_{m}"] = rng.random(len(grid))
    return runs, summary


def test_a_road_comparison_gets_paired_differences():
    runs, summary = synthetic({"road": ["status_quo", "mission"]})
    assert [name for name, _ in figure_plan(runs, summary, ["road"])] == [
        "timeseries", "final_outcomes", "tradeoff", "paired_differences"]


def test_a_numeric_sweep_gets_metric_against_parameter(tmp_path):
    runs, summary = synthetic({"road.pressure": [0.0, 0.5, 1.0]})
    plan = dict(figure_plan(runs, summary, ["road.pressure"]))
    assert list(plan) == ["timeseries", "final_outcomes", "tradeoff", "sweep_road_pressure"]
    paths = plot_parameter_sweep(summary, "road.pressure", None, tmp_path, metrics=("profit", "share_committed"))
    assert {p.name for p in paths} == {"sweep_road_pressure.png", "sweep_road_pressure.svg"}
    assert all(p.stat().st_size > 1000 for p in paths)


def test_two_numeric_parameters_get_a_heatmap(tmp_path):
    runs, summary = synthetic({"road.pressure": [0.2, 0.8], "road.monitoring": [0.1, 0.9]}, seeds=2, steps=2)
    plan = dict(figure_plan(runs, summary, ["road.pressure", "road.monitoring"]))
    assert "sweep_road_pressure_x_road_monitoring" in plan
    paths = plot_heatmaps(summary, ("road.pressure", "road.monitoring"), tmp_path, metrics=("profit",))
    assert {p.suffix for p in paths} == {".png", ".svg"}


def test_figures_are_the_same_files_drawn_in_one_process_or_several_and_run_to_run(tmp_path):
    runs, summary = synthetic({"road": ["status_quo", "mission", "engineering"]}, seeds=4, steps=3)
    np.random.seed(1)
    alone = make_figures(runs, summary, ["road"], tmp_path / "alone", processes=1)
    assert np.random.randint(1 << 30) == np.random.RandomState(1).randint(1 << 30), "global random state kept"
    shared = make_figures(runs, summary, ["road"], tmp_path / "shared", processes=3)
    again = make_figures(runs, summary, ["road"], tmp_path / "again", processes=3)
    assert [p.name for p in alone] == [p.name for p in shared] == [p.name for p in again]
    assert len(alone) == 8   # four figures, PNG and SVG
    for a, b, c in zip(alone, shared, again, strict=True):
        assert a.read_bytes() == b.read_bytes() == c.read_bytes(), a.name


def test_no_figures_without_finished_runs(tmp_path):
    assert make_figures(pd.DataFrame(), pd.DataFrame(), [], tmp_path) == []


# ---------------------------------------------------------------------- docstrings
@pytest.mark.parametrize("name", ["sim.study.config", "sim.study.sweep", "sim.study.records", "sim.study.cli",
                                  "sim.study.aggregate", "sim.study.plots", "sim.study.stats"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
