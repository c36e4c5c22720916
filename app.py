"""Hangzhou land & industry atlas: page setup, navigation and the shared sidebar. Nothing else."""

import streamlit as st

from components import cached, layout, state
from components.basemaps import basemaps, tianditu_key
from components.data_auth import data_page_entry
from components.errors import reference_on_error
from components.i18n import lang, language_switch, t
from geodata.text.markdown import md_escape

st.set_page_config(page_title=t("common.app_title"), page_icon="🗺️", layout="wide")
state.init()
layout.inject()  # phone, desk and projector layout (one stylesheet for every page)

pages = st.navigation(
    [
        st.Page("app_pages/overview.py", title=t("common.nav.overview"), icon=":material/map:", default=True),
        st.Page("app_pages/parcels.py", title=t("common.nav.parcels"), icon=":material/location_on:"),
        st.Page("app_pages/areas.py", title=t("common.nav.areas"), icon=":material/bar_chart:"),
        st.Page("app_pages/thematic.py", title=t("common.nav.thematic"), icon=":material/layers:"),
        st.Page("app_pages/policies.py", title=t("common.nav.policies"), icon=":material/policy:"),
        st.Page("app_pages/recommend.py", title=t("recommend.page.nav"), icon=":material/travel_explore:"),
        st.Page("app_pages/sources.py", title=t("common.nav.sources"), icon=":material/menu_book:"),
        st.Page("app_pages/meeting.py", title=t("tour.page.nav"), icon=":material/slideshow:"),
        # the data page, listed only for a signed-in editor or while none is configured
        # (then it explains how to enable editing); the page guards itself as well.
        *data_page_entry(),
    ]
)

catalogue = basemaps(tianditu_key())
# the sidebar reads the store too (data as of): an outage there gets the same message as a page
with st.sidebar, reference_on_error():
    language_switch()
    st.selectbox(
        t("common.basemap.label"),
        options=list(catalogue),
        format_func=lambda k: catalogue[k].label(lang()),
        key=state.BASEMAP,
    )
    chosen = catalogue[st.session_state[state.BASEMAP]]
    if chosen.tiles:
        st.caption(t("common.basemap.online", attribution=chosen.attribution))
    else:
        st.caption(t("common.basemap.offline"))
    st.caption(t("common.sources_note"))
    # how current each layer is, on every page (investors ask this first)
    with st.expander(t("currency.title"), icon=":material/update:"):
        st.caption(t("currency.intro"))
        st.markdown(
            "\n".join(
                f"- **{t(f'currency.layer.{name}')}** — {md_escape(line)}"
                for name, line in cached.layers_as_of(lang())
            )
        )

# a failing page shows the visitor a reference, the server log gets the traceback
with reference_on_error():
    pages.run()
