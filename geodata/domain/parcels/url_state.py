"""The shareable view state: parcel-page filters, selection and view to and from URL query parameters.

Every parameter is bounded and validated; an unknown or malformed value is dropped with a
notice in the user's language, never an error.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from geodata.domain.parcels.query import ParcelQuery
from geodata.model.extent import HANGZHOU_EXTENT
from geodata.model.schema import NOT_PUBLISHED_ZH
from geodata.text.i18n import translate

# --------------------------------------------------------------------------------------------
# Shareable view state (URL query parameters)
# --------------------------------------------------------------------------------------------

#: Hangzhou's bounding box for a map centre shared in a link: (lat range, lon range).
CENTER_LAT: Final = (HANGZHOU_EXTENT.south, HANGZHOU_EXTENT.north)
CENTER_LON: Final = (HANGZHOU_EXTENT.west, HANGZHOU_EXTENT.east)
ZOOM_RANGE: Final = (5, 18)
MAX_TEXT: Final = 100
MAX_COMPARE: Final = 4
_MAX_RAW: Final = 2000  # longest raw value accepted for any parameter (characters, values joined by ",")
_MAX_NOTICES_UNKNOWN: Final = 5


@dataclass(frozen=True)
class ViewState:
    """Everything a shared link reopens: the filters, the open card, the comparison and the map view."""

    query: ParcelQuery = field(default_factory=ParcelQuery)
    selected: str | None = None  # parcel id
    compare: tuple[str, ...] = ()  # 2–4 parcel ids
    center: tuple[float, float] | None = None  # (lat, lon), inside CENTER_LAT x CENTER_LON
    zoom: int | None = None  # ZOOM_RANGE
    sector: str | None = None  # for policy matching on the card


#: URL parameter -> what it holds. Values of list parameters are joined with ",".
PARAM_KEYS: Final[dict[str, str]] = {
    "d": "districts",
    "p": "platforms",
    "lu": "land_uses",
    "amin": "area_mu_min",
    "amax": "area_mu_max",
    "ua": "include_unknown_area",
    "qt": "quarters",
    "st": "statuses",
    "ind": "industries",
    "q": "text",
    "sel": "selected",
    "cmp": "compare",
    "sec": "sector",
    "c": "center",
    "z": "zoom",
}
# Query parameters Streamlit itself reserves (``?embed=true``): not ours to judge.
#: Parameters of Streamlit and of the whole app (the language), not of this page's view.
_RESERVED: Final = frozenset({"embed", "embed_options", "lang"})
# List parameter -> (ParcelQuery field, key of `known`, what the values are, in Chinese).
_LIST_PARAMS: Final = {
    "d": ("districts", "districts", "districts"),
    "p": ("platforms", "platforms", "platforms"),
    "lu": ("land_uses", "land_uses", "land_uses"),
    "qt": ("quarters", "quarters", "quarters"),
    "st": ("statuses", "statuses", "statuses"),
    "ind": ("industries", "industries", "industries"),
}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SAFE_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,20}")
# Characters a shared search text may not hold: controls, format/bidi characters, surrogates,
# and markup brackets (never part of a parcel's text; only an injection attempt carries them).
_BAD_TEXT_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs"})


def _fmt_num(x: float) -> str:
    """Shortest text that reads back as the same float ("10", "12.5", "30.123456")."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def state_to_params(state: ViewState) -> dict[str, str]:
    """The URL query parameters of a view: short keys (:data:`PARAM_KEYS`), defaults omitted.

    List values are joined with ","; the map centre is ``lat,lon``; ``ua=0`` means
    "leave out parcels whose area is not published". ``cmp`` is written only when it holds
    2–4 ids (a comparison a link can reopen).

    Examples
    --------
    >>> state_to_params(ViewState())
    {}
    >>> state_to_params(ViewState(query=ParcelQuery(districts=("西湖区",), statuses=("planned",), text="云栖",
    ...     area_mu_min=10, area_mu_max=50, include_unknown_area=False), selected="site-ucas-south",
    ...     compare=("a", "b"), center=(30.1, 120.1), zoom=13))
    ... # doctest: +NORMALIZE_WHITESPACE
    {'d': '西湖区', 'amin': '10', 'amax': '50', 'ua': '0', 'st': 'planned', 'q': '云栖',
     'sel': 'site-ucas-south', 'cmp': 'a,b', 'c': '30.1,120.1', 'z': '13'}
    """
    q = state.query
    out: dict[str, str] = {}

    def put_list(key: str) -> None:
        values = getattr(q, _LIST_PARAMS[key][0])
        if values:
            out[key] = ",".join(values)

    for key in ("d", "p", "lu"):
        put_list(key)
    if q.area_mu_min is not None:
        out["amin"] = _fmt_num(q.area_mu_min)
    if q.area_mu_max is not None:
        out["amax"] = _fmt_num(q.area_mu_max)
    if not q.include_unknown_area:
        out["ua"] = "0"
    for key in ("qt", "st", "ind"):
        put_list(key)
    if q.text:
        out["q"] = q.text
    if state.selected:
        out["sel"] = state.selected
    if 2 <= len(state.compare) <= MAX_COMPARE:
        out["cmp"] = ",".join(state.compare)
    if state.sector:
        out["sec"] = state.sector
    if state.center is not None:
        out["c"] = f"{_fmt_num(state.center[0])},{_fmt_num(state.center[1])}"
    if state.zoom is not None:
        out["z"] = _fmt_num(state.zoom)
    return out


