"""Pattern 10: dual emphasis is slower but better in the long run: competing_values trails
engineering and best_customer on early profit and overtakes them later.

Sources: Mittal, Anderson, Sayrak & Tadikamalla (2005), dual emphasis and long-term
financial performance; Rust, Moorman & Dickson (2002), revenue vs cost emphasis.
"""

import pytest

from tests.validation.runs import interval, paired

pytestmark = [pytest.mark.validation, pytest.mark.xdist_group("roads260")]


@pytest.mark.parametrize("fast_road", ["engineering", "best_customer"])
def test_competing_values_trails_early(fast_road):
    lo, hi = interval(paired("competing_values", fast_road, "profit", slice(1, 27)))
    assert hi < 0, f"competing_values should trail {fast_road} in the first half-year; CI [{lo:.0f}, {hi:.0f}]"


@pytest.mark.parametrize("fast_road", ["engineering", "best_customer"])
def test_competing_values_overtakes_later(fast_road):
    lo, hi = interval(paired("competing_values", fast_road, "profit", slice(209, 261)))
    assert lo > 0, f"competing_values should lead {fast_road} in year five; CI [{lo:.0f}, {hi:.0f}]"
