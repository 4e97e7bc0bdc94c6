"""Measurement (phase 6): every metric of a week, as one flat dict of floats.

Definitions and units: docs/ODD.md section 7.6. The required columns come first in
``METRICS``; the rest are diagnostics useful for analysis.
"""

from __future__ import annotations

import numpy as np

from sim.accounting import COST_LINES
from sim.customers import FOR_CUSTOMER, FOR_EFFICIENCY, FOR_PROFIT
from sim.effects import ASSUMPTION, SOURCE_MECHANISM, EffectSizes, effect
from sim.employees import SUPPORT_STATES
from sim.jit import njit
from sim.levers import TIERS, VALUES

#: The effect sizes of this module's metrics (sim.effects; docs/ODD.md 7.6): the weights of the
#: customer-centricity index and of the value tension. (The NPS cut-offs are the customers'
#: ``promoter`` and ``detractor``, the adoption cut-off the employees' ``adoption_shift``.)
MEASUREMENT_EFFECTS = EffectSizes(
    "measurement", "docs/ODD.md 7.6",
    # The customer-centricity index (7.6.1): a weighted mean of behaviour, resolution and needs met.
    behaviour_effort_weight=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "weight of effort in the behaviour part: orientation x ((1 - w) + w x effort)",
        "orientation is the disposition (Brown et al. 2002), effort whether it shows: an oriented employee "
        "who makes no effort shows half of it"),
    centricity_behaviour_weight=effect(
        1.0, 0.5, 1.5, SOURCE_MECHANISM,
        "relative weight of customer-oriented behaviour in the index (divided by the three weights' sum)",
        "Shah et al. 2006 name people, processes and outcomes as where customer centricity shows and rank "
        "none: equal weights"),
    centricity_resolution_weight=effect(
        1.0, 0.5, 1.5, SOURCE_MECHANISM,
        "relative weight of hard questions resolved first time in the index (divided by the weights' sum)",
        "Shah et al. 2006: customer-centric processes, one of three places ranked alike: equal weights"),
    centricity_needs_weight=effect(
        1.0, 0.5, 1.5, SOURCE_MECHANISM,
        "relative weight of customers' needs met in the index (divided by the weights' sum)",
        "Shah et al. 2006: customer-centric outcomes, one of three places ranked alike: equal weights"),
    needs_met_slope=effect(
        5.0, 2.5, 7.5, ASSUMPTION,
        "rise of a customer's needs met per unit of performance above expectation (0.5 at par, clipped to [0, 1])",
        "needs are wholly met 0.1 above expectation and wholly unmet 0.1 below it: a tenth of the scale is "
        "a difference customers feel"),
    # The value tension (7.6.1).
    tension_gap_weight=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "weight of the gap between held values and rewards in the value tension (the spread of held values "
        "has the rest)",
        "the conflict between what people value and what is rewarded and their disagreement among themselves "
        "count alike"),
)

REQUIRED = (
    "customer_centricity", "efficiency", "profit", "value_tension",
    "share_active_resistance", "share_passive_resistance", "share_compliance",
    "share_cooperation", "share_championing",
    "satisfaction", "nps", "complaint_rate", "churn_rate", "customers_active", "early_warnings",
)


# Metrics that are this week's counts, copied from WeekOfCustomers (metric name: attribute).
WEEK_COUNTS = {
    "complaints": "complaints", "dissatisfied": "dissatisfied", "silent_exits": "silent_exits",
    "customers_churned": "churned", "customers_acquired": "acquired",
    "wom_positive": "wom_positive", "wom_negative": "wom_negative",
    "wom_positive_talkers": "wom_positive_talkers", "wom_negative_talkers": "wom_negative_talkers",
    "wom_broadcast": "wom_broadcast", "prospects_deterred": "prospects_deterred",
}

_sum = np.add.reduce
#: Employee state averaged over the staff each week.
EMPLOYEE_MEANS = ("affective", "normative", "continuance", "identification", "readiness", "engagement",
                  "felt_tension", "skill", "orientation", "effort")


def _avg(x, empty: float = 0.0) -> float:
    """Mean of a 1-D array (``empty`` if it has none); a plain reduction, cheaper than np.mean."""
    return float(_sum(x) / len(x)) if len(x) else empty


def _row_sums(x):
    """Sum of each row of an (n, 3) array (three column adds: axis reductions are slow on short rows)."""
    return x[:, 0] + x[:, 1] + x[:, 2]


def centricity_components(model, week, needs_met: float) -> tuple[float, float, float]:
    """(customer-oriented behaviour, hard questions resolved first time, needs met), each in [0, 1].

    Each part reads what employees do or what customers experience, never a lever (docs/ODD.md
    7.6.1): the customer orientation and effort of the staff who served this week's contacts (a
    disposition, from the values they hold); the share of this week's hard questions resolved
    at the first contact as the customer judges it (nothing left open or lost in a hand-off,
    an answer that meets their expectation); and the customers' needs met (passed in). A week
    without contacts reads the whole front line's behaviour, and no question resolved.
    """
    w = model.effects.measurement.behaviour_effort_weight
    wf = model.workforce
    e = wf.people
    staff = wf.front_line_rows()
    served = week.contact_staff[week.contact_staff >= 0]
    if len(served):
        behaviour = _avg(e.orientation[served] * ((1.0 - w) + w * e.effort[served]))
    elif len(staff):
        behaviour = _avg(e.orientation[staff] * ((1.0 - w) + w * e.effort[staff]))
    else:
        behaviour = 0.0
    resolved = float(np.count_nonzero(week.resolved_first_time)) / week.tradeoffs if week.tradeoffs else 0.0
    return behaviour, resolved, needs_met


