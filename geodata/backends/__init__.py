"""Store backends: a GeoPackage file (default) or PostGIS (with a database URL).

>>> database_url({"ATLAS_DATABASE_URL": "postgresql://u@h/db"}, {})
'postgresql://u@h/db'
>>> database_url({}, {"database_url": "postgresql://x@y/z"})
'postgresql://x@y/z'
>>> database_url({}, {}) is None
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from geodata.backends.base import (
    EDITABLE_COLUMNS,
    STORE_PARCEL_COLUMNS,
    Backend,
    Change,
    ConflictError,
    HistoryEntry,
    StoreError,
)

DATABASE_ENV = "ATLAS_DATABASE_URL"

__all__ = [
    "DATABASE_ENV",
    "EDITABLE_COLUMNS",
    "STORE_PARCEL_COLUMNS",
    "Backend",
    "Change",
    "ConflictError",
    "HistoryEntry",
    "StoreError",
    "database_url",
    "open_backend",
]


def database_url(
    environ: Mapping[str, str] | None = None, secrets: Mapping[str, object] | None = None
) -> str | None:
    """The PostGIS URL from the environment, else from Streamlit secrets; None means GeoPackage."""
    environ = os.environ if environ is None else environ
    url = environ.get(DATABASE_ENV) or (secrets or {}).get("database_url")
    return str(url) if url else None


def open_backend(url: str | None = None, path: Path | None = None, pack: Path | None = None) -> Backend:
    """The store, ready to use: PostGIS when ``url`` is given, else the GeoPackage at ``path``.

    Either one is created and seeded from the data pack on first use and brought up to
    date with the pack's reference layers; parcels already in the store are kept.
    """
    from geodata import store

    pack = Path(pack) if pack is not None else store.default_pack_dir()
    if url:
        from geodata.backends.postgis import PostGISBackend

        backend = PostGISBackend(url)

        class _Reader:  # the pack this backend is seeded from
            @staticmethod
            def read_pack_layer(name: str):  # type: ignore[no-untyped-def]
                return store.read_pack_layer(name, pack)

            @staticmethod
            def read_pack_table(name: str):  # type: ignore[no-untyped-def]
                return store.read_pack_table(name, pack)

        backend.ensure(store.pack_hash(pack), _Reader)
        return backend
    from geodata.backends.gpkg import GeoPackageBackend

    return GeoPackageBackend(store.ensure_store(path, pack))
