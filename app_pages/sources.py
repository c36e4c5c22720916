"""Data & sources: the five source documents, every figure with its quote, and attributions."""

import streamlit as st

from components import cached
from components.downloads import csv_button
from components.i18n import lang, place, t
from geodata.model.schema import INDICATOR_CATEGORIES
from geodata.text.formats import format_date, format_period, indicator_name, term, unit_label

code = lang()
en = code == "en"
st.title(t("sources.title"))
st.markdown(t("sources.intro"))

sources = cached.table("sources")
st.subheader(t("sources.documents"))
st.dataframe(
    sources.assign(
        title=sources["title_en" if en else "title_zh"],
        kind=[t(f"sources.kind.{k}") for k in sources["kind"]],
        script=[t(f"sources.script.{s}") for s in sources["script"]],
        published=[format_date(p, code) for p in sources["published"]],
        # the basis is written in Chinese in the pack: in English it is shown as the source's note
        basis=[f"「{b}」" if en and b else b for b in sources["published_basis"]],
    )[["file", "title", "kind", "script", "published", "basis"]].rename(
        columns={c: t(f"sources.col.{c}") for c in ("file", "title", "kind", "script", "published", "basis")}
    ),
    hide_index=True,
    width="stretch",
)

indicators = cached.table("indicators")
st.subheader(t("sources.all_figures", count=len(indicators)))
c1, c2 = st.columns(2)
areas = c1.multiselect(
    t("sources.area"),
    sorted(indicators["area"].unique()),
    format_func=place,
    key="sources_area",
    placeholder=t("sources.all_areas"),
)
cats = c2.multiselect(
    t("sources.category"),
    list(INDICATOR_CATEGORIES),
    format_func=lambda c: t(f"areas.group.{c}"),
    key="sources_category",
    placeholder=t("sources.all_categories"),
)
shown = indicators
if areas:
    shown = shown[shown["area"].isin(areas)]
if cats:
    shown = shown[shown["category"].isin(cats)]
columns = ["area", "subject", "indicator", "period", "qualifier", "value", "unit", "source", "quote"]
table = shown[columns].copy()
table["area"] = [place(a) for a in table["area"]]
table["period"] = [format_period(p, code) for p in table["period"]]
if en:
    # numbers and units exactly as the source states them, translated word for word
    table["indicator"] = [
        indicator_name(zh, en_name, code)
        for zh, en_name in zip(shown["indicator"], shown["indicator_en"], strict=True)
    ]
    table["subject"] = [f"「{s}」" if s else "" for s in shown["subject"]]
    table["qualifier"] = [
        " ".join(term(q, "qualifier", code) for q in str(v).split(";") if q) for v in shown["qualifier"]
    ]
    table["unit"] = [unit_label(u, code) for u in shown["unit"]]
st.dataframe(
    table.rename(columns={c: t(f"sources.col.{c}") for c in columns}),
    hide_index=True,
    width="stretch",
)
csv_button(t("sources.download"), shown, "indicators.csv")
st.caption(t("sources.download_note"))

st.subheader(t("sources.quality"))
st.markdown(t("sources.quality_text"))

st.subheader(t("sources.boundaries"))
st.markdown(t("sources.boundaries_text"))
