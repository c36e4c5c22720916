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
"""

from __future__ import annotations

#: Appended to the base-map script (evaluated once per map frame, before ``initComponent``).
QUIET_FIRST_VIEW_JS = """
;(function () {
  var init = window.initComponent;
  if (!init || init.__atlasQuiet) return;
  var quiet = function (map, hover) {
    var S = window.Streamlit;
    var send = S.setComponentValue;
    // the opening report: streamlit-folium stores it as previous_data, then sends it
    S.setComponentValue = function () {};
    try { return init(map, hover); } finally { S.setComponentValue = send; }
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
