"""The live page (sim/page/app.py), rendered headless with solara as Mesa's own tests do.

The page is rendered inside solara's ``AppLayout`` (which the server adds around ``Page``),
so the sidebar controls exist. ``ExplorerModel`` is replaced by a recording subclass with a
short burn-in, so each test can see which models the page built and stays fast.
"""

from __future__ import annotations

import contextlib
import inspect

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara

from sim import ROADS
from sim.page import app as app_module
from sim.page.app import CHARTS, ExplorerModel, controls_for, load_scenarios
from sim.roads import NAMED_ROADS

pytestmark = pytest.mark.xdist_group("app")
BURN_IN = 4


@pytest.fixture
def built(monkeypatch):
    """Every model the page builds, in order (the last is the one on screen)."""
    models: list[ExplorerModel] = []

    class Recording(ExplorerModel):
        def __init__(self, **kw):
            kw.setdefault("burn_in_weeks", BURN_IN)  # the page never sets it
            super().__init__(**kw)
            models.append(self)

    # Mesa's ModelController reads the signature to decide what to pass on Reset: show it the page's.
    Recording.__init__.__signature__ = inspect.signature(ExplorerModel.__init__)
    monkeypatch.setattr(app_module, "ExplorerModel", Recording)
    return models


@contextlib.contextmanager
def rendered():
    box, rc = solara.render(solara.AppLayout(children=[app_module.Page()]), handle_error=False)
    try:
        yield rc
    finally:
        rc.close()


def button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def select(rc, label):
    return rc.find(v.Select, label=label).widget


def slider(rc, label):
    """The slider whose label starts with ``label`` (labels end with the current value)."""
    found = [w for w in rc.find(v.Slider).widgets if str(w.label).startswith(label)]
    assert len(found) == 1, [w.label for w in rc.find(v.Slider).widgets]
    return found[0]


def release(widget, value):
    """Drag a slider to ``value`` and let go (the page commits on the 'change' event)."""
    widget.v_model = value
    widget.fire_event("change", value)


def html(rc) -> str:
    """The page's server-rendered texts (road panel, week card)."""
    return "\n".join(str(w.unsafe_innerHTML) for w in rc.find(solara.widgets.HTML).widgets)


def images(rc) -> list[bytes]:
    return [w.value for w in rc.find(ipywidgets.Image).widgets]


def test_page_builds_for_every_road(built):
    with rendered() as rc:
        assert built[-1].road.name == "status_quo"
        for road in [*NAMED_ROADS, "status_quo"]:
            select(rc, "Road").v_model = road
            model = built[-1]
            assert model.road.name == road and model.steps == 0, road
            assert (model.twin is None) == (road == "status_quo"), road
            if road != "status_quo":
                assert model.road.pressure == ROADS[road].declared()["pressure"]["default"], road
            charts = images(rc)
            assert len(charts) == len(CHARTS) and all(c[:8] == b"\x89PNG\r\n\x1a\n" for c in charts), road
            tension = [w for w in rc.find(v.Slider).widgets if str(w.label).startswith("Tension set-point")]
            assert len(tension) == (road == "competing_values"), road
            assert ROADS[road].title in html(rc), road  # the plain-language panel follows the road


def test_changing_a_control_rebuilds_the_model_with_that_value(built):
    with rendered() as rc:
        select(rc, "Road").v_model = "best_customer"
        release(slider(rc, "Pressure on employees"), 0.7)
        assert built[-1].road.name == "best_customer" and built[-1].road.pressure == 0.7
        assert slider(rc, "Pressure on employees").label.endswith("0.70")

        release(slider(rc, "Road starts in week"), 12)
        assert built[-1].road.start_week == 12 and built[-1].road.pressure == 0.7

        release(slider(rc, "Readiness for change"), 0.3)
        assert built[-1].organisation.readiness == 0.3
        release(slider(rc, "Integration level"), 2)
        assert built[-1].organisation.integration_level == 2
        release(slider(rc, "Share of activist customers"), 0.4)
        assert built[-1].customer_params.activist_share == 0.4
        release(slider(rc, "Self-service quality"), 0.9)
        assert built[-1].customer_params.self_service_quality == 0.9
        release(slider(rc, "Employees"), 100)
        assert built[-1].organisation.n_employees == 100
        release(slider(rc, "Customers"), 1000)
        assert built[-1].organisation.n_customers == 1000

        button(rc, "Step").click()
        assert built[-1].steps == 1
        seed = rc.find(v.TextField, label="Seed").widget
        seed.v_model = "7"
        seed.fire_event("keyup.enter")  # solara.InputInt commits on enter or leaving the field
        assert built[-1].seed == 7
        rc.find(v.Checkbox, label="Compare with status quo (dashed)").widget.v_model = False
        model = built[-1]
        assert model.twin is None and model.seed == 7 and model.road.pressure == 0.7

        # Every rebuild starts at week 0 with all the values chosen so far.
        assert model.steps == 0 and model.road.start_week == 12 and model.customer_params.activist_share == 0.4


