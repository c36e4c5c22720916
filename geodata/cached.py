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


@st.cache_resource(show_spinner="正在准备数据 …")
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


# ---- large layers (issue #9): one shared copy per process instead of one per rerun.
# ``st.cache_data`` hands every rerun its own unpickled copy, which for 100,000 parcels
# costs about 0.35 s each time; these frames and arrays are only ever read (filters
# return new frames), so one copy is shared across sessions, keyed by the pack version.


@st.cache_resource(show_spinner=False)
def _shared_layers(version: str) -> dict[str, gpd.GeoDataFrame]:
    return {name: store.read_layer(store_path(), name) for name in LAYERS}


def shared_layers() -> dict[str, gpd.GeoDataFrame]:
    """Every layer, one copy shared by all sessions: read it, never change it in place."""
    return _shared_layers(_store()[1])


@st.cache_resource(show_spinner=False)
def _parcel_anchors(version: str):
    from geodata.viewport import anchors

    return anchors(_shared_layers(version)["parcels"])


def parcel_anchors():
    """One (lon, lat) per parcel of ``shared_layers()["parcels"]``, in its row order."""
    return _parcel_anchors(_store()[1])


@st.cache_resource(show_spinner=False)
def _parcel_lookup(version: str) -> tuple[dict[str, list[str]], frozenset[str], dict[str, str]]:
    from geodata.parcels import filter_options

    parcels = _shared_layers(version)["parcels"]
    return (
        filter_options(parcels),
        frozenset(parcels["id"]),
        dict(zip(parcels["id"], parcels["name_zh"], strict=True)),
    )


def parcel_lookup() -> tuple[dict[str, list[str]], frozenset[str], dict[str, str]]:
    """The parcels' filter options, their ids and id -> name, computed once per pack version
    (iterating 100,000 ids and names on every rerun cost about 0.2 s)."""
    return _parcel_lookup(_store()[1])
