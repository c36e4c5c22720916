"""Starting ``streamlit run`` for a browser, shared by the browser tests and ``bench/run.py``.

One starter, so the tests and the benchmark start the app the same way: a free port,
headless, no usage statistics, and ready only once ``/_stcore/health`` answers 200 (the
check Streamlit's own test harness makes). Also the browser settings both use: the
Chromium flags and the generated map tile that stands in for every tile server.

Plain functions, no pytest: the benchmark runs without it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

from components.basemaps import basemaps, tile_hosts

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_S = 60  # a first start on a loaded shared machine imports geopandas, folium, matplotlib


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _png_tile() -> bytes:
    """A 256×256 light-grey PNG, made here so tests need no tile server."""
    width = height = 256
    raw = b"".join(b"\x00" + b"\xdd\xe3\xe8" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


TILE_PNG = _png_tile()
TILE_HOSTS = tile_hosts(basemaps("test-key"))  # answered with TILE_PNG, never fetched


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path


def start_server(
    tmp: Path,
    env_extra: dict[str, str] | None = None,
    *,
    script: Path = REPO / "app.py",
    log: Path | None = None,
) -> Server:
    """``streamlit run <script>`` on a free port; returns once ``/_stcore/health`` answers.

    The app gets its own store in ``tmp`` (``ATLAS_STORE``) unless ``env_extra`` names one.
    The server's output goes to ``log`` (default ``tmp/streamlit.log``), shown in the error
    when it exits or does not answer within ``STARTUP_S`` seconds.
    """
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = log or tmp / "streamlit.log"
    env = {**os.environ, "ATLAS_STORE": str(tmp / "atlas.gpkg"), "PYTHONUNBUFFERED": "1", **(env_extra or {})}
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [streamlit, "run", str(script), "--server.port", str(port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_S
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return Server(url, proc, log)
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"{script.name} did not start in {STARTUP_S} s:\n{log.read_text()[-4000:]}")
        try:  # wait a little for the server, and notice at once if it died
            proc.wait(timeout=0.05)
            raise RuntimeError(f"{script.name} exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        except subprocess.TimeoutExpired:
            pass


def stop_server(server: Server) -> None:
    """Ask the server to stop; kill it if it has not within 10 s."""
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
