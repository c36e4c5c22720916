"""Meeting mode in a real browser: a tour runs start to end by key presses, the map moves to
each stop without being rebuilt, captions match the tour file, and the layout holds at
1280×720, 1920×1080 and 3840×2160."""

from __future__ import annotations

import contextlib
import itertools
import json
import statistics
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from components.basemaps import basemaps
from geodata.domain.tours import load_tours, pack_index
from geodata.model import pack_reader
from geodata.model.schema import LAYERS
from tests.e2e.helpers import (
    ARTIFACTS,
    MARKER_SPREAD_JS,
    console_errors_beyond_probes,
    unexpected_failures,
    until,
    wait_for_app,
)

MAP_FRAME = ".st-key-meeting_mapbox iframe[title='streamlit_folium.st_folium']"
TOUR = "xihu-2026-land"
NEXT_KEYS = ("ArrowRight", "PageDown")  # arrow keys and what presentation clickers send


@pytest.fixture(scope="module")
def index():
    layers = {n: pack_reader.read_pack_layer(n) for n in LAYERS}
    return pack_index(layers, pack_reader.read_pack_table("indicators"), basemaps())


def _tour(index, lang: str):
    tours, problems = load_tours(index, lang)
    assert not problems
    return next(t for t in tours if t.id == TOUR)


def _start(page, app_server, lang: str, width: int, height: int):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_server.url}/meeting?lang={lang}", wait_until="domcontentloaded")
    wait_for_app(page)
    page.locator(".st-key-meeting_start button").click()
    page.locator(".meeting-counter span").first.wait_for(state="attached", timeout=30_000)
    wait_for_app(page)
    frame = page.locator(MAP_FRAME).element_handle(timeout=30_000).content_frame()
    frame.wait_for_function("() => window.map && window.map.getContainer()", timeout=30_000)
    return frame


def _wait_view(frame, stop) -> None:
    """Until the map shows the stop's centre and zoom (st_folium moves it after the rerun)."""
    lat, lon = stop.view.center
    frame.wait_for_function(
        """([lat, lon, zoom]) => { const m = window.map; if (!m || m._animatingZoom) return false;
             const c = m.getCenter();
             return m.getZoom() === zoom && Math.abs(c.lat - lat) < 1e-3 && Math.abs(c.lng - lon) < 1e-3; }""",
        arg=[lat, lon, stop.view.zoom],
        timeout=30_000,
    )


def _shown_texts(page, selector: str) -> list[str]:
    """The texts of the elements a person sees (every stop's panel is on the page, one is shown)."""
    return page.evaluate(
        "(sel) => [...document.querySelectorAll(sel)].filter(e => e.checkVisibility({visibilityProperty: true}))"
        ".map(e => e.innerText.trim())",
        selector,
    )


def _wait_shown(page, frame, stop, lang: str) -> None:
    """Until the stop's caption is the visible one and the map is at its view (checked every frame)."""
    page.wait_for_function(
        """(want) => [...document.querySelectorAll('.meeting-caption')].some(
             e => e.checkVisibility({visibilityProperty: true}) && e.innerText.trim() === want)""",
        arg=stop.caption.get(lang), polling="raf", timeout=30_000,
    )  # fmt: skip
    _wait_view(frame, stop)


#: Records, from now on, the first moment the caption ``want`` is visible and which stop the
#: server's page names then (``.meeting-stage[data-stop]``, 0-based). Checked on every change
#: of the document (a microtask after the change, so right after the key's handler) and
#: every frame.
WATCH_STEP_JS = """(want) => {
  const w = window.__atlasStepWatch = {shown: null, server: null};
  const check = () => {
    if (w.shown !== null) return;
    const seen = [...document.querySelectorAll('.meeting-caption')].some(
      e => e.checkVisibility({visibilityProperty: true}) && e.innerText.trim() === want);
    if (!seen) return;
    w.shown = performance.now();
    const stage = document.querySelector('.meeting-stage');
    w.server = stage ? +stage.getAttribute('data-stop') : null;
  };
  const obs = new MutationObserver(() => { check(); if (w.shown !== null) obs.disconnect(); });
  obs.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  const poll = () => { check(); if (w.shown === null) requestAnimationFrame(poll); };
  requestAnimationFrame(poll);
}"""


