"""Parcel explorer logic: filter, search, measure, match policies, and the shareable view state.

Pure functions over the ``parcels`` layer (columns: ``schema.PARCEL_COLUMNS``) and the other
layers of the pack; no Streamlit. Unknown stays unknown: a parcel whose area, quarter or
industry is not published is never given one here, and the filters say explicitly how such
parcels are treated (``include_unknown_area``, the ``待公布`` quarter).

Distances are straight-line (geodesic on the WGS-84 ellipsoid) in metres; for polygons the
distance to the polygon's edge, 0 inside it.

Examples
--------
>>> mu_to_m2(15)
10000.0
>>> normalise_text(" 西湖區 雲棲 ")
'西湖区云栖'
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from geodata.i18n import translate
from geodata.policies import Match, Profile, find_measures
from geodata.schema import M2_PER_MU, METRIC_CRS, NOT_PUBLISHED_ZH, WGS84

__all__ = [
    "NEARBY_LAYERS",
    "PARAM_KEYS",
    "SEARCH_COLUMNS",
    "Nearby",
    "ParcelQuery",
    "ViewState",
    "filter_options",
    "filter_parcels",
    "landmarks",
    "m2_to_mu",
    "mu_to_ha",
    "mu_to_m2",
    "nearest_features",
    "normalise_text",
    "parcel_policies",
    "search_mask",
    "state_from_params",
    "state_to_params",
    "within_radius",
]

# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------

M2_PER_HA: Final = 10_000.0


def mu_to_m2(mu: float) -> float:
    """亩 to square metres (1 亩 = 10000/15 m², exactly).

    Examples
    --------
    >>> mu_to_m2(15)
    10000.0
    >>> round(mu_to_m2(1018))
    678667
    """
    return float(mu) * M2_PER_MU


def m2_to_mu(m2: float) -> float:
    """Square metres to 亩.

    Examples
    --------
    >>> m2_to_mu(10000)
    15.0
    """
    return float(m2) / M2_PER_MU


def mu_to_ha(mu: float) -> float:
    """亩 to hectares (15 亩 = 1 公顷).

    Examples
    --------
    >>> mu_to_ha(15)
    1.0
    """
    return mu_to_m2(mu) / M2_PER_HA


# --------------------------------------------------------------------------------------------
# Text search
# --------------------------------------------------------------------------------------------

#: Columns the free-text search looks in.
SEARCH_COLUMNS: Final = (
    "name_zh",
    "name_en",
    "description_zh",
    "surroundings_zh",
    "location_zh",
    "district",
    "parent",
    "industry",
    "land_use",
)

# Whitespace, plus invisible format characters that arrive with pasted text (soft hyphen,
# zero-width space/joiners, bidi marks, BOM): neither can be part of what a user means to find.
_INVISIBLE = re.compile(r"[\s\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+")
# Joins many values into one string for a single converter call; a private-use character
# survives NFKC, OpenCC and casefold unchanged and never occurs in a parcel's text.
_SEP: Final = "\ue000"
_converters = threading.local()  # one OpenCC converter per thread: Streamlit serves sessions in threads


def _t2s(text: str) -> str:
    conv = getattr(_converters, "t2s", None)
    if conv is None:
        import opencc  # the official OpenCC (BYVoid/OpenCC) binding, dictionaries bundled: works offline

        conv = _converters.t2s = opencc.OpenCC("t2s")
    return conv.convert(text)


def normalise_text(text: str) -> str:
    """Text as the search compares it: simplified characters, NFKC, casefolded, no whitespace.

    Traditional characters are converted with OpenCC's ``t2s`` (phrase-aware), NFKC folds
    full-width Latin and digits, ``casefold`` makes English case-insensitive, and every
    whitespace or invisible format character is removed (Chinese text carries no spaces).

    Parameters
    ----------
    text : str
        Any text; ``None`` counts as empty.

    Returns
    -------
    str

    Examples
    --------
    >>> normalise_text("四號浦路")
    '四号浦路'
    >>> normalise_text("Ｓｉｔｅ  South of UCAS")
    'sitesouthofucas'
    >>> normalise_text("國科大\\u200b南側")
    '国科大南侧'
    """
    if not text:
        return ""
    out = _t2s(unicodedata.normalize("NFKC", str(text))).casefold()
    return _INVISIBLE.sub("", out)


def _normalise_many(values: list[str]) -> list[str]:
    """:func:`normalise_text` of many values in one converter call (same result, much faster)."""
    if not values:
        return []
    joined = _SEP.join(values)
    if joined.count(_SEP) == len(values) - 1:
        out = _normalise_joined(joined).split(_SEP)
        if len(out) == len(values):
            return out
    return [normalise_text(v) for v in values]  # a value held the separator itself


def _normalise_joined(joined: str) -> str:
    return _INVISIBLE.sub("", _t2s(unicodedata.normalize("NFKC", joined)).casefold())


def _column(parcels: pd.DataFrame, name: str) -> pd.Series:
    """A column's values as stripped ``str``, ``None`` where missing or blank (or no such column)."""
    if name not in parcels.columns:
        return pd.Series([None] * len(parcels), index=parcels.index, dtype=object)
    col = parcels[name]
    out = np.full(len(col), None, dtype=object)
    present = col.notna().to_numpy()
    if present.any():
        text = col[present].astype(str).str.strip().to_numpy(dtype=object)
        text[text == ""] = None
        out[present] = text
    return pd.Series(out, index=parcels.index, dtype=object)


