"""The atlas map: ``build_*`` return folium objects (pure), ``render_map`` shows one.

Habits (see conventions): the base map is built from the data alone, so it does not
change when the user clicks; what changes with a click (the highlight) travels as a
separate feature group through ``st_folium(feature_group_to_add=...)``, so a click
never rebuilds or flickers the map.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Hashable

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.map import FitBounds
from folium.template import Template
from folium.utilities import JsCode

from components import folium_render
from components.assets import use_local_assets
from components.basemaps import GCJ02, OFFLINE, Basemap, basemaps
from components.map_declutter import Declutter
from components.map_fit import LAYOUT_CSS, FitToContent, Legend, MiniMapGuard
from components.map_tools import add_map_tools
from geodata.geo.crs import gcj02_to_wgs84, gdf_wgs84_to_gcj02, wgs84_to_gcj02
from geodata.geo.styles import (  # one place for colours: the exported pictures use the same
    CLASS_COLORS,
    DISTRICT_FILL_OPACITY,
    DISTRICT_WEIGHT,
    MAP_BACKGROUND,
    NO_DATA_COLOR,
    OFFLINE_FILL,
    POINT_DASH,
    POINT_FILL_OPACITY,
    POLYGON_DASH,
    POLYGON_FILL_OPACITY,
    PROJECT_DASHED_UNITS,
    PROJECT_FILL_OPACITY,
    PROJECT_STROKE,
    STYLES,
    LayerStyle,
    dash_array,
    project_radius,
)
from geodata.model.extent import HANGZHOU_CENTER
from geodata.model.schema import FOCUS_DISTRICTS
from geodata.text.formats import place, unit_text
from geodata.text.i18n import translate


def _catalogue(basemap: str) -> Basemap:
    catalogue = basemaps(_tianditu_key())
    if basemap not in catalogue:
        raise ValueError(f"unknown basemap {basemap!r}")
    return catalogue[basemap]


def _tianditu_key() -> str | None:
    from components.basemaps import tianditu_key

    return tianditu_key()


def for_display(gdf: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """A layer in the coordinates its basemap is drawn in: GCJ-02 over Amap, else unchanged."""
    return gdf_wgs84_to_gcj02(gdf) if _catalogue(basemap).crs == GCJ02 else gdf


def to_display_point(lat: float, lng: float, basemap: str) -> tuple[float, float]:
    """A WGS-84 point as drawn over ``basemap`` (lat, lng)."""
    if _catalogue(basemap).crs == GCJ02:
        lon2, lat2 = wgs84_to_gcj02(lng, lat)
        return float(lat2), float(lon2)
    return lat, lng


def from_display_point(lat: float, lng: float, basemap: str) -> tuple[float, float]:
    """A point read back from the map (a click, the centre) in WGS-84 (lat, lng).

    Examples
    --------
    >>> from_display_point(30.25, 120.15, "osm")
    (30.25, 120.15)
    >>> lat, lng = from_display_point(*to_display_point(30.25, 120.15, "amap"), "amap")
    >>> round(lat, 7), round(lng, 7)
    (30.25, 120.15)
    """
    if _catalogue(basemap).crs == GCJ02:
        lon2, lat2 = gcj02_to_wgs84(lng, lat)
        return float(lat2), float(lon2)
    return lat, lng


#: The feature kinds the catalogue names (``map.kind.*``); another kind gets no label.
KNOWN_KINDS = frozenset(
    {"district", "platform", "park", "supply_site", "project", "university", "institute", "lab"}
)


def tooltip_html(props: dict, lang: str = "zh") -> str:
    """Tooltip HTML for a feature; every text from the data is escaped.

    Examples
    --------
    >>> tooltip_html({"name_zh": "<img src=x onerror=alert(1)>", "kind": "park"})
    '<b>&lt;img src=x onerror=alert(1)&gt;</b><br>园区'
    >>> tooltip_html({"name_zh": "云栖小镇", "kind": "platform", "geometry_quality": "indicative"}, "en")
    '<b>Yunqi Town</b><br>Platform · indicative location'
    """
    name = html.escape(place(props.get("name_zh", ""), lang))
    parts = [f"<b>{name}</b>"]
    kind = props.get("kind")
    extra = translate(f"map.kind.{kind}", lang) if kind in KNOWN_KINDS else ""
    if props.get("geometry_quality") == "indicative":
        indicative = translate("map.indicative", lang)
        extra = f"{extra} · {indicative}" if extra else indicative
    if extra:
        parts.append(html.escape(extra))
    return "<br>".join(parts)


#: The only properties sent to the browser: what styling, tooltips and clicks need.
BROWSER_PROPERTIES = ("id", "name_zh", "kind", "district", "geometry_quality")


def _with_tooltips(gdf: gpd.GeoDataFrame, layer: str, lang: str = "zh") -> dict:
    """GeoJSON dict of a layer with a pre-escaped ``_tip`` and a ``_layer`` property.

    Only ``BROWSER_PROPERTIES`` travel: descriptions, quotes and source URLs stay on the
    server (they are shown on the card), which keeps the map small.
    """
    gdf = gdf.copy()
    if "kind" not in gdf.columns:
        gdf["kind"] = "district" if layer in ("districts", "context") else layer
    gdf = gdf[[c for c in BROWSER_PROPERTIES if c in gdf.columns] + ["geometry"]]
    gdf["_tip"] = [tooltip_html(r, lang) for r in gdf.drop(columns="geometry").to_dict("records")]
    gdf["_layer"] = layer
    return json.loads(gdf.to_json(drop_id=True))


def _class_js(layer: str) -> JsCode:
    # className must be set before the path is created; onEachFeature runs before that.
    return JsCode(f"function(feature, layer) {{ layer.options.className = 'atlas-{layer}'; }}")


def _point_style(style: LayerStyle, quality: str) -> dict:
    dashed = quality == "indicative"
    return {
        "color": style.color,
        "weight": 2,
        "fill": True,  # folium.CircleMarker() defaults to fill=False: an unfilled ring is hard to click
        "fillColor": style.color,
        "fillOpacity": POINT_FILL_OPACITY["indicative" if dashed else "other"],
        "radius": style.radius,
        "dashArray": dash_array(POINT_DASH) if dashed else None,
    }


def _district_style(feature: dict) -> dict:
    focus = feature["properties"]["name_zh"] in FOCUS_DISTRICTS
    s = STYLES["focus" if focus else "districts"]
    return {
        "color": s.color,
        "weight": DISTRICT_WEIGHT["focus" if focus else "other"],
        "fillColor": s.color,
        "fillOpacity": DISTRICT_FILL_OPACITY["focus" if focus else "other"],
    }


def _feature_style(style: LayerStyle):
    def fn(feature: dict) -> dict:
        props = feature["properties"]
        if feature["geometry"]["type"] in ("Point", "MultiPoint"):
            return _point_style(style, props.get("geometry_quality", ""))
        return {
            "color": style.color,
            "weight": 2,
            "fillColor": style.color,
            "fillOpacity": POLYGON_FILL_OPACITY,
            "dashArray": dash_array(POLYGON_DASH) if props.get("geometry_quality") == "indicative" else None,
        }

    return fn


def _geojson_layer(
    gdf: gpd.GeoDataFrame, layer: str, name: str, style_fn, show: bool = True, lang: str = "zh"
) -> folium.GeoJson:
    data = _with_tooltips(gdf, layer, lang)
    return folium.GeoJson(
        data,
        name=name,
        style_function=style_fn,
        highlight_function=lambda f: {"weight": 4, "fillOpacity": 0.25},
        tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
        marker=folium.CircleMarker(),
        on_each_feature=_class_js(layer),
        show=show,
    )


def legend_html(lang: str = "zh") -> str:
    """The legend: one row per layer, and what a dashed outline means."""
    rows = []
    for key in ("focus", "districts", "areas", "parcels", "projects", "innovation"):
        s = STYLES[key]
        swatch = (
            f'<span style="display:inline-block;width:12px;height:12px;border:2px solid {s.color};'
            f"background:{s.color}33;border-radius:{'50%' if key not in ('focus', 'districts') else '2px'};"
            'margin-right:6px;vertical-align:middle"></span>'
        )
        rows.append(f"<div>{swatch}{html.escape(s.label(lang))}</div>")
    rows.append(
        '<div style="margin-top:4px"><span style="display:inline-block;width:12px;height:12px;'
        'border:2px dashed #555;border-radius:50%;margin-right:6px;vertical-align:middle"></span>'
        f"{html.escape(translate('map.legend.dashed', lang))}</div>"
    )
    return (
        f'<div class="atlas-legend-title">{html.escape(translate("map.legend.title", lang))}</div>'
        + "".join(rows)
    )


LEGEND_CSS = f"""
<style>
.leaflet-container {{ background: {MAP_BACKGROUND}; }}
/* a clicked SVG path keeps keyboard focus; its rectangular focus ring hides the highlight */
.leaflet-container path.leaflet-interactive:focus {{ outline: none; }}
.atlas-legend {{ padding: 0 10px 8px; font: 13px/1.5 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
  color:#222; }}
.atlas-legend-title {{ font-weight: 600; margin-bottom: 2px; }}
.leaflet-container.atlas-offline {{ background: {OFFLINE_FILL}; }}
/* offline, the minimap would show the same unreachable tiles: hidden by the class, which
   holds whenever the minimap is (re)drawn (hidden, not display:none: see map_fit) */
.atlas-offline .leaflet-control-minimap {{ visibility: hidden !important; }}
.atlas-district-label {{ font: 600 12px/18px "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
  color: #5d6d7e; text-align: center; white-space: nowrap; text-shadow: 0 0 3px #fff, 0 0 3px #fff; }}
.atlas-offline-notice {{ background: #fff8e1; padding: 0 4px; color: #6d4c00; }}
</style>
"""


class OfflineFallback(MacroElement):
    """Shows the offline basemap when the tile server cannot be reached (or always, if forced).

    Watches the tile layers: if tiles fail and none has loaded, the tile layers are
    removed, the offline basemap is added and a notice says the map is offline.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var offline = {{ this.offline_name }};
            var tiles = [{% for t in this.tile_names %}{{ t }}{% if not loop.last %}, {% endif %}{% endfor %}];
            // The notice joins the attribution strip at the map's edge: a box over the map
            // hid the tools on a phone; the fit keeps features clear of the strip.
            function notice(text) {
                var span = document.createElement('span');
                span.className = 'atlas-offline-notice';
                span.textContent = text;
                map.attributionControl.addAttribution(span.outerHTML);
                if (map._atlasFit) map._atlasFit();
            }
            function goOffline(text) {
                if (map.hasLayer(offline)) return;
                tiles.forEach(function(t) { map.removeLayer(t); });
                // the minimap shows the same unreachable tiles: hide it too
                // (hidden, not display:none: a minimap whose size changes recentres the map)
                map.getContainer().querySelectorAll('.leaflet-control-minimap').forEach(function(e) {
                    e.style.visibility = 'hidden';
                });
                offline.addTo(map);
                map.getContainer().classList.add('atlas-offline');
                notice(text);
            }
            if (tiles.length === 0) { goOffline({{ this.forced_text }}); return; }
            var loaded = 0, failed = 0;
            tiles.forEach(function(t) {
                t.on('tileload', function() { loaded += 1; });
                t.on('tileerror', function() {
                    failed += 1;
                    if (loaded === 0 && failed >= 3) goOffline({{ this.auto_text }});
                });
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, offline: folium.FeatureGroup, tiles: list[folium.TileLayer], lang: str = "zh"):
        super().__init__()
        self._name = "OfflineFallback"
        self.offline_name = offline.get_name()
        self.tile_names = [t.get_name() for t in tiles]
        self.forced_text = json.dumps(translate("map.offline.forced", lang))
        self.auto_text = json.dumps(translate("map.offline.auto", lang))


def _offline_basemap(districts: gpd.GeoDataFrame, lang: str = "zh") -> folium.FeatureGroup:
    """District names from the shipped data: with the district outlines every atlas map
    already draws, a basemap that needs no server. (The pack has no water layer.)

    Only the labels live here — the outlines are not drawn twice, which keeps the map's
    script, sent on every rerun, small. Not added to the map here: the fallback script
    shows it when tiles fail, or at once when it is the chosen basemap.
    """
    fg = folium.FeatureGroup(name=translate("map.offline.name", lang), control=False, show=False)
    for name, pt in zip(districts["name_zh"], districts.representative_point(), strict=True):
        folium.Marker(
            [pt.y, pt.x],
            icon=folium.DivIcon(html=f'<div class="atlas-district-label">{html.escape(place(name, lang))}</div>',
                                icon_size=(80, 18), icon_anchor=(40, 9)),
            interactive=False,
        ).add_to(fg)  # fmt: skip
    return fg


def _base_map(basemap: str, districts: gpd.GeoDataFrame | None = None, lang: str = "zh") -> folium.Map:
    """An empty atlas map: local Leaflet, the legend CSS, the basemap's tiles and the
    offline fallback (district outlines and names from ``districts``, in display coordinates)."""
    bm = _catalogue(basemap)
    m = folium.Map(location=HANGZHOU_CENTER, zoom_start=9, tiles=None, control_scale=True)
    use_local_assets(m)
    m.get_root().header.add_child(folium.Element(LEGEND_CSS + LAYOUT_CSS))
    tiles = []
    for src in bm.tiles:
        layer = folium.TileLayer(
            src.url, attr=src.attribution, name=bm.label(lang), max_zoom=src.max_zoom,
            subdomains=src.subdomains, control=False,
        )  # fmt: skip
        layer.add_to(m)
        tiles.append(layer)
    minimap = (
        bm.tiles[0].url
        if bm.tiles and ("{s}" not in bm.tiles[0].url or bm.tiles[0].subdomains == "abc")
        else None
    )
    # before the tools: the minimap binds its handlers when added (MiniMapGuard)
    MiniMapGuard().add_to(m)
    add_map_tools(m, None, minimap, lang=lang)
    Declutter().add_to(m)  # markers on one spot at the city zoom are set apart
    if districts is not None:
        offline = _offline_basemap(districts, lang)
        offline.add_to(m)  # created hidden (show=False); the fallback shows it when needed
        OfflineFallback(offline, tiles, lang).add_to(m)
    return m


def _fit_focus(
    m: folium.Map, districts: gpd.GeoDataFrame, lang: str = "zh", content: list | None = None
) -> None:
    # Open on the three focus districts, where every site, zone and project lies;
    # the other districts stay in view around them as context. Without animation: an
    # animated opening fit ends a moment later and undoes a pan, zoom or click made
    # meanwhile (seen in browser tests).
    b = districts[districts["name_zh"].isin(FOCUS_DISTRICTS)].total_bounds
    fit = FitBounds([[b[1], b[0]], [b[3], b[2]]])
    fit.options["animate"] = False
    m.add_child(fit)
    # ...and again once the frame has its real size (on a phone it has not, yet), on the
    # features themselves where there are any: on a narrow phone the districts' box
    # leaves them a thumbnail.
    shown = [g for g in (content or []) if len(g)]
    if shown:
        xs = [g.total_bounds for g in shown]
        b = [min(x[0] for x in xs), min(x[1] for x in xs), max(x[2] for x in xs), max(x[3] for x in xs)]
    FitToContent([[b[1], b[0]], [b[3], b[2]]], lang).add_to(m)


def build_overview_map(
    layers: dict[str, gpd.GeoDataFrame],
    basemap: str = "osm",
    lang: str = "zh",
    fit_also: list[gpd.GeoDataFrame] | None = None,
) -> folium.Map:
    """The overview map: districts, zones and parks, supply sites, projects, innovation sources.

    ``layers`` maps layer names (``schema.LAYERS``) to WGS-84 GeoDataFrames. Only Leaflet
    from ``/app/static`` is loaded; the map is the same for every click.
    """
    layers = {name: for_display(gdf, basemap) for name, gdf in layers.items()}
    m = _base_map(basemap, layers["districts"], lang)

    if "context" in layers:
        city = layers["context"][layers["context"]["adcode"] == "330100"]
        folium.GeoJson(
            json.loads(city.to_json(drop_id=True)),
            name=translate("map.city_boundary", lang),
            style_function=lambda f: {"color": "#34495e", "weight": 2, "fill": False},
            interactive=False,
            control=False,
        ).add_to(m)

    _geojson_layer(
        layers["districts"], "districts", STYLES["districts"].label(lang), _district_style, lang=lang
    ).add_to(m)
    for key in ("areas", "parcels", "projects", "innovation"):
        if key in layers and len(layers[key]):
            _geojson_layer(
                layers[key], key, STYLES[key].label(lang), _feature_style(STYLES[key]), lang=lang
            ).add_to(m)

    Legend(legend_html(lang), lang).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    content = [layers[k] for k in ("areas", "parcels", "projects", "innovation") if k in layers]
    content += [for_display(g, basemap) for g in fit_also or []]  # drawn later, in a feature group
    _fit_focus(m, layers["districts"], lang, content)
    return m


def build_highlight(
    feature_gdf: gpd.GeoDataFrame, basemap: str = "osm", lang: str = "zh"
) -> folium.FeatureGroup:
    """The changing part of the map: an outline around the selected area."""
    fg = folium.FeatureGroup(name=translate("map.selected", lang))
    if len(feature_gdf):
        feature_gdf = for_display(feature_gdf, basemap)
        folium.GeoJson(
            json.loads(feature_gdf[["geometry"]].to_json(drop_id=True)),
            style_function=lambda f: {"color": "#f1c40f", "weight": 5, "fill": False},
            # a selected point gets a ring around its marker, not a default pin
            marker=folium.CircleMarker(radius=15),
            interactive=False,
            on_each_feature=_class_js("highlight"),
        ).add_to(fg)
    return fg


def render_map(
    m: folium.Map | Callable[[], folium.Map],
    highlight: folium.FeatureGroup | None,
    key: str,
    height: int = 620,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    returned_objects: tuple[str, ...] = ("last_active_drawing", "last_object_clicked"),
    cache_key: Hashable | None = None,
) -> dict:
    """Show a map in Streamlit; return what the user clicked (streamlit-folium's dict).

    ``m`` is the base map or a function building it; with a ``cache_key`` naming all it
    depends on, it is built and rendered once for every session (``folium_render``) and
    only ``highlight`` is rendered per run. ``center``/``zoom`` move the existing map (no
    rebuild); ``returned_objects`` limits which interactions rerun the page.
    """
    build = m if callable(m) and not isinstance(m, folium.Map) else (lambda: m)
    parts = folium_render.base_parts(build, cache_key)
    return folium_render.show(
        parts,
        highlight,
        key=key,
        height=height,
        returned_objects=list(returned_objects),
        center=list(center) if center else None,
        zoom=zoom,
    )


def class_labels(bins: list[float], distinct: bool, unit: str, lang: str = "zh") -> list[str]:
    """Legend text per class: exact values when each value is its own class, else ranges.

    Examples
    --------
    >>> class_labels([5.0, 10.0], True, "亿元")
    ['5 亿元', '10 亿元']
    >>> class_labels([10.0, 100.0], False, "亿元")
    ['≤ 10 亿元', '10 – 100 亿元']
    >>> class_labels([10.0, 100.0], False, "亿元", "en")
    ['≤ 10 × 100 million yuan', '10 – 100 × 100 million yuan']
    """
    from geodata.domain.figures import format_number

    words = unit_text(unit, lang)
    unit = f"× {words}" if lang == "en" and words[:1].isdigit() else words

    if distinct:
        return [f"{format_number(b)} {unit}" for b in bins]
    out, low = [], None
    for b in bins:
        out.append(
            f"≤ {format_number(b)} {unit}"
            if low is None
            else f"{format_number(low)} – {format_number(b)} {unit}"
        )
        low = b
    return out


def _legend_rows(title: str, entries: list[tuple[str, str]]) -> str:
    rows = [f'<div class="atlas-legend-title">{html.escape(title)}</div>']
    for color, text in entries:
        rows.append(
            f'<div><span style="display:inline-block;width:14px;height:12px;background:{color};'
            f'border:1px solid #666;margin-right:6px;vertical-align:middle"></span>{html.escape(text)}</div>'
        )
    return "".join(rows)


def build_choropleth_map(
    layers: dict[str, gpd.GeoDataFrame],
    values: dict[str, tuple[float, int | None]],
    labels: list[str],
    title: str,
    basemap: str = OFFLINE,
    lang: str = "zh",
) -> folium.Map:
    """Districts (and platform points) coloured by class; grey where no source gives a value.

    ``values`` maps an area name to (value, class index or None); ``labels`` are the
    legend texts per class, with units.
    """
    layers = {name: for_display(gdf, basemap) for name, gdf in layers.items()}
    m = _base_map(basemap, layers["districts"], lang)

    def color_of(name: str) -> str:
        cls = values.get(name, (float("nan"), None))[1]
        return NO_DATA_COLOR if cls is None else CLASS_COLORS[min(int(cls), len(CLASS_COLORS) - 1)]

    folium.GeoJson(
        _with_tooltips(layers["districts"], "districts", lang),
        name=STYLES["districts"].label(lang),
        style_function=lambda f: {
            "color": "#555",
            "weight": 1,
            "fillColor": color_of(f["properties"]["name_zh"]),
            "fillOpacity": 0.85,
        },
        tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
        on_each_feature=_class_js("districts"),
    ).add_to(m)
    areas = layers["areas"]
    with_value = areas[[values.get(n, (None, None))[1] is not None for n in areas["name_zh"]]]
    if len(with_value):
        folium.GeoJson(
            _with_tooltips(with_value, "areas", lang),
            name=STYLES["areas"].label(lang),
            style_function=lambda f: {
                "color": "#222",
                "weight": 1.5,
                "fill": True,
                "fillColor": color_of(f["properties"]["name_zh"]),
                "fillOpacity": 0.95,
                "radius": 9,
            },
            marker=folium.CircleMarker(),
            tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
            on_each_feature=_class_js("areas"),
        ).add_to(m)
    entries = [(CLASS_COLORS[i], text) for i, text in enumerate(labels[: len(CLASS_COLORS)])]
    entries.append((NO_DATA_COLOR, translate("map.legend.no_data", lang)))
    Legend(_legend_rows(title, entries), lang).add_to(m)
    _fit_focus(m, layers["districts"], lang, [areas])
    return m


def build_projects_map(
    layers: dict[str, gpd.GeoDataFrame], basemap: str = OFFLINE, lang: str = "zh"
) -> folium.Map:
    """Projects as circles sized by investment within each currency (never converted)."""

    layers = {name: for_display(gdf, basemap) for name, gdf in layers.items()}
    m = _base_map(basemap, layers["districts"], lang)
    folium.GeoJson(
        _with_tooltips(layers["districts"], "districts", lang),
        style_function=_district_style,
        interactive=False,
        control=False,
    ).add_to(m)
    projects = layers["projects"].copy()
    radius = {}
    for unit, group in projects.groupby(projects["investment_unit"].fillna("")):
        top = group["investment_value"].max()
        for pid, v in zip(group["id"], group["investment_value"], strict=True):
            radius[pid] = project_radius(None if pd_isna(v) else v, top, bool(unit))
    dashed = {unit: dash_array(d) for unit, d in PROJECT_DASHED_UNITS.items()}
    data = _with_tooltips(projects, "projects", lang)
    units = dict(zip(projects["id"], projects["investment_unit"].fillna(""), strict=True))
    folium.GeoJson(
        data,
        name=STYLES["projects"].label(lang),
        style_function=lambda f: {
            "color": PROJECT_STROKE,
            "weight": 2,
            "fill": True,
            "fillColor": STYLES["projects"].color,
            "fillOpacity": PROJECT_FILL_OPACITY,
            "radius": radius[f["properties"]["id"]],
            "dashArray": dashed.get(units[f["properties"]["id"]]),
        },
        marker=folium.CircleMarker(),
        tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
        on_each_feature=_class_js("projects"),
    ).add_to(m)
    Legend(
        f'<div class="atlas-legend-title">{html.escape(STYLES["projects"].label(lang))}</div>'
        + "".join(
            f"<div>{html.escape(translate(f'map.projects_legend.{k}', lang))}</div>"
            for k in ("size", "lines", "smallest")
        ),
        lang,
    ).add_to(m)
    _fit_focus(m, layers["districts"], lang, [projects])
    return m


def pd_isna(v) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def build_parcel_base_map(
    layers: dict[str, gpd.GeoDataFrame], basemap: str = "osm", lang: str = "zh"
) -> folium.Map:
    """The explorer's map without parcels: they change with the filters, so they travel in
    a feature group (``build_parcels_group``) and filtering never rebuilds this map."""
    return build_overview_map(
        {**layers, "parcels": layers["parcels"].iloc[0:0]}, basemap, lang, fit_also=[layers["parcels"]]
    )


def build_parcels_group(
    parcels: gpd.GeoDataFrame, selected: str | None, basemap: str = "osm", lang: str = "zh"
) -> folium.FeatureGroup:
    """The filtered parcels (clickable, same style as on the overview) and the selection ring."""
    fg = folium.FeatureGroup(name=STYLES["parcels"].label(lang))
    parcels = for_display(parcels, basemap)
    if len(parcels):
        _geojson_layer(
            parcels, "parcels", STYLES["parcels"].label(lang), _feature_style(STYLES["parcels"]), lang=lang
        ).add_to(fg)
    if selected is not None and selected in set(parcels["id"]):
        # already in display coordinates: the ring is drawn as given
        for child in build_highlight(
            parcels[parcels["id"] == selected][["geometry"]], "osm"
        )._children.values():
            child.add_to(fg)
    return fg


def build_layers_group(
    layers: dict[str, gpd.GeoDataFrame],
    names: tuple[str, ...],
    highlight: gpd.GeoDataFrame,
    basemap: str = "osm",
    name: str = "tour",
    lang: str = "zh",
) -> folium.FeatureGroup:
    """Whole layers plus a highlight ring in one feature group: what a tour stop shows over
    a base map that stays the same, so stepping through a tour never rebuilds the map."""
    fg = folium.FeatureGroup(name=name)
    for key in names:
        gdf = for_display(layers[key], basemap)
        if len(gdf):
            _geojson_layer(gdf, key, STYLES[key].label(lang), _feature_style(STYLES[key]), lang=lang).add_to(
                fg
            )
    if len(highlight):
        for child in build_highlight(highlight[["geometry"]], basemap, lang)._children.values():
            child.add_to(fg)
    return fg
