"""Parameters of the organisation, its customers and its coping levers.

Every parameter is a dataclass field with a default, an allowed range and a one-line
meaning. The same declarations serve the model's keyword arguments, the Hydra
structured configs and the validation that runs before any simulation work.

Example:
    >>> from sim.params import Organisation, validate_group
    >>> validate_group(Organisation, {"n_employees": 500}, prefix="organisation")
    {'n_employees': 500}
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


def param(default, low=None, high=None, doc=""):
    """Declare a parameter with its default, allowed closed range and meaning."""
    return field(default=default, metadata={"low": low, "high": high, "doc": doc})


@dataclass
class Organisation:
    """The organisation: its people, structure and economics (docs/ODD.md, 'Organisation')."""

    n_employees: int = param(300, 10, 200_000, "employee seats at the start")
    n_customers: int = param(5000, 50, 2_000_000, "active customers at the start")
    share_front_line: float = param(0.4, 0.05, 0.9, "share of seats in front-line service")
    share_sales: float = param(0.15, 0.0, 0.5, "share of seats in sales")
    share_marketing: float = param(0.1, 0.0, 0.5, "share of seats in marketing")
    share_operations: float = param(0.2, 0.0, 0.5, "share of seats in operations (the rest is product / back office)")
    initial_readiness: float = param(0.5, 0.0, 1.0, "mean readiness for change at the start (Weiner 2009)")
    dispositional_resistance: float = param(0.35, 0.0, 1.0, "mean dispositional resistance to change (Oreg 2003)")
    initial_identification: float = param(0.5, 0.0, 1.0, "mean identification with the company at the start")
    customer_value_weight: float = param(0.3, 0.05, 0.9, "mean weight employees put on the customer value")
    initial_integration_level: int = param(0, 0, 4,
                                           "rung of the integration ladder at the start (0 networks .. 4 segment managers)")
    handoff_gain_per_rung: float = param(0.2, 0.0, 0.25,
                                         "share of level-0 hand-off failures each rung of the ladder removes (assumption)")
    network_degree: int = param(6, 2, 30, "ties per employee within the own function (small world)")
    network_rewiring: float = param(0.1, 0.0, 1.0, "small-world rewiring probability")
    cross_function_ties: float = param(1.0, 0.0, 10.0, "mean ties per employee to other functions at level 0")
    peer_influence: float = param(0.03, 0.0, 0.5, "weekly pull of affective commitment toward neighbours")
    turnover_rate: float = param(0.15, 0.0, 1.0, "baseline voluntary turnover per year")
    hiring_rate: float = param(0.25, 0.0, 1.0, "weekly probability that an open seat is filled")
    wage: float = param(1000.0, 0.0, 1e6, "cost of one employee per week")
    hiring_cost: float = param(5000.0, 0.0, 1e7, "cost of one hire")
    severance_cost: float = param(15000.0, 0.0, 1e7, "cost of one layoff")
    handling_cost: float = param(40.0, 0.0, 1e6, "variable cost of one contact's worth of front-line handling time "
                                 "(telephony, case systems, flexible hours)")
    contacts_per_employee: float = param(6.0, 0.1, 1000.0, "person contacts a front-line employee handles per week at workload 1")
    base_defect_rate: float = param(0.04, 0.0, 0.5, "defects per purchase at median skill and no process improvement")
    rework_cost: float = param(150.0, 0.0, 1e6, "cost of reworking one defect")
    complaint_cost: float = param(80.0, 0.0, 1e6, "cost of handling one complaint")
    base_pressure: float = param(0.15, 0.0, 1.0, "business-as-usual pressure on employees")
    base_monitoring: float = param(0.3, 0.0, 1.0, "business-as-usual monitoring intensity")
    promotion_budget: float = param(4.0, 0.0, 1e6, "weekly promotion budget per initial customer")
    operations_budget: float = param(6.0, 0.0, 1e6, "weekly operations budget per initial customer")
    training_budget: float = param(33.0, 0.0, 1e6, "weekly training budget per initial employee")
    analytics_budget: float = param(1.0, 0.0, 1e6, "weekly analytics budget per initial customer")
    reporting_lag: int = param(2, 1, 26, "weeks between an outcome and management seeing it (1: last week's)")
    rfm_rescore_weeks: int = param(13, 1, 104, "weeks between RFM re-scorings")
    burn_in_weeks: int = param(52, 0, 1040, "weeks of status quo run before week 0 so the start is settled")


@dataclass
class Customers:
    """The customer base and the market (docs/ODD.md, 'Customers')."""

    activist_share: float = param(0.15, 0.0, 1.0, "share of activist customers (seed 001)")
    contact_rate: float = param(0.15, 0.0, 1.0, "weekly probability of a service contact")
    easy_share: float = param(0.6, 0.0, 1.0, "share of service questions a knowledge base can answer")
    customisation_need: float = param(1.0, 0.0, 2.5, "how much customers' jobs need a personal, customised answer: "
                                      "multiplies each segment's weight on the personable layer (capped at 1)")
    self_service: bool = param(True, doc="a self-service knowledge base is offered")
    self_service_quality: float = param(0.6, 0.0, 1.0, "probability the knowledge base resolves an easy question")
    self_service_preference: float = param(0.5, 0.0, 1.0, "mean preference for self-service over a person")
    purchase_rate: float = param(0.4, 0.0, 0.95, "weekly purchase probability of a typical customer at reference satisfaction")
    basket: float = param(250.0, 0.0, 1e7, "mean spend per purchase")
    buyer_heterogeneity: float = param(0.85, 0.0, 3.0, "log-sd of the lasting buying rate between customers")
    buyer_fluctuation: float = param(0.35, 0.0, 3.0, "log-sd of the transient buying rate (regression to the mean)")
    basket_heterogeneity: float = param(0.4, 0.0, 3.0, "log-sd of spend per purchase between customers")
    base_churn_rate: float = param(0.12, 0.0, 1.0, "baseline churn per year of a satisfied customer")
    churn_sensitivity: float = param(3.0, 0.0, 10.0, "how sharply the churn hazard answers satisfaction below the reference "
                                     "(log-hazard per unit of satisfaction)")
    silent_exit: float = param(0.06, 0.0, 1.0, "probability a dissatisfied, non-complaining customer leaves that week")
    voice: float = param(0.3, 0.0, 1.0, "probability a dissatisfied customer complains (TARP: a minority)")
    churn_contagion: float = param(1.0, 0.0, 20.0, "hazard multiplier per recently defected neighbour (Nitzan & Libai 2011)")
    contagion_decay: float = param(0.8, 0.0, 1.0, "weekly retention of a neighbour's defection signal")
    strong_ties: int = param(3, 0, 20, "strong word-of-mouth ties per customer (same segment)")
    weak_ties: int = param(5, 0, 40, "weak word-of-mouth ties per customer")
    negative_reach: float = param(4.0, 0.0, 40.0, "ties a dissatisfied customer tells")
    positive_reach: float = param(2.5, 0.0, 40.0, "ties a delighted customer tells")
    negative_talk: float = param(0.4, 0.0, 1.0, "probability a dissatisfied customer talks")
    positive_talk: float = param(0.24, 0.0, 1.0, "probability a delighted customer talks")
    activist_amplification: float = param(3.0, 1.0, 20.0, "activists' broadcast multiplier (seed 001)")
    acquisition_cost: float = param(2000.0, 1.0, 1e7, "promotion spend per customer acquired")
    organic_acquisition: float = param(0.04, 0.0, 2.0, "new customers per year per existing customer without promotion")
    market_potential: float = param(1.3, 1.0, 100.0, "customers the market holds, as a multiple of the initial base (Bass 1969)")
    referral: float = param(0.03, 0.0, 1.0, "new customers per positive word-of-mouth message")
    deterrence: float = param(0.03, 0.0, 1.0, "prospects lost per negative word-of-mouth message")
    persuasion_knowledge: float = param(0.3, 0.0, 1.0, "mean persuasion knowledge (activists double it)")
    nudge_response: float = param(0.15, 0.0, 1.0, "relative rise in purchase probability under full nudging")
    nudge_conversion: float = param(0.3, 0.0, 2.0, "relative rise in prospects won per promotion euro under full nudging")
    nudge_detection: float = param(0.01, 0.0, 1.0, "weekly chance of seeing through full nudging per unit persuasion knowledge")
    offer_response: float = param(0.1, 0.0, 1.0, "relative rise in a top-tier customer's buying under full targeted offers")
    unfairness_visibility: float = param(0.3, 0.0, 1.0, "chance a customer treated worse for their tier notices it")


@dataclass
class Levers:
    """Dick Lee's seven ways to cope with activist customers (seed 001), as switches."""

    minimise_complaints: float = param(0.0, 0.0, 1.0, "share of complaint causes traced and removed")
    promotion_to_operations: float = param(0.0, 0.0, 1.0, "share of the promotion budget shifted into operations")
    streamline: bool = param(False, doc="redesign processes from the customer contact inward")
    information_online: bool = param(False, doc="put as much information as possible online")
    separate_web_retail: bool = param(False, doc="give web and person channels distinct offers")
    differentiate_expectations: bool = param(False, doc="treat differing buyer expectations differently")
    play_it_straight: bool = param(False, doc="no hype, no manipulation: honest dealing")


