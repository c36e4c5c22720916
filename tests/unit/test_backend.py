"""Versioned parcels, history, revert and one-transaction changesets: the same tests on both backends."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from shapely.geometry import Polygon

from geodata.model import pack_reader
from geodata.store import Backend, Change, ConflictError, StoreError, open_backend
from geodata.store.gpkg import GeoPackageBackend

REPO = Path(__file__).resolve().parents[2]
SQUARE = Polygon([(120.10, 30.20), (120.11, 30.20), (120.11, 30.21), (120.10, 30.21)])


def _add(b: Backend, pid: str = "HZ-001", **values: object) -> int:
    return b.apply_changeset([Change("add", pid, {"name_zh": "测试地块", **values}, SQUARE)], "alice")


def test_seeded_from_pack_once(backend: Backend) -> None:
    parcels = backend.read_parcels()
    pack = pack_reader.read_pack_layer("parcels")
    assert sorted(parcels["id"]) == sorted(pack["id"])
    assert set(parcels["version"]) == {1}
    assert parcels.crs.to_epsg() == 4326
    assert backend.history() == []  # seeding is not an edit
    assert len(backend.read_layer("districts")) == len(pack_reader.read_pack_layer("districts"))
    assert list(backend.read_table("indicators")["id"]) == list(pack_reader.read_pack_table("indicators")["id"])


def test_add_change_remove_recorded(backend: Backend) -> None:
    rev0 = backend.revision()
    _add(backend, status="listed", area_m2="12,000")
    assert backend.revision() == rev0 + 1
    row = backend.read_parcels().set_index("id").loc["HZ-001"]
    assert row["name_zh"] == "测试地块"
    assert row["area_m2"] == 12000.0
    assert row["version"] == 1
    assert row.geometry.equals(SQUARE)

    backend.update_parcel("HZ-001", {"status": "sold", "supply_quarter": "2026Q2"}, 1, "bob")
    row = backend.read_parcels().set_index("id").loc["HZ-001"]
    assert (row["status"], row["supply_quarter"], row["version"], row["updated_by"]) == (
        "sold",
        "2026Q2",
        2,
        "bob",
    )

    backend.apply_changeset([Change("remove", "HZ-001", expected_version=2)], "carol")
    assert "HZ-001" not in set(backend.read_parcels()["id"])
    hist = backend.history("HZ-001")
    assert [(h.action, h.user, h.version) for h in hist] == [
        ("remove", "carol", 2),
        ("change", "bob", 2),
        ("add", "alice", 1),
    ]
    assert hist[1].before["status"] == "listed"
    assert hist[1].after["status"] == "sold"


def test_stale_version_is_a_conflict_and_changes_nothing(backend: Backend) -> None:
    _add(backend)
    backend.update_parcel("HZ-001", {"status": "listed"}, 1, "bob")  # bob saved first
    before = backend.fingerprint()
    with pytest.raises(ConflictError) as err:
        backend.update_parcel("HZ-001", {"status": "sold"}, 1, "alice")  # alice still had version 1
    assert err.value.values["by"] == "bob"
    assert err.value.version == 2
    assert backend.fingerprint() == before


def test_changeset_is_one_transaction(backend: Backend) -> None:
    _add(backend, "HZ-001")
    before = backend.fingerprint()
    changes = [
        Change("add", "HZ-002", {"name_zh": "新地块"}, SQUARE),
        Change("change", "HZ-001", {"status": "sold"}, None, 1),
        Change("add", "HZ-001", {"name_zh": "重复"}, SQUARE),  # duplicate id: refused
    ]
    with pytest.raises(StoreError) as err:
        backend.apply_changeset(changes, "alice")
    assert err.value.key == "store.duplicate"
    assert backend.fingerprint() == before


def test_revert_change_add_and_remove(backend: Backend) -> None:
    _add(backend, status="planned")
    backend.update_parcel("HZ-001", {"status": "sold", "area_mu": 15}, 1, "bob")
    change_id = backend.history("HZ-001")[0].id
    backend.revert(change_id, "carol")
    row = backend.read_parcels().set_index("id").loc["HZ-001"]
    assert row["status"] == "planned"
    assert row["area_mu"] != row["area_mu"]  # NaN: back to unknown
    assert row["version"] == 3
    assert backend.history("HZ-001")[0].note == f"revert #{change_id}"

    backend.apply_changeset([Change("remove", "HZ-001")], "bob")
    backend.revert(backend.history("HZ-001")[0].id, "carol")
    assert backend.read_parcels().set_index("id").loc["HZ-001"].geometry.equals(SQUARE)

    add_id = backend.history("HZ-001")[-1].id
    with pytest.raises(ConflictError):  # the parcel changed since it was added
        backend.revert(add_id, "carol")


def test_revert_add_removes(backend: Backend) -> None:
    _add(backend)
    backend.revert(backend.history("HZ-001")[0].id, "carol")
    assert "HZ-001" not in set(backend.read_parcels()["id"])


def test_mapping_remembered_per_source(backend: Backend) -> None:
    assert backend.mapping("西湖区规划局") == {}
    backend.save_mapping("西湖区规划局", {"DKBH": "parcel_code", "MC": "name_zh"})
    backend.save_mapping("西湖区规划局", {"DKBH": "parcel_code"})
    assert backend.mapping("西湖区规划局") == {"DKBH": "parcel_code"}


def test_unknown_field_refused(backend: Backend) -> None:
    before = backend.fingerprint()
    with pytest.raises(StoreError) as err:
        backend.update_parcel("site-ucas-south", {"owner": "x"}, 1, "bob")
    assert err.value.key == "store.unknown_field"
    with pytest.raises(StoreError) as err:
        backend.update_parcel("site-ucas-south", {"area_m2": "many"}, 1, "bob")
    assert backend.fingerprint() == before


def test_second_handle_sees_changes(backend: Backend, tmp_path: Path) -> None:
    """Another process's handle (its own engine) sees a write at its next read."""
    other = (
        GeoPackageBackend(backend.path)
        if isinstance(backend, GeoPackageBackend)
        else type(backend)(str(backend.engine.url.render_as_string(hide_password=False)))
    )
    rev = other.revision()
    _add(backend)
    assert other.revision() == rev + 1
    assert "HZ-001" in set(other.read_parcels()["id"])
    other.engine.dispose()


