"""Comparison figures of a sweep (seaborn), saved as PNG and SVG.

1. ``timeseries``: key metrics over time, one line per road (or condition), 95% band across seeds;
2. ``final_outcomes``: final values per road, mean with 95% interval and every seed;
3. ``tradeoff``: customer centricity against profit, one colour per road;
4. ``paired_differences``: each road minus ``status_quo`` on the same seeds, mean and 95% interval;
5. ``sweep_<parameter>``: for a numeric sweep, each metric against the swept parameter
   (lines; a heatmap when two parameters are swept together).

Every interval is a t interval over seeds (mean +/- t(0.975, n-1) * sd / sqrt(n)); with one
run there is no interval and the figure says so. The colours of the roads are fixed here,
once, and used by every figure; the status quo is grey. Figures 2 to 5 judge a run by one
statistic, its final week (``sim.study.metrics.OUTCOME``), so the same road has the same number
in each of them. Every figure carries the study's context line under its title (organisation,
horizon, seeds, changed settings: ``sim.study.context``) and every panel its metric's good
direction (``sim.study.metrics``).

Example:
    >>> ROAD_COLOURS["status_quo"]
    '#7f7f7f'
    >>> road_label("best_customer")
    'Best customer (RFM)'
"""

from __future__ import annotations

import multiprocessing
import os
import textwrap
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from sim.roads import ROADS
from sim.study.metrics import KEY_METRICS, OUTCOME, DifferenceScale, difference_scale, key_metric
from sim.study.stats import t_interval, t_quantile

#: One colour per road, everywhere (Okabe-Ito, colour-blind safe); the status quo is grey.
ROAD_COLOURS: dict[str, str] = {
    "status_quo": "#7f7f7f",
    "engineering": "#0072B2",
    "mission": "#E69F00",
    "consumer_decision": "#CC79A7",
    "best_customer": "#D55E00",
    "competing_values": "#009E73",
    "custom": "#56B4E9",
}
ROAD_ORDER = [name for name in ROAD_COLOURS if name in ROADS] + [n for n in ROADS if n not in ROAD_COLOURS]

#: Metrics derived for the figures from the model's columns (not stored in runs.parquet).
DERIVED = {"share_committed": ("share_cooperation", "share_championing")}

FORMATS = ("png", "svg")
#: Text sizes (points) of a figure drawn at the width a page prints it (the brief's): at that
#: width on A4 the smallest text prints at 8 points, and at 1280 pixels it is about 13 pixels high.
PRINT_TEXT = {"font.size": 8.5, "axes.titlesize": 9.0, "axes.labelsize": 8.0, "xtick.labelsize": 8.0,
              "ytick.labelsize": 8.0, "legend.fontsize": 8.0, "figure.titlesize": 9.0}
#: Figure 1 draws 95% bands only up to this many lines.
MAX_BANDS = 6


def _seaborn():
    """Seaborn, imported when a figure is drawn: the tables and words of a sweep use this module's
    labels and pairings without it (it and the scipy it brings take about half a second)."""
    import seaborn

    return seaborn


# ---------------------------------------------------------------------- labels and colours
def road_label(name: str) -> str:
    """The readable name of a road (its title), e.g. 'Engineering (Six Sigma)'."""
    road = ROADS.get(name)
    return road.title if road is not None and road.title else str(name).replace("_", " ")


def metric_label(metric: str, with_unit: bool = True) -> str:
    """'Profit (currency units per week)' for a key metric; a tidied name otherwise."""
    m = key_metric(metric)
    return m.label() if with_unit and m.unit else m.title


def runs_text(n: int) -> str:
    """'1 run', '30 runs'."""
    return f"{n} run{'s' if n != 1 else ''}"


def _panel_title(ax, metric: str, title: str | None = None) -> None:
    """The metric's name on the left of a panel, its good direction on the right."""
    m = key_metric(metric)
    # Wrapped to the panel (about 9 characters per inch), leaving room for the mark on the right.
    ncols = ax.get_subplotspec().get_gridspec().ncols if ax.get_subplotspec() else 1
    width = max(16, int(ax.figure.get_figwidth() / ncols * 9) - 8)
    lines = [textwrap.fill(line, width) for line in (title or m.title).split("\n")]
    ax.set_title("\n".join(lines), loc="left")
    if m.mark:
        ax.set_title(m.mark, loc="right", fontsize="small", color="#555555")