def test_competing_values_tension_setpoint(built):
    with rendered() as rc:
        select(rc, "Road").v_model = "competing_values"
        release(slider(rc, "Tension set-point"), 0.6)
        assert built[-1].road.tension_setpoint == 0.6


def test_stepping_advances_the_model_and_redraws(built):
    with rendered() as rc:
        select(rc, "Road").v_model = "engineering"
        model = built[-1]
        before = images(rc)
        for _ in range(3):
            button(rc, "Step").click()
        assert model.steps == 3 and model.twin.steps == 3
        assert len(model.results()) == 4
        after = images(rc)
        assert all(a != b for a, b in zip(before, after, strict=True)), "every chart redraws"
        rc.find(v.CardTitle, children=["Week 3"]).assert_single()  # the week card

        # An early warning shows in words as soon as it fires (burn-in alarms are not shown).
        model.management.alarms.extend([(-2, "efficiency", "profit"), (4, "customer", "profit")])
        button(rc, "Step").click()
        assert "Week 4: <strong>customer</strong> is being sacrificed for <strong>profit</strong>" in html(rc)
        assert "(1 so far)" in html(rc) and "Week -2" not in html(rc)

        button(rc, "Reset").click()  # Mesa's ModelController: a new model with the current controls
        assert built[-1] is not model and built[-1].steps == 0 and built[-1].road.name == "engineering"


def test_scenario_sets_the_sliders(built, tmp_path, monkeypatch):
    (tmp_path / "small_shop.yaml").write_text(
        "# @package _global_\n#\n# A small shop.\n#\n# More detail.\nscenario: small_shop\n"
        "organisation:\n  n_employees: 80\n  readiness: 0.7\n  wage: 900.0\n"
        "customers:\n  activist_share: 0.3\n")
    monkeypatch.setattr(app_module, "SCENARIO_DIR", tmp_path)
    with rendered() as rc:
        assert select(rc, "Scenario").items == ["default", "small_shop"]
        select(rc, "Scenario").v_model = "small_shop"
        model = built[-1]
        assert model.scenario_name == "small_shop"
        assert model.organisation.n_employees == 80 and model.organisation.wage == 900.0
        assert model.customer_params.activist_share == 0.3
        assert slider(rc, "Readiness for change").label.endswith("0.70")
        release(slider(rc, "Readiness for change"), 0.2)  # a slider overrides the scenario
        assert built[-1].organisation.readiness == 0.2 and built[-1].organisation.wage == 900.0


# ---------------------------------------------------------------------------- the page's model


def test_explorer_model_maps_flat_keywords():
    m = ExplorerModel(road="competing_values", pressure=0.4, tension_setpoint=0.55, start_week=3, readiness=0.6,
                      integration_level=1, activist_share=0.25, self_service_quality=0.7, n_employees=60,
                      n_customers=600, seed=5, burn_in_weeks=2)
    assert (m.road.name, m.road.pressure, m.road.tension_setpoint, m.road.start_week) == (
        "competing_values", 0.4, 0.55, 3)
    assert (m.organisation.readiness, m.organisation.integration_level, m.organisation.n_employees,
            m.organisation.n_customers, m.organisation.burn_in_weeks) == (0.6, 1, 60, 600, 2)
    assert (m.customer_params.activist_share, m.customer_params.self_service_quality, m.seed) == (0.25, 0.7, 5)
    assert m.twin.road.name == "status_quo" and m.twin.config()["organisation"] == m.config()["organisation"]
    # pressure is ignored by the status quo, tension_setpoint by every road but competing_values
    assert ExplorerModel(road="status_quo", pressure=0.9, n_employees=40, n_customers=300, burn_in_weeks=0).twin is None
    assert ExplorerModel(road="mission", tension_setpoint=0.9, n_employees=40, n_customers=300,
                         burn_in_weeks=0).road.pressure == ROADS["mission"].declared()["pressure"]["default"]