def measure(model, alarms: int) -> dict[str, float]:
    """All metrics of the current week."""
    wf, cb, ledger = model.workforce, model.customers, model.ledger
    fx = model.effects.measurement
    week = model.moments
    e, c = wf.people, cb.people
    policy = model.management.policy
    staff_rows = wf.rows()
    out: dict[str, float] = {}
    n = c.n
    (count, sat_sum, promoters, detractors, trust_sum, expectation_sum, needs_sum, tier_n, tier_sat,
     tier_trust, open_questions, value) = _customer_aggregates(
        c.active[:n], c.satisfaction, c.trust, c.expectation, c.performance, c.tier, c.open_question, c.value,
        model.effects.customers.promoter, model.effects.customers.detractor, fx)
    n_cust = count

    behaviour, resolution, needs = centricity_components(model, week, needs_sum / n_cust if n_cust else 0.0)
    weights = fx.centricity_behaviour_weight, fx.centricity_resolution_weight, fx.centricity_needs_weight
    out["customer_centricity"] = ((weights[0] * behaviour + weights[1] * resolution + weights[2] * needs)
                                  / (weights[0] + weights[1] + weights[2]))
    operating = max(ledger.total_costs - ledger.costs["promotion"], 1e-9)
    output = len(week.purchasers) + int(week.resolved_by_self_service.sum()) + int(week.person.sum())
    out["efficiency"] = 1000.0 * output / operating   # numerical: the unit, outputs per 1,000 of cost
    out["profit"] = ledger.profit

    means, states, adopted, gap, spread = _employee_aggregates(
        staff_rows, e.values, policy.kpi_weights, e.support_state, e.affective, e.affective_rest,
        tuple(getattr(e, name) for name in EMPLOYEE_MEANS), model.effects.employees.adoption_shift)
    w = fx.tension_gap_weight
    out["value_tension"] = float(min(max(w * gap + (1.0 - w) * min(1.0, spread), 0.0), 1.0))
    shares = states / max(states.sum(), 1)
    for name, share in zip(SUPPORT_STATES, shares, strict=True):
        out[f"share_{name}"] = float(share)

    out["satisfaction"] = sat_sum / n_cust if n_cust else 0.0
    out["nps"] = 100.0 * (promoters / n_cust - detractors / n_cust) if n_cust else 0.0   # numerical: NPS in points
    active_before = n_cust + week.churned - week.acquired
    out["complaint_rate"] = week.complaints / max(active_before, 1)
    out["churn_rate"] = week.churned / max(active_before, 1)
    out["customers_active"] = float(n_cust)
    out["early_warnings"] = float(alarms)

    # Diagnostics.
    out["centricity_behaviour"], out["centricity_resolution"], out["centricity_needs_met"] = behaviour, resolution, needs
    left = np.bincount(c.tier[week.leavers], minlength=len(TIERS)) if week.leavers is not None else np.zeros(len(TIERS))
    for t, name in enumerate(TIERS):
        out[f"satisfaction_{name}"] = float(tier_sat[t] / tier_n[t]) if tier_n[t] else float("nan")
        out[f"trust_{name}"] = float(tier_trust[t] / tier_n[t]) if tier_n[t] else float("nan")
        out[f"churn_rate_{name}"] = float(left[t] / max(tier_n[t] + left[t], 1))
    out["trust"] = trust_sum / n_cust if n_cust else 0.0
    out["expectation"] = expectation_sum / n_cust if n_cust else 0.0
    out["revenue"] = ledger.revenue
    out["costs"] = ledger.total_costs
    for line in COST_LINES:
        out[f"cost_{line}"] = float(ledger.costs[line])
    out["profit_per_customer"] = ledger.profit / max(n_cust, 1)
    out["purchases"] = float(len(week.purchasers))
    out["defects"] = float(week.defects.sum())
    out["defect_rate"] = _avg(week.defects)
    out["contacts"] = float(len(week.contacted))
    out["person_contacts"] = float(week.person.sum())
    out["self_service_resolved"] = float(week.resolved_by_self_service.sum())
    out["escalations"] = float(week.escalated.sum())
    person_exp = week.experience[week.person]
    out["service_quality"] = _avg(person_exp, float("nan"))
    for metric, attribute in WEEK_COUNTS.items():
        out[metric] = float(getattr(week, attribute))
    out["customers_ever"] = float(cb.ever_acquired)
    out["headcount"] = float(len(staff_rows))
    out["hires"] = float(ledger.hires_booked)
    out["leavers"] = float(wf.leavers)
    out["layoffs"] = float(ledger.severances_booked)
    for name, mean in zip(EMPLOYEE_MEANS, means, strict=True):
        out[name] = float(mean)
    out["share_adopted"] = adopted
    front = wf.front_line_rows()
    out["workload_front_line"] = _avg(e.workload[front])
    out["pressure"] = policy.pressure
    out["monitoring"] = policy.monitoring
    for i, v in enumerate(VALUES):
        out[f"kpi_weight_{v}"] = float(policy.kpi_weights[i])
    out["process_quality"] = float(model.org_state.process_quality)
    out["process_fit"] = _avg(model.org_state.process_fit)
    out["integration_level"] = float(model.org_state.integration_level)
    out["integration_maturity"] = float(model.org_state.maturity)
    out["heard_customer_value"] = float(model.org_state.heard_values[0])
    out["champions"] = float(wf.champions())
    out["tradeoffs"] = float(week.tradeoffs)
    for name, d in (("customer", FOR_CUSTOMER), ("efficiency", FOR_EFFICIENCY), ("profit", FOR_PROFIT)):
        out[f"decided_for_{name}"] = float(np.count_nonzero(week.decision == d))
    out["questions_left_open"] = float(open_questions)
    out["pushes_noticed"] = float(np.count_nonzero(week.push_noticed))
    out["cross_sales"] = week.cross_sales
    # The top fifth (numpy's introselect: several times faster here than a compiled partition).
    if n_cust >= 5:   # numerical: the metric's definition, the top fifth
        k = max(1, n_cust // 5)   # numerical: the metric's definition, the top fifth
        top = np.partition(value, n_cust - k)[n_cust - k:]
        out["top20_value_share"] = float(top.sum() / max(value.sum(), 1e-12))
    else:
        out["top20_value_share"] = float("nan")
    return out


@njit
def _customer_aggregates(active, satisfaction, trust, expectation, performance, tier, open_question, value, promoter,
                         detractor, fx):
    """One pass over the customer rows: counts and sums of the present customers' state.

    Returns (present, satisfaction sum, promoters, detractors, trust sum, expectation sum,
    needs-met sum, count / satisfaction sum / trust sum per tier, open questions, the present
    customers' values in id order). Promoters: satisfaction at or above ``promoter``,
    detractors at or below ``detractor``. Needs met: 0.5 at par, rising by
    ``fx.needs_met_slope`` per unit of performance above expectation (1 when it beats
    expectation by 0.1, 0 when it falls 0.1 short, at the declared slope).
    """
    n = len(active)
    count, promoters, detractors, open_questions = 0, 0, 0, 0
    sat_sum, trust_sum, expectation_sum, needs_sum = 0.0, 0.0, 0.0, 0.0
    tier_n = np.zeros(3, dtype=np.int64)   # numerical: three tiers
    tier_sat = np.zeros(3)                 # numerical: three tiers
    tier_trust = np.zeros(3)               # numerical: three tiers
    values = np.empty(n)
    for i in range(n):
        if not active[i]:
            continue
        s = satisfaction[i]
        values[count] = value[i]
        count += 1
        sat_sum += s
        promoters += s >= promoter
        detractors += s <= detractor
        trust_sum += trust[i]
        expectation_sum += expectation[i]
        needs_sum += min(max(0.5 + fx.needs_met_slope * (performance[i] - expectation[i]), 0.0), 1.0)
        t = tier[i]
        tier_n[t] += 1
        tier_sat[t] += s
        tier_trust[t] += trust[i]
        open_questions += open_question[i]
    return (count, sat_sum, promoters, detractors, trust_sum, expectation_sum, needs_sum, tier_n, tier_sat, tier_trust,
            open_questions, values[:count])


@njit
def _employee_aggregates(rows, values, kpi, support_state, affective, affective_rest, columns, adoption_shift):
    """Means of ``columns`` (one row per state variable) over the staff, support-state counts, the
    share who adopted the change (affective commitment ``adoption_shift`` above its resting level),
    and the value gap to the rewards and the spread of held values."""
    m = len(rows)
    means = np.zeros(len(columns))
    states = np.zeros(5, dtype=np.int64)   # numerical: five support states
    column_sums = np.zeros(3)              # numerical: three values
    adopted, gap = 0, 0.0
    for r in rows:
        for c in range(len(columns)):
            means[c] += columns[c][r]
        states[support_state[r]] += 1
        adopted += (affective[r] - affective_rest[r]) >= adoption_shift
        gap += abs(values[r, 0] - kpi[0]) + abs(values[r, 1] - kpi[1]) + abs(values[r, 2] - kpi[2])
        for j in range(3):   # numerical: three values
            column_sums[j] += values[r, j]
    if m == 0:
        return means, states, 0.0, 0.0, 0.0
    centre = column_sums / m
    spread = 0.0
    for r in rows:
        spread += abs(values[r, 0] - centre[0]) + abs(values[r, 1] - centre[1]) + abs(values[r, 2] - centre[2])
    # Half an L1 distance between two points of the simplex lies in [0, 1].
    return means / m, states, adopted / m, 0.5 * (gap / m), spread / m   # numerical: the half normalises the L1 gap
