"""Parcel explorer logic: units, filters, search, distances, policies and the shareable URL state.

Expected values are worked out by hand (or with an independent pyproj.Geod call), not from the code.
"""

from __future__ import annotations

import math
from dataclasses import replace

import geopandas as gpd
import pytest
from pyproj import Geod
from shapely import Point, box

from geodata.domain.parcels import (
    Nearby,
    ParcelQuery,
    ViewState,
    filter_options,
    filter_parcels,
    landmarks,
    m2_to_mu,
    mu_to_ha,
    mu_to_m2,
    nearest_features,
    normalise_text,
    parcel_policies,
    search_mask,
    state_from_params,
    state_to_params,
    within_radius,
)
from geodata.model import pack_reader
from geodata.model.schema import NOT_PUBLISHED_ZH, PARCEL_STATUS_ZH

GEOD = Geod(ellps="WGS84")

# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture
def synthetic() -> gpd.GeoDataFrame:
    """Six synthetic parcels (test-only), lon/lat, one polygon; areas, quarters, statuses, industries vary."""
    columns = {
        "id":             ["s1", "s2", "s3", "s4", "s5", "s6"],
        "name_zh":        ["甲地块", "乙地块", "丙地块", "丁地块", "戊地块", "己地块"],
        "name_en":        ["Plot Alpha", "Plot Beta", "Plot Gamma", None, "Plot Epsilon", "Plot Zeta"],
        "district":       ["西湖区", "西湖区", "钱塘区", "钱塘区", "滨江区", "西湖区"],
        "parent":         ["云栖小镇", "紫金港科技城", "杭州医药港", None, "智造供给小镇", "云栖小镇"],
        "land_use":       ["M1", "M0", "M1", None, "M0", "M1"],
        "area_mu":        [10.0, None, 60.0, None, 100.0, 25.0],
        "area_m2":        [None, 20000.0, 40000.0, None, None, None],
        "supply_quarter": ["2026Q1", "2026Q2", None, None, "2026Q1", "2026Q3"],
        "status":         ["planned", "listed", "sold", "planned", "planned", "listed"],
        "industry":       ["生物医药", "集成电路", "生物医药", None, "人工智能", "人工智能"],
        "description_zh": ["靠近地铁", None, "已成交", None, "", "环境优美"],
    }  # fmt: skip
    geoms = [
        Point(120.10, 30.15),
        Point(120.12, 30.30),
        Point(120.50, 30.30),
        Point(120.52, 30.31),
        Point(120.20, 30.20),
        box(120.09, 30.14, 120.095, 30.145),
    ]
    return gpd.GeoDataFrame(columns, geometry=geoms, crs="EPSG:4326", index=[10, 11, 12, 13, 14, 15])


@pytest.fixture(scope="module")
def pack() -> dict[str, gpd.GeoDataFrame]:
    return {name: pack_reader.read_pack_layer(name) for name in ("parcels", "areas", "innovation", "projects")}


def ids(gdf: gpd.GeoDataFrame) -> list[str]:
    return gdf["id"].tolist()


def by_name(gdf: gpd.GeoDataFrame, name_zh: str):
    rows = gdf[gdf["name_zh"] == name_zh]
    assert len(rows) == 1, name_zh
    return rows.iloc[0]


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------


def test_fifteen_mu_is_ten_thousand_m2_is_one_hectare() -> None:
    assert mu_to_m2(15) == pytest.approx(10_000)
    assert m2_to_mu(10_000) == pytest.approx(15)
    assert mu_to_ha(15) == pytest.approx(1)
    assert mu_to_m2(1) == pytest.approx(666.6667, abs=1e-4)
    assert m2_to_mu(mu_to_m2(1018)) == pytest.approx(1018)


# --------------------------------------------------------------------------------------------
# Filters, synthetic
# --------------------------------------------------------------------------------------------


