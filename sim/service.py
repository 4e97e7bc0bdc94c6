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
from sim.effects import ASSUMPTION, FROM_SOURCE, SOURCE_MECHANISM, EffectSizes, effect
from sim.jit import njit
from sim.streams import keyed_uniform

#: The effect sizes of this module's mechanisms (sim.effects; docs/ODD.md 7.3), in the order of the week.
SERVICE_EFFECTS = EffectSizes(
    "service", "docs/ODD.md 7.3",
    # Defects (7.3.2): makers' skill and engagement, process quality and the operations budget.
    defect_free_skill=effect(
        1.5, 1.25, 2.0, ASSUMPTION,
        "skill at which a maker's defects would vanish: a maker's defect factor falls as 1.5 - skill",
        "skill sizes defects most: a maker at skill 1 makes half the defects of one at skill 0.5, at skill 0 "
        "one and a half times", allowed=(1.0, None)),
    disengaged_defect_factor=effect(
        1.2, 1.0, 1.5, ASSUMPTION,
        "defect factor of a wholly disengaged maker (it falls with engagement from here)",
        "engagement moves defects less than skill: about a fifth either side of the reference maker"),
    engagement_defect_reduction=effect(
        0.4, 0.2, 0.6, ASSUMPTION,
        "fall of a maker's defect factor per unit of engagement",
        "with 1.2 it gives 0.8 at full engagement against 1.2 at none: care catches some defects, not most"),
    operations_defect_effect=effect(
        0.1, 0.05, 0.2, ASSUMPTION,
        "largest share of defects an operations budget far above usual removes (or far below adds), via tanh",
        "money helps the product layer only a little and saturates: people and processes make the defects"),
    # Service contacts (7.3.3).
    defect_contact_rise=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "rise in this week's contact probability of a customer whose purchase was defective",
        "a defect makes a contact likely: about half of those who had one call about it"),
    repeat_contact=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "rise in next week's contact probability of a customer whose question a standard answer left open",
        "as for a defect: an unanswered question brings the customer back about as often"),
    # Self-service deflection and escalation (7.3.4; seed 003; Lee's levers 4 and 5, seed 001).
    information_online_gain=effect(
        0.15, 0.05, 0.25, SOURCE_MECHANISM,
        "rise in knowledge-base quality with the information-online lever at 1 (capped at 1)",
        "seed 001 names the lever (Lee's lever 4, put information online) but no size; chosen so that it "
        "answers about one easy question in seven more"),
    self_service_experience_base=effect(
        0.55, 0.4, 0.65, ASSUMPTION,
        "experience of a question a poor knowledge base (quality 0) still resolved",
        "resolved without a person is a fair experience: the answer, without the personable layer"),
    self_service_experience_gain=effect(
        0.35, 0.2, 0.45, ASSUMPTION,
        "rise in the experience of a question self-service resolved per unit of knowledge-base quality",
        "a perfect knowledge base gives 0.9, about a good person's service, never above it"),
    escalation_penalty=effect(
        0.15, 0.075, 0.225, SOURCE_MECHANISM,
        "experience lost by the frustration of a failed self-service attempt escalated to a person",
        "seed 003: a knowledge base that does not work 'leaves customers stranded', the hard issues left to "
        "people; the size is chosen: more than a standard answer's loss (0.1)"),
    separate_channel_penalty=effect(
        0.05, 0.0, 0.1, SOURCE_MECHANISM,
        "the escalation penalty instead, while web and person offers are kept separate",
        "seed 001 (Lee's lever 5, separate web and retail) gives the lever, not its size; chosen as a third of "
        "the escalation penalty: a customer who chose the web expects less of a person"),
    # The hard question of a contact (7.3.6): decided for one of the three competing values, each
    # buying something and costing something (DOMAIN.md "The tension").
    # Customer: goodwill, an exception or a concession, and the time it takes.
    goodwill_gain=effect(
        0.1, 0.05, 0.15, ASSUMPTION,
        "experience gained by a hard question decided for the customer",
        "a tenth of the experience scale, the order of the escalation penalty (0.15)"),
    goodwill_time=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "extra contact time, in contacts, of a hard question decided for the customer",
        "exceptions and concessions take longer (approval, another system): half a contact"),
    concession_share=effect(
        0.2, 0.1, 0.3, ASSUMPTION,
        "concession given in a hard question decided for the customer, as a share of their basket",
        "a waived fee or goodwill credit worth a fifth of a purchase"),
    # Efficiency: a standard answer, short handling, closure by the book.
    standard_answer_loss=effect(
        0.1, 0.05, 0.15, SOURCE_MECHANISM,
        "experience lost by a standard answer to a hard question",
        "Anderson, Fornell & Rust 1997: standardising a service trades satisfaction for productivity; the "
        "size is chosen to mirror goodwill_gain"),
    short_handling=effect(
        0.3, 0.15, 0.45, ASSUMPTION,
        "contact time, in contacts, a standard answer to a hard question saves",
        "a scripted answer to a hard question takes about a third less time"),
    left_open=effect(
        0.3, 0.2, 0.4, ASSUMPTION,
        "share of standard answers that leave the question open",
        "about 70% first-contact resolution is the contact-centre norm, so three in ten left open"),
    # Profit: price discipline and a cross- or up-sell offer.
    selling_time=effect(
        0.2, 0.1, 0.3, ASSUMPTION,
        "extra contact time, in contacts, a cross- or up-sell offer takes",
        "an offer is a short addition to the contact, a fifth of it"),
    sale_success=effect(
        0.2, 0.1, 0.3, ASSUMPTION,
        "share of offers not seen through that sell",
        "one offer in five converts"),
    sale_share=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "a sale's revenue as a share of the customer's basket",
        "an add-on or upgrade worth half a purchase"),
    push_noticed=effect(
        1.0, 0.5, 1.5, SOURCE_MECHANISM,
        "chance of noticing a sales push per unit of the customer's persuasion knowledge",
        "Friestad & Wright 1994 (persuasion knowledge) give the mechanism; the number is chosen: the chance is "
        "the customer's own persuasion knowledge"),
    # Workload and capacity (7.3.7).
    capacity_per_quality=effect(
        0.4, 0.2, 0.6, ASSUMPTION,
        "front-line capacity gain per unit of process quality",
        "better processes free time: at the DMAIC ceiling (quality 0.6) a quarter more contacts a week"),
    streamline_capacity=effect(
        1.1, 1.05, 1.2, SOURCE_MECHANISM,
        "front-line capacity, relative, with processes streamlined",
        "seed 001 names the lever (Lee's lever 3, streamline) but no size; a tenth more is chosen"),
    overtime_premium=effect(
        1.5, 1.5, 2.0, FROM_SOURCE,
        "pay for time above the front line's capacity, relative to the regular wage",
        "Fair Labor Standards Act, 29 U.S.C. § 207: not less than time and a half; double time in some agreements"),
    # Hand-off failures and the integration ladder (7.3.8; seed 004).
    handoff_need=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "share of hard questions answered by a person that need another function",
        "about half of the hard questions cross a function's boundary"),
    handoff_failure=effect(
        0.3, 0.15, 0.45, ASSUMPTION,
        "probability that a hand-off across functions fails on integration rung 0",
        "in a product-centric organisation about one hand-off in three goes wrong"),
    matrix_failure=effect(
        1.0, 0.5, 1.5, SOURCE_MECHANISM,
        "extra hand-off failures of a wholly unprepared matrix, relative to the rung's own",
        "seed 004: the matrix step 'is often where things go badly wrong' unless the earlier steps were lived "
        "through; the size is chosen: it doubles the failures"),
    streamlined_handoff_failure=effect(
        0.8, 0.7, 0.9, SOURCE_MECHANISM,
        "hand-off failures, relative, with processes streamlined",
        "seed 001 names the lever (Lee's lever 3, streamline) but no size; a fifth fewer failed hand-offs "
        "is chosen"),
    # Service quality, the personable layer (7.3.9): weights of each influence on the experience.
    service_base=effect(
        0.1, 0.05, 0.15, ASSUMPTION,
        "experience of a person contact before the server's qualities count",
        "a contact with the weakest server and worst fit is still answered, poorly"),
    service_orientation_weight=effect(
        0.3, 0.15, 0.45, ASSUMPTION,
        "weight of the server's customer orientation in the experience",
        "customer orientation weighs a little more than each other quality of the server"),
    service_effort_weight=effect(
        0.25, 0.125, 0.375, ASSUMPTION,
        "weight of the server's effort in the experience",
        "effort, skill and process fit weigh alike, a quarter each"),
    service_skill_weight=effect(
        0.25, 0.125, 0.375, ASSUMPTION,
        "weight of the server's skill in the experience",
        "effort, skill and process fit weigh alike, a quarter each"),
    service_fit_weight=effect(
        0.25, 0.125, 0.375, SOURCE_MECHANISM,
        "weight of the process's fit to the customer's job in the experience",
        "seed 000: a service aligned with the customer's job is more valuable; the weight is chosen, alike "
        "with effort and skill"),
    overload_loss=effect(
        0.25, 0.125, 0.375, SOURCE_MECHANISM,
        "experience lost per unit of the server's workload above capacity",
        "Oliva & Sterman 2001: overloaded service workers cut corners and quality erodes; the size is chosen"),
    failed_handoff_loss=effect(
        0.3, 0.15, 0.45, ASSUMPTION,
        "experience lost when the hand-off the question needed failed",
        "a lost or repeated hand-off is worse than a standard answer (0.1) or an escalation (0.15)"),
    service_noise=effect(
        0.1, 0.05, 0.15, ASSUMPTION,
        "sd of service quality around its expectation (process variance) at process quality 0",
        "a tenth of the scale: contacts with the same server differ noticeably"),
    quality_noise_reduction=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "share of the service's sd (service_noise) removed at process quality 1",
        "Six Sigma (seed 002's road 1, DMAIC) aims at less process variation; halved at full quality"),
    unanswered_experience=effect(
        0.1, 0.0, 0.2, ASSUMPTION,
        "experience of a contact nobody on the front line is there to answer",
        "as poor as the weakest served contact"),
)

