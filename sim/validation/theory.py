"""Theory directions, reported as checks (issue 23, item 5): three moderations and trends the
literature predicts, each measured as a paired experiment and reported as it comes out.

Unlike the twelve patterns (:mod:`sim.validation.patterns`), these are not tests the model
must pass: no constant is set to make one hold. Each check measures one or two effects per
seed on common random numbers (a difference between two paired gains, a difference in
differences) and gives each its 95% t interval across seeds. The verdict follows the interval
alone (:func:`verdict`): **holds** when the whole interval lies on the side the theory
expects, **does not hold** when it lies wholly on the other side, **inconclusive** when it
spans zero.

1. Readiness moderates what the change programme is worth (Armenakis, Harris & Mossholder 1993;
   Weiner 2009): the competing_values road's gain over the status quo is larger at high
   readiness than at low.
2. An efficiency push's profit lead erodes as service and commitment wear (Oliva & Sterman
   2001): the engineering road's profit lead is smaller in the last year than in years 2 and 3
   (pattern 3's peak window; in year 1 the lead is still building).
3. Visible prioritisation costs the best-customer road more (Homburg, Droll & Totzek 2008):
   its lead is smaller, and the low tier's loss larger, where unfairness is visible.

The runs are independent, so they go to joblib processes, one task per seed and condition
(the roads of a task share its burn-in, :meth:`sim.model.CentricityModel.settled`).

Example:
    >>> checks = run_checks(Scale(n_customers=300, n_employees=30, seeds=2, weeks=8, burn_in_weeks=4), jobs=1)
    >>> [c.name for c in checks]   # doctest: +NORMALIZE_WHITESPACE
    ['readiness moderates the change programme', 'an efficiency push erodes its profit lead',
     'visible prioritisation costs the best-customer road']
    >>> checks[0].verdict in VERDICTS
    True
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from sim.model import CentricityModel
from sim.validation.patterns import Scale, interval
from sim.validation.tables import fmt

HOLDS, FAILS, INCONCLUSIVE = "holds", "does not hold", "inconclusive"
VERDICTS = (HOLDS, FAILS, INCONCLUSIVE)
_MARK = {HOLDS: "✓ holds", FAILS: "✗ does not hold", INCONCLUSIVE: "○ inconclusive"}

#: The two levels of each moderator: well inside each parameter's range, on either side of its default.
READINESS = (0.25, 0.75)            # organisation.initial_readiness, default 0.5
VISIBILITY = (0.05, 0.6)            # customers.unfairness_visibility, default 0.3
#: Participation alone, for comparison with the whole road in check 1: full participation from week 1.
PARTICIPATION = pd.DataFrame({"week": [1], "participation": [1.0]})
#: "Final" satisfaction: the mean of the run's last quarter-year, steadier than its last week.
FINAL_WEEKS = 13
_COLUMNS = ["profit", "customer_centricity", "satisfaction", "satisfaction_low", "affective", "service_quality",
            "readiness"]


# ------------------------------------------------------------------------------- results
def verdict(ci: tuple[float, float], expected_sign: int) -> str:
    """The verdict an interval gives on a direction: ``expected_sign`` +1 expects a positive effect, -1 a negative one.

    Holds only when the whole interval is on the expected side of zero; does not hold when the
    whole interval is on the other side; otherwise (it spans or touches zero, or is undefined)
    inconclusive.

    Example:
        >>> verdict((0.1, 0.4), +1), verdict((-0.4, -0.1), +1), verdict((-0.1, 0.4), +1), verdict((-0.4, -0.1), -1)
        ('holds', 'does not hold', 'inconclusive', 'holds')
    """
    lo, hi = ci
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo == hi:
        return INCONCLUSIVE   # no interval (fewer than two seeds): nothing to judge
    if expected_sign * lo > 0 and expected_sign * hi > 0:
        return HOLDS
    if expected_sign * lo < 0 and expected_sign * hi < 0:
        return FAILS
    return INCONCLUSIVE


def combine(verdicts: list[str]) -> str:
    """A check's verdict from its primary effects': holds if all hold, does not hold if any does not, else inconclusive.

    Example:
        >>> combine(["holds", "holds"]), combine(["holds", "inconclusive"]), combine(["holds", "does not hold"])
        ('holds', 'inconclusive', 'does not hold')
    """
    if verdicts and all(v == HOLDS for v in verdicts):
        return HOLDS
    return FAILS if FAILS in verdicts else INCONCLUSIVE


@dataclass
class Effect:
    """One measured effect: one value per seed (paired), its mean and 95% interval, the direction expected.

    ``primary`` effects decide the check's verdict; the others are reported beside them (the
    mechanism's trace, the two gains a difference is made of).

    Example:
        >>> e = Effect("gain", np.array([1.8, 2.0, 2.2]), expected_sign=+1)
        >>> e.mean, e.verdict
        (2.0, 'holds')
    """

    label: str
    values: np.ndarray
    expected_sign: int = 0          # +1, -1; 0: reported, no direction expected
    primary: bool = True

    @property
    def mean(self) -> float:
        x = np.asarray(self.values, dtype=float)
        return float(np.nanmean(x)) if np.isfinite(x).any() else float("nan")

    @property
    def interval(self) -> tuple[float, float]:
        lo, hi = interval(self.values)
        return float(lo), float(hi)

    @property
    def verdict(self) -> str | None:
        return verdict(self.interval, self.expected_sign) if self.expected_sign else None

    def text(self) -> str:
        """'mean [lo, hi]' at a precision that suits the size."""
        lo, hi = self.interval
        return f"{_fmt(self.mean)} [{_fmt(lo)}, {_fmt(hi)}]"


@dataclass
class Check:
    """A theory direction: the statement, the experiment, the effects measured and the verdict."""

    number: int
    name: str
    statement: str
    source: str
    experiment: str
    expected: str
    effects: list[Effect]
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)   # the per-seed numbers behind the effects
    seeds: int = 0

    @property
    def primary(self) -> list[Effect]:
        return [e for e in self.effects if e.primary]

    @property
    def verdict(self) -> str:
        return combine([e.verdict for e in self.primary])

    def summary(self) -> str:
        """One line: the check, its primary effects and the verdict."""
        parts = "; ".join(f"{e.label} = {e.text()}" for e in self.primary)
        return f"theory check {self.number} ({self.name}): {parts}; expected {self.expected}: {self.verdict}"


def _fmt(x: float) -> str:
    """The report's precision (:func:`sim.validation.tables.fmt`), but a value below 0.001 in
    scientific notation: not '-0.000' beside a verdict that rests on its sign."""
    if x is not None and np.isfinite(x) and 0 < abs(x) < 0.001:
        return f"{x:.1e}"
    return fmt(x)


# ------------------------------------------------------------------------------- running
def _simulate(seed: int, scale: Scale, params: tuple, arms: tuple) -> dict[str, pd.DataFrame]:
    """Run each arm (label, road, road_params) on one seed and condition; the roads share the burn-in."""
    out = {}
    for label, road, road_params in arms:
        model = CentricityModel.settled(road=road, seed=seed, road_params=dict(road_params), **scale.model_kwargs(),
                                        **dict(params))
        model.run(scale.weeks)
        out[label] = model.results()[_COLUMNS]
    return out


#: The conditions (model parameters) and the arms run under each, for every seed.
def _design() -> list[tuple[tuple, tuple]]:
    participation = (("schedule", PARTICIPATION),)
    readiness = tuple(((("initial_readiness", r),), (("status_quo", "status_quo", ()),
                                                      ("competing_values", "competing_values", ()),
                                                      ("participation", "custom", participation))) for r in READINESS)
    visibility = tuple(((("unfairness_visibility", v),), (("status_quo", "status_quo", ()),
                                                          ("best_customer", "best_customer", ())))
                       for v in VISIBILITY)
    default = (((), (("status_quo", "status_quo", ()), ("engineering", "engineering", ()))),)
    return [*readiness, *visibility, *default]   # three-arm tasks first, so two workers finish together


def simulate_all(scale: Scale, seeds: int | None = None, jobs: int | None = None) -> dict:
    """Every run the three checks need: ``{(params, seed): {arm: results}}``, in parallel over seeds and conditions.

    Example:
        >>> runs = simulate_all(Scale(n_customers=300, n_employees=30, seeds=1, weeks=4, burn_in_weeks=4), jobs=1)
        >>> sorted(runs[((("initial_readiness", 0.25),), 0)])
        ['competing_values', 'participation', 'status_quo']
    """
    n = scale.seeds if seeds is None else int(seeds)
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    tasks = [(params, arms, s) for params, arms in _design() for s in range(n)]
    if jobs != 1:
        from sim.kernels import warm_up
        warm_up()   # compiled once here: the workers load the kernels from the cache
    results = Parallel(n_jobs=jobs, backend="loky", batch_size=1)(
        delayed(_simulate)(s, scale, params, arms) for params, arms, s in tasks)
    return {(params, s): r for (params, _, s), r in zip(tasks, results, strict=True)}


def run_checks(scale: Scale, seeds: int | None = None, jobs: int | None = None) -> list[Check]:
    """Run the three theory checks at ``scale`` on seeds ``0 .. seeds-1`` (default ``scale.seeds``).

    ``jobs`` worker processes (default: all cores; 1 runs in this process). Returns the checks
    in order; each has its effects with 95% intervals across seeds and its verdict.

    Example:
        >>> checks = run_checks(Scale(n_customers=300, n_employees=30, seeds=2, weeks=8, burn_in_weeks=4), jobs=1)
        >>> [len(c.primary) for c in checks], all(c.seeds == 2 for c in checks)
        ([2, 1, 2], True)
    """
    runs = simulate_all(scale, seeds, jobs)
    n = scale.seeds if seeds is None else int(seeds)
    return [check_readiness(runs, scale, n), check_erosion(runs, scale, n), check_visibility(runs, scale, n)]


# ------------------------------------------------------------------------------- the checks
def _total(d: pd.DataFrame, column: str) -> float:
    return float(d[column].iloc[1:].sum())


def _mean(d: pd.DataFrame, column: str, weeks: slice | None = None) -> float:
    return float(d[column].iloc[weeks or slice(1, None)].mean())


def _final(d: pd.DataFrame, column: str) -> float:
    return float(d[column].iloc[-min(FINAL_WEEKS, len(d) - 1):].mean())


def _lead(runs, params, n, road, stat) -> np.ndarray:
    """Per seed: ``stat(road's results) - stat(status quo's results)`` under ``params``."""
    return np.array([stat(runs[(params, s)][road]) - stat(runs[(params, s)]["status_quo"]) for s in range(n)])


def check_readiness(runs: dict, scale: Scale, n: int) -> Check:
    """Check 1: the competing_values road gains more over the status quo at high readiness than at low."""
    low, high = ((("initial_readiness", r),) for r in READINESS)
    stats = {"mean customer centricity": lambda d: _mean(d, "customer_centricity"),
             "total profit": lambda d: _total(d, "profit")}
    effects, frame = [], {"seed": range(n)}
    for label, stat in stats.items():
        g_low, g_high = _lead(runs, low, n, "competing_values", stat), _lead(runs, high, n, "competing_values", stat)
        effects.append(Effect(f"gain in {label}, readiness {READINESS[1]} minus {READINESS[0]}", g_high - g_low, +1))
        effects += [Effect(f"competing_values' gain in {label} at readiness {READINESS[0]}", g_low, primary=False),
                    Effect(f"competing_values' gain in {label} at readiness {READINESS[1]}", g_high, primary=False)]
        frame |= {f"cv_gain_{label}_low": g_low, f"cv_gain_{label}_high": g_high}
    for label, stat in stats.items():
        # Participation alone (no pacing, no other lever): reported beside the road, not judged.
        p_low, p_high = _lead(runs, low, n, "participation", stat), _lead(runs, high, n, "participation", stat)
        effects.append(Effect(f"participation alone: gain in {label}, readiness {READINESS[1]} minus {READINESS[0]}",
                              p_high - p_low, +1, primary=False))
        frame |= {f"participation_gain_{label}_low": p_low, f"participation_gain_{label}_high": p_high}
    # The manipulation, as the settled organisation has it at week 0 (after the burn-in).
    for r, params in zip(READINESS, (low, high), strict=True):
        effects.append(Effect(f"mean readiness at week 0 (set {r})",
                              np.array([runs[(params, s)]["status_quo"].readiness.iloc[0] for s in range(n)]),
                              primary=False))
    return Check(1, "readiness moderates the change programme",
                 "Readiness for change moderates what a change programme achieves: where members are ready (change "
                 "commitment and efficacy), pacing and participation are worth more.",
                 "Armenakis, Harris & Mossholder 1993; Weiner 2009",
                 f"The competing_values road (readiness assessment, pressure paced to keep tension productive, "
                 f"participation) and the status quo on the same seeds, at organisation readiness {READINESS[0]} and "
                 f"{READINESS[1]}; per seed the difference between the road's two gains over the status quo "
                 f"(a difference in differences) in mean customer centricity and in profit over the {scale.weeks} weeks.",
                 "both differences > 0 (the road gains more at high readiness)", effects,
                 pd.DataFrame(frame), n)


def _year_windows(weeks: int) -> list[tuple[str, slice]]:
    """Whole years of the run (the last one possibly short); two halves when the run is shorter than two years."""
    if weeks < 104:
        half = weeks // 2
        return [(f"weeks 1-{half}", slice(1, half + 1)), (f"weeks {half + 1}-{weeks}", slice(half + 1, weeks + 1))]
    years = -(-weeks // 52)
    return [(f"year {y}", slice(52 * (y - 1) + 1, min(52 * y, weeks) + 1)) for y in range(1, years + 1)]


def check_erosion(runs: dict, scale: Scale, n: int) -> Check:
    """Check 2: the engineering road's profit lead over the status quo is smaller in its last year than in
    years 2 and 3 (its first year when the run is shorter than four years)."""
    windows = _year_windows(scale.weeks)
    # The lead is compared with its level in years 2 and 3 (weeks 79 to 156, the window pattern 3
    # names as the peak): in year 1 the lead is still building, as process improvement and
    # headcount cuts take time. Runs shorter than four years compare the first and last years.
    if scale.weeks >= 208:
        windows = windows[:1] + [("years 2-3", slice(79, 157))] + windows[1:]
        first = "years 2-3"
    else:
        first = windows[0][0]
    last = windows[-1][0]
    rows = []
    for period, w in windows:
        for column in ("profit", "satisfaction", "affective", "service_quality"):
            lead = _lead(runs, (), n, "engineering", lambda d, c=column, w=w: _mean(d, c, w))
            rows += [{"period": period, "quantity": column, "seed": s, "lead": v} for s, v in enumerate(lead)]
    frame = pd.DataFrame(rows)

    def lead(column, period):
        return frame[(frame.quantity == column) & (frame.period == period)].sort_values("seed").lead.to_numpy()

    effects = [Effect(f"weekly profit lead, {last} minus {first}", lead("profit", last) - lead("profit", first), -1)]
    # The lead in every period, not only the two compared: a lead that builds up over the first
    # year (process improvement and headcount cuts take time) shows here, beside the verdict.
    effects += [Effect(f"weekly profit lead, {p}", lead("profit", p), primary=False) for p, _ in windows]
    for column, what in (("satisfaction", "satisfaction difference"), ("affective", "affective commitment difference"),
                         ("service_quality", "service quality difference")):
        effects += [Effect(f"{what}, {p}", lead(column, p), primary=False) for p in (first, last)]
    return Check(2, "an efficiency push erodes its profit lead",
                 "An efficiency push raises profit at first; as service quality and employees' commitment wear, "
                 "satisfaction falls and the profit lead erodes.",
                 "Oliva & Sterman 2001",
                 f"The engineering road (process improvement on the firm's own process, heavy monitoring, "
                 f"efficiency-weighted rewards, freed capacity cut) and the status quo on the same seeds; per seed "
                 f"the road's mean weekly profit lead in {last} minus that in {first}, with satisfaction, "
                 f"affective commitment and service quality as the mechanism's trace.",
                 f"< 0 (the lead is smaller in {last})", effects, frame, n)


def check_visibility(runs: dict, scale: Scale, n: int) -> Check:
    """Check 3: the best_customer road's lead over the status quo is smaller where unfairness is visible."""
    hidden, seen = ((("unfairness_visibility", v),) for v in VISIBILITY)
    stats = {"total profit": lambda d: _total(d, "profit"),
             f"low tier's satisfaction (last {FINAL_WEEKS} weeks)": lambda d: _final(d, "satisfaction_low")}
    effects, frame = [], {"seed": range(n)}
    for label, stat in stats.items():
        l_hidden, l_seen = _lead(runs, hidden, n, "best_customer", stat), _lead(runs, seen, n, "best_customer", stat)
        effects.append(Effect(f"lead in {label}, visibility {VISIBILITY[1]} minus {VISIBILITY[0]}", l_seen - l_hidden, -1))
        effects += [Effect(f"best_customer's lead in {label} at visibility {VISIBILITY[0]}", l_hidden, primary=False),
                    Effect(f"best_customer's lead in {label} at visibility {VISIBILITY[1]}", l_seen, primary=False)]
        frame |= {f"lead_{label}_hidden": l_hidden, f"lead_{label}_visible": l_seen}
    return Check(3, "visible prioritisation costs the best-customer road",
                 "Prioritising top customers pays, but where the lower tiers see that they are treated worse, "
                 "their satisfaction and loyalty suffer and the gain shrinks.",
                 "Homburg, Droll & Totzek 2008",
                 f"The best_customer road (RFM tiers, the best staff for the top tier, self-service for the rest, "
                 f"targeted offers, a slimmed front line) and the status quo on the same seeds, with customers' "
                 f"unfairness_visibility at {VISIBILITY[0]} and {VISIBILITY[1]}; per seed the difference between the "
                 f"road's two leads over the status quo in profit over the {scale.weeks} weeks and in the low tier's "
                 f"satisfaction over the last {FINAL_WEEKS} weeks.",
                 "both differences < 0 (visibility costs the road)", effects, pd.DataFrame(frame), n)


