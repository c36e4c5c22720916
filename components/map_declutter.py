"""Markers that would sit on top of each other are set apart on screen, each still its own
marker, with a thin line to its true place and the number of markers in the group.

Why: at the city zoom a district's sites, zones and projects fall on one spot (eight
around 钱塘区, the three 紫金港 sites); the top one hid the rest, and a click reached
only it. Clustering plugins replace the markers with a count bubble that must be clicked
open; with a few dozen points the atlas can show every marker at once instead.

The spread is computed in the browser, per zoom, in screen pixels (a distance in metres
would be too small at the city zoom and too large at the street zoom): markers whose
circles touch are grouped, and each group is laid out on a ring around its centre, large
enough that no two circles touch. At a zoom where they are apart, every marker is back at
its own coordinates. A selected feature's ring follows its marker. Only the atlas's
point layers take part (sites, zones and parks, projects, innovation sources, drawn as
small circles); sized project circles (proportional symbols) and the data page's
before/after markers are left where they are.
"""

from __future__ import annotations

import json

from branca.element import MacroElement
from folium.template import Template

#: Layers whose point markers are spread (their ``className``, set in ``components.map``).
SPREAD_LAYERS = ("areas", "parcels", "projects", "innovation")
#: Circles larger than this (px) are proportional symbols: they keep their place.
MAX_RADIUS_PX = 12
#: Above this many markers in view the parcel layer is aggregated already; no spread.
MAX_MARKERS = 400

DECLUTTER_CSS = """
<style>
.atlas-stack-count { background: #1b2631; color: #fff; border-radius: 9px; text-align: center;
  font: 600 11px/18px "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
  box-shadow: 0 0 0 2px rgba(255,255,255,.85); pointer-events: none; }
</style>
"""