def _notice(key: str, reason: str, lang: str = "zh") -> str:
    return translate("parcels.link.ignored", lang, key=key, reason=reason)


class _InvalidParamError(Exception):
    """A parameter value that is dropped; the notice's reason is catalogue key ``parcels.link.<key>``."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values

    def text(self, lang: str) -> str:
        values = {k: v.text(lang) if isinstance(v, _InvalidParamError) else v for k, v in self.values.items()}
        if "what" in values:
            values["what"] = translate(f"parcels.what.{values['what']}", lang)
        return translate(f"parcels.link.{self.key}", lang, **values)

    def __str__(self) -> str:
        return self.text("zh")


def _single(raw: str | list[str]) -> str:
    if isinstance(raw, str):
        return raw
    values = list(dict.fromkeys(raw))
    if len(values) != 1:
        raise _InvalidParamError("several_values")
    return values[0]


def _strings(raw: object) -> str | list[str]:
    """A parameter's value(s), refused before any parsing when longer than :data:`_MAX_RAW` in all."""
    if isinstance(raw, str):
        if len(raw) > _MAX_RAW:
            raise _InvalidParamError("too_long")
        return raw
    if isinstance(raw, list | tuple) and raw and all(isinstance(v, str) for v in raw):
        # counted per value too: a thousand empty values carry no characters but cost work
        if len(raw) > _MAX_RAW or sum(map(len, raw)) + len(raw) - 1 > _MAX_RAW:
            raise _InvalidParamError("too_long")
        return list(raw)
    raise _InvalidParamError("unrecognised")


def _split_known(raw: str | list[str], allowed: set[str]) -> tuple[list[str], int]:
    """Split comma-joined values into the allowed ones (commas inside a known value are kept).

    Returns the allowed values (deduplicated, in order) and how many pieces were not allowed.
    At each piece the longest known value starting there is taken, found by walking a trie of
    the known values' comma pieces: the work is linear in the number of pieces (times the
    most commas any known value holds), whatever a link carries.

    Examples
    --------
    >>> _split_known("西湖区,a,b,,x", {"西湖区", "a,b"})
    (['西湖区', 'a,b'], 1)
    >>> _split_known("," * 1999, {"a"})
    ([], 0)
    """
    pieces = [p for item in ([raw] if isinstance(raw, str) else raw) for p in item.split(",")]
    trie = _piece_trie(allowed)
    found: dict[str, None] = {}  # an ordered set: membership in O(1)
    bad = 0
    i = 0
    while i < len(pieces):
        node, j, end = trie, i, None
        while j < len(pieces) and pieces[j] in node:
            node = node[pieces[j]]
            j += 1
            if _END in node:
                end = j
        if end is not None:
            found[",".join(pieces[i:end])] = None
            i = end
        else:
            bad += bool(pieces[i].strip())  # "a,,b" or a trailing comma is not worth a notice
            i += 1
    return list(found), bad


