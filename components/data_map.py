"""The import preview map: what an import will add (green), change (orange) and remove (red)."""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd

from components.map import _base_map, for_display

ACTION_COLORS = {"add": "#27ae60", "change": "#e67e22", "remove": "#c0392b"}


def build_preview_map(
    plan_geoms: gpd.GeoDataFrame,
    labels: dict[str, str],
    districts: gpd.GeoDataFrame | None = None,
    basemap: str = "osm",
) -> folium.Map:
    """One layer per action, fitted to the parcels; tooltips are escaped text from the file.

    ``labels`` maps each action to its legend text (translated by the page).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"action": ["add"], "parcel_code": ["<b>x</b>"], "name_zh": ["甲"]},
    ...                      geometry=[Point(120.1, 30.3)], crs="EPSG:4326")
    >>> html_text = build_preview_map(g, {"add": "新增"}).get_root().render()
    >>> "lt;b&gt;x" in html_text.replace("\\\\u0026", "&") and "<b>x</b>" not in html_text
    True
    """
    m = _base_map(basemap, for_display(districts, basemap) if districts is not None else None)
    shown = for_display(plan_geoms, basemap) if len(plan_geoms) else plan_geoms
    for action, color in ACTION_COLORS.items():
        part = shown[shown["action"] == action] if len(shown) else shown
        if not len(part):
            continue
        tips = [
            html.escape(
                f"{labels.get(action, action)}: {r.get('parcel_code') or ''} {r.get('name_zh') or ''}"
            )
            for _, r in part.iterrows()
        ]
        data = gpd.GeoDataFrame({"tip": tips}, geometry=part.geometry.values, crs=part.crs)
        folium.GeoJson(
            json.loads(data.to_json(drop_id=True)),
            name=html.escape(labels.get(action, action)),
            style_function=lambda _f, c=color: {"color": c, "weight": 3, "fillColor": c, "fillOpacity": 0.35},
            marker=folium.CircleMarker(radius=8, color=color, fill=True, fill_opacity=0.6),
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        ).add_to(m)
    if len(shown):
        minx, miny, maxx, maxy = shown.total_bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]], max_zoom=16)
    return m
