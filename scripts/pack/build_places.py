"""Build the place layers of the data pack from one hand-curated records file.

Run from the repo root::

    python -m scripts.pack.build_places

Inputs (all in ``geodata/pack``):

- ``places.csv``: one row per place (areas, 2026 supply sites, projects, innovation
  sources), written by hand from the seed articles. Each row says where its words come
  from (``source``, ``quote``) and how its geometry is made (``placement``).
- ``gazetteer.csv``: the rows of the shared gazetteer that the records use, copied with
  their confidence and source URL (the build never reads outside the repo).
- ``districts.geojson``: the 13 district polygons (WGS-84), built by ``build_districts``.

Outputs: ``areas.geojson``, ``parcels.geojson``, ``projects.geojson``,
``innovation.geojson``, written deterministically (features sorted by id, coordinates
rounded to 6 decimals, one feature per line) so that a rebuild is byte-identical.

Geometry rules (honesty first): every feature is ``indicative`` and carries a
``location_basis`` sentence saying exactly how it was placed. A zone whose area a seed
publishes gets a circle around its gazetteer point, clipped to its district and grown by
bisection until the clipped area equals the published area; everything else is a point.
Nothing here invents a size, an outline or a figure.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

from geodata.model.schema import DISTRICT_NAMES, METRIC_CRS, PARCEL_COLUMNS, WGS84

PACK = Path(__file__).resolve().parents[2] / "geodata" / "pack"
SEEDS = PACK / "seeds"
PLACES_CSV = PACK / "places.csv"
GAZETTEER_CSV = PACK / "gazetteer.csv"
BASIS_NOTES_ZH_CSV = PACK / "basis_notes_zh.csv"
DISTRICTS_GEOJSON = PACK / "districts.geojson"
#: Transitional only: same content as districts.geojson, used while that file is missing.

LAYER_FILES = {
    "areas": "areas.geojson",
    "parcels": "parcels.geojson",
    "projects": "projects.geojson",
    "innovation": "innovation.geojson",
}

KINDS = {
    "areas": ("platform", "park"),
    "parcels": ("supply_site",),
    "projects": ("project",),
    "innovation": ("university", "institute", "lab"),
}

PLACEMENTS = ("gazetteer", "gazetteer_low", "parent", "district")


PLACES_COLUMNS = (
    "id",
    "layer",
    "kind",
    "name_zh",
    "name_en",
    "district",
    "parent",
    "description_zh",
    "source",
    "quote",
    "placement",
    "gazetteer_name",
    "published_area_km2",
    "extra",
)

#: Properties every feature carries, in this order.
COMMON_PROPS = (
    "id",
    "layer",
    "kind",
    "name_zh",
    "name_en",
    "district",
    "parent",
    "description_zh",
    "source",
    "quote",
    "geometry_quality",
    "location_basis",
    "location_basis_zh",
    "placement",
    "gazetteer_name",
)

#: Layer-specific properties, in this order (extra keys not listed here follow, sorted).
LAYER_PROPS = {
    "areas": ("published_area_km2",),
    "parcels": tuple(c for c in PARCEL_COLUMNS if c not in COMMON_PROPS),
    "projects": (
        "company_zh",
        "investment_value",
        "investment_unit",
        "investment_qualifier",
        "investment_kind",
        "project_status",
        "project_status_zh",
    ),
    "innovation": ("subkind",),
}

#: Keys in ``extra`` that steer the build and are not written out.
OFFSET_M_KEY = "_offset_m"
OFFSET_BEARING_KEY = "_offset_bearing_deg"
BASIS_NOTE_KEY = "_basis_note"

DEFAULT_OFFSET_M = 300.0
AREA_TOLERANCE = 1e-6  # relative, for the published-area bisection
CIRCLE_QUAD_SEGS = 32
COORD_DECIMALS = 6

_COMPASS = {
    0: "north",
    45: "north-east",
    90: "east",
    135: "south-east",
    180: "south",
    225: "south-west",
    270: "west",
    315: "north-west",
}

_COMPASS_ZH = {0: "北", 45: "东北", 90: "东", 135: "东南", 180: "南", 225: "西南", 270: "西", 315: "西北"}
_CONFIDENCE_ZH = {"high": "高", "medium": "中", "low": "低"}

_TO_METRIC = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)
_TO_WGS84 = Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True)


class PlacesError(ValueError):
    """A record that cannot be built honestly (bad field, missing row, point outside its district)."""


@dataclass(frozen=True)
class GazRow:
    name_zh: str
    district: str
    lon: float | None
    lat: float | None
    confidence: str
    source_url: str
    note: str

    @property
    def has_point(self) -> bool:
        return self.lon is not None and self.lat is not None

    def describe(self) -> str:
        """``name (medium confidence, ±800 m; source: url)``."""
        head = f"{self.confidence} confidence"
        m = re.search(r"(?:\+-|±)\s*(\d+)\s*m", self.note)
        if m:
            head += f", ±{m.group(1)} m"
        if self.confidence == "low":
            head += ", a guess"
        src = f"source: {self.source_url}" if self.source_url else "no source given"
        return f"{self.name_zh} ({head}; {src})"

    def describe_zh(self) -> str:
        """``name（可信度中，±800 米；来源：url）``, the Chinese of :meth:`describe`."""
        head = f"可信度{_CONFIDENCE_ZH.get(self.confidence, self.confidence)}"
        m = re.search(r"(?:\+-|±)\s*(\d+)\s*m", self.note)
        if m:
            head += f"，±{m.group(1)} 米"
        if self.confidence == "low":
            head += "，为推测"
        src = f"来源：{self.source_url}" if self.source_url else "未注明来源"
        return f"{self.name_zh}（{head}；{src}）"


# ----------------------------------------------------------------------------- inputs


def districts_path(pack: Path = PACK) -> Path:
    """The district polygons of the pack (run ``build_districts`` first)."""
    own = pack / "districts.geojson"
    if own.exists():
        return own
    raise FileNotFoundError(f"no district polygons: {own} is missing (run scripts.pack.build_districts)")


def read_districts(path: Path) -> dict[str, BaseGeometry]:
    """District name_zh -> polygon in the metric CRS."""
    gdf = gpd.read_file(path)
    if gdf.crs is None:
        gdf = gdf.set_crs(WGS84)
    gdf = gdf.to_crs(METRIC_CRS)
    return {str(n): g for n, g in zip(gdf["name_zh"], gdf.geometry, strict=True)}


def read_gazetteer(path: Path) -> dict[str, GazRow]:
    rows: dict[str, GazRow] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            lon, lat = r["lon_wgs84"].strip(), r["lat_wgs84"].strip()
            rows[r["name_zh"]] = GazRow(
                name_zh=r["name_zh"],
                district=r["district"],
                lon=float(lon) if lon else None,
                lat=float(lat) if lat else None,
                confidence=r["confidence"].strip(),
                source_url=r["source_url"].strip(),
                note=r["note"],
            )
    return rows


def read_places(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != PLACES_COLUMNS:
            raise PlacesError(f"places.csv columns must be {PLACES_COLUMNS}, got {reader.fieldnames}")
        records = []
        for r in reader:
            rec = {k: (v.strip() if isinstance(v, str) else v) for k, v in r.items()}
            try:
                extra = json.loads(rec["extra"]) if rec["extra"] else {}
            except json.JSONDecodeError as e:
                raise PlacesError(f"{rec['id']}: extra is not JSON: {e}") from e
            if not isinstance(extra, dict):
                raise PlacesError(f"{rec['id']}: extra must be a JSON object")
            rec["extra"] = extra
            records.append(rec)
    return records


def validate(records: list[dict], gaz: dict[str, GazRow]) -> None:
    ids = [r["id"] for r in records]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise PlacesError(f"duplicate ids: {dup}")
    area_names = {r["name_zh"] for r in records if r["layer"] == "areas"}
    for r in records:
        rid = r["id"]
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rid):
            raise PlacesError(f"{rid}: id must be an ascii slug")
        if r["layer"] not in KINDS or r["kind"] not in KINDS[r["layer"]]:
            raise PlacesError(f"{rid}: bad layer/kind {r['layer']}/{r['kind']}")
        if r["district"] not in DISTRICT_NAMES:
            raise PlacesError(f"{rid}: unknown district {r['district']!r}")
        if r["parent"] and r["parent"] not in area_names:
            raise PlacesError(f"{rid}: parent {r['parent']!r} is not an areas feature")
        if r["placement"] not in PLACEMENTS:
            raise PlacesError(f"{rid}: bad placement {r['placement']!r}")
        if r["placement"] == "parent" and not r["parent"]:
            raise PlacesError(f"{rid}: placement 'parent' needs a parent")
        if r["placement"] in ("gazetteer", "gazetteer_low"):
            g = gaz.get(r["gazetteer_name"])
            if g is None or not g.has_point:
                raise PlacesError(f"{rid}: gazetteer row {r['gazetteer_name']!r} missing or without a point")
            want_low = r["placement"] == "gazetteer_low"
            if (g.confidence == "low") != want_low:
                raise PlacesError(f"{rid}: placement {r['placement']} but row confidence is {g.confidence}")
        if r["published_area_km2"] and r["layer"] != "areas":
            raise PlacesError(f"{rid}: published_area_km2 only applies to areas")
        for s in r["source"].split(";"):
            if not (SEEDS / s).is_file():
                raise PlacesError(f"{rid}: source {s!r} is not a seed file")
        if not r["quote"]:
            raise PlacesError(f"{rid}: quote missing")


# ----------------------------------------------------------------------------- geometry


def to_metric(lon: float, lat: float) -> Point:
    return Point(*_TO_METRIC.transform(lon, lat))


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_WGS84.transform(xy[:, 0], xy[:, 1])))


def default_bearing(rid: str) -> int:
    """A deterministic bearing (multiple of 45°) from the id, for offsets nobody specified."""
    return (int(hashlib.sha256(rid.encode()).hexdigest()[:8], 16) % 8) * 45


def offset_of(rec: dict, default_m: float) -> tuple[float, int]:
    extra = rec["extra"]
    d = float(extra.get(OFFSET_M_KEY, default_m))
    b = int(extra.get(OFFSET_BEARING_KEY, default_bearing(rec["id"]))) % 360
    return d, b


def offset_point(p: Point, distance_m: float, bearing_deg: int) -> Point:
    a = math.radians(bearing_deg)
    return Point(p.x + distance_m * math.sin(a), p.y + distance_m * math.cos(a))


def describe_offset_zh(distance_m: float, bearing_deg: int) -> str:
    if distance_m == 0:
        return "未偏移"
    direction = _COMPASS_ZH.get(bearing_deg, f"方位角 {bearing_deg}° 方向")
    return f"向{direction}偏移 {distance_m:.0f} 米"


def read_basis_notes_zh(path: Path) -> dict[str, str]:
    """id -> the Chinese of a record's ``_basis_note`` (every English note needs one)."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        return {r["id"].strip(): r["note_zh"].strip() for r in csv.DictReader(f)}


