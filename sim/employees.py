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
from sim.effects import ASSUMPTION, CALIBRATED, SOURCE_MECHANISM, EffectSizes, effect
from sim.jit import njit
from sim.levers import BASELINE_KPI
from sim.networks import FUNCTIONS, EmployeeNetwork, assign_functions
from sim.organisation import MATRIX_RUNG
from sim.population import NEVER, Population, state_record

SUPPORT_STATES = ("active_resistance", "passive_resistance", "compliance", "cooperation", "championing")
ACTIVE_RESISTANCE, PASSIVE_RESISTANCE, COMPLIANCE, COOPERATION, CHAMPIONING = range(5)
FRONT_LINE = FUNCTIONS.index("front_line")
N_TRAITS = 10  # normal draws per new employee (values x3, A, N, C, efficacy, resistance, identification, aptitude)

#: The effect sizes of the employees' mechanisms (sim.effects; docs/ODD.md 5.1, 7.2), in the order
#: the week runs them. Python reads this run's values as ``self.fx.<name>``, the kernels as ``fx.<name>``.
EMPLOYEE_EFFECTS = EffectSizes(
    "employees", "docs/ODD.md 5.1, 7.2",
    # --- New employees' starting traits (5.1; `_new_employees`): held values scatter around their
    # function's, commitment, efficacy, resistance, identification and aptitude around the organisation's.
    function_values=effect(   # by function (FUNCTIONS order), three weights each: customer, efficiency, profit
        [0.45, 0.30, 0.25,    # front line
         0.30, 0.20, 0.50,    # sales
         0.35, 0.20, 0.45,    # marketing
         0.20, 0.55, 0.25,    # operations
         0.25, 0.45, 0.30],   # product / back office
        [0.40, 0.25, 0.20, 0.25, 0.15, 0.45, 0.30, 0.15, 0.40, 0.15, 0.50, 0.20, 0.20, 0.40, 0.25],
        [0.50, 0.35, 0.30, 0.35, 0.25, 0.55, 0.40, 0.25, 0.50, 0.25, 0.60, 0.30, 0.30, 0.50, 0.35],
        ASSUMPTION,
        "mean weights a function's people put on customer, efficiency and profit (three a function: front line, "
        "sales, marketing, operations, back office), before the customer weight is scaled by customer_value_weight",
        "in the spirit of the Competing Values Framework (Quinn & Rohrbaugh 1983): each function leans to the value "
        "its work serves; weights are normalised, so the range (every weight -0.05 to +0.05) sharpens or flattens "
        "the functions' profiles"),
    starting_value_spread=effect(
        0.35, 0.2, 0.5, ASSUMPTION, "log-normal spread of a new employee's held values around their function's",
        "people in one function differ by about a third of their weights, less than the functions' means differ "
        "(a factor 2 in the customer weight)"),
    starting_affective_base=effect(
        0.25, 0.15, 0.35, ASSUMPTION, "resting affective commitment of a new employee at organisational readiness 0",
        "with starting_affective_readiness, mean affect 0.45 at the default readiness 0.5: neither keen nor hostile"),
    starting_affective_readiness=effect(
        0.4, 0.2, 0.6, ASSUMPTION, "rise of new employees' resting affective commitment per unit of initial_readiness",
        "readiness includes change commitment (Weiner 2009): a ready organisation hires and keeps the committed; "
        "the number is chosen"),
    starting_affective_spread=effect(
        0.15, 0.1, 0.2, ASSUMPTION, "spread (standard deviation) of resting affective commitment between people",
        "commitment differs visibly between colleagues; a spread of 0.15 keeps most within [0, 1]"),
    starting_normative_identification=effect(
        0.6, 0.4, 0.8, ASSUMPTION, "weight of organisational identification in new employees' normative commitment",
        "the felt obligation to stay follows mostly from belonging; the number is chosen"),
    starting_normative_pressure=effect(
        0.4, 0.2, 0.6, ASSUMPTION, "weight of business-as-usual pressure in new employees' normative commitment",
        "pressure is felt partly as duty; the smaller share of the two weights"),
    starting_normative_spread=effect(
        0.12, 0.08, 0.16, ASSUMPTION, "spread of resting normative commitment between people",
        "a little narrower than affect's: the norm is shared"),
    starting_continuance=effect(
        0.25, 0.15, 0.35, ASSUMPTION, "mean resting continuance (compliance) commitment of a new employee",
        "with the business-as-usual compliance target, a mean continuance of about 0.3 at week 0 (docs/ODD.md 5.1)"),
    starting_continuance_spread=effect(
        0.1, 0.05, 0.15, ASSUMPTION, "spread of resting continuance commitment between people",
        "continuance is mostly set by the workplace's sanctions, less by the person"),
    starting_efficacy_spread=effect(
        0.15, 0.1, 0.2, ASSUMPTION, "spread of resting change efficacy around initial_readiness",
        "as affect's spread: people differ in how able they feel to change"),
    starting_resistance_spread=effect(
        0.15, 0.1, 0.2, ASSUMPTION, "spread of dispositional resistance around the organisation's mean",
        "a trait that differs between people (Oreg 2003); the spread is chosen"),
    starting_identification_spread=effect(
        0.15, 0.1, 0.2, ASSUMPTION, "spread of resting identification around initial_identification",
        "as affect's spread"),
    starting_aptitude=effect(
        0.4, 0.3, 0.5, ASSUMPTION, "mean aptitude (skill at hiring)",
        "with three years' learning (tenure_skill_gain) a seasoned employee reaches about 0.65"),
    starting_aptitude_spread=effect(
        0.1, 0.05, 0.15, ASSUMPTION, "spread of aptitude between people", "a modest spread of skill at hiring"),
    cross_ties_per_rung=effect(
        0.5, 0.25, 0.75, SOURCE_MECHANISM,
        "rise of the cross-function ties per employee per rung of the starting integration level (x(1 + this L))",
        "seed 004 rungs 1-2: informal networks are formalised into cross-functional teams; the number is chosen"),
    # --- Layoff shock (7.2.0): the improvement paradox.
    layoff_shock=effect(
        1.5, 0.75, 2.25, SOURCE_MECHANISM, "survivors' loss of affect and identification per share of colleagues laid off",
        "Repenning & Sterman 1997 give the mechanism (layoffs after improvement sap commitment); the number is chosen"),
    # --- Peer influence (7.2.1): champions and active resisters are louder.
    champion_voice=effect(
        1.0, 0.5, 1.5, ASSUMPTION, "extra weight of a champion's shift from rest in their neighbours' mean (over 1)",
        "champions are given a voice and a role (seed 004 step 1): twice as loud as a bystander"),
    resister_voice=effect(
        0.5, 0.25, 0.75, ASSUMPTION, "extra weight of an active resister's shift from rest in their neighbours' mean",
        "active resisters are heard, less than the champions the change promotes"),
    # --- Felt tension and the productive zone (7.2.2; Heifetz, Grashow & Linsky 2009): uptake peaks at
    # tension_optimum and falls off with tension_width; above overload people resist or shut down.
    tension_pressure=effect(
        1.4, 1.0, 1.8, ASSUMPTION, "felt tension per unit of pressure of an employee with no readiness",
        "at the mean readiness (about 0.46) a pressure of about 0.35 alone reaches the peak of the productive zone, "
        "full pressure overwhelms"),
    tension_readiness_relief=effect(
        0.6, 0.3, 0.9, ASSUMPTION, "how much readiness lowers the tension per unit of pressure",
        "the fully ready feel pressure at 0.8 of its size, the wholly unready at 1.4: readiness takes off about 40%"),
    tension_value_gap=effect(
        0.3, 0.15, 0.45, ASSUMPTION, "felt tension per unit of gap between held and rewarded values",
        "being rewarded for what one does not value is felt, less than pressure itself"),
    tension_overload=effect(
        0.5, 0.25, 0.75, ASSUMPTION, "felt tension per unit of overload (workload above 1)",
        "a workload half again above capacity adds a quarter of the scale"),
    matrix_strain=effect(
        0.05, 0.025, 0.075, SOURCE_MECHANISM,
        "felt tension of dual reporting from the matrix rung on, doubled in a wholly unprepared matrix",
        "seed 004: matrix reporting is 'often where things go badly wrong'; the number is chosen"),
    tension_speed=effect(
        0.25, 0.1, 0.4, ASSUMPTION,
        "weekly adjustment of felt tension to what pressure, value gap and load imply",
        "tension builds over weeks, not at once (Heifetz et al. 2009); a quarter a week closes two thirds of the gap "
        "in a month"),
    tension_optimum=effect(
        0.4, 0.3, 0.5, SOURCE_MECHANISM, "felt tension of peak uptake (the middle of the productive zone)",
        "Heifetz, Grashow & Linsky 2009 give the shape (an inverted U); the value is chosen below overload"),
    tension_width=effect(
        0.15, 0.1, 0.2, SOURCE_MECHANISM, "width of the productive zone around tension_optimum",
        "Heifetz et al. 2009 (shape); chosen so uptake is small at no tension and at overload",
        allowed=(0.01, 1.0)),
    overload=effect(
        0.6, 0.5, 0.7, SOURCE_MECHANISM, "felt tension above which people resist or shut down",
        "Heifetz et al. 2009 (too much disequilibrium gives resistance); the value is chosen above the optimum",
        allowed=(0.0, 0.99)),   # below 1: the share of overload divides by 1 - overload
    meaning_without_participation=effect(
        0.25, 0.1, 0.4, SOURCE_MECHANISM, "meaning pressure carries with no participation (participation adds to it)",
        "Kelman 1958: pressure alone buys compliance, internalisation needs meaning; the number is chosen"),
    uptake_rate=effect(
        0.02, 0.01, 0.03, ASSUMPTION, "weekly affective gain at full uptake and full meaning",
        "commitment grows over months of well-paced change"),
    backlash_rate=effect(
        0.012, 0.006, 0.018, ASSUMPTION, "weekly affective loss at full overload",
        "backlash works over months too, a little slower than uptake"),
    backlash_without_resistance=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "backlash multiplier of someone with no dispositional resistance (it rises by 1 per unit of resistance)",
        "overload hurts everyone, the resistant most (Oreg 2003); 1 at a resistance of 0.5"),
    crowding_out=effect(
        0.01, 0.005, 0.015, SOURCE_MECHANISM, "weekly affective loss per unit of monitoring above crowding_threshold",
        "Frey & Jegen 2001 give the mechanism (control crowds out intrinsic motivation); the number is chosen"),
    crowding_threshold=effect(
        0.5, 0.3, 0.7, ASSUMPTION, "monitoring above which it crowds out affective commitment",
        "moderate monitoring is accepted as part of the job; crowding out begins beyond it"),
    affective_memory=effect(
        0.01, 0.005, 0.02, SOURCE_MECHANISM, "weekly relaxation of affective commitment to rest (half-life about 69 weeks)",
        "Kelman 1958: internalised commitment persists; the number is chosen slow against compliance_speed "
        "(pattern 1)"),
    # --- Compliance (continuance) and normative commitment (7.2.3; Kelman 1958; Epstein 2002).
    compliance_gain=effect(
        0.6, 0.4, 0.8, SOURCE_MECHANISM, "continuance above rest at full pressure and full monitoring",
        "Kelman 1958, Epstein 2002: compliance follows surveillance and sanctions; the number is chosen"),
    unmonitored_compliance=effect(
        0.4, 0.2, 0.6, SOURCE_MECHANISM,
        "share of compliance_gain pressure buys with no monitoring (the rest grows with monitoring)",
        "Kelman 1958: compliance lasts while surveillance does; sanctions alone buy less; the share is chosen"),
    compliance_speed=effect(
        0.15, 0.1, 0.25, SOURCE_MECHANISM, "weekly adjustment of continuance (half-life about 4 weeks)",
        "Kelman 1958: compliance is fast and contingent; the number is chosen (pattern 1)"),
    normative_identification_weight=effect(
        0.6, 0.3, 0.9, ASSUMPTION, "rise of normative commitment's target per unit of identification above rest",
        "who belongs more feels more obliged"),
    normative_pressure_weight=effect(
        0.4, 0.2, 0.6, ASSUMPTION, "rise of normative commitment's target per unit of pressure above business as usual",
        "pressure is felt partly as duty"),
    normative_speed=effect(
        0.02, 0.01, 0.03, ASSUMPTION, "weekly adjustment of normative commitment", "norms move over months"),
    # --- Held values: socialisation to the rewards and anchoring to one's own (7.2.4).
    value_socialisation=effect(
        0.01, 0.005, 0.015, ASSUMPTION, "weekly drift of held values toward the rewarded ones, per unit of continuance",
        "people come to value what they are made to do, slowly"),
    value_anchor=effect(
        0.005, 0.0025, 0.0075, ASSUMPTION, "weekly pull of held values back to one's own",
        "personal values are stable: weaker than socialisation under full compliance",
        allowed=(0.0001, 1.0)),   # above 0: new employees' values are the fixed point of both
    # --- Identification (7.2.5; Ashforth & Mael 1989: value congruence and prestige).
    identification_fit_weight=effect(
        0.4, 0.2, 0.6, SOURCE_MECHANISM, "rise of identification's target per unit of value fit above fit_rest",
        "Ashforth & Mael 1989: identification grows with value congruence; the number is chosen"),
    fit_rest=effect(
        0.85, 0.8, 0.9, CALIBRATED, "value fit with the heard values at which identification stays at rest",
        "set near the status quo's mean value fit (0.86 at week 0) so identification stays near rest under the "
        "status quo"),
    identification_reputation_weight=effect(
        0.3, 0.15, 0.45, SOURCE_MECHANISM,
        "rise of identification's target per unit of observed customer satisfaction above the reference",
        "Ashforth & Mael 1989: identification grows with the organisation's prestige; the number is chosen"),
    identification_speed=effect(
        0.02, 0.01, 0.03, ASSUMPTION, "weekly adjustment of identification", "belonging moves over months"),
    # --- Efficacy and readiness (7.2.6; Weiner 2009).
    training_efficacy_gain=effect(
        0.15, 0.075, 0.225, ASSUMPTION, "rise of efficacy's target at training far above normal (tanh saturates)",
        "training makes people feel able to change, within limits"),
    efficacy_skill_weight=effect(
        0.3, 0.15, 0.45, ASSUMPTION, "rise of efficacy's target per unit of skill above the middle",
        "the skilled feel able to change"),
    efficacy_overload_loss=effect(
        0.3, 0.15, 0.45, ASSUMPTION, "fall of efficacy's target per unit of overload",
        "no time, no room to change"),
    efficacy_speed=effect(
        0.03, 0.015, 0.045, ASSUMPTION, "weekly adjustment of change efficacy", "efficacy moves over months"),
    # --- Skill's learning curve (7.2.7).
    tenure_skill_gain=effect(
        0.25, 0.125, 0.375, ASSUMPTION, "rise of skill over learning_curve_weeks of tenure",
        "experience adds about half again to the mean aptitude"),
    learning_curve_weeks=effect(
        156, 104, 260, ASSUMPTION, "weeks of tenure over which skill grows, then levels off",
        "three years to be fully seasoned", allowed=(1.0, None)),
    training_skill_gain=effect(
        0.1, 0.05, 0.15, ASSUMPTION, "rise of skill's target at training far above normal (tanh saturates)",
        "training adds less than experience"),
    learning_rate=effect(
        0.03, 0.015, 0.045, ASSUMPTION, "weekly approach of skill to its learning-curve target",
        "skill follows the target over months"),
    # --- Champions (7.2.8; seed 004 step 1: find the believers and support them).
    champion_affect=effect(
        0.3, 0.15, 0.45, SOURCE_MECHANISM, "rise in affective commitment of an employee enlisted as a champion",
        "seed 004 step 1 (support the believers): a voice and a role commit; the number is chosen"),
    champion_identification=effect(
        0.2, 0.1, 0.3, ASSUMPTION, "rise in identification of an employee enlisted as a champion",
        "a role in the change ties one to the company, less than it commits one to the change"),
    # --- Mission messaging (7.2.8; seed 002 road 2): those whose values fit identify, the rest feel the norm.
    mission_fit_threshold=effect(
        0.8, 0.7, 0.9, ASSUMPTION, "value fit with the heard values above which the mission takes",
        "a little below the status quo's mean fit (0.86): about three in four hear themselves in the mission"),
    mission_identification_gain=effect(
        0.02, 0.01, 0.03, ASSUMPTION, "weekly rise of identification (toward 1) of those the mission takes, at full messaging",
        "a message repeated for months, not a conversion"),
    mission_affect_gain=effect(
        0.01, 0.005, 0.015, ASSUMPTION, "weekly rise of affect (toward 1, times the fit) of those the mission takes",
        "half the identification gain: the mission speaks to belonging first"),
    mission_norm_gain=effect(
        0.003, 0.0015, 0.0045, ASSUMPTION, "weekly rise of normative commitment of those the mission does not take",
        "the rest comply with the norm, a little"),
    mission_value_drift=effect(
        0.01, 0.005, 0.015, ASSUMPTION, "weekly drift of held values toward the heard ones, per unit of identification",
        "who identifies takes on the espoused values, slowly"),
    # --- Participation (7.2.8): people who shape the change commit to it, as far as they are ready.
    participation_gain=effect(
        0.012, 0.006, 0.018, SOURCE_MECHANISM, "weekly affective gain at full participation and full readiness",
        "Kelman 1958: internalisation needs meaning, which shaping the change gives; the number is chosen"),
    participation_values=effect(
        0.005, 0.0025, 0.0075, ASSUMPTION, "weekly drift of held values toward the heard ones at full participation",
        "shaping the change brings one's values toward it, as slowly as they anchor"),
    # --- Engagement (7.2.8): the same weights at hiring (5.1) and every week.
    engagement_base=effect(
        0.2, 0.1, 0.3, ASSUMPTION, "engagement with no commitment, identification or efficacy",
        "some engagement comes with the job; with the three weights, 1 at full commitment"),
    engagement_affect=effect(
        0.35, 0.2, 0.5, ASSUMPTION, "engagement per unit of affective commitment",
        "the largest weight: engagement is mostly wanting to"),
    engagement_identification=effect(
        0.25, 0.15, 0.35, ASSUMPTION, "engagement per unit of identification", "belonging engages"),
    engagement_efficacy=effect(
        0.2, 0.1, 0.3, ASSUMPTION, "engagement per unit of change efficacy", "feeling able engages"),
    engagement_overload=effect(
        0.3, 0.15, 0.45, ASSUMPTION, "loss of engagement per unit of overload",
        "overwork disengages (the service-profit chain, Heskett et al. 1994, for the direction)"),
    engagement_overtension=effect(
        0.2, 0.1, 0.3, ASSUMPTION, "loss of engagement at full overtension (felt tension at 1)",
        "people shut down above the productive zone (Heifetz et al. 2009); the number is chosen"),
    # --- Customer orientation (7.2.8; Brown et al. 2002: a disposition that reads held values).
    orientation_gain=effect(
        1.6, 1.25, 2.0, SOURCE_MECHANISM, "customer orientation per unit of held customer weight at full engagement",
        "Brown et al. 2002: orientation is a disposition (held values, not rewards); 1.6 gives full orientation at "
        "full engagement from a held customer weight of 0.625"),
    orientation_disengaged=effect(
        0.6, 0.4, 0.8, ASSUMPTION, "share of that orientation a wholly disengaged employee still shows",
        "a disposition mostly shows whatever one's engagement; the rest grows with it"),
    orientation_by_support_state=effect(
        0.15, 0.05, 0.25, ASSUMPTION, "orientation a champion adds and an active resister loses",
        "what one does for the change shows with customers, a little"),
    # --- The eroding service norm (7.2.8; Oliva & Sterman 2001) and effort.
    standard_overload_loss=effect(
        0.5, 0.25, 0.75, ASSUMPTION, "fall of the service norm's target per unit of overload",
        "the overloaded cut corners (Oliva & Sterman 2001); the number is chosen"),
    standard_speed=effect(
        0.02, 0.01, 0.04, SOURCE_MECHANISM, "weekly adjustment of the service norm",
        "Oliva & Sterman 2001: erosion shows with a lag of months; the number is chosen"),
    effort_base=effect(
        0.3, 0.2, 0.4, ASSUMPTION, "effort with no engagement, compliance or overload", "some effort comes with the job"),
    effort_engagement=effect(
        0.5, 0.3, 0.7, ASSUMPTION, "effort per unit of engagement", "engagement is the main source of effort"),
    effort_compliance=effect(
        0.2, 0.1, 0.3, ASSUMPTION, "effort per unit of continuance times monitoring", "watched compliance adds effort"),
    effort_overload=effect(
        0.3, 0.15, 0.45, ASSUMPTION, "loss of effort per unit of overload", "no time for effort per contact"),
    effort_without_standard=effect(
        0.4, 0.2, 0.6, ASSUMPTION, "share of effort left when the service norm is gone (the rest grows with it)",
        "the norm sets how much of one's effort a contact gets"),
    # --- Support states (7.2.9; Herscovitch & Meyer 2002): discretionary support and the resistance force.
    support_affective_weight=effect(
        0.65, 0.5, 0.8, SOURCE_MECHANISM, "weight of affective commitment in discretionary support (normative: the rest)",
        "Herscovitch & Meyer 2002: affective and normative commitment drive discretionary support, continuance only "
        "compliance; the weights are chosen, affect's the larger"),
    resistance_force_base=effect(
        0.6, 0.4, 0.8, ASSUMPTION,
        "resistance force per unit of dispositional resistance without overtension (overtension adds up to 1)",
        "a resistant disposition pushes toward active resistance (Oreg 2003), overtension adds to it (Heifetz et al. "
        "2009); the number is chosen"),
    disidentification_force=effect(
        0.5, 0.25, 0.75, ASSUMPTION, "resistance force per unit of identification below identification_floor",
        "those who do not belong push back"),
    identification_floor=effect(
        0.4, 0.3, 0.5, ASSUMPTION, "identification below which it adds to the resistance force",
        "a little below the mean resting identification"),
    compliance_pull=effect(
        0.33, 0.25, 0.4, ASSUMPTION, "continuance at and above which an employee complies",
        "a little above the status quo's mean continuance (0.30): about two in five reach it"),
    active_resistance_force=effect(
        0.42, 0.35, 0.5, ASSUMPTION, "resistance force at and above which an employee actively resists",
        "Oreg 2003 for the role of dispositional resistance; the threshold is chosen"),
    cooperation_support=effect(
        0.47, 0.4, 0.55, ASSUMPTION, "discretionary support at and above which an employee cooperates",
        "a little above the status quo's mean support (about 0.42)"),
    champion_support=effect(
        0.62, 0.55, 0.7, ASSUMPTION, "discretionary support at and above which an employee champions the change",
        "well above the mean: about 3% champion under the status quo"),
    adoption_shift=effect(
        0.1, 0.05, 0.15, ASSUMPTION, "rise of affective commitment above rest that counts as having adopted the change",
        "a tenth of the scale: a clear shift, a third of a champion's boost (pattern 11 reads it)"),
    # --- Turnover (7.2.10): the hazard multipliers are 1 at engagement 0.5, identification 0.5, no overload.
    quit_engaged=effect(
        0.5, 0.3, 0.7, CALIBRATED,
        "quit-hazard multiplier of a fully engaged employee (it rises by 1 per unit of disengagement)",
        "set so the multiplier is 1 at engagement 0.5: turnover_rate is the turnover at average engagement"),
    quit_unidentified=effect(
        1.4, 1.2, 1.6, CALIBRATED,
        "quit-hazard multiplier of an employee with no identification",
        "set with quit_identification_slope so the multiplier is 1 at identification 0.5: turnover_rate is the "
        "turnover at average identification"),
    quit_identification_slope=effect(
        0.8, 0.5, 1.1, ASSUMPTION, "fall of the quit-hazard multiplier per unit of identification",
        "the identified stay: the fully identified quit at less than half the rate of the unidentified"),
    # --- Decisions in moments of truth (7.3.6): held values pulled toward the rewarded ones under compliance.
    unmonitored_pull=effect(
        0.5, 0.25, 0.75, ASSUMPTION,
        "share of continuance that pulls decisions toward the rewarded values with no monitoring (all of it at full)",
        "compliance carries half its weight into the decisions unwatched, all of it under full monitoring"),
    tradeoff_sharpness=effect(
        0.05, 0.03, 0.08, ASSUMPTION,
        "scale of the multinomial logit: how decisively the value acted on settles a hard question",
        "a lead of 0.1 in an acted weight multiplies the odds against another value by e^2 (about 7.4)",
        allowed=(0.001, 1.0)),
    # --- Back-office workload (7.3.7).
    process_workload_relief=effect(
        0.3, 0.15, 0.45, ASSUMPTION, "share of back-office workload full process quality removes",
        "better processes ease the work, not all of it"),
)

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
#: The employees' state as one record, the ``active`` mask first: what the kernels take (``Population.state``).
EmployeeState = state_record("EmployeeState", EMPLOYEE_STATE, __name__)


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
        cross = org.cross_function_ties * (1.0 + self.fx.cross_ties_per_rung * org.initial_integration_level)
        self.network = EmployeeNetwork(self.seat_function, org.network_degree, org.network_rewiring, cross, rng)
        rows_ahead = int(n * 1.5) + 8  # numerical: first allocation (rows grow as needed)
        self.people = Population(EMPLOYEE_STATE, capacity=rows_ahead, record=EmployeeState)
        self.baseline_filled = np.bincount(self.seat_function, minlength=len(FUNCTIONS)).astype(float)
        self.training_reference = org.training_budget
        self.hires = 0
        self.leavers = 0
        seats = np.arange(n)
        rows = self.people.add(n)
        self._fill(seats, rows, rng.standard_normal((n, N_TRAITS)), week=0)
        p = self.people
        # Tenures are exponential with the turnover rate's mean, cut at ten years (tenure acts only through
        # the learning curve, which levels off long before: the cap and the floor size no outcome).
        mean_tenure = 52.0 / max(org.turnover_rate, 0.05)  # numerical: a finite mean at turnover 0
        p.tenure[rows] = np.minimum(rng.exponential(mean_tenure, n), 520).astype(np.int32)  # numerical: display cap
        p.skill[rows] = self._skill_target(p.skill_rest[rows], p.tenure[rows], 0.0)

    def settle(self, policy, org_state) -> None:
        """Derive tension, behaviour and support states of the initial workforce under ``policy``."""
        self._put(self.people.felt_tension, self.tension_target(policy, org_state))
        self.behave(None, policy)

    # ------------------------------------------------------------------ set-up
    def _skill_target(self, aptitude, tenure, training):
        """Learning curve: skill grows with tenure over three years, and with training above normal."""
        fx = self.fx
        return _clip01(aptitude + fx.tenure_skill_gain * np.minimum(tenure / fx.learning_curve_weeks, 1.0)
                       + fx.training_skill_gain * np.tanh(training))

    def _fill(self, seats, rows, z, week):
        """New people on ``seats`` (rows ``rows``), their traits from standard normals ``z`` (one row each).

        Held values scatter around their function's (lognormal, the customer weight scaled to the
        organisation's); commitment, efficacy, resistance, identification and aptitude scatter
        around the organisation's; newcomers start at the status quo's balance between their own
        values and socialisation to the rewards."""
        org, p = self.org, self.people
        scale = org.customer_value_weight / 0.3  # numerical: the parameter's unit (its default leaves the table as is)
        _new_employees(seats, rows, z, self.seat_function, scale, float(org.initial_readiness),
                       float(org.initial_identification), float(org.base_pressure),
                       self._compliance_target(org.base_pressure, org.base_monitoring),
                       float(org.dispositional_resistance), week, p.state(), self.fx)
        self.seat_row[seats] = rows
        self._seats_changed()

    def _compliance_target(self, pressure, monitoring):
        # Compliance follows surveillance and sanctions (Kelman 1958; Epstein 2002).
        fx = self.fx
        return fx.compliance_gain * pressure * (fx.unmonitored_compliance + (1.0 - fx.unmonitored_compliance) * monitoring)

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

    def drop_departed(self) -> bool:
        """Drop the rows of those who left once they are many (as ``CustomerBase.drop_departed``;
        the seats follow their people). Changes no result: every draw is keyed by seat, and rows
        keep their order. Returns whether rows were dropped."""
        p = self.people
        if not p.holds_many_departed():
            return False
        moved = p.compact()
        filled = self.seat_row >= 0
        self.seat_row[filled] = moved[self.seat_row[filled]]
        self._seats_changed()
        return True

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
                        self.network.n_seats, self.org.peer_influence, self.fx)

    def respond(self, model, policy, headcount: int) -> None:
        """Felt tension and the productive-zone response, compliance under surveillance, normative
        commitment and held values; identification; efficacy, readiness and skill (docs/ODD.md
        7.2.2 to 7.2.7), each employee in turn (every update is the person's own)."""
        p, fx = self.people, self.fx
        org = model.org_state
        training = policy.training_budget / max(headcount, 1) / max(self.training_reference, 1e-9) - 1.0
        reputation = model.management.observed.get("satisfaction", model.reference_satisfaction)
        _respond(p.n, p.state(), policy.kpi_weights, org.heard_values, policy.pressure, policy.monitoring,
                 policy.participation, self._strain(org), self._compliance_target(policy.pressure, policy.monitoring),
                 fx.normative_pressure_weight * (policy.pressure - self.org.base_pressure),
                 fx.identification_reputation_weight * (reputation - model.reference_satisfaction),
                 fx.training_efficacy_gain * np.tanh(training), fx.training_skill_gain * np.tanh(training), fx)

    def _strain(self, org_state) -> float:
        """Felt tension of dual reporting at the matrix rung, doubled when unprepared (seed 004)."""
        return self.fx.matrix_strain * (org_state.integration_level >= MATRIX_RUNG) * (1.0 + org_state.unprepared_matrix)

    def tension_target(self, policy, org_state) -> np.ndarray:
        """The tension pressure, the gap to rewarded values, overload and matrix strain imply (every row)."""
        p, n = self.people, self.people.n
        return _tension_targets(n, p.values, policy.kpi_weights, p.workload, p.readiness, policy.pressure,
                                self._strain(org_state), self.fx)

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
        _behave(p.n, p.state(), heard, mission, participation, policy.monitoring, 1.0 - max(0.0, push), self.fx)

    def decision_leans(self, rows, policy) -> np.ndarray:
        """Probabilities that each employee in ``rows`` decides a hard question for the customer, for
        efficiency or for profit (one row each, summing to 1).

        Employees act on their held values, pulled toward the rewarded ones as far as they comply
        under surveillance; the value they act on most wins most often (a multinomial logit of
        the acted weights, scale ``tradeoff_sharpness``).

        Example:
            >>> from sim import CentricityModel
            >>> m = CentricityModel(n_employees=40, n_customers=300)
            >>> wf = m.workforce
            >>> leans = wf.decision_leans(wf.front_line_rows(), m.management.policy)
            >>> leans.shape[1], bool(np.allclose(leans.sum(axis=1), 1.0))
            (3, True)
        """
        p, fx = self.people, self.fx
        watched = fx.unmonitored_pull + (1.0 - fx.unmonitored_pull) * policy.monitoring
        x = _leaning(np.asarray(rows, dtype=np.int64), p.continuance, p.values, policy.kpi_weights, watched,
                     fx.tradeoff_sharpness)
        np.exp(x, out=x)   # numpy's vectorised exp
        return _shares(x)

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
            p.affective[candidates] = np.minimum(1.0, p.affective[candidates] + self.fx.champion_affect)
            p.identification[candidates] = np.minimum(1.0, p.identification[candidates] + self.fx.champion_identification)
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
        p.affective[rows] = _clip01(p.affective[rows] - self.fx.layoff_shock * share * p.affective[rows])
        p.identification[rows] = _clip01(p.identification[rows] - self.fx.layoff_shock * share * p.identification[rows])
        model.org_state.layoffs_this_week = 0

    def turnover(self, model) -> None:
        """Voluntary quits: more likely when disengaged, weakly identified or overloaded."""
        p = self.people
        seats = np.flatnonzero(self.filled)
        rows = self.seat_row[seats]
        overload = np.maximum(0.0, p.workload[rows] - 1.0)
        fx = self.fx
        hazard = (self.org.turnover_rate / 52.0 * (fx.quit_engaged + (1.0 - p.engagement[rows]))
                  * (fx.quit_unidentified - fx.quit_identification_slope * p.identification[rows]) * (1.0 + overload))
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
        load = (self.baseline_filled / np.maximum(filled, 1.0) * (1.0 - self.fx.process_workload_relief * process_quality)
                / (1.0 - time_lost))
        rows = self.rows()
        not_front = p.function[rows] != FRONT_LINE
        p.workload[rows[not_front]] = load[p.function[rows[not_front]]]


