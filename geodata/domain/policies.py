"""Policy finder: which support measures could apply to an investor's project, and what they say.

Pure functions over the ``policies`` table (``geodata/pack/policies.csv``); no Streamlit.

What a measure shows comes from its row: condition, cap, rate, budget, source and quote. What
the *profile* can be compared with, and where a figure may be estimated, is a reading of the
clause, not a column of the table: those readings live in one place, :data:`RULES`, keyed by
policy id, each with the clause it implements quoted verbatim. A measure without a rule gets
no estimate. Every estimate says how it was computed and that it is a ceiling or an
indication, never an entitlement. Currencies are never converted; units are converted only
within one currency (1 亿元 = 10,000 万元).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final, Literal

import pandas as pd

from geodata.domain.figures import format_number
from geodata.domain.sources import cite_all
from geodata.text.formats import format_value, quote_zh, term, unit_text
from geodata.text.i18n import translate

Currency = Literal["CNY", "USD"]
Basis = Literal["investment", "rd_spend", "rent_area", "registered_capital"]
Mode = Literal["share", "range", "covered_area"]
Kind = Literal["grant", "programme", "fund", "non_monetary"]
Status = Literal["met", "not_met", "not_stated", "no_input", "other_currency"]

#: The ``sector`` value of measures that apply to every sector (滨江's 附则 funding modes, ...).
ALL_SECTORS: Final = "全部"

KIND_ORDER: Final = ("grant", "programme", "fund", "non_monetary")
CURRENCY_UNIT: Final[dict[str, str]] = {"CNY": "万元", "USD": "万美元"}

#: Unit -> (currency, factor to the profile's unit of that currency). Never across currencies.
_MONEY_UNITS: Final[dict[str, tuple[str, float]]] = {
    "万元": ("CNY", 1.0),
    "亿元": ("CNY", 10_000.0),  # 1 亿元 = 10,000 万元
    "万美元": ("USD", 1.0),
}

#: Shown with every estimate.
INDICATIVE_NOTE: Final = "仅为按条款文字推算的参考上限，不是可获得的金额；能否获得、获得多少以主管部门审核认定为准。"  # the same text is the catalogue's ``policies.indicative_note`` (zh), tested to agree


@dataclass(frozen=True)
class Profile:
    """An investor's project. ``None`` means "not entered"; amounts in 万元 / 万美元 / 平方米.

    ``registered_capital`` is in ``capital_currency``'s own unit (万元 for CNY, 万美元 for USD).
    """

    investment_wan: float | None = None
    rd_spend_wan: float | None = None
    rent_area_m2: float | None = None
    registered_capital: float | None = None
    capital_currency: Currency = "CNY"
    is_headquarters: bool = False
    is_new: bool = False

    def __post_init__(self) -> None:
        if self.capital_currency not in CURRENCY_UNIT:
            raise ValueError(f"capital_currency must be CNY or USD, not {self.capital_currency!r}")
        for name in ("investment_wan", "rd_spend_wan", "rent_area_m2", "registered_capital"):
            v = getattr(self, name)
            if v is not None and (not math.isfinite(v) or v < 0):
                raise ValueError(f"{name} must be a non-negative number, not {v!r}")

    def value(self, basis: Basis) -> float | None:
        return {
            "investment": self.investment_wan,
            "rd_spend": self.rd_spend_wan,
            "rent_area": self.rent_area_m2,
            "registered_capital": self.registered_capital,
        }[basis]

    def unit(self, basis: Basis) -> str:
        if basis == "rent_area":
            return "平方米"
        if basis == "registered_capital":
            return CURRENCY_UNIT[self.capital_currency]
        return "万元"


@dataclass(frozen=True)
class Rule:
    """How one measure's clause reads against a profile. Numbers stay in policies.csv."""

    clause: str
    #: the profile field the row's ``threshold_value`` is compared with (``>=``: 以上 includes the figure)
    threshold_on: Basis | None = None
    #: the profile field the row's ``rate_pct`` applies to; None = no estimate
    estimate_on: Basis | None = None
    mode: Mode = "share"
    #: the source says 最高 (up to) the rate: the estimate is a ceiling, shown as 最高 …
    upper_bound: bool = False
    #: the upper end of a stated range (the row's ``rate_pct`` holds the lower end)
    rate_high_pct: float | None = None
    #: the currency the threshold and estimate are stated in (capital rules)
    currency: Currency | None = None
    #: a profile flag the measure is named for (总部奖励 -> headquarters)
    requires: Literal["headquarters"] | None = None
    #: a profile flag that makes a programme worth pointing out
    relevant_if: Literal["headquarters", "new"] | None = None
    kind: Kind | None = None
    basis_label: str | None = None
    #: how the row's annual_budget_value reads when it is not 每年安排预算不少于… ({value} = 5,000 万元)
    budget_label: str | None = None
    note: str = ""


