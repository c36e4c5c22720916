"""Message catalogues for the two UI languages (simplified Chinese, English).

Catalogues are TOML files in ``geodata/text/locales/``, one file per part of the app (a
namespace), each key holding both languages side by side so a missing translation is
visible in review and fails a test::

    # geodata/text/locales/export.toml
    [button]
    zh = "导出当前视图"
    en = "Export current view"

    [title.area]
    zh = "{name}：{count} 个地块"
    en = "{name}: {count} parcels"

The key is the file's name plus the table path: ``export.button``,
``export.title.area``. Values are ``str.format`` templates; both languages must use the
same placeholders. This module is pure (no Streamlit); pages call
``components.i18n.t`` which adds the session's language.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"
LOCALES_DIR = Path(__file__).parent / "locales"


class CatalogueError(ValueError):
    """A catalogue file is malformed (bad TOML, a key without both languages, mismatched placeholders)."""


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, dict[str, str]], where: str) -> None:
    if any(isinstance(v, str) for v in table.values()):
        if set(table) != set(LANGS):
            raise CatalogueError(
                f"{where}: '{prefix}' must have exactly the languages {LANGS}, has {sorted(table)}"
            )
        for lang in LANGS:
            if not isinstance(table[lang], str) or not table[lang].strip():
                raise CatalogueError(f"{where}: '{prefix}' has an empty or non-text '{lang}' entry")
        if placeholders(table["zh"]) != placeholders(table["en"]):
            raise CatalogueError(
                f"{where}: '{prefix}' uses different placeholders in zh {sorted(placeholders(table['zh']))} "
                f"and en {sorted(placeholders(table['en']))}"
            )
        out[prefix] = {lang: table[lang] for lang in LANGS}
        return
    for name, value in table.items():
        if not isinstance(value, dict):
            raise CatalogueError(f"{where}: '{prefix}.{name}' is not a table with zh/en entries")
        _flatten(f"{prefix}.{name}", value, out, where)


def placeholders(template: str) -> set[str]:
    """The named fields of a ``str.format`` template.

    >>> sorted(placeholders("{name}: {count:,} parcels"))
    ['count', 'name']
    """
    return {field for _, field, _, _ in Formatter().parse(template) if field}


def load_catalogue(directory: Path = LOCALES_DIR) -> dict[str, dict[str, str]]:
    """Every key of every ``*.toml`` file in ``directory``: ``{key: {"zh": ..., "en": ...}}``."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise CatalogueError(f"{path.name}: {exc}") from exc
        _flatten(path.stem, data, out, path.name)
    return out


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    return load_catalogue()


def normalise_lang(value: object) -> str:
    """A supported language code from user input (URL parameter, setting); the default otherwise.

    >>> normalise_lang("EN"), normalise_lang("zh-CN"), normalise_lang("<script>")
    ('en', 'zh', 'zh')
    """
    text = str(value or "").strip().lower()
    code = re.split(r"[-_]", text, maxsplit=1)[0] if text else ""
    return code if code in LANGS else DEFAULT_LANG


def translate(key: str, lang: str, /, **values: Any) -> str:
    """The text of ``key`` in ``lang``, formatted with ``values``.

    An unknown key raises ``KeyError`` (a test scans the code for every key it uses, so
    this cannot reach a user unnoticed).
    """
    entry = catalogue()[key]
    template = entry[lang if lang in LANGS else DEFAULT_LANG]
    return template.format(**values) if values else template
