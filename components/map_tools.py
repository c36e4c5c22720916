"""Map tools people expect, every file served by the app (no CDN).

``add_map_tools`` adds to an atlas map: fullscreen, a measure tool (distance in m / km,
area in 亩 and m²), a minimap (only with a basemap), the cursor's WGS-84 coordinates and a
"复位" button back to the opening view. Leaflet's own scale bar is switched on by the map
(``control_scale=True``).

Each plugin's ``default_js`` / ``default_css`` is pointed, per instance, at the copies
vendored from the npm registry under ``static/vendor/<package>/`` (licences next to them);
CSS ``url(...)`` references there are relative and resolve to vendored images too.

Left out on purpose: geolocation ("locate") needs a secure context (HTTPS or localhost),
a network location service on desktops and Font Awesome icons; drawing duplicates the
area measure and leaflet-draw 1.0.2 throws on rectangle drawing with Leaflet 1.9.
"""

from __future__ import annotations

import json

import folium
from branca.element import MacroElement
from folium.map import FitBounds
from folium.plugins import Fullscreen, MeasureControl, MiniMap, MousePosition
from folium.template import Template
from folium.utilities import JsCode

from components.assets import STATIC_URL
from geodata.text.i18n import translate

VENDOR_URL = f"{STATIC_URL}/vendor"

#: npm package → (version, licence, licence file): what ``static/vendor/<package>`` holds.
VENDORED = {
    "leaflet.fullscreen": ("3.0.0", "MIT", "LICENSE"),
    "leaflet-measure": ("2.1.7", "MIT", "LICENSE"),
    "leaflet-minimap": ("3.6.1", "BSD-2-Clause", "LICENSE.txt"),
    "leaflet-mouse-position": ("1.2.0", "MIT", "MIT-LICENCE.txt"),
}

# Same names as folium's defaults, so a figure never loads a plugin twice.
FULLSCREEN_JS = [("Control.Fullscreen.js", f"{VENDOR_URL}/leaflet.fullscreen/Control.FullScreen.js")]
FULLSCREEN_CSS = [("Control.FullScreen.css", f"{VENDOR_URL}/leaflet.fullscreen/Control.FullScreen.css")]
MEASURE_JS = [("leaflet_measure_js", f"{VENDOR_URL}/leaflet-measure/leaflet-measure.min.js")]
MEASURE_CSS = [("leaflet_measure_css", f"{VENDOR_URL}/leaflet-measure/leaflet-measure.css")]
MINIMAP_JS = [("Control_MiniMap_js", f"{VENDOR_URL}/leaflet-minimap/Control.MiniMap.min.js")]
MINIMAP_CSS = [("Control_MiniMap_css", f"{VENDOR_URL}/leaflet-minimap/Control.MiniMap.min.css")]
MOUSE_POSITION_JS = [
    ("Control_MousePosition_js", f"{VENDOR_URL}/leaflet-mouse-position/L.Control.MousePosition.js")
]
MOUSE_POSITION_CSS = [
    ("Control_MousePosition_css", f"{VENDOR_URL}/leaflet-mouse-position/L.Control.MousePosition.css")
]

#: 1 亩 = 10000/15 m², so an area in m² times this factor is the area in 亩.
MU_PER_SQUARE_METRE = 15 / 10_000

#: leaflet-measure unit definitions (factor is relative to metres / square metres).
MEASURE_UNITS = {
    "mu": {"factor": MU_PER_SQUARE_METRE, "display": "亩", "decimals": 2},
    "sqmeters": {"factor": 1, "display": "m²", "decimals": 0},
    "meters": {"factor": 1, "display": "米", "decimals": 0},
    "kilometers": {"factor": 0.001, "display": "公里", "decimals": 3},
}

# The plugin's own formatter would drop trailing zeros; always show five decimals.
MOUSE_FORMATTER = JsCode(
    "function(lng, lat) { return 'WGS-84 经度 ' + lng.toFixed(5) + '  纬度 ' + lat.toFixed(5); }"
)


def measure_units(lang: str) -> dict:
    """``MEASURE_UNITS`` with display names in ``lang`` (亩 is "mu" in English)."""
    return {k: {**v, "display": translate(f"map.tools.unit_{k}", lang)} for k, v in MEASURE_UNITS.items()}


def mouse_formatter(lang: str) -> JsCode:
    """The cursor-coordinates formatter with its words in ``lang`` (five decimals always)."""
    lon, lat = (json.dumps(translate(f"map.tools.{w}", lang) + " ") for w in ("lon", "lat"))
    return JsCode(
        f"function(lng, lat) {{ return 'WGS-84 ' + {lon} + lng.toFixed(5) + '  ' + {lat} + lat.toFixed(5); }}"
    )


