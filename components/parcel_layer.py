"""The parcel explorer's map layer at any size: every parcel, those in view, or counts per cell.

``geodata.geo.viewport.plan_layer`` decides; this module draws the decision as the folium
feature group that ``st_folium`` swaps in place (``feature_group_to_add``), so neither
a filter change nor a pan rebuilds the map. The default data (5 parcels) is drawn by
``components.map.build_parcels_group`` exactly as before.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.utilities import JsCode

from components.map import build_highlight, build_parcels_group, from_display_point, to_display_point
from geodata.geo.viewport import FEATURE_BUDGET, Bounds, LayerPlan, plan_layer
from geodata.text.i18n import translate

CELL_LAYER = "parcel_cells"
#: How far beyond the visible map parcels are sent, as a share of the view on each side:
#: a small pan shows parcels at once, before the rerun it triggers has answered.
VIEW_PADDING = 0.5
#: Zoom levels a click on a cell count adds.
CELL_ZOOM_STEP = 2

# Each cell is a Leaflet marker whose icon shows its count; the count is a number the
# server formatted, never text from the data, and is set as textContent all the same.
_CELL_ICON_JS = JsCode(
    """function(feature, layer) {
        var n = feature.properties.count, d = n >= 1000 ? 54 : n >= 100 ? 44 : 36;
        var el = document.createElement('div');
        el.textContent = feature.properties.label;
        // styled inline: a feature group's own HTML (a <style>) never reaches the map frame
        el.style.cssText = 'width:100%;height:100%;display:flex;align-items:center;justify-content:center;'
            + 'border-radius:50%;background:rgba(192,57,43,.78);color:#fff;font:600 12px/1 sans-serif;'
            + 'border:2px solid #fff;box-shadow:0 0 3px rgba(0,0,0,.4);box-sizing:border-box;cursor:pointer';
        layer.setIcon(L.divIcon({className: 'atlas-parcel-cell', html: el, iconSize: [d, d]}));
    }"""
)


def _cells_geojson(cells: pd.DataFrame, basemap: str, zoom: int) -> dict:
    # the zoom travels with each cell: a click on the same spot one level further in is
    # a new value for st_folium (an identical one would not rerun the page)
    features = []
    for lon, lat, count in cells[["lon", "lat", "count"]].itertuples(index=False):
        dlat, dlon = to_display_point(float(lat), float(lon), basemap)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(dlon, 6), round(dlat, 6)]},
                "properties": {
                    "_layer": CELL_LAYER,
                    "count": int(count),
                    "label": f"{int(count):,}",
                    "z": zoom,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def build_scaled_parcels_group(
    parcels: gpd.GeoDataFrame,
    xy: np.ndarray,
    selected: str | None,
    basemap: str,
    bounds: Bounds | None,
    zoom: float | None,
    budget: int = FEATURE_BUDGET,
    lang: str = "zh",
) -> tuple[folium.FeatureGroup, LayerPlan]:
    """The feature group for the filtered ``parcels`` (``xy``: their anchors) at this view."""
    plan = plan_layer(parcels, xy, bounds.padded(VIEW_PADDING) if bounds else None, zoom, budget)
    if plan.mode != "cells":
        return build_parcels_group(plan.features, selected, basemap, lang), plan
    fg = folium.FeatureGroup(name=CELL_LAYER)
    folium.GeoJson(
        _cells_geojson(plan.cells, basemap, int(zoom if zoom is not None else 10)),
        name=CELL_LAYER,
        marker=folium.Marker(icon=folium.DivIcon(html="")),
        on_each_feature=_CELL_ICON_JS,
    ).add_to(fg)
    if selected is not None and selected in set(parcels["id"]):
        # the chosen parcel stays marked while its neighbours are counted
        ring = build_highlight(parcels[parcels["id"] == selected][["geometry"]], basemap, lang)
        for child in ring._children.values():
            child.add_to(fg)
    return fg, plan


def cell_click_target(out: dict | None, zoom: float | None) -> tuple[tuple[float, float], int] | None:
    """Where a click on a count cell takes the map: (display lat, lng) and a closer zoom
    (two levels in from the zoom the cell was drawn at; ``zoom`` if it does not say).

    Examples
    --------
    >>> cell_click_target({"last_active_drawing": {"properties": {"_layer": "parcel_cells", "z": 9},
    ...     "geometry": {"type": "Point", "coordinates": [120.1, 30.2]}}}, 12)
    ((30.2, 120.1), 11)
    >>> cell_click_target({"last_active_drawing": {"properties": {"_layer": "parcels"}}}, 9) is None
    True
    """
    drawing = (out or {}).get("last_active_drawing")
    props = drawing.get("properties") if isinstance(drawing, dict) else None
    if not isinstance(props, dict) or props.get("_layer") != CELL_LAYER:
        return None
    try:
        lon, lat = (float(v) for v in drawing["geometry"]["coordinates"][:2])
        at_zoom = int(props.get("z", zoom or 10))
    except (KeyError, TypeError, ValueError):
        return None
    return (lat, lon), min(18, at_zoom + CELL_ZOOM_STEP)


def layer_notice(plan: LayerPlan, lang: str) -> str | None:
    """One line saying what the map shows when it does not draw every filtered parcel."""
    if plan.mode == "view":
        return translate("scale.notice.view", lang, shown=f"{len(plan.features):,}", total=f"{plan.total:,}")
    if plan.mode == "cells":
        return translate(
            "scale.notice.cells",
            lang,
            shown=f"{plan.in_view:,}",
            cells=f"{len(plan.cells):,}",
            total=f"{plan.total:,}",
        )
    return None


def display_bounds_to_wgs84(bounds: Bounds | None, basemap: str) -> Bounds | None:
    """The view read from the map in WGS-84 (over Amap the map is drawn in GCJ-02)."""
    if bounds is None:
        return None
    s, w = from_display_point(bounds.south, bounds.west, basemap)
    n, e = from_display_point(bounds.north, bounds.east, basemap)
    return Bounds(s, w, n, e)