def _suptitle(fig: Figure, title: str, context: str = "") -> None:
    """The figure's title and, under it, what the study ran on (both wrapped to the figure's width)."""
    width = max(40, int(fig.get_figwidth() * 10))
    text = "\n".join(textwrap.fill(part, width) for part in [title, context] if part)
    fig.suptitle(text)


def param_label(key: str, roads: Sequence[str] = ()) -> str:
    """A swept parameter with its meaning, e.g. 'road.pressure: pressure on employees to change'.

    For a road parameter the meaning is taken from the first of ``roads`` that declares it.
    """
    from sim.params import GROUPS, describe

    group, _, name = key.partition(".")
    doc = ""
    if group in GROUPS:
        doc = describe(GROUPS[group]).get(name, {}).get("doc", "")
    elif group == "road":
        for road in [ROADS[r] for r in roads if r in ROADS] + list(ROADS.values()):
            doc = road.declared().get(name, {}).get("doc", "")
            if doc:
                break
    return f"{key}: {doc}" if doc else key


def level_label(hue: str, level) -> str:
    """How a line is named in legends: the road's title, or ``parameter=value``."""
    if hue == "road":
        return road_label(level)
    return str(level) if hue == "condition" else f"{hue}={level}"


def palette_for(hue: str, levels: Sequence) -> dict:
    """Colours for the levels of ``hue``: the fixed road colours for roads, a ramp for numbers."""
    if hue == "road":
        return {level: ROAD_COLOURS.get(level, "#333333") for level in levels}
    if all(_is_number(v) for v in levels):
        colours = _seaborn().color_palette("viridis", n_colors=max(len(levels), 1))
        return dict(zip(sorted(levels), colours, strict=True))
    return dict(zip(levels, _seaborn().color_palette("tab10", n_colors=max(len(levels), 1)), strict=True))


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def ordered_levels(values: Sequence, hue: str) -> list:
    """Levels in a stable order: roads as in ``ROAD_ORDER``, numbers ascending, else sorted."""
    levels = list(pd.unique(pd.Series(list(values))))
    if hue == "road":
        return sorted(levels, key=lambda r: ROAD_ORDER.index(r) if r in ROAD_ORDER else len(ROAD_ORDER))
    try:
        return sorted(levels)
    except TypeError:
        return sorted(levels, key=str)


# ---------------------------------------------------------------------- statistics
def mean_band(df: pd.DataFrame, by: list[str], value: str) -> pd.DataFrame:
    """Mean and 95% t interval of ``value`` within groups ``by`` (vectorised)."""
    g = df.groupby(by, sort=True, dropna=False)[value]
    out = g.agg(["mean", "std", "count"]).reset_index()
    tq = t_quantile(np.maximum(out["count"] - 1, 1))
    half = np.where(out["count"] > 1, tq * out["std"] / np.sqrt(out["count"].clip(lower=1)), 0.0)
    out["lo"], out["hi"] = out["mean"] - half, out["mean"] + half
    return out


def with_derived(df: pd.DataFrame, prefix: str = "") -> pd.DataFrame:
    """Add the derived metrics (``share_committed``) to a runs or summary table."""
    df = df.copy()
    for name, parts in DERIVED.items():
        cols = [prefix + p for p in parts]
        if all(c in df.columns for c in cols):
            df[prefix + name] = df[cols].sum(axis=1)
    return df


def available(metrics: Sequence[str], columns, prefix: str = "") -> list[str]:
    return [m for m in metrics if prefix + m in columns]


# ---------------------------------------------------------------------- figures
def _new_figure(n_panels: int, ncols: int = 4, size=(4.2, 3.2), sharey: bool = False) -> tuple[Figure, list]:
    ncols = min(ncols, n_panels)
    nrows = int(np.ceil(n_panels / ncols))
    fig = Figure(figsize=(size[0] * ncols, size[1] * nrows + 0.8), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=sharey).ravel().tolist()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return fig, axes[:n_panels]


