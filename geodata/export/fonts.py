"""The CJK font every exported picture and PDF uses, shipped with the app (``static/fonts``).

The pictures must print Chinese on any machine, including one with no CJK system font,
so they never rely on what the system has: matplotlib is pointed at the shipped Noto
Sans SC subset (OFL 1.1; how it was cut: ``scripts/subset_fonts.py``). PDFs embed it as
TrueType (``pdf.fonttype = 42``), so their text stays selectable and extractable.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Final

FONT_DIR: Final = Path(__file__).resolve().parents[2] / "static" / "fonts"
REGULAR: Final = FONT_DIR / "NotoSansSC-Regular-subset.ttf"
BOLD: Final = FONT_DIR / "NotoSansSC-Bold-subset.ttf"
FAMILY: Final = "Noto Sans SC"


@lru_cache(maxsize=1)
def register() -> str:
    """Add the shipped fonts to matplotlib's font manager (once); return the family name.

    Raises ``FileNotFoundError`` naming the missing file rather than letting matplotlib
    fall back to a font without Chinese glyphs.
    """
    from matplotlib import font_manager

    for path in (REGULAR, BOLD):
        if not path.is_file():
            raise FileNotFoundError(f"export font missing: {path} (see scripts/subset_fonts.py)")
        font_manager.fontManager.addfont(str(path))
    return FAMILY


def rc_params() -> dict[str, object]:
    """matplotlib settings for every export: the shipped font only, embedded as TrueType."""
    return {
        "font.family": [register()],
        "pdf.fonttype": 42,
        "svg.fonttype": "path",  # an SVG that draws the same everywhere, with no font to install
        "axes.unicode_minus": False,  # the subset's hyphen-minus, not U+2212
        "text.parse_math": False,  # titles and names are user/data text: "$5 亿$" must print as typed
        "figure.dpi": 96,
    }


@lru_cache(maxsize=1)
def _cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(REGULAR)).getBestCmap())


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` that the shipped font cannot draw (would print as empty boxes).

    Examples
    --------
    >>> missing_glyphs("杭州 Hangzhou 2026 年，亩 m²")
    set()
    """
    return {c for c in set(text) if c.isprintable() and not c.isspace() and ord(c) not in _cmap()}
