"""The production topology (deploy/serve.sh: PostGIS + 2 replicas + nginx), one per test module.

Needs Debian's nginx, postgresql and postgresql-postgis (.ci/run installs them); without them
it skips on a developer's machine and fails under CI=true, like the store tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


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
        served = dict(line.removeprefix("export ").split("=", 1) for line in (run / "env").read_text().splitlines() if "=" in line)
        yield {"url": f"http://127.0.0.1:{env['PROXY_PORT']}", "dir": run,
               "database_url": served["ATLAS_SERVE_DATABASE_URL"], "pg_dir": Path(served["ATLAS_SERVE_PG_DIR"])}
    finally:
        subprocess.run(["bash", "deploy/serve.sh", "stop"], cwd=REPO, env=env, capture_output=True, timeout=60,
                       check=False)




def pg_ctl(topology: dict, *args: str) -> None:
    """Stop or start the topology's PostgreSQL (as ``postgres`` when the tests run as root)."""
    binary = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, str(binary), "-D", str(topology["pg_dir"] / "data"), *args], check=True,
                   capture_output=True, timeout=60)


def stop_postgis(topology: dict) -> None:
    pg_ctl(topology, "-m", "fast", "stop")


def start_postgis(topology: dict) -> None:
    port = topology["database_url"].rsplit(":", 1)[1].split("/")[0]
    pg_dir = topology["pg_dir"]
    pg_ctl(topology, "-l", str(pg_dir / "server.log"), "-w",
           "-o", f"-p {port} -k {pg_dir} -c listen_addresses=127.0.0.1", "start")
