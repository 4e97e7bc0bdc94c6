"""Roads are policies over one shared set of levers: replaying a road's levers gives the same run.

For each of the five roads, on two seeds and in two organisations, the levers the engine used
(``levers_applied``) are written to a file and replayed through the ``custom`` road: every
metric of every week must be identical. Any mechanism a road ran by itself would break this.
Then the schedule's rules (weeks not listed, levers not listed) and its bad input.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf

from sim import CentricityModel
from sim.levers import LEVERS
from sim.roads import NAMED_ROADS
from sim.study.config import CONFIG_DIR

ROADS_DIR = Path(__file__).resolve().parent.parent / "sim" / "roads"
WEEKS = 60
SMALL = {"burn_in_weeks": 8}


def scenario(name: str) -> dict:
    """The scenario's parameter groups, shrunk to a test size (the ratios of its organisation kept)."""
    if name == "default":
        return {"organisation": {"n_employees": 60, "n_customers": 700}}
    data = OmegaConf.to_container(OmegaConf.load(CONFIG_DIR / "scenario" / f"{name}.yaml"))
    groups = {g: dict(data.get(g) or {}) for g in ("organisation", "customers", "levers")}
    groups["organisation"].update(n_employees=60, n_customers=900)
    return groups


@pytest.mark.parametrize("organisation", ["default", "subscription_software"])
@pytest.mark.parametrize("road", [r for r in NAMED_ROADS if r != "status_quo"])
def test_replaying_a_roads_levers_gives_the_same_run(road, organisation, tmp_path):
    groups = scenario(organisation)
    for seed, suffix in ((0, "csv"), (5, "parquet")):
        model = CentricityModel(road=road, seed=seed, **SMALL, **groups)
        model.run(WEEKS)
        levers = model.levers_applied()
        path = tmp_path / f"{road}-{seed}.{suffix}"
        table = levers.reset_index()
        table.to_csv(path, index=False) if suffix == "csv" else table.to_parquet(path)
        replay = CentricityModel(road="custom", road_params={"schedule": str(path)}, seed=seed, **SMALL, **groups)
        replay.run(WEEKS)
        pd.testing.assert_frame_equal(replay.results(), model.results(), check_exact=True)
        pd.testing.assert_frame_equal(replay.levers_applied(), levers, check_exact=True)
        moved = [c for c in LEVERS if levers[c].nunique() > 1]
        assert moved, f"{road} should move at least one lever"


def test_no_road_module_touches_agent_or_organisation_state():
    """Roads get the levers and a briefing, never the model: no road names the engine's state."""
    state = re.compile(r"\bmodel\b|workforce|\.people\b|\.customers\b|org_state|organisation\.|\.moments\b")
    for path in ROADS_DIR.glob("*.py"):
        code = "\n".join(line.split("#")[0] for line in path.read_text().splitlines())
        code = re.sub(r'"""[\s\S]*?"""', "", code)          # docstrings may speak of the model
        found = state.findall(code)
        assert not found, f"{path.name} reaches into the engine: {sorted(set(found))}"


def test_a_schedule_keeps_the_last_listed_values_and_leaves_unlisted_levers_as_usual():
    plan = pd.DataFrame({"week": [3, 10], "pressure": [0.5, 0.2], "nudging": [np.nan, 1.0]})
    model = CentricityModel(road="custom", road_params={"schedule": plan}, n_employees=40, n_customers=300, **SMALL)
    model.run(12)
    applied = model.levers_applied()
    usual = model.organisation.base_pressure
    assert applied.pressure.tolist() == [usual] * 3 + [0.5] * 7 + [0.2] * 3
    assert applied.nudging.tolist() == [0.0] * 10 + [1.0] * 3      # blank before its first value: as usual
    assert (applied.monitoring == model.organisation.base_monitoring).all()
    assert model.config()["road"]["schedule"].startswith("<table ")


def test_reward_weights_of_a_schedule_are_normalised_and_recorded_as_used():
    plan = pd.DataFrame({"week": [1], "kpi_customer": [0.6]})      # with the usual 0.4 and 0.4: sums to 1.4
    model = CentricityModel(road="custom", road_params={"schedule": plan}, n_employees=40, n_customers=300, **SMALL)
    model.run(2)
    row = model.levers_applied().iloc[-1]
    np.testing.assert_allclose([row.kpi_customer, row.kpi_efficiency, row.kpi_profit], np.array([0.6, 0.4, 0.4]) / 1.4)


