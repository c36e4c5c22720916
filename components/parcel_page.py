"""The parcel explorer's sections, drawn from values the page hands over.

``app_pages/parcels.py`` reads the data and the widgets and calls these in order; each
function draws one section (filters, list, card, comparison, near-here search, downloads)
and decides nothing that a pure function in ``geodata.domain.parcels`` could decide.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from components import cached, state
from components.cards import build_feature_facts, render_feature_card
from components.contact import render_contact
from components.export_panel import export_parcels, render_brochure_panel
from components.i18n import lang, place, t
from components.interest_form import render_interest_form
from components.map import build_parcel_base_map, from_display_point, render_map, to_display_point
from components.parcel_layer import (
    build_scaled_parcels_group,
    cell_click_target,
    display_bounds_to_wgs84,
    layer_notice,
)
from geodata.domain.figures import format_value
from geodata.domain.parcels import (
    ParcelQuery,
    ViewState,
    landmarks,
    m2_to_mu,
    mu_to_ha,
    mu_to_m2,
    nearest_features,
    parcel_policies,
    within_radius,
)
from geodata.domain.parcels.labels import parcel_label
from geodata.domain.parcels.tables import (
    listing_table,
    marked,
    nearby_table,
    page_rows,
    policy_table,
    radius_table,
)
from geodata.domain.sources import cite_all
from geodata.export.tables import PARCEL_FILES
from geodata.geo.selection import new_click
from geodata.geo.viewport import bounds_from_map, capped_choices, near_candidates, zoom_from_map
from geodata.model.extent import HANGZHOU_EXTENT
from geodata.model.schema import NOT_PUBLISHED_ZH, PARCEL_STATUS_ZH
from geodata.text.formats import indicator_name, term
from geodata.text.markdown import md_escape, md_table

K = state.PARCELS
ANY = "不限"  # the "any sector" choice (a value, shown translated)
LIST_LIMIT = 1000  # choices in the pickers: 100,000 options made every rerun megabytes
LIST_ROWS = 10  # rows of the parcel list on one page
NEAR_ROWS = 20  # the nearest parcels listed by the near-here search
PLAN_SUBJECT = "2026年产业用地出让计划"  # the figures table's rows for the plan as a whole
# the near-here modes: the value stays the same in both languages (a language switch keeps it)
NEAR_MODES = {"地标": "landmark", "坐标": "coords", "地图上点击的位置": "click"}


def view_to_session(view: ViewState) -> dict[str, object]:
    """The page's session values for a view read from a shared link (before any widget exists)."""
    return {
        **view.query.to_session(K),
        K["selected"]: view.selected,
        K["compare"]: list(view.compare),
        K["sector"]: view.sector or ANY,
        K["center"]: view.center,
        K["zoom"]: view.zoom,
        K["seen_center"]: view.center,
        K["seen_zoom"]: view.zoom,
    }


def session_view(query: ParcelQuery, selected: str | None) -> ViewState:
    """The view a copied link should reopen, from the page's session values."""
    ss = st.session_state
    sector = ss.get(K["sector"], ANY)
    return ViewState(
        query=query,
        selected=selected,
        compare=tuple(ss.get(K["compare"], ())),
        center=ss[K["seen_center"]],
        zoom=ss[K["seen_zoom"]],
        sector=None if sector == ANY else sector,
    )


def render_filters(options: Mapping[str, list[str]], districts: set[str]) -> ParcelQuery:
    """The sidebar's filters; returns the query they hold."""
    code = lang()
    with st.sidebar:
        st.markdown("**" + t("parcels.filter.title") + "**")
        any_ = t("common.any")
        st.multiselect(
            t("parcels.filter.district"), sorted(districts), format_func=place, key=K["districts"], placeholder=any_
        )
        st.multiselect(
            t("parcels.filter.platform"), options["platforms"], format_func=place, key=K["platforms"], placeholder=any_
        )
        st.multiselect(
            t("parcels.filter.land_use"),
            options["land_uses"],
            format_func=lambda v: term(v, "land_use", code),
            key=K["land_uses"],
            placeholder=any_,
        )
        c1, c2 = st.columns(2)
        c1.number_input(t("parcels.filter.area_min"), min_value=0.0, value=None, step=10.0, key=K["area_min"])
        c2.number_input(t("parcels.filter.area_max"), min_value=0.0, value=None, step=10.0, key=K["area_max"])
        for label, key in (("min", K["area_min"]), ("max", K["area_max"])):
            mu = st.session_state.get(key)
            if mu is not None:
                st.caption(
                    t(
                        f"parcels.filter.area_{label}_line",
                        mu=f"{mu:,.0f}",
                        m2=f"{mu_to_m2(mu):,.0f}",
                        ha=f"{mu_to_ha(mu):,.2f}",
                    )
                )
        st.checkbox(t("parcels.filter.unknown_area"), key=K["unknown_area"])
        st.multiselect(
            t("parcels.filter.quarter"),
            options["quarters"],
            format_func=lambda q: t("common.not_published") if q == NOT_PUBLISHED_ZH else q,
            key=K["quarters"],
            placeholder=any_,
        )
        st.multiselect(
            t("parcels.filter.status"),
            list(PARCEL_STATUS_ZH),
            format_func=lambda s: t(f"cards.parcel_status.{s}"),
            key=K["statuses"],
            placeholder=any_,
        )
        st.multiselect(
            t("parcels.filter.industry"), options["industries"], key=K["industries"], placeholder=any_
        )
        st.text_input(t("parcels.filter.search"), key=K["text"], max_chars=100)
    return ParcelQuery.from_session(st.session_state, K)


