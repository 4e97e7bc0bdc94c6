"""A board brief: one self-contained HTML page that answers "which road, for an organisation like ours?"

``python -m sim.study.brief scenario=retail_bank`` runs the paired study (the status quo and
every road, the same seeds) unless its results are there already (a rerun resumes, like any
sweep), then writes ``brief.html`` beside them: the question, the organisation in words, the
answer with its uncertainty, what each road trades away, what to watch for (the early
warnings), and what the model leaves out, with an appendix that holds what the model's
documentation says of each assumption and what the screening of the assumptions flags.
Figures are inline, nothing is fetched from the network and every link points inside the
page, so an e-mailed copy keeps working. It prints to PDF from a browser on two A4 pages and
the appendix on a third (one more when a search for the organisation adds "A road designed
for this organisation").

Every sentence about the results comes from ``sim.study.findings`` (rules written once, with
their thresholds) and names only metrics the page shows, in the one format of
``sim.study.metrics``, the same in the table and the figure; this module only lays them out.

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
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sim.params import GROUPS, describe
from sim.roads import NAMED_ROADS, ROADS
from sim.study.context import StudyContext
from sim.study.findings import Comparison, Difference, compare
from sim.study.metrics import KEY_METRICS, OUTCOME

BRIEF_FILE = "brief.html"
DEFAULT_SEEDS = 20
SEEDS_RANGE = (2, 1000)
RESULTS = Path("results") / "briefs"
#: Where ``python -m sim.search`` keeps a search for an organisation (the brief reports it when it is there).
SEARCHES = Path("results") / "search"
#: The metrics the brief's answer shows, in its table and its figure alike (the full set is in
#: the sweep's summary.md): the three competing values, the customers' verdict and the staff's.
ANSWER_METRICS = ("profit", "efficiency", "customer_centricity", "satisfaction", "share_committed")
#: The figure's width in inches: the printable width of A4 with the page's 12 mm margins, so it
#: prints at its own size and its text at the sizes ``sim.study.plots.PRINT_TEXT`` sets.
FIGURE_WIDTH = 7.2
#: The model's documentation, whose passages the appendix quotes (an e-mailed page cannot link to it).
ODD = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"
#: The longest passage the appendix quotes from one section, in characters (whole sentences).
PASSAGE_CHARS = 450

#: What the model leaves out or assumes, in a board's words, each with the ODD section that says
#: more and, when the passage to quote is not the section's first paragraph, the phrase of the
#: sentence it opens with and how many sentences it takes (None: up to ``PASSAGE_CHARS``).
ASSUMPTIONS = (
    ("One organisation and its customers, no competitors: a rival's moves, prices and the wider "
     "economy are outside the model.", "1.1", (None, None)),
    ("Every lever has a price and an effect taken from the literature where it gives one, else a "
     "stated assumption; the prices are assumptions (they decide what a road costs).", "7.1.2",
     ("All values are", 1)),
    ("Where a customer's hard question meets the firm's time and money, staff decide it for the customer, for "
     "efficiency or for profit, by the values they hold or are rewarded for; what each decision gives and costs (a "
     "concession, handling time, a sale, trust) is a stated assumption.", "7.1.2a", (None, None)),
    ("People are simulated, not surveyed: employees move along a support continuum (resistance to "
     "championing) and customers decide to buy, complain, talk or leave by rules from the literature.", "4.1",
     (None, None)),
    ("Each road is run as written, from week 0, at its default strength; a management that adapts "
     "beyond its rule, or stops half way, is another study (road parameters, the custom road).", "3.2",
     ("The road moves the levers", 2)),
    ("Differences are paired: the same seed gives each road the same customers and the same chance "
     "events, so a difference is the road's, not luck's; the intervals are across seeds.", "4.9",
     ("common random numbers", None)),
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
    figures = plot_paired_differences(ok, pair_on, figure_dir, metrics=ANSWER_METRICS, name="answer",
                                      page_width=FIGURE_WIDTH)
    svg = next(p for p in figures if p.suffix == ".svg")     # text stays text: sharp on paper
    out = Path(out) if out is not None else sweep_dir / BRIEF_FILE
    designed = designed_road(searches, context)
    out.write_text(brief_html(comparisons, context, svg, designed=designed), encoding="utf-8")
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
        return f"{v / 1e6:+.2f} M" if o == "cumulative_profit" else f"{v:+.3f}"   # as the answer's table signs

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


def brief_html(comparisons: list[Comparison], context: StudyContext, figure: Path,
               designed: dict | None = None, flags: Path | None = None) -> str:
    """The brief as one HTML document: the figure inline, every link to a place in the page itself
    (``flags``: the screening of the assumptions to report, default docs/assumptions.csv)."""
    e = html.escape
    image = base64.b64encode(figure.read_bytes()).decode()
    years = context.horizon
    organisation = context.scenario_title or "the model's default organisation (300 employees, 5,000 customers)"
    settings = _settings_in_words(context)
    best = _best_on(comparisons, "profit"), _best_on(comparisons, "customer_centricity")
    answer_rows = "".join(_answer_row(c) for c in comparisons)
    trades = "".join(f"<li><b>{e(c.name)}</b>: {e(c.trade_off(ANSWER_METRICS))}." + (
        " Over time: " + e("; ".join(f"{KEY_METRICS[m].title.lower()} {t}" for m, t in c.when.items())) + "."
        if c.when else "") + "</li>" for c in comparisons)
    watch = "".join(f"<li><b>{e(c.name)}</b>: " + (e("; ".join(c.warnings)) if c.warnings else
                                                   "no alarm fired" if c.warnings is not None else
                                                   "not recorded by the code that made these runs")
                    + "</li>" for c in comparisons)
    screening = screened_conclusions(context.scenario, [c.road for c in comparisons], flags)
    assumptions = "".join(f'<li>{e(text)} (<a href="#{_anchor(section)}">ODD {e(section)}</a>, appendix A)</li>'
                          for text, section, _passage in ASSUMPTIONS)
    if screening and screening["flagged"]:
        n = len(screening["flagged"])
        assumptions += (f"<li>A screening of the assumptions flags {n} conclusion{'s' if n != 1 else ''} about these "
                        f'roads here as fragile (<a href="#screening">appendix B</a>).</li>')
    headline = " ".join(s for s in best if s)
    seeds = context.seeds
    few = 0 < seeds < DEFAULT_SEEDS
    kicker = f"{seeds} paired seeds per road" + (f", fewer than the default {DEFAULT_SEEDS}" if few else "")
    caution = (f'<p class="caution"><b>{seeds} paired seeds per road, fewer than the default {DEFAULT_SEEDS}.</b> '
               "The intervals are wider than a full study's and a verdict may change with more seeds; "
               f"<code>seeds={DEFAULT_SEEDS}</code> runs the full study.</p>") if few else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Board brief: becoming customer-centric, {e(context.organisation)}</title>
<style>{CSS}</style></head>
<body><main>
<header><p class="kicker">Board brief · simulated, {e(years)} · {e(kicker)}</p>
<h1>Which change road makes {e(_short(organisation))} customer-centric, and at what price?</h1></header>
<section id="question"><h2>The question</h2>
<p>Starting from the same organisation, the same customers and the same chance events, where does each
change road take profit, efficiency, customer centricity, customer satisfaction and the staff's commitment
after {e(years)}, compared with changing nothing (the status quo)?</p></section>
<section id="organisation"><h2>The organisation</h2>
<p>{e(organisation)}.{(" " + e(_scenario_text(context))) if context.scenario else ""}</p>
{settings}</section>
<section id="answer"><h2>The answer</h2>
{caution}<p class="lead">{e(headline)}</p>
<table><thead><tr><th>Road, against the status quo</th>{"".join(
        f"<th>{e(KEY_METRICS[m].title)}<br><small>{e(KEY_METRICS[m].direction_words)}</small></th>"
        for m in ANSWER_METRICS)}</tr></thead><tbody>{answer_rows}</tbody></table>
<p class="note">Each cell: the mean difference from the status quo on the same seeds, in the {OUTCOME}, with
its 95% interval in brackets; {e(_units_in_words(comparisons))}. <i>No clear difference</i>: the interval
includes zero; <i>slightly</i>: it excludes zero, but the difference is below 1% for profit and efficiency,
0.01 on a 0-1 index or one percentage point of employees.</p>
<figure><img alt="Each road minus the status quo, with 95% intervals" src="data:image/svg+xml;base64,{image}">
<figcaption>The table's numbers drawn in its units: mean (dot) and 95% interval (bar); right of the dashed line
is higher.</figcaption></figure></section>
<section id="trade-offs"><h2>What each road trades away</h2>
<p class="note">The largest clear gain against the largest clear loss among the measures of the table above,
and when a road is clearly ahead of or behind the status quo for a quarter or more.</p><ul>{trades}</ul></section>
{_designed_section(designed)}
<section id="watch"><h2>What to watch for</h2>
<p>The early-warning monitors flag one value bought at another's expense: one of satisfaction, efficiency
and profit rising while another fell, quarter on quarter. How often they fired, per road:</p>
<ul>{watch}</ul></section>
<section id="leaves-out"><h2>What the model leaves out</h2><ul>{assumptions}</ul>
</section>
{_appendix(screening, context)}
</main></body></html>
"""