def test_empty_query_keeps_everything_in_order_with_index_and_crs(synthetic) -> None:
    out = filter_parcels(synthetic, ParcelQuery())
    assert ids(out) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert out.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert out.crs == synthetic.crs
    assert isinstance(out, gpd.GeoDataFrame)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (ParcelQuery(districts=("西湖区",)), ["s1", "s2", "s6"]),
        (ParcelQuery(districts=("西湖区", "滨江区")), ["s1", "s2", "s5", "s6"]),
        (ParcelQuery(platforms=("云栖小镇",)), ["s1", "s6"]),
        (ParcelQuery(land_uses=("M0",)), ["s2", "s5"]),
        (ParcelQuery(quarters=("2026Q1",)), ["s1", "s5"]),
        (ParcelQuery(quarters=(NOT_PUBLISHED_ZH,)), ["s3", "s4"]),
        (ParcelQuery(quarters=("2026Q3", NOT_PUBLISHED_ZH)), ["s3", "s4", "s6"]),
        (ParcelQuery(statuses=("listed",)), ["s2", "s6"]),
        (ParcelQuery(statuses=("sold",)), ["s3"]),
        (ParcelQuery(industries=("生物医药",)), ["s1", "s3"]),
        (ParcelQuery(industries=("人工智能",), districts=("西湖区",)), ["s6"]),
        (ParcelQuery(districts=("上城区",)), []),
        (ParcelQuery(text="环境"), ["s6"]),
    ],
)
def test_filter_by_each_field(synthetic, query, expected) -> None:
    out = filter_parcels(synthetic, query)
    assert ids(out) == expected
    assert out.index.tolist() == synthetic.index[synthetic["id"].isin(expected)].tolist()


def test_area_range_with_and_without_unknown_area(synthetic) -> None:
    # areas in 亩: s1 10, s2 30 (20,000 m² only), s3 60 (area_mu wins over m²), s4 unknown, s5 100, s6 25
    q = ParcelQuery(area_mu_min=20, area_mu_max=60)
    assert ids(filter_parcels(synthetic, q)) == ["s2", "s3", "s4", "s6"]
    assert ids(filter_parcels(synthetic, replace(q, include_unknown_area=False))) == ["s2", "s3", "s6"]
    # open-ended ranges
    assert ids(filter_parcels(synthetic, ParcelQuery(area_mu_min=60, include_unknown_area=False))) == [
        "s3",
        "s5",
    ]
    assert ids(filter_parcels(synthetic, ParcelQuery(area_mu_max=10, include_unknown_area=False))) == ["s1"]
    # no range: the unknown-area switch alone constrains nothing
    assert len(filter_parcels(synthetic, ParcelQuery(include_unknown_area=False))) == 6


def test_area_bounds_are_inclusive_and_m2_is_converted(synthetic) -> None:
    # s2 has only 20,000 m² = 30 亩 exactly
    assert ids(
        filter_parcels(synthetic, ParcelQuery(area_mu_min=30, area_mu_max=30, include_unknown_area=False))
    ) == ["s2"]


def test_filter_options_are_sorted_distinct_with_not_published_quarter(synthetic) -> None:
    opts = filter_options(synthetic)
    assert opts == {
        "districts": sorted(["西湖区", "钱塘区", "滨江区"]),
        "platforms": sorted(["云栖小镇", "紫金港科技城", "杭州医药港", "智造供给小镇"]),
        "land_uses": ["M0", "M1"],
        "quarters": ["2026Q1", "2026Q2", "2026Q3", NOT_PUBLISHED_ZH],
        "statuses": ["listed", "planned", "sold"],
        "industries": sorted(["生物医药", "集成电路", "人工智能"]),
    }


def test_filter_options_without_unknown_quarter_has_no_placeholder(synthetic) -> None:
    known_quarters = synthetic[synthetic["supply_quarter"].notna()]
    assert NOT_PUBLISHED_ZH not in filter_options(known_quarters)["quarters"]