def _legend(fig: Figure, hue: str, levels: list, palette: dict, title: str | None = None, ncols: int = 6,
            marker: str | None = None) -> None:
    """One entry per level, drawn as the figure draws it: a line, or a ``marker`` for dots."""
    from matplotlib.lines import Line2D

    if marker:
        handles = [Line2D([0], [0], color=palette[level], lw=0, marker=marker, ms=8, mec="black")
                   for level in levels]
    else:
        handles = [Line2D([0], [0], color=palette[level], lw=3) for level in levels]
    labels = [level_label(hue, level) for level in levels]
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(levels), ncols),
               title=title or ("Road" if hue == "road" else None), frameon=False)


def save_figure(fig: Figure, out_dir: Path, name: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    # Lay the figure out once, then freeze it: constrained layout would otherwise be solved
    # again for every format, which costs more than drawing.
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    for fmt in FORMATS:
        path = out_dir / f"{name}.{fmt}"
        # No date, and fixed ids in SVG (see ``make_figures``): the same sweep, the same files.
        fig.savefig(path, dpi=150, metadata={"Date": None} if fmt == "svg" else None)
        paths.append(path)
    return paths


def plot_timeseries(runs: pd.DataFrame, hue: str, out_dir: Path, metrics=tuple(KEY_METRICS),
                    name: str = "timeseries", context: str = "") -> list[Path]:
    """Figure 1: each key metric week by week, one line per level of ``hue``, 95% band across seeds."""
    runs = with_derived(runs)
    metrics = available(metrics, runs.columns)
    levels = ordered_levels(runs[hue], hue)
    palette = palette_for(hue, levels)
    n_seeds = int(runs.groupby(hue)["seed"].nunique().min()) if "seed" in runs else 1
    bands = len(levels) <= MAX_BANDS and n_seeds > 1  # beyond that the bands hide the lines
    fig, axes = _new_figure(len(metrics))
    for ax, metric in zip(axes, metrics, strict=True):
        stats = mean_band(runs, [hue, "step"], metric)
        for level in levels:
            s = stats[stats[hue] == level]
            if bands:
                ax.fill_between(s["step"], s["lo"], s["hi"], color=palette[level], alpha=0.2, lw=0)
            ax.plot(s["step"], s["mean"], color=palette[level], lw=1.6)
        _panel_title(ax, metric)
        ax.set_xlabel("Week")
        ax.set_ylabel(key_metric(metric).unit or metric)
    if n_seeds == 1:
        what = "one run per line (no band: a band needs two seeds or more)"
    elif bands:
        what = f"mean and 95% band across {n_seeds} seeds per line"
    else:
        what = f"mean across {n_seeds} seeds per line ({len(levels)} lines: bands left out)"
    _suptitle(fig, f"Key metrics week by week: {what}", context)
    _legend(fig, hue, levels, palette)
    return save_figure(fig, out_dir, name)


@contextmanager
def _fixed_jitter(seed: int = 0):
    """Seaborn jitters strip plots with numpy's global generator: seed it for this plot only
    (the caller's random state is put back), so a figure is the same wherever it is drawn."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def plot_final_outcomes(summary: pd.DataFrame, hue: str, out_dir: Path, metrics=tuple(KEY_METRICS),
                        name: str = "final_outcomes", context: str = "") -> list[Path]:
    """Figure 2: final value of each key metric per road: every seed, the mean and its 95% interval."""
    summary = with_derived(summary, prefix="final_")
    metrics = available(metrics, summary.columns, prefix="final_")
    levels = ordered_levels(summary[hue], hue)
    palette = palette_for(hue, levels)
    labels = {level: level_label(hue, level) for level in levels}
    data = summary.assign(_level=summary[hue].map(labels))
    order = [labels[level] for level in levels]
    colours = {labels[level]: palette[level] for level in levels}
    fig, axes = _new_figure(len(metrics), size=(3.6, 0.42 * len(levels) + 1.5), sharey=True)
    for ax, metric in zip(axes, metrics, strict=True):
        col = "final_" + metric
        with _fixed_jitter():
            _seaborn().stripplot(data=data, y="_level", x=col, hue="_level", order=order, hue_order=order,
                          palette=colours, ax=ax, alpha=0.4, size=3.5, jitter=0.15, legend=False)
        _seaborn().pointplot(data=data, y="_level", x=col, hue="_level", order=order, hue_order=order, palette=colours,
                      errorbar=t_interval, linestyle="none", markers="D", markersize=6, capsize=0.3,
                      err_kws={"linewidth": 1.8}, markeredgecolor="black", legend=False, ax=ax)
        _panel_title(ax, metric)
        ax.set_xlabel(f"{key_metric(metric).unit or metric}, {OUTCOME}")
        ax.set_ylabel("")
    _suptitle(fig, f"Outcomes in the {OUTCOME}: each run (dots), mean and 95% interval (diamond and bar), "
                   f"{hue_counts(summary, hue)}", context)
    return save_figure(fig, out_dir, name)


def hue_counts(summary: pd.DataFrame, hue: str | list[str]) -> str:
    """'30 runs each', '1 run each (no interval)' or '10 to 12 runs each', for titles."""
    counts = summary.groupby(hue, dropna=False).size()
    lo, hi = int(counts.min()), int(counts.max())
    if hi == 1:
        return "1 run each (no interval: one needs two seeds or more)"
    return f"{runs_text(lo)} each" if lo == hi else f"{lo} to {hi} runs each"


def plot_tradeoff(summary: pd.DataFrame, hue: str, out_dir: Path, name: str = "tradeoff",
                  context: str = "") -> list[Path]:
    """Figure 3: customer centricity against profit in the final week, one colour per road."""
    x, y = "final_customer_centricity", "final_profit"
    if x not in summary or y not in summary:
        return []
    levels = ordered_levels(summary[hue], hue)
    palette = palette_for(hue, levels)
    fig = Figure(figsize=(7.5, 5.6), layout="constrained")
    ax = fig.subplots()
    _seaborn().scatterplot(data=summary, x=x, y=y, hue=hue, hue_order=levels, palette=palette, ax=ax, alpha=0.45, s=22,
                    legend=False, edgecolor="none")
    for level in levels:
        s = summary[summary[hue] == level]
        (xlo, xhi), (ylo, yhi) = t_interval(s[x]), t_interval(s[y])
        mx, my = s[x].mean(), s[y].mean()
        ax.errorbar(mx, my, xerr=[[mx - xlo], [xhi - mx]], yerr=[[my - ylo], [yhi - my]], fmt="o", ms=8,
                    color=palette[level], mec="black", capsize=3, lw=1.5, zorder=5)
    ax.set_xlabel(f"Customer centricity in the {OUTCOME} ({KEY_METRICS['customer_centricity'].unit}), "
                  "higher is better")
    ax.set_ylabel(f"Profit in the {OUTCOME} ({KEY_METRICS['profit'].unit}), higher is better")
    ax.set_title("Small dots: each run; large: mean with 95% intervals (up and right is better on both)",
                 fontsize="small")
    _suptitle(fig, "Trade-off: customer centricity against profit", context)
    _legend(fig, hue, levels, palette, ncols=2, marker="o")
    return save_figure(fig, out_dir, name)


def pairing(summary: pd.DataFrame, swept: Sequence[str]) -> list[str]:
    """The columns a road's run is paired on with the status quo's: the seed and every swept
    parameter other than the road.

    Example:
        >>> pairing(pd.DataFrame(columns=["road", "seed", "road.pressure"]), ["road", "road.pressure"])
        ['seed', 'road.pressure']
    """
    return [c for c in ["seed", *swept] if c != "road" and c in summary]


def paired_differences(summary: pd.DataFrame, pair_on: list[str], metrics=tuple(KEY_METRICS),
                       baseline: str = "status_quo") -> pd.DataFrame:
    """Per run, each metric's final value minus the ``baseline`` road's on the same ``pair_on`` values.

    Returns one row per (road, pairing key) with ``diff_<metric>`` columns and the baseline's own
    values as ``base_<metric>``; empty without a baseline.

    Example:
        >>> s = pd.DataFrame({"road": ["status_quo", "mission"], "seed": [0, 0],
        ...                   "final_profit": [1.0, 3.0]})
        >>> paired_differences(s, ["seed"], ["profit"])["diff_profit"].tolist()
        [2.0]
    """
    summary = with_derived(summary, prefix="final_")
    if "road" not in summary or baseline not in set(summary["road"]):
        return pd.DataFrame()
    cols = [f"final_{m}" for m in available(metrics, summary.columns, prefix="final_")]
    base = summary[summary["road"] == baseline]
    # A parameter the baseline does not take (a road parameter the status quo lacks) does not
    # pair: every level of it is compared with the baseline run of the same seed.
    keys = [c for c in pair_on if base[c].notna().any()]
    other = summary[summary["road"] != baseline][["road", *pair_on, *cols]]
    merged = other.merge(base[keys + cols], on=keys, suffixes=("", "_base"))
    out = merged[["road", *pair_on]].copy()
    for col in cols:
        out["diff_" + col.removeprefix("final_")] = merged[col] - merged[col + "_base"]
    for col in cols:
        out["base_" + col.removeprefix("final_")] = merged[col + "_base"]
    return out


class _ScaleTicks(Formatter):
    """Tick labels in the format of the tables' numbers (``DifferenceScale.tick``): '+20%', '-0.05'."""

    def __init__(self, scale: DifferenceScale):
        self.scale = scale
        self.step = 0.0

    def set_locs(self, locs):
        # The ticks' spacing decides the decimals, so every label of an axis has as many.
        locs = np.sort(np.asarray(locs, dtype=float))
        self.step = float(np.min(np.diff(locs))) if len(locs) > 1 else 0.0

    def __call__(self, x, pos=None):
        return self.scale.tick(x, self.step)


def paired_intervals(diffs: pd.DataFrame, metric: str, levels: Sequence[str]
                     ) -> dict[str, tuple[float, float, float, DifferenceScale]]:
    """Per road of ``levels``: the mean paired difference of ``metric``, its 95% interval and the scale it
    is shown in, as ``sim.study.findings.compare`` gives them (the status quo's mean level as the base;
    one unit for all roads: a share of the status quo only if every road's status quo level is positive).

    Example:
        >>> s = pd.DataFrame({"road": ["status_quo"] * 2 + ["mission"] * 2, "seed": [0, 1] * 2,
        ...                   "final_profit": [100.0, 100.0, 110.0, 112.0]})
        >>> mean, lo, hi, scale = paired_intervals(paired_differences(s, ["seed"], ["profit"]), "profit", ["mission"])["mission"]
        >>> scale.format(mean, lo, hi)
        '+11% [-2%, +24%]'
    """
    rows = {level: diffs[diffs["road"] == level] for level in levels}
    bases = {level: float(r["base_" + metric].mean()) for level, r in rows.items()}
    share_allowed = all(b > 0 for b in bases.values())
    out = {}
    for level, r in rows.items():
        d = r["diff_" + metric].to_numpy(float)
        lo, hi = t_interval(d)
        out[level] = (float(np.mean(d)), lo, hi, difference_scale(metric, bases[level], share_allowed))
    return out


def plot_paired_differences(summary: pd.DataFrame, pair_on: list[str], out_dir: Path,
                            metrics=tuple(KEY_METRICS), name: str = "paired_differences",
                            context: str = "", ncols: int = 4, page_width: float | None = None) -> list[Path]:
    """Figure 4: each road minus the status quo on the same seeds (final week), mean and 95% interval.

    The differences are in the units ``summary.md`` and the brief give them (``difference_scale``):
    profit and efficiency as a share of the status quo's level, shares of employees in percentage
    points, the 0-1 indexes in index points, each road's interval computed as ``findings.compare``
    computes it. ``page_width`` (inches) draws it for a page that shows it at that width: one row of
    panels, text at ``PRINT_TEXT`` sizes, no title (the page's caption says what it shows).
    """
    diffs = paired_differences(summary, pair_on, metrics)
    if diffs.empty:
        return []
    metrics = [m for m in metrics if "diff_" + m in diffs]
    levels = ordered_levels(diffs["road"], "road")
    palette = palette_for("road", levels)
    n_pairs = int(diffs.groupby("road").size().min())
    text = PRINT_TEXT if page_width else {}
    with rc_context(text):
        if page_width:
            fig = Figure(figsize=(page_width, 0.22 * len(levels) + 0.95), layout="constrained")
            axes = fig.subplots(1, len(metrics), squeeze=False, sharey=True).ravel().tolist()
        else:
            fig, axes = _new_figure(len(metrics), ncols=ncols, size=(3.8, 0.45 * len(levels) + 1.8), sharey=True)
        for ax, metric in zip(axes, metrics, strict=True):
            m = key_metric(metric)
            shown = paired_intervals(diffs, metric, levels)
            for i, level in enumerate(levels):
                mean, lo, hi, scale = shown[level]
                mean, lo, hi = scale.shown(mean), scale.shown(lo), scale.shown(hi)
                ax.errorbar(mean, i, xerr=[[mean - lo], [hi - mean]], fmt="o", color=palette[level], mec="black",
                            ms=4 if page_width else 5, capsize=4 if page_width else 5, capthick=1.5, lw=2)
            ax.axvline(0.0, color=ROAD_COLOURS["status_quo"], lw=1, ls="--")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=3 if page_width else 4))
            ax.xaxis.set_major_formatter(_ScaleTicks(scale))
            if page_width:
                # Narrow panels: the title's short form (the page's table gives the full one) over its mark.
                ax.set_title(m.title.split(" (")[0].replace(" ", "\n", 1) + (f"\n{m.mark}" if m.mark else ""),
                             loc="left")
                ax.set_xlabel("\n".join(textwrap.wrap(scale.axis, 18)))
            else:
                _panel_title(ax, metric, f"{m.title}:\nroad minus status quo")
                ax.set_xlabel(textwrap.fill(f"difference, {scale.axis}", 40))
        # The panels share the y axis: label and order it once (first road at the top).
        wrap = 200
        axes[0].set_yticks(range(len(levels)), [textwrap.fill(road_label(r), wrap) for r in levels])
        axes[0].set_ylim(len(levels) - 0.5, -0.5)
        if not page_width:
            interval = "mean and 95% interval" if n_pairs > 1 else "one pair (no interval: one needs two seeds or more)"
            _suptitle(fig, f"Difference from the status quo on the same seeds, in the {OUTCOME}: {interval}, "
                           f"{n_pairs} pair{'s' if n_pairs != 1 else ''} per road (dashed line: no difference)", context)
        return save_figure(fig, out_dir, name)