# ---------------------------------------------------------------------------- kernels
# The weekly passes over every employee row, compiled (sim/jit.py): each updates a person from
# their own state, the levers and the organisation's, in the order the methods above describe.
@njit
def _peer_influence(rows, seat, affective, affective_rest, support_state, src, dst, n_seats, peer_influence, fx):
    """Each seat's weighted mean of its neighbours' shift from rest; commitment moves toward it."""
    shift = np.zeros(n_seats)
    weight = np.zeros(n_seats)
    for r in rows:
        s = seat[r]
        shift[s] = affective[r] - affective_rest[r]
        state = support_state[r]
        weight[s] = 1.0 + fx.champion_voice * (state == CHAMPIONING) + fx.resister_voice * (state == ACTIVE_RESISTANCE)
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
def _readiness(affective, normative, efficacy):
    """Readiness (Weiner 2009): the mean of change commitment (affective and normative) and change efficacy."""
    return 0.5 * (0.5 * (affective + normative)) + 0.5 * efficacy


@njit
def _tension_target(i, values, kpi, workload, readiness, pressure, strain, fx):
    overload = max(0.0, workload[i] - 1.0)
    x = (pressure * (fx.tension_pressure - fx.tension_readiness_relief * readiness[i])
         + fx.tension_value_gap * _gap(values, i, kpi) + fx.tension_overload * overload + strain)
    return min(max(x, 0.0), 1.0)