def test_blank_text_counts_as_unknown() -> None:
    df = gpd.GeoDataFrame(
        {"id": ["a", "b", "c"], "supply_quarter": ["2026Q1", "  ", None], "district": [" 西湖区 ", "", None]},
        geometry=[Point(120, 30)] * 3,
        crs="EPSG:4326",
    )
    assert filter_options(df)["quarters"] == ["2026Q1", NOT_PUBLISHED_ZH]
    assert filter_options(df)["districts"] == ["西湖区"]
    assert ids(filter_parcels(df, ParcelQuery(quarters=(NOT_PUBLISHED_ZH,)))) == ["b", "c"]
    assert ids(filter_parcels(df, ParcelQuery(districts=("西湖区",)))) == ["a"]


def test_missing_column_counts_as_unknown(synthetic) -> None:
    bare = synthetic.drop(columns=["industry", "area_mu", "area_m2"])
    assert filter_parcels(bare, ParcelQuery(industries=("生物医药",))).empty
    assert len(filter_parcels(bare, ParcelQuery(area_mu_min=1))) == 6
    assert filter_parcels(bare, ParcelQuery(area_mu_min=1, include_unknown_area=False)).empty
    assert filter_options(bare)["industries"] == []


# --------------------------------------------------------------------------------------------
# Filters, the real pack (5 indicative 2026 supply sites of 西湖区; areas and quarters unpublished)
# --------------------------------------------------------------------------------------------


def test_pack_platform_yunqi_is_only_the_ucas_south_site(pack) -> None:
    out = filter_parcels(pack["parcels"], ParcelQuery(platforms=("云栖小镇",)))
    assert out["name_zh"].tolist() == ["国科大南侧地块"]


def test_pack_status_sold_selects_none_and_planned_all(pack) -> None:
    parcels = pack["parcels"]
    assert filter_parcels(parcels, ParcelQuery(statuses=("sold",))).empty
    assert len(filter_parcels(parcels, ParcelQuery(statuses=("planned",)))) == 5


def test_pack_unpublished_area_and_quarter_are_not_made_up(pack) -> None:
    parcels = pack["parcels"]
    ranged = ParcelQuery(area_mu_min=1, area_mu_max=10_000)
    assert len(filter_parcels(parcels, ranged)) == 5  # unknown area passes by default
    assert filter_parcels(parcels, replace(ranged, include_unknown_area=False)).empty
    assert len(filter_parcels(parcels, ParcelQuery(quarters=(NOT_PUBLISHED_ZH,)))) == 5
    opts = filter_options(parcels)
    assert opts["quarters"] == [NOT_PUBLISHED_ZH]
    assert opts["districts"] == ["西湖区"]
    assert opts["industries"] == []
    assert opts["statuses"] == ["planned"]
    assert set(opts["platforms"]) == {"紫金港科技城", "云栖小镇", "双浦镇"}


# --------------------------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------------------------


def test_normalise_text() -> None:
    assert normalise_text("西湖區") == "西湖区"
    assert normalise_text("  Plot\tALPHA \n") == "plotalpha"
    assert normalise_text("ＡＢＣ１２３") == "abc123"  # full-width folded by NFKC
    assert normalise_text("") == ""


@pytest.mark.parametrize("text", ["西湖区", "西湖區"])
def test_search_district_in_both_scripts_finds_all_five_sites(pack, text) -> None:
    assert search_mask(pack["parcels"], text).sum() == 5


def test_search_traditional_parent_finds_ucas_south(pack) -> None:
    hits = pack["parcels"][search_mask(pack["parcels"], "雲棲")]
    assert hits["name_zh"].tolist() == ["国科大南侧地块"]


def test_search_traditional_name_finds_sihaopu(pack) -> None:
    hits = pack["parcels"][search_mask(pack["parcels"], "四號浦路")]
    assert hits["name_zh"].tolist() == ["四号浦路东西两侧地块"]


def test_search_english_is_case_insensitive(pack) -> None:
    for text in ("sihaopu", "SIHAOPU ROAD", "Sihaopu"):
        hits = pack["parcels"][search_mask(pack["parcels"], text)]
        assert hits["name_zh"].tolist() == ["四号浦路东西两侧地块"], text


