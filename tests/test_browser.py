"""The live page in a real browser at 1280 x 720 (a classroom projector), driven by Playwright.

The page is served on localhost by ``solara run``; Playwright drives Debian's Chromium
(``apt-get install -y chromium``; ``.ci/run`` installs it), never its own browser download:
the tests launch ``/usr/bin/chromium`` (or ``$CHROMIUM``). Without Chromium or the
``playwright`` package the tests are skipped, and pytest's summary says why.

What a teacher expects on a projector, checked: the page opens on a road (not the status
quo) against its dashed twin; every menu and every visible text uses plain names, no
identifier; the week and at least two charts are on screen on load, with nothing covering
them; no text under 14 px (the page's and the charts', as the browser shows them) and none
cut off or overflowing its box, also with the longest road names and with a menu open;
play stops at the horizon and continues; any road can be the twin; a refused input says
why where the input is, with a limit a person can read, even when the field sits at the
bottom edge of the screen. Each test keeps a screenshot in ``test-artifacts/``
(``*-failure.png`` when it fails).
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


#: Every text node the page renders: its size as shown (font size times any CSS scaling, as
#: Vuetify's 75% floating labels) and, when it does not fit, why: its block is wider than its
#: box (cut off with "..." or spilling out), or it reaches past a box that clips it.
TEXTS_JS = r"""
() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || ['SCRIPT', 'STYLE', 'TITLE', 'NOSCRIPT'].includes(el.tagName)) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.getClientRects().length === 0) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let scale = 1;
    for (let a = el; a; a = a.parentElement) {
      const t = getComputedStyle(a).transform;
      if (t && t !== 'none') { const m = new DOMMatrix(t); scale *= Math.hypot(m.a, m.b); }
    }
    let problem = null;
    let block = el;
    while (block.parentElement && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    if (block.scrollWidth > block.clientWidth + 1)
      problem = `wider than its box (${block.scrollWidth} > ${block.clientWidth} px)`;
    for (let a = el.parentElement; !problem && a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible') {
        const b = a.getBoundingClientRect();
        if (r.left < b.left - 1 || r.right > b.right + 1) problem = 'reaches past a box that clips it';
        break;
      }
    }
    if (!problem && (r.left < -1 || r.right > window.innerWidth + 1)) problem = 'reaches past the window';
    found.push({text: text.slice(0, 80), px: parseFloat(style.fontSize) * scale, problem});
  }
  return found;
}
"""


def _texts(page) -> list[dict]:
    return page.evaluate(TEXTS_JS)


def _assert_readable_and_whole(page, where: str) -> None:
    """No text under 14 px and none cut off or overflowing, in the page and in its charts."""
    from sim.page.charts import MIN_TEXT_PX, TEXT_PT

    texts = _texts(page)
    assert len(texts) > 40, texts
    small = [(t["text"], round(t["px"], 1)) for t in texts if t["px"] < MIN_TEXT_PX - 0.01]
    assert not small, f"{where}: text under {MIN_TEXT_PX} px: {small}"
    cut = [(t["text"], t["problem"]) for t in texts if t["problem"]]
    assert not cut, f"{where}: text cut off or overflowing: {cut}"
    # The charts are pictures: their smallest text as the browser scales them, and none cropped.
    for shown in page.locator(".cc-charts img").evaluate_all(
            "imgs => imgs.map(i => ({w: i.clientWidth, h: i.clientHeight, nw: i.naturalWidth, nh: i.naturalHeight,"
            " cell: i.parentElement.getBoundingClientRect().width}))"):
        assert shown["nw"] > 0 and TEXT_PT * 96 / 72 * shown["w"] / shown["nw"] >= MIN_TEXT_PX, (where, shown)
        assert abs(shown["h"] / shown["w"] - shown["nh"] / shown["nw"]) < 0.01 and shown["w"] <= shown["cell"] + 1


def _charts_as_the_page_draws_them(week: int, **chosen):
    """The page's charts for its opening settings (and ``chosen`` ones) at ``week``, drawn here."""
    from sim.page.charts import CHARTS
    from sim.page.explorer import ExplorerModel, controls_for

    model = ExplorerModel(**controls_for(**chosen))
    model.run(week)
    charts = [kind(model) for kind in CHARTS]
    for chart in charts:
        chart.png(model)
    return charts


def _inside_viewport(box) -> bool:
    return (box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"]
            and box["y"] + box["height"] <= VIEWPORT["height"])


def test_opening_view_fits_a_projector_in_plain_names(served_page, browser):
    from sim.roads import ROADS

    with opened(browser, served_page, "page-1280x720") as page:
        # Opens on a road with something to see, against its dashed twin.
        road = _menu(page, "Road").locator(".v-select__selection").inner_text().strip()
        assert road in {cls.title for cls in ROADS.values()} and road != ROADS["status_quo"].title
        assert "Status quo" in page.locator(".cc-key").inner_text()

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
            jargon = [word for word in ("same seed", "value tier", "twin") if word in text.lower()]
            assert not jargon, f"jargon in {where}: {jargon}"


