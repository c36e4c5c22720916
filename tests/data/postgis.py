"""A PostGIS server for the tests that run against both backends.

``$ATLAS_TEST_DATABASE_URL`` when set (``make test`` and ``.ci/run`` start one with
``scripts/ensure_postgis.sh``); otherwise the fixture starts a throwaway cluster itself
when PostgreSQL is installed. Without one, the PostGIS tests skip with the reason on a
developer's machine and FAIL in CI (``CI=true``), where PostGIS must be there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostGIS is required in CI: {reason}")
    pytest.skip(f"PostGIS tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("ATLAS_TEST_DATABASE_URL")
    if url:
        yield url
        return
    # Not under pytest's tmp dir: that is private to this user, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    proc = subprocess.run(
        ["bash", str(REPO / "scripts" / "ensure_postgis.sh"), str(directory)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        _unavailable(f"scripts/ensure_postgis.sh failed: {proc.stderr.strip()[-400:]}")
    env = dict(line.removeprefix("export ").split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    try:
        yield env["ATLAS_TEST_DATABASE_URL"]
    finally:
        pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
        stop = [str(pg_ctl), "-D", str(directory / "data"), "-m", "fast", "stop"]
        if os.geteuid() == 0:
            stop = ["runuser", "-u", "postgres", "--", *stop]
        subprocess.run(stop, capture_output=True, check=False, timeout=60)
        shutil.rmtree(directory, ignore_errors=True)
