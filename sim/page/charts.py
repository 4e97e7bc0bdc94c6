"""The live page's charts: matplotlib figures redrawn by blitting, served as small PNGs.

Each chart is drawn in full only when its frame changes (an axis range grows, a legend
changes); every other redraw copies the saved frame back and draws only the data artists
on it (blitting). Data are read from the model's :class:`~sim.page.explorer.Record` (numpy
columns that grow in place), and the picture is sent as a palette PNG, which encodes in
half the time of a true-colour one and is a third of its size. Together this keeps a
redraw of all four charts to about 20 ms at the page's size, so the page can show many
weeks a second (``benchmarks/run.py`` measures it).

Solid lines are the chosen road, dashed lines its twin (the same organisation and seed on
another road); the page explains both once, above the charts.
"""

from __future__ import annotations

import dataclasses
import io
import textwrap
import threading
from collections.abc import Hashable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory
from PIL import Image

from sim.employees import SUPPORT_STATES
from sim.model import CentricityModel
from sim.networks import FUNCTIONS
from sim.roads import ROADS

# The pixel size of a chart: two side by side beside the controls at 1280 x 720, two rows
# high with the week above them, drawn 1:1 (no blur from scaling on a projector of that size).
CHART_PX = (480, 296)
DPI = 96
FIGSIZE = (CHART_PX[0] / DPI, CHART_PX[1] / DPI)
ROAD_STYLE = {"linewidth": 1.6}
TWIN_STYLE = {"linestyle": (0, (4, 2)), "linewidth": 1.2, "alpha": 0.9}
ALARM_COLOUR = "#d7301f"
TIERS = (("satisfaction", "All customers", "#7b3294"), ("satisfaction_top", "Top tier", "#2166ac"),
         ("satisfaction_middle", "Middle tier", "#5aae61"), ("satisfaction_low", "Low tier", "#d6604d"))
STATE_COLOURS = ("#b2182b", "#ef8a62", "#c8c8c8", "#67a9cf", "#2166ac")
STATE_LABELS = ("Active resistance", "Passive resistance", "Compliance", "Cooperation", "Championing")
VACANT = "#ffffff"
TITLE_FONT = {"fontsize": 10, "fontweight": "bold", "color": "#222222"}


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


def encode_png(rgba: memoryview, size: tuple[int, int]) -> bytes:
    """A canvas as a palette PNG: a chart has few colours, so 128 keep its lines and text clean."""
    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB")
    out = io.BytesIO()
    image.quantize(128, method=Image.Quantize.FASTOCTREE).save(out, format="png", compress_level=1)
    return out.getvalue()