def _missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):  # list-like values: present
        return False


def search_mask(parcels: gpd.GeoDataFrame, text: str) -> pd.Series:
    """Which parcels mention ``text`` in any of :data:`SEARCH_COLUMNS` (after :func:`normalise_text`).

    Traditional and simplified characters find each other; English is case-insensitive;
    the text is matched literally (no patterns). Empty text matches every parcel.

    Parameters
    ----------
    parcels : geopandas.GeoDataFrame
    text : str

    Returns
    -------
    pandas.Series of bool
        Indexed like ``parcels``.

    Examples
    --------
    >>> df = pd.DataFrame({"name_zh": ["国科大南侧地块", "荆长路东侧地块"], "parent": ["云栖小镇", None]})
    >>> search_mask(df, "雲棲").tolist()
    [True, False]
    >>> search_mask(df, "").tolist()
    [True, True]
    """
    needle = normalise_text(text)
    if not needle:
        return pd.Series(True, index=parcels.index, dtype=bool)
    mask = np.zeros(len(parcels), dtype=bool)
    for name in SEARCH_COLUMNS:
        values = _column(parcels, name)
        present = values.notna().to_numpy()
        if not present.any():
            continue
        uniques = list(dict.fromkeys(values[present]))
        hits = {v for v, norm in zip(uniques, _normalise_many(uniques), strict=True) if needle in norm}
        if hits:
            mask |= values.isin(hits).to_numpy() & present
    return pd.Series(mask, index=parcels.index, dtype=bool)


# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParcelQuery:
    """What the investor asked for. An empty tuple (or ``None`` bound) means "no constraint".

    ``quarters`` may hold :data:`geodata.schema.NOT_PUBLISHED_ZH` (``待公布``) to select the
    parcels whose supply quarter is not published. ``include_unknown_area`` decides whether a
    parcel with no published area passes an area range; without a range it always passes.
    """

    districts: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()  # matches the `parent` column
    land_uses: tuple[str, ...] = ()
    area_mu_min: float | None = None
    area_mu_max: float | None = None
    include_unknown_area: bool = True
    quarters: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    text: str = ""


def _area_mu(parcels: pd.DataFrame) -> pd.Series:
    """Each parcel's area in 亩: ``area_mu`` where given, else ``area_m2`` converted; NaN if neither."""

    def num(name: str) -> pd.Series:
        if name not in parcels.columns:
            return pd.Series(np.nan, index=parcels.index, dtype=float)
        s = pd.to_numeric(parcels[name], errors="coerce").astype(float)
        return s.where(np.isfinite(s))

    mu = num("area_mu")
    return mu.where(mu.notna(), num("area_m2") / M2_PER_MU)


def _bound(v: float | None) -> float | None:
    return None if v is None or not math.isfinite(float(v)) else float(v)


