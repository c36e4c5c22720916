"""The ``backend`` fixture: every test that takes it runs against the GeoPackage AND PostGIS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from geodata.store import Backend, open_backend


@pytest.fixture(params=["gpkg", "postgis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "gpkg":
        b = open_backend(path=tmp_path / "store.gpkg")
    else:
        from geodata.store.postgis import PostGISBackend

        url = request.getfixturevalue("postgis_url")
        PostGISBackend(url).drop_all()
        b = open_backend(url=url)
    yield b
    b.engine.dispose()
