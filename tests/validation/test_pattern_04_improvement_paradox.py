"""Pattern 4 of DOMAIN.md, as defined in :func:`sim.patterns.pattern_04_improvement_paradox`.

On the engineering road defects fall while commitment falls too.

Source: Repenning & Sterman 1997; Keating et al. 1999.
The experiment, its statistic and the range the literature implies live in sim/patterns.py,
so this test and the published report (python -m sim.validate) use one definition.
"""

import pytest

from sim.patterns import ROADS_260, Scale, pattern_04_improvement_paradox  # noqa: F401

pytestmark = [pytest.mark.validation, pytest.mark.xdist_group("roads260")]

SCALE = ROADS_260


def test_pattern_04_improvement_paradox():
    verdict = pattern_04_improvement_paradox(SCALE)
    for check, ok in verdict.checks.items():
        assert ok, f"{check} -- {verdict.summary()}"
    assert verdict.passed
