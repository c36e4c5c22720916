"""Synthetic parcels for benchmarks and tests: a copy of the data pack with N made-up parcels.

Every record is marked: ``synthetic = true``, ``kind = "synthetic"``, ids and names start
with ``SYN-``, ``geometry_quality = "indicative"`` and the source says it is generated.
They exist only in a pack copy the benchmark points the app at (``ATLAS_PACK``); the
shipped pack never holds any (``tests/unit/test_synth.py`` checks).

Shapes: irregular polygons of 5-300 亩 (4-9 vertices, jittered radius), about one in
twelve a two-part multipolygon; centres sampled uniformly inside Hangzhou's district
outlines (``districts.geojson``), weighted by district area, so the attribute ``district``
is the district the parcel actually lies in. Attributes are drawn from the value sets the
real data and tables use (districts, platforms in that district, land uses, quarters,
statuses, sectors from ``policies.csv``). Deterministic for a given ``seed``.

    python bench/synth.py 10000 /tmp/pack10k     # writes a full pack copy
"""

from __future__ import annotations

import argparse
import math
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.affinity
from shapely.geometry import MultiPolygon, Polygon

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / "geodata" / "pack"
PREFIX = "SYN-"
M2_PER_MU = 10000 / 15
LAND_USES = ("M1 工业用地", "M0 新型产业用地", "产业用地")
STATUSES = ("planned", "listed", "sold")
QUARTERS = ("2026Q1", "2026Q2", "2026Q3", "2026Q4", None)
M_PER_DEG_LAT = 111_320.0


def _sectors(pack: Path) -> list[str]:
    pol = pd.read_csv(pack / "policies.csv", dtype=str, keep_default_na=False)
    return sorted(set(pol["sector"]) - {"", "全部"})


