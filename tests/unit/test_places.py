"""The place layers of the data pack (areas, parcels, projects, innovation).

They are built by ``python -m scripts.pack.build_places`` from ``geodata/pack/places.csv``;
these tests check the shipped files: sources and quotes, placement inside the districts,
the one published area, unknowns kept unknown, and byte-for-byte reproducibility.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geodata.model.schema import DISTRICT_NAMES, TRADITIONAL_ONLY_CHARS
from scripts.pack import build_places

PACK = Path(__file__).resolve().parents[2] / "geodata" / "pack"
SEEDS = PACK / "seeds"
LAYERS = ("areas", "parcels", "projects", "innovation")
METRIC = "EPSG:32651"

DISTRICTS_ZH = set(DISTRICT_NAMES)

#: Characters that exist only in traditional script (their simplified forms differ).
#: Deliberately conservative: no character that is also a valid simplified character.
TRADITIONAL_ONLY = TRADITIONAL_ONLY_CHARS

_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub("", text)


def _traditional_chars(text: str) -> set[str]:
    return {c for c in text if c in TRADITIONAL_ONLY}


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    return {name: gpd.read_file(PACK / f"{name}.geojson") for name in LAYERS}


@pytest.fixture(scope="module")
def features(layers) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.concat(layers.values(), ignore_index=True), crs="EPSG:4326")


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(build_places.districts_path(PACK))
    return gdf.set_index("name_zh")


@pytest.fixture(scope="module")
def seeds_squashed() -> dict[str, str]:
    return {p.name: _squash(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}


# ----------------------------------------------------------------------------- files


@pytest.mark.parametrize("name", LAYERS)
def test_layer_loads_in_wgs84_with_valid_geometry(layers, name):
    gdf = layers[name]
    assert len(gdf) > 0
    assert gdf.crs is not None
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.notna().all()
    assert gdf.geometry.is_valid.all()
    assert not gdf.geometry.is_empty.any()
    assert (gdf["layer"] == name).all()


def test_ids_unique_across_layers(features):
    dup = features["id"][features["id"].duplicated()].tolist()
    assert not dup, f"duplicate ids: {dup}"
    assert features["id"].str.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*").all()


def test_every_feature_is_indicative_with_a_location_basis(features):
    assert (features["geometry_quality"] == "indicative").all()
    assert features["location_basis"].str.len().gt(30).all()
    assert features["placement"].isin(build_places.PLACEMENTS).all()


def test_kinds_match_layers(features):
    for _, f in features.iterrows():
        assert f["kind"] in build_places.KINDS[f["layer"]], f["id"]


# ----------------------------------------------------------------------------- sources


def test_every_source_is_a_seed_file(features):
    for _, f in features.iterrows():
        for s in f["source"].split(";"):
            assert (SEEDS / s).is_file(), f"{f['id']}: no seed {s}"


def test_every_quote_is_verbatim_in_its_first_source(features, seeds_squashed):
    for _, f in features.iterrows():
        first = f["source"].split(";")[0]
        quote = _squash(f["quote"])
        assert len(quote) >= 8, f["id"]
        assert quote in seeds_squashed[first], f"{f['id']}: quote not found in {first}: {f['quote']}"


def test_quote_check_can_fail(seeds_squashed):
    # A made-up sentence and a quote moved to simplified characters are both rejected.
    assert _squash("西湖区计划挂牌出让产业用地22宗") not in seeds_squashed["000_749770bcfb4b1cf3.txt"]
    assert _squash("中国美术学院美术馆前") not in seeds_squashed["004_c0cd15c402fb7bc0.txt"]


def test_gazetteer_rows_used_are_copied_with_source_and_confidence(features):
    with open(PACK / "gazetteer.csv", encoding="utf-8", newline="") as f:
        gaz = {r["name_zh"]: r for r in csv.DictReader(f)}
    used = features["gazetteer_name"].dropna()
    assert len(used) > 0
    for name in used:
        assert name in gaz, f"gazetteer row {name!r} not in the pack's gazetteer.csv"
        assert gaz[name]["confidence"] in ("high", "medium", "low")
    for _, f in features[features["placement"] == "gazetteer"].iterrows():
        row = gaz[f["gazetteer_name"]]
        assert row["confidence"] in ("high", "medium"), f["id"]
        assert row["source_url"], f["id"]
        assert row["source_url"] in f["location_basis"], f["id"]


# ----------------------------------------------------------------------------- geometry


def test_every_point_lies_in_its_district(features, districts):
    assert set(features["district"]) <= DISTRICTS_ZH
    assert set(features["district"]) <= set(districts.index)
    points = features[features.geom_type == "Point"]
    assert len(points) == len(features) - 1  # only 紫金港科技城 has a shape
    for _, f in points.iterrows():
        assert districts.loc[f["district"], "geometry"].contains(f.geometry), (
            f"{f['id']} ({f['name_zh']}) lies outside {f['district']}"
        )


def test_zijingang_polygon_has_the_published_area_inside_xihu(layers, districts):
    areas = layers["areas"]
    zone = areas[areas["name_zh"] == "紫金港科技城"]
    assert len(zone) == 1
    assert zone.geom_type.iloc[0] in ("Polygon", "MultiPolygon")
    assert zone["published_area_km2"].iloc[0] == 26
    km2 = zone.to_crs(METRIC).area.iloc[0] / 1e6
    assert km2 == pytest.approx(26, rel=0.01)
    xihu = gpd.GeoSeries([districts.loc["西湖区", "geometry"]], crs=districts.crs).to_crs(METRIC).iloc[0]
    # 1 m tolerance: coordinates are rounded to 1e-6° (about 0.1 m) after clipping.
    assert xihu.buffer(1.0).contains(zone.to_crs(METRIC).geometry.iloc[0])


def test_no_other_area_gets_a_size(layers):
    others = layers["areas"][layers["areas"]["name_zh"] != "紫金港科技城"]
    assert (others.geom_type == "Point").all()
    assert others["published_area_km2"].isna().all()


def test_markers_do_not_overlap(features):
    pts = features[features.geom_type == "Point"].to_crs(METRIC)
    close = [
        (a_id, b_id, round(a.distance(b)))
        for (a_id, a), (b_id, b) in itertools.combinations(zip(pts["id"], pts.geometry, strict=True), 2)
        if a.distance(b) < 150
    ]
    assert not close, f"markers closer than 150 m: {close}"


# ----------------------------------------------------------------------------- parcels


def test_parcels_are_exactly_the_five_named_sites(layers):
    parcels = layers["parcels"]
    assert sorted(parcels["name_zh"]) == sorted(
        ["阿里云总部北侧地块", "数治路东侧地块", "荆长路东侧地块", "国科大南侧地块", "四号浦路东西两侧地块"]
    )
    assert (parcels["kind"] == "supply_site").all()
    assert (parcels["geometry_quality"] == "indicative").all()
    assert (parcels["status"] == "planned").all()
    assert (parcels["plan_id"] == "xihu-2026").all()
    assert (parcels.geom_type == "Point").all()
    assert dict(zip(parcels["name_zh"], parcels["parent"], strict=True)) == {
        "阿里云总部北侧地块": "紫金港科技城",
        "数治路东侧地块": "紫金港科技城",
        "荆长路东侧地块": "紫金港科技城",
        "国科大南侧地块": "云栖小镇",
        "四号浦路东西两侧地块": "双浦镇",
    }


def test_parcel_schema_is_complete_and_unknowns_stay_unknown(layers):
    from geodata.model.schema import PARCEL_COLUMNS

    parcels = layers["parcels"]
    missing = set(PARCEL_COLUMNS) - set(parcels.columns)
    assert not missing, f"parcel columns missing: {sorted(missing)}"
    never_published = (
        "parcel_code",
        "area_m2",
        "area_mu",
        "plot_ratio_min",
        "plot_ratio_max",
        "building_density_pct",
        "green_ratio_pct",
        "height_limit_m",
        "term_years",
        "price_start_wan",
        "price_final_wan",
        "deposit_wan",
        "investment_intensity_wan_per_mu",
        "tax_per_mu_wan",
        "energy_limit",
        "emission_limit",
        "supply_quarter",
        "industry",
    )
    for col in never_published:
        assert parcels[col].isna().all(), f"{col} is filled in but no seed states it"


def test_parcel_surroundings_are_verbatim_clauses(layers, seeds_squashed):
    for _, p in layers["parcels"].iterrows():
        assert p["location_zh"] == p["name_zh"]
        assert p["surroundings_zh"] in p["quote"]
        assert _squash(p["surroundings_zh"]) in seeds_squashed["000_749770bcfb4b1cf3.txt"]


# ----------------------------------------------------------------------------- projects


def test_projects_keep_stated_units_and_statuses(layers):
    projects = layers["projects"].set_index("name_zh")
    statuses = {"signed", "under_construction", "started", "operating"}
    assert set(projects["project_status"].dropna()) <= statuses
    assert set(projects["investment_unit"].dropna()) <= {"亿元", "亿美元", "万元"}
    assert projects.loc["优科豪马项目", "investment_unit"] == "亿美元"
    assert projects.loc["优科豪马项目", "investment_value"] == 5
    assert projects.loc["杭州芯聚半导体新一代显示技术研发生产项目", "project_status"] == "started"
    assert projects.loc["锦泰新能源汽车零部件项目", "investment_value"] == 4.5
    for name in projects.index:
        assert name.endswith("项目"), name
    has_value = projects["investment_value"].notna()
    assert projects.loc[has_value, "investment_unit"].notna().all()


# ----------------------------------------------------------------------------- names and hierarchy


def test_every_parent_is_an_area(features, layers):
    area_names = set(layers["areas"]["name_zh"])
    parents = features["parent"].dropna()
    assert len(parents) > 0
    unknown = sorted(set(parents) - area_names)
    assert not unknown, f"parents that are not areas features: {unknown}"


def test_no_traditional_characters_in_names(features):
    for col in ("name_zh", "district", "parent", "description_zh"):
        for _, f in features.iterrows():
            val = f[col]
            if isinstance(val, str):
                assert not _traditional_chars(val), f"{f['id']}.{col} has traditional characters: {val}"


def test_traditional_check_can_fail():
    assert _traditional_chars("西湖區") == {"區"}
    assert _traditional_chars("雲棲小鎮") == {"雲", "棲", "鎮"}
    assert not _traditional_chars("云栖小镇西湖区钱塘芯谷杭州医药港")


# ----------------------------------------------------------------------------- reproducibility


def test_rebuild_is_byte_identical(tmp_path):
    written = build_places.build(tmp_path)
    assert set(written) == set(LAYERS)
    for name in LAYERS:
        rebuilt = (tmp_path / f"{name}.geojson").read_bytes()
        shipped = (PACK / f"{name}.geojson").read_bytes()
        assert rebuilt == shipped, (
            f"{name}.geojson differs from a fresh build: run python -m scripts.pack.build_places"
        )


def test_low_confidence_point_outside_its_district_falls_back(tmp_path):
    # Move the low-confidence 大创小镇 guess into 西湖区: the build must not use it for a 钱塘区 feature.
    gaz = tmp_path / "gazetteer.csv"
    with open(PACK / "gazetteer.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        if r["name_zh"] == "大创小镇":
            r["lon_wgs84"], r["lat_wgs84"] = "120.08098", "30.219"
    with open(gaz, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    build_places.build(tmp_path / "out", gazetteer_csv=gaz)
    areas = gpd.read_file(tmp_path / "out" / "areas.geojson").set_index("id")
    dachuang = areas.loc["zone-dachuang"]
    assert dachuang["placement"] == "district"
    assert "outside 钱塘区" in dachuang["location_basis"]


def test_high_confidence_point_outside_its_district_is_an_error(tmp_path):
    places = tmp_path / "places.csv"
    text = (PACK / "places.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    for r in rows:
        if r["id"] == "zone-smart-mfg-supply":
            r["district"] = "萧山区"  # 智造供给小镇's gazetteer point lies in 滨江区
    with open(places, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(build_places.PlacesError, match="outside"):
        build_places.build(tmp_path / "out", places_csv=places)


def test_places_csv_extra_is_json_objects():
    with open(PACK / "places.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == build_places.PLACES_COLUMNS
    for r in rows:
        if r["extra"]:
            assert isinstance(json.loads(r["extra"]), dict), r["id"]
        if r["published_area_km2"]:
            assert r["name_zh"] == "紫金港科技城"


def test_build_reads_nothing_outside_the_repo_once_districts_ship(tmp_path):
    # With a pack copy that has its own districts file, the build works from that copy alone.
    pack = tmp_path / "pack"
    pack.mkdir()
    for name in ("places.csv", "gazetteer.csv"):
        shutil.copy(PACK / name, pack / name)
    shutil.copy(build_places.districts_path(PACK), pack / "districts.geojson")
    assert build_places.districts_path(pack) == pack / "districts.geojson"
    build_places.build(
        pack / "out",
        places_csv=pack / "places.csv",
        gazetteer_csv=pack / "gazetteer.csv",
        districts_geojson=build_places.districts_path(pack),
    )
    for name in LAYERS:
        assert (pack / "out" / f"{name}.geojson").read_bytes() == (PACK / f"{name}.geojson").read_bytes()
