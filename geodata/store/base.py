"""The store's editable part, one interface for GeoPackage and PostGIS.

Parcels are the layer staff keep current; every other layer and table comes from the
shipped data pack. Both backends keep the parcels in a table ``parcels`` with a
``version`` per record, a ``parcel_history`` table (who, when, before, after), the
column mappings remembered per import source (``import_mappings``) and a store-wide
``revision`` counter (``atlas_state``) that every write raises, so readers in other
sessions and processes notice a change with one cheap query.

The SQL is written once here (SQLAlchemy Core ``text`` with named parameters runs the
same on SQLite and PostgreSQL); a backend only says how a geometry goes in and out
(GeoPackage binary header + WKB, or PostGIS ``ST_GeomFromWKB``) and how the reference
layers are read.
"""

from __future__ import annotations

import json
import math
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, Engine, text

from geodata.model.schema import PARCEL_COLUMNS, PARCEL_NUMERIC, WGS84
from geodata.store.leads import create_lead_tables

#: Columns the shipped pack carries beyond the data model (provenance of indicative sites).
EXTRA_PARCEL_COLUMNS: tuple[str, ...] = (
    "layer",
    "kind",
    "placement",
    "gazetteer_name",
    "plan_note_zh",
    "location_basis_zh",
)
#: Every attribute column of the stored parcels, in order.
STORE_PARCEL_COLUMNS: tuple[str, ...] = (*PARCEL_COLUMNS, *EXTRA_PARCEL_COLUMNS)
#: Bookkeeping columns every stored parcel has.
VERSION_COLUMNS: tuple[str, ...] = ("version", "updated_at", "updated_by")
#: What an editor may change in the edit form (the rest comes from imports or the pack).
EDITABLE_COLUMNS: tuple[str, ...] = (
    "status",
    "supply_quarter",
    "area_m2",
    "area_mu",
    "land_use",
    "description_zh",
)

Action = Literal["add", "change", "remove"]


class StoreError(Exception):
    """A write the store refuses; ``key``/``values`` name a message in ``geodata/text/locales/data.toml``."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(f"{key} {values}")
        self.key = key
        self.values = values


class StoreChangedError(StoreError):
    """The store changed between an import's preview and its confirmation: nothing was written."""

    def __init__(self, previewed: int, current: int) -> None:
        super().__init__("store.changed_since_preview", previewed=previewed, current=current)
        self.previewed = previewed
        self.current = current


class ConflictError(StoreError):
    """Someone else saved the parcel after the editor loaded it."""

    def __init__(self, parcel_id: str, version: int, by: str, at: str) -> None:
        super().__init__("store.conflict", parcel=parcel_id, version=version, by=by, at=readable_time(at))
        self.parcel_id = parcel_id
        self.version = version


@dataclass(frozen=True)
class Change:
    """One parcel to add, change or remove. ``values`` are attribute fields (absent = keep)."""

    action: Action
    parcel_id: str
    values: Mapping[str, Any] = field(default_factory=dict)
    geometry: BaseGeometry | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    parcel_id: str
    action: str
    version: int
    user: str
    at: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str


def readable_time(iso: str) -> str:
    """An ISO time as people read it in a message.

    >>> readable_time("2026-11-24T14:02:05+00:00"), readable_time("?")
    ('2026-11-24 14:02 UTC', '?')
    """
    try:
        return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError):
        return iso