def filter_parcels(parcels: gpd.GeoDataFrame, q: ParcelQuery) -> gpd.GeoDataFrame:
    """The parcels that pass every constraint of ``q``, in their original order and index.

    Parameters
    ----------
    parcels : geopandas.GeoDataFrame
        The parcels layer (any subset of ``schema.PARCEL_COLUMNS``; a missing column counts
        as unknown everywhere).
    q : ParcelQuery

    Returns
    -------
    geopandas.GeoDataFrame
        A row subset of ``parcels`` (same columns and CRS).

    Examples
    --------
    >>> from shapely import Point
    >>> g = gpd.GeoDataFrame({"id": ["a", "b", "c"], "district": ["西湖区", "钱塘区", "西湖区"],
    ...     "area_mu": [12.0, 80.0, None]}, geometry=[Point(120, 30)] * 3, crs="EPSG:4326")
    >>> filter_parcels(g, ParcelQuery(districts=("西湖区",)))["id"].tolist()
    ['a', 'c']
    >>> filter_parcels(g, ParcelQuery(area_mu_min=10, area_mu_max=50))["id"].tolist()
    ['a', 'c']
    >>> filter_parcels(g, ParcelQuery(area_mu_min=10, include_unknown_area=False))["id"].tolist()
    ['a', 'b']
    """
    keep = np.ones(len(parcels), dtype=bool)
    for column, wanted in (
        ("district", q.districts),
        ("parent", q.platforms),
        ("land_use", q.land_uses),
        ("status", q.statuses),
        ("industry", q.industries),
    ):
        if wanted:
            keep &= _column(parcels, column).isin(set(wanted)).to_numpy()
    if q.quarters:
        quarter = _column(parcels, "supply_quarter")
        ok = np.array(quarter.isin(set(q.quarters) - {NOT_PUBLISHED_ZH}), dtype=bool)
        if NOT_PUBLISHED_ZH in q.quarters:
            ok |= quarter.isna().to_numpy()
        keep &= ok
    lo, hi = _bound(q.area_mu_min), _bound(q.area_mu_max)
    if lo is not None or hi is not None:
        area = _area_mu(parcels)
        ok = np.array(area.notna(), dtype=bool)  # a copy: pandas hands out read-only arrays
        if lo is not None:
            ok &= (area >= lo).to_numpy()
        if hi is not None:
            ok &= (area <= hi).to_numpy()
        if q.include_unknown_area:
            ok |= area.isna().to_numpy()
        keep &= ok
    if q.text and keep.any():
        keep &= search_mask(parcels[keep], q.text).reindex(parcels.index, fill_value=False).to_numpy()
    return parcels[keep]


def filter_options(parcels: gpd.GeoDataFrame) -> dict[str, list[str]]:
    """The choices each filter offers: sorted distinct published values.

    ``quarters`` ends with ``待公布`` when some parcel has no published quarter.

    Examples
    --------
    >>> df = pd.DataFrame({"district": ["西湖区", "西湖区"], "supply_quarter": ["2026Q2", None],
    ...     "status": ["planned", "planned"]})
    >>> opts = filter_options(df)
    >>> opts["districts"], opts["quarters"], opts["statuses"], opts["industries"]
    (['西湖区'], ['2026Q2', '待公布'], ['planned'], [])
    """

    def distinct(column: str) -> list[str]:
        return sorted({v for v in _column(parcels, column) if v is not None})

    quarters = distinct("supply_quarter")
    if len(parcels) and _column(parcels, "supply_quarter").isna().any():
        quarters = [v for v in quarters if v != NOT_PUBLISHED_ZH] + [NOT_PUBLISHED_ZH]
    return {
        "districts": distinct("district"),
        "platforms": distinct("parent"),
        "land_uses": distinct("land_use"),
        "quarters": quarters,
        "statuses": distinct("status"),
        "industries": distinct("industry"),
    }


# --------------------------------------------------------------------------------------------
# Distances
# --------------------------------------------------------------------------------------------

#: Layers :func:`nearest_features` looks in, in the order it lists them.
NEARBY_LAYERS: Final = ("areas", "innovation", "projects", "parcels")

_GEOD: Final = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Nearby:
    """A feature near a parcel, with its straight-line distance in metres."""

    layer: str
    id: str
    name_zh: str
    kind: str
    distance_m: float
    geometry_quality: str


