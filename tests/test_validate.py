"""The validation report command (``python -m sim.validation``) at quick scale: its mechanics, not the model.

At quick scale the patterns may fail; this test checks that the command runs every pattern,
writes a report with a 12-row summary table and one PNG figure per pattern, and draws every
figure (no placeholder). The patterns themselves are tested in tests/validation.
"""

import re

import pytest

from sim.validation.report import main

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("validate")]

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("validation")
    path = main(["--scale", "quick", "--out", str(out), "--jobs", "2"])
    return out, path.read_text()


def test_report_written(report):
    out, text = report
    assert (out / "VALIDATION.md").is_file()
    assert "python -m sim.validation --scale quick" in text
    assert re.search(r"\*\*\d+ of 12 patterns hold\*\*", text)


def test_summary_table_has_twelve_rows(report):
    _, text = report
    summary = text.split("## Summary", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in summary.splitlines() if re.match(r"\| \d+ \|", line)]
    assert [int(r.split("|")[1]) for r in rows] == list(range(1, 13))
    assert all(r.rstrip(" |").endswith(("holds", "fails", "holds (calibrated)", "fails (calibrated)")) for r in rows)
    calibrated = [int(r.split("|")[1]) for r in rows if r.rstrip(" |").endswith("(calibrated)")]
    assert calibrated == [6, 8, 9], "calibration targets are marked as such"


def test_twelve_figures_referenced_exist_and_are_png(report):
    out, text = report
    figures = re.findall(r"!\[[^\]]*\]\((figures/pattern_\d\d\.png)\)", text)
    assert figures == [f"figures/pattern_{n:02d}.png" for n in range(1, 13)]
    for figure in figures:
        assert (out / figure).read_bytes()[:8] == PNG
    assert "could not be drawn" not in text
