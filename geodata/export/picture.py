"""Print-quality pictures of a map view: PNG (with its DPI recorded) and a one-page PDF.

Drawn on the server with matplotlib, not in a browser, so it works with no internet and
needs no browser download. To look like the interactive map it draws the same layers with
the same colours and strokes (``geodata.geo.styles``, shared with ``components/map.py``), in
Web Mercator like Leaflet, over the extent the user was looking at. Tiles are fetched with
a short timeout; without them the offline basemap (district outlines and names) is drawn
and the source line says so.

Pure: plain values in, bytes out; no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod, Transformer
from shapely.geometry import box

from geodata.domain.currency import frame_as_of
from geodata.domain.sources import cite_all
from geodata.domain.sources import split_sources as _split_sources
from geodata.export.charts import RESOLUTIONS, SIZES, ChartSpec, draw_bar_chart, page_inches, wrap_mixed
from geodata.export.fonts import rc_params
from geodata.export.labels import Label, place_labels
from geodata.export.limits import megapixels, picture_allowed
from geodata.geo.styles import (
    CITY_OUTLINE,
    CLASS_COLORS,
    DISTRICT_FILL_OPACITY,
    DISTRICT_LABEL,
    DISTRICT_WEIGHT,
    HIGHLIGHT,
    MAP_BACKGROUND,
    NO_DATA_COLOR,
    OFFLINE_FILL,
    POINT_DASH,
    POINT_FILL_OPACITY,
    POLYGON_DASH,
    POLYGON_FILL_OPACITY,
    PROJECT_DASHED_UNITS,
    PROJECT_FILL_OPACITY,
    PROJECT_STROKE,
    STYLES,
    project_radius,
)
from geodata.model.schema import FOCUS_DISTRICTS, WGS84
from geodata.text.i18n import translate

MERCATOR = "EPSG:3857"
POINT_LAYERS = ("areas", "parcels", "projects", "innovation")
_GEOD = Geod(ellps="WGS84")
_TO_WGS = Transformer.from_crs(MERCATOR, WGS84, always_xy=True)
_TO_MERC = Transformer.from_crs(WGS84, MERCATOR, always_xy=True)


@dataclass(frozen=True)
class MapView:
    """The extent the user sees, WGS-84 degrees."""

    south: float
    west: float
    north: float
    east: float

    @classmethod
    def from_folium(cls, out: object) -> MapView | None:
        """The view in streamlit-folium's returned dict (``bounds``), or None when absent or invalid.

        Examples
        --------
        >>> MapView.from_folium({"bounds": {"_southWest": {"lat": 30.0, "lng": 120.0},
        ...                                 "_northEast": {"lat": 30.5, "lng": 120.4}}})
        MapView(south=30.0, west=120.0, north=30.5, east=120.4)
        >>> MapView.from_folium({"bounds": {"_southWest": {"lat": None, "lng": None},
        ...                                 "_northEast": {"lat": None, "lng": None}}}) is None
        True
        """
        try:
            b = out["bounds"]  # type: ignore[index]
            s, w = float(b["_southWest"]["lat"]), float(b["_southWest"]["lng"])
            n, e = float(b["_northEast"]["lat"]), float(b["_northEast"]["lng"])
        except (KeyError, TypeError, ValueError):
            return None
        if not all(map(math.isfinite, (s, w, n, e))) or not (-85 < s < n < 85) or not (-180 <= w < e <= 180):
            return None
        return cls(s, w, n, e)

    @classmethod
    def around(cls, gdf: gpd.GeoDataFrame, pad: float = 0.05) -> MapView:
        """The bounds of ``gdf`` (WGS-84) with a margin of ``pad`` of its size on each side."""
        minx, miny, maxx, maxy = gdf.to_crs(WGS84).total_bounds
        dx, dy = max(maxx - minx, 0.01) * pad, max(maxy - miny, 0.01) * pad
        return cls(miny - dy, minx - dx, maxy + dy, maxx + dx)


@dataclass(frozen=True)
class BasemapChoice:
    """The basemap the user picked: its name, attribution, tiles (url, subdomains, max zoom) and CRS."""

    key: str
    label: str
    attribution: str = ""
    tiles: tuple[tuple[str, str, int], ...] = ()
    crs: str = "WGS84"  # "GCJ02" for Amap


@dataclass(frozen=True)
class MapContent:
    """What the map shows besides the base layers: its kind, a selection, thematic values."""

    kind: str = "overview"  # "overview" | "choropleth" | "projects"
    highlight: gpd.GeoDataFrame | None = field(default=None, compare=False)
    values: dict[str, tuple[float, int | None]] = field(default_factory=dict, compare=False)
    class_labels: tuple[str, ...] = ()
    legend_title: str = ""
    extra_sources: tuple[str, ...] = ()  # seeds of the figures a thematic map is coloured by


@dataclass(frozen=True)
class PictureSpec:
    title: str
    subtitle: str = ""
    size: str = "a4_landscape"
    resolution: str = "screen"
    lang: str = "zh"
    charts: tuple[ChartSpec, ...] = ()
    date: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class Picture:
    png: bytes
    pdf: bytes
    width: int  # pixels
    height: int
    dpi: int
    map_box: tuple[int, int, int, int]  # the map frame in the PNG: left, top, right, bottom (pixels)
    basemap_note: str
    sources: tuple[str, ...]


def fit_aspect(bounds: tuple[float, float, float, float], aspect: float) -> tuple[float, float, float, float]:
    """Grow a Mercator box to ``aspect`` (width / height) around its centre, so the whole view shows.

    >>> fit_aspect((0.0, 0.0, 10.0, 10.0), 2.0)
    (-5.0, 0.0, 15.0, 10.0)
    """
    minx, miny, maxx, maxy = bounds
    w, h = maxx - minx, maxy - miny
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10^n metres not above ``metres`` (a scale bar's length).

    >>> nice_length(7300), nice_length(180), nice_length(2.5)
    (5000.0, 100.0, 2.0)
    """
    exp = 10 ** math.floor(math.log10(metres))
    return float(max(m * exp for m in (1, 2, 5) if m * exp <= metres))


