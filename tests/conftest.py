"""Shared test setup: every test run uses its own GeoPackage store, never the user's; the
shipped pack's tables and layers as fixtures (read once per test module, so a test that
changes a frame cannot leak into another module)."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geodata.model import pack_reader
from geodata.model.schema import LAYERS

REPO = Path(__file__).resolve().parents[1]

# `postgis_url` and the `backend` fixture: the data tests run against GeoPackage and PostGIS alike.
pytest_plugins = ["tests.data.postgis", "tests.data.backends"]


@pytest.fixture(scope="session", autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "atlas.gpkg"
    os.environ["ATLAS_STORE"] = str(path)
    return path


@pytest.fixture(scope="module")
def indicators() -> pd.DataFrame:
    """The shipped pack's ``indicators`` table (every sourced figure)."""
    return pack_reader.read_pack_table("indicators")


@pytest.fixture(scope="module")
def policies() -> pd.DataFrame:
    """The shipped pack's ``policies`` table (support measures and their rules)."""
    return pack_reader.read_pack_table("policies")


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    """Every spatial layer of the shipped pack, by name (``schema.LAYERS``)."""
    return {name: pack_reader.read_pack_layer(name) for name in LAYERS}


@pytest.fixture(scope="module")
def tour_index(layers, indicators):
    """What a tour may cite: the pack's features, indicators and the basemaps."""
    from components.basemaps import basemaps
    from geodata.domain.tours import pack_index

    return pack_index(layers, indicators, basemaps())
