"""Patterns 3, 4 and 10 of DOMAIN.md: the road comparisons, as defined in sim/validation/patterns.py.

They compare engineering, best_customer and competing_values with the status quo over the same
seeds and five years, so they share one set of cached runs: keep them in one file (the suite
runs with ``--dist loadfile``, so a file's tests share a worker and its cache).

- Pattern 3: Efficiency pressure raises profit first, erodes quality and satisfaction with a lag, then profit falls.
- Pattern 4: On the engineering road defects fall while commitment falls too.
- Pattern 10: competing_values trails engineering and best_customer on early profit and overtakes them later.
"""

import pytest

from sim.validation.patterns import (
    ROADS_260,
    pattern_03_efficiency_pressure,
    pattern_04_improvement_paradox,
    pattern_10_dual_emphasis,
)
from tests.validation import assert_holds

pytestmark = pytest.mark.validation


@pytest.mark.xfail(strict=True, reason=(
    "Pattern 3's last check does not hold since issue 23 (the values compete at the moment of truth): the "
    "engineering road's profit lead still rises first and erodes with service quality and satisfaction, but its "
    "fall from the peak is about 20% with an interval reaching below the 15% the check asks for: efficiency-weighted "
    "rewards now make the front line give standard answers, which save handling time and overtime every week and "
    "hold up the lead. Reported as it comes out in docs/VALIDATION.md. Strict: should it hold again, this test fails "
    "so the report is updated."))
def test_pattern_03_efficiency_pressure():
    """Efficiency pressure raises profit first, erodes service quality and satisfaction with a lag,
    after which profit falls (Oliva & Sterman 2001; Anderson, Fornell & Rust 1997)."""
    assert_holds(pattern_03_efficiency_pressure(ROADS_260))


def test_pattern_04_improvement_paradox():
    """On the engineering road defects fall while commitment falls too (Repenning & Sterman 1997)."""
    assert_holds(pattern_04_improvement_paradox(ROADS_260))


@pytest.mark.xfail(strict=True, reason=(
    "Pattern 10 does not hold at the default settings since roads are policies over shared, priced levers "
    "(issue 14): competing values trails early but does not overtake engineering and best customer within five "
    "years. Reported as it comes out in docs/VALIDATION.md; where it does win is in docs/ROADS.md. Strict: "
    "should it hold again, this test fails so the report is updated."))
def test_pattern_10_dual_emphasis():
    """competing_values trails engineering and best_customer on early profit and overtakes them later
    (Mittal et al. 2005; Rust, Moorman & Dickson 2002)."""
    assert_holds(pattern_10_dual_emphasis(ROADS_260))