class LiveChart:
    """A figure redrawn by blitting; subclasses ``build`` it and ``update`` its data from a model.

    A chart is built for one model and serves any later model of the same ``variant`` (the
    page rebuilds the model whenever a control changes), so a rebuild rarely redraws in full.
    """

    title = ""

    @classmethod
    def variant(cls, model: CentricityModel) -> Hashable:
        """Models with equal variants share a chart (the time-series charts: any two models)."""
        return None

    def __init__(self, model: CentricityModel):
        self.fig = Figure(figsize=FIGSIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.dynamic: list = []
        self.start_lines: list = []
        self.background = None
        self.frame: tuple | None = None
        self.lock = threading.Lock()
        self.fig.text(0.012, 0.955, self.title, va="center", **TITLE_FONT)
        self.build(model)

    def live(self, artist):
        """Mark an artist as data: drawn on every redraw, not part of the saved frame."""
        artist.set_animated(True)
        self.dynamic.append(artist)
        self.dynamic.sort(key=lambda a: a.get_zorder())
        return artist

    def build(self, model: CentricityModel) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, model: CentricityModel) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def frame_key(self) -> tuple:
        """What the saved frame shows: every axis range, and which legend (see ``set_legend``)."""
        limits = tuple(lim for ax in self.fig.axes for lim in (*ax.get_xlim(), *ax.get_ylim()))
        return limits, getattr(self, "legend_key", None)

    def png(self, model: CentricityModel) -> bytes:
        """The chart for the model's current week, as PNG bytes."""
        with self.lock:
            self.update(model)
            self.mark_start(model)
            frame = self.frame_key()
            if frame != self.frame or self.background is None:
                self.canvas.draw()
                self.background = self.canvas.copy_from_bbox(self.fig.bbox)
                self.frame = frame
            else:
                self.canvas.restore_region(self.background)
            for artist in self.dynamic:
                self.fig.draw_artist(artist)
            return encode_png(self.canvas.buffer_rgba(), self.canvas.get_width_height())

    # helpers for subclasses
    def axis(self, ax, title: str, colour: str = "#333333") -> None:
        """A time axis in the page's style, with the dotted line of the road's start week."""
        ax.set_title(title, fontsize=8, loc="left", color=colour, pad=3)
        ax.set_xlim(0, 52)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        self.start_lines.append(self.live(ax.axvline(0, color="#888888", linestyle=":", linewidth=1)))
        ax.grid(True, color="#eeeeee", linewidth=0.7)
        ax.set_axisbelow(True)
        ax.tick_params(labelsize=7, length=2, pad=1.5)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)

    def mark_start(self, model: CentricityModel) -> None:
        """The dotted line at the week the road starts (none for week 0)."""
        start = model.road.start_week
        for line in self.start_lines:
            line.set_xdata([start, start])
            line.set_visible(start > 0)

    def pair(self, ax, colour: str):
        """A solid line for the road (a dot on this week) and a dashed one for the twin."""
        road = self.live(ax.plot([], [], color=colour, marker="o", markersize=3, markevery=[-1], **ROAD_STYLE)[0])
        twin = self.live(ax.plot([], [], color=colour, **TWIN_STYLE)[0])
        return road, twin

    @staticmethod
    def set_pair(lines, road, twin, column: str, scale: float = 1.0) -> list[np.ndarray]:
        """Give a pair its data (the dashed line is empty without a twin); returns the values shown."""
        road_line, twin_line = lines
        values = [road[column] * scale]
        road_line.set_data(road.weeks, values[0])
        if twin is None:
            twin_line.set_data([], [])
        else:
            values.append(twin[column] * scale)
            twin_line.set_data(twin.weeks, values[1])
        return values

    def alarm_bands(self, ax):
        """Early warnings on a panel: a red band over the weeks where a value rose while another fell."""
        bands = PolyCollection([], facecolors=ALARM_COLOUR, alpha=0.16, edgecolors="none", zorder=0.5,
                               transform=blended_transform_factory(ax.transData, ax.transAxes))
        ax.add_collection(bands, autolim=False)
        marks = ax.plot([], [], "v", color=ALARM_COLOUR, markersize=5, clip_on=False, zorder=3,
                        transform=blended_transform_factory(ax.transData, ax.transAxes))[0]
        return self.live(bands), self.live(marks)

    @staticmethod
    def set_alarm_bands(artists, alarms, value: str) -> None:
        """Show the alarms that involve ``value`` (sacrificed or favoured): the later weeks compared."""
        bands, marks = artists
        mine = [a for a in alarms if value in (a.sacrificed, a.favoured)]
        bands.set_verts([[(a.later[0] - 0.5, 0), (a.later[0] - 0.5, 1), (a.week + 0.5, 1), (a.week + 0.5, 0)]
                         for a in mine])
        marks.set_data([a.week for a in mine], [1.0] * len(mine))

    def set_legend(self, key: Hashable, make) -> None:
        """Make the legend ``make()`` anew when ``key`` changes (a new twin); it belongs to the frame."""
        if getattr(self, "legend_key", None) == key:
            return
        old = getattr(self, "legend", None)
        if old is not None:
            old.remove()
        self.legend = make()
        self.legend_key = key


def twin_title(model: CentricityModel) -> str | None:
    """The plain name of the model's twin road, if it has one."""
    twin = getattr(model, "twin", None)
    return None if twin is None else ROADS[twin.road.name].title


class ValuesChart(LiveChart):
    """Customer centricity, efficiency, profit and value tension; early warnings as red bands."""

    title = "Values in tension"
    PANELS = (("customer_centricity", "Customer centricity (0-1)", "#2166ac", 1.0, 0.02, None),
              ("efficiency", "Efficiency (output per 1,000 cost)", "#1b7837", 1.0, 0.5, "efficiency"),
              ("profit", "Profit per week (thousands)", "#762a83", 1e-3, 10.0, "profit"),
              ("value_tension", "Value tension felt (0-1)", "#d6604d", 1.0, 0.02, None))

    def build(self, model):
        self.axes = self.fig.subplots(2, 2, gridspec_kw={"left": 0.075, "right": 0.985, "top": 0.84,
                                                         "bottom": 0.1, "hspace": 0.42, "wspace": 0.2})
        self.lines, self.bands = [], {}
        for ax, (_, title, colour, _, _, value) in zip(self.axes.flat, self.PANELS, strict=True):
            self.axis(ax, title, colour)
            self.lines.append(self.pair(ax, colour))
            if value is not None:
                self.bands[value] = self.alarm_bands(ax)
        for ax in self.axes[1]:
            ax.set_xlabel("week", fontsize=7, labelpad=1)

    def update(self, model):
        road, twin = model.series()
        for ax, lines, (column, _, _, scale, min_span, _) in zip(self.axes.flat, self.lines, self.PANELS, strict=True):
            grow_limits(ax, self.set_pair(lines, road, twin, column, scale), min_span)
            ax.set_xlim(0, week_limit(road.n - 1))
        alarms = model.alarms()
        for value, artists in self.bands.items():
            self.set_alarm_bands(artists, alarms, value)


