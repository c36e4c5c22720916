"""Policy finder: worked examples taken from the policy texts, and the budget chart's data.

Expected figures are worked out by hand from the clauses quoted in each test, not from the code.
"""

from __future__ import annotations

import re

import pytest

from components.policy_view import build_budget_chart, build_match_markdown
from geodata.domain.policies import (
    DISTRICT_QUOTES,
    RULES,
    Match,
    Profile,
    budget_exclusions,
    budget_lines,
    find_measures,
    matches_frame,
)
from geodata.model.schema import DISTRICT_NAMES, SEEDS_DIR
from geodata.text.markdown import md_escape


def _one(matches: list[Match], policy_id: str) -> Match:
    hits = [m for m in matches if m.policy_id == policy_id]
    assert len(hits) == 1, f"{policy_id} not listed once: {[m.policy_id for m in matches]}"
    return hits[0]


def _find(policies, district: str, policy_id: str, sector: str | None = None, **profile) -> Match:
    return _one(find_measures(policies, district, sector, Profile(**profile)), policy_id)


# 西湖区 (000): 总投资2000万元以上的产业化项目按总投资30%予以支持


def test_industrialisation_30_percent_of_3000_is_900(policies) -> None:
    m = _find(policies, "西湖区", "p000-012", investment_wan=3000)
    assert m.threshold_status == "met"
    assert m.estimate_value == 900
    assert m.estimate_unit == "万元"
    assert m.estimate_text == "900 万元"
    assert "30% × 3,000 万元" in m.explanation
    assert "不是可获得的金额" in m.explanation


def test_industrialisation_below_2000_misses_the_threshold(policies) -> None:
    m = _find(policies, "西湖区", "p000-012", investment_wan=1500)
    assert m.threshold_status == "not_met"
    assert m.estimate_text is None
    assert m.estimate_value is None


def test_industrialisation_threshold_includes_2000(policies) -> None:
    # 以上 includes the figure itself
    assert _find(policies, "西湖区", "p000-012", investment_wan=2000).estimate_value == 600


def test_no_profile_value_means_no_judgement(policies) -> None:
    m = _find(policies, "西湖区", "p000-012")
    assert m.threshold_status == "no_input"
    assert m.estimate_text is None


# 具身智能: 投资机构推动企业集聚可按实际投资额1%获最高100万元支持


@pytest.mark.parametrize(("investment", "expected"), [(5000, 50), (20000, 100), (10000, 100)])
def test_embodied_ai_1_percent_capped_at_100(policies, investment: float, expected: float) -> None:
    m = _find(policies, "西湖区", "p000-020", investment_wan=investment)
    assert m.estimate_value == expected
    assert m.estimate_unit == "万元"
    assert "min(1% × " in m.explanation
    assert "100 万元" in m.explanation


# 滨江区 (001) 附则 4: 新引进或新增注册资本 1 亿元人民币或 1000 万美元以上重大项目，可按实到注册资本 5%—10% 予以支持


def test_major_project_in_usd_stays_in_usd(policies) -> None:
    matches = find_measures(
        policies, "滨江区", None, Profile(registered_capital=1000, capital_currency="USD")
    )
    usd = _one(matches, "p001-029")
    assert usd.threshold_status == "met"
    assert (usd.estimate_low, usd.estimate_value) == (50, 100)
    assert usd.estimate_unit == "万美元"
    assert usd.estimate_text == "50—100 万美元"
    assert "5%—10% × 1,000 万美元" in usd.explanation
    # never converted: the CNY half of the clause does not apply, and no figure is in 万元
    cny = _one(matches, "p001-028")
    assert cny.threshold_status == "other_currency"
    assert cny.estimate_text is None
    assert not any(m.estimate_unit == "万元" and m.policy_id in ("p001-028", "p001-029") for m in matches)


def test_major_project_in_cny(policies) -> None:
    # 1 亿元 = 10,000 万元: 20,000 万元 meets it; 5%—10% → 1,000—2,000 万元
    m = _find(policies, "滨江区", "p001-028", registered_capital=20000)
    assert m.threshold_status == "met"
    assert (m.estimate_low, m.estimate_value, m.estimate_unit) == (1000, 2000, "万元")
    assert _find(policies, "滨江区", "p001-028", registered_capital=9999).threshold_status == "not_met"
    assert (
        _find(policies, "滨江区", "p001-029", registered_capital=999, capital_currency="USD").estimate_text
        is None
    )


# 商业航天: 给予三年80%房租补贴(最高覆盖3000平方米)


@pytest.mark.parametrize(("area", "covered"), [(5000, 3000), (1200, 1200)])
def test_rent_subsidy_covers_at_most_3000_m2(policies, area: float, covered: float) -> None:
    m = _find(policies, "西湖区", "p000-005", rent_area_m2=area)
    assert m.estimate_value == covered
    assert m.estimate_unit.startswith("平方米")
    assert "80%" in m.estimate_text
    assert "元" not in m.estimate_text  # no rent level in the sources: no yuan figure
    assert f"min({area:,.0f}, 3,000)" in m.explanation