def plot_parameter_sweep(summary: pd.DataFrame, param: str, hue: str | None, out_dir: Path,
                         metrics=tuple(KEY_METRICS), context: str = "") -> list[Path]:
    """Figure 5 (one parameter): final value of each metric against ``param``, mean and 95% band."""
    summary = with_derived(summary, prefix="final_")
    metrics = available(metrics, summary.columns, prefix="final_")
    hue = hue if hue and hue != param else None
    levels = ordered_levels(summary[hue], hue) if hue else [None]
    palette = palette_for(hue, levels) if hue else {None: "#333333"}
    fig, axes = _new_figure(len(metrics))
    for ax, metric in zip(axes, metrics, strict=True):
        col = "final_" + metric
        for level in levels:
            s = summary if level is None else summary[summary[hue] == level]
            if s[param].isna().all():
                # A road without this parameter (the status quo): its mean and band across the axis.
                lo, hi = t_interval(s[col])
                ax.axhspan(lo, hi, color=palette[level], alpha=0.12, lw=0)
                ax.axhline(s[col].mean(), color=palette[level], lw=1.4, ls="--")
                continue
            stats = mean_band(s, [param], col)
            ax.fill_between(stats[param], stats["lo"], stats["hi"], color=palette[level], alpha=0.2, lw=0)
            ax.plot(stats[param], stats["mean"], "-o", color=palette[level], ms=3.5, lw=1.6)
        _panel_title(ax, metric)
        ax.set_xlabel(param)
        ax.set_ylabel(f"{key_metric(metric).unit or metric}, {OUTCOME}")
    roads = list(pd.unique(summary["road"])) if "road" in summary else []
    counts = hue_counts(summary, [param, hue] if hue else param)
    what = "mean and 95% band across seeds" if "no interval" not in counts else "one run per point"
    _suptitle(fig, f"The {OUTCOME} against {param_label(param, roads)}\n{what}, {counts}", context)
    if hue:
        _legend(fig, hue, levels, palette)
    return save_figure(fig, out_dir, f"sweep_{_slug(param)}")