class CustomersChart(LiveChart):
    """Satisfaction overall and by value tier (early warnings on it as red bands); NPS; churn."""

    title = "Customers"

    def build(self, model):
        grid = self.fig.add_gridspec(2, 2, left=0.075, right=0.985, top=0.84, bottom=0.1, hspace=0.42, wspace=0.2)
        self.sat = self.fig.add_subplot(grid[:, 0])
        self.nps = self.fig.add_subplot(grid[0, 1])
        self.churn = self.fig.add_subplot(grid[1, 1])
        self.axis(self.sat, "Satisfaction by value tier (0-1)")
        self.axis(self.nps, "Net promoter score (-100 to 100)", "#8c510a")
        self.axis(self.churn, "Churn (% of customers per week)", "#b2182b")
        self.sat.set_xlabel("week", fontsize=7, labelpad=1)
        self.churn.set_xlabel("week", fontsize=7, labelpad=1)
        self.tiers = [self.pair(self.sat, colour) for _, _, colour in TIERS]
        self.nps_lines = self.pair(self.nps, "#8c510a")
        self.churn_lines = self.pair(self.churn, "#b2182b")
        self.bands = self.alarm_bands(self.sat)
        # One swatch per tier, each its own colour; solid and dashed are explained above the charts.
        handles = [Line2D([], [], color=colour, linewidth=3) for _, _, colour in TIERS]
        self.fig.legend(handles, [label for _, label, _ in TIERS], fontsize=7, frameon=False, loc="center right",
                        ncol=4, bbox_to_anchor=(0.995, 0.955), handlelength=1.2, columnspacing=0.9,
                        handletextpad=0.4)

    def update(self, model):
        road, twin = model.series()
        values = []
        for (column, _, _), lines in zip(TIERS, self.tiers, strict=True):
            values += self.set_pair(lines, road, twin, column)
        grow_limits(self.sat, values, 0.02)
        grow_limits(self.nps, self.set_pair(self.nps_lines, road, twin, "nps"), 2.0)
        grow_limits(self.churn, self.set_pair(self.churn_lines, road, twin, "churn_rate", 100.0), 0.2, floor=0.0)
        for ax in (self.sat, self.nps, self.churn):
            ax.set_xlim(0, week_limit(road.n - 1))
        self.set_alarm_bands(self.bands, model.alarms(), "customer")


class SupportChart(LiveChart):
    """The five support states as a stacked area; the twin's boundaries between them dashed."""

    title = "Where employees stand on the change"
    COLUMNS = tuple(f"share_{s}" for s in SUPPORT_STATES)

    def build(self, model):
        self.ax = self.fig.subplots(gridspec_kw={"left": 0.085, "right": 0.66, "top": 0.86, "bottom": 0.13})
        self.axis(self.ax, "")
        self.ax.set_ylim(0, 1)
        self.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
        self.ax.set_ylabel("share of employees", fontsize=7, labelpad=1)
        self.ax.set_xlabel("week", fontsize=7, labelpad=1)
        self.areas = [self.live(PolyCollection([np.zeros((0, 2))], facecolors=colour, edgecolors="none"))
                      for colour in STATE_COLOURS]
        for area in self.areas:
            self.ax.add_collection(area)
        self.boundaries = [self.live(self.ax.plot([], [], color="#111111", **{**TWIN_STYLE, "linewidth": 1.0})[0])
                           for _ in range(len(self.COLUMNS) - 1)]

    def update(self, model):
        road, twin = model.series()
        weeks = road.weeks.astype(float)
        top = np.cumsum([road[c] for c in self.COLUMNS], axis=0)
        bottom = np.vstack([np.zeros(len(weeks)), top[:-1]])
        for k, area in enumerate(self.areas):
            area.set_verts([np.concatenate([np.column_stack([weeks, top[k]]),
                                            np.column_stack([weeks, bottom[k]])[::-1]])])
        cumulative = None if twin is None else np.cumsum([twin[c] for c in self.COLUMNS], axis=0)
        for k, line in enumerate(self.boundaries):
            if cumulative is None:
                line.set_data([], [])
            else:
                line.set_data(twin.weeks, cumulative[k])
        self.ax.set_xlim(0, week_limit(road.n - 1))
        name = twin_title(model)
        self.set_legend(name, lambda: self.ax.legend(handles=self.legend_handles(name), fontsize=7, frameon=False,
                                                     loc="upper left", bbox_to_anchor=(1.02, 1.02)))

    @staticmethod
    def legend_handles(twin: str | None) -> list:
        handles = [Patch(color=c, label=lab) for c, lab in zip(STATE_COLOURS, STATE_LABELS, strict=True)][::-1]
        if twin is not None:
            label = "\n".join(textwrap.wrap(f"dashed: the same on {twin}", 24))
            handles.append(Line2D([], [], color="#111111", label=label, **TWIN_STYLE))
        return handles


