"""What each public page downloads on a first visit, response by response, in Chromium.

Starts ``streamlit run app.py`` (tests/e2e/server.py, the shipped data), opens each page in
a fresh browser context (every non-localhost request refused, map tiles answered with the
generated test tile), waits until the map has drawn, the script is idle, the network is
idle and nothing has arrived for 2 s, and lists every response: bytes over the wire (CDP
``encodedDataLength``, headers included, as ``bench/run.py``'s "page download" counts them)
and decoded body bytes, grouped by kind. Websocket frames are counted as ``bench/run.py`` counts them.

    python bench/page_weight.py                    # table on stdout
    python bench/page_weight.py --detail           # every response
    python bench/page_weight.py --json out.json
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.run import route  # noqa: E402
from tests.e2e.server import CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

PAGES = ["", "parcels", "areas", "thematic"]
QUIET_S = 2.0
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# the map frame has drawn vector features (every public page has a map), as bench/load/wire.py waits
JS_DRAWN = """() => [...document.querySelectorAll('iframe')].some(f => {
  try { return f.contentDocument.querySelectorAll('path.leaflet-interactive, .leaflet-marker-icon').length > 0 }
  catch (e) { return false } })"""


def kind(url: str, mime: str) -> str:
    """The group a response belongs to."""
    path = urlparse(url).path
    if "/component/" in path:
        return "component iframe (streamlit-folium)"
    if "/app/static/" in path:
        return "app static/ (Leaflet, plugins, fonts)"
    if re.search(r"\.(woff2?|ttf|otf)$", path):
        return "fonts (Streamlit)"
    if path.endswith(".css"):
        return "Streamlit CSS"
    if path.endswith(".js"):
        return "Streamlit JS chunks"
    if "image" in mime:
        return "images (tiles, favicon)"
    return "other (html, host-config, health)"


def load(browser, url: str) -> dict:
    """Every response of a first visit to ``url`` and the websocket's bytes."""
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    ctx.route("**/*", route)  # the benchmark's own rule: tiles generated, nothing leaves localhost
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    reqs: dict[str, dict] = {}
    ws = [0]

    def on_response(e: dict) -> None:
        r = e["response"]
        reqs.setdefault(e["requestId"], {}).update(
            url=r["url"],
            mime=r.get("mimeType", ""),
            enc=r.get("headers", {}).get("Content-Encoding", "")
            or r.get("headers", {}).get("content-encoding", ""),
        )

    def on_data(e: dict) -> None:
        d = reqs.setdefault(e["requestId"], {})
        d["decoded"] = d.get("decoded", 0) + int(e.get("dataLength", 0))

    def on_done(e: dict) -> None:
        reqs.setdefault(e["requestId"], {})["wire"] = int(e.get("encodedDataLength", 0))

    def on_frame(e: dict) -> None:
        r = e.get("response", {})
        data = r.get("payloadData", "")
        ws[0] += len(base64.b64decode(data)) if r.get("opcode") == 2 else len(data.encode())

    cdp.send("Network.enable")
    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.dataReceived", on_data)
    cdp.on("Network.loadingFinished", on_done)
    cdp.on("Network.webSocketFrameReceived", on_frame)
    page.goto(url, wait_until="commit")
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_function(JS_DRAWN, timeout=120_000, polling=100)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_load_state("networkidle")
    total = lambda: sum(r.get("wire", 0) for r in reqs.values()) + ws[0]  # noqa: E731
    last, since = total(), time.monotonic()
    while time.monotonic() - since < QUIET_S:
        page.wait_for_timeout(100)
        if total() != last:
            last, since = total(), time.monotonic()
    ctx.close()
    rows = [r for r in reqs.values() if "url" in r and "wire" in r]
    return {"responses": rows, "ws": ws[0]}


def summarise(res: dict) -> dict:
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in res["responses"]:
        g = groups[kind(r["url"], r["mime"])]
        g[0] += 1
        g[1] += r["wire"]
        g[2] += r.get("decoded", 0)
    groups["websocket frames"] = [0, res["ws"], res["ws"]]
    return dict(groups)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--detail", action="store_true")
    parser.add_argument("--json")
    parser.add_argument(
        "--script", default=str(REPO / "app.py"), help="another app, e.g. bench/baseline_app.py"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        # the baseline runs from a copy beside a link to static/, as bench/run.py runs it
        script = Path(args.script).resolve()
        if script != REPO / "app.py":
            (Path(tmp) / script.name).write_text(script.read_text())
            (Path(tmp) / "static").symlink_to(REPO / "static")
            script = Path(tmp) / script.name
        env = {"ATLAS_BENCH_REPO": str(REPO)}
        server = start_server(Path(tmp), env, script=script)
        try:
            with sync_playwright() as p:
                exe = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
                browser = p.chromium.launch(args=CHROMIUM_ARGS, executable_path=exe)
                for path in args.pages:
                    res = load(browser, f"{server.url}/{path}")
                    out[path or "overview"] = res
                browser.close()
        finally:
            stop_server(server)
    for name, res in out.items():
        groups = summarise(res)
        wire = sum(g[1] for g in groups.values())
        dec = sum(g[2] for g in groups.values())
        print(f"\n## {name}: {wire / 1e6:.2f} MB over the wire, {dec / 1e6:.2f} MB decoded")
        print("| kind | n | wire KB | decoded KB |\n|---|---:|---:|---:|")
        for k, (n, w, d) in sorted(groups.items(), key=lambda kv: -kv[1][2]):
            print(f"| {k} | {n} | {w / 1e3:.0f} | {d / 1e3:.0f} |")
        if args.detail:
            for r in sorted(res["responses"], key=lambda r: -r.get("decoded", 0)):
                print(
                    f"   {r.get('decoded', 0) / 1e3:8.1f} KB dec {r['wire'] / 1e3:8.1f} KB wire "
                    f"{r['enc'] or '-':5} {urlparse(r['url']).path}"
                )
    print(f"\nload average at the end: {os.getloadavg()}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
