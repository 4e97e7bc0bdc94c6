"""What a sweep found, in plain words: ``summary.md``, written from the paired results.

Every road (or road and parameter level) is compared with the status quo on the same seeds,
by the same statistic as the figures (the final week, ``sim.study.metrics.OUTCOME``). The
words come from the numbers by the rules below, written once; nothing is written per road.

Rules (each stated in ``summary.md`` too):

1. **Difference.** For each seed, the road's value minus the status quo's; the mean over
   seeds and its 95% t interval (``sim.study.stats.t_interval``).
2. **Verdict.** *No clear difference* when the interval includes zero. *A small difference*
   when it excludes zero but the mean is smaller than the metric's smallest difference worth
   a word (``KeyMetric.smallest``: 0.01 on a 0-1 scale, one percentage point of employees, 1%
   of the status quo's level for profit and efficiency). Otherwise *higher* or *lower*, which
   is *better* or *worse* by the metric's declared direction; for a trade-off metric (value
   tension, compliance) neither is better in itself.
3. **Main trade-off.** The largest clear gain against the largest clear loss, each measured
   in multiples of its metric's smallest difference (so that metrics of different units
   compare).
4. **When.** Week by week, the paired difference smoothed over a quarter (13 weeks, trailing
   mean), with its 95% interval across seeds. The road is *ahead from week W* when the
   interval stays above zero from W to the end (*behind*: below zero); it *overtakes* when it
   was behind for a quarter or more before. A stretch shorter than a quarter is not told,
   and the end agrees with rule 2: a road with no clear difference in the final week is
   never said to be ahead or behind at the end (only its earlier stretches are told).
5. **Early warnings.** In how many runs each kind of alarm fired (one value rising while
   another fell, quarter on quarter: docs/ODD.md 7.1.6), with the median week it first
   fired, beside the status quo's count on the same seeds.

Example:
    >>> import pandas as pd
    >>> s = pd.DataFrame({"road": ["status_quo"] * 3 + ["mission"] * 3, "seed": [0, 1, 2] * 2,
    ...                   "final_profit": [100.0, 110.0, 90.0, 120.0, 131.0, 109.0]})
    >>> d = compare(s, pair_on=["seed"], metrics=["profit"])[0].differences[0]
    >>> d.verdict, d.words()
    ('better', 'profit: +20% [+18%, +22%], higher (better)')
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.early_warning import SIGNALS
from sim.study.context import StudyContext
from sim.study.metrics import KEY_METRICS, OUTCOME, DifferenceScale, KeyMetric, difference_scale, format_level, key_metric
from sim.study.stats import t_interval, t_quantile

SUMMARY_FILE = "summary.md"
#: The smoothing window of rule 4 (weeks): a quarter.
QUARTER = 13
#: The metrics rule 4 follows over time: the two values the study is about.
WHEN_METRICS = ("profit", "customer_centricity")
#: The most conditions (road and parameter levels) a summary in words compares with the status quo.
MAX_CONDITIONS = 24
#: Which figure a reader should open first, in order of preference.
FIRST_FIGURES = ("paired_differences", "final_outcomes", "timeseries")


# ---------------------------------------------------------------------- one difference
@dataclass
class Difference:
    """One metric of one road against the status quo on the same seeds (rules 1 and 2)."""

    metric: KeyMetric
    mean: float
    lo: float
    hi: float
    n: int
    base: float          # the status quo's mean
    share_allowed: bool = True   # False when another condition's status quo level of this metric is not positive

    @property
    def level(self) -> float:
        """The road's mean."""
        return self.base + self.mean

    @property
    def scale(self) -> DifferenceScale:
        """How it is shown (``sim.study.metrics.difference_scale``: one format per metric everywhere)."""
        return difference_scale(self.metric, self.base, self.share_allowed)

    @property
    def relative(self) -> bool:
        """Given as a share of the status quo's level (money and efficiency, when that level is positive)."""
        return self.scale.suffix == "%"

    def size(self) -> float:
        """The mean in multiples of the metric's smallest difference worth a word (for money and
        efficiency a share of the status quo's level, also when that level is negative)."""
        scale = self.metric.smallest * (abs(self.base) if self.metric.relative and self.base else 1.0)
        return abs(self.mean) / scale if scale > 0 else 0.0

    @property
    def clear(self) -> bool:
        return self.n >= 2 and (self.lo > 0 or self.hi < 0)

    @property
    def verdict(self) -> str:
        """'no clear difference', 'small', 'better', 'worse', 'higher' or 'lower' (trade-off metrics)."""
        if self.n < 2:
            return "one seed"
        if not self.clear:
            return "no clear difference"
        if self.size() < 1:
            return "small"
        up = self.mean > 0
        if self.metric.better == "higher":
            return "better" if up else "worse"
        if self.metric.better == "lower":
            return "worse" if up else "better"
        return "higher" if up else "lower"

    def amount(self) -> str:
        """'+12% [+9%, +15%]', '+0.032 [+0.020, +0.045]' or '+3.1 percentage points [+2.0, +4.2]'."""
        if self.n < 2:
            return self.scale.format(self.mean) + " (one seed, no interval)"
        return self.scale.format(self.mean, self.lo, self.hi)

    def estimate(self) -> str:
        """The mean alone, as ``amount`` writes it ('+12%')."""
        return self.amount().split(" [")[0].removesuffix(" (one seed, no interval)")

    @property
    def name(self) -> str:
        return "commitment" if self.metric.name == "share_committed" else self.metric.title.lower()

    def verdict_words(self) -> str:
        """'higher (better)', 'no clear difference', 'slightly lower (...)' and the like."""
        verdict = self.verdict
        direction = "higher" if self.mean > 0 else "lower"
        if verdict == "no clear difference":
            return verdict
        if verdict == "small":
            return f"slightly {direction} (below the smallest difference worth a word)"
        if verdict == "one seed":
            return direction
        if verdict in ("higher", "lower"):
            return f"{direction} (a trade-off: neither way is better in itself)"
        return f"{direction} ({verdict})"

    def words(self) -> str:
        """'profit: +12% [+9%, +15%], higher (better)' and the like."""
        if self.verdict == "no clear difference":
            return f"{self.name}: no clear difference ({self.amount()})"
        return f"{self.name}: {self.amount()}, {self.verdict_words()}"