# One entry per measure whose clause lets the profile be compared or a figure be estimated,
# or whose kind cannot be told from its columns. Each quotes the clause it implements.
RULES: Final[dict[str, Rule]] = {
    # 000 (西湖区, news report of the 先进制造业集群发展专项扶持政策)
    "p000-002": Rule(
        clause="总投资1000万元以上的技术改造项目可获最高5000万元资助",
        threshold_on="investment",
    ),
    "p000-003": Rule(clause="行政办公及生活服务设施用地面积占比提升至15%", kind="non_monetary"),
    "p000-004": Rule(clause="建筑面积占比提高至30%", kind="non_monetary"),
    "p000-005": Rule(
        clause="给予三年80%房租补贴(最高覆盖3000平方米)",
        estimate_on="rent_area",
        mode="covered_area",
        note="来源未给出租金水平，故只给出覆盖面积和比例，不折算为金额。",
    ),
    "p000-008": Rule(clause="叠加最高1000万元总部奖励", requires="headquarters"),
    "p000-012": Rule(
        clause="总投资2000万元以上的产业化项目按总投资30%予以支持",
        threshold_on="investment",
        estimate_on="investment",
        note="来源未写上限。",
    ),
    "p000-014": Rule(
        clause="关键材料、核心设备自主研发投入2000万元以上……均按比例给予最高600万元补助",
        threshold_on="rd_spend",
        note="门槛按所填研发投入判断，来源要求的是关键材料、核心设备的自主研发投入；“按比例”的比例未给出，不作估算。",
    ),
    "p000-015": Rule(
        clause="EDA工具技术攻关投入1000万元以上且实现销售的企业,均按比例给予最高600万元补助",
        threshold_on="rd_spend",
        note="门槛按所填研发投入判断，来源要求的是EDA工具技术攻关投入且已实现销售；比例未给出，不作估算。",
    ),
    "p000-016": Rule(
        clause="公共技术平台按投资额6%给予最高5000万元补助",
        estimate_on="investment",
        note="仅适用于公共技术平台项目，以所填总投资作为平台投资额。",
    ),
    "p000-020": Rule(
        clause="投资机构推动企业集聚可按实际投资额1%获最高100万元支持",
        estimate_on="investment",
        note="适用于推动企业集聚的投资机构，按其实际投资额计；此处以所填总投资代替。",
    ),
    "p004-002": Rule(
        clause="將企業算力的補貼力度最高設定為50%,發放補貼達5000萬元",
        basis_label="企业算力费用",
        budget_label="本轮发放补贴达 {value}（总额，非年度预算，也非单个企业上限）",
    ),
    # 001 (滨江区, 杭高新〔2024〕16号)
    "p001-001": Rule(
        clause="每年从财政支出中安排不低于15%的资金用于支持研发投入、培育企业梯队……等产业培育扶持工作",
        kind="programme",
        basis_label="每年财政支出（不低于）",
    ),
    "p001-014": Rule(
        clause="每年安排预算不少于5亿元，加强总部企业引进培育……按规模型总部、研发型总部、上市企业总部、其他总部等分类给予全方位支持",
        relevant_if="headquarters",
        note="与总部项目相关；具体支持标准未在来源中给出。",
    ),
    "p001-017": Rule(
        clause="对新引进符合主导产业发展导向的项目，根据项目投资、创新能力和引领示范等情况，给予房租补贴、研发经费资助、银行贷款贴息、投资资助、市场拓展资助等政策支持",
        relevant_if="new",
        note="与新引进项目相关；具体支持标准未在来源中给出（附则：房租补贴具体执行标准另行制定）。",
    ),
    "p001-023": Rule(
        clause="常态化保持50亿元以上的产业基金规模",
        kind="fund",
        budget_label="产业基金规模常态化保持 {value}以上",
    ),
    "p001-026": Rule(
        clause="（1）研发资助：对重点创新项目，可按实际研发投入最高 30% 予以支持",
        estimate_on="rd_spend",
        upper_bound=True,
        basis_label="实际研发投入",
        note="适用于重点创新项目；以所填研发投入作为实际研发投入。",
    ),
    "p001-027": Rule(
        clause="（2）投资资助：对企业银行贷款按同期一年期贷款市场报价利率（LPR）给予最高 100% 贴息资助",
        basis_label="银行贷款按同期一年期LPR计算的利息",
    ),
    "p001-028": Rule(
        clause="新引进或新增注册资本 1 亿元人民币或 1000 万美元以上重大项目，可按实到注册资本 5%—10% 予以支持",
        threshold_on="registered_capital",
        estimate_on="registered_capital",
        mode="range",
        rate_high_pct=10,
        currency="CNY",
        basis_label="实到注册资本",
        note="按实到注册资本计，此处以所填注册资本代替（视为全部实缴）；已有企业按新增注册资本计。",
    ),
    "p001-029": Rule(
        clause="新引进或新增注册资本 1 亿元人民币或 1000 万美元以上重大项目，可按实到注册资本 5%—10% 予以支持",
        threshold_on="registered_capital",
        estimate_on="registered_capital",
        mode="range",
        rate_high_pct=10,
        currency="USD",
        basis_label="实到注册资本",
        note="按实到注册资本计，此处以所填注册资本代替（视为全部实缴）；已有企业按新增注册资本计。",
    ),
    "p001-030": Rule(
        clause="（3）项目资助：对重大产业化（技改）项目，可按投资额最高 20% 予以支持",
        estimate_on="investment",
        upper_bound=True,
        basis_label="投资额",
        note="适用于重大产业化（技改）项目。",
    ),
    "p001-031": Rule(
        clause="对企业在境内设立营销网络发生的经营费用，按最高不超过实际发生费用的 20% 予以支持",
        basis_label="境内营销网络实际发生费用",
    ),
    "p001-032": Rule(
        clause="对企业在境外设立营销网络发生的经营费用，按最高不超过实际发生费用的 50% 予以支持",
        basis_label="境外营销网络实际发生费用",
    ),
}