def _layout_ok(page) -> None:
    box = page.evaluate(
        """() => { const r = e => e && e.getBoundingClientRect();
           const map = r(document.querySelector('.st-key-meeting_mapbox iframe'));
           const next = r(document.querySelector('.st-key-meeting_next button'));
           const counter = r(document.querySelector('.meeting-counter'));
           const sidebar = document.querySelector('[data-testid="stSidebar"]');
           return {w: innerWidth, h: innerHeight, scrollW: document.documentElement.scrollWidth,
                   map, next, counter,
                   sidebar: sidebar ? getComputedStyle(sidebar).display : 'none',
                   caption: parseFloat(getComputedStyle(document.querySelector('.meeting-caption')).fontSize)}; }"""
    )
    assert box["sidebar"] == "none"
    assert box["scrollW"] <= box["w"], f"page scrolls sideways: {box}"
    # the map fills most of the height and ends inside the viewport
    assert box["map"]["height"] >= 0.7 * box["h"], box
    assert box["map"]["bottom"] <= box["h"] + 1, box
    for name in ("next", "counter"):
        r = box[name]
        assert r["top"] >= 0, (name, box)
        assert r["bottom"] <= box["h"], (name, box)
        assert r["right"] <= box["w"], (name, box)
    # large type: at least 16 CSS px at 1280 wide, growing with the screen
    assert box["caption"] >= max(16, 0.0135 * box["w"]), box


