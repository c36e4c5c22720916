"""Benchmark: cold start to first map drawn, and what the browser downloads for the first page.

Run on demand (`make bench`), not in the test suite. For each run: a fresh
`streamlit run` process and a fresh store (so the first start builds the
GeoPackage, as on a new machine), then a fresh Chromium context opens the
overview and waits until every district is drawn in Leaflet's overlay pane.

    cold start  = process start -> districts drawn (includes server start + store build)
    first map   = navigation start -> districts drawn, on a running server
    bytes       = encoded bytes of every response the first page load received (CDP)

Writes bench/results/first_map.json and bench/results/first_map.md (medians).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the browser-test helpers start the server the same way

from tests.e2e.conftest import CHROMIUM_ARGS as ARGS  # noqa: E402
from tests.e2e.conftest import Server, start_server, stop_server  # noqa: E402
from tests.e2e.test_overview import MAP_FRAME as FRAME  # noqa: E402

OUT = REPO / "bench" / "results"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def start_timed(store: Path) -> tuple[Server, float]:
    """A fresh server on its own store; returns it with the moment the process was started."""
    t0 = time.perf_counter()
    return start_server(store.parent, {"ATLAS_STORE": str(store)}), t0


def open_map(browser, url: str) -> tuple[float, int, int]:
    """Seconds from navigation to districts drawn; bytes and requests of the load."""
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    ctx.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: list[int] = []
    cdp.on("Network.loadingFinished", lambda e: sizes.append(int(e.get("encodedDataLength", 0))))
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.frame_locator(FRAME).locator("path.atlas-districts").nth(12).wait_for(
        state="attached", timeout=60_000
    )
    elapsed = time.perf_counter() - t0
    page.wait_for_load_state("networkidle")
    ctx.close()
    return elapsed, sum(sizes), len(sizes)


def main() -> None:
    exe = os.environ.get("ATLAS_CHROMIUM") or "/usr/bin/chromium"
    cold, first, size, reqs = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe if exe != "playwright" else None, args=ARGS)
        for _ in range(RUNS):
            with tempfile.TemporaryDirectory() as tmp:
                server, t0 = start_timed(Path(tmp) / "atlas.gpkg")
                url = server.url
                try:
                    ctx_t = time.perf_counter()
                    elapsed, nbytes, nreq = open_map(browser, url)
                    cold.append(ctx_t - t0 + elapsed)
                    warm, _, _ = open_map(browser, url)
                    first.append(warm)
                    size.append(nbytes)
                    reqs.append(nreq)
                finally:
                    stop_server(server)
        browser.close()
    result = {
        "runs": RUNS,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "cold_start_to_first_map_s": {"median": statistics.median(cold), "all": cold},
        "first_map_running_server_s": {"median": statistics.median(first), "all": first},
        "first_page_bytes": {"median": statistics.median(size), "all": size},
        "first_page_requests": {"median": statistics.median(reqs), "all": reqs},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "first_map.json").write_text(json.dumps(result, indent=2))
    md = (
        "| measure | median | runs |\n|---|---|---|\n"
        f"| cold start to first map drawn (process start, store build, page) | {statistics.median(cold):.2f} s | {RUNS} |\n"
        f"| first map drawn on a running server | {statistics.median(first):.2f} s | {RUNS} |\n"
        f"| first page download | {statistics.median(size) / 1e6:.2f} MB in {statistics.median(reqs):.0f} requests | {RUNS} |\n"
    )
    (OUT / "first_map.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
