"""The message catalogues: both languages for every key, and every key the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geodata.text.i18n import LANGS, CatalogueError, catalogue, load_catalogue, translate

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("app.py", "app_pages", "components", "geodata", "bench")
# t("key"...), translate("key", ...) and tr("key"...) with a literal key.
KEY_CALL = re.compile(r"""\b(?:t|tr|translate)\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")


def _code_files() -> list[Path]:
    files: list[Path] = []
    for name in CODE_DIRS:
        path = ROOT / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py")) if path.exists() else []
    return files


def test_every_key_has_both_languages() -> None:
    cat = catalogue()
    assert cat, "no catalogue entries found"
    for key, entry in cat.items():
        for lang in LANGS:
            assert entry[lang].strip(), f"{key} has no {lang} text"


def test_every_key_used_in_code_exists() -> None:
    cat = catalogue()
    missing = []
    for path in _code_files():
        for match in KEY_CALL.finditer(path.read_text(encoding="utf-8")):
            if match.group(1) not in cat:
                missing.append(f"{path.relative_to(ROOT)}: {match.group(1)}")
    assert not missing, "keys used in code but missing from geodata/text/locales:\n" + "\n".join(missing)


def test_translate_formats_and_rejects_unknown_keys() -> None:
    assert translate("common.lang.label", "en").startswith("Language")
    with pytest.raises(KeyError):
        translate("no.such.key", "en")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[a]\nzh = "甲"\n', "exactly the languages"),
        ('[a]\nzh = "{n} 个"\nen = "{count} items"\n', "different placeholders"),
        ('[a]\nzh = ""\nen = "x"\n', "empty"),
        ("[a\n", "a.toml"),
    ],
)
def test_malformed_catalogue_is_reported(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(tmp_path)
