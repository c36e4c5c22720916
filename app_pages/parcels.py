"""Parcel explorer: filter, find, open, compare, share and download the supply parcels.

The page reads the shared data and the widgets, asks ``geodata.domain.parcels`` what passes
and hands the sections to ``components.parcel_page``.
"""

import streamlit as st

from components import cached, parcel_sheet, state
from components.i18n import keep_in_url, lang, t
from components.parcel_page import (
    apply_map_clicks,
    render_brochures,
    render_card,
    render_compare,
    render_downloads,
    render_filters,
    render_listing,
    render_nearby,
    render_parcel_map,
    render_plan_caption,
    session_view,
    view_to_session,
)
from geodata.domain.parcels import filter_parcels, state_from_params, state_to_params
from geodata.geo.viewport import subset_anchors
from geodata.model.schema import PARCEL_STATUS_ZH

K = state.PARCELS  # the page's session-state keys
code = lang()

layers = cached.shared_layers()  # read-only, one copy for every session
parcels = layers["parcels"]
parcel_xy = cached.parcel_anchors()
policies = cached.table("policies")
options, parcel_ids, names_by_lang = cached.parcel_lookup()
names = names_by_lang[code]  # id -> name on screen (the code, then the id, where a file gave no name)
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
# from it; afterwards the widgets are the truth and the URL follows them. Streamlit drops a
# widget's state in any run that does not draw it (a visit to another page, or a run that
# failed while the database restarted), so the page seeds again from the URL when that happened.
if not st.session_state.get(K["init"]) or K["compare"] not in st.session_state:
    view, notices = state_from_params(st.query_params.to_dict(), known, code)
    st.session_state.update({K["init"]: True, K["notices"]: notices, **view_to_session(view)})

apply_map_clicks(known["parcel_ids"])
query = render_filters(options, known["districts"])
shown = filter_parcels(parcels, query)
shown_xy = subset_anchors(parcel_xy, parcels.index, shown.index)
selected = st.session_state.get(K["selected"])

st.title(t("parcels.title"))
render_plan_caption(cached.table("indicators"))
for notice in st.session_state.get(K["notices"], []):
    st.warning(notice)

col_map, col_table = st.columns([3, 2], gap="medium")
# the map first: the browser starts fetching the map frame's code as soon as its element
# arrives, while the rest of the page is still being run
with col_map:
    out = render_parcel_map(layers, shown, shown_xy, selected)
with col_table:
    render_listing(shown, shown_xy, len(parcels), selected, names)

if selected in known["parcel_ids"]:
    row = parcels[parcels["id"] == selected].iloc[0]
    with parcel_sheet.sheet():  # first on a phone: what a parcel link (the QR code) opens on
        render_card(row, names_by_lang["zh"][selected], layers, policies, sectors)
        parcel_sheet.render_small_map(
            layers, parcels[parcels["id"] == selected], st.session_state[state.BASEMAP], lang()
        )
        parcel_sheet.render_contact(selected)
render_brochures(parcels, layers, policies, shown, selected, names)
render_compare(parcels, shown, names)
render_nearby(parcels, parcel_xy, layers, out, names)
render_downloads(query)

# the URL follows the page, so a copied link reopens this view
st.query_params.from_dict(state_to_params(session_view(query, selected)))
keep_in_url()  # the line above replaced every parameter: the language goes back in
