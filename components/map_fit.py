"""Fit the map to its content once the frame has its real size, and keep the map's own
controls (legend, notices, attribution) off the fitted features.

Why: folium fits the bounds while the map's script runs, when the iframe may not yet
have its final width (on a phone it is laid out after the script). Leaflet then computes
the zoom for the wrong size and a 390 px phone opens somewhere off Hangzhou. Here the
fit runs again, after ``invalidateSize``, every time the map's container changes size —
until anything else moves the map (the user, a tour stop, a shared link's view), which
is never undone.

The padding of each fit is read from the controls actually on screen: the top-left tool
column, the legend and the attribution strip at the bottom, so the fitted features sit
in the part of the map no control covers. Below ``NARROW_PX`` of map width the legend
starts collapsed behind a button and the minimap and cursor readout are hidden.
"""

from __future__ import annotations

import html
import json

from branca.element import MacroElement
from folium.template import Template

from geodata.text.i18n import translate

#: Map width (CSS px) under which the map counts as narrow (phones, thin columns).
NARROW_PX = 600

#: Touch screens get 44 px controls (the usual minimum tap target).
LAYOUT_CSS = """
<style>
.atlas-legend-box { background: rgba(255,255,255,.92); border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 260px; }
.atlas-legend-box .atlas-legend { background: none; box-shadow: none; }
.atlas-legend-toggle { display: block; margin-left: auto; min-height: 30px; min-width: 44px; padding: 2px 10px;
  border: 0; border-radius: 4px; background: #fff; color: #1b2631; cursor: pointer;
  font: 600 13px/1.4 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif; }
.atlas-legend-box:not(.atlas-legend-open) .atlas-legend { display: none; }
/* the minimap is hidden, not removed from the layout: a minimap whose size changes
   moves the main map to its own centre (leaflet-minimap's moveend sync) */
.atlas-narrow .leaflet-control-minimap { visibility: hidden !important; }
.atlas-narrow .leaflet-control-mouseposition, .atlas-narrow .leaflet-control-scale { display: none !important; }
.leaflet-control-attribution { white-space: normal; }
.atlas-narrow .leaflet-control-attribution { font-size: 10px; line-height: 1.3; }
/* the map fills its frame: the page sizes the frame (phone, desk, projector) with CSS */
#map_div { height: 100vh !important; }
@media (pointer: coarse) {
  .leaflet-touch .leaflet-bar a, .leaflet-touch .leaflet-control-layers-toggle { width: 44px; height: 44px;
    line-height: 44px; }
  .leaflet-touch .leaflet-bar a.atlas-reset-view { line-height: 44px; }
  /* the fullscreen icon is a two-state sprite: show one 26 px state in the 44 px button */
  .leaflet-touch .leaflet-bar a.fullscreen-icon { box-sizing: border-box; padding: 9px;
    background-origin: content-box; background-clip: content-box; background-position: 0 0; }
  .leaflet-touch .leaflet-bar a.fullscreen-icon.leaflet-fullscreen-on { background-position: 0 -26px; }
  .atlas-legend-toggle { min-height: 44px; }
}
</style>
"""


