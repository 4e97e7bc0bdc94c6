"""The workforce: employee state and the weekly employee update (phase 2 of the week).

Every equation here is written out, with the source of each constant, in docs/ODD.md
section 7.2 ("Employees"). Each employee has resting traits (their values at hiring) and
the weekly dynamics move them away from rest in response to pressure, rewards, peers,
workload and the road; under the status quo the workforce stays near its resting state.
"""

from __future__ import annotations

import numpy as np

from sim.arrays import clip01 as _clip01
from sim.arrays import put_where
from sim.effects import EffectSizes
from sim.jit import njit
from sim.levers import BASELINE_KPI
from sim.networks import FUNCTIONS, EmployeeNetwork, assign_functions
from sim.population import NEVER, Population

SUPPORT_STATES = ("active_resistance", "passive_resistance", "compliance", "cooperation", "championing")
ACTIVE_RESISTANCE, PASSIVE_RESISTANCE, COMPLIANCE, COOPERATION, CHAMPIONING = range(5)
FRONT_LINE = FUNCTIONS.index("front_line")

#: The effect sizes of the employees' mechanisms (sim.effects; docs/ODD.md 7.2).
EMPLOYEE_EFFECTS = EffectSizes("employees", "docs/ODD.md 5.1, 7.2")
N_TRAITS = 10  # normal draws per new employee (values x3, A, N, C, efficacy, resistance, identification, aptitude)

# Productive zone of disequilibrium (Heifetz, Grashow & Linsky 2009): uptake peaks at
# TENSION_OPTIMUM, falls off with TENSION_WIDTH; above OVERLOAD people resist or shut down.
TENSION_OPTIMUM = 0.4
TENSION_WIDTH = 0.15
OVERLOAD = 0.6
TENSION_SPEED = 0.25        # weekly adjustment of felt tension to what pressure, value gap and load imply (assumption)
UPTAKE_RATE = 0.02          # weekly affective gain at full uptake and full meaning (assumption)
BACKLASH_RATE = 0.012       # weekly affective loss at full overload (assumption)
CROWDING_OUT = 0.01         # weekly affective loss per unit monitoring above 0.5 (Frey & Jegen 2001)
AFFECTIVE_MEMORY = 0.01     # weekly relaxation of affective commitment to rest: it persists (Kelman 1958)
COMPLIANCE_SPEED = 0.15     # weekly adjustment of continuance / compliance: fast (Kelman 1958)
NORMATIVE_SPEED = 0.02
IDENTIFICATION_SPEED = 0.02
EFFICACY_SPEED = 0.03
VALUE_SOCIALISATION = 0.01  # weekly drift of held values toward rewarded ones under compliance
VALUE_ANCHOR = 0.005        # weekly pull of held values back to one's own (personal values are stable)
LEARNING_RATE = 0.03        # weekly approach of skill to its learning-curve target
STANDARD_SPEED = 0.02       # weekly adjustment of the norm: erosion shows with a lag of months
LAYOFF_SHOCK = 1.5          # survivors' loss of affect per share of colleagues laid off (Repenning & Sterman 1997)
MATRIX_STRAIN = 0.05        # felt tension of dual reporting at the matrix rung, doubled when unprepared (seed 004)
TRADEOFF_SHARPNESS = 0.05   # how decisively the value acted on settles a hard question (scale of the multinomial logit)
# Mission messaging and champions (seed 002 road 2; seed 004 step 1).
MISSION_FIT_THRESHOLD = 0.8  # value fit with the heard values above which the mission takes
CHAMPION_AFFECT = 0.3       # rise in affective commitment of an employee enlisted as a champion
CHAMPION_IDENTIFICATION = 0.2
PARTICIPATION_GAIN = 0.012  # weekly affective gain at full participation and full readiness
PARTICIPATION_VALUES = 0.005  # weekly drift of held values toward the heard ones at full participation
# Support continuum thresholds on discretionary support s = 0.65 A + 0.35 N
# (Herscovitch & Meyer 2002: affective and normative commitment drive discretionary
# support; continuance commitment only compliance).
CHAMPION_SUPPORT = 0.62
COOPERATION_SUPPORT = 0.47
COMPLIANCE_PULL = 0.33
ACTIVE_RESISTANCE_FORCE = 0.42
ADOPTION_SHIFT = 0.1        # rise of affective commitment above rest that counts as having adopted the change