def plot_heatmaps(summary: pd.DataFrame, params: tuple[str, str], out_dir: Path,
                  metrics=("customer_centricity", "profit", "share_committed", "share_compliance"),
                  name: str | None = None, title_suffix: str = "", context: str = "") -> list[Path]:
    """Figure 5 (two parameters): mean final value of each metric over the grid of two parameters."""
    summary = with_derived(summary, prefix="final_")
    metrics = available(metrics, summary.columns, prefix="final_")
    p1, p2 = params
    fig, axes = _new_figure(len(metrics), ncols=2, size=(5.2, 4.2))
    for ax, metric in zip(axes, metrics, strict=True):
        grid = summary.pivot_table(index=p2, columns=p1, values="final_" + metric, aggfunc="mean")
        _seaborn().heatmap(grid.sort_index(ascending=False), ax=ax, cmap="viridis", annot=grid.size <= 64, fmt=".3g",
                    cbar_kws={"label": key_metric(metric).unit})
        _panel_title(ax, metric)
        ax.set_xlabel(p1)
        ax.set_ylabel(p2)
    _suptitle(fig, f"The {OUTCOME}, mean over seeds ({hue_counts(summary, [p1, p2])}), over {p1} and {p2}"
                   f"{title_suffix}", context)
    return save_figure(fig, out_dir, name or f"sweep_{_slug(p1)}_x_{_slug(p2)}")


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text).strip("_")