def _anchor(section: str) -> str:
    """The id of an ODD section's passage in the appendix ('odd-7-1-2a')."""
    return "odd-" + section.replace(".", "-")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f" {version('centricity-sim')}"
    except PackageNotFoundError:
        return ""


def _units_in_words(comparisons: list[Comparison]) -> str:
    """'profit and efficiency in % of the status quo's level; ...': the units the table and the figure use."""
    scales: dict[str, list[str]] = {}
    shown = {d.metric.name: d for c in comparisons[:1] for d in c.differences}
    for m in ANSWER_METRICS:
        if m in shown:
            name = shown[m].name
            scales.setdefault(shown[m].scale.axis, []).append(name)
    return "; ".join(f"{_and(names)} in {axis}" for axis, names in scales.items())


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


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
    """'On profit, Engineering does best: +12% [...]; also clearly better: Mission, +5% [...].' or
    'No road clearly beats the status quo on profit.'"""
    clear: list[tuple[Comparison, Difference]] = [
        (c, d) for c in comparisons for d in c.differences if d.metric.name == metric and d.verdict == "better"]
    name = KEY_METRICS[metric].title.lower()
    if not clear:
        return f"No road clearly beats the status quo on {name}."
    clear.sort(key=lambda cd: cd[1].mean, reverse=True)
    (c, d), others = clear[0], clear[1:]
    more = "; also clearly better: " + "; ".join(f"{o.name}, {od.amount()}" for o, od in others) if others else ""
    return f"On {name}, {c.name} does best: {d.amount()}{more}."


