"""Live page: try a road, with this much pressure, in an organisation like yours.

Start it with ``make app`` (or ``solara run sim/page/app.py``) and open the printed address.
Pick a road and a scenario, move the sliders, press ▶ (play) or *Step*. Every week the page
shows the chosen road as solid lines and, dashed beside it, the same organisation with the
same seed and no change programme (the status quo), so the effect of the road is visible
and the noise is not.

The page is built from Mesa's SolaraViz parts: its ``ModelController`` gives play,
step and reset, and every plot subscribes to Mesa's ``update_counter`` as SolaraViz
components do. The page lays out its own controls instead of ``SolaraViz(model_params=...)``
because SolaraViz applies a changed control only when *Reset* is pressed; here a
changed control rebuilds the model at once (week 0), so "pick a road, drag the pressure,
press play" does what it says.

Example:
    >>> m = ExplorerModel(road="best_customer", pressure=0.6, n_employees=60, n_customers=600,
    ...                   burn_in_weeks=0)
    >>> m.road.pressure, m.twin.road.name
    (0.6, 'status_quo')
    >>> m.step()
    >>> road, status_quo = m.frames()
    >>> len(road), len(status_quo)
    (2, 2)
"""

from __future__ import annotations

import dataclasses
import io
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import reacton.ipyvuetify as rv
import solara
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter
from PIL import Image as PILImage

from sim.employees import SUPPORT_STATES
from sim.model import CentricityModel
from sim.networks import FUNCTIONS
from sim.page import explain
from sim.params import GROUPS, describe, validate_group
from sim.roads import NAMED_ROADS, ROADS

# Solara warns on every page load served over plain http to a host other than "localhost" (a
# classroom's address) that its session cookie falls back to SameSite=Lax: right for a page that
# is not embedded in another site's frame, so the warning says nothing a teacher can act on.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "configs" / "scenario"
DEFAULT_SCENARIO = "default"

# ---------------------------------------------------------------------------- scenarios


@dataclasses.dataclass
class Scenario:
    """A named organisation: parameter overrides read from ``configs/scenario/<name>.yaml``."""

    name: str
    title: str
    description: str = ""
    overrides: dict[str, Any] = dataclasses.field(default_factory=dict)  # flat parameter names
    problem: str = ""  # why the file could not be used (then it is not offered)


def _read_yaml(path: Path) -> dict:
    from omegaconf import OmegaConf

    cfg = OmegaConf.load(path)
    try:
        data = OmegaConf.to_container(cfg, resolve=True)
    except Exception:  # an interpolation pointing outside this file: take the literal values
        data = OmegaConf.to_container(cfg, resolve=False)
    return data if isinstance(data, dict) else {}


def _header(path: Path) -> str:
    """The first paragraph of the file's leading comment block (its plain-language description)."""
    paragraph: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        if text.startswith("@package"):
            continue
        if not text:
            if paragraph:
                break
            continue
        paragraph.append(text)
    return " ".join(paragraph)


def _groups_of(data: dict) -> dict:
    """The dict holding ``organisation:/customers:/levers:``, at the top or one level down."""
    if any(g in data for g in GROUPS):
        return data
    for value in data.values():
        if isinstance(value, dict) and any(g in value for g in GROUPS):
            return value
    return {}


def load_scenarios(directory: Path | None = None) -> dict[str, Scenario]:
    """``default`` plus every readable, valid ``*.yaml`` in the scenario folder, by file name.

    A file that cannot be read or names an unknown parameter is left out (its problem is
    kept in ``load_scenarios.problems``) rather than breaking the page.
    """
    directory = SCENARIO_DIR if directory is None else Path(directory)
    paths = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    key = (str(directory), tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths))
    if key in _scenario_cache:  # parsed already and unchanged on disk
        scenarios, load_scenarios.problems = _scenario_cache[key]
        return dict(scenarios)
    scenarios = {DEFAULT_SCENARIO: Scenario(DEFAULT_SCENARIO, "Default organisation",
                                            "The model's default parameters.")}
    problems: dict[str, str] = {}
    for path in paths:
        name = path.stem
        try:
            data = _read_yaml(path)
            groups = _groups_of(data)
            overrides: dict[str, Any] = {}
            for group, cls in GROUPS.items():
                overrides.update(validate_group(cls, dict(groups.get(group) or {}), group))
        except Exception as exc:  # noqa: BLE001 - any broken file is reported, not fatal
            problems[name] = f"{path.name}: {exc}"
            continue
        title = str(data.get("title") or groups.get("title") or name.replace("_", " ").title())
        description = str(data.get("description") or groups.get("description") or _header(path))
        scenarios[name] = Scenario(name, title, description, overrides)
    load_scenarios.problems = problems
    _scenario_cache.clear()
    _scenario_cache[key] = (dict(scenarios), problems)
    return scenarios