def now_utc() -> str:
    """The current time as an ISO-8601 UTC string with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def clean_value(column: str, value: Any) -> Any:
    """A value as the store keeps it: float or None for numeric fields, str or None for text.

    >>> clean_value("area_m2", "1200.5"), clean_value("area_m2", ""), clean_value("status", " sold ")
    (1200.5, None, 'sold')
    >>> clean_value("area_mu", float("nan")) is None
    True
    """
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if column in PARCEL_NUMERIC:
        if isinstance(value, str):
            value = value.strip().replace(",", "")
            if not value:
                return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number):
            raise StoreError("store.not_a_number", column=column, value=str(value))
        return number
    text_value = str(value).strip()
    return text_value or None


def _snapshot(row: Mapping[str, Any], geom: BaseGeometry | None) -> dict[str, Any]:
    out = {c: row.get(c) for c in (*STORE_PARCEL_COLUMNS, "version")}
    out["geometry_wkb"] = shapely.to_wkb(geom, hex=True) if geom is not None else None
    return out


class Backend(ABC):
    """What a store offers the app: reference layers and tables, versioned parcels with history."""

    kind: str = "base"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- geometry in and out: the one thing the SQL dialects disagree on -------------------
    geom_param: str = ":geom"  # SQL expression that turns the bound parameter into a geometry
    geom_select: str = "geom"  # SQL expression that yields the geometry as bytes
    #: Appended to the read of the revision inside a write: PostgreSQL locks the row so two
    #: writers queue (SQLite's BEGIN IMMEDIATE already serialises every writer).
    lock_clause: str = ""

    @abstractmethod
    def encode_geometry(self, geom: BaseGeometry) -> bytes: ...

    @abstractmethod
    def decode_geometry(self, value: bytes | memoryview | None) -> BaseGeometry | None: ...

    # -- reference data ------------------------------------------------------------------
    @abstractmethod
    def read_layer(self, name: str) -> gpd.GeoDataFrame: ...

    @abstractmethod
    def read_table(self, name: str) -> pd.DataFrame: ...

    @abstractmethod
    def pack_version(self) -> str: ...

    # -- reads -----------------------------------------------------------------------------
    def revision(self) -> int:
        """A number that every write raises: cheap to ask on each page run."""
        with self.engine.connect() as conn:
            value = conn.execute(text("SELECT value FROM atlas_state WHERE key = 'revision'")).scalar()
        return int(value or 0)

    def store_id(self) -> str:
        """A random id given to this store when it was created (kept across pack updates)."""
        with self.engine.connect() as conn:
            value = conn.execute(text("SELECT value FROM atlas_state WHERE key = 'store_id'")).scalar()
        return str(value or "")

    def _select_parcels(self, where: str = "") -> str:
        cols = ", ".join(_q(c) for c in (*STORE_PARCEL_COLUMNS, *VERSION_COLUMNS))
        return f"SELECT {cols}, {self.geom_select} AS geom FROM parcels {where} ORDER BY fid"

    def read_parcels(self) -> gpd.GeoDataFrame:
        """Every stored parcel with its ``version`` (WGS-84)."""
        with self.engine.connect() as conn:
            rows = conn.execute(text(self._select_parcels())).mappings().all()
        return self._frame(rows)

    def _frame(self, rows: Sequence[Mapping[str, Any]]) -> gpd.GeoDataFrame:
        cols = [*STORE_PARCEL_COLUMNS, *VERSION_COLUMNS]
        data = {c: [r[c] for r in rows] for c in cols}
        df = pd.DataFrame(data, columns=cols)
        for c in PARCEL_NUMERIC:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
        df["version"] = pd.to_numeric(df["version"]).astype("int64") if len(df) else df["version"]
        geoms = [self.decode_geometry(r["geom"]) for r in rows]
        return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)

    def _current(self, conn: Connection, parcel_id: str) -> tuple[dict[str, Any], BaseGeometry | None] | None:
        row = conn.execute(text(self._select_parcels("WHERE id = :id")), {"id": parcel_id}).mappings().first()
        if row is None:
            return None
        return dict(row), self.decode_geometry(row["geom"])

    def history(self, parcel_id: str | None = None, limit: int = 500) -> list[HistoryEntry]:
        """Recorded changes, newest first; one parcel's or all."""
        where = "WHERE parcel_id = :pid" if parcel_id else ""
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    text(
                        "SELECT id, parcel_id, action, version, user_name, at, before_json, after_json, note "
                        f"FROM parcel_history {where} ORDER BY id DESC LIMIT :limit"
                    ),
                    {"pid": parcel_id, "limit": int(limit)},
                )
                .mappings()
                .all()
            )
        return [
            HistoryEntry(
                id=int(r["id"]),
                parcel_id=r["parcel_id"],
                action=r["action"],
                version=int(r["version"]),
                user=r["user_name"],
                at=r["at"],
                before=json.loads(r["before_json"]) if r["before_json"] else None,
                after=json.loads(r["after_json"]) if r["after_json"] else None,
                note=r["note"] or "",
            )
            for r in rows
        ]

    # -- writes ----------------------------------------------------------------------------
    def _begin(self):  # a context manager yielding a Connection in one transaction
        return self.engine.begin()

    def apply_changeset(
        self, changes: Iterable[Change], user: str, note: str = "", expected_revision: int | None = None
    ) -> int:
        """Write every change in ONE transaction, each recorded in the history.

        Any refusal (a conflict, an unknown parcel, a duplicate id) rolls the whole set
        back and raises. With ``expected_revision`` (the revision a preview was made
        against) the set is refused with :class:`StoreChangedError` if any write came in
        between: the editor previews again instead of overwriting what someone else did.
        Returns the new store revision.
        """
        changes = list(changes)
        if not user:
            raise StoreError("store.no_user")
        with self._begin() as conn:
            if expected_revision is not None:
                current = int(
                    conn.execute(
                        text(f"SELECT value FROM atlas_state WHERE key = 'revision'{self.lock_clause}")
                    ).scalar()
                    or 0
                )
                if current != int(expected_revision):
                    raise StoreChangedError(int(expected_revision), current)
            for change in changes:
                self._apply(conn, change, user, note)
            return self._bump(conn)

    def update_parcel(
        self, parcel_id: str, values: Mapping[str, Any], expected_version: int, user: str, note: str = ""
    ) -> int:
        """Change some fields of one parcel if nobody saved it since ``expected_version``."""
        bad = sorted(set(values) - set(STORE_PARCEL_COLUMNS) - {"geometry"})
        if bad:
            raise StoreError("store.unknown_field", field=", ".join(bad))
        return self.apply_changeset(
            [Change("change", parcel_id, dict(values), None, expected_version)], user, note
        )

    def revert(self, history_id: int, user: str) -> int:
        """Undo one recorded change, as a new recorded change (the parcel's state before it)."""
        with self._begin() as conn:
            row = (
                conn.execute(
                    text("SELECT parcel_id, action, version, before_json FROM parcel_history WHERE id = :id"),
                    {"id": int(history_id)},
                )
                .mappings()
                .first()
            )
            if row is None:
                raise StoreError("store.no_history", id=history_id)
            pid = row["parcel_id"]
            before = json.loads(row["before_json"]) if row["before_json"] else None
            current = self._current(conn, pid)
            note = f"revert #{history_id}"
            if row["action"] == "remove":
                if current is not None:
                    raise StoreError("store.revert_exists", parcel=pid)
                change = _restore_change("add", pid, before, None)
            else:
                if current is None:
                    raise StoreError("store.revert_gone", parcel=pid)
                if int(current[0]["version"]) != int(row["version"]):
                    c = current[0]
                    raise ConflictError(pid, int(c["version"]), c["updated_by"] or "", c["updated_at"] or "")
                if row["action"] == "add":
                    change = Change("remove", pid, expected_version=int(row["version"]))
                else:
                    change = _restore_change("change", pid, before, int(row["version"]))
            self._apply(conn, change, user, note)
            return self._bump(conn)

    def _bump(self, conn: Connection) -> int:
        conn.execute(
            text(
                "UPDATE atlas_state SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'revision'"
            )
        )
        return int(conn.execute(text("SELECT value FROM atlas_state WHERE key = 'revision'")).scalar() or 0)

    def _insert_parcel(self, conn, row: dict[str, Any], geometry: BaseGeometry) -> None:  # type: ignore[no-untyped-def]
        """Insert one parcel row (every stored column and its version columns) with its geometry."""
        cols = [*STORE_PARCEL_COLUMNS, *VERSION_COLUMNS]
        params = {f"p{i}": row[c] for i, c in enumerate(cols)}
        params["geom"] = self.encode_geometry(geometry)
        conn.execute(
            text(
                f"INSERT INTO parcels ({', '.join(_q(c) for c in cols)}, geom) VALUES "
                f"({', '.join(f':p{i}' for i in range(len(cols)))}, {self.geom_param})"
            ),
            params,
        )

    def _record(
        self,
        conn: Connection,
        pid: str,
        action: str,
        version: int,
        user: str,
        at: str,
        before: dict | None,
        after: dict | None,
        note: str,
    ) -> None:
        conn.execute(
            text(
                "INSERT INTO parcel_history (parcel_id, action, version, user_name, at, before_json, after_json, note) "
                "VALUES (:pid, :action, :version, :user, :at, :before, :after, :note)"
            ),
            {
                "pid": pid,
                "action": action,
                "version": version,
                "user": user,
                "at": at,
                "before": json.dumps(before, ensure_ascii=False) if before is not None else None,
                "after": json.dumps(after, ensure_ascii=False) if after is not None else None,
                "note": note,
            },
        )

    def _apply(self, conn: Connection, change: Change, user: str, note: str) -> None:
        pid = str(change.parcel_id or "").strip()
        if not pid:
            raise StoreError("store.no_id")
        at = now_utc()
        current = self._current(conn, pid)
        values = {k: clean_value(k, v) for k, v in change.values.items() if k in STORE_PARCEL_COLUMNS}
        if change.action == "add":
            if current is not None:
                raise StoreError("store.duplicate", parcel=pid)
            if change.geometry is None:
                raise StoreError("store.no_geometry", parcel=pid)
            # A re-added id continues its numbering, so a stale version can never match again.
            last = conn.execute(
                text("SELECT MAX(version) FROM parcel_history WHERE parcel_id = :id"), {"id": pid}
            ).scalar()
            version = int(last or 0) + 1
            row = {c: values.get(c) for c in STORE_PARCEL_COLUMNS}
            row.update(id=pid, version=version, updated_at=at, updated_by=user)
            self._insert_parcel(conn, row, change.geometry)
            self._record(conn, pid, "add", version, user, at, None, _snapshot(row, change.geometry), note)
            return
        if current is None:
            raise StoreError("store.unknown_parcel", parcel=pid)
        old, old_geom = current
        version = int(old["version"])
        if change.expected_version is not None and version != int(change.expected_version):
            raise ConflictError(pid, version, old["updated_by"] or "", old["updated_at"] or "")
        before = _snapshot(old, old_geom)
        if change.action == "remove":
            result = conn.execute(
                text("DELETE FROM parcels WHERE id = :id AND version = :v"), {"id": pid, "v": version}
            )
            if result.rowcount != 1:  # saved by another process between our read and this delete
                raise ConflictError(pid, version + 1, "?", at)
            self._record(conn, pid, "remove", version, user, at, before, None, note)
            return
        sets = [f"{_q(c)} = :p{i}" for i, c in enumerate(values)]
        params: dict[str, Any] = {f"p{i}": v for i, v in enumerate(values.values())}
        if change.geometry is not None:
            sets.append(f"geom = {self.geom_param}")
            params["geom"] = self.encode_geometry(change.geometry)
        sets += ["version = :newv", "updated_at = :at", "updated_by = :user"]
        params.update(newv=version + 1, at=at, user=user, id=pid, v=version)
        result = conn.execute(
            text(f"UPDATE parcels SET {', '.join(sets)} WHERE id = :id AND version = :v"), params
        )
        if result.rowcount != 1:  # saved by another process between our read and this write
            raise ConflictError(pid, version + 1, "?", at)
        new_row = {**old, **values, "version": version + 1}
        after = _snapshot(new_row, change.geometry if change.geometry is not None else old_geom)
        self._record(conn, pid, "change", version + 1, user, at, before, after, note)

    # -- column mappings remembered per source ------------------------------------------------
    def mapping(self, source: str) -> dict[str, str]:
        with self.engine.connect() as conn:
            value = conn.execute(
                text("SELECT mapping_json FROM import_mappings WHERE source = :s"), {"s": source}
            ).scalar()
        return dict(json.loads(value)) if value else {}

    def save_mapping(self, source: str, mapping: Mapping[str, str]) -> None:
        payload = json.dumps(dict(mapping), ensure_ascii=False, sort_keys=True)
        with self._begin() as conn:
            conn.execute(text("DELETE FROM import_mappings WHERE source = :s"), {"s": source})
            conn.execute(
                text("INSERT INTO import_mappings (source, mapping_json, updated_at) VALUES (:s, :m, :at)"),
                {"s": source, "m": payload, "at": now_utc()},
            )

    def fingerprint(self) -> list[tuple]:
        """Every stored parcel and history row as plain tuples: tests compare it before/after a refused write."""
        with self.engine.connect() as conn:
            parcels = conn.execute(text(self._select_parcels())).all()
            hist = conn.execute(text("SELECT * FROM parcel_history ORDER BY id")).all()
            rev = conn.execute(text("SELECT value FROM atlas_state WHERE key = 'revision'")).all()
        return [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in [*parcels, *hist, *rev]
        ]


