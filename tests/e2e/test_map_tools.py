"""Map tools in a real browser, with every request that leaves localhost blocked.

The tools are tested on a standalone folium page served by a tiny local server that maps
``/app/static/`` to ``static/`` (as Streamlit does) and ``/tiles/`` to a generated PNG, so
the plugins run exactly from the vendored files. Once ``components.map._base_map`` calls
``add_map_tools``, the last test checks the same tools on the app's overview map.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import unquote, urlparse

import folium
import pytest

from components.assets import STATIC_DIR, STATIC_URL, local_asset_path, use_local_assets
from components.map_tools import add_map_tools
from tests.e2e.helpers import ARTIFACTS, MAP_FRAME, until, wait_for_app
from tests.e2e.server import TILE_PNG

HOME = [[30.15, 120.05], [30.42, 120.55]]
LOCAL_TILES = "/tiles/{z}/{x}/{y}.png"
# a rough box around the focus districts, so the page shows something to measure
AREA = {
    "type": "Feature",
    "properties": {"name": "示意范围"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [[[120.1, 30.2], [120.5, 30.2], [120.5, 30.38], [120.1, 30.38], [120.1, 30.2]]],
    },
}


def _tools_page(tiles: str | None) -> tuple[str, str]:
    """(HTML, map variable) of an atlas-like map with the tools: local Leaflet, fitted to HOME."""
    m = folium.Map(location=(30.25, 119.75), zoom_start=9, tiles=None, control_scale=True)
    use_local_assets(m)
    if tiles:
        folium.TileLayer(tiles, attr="test tiles", name="底图").add_to(m)
    folium.GeoJson(AREA, style_function=lambda f: {"color": "#1f618d", "weight": 2}).add_to(m)
    add_map_tools(m, HOME, tiles)
    m.fit_bounds(HOME)
    return m.get_root().render(), m.get_name()


@dataclass
class Site:
    url: str
    maps: dict[str, str]  # page path -> map variable


class _Handler(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        path = unquote(urlparse(self.path).path)
        if path in self.pages:
            self._send(200, "text/html; charset=utf-8", self.pages[path])
        elif path.startswith(STATIC_URL + "/"):
            file = local_asset_path(path).resolve()
            if STATIC_DIR.resolve() not in file.parents or not file.is_file():
                self._send(404, "text/plain", b"not found")
                return
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            self._send(200, kind, file.read_bytes())
        elif path.startswith("/tiles/"):
            self._send(200, "image/png", TILE_PNG)
        elif path == "/favicon.ico":
            self._send(204, "image/x-icon", b"")
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")  # as Streamlit serves static files
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    maps = {}
    pages = {}
    for path, tiles in (("/plain.html", None), ("/tiles.html", LOCAL_TILES)):
        html, name = _tools_page(tiles)
        pages[path] = html.encode()
        maps[path] = name
    handler = type("Handler", (_Handler,), {"pages": pages})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{server.server_address[1]}", maps)
    server.shutdown()
    server.server_close()


def _open(page, site: Site, path: str = "/plain.html"):
    page.goto(site.url + path)
    name = site.maps[path]
    page.wait_for_function(f"() => window.{name} && window.{name}._loaded && !window.{name}._animatingZoom")
    page.evaluate(f"() => {{ window.__map = window.{name}; }}")
    return page


def _assert_clean(page) -> None:
    assert page.watch.outside == [], f"requests left localhost: {page.watch.outside}"
    assert page.watch.failed_responses == [], page.watch.failed_responses
    assert page.watch.console_errors == [], page.watch.console_errors
    broken = page.evaluate(
        "() => [...document.images].filter(i => i.complete && !i.naturalWidth).map(i => i.src)"
    )
    assert broken == [], f"broken images: {broken}"


def test_every_tool_is_there_and_comes_from_the_app(page, site) -> None:
    _open(page, site)
    for selector in (
        ".leaflet-control-zoom-fullscreen",
        ".leaflet-control-measure",
        ".leaflet-control-mouseposition",
        ".leaflet-control-scale",
        "a.atlas-reset-view",
    ):
        assert page.locator(selector).count() == 1, selector
    assert page.locator(".leaflet-control-minimap").count() == 0, "no basemap, so no minimap"
    assert page.locator("a.atlas-reset-view").inner_text() == "复位"
    assert page.locator("a.atlas-reset-view").get_attribute("title") == "回到初始视图"
    assets = page.evaluate(
        "() => [...document.querySelectorAll('script[src], link[rel=stylesheet]')].map(e => e.src || e.href)"
    )
    assert len(assets) >= 8, assets
    assert all(a.startswith(site.url + "/app/static/vendor/") for a in assets), assets
    # every CSS background the controls use was fetched from the app
    images = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert any("/vendor/leaflet-measure/images/" in u for u in images), images
    assert any("/vendor/leaflet.fullscreen/icon-fullscreen.svg" in u for u in images), images
    _assert_clean(page)


def test_the_cursor_coordinates_show_five_decimals(page, site) -> None:
    _open(page, site)
    control = page.locator(".leaflet-control-mouseposition")
    assert "经纬度" in control.inner_text()
    page.mouse.move(700, 500)
    page.mouse.move(800, 450, steps=5)
    text = control.inner_text()
    found = re.search(r"经度 (-?\d+\.\d{5})\s+纬度 (-?\d+\.\d{5})", text)
    assert found, text
    lat, lng = page.evaluate(
        "() => { const p = window.__map.containerPointToLatLng([800, 450]); return [p.lat, p.lng]; }"
    )
    assert float(found.group(1)) == pytest.approx(lng, abs=1e-5)
    assert float(found.group(2)) == pytest.approx(lat, abs=1e-5)
    assert "WGS-84" in text
    _assert_clean(page)


BOUNDS_JS = "() => { const b = window.__map.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }"


def test_reset_returns_to_the_opening_view(page, site) -> None:
    _open(page, site)
    opening = page.evaluate(BOUNDS_JS)
    page.evaluate(
        "() => new Promise(r => { window.__map.once('moveend', r);"
        " window.__map.setView([30.6, 119.9], 13, {animate: false}); })"
    )
    moved = page.evaluate(BOUNDS_JS)
    assert abs(moved[0] - opening[0]) > 0.01
    page.evaluate("() => { window.__moved = new Promise(r => window.__map.once('moveend', r)); }")
    page.locator("a.atlas-reset-view").click()
    page.evaluate("() => window.__moved")
    page.wait_for_function("() => !window.__map._animatingZoom")
    back = page.evaluate(BOUNDS_JS)
    assert back == pytest.approx(opening, abs=1e-6)
    assert page.evaluate("() => location.hash") == "", "the button must not navigate"
    _assert_clean(page)


def _numbers(text: str, unit: str) -> float:
    found = re.search(r"([\d,]+(?:\.\d+)?)\s*" + re.escape(unit), text)
    assert found, f"no {unit} in {text!r}"
    return float(found.group(1).replace(",", ""))


def test_measure_an_area_in_mu(page, site) -> None:
    _open(page, site)
    # the control opens on mouseenter (and hides its toggle), as for a person
    box = page.locator(".leaflet-control-measure-toggle").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    start = page.locator(".leaflet-control-measure .js-start")
    start.wait_for(state="visible")
    assert start.inner_text() == "开始一次新的测量"  # the plugin's own Chinese labels
    start.click()
    # four corners of a square on the map, away from every control; pause so no dblclick
    for x, y in ((600, 350), (900, 350), (900, 650), (600, 650)):
        page.mouse.click(x, y)
        page.wait_for_timeout(350)
    results = page.locator(".leaflet-control-measure .js-results").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-tools-measuring.png"))
    assert "亩" in results, results
    assert "m²" in results, results
    page.locator(".leaflet-control-measure .js-finish").click()
    popup = page.locator(".leaflet-measure-resultpopup")
    popup.wait_for(state="visible")
    text = popup.inner_text()
    assert "面积测量" in text, text
    assert "亩" in text, text
    mu, sqm = _numbers(text, "亩"), _numbers(text, "m²")
    assert mu == pytest.approx(sqm * 0.0015, rel=1e-3), text
    # the square is about 300 px wide: at this zoom several square kilometres
    assert 1e6 < sqm < 1e9, text
    assert re.search(r"\d\s*(米|公里)", text), text
    until(
        page, "() => getComputedStyle(document.querySelector('.leaflet-measure-resultpopup')).opacity === '1'"
    )
    page.screenshot(path=str(ARTIFACTS / "map-tools-measure.png"))
    _assert_clean(page)


def test_fullscreen_button_toggles(page, site) -> None:
    _open(page, site)
    button = page.locator(".leaflet-control-zoom-fullscreen")
    assert button.get_attribute("title") == "全屏"
    button.click()
    page.wait_for_function("() => window.__map._isFullscreen === true && !!document.fullscreenElement")
    assert page.locator(".leaflet-control-zoom-fullscreen").get_attribute("title") == "退出全屏"
    button.click()
    page.wait_for_function("() => !window.__map._isFullscreen && !document.fullscreenElement")
    _assert_clean(page)


def test_minimap_with_a_basemap(page, site) -> None:
    _open(page, site, "/tiles.html")
    minimap = page.locator(".leaflet-control-minimap")
    assert minimap.count() == 1
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-control-minimap img.leaflet-tile-loaded').length > 0"
    )
    assert page.locator(".leaflet-control-minimap-toggle-display").count() == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-tools-minimap.png"))
    _assert_clean(page)


def test_the_app_map_has_the_tools(page, app_server) -> None:
    page.goto(app_server.url, wait_until="domcontentloaded")
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("a.atlas-reset-view").wait_for(timeout=30_000)
    content = page.locator(MAP_FRAME).element_handle().content_frame()
    content.wait_for_function("() => window.map && !window.map._animatingZoom", timeout=30_000)
    for selector in (
        ".leaflet-control-zoom-fullscreen",
        ".leaflet-control-measure",
        ".leaflet-control-mouseposition",
    ):
        assert frame.locator(selector).count() == 1, selector
    opening = content.evaluate(BOUNDS_JS.replace("window.__map", "window.map"))
    content.evaluate(
        "() => new Promise(r => { window.map.once('moveend', r); window.map.setView([30.6, 119.9], 13, {animate: false}); })"
    )
    content.evaluate("() => { window.__moved = new Promise(r => window.map.once('moveend', r)); }")
    frame.locator("a.atlas-reset-view").click()
    content.evaluate("() => window.__moved")
    content.wait_for_function("() => !window.map._animatingZoom")
    assert content.evaluate(BOUNDS_JS.replace("window.__map", "window.map")) == pytest.approx(
        opening, abs=1e-6
    )
    srcs = frame.locator("script[src]").evaluate_all("els => els.map(e => e.src)")
    assert all(s.startswith(app_server.url + "/app/static/") for s in srcs if "vendor" in s), srcs
    assert page.watch.outside == [], page.watch.outside
    assert page.watch.console_errors == [], page.watch.console_errors
