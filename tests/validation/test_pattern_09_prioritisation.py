"""Pattern 9 of DOMAIN.md, as defined in :func:`sim.validation.patterns.pattern_09_prioritisation`.

Prioritising top customers raises profitability without hurting the bottom tier on average,
unless the unequal treatment is visible. Prioritisation is isolated from cost cutting
(``right_sizing=0``).

Source: Homburg, Droll & Totzek 2008.
The experiment, its statistic and the range the literature implies live in sim/validation/patterns.py,
so this test and the published report (python -m sim.validation) use one definition.
"""

import pytest

from sim.validation.patterns import Scale, pattern_09_prioritisation
from tests.validation import assert_holds

pytestmark = pytest.mark.validation

# Twelve seeds: visible unfairness raises bottom-tier churn by about 0.02 points a week, a
# tenth of the seed-to-seed spread of paired churn, so six seeds leave the sign to chance.
SCALE = Scale(n_customers=2000, n_employees=120, seeds=12, weeks=104, burn_in_weeks=26)


@pytest.mark.xfail(strict=True, reason=(
    "Pattern 9 does not hold since issue 23 (the values compete at the moment of truth): prioritisation still "
    "pays, but even hidden it lowers the bottom tier's trust. The low tier is served by the staff ranked lowest "
    "by skill, orientation and effort, whose held values lean least to the customer, so its hard questions are "
    "decided more often for efficiency or profit: less goodwill, more pushes noticed. At this scale visible "
    "unfairness no longer raises bottom-tier churn clearly either. Reported as it comes out in docs/VALIDATION.md. "
    "Strict: should it hold again, this test fails so the report is updated."))
def test_pattern_09_prioritisation():
    assert_holds(pattern_09_prioritisation(SCALE))
