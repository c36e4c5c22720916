"""Copies of the store: one before every rebuild and every import, and on demand (``make backup``).

GeoPackage: a consistent copy of the file made with SQLite's online backup API (safe while
the app reads and writes), restored in place the same way, so running app processes keep
working on the restored data instead of a replaced file. PostGIS: ``pg_dump`` of the
atlas's tables in the custom format, restored with ``pg_restore --clean`` in one
transaction. Every restore first keeps a copy of what it replaces, and raises the store's
revision past every number it had, so no process serves a cached page of the replaced data.

Copies go to ``$ATLAS_BACKUPS``, else a ``backups`` folder beside the GeoPackage store;
the newest :data:`KEEP_BACKUPS` are kept.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from geodata.store.base import StoreError

BACKUP_ENV = "ATLAS_BACKUPS"
KEEP_BACKUPS = 20
#: The atlas's tables in PostgreSQL (and the sequences of their serial keys).
PG_TABLE_PATTERNS = ("parcels*", "parcel_history*", "import_mappings", "atlas_state", "ref_*")
_PG_TIMEOUT_S = 600


def backup_dir(store_path: Path) -> Path:
    """Where copies go: ``$ATLAS_BACKUPS``, else ``backups`` beside the (GeoPackage) store path."""
    env = os.environ.get(BACKUP_ENV)
    if env:
        return Path(env).expanduser()
    return Path(store_path).parent / "backups"


def _name(stem: str, reason: str, suffix: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    reason = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "manual"
    return f"{stem}-{stamp}-{reason}{suffix}"


def list_backups(folder: Path) -> list[Path]:
    """The copies in ``folder``, oldest first (names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".gpkg", ".dump") and not p.name.startswith("."))


def _prune(folder: Path, keep: int = KEEP_BACKUPS) -> None:
    for old in list_backups(folder)[:-keep]:
        old.unlink(missing_ok=True)


def _copy_sqlite(src: Path, dst: Path) -> None:
    """Copy one SQLite database onto another with the online backup API (page by page, locked)."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(dst, timeout=30)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def backup_gpkg(path: Path, folder: Path | None = None, reason: str = "manual") -> Path:
    """A consistent copy of the GeoPackage store; returns its path."""
    path = Path(path)
    folder = Path(folder) if folder is not None else backup_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / _name(path.stem, reason, ".gpkg")
    partial = folder / f".{out.name}.part"
    try:
        _copy_sqlite(path, partial)
        os.replace(partial, out)  # a copy is either complete or absent
    except sqlite3.Error as exc:
        raise StoreError("store.backup_failed", detail=str(exc)[:200]) from exc
    finally:
        partial.unlink(missing_ok=True)
    _prune(folder)
    return out


def _raise_revision(conn: sqlite3.Connection, above: int) -> None:
    conn.execute("UPDATE atlas_state SET value = ? WHERE key = 'revision'", (str(above + 1),))


def _gpkg_revision(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT value FROM atlas_state WHERE key = 'revision'").fetchone()
        return int(row[0]) if row else 0
    except sqlite3.Error:
        return 0


def restore_gpkg(path: Path, copy: Path, folder: Path | None = None) -> Path:
    """Put ``copy`` back as the store at ``path``, in place; returns the copy kept of what was there."""
    path, copy = Path(path), Path(copy)
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as probe:
        try:
            probe.execute("SELECT value FROM atlas_state WHERE key = 'revision'").fetchone()
        except sqlite3.Error as exc:
            raise StoreError("store.backup_failed", detail=f"{copy.name}: {exc}") from exc
    kept = backup_gpkg(path, folder, "before-restore")
    highest = max(_gpkg_revision(path), _gpkg_revision(copy))
    _copy_sqlite(copy, path)
    with sqlite3.connect(path, timeout=30) as conn:
        _raise_revision(conn, highest)
    return kept


# -- PostGIS -----------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """``pg_dump`` / ``pg_restore``: the newest PostgreSQL's under /usr/lib/postgresql, else on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if found:
        return str(found[-1])
    tool = shutil.which(name)
    if tool is None:
        raise StoreError("store.backup_failed", detail=f"{name} not found (install postgresql-client)")
    return tool


def libpq_url(url: str) -> str:
    """The URL as libpq tools take it (no SQLAlchemy driver part).

    >>> libpq_url("postgresql+psycopg://u@h:5432/db")
    'postgresql://u@h:5432/db'
    """
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)


def _run(args: list[str]) -> None:
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=_PG_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StoreError("store.backup_failed", detail=str(exc)[:200]) from exc
    if proc.returncode != 0:
        # libpq messages may name host and user: they go to the editor and the log, never to visitors
        raise StoreError("store.backup_failed", detail=proc.stderr.strip()[-300:])


def backup_postgis(url: str, folder: Path, reason: str = "manual") -> Path:
    """``pg_dump`` of the atlas's tables into ``folder``; returns the dump's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / _name("atlas-postgis", reason, ".dump")
    partial = folder / f".{out.name}.part"
    tables = [arg for pattern in PG_TABLE_PATTERNS for arg in ("-t", pattern)]
    try:
        _run([_pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", *tables, "-f", str(partial), "-d", libpq_url(url)])
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    _prune(folder)
    return out


def restore_postgis(url: str, dump: Path, folder: Path) -> Path:
    """Put the dump back (one transaction: all or nothing); returns the dump kept of what was there."""
    from sqlalchemy import create_engine, text

    dump = Path(dump)
    if not dump.is_file():
        raise StoreError("store.backup_failed", detail=f"{dump.name}: no such file")
    kept = backup_postgis(url, folder, "before-restore")
    engine = create_engine("postgresql+psycopg://" + libpq_url(url).removeprefix("postgresql://"))
    try:
        with engine.connect() as conn:
            before = int(conn.execute(text("SELECT value FROM atlas_state WHERE key = 'revision'")).scalar() or 0)
        _run(
            [_pg_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction", "--no-owner",
             "--no-privileges", "-d", libpq_url(url), str(dump)]
        )  # fmt: skip
        with engine.begin() as conn:
            restored = int(conn.execute(text("SELECT value FROM atlas_state WHERE key = 'revision'")).scalar() or 0)
            conn.execute(
                text("UPDATE atlas_state SET value = :v WHERE key = 'revision'"),
                {"v": str(max(before, restored) + 1)},
            )
    finally:
        engine.dispose()
    return kept
