"""Where a first map's time goes: milestones of a first visit, in Chromium, in page time.

Starts ``streamlit run`` (the atlas, or ``--script bench/baseline_app.py``) on the shipped
data, opens the page ``--runs`` + 1 times in fresh contexts (the first visit of a fresh
process is the cold start; the others are first visits of a running server, as
``bench/run.py``'s "first map") and prints, in ms after navigation start: the websocket
created and open, the app's script running and done, the map frame's element and its load
event, the parcel layer drawn (``bench/run.py``'s condition), the map fitted to its frame,
and a second script run if one follows. ``--resources`` also lists every response of the last
visit with its start and end (main page and map frame), which shows what waits for what.

    python bench/timeline.py
    python bench/timeline.py --script bench/baseline_app.py --path /
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.run import FRAME, JS_DRAWN, LAYER, VIEWPORT, route  # noqa: E402
from geodata import store  # noqa: E402
from geodata.model.schema import PACK_DIR  # noqa: E402
from tests.e2e.server import CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

# Runs in the page before its own scripts: each milestone is recorded once, in ms since
# navigation start; the map frame is polled (it is replaced when Streamlit draws it).
MARKS = """
(() => {
  if (window.top !== window) return;
  const marks = window.__marks = {};
  const mark = (name) => { if (!(name in marks)) marks[name] = Math.round(performance.now()); };
  const WS = window.WebSocket;
  window.WebSocket = function (...a) {
    const s = new WS(...a); mark('ws_created'); s.addEventListener('open', () => mark('ws_open')); return s;
  };
  window.WebSocket.prototype = WS.prototype;
  let ran = false;
  new MutationObserver(() => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app) return;
    mark('app_shell');
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running') { if (marks.script_done) mark('second_run'); ran = true; mark('script_running'); }
    if (state === 'notRunning' && ran) mark('script_done');
    const f = document.querySelector("FRAME");
    if (f && !f.__marked) { f.__marked = true; mark('frame_element'); f.addEventListener('load', () => mark('frame_load')); }
  }).observe(document, {subtree: true, childList: true, attributes: true});
  setInterval(() => {
    const f = document.querySelector("FRAME"), d = f && f.contentDocument;
    if (!d) return;
    if (d.querySelector('.leaflet-container')) mark('leaflet_map');
    if (d.querySelector('LAYER')) mark('parcels_drawn');
    if (f.contentWindow.map_div && f.contentWindow.map_div._atlasFitted) mark('fitted');
  }, 10);
})();
""".replace("FRAME", FRAME.replace('"', '\\"')).replace("LAYER", LAYER)

RESOURCES = f"""() => {{
  const out = [];
  const add = (w, off) => w.performance.getEntriesByType('resource').forEach(e => out.push(
    [Math.round(e.startTime + off), Math.round(e.responseEnd + off), Math.round(e.encodedBodySize / 1024), e.name]));
  add(window, 0);
  const f = document.querySelector("{FRAME}");
  if (f) add(f.contentWindow, f.contentWindow.performance.timeOrigin - performance.timeOrigin);
  return out.sort((a, b) => a[0] - b[0]);
}}"""


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--script", type=Path, default=REPO / "app.py")
    ap.add_argument("--path", default="/parcels")
    ap.add_argument("--runs", type=int, default=3, help="warm first visits after the cold one")
    ap.add_argument("--resources", action="store_true")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="atlas-timeline-"))
    script = args.script.resolve()
    if script != REPO / "app.py":  # as bench/run.py runs the baseline: a copy beside static/
        shutil.copy(script, work / script.name)
        (work / "static").symlink_to(REPO / "static")
        script = work / script.name
    gpkg = work / "store.gpkg"
    store.ensure_store(gpkg, PACK_DIR)
    env = {"ATLAS_STORE": str(gpkg), "ATLAS_BENCH_REPO": str(REPO)}
    t0 = time.perf_counter()
    server = start_server(work, env, script=script, log=work / "server.log")
    print(f"server answering after {time.perf_counter() - t0:.2f} s")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(args=CHROMIUM_ARGS, executable_path="/usr/bin/chromium")
            for run in range(args.runs + 1):
                ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
                ctx.route("**/*", route)
                ctx.add_init_script(MARKS)
                page = ctx.new_page()
                start = time.perf_counter()
                page.goto(server.url + args.path, wait_until="commit")
                page.wait_for_function(JS_DRAWN, timeout=60_000, polling=50)
                drawn = time.perf_counter() - start
                # a later fit or second run shows only after the draw: wait for the fit (bounded)
                page.wait_for_function(
                    "() => 'fitted' in window.__marks || !window.__marks.leaflet_map",
                    timeout=10_000,
                    polling=50,
                )
                marks = page.evaluate("window.__marks")
                label = "cold" if run == 0 else f"warm {run}"
                print(
                    f"{label}: drawn and idle {drawn:.2f} s",
                    json.dumps(dict(sorted(marks.items(), key=lambda kv: kv[1]))),
                )
                if args.resources and run == args.runs:
                    for begin, end, kb, url in page.evaluate(RESOURCES):
                        print(f"  {begin:6d} {end:6d} {kb:6d} KB  {url.replace(server.url, '')[:110]}")
                ctx.close()
            browser.close()
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
