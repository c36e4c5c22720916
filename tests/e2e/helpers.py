"""Helpers shared by the browser tests: waiting for Streamlit, the map's iframe, console checks.

Tests import from here (and start extra servers with ``tests/e2e/server.py``), never from
each other: a test module is free to rename its own privates.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "e2e" / "artifacts"
#: The iframe streamlit-folium draws a map in (same origin: its Leaflet map is reachable).
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"

#: JS for the map's iframe: a screen point inside the named district that no other feature
#: covers, or null (uses the Leaflet map object of the component's same-origin iframe).
FIND_POINT_JS = """
(name) => {
  const map = window.map_div;
  let target = null;
  map.eachLayer(l => { if (l.feature && l.feature.properties._layer === 'districts'
                              && l.feature.properties.name_zh === name) target = l; });
  if (!target) return null;
  const box = target._path.getBoundingClientRect();
  for (let i = 0; i < 400; i++) {
    const x = box.left + box.width * ((i * 0.618034) % 1);
    const y = box.top + box.height * ((i * 0.381966 + 0.5) % 1);
    if (document.elementFromPoint(x, y) === target._path) return [x, y];
  }
  return null;
}
"""

#: JS for the map's iframe: the screen centre of feature ``id`` of ``layer``, or null.
FEATURE_CENTRE_JS = """
([layer, id]) => {
  let hit = null;
  window.map_div.eachLayer(l => { if (l.feature && l.feature.properties._layer === layer
                                       && l.feature.properties.id === id) hit = l; });
  if (!hit) return null;
  const b = hit._path.getBoundingClientRect();
  return [b.left + b.width / 2, b.top + b.height / 2];
}
"""

# Installed once per page: counts the values map components report to Streamlit
# (``streamlit:setComponentValue`` messages from their iframes) and the script runs that
# started after the latest one. A report reruns the page, but only once the frontend has
# sent it on; "idle" alone can be read in the gap before that rerun starts.
_WATCH_REPORTS_JS = """() => {
  if (window.__atlasReports) return window.__atlasReports.reports;
  const w = window.__atlasReports = {reports: 0, runsAfter: 0};
  window.addEventListener('message', e => {
    if (e.data && e.data.type === 'streamlit:setComponentValue') { w.reports += 1; w.runsAfter = 0; }
  });
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(records => {
    // each record's oldValue is the state before it; the value after it is the next one's
    const after = [...records.slice(1).map(r => r.oldValue), app.getAttribute('data-test-script-state')];
    w.runsAfter += after.filter(v => v === 'running').length;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state'], attributeOldValue: true});
  return 0;
}"""
_REPORTED_AND_RERUN_JS = """(before) => {
  const w = window.__atlasReports;
  const idle = document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']");
  return w.reports > before && w.runsAfter > 0 && !!idle;
}"""


def wait_for_app(pg, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (its own harness does this).

    60 s: on a loaded 2-core machine (load ~30) a first run of a page took over 30 s.
    """
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def open_overview(pg, server):
    """Open the overview and wait until its map is drawn and takes clicks; returns its frame locator."""
    pg.goto(server.url, wait_until="domcontentloaded")
    wait_for_app(pg)
    frame = pg.frame_locator(MAP_FRAME)
    frame.locator("path.atlas-districts").first.wait_for(state="attached", timeout=30_000)
    # streamlit-folium binds its click handlers once the component is ready; a click
    # before that is lost, so wait for them rather than for time.
    content = pg.locator(MAP_FRAME).element_handle().content_frame()
    content.wait_for_function("() => window.map && window.map.listens('click')", timeout=30_000)
    # the opening fitBounds animates the zoom; moving the map before it ends gets undone
    content.wait_for_function("() => !window.map._animatingZoom", timeout=30_000)
    wait_for_app(pg)
    return frame


def rerun_after_map_report(pg, action, timeout: float = 60_000) -> None:
    """Do ``action()``, then wait until a map reported a value and the rerun it caused finished.

    For a step after which streamlit-folium reports the map's view (a pan, a new map drawn):
    it debounces the report by 250 ms, so "the app is idle" right after the step says
    nothing; this waits for the report itself and then for a script run that followed it.
    """
    before = pg.evaluate(_WATCH_REPORTS_JS)
    action()
    pg.wait_for_function(_REPORTED_AND_RERUN_JS, arg=before, timeout=timeout)


def unexpected_failures(watch, page_path: str) -> list[str]:
    """Failed responses, less the two Streamlit makes itself when opened at a page URL.

    Opened at ``/<page>``, Streamlit's frontend first probes ``/<page>/_stcore/health``
    and ``/<page>/_stcore/host-config`` for a base path, gets 404 and falls back to the
    root. Anything else that failed is ours.
    """
    probes = (f"/{page_path}/_stcore/health", f"/{page_path}/_stcore/host-config")
    return [r for r in watch.failed_responses if not r.endswith(probes)]


def console_errors_beyond_probes(watch, page_path: str) -> list[str]:
    """Console errors, less one 404 line per Streamlit base-path probe (see above)."""
    probe_404s = len(watch.failed_responses) - len(unexpected_failures(watch, page_path))
    errors = list(watch.console_errors)
    for _ in range(probe_404s):
        hits = [e for e in errors if "404" in e]
        if hits:
            errors.remove(hits[0])
    return errors


def until(target, predicate: str, arg=None, **kwargs) -> None:
    """``wait_for_function`` that treats a predicate throwing as "not yet".

    Playwright gives up at the first exception a predicate raises. While Streamlit draws or
    reruns a page, the map's iframe (or the map inside it) is briefly absent, so a predicate
    reading ``document.querySelector(frame).contentDocument`` can throw once before it is
    true. The timeout still fails the test if the condition never holds.
    """
    wrapped = f"(arg) => {{ try {{ return !!(({predicate})(arg)); }} catch (e) {{ return false; }} }}"
    target.wait_for_function(wrapped, arg=arg, **kwargs)


#: JS for a map's iframe: the atlas's small point markers (sites, zones and parks, projects,
#: innovation sources) as drawn, the pairs whose circles overlap on screen, how many are
#: topmost at their own centre (where a click lands on them), the same pairs at their true
#: coordinates (``_atlasHome``, kept by ``components/map_declutter.py``) and the counts shown.
MARKER_SPREAD_JS = """() => {
  const sel = ['areas', 'parcels', 'projects', 'innovation']
    .map(k => '.leaflet-overlay-pane path.atlas-' + k).join(',');
  const byPath = new Map();
  window.map.eachLayer(l => { if (l._path) byPath.set(l._path, l); });
  const cs = [...document.querySelectorAll(sel)].map(p => {
      const r = p.getBoundingClientRect();
      return {p, x: r.left + r.width / 2, y: r.top + r.height / 2, r: r.width / 2, w: r.width, h: r.height};
    }).filter(c => c.w > 0 && c.w <= 30 && byPath.get(c.p) && byPath.get(c.p).getLatLng);
  const overlaps = pts => {
    const out = [];
    for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) {
      if (Math.hypot(pts[i].x - pts[j].x, pts[i].y - pts[j].y) < cs[i].r + cs[j].r - 1) out.push([i, j]);
    }
    return out;
  };
  const origin = window.map.getContainer().getBoundingClientRect();
  const home = cs.map(c => {
    const l = byPath.get(c.p);
    const ll = (l && l._atlasHome) || (l && l.getLatLng());
    const pt = window.map.latLngToContainerPoint(ll);
    return {x: pt.x + origin.left, y: pt.y + origin.top};
  });
  const moved = cs.filter((c, i) => Math.hypot(c.x - home[i].x, c.y - home[i].y) > 1).length;
  const top = cs.map(c => document.elementFromPoint(c.x, c.y));
  const topmost = cs.filter((c, i) => top[i] === c.p).length;
  // covered by one of the map's own controls (tools, legend button): a pan brings it out
  const underControls = top.filter(e => e && e.closest('.leaflet-control')).length;
  const box = window.map.getContainer().getBoundingClientRect();
  const outside = cs.filter((c, i) => !top[i] || c.x < box.left || c.x > box.right || c.y < box.top
                                      || c.y > box.bottom).length;  // past the map's (or frame's) edge
  const counts = [...document.querySelectorAll('.atlas-stack-count')].map(e => Number(e.textContent));
  return {markers: cs.length, overlaps: overlaps(cs).length, atHome: overlaps(home).length, moved,
          topmost, underControls, outside, counts, lines: document.querySelectorAll('path.atlas-spread-line').length};
}"""
