"""The plain approach the benchmark compares against: every parcel as one ``folium.GeoJson``.

Same store and data as the atlas (``ATLAS_STORE``/``ATLAS_PACK``), the same offline
Leaflet (a CDN cannot be reached here, and a map that never draws measures nothing), and
one filter like the explorer's platform filter. Nothing else: no caching of the frame
beyond reading it once, no viewport logic, ``st_folium`` with its defaults (so every pan
reruns the script), a new map on every run. Run by ``bench/run.py``, never by the atlas.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# run.py runs a copy from a temp dir (next to a link to static/, which Streamlit serves
# from beside the main script) and says where the repository is
REPO = Path(os.environ.get("ATLAS_BENCH_REPO", Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(REPO))

import folium  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from components.assets import use_local_assets  # noqa: E402
from geodata import store  # noqa: E402


@st.cache_data
def parcels():
    return store.read_layer(store.ensure_store(), "parcels")


gdf = parcels()
platforms = sorted(p for p in gdf["parent"].dropna().unique() if p)
chosen = st.sidebar.multiselect("平台 / 片区", platforms, key="platforms")
shown = gdf[gdf["parent"].isin(chosen)] if chosen else gdf
st.write(f"{len(shown)} parcels")
m = use_local_assets(folium.Map(location=[30.25, 120.15], zoom_start=9, tiles=None))
folium.GeoJson(
    shown[["id", "name_zh", "district", "geometry"]],
    # the class only lets the benchmark find the drawn parcels, as it does in the atlas
    on_each_feature=folium.JsCode("function(f, l) { l.options.className = 'atlas-parcels'; }"),
    style_function=lambda f: {"color": "#c0392b", "weight": 2, "fillOpacity": 0.08},
    marker=folium.CircleMarker(radius=6),
    tooltip=folium.GeoJsonTooltip(fields=["name_zh"]),
).add_to(m)
st_folium(m, height=520, use_container_width=True)
