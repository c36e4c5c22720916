"""Benchmark suite (``make bench``): the atlas beside the plain approach, in Chromium.

Parcel map. For each data size (default rows: ``shipped`` = the 5 parcels of the default
pack, then 1,000, 10,000 and 100,000 synthetic parcels from ``bench/synth.py``) and each
app (``atlas`` = ``app.py``'s parcel explorer; ``baseline`` = ``bench/baseline_app.py``,
every parcel in one ``folium.GeoJson`` in ``st_folium``), on the same store, several runs of:

    cold first map   process start -> parcel layer drawn (store prebuilt; its build is
                     reported apart as ``store_build_s``, a one-off data import)
    first map        navigation -> parcel layer drawn, running server, fresh context
    filter redraw    click on a platform option (and on "clear") -> the new layer drawn
    zoom redraw      map zoomed in (and out) by two levels -> map settled: no change in
                     the drawn layers for 0.8 s and the app's script idle; the time of
                     the last change
    JS heap          used JS heap of the page (CDP Runtime.getHeapUsage, after a GC)
    server RSS       of the streamlit process (psutil), after the interactions
    page bytes       every response body and websocket frame of a first load (CDP)
    bytes per interaction
                     websocket bytes the server sent for one filter change (``filter_ws_kb``)
                     and for one zoom, in or out (``zoom_ws_kb``), until the page settled
then ``--sessions`` browser sessions opening the page at once: page ready (layer drawn
and script idle) p50/p95, and how many failed or timed out.

Meeting step (``bench/meeting.py``), on the shipped data at 1920 x 1080: the atlas's
``/meeting`` beside ``bench/baseline_meeting.py`` (a plain Streamlit + folium tour page:
every press reruns the script and draws a new map at the stop). The first tour is started,
ArrowRight pressed through every stop and ArrowLeft back; each press is timed in the page
from the key event to the first frame showing the stop's caption
(``.meeting-caption[data-stop=N]`` visible) with the map at the stop's zoom and centre.
Median and p95 over all presses of ``--runs`` sessions, and the websocket bytes a step sent.

Medians over ``--runs``. Writes bench/results/latest.json and latest.md.

    python bench/run.py                               # everything, as committed (~30+ min)
    python bench/run.py --sizes shipped,1000 --runs 1 --sessions 0 --out /tmp/b   # quick
    python bench/run.py --sizes "" --runs 3           # the meeting step alone
    python bench/run.py --sizes shipped,1000 --runs 3 --no-baseline --no-meeting --sessions 5
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import meeting  # noqa: E402
from bench.meeting import percentile  # noqa: E402
from bench.synth import write_pack  # noqa: E402
from geodata import store  # noqa: E402
from geodata.model.schema import PACK_DIR  # noqa: E402
from tests.e2e.server import CHROMIUM_ARGS, TILE_HOSTS, TILE_PNG, start_server, stop_server  # noqa: E402

OUT = REPO / "bench" / "results"
SIZES = ("shipped", "1000", "10000", "100000")
FRAME = "iframe[title='streamlit_folium.st_folium']"
LAYER = "path.atlas-parcels, .atlas-parcel-cell"
QUIET_MS = 800
VIEWPORT = {"width": 1600, "height": 1000}

JS_DOC = f'(() => {{ const f = document.querySelector("{FRAME}"); return f && f.contentDocument; }})()'
JS_IDLE = "!!document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\")"
JS_DRAWN = f"() => {{ const d = {JS_DOC}; return !!d && !!d.querySelector('{LAYER}') && {JS_IDLE}; }}"
JS_MARK_OLD = (
    f"() => {{ {JS_DOC}.querySelectorAll('{LAYER}').forEach(e => e.setAttribute('data-bench-old', '1')); }}"
)
JS_REDRAWN = (
    f"() => {{ const d = {JS_DOC}; if (!d) return false;"
    " const fresh = d.querySelector('path.atlas-parcels:not([data-bench-old]), .atlas-parcel-cell:not([data-bench-old])');"
    f" return !!fresh && !d.querySelector('[data-bench-old]') && {JS_IDLE}; }}"
)
# Watch the drawn layers (not the tiles) and the app's script state, with wall-clock ms.
JS_WATCH = f"""() => {{
  const d = {JS_DOC};
  window.__bench = {{mut: 0, done: 0}};
  const mo = new d.defaultView.MutationObserver(() => {{ window.__bench.mut = Date.now(); }});
  d.querySelectorAll('.leaflet-overlay-pane, .leaflet-marker-pane').forEach(
    p => mo.observe(p, {{subtree: true, childList: true, attributes: true}}));
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => {{
    if (app.getAttribute('data-test-script-state') === 'notRunning') window.__bench.done = Date.now();
  }}).observe(app, {{attributes: true}});
}}"""
JS_ZOOM = f"(dz) => {{ const m = {JS_DOC}.defaultView.map; m.setView(m.getCenter(), m.getZoom() + dz, {{animate: false}}); }}"
JS_SETTLED = (
    f"() => ({{mut: window.__bench.mut, done: window.__bench.done, idle: {JS_IDLE}, now: Date.now()}})"
)


@dataclass
class App:
    name: str
    script: Path
    path: str  # page path after the host
    filter_key: str  # Streamlit widget key of the platform multiselect


def route(r) -> None:
    host = urlparse(r.request.url).hostname or ""
    if host in ("127.0.0.1", "localhost") or r.request.url.startswith(("data:", "blob:", "about:")):
        r.continue_()
    elif host in TILE_HOSTS:
        r.fulfill(status=200, content_type="image/png", body=TILE_PNG)
    else:
        r.abort()


class Traffic:
    """Bytes the page received: response bodies (encoded) and websocket frames."""

    def __init__(self, cdp) -> None:
        self.http = self.ws = 0
        cdp.send("Network.enable")
        cdp.on("Network.loadingFinished", self._http)
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def _http(self, e: dict) -> None:
        self.http += int(e.get("encodedDataLength", 0))

    def _frame(self, e: dict) -> None:
        r = e.get("response", {})
        data = r.get("payloadData", "")
        self.ws += len(base64.b64decode(data)) if r.get("opcode") == 2 else len(data.encode())

    @property
    def total(self) -> int:
        return self.http + self.ws


def open_page(browser, url: str, timeout_s: float):
    """A fresh context on ``url``; returns (context, page, traffic, seconds to layer drawn)."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    ctx.route("**/*", route)
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    traffic = Traffic(cdp)
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(JS_DRAWN, timeout=timeout_s * 1000, polling=50)
    return ctx, page, traffic, cdp, time.perf_counter() - t0


def change_filter(page, app: App, value: str | None, timeout_s: float) -> float:
    """Pick ``value`` in the platform filter (None: clear it); seconds until the new layer is drawn."""
    page.evaluate(JS_MARK_OLD)
    box = page.locator(f".st-key-{app.filter_key}")
    if value is None:
        target = box.get_by_role("button", name="Clear all")
    else:
        # typed first, so the list holds the one option: a long list once let a click at its
        # cut-off bottom edge miss, and the filter never changed
        box.get_by_role("combobox").click()
        box.get_by_role("combobox").fill(value)
        target = page.get_by_role("option", name=value, exact=True)
    target.wait_for()
    t0 = time.perf_counter()
    target.click()
    page.wait_for_function(JS_REDRAWN, timeout=timeout_s * 1000, polling=20)
    elapsed = time.perf_counter() - t0
    page.keyboard.press("Escape")
    return elapsed


def settle(page, timeout_s: float) -> None:
    """Wait until nothing moves: after a first draw the component reports its view, which
    reruns the page once more; an action taken before that would race with it."""
    page.evaluate(JS_WATCH)
    t0 = time.time() * 1000
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        s = page.evaluate(JS_SETTLED)
        if s["idle"] and s["now"] - max(s["mut"], s["done"], t0) >= QUIET_MS:
            return
        time.sleep(0.05)
    raise TimeoutError(f"page did not settle within {timeout_s} s")


def zoom(page, dz: int, timeout_s: float) -> float:
    """Zoom by ``dz`` levels; seconds until the drawn layers and the script have settled."""
    page.evaluate(JS_WATCH)
    t0 = time.time() * 1000
    page.evaluate(JS_ZOOM, dz)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        s = page.evaluate(JS_SETTLED)
        last = max(s["mut"], s["done"], t0)
        if s["idle"] and s["now"] - last >= QUIET_MS:
            return (last - t0) / 1000
        time.sleep(0.05)
    raise TimeoutError(f"map did not settle within {timeout_s} s")


def heap_mb(cdp) -> float:
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6


async def concurrent(exe: str | None, url: str, sessions: int, timeout_s: float) -> dict:
    """``sessions`` contexts open ``url`` at once; page-ready seconds p50/p95 and failures."""
    from playwright.async_api import async_playwright

    async def aroute(r) -> None:
        host = urlparse(r.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith(("data:", "blob:", "about:")):
            await r.continue_()
        elif host in TILE_HOSTS:
            await r.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        else:
            await r.abort()

    async with async_playwright() as p:
        kwargs = {"args": CHROMIUM_ARGS} | ({"executable_path": exe} if exe else {})
        browser = await p.chromium.launch(**kwargs)

        async def one() -> float:
            ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
            try:
                await ctx.route("**/*", aroute)
                page = await ctx.new_page()
                t0 = time.perf_counter()
                await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
                await page.wait_for_function(JS_DRAWN, timeout=timeout_s * 1000, polling=100)
                return time.perf_counter() - t0
            finally:
                await ctx.close()

        got = await asyncio.gather(*(one() for _ in range(sessions)), return_exceptions=True)
        await browser.close()
    ok = sorted(g for g in got if isinstance(g, float))
    failed = [f"{type(g).__name__}: {str(g).splitlines()[0][:120]}" for g in got if not isinstance(g, float)]

    return {
        "sessions": sessions,
        "p50_s": percentile(ok, 50),
        "p95_s": percentile(ok, 95),
        "failed": len(failed),
        "errors": failed[:3],
    }


