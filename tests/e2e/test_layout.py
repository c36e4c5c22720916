"""The layout on the screens the atlas is used on: two phones (Playwright's device presets,
touch) and two desktop sizes, in both languages.

What a person sees is checked by pixel positions, not counts: every feature of the map's
content lies inside the visible map, clear of the legend and the tool column; the page
never scrolls sideways; a parcel link opens the parcel view. Each run writes the
screenshots in ``docs/screens/`` that the README shows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import Watch
from tests.e2e.helpers import ARTIFACTS, REPO, until, wait_for_app
from tests.e2e.server import TILE_HOSTS, TILE_PNG

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
SCREENS = REPO / "docs" / "screens"

SCREENS_OF = {
    "iphone": ("iPhone 13", None),
    "pixel": ("Pixel 7", None),
    "desk1600": (None, {"width": 1600, "height": 1000}),
    "desk1280": (None, {"width": 1280, "height": 800}),
}

#: The layers the opening view is fitted to (every one lies in the focus districts).
CONTENT = (
    ".leaflet-overlay-pane path.atlas-areas, .leaflet-overlay-pane path.atlas-parcels, "
    ".leaflet-overlay-pane path.atlas-projects, .leaflet-overlay-pane path.atlas-innovation"
)

# Inside the map's iframe: the map's box, the legend's box, the top-left tools' box and the
# centre of every content feature, all in the iframe's coordinates.
GEOMETRY_JS = """
(sel) => {
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
                     return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  const c = window.map.getContainer();
  // a marker set apart from others on one spot (map_declutter) counts at its true place:
  // the fit is of the features' coordinates; test_declutter checks the spread markers
  const homes = new Map();
  window.map.eachLayer(l => { if (l._path && l._atlasHome) homes.set(l._path, l._atlasHome); });
  const o = c.getBoundingClientRect();
  const pts = [...document.querySelectorAll(sel)].map(p => {
    if (homes.has(p)) { const q = window.map.latLngToContainerPoint(homes.get(p)); return [o.left + q.x, o.top + q.y]; }
    const r = p.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; });
  return {map: box(c), legend: box(document.querySelector('.atlas-legend-box')),
          tools: box(document.querySelector('.leaflet-top.leaflet-left')), points: pts,
          legendOpen: !!document.querySelector('.atlas-legend-box.atlas-legend-open')};
}
"""


@pytest.fixture
def device(request, browser) -> Iterator:
    """A page on the screen named by the test's ``screen`` parameter, with the same request
    rules as the shared ``page`` fixture (tiles generated, nothing leaves localhost)."""
    name, lang = request.param
    preset, viewport = SCREENS_OF[name]
    kwargs = dict(browser.devices[preset]) if preset else {"viewport": viewport}
    kwargs.pop("default_browser_type", None)
    context = browser.new_context(**kwargs, locale="zh-CN")
    watch = Watch()

    def route(r) -> None:
        host = urlparse(r.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        elif host in TILE_HOSTS:
            r.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        else:
            watch.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("pageerror", lambda e: watch.console_errors.append(f"pageerror: {e}"))
    pg.watch = watch
    pg.screen_name, pg.lang = name, lang
    yield pg
    context.close()


def _open(pg, url: str):
    pg.goto(url, wait_until="domcontentloaded")
    wait_for_app(pg)
    pg.locator(MAP_FRAME).first.wait_for(timeout=60_000)
    content = pg.locator(MAP_FRAME).first.element_handle().content_frame()
    until(content, "() => window.map && window.map.listens('click') && document.querySelector('path.atlas-districts')",
          timeout=60_000)  # fmt: skip
    wait_for_app(pg)
    return content


def _no_sideways_scroll(pg) -> None:
    width, inner = pg.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page scrolls sideways: {width} > {inner}"


def _inside(pt, box, slack: float = 0.0) -> bool:
    return box["l"] - slack <= pt[0] <= box["r"] + slack and box["t"] - slack <= pt[1] <= box["b"] + slack


def _check_fitted(pg, content, selector: str = CONTENT) -> dict:
    """Every content feature is drawn inside the map, clear of legend and tools; the map's
    frame itself lies inside the window's width."""
    frame_box = pg.locator(MAP_FRAME).first.bounding_box()
    inner = pg.evaluate("() => window.innerWidth")
    assert frame_box["x"] >= 0, frame_box
    assert frame_box["x"] + frame_box["width"] <= inner + 1, (frame_box, inner)
    # the fit runs after the frame has its size: wait (bounded) for the fitted state, then
    # assert each part of it so a failure says which part
    with contextlib.suppress(PlaywrightTimeout):  # the assertions below say what is wrong
        until(
            content,
            f"""() => {{ const g = ({GEOMETRY_JS})({selector!r}); if (!g.points.length) return false;
            const inside = (p, b) => b && p[0] >= b.l && p[0] <= b.r && p[1] >= b.t && p[1] <= b.b;
            const xs = g.points.map(p => p[0]), ys = g.points.map(p => p[1]);
            const spread = Math.max((Math.max(...xs) - Math.min(...xs)) / (g.map.r - g.map.l),
                                    (Math.max(...ys) - Math.min(...ys)) / (g.map.b - g.map.t));
            return spread >= 0.4 && g.points.every(p => inside(p, g.map) && !inside(p, g.legend)
                                                     && !inside(p, g.tools)); }}""",
            timeout=30_000,
        )
    geo = content.evaluate(GEOMETRY_JS, selector)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # what the assertions below judged
    pg.screenshot(path=str(ARTIFACTS / f"layout-{pg.screen_name}-{pg.lang}.png"))
    assert geo["points"], "no content features drawn"
    outside = [p for p in geo["points"] if not _inside(p, geo["map"])]
    assert not outside, f"{len(outside)} of {len(geo['points'])} features outside the map {geo['map']}"
    under_legend = [p for p in geo["points"] if geo["legend"] and _inside(p, geo["legend"])]
    assert not under_legend, f"{len(under_legend)} features under the legend {geo['legend']}"
    under_tools = [p for p in geo["points"] if geo["tools"] and _inside(p, geo["tools"])]
    assert not under_tools, f"{len(under_tools)} features under the tools {geo['tools']}"
    # fitted, not merely inside: the features spread over a fair part of the map
    xs, ys = [p[0] for p in geo["points"]], [p[1] for p in geo["points"]]
    spread = max((max(xs) - min(xs)) / (geo["map"]["r"] - geo["map"]["l"]),
                 (max(ys) - min(ys)) / (geo["map"]["b"] - geo["map"]["t"]))  # fmt: skip
    assert spread >= 0.4, f"features fill only {spread:.0%} of the map: not fitted {geo}"
    # and the map's frame shows on the first screen (its top half at least)
    frame = pg.locator(MAP_FRAME).first.bounding_box()
    assert frame["y"] + frame["height"] / 2 <= pg.viewport_size["height"], frame
    return geo


