"""File formats for downloads: one place that writes workbooks."""

from __future__ import annotations

import io

import pandas as pd


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
            frame.to_excel(writer, sheet_name=name, index=False)
    return out.getvalue()