EMPLOYEE_STATE = {
    "seat": (np.int32, -1),
    "function": (np.int8, 0),
    "values": (np.float64, 0.0, 3),            # weights on customer, efficiency, profit (sum 1)
    "values_rest": (np.float64, 0.0, 3),       # one's own values at hiring
    "affective": (np.float64, 0.0),            # Herscovitch & Meyer 2002
    "affective_rest": (np.float64, 0.0),
    "normative": (np.float64, 0.0),
    "normative_rest": (np.float64, 0.0),
    "continuance": (np.float64, 0.0),
    "continuance_rest": (np.float64, 0.0),
    "efficacy": (np.float64, 0.0),             # change efficacy (Weiner 2009)
    "efficacy_rest": (np.float64, 0.0),
    "readiness": (np.float64, 0.0),
    "dispositional_resistance": (np.float64, 0.0),  # Oreg 2003
    "identification": (np.float64, 0.0),       # Ashforth & Mael 1989
    "identification_rest": (np.float64, 0.0),
    "engagement": (np.float64, 0.0),
    "skill": (np.float64, 0.0),
    "skill_rest": (np.float64, 0.0),           # aptitude at hiring
    "workload": (np.float64, 1.0),
    "felt_tension": (np.float64, 0.0),
    "tenure": (np.int32, 0),
    "support_state": (np.int8, PASSIVE_RESISTANCE),
    "orientation": (np.float64, 0.0),          # customer-oriented behaviour
    "effort": (np.float64, 0.0),
    "service_standard": (np.float64, 1.0),     # own norm of service per contact (Oliva & Sterman 2001)
    "champion": (np.bool_, False),             # enlisted as a change champion
    "hired_week": (np.int32, 0),
    "left_week": (np.int32, NEVER),
}

# Mean value weights by function, before scaling to the organisation's customer weight.
FUNCTION_VALUES = np.array([
    [0.45, 0.30, 0.25],   # front line
    [0.30, 0.20, 0.50],   # sales
    [0.35, 0.20, 0.45],   # marketing
    [0.20, 0.55, 0.25],   # operations
    [0.25, 0.45, 0.30],   # product / back office
])


