"""The overview in a real browser: the map draws every layer, a click switches the cards,
nothing is fetched from outside, and the console stays clean."""

from __future__ import annotations

import pytest

from geodata import store
from geodata.figures import key_figures
from tests.e2e.helpers import ARTIFACTS, wait_for_app

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"

# Finds a screen point inside the named district that is not covered by another feature,
# using the Leaflet map object of the component's same-origin iframe.
FIND_POINT_JS = """
(name) => {
  const map = window.map_div;
  let target = null;
  map.eachLayer(l => { if (l.feature && l.feature.properties._layer === 'districts'
                              && l.feature.properties.name_zh === name) target = l; });
  if (!target) return null;
  const box = target._path.getBoundingClientRect();
  for (let i = 0; i < 400; i++) {
    const x = box.left + box.width * ((i * 0.618034) % 1);
    const y = box.top + box.height * ((i * 0.381966 + 0.5) % 1);
    if (document.elementFromPoint(x, y) === target._path) return [x, y];
  }
  return null;
}
"""


@pytest.fixture(scope="module")
def layers():
    return {n: store.read_pack_layer(n) for n in ("districts", "areas", "parcels", "projects", "innovation")}


def _open(page, app_server):
    page.goto(app_server.url, wait_until="domcontentloaded")
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.atlas-districts").first.wait_for(state="attached", timeout=30_000)
    return frame


def test_map_draws_every_layer_from_the_app_alone(page, app_server, layers) -> None:
    frame = _open(page, app_server)
    for name, gdf in layers.items():
        count = frame.locator(f".leaflet-overlay-pane path.atlas-{name}").count()
        assert count == len(gdf), f"{name}: {count} drawn, {len(gdf)} in the data"
    assert frame.locator(".atlas-legend").inner_text().count("示意位置") >= 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"))
    assert page.watch.outside == [], f"requests left localhost: {page.watch.outside}"
    assert page.watch.console_errors == [], page.watch.console_errors


def test_leaflet_comes_from_the_app(page, app_server) -> None:
    frame = _open(page, app_server)
    srcs = frame.locator("script[src]").evaluate_all("els => els.map(e => e.src)")
    leaflet = [s for s in srcs if "leaflet" in s.lower()]
    assert leaflet, srcs
    assert all(s.startswith(app_server.url + "/app/static/") for s in leaflet), srcs


def test_clicking_a_district_switches_the_figure_cards(page, app_server) -> None:
    indicators = store.read_pack_table("indicators")
    frame = _open(page, app_server)
    expect_first = key_figures(indicators, "西湖区")[0].display
    page.locator(".atlas-card-value").first.wait_for()
    assert page.locator(".atlas-card-value").first.inner_text() == expect_first

    iframe = page.locator(MAP_FRAME)
    box = iframe.bounding_box()
    point = frame.locator("body").evaluate(f"(_) => ({FIND_POINT_JS})('钱塘区')")
    assert point, "no clickable spot found inside 钱塘区"
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])

    page.get_by_text("钱塘区 关键数字").wait_for(timeout=20_000)
    wait_for_app(page)
    expected = [f.display for f in key_figures(indicators, "钱塘区")]
    shown = page.locator(".atlas-card-value").all_inner_texts()
    assert shown == expected
    # the map was not rebuilt: the same iframe still shows all districts, now with a highlight
    assert frame.locator("path.atlas-highlight").count() == 1
    page.screenshot(path=str(ARTIFACTS / "overview-qiantang.png"))
    assert page.watch.console_errors == [], page.watch.console_errors


def test_tiles_only_go_to_the_tile_server(page, app_server) -> None:
    _open(page, app_server)
    assert page.watch.tiles > 0, "the OpenStreetMap basemap asked for no tiles"
    assert page.watch.outside == []


def test_sources_page_opens(page, app_server) -> None:
    page.goto(app_server.url + "/sources", wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_text("来源文件").first.wait_for()
    # Opened at a page URL, Streamlit's frontend first probes <page>/_stcore/... for a
    # base path and falls back to the root: those two 404s are its own, nothing else may fail.
    probes = ("/sources/_stcore/health", "/sources/_stcore/host-config")
    assert [r for r in page.watch.failed_responses if not r.endswith(probes)] == []
    assert len([e for e in page.watch.console_errors if "404" not in e]) == 0, page.watch.console_errors
