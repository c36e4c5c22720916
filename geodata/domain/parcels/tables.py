"""The parcel explorer's tables, built as plain frames with headers in the reader's language.

Pure: each takes the rows and a language and returns a ``pandas.DataFrame`` ready to show, so
the page only draws it. Unknown stays unknown: an area or status the data lacks reads
"not yet published", never a guess.

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"id": ["a"], "district": ["西湖区"], "parent": [None],
...                      "area_mu": [float("nan")], "status": ["planned"]})
>>> listing_table(rows, {"a": "云谷地块"}, "zh").iloc[0].tolist()
['云谷地块', '西湖区', '', '待公布', '计划出让']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from geodata.domain.parcels.nearby import Nearby
from geodata.domain.policies import Match
from geodata.domain.sources import cite_cells
from geodata.model.schema import PARCEL_STATUS_ZH
from geodata.text.formats import format_number, place, term
from geodata.text.i18n import translate


def _status(value: object, lang: str) -> str:
    if value in PARCEL_STATUS_ZH:
        return translate(f"cards.parcel_status.{value}", lang)
    return translate("common.not_published", lang)


def _area(mu: object, lang: str) -> str:
    if mu is None or pd.isna(mu):
        return translate("common.not_published", lang)
    return translate("parcels.area_mu", lang, mu=format_number(float(mu)))


def listing_table(listed: pd.DataFrame, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """The parcel list: name, district, platform, area in 亩, status (one row per listed parcel)."""
    return pd.DataFrame(
        {
            translate("parcels.col.parcel", lang): [names[i] for i in listed["id"]],
            translate("parcels.col.district", lang): [place(d, lang) for d in listed["district"]],
            translate("parcels.col.platform", lang): [place(p, lang) for p in listed["parent"].fillna("")],
            translate("parcels.col.area", lang): [_area(v, lang) for v in listed["area_mu"]],
            translate("parcels.col.status", lang): [_status(s, lang) for s in listed["status"]],
        }
    ).reset_index(drop=True)


def nearby_table(near: Sequence[Nearby], lang: str) -> pd.DataFrame:
    """Features near a parcel: layer, name, straight-line distance in km, and how the feature is placed."""
    return pd.DataFrame(
        {
            translate("parcels.col.layer", lang): [translate(f"parcels.layer.{n.layer}", lang) for n in near],
            translate("parcels.col.name", lang): [place(n.name_zh, lang) for n in near],
            translate("parcels.col.distance", lang): [f"{n.distance_m / 1000:,.1f} km" for n in near],
            translate("parcels.col.location", lang): [
                translate("map.indicative", lang) if n.geometry_quality == "indicative" else n.geometry_quality
                for n in near
            ],
        }
    )


def policy_table(matches: Sequence[Match], lang: str) -> pd.DataFrame:
    """The support measures that apply: measure, sector, cap, rate and the cited source."""
    return pd.DataFrame(
        {
            translate("parcels.col.measure", lang): [
                (m.measure_en or m.measure) if lang == "en" else m.measure for m in matches
            ],
            translate("parcels.col.sector", lang): [term(m.sector, "sector", lang) for m in matches],
            translate("parcels.col.cap", lang): [m.cap_text or "" for m in matches],
            translate("parcels.col.rate", lang): [m.rate_text or "" for m in matches],
            translate("parcels.col.source", lang): cite_cells([m.source for m in matches], lang),
        }
    )


def radius_table(hits: pd.DataFrame, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Parcels within a radius of a point (``hits`` carries ``distance_m``), nearest first as given."""
    return pd.DataFrame(
        {
            translate("parcels.col.parcel", lang): [names[i] for i in hits["id"]],
            translate("parcels.col.distance", lang): [f"{d / 1000:,.2f} km" for d in hits["distance_m"]],
        }
    )


def page_rows(count: int, page: int, per_page: int) -> tuple[int, int, int]:
    """``(start, stop, pages)``: the rows of ``page`` (1-based) when ``count`` rows are shown
    ``per_page`` at a time. A page beyond the last (the filters left fewer rows) is the last
    one; there is always one page, empty when there are no rows.

    Examples
    --------
    >>> page_rows(25, 1, 10), page_rows(25, 3, 10), page_rows(25, 9, 10)
    ((0, 10, 3), (20, 25, 3), (20, 25, 3))
    >>> page_rows(0, 1, 10), page_rows(5, 0, 10)
    ((0, 0, 1), (0, 5, 1))
    """
    pages = max(1, -(-count // per_page))
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    return start, min(start + per_page, count), pages


def marked(table: pd.DataFrame, row: int | None, mark: str = "▶ ") -> pd.DataFrame:
    """``table`` with ``mark`` before the first cell of ``row`` (the selected parcel's row in a
    list that cannot be coloured, such as a Markdown table); unchanged when ``row`` is None.

    Examples
    --------
    >>> t = pd.DataFrame({"地块": ["a", "b"], "区县": ["x", "y"]})
    >>> marked(t, 1)["地块"].tolist(), t["地块"].tolist()
    (['a', '▶ b'], ['a', 'b'])
    """
    if row is None:
        return table
    out = table.copy()
    out.iloc[row, 0] = f"{mark}{out.iloc[row, 0]}"
    return out