_END: Final = object()  # marks a trie node where a known value ends


def _piece_trie(allowed: set[str]) -> dict:
    """The known values as a trie over their comma-separated pieces."""
    root: dict = {}
    for value in allowed:
        node = root
        for piece in value.split(","):
            node = node.setdefault(piece, {})
        node[_END] = True
    return root


def _number(text: str) -> float:
    text = text.strip()
    if len(text) > 32 or not _NUMBER.fullmatch(text):
        raise _InvalidParamError("not_number")
    x = float(text)
    if not math.isfinite(x):
        raise _InvalidParamError("out_of_range")
    return x


def _area(raw: str | list[str]) -> float:
    try:
        x = _number(_single(raw))
    except _InvalidParamError as e:
        raise _InvalidParamError("area_detail", detail=e) from None
    if x < 0:
        raise _InvalidParamError("area")
    return x


def _search_text(raw: str | list[str]) -> str:
    text = _single(raw)
    if len(text) > MAX_TEXT:
        raise _InvalidParamError("text_long", max=MAX_TEXT)
    if any(ch in "<>" or unicodedata.category(ch) in _BAD_TEXT_CATEGORIES for ch in text):
        raise _InvalidParamError("text_bad")
    return text


def _center(raw: str | list[str]) -> tuple[float, float]:
    bounds = {"lat0": f"{CENTER_LAT[0]:g}", "lat1": f"{CENTER_LAT[1]:g}"}
    bounds |= {"lon0": f"{CENTER_LON[0]:g}", "lon1": f"{CENTER_LON[1]:g}"}
    parts = _single(raw).split(",")
    if len(parts) != 2:
        raise _InvalidParamError("center", **bounds)
    try:
        lat, lon = _number(parts[0]), _number(parts[1])
    except _InvalidParamError:
        raise _InvalidParamError("center", **bounds) from None
    if not (CENTER_LAT[0] <= lat <= CENTER_LAT[1] and CENTER_LON[0] <= lon <= CENTER_LON[1]):
        raise _InvalidParamError("center", **bounds)
    return lat, lon


def _zoom(raw: str | list[str]) -> int:
    text = _single(raw).strip()
    if not re.fullmatch(r"\d{1,2}", text) or not ZOOM_RANGE[0] <= int(text) <= ZOOM_RANGE[1]:
        raise _InvalidParamError("zoom", lo=ZOOM_RANGE[0], hi=ZOOM_RANGE[1])
    return int(text)


def _one_of(raw: str | list[str], allowed: set[str], what: str) -> str:
    value = _single(raw)
    if len(value) > _MAX_RAW or value not in allowed:
        raise _InvalidParamError("not_known", what=what)
    return value


def _safe_key(key: object, lang: str = "zh") -> str:
    return (
        key if isinstance(key, str) and _SAFE_KEY.fullmatch(key) else translate("parcels.link.bad_key", lang)
    )


