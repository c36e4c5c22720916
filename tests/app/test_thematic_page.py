"""The thematic maps run for every indicator offered, and never colour an area without a value."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from geodata.domain.areas import choropleth_indicators
from geodata.model import pack_reader


@pytest.fixture(scope="module")
def at(open_page) -> AppTest:
    return open_page("thematic.py")


def _value_table(at: AppTest) -> dict[str, list[str]]:
    """The choropleth's value table (a Markdown table, column -> cells, escapes undone)."""
    table = next(m.value for m in at.markdown if m.value.startswith("| 地区 |"))
    lines = table.splitlines()

    def split(line: str) -> list[str]:  # on the unescaped pipes, then undo md_escape
        return [re.sub(r"\\(.)", r"\1", c.strip()) for c in re.split(r"(?<!\\)\|", line)[1:-1]]

    header, rows = split(lines[0]), [split(line) for line in lines[2:]]
    return {h: [r[i] for r in rows] for i, h in enumerate(header)}


def _indicators() -> list[str]:
    names = set(pack_reader.read_pack_layer("districts")["name_zh"]) | set(
        pack_reader.read_pack_layer("areas")["name_zh"]
    )
    return choropleth_indicators(pack_reader.read_pack_table("indicators"), names)


def test_opens_on_industrial_output(at) -> None:
    assert at.selectbox(key="thematic_indicator").value == "规上工业总产值"
    table = _value_table(at)
    assert table["地区"] == ["钱塘区"]
    assert table["数值"] == ["突破 3,700 亿元"]


# a spread of the ~80 indicators on offer (each run takes most of a second)
@pytest.mark.parametrize("indicator", _indicators()[::9])
def test_indicators_run(at, indicator: str) -> None:
    at.selectbox(key="thematic_indicator").select(indicator).run()
    assert not at.exception, at.exception
    assert len(_value_table(at)["地区"]) >= 1  # only areas with a sourced value are listed


def test_projects_keep_their_currency(at) -> None:
    at.radio(key="thematic_view").set_value("projects").run()
    assert not at.exception
    listing = at.dataframe[0].value
    amounts = dict(zip(listing["项目"], listing["投资额"], strict=True))
    assert amounts["优科豪马项目"] == "5 亿美元"
    assert amounts["杭州芯聚半导体新一代显示技术研发生产项目"] == "10 亿元"
    assert amounts["杭州中能透平机械装备二期项目"] == "来源未给出"
    assert any("优科豪马项目为 5 亿美元" in c.value for c in at.caption)


def test_each_view_offers_its_data(at) -> None:
    at.radio(key="thematic_view").set_value("choropleth").run()
    assert "thematic_choropleth_csv" in {b.key for b in at.get("download_button")}
    at.radio(key="thematic_view").set_value("projects").run()
    assert "thematic_projects_csv" in {b.key for b in at.get("download_button")}
