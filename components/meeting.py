"""Meeting mode: a tour on a projector. ``build_*`` are pure; ``render_*`` draw with Streamlit.

The whole tour goes to the browser once and steps there, so a key press moves the map and
shows the next caption at once, without a round trip to the server:

- the map is one base map (districts, legend, offline fallback) holding every stop's
  feature group (its layers and highlight ring), hidden, filed on the map by stop number
  (``STOP_OPTION``); it never changes within a tour and basemap;
- every stop's title, caption, cards and chart are drawn, each in its own panel; only the
  current one is shown (charts are therefore ready before the presenter reaches them);
- a small script, put once into the app's own document (same origin), keeps the current
  stop: on a key (arrows, Page Up/Down and Home/End as presentation clickers send them) or
  a click on the stop buttons it shows the stop's panel, swaps the map's group and sets its
  view; then it tells the server by clicking the hidden "go to stop k" button, so a reload
  or a language switch keeps the stop. That button sits in the top bar, a fragment
  (``render_controls``): telling the server reruns the bar alone, not the map and panels.
  A change made on the server (the jump list, a reload) is adopted by the page. Escape
  leaves through the server. The script also sizes the map to the viewport.

Without the script (``AppTest``), the buttons step the tour on the server as before.
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
from branca.element import MacroElement
from jinja2 import Template

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
.st-key-meeting_panels { position: relative; }
[class*="st-key-meeting_panel_"] { position: absolute; top: 0; left: 0; right: 0; visibility: hidden;
  pointer-events: none; }
[class*="st-key-meeting_panel_"] * { visibility: hidden !important; }
.meeting-counter span { display: none; }
[data-atlas-off] { opacity: .4; cursor: default; }
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
  const S = window.__atlasStage = {local: null, pending: null, seen: null, tour: null, applied: null, map: null, shown: null};
  function stage() {
    const el = doc.querySelector('.meeting-stage');
    if (!el) return null;
    try { return {el, stops: JSON.parse(el.getAttribute('data-stops')), server: +el.getAttribute('data-stop'),
                  tour: el.getAttribute('data-tour')}; } catch (err) { return null; }
  }
  function target(action, cur, n) {
    if (action === 'next') return Math.min(cur + 1, n - 1);
    if (action === 'prev') return Math.max(cur - 1, 0);
    if (action === 'first') return 0;
    if (action === 'last') return n - 1;
    return cur;
  }
  // the stop's panel, counter and buttons: one style rule, kept in the document head, so the server's
  // redraws (which may lag behind quick presses) never show another stop
  function show(k, n) {
    // only on a change: rewriting a style sheet restyles the whole page
    if (S.shown === k + '/' + n && doc.getElementById('atlas-meeting-current')) return;
    S.shown = k + '/' + n;
    let s = doc.getElementById('atlas-meeting-current');
    if (!s) { s = doc.createElement('style'); s.id = 'atlas-meeting-current'; doc.head.appendChild(s); }
    const p = '.st-key-meeting_panels .st-key-meeting_panel_' + k;
    s.textContent = p + ' { position: static !important; visibility: visible !important; pointer-events: auto !important; } ' +
      p + ' * { visibility: visible !important; } .meeting-counter span[data-i="' + k + '"] { display: inline !important; }';
    markButtons(k, n);
  }
  // the server redraws the stop buttons: their look follows the stop shown here
  function markButtons(k, n) {
    for (const [action, off] of [['prev', k === 0], ['next', k === n - 1]]) {
      const b = doc.querySelector('.st-key-' + BUTTONS[action] + ' button');
      if (b && b.hasAttribute('data-atlas-off') !== off) b.toggleAttribute('data-atlas-off', off);
    }
  }
  function mapWindow() {
    const f = doc.querySelector('.st-key-%(mapbox)s iframe');
    try { return f && f.contentWindow && f.contentWindow.map ? f.contentWindow : null; } catch (err) { return null; }
  }
  // the stops' feature groups, which the map keeps by stop number (see STOP_OPTION)
  function groups(w) {
    return w.map.%(option)s || {};
  }
  function applyMap(st) {
    const w = mapWindow();
    if (!w || S.local === null) return;
    const key = S.local + '@' + S.tour;
    if (S.map === w.map && S.applied === key) return;
    const m = w.map;
    const all = groups(w);
    for (const k of Object.keys(all)) if (+k !== S.local && m.hasLayer(all[k])) m.removeLayer(all[k]);
    const stop = st.stops[S.local];
    const g = all[S.local];
    if (!g) return;  // the map's scripts are not all in yet: try again on the next tick
    if (!m.hasLayer(g)) m.addLayer(g);
    m.setView(stop.center, stop.zoom, {animate: false});
    S.map = m; S.applied = key;
  }
  function step(action) {
    const st = stage();
    if (!st) return false;
    const n = st.stops.length;
    const k = target(action, S.local === null ? st.server : S.local, n);
    if (k === S.local) return true;
    S.local = k;
    show(k, n);
    applyMap(st);
    return true;
  }
  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const action = KEYMAP[e.key];
    if (!action || !stage()) return;  // only while presenting
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    e.stopPropagation();  // in the map: Leaflet would pan on arrow keys
    if (action === 'exit') { const b = doc.querySelector('.st-key-' + BUTTONS.exit + ' button'); if (b) b.click(); return; }
    step(action);
  }
  doc.addEventListener('keydown', onKey, true);
  // a presenter's click on a stop button steps here too (the server hears of it below)
  doc.addEventListener('click', e => {
    if (!e.isTrusted) return;
    for (const action of ['prev', 'next']) {
      const b = doc.querySelector('.st-key-' + BUTTONS[action] + ' button');
      if (b && b.contains(e.target)) {
        e.preventDefault(); e.stopPropagation();
        if (!b.hasAttribute('data-atlas-off')) step(action);
        return;
      }
    }
  }, true);
  // Keep page, map and server in step: adopt a stop the server chose (a reload, the jump
  // list, another tour), and tell the server the stop shown here once it is idle.
  function sync() {
    const st = stage();
    if (!st) { S.local = null; S.pending = null; S.seen = null; S.tour = null; S.applied = null; return; }
    const n = st.stops.length;
    if (S.tour !== st.tour) { S.tour = st.tour; S.local = st.server; S.pending = null; S.applied = null; }
    // the server caught up with the stop sent last: that is not a move of its own
    if (S.pending !== null && st.server === S.pending) { S.pending = null; S.seen = st.server; }
    if (S.pending === null && st.server !== S.seen && st.server !== S.local) S.local = st.server;  // the server moved
    S.seen = st.server;
    show(S.local, n);
    markButtons(S.local, n);
    if (S.applied !== S.local + '@' + S.tour || !S.map) { try { applyMap(st); } catch (err) { S.applied = null; } }
    const app = doc.querySelector('[data-testid="stApp"]');
    const idle = app && app.getAttribute('data-test-script-state') !== 'running';
    // a stop sent but never taken (the run was lost, or the jump list moved the server
    // meanwhile): after a while the server's stop counts again and this page resends its own
    if (S.pending !== null && idle && Date.now() - S.pendingAt > 3000) S.pending = null;
    if (idle && S.local !== st.server && S.pending !== S.local) {
      const b = doc.querySelector('.st-key-meeting_goto_' + S.local + ' button');
      if (b) { S.pending = S.local; S.pendingAt = Date.now(); b.click(); }
    }
  }
  setInterval(sync, 50);
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
    return KEYS_JS % {
        "keymap": json.dumps(KEYMAP),
        "buttons": json.dumps(BUTTON_KEYS),
        "mapbox": MAP_BOX,
        "option": STOP_OPTION,
    }


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


#: The map keeps its stops' feature groups as ``map.atlasStops[i]``: the map's script runs
#: inside a function (``components/map_delivery``), so the page's script finds them there.
STOP_OPTION = "atlasStops"


class _StopMark(MacroElement):
    """Files the group as ``map.atlasStops[i]`` in the browser, right after the group is declared."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{% set g = this._parent.get_name() %}{% set m = this._parent._parent.get_name() %}"
        "({{ m }}." + STOP_OPTION + " = {{ m }}." + STOP_OPTION + " || {})[{{ this.stop }}] = {{ g }};"
        "{% endmacro %}"
    )

    def __init__(self, stop: int) -> None:
        super().__init__()
        self._name = "StopMark"
        self.stop = int(stop)


