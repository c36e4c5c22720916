"""Hangzhou land & industry atlas: page setup, navigation and the shared sidebar. Nothing else."""

import streamlit as st

from components import state
from components.basemaps import basemaps, tianditu_key
from components.data_auth import data_page_entry
from components.i18n import t

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
        st.Page("app_pages/meeting.py", title=t("tour.page.nav"), icon=":material/slideshow:"),
        # issue #8: the data page, listed only for a signed-in editor or while none is configured
        # (then it explains how to enable editing); the page guards itself as well.
        *data_page_entry(),
    ]
)

catalogue = basemaps(tianditu_key())
with st.sidebar:
    st.selectbox(
        "底图", options=list(catalogue), format_func=lambda k: catalogue[k].label_zh, key=state.BASEMAP
    )
    chosen = catalogue[st.session_state[state.BASEMAP]]
    if chosen.tiles:
        st.caption(f"底图：{chosen.attribution}。无法连接底图服务器时自动改用离线底图。")
    else:
        st.caption("离线底图：区县边界与名称来自本地数据，无需网络。")
    if "tianditu_vec" not in catalogue:
        st.caption(
            "天地图需要密钥：在环境变量 TIANDITU_KEY 或 .streamlit/secrets.toml 的 tianditu_key 中配置。"
        )
    st.caption("所有数字均来自五份来源文件，见“数据与来源”。")

pages.run()
