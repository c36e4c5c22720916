"""Guided tours: plain YAML files in ``geodata/pack/tours/``, checked before they are shown.

A tour is an ordered list of stops; a stop sets the map view (centre and zoom, or
bounds), the layers shown, the highlighted features, optionally the basemap, a caption
in Chinese and English, and the figures shown beside it (indicator ids, so no number
is typed twice: the cards and charts read ``indicators.csv``).

Checking happens in two steps, both reporting located messages in the reader's
language ("stop 3: 'view.zoom' must be between 5 and 18"):

1. the JSON Schema ``tour.schema.json`` (structure, types, ranges), with ``jsonschema``;
2. checks against the data pack: highlighted features, cited indicators and basemaps
   exist, a highlighted feature's layer is shown, a chart's figures share one unit,
   and every number in a caption is stated by one of the figures the stop cites, as the
   app shows it (``geodata.text.formats``: the source's number, never converted).

Pure: no Streamlit. ``PackIndex`` carries what the checks need to know about the pack.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import yaml

from geodata.model.pack_reader import default_pack_dir
from geodata.model.schema import PACK_DIR
from geodata.text.formats import format_value, indicator_name
from geodata.text.i18n import translate

TOURS_DIR = PACK_DIR / "tours"  # the shipped tours
TOURS_ENV = "ATLAS_TOURS"  # another tours folder (tests, a customer's own tours)
SCHEMA_PATH = TOURS_DIR / "tour.schema.json"

#: Layers a stop may show; district outlines are always drawn as the map's context.
STOP_LAYERS = ("areas", "parcels", "projects", "innovation")

#: The map size a ``bounds`` view is fitted to (CSS pixels); the meeting map is about this big
#: at 1280×720 and larger elsewhere, so a fitted extent is never cut off.
FIT_SIZE_PX = (760, 460)

_CJK = re.compile(r"[\u3400-\u9fff]")
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


class TourError(ValueError):
    """A tour file that cannot be shown; ``problems`` holds one located message each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Text:
    """A text in both languages."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class View:
    """Where the map looks: WGS-84 centre (lat, lon) and a Leaflet zoom level."""

    center: tuple[float, float]
    zoom: int


@dataclass(frozen=True)
class Chart:
    title: Text
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class Stop:
    title: Text
    caption: Text
    view: View
    layers: tuple[str, ...]
    basemap: str
    highlight: tuple[str, ...] = ()
    cards: tuple[str, ...] = ()
    chart: Chart | None = None

    @property
    def cited(self) -> tuple[str, ...]:
        """Every indicator id this stop shows (cards, then chart), without repeats."""
        ids = list(self.cards) + (list(self.chart.indicators) if self.chart else [])
        return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class Tour:
    id: str
    title: Text
    basemap: str
    stops: tuple[Stop, ...]
    summary: Text | None = None
    path: str = ""


@dataclass(frozen=True)
class PackIndex:
    """What tour checks need from the data pack.

    ``features`` maps a feature id (districts: their Chinese name) to its layer;
    ``indicators`` is the indicators table (``id``, ``value``, ``value_text``, ``unit``,
    ``period``, ``subject``, ``indicator``); ``basemaps`` the basemap keys on offer.
    """

    features: Mapping[str, str]
    indicators: pd.DataFrame
    basemaps: frozenset[str]
    names_en: Mapping[str, str] = field(default_factory=dict)
    names_zh: Mapping[str, str] = field(default_factory=dict)


def pack_index(
    layers: Mapping[str, pd.DataFrame], indicators: pd.DataFrame, basemaps: Iterable[str]
) -> PackIndex:
    """A ``PackIndex`` from the pack's layers (GeoDataFrames or frames), indicators and basemap keys."""
    features: dict[str, str] = {}
    names_en: dict[str, str] = {}
    names_zh: dict[str, str] = {}
    for layer, gdf in layers.items():
        if layer == "context":
            continue
        keys = gdf["name_zh"] if layer == "districts" else gdf["id"]
        en = gdf["name_en"] if "name_en" in gdf.columns else pd.Series([None] * len(gdf), index=gdf.index)
        for key, zh, name_en in zip(keys, gdf["name_zh"], en, strict=True):
            features[str(key)] = layer
            names_zh[str(key)] = str(zh)
            if isinstance(name_en, str) and name_en.strip():
                names_en[str(key)] = name_en
    return PackIndex(
        features, indicators.set_index("id", drop=False), frozenset(basemaps), names_en, names_zh
    )


