"""Pattern 2 of DOMAIN.md, as defined in :func:`sim.validation.patterns.pattern_02_inverted_u`.

Change uptake peaks at moderate tension: avoidance below, resistance above.

Source: Heifetz, Grashow & Linsky 2009.
The experiment, its statistic and the range the literature implies live in sim/validation/patterns.py,
so this test and the published report (python -m sim.validation) use one definition.
"""

import pytest

from sim.validation.patterns import Scale, pattern_02_inverted_u
from tests.validation import assert_holds

pytestmark = pytest.mark.validation

SCALE = Scale(n_customers=1500, n_employees=120, seeds=4, weeks=104, burn_in_weeks=26)


def test_pattern_02_inverted_u():
    assert_holds(pattern_02_inverted_u(SCALE))