CASES = [("iphone", "zh"), ("pixel", "en"), ("desk1600", "zh"), ("desk1280", "en"),
         ("iphone", "en"), ("desk1600", "en")]  # fmt: skip
IDS = [f"{s}-{lang}" for s, lang in CASES]


@pytest.mark.parametrize("device", CASES, ids=IDS, indirect=True)
@pytest.mark.parametrize("page_path", ["", "parcels", "areas"])
def test_map_is_fitted_and_page_fits_the_screen(device, app_server, page_path) -> None:
    pg = device
    content = _open(pg, f"{app_server.url}/{page_path}?lang={pg.lang}")
    geo = _check_fitted(pg, content)
    # the legend starts collapsed on a narrow map (a button: every phone), open on a wide one
    wide = geo["map"]["r"] - geo["map"]["l"] >= 600
    assert geo["legendOpen"] is wide, (geo["legendOpen"], geo["map"])
    if pg.screen_name in ("iphone", "pixel"):
        assert not geo["legendOpen"]
    _no_sideways_scroll(pg)
    if page_path == "areas" and pg.screen_name == "desk1600":
        # the dashboard: the whole map and the selected area's first chart beside it, on
        # one screen without scrolling
        chart = pg.locator(".st-key-dash_side .js-plotly-plot").first
        chart.wait_for(timeout=30_000)
        cb, mb = chart.bounding_box(), pg.locator(MAP_FRAME).first.bounding_box()
        height = pg.viewport_size["height"]
        assert cb["x"] >= mb["x"] + mb["width"], (cb, mb)
        assert cb["y"] >= 0, cb
        assert cb["y"] + cb["height"] <= height, (cb, height)
        assert mb["y"] + mb["height"] <= height, (mb, height)
    SCREENS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENS / f"{page_path or 'overview'}-{pg.screen_name}-{pg.lang}.png"))
    assert pg.watch.outside == [], pg.watch.outside
    assert pg.watch.console_errors == [], pg.watch.console_errors


