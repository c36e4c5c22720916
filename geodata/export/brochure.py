"""Parcel brochures (地块推介单): one A4 page per parcel, several parcels in one PDF.

Each page: a locator map and a close-up map (drawn like the atlas map, from
``geodata.export.picture``), the parcel's key facts (unknown values say so, never invented), the
nearest platforms, institutes, projects and parcels (``geodata.domain.parcels.nearest_features``,
as on the parcel card), the district's support measures (``geodata.domain.parcels.parcel_policies``),
a configurable contact block and a QR code that opens the atlas at the parcel.

Made with matplotlib's ``PdfPages``: the maps are drawn by the same code as the exported
map pictures, with the shipped font embedded, so a brochure needs no second PDF library,
no browser and no network. Pure: no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.domain.contacts import ContactBook, parent_chain
from geodata.domain.contacts import contact_lines as block_lines
from geodata.domain.currency import feature_as_of
from geodata.domain.parcels import ViewState, nearest_features, parcel_policies, state_to_params
from geodata.domain.parcels.labels import parcel_label
from geodata.export.charts import wrap_mixed
from geodata.export.fonts import rc_params
from geodata.export.labels import Label, place_labels, point_box
from geodata.export.limits import MAX_BROCHURE_PARCELS
from geodata.export.picture import (
    MapContent,
    MapView,
    draw_map,
    draw_north_arrow,
    draw_scale_bar,
    source_line,
    split_sources,
    view_extent,
)
from geodata.model.schema import DISTRICTS, M2_PER_MU, METRIC_CRS, WGS84
from geodata.text.i18n import translate

A4_PORTRAIT = (210 / 25.4, 297 / 25.4)
DEFAULT_BASE_URL = "http://localhost:8501"
CLOSEUP_RADIUS_M = 2500
MAX_POLICIES = 7


@dataclass(frozen=True)
class BrochureConfig:
    """Where the QR code points and who to call: from secrets or the environment, never invented."""

    base_url: str = DEFAULT_BASE_URL
    contact: Mapping[str, str] = field(default_factory=dict)
    #: blocks per district or platform (``[contacts."<name>"]``); the most specific one is printed
    by_place: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def contact_for(self, parcel: Mapping, areas: pd.DataFrame | None) -> Mapping[str, str]:
        """The contact block for one parcel: its platform's, else its district's, else the default."""
        parents = dict(zip(areas["name_zh"], areas["parent"], strict=True)) if areas is not None else {}
        own = parent_chain(parcel.get("parent"), parents)
        return ContactBook(self.contact, self.by_place).for_feature(parcel.get("district"), own)[0]

    @classmethod
    def from_settings(
        cls, secrets: Mapping | None = None, environ: Mapping[str, str] | None = None
    ) -> BrochureConfig:
        """Read ``[brochure]`` (``base_url``) and ``[brochure.contact]`` from secrets, then ``ATLAS_*`` variables.

        Examples
        --------
        >>> BrochureConfig.from_settings({}, {}).base_url
        'http://localhost:8501'
        >>> c = BrochureConfig.from_settings({"brochure": {"contact": {"phone": "0571-0000"}}},
        ...                                  {"ATLAS_BASE_URL": "https://atlas.example.org/"})
        >>> c.base_url, dict(c.contact)
        ('https://atlas.example.org', {'phone': '0571-0000'})
        """
        environ = os.environ if environ is None else environ
        section = dict((secrets or {}).get("brochure", {}) or {})
        base = str(environ.get("ATLAS_BASE_URL") or section.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise ValueError(f"brochure base URL must start with http:// or https://, not {base!r}")
        book = ContactBook.from_settings(secrets, environ)
        return cls(base, dict(book.default), dict(book.by_place))


def parcel_url(base_url: str, parcel_id: str, lang: str = "zh") -> str:
    """The atlas link that opens the parcel page with this parcel's card (the page's shareable URL).

    >>> parcel_url("http://localhost:8501", "site-ucas-south", "en")
    'http://localhost:8501/parcels?sel=site-ucas-south&lang=en'
    """
    params = state_to_params(ViewState(selected=parcel_id))
    if lang != "zh":
        params["lang"] = lang
    return f"{base_url.rstrip('/')}/parcels?{urlencode(params)}"


def _present(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v).strip() != ""


def _num(v: float) -> str:
    v = float(v)
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


def key_facts(row: Mapping, lang: str) -> list[tuple[str, str]]:
    """Label/value rows of a parcel's facts; what no source states shows as 待公布 / not yet published.

    Examples
    --------
    >>> facts = dict(key_facts({"district": "西湖区", "area_mu": 15.0, "status": "planned"}, "zh"))
    >>> facts["面积"], facts["状态"], facts["容积率"]
    ('15 亩（10,000 m²）', '计划出让', '待公布')
    >>> dict(key_facts({"plot_ratio_min": 2.0, "plot_ratio_max": 3.5}, "en"))["Plot ratio"]
    '2 – 3.5'
    """

    def t(key: str, **kw) -> str:
        return translate(key, lang, **kw)

    unknown = t("export.fact.unknown")

    def val(col: str, unit: str = "") -> str:
        v = row.get(col)
        if not _present(v):
            return unknown
        return f"{_num(v)}{unit}" if isinstance(v, int | float | np.floating) else str(v)

    mu = row.get("area_mu")
    m2 = row.get("area_m2")
    if _present(mu):
        area = (
            f"{_num(mu)} 亩（{_num(round(float(mu) * M2_PER_MU))} m²）"
            if lang == "zh"
            else f"{_num(mu)} mu ({_num(round(float(mu) * M2_PER_MU))} m²)"
        )
    elif _present(m2):
        area = (
            f"{_num(m2)} m²（{_num(float(m2) / M2_PER_MU)} 亩）"
            if lang == "zh"
            else f"{_num(m2)} m² ({_num(float(m2) / M2_PER_MU)} mu)"
        )
    else:
        area = unknown
    lo, hi = row.get("plot_ratio_min"), row.get("plot_ratio_max")
    ratio = (
        f"{_num(lo)} – {_num(hi)}"
        if _present(lo) and _present(hi)
        else val("plot_ratio_min" if _present(lo) else "plot_ratio_max")
    )
    status = row.get("status")
    wan = " 万元" if lang == "zh" else " × 10,000 yuan"
    per_mu = " 万元/亩" if lang == "zh" else " × 10,000 yuan/mu"
    quality = row.get("geometry_quality")
    return [
        (t("export.fact.parcel_code"), val("parcel_code")),
        (t("export.fact.location"), val("location_zh")),
        (t("export.fact.district"), val("district")),
        (t("export.fact.parent"), val("parent")),
        (t("export.fact.area"), area),
        (t("export.fact.land_use"), val("land_use")),
        (t("export.fact.plot_ratio"), ratio),
        (t("export.fact.building_density"), val("building_density_pct", "%")),
        (t("export.fact.green_ratio"), val("green_ratio_pct", "%")),
        (t("export.fact.height_limit"), val("height_limit_m", " m")),
        (t("export.fact.term"), val("term_years", " 年" if lang == "zh" else " years")),
        (t("export.fact.price_start"), val("price_start_wan", wan)),
        (t("export.fact.deposit"), val("deposit_wan", wan)),
        (t("export.fact.investment_intensity"), val("investment_intensity_wan_per_mu", per_mu)),
        (t("export.fact.tax_per_mu"), val("tax_per_mu_wan", per_mu)),
        (t("export.fact.energy_limit"), val("energy_limit")),
        (t("export.fact.emission_limit"), val("emission_limit")),
        (t("export.fact.supply_quarter"), val("supply_quarter")),
        (
            t("export.fact.status"),
            t(f"export.status.{status}") if status in ("planned", "listed", "sold") else val("status"),
        ),
        (t("export.fact.industry"), val("industry")),
        (
            t("export.fact.geometry"),
            t(f"export.quality.{quality}")
            if quality in ("indicative", "surveyed", "boundary")
            else val("geometry_quality"),
        ),
    ]


def contact_lines(contact: Mapping[str, str], lang: str) -> list[str]:
    """The contact block's lines; none when nothing is configured (the block is then left out).

    A brochure is read by investors: how to configure the atlas is the operator's business and
    is said on the export panel, never printed.

    >>> contact_lines({}, "en")
    []
    >>> contact_lines({"name": "张三", "phone": "0571-0000"}, "zh")
    ['张三', '0571-0000']
    """
    return block_lines(contact)


def known_and_unknown(rows: list[tuple[str, str]], lang: str) -> tuple[list[tuple[str, str]], str]:
    """The facts a source states, and one line naming those not yet published.

    A parcel whose sources give only its name, district and platform reads as information,
    not as a form of 待公布 rows.

    >>> known, line = known_and_unknown([("面积", "待公布"), ("所在区", "西湖区"), ("容积率", "待公布")], "zh")
    >>> known, line
    ([('所在区', '西湖区')], '待公布：面积、容积率')
    >>> known_and_unknown([("District", "Xihu")], "en")
    ([('District', 'Xihu')], '')
    """
    unknown = translate("export.fact.unknown", lang)
    known = [(k, v) for k, v in rows if v != unknown]
    missing = [k for k, v in rows if v == unknown]
    if not missing:
        return known, ""
    fields = translate("publish.list_sep", lang).join(missing)
    return known, translate("publish.unknown_line", lang, fields=fields)


def _closeup_view(geom) -> MapView:
    g = gpd.GeoSeries([geom], crs=WGS84).to_crs(METRIC_CRS).buffer(CLOSEUP_RADIUS_M).to_crs(WGS84)
    minx, miny, maxx, maxy = g.total_bounds
    return MapView(miny, minx, maxy, maxx)


def _qr_matrix(url: str) -> np.ndarray:
    import segno

    qr = segno.make(url, error="m", micro=False)
    return np.array([[bool(c) for c in row] for row in qr.matrix], dtype=bool)


def _draw_qr(ax, url: str) -> None:
    """The QR code as vector squares (crisp at any zoom and in print), with its quiet zone."""
    m = _qr_matrix(url)
    quiet = 4
    n = m.shape[0] + 2 * quiet
    padded = np.zeros((n, n), dtype=bool)
    padded[quiet:-quiet, quiet:-quiet] = m
    ax.pcolormesh(
        np.arange(n + 1), np.arange(n + 1), padded[::-1].astype(float), cmap="Greys", vmin=0, vmax=1,
        edgecolors="none", antialiased=False, snap=True, rasterized=False,
    )  # fmt: skip
    ax.set_xlim(0, n)
    ax.set_ylim(0, n)
    ax.set_aspect("equal")
    ax.axis("off")


class _Flow:
    """Text set top-down in a column of the page, wrapped to the column's width."""

    def __init__(self, fig, x: float, top: float, width: float, h_in: float):
        self.fig, self.x, self.y, self.width, self.h_in = fig, x, top, width, h_in

    def write(self, text: str, size: float, *, bold: bool = False, color: str = "#222", gap: float = 0.04,
              indent: float = 0.0) -> None:  # fmt: skip
        width_em = (self.width - indent) * 72 / size
        lines = wrap_mixed(text, width_em)
        for line in lines:
            self.fig.text((self.x + indent) / self.fig.get_figwidth(), self.y / self.h_in, line, fontsize=size,
                          fontweight="bold" if bold else "normal", color=color, va="top", ha="left")  # fmt: skip
            self.y -= size * 1.4 / 72
        self.y -= gap

    def pairs(self, rows: list[tuple[str, str]], size: float, label_w: float) -> None:
        for label, value in rows:
            top = self.y
            self.fig.text(self.x / self.fig.get_figwidth(), top / self.h_in, label, fontsize=size, color="#666",
                          va="top", ha="left")  # fmt: skip
            self.y = top
            self.write(value, size, indent=label_w, gap=0.015)


