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