def describe_offset(distance_m: float, bearing_deg: int) -> str:
    if distance_m == 0:
        return "no offset"
    direction = _COMPASS.get(bearing_deg, f"at bearing {bearing_deg}°")
    return f"offset {distance_m:.0f} m {direction}"


def area_polygon(center: Point, district: BaseGeometry, area_m2: float) -> tuple[BaseGeometry, float]:
    """Circle around ``center`` clipped to ``district``, radius bisected to the published area."""

    def clipped(r: float) -> BaseGeometry:
        return center.buffer(r, quad_segs=CIRCLE_QUAD_SEGS).intersection(district)

    if district.area < area_m2:
        raise PlacesError("published area is larger than the district")
    lo, hi = 0.0, math.sqrt(area_m2 / math.pi)
    while clipped(hi).area < area_m2:
        lo, hi = hi, hi * 2
    for _ in range(200):
        mid = (lo + hi) / 2
        a = clipped(mid).area
        if abs(a - area_m2) <= AREA_TOLERANCE * area_m2:
            lo = hi = mid
            break
        if a < area_m2:
            lo = mid
        else:
            hi = mid
    r = (lo + hi) / 2
    return clipped(r), r


def round_geometry(geom: BaseGeometry) -> BaseGeometry:
    """WGS-84 geometry snapped to 1e-6° (valid output: set_precision keeps polygons valid)."""
    return shapely.set_precision(geom, 10**-COORD_DECIMALS)


