"""Leads (interest registrations) in the store: their own tables beside the parcels, never a reference layer.

``leads`` holds one row per registration; ``lead_events`` the staff's follow-up (status changes
and notes, each with who and when). Both live in the same GeoPackage or PostGIS database as
the parcels, written with the same SQL on both (SQLAlchemy Core ``text``). Nothing here is
read by a public page: the reference layers and tables the app shows are named in
``geodata.model.schema`` (``LAYERS``, ``TABLES``), and these tables are in neither.

Every function takes a store (``geodata.store.base.Backend``: its ``engine`` and ``kind``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pandas as pd
from sqlalchemy import Connection, text

from geodata.domain.leads import STATUSES, LeadInput, clean_text, now_iso

#: The two tables of this module (never listed in ``schema.LAYERS`` / ``TABLES``).
LEAD_TABLES = ("leads", "lead_events")
#: The longest note staff may add.
MAX_NOTE = 2000

_COLUMNS = tuple(LeadInput.__dataclass_fields__)


class LeadError(Exception):
    """A refused lead operation; ``key`` names a message in ``leads.toml``."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def create_lead_tables(kind: str, conn: Connection) -> None:
    """Create the leads tables if they do not exist (``kind``: ``gpkg`` or ``postgis``)."""
    serial = "SERIAL PRIMARY KEY" if kind == "postgis" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    real = "DOUBLE PRECISION" if kind == "postgis" else "REAL"
    conn.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS leads (id {serial}, created_at TEXT NOT NULL, "
            "target_kind TEXT NOT NULL, target_id TEXT NOT NULL, lang TEXT NOT NULL, company TEXT NOT NULL, "
            f"contact_name TEXT NOT NULL, phone TEXT, email TEXT, industry TEXT, land_mu {real}, land_m2 {real}, "
            f"investment_wan {real}, timing TEXT, message TEXT NOT NULL DEFAULT '', consent_version TEXT NOT NULL, "
            "status TEXT NOT NULL DEFAULT 'new', status_by TEXT, status_at TEXT)"
        )
    )
    conn.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS lead_events (id {serial}, lead_id INTEGER NOT NULL, at TEXT NOT NULL, "
            "user_name TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL)"
        )
    )
    conn.execute(text("CREATE INDEX IF NOT EXISTS leads_created ON leads (created_at)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS lead_events_lead ON lead_events (lead_id)"))


def _ensure(store) -> None:  # type: ignore[no-untyped-def]
    # Stores made before leads existed get the tables on first use; CREATE ... IF NOT EXISTS is cheap.
    if getattr(store, "_leads_ready", False):
        return
    with store.engine.begin() as conn:
        create_lead_tables(store.kind, conn)
    store._leads_ready = True


def add_lead(store, lead: LeadInput, at: str | None = None) -> int:  # type: ignore[no-untyped-def]
    """Store one checked registration; returns its number."""
    _ensure(store)
    row = asdict(lead)
    row["created_at"] = at or now_iso()
    cols = [*_COLUMNS, "created_at"]
    with store.engine.begin() as conn:
        result = conn.execute(
            text(
                f"INSERT INTO leads ({', '.join(cols)}, status) VALUES ({', '.join(':' + c for c in cols)}, 'new') "
                "RETURNING id"
            ),
            row,
        )
        return int(result.scalar_one())


def read_leads(store) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Every lead, newest first, with its notes joined into one text column ``notes``."""
    _ensure(store)
    with store.engine.connect() as conn:
        leads = pd.read_sql(text("SELECT * FROM leads ORDER BY id DESC"), conn)
        events = pd.read_sql(
            text("SELECT lead_id, at, user_name, kind, value FROM lead_events ORDER BY id"), conn
        )
    notes = events[events["kind"] == "note"]
    joined: dict[int, str] = {}
    for lead_id, at, user, value in zip(
        notes["lead_id"], notes["at"], notes["user_name"], notes["value"], strict=True
    ):
        line = f"[{at} {user}] {value}"
        joined[int(lead_id)] = f"{joined[int(lead_id)]}\n{line}" if int(lead_id) in joined else line
    leads["notes"] = [joined.get(int(i), "") for i in leads["id"]]
    return leads


def lead_events(store, lead_id: int) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """One lead's follow-up, oldest first: status changes and notes with who and when."""
    _ensure(store)
    with store.engine.connect() as conn:
        return pd.read_sql(
            text("SELECT at, user_name, kind, value FROM lead_events WHERE lead_id = :id ORDER BY id"),
            conn,
            params={"id": int(lead_id)},
        )