# ---------------------------------------------------------------------- the appendix
def odd_passage(section: str, phrase: str | None = None, sentences: int | None = None,
                text: str | None = None) -> tuple[str, str]:
    """The title of ODD ``section`` and a passage of it in plain text: its first paragraph of prose,
    or from the sentence that holds ``phrase``; whole sentences up to ``PASSAGE_CHARS`` (or
    ``sentences`` of them), without a last one that only announces a table or list (ends with a colon).

    Raises ``ValueError`` when the ODD has no such section (or no such paragraph), so a renumbered
    ODD fails the tests rather than the appendix going quiet.

    Example:
        >>> odd_passage("1.1")[0]
        'Purpose'
    """
    text = ODD.read_text(encoding="utf-8") if text is None else text
    number = re.escape(section)
    heading = re.search(rf"^#+ {number} (.+)$", text, re.M)
    bold = re.search(rf"^\*\*{number} ([^*]+?)\.\*\* ", text, re.M)
    found = heading or bold
    if found is None:
        raise ValueError(f"docs/ODD.md has no section {section}")
    body = text[found.end() if heading else found.start():]
    body = re.split(r"^#+ |^\*\*\d+\.\d+ ", body[1:] if heading else body[2:], maxsplit=1, flags=re.M)[0]
    if bold:
        body = body[len(found.group(0)) - 2:]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    prose = [p for p in paragraphs if not p.startswith(("|", "-", "```", "<!--", "1."))]
    chosen = next((p for p in prose if phrase is None or phrase in p), None)
    if chosen is None:
        raise ValueError(f"docs/ODD.md section {section} has no paragraph" + (f" with '{phrase}'" if phrase else ""))
    chosen = _plain(chosen)
    if phrase is not None:
        start = chosen.find(phrase)
        chosen = chosen[max(chosen.rfind(". ", 0, start) + 2, 0) if chosen.rfind(". ", 0, start) >= 0 else 0:]
    return _plain(found.group(1)), _sentences(chosen, PASSAGE_CHARS, sentences)