#: What a source says about a district's measures as a whole, verbatim: (quote, source file).
DISTRICT_QUOTES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "滨江区": (
        (
            "同一产品、项目、标准获得多项资助（奖励）的，按“从优、从高、不重复”原则进行资助（奖励）。",
            "001_6bceb20c9443bdad.txt",
        ),
        ("房租补贴具体执行标准另行制定。", "001_6bceb20c9443bdad.txt"),
        ("本意见中涉及资助政策，除直接兑现外，可按照以下方式予以兑现：", "001_6bceb20c9443bdad.txt"),
    ),
}


def news_caveat(sources: pd.DataFrame, files: list[str] | set[str], lang: str = "zh") -> str | None:
    """A warning when measures come from news reports (``sources.kind == "news"``), not policy texts.

    Examples
    --------
    >>> src = pd.DataFrame({"file": ["000.txt", "001.txt"], "kind": ["news", "policy"],
    ...     "short_zh": ["西湖区发布三大礼包", "杭高新〔2024〕16号"], "published": ["2026-02", ""]})
    >>> news_caveat(src, {"000.txt", "001.txt"})
    '「西湖区发布三大礼包」，2026年2月 是新闻报道，其中的条款是对政策的转述，不是政策原文；申报条件和标准以政策原文及实施细则为准。'
    >>> news_caveat(src, {"001.txt"}) is None
    True
    """
    news = [f for f in sources.loc[sources["kind"] == "news", "file"] if f in files]
    if not news:
        return None
    return translate("policies.news_caveat", lang, files=cite_all(news, lang, sources))


@dataclass(frozen=True)
class Match:
    """One support measure as it reads against a profile."""

    policy_id: str
    district: str
    sector: str
    measure: str
    kind: Kind
    condition: str
    cap_text: str | None
    rate_text: str | None
    budget_text: str | None
    threshold_text: str | None
    threshold_status: Status
    estimate_text: str | None
    estimate_value: float | None
    estimate_low: float | None
    estimate_unit: str | None
    explanation: str
    note: str
    source: str
    quote: str
    #: the pack's English summary of the measure (a translation; the Chinese title is ``measure``)
    measure_en: str = ""


def _present(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v).strip() != ""


def _num(v: float) -> str:
    return format_number(round(float(v), 2))


def _says_up_to(quote: str, value: float) -> bool:
    """Whether the source writes 最高 (up to) before this figure, e.g. 最高500万元, 最高达5000万元."""
    raw = format_number(value).replace(",", "")
    # 最高30%、200万元: the 最高 covers both the rate and the amount
    return re.search(rf"最高(?:达|達|覆盖|覆蓋)?\s*(?:\d+%、)?{re.escape(raw)}(?!\d)", quote) is not None


