"""The site-recommendation page's pieces: the project form, the ranked results with their
reasons, links and registration, the left-out list and the PDF download."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from components import cached
from components.i18n import lang, place, t
from components.interest_form import render_interest_form
from geodata.domain.recommend import CRITERIA, Project, Ranked, Recommendation, Weights
from geodata.domain.sources import cite_all
from geodata.export.recommendation import build_recommendation_pdf
from geodata.text.formats import term
from geodata.text.markdown import md_escape

#: Results shown as cards with their reasons and registration; the rest are in a table.
CARDS = 8
ANY = ""


def _number(label: str, key: str, help_text: str | None = None) -> float | None:
    value = st.number_input(label, min_value=0.0, max_value=1e9, value=None, step=1.0, key=key, help=help_text)
    return float(value) if value is not None else None


def render_project_form(sectors: list[str], districts: list[str], platforms: list[str]) -> tuple[Project, Weights] | None:
    """The project as the user describes it; None (with a message) when it does not hold together."""
    code = lang()
    c1, c2, c3 = st.columns(3)
    sector = c1.selectbox(t("recommend.page.sector"), [ANY, *sectors],
                          format_func=lambda s: term(s, "sector", code) if s else t("recommend.page.any"), key="rec_sector")  # fmt: skip
    lo = c2.number_input(t("recommend.page.land_min"), min_value=0.0, max_value=100000.0, value=None, step=5.0, key="rec_lo")
    hi = c3.number_input(t("recommend.page.land_max"), min_value=0.0, max_value=100000.0, value=None, step=5.0, key="rec_hi")
    c4, c5, c6 = st.columns(3)
    with c4:
        investment = _number(t("recommend.page.investment"), "rec_inv")
    with c5:
        output = _number(t("recommend.page.output"), "rec_output")
    with c6:
        tax = _number(t("recommend.page.tax"), "rec_tax")
    c7, c8 = st.columns(2)
    chosen = c7.multiselect(t("recommend.page.districts"), districts, format_func=place, key="rec_districts")
    platform = c8.selectbox(t("recommend.page.platform"), [ANY, *platforms],
                            format_func=lambda p: place(p) if p else t("recommend.page.any"), key="rec_platform")  # fmt: skip
    c9, c10 = st.columns(2)
    near_inno = c9.checkbox(t("recommend.criterion.innovation"), key="rec_near_inno")
    near_proj = c10.checkbox(t("recommend.criterion.projects"), key="rec_near_proj")
    with st.expander(t("recommend.page.weights")):
        st.caption(t("recommend.page.weights_help"))
        cols = st.columns(4)
        defaults = Weights()
        weights = Weights(**{c: cols[i % 4].slider(t(f"recommend.criterion.{c}"), 0.0, 5.0, getattr(defaults, c), 0.5,
                                                   key=f"rec_w_{c}") for i, c in enumerate(CRITERIA)})  # fmt: skip
    try:
        project = Project(sector=sector or None, land_mu_min=lo, land_mu_max=hi, investment_wan=investment,
                          output_per_mu_wan=output, tax_per_mu_wan=tax, districts=tuple(chosen),
                          near_innovation=near_inno, near_projects=near_proj, platform=platform or None)  # fmt: skip
    except ValueError:
        st.error(t("recommend.page.bad_range"))
        return None
    return project, weights


def _reasons_table(site: Ranked, code: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("recommend.page.col_criterion"): [t(f"recommend.criterion.{r.criterion}") for r in site.reasons],
            t("recommend.page.col_status"): [t(f"recommend.status.{r.status}") for r in site.reasons],
            t("recommend.page.col_reason"): [r.text(code) for r in site.reasons],
            t("recommend.page.col_source"): [cite_all([r.source], code) if r.source else "—" for r in site.reasons],
        }
    )


#: A verdict's colour word for Streamlit Markdown, so fit / unknown read at a glance.
_COLOUR = {"fit": "green", "partial": "orange", "no_fit": "red", "unknown": "gray"}


def _reasons_list(site: Ranked, code: str) -> str:
    lines = []
    sep = "：" if code == "zh" else ": "
    for r in site.reasons:
        verdict = f":{_COLOUR[r.status]}[{t(f'recommend.status.{r.status}')}]"
        source = f" — {md_escape(cite_all([r.source], code))}" if r.source else ""
        lines.append(f"- **{t(f'recommend.criterion.{r.criterion}')}** · {verdict}{sep}{md_escape(r.text(code))}{source}")
    return "\n".join(lines)


def _score(site: Ranked) -> str:
    return "—" if site.score is None else f"{round(site.score * 100)}%"


def render_results(rec: Recommendation, explanation: str) -> None:
    code = lang()
    st.info(explanation)
    if not rec.parcels:
        st.warning(t("recommend.page.none"))
    for n, site in enumerate(rec.parcels[:CARDS], 1):
        name = site.name_en if code == "en" and site.name_en else site.name_zh
        with st.container(border=True, key=f"rec_card_{n}"):
            st.markdown(f"**{n}. {md_escape(name)}** · {md_escape(place(site.district))} · "
                        + t("recommend.page.score", score=_score(site), known=site.known))  # fmt: skip
            # a list, not a table: the reasons are sentences, and a phone has no room for columns
            st.markdown(_reasons_list(site, code))
            link = "parcels?" + urlencode({"sel": site.id, "lang": code})
            st.markdown(f"[{t('recommend.page.open')}]({link}) · [{t('recommend.page.brochure')}]({link})")
            render_interest_form("parcel", site.id, name, key=f"rec{n}")
    if len(rec.parcels) > CARDS:
        rest = rec.parcels[CARDS:]
        st.dataframe(pd.DataFrame({
            "#": range(CARDS + 1, CARDS + 1 + len(rest)),
            t("recommend.page.col_site"): [s.name_zh for s in rest],
            t("recommend.page.col_score"): [_score(s) for s in rest],
            t("recommend.page.col_known"): [s.known for s in rest],
        }), hide_index=True, width="stretch")  # fmt: skip
    if rec.areas:
        st.subheader(t("recommend.page.areas"))
        for n, site in enumerate(rec.areas[:5], 1):
            with st.expander(f"{n}. {md_escape(place(site.name_zh))} · {_score(site)} ({t('recommend.page.known', known=site.known)})"):
                st.dataframe(_reasons_table(site, code), hide_index=True, width="stretch")
                render_interest_form("area", site.name_zh, place(site.name_zh), key=f"reca{n}")
    if rec.left_out:
        with st.expander(t("recommend.page.left", count=len(rec.left_out))):
            st.dataframe(pd.DataFrame({
                t("recommend.page.col_site"): [x.name_zh for x in rec.left_out],
                t("recommend.page.col_reason"): [x.reason.text(code) for x in rec.left_out],
            }), hide_index=True, width="stretch")  # fmt: skip


def render_pdf_button(project: Project, rec: Recommendation) -> None:
    code = lang()
    st.download_button(
        t("recommend.page.pdf"),
        lambda: build_recommendation_pdf(project, rec, code, sources=cached.table("sources"), date=dt.date.today()),
        file_name=f"site-recommendation-{dt.date.today():%Y%m%d}.pdf",
        mime="application/pdf",
        key="rec_pdf",
    )