# ---------------------------------------------------------------------- one road
@dataclass
class Comparison:
    """One condition (a road, and the levels of any other swept parameter) against the status quo."""

    road: str
    levels: dict[str, object]
    differences: list[Difference]
    seeds: int
    when: dict[str, str] = field(default_factory=dict)
    warnings: list[str] | None = None      # None: no alarm records to read

    @property
    def name(self) -> str:
        from sim.study.plots import road_label

        extra = ", ".join(f"{k}={v}" for k, v in self.levels.items())
        return road_label(self.road) + (f" ({extra})" if extra else "")

    def among(self, metrics: Collection[str] | None = None) -> list[Difference]:
        """Its differences, only on ``metrics`` when given (what a brief's table shows)."""
        return [d for d in self.differences if metrics is None or d.metric.name in metrics]

    def gains(self, metrics: Collection[str] | None = None) -> list[Difference]:
        return sorted((d for d in self.among(metrics) if d.verdict == "better"), key=Difference.size, reverse=True)

    def losses(self, metrics: Collection[str] | None = None) -> list[Difference]:
        return sorted((d for d in self.among(metrics) if d.verdict == "worse"), key=Difference.size, reverse=True)

    def trade_off(self, metrics: Collection[str] | None = None) -> str:
        """Rule 3, in one sentence; on ``metrics`` only when given, so that a page which shows
        some metrics names no other."""
        gains, losses = self.gains(metrics), self.losses(metrics)
        if gains and losses:
            return (f"it buys {gains[0].name} ({gains[0].estimate()}) at the price "
                    f"of {losses[0].name} ({losses[0].estimate()})")
        if gains:
            return f"it clearly gains on {_and([d.name for d in gains])} and is clearly worse on no key metric"
        if losses:
            return f"it is clearly worse on {_and([d.name for d in losses])} and clearly better on no key metric"
        return "no key metric is clearly better or worse"

    def headline(self) -> str:
        """One line for the terminal and the top of ``summary.md``."""
        # Better or worse first, then the trade-off metrics; the largest first within each.
        clear = [d for d in self.differences if d.verdict in ("better", "worse", "higher", "lower")]
        clear.sort(key=lambda d: (d.verdict in ("higher", "lower"), -d.size()))
        shown = [d.words() for d in clear[:3]]
        rest = len(self.differences) - len(shown)
        if rest and len(clear) <= 3:
            shown.append(f"no clear difference worth a word on the other {rest}")
        elif rest:
            more = len(clear) - 3
            shown.append(f"and {more} more clear difference{'s' if more != 1 else ''}")
        return f"{self.name}: " + "; ".join(shown)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------------- the whole sweep
