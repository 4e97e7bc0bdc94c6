"""Theory directions reported as checks (issue 23, item 5), as defined in sim/validation/theory.py.

These test the checks' mechanics, not the model: a theory check is reported as it comes out,
so no test here asks that a direction holds. What is tested: the verdict rule (holds only
when the whole interval is on the expected side), that each check returns its fields with
ordered intervals, that the runs are the same in worker processes as in this one, and that
at a modest scale the checks run end to end and give finite numbers.
"""

import doctest

import numpy as np
import pytest

from sim.validation import theory
from sim.validation.patterns import Scale
from sim.validation.theory import FAILS, HOLDS, INCONCLUSIVE, VERDICTS, Check, Effect, combine, markdown, run_checks, verdict

pytestmark = pytest.mark.validation

TINY = Scale(n_customers=300, n_employees=30, seeds=2, weeks=12, burn_in_weeks=4)
# Two whole years, so check 2 compares years rather than halves; three seeds for an interval.
MODEST = Scale(n_customers=800, n_employees=60, seeds=3, weeks=104, burn_in_weeks=26)


@pytest.fixture(scope="module")
def tiny():
    return run_checks(TINY, jobs=1)


@pytest.mark.parametrize(("ci", "sign", "expected"), [
    ((0.1, 0.4), +1, HOLDS),
    ((-0.4, -0.1), +1, FAILS),
    ((-0.1, 0.4), +1, INCONCLUSIVE),
    ((0.0, 0.4), +1, INCONCLUSIVE),      # touching zero is not the whole interval on the expected side
    ((-0.4, -0.1), -1, HOLDS),
    ((0.1, 0.4), -1, FAILS),
    ((-0.4, 0.0), -1, INCONCLUSIVE),
    ((0.2, 0.2), +1, INCONCLUSIVE),      # one seed: a point, no interval
    ((np.nan, np.nan), +1, INCONCLUSIVE),
])
def test_verdict_rule(ci, sign, expected):
    assert verdict(ci, sign) == expected


def test_a_check_holds_only_when_every_primary_effect_holds():
    up = Effect("up", np.array([0.9, 1.0, 1.1]), +1)
    unclear = Effect("unclear", np.array([-1.0, 0.0, 1.0]), +1)
    wrong = Effect("wrong", np.array([-1.1, -1.0, -0.9]), +1)
    aside = Effect("aside", np.array([-1.1, -1.0, -0.9]), +1, primary=False)   # reported, never judged
    make = lambda *effects: Check(0, "c", "s", "src", "exp", "> 0", list(effects), seeds=3)  # noqa: E731
    assert make(up, aside).verdict == HOLDS
    assert make(up, unclear).verdict == INCONCLUSIVE
    assert make(up, unclear, wrong).verdict == FAILS
    assert combine([]) == INCONCLUSIVE


def test_effect_interval_brackets_its_mean():
    e = Effect("e", np.array([3.0, 5.0, 4.0, 6.0]), -1)
    lo, hi = e.interval
    assert lo < e.mean < hi and e.mean == 4.5 and e.verdict == FAILS


def test_each_check_returns_its_fields(tiny):
    assert [c.number for c in tiny] == [1, 2, 3]
    for c in tiny:
        assert c.name and c.statement and c.experiment and c.expected and c.source[-4:].isdigit()
        assert c.seeds == TINY.seeds and c.verdict in VERDICTS and not c.frame.empty
        assert c.primary and all(e.expected_sign in (-1, 1) for e in c.primary)
        for e in c.effects:
            assert len(e.values) == TINY.seeds
            lo, hi = e.interval
            assert lo <= e.mean <= hi
    text = markdown(tiny)
    assert text.count("| T") == sum(len(c.primary) for c in tiny)
    assert all(f'<a id="theory-{c.number}"></a>' in text for c in tiny)


def test_runs_in_workers_equal_runs_here(tiny):
    """Worker processes give the numbers this process gives (the seeds, not the scheduling, decide a run)."""
    again = run_checks(TINY, jobs=2)
    for a, b in zip(tiny, again, strict=True):
        for ea, eb in zip(a.effects, b.effects, strict=True):
            np.testing.assert_array_equal(ea.values, eb.values)


def test_examples_in_the_module_run():
    result = doctest.testmod(theory, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_checks_run_end_to_end_at_a_modest_scale():
    """Finite numbers and a verdict for each check; which verdict is the model's to report, not this test's."""
    checks = run_checks(MODEST, jobs=1)
    for c in checks:
        for e in c.effects:
            assert np.isfinite(e.values).all(), (c.name, e.label)
            assert all(np.isfinite(e.interval)), (c.name, e.label)
        assert c.verdict in VERDICTS
    # Check 2 compares the first year with the last, and the readiness manipulation reached week 0.
    assert "year 2 minus year 1" in checks[1].primary[0].label
    week0 = [e.mean for e in checks[0].effects if e.label.startswith("mean readiness at week 0")]
    assert week0[0] < week0[1]
    print("\n".join(c.summary() for c in checks))
