"""The map frame gets Leaflet and its plugins as one served file, in their order."""

from __future__ import annotations

import streamlit_folium as stf

from components import folium_render, map_delivery, script_bundle
from components.assets import local_asset_path
from components.map import build_parcel_base_map


def _sent(monkeypatch, parts) -> dict:
    seen = {}

    def record(**args):
        seen.update(args)
        return args["default"]

    monkeypatch.setattr(stf, "_component_func", record)
    folium_render.show(parts, None, key="m", height=520, returned_objects=["bounds"])
    return seen


def test_the_frame_loads_one_file_for_leaflet_and_its_plugins(monkeypatch, layers) -> None:
    parts = folium_render.map_parts(build_parcel_base_map(layers, "osm", "zh"))
    vendored = [u for u in parts.js_links if u.startswith(script_bundle.VENDOR_URL)]
    assert len(vendored) >= 4  # Leaflet, fullscreen, measure, mouse position, minimap
    links = _sent(monkeypatch, parts)["js_links"]
    # before: every vendored script was a link of its own, loaded one after the other
    assert not any(u.startswith(script_bundle.VENDOR_URL) for u in links), links
    assert len(links) == 3  # the joined libraries, the opening-view guard, the base map's script
    assert links[0].rsplit("/", 1)[1].startswith("leaflet-")
    served = local_asset_path(links[0]).read_text(encoding="utf-8")
    texts = [local_asset_path(u).read_text(encoding="utf-8") for u in vendored]
    starts = [served.index(text.splitlines()[0]) for text in texts]
    assert starts == sorted(starts)  # same order of execution: Leaflet before its plugins
    assert "sourceMappingURL" not in served


def test_a_read_only_install_keeps_the_separate_links(monkeypatch, layers, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr(map_delivery, "MAPS_DIR", blocker / "maps")
    parts = folium_render.map_parts(build_parcel_base_map(layers, "offline", "en"))
    assert script_bundle.bundled(list(parts.js_links)) == list(parts.js_links)
