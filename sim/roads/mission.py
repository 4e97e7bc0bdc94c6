"""Road 2, mission: the strategic differentiator (seed 002).

A mission and brand raise identification and affective commitment in employees whose
values already fit; it starts with leaders and spreads through the internal network;
others comply. The brand raises customers' expectations, so a gap between espoused and
enacted values is punished (expectation-disconfirmation).
"""

import numpy as np

from sim.roads.base import ChangeProgramme, road_param


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
                 "customers who punish a promise the organisation does not keep.")
    common = {
        **ChangeProgramme.common,
        "pressure": road_param(0.35, 0.0, 1.0, "pressure on employees to change"),
        "monitoring": road_param(0.3, 0.0, 1.0, "intensity of metric monitoring"),
    }
    parameters = {
        "mission_intensity": road_param(0.5, 0.0, 1.0, "strength of mission messaging"),
        "brand_promise": road_param(0.06, 0.0, 0.4, "rise in customers' expectations from the brand"),
        "leader_share": road_param(0.05, 0.0, 0.5, "share of employees who lead the mission"),
        "fit_threshold": road_param(0.8, 0.0, 1.0, "value fit above which the mission takes"),
        "campaign_cost": road_param(1.6, 0.0, 1e6, "weekly cost of the mission and brand campaign per customer"),
    }
    espoused = np.array([0.6, 0.2, 0.2])

    def begin(self, model):
        wf = model.workforce
        p = wf.people
        rows = wf.rows()
        fit = 1.0 - 0.5 * np.abs(p.values[rows] - self.espoused).sum(1)
        n_leaders = int(round(self.leader_share * len(rows)))
        leaders = rows[np.argsort(-fit, kind="stable")[:n_leaders]]
        p.affective[leaders] = np.minimum(1.0, p.affective[leaders] + 0.3)
        p.identification[leaders] = np.minimum(1.0, p.identification[leaders] + 0.2)

    def set_policy(self, model, policy):
        super().set_policy(model, policy)
        ramp = min(1.0, self.weeks_active(model) / 26.0)
        policy.espoused_values = self.espoused
        policy.kpi_weights = np.array([0.3, 0.35, 0.35])
        policy.brand_promise = self.brand_promise * ramp
        policy.programme_cost += self.campaign_cost * model.organisation.n_customers

    def shape_employees(self, model):
        wf = model.workforce
        p = wf.people
        rows = wf.rows()
        fit = 1.0 - 0.5 * np.abs(p.values[rows] - self.espoused).sum(1)
        takes = fit >= self.fit_threshold
        k = self.mission_intensity
        ident, aff = p.identification[rows], p.affective[rows]
        p.identification[rows] = np.where(takes, ident + 0.02 * k * (1 - ident), ident)
        p.affective[rows] = np.where(takes, aff + 0.01 * k * fit * (1 - aff), aff)
        p.normative[rows] = np.where(takes, p.normative[rows], np.minimum(1.0, p.normative[rows] + 0.003 * k))
        p.values[rows] += 0.01 * k * p.identification[rows, None] * (self.espoused - p.values[rows])