@pytest.mark.parametrize("table, message", [
    (pd.DataFrame({"week": [1], "presure": [0.5]}), "unknown lever(s) 'presure'"),
    (pd.DataFrame({"week": [1], "pressure": [1.5]}),
     "lever 'pressure' = 1.5 in week 1 must be a number in the allowed range [0.0, 1.0]"),
    (pd.DataFrame({"week": [1], "integration_target": [2.5]}), "must be a whole number in the allowed range [0, 4]"),
    (pd.DataFrame({"week": [1], "streamline": [0.5]}), "lever 'streamline' = 0.5 in week 1 must be 0 or 1 (a switch)"),
    (pd.DataFrame({"week": [1], "pressure": ["high"]}), "lever 'pressure' = 'high' in week 1"),
    (pd.DataFrame({"pressure": [0.5]}), "needs a 'week' column"),
    (pd.DataFrame({"week": [1, 1], "pressure": [0.5, 0.6]}), "week 1 is listed twice"),
    (pd.DataFrame({"week": [-1], "pressure": [0.5]}), "'week' must hold whole numbers >= 0"),
])
def test_a_bad_schedule_is_refused_naming_what_is_wrong(table, message, tmp_path):
    with pytest.raises(ValueError, match=re.escape(message)):
        CentricityModel(road="custom", road_params={"schedule": table}, n_employees=40, n_customers=300, **SMALL)
    path = tmp_path / "levers.csv"
    table.to_csv(path, index=False)
    with pytest.raises(ValueError, match=re.escape(message)):
        CentricityModel(road="custom", road_params={"schedule": str(path)}, n_employees=40, n_customers=300, **SMALL)


def test_a_missing_or_malformed_file_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        CentricityModel(road="custom", road_params={"schedule": str(tmp_path / "nowhere.csv")})
    text = tmp_path / "levers.txt"
    text.write_text("week,pressure\n1,0.5\n")
    with pytest.raises(ValueError, match=r"must be a \.csv or \.parquet file"):
        CentricityModel(road="custom", road_params={"schedule": str(text)})
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    with pytest.raises(ValueError, match="cannot be read"):
        CentricityModel(road="custom", road_params={"schedule": str(broken)})


def test_a_road_that_sets_a_lever_out_of_range_is_stopped_with_the_levers_name():
    from sim.roads.base import Road

    class Reckless(Road):
        name = "reckless"

        def set_levers(self, levers, seen):
            levers.champions = 0.9

    model = CentricityModel(n_employees=40, n_customers=300, **SMALL)
    model.road = model.management.road = Reckless()
    with pytest.raises(ValueError, match=re.escape("lever 'champions' = 0.9 is out of range; allowed range [0.0, 0.5]")):
        model.step()


def test_a_run_folder_holds_its_levers_and_the_command_line_replays_them(tmp_path):
    """python -m sim writes levers.csv; road=custom road.schedule=that file gives the same run."""
    from tests.test_cli import SMALL, sim

    first, again = tmp_path / "mission", tmp_path / "replay"
    proc = sim("road=mission", "seed=2", "steps=12", *SMALL, f"hydra.run.dir={first}")
    assert proc.returncode == 0, proc.stdout
    levers = first / "levers.csv"
    assert pd.read_csv(levers).columns.tolist() == ["week", *LEVERS]
    proc = sim("road=custom", f"road.schedule={levers}", "seed=2", "steps=12", *SMALL, f"hydra.run.dir={again}")
    assert proc.returncode == 0, proc.stdout
    pd.testing.assert_frame_equal(pd.read_parquet(again / "timeseries.parquet"), pd.read_parquet(first / "timeseries.parquet"))
    bad = sim("road=custom", f"road.schedule={tmp_path / 'nowhere.csv'}", "steps=2", *SMALL, f"hydra.run.dir={tmp_path / 'x'}")
    assert bad.returncode == 2 and "road.schedule" in bad.stdout and "no such file" in bad.stdout
