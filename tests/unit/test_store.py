"""The GeoPackage store: built from the pack, read back unchanged, rebuilt when the pack changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from geopandas.testing import assert_geodataframe_equal

from geodata import store
from geodata.model import pack_reader
from geodata.model.schema import LAYERS, PACK_DIR, TABLES
from geodata.store import gpkg_file


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return store.build_store(tmp_path_factory.mktemp("s") / "atlas.gpkg")


def test_store_is_a_geopackage_with_every_layer_and_table(built: Path) -> None:
    names = {row[0] for row in pyogrio.list_layers(built)}
    assert set(LAYERS) | set(TABLES) | {gpkg_file.META_TABLE} <= names
    assert pyogrio.read_info(built, layer="districts")["driver"] == "GPKG"


@pytest.mark.parametrize("layer", list(LAYERS))
def test_layers_round_trip(built: Path, layer: str) -> None:
    expected = pack_reader.read_pack_layer(layer)
    if layer == "parcels":  # the store types numeric parcel fields (editors edit them): unknown is NaN, not None
        from geodata.store.base import PARCEL_NUMERIC

        expected = expected.astype({c: float for c in PARCEL_NUMERIC if c in expected.columns})
    got = store.read_layer(built, layer)
    assert got.crs.to_epsg() == 4326
    assert_geodataframe_equal(
        got[expected.columns], expected, check_dtype=False, check_less_precise=True, normalize=True
    )


@pytest.mark.parametrize("table", list(TABLES))
def test_tables_round_trip(built: Path, table: str) -> None:
    expected = pack_reader.read_pack_table(table)
    got = store.read_table(built, table)
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)


def test_unknown_values_stay_unknown(built: Path) -> None:
    parcels = store.read_layer(built, "parcels")
    assert parcels["area_mu"].isna().all()
    indicators = store.read_table(built, "indicators")
    # empty text stays empty text (not "nan", not "None")
    assert not indicators.isin(["nan", "None"]).any().any()


def test_ensure_store_builds_once_and_rebuilds_when_the_pack_changes(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(PACK_DIR, pack)
    path = tmp_path / "atlas.gpkg"
    store.ensure_store(path, pack)
    first = path.stat().st_mtime_ns
    store.ensure_store(path, pack)
    assert path.stat().st_mtime_ns == first, "an up-to-date store must not be rebuilt"

    sources = pack / TABLES["sources"]
    df = pd.read_csv(sources, dtype=str, keep_default_na=False)
    df.loc[0, "title_en"] = "changed"
    df.to_csv(sources, index=False)
    store.ensure_store(path, pack)
    assert store.store_pack_hash(path) == pack_reader.pack_hash(pack)
    assert store.read_table(path, "sources").loc[0, "title_en"] == "changed"


def test_a_broken_store_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "atlas.gpkg"
    path.write_bytes(b"not a geopackage")
    store.ensure_store(path)
    assert len(store.read_layer(path, "districts")) == 13


def test_store_path_follows_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path / "x.gpkg"))
    assert store.default_store_path() == tmp_path / "x.gpkg"
    monkeypatch.delenv(store.STORE_ENV)
    assert store.default_store_path() == gpkg_file.REPO_DIR / "data" / "atlas.gpkg"


def test_unknown_layer_is_refused(built: Path) -> None:
    with pytest.raises(KeyError):
        store.read_layer(built, "nope")
    with pytest.raises(KeyError):
        store.read_table(built, "nope")


def test_store_opens_in_plain_geopandas(built: Path) -> None:
    # what a GIS user would do with the file
    gdf = gpd.read_file(built, layer="parcels")
    assert len(gdf) == 5


def test_another_pack_can_be_chosen_by_environment(monkeypatch, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(PACK_DIR, pack)
    monkeypatch.setenv(pack_reader.PACK_ENV, str(pack))
    assert pack_reader.default_pack_dir() == pack
    path = store.ensure_store(tmp_path / "atlas.gpkg")
    assert store.store_pack_hash(path) == pack_reader.pack_hash(pack)
