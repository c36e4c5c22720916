"""Parcel explorer: filter, find, open, compare, share and download the supply parcels."""

import json

import pandas as pd
import streamlit as st

from components import cached, parcel_sheet, state
from components.cards import build_feature_facts, render_feature_card
from components.export_panel import export_parcels, render_brochure_panel
from components.i18n import keep_in_url, lang, place, t
from components.map import (
    build_parcel_base_map,
    from_display_point,
    render_map,
    to_display_point,
)
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
    filter_parcels,
    landmarks,
    m2_to_mu,
    mu_to_ha,
    mu_to_m2,
    nearest_features,
    parcel_policies,
    state_from_params,
    state_to_params,
    within_radius,
)
from geodata.export.tables import to_csv_bytes, to_xlsx
from geodata.geo.selection import new_click
from geodata.geo.viewport import (
    bounds_from_map,
    capped_choices,
    near_candidates,
    subset_anchors,
    zoom_from_map,
)
from geodata.model.schema import NOT_PUBLISHED_ZH, PARCEL_COLUMNS, PARCEL_STATUS_ZH
from geodata.text.formats import format_number, indicator_name, term

K = state.PARCELS  # the page's session-state keys
code = lang()
ANY = "不限"  # the "any sector" choice (a value, shown translated)
LIST_LIMIT = (
    1000  # rows in the list and choices in the compare picker: 100,000 options made every rerun megabytes
)

layers = cached.shared_layers()  # read-only, one copy for every session
parcels = layers["parcels"]
parcel_xy = cached.parcel_anchors()
policies = cached.table("policies")
options, parcel_ids, names_by_lang = cached.parcel_lookup()
sectors = sorted(set(policies["sector"]) - {"", "全部"})
known = {
    "districts": set(layers["districts"]["name_zh"]),
    "platforms": set(layers["areas"]["name_zh"]),
    "land_uses": set(options["land_uses"]),
    "quarters": set(options["quarters"]),
    "statuses": set(PARCEL_STATUS_ZH),
    "industries": set(options["industries"]),
    "parcel_ids": parcel_ids,
    "sectors": set(sectors),
}

# A shared link is read once per session, before any widget exists, so the widgets start
# from it; afterwards the widgets are the truth and the URL follows them.
if not st.session_state.get(K["init"]):
    view, notices = state_from_params(st.query_params.to_dict(), known, code)
    q = view.query
    st.session_state.update(
        {
            K["init"]: True,
            K["notices"]: notices,
            K["districts"]: list(q.districts),
            K["platforms"]: list(q.platforms),
            K["land_uses"]: list(q.land_uses),
            K["area_min"]: q.area_mu_min,
            K["area_max"]: q.area_mu_max,
            K["unknown_area"]: q.include_unknown_area,
            K["quarters"]: list(q.quarters),
            K["statuses"]: list(q.statuses),
            K["industries"]: list(q.industries),
            K["text"]: q.text,
            K["selected"]: view.selected,
            K["compare"]: list(view.compare),
            K["sector"]: view.sector or ANY,
            K["center"]: view.center,
            K["zoom"]: view.zoom,
            K["seen_center"]: view.center,
            K["seen_zoom"]: view.zoom,
        }
    )

# A click on the map (arrives in session state before this rerun) selects a parcel.
click = new_click(st.session_state.get(K["map"]), st.session_state.get(K["last_click"]))
if click is not None:
    st.session_state[K["last_click"]] = click
    if click.layer == "parcels" and click.key in known["parcel_ids"]:
        st.session_state[K["selected"]] = click.key
# A click on a count cell (large data, zoomed out) zooms in on it, once.
cell = cell_click_target(st.session_state.get(K["map"]), st.session_state[K["seen_zoom"]])
if cell is not None and cell != st.session_state.get(K["seen_cell"]):
    st.session_state[K["seen_cell"]] = cell
    st.session_state[K["center"]] = from_display_point(*cell[0], st.session_state[state.BASEMAP])
    st.session_state[K["zoom"]] = cell[1]