def render_plan_caption(indicators: pd.DataFrame) -> None:
    """The plan as a whole, from its own rows of the figures table (with their source), and which
    listed parcels it describes: only those named by a source are placed approximately."""
    code = lang()
    plan = indicators[indicators["subject"] == PLAN_SUBJECT]
    placed = cached.parcel_provenance()
    if len(plan):
        st.caption(
            t(
                "parcels.plan",
                figures=t("parcels.sep").join(
                    # a qualifier the indicator's own name already says (计划 / planned) is not repeated
                    f"{indicator_name(r.indicator, r.indicator_en, code)}{': ' if code == 'en' else '：'}"
                    f"{format_value(r.value, r.unit, '' if r.qualifier in r.indicator else r.qualifier, code)}"
                    for r in plan.itertuples()
                ),
                sources=cite_all(plan["source"], code),
                count=placed.indicative,
            )
        )
    if placed.surveyed:  # imported parcels are surveyed: the "indicative" caption is not said of them
        st.caption(
            t(
                "ingest.surveyed_note",
                count=placed.surveyed,
                sources=md_escape(cite_all(placed.surveyed_sources, code)),
            )
        )


def render_listing(
    shown: gpd.GeoDataFrame,
    shown_xy: np.ndarray,
    total: int,
    selected: str | None,
    names: Mapping[str, str],
) -> None:
    """The filtered parcels, LIST_ROWS at a time, as a Markdown table with their key figures,
    and a picker that opens one of the listed parcels (selects it and flies the map to it).

    Not ``st.dataframe``: its grid (glide-data-grid with Arrow, 1.7 MB of browser code) was a
    third of the page's first download and held back the map's frame, which the browser
    fetched behind it; a Markdown table and a select box use code every page already has.
    Paged, so 100,000 parcels send one page of rows, never the whole list."""
    code = lang()
    st.markdown(t("parcels.count", shown=len(shown), total=total))
    page = 1
    *_, pages = page_rows(len(shown), 1, LIST_ROWS)
    if pages > 1:
        # the filters may have left fewer pages than the one shown before: show the last
        if st.session_state.get(K["list_page"], 1) > pages:
            st.session_state[K["list_page"]] = pages
        page = st.number_input(
            t("parcels.list_page", pages=f"{pages:,}"), min_value=1, max_value=pages, step=1, key=K["list_page"]
        )
    start, stop, _ = page_rows(len(shown), int(page), LIST_ROWS)
    listed = shown.iloc[start:stop]
    ids = [str(i) for i in listed["id"]]
    row = ids.index(selected) if selected in ids else None
    table = marked(listing_table(listed, names, code), row)
    st.markdown(md_table(list(table.columns), table.itertuples(index=False)))
    # the picker shows the selected parcel, however it was chosen (map click, link, picker)
    st.session_state[K["pick"]] = selected if row is not None else None
    centres = {
        i: (round(float(y), 6), round(float(x), 6)) for i, (x, y) in zip(ids, shown_xy[start:stop], strict=True)
    }
    st.selectbox(
        t("parcels.list_open"),
        ids,
        index=None,
        format_func=lambda i: names.get(i, i),
        placeholder=t("parcels.list_open_placeholder"),
        key=K["pick"],
        on_change=_open_picked,
        args=(centres,),
    )


def _open_picked(centres: Mapping[str, tuple[float, float]]) -> None:
    """The parcel picked in the list becomes the selected one, and the map flies to it."""
    picked = st.session_state.get(K["pick"])
    if picked in centres:
        st.session_state[K["selected"]] = picked
        st.session_state[K["center"]] = centres[picked]
        st.session_state[K["zoom"]] = 14


