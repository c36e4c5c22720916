"""PostGIS store: the same parcels, history and mappings as the GeoPackage, in PostgreSQL.

Chosen by a database URL (``ATLAS_DATABASE_URL`` or ``database_url`` in
``.streamlit/secrets.toml``). Reference layers and tables of the data pack live in
``ref_<name>`` tables, replaced when the pack changes; parcels are seeded from the pack
once and belong to the editors afterwards (a pack update never overwrites them).
Several app processes share one database: each write raises ``atlas_state.revision``,
which every page run reads, so a change shows everywhere on the next run.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import create_engine, text

from geodata.model import pack_reader
from geodata.model.schema import LAYERS, NUMERIC_COLUMNS, TABLES, WGS84
from geodata.store.base import (
    PARCEL_NUMERIC,
    STORE_PARCEL_COLUMNS,
    Backend,
    Change,
    _q,
    create_bookkeeping,
)

#: Any constant: the advisory lock that serialises schema set-up between processes.
_INIT_LOCK = 80_512_026


def normalise_url(url: str) -> str:
    """SQLAlchemy URL for psycopg 3 (``postgresql://`` alone would ask for psycopg2).

    >>> normalise_url("postgresql://u@h/db"), normalise_url("postgres://u@h/db")
    ('postgresql+psycopg://u@h/db', 'postgresql+psycopg://u@h/db')
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class PostGISBackend(Backend):
    kind = "postgis"
    geom_param = "ST_GeomFromWKB(:geom, 4326)"
    geom_select = "ST_AsBinary(geom)"
    lock_clause = " FOR UPDATE"

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(create_engine(normalise_url(url), pool_pre_ping=True))

    def backup(self, reason: str = "manual") -> Path:
        """``pg_dump`` of the atlas's tables (see ``geodata.store.backup``)."""
        from geodata.store.backup import backup_dir, backup_postgis
        from geodata.store.gpkg_file import default_store_path

        return backup_postgis(self.url, backup_dir(default_store_path()), reason=reason)

    def encode_geometry(self, geom: BaseGeometry) -> bytes:
        return shapely.to_wkb(geom, output_dimension=2)

    def decode_geometry(self, value: bytes | memoryview | None) -> BaseGeometry | None:
        return None if value is None else shapely.from_wkb(bytes(value))

    def ensure(self, pack: Path) -> None:
        """Create the schema, seed parcels once from ``pack``, refresh reference data when the pack changed."""
        pack_hash = pack_reader.pack_hash(pack)
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _INIT_LOCK})
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            cols = ", ".join(
                f"{_q(c)} {'DOUBLE PRECISION' if c in PARCEL_NUMERIC else 'TEXT'}"
                for c in STORE_PARCEL_COLUMNS
            ).replace('"id" TEXT', '"id" TEXT NOT NULL UNIQUE')
            conn.execute(
                text(
                    f"CREATE TABLE IF NOT EXISTS parcels (fid SERIAL PRIMARY KEY, {cols}, version INTEGER NOT NULL, "
                    "updated_at TEXT, updated_by TEXT, geom geometry(Geometry, 4326))"
                )
            )
            create_bookkeeping(self.kind, conn)
            seeded = conn.execute(text("SELECT value FROM atlas_state WHERE key = 'seeded'")).scalar()
            stored_hash = conn.execute(text("SELECT value FROM atlas_state WHERE key = 'pack_hash'")).scalar()
            if stored_hash != pack_hash:
                for name in LAYERS:
                    if name != "parcels":
                        pack_reader.read_pack_layer(name, pack).rename_axis("_row").to_postgis(
                            f"ref_{name}", conn, if_exists="replace", index=True
                        )
                for name in TABLES:
                    pack_reader.read_pack_table(name, pack).rename_axis("_row").to_sql(
                        f"ref_{name}", conn, if_exists="replace", index=True
                    )
                conn.execute(text("DELETE FROM atlas_state WHERE key = 'pack_hash'"))
                conn.execute(
                    text("INSERT INTO atlas_state (key, value) VALUES ('pack_hash', :h)"), {"h": pack_hash}
                )
        if not seeded:
            parcels = pack_reader.read_pack_layer("parcels", pack)
            changes = [
                Change("add", str(row["id"]), {c: row.get(c) for c in STORE_PARCEL_COLUMNS}, row.geometry)
                for _, row in parcels.iterrows()
            ]
            with self.engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _INIT_LOCK})
                if conn.execute(text("SELECT value FROM atlas_state WHERE key = 'seeded'")).scalar():
                    return  # another process seeded meanwhile
                for change in changes:
                    self._seed(conn, change)
                conn.execute(text("INSERT INTO atlas_state (key, value) VALUES ('seeded', '1')"))
                self._bump(conn)

    def _seed(self, conn, change: Change) -> None:  # type: ignore[no-untyped-def]
        # Seeding from the pack is not an edit: no history row, updated_by "pack".
        from geodata.store.base import clean_value, now_utc

        row = {c: clean_value(c, change.values.get(c)) for c in STORE_PARCEL_COLUMNS}
        row.update(version=1, updated_at=now_utc(), updated_by="pack")
        self._insert_parcel(conn, row, change.geometry)

    def read_layer(self, name: str) -> gpd.GeoDataFrame:
        if name == "parcels":
            return self.read_parcels()
        if name not in LAYERS:
            raise KeyError(f"unknown layer {name!r}; known: {', '.join(LAYERS)}")
        with self.engine.connect() as conn:
            gdf = gpd.read_postgis(
                text(f'SELECT * FROM "ref_{name}" ORDER BY "_row"'), conn, geom_col="geometry"
            )
        return gdf.drop(columns="_row").set_crs(WGS84, allow_override=True)

    def read_table(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}; known: {', '.join(TABLES)}")
        with self.engine.connect() as conn:
            df = pd.read_sql(text(f'SELECT * FROM "ref_{name}" ORDER BY "_row"'), conn).drop(columns="_row")
        numeric = NUMERIC_COLUMNS.get(name, ())
        text_cols = [c for c in df.columns if c not in numeric]
        df[text_cols] = df[text_cols].fillna("").astype(str)
        for c in numeric:
            if c in df.columns:
                df[c] = pd.to_numeric(df[c]).astype(float)
        return df

    def pack_version(self) -> str:
        with self.engine.connect() as conn:
            value = conn.execute(text("SELECT value FROM atlas_state WHERE key = 'pack_hash'")).scalar()
        return str(value or "")

    def drop_all(self) -> None:
        """Remove every atlas table (tests start each run from an empty database)."""
        with self.engine.begin() as conn:
            names = ["parcels", "parcel_history", "import_mappings", "atlas_state", "leads", "lead_events"]
            names += [f"ref_{n}" for n in (*LAYERS, *TABLES)]
            for n in names:
                conn.execute(text(f'DROP TABLE IF EXISTS "{n}" CASCADE'))
