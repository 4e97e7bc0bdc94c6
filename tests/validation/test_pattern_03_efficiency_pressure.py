"""Pattern 3: efficiency pressure raises profit first, erodes service quality and satisfaction
with a lag, after which the profit advantage falls.

Sources: Oliva & Sterman (2001), cutting corners and eroding service standards; Anderson,
Fornell & Rust (1997), the productivity-satisfaction trade-off in services.
Tested as engineering (Six Sigma with headcount cuts) minus status quo, paired by seed.
"""

import numpy as np
import pytest

from tests.validation.runs import interval, paired

pytestmark = [pytest.mark.validation, pytest.mark.xdist_group("roads260")]


def test_profit_rises_first():
    lo, _ = interval(paired("engineering", "status_quo", "profit", slice(27, 79)))
    assert lo > 0, "engineering should beat the status quo on profit in its first 1.5 years"


def test_satisfaction_erodes_with_a_lag():
    early = paired("engineering", "status_quo", "satisfaction", slice(1, 14))
    late = paired("engineering", "status_quo", "satisfaction", slice(209, 261))
    assert abs(early.mean()) < 0.003, f"no immediate satisfaction effect expected, got {early.mean():.4f}"
    hi = interval(late)[1]
    assert hi < -0.01, f"satisfaction should be lower after four years; 95% CI upper bound {hi:.4f}"


def test_service_quality_erodes():
    late = paired("engineering", "status_quo", "service_quality", slice(209, 261))
    assert interval(late)[1] < -0.02


def test_profit_advantage_falls_after_its_peak():
    peak = paired("engineering", "status_quo", "profit", slice(79, 157))
    late = paired("engineering", "status_quo", "profit", slice(209, 261))
    fall = (peak - late) / np.abs(peak).mean()
    lo, hi = interval(fall)
    assert lo > 0.15, f"the profit advantage should shrink by > 15% from its peak; CI [{lo:.2f}, {hi:.2f}]"
