"""Parcel files as land bureaus deliver them, read safely and turned into a changeset to preview.

The steps, each a plain function the data page calls in turn:

1. :func:`read_upload` checks the bytes (size, magic number against the extension, zip
   members: count, names, uncompressed size and ratio), then reads the layer with GDAL
   (pyogrio): zipped Shapefile, GeoPackage, GeoJSON, KML/KMZ, or CSV/Excel with
   lon/lat columns or WKT. Shapefile text is read byte-for-byte and decoded here: the
   ``.cpg`` is tried first, then UTF-8, then GB18030 (a superset of GBK).
2. :func:`crs_candidates` suggests the CRS from the coordinate ranges where the file
   has none (or one that its coordinates contradict); the editor confirms on a map.
3. :func:`suggest_mapping` maps the file's columns to the atlas fields (a remembered
   mapping per source first, then common Chinese and English column names).
4. :func:`prepare` reprojects to WGS-84, repairs (2D, ``make_valid``, parts of one
   parcel code merged into one multipart parcel) and reports row by row what it could
   not use; :func:`plan_changes` compares with the store by parcel code: added, changed,
   removed. Nothing is written here: the page writes the changeset in one transaction.

Every refusal is an :class:`ImportRefused` with a message key in
``geodata/locales/data.toml``; row problems are :class:`RowProblem` values.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from geodata import crs as crs_mod
from geodata.backends.base import PARCEL_NUMERIC, Change, clean_value
from geodata.schema import PARCEL_COLUMNS, PARCEL_STATUS_ZH, WGS84

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200  # a real Shapefile compresses perhaps 10:1; zip bombs go far beyond
MAX_ZIP_MEMBERS = 100
MAX_FEATURES = 20_000
MAX_VERTICES_PER_FEATURE = 100_000
MAX_VERTICES_TOTAL = 2_000_000

GCJ02 = "GCJ02"
#: CRS an editor may choose, in the order they are usually right for Hangzhou files.
CRS_CHOICES: tuple[str, ...] = (
    "EPSG:4326",
    "EPSG:4490",
    GCJ02,
    crs_mod.CGCS2000_GK_120E,  # EPSG:4549, CM 120E, no zone prefix
    crs_mod.CGCS2000_GK_ZONE40_PREFIXED,  # EPSG:4528, zone 40 with the prefix in the easting
    "EPSG:4548",  # CM 117E: the far west of Hangzhou (淳安, 建德)
    "EPSG:4527",  # zone 39 with prefix
)
#: Where a parcel of Hangzhou may lie (WGS-84 degrees, with a margin).
HANGZHOU_BOUNDS = (118.0, 29.0, 121.5, 31.0)

#: Atlas fields an import may fill (``id`` is the parcel code; bookkeeping is the store's).
#: ``source`` is the import's source name and ``geometry_quality`` is "surveyed": neither comes from a column.
IMPORT_FIELDS: tuple[str, ...] = tuple(
    c for c in PARCEL_COLUMNS if c not in ("id", "geometry_quality", "source")
)

_ALIASES: dict[str, tuple[str, ...]] = {
    "parcel_code": ("parcel_code", "code", "dkbh", "地块编号", "宗地编号", "编号", "dkdm", "地块代码"),
    "name_zh": ("name_zh", "name", "mc", "dkmc", "名称", "地块名称", "宗地名称"),
    "name_en": ("name_en", "english_name"),
    "district": ("district", "qx", "区县", "所在区", "行政区"),
    "location_zh": ("location_zh", "location", "zl", "坐落", "位置", "地块位置"),
    "area_m2": ("area_m2", "area", "mj", "面积", "用地面积", "面积_m2", "面积(平方米)", "出让面积"),
    "area_mu": ("area_mu", "mu", "面积亩", "面积(亩)", "亩"),
    "land_use": ("land_use", "ydxz", "用途", "用地性质", "土地用途"),
    "plot_ratio_max": ("plot_ratio", "plot_ratio_max", "rjl", "容积率"),
    "supply_quarter": ("supply_quarter", "quarter", "季度", "供应季度", "计划季度"),
    "status": ("status", "zt", "状态", "出让状态"),
    "industry": ("industry", "产业", "产业方向"),
    "description_zh": ("description_zh", "description", "备注", "说明", "描述"),
    "term_years": ("term_years", "出让年限", "年限"),
    "price_start_wan": ("price_start_wan", "起始价", "起始价(万元)"),
}
_STATUS_IN = {
    **{k: k for k in PARCEL_STATUS_ZH},
    **{v: k for k, v in PARCEL_STATUS_ZH.items()},
    "计划": "planned",
    "待出让": "planned",
    "已挂牌": "listed",
    "已成交": "sold",
    "已出让": "sold",
}


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
    geodata.importer.ImportRefused: import.wrong_content {'name': 'a.zip', 'expected': 'ZIP'}
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
    with tempfile.TemporaryDirectory(prefix="atlas-import-") as tmp:
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
            gdf = _read_gdal(path, name, layer=layer) if layer else _read_gdal(path, name)
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


# -- 2. which CRS ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CrsCandidate:
    crs: str
    centre: tuple[float, float]  # WGS-84 lon/lat of the data's centre under this CRS
    in_hangzhou: bool


def to_wgs84(gdf: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """``gdf`` (coordinates as in the file) read as ``crs`` and converted to WGS-84."""
    if crs == GCJ02:
        return crs_mod.gdf_gcj02_to_wgs84(gdf.set_crs(WGS84, allow_override=True))
    return gdf.set_crs(crs, allow_override=True).to_crs(WGS84)


def _centre(bounds: Sequence[float], crs: str) -> tuple[float, float]:
    x, y = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    if crs == GCJ02:
        lon, lat = crs_mod.gcj02_to_wgs84(x, y)
        return float(lon), float(lat)
    probe = gpd.GeoSeries([shapely.Point(x, y)], crs=crs).to_crs(WGS84).iloc[0]
    return float(probe.x), float(probe.y)


def crs_candidates(bounds: Sequence[float], declared: str | None = None) -> list[CrsCandidate]:
    """The CRS that put data with these bounds in or near Hangzhou, most likely first.

    ``declared`` (the file's own CRS) comes first when its coordinates agree with it.

    >>> [c.crs for c in crs_candidates((120.0, 30.2, 120.1, 30.3))][:3]
    ['EPSG:4326', 'EPSG:4490', 'GCJ02']
    >>> [c.crs for c in crs_candidates((40500000, 3340000, 40510000, 3350000))]
    ['EPSG:4528']
    >>> [c.crs for c in crs_candidates((500000, 3340000, 510000, 3350000))]  # CM 117E would put it in Anhui
    ['EPSG:4549']
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(np.isfinite([minx, miny, maxx, maxy])):
        return []
    if minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90:
        options = ["EPSG:4326", "EPSG:4490", GCJ02]
    elif minx >= 1e7:
        options = ["EPSG:4528", "EPSG:4527"]  # zone number in front of the easting
    else:
        options = [crs_mod.CGCS2000_GK_120E, "EPSG:4548"]
    if declared and declared not in options and declared.startswith("EPSG:"):
        options.insert(0, declared)
    elif declared in options:
        options.remove(declared)
        options.insert(0, declared)
    out = []
    for option in options:
        try:
            lon, lat = _centre((minx, miny, maxx, maxy), option)
        except Exception:  # coordinates this CRS cannot project: not a candidate
            continue
        if not (np.isfinite(lon) and np.isfinite(lat)):
            continue
        inside = (
            HANGZHOU_BOUNDS[0] <= lon <= HANGZHOU_BOUNDS[2]
            and HANGZHOU_BOUNDS[1] <= lat <= HANGZHOU_BOUNDS[3]
        )
        out.append(CrsCandidate(option, (lon, lat), inside))
    # Only CRS that put the data in Hangzhou are offered; a declared CRS that puts it
    # elsewhere is thereby dropped and the others are suggested instead.
    return [c for c in out if c.in_hangzhou]


def crs_label(crs: str) -> str:
    """A short name for a CRS choice (the page adds the explanation from the catalogue).

    >>> crs_label("EPSG:4549")
    'EPSG:4549 CGCS2000 / 3-degree Gauss-Kruger CM 120E'
    >>> crs_label("GCJ02")
    'GCJ-02'
    """
    if crs == GCJ02:
        return "GCJ-02"
    try:
        return f"{crs} {CRS.from_user_input(crs).name}"
    except Exception:
        return crs


# -- 3. columns ------------------------------------------------------------------------------


def suggest_mapping(columns: Sequence[str], remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    """file column -> atlas field: a remembered mapping first, then known names.

    >>> suggest_mapping(["DKBH", "MC", "面积", "other"])
    {'DKBH': 'parcel_code', 'MC': 'name_zh', '面积': 'area_m2'}
    >>> suggest_mapping(["编号", "MC"], {"MC": "location_zh"})
    {'MC': 'location_zh', '编号': 'parcel_code'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for col, target in (remembered or {}).items():
        if col in columns and target in IMPORT_FIELDS and target not in used:
            out[col] = target
            used.add(target)
    for col in columns:
        if col in out:
            continue
        key = str(col).strip().lower()
        for target, names in _ALIASES.items():
            if target not in used and key in names:
                out[col] = target
                used.add(target)
                break
    return out


# -- 4. prepare and compare ------------------------------------------------------------------


@dataclass
class Prepared:
    parcels: gpd.GeoDataFrame  # atlas fields + geometry (WGS-84), index = parcel code
    problems: list[RowProblem]


def prepare(
    raw: RawLayer,
    crs: str,
    mapping: Mapping[str, str],
    source: str,
    districts: gpd.GeoDataFrame | None = None,
) -> Prepared:
    """Reproject, map columns, repair geometry; rows that cannot be used are reported, not guessed.

    With ``districts`` (the boundary layer), a parcel whose file gives no district gets the
    one its outline's representative point lies in (read off the boundary, not invented).
    """
    if "parcel_code" not in mapping.values():
        raise ImportRefused("import.need_parcel_code")
    problems = list(raw.notes)
    try:
        gdf = to_wgs84(raw.frame, crs)
    except Exception as exc:
        raise ImportRefused("import.bad_crs", crs=crs) from exc
    records: dict[str, dict[str, Any]] = {}
    geoms: dict[str, list] = {}
    code_col = next(c for c, t in mapping.items() if t == "parcel_code")
    for i, (_, row) in enumerate(gdf.iterrows(), start=1):
        code = clean_value("parcel_code", row.get(code_col))
        if code is None:
            problems.append(RowProblem(i, "import.row.no_code"))
            continue
        geom = row.geometry
        if geom is None or geom.is_empty:
            if not any(p.row == i for p in raw.notes):
                problems.append(RowProblem(i, "import.row.no_geometry", {"code": code}))
            continue
        geom = shapely.force_2d(geom)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        geom = _areal_or_point(geom)
        if geom is None:
            problems.append(RowProblem(i, "import.row.not_area", {"code": code}))
            continue
        if not _in_hangzhou(geom):
            problems.append(RowProblem(i, "import.row.outside", {"code": code}))
            continue
        values: dict[str, Any] = {}
        for col, target in mapping.items():
            if target == "parcel_code" or col not in row.index:
                continue
            value = row[col]
            if target == "status" and clean_value("status", value) is not None:
                status = _STATUS_IN.get(str(value).strip())
                if status is None:
                    problems.append(
                        RowProblem(i, "import.row.bad_status", {"code": code, "value": str(value)})
                    )
                    continue
                value = status
            if target in PARCEL_NUMERIC:
                try:
                    value = clean_value(target, value)
                except Exception:
                    value = None
                if value is None and clean_value("status", row[col]) is not None:
                    problems.append(
                        RowProblem(
                            i,
                            "import.row.bad_number",
                            {"code": code, "field": target, "value": str(row[col])},
                        )
                    )
                    continue
            values[target] = clean_value(target, value) if target not in PARCEL_NUMERIC else value
        if code in records:  # parts of one parcel in several rows: one multipart parcel
            geoms[code].append(geom)
            records[code].update({k: v for k, v in values.items() if v is not None})
            continue
        values.update(
            parcel_code=code, source=source, geometry_quality="surveyed", layer="parcels", kind="supply_site"
        )
        # Fields the file does not map are left out, so a re-import keeps what editors set
        # (an area is never computed from the outline into a published figure here).
        records[code] = values
        geoms[code] = [geom]
    geometry = [shapely.union_all(parts) if len(parts) > 1 else parts[0] for parts in geoms.values()]
    frame = gpd.GeoDataFrame(list(records.values()), geometry=geometry, crs=WGS84)
    frame.index = pd.Index(list(records), name="code")
    if districts is not None and len(frame) and "name_zh" in districts.columns:
        points = gpd.GeoDataFrame(geometry=frame.geometry.representative_point(), crs=WGS84)
        joined = gpd.sjoin(
            points, districts[["name_zh", "geometry"]].to_crs(WGS84), predicate="within", how="left"
        )
        found = joined[~joined.index.duplicated()]["name_zh"].reindex(frame.index)
        current = frame["district"] if "district" in frame.columns else pd.Series(None, index=frame.index)
        frame["district"] = current.where(current.notna(), found)
    return Prepared(frame, problems)


def _areal_or_point(geom):  # type: ignore[no-untyped-def]
    if geom.geom_type in ("Polygon", "MultiPolygon", "Point"):
        return geom
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        if polys:
            return shapely.union_all(polys)
    return None


def _in_hangzhou(geom) -> bool:  # type: ignore[no-untyped-def]
    minx, miny, maxx, maxy = geom.bounds
    b = HANGZHOU_BOUNDS
    return b[0] <= minx and maxx <= b[2] and b[1] <= miny and maxy <= b[3]


@dataclass
class Plan:
    changes: list[Change]
    table: pd.DataFrame  # action, id, parcel_code, name_zh, what changes
    geometries: gpd.GeoDataFrame  # one row per change, column "action", for the preview map

    @property
    def counts(self) -> dict[str, int]:
        return {a: sum(c.action == a for c in self.changes) for a in ("add", "change", "remove")}


def plan_changes(
    stored: gpd.GeoDataFrame, incoming: gpd.GeoDataFrame, source: str, remove_missing: bool = False
) -> Plan:
    """Compare the prepared file with the store by parcel code.

    Added: a code the store lacks. Changed: a stored parcel with that code whose mapped
    fields or outline differ (with its version, so a concurrent edit is caught at write).
    Removed (only with ``remove_missing``): parcels from this same source the file no
    longer lists.
    """
    by_code = {
        str(r["parcel_code"]): r for _, r in stored.iterrows() if isinstance(r.get("parcel_code"), str)
    }
    changes: list[Change] = []
    rows: list[dict[str, Any]] = []
    geoms: list = []
    for code, new in incoming.iterrows():
        fields = {k: new[k] for k in incoming.columns if k != incoming.geometry.name}
        old = by_code.get(str(code))
        if old is None:
            changes.append(Change("add", str(code), fields, new.geometry))
            rows.append(
                {
                    "action": "add",
                    "id": str(code),
                    "parcel_code": code,
                    "name_zh": fields.get("name_zh"),
                    "changes": "",
                }
            )
            geoms.append(new.geometry)
            continue
        diffs = []
        for k, v in fields.items():
            if k in ("source", "layer", "kind", "geometry_quality"):
                continue
            before = clean_value(k, old.get(k))
            after = clean_value(k, v)
            if before != after:
                diffs.append(f"{k}: {'—' if before is None else before} → {'—' if after is None else after}")
        moved = old.geometry is None or not old.geometry.equals_exact(new.geometry, 1e-9)
        if moved:
            diffs.append("geometry")
        if diffs:
            changes.append(
                Change("change", str(old["id"]), fields, new.geometry if moved else None, int(old["version"]))
            )
            rows.append(
                {
                    "action": "change",
                    "id": str(old["id"]),
                    "parcel_code": code,
                    "name_zh": fields.get("name_zh") or old.get("name_zh"),
                    "changes": "; ".join(diffs),
                }
            )
            geoms.append(new.geometry)
    if remove_missing:
        seen = {str(c) for c in incoming.index}
        for code, old in by_code.items():
            if old.get("source") == source and code not in seen:
                changes.append(Change("remove", str(old["id"]), expected_version=int(old["version"])))
                rows.append(
                    {
                        "action": "remove",
                        "id": str(old["id"]),
                        "parcel_code": code,
                        "name_zh": old.get("name_zh"),
                        "changes": "",
                    }
                )
                geoms.append(old.geometry)
    table = pd.DataFrame(rows, columns=["action", "id", "parcel_code", "name_zh", "changes"])
    return Plan(
        changes, table, gpd.GeoDataFrame(table.copy(), geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)
    )


def run_import(
    backend: Any,
    name: str,
    data: bytes,
    source: str,
    user: str,
    crs: str | None = None,
    mapping: Mapping[str, str] | None = None,
    remove_missing: bool = False,
) -> tuple[Plan, list[RowProblem]]:
    """Every step without questions (scripts and tests): the first CRS candidate, the suggested mapping.

    Refuses (and writes nothing) when no CRS puts the data in Hangzhou or no row is usable.
    """
    raw = read_upload(name, data)
    if crs is None:
        candidates = crs_candidates(raw.frame.total_bounds, raw.declared_crs)
        if not candidates:
            raise ImportRefused("import.no_crs")
        crs = candidates[0].crs
    mapping = dict(mapping) if mapping is not None else suggest_mapping(raw.columns, backend.mapping(source))
    prepared = prepare(raw, crs, mapping, source, backend.read_layer("districts"))
    if prepared.parcels.empty:
        raise ImportRefused("import.nothing_usable", count=len(prepared.problems))
    plan = plan_changes(backend.read_parcels(), prepared.parcels, source, remove_missing)
    if plan.changes:
        backend.apply_changeset(plan.changes, user, note=f"import {name}")
    backend.save_mapping(source, mapping)
    return plan, prepared.problems
