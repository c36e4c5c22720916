"""The plain approach to a tour page, for the meeting step of ``bench/run.py``.

The atlas's first tour (same store, same tour files) presented the way a plain Streamlit +
folium page does it: a start button, then previous/next buttons with Streamlit's own
keyboard shortcuts (Left/Right arrows); every press reruns the script, which builds a new
``folium.Map`` at the stop's centre and zoom with the district outlines and the stop's
layers, and ``st_folium`` draws it (a new map for each stop: its arguments differ, so the
component is a new one); the stop's title and caption follow in ``st.markdown``. Nothing
else: no highlight ring, figure cards or charts, no base map kept between stops. The
caption and the map's box carry the same class and key as the atlas's, which is all the
benchmark reads. Run by ``bench/run.py``, never by the atlas.
"""

from __future__ import annotations

import html
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
from components.basemaps import basemaps, tianditu_key  # noqa: E402
from components.map import to_display_point  # noqa: E402
from geodata import store  # noqa: E402
from geodata.domain.tours import load_tours, pack_index  # noqa: E402
from geodata.model.schema import LAYERS  # noqa: E402

st.set_page_config(layout="wide")


@st.cache_data
def data():
    path = store.ensure_store()
    layers = {name: store.read_layer(path, name) for name in LAYERS}
    index = pack_index(layers, store.read_table(path, "indicators"), basemaps(tianditu_key()))
    tours, _ = load_tours(index, "zh")
    return layers, tours[0]


layers, tour = data()
total = len(tour.stops)
st.session_state.setdefault("stop", 0)


def start() -> None:
    st.session_state["presenting"] = True
    st.session_state["stop"] = 0


def move(by: int) -> None:
    st.session_state["stop"] = min(max(st.session_state["stop"] + by, 0), total - 1)


if not st.session_state.get("presenting"):
    st.title(tour.title.zh)
    st.button("开始演示", key="meeting_start", on_click=start)
else:
    i = st.session_state["stop"]
    stop = tour.stops[i]
    nav = st.columns([1, 1, 6])
    nav[0].button("◀ 上一站", key="prev", on_click=move, args=(-1,), shortcut="Left", disabled=i == 0)
    nav[1].button("下一站 ▶", key="next", on_click=move, args=(1,), shortcut="Right", disabled=i == total - 1)
    nav[2].markdown(f"**{html.escape(tour.title.zh)}** · {i + 1} / {total}")
    col_map, col_text = st.columns([3, 2])
    with col_map, st.container(key="meeting_mapbox"):
        m = use_local_assets(
            folium.Map(
                location=list(to_display_point(*stop.view.center, stop.basemap)), zoom_start=stop.view.zoom
            )
        )
        for name in ("districts", *stop.layers):
            folium.GeoJson(
                layers[name][["name_zh", "geometry"]],
                style_function=lambda f: {"color": "#1f618d", "weight": 2, "fillOpacity": 0.1},
                marker=folium.CircleMarker(radius=6),
                tooltip=folium.GeoJsonTooltip(fields=["name_zh"]),
            ).add_to(m)
        st_folium(m, height=760, use_container_width=True)
    with col_text:
        st.markdown(f"### {html.escape(stop.title.zh)}")
        st.markdown(
            f'<div class="meeting-caption" data-stop="{i + 1}">{html.escape(stop.caption.zh)}</div>',
            unsafe_allow_html=True,
        )