with st.sidebar:
    st.markdown("**" + t("parcels.filter.title") + "**")
    any_ = t("common.any")
    st.multiselect(
        t("parcels.filter.district"),
        sorted(known["districts"]),
        format_func=place,
        key=K["districts"],
        placeholder=any_,
    )
    st.multiselect(
        t("parcels.filter.platform"),
        options["platforms"],
        format_func=place,
        key=K["platforms"],
        placeholder=any_,
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
    st.multiselect(t("parcels.filter.industry"), options["industries"], key=K["industries"], placeholder=any_)
    st.text_input(t("parcels.filter.search"), key=K["text"], max_chars=100)

query = ParcelQuery(
    districts=tuple(st.session_state[K["districts"]]),
    platforms=tuple(st.session_state[K["platforms"]]),
    land_uses=tuple(st.session_state[K["land_uses"]]),
    area_mu_min=st.session_state[K["area_min"]],
    area_mu_max=st.session_state[K["area_max"]],
    include_unknown_area=st.session_state[K["unknown_area"]],
    quarters=tuple(st.session_state[K["quarters"]]),
    statuses=tuple(st.session_state[K["statuses"]]),
    industries=tuple(st.session_state[K["industries"]]),
    text=st.session_state[K["text"]],
)
shown = filter_parcels(parcels, query)
shown_xy = subset_anchors(parcel_xy, parcels.index, shown.index)
# A row picked in the table (its selection is in session state before this rerun) selects
# that parcel and flies the map to it; acted on once, like a map click.
table_state = st.session_state.get(K["table"])
rows = list(table_state["selection"]["rows"]) if table_state else []
if rows and rows != st.session_state.get(K["seen_rows"]) and rows[0] < len(shown):
    pick = shown.iloc[rows[0]]
    st.session_state[K["selected"]] = pick["id"]
    st.session_state[K["center"]] = (round(shown_xy[rows[0]][1], 6), round(shown_xy[rows[0]][0], 6))
    st.session_state[K["zoom"]] = 14
st.session_state[K["seen_rows"]] = rows
selected = st.session_state.get(K["selected"])

st.title(t("parcels.title"))
# The plan as a whole, from its own rows of the figures table (with their source).
plan = cached.table("indicators")
plan = plan[plan["subject"] == "2026年产业用地出让计划"]
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
            sources=t("parcels.sep").join(sorted(set(plan["source"]))),
            count=len(parcels),
        )
    )
for notice in st.session_state.get(K["notices"], []):
    st.warning(notice)

col_map, col_table = st.columns([3, 2], gap="medium")
with col_table:
    st.markdown(t("parcels.count", shown=len(shown), total=len(parcels)))
    listed = shown.iloc[:LIST_LIMIT]
    if len(shown) > LIST_LIMIT:
        st.caption(t("scale.notice.table", shown=f"{LIST_LIMIT:,}", total=f"{len(shown):,}"))
    table = pd.DataFrame(
        {
            t("parcels.col.parcel"): listed["name_en"] if code == "en" else listed["name_zh"],
            t("parcels.col.district"): [place(d) for d in listed["district"]],
            t("parcels.col.platform"): [place(p) for p in listed["parent"].fillna("")],
            t("parcels.col.area"): [
                t("parcels.area_mu", mu=format_number(v)) if pd.notna(v) else t("common.not_published")
                for v in listed["area_mu"]
            ],
            t("parcels.col.status"): [
                t(f"cards.parcel_status.{s}") if s in PARCEL_STATUS_ZH else t("common.not_published")
                for s in listed["status"]
            ],
        }
    ).reset_index(drop=True)
    listed_ids = listed["id"].to_numpy()
    # styling every row costs time: only when the selected parcel is in the list
    styled = (
        table.style.apply(
            lambda r: ["background-color: #fdebd0" if listed_ids[r.name] == selected else "" for _ in r],
            axis=1,
        )
        if selected in set(listed_ids)
        else table
    )
    event = st.dataframe(
        styled,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=K["table"],
        width="stretch",
    )

with col_map:
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
    notice = layer_notice(plan, lang())
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
        returned_objects=(
            "last_active_drawing",
            "last_object_clicked",
            "last_clicked",
            "center",
            "zoom",
            "bounds",
        ),
        cache_key=("parcel_base", cached.data_version(), basemap, code),
    )
    export_parcels(K["map"], layers, shown, selected)
    if out and out.get("center") and out.get("zoom"):
        lat, lng = from_display_point(out["center"]["lat"], out["center"]["lng"], basemap)
        st.session_state[K["seen_center"]] = (round(lat, 5), round(lng, 5))
        st.session_state[K["seen_zoom"]] = int(out["zoom"])