# ------------------------------------------------------------------------------- report
def markdown(checks: list[Check], level: int = 2) -> str:
    """A report section: a table of the checks' primary effects, then one short paragraph per check.

    ``level`` is the heading level of the section (its checks are not headed, only anchored).

    Example:
        >>> e = Effect("x", np.array([0.1, 0.2, 0.3]), +1)
        >>> c = Check(9, "a name", "A statement.", "Someone 2000", "An experiment.", "> 0", [e], seeds=3)
        >>> print(markdown([c]).splitlines()[0])
        ## Theory directions, reported as checks
    """
    h = "#" * level
    n_seeds = max((c.seeds for c in checks), default=0)
    lines = [f"{h} Theory directions, reported as checks", "",
             "Three directions the literature predicts, measured as paired experiments on common random numbers and "
             "reported as they come out: unlike the twelve patterns, they are never a target, and no constant is set "
             "to make one hold. Each effect is a mean across seeds with its 95% t interval "
             f"({n_seeds} seeds). A check **holds** when the whole interval of each of its effects lies on the side "
             "the theory expects, **does not hold** when an interval lies wholly on the other side, and is "
             "**inconclusive** when an interval spans zero. Profit is in money units, centricity and satisfaction "
             "in [0, 1].", "",
             "| # | check | source | effect | value [95% interval] | expected | verdict |",
             "|---|---|---|---|---|---|---|"]
    for c in checks:
        for e in c.primary:
            sign = "> 0" if e.expected_sign > 0 else "< 0"
            lines.append(f"| T{c.number} | [{c.name}](#theory-{c.number}) | {c.source} | {e.label} | {e.text()} | "
                         f"{sign} | {_MARK[e.verdict]} |")
    for c in checks:
        lines += ["", f'<a id="theory-{c.number}"></a>', "",
                  f"**T{c.number}. {c.name[0].upper()}{c.name[1:]}: {_MARK[c.verdict]}.** {c.statement} "
                  f"({c.source}) *Experiment.* {c.experiment} *Result.* "
                  + "; ".join(f"{e.label}: {e.text()}" for e in c.primary)
                  + f"; expected {c.expected}. *Beside it:* "
                  + "; ".join(f"{e.label}: {e.text()}" for e in c.effects if not e.primary) + "."]
    return "\n".join(lines) + "\n"
