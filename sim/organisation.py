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
from typing import Any

import numpy as np

from sim.effects import ASSUMPTION, SOURCE_MECHANISM, EffectSizes, effect
from sim.levers import BASELINE_ESPOUSED, Policy
from sim.service import front_line_capacity

#: The effect sizes of this module's mechanisms (sim.effects; docs/ODD.md 7.1.3), in the order of the phase.
ORGANISATION_EFFECTS = EffectSizes(
    "organisation", "docs/ODD.md 7.1.3",
    start_fit=effect(
        0.5, 0.3, 0.7, ASSUMPTION,
        "fit of the processes to every segment's job at the start",
        "half-way: processes built for the firm serve some jobs and miss others"),
    # Process improvement, DMAIC (seed 002, road 1).
    quality_ceiling=effect(
        0.6, 0.4, 0.8, ASSUMPTION,
        "process quality DMAIC can reach",
        "improvement projects close a gap with diminishing returns and never make a process perfect"),
    dmaic_rate=effect(
        0.04, 0.02, 0.06, ASSUMPTION,
        "weekly share of the gap to the ceiling closed at full intensity on the firm's own process",
        "a gap half closed in about 17 weeks: a few DMAIC project cycles of a quarter or so"),
    customer_process_slowdown=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "how much slower improving the customer's process goes than improving the firm's own",
        "the customer's process must be researched before it can be improved: half as fast"),
    fit_standard=effect(
        0.3, 0.15, 0.45, SOURCE_MECHANISM,
        "fit to the customer's job of a process standardised for the firm",
        "seed 000: sustaining improvements on a service not aligned with the customer's process is "
        "'efficient ineffectiveness'; the value is chosen, below the start's 0.5"),
    fit_drift=effect(
        0.004, 0.002, 0.006, ASSUMPTION,
        "weekly drift of fit toward fit_standard at full intensity and full own-process focus",
        "a tenth of the DMAIC rate: standardising erodes fit slowly, over years, not months"),
    # Customer-job research (seed 000).
    fit_ceiling=effect(
        0.85, 0.7, 0.95, ASSUMPTION,
        "fit to the segments' jobs research can reach",
        "research learns most of a job, never all of it: segments are not single customers"),
    research_rate=effect(
        0.01, 0.005, 0.015, ASSUMPTION,
        "weekly share of the gap to fit_ceiling closed at full research intensity",
        "learning customers' jobs is slow: a gap half closed in about 70 weeks"),
    segment_manager_gain=effect(
        0.5, 0.25, 0.75, SOURCE_MECHANISM,
        "extra speed of research, relative, with customer segment managers (rung 4)",
        "seed 004: segment managers 'organise the whole company to deliver the right products' for their "
        "segment; half as fast again is chosen"),
    redesign_disruption=effect(
        1.5, 0.75, 2.25, SOURCE_MECHANISM,
        "share of process quality lost per unit of mean fit gained by research",
        "seed 000: the aligned service 'begins as inefficient effectiveness' and can then be improved; the "
        "size is chosen"),
    # The integration ladder (seed 004).
    maturity_weeks=effect(
        28, 14, 42, SOURCE_MECHANISM,
        "weeks on rungs 1-2 (teams, coordinator) that prepare the organisation fully for the matrix step",
        "seed 004 gives no week count, only an upper bound: each of its steps 'could in principle be carried "
        "out in 100-days or less', and the matrix goes well after 'the first three stages'; 28 is chosen at "
        "that bound for the two stages the model counts (rungs 1-2; rung 0, the networks, is where it starts): "
        "2 x 100 days, about 2 x 14 weeks, so a climb at the bound's pace arrives fully prepared and a faster "
        "one part-prepared", allowed=(1.0, None)),
    # Espoused values become heard through messaging.
    hearing_speed=effect(
        0.1, 0.05, 0.15, ASSUMPTION,
        "weekly share of the gap between espoused and heard values closed at full messaging",
        "a message repeated for a quarter is mostly heard (about 75% after 13 weeks)"),
    # The headcount plan.
    max_weekly_cut=effect(
        0.01, 0.005, 0.02, ASSUMPTION,
        "largest share of the starting seats right-sizing closes in a week",
        "cuts are planned and staged: at most about half the seats' worth in a year"),
)

