"""Which coordinate system a file is in: candidates from its coordinate ranges, confirmed by the editor."""


from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from geodata.geo import crs as crs_mod
from geodata.model.extent import HANGZHOU_EXTENT
from geodata.model.schema import WGS84

GCJ02 = "GCJ02"
BD09 = "BD09"
#: Datums without an EPSG code: coordinates in degrees, offset from WGS-84 by a published formula.
OFFSET_DATUMS = {GCJ02: crs_mod.gdf_gcj02_to_wgs84, BD09: crs_mod.gdf_bd09_to_wgs84}
_OFFSET_POINT = {GCJ02: crs_mod.gcj02_to_wgs84, BD09: crs_mod.bd09_to_wgs84}
#: CRS an editor may choose, in the order they are usually right for Hangzhou files.
CRS_CHOICES: tuple[str, ...] = (
    "EPSG:4326",
    "EPSG:4490",
    GCJ02,
    BD09,
    crs_mod.CGCS2000_GK_120E,  # EPSG:4549, CM 120E, no zone prefix
    crs_mod.CGCS2000_GK_ZONE40_PREFIXED,  # EPSG:4528, zone 40 with the prefix in the easting
    "EPSG:4548",  # CM 117E: the far west of Hangzhou (淳安, 建德)
    "EPSG:4527",  # zone 39 with prefix
)
#: Where a parcel of Hangzhou may lie (WGS-84 degrees, with a margin): (west, south, east, north).
HANGZHOU_BOUNDS = HANGZHOU_EXTENT

# -- 2. which CRS ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CrsCandidate:
    crs: str
    centre: tuple[float, float]  # WGS-84 lon/lat of the data's centre under this CRS
    in_hangzhou: bool


def to_wgs84(gdf: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """``gdf`` (coordinates as in the file) read as ``crs`` and converted to WGS-84."""
    if crs in OFFSET_DATUMS:
        return OFFSET_DATUMS[crs](gdf.set_crs(WGS84, allow_override=True))
    return gdf.set_crs(crs, allow_override=True).to_crs(WGS84)


def _centre(bounds: Sequence[float], crs: str) -> tuple[float, float]:
    x, y = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    if crs in _OFFSET_POINT:
        lon, lat = _OFFSET_POINT[crs](x, y)
        return float(lon), float(lat)
    probe = gpd.GeoSeries([shapely.Point(x, y)], crs=crs).to_crs(WGS84).iloc[0]
    return float(probe.x), float(probe.y)


def crs_candidates(bounds: Sequence[float], declared: str | None = None) -> list[CrsCandidate]:
    """The CRS that put data with these bounds in or near Hangzhou, most likely first.

    ``declared`` (the file's own CRS) comes first when its coordinates agree with it.

    >>> [c.crs for c in crs_candidates((120.0, 30.2, 120.1, 30.3))]
    ['EPSG:4326', 'EPSG:4490', 'GCJ02', 'BD09']
    >>> [c.crs for c in crs_candidates((40500000, 3340000, 40510000, 3350000))]
    ['EPSG:4528']
    >>> [c.crs for c in crs_candidates((500000, 3340000, 510000, 3350000))]  # CM 117E would put it in Anhui
    ['EPSG:4549']
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(np.isfinite([minx, miny, maxx, maxy])):
        return []
    if minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90:
        options = ["EPSG:4326", "EPSG:4490", GCJ02, BD09]
    elif minx >= 1e7:
        options = ["EPSG:4528", "EPSG:4527"]  # zone number in front of the easting
    else:
        options = [crs_mod.CGCS2000_GK_120E, "EPSG:4548"]
    if declared and declared not in options and declared.startswith("EPSG:"):
        options.insert(0, declared)
    elif declared in options:
        options.remove(declared)
        options.insert(0, declared)
    out = []
    for option in options:
        try:
            lon, lat = _centre((minx, miny, maxx, maxy), option)
        except Exception:  # coordinates this CRS cannot project: not a candidate
            continue
        if not (np.isfinite(lon) and np.isfinite(lat)):
            continue
        inside = (
            HANGZHOU_BOUNDS[0] <= lon <= HANGZHOU_BOUNDS[2]
            and HANGZHOU_BOUNDS[1] <= lat <= HANGZHOU_BOUNDS[3]
        )
        out.append(CrsCandidate(option, (lon, lat), inside))
    # Only CRS that put the data in Hangzhou are offered; a declared CRS that puts it
    # elsewhere is thereby dropped and the others are suggested instead.
    return [c for c in out if c.in_hangzhou]


def crs_label(crs: str) -> str:
    """A short name for a CRS choice (the page adds the explanation from the catalogue).

    >>> crs_label("EPSG:4549")
    'EPSG:4549 CGCS2000 / 3-degree Gauss-Kruger CM 120E'
    >>> crs_label("GCJ02"), crs_label("BD09")
    ('GCJ-02', 'BD-09')
    """
    if crs == GCJ02:
        return "GCJ-02"
    if crs == BD09:
        return "BD-09"
    try:
        return f"{crs} {CRS.from_user_input(crs).name}"
    except Exception:
        return crs




def candidate_distances(candidates: Sequence[CrsCandidate]) -> dict[str, float]:
    """How far (metres) each candidate puts the data's centre from where the first one puts it.

    The editor sees at a glance whether the choice matters: WGS-84 and CGCS2000 differ by
    centimetres, GCJ-02 (Amap) by about 500 m and BD-09 (Baidu) by about a kilometre.

    >>> d = candidate_distances(crs_candidates((120.0, 30.2, 120.1, 30.3)))
    >>> [round(d[k], -1) for k in ("EPSG:4326", "EPSG:4490")], 400 < d["GCJ02"] < 700, 700 < d["BD09"] < 1500
    ([0.0, 0.0], True, True)
    """
    if not candidates:
        return {}
    lon0, lat0 = candidates[0].centre
    return {c.crs: float(crs_mod.haversine_m(lon0, lat0, *c.centre)) for c in candidates}


def landing_points(
    frame: gpd.GeoDataFrame, candidates: Sequence[CrsCandidate], limit: int = 200
) -> gpd.GeoDataFrame:
    """Where each feature of the file would land under each candidate (one point per feature and CRS).

    Columns ``crs`` and ``feature`` (1-based), WGS-84 points: the preview draws them so the
    editor can see which choice puts the parcels on the right streets.
    """
    rows: list[dict] = []
    geoms: list = []
    sample = frame.geometry.iloc[:limit]  # enough to see the pattern; a map of 20,000 x 7 markers is not
    points = sample.representative_point() if len(sample) else sample
    base = gpd.GeoDataFrame(geometry=points.values, crs=None)
    for cand in candidates:
        try:
            moved = to_wgs84(base, cand.crs)
        except Exception:  # a CRS that cannot take these coordinates shows nothing
            continue
        for i, geom in enumerate(moved.geometry, start=1):
            if geom is not None and not geom.is_empty:
                rows.append({"crs": cand.crs, "feature": i})
                geoms.append(geom)
    return gpd.GeoDataFrame(rows, columns=["crs", "feature"], geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)