def test_search_empty_or_blank_matches_all_and_gibberish_none(synthetic) -> None:
    assert search_mask(synthetic, "").all()
    assert search_mask(synthetic, "   ").all()
    assert not search_mask(synthetic, "不存在的地名").any()
    assert not search_mask(synthetic, ".*").any()  # literal, not a pattern


def test_search_looks_in_industry_and_land_use_and_keeps_index(synthetic) -> None:
    mask = search_mask(synthetic, "集成電路")
    assert mask.index.tolist() == synthetic.index.tolist()
    assert synthetic.loc[mask, "id"].tolist() == ["s2"]
    assert synthetic.loc[search_mask(synthetic, "m0"), "id"].tolist() == ["s2", "s5"]


# --------------------------------------------------------------------------------------------
# Distances
# --------------------------------------------------------------------------------------------


def test_nearest_features_on_the_pack(pack) -> None:
    site = by_name(pack["parcels"], "国科大南侧地块")
    near = nearest_features(site.geometry, pack)
    assert all(isinstance(n, Nearby) for n in near)
    assert all(n.distance_m >= 0 for n in near)
    layers = [n.layer for n in near]
    assert layers == sorted(layers, key=["areas", "innovation", "projects", "parcels"].index)
    for layer in ("areas", "innovation", "projects", "parcels"):
        dists = [n.distance_m for n in near if n.layer == layer]
        assert len(dists) == 3, layer
        assert dists == sorted(dists), layer
    assert site["id"] not in [n.id for n in near if n.layer == "parcels"]

    inno = [n for n in near if n.layer == "innovation"]
    assert inno[0].name_zh == "国科大杭州高等研究院"
    assert inno[0].distance_m < 1000
    assert inno[0].geometry_quality == "indicative"

    # independent check: the geodesic between the two points, computed directly with pyproj
    hias = by_name(pack["innovation"], "国科大杭州高等研究院").geometry
    _, _, expected = GEOD.inv(site.geometry.x, site.geometry.y, hias.x, hias.y)
    assert inno[0].distance_m == pytest.approx(expected, rel=0.01)
    assert 250 < expected < 350  # the site is placed 300 m south of the institute


def test_nearest_features_polygon_distance_is_zero_inside_and_to_the_edge_outside() -> None:
    zone = gpd.GeoDataFrame(
        {"id": ["z"], "name_zh": ["方形片区"], "kind": ["platform"], "geometry_quality": ["boundary"]},
        geometry=[box(120.0, 30.0, 120.1, 30.1)],
        crs="EPSG:4326",
    )
    inside = nearest_features(Point(120.05, 30.05), {"areas": zone})
    assert [(n.id, n.distance_m) for n in inside] == [("z", 0.0)]
    outside = nearest_features(Point(120.05, 30.2), {"areas": zone})
    _, _, to_edge = GEOD.inv(120.05, 30.2, 120.05, 30.1)  # straight south to the top edge
    assert outside[0].distance_m == pytest.approx(to_edge, rel=0.005)


def test_nearest_features_per_layer_and_other_crs(synthetic) -> None:
    # a layer in a metric CRS is measured like its lon/lat twin
    metric = synthetic.to_crs("EPSG:32651")
    origin = Point(120.1, 30.15)
    a = nearest_features(origin, {"projects": synthetic}, per_layer=2)
    b = nearest_features(origin, {"projects": metric}, per_layer=2)
    assert [n.id for n in a] == [n.id for n in b] == ["s1", "s6"]
    assert [n.distance_m for n in a] == pytest.approx([n.distance_m for n in b], abs=0.01)
    assert a[0].distance_m == 0.0
    assert nearest_features(origin, {"projects": synthetic}, per_layer=0) == []
    assert nearest_features(origin, {"districts": synthetic}) == []  # not a nearby layer