def scale_bar(extent: tuple[float, float, float, float]) -> tuple[float, float, str]:
    """(ground metres, Mercator length, label) of a scale bar about a fifth of the map wide.

    The ground length is measured on the ellipsoid along the map's middle latitude (Mercator
    stretches distance with latitude, so its units are not metres).

    >>> m, units, label = scale_bar((13_350_000.0, 3_520_000.0, 13_400_000.0, 3_560_000.0))
    >>> m, label, round(units)
    (5000.0, '5 km', 5785)
    """
    minx, miny, maxx, maxy = extent
    cy = (miny + maxy) / 2
    (lon0, lon1), (lat0, _) = _TO_WGS.transform([minx, maxx], [cy, cy])
    _, _, ground = _GEOD.inv(lon0, lat0, lon1, lat0)
    metres = nice_length(ground / 5)
    units = metres * (maxx - minx) / ground
    label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    return metres, units, label


def _rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba

    return to_rgba(color, alpha)


def _merc(gdf: gpd.GeoDataFrame, gcj02: bool) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        gdf = gdf.set_crs(WGS84)
    gdf = gdf.to_crs(WGS84)
    if gcj02:
        from geodata.geo.crs import gdf_wgs84_to_gcj02

        gdf = gdf_wgs84_to_gcj02(gdf)
    return gdf.to_crs(MERCATOR)


def _polygons(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]


