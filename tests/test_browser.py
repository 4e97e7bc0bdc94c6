"""The live page in a real browser at 1280 x 720 (a classroom projector), driven by Playwright.

The page is served on localhost by ``solara run``; Playwright drives Debian's Chromium
(``apt-get install -y chromium``; ``.ci/run`` installs it), never its own browser download:
the tests launch ``/usr/bin/chromium`` (or ``$CHROMIUM``). Without Chromium or the
``playwright`` package the tests are skipped, and pytest's summary says why.

What a teacher expects on a projector, checked: the page opens on a road (not the status
quo) against its dashed twin; every menu and every visible text uses plain names, no
identifier; the week and at least two charts are on screen on load, with nothing covering
them; play stops at the horizon and continues; any road can be the twin; a bad seed is
refused visibly. Each test keeps a screenshot in ``test-artifacts/`` (``*-failure.png``
when it fails).
"""

from __future__ import annotations

import contextlib
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
VIEWPORT = {"width": 1280, "height": 720}


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
    return page.locator(".cc-charts img").evaluate_all("imgs => imgs.map(i => i.src)")


def _identifiers() -> list[str]:
    """Every road and scenario identifier with an underscore: none may show on the page."""
    from sim.page.explorer import load_scenarios
    from sim.roads import ROADS

    return sorted(name for name in {*ROADS, *load_scenarios()} if "_" in name)


