"""Policy finder views: ``build_*`` pure (a plotly Figure, a markdown string), ``render_*`` draw.

Every text from data is escaped: markdown-escaped for ``st.markdown``, HTML-escaped for plotly
(whose labels understand a small HTML subset). Nothing here uses ``unsafe_allow_html``.
"""

from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from geodata.domain.figures import format_number
from geodata.domain.policies import KIND_ORDER, Match, budget_footnote
from geodata.domain.sources import cite_all
from geodata.text.formats import quote_zh, term, unit_text
from geodata.text.i18n import translate
from geodata.text.markdown import md_escape

STATUS_COLOR = {
    "met": "green",
    "not_met": "red",
    "not_stated": "gray",
    "no_input": "orange",
    "other_currency": "gray",
}
BAR_COLOR = "#2f6f9f"



def build_match_markdown(m: Match, lang: str = "zh") -> str:
    """One measure as markdown: every line from data escaped; labels and status words are the app's own.

    Examples
    --------
    >>> m = Match(policy_id="x", district="西湖区", sector="s", measure="补贴<b>", kind="grant", condition="",
    ...     cap_text="最高 100 万元", rate_text=None, budget_text=None, threshold_text=None,
    ...     threshold_status="not_stated", estimate_text=None, estimate_value=None, estimate_low=None,
    ...     estimate_unit=None, explanation="不作估算。", note="", source="000.txt", quote="q*")
    >>> md = build_match_markdown(m)
    >>> "**补贴\\\\<b\\\\>**" in md and "「q\\\\*」" in md
    True
    """

    kind = translate(f"policies.kind.{m.kind}", lang)
    status = translate(f"policies.status.{m.threshold_status}", lang)
    sector = term(m.sector, "sector", lang)
    if lang == "en":
        # the pack's English summary is a translation: marked as such, the Chinese title beside it
        title = (
            f"**{md_escape(m.measure_en)}** {translate('policy_view.translation', lang)}　「{md_escape(m.measure)}」"
            if m.measure_en
            else f"「{md_escape(m.measure)}」"
        )
    else:
        title = f"**{md_escape(m.measure)}**"
    lines = [f"{title}　{md_escape(sector)} · {md_escape(kind)}"]
    condition = md_escape(quote_zh(m.condition, lang)) if m.condition else translate("policy_view.unstated", lang)
    lines.append(f"- {translate('policy_view.condition', lang)}{condition}")
    if m.threshold_text:
        color = STATUS_COLOR[m.threshold_status]
        lines.append(
            f"- {translate('policy_view.threshold', lang)}{md_escape(m.threshold_text)}　:{color}[{status}]"
        )
    else:
        lines.append(f"- {translate('policy_view.threshold', lang)}{status}")
    if m.cap_text:
        lines.append(f"- {translate('policy_view.cap', lang)}{md_escape(m.cap_text)}")
    if m.rate_text:
        lines.append(f"- {translate('policy_view.rate', lang)}{md_escape(m.rate_text)}")
    if m.budget_text:
        lines.append(f"- {translate('policy_view.budget', lang)}{md_escape(m.budget_text)}")
    if m.estimate_text:
        lines.append(
            f"- {translate('policy_view.estimate', lang)}**{md_escape(m.estimate_text)}**{translate('policy_view.paren', lang, text=md_escape(m.explanation))}"
        )
    else:
        lines.append(
            f"- {translate('policy_view.no_estimate', lang)}{translate('policy_view.paren', lang, text=md_escape(m.explanation))}"
        )
    if m.note:
        lines.append(f"- {translate('policy_view.note', lang)}{md_escape(m.note)}")
    lines.append(
        f"\n{translate('policy_view.source', lang, source=md_escape(cite_all([m.source], lang)))}　{translate('policy_view.quote', lang)}「{md_escape(m.quote)}」"
    )
    return "\n".join(lines)


