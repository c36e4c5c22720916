"""Area profiles and comparisons: every chart shows exactly the rows it claims, with units and sources."""

from __future__ import annotations

import pandas as pd

from components.charts import build_bar_chart, source_note
from geodata.domain.areas import (
    GROUPS,
    chart_rows,
    choropleth_values,
    classify,
    comparable_indicators,
    compare,
    stated_area_counts,
)
from geodata.domain.figures import format_value


def _areas_with_figures(indicators: pd.DataFrame) -> list[str]:
    return sorted(set(indicators["area"]))


def test_every_group_of_every_area_charts_its_own_rows_once(indicators) -> None:
    for area in _areas_with_figures(indicators):
        seen: list[str] = []
        for category in GROUPS:
            bars, rest = chart_rows(indicators, area, category)
            expected = indicators[(indicators["area"] == area) & (indicators["category"] == category)]
            assert sorted([*bars["id"], *rest["id"]]) == sorted(expected["id"]), (area, category)
            assert bars["unit"].nunique() <= 1, "one chart, one unit"
            seen += [*bars["id"], *rest["id"]]
        assert sorted(seen) == sorted(indicators.loc[indicators["area"] == area, "id"])


def test_a_bar_chart_has_one_bar_per_row_with_the_sources_value(indicators) -> None:
    bars, _ = chart_rows(indicators, "钱塘区", "output")
    assert len(bars) >= 2
    fig = build_bar_chart(bars, "钱塘区：产出", "亿元", source_note(sorted(set(bars["source"]))))
    trace = fig.data[0]
    assert len(trace.x) == len(bars)
    by_label = dict(zip(trace.y, trace.x, strict=True))
    for _, row in bars.iterrows():
        assert by_label[row["label"]] == row["value"]
    texts = set(trace.text)
    for _, row in bars.iterrows():
        assert format_value(row["value"], row["unit"], row["qualifier"]) in texts
    assert fig.layout.xaxis.title.text == "单位：亿元"
    assert fig.layout.title.text == "钱塘区：产出"
    assert "「钱塘（新）区：杭州制造硬核担当加速创新」" in fig.layout.annotations[0].text


def test_qualified_figures_keep_their_qualifier_on_the_bar(indicators) -> None:
    bars, _ = chart_rows(indicators, "钱塘区", "output")
    row = bars[bars["indicator"] == "规上工业总产值"].iloc[0]
    assert row["text"].startswith("突破")


def test_fund_sizes_of_the_same_period_and_unit_are_comparable(indicators) -> None:
    groups, left = compare(indicators, "基金规模")
    assert groups, "the 2026-02 fund sizes (紫金港科技城, 云栖小镇, 西湖区) share period and unit"
    g = next(g for g in groups if g.period == "2026-02")
    assert set(g.rows["area"]) >= {"紫金港科技城", "云栖小镇", "西湖区"}
    assert g.unit == "亿元"
    assert left is not None
    assert "时期不同" in left.reason


def test_industrial_output_of_xihu_and_qiantang_is_not_comparable(indicators) -> None:
    # 西湖区's figure is one cluster in 2025, 钱塘区's the whole district "去年": no shared period
    groups, left = compare(indicators, "规上工业总产值")
    assert groups == []
    assert left is not None
    assert set(left.rows["area"]) == {"西湖区", "钱塘区"}


def test_every_comparison_group_shares_indicator_period_and_unit(indicators) -> None:
    for name in comparable_indicators(indicators):
        groups, _ = compare(indicators, name)
        for g in groups:
            assert len(g.rows) >= 2
            assert set(g.rows["period"]) == {g.period}
            assert set(g.rows["unit"]) == {g.unit}
            assert set(g.rows["indicator"]) == {name}


def test_choropleth_leaves_missing_areas_empty(indicators) -> None:
    out = choropleth_values(indicators, "规上工业总产值", ["钱塘区", "西湖区", "淳安县"])
    by_area = out.set_index("area")
    assert by_area.loc["钱塘区", "value"] == 3700
    # 西湖区's row is a cluster (has a subject), not the district: no district value
    assert pd.isna(by_area.loc["西湖区", "value"])
    assert pd.isna(by_area.loc["淳安县", "value"])


def test_stated_area_counts_agree_with_the_choropleth_table(indicators) -> None:
    # the thematic page opens on the indicator the most areas state, counted in one pass
    areas = [*sorted(set(indicators["area"])), "没有数字的区"]
    counts = stated_area_counts(indicators, areas)
    stated = indicators[(indicators["subject"] == "") & indicators["area"].isin(areas)]
    assert set(counts) == set(stated["indicator"])
    for indicator, n in counts.items():
        assert n == choropleth_values(indicators, indicator, areas)["value"].notna().sum(), indicator
    assert max(counts.values()) >= 1


def test_classes_follow_natural_breaks() -> None:
    values = pd.Series([1, 2, 3, 50, 60, 70, 500, 600, float("nan")], dtype=float)
    cls, bins = classify(values, k=3)
    assert pd.isna(cls.iloc[-1])
    assert list(cls.iloc[:3]) == [0, 0, 0]
    assert list(cls.iloc[6:8]) == [2, 2]
    assert len(bins) == 3


def test_targets_are_drawn_apart_from_outcomes(indicators) -> None:
    from components.charts import BAR_COLOR, PLANNED_COLOR

    bars, _ = chart_rows(indicators, "钱塘区", "output")
    fig = build_bar_chart(bars, "t", "亿元", "")
    colors = dict(zip(fig.data[0].y, fig.data[0].marker.color, strict=True))
    for _, row in bars.iterrows():
        target = any(q in row["qualifier"] for q in ("力争", "预计", "计划", "目标", "有望"))
        assert colors[row["label"]] == (PLANNED_COLOR if target else BAR_COLOR), row["label"]
    assert PLANNED_COLOR in colors.values()
