"""The GeoPackage store: built once from the data pack, read by the app afterwards.

One GeoPackage file (SQLite, the OGC format GIS tools open directly) holds every
spatial layer and attribute table of the pack. It is built on first start, and
rebuilt when the shipped pack changes (the pack's content hash is kept in the
``atlas_meta`` table). Writes go to a temporary file that replaces the store in
one rename, so a reader never sees a half-built store.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geodata.schema import LAYERS, NUMERIC_COLUMNS, PACK_DIR, TABLES, WGS84

STORE_ENV = "ATLAS_STORE"
PACK_ENV = "ATLAS_PACK"  # another data pack (tests, benchmarks); the shipped one by default
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


def default_pack_dir() -> Path:
    """The data pack the store is built from: ``$ATLAS_PACK``, else the shipped ``geodata/pack``.

    Examples
    --------
    >>> default_pack_dir().name
    'pack'
    """
    env = os.environ.get(PACK_ENV)
    return Path(env).expanduser() if env else PACK_DIR


def pack_hash(pack: Path = PACK_DIR) -> str:
    """Content hash of every file the store is built from.

    Examples
    --------
    >>> len(pack_hash())
    64
    """
    h = hashlib.sha256()
    for name in sorted([*LAYERS.values(), *TABLES.values()]):
        h.update(name.encode())
        h.update((pack / name).read_bytes())
    return h.hexdigest()


def read_pack_table(name: str, pack: Path = PACK_DIR) -> pd.DataFrame:
    """Read one attribute table from the pack's CSV: text stays text, empty is unknown.

    Numeric columns (``schema.NUMERIC_COLUMNS``) become floats with NaN where empty;
    text columns keep ``""`` for empty so that nothing is filled in.
    """
    df = pd.read_csv(pack / TABLES[name], dtype=str, keep_default_na=False, encoding="utf-8")
    for col in NUMERIC_COLUMNS.get(name, ()):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="raise").astype(float)
    return df


def read_pack_layer(name: str, pack: Path = PACK_DIR) -> gpd.GeoDataFrame:
    """Read one spatial layer from the pack's GeoJSON, in WGS-84."""
    gdf = gpd.read_file(pack / LAYERS[name], engine="pyogrio")
    if gdf.crs is None:
        gdf = gdf.set_crs(WGS84)
    return gdf.to_crs(WGS84)


def build_store(path: Path, pack: Path = PACK_DIR) -> Path:
    """Build the GeoPackage at ``path`` from the pack, atomically.

    Returns the path. An existing store is replaced only once the new one is complete.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".atlas-", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # GDAL creates the file itself
    try:
        for layer in LAYERS:
            pyogrio.write_dataframe(read_pack_layer(layer, pack), tmp, layer=layer, driver="GPKG")
        for table in TABLES:
            pyogrio.write_dataframe(read_pack_table(table, pack), tmp, layer=table, driver="GPKG")
        meta = pd.DataFrame({"key": ["pack_hash"], "value": [pack_hash(pack)]})
        pyogrio.write_dataframe(meta, tmp, layer=META_TABLE, driver="GPKG")
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
    if not path.exists() or store_pack_hash(path) != pack_hash(pack):
        build_store(path, pack)
    return path


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
