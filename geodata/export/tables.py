"""File formats for downloads: one place that writes workbooks."""

from __future__ import annotations

import io

import pandas as pd

#: A cell starting with one of these is run as a formula by Excel/LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell that a spreadsheet would run as a formula starts with ``'``.

    Numbers stay numbers (a negative number is not text); only text cells change.

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["=HYPERLINK(1)", "@SUM(A1)", "ok", "-1+2"], "n": [-1, 2, 3, 4]})
    >>> defuse_formulas(df)["a"].tolist(), defuse_formulas(df)["n"].tolist()
    (["'=HYPERLINK(1)", "'@SUM(A1)", 'ok', "'-1+2"], [-1, 2, 3, 4])
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v
            )
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for download (UTF-8 with BOM so Excel reads Chinese), formulas defused.

    >>> to_csv_bytes(pd.DataFrame({"a": ["=1+1"]})).decode("utf-8-sig").splitlines()
    ['a', "'=1+1"]
    """
    return defuse_formulas(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook (openpyxl) with one sheet per frame, in the given order.

    Examples
    --------
    >>> data = to_xlsx({"a": pd.DataFrame({"x": [1]})})
    >>> data[:2]
    b'PK'
    >>> pd.read_excel(io.BytesIO(data), sheet_name="a")["x"].tolist()
    [1]
    """
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            defuse_formulas(frame).to_excel(writer, sheet_name=name, index=False)
    return out.getvalue()


#: The parcel downloads offered on the parcel page: kind -> (file name, MIME type).
PARCEL_FILES: dict[str, tuple[str, str]] = {
    "csv": ("parcels.csv", "text/csv"),
    "xlsx": ("parcels.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "geojson": ("parcels.geojson", "application/geo+json"),
}


def parcel_download(shown, xy, kind: str) -> bytes:  # type: ignore[no-untyped-def]
    """The listed parcels as a download: the schema's columns with ``lon``/``lat`` first (CSV,
    Excel) or as GeoJSON (WGS-84). ``xy`` holds one (lon, lat) per row of ``shown``.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, shapely
    >>> gdf = gpd.GeoDataFrame({"id": ["a"], "name_zh": ["=甲"]}, geometry=[shapely.Point(120.1, 30.2)], crs=4326)
    >>> parcel_download(gdf, np.array([[120.1, 30.2]]), "csv").decode("utf-8-sig").splitlines()
    ['lon,lat,id,name_zh', "120.1,30.2,a,'=甲"]
    """
    import json

    from geodata.model.schema import PARCEL_COLUMNS

    cols = [c for c in PARCEL_COLUMNS if c in shown.columns]
    if kind == "geojson":
        data = json.loads(shown[[*cols, "geometry"]].to_crs(4326).to_json(drop_id=True))
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    table = shown[cols].copy()
    table.insert(0, "lat", xy[:, 1].round(6))
    table.insert(0, "lon", xy[:, 0].round(6))
    table = pd.DataFrame(table)
    if kind == "csv":
        return to_csv_bytes(table)
    if kind == "xlsx":
        return to_xlsx({"parcels": table})
    raise ValueError(f"unknown download: {kind!r}")
