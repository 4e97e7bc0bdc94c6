"""Live page: try a road, with this much pressure, in an organisation like yours.

Start it with ``make app`` (or ``solara run sim/page/app.py``) and open the printed address.
The page opens on a road with something to see, against its dashed twin (the same
organisation, seed and random events on the status quo, or on any road chosen under
*Compare with*). Press ▶ (play) or *Step*; one step is one week. Play runs at the pace
chosen under *Speed* and stops at the horizon (week 260 unless changed), from where
*Continue* goes on.

At 1280 x 720 everything a class needs is on one screen: the controls on the left, the
week and the four charts on the right; the week's numbers, the early warnings in words and
the road's description follow below the charts. An organisation that loses money every week
before any road starts (every road's profit then reads as losses) is said once, above the week.

The page is built the way Mesa's SolaraViz pages are: every chart subscribes to Mesa's
``update_counter`` and is redrawn by ``force_update``. It has its own run controls instead
of Mesa's ``ModelController`` because it paces play (weeks per second, redrawn as often as
that pace allows: ``sim.page.play``) and stops at a horizon, and its own control layout
because SolaraViz applies a changed control only on *Reset*; here a changed control
rebuilds the model at once (week 0), so "pick a road, drag the pressure, press play" does
what it says.
"""

from __future__ import annotations

import traceback
import warnings
from typing import Any

import reacton.ipyvuetify as rv
import solara
import solara.server.settings
from mesa.visualization.utils import force_update, update_counter

from sim.page import explain
from sim.page.charts import ALARM_COLOUR, CHARTS, ChartCache, LiveChart
from sim.page.explorer import (
    DEFAULT_SCENARIO,
    PAGE_ROADS,
    SLIDERS,
    SPEC,
    ExplorerModel,
    Scenario,
    controls_for,
    load_scenarios,
    road_controls,
    road_label,
)
from sim.page.play import DEFAULT_SPEED, HORIZON, MAX_HORIZON, SPEEDS, play, speed_named
from sim.roads import ROADS

__all__ = ["CHARTS", "ChartCache", "ExplorerModel", "Page", "controls_for", "load_scenarios"]

# Solara warns on every page load served over plain http to a host other than "localhost" (a
# classroom's address) that its session cookie falls back to SameSite=Lax: right for a page that
# is not embedded in another site's frame, so the warning says nothing a teacher can act on.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
# Solara's "This website runs on Solara" banner sits over the bottom-right corner of the
# charts; the server reads this setting on every page load.
solara.server.settings.theme.show_banner = False

#: The *Compare with* menu's entry for no twin (no dashed lines).
NO_TWIN = "nothing"
#: The largest seed the model accepts.
MAX_SEED = 2**63 - 1

# The page's frame: controls in a column of their own that scrolls by itself, the week and
# the charts beside them, two charts a row, filling the width, at most two rows high, so at
# 1280 x 720 the controls, the week and all four charts are on screen together.
CSS = """
.cc-page { display: flex; height: 100vh; overflow: hidden; background: #fff; }
.cc-controls { width: 310px; flex: none; overflow-y: auto; padding: 6px 8px; background: #f6f6f6;
               border-right: 1px solid #ddd; }
.cc-controls .v-card { margin: 0 0 6px 0 !important; padding: 2px 10px 8px 10px; }
.cc-controls .v-card__title { font-size: 0.95rem; padding: 2px 0 0 0 !important; }
.cc-controls .v-card__text { padding: 0 !important; }
.cc-controls .v-input { margin-top: 4px; }
.cc-controls .v-btn { text-transform: none; letter-spacing: normal; font-size: 0.95rem; }
.cc-controls .v-input__slider .v-input__slot { flex-wrap: wrap; }
.cc-controls .v-input__slider .v-label { flex: 0 0 100%; margin: 0 !important; font-size: 0.85rem; }
.cc-controls .v-messages__message { line-height: 1.2; }
.cc-main { flex: 1; min-width: 0; overflow-y: auto; padding: 2px 10px 10px 10px; }
.cc-charts { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 8px; }
.cc-charts img { width: 100%; height: auto; display: block; }
.cc-below { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; margin: 8px 0; }
.cc-strip { padding: 0 0 4px 0; line-height: 1.35; }
.cc-week { font-size: 1.4rem; font-weight: 600; margin-right: 10px; }
.cc-key { font-size: 0.85rem; color: #333; display: flex; flex-wrap: wrap; gap: 0 16px; align-items: center; }
.cc-status { font-size: 0.85rem; color: #555; margin-right: 12px; }
.cc-field-error { color: #b00020; font-size: 0.8rem; line-height: 1.2; }
.cc-losing-money { font-size: 0.85rem; line-height: 1.3; margin: 4px 0 !important; }
@media (max-width: 900px) {
  .cc-page { display: block; height: auto; overflow: visible; }
  .cc-controls { width: auto; border-right: none; }
  .cc-charts, .cc-below { grid-template-columns: 1fr; }
}
"""


