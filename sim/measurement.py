"""Measurement (phase 6): every metric of a week, as one flat dict of floats.

Definitions and units: docs/ODD.md section 7.6. The required columns come first in
``METRICS``; the rest are diagnostics useful for analysis.
"""

from __future__ import annotations

import numpy as np

from sim.accounting import COST_LINES
from sim.customers import DETRACTOR, FOR_CUSTOMER, FOR_EFFICIENCY, FOR_PROFIT, PROMOTER
from sim.effects import EffectSizes
from sim.employees import ADOPTION_SHIFT, SUPPORT_STATES
from sim.jit import njit
from sim.levers import TIERS, VALUES

#: The effect sizes of this module's mechanisms (sim.effects; docs/ODD.md 7.6).
MEASUREMENT_EFFECTS = EffectSizes("measurement", "docs/ODD.md 7.6")

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
    wf = model.workforce
    e = wf.people
    staff = wf.front_line_rows()
    served = week.contact_staff[week.contact_staff >= 0]
    if len(served):
        behaviour = _avg(e.orientation[served] * (0.5 + 0.5 * e.effort[served]))
    elif len(staff):
        behaviour = _avg(e.orientation[staff] * (0.5 + 0.5 * e.effort[staff]))
    else:
        behaviour = 0.0
    resolved = float(np.count_nonzero(week.resolved_first_time)) / week.tradeoffs if week.tradeoffs else 0.0
    return behaviour, resolved, needs_met


def measure(model, alarms: int) -> dict[str, float]:
    """All metrics of the current week."""
    wf, cb, ledger = model.workforce, model.customers, model.ledger
    week = model.moments
    e, c = wf.people, cb.people
    policy = model.management.policy
    staff_rows = wf.rows()
    cust = c.active_rows()
    n_cust = len(cust)
    out: dict[str, float] = {}
    n = c.n
    (count, sat_sum, promoters, detractors, trust_sum, expectation_sum, needs_sum, tier_n, tier_sat,
     tier_trust) = _customer_aggregates(c.active[:n], c.satisfaction, c.trust, c.expectation, c.performance, c.tier)

    behaviour, resolution, needs = centricity_components(model, week, needs_sum / n_cust if n_cust else 0.0)
    out["customer_centricity"] = (behaviour + resolution + needs) / 3.0
    operating = max(ledger.total_costs - ledger.costs["promotion"], 1e-9)
    output = len(week.purchasers) + int(week.resolved_by_self_service.sum()) + int(week.person.sum())
    out["efficiency"] = 1000.0 * output / operating
    out["profit"] = ledger.profit

    means, states, adopted, gap, spread = _employee_aggregates(
        staff_rows, e.values, policy.kpi_weights, e.support_state, e.affective, e.affective_rest,
        tuple(getattr(e, name) for name in EMPLOYEE_MEANS))
    out["value_tension"] = float(min(max(0.5 * gap + 0.5 * min(1.0, spread), 0.0), 1.0))
    shares = states / max(states.sum(), 1)
    for name, share in zip(SUPPORT_STATES, shares, strict=True):
        out[f"share_{name}"] = float(share)

    out["satisfaction"] = sat_sum / n_cust if n_cust else 0.0
    out["nps"] = 100.0 * (promoters / n_cust - detractors / n_cust) if n_cust else 0.0
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
    out["questions_left_open"] = float(np.count_nonzero(c.open_question[: c.n] & c.active[: c.n]))
    out["pushes_noticed"] = float(np.count_nonzero(week.push_noticed))
    out["cross_sales"] = week.cross_sales
    value = c.value[cust]
    if n_cust >= 5:   # numpy's introselect: several times faster here than a compiled partition
        k = max(1, n_cust // 5)
        top = np.partition(value, n_cust - k)[n_cust - k:]
        out["top20_value_share"] = float(top.sum() / max(value.sum(), 1e-12))
    else:
        out["top20_value_share"] = float("nan")
    return out


@njit
def _customer_aggregates(active, satisfaction, trust, expectation, performance, tier):
    """One pass over the customer rows: counts and sums of the present customers' state.

    Returns (present, satisfaction sum, promoters, detractors, trust sum, expectation sum,
    needs-met sum, count / satisfaction sum / trust sum per tier). Needs met: 1 when
    performance beats expectation by 0.1, 0 when it falls 0.1 short.
    """
    n = len(active)
    count, promoters, detractors = 0, 0, 0
    sat_sum, trust_sum, expectation_sum, needs_sum = 0.0, 0.0, 0.0, 0.0
    tier_n = np.zeros(3, dtype=np.int64)
    tier_sat = np.zeros(3)
    tier_trust = np.zeros(3)
    for i in range(n):
        if not active[i]:
            continue
        s = satisfaction[i]
        count += 1
        sat_sum += s
        promoters += s >= PROMOTER
        detractors += s <= DETRACTOR
        trust_sum += trust[i]
        expectation_sum += expectation[i]
        needs_sum += min(max(0.5 + 5.0 * (performance[i] - expectation[i]), 0.0), 1.0)
        t = tier[i]
        tier_n[t] += 1
        tier_sat[t] += s
        tier_trust[t] += trust[i]
    return count, sat_sum, promoters, detractors, trust_sum, expectation_sum, needs_sum, tier_n, tier_sat, tier_trust


@njit
def _employee_aggregates(rows, values, kpi, support_state, affective, affective_rest, columns):
    """Means of ``columns`` (one row per state variable) over the staff, support-state counts, the
    share who adopted the change, and the value gap to the rewards and the spread of held values."""
    m = len(rows)
    means = np.zeros(len(columns))
    states = np.zeros(5, dtype=np.int64)
    column_sums = np.zeros(3)
    adopted, gap = 0, 0.0
    for r in rows:
        for c in range(len(columns)):
            means[c] += columns[c][r]
        states[support_state[r]] += 1
        adopted += (affective[r] - affective_rest[r]) >= ADOPTION_SHIFT
        gap += abs(values[r, 0] - kpi[0]) + abs(values[r, 1] - kpi[1]) + abs(values[r, 2] - kpi[2])
        for j in range(3):
            column_sums[j] += values[r, j]
    if m == 0:
        return means, states, 0.0, 0.0, 0.0
    centre = column_sums / m
    spread = 0.0
    for r in rows:
        spread += abs(values[r, 0] - centre[0]) + abs(values[r, 1] - centre[1]) + abs(values[r, 2] - centre[2])
    return means / m, states, adopted / m, 0.5 * (gap / m), spread / m
