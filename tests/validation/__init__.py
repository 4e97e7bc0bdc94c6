"""The twelve patterns of DOMAIN.md as tests (definitions in sim/validation/patterns.py)."""


def assert_holds(verdict) -> None:
    """Fail with the pattern's numbers on the first check that does not hold."""
    for check, ok in verdict.checks.items():
        assert ok, f"{check} -- {verdict.summary()}"
    assert verdict.passed
