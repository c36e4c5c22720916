"""Overview: every layer on one map, and the selected district's key figures beside it."""

import streamlit as st

from components import cached, cards, layout, state
from components.contact import render_contact
from components.export_panel import export_overview
from components.i18n import lang, place, t
from components.interest_form import render_interest_form
from components.map import build_highlight, build_overview_map, render_map
from geodata.domain.figures import figure_count, key_figures
from geodata.geo.selection import Clicked, new_click
from geodata.model.schema import FOCUS_DISTRICTS

layers = cached.all_layers()
indicators = cached.table("indicators")
districts = layers["districts"]
district_names = list(FOCUS_DISTRICTS) + [n for n in districts["name_zh"] if n not in FOCUS_DISTRICTS]

# A click on the map arrives in session state before this rerun: act on it first, so
# the highlight and the district list below already show the new selection.
click = new_click(st.session_state.get(state.OVERVIEW_MAP), st.session_state.get(state.OVERVIEW_LAST_CLICK))
if click is not None:
    st.session_state[state.OVERVIEW_LAST_CLICK] = click
    if click.layer == "districts":
        st.session_state[state.OVERVIEW_DISTRICT] = click.key
        st.session_state[state.OVERVIEW_FEATURE] = None
    elif click.layer in layers:
        hit = layers[click.layer][layers[click.layer]["id"] == click.key]
        if len(hit):
            st.session_state[state.OVERVIEW_FEATURE] = Clicked(click.layer, click.key)
            if hit.iloc[0]["district"] in district_names:
                st.session_state[state.OVERVIEW_DISTRICT] = hit.iloc[0]["district"]

feature = state.selected_feature()
feature_row = None
if feature is not None:
    hits = layers[feature.layer][layers[feature.layer]["id"] == feature.key]
    feature_row = hits.iloc[0] if len(hits) else None
district = st.session_state[state.OVERVIEW_DISTRICT]

st.title(t("overview.title"))
st.caption(t("overview.caption"))

col_map, col_side = st.columns([3, 2], gap="medium")
with col_map, layout.dashboard_map():
    if feature_row is not None:
        highlight_gdf = layers[feature.layer][layers[feature.layer]["id"] == feature.key]
    else:
        highlight_gdf = districts[districts["name_zh"] == district]
    render_map(
        lambda: build_overview_map(layers, st.session_state[state.BASEMAP], lang()),
        build_highlight(highlight_gdf[["geometry"]], st.session_state[state.BASEMAP], lang()),
        key=state.OVERVIEW_MAP,
        returned_objects=("last_active_drawing", "last_object_clicked", "bounds"),  # bounds: for export
        cache_key=("overview", cached.data_version(), st.session_state[state.BASEMAP], lang()),
    )
    export_overview(state.OVERVIEW_MAP, layers, highlight_gdf, district)

with col_side, layout.dashboard_side():
    st.selectbox(
        t("overview.district"),
        district_names,
        format_func=place,
        key=state.OVERVIEW_DISTRICT,
        on_change=lambda: st.session_state.update({state.OVERVIEW_FEATURE: None}),
    )
    if feature_row is not None:
        props = feature_row.drop(labels="geometry").to_dict()
        cards.render_feature_card(str(props.get("name_zh", "")), props)
        # a zone, park or parcel on offer: whom to contact, and the registration
        target = {"areas": "area", "parcels": "parcel"}.get(str(props.get("layer")))
        if target:
            render_contact(props.get("district"), props.get("name_zh"), props.get("parent"))
            target_id = str(props["name_zh"] if target == "area" else props["id"])
            render_interest_form(target, target_id, place(str(props.get("name_zh", ""))), key="overview_lead")
        area_figs = key_figures(indicators, str(props.get("name_zh", "")), lang())
        if area_figs:
            st.markdown("**" + t("overview.key_figures", area=place(props["name_zh"])) + "**")
            cards.render_figures(area_figs)
        st.divider()

    st.subheader(t("overview.key_figures", area=place(district)))
    figs = key_figures(indicators, district, lang())
    if figs:
        cards.render_figures(figs)
        more = figure_count(indicators, district) - len(figs)
        if more > 0:
            st.caption(t("overview.more_figures", count=more, area=place(district)))
    else:
        st.info(t("overview.no_figures", area=place(district)))
    area_km2 = districts.loc[districts["name_zh"] == district, "area_km2"]
    if len(area_km2):
        st.caption(t("overview.district_area", km2=f"{float(area_km2.iloc[0]):,.0f}"))

    in_district = layers["areas"][layers["areas"]["district"] == district]
    if len(in_district):
        st.markdown("**" + t("overview.platforms") + "**")
        st.write(t("overview.list_sep").join(place(n) for n in in_district["name_zh"]))