def test_within_radius_nearest_first_and_radius_respected(synthetic) -> None:
    lon, lat = 120.1, 30.15  # on s1; s6 (a small square) lies ~0.6 km south-west
    out = within_radius(lon, lat, synthetic, 15_000)
    _, _, d = GEOD.inv([lon] * len(synthetic), [lat] * len(synthetic),
                       synthetic.geometry.representative_point().x, synthetic.geometry.representative_point().y)  # fmt: skip
    assert ids(out) == ["s1", "s6", "s5"]  # s2 is ~16.7 km north, s3/s4 ~45 km east
    assert out["distance_m"].is_monotonic_increasing
    assert (out["distance_m"] <= 15_000).all()
    assert out["distance_m"].iloc[0] == 0.0
    assert out.loc[14, "distance_m"] == pytest.approx(d[4], rel=0.001)
    assert out.index.tolist() == [10, 15, 14]
    assert "distance_m" not in synthetic.columns  # input untouched
    assert within_radius(lon, lat, synthetic, 100)["id"].tolist() == ["s1"]
    assert within_radius(lon, lat, synthetic, -1).empty
    with pytest.raises(ValueError, match="finite"):
        within_radius(float("nan"), lat, synthetic, 1000)


def test_within_radius_on_the_pack_around_a_landmark(pack) -> None:
    marks = landmarks(pack)
    lon, lat = marks["国科大杭州高等研究院"]
    out = within_radius(lon, lat, pack["parcels"], 1000)
    assert out["name_zh"].tolist() == ["国科大南侧地块"]


def test_landmarks_cover_areas_and_innovation(pack) -> None:
    marks = landmarks(pack)
    expected = set(pack["areas"]["name_zh"]) | set(pack["innovation"]["name_zh"])
    assert set(marks) == expected
    zone = by_name(pack["areas"], "紫金港科技城").geometry  # the one polygon
    assert zone.contains(Point(marks["紫金港科技城"]))
    for lon, lat in marks.values():
        assert 118 < lon < 121
        assert 29 < lat < 31


# --------------------------------------------------------------------------------------------
# Policies
# --------------------------------------------------------------------------------------------


def test_parcel_policies_xihu_biomedicine_includes_industrialisation_support(policies) -> None:
    matches = parcel_policies(policies, "西湖区", "生物医药")
    by_id = {m.policy_id: m for m in matches}
    assert "p000-012" in by_id
    assert by_id["p000-012"].measure == "产业化项目支持"
    assert {m.sector for m in matches} <= {"生物医药", "全部"}
    assert all(m.district == "西湖区" for m in matches)


def test_parcel_policies_without_sector_lists_all_of_the_district(policies) -> None:
    all_xihu = parcel_policies(policies, "西湖区", None)
    assert len(all_xihu) == (policies["district"] == "西湖区").sum()


def test_parcel_policies_qiantang_is_empty(policies) -> None:
    assert parcel_policies(policies, "钱塘区", None) == []
    assert parcel_policies(policies, "钱塘区", "生物医药") == []


# --------------------------------------------------------------------------------------------
# URL state
# --------------------------------------------------------------------------------------------

KNOWN = {
    "districts": {"西湖区", "滨江区", "钱塘区"},
    "platforms": {"云栖小镇", "紫金港科技城", "双浦镇", "之江,母港"},  # a value with a comma
    "land_uses": {"产业用地", "M1"},
    "quarters": {"2026Q1", "2026Q2", NOT_PUBLISHED_ZH},
    "statuses": set(PARCEL_STATUS_ZH),
    "industries": {"生物医药", "人工智能"},
    "parcel_ids": {"site-ucas-south", "site-sihaopu-rd", "a", "b", "c", "d", "e"},
    "sectors": {"生物医药", "集成电路"},
}