def _money(value: float, unit: str, lang: str) -> str:
    """A figure with its unit, word for word in English (``5,000 × 10,000 yuan``)."""
    return format_value(float(value), unit, "", lang)


def cap_text(row: pd.Series, lang: str = "zh") -> str | None:
    """The measure's cap as the source words it (``最高`` only where the source says so).

    Examples
    --------
    >>> cap_text(pd.Series(dict(cap_value=5000.0, cap_unit="万元", quote="可获最高5000万元资助")))
    '最高 5,000 万元'
    >>> cap_text(pd.Series(dict(cap_value=100.0, cap_unit="万元", quote="100万元装修补贴")))
    '100 万元'
    >>> cap_text(pd.Series(dict(cap_value=float("nan"), cap_unit="", quote="")))
    >>> cap_text(pd.Series(dict(cap_value=5000.0, cap_unit="万元", quote="可获最高5000万元资助")), "en")
    'up to 5,000 × 10,000 yuan'
    """
    if not _present(row.get("cap_value")):
        return None
    if lang == "en":
        core = _money(row["cap_value"], str(row.get("cap_unit") or ""), lang)
    else:
        core = f"{format_number(float(row['cap_value']))} {row['cap_unit']}".strip()
    up_to = _says_up_to(str(row.get("quote", "")), float(row["cap_value"]))
    if row.get("cap_unit") == "平方米":
        return translate("policies.cap.covering_up_to", lang, value=core) if up_to else core
    return translate("policies.cap.up_to", lang, value=core) if up_to else core


def _basis_label(row: pd.Series, rule: Rule | None, lang: str) -> str:
    """What a rate is a share of: the rule's reading, else the row's wording (quoted in English)."""
    raw = (
        rule.basis_label
        if rule is not None and rule.basis_label
        else re.sub(r"（最高[^）]*）", "", str(row.get("rate_basis", "")))
    )
    return quote_zh(term(raw, "basis", lang), lang)


def _rate_text(row: pd.Series, rule: Rule | None, kind: Kind, lang: str = "zh") -> str | None:
    if not _present(row.get("rate_pct")):
        return None
    rate = f"{format_number(float(row['rate_pct']))}%"
    if rule is not None and rule.rate_high_pct is not None:
        rate = f"{rate}—{format_number(rule.rate_high_pct)}%"
    raw_basis = str(row.get("rate_basis", ""))
    up_to = (rule is not None and rule.upper_bound) or "最高" in raw_basis
    basis = _basis_label(row, rule, lang)
    if not basis:
        return rate
    if kind != "grant":  # a share of land or of fiscal spending, not a base a grant is computed on
        return translate("policies.rate.share_of", lang, basis=basis, rate=rate)
    text = translate("policies.rate.of_base", lang, basis=basis, rate=rate)
    return translate("policies.cap.up_to", lang, value=text) if up_to else text


def _budget_text(row: pd.Series, rule: Rule | None, lang: str = "zh") -> str | None:
    if not _present(row.get("annual_budget_value")):
        return None
    qual = str(row.get("budget_qualifier", ""))
    if lang == "en":
        value = _money(row["annual_budget_value"], str(row.get("annual_budget_unit") or ""), lang)
        if qual == "不少于" and "每年" in str(row.get("quote", "")):
            return translate("policies.budget.per_year_at_least", lang, value=value)
        quals = ";".join(q for q in re.split(r"[；;]", qual) if q)
        return format_value(
            float(row["annual_budget_value"]), str(row.get("annual_budget_unit") or ""), quals, lang
        )
    value = f"{format_number(float(row['annual_budget_value']))} {row['annual_budget_unit']}"
    if rule is not None and rule.budget_label:
        return rule.budget_label.format(value=value)
    if qual == "不少于" and "每年" in str(row.get("quote", "")):
        return translate("policies.budget.per_year_at_least", lang, value=value)
    return f"{qual.replace('；', ' ')} {value}".strip()


def _kind(row: pd.Series, rule: Rule | None) -> Kind:
    if rule is not None and rule.kind is not None:
        return rule.kind
    has_cap = _present(row.get("cap_value"))
    has_rate = _present(row.get("rate_pct"))
    if _present(row.get("annual_budget_value")) and not has_cap and not has_rate:
        return "programme"
    if has_cap or has_rate:
        return "grant"
    return "non_monetary"


