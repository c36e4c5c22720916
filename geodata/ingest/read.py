"""Bytes in: the upload checked (size, magic number, zip members) and read with GDAL into a raw layer.

Every refusal is an :class:`ImportRefused` with a message key in ``geodata/text/locales/data.toml``;
row problems are :class:`RowProblem` values.
"""


from __future__ import annotations

import io
import os
import re
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geodata.model.schema import WGS84

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200  # a real Shapefile compresses perhaps 10:1; zip bombs go far beyond
MAX_ZIP_MEMBERS = 100
MAX_FEATURES = 20_000
MAX_VERTICES_PER_FEATURE = 100_000
MAX_VERTICES_TOTAL = 2_000_000
#: How long SQLite may work to count a GeoPackage layer (a view can be arbitrary SQL).
MAX_LAYER_SECONDS = 5.0
#: Temporary folders of reads: ``atlas-import-<pid>-<random>`` in the system's temp folder.
TEMP_PREFIX = "atlas-import-"


class ImportRefused(Exception):  # noqa: N818  (reads as what happened: the import was refused)
    """The whole file is refused; ``key`` and ``values`` name the message in ``data.toml``."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(f"{key} {values}")
        self.key = key
        self.values = values


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based feature number in the file
    key: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class RawLayer:
    """What was read from the file, before CRS choice and column mapping."""

    frame: gpd.GeoDataFrame  # geometry in the file's own coordinates, CRS as declared (or None)
    fmt: str
    declared_crs: str | None
    encoding: str | None = None
    layer_name: str = ""
    notes: list[RowProblem] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        """Attribute columns that hold at least one value (KML, for one, brings many empty ones)."""
        out = []
        for c in self.frame.columns:
            if c == self.frame.geometry.name:
                continue
            values = self.frame[c].dropna().astype(str).str.strip()
            if (values != "").any():
                out.append(str(c))
        return out


# -- 1. bytes in -----------------------------------------------------------------------------

_EXTENSIONS = {
    ".zip": "shapefile_zip",
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
    ".kmz": "kmz",
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
}


def detect_format(name: str, data: bytes) -> str:
    """The format from the extension, confirmed by the file's first bytes.

    >>> detect_format("a.geojson", b' {"type": "FeatureCollection"}')
    'geojson'
    >>> detect_format("a.zip", b"GIF89a")
    Traceback (most recent call last):
    ...
    geodata.ingest.read.ImportRefused: import.wrong_content {'name': 'a.zip', 'expected': 'ZIP'}
    """
    suffix = Path(name).suffix.lower()
    fmt = _EXTENSIONS.get(suffix)
    if fmt is None:
        raise ImportRefused("import.unsupported", name=name, suffix=suffix or "—")
    if not data:
        raise ImportRefused("import.empty_file", name=name)
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    expected = {
        "shapefile_zip": ("ZIP", data.startswith(b"PK\x03\x04")),
        "kmz": ("ZIP", data.startswith(b"PK\x03\x04")),
        "xlsx": ("ZIP", data.startswith(b"PK\x03\x04")),
        "gpkg": ("SQLite", data.startswith(b"SQLite format 3\x00")),
        "geojson": ("JSON", head.startswith(b"{")),
        "kml": ("KML", head.startswith(b"<") and b"<kml" in data[:4096].lower()),
        "csv": ("text", b"\x00" not in data[:65536] and not data.startswith((b"PK\x03\x04", b"SQLite"))),
    }[fmt]
    if not expected[1]:
        raise ImportRefused("import.wrong_content", name=name, expected=expected[0])
    return fmt


def safe_unzip(data: bytes, name: str) -> dict[str, bytes]:
    """The members of a zip, refused before extraction if it is a bomb or names escape the folder.

    Sizes are checked from the directory first, then again while reading (a forged
    directory cannot make us read more than the limit).
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRefused("import.bad_zip", name=name) from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportRefused("import.zip_too_many", name=name, count=len(infos), limit=MAX_ZIP_MEMBERS)
    for info in infos:
        member = info.filename.replace("\\", "/")
        parts = PurePosixPath(member).parts
        if member.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", member):
            raise ImportRefused("import.zip_traversal", name=name, member=info.filename)
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_ZIP_RATIO:
        raise ImportRefused(
            "import.zip_bomb", name=name, mb=round(total / 1e6, 1), ratio=round(total / packed)
        )
    out: dict[str, bytes] = {}
    budget = MAX_UNCOMPRESSED_BYTES
    for info in infos:
        try:
            with zf.open(info) as fh:
                chunk = fh.read(min(budget, info.file_size) + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
            raise ImportRefused("import.bad_zip", name=name) from exc
        if len(chunk) > info.file_size or len(chunk) > budget:
            raise ImportRefused(
                "import.zip_bomb", name=name, mb=round(total / 1e6, 1), ratio=round(total / packed)
            )
        budget -= len(chunk)
        out[info.filename.replace("\\", "/")] = chunk
    return out


def decode_text(raw: bytes, hint: str | None = None) -> tuple[str, str]:
    """Text and the encoding that decoded it strictly: UTF-8, then the hint, then GB18030.

    UTF-8 goes first because GBK text is almost never valid UTF-8, while UTF-8 bytes often
    decode as (garbled) GBK without error: a ``.cpg`` that says GBK over UTF-8 text is
    wrong more often than UTF-8 is.

    >>> decode_text("地块".encode("gbk"))
    ('地块', 'gb18030')
    >>> decode_text("地块".encode("utf-8"), "gbk")[1]
    'utf-8'
    >>> decode_text("地块".encode("gbk"), "utf-8")  # a .cpg that says UTF-8 over GBK text
    ('地块', 'gb18030')
    """
    tried: list[str] = []
    for enc in ("utf-8", hint, "gb18030"):
        if not enc or enc in tried:
            continue
        tried.append(enc)
        try:
            return raw.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    raise ImportRefused("import.bad_encoding", tried=", ".join(tried))


_CPG = {"utf-8": "utf-8", "utf8": "utf-8", "65001": "utf-8", "gbk": "gbk", "936": "gbk", "cp936": "gbk",
        "gb2312": "gbk", "gb18030": "gb18030"}  # fmt: skip


def _read_gdal(path: Path, name: str, **kwargs: Any) -> gpd.GeoDataFrame:
    try:
        return pyogrio.read_dataframe(path, **kwargs)
    except Exception as exc:  # GDAL's own message is technical: say which file could not be read
        raise ImportRefused("import.unreadable", name=name, detail=str(exc)[:200]) from exc


def _declared(gdf: gpd.GeoDataFrame) -> str | None:
    if gdf.crs is None:
        return None
    epsg = gdf.crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg}" if epsg else gdf.crs.to_wkt()


