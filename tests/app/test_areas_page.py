"""The area page runs for every area in the pack and shows the right groups and downloads."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from geodata.domain.areas import GROUPS, chart_rows
from geodata.model import pack_reader


@pytest.fixture(scope="module")
def at(open_page) -> AppTest:
    return open_page("areas.py")


def _all_areas() -> list[str]:
    names = list(pack_reader.read_pack_layer("districts")["name_zh"]) + list(
        pack_reader.read_pack_layer("areas")["name_zh"]
    )
    return sorted(set(names))


def test_the_page_opens_on_xihu(at) -> None:
    assert at.title[0].value == "地区画像"
    assert at.selectbox(key=state.AREAS_AREA).value == "西湖区"


@pytest.mark.parametrize("area", _all_areas())
def test_every_area_has_a_profile(at, indicators, area: str) -> None:
    at.selectbox(key=state.AREAS_AREA).select(area).run()
    assert not at.exception, at.exception
    groups_shown = [tab.label for tab in at.tabs]  # one tab per group, beside the map
    expected = [
        title for cat, title in GROUPS.items() if any(len(part) for part in chart_rows(indicators, area, cat))
    ]
    funds = pack_reader.read_pack_table("funds")
    if (funds["area"] == area).any() and "基金" not in expected:
        expected.insert(list(GROUPS.values()).index("基金"), "基金")
    assert [g for g in groups_shown if g in GROUPS.values()] == [g for g in GROUPS.values() if g in expected]
    if not (indicators["area"] == area).any():
        assert any(area in i.value for i in at.info)


def test_a_map_click_on_a_platform_opens_its_profile(at) -> None:
    areas = pack_reader.read_pack_layer("areas")
    zone = areas[areas["name_zh"] == "紫金港科技城"].iloc[0]
    at.session_state[state.AREAS_MAP] = {
        "last_active_drawing": {"properties": {"_layer": "areas", "id": zone["id"]}},
        "last_object_clicked": {"lat": 30.31, "lng": 120.06},
    }
    at.run()
    assert not at.exception
    assert at.selectbox(key=state.AREAS_AREA).value == "紫金港科技城"


def test_comparison_refuses_incomparable_figures(at) -> None:
    at.selectbox(key=state.AREAS_COMPARE).select("规上工业总产值").run()
    assert not at.exception
    assert any("没有可比较的数字" in w.value for w in at.warning)


def test_each_chart_offers_its_data(at, indicators) -> None:
    at.selectbox(key=state.AREAS_AREA).select("钱塘区").run()
    at.selectbox(key=state.AREAS_COMPARE).select("基金规模").run()
    keys = {b.key for b in at.get("download_button")}
    for cat in GROUPS:
        if len(chart_rows(indicators, "钱塘区", cat)[0]):
            assert f"dl_{cat}" in keys, cat
    assert "dl_compare_0" in keys