def build_tour_map(
    layers: dict[str, gpd.GeoDataFrame], tour: Tour, index: PackIndex, basemap: str, lang: str = "zh"
) -> folium.Map:
    """The base map with every stop's group in it, none shown: the page's script shows one."""
    m = build_tour_base_map(layers, basemap, lang)
    for i, stop in enumerate(tour.stops):
        group = build_stop_group(layers, stop, index, basemap, lang)
        group.add_child(_StopMark(i))  # see STOP_OPTION
        group.show = False
        group.control = False
        group.add_to(m)
    return m


def stage_stops(tour: Tour, basemap: str) -> list[dict]:
    """What the page's script needs per stop: its view in display coordinates.

    >>> from types import SimpleNamespace as N
    >>> t = N(stops=[N(view=N(center=(30.25, 120.1), zoom=12))])
    >>> stage_stops(t, "osm")
    [{'center': [30.25, 120.1], 'zoom': 12}]
    """
    return [
        {"center": list(to_display_point(*stop.view.center, basemap)), "zoom": stop.view.zoom}
        for stop in tour.stops
    ]


def stage_html(tour: Tour, i: int, basemap: str) -> str:
    """The hidden element the page's script reads: the tour, the server's stop and every stop's view."""
    stops = html.escape(json.dumps(stage_stops(tour, basemap)), quote=True)
    return (
        f'<div class="meeting-stage" data-tour="{html.escape(tour.id, quote=True)}" data-stop="{i}" '
        f'data-stops="{stops}"></div>'
    )


