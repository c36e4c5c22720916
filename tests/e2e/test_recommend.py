"""The site finder in a browser: the PDF downloads (built on the click) and the page fits a phone."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf

from geodata.text.i18n import translate
from tests.e2e.helpers import wait_for_app


def test_pdf_download_is_one_page_with_the_ranking(page, app_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(app_server.url + "/recommend?lang=en", wait_until="domcontentloaded")
    wait_for_app(page)
    button = page.get_by_role("button", name=translate("recommend.page.pdf", "en"))
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=90_000) as download:
        button.click()
    reader = pypdf.PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert translate("recommend.pdf.title", "en") in text
    assert "1. " in text


def test_phone_width_has_no_sideways_scroll_and_cards_are_on_screen(browser, app_server) -> None:  # type: ignore[no-untyped-def]
    device = dict(browser.devices["iPhone 13"])
    device.pop("default_browser_type", None)
    context = browser.new_context(**device, locale="zh-CN")
    try:
        pg = context.new_page()
        pg.goto(app_server.url + "/recommend", wait_until="domcontentloaded")
        wait_for_app(pg)
        card = pg.locator(".st-key-rec_card_1")
        card.wait_for(timeout=60_000)
        card.scroll_into_view_if_needed()
        box = card.bounding_box()
        width = pg.evaluate("window.innerWidth")
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width + 1
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        # the registration is reachable from the result, with a thumb-sized target
        # (the page's styles arrive with the rest of the run: wait for the condition, not for time)
        pg.wait_for_function(
            """() => { const s = document.querySelector('.st-key-rec_card_1 summary');
                       return s && s.getBoundingClientRect().height >= 44; }""",
            timeout=30_000,
        )
    finally:
        context.close()
