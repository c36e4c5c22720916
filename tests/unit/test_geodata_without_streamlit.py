"""The data layer imports without Streamlit: scripts, the benchmark and other tools use it alone.

Every module under ``geodata`` is imported in a fresh interpreter where ``streamlit`` (and
``streamlit_folium``) cannot be imported: a finder first on ``sys.meta_path`` refuses
them and notes each attempt. The test fails on any attempt, even one the module caught
(``try: import streamlit except ImportError``), since that would still change behaviour
with and without Streamlit installed. import-linter checks the same rule statically
(``make lint``); this checks what really happens at import time, including imports made
by third-party code on the data layer's behalf.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import importlib
import importlib.abc
import json
import pkgutil
import sys

sys.path.insert(0, sys.argv[1])
attempts = []


class NoStreamlit(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0].startswith("streamlit"):
            attempts.append(name)
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)
        return None


sys.meta_path.insert(0, NoStreamlit())
import geodata

imported = ["geodata"]
for info in pkgutil.walk_packages(geodata.__path__, "geodata."):
    importlib.import_module(info.name)
    imported.append(info.name)
print(json.dumps({"imported": imported, "attempts": attempts,
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0].startswith("streamlit"))}))
"""


def _modules_on_disk() -> set[str]:
    names = set()
    for path in (REPO / "geodata").rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_geodata_module_imports_with_streamlit_blocked() -> None:
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(REPO)], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, f"a geodata module failed to import without Streamlit:\n{run.stderr[-3000:]}"
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["attempts"] == [], f"geodata tried to import {result['attempts']}"
    assert result["loaded"] == []
    assert set(result["imported"]) == _modules_on_disk()  # every module was tried, none skipped
