"""Where each listed parcel's position comes from: named by a source (indicative) or imported (surveyed)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Provenance:
    indicative: int  # parcels a source only names: placed approximately by the atlas
    surveyed: int  # parcels with an outline from an imported file
    surveyed_sources: tuple[str, ...]


def provenance(parcels: pd.DataFrame) -> Provenance:
    """Count the listed parcels by how they were placed, so a caption says each thing only of those it is true of.

    >>> df = pd.DataFrame({"geometry_quality": ["indicative", "surveyed", "surveyed", None],
    ...                    "source": ["西湖区计划", "区规划局 2026", "区规划局 2026", "x"]})
    >>> provenance(df)
    Provenance(indicative=2, surveyed=2, surveyed_sources=('区规划局 2026',))
    """
    quality = parcels["geometry_quality"] if "geometry_quality" in parcels else pd.Series("", index=parcels.index)
    surveyed = quality.astype(str).eq("surveyed")
    sources = parcels.loc[surveyed, "source"] if "source" in parcels else pd.Series(dtype=object)
    names = tuple(sorted({str(s).strip() for s in sources.dropna() if str(s).strip()}))
    return Provenance(int((~surveyed).sum()), int(surveyed.sum()), names)
