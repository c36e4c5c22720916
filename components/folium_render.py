"""``st_folium`` with the base map rendered once, not on every rerun.

Every Streamlit rerun (a filter change, a click, the map reporting its view) used to build
the base map again with folium and render it: districts with tooltips, the offline
fallback, the legend, the map tools. Rendering a folium map also feeds every rendered
script (the district GeoJSON among them) through Jinja's template compiler once more, so a
rerun of the parcel explorer spent ~0.2 s of server CPU on a map that had not changed.

Here the parts ``st_folium`` derives from the base map (script, header, html, map id,
bounds, CSS/JS links) are computed once per ``cache_key`` and shared by every session
(they are immutable strings); only the feature group that changes (parcels, highlight,
a tour stop's layers) is rendered per run. ``component_args`` are exactly the arguments
``st_folium`` would send (``tests/unit/test_folium_render.py`` compares them); ``show``
then moves the base-map script into a served file and keeps the opening view from
rerunning the page (``components/map_delivery.py``), so the returned dict is unchanged.

This uses ``streamlit_folium``'s module-level helpers, which are private: the dependency is
pinned to one minor version (``pyproject.toml``) and the equivalence test fails on an
upgrade that changes them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import folium
import streamlit as st
import streamlit_folium as stf

from components import map_delivery, script_bundle


@dataclass(frozen=True)
class MapParts:
    """What ``st_folium`` sends to the browser for a base map, computed once."""

    script: str
    header: str
    html: str
    map_id: str
    bounds: list[list[float | None]]
    zoom: int | None
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def _links(root: folium.Element) -> tuple[list[str], list[str]]:
    """The CSS and JS links of ``root`` and its children, in ``st_folium``'s order."""
    css: list[str] = []
    js: list[str] = []

    def walk(el):
        if isinstance(el, folium.elements.JSCSSMixin):
            yield el
        for child in getattr(el, "_children", {}).values():
            yield from walk(child)

    for el in walk(root):
        css.extend(href for _, href in getattr(el, "default_css", []))
        js.extend(src for _, src in getattr(el, "default_js", []))
    return css, js


def map_parts(m: folium.Map) -> MapParts:
    """Render ``m`` the way ``st_folium`` does and keep what it would send.

    ``m`` is consumed: rendering rewrites its element ids (``st_folium`` does the same).
    """
    m.get_root().render()
    m.render()
    html = stf._get_html(m)
    header = stf._get_header(m)
    script = stf._get_map_string(m)
    try:
        bounds = m.get_bounds()
    except AttributeError:  # pragma: no cover - folium.Map always has bounds
        bounds = [[None, None], [None, None]]
    css, js = _links(m)
    return MapParts(
        script=script,
        header=header,
        html=html,
        map_id=stf.get_full_id(m),
        bounds=bounds,
        zoom=m.options.get("zoom"),
        css_links=tuple(dict.fromkeys(css)),
        js_links=tuple(dict.fromkeys(js)),
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_parts(cache_key: Hashable, _build: Callable[[], folium.Map]) -> MapParts:
    return map_parts(_build())


def base_parts(build: Callable[[], folium.Map], cache_key: Hashable | None) -> MapParts:
    """The base map's parts, built once per ``cache_key`` (shared by all sessions).

    ``cache_key`` must name everything the map depends on (its kind, the data version,
    basemap, language, …); ``None`` builds every time.
    """
    if cache_key is None:
        return map_parts(build())
    return _cached_parts(cache_key, build)


def feature_group_script(group: folium.FeatureGroup) -> tuple[str, list[str], list[str]]:
    """The script that adds ``group`` to the browser's map (``map_div``), and its links.

    ``st_folium`` renders the group inside the base map object; a bare map stands in for
    it here (its own id is replaced by ``map_div`` just the same).
    """
    holder = folium.Map(tiles=None)
    script = stf._get_feature_group_string(group, map=holder, idx=0)
    css, js = _links(group)
    return script, css, js


@functools.lru_cache(maxsize=256)
def _component_key(script: str, key: str) -> str:
    """``st_folium``'s component key: a regex pass and a hash over the ~400 KB base-map
    script, done once per (map, key) instead of on every rerun."""
    return stf.generate_js_hash(script, key, False)


def _defaults(parts: MapParts, returned_objects: list[str] | None) -> dict:
    (s, w), (n, e) = parts.bounds
    every = {
        "last_clicked": None,
        "last_object_clicked": None,
        "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None,
        "last_object_clicked_popup": None,
        "all_drawings": None,
        "last_active_drawing": None,
        "bounds": {"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}},
        "zoom": parts.zoom if parts.zoom is not None else {},
        "last_circle_radius": None,
        "last_circle_polygon": None,
        "selected_layers": None,
        "selected_tags": None,
        "last_geocoder_result": None,
    }
    return {k: v for k, v in every.items() if returned_objects is None or k in returned_objects}


def component_args(
    parts: MapParts,
    group: folium.FeatureGroup | None,
    key: str,
    height: int,
    returned_objects: list[str] | None,
    center: list[float] | None,
    zoom: int | None,
) -> dict:
    """The keyword arguments ``st_folium`` gives its component (less ``on_change``)."""
    fg_script = None
    css, js = list(parts.css_links), list(parts.js_links)
    if group is not None:
        fg_script, fg_css, fg_js = feature_group_script(group)
        css, js = css + fg_css, js + fg_js
    return {
        "script": parts.script,
        "header": parts.header,
        "html": parts.html,
        "id": parts.map_id,
        "key": _component_key(parts.script, key),
        "height": height,
        "width": None,
        "returned_objects": returned_objects,
        "default": _defaults(parts, returned_objects),
        "zoom": zoom,
        "center": center,
        "feature_group": fg_script,
        "return_on_hover": False,
        "layer_control": None,
        "pixelated": False,
        "css_links": list(dict.fromkeys(css)),
        "js_links": list(dict.fromkeys(js)),
        "wrap_longitude": False,
    }


def show(
    parts: MapParts,
    group: folium.FeatureGroup | None,
    key: str,
    height: int,
    returned_objects: list[str] | None,
    center: list[float] | None = None,
    zoom: int | None = None,
) -> dict:
    """Show the map in Streamlit, as ``st_folium(..., use_container_width=True)`` would."""
    args = component_args(parts, group, key, height, returned_objects, center, zoom)
    # the base map travels once as a served file, not in every rerun's arguments, and a
    # freshly drawn map does not rerun the page with its opening view (map_delivery)
    url, call = map_delivery.static_base_script(parts.script)
    quiet = map_delivery.quiet_first_view_url()
    args["js_links"] = [*args["js_links"], *(u for u in (quiet, url) if u)]
    # Leaflet and its plugins in one request instead of one after the other (script_bundle)
    args["js_links"] = script_bundle.bundled(args["js_links"])
    css_url, args["header"] = map_delivery.static_header(parts.header)
    if css_url:
        args["css_links"] = [*args["css_links"], css_url]
    args["script"] = call if quiet else map_delivery.quiet_first_view(call)

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(args["key"], {})

    return stf._component_func(**args, on_change=on_change)
