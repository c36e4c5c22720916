"""The area page in a real browser: a district picked on the map switches the profile,
and the charts render as Plotly SVG with one bar per figure."""

from __future__ import annotations

from geodata.domain.areas import GROUPS, chart_rows, compare
from geodata.model import pack_reader
from tests.e2e.helpers import (
    ARTIFACTS,
    FIND_POINT_JS,
    MAP_FRAME,
    console_errors_beyond_probes,
    unexpected_failures,
    wait_for_app,
)


def _expected_bars(indicators, area: str) -> int:
    bars = sum(len(chart_rows(indicators, area, cat)[0]) for cat in GROUPS)
    groups, _ = compare(indicators, "基金规模")  # the comparison the page opens with
    return bars + sum(len(g.rows) for g in groups)


def test_picking_a_district_on_the_map_switches_the_profile(page, app_server) -> None:
    indicators = pack_reader.read_pack_table("indicators")
    page.goto(app_server.url + "/areas", wait_until="domcontentloaded")
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.atlas-districts").first.wait_for(state="attached", timeout=30_000)
    content = page.locator(MAP_FRAME).element_handle().content_frame()
    content.wait_for_function("() => window.map && window.map.listens('click') && !window.map._animatingZoom")
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.locator(".js-plotly-plot .bars .point").count() == _expected_bars(indicators, "西湖区")

    point = content.evaluate(f"({FIND_POINT_JS})", "钱塘区")
    assert point, "no clickable spot inside 钱塘区"
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.get_by_text("钱塘区：产出（亿元）").wait_for(timeout=20_000)
    wait_for_app(page)
    expected = _expected_bars(indicators, "钱塘区")
    page.wait_for_function(
        "(n) => document.querySelectorAll('.js-plotly-plot .bars .point').length === n", arg=expected
    )
    titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()
    assert "钱塘区：产出（亿元）" in titles
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.screenshot(path=str(ARTIFACTS / "areas-qiantang.png"))
    assert page.watch.outside == []
    assert unexpected_failures(page.watch, "areas") == []
    assert console_errors_beyond_probes(page.watch, "areas") == []


def test_a_bar_in_the_comparison_selects_its_area_on_the_map_and_in_the_charts(page, app_server) -> None:
    indicators = pack_reader.read_pack_table("indicators")
    groups, _ = compare(indicators, "基金规模")  # the comparison the page opens with
    rows = groups[0].rows
    target = next(a for a in rows["area"] if a != "西湖区")  # the page opens on 西湖区
    page.goto(app_server.url + "/areas", wait_until="domcontentloaded")
    wait_for_app(page)
    content = page.locator(MAP_FRAME).element_handle(timeout=30_000).content_frame()
    content.wait_for_function("() => window.map && window.map.listens('click') && !window.map._animatingZoom")
    chart = page.locator(".st-key-compare_0 .js-plotly-plot")
    chart.wait_for(timeout=30_000)
    # plotly draws the rows bottom-up (largest on top): the DOM's bars are the rows reversed
    order = list(rows["area"])[::-1]
    bar = chart.locator(".bars .point path").nth(order.index(target))
    bar.scroll_into_view_if_needed()
    # plotly takes clicks on its drag layer above the bars: click where the bar is drawn
    b = bar.bounding_box()
    page.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    # the charts beside the map are the area's own, and the map's highlight ring sits on
    # the area's point
    page.wait_for_function(
        """(a) => { const ts = [...document.querySelectorAll('.st-key-dash_side .js-plotly-plot .gtitle')];
                    return ts.length > 0 && ts.every(t => t.textContent.startsWith(a)); }""",
        arg=target,
        timeout=30_000,
    )
    wait_for_app(page)
    areas = pack_reader.read_pack_layer("areas")
    pt = areas[areas["name_zh"] == target].geometry.iloc[0].representative_point()
    content.wait_for_function("() => document.querySelectorAll('path.atlas-highlight').length > 0")
    gap = content.evaluate(
        """([lat, lng]) => { const want = window.map.latLngToContainerPoint([lat, lng]);
             const o = window.map.getContainer().getBoundingClientRect();
             return Math.min(...[...document.querySelectorAll('path.atlas-highlight')].map(p => {
               const r = p.getBoundingClientRect();
               return Math.hypot(r.left + r.width / 2 - o.left - want.x, r.top + r.height / 2 - o.top - want.y); })); }""",
        [pt.y, pt.x],
    )
    # the ring follows its marker where markers on one spot are set apart (a ring's width)
    assert gap < 60, gap
