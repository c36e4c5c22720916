"""Who may edit: the configured editors, the sign-in form and sign-out (visitors change nothing)."""

from __future__ import annotations

import os

import streamlit as st

from components import state
from components.i18n import t
from geodata.store import users


def editors() -> dict[str, str]:
    """Configured editors (name -> argon2 hash) from the environment and Streamlit secrets."""
    try:
        secrets: dict = dict(st.secrets)
    except Exception:  # no secrets file
        secrets = {}
    return users.parse_editors(os.environ.get(users.EDITORS_ENV), secrets)


def sign_in_form(configured: dict[str, str]) -> None:
    """The sign-in form; on success the session holds the editor's name and the page reruns."""
    with st.form("data_sign_in"):
        st.subheader(t("data.auth.title"))
        # bounded in the browser; the server refuses longer values unchecked as well
        name = st.text_input(t("data.auth.name"), key=state.DATA["sign_name"], max_chars=users.MAX_NAME)
        password = st.text_input(
            t("data.auth.password"),
            type="password",
            key=state.DATA["sign_password"],
            max_chars=users.MAX_PASSWORD,
        )
        submitted = st.form_submit_button(t("data.auth.submit"))
    if submitted:
        if users.sign_in(configured, name, password):
            st.session_state[state.DATA["user"]] = name.strip()
            st.rerun()
        st.error(t("data.auth.failed"))


def sign_out_button() -> None:
    if st.sidebar.button(t("data.auth.sign_out"), key="data_sign_out"):
        for key in state.DATA.values():
            st.session_state.pop(key, None)
        st.rerun()


def data_page_entry() -> list:
    """The navigation entry of the data page for app.py.

    Hidden from visitors once editors are configured; the sign-in is reached at
    ``/data`` (the page's URL), which shows only the sign-in form to a visitor.
    """
    signed_in = state.data_user() is not None
    return [
        st.Page(
            "app_pages/data.py",
            title=t("data.nav"),
            icon=":material/edit_note:",
            url_path="data",
            visibility="visible" if signed_in or not editors() else "hidden",
        )
    ]
