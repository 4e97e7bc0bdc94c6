"""Accounting and RFM (phase 5): revenue, each cost, profit; recency, frequency, monetary value.

Profit is revenue minus the sum of the cost lines, every week, exactly. RFM follows
Hughes (1994): quintile scores on recency, frequency and monetary value, summed; the top
20% of scores form the top tier, the next 30% the middle tier, the rest the low tier.
Equations: docs/ODD.md section 7.5.
"""

from __future__ import annotations

import numpy as np

from sim.effects import ASSUMPTION, SOURCE_MECHANISM, EffectSizes, effect
from sim.jit import njit
from sim.levers import COST_LINE_OF

#: The effect sizes of this module's mechanisms (sim.effects; docs/ODD.md 7.5). (The memories of
#: frequency and value are the customers' ``frequency_memory`` and ``value_memory``.)
ACCOUNTING_EFFECTS = EffectSizes(
    "accounting", "docs/ODD.md 7.5",
    # Value tiers from the RFM score (Hughes 1994).
    top_tier_share=effect(
        0.2, 0.1, 0.3, SOURCE_MECHANISM,
        "share of present customers, by RFM score, in the top tier",
        "Hughes 1994 scores RFM by quintiles; the top quintile as the top tier is chosen"),
    middle_tier_share=effect(
        0.3, 0.2, 0.4, ASSUMPTION,
        "share of present customers, by RFM score, in the middle tier (next after the top tier)",
        "the next one and a half quintiles; the low tier keeps the other half"),
)

COST_LINES = ("staff", "overtime", "handling", "training", "analytics", "promotion", "operations", "programme",
              "concessions", "rework", "complaint_handling", "hiring", "severance")


class Ledger:
    """This week's books. ``hires`` and ``severances`` are counted as they happen.

    Every lever's price (``sim.levers.lever_costs``) is booked each week: on the analytics
    line (nudges, tiering, offers, the early-warning system), on the promotion line (the brand
    campaign) or on the programme line (everything else), beside the budgets themselves.
    """

    def __init__(self):
        self.hires = 0
        self.severances = 0
        self.revenue = 0.0
        self.costs = dict.fromkeys(COST_LINES, 0.0)
        self.lever_costs: dict[str, float] = {}
        self.hires_booked = 0
        self.severances_booked = 0

    @property
    def total_costs(self) -> float:
        return float(sum(self.costs.values()))

    @property
    def profit(self) -> float:
        return self.revenue - self.total_costs

    def close_week(self, model) -> None:
        """Book revenue and every cost line for the week, then reset the event counters."""
        org = model.organisation
        policy = model.management.policy
        week = model.moments
        self.revenue = float(week.spend.sum()) + week.cross_sales
        self.lever_costs = model.management.book_costs()
        booked = {"analytics": 0.0, "promotion": 0.0, "programme": 0.0}
        for lever, cost in self.lever_costs.items():
            booked[COST_LINE_OF.get(lever, "programme")] += cost
        self.costs = {
            "staff": model.workforce.headcount() * org.wage,
            "overtime": week.overtime_cost,
            "handling": week.handling_cost,
            "training": policy.training_budget,
            "analytics": policy.analytics_budget + booked["analytics"],
            "promotion": policy.promotion_budget + booked["promotion"],
            "operations": policy.operations_budget,
            "programme": booked["programme"],
            "concessions": week.concessions,
            "rework": float(week.defects.sum()) * org.rework_cost,
            "complaint_handling": week.complaints * org.complaint_cost,
            "hiring": self.hires * org.hiring_cost,
            "severance": self.severances * org.severance_cost,
        }
        self.hires_booked, self.severances_booked = self.hires, self.severances
        self.hires = 0
        self.severances = 0


def update_rfm(model) -> None:
    """Recency, frequency and monetary value of every present customer; periodic re-scoring."""
    p = model.customers.people
    week = model.moments
    memory = model.effects.customers
    _update_rfm(week.purchasers, week.spend, p.active[: p.n], p.recency, p.frequency, p.monetary, p.value, p.spend_total,
                memory.frequency_memory, memory.value_memory)
    if model.week % model.organisation.rfm_rescore_weeks == 0:
        rescore_tiers(p, p.active_rows(), model.effects.accounting)