def _exists(conn: Connection, lead_id: int) -> bool:
    return conn.execute(text("SELECT 1 FROM leads WHERE id = :id"), {"id": int(lead_id)}).first() is not None


def set_status(store, lead_id: int, status: str, user: str) -> None:  # type: ignore[no-untyped-def]
    """Change a lead's status, recording who and when (on the lead and in its events)."""
    if status not in STATUSES:
        raise LeadError("leads.error.status", status=status)
    if not user:
        raise LeadError("leads.error.no_user")
    _ensure(store)
    at = now_iso()
    with store.engine.begin() as conn:
        if not _exists(conn, lead_id):
            raise LeadError("leads.error.unknown", id=lead_id)
        conn.execute(
            text("UPDATE leads SET status = :s, status_by = :u, status_at = :at WHERE id = :id"),
            {"s": status, "u": user, "at": at, "id": int(lead_id)},
        )
        conn.execute(
            text(
                "INSERT INTO lead_events (lead_id, at, user_name, kind, value) VALUES (:id, :at, :u, 'status', :s)"
            ),
            {"id": int(lead_id), "at": at, "u": user, "s": status},
        )


def add_note(store, lead_id: int, note: str, user: str) -> None:  # type: ignore[no-untyped-def]
    """Add a staff note to a lead (with who and when)."""
    note = clean_text(note)
    if not note:
        raise LeadError("leads.error.note_empty")
    if len(note) > MAX_NOTE:
        raise LeadError("leads.error.note_long", limit=MAX_NOTE)
    if not user:
        raise LeadError("leads.error.no_user")
    _ensure(store)
    with store.engine.begin() as conn:
        if not _exists(conn, lead_id):
            raise LeadError("leads.error.unknown", id=lead_id)
        conn.execute(
            text(
                "INSERT INTO lead_events (lead_id, at, user_name, kind, value) VALUES (:id, :at, :u, 'note', :v)"
            ),
            {"id": int(lead_id), "at": now_iso(), "u": user, "v": note},
        )


def delete_lead(store, lead_id: int) -> None:  # type: ignore[no-untyped-def]
    """Delete a lead and its follow-up for good (a deletion request); nothing of it is kept."""
    _ensure(store)
    with store.engine.begin() as conn:
        if not _exists(conn, lead_id):
            raise LeadError("leads.error.unknown", id=lead_id)
        conn.execute(text("DELETE FROM lead_events WHERE lead_id = :id"), {"id": int(lead_id)})
        conn.execute(text("DELETE FROM leads WHERE id = :id"), {"id": int(lead_id)})


def purge_before(store, cutoff_iso: str) -> int:  # type: ignore[no-untyped-def]
    """Delete every lead created before ``cutoff_iso`` (the retention period) and its follow-up; returns how many."""
    _ensure(store)
    with store.engine.begin() as conn:
        old = [
            r[0] for r in conn.execute(text("SELECT id FROM leads WHERE created_at < :c"), {"c": cutoff_iso})
        ]
        if old:
            conn.execute(
                text("DELETE FROM lead_events WHERE lead_id IN (SELECT id FROM leads WHERE created_at < :c)"),
                {"c": cutoff_iso},
            )
            conn.execute(text("DELETE FROM leads WHERE created_at < :c"), {"c": cutoff_iso})
    return len(old)


def count_leads(store) -> int:  # type: ignore[no-untyped-def]
    _ensure(store)
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM leads")).scalar() or 0)
