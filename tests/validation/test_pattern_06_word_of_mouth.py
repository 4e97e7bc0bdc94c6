"""Pattern 6 of DOMAIN.md, as defined in :func:`sim.validation.patterns.pattern_06_word_of_mouth`.

The dissatisfied tell more each, positive word of mouth is more frequent overall (3-4 : 1), and
a small dissatisfied minority costs disproportionate value.

Source: East, Hammond & Wright 2007; Goldenberg et al. 2007.
The experiment, its statistic and the range the literature implies live in sim/validation/patterns.py,
so this test and the published report (python -m sim.validation) use one definition.
"""

import pytest

from sim.validation.patterns import Scale, pattern_06_word_of_mouth
from tests.validation import assert_holds

pytestmark = pytest.mark.validation

SCALE = Scale(n_customers=2000, n_employees=120, seeds=8, weeks=260)


def test_pattern_06_word_of_mouth():
    assert_holds(pattern_06_word_of_mouth(SCALE))
