"""Live page: try a road, with this much pressure, in an organisation like yours.

Start it with ``make app`` (or ``solara run sim/page/app.py``) and open the printed address.
The page opens on a road with something to see, against its dashed twin (the same
organisation, seed and random events on the status quo, or on any road chosen under
*Compare with*). Press ▶ (play) or *Step*; one step is one week. Play runs at the pace
chosen under *Speed* and stops at the horizon (week 260 unless changed), from where
*Continue* goes on.

At 1280 x 720 everything a class needs is on one screen: the controls on the left, the
week and the four charts on the right; the week's numbers, the early warnings in words and
the road's description follow below the charts. It is made for a projector: no text there is
under 14 px (the charts' included), nothing is cut off (a long road's name wraps), and a
refused value's reason appears right below its field, scrolled into view, with a limit a
person can read. An organisation that loses money every week before any road starts (every
road's profit then reads as losses) is said once, above the week.

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

import ipyvuetify
import reacton.ipyvuetify as rv
import solara
import solara.server.settings
import traitlets
from mesa.visualization.utils import force_update, update_counter

from sim.page import explain
from sim.page.charts import ALARM_COLOUR, CHARTS, ROAD_STYLE, TWIN_COLOUR, TWIN_STYLE, ChartCache, LiveChart
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
from sim.study.metrics import format_difference, format_level, format_number

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
.cc-controls { width: 310px; flex: none; overflow-y: auto; padding: 6px 8px 40px 8px; background: #f6f6f6;
               border-right: 1px solid #ddd; }
.cc-controls .v-card { margin: 0 0 6px 0 !important; padding: 2px 10px 8px 10px; }
.cc-controls .v-card__title { font-size: 17px; padding: 2px 0 0 0 !important; }
.cc-controls .v-card__text { padding: 0 !important; }
.cc-controls .v-input { margin-top: 4px; }
.cc-controls .v-btn { text-transform: none; letter-spacing: normal; font-size: 16px; }
.cc-controls .v-input__slider .v-input__slot { flex-wrap: wrap; }
.cc-controls .v-input__slider .v-label { flex: 0 0 100%; margin: 0 !important; font-size: 15px; }
.cc-controls .v-label { font-size: 15px; }
/* A field's label stays full size above it when it holds a value (Vuetify shrinks it to 75%). */
.cc-controls .v-text-field { padding-top: 16px; }
.cc-controls .v-text-field .v-label--active { max-width: 100%; transform: translateY(-20px) scale(1); font-size: 14px; }
.cc-controls .v-messages, .cc-controls .v-messages__message { font-size: 14px; line-height: 1.25; }
/* A long road's name wraps in its menu and in the chosen field; nothing is cut short. */
.cc-controls .v-select__selection--comma { white-space: normal; overflow: visible; text-overflow: clip;
                                           line-height: 1.25; margin: 4px 4px 4px 0; }
.v-menu__content .v-list .v-list-item .v-list-item__title { white-space: normal; overflow: visible;
                                        text-overflow: clip; line-height: 1.3; font-size: 16px; }
.cc-help { font-size: 14px; color: #555; line-height: 1.25; }
.cc-main { flex: 1; min-width: 0; overflow-y: auto; padding: 2px 10px 10px 10px; }
.cc-charts { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 8px; }
.cc-charts img { width: 100%; height: auto; display: block; }
.cc-below { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; margin: 8px 0; }
.cc-below .jp-RenderedHTMLCommon table { font-size: 15px; width: 100%; table-layout: auto; }
.cc-below th:first-child, .cc-below td:first-child { text-align: left; width: 38%; }
.cc-strip { padding: 0 0 4px 0; line-height: 1.35; }
.cc-week { font-size: 1.6rem; font-weight: 600; margin-right: 10px; }
.cc-key { font-size: 15px; color: #333; display: flex; flex-wrap: wrap; gap: 0 18px; align-items: center; }
.cc-status { font-size: 15px; color: #555; margin-right: 12px; }
.cc-field-error { color: #b00020; font-size: 15px; line-height: 1.25; padding-top: 2px; }
.cc-losing-money { font-size: 15px; line-height: 1.3; margin: 4px 0 !important; }
.cc-prose { font-size: 15px; }
.cc-prose-quiet { font-size: 15px; color: #555; }
@media (max-width: 900px) {
  .cc-page { display: block; height: auto; overflow: visible; }
  .cc-controls { width: auto; border-right: none; }
  .cc-charts, .cc-below { grid-template-columns: 1fr; }
}
"""


# ---------------------------------------------------------------------------- text