def _in_profile_unit(value: float, unit: str) -> tuple[float, str, str]:
    """A stated money figure in the profile's unit of its own currency: (value, unit, currency).

    Examples
    --------
    >>> _in_profile_unit(2.5, "亿元")
    (25000.0, '万元', 'CNY')
    >>> _in_profile_unit(1000, "万美元")
    (1000.0, '万美元', 'USD')
    """
    if unit not in _MONEY_UNITS:
        raise ValueError(f"unknown money unit {unit!r}; known: {', '.join(_MONEY_UNITS)}")
    cur, factor = _MONEY_UNITS[unit]
    return float(value) * factor, CURRENCY_UNIT[cur], cur


def _threshold(
    row: pd.Series, rule: Rule | None, profile: Profile, lang: str = "zh"
) -> tuple[str | None, Status]:
    if rule is not None and rule.requires == "headquarters":
        return translate("policies.headquarters", lang), "met" if profile.is_headquarters else "not_met"
    if not _present(row.get("threshold_value")):
        return None, "not_stated"
    if rule is None or rule.threshold_on is None:
        raise ValueError(f"{row['id']}: a threshold is stated but no rule says what it is compared with")
    basis = rule.threshold_on
    if lang == "en":
        stated = _money(row["threshold_value"], str(row["threshold_unit"]), lang)
    else:
        stated = f"{format_number(float(row['threshold_value']))} {row['threshold_unit']}"
    label = f"{translate(f'policies.basis.{basis}', lang)} ≥ {stated}"
    if basis == "registered_capital" and rule.currency != profile.capital_currency:
        return label, "other_currency"
    value, unit, _ = _in_profile_unit(float(row["threshold_value"]), str(row["threshold_unit"]))
    if unit != profile.unit(basis):
        raise ValueError(
            f"{row['id']}: threshold unit {row['threshold_unit']} does not match {profile.unit(basis)}"
        )
    if value != float(row["threshold_value"]):
        shown = _money(value, unit, lang) if lang == "en" else f"{format_number(value)} {unit}"
        label += translate("policies.equals", lang, value=shown)
    mine = profile.value(basis)
    if mine is None:
        return label, "no_input"
    return label, "met" if mine >= value else "not_met"


@dataclass(frozen=True)
class _Estimate:
    text: str
    value: float
    low: float | None
    unit: str
    how: str


def _estimate(
    row: pd.Series, rule: Rule | None, profile: Profile, status: Status, lang: str = "zh"
) -> _Estimate | None:
    if rule is None or rule.estimate_on is None or status in ("not_met", "other_currency", "no_input"):
        return None
    amount = profile.value(rule.estimate_on)
    if amount is None or not _present(row.get("rate_pct")):
        return None
    unit = profile.unit(rule.estimate_on)
    rate = float(row["rate_pct"])
    u = _unit_words(unit, lang)
    a = f"{_num(amount)} {u}"
    if rule.mode == "covered_area":
        cap = float(row["cap_value"])
        covered = min(amount, cap)
        values = {"covered": _num(covered), "rate": format_number(rate), "amount": _num(amount)}
        return _Estimate(
            text=translate("policies.estimate.covered", lang, **values),
            value=covered,
            low=None,
            unit=translate("policies.estimate.covered_unit", lang),
            how=translate("policies.estimate.covered_how", lang, cap=format_number(cap), **values),
        )
    if rule.mode == "range":
        high_rate = float(rule.rate_high_pct or rate)
        low, high = amount * rate / 100, amount * high_rate / 100
        return _Estimate(
            text=f"{_num(low)}—{_num(high)} {u}",
            value=round(high, 2),
            low=round(low, 2),
            unit=unit,
            how=f"= {format_number(rate)}%—{format_number(high_rate)}% × {a} = {_num(low)}—{_num(high)} {u}"
            + translate("policies.estimate.no_conversion", lang, unit=unit_text(unit, lang)),
        )
    value = amount * rate / 100
    how = f"{format_number(rate)}% × {a}"
    if _present(row.get("cap_value")) and row.get("cap_unit") == unit:
        cap = float(row["cap_value"])
        how = f"min({how}, {format_number(cap)} {u})"
        value = min(value, cap)
    if rule.upper_bound:
        up_to = translate("policies.cap.up_to", lang, value=f"{_num(value)} {u}")
        return _Estimate(
            up_to,
            round(value, 2),
            None,
            unit,
            f"= {translate('policies.cap.up_to', lang, value=how)} = {_num(value)} {u}"
            + translate("policies.estimate.ceiling", lang),
        )
    return _Estimate(f"{_num(value)} {u}", round(value, 2), None, unit, f"= {how} = {_num(value)} {u}")