class ToolsStyle(MacroElement):
    """A little CSS for the tools (in the page header; streamlit-folium keeps inline styles).

    Selectors are more specific than the plugins' own, which may load after this."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-bar a.atlas-reset-view { width: auto; min-width: 30px; padding: 0 6px;
          font: 600 13px/30px "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif; }
        .leaflet-container .leaflet-bottom .leaflet-control-mouseposition,
        .leaflet-container .leaflet-top .leaflet-control-mouseposition { margin: 0 0 4px 10px; padding: 1px 6px;
          border-radius: 3px; font: 12px/1.5 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
          font-variant-numeric: tabular-nums; }
        .leaflet-control-measure, .leaflet-measure-resultpopup .leaflet-popup-content {
          font-family: "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}{% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "MapToolsStyle"


class ResetView(MacroElement):
    """A "复位" button that fits the map to ``bounds`` again.

    With ``bounds=None`` it returns to whatever the map opens on: the last ``fit_bounds``
    of the map at render time, else the map's location and zoom. Rendering reads the map,
    never changes it.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var home = {{ this.home_json }};
            var Reset = L.Control.extend({
                options: {position: {{ this.position|tojson }}},
                onAdd: function(map) {
                    var bar = L.DomUtil.create('div', 'leaflet-bar leaflet-control');
                    var a = L.DomUtil.create('a', 'atlas-reset-view', bar);
                    a.href = '#';
                    a.setAttribute('role', 'button');
                    a.title = {{ this.title|tojson }};
                    a.setAttribute('aria-label', {{ this.title|tojson }});
                    a.textContent = {{ this.label|tojson }};
                    L.DomEvent.disableClickPropagation(bar);
                    L.DomEvent.on(a, 'click', function(e) {
                        L.DomEvent.preventDefault(e);
                        if (map._atlasHome) { map._atlasHome(); }
                        else if (home.bounds) { map.fitBounds(home.bounds, home.options); }
                        else { map.setView(home.center, home.zoom); }
                    });
                    return bar;
                }
            });
            return new Reset().addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        bounds: list[list[float]] | None = None,
        label: str = "复位",
        title: str = "回到初始视图",
        position: str = "topleft",
    ):
        super().__init__()
        self._name = "ResetView"
        self.bounds = [[float(v) for v in corner] for corner in bounds] if bounds is not None else None
        self.label = label
        self.title = title
        self.position = position

    @property
    def home(self) -> dict:
        """Where the button goes: ``{"bounds", "options"}`` or ``{"center", "zoom"}``."""
        if self.bounds is not None:
            return {"bounds": self.bounds, "options": {}}
        parent = self._parent
        fits = [c for c in getattr(parent, "_children", {}).values() if isinstance(c, FitBounds)]
        if fits:
            return {"bounds": fits[-1].bounds, "options": fits[-1].options}
        return {"center": list(parent.location), "zoom": parent.options.get("zoom", 1)}

    @property
    def home_json(self) -> str:
        return json.dumps(self.home)


class LocalMeasureControl(MeasureControl):
    """folium's MeasureControl with the same script, less its comment linking to GitHub
    (the rendered map names no outside address but tile templates)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = new L.Control.Measure(
                {{ this.options|tojavascript }});
            {{ this._parent.get_name() }}.addControl({{ this.get_name() }});
            // leaflet-measure 2.1.7 with Leaflet >= 1.8 (leaflet-measure issue 171):
            // no autopan on the capture marker.
            L.Control.Measure.include({
                _setCaptureMarkerIcon: function () {
                    this._captureMarker.options.autoPanOnFocus = false;
                    this._captureMarker.setIcon(
                        L.divIcon({iconSize: this._map.getSize().multiplyBy(2)})
                    );
                },
            });
        {% endmacro %}
        """
    )


def _local(plugin: MacroElement, js: list, css: list) -> MacroElement:
    plugin.default_js = list(js)
    plugin.default_css = list(css)
    return plugin


def add_map_tools(
    m: folium.Map,
    home_bounds: list[list[float]] | None,
    minimap_tiles: str | None,
    lang: str = "zh",
) -> folium.Map:
    """Add fullscreen, measure, minimap, cursor coordinates and "复位" to ``m``; all local.

    ``home_bounds`` is ``[[south, west], [north, east]]`` for the reset button; ``None``
    means "the view the map opens on" (its last ``fit_bounds``, looked up when the map is
    rendered, so the tools can be added before the map is fitted). ``minimap_tiles`` is a
    tile URL template (or a folium tile name); ``None`` (no basemap / offline) leaves the
    minimap out rather than showing grey tiles.
    """
    _local(
        Fullscreen(
            position="topleft",
            title=translate("map.tools.fullscreen", lang),
            title_cancel=translate("map.tools.fullscreen_exit", lang),
        ),
        FULLSCREEN_JS,
        FULLSCREEN_CSS,
    ).add_to(m)
    ToolsStyle().add_to(m)
    ResetView(
        home_bounds, label=translate("map.tools.reset", lang), title=translate("map.tools.reset_title", lang)
    ).add_to(m)
    _local(
        LocalMeasureControl(
            position="topright",
            primary_length_unit="meters",
            secondary_length_unit="kilometers",
            primary_area_unit="mu",
            secondary_area_unit="sqmeters",
            units=measure_units(lang),
            localization="en" if lang == "en" else "cn",
            active_color="#c0392b",
            completed_color="#1f618d",
        ),
        MEASURE_JS,
        MEASURE_CSS,
    ).add_to(m)
    _local(
        MousePosition(
            position="bottomleft",
            empty_string=translate("map.tools.mouse_empty", lang),
            formatter=mouse_formatter(lang),
        ),
        MOUSE_POSITION_JS,
        MOUSE_POSITION_CSS,
    ).add_to(m)
    if minimap_tiles is not None:
        # The minimap draws no attribution; folium still wants one for custom tile URLs.
        is_url = "{z}" in minimap_tiles or "://" in minimap_tiles
        tiles = folium.TileLayer(minimap_tiles, attr="minimap" if is_url else None)
        _local(
            MiniMap(
                tiles,
                position="bottomleft",  # bottom right holds the atlas legend
                width=130,
                height=130,
                zoom_level_offset=-5,
                toggle_display=True,
                hide_text=translate("map.tools.minimap_hide", lang),
                show_text=translate("map.tools.minimap_show", lang),
            ),
            MINIMAP_JS,
            MINIMAP_CSS,
        ).add_to(m)
    return m