def Prose(markdown_text: str, style: dict | None = None, classes: list[str] | None = None):
    """Markdown rendered on the server into plain HTML.

    ``solara.Markdown`` loads KaTeX from a CDN in the browser, which an offline machine lacks;
    these texts are the page's own, so plain HTML is enough.
    """
    import markdown

    html = markdown.markdown(markdown_text, extensions=["tables"])
    css = ";".join(f"{k}:{v}" for k, v in (style or {}).items())
    return solara.HTML(tag="div", unsafe_innerHTML=html, style=css,
                       classes=["solara-markdown", "rendered_html", "jp-RenderedHTMLCommon", *(classes or [])])


def _line_sample(dashed: bool) -> str:
    """A short line in the charts' style (solid with this week's dot: the road; grey dashed: its
    twin), as inline SVG."""
    if dashed:
        on, off = TWIN_STYLE["linestyle"][1]
        width = TWIN_STYLE["linewidth"]
        line = (f'<line x1="1" y1="7" x2="33" y2="7" stroke="{TWIN_COLOUR}" stroke-width="{width + 0.5}" '
                f'stroke-dasharray="{on * 1.4} {off * 1.4}"/>')
    else:
        line = (f'<line x1="1" y1="7" x2="29" y2="7" stroke="#333" stroke-width="{ROAD_STYLE["linewidth"] + 0.5}"/>'
                '<circle cx="29" cy="7" r="3.5" fill="#333"/>')
    return f'<svg width="34" height="14" style="vertical-align: middle">{line}</svg>'


def _band_sample() -> str:
    return (f'<svg width="18" height="14" style="vertical-align: middle"><rect width="18" height="14" '
            f'fill="{ALARM_COLOUR}" fill-opacity="0.25"/></svg>')


def key_html(model: ExplorerModel) -> str:
    """What solid, dashed and red mean on every chart, with the roads' plain names (what the
    dashed road shares with the solid one is said under *Compare with* and below the charts)."""
    road = road_label(model.road.name, getattr(model.road, "pressure", None))
    parts = [f"<span>{_line_sample(False)} {road}</span>"]
    if model.twin is not None:
        twin = road_label(model.twin.road.name, getattr(model.twin.road, "pressure", None))
        parts.append(f"<span>{_line_sample(True)} {twin}</span>")
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


#: This week's numbers: (row, the metric's column, its format: a metric of ``sim.study.metrics``).
COMPARISON = (("Customer centricity (0 to 1)", "customer_centricity", "customer_centricity"),
              ("Profit per week", "profit", "profit"),
              ("Satisfaction of the least valuable customers (0 to 1)", "satisfaction_low", "satisfaction"),
              ("Satisfaction of the most valuable customers (0 to 1)", "satisfaction_top", "satisfaction"),
              ("Net promoter score (\u2212100 to 100)", "nps", "nps"),
              ("Customers lost per week", "churn_rate", "churn"),
              ("Employees committed (cooperating or championing)", "committed", "share_committed"))


def level_text(metric: str, value: float) -> str:
    """A level as the project's one format for ``metric`` writes it (churn: a percentage).

    Example:
        >>> level_text("share_committed", 0.241), level_text("churn", 0.0052), level_text("profit", 51234.5)
        ('24.1%', '0.52%', '51,234')
    """
    if metric == "churn":
        return format_number(100 * value, 2, sign=False) + "%"
    return format_level(metric, value)


def difference_text(metric: str, solid: float, dashed: float) -> str:
    """Solid minus dashed in the project's one format for ``metric``: shares (churn, commitment)
    in percentage points, money as a share of the dashed road's level.

    Example:
        >>> difference_text("share_committed", 0.24, 0.41), difference_text("churn", 0.0056, 0.0052)
        ('-17.0 percentage points', '+0.04 percentage points')
    """
    if metric == "churn":
        return format_number(100 * (solid - dashed), 2) + " percentage points"
    return format_difference(metric, solid - dashed, base=dashed)


def week_table(model: ExplorerModel) -> str:
    """This week's numbers of the road, and of its twin with the difference, as a markdown table."""
    road, twin = model.series()

    def value(record, column):
        if column == "committed":
            return record.last("share_cooperation") + record.last("share_championing")
        return record.last(column)

    if twin is None:
        lines = ["| | this run |", "|---|---:|"]
        lines += [f"| {label} | {level_text(metric, value(road, c))} |" for label, c, metric in COMPARISON]
    else:
        lines = [f"| | {ROADS[model.road.name].title} (solid) | {ROADS[model.twin.road.name].title} (dashed) "
                 "| difference, solid minus dashed |", "|---|---:|---:|---:|"]
        for label, c, metric in COMPARISON:
            a, b = value(road, c), value(twin, c)
            lines.append(f"| {label} | {level_text(metric, a)} | {level_text(metric, b)} "
                         f"| {difference_text(metric, a, b)} |")
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
        Prose(week_table(model), classes=["cc-prose"])


