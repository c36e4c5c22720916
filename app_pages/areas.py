"""Area profiles: pick a district, platform or park on the map or from the list; see its
figures grouped as output, investment, funds and innovation, compare areas, download data."""

import pandas as pd
import streamlit as st

from components import cached, layout, state
from components.area_compare import apply_bar_pick, render_compare
from components.contact import render_contact
from components.downloads import csv_button, xlsx_button
from components.export_panel import export_areas
from components.i18n import lang, place, t
from components.interest_form import render_interest_form
from components.map import build_highlight, build_overview_map, render_map
from geodata.domain.area_tables import fund_table
from geodata.domain.areas import GROUPS
from geodata.domain.sources import cite_cells
from geodata.geo.selection import new_click
from geodata.model.schema import FOCUS_DISTRICTS
from geodata.text import formats

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
code = lang()
indicator_en = dict(zip(indicators["indicator"], indicators["indicator_en"], strict=True))


def indicator_name(name: str) -> str:
    return formats.indicator_name(name, indicator_en.get(name), code)


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
apply_bar_pick(indicators, area_options)  # a bar of the comparison selects its area
if st.session_state.get(state.AREAS_AREA) not in area_options:
    st.session_state[state.AREAS_AREA] = state.DEFAULT_DISTRICT
area = st.session_state[state.AREAS_AREA]

st.title(t("areas.title"))
st.caption(t("areas.caption"))

col_map, col_pick = st.columns([3, 2], gap="medium")
with col_map, layout.dashboard_map():
    hl = pd.concat(
        [
            layers["districts"][layers["districts"]["name_zh"] == area],
            layers["areas"][layers["areas"]["name_zh"] == area],
        ]
    )
    render_map(
        lambda: build_overview_map(layers, st.session_state[state.BASEMAP], code),
        build_highlight(hl[["geometry"]], st.session_state[state.BASEMAP], code),
        key=state.AREAS_MAP,
        height=420,
        returned_objects=("last_active_drawing", "last_object_clicked", "bounds"),  # bounds: for export
        cache_key=("overview", cached.data_version(), st.session_state[state.BASEMAP], code),  # same map
    )
    export_areas(state.AREAS_MAP, layers, hl, area)

with col_pick, layout.dashboard_side():
    st.selectbox(
        t("areas.area"),
        area_options,
        key=state.AREAS_AREA,
        format_func=lambda a: place(a) if a in with_figures else t("areas.no_figures_option", area=place(a)),
    )
    n = int((indicators["area"] == area).sum())
    st.metric(t("areas.metric"), t("areas.metric_value", count=n))
    row = None
    if area in set(layers["areas"]["name_zh"]):
        row = layers["areas"][layers["areas"]["name_zh"] == area].iloc[0]
        st.caption(
            t("areas.district_of", district=place(row["district"]))
            + (
                t("areas.parent_of", parent=place(row["parent"]))
                if isinstance(row["parent"], str) and row["parent"]
                else ""
            )
        )
    if n == 0:
        st.info(t("areas.no_figures", area=place(area)))
    # The selected area's charts stand beside the map, one tab per group with content:
    # on a desk map and charts share one screen; on a phone they follow the map.
    shown_groups = []
    for category in GROUPS:
        title = t(f"areas.group.{category}")
        # built once per area and language for every session (components.cached)
        chart_title = t("areas.chart_title", area=place(area), group=title, unit="{unit}")
        bars, rest, figure = cached.area_group(area, category, code, chart_title, t("charts.bar_note"))
        fund_rows = funds[funds["area"] == area] if category == "funds" else funds.iloc[0:0]
        if not (bars.empty and rest.empty and fund_rows.empty):
            shown_groups.append((category, title, bars, rest, figure, fund_rows))
    tabs = st.tabs([g[1] for g in shown_groups]) if shown_groups else []
    for tab, (category, _title, bars, rest, figure, fund_rows) in zip(tabs, shown_groups, strict=True):
        with tab:
            if figure is not None:
                st.plotly_chart(figure, key=f"chart_{category}", config={"displaylogo": False})
                csv_button(
                    t("common.download_csv"),
                    bars[DOWNLOAD_COLUMNS],
                    f"{area}_{category}.csv",
                    f"dl_{category}",
                )
            if not rest.empty:
                st.caption(t("areas.rest"))
                st.dataframe(
                    rest.assign(source=cite_cells(rest["source"], code))[["label", "text", "source"]].rename(
                        columns={
                            "label": t("areas.col.indicator"),
                            "text": t("areas.col.value"),
                            "source": t("areas.col.source"),
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                )
            if not fund_rows.empty:
                st.markdown("**" + t("areas.fund_matrix") + "**")
                st.dataframe(fund_table(fund_rows, code), hide_index=True, width="stretch")
    # Contact and the interest form follow the charts: on a desk the charts stay on the first screen.
    if row is not None:
        render_contact(row["district"], area, row["parent"])
    else:  # a district
        render_contact(area)
    render_interest_form("area", area, place(area), key="area_lead")

st.divider()
render_compare(indicators, indicator_name, DOWNLOAD_COLUMNS)

st.divider()
st.subheader(t("areas.download_all"))
c1, c2 = st.columns(2)
csv_button(t("areas.all_csv"), indicators, "indicators.csv", where=c1)
xlsx_button(t("areas.all_xlsx"), cached.figures_workbook, "hangzhou_atlas_figures.xlsx", where=c2)
