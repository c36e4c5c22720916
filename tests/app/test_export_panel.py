"""The export panel on every map page, and the brochure panel on the parcel page (AppTest)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from components import state

# the map's bounds as streamlit-folium returns them: a view around Yunqi town
BOUNDS = {"_southWest": {"lat": 30.10, "lng": 120.05}, "_northEast": {"lat": 30.16, "lng": 120.12}}


@pytest.mark.parametrize(
    ("page", "panel", "map_key", "title"),
    [
        (None, "overview", state.OVERVIEW_MAP, "杭州产业用地与产业集群总览"),
        ("app_pages/areas.py", "areas", state.AREAS_MAP, "地区画像：西湖区"),
        ("app_pages/parcels.py", "parcels", state.PARCELS["map"], "杭州 2026 年产业用地地块"),
        ("app_pages/thematic.py", "choropleth", "thematic_choropleth_map", "专题地图：规上工业总产值"),
    ],
)
def test_each_map_page_exports_its_view(open_page, page, panel, map_key, title) -> None:
    at = open_page(page, basemap="offline", timeout=120)
    at.session_state[map_key] = {"bounds": BOUNDS}  # what st_folium returns after a pan
    at.run()
    at.button(key=f"export_{panel}_make").click().run()
    assert not at.exception, at.exception
    assert not at.error
    picture, seconds, made_title = at.session_state[f"export_{panel}_result"]
    assert made_title == title
    img = Image.open(io.BytesIO(picture.png))
    assert img.size == (1123, 794)  # A4 landscape, screen resolution: the defaults
    assert len(PdfReader(io.BytesIO(picture.pdf)).pages) == 1
    assert picture.basemap_note.startswith("底图：离线底图")
    assert seconds > 0


def test_size_resolution_title_and_charts_are_used(open_page) -> None:
    at = open_page(basemap="offline", timeout=120)
    panel = "overview"
    title_key = next(k for k in at.session_state if str(k).startswith(f"export_{panel}_title_"))
    at.text_input(key=title_key).input("我的报告图").run()
    at.selectbox(key=f"export_{panel}_size").set_value("slide").run()
    at.selectbox(key=f"export_{panel}_resolution").set_value("double").run()
    charts = at.multiselect(key=f"export_{panel}_charts")
    assert charts.value  # the district's charts are offered, the first two picked
    at.button(key=f"export_{panel}_make").click().run()
    picture, _, made_title = at.session_state[f"export_{panel}_result"]
    assert made_title == "我的报告图"
    assert Image.open(io.BytesIO(picture.png)).size == (2560, 1440)
    text = PdfReader(io.BytesIO(picture.pdf)).pages[0].extract_text().replace("\n", "")
    assert charts.value[0].replace(" ", "") in text.replace(" ", "")


def test_projects_map_and_chart_alone(open_page) -> None:
    at = open_page("app_pages/thematic.py", basemap="offline", timeout=120)
    at.radio(key="thematic_view").set_value("projects").run()
    at.button(key="export_projects_make").click().run()
    assert not at.exception, at.exception
    assert at.session_state["export_projects_result"][2] == "专题地图：签约与开工项目"

    at.radio(key="thematic_view").set_value("choropleth").run()
    at.button(key="export_choropleth_chart_make").click().run()
    title, png, svg = at.session_state["export_choropleth_chart_files"]
    assert title.startswith("规上工业总产值")
    assert Image.open(io.BytesIO(png)).size == (1123, 794)
    assert b"<svg" in svg[:400]


def test_english_session_exports_english(open_page) -> None:
    at = open_page("app_pages/areas.py", lang="en", basemap="offline", timeout=120)
    at.button(key="export_areas_make").click().run()
    picture, _, title = at.session_state["export_areas_result"]
    assert title == "Area profile: Xihu District"
    assert "Sources:" in PdfReader(io.BytesIO(picture.pdf)).pages[0].extract_text()


def test_parcel_page_brochure_with_progress(open_page) -> None:
    at = open_page("app_pages/parcels.py", basemap="offline", timeout=120)
    at.multiselect(key="export_brochure_pick").set_value(["site-ucas-south", "site-sihaopu-rd"]).run()
    at.button(key="export_brochure_make").click().run()
    assert not at.exception, at.exception
    pdf, pages, _ = at.session_state["export_brochure_pdf"]
    assert pages == 2
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2


def test_brochure_with_nothing_picked_warns(open_page) -> None:
    at = open_page("app_pages/parcels.py", basemap="offline", timeout=120)
    at.button(key="export_brochure_make").click().run()
    assert not at.exception
    assert any("请至少选择一处地块" in w.value for w in at.warning)
    assert "export_brochure_pdf" not in at.session_state


def test_the_picture_shows_the_maps_extent(open_page) -> None:
    at = open_page(basemap="offline", timeout=120)
    at.button(key="export_overview_make").click().run()
    opening = at.session_state["export_overview_result"][0]
    # the opening view holds all three focus districts, Qiantang (seed 002) included
    assert any(s.startswith("002") for s in opening.sources)
    at.session_state[state.OVERVIEW_MAP] = {"bounds": BOUNDS}
    at.run()
    at.button(key="export_overview_make").click().run()
    panned = at.session_state["export_overview_result"][0]
    assert not any(s.startswith("002") for s in panned.sources)  # panned to Yunqi: Qiantang is out of view
    assert set(panned.sources) < set(opening.sources)
