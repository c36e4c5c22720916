"""The one way a table is offered for download: CSV and Excel through the formula guard.

Every CSV/Excel download of the app goes through here, so a cell from data that a spreadsheet
would run as a formula (``=``, ``+``, ``-``, ``@`` …) is defused wherever it is downloaded
(``geodata.export.tables``), and the bytes are built only when the button is clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from geodata.export.tables import to_csv_bytes, to_xlsx

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_button(
    label: str, frame: pd.DataFrame | Callable[[], pd.DataFrame], file_name: str, key: str | None = None, where: Any = st
) -> None:
    """A CSV download of ``frame`` (or of what a callable returns, built on click), formulas defused."""
    where.download_button(
        label, lambda: to_csv_bytes(frame() if callable(frame) else frame), file_name=file_name, mime="text/csv", key=key
    )


def xlsx_button(
    label: str,
    sheets: dict[str, pd.DataFrame] | Callable[[], bytes],
    file_name: str,
    key: str | None = None,
    where: Any = st,
) -> None:
    """An Excel download: one sheet per frame, formulas defused; or the bytes a (cached) builder returns,
    which must itself use ``geodata.export.tables.to_xlsx``."""
    data = sheets if callable(sheets) else (lambda: to_xlsx(sheets))
    where.download_button(label, data, file_name=file_name, mime=XLSX_MIME, key=key)
