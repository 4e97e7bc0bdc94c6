"""Bad input fails at construction with a message naming the parameter and what is allowed."""

import pytest

from sim import CentricityModel


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"n_employees": 3}, "organisation.n_employees' = 3 is out of range; allowed range [10, 200000]"),
        ({"n_customers": 10**9}, "organisation.n_customers"),
        ({"activist_share": 1.5},
         "customers.activist_share' = 1.5 is out of range; allowed range [0.0, 1.0]"),
        ({"activist_share": "many"}, "customers.activist_share' = 'many' must be a number"),
        ({"initial_integration_level": 2.5}, "organisation.initial_integration_level' = 2.5 must be a whole number"),
        ({"initial_integration_level": 7}, "allowed range [0, 4]"),
        ({"streamline": "yes"}, "levers.streamline' = 'yes' must be true or false"),
        ({"initial_readiness": float("nan")}, "organisation.initial_readiness' = nan"),
        ({"banana": 1}, "unknown parameter 'banana'"),
        ({"road": "six_sigma"}, "unknown road 'six_sigma'; allowed roads: status_quo, engineering"),
        ({"road": "mission", "road_params": {"intensity": 1}}, "unknown parameter 'road.intensity' for road 'mission'"),
        ({"road": "mission", "road_params": {"pressure": -0.1}},
         "road.pressure' = -0.1 is out of range; allowed range [0.0, 1.0]"),
        ({"road": "mission", "start_week": -2}, "road.start_week' = -2 is out of range"),
        ({"seed": -1}, "seed' = -1 is out of range"),
        ({"share_front_line": 0.9, "share_sales": 0.5}, "must be at most 1"),
        ({"organisation": {"n_employee": 5}}, "unknown parameter 'organisation.n_employee'"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(kwargs, needle):
    with pytest.raises(ValueError) as err:
        CentricityModel(**kwargs)
    assert needle in str(err.value)


def test_bad_steps_are_rejected():
    model = CentricityModel(n_employees=20, n_customers=100, burn_in_weeks=0)
    with pytest.raises(ValueError, match="steps"):
        model.run(-1)


def test_valid_edge_values_are_accepted():
    CentricityModel(n_employees=10, n_customers=50, activist_share=0.0, initial_integration_level=4,
                    burn_in_weeks=0)
