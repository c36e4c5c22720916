"""Prepare (reproject, repair, report rows) and compare with the store: the changeset to preview and write."""


from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geodata.geo.crs import METRIC_CRS
from geodata.ingest.crs_guess import HANGZHOU_BOUNDS, crs_candidates, to_wgs84
from geodata.ingest.mapping import (
    CODE_KEY,
    STATUS_IN,
    suggest_area_units,
    suggest_code_column,
    suggest_mapping,
)
from geodata.ingest.read import ImportRefused, RawLayer, RowProblem, read_upload
from geodata.model.schema import WGS84
from geodata.store.base import PARCEL_NUMERIC, Change, StoreError, clean_value

#: A parcel that moves further than this (metres) needs the editor's explicit confirmation.
CONFIRM_MOVE_M = 100.0
#: Outlines closer than this (degrees, about a centimetre) are the same outline.
SAME_OUTLINE_DEG = 1e-7


def normalised(geom):  # type: ignore[no-untyped-def]
    """An outline in one canonical form: ring orientation, start vertex and part order do not matter.

    >>> from shapely.geometry import Polygon
    >>> cw = Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
    >>> ccw = Polygon([(1, 0), (1, 1), (0, 1), (0, 0)])
    >>> normalised(cw).equals_exact(normalised(ccw), 0)
    True
    """
    return shapely.normalize(shapely.set_precision(geom, SAME_OUTLINE_DEG / 10))


def generated_code(source: str, geom) -> str:  # type: ignore[no-untyped-def]
    """A stable parcel code for a file that has none: from the source name and the outline.

    The same outline from the same source gets the same code on every import (whatever the
    ring orientation or vertex order), so a re-import changes it instead of adding it again.

    >>> from shapely.geometry import Polygon
    >>> a = generated_code("西湖区", Polygon([(120, 30), (120.01, 30), (120.01, 30.01)]))
    >>> a == generated_code("西湖区", Polygon([(120.01, 30.01), (120.01, 30), (120, 30)])), a[:5]
    (True, 'AUTO-')
    """
    digest = hashlib.sha1(source.encode("utf-8") + b"\0" + shapely.to_wkb(normalised(geom)), usedforsecurity=False)
    return f"AUTO-{digest.hexdigest()[:10].upper()}"


def moved_m(old, new) -> float:  # type: ignore[no-untyped-def]
    """How far an outline moved: the largest distance (metres) from a point of one to the other.

    >>> from shapely.geometry import Point
    >>> round(moved_m(Point(120.1, 30.3), Point(120.1, 30.301)))
    111
    """
    if old is None or new is None or old.is_empty or new.is_empty:
        return 0.0
    both = gpd.GeoSeries([old, new], crs=WGS84).to_crs(METRIC_CRS)
    return float(both.iloc[0].hausdorff_distance(both.iloc[1]))

# -- 4. prepare and compare ------------------------------------------------------------------


@dataclass
class Prepared:
    parcels: gpd.GeoDataFrame  # atlas fields + geometry (WGS-84), index = parcel code
    problems: list[RowProblem]


