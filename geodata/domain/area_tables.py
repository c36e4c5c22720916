"""The area page's tables, built as plain frames with headers in the reader's language.

Pure: funds and the rows an area comparison left out, each with its source cited by title
and date (never a file name), unknown sizes as "not yet published".
"""

from __future__ import annotations

import pandas as pd

from geodata.domain.sources import cite_cells
from geodata.text.formats import format_period, format_value, place, place_or_quote, quote_zh, unit_label
from geodata.text.i18n import translate


def fund_table(fund_rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An area's funds: name, size (as the source states it), focus, stage, status and source."""
    matrix = fund_rows.assign(
        fund=fund_rows["fund_en"].where(fund_rows["fund_en"].astype(bool), fund_rows["fund"])
        if lang == "en"
        else fund_rows["fund"],
        size=[
            format_value(v, u, q, lang) if pd.notna(v) else translate("common.not_published", lang)
            for v, u, q in zip(fund_rows["size_value"], fund_rows["size_unit"], fund_rows["size_qualifier"], strict=True)
        ],
        status=[translate(f"areas.fund_status.{s}", lang) for s in fund_rows["status"]],
        focus=[quote_zh(x, lang) for x in fund_rows["focus"]],
        stage=[quote_zh(x, lang) for x in fund_rows["stage"]],
        source=cite_cells(fund_rows["source"], lang),
    )[["fund", "size", "focus", "stage", "status", "source"]]
    return matrix.rename(columns={c: translate(f"areas.col.{c}", lang) for c in matrix.columns})


def left_out_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The figures a comparison could not put side by side (another period, unit or subject)."""
    cols = ("area", "subject", "period", "value", "unit", "source")
    out = rows.assign(
        area=[place(a, lang) for a in rows["area"]],
        subject=[place_or_quote(s, lang) for s in rows["subject"]],
        period=[format_period(p, lang) for p in rows["period"]],
        unit=[unit_label(u, lang) for u in rows["unit"]],
        source=cite_cells(rows["source"], lang),
    )
    return out[list(cols)].rename(columns={c: translate(f"areas.col.{c}", lang) for c in cols})
