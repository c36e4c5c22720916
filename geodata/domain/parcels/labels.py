"""What a parcel is called on screen when its file left fields empty.

Imported parcels may have no name (many bureau files carry only a code and an outline), or
a name that is only spaces. Every list, picker and card still needs a label for each one,
so the label falls back to the parcel code, then to the id; it is never ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def parcel_label(props: Mapping[str, object], lang: str = "zh") -> str:
    """The parcel's name in ``lang``, else its Chinese name, else its code, else its id.

    Examples
    --------
    >>> parcel_label({"id": "x1", "name_zh": "云栖地块", "name_en": "Yunqi site"}, "en")
    'Yunqi site'
    >>> parcel_label({"id": "TEST-1", "parcel_code": "TEST-1", "name_zh": None}, "zh")
    'TEST-1'
    >>> parcel_label({"id": "x2", "name_zh": float("nan"), "parcel_code": "  "}, "en")
    'x2'
    """
    keys = ("name_en", "name_zh", "parcel_code", "id") if lang == "en" else ("name_zh", "parcel_code", "id")
    for key in keys:
        text = _text(props.get(key))
        if text:
            return text
    return "?"


def parcel_labels(parcels: pd.DataFrame, lang: str = "zh") -> dict[str, str]:
    """{id: label} for every parcel (see :func:`parcel_label`), in row order.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["a", "b"], "name_zh": ["甲", None], "parcel_code": [None, "B-2"]})
    >>> parcel_labels(frame, "en")
    {'a': '甲', 'b': 'B-2'}
    """
    keys = ("name_en", "name_zh", "parcel_code", "id") if lang == "en" else ("name_zh", "parcel_code", "id")
    # column-wise, not row by row: computed once per store revision for up to 100,000 parcels
    label = pd.Series(pd.NA, index=parcels.index, dtype="string")
    for key in keys:
        if key in parcels.columns:
            text = parcels[key].astype("string").str.strip()
            label = label.fillna(text.mask(text == ""))
    return dict(zip(parcels["id"].astype(str), label.fillna("?").astype(str), strict=True))