def med(values: list[float]) -> dict:
    return {"median": statistics.median(values) if values else None, "all": [round(v, 4) for v in values]}


def measure(app: App, env: dict, filter_value: str, args, exe: str | None, work: Path) -> dict:
    """Every measure for one app on one data set (its store prebuilt)."""
    from playwright.sync_api import sync_playwright

    res: dict = {"app": app.name}
    keys = ("cold_first_map_s", "first_map_s", "filter_redraw_s", "zoom_redraw_s", "js_heap_mb",
            "server_rss_mb", "page_mb", "filter_ws_kb", "zoom_ws_kb")  # fmt: skip
    vals: dict[str, list[float]] = {k: [] for k in keys}
    keep = None
    with sync_playwright() as p:
        kwargs = {"args": CHROMIUM_ARGS} | ({"executable_path": exe} if exe else {})
        browser = p.chromium.launch(**kwargs)
        try:
            for run in range(args.runs):
                t_start = time.perf_counter()
                server = start_server(work, env, script=app.script, log=work / f"{app.name}-{run}.log")
                try:
                    try:
                        ctx, *_ = open_page(browser, server.url + app.path, args.timeout)
                    except Exception as exc:  # the plain approach may never draw a big layer
                        res["error"] = f"did not draw within {args.timeout:g} s ({type(exc).__name__})"
                        break
                    vals["cold_first_map_s"].append(time.perf_counter() - t_start)
                    ctx.close()
                    ctx, page, traffic, cdp, first = open_page(browser, server.url + app.path, args.timeout)
                    vals["first_map_s"].append(first)
                    page.wait_for_load_state("networkidle")
                    settle(page, args.timeout)
                    vals["page_mb"].append(traffic.total / 1e6)
                    before = traffic.ws
                    vals["filter_redraw_s"].append(change_filter(page, app, filter_value, args.timeout))
                    settle(page, args.timeout)
                    vals["filter_ws_kb"].append((traffic.ws - before) / 1e3)
                    vals["filter_redraw_s"].append(change_filter(page, app, None, args.timeout))
                    settle(page, args.timeout)
                    for dz in (2, -2):
                        before = traffic.ws
                        vals["zoom_redraw_s"].append(zoom(page, dz, args.timeout))
                        vals["zoom_ws_kb"].append((traffic.ws - before) / 1e3)
                    vals["js_heap_mb"].append(heap_mb(cdp))
                    vals["server_rss_mb"].append(psutil.Process(server.proc.pid).memory_info().rss / 1e6)
                    if run == 0:
                        page.screenshot(path=str(work / f"{app.name}.png"))
                    ctx.close()
                    if run == args.runs - 1 and args.sessions:
                        keep, server = server, None  # for the sessions, outside this event loop
                except Exception as exc:
                    res["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                    break
                finally:
                    if server is not None:
                        stop_server(server)
        finally:
            browser.close()
    if keep:
        try:
            res["concurrent"] = asyncio.run(
                concurrent(exe, keep.url + app.path, args.sessions, args.session_timeout)
            )
        finally:
            stop_server(keep)
    res.update({k: med(v) for k, v in vals.items() if v})
    return res


def measure_meeting(app: App, env: dict, args, exe: str | None, work: Path, views: list) -> dict:
    """The meeting step (``bench/meeting.py``) on one tour page, ``--runs`` sessions on one server."""
    from playwright.sync_api import sync_playwright

    res: dict = {"app": app.name, "stops": len(views)}
    server = start_server(work, env, script=app.script, log=work / f"{app.name}-meeting.log")
    try:
        with sync_playwright() as p:
            kwargs = {"args": CHROMIUM_ARGS} | ({"executable_path": exe} if exe else {})
            browser = p.chromium.launch(**kwargs)
            try:
                res.update(
                    meeting.measure(browser, server.url + app.path, views, args.runs, args.timeout, Traffic)
                )
            except Exception as exc:
                res["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
            finally:
                browser.close()
    finally:
        stop_server(server)
    res["load_after"] = load()
    return res


def sessions_only(app: App, env: dict, args, exe: str | None, work: Path) -> dict:
    """Concurrent sessions on a fresh server that one session has warmed up."""
    server = start_server(work, env, script=app.script, log=work / f"{app.name}-sessions.log")
    try:
        asyncio.run(concurrent(exe, server.url + app.path, 1, args.session_timeout))
        return asyncio.run(concurrent(exe, server.url + app.path, args.sessions, args.session_timeout))
    finally:
        stop_server(server)


def progress(r: dict) -> None:
    medians = {k: (v["median"] if isinstance(v, dict) and "median" in v else v) for k, v in r.items()}
    print(json.dumps(medians, ensure_ascii=False), flush=True)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description="Parcel map benchmark: atlas vs plain folium, in Chromium.")
    ap.add_argument("--sizes", default=",".join(SIZES), help="'shipped' and parcel counts; '' for none")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sessions", type=int, default=30, help="concurrent sessions (0: skip)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds to wait for any one step")
    ap.add_argument(
        "--session-timeout", type=float, default=180, help="seconds a concurrent session may take to be ready"
    )
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--no-meeting", action="store_true", help="skip the meeting step")
    ap.add_argument(
        "--merge",
        action="store_true",
        help="replace these sizes' rows in the existing latest.json, keep the rest",
    )
    ap.add_argument(
        "--sessions-only",
        action="store_true",
        help="only the concurrent sessions, merged into the existing latest.json (same sizes and apps)",
    )
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument(
        "--before",
        metavar="GIT_REV",
        help="also measure the atlas as of this commit on the shipped data (did the default get slower?)",
    )
    args = ap.parse_args(argv)
    exe = os.environ.get("ATLAS_CHROMIUM") or "/usr/bin/chromium"
    exe = None if exe == "playwright" else exe

    work = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    base_dir = work / "baseline"
    base_dir.mkdir()
    shutil.copy(REPO / "bench" / "baseline_app.py", base_dir / "baseline_app.py")
    (base_dir / "static").symlink_to(REPO / "static")  # Streamlit serves static/ beside the script
    shutil.copy(REPO / "bench" / "baseline_meeting.py", base_dir / "baseline_meeting.py")
    atlas = App("atlas", REPO / "app.py", "/parcels", "parcels_platforms")
    baseline = App("baseline", base_dir / "baseline_app.py", "/", "platforms")
    meeting_apps = [App("atlas", REPO / "app.py", "/meeting", "")]
    if not args.no_baseline:
        meeting_apps.append(App("baseline", base_dir / "baseline_meeting.py", "/", ""))
    apps = [atlas] if args.no_baseline else [atlas, baseline]
    before = None
    if args.before:
        old = work / "before"
        old.mkdir()
        tar = subprocess.run(
            ["git", "-C", str(REPO), "archive", args.before], check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", str(old)], input=tar.stdout, check=True)
        before = App(f"atlas@{args.before}", old / "app.py", "/parcels", "parcels_platforms")

    results, baseline_gave_up = [], None
    for size in filter(None, (s.strip() for s in args.sizes.split(","))):
        pack = PACK_DIR if size == "shipped" else write_pack(int(size), work / f"pack-{size}")
        gpkg = work / f"store-{size}.gpkg"
        t0 = time.perf_counter()
        store.ensure_store(gpkg, pack)
        build_s = time.perf_counter() - t0
        parcels = store.read_layer(gpkg, "parcels")
        counts = parcels["parent"].dropna().value_counts()
        value = str(counts.index[0])
        env = {"ATLAS_STORE": str(gpkg), "ATLAS_BENCH_REPO": str(REPO)}
        if size != "shipped":
            env["ATLAS_PACK"] = str(pack)
        for app in apps:
            print(f"[{datetime.now(UTC):%H:%M:%S}] {app.name} on {size} parcels (load {load()})", flush=True)
            if args.sessions_only:
                if any(
                    (r["size"], r["app"]) == (size, app.name) and "did not draw" in r.get("error", "")
                    for r in json.loads((args.out / "latest.json").read_text())["results"]
                ):
                    continue  # a single session never drew this; thirty will not either
                results.append(
                    {"app": app.name, "size": size, "concurrent": sessions_only(app, env, args, exe, work)}
                )
                progress(results[-1])
                continue
            if app is baseline and baseline_gave_up:
                r = {"app": app.name, "error": f"not run: did not draw {baseline_gave_up} parcels"}
            else:
                r = measure(app, env, value, args, exe, work)
                if app is baseline and "error" in r and "did not draw" in r["error"]:
                    baseline_gave_up = size
            r.update(size=size, parcels=len(parcels), filter=f"{value} ({int(counts.iloc[0])})",
                     store_build_s=round(build_s, 2), load_after=load())  # fmt: skip
            results.append(r)
            progress(r)
        if before is not None and size == "shipped":
            print(
                f"[{datetime.now(UTC):%H:%M:%S}] {before.name} on shipped parcels (load {load()})", flush=True
            )
            r = measure(before, env, value, args, exe, work)
            r.update(size=size, parcels=len(parcels), filter=value, load_after=load())
            results.append(r)
            progress(r)
    meetings = []
    if not args.no_meeting and not args.sessions_only:
        gpkg = work / "store-shipped.gpkg"  # built above when the shipped size was measured
        store.ensure_store(gpkg, PACK_DIR)
        tour = meeting.first_tour(gpkg)
        views = meeting.stop_views(tour)
        env = {"ATLAS_STORE": str(gpkg), "ATLAS_BENCH_REPO": str(REPO)}
        for app in meeting_apps:
            print(
                f"[{datetime.now(UTC):%H:%M:%S}] {app.name} meeting, tour {tour.id} (load {load()})",
                flush=True,
            )
            r = measure_meeting(app, env, args, exe, work, views)
            r["tour"] = tour.id
            meetings.append(r)
            progress(r)
    if args.sessions_only:
        out = json.loads((args.out / "latest.json").read_text())
        for new in results:
            for r in out["results"]:
                if (r["size"], r["app"]) == (new["size"], new["app"]) and "did not draw" not in r.get(
                    "error", ""
                ):
                    r["concurrent"] = new["concurrent"] | {"measured_apart": True, "load_after": load()}
        (args.out / "latest.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
        (args.out / "latest.md").write_text(markdown(out))
        print(markdown(out))
        return out
    if args.merge:
        out = json.loads((args.out / "latest.json").read_text())
        done = {(r["size"], r["app"]) for r in results}
        out["results"] = [r for r in out["results"] if (r["size"], r["app"]) not in done] + results
        if meetings:
            out["meeting"] = meetings
            out["meeting_runs"] = args.runs
        order = {s: i for i, s in enumerate(["shipped", "20", *SIZES[1:]])}
        out["results"].sort(key=lambda r: (order.get(r["size"], 99), r["app"] != "atlas"))
        out.setdefault("merged", []).append(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "sizes": args.sizes,
                "runs": args.runs,
                "meeting": bool(meetings),
                "load_at_end": load(),
            }
        )
        (args.out / "latest.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
        (args.out / "latest.md").write_text(markdown(out))
        print(markdown(out))
        return out
    out = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 1e9:.0f} GB,"
        f" Python {platform.python_version()}",
        "shared_machine_note": "other engineers' test runs share these cores; load averages recorded",
        "load_at_end": load(),
        "args": {k: _shown(v) for k, v in vars(args).items()},
        "results": results,
        "meeting": meetings,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
    (args.out / "latest.md").write_text(markdown(out))
    print(markdown(out))
    return out


def _shown(value) -> str:
    """An argument as the results record it: a path inside the repository relative to it.

    The results are committed; an absolute path would only name the machine that ran them.

    >>> _shown(REPO / "bench" / "results"), _shown(3)
    ('bench/results', '3')
    >>> _shown(Path("/elsewhere/out"))
    '/elsewhere/out'
    """
    if isinstance(value, Path):
        path = value.resolve()
        return path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(value)
    return str(value)


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    return f"{v:.2f} {unit}" if v < 10 else f"{v:.0f} {unit}" if v >= 100 else f"{v:.1f} {unit}"


def _cell(a: dict, b: dict | None, key: str, unit: str, sub: str = "median") -> str:
    def get(r):
        if r is None or key not in r:
            return None
        return r[key][sub] if isinstance(r[key], dict) else r[key]

    ours, base = get(a), get(b)
    if b is None:
        return _fmt(ours, unit)
    if base is None:
        why = "did not draw" if b and "did not draw" in b.get("error", "") else "–"
        return f"{_fmt(ours, unit)} / {why}"
    ratio = f" (×{base / ours:.1f})" if ours else ""
    return f"{_fmt(ours, unit)} / {_fmt(base, unit)}{ratio}"


def meeting_markdown(rows: list[dict], runs: str) -> list[str]:
    """The meeting step's table (atlas / baseline), or nothing when it was not measured.

    >>> a = {"app": "atlas", "tour": "t", "stops": 5, "n": 8, "median_ms": 120.0, "p95_ms": 300.0,
    ...      "step_ws_kb": {"median": 20.0}, "load_after": "1.00 1.00 1.00"}
    >>> b = dict(a, app="baseline", median_ms=480.0, p95_ms=900.0, step_ws_kb={"median": 60.0})
    >>> print("\\n".join(meeting_markdown([a, b], "3")[-1:]))
    | t, 5 stops | 8 / 8 | 120 ms / 480 ms (×4.0) | 300 ms / 900 ms (×3.0) | 20.0 KB / 60.0 KB (×3.0) |
    >>> meeting_markdown([], "3")
    []
    """
    if not rows:
        return []
    by = {r["app"]: r for r in rows}
    a, b = by.get("atlas", {}), by.get("baseline")

    def cell(key: str, unit: str) -> str:
        return _cell(a, b, key, unit)

    count = " / ".join(str(r.get("n", "–")) for r in (a, b) if r is not None)
    first = a or b or {}
    return [
        "",
        f"Meeting, key press → map at the new stop and caption shown, at 1920 × 1080, atlas / plain "
        f"Streamlit + folium tour page (× = baseline ÷ atlas); ArrowRight through every stop and ArrowLeft "
        f"back, {runs} sessions, timed in the page (key event → first frame showing both).",
        "",
        "| tour | presses | median | p95 | a step sends |",
        "|---|---|---|---|---|",
        f"| {first.get('tour', '–')}, {first.get('stops', '–')} stops | {count} | {cell('median_ms', 'ms')} "
        f"| {cell('p95_ms', 'ms')} | {cell('step_ws_kb', 'KB')} |",
    ]


def markdown(out: dict) -> str:
    rows = out["results"]
    by = {(r["size"], r["app"]): r for r in rows}
    sizes = list(dict.fromkeys(r["size"] for r in rows))
    lines = [f"Benchmark of {out['when']}, {out['machine']}; load at end {out['load_at_end']}."]
    if rows:
        lines += [
            "",
            f"Parcel explorer, atlas / plain folium baseline (× = baseline ÷ atlas), medians of "
            f"{out['args']['runs']} runs. Bytes per interaction: what the server sent over the websocket "
            "for one filter change and for one zoom (in by two levels, and out again) until the page settled.",
            "",
            "| parcels | cold start → map | first map | filter → redrawn | zoom → settled | JS heap "
            "| server RSS | page download | filter change sends | zoom sends | concurrent p50 / p95 (failed) |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
    for s in sizes:  # one row per size; the before-commit row is a note below
        a, b = by.get((s, "atlas"), {}), by.get((s, "baseline"))
        conc = []
        for r in (a, b):
            c = (r or {}).get("concurrent")
            if c:
                conc.append(f"{_fmt(c['p50_s'], 's')} / {_fmt(c['p95_s'], 's')} ({c['failed']})")
            elif r is not None:
                conc.append("–")
        name = f"{a.get('parcels', s):,}" + (" (shipped)" if s == "shipped" else "")
        lines.append(
            f"| {name} | {_cell(a, b, 'cold_first_map_s', 's')} | {_cell(a, b, 'first_map_s', 's')} "
            f"| {_cell(a, b, 'filter_redraw_s', 's')} | {_cell(a, b, 'zoom_redraw_s', 's')} "
            f"| {_cell(a, b, 'js_heap_mb', 'MB')} | {_cell(a, b, 'server_rss_mb', 'MB')} "
            f"| {_cell(a, b, 'page_mb', 'MB')} | {_cell(a, b, 'filter_ws_kb', 'KB')} "
            f"| {_cell(a, b, 'zoom_ws_kb', 'KB')} | {' / '.join(conc)} |"
        )
    for r in rows:
        if r["app"].startswith("atlas@"):
            a = by[(r["size"], "atlas")]
            lines += [
                "",
                f"Shipped data, atlas now / {r['app']} (× = before ÷ now): "
                f"cold start → map {_cell(a, r, 'cold_first_map_s', 's')}, first map {_cell(a, r, 'first_map_s', 's')}, "
                f"filter → redrawn {_cell(a, r, 'filter_redraw_s', 's')}, zoom → settled {_cell(a, r, 'zoom_redraw_s', 's')}, "
                f"page download {_cell(a, r, 'page_mb', 'MB')}.",
            ]
    for m in out.get("merged", []):
        lines += [
            "",
            f"Sizes {m['sizes']} re-measured ({m.get('runs', out['args']['runs'])} runs"
            + (", with the meeting" if m.get("meeting") else "")
            + f") and merged in at {m['when']} (load at end {m['load_at_end']}).",
        ]
    if any(r.get("concurrent", {}).get("measured_apart") for r in rows):
        lines += [
            "",
            "Concurrent sessions measured apart (`--sessions-only`), on a fresh server warmed by one session.",
        ]
    lines += meeting_markdown(out.get("meeting") or [], out.get("meeting_runs", out["args"]["runs"]))
    errors = [f"- {r['app']} at {r['size']}: {r['error']}" for r in rows if r.get("error")]
    errors += [f"- {r['app']} meeting: {r['error']}" for r in out.get("meeting") or [] if r.get("error")]
    if errors:
        lines += ["", "Not measured:", *errors]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