# ----------------------------------------------------------------------------- placement


def place_all(
    records: list[dict],
    gaz: dict[str, GazRow],
    districts: dict[str, BaseGeometry],
    notes_zh: dict[str, str] | None = None,
) -> dict:
    """Metric geometry, anchor point, location_basis (English and Chinese) and effective placement
    for every record."""
    notes_zh = notes_zh or {}
    by_name = {r["name_zh"]: r for r in records if r["layer"] == "areas"}
    placed: dict[str, dict] = {}

    def district_anchor(district: str) -> tuple[Point, GazRow]:
        g = gaz.get(district)
        if g is None or not g.has_point or g.confidence != "high":
            raise PlacesError(f"no high-confidence gazetteer point for district {district}")
        return to_metric(g.lon, g.lat), g

    def place(rec: dict, stack: tuple[str, ...] = ()) -> dict:
        rid = rec["id"]
        if rid in placed:
            return placed[rid]
        if rid in stack:
            raise PlacesError(f"parent cycle: {' -> '.join((*stack, rid))}")
        district = districts.get(rec["district"])
        if district is None:
            raise PlacesError(f"{rid}: district {rec['district']} not in the district polygons")
        note = rec["extra"].get(BASIS_NOTE_KEY, "")
        placement = rec["placement"]
        geom: BaseGeometry
        anchor: Point
        basis: str

        basis_zh = ""

        def at_parent(reason: str = "", reason_zh: str = "") -> tuple[Point, Point, str]:
            nonlocal basis_zh
            parent = place(by_name[rec["parent"]], (*stack, rid))
            d, b = offset_of(rec, DEFAULT_OFFSET_M)
            p = offset_point(parent["anchor"], d, b)
            lead = reason or "No published location"
            is_point = parent["geom"].geom_type == "Point"
            what = "point" if is_point else "reference point (the centre of its indicative circle)"
            what_zh = "点位" if is_point else "参考点（其示意圆的圆心）"
            basis_zh = (
                f"{reason_zh or '来源未公布位置'}：置于上级{rec['parent']}的{what_zh}，"
                f"{describe_offset_zh(d, b)}，以免图标重叠。"
            )
            return (
                p,
                p,
                (
                    f"{lead}: placed at the parent {rec['parent']}'s {what}, "
                    f"{describe_offset(d, b)} so that markers do not overlap."
                ),
            )

        def at_district(reason: str = "", reason_zh: str = "") -> tuple[Point, Point, str]:
            nonlocal basis_zh
            c, g = district_anchor(rec["district"])
            d, b = offset_of(rec, DEFAULT_OFFSET_M)
            p = offset_point(c, d, b)
            lead = reason or "No published location; only the district is known"
            basis_zh = (
                f"{reason_zh or '来源未公布位置，只知所在区'}：置于{rec['district']}的代表点（地名表条目 "
                f"{g.name_zh}，区县多边形内的标注点；来源：{g.source_url}），{describe_offset_zh(d, b)}，以免图标重叠。"
            )
            return (
                p,
                p,
                (
                    f"{lead}: placed at {rec['district']}'s representative point (gazetteer row "
                    f"{g.name_zh}, a label point inside the district polygon; source: {g.source_url}), "
                    f"{describe_offset(d, b)} so that markers do not overlap."
                ),
            )

        if placement in ("gazetteer", "gazetteer_low"):
            g = gaz[rec["gazetteer_name"]]
            center = to_metric(g.lon, g.lat)
            if rec["published_area_km2"]:
                area_m2 = float(rec["published_area_km2"]) * 1e6
                geom, r = area_polygon(center, district, area_m2)
                anchor = center
                basis = (
                    f"Indicative shape, not a surveyed or official boundary: a circle around the point "
                    f"of gazetteer row {g.describe()}, clipped to {rec['district']}, its radius "
                    f"({r:.0f} m) found by bisection so that the clipped area equals the published "
                    f"{float(rec['published_area_km2']):g} km² ({rec['source'].split(';')[0]}). "
                    f"The real outline is not published."
                )
                basis_zh = (
                    f"示意范围，非测绘或官方边界：以地名表条目 {g.describe_zh()} 的点为圆心画圆并裁剪到"
                    f"{rec['district']}内，半径（{r:.0f} 米）用二分法求得，使裁剪后的面积等于来源公布的 "
                    f"{float(rec['published_area_km2']):g} 平方公里（{rec['source'].split(';')[0]}）。实际边界未公布。"
                )
            else:
                d, b = offset_of(rec, 0.0)
                p = offset_point(center, d, b)
                basis = f"Point from gazetteer row {g.describe()}"
                basis += "." if d == 0 else f", {describe_offset(d, b)}."
                basis_zh = f"据地名表条目 {g.describe_zh()} 定位"
                basis_zh += "。" if d == 0 else f"，{describe_offset_zh(d, b)}。"
                if placement == "gazetteer_low":
                    basis += " Indicative only."
                    basis_zh += "仅为示意。"
                if not district.contains(p):
                    if placement == "gazetteer":
                        raise PlacesError(f"{rid}: gazetteer point lies outside {rec['district']}")
                    reason = (
                        f"The low-confidence gazetteer row {g.name_zh} gives a point outside "
                        f"{rec['district']}, so it is not used"
                    )
                    reason_zh = (
                        f"低可信度的地名表条目 {g.name_zh} 给出的点位于{rec['district']}之外，故不采用"
                    )
                    p, _, basis = (
                        at_parent(reason, reason_zh) if rec["parent"] else at_district(reason, reason_zh)
                    )
                    placement = "parent" if rec["parent"] else "district"
                geom = anchor = p
        elif placement == "parent":
            geom, anchor, basis = at_parent()
        else:
            geom, anchor, basis = at_district()

        if note:
            if rid not in notes_zh:
                raise PlacesError(f"{rid}: its basis note has no Chinese in {BASIS_NOTES_ZH_CSV.name}")
            basis = f"{basis} {note}"
            basis_zh = f"{basis_zh}{notes_zh[rid]}"
        if geom.geom_type == "Point" and not district.contains(geom):
            raise PlacesError(f"{rid}: point lies outside {rec['district']} ({basis})")
        placed[rid] = {
            "geom": geom,
            "anchor": anchor,
            "basis": basis,
            "basis_zh": basis_zh,
            "placement": placement,
        }
        return placed[rid]

    for rec in records:
        place(rec)
    return placed