class Declutter(MacroElement):
    """Spread overlapping point markers of the atlas's layers (see the module docstring)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var ours = new RegExp('\\\\batlas-(' + {{ this.layers_json }}.join('|') + ')\\\\b');
            var maxR = {{ this.max_radius }}, maxN = {{ this.max_markers }}, gap = 3;
            var extras = L.layerGroup();
            extras._atlasExtra = true;
            var busy = false, pending = false;
            function isOurs(l) {
                return l instanceof L.CircleMarker && !(l instanceof L.Circle) && l.feature
                    && ours.test(l.options.className || '') && (l.options.radius || 10) <= maxR;
            }
            function isRing(l) {
                return l instanceof L.CircleMarker && /\\batlas-highlight\\b/.test(l.options.className || '');
            }
            function home(l) {
                if (!l._atlasHome) l._atlasHome = l.getLatLng();
                return l._atlasHome;
            }
            var extent = null;  // the drawn markers' box in container pixels, after a spread
            function spread() {
                pending = false;
                extent = null;
                if (!map._loaded) return;
                busy = true;
                try {
                    extras.clearLayers();
                    var ms = [], rings = [];
                    map.eachLayer(function(l) {
                        if (isOurs(l)) ms.push(l);
                        else if (isRing(l)) rings.push(l);
                    });
                    var pts = ms.map(function(l) { return map.latLngToLayerPoint(home(l)); });
                    var rad = ms.map(function(l) { return l.options.radius || 10; });
                    // union-find of markers whose circles touch
                    var parent = ms.map(function(_, i) { return i; });
                    function root(i) { while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; } return i; }
                    function touching(p, i, j) { return p[i].distanceTo(p[j]) < rad[i] + rad[j] + gap; }
                    function join(p) {
                        var joined = false;
                        for (var i = 0; i < ms.length; i++) {
                            for (var j = i + 1; j < ms.length; j++) {
                                if (root(i) !== root(j) && touching(p, i, j)) { parent[root(i)] = root(j); joined = true; }
                            }
                        }
                        return joined;
                    }
                    // where each marker goes: a group on a ring around its centre, large enough
                    // that no two of its circles touch and clear of the centre's count
                    function place() {
                        var groups = {}, at = pts.slice(), centres = [];
                        ms.forEach(function(_, i) { (groups[root(i)] = groups[root(i)] || []).push(i); });
                        Object.keys(groups).forEach(function(k) {
                            var g = groups[k];
                            if (g.length === 1) return;
                            var c = L.point(0, 0), around = 0, big = 0;
                            g.forEach(function(i) { c = c.add(pts[i]); around += 2 * rad[i] + gap; big = Math.max(big, rad[i]); });
                            c = c.divideBy(g.length);
                            var R = Math.max(around / (2 * Math.PI), big + 12);
                            // in a stable order (by coordinates), so a rerun draws the same picture
                            g.sort(function(a, b) { return pts[a].x - pts[b].x || pts[a].y - pts[b].y; });
                            g.forEach(function(i, n) {
                                var a = -Math.PI / 2 + 2 * Math.PI * n / g.length;
                                at[i] = c.add(L.point(R * Math.cos(a), R * Math.sin(a)));
                            });
                            centres.push([c, g.length]);
                        });
                        return {at: at, centres: centres};
                    }
                    var laid = {at: pts, centres: []};
                    if (ms.length <= maxN) {
                        join(pts);
                        // a group's ring can reach a neighbour: merge the two and lay out again
                        for (var round = 0; round < 12; round++) {
                            laid = place();
                            if (!join(laid.at)) break;
                        }
                    }
                    ms.forEach(function(l, i) {
                        var to = laid.at[i] === pts[i] ? home(l) : map.layerPointToLatLng(laid.at[i]);
                        if (to !== home(l)) {
                            L.polyline([home(l), to], {color: '#1b2631', weight: 1, opacity: 0.6,
                                interactive: false, className: 'atlas-spread-line'}).addTo(extras);
                        }
                        l.setLatLng(to);
                        var c = map.latLngToContainerPoint(to), r = rad[i];
                        extent = extent ? {l: Math.min(extent.l, c.x - r), t: Math.min(extent.t, c.y - r),
                                           r: Math.max(extent.r, c.x + r), b: Math.max(extent.b, c.y + r)}
                                        : {l: c.x - r, t: c.y - r, r: c.x + r, b: c.y + r};
                    });
                    laid.centres.forEach(function(c) {
                        // above the district names (a marker's stacking follows its latitude)
                        L.marker(map.layerPointToLatLng(c[0]), {interactive: false, keyboard: false, zIndexOffset: 1000,
                            icon: L.divIcon({className: 'atlas-stack-count', html: String(c[1]),
                                             iconSize: [18, 18], iconAnchor: [9, 9]})}).addTo(extras);
                    });
                    // a selected feature's ring goes where its marker is drawn
                    rings.forEach(function(r) {
                        var h = home(r), to = h;
                        ms.forEach(function(l) { if (home(l).equals(h)) to = l.getLatLng(); });
                        r.setLatLng(to);
                    });
                    if (!map.hasLayer(extras)) extras.addTo(map);
                    // the markers above their lines
                    ms.forEach(function(l) { if (l._map) l.bringToFront(); });
                } finally { busy = false; }
            }
            function schedule() {
                if (busy || pending) return;
                pending = true;
                setTimeout(spread, 0);
            }
            // the fit to the frame asks for the spread at its zoom, to keep the rings in view too
            map._atlasSpreadNow = function() { if (!busy) spread(); return extent; };
            map.on('zoomend viewreset overlayadd overlayremove', schedule);
            // layers arrive later too (a rerun's feature group); our own lines and counts do not count
            map.on('layeradd layerremove', function(e) {
                if (!busy && !(e.layer && (e.layer._atlasExtra || extras.hasLayer(e.layer)))) schedule();
            });
            map.whenReady(schedule);
        })();
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "Declutter"
        self.layers_json = json.dumps(list(SPREAD_LAYERS))
        self.max_radius = MAX_RADIUS_PX
        self.max_markers = MAX_MARKERS
        self.css = DECLUTTER_CSS
