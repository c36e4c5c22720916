"""The export panel of every map page, and the brochure panel of the parcel page.

Thin: reads the widgets, asks ``geodata.export.picture`` / ``geodata.export.charts`` /
``geodata.export.brochure`` for bytes, offers them with ``st.download_button``. What the map
showed (its extent) comes from the page's ``render_map`` result (``bounds`` in
``returned_objects``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd
import streamlit as st

from components.basemaps import basemaps, tianditu_key
from components.i18n import lang, t
from geodata.export.brochure import BrochureConfig, build_brochure
from geodata.export.charts import RESOLUTIONS, SIZES, ChartSpec, render_chart
from geodata.export.limits import MAX_BROCHURE_PARCELS, megapixels, picture_allowed
from geodata.export.picture import BasemapChoice, MapContent, MapView, PictureSpec, render_picture
from geodata.export.queue import EXPORTS, QueueFull

#: How long the server waits for a tile before drawing the offline basemap (seconds).
TILE_TIMEOUT = 2.0


def basemap_choice(key: str) -> BasemapChoice:
    """The sidebar's basemap as plain values for the renderer."""
    bm = basemaps(tianditu_key())[key]
    return BasemapChoice(
        key=bm.key,
        label=bm.label_zh,
        attribution=bm.attribution,
        tiles=tuple((s.url, s.subdomains if "{s}" in s.url else "", s.max_zoom) for s in bm.tiles),
        crs=bm.crs,
    )


def queued(job):  # type: ignore[no-untyped-def]
    """Run a heavy export through the process-wide queue, showing the place in line while it waits.

    Returns the job's result, or None (with a message) when the queue is full.
    """
    waiting = st.empty()
    try:
        return EXPORTS.run(job, on_wait=lambda ahead: waiting.info(t("exportcap.waiting", ahead=ahead)))
    except QueueFull:
        st.warning(t("exportcap.busy"))
        return None
    finally:
        waiting.empty()


def _key(page: str, name: str) -> str:
    return f"export_{page}_{name}"


