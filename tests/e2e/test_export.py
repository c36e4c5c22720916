"""Export in a real browser: pan the map, make the picture, download a valid PNG of that view."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.helpers import ARTIFACTS, MAP_FRAME, open_overview, rerun_after_map_report, wait_for_app


def test_export_downloads_a_png_of_the_view_on_screen(page, app_server) -> None:
    open_overview(page, app_server)
    # the offline basemap, so the server never tries a tile server (CI may have internet, tests must not use it)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").first.click()
    # the basemap switch draws a new map frame (the new map does not report its opening view,
    # so nothing reruns after it); mark the old frame and wait until only a new one is left,
    # as a pan on the old frame would be lost
    page.locator(MAP_FRAME).evaluate("f => f.setAttribute('data-old-map', '1')")
    page.get_by_role("option", name="离线底图（本地数据）").click()
    page.wait_for_function(
        "(sel) => { const fs = document.querySelectorAll(sel);"
        " return fs.length === 1 && !fs[0].hasAttribute('data-old-map'); }",
        arg=MAP_FRAME,
        timeout=60_000,
    )
    wait_for_app(page)
    content = page.locator(MAP_FRAME).element_handle().content_frame()
    content.wait_for_function("() => window.map && window.map.listens('click') && !window.map._animatingZoom")
    # pan to Yunqi town: the map reports its new bounds and the page reruns.
    # streamlit-folium reports the new bounds 250 ms after the move (debounced); the export
    # must wait for the rerun they trigger, or it pictures the old view. A report that
    # lands while the basemap switch's run is still going can pass without a run the
    # watcher sees start (seen once in ~10 full runs): the pan is then made again, a
    # little further, at most 3 times.
    for attempt in range(3):
        try:
            rerun_after_map_report(
                page,
                lambda a=attempt: content.evaluate(
                    "([lat, lng]) => new Promise(r => { window.map.once('moveend', r);"
                    " window.map.setView([lat, lng], 13, {animate: false}); })",
                    [30.13 + 0.001 * a, 120.085],
                ),
                timeout=20_000,
            )
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    wait_for_app(page)
    page.get_by_text("导出图片与 PDF").click()
    page.get_by_role("button", name="生成图片").click()
    download_button = page.get_by_role("button", name="下载 PNG")
    download_button.wait_for(timeout=60_000)
    wait_for_app(page)
    with page.expect_download() as info:
        download_button.click()
    data = Path(info.value.path()).read_bytes()

    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    assert img.size == (1123, 794)  # A4 landscape at screen resolution, the panel's defaults
    assert abs(img.info["dpi"][0] - 96) < 0.05  # pHYs: the resolution travels with the file
    source = img.info["Source"]
    assert "离线底图" in source
    # the Xihu sites around Yunqi come from seed 000, cited by title and date ...
    assert "「西湖区发布先进制造业三大“新年礼包”」，2026年2月" in source
    assert "钱塘（新）区" not in source  # ... and Qiantang (seed 002), out of the panned view, is not
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", source)  # never a seed's file name
    pixels = np.asarray(img.convert("RGB")).astype(int)
    middle = pixels[250:600, 100:900]
    assert (np.abs(middle - 255).sum(axis=2) > 30).mean() > 0.5  # the map frame is drawn, not blank
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "export_download.png").write_bytes(data)
    assert page.watch.outside == [], page.watch.outside