def _centres(districts: gpd.GeoDataFrame, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points inside the districts, and the index of each one's district.

    Weighted by the square root of district area: the large rural counties still get the
    most parcels, but the compact urban districts are not left nearly empty.
    """
    weights = np.sqrt(districts["geometry"].to_crs(3857).area.to_numpy())
    per = rng.multinomial(n, weights / weights.sum())
    xs, ys, which = [], [], []
    for i, (outline, k) in enumerate(zip(districts.geometry, per, strict=True)):
        # centres at least ~1 km inside the outline, so a whole parcel (at most ~900 m across,
        # multipart included) lies in the district it names
        geom = outline.buffer(-0.01)
        geom = outline if geom.is_empty else geom
        got = 0
        minx, miny, maxx, maxy = geom.bounds
        shapely.prepare(geom)
        while got < k:  # rejection sampling in the bounding box, vectorised
            m = max(64, int((k - got) * 2.5))
            x = rng.uniform(minx, maxx, m)
            y = rng.uniform(miny, maxy, m)
            keep = shapely.contains_xy(geom, x, y)
            x, y = x[keep][: k - got], y[keep][: k - got]
            xs.append(x)
            ys.append(y)
            got += len(x)
        which.append(np.full(k, i))
    order = rng.permutation(n)  # mix districts so any prefix of the frame is spread out
    return np.column_stack([np.concatenate(xs), np.concatenate(ys)])[order], np.concatenate(which)[order]


def _ring(cx: float, cy: float, area_m2: float, rng: np.random.Generator) -> Polygon:
    """An irregular convex-ish polygon of about ``area_m2`` around (cx, cy), in degrees."""
    k = int(rng.integers(4, 10))
    # evenly spread angles with jitter: every gap stays below pi, so the ring is simple
    step = 2 * math.pi / k
    angles = rng.uniform(0, step) + np.arange(k) * step + rng.uniform(-0.35, 0.35, k) * step
    radii = rng.uniform(0.7, 1.3, k)
    x, y = radii * np.cos(angles), radii * np.sin(angles)
    unit_area = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
    scale = math.sqrt(area_m2 / max(unit_area, 1e-9))
    m_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(cy))
    return Polygon(zip(cx + x * scale / m_per_deg_lon, cy + y * scale / M_PER_DEG_LAT, strict=True))


def synthetic_parcels(n: int, pack: Path = PACK, seed: int = 20260) -> gpd.GeoDataFrame:
    """``n`` synthetic parcels (WGS-84) with the shipped parcels' columns plus ``synthetic``.

    Examples
    --------
    >>> g = synthetic_parcels(3)
    >>> list(g["name_zh"].str.startswith("SYN-")), bool(g["synthetic"].all())
    ([True, True, True], True)
    """
    rng = np.random.default_rng(seed)
    districts = gpd.read_file(pack / "districts.geojson").to_crs(4326)
    areas = gpd.read_file(pack / "areas.geojson").to_crs(4326)
    columns = [c for c in gpd.read_file(pack / "parcels.geojson").columns if c != "geometry"]
    # the platforms that lie in each district (by representative point), for `parent`
    reps = gpd.GeoDataFrame(areas[["name_zh"]], geometry=areas.representative_point(), crs=4326)
    in_district = gpd.sjoin(reps, districts[["name_zh", "geometry"]].rename(columns={"name_zh": "d"}))
    platforms = in_district.groupby("d")["name_zh"].apply(list).to_dict()
    sectors = _sectors(pack)

    xy, which = _centres(districts, n, rng)
    area_mu = np.round(rng.uniform(5, 300, n), 1)
    geoms = []
    for (cx, cy), mu in zip(xy, area_mu, strict=True):
        if rng.random() < 1 / 12:  # two parts, split 60/40, the second a little to the east
            a = _ring(cx, cy, mu * 0.6 * M2_PER_MU, rng)
            b = _ring(cx, cy, mu * 0.4 * M2_PER_MU, rng)
            gap = 0.3 * (a.bounds[2] - a.bounds[0])  # parts never touch: b starts east of a
            b = shapely.affinity.translate(b, xoff=a.bounds[2] - b.bounds[0] + gap)
            geoms.append(MultiPolygon([a, b]))
        else:
            geoms.append(_ring(cx, cy, mu * M2_PER_MU, rng))
    dnames = districts["name_zh"].to_numpy()[which]
    ids = [f"{PREFIX}{i:06d}" for i in range(n)]
    rows = {c: [None] * n for c in columns}
    parents = [
        (lambda opts: opts[int(rng.integers(len(opts)))] if opts and rng.random() < 0.5 else None)(
            platforms.get(d, [])
        )
        for d in dnames
    ]
    quarters = rng.integers(0, len(QUARTERS), n)
    rows.update(
        {
            "id": ids,
            "layer": ["parcels"] * n,
            "kind": ["synthetic"] * n,
            "name_zh": [f"{PREFIX}{d}{i:06d}号地块" for i, d in enumerate(dnames)],
            "name_en": [f"{PREFIX}parcel {i:06d}" for i in range(n)],
            "district": list(dnames),
            "parent": parents,
            "description_zh": ["合成数据，仅用于性能测试"] * n,
            "source": ["synthetic (bench/synth.py)"] * n,
            "geometry_quality": ["indicative"] * n,
            "placement": ["synthetic"] * n,
            "parcel_code": [f"{PREFIX}{i:06d}" for i in range(n)],
            "area_mu": area_mu,
            "area_m2": np.round(area_mu * M2_PER_MU, 0),
            "land_use": [LAND_USES[i] for i in rng.integers(0, len(LAND_USES), n)],
            "supply_quarter": [QUARTERS[i] for i in quarters],
            "status": [STATUSES[i] for i in rng.integers(0, len(STATUSES), n)],
            "industry": [sectors[i] for i in rng.integers(0, len(sectors), n)],
            "term_years": [50.0] * n,
        }
    )
    frame = pd.DataFrame(rows, columns=columns)
    frame["synthetic"] = True
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=4326)


def write_pack(n: int, out: Path, seed: int = 20260, pack: Path = PACK) -> Path:
    """A full copy of ``pack`` in ``out`` whose parcels are ``n`` synthetic ones."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(pack, out, ignore=shutil.ignore_patterns("__pycache__", "seeds", "*.py"))
    g = synthetic_parcels(n, pack, seed)
    (out / "parcels.geojson").unlink()
    g.to_file(out / "parcels.geojson", driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=6)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=20260)
    a = ap.parse_args()
    print(write_pack(a.n, a.out, a.seed))