def state_from_params(
    params: Mapping[str, str | list[str]], known: dict[str, set[str]], lang: str = "zh"
) -> tuple[ViewState, list[str]]:
    """Read a shared link's query parameters into a view, dropping every value that is not valid.

    Never raises. Each dropped parameter (unknown value, malformed number, NaN/inf, minimum
    above maximum, centre outside Hangzhou, zoom outside 5–18, unknown parcel id, more than
    four compared parcels, over-long or control-character text, unknown key) gives one notice
    in ``lang`` that names it; the language parameter ``lang`` belongs to the whole app and is passed over; values are never echoed back (they may be hostile).

    Parameters
    ----------
    params : mapping
        ``st.query_params.to_dict()`` (str values) or lists of values per key.
    known : dict of str to set of str
        Allowed values: keys ``districts``, ``platforms``, ``land_uses``, ``quarters``,
        ``statuses``, ``industries``, ``parcel_ids``, ``sectors`` (a missing key allows nothing).

    Returns
    -------
    (ViewState, list of str)
        The view and the notices, in parameter order.

    Examples
    --------
    >>> known = {"districts": {"西湖区"}, "statuses": {"planned"}, "parcel_ids": {"a", "b"}}
    >>> view, notices = state_from_params({"d": "西湖区", "z": "99", "sel": "a"}, known)
    >>> view.query.districts, view.selected, view.zoom
    (('西湖区',), 'a', None)
    >>> notices
    ['已忽略无效的链接参数 z：缩放级别须为 5–18 的整数']
    """
    notices: list[str] = []
    unknown_keys: list[object] = []
    fields: dict[str, object] = {}
    state: dict[str, object] = {}

    def allowed(name: str) -> set[str]:
        values = known.get(name) if isinstance(known, Mapping) else None
        return {v for v in (values or ()) if isinstance(v, str)}

    try:
        items = list(params.items())
    except Exception:  # not a mapping at all: nothing to read
        return ViewState(), [translate("parcels.link.unreadable", lang)]

    for key, raw_value in items:
        if key in _RESERVED:
            continue
        if not isinstance(key, str) or key not in PARAM_KEYS:
            unknown_keys.append(key)
            continue
        try:
            raw = _strings(raw_value)
            if key in _LIST_PARAMS:
                attr, known_key, what = _LIST_PARAMS[key]
                pool = allowed(known_key)
                if key == "qt":
                    pool.add(NOT_PUBLISHED_ZH)  # "quarter not published" is always a valid choice
                values, bad = _split_known(raw, pool)
                if values:
                    fields[attr] = tuple(values)
                if bad:
                    reason = _InvalidParamError("bad_count", count=bad, what=what).text(lang)
                    notices.append(_notice(key, reason, lang))
            elif key in ("amin", "amax"):
                fields[PARAM_KEYS[key]] = _area(raw)
            elif key == "ua":
                value = _single(raw).strip()
                if value not in ("0", "1"):
                    raise _InvalidParamError("ua")
                fields["include_unknown_area"] = value == "1"
            elif key == "q":
                fields["text"] = _search_text(raw)
            elif key == "sel":
                state["selected"] = _one_of(raw, allowed("parcel_ids"), "parcel_id")
            elif key == "cmp":
                pieces = _single(raw)
                if len(pieces) > _MAX_RAW or len(pieces.split(",")) > MAX_COMPARE:
                    raise _InvalidParamError("compare", max=MAX_COMPARE)
                ids, bad = _split_known(pieces, allowed("parcel_ids"))
                if bad or not 2 <= len(ids) <= MAX_COMPARE:
                    raise _InvalidParamError("compare", max=MAX_COMPARE)
                state["compare"] = tuple(ids)
            elif key == "sec":
                state["sector"] = _one_of(raw, allowed("sectors"), "sector")
            elif key == "c":
                state["center"] = _center(raw)
            elif key == "z":
                state["zoom"] = _zoom(raw)
        except _InvalidParamError as e:
            notices.append(_notice(key, e.text(lang), lang))
        except Exception:  # the contract is "never raises": a value we failed to foresee is dropped
            notices.append(_notice(key, translate("parcels.link.unrecognised", lang), lang))

    lo, hi = fields.get("area_mu_min"), fields.get("area_mu_max")
    if isinstance(lo, float) and isinstance(hi, float) and lo > hi:
        del fields["area_mu_min"], fields["area_mu_max"]
        notices.append(_notice("amin, amax", translate("parcels.link.min_above_max", lang), lang))

    for key in unknown_keys[:_MAX_NOTICES_UNKNOWN]:
        notices.append(translate("parcels.link.unknown", lang, key=_safe_key(key, lang)))
    if len(unknown_keys) > _MAX_NOTICES_UNKNOWN:
        more = len(unknown_keys) - _MAX_NOTICES_UNKNOWN
        notices.append(translate("parcels.link.more_unknown", lang, count=more))

    view = ViewState(query=ParcelQuery(**fields), **state)  # type: ignore[arg-type]
    return view, notices
