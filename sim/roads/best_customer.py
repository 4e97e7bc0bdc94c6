"""Road 4, best customer: RFM analytics and tiered treatment (seed 002).

Levers: the best share of the front line reserved for the top RFM tier, the lower tiers
pushed to self-service, targeted offers to the best customers, the front line right-sized to
observed demand, rewards weighted to profit. What follows is the engine's: profit per customer
rises; customers who notice the unequal treatment lose trust, talk and leave (Homburg, Droll &
Totzek 2008); heavy buyers regress toward the mean, so yesterday's best customers are not
tomorrow's (Sharp 2010).
"""

from sim.roads.base import ChangeProgramme, road_param


class BestCustomer(ChangeProgramme):
    """RFM tiers and priority service.

    Example:
        >>> BestCustomer(low_tier_push=0.0).low_tier_push
        0.0
    """

    name = "best_customer"
    title = "Best customer (RFM)"
    summary = ("Analytics score customers by recency, frequency and spend; the best get the best "
               "people, the rest are steered to self-service, and the front line is slimmed.")
    watch_for = ("Higher profit per customer; the less valuable customers' satisfaction and trust falling when the "
                 "difference in treatment shows; top customers who regress to the mean.")
    common = {
        **ChangeProgramme.common,
        "pressure": road_param(0.3, 0.0, 1.0, "pressure on employees to change"),
        "monitoring": road_param(0.5, 0.0, 1.0, "intensity of metric monitoring"),
    }
    parameters = {
        "top_staff_share": road_param(0.3, 0.0, 0.95, "best share of the front line reserved for the top tier"),
        "middle_tier_push": road_param(0.2, 0.0, 1.0, "minimum self-service share for the middle tier"),
        "low_tier_push": road_param(0.5, 0.0, 1.0, "minimum self-service share for the low tier"),
        "offers": road_param(1.0, 0.0, 1.0, "intensity of targeted offers to the top tier (half to the middle)"),
        "right_sizing": road_param(0.3, 0.0, 1.0, "share of spare front-line capacity taken out each week"),
        "target_workload": road_param(0.95, 0.3, 2.0, "front-line workload the slimmed front line is sized for"),
    }
    rewards = (0.15, 0.25, 0.6)

    def set_levers(self, levers, seen):
        super().set_levers(levers, seen)
        levers.kpi_customer, levers.kpi_efficiency, levers.kpi_profit = self.rewards
        levers.priority_staff_share = self.top_staff_share
        levers.self_service_push_middle = self.middle_tier_push
        levers.self_service_push_low = self.low_tier_push
        levers.targeted_offers = self.offers
        levers.right_sizing = self.right_sizing
        levers.right_sizing_workload = self.target_workload
