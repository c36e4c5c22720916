"""The meeting step of ``make bench``: key press -> map at the new stop and its caption shown.

On a tour page at 1920 x 1080 (the atlas's ``/meeting``, or ``bench/baseline_meeting.py``),
the first tour is started with its start button, then ArrowRight is pressed through every
stop and ArrowLeft back to the first. Each press is timed inside the page, from the key
event's own timestamp to the first animation frame in which BOTH hold:

- the new stop's caption is shown: an element ``.meeting-caption[data-stop="N"]`` (N the
  1-based stop) with a non-zero bounding box and computed ``visibility: visible`` (its
  opacity is not looked at: the caption fades in);
- the map in the iframe inside ``.st-key-meeting_mapbox`` has ``map.getZoom()`` equal to
  the stop's zoom and ``map.getCenter()`` within 1e-4° of the stop's centre, in the
  basemap's display coordinates (GCJ-02 over Amap).

Nothing else about the page is assumed: whether a press reruns the script on the server or
only swaps what the browser already holds, the measure is the same. The expected views come
from the tour files (``geodata.domain.tours``) as the meeting page reads them. Between
presses the page is left to settle (script idle, nothing changing) as a presenter would,
and the websocket bytes the step received are counted.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy

CAPTION = '.meeting-caption[data-stop="{n}"]'
MAP_FRAME = ".st-key-meeting_mapbox iframe"
START = ".st-key-meeting_start button"  # components.state.MEETING["start"]; the baseline uses it too
VIEWPORT = {"width": 1920, "height": 1080}
TOLERANCE_DEG = 1e-4
QUIET_MS = 800


@dataclass(frozen=True)
class StopView:
    """Where a stop puts the map: 1-based stop number, zoom, centre as drawn (lat, lng)."""

    stop: int
    zoom: int
    lat: float
    lng: float


def stop_views(tour) -> list[StopView]:
    """Each stop's expected view, centres converted to the stop basemap's display coordinates.

    Examples
    --------
    >>> from geodata.domain.tours import Stop, Text, Tour, View
    >>> s = lambda lat, basemap: Stop(title=Text("t", "t"), caption=Text("c", "c"),
    ...     view=View(center=(lat, 120.1), zoom=12), layers=(), basemap=basemap)
    >>> tour = Tour(id="x", title=Text("t", "t"), basemap="osm", stops=(s(30.2, "osm"), s(30.3, "amap")))
    >>> a, b = stop_views(tour)
    >>> a
    StopView(stop=1, zoom=12, lat=30.2, lng=120.1)
    >>> b.stop, b.zoom, b.lat != 30.3, b.lng != 120.1
    (2, 12, True, True)
    """
    from components.map import to_display_point

    out = []
    for n, stop in enumerate(tour.stops, 1):
        lat, lng = to_display_point(*stop.view.center, stop.basemap)
        out.append(StopView(n, int(stop.view.zoom), float(lat), float(lng)))
    return out


def first_tour(gpkg: Path, lang: str = "zh"):
    """The tour the meeting page offers first, read from the store ``gpkg`` as the page reads it."""
    from components.basemaps import basemaps, tianditu_key
    from geodata import store
    from geodata.domain.tours import load_tours, pack_index
    from geodata.model.schema import LAYERS

    layers = {name: store.read_layer(gpkg, name) for name in LAYERS}
    index = pack_index(layers, store.read_table(gpkg, "indicators"), basemaps(tianditu_key()))
    tours, problems = load_tours(index, lang)
    if not tours:
        raise RuntimeError(f"no tour loads: {problems}")
    return tours[0]


def press_plan(stops: int) -> list[tuple[str, int]]:
    """Every press of one run: (key, the 1-based stop it must show), forward to the last
    stop, then back to the first.

    >>> press_plan(3)
    [('ArrowRight', 2), ('ArrowRight', 3), ('ArrowLeft', 2), ('ArrowLeft', 1)]
    >>> press_plan(1)
    []
    """
    forward = [("ArrowRight", n) for n in range(2, stops + 1)]
    back = [("ArrowLeft", n) for n in range(stops - 1, 0, -1)]
    return forward + back


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100, linear between ranks), None for no values.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([], 95)
    (2.5, None)
    >>> round(percentile([float(v) for v in range(1, 21)], 95), 2)
    19.05
    """
    return float(numpy.percentile(values, q)) if values else None


def summary(ms: list[float]) -> dict:
    """Median and p95 of press times (ms), and how many presses they are.

    >>> summary([100.0, 200.0, 300.0])
    {'n': 3, 'median_ms': 200.0, 'p95_ms': 290.0}
    """
    return {
        "n": len(ms),
        "median_ms": statistics.median(ms) if ms else None,
        "p95_ms": percentile(ms, 95),
    }


