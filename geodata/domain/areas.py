"""Area profiles, comparisons and choropleth classes: pure functions over the tidy tables.

Every chart of the atlas is drawn from a frame these functions return, and every row
of such a frame is one row of ``indicators.csv`` (or ``funds.csv``), carrying its
source. Nothing here adds, converts or estimates a figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geodata.domain.figures import format_value
from geodata.text import formats
from geodata.text.i18n import translate

#: Profile groups, in the order the page shows them (design: output, investment, funds, innovation).
GROUPS = {
    "output": "产出",
    "investment": "投资",
    "funds": "基金",
    "innovation": "创新",
    "land": "用地与空间",
    "policy": "政策",
    "other": "其他",
}


def chart_rows(
    indicators: pd.DataFrame, area: str, category: str, lang: str = "zh"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of one profile group: those drawn as bars, and the rest (listed, not drawn).

    Bars share one axis, so only figures in the group's most common unit are drawn;
    figures in other units are returned separately to be listed as text. Each bar's
    ``label`` names the indicator, its subject and period; ``text`` is the value as the
    source states it, qualifier included.

    Examples
    --------
    >>> df = pd.DataFrame([
    ...     dict(id="a", area="钱塘区", subject="", category="output", indicator="增加值", period="Q1",
    ...          value=171.51, unit="亿元", qualifier="", source="s", quote="q"),
    ...     dict(id="b", area="钱塘区", subject="", category="output", indicator="总产值", period="去年",
    ...          value=3700.0, unit="亿元", qualifier="突破", source="s", quote="q"),
    ...     dict(id="c", area="钱塘区", subject="", category="output", indicator="增速", period="Q1",
    ...          value=20.5, unit="%", qualifier="", source="s", quote="q")])
    >>> bars, rest = chart_rows(df, "钱塘区", "output")
    >>> list(bars["id"]), list(rest["id"])
    (['b', 'a'], ['c'])
    >>> list(bars["text"])
    ['突破 3,700 亿元', '171.51 亿元']
    """
    rows = indicators[(indicators["area"] == area) & (indicators["category"] == category)].copy()
    if rows.empty:
        return rows.assign(label=[], text=[]), rows
    rows["text"] = [
        format_value(v, u, q, lang)
        for v, u, q in zip(rows["value"], rows["unit"], rows["qualifier"], strict=True)
    ]
    rows["label"] = [_label(r, lang) for _, r in rows.iterrows()]
    rows["kind"] = ["target" if is_target(q) else "actual" for q in rows["qualifier"]]
    unit_counts = rows["unit"].value_counts()
    # the most common unit; ties go to the unit of the larger figures (亿元 over 万元)
    top = max(unit_counts.index, key=lambda u: (unit_counts[u], rows.loc[rows["unit"] == u, "value"].max()))
    bars = rows[rows["unit"] == top].sort_values("value", ascending=False)
    rest = rows.drop(index=bars.index)
    return bars, rest


#: Qualifiers that mark a figure as a plan, target or forecast, not an outcome.
TARGET_QUALIFIERS = ("力争", "目标", "计划", "预计", "有望")


def is_target(qualifier: str) -> bool:
    """Whether a row's qualifier makes it a target, plan or forecast.

    Examples
    --------
    >>> is_target("力争;突破"), is_target("突破"), is_target("")
    (True, False, False)
    """
    return any(q in TARGET_QUALIFIERS for q in (qualifier or "").split(";"))


def _label(row: pd.Series, lang: str = "zh") -> str:
    """A bar's label: subject, indicator and period; in English the indicator's English name,
    and a subject without one kept as a quote 「…」.

    >>> r = pd.Series(dict(subject="青鸟计划", indicator="人数", indicator_en="people", period="2025"))
    >>> _label(r), _label(r, "en")
    ('青鸟计划：人数（2025）', '「青鸟计划」: people (2025)')
    """
    if lang == "en":
        parts = [formats.place_or_quote(row["subject"], lang)] if row.get("subject") else []
        parts.append(formats.indicator_name(row["indicator"], row.get("indicator_en"), lang))
        label = ": ".join(parts)
        period = formats.format_period(row.get("period"), lang)
        return f"{label} ({period})" if period else label
    parts = [row["subject"]] if row.get("subject") else []
    parts.append(row["indicator"])
    label = "：".join(parts)
    return f"{label}（{row['period']}）" if row.get("period") else label


