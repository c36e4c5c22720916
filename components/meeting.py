"""Meeting mode: a tour on a projector. ``build_*`` are pure; ``render_*`` draw with Streamlit.

The map is one base map (districts, legend, offline fallback) that never changes within a
basemap; each stop travels as a feature group (its layers and highlight ring) with its
centre and zoom, which ``st_folium`` applies to the map already on screen — so stepping
through a tour moves the map instead of reloading it. Only a stop that names another
basemap gets a new map (its key includes the basemap).

Keyboard: a small script is put once into the app's own document (same origin) and
clicks the stop buttons for the keys presentation clickers send (arrows, Page Up/Down,
Home/End; Escape leaves). It also sizes the map to the viewport.
"""

from __future__ import annotations

import html
import json
import textwrap

import folium
import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import cached, state
from components.charts import FONT, wrap
from components.i18n import lang
from components.map import build_layers_group, build_overview_map, render_map, to_display_point
from geodata.domain.sources import cite, full_citation
from geodata.domain.sources import source_marks as _marks
from geodata.domain.tours import PackIndex, Stop, StopFigure, Tour, feature_name, step
from geodata.text.formats import format_period, unit_label
from geodata.text.i18n import translate

K = state.MEETING
MAP_BOX = "meeting_mapbox"
BUTTON_KEYS = {action: K[action] for action in ("prev", "next", "first", "last", "exit")}

#: Key (``KeyboardEvent.key``) -> stop button. Space is left out on purpose: on a focused
#: button the browser already turns Space into a click, and a stop would be skipped.
KEYMAP = {
    "ArrowRight": "next",
    "PageDown": "next",
    "ArrowLeft": "prev",
    "PageUp": "prev",
    "Home": "first",
    "End": "last",
    "Escape": "exit",
}