def test_no_text_is_small_cut_off_or_overflowing(served_page, browser):
    """At 1280 x 720: on load, with a menu open, with the longest road names chosen, and after
    play, every text is 14 px or more and whole (seen before: 9-12 px axis numbers and legends,
    "Mission (strategic differentiat..." in the road menu, a legend past its panel)."""
    with opened(browser, served_page, "page-1280x720-readable") as page:
        _assert_readable_and_whole(page, "on load")
        for label in ("Road", "Compare with (dashed)"):
            _open(page, label)
            page.get_by_role("option").first.wait_for(timeout=10_000)
            page.wait_for_timeout(400)  # the menu's opening transition
            _assert_readable_and_whole(page, f"the {label} menu open")
            page.keyboard.press("Escape")
            page.wait_for_timeout(300)
        _choose(page, "Road", "Competing values (adaptive)")
        page.get_by_text("Tension set-point", exact=False).first.wait_for(timeout=30_000)
        _choose(page, "Compare with (dashed)", "Mission (strategic differentiator)")
        page.locator(".cc-key").filter(has_text="Mission (strategic differentiator)").wait_for(timeout=30_000)
        _assert_readable_and_whole(page, "the longest road names")
        _choose(page, "Speed", "flat out: as fast as it goes")
        _enter(page, "Stop at week", "120")
        page.get_by_role("button", name="▶").click()
        page.get_by_text("stopped at the horizon", exact=False).wait_for(timeout=60_000)
        page.wait_for_timeout(500)
        _assert_readable_and_whole(page, "at week 120")
        page.screenshot(path=str(ARTIFACTS / "page-1280x720-readable-week-120.png"))
        # The pictures' own texts: whole, apart, and 14 px as shown (the same run, drawn here).
        shown_width = page.locator(".cc-charts img").first.evaluate("i => i.clientWidth")
        for chart in _charts_as_the_page_draws_them(120, road="competing_values", twin_road="mission"):
            assert chart.layout_problems(shown_width=shown_width) == [], type(chart).__name__


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
        page.locator(".cc-key").filter(has_text="Mission (strategic differentiator), pressure 0.35") \
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


def _field_at_the_bottom_edge(page, label: str) -> None:
    """Scroll the controls so that the field's input line is the last thing on screen: what
    appears below it is out of view unless the page brings it into view."""
    page.evaluate("""label => {
        const field = [...document.querySelectorAll('.cc-controls label')].find(l => l.textContent.trim() === label)
            .closest('.v-input').querySelector('.v-input__slot');
        const column = document.querySelector('.cc-controls');
        column.scrollTop += field.getBoundingClientRect().bottom - Math.min(column.getBoundingClientRect().bottom,
                                                                            window.innerHeight) + 1;
    }""", label)
    page.wait_for_timeout(300)


@pytest.mark.parametrize(("label", "typed", "said", "limit"), [
    ("Seed", "-5", "Seed -5 is refused", "from 0 to 2⁶³ − 1"),
    ("Seed", "abc", "Seed 'abc' is refused", "from 0 to 2⁶³ − 1"),
    ("Seed", "99999999999999999999", "Seed 99999999999999999999 is refused", "from 0 to 2⁶³ − 1"),
    ("Stop at week", "0", "Stop at week 0 is refused", "from 1 to 5,200"),
])
def test_a_refused_input_says_why_where_it_is(served_page, browser, label, typed, said, limit):
    """A refused value's reason shows right below its field, in view, readable, with a limit a
    person can read (seen before: only a red label, the reason below the fold, quoting
    9,223,372,036,854,775,807)."""
    with opened(browser, served_page, f"page-1280x720-refused-{label.split()[0].lower()}") as page:
        page.get_by_role("button", name="Step").click()
        _wait_for_week(page, 1)
        _field_at_the_bottom_edge(page, label)
        field = page.get_by_label(label, exact=True)
        assert _inside_viewport(field.bounding_box())
        field.fill(typed)
        field.press("Enter")
        message = page.get_by_text(said)
        message.wait_for(timeout=10_000)
        page.wait_for_timeout(600)  # no scrolling here: the page must bring the reason into view itself
        page.screenshot(path=str(ARTIFACTS / f"page-1280x720-refused-{label.split()[0].lower()}-shown.png"))
        assert _inside_viewport(message.bounding_box()), message.bounding_box()
        assert _inside_viewport(field.bounding_box()), "the field typed into stays in view"
        text = message.inner_text()
        assert f"allowed is a whole number {limit}." in text and not re.search(r"\d{1,3}(,\d{3}){4,}", text)
        size = [t["px"] for t in _texts(page) if t["text"].startswith(said)]
        assert size and min(size) >= 14, size
        assert _week(page) == 1, "a refused value must not rebuild the model"
        if label == "Seed":
            _enter(page, "Seed", "5")
            _wait_for_week(page, 0)  # a good seed rebuilds at week 0
            assert page.get_by_text("is refused").count() == 0
