"""Pattern 10 of DOMAIN.md, as defined in :func:`sim.patterns.pattern_10_dual_emphasis`.

competing_values trails engineering and best_customer on early profit and overtakes them later.

Source: Mittal et al. 2005; Rust, Moorman & Dickson 2002.
The experiment, its statistic and the range the literature implies live in sim/patterns.py,
so this test and the published report (python -m sim.validate) use one definition.
"""

import pytest

from sim.patterns import ROADS_260, Scale, pattern_10_dual_emphasis  # noqa: F401

pytestmark = [pytest.mark.validation, pytest.mark.xdist_group("roads260")]

SCALE = ROADS_260


def test_pattern_10_dual_emphasis():
    verdict = pattern_10_dual_emphasis(SCALE)
    for check, ok in verdict.checks.items():
        assert ok, f"{check} -- {verdict.summary()}"
    assert verdict.passed
