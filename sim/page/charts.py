"""The live page's charts: matplotlib figures redrawn by blitting, served as small PNGs.

Each chart is drawn in full only when its frame changes (an axis range grows, a legend
changes); every other redraw copies the saved frame back and draws only the data artists
on it (blitting). Data are read from the model's :class:`~sim.page.explorer.Record` (numpy
columns that grow in place), and the picture is sent as a palette PNG, which encodes in
half the time of a true-colour one and is a third of its size. Together this keeps a
redraw of all four charts to about 20 ms at the page's size, so the page can show many
weeks a second (``benchmarks/run.py`` measures it).

Solid lines are the chosen road, dashed grey lines its twin (the same organisation and seed
on another road; pale dashed lines in each group's colour where several groups share a
panel); the page names both once, above the charts. Each panel's title states its metric's
full range, and its axis shows the scale honestly (``Scale``): a metric with a range of its
own (an index on 0 to 1, the net promoter score on -100 to 100) on that range, or zoomed in
no further than a fifth of it and then marked "zoomed in"; money, efficiency and churn from
zero. Every text is at least ``TEXT_PT`` points, 14 px or more on a projector at
1280 x 720 (``LiveChart.layout_problems`` checks it, and that no text is cut off or covers
another).
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
# high below the week, drawn 1:1 (no blur from scaling on a projector of that size).
CHART_PX = (470, 320)
DPI = 96
FIGSIZE = (CHART_PX[0] / DPI, CHART_PX[1] / DPI)
#: The smallest text on a chart, in points: 14.7 px at 96 dpi, so still 14 px or more when the
#: browser narrows a chart by up to 4.5% to fit its column (a window's scroll bar does).
TEXT_PT = 11.0
#: A chart's title, in points.
HEADER_PT = 12.5
#: The smallest text a projector shows legibly at 1280 x 720, from the back of a classroom.
MIN_TEXT_PX = 14.0
ROAD_STYLE = {"linewidth": 2.2}
#: The twin (the same organisation on the compared road): grey and dashed, so it stays
#: distinguishable from the road's solid colour even where a weekly line zigzags.
TWIN_COLOUR = "#888888"
TWIN_STYLE = {"linestyle": (0, (5, 3)), "linewidth": 1.7}
ALARM_COLOUR = "#d7301f"
ZOOM_COLOUR = "#b35806"
TIERS = (("satisfaction", "all customers", "#7b3294"), ("satisfaction_top", "most valuable", "#2166ac"),
         ("satisfaction_middle", "middle", "#5aae61"), ("satisfaction_low", "least valuable", "#d6604d"))
STATE_COLOURS = ("#b2182b", "#ef8a62", "#c8c8c8", "#67a9cf", "#2166ac")
STATE_LABELS = ("Active resistance", "Passive resistance", "Compliance", "Cooperation", "Championing")
VACANT = "#ffffff"
TITLE_FONT = {"fontsize": HEADER_PT, "fontweight": "bold", "color": "#222222"}


def tint(colour: str, share: float = 0.45) -> str:
    """``colour`` mixed with ``share`` white: the twin's line where several colours share a panel."""
    from matplotlib.colors import to_hex, to_rgb

    return to_hex([c + (1 - c) * share for c in to_rgb(colour)])


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


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 and 10 times a power of ten that is at least ``x`` (> 0).

    Example:
        >>> nice_ceiling(0.83), nice_ceiling(23.0), nice_ceiling(2.1)
        (1.0, 25.0, 2.5)
    """
    power = 10.0 ** np.floor(np.log10(x))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= x * (1 - 1e-9)))


@dataclasses.dataclass(frozen=True)
class Scale:
    """How a panel's vertical axis shows a metric, so that a gap looks as large as it is.

    A metric with a range of its own (``low`` to ``high``: an index from 0 to 1, the net
    promoter score from -100 to 100) is drawn on that range, or on a window of it at least
    ``window`` tall that holds the lines: then the axis says "zoomed in" and its cut ends are
    marked. A metric without one (profit, efficiency, churn) is drawn from zero, the top at
    least ``window``. The axis changes only when a line leaves it or it is far too tall (so
    most weeks are redrawn by blitting).

    Example:
        >>> Scale(0.0, 1.0, window=0.2).limits(None, [0.64, 0.70])   # zoomed in, on a 0.05 grid
        (0.55, 0.75)
        >>> Scale(window=1.0).limits(None, [5.5, 7.4])               # from zero
        (0.0, 10.0)
    """

    low: float | None = None
    high: float | None = None
    window: float = 1.0

    @property
    def bounded(self) -> bool:
        return self.low is not None and self.high is not None

    def full(self) -> tuple[float, float]:
        return float(self.low), float(self.high)

    def limits(self, current: tuple[float, float] | None, values) -> tuple[float, float]:
        """The axis range for ``values`` (the range now shown, or ``None`` for a new axis)."""
        data = np.asarray(values, dtype=float)
        data = data[np.isfinite(data)]
        if not len(data):
            return current or (self.full() if self.bounded else (0.0, self.window))
        lo, hi = float(data.min()), float(data.max())
        return self._window(current, lo, hi) if self.bounded else self._from_zero(current, lo, hi)

    def _window(self, current, lo: float, hi: float) -> tuple[float, float]:
        low, high = self.full()
        step = self.window / 4
        span = max((hi - lo) * 1.25, self.window)
        if current is not None:
            c_lo, c_hi = current
            if c_lo <= lo and hi <= c_hi and c_hi - c_lo <= max(2 * span, self.window):
                return current
        span = step * np.ceil(span / step - 1e-9)
        if span >= high - low:
            return low, high
        bottom = step * np.floor(((lo + hi) / 2 - span / 2) / step + 1e-9)
        top = bottom + span
        if top < hi:  # rounding the bottom down can leave the highest value out
            top += step
        shift = max(low - bottom, 0.0) - max(top - high, 0.0)
        return round(float(bottom + shift), 10), round(float(top + shift), 10)

    def _from_zero(self, current, lo: float, hi: float) -> tuple[float, float]:
        if current is not None:
            c_lo, c_hi = current
            if c_lo <= min(lo, 0.0) and max(hi, 0.0) <= c_hi and c_hi - c_lo <= 4 * max(hi - min(lo, 0), self.window):
                return current
        top = nice_ceiling(hi * 1.1) if hi > 0 else 0.0
        bottom = -nice_ceiling(-lo * 1.1) if lo < 0 else 0.0
        if top - bottom < self.window:  # a line near zero: at least `window` tall, on its side of zero
            if hi > 0 or lo >= 0:
                top = bottom + self.window
            else:
                bottom = top - self.window
        return float(bottom), float(top)


#: Each drawn metric's scale: indices on 0 to 1, zoomed to no less than a fifth of it (a
#: difference of 0.01, the smallest the studies call a difference, is then a twentieth of
#: the height); the net promoter score on -100 to 100, zoomed to no less than 40 points.
SCALES = {
    "customer_centricity": Scale(0.0, 1.0, 0.2),
    "value_tension": Scale(0.0, 1.0, 0.2),
    "satisfaction": Scale(0.0, 1.0, 0.2),
    "nps": Scale(-100.0, 100.0, 40.0),
    "efficiency": Scale(window=1.0),
    "profit": Scale(window=10.0),      # thousands a week
    "churn_rate": Scale(window=0.5),   # % of customers a week
}


def tick_label(value: float, _=None) -> str:
    """A tick's number: as short as it is exact, with a true minus sign."""
    return f"{value:g}".replace("-", "\u2212")


