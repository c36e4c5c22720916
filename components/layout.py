"""Page layout for the screens the atlas is used on: phones, desks and projectors.

One stylesheet for every page (``app.py`` injects it). The map's frame is sized here by
CSS (the map fills its frame, ``components.map_fit``), so the same cached map serves a
390 px phone, a 1600 px desk and the meeting page's projector layout.

- Phones (≤ 480 px): titles at a readable size, the map at 60 % of the screen height so
  it and what follows it show on the first screen, 44 px tap targets, tables scrolling in
  their own box rather than the page.
- Desks (≥ 1280 px): the map inside ``dashboard_map()`` fills the height under the header,
  and the column beside it scrolls on its own, so map and charts share one screen.
"""

from __future__ import annotations

import streamlit as st

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: Containers whose map fills the viewport height on a desk (see ``dashboard_map``).
DASH_MAP_KEY = "dash_map"
DASH_SIDE_KEY = "dash_side"

PAGE_CSS = f"""
<style>
@media (max-width: 480px) {{
  [data-testid="stMainBlockContainer"] {{ padding-left: .75rem; padding-right: .75rem; padding-top: 3.5rem; }}
  .stApp h1 {{ font-size: 1.45rem !important; line-height: 1.3 !important; padding-top: .25rem; }}
  .stApp h2 {{ font-size: 1.2rem !important; }}
  .stApp h3 {{ font-size: 1.05rem !important; }}
  .stApp {MAP_FRAME} {{ height: 60vh !important; min-height: 300px; }}
  .stApp button, .stApp [data-baseweb="select"] > div, .stApp [role="tab"] {{ min-height: 44px; }}
  [data-testid="stDataFrame"], [data-testid="stTable"] {{ max-width: 100%; overflow-x: auto; }}
  [data-testid="stMainBlockContainer"] {{ max-width: 100vw; overflow-x: hidden; }}
}}
@media (min-width: 1280px) {{
  .st-key-{DASH_MAP_KEY} {MAP_FRAME} {{ height: calc(100vh - 190px) !important; min-height: 420px; }}
  .st-key-{DASH_SIDE_KEY} {{ max-height: calc(100vh - 190px); overflow-y: auto; padding-right: 4px; }}
  .stApp h1 {{ font-size: 1.9rem; padding-top: 0; }}
  [data-testid="stMainBlockContainer"] {{ padding-top: 2.5rem; }}
}}
</style>
"""


def is_phone() -> bool:
    """Whether the browser says it is a phone: its User-Agent has "Mobi" (iPhones and
    Android phones do; tablets and desks do not), the test MDN recommends.

    Only for what a phone alone needs and a desk should not pay for (the parcel link's
    small map): the layout itself follows the screen's width in CSS, so a narrow desk
    window still gets the phone layout.
    """
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # no browser behind the run (AppTest, bare mode): not a phone
        return False
    return "Mobi" in agent


def inject() -> None:
    """Add the layout stylesheet to the page (once per run, from ``app.py``)."""
    st.html(PAGE_CSS)


def dashboard_map():
    """The container of a page's main map: fills the screen's height on a desk."""
    return st.container(key=DASH_MAP_KEY)


def dashboard_side():
    """The column beside the map: scrolls on its own on a desk, so the map stays in view."""
    return st.container(key=DASH_SIDE_KEY)
