"""The store: where parcels are kept and edited, and the reference layers are read from.

Two backends behind one SQL layer (``base.Backend``): a GeoPackage file (default, built
from the data pack by ``gpkg_file``) or PostGIS (with a database URL). ``users`` holds the
editors' password hashes and the sign-in throttle; ``backup`` copies the store (before every
rebuild and import, and for ``make backup``) and puts a copy back. ``leads`` keeps interest
registrations in their own tables of the same store (read only by signed-in staff).

May import: ``geodata.model``, ``geodata.text`` (message keys only), ``geodata.domain`` (the
lead rules). Never the ingest or export parts, and never Streamlit.

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

from geodata.model.pack_reader import default_pack_dir
from geodata.store.base import (
    EDITABLE_COLUMNS,
    STORE_PARCEL_COLUMNS,
    Backend,
    Change,
    ConflictError,
    HistoryEntry,
    StoreChangedError,
    StoreError,
)
from geodata.store.gpkg import GeoPackageBackend
from geodata.store.gpkg_file import (
    STORE_ENV,
    build_store,
    default_store_path,
    ensure_store,
    read_layer,
    read_table,
    store_pack_hash,
)

DATABASE_ENV = "ATLAS_DATABASE_URL"

__all__ = [
    "DATABASE_ENV",
    "EDITABLE_COLUMNS",
    "STORE_ENV",
    "STORE_PARCEL_COLUMNS",
    "Backend",
    "Change",
    "ConflictError",
    "HistoryEntry",
    "StoreChangedError",
    "StoreError",
    "build_store",
    "database_url",
    "default_store_path",
    "ensure_store",
    "open_backend",
    "read_layer",
    "read_table",
    "store_pack_hash",
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
    pack = Path(pack) if pack is not None else default_pack_dir()
    if url:
        from geodata.store.postgis import PostGISBackend  # psycopg is loaded only when PostGIS is used

        backend = PostGISBackend(url)
        backend.ensure(pack)
        return backend
    return GeoPackageBackend(ensure_store(path, pack))
