"""Thematic maps: districts (and platforms) coloured by a chosen indicator, and the signed
and started projects sized by investment, each with the table it was drawn from."""

import pandas as pd
import streamlit as st

from components import cached, state
from components.downloads import csv_button
from components.export_panel import export_choropleth, export_projects
from components.i18n import lang, place, t
from components.map import build_choropleth_map, build_projects_map, class_labels, render_map
from geodata.domain.areas import choropleth_indicators, choropleth_values, classify, stated_area_counts
from geodata.domain.figures import format_value
from geodata.domain.sources import cite_cells
from geodata.text.formats import format_period, indicator_name, unit_label
from geodata.text.markdown import md_table

layers = cached.all_layers()
indicators = cached.table("indicators")
area_names = list(layers["districts"]["name_zh"]) + list(layers["areas"]["name_zh"])
code = lang()
# the value table scrolls beside the map past this many rows (the map is 520 px high)
TABLE_ROWS, TABLE_HEIGHT = 12, 460
indicator_en = dict(zip(indicators["indicator"], indicators["indicator_en"], strict=True))

st.title(t("thematic.title"))
# One map at a time: a Leaflet map built inside a hidden tab has no size and fits its
# bounds to zoom 0, so the view is a choice, not a set of tabs.
VIEWS = ("choropleth", "projects")
view = st.radio(
    t("thematic.view"),
    VIEWS,
    format_func=lambda v: t(f"thematic.views.{v}"),
    horizontal=True,
    key="thematic_view",
)

if view == "choropleth":
    options = choropleth_indicators(indicators, set(area_names))
    # open on the indicator that the most areas state
    stated = stated_area_counts(indicators, area_names)
    counts = {o: stated.get(o, 0) for o in options}
    best = max(counts.values())
    candidates = [o for o in options if counts[o] == best]
    default = options.index("规上工业总产值" if "规上工业总产值" in candidates else candidates[0])
    if best < 2:
        st.info(t("thematic.single_area"))
    indicator = st.selectbox(
        t("thematic.indicator"),
        options,
        index=default,
        key="thematic_indicator",
        format_func=lambda i: indicator_name(i, indicator_en.get(i), code),
    )
    indicator_label = indicator_name(indicator, indicator_en.get(indicator), code)
    table = choropleth_values(indicators, indicator, area_names, code)
    known = table.dropna(subset=["value"])
    units = sorted(set(known["unit"]))
    if len(units) > 1:
        st.warning(
            t(
                "thematic.mixed_units",
                indicator=indicator_label,
                units=t("thematic.sep").join(unit_label(u, code) for u in units),
            )
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
    labels = class_labels(bins, distinct, unit, code)
    col_map, col_table = st.columns([3, 2], gap="medium")
    with col_map:
        render_map(
            lambda: build_choropleth_map(
                layers,
                values,
                labels,
                t("thematic.legend_title", indicator=indicator_label, unit=unit_label(unit, code)),
                st.session_state[state.BASEMAP],
                code,
            ),
            None,
            key="thematic_choropleth_map",
            height=520,
            returned_objects=("last_active_drawing", "last_object_clicked", "bounds"),  # bounds: for export
            cache_key=(
                "choropleth",
                cached.data_version(),
                tuple(sorted(values.items())),
                tuple(labels),
                t("thematic.legend_title", indicator=indicator_label, unit=unit_label(unit, code)),
                st.session_state[state.BASEMAP],
                code,
            ),
        )
        export_choropleth(
            "thematic_choropleth_map",
            layers,
            values,
            labels,
            t("thematic.legend_title", indicator=indicator_label, unit=unit_label(unit, code)),
            indicator_label,
            known,
            unit,
        )
    with col_table:
        st.caption(t("thematic.classes", known=len(known), missing=len(table) - len(known)))
        shown = known.assign(
            area=[place(a) for a in known["area"]],
            value_text=[
                format_value(v, u, q, code)
                for v, u, q in zip(known["value"], known["unit"], known["qualifier"], strict=True)
            ],
            period=[format_period(p, code) for p in known["period"]],
            source=cite_cells(known["source"], code),
        )
        # a Markdown table, not st.dataframe: the thematic page opens on this view, and the grid
        # would add 1.7 MB of browser code to its first visit for a few dozen rows at most
        columns = ("area", "value_text", "period", "source", "note")
        with st.container(height=TABLE_HEIGHT if len(shown) > TABLE_ROWS else "content"):
            st.markdown(
                md_table(
                    [t(f"thematic.col.{c}") for c in columns],
                    shown[list(columns)].itertuples(index=False),
                )
            )
        csv_button(t("common.download_csv"), table, f"choropleth_{indicator}.csv", "thematic_choropleth_csv")

else:
    projects = layers["projects"]
    col_map, col_list = st.columns([3, 2], gap="medium")
    with col_map:
        render_map(
            lambda: build_projects_map(layers, st.session_state[state.BASEMAP], code),
            None,
            key="thematic_projects_map",
            height=520,
            returned_objects=("last_active_drawing", "last_object_clicked", "bounds"),  # bounds: for export
            cache_key=("projects", cached.data_version(), st.session_state[state.BASEMAP], code),
        )
        export_projects("thematic_projects_map", layers)
    with col_list:
        listing = projects.assign(
            name=projects["name_en"] if code == "en" else projects["name_zh"],
            investment=[
                format_value(v, u, q if isinstance(q, str) else "", code)
                if pd.notna(v)
                else t("common.not_stated")
                for v, u, q in zip(
                    projects["investment_value"],
                    projects["investment_unit"],
                    projects["investment_qualifier"],
                    strict=True,
                )
            ],
        ).sort_values("investment_value", ascending=False, na_position="last")
        listing = listing.assign(
            district=[place(d) for d in listing["district"]],
            parent=[place(p) if isinstance(p, str) else "" for p in listing["parent"]],
            source=cite_cells(listing["source"], code),
        )
        columns = ("name", "investment", "district", "parent", "source")
        st.dataframe(
            listing[list(columns)].rename(columns={c: t(f"thematic.col.{c}") for c in columns}),
            hide_index=True,
            width="stretch",
        )
        foreign = projects[projects["investment_unit"].notna() & (projects["investment_unit"] != "亿元")]
        named = t("thematic.sep").join(
            t("thematic.foreign_item", name=n, value=format_value(v, u, "", code))
            for n, v, u in zip(
                foreign["name_en" if code == "en" else "name_zh"],
                foreign["investment_value"],
                foreign["investment_unit"],
                strict=True,
            )
        )
        st.caption(t("thematic.currency_note", named=t("thematic.named", items=named) if named else ""))
        csv_button(
            t("common.download_csv"),
            lambda: projects.drop(columns="geometry").assign(
                lon=projects.geometry.x.round(6), lat=projects.geometry.y.round(6)
            ),
            "projects.csv",
            "thematic_projects_csv",
        )