def render_card(
    row: pd.Series,
    name_zh: str,
    layers: Mapping[str, gpd.GeoDataFrame],
    policies: pd.DataFrame,
    sectors: list[str],
) -> None:
    """The selected parcel: its card, what is near it and the support measures that apply."""
    code = lang()
    props = row.drop(labels="geometry").to_dict()
    st.divider()
    render_feature_card(name_zh, props)
    # the investor's next step, right under the facts: whom to call, and the registration
    render_contact(row.get("district"), name_zh, row.get("parent"))
    render_interest_form("parcel", str(row["id"]), parcel_label(props, code))
    st.markdown("**" + t("parcels.near_title") + "**")
    st.dataframe(nearby_table(nearest_features(row.geometry, layers), code), hide_index=True, width="stretch")
    st.selectbox(
        t("parcels.sector"),
        [ANY, *sectors],
        format_func=lambda s: t("common.any") if s == ANY else term(s, "sector", code),
        key=K["sector"],
    )
    sector = st.session_state[K["sector"]]
    matches = parcel_policies(policies, str(row["district"]), None if sector == ANY else sector, code)
    if matches:
        st.dataframe(policy_table(matches, code), hide_index=True, width="stretch")
        st.caption(t("parcels.policy_more"))
    else:
        st.info(t("parcels.no_policy", district=md_escape(place(row["district"]))))


def render_compare(parcels: gpd.GeoDataFrame, shown: gpd.GeoDataFrame, names: Mapping[str, str]) -> None:
    """Two to four parcels side by side, fact by fact."""
    st.divider()
    st.subheader(t("parcels.compare"))
    st.multiselect(
        t("parcels.compare_pick"),
        capped_choices(shown["id"], list(st.session_state[K["compare"]]), LIST_LIMIT),
        format_func=names.get,
        max_selections=4,
        key=K["compare"],
        placeholder=t("parcels.compare_placeholder"),
    )
    picked = st.session_state[K["compare"]]
    if len(picked) >= 2:
        facts = {
            names[p]: dict(
                build_feature_facts(parcels[parcels["id"] == p].iloc[0].drop(labels="geometry").to_dict(), lang())
            )
            for p in picked
        }
        st.dataframe(pd.DataFrame(facts), width="stretch")
    elif picked:
        st.caption(t("parcels.compare_one_more"))


def render_nearby(
    parcels: gpd.GeoDataFrame,
    parcel_xy: np.ndarray,
    layers: Mapping[str, gpd.GeoDataFrame],
    map_out: Mapping | None,
    names: Mapping[str, str],
) -> None:
    """Parcels within a radius of a landmark, a coordinate or the last spot clicked on the map."""
    st.divider()
    st.subheader(t("parcels.nearby"))
    marks = landmarks(layers)
    mode = st.radio(
        t("parcels.near_mode"),
        list(NEAR_MODES),
        format_func=lambda m: t(f"parcels.mode.{NEAR_MODES[m]}"),
        horizontal=True,
        key=K["near_mode"],
    )
    point = None
    if mode == "地标":
        name = st.selectbox(t("parcels.mode.landmark"), sorted(marks), format_func=place, key=K["near_landmark"])
        point = marks[name]
    elif mode == "坐标":
        c1, c2 = st.columns(2)
        lon = c1.number_input(
            t("parcels.lon"),
            min_value=HANGZHOU_EXTENT.west,
            max_value=HANGZHOU_EXTENT.east,
            value=120.10,
            format="%.5f",
            key=K["near_lon"],
        )
        lat = c2.number_input(
            t("parcels.lat"),
            min_value=HANGZHOU_EXTENT.south,
            max_value=HANGZHOU_EXTENT.north,
            value=30.25,
            format="%.5f",
            key=K["near_lat"],
        )
        point = (lon, lat)
    else:
        spot = (map_out or {}).get("last_clicked")
        if spot:
            lat, lng = from_display_point(spot["lat"], spot["lng"], st.session_state[state.BASEMAP])
            point = (lng, lat)
        else:
            st.caption(t("parcels.click_anywhere"))
    # a number box, not a slider: the slider's browser code brings date and number formatting
    # libraries (moment, numbro: ~120 KB) that nothing else on the page's first visit needs
    radius_km = st.number_input(
        t("parcels.radius"), min_value=0.5, max_value=30.0, value=5.0, step=0.5, format="%.1f", key=K["near_radius"]
    )
    if point is None:
        return
    candidates = near_candidates(parcels, parcel_xy, point[0], point[1], radius_km * 1000)
    hits = within_radius(point[0], point[1], candidates, radius_km * 1000)
    if len(hits):
        # nearest first; a Markdown table (no grid code to fetch), as long as a glance needs
        table = radius_table(hits.iloc[:NEAR_ROWS], names, lang())
        st.markdown(md_table(list(table.columns), table.itertuples(index=False)))
        if len(hits) > NEAR_ROWS:
            st.caption(t("parcels.near_more", shown=NEAR_ROWS, total=f"{len(hits):,}", km=f"{radius_km:g}"))
    else:
        st.info(t("parcels.none_within", km=f"{radius_km:g}"))