@solara.component
def EarlyWarnings(model: ExplorerModel):
    """The early warnings of the chosen road so far, newest first, each in words."""
    update_counter.get()
    alarms = model.alarms()
    with solara.Card(f"Early warnings: {len(alarms)} so far", elevation=1, margin=0):
        Prose(explain.EARLY_WARNINGS, classes=["cc-prose-quiet"])
        if alarms:
            text = "\n".join(f"- {explain.alarm_text(a)}" for a in reversed(alarms[-6:]))
            if len(alarms) > 6:
                text += f"\n- … and {len(alarms) - 6} earlier"
            Prose(text, classes=["cc-prose"])
        else:
            solara.Text("None yet.", classes=["cc-prose-quiet"])


@solara.component
def RoadPanel(model: ExplorerModel, scenarios: dict[str, Scenario]):
    """The chosen road in plain language, how to read the page, and the organisation."""
    scenario = scenarios.get(model.scenario_name)
    with solara.Card(elevation=1):
        Prose(explain.road_text(model.road.name), classes=["cc-prose"])
        Prose(explain.HOW_TO_READ, classes=["cc-prose-quiet"])
        if scenario is not None and scenario.name != DEFAULT_SCENARIO:
            sets = "".join(f"<li>{SPEC[k]['doc'] if k in SPEC else k}: {v}</li>" for k, v in scenario.overrides.items())
            Prose(f"**Organisation: {scenario.title}.** {scenario.description}\n\n"
                  f"<details><summary>The {len(scenario.overrides)} parameters it sets (the sliders "
                  f"override theirs)</summary><ul>{sets}</ul></details>", classes=["cc-prose"])


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
                           hide_details=True, disabled=disabled, class_="mt-2")
        rv.use_event(slider, "change", commit)
        if help:
            solara.Text(help, classes=["cc-help"])


def limit_text(number: int) -> str:
    """A field's limit as a person reads it: thousands separated, a huge power of two as one.

    Example:
        >>> limit_text(5200), limit_text(2**63 - 1)
        ('5,200', '2⁶³ − 1')
    """
    if number >= 2**32 and (number + 1).bit_count() == 1:
        power = str(number.bit_length()).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
        return f"2{power} − 1"
    return f"{number:,}"


def whole_number_problem(text: str, label: str, low: int, high: int) -> str | None:
    """Why ``text`` is not a whole number from ``low`` to ``high``, in words; ``None`` if it is.

    Example:
        >>> whole_number_problem("-5", "Seed", 0, 100)
        'Seed -5 is refused: allowed is a whole number from 0 to 100.'
        >>> whole_number_problem("1e3", "Seed", 0, 2**63 - 1)
        "Seed '1e3' is refused: allowed is a whole number from 0 to 2⁶³ − 1."
        >>> whole_number_problem(" 42 ", "Seed", 0, 100) is None
        True
    """
    allowed = f"allowed is a whole number from {limit_text(low)} to {limit_text(high)}"
    text = str(text).strip()
    shown = text if len(text) <= 24 else text[:23] + "…"  # as typed, so the teacher recognises it
    try:
        number = int(text)
    except ValueError:
        return f"{label} '{shown}' is refused: {allowed}." if text else f"{label} is empty: {allowed}."
    if not low <= number <= high:
        return f"{label} {shown} is refused: {allowed}."
    return None


class FieldMessage(ipyvuetify.VuetifyTemplate):
    """A refused field's reason, right below the field, scrolled into view when it appears or
    changes: the field may sit at the bottom edge of the controls, and the reason must be seen
    where the teacher is looking."""

    text = traitlets.Unicode("").tag(sync=True)
    template = traitlets.Unicode("""
<template><div class="cc-field-error" role="alert">{{ text }}</div></template>
<script>
module.exports = {
  mounted() { this.show(); },
  watch: { text() { this.show(); } },
  methods: { show() { this.$nextTick(() => this.$el.scrollIntoView({block: "nearest", inline: "nearest"})); } },
};
</script>
""").tag(sync=True)


@solara.component
def WholeNumberField(label: str, value: int, on_value, low: int, high: int, help: str = ""):
    """A field for a whole number that refuses, visibly and with the allowed range, anything else.

    The value is taken on Enter or on leaving the field; a refused entry stays in the field,
    in red, with the reason right below it (scrolled into view), and the model keeps the last
    good value.
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
                             hint=help if problem is None else "", persistent_hint=bool(help), hide_details="auto")
        rv.use_event(field, "keyup.enter", commit)
        rv.use_event(field, "blur", commit)
        if problem:
            FieldMessage.element(text=problem)


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
            solara.HTML(tag="div", unsafe_innerHTML="<b style='font-size:19px'>Customer-centric change</b>"
                        "<br><span class='cc-help'>Try a road; one step is one week.</span>")
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