# ---------------------------------------------------------------------- all figures of a sweep
def make_figures(runs: pd.DataFrame, summary: pd.DataFrame, swept: list[str], out_dir: Path,
                 processes: int | None = None, context: str = "") -> list[Path]:
    """Every figure that fits the sweep, into ``out_dir``.

    Args:
        runs: one row per job x step (``runs.parquet``), with ``road``, ``seed`` and parameter columns.
        summary: one row per finished job (``summary.csv`` rows with status ok).
        swept: the parameters that vary between jobs, other than ``seed``.
        out_dir: the figures folder.
        context: the line under every title: what the study ran on (``StudyContext.subtitle``).
        processes: processes drawing at once (default: one per core, at most one per figure); see
            :func:`draw_figures`.

    Returns:
        The files written, in the order of :func:`figure_plan`.
    """
    return draw_figures(runs, summary, swept, out_dir, processes=processes, context=context).wait()


class Drawing:
    """Figures being drawn: the files they go to (known before they are drawn) and the wait for them."""

    def __init__(self, paths: list[list[Path]], drawn: list, pool: ProcessPoolExecutor | None = None):
        self._paths, self._drawn, self._pool = paths, drawn, pool

    @property
    def paths(self) -> list[Path]:
        """The files the figures go to, in the order of :func:`figure_plan`."""
        return [path for paths in self._paths for path in paths]

    def wait(self) -> list[Path]:
        """Wait until every figure is drawn; the files written (an error of a drawing is raised here)."""
        try:
            drawn = [item.result() if isinstance(item, Future) else item for item in self._drawn]
        finally:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None
        if drawn != self._paths:
            raise RuntimeError(f"the figures went to {drawn}, not to {self._paths}")
        return self.paths


