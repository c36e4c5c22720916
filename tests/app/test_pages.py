"""Every page runs (AppTest), and the overview reacts to the district list and to map clicks."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from geodata.domain.figures import key_figures
from geodata.geo.selection import Clicked


def _metric_values(at: AppTest) -> list[str]:
    """The values on the district's figure cards (the last card block on the page)."""
    blocks = [h.value for h in at.html if 'class="atlas-cards"' in h.value]
    if not blocks:
        return []
    return [html.unescape(v) for v in re.findall(r'<div class="atlas-card-value">(.*?)</div>', blocks[-1])]


def test_overview_runs_in_chinese_with_the_default_district(open_page, indicators) -> None:
    at = open_page()
    assert at.title[0].value == "杭州产业用地与产业集群总览"
    assert at.selectbox(key=state.OVERVIEW_DISTRICT).value == "西湖区"
    expected = [f.display for f in key_figures(indicators, "西湖区")]
    assert _metric_values(at) == expected


@pytest.mark.parametrize("district", ["钱塘区", "滨江区", "淳安县"])
def test_choosing_a_district_switches_the_cards(open_page, indicators, district: str) -> None:
    at = open_page()
    at.selectbox(key=state.OVERVIEW_DISTRICT).select(district).run()
    assert not at.exception
    assert at.subheader[0].value == f"{district} 关键数字"
    expected = [f.display for f in key_figures(indicators, district)]
    assert _metric_values(at) == expected
    if not expected:
        assert any(district in i.value for i in at.info)


def test_a_map_click_on_a_district_switches_the_cards(open_page, indicators) -> None:
    at = open_page()
    at.session_state[state.OVERVIEW_MAP] = {
        "last_active_drawing": {"properties": {"_layer": "districts", "name_zh": "钱塘区"}},
        "last_object_clicked": {"lat": 30.3, "lng": 120.5},
    }
    at.run()
    assert not at.exception
    assert at.selectbox(key=state.OVERVIEW_DISTRICT).value == "钱塘区"
    assert _metric_values(at) == [f.display for f in key_figures(indicators, "钱塘区")]
    # the same click, seen again on the next rerun, must not undo a later choice
    at.selectbox(key=state.OVERVIEW_DISTRICT).select("滨江区").run()
    assert at.selectbox(key=state.OVERVIEW_DISTRICT).value == "滨江区"


def test_a_map_click_on_a_supply_site_opens_its_card(open_page, layers) -> None:
    parcels = layers["parcels"]
    site = parcels.iloc[0]
    at = open_page()
    at.session_state[state.OVERVIEW_MAP] = {
        "last_active_drawing": {"properties": {"_layer": "parcels", "id": site["id"]}},
        "last_object_clicked": {"lat": 30.3, "lng": 120.05},
    }
    at.run()
    assert not at.exception
    assert at.session_state[state.OVERVIEW_FEATURE] == Clicked("parcels", site["id"])
    assert any(site["name_zh"] in md.value for md in at.markdown)
    table = at.table[0].value
    facts = dict(zip(table["项目"], table["内容"], strict=True))
    assert facts["面积"] == "待公布"
    assert facts["供应季度"] == "待公布"
    assert facts["几何质量"].startswith("示意位置")
    assert at.selectbox(key=state.OVERVIEW_DISTRICT).value == site["district"]
    # the investor's next step is beside the card
    assert any(e.label == "登记投资意向" for e in at.expander)


def test_a_map_click_on_a_park_offers_registration_but_a_project_does_not(open_page, layers) -> None:
    park = layers["areas"][layers["areas"]["kind"] == "park"].iloc[0]
    at = open_page()
    at.session_state[state.OVERVIEW_MAP] = {"last_active_drawing": {"properties": {"_layer": "areas", "id": park["id"]}}}
    at.run()
    assert not at.exception
    assert any(park["name_zh"] in md.value for md in at.markdown)
    assert any(e.label == "登记投资意向" for e in at.expander)
    project = layers["projects"].iloc[0]
    at.session_state[state.OVERVIEW_MAP] = {"last_active_drawing": {"properties": {"_layer": "projects", "id": project["id"]}}}
    at.run()
    assert any(project["name_zh"] in md.value for md in at.markdown)
    assert not any(e.label == "登记投资意向" for e in at.expander)  # a signed project is not on offer


def test_a_click_on_an_unknown_feature_is_ignored(open_page) -> None:
    at = open_page()
    at.session_state[state.OVERVIEW_MAP] = {
        "last_active_drawing": {"properties": {"_layer": "parcels", "id": "no-such-site"}},
    }
    at.run()
    assert not at.exception
    assert at.session_state[state.OVERVIEW_FEATURE] is None


def test_offline_basemap_choice_runs(open_page) -> None:
    at = open_page()
    at.sidebar.selectbox(key=state.BASEMAP).select("offline").run()
    assert not at.exception


def test_sources_page_lists_every_figure(open_page, indicators) -> None:
    at = open_page()
    at.switch_page("app_pages/sources.py").run()
    assert not at.exception
    assert at.title[0].value == "数据与来源"
    assert any(f"全部数字（{len(indicators)} 条）" == s.value for s in at.subheader)
    assert len(at.dataframe[1].value) == len(indicators)
    at.multiselect(key="sources_area").select("钱塘区").run()
    shown = at.dataframe[1].value
    assert len(shown) == int((indicators["area"] == "钱塘区").sum())
    assert set(shown["地区"]) == {"钱塘区"}


@pytest.mark.parametrize("page", sorted(p.name for p in (Path(__file__).resolve().parents[2] / "app_pages").glob("*.py") if p.name != "__init__.py"))
def test_every_page_runs(open_page, page: str) -> None:
    at = open_page()
    at.switch_page(f"app_pages/{page}").run()
    assert not at.exception, at.exception
    assert at.title, f"{page} has no title"