def _wgs84(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    if geoms.crs is None:  # the atlas stores lon/lat: an untagged layer is taken to be WGS-84
        return geoms.set_crs(WGS84)
    return geoms.to_crs(WGS84)


def _distances_m(origin: BaseGeometry, geoms: gpd.GeoSeries) -> np.ndarray:
    """Geodesic distance (m) from ``origin`` (lon/lat) to each geometry; 0 where they touch, NaN if empty.

    The closest pair of points is found in the metric CRS (UTM 51N, whose shape distortion
    is far too small to pick a different pair); their distance is then measured on the
    ellipsoid, so point-to-point distances are exact geodesics.
    """
    if len(geoms) == 0:
        return np.zeros(0)
    wgs = _wgs84(geoms)
    metric = wgs.to_crs(METRIC_CRS)
    o = gpd.GeoSeries([origin], crs=WGS84).to_crs(METRIC_CRS).iloc[0]
    values = np.asarray(metric.values, dtype=object)
    valid = ~(shapely.is_missing(values) | shapely.is_empty(values))
    out = np.full(len(values), np.nan)
    if o is None or o.is_empty or not valid.any():
        return out
    lines = shapely.shortest_line(o, values[valid])
    ends = gpd.GeoSeries(
        np.concatenate([shapely.get_point(lines, 0), shapely.get_point(lines, 1)]), crs=METRIC_CRS
    ).to_crs(WGS84)
    n = int(valid.sum())
    lon, lat = ends.x.to_numpy(), ends.y.to_numpy()
    _, _, dist = _GEOD.inv(lon[:n], lat[:n], lon[n:], lat[n:])
    dist = np.array(dist, dtype=float)
    dist[shapely.intersects(o, values[valid])] = 0.0  # inside or touching: exactly 0, not a rounding residue
    out[valid] = dist
    return out


def _text(v) -> str:
    return "" if _missing(v) else str(v)


def nearest_features(
    parcel_geom: BaseGeometry, layers: dict[str, gpd.GeoDataFrame], per_layer: int = 3
) -> list[Nearby]:
    """The ``per_layer`` nearest features of each of :data:`NEARBY_LAYERS` to a parcel.

    Other layers in ``layers`` are ignored; a layer that is absent is skipped. In the
    ``parcels`` layer the parcel itself (a feature with an equal geometry) is left out.

    Parameters
    ----------
    parcel_geom : shapely geometry
        The parcel's geometry, lon/lat (WGS-84).
    layers : dict of str to geopandas.GeoDataFrame
        Layer name -> layer (columns ``id``, ``name_zh``, ``kind``, ``geometry_quality``).
    per_layer : int, optional

    Returns
    -------
    list of Nearby
        Sorted by layer (in :data:`NEARBY_LAYERS` order), then by distance.

    Examples
    --------
    >>> from shapely import Point
    >>> inst = gpd.GeoDataFrame({"id": ["u1", "u2"], "name_zh": ["甲大学", "乙研究院"],
    ...     "kind": ["university", "institute"], "geometry_quality": ["indicative"] * 2},
    ...     geometry=[Point(120.01, 30.0), Point(120.001, 30.0)], crs="EPSG:4326")
    >>> [(n.id, round(n.distance_m)) for n in nearest_features(Point(120, 30), {"innovation": inst})]
    [('u2', 96), ('u1', 965)]
    """
    out: list[Nearby] = []
    for name in NEARBY_LAYERS:
        layer = layers.get(name)
        if layer is None or len(layer) == 0 or per_layer <= 0:
            continue
        dist = _distances_m(parcel_geom, layer.geometry)
        candidates = ~np.isnan(dist)
        if name == "parcels":
            same = shapely.equals(np.asarray(_wgs84(layer.geometry).values, dtype=object), parcel_geom)
            candidates &= ~np.asarray(same, dtype=bool)
        idx = np.flatnonzero(candidates)
        idx = idx[np.argsort(dist[idx], kind="stable")][:per_layer]
        cols = layer.columns
        for i in idx:
            row = layer.iloc[i]
            out.append(
                Nearby(
                    layer=name,
                    id=_text(row["id"]) if "id" in cols else "",
                    name_zh=_text(row["name_zh"]) if "name_zh" in cols else "",
                    kind=_text(row["kind"]) if "kind" in cols else "",
                    distance_m=float(dist[i]),
                    geometry_quality=_text(row["geometry_quality"]) if "geometry_quality" in cols else "",
                )
            )
    return out


def within_radius(lon: float, lat: float, parcels: gpd.GeoDataFrame, radius_m: float) -> gpd.GeoDataFrame:
    """The parcels within ``radius_m`` metres of a point, nearest first, with a ``distance_m`` column.

    Parameters
    ----------
    lon, lat : float
        The point, WGS-84 degrees.
    parcels : geopandas.GeoDataFrame
    radius_m : float
        Inclusive; a negative or NaN radius selects nothing.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of the selected rows (index kept), ties in their original order.

    Raises
    ------
    ValueError
        If ``lon`` or ``lat`` is not a finite number.

    Examples
    --------
    >>> from shapely import Point
    >>> g = gpd.GeoDataFrame({"id": ["far", "near"]}, geometry=[Point(120.02, 30), Point(120.005, 30)],
    ...     crs="EPSG:4326")
    >>> r = within_radius(120, 30, g, 1000)
    >>> r["id"].tolist(), r["distance_m"].round().tolist()
    (['near'], [482.0])
    """
    if not (math.isfinite(float(lon)) and math.isfinite(float(lat))):
        raise ValueError(f"the centre must be finite lon/lat degrees, not ({lon!r}, {lat!r})")
    dist = _distances_m(shapely.Point(float(lon), float(lat)), parcels.geometry)
    out = parcels.copy()
    out["distance_m"] = dist
    keep = np.flatnonzero(~np.isnan(dist) & (dist <= radius_m))
    keep = keep[np.argsort(dist[keep], kind="stable")]
    return out.iloc[keep]


def landmarks(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, tuple[float, float]]:
    """Name -> (lon, lat) of every platform, park and innovation source, to centre a radius search on.

    Polygons give their representative point (always inside). The first feature of a name wins.

    Examples
    --------
    >>> from shapely import Point, box
    >>> areas = gpd.GeoDataFrame({"name_zh": ["云栖小镇", "紫金港科技城"]},
    ...     geometry=[Point(120.1, 30.1), box(120.0, 30.2, 120.2, 30.4)], crs="EPSG:4326")
    >>> {k: (round(lon, 6), round(lat, 6)) for k, (lon, lat) in landmarks({"areas": areas}).items()}
    {'云栖小镇': (120.1, 30.1), '紫金港科技城': (120.1, 30.3)}
    """
    out: dict[str, tuple[float, float]] = {}
    for name in ("areas", "innovation"):
        layer = layers.get(name)
        if layer is None or len(layer) == 0 or "name_zh" not in layer.columns:
            continue
        for label, geom in zip(layer["name_zh"], _wgs84(layer.geometry), strict=True):
            if _missing(label) or geom is None or geom.is_empty or str(label) in out:
                continue
            p = geom if geom.geom_type == "Point" else geom.representative_point()
            out[str(label)] = (float(p.x), float(p.y))
    return out


# --------------------------------------------------------------------------------------------
# Policies
# --------------------------------------------------------------------------------------------


def parcel_policies(
    policies: pd.DataFrame, district: str, sector: str | None, lang: str = "zh"
) -> list[Match]:
    """The support measures of a parcel's district (for ``sector`` and the ``全部`` ones; None = all).

    A thin use of :func:`geodata.policies.find_measures` with an empty profile: the card lists
    the measures, it does not judge an investor's project against them.

    Examples
    --------
    >>> df = pd.DataFrame([dict(id="p1", district="西湖区", sector="生物医药", measure="产业化项目支持",
    ...     condition="", threshold_value=float("nan"), threshold_unit="", cap_value=float("nan"),
    ...     cap_unit="", rate_pct=float("nan"), rate_basis="", annual_budget_value=float("nan"),
    ...     annual_budget_unit="", budget_qualifier="", source="000.txt", quote="")])
    >>> [m.policy_id for m in parcel_policies(df, "西湖区", "生物医药")]
    ['p1']
    >>> parcel_policies(df, "钱塘区", None)
    []
    """
    if not district:
        return []
    return find_measures(policies, district, sector or None, Profile(), lang)


# --------------------------------------------------------------------------------------------
# Shareable view state (URL query parameters)
# --------------------------------------------------------------------------------------------

#: Hangzhou's bounding box for a map centre shared in a link: (lat range, lon range).
CENTER_LAT: Final = (29.0, 31.0)
CENTER_LON: Final = (118.0, 121.0)
ZOOM_RANGE: Final = (5, 18)
MAX_TEXT: Final = 100
MAX_COMPARE: Final = 4
_MAX_RAW: Final = 2000  # longest raw value accepted for any list parameter (characters)
_MAX_NOTICES_UNKNOWN: Final = 5


@dataclass(frozen=True)
class ViewState:
    """Everything a shared link reopens: the filters, the open card, the comparison and the map view."""

    query: ParcelQuery = ParcelQuery()
    selected: str | None = None  # parcel id
    compare: tuple[str, ...] = ()  # 2–4 parcel ids
    center: tuple[float, float] | None = None  # (lat, lon), inside CENTER_LAT x CENTER_LON
    zoom: int | None = None  # ZOOM_RANGE
    sector: str | None = None  # for policy matching on the card


#: URL parameter -> what it holds. Values of list parameters are joined with ",".
PARAM_KEYS: Final[dict[str, str]] = {
    "d": "districts",
    "p": "platforms",
    "lu": "land_uses",
    "amin": "area_mu_min",
    "amax": "area_mu_max",
    "ua": "include_unknown_area",
    "qt": "quarters",
    "st": "statuses",
    "ind": "industries",
    "q": "text",
    "sel": "selected",
    "cmp": "compare",
    "sec": "sector",
    "c": "center",
    "z": "zoom",
}
# Query parameters Streamlit itself reserves (``?embed=true``): not ours to judge.
#: Parameters of Streamlit and of the whole app (the language), not of this page's view.
_RESERVED: Final = frozenset({"embed", "embed_options", "lang"})
# List parameter -> (ParcelQuery field, key of `known`, what the values are, in Chinese).
_LIST_PARAMS: Final = {
    "d": ("districts", "districts", "districts"),
    "p": ("platforms", "platforms", "platforms"),
    "lu": ("land_uses", "land_uses", "land_uses"),
    "qt": ("quarters", "quarters", "quarters"),
    "st": ("statuses", "statuses", "statuses"),
    "ind": ("industries", "industries", "industries"),
}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SAFE_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,20}")
# Characters a shared search text may not hold: controls, format/bidi characters, surrogates,
# and markup brackets (never part of a parcel's text; only an injection attempt carries them).
_BAD_TEXT_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs"})


