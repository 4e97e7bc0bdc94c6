"""Road 5, competing values: the adaptive road (seed 002).

Levers and rules: a pulse survey from the start (the readiness assessment, and the reading the
tension controller needs), gentle pressure while readiness is assessed, then pressure paced
by a feedback rule that keeps the felt tension management sees in a productive zone (Heifetz,
Grashow & Linsky 2009); rewards moved toward a balance of customer, efficiency and profit
(Quinn & Rohrbaugh 1983; Mittal et al. 2005) and rebalanced toward any value an early-warning
alarm says is being sacrificed, which needs an early-warning system; participation, so people
shape the change, and more training, so they can. Seed 002: the road "may include side trips
to any and all of the other four roads"; the side trips here (process improvement on the
customer's process, the integration ladder of seed 004, customer-job research of seed 000)
are off unless asked for. Each lever is priced as on any road, and its effects are the engine's.
"""

from __future__ import annotations

from sim.levers import BASELINE_KPI
from sim.roads.base import ChangeProgramme, road_param
from sim.roads.rules import RewardBalance, TensionController


class CompetingValues(ChangeProgramme):
    """Readiness-paced, tension-managed, balanced change with early warnings.

    Example:
        >>> CompetingValues(tension_setpoint=0.5).tension_setpoint
        0.5
    """

    name = "competing_values"
    title = "Competing values (adaptive)"
    summary = ("Assess readiness first, then pace the change so tension stays productive, balance "
               "rewards across customer, efficiency and profit, let people shape the change, and "
               "rebalance when an early warning shows one value paying for another.")
    watch_for = ("A slower start and higher early cost; commitment that grows and lasts; warnings that "
                 "fire and are acted on; and whether the programme's price pays off, and when. Balanced rewards "
                 "split the front line's hard decisions: some goodwill, some standard answers, some selling.")
    common = {
        **ChangeProgramme.common,
        "pressure": road_param(0.3, 0.0, 1.0, "starting pressure (then paced by the tension controller)"),
        "monitoring": road_param(0.3, 0.0, 1.0, "intensity of metric monitoring"),
    }
    parameters = {
        "tension_setpoint": road_param(0.45, 0.0, 1.0, "felt tension the controller aims for (productive zone)"),
        "pacing_gain": road_param(0.05, 0.0, 1.0, "weekly pressure correction per unit of tension error"),
        "assessment_weeks": road_param(8, 0, 104, "weeks spent assessing readiness before pushing"),
        "survey": road_param(True, doc="run a pulse survey (readiness assessment; the controller's reading)"),
        "warning_system": road_param(True, doc="run an early-warning system and rebalance on its alarms"),
        "participation": road_param(0.5, 0.0, 1.0, "how much employees shape the change"),
        "balance_speed": road_param(0.05, 0.0, 1.0, "weekly move of rewards toward balance"),
        "rebalance": road_param(0.1, 0.0, 1.0, "reward weight moved toward a sacrificed value per alarm"),
        "training_boost": road_param(1.5, 0.0, 10.0, "training budget, multiple of business as usual"),
        # Side trips (seed 002), off by default.
        "max_integration": road_param(0, 0, 4, "side trip: rung of the integration ladder to climb to (0: none)"),
        "ladder_weeks": road_param(26, 1, 520, "weeks per rung of the integration ladder"),
        "process_improvement": road_param(0.0, 0.0, 1.0, "side trip: DMAIC intensity, on the customer's process"),
        "job_research": road_param(0.0, 0.0, 1.0, "side trip: intensity of customer-job research (seed 000)"),
    }

    def set_levers(self, levers, seen):
        super().set_levers(levers, seen)
        if seen.weeks_active == 1:
            self.controller = TensionController(self.tension_setpoint, self.pacing_gain, self.pressure)
            self.rewards = RewardBalance(self.balance_speed, self.rebalance, start=BASELINE_KPI)
        assessing = seen.weeks_active <= self.assessment_weeks
        if self.pressure_on(seen.week):
            if assessing:
                # A gentle start while readiness is assessed.
                levers.pressure = min(self.pressure, 0.5 * self.tension_setpoint)
            else:
                levers.pressure = self.controller.step(seen.kpi("felt_tension"))
        levers.kpi_customer, levers.kpi_efficiency, levers.kpi_profit = self.rewards.step(seen.alarms)
        levers.employee_survey = float(self.survey)
        levers.early_warning_system = float(self.warning_system)
        levers.participation = self.participation
        levers.training = self.training_boost
        levers.job_research = self.job_research
        if self.process_improvement > 0:
            levers.process_improvement = self.process_improvement
            levers.own_process_focus = 0.0
        if not assessing:
            levers.integration_target = max(levers.integration_target, self.max_integration)
            levers.ladder_pace = self.ladder_weeks
