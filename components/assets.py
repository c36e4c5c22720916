"""Serve Leaflet from the app itself: no CDN, so the map draws with no internet.

folium points every map at CDN copies of Leaflet, jQuery, Bootstrap and Font
Awesome. The atlas draws only vector layers, circle markers and a layer control,
which need Leaflet alone, so the map's asset lists are replaced by the vendored
Leaflet under ``static/vendor/leaflet`` (Streamlit serves ``static/`` at
``/app/static`` with ``enableStaticServing``; the map iframe is same-origin).
"""

from __future__ import annotations

from pathlib import Path

import folium

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
STATIC_URL = "/app/static"

LEAFLET_JS = [("leaflet", f"{STATIC_URL}/vendor/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", f"{STATIC_URL}/vendor/leaflet/leaflet.css")]


def local_asset_path(url: str) -> Path:
    """The file behind a ``/app/static/...`` URL.

    Examples
    --------
    >>> local_asset_path("/app/static/vendor/leaflet/leaflet.js").name
    'leaflet.js'
    """
    if not url.startswith(STATIC_URL + "/"):
        raise ValueError(f"not a local asset URL: {url}")
    return STATIC_DIR / url[len(STATIC_URL) + 1 :]


def use_local_assets(m: folium.Map) -> folium.Map:
    """Point a map at the vendored Leaflet instead of CDNs (per instance, not global)."""
    m.default_js = list(LEAFLET_JS)
    m.default_css = list(LEAFLET_CSS)
    return m


def asset_urls(m: folium.Map) -> list[str]:
    """Every JS/CSS URL a built map (and its children) will load."""
    urls: list[str] = []

    def walk(el) -> None:
        urls.extend(src for _, src in getattr(el, "default_js", []))
        urls.extend(href for _, href in getattr(el, "default_css", []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    return list(dict.fromkeys(urls))