@pytest.mark.parametrize(
    "device", [("iphone", "zh"), ("pixel", "en")], ids=["iphone-zh", "pixel-en"], indirect=True
)
def test_parcel_link_opens_on_the_parcel(device, app_server) -> None:
    """The brochure's QR code on a phone: the parcel's name, facts, small map and contact
    come first, above the explorer."""
    from geodata.model import pack_reader
    from geodata.text.i18n import translate

    pg = device
    parcel = pack_reader.read_pack_layer("parcels").iloc[0]
    name = parcel["name_en"] if pg.lang == "en" else parcel["name_zh"]
    _open(pg, f"{app_server.url}/parcels?sel={parcel['id']}&lang={pg.lang}")
    sheet = pg.locator(".st-key-parcel_sheet")
    sheet.wait_for(timeout=60_000)
    sheet_box = sheet.bounding_box()
    main_map = pg.locator(MAP_FRAME).first.bounding_box()
    assert sheet_box["y"] < main_map["y"], (sheet_box, main_map)
    title = sheet.get_by_text(name, exact=False).first
    box = title.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= pg.viewport_size["height"], box
    assert sheet.get_by_text(translate("layout.contact_title", pg.lang), exact=True).count() == 1
    small = pg.locator(f".st-key-parcel_small_map {MAP_FRAME}")
    small_box = small.bounding_box()
    assert small_box["height"] >= 200, small_box
    inner = small.element_handle().content_frame()
    until(inner, "() => document.querySelector('path.atlas-highlight')", timeout=30_000)
    ring, frame = inner.evaluate(
        """() => { const r = document.querySelector('path.atlas-highlight').getBoundingClientRect();
                   const m = window.map.getContainer().getBoundingClientRect();
                   return [[r.left + r.width / 2, r.top + r.height / 2], {l: m.left, t: m.top, r: m.right, b: m.bottom}]; }"""
    )
    assert _inside(ring, frame), (ring, frame)
    _no_sideways_scroll(pg)
    SCREENS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENS / f"parcel-link-{pg.screen_name}-{pg.lang}.png"))


#: The other public pages: each fits a phone and a desk (the meeting page is made for a
#: projector; on a phone it must still not scroll sideways).
OTHER_PAGES = ["thematic", "policies", "recommend", "sources", "meeting"]


@pytest.mark.parametrize(
    "device", [("iphone", "zh"), ("desk1600", "en")], ids=["iphone-zh", "desk1600-en"], indirect=True
)
@pytest.mark.parametrize("page_path", OTHER_PAGES)
def test_every_other_public_page_fits_the_screen(device, app_server, page_path) -> None:
    pg = device
    pg.goto(f"{app_server.url}/{page_path}?lang={pg.lang}", wait_until="domcontentloaded")
    wait_for_app(pg)
    pg.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for(timeout=60_000)
    if page_path == "thematic":  # its map is drawn, and the frame lies inside the window
        pg.locator(MAP_FRAME).first.wait_for(timeout=60_000)
        content = pg.locator(MAP_FRAME).first.element_handle().content_frame()
        until(content, "() => window.map && document.querySelector('path.atlas-districts')", timeout=60_000)
        frame_box = pg.locator(MAP_FRAME).first.bounding_box()
        assert frame_box["x"] >= 0, frame_box
        assert frame_box["x"] + frame_box["width"] <= pg.viewport_size["width"] + 1, frame_box
    wait_for_app(pg)
    _no_sideways_scroll(pg)
    if pg.screen_name == "iphone":
        # one thumb: every visible button of the page is a 44 px tap target
        heights_js = """() => [...document.querySelectorAll("[data-testid='stMainBlockContainer'] button")]
                 .map(b => b.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0)
                 .map(r => Math.round(r.height))"""
        # (a rerun redraws the page's stylesheet with its elements: wait, bounded, for it)
        with contextlib.suppress(PlaywrightTimeout):  # the assertion says what is wrong
            until(pg, f"() => ({heights_js})().every(h => h >= 44)", timeout=10_000)
        heights = pg.evaluate(heights_js)
        assert all(h >= 44 for h in heights), heights
    SCREENS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENS / f"{page_path}-page-{pg.screen_name}-{pg.lang}.png"), full_page=True)
    assert pg.watch.outside == [], pg.watch.outside
    assert pg.watch.console_errors == [], pg.watch.console_errors