MEETING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.2vh 1.6vw 0.8vh !important; max-width: 100% !important; }
[class*="st-key-meeting_hidden"] { display: none !important; }
.meeting-tour { font-size: clamp(18px, 1.9vw, 76px); font-weight: 700; line-height: 1.15; color: #1b2631; }
.meeting-counter { font-size: clamp(18px, 1.9vw, 76px); font-weight: 700; color: #1f618d;
  font-variant-numeric: tabular-nums; text-align: center; white-space: nowrap; }
[class*="st-key-meeting_"] button { min-height: clamp(38px, 3.4vw, 130px); }
[class*="st-key-meeting_"] button p { font-size: clamp(15px, 1.15vw, 46px) !important; }
.st-key-meeting_jump [role="group"] { min-height: clamp(38px, 3.4vw, 130px); }
.st-key-meeting_jump input { font-size: clamp(14px, 1.05vw, 42px) !important; }
.st-key-meeting_mapbox iframe { height: calc(100vh - clamp(90px, 7.5vw, 300px)) !important; }
.meeting-stop-title { font-size: clamp(20px, 2.05vw, 82px); font-weight: 700; line-height: 1.2;
  margin: 0 0 .5em; color: #1b2631; }
.meeting-caption { font-size: clamp(16px, 1.42vw, 57px); line-height: 1.5; color: #1b1d23;
  animation: meeting-fade .45s ease-out; }
.meeting-note { font-size: clamp(12px, .9vw, 36px); color: #5d6d7e; margin-top: .6em; line-height: 1.4; }
.meeting-cards { display: grid; gap: clamp(6px, .6vw, 24px); margin-top: .9em;
  grid-template-columns: repeat(auto-fill, minmax(clamp(140px, 12vw, 480px), 1fr)); }
.meeting-card { border: 1px solid #d5d8dc; border-left: 5px solid #1f618d; border-radius: 6px;
  padding: .5em .7em; background: #fbfcfc; animation: meeting-fade .45s ease-out; }
.meeting-card-label { font-size: clamp(12px, .95vw, 38px); color: #34495e; line-height: 1.3; }
.meeting-card-value { font-size: clamp(19px, 1.75vw, 70px); font-weight: 700; color: #1b2631; line-height: 1.25; }
.meeting-card-meta { font-size: clamp(11px, .78vw, 31px); color: #6b6f76; }
@keyframes meeting-fade { from { opacity: 0; transform: translateY(.4em); } to { opacity: 1; transform: none; } }
</style>
"""

KEYS_JS = """
(function () {
  if (window.__atlasMeeting) return;
  window.__atlasMeeting = true;
  const doc = document;
  const KEYMAP = %(keymap)s;
  const BUTTONS = %(buttons)s;
  function press(action) {
    const b = doc.querySelector('.st-key-' + BUTTONS[action] + ' button');
    if (!b || b.disabled) return false;
    b.click();
    return true;
  }
  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const action = KEYMAP[e.key];
    if (!action || !doc.querySelector('.st-key-' + BUTTONS.next)) return;  // only while presenting
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    e.stopPropagation();  // in the map: Leaflet would pan on arrow keys
    queue.push(action);
    if (queue.length > 20) queue.shift();
    pump();
  }
  // Two clicks on one button before Streamlit reruns count once, so presses wait in a
  // queue and go one at a time, each after the previous stop has been drawn.
  const queue = [];
  let lastPress = 0;
  function pump() {
    if (!queue.length) return;
    const app = doc.querySelector('[data-testid="stApp"]');
    const running = app && app.getAttribute('data-test-script-state') === 'running';
    if (running || Date.now() - lastPress < 300) return;
    lastPress = Date.now();
    press(queue.shift());
  }
  setInterval(pump, 50);
  doc.addEventListener('keydown', onKey, true);
  // The map fills the viewport's height; keys pressed inside the map frame count too.
  function fit() {
    const f = doc.querySelector('.st-key-%(mapbox)s iframe');
    if (!f) return;
    let d;
    try { d = f.contentDocument; } catch (err) { return; }
    if (!d || !d.head) return;
    // Beyond full HD (a 4K screen at 100 %%) the map's controls, legend and labels grow
    // with the screen, as the rest of the page does, instead of shrinking to specks.
    const zoom = Math.max(1, Math.min(2, window.innerWidth / 1920));
    if (d.__atlasZoom !== zoom) {
      d.__atlasZoom = zoom;
      let s = d.getElementById('atlas-meeting-fit');
      if (!s) { s = d.createElement('style'); s.id = 'atlas-meeting-fit'; d.head.appendChild(s); }
      s.textContent = 'html { zoom: ' + zoom + '; } #map_div { height: calc(100vh / ' + zoom +
        ') !important; width: calc(100vw / ' + zoom + ') !important; }';
    }
    if (!d.__atlasKeys) { d.__atlasKeys = true; d.addEventListener('keydown', onKey, true); }
    // fill the viewport below the top bar (the bar's height grows with the screen)
    const want = Math.max(280, Math.floor(window.innerHeight - f.getBoundingClientRect().top - 10));
    if (f.__atlasH !== want) { f.__atlasH = want; f.style.setProperty('height', want + 'px', 'important'); }
    const m = f.contentWindow.map;
    const size = f.clientWidth + 'x' + f.clientHeight + '@' + zoom;
    if (m && f.__atlasSize !== size) { f.__atlasSize = size; m.invalidateSize({animate: false}); }
  }
  setInterval(fit, 250);
})();
"""



def keys_script() -> str:
    """The keyboard and map-sizing script, with the key map and button keys filled in."""
    return KEYS_JS % {"keymap": json.dumps(KEYMAP), "buttons": json.dumps(BUTTON_KEYS), "mapbox": MAP_BOX}


def build_tour_base_map(layers: dict[str, gpd.GeoDataFrame], basemap: str, lang: str = "zh") -> folium.Map:
    """The map every stop shares: district outlines (context), legend, tools, offline fallback."""
    return build_overview_map({k: layers[k] for k in ("districts", "context") if k in layers}, basemap, lang)


def highlight_features(
    layers: dict[str, gpd.GeoDataFrame], ids: tuple[str, ...], index: PackIndex
) -> gpd.GeoDataFrame:
    """The WGS-84 geometries of the features a stop highlights (districts by name, the rest by id)."""
    parts = []
    for fid in ids:
        layer = index.features.get(fid)
        if layer is None:
            continue
        gdf = layers[layer]
        parts.append(gdf[(gdf["name_zh"] if layer == "districts" else gdf["id"]) == fid][["geometry"]])
    if not parts:
        return gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")


def build_stop_group(
    layers: dict[str, gpd.GeoDataFrame], stop: Stop, index: PackIndex, basemap: str, lang: str = "zh"
) -> folium.FeatureGroup:
    """What changes from stop to stop: the stop's layers and its highlight ring."""
    highlight = highlight_features(layers, stop.highlight, index)
    return build_layers_group(layers, stop.layers, highlight, basemap, lang=lang)


def _period(f: StopFigure, lang: str) -> str:
    text = format_period(f.period, lang) or translate("tour.card.period_unknown", lang)
    return text + (translate("tour.card.inferred", lang) if f.period_inferred else "")


def source_marks(figures: list[StopFigure]) -> dict[str, int]:
    """Source file -> its footnote number, in name order (the numbers cite by title, ``cite_marks``)."""
    return _marks(f.source for f in figures)


def cite_marks(figures: list[StopFigure], lang: str, sep: str) -> str:
    """The numbered sources of a stop by short title and date: ``[1] 「…」，2026年2月``."""
    return sep.join(f"[{n}] {cite(src, lang)}" for src, n in source_marks(figures).items())


def build_stop_cards_html(figures: list[StopFigure], lang: str) -> str:
    """Large figure cards: label, value, period and source mark; the quote is the hover text.

    Examples
    --------
    >>> f = StopFigure(id="x", area="西湖区", subject="", label="<b>产值</b>", value=1.0, display="1 亿元",
    ...     unit="亿元", period="2025", period_inferred=True, source="000.txt", quote='"q"')
    >>> out = build_stop_cards_html([f], "en")
    >>> "&lt;b&gt;产值&lt;/b&gt;" in out, "2025 (inferred)" in out, 'data-figure-id="x"' in out
    (True, True, True)
    """
    marks = source_marks(figures)
    cards = []
    for f in figures:
        subject = f"{f.subject} · " if f.subject else ""
        cards.append(
            f'<div class="meeting-card" data-figure-id="{html.escape(f.id, quote=True)}" '
            f'title="{html.escape("「" + f.quote + "」 — " + full_citation(f.source, lang), quote=True)}">'
            f'<div class="meeting-card-label">{html.escape(subject + f.label)}</div>'
            f'<div class="meeting-card-value">{html.escape(f.display)}</div>'
            f'<div class="meeting-card-meta">{html.escape(_period(f, lang))} · [{marks[f.source]}]</div>'
            "</div>"
        )
    return '<div class="meeting-cards">' + "".join(cards) + "</div>"


def build_stop_chart(figures: list[StopFigure], title: str, lang: str) -> go.Figure:
    """Horizontal bars of a stop's cited figures (one unit), largest on top, with the source line.

    Bars, their text and the axis keep the source's numbers and unit, worded by ``geodata.text.formats``
    as on every other page.

    Examples
    --------
    >>> f = StopFigure(id="x", area="钱塘区", subject="", label="output", value=3700.0,
    ...     display="over 3,700 × 100 million yuan", unit="亿元", period="", period_inferred=False,
    ...     source="002.txt", quote="q")
    >>> fig = build_stop_chart([f], "Output", "en")
    >>> fig.layout.xaxis.title.text, list(fig.data[0].x), fig.data[0].text
    ('Unit: 100 million yuan', [3700.0], ('over 3,700 × 100 million yuan',))
    """
    rows = sorted(figures, key=lambda f: f.value)
    texts = [f"{f.subject} · {f.label}" if f.subject else f.label for f in rows]
    # English wraps between words; Chinese has no spaces and wraps anywhere
    labels = ["<br>".join(textwrap.wrap(x, 26)) if lang == "en" else wrap(x, 13) for x in texts]
    notes = [translate("tour.chart.source", lang, sources=cite_marks(figures, lang, "; "))]
    fig = go.Figure(
        go.Bar(
            x=[f.value for f in rows],
            y=labels,
            orientation="h",
            text=[f.display for f in rows],
            textposition="auto",
            marker_color="#1f618d",
            customdata=[[f.id] for f in rows],
            hovertemplate="%{y}<br>%{text}<extra></extra>",
            cliponaxis=False,
        )
    )
    # the unit as the app's other charts word it: 亿元 is "100 million yuan" in English, never converted
    unit = unit_label(rows[0].unit, lang) if rows else ""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 20}},
        xaxis_title=translate("tour.chart.axis", lang, unit=unit),
        yaxis={"automargin": True},
        height=150 + 44 * len(rows),
        margin={"l": 10, "r": 30, "t": 50, "b": 80 + 16 * len(notes)},
        font={"family": FONT, "size": 16},
        showlegend=False,
        plot_bgcolor="white",
        annotations=[
            {
                "text": "<br>".join(notes),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "yshift": -60,
                "yanchor": "top",
                "showarrow": False,
                "xanchor": "left",
                "align": "left",
                "font": {"size": 12, "color": "#5d6d7e"},
            }
        ],
    )
    return fig


# --- Streamlit ----------------------------------------------------------------------------


def go_to(action: str, total: int) -> None:
    """Button callback: move to another stop (runs before the page, so the jump list follows)."""
    new = step(st.session_state.get(K["stop"], 0), total, action)
    st.session_state[K["stop"]] = new
    st.session_state[K["jump"]] = new


def jumped() -> None:
    st.session_state[K["stop"]] = st.session_state[K["jump"]]


def start() -> None:
    # the picker's widget key is dropped while presenting (the widget is not drawn), so keep a copy
    st.session_state[K["showing"]] = st.session_state[K["tour"]]
    st.session_state[K["presenting"]] = True
    st.session_state[K["stop"]] = 0
    st.session_state[K["jump"]] = 0


def leave() -> None:
    st.session_state[K["presenting"]] = False


def render_chrome() -> None:
    """Full-screen styles and the keyboard script (installed once into the app's document)."""
    st.html(MEETING_CSS)
    # Our own constant script (no data in it), run in the app's document: it guards itself,
    # so reruns do not add listeners twice.
    with st.container(key="meeting_hidden_keys"):
        st.html(f"<script>{keys_script()}</script>", unsafe_allow_javascript=True)


def render_map_stop(layers: dict[str, gpd.GeoDataFrame], tour: Tour, i: int, index: PackIndex) -> None:
    stop = tour.stops[i]
    center = to_display_point(*stop.view.center, stop.basemap)
    with st.container(key=MAP_BOX):
        render_map(
            lambda: build_tour_base_map(layers, stop.basemap, lang()),
            build_stop_group(layers, stop, index, stop.basemap, lang()),
            key=f"{K['map']}_{stop.basemap}",
            height=560,
            center=center,
            zoom=stop.view.zoom,
            returned_objects=(),
            cache_key=("tour", cached.data_version(), stop.basemap, lang()),
        )


def shows_indicative(layers: dict[str, gpd.GeoDataFrame], stop: Stop) -> bool:
    """Whether any feature the stop draws is placed from a description rather than surveyed."""
    return any(
        "geometry_quality" in layers[k].columns and (layers[k]["geometry_quality"] == "indicative").any()
        for k in stop.layers
    )


def render_stop_text(
    layers: dict[str, gpd.GeoDataFrame],
    tour: Tour,
    i: int,
    index: PackIndex,
    lang: str,
    figures: list[StopFigure],
) -> None:
    stop = tour.stops[i]
    # data-stop makes each stop's block new to the browser, so its fade-in plays again
    st.markdown(
        f'<div class="meeting-stop-title" data-stop="{i + 1}">{html.escape(stop.title.get(lang))}</div>'
        f'<div class="meeting-caption" data-stop="{i + 1}">{html.escape(stop.caption.get(lang))}</div>',
        unsafe_allow_html=True,
    )
    notes = []
    if stop.highlight:
        names = ("、" if lang == "zh" else ", ").join(feature_name(index, f, lang) for f in stop.highlight)
        notes.append(translate("tour.stop.highlight", lang, names=names))
    if shows_indicative(layers, stop):
        notes.append(translate("tour.stop.indicative", lang))
    if i > 0 and tour.stops[i - 1].basemap != stop.basemap:
        notes.append(translate("tour.stop.basemap_change", lang))
    cards = [f for f in figures if f.id in stop.cards]
    if cards:
        st.markdown(build_stop_cards_html(cards, lang), unsafe_allow_html=True)
    if stop.chart is not None:
        chart_figs = [f for f in figures if f.id in stop.chart.indicators]
        st.plotly_chart(
            build_stop_chart(chart_figs, stop.chart.title.get(lang), lang),
            config={"displayModeBar": False},
            theme=None,  # keep the large projector type; Streamlit's theme would shrink it
            key=f"meeting_chart_{tour.id}_{i}_{lang}",
        )
    if figures:
        notes.append(translate("tour.stop.sources", lang, sources=cite_marks(figures, lang, "  ")))
    st.markdown(
        "".join(f'<div class="meeting-note">{html.escape(n)}</div>' for n in notes), unsafe_allow_html=True
    )
