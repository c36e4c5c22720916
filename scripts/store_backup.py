"""Copy the store, or put a copy back: ``make backup`` and ``make restore FILE=...``.

    python -m scripts.store_backup backup            # a copy into the backups folder; prints its path
    python -m scripts.store_backup list              # the copies, oldest first
    python -m scripts.store_backup restore FILE      # put FILE back (a copy of the current store is kept first)

The store is the one the app uses: PostGIS when ``ATLAS_DATABASE_URL`` (or ``database_url``
in ``.streamlit/secrets.toml``) is set, else the GeoPackage (``ATLAS_STORE`` or
``data/atlas.gpkg``). Copies go to ``ATLAS_BACKUPS`` or ``backups/`` beside the GeoPackage.
Running app processes may stay up: a GeoPackage is restored in place under SQLite's locks,
a PostGIS dump in one transaction; either way the store's revision rises, so every page
shows the restored data on its next run.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from geodata.store import database_url, default_store_path, ensure_store
from geodata.store.backup import (
    backup_dir,
    backup_gpkg,
    backup_postgis,
    list_backups,
    restore_gpkg,
    restore_postgis,
)
from geodata.store.base import StoreError

SECRETS = Path(".streamlit") / "secrets.toml"


def _url() -> str | None:
    secrets = {}
    if SECRETS.is_file():
        try:
            secrets = tomllib.loads(SECRETS.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            secrets = {}
    return database_url(secrets=secrets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("backup", help="copy the store into the backups folder")
    sub.add_parser("list", help="list the copies")
    restore = sub.add_parser("restore", help="put a copy back")
    restore.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    url = _url()
    store = default_store_path()
    folder = backup_dir(store)
    try:
        if args.command == "list":
            for path in list_backups(folder):
                print(path)
        elif args.command == "backup":
            if url:
                print(backup_postgis(url, folder))
            else:
                print(backup_gpkg(ensure_store(store), folder))
        else:
            if not args.file.is_file():
                print(f"no such file: {args.file}", file=sys.stderr)
                return 2
            kept = restore_postgis(url, args.file, folder) if url else restore_gpkg(store, args.file, folder)
            print(f"restored {args.file}; the store as it was is kept in {kept}")
    except StoreError as err:
        print(f"{err.key}: {err.values}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