load_scenarios.problems = {}
_scenario_cache: dict[tuple, tuple[dict[str, Scenario], dict[str, str]]] = {}

# ---------------------------------------------------------------------------- the page's model

# Parameters of sim.params with their defaults and ranges, by flat name.
_SPEC = {name: spec for cls in GROUPS.values() for name, spec in describe(cls).items()}

# The organisation and customer sliders: flat parameter name -> (label, slider min, max, step).
# Population ranges are kept where a rebuild stays under a second and a step well under it.
SLIDERS = {
    "readiness": ("Readiness for change", 0.0, 1.0, 0.05),
    "integration_level": ("Integration level (0-4)", 0, 4, 1),
    "n_employees": ("Employees", 50, 1500, 50),
    "activist_share": ("Share of activist customers", 0.0, 1.0, 0.05),
    "self_service_quality": ("Self-service quality", 0.0, 1.0, 0.05),
    "n_customers": ("Customers", 100, 30000, 100),
}


class ExplorerModel(CentricityModel):
    """The page's model: flat slider keywords mapped onto :class:`CentricityModel`, plus its twin.

    The mapping, keyword by keyword:

    ==========================  ==============================================================
    ``road``, ``start_week``,   passed through to ``CentricityModel``
    ``seed``
    ``pressure``                ``road_params["pressure"]`` (every road except ``status_quo``;
                                ``None``: the road's own default)
    ``tension_setpoint``        ``road_params["tension_setpoint"]`` (``competing_values`` only)
    ``scenario_name``           the named organisation's ``organisation/customers/levers``
                                overrides (``configs/scenario/<name>.yaml``; ``"default"``: none)
    ``readiness``,              parameters of :mod:`sim.params` by name; a value overrides the
    ``integration_level``,      scenario's, ``None`` keeps the scenario's (else the default)
    ``activist_share``,
    ``self_service_quality``,
    ``n_employees``,
    ``n_customers``,
    ``burn_in_weeks``
    ``compare``                 also build ``self.twin``: ``CentricityModel(road="status_quo")``
                                with the same seed and parameters, stepped with this model
    ==========================  ==============================================================

    Both models share the seed and the named random streams, so until ``start_week`` they are
    identical week for week, and afterwards the difference between them is the road's.
    """

    def __init__(self, road: str = "status_quo", scenario_name: str = DEFAULT_SCENARIO,
                 pressure: float | None = None, tension_setpoint: float | None = None,
                 start_week: int = 0, readiness: float | None = None,
                 integration_level: int | None = None, activist_share: float | None = None,
                 self_service_quality: float | None = None, n_employees: int | None = None,
                 n_customers: int | None = None, seed: int = 0, compare: bool = True,
                 burn_in_weeks: int | None = None):
        if road not in ROADS:
            raise ValueError(f"unknown road {road!r}; allowed roads: {', '.join(ROADS)}")
        scenarios = load_scenarios()
        if scenario_name not in scenarios:
            raise ValueError(f"unknown scenario {scenario_name!r}; available: {', '.join(scenarios)}")
        params = dict(scenarios[scenario_name].overrides)
        explicit = {"readiness": readiness, "integration_level": integration_level,
                    "activist_share": activist_share, "self_service_quality": self_service_quality,
                    "n_employees": n_employees, "n_customers": n_customers, "burn_in_weeks": burn_in_weeks}
        params.update({k: v for k, v in explicit.items() if v is not None})
        declared = ROADS[road].declared()
        road_params = {}
        if pressure is not None and "pressure" in declared:
            road_params["pressure"] = pressure
        if tension_setpoint is not None and "tension_setpoint" in declared:
            road_params["tension_setpoint"] = tension_setpoint
        super().__init__(road=road, start_week=start_week, road_params=road_params, seed=seed, **params)
        # Named `scenario_name`: Mesa models have a `scenario` of their own (parameters and rng).
        self.scenario_name = scenario_name
        self.params = params
        self.twin: CentricityModel | None = None
        if compare and road != "status_quo":
            self.twin = CentricityModel(road="status_quo", seed=seed, **params)
        self._frames_at: int | None = None
        self._frames = None
        self._picture = None
        self._charts: dict[type, LiveChart] = {}

    def step(self) -> None:
        """One week of the chosen road and, when comparing, one week of its status-quo twin."""
        super().step()
        if self.twin is not None:
            self.twin.step()

    def frames(self):
        """(results of the road, results of the status-quo twin or ``None``), cached per week."""
        if self._frames_at != self.steps:
            self._frames = (self.results(), None if self.twin is None else self.twin.results())
            self._frames_at = self.steps
        return self._frames

    def alarms(self) -> list[tuple[int, str, str]]:
        """Early-warning alarms of the recorded run, week >= 0: (week, sacrificed, favoured)."""
        return [a for a in self.management.alarms if a[0] >= 0]

    def picture(self) -> NetworkPicture:
        """The fixed layout of the employee network (or a readable sample), built once."""
        if self._picture is None:
            self._picture = NetworkPicture.of(self)
        return self._picture

    def chart(self, kind: type[LiveChart]) -> LiveChart:
        """This model's chart of a kind (see ``CHARTS``), built on first use."""
        if kind not in self._charts:
            self._charts[kind] = kind(self)
        return self._charts[kind]