class MiniMapGuard(MacroElement):
    """Marks the minimap's sync back to the main map (``map._atlasMiniSync``), so that
    ``FitToContent`` can tell that echo from a person's move.

    Added before the map tools: leaflet-minimap binds its ``moveend`` handler when the
    minimap is added, so a wrap of the prototype made later (``FitToContent`` runs after
    the tools) never reached the bound handler and the echo went unrecognised — an
    animated minimap pan ending after a refit set the main map to the minimap's centre
    and whole-step zoom (the Pixel case with features under the tools).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            if (!L.Control.MiniMap || L.Control.MiniMap.prototype._atlasWrapped) return;
            var onMini = L.Control.MiniMap.prototype._onMiniMapMoved;
            L.Control.MiniMap.prototype._onMiniMapMoved = function(e) {
                var main = this._mainMap;
                if (main) main._atlasMiniSync = true;
                try { return onMini.call(this, e); } finally { if (main) main._atlasMiniSync = false; }
            };
            L.Control.MiniMap.prototype._atlasWrapped = true;
        })();
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "MiniMapGuard"


class FitToContent(MacroElement):
    """Fit ``bounds`` ([[south, west], [north, east]]) after every size change until the map
    is moved by anything else; pad by the controls on screen; plain-text attribution."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var bounds = L.latLngBounds({{ this.bounds_json }});
            var narrowPx = {{ this.narrow_px }};
            var ours = false, stopped = false;
            // Fit in quarter zoom steps: a whole step halves the content, so a whole-step
            // fit left the features a third of a desk map once the legend's and tools'
            // padding was taken off (the zoom buttons still step by one).
            map.options.zoomSnap = 0.25;
            map.attributionControl.setPrefix(false);
            map.attributionControl.addAttribution({{ this.data_attr }});
            // Who moved the map: the user (any pointer, wheel or key in the map), or a
            // setView from elsewhere (zoom buttons, a tour stop, a shared link's view) stop
            // the fitting for good. The minimap's sync back to the map (MiniMapGuard marks
            // it) moves the map only when a person has just used the minimap itself: its
            // echo of a move of the main map otherwise set the map to the minimap's centre
            // and whole-step zoom (after a refit, and after a person's pan on a desk, which
            // then reran the page a second time).
            var miniAt = -Infinity;
            ['pointerdown', 'touchstart', 'wheel', 'keydown'].forEach(function(t) {
                map.getContainer().addEventListener(t, function(e) {
                    stopped = true;
                    map._atlasQuietView = null;
                    if (e.target && e.target.closest && e.target.closest('.leaflet-control-minimap')) miniAt = Date.now();
                }, true);
            });
            var setView = map.setView;
            map.setView = function() {
                if (map._atlasMiniSync && Date.now() - miniAt > 3000) return map;
                if (!ours) { stopped = true; map._atlasQuietView = null; }
                return setView.apply(map, arguments);
            };
            // A visible element's box relative to the map's container, or null.
            function box(el, cr) {
                if (!el || el.offsetParent === null || getComputedStyle(el).visibility === 'hidden') return null;
                var r = el.getBoundingClientRect();
                if (r.width === 0 || r.height === 0) return null;
                return {l: r.left - cr.left, t: r.top - cr.top, r: r.right - cr.left, b: r.bottom - cr.top};
            }
            function cornerBox(sel, cr) {  // the union of a corner's visible controls
                var u = null;
                map.getContainer().querySelectorAll(sel + ' > .leaflet-control').forEach(function(e) {
                    var b = box(e, cr);
                    if (!b) return;
                    u = u ? {l: Math.min(u.l, b.l), t: Math.min(u.t, b.t), r: Math.max(u.r, b.r),
                             b: Math.max(u.b, b.b)} : b;
                });
                return u;
            }
            // The padding that leaves the fitted features the most room. Each control in a
            // corner is kept clear either sideways (pad its side by its width) or
            // vertically (pad its edge by its height), whichever lets the fit zoom in
            // further: a phone's tall tool column pads the left, a collapsed legend button
            // pads the bottom instead of a whole strip of the narrow map's width.
            function bestPadding(w, h) {
                var cr = map.getContainer().getBoundingClientRect();
                var pad = 8;
                var attr = box(map.getContainer().querySelector('.leaflet-control-attribution'), cr);
                var legend = box(map.getContainer().querySelector('.atlas-legend-box'), cr);
                // the obstacles: [side padding option, vertical padding option]
                var obstacles = [];
                var tl = cornerBox('.leaflet-top.leaflet-left', cr);
                if (tl) obstacles.push([{left: tl.r}, {top: tl.b}]);
                var tr = cornerBox('.leaflet-top.leaflet-right', cr);
                if (tr) obstacles.push([{right: w - tr.l}, {top: tr.b}]);
                var bl = cornerBox('.leaflet-bottom.leaflet-left', cr);
                if (bl) obstacles.push([{left: bl.r}, {bottom: h - bl.t}]);
                if (legend) obstacles.push([{right: w - legend.l}, {bottom: h - legend.t}]);
                // the attribution strip runs along the bottom edge: always padded below
                var base = {left: 0, top: 0, right: 0, bottom: attr ? h - attr.t : 0};
                var best = null;
                for (var k = 0; k < (1 << obstacles.length); k++) {
                    var p = {left: base.left, top: base.top, right: base.right, bottom: base.bottom};
                    obstacles.forEach(function(o, i) {
                        var opt = o[(k >> i) & 1];
                        for (var side in opt) p[side] = Math.max(p[side], opt[side]);
                    });
                    var tlp = L.point(p.left + pad, p.top + pad), brp = L.point(p.right + pad, p.bottom + pad);
                    if (w - tlp.x - brp.x < w / 3 || h - tlp.y - brp.y < h / 3) continue;
                    var z = map.getBoundsZoom(bounds, false, tlp.add(brp));
                    if (!best || z > best.z) best = {z: z, tl: tlp, br: brp};
                }
                return best || {tl: L.point(pad, pad), br: L.point(pad, pad)};
            }
            function fit() {
                var c = map.getContainer();
                var w = c.clientWidth, h = c.clientHeight;
                if (w === 0 || h === 0) return;
                c.classList.toggle('atlas-narrow', w < narrowPx);
                if (map._atlasKeyPanel && !map._atlasKeyPanel.touched) map._atlasKeyPanel.set(w >= narrowPx);
                if (stopped) { map._atlasQuietView = null; map.invalidateSize(false); return; }
                ours = true;
                try {
                    map.invalidateSize(false);
                    var p = bestPadding(w, h);
                    map.fitBounds(bounds, {animate: false, paddingTopLeft: p.tl, paddingBottomRight: p.br});
                    // markers set apart on one spot (map_declutter) reach beyond their true
                    // places: pan so that the laid-out markers lie in the part of the map no
                    // control covers, or else inside the map's edges (the zoom stays: a
                    // smaller one merges more markers into larger rings)
                    var e = map._atlasSpreadNow ? map._atlasSpreadNow() : null;
                    if (e) {
                        var shift = function(lo, hi, flo, fhi) {
                            if (hi - lo > fhi - flo) return null;
                            return lo < flo ? flo - lo : (hi > fhi ? fhi - hi : 0);
                        };
                        var boxes = [[p.tl.x, p.tl.y, w - p.br.x, h - p.br.y], [8, 8, w - 8, h - 8]];
                        var dx = null, dy = null;
                        boxes.forEach(function(f) {
                            if (dx === null) dx = shift(e.l, e.r, f[0], f[2]);
                            if (dy === null) dy = shift(e.t, e.b, f[1], f[3]);
                        });
                        // never so far that a feature's true place leaves the free part
                        var nw = map.latLngToContainerPoint(bounds.getNorthWest());
                        var se = map.latLngToContainerPoint(bounds.getSouthEast());
                        var clamp = function(v, lo, hi) { return Math.min(Math.max(v || 0, Math.min(lo, 0)), Math.max(hi, 0)); };
                        dx = clamp(dx, boxes[0][0] - nw.x, boxes[0][2] - se.x);
                        dy = clamp(dy, boxes[0][1] - nw.y, boxes[0][3] - se.y);
                        if (dx || dy) map.panBy([-dx, -dy], {animate: false});
                    }
                    // the fitted view is the opening view for this frame: its report does
                    // not rerun the page (map_delivery's quiet opening view)
                    map._atlasQuietView = {z: map.getZoom(), c: map.getCenter()};
                    map._atlasFitted = w + 'x' + h;  // tests wait for this: the fit for the final size
                } finally { ours = false; }
            }
            map._atlasFit = fit;
            // the reset button returns to this same padded fit, and reports it: the page
            // then knows the view on screen again (exports, shared links)
            map._atlasHome = function() { stopped = false; fit(); map._atlasQuietView = null; };
            // Fit in the next frame, once the styles have arrived (the map's stylesheets are
            // links that load beside its script: a fit before them measured unstyled
            // controls); every later change of the frame's or a control corner's size
            // refits, and the fit for the same sizes is the same view.
            var pending = false, started = Date.now();
            function stylesReady() {  // a sheet that failed to load never blocks for long
                return Date.now() - started > 3000 || Array.prototype.every.call(
                    document.querySelectorAll('link[rel=stylesheet]'),
                    function(l) { return l.sheet !== null || l._atlasFailed; });
            }
            function schedule() {
                if (pending) return;
                pending = true;
                requestAnimationFrame(function() { pending = false; if (stylesReady()) fit(); });
            }
            document.querySelectorAll('link[rel=stylesheet]').forEach(function(l) {
                if (l.sheet !== null) return;
                l.addEventListener('load', schedule);
                l.addEventListener('error', function() { l._atlasFailed = true; schedule(); });
            });
            setTimeout(schedule, 3100);
            if (window.ResizeObserver) {
                var ro = new ResizeObserver(schedule);
                ro.observe(map.getContainer());
                map.getContainer().querySelectorAll('.leaflet-control-container > div').forEach(function(e) {
                    ro.observe(e);
                });
            }
            if (document.fonts && document.fonts.ready) { document.fonts.ready.then(schedule); }
            map.whenReady(schedule);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], lang: str = "zh"):
        super().__init__()
        self._name = "FitToContent"
        self.bounds = [[float(v) for v in corner] for corner in bounds]
        self.bounds_json = json.dumps(self.bounds)
        self.narrow_px = NARROW_PX
        # addAttribution takes HTML: the text is escaped, then JSON-quoted for the script
        self.data_attr = json.dumps(html.escape(translate("layout.attribution_data", lang)))


