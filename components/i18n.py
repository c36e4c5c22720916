"""The session's language: chosen in the sidebar, kept in the URL (``?lang=en``).

Pages use ``t(key, **values)`` with keys such as ``common.lang.label``; the catalogues live in
``geodata/text/locales``. Data words go through ``geodata.text.formats`` with ``lang()``.
"""

from __future__ import annotations

import contextlib
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

from geodata.text import formats
from geodata.text.i18n import DEFAULT_LANG, LANGS, normalise_lang, translate

LANG_KEY = "lang"
URL_PARAM = "lang"


#: The language of the last script run. Only read outside a run: Streamlit calls a widget's
#: ``format_func`` inside the run, but AppTest also calls it from the test's own thread, where
#: there is no session; without this, a test's English page would be checked in Chinese.
_last_run_lang = DEFAULT_LANG


def lang() -> str:
    """The current session's language code (``zh`` or ``en``)."""
    global _last_run_lang
    if get_script_run_ctx() is None:
        return _last_run_lang
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = normalise_lang(st.query_params.get(URL_PARAM, DEFAULT_LANG))
    value = st.session_state[LANG_KEY]
    _last_run_lang = value if value in LANGS else DEFAULT_LANG
    return _last_run_lang


def t(key: str, /, **values: Any) -> str:
    """``key`` translated into the session's language."""
    return translate(key, lang(), **values)


def keep_in_url() -> None:
    """Write the language into the URL, so a reload, a shared link and a page switch keep it.

    Called on every run by the app's router (Streamlit drops query parameters on a page switch);
    a page that rewrites its own query parameters calls it again after doing so.
    """
    code = lang()
    if st.query_params.get(URL_PARAM) != code:
        st.query_params[URL_PARAM] = code


def language_switch() -> None:
    """The sidebar's language choice; its value is the session's language."""
    lang()  # sets the session value from the URL before the widget reads it
    if st.session_state[LANG_KEY] not in LANGS:
        st.session_state[LANG_KEY] = DEFAULT_LANG
    st.segmented_control(
        t("common.lang.label"),
        list(LANGS),
        format_func=lambda code: translate(f"common.lang.{code}", code),
        key=LANG_KEY,
        required=True,
        on_change=_redisplay_widgets,
    )
    keep_in_url()


def _redisplay_widgets() -> None:
    """After a language switch, hand every keyed widget its own value again.

    A keyed widget keeps its identity when its options' display text changes, and the browser
    would go on showing the old language's text for the chosen option (西湖区 on an English
    page). A value set through session state is sent to the browser with its new text.
    """
    for key in list(st.session_state):
        value = st.session_state[key]
        # only choices (a selectbox's, radio's or multiselect's value: text or a list of texts)
        # have display text; a button's or download's state must never be set (Streamlit refuses it)
        is_choice = isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
        if key != LANG_KEY and is_choice:
            with contextlib.suppress(StreamlitAPIException):
                st.session_state[key] = value


def place(name: object) -> str:
    """A place name in the session's language (one romanisation, from the data pack)."""
    return formats.place(name, lang())