def controls_for(scenario: str = DEFAULT_SCENARIO, road: str = "status_quo", **chosen) -> dict[str, Any]:
    """Slider values for a scenario and road: the scenario's values, else the defaults.

    Population sizes are held inside the sliders' range, so the page stays fluid.
    """
    scenarios = load_scenarios()
    overrides = scenarios[scenario].overrides if scenario in scenarios else {}
    values: dict[str, Any] = {"road": road, "scenario_name": scenario}
    for name, (_, low, high, _) in SLIDERS.items():
        value = overrides.get(name, _SPEC[name]["default"])
        values[name] = type(_SPEC[name]["default"])(min(max(value, low), high))
    values.update(road_controls(road))
    values.update({"start_week": 0, "seed": 0, "compare": True})
    values.update(chosen)
    return values


def road_controls(road: str) -> dict[str, Any]:
    """The road's own defaults for the pressure and tension set-point sliders."""
    declared = ROADS[road].declared()
    return {"pressure": declared.get("pressure", {"default": 0.0})["default"],
            "tension_setpoint": ROADS["competing_values"].declared()["tension_setpoint"]["default"]}


# ---------------------------------------------------------------------------- network picture

STATE_COLOURS = ("#b2182b", "#ef8a62", "#c8c8c8", "#67a9cf", "#2166ac")
STATE_LABELS = ("Active resistance", "Passive resistance", "Compliance", "Cooperation", "Championing")
VACANT = "#ffffff"


@dataclasses.dataclass
class NetworkPicture:
    """Seats to draw, their fixed positions and the ties among them."""

    seats: np.ndarray       # seat indices drawn
    xy: np.ndarray          # (len(seats), 2) positions
    inner: np.ndarray       # (n, 2, 2) segments of ties within a function
    across: np.ndarray      # (n, 2, 2) segments of ties across functions
    labels: list            # (x, y, text) per function
    n_seats: int            # all seats in the organisation

    @classmethod
    def of(cls, model: CentricityModel, max_seats: int = 400) -> NetworkPicture:
        """Lay out the seat network once: one seeded cluster per function, on a ring.

        Up to ``max_seats`` seats are all drawn; a larger organisation is shown as a sample
        of about 300: a contiguous block of seats per function, in proportion to its size
        (a function's seats sit on a ring lattice, so a block keeps their ties). The layout
        has its own generator and never draws from the model's streams.
        """
        import networkx as nx

        wf = model.workforce
        net, function = wf.network, np.asarray(wf.seat_function)
        n = net.n_seats
        if n <= max_seats:
            seats = np.arange(n)
        else:
            target = 300
            seats = np.concatenate([
                members[:max(min(len(members), 5), int(round(target * len(members) / n)))]
                for members in (np.flatnonzero(function == f) for f in range(len(FUNCTIONS)))])
        local = -np.ones(n, dtype=int)
        local[seats] = np.arange(len(seats))
        src, dst = np.asarray(net.src), np.asarray(net.dst)
        keep = (local[src] >= 0) & (local[dst] >= 0) & (src < dst)
        edges = np.stack([local[src[keep]], local[dst[keep]]], axis=1)
        fn = function[seats]
        xy = np.zeros((len(seats), 2))
        labels = []
        sizes = np.bincount(fn, minlength=len(FUNCTIONS))
        present = [f for f in range(len(FUNCTIONS)) if sizes[f] > 0]
        for k, f in enumerate(present):
            angle = np.pi / 2 - 2 * np.pi * k / len(present)
            centre = np.array([np.cos(angle), np.sin(angle)]) * (1.05 if len(present) > 1 else 0.0)
            radius = 0.55 * np.sqrt(sizes[f] / sizes.max())
            members = np.flatnonzero(fn == f)
            graph = nx.Graph()
            graph.add_nodes_from(members.tolist())
            mine = np.isin(edges[:, 0], members) & np.isin(edges[:, 1], members)
            graph.add_edges_from(map(tuple, edges[mine].tolist()))
            pos = nx.spring_layout(graph, seed=(int(model.seed) + f) % (2**32), iterations=50)
            p = np.array([pos[i] for i in members])
            p -= p.mean(axis=0)
            p *= radius / max(np.abs(p).max(), 1e-9)
            xy[members] = centre + p
            labels.append((centre[0], centre[1] + radius + 0.06, FUNCTIONS[f].replace("_", " ")))
        same = fn[edges[:, 0]] == fn[edges[:, 1]]
        segments = xy[edges]
        return cls(seats, xy, segments[same], segments[~same], labels, n)