def test_pack_update_keeps_edited_parcels(tmp_path: Path) -> None:
    path = tmp_path / "store.gpkg"
    pack = tmp_path / "pack"
    shutil.copytree(pack_reader.default_pack_dir(), pack)
    b = open_backend(path=path, pack=pack)
    _add(b)
    b.update_parcel("site-ucas-south", {"status": "sold"}, 1, "bob")
    b.engine.dispose()
    districts = (pack / "districts.geojson").read_text(encoding="utf-8")
    (pack / "districts.geojson").write_text(districts + "\n", encoding="utf-8")  # a new pack version
    b2 = open_backend(path=path, pack=pack)
    assert b2.pack_version() == pack_reader.pack_hash(pack)
    parcels = b2.read_parcels().set_index("id")
    assert parcels.loc["site-ucas-south", "status"] == "sold"
    assert "HZ-001" in parcels.index
    assert len(b2.history()) == 2
    b2.engine.dispose()


WATCHER = """
import sys, time
from geodata.store import open_backend
b = open_backend(url=sys.argv[1]) if sys.argv[1].startswith("postgres") else open_backend(path=sys.argv[1])
start_rev = int(sys.argv[2])
print("ready", flush=True)
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    if b.revision() > start_rev and "HZ-SEEN" in set(b.read_parcels()["id"]):
        print("seen", time.time(), flush=True)
        break
    time.sleep(0.05)
"""


