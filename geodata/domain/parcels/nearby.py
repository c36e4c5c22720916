"""Geodesic distances from a parcel or point to the other layers, and landmarks to search from."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from geodata.domain.parcels.search import is_missing
from geodata.model.schema import METRIC_CRS, WGS84

# --------------------------------------------------------------------------------------------
# Distances
# --------------------------------------------------------------------------------------------

#: Layers :func:`nearest_features` looks in, in the order it lists them.
NEARBY_LAYERS: Final = ("areas", "innovation", "projects", "parcels")

_GEOD: Final = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Nearby:
    """A feature near a parcel, with its straight-line distance in metres."""

    layer: str
    id: str
    name_zh: str
    kind: str
    distance_m: float
    geometry_quality: str


def _wgs84(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    if geoms.crs is None:  # the atlas stores lon/lat: an untagged layer is taken to be WGS-84
        return geoms.set_crs(WGS84)
    return geoms.to_crs(WGS84)


def _distances_m(origin: BaseGeometry, geoms: gpd.GeoSeries) -> np.ndarray:
    """Geodesic distance (m) from ``origin`` (lon/lat) to each geometry; 0 where they touch, NaN if empty.

    The closest pair of points is found in the metric CRS (UTM 51N, whose shape distortion
    is far too small to pick a different pair); their distance is then measured on the
    ellipsoid, so point-to-point distances are exact geodesics.
    """
    if len(geoms) == 0:
        return np.zeros(0)
    wgs = _wgs84(geoms)
    metric = wgs.to_crs(METRIC_CRS)
    o = gpd.GeoSeries([origin], crs=WGS84).to_crs(METRIC_CRS).iloc[0]
    values = np.asarray(metric.values, dtype=object)
    valid = ~(shapely.is_missing(values) | shapely.is_empty(values))
    out = np.full(len(values), np.nan)
    if o is None or o.is_empty or not valid.any():
        return out
    lines = shapely.shortest_line(o, values[valid])
    ends = gpd.GeoSeries(
        np.concatenate([shapely.get_point(lines, 0), shapely.get_point(lines, 1)]), crs=METRIC_CRS
    ).to_crs(WGS84)
    n = int(valid.sum())
    lon, lat = ends.x.to_numpy(), ends.y.to_numpy()
    _, _, dist = _GEOD.inv(lon[:n], lat[:n], lon[n:], lat[n:])
    dist = np.array(dist, dtype=float)
    dist[shapely.intersects(o, values[valid])] = 0.0  # inside or touching: exactly 0, not a rounding residue
    out[valid] = dist
    return out


def _text(v) -> str:
    return "" if is_missing(v) else str(v)


def nearest_features(
    parcel_geom: BaseGeometry, layers: dict[str, gpd.GeoDataFrame], per_layer: int = 3
) -> list[Nearby]:
    """The ``per_layer`` nearest features of each of :data:`NEARBY_LAYERS` to a parcel.

    Other layers in ``layers`` are ignored; a layer that is absent is skipped. In the
    ``parcels`` layer the parcel itself (a feature with an equal geometry) is left out.

    Parameters
    ----------
    parcel_geom : shapely geometry
        The parcel's geometry, lon/lat (WGS-84).
    layers : dict of str to geopandas.GeoDataFrame
        Layer name -> layer (columns ``id``, ``name_zh``, ``kind``, ``geometry_quality``).
    per_layer : int, optional

    Returns
    -------
    list of Nearby
        Sorted by layer (in :data:`NEARBY_LAYERS` order), then by distance.

    Examples
    --------
    >>> from shapely import Point
    >>> inst = gpd.GeoDataFrame({"id": ["u1", "u2"], "name_zh": ["甲大学", "乙研究院"],
    ...     "kind": ["university", "institute"], "geometry_quality": ["indicative"] * 2},
    ...     geometry=[Point(120.01, 30.0), Point(120.001, 30.0)], crs="EPSG:4326")
    >>> [(n.id, round(n.distance_m)) for n in nearest_features(Point(120, 30), {"innovation": inst})]
    [('u2', 96), ('u1', 965)]
    """
    out: list[Nearby] = []
    for name in NEARBY_LAYERS:
        layer = layers.get(name)
        if layer is None or len(layer) == 0 or per_layer <= 0:
            continue
        dist = _distances_m(parcel_geom, layer.geometry)
        candidates = ~np.isnan(dist)
        if name == "parcels":
            same = shapely.equals(np.asarray(_wgs84(layer.geometry).values, dtype=object), parcel_geom)
            candidates &= ~np.asarray(same, dtype=bool)
        idx = np.flatnonzero(candidates)
        idx = idx[np.argsort(dist[idx], kind="stable")][:per_layer]
        cols = layer.columns
        for i in idx:
            row = layer.iloc[i]
            out.append(
                Nearby(
                    layer=name,
                    id=_text(row["id"]) if "id" in cols else "",
                    name_zh=_text(row["name_zh"]) if "name_zh" in cols else "",
                    kind=_text(row["kind"]) if "kind" in cols else "",
                    distance_m=float(dist[i]),
                    geometry_quality=_text(row["geometry_quality"]) if "geometry_quality" in cols else "",
                )
            )
    return out


def within_radius(lon: float, lat: float, parcels: gpd.GeoDataFrame, radius_m: float) -> gpd.GeoDataFrame:
    """The parcels within ``radius_m`` metres of a point, nearest first, with a ``distance_m`` column.

    Parameters
    ----------
    lon, lat : float
        The point, WGS-84 degrees.
    parcels : geopandas.GeoDataFrame
    radius_m : float
        Inclusive; a negative or NaN radius selects nothing.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of the selected rows (index kept), ties in their original order.

    Raises
    ------
    ValueError
        If ``lon`` or ``lat`` is not a finite number.

    Examples
    --------
    >>> from shapely import Point
    >>> g = gpd.GeoDataFrame({"id": ["far", "near"]}, geometry=[Point(120.02, 30), Point(120.005, 30)],
    ...     crs="EPSG:4326")
    >>> r = within_radius(120, 30, g, 1000)
    >>> r["id"].tolist(), r["distance_m"].round().tolist()
    (['near'], [482.0])
    """
    if not (math.isfinite(float(lon)) and math.isfinite(float(lat))):
        raise ValueError(f"the centre must be finite lon/lat degrees, not ({lon!r}, {lat!r})")
    dist = _distances_m(shapely.Point(float(lon), float(lat)), parcels.geometry)
    out = parcels.copy()
    out["distance_m"] = dist
    keep = np.flatnonzero(~np.isnan(dist) & (dist <= radius_m))
    keep = keep[np.argsort(dist[keep], kind="stable")]
    return out.iloc[keep]


def landmarks(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, tuple[float, float]]:
    """Name -> (lon, lat) of every platform, park and innovation source, to centre a radius search on.

    Polygons give their representative point (always inside). The first feature of a name wins.

    Examples
    --------
    >>> from shapely import Point, box
    >>> areas = gpd.GeoDataFrame({"name_zh": ["云栖小镇", "紫金港科技城"]},
    ...     geometry=[Point(120.1, 30.1), box(120.0, 30.2, 120.2, 30.4)], crs="EPSG:4326")
    >>> {k: (round(lon, 6), round(lat, 6)) for k, (lon, lat) in landmarks({"areas": areas}).items()}
    {'云栖小镇': (120.1, 30.1), '紫金港科技城': (120.1, 30.3)}
    """
    out: dict[str, tuple[float, float]] = {}
    for name in ("areas", "innovation"):
        layer = layers.get(name)
        if layer is None or len(layer) == 0 or "name_zh" not in layer.columns:
            continue
        for label, geom in zip(layer["name_zh"], _wgs84(layer.geometry), strict=True):
            if is_missing(label) or geom is None or geom.is_empty or str(label) in out:
                continue
            p = geom if geom.geom_type == "Point" else geom.representative_point()
            out[str(label)] = (float(p.x), float(p.y))
    return out


