"""What the map component sends back to the server, and when.

streamlit-folium's browser side reports the map's view as soon as a map is drawn: its
``initComponent`` ends with a report of the opening bounds/zoom/center, which the server
cannot know in advance (they depend on the frame's size), so the report differs from the
component's default and Streamlit reruns the whole page once per freshly drawn map. That
rerun re-sent the page (and the ~400 KB base-map arguments) for a view nobody chose.

``QUIET_FIRST_VIEW_JS`` is appended to the map script streamlit-folium evaluates once per
frame, right before its own ``window.initComponent(map_div, …)`` call. It wraps
``initComponent`` so that the opening report is recorded as the frame's "previous" value
(streamlit-folium compares every later report with it) but not sent: the page does not
rerun, and the first pan, zoom or click of a user is reported and reruns it as before.
Until then the server sees the component's default (the base map's fitted bounds and
zoom), which is the view the map was drawn to show.

``static_base_script`` sends the base map once. Streamlit re-sends a component's whole
arguments on every rerun, and the base-map script (district outlines, zones, parks, sites
with their tooltips: ~300 KB, ~400 KB as JSON) was one of them, so each filter change sent
it again. The script is written once per content into ``static/maps/<sha256>.js``
(served by Streamlit's static serving at ``/app/static/maps/``), wrapped in a function so
that it runs only when streamlit-folium has put the map's ``<div>`` in place (its
``js_links`` load before that); the component's ``script`` argument is then the call of
that function, a few dozen bytes, identical on every rerun. A map frame loads the file
once; later reruns update only its feature group.

The opening-view guard is served the same way (``quiet_first_view_url``): it only wraps
``window.initComponent``, which streamlit-folium defines before it loads any link, so it
runs as the file loads; sent inline it was ~1.4 KB of every rerun's arguments. The
header's blank lines and indentation are dropped for the same reason.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile

from components.assets import STATIC_DIR, STATIC_URL

#: Where the base-map scripts are written (under the served static folder; not in git).
MAPS_DIR = STATIC_DIR / "maps"
MAPS_URL = f"{STATIC_URL}/maps"

#: Appended to the base-map script (evaluated once per map frame, before ``initComponent``).
QUIET_FIRST_VIEW_JS = """
;(function () {
  var init = window.initComponent;
  if (!init || init.__atlasQuiet) return;
  // what a report holds besides the view: a click changes it, a fit does not
  var beyondView = function (d) {
    var o = {};
    for (var k in (d || {})) if (k !== 'bounds' && k !== 'zoom' && k !== 'center') o[k] = d[k];
    return JSON.stringify(o);
  };
  var quiet = function (map, hover) {
    var S = window.Streamlit;
    var send = S.setComponentValue;
    var last = null;
    // the opening report: streamlit-folium stores it as previous_data, then sends it
    S.setComponentValue = function (d) { last = d; };
    try { return init(map, hover); } finally {
      if (last === null && window.__GLOBAL_DATA__) last = window.__GLOBAL_DATA__.previous_data;
      // later reports are sent, except the one of the map's own fit to its frame
      // (map._atlasQuietView, set by the fit): it is still the opening view, drawn for the
      // frame's real size, and a user's pan or click in the meantime differs from it
      S.setComponentValue = function (d) {
        var q = map._atlasQuietView;
        var fitOnly = !!q && map.getZoom() === q.z && map.getCenter().equals(q.c)
          && beyondView(d) === beyondView(last);
        last = d;
        if (fitOnly) return;
        return send.apply(S, arguments);
      };
    }
  };
  quiet.__atlasQuiet = true;
  window.initComponent = quiet;
})();
"""


def quiet_first_view(script: str) -> str:
    """``script`` with the opening view report suppressed (see the module docstring).

    >>> quiet_first_view("var map_div = L.map('x');").startswith("var map_div")
    True
    >>> "initComponent" in quiet_first_view("")
    True
    """
    return script + QUIET_FIRST_VIEW_JS


def quiet_first_view_url() -> str | None:
    """The served file holding ``QUIET_FIRST_VIEW_JS`` (a ``js_links`` entry), or None where
    it cannot be written: then ``quiet_first_view`` appends it to the script as before."""
    return _served(QUIET_FIRST_VIEW_JS, ".js")


def _function_name(digest: str) -> str:
    return f"__atlasBaseMap_{digest}"


def script_file_text(script: str, digest: str) -> str:
    """The served file: ``script`` as a global function that draws the map when called.

    folium's script declares the map as ``var map_div``; inside the function that is a
    local, so the function also publishes it as ``window.map_div`` (the name
    streamlit-folium's own code and feature groups use).

    >>> text = script_file_text("var map_div = 1;", "ab")
    >>> "window.__atlasBaseMap_ab = function" in text and "window.map_div = map_div;" in text
    True
    """
    return f"window.{_function_name(digest)} = function () {{\n{script}\nwindow.map_div = map_div;\n}};\n"


_written: set[str] = set()
_log = logging.getLogger(__name__)


def _served(text: str, suffix: str) -> str | None:
    """The URL of ``text`` written once under ``MAPS_DIR`` by its SHA-256, or None if it
    cannot be written (a read-only install): the caller then sends the text inline, as
    every rerun did before, slower but never a broken map.

    Named by content, so a browser never runs a stale map and every session and server
    process shares one file; an existing file is reused.
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    name = f"{digest}{suffix}"
    if name not in _written:
        path = MAPS_DIR / name
        if not path.exists():
            try:
                MAPS_DIR.mkdir(parents=True, exist_ok=True)
                # write then rename: a browser asking meanwhile never gets half a file
                fd, tmp = tempfile.mkstemp(dir=MAPS_DIR, suffix=".tmp")
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, path)
            except OSError as err:
                _log.warning("map files cannot be written to %s (%s); maps are sent inline", MAPS_DIR, err)
                return None
        _written.add(name)
    return f"{MAPS_URL}/{name}"


def static_base_script(script: str) -> tuple[str | None, str]:
    """``(url, call)``: the served file holding ``script``, and the script that runs it;
    ``(None, script)`` where the file cannot be written."""
    digest = hashlib.sha256(script.encode("utf-8")).hexdigest()[:32]
    url = _served(script_file_text(script, digest), ".js")
    if url is None:
        return None, script
    return url, f"window.{_function_name(digest)}();"


_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)


def static_header(header: str) -> tuple[str | None, str]:
    r"""``(css_url, rest)``: the header's ``<style>`` blocks as one served CSS file, and the
    rest of the header (a few ``<meta>`` tags) that still travels as an argument.

    The file is the last CSS link, and streamlit-folium adds the header after the links,
    so the cascade order is the same as with the styles inline.

    The rest loses its blank lines and indentation (folium's template leaves ~400 bytes
    of them, sent with every rerun); nothing in a header's tags depends on them.

    >>> url, rest = static_header('<meta charset="x">\n\n    <style>.a { color: red; }</style>\n   <meta a="b">')
    >>> url.endswith(".css"), rest
    (True, '<meta charset="x">\n<meta a="b">')
    >>> static_header("<meta>")
    (None, '<meta>')
    """
    css = "\n".join(block.strip() for block in _STYLE.findall(header))
    if not css:
        return None, header
    url = _served(css + "\n", ".css")
    if url is None:
        return None, header
    rest = _STYLE.sub("", header)
    return url, "\n".join(line.strip() for line in rest.splitlines() if line.strip())
