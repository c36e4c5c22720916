"""Every table download goes through the formula guard (components/downloads.py)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from components.downloads import csv_button, xlsx_button

ROOT = Path(__file__).resolve().parents[2]
# Files that may call st.download_button themselves: the helper, the picture/PDF panel and the
# site finder's PDF (no tables), and the parcel page's files, built by
# geodata.export.tables.parcel_download.
ALLOWED = {"components/downloads.py", "components/export_panel.py", "components/parcel_page.py",
           "components/recommend_view.py"}  # fmt: skip


class _Spy:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def download_button(self, label, data, file_name, mime, key=None):  # type: ignore[no-untyped-def]
        self.calls.append((label, data() if callable(data) else data, file_name, mime, key))


def test_csv_and_excel_downloads_defuse_formulas() -> None:
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "ok"], "n": [-1, 2]})
    spy = _Spy()
    csv_button("CSV", frame, "a.csv", "k1", where=spy)
    csv_button("CSV", lambda: frame, "b.csv", "k2", where=spy)
    xlsx_button("Excel", {"s": frame}, "c.xlsx", "k3", where=spy)
    for _, data, _, mime, _ in spy.calls[:2]:
        assert mime == "text/csv"
        assert pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")["name"].iloc[0].startswith("'=HYPERLINK")
    book = pd.read_excel(io.BytesIO(spy.calls[2][1]), sheet_name="s")
    assert book["name"].iloc[0].startswith("'=")
    assert book["n"].tolist() == [-1, 2]  # numbers stay numbers


def test_no_page_or_component_offers_a_table_outside_the_helper() -> None:
    offenders = []
    for path in [*(ROOT / "app_pages").glob("*.py"), *(ROOT / "components").glob("*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel not in ALLOWED and "download_button(" in text:
            offenders.append(f"{rel}: st.download_button (use components.downloads)")
        if re.search(r"\.to_csv\(|\.to_excel\(", text):
            offenders.append(f"{rel}: writes CSV/Excel itself (use components.downloads / geodata.export.tables)")
    assert not offenders, "\n".join(offenders)