def _points(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf[gdf.geom_type.isin(["Point", "MultiPoint"])]


def _quality(gdf: gpd.GeoDataFrame) -> pd.Series:
    return gdf["geometry_quality"] if "geometry_quality" in gdf else pd.Series("", index=gdf.index)


def _draw_points(ax, gdf, color, radius_px, k, z, edge=None, alpha=None, dash=None) -> None:
    """Leaflet circle markers: radius in CSS px (1/96 in) becomes points (× ``k`` for paper size)."""
    if not len(gdf):
        return
    quality = _quality(gdf)
    for indicative in (False, True):
        part = gdf[(quality == "indicative") == indicative]
        if not len(part):
            continue
        r = np.broadcast_to(np.asarray(radius_px, dtype=float), (len(gdf),))[
            ((quality == "indicative") == indicative).to_numpy()
        ]
        opacity = alpha if alpha is not None else POINT_FILL_OPACITY["indicative" if indicative else "other"]
        ax.scatter(
            part.geometry.x, part.geometry.y, s=(2 * r * 0.75 * k) ** 2,
            facecolors=[_rgba(color, opacity)], edgecolors=[edge or color], linewidths=1.5 * k,
            linestyles=(0, dash) if dash else ((0, POINT_DASH) if indicative else "solid"), zorder=z,
        )  # fmt: skip


def _draw_polygons(ax, gdf, color, k, z) -> None:
    quality = _quality(gdf)
    for indicative in (False, True):
        part = gdf[(quality == "indicative") == indicative]
        if len(part):
            part.plot(
                ax=ax, facecolor=_rgba(color, POLYGON_FILL_OPACITY), edgecolor=color, linewidth=1.5 * k,
                linestyle=(0, POLYGON_DASH) if indicative else "solid", zorder=z,
            )  # fmt: skip


def source_line(files: list[str], sources: pd.DataFrame | None, lang: str) -> str:
    """The footer's source line: each source by its short title and date, never its file name.

    >>> source_line(["000_749770bcfb4b1cf3.txt"], None, "zh")
    '数据来源：「西湖区发布先进制造业三大“新年礼包”」，2026年2月'
    """
    return translate("export.footer.sources", lang, sources=cite_all(files, lang, sources))


def split_sources(values) -> set[str]:
    """Seed file names in a ``source`` column, where one cell may name several ("a.txt;b.txt").

    >>> sorted(split_sources(["000.txt;004.txt", None, "", "001.txt"]))
    ['000.txt', '001.txt', '004.txt']
    """
    return set(_split_sources(values))


#: The layers each kind of map draws features of (whose seeds the source line names).
DRAWN_LAYERS = {"overview": POINT_LAYERS, "choropleth": (), "projects": ("projects",)}


def _visible_rows(layers: dict[str, gpd.GeoDataFrame], view_box, kind: str = "overview") -> pd.DataFrame:
    """The source (and, for stored parcels, the last change) of every feature drawn in the view."""
    parts = []
    for name in DRAWN_LAYERS.get(kind, POINT_LAYERS):
        gdf = layers.get(name)
        if gdf is None or not len(gdf) or "source" not in gdf:
            continue
        inside = gdf[gdf.to_crs(WGS84).intersects(view_box)]
        cols = [c for c in ("source", "updated_at") if c in inside]
        parts.append(pd.DataFrame(inside[cols]))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"source": []})


def _visible_sources(layers: dict[str, gpd.GeoDataFrame], view_box, kind: str = "overview") -> set[str]:
    return set(split_sources(_visible_rows(layers, view_box, kind)["source"]))


def _legend_handles(content: MapContent, lang: str, layers: dict[str, gpd.GeoDataFrame], k: float):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    def t(key: str) -> str:
        return translate(f"export.legend.{key}", lang)

    def marker(color, dashed=False, alpha=0.7, size=9.0):
        return Line2D(
            [], [], marker="o", linestyle="none", markersize=size * k, markerfacecolor=_rgba(color, alpha),
            markeredgecolor=color, markeredgewidth=1.5 * k,
        )  # fmt: skip

    handles: list[tuple[object, str]] = []
    if content.kind == "choropleth":
        for color, text in zip(CLASS_COLORS, content.class_labels, strict=False):
            handles.append((Patch(facecolor=color, edgecolor="#666"), text))
        handles.append((Patch(facecolor=NO_DATA_COLOR, edgecolor="#666"), t("no_data")))
        return content.legend_title, handles
    focus, other = STYLES["focus"], STYLES["districts"]
    handles.append(
        (Patch(facecolor=_rgba(focus.color, 0.10), edgecolor=focus.color, linewidth=2 * k), t("focus"))
    )
    handles.append(
        (Patch(facecolor=_rgba(other.color, 0.04), edgecolor=other.color, linewidth=k), t("districts"))
    )
    if content.kind == "projects":
        handles.append((marker(STYLES["projects"].color, alpha=PROJECT_FILL_OPACITY, size=12), t("projects")))
        for key in ("project_size", "project_dash", "project_none"):
            handles.append((Patch(visible=False), t(key)))
    else:
        for key in POINT_LAYERS:
            if key in layers and len(layers[key]):
                handles.append((marker(STYLES[key].color), t(key)))
        dashed = Line2D(
            [], [], marker="o", linestyle="none", markersize=9 * k, markerfacecolor="none",
            markeredgecolor="#555", markeredgewidth=1.5 * k,
        )  # fmt: skip
        handles.append((dashed, t("indicative")))
    if content.highlight is not None and len(content.highlight):
        handles.append((Line2D([], [], color=HIGHLIGHT, linewidth=3 * k), t("highlight")))
    return t("title"), handles


