"""The parcel first: what a parcel link (the brochure's QR code, a link sent in a chat)
shows on a phone before anything else.

The page wraps its parcel section (card with key facts — "not yet published" where the
source is silent —, nearby features, policies) in ``sheet()``; on a phone the stylesheet
moves that section above the title and the explorer, so the investor sees the parcel
at once. ``render_small_map`` adds a small map of the parcel and its surroundings (phones
only: on a desk the explorer's map beside the table already shows it), and
``render_contact`` is the one place where the contact action renders.
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from components import cached
from components.export_panel import brochure_config
from components.i18n import lang, t
from components.layout import MAP_FRAME, is_phone
from components.map import build_parcel_base_map, build_parcels_group, render_map, to_display_point
from geodata.export.brochure import contact_lines

SHEET_KEY = "parcel_sheet"
SMALL_MAP_KEY = "parcel_small_map"

#: On a phone the sheet comes first (flex order in Streamlit's vertical block) and shows
#: its small map; on wider screens the small map is hidden (the explorer's map is there).
SHEET_CSS = f"""
<style>
.st-key-{SMALL_MAP_KEY} {{ display: none; }}
@media (max-width: 480px) {{
  /* Streamlit wraps a keyed container in a layout wrapper: that wrapper is the flex item */
  [data-testid="stLayoutWrapper"]:has(> .st-key-{SHEET_KEY}), .st-key-{SHEET_KEY} {{ order: -1; }}
  .st-key-{SHEET_KEY} {{ border-bottom: 1px solid #e3e6ea; padding-bottom: .75rem; }}
  .st-key-{SMALL_MAP_KEY} {{ display: block; }}
  .st-key-{SMALL_MAP_KEY} {MAP_FRAME} {{ height: 260px !important; min-height: 0; }}
}}
</style>
"""


def sheet():
    """The container of the page's parcel section (first on a phone)."""
    st.html(SHEET_CSS)
    return st.container(key=SHEET_KEY)


def render_small_map(
    layers: dict[str, gpd.GeoDataFrame], parcel: gpd.GeoDataFrame, basemap: str, code: str
) -> None:
    """A small map on the parcel (zoom 14: the parcel and the streets around it), drawn for
    phones only (``layout.is_phone``): on a desk the explorer's map beside the table shows
    the parcel, and a second, hidden map frame would load and report for nothing.

    It shares the explorer's cached base map; only the one parcel travels per run, and
    it returns nothing (``returned_objects=()``), so it never reruns the page.
    """
    if not is_phone():
        return
    pt = parcel.geometry.iloc[0].representative_point()
    with st.container(key=SMALL_MAP_KEY):
        render_map(
            lambda: build_parcel_base_map(layers, basemap, code),
            build_parcels_group(parcel, str(parcel["id"].iloc[0]), basemap, code),
            key="parcel_sheet_map",
            height=260,
            center=to_display_point(pt.y, pt.x, basemap),
            zoom=14,
            returned_objects=(),
            cache_key=("parcel_base", cached.data_version(), basemap, code),
        )


def render_contact(parcel_id: str) -> None:
    """The contact action for a parcel: the one place it renders.

    Today the configured contact block (``[brochure.contact]`` in the secrets, or
    ``ATLAS_CONTACT_*``); an interest-registration form for ``parcel_id`` belongs here.
    """
    st.markdown("**" + t("layout.contact_title") + "**")
    contact = brochure_config().contact
    if not contact:
        st.caption(t("layout.contact_none"))
        return
    for line in contact_lines(contact, lang()):  # the same block as the printed brochure
        st.text(line)  # configured text, shown as text (no markdown, no HTML)