@njit
def _tension_targets(n, values, kpi, workload, readiness, pressure, strain, fx):
    out = np.empty(n)
    for i in range(n):
        out[i] = _tension_target(i, values, kpi, workload, readiness, pressure, strain, fx)
    return out


@njit
def _respond(n, e, kpi, heard, pressure, monitoring, participation, strain, compliance_target, normative_push, reputation,
             training_efficacy, training_skill, fx):
    """Every present employee in turn (rows 0..n-1 of the state ``e``, an ``EmployeeState``): felt tension and
    the response to pressure, compliance, normative commitment, held values, identification, efficacy,
    readiness and skill (docs/ODD.md 7.2.2 to 7.2.7)."""
    active, values, values_rest, workload, felt_tension = e.active, e.values, e.values_rest, e.workload, e.felt_tension
    affective, affective_rest, continuance, continuance_rest = e.affective, e.affective_rest, e.continuance, e.continuance_rest
    normative, normative_rest, identification, identification_rest = (e.normative, e.normative_rest, e.identification,
                                                                      e.identification_rest)
    efficacy, efficacy_rest, readiness, resistance = e.efficacy, e.efficacy_rest, e.readiness, e.dispositional_resistance
    skill, skill_rest, tenure = e.skill, e.skill_rest, e.tenure
    meaning = fx.meaning_without_participation + participation   # pressure alone buys compliance; internalisation needs meaning
    crowding = fx.crowding_out * max(0.0, monitoring - fx.crowding_threshold)
    for i in range(n):
        if not active[i]:
            continue
        # Felt tension builds (and eases) over weeks; uptake peaks in the productive zone.
        target = _tension_target(i, values, kpi, workload, readiness, pressure, strain, fx)
        tension = felt_tension[i] + fx.tension_speed * (target - felt_tension[i])
        felt_tension[i] = tension
        d = (tension - fx.tension_optimum) / fx.tension_width
        zone = np.exp(-(d * d))
        over = min(max((tension - fx.overload) / (1.0 - fx.overload), 0.0), 1.0)
        a = affective[i]
        a = (a + fx.uptake_rate * pressure * zone * readiness[i] * meaning * (1 - a)
             - fx.backlash_rate * over * (fx.backlash_without_resistance + resistance[i]) * a
             - crowding * a
             - fx.affective_memory * (a - affective_rest[i]))
        affective[i] = min(max(a, 0.0), 1.0)
        target_c = continuance_rest[i] + compliance_target
        continuance[i] = min(max(continuance[i] + fx.compliance_speed * (target_c - continuance[i]), 0.0), 1.0)
        target_n = (normative_rest[i] + fx.normative_identification_weight * (identification[i] - identification_rest[i])
                    + normative_push)
        normative[i] = min(max(normative[i] + fx.normative_speed * (target_n - normative[i]), 0.0), 1.0)
        # Held values drift toward what is rewarded under compliance, and back toward one's own.
        for j in range(3):
            v = values[i, j]
            values[i, j] = v + (fx.value_socialisation * continuance[i] * (kpi[j] - v)
                                + fx.value_anchor * (values_rest[i, j] - v))
        # Identification follows value fit with the heard values, and the company's reputation.
        fit = 1.0 - _gap(values, i, heard)
        target_i = identification_rest[i] + fx.identification_fit_weight * (fit - fx.fit_rest) + reputation
        identification[i] = min(max(identification[i] + fx.identification_speed * (target_i - identification[i]), 0.0), 1.0)
        # Efficacy with training, skill and overload; readiness (Weiner 2009); skill's learning curve.
        overload = max(0.0, workload[i] - 1.0)
        target_e = (efficacy_rest[i] + training_efficacy + fx.efficacy_skill_weight * (skill[i] - 0.5)
                    - fx.efficacy_overload_loss * overload)
        efficacy[i] = min(max(efficacy[i] + fx.efficacy_speed * (target_e - efficacy[i]), 0.0), 1.0)
        readiness[i] = _readiness(affective[i], normative[i], efficacy[i])
        target_s = min(max(skill_rest[i] + fx.tenure_skill_gain * min(tenure[i] / fx.learning_curve_weeks, 1.0) + training_skill,
                           0.0), 1.0)
        skill[i] = min(max(skill[i] + fx.learning_rate * (target_s - skill[i]), 0.0), 1.0)


