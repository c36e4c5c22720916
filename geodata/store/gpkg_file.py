"""The GeoPackage store: built once from the data pack, read by the app afterwards.

One GeoPackage file (SQLite, the OGC format GIS tools open directly) holds every
spatial layer and attribute table of the pack. It is built on first start, and
rebuilt when the shipped pack changes (the pack's content hash is kept in the
``atlas_meta`` table). Writes go to a temporary file that replaces the store in
one rename, so a reader never sees a half-built store.

Parcels are seeded from the pack once and belong to the editors afterwards
(``geodata.store.base``): a rebuild for a new pack replaces the reference layers and
tables but carries every stored parcel, the edit history, the import mappings and the
revision counter over, and the leads (interest registrations); a pack parcel is added only if
the store never had its id.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geodata.model.pack_reader import default_pack_dir, pack_hash, read_pack_layer, read_pack_table
from geodata.model.schema import LAYERS, NUMERIC_COLUMNS, PACK_DIR, TABLES, WGS84
from geodata.store.base import PARCEL_NUMERIC, STORE_PARCEL_COLUMNS, create_bookkeeping, now_utc
from geodata.store.leads import LEAD_TABLES

STORE_ENV = "ATLAS_STORE"
META_TABLE = "atlas_meta"
REPO_DIR = PACK_DIR.parents[1]


def default_store_path() -> Path:
    """Where the store lives: ``$ATLAS_STORE``, else ``data/atlas.gpkg`` in the repo (git-ignored).

    Examples
    --------
    >>> default_store_path().suffix
    '.gpkg'
    """
    env = os.environ.get(STORE_ENV)
    return Path(env).expanduser() if env else REPO_DIR / "data" / "atlas.gpkg"


def build_store(path: Path, pack: Path = PACK_DIR, keep_from: Path | None = None) -> Path:
    """Build the GeoPackage at ``path`` from the pack, atomically.

    Returns the path. An existing store is replaced only once the new one is complete,
    and a copy of it is kept first (``geodata.store.backup``). The replacement is written
    INTO the existing file with SQLite's backup API, under SQLite's locks, rather than
    renamed over it: app processes that have the store open keep working and see the new
    content (a renamed-over file would leave them writing to a deleted one: "readonly
    database"). With ``keep_from`` (the previous store), its parcels and history carry over.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".atlas-", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # GDAL creates the file itself
    try:
        for layer in LAYERS:
            if layer == "parcels":
                _write_parcels(read_pack_layer(layer, pack), tmp)
            else:
                pyogrio.write_dataframe(read_pack_layer(layer, pack), tmp, layer=layer, driver="GPKG")
        for table in TABLES:
            pyogrio.write_dataframe(read_pack_table(table, pack), tmp, layer=table, driver="GPKG")
        meta = pd.DataFrame({"key": ["pack_hash"], "value": [pack_hash(pack)]})
        pyogrio.write_dataframe(meta, tmp, layer=META_TABLE, driver="GPKG")
        _carry_over(tmp, keep_from)
        if _is_sqlite(path):  # a store (perhaps in use): keep a copy, then write into it
            from geodata.store.backup import _copy_sqlite, backup_gpkg

            backup_gpkg(path, reason="rebuild")
            _copy_sqlite(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def store_pack_hash(path: Path) -> str | None:
    """The pack hash a store was built from, or None if it has none (or is unreadable)."""
    try:
        meta = pyogrio.read_dataframe(path, layer=META_TABLE, read_geometry=False)
    except Exception:  # a missing, foreign or broken file: treat as "not built from this pack"
        return None
    rows = meta.loc[meta["key"] == "pack_hash", "value"]
    return str(rows.iloc[0]) if len(rows) else None


def ensure_store(path: Path | None = None, pack: Path | None = None) -> Path:
    """Return a store that is up to date with the pack, building it if needed."""
    path = Path(path) if path is not None else default_store_path()
    pack = Path(pack) if pack is not None else default_pack_dir()
    if path.exists() and _has_parcel_history(path) and store_pack_hash(path) == pack_hash(pack):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    # One builder at a time: a second process waits, then finds the store up to date.
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # A missing store, or one built before parcels were editable, has nothing to keep.
        if not path.exists() or not _has_parcel_history(path):
            build_store(path, pack)
        elif store_pack_hash(path) != pack_hash(pack):
            build_store(path, pack, keep_from=path)
    return path


def _write_parcels(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """The parcels layer in the store's versioned form (any geometry type, no R-tree: see backends.gpkg)."""
    out = pd.DataFrame(index=gdf.index)
    for col in STORE_PARCEL_COLUMNS:
        values = gdf[col] if col in gdf.columns else pd.Series([None] * len(gdf), index=gdf.index)
        if col in PARCEL_NUMERIC:
            out[col] = pd.to_numeric(values, errors="coerce").astype(float)
        else:
            out[col] = (
                values.astype(object)
                .where(values.notna(), None)
                .map(lambda v: str(v) if v is not None else None)
            )
    out["version"] = 1
    out["updated_at"] = now_utc()
    out["updated_by"] = "pack"
    frame = gpd.GeoDataFrame(out, geometry=gdf.geometry.values, crs=gdf.crs)
    pyogrio.write_dataframe(
        frame,
        path,
        layer="parcels",
        driver="GPKG",
        geometry_type="Unknown",
        layer_options={"SPATIAL_INDEX": "NO"},
    )
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS parcels_id ON parcels (id)")
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        create_bookkeeping("gpkg", conn)
    engine.dispose()


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _has_parcel_history(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'parcel_history'").fetchone())
    except sqlite3.Error:
        return False


def _carry_over(new: Path, old: Path | None) -> None:
    """Copy the editors' parcels, history, mappings and revision from the old store into the new one."""
    if old is None:
        return
    conn = sqlite3.connect(new, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS old", (str(old),))
        conn.execute("BEGIN")
        new_cols = {r[1] for r in conn.execute("PRAGMA main.table_info(parcels)")}
        old_cols = [r[1] for r in conn.execute("PRAGMA old.table_info(parcels)") if r[1] in new_cols]
        old_cols = [c for c in old_cols if c != "fid"]
        # Keep a pack parcel only if the store never had it (nor removed it).
        conn.execute(
            "DELETE FROM main.parcels WHERE id IN (SELECT id FROM old.parcels) "
            "OR id IN (SELECT parcel_id FROM old.parcel_history)"
        )
        cols = ", ".join(f'"{c}"' for c in old_cols)
        conn.execute(f"INSERT INTO main.parcels ({cols}) SELECT {cols} FROM old.parcels ORDER BY fid")
        for table in ("parcel_history", "import_mappings", "atlas_state"):
            conn.execute(f"DELETE FROM main.{table}")
            conn.execute(f"INSERT INTO main.{table} SELECT * FROM old.{table}")
        # Leads (interest registrations) belong to the store, not to the pack: a rebuild keeps them.
        old_tables = {r[0] for r in conn.execute("SELECT name FROM old.sqlite_master WHERE type = 'table'")}
        for table in LEAD_TABLES:
            if table in old_tables:
                conn.execute(f"DELETE FROM main.{table}")
                conn.execute(f"INSERT INTO main.{table} SELECT * FROM old.{table}")
        conn.execute(
            "UPDATE main.atlas_state SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'revision'"
        )
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE old")
    finally:
        conn.close()


def read_layer(path: Path, name: str) -> gpd.GeoDataFrame:
    """Read a spatial layer from the store (WGS-84)."""
    if name not in LAYERS:
        raise KeyError(f"unknown layer {name!r}; known: {', '.join(LAYERS)}")
    gdf = gpd.read_file(path, layer=name, engine="pyogrio")
    return gdf.to_crs(WGS84)


def read_table(path: Path, name: str) -> pd.DataFrame:
    """Read an attribute table from the store; empty text stays ``""``."""
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; known: {', '.join(TABLES)}")
    df = pyogrio.read_dataframe(path, layer=name, read_geometry=False)
    text_cols = [c for c in df.columns if c not in NUMERIC_COLUMNS.get(name, ())]
    df[text_cols] = df[text_cols].fillna("").astype(str)
    return df
