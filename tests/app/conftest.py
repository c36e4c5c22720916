"""Shared setup of the AppTest page tests: one way to open a page of ``app.py``.

Every page test starts the whole app (``app.py``: navigation and the shared sidebar) and
switches to its page before the first run, so the page runs once, as a visitor arriving
on its URL sees it. Use the ``open_page`` fixture::

    def test_x(open_page):
        at = open_page("parcels.py", lang="en", query={"sel": "site-ucas-south"})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from components.i18n import LANG_KEY

APP = str(Path(__file__).resolve().parents[2] / "app.py")
#: Seconds one script run may take: a first run on the shared 2-core machine under load
#: imports geopandas, folium and matplotlib and builds the store.
TIMEOUT = 90


def open_app(
    page: str | None = None,
    *,
    lang: str | None = None,
    basemap: str | None = None,
    query: Mapping[str, str] | None = None,
    session: Mapping[str, Any] | None = None,
    secrets: Mapping[str, Any] | None = None,
    timeout: float = TIMEOUT,
    check: bool = True,
) -> AppTest:
    """The app run once, on ``page`` (``"parcels.py"`` or ``"app_pages/parcels.py"``; None: the overview).

    ``lang``/``basemap`` set the sidebar's choices, ``session`` other session-state values,
    ``query`` the URL's query parameters and ``secrets`` ``st.secrets`` — all before the
    first run, as when a visitor opens a link. With ``check`` the run must raise nothing.
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    if lang is not None:
        at.session_state[LANG_KEY] = lang
    if basemap is not None:
        at.session_state[state.BASEMAP] = basemap
    for key, value in (session or {}).items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    if page:
        at.switch_page(page if page.startswith("app_pages/") else f"app_pages/{page}")
    at.run()
    if check:
        assert not at.exception, at.exception
    return at


@pytest.fixture(scope="session")
def open_page() -> Callable[..., AppTest]:
    """``open_app``, for tests and fixtures of any scope."""
    return open_app