#: The random decisions about each service contact, one column each of its draw.
CONTACT_DRAWS = ("channel", "difficulty", "self_service", "routing", "handoff", "noise", "tradeoff", "left_open",
                 "noticed", "sale")


def front_line_capacity(model, policy) -> float:
    """Person contacts one front-line employee handles a week at workload 1.

    Better processes raise it, streamlining too; time spent shaping the change lowers it.
    """
    fx = model.effects.service
    return (model.organisation.contacts_per_employee * (1.0 + fx.capacity_per_quality * model.org_state.process_quality)
            * (fx.streamline_capacity if policy.streamline else 1.0) * (1.0 - policy.capacity_share_lost))


def handoff_failure(model, policy) -> float:
    """Probability a hand-off across functions fails: fewer up the ladder, more in an unprepared matrix (seed 004)."""
    org = model.org_state
    fx = model.effects.service
    gain = model.organisation.handoff_gain_per_rung
    return (fx.handoff_failure * (1.0 - gain * org.integration_level) * (1.0 + fx.matrix_failure * org.unprepared_matrix)
            * (fx.streamlined_handoff_failure if policy.streamline else 1.0))


def org_defect_rate(model) -> float:
    """Defects per purchase from the skill and engagement of operations and back office."""
    fx = model.effects.service
    wf = model.workforce
    p = wf.people
    rows = wf.rows()
    makers = rows[(p.function[rows] == 3) | (p.function[rows] == 4)]   # numerical: function indices (operations, back office)
    if len(makers) == 0:
        return model.organisation.base_defect_rate * 2.0
    people = np.add.reduce((fx.defect_free_skill - p.skill[makers])
                           * (fx.disengaged_defect_factor - fx.engagement_defect_reduction * p.engagement[makers])) / len(makers)
    # The same factor of a reference maker, skill and engagement at mid-scale.
    reference = (fx.defect_free_skill - 0.5) * (fx.disengaged_defect_factor - fx.engagement_defect_reduction * 0.5)
    ops = model.management.policy.operations_budget / max(model.management.usual.operations, 1.0)
    operations = 1.0 - fx.operations_defect_effect * np.tanh(ops - 1.0)
    return model.organisation.base_defect_rate * people / reference * (1.0 - model.org_state.process_quality) * operations