# ---------------------------------------------------------------------------- text


def Prose(markdown_text: str, style: dict | None = None):
    """Markdown rendered on the server into plain HTML.

    ``solara.Markdown`` loads KaTeX from a CDN in the browser, which an offline machine lacks;
    these texts are the page's own, so plain HTML is enough.
    """
    import markdown

    html = markdown.markdown(markdown_text, extensions=["tables"])
    css = ";".join(f"{k}:{v}" for k, v in (style or {}).items())
    return solara.HTML(tag="div", unsafe_innerHTML=html, style=css,
                       classes=["solara-markdown", "rendered_html", "jp-RenderedHTMLCommon"])


def _line_sample(dashed: bool) -> str:
    """A short line in the charts' style (solid: the road; dashed: its twin), as inline SVG."""
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    width = 1.5 if dashed else 2.2
    return (f'<svg width="30" height="10" style="vertical-align: middle"><line x1="1" y1="5" x2="29" y2="5" '
            f'stroke="#333" stroke-width="{width}"{dash}/></svg>')


def _band_sample() -> str:
    return (f'<svg width="16" height="12" style="vertical-align: middle"><rect width="16" height="12" '
            f'fill="{ALARM_COLOUR}" fill-opacity="0.25"/></svg>')


def key_html(model: ExplorerModel) -> str:
    """What solid, dashed and red mean on every chart, with the roads' plain names."""
    road = road_label(model.road.name, getattr(model.road, "pressure", None))
    parts = [f"<span>{_line_sample(False)} {road}</span>"]
    if model.twin is not None:
        twin = road_label(model.twin.road.name, getattr(model.twin.road, "pressure", None))
        parts.append(f"<span>{_line_sample(True)} {twin} (same seed, {model.seed})</span>")
    parts.append(f"<span>{_band_sample()} early warning</span>")
    return "".join(parts)


# ---------------------------------------------------------------------------- components


@solara.component
def Plot(model: ExplorerModel, chart: type[LiveChart], cache: ChartCache):
    """A chart redrawn whenever the model steps (Mesa's ``update_counter``) or is rebuilt."""
    update_counter.get()
    solara.Image(cache.get(chart, model).png(model), width="100%")


@solara.component
def WeekStrip(model: ExplorerModel, horizon: int, playing: bool, speed: str):
    """The week in large type, how far play goes, and what the lines on the charts mean."""
    update_counter.get()
    if playing:
        status = f"playing ({speed})"
    elif model.steps >= horizon:
        status = "stopped at the horizon: Continue goes on"
    else:
        status = "press ▶ to play, Step for one week"
    with solara.Div(classes=["cc-strip"]):
        with solara.Div():
            solara.HTML(tag="span", unsafe_innerHTML=f"Week {model.steps}", classes=["cc-week"])
            solara.Text(f"of {horizon}", classes=["cc-status"])
            solara.Text(status, classes=["cc-status"])
        solara.HTML(tag="div", unsafe_innerHTML=key_html(model), classes=["cc-key"])


def _fmt(value: float, kind: str) -> str:
    if kind == "money":
        return f"{value / 1000:,.1f}k"
    if kind == "pct":
        return f"{value:.0%}"
    if kind == "pct2":
        return f"{100 * value:.2f}%"
    if kind == "int":
        return f"{value:,.1f}"
    return f"{value:.3f}"


COMPARISON = (("Customer centricity", "customer_centricity", "num"), ("Profit per week", "profit", "money"),
              ("Satisfaction, low tier", "satisfaction_low", "num"),
              ("Satisfaction, top tier", "satisfaction_top", "num"), ("NPS", "nps", "int"),
              ("Churn per week", "churn_rate", "pct2"), ("Committed (cooperation + championing)", "committed", "pct"))


