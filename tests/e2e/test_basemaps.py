"""Basemaps in a real browser: the offline fallback, and parcels that sit on the same spot of
the basemap whether it is drawn in WGS-84 (OpenStreetMap) or GCJ-02 (Amap).

Tile servers are mocked: every tile request is answered here. For the alignment test the
"imagery" is where each server would draw the parcel's street corner: at the parcel's
WGS-84 position on OpenStreetMap, at its GCJ-02 position on Amap (Amap's deliberate
offset). The parcel marker must sit on that spot on both, within 2 px.
"""

from __future__ import annotations

import math
from urllib.parse import urlparse

import pytest

from geodata.geo.crs import wgs84_to_gcj02
from geodata.model import pack_reader
from tests.e2e.helpers import ARTIFACTS, FEATURE_CENTRE_JS, MAP_FRAME, wait_for_app
from tests.e2e.server import TILE_HOSTS, TILE_PNG

ZOOM = 15
SITE = "site-ucas-south"


def _tile_pixel(lat: float, lng: float, z: int) -> tuple[int, int, float, float]:
    """Web-Mercator tile (x, y) holding a point, and the point's pixel inside that tile."""
    n = 2**z
    fx = (lng + 180.0) / 360.0 * n
    fy = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return int(fx), int(fy), (fx - int(fx)) * 256, (fy - int(fy)) * 256


def _choose_basemap(page, label: str) -> None:
    # mark the current map so the wait below can tell the new map (a new frame) from it
    page.locator(MAP_FRAME).element_handle().content_frame().evaluate("() => { window.__old_map = true; }")
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=label).click()
    wait_for_app(page)


def _single_map(page):
    page.wait_for_function(
        """(sel) => { const f = document.querySelectorAll(sel);
            return f.length === 1 && !f[0].contentWindow.__old_map
                && f[0].contentWindow.map && f[0].contentWindow.map.listens('click')
                && !f[0].contentWindow.map._animatingZoom; }""",
        arg=MAP_FRAME,
        timeout=30_000,
    )
    return page.locator(MAP_FRAME).element_handle().content_frame()


def test_unreachable_tiles_fall_back_to_the_offline_basemap(browser, app_server) -> None:
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    outside: list[str] = []

    def route(r) -> None:
        host = urlparse(r.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:  # no internet at all: tile servers included
            if host not in TILE_HOSTS:
                outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.goto(app_server.url, wait_until="domcontentloaded")
    wait_for_app(page)
    content = _single_map(page)
    content.wait_for_selector(".atlas-offline-notice", timeout=20_000)
    assert "离线底图" in content.inner_text(".atlas-offline-notice")
    assert content.locator(".atlas-district-label").count() == 13
    # the main map's tile pane (the minimap has its own, and is hidden offline)
    assert content.locator("#map_div > .leaflet-map-pane > .leaflet-tile-pane img.leaflet-tile").count() == 0
    # (bounded wait: twice in ~8 full runs the minimap still showed at this point, never when
    # re-run alone; the cause is not found, the hiding itself is checked)
    content.locator(".leaflet-control-minimap").first.wait_for(state="hidden", timeout=5_000)
    assert not content.locator(".leaflet-control-minimap").first.is_visible()
    assert content.locator("path.atlas-parcels").count() == 5
    page.screenshot(path=str(ARTIFACTS / "offline-fallback.png"))
    assert outside == []
    ctx.close()


@pytest.mark.parametrize(("label", "gcj"), [("OpenStreetMap", False), ("高德地图", True)])
def test_a_parcel_sits_on_the_same_basemap_spot_in_both_coordinate_systems(
    page, app_server, label, gcj
) -> None:
    site = pack_reader.read_pack_layer("parcels").set_index("id").loc[SITE]
    lng, lat = wgs84_to_gcj02(site.geometry.x, site.geometry.y) if gcj else (site.geometry.x, site.geometry.y)
    tx, ty, px, py = _tile_pixel(float(lat), float(lng), ZOOM)

    page.goto(app_server.url, wait_until="domcontentloaded")
    wait_for_app(page)
    if label != "OpenStreetMap":
        _choose_basemap(page, label)
    content = _single_map(page)
    # centre on the parcel as drawn (WGS-84 or GCJ-02), at a zoom where 500 m is ~100 px
    needle = f"/{ZOOM}/{tx}/{ty}.png" if not gcj else f"x={tx}&y={ty}&z={ZOOM}"
    content.evaluate(
        "([lat, lng, z]) => window.map.setView([lat, lng], z, {animate: false})",
        [float(lat), float(lng), ZOOM],
    )
    content.wait_for_function(
        "([needle, z]) => window.map.getZoom() === z && Array.from(document.querySelectorAll("
        "'img.leaflet-tile')).some(i => i.src.includes(needle) && i.complete)",
        arg=[needle, ZOOM],
        timeout=15_000,
    )
    spot = content.evaluate(
        """([needle, px, py]) => {
            const img = Array.from(document.querySelectorAll('img.leaflet-tile')).find(i => i.src.includes(needle));
            const r = img.getBoundingClientRect();
            return [r.left + px * r.width / 256, r.top + py * r.height / 256];
        }""",
        [needle, px, py],
    )
    marker = content.evaluate(f"({FEATURE_CENTRE_JS})", ["parcels", SITE])
    assert abs(marker[0] - spot[0]) <= 2, (label, marker, spot)
    assert abs(marker[1] - spot[1]) <= 2, (label, marker, spot)

    # and a click on the marker drawn over this basemap selects that parcel
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + marker[0], box["y"] + marker[1])
    page.get_by_role("heading", name=site["name_zh"]).wait_for(timeout=20_000)
    assert page.watch.outside == []


def test_mock_tiles_are_served(page, app_server) -> None:
    # guards the two tests above: the page asks the mocked servers, not the internet
    page.goto(app_server.url, wait_until="domcontentloaded")
    wait_for_app(page)
    _single_map(page)
    assert page.watch.tiles > 0
    assert len(TILE_PNG) > 100
