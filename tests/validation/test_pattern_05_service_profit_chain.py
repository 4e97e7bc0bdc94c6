"""Pattern 5 of DOMAIN.md, as defined in :func:`sim.validation.patterns.pattern_05_service_profit_chain`.

Across business units, engagement relates to satisfaction (~.3) and profit (~.15-.2), modestly.

Source: Heskett et al. 1994; Harter, Schmidt & Hayes 2002.
The experiment, its statistic and the range the literature implies live in sim/validation/patterns.py,
so this test and the published report (python -m sim.validation) use one definition.
"""

import pytest

from sim.validation.patterns import Scale, pattern_05_service_profit_chain
from tests.validation import assert_holds

pytestmark = pytest.mark.validation

SCALE = Scale(n_customers=1500, n_employees=120, seeds=8)


def test_pattern_05_service_profit_chain():
    assert_holds(pattern_05_service_profit_chain(SCALE))
