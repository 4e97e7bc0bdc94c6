"""A board brief: one self-contained HTML page that answers "which road, for an organisation like ours?"

``python -m sim.study.brief scenario=retail_bank`` runs the paired study (the status quo and
every road, the same seeds) unless its results are there already (a rerun resumes, like any
sweep), then writes ``brief.html`` beside them: the question, the organisation in words, the
answer with its uncertainty, what each road trades away, what to watch for (the early
warnings), and what the model leaves out. Figures are inline, nothing is fetched from the
network, and it prints to PDF from a browser in one or two pages (a third when a search for
the organisation adds "A road designed for this organisation").

Every sentence about the results comes from ``sim.study.findings`` (rules written once, with
their thresholds); this module only lays them out.

Usage::

    python -m sim.study.brief scenario=retail_bank
    python -m sim.study.brief scenario=retail_bank organisation.initial_readiness=0.3 road=mission,competing_values
    python -m sim.study.brief seeds=10 steps=104 --out results/briefs/quick

Example:
    >>> brief_arguments(["scenario=retail_bank", "road=mission", "seeds=5"]).roads
    ['status_quo', 'mission']
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sim.params import GROUPS, describe
from sim.roads import NAMED_ROADS, ROADS
from sim.study.context import StudyContext
from sim.study.findings import Comparison, compare
from sim.study.metrics import KEY_METRICS, OUTCOME

BRIEF_FILE = "brief.html"
DEFAULT_SEEDS = 20
SEEDS_RANGE = (2, 1000)
RESULTS = Path("results") / "briefs"
#: Where ``python -m sim.search`` keeps a search for an organisation (the brief reports it when it is there).
SEARCHES = Path("results") / "search"
#: The metrics the brief's answer shows (the full set is in the sweep's summary.md).
ANSWER_METRICS = ("profit", "customer_centricity", "satisfaction", "share_committed")

#: What the model leaves out or assumes, in a board's words, each with the ODD section that says more.
ASSUMPTIONS = (
    ("One organisation and its customers, no competitors: a rival's moves, prices and the wider "
     "economy are outside the model.", "1.1"),
    ("Every lever has a price and an effect taken from the literature where it gives one, else a "
     "stated assumption; the prices are assumptions (they decide what a road costs).", "7.1"),
    ("Where a customer's hard question meets the firm's time and money, staff decide it for the customer, for "
     "efficiency or for profit, by the values they hold or are rewarded for; what each decision gives and costs (a "
     "concession, handling time, a sale, trust) is a stated assumption.", "7.1.2a"),
    ("People are simulated, not surveyed: employees move along a support continuum (resistance to "
     "championing) and customers decide to buy, complain, talk or leave by rules from the literature.", "7.2"),
    ("Each road is run as written, from week 0, at its default strength; a management that adapts "
     "beyond its rule, or stops half way, is another study (road parameters, the custom road).", "3.2"),
    ("Differences are paired: the same seed gives each road the same customers and the same chance "
     "events, so a difference is the road's, not luck's; the intervals are across seeds.", "4"),
)


@dataclass
class BriefArguments:
    """What the brief compares and on what."""

    overrides: list[str] = field(default_factory=list)   # scenario and settings, as on the command line
    roads: list[str] = field(default_factory=lambda: list(NAMED_ROADS))
    seeds: int = DEFAULT_SEEDS
    out: Path | None = None

    def sweep_dir(self) -> Path:
        """``results/briefs/<scenario>-<fingerprint of the settings>`` unless ``--out`` names one."""
        if self.out is not None:
            return self.out
        scenario = next((o.split("=", 1)[1] for o in self.overrides if o.startswith("scenario=")), "default")
        digest = hashlib.sha256(" ".join(sorted(self.overrides) + self.roads + [str(self.seeds)]).encode())
        return RESULTS / f"{scenario}-{digest.hexdigest()[:8]}"

    def command(self) -> list[str]:
        """The sweep that makes the brief's results."""
        return [sys.executable, "-m", "sim", "-m", f"road={','.join(self.roads)}", f"seed=range(0,{self.seeds})",
                *self.overrides, f"hydra.sweep.dir={self.sweep_dir()}"]


