"""The pack's files agree with each other: areas exist, projects match their figures, schema holds."""

from __future__ import annotations

import pytest

from geodata.model import pack_reader
from geodata.model.schema import GEOMETRY_QUALITIES, INDICATOR_COLUMNS, PARCEL_COLUMNS


@pytest.fixture(scope="module")
def area_names(layers) -> set[str]:
    return (
        set(layers["districts"]["name_zh"])
        | set(layers["context"]["name_zh"])
        | set(layers["areas"]["name_zh"])
    )


@pytest.mark.parametrize(
    ("table", "column"), [("indicators", "area"), ("funds", "area"), ("policies", "district")]
)
def test_every_area_named_in_a_table_exists_in_the_areas_layers(area_names, table: str, column: str) -> None:
    named = set(pack_reader.read_pack_table(table)[column]) - {""}
    assert named <= area_names, named - area_names


def test_every_platform_named_in_policies_exists(area_names) -> None:
    named = set(pack_reader.read_pack_table("policies")["platform"]) - {""}
    assert named <= area_names


def test_every_place_sits_in_an_existing_district_and_parent(layers, area_names) -> None:
    districts = set(layers["districts"]["name_zh"])
    for name in ("areas", "parcels", "projects", "innovation"):
        gdf = layers[name]
        assert set(gdf["district"]) <= districts, name
        parents = {p for p in gdf["parent"] if isinstance(p, str) and p}
        assert parents <= area_names, (name, parents - area_names)


def test_projects_with_an_investment_match_their_indicator_row(layers) -> None:
    indicators = pack_reader.read_pack_table("indicators")
    projects = layers["projects"]
    with_money = projects[projects["investment_value"].notna()]
    assert len(with_money) >= 5
    for _, p in with_money.iterrows():
        rows = indicators[(indicators["subject"] == p["name_zh"]) & (indicators["category"] == "investment")]
        assert len(rows), f"no investment figure for project {p['name_zh']}"
        assert ((rows["value"] == p["investment_value"]) & (rows["unit"] == p["investment_unit"])).any(), p[
            "name_zh"
        ]


def test_project_subjects_in_indicators_are_on_the_map(layers) -> None:
    indicators = pack_reader.read_pack_table("indicators")
    project_subjects = {s for s in indicators["subject"] if s.endswith("项目")}
    assert project_subjects <= set(layers["projects"]["name_zh"]), project_subjects - set(
        layers["projects"]["name_zh"]
    )


def test_every_geometry_has_a_known_quality(layers) -> None:
    for name in ("areas", "parcels", "projects", "innovation"):
        assert set(layers[name]["geometry_quality"]) <= set(GEOMETRY_QUALITIES), name
    assert (layers["districts"]["adcode"].str.len() == 6).all()


def test_parcels_carry_the_full_parcel_schema(layers) -> None:
    missing = set(PARCEL_COLUMNS) - set(layers["parcels"].columns)
    assert not missing


def test_indicators_have_the_documented_columns() -> None:
    cols = tuple(pack_reader.read_pack_table("indicators").columns)
    assert cols[: len(INDICATOR_COLUMNS)] == INDICATOR_COLUMNS


def test_sources_table_lists_exactly_the_seeds() -> None:
    from geodata.model.schema import SEEDS_DIR

    assert sorted(pack_reader.read_pack_table("sources")["file"]) == sorted(p.name for p in SEEDS_DIR.glob("*.txt"))