def prepare(
    raw: RawLayer,
    crs: str,
    mapping: Mapping[str, str],
    source: str,
    districts: gpd.GeoDataFrame | None = None,
    code_column: str | None = None,
) -> Prepared:
    """Reproject, map columns, repair geometry; rows that cannot be used are reported, not guessed.

    The parcel code comes from ``code_column`` (which may also fill another field, such as
    the name), else from the column mapped to ``parcel_code``; with neither, each parcel
    gets a stable generated code (:func:`generated_code`).

    With ``districts`` (the boundary layer), a parcel whose file gives no district gets the
    one its outline's representative point lies in (read off the boundary, not invented).
    """
    code_col = code_column or next((c for c, t in mapping.items() if t == "parcel_code"), None)
    problems = list(raw.notes)
    try:
        gdf = to_wgs84(raw.frame, crs)
    except Exception as exc:
        raise ImportRefused("import.bad_crs", crs=crs) from exc
    records: dict[str, dict[str, Any]] = {}
    geoms: dict[str, list] = {}
    for i, (_, row) in enumerate(gdf.iterrows(), start=1):
        geom = row.geometry
        code = clean_value("parcel_code", row.get(code_col)) if code_col else None
        if code is None and code_col is None and geom is not None and not geom.is_empty:
            code = generated_code(source, geom)
        if code is None:
            problems.append(RowProblem(i, "import.row.no_code"))
            continue
        if geom is None or geom.is_empty:
            if not any(p.row == i for p in raw.notes):
                problems.append(RowProblem(i, "import.row.no_geometry", {"code": code}))
            continue
        geom = shapely.force_2d(geom)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        geom = _areal_or_point(geom)
        if geom is None:
            problems.append(RowProblem(i, "import.row.not_area", {"code": code}))
            continue
        if not _in_hangzhou(geom):
            problems.append(RowProblem(i, "import.row.outside", {"code": code}))
            continue
        values: dict[str, Any] = {}
        for col, target in mapping.items():
            if target == "parcel_code" or col not in row.index:
                continue
            value = row[col]
            if target == "status" and clean_value("status", value) is not None:
                status = STATUS_IN.get(str(value).strip())
                if status is None:
                    problems.append(
                        RowProblem(i, "import.row.bad_status", {"code": code, "value": str(value)})
                    )
                    continue
                value = status
            if target in PARCEL_NUMERIC:
                try:
                    value = clean_value(target, value)
                except Exception:
                    value = None
                if value is None and clean_value("status", row[col]) is not None:
                    problems.append(
                        RowProblem(
                            i,
                            "import.row.bad_number",
                            {"code": code, "field": target, "value": str(row[col])},
                        )
                    )
                    continue
            values[target] = clean_value(target, value) if target not in PARCEL_NUMERIC else value
        if code in records:  # parts of one parcel in several rows: one multipart parcel
            geoms[code].append(geom)
            records[code].update({k: v for k, v in values.items() if v is not None})
            continue
        values.update(
            parcel_code=code, source=source, geometry_quality="surveyed", layer="parcels", kind="supply_site"
        )
        # Fields the file does not map are left out, so a re-import keeps what editors set
        # (an area is never computed from the outline into a published figure here).
        records[code] = values
        geoms[code] = [geom]
    geometry = [shapely.union_all(parts) if len(parts) > 1 else parts[0] for parts in geoms.values()]
    frame = gpd.GeoDataFrame(list(records.values()), geometry=geometry, crs=WGS84)
    frame.index = pd.Index(list(records), name="code")
    if districts is not None and len(frame) and "name_zh" in districts.columns:
        points = gpd.GeoDataFrame(geometry=frame.geometry.representative_point(), crs=WGS84)
        joined = gpd.sjoin(
            points, districts[["name_zh", "geometry"]].to_crs(WGS84), predicate="within", how="left"
        )
        found = joined[~joined.index.duplicated()]["name_zh"].reindex(frame.index)
        current = frame["district"] if "district" in frame.columns else pd.Series(None, index=frame.index)
        frame["district"] = current.where(current.notna(), found)
    return Prepared(frame, problems)


def _areal_or_point(geom):  # type: ignore[no-untyped-def]
    if geom.geom_type in ("Polygon", "MultiPolygon", "Point"):
        return geom
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        if polys:
            return shapely.union_all(polys)
    return None


def _in_hangzhou(geom) -> bool:  # type: ignore[no-untyped-def]
    minx, miny, maxx, maxy = geom.bounds
    b = HANGZHOU_BOUNDS
    return b[0] <= minx and maxx <= b[2] and b[1] <= miny and maxy <= b[3]


@dataclass
class Plan:
    changes: list[Change]
    table: pd.DataFrame  # action, id, parcel_code, name_zh, what changes, moved_m
    geometries: gpd.GeoDataFrame  # one row per change, column "action", for the preview map
    #: The stored outline of every changed parcel whose outline moves (column ``id``, ``moved_m``).
    before: gpd.GeoDataFrame = field(
        default_factory=lambda: gpd.GeoDataFrame({"id": [], "moved_m": []}, geometry=[], crs=WGS84)
    )
    #: The store revision the comparison was made against (None: not known, no check at write).
    revision: int | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {a: sum(c.action == a for c in self.changes) for a in ("add", "change", "remove")}

    @property
    def max_move_m(self) -> float:
        """The furthest any changed parcel moves (metres); 0 without moves."""
        return float(self.table["moved_m"].max()) if len(self.table) and self.table["moved_m"].notna().any() else 0.0

    @property
    def needs_move_confirmation(self) -> bool:
        return self.max_move_m > CONFIRM_MOVE_M