# ---- the parcel card (first on a phone: what a parcel link opens on)
if selected in known["parcel_ids"]:
    with parcel_sheet.sheet():
        row = parcels[parcels["id"] == selected].iloc[0]
        props = row.drop(labels="geometry").to_dict()
        st.divider()
        render_feature_card(str(props["name_zh"]), props)
        parcel_sheet.render_small_map(
            layers, parcels[parcels["id"] == selected], st.session_state[state.BASEMAP], code
        )
        near = nearest_features(row.geometry, layers)
        st.markdown("**" + t("parcels.near_title") + "**")
        st.dataframe(
            pd.DataFrame(
                {
                    t("parcels.col.layer"): [t(f"parcels.layer.{n.layer}") for n in near],
                    t("parcels.col.name"): [place(n.name_zh) for n in near],
                    t("parcels.col.distance"): [f"{n.distance_m / 1000:,.1f} km" for n in near],
                    t("parcels.col.location"): [
                        t("map.indicative") if n.geometry_quality == "indicative" else n.geometry_quality
                        for n in near
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.selectbox(
            t("parcels.sector"),
            [ANY, *sectors],
            format_func=lambda s: t("common.any") if s == ANY else term(s, "sector", code),
            key=K["sector"],
        )
        sector = st.session_state[K["sector"]]
        matches = parcel_policies(policies, str(row["district"]), None if sector == ANY else sector, code)
        if matches:
            st.dataframe(
                pd.DataFrame(
                    {
                        t("parcels.col.measure"): [
                            m.measure_en or m.measure if code == "en" else m.measure for m in matches
                        ],
                        t("parcels.col.sector"): [term(m.sector, "sector", code) for m in matches],
                        t("parcels.col.cap"): [m.cap_text or "" for m in matches],
                        t("parcels.col.rate"): [m.rate_text or "" for m in matches],
                        t("parcels.col.source"): [m.source for m in matches],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            st.caption(t("parcels.policy_more"))
        else:
            st.info(t("parcels.no_policy", district=place(row["district"])))
        parcel_sheet.render_contact(selected)

names = names_by_lang[code]
brochure_pick = [p for p in st.session_state.get("export_brochure_pick", []) if p in names]
render_brochure_panel(
    parcels,
    layers,
    policies,
    cached.table("sources"),
    [selected] if selected else [],
    # the filtered parcels, capped like the compare picker (100,000 options slowed every rerun)
    choices=capped_choices(
        shown["id"],
        list(dict.fromkeys([*brochure_pick, *([selected] if selected in names else [])])),
        LIST_LIMIT,
    ),
    names=names,
)

# ---- compare
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
            build_feature_facts(parcels[parcels["id"] == p].iloc[0].drop(labels="geometry").to_dict(), code)
        )
        for p in picked
    }
    st.dataframe(pd.DataFrame(facts), width="stretch")
elif picked:
    st.caption(t("parcels.compare_one_more"))

# ---- near here
st.divider()
st.subheader(t("parcels.nearby"))
marks = landmarks(layers)
# the choice's value stays the same in both languages (a language switch keeps it)
MODES = {"地标": "landmark", "坐标": "coords", "地图上点击的位置": "click"}
mode = st.radio(
    t("parcels.near_mode"),
    list(MODES),
    format_func=lambda m: t(f"parcels.mode.{MODES[m]}"),
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
        t("parcels.lon"), min_value=118.0, max_value=121.0, value=120.10, format="%.5f", key=K["near_lon"]
    )
    lat = c2.number_input(
        t("parcels.lat"), min_value=29.0, max_value=31.0, value=30.25, format="%.5f", key=K["near_lat"]
    )
    point = (lon, lat)
else:
    spot = (out or {}).get("last_clicked")
    if spot:
        lat, lng = from_display_point(spot["lat"], spot["lng"], st.session_state[state.BASEMAP])
        point = (lng, lat)
    else:
        st.caption(t("parcels.click_anywhere"))
radius_km = st.slider(t("parcels.radius"), 0.5, 30.0, 5.0, 0.5, key=K["near_radius"])
if point is not None:
    candidates = near_candidates(parcels, parcel_xy, point[0], point[1], radius_km * 1000)
    hits = within_radius(point[0], point[1], candidates, radius_km * 1000)
    if len(hits):
        st.dataframe(
            pd.DataFrame(
                {
                    t("parcels.col.parcel"): hits["name_en"] if code == "en" else hits["name_zh"],
                    t("parcels.col.distance"): [f"{d / 1000:,.2f} km" for d in hits["distance_m"]],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.info(t("parcels.none_within", km=f"{radius_km:g}"))

# ---- download
st.divider()
st.subheader(t("parcels.download"))
cols = [c for c in PARCEL_COLUMNS if c in shown.columns]
export = shown[cols].copy()
export.insert(0, "lat", shown_xy[:, 1].round(6))
export.insert(0, "lon", shown_xy[:, 0].round(6))
d1, d2, d3 = st.columns(3)
d1.download_button("CSV", lambda: to_csv_bytes(export), "parcels.csv", "text/csv", key=K["dl_csv"])
d2.download_button(
    "Excel",
    lambda: to_xlsx({"parcels": export}),  # built when clicked, not on every rerun
    "parcels.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key=K["dl_xlsx"],
)
d3.download_button(
    t("parcels.geojson"),
    lambda: json.dumps(
        json.loads(shown[[*cols, "geometry"]].to_crs(4326).to_json(drop_id=True)), ensure_ascii=False
    ).encode("utf-8"),
    "parcels.geojson",
    "application/geo+json",
    key=K["dl_geojson"],
)
st.caption(t("parcels.mu_note", m2=f"{mu_to_m2(1):,.2f}", mu=f"{m2_to_mu(10000):g}"))

# ---- the URL follows the page, so a copied link reopens this view
st.query_params.from_dict(
    state_to_params(
        ViewState(
            query=query,
            selected=selected,
            compare=tuple(picked),
            center=st.session_state[K["seen_center"]],
            zoom=st.session_state[K["seen_zoom"]],
            sector=None if st.session_state.get(K["sector"], ANY) == ANY else st.session_state[K["sector"]],
        )
    )
)
keep_in_url()  # the line above replaced every parameter: the language goes back in
