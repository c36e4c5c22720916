"""Policy finder: pick a district, a sector and a project profile; see every measure that could apply."""

import streamlit as st

from components.policy_view import build_budget_chart, esc, render_matches
from geodata import cached
from geodata.policies import (
    CURRENCY_UNIT,
    DISTRICT_QUOTES,
    INDICATIVE_NOTE,
    Profile,
    budget_exclusions,
    budget_footnote,
    budget_lines,
    districts_with_policies,
    find_measures,
    matches_frame,
    news_caveat,
    sector_options,
)
from geodata.schema import DISTRICT_NAMES

ANY_SECTOR = "不限行业"
CURRENCY_ZH = {"CNY": "人民币（万元）", "USD": "美元（万美元）"}

policies = cached.table("policies")
sources = cached.table("sources")
source_titles = dict(zip(sources["file"], sources["title_zh"], strict=True))
with_policies = districts_with_policies(policies)
district_choices = with_policies + [d for d in DISTRICT_NAMES if d not in with_policies]

st.title("政策匹配")
st.caption(
    "选择区县、行业并填写项目概况，列出来源文件中可能适用的扶持条款。"
    "估算只在条款本身给出计算规则时才给出，均为参考上限，不代表可获得的金额。"
)

c1, c2 = st.columns(2)
district = c1.selectbox(
    "区县",
    district_choices,
    key="policy_district",
    format_func=lambda d: d if d in with_policies else f"{d}（来源中无扶持条款）",
)
sectors = [ANY_SECTOR, *sector_options(policies, district)]
# The sector list depends on the district: a sector of the previous district falls back to "any".
if st.session_state.get("policy_sector") not in sectors:
    st.session_state["policy_sector"] = ANY_SECTOR
sector = c2.selectbox("行业", sectors, key="policy_sector")

st.subheader("项目概况")
p1, p2, p3 = st.columns(3)
investment = p1.number_input("总投资（万元）", min_value=0.0, value=None, step=100.0, key="policy_investment")
rd_spend = p2.number_input("研发投入（万元）", min_value=0.0, value=None, step=100.0, key="policy_rd_spend")
rent_area = p3.number_input(
    "拟租用面积（平方米）", min_value=0.0, value=None, step=100.0, key="policy_rent_area"
)
p4, p5, p6 = st.columns(3)
currency = p5.radio(
    "注册资本币种",
    list(CURRENCY_UNIT),
    format_func=CURRENCY_ZH.get,
    horizontal=True,
    key="policy_capital_currency",
)
# A fixed label: the amount stays in the currency picked beside it and is never converted.
capital = p4.number_input(
    "注册资本（万元 或 万美元，见币种）", min_value=0.0, value=None, step=100.0, key="policy_capital"
)
is_hq = p6.checkbox("总部企业", key="policy_headquarters")
is_new = p6.checkbox("新引进项目", key="policy_new")

profile = Profile(
    investment_wan=investment,
    rd_spend_wan=rd_spend,
    rent_area_m2=rent_area,
    registered_capital=capital,
    capital_currency=currency,
    is_headquarters=is_hq,
    is_new=is_new,
)
matches = find_measures(policies, district, None if sector == ANY_SECTOR else sector, profile)

st.divider()
if district not in with_policies:
    st.info(
        f"五份来源文件没有给出{district}的扶持政策条款，暂无可匹配的措施。目前有条款的区县：{'、'.join(with_policies)}。"
    )
elif not matches:
    st.info(f"来源文件中{district}没有“{esc(sector)}”行业的条款。")
else:
    n_est = sum(m.estimate_text is not None for m in matches)
    st.subheader(f"{district}：{len(matches)} 条可能适用的措施")
    st.caption(f"其中 {n_est} 条可按条款推算参考值。{INDICATIVE_NOTE}各条估算不可相加。")
    caveat = news_caveat(sources, {m.source for m in matches})
    if caveat:
        st.warning(esc(caveat))
    for text, source in DISTRICT_QUOTES.get(district, ()):
        st.caption(f"原文：「{esc(text)}」（{esc(source)}）")
    render_matches(matches)
    st.download_button(
        "下载匹配结果（CSV）",
        matches_frame(matches).to_csv(index=False).encode("utf-8-sig"),
        file_name=f"policy_matches_{district}.csv",
        mime="text/csv",
        key="policy_download_matches",
    )

if district == "滨江区":
    st.subheader("滨江区各条款每年安排的预算")
    lines = budget_lines(policies, district)
    st.plotly_chart(
        build_budget_chart(
            lines, budget_footnote(lines, budget_exclusions(policies, district), source_titles)
        ),
        key="policy_budget_chart",
        config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 3}},
    )
    st.download_button(
        "下载图表数据（CSV）",
        lines.rename(
            columns={
                "id": "编号",
                "measure": "条款",
                "value_wan": "每年预算下限（万元）",
                "value": "原文数值",
                "unit": "原文单位",
                "qualifier": "限定",
                "source": "来源",
                "quote": "原文",
            }
        )
        .to_csv(index=False)
        .encode("utf-8-sig"),
        file_name="binjiang_budget_lines.csv",
        mime="text/csv",
        key="policy_download_budget",
    )
