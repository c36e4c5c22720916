"""Charts alone: PNG and SVG at every size, with title, unit and source footnote; the bars are the sourced rows."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from PIL import Image

from geodata.domain.areas import chart_rows
from geodata.domain.sources import SEED_FILE, cite
from geodata.export.charts import RESOLUTIONS, SIZES, ChartSpec, area_charts, page_inches, render_chart


def _svg_texts(svg: bytes) -> list[str]:
    # text is drawn as paths (no font needed to view it); matplotlib keeps each string in a comment
    return [c.strip() for c in re.findall(r"<!--(.*?)-->", svg.decode("utf-8"), flags=re.S)]


def test_area_charts_are_the_area_pages_rows(indicators) -> None:
    from geodata.domain.areas import GROUPS

    expected = [
        (f"西湖区：{name}（{bars['unit'].iloc[0]}）", bars["id"].tolist(), set(bars["source"]))
        for category, name in GROUPS.items()
        if not (bars := chart_rows(indicators, "西湖区", category)[0]).empty
    ]
    charts = area_charts(indicators, "西湖区", "zh")
    assert [(c.title, c.rows["id"].tolist()) for c in charts] == [(t, ids) for t, ids, _ in expected]
    for chart, (_, _, sources) in zip(charts, expected, strict=True):
        assert chart.note.startswith("来源：")
        assert all(cite(s, "zh") in chart.note for s in sources)
        assert not SEED_FILE.search(chart.note)


@pytest.mark.parametrize("size", list(SIZES))
def test_png_and_svg_at_every_size(indicators, size) -> None:
    chart = area_charts(indicators, "钱塘区", "zh")[0]
    png = render_chart(chart, size, "screen", "png", "zh")
    img = Image.open(io.BytesIO(png))
    w, h = page_inches(size, 96)
    assert img.size == (int(w * 96), int(h * 96))
    assert img.info["dpi"] == pytest.approx((96, 96), abs=0.05)

    svg = render_chart(chart, size, "screen", "svg", "zh")
    root = ET.fromstring(svg)
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(w * 72, abs=0.5)
    texts = _svg_texts(svg)
    assert chart.title in texts
    assert any(t.startswith("来源：「钱塘（新）区") for t in texts)  # the footnote cites the seed
    assert f"单位：{chart.unit}" in texts
    for text in chart.rows["text"]:  # every bar carries its value as the source states it
        assert text in texts


@pytest.mark.parametrize("resolution", list(RESOLUTIONS))
def test_png_resolution(indicators, resolution) -> None:
    chart = area_charts(indicators, "西湖区", "en", display="Xihu District")[0]
    png = render_chart(chart, "slide", resolution, "png", "en")
    dpi = RESOLUTIONS[resolution]
    img = Image.open(io.BytesIO(png))
    assert img.size == (round(13.333 * dpi), round(7.5 * dpi))
    assert img.info["dpi"] == pytest.approx((dpi, dpi), abs=0.05)
    assert chart.title.startswith("Xihu District: ")


def test_targets_are_lighter_and_explained() -> None:
    rows = pd.DataFrame(
        {"label": ["实绩", "目标"], "value": [10.0, 20.0], "text": ["10 亿元", "力争 20 亿元"],
         "kind": ["actual", "target"], "source": ["000.txt", "000.txt"]}
    )  # fmt: skip
    from geodata.export.charts import chart_note

    chart = ChartSpec("测试", "亿元", rows, chart_note(["000.txt"], "zh", True))
    texts = _svg_texts(render_chart(chart, "a4_landscape", "screen", "svg", "zh"))
    assert "来源：000.txt。浅色柱为目标、计划或预计数，不是实绩。" in texts
    png = Image.open(io.BytesIO(render_chart(chart, "a4_landscape", "screen", "png", "zh"))).convert("RGB")
    colours = {c for _, c in png.getcolors(1_000_000)}
    assert (0x1F, 0x61, 0x8D) in colours  # an outcome bar
    assert (0xAA, 0xB7, 0xC4) in colours  # a target bar


def test_bad_size_is_refused(indicators) -> None:
    chart = area_charts(indicators, "钱塘区", "zh")[0]
    with pytest.raises(ValueError, match="unknown size"):
        render_chart(chart, "a5", "screen", "png", "zh")