def test_twin_is_the_status_quo_until_the_road_starts_and_runs_are_repeatable():
    kw = {"road": "best_customer", "start_week": 5, "n_employees": 60, "n_customers": 600, "burn_in_weeks": 4}
    a, b = ExplorerModel(**kw), ExplorerModel(**kw)
    for _ in range(10):
        a.step()
        b.step()
    road, sq = a.frames()
    assert road.iloc[:5].equals(sq.iloc[:5])  # weeks 0-4: the same organisation, the same events
    assert not road.iloc[5:].equals(sq.iloc[5:])
    assert road.equals(b.frames()[0]) and sq.equals(b.frames()[1])  # same seed and settings, same run
    assert a.picture().xy.tolist() == b.picture().xy.tolist()


def test_bad_values_are_refused_before_any_work():
    with pytest.raises(ValueError, match="unknown road"):
        ExplorerModel(road="shortcut")
    with pytest.raises(ValueError, match="unknown scenario"):
        ExplorerModel(scenario_name="nowhere")
    with pytest.raises(ValueError, match="readiness"):
        ExplorerModel(readiness=2.0)


def test_charts_draw_for_every_road_sharing_one_figure_each():
    cache = app_module.ChartCache()
    for road in NAMED_ROADS:
        m = ExplorerModel(road=road, start_week=2, n_employees=60, n_customers=600, burn_in_weeks=2)
        first = [cache.get(c, m).png(m) for c in CHARTS]
        for _ in range(3):
            m.step()
        later = [cache.get(c, m).png(m) for c in CHARTS]
        assert all(p[:8] == b"\x89PNG\r\n\x1a\n" for p in first + later)
        assert all(a != b for a, b in zip(first, later, strict=True))
    # one figure per time-series chart for all roads; the network picture follows the organisation
    assert len(cache.charts) == len(CHARTS)


def test_charts_follow_a_long_run():
    m = ExplorerModel(road="competing_values", n_employees=60, n_customers=600, burn_in_weeks=2)
    values = m.chart(CHARTS[0])
    for _ in range(60):  # past the first year: the week axis widens, the frame is drawn anew
        m.step()
    assert values.png(m)[:4] == b"\x89PNG"
    assert values.fig.axes[0].get_xlim()[1] >= 60
    low, high = values.fig.axes[0].get_ylim()
    centricity = m.results()["customer_centricity"]
    assert low <= centricity.min() and centricity.max() <= high


def test_network_picture_is_a_sample_for_a_large_organisation():
    m = ExplorerModel(n_employees=1000, n_customers=500, burn_in_weeks=0, compare=False)
    pic = m.picture()
    assert pic.n_seats == m.workforce.network.n_seats and 250 <= len(pic.seats) <= 320
    assert len(np.unique(pic.seats)) == len(pic.seats) and len(pic.inner) > len(pic.seats)
    assert m.chart(CHARTS[-1]).png(m)[:4] == b"\x89PNG"


def test_scenarios_are_read_and_broken_files_left_out(tmp_path):
    (tmp_path / "good.yaml").write_text("organisation:\n  n_employees: 120\ncustomers:\n  self_service: false\n")
    (tmp_path / "typo.yaml").write_text("organisation:\n  n_employes: 120\n")
    (tmp_path / "broken.yaml").write_text("organisation: [\n")
    scenarios = load_scenarios(tmp_path)
    assert list(scenarios) == ["default", "good"]
    assert scenarios["good"].overrides == {"n_employees": 120, "self_service": False}
    assert set(load_scenarios.problems) == {"typo", "broken"} and "n_employes" in load_scenarios.problems["typo"]
    assert list(load_scenarios(tmp_path / "missing")) == ["default"]


def test_the_project_scenarios_load_and_fit_the_sliders():
    for name in load_scenarios():
        controls = controls_for(name)
        for key, (_, low, high, _) in app_module.SLIDERS.items():
            assert low <= controls[key] <= high, (name, key)


@pytest.mark.parametrize("name", ["sim.page.app", "sim.page.explain"])
def test_docstring_examples(name):
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS).failed == 0
