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

from sim.customers import FOR_CUSTOMER, FOR_EFFICIENCY, FOR_PROFIT, WeekOfCustomers
from sim.effects import EffectSizes
from sim.jit import njit
from sim.streams import keyed_uniform

#: The effect sizes of this module's mechanisms (sim.effects; docs/ODD.md 7.3).
SERVICE_EFFECTS = EffectSizes("service", "docs/ODD.md 7.3")

ESCALATION_PENALTY = 0.15      # frustration of a failed self-service attempt (seed 003)
SEPARATE_CHANNEL_PENALTY = 0.05
HANDOFF_NEED = 0.5             # share of hard questions that need another function
HANDOFF_FAILURE = 0.3          # failure probability of a hand-off at integration level 0
MATRIX_FAILURE = 1.0           # extra hand-off failures of an unprepared matrix, relative (seed 004: "badly wrong")
SERVICE_NOISE = 0.1            # sd of service quality around its expectation (process variance)
CAPACITY_PER_QUALITY = 0.4     # front-line capacity gain per unit of process quality
STREAMLINE_CAPACITY = 1.1      # Lee's lever 3: capacity from processes redesigned customer-inward
# The hard question of a contact (docs/ODD.md 7.3.6): the employee decides it for one of the
# three competing values, and each buys something and costs something (DOMAIN.md "The tension").
# Customer: goodwill, an exception or a concession, and the time it takes.
GOODWILL_GAIN = 0.1            # experience of a question decided for the customer (assumption; a tenth of the scale)
GOODWILL_TIME = 0.5            # ... and half a contact's time more: exceptions take longer (assumption)
CONCESSION_SHARE = 0.2         # ... and a concession worth a fifth of the customer's basket (assumption: a waived fee)
# Efficiency: a standard answer, short handling, closure by the book.
STANDARD_ANSWER_LOSS = 0.1     # experience of a standard answer to a hard question (assumption; mirrors goodwill)
SHORT_HANDLING = 0.3           # handling time saved by a standard answer (assumption)
LEFT_OPEN = 0.3                # share of standard answers that leave the question open (about 70% first-contact
#                                resolution, the contact-centre norm; assumption)
REPEAT_CONTACT = 0.5           # rise in next week's contact probability of a question left open (as for a defect)
# Profit: price discipline and a cross- or up-sell offer.
SELLING_TIME = 0.2             # time the offer takes (assumption)
SALE_SUCCESS = 0.2             # share of offers not seen through that sell (assumption)
SALE_SHARE = 0.5               # a sale's revenue as a share of the customer's basket (assumption)
PUSH_NOTICED = 1.0             # chance of noticing the push per unit of persuasion knowledge (Friestad & Wright 1994)
# Time above capacity is worked as paid overtime (time and a half).
OVERTIME_PREMIUM = 1.5
#: The random decisions about each service contact, one column each of its draw.
CONTACT_DRAWS = ("channel", "difficulty", "self_service", "routing", "handoff", "noise", "tradeoff", "left_open",
                 "noticed", "sale")


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
        return model.organisation.base_defect_rate * 2.0
    people = np.add.reduce((1.5 - p.skill[makers]) * (1.2 - 0.4 * p.engagement[makers])) / len(makers)
    reference = (1.5 - 0.5) * (1.2 - 0.4 * 0.5)
    ops = model.management.policy.operations_budget / max(model.management.usual.operations, 1.0)
    operations = 1.0 - 0.1 * np.tanh(ops - 1.0)
    return model.organisation.base_defect_rate * people / reference * (1.0 - model.org_state.process_quality) * operations