def brief_arguments(argv: list[str]) -> BriefArguments:
    """Read the brief's command line; raises ``InputError`` naming every wrong input.

    ``road=a,b`` chooses the roads (the status quo is always added), ``seeds=N`` how many paired
    seeds (default 20), ``--out DIR`` the folder; every other ``key=value`` is a setting of the
    runs, checked as ``python -m sim`` checks it.
    """
    from sim.study.inputs import InputError, check_overrides

    args, problems, rest = BriefArguments(), [], []
    words = iter(argv)
    for word in words:
        if word == "--out" or word.startswith("--out="):
            value = word.split("=", 1)[1] if "=" in word else next(words, "")
            if not value:
                problems.append("--out needs a folder")
            args.out = Path(value)
        elif word.startswith("road="):
            chosen = [r.strip() for r in word.split("=", 1)[1].split(",") if r.strip()]
            unknown = [r for r in chosen if r not in ROADS or r == "custom"]
            if unknown:
                problems.append(f"road '{unknown[0]}' is not a road the brief can compare; choose from "
                                f"{', '.join(NAMED_ROADS[1:])}")
            args.roads = ["status_quo"] + [r for r in chosen if r != "status_quo"]
        elif word.startswith("seeds="):
            value = word.split("=", 1)[1]
            lo, hi = SEEDS_RANGE
            if not value.isdigit() or not lo <= int(value) <= hi:
                problems.append(f"parameter 'seeds' = {value!r} must be a whole number in [{lo}, {hi}] "
                                "(paired seeds per road; an interval needs two)")
            else:
                args.seeds = int(value)
        elif word.startswith(("seed=", "-")):
            problems.append(f"'{word}' is not an input of the brief: it sets seeds=N (how many paired seeds), "
                            "road=a,b (which roads), --out DIR and the runs' settings")
        else:
            rest.append(word)
    problems += check_overrides(rest + [f"road={','.join(args.roads)}"], multirun=True)
    if problems:
        raise InputError(problems)
    args.overrides = rest
    return args


# ---------------------------------------------------------------------- the page
def write_brief(sweep_dir: Path, out: Path | None = None, searches: Path = SEARCHES) -> Path:
    """Write the brief of a finished (or partly finished) paired study into ``out`` (default
    ``SWEEP_DIR/brief.html``), from its aggregated results; with a section on the road designed
    for the organisation when ``python -m sim.search`` has been run for it (in ``searches``)."""
    from sim.study.aggregate import read_sweep
    from sim.study.plots import pairing, plot_paired_differences, set_theme

    sweep_dir = Path(sweep_dir)
    read = read_sweep(sweep_dir)
    ok = read.finished
    if ok.empty or "status_quo" not in set(ok.get("road", [])):
        raise ValueError(f"{sweep_dir} holds no finished status-quo runs to compare with")
    pair_on = pairing(ok, read.swept)
    comparisons = compare(ok, pair_on, runs=read.runs, alarms=read.alarms)
    context = read.context
    set_theme()
    figure_dir = sweep_dir / "brief-figures"
    figures = plot_paired_differences(ok, pair_on, figure_dir, metrics=ANSWER_METRICS, name="answer")
    svg = next(p for p in figures if p.suffix == ".svg")     # text stays text: sharp on paper
    out = Path(out) if out is not None else sweep_dir / BRIEF_FILE
    designed = designed_road(searches, context)
    out.write_text(brief_html(comparisons, context, svg, link_base=out.parent, designed=designed), encoding="utf-8")
    return out


def designed_road(searches: Path, context: StudyContext) -> dict | None:
    """The search run for the brief's organisation (``search.json``), or None when there is none.

    A search counts only if it was run on the same scenario with the same settings as the brief's runs.
    """
    path = Path(searches) / (context.scenario or "default") / "search.json"
    try:
        record = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    if (record.get("scenario") or None) != (context.scenario or None):
        return None
    if sorted(record.get("settings_given", [])) != sorted(s for s in context.settings if not s.startswith("road")):
        return None
    try:
        import pandas as pd

        record["roads_table"] = pd.read_csv(path.parent / "roads.csv")
        record["front_table"] = pd.read_csv(path.parent / "front.csv")
    except OSError:
        return None
    return record


