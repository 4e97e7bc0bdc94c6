"""Pattern 8 of DOMAIN.md, as defined in :func:`sim.validation.patterns.pattern_08_value_concentration`.

The top 20% of customers bring about 50-60% of a year's revenue.

Source: Sharp, Romaniuk & Graham 2019.
The experiment, its statistic and the range the literature implies live in sim/validation/patterns.py,
so this test and the published report (python -m sim.validation) use one definition.
"""

import pytest

from sim.validation.patterns import Scale, pattern_08_value_concentration
from tests.validation import assert_holds

pytestmark = pytest.mark.validation

SCALE = Scale(n_customers=2000, n_employees=120, seeds=5, weeks=52)


def test_pattern_08_value_concentration():
    assert_holds(pattern_08_value_concentration(SCALE))
