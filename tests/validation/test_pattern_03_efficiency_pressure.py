"""Pattern 3 of DOMAIN.md, as defined in :func:`sim.patterns.pattern_03_efficiency_pressure`.

Efficiency pressure raises profit first, erodes quality and satisfaction with a lag, then profit falls.

Source: Oliva & Sterman 2001; Anderson, Fornell & Rust 1997.
The experiment, its statistic and the range the literature implies live in sim/patterns.py,
so this test and the published report (python -m sim.validate) use one definition.
"""

import pytest

from sim.patterns import ROADS_260, Scale, pattern_03_efficiency_pressure  # noqa: F401

pytestmark = [pytest.mark.validation, pytest.mark.xdist_group("roads260")]

SCALE = ROADS_260


def test_pattern_03_efficiency_pressure():
    verdict = pattern_03_efficiency_pressure(SCALE)
    for check, ok in verdict.checks.items():
        assert ok, f"{check} -- {verdict.summary()}"
    assert verdict.passed
