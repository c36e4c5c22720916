"""How current a feature, layer, chart or export is ("data as of"): the date its sources were
published, or the date an editor imported or changed it. Site selectors distrust undated data
first, so every view says it; and an undated source is said to be undated, never given a date.

Dates are the sources table's ``published`` (``2026``, ``2026-02`` or ``2026-02-02``, as precise
as the source allows) and, for a parcel from the store, its ``updated_at`` (an ISO time stamp).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from geodata.domain.sources import published_dates, split_sources
from geodata.text.formats import format_date
from geodata.text.i18n import translate


def _present(v: object) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and str(v).strip() != ""


def source_span(files: Iterable[str], sources: pd.DataFrame | None = None) -> tuple[str, str, int, int]:
    """(earliest, latest) published date of the pack sources among ``files``, how many of them are
    undated, and how many of ``files`` are not pack sources (an import names its own file).

    ISO dates of different precision sort correctly as text ("2025" < "2025-01" < "2026-02").

    >>> t = pd.DataFrame({"file": ["a", "b", "c"], "published": ["2026-02", "2024-10-24", None]})
    >>> source_span(["a", "b", "c", "import.csv"], t)
    ('2024-10-24', '2026-02', 1, 1)
    """
    dates = published_dates(sources)
    known = [f for f in files if f in dates]
    dated = sorted(dates[f] for f in known if dates[f])
    undated = sum(1 for f in known if not dates[f])
    other = sum(1 for f in files if f not in dates)
    return (dated[0] if dated else "", dated[-1] if dated else "", undated, other)


def _day(stamp: object) -> str:
    return str(stamp)[:10] if _present(stamp) else ""


def feature_as_of(props: Mapping, lang: str = "zh", sources: pd.DataFrame | None = None) -> str:
    """One line saying how current a feature is.

    A feature from the sources is as current as the newest of them; a parcel an editor imported
    (its source is not one of the pack's) is as current as its import or last change; a pack
    parcel an editor changed says both.

    >>> t = pd.DataFrame({"file": ["a.txt", "b.txt"], "published": ["2026-02", None]})
    >>> feature_as_of({"source": "a.txt;b.txt"}, "zh", t)
    '资料截至：2026年2月（另有 1 份来源未注明日期）'
    >>> feature_as_of({"source": "b.txt"}, "en", t)
    'Data as of: the source gives no date'
    >>> feature_as_of({"source": "西湖区规划局 2026.xlsx", "updated_at": "2026-11-20T08:00:00+00:00", "version": 1}, "en", t)
    'Data as of: imported on 20 November 2026'
    >>> feature_as_of({"source": "a.txt", "updated_at": "2026-11-21T08:00:00+00:00", "version": 3}, "zh", t)
    '资料截至：2026年2月；编辑修改于 2026年11月21日'
    """
    files = split_sources([props.get("source")])
    _, latest, undated, other = source_span(files, sources)
    updated = _day(props.get("updated_at"))
    if files and other == len(files):  # an imported record: its own file is the source
        if updated:
            return translate("currency.imported", lang, date=format_date(updated, lang))
        return translate("currency.imported_undated", lang)
    if latest:
        line = translate("currency.as_of", lang, date=format_date(latest, lang))
        if undated:
            line += translate("currency.also_undated", lang, count=undated)
    else:
        line = translate("currency.undated", lang)
    version = props.get("version")
    if updated and _present(version) and int(version) > 1:
        line += translate("currency.edited", lang, date=format_date(updated, lang))
    return line


def frame_as_of(frame: pd.DataFrame, lang: str = "zh", sources: pd.DataFrame | None = None) -> str:
    """One line for a layer, chart or table: the span of its sources' dates (and its imports').

    >>> t = pd.DataFrame({"file": ["a", "b", "c"], "published": ["2026-02", "2024-10-24", None]})
    >>> frame_as_of(pd.DataFrame({"source": ["a", "b;c"]}), "en", t)
    'Data as of: 24 October 2024 to February 2026 (undated sources: 1)'
    >>> frame_as_of(pd.DataFrame({"source": ["a"]}), "zh", t)
    '资料截至：2026年2月'
    >>> frame_as_of(pd.DataFrame({"source": ["x.csv"], "updated_at": ["2026-11-02T01:00:00+00:00"]}), "zh", t)
    '资料截至：导入于 2026年11月2日'
    >>> frame_as_of(pd.DataFrame({"source": []}), "zh", t)
    ''
    """
    if frame is None or "source" not in frame or frame.empty:
        return ""
    files = split_sources(frame["source"])
    first, latest, undated, other = source_span(files, sources)
    parts = []
    if latest:
        key = "currency.span" if first != latest else "currency.as_of"
        parts.append(translate(key, lang, first=format_date(first, lang), date=format_date(latest, lang)))
    if other:
        stamps = [_day(v) for v in frame["updated_at"]] if "updated_at" in frame else []
        stamps = [s for s in stamps if s]
        if stamps:
            newest = max(stamps)
            if parts:
                parts[-1] += translate("currency.and_imported", lang, date=format_date(newest, lang))
            else:
                parts.append(
                    translate(
                        "currency.as_of",
                        lang,
                        date=translate("currency.imported_on", lang, date=format_date(newest, lang)),
                    )
                )
        elif not parts:
            parts.append(translate("currency.imported_undated", lang))
    if not parts:
        return translate("currency.undated_many", lang) if undated else ""
    if undated:
        parts[-1] += translate("currency.some_undated", lang, count=undated)
    return parts[-1]


#: The layers whose currency the sidebar states, in the order shown (districts are boundaries, not sourced data).
DATED_LAYERS = ("parcels", "areas", "projects", "innovation", "indicators")


def layers_as_of(
    frames: Mapping[str, pd.DataFrame], lang: str = "zh", sources: pd.DataFrame | None = None
) -> list[tuple[str, str]]:
    """(layer name, how current it is) for each of :data:`DATED_LAYERS` present in ``frames``.

    >>> t = pd.DataFrame({"file": ["a"], "published": ["2026-02"]})
    >>> layers_as_of({"parcels": pd.DataFrame({"source": ["a"]}), "other": pd.DataFrame()}, "en", t)
    [('parcels', 'Data as of: February 2026')]
    """
    out = []
    for name in DATED_LAYERS:
        frame = frames.get(name)
        line = frame_as_of(frame, lang, sources) if frame is not None else ""
        if line:
            out.append((name, line))
    return out