def _fmt_num(x: float) -> str:
    """Shortest text that reads back as the same float ("10", "12.5", "30.123456")."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def state_to_params(state: ViewState) -> dict[str, str]:
    """The URL query parameters of a view: short keys (:data:`PARAM_KEYS`), defaults omitted.

    List values are joined with ","; the map centre is ``lat,lon``; ``ua=0`` means
    "leave out parcels whose area is not published". ``cmp`` is written only when it holds
    2–4 ids (a comparison a link can reopen).

    Examples
    --------
    >>> state_to_params(ViewState())
    {}
    >>> state_to_params(ViewState(query=ParcelQuery(districts=("西湖区",), statuses=("planned",), text="云栖",
    ...     area_mu_min=10, area_mu_max=50, include_unknown_area=False), selected="site-ucas-south",
    ...     compare=("a", "b"), center=(30.1, 120.1), zoom=13))
    ... # doctest: +NORMALIZE_WHITESPACE
    {'d': '西湖区', 'amin': '10', 'amax': '50', 'ua': '0', 'st': 'planned', 'q': '云栖',
     'sel': 'site-ucas-south', 'cmp': 'a,b', 'c': '30.1,120.1', 'z': '13'}
    """
    q = state.query
    out: dict[str, str] = {}

    def put_list(key: str) -> None:
        values = getattr(q, _LIST_PARAMS[key][0])
        if values:
            out[key] = ",".join(values)

    for key in ("d", "p", "lu"):
        put_list(key)
    if q.area_mu_min is not None:
        out["amin"] = _fmt_num(q.area_mu_min)
    if q.area_mu_max is not None:
        out["amax"] = _fmt_num(q.area_mu_max)
    if not q.include_unknown_area:
        out["ua"] = "0"
    for key in ("qt", "st", "ind"):
        put_list(key)
    if q.text:
        out["q"] = q.text
    if state.selected:
        out["sel"] = state.selected
    if 2 <= len(state.compare) <= MAX_COMPARE:
        out["cmp"] = ",".join(state.compare)
    if state.sector:
        out["sec"] = state.sector
    if state.center is not None:
        out["c"] = f"{_fmt_num(state.center[0])},{_fmt_num(state.center[1])}"
    if state.zoom is not None:
        out["z"] = _fmt_num(state.zoom)
    return out


def _notice(key: str, reason: str, lang: str = "zh") -> str:
    return translate("parcels.link.ignored", lang, key=key, reason=reason)


class _InvalidParamError(Exception):
    """A parameter value that is dropped; the notice's reason is catalogue key ``parcels.link.<key>``."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values

    def text(self, lang: str) -> str:
        values = {k: v.text(lang) if isinstance(v, _InvalidParamError) else v for k, v in self.values.items()}
        if "what" in values:
            values["what"] = translate(f"parcels.what.{values['what']}", lang)
        return translate(f"parcels.link.{self.key}", lang, **values)

    def __str__(self) -> str:
        return self.text("zh")


