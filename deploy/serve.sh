#!/usr/bin/env bash
# The whole production topology on one machine: a PostgreSQL + PostGIS cluster, N Streamlit
# replicas sharing it, and nginx in front (deploy/nginx.conf.template).
#
#   bash deploy/serve.sh start   # make serve       (REPLICAS=2 PROXY_PORT=8080 by default)
#   bash deploy/serve.sh stop    # make serve-stop
#
# Everything lives in $SERVE_DIR (default ./run/serve, git-ignored): the cluster, pid files, logs.
# All processes listen on 127.0.0.1 only; put a TLS terminator or a firewall rule in front
# to open it to a room.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PY=${PY:-$REPO/.venv/bin/python}
REPLICAS=${REPLICAS:-2}
PROXY_PORT=${PROXY_PORT:-8080}
BASE_PORT=${BASE_PORT:-8601}
SERVE_DIR=${SERVE_DIR:-$REPO/run/serve}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
RUN=()
[ "$(id -u)" = 0 ] && RUN=(runuser -u postgres --)

_wait_health() {  # url, seconds
  local i
  for i in $(seq 1 "$2"); do
    curl -fs -o /dev/null --max-time 2 "$1" && return 0
    sleep 1
  done
  echo "not healthy after $2 s: $1" >&2
  return 1
}

start() {
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || {
    echo "nginx is missing: apt-get install nginx" >&2; exit 3; }
  mkdir -p "$SERVE_DIR"
  if [ ! -f "$SERVE_DIR/env" ]; then
    # The cluster goes to a temporary folder: the server runs as `postgres` when we are root,
    # and that user may not be able to enter the checkout.
    bash scripts/ensure_postgis.sh | sed 's/ATLAS_TEST_/ATLAS_SERVE_/' > "$SERVE_DIR/env"
  fi
  # shellcheck disable=SC1091
  . "$SERVE_DIR/env"
  if ! "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$ATLAS_SERVE_PG_DIR/data" status >/dev/null 2>&1; then
    PGPORT=${ATLAS_SERVE_DATABASE_URL##*:}; PGPORT=${PGPORT%%/*}
    "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$ATLAS_SERVE_PG_DIR/data" -l "$ATLAS_SERVE_PG_DIR/server.log" -w \
      -o "-p $PGPORT -k $ATLAS_SERVE_PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  export ATLAS_DATABASE_URL=$ATLAS_SERVE_DATABASE_URL
  # Build (or bring up to date) the shared store once, before the replicas start, so they do
  # not race each other seeding an empty database.
  "$PY" -c 'import os; from geodata.store import open_backend; open_backend(os.environ["ATLAS_DATABASE_URL"])'

  local upstreams="" i port
  for i in $(seq 1 "$REPLICAS"); do
    port=$((BASE_PORT + i - 1))
    upstreams+="        server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
    if ! { [ -f "$SERVE_DIR/replica-$i.pid" ] && kill -0 "$(cat "$SERVE_DIR/replica-$i.pid")" 2>/dev/null; }; then
      nohup "$PY" -m streamlit run app.py --server.port "$port" --server.address 127.0.0.1 \
        --server.headless true > "$SERVE_DIR/replica-$i.log" 2>&1 &
      echo $! > "$SERVE_DIR/replica-$i.pid"
    fi
  done
  for i in $(seq 1 "$REPLICAS"); do
    _wait_health "http://127.0.0.1:$((BASE_PORT + i - 1))/_stcore/health" 120
  done

  mkdir -p "$SERVE_DIR/nginx"
  local upfile="$SERVE_DIR/nginx/upstreams"
  printf '%s' "$upstreams" > "$upfile"
  "$PY" - "$REPO/deploy/nginx.conf.template" "$SERVE_DIR/nginx/nginx.conf" "$upfile" "$PROXY_PORT" "$SERVE_DIR/nginx" <<'PYEOF'
import sys
template, out, upfile, port, run = sys.argv[1:]
text = open(template).read().replace("@UPSTREAMS@", open(upfile).read().rstrip("\n"))
open(out, "w").write(text.replace("@PORT@", port).replace("@RUN@", run))
PYEOF
  if [ -f "$SERVE_DIR/nginx/nginx.pid" ] && kill -0 "$(cat "$SERVE_DIR/nginx/nginx.pid")" 2>/dev/null; then
    nginx -p "$SERVE_DIR/nginx" -c "$SERVE_DIR/nginx/nginx.conf" -s reload
  else
    nginx -p "$SERVE_DIR/nginx" -c "$SERVE_DIR/nginx/nginx.conf" -g 'daemon on;' 2>/dev/null \
      || nginx -p "$SERVE_DIR/nginx" -c "$SERVE_DIR/nginx/nginx.conf"
  fi
  _wait_health "http://127.0.0.1:$PROXY_PORT/_stcore/health" 30
  echo "Atlas: http://127.0.0.1:$PROXY_PORT  ($REPLICAS replicas on ports $BASE_PORT.., PostGIS $ATLAS_SERVE_DATABASE_URL)"
}

stop() {
  [ -d "$SERVE_DIR" ] || { echo "nothing running in $SERVE_DIR"; return 0; }
  if [ -f "$SERVE_DIR/nginx/nginx.pid" ]; then
    kill "$(cat "$SERVE_DIR/nginx/nginx.pid")" 2>/dev/null || true
    rm -f "$SERVE_DIR/nginx/nginx.pid"
  fi
  local f
  for f in "$SERVE_DIR"/replica-*.pid; do
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  if [ -f "$SERVE_DIR/env" ]; then
    # shellcheck disable=SC1091
    . "$SERVE_DIR/env"
    "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$ATLAS_SERVE_PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  fi
  echo "stopped (data kept in $SERVE_DIR; remove it to start afresh)"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
