"""Parcel files as land bureaus deliver them, read safely and turned into a changeset to preview.

The steps, each a plain function the data page calls in turn:

1. ``read.read_upload`` checks the bytes (size, magic number against the extension, zip
   members: count, names, uncompressed size and ratio), then reads the layer with GDAL
   (pyogrio): zipped Shapefile, GeoPackage, GeoJSON, KML/KMZ, or CSV/Excel with
   lon/lat columns or WKT. Shapefile text is read byte-for-byte and decoded here: the
   ``.cpg`` is tried first, then UTF-8, then GB18030 (a superset of GBK).
2. ``crs_guess.crs_candidates`` suggests the CRS from the coordinate ranges where the file
   has none (or one that its coordinates contradict), including the offset datums of
   Chinese web maps (GCJ-02 of Amap, BD-09 of Baidu); the editor sees where the parcels
   land under each and how far apart the candidates are, and confirms on a map.
3. ``mapping.suggest_mapping`` maps the file's columns to the atlas fields (a remembered
   mapping per source first, then common Chinese and English column names).
4. ``plan.prepare`` reprojects to WGS-84, repairs (2D, ``make_valid``, parts of one
   parcel code merged into one multipart parcel) and reports row by row what it could
   not use; ``plan.plan_changes`` compares with the store by parcel code: added, changed,
   removed. Nothing is written here: ``plan.confirm`` writes exactly the previewed
   changeset in one transaction, refused if the store changed since the preview, after
   keeping a copy of the store. A file without a code column gets stable generated codes.

Every refusal is an ``ImportRefused`` with a message key in ``geodata/text/locales/data.toml``.

May import: ``geodata.model``, ``geodata.geo``, ``geodata.store`` (the changeset types). Never
Streamlit, the domain or export parts.
"""

from __future__ import annotations

from geodata.ingest.crs_guess import (
    BD09,
    CRS_CHOICES,
    GCJ02,
    HANGZHOU_BOUNDS,
    CrsCandidate,
    candidate_distances,
    crs_candidates,
    crs_label,
    landing_points,
    to_wgs84,
)
from geodata.ingest.mapping import CODE_KEY, IMPORT_FIELDS, area_unit, suggest_mapping
from geodata.ingest.plan import (
    CONFIRM_MOVE_M,
    Plan,
    Prepared,
    confirm,
    generated_code,
    plan_changes,
    prepare,
    preview,
    remembered_mapping,
    run_import,
    suggest_columns,
)
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
    "BD09",
    "CODE_KEY",
    "CONFIRM_MOVE_M",
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
    "area_unit",
    "candidate_distances",
    "confirm",
    "crs_candidates",
    "crs_label",
    "decode_text",
    "detect_format",
    "generated_code",
    "landing_points",
    "plan_changes",
    "prepare",
    "preview",
    "read_upload",
    "remembered_mapping",
    "run_import",
    "safe_unzip",
    "suggest_columns",
    "suggest_mapping",
    "to_wgs84",
]
