"""The organisation's lasting properties and how this week's levers change them (phase 1).

Processes (their quality and their fit to each segment's job), the integration rung
(seed 004's ladder) and how far climbing it has prepared the organisation for the matrix
step, the values employees have heard management espouse, and the headcount management
plans. Every road's levers act here through the same equations; no road writes them.
Equations and the source of each constant: docs/ODD.md section 7.1.3.

Example:
    >>> from sim.levers import Policy, AtUsual
    >>> state = OrganisationState.at_start(integration_level=0, n_employees=100)
    >>> policy = Policy(process_improvement=1.0, own_process_focus=1.0)
    >>> policy.put_in_force(AtUsual(0.0, 0.0, 0.0, 0.0))
    >>> state.improve_processes(policy)
    >>> round(state.process_quality, 3), round(float(state.process_fit[0]), 4)
    (0.024, 0.4992)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.effects import EffectSizes
from sim.levers import BASELINE_ESPOUSED, Policy
from sim.service import CAPACITY_PER_QUALITY, front_line_capacity

#: The effect sizes of this module's mechanisms (sim.effects; docs/ODD.md 7.1.3).
ORGANISATION_EFFECTS = EffectSizes("organisation", "docs/ODD.md 7.1.3")

N_SEGMENTS = 4
START_FIT = 0.5            # processes fit every segment's job half-way at the start (assumption)
# Process improvement (DMAIC; seed 002, road 1).
QUALITY_CEILING = 0.6      # process quality DMAIC can reach (assumption)
DMAIC_RATE = 0.04          # weekly share of the gap to the ceiling closed at full intensity on the firm's own process
CUSTOMER_PROCESS_SLOWDOWN = 0.5   # improving the customer's process goes half as fast: it must be researched first
FIT_STANDARD = 0.3         # fit of a process standardised for the firm, not the customer's job (seed 000)
FIT_DRIFT = 0.004          # weekly drift of fit toward FIT_STANDARD at full intensity and full own-process focus
# Customer-job research (seed 000): "align the service to the customer's job, even if it begins
# as inefficient effectiveness; the effective service can then be continuously improved".
FIT_CEILING = 0.85         # fit research can reach
RESEARCH_RATE = 0.01       # weekly share of the gap to FIT_CEILING closed at full intensity
SEGMENT_MANAGER_GAIN = 0.5  # research goes half as fast again with customer segment managers (rung 4, seed 004)
REDESIGN_DISRUPTION = 1.5  # share of process quality lost per unit of mean fit gained (redesigned processes start unpolished)
# The integration ladder (seed 004).
MATRIX_RUNG = 3            # "step 4: matrix reporting ... often where things go badly wrong"
MATURITY_WEEKS = 28        # weeks on rungs 1-2 that prepare the matrix: two steps of about 100 days (seed 004)
# Espoused values become heard through messaging.
HEARING_SPEED = 0.1        # weekly share of the gap between espoused and heard values closed at full messaging
MAX_WEEKLY_CUT = 0.01      # right-sizing closes at most 1% of the starting seats a week


@dataclass
class OrganisationState:
    """Lasting properties of the organisation, changed only by the engine's mechanisms.

    Attributes:
        process_quality: Six Sigma process quality Q in [0, 1).
        process_fit: fit of processes to each segment's job, one value per segment.
        integration_level: current rung L of the integration ladder (0..4).
        starting_level: the rung the organisation started on (rungs above it cost money).
        weeks_on_rung: weeks since the rung last changed.
        maturity: how far rungs 1-2 have prepared the organisation for the matrix step, [0, 1].
        heard_values: the values employees hear management espouse (customer, efficiency, profit).
        headcount_target: open seats management wants.
        reference_seats: seats at the start, against which freed capacity is cut.
        cut_front_line: this week's cuts fall on the front line (right-sizing) rather than anywhere.
        layoffs_this_week: layoffs of the last cut, felt by survivors the next week.
    """

    process_quality: float = 0.0
    process_fit: np.ndarray = field(default_factory=lambda: np.full(N_SEGMENTS, START_FIT))
    integration_level: float = 0.0
    starting_level: float = 0.0
    weeks_on_rung: int = 10**6
    maturity: float = 0.0
    heard_values: np.ndarray = field(default_factory=lambda: np.array(BASELINE_ESPOUSED))
    headcount_target: int = 0
    reference_seats: int = 0
    cut_front_line: bool = False
    layoffs_this_week: int = 0

    @classmethod
    def at_start(cls, integration_level: int, n_employees: int) -> OrganisationState:
        """The state of an organisation on rung ``integration_level`` with ``n_employees`` seats.

        An organisation that already stands on rung 1 or higher has had the time to learn
        on its rungs, so it starts prepared for the matrix step.
        """
        return cls(integration_level=float(integration_level), starting_level=float(integration_level),
                   maturity=1.0 if integration_level >= 1 else 0.0,
                   headcount_target=n_employees, reference_seats=n_employees)

    # ------------------------------------------------------------------ phase 1
    def develop(self, model, policy: Policy) -> None:
        """Phase 1, after the levers are in force: every lasting change this week's levers make."""
        self.improve_processes(policy)
        self.research_jobs(policy)
        self.climb_ladder(policy)
        self.hear_values(policy)
        self.plan_headcount(model, policy)

    def improve_processes(self, policy: Policy) -> None:
        """DMAIC raises process quality; optimising the firm's own process drifts fit to the standard."""
        x, focus = policy.process_improvement, policy.own_process_focus
        if x <= 0:
            return
        rate = DMAIC_RATE * x * (1.0 - CUSTOMER_PROCESS_SLOWDOWN * (1.0 - focus))
        self.process_quality += rate * max(0.0, QUALITY_CEILING - self.process_quality)
        self.process_fit += FIT_DRIFT * x * focus * (FIT_STANDARD - self.process_fit)

    def research_jobs(self, policy: Policy) -> None:
        """Customer-job research fits processes to each segment's job; the redesign costs process quality."""
        r = policy.research_intensity
        if r <= 0:
            return
        speed = RESEARCH_RATE * r * (1.0 + SEGMENT_MANAGER_GAIN * (self.integration_level >= 4))
        gain = speed * np.maximum(0.0, FIT_CEILING - self.process_fit)
        self.process_fit += gain
        self.process_quality *= max(0.0, 1.0 - REDESIGN_DISRUPTION * float(gain.mean()))

    def climb_ladder(self, policy: Policy) -> None:
        """One rung toward the target every ``ladder_pace`` weeks; rungs 1-2 build the matrix's maturity."""
        self.weeks_on_rung += 1
        target = policy.integration_target
        if target != self.integration_level and self.weeks_on_rung >= policy.ladder_pace:
            self.integration_level += 1.0 if target > self.integration_level else -1.0
            self.weeks_on_rung = 0
        if 1 <= self.integration_level < MATRIX_RUNG:
            self.maturity = min(1.0, self.maturity + 1.0 / MATURITY_WEEKS)

    @property
    def unprepared_matrix(self) -> float:
        """How unprepared the matrix step is: 0 below rung 3 or when rungs 1-2 were lived through."""
        return (1.0 - self.maturity) if self.integration_level >= MATRIX_RUNG else 0.0

    @property
    def rungs_above_start(self) -> float:
        return max(0.0, self.integration_level - self.starting_level)

    def hear_values(self, policy: Policy) -> None:
        """Messaging makes the espoused values heard; without it, employees keep hearing the old ones."""
        if policy.mission_messaging > 0:
            self.heard_values += HEARING_SPEED * policy.mission_messaging * (policy.espoused_values - self.heard_values)

    def plan_headcount(self, model, policy: Policy) -> None:
        """The headcount target from freed capacity and from right-sizing the front line to demand."""
        if policy.capacity_cut > 0:
            freed = 1.0 - 1.0 / (1.0 + CAPACITY_PER_QUALITY * self.process_quality)
            target = int(round(self.reference_seats * (1.0 - policy.capacity_cut * freed)))
            self.headcount_target = min(self.headcount_target, target)
        self.cut_front_line = policy.right_sizing > 0
        seen = model.management.observed.get("person_contacts")
        if policy.right_sizing > 0 and seen is not None:
            wf = model.workforce
            front = int(((wf.seat_function == 0) & wf.seat_open).sum())
            needed = seen / (front_line_capacity(model, policy) * policy.right_sizing_workload)
            cut = int(round(policy.right_sizing * max(0.0, front - needed)))
            if cut > 0:
                step = max(1, int(MAX_WEEKLY_CUT * self.reference_seats))
                self.headcount_target -= min(cut, step)
