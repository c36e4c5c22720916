"""The overview map, tested on its rendered HTML (no browser needed)."""

from __future__ import annotations

import json
import re

import pytest

from components.assets import asset_urls, local_asset_path
from components.map import build_highlight, build_overview_map, legend_html, tooltip_html


@pytest.fixture(scope="module")
def html(layers) -> str:
    return build_overview_map(layers, "osm").get_root().render()


def test_every_asset_is_served_by_the_app(layers) -> None:
    m = build_overview_map(layers, "osm")
    urls = asset_urls(m)
    assert urls, "the map must load Leaflet"
    for url in urls:
        assert url.startswith("/app/static/"), url
        assert local_asset_path(url).is_file(), url


def test_no_cdn_in_rendered_map(html: str) -> None:
    hosts = set(re.findall(r"https?://([^/\"' )]+)", html))
    # the only outside host is the tile server of the chosen basemap
    assert hosts <= {"tile.openstreetmap.org"}, hosts


def test_offline_basemap_loads_nothing_from_outside(layers) -> None:
    html = build_overview_map(layers, "offline").get_root().render()
    assert not re.findall(r"https?://(?!github\.com)[^\s\"']+\.(?:js|css|png)", html)
    assert "tile.openstreetmap.org" not in html


def _geojson_data(m) -> dict[str, list[dict]]:
    """Features per atlas layer, as handed to Leaflet."""
    out: dict[str, list[dict]] = {}
    for child in m._children.values():
        data = getattr(child, "data", None)
        if isinstance(data, dict) and data.get("features"):
            layer = data["features"][0]["properties"].get("_layer")
            if layer:
                out[layer] = data["features"]
    return out


def test_every_feature_is_on_the_map(html: str, layers) -> None:
    for name in ("districts", "areas", "parcels", "projects", "innovation"):
        assert html.count(f'"_layer": "{name}"') == len(layers[name]), name
    data = _geojson_data(build_overview_map(layers, "offline"))
    assert sorted(f["properties"]["name_zh"] for f in data["districts"]) == sorted(
        layers["districts"]["name_zh"]
    )
    assert sorted(f["properties"]["id"] for f in data["parcels"]) == sorted(layers["parcels"]["id"])


def test_only_display_properties_reach_the_browser(layers) -> None:
    data = _geojson_data(build_overview_map(layers, "offline"))
    for features in data.values():
        for f in features:
            assert set(f["properties"]) <= {
                "id",
                "name_zh",
                "kind",
                "district",
                "geometry_quality",
                "_tip",
                "_layer",
            }


def test_layers_get_css_classes_for_counting_in_the_browser(html: str) -> None:
    for name in ("districts", "areas", "parcels", "projects", "innovation"):
        assert f"atlas-{name}" in html


def test_indicative_features_are_dashed(layers) -> None:
    html = build_overview_map(layers, "offline").get_root().render()
    assert all(layers["parcels"]["geometry_quality"] == "indicative")
    assert '"dashArray": "3 3"' in html


def test_legend_explains_indicative_geometry() -> None:
    text = legend_html()
    assert "示意位置" in text
    assert "虚线" in text
    assert "2026 年产业用地" in text


def test_tooltips_escape_text_from_data() -> None:
    tip = tooltip_html({"name_zh": "<img src=x onerror=alert(1)>", "kind": "park"})
    assert "<img" not in tip
    assert "&lt;img" in tip


def test_hostile_names_do_not_reach_the_map_as_html(layers) -> None:
    hostile = layers["parcels"].copy()
    hostile.loc[hostile.index[0], "name_zh"] = "<img src=x onerror=alert(1)>"
    html = build_overview_map({**layers, "parcels": hostile}, "offline").get_root().render()
    assert "<img src=x" not in html
    tips = [
        f["properties"]["_tip"]
        for f in _geojson_data(build_overview_map({**layers, "parcels": hostile}, "offline"))["parcels"]
    ]
    assert "<b>&lt;img src=x onerror=alert(1)&gt;</b><br>供地地块 · 示意位置" in tips


def test_unknown_basemap_is_refused(layers) -> None:
    with pytest.raises(ValueError, match="basemap"):
        build_overview_map(layers, "nope")


def test_highlight_is_a_separate_feature_group(layers) -> None:
    d = layers["districts"]
    fg = build_highlight(d[d["name_zh"] == "钱塘区"][["geometry"]])
    assert len(fg._children) == 1
    assert len(build_highlight(d.iloc[0:0][["geometry"]])._children) == 0


def test_choropleth_greys_areas_without_a_value(layers) -> None:
    from components.map import CLASS_COLORS, NO_DATA_COLOR, build_choropleth_map

    m = build_choropleth_map(layers, {"钱塘区": (3700.0, 0)}, ["3,700 亿元"], "规上工业总产值（亿元）")
    data = _geojson_data(m)
    assert len(data["districts"]) == 13
    geo = next(c for c in m._children.values() if getattr(c, "data", {}).get("features") == data["districts"])
    colors = {f["properties"]["name_zh"]: geo.style_function(f)["fillColor"] for f in data["districts"]}
    assert colors["钱塘区"] == CLASS_COLORS[0]
    assert {c for n, c in colors.items() if n != "钱塘区"} == {NO_DATA_COLOR}
    legend = next(c for c in m._children.values() if c._name == "Legend")
    text = json.loads(legend.html_json)
    assert "3,700 亿元" in text
    assert "无数据（来源未给出）" in text


def test_projects_are_sized_within_their_own_currency(layers) -> None:
    from components.map import build_projects_map

    m = build_projects_map(layers)
    geo = next(c for c in m._children.values() if "projects" in str(getattr(c, "data", {}))[:20000])
    sizes = {f["properties"]["id"]: geo.style_function(f) for f in geo.data["features"]}
    # 优科豪马 is the only US-dollar project: the largest of its currency, drawn dotted
    assert sizes["proj-yokohama"]["radius"] == 20
    assert sizes["proj-yokohama"]["dashArray"] == "2 2"
    # projects without an investment figure get the smallest marker
    assert sizes["proj-zhongneng-phase2"]["radius"] == 6


def test_the_explorer_map_carries_parcels_only_in_its_feature_group(layers) -> None:
    from components.map import build_parcel_base_map, build_parcels_group

    base = build_parcel_base_map(layers, "offline")
    assert "parcels" not in _geojson_data(base)
    parcels = layers["parcels"]
    fg = build_parcels_group(parcels.iloc[:2], parcels["id"].iloc[0])
    kids = list(fg._children.values())
    assert len(kids[0].data["features"]) == 2
    assert len(kids) == 2  # the parcels and the selection ring
    assert len(build_parcels_group(parcels.iloc[:2], "not-shown")._children) == 1
