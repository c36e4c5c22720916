"""The README's "What is where" lists every package and module of the app's code.

Like datasette's documentation tests: a newcomer maps the code from that section, so a
module added under ``geodata/``, ``components/`` or ``app_pages/`` without a line there,
or a line left for a module that is gone, fails here with the exact line to add or remove.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
SECTION = "## What is where"
ROOTS = ("geodata", "components", "app_pages")


def where_section(text: str) -> str:
    """The text of the README's "What is where" section, up to the next ``## `` heading.

    >>> where_section("# T\\n## What is where\\n- `a.py` — a\\n## Next\\n- `b.py`\\n")
    '- `a.py` — a\\n'
    """
    start = text.index(SECTION) + len(SECTION)
    end = text.find("\n## ", start)
    return text[start : end + 1 if end != -1 else len(text)].lstrip("\n")


def listed_paths(section: str) -> set[str]:
    """Paths the section names in backticks at the start of a list item, folders without ``/``.

    >>> sorted(listed_paths("- `geodata/geo/` — geometry\\n- `geodata/geo/crs.py` — CRS; see `x.py`\\n"))
    ['geodata/geo', 'geodata/geo/crs.py']
    """
    return {m.rstrip("/") for m in re.findall(r"^- `([^`]+)`", section, flags=re.M)}


def code_modules(repo: Path = REPO) -> set[str]:
    """Every module (``a/b.py``) and package (``a/b``) under the roots; ``__init__`` stands for its package."""
    found: set[str] = set()
    for root in ROOTS:
        for path in (repo / root).rglob("*.py"):
            rel = path.relative_to(repo)
            if any(part.startswith((".", "__pycache__")) for part in rel.parts):
                continue
            found.add(rel.parent.as_posix() if path.name == "__init__.py" else rel.as_posix())
    return found


def test_every_module_is_listed_in_what_is_where() -> None:
    listed = listed_paths(where_section(README.read_text(encoding="utf-8")))
    missing = sorted(code_modules() - listed)
    assert not missing, (
        f'README.md, section "{SECTION[3:]}", lacks a line for each of these; add it under its '
        "package, saying what the module holds:\n"
        + "\n".join(f"- `{m}{'/' if not m.endswith('.py') else ''}` — <what it holds>" for m in missing)
    )


def test_every_listed_module_exists() -> None:
    listed = listed_paths(where_section(README.read_text(encoding="utf-8")))
    under_roots = {p for p in listed if p.split("/")[0] in ROOTS}
    gone = sorted(under_roots - code_modules() - {p for p in under_roots if (REPO / p).is_dir()})
    assert not gone, (
        f'README.md, section "{SECTION[3:]}", lists modules that no longer exist; remove or rename '
        "these lines:\n" + "\n".join(f"- `{p}`" for p in gone)
    )


def test_the_check_sees_a_new_module(tmp_path: Path) -> None:
    """A module the README does not name is reported (the check is not vacuous)."""
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "__init__.py").write_text("")
    (tmp_path / "components" / "leads.py").write_text("")
    found = code_modules(tmp_path)
    assert found == {"components", "components/leads.py"}
    assert "components/leads.py" not in listed_paths("- `components/` — UI pieces\n")