class Workforce:
    """Employees on seats, their internal network, and the weekly employee update.

    Attributes:
        people: the :class:`Population` of employees (one row per person ever employed).
        seat_row: employee row on each seat, -1 when vacant.
        seat_open: False for seats closed by headcount cuts.
        network: the :class:`EmployeeNetwork` over seats.
    """

    def __init__(self, org, rng: np.random.Generator, effects=None):
        self.org = org
        self.fx = EMPLOYEE_EFFECTS.defaults if effects is None else effects   # this run's effect sizes
        n = org.n_employees
        shares = [org.share_front_line, org.share_sales, org.share_marketing, org.share_operations]
        self.seat_function = assign_functions(n, shares)
        self.seat_row = np.full(n, -1, dtype=np.int64)
        self._rows = self._front_line = None   # caches of rows() and front_line_rows()
        self.seat_open = np.ones(n, dtype=bool)
        cross = org.cross_function_ties * (1.0 + 0.5 * org.initial_integration_level)
        self.network = EmployeeNetwork(self.seat_function, org.network_degree, org.network_rewiring, cross, rng)
        self.people = Population(EMPLOYEE_STATE, capacity=int(n * 1.5) + 8)
        self.baseline_filled = np.bincount(self.seat_function, minlength=len(FUNCTIONS)).astype(float)
        self.training_reference = org.training_budget
        self.hires = 0
        self.leavers = 0
        seats = np.arange(n)
        rows = self.people.add(n)
        self._fill(seats, rows, rng.standard_normal((n, N_TRAITS)), week=0)
        p = self.people
        p.tenure[rows] = np.minimum(rng.exponential(52.0 / max(org.turnover_rate, 0.05), n), 520).astype(np.int32)
        p.skill[rows] = self._skill_target(p.skill_rest[rows], p.tenure[rows], 0.0)

    def settle(self, policy, org_state) -> None:
        """Derive tension, behaviour and support states of the initial workforce under ``policy``."""
        self._put(self.people.felt_tension, self.tension_target(policy, org_state))
        self.behave(None, policy)

    # ------------------------------------------------------------------ set-up
    @staticmethod
    def _skill_target(aptitude, tenure, training):
        """Learning curve: skill grows with tenure over three years, and with training above normal."""
        return _clip01(aptitude + 0.25 * np.minimum(tenure / 156.0, 1.0) + 0.1 * np.tanh(training))

    def _fill(self, seats, rows, z, week):
        """New people on ``seats`` (rows ``rows``), their traits from standard normals ``z`` (one row each).

        Held values scatter around their function's (lognormal, the customer weight scaled to the
        organisation's); commitment, efficacy, resistance, identification and aptitude scatter
        around the organisation's; newcomers start at the status quo's balance between their own
        values and socialisation to the rewards."""
        org, p = self.org, self.people
        _new_employees(seats, rows, z, self.seat_function, org.customer_value_weight / 0.3, float(org.initial_readiness),
                       float(org.initial_identification), float(org.base_pressure),
                       self._compliance_target(org.base_pressure, org.base_monitoring),
                       float(org.dispositional_resistance), week, p.seat, p.function, p.values, p.values_rest,
                       p.affective, p.affective_rest, p.normative, p.normative_rest, p.continuance,
                       p.continuance_rest, p.efficacy, p.efficacy_rest, p.dispositional_resistance, p.identification,
                       p.identification_rest, p.skill, p.skill_rest, p.readiness, p.engagement, p.hired_week, p.tenure)
        self.seat_row[seats] = rows
        self._seats_changed()

    @staticmethod
    def _compliance_target(pressure, monitoring):
        # Compliance follows surveillance and sanctions (Kelman 1958; Epstein 2002).
        return 0.6 * pressure * (0.4 + 0.6 * monitoring)

    # ------------------------------------------------------------------ views
    @property
    def filled(self) -> np.ndarray:
        return self.seat_row >= 0

    def rows(self) -> np.ndarray:
        """Rows of the employees on filled seats, in seat order (cached until seats change; do not modify)."""
        if self._rows is None:
            self._rows = self.seat_row[self.seat_row >= 0]
        return self._rows

    def front_line_rows(self) -> np.ndarray:
        """Rows of the front-line employees, in seat order (cached like :meth:`rows`)."""
        if self._front_line is None:
            self._front_line = self.seat_row[(self.seat_row >= 0) & (self.seat_function == FRONT_LINE)]
        return self._front_line

    def _seats_changed(self) -> None:
        self._rows = self._front_line = None

    def headcount(self) -> int:
        return int(self.filled.sum())

    # ------------------------------------------------------------------ phase 2
    def update(self, model) -> None:
        """Phase 2 of the week, in this order (docs/ODD.md 7.2).

        The commitment and behaviour updates run over the contiguous columns of everyone
        ever employed and write only the rows of those on a seat (``_put``): one masked
        write instead of a gather and a scatter per variable, which on a few hundred
        people cost more than the arithmetic.
        """
        policy = model.management.policy
        p = self.people
        rows = self.rows()
        self.apply_layoff_shock(model, rows)
        self.peer_influence(rows)
        self.respond(model, policy, headcount=len(rows))
        self.enlist_champions(model, policy)
        self.behave(model, policy, mission=policy.mission_messaging, participation=policy.participation)
        p.tenure[: p.n] += p.active[: p.n]
        self.turnover(model)
        self.cut_headcount(model)
        self.hire(model)

    def _put(self, column: np.ndarray, value: np.ndarray) -> None:
        """Write ``value`` (one entry per row ever) into ``column`` for the employees on a seat only."""
        p = self.people
        put_where(column[: p.n], p.active[: p.n], value)

    def peer_influence(self, rows) -> None:
        """Changes in affective commitment spread to neighbours; champions and active resisters are louder.

        What spreads is each person's shift from their resting commitment (enthusiasm or
        resentment about the change), so under the status quo opinions keep their diversity.
        """
        p = self.people
        _peer_influence(rows, p.seat, p.affective, p.affective_rest, p.support_state, self.network.src, self.network.dst,
                        self.network.n_seats, self.org.peer_influence)

    def respond(self, model, policy, headcount: int) -> None:
        """Felt tension and the productive-zone response, compliance under surveillance, normative
        commitment and held values; identification; efficacy, readiness and skill (docs/ODD.md
        7.2.2 to 7.2.7), each employee in turn (every update is the person's own)."""
        p = self.people
        org = model.org_state
        training = policy.training_budget / max(headcount, 1) / max(self.training_reference, 1e-9) - 1.0
        reputation = model.management.observed.get("satisfaction", model.reference_satisfaction)
        _respond(p.n, p.active, p.values, p.values_rest, p.affective, p.affective_rest, p.continuance,
                 p.continuance_rest, p.normative, p.normative_rest, p.identification, p.identification_rest, p.efficacy,
                 p.efficacy_rest, p.readiness, p.dispositional_resistance, p.skill, p.skill_rest, p.tenure, p.workload,
                 p.felt_tension, policy.kpi_weights, org.heard_values, policy.pressure, policy.monitoring,
                 policy.participation, self._strain(org), self._compliance_target(policy.pressure, policy.monitoring),
                 0.4 * (policy.pressure - self.org.base_pressure), 0.3 * (reputation - model.reference_satisfaction),
                 0.15 * np.tanh(training), 0.1 * np.tanh(training))

    @staticmethod
    def _strain(org_state) -> float:
        """Felt tension of dual reporting at the matrix rung, doubled when unprepared (seed 004)."""
        return MATRIX_STRAIN * (org_state.integration_level >= 3) * (1.0 + org_state.unprepared_matrix)

    def tension_target(self, policy, org_state) -> np.ndarray:
        """The tension pressure, the gap to rewarded values, overload and matrix strain imply (every row)."""
        p, n = self.people, self.people.n
        return _tension_targets(n, p.values, policy.kpi_weights, p.workload, p.readiness, policy.pressure,
                                self._strain(org_state))

    def behave(self, model, policy, mission: float = 0.0, participation: float = 0.0) -> None:
        """Mission messaging and participation, if any (7.2.8); then engagement, orientation, the
        eroding service norm and effort; then the support states (7.2.9), each employee in turn.

        Eroding goals: sustained pressure for efficiency lowers the norm of service per contact,
        in proportion to the room above business as usual (the norm is gone at the most push).
        """
        p = self.people
        usual = self.org.base_pressure * BASELINE_KPI[1]
        push = (policy.pressure * policy.kpi_weights[1] - usual) / (1.0 - usual)
        heard = model.org_state.heard_values if model is not None else np.zeros(3)
        _behave(p.n, p.active, p.values, p.affective, p.normative, p.continuance, p.identification, p.efficacy,
                p.readiness, p.dispositional_resistance, p.workload, p.felt_tension, p.engagement, p.orientation,
                p.service_standard, p.effort, p.support_state, heard, mission, participation, policy.monitoring,
                1.0 - max(0.0, push))

    def decision_leans(self, rows, policy) -> np.ndarray:
        """Probabilities that each employee in ``rows`` decides a hard question for the customer, for
        efficiency or for profit (one row each, summing to 1).

        Employees act on their held values, pulled toward the rewarded ones as far as they comply
        under surveillance; the value they act on most wins most often (a multinomial logit of
        the acted weights, scale ``TRADEOFF_SHARPNESS``).

        Example:
            >>> from sim import CentricityModel
            >>> m = CentricityModel(n_employees=40, n_customers=300)
            >>> wf = m.workforce
            >>> leans = wf.decision_leans(wf.front_line_rows(), m.management.policy)
            >>> leans.shape[1], bool(np.allclose(leans.sum(axis=1), 1.0))
            (3, True)
        """
        p = self.people
        pull = _clip01(p.continuance[rows] * (0.5 + 0.5 * policy.monitoring))[:, None]
        acted = (1 - pull) * p.values[rows] + pull * policy.kpi_weights
        x = np.exp((acted - acted.max(axis=1, keepdims=True)) / TRADEOFF_SHARPNESS)
        return x / x.sum(axis=1, keepdims=True)

    def enlist_champions(self, model, policy) -> None:
        """Enlist the ``champions`` share of employees, best fit with the heard values first (seed 004 step 1).

        Those enlisted are given a voice and a role: their commitment and identification rise
        once, and spread through the network. If the lever falls, the worst-fitting step back.
        """
        p = self.people
        rows = self.rows()
        wanted = int(round(policy.champions * len(rows)))
        enlisted = p.champion[rows]
        have = int(enlisted.sum())
        if wanted == have:
            return
        fit = self.value_fit(rows, model.org_state.heard_values)
        if wanted > have:
            candidates = rows[~enlisted][np.argsort(-fit[~enlisted], kind="stable")[: wanted - have]]
            p.champion[candidates] = True
            p.affective[candidates] = np.minimum(1.0, p.affective[candidates] + CHAMPION_AFFECT)
            p.identification[candidates] = np.minimum(1.0, p.identification[candidates] + CHAMPION_IDENTIFICATION)
        else:
            p.champion[rows[enlisted][np.argsort(fit[enlisted], kind="stable")[: have - wanted]]] = False

    def champions(self) -> int:
        """Employees on a seat who are enlisted as champions."""
        return int(np.count_nonzero(self.people.champion[self.rows()]))

    def value_fit(self, rows, values) -> np.ndarray:
        """Fit of each employee's held values with ``values``: 1 minus half the L1 distance."""
        d = np.abs(self.people.values[rows] - values)
        return 1.0 - 0.5 * (d[:, 0] + d[:, 1] + d[:, 2])

    def apply_layoff_shock(self, model, rows) -> None:
        """Survivors of last week's layoffs lose affect and identification (the improvement paradox)."""
        cut = model.org_state.layoffs_this_week
        if cut <= 0:
            return
        share = cut / max(len(rows) + cut, 1)
        p = self.people
        p.affective[rows] = _clip01(p.affective[rows] - LAYOFF_SHOCK * share * p.affective[rows])
        p.identification[rows] = _clip01(p.identification[rows] - LAYOFF_SHOCK * share * p.identification[rows])
        model.org_state.layoffs_this_week = 0

    def turnover(self, model) -> None:
        """Voluntary quits: more likely when disengaged, weakly identified or overloaded."""
        p = self.people
        seats = np.flatnonzero(self.filled)
        rows = self.seat_row[seats]
        overload = np.maximum(0.0, p.workload[rows] - 1.0)
        hazard = (self.org.turnover_rate / 52.0 * (0.5 + (1.0 - p.engagement[rows]))
                  * (1.4 - 0.8 * p.identification[rows]) * (1.0 + overload))
        u = model.streams.uniform("turnover", model.week, self.network.n_seats)
        quit_ = u[seats] < hazard
        self._vacate(seats[quit_], model.week)
        self.leavers = int(quit_.sum())

    def cut_headcount(self, model) -> None:
        """Close seats down to management's headcount target (layoffs, then vacancies)."""
        target = model.org_state.headcount_target
        excess = int(self.seat_open.sum()) - target
        focus = (self.seat_function == FRONT_LINE) if model.org_state.cut_front_line else True
        open_seats = np.flatnonzero(self.seat_open & focus)
        excess = min(excess, len(open_seats))
        if excess <= 0:
            return
        # Vacant seats are closed first; then people are laid off in a random order.
        u = model.streams.uniform("layoff", model.week, self.network.n_seats)
        priority = np.where(self.seat_row[open_seats] < 0, -1.0, u[open_seats])
        close = open_seats[np.argsort(priority, kind="stable")[:excess]]
        laid_off = close[self.seat_row[close] >= 0]
        self._vacate(laid_off, model.week)
        self.seat_open[close] = False
        model.org_state.layoffs_this_week = len(laid_off)
        model.ledger.severances += len(laid_off)

    def reopen_seats(self, target: int) -> None:
        """Reopen closed seats up to ``target`` open seats (lowest seat numbers first)."""
        closed = np.flatnonzero(~self.seat_open)
        need = max(0, target - int(self.seat_open.sum()))
        self.seat_open[closed[:need]] = True

    def _vacate(self, seats, week) -> None:
        rows = self.seat_row[seats]
        self.people.remove(rows)
        self.people.left_week[rows] = week
        self.seat_row[seats] = -1
        self._seats_changed()

    def hire(self, model) -> None:
        """Open vacant seats are filled with probability ``hiring_rate`` a week."""
        n = self.network.n_seats
        if model.org_state.headcount_target > int(self.seat_open.sum()):
            self.reopen_seats(model.org_state.headcount_target)
        vacant = np.flatnonzero(self.seat_open & (self.seat_row < 0))
        self.hires = 0
        if len(vacant) == 0:
            return
        u = model.streams.uniform("hire", model.week, n)
        seats = vacant[u[vacant] < self.org.hiring_rate]
        if len(seats) == 0:
            return
        z = model.streams.normal_at("hire_traits", model.week, seats, columns=N_TRAITS)
        rows = self.people.add(len(seats))
        self._fill(seats, rows, z, week=model.week)
        self.people.workload[rows] = 1.0
        self.hires = len(seats)
        model.ledger.hires += len(seats)

    def set_back_office_workload(self, process_quality: float, time_lost: float = 0.0) -> None:
        """Workload outside the front line: the same work shared by fewer people, eased by better
        processes, in the time left after shaping the change."""
        p = self.people
        filled = np.bincount(self.seat_function[self.filled], minlength=len(FUNCTIONS)).astype(float)
        load = self.baseline_filled / np.maximum(filled, 1.0) * (1.0 - 0.3 * process_quality) / (1.0 - time_lost)
        rows = self.rows()
        not_front = p.function[rows] != FRONT_LINE
        p.workload[rows[not_front]] = load[p.function[rows[not_front]]]