def draw_north_arrow(ax, lang: str, k: float) -> None:
    ax.annotate(
        "", xy=(0.035, 0.955), xytext=(0.035, 0.855), xycoords="axes fraction",
        arrowprops={"facecolor": "#222", "edgecolor": "#222", "width": 3 * k, "headwidth": 11 * k,
                    "headlength": 12 * k}, zorder=30,
    )  # fmt: skip
    ax.text(
        0.035, 0.835, translate("export.north", lang), transform=ax.transAxes, ha="center", va="top",
        fontsize=10 * k, fontweight="bold", zorder=30,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
    )  # fmt: skip


def draw_scale_bar(ax, extent, k: float) -> None:
    from matplotlib.patches import Rectangle

    minx, miny, maxx, maxy = extent
    _, units, label = scale_bar(extent)
    x0 = minx + (maxx - minx) * 0.03
    y0 = miny + (maxy - miny) * 0.04
    h = (maxy - miny) * 0.008
    pad_x, pad_y = (maxx - minx) * 0.012, (maxy - miny) * 0.012
    ax.add_patch(
        Rectangle((x0 - pad_x, y0 - pad_y), units + 2 * pad_x, h + (maxy - miny) * 0.05, facecolor="white",
                  edgecolor="none", alpha=0.85, zorder=29)
    )  # fmt: skip
    for i in range(2):
        ax.add_patch(
            Rectangle((x0 + i * units / 2, y0), units / 2, h, facecolor="#222" if i == 0 else "white",
                      edgecolor="#222", linewidth=0.8 * k, zorder=30)
        )  # fmt: skip
    ax.text(x0, y0 + h * 1.8, "0", fontsize=7.5 * k, ha="center", va="bottom", zorder=31)
    ax.text(x0 + units, y0 + h * 1.8, label, fontsize=7.5 * k, ha="center", va="bottom", zorder=31)


