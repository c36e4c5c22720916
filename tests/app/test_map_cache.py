"""The base maps are rendered once and shared (``components/folium_render.py``): what they
show must still follow everything they depend on — the indicator, the language, the basemap,
the data — and a rerun that changes none of these must send the very same map."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from components import state


def _map_args(at: AppTest) -> dict:
    (el,) = at.get("component_instance")
    return json.loads(el.proto.json_args)


def _says(script: str, text: str) -> bool:
    """Whether the map script carries ``text`` (folium writes non-ASCII as JSON escapes)."""
    return text in script or json.dumps(text)[1:-1] in script


def test_choropleth_follows_the_indicator_and_repeats_itself_otherwise(open_page) -> None:
    at = open_page("thematic.py")
    first = _map_args(at)
    assert _says(first["script"], "规上工业总产值")  # the legend title names the indicator
    at.run()
    assert _map_args(at)["script"] == first["script"]  # nothing changed: the same map
    options = at.selectbox(key="thematic_indicator").options
    other = next(o for o in options if o != "规上工业总产值")
    at.selectbox(key="thematic_indicator").select(other).run()
    assert not at.exception, at.exception
    second = _map_args(at)
    assert second["script"] != first["script"]
    assert not _says(second["script"], "规上工业总产值")


def test_overview_map_follows_language_and_basemap(open_page) -> None:
    zh = _map_args(open_page("overview.py", lang="zh"))
    en_at = open_page("overview.py", lang="en")
    en = _map_args(en_at)
    assert _says(zh["script"], "图例")
    assert not _says(zh["script"], "Legend")
    assert _says(en["script"], "Legend")
    assert not _says(en["script"], "图例")
    en_at.session_state[state.BASEMAP] = "offline"
    en_at.run()
    offline = _map_args(en_at)
    assert offline["script"] != en["script"]
    assert "tile.openstreetmap.org" in en["script"]
    assert "tile.openstreetmap.org" not in offline["script"]


def test_areas_page_shares_the_overview_map_but_not_its_highlight(open_page) -> None:
    overview = _map_args(open_page("overview.py"))
    areas = _map_args(open_page("areas.py"))
    assert areas["script"] == overview["script"]
    assert areas["feature_group"]
    assert overview["feature_group"]