@contextlib.contextmanager
def opened(browser, url: str, name: str):
    """A new session of the page at 1280 x 720, loaded at week 0; screenshots kept under ``name``."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    missing_assets: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: missing_assets.append(r.url) if "/_solara/cdn/" in r.url and r.status >= 400 else None)
    try:
        page.goto(url)
        try:
            page.get_by_role("button", name="Step").wait_for(timeout=90_000)
        except Exception:
            hint = ("\nThe page's scripts are served from solara's asset cache; offline, install them with "
                    "`pip install solara-assets`." if missing_assets else "")
            pytest.fail(f"the page did not load; missing assets: {missing_assets}{hint}")
        page.wait_for_function("document.querySelectorAll('img').length >= 4", timeout=60_000)
        _wait_for_week(page, 0)
        _assert_no_error(page)
        yield page
        _assert_no_error(page)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    except BaseException:  # also pytest.fail: keep a picture of what the browser showed
        page.screenshot(path=str(ARTIFACTS / f"{name}-failure.png"))
        raise
    finally:
        page.close()
    assert not errors, errors


def _assert_no_error(page) -> None:
    body = page.inner_text("body")
    assert "Traceback" not in body, body[-2000:]
    assert "error while playing" not in body
    assert page.locator(".v-alert.error").count() == 0, page.locator(".v-alert.error").first.inner_text()


def _week(page) -> int:
    return int(re.fullmatch(r"Week (\d+)", page.locator(".cc-week").inner_text().strip()).group(1))


def _wait_for_week(page, week: int) -> None:
    page.locator(".cc-week").filter(has_text=re.compile(rf"^Week {week}$")).wait_for(timeout=30_000)


def _menu(page, label: str):
    """The drop-down whose label is exactly ``label``."""
    return page.locator(".v-select").filter(has=page.locator("label", has_text=re.compile(rf"^{re.escape(label)}$")))


def _open(page, label: str) -> None:
    _menu(page, label).locator(".v-select__slot").click()  # the field itself, not its hint below


def _choose(page, label: str, option: str) -> None:
    _open(page, label)
    page.get_by_role("option", name=option, exact=True).click()


def _menu_items(page, label: str) -> list[str]:
    _open(page, label)
    items = page.get_by_role("option")
    items.first.wait_for(timeout=10_000)
    texts = [t.strip() for t in items.all_inner_texts()]
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    return texts


def _enter(page, label: str, text: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press("Enter")


def _inside_viewport(box) -> bool:
    return (box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"]
            and box["y"] + box["height"] <= VIEWPORT["height"])


def test_opening_view_fits_a_projector_in_plain_names(served_page, browser):
    from sim.roads import ROADS

    with opened(browser, served_page, "page-1280x720") as page:
        # Opens on a road with something to see, against its dashed twin.
        road = _menu(page, "Road").locator(".v-select__selection").inner_text().strip()
        assert road in {cls.title for cls in ROADS.values()} and road != ROADS["status_quo"].title
        assert "Status quo (same seed, 0)" in page.locator(".cc-key").inner_text()

        # The week, the run buttons and at least two charts (here all four) on screen, uncovered.
        assert _inside_viewport(page.locator(".cc-week").bounding_box())
        assert _inside_viewport(page.get_by_role("button", name="▶").bounding_box())
        charts = [img.bounding_box() for img in page.locator(".cc-charts img").all()]
        on_screen = [box for box in charts if _inside_viewport(box)]
        assert len(on_screen) >= 2, charts
        assert all(box["width"] >= 0.3 * VIEWPORT["width"] for box in on_screen), "charts use the width"
        assert "runs on Solara" not in page.inner_text("body")

        # Plain names everywhere: the visible text and every menu's items.
        identifiers = _identifiers()
        assert {"competing_values", "status_quo", "retail_bank", "industrial_b2b"} <= set(identifiers)
        shown = {"page": page.inner_text("body")}
        for label in ("Road", "Compare with (dashed)", "Scenario", "Speed"):
            shown[label] = "\n".join(_menu_items(page, label))
        assert shown["Road"].splitlines()[0] == "Status quo" and "Competing values (adaptive)" in shown["Road"]
        assert "Retail Bank" in shown["Scenario"] and "fast: 30 weeks a second" in shown["Speed"]
        for where, text in shown.items():
            found = [name for name in identifiers if name in text]
            assert not found, f"raw identifiers in {where}: {found}"


def test_play_stops_at_the_horizon_and_continues(served_page, browser):
    with opened(browser, served_page, "page-1280x720-horizon") as page:
        step = page.get_by_role("button", name="Step")
        before = _chart_sources(page)
        step.click()
        _wait_for_week(page, 1)
        page.wait_for_timeout(300)
        assert sum(a != b for a, b in zip(before, _chart_sources(page), strict=False)) >= 3, "the charts redraw"

        _choose(page, "Speed", "flat out: as fast as it goes")
        _enter(page, "Stop at week", "104")
        page.get_by_text("of 104", exact=True).wait_for(timeout=10_000)
        page.get_by_role("button", name="▶").click()
        page.get_by_text("stopped at the horizon", exact=False).wait_for(timeout=60_000)
        assert _week(page) == 104
        page.wait_for_timeout(1000)
        assert _week(page) == 104, "play went past the horizon"
        assert page.get_by_role("button", name="▶").is_disabled()
        page.screenshot(path=str(ARTIFACTS / "page-1280x720-at-horizon.png"))

        _choose(page, "Speed", "steady: 4 weeks a second")
        page.get_by_role("button", name="Continue for another 260 weeks").click()
        page.wait_for_function("parseInt(document.querySelector('.cc-week').textContent.slice(5)) >= 106",
                               timeout=30_000)
        page.get_by_role("button", name="❚❚").click()
        page.get_by_role("button", name="▶").wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        paused = _week(page)
        assert 104 < paused < 364 and page.get_by_text("of 364", exact=True).is_visible()
        page.wait_for_timeout(600)
        assert _week(page) == paused, "pause did not stop play"


def test_any_road_can_be_the_twin(served_page, browser):
    with opened(browser, served_page, "page-1280x720-twin") as page:
        _choose(page, "Compare with (dashed)", "Mission (strategic differentiator)")
        page.locator(".cc-key").filter(has_text="Mission (strategic differentiator), pressure 0.35 (same seed, 0)") \
            .wait_for(timeout=30_000)
        _wait_for_week(page, 0)
        page.get_by_role("button", name="Step").click()
        _wait_for_week(page, 1)
        assert "Mission (strategic differentiator) (dashed)" in page.locator(".cc-below").inner_text()

        # The chosen road changes too; the twin stays; pressure is a slider committed on release.
        _choose(page, "Road", "Best customer (RFM)")
        page.get_by_text("Best customer (RFM), pressure 0.30").first.wait_for(timeout=30_000)
        pressure = page.locator(".v-input__slider").filter(has_text="Pressure on employees")
        track = pressure.locator(".v-slider").first.bounding_box()
        page.mouse.click(track["x"] + 0.8 * track["width"], track["y"] + track["height"] / 2)
        page.get_by_text(re.compile(r"Pressure on employees: 0\.[7-9]")).first.wait_for(timeout=30_000)
        page.get_by_text(re.compile(r"Best customer \(RFM\), pressure 0\.[7-9]")).first.wait_for(timeout=30_000)
        assert "Mission (strategic differentiator)" in page.locator(".cc-key").inner_text()


def test_a_bad_seed_is_refused_with_the_allowed_range(served_page, browser):
    with opened(browser, served_page, "page-1280x720-bad-seed") as page:
        for typed, said in (("-5", "Seed -5 is refused"), ("abc", "Seed 'abc' is refused")):
            _enter(page, "Seed", typed)
            message = page.get_by_text(said)
            message.wait_for(timeout=10_000)
            assert "allowed is a whole number from 0 to 9,223,372,036,854,775,807" in message.inner_text()
            message.scroll_into_view_if_needed()  # below the field typed into, which the teacher is looking at
            assert _inside_viewport(message.bounding_box())
            assert "(same seed, 0)" in page.locator(".cc-key").inner_text(), "the seed silently changed"
            page.screenshot(path=str(ARTIFACTS / "page-1280x720-bad-seed-refused.png"))
        _enter(page, "Seed", "5")
        page.locator(".cc-key").filter(has_text="(same seed, 5)").wait_for(timeout=30_000)
        assert page.get_by_text("is refused").count() == 0