def draw_map(
    ax, layers, content: MapContent, extent, lang: str, k: float, mosaic, gcj02: bool
) -> list[Label]:
    """The map into ``ax``: ``mosaic`` is the basemap's tile layers (bottom to top), or None for the offline basemap.

    Returns the district names still to be written (offline basemap only): the caller places
    them with ``geodata.export.labels.place_labels`` after the legend, north arrow and scale
    bar are drawn, so that no name lands on another or on the map's furniture.
    """
    minx, miny, maxx, maxy = extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#555")
        spine.set_linewidth(0.8 * k)
    ax.set_facecolor(OFFLINE_FILL if mosaic is None else MAP_BACKGROUND)
    for layer in mosaic or ():
        ax.imshow(layer.image, extent=layer.extent, zorder=0, interpolation="bilinear")
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
    merc = {name: _merc(gdf, gcj02) for name, gdf in layers.items() if gdf is not None and len(gdf)}
    districts = merc["districts"]
    focus = districts["name_zh"].isin(FOCUS_DISTRICTS)

    if content.kind == "choropleth":
        colors = [
            NO_DATA_COLOR
            if content.values.get(n, (math.nan, None))[1] is None
            else CLASS_COLORS[min(int(content.values[n][1]), len(CLASS_COLORS) - 1)]
            for n in districts["name_zh"]
        ]
        districts.plot(
            ax=ax, color=[_rgba(c, 0.85) for c in colors], edgecolor="#555", linewidth=0.75 * k, zorder=2
        )
    else:
        if "context" in merc:
            city = merc["context"][merc["context"]["adcode"] == "330100"]
            city.boundary.plot(ax=ax, color=CITY_OUTLINE, linewidth=1.5 * k, zorder=3)
        for is_focus in (False, True):
            part = districts[focus == is_focus]
            s = STYLES["focus" if is_focus else "districts"]
            key = "focus" if is_focus else "other"
            part.plot(
                ax=ax, facecolor=_rgba(s.color, DISTRICT_FILL_OPACITY[key]), edgecolor=s.color,
                linewidth=DISTRICT_WEIGHT[key] * 0.75 * k, zorder=2 + is_focus,
            )  # fmt: skip
    pending: list[Label] = []
    if mosaic is None:  # the offline basemap's district names, as on the interactive map
        name_col = "name_en" if lang == "en" and "name_en" in districts else "name_zh"
        for name, pt, is_focus in zip(
            districts[name_col], districts.representative_point(), focus, strict=True
        ):
            # placed with the map's other labels once the furniture is drawn (``place_labels``)
            pending.append(
                Label(pt.x, pt.y, str(name), priority=1.0 if is_focus else 0.0, size=8 * k, bold=True,
                      color=DISTRICT_LABEL, gap=0.0)
            )  # fmt: skip

    if content.kind == "choropleth":
        areas = merc.get("areas")
        if areas is not None:
            areas = _points(
                areas[[content.values.get(n, (None, None))[1] is not None for n in areas["name_zh"]]]
            )
            for _, row in areas.iterrows():
                cls = content.values[row["name_zh"]][1]
                ax.scatter(
                    [row.geometry.x], [row.geometry.y], s=(2 * 9 * 0.75 * k) ** 2, zorder=6,
                    facecolors=[_rgba(CLASS_COLORS[min(int(cls), len(CLASS_COLORS) - 1)], 0.95)],
                    edgecolors=["#222"], linewidths=1.1 * k,
                )  # fmt: skip
    elif content.kind == "projects":
        projects = _points(merc.get("projects", gpd.GeoDataFrame(geometry=[], crs=MERCATOR)))
        if len(projects):
            units = projects["investment_unit"].fillna("")
            radius = pd.Series(6.0, index=projects.index)
            for unit, group in projects.groupby(units):
                top = group["investment_value"].max()
                for idx, v in zip(group.index, group["investment_value"], strict=True):
                    radius[idx] = project_radius(None if pd.isna(v) else float(v), top, bool(unit))
            for unit in sorted(set(units)):
                part = projects[units == unit]
                _draw_points(
                    ax, part, STYLES["projects"].color, radius[part.index].to_numpy(), k, 6,
                    edge=PROJECT_STROKE, alpha=PROJECT_FILL_OPACITY, dash=PROJECT_DASHED_UNITS.get(unit),
                )  # fmt: skip
    else:
        for z, key in enumerate(POINT_LAYERS, start=5):
            gdf = merc.get(key)
            if gdf is None:
                continue
            _draw_polygons(ax, _polygons(gdf), STYLES[key].color, k, z)
            _draw_points(ax, _points(gdf), STYLES[key].color, STYLES[key].radius, k, z)

    if content.highlight is not None and len(content.highlight):
        hl = _merc(content.highlight, gcj02)
        if len(_polygons(hl)):
            _polygons(hl).boundary.plot(ax=ax, color=HIGHLIGHT, linewidth=3.75 * k, zorder=20)
        pts = _points(hl)
        if len(pts):
            ax.scatter(
                pts.geometry.x, pts.geometry.y, s=(2 * 15 * 0.75 * k) ** 2, facecolors="none",
                edgecolors=HIGHLIGHT, linewidths=3.75 * k, zorder=20,
            )  # fmt: skip
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_xlabel("")  # geopandas labels a projected axis "Easting [metre]": not for a report
    ax.set_ylabel("")
    return pending


def _halo(width: float):
    from matplotlib import patheffects

    return patheffects.withStroke(linewidth=width, foreground="white")


