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


def _base_map(script: str) -> str:
    """The map script with the served base-map file it calls (the base map is sent once, as a
    file: ``components.map_delivery``), so a test reads what the browser runs."""
    import re

    from components.map_delivery import MAPS_DIR

    for name in re.findall(r"window\.(__atlasBaseMap_[0-9a-f]+)\(\)", script):
        for path in MAPS_DIR.glob("*.js"):
            text = path.read_text(encoding="utf-8")
            if f"window.{name} = function" in text:
                script = text + script
                break
        else:
            raise AssertionError(f"no served file defines {name}")
    return script


def _says(script: str, text: str) -> bool:
    """Whether the map script carries ``text`` (folium writes non-ASCII as JSON escapes)."""
    script = _base_map(script)
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
    assert "tile.openstreetmap.org" in _base_map(en["script"])
    assert "tile.openstreetmap.org" not in _base_map(offline["script"])


def test_areas_page_shares_the_overview_map_but_not_its_highlight(open_page) -> None:
    overview = _map_args(open_page("overview.py"))
    areas = _map_args(open_page("areas.py"))
    assert areas["script"] == overview["script"]
    assert areas["feature_group"]
    assert overview["feature_group"]
