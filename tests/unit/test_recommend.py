"""Site recommendation on small hand-made sets where the right order is obvious."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geodata.domain.recommend import Project, Weights, explain, rank
from geodata.text.i18n import translate

NAN = float("nan")


def _parcels(rows: list[dict]) -> gpd.GeoDataFrame:
    base = {"district": "西湖区", "parent": None, "land_use": "工业用地", "industry": None, "area_mu": None,
            "investment_intensity_wan_per_mu": None, "tax_per_mu_wan": None, "name_en": "", "source": "import.xlsx"}  # fmt: skip
    return gpd.GeoDataFrame([{**base, **r} for r in rows], geometry=[Point(r.pop("xy", (120.1, 30.25))) for r in rows],
                            crs="EPSG:4326")  # fmt: skip


AREAS = gpd.GeoDataFrame(
    [{"id": "a1", "name_zh": "紫金港科技城", "name_en": "Zijingang", "district": "西湖区", "parent": None, "source": "003.txt"},
     {"id": "a2", "name_zh": "云栖小镇", "name_en": "Yunqi", "district": "西湖区", "parent": None, "source": "000.txt"}],
    geometry=[Point(120.08, 30.30), Point(120.10, 30.18)], crs="EPSG:4326",
)  # fmt: skip
INNOVATION = gpd.GeoDataFrame([{"id": "i1", "name_zh": "某大学", "source": "003.txt"}], geometry=[Point(120.1, 30.25)], crs="EPSG:4326")
PROJECTS = gpd.GeoDataFrame([{"id": "p1", "name_zh": "某项目", "source": "002.txt"}], geometry=[Point(120.5, 30.3)], crs="EPSG:4326")
POLICIES = pd.DataFrame([{"id": "p1", "district": "西湖区", "platform": "", "sector": "制造业", "measure": "技改资助", "measure_en": "Upgrade grant",
    "condition": "", "threshold_value": NAN, "threshold_unit": "", "cap_value": 500.0, "cap_unit": "万元", "rate_pct": NAN, "rate_basis": "",
    "annual_budget_value": NAN, "annual_budget_unit": "", "budget_qualifier": "", "effective": "", "source": "000.txt", "quote": "最高500万元"}])  # fmt: skip


def _rank(project: Project, parcels, weights=None, lang="zh"):  # type: ignore[no-untyped-def]
    return rank(project, parcels, AREAS, PROJECTS, INNOVATION, POLICIES, weights, lang)


def _order(rec) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.id for r in rec.parcels]


def test_size_fit_beats_no_fit_and_unknown_is_not_scored() -> None:
    parcels = _parcels([
        {"id": "fits", "name_zh": "甲", "area_mu": 50},
        {"id": "off", "name_zh": "乙", "area_mu": 90},
        {"id": "unknown", "name_zh": "丙", "area_mu": None},
    ])  # fmt: skip
    rec = _rank(Project(land_mu_min=40, land_mu_max=60), parcels)
    assert _order(rec)[0] == "fits"
    by_id = {r.id: r for r in rec.parcels}
    size = {r.id: next(x for x in r.reasons if x.criterion == "size") for r in rec.parcels}
    assert size["unknown"].status == "unknown"
    assert size["off"].status == "no_fit"
    # unknown is neither a fit nor a zero: the unknown parcel's score comes from its known criteria only
    assert by_id["unknown"].known == by_id["fits"].known - 1
    assert by_id["unknown"].score == by_id["fits"].score == 1.0  # its one known criterion (policy) fits
    # more evidence first when the scores tie
    assert _order(rec).index("fits") < _order(rec).index("unknown") < _order(rec).index("off")


def test_sector_fit_and_unknown_sector() -> None:
    parcels = _parcels([
        {"id": "chip", "name_zh": "甲", "industry": "集成电路"},
        {"id": "make", "name_zh": "乙", "industry": "高端装备制造业"},
        {"id": "blank", "name_zh": "丙"},
    ])  # fmt: skip
    rec = _rank(Project(sector="制造业"), parcels)
    assert _order(rec)[0] == "make"
    sector = {r.id: next(x for x in r.reasons if x.criterion == "sector").status for r in rec.parcels}
    assert sector == {"make": "fit", "chip": "no_fit", "blank": "unknown"}


def test_weights_change_the_order() -> None:
    parcels = _parcels([
        {"id": "big_far", "name_zh": "甲", "area_mu": 50, "xy": (120.6, 30.25)},
        {"id": "small_near", "name_zh": "乙", "area_mu": 30, "xy": (120.1, 30.25)},
    ])  # fmt: skip
    project = Project(land_mu_min=40, land_mu_max=60, near_innovation=True)
    assert _order(_rank(project, parcels, Weights(size=5, innovation=0.1)))[0] == "big_far"
    assert _order(_rank(project, parcels, Weights(size=0.1, innovation=5)))[0] == "small_near"


def test_preferred_districts_and_land_use_leave_parcels_out_with_reasons() -> None:
    parcels = _parcels([
        {"id": "xihu", "name_zh": "甲"},
        {"id": "binjiang", "name_zh": "乙", "district": "滨江区"},
        {"id": "housing", "name_zh": "丙", "land_use": "住宅用地"},
        {"id": "tiny", "name_zh": "丁", "area_mu": 5},
    ])  # fmt: skip
    rec = _rank(Project(districts=("西湖区",), land_mu_min=40), parcels)
    assert _order(rec) == ["xihu"]
    left = {x.id: x.reason.key for x in rec.left_out if x.kind == "parcel"}
    assert left == {"binjiang": "left_district", "housing": "left_land_use", "tiny": "left_small"}
    assert "滨江区" in next(x for x in rec.left_out if x.id == "binjiang").reason.text("zh")


def test_a_project_no_site_fits_says_so() -> None:
    parcels = _parcels([{"id": "a", "name_zh": "甲", "district": "滨江区"}])
    rec = _rank(Project(districts=("钱塘区",)), parcels)
    assert rec.parcels == ()
    assert explain(rec, "zh") == translate("recommend.explain.none", "zh", considered=1, left=len(rec.left_out))
    assert "1 considered" in explain(rec, "en")


def test_investment_intensity_against_the_parcels_requirement() -> None:
    parcels = _parcels([
        {"id": "strict", "name_zh": "甲", "investment_intensity_wan_per_mu": 800},
        {"id": "easy", "name_zh": "乙", "investment_intensity_wan_per_mu": 300},
        {"id": "unpublished", "name_zh": "丙"},
    ])  # fmt: skip
    rec = _rank(Project(land_mu_min=40, land_mu_max=60, investment_wan=25000), parcels)  # 500 万元/亩
    status = {r.id: next(x for x in r.reasons if x.criterion == "intensity").status for r in rec.parcels}
    assert status == {"strict": "no_fit", "easy": "fit", "unpublished": "unknown"}
    assert _order(rec)[0] == "easy"


def test_policy_unknown_where_the_sources_hold_no_measures() -> None:
    parcels = _parcels([{"id": "q", "name_zh": "甲", "district": "钱塘区"}, {"id": "x", "name_zh": "乙"}])
    rec = _rank(Project(sector="制造业", investment_wan=3000), parcels)
    policy = {r.id: next(x for x in r.reasons if x.criterion == "policy") for r in rec.parcels}
    assert policy["q"].status == "unknown"
    assert policy["x"].status == "fit"
    assert policy["x"].source == "000.txt"
    assert rec.parcels[0].id == "x"
    assert rec.parcels[1].score is None  # nothing known about q


def test_platform_and_the_reasons_in_both_languages() -> None:
    parcels = _parcels([{"id": "in", "name_zh": "甲", "parent": "紫金港科技城"}, {"id": "out", "name_zh": "乙", "parent": "云栖小镇"}])
    rec = _rank(Project(platform="紫金港科技城"), parcels)
    assert _order(rec) == ["in", "out"]
    for lang in ("zh", "en"):
        for r in rec.parcels:
            for reason in r.reasons:
                assert reason.text(lang)  # every reason has words in both languages
    assert next(a.id for a in rec.areas) == "a1"  # the named platform itself ranks first


@pytest.mark.parametrize("bad", [{"land_mu_min": -1}, {"investment_wan": float("inf")}, {"land_mu_min": 9, "land_mu_max": 3}])
def test_bad_project_values_are_refused(bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=r"land_mu_min|investment_wan"):
        Project(**bad)


def test_shipped_parcels_rank_with_unknowns_said() -> None:
    from geodata.model import pack_reader

    layers = {n: pack_reader.read_pack_layer(n) for n in ("parcels", "areas", "projects", "innovation")}
    rec = rank(Project(sector="制造业", land_mu_min=20, land_mu_max=80, near_innovation=True), layers["parcels"],
               layers["areas"], layers["projects"], layers["innovation"], pack_reader.read_pack_table("policies"))  # fmt: skip
    assert len(rec.parcels) == 5
    for r in rec.parcels:  # the shipped parcels publish no area and no industry
        statuses = {x.criterion: x.status for x in r.reasons}
        assert statuses["size"] == "unknown"
        assert statuses["sector"] == "unknown"


def test_expected_output_is_said_unknown_not_scored() -> None:
    parcels = _parcels([{"id": "a", "name_zh": "甲"}])
    with_output = _rank(Project(output_per_mu_wan=800), parcels).parcels[0]
    without = _rank(Project(), parcels).parcels[0]
    assert next(r for r in with_output.reasons if r.criterion == "output").status == "unknown"
    assert (with_output.score, with_output.known) == (without.score, without.known)