def _footer_lines(
    files, sources, lang, basemap_note, gcj02, date, placed: bool, as_of: str = ""
) -> list[str]:
    """The source line: seeds named, boundaries, basemap (and whether it was offline), how
    current the data is, and the date the picture was made.

    ``placed``: the map shows sites, platforms or projects (all placed indicatively), so it says so.
    """
    lines = [source_line(files, sources, lang)] if files else []
    lines.append(translate("export.footer.boundaries", lang))
    extra = [basemap_note]
    if placed:
        extra.append(translate("export.footer.indicative", lang))
    if gcj02:
        extra.append(translate("export.footer.gcj02", lang))
    lines.append(("  " if lang == "en" else "　").join(extra))
    made = translate("export.footer.made", lang, date=date.isoformat())
    lines.append(f"{as_of}  {made}" if lang == "en" and as_of else f"{as_of}　{made}" if as_of else made)
    return lines


def _frames(w_in, h_in, k, margin, header, footer, with_charts):
    """The map frame and the charts' column (landscape) or band (portrait): inches from bottom-left."""
    body = (margin, footer, w_in - 2 * margin, h_in - header - footer - 0.1 * k)
    if with_charts and w_in >= h_in:
        map_rect = (body[0], body[1], body[2] * 0.6, body[3])
        return map_rect, (body[0] + body[2] * 0.6 + 0.45 * k, body[1], body[2] * 0.4 - 0.45 * k, body[3])
    if with_charts:
        map_rect = (body[0], body[1] + body[3] * 0.42, body[2], body[3] * 0.58)
        return map_rect, (body[0], body[1], body[2], body[3] * 0.42 - 0.3 * k)
    return body, None


#: Height one bar needs (inches on A4; times the type scale): up to three lines of label at 6 pt.
BAR_PITCH_IN = 0.3


def chart_slots(rect, charts, stacked: bool, k: float) -> list[tuple[float, float, float, float]]:
    """Where each chart goes: stacked in the landscape column, heights by bar count; side by side on portrait.

    >>> import pandas as pd
    >>> c = [ChartSpec("a", "u", pd.DataFrame({"value": [1, 2]})), ChartSpec("b", "u", pd.DataFrame({"value": [1] * 6}))]
    >>> [tuple(round(v, 2) for v in s) for s in chart_slots((0, 0, 4, 10), c, True, 1.0)]
    [(0, 6.25, 4, 3.75), (0, 0.0, 4, 6.25)]
    >>> [tuple(round(v, 2) for v in s) for s in chart_slots((0, 0, 10, 4), c, False, 1.0)]
    [(0.0, 0, 4.85, 4), (5.15, 0, 4.85, 4)]
    """
    x0, y0, w, h = rect
    n = len(charts)
    if not stacked:
        gap = 0.3 * k
        width = (w - gap * (n - 1)) / n
        return [(x0 + i * (width + gap), y0, width, h) for i in range(n)]
    weights = [len(c.rows) + 4 for c in charts]  # a chart's title, axis and note take about four bars
    out, top = [], y0 + h
    for weight in weights:
        height = h * weight / sum(weights)
        top -= height
        out.append((x0, top, w, height))
    return out


def fit_rows(chart: ChartSpec, capacity: int, lang: str) -> ChartSpec:
    """The chart with as many of its largest bars as fit, saying how many more there are.

    >>> import pandas as pd
    >>> c = ChartSpec("t", "亿元", pd.DataFrame({"value": [9.0, 5.0, 1.0]}), "来源：000。")
    >>> small = fit_rows(c, 2, "zh")
    >>> small.rows["value"].tolist(), small.note
    ([9.0, 5.0], '来源：000。图中只画出最大的 2 条，另有 1 条见网页或单独导出的图表。')
    >>> fit_rows(c, 5, "zh") is c
    True
    """
    capacity = max(capacity, 1)
    if len(chart.rows) <= capacity:
        return chart
    rows = chart.rows.sort_values("value", ascending=False).head(capacity)
    more = translate("export.chart.more_rows", lang, shown=capacity, hidden=len(chart.rows) - capacity)
    return ChartSpec(chart.title, chart.unit, rows, chart.note + (" " if lang == "en" else "") + more)