# ---------------------------------------------------------------------------- kernels
# The weekly passes over every employee row, compiled (sim/jit.py): each updates a person from
# their own state, the levers and the organisation's, in the order the methods above describe.
@njit
def _peer_influence(rows, seat, affective, affective_rest, support_state, src, dst, n_seats, peer_influence):
    """Each seat's weighted mean of its neighbours' shift from rest; commitment moves toward it."""
    shift = np.zeros(n_seats)
    weight = np.zeros(n_seats)
    for r in rows:
        s = seat[r]
        shift[s] = affective[r] - affective_rest[r]
        state = support_state[r]
        weight[s] = 1.0 + 1.0 * (state == CHAMPIONING) + 0.5 * (state == ACTIVE_RESISTANCE)
    num = np.zeros(n_seats)
    den = np.zeros(n_seats)
    for k in range(len(src)):       # edges sorted by destination: each seat's sum runs in a fixed order
        w = weight[src[k]]
        num[dst[k]] += w * shift[src[k]]
        den[dst[k]] += w
    for r in rows:
        s = seat[r]
        nbr = num[s] / max(den[s], 1e-12) if den[s] > 0 else shift[s]
        affective[r] = min(max(affective[r] + peer_influence * (nbr - shift[s]), 0.0), 1.0)