@lru_cache(maxsize=1)
def tour_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def list_tour_files(directory: Path = TOURS_DIR) -> list[Path]:
    """The tour files of a directory, in name order (the order the app offers them).

    >>> [p.name for p in list_tour_files()][:1]
    ['01-xihu-2026-land.yaml']
    """
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


# --- messages -----------------------------------------------------------------------------


def _where(path: list[Any], lang: str) -> str:
    if len(path) >= 2 and path[0] == "stops" and isinstance(path[1], int):
        return translate("tour.error.where.stop", lang, n=path[1] + 1)
    return translate("tour.error.where.tour", lang)


def _field(path: list[Any]) -> str:
    """The field a message is about, relative to its stop: ``view.zoom``, ``cards[2]``."""
    rel = path[2:] if len(path) >= 2 and path[0] == "stops" and isinstance(path[1], int) else path
    out = ""
    for part in rel:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _type_name(expected: Any, lang: str) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return translate("tour.error.or", lang).join(translate(f"tour.type.{n}", lang) for n in names)


def _schema_message(err: jsonschema.ValidationError, lang: str) -> str:
    path = list(err.absolute_path)
    where, name = _where(path, lang), _field(path)
    v, value, schema = err.validator, err.validator_value, err.schema
    if v == "required":
        missing = [p for p in value if isinstance(err.instance, dict) and p not in err.instance]
        fld = _field([*path, missing[0]]) if missing else name
        return translate("tour.error.required", lang, where=where, field=fld)
    if v == "additionalProperties":
        extra = sorted(set(err.instance) - set(schema.get("properties", {})))
        fld = _field([*path, extra[0]]) if extra else name
        return translate("tour.error.unknown_field", lang, where=where, field=fld)
    if v in ("minimum", "maximum"):
        if "minimum" in schema and "maximum" in schema:
            return translate(
                "tour.error.range",
                lang,
                where=where,
                field=name,
                min=schema["minimum"],
                max=schema["maximum"],
            )
        return translate(f"tour.error.{v}", lang, where=where, field=name, limit=value)
    if v == "type":
        return translate("tour.error.type", lang, where=where, field=name, expected=_type_name(value, lang))
    if v == "enum":
        return translate("tour.error.enum", lang, where=where, field=name, options=", ".join(map(str, value)))
    if v in ("minItems", "maxItems", "minLength", "maxLength"):
        return translate(f"tour.error.{v}", lang, where=where, field=name, limit=value)
    if v == "uniqueItems":
        return translate("tour.error.unique", lang, where=where, field=name)
    if v == "pattern":
        return translate("tour.error.pattern", lang, where=where, field=name)
    if v == "oneOf" and path[-1:] == ["view"]:
        return translate("tour.error.view", lang, where=where, field=name)
    return translate("tour.error.invalid", lang, where=where, field=name, detail=err.message)


