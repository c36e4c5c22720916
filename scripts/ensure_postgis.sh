#!/usr/bin/env bash
# Start a throwaway PostgreSQL + PostGIS server for the tests and print its URL.
#
#   eval "$(bash scripts/ensure_postgis.sh)"   # exports ATLAS_TEST_DATABASE_URL (make test, .ci/run)
#   bash scripts/ensure_postgis.sh DIR         # cluster in DIR (the pytest fixture does this)
#
# Installs Debian's postgresql + postgis when missing and we may use apt (root or
# password-less sudo). The cluster lives in a temporary directory, listens on a free
# localhost port with trust authentication (test data only), and is stopped with
# `pg_ctl -D DIR/data stop` (the pytest fixture does so at the end of the session).
set -euo pipefail
_apt() { if [ "$(id -u)" = 0 ]; then "$@"; elif sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }
_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
_has_postgis() { ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; }

BIN=$(_bindir || true)
if [ -z "$BIN" ] || ! _has_postgis; then
  if command -v apt-get >/dev/null 2>&1 && _apt true; then
    echo "Installing Debian's PostgreSQL and PostGIS for the tests ..." >&2
    _apt apt-get update -qq >&2
    _apt env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-postgis >/dev/null 2>&1 \
      || { VER=$(apt-cache show postgresql | sed -n 's/^Depends: postgresql-\([0-9]*\).*/\1/p' | head -1);
           _apt env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql "postgresql-${VER}-postgis-3" >/dev/null; }
    BIN=$(_bindir)
  else
    echo "PostgreSQL/PostGIS not installed and apt not usable: install postgresql and postgis" >&2
    exit 3
  fi
fi

DIR=${1:-$(mktemp -d /tmp/atlas-pg.XXXXXX)}
mkdir -p "$DIR"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUN=()
if [ "$(id -u)" = 0 ]; then  # initdb refuses to run as root
  chown postgres "$DIR"
  RUN=(runuser -u postgres --)
fi
"${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"${RUN[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE DATABASE atlas_test" >/dev/null
"${RUN[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d atlas_test -q -c "CREATE EXTENSION postgis" >/dev/null
echo "export ATLAS_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$PORT/atlas_test"
echo "export ATLAS_TEST_PG_DIR=$DIR"