N_SEGMENTS = 4
# The integration ladder (seed 004): rungs, counted from 0 (step 1, internal networks).
MATRIX_RUNG = 3            # "step 4: matrix reporting ... often where things go badly wrong"
SEGMENT_MANAGER_RUNG = 4   # step 5: customer segment managers


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
        fx: this run's effect sizes of the organisation's mechanisms (``ORGANISATION_EFFECTS``).
    """

    process_quality: float = 0.0
    process_fit: np.ndarray = field(default_factory=lambda: np.full(N_SEGMENTS, ORGANISATION_EFFECTS.start_fit))
    integration_level: float = 0.0
    starting_level: float = 0.0
    weeks_on_rung: int = 10**6
    maturity: float = 0.0
    heard_values: np.ndarray = field(default_factory=lambda: np.array(BASELINE_ESPOUSED))
    headcount_target: int = 0
    reference_seats: int = 0
    cut_front_line: bool = False
    layoffs_this_week: int = 0
    fx: Any = field(default=ORGANISATION_EFFECTS.defaults, repr=False, compare=False)

    @classmethod
    def at_start(cls, integration_level: int, n_employees: int, effects=None) -> OrganisationState:
        """The state of an organisation on rung ``integration_level`` with ``n_employees`` seats.

        An organisation that already stands on rung 1 or higher has had the time to learn
        on its rungs, so it starts prepared for the matrix step. ``effects``: the run's
        effect sizes of this module (``model.effects.organisation``; the declared ones if None).
        """
        fx = ORGANISATION_EFFECTS.defaults if effects is None else effects
        return cls(process_fit=np.full(N_SEGMENTS, fx.start_fit),
                   integration_level=float(integration_level), starting_level=float(integration_level),
                   maturity=1.0 if integration_level >= 1 else 0.0,
                   headcount_target=n_employees, reference_seats=n_employees, fx=fx)

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
        fx = self.fx
        x, focus = policy.process_improvement, policy.own_process_focus
        if x <= 0:
            return
        rate = fx.dmaic_rate * x * (1.0 - fx.customer_process_slowdown * (1.0 - focus))
        self.process_quality += rate * max(0.0, fx.quality_ceiling - self.process_quality)
        self.process_fit += fx.fit_drift * x * focus * (fx.fit_standard - self.process_fit)

    def research_jobs(self, policy: Policy) -> None:
        """Customer-job research fits processes to each segment's job; the redesign costs process quality."""
        fx = self.fx
        r = policy.research_intensity
        if r <= 0:
            return
        speed = fx.research_rate * r * (1.0 + fx.segment_manager_gain * (self.integration_level >= SEGMENT_MANAGER_RUNG))
        gain = speed * np.maximum(0.0, fx.fit_ceiling - self.process_fit)
        self.process_fit += gain
        self.process_quality *= max(0.0, 1.0 - fx.redesign_disruption * float(gain.mean()))

    def climb_ladder(self, policy: Policy) -> None:
        """One rung toward the target every ``ladder_pace`` weeks; rungs 1-2 build the matrix's maturity."""
        self.weeks_on_rung += 1
        target = policy.integration_target
        if target != self.integration_level and self.weeks_on_rung >= policy.ladder_pace:
            self.integration_level += 1.0 if target > self.integration_level else -1.0
            self.weeks_on_rung = 0
        if 1 <= self.integration_level < MATRIX_RUNG:
            self.maturity = min(1.0, self.maturity + 1.0 / self.fx.maturity_weeks)

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
            self.heard_values += self.fx.hearing_speed * policy.mission_messaging * (policy.espoused_values - self.heard_values)

    def plan_headcount(self, model, policy: Policy) -> None:
        """The headcount target from freed capacity and from right-sizing the front line to demand."""
        if policy.capacity_cut > 0:
            freed = 1.0 - 1.0 / (1.0 + model.effects.service.capacity_per_quality * self.process_quality)
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
                step = max(1, int(self.fx.max_weekly_cut * self.reference_seats))
                self.headcount_target -= min(cut, step)