def schema_problems(data: Any, lang: str) -> list[str]:
    """Located messages for everything ``data`` gets wrong against the tour schema.

    Examples
    --------
    >>> schema_problems({"id": "x", "title": {"zh": "甲", "en": "A"}, "basemap": "osm",
    ...     "stops": [{"title": {"zh": "甲", "en": "A"}, "caption": {"zh": "甲", "en": "A"},
    ...                "layers": [], "view": {"center": [30.2, 120.1], "zoom": 19}}]}, "en")
    ["stop 1: 'view.zoom' must be between 5 and 18"]
    >>> schema_problems({"id": "x"}, "zh")[0]
    '导览：缺少“title”'
    """
    validator = jsonschema.Draft202012Validator(tour_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    # A bad sub-branch of ``oneOf`` is reported through the oneOf itself; report each location once.
    out: list[str] = []
    for err in errors:
        msg = _schema_message(err, lang)
        if msg not in out:
            out.append(msg)
    return out


# --- parsing and pack checks ----------------------------------------------------------------


def fit_view(bounds: list[list[float]], size_px: tuple[int, int] = FIT_SIZE_PX) -> View:
    """The centre and the largest zoom at which ``[[south, west], [north, east]]`` fits a map of ``size_px``.

    Web-Mercator arithmetic, as Leaflet's ``fitBounds`` does it (whole zoom levels).

    Examples
    --------
    >>> fit_view([[30.10, 119.90], [30.40, 120.30]])
    View(center=(30.25, 120.1), zoom=10)
    """
    (s, w), (n, e) = bounds

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = (e - w) / 360.0
    dy = (merc_y(n) - merc_y(s)) / (2 * math.pi)
    width, height = size_px
    zx = math.log2(width / 256 / dx) if dx > 0 else 18
    zy = math.log2(height / 256 / dy) if dy > 0 else 18
    zoom = max(5, min(18, math.floor(min(zx, zy))))
    return View(center=(round((s + n) / 2, 6), round((w + e) / 2, 6)), zoom=zoom)


def _text(d: Mapping[str, str]) -> Text:
    return Text(zh=d["zh"].strip(), en=d["en"].strip())


def _stop(d: Mapping[str, Any], basemap: str) -> Stop:
    view_d = d["view"]
    if "bounds" in view_d:
        view = fit_view(view_d["bounds"])
    else:
        view = View(center=(float(view_d["center"][0]), float(view_d["center"][1])), zoom=int(view_d["zoom"]))
    chart = None
    if "chart" in d:
        chart = Chart(title=_text(d["chart"]["title"]), indicators=tuple(d["chart"]["indicators"]))
    return Stop(
        title=_text(d["title"]),
        caption=_text(d["caption"]),
        view=view,
        layers=tuple(d["layers"]),
        basemap=d.get("basemap", basemap),
        highlight=tuple(d.get("highlight", ())),
        cards=tuple(d.get("cards", ())),
        chart=chart,
    )


def _numbers(text: str) -> set[float]:
    """The numbers written in a text, as values (``1,018`` → 1018.0)."""
    return {float(m.replace(",", "")) for m in _NUMBER.findall(text)}


#: The English multipliers of ``geodata.text.formats``' units, which are part of a unit, not figures:
#: "× 100 million" (亿, as in "210 × 100 million yuan"), "× 10,000" (万), and a bare
#: "100 million" for 亿 on its own (亿元以上 "over 100 million yuan").
_UNIT_WORDS = re.compile(r"×\s*(?:100 million|10,000)\b|\b100 million\b")
#: A number, and an English scale word after it: "370 billion" is 370,000,000,000 as read.
_CAPTION_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s+(billion|million)\b)?")
_SCALE = {"billion": 1e9, "million": 1e6}


def caption_figures(text: str) -> dict[float, str]:
    """The figures a text states, as values read the way a reader reads them, each with how it
    is written: the unit multipliers (``× 100 million``, ``× 10,000``) are not figures, and a
    number with "billion" or "million" after it is that many billions or millions.

    >>> caption_figures("47 projects of over 100 million yuan, 1,018 mu, 3,700 × 100 million yuan")
    {47.0: '47', 1018.0: '1018', 3700.0: '3700'}
    >>> caption_figures("passed 370 billion yuan")
    {370000000000.0: '370 billion'}
    """
    out: dict[float, str] = {}
    for m in _CAPTION_NUMBER.finditer(_UNIT_WORDS.sub(" ", text)):
        value = float(m.group(1).replace(",", ""))
        if m.group(2):
            out.setdefault(value * _SCALE[m.group(2)], m.group(0))
        else:
            out.setdefault(value, f"{value:g}")
    return out


def caption_numbers(text: str) -> set[float]:
    """The figures a caption states (see ``caption_figures``).

    >>> sorted(caption_numbers("47 projects of over 100 million yuan, 1,018 mu"))
    [47.0, 1018.0]
    >>> sorted(caption_numbers("2,000 × 10,000 yuan or more; 17.151 billion yuan"))
    [2000.0, 17151000000.0]
    """
    return set(caption_figures(text))


def stated_numbers(rows: pd.DataFrame, shown: Iterable[str] = ()) -> set[float]:
    """Every number the cited indicator rows state: values, numbers in their wording and period,
    and the figures as ``shown`` on screen — ``geodata.text.formats.format_value``, which keeps the
    source's number in both languages (``210 × 100 million yuan``), so a caption that converts
    a figure ("21 billion yuan") states a number no row states and is refused.

    >>> rows = pd.DataFrame([dict(value=3700.0, value_text="3700", period="去年", indicator="总产值")])
    >>> sorted(stated_numbers(rows, ["over 3,700 × 100 million yuan"]))
    [3700.0]
    """
    out: set[float] = set()
    for text in shown:
        out |= caption_numbers(text)
    for _, row in rows.iterrows():
        out.add(float(row["value"]))
        for col in ("value_text", "period", "subject", "indicator", "indicator_en"):
            if col in row and isinstance(row[col], str):
                out |= _numbers(row[col])
    return out


