"""Parcel files as land bureaus deliver them, read safely and turned into a changeset to preview.

The steps, each a plain function the data page calls in turn:

1. ``read.read_upload`` checks the bytes (size, magic number against the extension, zip
   members: count, names, uncompressed size and ratio), then reads the layer with GDAL
   (pyogrio): zipped Shapefile, GeoPackage, GeoJSON, KML/KMZ, or CSV/Excel with
   lon/lat columns or WKT. Shapefile text is read byte-for-byte and decoded here: the
   ``.cpg`` is tried first, then UTF-8, then GB18030 (a superset of GBK).
2. ``crs_guess.crs_candidates`` suggests the CRS from the coordinate ranges where the file
   has none (or one that its coordinates contradict); the editor confirms on a map.
3. ``mapping.suggest_mapping`` maps the file's columns to the atlas fields (a remembered
   mapping per source first, then common Chinese and English column names).
4. ``plan.prepare`` reprojects to WGS-84, repairs (2D, ``make_valid``, parts of one
   parcel code merged into one multipart parcel) and reports row by row what it could
   not use; ``plan.plan_changes`` compares with the store by parcel code: added, changed,
   removed. Nothing is written here: the page writes the changeset in one transaction.

Every refusal is an ``ImportRefused`` with a message key in ``geodata/text/locales/data.toml``.

May import: ``geodata.model``, ``geodata.geo``, ``geodata.store`` (the changeset types). Never
Streamlit, the domain or export parts.
"""

from __future__ import annotations

from geodata.ingest.crs_guess import (
    CRS_CHOICES,
    GCJ02,
    HANGZHOU_BOUNDS,
    CrsCandidate,
    crs_candidates,
    crs_label,
    to_wgs84,
)
from geodata.ingest.mapping import IMPORT_FIELDS, suggest_mapping
from geodata.ingest.plan import Plan, Prepared, plan_changes, prepare, run_import
from geodata.ingest.read import (
    MAX_FEATURES,
    MAX_UPLOAD_BYTES,
    ImportRefused,
    RawLayer,
    RowProblem,
    decode_text,
    detect_format,
    read_upload,
    safe_unzip,
)

__all__ = [
    "CRS_CHOICES",
    "GCJ02",
    "HANGZHOU_BOUNDS",
    "IMPORT_FIELDS",
    "MAX_FEATURES",
    "MAX_UPLOAD_BYTES",
    "CrsCandidate",
    "ImportRefused",
    "Plan",
    "Prepared",
    "RawLayer",
    "RowProblem",
    "crs_candidates",
    "crs_label",
    "decode_text",
    "detect_format",
    "plan_changes",
    "prepare",
    "read_upload",
    "run_import",
    "safe_unzip",
    "suggest_mapping",
    "to_wgs84",
]
