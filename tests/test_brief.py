"""The board brief end to end: the command runs the paired study, writes one self-contained HTML
page, and the page, rendered in the real Chromium, holds every section and the study's numbers
and prints on at most two A4 pages. The screenshot and the PDF are kept in ``test-artifacts/``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.study.findings import compare

# Each test here runs the command line on a small paired study (16 runs): slow, and run in CI.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SMALL = ["scenario=retail_bank", "steps=40", "organisation.n_employees=60", "organisation.n_customers=800",
         "organisation.burn_in_weeks=4", "seeds=4", "road=engineering,mission,competing_values"]
SECTIONS = ("question", "organisation", "answer", "trade-offs", "watch", "leaves-out")


def brief(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.study.brief", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("brief") / "study"
    proc = brief(*SMALL, "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, proc


def test_the_brief_command_runs_the_paired_study_and_says_where_the_brief_is(made):
    out, proc = made
    assert (out / "brief.html").exists() and (out / "summary.md").exists()
    assert f"the brief: {out / 'brief.html'}" in proc.stdout
    again = brief(*SMALL, "--out", str(out))          # the results are there: nothing runs again
    assert again.returncode == 0 and "0 to run, 16 already done (resumed)" in again.stdout + again.stderr


def test_the_brief_is_self_contained_and_reads_the_studys_numbers(made):
    out, _ = made
    page = (out / "brief.html").read_text()
    assert not re.search(r'(src|href)="https?://', page)            # no network needed
    assert page.count("data:image/svg+xml;base64,") == 1
    summary = pd.read_csv(out / "summary.csv")
    comparisons = compare(summary[summary["status"] == "ok"], ["seed"])
    assert [c.road for c in comparisons] == ["engineering", "mission", "competing_values"]
    for c in comparisons:
        for d in c.differences:
            if d.metric.name in ("profit", "customer_centricity"):
                assert d.amount().replace("'", "&#x27;") in page, (c.road, d.metric.name, d.amount())
        assert c.trade_off().replace("'", "&#x27;") in page
    assert "Retail bank with a large call centre" in page and "40 weeks" in page


def test_bad_inputs_to_the_brief_are_refused_before_anything_runs(tmp_path):
    proc = brief("seeds=1", "road=misson", "organisation.readines=0.3", "--out", str(tmp_path / "x"))
    assert proc.returncode == 2
    assert "parameter 'seeds' = '1' must be a whole number in [2, 1000]" in proc.stderr
    assert "road 'misson' is not a road the brief can compare" in proc.stderr
    assert "did you mean 'organisation.initial_readiness'?" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_the_brief_renders_in_chromium_with_every_section_and_prints_on_two_pages(made):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
    out, _ = made
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto((out / "brief.html").as_uri())
            for section in SECTIONS:
                box = page.locator(f"section#{section}").bounding_box()
                assert box is not None and box["height"] > 20, section
            assert page.locator("#answer img").evaluate("img => img.complete && img.naturalWidth > 500")
            assert page.locator("#answer tbody tr").count() == 3
            page.screenshot(path=str(ARTIFACTS / "brief.png"), full_page=True)
            pdf = page.pdf(path=str(ARTIFACTS / "brief.pdf"), format="A4", print_background=True)
        finally:
            browser.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, pages


def test_a_search_for_the_same_organisation_adds_the_designed_road(made, tmp_path):
    """With ``python -m sim.search`` run for the brief's organisation and settings, the brief gains a
    section on the road designed for it (its levers in words, its leads, where it fails); a search with
    other settings is not mistaken for it."""
    pytest.importorskip("platypus")
    from sim.study.brief import write_brief

    out, _ = made
    settings = [s for s in SMALL if s.startswith("organisation.")]
    search = [sys.executable, "-m", "sim.search", "scenario=retail_bank", *settings, "nfe=8", "population=4",
              "futures=2", "horizon=13", "prim_futures=4", "levers=pressure,participation", "processes=1"]
    done = subprocess.run([*search, f"--out={tmp_path / 'search' / 'retail_bank'}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    page = write_brief(out, tmp_path / "with.html", searches=tmp_path / "search").read_text()
    assert 'id="designed"' in page and "A road designed for this organisation" in page
    record = json.loads((tmp_path / "search" / "retail_bank" / "search.json").read_text())
    for line in record["chosen_words"].splitlines():
        assert line.replace("'", "&#x27;") in page
    other = subprocess.run([*search, "organisation.wage=900", f"--out={tmp_path / 'other' / 'retail_bank'}"],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert other.returncode == 0, other.stderr
    page = write_brief(out, tmp_path / "without.html", searches=tmp_path / "other").read_text()
    assert 'id="designed"' not in page