@pytest.mark.parametrize(
    ("width", "height", "lang"),
    [(1920, 1080, "zh"), (1920, 1080, "en"), (1280, 720, "zh"), (1280, 720, "en")],
)
def test_tour_runs_start_to_end_by_keys(page, app_server, index, width: int, height: int, lang: str) -> None:
    tour = _tour(index, lang)
    frame = _start(page, app_server, lang, width, height)
    # mark the page and the Leaflet container: a reload or a rebuilt map loses the marks
    page.evaluate("() => { window.__atlasNoReload = true; }")
    frame.evaluate(
        "() => { window.map.getContainer().__atlasMark = 'same map'; window.__atlasFrameMark = 1; }"
    )
    centres = []
    step_ms: list[int] = []  # key press -> the new stop's caption shown and the map at its view
    for i, stop in enumerate(tour.stops):
        if i > 0:
            wait_for_app(page)
            page.evaluate(WATCH_STEP_JS, stop.caption.get(lang))
            pressed = time.perf_counter()
            page.keyboard.press(NEXT_KEYS[i % 2])
            _wait_shown(page, frame, stop, lang)
            step_ms.append(round((time.perf_counter() - pressed) * 1000))
            # the step happened in the browser: the caption showed while the server's page still
            # named the stop before (a server-side step can only show it after the server's run)
            seen = page.evaluate("() => window.__atlasStepWatch")
            assert seen["shown"] is not None, seen
            assert seen["server"] == i - 1, (i + 1, seen)
        page.wait_for_function(
            "(want) => document.querySelector('.meeting-counter')?.innerText.trim() === want",
            arg=f"{i + 1} / {len(tour.stops)}",
            timeout=30_000,
        )
        _wait_view(frame, stop)
        # the stop's markers are apart on the projector: none covers another
        with contextlib.suppress(PlaywrightTimeout):
            until(frame, f"() => ({MARKER_SPREAD_JS})().overlaps === 0", timeout=10_000)
        spread = frame.evaluate(MARKER_SPREAD_JS)
        assert spread["overlaps"] == 0, (i + 1, spread)
        # each takes its own click (the map's controls or edge may hide one: the stop's view
        # is the tour file's; at 1280×720 stop 2 has one marker under a control)
        assert spread["topmost"] + spread["underControls"] + spread["outside"] == spread["markers"], str(
            (i + 1, spread)
        )
        panel = page.locator(f".st-key-meeting_panel_{i}")
        if stop.chart is not None:  # one bar per cited figure, drawn before the presenter got here
            assert panel.locator("[data-testid='stPlotlyChart'] g.point").count() == len(stop.chart.indicators)
        assert _shown_texts(page, ".meeting-caption") == [stop.caption.get(lang)]
        assert _shown_texts(page, ".meeting-stop-title") == [stop.title.get(lang)]
        survived = frame.evaluate(
            "() => [window.map.getContainer().__atlasMark, window.__atlasFrameMark, "
            "window.map.getContainer().isConnected]"
        )
        assert survived == ["same map", 1, True], f"map rebuilt at stop {i + 1}: {survived}"
        assert page.evaluate("() => window.__atlasNoReload") is True
        centres.append(
            frame.evaluate(
                "() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]"
            )
        )
        if i == 0:
            _layout_ok(page)
        if i in (0, 2) or (i == 4 and width == 1920):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"meeting-{lang}-{width}x{height}-stop{i + 1}.png"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"meeting-steps-{lang}-{width}x{height}.json").write_text(json.dumps({"step_ms": step_ms}))
    # the step happens in the browser: the target is 250 ms median, 500 ms p95 (generous here for
    # a shared machine; bench/run.py measures it)
    assert statistics.median(step_ms) < 1000, step_ms
    # the server heard of the stop: a reload opens the tour where the presenter is
    wait_for_app(page)
    page.wait_for_function("() => window.__atlasStage && window.__atlasStage.pending === null", timeout=30_000)
    wait_for_app(page)
    page.reload(wait_until="domcontentloaded")
    n = len(tour.stops)
    page.wait_for_function(
        "(want) => document.querySelector('.meeting-counter')?.innerText.trim() === want", arg=f"{n} / {n}",
        timeout=60_000,
    )
    frame = page.locator(MAP_FRAME).element_handle(timeout=30_000).content_frame()
    frame.wait_for_function("() => window.map && window.map.getContainer()", timeout=30_000)
    _wait_view(frame, tour.stops[-1])
    page.evaluate("() => { window.__atlasNoReload = true; }")
    # the extent changed at every step
    assert all(a != b for a, b in itertools.pairwise(centres)), centres
    # back and forth: Home to the first stop, End to the last, PageUp one back, Escape leaves
    n = len(tour.stops)
    for key, want in (("Home", 1), ("End", n), ("PageUp", n - 1), ("ArrowLeft", n - 2)):
        page.keyboard.press(key)
        page.wait_for_function(
            "(want) => document.querySelector('.meeting-counter')?.innerText.trim() === want",
            arg=f"{want} / {n}",
            timeout=30_000,
        )
    # a clicker pressed three times quickly moves three stops, not one
    for _ in range(3):
        page.keyboard.press("PageDown")
    page.wait_for_function(
        "(want) => document.querySelector('.meeting-counter')?.innerText.trim() === want",
        arg=f"{n} / {n}",
        timeout=30_000,
    )
    wait_for_app(page)
    page.keyboard.press("Escape")
    page.locator(".st-key-meeting_start button").wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stSidebar']").is_visible()  # the sidebar is back
    page.screenshot(path=str(ARTIFACTS / f"meeting-{lang}-{width}x{height}-picker.png"))
    assert page.evaluate("() => window.__atlasNoReload") is True
    assert page.watch.outside == []
    assert unexpected_failures(page.watch, "meeting") == []
    assert console_errors_beyond_probes(page.watch, "meeting") == []


def test_layout_holds_at_4k(page, app_server, index) -> None:
    tour = _tour(index, "en")
    frame = _start(page, app_server, "en", 3840, 2160)
    _wait_view(frame, tour.stops[0])
    wait_for_app(page)
    _layout_ok(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "meeting-en-3840x2160-stop1.png"))


def test_keys_pressed_inside_the_map_step_the_tour_not_pan_the_map(page, app_server, index) -> None:
    tour = _tour(index, "zh")
    frame = _start(page, app_server, "zh", 1280, 720)
    _wait_view(frame, tour.stops[0])
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.3)  # focus goes into the map
    assert page.evaluate("() => document.activeElement.tagName") == "IFRAME"
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "(want) => document.querySelector('.meeting-counter')?.innerText.trim() === want",
        arg=f"2 / {len(tour.stops)}",
        timeout=30_000,
    )
    _wait_view(frame, tour.stops[1])  # exactly the stop's view: Leaflet did not pan on the arrow key
