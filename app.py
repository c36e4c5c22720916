"""Hangzhou land & industry atlas: page setup, navigation and the shared sidebar. Nothing else."""

import streamlit as st

from components import state
from components.map import BASEMAPS

st.set_page_config(page_title="杭州产业用地图集", page_icon="🗺️", layout="wide")
state.init()

pages = st.navigation(
    [
        st.Page("app_pages/overview.py", title="总览", icon=":material/map:", default=True),
        st.Page("app_pages/parcels.py", title="产业用地地块", icon=":material/location_on:"),
        st.Page("app_pages/areas.py", title="地区画像", icon=":material/bar_chart:"),
        st.Page("app_pages/thematic.py", title="专题地图", icon=":material/layers:"),
        st.Page("app_pages/policies.py", title="政策匹配", icon=":material/policy:"),
        st.Page("app_pages/sources.py", title="数据与来源", icon=":material/menu_book:"),
    ]
)

with st.sidebar:
    st.selectbox("底图", options=list(BASEMAPS), format_func=BASEMAPS.get, key=state.BASEMAP)
    st.caption(
        "底图瓦片需联网；无网络时选择“无底图”，区县边界与各图层照常显示。"
        "所有数字均来自五份来源文件，见“数据与来源”。"
    )

pages.run()
