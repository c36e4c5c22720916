"""The session's language: chosen in the sidebar, kept in the URL (``?lang=en``).

Pages use ``t(key, **values)`` with keys such as ``common.lang.label``; the catalogues live in ``geodata/locales``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from geodata.i18n import DEFAULT_LANG, LANGS, normalise_lang, translate

LANG_KEY = "lang"
URL_PARAM = "lang"


def lang() -> str:
    """The current session's language code (``zh`` or ``en``)."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = normalise_lang(st.query_params.get(URL_PARAM, DEFAULT_LANG))
    value = st.session_state[LANG_KEY]
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, /, **values: Any) -> str:
    """``key`` translated into the session's language."""
    return translate(key, lang(), **values)