def plan_changes(
    stored: gpd.GeoDataFrame,
    incoming: gpd.GeoDataFrame,
    source: str,
    remove_missing: bool = False,
    revision: int | None = None,
) -> Plan:
    """Compare the prepared file with the store by parcel code.

    Added: a code the store lacks. Changed: a stored parcel with that code whose mapped
    fields or outline differ (with its version, so a concurrent edit is caught at write).
    Removed (only with ``remove_missing``): parcels from this same source the file no
    longer lists.
    """
    by_code = {
        str(r["parcel_code"]): r for _, r in stored.iterrows() if isinstance(r.get("parcel_code"), str)
    }
    changes: list[Change] = []
    rows: list[dict[str, Any]] = []
    geoms: list = []
    before_rows: list[dict[str, Any]] = []
    before_geoms: list = []
    for code, new in incoming.iterrows():
        fields = {k: new[k] for k in incoming.columns if k != incoming.geometry.name}
        old = by_code.get(str(code))
        if old is None:
            changes.append(Change("add", str(code), fields, new.geometry))
            rows.append(
                {
                    "action": "add",
                    "id": str(code),
                    "parcel_code": code,
                    "name_zh": fields.get("name_zh"),
                    "changes": "",
                    "moved_m": None,
                }
            )
            geoms.append(new.geometry)
            continue
        diffs = []
        for k, v in fields.items():
            if k in ("source", "layer", "kind", "geometry_quality"):
                continue
            before = clean_value(k, old.get(k))
            after = clean_value(k, v)
            if before != after:
                diffs.append(f"{k}: {'—' if before is None else before} → {'—' if after is None else after}")
        # Compared in canonical form: the same outline with its ring the other way round (as
        # Shapefile and GeoJSON write it) or starting at another vertex is no change.
        moved = old.geometry is None or not normalised(old.geometry).equals_exact(
            normalised(new.geometry), SAME_OUTLINE_DEG
        )
        distance = moved_m(old.geometry, new.geometry) if moved else None
        if moved:
            diffs.append("geometry")
            if old.geometry is not None:
                before_rows.append({"id": str(old["id"]), "moved_m": distance})
                before_geoms.append(old.geometry)
        if diffs:
            changes.append(
                Change("change", str(old["id"]), fields, new.geometry if moved else None, int(old["version"]))
            )
            rows.append(
                {
                    "action": "change",
                    "id": str(old["id"]),
                    "parcel_code": code,
                    "name_zh": fields.get("name_zh") or old.get("name_zh"),
                    "changes": "; ".join(diffs),
                    "moved_m": distance,
                }
            )
            geoms.append(new.geometry)
    if remove_missing:
        seen = {str(c) for c in incoming.index}
        for code, old in by_code.items():
            if old.get("source") == source and code not in seen:
                changes.append(Change("remove", str(old["id"]), expected_version=int(old["version"])))
                rows.append(
                    {
                        "action": "remove",
                        "id": str(old["id"]),
                        "parcel_code": code,
                        "name_zh": old.get("name_zh"),
                        "changes": "",
                        "moved_m": None,
                    }
                )
                geoms.append(old.geometry)
    table = pd.DataFrame(rows, columns=["action", "id", "parcel_code", "name_zh", "changes", "moved_m"])
    table["moved_m"] = pd.to_numeric(table["moved_m"], errors="coerce")
    before = gpd.GeoDataFrame(
        pd.DataFrame(before_rows, columns=["id", "moved_m"]),
        geometry=gpd.GeoSeries(before_geoms, crs=WGS84),
        crs=WGS84,
    )
    return Plan(
        changes,
        table,
        gpd.GeoDataFrame(table.copy(), geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84),
        before,
        revision,
    )