def _page(pdf, parcel: pd.Series, layers, policies, sources, config: BrochureConfig, lang: str,
          page: int, pages: int, date: dt.date) -> None:  # fmt: skip
    import matplotlib.pyplot as plt

    def t(key: str, **kw) -> str:
        return translate(key, lang, **kw)

    w, h = A4_PORTRAIT
    m = 0.45
    fig = plt.figure(figsize=(w, h), dpi=96, facecolor="white")
    try:
        # a parcel whose file gave no name is titled by its code, then its id
        name, name_zh = parcel_label(parcel, lang), parcel_label(parcel, "zh")
        fig.text(
            m / w,
            1 - 0.38 / h,
            t("export.brochure.kicker"),
            fontsize=10,
            color="#c0392b",
            fontweight="bold",
            va="top",
        )
        fig.text(m / w, 1 - 0.62 / h, name, fontsize=19, fontweight="bold", va="top")
        sub = " · ".join(str(parcel[c]) for c in ("district", "parent") if _present(parcel.get(c)))
        if bool(parcel.get("synthetic", False)):
            sub = f"{sub} · {t('export.brochure.synthetic')}" if sub else t("export.brochure.synthetic")
        if lang == "en" and name != name_zh:
            sub = f"{name_zh} · {sub}" if sub else name_zh
        fig.text(m / w, 1 - 1.02 / h, sub, fontsize=10, color="#555", va="top")

        near = nearest_features(parcel.geometry, layers, per_layer=2)
        # maps: locator (the city) and close-up (2.5 km around), both with the parcel ringed
        highlight = gpd.GeoDataFrame(geometry=[parcel.geometry], crs=WGS84)
        content = MapContent(highlight=highlight)
        maps_top, maps_h = h - 1.3, 3.35
        gap = 0.2
        key_h = 0.0
        loc_w = (w - 2 * m - gap) * 0.42
        close_w = (w - 2 * m - gap) - loc_w
        # the locator shows where the parcel is in the city: districts and the ring, not every
        # marker (at the city's scale they pile up into one blot over the centre)
        base = {k: v for k, v in layers.items() if k in ("districts", "context")}
        for i, (left, width, view, title) in enumerate(
            (
                (m, loc_w, MapView.around(layers["districts"], 0.02), t("export.brochure.locator")),
                (m + loc_w + gap, close_w, _closeup_view(parcel.geometry),
                 t("export.brochure.closeup", km=f"{CLOSEUP_RADIUS_M / 1000:g}")),
            )
        ):  # fmt: skip
            ax = fig.add_axes((left / w, (maps_top - maps_h) / h, width / w, (maps_h - 0.25) / h))
            extent = view_extent(view, width / (maps_h - 0.25))
            names = draw_map(ax, base if i == 0 else layers, content, extent, lang, 0.75, None, False)
            draw_north_arrow(ax, lang, 0.7)
            draw_scale_bar(ax, extent, 0.75)
            if i == 1:  # the close-up names the parcel and the nearby features listed beside it
                placed = place_labels(ax, feature_labels(parcel, near, layers), zorder=35)
                if placed.numbered:  # labels with no free place are numbered; the key under the map
                    items = "   ".join(f"{n} {name}" for n, name in placed.numbered)
                    fig.text(left / w, (maps_top - maps_h - 0.04) / h, t("publish.map_key", items=items),
                             fontsize=6.5, color="#444", va="top")  # fmt: skip
                    key_h = 0.16
            # district names keep off the parcel's ring: on the locator it is the point of the map
            ring = gpd.GeoSeries([parcel.geometry.representative_point()], crs=WGS84).to_crs("EPSG:3857")[0]
            place_labels(
                ax, names, zorder=21, halo=2.0, numbers=False, avoid=[point_box(ax, ring.x, ring.y, 10)]
            )
            fig.text(left / w, (maps_top - 0.22) / h, title, fontsize=9, fontweight="bold", va="bottom")
            if i == 0:  # the close-up's frame on the locator
                from matplotlib.patches import Rectangle

                ce = view_extent(_closeup_view(parcel.geometry), close_w / (maps_h - 0.25))
                ax.add_patch(Rectangle((ce[0], ce[1]), ce[2] - ce[0], ce[3] - ce[1], fill=False,
                                       edgecolor="#222", linewidth=1.0, zorder=25))  # fmt: skip

        col_top = maps_top - maps_h - 0.2 - key_h
        col_w = (w - 2 * m - 0.3) / 2
        left = _Flow(fig, m, col_top, col_w, h)
        left.write(t("export.brochure.facts"), 11, bold=True, gap=0.06)
        known, missing = known_and_unknown(key_facts(parcel, lang), lang)
        left.pairs(known, 8, 0.95 if lang == "zh" else 1.25)
        if missing:
            left.y -= 0.05
            left.write(missing, 8, color="#555")

        right = _Flow(fig, m + col_w + 0.3, col_top, col_w, h)
        right.write(t("export.brochure.surroundings"), 11, bold=True, gap=0.06)
        if _present(parcel.get("surroundings_zh")):
            right.write(
                t("export.brochure.described", text=str(parcel["surroundings_zh"])), 8, color="#444", gap=0.05
            )
        for n in near:
            right.write(f"{t('export.layer.' + n.layer)}：{n.name_zh}  {n.distance_m / 1000:,.1f} km"
                        if lang == "zh" else f"{t('export.layer.' + n.layer)}: {n.name_zh}  {n.distance_m / 1000:,.1f} km",
                        8, gap=0.01)  # fmt: skip
        right.y -= 0.12
        district = str(parcel.get("district") or "")
        district_shown = dict(DISTRICTS.values()).get(district, district) if lang == "en" else district
        matches = parcel_policies(policies, district, None) if policies is not None else []
        right.write(t("export.brochure.policies", district=district_shown), 11, bold=True, gap=0.06)
        if not matches:
            right.write(t("export.brochure.no_policies", district=district_shown), 8, color="#444")
        for match in matches[:MAX_POLICIES]:
            detail = "；".join(x for x in (match.cap_text, match.rate_text) if x)
            right.write(f"• {match.measure}" + (f"（{detail}）" if detail else ""), 8, gap=0.02)
        if len(matches) > MAX_POLICIES:
            right.write(
                t("export.brochure.more_policies", count=len(matches) - MAX_POLICIES), 8, color="#666"
            )

        # contact block and QR code
        url = parcel_url(config.base_url, str(parcel["id"]), lang)
        qr_size = 1.25
        qr_bottom = 0.95
        qr_ax = fig.add_axes(((w - m - qr_size) / w, qr_bottom / h, qr_size / w, qr_size / h))
        _draw_qr(qr_ax, url)
        fig.text((w - m - qr_size / 2) / w, (qr_bottom - 0.02) / h, t("export.brochure.qr"), fontsize=7, ha="center",
                 va="top", color="#444")  # fmt: skip
        contact = _Flow(fig, m, qr_bottom + qr_size, w - 2 * m - qr_size - 0.3, h)
        lines = contact_lines(config.contact_for(parcel, layers.get("areas")), lang)
        if lines:  # without a configured contact the section is left out, not explained
            contact.write(t("export.brochure.contact"), 11, bold=True, gap=0.05)
            for line in lines:
                contact.write(line, 8.5, gap=0.01)
        contact.write(url, 7.5, color="#1f618d")

        files = sorted(split_sources([parcel.get("source")]) | {mt.source for mt in matches[:MAX_POLICIES]})
        # how current this page is: the parcel's own record (its sources, or its import/edit date)
        as_of = feature_as_of(parcel.to_dict() if hasattr(parcel, "to_dict") else dict(parcel), lang, sources)
        foot = [source_line(files, sources, lang) if files else "", t("export.footer.boundaries"), t("export.brochure.basemap"),
                as_of + "　" + t("export.footer.indicative") + " " + t("export.footer.made", date=date.isoformat())]  # fmt: skip
        flow = _Flow(fig, m, 0.72, w - 2 * m - 0.9, h)
        for line in foot:
            if line:
                flow.write(line, 6.5, color="#666", gap=0.0)
        fig.text((w - m) / w, 0.3 / h, t("export.brochure.page", page=page, pages=pages), fontsize=7, ha="right",
                 color="#666")  # fmt: skip
        pdf.savefig(fig)
    finally:
        plt.close(fig)