@njit
def _gap(values, i, reference):
    return 0.5 * (abs(values[i, 0] - reference[0]) + abs(values[i, 1] - reference[1]) + abs(values[i, 2] - reference[2]))


@njit
def _tension_target(i, values, kpi, workload, readiness, pressure, strain):
    overload = max(0.0, workload[i] - 1.0)
    x = pressure * (1.4 - 0.6 * readiness[i]) + 0.3 * _gap(values, i, kpi) + 0.5 * overload + strain
    return min(max(x, 0.0), 1.0)


@njit
def _tension_targets(n, values, kpi, workload, readiness, pressure, strain):
    out = np.empty(n)
    for i in range(n):
        out[i] = _tension_target(i, values, kpi, workload, readiness, pressure, strain)
    return out


@njit
def _respond(n, active, values, values_rest, affective, affective_rest, continuance, continuance_rest, normative,
             normative_rest, identification, identification_rest, efficacy, efficacy_rest, readiness, resistance,
             skill, skill_rest, tenure, workload, felt_tension, kpi, heard, pressure, monitoring, participation, strain,
             compliance_target, normative_push, reputation, training_efficacy, training_skill):
    meaning = 0.25 + participation        # pressure alone buys compliance; internalisation needs meaning
    crowding = CROWDING_OUT * max(0.0, monitoring - 0.5)
    for i in range(n):
        if not active[i]:
            continue
        # Felt tension builds (and eases) over weeks; uptake peaks in the productive zone.
        target = _tension_target(i, values, kpi, workload, readiness, pressure, strain)
        tension = felt_tension[i] + TENSION_SPEED * (target - felt_tension[i])
        felt_tension[i] = tension
        d = (tension - TENSION_OPTIMUM) / TENSION_WIDTH
        zone = np.exp(-(d * d))
        over = min(max((tension - OVERLOAD) / (1.0 - OVERLOAD), 0.0), 1.0)
        a = affective[i]
        a = (a + UPTAKE_RATE * pressure * zone * readiness[i] * meaning * (1 - a)
             - BACKLASH_RATE * over * (0.5 + resistance[i]) * a
             - crowding * a
             - AFFECTIVE_MEMORY * (a - affective_rest[i]))
        affective[i] = min(max(a, 0.0), 1.0)
        target_c = continuance_rest[i] + compliance_target
        continuance[i] = min(max(continuance[i] + COMPLIANCE_SPEED * (target_c - continuance[i]), 0.0), 1.0)
        target_n = normative_rest[i] + 0.6 * (identification[i] - identification_rest[i]) + normative_push
        normative[i] = min(max(normative[i] + NORMATIVE_SPEED * (target_n - normative[i]), 0.0), 1.0)
        # Held values drift toward what is rewarded under compliance, and back toward one's own.
        for j in range(3):
            v = values[i, j]
            values[i, j] = v + (VALUE_SOCIALISATION * continuance[i] * (kpi[j] - v) + VALUE_ANCHOR * (values_rest[i, j] - v))
        # Identification follows value fit with the heard values, and the company's reputation.
        fit = 1.0 - _gap(values, i, heard)
        target_i = identification_rest[i] + 0.4 * (fit - 0.85) + reputation
        identification[i] = min(max(identification[i] + IDENTIFICATION_SPEED * (target_i - identification[i]), 0.0), 1.0)
        # Efficacy with training, skill and overload; readiness (Weiner 2009); skill's learning curve.
        overload = max(0.0, workload[i] - 1.0)
        target_e = efficacy_rest[i] + training_efficacy + 0.3 * (skill[i] - 0.5) - 0.3 * overload
        efficacy[i] = min(max(efficacy[i] + EFFICACY_SPEED * (target_e - efficacy[i]), 0.0), 1.0)
        readiness[i] = 0.5 * (0.5 * (affective[i] + normative[i])) + 0.5 * efficacy[i]
        target_s = min(max(skill_rest[i] + 0.25 * min(tenure[i] / 156.0, 1.0) + training_skill, 0.0), 1.0)
        skill[i] = min(max(skill[i] + LEARNING_RATE * (target_s - skill[i]), 0.0), 1.0)