def test_another_process_sees_a_write_within_seconds(backend: Backend) -> None:
    """Two app processes on one store: the second sees the first's write at its next poll."""
    import subprocess
    import sys
    import time

    target = str(getattr(backend, "path", "") or backend.engine.url.render_as_string(hide_password=False))
    target = target.replace("postgresql+psycopg://", "postgresql://")
    proc = subprocess.Popen(
        [sys.executable, "-c", WATCHER, target, str(backend.revision())],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    written = time.time()
    _add(backend, "HZ-SEEN")
    line = proc.stdout.readline().split()
    proc.wait(timeout=30)
    assert line[:1] == ["seen"], "the other process never saw the write"
    latency = float(line[1]) - written
    print(f"{type(backend).__name__}: seen by another process after {latency * 1000:.0f} ms")
    assert latency < 2.0


def test_pack_update_keeps_edited_parcels_on_postgis(postgis_url: str, tmp_path: Path) -> None:
    from geodata.store.postgis import PostGISBackend

    PostGISBackend(postgis_url).drop_all()
    pack = tmp_path / "pack"
    shutil.copytree(pack_reader.default_pack_dir(), pack)
    b = open_backend(url=postgis_url, pack=pack)
    _add(b)
    b.update_parcel("site-ucas-south", {"status": "sold"}, 1, "bob")
    rows = pack_reader.read_pack_table("indicators", pack)
    rows.iloc[:-1].to_csv(pack / "indicators.csv", index=False)  # a new pack version: one row fewer
    b2 = open_backend(url=postgis_url, pack=pack)
    assert b2.pack_version() == pack_reader.pack_hash(pack)
    assert len(b2.read_table("indicators")) == len(rows) - 1
    parcels = b2.read_parcels().set_index("id")
    assert parcels.loc["site-ucas-south", "status"] == "sold"
    assert "HZ-001" in parcels.index
    assert len(b2.history()) == 2
    b.engine.dispose()
    b2.engine.dispose()


def test_store_from_before_editing_is_rebuilt(tmp_path: Path) -> None:
    """A GeoPackage built by the read-only atlas (no version column, no history) is rebuilt on open."""
    import pyogrio

    path = tmp_path / "old.gpkg"
    for layer in ("districts", "parcels"):
        pyogrio.write_dataframe(pack_reader.read_pack_layer(layer), path, layer=layer, driver="GPKG")
    b = open_backend(path=path)
    assert set(b.read_parcels()["version"]) == {1}
    b.engine.dispose()


# -- a remove that lost a race, copies of the store, rebuilds under running processes, kill -9 ----


def test_remove_that_deletes_nothing_is_a_conflict(backend: Backend) -> None:
    """Another process saved the parcel between our read and our DELETE: no "remove" may be recorded."""
    _add(backend)
    stale = backend._current
    with backend.engine.connect() as conn:
        snapshot = stale(conn, "HZ-001")  # version 1, as this process read it
    backend.update_parcel("HZ-001", {"status": "sold"}, 1, "bob")  # the other process: version 2
    backend._current = lambda conn, pid: snapshot  # type: ignore[method-assign]
    try:
        with pytest.raises(ConflictError):
            backend.apply_changeset([Change("remove", "HZ-001", expected_version=1)], "alice")
    finally:
        del backend._current
    assert "HZ-001" in set(backend.read_parcels()["id"])
    assert [e.action for e in backend.history("HZ-001")] == ["change", "add"]


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scripts.store_backup", *args],
        cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_make_backup_and_restore(backend: Backend, tmp_path: Path) -> None:
    """The commands `make backup` / `make restore` run, on the GeoPackage and on PostGIS."""
    from geodata.store.backup import list_backups

    env = {"ATLAS_BACKUPS": str(tmp_path / "copies")}
    if getattr(backend, "url", None):
        env["ATLAS_DATABASE_URL"] = backend.url
    else:
        env["ATLAS_STORE"] = str(backend.path)
        env["ATLAS_DATABASE_URL"] = ""
    _add(backend, "HZ-KEEP")
    made = _cli("backup", env=env)
    assert made.returncode == 0, made.stderr
    copy = Path(made.stdout.strip())
    assert copy.is_file()
    assert list_backups(tmp_path / "copies") == [copy]
    revision = backend.revision()
    _add(backend, "HZ-LATER")
    backend.apply_changeset([Change("remove", "HZ-KEEP")], "mallory")
    restored = _cli("restore", str(copy), env=env)
    assert restored.returncode == 0, restored.stderr
    ids = set(backend.read_parcels()["id"])
    assert "HZ-KEEP" in ids
    assert "HZ-LATER" not in ids
    assert backend.revision() > revision + 2  # past every revision seen: no cached page of the replaced data
    # the store as it was before the restore is kept too
    assert len(list_backups(tmp_path / "copies")) == 2
    backend.apply_changeset([Change("remove", "HZ-KEEP")], "alice")  # a running process writes on
    assert _cli("restore", str(tmp_path / "nope.gpkg"), env=env).returncode == 2


def test_rebuild_keeps_a_copy_and_running_processes_write_on(tmp_path: Path) -> None:
    """A rebuild by another process (a new pack) must not leave this one with a "readonly database"."""
    from geodata.store.backup import list_backups

    pack = tmp_path / "pack"
    shutil.copytree(pack_reader.default_pack_dir(), pack)
    store = tmp_path / "store.gpkg"
    running = open_backend(path=store, pack=pack)
    _add(running, "HZ-BEFORE")
    districts = (pack / "districts.geojson").read_text(encoding="utf-8")
    (pack / "districts.geojson").write_text(districts + "\n", encoding="utf-8")  # a new pack version
    rebuilt = subprocess.run(
        [sys.executable, "-c", "import sys; from geodata.store import ensure_store; ensure_store(sys.argv[1], sys.argv[2])",
         str(store), str(pack)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert [p.name.endswith("-rebuild.gpkg") for p in list_backups(tmp_path / "backups")] == [True]
    _add(running, "HZ-AFTER")  # before the fix: sqlite3.OperationalError: attempt to write a readonly database
    ids = set(open_backend(path=store, pack=pack).read_parcels()["id"])
    assert {"HZ-BEFORE", "HZ-AFTER"} <= ids
    running.engine.dispose()


_KILLED_IMPORT = r"""
import sys, time
from geodata.store import open_backend
from geodata.store.base import Backend
from geodata.ingest import run_import

url, path, data_file = sys.argv[1], sys.argv[2], sys.argv[3]
backend = open_backend(url=url) if url else open_backend(path=path)
apply = Backend._apply
count = 0

def slow_apply(self, conn, change, user, note):
    global count
    apply(self, conn, change, user, note)
    count += 1
    if count == 50:
        print("in the middle", flush=True)
    time.sleep(0.01)

Backend._apply = slow_apply
run_import(backend, "many.geojson", open(data_file, "rb").read(), "bureau", "alice", crs="EPSG:4326")
print("done", flush=True)
"""


def _many_parcels(n: int) -> bytes:
    import geopandas as gpd

    squares = [
        Polygon([(120.0 + 0.001 * (i % 50), 30.2 + 0.001 * (i // 50))] + [
            (120.0 + 0.001 * (i % 50) + dx, 30.2 + 0.001 * (i // 50) + dy) for dx, dy in ((0.0008, 0), (0.0008, 0.0008), (0, 0.0008))
        ])
        for i in range(n)
    ]  # fmt: skip
    frame = gpd.GeoDataFrame({"DKBH": [f"K-{i:04d}" for i in range(n)]}, geometry=squares, crs="EPSG:4326")
    return frame.to_json().encode()


def test_kill_9_in_the_middle_of_an_import(backend: Backend, tmp_path: Path) -> None:
    """SIGKILL while the import writes: the store is as before, and a second try imports everything."""
    import signal

    from geodata.ingest import run_import

    data = tmp_path / "many.geojson"
    data.write_bytes(_many_parcels(400))
    before = backend.fingerprint()
    url = getattr(backend, "url", "") or ""
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_IMPORT, url, str(getattr(backend, "path", "")), str(data)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = child.stdout.readline()  # type: ignore[union-attr]
        assert line.strip() == "in the middle", child.stderr.read()  # type: ignore[union-attr]
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert backend.fingerprint() == before  # nothing of the half-written changeset
    plan, _ = run_import(backend, "many.geojson", data.read_bytes(), "bureau", "alice", crs="EPSG:4326")
    assert plan.counts["add"] == 400
    ids = set(backend.read_parcels()["id"])
    assert {f"K-{i:04d}" for i in range(400)} <= ids
