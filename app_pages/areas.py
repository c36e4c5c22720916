"""Area profiles: pick a district, platform or park on the map or from the list; see its
figures grouped as output, investment, funds and innovation, compare areas, download data."""

import pandas as pd
import streamlit as st

from components import state
from components.charts import build_bar_chart, source_note
from components.export_panel import export_areas
from components.map import build_highlight, build_overview_map, render_map
from geodata import cached
from geodata.areas import GROUPS, chart_rows, comparable_indicators, compare, sources_of
from geodata.schema import FOCUS_DISTRICTS
from geodata.selection import new_click

DOWNLOAD_COLUMNS = [
    "id",
    "area",
    "subject",
    "indicator",
    "period",
    "qualifier",
    "value",
    "unit",
    "source",
    "quote",
]

layers = cached.all_layers()
indicators = cached.table("indicators")
funds = cached.table("funds")

# Areas on offer: every district, platform and park; those with figures first.
all_areas = list(FOCUS_DISTRICTS) + [
    n for n in [*layers["districts"]["name_zh"], *layers["areas"]["name_zh"]] if n not in FOCUS_DISTRICTS
]
with_figures = set(indicators["area"])
area_options = [a for a in all_areas if a in with_figures] + [a for a in all_areas if a not in with_figures]

click = new_click(st.session_state.get(state.AREAS_MAP), st.session_state.get(state.AREAS_LAST_CLICK))
if click is not None:
    st.session_state[state.AREAS_LAST_CLICK] = click
    if click.layer == "districts":
        st.session_state[state.AREAS_AREA] = click.key
    elif click.layer == "areas":
        hit = layers["areas"][layers["areas"]["id"] == click.key]
        if len(hit):
            st.session_state[state.AREAS_AREA] = hit.iloc[0]["name_zh"]
if st.session_state.get(state.AREAS_AREA) not in area_options:
    st.session_state[state.AREAS_AREA] = state.DEFAULT_DISTRICT
area = st.session_state[state.AREAS_AREA]

st.title("地区画像")
st.caption(
    "在地图上点击区县、平台或园区，或从列表中选择；下方按产出、投资、基金、创新分组列出来源给出的数字。"
)

col_map, col_pick = st.columns([3, 2], gap="medium")
with col_pick:
    st.selectbox(
        "地区",
        area_options,
        key=state.AREAS_AREA,
        format_func=lambda a: a if a in with_figures else f"{a}（来源无数字）",
    )
    n = int((indicators["area"] == area).sum())
    st.metric("来源中的数字", f"{n} 条")
    if area in set(layers["areas"]["name_zh"]):
        row = layers["areas"][layers["areas"]["name_zh"] == area].iloc[0]
        st.caption(
            f"所在区：{row['district']}"
            + (f"　所属：{row['parent']}" if isinstance(row["parent"], str) and row["parent"] else "")
        )
with col_map:
    hl = pd.concat(
        [
            layers["districts"][layers["districts"]["name_zh"] == area],
            layers["areas"][layers["areas"]["name_zh"] == area],
        ]
    )
    render_map(
        build_overview_map(layers, st.session_state[state.BASEMAP]),
        build_highlight(hl[["geometry"]], st.session_state[state.BASEMAP]),
        key=state.AREAS_MAP,
        height=420,
        returned_objects=("last_active_drawing", "last_object_clicked", "bounds"),  # bounds: for export
    )
    export_areas(state.AREAS_MAP, layers, hl, area, indicators)

if n == 0:
    st.info(f"五份来源文件没有给出{area}的数字。")