def _safe_name(text: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_" else "_" for c in text)
    return keep.strip("_")[:60] or "atlas"


def render_export_panel(
    page: str,
    map_key: str,
    layers: dict[str, gpd.GeoDataFrame],
    sources: pd.DataFrame,
    basemap: str,
    title: str,
    subtitle: str,
    default_view: MapView,
    content: MapContent | None = None,
    charts: Sequence[ChartSpec] = (),
) -> None:
    """An expander with the picture export (PNG + one-page PDF) and the charts alone (PNG + SVG)."""
    with st.expander(t("export.panel.title"), icon=":material/download:"):
        st.caption(t("export.panel.help"))
        st.caption(t("exportcap.picture_caps", mp=megapixels()))
        if not tianditu_key():  # setup advice for whoever exports, never on the public sidebar
            st.caption(t("common.basemap.tianditu_key"))
        c1, c2 = st.columns(2)
        # keyed by the default text, so a new selection on the page brings its own title back
        title_key, subtitle_key = _key(page, f"title_{title}"), _key(page, f"subtitle_{subtitle}")
        c1.text_input(t("export.panel.title_input"), value=title, key=title_key, max_chars=120)
        c2.text_input(t("export.panel.subtitle_input"), value=subtitle, key=subtitle_key, max_chars=200)
        # option labels are looked up during the run: a format_func that reads the session's language
        # later, outside the run (AppTest re-serialises widgets so), would answer in the default language
        c1.selectbox(
            t("export.panel.size"),
            list(SIZES),
            format_func={s: t(f"export.size.{s}") for s in SIZES}.get,
            key=_key(page, "size"),
        )
        c2.selectbox(
            t("export.panel.resolution"),
            list(RESOLUTIONS),
            format_func={r: t(f"export.resolution.{r}") for r in RESOLUTIONS}.get,
            key=_key(page, "resolution"),
        )
        titles = [c.title for c in charts]
        picked: list[str] = []
        if charts:
            picked = st.multiselect(
                t("export.panel.charts"),
                titles,
                default=titles[:2],
                key=_key(page, "charts"),
                max_selections=3,
            )
        if st.button(t("export.panel.make"), key=_key(page, "make"), type="primary"):
            # the bounds the browser last reported (streamlit-folium keeps them under the map's key);
            # before the first pan or zoom nothing was reported and the map shows its opening view
            view = MapView.from_folium(st.session_state.get(map_key)) or default_view
            spec = PictureSpec(
                title=st.session_state[title_key].strip() or title,
                subtitle=st.session_state[subtitle_key].strip(),
                size=st.session_state[_key(page, "size")],
                resolution=st.session_state[_key(page, "resolution")],
                lang=lang(),
                charts=tuple(c for c in charts if c.title in picked),
            )
            started = time.perf_counter()
            picture = None
            if not picture_allowed(spec.size, spec.resolution):  # refused before any work
                st.warning(t("exportcap.picture_too_large", mp=megapixels()))
            else:
                try:
                    with st.spinner(t("export.panel.making")):
                        picture = queued(
                            lambda: render_picture(
                                layers,
                                view,
                                spec,
                                basemap_choice(basemap),
                                content,
                                sources,
                                tile_timeout=TILE_TIMEOUT,
                            ),
                        )
                except (ValueError, OSError) as exc:
                    st.error(t("export.panel.error", reason=str(exc)))
            if picture is not None:
                st.session_state[_key(page, "result")] = (picture, time.perf_counter() - started, spec.title)
        result = st.session_state.get(_key(page, "result"))
        if result is not None:
            picture, seconds, made_title = result
            st.caption(
                t(
                    "export.panel.made",
                    seconds=seconds,
                    width=picture.width,
                    height=picture.height,
                    dpi=picture.dpi,
                )
                + " "
                + picture.basemap_note
            )
            d1, d2 = st.columns(2)
            name = _safe_name(made_title)
            d1.download_button(
                t("export.panel.download_png"), picture.png, f"{name}.png", "image/png", key=_key(page, "png")
            )
            d2.download_button(
                t("export.panel.download_pdf"),
                picture.pdf,
                f"{name}.pdf",
                "application/pdf",
                key=_key(page, "pdf"),
            )
        if charts:
            _chart_alone(page, charts)


def _chart_alone(page: str, charts: Sequence[ChartSpec]) -> None:
    st.markdown(f"**{t('export.panel.chart_title')}**")
    idx = st.selectbox(
        t("export.panel.chart_pick"),
        range(len(charts)),
        format_func=lambda i: charts[i].title,
        key=_key(page, "chart_pick"),
    )
    chart = charts[idx]
    size = st.session_state[_key(page, "size")]
    res = st.session_state[_key(page, "resolution")]
    d1, d2 = st.columns(2)
    stem = _safe_name(chart.title)
    # drawn when asked; a chart page is as many pixels as a map picture, so the same cap and queue
    if d1.button(t("export.panel.make_chart"), key=_key(page, "chart_make")):
        if not picture_allowed(size, res):
            st.warning(t("exportcap.picture_too_large", mp=megapixels()))
        else:
            code = lang()
            files = queued(
                lambda: (
                    render_chart(chart, size, res, "png", code),
                    render_chart(chart, size, res, "svg", code),
                )
            )
            if files is not None:
                st.session_state[_key(page, "chart_files")] = (chart.title, *files)
    made = st.session_state.get(_key(page, "chart_files"))
    if made is not None and made[0] == chart.title:
        d1.download_button(
            t("export.panel.download_chart_png"),
            made[1],
            f"{stem}.png",
            "image/png",
            key=_key(page, "chart_png"),
        )
        d2.download_button(
            t("export.panel.download_chart_svg"),
            made[2],
            f"{stem}.svg",
            "image/svg+xml",
            key=_key(page, "chart_svg"),
        )


def brochure_config() -> BrochureConfig:
    """Base URL and contact from ``.streamlit/secrets.toml`` and the environment."""
    try:
        secrets = {"brochure": st.secrets.get("brochure", {}), "contacts": st.secrets.get("contacts", {})}
    except Exception:  # no secrets file: the environment alone, or the defaults
        secrets = {}
    return BrochureConfig.from_settings(secrets)


def render_brochure_panel(
    parcels: gpd.GeoDataFrame,
    layers: dict[str, gpd.GeoDataFrame],
    policies: pd.DataFrame,
    sources: pd.DataFrame,
    preselected: Sequence[str] = (),
    choices: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> None:
    """Pick parcels, make one PDF with a page each (progress bar while it is made), download it.

    ``choices`` (default: every parcel) are the ids offered and ``names`` their display names
    in the session language; with many parcels the page passes a capped list, as for the
    compare picker, so a 100,000-option list is not sent with every rerun.
    """
    if names is None:
        names = dict(zip(parcels["id"], parcels["name_en" if lang() == "en" else "name_zh"], strict=True))
    offered = list(names) if choices is None else list(choices)
    with st.expander(t("export.brochure.button"), icon=":material/picture_as_pdf:"):
        st.caption(t("exportcap.brochure_caps", max=MAX_BROCHURE_PARCELS))
        if not brochure_config().contact:
            # the brochure leaves an unconfigured contact out; how to configure it is said here, to
            # whoever makes brochures, never printed for an investor
            st.caption(t("publish.contact_hint"))
        picked = st.multiselect(
            t("export.brochure.pick"),
            offered,
            default=[p for p in preselected if p in set(offered)],
            format_func=lambda p: names.get(p) or str(p),
            key="export_brochure_pick",
            max_selections=MAX_BROCHURE_PARCELS,  # enforced again by build_brochure
        )
        if st.button(t("export.brochure.button"), key="export_brochure_make", type="primary"):
            if not picked:
                st.warning(t("export.brochure.none"))
            elif len(picked) > MAX_BROCHURE_PARCELS:
                st.warning(t("exportcap.brochure_too_many", max=MAX_BROCHURE_PARCELS))
            else:
                bar = st.progress(0.0, text=t("export.brochure.making", done=0, total=len(picked)))
                started = time.perf_counter()
                try:
                    pdf = queued(
                        lambda: build_brochure(
                            parcels.set_index("id").loc[picked].reset_index(),
                            layers,
                            policies,
                            sources,
                            brochure_config(),
                            lang(),
                            on_progress=lambda done, total: bar.progress(
                                done / total, text=t("export.brochure.making", done=done, total=total)
                            ),
                        ),
                    )
                except (ValueError, OSError) as exc:
                    st.error(t("export.panel.error", reason=str(exc)))
                    pdf = None
                if pdf is not None:
                    st.session_state["export_brochure_pdf"] = (
                        pdf,
                        len(picked),
                        time.perf_counter() - started,
                    )
        made = st.session_state.get("export_brochure_pdf")
        if made is not None:
            st.caption(t("export.brochure.made", pages=made[1], seconds=made[2]))
            st.download_button(
                t("export.brochure.download"),
                made[0],
                "parcel_brochure.pdf",
                "application/pdf",
                key="export_brochure_download",
            )


# ---- one call per map page: what that page's map shows, as the renderer's plain values


def _focus_view(layers: dict[str, gpd.GeoDataFrame]) -> MapView:
    """The view every atlas map opens on (the three focus districts), used when the map sent no bounds."""
    from geodata.model.schema import FOCUS_DISTRICTS

    d = layers["districts"]
    return MapView.around(d[d["name_zh"].isin(FOCUS_DISTRICTS)], 0.02)


def display_name(name: str, layers: dict[str, gpd.GeoDataFrame]) -> str:
    """An area's name in the session's language (the English name where the pack has one)."""
    if lang() != "en":
        return name
    for layer in ("districts", "areas"):
        gdf = layers.get(layer)
        if gdf is not None and "name_en" in gdf:
            hit = gdf.loc[gdf["name_zh"] == name, "name_en"].dropna()
            if len(hit) and str(hit.iloc[0]).strip():
                return str(hit.iloc[0])
    return name


def _common(layers):
    from components import cached, state

    return cached.table("sources"), st.session_state[state.BASEMAP], _focus_view(layers)


def export_overview(map_key: str, layers, highlight: gpd.GeoDataFrame, district: str) -> None:
    from components import cached

    sources, basemap, view = _common(layers)
    shown = display_name(district, layers)
    render_export_panel(
        "overview", map_key, layers, sources, basemap,
        t("export.map.title.overview"), f"{shown} · {t('export.map.subtitle.default')}", view,
        MapContent(highlight=highlight), cached.area_charts(district, lang(), display=shown),
    )  # fmt: skip


def export_areas(map_key: str, layers, highlight: gpd.GeoDataFrame, area: str) -> None:
    from components import cached

    sources, basemap, view = _common(layers)
    shown = display_name(area, layers)
    render_export_panel(
        "areas", map_key, layers, sources, basemap,
        t("export.map.title.areas", area=shown), t("export.map.subtitle.default"), view,
        MapContent(highlight=highlight), cached.area_charts(area, lang(), display=shown),
    )  # fmt: skip


def export_parcels(map_key: str, layers, shown: gpd.GeoDataFrame, selected: str | None) -> None:
    sources, basemap, view = _common(layers)
    total = len(layers["parcels"])
    render_export_panel(
        "parcels", map_key, {**layers, "parcels": shown}, sources, basemap,
        t("export.map.title.parcels"), t("export.map.subtitle.parcels", shown=len(shown), total=total), view,
        MapContent(highlight=shown[shown["id"] == selected] if selected else None),
    )  # fmt: skip


def export_choropleth(
    map_key: str,
    layers,
    values: dict,
    labels: list[str],
    legend_title: str,
    indicator: str,
    known: pd.DataFrame,
    unit: str,
) -> None:
    from geodata.domain.figures import format_value
    from geodata.export.charts import chart_note
    from geodata.export.picture import split_sources
    from geodata.text.formats import unit_label

    sources, basemap, view = _common(layers)
    files = tuple(sorted(split_sources(known["source"])))
    rows = known.sort_values("value", ascending=False).assign(
        label=[display_name(a, layers) for a in known.sort_values("value", ascending=False)["area"]],
        text=[
            format_value(v, u, q, lang())
            for v, u, q in known.sort_values("value", ascending=False)[
                ["value", "unit", "qualifier"]
            ].itertuples(index=False)
        ],
        kind="actual",
    )
    charts = (
        [ChartSpec(t("export.chart.title_choropleth", indicator=indicator, unit=unit_label(unit, lang())), unit, rows,
                   chart_note(list(files), lang(), False))]
        if len(rows) and unit
        else []
    )  # fmt: skip
    render_export_panel(
        "choropleth", map_key, layers, sources, basemap,
        t("export.map.title.choropleth", indicator=indicator), t("export.map.subtitle.default"), view,
        MapContent(kind="choropleth", values=values, class_labels=tuple(labels), legend_title=legend_title,
                   extra_sources=files),
        charts,
    )  # fmt: skip


def export_projects(map_key: str, layers) -> None:
    sources, basemap, view = _common(layers)
    render_export_panel(
        "projects", map_key, layers, sources, basemap,
        t("export.map.title.projects"), t("export.map.subtitle.default"), view, MapContent(kind="projects"),
    )  # fmt: skip