class NetworkChart(LiveChart):
    """The internal network, each employee coloured by support state; the layout never moves."""

    title = "Who supports the change, seat by seat"

    @classmethod
    def variant(cls, model: CentricityModel):
        """The seat network depends on the seed and the organisation's parameters only."""
        return (model.seed, dataclasses.astuple(model.organisation))

    def build(self, model):
        pic = NetworkPicture.of(model)
        self.pic = pic
        self.last: tuple[bytes, bytes] | None = None  # (colours drawn, their PNG)
        self.ax = self.fig.subplots(gridspec_kw={"left": 0.0, "right": 0.66, "top": 0.9, "bottom": 0.0})
        self.ax.add_collection(LineCollection(pic.inner, colors="#8a8a8a", linewidths=0.4, alpha=0.35, zorder=1))
        self.ax.add_collection(LineCollection(pic.across, colors="#8a8a8a", linewidths=0.3, alpha=0.15, zorder=1))
        size = float(np.clip(3000 / max(len(pic.seats), 1), 5, 24))
        self.nodes = self.live(self.ax.scatter(pic.xy[:, 0], pic.xy[:, 1], s=size, c=VACANT, edgecolors="#555555",
                                               linewidths=0.3, zorder=2))
        for x, y, text in pic.labels:
            self.ax.text(x, y, text, fontsize=7, ha="center", va="bottom", color="#333333")
        self.ax.set_xlim(-1.75, 1.75)
        self.ax.set_ylim(-1.65, 1.85)
        self.ax.set_aspect("equal")
        self.ax.axis("off")
        handles = [Patch(color=c, label=lab) for c, lab in zip(STATE_COLOURS, STATE_LABELS, strict=True)][::-1]
        handles.append(Patch(facecolor=VACANT, edgecolor="#999999", label="Vacant seat"))
        self.ax.legend(handles=handles, fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        shown = "" if len(pic.seats) == pic.n_seats else f"\n(a sample of {len(pic.seats)}\nof {pic.n_seats} seats)"
        caption = "Each dot is an employee's\nseat; lines are informal\nties (faint: across\nfunctions)."
        self.fig.text(0.68, 0.32, caption + shown, fontsize=7, color="#555555", va="top")

    def colours(self, model) -> np.ndarray:
        wf = model.workforce
        rows = np.asarray(wf.seat_row)[self.pic.seats]
        occupied = rows >= 0
        states = np.full(len(rows), len(STATE_COLOURS))
        states[occupied] = np.asarray(wf.people.support_state)[rows[occupied]]
        return states

    def update(self, model):
        self.nodes.set_facecolors(np.array(STATE_COLOURS + (VACANT,))[self.colours(model)])

    def png(self, model) -> bytes:
        """As for every chart, but the same colours are not drawn twice: a week in which nobody's
        support state changed costs nothing."""
        states = self.colours(model).tobytes()
        if self.last is not None and self.last[0] == states:
            return self.last[1]
        picture = super().png(model)
        self.last = (states, picture)
        return picture


CHARTS = (ValuesChart, CustomersChart, SupportChart, NetworkChart)


class ChartCache:
    """A page's charts by (kind, variant), shared by the models the page builds; the oldest go first."""

    def __init__(self, size: int = 12):
        self.size = size
        self.charts: dict[tuple, LiveChart] = {}
        self.lock = threading.Lock()

    def get(self, kind: type[LiveChart], model: CentricityModel) -> LiveChart:
        key = (kind, kind.variant(model))
        with self.lock:
            chart = self.charts.pop(key, None) or kind(model)
            self.charts[key] = chart  # most recently used last
            while len(self.charts) > self.size:
                self.charts.pop(next(iter(self.charts)))
            return chart

    def pictures(self, model: CentricityModel) -> list[bytes]:
        """Every chart of the page for the model's current week, as PNG bytes, in ``CHARTS`` order."""
        return [self.get(kind, model).png(model) for kind in CHARTS]