def week_table(model: ExplorerModel) -> str:
    """This week's numbers of the road, and of its twin with the difference, as a markdown table."""
    road, twin = model.series()

    def value(record, column):
        if column == "committed":
            return record.last("share_cooperation") + record.last("share_championing")
        return record.last(column)

    if twin is None:
        lines = ["| | this run |", "|---|---:|"]
        lines += [f"| {label} | {_fmt(value(road, c), k)} |" for label, c, k in COMPARISON]
    else:
        lines = [f"| | {ROADS[model.road.name].title} (solid) | {ROADS[model.twin.road.name].title} (dashed) "
                 "| difference |", "|---|---:|---:|---:|"]
        for label, c, k in COMPARISON:
            a, b = value(road, c), value(twin, c)
            sign = "+" if a - b >= 0 else "−"
            lines.append(f"| {label} | {_fmt(a, k)} | {_fmt(b, k)} | {sign}{_fmt(abs(a - b), k)} |")
    return "\n".join(lines)


@solara.component
def LosingMoney(model: ExplorerModel):
    """At the top, when the organisation loses money every week before any road starts: every
    road's profit then reads as losses (:meth:`CentricityModel.losing_money`); nothing otherwise."""
    sentence = model.losing_money()
    if sentence:
        solara.Warning(explain.losing_money_text(sentence), dense=True, classes=["cc-losing-money"])


@solara.component
def ThisWeek(model: ExplorerModel):
    """This week's road against its twin."""
    update_counter.get()
    with solara.Card(f"Week {model.steps} in numbers", elevation=1, margin=0):
        Prose(week_table(model), style={"font-size": "0.9em"})


@solara.component
def EarlyWarnings(model: ExplorerModel):
    """The early warnings of the chosen road so far, newest first, each in words."""
    update_counter.get()
    alarms = model.alarms()
    with solara.Card(f"Early warnings: {len(alarms)} so far", elevation=1, margin=0):
        Prose(explain.EARLY_WARNINGS, style={"font-size": "0.85em", "color": "#555"})
        if alarms:
            text = "\n".join(f"- {explain.alarm_text(a)}" for a in reversed(alarms[-6:]))
            if len(alarms) > 6:
                text += f"\n- … and {len(alarms) - 6} earlier"
            Prose(text, style={"font-size": "0.9em"})
        else:
            solara.Text("None yet.", style={"font-size": "0.9em", "color": "#555"})


@solara.component
def RoadPanel(model: ExplorerModel, scenarios: dict[str, Scenario]):
    """The chosen road in plain language, how to read the page, and the organisation."""
    scenario = scenarios.get(model.scenario_name)
    with solara.Card(elevation=1):
        Prose(explain.road_text(model.road.name))
        Prose(explain.HOW_TO_READ, style={"font-size": "0.85em", "color": "#555"})
        if scenario is not None and scenario.name != DEFAULT_SCENARIO:
            sets = "".join(f"<li>{SPEC[k]['doc'] if k in SPEC else k}: {v}</li>" for k, v in scenario.overrides.items())
            Prose(f"**Organisation: {scenario.title}.** {scenario.description}\n\n"
                  f"<details><summary>The {len(scenario.overrides)} parameters it sets (the sliders "
                  f"override theirs)</summary><ul>{sets}</ul></details>", style={"font-size": "0.85em"})


@solara.component
def CommitSlider(label: str, value: float, on_commit, min: float, max: float, step: float,
                 disabled: bool = False, help: str = ""):
    """A slider that shows its value while dragging and commits it once, on release.

    Rebuilding the model takes a few tenths of a second; committing on every intermediate
    value of a drag would queue rebuilds.
    """
    shown, set_shown = solara.use_state(value)
    solara.use_effect(lambda: set_shown(value), [value])
    is_int = all(float(x).is_integer() for x in (value, min, max, step))
    cast = int if is_int else float

    def commit(*args):
        data = args[-1]
        if data is not None:
            on_commit(cast(data))

    text = f"{shown:,}" if is_int else f"{shown:.2f}"
    with solara.Column(gap="0px"):
        slider = rv.Slider(v_model=shown, on_v_model=set_shown, label=f"{label}: {text}", min=min, max=max, step=step,
                           thumb_label=True, hide_details=True, disabled=disabled, class_="mt-2")
        rv.use_event(slider, "change", commit)
        if help:
            solara.Text(help, style={"font-size": "0.75em", "color": "#666", "line-height": "1.2"})