@njit
def _leaning(rows, continuance, values, kpi, watched, sharpness):
    """The exponent of each value in the multinomial logit of each employee in ``rows`` (``decision_leans``):
    the values acted on, held values pulled toward the rewarded ones as far as the employee complies
    (continuance times ``watched``, at most all the way), less the largest, over ``sharpness``."""
    out = np.empty((len(rows), 3))   # numerical: one column per value
    for k in range(len(rows)):
        r = rows[k]
        pull = min(max(continuance[r] * watched, 0.0), 1.0)
        a0 = (1 - pull) * values[r, 0] + pull * kpi[0]
        a1 = (1 - pull) * values[r, 1] + pull * kpi[1]
        a2 = (1 - pull) * values[r, 2] + pull * kpi[2]   # numerical: the third value
        top = max(max(a0, a1), a2)
        out[k, 0], out[k, 1], out[k, 2] = (a0 - top) / sharpness, (a1 - top) / sharpness, (a2 - top) / sharpness
    return out


@njit
def _shares(x):
    """Each row of ``x`` (three values) divided by its sum, summed left to right as numpy sums a row."""
    for k in range(x.shape[0]):
        total = (x[k, 0] + x[k, 1]) + x[k, 2]   # numerical: the third value
        x[k, 0], x[k, 1], x[k, 2] = x[k, 0] / total, x[k, 1] / total, x[k, 2] / total
    return x


