"""Road 2, mission: the strategic differentiator (seed 002).

Levers: a customer-first set of espoused values made heard by mission messaging, a few
champions (those whose values fit best) enlisted to lead it, rewards tilted toward the
customer, a brand promise ramped up over half a year, moderate pressure. What follows is the
engine's: identification and affective commitment grow in employees whose values already
fit, spreading from the champions through the internal network; the rest feel the norm and
comply; the brand attracts prospects and raises customers' expectations, so a gap between
espoused and enacted values is punished (expectation-disconfirmation).
"""

from sim.roads.base import ChangeProgramme, road_param
from sim.roads.rules import ramp


class Mission(ChangeProgramme):
    """Mission, values and brand.

    Example:
        >>> Mission().mission_intensity
        0.5
    """

    name = "mission"
    title = "Mission (strategic differentiator)"
    summary = ("A customer mission on the wall and in the brand: people whose values fit "
               "identify more and commit; the brand promises more to customers.")
    watch_for = ("Commitment among those who already believed, compliance from the rest, and "
                 "customers who punish a promise the organisation does not keep. Customer-first rewards "
                 "buy goodwill at the front line, paid in concessions and, when it is busy, overtime.")
    common = {
        **ChangeProgramme.common,
        "pressure": road_param(0.35, 0.0, 1.0, "pressure on employees to change"),
        "monitoring": road_param(0.3, 0.0, 1.0, "intensity of metric monitoring"),
    }
    parameters = {
        "mission_intensity": road_param(0.5, 0.0, 1.0, "strength of mission messaging (lever mission_messaging)"),
        "brand_promise": road_param(0.06, 0.0, 0.4, "what the brand promises, reached after brand_ramp_weeks"),
        "brand_ramp_weeks": road_param(26, 1, 520, "weeks over which the brand promise is ramped up"),
        "leader_share": road_param(0.05, 0.0, 0.5, "share of employees enlisted to lead the mission (lever champions)"),
    }
    espoused = (0.6, 0.2, 0.2)     # customer, efficiency, profit
    rewards = (0.3, 0.35, 0.35)

    def set_levers(self, levers, seen):
        super().set_levers(levers, seen)
        levers.espoused_customer, levers.espoused_efficiency, levers.espoused_profit = self.espoused
        levers.kpi_customer, levers.kpi_efficiency, levers.kpi_profit = self.rewards
        levers.mission_messaging = self.mission_intensity
        levers.champions = self.leader_share
        levers.brand_promise = self.brand_promise * ramp(seen.weeks_active, self.brand_ramp_weeks)
