"""Markers on one spot are set apart (``components/map_declutter.py``): at the city zoom
every site, zone, project and innovation source is its own circle, clear of the others,
topmost at its centre (a click reaches it), with a line to its true place and a count per
group; zoomed in where they are apart, each is back at its coordinates."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.helpers import ARTIFACTS, MAP_FRAME, MARKER_SPREAD_JS, REPO, until, wait_for_app

SCREENS = REPO / "docs" / "screens"

SHIPPED_POINTS = 37  # 13 zone and park points, 5 sites, 9 projects, 10 innovation sources


def _spread(frame) -> dict:
    """The markers once the spread has settled (it runs just after each zoom)."""
    with contextlib.suppress(PlaywrightTimeout):  # the assertions then say what is wrong
        until(frame, f"() => ({MARKER_SPREAD_JS})().overlaps === 0", timeout=10_000)
    return frame.evaluate(MARKER_SPREAD_JS)


def _check(state: dict) -> None:
    assert state["overlaps"] == 0, state
    # every one takes its own click: no marker, line or count covers another; only the
    # map's own controls may, or the map's edge (on a phone's narrow map a ring can reach
    # under the tools or past the edge; a pan brings it out)
    assert state["topmost"] + state["underControls"] + state["outside"] == state["markers"], str(state)
    # displaced where circles would overlap at their true places, one line each, and the
    # counts add up to the markers moved
    assert state["atHome"] == 0 or state["moved"] > 0, state
    assert state["lines"] == state["moved"] == sum(state["counts"]), state


@pytest.mark.parametrize("screen", ["desk", "iphone"])
def test_markers_on_one_spot_are_set_apart_and_come_back_when_zoomed_in(browser, app_server, screen) -> None:
    kwargs = {"viewport": {"width": 1600, "height": 1000}}
    if screen == "iphone":
        kwargs = dict(browser.devices["iPhone 13"])
        kwargs.pop("default_browser_type", None)
    ctx = browser.new_context(**kwargs, locale="zh-CN")
    page = ctx.new_page()
    page.goto(app_server.url, wait_until="domcontentloaded")
    wait_for_app(page)
    page.locator(MAP_FRAME).wait_for(timeout=60_000)
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    until(frame, "() => !!(window.map && window.map._atlasFitted)", timeout=60_000)

    city = _spread(frame)
    assert city["markers"] == SHIPPED_POINTS, city  # all in view (a closer view draws only its own)
    _check(city)
    # the city zoom does stack them: without the spread, circles would overlap
    assert city["atHome"] > 0, city
    if screen == "desk":  # a desk's map has room for every ring
        assert city["underControls"] == city["outside"] == 0, city
    assert city["counts"], city
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"declutter-{screen}-city.png"))
    # the README's picture of the spread (the desk's is the one shown)
    if screen == "desk":
        page.locator(MAP_FRAME).screenshot(path=str(SCREENS / "overview-markers-apart-desk1600-zh.png"))

    # a tooltip shows for a marker that was moved (the hover reaches it)
    at = frame.evaluate(
        "() => { const l = Object.values(window.map._layers).find(l => l._atlasHome && l._path"
        " && !l.getLatLng().equals(l._atlasHome)); const r = l._path.getBoundingClientRect();"
        " return [r.left + r.width / 2, r.top + r.height / 2]; }"
    )
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.move(box["x"] + at[0], box["y"] + at[1])
    frame.locator(".leaflet-tooltip").first.wait_for(timeout=5_000)

    # zoom in on the largest group: far fewer circles touch, and those apart are at home
    frame.evaluate(
        "() => { const ls = Object.values(window.map._layers).filter(l => l._atlasHome && l._path"
        " && !l.getLatLng().equals(l._atlasHome));"
        " window.map.getContainer().dispatchEvent(new KeyboardEvent('keydown', {bubbles: true}));"
        " window.map.setView(ls[0]._atlasHome, 17, {animate: false}); }"
    )
    close = _spread(frame)
    _check(close)
    assert close["moved"] < city["moved"], (city, close)
    ctx.close()
