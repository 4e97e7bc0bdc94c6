"""The Hydra config tree: composition, schemas from the declarations, and bad input.

In process, with Hydra's compose API (no simulation runs here).
"""

from __future__ import annotations

import re

import pytest
from hydra import compose, initialize_config_dir
from hydra.errors import ConfigCompositionException, MissingConfigException
from omegaconf import OmegaConf

from sim.params import GROUPS, describe
from sim.roads import NAMED_ROADS, ROADS
from sim.study.config import CONFIG_DIR, config_hash, road_yaml, validate

pytestmark = pytest.mark.xdist_group("config")

SCENARIOS = ("retail_bank", "subscription_software", "industrial_b2b")
EXPERIMENTS = ("five_roads", "tension", "pressure_withdrawal")


@pytest.fixture(scope="module")
def hydra_compose():
    """compose(overrides, hydra=False) against configs/, as the command line would."""
    import sim.study.cli  # noqa: F401  (registers the schemas and the sweeper's config)

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        def _compose(*overrides, hydra=False):
            return compose(config_name="config", overrides=list(overrides), return_hydra_config=hydra)
        yield _compose


# ---------------------------------------------------------------------- composition
def test_default_config_has_every_declared_parameter_with_its_default(hydra_compose):
    cfg = hydra_compose()
    assert cfg.seed == 0 and cfg.steps == 260 and cfg.scenario is None
    assert cfg.road.name == "status_quo"
    for group, cls in GROUPS.items():
        spec = describe(cls)
        assert set(cfg[group]) == set(spec), group
        for name, s in spec.items():
            assert cfg[group][name] == s["default"], f"{group}.{name}"


@pytest.mark.parametrize("road", list(ROADS))
def test_each_road_composes_with_its_own_parameters_and_defaults(hydra_compose, road):
    cfg = hydra_compose(f"road={road}")
    declared = ROADS[road].declared()
    assert cfg.road.name == road
    assert set(cfg.road) == {"name", *declared}
    for name, s in declared.items():
        assert cfg.road[name] == s["default"]
    if road == "custom":   # a custom road without a schedule is an input error, not the status quo
        with pytest.raises(ValueError, match="needs a schedule"):
            validate(cfg)
        return
    assert validate(cfg)["road"] == {"name": road, **ROADS[road].defaults()}


def test_contract_keys_override(hydra_compose):
    cfg = hydra_compose("road=mission", "seed=3", "steps=104", "organisation.n_employees=500",
                        "organisation.n_customers=800", "road.start_week=26", "road.mission_intensity=0.7")
    checked = validate(cfg)
    assert (checked["road"]["name"], checked["seed"], checked["steps"]) == ("mission", 3, 104)
    assert checked["organisation"]["n_employees"] == 500 and checked["organisation"]["n_customers"] == 800
    assert checked["road"]["start_week"] == 26 and checked["road"]["mission_intensity"] == 0.7


def test_float_parameter_accepts_an_integer_literal(hydra_compose):
    cfg = hydra_compose("road=competing_values", "road.pacing_gain=0")
    assert isinstance(cfg.road.pacing_gain, float) and cfg.road.pacing_gain == 0.0


def test_road_files_list_the_declared_parameters_and_defaults():
    """The files are generated (``python -m sim.study.config``); their parameter lists must be current."""
    folder = CONFIG_DIR / "road"
    assert {p.stem for p in folder.glob("*.yaml")} == set(ROADS)
    for name in ROADS:
        text = (folder / f"{name}.yaml").read_text()
        expected = [line for line in road_yaml(name).splitlines() if line.startswith("#   ")]
        listed = [line for line in text.splitlines() if line.startswith("#   ")]
        assert listed == expected, f"configs/road/{name}.yaml is out of date: run `python -m sim.study.config`"
        assert f"  - /schema/road/{name}@_here_" in text and f"\nname: {name}\n" in text


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenarios_compose_and_are_documented(hydra_compose, scenario):
    cfg = hydra_compose(f"scenario={scenario}")
    assert cfg.scenario == scenario
    validate(cfg)
    default = hydra_compose()
    changed = [k for k in default.organisation if cfg.organisation[k] != default.organisation[k]]
    assert {"n_customers", "initial_readiness", "share_front_line"} <= set(changed) and len(changed) >= 8
    assert cfg.customers.activist_share != default.customers.activist_share
    text = (CONFIG_DIR / "scenario" / f"{scenario}.yaml").read_text()
    for topic in ("Sizes", "Customer mix", "Readiness", "Activist share", "Integration level"):
        assert f"# {topic}" in text, f"{scenario}.yaml does not document {topic}"


def test_scenarios_differ_from_each_other(hydra_compose):
    configs = [OmegaConf.to_container(hydra_compose(f"scenario={s}")) for s in SCENARIOS]
    sizes = {(c["organisation"]["n_employees"], c["organisation"]["n_customers"]) for c in configs}
    assert len(sizes) == len(SCENARIOS)


