"""Formats per language, and a glossary that covers every data word the pack uses."""

from __future__ import annotations

import re

import pytest

from geodata.model import pack_reader
from geodata.model.schema import DISTRICTS
from geodata.text import formats
from geodata.text.formats import (
    format_area_mu,
    format_date,
    format_large,
    format_period,
    format_value,
    glossary,
    place,
    place_names,
    unit_label,
)

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "zh", "en"),
    [
        (210, "亿元", "约", "约 210 亿元", "about 210 × 100 million yuan"),
        (14, "亿元", "", "14 亿元", "14 × 100 million yuan"),
        (500, "万元", "最高", "最高 500 万元", "up to 500 × 10,000 yuan"),
        (1018, "亩", "计划", "计划 1,018 亩", "planned 1,018 mu"),
        (1800, "家", "余", "1,800 余家", "more than 1,800 firms"),
        (20.5, "%", "", "20.5%", "20.5%"),
        (3, "名次", "", "第 3 名", "rank 3"),
        (1.5, "亿美元", "", "1.5 亿美元", "1.5 × 100 million US dollars"),
    ],
)
def test_money_and_counts_keep_the_stated_number(value, unit, qualifier, zh, en) -> None:
    assert format_value(value, unit, qualifier, "zh") == zh
    assert format_value(value, unit, qualifier, "en") == en


def test_no_figure_changes_its_number_in_english(indicators) -> None:
    """Translation never converts: the digits of every figure are the same in both languages."""
    for r in indicators.itertuples():
        zh = format_value(r.value, r.unit, r.qualifier, "zh")
        en = format_value(r.value, r.unit, r.qualifier, "en")
        number = formats.format_number(r.value)
        assert number in zh, (r.id, zh)
        assert number in en, (r.id, en)
        assert not HAN.search(en), (r.id, en)


def test_every_unit_qualifier_and_period_of_the_pack_has_english(indicators, policies) -> None:
    known = glossary()
    units = set(indicators["unit"]) | set(policies["cap_unit"]) | set(policies["threshold_unit"])
    units |= set(pack_reader.read_pack_table("funds")["size_unit"])
    missing = [u for u in units if u and ("unit", u) not in known]
    quals = {q for v in indicators["qualifier"] for q in str(v).split(";") if q}
    missing += [q for q in quals if ("qualifier", q) not in known]
    missing += [p for p in set(indicators["period"]) if p and HAN.search(format_period(p, "en"))]
    missing += [s for s in set(policies["sector"]) if s and ("sector", s) not in known]
    assert not missing, f"no English for: {sorted(missing)}"


def test_every_place_has_one_english_name() -> None:
    names = place_names()
    for zh, en in DISTRICTS.values():
        assert names[zh] == en
    for layer in ("areas", "parcels", "projects", "innovation"):
        gdf = pack_reader.read_pack_layer(layer)
        for zh, en in zip(gdf["name_zh"], gdf["name_en"], strict=True):
            assert place(zh, "en") == en, (layer, zh, en)
            assert not HAN.search(en), (layer, en)
    assert place("紫金港科技城", "en") == "Zijingang Science City"
    assert place("云栖小镇", "en") == "Yunqi Town"


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("2026-05-15", "2026年5月15日", "15 May 2026"),
        ("2026-02", "2026年2月", "February 2026"),
        ("2025", "2025年", "2025"),
    ],
)
def test_dates(text: str, zh: str, en: str) -> None:
    assert format_date(text, "zh") == zh
    assert format_date(text, "en") == en


def test_large_numbers_use_wan_yi_or_million_billion() -> None:
    assert format_large(123_456_789, "zh") == "1.23 亿"
    assert format_large(123_456_789, "en") == "123.46 million"
    assert format_large(45_000, "zh") == "4.5 万"
    assert format_large(45_000, "en") == "45,000"


def test_mu_with_square_metres_beside_it() -> None:
    assert format_area_mu(1018, "en") == "1,018 mu (678,667 m², 67.87 ha)"
    assert format_area_mu(1018, "zh") == "1,018 亩（678,667 m²，67.87 公顷）"


def test_axis_units() -> None:
    assert unit_label("亿元", "en") == "100 million yuan"
    assert unit_label("亿元", "zh") == "亿元"
    assert unit_label("个", "en") == "count"
