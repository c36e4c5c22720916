"""Checks for the figure tables extracted from the five seed documents (geodata/pack/*.csv).

indicators.csv must hold every quantitative figure of the seeds; funds.csv and policies.csv repeat
fund sizes and support measures in their own shape.  The tests check that each row is anchored in its
source text (verbatim quote, value text inside the quote, value text parses to the value), that the
controlled vocabularies hold, and -- the coverage test -- that every Arabic number in every seed is
either recorded by some row or listed, with a reason, in EXCLUDED below.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from geodata.model.schema import INDICATOR_COLUMNS, TRADITIONAL_ONLY_CHARS

PACK = Path(__file__).resolve().parents[2] / "geodata" / "pack"
SEEDS = PACK / "seeds"

# Mirrors the area names of the areas layer; keep in sync when that layer gains areas.
# The areas a figure may belong to: every name in the pack's area layers.
ALLOWED_AREAS = {
    f["properties"]["name_zh"]
    for layer in ("districts", "context", "areas")
    for f in json.loads((PACK / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]
}
FOCUS_AREAS = {"西湖区", "滨江区", "钱塘区", "紫金港科技城"}
CATEGORIES = {"output", "investment", "funds", "innovation", "land", "policy", "other"}
UNITS = {
    "亿元",
    "万元",
    "元",
    "亿美元",
    "万美元",
    "万亿元",
    "家",
    "个",
    "宗",
    "亩",
    "%",
    "平方公里",
    "万平方米",
    "平方米",
    "名",
    "项",
    "场",
    "只",
    "台",
    "台套",
    "吨",
    "万条",
    "万套",
    "位",
    "所",
    "批",
    "年",
    "个月",
    "小时",
    "名次",
    "卡",
    "款",
    "毫米",
    "度",
    "PB",
    "万亿次/秒",
    "名/平方公里",
    "万元/项",
}
QUALIFIERS = {
    "约",
    "超",
    "近",
    "突破",
    "以上",
    "余",
    "多",
    "最高",
    "最高不超过",
    "不少于",
    "不低于",
    "力争",
    "预计",
    "计划",
    "有望",
    "将",
    "目标",
    "达",
    "内",
    "±",
    "区间下限",
    "区间上限",
}
STATUSES = {"existing", "planned"}
# Traditional-only characters that have a simplified form; simplified columns must not contain them.
TRADITIONAL = TRADITIONAL_ONLY_CHARS

INDICATOR_COLS = list(INDICATOR_COLUMNS)
FUND_COLS = [
    "id",
    "area",
    "fund",
    "fund_en",
    "size_value",
    "size_value_text",
    "size_unit",
    "size_qualifier",
    "focus",
    "stage",
    "status",
    "source",
    "quote",
]
POLICY_COLS = [
    "id",
    "district",
    "platform",
    "sector",
    "measure",
    "measure_en",
    "condition",
    "threshold_value",
    "threshold_unit",
    "cap_value",
    "cap_unit",
    "rate_pct",
    "rate_basis",
    "annual_budget_value",
    "annual_budget_unit",
    "budget_qualifier",
    "effective",
    "source",
    "quote",
]

# Number tokens in the seeds that are not figures.  Each entry: (seed prefix, snippet, reason); every
# number inside every occurrence of the snippet (whitespace removed) is exempt from the coverage test.
EXCLUDED = [
    ("000", "“296X”", "cluster-programme name"),
    ("000", "114X", "cluster-programme name"),
    (
        "000",
        "总投资1000万元以上的技术改造项目可获最高5000万元资助,总投资2000万元以上的产业化项目按总投资30%"
        "予以支持,关键材料、核心设备自主研发投入2000万元以上……",
        "teaser repeating the policy section, whose sentences carry the rows",
    ),
    ("001", "杭高新〔2024〕16号", "document number"),
    ("001", "“1+5+N”", "name of the industrial system"),
    ("001", "“315”", "name of the provincial innovation system"),
    ("001", "“415X”", "cluster-programme name"),
    ("001", "“5050”", "talent programme / fund name"),
    ("002", "“415X”", "cluster-programme name"),
    ("002", "1类创新药", "drug class name (Class 1 innovative drug)"),
    ("002", "3D打印", "technology name"),
    (
        "002",
        "近日,在钱塘芯谷,总投资10亿元的杭州芯聚半导体新一代显示技术研发生产项目开工。",
        "photo caption repeating the intro sentence",
    ),
    (
        "002",
        "“智能车、生物药、芯智造、新材料”4个千亿级产业集群加快形成。",
        "photo caption repeating body text",
    ),
    (
        "002",
        "杭州医药港,是“中国医药港”的核心区,集聚各类生物医药企业1800余家。",
        "photo caption repeating body text",
    ),
    ("003", "15000个T", "unit restatement of the 15P row (same figure)"),
    ("003", "“1到10”“10到100”", "idiom for scale-up stages, not a measurement"),
    ("003", "地铁4号线", "metro line name"),
    ("004", "128號公路", "road name (Route 128)"),
    ("004", "“315”", "name of the provincial innovation system"),
    ("004", "“415X”", "cluster-programme name"),
    ("004", "“1+1+1”", "name of the track layout"),
    ("004", "3A游戲", "game category name"),
    ("004", "M511", "venue name"),
    ("004", "第89屆", "edition number of a fair"),
]
# Generic non-figures: calendar dates and list numbering.
GENERIC_EXCLUDED = [
    (re.compile(r"(?<![\d.])(?:19|20)\d{2}(?=年)"), "calendar year"),
    (re.compile(r"(?<![\d.])\d{1,2}(?=月)"), "month"),
    (re.compile(r"(?<![\d.])\d{1,2}(?=—\d{1,2}月)"), "first month of a range such as 1—4月"),
    (re.compile(r"(?<![\d.])\d{1,2}(?=日)"), "day of month"),
    (re.compile(r"(?<![\d.])\d+(?=\.(?!\d))"), "list numbering such as '1.'"),
    (re.compile(r"(?<=（)\d+(?=）)"), "list numbering such as '（1）'"),
]
NUMBER = re.compile(r"\d+(?:\.\d+)?%?")

CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "百": 100,
    "千": 1000,
    "万": 10000,
    "萬": 10000,
    "半": 0.5,
}
RANK = re.compile(r"^(?:杭州市?)?第([一二三四五六七八九十])$")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parse_value_text(text: str) -> float:
    """Arabic numbers, single Chinese numerals (两, 百, 千, 万, 半 …) and ranks such as 杭州第一."""
    t = squash(text)
    m = RANK.match(t)
    if m:
        return CN_DIGITS[m.group(1)]
    if t in CN_DIGITS:
        return CN_DIGITS[t]
    return float(t)


def load(name: str) -> list[dict[str, str]]:
    with (PACK / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="module")
def indicators() -> list[dict[str, str]]:
    return load("indicators.csv")


@pytest.fixture(scope="module")
def funds() -> list[dict[str, str]]:
    return load("funds.csv")


@pytest.fixture(scope="module")
def policies() -> list[dict[str, str]]:
    return load("policies.csv")


@pytest.mark.parametrize(
    ("name", "cols"),
    [
        ("indicators.csv", INDICATOR_COLS),
        ("funds.csv", FUND_COLS),
        ("policies.csv", POLICY_COLS),
    ],
)
def test_header_and_encoding(name: str, cols: list[str]) -> None:
    raw = (PACK / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    raw.decode("utf-8")
    with (PACK / name).open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == cols


@pytest.mark.parametrize("name", ["indicators.csv", "funds.csv", "policies.csv"])
def test_ids_sources_and_quotes(name: str, seeds: dict[str, str]) -> None:
    rows = load(name)
    assert rows
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    squashed = {k: squash(v) for k, v in seeds.items()}
    for r in rows:
        assert r["source"] in seeds, r["id"]
        assert re.fullmatch(rf"[sfp]{r['source'][:3]}-\d{{3}}", r["id"]), r["id"]
        assert r["quote"].strip(), r["id"]
        assert squash(r["quote"]) in squashed[r["source"]], f"{r['id']}: quote not verbatim in {r['source']}"


def test_indicator_values(indicators: list[dict[str, str]]) -> None:
    for r in indicators:
        rid = r["id"]
        assert r["value_text"], rid
        assert squash(r["value_text"]) in squash(r["quote"]), rid
        assert parse_value_text(r["value_text"]) == pytest.approx(float(r["value"])), rid
        assert r["category"] in CATEGORIES, rid
        assert r["unit"] in UNITS, rid
        assert r["unit_en"], rid
        assert r["headline"] in {"0", "1"}, rid
        assert r["area"] in ALLOWED_AREAS, rid
        assert r["indicator"], rid
        assert r["indicator_en"], rid
        assert r["period"] or r["period_basis"], f"{rid}: empty period needs a period_basis"
        for q in filter(None, r["qualifier"].split(";")):
            assert q in QUALIFIERS, (rid, q)


def test_fund_rows(funds: list[dict[str, str]]) -> None:
    for r in funds:
        rid = r["id"]
        assert r["area"] in ALLOWED_AREAS, rid
        assert r["status"] in STATUSES, rid
        assert r["fund"], rid
        assert r["fund_en"], rid
        if r["size_value_text"]:
            assert squash(r["size_value_text"]) in squash(r["quote"]), rid
            assert parse_value_text(r["size_value_text"]) == pytest.approx(float(r["size_value"])), rid
            assert r["size_unit"] in UNITS, rid
        else:
            assert not r["size_value"], rid
            assert not r["size_unit"], rid


def test_policy_rows(policies: list[dict[str, str]]) -> None:
    for r in policies:
        rid = r["id"]
        assert r["district"] in ALLOWED_AREAS, rid
        assert r["sector"], rid
        assert r["measure"], rid
        assert r["measure_en"], rid
        for col, unit_col in [
            ("threshold_value", "threshold_unit"),
            ("cap_value", "cap_unit"),
            ("annual_budget_value", "annual_budget_unit"),
        ]:
            if r[col]:
                float(r[col])
                assert r[unit_col], (rid, col)
                assert squash(r[col].removesuffix(".0")) in squash(r["quote"]), (rid, col)
            else:
                assert not r[unit_col], (rid, unit_col)
        if r["rate_pct"]:
            assert 0 < float(r["rate_pct"]) <= 100, rid
            assert r["rate_basis"], rid
        if r["effective"]:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["effective"]), rid


def test_simplified_names(indicators, funds, policies) -> None:
    checks = [
        (indicators, ["area", "subject", "indicator"]),
        (funds, ["area", "fund"]),
        (policies, ["district", "platform", "sector", "measure"]),
    ]
    for rows, cols in checks:
        for r in rows:
            for col in cols:
                bad = set(r[col]) & TRADITIONAL
                assert not bad, (r["id"], col, bad)


def test_headlines(indicators: list[dict[str, str]]) -> None:
    per_area = Counter(r["area"] for r in indicators if r["headline"] == "1")
    for area in FOCUS_AREAS:
        assert 3 <= per_area[area] <= 8, (area, per_area[area])
    for area in {r["area"] for r in indicators} - FOCUS_AREAS - {"浙江省", "杭州市"}:
        assert per_area[area] in range(1, 9), (area, per_area[area])


def _boundary_positions(haystack: str, needle: str) -> list[int]:
    pattern = re.compile(rf"(?<![\d.]){re.escape(needle)}(?!\d|\.\d)")
    return [m.start() for m in pattern.finditer(haystack)]


def _occurrences(haystack: str, needle: str) -> list[int]:
    out, i = [], haystack.find(needle)
    while i >= 0:
        out.append(i)
        i = haystack.find(needle, i + 1)
    return out


@pytest.mark.parametrize("seed_name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_every_number_is_covered(seed_name: str, indicators, funds) -> None:
    text = squash((SEEDS / seed_name).read_text(encoding="utf-8"))
    covered = [False] * len(text)

    def mark(start: int, end: int) -> None:
        for i in range(start, end):
            covered[i] = True

    # A row covers its value text (and any number written into its indicator name, e.g. "签约60亿元项目数")
    # at every place its quote occurs in the seed.
    anchors = [
        (r["quote"], [r["value_text"], *NUMBER.findall(r["indicator"])])
        for r in indicators
        if r["source"] == seed_name
    ]
    anchors += [(r["quote"], [r["size_value_text"]]) for r in funds if r["source"] == seed_name]
    for quote, texts in anchors:
        q = squash(quote)
        for qpos in _occurrences(text, q):
            for t in filter(None, map(squash, texts)):
                if not re.search(r"\d", t):
                    continue
                for pos in _boundary_positions(q, t.rstrip("%")):
                    mark(qpos + pos, qpos + pos + len(t.rstrip("%")))

    for prefix, snippet, _reason in EXCLUDED:
        if seed_name.startswith(prefix):
            hits = _occurrences(text, squash(snippet))
            assert hits, f"stale EXCLUDED entry for {seed_name}: {snippet}"
            for h in hits:
                mark(h, h + len(squash(snippet)))
    for pattern, _reason in GENERIC_EXCLUDED:
        for m in pattern.finditer(text):
            mark(m.start(), m.end())

    missing = [
        f"{m.group()} …{text[max(0, m.start() - 12) : m.end() + 12]}…"
        for m in NUMBER.finditer(text)
        if not any(covered[m.start() : m.end()])
    ]
    assert not missing, f"{seed_name}: numbers without a row or exclusion:\n" + "\n".join(missing)


def _one(rows, **where):
    hits = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert len(hits) == 1, (where, [h["id"] for h in hits])
    return hits[0]


def test_spot_checks(indicators, funds, policies) -> None:
    r = _one(indicators, area="西湖区", indicator="计划挂牌出让产业用地宗数")
    assert (r["period"], float(r["value"]), r["unit"], r["qualifier"]) == ("2026", 21, "宗", "计划")
    r = _one(indicators, area="西湖区", indicator="计划挂牌出让产业用地面积")
    assert (r["period"], float(r["value"]), r["unit"]) == ("2026", 1018, "亩")
    assert r["subject"] == "2026年产业用地出让计划"
    r = _one(indicators, area="钱塘区", indicator="规上工业增加值")
    assert (r["period"], float(r["value"]), r["unit"]) == ("今年第一季度", 171.51, "亿元")
    assert r["period_basis"].startswith("relative wording kept")
    r = _one(indicators, area="滨江区", subject="第18条 筑巢引凤打造人才强区")
    assert (r["period"], float(r["value"]), r["unit"], r["qualifier"]) == ("每年", 10, "亿元", "不少于")
    project = "杭州芯聚半导体新一代显示技术研发生产项目"
    r = _one(indicators, area="钱塘芯谷", subject=project, indicator="项目总投资")
    assert (float(r["value"]), r["unit"]) == (10, "亿元")
    r = _one(indicators, area="西湖区", subject="西湖区产业基金", indicator="子基金总规模")
    assert float(r["value"]) == 171.81
    assert r["source"] == "000_749770bcfb4b1cf3.txt"

    r = _one(funds, fund="西湖区产业基金（26只子基金）")
    assert (float(r["size_value"]), r["size_unit"], r["status"]) == (171.81, "亿元", "existing")
    assert sum(f["status"] == "planned" for f in funds) == 3

    r = _one(policies, district="西湖区", measure="技术改造项目资助")
    assert (float(r["threshold_value"]), float(r["cap_value"]), r["cap_unit"]) == (1000, 5000, "万元")
    r = _one(policies, district="滨江区", measure="第18条 筑巢引凤打造人才强区")
    budget = (float(r["annual_budget_value"]), r["annual_budget_unit"], r["effective"])
    assert budget == (10, "亿元", "2024-11-25")
    numbered = [p for p in policies if p["district"] == "滨江区" and re.match(r"第\d+条", p["measure"])]
    assert sorted(int(re.match(r"第(\d+)条", p["measure"]).group(1)) for p in numbered) == list(range(1, 25))