def feature_labels(parcel, near, layers) -> list[Label]:
    """Labels for the close-up: the parcel (first, bold), then the nearby features, nearest first.

    Points are Web Mercator, as the close-up is drawn; a parcel without a name is labelled by
    its code, then its id.
    """
    items = [(parcel.geometry, parcel_label(parcel, "zh"), True, 0.0)]
    for n in near:
        layer = layers.get(n.layer)
        hit = layer[layer["id"] == n.id] if layer is not None and "id" in layer else None
        if hit is not None and len(hit):
            items.append((hit.geometry.iloc[0], n.name_zh, False, float(n.distance_m)))
    pts = gpd.GeoSeries([g.representative_point() for g, *_ in items], crs=WGS84).to_crs("EPSG:3857")
    out = []
    for pt, (geom, name, own, dist) in zip(pts, items, strict=True):
        # beside a marker (the parcel's ring, 15 px × 0.75, is wider than a feature's, 7 px × 0.75);
        # an outlined area (a science city) is named inside its outline (gap 0)
        area = geom.geom_type in ("Polygon", "MultiPolygon") and not own
        gap = 0.0 if area else 9.0 if own else 4.5
        out.append(Label(pt.x, pt.y, name, priority=1e9 if own else -dist, size=7 if own else 5.8, bold=own,
                         gap=gap))  # fmt: skip
    return out


