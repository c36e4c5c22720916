"""The area page's comparison: one indicator's figures of several areas side by side, and
the link from its bars back to the page's selected area (map highlight and charts).

Both ends of that link live here: ``render_compare`` draws the charts with selectable bars,
``apply_bar_pick`` (called before the page's area picker is drawn) acts on a picked bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from components import state
from components.charts import build_bar_chart, source_note
from components.downloads import csv_button
from components.i18n import lang, place, t
from geodata.domain.area_tables import left_out_table
from geodata.domain.areas import comparable_indicators, compare, picked_bar_ids, sources_of
from geodata.text.formats import format_period, format_value, place_or_quote, unit_label


def apply_bar_pick(indicators: pd.DataFrame, area_options: Sequence[str]) -> None:
    """Select the area of a bar picked in a comparison chart.

    Acted on once: a chart keeps its selection on every rerun, and acting on it again would
    undo a later choice in the list or on the map.
    """
    area_by_id = dict(zip(indicators["id"], indicators["area"], strict=True))
    for key in sorted(k for k in st.session_state if str(k).startswith(state.AREAS_COMPARE_CHART)):
        picked = picked_bar_ids(st.session_state[key])
        if picked and (key, picked) != st.session_state.get(state.AREAS_LAST_BARS):
            st.session_state[state.AREAS_LAST_BARS] = (key, picked)
            if area_by_id.get(picked[-1]) in area_options:
                st.session_state[state.AREAS_AREA] = area_by_id[picked[-1]]


def render_compare(
    indicators: pd.DataFrame, indicator_name: Callable[[str], str], download_columns: list[str]
) -> None:
    """The comparison section: an indicator picker, one chart per comparable group (its bars
    selectable), and the figures that cannot be compared, with the reason."""
    code = lang()
    st.subheader(t("areas.compare"))
    st.caption(t("areas.compare_caption"))
    options = comparable_indicators(indicators)
    chosen = st.selectbox(
        t("areas.indicator"),
        options,
        key=state.AREAS_COMPARE,
        index=options.index("基金规模") if "基金规模" in options else 0,
        format_func=indicator_name,
    )
    groups, left = compare(indicators, chosen, code)
    sep = ": " if code == "en" else "："
    for i, g in enumerate(groups):
        rows = g.rows.assign(
            label=[
                f"{place(a)}{sep}{place_or_quote(s, code)}" if s else place(a)
                for a, s in zip(g.rows["area"], g.rows["subject"], strict=True)
            ],
            text=[
                format_value(v, u, q, code)
                for v, u, q in zip(g.rows["value"], g.rows["unit"], g.rows["qualifier"], strict=True)
            ],
        )
        st.plotly_chart(
            build_bar_chart(
                rows,
                t(
                    "areas.compare_title",
                    indicator=indicator_name(g.indicator),
                    period=format_period(g.period, code) or t("common.period_unstated"),
                    unit=unit_label(g.unit, code),
                ),
                g.unit,
                source_note(sources_of(rows), "", code),
                code,
            ),
            key=f"{state.AREAS_COMPARE_CHART}{i}",
            config={"displaylogo": False},
            # a click on a bar selects its area (read at the top of the page)
            on_select="rerun",
            selection_mode="points",
        )
        csv_button(
            t("common.download_csv"),
            rows[download_columns],
            f"compare_{g.indicator}_{g.period}.csv",
            f"dl_compare_{i}",
        )
    if not groups:
        st.warning(t("areas.nothing_comparable", indicator=indicator_name(chosen)))
    if left is not None:
        st.caption(t("areas.left_caption", reason=left.reason))
        st.dataframe(left_out_table(left.rows, code), hide_index=True, width="stretch")