def draw_figures(runs: pd.DataFrame, summary: pd.DataFrame, swept: list[str], out_dir: Path,
                 processes: int | None = None, context: str = "") -> Drawing:
    """Start drawing every figure that fits the sweep, into ``out_dir``; :meth:`Drawing.wait` for them.

    Drawing is single-threaded. With more than one process (default: one per core, at most one per
    figure) every figure is drawn by another process, from a fork server that has imported this
    module once (:func:`start_drawing`; not forks of this process, whose library threads a fork
    could catch holding a lock), and this returns at once: the caller writes its tables meanwhile,
    and this process never imports seaborn. With one process, or without a fork server (Windows),
    they are drawn here before this returns.

    Example:
        >>> drawing = draw_figures(runs, summary, ["road"], Path("figures"))   # doctest: +SKIP
        >>> drawing.paths[0].name, drawing.wait() == drawing.paths             # doctest: +SKIP
        ('timeseries.png', True)
    """
    if runs.empty or summary.empty:
        return Drawing([], [])
    plan = figure_plan(runs.copy(), summary.copy(), swept, context)
    paths = [[out_dir / f"{name}.{fmt}" for fmt in FORMATS] for name, _ in plan]
    processes = min(len(plan), os.cpu_count() or 1) if processes is None else max(1, min(processes, len(plan)))
    if processes == 1 or not start_drawing():
        set_theme()
        return Drawing(paths, [draw(out_dir) for _name, draw in plan])
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("forkserver"), initializer=set_theme)
    try:
        # The longest first, so that the last figure to start is a short one.
        order = sorted(range(len(plan)), key=lambda i: _DRAWING_ORDER.get(plan[i][0], len(_DRAWING_ORDER)))
        futures = {i: pool.submit(plan[i][1], out_dir) for i in order}
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    return Drawing(paths, [futures[i] for i in range(len(plan))], pool)


