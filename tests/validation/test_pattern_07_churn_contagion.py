"""Pattern 7 of DOMAIN.md, as defined in :func:`sim.validation.patterns.pattern_07_churn_contagion`.

A defecting neighbour raises defection hazard, decaying over time, weaker for loyal customers.

Source: Nitzan & Libai 2011.
The experiment, its statistic and the range the literature implies live in sim/validation/patterns.py,
so this test and the published report (python -m sim.validation) use one definition.
"""

import pytest

from sim.validation.patterns import Scale, pattern_07_churn_contagion
from tests.validation import assert_holds

pytestmark = pytest.mark.validation

SCALE = Scale(n_customers=2000, n_employees=120, seeds=6, weeks=104, burn_in_weeks=26)


def test_pattern_07_churn_contagion():
    assert_holds(pattern_07_churn_contagion(SCALE))
