"""Pattern 11 of DOMAIN.md, as defined in :func:`sim.validation.patterns.pattern_11_s_curve`.

Adoption of the change follows an S-curve with a tipping point.

Source: Rogers 2003.
The experiment, its statistic and the range the literature implies live in sim/validation/patterns.py,
so this test and the published report (python -m sim.validation) use one definition.
"""

import pytest

from sim.validation.patterns import Scale, pattern_11_s_curve
from tests.validation import assert_holds

pytestmark = pytest.mark.validation

SCALE = Scale(n_customers=1500, n_employees=120, seeds=4, weeks=156, burn_in_weeks=26)


def test_pattern_11_s_curve():
    assert_holds(pattern_11_s_curve(SCALE))
