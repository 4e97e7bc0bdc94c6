"""Moments of truth (phase 3): purchases, service contacts, self-service and people.

A share of customers buy; a purchase can be defective (the product layer). A share
contact the company. Where a knowledge base is offered, customers who prefer it (or are
pushed to it) try it first; it deflects easy questions it can answer, and the rest
escalate to a person, frustrated (seed 003). A person's service quality depends on their
customer orientation and effort, skill, workload, on hand-offs across functions (fewer
up the integration ladder, seed 004) and on whether the process fits the customer's job
(seed 000). Equations: docs/ODD.md section 7.3.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from sim.arrays import clip as _clip
from sim.customers import WeekOfCustomers

ESCALATION_PENALTY = 0.15      # frustration of a failed self-service attempt (seed 003)
SEPARATE_CHANNEL_PENALTY = 0.05
HANDOFF_NEED = 0.5             # share of hard questions that need another function
HANDOFF_FAILURE = 0.3          # failure probability of a hand-off at integration level 0
MATRIX_FAILURE = 1.0           # extra hand-off failures of an unprepared matrix, relative (seed 004: "badly wrong")
SERVICE_NOISE = 0.1            # sd of service quality around its expectation (process variance)
CAPACITY_PER_QUALITY = 0.4     # front-line capacity gain per unit of process quality
STREAMLINE_CAPACITY = 1.1      # Lee's lever 3: capacity from processes redesigned customer-inward
TRADEOFF_GAIN = 0.1            # a hard contact resolved in the customer's favour: better experienced
TRADEOFF_TIME = 0.5            # ... and half a contact's time more (exceptions take longer)
#: The random decisions about each service contact, one column each of its draw.
CONTACT_DRAWS = ("channel", "difficulty", "self_service", "routing", "handoff", "noise", "tradeoff")


def front_line_capacity(model, policy) -> float:
    """Person contacts one front-line employee handles a week at workload 1.

    Better processes raise it, streamlining too; time spent shaping the change lowers it.
    """
    return (model.organisation.contacts_per_employee * (1.0 + CAPACITY_PER_QUALITY * model.org_state.process_quality)
            * (STREAMLINE_CAPACITY if policy.streamline else 1.0) * (1.0 - policy.capacity_share_lost))


def handoff_failure(model, policy) -> float:
    """Probability a hand-off across functions fails: fewer up the ladder, more in an unprepared matrix (seed 004)."""
    org = model.org_state
    gain = model.organisation.handoff_gain_per_rung
    return (HANDOFF_FAILURE * (1.0 - gain * org.integration_level) * (1.0 + MATRIX_FAILURE * org.unprepared_matrix)
            * (0.8 if policy.streamline else 1.0))


def org_defect_rate(model) -> float:
    """Defects per purchase from the skill and engagement of operations and back office."""
    wf = model.workforce
    p = wf.people
    rows = wf.rows()
    makers = rows[(p.function[rows] == 3) | (p.function[rows] == 4)]
    if len(makers) == 0:
        return model.organisation.defect_rate * 2.0
    people = np.add.reduce((1.5 - p.skill[makers]) * (1.2 - 0.4 * p.engagement[makers])) / len(makers)
    reference = (1.5 - 0.5) * (1.2 - 0.4 * 0.5)
    ops = model.management.policy.operations_budget / max(model.management.usual.operations, 1.0)
    operations = 1.0 - 0.1 * np.tanh(ops - 1.0)
    return model.organisation.defect_rate * people / reference * (1.0 - model.org_state.process_quality) * operations


def moments_of_truth(model) -> WeekOfCustomers:
    """Phase 3: who buys, who contacts, who serves them and how well."""
    cb = model.customers
    c, p = cb.params, cb.people
    step = model.week
    n = p.n

    # Purchases and the product layer.
    purchasers = cb.buy_this_week(model)
    spend = p.basket[purchasers]
    defect_p = org_defect_rate(model)
    defects = model.streams.at("defect", step, purchasers) < defect_p
    p.had_defect[:n] = False
    p.had_defect[purchasers[defects]] = True

    # Service contacts: a defect makes a contact likely.
    contact_p = c.contact_rate + 0.5 * p.had_defect[:n]
    contacted = np.flatnonzero((model.streams.uniform("contact", step, n) < contact_p) & p.active[:n])
    policy = model.management.policy
    tier = p.tier[contacted]
    # How each contact goes: one uniform per decision (column), drawn for the contacted only.
    u = model.streams.at("contact_handling", step, contacted, columns=len(CONTACT_DRAWS))
    u_channel, u_difficulty, u_self_service, u_route, u_handoff, u_noise, u_tradeoff = u.T
    preference = p.channel_preference[contacted]
    push = policy.self_service_push[tier]
    if c.self_service:
        tries = u_channel < np.maximum(preference, push)
        pushed = tries & (u_channel >= preference)
    else:
        tries = np.zeros(len(contacted), dtype=bool)
        pushed = tries.copy()
    easy = u_difficulty < c.easy_share
    kb_quality = min(1.0, c.self_service_quality + 0.15 * policy.information_online)
    resolved = tries & easy & (u_self_service < kb_quality)
    escalated = tries & ~resolved
    person = ~resolved

    # Routing: each tier is served by a window of the front line ranked by capability.
    wf = model.workforce
    e = wf.people
    staff = wf.front_line_rows()
    capability = e.skill[staff] + e.orientation[staff] + e.effort[staff]
    ranked = staff[np.argsort(-capability, kind="stable")]
    served = contacted[person]
    staff_of = np.full(len(contacted), -1, dtype=np.int64)
    if len(ranked):
        window = policy.routing[tier[person]]
        pos = np.floor((window[:, 0] + u_route[person] * (window[:, 1] - window[:, 0])) * len(ranked)).astype(np.int64)
        staff_of[person] = ranked[np.minimum(np.maximum(pos, 0), len(ranked) - 1)]

    # Trade-offs: a hard question a person answers sets the customer against the firm's time
    # and money; the employee decides by the values they act on (held, or rewarded under
    # compliance). Deciding for the customer serves them better and takes longer.
    tradeoff = person & ~easy & (staff_of >= 0)
    won = np.zeros(len(contacted), dtype=bool)
    if tradeoff.any():
        won[tradeoff] = u_tradeoff[tradeoff] < wf.customer_lean(staff_of[tradeoff], policy)

    # Workload of each front-line employee this week.
    capacity = front_line_capacity(model, policy)
    load = (np.bincount(staff_of[person], weights=1.0 + TRADEOFF_TIME * won[person], minlength=e.n)[staff]
            if len(ranked) else np.zeros(0))
    e.workload[staff] = load / max(capacity, 1e-9)
    wf.set_back_office_workload(model.org_state.process_quality, policy.capacity_share_lost)

    # Service quality of each person contact.
    experience = np.zeros(len(contacted))
    if len(ranked) and person.any():
        emp = staff_of[person]
        fit = model.org_state.process_fit[p.segment[served]]
        overload = np.maximum(0.0, e.workload[emp] - 1.0)
        hard = ~easy[person]
        handoff_failed = hard & (u_handoff[person] < HANDOFF_NEED * handoff_failure(model, policy))
        penalty = np.where(escalated[person],
                           SEPARATE_CHANNEL_PENALTY if policy.separate_web_retail else ESCALATION_PENALTY, 0.0)
        noise = SERVICE_NOISE * (1.0 - 0.5 * model.org_state.process_quality)
        z = ndtri(u_noise[person])   # standard normal noise
        experience[person] = _clip(
            0.1 + 0.3 * e.orientation[emp] + 0.25 * e.effort[emp] + 0.25 * e.skill[emp] + 0.25 * fit
            + TRADEOFF_GAIN * won[person] - 0.25 * overload - 0.3 * handoff_failed - penalty + noise * z, 0.0, 1.0)
    elif person.any():
        experience[person] = 0.1   # nobody there to answer
    experience[resolved] = 0.55 + 0.35 * kb_quality
    # Treated worse for one's tier: sent to self-service against one's preference, or answered
    # by the staff left over once the best are reserved for the top tier.
    downgraded = pushed | (person & (tier == 2) & (policy.priority_staff_share > 0))
    return WeekOfCustomers(
        purchasers=purchasers, spend=spend, defects=defects, contacted=contacted,
        experience=experience, person=person, escalated=escalated, pushed=pushed,
        resolved_by_self_service=resolved, contact_staff=staff_of, tradeoffs=int(tradeoff.sum()),
        tradeoffs_won=int(won.sum()), downgraded=downgraded,
    )