GROUPS = {"organisation": Organisation, "customers": Customers, "levers": Levers}

#: Parameters renamed so that no parameter is named like a metric (Mesa's batch_run puts a
#: run's parameters and metrics in one row, where a metric would overwrite its namesake):
#: group -> {old name: new name}. An old name is refused with its new one.
RENAMED = {
    "organisation": {"readiness": "initial_readiness", "identification": "initial_identification",
                     "integration_level": "initial_integration_level", "defect_rate": "base_defect_rate"},
    "customers": {"churn_rate": "base_churn_rate"},
}


def renamed(name: str, group: str | None = None) -> str | None:
    """The one-line error for a parameter's old name (``group.name``, or flat without a group), else None.

    Example:
        >>> renamed("readiness", "organisation")
        "parameter 'organisation.readiness' was renamed 'organisation.initial_readiness' (the metric 'readiness' keeps the name)"
        >>> renamed("readiness")
        "parameter 'readiness' was renamed 'initial_readiness' (the metric 'readiness' keeps the name)"
    """
    for g, names in RENAMED.items():
        if name in names and group in (g, None):
            prefix = "" if group is None else f"{group}."
            return (f"parameter '{prefix}{name}' was renamed '{prefix}{names[name]}' "
                    f"(the metric '{name}' keeps the name)")
    return None