@njit
def _behave(n, active, values, affective, normative, continuance, identification, efficacy, readiness, resistance,
            workload, felt_tension, engagement, orientation, service_standard, effort, support_state, heard, mission,
            participation, monitoring, norm):
    for i in range(n):
        if not active[i]:
            continue
        if mission > 0:   # those whose values fit the heard ones identify and commit, the rest feel the norm
            fit = 1.0 - _gap(values, i, heard)
            if fit >= MISSION_FIT_THRESHOLD:
                identification[i] = identification[i] + 0.02 * mission * (1 - identification[i])
                affective[i] = affective[i] + 0.01 * mission * fit * (1 - affective[i])
            else:
                normative[i] = min(1.0, normative[i] + 0.003 * mission)
            for j in range(3):
                values[i, j] += 0.01 * mission * identification[i] * (heard[j] - values[i, j])
        if participation > 0:   # people who shape the change commit to it, as far as they are ready
            a = affective[i]
            affective[i] = a + PARTICIPATION_GAIN * participation * readiness[i] * (1 - a)
            for j in range(3):
                values[i, j] += PARTICIPATION_VALUES * participation * (heard[j] - values[i, j])
        overload = max(0.0, workload[i] - 1.0)
        over = min(max((felt_tension[i] - OVERLOAD) / (1.0 - OVERLOAD), 0.0), 1.0)
        engagement[i] = min(max(0.2 + 0.35 * affective[i] + 0.25 * identification[i] + 0.2 * efficacy[i]
                                - 0.3 * overload - 0.2 * over, 0.0), 1.0)
        # Customer orientation is a disposition (Brown et al. 2002): it follows the values a person
        # holds, not this week's rewards; compliance shows in what they decide (decision_leans).
        state = support_state[i]
        orientation[i] = min(max(1.6 * values[i, 0] * (0.6 + 0.4 * engagement[i]) + 0.15 * (state == CHAMPIONING)
                                 - 0.15 * (state == ACTIVE_RESISTANCE), 0.0), 1.0)
        standard_target = min(max(norm - 0.5 * overload, 0.0), 1.0)
        service_standard[i] = service_standard[i] + STANDARD_SPEED * (standard_target - service_standard[i])
        effort[i] = min(max((0.3 + 0.5 * engagement[i] + 0.2 * continuance[i] * monitoring - 0.3 * overload)
                            * (0.4 + 0.6 * service_standard[i]), 0.0), 1.0)
        # The support continuum (Herscovitch & Meyer 2002); overload turns the uncommitted into
        # active resisters, monitored or not (Heifetz et al. 2009).
        support = 0.65 * affective[i] + 0.35 * normative[i]
        force = resistance[i] * (0.6 + over)
        force = force + 0.5 * max(0.0, 0.4 - identification[i])
        state = COMPLIANCE if continuance[i] >= COMPLIANCE_PULL else PASSIVE_RESISTANCE
        if force >= ACTIVE_RESISTANCE_FORCE:
            state = ACTIVE_RESISTANCE
        if support >= COOPERATION_SUPPORT:
            state = COOPERATION
        if support >= CHAMPION_SUPPORT:
            state = CHAMPIONING
        support_state[i] = state


