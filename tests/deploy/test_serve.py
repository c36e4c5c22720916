"""`make serve`'s topology comes up: PostGIS + 2 replicas + nginx; pages, bundle and the
websocket go through the proxy, compressed; when one replica dies, new sessions reach the other.

Needs Debian's nginx, postgresql and postgresql-postgis (.ci/run installs them); without them
it skips on a developer's machine and fails under CI=true, like the store tests.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "load"))
from protocol import StreamlitSession  # noqa: E402


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
