"""The only module that applies Streamlit caching to the data layer.

``st.cache_resource`` for the store (one shared handle per process: the GeoPackage or
PostGIS backend); ``st.cache_data`` for frames, so each session gets its own copy and
no session can mutate another's data. Parcel frames are keyed by the store's revision,
read on every run, so a write anywhere shows on the next run everywhere.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from geodata.backends import Backend, database_url, open_backend
from geodata.schema import LAYERS


@st.cache_resource(show_spinner="正在准备数据 / Preparing data …")  # runs before any page: both languages
def backend() -> Backend:
    """The store (issue #8): PostGIS with a database URL, else the GeoPackage built from the pack."""
    try:
        secrets: dict = dict(st.secrets)
    except Exception:  # no secrets file: the GeoPackage
        secrets = {}
    return open_backend(url=database_url(secrets=secrets))


@st.cache_resource(show_spinner=False)
def _pack_version() -> str:
    """The store's id and the pack version it was brought up to when opened (once per process).

    Part of every cache key, so frames cached from one store are never served for another."""
    return f"{backend().store_id()}:{backend().pack_version()}"


def _store() -> tuple[Path | None, str]:
    """The store's file (None on PostGIS) and the pack version it was built from."""
    return getattr(backend(), "path", None), _pack_version()


def store_path() -> Path | None:
    return _store()[0]


def revision() -> int:
    """The store's write counter, asked on every run (one cheap query), so edits saved by any
    session or process show on the next run."""
    return backend().revision()


@st.cache_data(show_spinner=False)
def _layer(name: str, version: str, rev: int = 0) -> gpd.GeoDataFrame:
    return backend().read_layer(name)


@st.cache_data(show_spinner=False)
def _table(name: str, version: str) -> pd.DataFrame:
    return backend().read_table(name)


def layer(name: str) -> gpd.GeoDataFrame:
    return _layer(name, _store()[1], revision() if name == "parcels" else 0)


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


def reset() -> None:
    """Forget the store handle (tests switch stores between runs in one process)."""
    backend.clear()
    _pack_version.clear()
