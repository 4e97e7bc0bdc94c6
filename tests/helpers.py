"""Small, fast model settings shared by the unit tests."""

from sim import CentricityModel

TINY = {"n_employees": 60, "n_customers": 600, "burn_in_weeks": 8}


def tiny_model(road="status_quo", seed=0, **kw) -> CentricityModel:
    """A small model: 60 employees, 600 customers, 8 burn-in weeks."""
    return CentricityModel(road=road, seed=seed, **{**TINY, **kw})
