# The README's two commands live here: `make run` and `make test`.
# Each one creates the virtual environment it needs on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501

.PHONY: run test test-fast lint bench build-pack backup restore clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment. On Debian/Ubuntu: apt-get install python3-venv"; exit 1; }

# Re-install whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,build]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Every test: unit, AppTest and real-browser (Playwright + Chromium).
test: $(STAMP)
	@. scripts/ensure_chromium.sh && $(BIN)/python -m pytest

# Everything but the browser tests, for a quick loop while editing.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not e2e"

# ruff, then the import-linter contracts (the layers of the code, in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# In Chromium, beside plain Streamlit + folium pages: the parcel map on the shipped data and at
# 1,000, 10,000 and 100,000 parcels (times, memory, bytes per filter change and per zoom), and
# the meeting step (key press -> next stop's map and caption, at 1920x1080). About half an hour;
# quick: make bench BENCH_ARGS="--sizes shipped,1000 --runs 1 --sessions 0 --out /tmp/bench".
bench: $(STAMP)
	@. scripts/ensure_chromium.sh && $(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/export.py

# Rebuild the shipped data pack from its sources (needs the optional `build` extra).
build-pack: $(STAMP)
	$(BIN)/python -m scripts.pack.build_districts
	$(BIN)/python -m scripts.pack.build_places

# A copy of the store (GeoPackage file copy, or pg_dump for PostGIS) into backups/;
# `make restore FILE=backups/...` puts one back (keeping a copy of the current store first).
backup: $(STAMP)
	$(BIN)/python -m scripts.store_backup backup

restore: $(STAMP)
	@test -n "$(FILE)" || { echo 'Which copy? make restore FILE=path (see: $(BIN)/python -m scripts.store_backup list)'; exit 2; }
	$(BIN)/python -m scripts.store_backup restore "$(FILE)"

# The production topology on this machine: PostGIS + $(REPLICAS) Streamlit replicas + nginx on
# http://127.0.0.1:$(PROXY_PORT) (needs Debian's nginx, postgresql, postgresql-postgis). See deploy/.
REPLICAS   ?= 2
PROXY_PORT ?= 8080
serve: $(STAMP)
	REPLICAS=$(REPLICAS) PROXY_PORT=$(PROXY_PORT) PY=$(CURDIR)/$(BIN)/python bash deploy/serve.sh start

serve-stop:
	bash deploy/serve.sh stop

# Protocol-level load test (Locust speaking Streamlit's websocket protobufs) against make serve's
# proxy (or LOAD_HOST=http://127.0.0.1:8601 for one replica), with the replicas' CPU and memory
# sampled: bench/results/load-$(LOAD_LABEL).json. See bench/results/LOAD.md.
LOAD_HOST  ?= http://127.0.0.1:$(PROXY_PORT)
LOAD_USERS ?= 100
LOAD_TIME  ?= 240s
LOAD_LABEL ?= proxy$(REPLICAS)-$(LOAD_USERS)
load: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[load]"
	$(BIN)/python bench/load/measure.py --label $(LOAD_LABEL) --host $(LOAD_HOST) --users $(LOAD_USERS) --time $(LOAD_TIME)

clean:
	rm -rf $(VENV) data .pytest_cache
