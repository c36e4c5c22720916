"""The language switch in a real browser: the sidebar sets it, the URL keeps it (``?lang=en``)
through a reload and a page switch, and every page renders in English (screenshots saved)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import ARTIFACTS, console_errors_beyond_probes, unexpected_failures, wait_for_app

PAGES_EN = {
    "": "Hangzhou industrial land and industry clusters: overview",
    "parcels": "Industrial land parcels",
    "areas": "Area profiles",
    "thematic": "Thematic maps",
    "policies": "Policy finder",
    "sources": "Data and sources",
}


def _lang_in_url(page) -> str | None:
    m = re.search(r"[?&]lang=([a-z]+)", page.url)
    return m.group(1) if m else None


def test_switch_reload_and_page_change_keep_english(page, app_server) -> None:
    page.goto(app_server.url, wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_role("heading", name="杭州产业用地与产业集群总览").first.wait_for()

    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("English", exact=True).click()
    wait_for_app(page)
    page.get_by_role("heading", name=PAGES_EN[""]).first.wait_for()
    page.wait_for_function("() => /[?&]lang=en/.test(location.search)")
    assert _lang_in_url(page) == "en"
    # the chosen district is shown in the new language too
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stSelectbox'] *")].some(e => [e.value, e.textContent, e.getAttribute('title'),
                e.getAttribute('aria-label')].some(v => (v || '').includes('Xihu District')))"""
    )
    # the map's own words follow the language too (legend drawn by the map script); while the
    # rerun swaps the map, the old frame may linger a moment: wait until one is left
    frames = "iframe[title='streamlit_folium.st_folium']"
    page.wait_for_function(f'() => document.querySelectorAll("{frames}").length === 1')
    page.frame_locator(frames).locator(".atlas-legend").get_by_text("Legend").wait_for()

    page.reload(wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_role("heading", name=PAGES_EN[""]).first.wait_for()
    assert _lang_in_url(page) == "en"

    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("link", name="Area profiles").click()
    wait_for_app(page)
    page.get_by_role("heading", name=PAGES_EN["areas"]).first.wait_for()
    page.wait_for_function("() => /[?&]lang=en/.test(location.search)")
    assert "/areas" in page.url
    assert _lang_in_url(page) == "en"

    # and back to Chinese with the same switch
    page.locator("[data-testid='stSidebar']").get_by_text("中文", exact=True).click()
    wait_for_app(page)
    page.get_by_role("heading", name="地区画像").first.wait_for()
    page.wait_for_function("() => /[?&]lang=zh/.test(location.search)")
    assert page.watch.outside == []


def test_the_parcel_page_keeps_english_in_its_shared_link(page, app_server) -> None:
    page.goto(f"{app_server.url}/parcels?lang=en&sel=site-ucas-south", wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_role("heading", name=PAGES_EN["parcels"]).first.wait_for()
    page.get_by_role("heading", name="Site south of UCAS (HIAS)").wait_for()
    page.wait_for_function("() => /[?&]sel=site-ucas-south/.test(location.search)")
    assert _lang_in_url(page) == "en"
    assert page.locator("[data-testid='stAlert']").filter(has_text="lang").count() == 0


@pytest.mark.parametrize("path", list(PAGES_EN))
def test_page_renders_in_english(page, app_server, path: str) -> None:
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{app_server.url}/{path}?lang=en", wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_role("heading", name=PAGES_EN[path]).first.wait_for()
    assert page.locator("[data-testid='stException']").count() == 0
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"page-en-{path or 'overview'}.png"), full_page=True)
    assert page.watch.outside == []
    assert unexpected_failures(page.watch, path) == []
    assert console_errors_beyond_probes(page.watch, path) == []
