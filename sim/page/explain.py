"""Plain-language texts for the live page (``sim/page/app.py``), written for a change lead.

What each road *is* and what to *watch for* come from the roads themselves
(``ROADS[name].title / .summary / .watch_for``), so the page and the model never disagree.
This module only adds where on the page to look, and what each control means.

Example:
    >>> from sim.page.explain import road_text
    >>> text = road_text("best_customer")
    >>> "Best customer" in text and "Where to look" in text
    True
"""

from __future__ import annotations

import re

from sim.early_warning import SIGNALS, Alarm
from sim.params import GROUPS
from sim.roads import ROADS

HOW_TO_READ = (
    "**Solid lines** are your organisation on the chosen road. **Dashed lines** (grey; pale in each "
    "group's colour for satisfaction) are the same organisation, the same customers and the same chance "
    "events, on the road you compare it with (the status quo unless you choose another). The gap between "
    "the two is the difference between the roads, not chance. Each panel's title gives its full range; "
    "a panel marked **zoomed in** shows only part of it, so that a small gap can be seen: read its size "
    "from the numbers on the axis. One step is one week; a dotted vertical line marks the week the road "
    "starts; a red band marks the weeks in which an early warning saw one value rise while another fell."
)

#: Each value the early warnings watch: what it is called and where it is drawn.
VALUE_WORDS = {
    "customer": ("customer satisfaction", "the Satisfaction panel"),
    "efficiency": ("efficiency", "the Efficiency panel"),
    "profit": ("profit", "the Profit panel"),
}

WHERE_TO_LOOK = {
    "status_quo": (
        "There is nothing to compare against: this *is* the baseline. Use it to see how the "
        "organisation drifts on its own, then pick a road."
    ),
    "engineering": (
        "*Efficiency* and *profit* against their dashed lines in the first months; then the "
        "support picture: does grey (compliance) widen while blue (cooperation, championing) "
        "thins? Does *customer centricity* follow efficiency, or not?"
    ),
    "mission": (
        "The blue clusters in the network picture: commitment grows where people already "
        "shared the values. Then *satisfaction* against its dashed line: a brand that promises "
        "more than the organisation delivers is punished."
    ),
    "consumer_decision": (
        "*Profit* early on; then the *net promoter score* and *satisfaction* as customers, activists first, see "
        "through the nudges. The support picture hardly moves: minds, not hearts."
    ),
    "best_customer": (
        "The *Satisfaction* panel: the **least valuable** customers' line against its dashed line, "
        "while the most valuable hold. Then *profit*, *net promoter score* and *customers lost*. Move the "
        "pressure and see how far the gap opens."
    ),
    "competing_values": (
        "*Value tension* easing as rewards move toward a balance; *early warnings* heard and acted "
        "on; blue (cooperation, championing) growing slowly; *satisfaction* a little above the "
        "dashed line; profit behind it at first, and whether the survey, the warning system and "
        "the training pay for themselves in your organisation."
    ),
}

CONTROL_HELP = {
    "road": "The change programme management runs (five roads, or none: the status quo).",
    "twin_road": "The dashed lines: the same organisation and chance events on this road.",
    "speed": "How fast play runs; the charts are redrawn as often as that pace allows.",
    "horizon": "Play stops at this week; continue from there with the button that appears.",
    "pressure": "How hard management pushes people to change, 0 (none) to 1 (maximum).",
    "tension_setpoint": "Competing values only: the felt tension the road aims to keep (the productive zone).",
    "start_week": "The week the road starts; before it the organisation runs as usual.",
    "scenario": "A named kind of organisation from configs/scenario; choosing one sets the sliders to its values.",
    "initial_readiness": "How ready people are for change at the start (change commitment and efficacy).",
    "initial_integration_level": "Integration ladder: 0 informal networks, 1 cross-functional teams, 2 a "
                         "coordinator, 3 matrix reporting, 4 customer segment managers.",
    "activist_share": "Share of activist customers: they avoid relationships, resist profiling and "
                      "broadcast bad experiences.",
    "self_service_quality": "Chance that self-service resolves an easy question.",
    "n_employees": "Employees at the start.",
    "n_customers": "Customers at the start.",
    "seed": "The run's number: the same number and settings give the same run, week for week.",
}


