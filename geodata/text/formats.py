"""Numbers, amounts, units, periods, dates and data terms per language, in one pure module.

The rule for money in English, applied everywhere (cards, charts, tables, CSV headers):
a figure keeps the number the source states and its unit is translated word for word,
so 亿元 reads "100 million yuan" and 万元 "10,000 yuan" (``210 × 100 million yuan``).
Nothing is converted, so an English figure can be checked against the Chinese quote
digit for digit. In Chinese the units stay as the sources state them (亿元, 万元).

Data words that are not place names (units, the sources' qualifiers such as 约 / 超,
relative periods such as 今年, policy sectors, statuses) are translated through the
glossary ``geodata/text/locales/terms.csv`` (kind, zh, en). A word the glossary does not know
is returned unchanged: it is data, never invented.

Examples
--------
>>> format_value(210, "亿元", "约", "en")
'about 210 × 100 million yuan'
>>> format_value(210, "亿元", "约", "zh")
'约 210 亿元'
>>> format_date("2026-05-15", "en"), format_date("2026-05-15", "zh")
('15 May 2026', '2026年5月15日')
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

GLOSSARY = Path(__file__).parent / "locales" / "terms.csv"

#: Qualifiers written after the number in Chinese (1,800 余家, 2,000 万元以上).
_SUFFIX_ZH = ("以上", "余")
#: Qualifiers written after the value in English ("2,000 × 10,000 yuan or more").
_SUFFIX_EN = ("以上",)
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@lru_cache(maxsize=1)
def glossary() -> dict[tuple[str, str], str]:
    """``{(kind, zh): en}`` from the glossary file.

    >>> glossary()[("unit", "亿元")]
    '100 million yuan'
    """
    with GLOSSARY.open(encoding="utf-8", newline="") as fh:
        return {(row["kind"], row["zh"]): row["en"] for row in csv.DictReader(fh)}


def term(value: object, kind: str, lang: str) -> str:
    """A data word (``kind``: unit, qualifier, period, sector, land_use, ...) in ``lang``.

    Unknown words come back unchanged.

    >>> term("制造业", "sector", "en"), term("制造业", "sector", "zh"), term("某行业", "sector", "en")
    ('manufacturing', '制造业', '某行业')
    """
    text = "" if value is None else str(value)
    if lang != "en":
        return text
    return glossary().get((kind, text), text)


def format_number(value: float, lang: str = "zh") -> str:
    """A number as people write it: thousands separators, no trailing ``.0`` (both languages).

    >>> format_number(1018.0), format_number(171.51), format_number(0.5, "en")
    ('1,018', '171.51', '0.5')
    """
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def format_large(value: float, lang: str = "zh") -> str:
    """A large plain number: 万 / 亿 in Chinese, million / billion in English.

    >>> format_large(678667, "zh"), format_large(678667, "en")
    ('67.87 万', '678,667')
    >>> format_large(2.1e10, "zh"), format_large(2.1e10, "en")
    ('210 亿', '21 billion')
    >>> format_large(3_500_000, "en"), format_large(9_999, "zh")
    ('3.5 million', '9,999')
    """
    v = float(value)
    steps = ((1e8, "亿"), (1e4, "万")) if lang != "en" else ((1e9, "billion"), (1e6, "million"))
    for size, word in steps:
        if abs(v) >= size:
            return f"{format_number(round(v / size, 2))} {word}"
    return format_number(round(v, 2))


def unit_text(unit: object, lang: str) -> str:
    """A unit in ``lang``; in English a unit that starts with a number is a multiplier.

    >>> unit_text("亿元", "en"), unit_text("家", "en"), unit_text("亿元", "zh")
    ('100 million yuan', 'firms', '亿元')
    """
    return term(unit or "", "unit", lang)


def format_value(value: float, unit: object, qualifier: object = "", lang: str = "zh") -> str:
    """Value, unit and the source's own qualifiers (several separated by ``;``).

    >>> format_value(3700, "亿元", "突破")
    '突破 3,700 亿元'
    >>> format_value(3700, "亿元", "突破", "en")
    'over 3,700 × 100 million yuan'
    >>> format_value(1800, "家", "余"), format_value(1800, "家", "余", "en")
    ('1,800 余家', 'more than 1,800 firms')
    >>> format_value(8.6, "%"), format_value(8.6, "%", "", "en")
    ('8.6%', '8.6%')
    >>> format_value(1, "名次"), format_value(1, "名次", "", "en")
    ('第 1 名', 'rank 1')
    >>> format_value(223.3, "亿元", "计划;约")
    '计划 约 223.3 亿元'
    >>> format_value(2000, "万元", "以上"), format_value(2000, "万元", "以上", "en")
    ('2,000 万元以上', '2,000 × 10,000 yuan or more')
    >>> format_value(47, "个", "", "en")
    '47'
    """
    num = format_number(value)
    unit = "" if unit is None or (isinstance(unit, float) and unit != unit) else str(unit)
    quals = [q for q in str(qualifier or "").split(";") if q and q != "nan"]
    if lang == "en":
        before = [term(q, "qualifier", "en") for q in quals if q not in _SUFFIX_EN]
        after = [term(q, "qualifier", "en") for q in quals if q in _SUFFIX_EN]
        if unit == "名次":
            core = f"rank {num}"
        elif unit == "%":
            core = f"{num}%"
        else:
            words = unit_text(unit, "en")
            sep = " × " if words[:1].isdigit() else " "
            core = f"{num}{sep}{words}".strip()
        return " ".join([*before, core, *after])
    before = [q for q in quals if q not in _SUFFIX_ZH]
    after = [q for q in quals if q in _SUFFIX_ZH]
    if unit == "名次":
        core = f"第 {num} 名"
    elif unit == "%":
        core = f"{num}%"
    elif "余" in after:
        core = f"{num} 余{unit}"
        after.remove("余")
    else:
        core = f"{num} {unit}".strip()
    return " ".join([*before, core + "".join(after)])


def unit_label(unit: object, lang: str) -> str:
    """A unit for an axis title or a column header (the multiplier without a number).

    >>> unit_label("亿元", "en"), unit_label("个", "en"), unit_label("亿元", "zh")
    ('100 million yuan', 'count', '亿元')
    """
    words = unit_text(unit, lang)
    return words if words else ("count" if lang == "en" else str(unit or ""))


_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


def format_date(text: object, lang: str) -> str:
    """An ISO date (``2026``, ``2026-02``, ``2026-02-02``) as people write it.

    Anything else is returned unchanged.

    >>> format_date("2026-02", "zh"), format_date("2026-02", "en"), format_date("2026", "en")
    ('2026年2月', 'February 2026', '2026')
    >>> format_date("soon", "en")
    'soon'
    """
    raw = "" if text is None else str(text)
    m = _ISO.fullmatch(raw)
    if not m:
        return raw
    year, month, day = m.group(1), m.group(2), m.group(3)
    if lang == "en":
        if day:
            return f"{int(day)} {_MONTHS_EN[int(month) - 1]} {year}"
        return f"{_MONTHS_EN[int(month) - 1]} {year}" if month else year
    if day:
        return f"{year}年{int(month)}月{int(day)}日"
    return f"{year}年{int(month)}月" if month else f"{year}年"


def format_period(text: object, lang: str) -> str:
    """A figure's period: ISO dates, quarters and ranges formatted; the sources' relative wording
    (今年, 截至目前) translated from the glossary, never resolved to a guessed date.

    >>> format_period("2025-Q1", "en"), format_period("2025-Q1", "zh")
    ('Q1 2025', '2025年第一季度')
    >>> format_period("2024-01/2024-09", "en"), format_period("2024-01/2024-09", "zh")
    ('January 2024 – September 2024', '2024年1月—2024年9月')
    >>> format_period("今年", "en"), format_period("今年", "zh"), format_period("", "en")
    ('this year', '今年', '')
    """
    raw = "" if text is None or (isinstance(text, float) and text != text) else str(text)
    if not raw:
        return ""
    q = _QUARTER.fullmatch(raw)
    if q:
        if lang == "en":
            return f"Q{q.group(2)} {q.group(1)}"
        return f"{q.group(1)}年第{'一二三四'[int(q.group(2)) - 1]}季度"
    if "/" in raw:
        a, b = raw.split("/", 1)
        return (
            f"{format_period(a, lang)} – {format_period(b, lang)}"
            if lang == "en"
            else (f"{format_period(a, lang)}—{format_period(b, lang)}")
        )
    if _ISO.fullmatch(raw):
        return format_date(raw, lang)
    return term(raw, "period", lang)


def format_area_mu(mu: float, lang: str) -> str:
    """An area in 亩 with m² and hectares beside it (1 亩 = 10000/15 m²).

    >>> format_area_mu(15, "zh"), format_area_mu(15, "en")
    ('15 亩（10,000 m²，1 公顷）', '15 mu (10,000 m², 1 ha)')
    """
    m2 = float(mu) * 10000 / 15
    mu_s, m2_s, ha_s = format_number(float(mu)), format_number(round(m2)), format_number(round(m2 / 1e4, 2))
    if lang == "en":
        return f"{mu_s} mu ({m2_s} m², {ha_s} ha)"
    return f"{mu_s} 亩（{m2_s} m²，{ha_s} 公顷）"


@lru_cache(maxsize=1)
def place_names() -> dict[str, str]:
    """Chinese name -> English name of every place in the pack (districts, platforms, parks,
    sites, projects, institutes, city and province), one romanisation throughout
    ("Xihu District", "Zijingang Science City", "Yunqi Town").

    >>> place_names()["紫金港科技城"], place_names()["西湖区"]
    ('Zijingang Science City', 'Xihu District')
    """
    from geodata.model.schema import DISTRICTS, PACK_DIR

    names = dict(DISTRICTS.values())
    names |= {"杭州市": "Hangzhou City", "浙江省": "Zhejiang Province", "杭州": "Hangzhou"}
    with (PACK_DIR / "places.csv").open(encoding="utf-8", newline="") as fh:
        names |= {row["name_zh"]: row["name_en"] for row in csv.DictReader(fh) if row["name_en"]}
    return names


def place(name: object, lang: str) -> str:
    """A place name in ``lang``; a name the pack does not translate stays as it is.

    >>> place("滨江区", "en"), place("滨江区", "zh"), place("某地", "en")
    ('Binjiang District', '滨江区', '某地')
    """
    text = "" if name is None or (isinstance(name, float) and name != name) else str(name)
    return place_names().get(text, text) if lang == "en" else text


def place_or_quote(name: object, lang: str) -> str:
    """A place name in English, or a Chinese name with no English in the sources shown as a
    quote 「…」 (it is data, not translated by guess). Chinese is returned as it is.

    >>> place_or_quote("云栖小镇", "en"), place_or_quote("青鸟计划", "en"), place_or_quote("青鸟计划", "zh")
    ('Yunqi Town', '「青鸟计划」', '青鸟计划')
    """
    text = place(name, lang)
    if lang == "en" and re.search(r"[\u4e00-\u9fff]", text):
        return f"「{text}」"
    return text


def quote_zh(text: object, lang: str) -> str:
    """Chinese data text (a description, a condition) as it stands in Chinese, and as a
    quote 「…」 in English so the reader sees it is the source's wording.

    >>> quote_zh("三面环水", "en"), quote_zh("三面环水", "zh"), quote_zh("", "en")
    ('「三面环水」', '三面环水', '')
    """
    raw = "" if text is None or (isinstance(text, float) and text != text) else str(text)
    if lang == "en" and raw and re.search(r"[\u4e00-\u9fff]", raw):
        return f"「{raw}」"
    return raw


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def indicator_name(zh: object, en: object, lang: str) -> str:
    """An indicator's name: Chinese as the source has it; in English the pack's English name,
    where a Chinese proper name inside it (an award, a programme) is kept as a quote 「…」.

    >>> indicator_name("获鼎次数", "years winning the 科技创新鼎 award", "en")
    'years winning the 「科技创新鼎」 award'
    >>> indicator_name("获鼎次数", "", "en"), indicator_name("获鼎次数", "x", "zh")
    ('「获鼎次数」', '获鼎次数')
    """
    zh_text = "" if zh is None else str(zh)
    if lang != "en":
        return zh_text
    en_text = "" if en is None or (isinstance(en, float) and en != en) else str(en)
    return quote_han_runs(en_text or zh_text)


def quote_han_runs(text: object) -> str:
    """English text that names Chinese places or sources in passing: each Chinese run quoted 「…」.

    >>> quote_han_runs("Point from gazetteer row 云栖小镇 (medium confidence)")
    'Point from gazetteer row 「云栖小镇」 (medium confidence)'
    """
    return _HAN_RUN.sub(lambda m: f"「{m.group(0)}」", "" if text is None else str(text))
