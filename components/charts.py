"""Plotly charts of sourced figures. ``build_*`` are pure: rows in, Figure out.

Every chart has a title, an axis title with the unit, and a footnote naming its
source seed(s); each bar is one row of the frame it was given, so a test can check
that a chart shows exactly the rows it claims.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from geodata.domain.currency import frame_as_of
from geodata.domain.sources import cite_all
from geodata.geo.styles import BAR_COLOR, PLANNED_COLOR  # shared with the exported charts
from geodata.text.formats import unit_label
from geodata.text.i18n import translate

FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Source Sans Pro", sans-serif'


def source_note(sources: list[str], extra: str = "", lang: str = "zh") -> str:
    """The footnote under a chart: its sources by short title and date, anything derived, and how
    current the chart is.

    Examples
    --------
    >>> source_note(["000_749770bcfb4b1cf3.txt", "004_c0cd15c402fb7bc0.txt"], "1 亿元 = 10,000 万元")
    '来源：「西湖区发布先进制造业三大“新年礼包”」，2026年2月；「西湖区：“三创”融合书写人文经济学的“西湖样本”」，2025年。1 亿元 = 10,000 万元 资料日期：2025年 至 2026年2月'
    >>> source_note(["003_b3b6829ba2dddcb6.txt"], "", "en")
    'Sources: "Zijingang Science City: climbing higher from high ground", January 2025. Data as of: January 2025'
    """
    if not sources:
        return extra
    note = translate("charts.sources", lang, files=cite_all(sources, lang))
    as_of = frame_as_of(pd.DataFrame({"source": list(sources)}), lang)
    return note + extra + (" " if extra and as_of else "") + as_of


def wrap(text: str, width: int = 60) -> str:
    """Break a long footnote into lines for plotly (which does not wrap annotations).

    Examples
    --------
    >>> wrap("一二三四五", 2)
    '一二<br>三四<br>五'
    """
    return "<br>".join(text[i : i + width] for i in range(0, len(text), width))


def build_bar_chart(rows: pd.DataFrame, title: str, unit: str, note: str, lang: str = "zh") -> go.Figure:
    """Horizontal bars, one per row (``label``, ``value``, ``text`` columns), largest on top."""
    rows = rows.iloc[::-1]  # plotly draws the first category at the bottom
    fig = go.Figure(
        go.Bar(
            x=rows["value"],
            y=rows["label"],
            orientation="h",
            text=rows["text"],
            textposition="auto",
            marker_color=[
                PLANNED_COLOR if k == "target" else BAR_COLOR
                for k in rows.get("kind", ["actual"] * len(rows))
            ],
            customdata=rows[["id"]] if "id" in rows else None,
            hovertemplate="%{y}<br>%{text}<extra></extra>",
            cliponaxis=False,
        )
    )
    # English breaks between words (and fits more characters on a line than Chinese)
    wrapped = "<br>".join(textwrap.wrap(note, 110)) if lang == "en" else wrap(note)
    note_lines = wrapped.count("<br>") + 1
    height = 120 + 38 * len(rows) + 16 * note_lines
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        xaxis_title=translate("charts.unit_axis", lang, unit=unit_label(unit, lang)),
        yaxis={"automargin": True},
        height=height,
        margin={"l": 10, "r": 30, "t": 50, "b": 70 + 16 * note_lines},
        font={"family": FONT, "size": 13},
        showlegend=False,
        plot_bgcolor="white",
        annotations=[
            {
                "text": wrapped,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "yshift": -70,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "font": {"size": 11, "color": "#6b6f76"},
            }
        ],
    )
    fig.update_xaxes(showgrid=True, gridcolor="#e5e8eb", zeroline=True, zerolinecolor="#999")
    return fig
