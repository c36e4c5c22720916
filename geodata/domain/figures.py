"""Key figures per area, read only from the tidy indicators table.

Every figure keeps its source (seed file) and the sentence it comes from, so the
screen can show both. Nothing here computes a figure that no source states.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geodata.text import formats


@dataclass(frozen=True)
class Figure:
    """One sourced figure, ready to show on a card."""

    id: str
    area: str
    label: str
    display: str
    period: str
    period_inferred: bool
    source: str
    quote: str
    subject: str = ""


def format_number(value: float) -> str:
    """A number as people write it: thousands separators, no trailing ``.0``.

    Examples
    --------
    >>> format_number(1018.0)
    '1,018'
    >>> format_number(171.51)
    '171.51'
    """
    return formats.format_number(value)


def format_value(value: float, unit: str, qualifier: str = "", lang: str = "zh") -> str:
    """Value, unit and the source's own qualifiers, e.g. ``突破 3,700 亿元`` (see ``geodata.text.formats``).

    Examples
    --------
    >>> format_value(3700, "亿元", "突破")
    '突破 3,700 亿元'
    >>> format_value(1800, "家", "余")
    '1,800 余家'
    >>> format_value(223.3, "亿元", "计划;约", "en")
    'planned about 223.3 × 100 million yuan'
    """
    return formats.format_value(value, unit, qualifier, lang)


def _figure(row: pd.Series, lang: str = "zh") -> Figure:
    indicator = row["indicator"]
    subject = row.get("subject", "") or ""
    if lang == "en":
        indicator = formats.indicator_name(indicator, row.get("indicator_en"), lang)
        # a subject (a fund, a programme, a company) has no English in the sources: its own
        # Chinese name is kept, quoted, rather than a made-up translation
        subject = formats.place_or_quote(subject, lang) if subject else ""
    label = (
        indicator if not subject else f"{subject}：{indicator}" if lang != "en" else f"{subject}: {indicator}"
    )
    return Figure(
        id=row["id"],
        area=row["area"],
        label=label,
        display=format_value(float(row["value"]), row["unit"], row.get("qualifier", ""), lang),
        period=formats.format_period(row["period"], lang),
        period_inferred=str(row.get("period_basis", "")).startswith("inferred"),
        source=row["source"],
        quote=row["quote"],
        subject=subject,
    )


def key_figures(indicators: pd.DataFrame, area: str, lang: str = "zh") -> list[Figure]:
    """The headline figures of one area, in table order.

    Examples
    --------
    >>> df = pd.DataFrame([dict(id="a", area="西湖区", subject="", indicator="产值", period="2025",
    ...     period_basis="", value=69.5, qualifier="", unit="亿元", headline=1.0, source="s", quote="q"),
    ...     dict(id="b", area="西湖区", subject="", indicator="增速", period="2025",
    ...     period_basis="", value=8.6, qualifier="", unit="%", headline=0.0, source="s", quote="q")])
    >>> [f.display for f in key_figures(df, "西湖区")]
    ['69.5 亿元']
    >>> key_figures(df, "滨江区")
    []
    """
    rows = indicators[(indicators["area"] == area) & (indicators["headline"] == 1)]
    return [_figure(r, lang) for _, r in rows.iterrows()]


def figure_count(indicators: pd.DataFrame, area: str) -> int:
    """How many sourced figures the table holds for an area (headline or not)."""
    return int((indicators["area"] == area).sum())