def preview(backend: Any, prepared: Prepared, source: str, remove_missing: bool = False) -> Plan:
    """The plan against the store as it is now, with the revision it was made against.

    The revision is read before the parcels: a write in between makes the confirmation
    refuse (safe), never pass with a stale comparison.
    """
    revision = backend.revision()
    return plan_changes(backend.read_parcels(), prepared.parcels, source, remove_missing, revision)


def confirm(backend: Any, plan: Plan, user: str, note: str, moves_confirmed: bool = False) -> int:
    """Write exactly the previewed changeset, or refuse if the store changed since the preview.

    A copy of the store is kept first (``backend.backup``), so an import can be undone
    wholesale as well as parcel by parcel. Returns the new revision.
    """
    if plan.needs_move_confirmation and not moves_confirmed:
        raise StoreError("store.confirm_moves", metres=round(plan.max_move_m))
    backup = getattr(backend, "backup", None)
    if callable(backup):
        backup("import")
    return backend.apply_changeset(plan.changes, user, note=note, expected_revision=plan.revision)


def run_import(
    backend: Any,
    name: str,
    data: bytes,
    source: str,
    user: str,
    crs: str | None = None,
    mapping: Mapping[str, str] | None = None,
    remove_missing: bool = False,
    code_column: str | None = None,
    moves_confirmed: bool = True,
) -> tuple[Plan, list[RowProblem]]:
    """Every step without questions (scripts and tests): the first CRS candidate, the suggested mapping.

    Refuses (and writes nothing) when no CRS puts the data in Hangzhou or no row is usable.
    """
    raw = read_upload(name, data)
    if crs is None:
        candidates = crs_candidates(raw.frame.total_bounds, raw.declared_crs)
        if not candidates:
            raise ImportRefused("import.no_crs")
        crs = candidates[0].crs
    remembered = backend.mapping(source)
    if mapping is None:
        mapping, suggested_code = suggest_columns(raw, crs, remembered)
        code_column = code_column or suggested_code
    else:
        mapping = dict(mapping)
        code_column = code_column or suggest_code_column(raw.columns, mapping, remembered)
    prepared = prepare(raw, crs, mapping, source, backend.read_layer("districts"), code_column)
    if prepared.parcels.empty:
        raise ImportRefused("import.nothing_usable", count=len(prepared.problems))
    plan = preview(backend, prepared, source, remove_missing)
    if plan.changes:
        confirm(backend, plan, user, f"import {name}", moves_confirmed)
    backend.save_mapping(source, remembered_mapping(mapping, code_column))
    return plan, prepared.problems


def suggest_columns(
    raw: RawLayer, crs: str, remembered: Mapping[str, str] | None = None
) -> tuple[dict[str, str], str | None]:
    """The suggested column -> field mapping (without the code) and the column the code comes from.

    Area columns go to m² or 亩 by what their values say against the outlines' areas
    (or, for points, by their range); None as code column means generated codes.
    """
    mapping = suggest_mapping(raw.columns, remembered)
    code_column = suggest_code_column(raw.columns, mapping, remembered)
    outline_m2 = None
    try:
        gdf = to_wgs84(raw.frame, crs)
        if gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).any():
            outline_m2 = gdf.geometry.to_crs(METRIC_CRS).area.where(lambda a: a > 0)
    except Exception:  # coordinates this CRS cannot take: the value range decides
        outline_m2 = None
    mapping = suggest_area_units(mapping, raw.frame, outline_m2)
    return {c: t for c, t in mapping.items() if t != "parcel_code"}, code_column


def remembered_mapping(mapping: Mapping[str, str], code_column: str | None) -> dict[str, str]:
    """What the store remembers for a source: the column mapping and where the code came from.

    >>> remembered_mapping({"MC": "name_zh"}, "MC")
    {'MC': 'name_zh', '*code*': 'MC'}
    """
    out = {c: t for c, t in mapping.items() if t != "parcel_code" or c == code_column}
    if code_column:
        out[CODE_KEY] = code_column
    return out
