"""Road 3, consumer decision-making: behavioural economics and nudges (seed 002).

Levers: nudging at full intensity, rewards weighted to profit, light pressure; little else
changes inside the organisation. What follows is the engine's: nudges raise conversion and
purchase frequency at once; customers who see through them (persuasion knowledge, Friestad &
Wright 1994; reactance, Brehm 1966), activists first, lose trust, buy less and talk.
"""

from sim.roads.base import ChangeProgramme, road_param


class ConsumerDecision(ChangeProgramme):
    """Nudges and decision modelling.

    Example:
        >>> ConsumerDecision().nudging
        1.0
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
        "nudging": road_param(1.0, 0.0, 1.0, "intensity of decision-modelled nudges (lever nudging)"),
    }
    rewards = (0.15, 0.3, 0.55)

    def set_levers(self, levers, seen):
        super().set_levers(levers, seen)
        levers.kpi_customer, levers.kpi_efficiency, levers.kpi_profit = self.rewards
        levers.nudging = self.nudging
