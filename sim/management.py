"""Management: the policy agent that holds the chosen road and this week's policy.

Each week management first observes the KPIs as they were ``reporting_lag`` weeks ago,
then rebuilds the policy from the organisation's business-as-usual settings and lets the
road adjust it (phase 1 of the week). The policy is a plain record of levers; mechanisms
read it, roads write it. Lasting changes a road makes to the organisation itself (process
quality, fit to customers' jobs, the integration rung, closed seats) live on
:class:`OrganisationState`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

BASELINE_KPI = np.array([0.2, 0.4, 0.4])  # business as usual rewards efficiency and profit

VALUES = ("customer", "efficiency", "profit")
TIERS = ("top", "middle", "low")
N_SEGMENTS = 4


@dataclass
class Policy:
    """This week's management levers (rebuilt every week, then adjusted by the road)."""

    pressure: float = 0.15
    monitoring: float = 0.3
    kpi_weights: np.ndarray = field(default_factory=lambda: BASELINE_KPI.copy())
    espoused_values: np.ndarray = field(default_factory=lambda: np.array([0.4, 0.3, 0.3]))
    brand_promise: float = 0.0
    participation: float = 0.0
    promotion_budget: float = 0.0
    operations_budget: float = 0.0
    training_budget: float = 0.0
    analytics_budget: float = 0.0
    programme_cost: float = 0.0
    # Which part of the staff (ranked by capability, 0 = best) serves each value tier.
    routing: np.ndarray = field(default_factory=lambda: np.tile([0.0, 1.0], (len(TIERS), 1)))
    # Minimum probability that a contact of each tier is sent to self-service first.
    self_service_push: np.ndarray = field(default_factory=lambda: np.zeros(len(TIERS)))
    capacity_share_lost: float = 0.0


@dataclass
class OrganisationState:
    """Lasting properties of the organisation that roads can change."""

    process_quality: float = 0.0
    process_fit: np.ndarray = field(default_factory=lambda: np.full(N_SEGMENTS, 0.5))
    integration_level: float = 0.0
    headcount_target: int = 0
    cut_function: int = -1          # function whose seats cuts fall on (-1: any)
    layoffs_this_week: int = 0


class Management(mesa.Agent):
    """The policy agent: observes lagged KPIs and applies the road.

    Attributes:
        road: the active change road (a :class:`sim.roads.base.Road`).
        policy: this week's :class:`Policy`.
        observed: the KPIs management sees this week (lagged), a dict.
        alarms: every early-warning alarm so far, as (week, sacrificed, favoured).
    """

    def __init__(self, model, road, baseline_road):
        super().__init__(model)
        self.road = road
        self.baseline_road = baseline_road
        self.policy = Policy()
        self.observed: dict[str, float] = {}
        self.alarms: list[tuple[int, str, str]] = []

    @property
    def acting_road(self):
        """The road in force this week: the status quo until the road's start week."""
        return self.road if self.model.week >= self.road.start_week else self.baseline_road

    def business_as_usual(self) -> Policy:
        """The organisation's policy without any change programme."""
        org, levers = self.model.organisation, self.model.levers
        # Budgets are set per head of the organisation at the start.
        promotion = org.promotion_budget * org.n_customers
        shifted = promotion * levers.promotion_to_operations
        return Policy(
            pressure=org.base_pressure,
            monitoring=org.base_monitoring,
            promotion_budget=promotion - shifted,
            operations_budget=org.operations_budget * org.n_customers + shifted,
            training_budget=org.training_budget * org.n_employees,
            analytics_budget=org.analytics_budget * org.n_customers,
        )

    def observe(self) -> None:
        """See the KPIs of ``reporting_lag`` weeks ago (the latest available)."""
        history = self.model.history
        if not history:
            return
        lag = self.model.organisation.reporting_lag
        self.observed = history[max(0, len(history) - lag)]