def _unit_words(unit: str, lang: str) -> str:
    """A profile unit after a number: 万元 as it is in Chinese, "× 10,000 yuan" in English.

    >>> _unit_words("万元", "en"), _unit_words("平方米", "en"), _unit_words("万元", "zh")
    ('× 10,000 yuan', 'm²', '万元')
    """
    if lang != "en":
        return unit
    words = unit_text(unit, lang)
    return f"× {words}" if words[:1].isdigit() else words


def _explanation(
    kind: Kind, row: pd.Series, rule: Rule | None, est: _Estimate | None, status: Status, lang: str = "zh"
) -> str:
    if est is not None:
        return translate("policies.why.estimate", lang, how=est.how, note=indicative_note(lang))
    if kind in ("programme", "fund", "non_monetary"):
        return translate(f"policies.why.{kind}", lang)
    if status in ("not_met", "other_currency"):
        return translate(f"policies.why.{status}", lang)
    if rule is not None and rule.estimate_on is not None:
        return translate(
            "policies.why.enter", lang, basis=translate(f"policies.basis.{rule.estimate_on}", lang)
        )
    if _present(row.get("rate_pct")):
        return translate("policies.why.base_missing", lang, basis=_basis_label(row, rule, lang))
    cap = cap_text(row, lang)
    if cap and _says_up_to(str(row.get("quote", "")), float(row["cap_value"])):
        return translate("policies.why.cap_only", lang, cap=cap)
    if cap:
        return translate("policies.why.amount_only", lang, cap=cap)
    return translate("policies.why.no_rule", lang)


def indicative_note(lang: str = "zh") -> str:
    """Shown with every estimate: it is an indication from the clause's wording, not an entitlement.

    >>> indicative_note() == INDICATIVE_NOTE
    True
    """
    return translate("policies.indicative_note", lang)


def _match(row: pd.Series, profile: Profile, lang: str = "zh") -> Match:
    rule = RULES.get(str(row["id"]))
    kind = _kind(row, rule)
    threshold_text, status = _threshold(row, rule, profile, lang)
    est = _estimate(row, rule, profile, status, lang) if kind == "grant" else None
    note = quote_zh(rule.note, lang) if rule is not None else ""
    if rule is not None and rule.relevant_if == "headquarters" and profile.is_headquarters:
        note = "★ " + note
    if rule is not None and rule.relevant_if == "new" and profile.is_new:
        note = "★ " + note
    return Match(
        policy_id=str(row["id"]),
        district=str(row["district"]),
        sector=str(row["sector"]),
        measure=str(row["measure"]),
        kind=kind,
        condition=str(row.get("condition", "")),
        cap_text=cap_text(row, lang),
        rate_text=_rate_text(row, rule, kind, lang),
        budget_text=_budget_text(row, rule, lang),
        threshold_text=threshold_text,
        threshold_status=status,
        estimate_text=est.text if est else None,
        estimate_value=est.value if est else None,
        estimate_low=est.low if est else None,
        estimate_unit=est.unit if est else None,
        explanation=_explanation(kind, row, rule, est, status, lang),
        note=note,
        source=str(row["source"]),
        quote=str(row["quote"]),
        measure_en=str(row["measure_en"]) if _present(row.get("measure_en")) else "",
    )


def districts_with_policies(policies: pd.DataFrame) -> list[str]:
    """Districts the sources give measures for, in table order.

    Examples
    --------
    >>> districts_with_policies(pd.DataFrame({"district": ["西湖区", "滨江区", "西湖区"]}))
    ['西湖区', '滨江区']
    """
    return list(dict.fromkeys(policies["district"]))


def sector_options(policies: pd.DataFrame, district: str) -> list[str]:
    """The sectors a district's measures name (not ``全部``, which every sector gets), in table order.

    Examples
    --------
    >>> df = pd.DataFrame({"district": ["滨江区", "滨江区", "西湖区"], "sector": ["全部", "人工智能", "制造业"]})
    >>> sector_options(df, "滨江区")
    ['人工智能']
    >>> sector_options(df, "钱塘区")
    []
    """
    sectors = policies.loc[policies["district"] == district, "sector"]
    return [s for s in dict.fromkeys(sectors) if s and s != ALL_SECTORS]


