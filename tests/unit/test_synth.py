"""The benchmark's synthetic parcels: inside the districts, marked, deterministic, never shipped."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from bench.synth import PREFIX, synthetic_parcels, write_pack
from geodata import store
from geodata.model import pack_reader

M2_PER_MU = 10000 / 15


@pytest.fixture(scope="module")
def syn() -> gpd.GeoDataFrame:
    return synthetic_parcels(400, seed=7)


def test_every_parcel_lies_in_the_district_it_names(syn) -> None:
    districts = pack_reader.read_pack_layer("districts").set_index("name_zh")
    for name, group in syn.groupby("district"):
        assert shapely.contains(districts.loc[name, "geometry"], group.geometry.to_numpy()).all(), name


def test_every_record_is_marked_synthetic(syn) -> None:
    assert syn["synthetic"].all()
    assert (syn["kind"] == "synthetic").all()
    assert syn["id"].str.startswith(PREFIX).all()
    assert syn["name_zh"].str.startswith(PREFIX).all()
    assert syn["source"].str.contains("synthetic").all()
    assert (syn["geometry_quality"] == "indicative").all()


def test_shapes_are_real_polygons_of_5_to_300_mu_some_multipart(syn) -> None:
    assert set(syn.geom_type) == {"Polygon", "MultiPolygon"}
    assert syn.is_valid.all()
    measured_mu = syn.to_crs(32651).area / M2_PER_MU
    assert measured_mu.between(4.5, 330).all()
    # the stated area matches the drawn shape (within a few percent: projection, rounding)
    assert ((measured_mu - syn["area_mu"]).abs() / syn["area_mu"]).max() < 0.05
    assert 0 < (syn.geom_type == "MultiPolygon").mean() < 0.25


def test_attributes_come_from_the_real_value_sets(syn) -> None:
    districts = set(pack_reader.read_pack_layer("districts")["name_zh"])
    platforms = set(pack_reader.read_pack_layer("areas")["name_zh"])
    sectors = set(pack_reader.read_pack_table("policies")["sector"])
    assert set(syn["district"]) <= districts
    assert len(set(syn["district"])) >= 10
    assert set(syn["parent"].dropna()) <= platforms
    assert set(syn["industry"]) <= sectors
    assert set(syn["status"]) == {"planned", "listed", "sold"}
    assert set(syn["supply_quarter"].dropna()) <= {"2026Q1", "2026Q2", "2026Q3", "2026Q4"}


def test_same_seed_same_parcels_other_seed_other_parcels(syn) -> None:
    again = synthetic_parcels(400, seed=7)
    assert again.drop(columns="geometry").equals(syn.drop(columns="geometry"))
    assert again.geometry.geom_equals_exact(syn.geometry, tolerance=0).all()
    other = synthetic_parcels(400, seed=8)
    assert not other.geometry.geom_equals_exact(syn.geometry, tolerance=0).all()


def test_a_written_pack_builds_a_store_the_app_can_read(tmp_path) -> None:
    pack = write_pack(50, tmp_path / "pack", seed=3)
    path = store.ensure_store(tmp_path / "atlas.gpkg", pack)
    parcels = store.read_layer(path, "parcels")
    assert len(parcels) == 50
    assert parcels["name_zh"].str.startswith(PREFIX).all()
    assert len(store.read_layer(path, "districts")) == len(pack_reader.read_pack_layer("districts"))


def test_the_shipped_pack_holds_no_synthetic_parcel() -> None:
    shipped = pack_reader.read_pack_layer("parcels")
    assert "synthetic" not in shipped.columns
    assert not shipped["id"].str.startswith(PREFIX).any()
    assert not shipped["name_zh"].str.startswith(PREFIX).any()
    assert (shipped["kind"] != "synthetic").all()
