"""Faults under load, through the proxy of ``make serve``'s topology (PostGIS + 2 replicas + nginx).

Viewers here are protocol-level sessions (bench/load/protocol.py) in threads, each rerunning
pages in a loop, as an open browser tab does when its viewer clicks. Three faults:

- PostGIS restarts: every page says the database is away (never "page broken", never a
  traceback) and the same sessions work again once it is back, without restarting anything;
- an import is cut off mid-transaction (the importer killed, or PostGIS stopped under it): the
  store holds either none or all of its parcels, never part;
- a replica dies: sessions on the other one carry on untouched; the killed ones reconnect
  through the proxy with their sticky cookie and are served by the survivor. What they lose
  is their Streamlit session (filters, selection, open panels); the URL's shared-link
  parameters are kept by the browser.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psycopg
import pytest

from tests.deploy.conftest import start_postgis, stop_postgis

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "load"))
from protocol import ScriptError, StreamlitSession  # noqa: E402

from geodata.text.i18n import translate  # noqa: E402

PAGES = ("parcels", "areas", "")
BROKEN = [translate("errors.page_failed", "zh", ref="@").split("@")[0]]
AWAY = translate("errors.store_unavailable", "zh", ref="@").split("@")[0]


class Viewer(threading.Thread):
    """One open tab: reruns pages back to back and records what each run showed."""

    def __init__(self, url: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = stop
        self.session = StreamlitSession(url)
        self.session.rerun()
        self.runs: list[tuple[float, str, list[str]]] = []  # (time, outcome, alerts)
        self.reconnected_at: float | None = None

    def run(self) -> None:
        i = 0
        while not self.stop.is_set():
            page = PAGES[i % len(PAGES)]
            i += 1
            try:
                self.session.rerun(page)
                self.runs.append((time.monotonic(), "ok", list(self.session.alerts)))
            except ScriptError as err:  # an exception element: a traceback reached the page
                self.runs.append((time.monotonic(), f"exception: {err}", []))
            except Exception as err:  # the connection itself: reconnect as the frontend does
                self.runs.append((time.monotonic(), f"dropped: {type(err).__name__}", []))
                self._reconnect()
            time.sleep(0.2)
        self.session.close()

    def _reconnect(self) -> None:
        deadline = time.monotonic() + 30
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                self.session = StreamlitSession(self.url, jar=self.session.jar)
                self.session.rerun()
                self.reconnected_at = time.monotonic()
                return
            except Exception:
                time.sleep(0.5)


def _viewers(url: str, n: int) -> tuple[list[Viewer], threading.Event]:
    stop = threading.Event()
    viewers = [Viewer(url, stop) for _ in range(n)]
    for v in viewers:
        v.start()
    return viewers, stop


def _finish(viewers: list[Viewer], stop: threading.Event) -> None:
    stop.set()
    for v in viewers:
        v.join(timeout=60)


def _broken(alerts: list[str]) -> bool:
    return any(b in a for a in alerts for b in BROKEN)


def test_postgis_restart_under_load_says_wait_then_recovers(topology: dict) -> None:
    viewers, stop = _viewers(topology["url"], 6)
    try:
        time.sleep(3)
        down = time.monotonic()
        stop_postgis(topology)
        time.sleep(5)
        # a visitor who opens the link during the outage gets the message, not an error page
        newcomer = StreamlitSession(topology["url"])
        newcomer.rerun()
        assert any(AWAY in a for a in newcomer.alerts), newcomer.alerts
        newcomer.close()
        start_postgis(topology)
        up = time.monotonic()
        # until every viewer has had two runs that started after the 3 s allowed for recovery
        deadline = up + 60
        while time.monotonic() < deadline and any(
            sum(t > up + 3 for t, _, _ in list(v.runs)) < 2 for v in viewers
        ):
            time.sleep(0.2)
    finally:
        _finish(viewers, stop)
    for v in viewers:
        outcomes = {o for _, o, _ in v.runs}
        assert outcomes == {"ok"}, outcomes  # no traceback, no dropped connection
        assert not any(_broken(a) for _, _, a in v.runs), [a for _, _, a in v.runs if _broken(a)]
        during = [a for t, _, a in v.runs if down + 1 < t < up]
        assert during
        assert all(any(AWAY in x for x in a) for a in during), during[:3]
        # back without a restart: within 3 s of PostGIS answering, every run is clean again
        after = [a for t, _, a in v.runs if t > up + 3]
        assert after
        assert not any(any(AWAY in x for x in a) for a in after), after[:3]


IMPORTER = textwrap.dedent(
    """
    import sys
    from bench.synth import synthetic_parcels
    from geodata.ingest.plan import run_import
    from geodata.store import open_backend

    backend = open_backend(url=sys.argv[1])
    data = synthetic_parcels(int(sys.argv[2])).to_json().encode()
    print("reading", flush=True)
    run_import(backend, "bureau.geojson", data, "断电测试局", "tester")
    print("done", flush=True)
    """
)


def _store_state(url: str) -> tuple[int, int]:
    """(parcels from the test's source, store revision)."""
    with psycopg.connect(url, autocommit=True) as conn:
        count = conn.execute("SELECT count(*) FROM parcels WHERE source = '断电测试局'").fetchone()[0]
        revision = conn.execute("SELECT value FROM atlas_state WHERE key = 'revision'").fetchone()[0]
    return int(count), int(revision)


def _writing_transaction(url: str, timeout: float = 120) -> None:
    """Wait until another connection holds an open transaction that has written something."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            ).fetchone()
            if row[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the import never opened a writing transaction")


def _importer(url: str, n: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-c", IMPORTER, url, str(n)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("cut", ["importer killed", "postgis stopped"])
def test_an_import_cut_off_mid_transaction_leaves_all_or_nothing(topology: dict, cut: str) -> None:
    url = topology["database_url"]
    before = _store_state(url)
    assert before[0] == 0
    proc = _importer(url, 1500)
    try:
        _writing_transaction(url)
        if cut == "importer killed":
            proc.send_signal(signal.SIGKILL)
        else:
            stop_postgis(topology)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        if cut == "postgis stopped":
            start_postgis(topology)
    assert proc.returncode != 0  # it did not get to finish
    assert _store_state(url) == before  # absent: no parcel, no revision
    # the same import run to its end is complete: every parcel, one revision
    proc = _importer(url, 1500)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-2000:]
    count, revision = _store_state(url)
    assert count == 1500
    assert revision > before[1]
    with psycopg.connect(url, autocommit=True) as conn:  # leave the store as the next test expects
        conn.execute("DELETE FROM parcels WHERE source = '断电测试局'")


def test_sessions_on_the_other_replica_carry_on_when_one_dies(topology: dict) -> None:
    viewers, stop = _viewers(topology["url"], 12)
    try:
        time.sleep(3)
        pid = int((topology["dir"] / "replica-1.pid").read_text())
        killed = time.monotonic()
        os.kill(pid, signal.SIGKILL)

        def settled(v: Viewer) -> bool:  # reconnected and served again, or served 3 times since
            runs = list(v.runs)
            if any(o.startswith("dropped") for _, o, _ in runs):
                return v.reconnected_at is not None and any(t > v.reconnected_at for t, _, _ in runs)
            return sum(t > killed + 1 for t, _, _ in runs) >= 3

        deadline = killed + 60
        while time.monotonic() < deadline and not all(settled(v) for v in viewers):
            time.sleep(0.2)
    finally:
        _finish(viewers, stop)
    moved = [v for v in viewers if any(o.startswith("dropped") for _, o, _ in v.runs)]
    stayed = [v for v in viewers if v not in moved]
    # 12 random sticky keys over 2 replicas: both groups exist (all on one: p = 1/2048)
    assert moved, (len(moved), len(stayed))
    assert stayed, (len(moved), len(stayed))
    for v in stayed:  # the survivor's sessions never noticed
        assert {o for _, o, _ in v.runs} == {"ok"}
        assert [t for t, _, _ in v.runs if t > killed + 1], "kept being served"
    for v in moved:  # one dropped connection, then a new session on the survivor
        assert sum(o.startswith("dropped") for _, o, _ in v.runs) == 1
        assert v.reconnected_at is not None
        assert v.reconnected_at - killed < 10
        assert [o for t, o, _ in v.runs if t > v.reconnected_at]
        assert all(
            o == "ok" for t, o, _ in v.runs if t > v.reconnected_at
        )
    for v in viewers:
        assert not any(_broken(a) for _, _, a in v.runs)
