"""Prepare (reproject, repair, report rows) and compare with the store: the changeset to preview and write."""


from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geodata.ingest.crs_guess import HANGZHOU_BOUNDS, crs_candidates, to_wgs84
from geodata.ingest.mapping import STATUS_IN, suggest_mapping
from geodata.ingest.read import ImportRefused, RawLayer, RowProblem, read_upload
from geodata.model.schema import WGS84
from geodata.store.base import PARCEL_NUMERIC, Change, clean_value

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
) -> Prepared:
    """Reproject, map columns, repair geometry; rows that cannot be used are reported, not guessed.

    With ``districts`` (the boundary layer), a parcel whose file gives no district gets the
    one its outline's representative point lies in (read off the boundary, not invented).
    """
    if "parcel_code" not in mapping.values():
        raise ImportRefused("import.need_parcel_code")
    problems = list(raw.notes)
    try:
        gdf = to_wgs84(raw.frame, crs)
    except Exception as exc:
        raise ImportRefused("import.bad_crs", crs=crs) from exc
    records: dict[str, dict[str, Any]] = {}
    geoms: dict[str, list] = {}
    code_col = next(c for c, t in mapping.items() if t == "parcel_code")
    for i, (_, row) in enumerate(gdf.iterrows(), start=1):
        code = clean_value("parcel_code", row.get(code_col))
        if code is None:
            problems.append(RowProblem(i, "import.row.no_code"))
            continue
        geom = row.geometry
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
    table: pd.DataFrame  # action, id, parcel_code, name_zh, what changes
    geometries: gpd.GeoDataFrame  # one row per change, column "action", for the preview map

    @property
    def counts(self) -> dict[str, int]:
        return {a: sum(c.action == a for c in self.changes) for a in ("add", "change", "remove")}


def plan_changes(
    stored: gpd.GeoDataFrame, incoming: gpd.GeoDataFrame, source: str, remove_missing: bool = False
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
        moved = old.geometry is None or not old.geometry.equals_exact(new.geometry, 1e-9)
        if moved:
            diffs.append("geometry")
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
                    }
                )
                geoms.append(old.geometry)
    table = pd.DataFrame(rows, columns=["action", "id", "parcel_code", "name_zh", "changes"])
    return Plan(
        changes, table, gpd.GeoDataFrame(table.copy(), geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)
    )


def run_import(
    backend: Any,
    name: str,
    data: bytes,
    source: str,
    user: str,
    crs: str | None = None,
    mapping: Mapping[str, str] | None = None,
    remove_missing: bool = False,
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
    mapping = dict(mapping) if mapping is not None else suggest_mapping(raw.columns, backend.mapping(source))
    prepared = prepare(raw, crs, mapping, source, backend.read_layer("districts"))
    if prepared.parcels.empty:
        raise ImportRefused("import.nothing_usable", count=len(prepared.problems))
    plan = plan_changes(backend.read_parcels(), prepared.parcels, source, remove_missing)
    if plan.changes:
        backend.apply_changeset(plan.changes, user, note=f"import {name}")
    backend.save_mapping(source, mapping)
    return plan, prepared.problems
