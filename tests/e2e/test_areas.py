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
