"""The only module that applies Streamlit caching to the data layer.

``st.cache_resource`` for the store (one shared handle per process: its path and the
pack version it was built from); ``st.cache_data`` for frames, so each session gets
its own copy and no session can mutate another's data.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from geodata import store
from geodata.schema import LAYERS


@st.cache_resource(show_spinner="正在准备数据 / Preparing data …")  # runs before any page: both languages
def _store() -> tuple[Path, str]:
    """The up-to-date GeoPackage store (built from the pack on first start) and its version."""
    path = store.ensure_store()
    return path, store.store_pack_hash(path) or ""


def store_path() -> Path:
    return _store()[0]


@st.cache_data(show_spinner=False)
def _layer(name: str, version: str) -> gpd.GeoDataFrame:
    return store.read_layer(store_path(), name)


@st.cache_data(show_spinner=False)
def _table(name: str, version: str) -> pd.DataFrame:
    return store.read_table(store_path(), name)


def layer(name: str) -> gpd.GeoDataFrame:
    return _layer(name, _store()[1])


def table(name: str) -> pd.DataFrame:
    return _table(name, _store()[1])


def all_layers() -> dict[str, gpd.GeoDataFrame]:
    return {name: layer(name) for name in LAYERS}


@st.cache_data(show_spinner=False)
def _figures_workbook(version: str) -> bytes:
    from geodata.exports import to_xlsx

    return to_xlsx({"indicators": _table("indicators", version), "funds": _table("funds", version)})


def figures_workbook() -> bytes:
    """Every figure and fund as one Excel file, built once per pack version (not on every rerun)."""
    return _figures_workbook(_store()[1])