def build_brochure(
    parcels: gpd.GeoDataFrame,
    layers: dict[str, gpd.GeoDataFrame],
    policies: pd.DataFrame | None,
    sources: pd.DataFrame | None,
    config: BrochureConfig,
    lang: str = "zh",
    *,
    date: dt.date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """One PDF with one A4 page per parcel (in the given order); ``on_progress(done, total)`` after each page."""
    if (
        len(parcels) > MAX_BROCHURE_PARCELS
    ):  # capped: one request, bounded work, refused before anything is loaded
        raise ValueError(translate("exportcap.brochure_too_many", lang, max=MAX_BROCHURE_PARCELS))
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_pdf import PdfPages

    if len(parcels) == 0:
        raise ValueError(translate("export.brochure.none", lang))
    date = date or dt.date.today()
    buf = io.BytesIO()
    total = len(parcels)
    meta = {"Title": translate("export.brochure.kicker", lang), "Creator": "hangzhou-land-atlas"}
    with matplotlib.rc_context(rc_params()), PdfPages(buf, metadata=meta) as pdf:
        for i, (_, parcel) in enumerate(parcels.to_crs(WGS84).iterrows(), start=1):
            _page(pdf, parcel, layers, policies, sources, config, lang, i, total, date)
            if on_progress is not None:
                on_progress(i, total)
    return buf.getvalue()
