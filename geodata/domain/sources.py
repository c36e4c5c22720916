"""How the atlas cites its sources to a reader: a short form (title, date) instead of a file name.

The five seed documents are stored under file names (``000_749770bcfb4b1cf3.txt``) that mean
nothing to a reader of a report or brochure. Outside the data pack and the sources page a
source is cited by its short title and date as ``sources.csv`` gives them
(``short_zh`` / ``short_en``, ``published``), in the reader's language; the full title is one
step away (``full_citation``: hover texts, footnotes, the sources page). A source that is not
one of the seeds (the name a maintainer gave an imported file) is cited as it was named.

Every function takes the ``sources`` table; without one it uses the shipped pack's, which is
read-only and the same for every visitor (read once per process).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Final

import pandas as pd

from geodata.model.pack_reader import default_pack_dir, read_pack_table
from geodata.text.formats import format_date
from geodata.text.i18n import translate

#: A seed document's file name; it must not reach a reader outside the sources page.
SEED_FILE: Final = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


@functools.lru_cache(maxsize=1)
def _pack_sources() -> pd.DataFrame:
    return read_pack_table("sources", default_pack_dir())


def _table(sources: pd.DataFrame | None) -> pd.DataFrame:
    return _pack_sources() if sources is None else sources


@functools.lru_cache(maxsize=1)
def _pack_rows() -> dict[str, pd.Series]:
    # A page cites dozens of sources per run; a dict lookup instead of a boolean mask over the
    # table each time (the mask showed up in the server's CPU profile under load).
    table = _pack_sources()
    if "file" not in table:
        return {}
    return {file: table.iloc[i] for i, file in reversed(list(enumerate(table["file"])))}


def _row(file: str, sources: pd.DataFrame | None) -> pd.Series | None:
    if sources is None:
        return _pack_rows().get(file)
    table = sources
    if "file" not in table:
        return None
    hit = table[table["file"] == file]
    return hit.iloc[0] if len(hit) else None


def _text(row: pd.Series, col: str) -> str:
    value = row.get(col, "")
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def _cite(title: str, published: str, lang: str) -> str:
    date = format_date(published, lang) if published else ""
    key = "cite.dated" if date else "cite.undated"
    return translate(key, lang, title=title, date=date)


def cite(file: str, lang: str = "zh", sources: pd.DataFrame | None = None) -> str:
    """A source's short citation: its short title and date in ``lang``; other names as they are.

    Examples
    --------
    >>> src = pd.DataFrame({"file": ["000_749770bcfb4b1cf3.txt"], "title_zh": ["西湖区发布三大「新年礼包」 副题"],
    ...     "title_en": ["Xihu releases three packages"], "short_zh": ["西湖区发布三大“新年礼包”"],
    ...     "short_en": [""], "published": ["2026-02"]})
    >>> cite("000_749770bcfb4b1cf3.txt", "zh", src)
    '「西湖区发布三大“新年礼包”」，2026年2月'
    >>> cite("000_749770bcfb4b1cf3.txt", "en", src)
    '"Xihu releases three packages", February 2026'
    >>> cite("镇街上报 2026-03", "zh", src)
    '镇街上报 2026-03'
    >>> cite("002_dfcb443e60e2733b.txt", "zh")  # the shipped pack: this report states no date
    '「钱塘（新）区：杭州制造硬核担当加速创新」'
    """
    row = _row(file, sources)
    if row is None:
        return file
    en = lang == "en"
    title = _text(row, "short_en" if en else "short_zh") or _text(row, "title_en" if en else "title_zh")
    return _cite(title or file, _text(row, "published"), lang) if title else file


def full_citation(file: str, lang: str = "zh", sources: pd.DataFrame | None = None) -> str:
    """A source's full title and date, for a hover text or a footnote.

    >>> full_citation("001_6bceb20c9443bdad.txt", "en")
    '"Hangzhou High-tech Zone (Binjiang): policy opinions on developing new quality productive forces", 24 October 2024'
    """
    row = _row(file, sources)
    if row is None:
        return file
    title = _text(row, "title_en" if lang == "en" else "title_zh") or _text(row, "title_zh")
    return _cite(title, _text(row, "published"), lang) if title else file


def published_dates(sources: pd.DataFrame | None = None) -> dict[str, str]:
    """Each source file's ``published`` date as the table gives it ("" where the source gives none)."""
    table = _table(sources)
    if "file" not in table or "published" not in table:
        return {}
    return {
        str(f): _text(row, "published") for f, (_, row) in zip(table["file"], table.iterrows(), strict=True)
    }


def split_sources(values: Iterable) -> list[str]:
    """The source names in a ``source`` column, where one cell may name several ("a.txt;b.txt"), sorted.

    >>> split_sources(["000.txt;004.txt", None, "", "001.txt", "000.txt"])
    ['000.txt', '001.txt', '004.txt']
    """
    out: set[str] = set()
    for v in values:
        if isinstance(v, str):
            out.update(part.strip() for part in re.split(r"[;；,，]", v) if part.strip())
    return sorted(out)


def cite_all(files: Iterable, lang: str = "zh", sources: pd.DataFrame | None = None) -> str:
    """Several sources' short citations in one line, in file order (seed order), each once.

    >>> print(cite_all(["004_c0cd15c402fb7bc0.txt;000_749770bcfb4b1cf3.txt"], "en"))
    "Xihu District releases three 'New Year packages'", February 2026; "Xihu District: the 'three creations' and the Xihu model", 2025
    """
    sep = translate("cite.sep", lang)
    return sep.join(cite(f, lang, sources) for f in split_sources(files))


def cite_cells(values: Iterable, lang: str = "zh", sources: pd.DataFrame | None = None) -> list[str]:
    """A table's ``source`` column as citations, cell by cell (for the tables the pages show).

    >>> cite_cells(["001_6bceb20c9443bdad.txt", "", None], "zh")
    ['「杭高新〔2024〕16号」，2024年10月24日', '', '']
    """
    return [cite_all([v], lang, sources) if isinstance(v, str) and v.strip() else "" for v in values]


def source_marks(files: Iterable[str]) -> dict[str, int]:
    """Footnote numbers for the sources of a set of cards: [1], [2] … in file order.

    >>> source_marks(["b.txt", "a.txt", "b.txt"])
    {'a.txt': 1, 'b.txt': 2}
    """
    return {src: i + 1 for i, src in enumerate(sorted(set(files)))}
