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


class FitToContent(MacroElement):
    """Fit ``bounds`` ([[south, west], [north, east]]) after every size change until the map
    is moved by anything else; pad by the controls on screen; plain-text attribution."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var bounds = {{ this.bounds_json }};
            var narrowPx = {{ this.narrow_px }};
            var ours = false, stopped = false;
            map.attributionControl.setPrefix(false);
            map.attributionControl.addAttribution({{ this.data_attr }});
            // Who moved the map: the user (any pointer, wheel or key in the map), or a
            // setView from elsewhere (zoom buttons, a tour stop, a shared link's view) stop
            // the fitting for good. The minimap's sync back to the map is not a person:
            // while fitting it is ignored (its animated pan raced the fit and won).
            var miniSync = false;
            ['pointerdown', 'touchstart', 'wheel', 'keydown'].forEach(function(t) {
                map.getContainer().addEventListener(t, function() { stopped = true; }, true);
            });
            var setView = map.setView;
            map.setView = function() {
                // The minimap's echo is checked first: it runs inside our own fit too (the fit
                // moves the minimap, whose moveend sets the main map to its whole-step zoom:
                // a 9.5 fit became 10). A hidden minimap (narrow maps) is never a person.
                if (miniSync && (!stopped || map.getContainer().clientWidth < narrowPx)) return map;
                if (!ours) stopped = true;
                return setView.apply(map, arguments);
            };
            if (L.Control.MiniMap && !L.Control.MiniMap.prototype._atlasWrapped) {
                var onMini = L.Control.MiniMap.prototype._onMiniMapMoved;
                L.Control.MiniMap.prototype._onMiniMapMoved = function(e) {
                    miniSync = true;
                    try { return onMini.call(this, e); } finally { miniSync = false; }
                };
                L.Control.MiniMap.prototype._atlasWrapped = true;
            }
            function rect(sel) {
                var el = map.getContainer().querySelector(sel);
                if (!el || el.offsetParent === null) return {w: 0, h: 0};
                var r = el.getBoundingClientRect();
                return {w: r.width, h: r.height};
            }
            function fit() {
                var c = map.getContainer();
                var w = c.clientWidth, h = c.clientHeight;
                if (w === 0 || h === 0) return;
                c.classList.toggle('atlas-narrow', w < narrowPx);
                // Fit in quarter zoom steps: a whole step halves the content, so a whole-step
                // fit left the features a third of a desk map once the legend's and tools'
                // padding was taken off (the zoom buttons still step by one).
                map.options.zoomSnap = 0.25;
                if (map._atlasLegend && !map._atlasLegend.touched) map._atlasLegend.set(w >= narrowPx);
                if (stopped) { map.invalidateSize(false); return; }
                var size = w + 'x' + h;
                ours = true;
                try {
                    map.invalidateSize(false);
                    var tl = rect('.leaflet-top.leaflet-left');
                    var tr = rect('.leaflet-top.leaflet-right');
                    var legend = rect('.atlas-legend-box');
                    var attr = rect('.leaflet-control-attribution');
                    var bl = {w: 0, h: 0};  // the visible controls of the bottom-left corner
                    c.querySelectorAll('.leaflet-bottom.leaflet-left > .leaflet-control').forEach(function(e) {
                        if (e.offsetParent === null || getComputedStyle(e).visibility === 'hidden') return;
                        var r = e.getBoundingClientRect();
                        bl.h = Math.max(bl.h, c.getBoundingClientRect().bottom - r.top);
                    });
                    var pad = 8;
                    var left = Math.min(tl.w, w / 4) + pad;
                    var right = Math.min(Math.max(legend.w, tr.w), w / 4) + pad;
                    var bottom = Math.min(Math.max(legend.h + attr.h, bl.h), h / 2) + pad;
                    map.fitBounds(bounds, {animate: false, paddingTopLeft: [left, pad],
                                           paddingBottomRight: [right, bottom]});
                    map._atlasFitted = size;  // tests wait for this: the fit for the final size
                } finally { ours = false; }
            }
            map._atlasFit = fit;
            // the reset button returns to this same padded fit
            map._atlasHome = function() { stopped = false; fit(); };
            // Fit in the next frame, when styles and layout have settled (a fit run at
            // once measured controls not yet styled); size changes and late fonts refit.
            var pending = false;
            function schedule() {
                if (pending) return;
                pending = true;
                requestAnimationFrame(function() { pending = false; fit(); });
            }
            if (window.ResizeObserver) { new ResizeObserver(schedule).observe(map.getContainer()); }
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
                map._atlasLegend = state;
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