def describe(cls) -> dict[str, dict[str, Any]]:
    """Name -> {default, low, high, doc, type} for every parameter of a group."""
    out = {}
    for f in dataclasses.fields(cls):
        out[f.name] = {"default": f.default, "type": f.type, **f.metadata}
    return out


def check_value(name: str, value: Any, default: Any, low=None, high=None) -> Any:
    """Check one value against the type of its default and its range; return it.

    Raises:
        ValueError: naming the parameter, the value and what is allowed.
    """
    kind = type(default)
    if kind is bool:
        if not isinstance(value, (bool,)) and not (hasattr(value, "dtype") and value.dtype == bool):
            raise ValueError(f"parameter '{name}' = {value!r} must be true or false")
        return bool(value)
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not _is_number(value):
            raise ValueError(f"parameter '{name}' = {value!r} must be a number{_range_text(low, high)}")
        if kind is int:
            if float(value) != int(value):
                raise ValueError(f"parameter '{name}' = {value!r} must be a whole number{_range_text(low, high)}")
            value = int(value)
        else:
            value = float(value)
        if value != value:  # NaN
            raise ValueError(f"parameter '{name}' = nan is not a number{_range_text(low, high)}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(f"parameter '{name}' = {value!r} is out of range{_range_text(low, high)}")
        return value
    return value


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, str)


def _range_text(low, high) -> str:
    if low is None and high is None:
        return ""
    return f"; allowed range [{low}, {high}]"


def validate_group(cls, values: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Validate a dict of overrides for one parameter group; unknown names are errors."""
    spec = describe(cls)
    checked = {}
    for name, value in values.items():
        if name not in spec:
            if message := renamed(name, prefix):
                raise ValueError(message)
            allowed = ", ".join(sorted(spec))
            raise ValueError(f"unknown parameter '{prefix}.{name}'; known parameters: {allowed}")
        s = spec[name]
        checked[name] = check_value(f"{prefix}.{name}", value, s["default"], s["low"], s["high"])
    return checked


def build_group(cls, values: dict[str, Any], prefix: str):
    """A validated dataclass instance of `cls` from (possibly partial) overrides."""
    obj = cls(**validate_group(cls, values, prefix))
    if cls is Organisation:
        shares = obj.share_front_line + obj.share_sales + obj.share_marketing + obj.share_operations
        if shares > 1.0 + 1e-9:
            raise ValueError(
                "parameters 'organisation.share_front_line + share_sales + share_marketing + "
                f"share_operations' = {shares:.3f} must be at most 1 (the rest is back office)"
            )
    return obj
