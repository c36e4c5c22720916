"""Policy finder: pick a district, a sector and a project profile; see every measure that could apply."""

import streamlit as st

from components import cached
from components.downloads import csv_button
from components.i18n import lang, place, t
from components.policy_view import build_budget_chart, render_matches
from geodata.domain.policies import (
    CURRENCY_UNIT,
    DISTRICT_QUOTES,
    Profile,
    budget_exclusions,
    budget_footnote,
    budget_lines,
    districts_with_policies,
    find_measures,
    indicative_note,
    matches_frame,
    news_caveat,
    sector_options,
)
from geodata.domain.sources import cite
from geodata.model.schema import DISTRICT_NAMES
from geodata.text.formats import term
from geodata.text.markdown import md_escape

ANY_SECTOR = "不限行业"  # the "any sector" choice (a value, shown translated)
code = lang()

policies = cached.table("policies")
sources = cached.table("sources")
with_policies = districts_with_policies(policies)
district_choices = with_policies + [d for d in DISTRICT_NAMES if d not in with_policies]

st.title(t("policy_page.title"))
st.caption(t("policy_page.caption"))

c1, c2 = st.columns(2)
district = c1.selectbox(
    t("policy_page.district"),
    district_choices,
    key="policy_district",
    format_func=lambda d: (
        place(d) if d in with_policies else t("policy_page.no_measures_option", district=place(d))
    ),
)
sectors = [ANY_SECTOR, *sector_options(policies, district)]
# The sector list depends on the district: a sector of the previous district falls back to "any".
if st.session_state.get("policy_sector") not in sectors:
    st.session_state["policy_sector"] = ANY_SECTOR
sector = c2.selectbox(
    t("policy_page.sector"),
    sectors,
    key="policy_sector",
    format_func=lambda s: t("policy_page.any_sector") if s == ANY_SECTOR else term(s, "sector", code),
)

st.subheader(t("policy_page.profile"))
p1, p2, p3 = st.columns(3)
investment = p1.number_input(
    t("policy_page.investment"), min_value=0.0, value=None, step=100.0, key="policy_investment"
)
rd_spend = p2.number_input(
    t("policy_page.rd_spend"), min_value=0.0, value=None, step=100.0, key="policy_rd_spend"
)
rent_area = p3.number_input(
    t("policy_page.rent_area"), min_value=0.0, value=None, step=100.0, key="policy_rent_area"
)
p4, p5, p6 = st.columns(3)
currency = p5.radio(
    t("policy_page.currency"),
    list(CURRENCY_UNIT),
    format_func=lambda c: t(f"policy_page.currencies.{c}"),
    horizontal=True,
    key="policy_capital_currency",
)
# A fixed label: the amount stays in the currency picked beside it and is never converted.
capital = p4.number_input(
    t("policy_page.capital"), min_value=0.0, value=None, step=100.0, key="policy_capital"
)
is_hq = p6.checkbox(t("policy_page.headquarters"), key="policy_headquarters")
is_new = p6.checkbox(t("policy_page.new"), key="policy_new")

profile = Profile(
    investment_wan=investment,
    rd_spend_wan=rd_spend,
    rent_area_m2=rent_area,
    registered_capital=capital,
    capital_currency=currency,
    is_headquarters=is_hq,
    is_new=is_new,
)
matches = find_measures(policies, district, None if sector == ANY_SECTOR else sector, profile, code)

st.divider()
if district not in with_policies:
    st.info(
        t(
            "policy_page.no_measures",
            district=place(district),
            districts=t("policy_page.sep").join(place(d) for d in with_policies),
        )
    )
elif not matches:
    st.info(t("policy_page.no_sector", district=place(district), sector=md_escape(term(sector, "sector", code))))
else:
    n_est = sum(m.estimate_text is not None for m in matches)
    st.subheader(t("policy_page.count", district=place(district), count=len(matches)))
    st.caption(t("policy_page.estimates", count=n_est, note=indicative_note(code)))
    caveat = news_caveat(sources, {m.source for m in matches}, code)
    if caveat:
        st.warning(md_escape(caveat))
    for text, source in DISTRICT_QUOTES.get(district, ()):
        st.caption(t("policy_page.district_quote", text=md_escape(text), source=md_escape(cite(source, code, sources))))
    render_matches(matches, code)
    csv_button(
        t("policy_page.download"),
        lambda: matches_frame(matches, code),
        f"policy_matches_{district}.csv",
        "policy_download_matches",
    )

if district == "滨江区":
    st.subheader(t("policy_page.budget_title"))
    lines = budget_lines(policies, district, code)
    st.plotly_chart(
        build_budget_chart(
            lines,
            budget_footnote(lines, budget_exclusions(policies, district, code), sources, code),
            code,
        ),
        key="policy_budget_chart",
        config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 3}},
    )
    csv_button(
        t("policy_page.download_chart"),
        lines.rename(columns={c: t(f"policy_page.budget_col.{c}") for c in lines.columns}),
        "binjiang_budget_lines.csv",
        "policy_download_budget",
    )