def render_downloads(query: ParcelQuery) -> None:
    """The filtered parcels as CSV, Excel and GeoJSON."""
    st.divider()
    st.subheader(t("parcels.download"))
    d1, d2, d3 = st.columns(3)
    # built when clicked, once per store revision and filter, shared by every session (components.cached)
    for col, kind, label in ((d1, "csv", "CSV"), (d2, "xlsx", "Excel"), (d3, "geojson", t("parcels.geojson"))):
        col.download_button(
            label, lambda kind=kind: cached.parcel_file(kind, query), *PARCEL_FILES[kind], key=K[f"dl_{kind}"]
        )
    st.caption(t("parcels.mu_note", m2=f"{mu_to_m2(1):,.2f}", mu=f"{m2_to_mu(10000):g}"))


def apply_map_clicks(parcel_ids: set[str]) -> None:
    """A click on the map (in session state before this rerun) selects a parcel; a click on a
    count cell (many parcels, zoomed out) zooms in on it. Each is acted on once."""
    click = new_click(st.session_state.get(K["map"]), st.session_state.get(K["last_click"]))
    if click is not None:
        st.session_state[K["last_click"]] = click
        if click.layer == "parcels" and click.key in parcel_ids:
            st.session_state[K["selected"]] = click.key
    cell = cell_click_target(st.session_state.get(K["map"]), st.session_state[K["seen_zoom"]])
    if cell is not None and cell != st.session_state.get(K["seen_cell"]):
        st.session_state[K["seen_cell"]] = cell
        st.session_state[K["center"]] = from_display_point(*cell[0], st.session_state[state.BASEMAP])
        st.session_state[K["zoom"]] = cell[1]


def render_parcel_map(
    layers: Mapping[str, gpd.GeoDataFrame],
    shown: gpd.GeoDataFrame,
    shown_xy: np.ndarray,
    selected: str | None,
) -> Mapping | None:
    """The map of the filtered parcels over the shared base map, its export panel, and the view
    it reports back (kept for the shareable link). Returns streamlit-folium's output."""
    code = lang()
    basemap = st.session_state[state.BASEMAP]
    center = st.session_state[K["center"]]
    group, plan = build_scaled_parcels_group(
        shown,
        shown_xy,
        selected,
        basemap,
        display_bounds_to_wgs84(bounds_from_map(st.session_state.get(K["map"])), basemap),
        zoom_from_map(st.session_state.get(K["map"]), st.session_state[K["seen_zoom"]]),
        lang=code,
    )
    notice = layer_notice(plan, code)
    if notice:
        st.caption(notice)
    out = render_map(
        lambda: build_parcel_base_map(layers, basemap, code),
        group,
        key=K["map"],
        height=520,
        # the view is kept in WGS-84; over Amap the map is drawn in GCJ-02
        center=to_display_point(*center, basemap) if center else None,
        zoom=st.session_state[K["zoom"]],
        returned_objects=("last_active_drawing", "last_object_clicked", "last_clicked", "center", "zoom", "bounds"),
        cache_key=("parcel_base", cached.data_version(), basemap, code),
    )
    export_parcels(K["map"], layers, shown, selected)
    if out and out.get("center") and out.get("zoom"):
        lat, lng = from_display_point(out["center"]["lat"], out["center"]["lng"], basemap)
        st.session_state[K["seen_center"]] = (round(lat, 5), round(lng, 5))
        st.session_state[K["seen_zoom"]] = int(out["zoom"])
    return out


def render_brochures(
    parcels: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame],
    policies: pd.DataFrame,
    shown: gpd.GeoDataFrame,
    selected: str | None,
    names: Mapping[str, str],
) -> None:
    """The brochure panel, offering the filtered parcels capped like the compare picker (100,000
    options slowed every rerun), keeping earlier picks and the selected parcel."""
    earlier = [p for p in st.session_state.get("export_brochure_pick", []) if p in names]
    render_brochure_panel(
        parcels,
        layers,
        policies,
        cached.table("sources"),
        [selected] if selected else [],
        choices=capped_choices(
            shown["id"], list(dict.fromkeys([*earlier, *([selected] if selected in names else [])])), LIST_LIMIT
        ),
        names=names,
    )