def pack_problems(tour: Tour, index: PackIndex, lang: str) -> list[str]:
    """Located messages for everything a schema-valid tour gets wrong against the data pack."""
    out: list[str] = []
    if tour.basemap not in index.basemaps:
        out.append(translate("tour.error.basemap", lang, where=_where([], lang), key=tour.basemap))
    for i, stop in enumerate(tour.stops):
        where = _where(["stops", i], lang)
        if stop.basemap != tour.basemap and stop.basemap not in index.basemaps:
            out.append(translate("tour.error.basemap", lang, where=where, key=stop.basemap))
        for fid in stop.highlight:
            layer = index.features.get(fid)
            if layer is None:
                out.append(translate("tour.error.feature", lang, where=where, id=fid))
            elif layer != "districts" and layer not in stop.layers:
                out.append(translate("tour.error.hidden", lang, where=where, id=fid, layer=layer))
        known = [i for i in stop.cited if i in index.indicators.index]
        for iid in stop.cited:
            if iid not in index.indicators.index:
                out.append(translate("tour.error.indicator", lang, where=where, id=iid))
        if stop.chart is not None:
            chart_ids = [i for i in stop.chart.indicators if i in index.indicators.index]
            units = sorted(set(index.indicators.loc[chart_ids, "unit"]))
            if len(units) > 1:
                out.append(translate("tour.error.chart_units", lang, where=where, units=", ".join(units)))
        for cap_lang in ("zh", "en"):
            shown = [f.display for f in stop_figures(known, index, cap_lang)]
            stated = stated_numbers(index.indicators.loc[known], shown)
            figures = caption_figures(stop.caption.get(cap_lang))
            for number in sorted(set(figures) - stated):
                out.append(
                    translate(
                        "tour.error.caption_number",
                        lang,
                        where=where,
                        caption=translate(f"tour.caption_lang.{cap_lang}", lang),
                        number=figures[number],
                    )
                )
    return out


def parse_tour(data: Any, index: PackIndex, lang: str, path: str = "") -> Tour:
    """A checked ``Tour`` from parsed YAML/JSON, or ``TourError`` with every problem found."""
    problems = schema_problems(data, lang)
    if problems:
        raise TourError(problems)
    tour = Tour(
        id=data["id"],
        title=_text(data["title"]),
        basemap=data["basemap"],
        stops=tuple(_stop(s, data["basemap"]) for s in data["stops"]),
        summary=_text(data["summary"]) if "summary" in data else None,
        path=path,
    )
    problems = pack_problems(tour, index, lang)
    if problems:
        raise TourError(problems)
    return tour


def load_tour(path: Path, index: PackIndex, lang: str) -> Tour:
    """Read, parse and check one tour file; ``TourError`` names the file and each problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise TourError([translate("tour.error.encoding", lang, file=path.name)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise TourError([translate("tour.error.yaml", lang, file=path.name, line=line)]) from None
    try:
        return parse_tour(data, index, lang, path=str(path))
    except TourError as exc:
        raise TourError([f"{path.name} · {p}" for p in exc.problems]) from None


def tours_dir() -> Path:
    """Where the app reads tours: ``$ATLAS_TOURS``, else ``tours/`` of the data pack in use."""
    env = os.environ.get(TOURS_ENV)
    return Path(env).expanduser() if env else default_pack_dir() / "tours"


def load_tours(index: PackIndex, lang: str, directory: Path | None = None) -> tuple[list[Tour], list[str]]:
    """Every tour of ``directory`` (default ``tours_dir()``) that checks out, and the problems of
    those that do not. A tour id used twice keeps its first file and reports the others.
    """
    directory = tours_dir() if directory is None else directory
    tours: list[Tour] = []
    problems: list[str] = []
    for path in list_tour_files(directory):
        try:
            tour = load_tour(path, index, lang)
        except TourError as exc:
            problems.extend(exc.problems)
            continue
        if any(t.id == tour.id for t in tours):
            problems.append(translate("tour.error.duplicate", lang, file=path.name, id=tour.id))
            continue
        tours.append(tour)
    return tours, problems


def feature_name(index: PackIndex, fid: str, lang: str) -> str:
    """A feature's display name: English where the pack has one, else its Chinese name."""
    if lang == "en" and fid in index.names_en:
        return index.names_en[fid]
    return index.names_zh.get(fid, fid)