@njit
def _new_employees(seats, rows, z, seat_function, customer_scale, readiness_org, identification_org, base_pressure,
                   compliance, resistance_org, week, seat, function, values, values_rest, affective, affective_rest,
                   normative, normative_rest, continuance, continuance_rest, efficacy, efficacy_rest, resistance,
                   identification, identification_rest, skill, skill_rest, readiness, engagement, hired_week, tenure):
    """Traits of the new people on ``seats`` (docs/ODD.md 7.2.1), one row each, from normals ``z``."""
    for r in range(len(rows)):
        i, f = rows[r], seat_function[seats[r]]
        seat[i] = seats[r]
        function[i] = f
        base0, base1, base2 = FUNCTION_VALUES[f, 0] * customer_scale, FUNCTION_VALUES[f, 1], FUNCTION_VALUES[f, 2]
        total = base0 + base1 + base2
        v0 = np.exp(np.log(base0 / total) + 0.35 * z[r, 0])
        v1 = np.exp(np.log(base1 / total) + 0.35 * z[r, 1])
        v2 = np.exp(np.log(base2 / total) + 0.35 * z[r, 2])
        total = v0 + v1 + v2
        values_rest[i, 0], values_rest[i, 1], values_rest[i, 2] = v0 / total, v1 / total, v2 / total
        affective[i] = min(max(0.25 + 0.4 * readiness_org + 0.15 * z[r, 3], 0.0), 1.0)
        normative[i] = min(max(0.6 * identification_org + 0.4 * base_pressure + 0.12 * z[r, 4], 0.0), 1.0)
        continuance_rest[i] = min(max(0.25 + 0.1 * z[r, 5], 0.0), 1.0)
        efficacy[i] = min(max(readiness_org + 0.15 * z[r, 6], 0.0), 1.0)
        resistance[i] = min(max(resistance_org + 0.15 * z[r, 7], 0.0), 1.0)
        identification[i] = min(max(identification_org + 0.15 * z[r, 8], 0.0), 1.0)
        skill[i] = min(max(0.4 + 0.1 * z[r, 9], 0.0), 1.0)
        affective_rest[i] = affective[i]
        skill_rest[i] = skill[i]
        normative_rest[i] = normative[i]
        continuance[i] = min(max(continuance_rest[i] + compliance, 0.0), 1.0)
        # The status quo's balance between one's own values and socialisation to the rewards.
        social = VALUE_SOCIALISATION * continuance[i]
        for k in range(3):
            values[i, k] = (VALUE_ANCHOR * values_rest[i, k] + social * BASELINE_KPI[k]) / (VALUE_ANCHOR + social)
        identification_rest[i] = identification[i]
        efficacy_rest[i] = efficacy[i]
        readiness[i] = 0.5 * (0.5 * (affective[i] + normative[i])) + 0.5 * efficacy[i]
        engagement[i] = min(max(0.2 + 0.35 * affective[i] + 0.25 * identification[i] + 0.2 * efficacy[i], 0.0), 1.0)
        hired_week[i] = week
        tenure[i] = 0