def encode_png(rgba: memoryview, size: tuple[int, int]) -> bytes:
    """A canvas as a palette PNG: a chart has few colours, so 128 keep its lines and text clean."""
    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB")
    out = io.BytesIO()
    image.quantize(128, method=Image.Quantize.FASTOCTREE).save(out, format="png", compress_level=1)
    return out.getvalue()


@dataclasses.dataclass
class Panel:
    """A time panel of a chart: its axes, its metric's scale, its title and the marks of its cut ends."""

    ax: object
    scale: Scale
    title: object                  # the Text above the panel
    cut_marks: list                # [bottom, top] strokes across the spine (bounded scales only)
    scaled: bool = False           # its range has been set from data at least once

    @property
    def zoomed(self) -> bool:
        """Whether the axis shows only part of the metric's own range."""
        return self.scale.bounded and tuple(self.ax.get_ylim()) != self.scale.full()


@dataclasses.dataclass
class ChartText:
    """A text a chart draws: what it says, its size on the page in pixels, and where it is."""

    text: str
    px: float
    box: tuple[float, float, float, float]   # x0, y0, x1, y1 in the picture's pixels, from the bottom left


class LiveChart:
    """A figure redrawn by blitting; subclasses ``build`` it and ``update`` its data from a model.

    A chart is built for one model and serves any later model of the same ``variant`` (the
    page rebuilds the model whenever a control changes), so a rebuild rarely redraws in full.
    Panels are placed in pixels (``panel``), so that every text has the room it needs at
    ``TEXT_PT``; ``texts()`` lists what a chart writes, for the page's tests.
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
        self.panels: list[Panel] = []   # the time panels, each with its metric's scale
        self.background = None
        self.frame: tuple | None = None
        self.lock = threading.Lock()
        self.fig.text(*self.at(6, 13), self.title, va="center", **TITLE_FONT)
        self.build(model)

    @staticmethod
    def at(x: float, y_from_top: float) -> tuple[float, float]:
        """A point given in pixels from the picture's top left, in figure coordinates."""
        return x / CHART_PX[0], 1 - y_from_top / CHART_PX[1]

    def panel_axes(self, left: float, top: float, width: float, height: float):
        """Axes at a rectangle given in pixels from the picture's top left."""
        w, h = CHART_PX
        return self.fig.add_axes((left / w, 1 - (top + height) / h, width / w, height / h))

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

    def texts(self) -> list[ChartText]:
        """Every text the chart drew in its last full drawing, with its size in pixels at 1:1."""
        from matplotlib.text import Text

        renderer = self.canvas.get_renderer()
        ticks, drawn_ticks = set(), set()  # a tick label outside the axis range is kept but not drawn
        for ax in self.fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                ticks |= {id(label) for tick in axis.majorTicks + axis.minorTicks
                          for label in (tick.label1, tick.label2)}
                if ax.axison and axis.get_visible():
                    drawn_ticks |= {id(label) for tick in axis._update_ticks()
                                    for label in (tick.label1, tick.label2)}
        shown = []
        for text in self.fig.findobj(Text):
            if not text.get_visible() or not text.get_text().strip() or (id(text) in ticks - drawn_ticks):
                continue
            box = text.get_window_extent(renderer)
            shown.append(ChartText(text.get_text(), text.get_fontsize() * DPI / 72, (box.x0, box.y0, box.x1, box.y1)))
        return shown

    def layout_problems(self, shown_width: float = CHART_PX[0]) -> list[str]:
        """What would be hard to read in the chart's last full drawing when shown ``shown_width``
        pixels wide: a text under ``MIN_TEXT_PX``, a text or legend cut off at the picture's edge,
        two texts on top of each other; an empty list when there is nothing.

        Example:
            >>> from sim.page.explorer import ExplorerModel
            >>> model = ExplorerModel(n_employees=60, n_customers=600, burn_in_weeks=0)
            >>> chart = ValuesChart(model)
            >>> _ = chart.png(model)
            >>> chart.layout_problems()
            []
            >>> chart.layout_problems(shown_width=400)[0]   # shrunk: the panels' 11-point texts are 12.5 px
            "'zoomed in' is 12.5 px, under 14.0 px"
        """
        width, height = CHART_PX
        scale = shown_width / width
        texts = self.texts()
        problems = [f"{t.text!r} is {t.px * scale:.1f} px, under {MIN_TEXT_PX} px" for t in texts
                    if t.px * scale < MIN_TEXT_PX - 1e-6]
        renderer = self.canvas.get_renderer()
        boxes = [(t.text, t.box) for t in texts]
        boxes += [("a legend", tuple(legend.get_window_extent(renderer).extents)) for legend in self.fig.legends]
        problems += [f"{name!r} is cut off at the picture's edge" for name, (x0, y0, x1, y1) in boxes
                     if x0 < -0.5 or y0 < -0.5 or x1 > width + 0.5 or y1 > height + 0.5]
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                if a.box[0] < b.box[2] and b.box[0] < a.box[2] and a.box[1] < b.box[3] and b.box[1] < a.box[3]:
                    problems.append(f"{a.text!r} and {b.text!r} overlap")
        return problems

    # helpers for subclasses
    def time_axis(self, ax, title: str, title_x: float, colour: str, scale: Scale | None,
                  week_labels: bool = True) -> None:
        """A time axis in the page's style: its title (with the metric's range) above it at
        ``title_x`` pixels, the dotted line of the road's start week, and, for a metric with a
        range of its own, the "zoomed in" mark shown whenever it shows part of that range."""
        box = ax.get_position()
        heading = self.fig.text(title_x / CHART_PX[0], box.y1 + 10 / CHART_PX[1], title, fontsize=TEXT_PT,
                                color=colour, va="bottom")
        ax.set_xlim(0, 52)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_formatter(FuncFormatter(tick_label))
        self.start_lines.append(self.live(ax.axvline(0, color="#888888", linestyle=":", linewidth=1.2)))
        ax.grid(True, color="#e6e6e6", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.tick_params(labelsize=TEXT_PT, length=3, pad=2, labelbottom=week_labels)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if scale is not None:
            marks = []
            if scale.bounded:
                ax.set_ylim(*scale.full())
                ax.set_ylabel("zoomed in", fontsize=TEXT_PT, color=ZOOM_COLOUR, labelpad=3)
                # a cut end of the axis: two short strokes across the spine, as on a broken axis
                marks = [ax.plot([-0.05, 0.05], [y - 0.035, y + 0.035], color=ZOOM_COLOUR, linewidth=2,
                                 transform=ax.transAxes, clip_on=False)[0] for y in (0.0, 1.0)]
            self.panels.append(Panel(ax, scale, heading, marks))

    def scale_to(self, ax, values: list[np.ndarray]) -> None:
        """Set the axis of a panel made by ``time_axis`` to show ``values`` by its metric's scale."""
        panel = next(p for p in self.panels if p.ax is ax)
        scale = panel.scale
        current = ax.get_ylim() if panel.scaled else None
        bottom, top = scale.limits(current, np.concatenate([np.ravel(v) for v in values]) if values else [])
        ax.set_ylim(bottom, top)
        panel.scaled = True
        if scale.bounded:
            low, high = scale.full()
            ax.yaxis.label.set_visible(bottom > low or top < high)
            panel.cut_marks[0].set_visible(bottom > low)
            panel.cut_marks[1].set_visible(top < high)
            # the full range: its ends and middle as ticks; a window: ticks where they fall
            if (bottom, top) == (low, high):
                ax.set_yticks([low, (low + high) / 2, high])
            else:
                ax.yaxis.set_major_locator(MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10]))

    def mark_start(self, model: CentricityModel) -> None:
        """The dotted line at the week the road starts (none for week 0)."""
        start = model.road.start_week
        for line in self.start_lines:
            line.set_xdata([start, start])
            line.set_visible(start > 0)

    def pair(self, ax, colour: str, twin_colour: str = TWIN_COLOUR):
        """A solid line for the road (a dot on this week) and a dashed one for the twin, drawn
        under it (before the road starts both are the same run)."""
        road = self.live(ax.plot([], [], color=colour, marker="o", markersize=4, markevery=[-1], zorder=2.2,
                                 **ROAD_STYLE)[0])
        twin = self.live(ax.plot([], [], color=twin_colour, zorder=2.1, **TWIN_STYLE)[0])
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
        marks = ax.plot([], [], "v", color=ALARM_COLOUR, markersize=6, clip_on=False, zorder=3,
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


#: Panel rectangles in pixels (left, top, width, height) and where each title starts: two
#: rows; on the left the 0-1 indices (room for "zoomed in"), on the right the from-zero ones.
ROW_TOP, ROW_HEIGHT = (56, 195), 99
LEFT_COLUMN, RIGHT_COLUMN = (62, 134, 4), (258, 192, 226)   # (axes left, axes width, title x)


class ValuesChart(LiveChart):
    """Customer centricity, efficiency, value tension and profit; early warnings as red bands."""

    title = "Values in tension, week by week"
    # (column, title, colour, scale factor, early-warning value, where: (row, column))
    PANELS = (("customer_centricity", "Customer centricity, 0 to 1", "#2166ac", 1.0, None, (0, LEFT_COLUMN)),
              ("efficiency", "Efficiency (output/1,000 cost)", "#1b7837", 1.0, "efficiency", (0, RIGHT_COLUMN)),
              ("value_tension", "Value tension felt, 0 to 1", "#d6604d", 1.0, None, (1, LEFT_COLUMN)),
              ("profit", "Profit per week, thousands", "#762a83", 1e-3, "profit", (1, RIGHT_COLUMN)))

    def build(self, model):
        self.axes, self.lines, self.bands = [], [], {}
        for column, title, colour, _, value, (row, (left, width, title_x)) in self.PANELS:
            ax = self.panel_axes(left, ROW_TOP[row], width, ROW_HEIGHT)
            self.time_axis(ax, title, title_x, colour, SCALES[column], week_labels=row == 1)
            self.axes.append(ax)
            self.lines.append(self.pair(ax, colour))
            if value is not None:
                self.bands[value] = self.alarm_bands(ax)

    def update(self, model):
        road, twin = model.series()
        for ax, lines, (column, _, _, factor, _, _) in zip(self.axes, self.lines, self.PANELS, strict=True):
            self.scale_to(ax, self.set_pair(lines, road, twin, column, factor))
            ax.set_xlim(0, week_limit(road.n - 1))
        alarms = model.alarms()
        for value, artists in self.bands.items():
            self.set_alarm_bands(artists, alarms, value)


class CustomersChart(LiveChart):
    """Satisfaction of all customers and of the most, middle and least valuable (early warnings on
    it as red bands); the net promoter score; the customers lost each week."""

    title = "Customers, week by week"

    def build(self, model):
        self.sat = self.panel_axes(LEFT_COLUMN[0], ROW_TOP[0], 262 - LEFT_COLUMN[0], ROW_HEIGHT)
        self.nps = self.panel_axes(LEFT_COLUMN[0], ROW_TOP[1], 180, ROW_HEIGHT)
        self.churn = self.panel_axes(300, ROW_TOP[1], 150, ROW_HEIGHT)
        self.time_axis(self.sat, "Satisfaction, 0 to 1", 4, "#333333", SCALES["satisfaction"], week_labels=False)
        self.time_axis(self.nps, "Net promoter score, \u2212100 to 100", 4, "#8c510a", SCALES["nps"])
        self.time_axis(self.churn, "Customers lost, % a week", 268, "#b2182b", SCALES["churn_rate"])
        self.tiers = [self.pair(self.sat, colour, tint(colour)) for _, _, colour in TIERS]
        self.nps_lines = self.pair(self.nps, "#8c510a")
        self.churn_lines = self.pair(self.churn, "#b2182b")
        self.bands = self.alarm_bands(self.sat)
        # One swatch per group of customers, each its own colour; solid and dashed are explained above the charts.
        handles = [Line2D([], [], color=colour, linewidth=3) for _, _, colour in TIERS]
        self.fig.legend(handles, [label for _, label, _ in TIERS], fontsize=TEXT_PT, frameon=False,
                        loc="upper left", bbox_to_anchor=self.at(274, ROW_TOP[0] - 26), handlelength=1.2,
                        handletextpad=0.5, labelspacing=0.25, borderaxespad=0, borderpad=0)

    def update(self, model):
        road, twin = model.series()
        values = []
        for (column, _, _), lines in zip(TIERS, self.tiers, strict=True):
            values += self.set_pair(lines, road, twin, column)
        self.scale_to(self.sat, values)
        self.scale_to(self.nps, self.set_pair(self.nps_lines, road, twin, "nps"))
        self.scale_to(self.churn, self.set_pair(self.churn_lines, road, twin, "churn_rate", 100.0))
        for ax in (self.sat, self.nps, self.churn):
            ax.set_xlim(0, week_limit(road.n - 1))
        self.set_alarm_bands(self.bands, model.alarms(), "customer")


class SupportChart(LiveChart):
    """The five support states as a stacked area; the twin's boundaries between them dashed."""

    title = "Where employees stand, week by week"
    COLUMNS = tuple(f"share_{s}" for s in SUPPORT_STATES)

    def build(self, model):
        self.ax = self.panel_axes(52, 34, 222, 260)
        self.time_axis(self.ax, "", 0, "#333333", None)
        self.ax.set_ylim(0, 1)
        self.ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
        self.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
        self.areas = [self.live(PolyCollection([np.zeros((0, 2))], facecolors=colour, edgecolors="none"))
                      for colour in STATE_COLOURS]
        for area in self.areas:
            self.ax.add_collection(area)
        self.boundaries = [self.live(self.ax.plot([], [], color="#111111", **TWIN_STYLE)[0])
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
        self.set_legend(name, lambda: self.fig.legend(
            handles=self.legend_handles(name), fontsize=TEXT_PT, frameon=False, loc="upper left",
            bbox_to_anchor=self.at(296, 34), borderaxespad=0, borderpad=0, handlelength=1.4, handletextpad=0.4,
            labelspacing=0.3))

    @staticmethod
    def legend_handles(twin: str | None) -> list:
        handles = [Patch(color=c, label=lab) for c, lab in zip(STATE_COLOURS, STATE_LABELS, strict=True)][::-1]
        if twin is not None:
            label = "\n".join(["dashed lines:", *textwrap.wrap(twin, 18)])
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
        self.ax = self.panel_axes(0, 30, 290, 290)
        self.ax.add_collection(LineCollection(pic.inner, colors="#8a8a8a", linewidths=0.4, alpha=0.35, zorder=1))
        self.ax.add_collection(LineCollection(pic.across, colors="#8a8a8a", linewidths=0.3, alpha=0.15, zorder=1))
        size = float(np.clip(3000 / max(len(pic.seats), 1), 5, 24))
        self.nodes = self.live(self.ax.scatter(pic.xy[:, 0], pic.xy[:, 1], s=size, c=VACANT, edgecolors="#555555",
                                               linewidths=0.3, zorder=2))
        for x, y, text in pic.labels:
            self.ax.text(x, y, text, fontsize=TEXT_PT, ha="center", va="bottom", color="#333333", zorder=3)
        self.ax.set_xlim(-1.75, 1.75)
        self.ax.set_ylim(-1.65, 1.85)
        self.ax.set_aspect("equal")
        self.ax.axis("off")
        handles = [Patch(color=c, label=lab) for c, lab in zip(STATE_COLOURS, STATE_LABELS, strict=True)][::-1]
        handles.append(Patch(facecolor=VACANT, edgecolor="#999999", label="Empty seat"))
        self.fig.legend(handles=handles, fontsize=TEXT_PT, frameon=False, loc="upper left",
                        bbox_to_anchor=self.at(296, 34), borderaxespad=0, borderpad=0, handlelength=1.4,
                        handletextpad=0.4, labelspacing=0.3)
        note = "Each dot is an employee's seat; lines join people who work together (faint: across teams)."
        if len(pic.seats) < pic.n_seats:
            note += f" Shown: {len(pic.seats):,} of {pic.n_seats:,} seats."
        self.fig.text(*self.at(296, 176), "\n".join(textwrap.wrap(note, 19)), fontsize=TEXT_PT, color="#444444",
                      va="top", linespacing=1.15)

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