#: The figures of a sweep, longest to draw first (five_roads: about 2 s, 2 s, 1 s and 0.3 s).
_DRAWING_ORDER = {"timeseries": 0, "final_outcomes": 1, "paired_differences": 2, "tradeoff": 3}


def start_drawing() -> bool:
    """Start the fork server that draws figures (it imports this module, seaborn and matplotlib, about
    two seconds), in the background, if it is not running; False where there is no fork server.

    A sweep calls it as its jobs start, so that its figures are drawn at once when they have run.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    # Seaborn too: this module imports it only to draw, and the drawing processes share one import.
    multiprocessing.get_context("forkserver").set_forkserver_preload([__name__, "seaborn"])
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return True


def set_theme() -> None:
    """The look of every sweep figure; fixed SVG ids, so the same sweep writes the same files, and
    SVG text kept as text, so a figure's words can be searched and edited."""
    _seaborn().set_theme(style="whitegrid", context="notebook", font_scale=0.9,
                  rc={"svg.hashsalt": "sim", "svg.fonttype": "none"})


def figure_plan(runs: pd.DataFrame, summary: pd.DataFrame, swept: list[str],
                context: str = "") -> list[tuple[str, Callable]]:
    """The figures that fit a sweep, as (name, draw(out_dir)) pairs, in order.

    Example:
        >>> s = pd.DataFrame({"road": ["status_quo", "mission"], "seed": [0, 0]})
        >>> [name for name, _ in figure_plan(s, s.copy(), ["road"])]
        ['timeseries', 'final_outcomes', 'tradeoff', 'paired_differences']
    """
    hue = condition_column(runs, summary, swept)
    plan: list[tuple[str, Callable]] = [
        ("timeseries", partial(plot_timeseries, timeseries_table(runs, hue), hue, context=context)),
        ("final_outcomes", partial(plot_final_outcomes, summary, hue, context=context)),
        ("tradeoff", partial(plot_tradeoff, summary, hue, context=context)),
    ]
    if "road" in swept:
        plan.append(("paired_differences",
                     partial(plot_paired_differences, summary, pairing(summary, swept), context=context)))
    numeric = [p for p in swept if p != "road" and summary[p].map(_is_number).all()]
    others = [p for p in swept if p not in numeric]
    if len(numeric) == 2 and not others:
        pair = (numeric[0], numeric[1])
        plan.append((f"sweep_{_slug(pair[0])}_x_{_slug(pair[1])}",
                     partial(plot_heatmaps, summary, pair, context=context)))
    else:
        by_road = "road" if "road" in swept else None
        for param in numeric:
            plan.append((f"sweep_{_slug(param)}",
                         partial(plot_parameter_sweep, summary, param, by_road, context=context)))
    return plan


def timeseries_table(runs: pd.DataFrame, hue: str) -> pd.DataFrame:
    """The columns of ``runs`` that figure 1 draws (the lines, the weeks, the seeds and the key metrics,
    derived ones included): all it needs, a tenth of the table, sent to the process that draws it.

    Example:
        >>> runs = pd.DataFrame({"job": ["a"], "road": ["mission"], "seed": [0], "step": [0], "profit": [1.0],
        ...                      "absenteeism": [0.1]})
        >>> list(timeseries_table(runs, "road").columns)
        ['road', 'seed', 'step', 'profit']
    """
    wanted = {hue, "step", "seed", *KEY_METRICS, *(part for parts in DERIVED.values() for part in parts)}
    return runs[[column for column in runs.columns if column in wanted]]


def condition_column(runs: pd.DataFrame, summary: pd.DataFrame, swept: list[str]) -> str:
    """The column that tells the lines apart: ``road``, the one swept parameter, or their combination.

    With several swept parameters a ``condition`` column (e.g. ``road=mission, road.pressure=0.4``)
    is added to both tables.
    """
    if not swept or swept == ["road"]:
        return "road"
    if len(swept) == 1:
        return swept[0]
    for df in (runs, summary):
        # A parameter a road does not take is left out of its label (``road=status_quo``).
        df["condition"] = df[swept].apply(
            lambda row: ", ".join(f"{k}={v}" for k, v in row.items() if pd.notna(v)), axis=1)
    return "condition"
