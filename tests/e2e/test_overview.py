"""The overview in a real browser: the map draws every layer, a click switches the cards,
nothing is fetched from outside, and the console stays clean."""

from __future__ import annotations

import pytest

from geodata.domain.figures import key_figures
from geodata.model import pack_reader
from tests.e2e.helpers import (
    ARTIFACTS,
    FEATURE_CENTRE_JS,
    FIND_POINT_JS,
    MAP_FRAME,
    console_errors_beyond_probes,
    open_overview,
    unexpected_failures,
    wait_for_app,
)


@pytest.fixture(scope="module")
def layers():
    return {n: pack_reader.read_pack_layer(n) for n in ("districts", "areas", "parcels", "projects", "innovation")}


def test_map_draws_every_layer_from_the_app_alone(page, app_server, layers) -> None:
    frame = open_overview(page, app_server)
    for name, gdf in layers.items():
        count = frame.locator(f".leaflet-overlay-pane path.atlas-{name}").count()
        assert count == len(gdf), f"{name}: {count} drawn, {len(gdf)} in the data"
    assert frame.locator(".atlas-legend").inner_text().count("示意位置") >= 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"))
    assert page.watch.outside == [], f"requests left localhost: {page.watch.outside}"
    assert page.watch.console_errors == [], page.watch.console_errors


def test_leaflet_comes_from_the_app(page, app_server) -> None:
    frame = open_overview(page, app_server)
    srcs = frame.locator("script[src]").evaluate_all("els => els.map(e => e.src)")
    leaflet = [s for s in srcs if "leaflet" in s.lower()]
    assert leaflet, srcs
    assert all(s.startswith(app_server.url + "/app/static/") for s in leaflet), srcs


def test_clicking_a_district_switches_the_figure_cards(page, app_server) -> None:
    indicators = pack_reader.read_pack_table("indicators")
    frame = open_overview(page, app_server)
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


# Screen centre of a point feature of a layer, by its id.
def test_clicking_a_supply_site_opens_its_card(page, app_server) -> None:
    parcels = pack_reader.read_pack_layer("parcels")
    site = parcels[parcels["id"] == "site-sihaopu-rd"].iloc[0]
    frame = open_overview(page, app_server)
    # Zoom in on the site as a person would: at the opening zoom its marker overlaps
    # the 双浦镇 marker 300 m away.
    content = page.locator(MAP_FRAME).element_handle().content_frame()
    content.evaluate("() => { window.__atlas_probe = true; }")
    content.evaluate(
        "([lat, lng]) => new Promise(r => { window.map.once('moveend', r); window.map.setView([lat, lng], 14, {animate: false}); })",
        [site.geometry.y, site.geometry.x],
    )
    box = page.locator(MAP_FRAME).bounding_box()
    point = frame.locator("body").evaluate(f"(_) => ({FEATURE_CENTRE_JS})(['parcels', '{site['id']}'])")
    assert point, "the site is not on the map"
    on_top = frame.locator("body").evaluate(
        f"(_) => document.elementFromPoint({point[0]}, {point[1]}).getAttribute('class')"
    )
    assert "atlas-parcels" in on_top, f"something covers the site: {on_top}"
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    try:
        page.get_by_role("heading", name=site["name_zh"]).wait_for(timeout=20_000)
    except Exception as exc:
        state = frame.locator("body").evaluate(
            "(_) => JSON.stringify({d: window.__GLOBAL_DATA__.last_active_drawing &&"
            " window.__GLOBAL_DATA__.last_active_drawing.properties,"
            " o: window.__GLOBAL_DATA__.last_object_clicked})"
        )
        raise AssertionError(f"no card after the click; component state: {state}") from exc
    wait_for_app(page)
    after = page.locator(MAP_FRAME).element_handle().content_frame()
    assert after.evaluate("() => window.__atlas_probe === true"), "the click rebuilt the map"
    zoom = after.evaluate("() => window.map.getZoom()")
    assert zoom == 14, f"the click reset the map view (zoom {zoom})"
    table = page.get_by_test_id("stTable").inner_text()
    assert "待公布" in table  # area and quarter are not published
    assert "示意位置" in table
    page.screenshot(path=str(ARTIFACTS / "overview-site-card.png"), full_page=True)
    assert page.watch.console_errors == [], page.watch.console_errors


def test_tiles_only_go_to_the_tile_server(page, app_server) -> None:
    frame = open_overview(page, app_server)
    # under load the tiles are asked for a moment after the map is ready: wait for one to arrive
    frame.locator("img.leaflet-tile-loaded").first.wait_for(state="attached", timeout=30_000)
    assert page.watch.tiles > 0, "the OpenStreetMap basemap asked for no tiles"
    assert page.watch.outside == []


def test_sources_page_opens(page, app_server) -> None:
    page.goto(app_server.url + "/sources", wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_text("来源文件").first.wait_for()
    assert unexpected_failures(page.watch, "sources") == []
    assert console_errors_beyond_probes(page.watch, "sources") == []


def test_without_a_basemap_the_map_still_draws_and_asks_for_no_tiles(page, app_server, layers) -> None:
    open_overview(page, app_server)
    assert page.watch.tiles > 0  # the default basemap does ask for tiles
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="离线底图（本地数据）").click()
    wait_for_app(page)
    tiles_before = page.watch.tiles
    # A different basemap is a different map: streamlit-folium builds it in a new frame,
    # and for a moment the old frame is still there. Wait for the one new map.
    page.wait_for_function(
        """(sel) => {
            const frames = document.querySelectorAll(sel);
            if (frames.length !== 1) return false;
            const doc = frames[0].contentDocument;
            const map = frames[0].contentWindow.map;
            return !!doc && !!map && !map._animatingZoom
                && doc.querySelectorAll('path.atlas-districts').length > 0
                && doc.querySelectorAll('.leaflet-tile').length === 0;
        }""",
        arg=MAP_FRAME,
        timeout=20_000,
    )
    frame = page.frame_locator(MAP_FRAME)
    assert frame.locator("path.atlas-districts").count() == len(layers["districts"])
    assert frame.locator("path.atlas-parcels").count() == len(layers["parcels"])
    page.screenshot(path=str(ARTIFACTS / "overview-no-basemap.png"))
    assert page.watch.tiles == tiles_before
    assert page.watch.outside == []
