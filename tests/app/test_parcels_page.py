"""The parcel explorer: every filter, the card, compare, and the shareable URL (AppTest)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.state import PARCELS as K
from geodata.domain.sources import cite
from tests.app.tables import parcel_list

PAGE = "app_pages/parcels.py"


def _rows(at: AppTest) -> list[str]:
    return [row["地块"].removeprefix("▶ ") for row in parcel_list(at)]


@pytest.fixture(scope="module")
def parcels(layers):
    return layers["parcels"]


def test_all_five_named_sites_are_listed(open_page, parcels) -> None:
    at = open_page(PAGE)
    assert sorted(_rows(at)) == sorted(parcels["name_zh"])
    assert {row["面积"] for row in parcel_list(at)} == {"待公布"}


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("districts", ["钱塘区"], 0),
        ("districts", ["西湖区"], 5),
        ("platforms", ["云栖小镇"], 1),
        ("platforms", ["紫金港科技城"], 3),
        ("land_uses", ["产业用地"], 5),
        ("quarters", ["待公布"], 5),
        ("statuses", ["planned"], 5),
        ("statuses", ["sold"], 0),
    ],
)
def test_each_multiselect_filter(open_page, key: str, value: list[str], expected: int) -> None:
    at = open_page(PAGE)
    at.multiselect(key=K[key]).set_value(value).run()
    assert not at.exception
    assert len(_rows(at)) == expected


def test_industry_filter_offers_only_published_values(open_page) -> None:
    at = open_page(PAGE)
    assert at.multiselect(key=K["industries"]).options == []  # no source names a parcel's industry


def test_area_range_and_unknown_areas(open_page) -> None:
    at = open_page(PAGE)
    at.number_input(key=K["area_min"]).set_value(10.0).run()
    assert len(_rows(at)) == 5  # areas not published: kept while the box is ticked
    assert any("10 亩 = 6,667 m²" in c.value for c in at.sidebar.caption)
    at.checkbox(key=K["unknown_area"]).uncheck().run()
    assert _rows(at) == []


@pytest.mark.parametrize(
    ("text", "expected"), [("雲棲", ["国科大南侧地块"]), ("四號浦路", ["四号浦路东西两侧地块"])]
)
def test_search_in_traditional_characters(open_page, text: str, expected: list[str]) -> None:
    at = open_page(PAGE)
    at.text_input(key=K["text"]).input(text).run()
    assert _rows(at) == expected


def test_a_map_click_opens_the_card(open_page, parcels) -> None:
    site = parcels.iloc[0]
    at = open_page(PAGE)
    at.session_state[K["map"]] = {
        "last_active_drawing": {"properties": {"_layer": "parcels", "id": site["id"]}},
        "last_object_clicked": {"lat": 30.1, "lng": 120.1},
    }
    at.run()
    assert not at.exception
    assert any(site["name_zh"] in m.value for m in at.markdown)
    assert at.query_params["sel"] == site["id"]


def test_compare_two_sites(open_page, parcels) -> None:
    at = open_page(PAGE)
    ids = list(parcels["id"][:2])
    at.multiselect(key=K["compare"]).set_value(ids).run()
    names = set(parcels["name_zh"][:2])
    tables = [d.value for d in at.dataframe]
    compared = [t for t in tables if set(t.columns) == names]
    assert compared, [list(t.columns) for t in tables]
    assert "面积" in compared[0].index


def test_a_shared_link_reopens_the_same_view(open_page) -> None:
    at = open_page(PAGE, query={"q": "云栖", "sel": "site-ucas-south", "st": "planned"})
    assert _rows(at) == ["国科大南侧地块"]
    assert at.text_input(key=K["text"]).value == "云栖"
    assert at.multiselect(key=K["statuses"]).value == ["planned"]
    assert any("国科大南侧地块" in m.value for m in at.markdown if m.value.startswith("####"))
    assert at.query_params["q"] == "云栖"
    assert at.query_params["sel"] == "site-ucas-south"


@pytest.mark.parametrize(
    "params",
    [
        {"z": "abc"},
        {"d": "<script>alert(1)</script>"},
        {"amin": "1e309"},
        {"sel": "' OR 1=1"},
        {"q": "x" * 5000},
    ],
)
def test_a_hostile_link_is_ignored_with_a_notice(open_page, params: dict[str, str]) -> None:
    at = open_page(PAGE, query=params)
    assert at.warning, "a notice names the ignored parameter"
    assert len(_rows(at)) == 5


def test_a_shared_link_keeps_the_map_view(open_page) -> None:
    at = open_page(PAGE, query={"c": "30.1,120.05", "z": "13", "amin": "10", "ua": "0"})
    assert at.query_params["c"] == "30.1,120.05"
    assert at.query_params["z"] == "13"
    assert at.number_input(key=K["area_min"]).value == 10
    assert at.checkbox(key=K["unknown_area"]).value is False
    assert _rows(at) == []
    assert not at.warning


def test_the_plan_summary_comes_from_its_sourced_rows(open_page, indicators) -> None:
    plan = indicators[indicators["subject"] == "2026年产业用地出让计划"]
    at = open_page(PAGE)
    caption = next(c.value for c in at.caption if c.value.startswith("西湖区 2026 年产业用地出让计划"))
    assert "计划挂牌出让产业用地宗数：21 宗" in caption  # the qualifier 计划 is in the name, not repeated
    assert "计划挂牌出让产业用地面积：1,018 亩" in caption
    for src in set(plan["source"]):  # cited by title and date, not by file name
        assert cite(src, "zh") in caption
        assert src not in caption


def test_coming_back_from_another_page_keeps_the_page_working(open_page) -> None:
    # Streamlit drops a widget's state in a run that does not draw it (another page, or a run
    # that failed, e.g. while the database restarted); the page must not rely on it surviving.
    at = open_page(PAGE)
    at.multiselect(key=K["districts"]).set_value(["西湖区"]).run()
    at.switch_page("app_pages/areas.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert not [e for e in at.error if "参考编号" in e.value]
    assert len(_rows(at)) == 5


def test_the_list_is_a_light_table_and_its_picker_opens_a_parcel(open_page, parcels) -> None:
    # no st.dataframe at first sight: its browser code (1.7 MB) is fetched only where a grid is drawn
    at = open_page(PAGE)
    assert not at.dataframe
    site = parcels.iloc[3]
    at.selectbox(key=K["pick"]).set_value(site["id"]).run()
    assert not at.exception
    assert at.session_state[K["selected"]] == site["id"]
    assert at.session_state[K["zoom"]] == 14
    assert any(site["name_zh"] in m.value for m in at.markdown)  # its card
    assert f"▶ {site['name_zh']}" in [row["地块"] for row in parcel_list(at)]
    assert at.query_params["sel"] == site["id"]


def test_the_picker_follows_a_parcel_selected_elsewhere(open_page, parcels) -> None:
    at = open_page(PAGE, query={"sel": parcels.iloc[1]["id"]})
    assert at.selectbox(key=K["pick"]).value == parcels.iloc[1]["id"]