def whole_number_problem(text: str, label: str, low: int, high: int) -> str | None:
    """Why ``text`` is not a whole number from ``low`` to ``high``, in words; ``None`` if it is.

    Example:
        >>> whole_number_problem("-5", "Seed", 0, 100)
        'Seed -5 is refused: allowed is a whole number from 0 to 100.'
        >>> whole_number_problem(" 42 ", "Seed", 0, 100) is None
        True
    """
    allowed = f"allowed is a whole number from {low:,} to {high:,}"
    text = str(text).strip()
    try:
        number = int(text)
    except ValueError:
        return f"{label} '{text}' is refused: {allowed}." if text else f"{label} is empty: {allowed}."
    if not low <= number <= high:
        return f"{label} {number:,} is refused: {allowed}."
    return None


@solara.component
def WholeNumberField(label: str, value: int, on_value, low: int, high: int, help: str = ""):
    """A field for a whole number that refuses, visibly and with the allowed range, anything else.

    The value is taken on Enter or on leaving the field; a refused entry stays in the field,
    in red, with the reason below it, and the model keeps the last good value.
    """
    text, set_text = solara.use_state(str(value))
    problem, set_problem = solara.use_state(None)

    def take_new_value():  # the model's value changed (a rebuild, a scenario): show it, forget old errors
        set_text(str(value))
        set_problem(None)

    solara.use_effect(take_new_value, [value])

    def commit(*_):
        found = whole_number_problem(text, label, low, high)
        set_problem(found)
        if found is None and int(text) != value:
            on_value(int(text))

    with solara.Column(gap="0px"):  # one root, so the field keeps its widget (and its events) when refused
        field = rv.TextField(v_model=text, on_v_model=set_text, label=label, dense=True, error=problem is not None,
                             hint=help, persistent_hint=bool(help) and problem is None, hide_details="auto")
        rv.use_event(field, "keyup.enter", commit)
        rv.use_event(field, "blur", commit)
        if problem:
            solara.Text(problem, classes=["cc-field-error"])


def Menu(label: str, items: list[tuple[str, str]], value: str, on_value, help: str = ""):
    """A drop-down that shows plain names and hands back the identifier behind the chosen one."""
    return rv.Select(label=label, items=[{"text": text, "value": key} for key, text in items], v_model=value,
                     on_v_model=on_value, dense=True, hint=help, persistent_hint=bool(help))


@solara.component
def RunControls(model: ExplorerModel, playing: solara.Reactive[bool], speed: solara.Reactive[str],
                horizon: solara.Reactive[int], on_reset, error: solara.Reactive[str]):
    """Play, pause, step and reset; the pace of play in words; the week where play stops."""
    update_counter.get()  # the buttons follow the week (e.g. Continue at the horizon)
    at_horizon = model.steps >= horizon.value
    # The model on screen now: a play loop started for an earlier model (the controls changed) stops.
    current = solara.use_ref(model)
    current.current = model

    def run_until_horizon():
        """The play loop, in a thread of its own: weeks at the chosen pace until the horizon or a pause."""
        if not playing.value:
            return
        mine = model

        def keep_going() -> bool:
            return playing.value and current.current is mine

        try:
            play(mine, force_update, lambda: speed_named(speed.value).weeks_per_second, lambda: horizon.value,
                 keep_going=keep_going)
        except Exception as exc:  # noqa: BLE001 - shown on the page, not lost in a thread
            traceback.print_exc()
            error.set(f"error while playing: {exc}")
        finally:
            if current.current is mine:
                playing.set(False)

    solara.lab.use_task(run_until_horizon, dependencies=[playing.value], prefer_threaded=True)

    def step():
        model.step()
        force_update()

    def carry_on():
        horizon.set(min(model.steps + HORIZON, MAX_HORIZON))
        playing.set(True)

    with solara.Row(justify="space-between", style={"align-items": "center"}):
        solara.Button("Reset", color="primary", on_click=on_reset, outlined=True)
        solara.Button("❚❚" if playing.value else "▶", color="primary", on_click=lambda: playing.set(not playing.value),
                      disabled=at_horizon and not playing.value)
        solara.Button("Step", color="primary", on_click=step, disabled=playing.value)
    if at_horizon and not playing.value and model.steps < MAX_HORIZON:
        solara.Button(f"Continue for another {HORIZON} weeks", color="primary", on_click=carry_on, block=True,
                      classes=["mt-2"])
    Menu("Speed", [(s.name, s.name) for s in SPEEDS], speed.value, speed.set, help=explain.CONTROL_HELP["speed"])
    WholeNumberField("Stop at week", horizon.value, horizon.set, 1, MAX_HORIZON, help=explain.CONTROL_HELP["horizon"])


