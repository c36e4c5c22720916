"""What of a large parcel layer the map needs at the current view: pure functions.

Measured (``bench/run.py``, figures in ``bench/results/latest.md``): the time of a folium map
in Streamlit grows with the features sent, on the server (template, regex and hash over
the script) as much as in the browser. So the map never gets more than ``budget``
features: when the filtered parcels fit, all of them (the default data always does, and
is drawn exactly as before); otherwise only those in view, simplified to the pixel size
of the zoom; and when even those do not fit, counts on a grid of map cells (clusters).

Parcels are located by one anchor point each (the point itself, or a point inside the
polygon), kept as a numpy array: a bounding-box test over 100,000 anchors is a vector
comparison of well under a millisecond, so no tree index is needed for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

#: Most features the map draws one by one; above it, what is in view is counted per cell.
FEATURE_BUDGET = 400
#: Side of an aggregation cell on screen, in CSS pixels.
CELL_PX = 90
TILE_PX = 256


@dataclass(frozen=True)
class Bounds:
    """A map view in WGS-84 degrees."""

    south: float
    west: float
    north: float
    east: float

    def padded(self, share: float) -> Bounds:
        """The view grown by ``share`` of its size on every side (a small pan stays covered).

        Examples
        --------
        >>> Bounds(30.0, 120.0, 30.2, 120.2).padded(0.5)
        Bounds(south=29.9, west=119.9, north=30.3, east=120.3)
        """
        dy, dx = (self.north - self.south) * share, (self.east - self.west) * share
        return Bounds(
            round(self.south - dy, 9),
            round(self.west - dx, 9),
            round(self.north + dy, 9),
            round(self.east + dx, 9),
        )


def bounds_from_map(out: dict | None) -> Bounds | None:
    """The view in ``st_folium``'s returned dict (``bounds``), or None if absent or malformed.

    Examples
    --------
    >>> bounds_from_map({"bounds": {"_southWest": {"lat": 30.1, "lng": 120.0},
    ...                             "_northEast": {"lat": 30.4, "lng": 120.3}}})
    Bounds(south=30.1, west=120.0, north=30.4, east=120.3)
    >>> bounds_from_map({"bounds": {"_southWest": {"lat": None, "lng": None}}}) is None
    True
    >>> bounds_from_map(None) is None
    True
    """
    b = (out or {}).get("bounds")
    try:
        sw, ne = b["_southWest"], b["_northEast"]
        vals = [float(sw["lat"]), float(sw["lng"]), float(ne["lat"]), float(ne["lng"])]
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in vals) or vals[0] >= vals[2] or vals[1] >= vals[3]:
        return None
    return Bounds(*vals)


def anchors(parcels: gpd.GeoDataFrame) -> np.ndarray:
    """One (lon, lat) per parcel: the point itself, or a point inside its polygon.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> g = gpd.GeoDataFrame(geometry=[Point(120, 30), box(120, 30, 120.2, 30.2)], crs=4326)
    >>> anchors(g).round(2).tolist()
    [[120.0, 30.0], [120.1, 30.1]]
    """
    geoms = parcels.geometry.to_numpy()
    if len(geoms) == 0:
        return np.empty((0, 2))
    is_point = shapely.get_type_id(geoms) == 0
    pts = np.where(is_point, geoms, shapely.point_on_surface(geoms))
    return shapely.get_coordinates(pts).reshape(-1, 2)


def in_view(xy: np.ndarray, bounds: Bounds) -> np.ndarray:
    """Boolean mask of the anchors inside ``bounds``.

    Examples
    --------
    >>> in_view(np.array([[120.1, 30.1], [121.0, 30.1]]), Bounds(30, 120, 30.2, 120.2)).tolist()
    [True, False]
    """
    x, y = xy[:, 0], xy[:, 1]
    return (x >= bounds.west) & (x <= bounds.east) & (y >= bounds.south) & (y <= bounds.north)


def degrees_per_pixel(zoom: float) -> float:
    """Longitude degrees one screen pixel spans at a web-mercator zoom level.

    Examples
    --------
    >>> degrees_per_pixel(0) == 360 / 256
    True
    """
    return 360.0 / (TILE_PX * 2.0**zoom)


def grid_counts(xy: np.ndarray, zoom: float, cell_px: int = CELL_PX) -> pd.DataFrame:
    """Anchors counted per square map cell of ``cell_px`` pixels at ``zoom``.

    Each cell is placed at the mean of its anchors (so a cell of one parcel sits on it).
    Returns columns ``lon``, ``lat``, ``count``, largest count first.

    Examples
    --------
    >>> xy = np.array([[120.001, 30.001], [120.002, 30.002], [120.5, 30.5]])
    >>> grid_counts(xy, zoom=10)[["count"]].to_dict("list")
    {'count': [2, 1]}
    """
    if len(xy) == 0:
        return pd.DataFrame({"lon": [], "lat": [], "count": []})
    cell = degrees_per_pixel(zoom) * cell_px
    ix = np.floor(xy / cell).astype(np.int64)
    keys = ix[:, 0] * (1 << 32) + ix[:, 1]  # one integer per cell: a 1-D unique is ~5x faster
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    lon = np.bincount(inverse, weights=xy[:, 0]) / counts
    lat = np.bincount(inverse, weights=xy[:, 1]) / counts
    out = pd.DataFrame({"lon": lon.round(6), "lat": lat.round(6), "count": counts})
    return out.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def simplify_for_zoom(geoms: gpd.GeoSeries, zoom: float) -> gpd.GeoSeries:
    """Outlines simplified with a tolerance of half a screen pixel at ``zoom``, topology kept
    (measured: never more than a pixel off, i.e. invisible).

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> wiggly = Polygon([(120, 30), (120.0001, 30.05), (120, 30.1), (120.1, 30.1), (120.1, 30)])
    >>> len(simplify_for_zoom(gpd.GeoSeries([wiggly]), 8).iloc[0].exterior.coords)
    5
    """
    return geoms.simplify(degrees_per_pixel(zoom) / 2, preserve_topology=True)


@dataclass(frozen=True)
class LayerPlan:
    """What the map draws for the filtered parcels.

    ``mode`` is ``"all"`` (every filtered parcel, as before), ``"view"`` (those in view,
    simplified) or ``"cells"`` (counts per cell). ``features`` are the parcels drawn one by
    one (empty for cells), ``cells`` the counts (empty otherwise), ``in_view`` how many
    filtered parcels the view holds, ``total`` how many passed the filters.
    """

    mode: Literal["all", "view", "cells"]
    features: gpd.GeoDataFrame
    cells: pd.DataFrame
    in_view: int
    total: int


def plan_layer(
    parcels: gpd.GeoDataFrame,
    xy: np.ndarray,
    bounds: Bounds | None,
    zoom: float | None,
    budget: int = FEATURE_BUDGET,
) -> LayerPlan:
    """Decide what to draw for ``parcels`` (filtered; ``xy`` their anchors) at this view.

    Without a view yet (first draw) the whole layer counts as in view.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"id": list("abc")}, geometry=[Point(120, 30), Point(120.01, 30), Point(121, 31)], crs=4326)
    >>> plan_layer(g, anchors(g), None, 10).mode
    'all'
    >>> p = plan_layer(g, anchors(g), Bounds(29.9, 119.9, 30.1, 120.1), 10, budget=2)
    >>> p.mode, list(p.features["id"]), p.in_view, p.total
    ('view', ['a', 'b'], 2, 3)
    >>> p = plan_layer(g, anchors(g), None, 8, budget=2)
    >>> p.mode, p.cells["count"].sum(), len(p.features)
    ('cells', np.int64(3), 0)
    """
    total = len(parcels)
    no_cells = pd.DataFrame({"lon": [], "lat": [], "count": []})
    if total <= budget:
        return LayerPlan("all", parcels, no_cells, total, total)
    z = 10.0 if zoom is None else float(zoom)
    mask = np.ones(total, dtype=bool) if bounds is None else in_view(xy, bounds)
    count = int(mask.sum())
    if count <= budget:
        shown = parcels[mask].copy()
        shown["geometry"] = simplify_for_zoom(shown.geometry, z)
        return LayerPlan("view", shown, no_cells, count, total)
    return LayerPlan("cells", parcels.iloc[0:0], grid_counts(xy[mask], z), count, total)


def subset_anchors(xy: np.ndarray, index: pd.Index, subset: pd.Index) -> np.ndarray:
    """The anchors of ``subset`` (rows of a frame whose full index is ``index``), in its order.

    Examples
    --------
    >>> subset_anchors(np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]), pd.RangeIndex(3), pd.Index([2, 0])).tolist()
    [[3.0, 3.0], [1.0, 1.0]]
    """
    return xy[index.get_indexer(subset)]


def near_candidates(
    parcels: gpd.GeoDataFrame, xy: np.ndarray, lon: float, lat: float, radius_m: float, margin_m: float = 2000
) -> gpd.GeoDataFrame:
    """The parcels whose anchor lies in a box around (lon, lat) that holds every parcel
    within ``radius_m``, ``margin_m`` covering how far an outline reaches from its anchor.

    A cheap first cut before exact distances, which cost ~0.8 s over 100,000 parcels.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"id": ["near", "far"]}, geometry=[Point(120.01, 30), Point(121, 30)], crs=4326)
    >>> list(near_candidates(g, anchors(g), 120.0, 30.0, 5000)["id"])
    ['near']
    """
    reach = radius_m + margin_m
    dlat = reach / 111_320.0
    dlon = reach / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
    return parcels[in_view(xy, Bounds(lat - dlat, lon - dlon, lat + dlat, lon + dlon))]


def capped_choices(ids: list[str] | pd.Series, picked: list[str], limit: int) -> list[str]:
    """Choices for a picker over ``ids``: all of them up to ``limit``, else the picked ones
    and the first ``limit`` (a list of 100,000 options would itself slow every rerun).

    Examples
    --------
    >>> capped_choices(["a", "b", "c"], [], 5)
    ['a', 'b', 'c']
    >>> capped_choices(["a", "b", "c"], ["c"], 1)
    ['c', 'a']
    """
    if len(ids) <= limit:
        return list(ids)
    taken = set(picked)
    head = [i for i in list(ids[: limit + len(picked)]) if i not in taken][:limit]
    return [*picked, *head]


def zoom_from_map(out: dict | None, default: float | None) -> float | None:
    """The zoom in ``st_folium``'s returned dict, else ``default``.

    Read from the value the component sent before this rerun, so the layer is planned for
    the view the user sees now (not the one of the run before).

    Examples
    --------
    >>> zoom_from_map({"zoom": 12}, 9), zoom_from_map({"zoom": None}, 9), zoom_from_map(None, None)
    (12.0, 9, None)
    """
    z = (out or {}).get("zoom")
    return float(z) if isinstance(z, int | float) and math.isfinite(z) else default
