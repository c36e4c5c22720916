"""Figure cards and feature cards: ``build_*`` pure, ``render_*`` draw with Streamlit."""

from __future__ import annotations

import html
import math

import streamlit as st

from components.i18n import lang, t
from geodata.domain.currency import feature_as_of
from geodata.domain.figures import Figure
from geodata.domain.sources import cite, cite_all, full_citation, source_marks
from geodata.model.schema import PARCEL_STATUS_ZH
from geodata.text.formats import format_area_mu, format_value, place, quote_han_runs, quote_zh, term
from geodata.text.i18n import translate
from geodata.text.markdown import md_escape

# The values the catalogue names (``cards.quality.*``, ``cards.kind.*``, ``cards.project_status.*``);
# any other value is shown as it is.
KNOWN_QUALITIES = frozenset({"indicative", "boundary", "surveyed"})
KNOWN_KINDS = frozenset({"platform", "park", "supply_site", "project", "university", "institute", "lab"})
KNOWN_PROJECT_STATUSES = frozenset({"signed", "started", "under_construction", "operating"})


def _present(value) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return str(value).strip() != ""


def _or_unknown(value, lang: str = "zh") -> str:
    return str(value) if _present(value) else translate("common.not_published", lang)


def quote_zh_runs(text: str, lang: str) -> str:
    """English prose naming Chinese places keeps those names as quotes; Chinese is left as it is."""
    return quote_han_runs(text) if lang == "en" else text


def build_feature_facts(props: dict, lang: str = "zh") -> list[tuple[str, str]]:
    """Label/value rows for a clicked feature's card; absent values show as 待公布.

    Examples
    --------
    >>> rows = dict(build_feature_facts({"kind": "supply_site", "district": "西湖区", "parent": "云栖小镇",
    ...     "area_mu": None, "supply_quarter": "", "status": "planned", "land_use": "产业用地"}))
    >>> rows["面积"], rows["供应季度"], rows["状态"]
    ('待公布', '待公布', '计划出让')
    >>> dict(build_feature_facts({"kind": "supply_site", "area_mu": 15.0}))["面积"]
    '15 亩（10,000 m²，1 公顷）'
    >>> en = dict(build_feature_facts({"kind": "supply_site", "district": "西湖区", "area_mu": None,
    ...     "status": "planned", "land_use": "产业用地"}, "en"))
    >>> en["Area"], en["District"], en["Status"], en["Land use"]
    ('not yet published', 'Xihu District', 'planned for listing', 'industrial land')
    """

    kind = props.get("kind", "")
    rows = [
        (
            translate("cards.fact.kind", lang),
            translate(f"cards.kind.{kind}", lang) if kind in KNOWN_KINDS else (kind or "—"),
        )
    ]
    if _present(props.get("district")):
        rows.append((translate("cards.fact.district", lang), place(props["district"], lang)))
    if _present(props.get("parent")):
        rows.append((translate("cards.fact.parent", lang), place(props["parent"], lang)))
    if kind == "supply_site":
        mu = props.get("area_mu")
        area = format_area_mu(float(mu), lang) if _present(mu) else translate("common.not_published", lang)
        status = props.get("status") or ""
        rows += [
            (translate("cards.fact.area", lang), area),
            (
                translate("cards.fact.land_use", lang),
                term(_or_unknown(props.get("land_use"), lang), "land_use", lang),
            ),
            (translate("cards.fact.quarter", lang), _or_unknown(props.get("supply_quarter"), lang)),
            (
                translate("cards.fact.status", lang),
                translate(f"cards.parcel_status.{status}", lang)
                if status in PARCEL_STATUS_ZH
                else _or_unknown(props.get("status"), lang),
            ),
        ]
        if _present(props.get("surroundings_zh")):
            rows.append(
                (translate("cards.fact.surroundings", lang), quote_zh(props["surroundings_zh"], lang))
            )
    if kind == "project":
        if _present(props.get("investment_value")):
            rows.append(
                (
                    translate("cards.fact.investment", lang),
                    format_value(
                        float(props["investment_value"]),
                        props.get("investment_unit") or "",
                        props.get("investment_qualifier") or "",
                        lang,
                    ),
                )
            )
        if _present(props.get("project_status")):
            status = str(props["project_status"])
            rows.append(
                (
                    translate("cards.fact.progress", lang),
                    translate(f"cards.project_status.{status}", lang)
                    if status in KNOWN_PROJECT_STATUSES
                    else status,
                )
            )
    if _present(props.get("published_area_km2")):
        km2 = format_value(float(props["published_area_km2"]), "平方公里", "", lang)
        rows.append((translate("cards.fact.planned_area", lang), km2))
    quality = props.get("geometry_quality", "")
    rows.append(
        (
            translate("cards.fact.quality", lang),
            translate(f"cards.quality.{quality}", lang)
            if quality in KNOWN_QUALITIES
            else _or_unknown(quality, lang),
        )
    )
    # the pack writes how a place was located in English (location_basis) and Chinese (location_basis_zh)
    basis = props.get("location_basis") if lang == "en" else props.get("location_basis_zh")
    if not _present(basis):
        basis = props.get("location_basis")
    if _present(basis):
        rows.append((translate("cards.fact.location_basis", lang), quote_zh_runs(str(basis), lang)))
    return rows


