"""Road 1, engineering: Six Sigma DMAIC projects across the board (seed 002).

Process quality climbs toward a ceiling, so defects, process variance and handling time
fall. Heavy metric monitoring buys compliance rather than commitment. Freed capacity is
turned into headcount cuts, and survivors' commitment falls: the improvement paradox
(Repenning & Sterman 1997; Keating et al. 1999). Optimising the organisation's own process
rather than the customer's job erodes fit: "efficient ineffectiveness" (seed 000).
"""

import numpy as np

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
                 "survivors who disengage after cuts, and a process that fits the firm better than the customer.")
    common = {
        **ChangeProgramme.common,
        "pressure": road_param(0.5, 0.0, 1.0, "pressure on employees to change"),
        "monitoring": road_param(0.85, 0.0, 1.0, "intensity of metric monitoring"),
    }
    parameters = {
        "improvement_rate": road_param(0.03, 0.0, 1.0, "weekly share of the gap to the quality ceiling closed"),
        "quality_ceiling": road_param(0.6, 0.0, 0.95, "process quality DMAIC can reach"),
        "headcount_cut": road_param(0.8, 0.0, 1.0, "share of freed capacity taken out as headcount"),
        "own_process_focus": road_param(0.5, 0.0, 1.0, "how much projects optimise the firm's process over the customer's job"),
        "belt_cost": road_param(20.0, 0.0, 1e6, "weekly cost of black belts and projects per employee"),
    }

    def begin(self, model):
        self.initial_seats = int(model.workforce.seat_open.sum())

    def set_policy(self, model, policy):
        super().set_policy(model, policy)
        org = model.org_state
        policy.kpi_weights = np.array([0.15, 0.55, 0.30])
        policy.programme_cost += self.belt_cost * model.organisation.n_employees
        org.process_quality += self.improvement_rate * max(0.0, self.quality_ceiling - org.process_quality)
        # Standardisation drifts the process away from the jobs customers hire it for.
        org.process_fit += 0.004 * self.own_process_focus * (0.3 - org.process_fit)
        freed = 1.0 - 1.0 / (1.0 + 0.4 * org.process_quality)
        org.headcount_target = int(round(self.initial_seats * (1.0 - self.headcount_cut * freed)))