def compare(summary: pd.DataFrame, pair_on: list[str], metrics=tuple(KEY_METRICS), runs: pd.DataFrame | None = None,
            alarms: pd.DataFrame | None = None, baseline: str = "status_quo") -> list[Comparison]:
    """Every condition of a sweep against the status quo on the same seeds (rules 1 to 5).

    Args:
        summary: one row per finished run, with ``road``, ``seed``, the swept columns and ``final_<metric>``.
        pair_on: the columns a run is paired on (``seed`` and the swept parameters other than ``road``).
        metrics: the metrics to compare.
        runs: the runs' weekly table (``runs.parquet``), for rule 4 (left out when None).
        alarms: one row per alarm (``alarms.csv``: job, week, sacrificed, favoured), for rule 5.
    """
    from sim.study.plots import ordered_levels, paired_differences

    diffs = paired_differences(summary, pair_on, metrics, baseline=baseline)
    if diffs.empty:
        return []
    extra = [c for c in pair_on if c != "seed"]
    groups = ["road", *extra]
    present = [m for m in metrics if f"diff_{m}" in diffs]
    out = []
    for key, rows in diffs.groupby(groups, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        levels = {k: v for k, v in zip(extra, key[1:], strict=True) if pd.notna(v)}
        differences = []
        for m in present:
            d = rows[f"diff_{m}"].to_numpy(float)
            lo, hi = t_interval(d)
            base = float(rows[f"base_{m}"].mean())
            differences.append(Difference(key_metric(m), float(np.mean(d)), lo, hi, len(d), base))
        comparison = Comparison(key[0], levels, differences, seeds=int(rows["seed"].nunique()))
        if runs is not None and not runs.empty:
            at_end = {d.metric.name: (0 if not d.clear else 1 if d.mean > 0 else -1) for d in differences}
            comparison.when = when(runs, key[0], levels, pair_on, baseline, at_end=at_end)
        if alarms is not None:
            comparison.warnings = warnings_raised(alarms, summary, key[0], levels, rows["seed"], baseline)
        out.append(comparison)
    # One unit per metric across the conditions: a share of the status quo only if every status quo level is positive.
    for m in present:
        column = [d for c in out for d in c.differences if d.metric.name == m]
        if not all(d.base > 0 for d in column):
            for d in column:
                d.share_allowed = False
    order = ordered_levels([c.road for c in out], "road")
    return sorted(out, key=lambda c: (order.index(c.road), str(c.levels)))


def when(runs: pd.DataFrame, road: str, levels: dict, pair_on: list[str], baseline: str = "status_quo",
         metrics=WHEN_METRICS, at_end: dict[str, int] | None = None) -> dict[str, str]:
    """Rule 4: when the road is clearly ahead of or behind the status quo, per metric, in words.

    ``at_end`` gives, per metric, the final week's verdict of rule 2 (+1 clearly higher, -1 clearly
    lower, 0 no clear difference), so the words end as the table does; without it the smoothed
    difference's last week decides.
    """
    keys = [c for c in pair_on if c in runs and runs.loc[runs["road"] == baseline, c].notna().any()]
    mine = runs[runs["road"] == road]
    for k, v in levels.items():
        mine = mine[mine[k] == v]
    base = runs[runs["road"] == baseline]
    out = {}
    for metric in metrics:
        if metric not in runs:
            continue
        merged = mine[[*keys, "step", metric]].merge(base[[*keys, "step", metric]], on=[*keys, "step"],
                                                     suffixes=("", "_base"))
        if merged.empty:
            continue
        merged["d"] = merged[metric] - merged[metric + "_base"]
        table = merged.pivot_table(index="step", columns=keys, values="d").sort_index()
        smooth = table.rolling(QUARTER, min_periods=QUARTER).mean().dropna(how="all")
        if smooth.empty:
            continue
        n = smooth.shape[1]
        mean = smooth.mean(axis=1)
        half = t_quantile(n - 1) * smooth.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else 0.0 * mean
        above, below = (mean - half > 0).to_numpy(), (mean + half < 0).to_numpy()
        weeks = smooth.index.to_numpy()
        end = (at_end or {}).get(metric)
        if end is None:
            end = 1 if above[-1] else -1 if below[-1] else 0
        out[metric] = _when_words(weeks, above, below, end)
    return out


def _stretches(flags: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True in ``flags``."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def _when_words(weeks: np.ndarray, above: np.ndarray, below: np.ndarray, end: int) -> str:
    """Rule 4 in words, from the weeks the interval is wholly above and wholly below zero and the
    final week's verdict ``end`` (+1 ahead, -1 behind, 0 no clear difference).

    Only stretches of a quarter or more count; one that runs to the last week counts only in the
    direction of ``end``, so the words never contradict the final week's verdict.
    """
    last = len(weeks) - 1
    quarter = {side: [(a, b) for a, b in _stretches(flags) if b - a + 1 >= QUARTER]
               for side, flags in (("ahead", above), ("behind", below))}
    final_side = {1: "ahead", -1: "behind"}.get(end)
    if final_side is not None:
        other = "behind" if final_side == "ahead" else "ahead"
        turn = "overtakes the status quo and is ahead" if final_side == "ahead" else "falls behind the status quo"
        tail = [(a, b) for a, b in quarter[final_side] if b == last]
        if tail:
            since = tail[0][0]
            earlier = [(a, b) for a, b in quarter[other] if b < since]
            if earlier:
                a, b = max(earlier, key=lambda ab: ab[1] - ab[0])
                return f"{other} in weeks {weeks[a]}-{weeks[b]}, then {turn} from week {weeks[since]} to the end"
            return f"{final_side} from week {weeks[since]} to the end"
    # The end is not a quarter-long stretch the verdict agrees with: tell the earlier stretches only.
    earlier = sorted((a, b, side) for side, spans in quarter.items() for a, b in spans if b < last)[-3:]
    told: list[list] = []     # [side, "a-b", ...]: stretches on the same side told together
    for a, b, side in earlier:
        if told and told[-1][0] == side:
            told[-1].append(f"{weeks[a]}-{weeks[b]}")
        else:
            told.append([side, f"{weeks[a]}-{weeks[b]}"])
    history = ", then ".join(f"{side} in weeks {_and(spans)}" for side, *spans in told)
    ending = {0: "no clear difference at the end",
              1: "clearly ahead in the final week, but not over the last quarter",
              -1: "clearly behind in the final week, but not over the last quarter"}[end]
    if history:
        return f"{history}; {ending}"
    return "never clearly ahead or behind for a quarter" if end == 0 else ending


def alarm_words(sacrificed: str, favoured: str) -> str:
    """How an alarm reads, e.g. 'satisfaction fell while profit rose' (the values' KPIs)."""
    return f"{SIGNALS.get(sacrificed, sacrificed)} fell while {SIGNALS.get(favoured, favoured)} rose"


def warnings_raised(alarms: pd.DataFrame, summary: pd.DataFrame, road: str, levels: dict, seeds,
                    baseline: str = "status_quo") -> list[str]:
    """Rule 5: each kind of alarm of this condition's runs, beside the status quo's on the same seeds."""
    seeds = set(seeds)

    def jobs_of(name, lv):
        rows = summary[(summary["road"] == name) & summary["seed"].isin(seeds)]
        for k, v in lv.items():
            rows = rows[rows[k] == v]
        return set(rows["job"])

    mine, theirs = jobs_of(road, levels), jobs_of(baseline, {})
    own = alarms[alarms["job"].isin(mine)]
    other = alarms[alarms["job"].isin(theirs)]
    out = []
    for (sacrificed, favoured), rows in own.groupby(["sacrificed", "favoured"]):
        first = rows.groupby("job")["week"].min()
        base_runs = other[(other["sacrificed"] == sacrificed) & (other["favoured"] == favoured)]["job"].nunique()
        out.append(f"{alarm_words(sacrificed, favoured)}: in {first.size} of {len(mine)} runs, first in week "
                   f"{int(first.median())} (median); the status quo {base_runs} of {len(theirs)}")
    return out


# ---------------------------------------------------------------------- summary.md
def first_figure(figures: list[Path]) -> Path | None:
    """The figure to open first: the paired differences, else the outcomes, else the first."""
    pngs = [p for p in figures if p.suffix == ".png"]
    for name in FIRST_FIGURES:
        for p in pngs:
            if p.stem == name:
                return p
    return pngs[0] if pngs else None


def summary_markdown(comparisons: list[Comparison], context: StudyContext, figure: Path | None = None,
                     sweep_dir: Path | None = None, note: str = "", cautions: list[str] | None = None) -> str:
    """The text of ``summary.md`` (``note``: why there is no comparison in words, if there is none;
    ``cautions``: what the reader must know before any comparison, each said once at the top)."""
    where = f" (week {context.weeks[-1]})" if len(context.weeks) == 1 else ""
    lines = ["# What this sweep found", "", context.subtitle(), ""]
    for caution in cautions or []:
        lines += [caution, ""]
    shown = figure.relative_to(sweep_dir) if figure is not None and sweep_dir is not None else figure
    if not comparisons:
        lines += [note or "This sweep has no status quo runs to pair with, so it makes no comparison in words; "
                  "the figures and `summary.csv` hold the levels.", ""]
        if shown:
            lines += [f"Open first: `{shown}`.", ""]
        return "\n".join(lines)
    lines += [f"Each road is compared with the status quo on the same seeds, in the {OUTCOME}{where}: "
              "the mean difference and its 95% interval."
              + (f" Open first: `{shown}`." if shown else ""), "", "## In short", ""]
    lines += [f"- {c.headline()}" for c in comparisons]
    lines.append("")
    for c in comparisons:
        lines += [f"## {c.name} against the status quo", "",
                  f"On {c.seeds} paired seed{'s' if c.seeds != 1 else ''}, in the {OUTCOME}{where}.", "",
                  "| Metric | Good direction | Status quo | Road | Difference [95% interval] | In words |",
                  "|---|---|---|---|---|---|"]
        for d in c.differences:
            lines.append(f"| {d.metric.label()} | {d.metric.direction_words} | {format_level(d.metric, d.base)} "
                         f"| {format_level(d.metric, d.level)} | {d.amount()} | {d.verdict_words()} |")
        lines += ["", f"**Main trade-off:** {c.trade_off()}.", ""]
        if c.when:
            lines.append("**When:** " + "; ".join(f"{key_metric(m).title.lower()}: {text}"
                                                   for m, text in c.when.items()) + ".")
            lines.append("")
        if c.warnings:
            lines += ["**Early warnings** (alarm kinds in its runs; the monitors run under every road):", ""]
            lines += [f"- {w}" for w in c.warnings]
            lines.append("")
        elif c.warnings is not None:
            lines += ["**Early warnings:** none fired in its runs.", ""]
    lines += ["## How to read this", "",
              f"- Difference: for each seed, the road's value minus the status quo's in the {OUTCOME}; the mean over "
              "seeds and its 95% t interval. Profit and efficiency as a share of the status quo's level (when that is "
              "positive), shares of employees in percent and their differences in percentage points, the 0-1 indexes "
              "in index points; an interval has its estimate's format, with a digit more where a bound would "
              "round to zero.",
              "- No clear difference: the interval includes zero. Slightly higher or lower: the interval excludes "
              "zero but the mean is below the smallest difference worth a word (0.01 on a 0-1 scale, one "
              "percentage point of employees, 1% of the status quo's level for profit and efficiency).",
              "- Better or worse follows each metric's good direction; value tension and compliance are "
              "trade-offs: neither direction is better in itself.",
              "- Main trade-off: the largest clear gain against the largest clear loss, each in multiples of "
              "its smallest difference worth a word.",
              f"- When: the weekly paired difference smoothed over {QUARTER} weeks; ahead (behind) from week W when "
              "its 95% interval stays above (below) zero from W to the end, for a quarter or more, and the final "
              "week's difference is clear the same way; stretches shorter than a quarter are not told.",
              "- Early warnings: one value rising while another fell, quarter on quarter (docs/ODD.md 7.1.6).",
              "- The rules are in `sim/study/findings.py`; the model's assumptions in docs/ODD.md.", ""]
    return "\n".join(lines)


def assumption_cautions(scenario: str | None, roads: list[str], limit: int = 4) -> list[str]:
    """What the screening of the model's assumptions (docs/ASSUMPTIONS.md) flags about these roads
    in this organisation: conclusions that flip within the plausible ranges of the effect sizes."""
    from sim.validation.assumptions import flag_sentences

    flagged = flag_sentences(scenario, roads)
    if not flagged:
        return []
    shown = "; ".join(flagged[:limit])
    more = f"; and {len(flagged) - limit} more" if len(flagged) > limit else ""
    return [f"**Assumptions ({len(flagged)} flagged):** {shown[:1].upper()}{shown[1:]}{more}. The screening ran "
            "at a small size (docs/ASSUMPTIONS.md): read it as which conclusions are fragile, not as this sweep's."]


def write_summary(sweep_dir: Path, summary: pd.DataFrame, runs: pd.DataFrame, swept: list[str],
                  context: StudyContext, figures: list[Path], alarms: pd.DataFrame | None = None,
                  warnings: list[tuple[str, int]] | None = None) -> Path:
    """Write ``SWEEP_DIR/summary.md`` and return its path.

    ``warnings``: what the runs' organisations warn of (one that loses money before any road
    starts), each once with its number of runs; said at the top, before any comparison.
    """
    cautions = [f"**Warning ({n} of {len(summary)} runs):** {text[:1].upper()}{text[1:]}." for text, n in warnings or []]
    comparisons, note = [], ""
    if "road" in swept and "road" in summary:
        from sim.study.plots import pairing

        pair_on = pairing(summary, swept)
        conditions = summary.loc[summary["road"] != "status_quo", ["road", *pair_on[1:]]].astype(str).drop_duplicates()
        if len(conditions) > MAX_CONDITIONS:
            # A design (sensitivity, where roads win) is read by its own analysis, not road by road.
            note = (f"This sweep compares {len(conditions)} conditions with the status quo, more than the "
                    f"{MAX_CONDITIONS} a summary in words can hold; its analysis (`python -m sim.study.sensitivity` "
                    "or `python -m sim.study.roads_report`), `summary.csv` and the figures hold the results.")
        else:
            comparisons = compare(summary, pair_on, runs=runs, alarms=alarms)
            cautions += assumption_cautions(context.scenario, sorted(set(summary["road"].astype(str))))
    path = sweep_dir / SUMMARY_FILE
    path.write_text(summary_markdown(comparisons, context, first_figure(figures), sweep_dir, note,
                                    cautions), encoding="utf-8")
    return path