FULL = ViewState(
    query=ParcelQuery(
        districts=("西湖区", "滨江区"),
        platforms=("云栖小镇", "之江,母港"),
        land_uses=("产业用地",),
        area_mu_min=10.5,
        area_mu_max=50.0,
        include_unknown_area=False,
        quarters=("2026Q1", NOT_PUBLISHED_ZH),
        statuses=("planned", "listed"),
        industries=("生物医药",),
        text="云栖 Site",
    ),
    selected="site-ucas-south",
    compare=("a", "b", "c"),
    center=(30.123456789, 120.987654321),
    zoom=13,
    sector="生物医药",
)


def test_full_state_round_trips_without_notices() -> None:
    params = state_to_params(FULL)
    view, notices = state_from_params(params, KNOWN)
    assert view == FULL
    assert notices == []


def test_default_state_has_no_params_and_round_trips() -> None:
    assert state_to_params(ViewState()) == {}
    assert state_from_params({}, KNOWN) == (ViewState(), [])


def test_params_are_compact_and_readable() -> None:
    state = ViewState(
        query=ParcelQuery(districts=("西湖区",), statuses=("planned",), text="云栖", area_mu_min=10,
                          area_mu_max=50, include_unknown_area=False),
        selected="site-ucas-south", compare=("a", "b"), center=(30.1, 120.1), zoom=13,
    )  # fmt: skip
    assert state_to_params(state) == {
        "d": "西湖区",
        "amin": "10",
        "amax": "50",
        "ua": "0",
        "st": "planned",
        "q": "云栖",
        "sel": "site-ucas-south",
        "cmp": "a,b",
        "c": "30.1,120.1",
        "z": "13",
    }
    assert state_from_params(state_to_params(state), KNOWN)[0] == state


def test_list_values_from_repeated_keys_are_accepted() -> None:
    view, notices = state_from_params({"d": ["西湖区", "钱塘区"], "st": ["sold"]}, KNOWN)
    assert view.query.districts == ("西湖区", "钱塘区")
    assert view.query.statuses == ("sold",)
    assert notices == []


def _only_notice(notices: list[str], key: str) -> str:
    assert len(notices) == 1, notices
    assert key in notices[0], notices
    return notices[0]


TEN_THOUSAND = "云" * 10_000


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"d": "<script>alert(1)</script>"}, "d"),
        ({"d": "' OR 1=1 --"}, "d"),
        ({"p": "不存在的平台"}, "p"),
        ({"lu": "M9"}, "lu"),
        ({"qt": "2099Q9"}, "qt"),
        ({"st": "demolished"}, "st"),
        ({"ind": "<b>x</b>"}, "ind"),
        ({"amin": "abc"}, "amin"),
        ({"amin": "nan"}, "amin"),
        ({"amax": "1e309"}, "amax"),
        ({"amax": "inf"}, "amax"),
        ({"amin": "-5"}, "amin"),
        ({"amin": "0x10"}, "amin"),
        ({"amin": "1_000"}, "amin"),
        ({"ua": "yes"}, "ua"),
        ({"q": TEN_THOUSAND}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": "<script>alert(1)</script>"}, "q"),
        ({"q": "abc\x00def"}, "q"),
        ({"q": "line\nbreak"}, "q"),
        ({"q": "\u202egnp.exe"}, "q"),
        ({"sel": "no-such-parcel"}, "sel"),
        ({"sel": "' OR 1=1"}, "sel"),
        ({"cmp": "a,b,c,d,e"}, "cmp"),
        ({"cmp": "a"}, "cmp"),
        ({"cmp": "a,zzz"}, "cmp"),
        ({"cmp": ",".join(["a"] * 10_000)}, "cmp"),
        ({"sec": "军火"}, "sec"),
        ({"c": "nan,nan"}, "c"),
        ({"c": "30.1"}, "c"),
        ({"c": "39.9,116.4"}, "c"),  # Beijing: outside Hangzhou's box
        ({"c": "120.1,30.1"}, "c"),  # lon/lat swapped
        ({"c": "1e309,120"}, "c"),
        ({"z": "99"}, "z"),
        ({"z": "4"}, "z"),
        ({"z": "13.5"}, "z"),
        ({"z": "nan"}, "z"),
        ({"z": "' OR 1=1"}, "z"),
        ({"z": ["12", "13"]}, "z"),
        ({"evil": "1"}, "evil"),
        ({"D": "西湖区"}, "D"),
    ],
)
def test_hostile_value_is_dropped_with_one_notice(params, key) -> None:
    view, notices = state_from_params(params, KNOWN)
    assert view == ViewState()
    notice = _only_notice(notices, key)
    assert notice.startswith("已忽略")
    assert "<script>" not in notice  # values are never echoed
    assert "OR 1=1" not in notice