# 滨江 附则 4: 项目资助 最高 20%, 研发资助 最高 30% — upper bounds


def test_binjiang_up_to_rates_are_upper_bounds(policies) -> None:
    project = _find(policies, "滨江区", "p001-030", investment_wan=3000)
    assert project.estimate_text == "最高 600 万元"
    research = _find(policies, "滨江区", "p001-026", rd_spend_wan=1000)
    assert research.estimate_text == "最高 300 万元"
    assert "上限" in research.explanation


# caps without a rate, programme budgets, funds: no estimate


def test_cap_only_measure_shows_the_cap_and_no_estimate(policies) -> None:
    # 总投资1000万元以上的技术改造项目可获最高5000万元资助
    m = _find(policies, "西湖区", "p000-002", investment_wan=3000)
    assert m.threshold_status == "met"
    assert m.cap_text == "最高 5,000 万元"
    assert m.estimate_text is None
    assert m.estimate_value is None


def test_headquarters_award_depends_on_the_flag(policies) -> None:
    assert _find(policies, "西湖区", "p000-008", is_headquarters=True).threshold_status == "met"
    assert _find(policies, "西湖区", "p000-008").threshold_status == "not_met"


def test_binjiang_budget_lines_are_programmes_without_estimates(policies) -> None:
    big = Profile(investment_wan=1e6, rd_spend_wan=1e5, rent_area_m2=1e4, registered_capital=1e6)
    matches = find_measures(policies, "滨江区", None, big)
    talent = _one(matches, "p001-019")  # 第18条: 每年安排预算不少于10亿元
    assert talent.kind == "programme"
    assert talent.budget_text == "每年预算不少于 10 亿元"
    assert talent.estimate_text is None
    programmes = [m for m in matches if m.kind == "programme"]
    assert len(programmes) == 22  # 第1—21条 and the 15% of fiscal spending
    assert all(m.estimate_text is None for m in programmes)
    fund = _one(matches, "p001-023")
    assert fund.kind == "fund"
    assert fund.estimate_text is None


def test_estimates_only_where_a_rule_allows_one(policies) -> None:
    big = Profile(
        investment_wan=1e6, rd_spend_wan=1e5, rent_area_m2=1e4, registered_capital=1e6, is_headquarters=True
    )
    estimated = {
        m.policy_id
        for d in ("西湖区", "滨江区")
        for m in find_measures(policies, d, None, big)
        if m.estimate_text
    }
    assert estimated == {"p000-005", "p000-012", "p000-016", "p000-020", "p001-026", "p001-028", "p001-030"}
    assert estimated <= {k for k, r in RULES.items() if r.estimate_on}


def test_every_estimate_says_how_and_that_it_is_indicative(policies) -> None:
    big = Profile(investment_wan=3000, rd_spend_wan=2500, rent_area_m2=5000, registered_capital=20000)
    for d in ("西湖区", "滨江区"):
        for m in find_measures(policies, d, None, big):
            if m.estimate_text:
                assert "×" in m.explanation or "min(" in m.explanation, m.policy_id
                assert "参考上限" in m.explanation, m.policy_id


# districts, sectors, sources


@pytest.mark.parametrize("district", [d for d in DISTRICT_NAMES if d not in ("西湖区", "滨江区")])
def test_districts_without_policies_give_an_empty_list(policies, district: str) -> None:
    assert find_measures(policies, district, None, Profile(investment_wan=3000)) == []


def test_sector_filter_keeps_measures_for_all_sectors(policies) -> None:
    matches = find_measures(policies, "滨江区", "人工智能", Profile())
    assert {m.sector for m in matches} == {"人工智能", "全部"}
    assert "p001-006" in {m.policy_id for m in matches}
    bio = find_measures(policies, "西湖区", "生物医药", Profile(investment_wan=3000))
    assert {m.policy_id for m in bio} == {"p000-011", "p000-012"}


def test_every_measure_is_listed_once_with_its_own_source_and_quote(policies) -> None:
    matches = [m for d in ("西湖区", "滨江区") for m in find_measures(policies, d, None, Profile())]
    assert sorted(m.policy_id for m in matches) == sorted(policies["id"])
    rows = policies.set_index("id")
    for m in matches:
        assert m.source == rows.loc[m.policy_id, "source"]
        assert m.quote == rows.loc[m.policy_id, "quote"]
        assert m.measure == rows.loc[m.policy_id, "measure"]


def test_every_stated_threshold_has_a_rule(policies) -> None:
    for _, r in policies[policies["threshold_value"].notna()].iterrows():
        assert RULES[r["id"]].threshold_on is not None, r["id"]