def moments_of_truth(model) -> WeekOfCustomers:
    """Phase 3: who buys, who contacts, who serves them and how well."""
    cb = model.customers
    c, p = cb.params, cb.people
    step = model.week
    policy = model.management.policy
    fx = model.effects.service

    # Purchases and the product layer; then service contacts (a defect makes one likely).
    purchasers = cb.buy_this_week(model)
    spend = p.basket[purchasers]
    defects, contacted = _defects_and_contacts(p.n, p.ids, purchasers, model.streams.keys("defect", step)[0],
                                               org_defect_rate(model), model.streams.keys("contact", step)[0],
                                               c.contact_rate, p.had_defect, p.open_question, p.active, fx)

    # How each contact goes: one uniform per decision (column), drawn for the contacted only.
    u = model.streams.at("contact_handling", step, p.ids[contacted], columns=len(CONTACT_DRAWS))
    z = ndtri(u[:, CONTACT_DRAWS.index("noise")])    # the service's noise, standard normal
    # Routing: each tier is served by a window of the front line ranked by capability.
    wf = model.workforce
    e = wf.people
    staff = wf.front_line_rows()
    capability = e.skill[staff] + e.orientation[staff] + e.effort[staff]
    ranked = staff[np.argsort(-capability, kind="stable")]
    # Trade-offs: a hard question a person answers sets the customer against the firm's time and
    # money; the employee decides it by the values they act on (held, or rewarded under compliance).
    leans = np.zeros((e.n, 3))   # numerical: one column per value
    leans[ranked] = wf.decision_leans(ranked, policy)
    org = model.org_state
    kb_quality = min(1.0, c.self_service_quality + fx.information_online_gain * policy.information_online)
    escalation = fx.separate_channel_penalty if policy.separate_web_retail else fx.escalation_penalty
    capacity = front_line_capacity(model, policy)
    (experience, person, escalated, pushed, resolved, staff_of, decision, first_time, noticed, sale,
     downgraded) = _serve(
        contacted, u, z, p.tier, p.channel_preference, p.segment, policy.self_service_push, c.self_service,
        c.easy_share, kb_quality, ranked, leans, policy.routing, capacity, e.orientation, e.effort, e.skill,
        e.workload, org.process_fit, fx.handoff_need * handoff_failure(model, policy), escalation,
        fx.service_noise * (1.0 - fx.quality_noise_reduction * org.process_quality), policy.priority_staff_share > 0,
        p.expectation, p.persuasion_knowledge, p.open_question, fx)
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
        cross_sales=float(fx.sale_share * basket[sale].sum()),
        concessions=float(fx.concession_share * basket[decision == FOR_CUSTOMER].sum()),
        overtime_cost=fx.overtime_premium * model.organisation.wage / max(capacity, 1e-9) * overtime,
        handling_cost=model.organisation.handling_cost * handled,
        downgraded=downgraded,
    )


