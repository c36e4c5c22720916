"""Session-state keys, in one place, with typed accessors."""

from __future__ import annotations

import streamlit as st

from geodata.geo.selection import Clicked

BASEMAP = "basemap"
OVERVIEW_MAP = "overview_map"
OVERVIEW_DISTRICT = "overview_district"
OVERVIEW_FEATURE = "overview_feature"  # Clicked | None: a zone, park, site, project or institute
OVERVIEW_LAST_CLICK = "overview_last_click"

DEFAULT_DISTRICT = "西湖区"


def init() -> None:
    """Set every key the app uses to its default, once per session."""
    st.session_state.setdefault(BASEMAP, "osm")
    st.session_state.setdefault(OVERVIEW_DISTRICT, DEFAULT_DISTRICT)
    st.session_state.setdefault(OVERVIEW_FEATURE, None)
    st.session_state.setdefault(OVERVIEW_LAST_CLICK, None)
    st.session_state.setdefault(AREAS_AREA, DEFAULT_DISTRICT)
    st.session_state.setdefault(AREAS_LAST_CLICK, None)


def selected_feature() -> Clicked | None:
    value = st.session_state.get(OVERVIEW_FEATURE)
    return value if isinstance(value, Clicked) else None


AREAS_AREA = "areas_area"
AREAS_MAP = "areas_map"
AREAS_LAST_CLICK = "areas_last_click"
AREAS_COMPARE = "areas_compare"
#: The comparison bars last acted on (a chart keeps its selection on every rerun).
AREAS_LAST_BARS = "areas_last_bars"
#: Key prefix of the comparison charts (one per comparable group).
AREAS_COMPARE_CHART = "compare_"

#: Session-state keys of the parcel explorer, one place.
PARCELS = {
    name: f"parcels_{name}"
    for name in (
        "init", "notices", "districts", "platforms", "land_uses", "area_min", "area_max", "unknown_area",
        "quarters", "statuses", "industries", "text", "selected", "compare", "sector", "center", "zoom",
        "seen_center", "seen_zoom", "list_page", "pick", "map", "last_click", "near_mode", "near_landmark",
        "near_lon", "near_lat", "near_radius", "dl_csv", "dl_xlsx", "dl_geojson",
    )
}  # fmt: skip

#: Session-state keys of meeting mode (app_pages/meeting.py), one place.
MEETING = {
    name: f"meeting_{name}"
    for name in (
        "tour",
        "showing",
        "stop",
        "presenting",
        "jump",
        "prev",
        "next",
        "first",
        "last",
        "exit",
        "start",
        "map",
    )
}


#: Session-state keys of the data page (editors only), one place.
DATA = {
    name: f"data_{name}"
    for name in (
        "user", "upload", "source", "crs", "remove_missing", "parcel", "loaded", "flash", "revert_id",
        "sign_name", "sign_password", "raw",
        # the import's previewed plan (written as seen), a counter that gives a fresh
        # uploader after a write, the move confirmation and an edit conflict to show
        "preview", "upload_round", "moves_ok", "conflict",
        # the leads tab's filters, the chosen registration and its follow-up inputs
        "lead_target", "lead_kind", "lead_status", "lead_since", "lead_until", "lead_pick",
        "lead_status_pick", "lead_note",
    )
}  # fmt: skip


def data_user() -> str | None:
    """The signed-in editor's name, or None for a visitor."""
    value = st.session_state.get(DATA["user"])
    return value if isinstance(value, str) and value else None


PARCELS["seen_cell"] = (
    "parcels_seen_cell"  # the count cell last clicked (many parcels are drawn as counts), acted on once
)