def render_matches(matches: list[Match], lang: str = "zh") -> None:
    """Grants as cards; programme budgets, fund sizes and non-monetary measures below, folded."""
    by_kind = {k: [m for m in matches if m.kind == k] for k in KIND_ORDER}
    for kind in KIND_ORDER:
        group = by_kind[kind]
        if not group:
            continue
        title = translate(
            "policy_view.group", lang, kind=translate(f"policies.kind.{kind}", lang), count=len(group)
        )
        if kind == "grant":
            st.markdown(f"#### {title}")
            box = st.container()
        else:
            box = st.expander(title, expanded=False)
        with box:
            for m in group:
                with st.container(border=True, key=f"policy_match_{m.policy_id}"):
                    st.markdown(build_match_markdown(m, lang))


def _wrap(text: str, width: int = 40) -> str:
    """Break a footnote into lines at sentence ends, and long sentences at a comma (else every ``width``).

    Examples
    --------
    >>> _wrap("甲。乙乙乙，丙丙丙丙。", width=6)
    '甲。<br>乙乙乙，<br>丙丙丙丙。'
    """
    lines: list[str] = []
    for sentence in [s + "。" for s in text.split("。") if s]:
        while len(sentence) > width:
            # break after a comma, or before an opening bracket, in the second half of the line
            cut = max(
                [sentence.rfind(ch, 0, width) + 1 for ch in "，；、："] + [sentence.rfind("（", 0, width)]
            )
            cut = cut if cut > width // 2 else width
            lines.append(sentence[:cut])
            sentence = sentence[cut:]
        lines.append(sentence)
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def build_budget_chart(df: pd.DataFrame, footnote: str | None = None, lang: str = "zh") -> go.Figure:
    """Horizontal bars of annual budgets in 万元 (``geodata.domain.policies.budget_lines``), largest on top.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["a", "b"], "measure": ["第2条", "第1条"], "value_wan": [6000.0, 20000.0],
    ...     "value": [6000.0, 2.0], "unit": ["万元", "亿元"], "qualifier": ["不少于"] * 2,
    ...     "source": ["001.txt"] * 2, "quote": ["", ""]})
    >>> fig = build_budget_chart(df)
    >>> list(fig.data[0].y), list(fig.data[0].x)
    (['第2条', '第1条'], [6000.0, 20000.0])
    >>> fig.layout.xaxis.title.text
    '每年安排预算下限（万元）'
    """
    d = df.assign(_order=range(len(df))).sort_values(["value_wan", "_order"], ascending=[False, True])
    d = d.iloc[::-1]  # plotly draws the first category at the bottom: largest last = on top
    labels = [html.escape(str(m), quote=False) for m in d["measure"]]
    stated = [
        translate(
            "charts.budget_text",
            lang,
            value=format_number(float(v)),
            unit=html.escape(unit_text(u, lang) if lang != "en" else "× " + unit_text(u, lang)),
        )
        for v, u in zip(d["value"], d["unit"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=d["value_wan"].astype(float).tolist(),
            y=labels,
            orientation="h",
            marker_color=BAR_COLOR,
            text=stated,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>"
            + translate("charts.budget_hover", lang)
            + ": %{text}<br>= %{x:,.0f} "
            + translate("charts.budget_hover_unit", lang)
            + "<extra></extra>",
        )
    )
    note = footnote if footnote is not None else budget_footnote(df, lang=lang)
    wrapped = (
        "<br>".join(html.escape(x, quote=False) for x in textwrap.wrap(note, 90))
        if lang == "en"
        else _wrap(note)
    )
    n_lines = wrapped.count("<br>") + 1
    fig.update_layout(
        title={"text": translate("charts.budget_title", lang), "x": 0, "xanchor": "left"},
        xaxis={
            "title": {"text": translate("charts.budget_axis", lang)},
            "tickformat": ",d",
            "rangemode": "tozero",
        },
        yaxis={"title": None, "automargin": True},
        height=max(320, 26 * len(d) + 120 + 18 * n_lines),
        margin={"l": 10, "r": 110, "t": 50, "b": 70 + 18 * n_lines},
        plot_bgcolor="white",
        showlegend=False,
    )
    fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5")
    fig.add_annotation(
        text=wrapped,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-50,
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": 11, "color": "#555"},
    )
    return fig
