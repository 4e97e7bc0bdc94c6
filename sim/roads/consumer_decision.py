"""Road 3, consumer decision-making: behavioural economics and nudges (seed 002).

Nudges raise conversion and purchase frequency quickly. Customers who detect manipulation
(persuasion knowledge, Friestad & Wright 1994; reactance, Brehm 1966), activists first,
lose trust, stop responding and talk. Little changes inside the organisation.
"""

import numpy as np

from sim.roads.base import ChangeProgramme, road_param


class ConsumerDecision(ChangeProgramme):
    """Nudges and decision modelling.

    Example:
        >>> ConsumerDecision().nudge_uplift
        0.15
    """

    name = "consumer_decision"
    title = "Consumer decision-making (nudges)"
    summary = ("Behavioural economics aimed at customers: nudges, framing and decision models "
               "raise conversion and buying, while the organisation itself changes little.")
    watch_for = ("Quick sales gains that fade as customers, activists first, see the manipulation, "
                 "stop trusting and tell others. It wins minds, not hearts.")
    common = {
        **ChangeProgramme.common,
        "pressure": road_param(0.2, 0.0, 1.0, "pressure on employees to change"),
        "monitoring": road_param(0.3, 0.0, 1.0, "intensity of metric monitoring"),
    }
    parameters = {
        "nudge_uplift": road_param(0.15, 0.0, 1.0, "relative rise in purchase probability from nudges"),
        "conversion_uplift": road_param(0.3, 0.0, 2.0, "relative rise in customers won per promotion euro"),
        "detection_rate": road_param(0.01, 0.0, 1.0, "weekly chance of seeing through a nudge per unit persuasion knowledge"),
        "analytics_cost": road_param(2.0, 0.0, 1e6, "weekly cost of decision analytics per customer"),
    }

    def set_policy(self, model, policy):
        super().set_policy(model, policy)
        policy.kpi_weights = np.array([0.15, 0.3, 0.55])
        policy.analytics_budget += self.analytics_cost * model.organisation.n_customers

    def influence_customers(self, model):
        p = model.customers.people
        rows = p.active_rows()
        levers = model.levers
        honesty = (0.5 if levers.play_it_straight else 1.0) * (0.8 if levers.information_online else 1.0)
        u = model.streams.uniform("manipulation", model.week, p.n)[rows]
        sees = (~p.manipulation_detected[rows]) & (u < self.detection_rate * p.persuasion_knowledge[rows] * honesty)
        found = rows[sees]
        p.manipulation_detected[found] = True
        p.trust[found] = np.maximum(0.0, p.trust[found] - 0.3)
        p.satisfaction[found] = np.maximum(0.0, p.satisfaction[found] - 0.1)
        model.moments.aggrieved = np.concatenate([model.moments.aggrieved, found])
        detected = p.manipulation_detected[rows]
        # Reactance: those who saw through it buy less, the rest are nudged.
        p.purchase_boost[rows] = np.where(detected, -0.5 * self.nudge_uplift, self.nudge_uplift)
        policy = model.management.policy
        model.acquisition_boost += self.conversion_uplift * policy.promotion_budget / model.customers.params.acquisition_cost