# --- the figures a stop shows -----------------------------------------------------------------


@dataclass(frozen=True)
class StopFigure:
    """One cited figure, worded for one language."""

    id: str
    area: str
    subject: str
    label: str
    value: float  # as the source states it, in ``unit``
    display: str  # ``geodata.text.formats.format_value``: the wording every other page shows
    unit: str  # the source's unit (亿元, 个); ``formats.unit_label`` words it for an axis
    period: str
    period_inferred: bool
    source: str
    quote: str


def stop_figures(ids: Iterable[str], index: PackIndex, lang: str) -> list[StopFigure]:
    """The cited indicator rows as figures worded for ``lang``, in the order cited.

    A figure reads as it does on every other page (``geodata.text.formats.format_value``): the
    number the source states, its unit translated word for word, nothing converted — so
    in English 亿元 is "× 100 million yuan", never billions.

    Examples
    --------
    >>> rows = pd.DataFrame([dict(id="a", area="西湖区", subject="", indicator="总投资",
    ...     indicator_en="total investment", period="2026", period_basis="inferred: x", value=210.0,
    ...     value_text="210", qualifier="约", unit="亿元", unit_en="100 million CNY", source="000.txt", quote="q")])
    >>> idx = PackIndex({}, rows.set_index("id", drop=False), frozenset())
    >>> [(f.label, f.display) for f in stop_figures(["a"], idx, "zh")]
    [('总投资', '约 210 亿元')]
    >>> f = stop_figures(["a"], idx, "en")[0]
    >>> f.label, f.display, f.value, f.unit
    ('total investment', 'about 210 × 100 million yuan', 210.0, '亿元')
    """
    out: list[StopFigure] = []
    for iid in ids:
        row = index.indicators.loc[iid]
        value, unit = float(row["value"]), str(row["unit"])
        subject = str(row.get("subject") or "")
        if lang == "en":
            label = indicator_name(row["indicator"], row.get("indicator_en"), lang)
            if _CJK.search(subject):
                # the subject (a fund's or a plan's name) exists in Chinese only: name the
                # area in English instead; ``_disambiguate`` brings the Chinese name back
                # where two figures would otherwise read the same
                subject = area_name_en(index, subject) or area_name_en(index, str(row["area"]))
        else:
            label = str(row["indicator"])
        out.append(
            StopFigure(
                id=iid,
                area=str(row["area"]),
                subject=subject,
                label=label,
                value=value,
                display=format_value(value, unit, row.get("qualifier"), lang),
                unit=unit,
                period=str(row.get("period") or ""),
                period_inferred=str(row.get("period_basis") or "").startswith("inferred"),
                source=str(row["source"]),
                quote=str(row["quote"]),
            )
        )
    return _disambiguate(out, index) if lang == "en" else out


def area_name_en(index: PackIndex, name_zh: str) -> str:
    """The English name of a mapped feature (district, platform, park, project) given its Chinese name; empty if none."""
    for key, zh in index.names_zh.items():
        if zh == name_zh and key in index.names_en:
            return index.names_en[key]
    return ""


def _disambiguate(figures: list[StopFigure], index: PackIndex) -> list[StopFigure]:
    seen: dict[tuple[str, str], int] = {}
    for f in figures:
        seen[(f.subject, f.label)] = seen.get((f.subject, f.label), 0) + 1
    out = []
    for f in figures:
        if seen[(f.subject, f.label)] > 1:
            row = index.indicators.loc[f.id]
            f = replace(f, subject=str(row.get("subject") or row["area"]))
        out.append(f)
    return out


def step(current: int, total: int, action: str) -> int:
    """The stop to show after ``action`` (``next``, ``prev``, ``first``, ``last``), kept in range.

    Examples
    --------
    >>> step(0, 5, "next"), step(4, 5, "next"), step(0, 5, "prev"), step(2, 5, "first"), step(2, 5, "last")
    (1, 4, 0, 0, 4)
    >>> step(9, 5, "next")  # a stale index from a longer tour
    4
    """
    last = max(total - 1, 0)
    current = min(max(int(current), 0), last)
    moves = {"next": current + 1, "prev": current - 1, "first": 0, "last": last}
    return min(max(moves.get(action, current), 0), last)
