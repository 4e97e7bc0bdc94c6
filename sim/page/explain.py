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

from sim.roads import ROADS

HOW_TO_READ = (
    "**Solid lines** are your organisation on the chosen road. **Dashed lines** are the same "
    "organisation, the same customers and the same random events, with no change programme "
    "(the status quo). The gap between the two is the effect of the road, not chance. "
    "One step is one week; the dotted vertical line marks the week the road starts."
)

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
        "*Profit* early on; then *NPS* and *satisfaction* as customers, activists first, see "
        "through the nudges. The support picture hardly moves: minds, not hearts."
    ),
    "best_customer": (
        "The *Customers* panel: the **low tier** line against its dashed twin, while the top tier "
        "holds. Then *profit*, *NPS* and *churn*. Move the pressure and see how far the gap opens."
    ),
    "competing_values": (
        "*Value tension* easing as rewards move toward a balance; *early warnings* heard and acted "
        "on; blue (cooperation, championing) growing slowly; *satisfaction* a little above the "
        "dashed line; profit behind it at first, and whether the survey, the warning system and "
        "the training pay for themselves in your organisation."
    ),
}

CONTROL_HELP = {
    "road": "The change programme management runs (seed 002's five roads, or none).",
    "pressure": "How hard management pushes people to change, 0 (none) to 1 (maximum).",
    "tension_setpoint": "Competing values only: the felt tension the road aims to keep (the productive zone).",
    "start_week": "The week the road starts; before it the organisation runs as usual.",
    "scenario": "A named kind of organisation from configs/scenario; choosing one sets the sliders to its values.",
    "readiness": "How ready people are for change at the start (change commitment and efficacy).",
    "integration_level": "Integration ladder: 0 informal networks, 1 cross-functional teams, 2 a "
                         "coordinator, 3 matrix reporting, 4 customer segment managers.",
    "activist_share": "Share of activist customers: they avoid relationships, resist profiling and "
                      "broadcast bad experiences.",
    "self_service_quality": "Chance that self-service resolves an easy question.",
    "n_employees": "Employees at the start.",
    "n_customers": "Customers at the start.",
    "seed": "Same seed and settings give the same run, week for week.",
    "compare": "Run the same organisation without a change programme beside it (the dashed lines).",
}


def road_text(road: str) -> str:
    """Markdown for the road panel: what the road is, what to watch for, where to look."""
    cls = ROADS[road]
    return (
        f"### {cls.title}\n\n{cls.summary}\n\n"
        f"**Watch for.** {cls.watch_for}\n\n"
        f"**Where to look.** {WHERE_TO_LOOK.get(road, '')}"
    )


def alarm_text(week: int, sacrificed: str, favoured: str) -> str:
    """One early-warning alarm in words, e.g. 'Week 34: customer sacrificed for profit'."""
    return f"Week {week}: **{sacrificed}** is being sacrificed for **{favoured}**"
