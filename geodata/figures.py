"""Key figures per area, read only from the tidy indicators table.

Every figure keeps its source (seed file) and the sentence it comes from, so the
screen can show both. Nothing here computes a figure that no source states.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: Qualifiers written before the number (超 3,700 亿元) and after it (1,800 余家).
_PREFIX_QUALIFIERS = ("约", "超", "近", "突破", "最高", "不少于", "不低于", "力争", "预计", "计划", "累计")
_SUFFIX_QUALIFIERS = ("以上", "余")

_UNIT_GLUE = ("%", "名次")


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
    >>> format_number(0.5)
    '0.5'
    """
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def format_value(value: float, unit: str, qualifier: str = "") -> str:
    """Value, unit and the source's own qualifiers, e.g. ``突破 3,700 亿元``.

    Several qualifiers are separated by ``;`` in the table and all shown.

    Examples
    --------
    >>> format_value(3700, "亿元", "突破")
    '突破 3,700 亿元'
    >>> format_value(1800, "家", "余")
    '1,800 余家'
    >>> format_value(8.6, "%")
    '8.6%'
    >>> format_value(1, "名次")
    '第 1 名'
    >>> format_value(223.3, "亿元", "计划;约")
    '计划 约 223.3 亿元'
    >>> format_value(2000, "万元", "以上")
    '2,000 万元以上'
    """
    num = format_number(value)
    quals = [q for q in (qualifier or "").split(";") if q]
    before = [q for q in quals if q not in _SUFFIX_QUALIFIERS]
    after = [q for q in quals if q in _SUFFIX_QUALIFIERS]
    if unit == "名次":
        core = f"第 {num} 名"
    elif unit == "%":
        core = f"{num}%"
    elif "余" in after:
        core = f"{num} 余{unit}"
        after.remove("余")
    else:
        core = f"{num} {unit}".strip()
    core = core + "".join(after)
    return " ".join([*before, core])


def _figure(row: pd.Series) -> Figure:
    label = row["indicator"] if not row.get("subject") else f"{row['subject']}：{row['indicator']}"
    return Figure(
        id=row["id"],
        area=row["area"],
        label=label,
        display=format_value(float(row["value"]), row["unit"], row.get("qualifier", "")),
        period=row["period"],
        period_inferred=str(row.get("period_basis", "")).startswith("inferred"),
        source=row["source"],
        quote=row["quote"],
        subject=row.get("subject", ""),
    )


def key_figures(indicators: pd.DataFrame, area: str) -> list[Figure]:
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
    return [_figure(r) for _, r in rows.iterrows()]


def figure_count(indicators: pd.DataFrame, area: str) -> int:
    """How many sourced figures the table holds for an area (headline or not)."""
    return int((indicators["area"] == area).sum())