def create_bookkeeping(kind: str, conn: Connection) -> None:
    """The tables every store keeps beside its parcels: edit history, import mappings, revision and id.

    ``kind`` is ``"gpkg"`` or ``"postgis"`` (they differ only in how a serial key is spelled).
    """
    serial = "SERIAL PRIMARY KEY" if kind == "postgis" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    conn.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS parcel_history (id {serial}, parcel_id TEXT NOT NULL, "
            "action TEXT NOT NULL, version INTEGER NOT NULL, user_name TEXT NOT NULL, at TEXT NOT NULL, "
            "before_json TEXT, after_json TEXT, note TEXT NOT NULL DEFAULT '')"
        )
    )
    conn.execute(
        text(
            "CREATE TABLE IF NOT EXISTS import_mappings (source TEXT PRIMARY KEY, mapping_json TEXT NOT NULL, "
            "updated_at TEXT NOT NULL)"
        )
    )
    conn.execute(
        text("CREATE TABLE IF NOT EXISTS atlas_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    )
    conn.execute(
        text(
            "INSERT INTO atlas_state (key, value) SELECT 'revision', '0' "
            "WHERE NOT EXISTS (SELECT 1 FROM atlas_state WHERE key = 'revision')"
        )
    )
    # Which store this is: a revision number means nothing across stores (caches key on both).
    conn.execute(
        text(
            "INSERT INTO atlas_state (key, value) SELECT 'store_id', :uid "
            "WHERE NOT EXISTS (SELECT 1 FROM atlas_state WHERE key = 'store_id')"
        ),
        {"uid": uuid.uuid4().hex},
    )
    # Interest registrations live in the same store, in their own tables (never a public layer).
    create_lead_tables(kind, conn)


def _restore_change(action: Action, pid: str, snapshot: dict | None, expected: int | None) -> Change:
    if snapshot is None:
        raise StoreError("store.no_history", id=pid)
    wkb = snapshot.get("geometry_wkb")
    geom = shapely.from_wkb(wkb) if wkb else None
    values = {c: snapshot.get(c) for c in STORE_PARCEL_COLUMNS if c != "id"}
    return Change(action, pid, values, geom, expected)


def _q(column: str) -> str:
    """A column name quoted for SQL (names come from the fixed schema, never from files)."""
    assert column.replace("_", "").isalnum(), column
    return f'"{column}"'