class Legend(MacroElement):
    """A legend as a Leaflet control with a show/hide button: open on a wide map, collapsed
    on a narrow one (``FitToContent`` decides until the user presses the button)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var legend = L.control({position: 'bottomright'});
            legend.onAdd = function() {
                var box = L.DomUtil.create('div', 'atlas-legend-box');
                var btn = L.DomUtil.create('button', 'atlas-legend-toggle', box);
                btn.type = 'button';
                var body = L.DomUtil.create('div', 'atlas-legend', box);
                body.innerHTML = {{ this.html_json }};
                var state = {touched: false, set: function(open) {
                    box.classList.toggle('atlas-legend-open', open);
                    btn.textContent = open ? {{ this.hide_json }} : {{ this.show_json }};
                    btn.setAttribute('aria-expanded', open ? 'true' : 'false');
                }};
                state.set(true);
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                L.DomEvent.on(btn, 'click', function() {
                    state.touched = true;
                    state.set(!box.classList.contains('atlas-legend-open'));
                });
                map._atlasKeyPanel = state;
                return box;
            };
            legend.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, lang: str = "zh"):
        super().__init__()
        self._name = "Legend"
        self.html_json = json.dumps(html_text)
        self.show_json = json.dumps(translate("layout.legend_show", lang))
        self.hide_json = json.dumps(translate("layout.legend_hide", lang))
