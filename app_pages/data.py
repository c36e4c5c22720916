"""Data maintenance (editors only): import parcel files with a preview, edit parcels, history and revert."""

from __future__ import annotations

import streamlit as st

from components import cached, state
from components.data_auth import editors, sign_in_form, sign_out_button
from components.data_tabs import render_edit_tab, render_history_tab, render_import_tab
from components.i18n import t
from components.leads_view import render_leads_tab

K = state.DATA
st.title(t("data.title"))

configured = editors()
if not configured:
    st.info(t("data.auth.not_configured"))
    st.stop()
user = state.data_user()
if user is None or user not in configured:  # the guard: a visitor never gets past here
    st.session_state.pop(K["user"], None)
    sign_in_form(configured)
    st.stop()

st.sidebar.caption(t("data.auth.signed_in", user=user))
sign_out_button()
backend = cached.backend()
# The message of the last save sits in a box that is always there, so the tabs below keep
# their place in the page and the editor stays on the tab they saved from.
flash_box = st.container()
flash = st.session_state.pop(K["flash"], None)
if flash:
    flash_box.success(flash)


tab_import, tab_edit, tab_history, tab_leads = st.tabs(
    [t("data.tab.import"), t("data.tab.edit"), t("data.tab.history"), t("leads.view.tab")]
)
with tab_import:
    render_import_tab(backend, user)
with tab_edit:
    render_edit_tab(backend, user)
with tab_history:
    render_history_tab(backend, user)
with tab_leads:
    render_leads_tab(backend, user)