def _plain(markdown: str) -> str:
    """Markdown and TeX to plain text: code, emphasis, links and math marks dropped."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\\(mathrm|text|operatorname)\{([^}]*)\}", r"\2", text)
    text = text.replace("\\,", " ").replace("\\cdot", "·")
    text = re.sub(r"[`$*]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _sentences(text: str, limit: int, count: int | None = None) -> str:
    """Whole sentences of ``text`` up to ``limit`` characters (at least one) or ``count`` sentences,
    '…' when cut."""
    parts = re.split(r"(?<=[.;:])\s+(?=[A-Z(])", text)
    if count is not None and len(parts) > count:
        parts = parts[:count] + ["…"]
        return " ".join(parts)
    while len(parts) > 1 and parts[-1].endswith(":"):   # it announces a table the passage leaves out
        parts.pop()
    out = parts[0]
    for part in parts[1:]:
        if len(out) + 1 + len(part) > limit:
            return out + " …"
        out += " " + part
    return out


def screened_conclusions(scenario: str | None, roads: list[str], flags: Path | None = None) -> dict | None:
    """What the screening of the assumptions (``python -m sim.validation.assumptions``) says of these
    roads in this organisation: ``screened`` (how many conclusions), ``flagged`` (one dict each: its
    words, the shares of the screening's points and of single seeds that agree with it, the effect
    sizes it hinges on) and ``effects`` (those effect sizes' declarations); None when it has not
    screened this organisation. ``flags``: the screening's verdicts (default docs/assumptions.csv).
    """
    from sim.effects import every_effect
    from sim.validation.assumptions import FLAGS_FILE, conclusion_words, read_flags

    verdicts = read_flags(flags or FLAGS_FILE)
    org = scenario or "default"
    if verdicts is None or org not in set(verdicts.organisation):
        return None
    rows = verdicts[(verdicts.organisation == org) & verdicts.road.isin(roads)]
    declared = every_effect()
    flagged, hinges = [], []
    for r in rows[rows.verdict == "flips"].itertuples():
        keys = [k for k in str(r.hinges_on).split() if k]
        hinges += [k for k in keys if k not in hinges]
        flagged.append({"words": conclusion_words(r.conclusion, r.road if r.kind == "best" else None, int(r.horizon)),
                        "points_agree": float(r.points_agree), "seeds_agree": float(r.seeds_agree), "hinges_on": keys})
    return {"screened": len(rows), "flagged": flagged, "effects": {k: declared[k] for k in hinges if k in declared}}


def _appendix(screening: dict | None, context: StudyContext) -> str:
    """Where the page comes from, appendix A (what the model's documentation says of each assumption,
    quoted) and B (the conclusions the screening flags, with its numbers and the effect sizes they
    hinge on)."""
    e = html.escape
    made = (f'<p class="note">Made with the customer-centric change model (sim{e(_version())}), '
            f"{e(context.subtitle())}. Every number about the roads is in the study's <code>summary.csv</code> and "
            "<code>summary.md</code>.</p>")
    passages = []
    for text, section, (phrase, sentences) in ASSUMPTIONS:
        try:
            title, passage = odd_passage(section, phrase, sentences)
            quoted = f"<b>ODD {e(section)} {e(title)}.</b> \u201c{e(passage)}\u201d"
        except OSError:
            # An installation without the source's docs/ (pip install .): say where to read it instead.
            quoted = (f"<b>ODD {e(section)}.</b> Section {e(section)} of docs/ODD.md in the model's source "
                      "(not found beside this installation, so not quoted here).")
        passages.append(f'<li id="{_anchor(section)}">{quoted}<br><small>For: {e(text)}</small></li>')
    part_a = (f"""<h3>A. What the model's documentation says of each assumption</h3>
<p class="note">Quoted from the model's description by the ODD protocol (docs/ODD.md in the model's source,
sim{e(_version())}), so that this page needs nothing else.</p><ol class="passages">{"".join(passages)}</ol>""")
    part_b = ""
    if screening is not None:
        from sim.effects import CLASS_WORDS
        from sim.validation.assumptions import FLIP_SHARE

        flagged = screening["flagged"]
        items = "".join(
            f"<li>{e(f['words'])}: it agrees at {f['points_agree']:.0%} of the screening's points against "
            f"{f['seeds_agree']:.0%} of single seeds at the declared values; it hinges on "
            f"{e(', '.join(f['hinges_on']) or 'several assumptions together')}.</li>" for f in flagged)
        effects = "".join(
            f"<tr><td><code>{e(k)}</code></td><td>{e(x.meaning)}</td><td>{e(_number(x.value))}</td>"
            f"<td>{e(_number(x.low))} to {e(_number(x.high))}</td><td>{e(CLASS_WORDS.get(x.kind, x.kind))}</td></tr>"
            for k, x in screening["effects"].items())
        table = ("<table><thead><tr><th>Effect size</th><th>Meaning</th><th>Declared</th><th>Plausible range</th>"
                 f"<th>Class</th></tr></thead><tbody>{effects}</tbody></table>") if effects else ""
        verdict = (f"It flags {len(flagged)} of the {screening['screened']} conclusions it states about these roads "
                   "in this organisation:" if flagged else
                   f"It flags none of the {screening['screened']} conclusions it states about these roads in this "
                   "organisation.")
        part_b = f"""<h3 id="screening">B. Conclusions that hinge on assumptions</h3>
