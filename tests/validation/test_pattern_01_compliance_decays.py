"""Pattern 1: compliance decays once pressure is removed; commitment persists.

Source: Kelman (1958) on compliance vs internalisation; Herscovitch & Meyer (2002):
continuance-driven compliance depends on surveillance, affective commitment does not.
"""

import numpy as np
import pytest

from tests.validation.runs import SEEDS, interval, run

pytestmark = [pytest.mark.validation, pytest.mark.xdist_group("pattern01")]

STOP = 104
PRESSURE = (("pressure", 0.6), ("pressure_stop_week", STOP))


def _windows(df):
    before = df.iloc[STOP - 26:STOP]
    after = df.iloc[STOP + 78:STOP + 105]
    return before, after


def test_compliance_share_decays_after_pressure_stops():
    """The compliance share falls by at least a third of its level within 1.5 years."""
    drop, level = [], []
    for s in SEEDS:
        before, after = _windows(run("mission", s, steps=2 * STOP, road_params=PRESSURE))
        level.append(before.share_compliance.mean())
        drop.append(before.share_compliance.mean() - after.share_compliance.mean())
    lo, hi = interval(np.array(drop))
    assert lo > 0.1, f"compliance share should fall by > 0.1 after withdrawal; 95% CI [{lo:.3f}, {hi:.3f}]"
    assert np.mean(drop) > np.mean(level) / 3


def test_affective_commitment_persists_after_pressure_stops():
    """Mean affective commitment does not fall after withdrawal (tolerance 0.02)."""
    change = []
    for s in SEEDS:
        before, after = _windows(run("mission", s, steps=2 * STOP, road_params=PRESSURE))
        change.append(after.affective.mean() - before.affective.mean())
    lo, hi = interval(np.array(change))
    assert lo > -0.02, f"affective commitment fell after withdrawal; 95% CI [{lo:.3f}, {hi:.3f}]"


def test_withdrawal_is_what_makes_compliance_decay():
    """Paired against the same road with pressure kept on, compliance is lower only after the stop."""
    kept = (("pressure", 0.6),)
    early, late = [], []
    for s in SEEDS:
        stopped = run("mission", s, steps=2 * STOP, road_params=PRESSURE)
        on = run("mission", s, steps=2 * STOP, road_params=kept)
        early.append((stopped.share_compliance - on.share_compliance).iloc[:STOP].abs().max())
        late.append((on.share_compliance - stopped.share_compliance).iloc[STOP + 78:].mean())
    assert max(early) == 0.0, "before the stop week the two runs must be identical (common random numbers)"
    assert interval(np.array(late))[0] > 0.1