# ---------------------------------------------------------------------------- drawing

# Each chart is a matplotlib figure drawn in full only when its frame changes (axis ranges
# grow, a new model); every other week only the data artists are drawn on a saved copy of
# the frame (blitting), which keeps a week's redraw of all charts to a few tens of ms.
FIGSIZE = (7.2, 4.4)
DPI = 96
ROAD_STYLE = {"linewidth": 1.8}
STATUS_QUO_STYLE = {"linestyle": (0, (4, 2)), "linewidth": 1.4, "alpha": 0.9}
TIERS = (("satisfaction", "All customers", "#222222"), ("satisfaction_top", "Top tier", "#2166ac"),
         ("satisfaction_middle", "Middle tier", "#5aae61"), ("satisfaction_low", "Low tier", "#d6604d"))


def week_limit(week: int) -> int:
    """The right end of the week axis: a year at first, then in half-year steps."""
    return 52 if week <= 52 else 26 * int(np.ceil(week / 26))


def grow_limits(ax, values: list[np.ndarray], min_span: float, pad: float = 0.12, floor: float | None = None) -> None:
    """Widen the y range to hold ``values``, with some headroom; narrow it only when far too wide.

    The range changes rarely (also across rebuilds of the model, which reuse the chart), so
    most weeks the chart is redrawn by blitting.
    """
    data = np.concatenate([np.asarray(v, dtype=float) for v in values if len(v)])
    data = data[np.isfinite(data)]
    if not len(data):
        return
    lo, hi = float(data.min()), float(data.max())
    if getattr(ax, "_grown", False):
        cur_lo, cur_hi = ax.get_ylim()
        needed = max(hi - lo, min_span) * (1 + 2 * pad)
        if cur_lo <= lo and hi <= cur_hi and cur_hi - cur_lo <= 10 * needed:
            return
        if cur_hi - cur_lo <= 10 * needed:
            lo, hi = min(lo, cur_lo), max(hi, cur_hi)
    span = max(hi - lo, min_span)
    mid = (hi + lo) / 2
    bottom, top = mid - span * (0.5 + pad), mid + span * (0.5 + pad)
    if floor is not None and bottom < floor <= lo:
        bottom, top = floor, top + (floor - bottom)
    ax.set_ylim(bottom, top)
    ax._grown = True


