"""The embedded store: one GeoPackage file (SQLite), parcels written with SQL in transactions.

The parcels layer is a regular GeoPackage feature layer (GIS tools open it directly):
its geometries are GeoPackage binaries (a small ``GP`` header, then WKB), written here
without an envelope; it has no R-tree index because the index triggers call SpatiaLite
functions plain SQLite lacks (a few thousand parcels need none). Writes take SQLite's
write lock at ``BEGIN IMMEDIATE``, so two processes never interleave a changeset.
"""

from __future__ import annotations

import struct
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import create_engine, event

from geodata.store import gpkg_file
from geodata.store.base import Backend

SRS_ID = 4326
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def encode_gpkg(geom: BaseGeometry, srs_id: int = SRS_ID) -> bytes:
    """A GeoPackage geometry binary: ``GP``, version 0, flags (little-endian, no envelope), SRS id, WKB.

    >>> from shapely.geometry import Point
    >>> blob = encode_gpkg(Point(120.1, 30.2))
    >>> blob[:4], decode_gpkg(blob).wkt
    (b'GP\\x00\\x01', 'POINT (120.1 30.2)')
    """
    flags = 0b0000_0001 | (0b0001_0000 if geom.is_empty else 0)
    return b"GP" + bytes([0, flags]) + struct.pack("<i", srs_id) + shapely.to_wkb(geom, output_dimension=2)


def decode_gpkg(blob: bytes | memoryview | None) -> BaseGeometry | None:
    """The geometry in a GeoPackage binary (any envelope, either byte order)."""
    if blob is None:
        return None
    data = bytes(blob)
    if data[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry binary")
    flags = data[3]
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ValueError("invalid GeoPackage envelope flag")
    return shapely.from_wkb(data[8 + envelope :])


class GeoPackageBackend(Backend):
    kind = "gpkg"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        engine = create_engine(f"sqlite:///{self.path}", connect_args={"timeout": 30})

        # pysqlite's own transaction handling defers BEGIN; take the write lock at the start
        # of every transaction instead (SQLAlchemy's documented recipe for SQLite).
        @event.listens_for(engine, "connect")
        def _autocommit(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        super().__init__(engine)

    def encode_geometry(self, geom: BaseGeometry) -> bytes:
        return encode_gpkg(geom)

    def decode_geometry(self, value: bytes | memoryview | None) -> BaseGeometry | None:
        return decode_gpkg(value)

    def read_layer(self, name: str) -> gpd.GeoDataFrame:
        return self.read_parcels() if name == "parcels" else gpkg_file.read_layer(self.path, name)

    def read_table(self, name: str) -> pd.DataFrame:
        return gpkg_file.read_table(self.path, name)

    def pack_version(self) -> str:
        return gpkg_file.store_pack_hash(self.path) or ""

    def backup(self, reason: str = "manual") -> Path:
        """A consistent copy of the store file (see ``geodata.store.backup``)."""
        from geodata.store.backup import backup_gpkg

        return backup_gpkg(self.path, reason=reason)