def moments_of_truth(model) -> WeekOfCustomers:
    """Phase 3: who buys, who contacts, who serves them and how well."""
    cb = model.customers
    c, p = cb.params, cb.people
    step = model.week
    policy = model.management.policy

    # Purchases and the product layer; then service contacts (a defect makes one likely).
    purchasers = cb.buy_this_week(model)
    spend = p.basket[purchasers]
    defects, contacted = _defects_and_contacts(purchasers, model.streams.keys("defect", step)[0], org_defect_rate(model),
                                               model.streams.uniform("contact", step, p.n), c.contact_rate, p.had_defect,
                                               p.open_question, p.active)

    # How each contact goes: one uniform per decision (column), drawn for the contacted only.
    u = model.streams.at("contact_handling", step, contacted, columns=len(CONTACT_DRAWS))
    z = ndtri(u[:, CONTACT_DRAWS.index("noise")])    # the service's noise, standard normal
    # Routing: each tier is served by a window of the front line ranked by capability.
    wf = model.workforce
    e = wf.people
    staff = wf.front_line_rows()
    capability = e.skill[staff] + e.orientation[staff] + e.effort[staff]
    ranked = staff[np.argsort(-capability, kind="stable")]
    # Trade-offs: a hard question a person answers sets the customer against the firm's time and
    # money; the employee decides it by the values they act on (held, or rewarded under compliance).
    leans = np.zeros((e.n, 3))
    leans[ranked] = wf.decision_leans(ranked, policy)
    org = model.org_state
    kb_quality = min(1.0, c.self_service_quality + 0.15 * policy.information_online)
    escalation = SEPARATE_CHANNEL_PENALTY if policy.separate_web_retail else ESCALATION_PENALTY
    capacity = front_line_capacity(model, policy)
    (experience, person, escalated, pushed, resolved, staff_of, decision, first_time, noticed, sale,
     downgraded) = _serve(
        contacted, u, z, p.tier, p.channel_preference, p.segment, policy.self_service_push, c.self_service,
        c.easy_share, kb_quality, ranked, leans, policy.routing, capacity, e.orientation, e.effort, e.skill,
        e.workload, org.process_fit, HANDOFF_NEED * handoff_failure(model, policy), escalation,
        SERVICE_NOISE * (1.0 - 0.5 * org.process_quality), policy.priority_staff_share > 0, p.expectation,
        p.persuasion_knowledge, p.open_question)
    wf.set_back_office_workload(org.process_quality, policy.capacity_share_lost)
    basket = p.basket[contacted]
    # The front line works as one pool for pay: its time above the pool's capacity is overtime.
    handled = float(e.workload[staff].sum()) * capacity      # contacts' worth of handling time this week
    overtime = max(0.0, handled - len(staff) * capacity)
    return WeekOfCustomers(
        purchasers=purchasers, spend=spend, defects=defects, contacted=contacted,
        experience=experience, person=person, escalated=escalated, pushed=pushed,
        resolved_by_self_service=resolved, contact_staff=staff_of, decision=decision,
        resolved_first_time=first_time, push_noticed=noticed,
        tradeoffs=int((decision >= 0).sum()),
        cross_sales=float(SALE_SHARE * basket[sale].sum()),
        concessions=float(CONCESSION_SHARE * basket[decision == FOR_CUSTOMER].sum()),
        overtime_cost=OVERTIME_PREMIUM * model.organisation.wage / max(capacity, 1e-9) * overtime,
        handling_cost=model.organisation.handling_cost * handled,
        downgraded=downgraded,
    )


@njit
def _defects_and_contacts(purchasers, defect_key, defect_p, u_contact, contact_rate, had_defect, open_question, active):
    """Which purchases are defective (keyed draws), and who contacts the company this week: more
    likely after a defect, or with a question last week's standard answer left open."""
    n = len(u_contact)
    defects = np.empty(len(purchasers), dtype=np.bool_)
    had_defect[:n] = False
    for k in range(len(purchasers)):
        defects[k] = keyed_uniform(defect_key, purchasers[k]) < defect_p
        if defects[k]:
            had_defect[purchasers[k]] = True
    contacts = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        contacts[i] = active[i] and u_contact[i] < contact_rate + 0.5 * had_defect[i] + REPEAT_CONTACT * open_question[i]
        open_question[i] = False
    return defects, np.flatnonzero(contacts)