def ranks_reached(x: np.ndarray, cuts) -> np.ndarray:
    """For each element, how many of the ranks ``cuts`` its stable rank in ``x`` reaches.

    The stable rank of ``x[i]`` is the number of smaller elements plus the number of equal
    ones before it (ties broken by order, as a stable sort would). The value at each cut comes
    from numpy's selection (O(n)); a kernel then places every element: equal to a cut's value,
    the element reaches the cut once enough equal ones came before it. The same as sorting, in
    linear time.

    Example:
        >>> ranks_reached(np.array([3.0, 1.0, 3.0, 2.0]), [2, 3]).tolist()   # stable ranks 2, 0, 3, 1
        [1, 0, 2, 0]
    """
    n = len(x)
    cuts = np.asarray(cuts, dtype=np.int64)
    inside = cuts[(cuts > 0) & (cuts < n)]
    values = np.partition(x, inside)[inside] if len(inside) else np.zeros(0, dtype=x.dtype)
    return _ranks_reached(x, inside, values) + np.count_nonzero(cuts <= 0)


def _quintile(x: np.ndarray) -> np.ndarray:
    """Quintile score 1..5 by stable rank: 1 + floor(5 rank / n), the cuts at ceil(k n / 5)."""
    n = len(x)
    return 1 + ranks_reached(x, [-(-k * n // 5) for k in range(1, 5)])   # numerical: quintiles (Hughes 1994)


def rescore_tiers(p, rows, fx=ACCOUNTING_EFFECTS.defaults) -> None:
    """RFM scores and value tiers (0 top, 1 middle, 2 low) for present customers.

    ``fx``: the run's effect sizes of this module (``model.effects.accounting``), for the tiers' shares.
    """
    if len(rows) == 0:
        return
    score = _quintile(-p.recency[rows]) + _quintile(p.frequency[rows]) + _quintile(p.monetary[rows])
    p.rfm_score[rows] = score
    n_top = int(round(fx.top_tier_share * len(rows)))
    n_mid = int(round(fx.middle_tier_share * len(rows)))
    # By descending score (value breaking ties), stable: the first n_top, the next n_mid.
    tie_break = 1e-6 * p.value[rows]   # numerical: breaks ties of the integer scores by value, never reorders them
    p.tier[rows] = ranks_reached(-(score + tie_break), [n_top, n_top + n_mid]).astype(np.int8)


@njit
def _update_rfm(purchasers, spend, active, recency, frequency, monetary, value, spend_total, frequency_memory,
                value_memory):
    """One week of recency, frequency (``frequency_memory``: a half-year memory), monetary
    (the spend per purchase) and value (``value_memory``: a year's memory): every present
    customer who did not buy, then the purchasers."""
    n = len(active)
    bought = np.zeros(n, dtype=np.bool_)
    bought[purchasers] = True
    for i in range(n):
        if active[i] and not bought[i]:
            recency[i] += 1
            frequency[i] += (0.0 - frequency[i]) * frequency_memory
            value[i] += (0.0 - value[i]) * value_memory
    for k in range(len(purchasers)):    # also those who bought and left this week
        j = purchasers[k]
        if active[j]:
            frequency[j] += (1.0 - frequency[j]) * frequency_memory
            value[j] += (spend[k] - value[j]) * value_memory
        recency[j] = 0
        monetary[j] = spend[k]   # spend per purchase: a customer's basket is fixed, so the last is the mean
        spend_total[j] += spend[k]


@njit
def _ranks_reached(x, cuts, values):
    """How many of the ``cuts`` (ranks, 0 < cut < n, ascending) each element's stable rank reaches,
    given ``values[k]``, the element value at rank ``cuts[k]``."""
    k_cuts = len(cuts)
    below = np.zeros(k_cuts, dtype=np.int64)       # elements smaller than each cut's value
    for i in range(len(x)):
        for k in range(k_cuts):
            below[k] += x[i] < values[k]
    equal = np.zeros(k_cuts, dtype=np.int64)       # equal ones seen so far, in order
    out = np.zeros(len(x), dtype=np.int64)
    for i in range(len(x)):
        for k in range(k_cuts):
            if x[i] > values[k]:
                out[i] += 1
            elif x[i] == values[k]:
                out[i] += below[k] + equal[k] >= cuts[k]
                equal[k] += 1
    return out
