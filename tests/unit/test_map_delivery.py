"""The base map travels once as a served file; a rerun's component arguments stay small."""

from __future__ import annotations

import json

import streamlit_folium as stf

from components import folium_render, map_delivery
from components.assets import local_asset_path
from components.map import build_parcel_base_map, build_parcels_group


def _sent(monkeypatch, parts, group) -> dict:
    seen = {}

    def record(**args):
        seen.update(args)
        return args["default"]

    monkeypatch.setattr(stf, "_component_func", record)
    folium_render.show(parts, group, key="m", height=520, returned_objects=["bounds"])
    seen.pop("on_change")
    return seen


def test_a_rerun_sends_the_parcels_not_the_base_map(monkeypatch, layers) -> None:
    parcels = layers["parcels"]
    parts = folium_render.map_parts(build_parcel_base_map(layers, "osm", "zh"))
    assert len(parts.script) > 100_000  # what every rerun used to carry
    args = _sent(monkeypatch, parts, build_parcels_group(parcels, None, "osm", "zh"))
    # the filter-change target is 30 KB on the wire for the whole rerun
    assert len(json.dumps(args, ensure_ascii=False).encode()) < 12_000
    assert "<style" not in args["header"]
    assert args["css_links"][-1].endswith(".css")
    assert "atlas-parcels" in args["feature_group"]
    url = args["js_links"][-1]
    assert url.startswith(map_delivery.MAPS_URL + "/")
    served = local_asset_path(url).read_text(encoding="utf-8")
    assert parts.script in served
    # the argument only calls the served function
    function = served.split(" = function")[0]  # window.__atlasBaseMap_<digest>
    assert args["script"] == function + "();"


def test_what_is_the_same_on_every_rerun_is_served_not_sent(monkeypatch, layers) -> None:
    parts = folium_render.map_parts(build_parcel_base_map(layers, "osm", "zh"))
    args = _sent(monkeypatch, parts, build_parcels_group(layers["parcels"], None, "osm", "zh"))
    # the opening-view guard is a served file loaded before the base map, not script text
    assert "initComponent" not in args["script"]
    # (after the joined Leaflet file, which script_bundle writes to the same folder)
    guard = [
        u
        for u in args["js_links"]
        if u.startswith(map_delivery.MAPS_URL + "/") and not u.startswith(map_delivery.MAPS_URL + "/leaflet-")
    ]
    assert len(guard) == 2
    assert local_asset_path(guard[0]).read_text(encoding="utf-8") == map_delivery.QUIET_FIRST_VIEW_JS
    # everything but the feature group (the part that changes) fits in ~1.5 KB; with the
    # guard inline and folium's header indentation it was ~3.3 KB on every rerun
    rest = {k: v for k, v in args.items() if k != "feature_group"}
    assert len(json.dumps(rest, ensure_ascii=False).encode()) < 1_800
    assert "\n\n" not in args["header"]
    assert "  " not in args["header"]


def test_same_map_same_file_and_arguments(monkeypatch, layers) -> None:
    parts = folium_render.map_parts(build_parcel_base_map(layers, "offline", "en"))
    first = _sent(monkeypatch, parts, None)
    again = _sent(monkeypatch, parts, None)
    assert first == again
    other = _sent(monkeypatch, folium_render.map_parts(build_parcel_base_map(layers, "offline", "zh")), None)
    assert other["js_links"][-1] != first["js_links"][-1]  # another language, another file


def test_a_read_only_install_sends_the_map_inline(monkeypatch, layers, tmp_path) -> None:
    # e.g. a container whose app folder belongs to root: the map still draws, as before
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr(map_delivery, "MAPS_DIR", blocker / "maps")
    monkeypatch.setattr(map_delivery, "_written", set())
    parts = folium_render.map_parts(build_parcel_base_map(layers, "offline", "zh"))
    args = _sent(monkeypatch, parts, None)
    assert not any(url.startswith(map_delivery.MAPS_URL) for url in args["js_links"] + args["css_links"])
    assert args["script"].startswith(parts.script)
    assert "initComponent" in args["script"]  # the opening view still does not rerun the page
    assert args["header"] == parts.header