def test_zoom_notice_wording() -> None:
    _, notices = state_from_params({"z": "99"}, KNOWN)
    assert notices == ["已忽略无效的链接参数 z：缩放级别须为 5–18 的整数"]


def test_bad_value_drops_only_itself() -> None:
    view, notices = state_from_params(
        {"d": "西湖区,<script>,滨江区", "z": "99", "sel": "site-ucas-south", "amin": "nan", "amax": "40"},
        KNOWN,
    )
    assert view.query.districts == ("西湖区", "滨江区")
    assert view.selected == "site-ucas-south"
    assert view.zoom is None
    assert view.query.area_mu_min is None
    assert view.query.area_mu_max == 40
    assert len(notices) == 3
    assert [n.split("：")[0].split()[-1] for n in notices] == ["d", "z", "amin"]


def test_min_above_max_drops_both_with_a_notice() -> None:
    view, notices = state_from_params({"amin": "50", "amax": "10"}, KNOWN)
    assert (view.query.area_mu_min, view.query.area_mu_max) == (None, None)
    notice = _only_notice(notices, "amin")
    assert "amax" in notice
    assert "下限大于上限" in notice


def test_unknown_keys_each_named_and_hostile_key_names_not_echoed() -> None:
    params = {"foo": "1", "<script>": "x", "k" * 10_000: "y", "sel": "a"}
    view, notices = state_from_params(params, KNOWN)
    assert view.selected == "a"
    assert len(notices) == 3
    assert "foo" in notices[0]
    assert all("<script>" not in n and "kkkk" not in n for n in notices)


def test_many_unknown_keys_do_not_flood_notices() -> None:
    _, notices = state_from_params({f"x{i}": "1" for i in range(1000)}, KNOWN)
    assert len(notices) <= 6
    assert "995" in notices[-1]


def test_streamlit_reserved_params_are_ignored_silently() -> None:
    assert state_from_params({"embed": "true", "embed_options": "light_theme"}, KNOWN) == (ViewState(), [])


@pytest.mark.parametrize(
    "params",
    [
        {"d": None},
        {"d": 5},
        {"z": []},
        {"c": ["30.1,120.1", "30.2,120.2"]},
        {None: "x"},
        {1: "x"},
    ],
)
def test_odd_types_never_raise(params) -> None:
    view, notices = state_from_params(params, KNOWN)
    assert view == ViewState()
    assert len(notices) == 1


def test_missing_known_sets_drop_values_instead_of_raising() -> None:
    view, notices = state_from_params({"d": "西湖区", "sel": "a", "sec": "生物医药"}, {})
    assert view == ViewState()
    assert len(notices) == 3


def test_boundary_values_are_accepted() -> None:
    params = {"z": "5", "c": "29,121", "amin": "0", "amax": "0", "ua": "1", "qt": NOT_PUBLISHED_ZH}
    view, notices = state_from_params(params, KNOWN)
    assert notices == []
    assert view.zoom == 5
    assert view.center == (29.0, 121.0)
    assert (view.query.area_mu_min, view.query.area_mu_max) == (0.0, 0.0)
    assert view.query.include_unknown_area is True
    assert view.query.quarters == (NOT_PUBLISHED_ZH,)


def test_round_trip_keeps_floats_exact() -> None:
    state = ViewState(center=(30.1 + 1e-12, 120.0 + 1 / 3), query=ParcelQuery(area_mu_min=math.pi))
    assert state_from_params(state_to_params(state), KNOWN)[0] == state