# ----------------------------------------------------------------------------- output


def _num(v: str) -> float | None:
    return float(v) if v not in ("", None) else None


def feature_properties(rec: dict, placed: dict) -> dict:
    layer = rec["layer"]
    props: dict = {k: (rec[k] or None) for k in COMMON_PROPS if k in rec}
    props["geometry_quality"] = "indicative"
    props["location_basis"] = placed["basis"]
    props["location_basis_zh"] = placed["basis_zh"]
    props["placement"] = placed["placement"]
    props["gazetteer_name"] = rec["gazetteer_name"] or None
    extra = {k: v for k, v in rec["extra"].items() if not k.startswith("_")}
    for k in LAYER_PROPS[layer]:
        if k == "published_area_km2":
            props[k] = _num(rec["published_area_km2"])
        else:
            props[k] = extra.pop(k, None)
    for k in sorted(extra):
        props[k] = extra[k]
    return {k: props.get(k) for k in (*COMMON_PROPS, *LAYER_PROPS[layer], *sorted(extra))}


def _round_coords(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(c), COORD_DECIMALS) for c in obj]
        return [_round_coords(o) for o in obj]
    return obj


def geometry_json(geom_wgs84: BaseGeometry) -> dict:
    m = mapping(geom_wgs84)
    return {"type": m["type"], "coordinates": _round_coords(m["coordinates"])}