def counter_html(total: int, lang: str) -> str:
    """The stop counter, one text per stop; the page's script shows the current one.

    >>> counter_html(2, "en").count("<span")
    2
    """
    spans = "".join(
        f'<span data-i="{k}">{html.escape(translate("tour.nav.counter", lang, n=k + 1, total=total))}</span>'
        for k in range(total)
    )
    return f'<div class="meeting-counter" data-testid="meeting-counter">{spans}</div>'


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


def stop_from_link(value: str | None, total: int) -> int:
    """The 0-based stop a link's 1-based ``stop=`` names, within the tour; anything else is the first.

    >>> [stop_from_link(v, 5) for v in ("3", "9", "0", "-2", "x", None, "٣", "1" * 5000)]
    [2, 4, 0, 0, 0, 0, 0, 4]
    """
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()):  # only plain digits: no signs, exponents or other scripts
        return 0
    return min(max(int(text[:6]) - 1, 0), total - 1)


def go_to_stop(k: int) -> None:
    """Hidden-button callback: the page's script tells the server the stop it shows."""
    st.session_state[K["stop"]] = k
    st.session_state[K["jump"]] = k


def current_stop(tour: Tour) -> int:
    """The server's stop, kept within the tour, with the jump list and the URL following it."""
    total = len(tour.stops)
    i = min(max(int(st.session_state.get(K["stop"], 0)), 0), total - 1)
    st.session_state[K["stop"]] = i
    if st.session_state.get(K["jump"]) != i:
        st.session_state[K["jump"]] = i
    if st.query_params.get("tour") != tour.id or st.query_params.get("stop") != str(i + 1):
        st.query_params.update({"tour": tour.id, "stop": str(i + 1)})
    return i


