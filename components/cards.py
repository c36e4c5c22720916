"""Figure cards and feature cards: ``build_*`` pure, ``render_*`` draw with Streamlit."""

from __future__ import annotations

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
PROJECT_STATUS_ZH = {"signed": "已签约", "started": "已开工", "under_construction": "在建", "operating": "已投产"}


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
            rows.append(("投资额", f"{q}{format_number(float(props['investment_value']))} {props.get('investment_unit', '')}".strip()))
        if _present(props.get("project_status")):
            rows.append(("进展", PROJECT_STATUS_ZH.get(props["project_status"], str(props["project_status"]))))
    if _present(props.get("published_area_km2")):
        rows.append(("规划面积", f"{format_number(float(props['published_area_km2']))} 平方公里"))
    rows.append(("几何质量", QUALITY_ZH.get(props.get("geometry_quality", ""), _or_unknown(props.get("geometry_quality")))))
    if _present(props.get("location_basis")):
        rows.append(("定位依据", str(props["location_basis"])))
    return rows


def render_figures(figures: list[Figure]) -> None:
    """Key figures as metric cards, two per row; the quote and source on hover and below."""
    for i in range(0, len(figures), 2):
        cols = st.columns(2)
        for col, fig in zip(cols, figures[i : i + 2], strict=False):
            period = fig.period + ("（推断）" if fig.period_inferred else "")
            col.metric(
                label=f"{fig.label}｜{period}",
                value=fig.display,
                help=f"「{fig.quote}」 —— 来源：{fig.source}",
                border=True,
            )
    if figures:
        sources = sorted({f.source for f in figures})
        st.caption("来源：" + "；".join(sources) + "。悬停 ⓘ 查看原文句子。")


def render_feature_card(name: str, props: dict) -> None:
    st.markdown(f"#### {_escape_md(name)}")
    facts = build_feature_facts(props)
    st.table({"项目": [k for k, _ in facts], "内容": [v for _, v in facts]})
    if _present(props.get("description_zh")):
        st.markdown(f"> {_escape_md(str(props['description_zh']))}")
    if _present(props.get("source")):
        st.caption(f"来源：{props['source']}" + (f"　原文：「{props['quote']}」" if _present(props.get("quote")) else ""))


def _escape_md(text: str) -> str:
    """Markdown-escape text from data (Streamlit does not render raw HTML in markdown)."""
    out = text
    for ch in "\\`*_{}[]<>()#+-.!|":
        out = out.replace(ch, "\\" + ch)
    return out