def _designed_section(d: dict | None) -> str:
    """'A road designed for this organisation': the search's chosen policy, against the named roads."""
    if d is None:
        return ""
    e = html.escape
    from sim.outcomes import OUTCOMES

    objectives = d["objectives"]
    chosen = d["simplified"]   # the chosen policy with the levers it does not need left alone
    roads = d["roads_table"].set_index("road")
    measure = "mean" if d["robustness"] == "mean" else f"{d['robustness'][1:]}th percentile"

    def cell(o: str, v: float) -> str:
        text = f"{v / 1e6:+.2f} M" if o == "cumulative_profit" else f"{v:+.3f}"
        return text.replace("-", "\u2212")

    head = "".join(f"<th>{e(OUTCOMES[o].title)}</th>" for o in objectives)
    rows = [f"<tr><th>The designed policy</th>{''.join(f'<td>{cell(o, chosen[f"score.{o}"])}</td>' for o in objectives)}</tr>"]
    rows += [f"<tr><th>{e(ROADS[r].title if r in ROADS else r)}</th>"
             f"{''.join(f'<td>{cell(o, roads.loc[r, f"score.{o}"])}</td>' for o in objectives)}</tr>"
             for r in roads.index if r != "status_quo"]
    words = "".join(f"<li>{e(line)}</li>" for line in d["chosen_words"].splitlines())
    caution = ""
    if d.get("escapes_the_tension"):
        levers = ", ".join(d.get("free_alone", []))
        caution = ("<p><b>Read it with care.</b> It leads on every outcome in every version of the organisation: the "
                   "values do not compete here, which points at costs the model does not charge yet (ODD 10.2, item 31)"
                   + (f", above all of {e(levers)}, each ahead on every outcome by itself" if levers else "") + ".</p>")
    return f"""<section id="designed"><h2>A road designed for this organisation</h2>
<p>A search over {len(d["levers"])} levers (how far to move each, from which week, how fast) for policies that
do well in {d["futures"]} plausible versions of this organisation (its readiness, resistance, churn and market
as uncertain as they are) found {len(d["front_table"])} policies none of which beats another on every outcome.
The most balanced of them, with the levers it does not need left alone ({chosen["moved"]} of the
{chosen["full_moved"]} it moved):</p><ul>{words}</ul>
<table><thead><tr><th>Lead over the status quo, {e(measure)} across the versions</th>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table>
{caution}<p class="note">Cumulative profit over {d["horizon"]} weeks in millions; the 0-1 indexes in points.
{e(d["where_it_fails"])} From <code>python -m sim.search</code> ({d["nfe"]} candidate policies); its report is
SEARCH.md in its folder.</p></section>"""


def brief_html(comparisons: list[Comparison], context: StudyContext, figure: Path, link_base: Path,
               designed: dict | None = None) -> str:
    """The brief as one HTML document (the figure inline)."""
    e = html.escape
    odd = Path(os.path.relpath(Path(__file__).resolve().parents[2] / "docs" / "ODD.md", link_base.resolve()))
    image = base64.b64encode(figure.read_bytes()).decode()
    years = context.horizon
    organisation = context.scenario_title or "the model's default organisation (300 employees, 5,000 customers)"
    settings = _settings_in_words(context)
    best = _best_on(comparisons, "profit"), _best_on(comparisons, "customer_centricity")
    answer_rows = "".join(_answer_row(c) for c in comparisons)
    trades = "".join(f"<li><b>{e(c.name)}</b>: {e(c.trade_off())}." + (
        " " + e("; ".join(f"{KEY_METRICS[m].title} {t}" for m, t in c.when.items())) + "."
        if c.when else "") + "</li>" for c in comparisons)
    watch = "".join(f"<li><b>{e(c.name)}</b>: " + (e("; ".join(c.warnings)) if c.warnings else
                                                   "no alarm fired" if c.warnings is not None else
                                                   "not recorded by the code that made these runs")
                    + "</li>" for c in comparisons)
    assumptions = "".join(f'<li>{e(text)} <a href="{e(str(odd))}">ODD {e(section)}</a></li>'
                          for text, section in ASSUMPTIONS)
    from sim.validation.assumptions import flag_sentences

    screened = odd.with_name("ASSUMPTIONS.md")
    assumptions += "".join(f'<li>{e(text[:1].upper() + text[1:])}. <a href="{e(str(screened))}">The screening</a></li>'
                           for text in flag_sentences(context.scenario, [c.road for c in comparisons]))
    headline = " ".join(s for s in best if s)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Board brief: becoming customer-centric, {e(context.organisation)}</title>
