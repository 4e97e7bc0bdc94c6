"""Road 4, best customer: RFM analytics and tiered treatment (seed 002).

Customers are re-scored on recency, frequency and monetary value every few weeks. The top
tier gets priority service from the best people, lower tiers are pushed to self-service and
the front line is right-sized to the smaller demand. Profit per customer rises. If the
unequal treatment becomes visible, lower tiers lose trust, talk and leave (Homburg, Droll &
Totzek 2008); heavy buyers regress toward the mean, so yesterday's best customers are not
tomorrow's (Sharp 2010).
"""

import numpy as np

from sim.roads.base import ChangeProgramme, road_param


class BestCustomer(ChangeProgramme):
    """RFM tiers and priority service.

    Example:
        >>> BestCustomer(visibility=0.0).visibility
        0.0
    """

    name = "best_customer"
    title = "Best customer (RFM)"
    summary = ("Analytics score customers by recency, frequency and spend; the best get the best "
               "people, the rest are steered to self-service, and the front line is slimmed.")
    watch_for = ("Higher profit per customer; lower-tier satisfaction and trust falling when the "
                 "difference in treatment shows; top customers who regress to the mean.")
    common = {
        **ChangeProgramme.common,
        "pressure": road_param(0.3, 0.0, 1.0, "pressure on employees to change"),
        "monitoring": road_param(0.5, 0.0, 1.0, "intensity of metric monitoring"),
    }
    parameters = {
        "top_staff_share": road_param(0.3, 0.05, 1.0, "best share of the front line reserved for the top tier"),
        "middle_tier_push": road_param(0.2, 0.0, 1.0, "minimum self-service share for the middle tier"),
        "low_tier_push": road_param(0.5, 0.0, 1.0, "minimum self-service share for the low tier"),
        "visibility": road_param(0.3, 0.0, 1.0, "chance a downgraded customer notices the unequal treatment"),
        "right_sizing": road_param(0.3, 0.0, 1.0, "share of spare front-line capacity taken out"),
        "target_workload": road_param(0.95, 0.3, 2.0, "front-line workload the slimmed front line is sized for"),
        "offer_uplift": road_param(0.1, 0.0, 1.0, "rise in top-tier buying from targeted offers (half for the middle tier)"),
        "analytics_cost": road_param(1.6, 0.0, 1e6, "weekly cost of customer analytics per customer"),
    }

    def begin(self, model):
        self.initial_seats = int(model.workforce.seat_open.sum())

    def set_policy(self, model, policy):
        super().set_policy(model, policy)
        policy.kpi_weights = np.array([0.15, 0.25, 0.6])
        policy.analytics_budget += self.analytics_cost * model.organisation.n_customers
        s = self.top_staff_share
        # The top tier is served by the best people, the low tier by the rest.
        policy.routing = np.array([[0.0, s], [0.0, 1.0], [min(s, 0.95), 1.0]])
        policy.self_service_push = np.array([0.0, self.middle_tier_push, self.low_tier_push])
        self.right_size(model)

    def right_size(self, model):
        """Slim the front line toward the person contacts management sees (lagged), 1% of seats a week at most."""
        seen = model.management.observed.get("person_contacts")
        if seen is None:
            return
        wf = model.workforce
        front = int(((wf.seat_function == 0) & wf.seat_open).sum())
        capacity = model.organisation.contacts_per_employee * (1.0 + 0.4 * model.org_state.process_quality)
        needed = seen / (capacity * self.target_workload)
        cut = int(round(self.right_sizing * max(0.0, front - needed)))
        current = model.org_state.headcount_target
        step = max(1, int(0.01 * self.initial_seats))
        model.org_state.cut_function = 0   # the front line
        model.org_state.headcount_target = max(current - cut, current - step)

    def influence_customers(self, model):
        week = model.moments
        p = model.customers.people
        rows = p.active_rows()
        tier = p.tier[rows]
        p.purchase_boost[rows] += self.offer_uplift * np.where(tier == 0, 1.0, np.where(tier == 1, 0.5, 0.0))
        contacted = week.contacted
        downgraded = (p.tier[contacted] == 2) & (week.pushed | week.escalated)
        who = contacted[downgraded]
        u = model.streams.at("notice_unfairness", model.week, who)
        notice = who[(u < self.visibility) & ~p.treated_unfairly[who]]
        p.treated_unfairly[notice] = True
        p.trust[notice] = np.maximum(0.0, p.trust[notice] - 0.2)
        p.satisfaction[notice] = np.maximum(0.0, p.satisfaction[notice] - 0.1)
        model.moments.aggrieved = np.concatenate([model.moments.aggrieved, notice])
