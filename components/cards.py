"""Figure cards and feature cards: ``build_*`` pure, ``render_*`` draw with Streamlit."""

from __future__ import annotations

import html
import math

import streamlit as st

from geodata.figures import Figure, format_number
from geodata.schema import M2_PER_MU, NOT_PUBLISHED_ZH, PARCEL_STATUS_ZH

QUALITY_ZH = {
    "indicative": "示意位置（据来源文字描述定位，非测绘边界）",
    "boundary": "行政边界",
    "surveyed": "测绘边界（导入的勘测文件）",
}
KIND_ZH = {
    "platform": "平台",
    "park": "园区",
    "supply_site": "2026 年供地地块",
    "project": "签约 / 开工项目",
    "university": "高校",
    "institute": "科研机构",
    "lab": "实验室",
}
PROJECT_STATUS_ZH = {
    "signed": "已签约",
    "started": "已开工",
    "under_construction": "在建",
    "operating": "已投产",
}


def _present(value) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return str(value).strip() != ""


def _or_unknown(value) -> str:
    return str(value) if _present(value) else NOT_PUBLISHED_ZH


def build_feature_facts(props: dict) -> list[tuple[str, str]]:
    """Label/value rows for a clicked feature's card; absent values show as 待公布.

    Examples
    --------
    >>> rows = dict(build_feature_facts({"kind": "supply_site", "district": "西湖区", "parent": "云栖小镇",
    ...     "area_mu": None, "supply_quarter": "", "status": "planned", "land_use": "产业用地"}))
    >>> rows["面积"], rows["供应季度"], rows["状态"]
    ('待公布', '待公布', '计划出让')
    >>> dict(build_feature_facts({"kind": "supply_site", "area_mu": 15.0}))["面积"]
    '15 亩（10,000 m²，1 公顷）'
    """
    kind = props.get("kind", "")
    rows = [("类型", KIND_ZH.get(kind, kind or "—"))]
    if _present(props.get("district")):
        rows.append(("所在区", str(props["district"])))
    if _present(props.get("parent")):
        rows.append(("所属平台", str(props["parent"])))
    if kind == "supply_site":
        mu = props.get("area_mu")
        if _present(mu):
            m2 = float(mu) * M2_PER_MU
            area = f"{format_number(float(mu))} 亩（{format_number(round(m2))} m²，{format_number(round(m2 / 1e4, 2))} 公顷）"
        else:
            area = NOT_PUBLISHED_ZH
        rows += [
            ("面积", area),
            ("用地性质", _or_unknown(props.get("land_use"))),
            ("供应季度", _or_unknown(props.get("supply_quarter"))),
            ("状态", PARCEL_STATUS_ZH.get(props.get("status") or "", _or_unknown(props.get("status")))),
        ]
        if _present(props.get("surroundings_zh")):
            rows.append(("周边", str(props["surroundings_zh"])))
    if kind == "project":
        if _present(props.get("investment_value")):
            q = props.get("investment_qualifier") or ""
            rows.append(
                (
                    "投资额",
                    f"{q}{format_number(float(props['investment_value']))} {props.get('investment_unit', '')}".strip(),
                )
            )
        if _present(props.get("project_status")):
            rows.append(
                ("进展", PROJECT_STATUS_ZH.get(props["project_status"], str(props["project_status"])))
            )
    if _present(props.get("published_area_km2")):
        rows.append(("规划面积", f"{format_number(float(props['published_area_km2']))} 平方公里"))
    rows.append(
        (
            "几何质量",
            QUALITY_ZH.get(props.get("geometry_quality", ""), _or_unknown(props.get("geometry_quality"))),
        )
    )
    if _present(props.get("location_basis")):
        rows.append(("定位依据", str(props["location_basis"])))
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


def build_figure_cards_html(figures: list[Figure]) -> str:
    """Key figures as HTML cards: label, value with the source's qualifier, period, source mark.

    Every text comes from the data and is escaped; the quote is the card's hover text.

    Examples
    --------
    >>> f = Figure(id="x", area="西湖区", label="产值<script>", display="69.5 亿元", period="2025",
    ...            period_inferred=False, source="000.txt", quote='他说"好"', subject="")
    >>> out = build_figure_cards_html([f])
    >>> "产值&lt;script&gt;" in out and "<script>" not in out.replace("<style>", "")
    True
    >>> 'title="「他说&quot;好&quot;」' in out
    True
    """
    marks = {src: i + 1 for i, src in enumerate(sorted({f.source for f in figures}))}
    cards = []
    for f in figures:
        period = html.escape(f.period) if f.period else "时间未注明"
        period += "（推断）" if f.period_inferred else ""
        subject = f'<div class="atlas-card-subject">{html.escape(f.subject)}</div>' if f.subject else ""
        label = f.label.split("：", 1)[1] if f.subject and "：" in f.label else f.label
        cards.append(
            f'<div class="atlas-card" data-figure-id="{html.escape(f.id, quote=True)}" '
            f'title="{html.escape("「" + f.quote + "」 —— " + f.source, quote=True)}">'
            f"{subject}"
            f'<div class="atlas-card-label">{html.escape(label)}</div>'
            f'<div class="atlas-card-value">{html.escape(f.display)}</div>'
            f'<div class="atlas-card-meta">{period} · 来源<sup>[{marks[f.source]}]</sup></div>'
            "</div>"
        )
    return CARDS_CSS + '<div class="atlas-cards">' + "".join(cards) + "</div>"


def render_figures(figures: list[Figure], source_titles: dict[str, str]) -> None:
    """Figure cards, then numbered sources and, on demand, every quoted sentence."""
    if not figures:
        return
    st.markdown(build_figure_cards_html(figures), unsafe_allow_html=True)
    sources = sorted({f.source for f in figures})
    st.caption("　".join(f"[{i + 1}] {src}《{source_titles.get(src, '')}》" for i, src in enumerate(sources)))
    with st.expander("原文句子"):
        for f in figures:
            st.markdown(f"- **{_escape_md(f.display)}** 「{_escape_md(f.quote)}」（{_escape_md(f.source)}）")


def render_feature_card(name: str, props: dict) -> None:
    st.markdown(f"#### {_escape_md(name)}")
    facts = build_feature_facts(props)
    st.table({"项目": [k for k, _ in facts], "内容": [v for _, v in facts]})
    if _present(props.get("description_zh")):
        st.markdown(f"> {_escape_md(str(props['description_zh']))}")
    if _present(props.get("source")):
        st.caption(
            f"来源：{props['source']}"
            + (f"　原文：「{props['quote']}」" if _present(props.get("quote")) else "")
        )


def _escape_md(text: str) -> str:
    """Markdown-escape text from data (Streamlit does not render raw HTML in markdown)."""
    out = text
    for ch in "\\`*_{}[]<>()#+-.!|":
        out = out.replace(ch, "\\" + ch)
    return out
