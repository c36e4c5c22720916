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

from geodata.model.schema import LAYERS
from geodata.store import Backend, database_url, open_backend


@st.cache_resource(show_spinner="正在准备数据 / Preparing data …")  # runs before any page: both languages
def backend() -> Backend:
    """The store: PostGIS with a database URL, else the GeoPackage built from the pack."""
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


def data_version() -> tuple[str, int]:
    """(pack version, store revision): what any picture built from the data depends on."""
    return _pack_version(), revision()


# Bounded: every write makes a new revision, and an unbounded cache would keep a copy of the
# parcels for each one for the life of the process. Room for every layer at two revisions
# (the current one and the one being replaced), and a time limit for entries nobody asks for.
_LAYER_ENTRIES = 2 * len(LAYERS)


@st.cache_data(show_spinner=False, max_entries=_LAYER_ENTRIES, ttl="1h")
def _layer(name: str, version: str, rev: int = 0) -> gpd.GeoDataFrame:
    return backend().read_layer(name)


@st.cache_data(show_spinner=False, max_entries=32, ttl="1h")
def _table(name: str, version: str) -> pd.DataFrame:
    return backend().read_table(name)


def layer(name: str) -> gpd.GeoDataFrame:
    return _layer(name, _store()[1], revision() if name == "parcels" else 0)


def table(name: str) -> pd.DataFrame:
    return _table(name, _store()[1])


def all_layers() -> dict[str, gpd.GeoDataFrame]:
    return {name: layer(name) for name in LAYERS}


@st.cache_data(show_spinner=False, max_entries=2, ttl="1h")
def _figures_workbook(version: str) -> bytes:
    from geodata.export.tables import to_xlsx

    return to_xlsx({"indicators": _table("indicators", version), "funds": _table("funds", version)})


def figures_workbook() -> bytes:
    """Every figure and fund as one Excel file, built once per pack version (not on every rerun)."""
    return _figures_workbook(_store()[1])


# ---- large layers (up to 100,000 parcels): one shared copy per process instead of one per rerun.
# ``st.cache_data`` hands every rerun its own unpickled copy, which for 100,000 parcels
# costs about 0.35 s each time; these frames and arrays are only ever read (filters
# return new frames), so one copy is shared across sessions, keyed by the pack version.


# Keyed by the pack version AND the store revision, so an editor's write replaces the shared
# copy on the next run everywhere; two entries kept (the current one and the one being replaced).
@st.cache_resource(show_spinner=False, max_entries=2)
def _shared_layers(version: str, rev: int) -> dict[str, gpd.GeoDataFrame]:
    return {name: backend().read_layer(name) for name in LAYERS}


def shared_layers() -> dict[str, gpd.GeoDataFrame]:
    """Every layer, one copy shared by all sessions: read it, never change it in place."""
    return _shared_layers(_store()[1], revision())


@st.cache_resource(show_spinner=False, max_entries=2)
def _parcel_anchors(version: str, rev: int):
    from geodata.geo.viewport import anchors

    return anchors(_shared_layers(version, rev)["parcels"])


def parcel_anchors():
    """One (lon, lat) per parcel of ``shared_layers()["parcels"]``, in its row order."""
    return _parcel_anchors(_store()[1], revision())


@st.cache_resource(show_spinner=False, max_entries=2)
def _parcel_lookup(
    version: str, rev: int
) -> tuple[dict[str, list[str]], frozenset[str], dict[str, dict[str, str]]]:
    from geodata.domain.parcels import filter_options, parcel_labels

    parcels = _shared_layers(version, rev)["parcels"]
    # a parcel without a name (files often carry only a code) is shown by its code, then its id
    return (
        filter_options(parcels),
        frozenset(parcels["id"]),
        {code: parcel_labels(parcels, code) for code in ("zh", "en")},
    )


def parcel_lookup() -> tuple[dict[str, list[str]], frozenset[str], dict[str, dict[str, str]]]:
    """The parcels' filter options, their ids and {lang: {id: name}}, computed once per store revision
    (iterating 100,000 ids and names on every rerun cost about 0.2 s)."""
    return _parcel_lookup(_store()[1], revision())