# In the page: arm a record for one expected view; a capture-phase key listener on the
# window (before any of the page's own handlers) stamps the press, and a frame-by-frame
# check stamps the first frame in which the caption and the map both show the stop.
JS_ARM = """(want) => {
  const rec = {want: want, t0: null, done: null};
  window.__benchStep = rec;
  if (!window.__benchKeys) {
    window.__benchKeys = true;
    window.addEventListener('keydown', (e) => {
      const r = window.__benchStep;
      if (r && r.t0 === null && r.want.key === e.key) r.t0 = e.timeStamp;
    }, true);
  }
  if (want.key === null) rec.t0 = performance.now();
  const captionShown = () => {
    for (const c of document.querySelectorAll(want.caption)) {
      const r = c.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && getComputedStyle(c).visibility === 'visible') return true;
    }
    return false;
  };
  const mapAt = () => {
    const f = document.querySelector(want.frame);
    let m = null;
    try { m = f && f.contentWindow && f.contentWindow.map; } catch (err) { return false; }
    if (!m || typeof m.getZoom !== 'function') return false;
    const c = m.getCenter();
    return m.getZoom() === want.zoom && Math.abs(c.lat - want.lat) <= want.tol
      && Math.abs(c.lng - want.lng) <= want.tol;
  };
  const tick = () => {
    if (window.__benchStep !== rec) return;
    if (rec.t0 !== null && captionShown() && mapAt()) { rec.done = performance.now(); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""

# What the page shows when a step did not finish (for the error message).
JS_STATE = """(want) => {
  const caps = [...document.querySelectorAll(want.caption)].map((c) => {
    const r = c.getBoundingClientRect();
    return r.width + 'x' + r.height + ' ' + getComputedStyle(c).visibility;
  });
  const f = document.querySelector(want.frame);
  let view = 'no map';
  try {
    const m = f && f.contentWindow && f.contentWindow.map;
    if (m) { const c = m.getCenter(); view = 'zoom ' + m.getZoom() + ' at ' + c.lat.toFixed(6) + ',' + c.lng.toFixed(6); }
  } catch (err) { view = String(err); }
  return 'caption ' + (caps.join('; ') || 'absent') + '; map ' + view + '; key seen ' + (window.__benchStep.t0 !== null);
}"""

# Quiet: the app's script idle and nothing in the page or the map's frame changed for a while.
JS_WATCH = """(frame) => {
  const w = window.__benchQuiet = {mut: Date.now()};
  const note = () => { w.mut = Date.now(); };
  const opts = {subtree: true, childList: true, attributes: true, characterData: true};
  new MutationObserver(note).observe(document.body, opts);
  const f = document.querySelector(frame);
  try {
    const d = f && f.contentDocument;
    if (d && d.body) new d.defaultView.MutationObserver(note).observe(d.body, opts);
  } catch (err) { /* a map in a frame of another origin: the page alone decides */ }
}"""
JS_QUIET = """(quietMs) => {
  const app = document.querySelector("[data-testid='stApp']");
  const idle = !!app && app.getAttribute('data-test-script-state') !== 'running';
  return idle && Date.now() - window.__benchQuiet.mut >= quietMs;
}"""


def _want(view: StopView, key: str | None) -> dict:
    return asdict(view) | {
        "key": key,
        "caption": CAPTION.format(n=view.stop),
        "frame": MAP_FRAME,
        "tol": TOLERANCE_DEG,
    }


def settle(page, timeout_s: float) -> None:
    """Wait (bounded) until the script is idle and the page has not changed for ``QUIET_MS``."""
    page.evaluate(JS_WATCH, MAP_FRAME)
    page.wait_for_function(JS_QUIET, arg=QUIET_MS, timeout=timeout_s * 1000, polling=50)


def step(page, view: StopView, key: str | None, timeout_s: float) -> float:
    """Press ``key`` (None: the step was started otherwise) and wait until ``view`` is shown;
    milliseconds between the key event and the first frame showing it, as the page clocks them."""
    want = _want(view, key)
    # keys go to the focused document: the app's own, not the map's frame
    page.evaluate("() => { const a = document.activeElement; if (a && a !== document.body) a.blur(); }")
    page.evaluate(JS_ARM, want)
    if key is not None:
        page.keyboard.press(key)
    try:
        page.wait_for_function("() => window.__benchStep.done !== null", timeout=timeout_s * 1000, polling=50)
    except Exception as exc:
        state = page.evaluate(JS_STATE, want)
        raise TimeoutError(f"stop {view.stop} not shown within {timeout_s:g} s: {state}") from exc
    rec = page.evaluate("() => window.__benchStep")
    if rec["t0"] is None:
        raise RuntimeError(f"the page's document never saw the {key} key")
    return rec["done"] - rec["t0"]


def measure(browser, url: str, views: list[StopView], runs: int, timeout_s: float, traffic_factory) -> dict:
    """``runs`` fresh sessions on ``url`` (a tour page): every press's ms and websocket KB."""
    from bench.run import route

    ms: list[float] = []
    kb: list[float] = []
    for _ in range(runs):
        ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        try:
            ctx.route("**/*", route)
            page = ctx.new_page()
            traffic = traffic_factory(ctx.new_cdp_session(page))
            page.goto(url, wait_until="commit")
            start = page.locator(START)
            start.wait_for(timeout=timeout_s * 1000)
            settle(page, timeout_s)
            start.click()
            step(page, views[0], None, timeout_s)
            settle(page, timeout_s)
            for key, n in press_plan(len(views)):
                before = traffic.ws
                ms.append(step(page, views[n - 1], key, timeout_s))
                settle(page, timeout_s)
                kb.append((traffic.ws - before) / 1e3)
        finally:
            ctx.close()
    return summary(ms) | {
        "all_ms": [round(v, 1) for v in ms],
        "step_ws_kb": {"median": statistics.median(kb) if kb else None, "all": [round(v, 2) for v in kb]},
    }
