"""Reading the data pack: its spatial layers and attribute tables, and its content hash.

The pack (``geodata/pack``, or another one named by ``$ATLAS_PACK`` for tests and benchmarks)
is the shipped, read-only source every store is built or seeded from.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.model.schema import LAYERS, NUMERIC_COLUMNS, PACK_DIR, TABLES, WGS84

PACK_ENV = "ATLAS_PACK"  # another data pack (tests, benchmarks); the shipped one by default


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