@njit
def _behave(n, e, heard, mission, participation, monitoring, norm, fx):
    """Every present employee in turn (rows 0..n-1 of the state ``e``, an ``EmployeeState``): mission messaging
    and participation, engagement, orientation, the service norm, effort and the support state
    (docs/ODD.md 7.2.8 to 7.2.9)."""
    active, values, affective, normative, continuance = e.active, e.values, e.affective, e.normative, e.continuance
    identification, efficacy, readiness, resistance = e.identification, e.efficacy, e.readiness, e.dispositional_resistance
    workload, felt_tension, engagement, orientation = e.workload, e.felt_tension, e.engagement, e.orientation
    service_standard, effort, support_state = e.service_standard, e.effort, e.support_state
    for i in range(n):
        if not active[i]:
            continue
        if mission > 0:   # those whose values fit the heard ones identify and commit, the rest feel the norm
            fit = 1.0 - _gap(values, i, heard)
            if fit >= fx.mission_fit_threshold:
                identification[i] = identification[i] + fx.mission_identification_gain * mission * (1 - identification[i])
                affective[i] = affective[i] + fx.mission_affect_gain * mission * fit * (1 - affective[i])
            else:
                normative[i] = min(1.0, normative[i] + fx.mission_norm_gain * mission)
            for j in range(3):
                values[i, j] += fx.mission_value_drift * mission * identification[i] * (heard[j] - values[i, j])
        if participation > 0:   # people who shape the change commit to it, as far as they are ready
            a = affective[i]
            affective[i] = a + fx.participation_gain * participation * readiness[i] * (1 - a)
            for j in range(3):
                values[i, j] += fx.participation_values * participation * (heard[j] - values[i, j])
        overload = max(0.0, workload[i] - 1.0)
        over = min(max((felt_tension[i] - fx.overload) / (1.0 - fx.overload), 0.0), 1.0)
        engagement[i] = min(max(fx.engagement_base + fx.engagement_affect * affective[i]
                                + fx.engagement_identification * identification[i] + fx.engagement_efficacy * efficacy[i]
                                - fx.engagement_overload * overload - fx.engagement_overtension * over, 0.0), 1.0)
        # Customer orientation is a disposition (Brown et al. 2002): it follows the values a person
        # holds, not this week's rewards; compliance shows in what they decide (decision_leans).
        state = support_state[i]
        engaged = fx.orientation_disengaged + (1.0 - fx.orientation_disengaged) * engagement[i]
        orientation[i] = min(max(fx.orientation_gain * values[i, 0] * engaged
                                 + fx.orientation_by_support_state * (state == CHAMPIONING)
                                 - fx.orientation_by_support_state * (state == ACTIVE_RESISTANCE), 0.0), 1.0)
        standard_target = min(max(norm - fx.standard_overload_loss * overload, 0.0), 1.0)
        service_standard[i] = service_standard[i] + fx.standard_speed * (standard_target - service_standard[i])
        effort[i] = min(max((fx.effort_base + fx.effort_engagement * engagement[i]
                             + fx.effort_compliance * continuance[i] * monitoring - fx.effort_overload * overload)
                            * (fx.effort_without_standard + (1.0 - fx.effort_without_standard) * service_standard[i]),
                            0.0), 1.0)
        # The support continuum (Herscovitch & Meyer 2002); overload turns the uncommitted into
        # active resisters, monitored or not (Heifetz et al. 2009).
        support = fx.support_affective_weight * affective[i] + (1.0 - fx.support_affective_weight) * normative[i]
        force = resistance[i] * (fx.resistance_force_base + over)
        force = force + fx.disidentification_force * max(0.0, fx.identification_floor - identification[i])
        state = COMPLIANCE if continuance[i] >= fx.compliance_pull else PASSIVE_RESISTANCE
        if force >= fx.active_resistance_force:
            state = ACTIVE_RESISTANCE
        if support >= fx.cooperation_support:
            state = COOPERATION
        if support >= fx.champion_support:
            state = CHAMPIONING
        support_state[i] = state