def read_upload(name: str, data: bytes) -> RawLayer:
    """Read one uploaded file into a :class:`RawLayer`, or refuse it with a clear reason."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRefused(
            "import.too_big", name=name, mb=round(len(data) / 1e6, 1), limit=MAX_UPLOAD_BYTES // 10**6
        )
    fmt = detect_format(name, data)
    remove_stale_temp()
    # The folder goes on every path out (refusal, GDAL error, success); a process killed
    # mid-read leaves it behind, and the next read removes it (its pid is in the name).
    with tempfile.TemporaryDirectory(prefix=f"{TEMP_PREFIX}{os.getpid()}-") as tmp:
        folder = Path(tmp)
        if fmt == "shapefile_zip":
            raw = _read_shapefile_zip(name, safe_unzip(data, name), folder)
        elif fmt == "kmz":
            members = safe_unzip(data, name)
            kml = [m for m in members if m.lower().endswith(".kml")]
            if not kml:
                raise ImportRefused("import.kmz_no_kml", name=name)
            path = folder / "doc.kml"
            path.write_bytes(members[kml[0]])
            raw = RawLayer(_read_gdal(path, name), "kmz", WGS84)
        elif fmt == "xlsx":
            safe_unzip(data, name)  # an xlsx is a zip: the same bomb checks first
            try:
                table = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
            except Exception as exc:
                raise ImportRefused("import.unreadable", name=name, detail=str(exc)[:200]) from exc
            raw = _table_layer(table, "xlsx")
        elif fmt == "csv":
            text, enc = decode_text(data.removeprefix(b"\xef\xbb\xbf"))
            try:
                table = pd.read_csv(
                    io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python"
                )
            except Exception as exc:
                raise ImportRefused("import.unreadable", name=name, detail=str(exc)[:200]) from exc
            raw = _table_layer(table, "csv")
            raw.encoding = enc
        else:
            path = folder / (
                "upload.gpkg" if fmt == "gpkg" else "upload.geojson" if fmt == "geojson" else "upload.kml"
            )
            path.write_bytes(data)
            layer = None
            if fmt == "gpkg":
                try:
                    layers = [str(n) for n, gtype in pyogrio.list_layers(path) if gtype]
                except Exception as exc:
                    raise ImportRefused("import.unreadable", name=name, detail=str(exc)[:200]) from exc
                if not layers:
                    raise ImportRefused("import.empty_layer", name=name)
                layer = layers[0]
                _check_gpkg_layer(path, layer, name)
            # At most one feature past the limit is read: enough to refuse, never everything.
            gdf = _read_gdal(path, name, layer=layer, max_features=MAX_FEATURES + 1)
            declared = _declared(gdf)
            if fmt == "geojson" and '"crs"' not in data[:2000].decode("utf-8", "replace"):
                declared = None  # GDAL assumes WGS-84 for GeoJSON; without a crs member we check the ranges
            raw = RawLayer(gdf, fmt, WGS84 if fmt == "kml" else declared, layer_name=layer or "")
    if len(raw.frame) == 0:
        raise ImportRefused("import.empty_layer", name=name)
    if len(raw.frame) > MAX_FEATURES:
        raise ImportRefused("import.too_many_features", name=name, count=len(raw.frame), limit=MAX_FEATURES)
    _check_vertices(raw.frame, name)
    return raw


def remove_stale_temp(folder: Path | None = None, max_age_s: float = 3600.0) -> list[Path]:
    """Remove read folders that a killed process left behind; returns what was removed.

    A folder whose process (the pid in its name) is gone is removed at once; one without
    a readable pid only when older than ``max_age_s``.
    """
    folder = Path(folder) if folder is not None else Path(tempfile.gettempdir())
    removed = []
    try:
        entries = list(folder.glob(f"{TEMP_PREFIX}*"))
    except OSError:
        return removed
    for entry in entries:
        match = re.match(rf"{TEMP_PREFIX}(\d+)-", entry.name)
        try:
            if match:
                stale = int(match.group(1)) != os.getpid() and not _alive(int(match.group(1)))
            else:
                stale = time.time() - entry.stat().st_mtime > max_age_s
        except OSError:
            continue
        if stale and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clean
        return True
    return True


def _check_gpkg_layer(path: Path, layer: str, name: str) -> None:
    """Count the layer's rows with SQLite itself, bounded in rows and in time, before GDAL reads it.

    A GeoPackage layer may be a view, that is any SQL: a recursive view never ends, and GDAL
    counts a layer fully before reading it. Here the count stops one row past the limit,
    and a progress handler stops SQLite after :data:`MAX_LAYER_SECONDS`.
    """
    deadline = time.monotonic() + MAX_LAYER_SECONDS
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ImportRefused("import.unreadable", name=name, detail=str(exc)[:200]) from exc
    try:
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        quoted = '"' + layer.replace('"', '""') + '"'
        count = conn.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {quoted} LIMIT ?)", (MAX_FEATURES + 1,)).fetchone()[0]
    except sqlite3.OperationalError as exc:
        if time.monotonic() > deadline:
            raise ImportRefused("import.layer_too_slow", name=name, layer=layer, seconds=MAX_LAYER_SECONDS) from exc
        raise ImportRefused("import.unreadable", name=name, detail=str(exc)[:200]) from exc
    except sqlite3.Error as exc:
        raise ImportRefused("import.unreadable", name=name, detail=str(exc)[:200]) from exc
    finally:
        conn.close()
    if count > MAX_FEATURES:
        raise ImportRefused("import.too_many_features", name=name, count=f"> {MAX_FEATURES:,}", limit=MAX_FEATURES)


def _read_shapefile_zip(name: str, members: dict[str, bytes], folder: Path) -> RawLayer:
    shps = [m for m in members if m.lower().endswith(".shp")]
    if not shps:
        raise ImportRefused("import.no_shp", name=name)
    stem = shps[0][:-4]
    needed = {
        ext: next((m for m in members if m.lower() == (stem + ext).lower()), None) for ext in (".shx", ".dbf")
    }
    missing = [ext for ext, m in needed.items() if m is None]
    if missing:
        raise ImportRefused("import.shp_incomplete", name=name, missing=", ".join(missing))
    for m, content in members.items():  # flat, safe names: the zip's own paths are never used on disk
        if m.lower().startswith(stem.lower() + "."):
            (folder / ("layer" + m[len(stem) :].lower())).write_bytes(content)
    cpg_member = next((m for m in members if m.lower() == (stem + ".cpg").lower()), None)
    hint = None
    if cpg_member:
        hint = _CPG.get(
            members[cpg_member].decode("ascii", "replace").strip().lower().replace("-", "").replace("_", "")
        )
        hint = hint or _CPG.get(members[cpg_member].decode("ascii", "replace").strip().lower())
    # Read the attribute bytes as Latin-1 (one byte = one character, nothing lost), then decode ourselves.
    gdf = _read_gdal(folder / "layer.shp", name, encoding="ISO-8859-1")
    text_cols = [
        c for c in gdf.columns if c != gdf.geometry.name and not pd.api.types.is_numeric_dtype(gdf[c])
    ]
    blob = b"\x00".join(str(v).encode("latin-1") for c in text_cols for v in gdf[c].dropna())
    _, enc = decode_text(blob, hint) if blob else ("", hint or "utf-8")
    for c in text_cols:
        gdf[c] = gdf[c].map(lambda v, e=enc: v.encode("latin-1").decode(e) if isinstance(v, str) else v)
    renamed = {}
    for c in gdf.columns:  # field names are bytes too
        if c != gdf.geometry.name:
            try:
                renamed[c] = c.encode("latin-1").decode(enc)
            except (UnicodeEncodeError, UnicodeDecodeError):
                renamed[c] = c
    gdf = gdf.rename(columns=renamed)
    return RawLayer(gdf, "shapefile_zip", _declared(gdf), encoding=enc)


_LON = ("lon", "lng", "long", "longitude", "x", "经度", "横坐标", "东坐标")
_LAT = ("lat", "latitude", "y", "纬度", "纵坐标", "北坐标")
_WKT = ("wkt", "geometry", "geom", "shape", "几何", "坐标串")


def _table_layer(table: pd.DataFrame, fmt: str) -> RawLayer:
    table = table.fillna("")
    table.columns = [str(c).strip() for c in table.columns]
    lower = {c.lower(): c for c in table.columns}
    wkt_col = next((lower[k] for k in _WKT if k in lower), None)
    lon_col = next((lower[k] for k in _LON if k in lower), None)
    lat_col = next((lower[k] for k in _LAT if k in lower), None)
    notes: list[RowProblem] = []
    if wkt_col:
        geoms = []
        for i, value in enumerate(table[wkt_col], start=1):
            try:
                geoms.append(shapely.from_wkt(value) if str(value).strip() else None)
            except Exception:  # shapely raises GEOSException for bad WKT
                geoms.append(None)
                notes.append(RowProblem(i, "import.row.bad_wkt"))
        attrs = table.drop(columns=[wkt_col])
    elif lon_col and lat_col:
        x = pd.to_numeric(table[lon_col].str.replace(",", ""), errors="coerce")
        y = pd.to_numeric(table[lat_col].str.replace(",", ""), errors="coerce")
        geoms = [
            shapely.Point(a, b) if np.isfinite(a) and np.isfinite(b) else None
            for a, b in zip(x, y, strict=True)
        ]
        notes += [
            RowProblem(i, "import.row.bad_coordinates") for i, g in enumerate(geoms, start=1) if g is None
        ]
        attrs = table.drop(columns=[lon_col, lat_col])
    else:
        raise ImportRefused("import.no_geometry_columns", columns=", ".join(table.columns[:12]))
    gdf = gpd.GeoDataFrame(attrs.reset_index(drop=True), geometry=gpd.GeoSeries(geoms), crs=None)
    return RawLayer(gdf, fmt, None, notes=notes)


def _check_vertices(gdf: gpd.GeoDataFrame, name: str) -> None:
    counts = shapely.get_num_coordinates(gdf.geometry.values)
    total = int(np.sum(counts))
    if total > MAX_VERTICES_TOTAL or (len(counts) and int(np.max(counts)) > MAX_VERTICES_PER_FEATURE):
        raise ImportRefused(
            "import.too_many_vertices", name=name, count=total, limit=MAX_VERTICES_PER_FEATURE
        )