for category, title in GROUPS.items():
    bars, rest = chart_rows(indicators, area, category)
    fund_rows = funds[funds["area"] == area] if category == "funds" else funds.iloc[0:0]
    if bars.empty and rest.empty and fund_rows.empty:
        continue
    st.subheader(title)
    if not bars.empty:
        unit = bars["unit"].iloc[0]
        fig = build_bar_chart(
            bars,
            f"{area}：{title}（{unit}）",
            unit,
            source_note(
                sources_of(bars),
                "每条柱为来源中的一个数字，原文限定词（约、超、突破等）见标签；浅色柱为目标、计划或预计数，不是实绩。",
            ),
        )
        st.plotly_chart(fig, key=f"chart_{category}", config={"displaylogo": False})
        st.download_button(
            "下载本图数据（CSV）",
            bars[DOWNLOAD_COLUMNS].to_csv(index=False).encode("utf-8-sig"),
            file_name=f"{area}_{category}.csv",
            mime="text/csv",
            key=f"dl_{category}",
        )
    if not rest.empty:
        st.caption("单位不同、未画入上图的数字：")
        st.dataframe(
            rest[["label", "text", "source"]].rename(
                columns={"label": "指标", "text": "数值", "source": "来源"}
            ),
            hide_index=True,
            width="stretch",
        )
    if not fund_rows.empty:
        st.markdown("**基金矩阵**")
        matrix = fund_rows.assign(
            规模=[
                f"{q or ''}{v:g} {u}".strip() if pd.notna(v) else "未公布"
                for v, u, q in zip(
                    fund_rows["size_value"], fund_rows["size_unit"], fund_rows["size_qualifier"], strict=True
                )
            ],
            状态=fund_rows["status"].map({"existing": "已设立", "planned": "2026 年拟组建"}),
        )[["fund", "规模", "focus", "stage", "状态", "source"]].rename(
            columns={"fund": "基金", "focus": "投向", "stage": "阶段", "source": "来源"}
        )
        st.dataframe(matrix, hide_index=True, width="stretch")

st.divider()
st.subheader("地区比较")
st.caption("只有同一指标、同一时期、同一单位的数字才并列画图；不可比的数字单独列出并说明原因。")
options = comparable_indicators(indicators)
chosen = st.selectbox(
    "指标", options, key=state.AREAS_COMPARE, index=options.index("基金规模") if "基金规模" in options else 0
)
groups, left = compare(indicators, chosen)
for i, g in enumerate(groups):
    rows = g.rows.assign(
        label=[f"{a}：{s}" if s else a for a, s in zip(g.rows["area"], g.rows["subject"], strict=True)],
        text=[
            f"{q + ' ' if q else ''}{v:g} {u}"
            for v, u, q in zip(g.rows["value"], g.rows["unit"], g.rows["qualifier"], strict=True)
        ],
    )
    st.plotly_chart(
        build_bar_chart(
            rows,
            f"{g.indicator}（{g.period or '时间未注明'}，{g.unit}）",
            g.unit,
            source_note(sources_of(rows)),
        ),
        key=f"compare_{i}",
        config={"displaylogo": False},
    )
    st.download_button(
        "下载本图数据（CSV）",
        rows[DOWNLOAD_COLUMNS].to_csv(index=False).encode("utf-8-sig"),
        file_name=f"compare_{g.indicator}_{g.period}.csv",
        mime="text/csv",
        key=f"dl_compare_{i}",
    )
if not groups:
    st.warning(f"“{chosen}”没有可比较的数字：来源中没有两条同一时期、同一单位的数字。")
if left is not None:
    st.caption(f"不可比、未画图的数字（{left.reason}）：")
    st.dataframe(
        left.rows[["area", "subject", "period", "value", "unit", "source"]].rename(
            columns={
                "area": "地区",
                "subject": "对象",
                "period": "时间",
                "value": "数值",
                "unit": "单位",
                "source": "来源",
            }
        ),
        hide_index=True,
        width="stretch",
    )

st.divider()
st.subheader("下载全部数字")
c1, c2 = st.columns(2)
c1.download_button(
    "全部数字（CSV）",
    indicators.to_csv(index=False).encode("utf-8-sig"),
    file_name="indicators.csv",
    mime="text/csv",
)
c2.download_button(
    "全部数字与基金（Excel）",
    cached.figures_workbook(),
    file_name="hangzhou_atlas_figures.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