def road_text(road: str) -> str:
    """Markdown for the road panel: what the road is, what to watch for, where to look."""
    cls = ROADS[road]
    return (
        f"### {cls.title}\n\n{cls.summary}\n\n"
        f"**Watch for.** {cls.watch_for}\n\n"
        f"**Where to look.** {WHERE_TO_LOOK.get(road, '')}"
    )


def _level(value: str, amount: float) -> str:
    """A value's KPI in the project's one format for it (``sim.study.metrics.format_level``)."""
    from sim.study.metrics import format_level

    metric = {"customer": "satisfaction"}.get(value, value)
    return format_level(metric, amount) + (" a week" if value == "profit" else "")


def alarm_text(alarm: Alarm) -> str:
    """One early warning in words: which value rose, which fell, over which weeks, where it is marked.

    Example:
        >>> a = Alarm(week=25, sacrificed="customer", favoured="profit", earlier=(0, 12), later=(13, 25),
        ...           before={"satisfaction": 0.702, "efficiency": 7.5, "profit": 93100.0},
        ...           after={"satisfaction": 0.695, "efficiency": 7.5, "profit": 101400.0}, change={})
        >>> print(alarm_text(a))  # doctest: +NORMALIZE_WHITESPACE
        **Week 25:** profit rose from 93,100 a week to 101,400 a week while customer satisfaction fell
        from 0.702 to 0.695 (the average of weeks 13-25 against weeks 0-12), a sign that customer
        satisfaction may be paying for profit. Marked in red on the Profit panel and the Satisfaction panel.
    """
    rose, rose_where = VALUE_WORDS[alarm.favoured]
    fell, fell_where = VALUE_WORDS[alarm.sacrificed]
    up, down = SIGNALS[alarm.favoured], SIGNALS[alarm.sacrificed]
    return (f"**Week {alarm.week}:** {rose} rose from {_level(alarm.favoured, alarm.before[up])} to "
            f"{_level(alarm.favoured, alarm.after[up])} while {fell} fell from "
            f"{_level(alarm.sacrificed, alarm.before[down])} to {_level(alarm.sacrificed, alarm.after[down])} "
            f"(the average of weeks {alarm.later[0]}-{alarm.later[1]} against weeks "
            f"{alarm.earlier[0]}-{alarm.earlier[1]}), a sign that {fell} may be paying for {rose}. "
            f"Marked in red on {rose_where} and {fell_where}.")


EARLY_WARNINGS = (
    "An early warning compares the last two quarters (13 weeks each): it fires when one value "
    "rose while another fell, a sign that one is being bought at the other's expense. It "
    "reads a trend, not a level: the road can still be ahead of the dashed line."
)


#: A parameter as the command line names it (``organisation.n_customers``).
_PARAMETER = re.compile(rf"\b(?:{'|'.join(GROUPS)})\.(\w+)\b")


def losing_money_text(sentence: str) -> str:
    """The model's warning of an organisation that loses money before any road starts
    (:meth:`CentricityModel.losing_money`), for the page: a sentence with the parameters it names
    called by the controls that set them.

    Example:
        >>> losing_money_text("the organisation loses money every week (organisation.n_customers, "
        ...                   "organisation.n_employees and the budgets set it)")
        'The organisation loses money every week (the Customers slider, the Employees slider and the budgets set it).'
    """
    from sim.page.explorer import SLIDERS, SPEC

    def control(found: re.Match) -> str:
        name = found.group(1)
        if name in SLIDERS:
            return f"the {SLIDERS[name][0]} slider"
        return SPEC[name]["doc"] if name in SPEC else name.replace("_", " ")

    plain = _PARAMETER.sub(control, sentence.strip())
    return plain[:1].upper() + plain[1:] + ("" if plain.endswith(".") else ".")
