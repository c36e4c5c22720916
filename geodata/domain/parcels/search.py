"""Free-text search over parcels: one normalised form for simplified/traditional, width and case."""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# Text search
# --------------------------------------------------------------------------------------------

#: Columns the free-text search looks in.
SEARCH_COLUMNS: Final = (
    "name_zh",
    "name_en",
    "description_zh",
    "surroundings_zh",
    "location_zh",
    "district",
    "parent",
    "industry",
    "land_use",
)

# Whitespace, plus invisible format characters that arrive with pasted text (soft hyphen,
# zero-width space/joiners, bidi marks, BOM): neither can be part of what a user means to find.
_INVISIBLE = re.compile(r"[\s\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+")
# Joins many values into one string for a single converter call; a private-use character
# survives NFKC, OpenCC and casefold unchanged and never occurs in a parcel's text.
_SEP: Final = "\ue000"
_converters = threading.local()  # one OpenCC converter per thread: Streamlit serves sessions in threads


def _t2s(text: str) -> str:
    conv = getattr(_converters, "t2s", None)
    if conv is None:
        import opencc  # the official OpenCC (BYVoid/OpenCC) binding, dictionaries bundled: works offline

        conv = _converters.t2s = opencc.OpenCC("t2s")
    return conv.convert(text)


def normalise_text(text: str) -> str:
    """Text as the search compares it: simplified characters, NFKC, casefolded, no whitespace.

    Traditional characters are converted with OpenCC's ``t2s`` (phrase-aware), NFKC folds
    full-width Latin and digits, ``casefold`` makes English case-insensitive, and every
    whitespace or invisible format character is removed (Chinese text carries no spaces).

    Parameters
    ----------
    text : str
        Any text; ``None`` counts as empty.

    Returns
    -------
    str

    Examples
    --------
    >>> normalise_text("四號浦路")
    '四号浦路'
    >>> normalise_text("Ｓｉｔｅ  South of UCAS")
    'sitesouthofucas'
    >>> normalise_text("國科大\\u200b南側")
    '国科大南侧'
    """
    if not text:
        return ""
    out = _t2s(unicodedata.normalize("NFKC", str(text))).casefold()
    return _INVISIBLE.sub("", out)


def _normalise_many(values: list[str]) -> list[str]:
    """:func:`normalise_text` of many values in one converter call (same result, much faster)."""
    if not values:
        return []
    joined = _SEP.join(values)
    if joined.count(_SEP) == len(values) - 1:
        out = _normalise_joined(joined).split(_SEP)
        if len(out) == len(values):
            return out
    return [normalise_text(v) for v in values]  # a value held the separator itself


def _normalise_joined(joined: str) -> str:
    return _INVISIBLE.sub("", _t2s(unicodedata.normalize("NFKC", joined)).casefold())


def text_column(parcels: pd.DataFrame, name: str) -> pd.Series:
    """A column's values as stripped ``str``, ``None`` where missing or blank (or no such column)."""
    if name not in parcels.columns:
        return pd.Series([None] * len(parcels), index=parcels.index, dtype=object)
    col = parcels[name]
    out = np.full(len(col), None, dtype=object)
    present = col.notna().to_numpy()
    if present.any():
        text = col[present].astype(str).str.strip().to_numpy(dtype=object)
        text[text == ""] = None
        out[present] = text
    return pd.Series(out, index=parcels.index, dtype=object)


def is_missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):  # list-like values: present
        return False


def search_mask(parcels: gpd.GeoDataFrame, text: str) -> pd.Series:
    """Which parcels mention ``text`` in any of :data:`SEARCH_COLUMNS` (after :func:`normalise_text`).

    Traditional and simplified characters find each other; English is case-insensitive;
    the text is matched literally (no patterns). Empty text matches every parcel.

    Parameters
    ----------
    parcels : geopandas.GeoDataFrame
    text : str

    Returns
    -------
    pandas.Series of bool
        Indexed like ``parcels``.

    Examples
    --------
    >>> df = pd.DataFrame({"name_zh": ["国科大南侧地块", "荆长路东侧地块"], "parent": ["云栖小镇", None]})
    >>> search_mask(df, "雲棲").tolist()
    [True, False]
    >>> search_mask(df, "").tolist()
    [True, True]
    """
    needle = normalise_text(text)
    if not needle:
        return pd.Series(True, index=parcels.index, dtype=bool)
    mask = np.zeros(len(parcels), dtype=bool)
    for name in SEARCH_COLUMNS:
        values = text_column(parcels, name)
        present = values.notna().to_numpy()
        if not present.any():
            continue
        uniques = list(dict.fromkeys(values[present]))
        hits = {v for v, norm in zip(uniques, _normalise_many(uniques), strict=True) if needle in norm}
        if hits:
            mask |= values.isin(hits).to_numpy() & present
    return pd.Series(mask, index=parcels.index, dtype=bool)