@njit
def _defects_and_contacts(n, ids, purchasers, defect_key, defect_p, contact_key, contact_rate, had_defect, open_question,
                          active, fx):
    """Which purchases are defective, and who of rows 0..n-1 contacts the company this week: more
    likely after a defect, or with a question last week's standard answer left open (uniforms keyed
    by customer id, drawn for the purchasers and the customers present only)."""
    defects = np.empty(len(purchasers), dtype=np.bool_)
    had_defect[:n] = False
    for k in range(len(purchasers)):
        defects[k] = keyed_uniform(defect_key, ids[purchasers[k]]) < defect_p
        if defects[k]:
            had_defect[purchasers[k]] = True
    contacts = np.empty(n, dtype=np.int64)
    m = 0
    for i in range(n):
        if active[i] and keyed_uniform(contact_key, ids[i]) < (contact_rate + fx.defect_contact_rise * had_defect[i]
                                                               + fx.repeat_contact * open_question[i]):
            contacts[m] = i
            m += 1
        open_question[i] = False
    return defects, contacts[:m]


@njit
def _serve(contacted, u, z, tier, preference, segment, push, self_service, easy_share, kb_quality, ranked, leans,
           routing, capacity, orientation, effort, skill, workload, fit, handoff_p, escalation_penalty, noise,
           prioritised, expectation, persuasion_knowledge, open_question, fx):
    """Channel, self-service, routing, the hard question's decision, the front line's workload and
    the experience of each contact (docs/ODD.md 7.3). ``fx``: the service's effect sizes."""
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
        u_channel, u_difficulty, u_self_service = u[k, 0], u[k, 1], u[k, 2]
        u_route, u_tradeoff = u[k, 3], u[k, 6]   # numerical: columns of CONTACT_DRAWS (routing, tradeoff)
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
                    time += fx.goodwill_time
                elif d == FOR_EFFICIENCY:
                    time -= fx.short_handling
                    left_open[k] = u[k, 7] < fx.left_open   # numerical: column 7 of CONTACT_DRAWS
                    if left_open[k]:
                        open_question[j] = True
                else:
                    time += fx.selling_time
                    noticed[k] = u[k, 8] < fx.push_noticed * persuasion_knowledge[j]   # numerical: column 8 of CONTACT_DRAWS
                    # Reactance: a noticed push does not sell.
                    sale[k] = (not noticed[k]) and u[k, 9] < fx.sale_success   # numerical: column 9 of CONTACT_DRAWS
            load[emp] += time
        downgraded[k] = pushed[k] or (person[k] and t == 2 and prioritised)
    for r in ranked:
        workload[r] = load[r] / max(capacity, 1e-9)
    for k in range(m):
        if resolved[k]:
            experience[k] = fx.self_service_experience_base + fx.self_service_experience_gain * kb_quality
        elif staff_of[k] >= 0:
            emp = staff_of[k]
            j = contacted[k]
            overload = max(0.0, workload[emp] - 1.0)
            handoff_failed = (u[k, 1] >= easy_share) and u[k, 4] < handoff_p   # numerical: columns of CONTACT_DRAWS
            penalty = escalation_penalty if escalated[k] else 0.0
            d = decision[k]
            x = (fx.service_base + fx.service_orientation_weight * orientation[emp] + fx.service_effort_weight * effort[emp]
                 + fx.service_skill_weight * skill[emp] + fx.service_fit_weight * fit[segment[j]]
                 + fx.goodwill_gain * (d == FOR_CUSTOMER) - fx.standard_answer_loss * (d == FOR_EFFICIENCY)
                 - fx.overload_loss * overload - fx.failed_handoff_loss * handoff_failed - penalty + noise * z[k])
            experience[k] = min(max(x, 0.0), 1.0)
            # Resolved at the first contact, as the customer judges it: nothing left open or lost
            # in a hand-off, and an answer that meets their expectation.
            first_time[k] = d >= 0 and (not left_open[k]) and (not handoff_failed) and experience[k] >= expectation[j]
        elif person[k]:
            experience[k] = fx.unanswered_experience   # nobody there to answer
    return experience, person, escalated, pushed, resolved, staff_of, decision, first_time, noticed, sale, downgraded
