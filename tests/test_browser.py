"""The live page in a real browser: served on localhost, driven by Playwright with Chromium.

Needs Debian's Chromium (``apt-get install -y chromium``; ``.ci/run`` installs it) and the
``playwright`` Python package. Playwright's own browser download is never used: the test
launches ``/usr/bin/chromium`` (or ``$CHROMIUM``). Without them the test is skipped, and
pytest's summary says why. The last screenshot is kept in ``test-artifacts/app.png``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.slow


def _skip_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return (f"browser test skipped: no Chromium at {CHROMIUM}. Install Debian's chromium "
                "(apt-get install -y chromium) or set CHROMIUM=/path/to/chromium to run it")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser test skipped: the playwright package is missing (pip install -e '.[dev]')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served_page(tmp_path_factory):
    """``solara run sim/page/app.py`` on a free localhost port; stopped however the test ends."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    port = _free_port()
    log_path = tmp_path_factory.mktemp("solara") / "server.log"
    url = f"http://127.0.0.1:{port}/"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "solara", "run", "sim/page/app.py", "--host", "127.0.0.1", "--port", str(port),
             "--production", "--no-open"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while True:
                if server.poll() is not None:
                    pytest.fail(f"solara exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"solara did not answer on {url} in 90 s:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=15)


@pytest.fixture(scope="module")
def browser(served_page):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _chart_sources(page) -> list[str]:
    return page.locator("img").evaluate_all("imgs => imgs.map(i => i.src)")


def _assert_no_error(page) -> None:
    body = page.inner_text("body")
    assert "Traceback" not in body, body[-2000:]
    assert "error in step" not in body
    assert page.locator(".v-alert.error").count() == 0, page.locator(".v-alert.error").first.inner_text()


def _wait_for_week(page, week: int) -> None:
    page.get_by_text(re.compile(rf"^Week {week}$")).first.wait_for(timeout=30_000)


def test_page_loads_steps_and_switches_road(served_page, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    python_errors: list[str] = []
    missing_assets: list[str] = []
    page.on("pageerror", lambda exc: python_errors.append(str(exc)))
    page.on("response", lambda r: missing_assets.append(r.url) if "/_solara/cdn/" in r.url and r.status >= 400 else None)
    try:
        page.goto(served_page)
        step = page.get_by_role("button", name="Step")
        try:
            step.wait_for(timeout=90_000)
        except Exception:
            hint = ("\nThe page's scripts are served from solara's asset cache; offline, install them with "
                    "`pip install solara-assets`." if missing_assets else "")
            pytest.fail(f"the page did not load; missing assets: {missing_assets}{hint}")
        page.wait_for_function("document.querySelectorAll('img').length >= 4", timeout=60_000)
        _assert_no_error(page)
        _wait_for_week(page, 0)

        before = _chart_sources(page)
        for week in range(1, 4):
            step.click()
            _wait_for_week(page, week)
        page.wait_for_timeout(500)
        after = _chart_sources(page)
        assert len(after) >= 4
        assert sum(a != b for a, b in zip(before, after, strict=False)) >= 3, "the charts did not change"
        _assert_no_error(page)

        # Switch the road: the model is rebuilt at week 0 and the page explains the new road.
        page.locator(".v-select").filter(has_text="Road").first.click()
        page.get_by_role("option", name="best_customer").click()
        page.get_by_text("Best customer (RFM)").first.wait_for(timeout=30_000)
        _wait_for_week(page, 0)

        # Drag the pressure slider (a click on its track at 80%): committed on release.
        pressure = page.locator(".v-input__slider").filter(has_text="Pressure on employees")
        track = pressure.locator(".v-slider").first.bounding_box()
        page.mouse.click(track["x"] + 0.8 * track["width"], track["y"] + track["height"] / 2)
        page.get_by_text(re.compile(r"Pressure on employees: 0\.[7-9]")).first.wait_for(timeout=30_000)

        # Play for a while, then pause; then step.
        page.get_by_role("button", name="▶").click()
        page.wait_for_function("/Week ([5-9]|[1-9][0-9]+)$/m.test(document.body.innerText)", timeout=60_000)
        page.get_by_role("button", name="❚❚").click()
        step.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)  # let a week in progress finish
        week = int(re.search(r"Week (\d+)\n", page.inner_text("body")).group(1))
        step.click()
        _wait_for_week(page, week + 1)
        page.wait_for_timeout(500)
        _assert_no_error(page)
        # The comparison with the status quo is on: the week card has both columns.
        assert "difference" in page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "app.png"), full_page=True)
    except BaseException:  # also pytest.fail: keep a picture of what the browser showed
        page.screenshot(path=str(ARTIFACTS / "app-failure.png"), full_page=True)
        raise
    finally:
        page.close()
    assert not python_errors, python_errors
