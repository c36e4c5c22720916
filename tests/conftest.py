"""Shared test setup: every test run uses its own GeoPackage store, never the user's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# issue #8: `postgis_url` and the `backend` fixture (GeoPackage and PostGIS) for the data tests.
pytest_plugins = ["tests.data.postgis", "tests.data.backends"]


@pytest.fixture(scope="session", autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "atlas.gpkg"
    os.environ["ATLAS_STORE"] = str(path)
    return path
