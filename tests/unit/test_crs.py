"""Numerical tests of geodata.geo.crs (GCJ-02 <-> WGS-84, geometry helpers, haversine)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon

from geodata.geo import crs
from geodata.geo.crs import (
    gcj02_to_wgs84,
    gdf_gcj02_to_wgs84,
    gdf_wgs84_to_gcj02,
    haversine_m,
    transform_geometry,
    wgs84_to_gcj02,
)

# Hangzhou (all 13 districts/counties) with a margin
HZ_LON = (118.3, 120.8)
HZ_LAT = (29.2, 30.6)
ROUND_TRIP_LIMIT_M = 0.5

# Published (WGS-84, GCJ-02) pairs as (lon, lat), (lon, lat).
#  * eviltransform test vectors (github.com/googollee/eviltransform, python/test.py,
#    go/transform_test.go and the other language ports: "# wgsLat, wgsLng, gcjLat, gcjLng").
#  * coordtransform (github.com/wandergis/coordtransform, test/app.js):
#    wgs84togcj02(116.404, 39.915) -> [116.41024449916938, 39.91640428150164].
PUBLISHED_PAIRS = {
    "eviltransform Shanghai": ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    "eviltransform Shenzhen": ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    "eviltransform Beijing": ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    "coordtransform Beijing": ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
}

# Outside the rectangle of the standard algorithm (72.004-137.8347 E, 0.8293-55.8271 N):
# returned unchanged both ways. Denver, Brisbane and Rio de Janeiro are the edge cases of
# eviltransform's matlab test suite; then London, and one point beyond each side of the box.
OUTSIDE_CHINA = [
    (-104.9903, 39.7392),
    (153.0251, -27.4698),
    (-43.1729, -22.9068),
    (-0.1276, 51.5072),
    (140.0, 35.0),
    (100.0, 0.5),
    (70.0, 30.0),
    (120.0, 56.0),
]


def _grid(n_lon=126, n_lat=71):
    x, y = np.meshgrid(np.linspace(*HZ_LON, n_lon), np.linspace(*HZ_LAT, n_lat))
    return x.ravel(), y.ravel()


def _random(n=500, seed=20240601):
    rng = np.random.default_rng(seed)
    return rng.uniform(*HZ_LON, n), rng.uniform(*HZ_LAT, n)


# --------------------------------------------------------------------------- (a) round trips
@pytest.mark.parametrize("points", [_grid(), _random()], ids=["grid-126x71", "random-500"])
def test_round_trip_wgs_gcj_wgs_under_half_a_metre(points):
    lon, lat = points
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    err = haversine_m(lon, lat, *back)
    assert err.max() < ROUND_TRIP_LIMIT_M, f"max round-trip error {err.max():.3f} m"
    # the iterative inverse is in fact exact to far below a millimetre
    assert err.max() < 1e-3


@pytest.mark.parametrize("points", [_grid(), _random()], ids=["grid-126x71", "random-500"])
def test_round_trip_gcj_wgs_gcj_under_half_a_metre(points):
    lon, lat = points  # read as GCJ-02 this time
    fwd = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert haversine_m(lon, lat, *fwd).max() < ROUND_TRIP_LIMIT_M


def test_inverse_is_not_the_one_step_approximation():
    """The one-step inverse (g - offset(g)) is off by metres in Hangzhou; ours is not."""
    lon, lat = _grid()
    glon, glat = wgs84_to_gcj02(lon, lat)
    flon, flat = wgs84_to_gcj02(glon, glat)
    approx_err = haversine_m(lon, lat, 2 * glon - flon, 2 * glat - flat)
    exact_err = haversine_m(lon, lat, *gcj02_to_wgs84(glon, glat))
    assert approx_err.max() > 1.0  # the test grid is sensitive to the difference
    assert exact_err.max() < approx_err.max() / 1000


def test_shared_vertices_convert_identically_whatever_the_batch():
    """The build relies on it: a vertex converts bit-identically alone or in any batch."""
    lon, lat = _random(50)
    batch = gcj02_to_wgs84(lon, lat)
    for i in (0, 17, 49):
        one = gcj02_to_wgs84(lon[i], lat[i])
        assert one == (batch[0][i], batch[1][i])
    rev = gcj02_to_wgs84(lon[::-1], lat[::-1])
    assert np.array_equal(rev[0][::-1], batch[0])
    assert np.array_equal(rev[1][::-1], batch[1])


# --------------------------------------------------------------------------- (b) published pairs
@pytest.mark.parametrize(("wgs", "gcj"), PUBLISHED_PAIRS.values(), ids=PUBLISHED_PAIRS.keys())
def test_forward_matches_published_pairs(wgs, gcj):
    lon, lat = wgs84_to_gcj02(*wgs)
    assert abs(lon - gcj[0]) < 1e-6
    assert abs(lat - gcj[1]) < 1e-6


@pytest.mark.parametrize(("wgs", "gcj"), PUBLISHED_PAIRS.values(), ids=PUBLISHED_PAIRS.keys())
def test_inverse_recovers_published_wgs84(wgs, gcj):
    # eviltransform's own criterion for its exact inverse is < 0.5 m
    assert haversine_m(*wgs, *gcj02_to_wgs84(*gcj)) < ROUND_TRIP_LIMIT_M


def test_hangzhou_shift_matches_the_reference_readme():
    """GCJ-02 -> WGS-84 in Hangzhou: ~0.0047 deg W and ~0.0023 deg N, ~490-580 m."""
    wlon, wlat = gcj02_to_wgs84(120.155, 30.274)  # central Hangzhou (West Lake / Wulin)
    assert wlon - 120.155 == pytest.approx(-0.0047, abs=2e-4)
    assert wlat - 30.274 == pytest.approx(0.0023, abs=2e-4)
    lon, lat = _grid()
    shift = haversine_m(lon, lat, *gcj02_to_wgs84(lon, lat))
    assert shift.min() > 470
    assert shift.max() < 600


# --------------------------------------------------------------------------- (c) outside China
def test_outside_china_points_unchanged():
    lon = np.array([p[0] for p in OUTSIDE_CHINA])
    lat = np.array([p[1] for p in OUTSIDE_CHINA])
    assert crs.out_of_china(lon, lat).all()
    for f in (wgs84_to_gcj02, gcj02_to_wgs84):
        out = f(lon, lat)
        assert np.array_equal(out[0], lon)
        assert np.array_equal(out[1], lat)
        for x, y in OUTSIDE_CHINA:
            assert f(x, y) == (x, y)


def test_mixed_arrays_only_shift_points_in_china():
    lon = np.array([120.16, -104.9903, 121.5272106])
    lat = np.array([30.27, 39.7392, 31.1774276])
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert (glon[1], glat[1]) == (lon[1], lat[1])
    assert glon[0] != lon[0]
    assert glon[2] != lon[2]


def test_scalar_and_array_shapes():
    lon, lat = wgs84_to_gcj02(120.16, 30.27)
    assert isinstance(lon, float)
    assert isinstance(lat, float)
    lon, lat = gcj02_to_wgs84(np.full((3, 4), 120.16), np.full((3, 4), 30.27))
    assert lon.shape == lat.shape == (3, 4)
    lon, lat = gcj02_to_wgs84([], [])
    assert lon.shape == (0,)
    assert all(np.isnan(gcj02_to_wgs84(np.nan, 30.0)))


# --------------------------------------------------------------------------- (d) geometry helpers
def _geometries():
    shell = [(120.0, 30.0), (120.2, 30.0), (120.2, 30.2), (120.0, 30.2), (120.0, 30.0)]
    hole = [(120.05, 30.05), (120.1, 30.05), (120.1, 30.1), (120.05, 30.05)]
    poly = Polygon(shell, [hole])
    return {
        "point": Point(120.16, 30.27),
        "line": LineString([(120.1, 30.1), (120.2, 30.3), (120.4, 30.2)]),
        "polygon-with-hole": poly,
        "multipolygon": MultiPolygon(
            [poly, Polygon([(119, 29.5), (119.1, 29.5), (119.1, 29.6), (119, 29.5)])]
        ),
        "collection": GeometryCollection([Point(120, 30), LineString([(120, 30), (121, 31)])]),
    }


@pytest.mark.parametrize("name", list(_geometries()))
def test_transform_geometry_preserves_structure(name):
    g = _geometries()[name]
    t = transform_geometry(g, gcj02_to_wgs84)
    assert t.geom_type == g.geom_type
    assert shapely.get_num_coordinates(t) == shapely.get_num_coordinates(g)
    assert shapely.get_num_geometries(t) == shapely.get_num_geometries(g)
    assert shapely.get_num_interior_rings(t) == shapely.get_num_interior_rings(g)
    xy0, xy1 = shapely.get_coordinates(g), shapely.get_coordinates(t)
    expected = np.column_stack(gcj02_to_wgs84(xy0[:, 0], xy0[:, 1]))
    assert np.array_equal(xy1, expected)
    back = transform_geometry(t, wgs84_to_gcj02)
    assert np.abs(shapely.get_coordinates(back) - xy0).max() < 1e-9


def test_transform_geometry_keeps_z_and_arrays():
    g = LineString([(120.1, 30.1, 12.5), (120.2, 30.2, 40.0)])
    t = transform_geometry(g, wgs84_to_gcj02)
    assert t.has_z
    assert shapely.get_coordinates(t, include_z=True)[:, 2].tolist() == [12.5, 40.0]
    arr = transform_geometry(np.array(list(_geometries().values()), dtype=object), wgs84_to_gcj02)
    assert arr.shape == (5,)


@pytest.mark.parametrize("func", [gdf_gcj02_to_wgs84, gdf_wgs84_to_gcj02])
def test_gdf_helpers_copy_and_keep_crs_and_vertices(func):
    geoms = list(_geometries().values())
    gdf = gpd.GeoDataFrame({"name": list(_geometries())}, geometry=geoms, crs=crs.WGS84)
    before = shapely.get_coordinates(gdf.geometry.values).copy()
    out = func(gdf)
    assert out is not gdf
    assert out.crs == gdf.crs
    assert out.crs.to_epsg() == 4326
    assert list(out["name"]) == list(gdf["name"])
    assert np.array_equal(shapely.get_coordinates(gdf.geometry.values), before)  # input untouched
    assert [shapely.get_num_coordinates(g) for g in out.geometry] == [
        shapely.get_num_coordinates(g) for g in geoms
    ]
    assert not np.allclose(shapely.get_coordinates(out.geometry.values), before)


def test_gdf_round_trip_and_wrong_crs():
    gdf = gpd.GeoDataFrame(geometry=[Point(120.16, 30.27), Point(119.5, 29.8)], crs=crs.WGS84)
    back = gdf_gcj02_to_wgs84(gdf_wgs84_to_gcj02(gdf))
    assert haversine_m(gdf.geometry.x, gdf.geometry.y, back.geometry.x, back.geometry.y).max() < 1e-3
    with pytest.raises(ValueError, match="expected lon/lat"):
        gdf_gcj02_to_wgs84(gdf.to_crs(crs.METRIC_CRS))


def test_crs_constants():
    from pyproj import CRS

    assert crs.WGS84 == "EPSG:4326"
    assert crs.CGCS2000 == "EPSG:4490"
    assert crs.METRIC_CRS == "EPSG:32651"
    assert "UTM zone 51N" in CRS(crs.METRIC_CRS).name
    gk = CRS(crs.CGCS2000_GK_120E)
    assert crs.CGCS2000_GK_120E == "EPSG:4549"
    assert "CM 120E" in gk.name
    assert "CGCS2000" in gk.name


# --------------------------------------------------------------------------- (e) haversine
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((120.1510, 30.2605), (120.2126, 30.2908)),  # across central Hangzhou
        ((118.3, 29.2), (120.8, 30.6)),  # across the whole city
        ((120.16, 30.27), (120.16, 30.28)),  # ~1.1 km north-south
        ((120.16, 30.27), (120.17, 30.27)),  # ~1 km east-west
        ((121.531541859215, 31.17530398364597), (116.38404722455657, 39.91334545536069)),  # Shanghai-Beijing
    ],
)
def test_haversine_close_to_geodesic(a, b):
    geod = Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2]
    h = haversine_m(*a, *b)
    assert isinstance(h, float)
    assert abs(h - geod) / geod < 0.005


def test_haversine_vectorised():
    lon, lat = _random(100)
    d = haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
    g = Geod(ellps="WGS84").inv(lon[:-1], lat[:-1], lon[1:], lat[1:])[2]
    assert d.shape == (99,)
    assert np.all(np.abs(d - g) / g < 0.005)
    assert haversine_m(120.0, 30.0, 120.0, 30.0) == 0.0


# ------------------------------------------------------ CGCS2000 3-degree Gauss-Kruger (pyproj)


def test_gk_central_meridian_matches_the_meridian_arc():
    """On the central meridian the easting is the false easting and the northing is the
    meridian arc from the equator: checked against pyproj.Geod on the CGCS2000 ellipsoid."""
    from pyproj import Geod

    from geodata.geo.crs import wgs84_to_cgcs2000_gk

    arc = Geod(ellps="GRS80").inv(120.0, 0.0, 120.0, 30.0)[2]
    x, y = wgs84_to_cgcs2000_gk(120.0, 30.0)
    assert x == pytest.approx(500_000.0, abs=1e-3)
    assert y == pytest.approx(arc, abs=0.01)


def test_gk_zone_prefix_adds_the_zone_number_to_the_easting():
    from geodata.geo.crs import wgs84_to_cgcs2000_gk

    plain = wgs84_to_cgcs2000_gk(120.15, 30.28)
    prefixed = wgs84_to_cgcs2000_gk(120.15, 30.28, zone_prefix=True)
    assert prefixed[0] - plain[0] == pytest.approx(40_000_000.0, abs=1e-3)
    assert prefixed[1] == pytest.approx(plain[1], abs=1e-3)


@pytest.mark.parametrize("prefix", [False, True])
def test_gk_round_trip_over_hangzhou_under_a_millimetre(prefix):
    from geodata.geo.crs import cgcs2000_gk_to_wgs84, wgs84_to_cgcs2000_gk

    lon, lat = np.meshgrid(np.linspace(118.3, 120.8, 11), np.linspace(29.2, 30.6, 8))
    x, y = wgs84_to_cgcs2000_gk(lon.ravel(), lat.ravel(), zone_prefix=prefix)
    lon2, lat2 = cgcs2000_gk_to_wgs84(x, y, zone_prefix=prefix)
    assert np.max(haversine_m(lon.ravel(), lat.ravel(), lon2, lat2)) < 1e-3


def test_gk_scale_grows_away_from_the_central_meridian():
    """Gauss-Kruger is true to scale on the meridian only: 1° east at 30°N is a little longer
    in projected metres than on the ground (about 1.0001 at 96 km out)."""
    from pyproj import Geod

    from geodata.geo.crs import wgs84_to_cgcs2000_gk

    x0, _ = wgs84_to_cgcs2000_gk(120.0, 30.0)
    x1, _ = wgs84_to_cgcs2000_gk(121.0, 30.0)
    ground = Geod(ellps="GRS80").inv(120.0, 30.0, 121.0, 30.0)[2]
    ratio = (x1 - x0) / ground
    assert ratio > 1.0
    assert ratio < 1.0003


# -- BD-09 (Baidu) against coordinate pairs other projects publish ------------------------------
# Pairs from the README of wandergis/coordtransform (github.com/wandergis/coordtransform, the
# "result" block of its usage example), and from the tests of the pyxis / geotool projects
# (tests/test_crypto.py there: one point near 121.09 E, 30.61 N given in all three datums).
COORDTRANSFORM_BD09_TO_GCJ02 = ((116.404, 39.915), (116.39762729119315, 39.90865673957631))
COORDTRANSFORM_GCJ02_TO_BD09 = ((116.404, 39.915), (116.41036949371029, 39.92133699351021))
PYXIS_POINT = {
    "wgs84": (121.0917077, 30.6107779),
    "gcj02": (121.09626935575027, 30.608604331756705),
    "bd09": (121.10271732371203, 30.61484572185035),
}


def test_bd09_matches_published_pairs() -> None:
    from geodata.geo.crs import bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09, haversine_m, wgs84_to_bd09

    src, expected = COORDTRANSFORM_GCJ02_TO_BD09
    assert gcj02_to_bd09(*src) == pytest.approx(expected, abs=1e-9)
    # coordtransform inverts in one step; ours iterates, so they agree to centimetres, not to the digit
    src, expected = COORDTRANSFORM_BD09_TO_GCJ02
    assert haversine_m(*bd09_to_gcj02(*src), *expected) < 0.5
    assert haversine_m(*wgs84_to_bd09(*PYXIS_POINT["wgs84"]), *PYXIS_POINT["bd09"]) < 0.05
    assert haversine_m(*bd09_to_wgs84(*PYXIS_POINT["bd09"]), *PYXIS_POINT["wgs84"]) < 0.05
    assert haversine_m(*bd09_to_gcj02(*PYXIS_POINT["bd09"]), *PYXIS_POINT["gcj02"]) < 0.05


def test_bd09_round_trip_over_hangzhou() -> None:
    from geodata.geo.crs import bd09_to_wgs84, haversine_m, wgs84_to_bd09

    lon, lat = np.meshgrid(np.linspace(118.3, 120.9, 30), np.linspace(29.2, 30.6, 30))
    back = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert float(np.max(haversine_m(lon, lat, *back))) < 1e-3
    # Baidu's coordinates lie roughly a kilometre from the true position in Hangzhou
    moved = haversine_m(lon, lat, *wgs84_to_bd09(lon, lat))
    assert float(np.min(moved)) > 700
    assert float(np.max(moved)) < 1500