class LiveChart:
    """A figure redrawn by blitting; subclasses ``build`` it and ``update`` its data from a model.

    A chart is built for one model and serves any later model of the same ``variant`` (the
    page rebuilds the model whenever a control changes), so a rebuild rarely redraws in full.
    """

    @classmethod
    def variant(cls, model: ExplorerModel):
        """Models with equal variants share a chart (the time-series charts: any two models)."""
        return None

    def __init__(self, model: ExplorerModel):
        self.fig = Figure(figsize=FIGSIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.dynamic: list = []
        self.background = None
        self.frame: tuple | None = None
        self.lock = threading.Lock()
        self.build(model)

    def live(self, artist):
        """Mark an artist as data: drawn every week, not part of the saved frame."""
        artist.set_animated(True)
        self.dynamic.append(artist)
        return artist

    def build(self, model: ExplorerModel) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, model: ExplorerModel) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def png(self, model: ExplorerModel) -> bytes:
        """The chart for the model's current week, as PNG bytes."""
        with self.lock:
            self.update(model)
            self.mark_start(model)
            frame = (tuple(lim for ax in self.fig.axes for lim in (*ax.get_xlim(), *ax.get_ylim())),
                     tuple(legend.get_visible() for legend in getattr(self, "legend_pair", ())))
            if frame != self.frame or self.background is None:
                self.canvas.draw()
                self.background = self.canvas.copy_from_bbox(self.fig.bbox)
                self.frame = frame
            else:
                self.canvas.restore_region(self.background)
            for artist in self.dynamic:
                self.fig.draw_artist(artist)
            width, height = self.canvas.get_width_height()
            image = PILImage.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
            out = io.BytesIO()
            image.convert("RGB").save(out, format="png", compress_level=1)
            return out.getvalue()

    # helpers for subclasses
    def axis(self, ax, title: str, model: ExplorerModel) -> None:
        ax.set_title(title, fontsize=10, loc="left")
        ax.set_xlim(0, 52)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        if not hasattr(self, "start_lines"):
            self.start_lines = []
        self.start_lines.append(self.live(ax.axvline(0, color="#888888", linestyle=":", linewidth=1)))
        ax.grid(True, color="#eeeeee", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.tick_params(labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)

    def mark_start(self, model: ExplorerModel) -> None:
        """The dotted line at the week the road starts (none for the status quo or week 0)."""
        start = model.road.start_week
        for line in getattr(self, "start_lines", []):
            line.set_xdata([start, start])
            line.set_visible(model.road.name != "status_quo" and start > 0)

    def pair(self, ax, colour: str):
        """A solid line for the road (a dot on this week) and a dashed one for the status quo."""
        road = self.live(ax.plot([], [], color=colour, marker="o", markersize=3.5, markevery=[-1], **ROAD_STYLE)[0])
        sq = self.live(ax.plot([], [], color=colour, **STATUS_QUO_STYLE)[0])
        return road, sq

    @staticmethod
    def set_pair(lines, road_df, sq_df, column: str, scale: float = 1.0) -> list[np.ndarray]:
        """Give a pair its data (the dashed line is empty without a twin); returns the values shown."""
        road, sq = lines
        values = [road_df[column].to_numpy() * scale]
        road.set_data(road_df.index.to_numpy(), values[0])
        if sq_df is None:
            sq.set_data([], [])
        else:
            values.append(sq_df[column].to_numpy() * scale)
            sq.set_data(sq_df.index.to_numpy(), values[1])
        return values

    def legends(self, make) -> None:
        """Two versions of a legend, with and without the status quo; ``show_legend`` picks one.

        Legends belong to the frame (text is costly to draw every week); which one shows is
        part of the frame's key, so switching draws the frame anew.
        """
        self.legend_pair = (make(True), make(False))
        if self.legend_pair[0].axes is not None:  # an axes keeps only its last legend: draw the other too
            self.legend_pair[0].axes.add_artist(self.legend_pair[0])

    def show_legend(self, model: ExplorerModel) -> None:
        compare = model.twin is not None
        self.legend_pair[0].set_visible(compare)
        self.legend_pair[1].set_visible(not compare)


def _legend_handles(compare: bool) -> tuple[list, list]:
    if not compare:
        return [], []
    return ([Line2D([], [], color="#444444", **ROAD_STYLE), Line2D([], [], color="#444444", **STATUS_QUO_STYLE)],
            ["chosen road", "status quo (same seed)"])


class ValuesChart(LiveChart):
    """Customer centricity, efficiency, profit and value tension; early warnings as red ticks."""

    PANELS = (("customer_centricity", "Customer centricity (index 0-1)", "#2166ac", 1.0, 0.02),
              ("efficiency", "Efficiency (output per 1,000 of cost)", "#5aae61", 1.0, 0.5),
              ("profit", "Profit per week (thousands)", "#762a83", 1e-3, 10.0),
              ("value_tension", "Value tension (0-1)", "#d6604d", 1.0, 0.02))

    def build(self, model):
        self.axes = self.fig.subplots(2, 2, gridspec_kw={"left": 0.08, "right": 0.98, "top": 0.84,
                                                         "bottom": 0.1, "hspace": 0.38, "wspace": 0.22})
        self.lines = []
        for ax, (_, title, colour, _, _) in zip(self.axes.flat, self.PANELS, strict=True):
            self.axis(ax, title, model)
            self.lines.append(self.pair(ax, colour))
        for ax in self.axes[1]:
            ax.set_xlabel("week", fontsize=9)
        ax0 = self.axes[0, 0]
        self.alarms = self.live(ax0.plot([], [], "|", color="#b2182b", markersize=12, markeredgewidth=2,
                                         transform=ax0.get_xaxis_transform(), clip_on=False)[0])

        def legend(compare):
            handles, labels = _legend_handles(compare)
            handles.append(Line2D([], [], color="#b2182b", marker="|", linestyle="none", markersize=10,
                                  markeredgewidth=2))
            labels.append("early warning")
            return self.fig.legend(handles, labels, fontsize=8, frameon=False, loc="upper right", ncol=3,
                                   bbox_to_anchor=(0.99, 0.995))

        self.legends(legend)
        self.fig.text(0.01, 0.965, "The competing values", fontsize=11, va="center")

    def update(self, model):
        road_df, sq_df = model.frames()
        week = int(road_df.index[-1])
        for ax, lines, (column, _, _, scale, min_span) in zip(self.axes.flat, self.lines, self.PANELS, strict=True):
            grow_limits(ax, self.set_pair(lines, road_df, sq_df, column, scale), min_span)
            ax.set_xlim(0, week_limit(week))
        weeks = sorted({w for w, _, _ in model.alarms()})
        self.alarms.set_data(weeks, [0.0] * len(weeks))
        self.show_legend(model)


class CustomersChart(LiveChart):
    """Satisfaction overall and by value tier; NPS; churn."""

    def build(self, model):
        grid = self.fig.add_gridspec(2, 2, left=0.08, right=0.98, top=0.84, bottom=0.1, hspace=0.38, wspace=0.22)
        self.sat = self.fig.add_subplot(grid[:, 0])
        self.nps = self.fig.add_subplot(grid[0, 1])
        self.churn = self.fig.add_subplot(grid[1, 1])
        self.axis(self.sat, "Satisfaction by value tier (0-1)", model)
        self.axis(self.nps, "Net promoter score (-100 to 100)", model)
        self.axis(self.churn, "Churn (% of customers per week)", model)
        self.sat.set_xlabel("week", fontsize=9)
        self.churn.set_xlabel("week", fontsize=9)
        self.tiers = [self.pair(self.sat, colour) for _, _, colour in TIERS]
        self.nps_lines = self.pair(self.nps, "#762a83")
        self.churn_lines = self.pair(self.churn, "#b2182b")

        def legend(compare):
            handles = [Line2D([], [], color=colour, **ROAD_STYLE) for _, _, colour in TIERS]
            labels = [label for _, label, _ in TIERS]
            more_h, more_l = _legend_handles(compare)
            return self.fig.legend(handles + more_h, labels + more_l, fontsize=8, frameon=False, loc="upper right",
                                   ncol=3, bbox_to_anchor=(0.99, 0.995))

        self.legends(legend)
        self.fig.text(0.01, 0.965, "Customers", fontsize=11, va="center")

    def update(self, model):
        road_df, sq_df = model.frames()
        week = int(road_df.index[-1])
        values = []
        for (column, _, _), lines in zip(TIERS, self.tiers, strict=True):
            values += self.set_pair(lines, road_df, sq_df, column)
        grow_limits(self.sat, values, 0.02)
        grow_limits(self.nps, self.set_pair(self.nps_lines, road_df, sq_df, "nps"), 2.0)
        grow_limits(self.churn, self.set_pair(self.churn_lines, road_df, sq_df, "churn_rate", 100.0), 0.2, floor=0.0)
        for ax in (self.sat, self.nps, self.churn):
            ax.set_xlim(0, week_limit(week))
        self.show_legend(model)


class SupportChart(LiveChart):
    """The five support states as a stacked area; the status quo's boundaries dashed."""

    COLUMNS = tuple(f"share_{s}" for s in SUPPORT_STATES)

    def build(self, model):
        self.ax = self.fig.subplots(gridspec_kw={"left": 0.09, "right": 0.72, "top": 0.9, "bottom": 0.1})
        self.axis(self.ax, "Where employees stand on the change", model)
        self.ax.set_title("Where employees stand on the change", fontsize=11, loc="left")
        self.ax.set_ylim(0, 1)
        self.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
        self.ax.set_ylabel("share of employees", fontsize=9)
        self.ax.set_xlabel("week", fontsize=9)
        self.areas = [self.live(PolyCollection([np.zeros((0, 2))], facecolors=colour, edgecolors="none"))
                      for colour in STATE_COLOURS]
        for area in self.areas:
            self.ax.add_collection(area)
        self.boundaries = [self.live(self.ax.plot([], [], color="#111111", **{**STATUS_QUO_STYLE, "linewidth": 1.1})[0])
                           for _ in range(len(self.COLUMNS) - 1)]

        def legend(compare):
            handles = [Patch(color=c, label=lab) for c, lab in zip(STATE_COLOURS, STATE_LABELS, strict=True)][::-1]
            if compare:
                handles.append(Line2D([], [], color="#111111", label="status quo boundaries", **STATUS_QUO_STYLE))
            return self.ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper left",
                                  bbox_to_anchor=(1.02, 1.0))

        self.legends(legend)  # an axes keeps only its last legend; both are drawn as live artists

    def update(self, model):
        road_df, sq_df = model.frames()
        weeks = road_df.index.to_numpy(dtype=float)
        top = np.cumsum(road_df[list(self.COLUMNS)].to_numpy(), axis=1)
        bottom = np.hstack([np.zeros((len(weeks), 1)), top[:, :-1]])
        for k, area in enumerate(self.areas):
            upper = np.column_stack([weeks, top[:, k]])
            lower = np.column_stack([weeks, bottom[:, k]])[::-1]
            area.set_verts([np.vstack([upper, lower])])
        cumulative = None if sq_df is None else np.cumsum(sq_df[list(self.COLUMNS)].to_numpy(), axis=1)
        for k, line in enumerate(self.boundaries):
            if cumulative is None:
                line.set_data([], [])
            else:
                line.set_data(sq_df.index.to_numpy(), cumulative[:, k])
        self.ax.set_xlim(0, week_limit(int(weeks[-1])))
        self.show_legend(model)