def _single(raw: str | list[str]) -> str:
    if isinstance(raw, str):
        return raw
    values = list(dict.fromkeys(raw))
    if len(values) != 1:
        raise _InvalidParamError("several_values")
    return values[0]


def _strings(raw: object) -> str | list[str]:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list | tuple) and raw and all(isinstance(v, str) for v in raw):
        return list(raw)
    raise _InvalidParamError("unrecognised")


def _split_known(raw: str | list[str], allowed: set[str]) -> tuple[list[str], int]:
    """Split comma-joined values into the allowed ones (commas inside a known value are kept).

    Returns the allowed values (deduplicated, in order) and how many pieces were not allowed.
    """
    pieces = [p for item in ([raw] if isinstance(raw, str) else raw) for p in item.split(",")]
    found: list[str] = []
    bad = 0
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):  # the longest run of pieces that is a known value
            candidate = ",".join(pieces[i:j])
            if candidate in allowed:
                if candidate not in found:
                    found.append(candidate)
                i = j
                break
        else:
            bad += bool(pieces[i].strip())  # "a,,b" or a trailing comma is not worth a notice
            i += 1
    return found, bad


def _number(text: str) -> float:
    text = text.strip()
    if len(text) > 32 or not _NUMBER.fullmatch(text):
        raise _InvalidParamError("not_number")
    x = float(text)
    if not math.isfinite(x):
        raise _InvalidParamError("out_of_range")
    return x


