"""Benchmark: parcel explorer, filter change to map redrawn (median of repeated changes).

Starts the app on the shipped data (or $ATLAS_PACK), opens /parcels in Chromium and
toggles the platform filter between "紫金港科技城" and none, timing from the click on
the option until the map's parcel layer shows the new count. Prints and writes
bench/results/filter_redraw.json.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the browser-test helpers start the server the same way

from tests.e2e.conftest import CHROMIUM_ARGS, start_server, stop_server  # noqa: E402
from tests.e2e.test_overview import MAP_FRAME  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "10"))
COUNT_JS = (
    "(sel) => document.querySelector(sel).contentDocument.querySelectorAll('path.atlas-parcels').length"
)


def main() -> None:
    server = start_server(Path(tempfile.mkdtemp()))
    times = []
    try:
        with sync_playwright() as p:
            exe = os.environ.get("ATLAS_CHROMIUM") or "/usr/bin/chromium"
            b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            page = b.new_page(viewport={"width": 1600, "height": 1000})
            page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
            page.goto(server.url + "/parcels")
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
            page.frame_locator(MAP_FRAME).locator("path.atlas-parcels").first.wait_for(state="attached")
            total = page.evaluate(COUNT_JS, MAP_FRAME)
            ms = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").nth(1)
            for i in range(RUNS):
                if i % 2 == 0:
                    ms.click()
                    option = page.get_by_role("option", name="紫金港科技城")
                    t0 = time.perf_counter()
                    option.click()
                    expected = 3
                else:
                    clear = ms.get_by_role("button", name="Clear all")
                    t0 = time.perf_counter()
                    clear.click()
                    expected = total
                page.wait_for_function(f"(sel) => ({COUNT_JS})(sel) === {expected}", arg=MAP_FRAME)
                times.append(time.perf_counter() - t0)
                page.keyboard.press("Escape")
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
            b.close()
    finally:
        stop_server(server)
    result = {"parcels": total, "runs": RUNS, "median_s": statistics.median(times), "all_s": times}
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "filter_redraw.json").write_text(json.dumps(result, indent=2))
    print(
        f"filter change to map redrawn: median {result['median_s'] * 1000:.0f} ms over {RUNS} changes, {total} parcels"
    )


if __name__ == "__main__":
    main()
