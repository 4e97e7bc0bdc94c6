"""Pattern 1 of DOMAIN.md, as defined in :func:`sim.validation.patterns.pattern_01_compliance_decays`.

Compliance decays once pressure is removed; commitment persists.

Source: Kelman 1958; Herscovitch & Meyer 2002.
The experiment, its statistic and the range the literature implies live in sim/validation/patterns.py,
so this test and the published report (python -m sim.validation) use one definition.
"""

import pytest

from sim.validation.patterns import Scale, pattern_01_compliance_decays
from tests.validation import assert_holds

pytestmark = pytest.mark.validation

SCALE = Scale(n_customers=2000, n_employees=120, seeds=8, weeks=208)


def test_pattern_01_compliance_decays():
    assert_holds(pattern_01_compliance_decays(SCALE))