def _area(raw: str | list[str]) -> float:
    try:
        x = _number(_single(raw))
    except _InvalidParamError as e:
        raise _InvalidParamError("area_detail", detail=e) from None
    if x < 0:
        raise _InvalidParamError("area")
    return x


def _search_text(raw: str | list[str]) -> str:
    text = _single(raw)
    if len(text) > MAX_TEXT:
        raise _InvalidParamError("text_long", max=MAX_TEXT)
    if any(ch in "<>" or unicodedata.category(ch) in _BAD_TEXT_CATEGORIES for ch in text):
        raise _InvalidParamError("text_bad")
    return text


def _center(raw: str | list[str]) -> tuple[float, float]:
    bounds = {"lat0": f"{CENTER_LAT[0]:g}", "lat1": f"{CENTER_LAT[1]:g}"}
    bounds |= {"lon0": f"{CENTER_LON[0]:g}", "lon1": f"{CENTER_LON[1]:g}"}
    parts = _single(raw).split(",")
    if len(parts) != 2:
        raise _InvalidParamError("center", **bounds)
    try:
        lat, lon = _number(parts[0]), _number(parts[1])
    except _InvalidParamError:
        raise _InvalidParamError("center", **bounds) from None
    if not (CENTER_LAT[0] <= lat <= CENTER_LAT[1] and CENTER_LON[0] <= lon <= CENTER_LON[1]):
        raise _InvalidParamError("center", **bounds)
    return lat, lon


def _zoom(raw: str | list[str]) -> int:
    text = _single(raw).strip()
    if not re.fullmatch(r"\d{1,2}", text) or not ZOOM_RANGE[0] <= int(text) <= ZOOM_RANGE[1]:
        raise _InvalidParamError("zoom", lo=ZOOM_RANGE[0], hi=ZOOM_RANGE[1])
    return int(text)


def _one_of(raw: str | list[str], allowed: set[str], what: str) -> str:
    value = _single(raw)
    if len(value) > _MAX_RAW or value not in allowed:
        raise _InvalidParamError("not_known", what=what)
    return value


def _safe_key(key: object, lang: str = "zh") -> str:
    return (
        key if isinstance(key, str) and _SAFE_KEY.fullmatch(key) else translate("parcels.link.bad_key", lang)
    )