def find_measures(
    policies: pd.DataFrame, district: str, sector: str | None, profile: Profile, lang: str = "zh"
) -> list[Match]:
    """Every measure of ``district`` that could apply to a project in ``sector`` (None = any sector).

    Measures marked ``全部`` apply to every sector. Grants come first, then programmes, funds
    and non-monetary measures, each in table order. A measure is listed even when the profile
    misses its threshold (its status says so), because the investor may change the project.

    Examples
    --------
    >>> df = pd.DataFrame([dict(id="p000-012", district="西湖区", sector="生物医药", measure="产业化项目支持",
    ...     condition="总投资2000万元以上", threshold_value=2000.0, threshold_unit="万元", cap_value=float("nan"),
    ...     cap_unit="", rate_pct=30.0, rate_basis="总投资", annual_budget_value=float("nan"),
    ...     annual_budget_unit="", budget_qualifier="", source="000.txt", quote="按总投资30%予以支持")])
    >>> m = find_measures(df, "西湖区", None, Profile(investment_wan=3000))[0]
    >>> m.threshold_status, m.estimate_text, m.estimate_value
    ('met', '900 万元', 900.0)
    >>> m.explanation.split("。")[0]
    '= 30% × 3,000 万元 = 900 万元'
    >>> find_measures(df, "西湖区", None, Profile(investment_wan=1500))[0].estimate_text is None
    True
    >>> find_measures(df, "钱塘区", None, Profile())
    []
    """
    rows = policies[policies["district"] == district]
    if sector is not None:
        rows = rows[rows["sector"].isin([sector, ALL_SECTORS])]
    matches = [_match(r, profile, lang) for _, r in rows.iterrows()]
    return sorted(matches, key=lambda m: KIND_ORDER.index(m.kind))


#: Columns of the matches' CSV download, with their Chinese headers.
MATCH_COLUMNS_ZH: Final[dict[str, str]] = {
    "policy_id": "编号",
    "district": "区县",
    "sector": "行业",
    "measure": "措施",
    "kind": "类型",
    "condition": "条件",
    "threshold_text": "门槛",
    "threshold_status": "门槛判断",
    "cap_text": "上限",
    "rate_text": "比例",
    "budget_text": "预算",
    "estimate_text": "参考估算",
    "explanation": "估算说明",
    "note": "备注",
    "source": "来源",
    "quote": "原文",
}


def matches_frame(matches: list[Match], lang: str = "zh") -> pd.DataFrame:
    """The matches as a table with headers and labels in ``lang`` (for download).

    In English the measure is the pack's English summary (a translation) and the Chinese
    measure and quote stay in their own columns.

    Examples
    --------
    >>> matches_frame([]).columns[:3].tolist()
    ['编号', '区县', '行业']
    >>> matches_frame([], "en").columns[:3].tolist()
    ['ID', 'District', 'Sector']
    """
    columns = list(MATCH_COLUMNS_ZH)
    if lang == "en":
        columns.insert(columns.index("measure") + 1, "measure_en")
    records = [
        {
            **{k: getattr(m, k) for k in columns},
            "kind": translate(f"policies.kind.{m.kind}", lang),
            "threshold_status": translate(f"policies.status.{m.threshold_status}", lang),
        }
        for m in matches
    ]
    return pd.DataFrame(records, columns=columns).rename(
        columns={k: translate(f"policies.col.{k}", lang) for k in columns}
    )


#: budget_lines' columns.
BUDGET_COLUMNS: Final = ("id", "measure", "value_wan", "value", "unit", "qualifier", "source", "quote")


def is_annual_budget(row: pd.Series) -> bool:
    """A row whose figure is an annual budget (每年安排预算不少于…), not a fund size or a round total."""
    return (
        _present(row.get("annual_budget_value"))
        and row.get("budget_qualifier") == "不少于"
        and "每年安排预算" in str(row.get("quote", ""))
    )


def _wan(value: float, unit: str) -> float:
    wan, _, currency = _in_profile_unit(value, unit)
    if currency != "CNY":
        raise ValueError(f"a budget in {unit} cannot share a 万元 axis (currencies are never converted)")
    return wan