def write_layer(path: Path, layer: str, features: list[tuple[dict, BaseGeometry]]) -> None:
    lines = []
    for props, geom in sorted(features, key=lambda f: f[0]["id"]):
        feat = {"type": "Feature", "properties": props, "geometry": geometry_json(geom)}
        lines.append(json.dumps(feat, ensure_ascii=False, allow_nan=False, separators=(",", ":")))
    head = json.dumps({"type": "FeatureCollection", "name": layer}, ensure_ascii=False, separators=(",", ":"))
    text = head[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def build(
    out_dir: Path = PACK,
    places_csv: Path = PLACES_CSV,
    gazetteer_csv: Path = GAZETTEER_CSV,
    districts_geojson: Path | None = None,
    basis_notes_zh_csv: Path | None = None,
) -> dict[str, Path]:
    """Build the four place layers into ``out_dir``; returns layer -> written file."""
    records = read_places(places_csv)
    gaz = read_gazetteer(gazetteer_csv)
    validate(records, gaz)
    districts = read_districts(districts_geojson or districts_path())
    placed = place_all(records, gaz, districts, read_basis_notes_zh(basis_notes_zh_csv or BASIS_NOTES_ZH_CSV))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for layer, fname in LAYER_FILES.items():
        feats = []
        for rec in records:
            if rec["layer"] != layer:
                continue
            p = placed[rec["id"]]
            geom = round_geometry(to_wgs84(p["geom"]))
            if not geom.is_valid or geom.is_empty:
                raise PlacesError(f"{rec['id']}: invalid geometry after rounding")
            feats.append((feature_properties(rec, p), geom))
        write_layer(out_dir / fname, layer, feats)
        written[layer] = out_dir / fname
    return written


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=PACK, help="output directory (default: the pack)")
    ap.add_argument("--districts", type=Path, default=None, help="district polygons (default: the pack's)")
    args = ap.parse_args(argv)
    for layer, path in build(args.out, districts_geojson=args.districts).items():
        lines = path.read_text(encoding="utf-8").splitlines()
        n = sum(1 for line in lines if line.startswith('{"type":"Feature"'))
        print(f"{layer:11s} {n:3d} features -> {path}")


if __name__ == "__main__":
    main()
