"""The cached map rendering sends the browser what ``st_folium`` itself would send.

``components/folium_render.py`` renders a base map once and reuses it, calling
streamlit-folium's own (private) helpers. If an upgrade of streamlit-folium changes what its
component receives, these tests fail before a browser ever sees a broken map.
"""

from __future__ import annotations

import re

import pytest
import streamlit_folium as stf

from components import folium_render
from components.map import build_highlight, build_overview_map, build_parcel_base_map, build_parcels_group

HEX_ID = re.compile(r"[0-9a-f]{32}")


def _normalise(value):
    """Folium names each element with a random 32-hex id; compare with ids blanked."""
    if isinstance(value, str):
        return HEX_ID.sub("ID", value)
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    return value


def _st_folium_args(monkeypatch, m, group, **kwargs) -> dict:
    seen = {}

    def record(**args):
        seen.update(args)
        return args["default"]

    monkeypatch.setattr(stf, "_component_func", record)
    stf.st_folium(m, feature_group_to_add=group, use_container_width=True, **kwargs)
    seen.pop("on_change")
    return seen


@pytest.mark.parametrize("basemap", ["osm", "offline", "amap"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_parcel_map_args_equal_st_folium(monkeypatch, layers, basemap, lang) -> None:
    parcels = layers["parcels"]
    selected = parcels["id"].iloc[0]
    kwargs = {
        "key": "m",
        "height": 520,
        "returned_objects": ["last_object_clicked", "bounds"],
        "center": [30.2, 120.1],
        "zoom": 12,
    }
    want = _st_folium_args(
        monkeypatch,
        build_parcel_base_map(layers, basemap, lang),
        build_parcels_group(parcels, selected, basemap, lang),
        **kwargs,
    )
    parts = folium_render.map_parts(build_parcel_base_map(layers, basemap, lang))
    got = folium_render.component_args(parts, build_parcels_group(parcels, selected, basemap, lang), **kwargs)
    assert "atlas-parcels" in got["feature_group"]  # the parcels travel in the group, not the base map
    assert _normalise(got) == _normalise(want)


def test_overview_map_without_group_equals_st_folium(monkeypatch, layers) -> None:
    kwargs = {"key": "o", "height": 620, "returned_objects": None, "center": None, "zoom": None}
    want = _st_folium_args(monkeypatch, build_overview_map(layers, "osm", "zh"), None, **kwargs)
    got = folium_render.component_args(
        folium_render.map_parts(build_overview_map(layers, "osm", "zh")), None, **kwargs
    )
    assert got["feature_group"] is None
    assert _normalise(got) == _normalise(want)


def test_one_base_map_serves_many_groups(layers) -> None:
    """The cached parts are not changed by rendering groups against them (no state leaks
    from one run's highlight into the next)."""
    parts = folium_render.map_parts(build_overview_map(layers, "osm", "zh"))
    before = (parts.script, parts.header, parts.html)
    districts = layers["districts"]
    first = folium_render.component_args(
        parts, build_highlight(districts.iloc[[0]][["geometry"]]), "k", 600, None, None, None
    )
    second = folium_render.component_args(
        parts, build_highlight(districts.iloc[[1]][["geometry"]]), "k", 600, None, None, None
    )
    assert (parts.script, parts.header, parts.html) == before
    assert first["feature_group"] != second["feature_group"]
    assert first["key"] == second["key"]  # same base map: the browser keeps its map and swaps the group