def state_from_params(
    params: Mapping[str, str | list[str]], known: dict[str, set[str]], lang: str = "zh"
) -> tuple[ViewState, list[str]]:
    """Read a shared link's query parameters into a view, dropping every value that is not valid.

    Never raises. Each dropped parameter (unknown value, malformed number, NaN/inf, minimum
    above maximum, centre outside Hangzhou, zoom outside 5–18, unknown parcel id, more than
    four compared parcels, over-long or control-character text, unknown key) gives one notice
    in ``lang`` that names it; the language parameter ``lang`` belongs to the whole app and is passed over; values are never echoed back (they may be hostile).

    Parameters
    ----------
    params : mapping
        ``st.query_params.to_dict()`` (str values) or lists of values per key.
    known : dict of str to set of str
        Allowed values: keys ``districts``, ``platforms``, ``land_uses``, ``quarters``,
        ``statuses``, ``industries``, ``parcel_ids``, ``sectors`` (a missing key allows nothing).

    Returns
    -------
    (ViewState, list of str)
        The view and the notices, in parameter order.

    Examples
    --------
    >>> known = {"districts": {"西湖区"}, "statuses": {"planned"}, "parcel_ids": {"a", "b"}}
    >>> view, notices = state_from_params({"d": "西湖区", "z": "99", "sel": "a"}, known)
    >>> view.query.districts, view.selected, view.zoom
    (('西湖区',), 'a', None)
    >>> notices
    ['已忽略无效的链接参数 z：缩放级别须为 5–18 的整数']
    """
    notices: list[str] = []
    unknown_keys: list[object] = []
    fields: dict[str, object] = {}
    state: dict[str, object] = {}

    def allowed(name: str) -> set[str]:
        values = known.get(name) if isinstance(known, Mapping) else None
        return {v for v in (values or ()) if isinstance(v, str)}

    try:
        items = list(params.items())
    except Exception:  # not a mapping at all: nothing to read
        return ViewState(), [translate("parcels.link.unreadable", lang)]

    for key, raw_value in items:
        if key in _RESERVED:
            continue
        if not isinstance(key, str) or key not in PARAM_KEYS:
            unknown_keys.append(key)
            continue
        try:
            raw = _strings(raw_value)
            if key in _LIST_PARAMS:
                attr, known_key, what = _LIST_PARAMS[key]
                if sum(map(len, [raw] if isinstance(raw, str) else raw)) > _MAX_RAW:
                    raise _InvalidParamError("too_long")
                pool = allowed(known_key)
                if key == "qt":
                    pool.add(NOT_PUBLISHED_ZH)  # "quarter not published" is always a valid choice
                values, bad = _split_known(raw, pool)
                if values:
                    fields[attr] = tuple(values)
                if bad:
                    reason = _InvalidParamError("bad_count", count=bad, what=what).text(lang)
                    notices.append(_notice(key, reason, lang))
            elif key in ("amin", "amax"):
                fields[PARAM_KEYS[key]] = _area(raw)
            elif key == "ua":
                value = _single(raw).strip()
                if value not in ("0", "1"):
                    raise _InvalidParamError("ua")
                fields["include_unknown_area"] = value == "1"
            elif key == "q":
                fields["text"] = _search_text(raw)
            elif key == "sel":
                state["selected"] = _one_of(raw, allowed("parcel_ids"), "parcel_id")
            elif key == "cmp":
                pieces = _single(raw)
                if len(pieces) > _MAX_RAW or len(pieces.split(",")) > MAX_COMPARE:
                    raise _InvalidParamError("compare", max=MAX_COMPARE)
                ids, bad = _split_known(pieces, allowed("parcel_ids"))
                if bad or not 2 <= len(ids) <= MAX_COMPARE:
                    raise _InvalidParamError("compare", max=MAX_COMPARE)
                state["compare"] = tuple(ids)
            elif key == "sec":
                state["sector"] = _one_of(raw, allowed("sectors"), "sector")
            elif key == "c":
                state["center"] = _center(raw)
            elif key == "z":
                state["zoom"] = _zoom(raw)
        except _InvalidParamError as e:
            notices.append(_notice(key, e.text(lang), lang))
        except Exception:  # the contract is "never raises": a value we failed to foresee is dropped
            notices.append(_notice(key, translate("parcels.link.unrecognised", lang), lang))

    lo, hi = fields.get("area_mu_min"), fields.get("area_mu_max")
    if isinstance(lo, float) and isinstance(hi, float) and lo > hi:
        del fields["area_mu_min"], fields["area_mu_max"]
        notices.append(_notice("amin, amax", translate("parcels.link.min_above_max", lang), lang))

    for key in unknown_keys[:_MAX_NOTICES_UNKNOWN]:
        notices.append(translate("parcels.link.unknown", lang, key=_safe_key(key, lang)))
    if len(unknown_keys) > _MAX_NOTICES_UNKNOWN:
        more = len(unknown_keys) - _MAX_NOTICES_UNKNOWN
        notices.append(translate("parcels.link.more_unknown", lang, count=more))

    view = ViewState(query=ParcelQuery(**fields), **state)  # type: ignore[arg-type]
    return view, notices