@st.fragment
def render_controls(tour: Tour, lang: str, map_basemap: str) -> None:
    """The top bar (title, counter, stop buttons, jump list, exit), the stage element the page's
    script reads and the hidden go-to buttons it clicks.

    A fragment: the page's script tells the server of a step by clicking a go-to button, which
    reruns only this bar, not the map and the panels the browser already shows. Leaving the
    tour, or a stop on another basemap than the map's (``map_basemap``), reruns the whole page.
    """
    if not st.session_state.get(K["presenting"]):
        st.rerun()
    i = current_stop(tour)
    if tour.stops[i].basemap != map_basemap:
        st.rerun()
    total = len(tour.stops)
    top = st.columns([5.2, 1.1, 1.4, 1.4, 2.6, 1.1], vertical_alignment="center")
    top[0].markdown(f'<div class="meeting-tour">{html.escape(tour.title.get(lang))}</div>', unsafe_allow_html=True)
    top[1].markdown(counter_html(total, lang), unsafe_allow_html=True)
    top[2].button(translate("tour.nav.prev", lang), key=K["prev"], on_click=go_to, args=("prev", total),
                  disabled=i == 0, use_container_width=True)  # fmt: skip
    top[3].button(translate("tour.nav.next", lang), key=K["next"], on_click=go_to, args=("next", total),
                  disabled=i == total - 1, use_container_width=True)  # fmt: skip
    top[4].selectbox(
        translate("tour.nav.jump", lang),
        list(range(total)),
        format_func=lambda k: translate("tour.nav.stop_option", lang, n=k + 1, title=tour.stops[k].title.get(lang)),
        key=K["jump"],
        on_change=jumped,
        label_visibility="collapsed",
    )
    top[5].button(translate("tour.nav.exit", lang), key=K["exit"], on_click=leave, use_container_width=True)
    with st.container(key="meeting_hidden_buttons"):
        st.button(translate("tour.nav.first", lang), key=K["first"], on_click=go_to, args=("first", total))
        st.button(translate("tour.nav.last", lang), key=K["last"], on_click=go_to, args=("last", total))
        st.markdown(stage_html(tour, i, map_basemap), unsafe_allow_html=True)
        for k in range(total):
            st.button(f"{k + 1}", key=f"meeting_goto_{k}", on_click=go_to_stop, args=(k,))


def render_map_stop(layers: dict[str, gpd.GeoDataFrame], tour: Tour, i: int, index: PackIndex) -> None:
    """The tour's map, the same on every stop: the page's script shows stop ``i``'s group and view."""
    basemap = tour.stops[i].basemap
    first = tour.stops[0].view  # the opening view, the same on every rerun, so st_folium never moves the map
    with st.container(key=MAP_BOX):
        render_map(
            lambda: build_tour_map(layers, tour, index, basemap, lang()),
            None,
            key=f"{K['map']}_{basemap}",
            height=560,
            center=to_display_point(*first.center, basemap),
            zoom=first.zoom,
            returned_objects=(),
            cache_key=("tour", tour.id, cached.data_version(), basemap, lang()),
        )


def shows_indicative(layers: dict[str, gpd.GeoDataFrame], stop: Stop) -> bool:
    """Whether any feature the stop draws is placed from a description rather than surveyed."""
    return any(
        "geometry_quality" in layers[k].columns and (layers[k]["geometry_quality"] == "indicative").any()
        for k in stop.layers
    )


def render_stop_panels(
    layers: dict[str, gpd.GeoDataFrame], tour: Tour, index: PackIndex, lang: str, figures_of
) -> None:
    """Every stop's text, cards and chart, each in its own panel (the page's script shows one)."""
    with st.container(key="meeting_panels"):
        for k in range(len(tour.stops)):
            with st.container(key=f"meeting_panel_{k}"):
                render_stop_text(layers, tour, k, index, lang, figures_of(tour.stops[k]))


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
        st.markdown(
            f'<div data-stop="{i + 1}">{build_stop_cards_html(cards, lang)}</div>', unsafe_allow_html=True
        )
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