class NetworkChart(LiveChart):
    """The internal network, each employee coloured by support state; the layout never moves."""

    @classmethod
    def variant(cls, model: ExplorerModel):
        """The seat network depends on the seed and the organisation's parameters only."""
        return (model.seed, dataclasses.astuple(model.organisation))

    def build(self, model):
        pic = model.picture()
        self.pic = pic
        self.ax = self.fig.subplots(gridspec_kw={"left": 0.01, "right": 0.74, "top": 0.9, "bottom": 0.01})
        self.ax.add_collection(LineCollection(pic.inner, colors="#8a8a8a", linewidths=0.5, alpha=0.35, zorder=1))
        self.ax.add_collection(LineCollection(pic.across, colors="#8a8a8a", linewidths=0.4, alpha=0.15, zorder=1))
        size = float(np.clip(6000 / max(len(pic.seats), 1), 10, 40))
        self.nodes = self.live(self.ax.scatter(pic.xy[:, 0], pic.xy[:, 1], s=size, c=VACANT, edgecolors="#555555",
                                               linewidths=0.4, zorder=2))
        for x, y, text in pic.labels:
            self.ax.text(x, y, text, fontsize=9, ha="center", va="bottom", color="#333333")
        self.ax.set_xlim(-1.75, 1.75)
        self.ax.set_ylim(-1.65, 1.85)
        self.ax.set_aspect("equal")
        self.ax.axis("off")
        handles = [Patch(color=c, label=lab) for c, lab in zip(STATE_COLOURS, STATE_LABELS, strict=True)][::-1]
        handles.append(Patch(facecolor=VACANT, edgecolor="#999999", label="Vacant seat"))
        self.ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 0.95))
        shown = "" if len(pic.seats) == pic.n_seats else f"\n(a sample of {len(pic.seats)} of {pic.n_seats} seats)"
        caption = "Each dot is an employee's\nseat; lines are informal\nties (faint: across\nfunctions)."
        self.fig.text(0.76, 0.3, caption + shown, fontsize=8, color="#555555", va="top")
        self.title = self.live(self.fig.text(0.01, 0.95, "", fontsize=11, va="center"))

    def update(self, model):
        wf = model.workforce
        rows = np.asarray(wf.seat_row)[self.pic.seats]
        occupied = rows >= 0
        states = np.full(len(rows), len(STATE_COLOURS))
        states[occupied] = np.asarray(wf.people.support_state)[rows[occupied]]
        self.nodes.set_facecolors(np.array(STATE_COLOURS + (VACANT,))[states])
        self.title.set_text(f"The organisation in week {model.steps}: who supports the change")


