"""Road 1, engineering: Six Sigma DMAIC projects across the board (seed 002).

Levers: process improvement at full intensity, half of it on the firm's own process; heavy
metric monitoring; rewards weighted to efficiency; the capacity that better processes free
taken out as headcount. What follows is the engine's, as on any road that pulls the same
levers: defects and handling time fall, heavy monitoring buys compliance rather than
commitment, survivors of the cuts lose commitment (the improvement paradox, Repenning &
Sterman 1997; Keating et al. 1999), and a process optimised for the firm drifts away from
the customer's job ("efficient ineffectiveness", seed 000).
"""

from sim.roads.base import ChangeProgramme, road_param


class Engineering(ChangeProgramme):
    """Six Sigma across the board.

    Example:
        >>> Engineering(headcount_cut=0.5).headcount_cut
        0.5
    """

    name = "engineering"
    title = "Engineering (Six Sigma)"
    summary = ("DMAIC projects everywhere: defects and cycle times fall, metrics are watched "
               "closely, and the capacity that frees up is taken out as headcount.")
    watch_for = ("Early profit from lower cost and rework; then compliance instead of commitment, "
                 "survivors who disengage after cuts, and a process that fits the firm better than the customer. "
                 "Efficiency rewards bring standard answers: shorter contacts, and questions left open that "
                 "come back.")
    common = {
        **ChangeProgramme.common,
        "pressure": road_param(0.5, 0.0, 1.0, "pressure on employees to change"),
        "monitoring": road_param(0.85, 0.0, 1.0, "intensity of metric monitoring"),
    }
    parameters = {
        "dmaic_intensity": road_param(1.0, 0.0, 1.0, "intensity of DMAIC projects (lever process_improvement)"),
        "own_process_focus": road_param(0.5, 0.0, 1.0, "how much projects optimise the firm's process over the customer's job"),
        "headcount_cut": road_param(0.8, 0.0, 1.0, "share of freed capacity taken out as headcount (lever capacity_cut)"),
    }
    rewards = (0.15, 0.55, 0.30)   # customer, efficiency, profit

    def set_levers(self, levers, seen):
        super().set_levers(levers, seen)
        levers.kpi_customer, levers.kpi_efficiency, levers.kpi_profit = self.rewards
        levers.process_improvement = self.dmaic_intensity
        levers.own_process_focus = self.own_process_focus
        levers.capacity_cut = self.headcount_cut