@solara.component
def Page():
    """The live page: controls on the left; the week, the charts and what they mean on the right."""
    scenarios = solara.use_memo(load_scenarios, [])
    charts = solara.use_memo(ChartCache, [])
    controls = solara.use_reactive(solara.use_memo(controls_for, []))
    initial = solara.use_memo(lambda: ExplorerModel(**controls.value), [])
    model = solara.use_reactive(initial)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED.name)
    horizon = solara.use_reactive(HORIZON)
    error = solara.use_reactive("")

    def rebuild(new: dict[str, Any]) -> None:
        playing.set(False)
        try:
            built = ExplorerModel(**new)
        except ValueError as exc:
            error.set(str(exc))
            return
        error.set("")
        controls.set(new)
        model.set(built)

    def set_control(name: str, value: Any) -> None:
        new = {**controls.value, name: value}
        if name == "road":
            new.update({"pressure": road_controls(value)["pressure"]})
        if name == "scenario_name":
            new = controls_for(value, new["road"], pressure=new["pressure"],
                               tension_setpoint=new["tension_setpoint"], start_week=new["start_week"],
                               seed=new["seed"], twin_road=new["twin_road"])
        rebuild(new)

    c = controls.value
    m = model.value
    help_text = explain.CONTROL_HELP
    roads = [(name, ROADS[name].title) for name in PAGE_ROADS]

    solara.Title("Customer-centric change")
    solara.Style(CSS)
    with solara.Div(classes=["cc-page"]):
        with solara.Div(classes=["cc-controls"]):
            solara.HTML(tag="div", unsafe_innerHTML="<b style='font-size:1.1rem'>Customer-centric change</b>"
                        "<br><span style='font-size:0.8rem;color:#555'>Try a road; one step is one week.</span>")
            with solara.Card("Run", elevation=1):
                RunControls(m, playing, speed, horizon, lambda: rebuild(dict(controls.value)), error)
            if error.value:
                solara.Error(error.value)
            with solara.Card("Change road", elevation=1):
                Menu("Road", roads, c["road"], lambda v: set_control("road", v))
                CommitSlider("Pressure on employees", c["pressure"], lambda v: set_control("pressure", v), 0.0, 1.0,
                             0.05, disabled=c["road"] == "status_quo", help=help_text["pressure"])
                if c["road"] == "competing_values":
                    CommitSlider("Tension set-point", c["tension_setpoint"],
                                 lambda v: set_control("tension_setpoint", v), 0.0, 1.0, 0.05,
                                 help=help_text["tension_setpoint"])
                CommitSlider("Road starts in week", c["start_week"], lambda v: set_control("start_week", v), 0, 104, 1)
                Menu("Compare with (dashed)", [*roads, (NO_TWIN, "Nothing (no dashed lines)")],
                     c["twin_road"] or NO_TWIN, lambda v: set_control("twin_road", None if v == NO_TWIN else v),
                     help=help_text["twin_road"])
            with solara.Card("Organisation", elevation=1):
                Menu("Scenario", [(name, s.title) for name, s in scenarios.items()], c["scenario_name"],
                     lambda v: set_control("scenario_name", v))
                for name in ("initial_readiness", "initial_integration_level", "n_employees"):
                    label, low, high, step = SLIDERS[name]
                    CommitSlider(label, c[name], lambda v, name=name: set_control(name, v), low, high, step,
                                 help=help_text[name] if name == "initial_integration_level" else "")
            with solara.Card("Customers", elevation=1):
                for name in ("activist_share", "self_service_quality", "n_customers"):
                    label, low, high, step = SLIDERS[name]
                    CommitSlider(label, c[name], lambda v, name=name: set_control(name, v), low, high, step)
            with solara.Card("Same run again", elevation=1):
                WholeNumberField("Seed", c["seed"], lambda v: set_control("seed", v), 0, MAX_SEED,
                                 help=help_text["seed"])

        with solara.Div(classes=["cc-main"]):
            LosingMoney(m)
            WeekStrip(m, horizon.value, playing.value, speed.value)
            with solara.Div(classes=["cc-charts"]):
                for chart in CHARTS:
                    Plot(m, chart, charts)
            with solara.Div(classes=["cc-below"]):
                ThisWeek(m)
                EarlyWarnings(m)
            RoadPanel(m, scenarios)