def test_every_rule_quotes_its_own_clause(policies) -> None:
    rows = policies.set_index("id")
    seeds = SEEDS_DIR
    for pid, rule in RULES.items():
        text = (seeds / rows.loc[pid, "source"]).read_text(encoding="utf-8")
        for part in rule.clause.split("……"):
            assert part in text, (pid, part)


def test_district_quotes_are_verbatim() -> None:
    for quotes in DISTRICT_QUOTES.values():
        for text, source in quotes:
            assert text in (SEEDS_DIR / source).read_text(encoding="utf-8")


def test_profile_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        Profile(investment_wan=-1)
    with pytest.raises(ValueError, match="CNY or USD"):
        Profile(capital_currency="EUR")  # type: ignore[arg-type]


def test_matches_frame_has_one_row_per_match(policies) -> None:
    matches = find_measures(policies, "西湖区", None, Profile(investment_wan=3000))
    frame = matches_frame(matches)
    assert len(frame) == len(matches)
    assert frame.loc[frame["编号"] == "p000-012", "参考估算"].item() == "900 万元"


# budget_lines and the chart


def _unit_factor(unit: str) -> float:
    return {"亿元": 10_000.0, "万元": 1.0}[unit]


def test_budget_lines_equal_the_policy_rows(policies) -> None:
    lines = budget_lines(policies)
    claimed = policies.set_index("id").loc[lines["id"]]
    assert (claimed["district"] == "滨江区").all()
    assert (claimed["budget_qualifier"] == "不少于").all()
    assert lines["value"].tolist() == claimed["annual_budget_value"].tolist()
    assert lines["unit"].tolist() == claimed["annual_budget_unit"].tolist()
    assert lines["source"].tolist() == claimed["source"].tolist()
    expected = [
        v * _unit_factor(u)
        for v, u in zip(claimed["annual_budget_value"], claimed["annual_budget_unit"], strict=True)
    ]
    assert lines["value_wan"].tolist() == expected
    # every 每年安排预算不少于 clause of the policy is in, nothing else
    assert set(lines["id"]) == {
        r["id"]
        for _, r in policies.iterrows()
        if r["district"] == "滨江区" and "每年安排预算不少于" in r["quote"]
    }
    assert len(lines) == 21
    assert lines.set_index("id").loc["p001-005", "value_wan"] == 100_000  # 第4条: 不少于 10 亿元
    assert lines.set_index("id").loc["p001-011", "value_wan"] == 1_000  # 第10条: 不少于 1000 万元


def test_fund_scale_is_kept_out_of_the_chart(policies) -> None:
    lines = budget_lines(policies)
    assert "p001-023" not in set(lines["id"])
    assert any("产业基金规模" in s and "不是年度预算" in s for s in budget_exclusions(policies))


def test_budget_chart_shows_the_lines_sorted_with_units_and_sources(policies) -> None:
    lines = budget_lines(policies)
    from geodata.domain.policies import budget_footnote

    fig = build_budget_chart(lines, budget_footnote(lines, budget_exclusions(policies)))
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert len(bar.y) == len(lines)
    by_measure = dict(zip(lines["measure"], lines["value_wan"], strict=True))
    assert [by_measure[y] for y in bar.y] == list(bar.x)
    assert list(bar.x) == sorted(bar.x)  # ascending bottom-up: the largest on top
    assert "万元" in fig.layout.xaxis.title.text
    assert fig.layout.title.text
    note = fig.layout.annotations[0].text
    assert "「杭高新〔2024〕16号」，2024年10月24日" in note  # cited by document number and date
    assert "不少于" in note
    assert "1 亿元 = 10,000 万元" in note
    assert "产业基金" in note
    assert "15%" in note  # the share of fiscal spending: no amount, said so


def test_budget_lines_for_a_district_without_budgets_is_empty(policies) -> None:
    assert budget_lines(policies, "钱塘区").empty
    assert budget_lines(policies, "西湖区").empty  # 004's 5000万元 is a round's total, not annual


# escaping


def test_match_markdown_escapes_data() -> None:
    m = Match(
        policy_id="x",
        district="西湖区",
        sector="<img src=x onerror=alert(1)>",
        measure="**粗** [链接](http://e.x)",
        kind="grant",
        condition="$\\pi$",
        cap_text=None,
        rate_text=None,
        budget_text=None,
        threshold_text=None,
        threshold_status="not_stated",
        estimate_text=None,
        estimate_value=None,
        estimate_low=None,
        estimate_unit=None,
        explanation="e",
        note="",
        source="s.txt",
        quote="<script>x</script>",
    )
    md = build_match_markdown(m)
    assert "<img" not in md.replace("\\<img", "")
    assert "<script>" not in md.replace("\\<script\\>", "")
    assert "[链接]" not in md
    assert re.search(r"(?<!\\)\$", md) is None
    assert md_escape("a_b") == "a\\_b"