CHARTS = (ValuesChart, CustomersChart, SupportChart, NetworkChart)


# ---------------------------------------------------------------------------- components


class ChartCache:
    """A page's charts by (kind, variant), shared by the models the page builds; the oldest go first."""

    def __init__(self, size: int = 12):
        self.size = size
        self.charts: dict[tuple, LiveChart] = {}
        self.lock = threading.Lock()

    def get(self, kind: type[LiveChart], model: ExplorerModel) -> LiveChart:
        key = (kind, kind.variant(model))
        with self.lock:
            chart = self.charts.pop(key, None) or kind(model)
            self.charts[key] = chart  # most recently used last
            while len(self.charts) > self.size:
                self.charts.pop(next(iter(self.charts)))
            return chart


@solara.component
def Plot(model: ExplorerModel, chart: type[LiveChart], cache: ChartCache | None = None):
    """A chart redrawn whenever the model steps (Mesa's ``update_counter``) or is rebuilt."""
    update_counter.get()
    live = model.chart(chart) if cache is None else cache.get(chart, model)
    solara.Image(live.png(model), width="100%")


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


@solara.component
def RoadPanel(model: ExplorerModel, scenarios: dict[str, Scenario]):
    """The chosen road in plain language, and how to read the page."""
    scenario = scenarios.get(model.scenario_name)
    with solara.Card(elevation=1):
        Prose(explain.road_text(model.road.name))
        Prose(explain.HOW_TO_READ, style={"font-size": "0.85em", "color": "#555"})
        if scenario is not None and scenario.name != DEFAULT_SCENARIO:
            sets = "".join(f"<li>{k} = {v}</li>" for k, v in scenario.overrides.items())
            Prose(f"**Organisation: {scenario.title}.** {scenario.description}\n\n"
                  f"<details><summary>The {len(scenario.overrides)} parameters it sets (the sliders "
                  f"override theirs)</summary><ul>{sets}</ul></details>", style={"font-size": "0.85em"})


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


