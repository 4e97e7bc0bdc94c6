"""Pattern 12 of DOMAIN.md, as defined in :func:`sim.validation.patterns.pattern_12_complaints_undercount`.

Complaints undercount dissatisfaction: most dissatisfied customers leave without complaining.

Source: TARP 1986; Hirschman 1970.
The experiment, its statistic and the range the literature implies live in sim/validation/patterns.py,
so this test and the published report (python -m sim.validation) use one definition.
"""

import pytest

from sim.validation.patterns import Scale, pattern_12_complaints_undercount
from tests.validation import assert_holds

pytestmark = pytest.mark.validation

SCALE = Scale(n_customers=2000, n_employees=120, seeds=6, weeks=104, burn_in_weeks=26)


def test_pattern_12_complaints_undercount():
    assert_holds(pattern_12_complaints_undercount(SCALE))
