"""`make serve`'s topology comes up: PostGIS + 2 replicas + nginx; pages, bundle and the
websocket go through the proxy, compressed; when one replica dies, new sessions reach the other.

Needs Debian's nginx, postgresql and postgresql-postgis (.ci/run installs them); without them
it skips on a developer's machine and fails under CI=true, like the store tests.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "load"))
from protocol import StreamlitSession  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("nginx is required in CI")
        pytest.skip("nginx not installed (apt-get install nginx)")
    run = tmp_path_factory.mktemp("serve")
    env = dict(os.environ, SERVE_DIR=str(run), REPLICAS="2", PROXY_PORT=str(_free_port()),
               BASE_PORT=str(_free_port()), PY=sys.executable, PATH=os.environ["PATH"] + ":/usr/sbin")
    env.pop("ATLAS_DATABASE_URL", None)
    # two consecutive ports for the replicas: take one free and hope its neighbour is free too
    proc = subprocess.run(["bash", "deploy/serve.sh", "start"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=280, check=False)
    try:
        assert proc.returncode == 0, proc.stderr[-2000:]
        yield {"url": f"http://127.0.0.1:{env['PROXY_PORT']}", "dir": run}
    finally:
        subprocess.run(["bash", "deploy/serve.sh", "stop"], cwd=REPO, env=env, capture_output=True, timeout=60,
                       check=False)


def _get(url: str) -> tuple[dict, bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return {k.lower(): v for k, v in resp.headers.items()}, resp.read()


def test_page_bundle_and_websocket_go_through_the_proxy_compressed(topology: dict) -> None:
    headers, body = _get(topology["url"] + "/")
    assert headers.get("content-encoding") == "gzip"
    assert "atlas_replica=" in headers.get("set-cookie", "")
    import gzip

    html = gzip.decompress(body).decode()
    bundle = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', html).group(1)
    headers, body = _get(topology["url"] + "/" + bundle)
    assert headers.get("content-encoding") == "gzip"
    assert "immutable" in headers.get("cache-control", "")
    assert len(body) < len(gzip.decompress(body)) / 2
    session = StreamlitSession(topology["url"])
    try:
        session.rerun()
        session.rerun("parcels")
        assert any("parcels_districts" in key for key in session.elements)
    finally:
        session.close()


def test_sessions_carry_on_when_one_replica_dies(topology: dict) -> None:
    pid = int((topology["dir"] / "replica-1.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    # every new session (each with its own sticky cookie) is served by the surviving replica
    for _ in range(4):
        session = StreamlitSession(topology["url"])
        try:
            session.rerun()
            session.rerun("parcels")
            assert any("parcels_districts" in key for key in session.elements)
        finally:
            session.close()