def test_command_line_overrides_a_scenario(hydra_compose):
    cfg = hydra_compose("scenario=retail_bank", "organisation.n_employees=40")
    assert cfg.organisation.n_employees == 40 and cfg.organisation.n_customers == 15000


def test_five_roads_sweeps_every_road_over_30_seeds(hydra_compose):
    cfg = hydra_compose("+experiment=five_roads", hydra=True)
    params = cfg.hydra.sweeper.params
    assert set(params.road.split(",")) == set(NAMED_ROADS)
    assert params.seed == "range(0,30)"
    assert cfg.hydra.mode.name == "MULTIRUN"


def test_tension_sweeps_fixed_pressure_on_the_adaptive_road(hydra_compose):
    params = hydra_compose("+experiment=tension", hydra=True).hydra.sweeper.params
    assert params.road == "competing_values"
    assert float(params["road.pacing_gain"]) == 0.0
    pressures = [float(p) for p in str(params["road.pressure"]).split(",")]
    assert pressures[0] == 0.0 and pressures[-1] == 1.0 and len(pressures) >= 5
    assert re.fullmatch(r"range\(0,(1\d|20)\)", params.seed)


def test_pressure_withdrawal_stops_pressure_half_way(hydra_compose):
    cfg = hydra_compose("+experiment=pressure_withdrawal", hydra=True)
    params = cfg.hydra.sweeper.params
    assert params.road == "engineering" and cfg.steps == 260
    assert str(params["road.pressure_stop_week"]).split(",") == ["-1", "130"]


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_each_experiment_is_documented_with_its_command(name):
    from pathlib import Path

    doc = Path(__file__).resolve().parent.parent / "experiments" / f"{name}.md"
    text = doc.read_text()
    assert f"+experiment={name}" in text and "**Question.**" in text and "figures" in text


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize("override, words", [
    ("seed=abc", ["seed", "abc"]),
    ("steps=1.5", ["steps", "1.5"]),
    ("organisation.n_employees=50.5", ["n_employees", "50.5"]),
    ("levers.streamline=maybe", ["streamline", "maybe"]),
    ("organisation.foo=1", ["foo"]),
    ("foo=1", ["foo"]),
])
def test_wrong_type_or_unknown_key_fails_at_composition(hydra_compose, override, words):
    with pytest.raises(ConfigCompositionException) as err:
        hydra_compose(override)
    text = str(err.value) + str(err.value.__cause__ or "")
    for word in words:
        assert word in text


def test_unknown_road_parameter_fails_at_composition(hydra_compose):
    with pytest.raises(ConfigCompositionException) as err:
        hydra_compose("road=mission", "road.headcount_cut=0.5")
    assert "headcount_cut" in str(err.value) + str(err.value.__cause__)


@pytest.mark.parametrize("override, group", [("road=nope", "road"), ("scenario=nope", "scenario")])
def test_unknown_road_or_scenario_fails_naming_the_options(hydra_compose, override, group):
    with pytest.raises(MissingConfigException) as err:
        hydra_compose(override)
    assert f"{group}/nope" in str(err.value)


@pytest.mark.parametrize("overrides, message", [
    (["organisation.n_employees=5"], "parameter 'organisation.n_employees' = 5 is out of range; "
                                     "allowed range [10, 200000]"),
    (["road=mission", "road.pressure=1.5"], "parameter 'road.pressure' = 1.5 is out of range; "
                                            "allowed range [0.0, 1.0]"),
    (["customers.activist_share=-0.1"], "'customers.activist_share' = -0.1"),
    (["steps=-1"], "parameter 'steps' = -1 is out of range"),
    (["seed=-3"], "parameter 'seed' = -3 is out of range"),
    (["+organisation.foo=1"], "unknown parameter 'organisation.foo'"),
    (["+foo=1"], "unknown key 'foo'"),
])
def test_out_of_range_fails_before_any_work_with_key_value_and_range(hydra_compose, overrides, message):
    cfg = hydra_compose(*overrides)
    with pytest.raises(ValueError) as err:
        validate(cfg)
    assert message in str(err.value)


@pytest.mark.parametrize("road", list(ROADS))
def test_every_road_parameter_range_is_checked(hydra_compose, road):
    cfg = hydra_compose(f"road={road}")
    for name, spec in ROADS[road].declared().items():
        if spec["high"] is None:
            continue
        bad = OmegaConf.to_container(cfg)
        bad["road"][name] = spec["high"] + 1
        with pytest.raises(ValueError, match=re.escape(f"'road.{name}'")):
            validate(bad)


def test_config_hash_depends_on_every_value(hydra_compose):
    a = validate(hydra_compose("seed=1"))
    assert config_hash(a) == config_hash(validate(hydra_compose("seed=1")))
    assert config_hash(a) != config_hash(validate(hydra_compose("seed=2")))
    assert config_hash(a) != config_hash(validate(hydra_compose("seed=1", "customers.voice=0.31")))