def budget_lines(policies: pd.DataFrame, district: str = "滨江区", lang: str = "zh") -> pd.DataFrame:
    """The district's measures that state an annual budget, in 万元 (1 亿元 = 10,000 万元), largest first.

    A fund size (常态化保持50亿元以上的产业基金规模) and a subsidy round's total are not
    annual budgets and are left out (see :func:`budget_exclusions`).

    Examples
    --------
    >>> df = pd.DataFrame([
    ...     dict(id="a", district="滨江区", measure="第1条", annual_budget_value=2.0, annual_budget_unit="亿元",
    ...          budget_qualifier="不少于", source="001.txt", quote="每年安排预算不少于2亿元"),
    ...     dict(id="b", district="滨江区", measure="第2条", annual_budget_value=6000.0, annual_budget_unit="万元",
    ...          budget_qualifier="不少于", source="001.txt", quote="每年安排预算不少于6000万元"),
    ...     dict(id="c", district="滨江区", measure="第22条", annual_budget_value=50.0, annual_budget_unit="亿元",
    ...          budget_qualifier="常态化保持；以上", source="001.txt", quote="常态化保持50亿元以上的产业基金规模")])
    >>> budget_lines(df)[["id", "value_wan"]].values.tolist()
    [['a', 20000.0], ['b', 6000.0]]
    """
    rows = policies[(policies["district"] == district)]
    rows = rows[rows.apply(is_annual_budget, axis=1)] if len(rows) else rows
    out = pd.DataFrame(
        {
            "id": rows["id"],
            "measure": [_measure_name(r, lang) for _, r in rows.iterrows()] if len(rows) else rows["measure"],
            "value_wan": [
                _wan(v, u)
                for v, u in zip(rows["annual_budget_value"], rows["annual_budget_unit"], strict=True)
            ],
            "value": rows["annual_budget_value"].astype(float),
            "unit": rows["annual_budget_unit"],
            "qualifier": rows["budget_qualifier"],
            "source": rows["source"],
            "quote": rows["quote"],
        },
        columns=list(BUDGET_COLUMNS),
    )
    out["_order"] = range(len(out))
    out = out.sort_values(["value_wan", "_order"], ascending=[False, True]).drop(columns="_order")
    return out.reset_index(drop=True)


def budget_exclusions(policies: pd.DataFrame, district: str = "滨江区", lang: str = "zh") -> list[str]:
    """Why figures that look like budgets are not in the budget chart, one sentence each.

    Examples
    --------
    >>> df = pd.DataFrame([dict(id="p001-023", district="滨江区", measure="第22条 发挥科创产业基金引导作用",
    ...     annual_budget_value=50.0, annual_budget_unit="亿元", budget_qualifier="常态化保持；以上",
    ...     rate_pct=float("nan"), rate_basis="", source="001.txt", quote="常态化保持50亿元以上的产业基金规模")])
    >>> budget_exclusions(df)
    ['第22条 发挥科创产业基金引导作用：产业基金规模常态化保持 50 亿元以上，是基金规模，不是年度预算，未列入。']
    """
    out = []
    for _, r in policies[policies["district"] == district].iterrows():
        measure = _measure_name(r, lang)
        if _present(r.get("annual_budget_value")) and not is_annual_budget(r):
            what = translate(
                "policies.excluded.fund" if "基金" in str(r["quote"]) else "policies.excluded.total", lang
            )
            budget = _budget_text(r, RULES.get(str(r["id"])), lang)
            out.append(
                translate("policies.excluded.not_annual", lang, measure=measure, budget=budget, what=what)
            )
        elif _present(r.get("rate_pct")) and "财政支出" in str(r.get("rate_basis", "")):
            rate = format_number(float(r["rate_pct"]))
            out.append(translate("policies.excluded.fiscal_share", lang, measure=measure, rate=rate))
    return out


def _measure_name(row: pd.Series, lang: str) -> str:
    """A measure's name: the Chinese title, or in English the pack's English summary (a translation)."""
    if lang == "en" and _present(row.get("measure_en")):
        return str(row["measure_en"])
    return quote_zh(row["measure"], lang)


def budget_footnote(
    lines: pd.DataFrame,
    exclusions: list[str] | tuple[str, ...] = (),
    sources_table: pd.DataFrame | None = None,
    lang: str = "zh",
) -> str:
    """The chart's footnote: source, that values are minimums, the unit conversion, what is left out.

    Examples
    --------
    >>> budget_footnote(pd.DataFrame({"source": ["001_6bceb20c9443bdad.txt"], "unit": ["亿元"]}))
    '来源：「杭高新〔2024〕16号」，2024年10月24日。数值为“每年安排预算不少于”的下限（不少于），不是上限或实际支出。换算：1 亿元 = 10,000 万元。'
    """
    files = list(dict.fromkeys(lines["source"])) if len(lines) else []
    sources = cite_all(files, lang, sources_table) or "—"
    parts = [
        translate("policies.footnote.sources", lang, sources=sources),
        translate("policies.footnote.minimum", lang),
    ]
    if "亿元" in set(lines["unit"]):
        parts.append(translate("policies.footnote.conversion", lang))
    parts.extend(exclusions)
    return (" " if lang == "en" else "").join(parts)