<p class="note">Every number that sizes a mechanism is declared with a plausible range; a screening
(<code>python -m sim.validation.assumptions</code>, at a small size, over the whole run rather than the final
week) varies them within those ranges and asks whether each conclusion keeps its sign. A conclusion is flagged
when the screening's points agree with it less often than single seeds at the declared values by more than
{FLIP_SHARE:.0%}. {e(verdict)}</p>{f"<ul>{items}</ul>" if items else ""}{table}"""
    return f'<section id="appendix"><h2>Appendix</h2>{made}{part_a}{part_b}</section>'


def _number(x) -> str:
    """An effect size's value or bound: a number, or a table of them (by segment or function)."""
    import numpy as np

    if isinstance(x, np.ndarray):
        return ", ".join(f"{v:g}" for v in x.ravel())
    return f"{x:g}"


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
.note { color: #444; font-size: 0.9em; }
.caution { background: #fff4d6; border-left: 4px solid #E69F00; padding: 0.3em 0.6em; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.4em; text-align: left; vertical-align: top; }
thead th { background: #f3f3f3; }
td.good { background: #e3f4ec; }
td.bad { background: #fbe7e1; }
small { color: #555; font-size: 0.9em; }
h3 { font-size: 1em; margin: 0.8em 0 0.3em; }
#appendix code { font-size: 0.9em; }
figure { margin: 0.8em 0; }
#designed ul { columns: 2; column-gap: 2em; font-size: 0.9em; margin: 0.3em 0; }
#designed li { break-inside: avoid; }
figure img { width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #444; }
ul { padding-left: 1.2em; margin: 0.3em 0; }
li { margin: 0.15em 0; }
@page { size: A4; margin: 12mm 12mm; }
@media print {
  body { font-size: 8.5pt; line-height: 1.3; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 1.35em; }
  h2 { margin-top: 0.7em; break-after: avoid; }
  table { font-size: 0.85em; }
  .note, figcaption { font-size: 0.85em; }
  figure { break-inside: avoid; margin: 0.3em 0 0; }
  tr, li { break-inside: avoid; }
  li { margin: 0.05em 0; }
  a { color: inherit; }
  #appendix { break-before: page; }
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