<style>{CSS}</style></head>
<body><main>
<header><p class="kicker">Board brief · simulated, {e(years)} · {context.seeds} paired seeds per road</p>
<h1>Which change road makes {e(_short(organisation))} customer-centric, and at what price?</h1></header>
<section id="question"><h2>The question</h2>
<p>Starting from the same organisation, the same customers and the same chance events, where does each
change road take customer centricity, profit, customer satisfaction and the staff's commitment after
{e(years)}, compared with changing nothing (the status quo)?</p></section>
<section id="organisation"><h2>The organisation</h2>
<p>{e(organisation)}.{(" " + e(_scenario_text(context))) if context.scenario else ""}</p>
{settings}</section>
<section id="answer"><h2>The answer</h2>
<p class="lead">{e(headline)}</p>
<table><thead><tr><th>Road, against the status quo</th>{"".join(
        f"<th>{e(KEY_METRICS[m].title)}<br><small>{e(KEY_METRICS[m].direction_words)}</small></th>"
        for m in ANSWER_METRICS)}</tr></thead><tbody>{answer_rows}</tbody></table>
<p class="note">Each cell: the mean difference from the status quo on the same seeds, in the {OUTCOME}, with
its 95% interval in brackets; profit as a share of the status quo's profit when that is positive, the 0-1
indexes in points, commitment in percentage points of employees. <i>No clear difference</i>: the
interval includes zero.</p>
<figure><img alt="Each road minus the status quo, with 95% intervals" src="data:image/svg+xml;base64,{image}">
<figcaption>Each road minus the status quo on the same seeds, in the {OUTCOME}: mean and 95% interval.
Right of the dashed line is higher; the arrow says which way is better.</figcaption></figure></section>
<section id="trade-offs"><h2>What each road trades away</h2><ul>{trades}</ul></section>
{_designed_section(designed)}
<section id="watch"><h2>What to watch for</h2>
<p>The early-warning monitors flag one value bought at another's expense: one of satisfaction, efficiency
and profit rising while another fell, quarter on quarter. How often they fired, per road:</p>
<ul>{watch}</ul></section>
<section id="leaves-out"><h2>What the model leaves out</h2><ul>{assumptions}</ul>
<p class="note">Made with the customer-centric change model (sim), {e(context.subtitle())}. Every number here is
in the study's <code>summary.csv</code> and <code>summary.md</code>.</p></section>
</main></body></html>
"""


def _answer_row(c: Comparison) -> str:
    by = {d.metric.name: d for d in c.differences}
    cells = []
    for m in ANSWER_METRICS:
        d = by.get(m)
        if d is None:
            cells.append("<td>-</td>")
            continue
        kind = {"better": "good", "worse": "bad"}.get(d.verdict, "plain")
        words = "no clear difference" if d.verdict == "no clear difference" else d.verdict_words().split(" (")[0]
        cells.append(f'<td class="{kind}">{html.escape(d.amount())}<br><small>{html.escape(words)}</small></td>')
    return f"<tr><th>{html.escape(c.name)}</th>{''.join(cells)}</tr>"


def _best_on(comparisons: list[Comparison], metric: str) -> str:
    """'On profit, Engineering does best: +12% [...]' or 'No road clearly beats the status quo on profit.'"""
    clear = [(c, d) for c in comparisons for d in c.differences if d.metric.name == metric and d.verdict == "better"]
    name = KEY_METRICS[metric].title.lower()
    if not clear:
        return f"No road clearly beats the status quo on {name}."
    c, d = max(clear, key=lambda cd: cd[1].mean)
    others = len(clear) - 1
    more = f" ({others} other road{'s' if others != 1 else ''} also clearly better)" if others else ""
    return f"On {name}, {c.name} does best: {d.amount()}{more}."


def _settings_in_words(context: StudyContext) -> str:
    if not context.settings:
        return "<p>Every other setting at the organisation's default.</p>"
    items = []
    for setting in context.settings:
        key, _, value = setting.partition("=")
        group, _, name = key.partition(".")
        doc = describe(GROUPS[group]).get(name, {}).get("doc", "") if group in GROUPS else ""
        items.append(f"<li><code>{html.escape(key)} = {html.escape(value)}</code>"
                     + (f": {html.escape(doc)}" if doc else "") + "</li>")
    return "<p>Changed from the organisation's defaults:</p><ul>" + "".join(items) + "</ul>"


def _scenario_text(context: StudyContext) -> str:
    """The scenario's description after its title line (its config file's header)."""
    from sim.study.config import CONFIG_DIR, description

    return " ".join(description(CONFIG_DIR / "scenario" / f"{context.scenario}.yaml")[1:])


def _short(text: str) -> str:
    """'a retail bank with a large call centre' from its title 'Retail bank with a large call centre'."""
    text = text.rstrip(".")
    if not text or text[:2].isupper():
        return text
    text = text[0].lower() + text[1:]
    return text if text.startswith(("a ", "an ", "the ")) else f"{'an' if text[0] in 'aeiou' else 'a'} {text}"


CSS = """
body { font: 11pt/1.45 "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; margin: 0; background: #fff; }
main { max-width: 60em; margin: 0 auto; padding: 1.5em 2em; }
h1 { font-size: 1.55em; margin: 0.2em 0 0.8em; }
h2 { font-size: 1.1em; margin: 1.1em 0 0.4em; border-bottom: 2px solid #009E73; padding-bottom: 0.15em; }
.kicker { color: #555; margin: 0; font-size: 0.9em; text-transform: uppercase; letter-spacing: 0.04em; }
.lead { font-size: 1.05em; font-weight: 600; }
.note { color: #444; font-size: 0.85em; }
table { border-collapse: collapse; width: 100%; font-size: 0.85em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.4em; text-align: left; vertical-align: top; }
thead th { background: #f3f3f3; }
td.good { background: #e3f4ec; }
td.bad { background: #fbe7e1; }
small { color: #555; }
figure { margin: 0.8em 0; }
#designed ul { columns: 2; column-gap: 2em; font-size: 0.9em; margin: 0.3em 0; }
#designed li { break-inside: avoid; }
figure img { width: 100%; height: auto; }
figcaption { font-size: 0.8em; color: #444; }
ul { padding-left: 1.2em; margin: 0.3em 0; }
li { margin: 0.15em 0; }
@page { size: A4; margin: 12mm 12mm; }
@media print {
  body { font-size: 8.5pt; line-height: 1.3; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 1.35em; }
  h2 { margin-top: 0.7em; }
  figure { break-inside: avoid; margin: 0.4em 0; }
  tr, li { break-inside: avoid; }
  a { color: inherit; }
}
"""


# ---------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    """``python -m sim.study.brief [scenario=NAME] [key=value ...] [road=a,b] [seeds=N] [--out DIR]``."""
    from sim.study.inputs import read_or_exit_status

    argv = sys.argv[1:] if argv is None else argv
    args, status = read_or_exit_status(argv, __doc__.split("Example:")[0].strip(), brief_arguments)
    if args is None:
        return status
    sweep_dir = args.sweep_dir()
    print(f"[sim] brief: {len(args.roads)} roads x {args.seeds} seeds into {sweep_dir} "
          "(a rerun resumes; finished runs are kept)", flush=True)
    done = subprocess.run(args.command(), check=False)
    if done.returncode not in (0, 1):   # 1: some runs failed; the brief says what the others found
        return done.returncode
    try:
        path = write_brief(sweep_dir)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"[sim] the brief: {path} (open it in a browser; print it to PDF from there)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