@njit
def _serve(contacted, u, z, tier, preference, segment, push, self_service, easy_share, kb_quality, ranked, leans,
           routing, capacity, orientation, effort, skill, workload, fit, handoff_p, escalation_penalty, noise,
           prioritised, expectation, persuasion_knowledge, open_question):
    """Channel, self-service, routing, the hard question's decision, the front line's workload and
    the experience of each contact (docs/ODD.md 7.3)."""
    m = len(contacted)
    experience = np.zeros(m)
    person = np.zeros(m, dtype=np.bool_)
    escalated = np.zeros(m, dtype=np.bool_)
    pushed = np.zeros(m, dtype=np.bool_)
    resolved = np.zeros(m, dtype=np.bool_)
    first_time = np.zeros(m, dtype=np.bool_)
    noticed = np.zeros(m, dtype=np.bool_)
    sale = np.zeros(m, dtype=np.bool_)
    left_open = np.zeros(m, dtype=np.bool_)
    downgraded = np.zeros(m, dtype=np.bool_)
    decision = np.full(m, -1, dtype=np.int8)
    staff_of = np.full(m, -1, dtype=np.int64)
    load = np.zeros(len(workload))
    n_staff = len(ranked)
    for k in range(m):
        j = contacted[k]
        t = tier[j]
        u_channel, u_difficulty, u_self_service, u_route, u_tradeoff = u[k, 0], u[k, 1], u[k, 2], u[k, 3], u[k, 6]
        tries = self_service and u_channel < max(preference[j], push[t])
        pushed[k] = tries and u_channel >= preference[j]
        easy = u_difficulty < easy_share
        resolved[k] = tries and easy and u_self_service < kb_quality
        escalated[k] = tries and not resolved[k]
        person[k] = not resolved[k]
        if person[k] and n_staff:
            w0, w1 = routing[t, 0], routing[t, 1]
            pos = np.int64(np.floor((w0 + u_route * (w1 - w0)) * n_staff))
            emp = ranked[min(max(pos, 0), n_staff - 1)]
            staff_of[k] = emp
            time = 1.0
            if not easy:    # the hard question: for the customer, for efficiency or for profit
                d = FOR_CUSTOMER if u_tradeoff < leans[emp, 0] else (
                    FOR_EFFICIENCY if u_tradeoff < leans[emp, 0] + leans[emp, 1] else FOR_PROFIT)
                decision[k] = d
                if d == FOR_CUSTOMER:
                    time += GOODWILL_TIME
                elif d == FOR_EFFICIENCY:
                    time -= SHORT_HANDLING
                    left_open[k] = u[k, 7] < LEFT_OPEN
                    if left_open[k]:
                        open_question[j] = True
                else:
                    time += SELLING_TIME
                    noticed[k] = u[k, 8] < PUSH_NOTICED * persuasion_knowledge[j]
                    sale[k] = (not noticed[k]) and u[k, 9] < SALE_SUCCESS   # reactance: a noticed push does not sell
            load[emp] += time
        downgraded[k] = pushed[k] or (person[k] and t == 2 and prioritised)
    for r in ranked:
        workload[r] = load[r] / max(capacity, 1e-9)
    for k in range(m):
        if resolved[k]:
            experience[k] = 0.55 + 0.35 * kb_quality
        elif staff_of[k] >= 0:
            emp = staff_of[k]
            j = contacted[k]
            overload = max(0.0, workload[emp] - 1.0)
            handoff_failed = (u[k, 1] >= easy_share) and u[k, 4] < handoff_p
            penalty = escalation_penalty if escalated[k] else 0.0
            d = decision[k]
            x = (0.1 + 0.3 * orientation[emp] + 0.25 * effort[emp] + 0.25 * skill[emp] + 0.25 * fit[segment[j]]
                 + GOODWILL_GAIN * (d == FOR_CUSTOMER) - STANDARD_ANSWER_LOSS * (d == FOR_EFFICIENCY)
                 - 0.25 * overload - 0.3 * handoff_failed - penalty + noise * z[k])
            experience[k] = min(max(x, 0.0), 1.0)
            # Resolved at the first contact, as the customer judges it: nothing left open or lost
            # in a hand-off, and an answer that meets their expectation.
            first_time[k] = d >= 0 and (not left_open[k]) and (not handoff_failed) and experience[k] >= expectation[j]
        elif person[k]:
            experience[k] = 0.1   # nobody there to answer
    return experience, person, escalated, pushed, resolved, staff_of, decision, first_time, noticed, sale, downgraded