def sources_of(rows: pd.DataFrame) -> list[str]:
    """The seed files a set of rows comes from, sorted.

    Examples
    --------
    >>> sources_of(pd.DataFrame({"source": ["b.txt", "a.txt", "b.txt"]}))
    ['a.txt', 'b.txt']
    """
    return sorted(set(rows["source"])) if len(rows) else []


@dataclass(frozen=True)
class Comparison:
    """Rows of one indicator that can stand side by side: same indicator, period and unit."""

    indicator: str
    period: str
    unit: str
    rows: pd.DataFrame


@dataclass(frozen=True)
class NotComparable:
    """Rows of the chosen indicator left out of every comparison, and why."""

    rows: pd.DataFrame
    reason: str


def compare(
    indicators: pd.DataFrame, indicator: str, lang: str = "zh"
) -> tuple[list[Comparison], NotComparable | None]:
    """Split one indicator's rows into comparable groups (same period and unit, ≥ 2 rows).

    Rows that share no period and unit with another row are returned as not comparable,
    with the reason, instead of being drawn next to figures they do not match.

    Examples
    --------
    >>> df = pd.DataFrame([
    ...     dict(area="西湖区", subject="x", indicator="基金规模", period="2026-02", unit="亿元", value=5.0),
    ...     dict(area="云栖小镇", subject="y", indicator="基金规模", period="2026-02", unit="亿元", value=10.0),
    ...     dict(area="紫金港科技城", subject="z", indicator="基金规模", period="2025-01", unit="亿元", value=10.0)])
    >>> groups, left = compare(df, "基金规模")
    >>> [(g.period, len(g.rows)) for g in groups]
    [('2026-02', 2)]
    >>> list(left.rows["area"]), left.reason
    (['紫金港科技城'], '时期不同：2025年1月')
    """
    rows = indicators[indicators["indicator"] == indicator]
    groups: list[Comparison] = []
    used: list[int] = []
    for (period, unit), g in rows.groupby(["period", "unit"], sort=True):
        if len(g) >= 2:
            groups.append(
                Comparison(indicator, str(period), str(unit), g.sort_values("value", ascending=False))
            )
            used.extend(g.index)
    left = rows.drop(index=used)
    if left.empty:
        return groups, None
    reasons = []
    periods = sorted(set(left["period"]) - {g.period for g in groups})
    units = sorted(set(left["unit"]) - {g.unit for g in groups})
    sep = translate("areas.reason.sep", lang)
    if periods:
        unstated = translate("areas.reason.unstated", lang)
        listed = sep.join(formats.format_period(p, lang) or unstated for p in periods)
        reasons.append(translate("areas.reason.periods", lang, periods=listed))
    if units:
        listed = sep.join(formats.unit_label(u, lang) for u in units)
        reasons.append(translate("areas.reason.units", lang, units=listed))
    reason = translate("areas.reason.join", lang).join(reasons) or translate("areas.reason.none", lang)
    return groups, NotComparable(left, reason)


def comparable_indicators(indicators: pd.DataFrame) -> list[str]:
    """Indicators that at least two rows state (candidates for a comparison)."""
    counts = indicators["indicator"].value_counts()
    return sorted(counts[counts >= 2].index)


def choropleth_indicators(indicators: pd.DataFrame, area_names: set[str]) -> list[str]:
    """Area-level indicators (no subject) stated for at least one of ``area_names``."""
    rows = indicators[(indicators["subject"] == "") & indicators["area"].isin(area_names)]
    return sorted(set(rows["indicator"]))