@st.cache_resource(show_spinner=False, max_entries=2)
def _parcel_provenance(version: str, rev: int):  # type: ignore[no-untyped-def]
    from geodata.domain.parcels.provenance import provenance

    return provenance(_shared_layers(version, rev)["parcels"])


def parcel_provenance():  # type: ignore[no-untyped-def]
    """How the stored parcels were placed (named by a source or imported), once per store revision:
    at 100,000 parcels counting them cost ~37 ms on every rerun of the parcel page."""
    return _parcel_provenance(_store()[1], revision())


@st.cache_resource(show_spinner=False, max_entries=4)
def _layers_as_of(version: str, rev: int, lang: str) -> list[tuple[str, str]]:
    from geodata.domain.currency import layers_as_of

    layers = _shared_layers(version, rev)
    return layers_as_of(
        {**layers, "indicators": _table("indicators", version)}, lang, _table("sources", version)
    )


def layers_as_of(lang: str) -> list[tuple[str, str]]:
    """(layer, how current it is) for every layer and the figures, once per store revision and language."""
    return _layers_as_of(_store()[1], revision(), lang)


@st.cache_data(show_spinner=False, max_entries=8, ttl="1h")
def _parcel_file(kind: str, query, version: str, rev: int) -> bytes:  # type: ignore[no-untyped-def]
    from geodata.domain.parcels import filter_parcels
    from geodata.export.tables import parcel_download
    from geodata.geo.viewport import subset_anchors

    parcels = _shared_layers(version, rev)["parcels"]
    shown = filter_parcels(parcels, query)
    xy = subset_anchors(_parcel_anchors(version, rev), parcels.index, shown.index)
    return parcel_download(shown, xy, kind)


def parcel_file(kind: str, query) -> bytes:  # type: ignore[no-untyped-def]
    """A parcel download (``geodata.export.tables.PARCEL_FILES``) of the parcels ``query`` lists,
    built once per store revision and query and shared by every session that asks for it
    (all 100,000 parcels as Excel take seconds; asked by a room at once, they were built once each)."""
    return _parcel_file(kind, query, _store()[1], revision())


def reset() -> None:
    """Forget the store handle (tests switch stores between runs in one process)."""
    backend.clear()
    _pack_version.clear()
    for cached in (
        _shared_layers,
        _parcel_anchors,
        _parcel_lookup,
        _layer,
        _table,
        _figures_workbook,
        _parcel_file,
    ):
        cached.clear()


# ---- per-area charts: pure functions of the figures table (keyed by the pack version), the
# area and the language. Built once per process and shared, instead of on every rerun of every
# session (they were most of the area page's and the overview's CPU under load). Callers only
# read them: ChartSpec is frozen, and st.plotly_chart only reads a figure (it serialises a copy;
# a plain dict would be validated again on every call, which costs what the cache saves).


@st.cache_resource(show_spinner=False, max_entries=256, ttl="1h")
def _area_charts(version: str, area: str, lang: str, display: str | None) -> tuple:
    from geodata.export.charts import area_charts as build

    return tuple(build(_table("indicators", version), area, lang, display=display, sources=_table("sources", version)))


def area_charts(area: str, lang: str, display: str | None = None) -> tuple:
    """The export panel's charts of an area (``geodata.export.charts.area_charts``), shared."""
    return _area_charts(_store()[1], area, lang, display)


@st.cache_resource(show_spinner=False, max_entries=512, ttl="1h")
def _area_group(version: str, area: str, category: str, lang: str, title: str, note_label: str):
    from components.charts import build_bar_chart, source_note
    from geodata.domain.areas import chart_rows, sources_of
    from geodata.text.formats import unit_label

    bars, rest = chart_rows(_table("indicators", version), area, category, lang)
    figure = None
    if not bars.empty:
        unit = bars["unit"].iloc[0]
        figure = build_bar_chart(bars, title.format(unit=unit_label(unit, lang)), unit,
                                 source_note(sources_of(bars), note_label, lang), lang)
    return bars, rest, figure


def area_group(area: str, category: str, lang: str, title: str, note_label: str):
    """``(bars, rest, figure)`` of one profile group of an area: ``chart_rows``' two frames and
    the bar chart (None without bars). ``title`` has a ``{unit}`` slot.
    Shared by every session: read the frames, never change them in place."""
    return _area_group(_store()[1], area, category, lang, title, note_label)