@solara.component
def ThisWeek(model: ExplorerModel):
    """This week's road against the status quo, and the early warnings so far."""
    update_counter.get()
    road_df, sq_df = model.frames()
    week = int(road_df.index[-1])

    def value(df, column):
        row = df.iloc[-1]
        if column == "committed":
            return row["share_cooperation"] + row["share_championing"]
        return row[column]

    with solara.Card(f"Week {week}", elevation=1):
        if sq_df is None:
            lines = ["| | this run |", "|---|---:|"]
            lines += [f"| {label} | {_fmt(value(road_df, c), k)} |" for label, c, k in COMPARISON]
        else:
            lines = ["| | road | status quo | difference |", "|---|---:|---:|---:|"]
            for label, c, k in COMPARISON:
                a, b = value(road_df, c), value(sq_df, c)
                sign = "+" if a - b >= 0 else "−"
                lines.append(f"| {label} | {_fmt(a, k)} | {_fmt(b, k)} | {sign}{_fmt(abs(a - b), k)} |")
        Prose("\n".join(lines), style={"font-size": "0.85em"})
        alarms = model.alarms()
        Prose(f"**Early warnings** ({len(alarms)} so far): a value being bought at another's expense.",
              style={"font-size": "0.9em"})
        if alarms:
            text = "\n".join(f"- {explain.alarm_text(*a)}" for a in reversed(alarms[-8:]))
            if len(alarms) > 8:
                text += f"\n- … and {len(alarms) - 8} earlier"
            Prose(text, style={"font-size": "0.85em"})
        else:
            solara.Text("None yet.", style={"font-size": "0.85em", "color": "#555"})


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
                           thumb_label=True, hide_details=True, disabled=disabled, class_="mt-3")
        rv.use_event(slider, "change", commit)
        if help:
            solara.Text(help, style={"font-size": "0.75em", "color": "#666", "line-height": "1.2"})


@solara.component
def Page():
    """The live page: controls in the sidebar, the model's story in the main area."""
    scenarios = solara.use_memo(load_scenarios, [])
    charts = solara.use_memo(ChartCache, [])
    controls = solara.use_reactive(solara.use_memo(controls_for, []))
    initial = solara.use_memo(lambda: ExplorerModel(**controls.value), [])
    model = solara.use_reactive(initial)
    play_interval = solara.use_reactive(100)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    error = solara.use_reactive("")

    def rebuild(new: dict[str, Any]) -> None:
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
                               seed=new["seed"], compare=new["compare"])
        rebuild(new)

    c = controls.value
    m = model.value
    help_text = explain.CONTROL_HELP

    solara.Title("Customer-centric change")
    with solara.AppBar():
        solara.AppBarTitle("Customer-centric change: try a road")

    with solara.Sidebar(), solara.Column(gap="8px"):
        with solara.Card("Run", elevation=1):
            ModelController(model, model_parameters=controls, play_interval=play_interval,
                            render_interval=render_interval, use_threads=use_threads)
            # (The week is shown in the main area: a component here that redraws every week would
            # redraw the whole sidebar with it.)
            solara.SliderInt("Pause between weeks (ms)", value=play_interval, min=0, max=1000, step=50)
            solara.SliderInt("Weeks per redraw", value=render_interval, min=1, max=26)
        with solara.Card("Change road", elevation=1):
            solara.Select("Road", values=list(NAMED_ROADS), value=c["road"], on_value=lambda v: set_control("road", v))
            CommitSlider("Pressure on employees", c["pressure"], lambda v: set_control("pressure", v), 0.0, 1.0,
                         0.05, disabled=c["road"] == "status_quo", help=help_text["pressure"])
            if c["road"] == "competing_values":
                CommitSlider("Tension set-point", c["tension_setpoint"],
                             lambda v: set_control("tension_setpoint", v), 0.0, 1.0, 0.05,
                             help=help_text["tension_setpoint"])
            CommitSlider("Road starts in week", c["start_week"], lambda v: set_control("start_week", v), 0, 104, 1)
        with solara.Card("Organisation", elevation=1):
            solara.Select("Scenario", values=list(scenarios), value=c["scenario_name"],
                          on_value=lambda v: set_control("scenario_name", v))
            for name in ("readiness", "integration_level", "n_employees"):
                label, low, high, step = SLIDERS[name]
                CommitSlider(label, c[name], lambda v, name=name: set_control(name, v), low, high, step,
                             help=help_text[name] if name == "integration_level" else "")
        with solara.Card("Customers", elevation=1):
            for name in ("activist_share", "self_service_quality", "n_customers"):
                label, low, high, step = SLIDERS[name]
                CommitSlider(label, c[name], lambda v, name=name: set_control(name, v), low, high, step)
        with solara.Card("Run settings", elevation=1):
            solara.InputInt("Seed", value=c["seed"], on_value=lambda v: set_control("seed", max(0, int(v or 0))))
            solara.Checkbox(label="Compare with status quo (dashed)", value=c["compare"],
                            on_value=lambda v: set_control("compare", bool(v)))
        if error.value:
            solara.Error(error.value)

    with solara.Column(style={"padding": "4px 8px"}):
        with solara.ColumnsResponsive(12, large=[7, 5]):
            RoadPanel(m, scenarios)
            ThisWeek(m)
        # Two charts a row where the main area is wide enough, else one (a projector, a laptop).
        with solara.Div(style={"display": "flex", "flex-wrap": "wrap", "gap": "12px", "justify-content": "center"}):
            for chart in CHARTS:
                with solara.Div(style={"flex": "1 1 560px", "max-width": f"{int(FIGSIZE[0] * DPI)}px"}):
                    Plot(m, chart, charts)
