"""Thematic maps: districts (and platforms) coloured by a chosen indicator, and the signed
and started projects sized by investment, each with the table it was drawn from."""

import pandas as pd
import streamlit as st

from components import state
from components.export_panel import export_choropleth, export_projects
from components.map import build_choropleth_map, build_projects_map, class_labels, render_map
from geodata import cached
from geodata.areas import choropleth_indicators, choropleth_values, classify
from geodata.figures import format_value

layers = cached.all_layers()
indicators = cached.table("indicators")
area_names = list(layers["districts"]["name_zh"]) + list(layers["areas"]["name_zh"])

st.title("专题地图")
# One map at a time: a Leaflet map built inside a hidden tab has no size and fits its
# bounds to zoom 0, so the view is a choice, not a set of tabs.
VIEWS = {"choropleth": "按指标着色", "projects": "签约与开工项目"}
view = st.radio("专题", list(VIEWS), format_func=VIEWS.get, horizontal=True, key="thematic_view")

if view == "choropleth":
    options = choropleth_indicators(indicators, set(area_names))
    # open on the indicator that the most areas state
    counts = {o: choropleth_values(indicators, o, area_names)["value"].notna().sum() for o in options}
    best = max(counts.values())
    candidates = [o for o in options if counts[o] == best]
    default = options.index("规上工业总产值" if "规上工业总产值" in candidates else candidates[0])
    if best < 2:
        st.info(
            "五份来源中，没有任何地区级指标被两个以上地区同时给出：每张着色图只有一个地区有数字，其余为灰色。"
        )
    indicator = st.selectbox("指标", options, index=default, key="thematic_indicator")
    table = choropleth_values(indicators, indicator, area_names)
    known = table.dropna(subset=["value"])
    units = sorted(set(known["unit"]))
    if len(units) > 1:
        st.warning(
            f"“{indicator}”在不同地区的单位不同（{'、'.join(units)}），不能在一张图上着色；下表列出各地区的数字。"
        )
        classes, bins = pd.Series(float("nan"), index=table.index), []
    else:
        classes, bins = classify(table["value"], k=5)
    unit = units[0] if len(units) == 1 else ""
    values = {
        a: (v, None if pd.isna(c) else int(c))
        for a, v, c in zip(table["area"], table["value"], classes, strict=True)
    }
    distinct = len(set(known["value"])) <= 5
    labels = class_labels(bins, distinct, unit)
    col_map, col_table = st.columns([3, 2], gap="medium")
    with col_map:
        render_map(
            build_choropleth_map(
                layers, values, labels, f"{indicator}（{unit}）", st.session_state[state.BASEMAP]
            ),
            None,
            key="thematic_choropleth_map",
            height=520,
            returned_objects=("last_active_drawing", "last_object_clicked", "bounds"),  # bounds: for export
        )
        export_choropleth(
            "thematic_choropleth_map",
            layers,
            values,
            labels,
            f"{indicator}（{unit}）",
            indicator,
            known,
            unit,
        )
    with col_table:
        st.caption(
            f"分级：Fisher-Jenks 自然断点（mapclassify），不多于 5 级；有数字的地区 {len(known)} 个，"
            f"其余 {len(table) - len(known)} 个来源未给出，显示为灰色。"
        )
        shown = known.assign(
            数值=[
                format_value(v, u, q)
                for v, u, q in zip(known["value"], known["unit"], known["qualifier"], strict=True)
            ]
        )
        st.dataframe(
            shown[["area", "数值", "period", "source", "note"]].rename(
                columns={"area": "地区", "period": "时间", "source": "来源", "note": "说明"}
            ),
            hide_index=True,
            width="stretch",
        )
        st.download_button(
            "下载本图数据（CSV）",
            table.to_csv(index=False).encode("utf-8-sig"),
            file_name=f"choropleth_{indicator}.csv",
            mime="text/csv",
            key="thematic_choropleth_csv",
        )

else:
    projects = layers["projects"]
    col_map, col_list = st.columns([3, 2], gap="medium")
    with col_map:
        render_map(
            build_projects_map(layers, st.session_state[state.BASEMAP]),
            None,
            key="thematic_projects_map",
            height=520,
            returned_objects=("last_active_drawing", "last_object_clicked", "bounds"),  # bounds: for export
        )
        export_projects("thematic_projects_map", layers)
    with col_list:
        listing = projects.assign(
            投资额=[
                f"{q if isinstance(q, str) else ''}{v:g} {u}" if pd.notna(v) else "来源未给出"
                for v, u, q in zip(
                    projects["investment_value"],
                    projects["investment_unit"],
                    projects["investment_qualifier"],
                    strict=True,
                )
            ]
        ).sort_values("investment_value", ascending=False, na_position="last")
        st.dataframe(
            listing[["name_zh", "投资额", "district", "parent", "source"]].rename(
                columns={"name_zh": "项目", "district": "所在区", "parent": "所属平台", "source": "来源"}
            ),
            hide_index=True,
            width="stretch",
        )
        foreign = projects[projects["investment_unit"].notna() & (projects["investment_unit"] != "亿元")]
        named = "、".join(
            f"{n}为 {v:g} {u}"
            for n, v, u in zip(
                foreign["name_zh"], foreign["investment_value"], foreign["investment_unit"], strict=True
            )
        )
        st.caption(
            f"金额按来源原文的币种列出{'（' + named + '）' if named else ''}，未做汇率换算；位置为示意位置。"
        )
        st.download_button(
            "下载本图数据（CSV）",
            projects.drop(columns="geometry")
            .assign(lon=projects.geometry.x.round(6), lat=projects.geometry.y.round(6))
            .to_csv(index=False)
            .encode("utf-8-sig"),
            file_name="projects.csv",
            mime="text/csv",
            key="thematic_projects_csv",
        )
