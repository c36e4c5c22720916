"""A first visit downloads only what the page shows (the issue "Fast on the default data").

Streamlit fetches an element's browser code the first time a page draws that element: the
data grid (``st.dataframe``, with Arrow: 1.7 MB), the table (``st.table``, 1.0 MB), plotly
(4.7 MB) and the HTML-in-Markdown parser (``unsafe_allow_html``, 189 KB). Each test opens a
page in a fresh context (no HTTP cache) and checks which of those chunks it fetched; the
pages that do use a chunk are checked too, so a renamed chunk cannot make a "not fetched"
pass unnoticed. ``bench/page_weight.py`` lists every response of every page.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.e2e.helpers import MAP_FRAME, wait_for_app

#: Streamlit's chunk names (hash suffix dropped) for the heavy element code.
GRID = "DataFrame"  # st.dataframe / st.data_editor
ARROW = "arrowFormatUtils"  # st.dataframe and st.table
PLOTLY = "PlotlyChart"
HTML_IN_MARKDOWN = "rehype-raw"
HEAVY = (GRID, ARROW, PLOTLY, HTML_IN_MARKDOWN)
#: What the overview's first visit may decode, every HTTP response together (websocket apart).
#: 3.81 MB after the lighter first page, 3.97 MB before it (with the HTML-in-Markdown parser).
OVERVIEW_BUDGET = 3_900_000


def _first_visit(page, url: str) -> dict[str, int]:
    """Open ``url``; once drawn and quiet, every response's path -> decoded body bytes."""
    cdp = page.context.new_cdp_session(page)
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.send("Network.enable")
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on(
        "Network.dataReceived",
        lambda e: sizes.__setitem__(e["requestId"], sizes.get(e["requestId"], 0) + e["dataLength"]),
    )
    page.goto(url, wait_until="domcontentloaded")
    wait_for_app(page)
    page.locator(MAP_FRAME).first.wait_for()
    page.wait_for_load_state("networkidle")  # element code arrives in chunks after the script ran
    wait_for_app(page)
    page.wait_for_timeout(1000)
    page.wait_for_load_state("networkidle")
    return {urlparse(u).path: sizes.get(rid, 0) for rid, u in urls.items()}


def _names(paths) -> set[str]:
    """The chunk names among ``paths`` (Streamlit's ``/static/js/<name>.<hash>.js``)."""
    return {m.group(1) for p in paths if (m := re.search(r"/static/js/([^/.]+)\.[^/]+\.js$", p))}


def _chunks(paths) -> set[str]:
    """The heavy chunks among ``paths``."""
    return _names(paths) & set(HEAVY)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", set()),  # overview: map, cards, export panel; no table, no chart
        ("thematic", set()),  # opens on the choropleth: its value table is Markdown
        ("parcels", set()),  # the parcel list and the near-here list are Markdown tables
        # the grid comes where it is used: the comparison of two parcels is one
        ("parcels?cmp=site-sihaopu-rd,site-ucas-south", {GRID, ARROW}),
        ("areas", {GRID, ARROW, PLOTLY}),  # the area page is its charts and their tables
    ],
)
def test_a_first_visit_fetches_only_the_element_code_the_page_draws(page, app_server, path, expected) -> None:
    got = _first_visit(page, f"{app_server.url}/{path}")
    assert _chunks(got) == expected


def test_the_overview_stays_within_its_byte_budget(page, app_server) -> None:
    got = _first_visit(page, app_server.url)
    total = sum(got.values())
    biggest = sorted(got.items(), key=lambda kv: -kv[1])[:8]
    assert total <= OVERVIEW_BUDGET, f"{total:,} bytes decoded; the largest: {biggest}"


def test_the_parcel_page_fetches_no_slider_code(page, app_server) -> None:
    # the near-here radius is a number box: a slider brings moment and numbro (~120 KB)
    got = _names(_first_visit(page, f"{app_server.url}/parcels"))
    assert not {"Slider", "moment", "numbro"} & got, sorted(got)
    assert "NumberInput" in got  # the chunk names are still what this test expects
