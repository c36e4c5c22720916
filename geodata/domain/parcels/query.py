"""The parcel explorer's filters: a query value and the pure function that applies it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.domain.parcels.search import search_mask, text_column
from geodata.model.schema import M2_PER_MU, NOT_PUBLISHED_ZH

# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParcelQuery:
    """What the investor asked for. An empty tuple (or ``None`` bound) means "no constraint".

    ``quarters`` may hold :data:`geodata.model.schema.NOT_PUBLISHED_ZH` (``待公布``) to select the
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

    def to_session(self, keys: Mapping[str, str]) -> dict[str, object]:
        """The filter widgets' values for this query: ``{session key: value}``.

        ``keys`` maps the short names of :data:`SESSION_NAMES` to the page's session-state keys.

        Examples
        --------
        >>> keys = {n: f"p_{n}" for n in SESSION_NAMES.values()}
        >>> ParcelQuery(districts=("西湖区",), area_mu_min=50.0).to_session(keys)["p_area_min"]
        50.0
        >>> ParcelQuery.from_session(ParcelQuery(text="云谷").to_session(keys), keys).text
        '云谷'
        """
        return {
            keys[name]: list(value) if isinstance(value, tuple) else value
            for name, value in ((SESSION_NAMES[f], getattr(self, f)) for f in SESSION_NAMES)
        }

    @classmethod
    def from_session(cls, state: Mapping[str, object], keys: Mapping[str, str]) -> ParcelQuery:
        """The query the filter widgets hold (the inverse of :meth:`to_session`)."""
        values = {}
        for field_name, name in SESSION_NAMES.items():
            value = state[keys[name]]
            values[field_name] = tuple(value) if isinstance(value, list | tuple) else value  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]


#: ParcelQuery's fields and the short names of the widgets that hold them.
SESSION_NAMES: dict[str, str] = {
    "districts": "districts",
    "platforms": "platforms",
    "land_uses": "land_uses",
    "area_mu_min": "area_min",
    "area_mu_max": "area_max",
    "include_unknown_area": "unknown_area",
    "quarters": "quarters",
    "statuses": "statuses",
    "industries": "industries",
    "text": "text",
}


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
            keep &= text_column(parcels, column).isin(set(wanted)).to_numpy()
    if q.quarters:
        quarter = text_column(parcels, "supply_quarter")
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
        return sorted({v for v in text_column(parcels, column) if v is not None})

    quarters = distinct("supply_quarter")
    if len(parcels) and text_column(parcels, "supply_quarter").isna().any():
        quarters = [v for v in quarters if v != NOT_PUBLISHED_ZH] + [NOT_PUBLISHED_ZH]
    return {
        "districts": distinct("district"),
        "platforms": distinct("parent"),
        "land_uses": distinct("land_use"),
        "quarters": quarters,
        "statuses": distinct("status"),
        "industries": distinct("industry"),
    }