def render_picture(
    layers: dict[str, gpd.GeoDataFrame],
    view: MapView,
    spec: PictureSpec,
    basemap: BasemapChoice,
    content: MapContent | None = None,
    sources: pd.DataFrame | None = None,
    *,
    fetch_tiles: bool = True,
    tile_timeout: float = 2.0,
) -> Picture:
    """The map view as a PNG and a one-page PDF of the chosen size and resolution.

    ``layers`` are the atlas layers (WGS-84); ``sources`` is ``sources.csv`` (file, title_zh,
    title_en) to name the seeds in the source line.
    """
    if (
        spec.size in SIZES
        and spec.resolution in RESOLUTIONS
        and not picture_allowed(spec.size, spec.resolution)
    ):
        # capped: one request does bounded work, refused before anything is loaded or drawn
        raise ValueError(translate("exportcap.picture_too_large", spec.lang, mp=megapixels()))
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from geodata.export.tiles import fetch_mosaic

    content = content or MapContent()
    if spec.size not in SIZES or spec.resolution not in RESOLUTIONS:
        raise ValueError(f"unknown size or resolution: {spec.size!r}, {spec.resolution!r}")
    lang = spec.lang
    dpi = RESOLUTIONS[spec.resolution]
    w_in, h_in = page_inches(spec.size, dpi)
    k = min(w_in, h_in) / (210 / 25.4)  # type scale: 1 on A4, 1.41 on A3
    margin = 0.35 * k
    header = 0.85 * k
    charts = spec.charts
    visible = _visible_rows(layers, box(view.west, view.south, view.east, view.north), content.kind)
    drawn = set(split_sources(visible["source"]))
    files = set(drawn) | set(content.extra_sources)
    for c in charts:
        files.update(c.sources)
    files_sorted = sorted(files)
    extra = pd.DataFrame({"source": sorted(files - drawn)})
    as_of = frame_as_of(pd.concat([visible, extra], ignore_index=True), lang, sources)
    width_em = (w_in - 2 * margin) * 72 / (7 * k)

    def layout(note: str, gcj02: bool):
        lines = _footer_lines(files_sorted, sources, lang, note, gcj02, spec.date, bool(drawn), as_of)
        wrapped = [seg for line in lines if line for seg in wrap_mixed(line, width_em)]
        footer = margin * 0.5 + len(wrapped) * 7 * k * 1.35 / 72 + 0.2 * k
        map_rect, chart_rect = _frames(w_in, h_in, k, margin, header, footer, bool(charts))
        return wrapped, footer, map_rect, chart_rect

    sw = _TO_MERC.transform(view.west, view.south)
    ne = _TO_MERC.transform(view.east, view.north)
    asked = (sw[0], sw[1], ne[0], ne[1])
    # Whether tiles come decides the source line, whose length decides the map frame: lay out
    # with the "unreachable" line, fetch tiles for that frame with a margin, then lay out again.
    _, _, map_rect, _ = layout(
        translate("export.footer.basemap_unreachable", lang, label=basemap.label), False
    )
    mosaic, gcj02 = None, False
    if basemap.tiles and fetch_tiles:
        rough = fit_aspect(asked, map_rect[2] / map_rect[3])
        pad_x, pad_y = (rough[2] - rough[0]) * 0.15, (rough[3] - rough[1]) * 0.15
        wanted = (rough[0] - pad_x, rough[1] - pad_y, rough[2] + pad_x, rough[3] + pad_y)
        # every tile layer of the basemap, bottom to top (Tianditu: the map, then its labels)
        mosaics = []
        for url, subdomains, max_zoom in basemap.tiles:
            layer = fetch_mosaic(
                url, subdomains, wanted, int(map_rect[2] * dpi), max_zoom=max_zoom, timeout=tile_timeout
            )
            if layer is None:
                break
            mosaics.append(layer)
        mosaic = tuple(mosaics) if len(mosaics) == len(basemap.tiles) else None
        gcj02 = mosaic is not None and basemap.crs == "GCJ02"
    if mosaic is not None:
        basemap_note = translate(
            "export.footer.basemap", lang, label=basemap.label, attribution=basemap.attribution
        )
    elif basemap.tiles:
        basemap_note = translate("export.footer.basemap_unreachable", lang, label=basemap.label)
    else:
        basemap_note = translate("export.footer.basemap_offline", lang)
    wrapped, footer, map_rect, chart_rect = layout(basemap_note, gcj02)
    extent = fit_aspect(asked, map_rect[2] / map_rect[3])

    with plt.rc_context(rc_params()):
        fig = plt.figure(figsize=(w_in, h_in), dpi=dpi, facecolor="white")
        try:

            def rect(r):
                return (r[0] / w_in, r[1] / h_in, r[2] / w_in, r[3] / h_in)

            ax = fig.add_axes(rect(map_rect))
            names = draw_map(ax, layers, content, extent, lang, k, mosaic, gcj02)
            draw_north_arrow(ax, lang, k)
            draw_scale_bar(ax, extent, k)
            title, handles = _legend_handles(content, lang, layers, k)
            leg = ax.legend(
                [h for h, _ in handles], [t for _, t in handles], title=title, loc="lower right",
                fontsize=7.5 * k, title_fontsize=8.5 * k, framealpha=0.92, edgecolor="#999",
                borderpad=0.6, handlelength=1.6, alignment="left",
            )  # fmt: skip
            leg.set_zorder(40)
            # district names are outlined on the map: one that finds no free place is left out
            place_labels(ax, names, zorder=21, halo=2.5 * k, numbers=False)

            fig.text(margin / w_in, 1 - (margin * 0.8) / h_in, spec.title, fontsize=18 * k, fontweight="bold",
                     va="top", ha="left")  # fmt: skip
            if spec.subtitle:
                fig.text(margin / w_in, 1 - (margin * 0.8 + 0.38 * k) / h_in, spec.subtitle, fontsize=10.5 * k,
                         color="#555", va="top", ha="left")  # fmt: skip

            if chart_rect is not None:
                for chart, (x, y, w, h) in zip(
                    charts, chart_slots(chart_rect, charts, w_in >= h_in, k), strict=True
                ):
                    note_h = min(0.6 * k, h * 0.3)
                    label_w = min(1.35 * k, w * 0.42)
                    bar_rect = (
                        x + label_w,
                        y + note_h + 0.4 * k,
                        w - label_w - 0.1 * k,
                        h - note_h - 0.8 * k,
                    )
                    bar_ax = fig.add_axes(rect(bar_rect))
                    note_ax = fig.add_axes(rect((x, y, w, note_h)))
                    fitted = fit_rows(chart, int(bar_rect[3] / (BAR_PITCH_IN * k)), lang)
                    draw_bar_chart(bar_ax, note_ax, fitted, lang, k * 0.8)

            fig.text(margin / w_in, (footer - 0.15 * k) / h_in, "\n".join(wrapped), fontsize=7 * k, color="#444",
                     va="top", ha="left", linespacing=1.35)  # fmt: skip

            png = io.BytesIO()
            fig.savefig(
                png, format="png", dpi=dpi, metadata={"Title": spec.title, "Source": " ".join(wrapped)}
            )
            pdf = io.BytesIO()
            fig.savefig(pdf, format="pdf", dpi=dpi, metadata={"Title": spec.title, "Subject": spec.subtitle})
            fig.canvas.draw()
            bb = ax.get_window_extent()
            height_px = int(h_in * dpi)
            map_box = (round(bb.x0), round(height_px - bb.y1), round(bb.x1), round(height_px - bb.y0))
        finally:
            plt.close(fig)
    return Picture(
        png=png.getvalue(), pdf=pdf.getvalue(), width=int(w_in * dpi), height=int(h_in * dpi), dpi=dpi,
        map_box=map_box, basemap_note=basemap_note, sources=tuple(files_sorted),
    )  # fmt: skip


def view_extent(view: MapView, aspect: float) -> tuple[float, float, float, float]:
    """The Web Mercator extent that shows all of ``view`` in a frame of ``aspect`` (width / height)."""
    sw = _TO_MERC.transform(view.west, view.south)
    ne = _TO_MERC.transform(view.east, view.north)
    return fit_aspect((sw[0], sw[1], ne[0], ne[1]), aspect)
