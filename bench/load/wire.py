"""Bytes over the wire for a first and a returning visitor, through the proxy, in Chromium.

A first visitor has an empty cache; a returning one comes back in the same browser (its HTTP
cache kept, a new tab), as an investor opening the link again after the meeting. Counted
with the DevTools protocol: every response's bytes as received (compressed where the proxy
compressed them, headers included) plus the websocket's frames. A page counts as loaded
when the map has drawn its features and nothing has arrived for 2 s.

    python bench/load/wire.py --host http://127.0.0.1:8080 --pages "" parcels areas

Writes ``bench/results/load-wire.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
from bench.run import Traffic  # noqa: E402

RESULTS = HERE.parents[1] / "bench" / "results"
QUIET_S = 2.0
# the map frame has drawn vector features (every map page draws some)
JS_DRAWN = """() => [...document.querySelectorAll('iframe')].some(f => {
  try { return f.contentDocument.querySelectorAll('path.leaflet-interactive, .leaflet-marker-icon').length > 0 }
  catch (e) { return false } })"""


def _load(ctx, url: str) -> dict:
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    traffic = Traffic(cdp)
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(JS_DRAWN, timeout=120_000, polling=100)
    drawn = time.perf_counter() - t0
    last, quiet_since = traffic.total, time.monotonic()
    while time.monotonic() - quiet_since < QUIET_S:
        time.sleep(0.1)
        if traffic.total != last:
            last, quiet_since = traffic.total, time.monotonic()
    page.close()
    return {"http_kb": round(traffic.http / 1024, 1), "websocket_kb": round(traffic.ws / 1024, 1),
            "total_kb": round(traffic.total / 1024, 1), "map_drawn_s": round(drawn, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="http://127.0.0.1:8080")
    parser.add_argument("--pages", nargs="*", default=["", "parcels", "areas"])
    args = parser.parse_args()
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
        for path in args.pages:
            ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            # no ctx.route(): Playwright turns the HTTP cache off for a routed context, and the
            # returning visitor is all about that cache; tile hosts are unreachable offline anyway
            url = f"{args.host.rstrip('/')}/{path}"
            first = _load(ctx, url)
            again = _load(ctx, url)
            ctx.close()
            rows.append({"page": path or "overview", "first": first, "returning": again})
            print(f"{path or 'overview'}: first {first['total_kb']} KB, returning {again['total_kb']} KB", flush=True)
        browser.close()
    result = {"host": args.host, "rows": rows, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "load_avg_end": [round(v, 2) for v in os.getloadavg()]}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load-wire.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
