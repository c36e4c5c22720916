"""The import preview map: what an import will add (green), change (orange) and remove (red)."""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd

from components.map import _base_map, for_display

ACTION_COLORS = {"add": "#27ae60", "change": "#e67e22", "remove": "#c0392b"}


#: Space (pixels) kept free around the parcels when the map fits them: the offline notice
#: and the zoom buttons sit at the map's edges.
FIT_PADDING = (40, 40)
BEFORE_COLOR = "#555555"
#: Room (pixels) for the landing map's open list of candidate datums on the right.
LEGEND_WIDTH = 360
CANDIDATE_COLORS = ("#1f77b4", "#9467bd", "#e67e22", "#c0392b", "#17becf", "#8c564b", "#7f7f7f")


def _fit(m: folium.Map, gdf: gpd.GeoDataFrame, right: int = FIT_PADDING[0]) -> None:
    if len(gdf):
        minx, miny, maxx, maxy = gdf.total_bounds
        m.fit_bounds(
            [[miny, minx], [maxy, maxx]],
            max_zoom=16,
            padding_top_left=FIT_PADDING,
            padding_bottom_right=(right, FIT_PADDING[1]),
        )


def build_preview_map(
    plan_geoms: gpd.GeoDataFrame,
    labels: dict[str, str],
    districts: gpd.GeoDataFrame | None = None,
    basemap: str = "osm",
    before: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """One layer per action, fitted to the parcels with padding; tooltips are escaped text from the file.

    ``labels`` maps each action (and ``"before"``) to its legend text (translated by the page).
    ``before`` holds the stored outline of every parcel whose outline changes: drawn dashed,
    with how far it moves, beside its new outline.

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
    if before is not None and len(before):
        old = for_display(before, basemap)
        tips = [
            html.escape(f"{labels.get('before', 'before')}: {r.get('id') or ''} ({r.get('moved_m') or 0:,.0f} m)")
            for _, r in old.iterrows()
        ]
        folium.GeoJson(
            json.loads(gpd.GeoDataFrame({"tip": tips}, geometry=old.geometry.values, crs=old.crs).to_json(drop_id=True)),
            name=html.escape(labels.get("before", "before")),
            style_function=lambda _f: {"color": BEFORE_COLOR, "weight": 2, "dashArray": "6 4", "fillOpacity": 0.05},
            marker=folium.CircleMarker(radius=6, color=BEFORE_COLOR, fill=False, dash_array="4 3"),
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        ).add_to(m)
        shown = gpd.GeoDataFrame(
            geometry=[*shown.geometry.values, *old.geometry.values], crs=old.crs
        )
    _fit(m, shown)
    return m


def build_landing_map(points: gpd.GeoDataFrame, label, chosen: str, basemap: str = "osm") -> folium.Map:  # type: ignore[no-untyped-def]
    """Where the file's features land under each candidate datum, one colour per candidate.

    ``points`` comes from ``geodata.ingest.landing_points`` (columns ``crs``, ``feature``);
    ``label`` names a CRS; the ``chosen`` one is drawn larger.

    >>> from shapely.geometry import Point
    >>> p = gpd.GeoDataFrame({"crs": ["EPSG:4326", "GCJ02"], "feature": [1, 1]},
    ...                      geometry=[Point(120.1, 30.3), Point(120.095, 30.302)], crs="EPSG:4326")
    >>> "GCJ02" in build_landing_map(p, str, "EPSG:4326").get_root().render()
    True
    """
    m = _base_map(basemap, None)
    shown = for_display(points, basemap) if len(points) else points
    for i, crs in enumerate(dict.fromkeys(shown["crs"]) if len(shown) else []):
        part = shown[shown["crs"] == crs]
        color = CANDIDATE_COLORS[i % len(CANDIDATE_COLORS)]
        group = folium.FeatureGroup(name=html.escape(str(label(crs))))
        for _, r in part.iterrows():
            folium.CircleMarker(
                location=[r.geometry.y, r.geometry.x],
                radius=8 if crs == chosen else 5,
                color=color,
                fill=True,
                fill_opacity=0.8 if crs == chosen else 0.4,
                tooltip=html.escape(f"{label(crs)} · #{r['feature']}"),
            ).add_to(group)
        group.add_to(m)
    if len(shown):
        folium.LayerControl(collapsed=False).add_to(m)
    _fit(m, shown, right=LEGEND_WIDTH)  # the open legend (top right) must not hide any point
    return m