def choropleth_values(
    indicators: pd.DataFrame, indicator: str, area_names: list[str], lang: str = "zh"
) -> pd.DataFrame:
    """One row per area: the area-level value of an indicator, or NaN where no source gives one.

    Where an area has the indicator for several periods or units, the first row in the
    table is used and the others are reported in ``note`` (nothing is summed or averaged).

    Examples
    --------
    >>> df = pd.DataFrame([dict(area="钱塘区", subject="", indicator="规上工业总产值", period="去年",
    ...     value=3700.0, unit="亿元", qualifier="突破", source="s", quote="q")])
    >>> out = choropleth_values(df, "规上工业总产值", ["钱塘区", "西湖区"])
    >>> list(out["value"].fillna(-1)), list(out["unit"])
    ([3700.0, -1.0], ['亿元', ''])
    """
    rows = indicators[(indicators["indicator"] == indicator) & (indicators["subject"] == "")]
    # not dict(groupby): a GroupBy has a ``keys`` attribute (the column name), which dict() calls
    by_area = {area: hit for area, hit in rows.groupby("area", sort=False)}  # noqa: C416
    empty = rows.iloc[:0]
    out = []
    for area in area_names:
        hit = by_area.get(area, empty)
        if hit.empty:
            out.append(
                {
                    "area": area,
                    "value": float("nan"),
                    "unit": "",
                    "period": "",
                    "qualifier": "",
                    "source": "",
                    "note": "",
                }
            )
            continue
        first = hit.iloc[0]
        note = translate("areas.unused_rows", lang, count=len(hit) - 1) if len(hit) > 1 else ""
        out.append(
            {
                "area": area,
                "value": float(first["value"]),
                "unit": first["unit"],
                "period": first["period"],
                "qualifier": first["qualifier"],
                "source": first["source"],
                "note": note,
            }
        )
    return pd.DataFrame(out)


def stated_area_counts(indicators: pd.DataFrame, area_names: list[str]) -> dict[str, int]:
    """For each indicator, how many of ``area_names`` have a value in ``choropleth_values``.

    The same rule as ``choropleth_values`` (the area's first area-level row, counted if its
    value is known), in one pass over the table instead of one ``choropleth_values`` per
    indicator.

    Examples
    --------
    >>> df = pd.DataFrame(dict(area=["钱塘区", "钱塘区", "西湖区", "上城区"], subject=["", "", "", "x"],
    ...     indicator=["产值", "产值", "产值", "产值"], value=[1.0, 2.0, float("nan"), 3.0]))
    >>> stated_area_counts(df, ["钱塘区", "西湖区", "上城区"])
    {'产值': 1}
    """
    rows = indicators[(indicators["subject"] == "") & indicators["area"].isin(area_names)]
    first = rows.drop_duplicates(["indicator", "area"], keep="first")
    known = first[first["value"].notna()].groupby("indicator", sort=False).size()
    return {str(k): int(v) for k, v in known.items()} | {
        str(k): 0 for k in first["indicator"].unique() if k not in known.index
    }


def classify(values: pd.Series, k: int = 5) -> tuple[pd.Series, list[float]]:
    """Class of each value (NaN stays NaN) by Fisher-Jenks natural breaks (``mapclassify``).

    With fewer distinct values than ``k`` each distinct value gets its own class.

    Examples
    --------
    >>> cls, bins = classify(pd.Series([1.0, 2.0, float("nan"), 10.0]), k=5)
    >>> list(cls.fillna(-1)), bins
    ([0.0, 1.0, -1.0, 2.0], [1.0, 2.0, 10.0])
    """
    import mapclassify

    known = values.dropna()
    out = pd.Series(float("nan"), index=values.index)
    if known.empty:
        return out, []
    distinct = sorted(set(known))
    if len(distinct) <= k:
        out[known.index] = [float(distinct.index(v)) for v in known]
        return out, [float(v) for v in distinct]
    scheme = mapclassify.FisherJenks(known.to_numpy(), k=k)
    out[known.index] = scheme.yb.astype(float)
    return out, [float(b) for b in scheme.bins]


def picked_bar_ids(event: object) -> tuple[str, ...]:
    """The indicator ids of the bars picked in a chart (``st.plotly_chart``'s selection
    state, whose points carry the row's ``id`` as ``customdata``), in pick order.

    Anything else (no selection, a box with no points, a malformed value) picks nothing.

    Examples
    --------
    >>> picked_bar_ids({"selection": {"points": [{"customdata": ["ind-7"]}, {"customdata": "ind-9"}]}})
    ('ind-7', 'ind-9')
    >>> picked_bar_ids({"selection": {"points": []}}), picked_bar_ids(None), picked_bar_ids({"selection": 3})
    ((), (), ())
    """
    selection = event.get("selection") if isinstance(event, dict) else None
    points = selection.get("points") if isinstance(selection, dict) else None
    ids = []
    for point in points if isinstance(points, list) else []:
        data = point.get("customdata") if isinstance(point, dict) else None
        value = data[0] if isinstance(data, list) and data else data
        if isinstance(value, str) and value:
            ids.append(value)
    return tuple(ids)