CARDS_CSS = """
<style>
.atlas-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; margin: 4px 0 8px; }
.atlas-card { border: 1px solid rgba(49,51,63,.2); border-radius: 8px; padding: 10px 12px; background: #fff; }
.atlas-card-subject { font-size: .78rem; color: #6b6f76; line-height: 1.3; }
.atlas-card-label { font-size: .9rem; color: #31333f; line-height: 1.35; }
.atlas-card-value { font-size: 1.55rem; font-weight: 600; color: #1b1d23; margin: 4px 0 2px; line-height: 1.2; }
.atlas-card-meta { font-size: .75rem; color: #6b6f76; }
.atlas-card-meta sup { font-size: .7rem; }
</style>
"""


def build_figure_cards_html(figures: list[Figure], lang: str = "zh") -> str:
    """Key figures as HTML cards: label, value with the source's qualifier, period, source mark.

    Every text comes from the data and is escaped; the quote is the card's hover text.

    Examples
    --------
    >>> f = Figure(id="x", area="西湖区", label="产值<script>", display="69.5 亿元", period="2025",
    ...            period_inferred=False, source="000_749770bcfb4b1cf3.txt", quote='他说"好"', subject="")
    >>> out = build_figure_cards_html([f])
    >>> "产值&lt;script&gt;" in out and "<script>" not in out.replace("<style>", "")
    True
    >>> 'title="「他说&quot;好&quot;」 —— 「西湖区发布先进制造业三大「新年礼包」' in out  # quote, full title
    True
    """
    marks = source_marks(f.source for f in figures)
    cards = []
    for f in figures:
        period = html.escape(f.period) if f.period else translate("common.period_unstated", lang)
        period += translate("common.inferred", lang) if f.period_inferred else ""
        subject = f'<div class="atlas-card-subject">{html.escape(f.subject)}</div>' if f.subject else ""
        sep = ": " if lang == "en" else "："
        label = f.label.split(sep, 1)[1] if f.subject and sep in f.label else f.label
        source_word = html.escape(translate("cards.source", lang))
        cards.append(
            f'<div class="atlas-card" data-figure-id="{html.escape(f.id, quote=True)}" '
            f'title="{html.escape("「" + f.quote + "」 —— " + full_citation(f.source, lang), quote=True)}">'
            f"{subject}"
            f'<div class="atlas-card-label">{html.escape(label)}</div>'
            f'<div class="atlas-card-value">{html.escape(f.display)}</div>'
            f'<div class="atlas-card-meta">{period} · {source_word}<sup>[{marks[f.source]}]</sup></div>'
            "</div>"
        )
    return CARDS_CSS + '<div class="atlas-cards">' + "".join(cards) + "</div>"


def render_figures(figures: list[Figure]) -> None:
    """Figure cards, then the numbered sources (short title, date) and, on demand, every quoted sentence."""
    if not figures:
        return
    code = lang()
    # st.html, not st.markdown(unsafe_allow_html=True): the markdown way makes the browser fetch
    # Streamlit's HTML-in-Markdown parser (rehype-raw, 189 KB) on the overview's first visit;
    # st.html needs 30 KB (DOMPurify, which keeps the <style> and the title/data attributes).
    st.html(build_figure_cards_html(figures, code))
    marks = source_marks(f.source for f in figures)
    st.caption("　".join(f"[{n}] {md_escape(cite(src, code))}" for src, n in marks.items()))
    with st.expander(t("cards.quotes")):
        for f in figures:
            st.markdown(f"- **{md_escape(f.display)}** 「{md_escape(f.quote)}」 [{marks[f.source]}]")


def render_feature_card(name: str, props: dict) -> None:
    """A feature's card: its name (``name_zh``; English name in English), facts, description, source."""
    code = lang()
    title = str(props.get("name_en") or "") if code == "en" else ""
    st.markdown(f"#### {md_escape(title or place(name, code))}")
    facts = build_feature_facts(props, code)
    st.table({t("cards.col_item"): [k for k, _ in facts], t("cards.col_value"): [v for _, v in facts]})
    if _present(props.get("description_zh")):
        prefix = t("cards.description_zh") + " " if code == "en" else ""
        st.markdown(f"> {md_escape(prefix + quote_zh(props['description_zh'], code))}")
    line = source_caption(props, code)
    if line:
        st.caption(line)
    if _present(props.get("source")):
        st.caption(md_escape(feature_as_of(props, code)))


def source_caption(props: dict, lang: str = "zh") -> str:
    r"""A feature's source line for ``st.caption`` (Markdown): the source and its quote, escaped.

    Both come from data (an imported file names its own source), so a link or an image in
    them is shown as text, never followed or loaded.

    Examples
    --------
    >>> print(source_caption({"source": "[点我](http://evil.example)", "quote": "![x](http://x.example/a.png)"}))
    来源：\[点我\]\(http\://evil\.example\)　原文：「\!\[x\]\(http\://x\.example/a\.png\)」
    >>> source_caption({"source": None})
    ''
    """
    if not _present(props.get("source")):
        return ""
    # a seed is cited by its short title and date; an imported file's own source name as it is
    line = translate("common.source_line", lang, source=md_escape(cite_all([props["source"]], lang)))
    if _present(props.get("quote")):
        line += f"　{translate('common.quote_label', lang)}：「{md_escape(props['quote'])}」"
    return line