@njit
def _new_employees(seats, rows, z, seat_function, customer_scale, readiness_org, identification_org, base_pressure,
                   compliance, resistance_org, week, e, fx):
    """Traits of the new people on ``seats`` (docs/ODD.md 5.1), one row each of the state ``e`` (an
    ``EmployeeState``), from normals ``z``."""
    seat, function, values, values_rest, readiness, engagement = (e.seat, e.function, e.values, e.values_rest,
                                                                 e.readiness, e.engagement)
    affective, affective_rest, normative, normative_rest = e.affective, e.affective_rest, e.normative, e.normative_rest
    continuance, continuance_rest, efficacy, efficacy_rest = e.continuance, e.continuance_rest, e.efficacy, e.efficacy_rest
    identification, identification_rest, resistance = e.identification, e.identification_rest, e.dispositional_resistance
    skill, skill_rest, hired_week, tenure = e.skill, e.skill_rest, e.hired_week, e.tenure
    for r in range(len(rows)):
        i, f = rows[r], seat_function[seats[r]]
        seat[i] = seats[r]
        function[i] = f
        table, at = fx.function_values, 3 * f  # numerical: the table holds three weights a function
        base0, base1, base2 = table[at] * customer_scale, table[at + 1], table[at + 2]
        total = base0 + base1 + base2
        v0 = np.exp(np.log(base0 / total) + fx.starting_value_spread * z[r, 0])
        v1 = np.exp(np.log(base1 / total) + fx.starting_value_spread * z[r, 1])
        v2 = np.exp(np.log(base2 / total) + fx.starting_value_spread * z[r, 2])
        total = v0 + v1 + v2
        values_rest[i, 0], values_rest[i, 1], values_rest[i, 2] = v0 / total, v1 / total, v2 / total
        affective[i] = min(max(fx.starting_affective_base + fx.starting_affective_readiness * readiness_org
                               + fx.starting_affective_spread * z[r, 3], 0.0), 1.0)
        normative[i] = min(max(fx.starting_normative_identification * identification_org
                               + fx.starting_normative_pressure * base_pressure + fx.starting_normative_spread * z[r, 4],
                               0.0), 1.0)
        continuance_rest[i] = min(max(fx.starting_continuance + fx.starting_continuance_spread * z[r, 5], 0.0), 1.0)
        efficacy[i] = min(max(readiness_org + fx.starting_efficacy_spread * z[r, 6], 0.0), 1.0)
        resistance[i] = min(max(resistance_org + fx.starting_resistance_spread * z[r, 7], 0.0), 1.0)
        identification[i] = min(max(identification_org + fx.starting_identification_spread * z[r, 8], 0.0), 1.0)
        skill[i] = min(max(fx.starting_aptitude + fx.starting_aptitude_spread * z[r, 9], 0.0), 1.0)
        affective_rest[i] = affective[i]
        skill_rest[i] = skill[i]
        normative_rest[i] = normative[i]
        continuance[i] = min(max(continuance_rest[i] + compliance, 0.0), 1.0)
        # The status quo's balance between one's own values and socialisation to the rewards.
        social = fx.value_socialisation * continuance[i]
        for k in range(3):
            values[i, k] = (fx.value_anchor * values_rest[i, k] + social * BASELINE_KPI[k]) / (fx.value_anchor + social)
        identification_rest[i] = identification[i]
        efficacy_rest[i] = efficacy[i]
        readiness[i] = _readiness(affective[i], normative[i], efficacy[i])
        engagement[i] = min(max(fx.engagement_base + fx.engagement_affect * affective[i]
                                + fx.engagement_identification * identification[i] + fx.engagement_efficacy * efficacy[i],
                                0.0), 1.0)
        hired_week[i] = week
        tenure[i] = 0
