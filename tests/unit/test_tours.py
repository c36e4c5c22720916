"""Tour files: the schema and pack checks, each bad file with the message a maintainer sees."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from geodata.domain.figures import key_figures
from geodata.domain.tours import (
    SCHEMA_PATH,
    TourError,
    caption_numbers,
    fit_view,
    list_tour_files,
    load_tour,
    load_tours,
    parse_tour,
    schema_problems,
    stated_numbers,
    stop_figures,
)
from geodata.text.formats import format_number
from geodata.text.i18n import catalogue


def _good() -> dict:
    return {
        "id": "test-tour",
        "title": {"zh": "测试", "en": "Test"},
        "basemap": "osm",
        "stops": [
            {
                "title": {"zh": "西湖区", "en": "Xihu District"},
                "view": {"center": [30.25, 120.1], "zoom": 12},
                "layers": ["areas", "parcels"],
                "highlight": ["西湖区", "site-ucas-south"],
                "cards": ["s000-004", "s000-005"],
                "caption": {"zh": "计划出让 21 宗、1,018 亩。", "en": "21 parcels, 1,018 mu planned."},
            }
        ],
    }


def _set(path: str, value) -> Callable[[dict], None]:
    def apply(d: dict) -> None:
        *parents, last = path.split("/")
        for p in parents:
            d = d[int(p)] if p.isdigit() else d[p]
        if value is _DELETE:
            del d[int(last) if last.isdigit() else last]
        else:
            d[int(last) if last.isdigit() else last] = value

    return apply


_DELETE = object()

BAD = [
    ("zoom too far", _set("stops/0/view/zoom", 19), "en", "stop 1: 'view.zoom' must be between 5 and 18"),
    ("zoom too far, zh", _set("stops/0/view/zoom", 19), "zh", "第 1 站：“view.zoom”必须在 5 到 18 之间"),
    ("zoom as text", _set("stops/0/view/zoom", "12"), "en", "stop 1: 'view.zoom' must be a whole number"),
    ("no caption", _set("stops/0/caption", _DELETE), "en", "stop 1: 'caption' is missing"),
    ("caption without English", _set("stops/0/caption/en", _DELETE), "en", "stop 1: 'caption.en' is missing"),
    ("empty caption", _set("stops/0/caption/zh", ""), "zh", "第 1 站：“caption.zh”不能为空"),
    ("typo in a field", _set("stops/0/colour", "red"), "en", "stop 1: unknown field 'colour'"),
    (
        "unknown layer",
        _set("stops/0/layers", ["areas", "roads"]),
        "en",
        "stop 1: 'layers[2]' must be one of: areas, parcels, projects, innovation",
    ),
    (
        "centre and bounds",
        _set("stops/0/view/bounds", [[30.1, 120.0], [30.3, 120.2]]),
        "en",
        "stop 1: 'view' needs either 'bounds' or both 'center' and 'zoom' (not both)",
    ),
    (
        "centre outside Hangzhou",
        _set("stops/0/view/center", [40.0, 120.1]),
        "en",
        "stop 1: 'view.center[1]' must be between 29.0 and 31.0",
    ),
    ("no stops", _set("stops", []), "en", "tour: 'stops' needs at least 1 entries"),
    (
        "bad id",
        _set("id", "Xihu Tour"),
        "en",
        "tour: 'id' may only use lower-case letters, digits and hyphens",
    ),
    ("no title", _set("title", _DELETE), "zh", "导览：缺少“title”"),
    (
        "layers twice",
        _set("stops/0/layers", ["areas", "areas"]),
        "en",
        "stop 1: 'layers' lists an entry twice",
    ),
    ("unknown basemap", _set("basemap", "googlemaps"), "en", "tour: basemap 'googlemaps' does not exist"),
    ("unknown stop basemap", _set("stops/0/basemap", "bing"), "en", "stop 1: basemap 'bing' does not exist"),
    (
        "unknown feature",
        _set("stops/0/highlight", ["no-such-site"]),
        "en",
        "stop 1: highlighted feature 'no-such-site' is not in the data pack",
    ),
    (
        "highlight on a hidden layer",
        _set("stops/0/highlight", ["proj-yokohama"]),
        "en",
        "stop 1: highlighted feature 'proj-yokohama' is on layer 'projects', which this stop does not show",
    ),
    (
        "unknown indicator",
        _set("stops/0/cards", ["s000-004", "s999-001"]),
        "en",
        "stop 1: indicator 's999-001' is not in indicators.csv",
    ),
    (
        "a number no cited figure states",
        _set("stops/0/caption/zh", "计划出让 22 宗。"),
        "en",
        "stop 1: the Chinese caption says 22, which none of the figures this stop cites states",
    ),
    (
        "a money figure converted to billions",
        # 21 is stated (21 宗), but "21 billion" is 21,000,000,000 as read: no figure states that
        _set("stops/0/caption/en", "21 parcels, 1,018 mu and 21 billion yuan."),
        "en",
        "stop 1: the English caption says 21 billion, which none of the figures this stop cites states",
    ),
    (
        "a number without its figure",
        _set("stops/0/cards", ["s000-004"]),
        "zh",
        "第 1 站：中文说明中的数字 1018 不见于本站引用的任何指标",
    ),
    (
        "chart mixing units",
        _set("stops/0/chart", {"title": {"zh": "图", "en": "Chart"}, "indicators": ["s000-004", "s000-005"]}),
        "en",
        "stop 1: the chart's figures have different units (亩, 宗)",
    ),
    (
        "chart of one figure",
        _set("stops/0/chart", {"title": {"zh": "图", "en": "Chart"}, "indicators": ["s000-004"]}),
        "en",
        "stop 1: 'chart.indicators' needs at least 2 entries",
    ),
]


def test_the_good_tour_passes(tour_index) -> None:
    tour = parse_tour(_good(), tour_index, "en")
    assert tour.stops[0].view.zoom == 12
    assert tour.stops[0].cited == ("s000-004", "s000-005")


@pytest.mark.parametrize(("mutate", "lang", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_tour_is_rejected_with_a_located_message(tour_index, mutate, lang: str, message: str) -> None:
    data = copy.deepcopy(_good())
    mutate(data)
    with pytest.raises(TourError) as exc:
        parse_tour(data, tour_index, lang)
    assert message in exc.value.problems, exc.value.problems


def test_every_problem_is_reported_at_once(tour_index) -> None:
    data = _good()
    data["stops"][0]["view"]["zoom"] = 3
    data["stops"].append(copy.deepcopy(data["stops"][0]))
    del data["stops"][1]["title"]
    problems = schema_problems(data, "en")
    assert "stop 1: 'view.zoom' must be between 5 and 18" in problems
    assert "stop 2: 'title' is missing" in problems


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_file_errors_name_the_file(tour_index, tmp_path: Path) -> None:
    bad_yaml = _write(tmp_path, "a.yaml", "id: x\nstops:\n  - title: [unclosed\n")
    with pytest.raises(TourError) as exc:
        load_tour(bad_yaml, tour_index, "en")
    assert exc.value.problems[0].startswith("a.yaml: not valid YAML (near line")
    latin = _write(tmp_path, "b.yaml", "id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(TourError, match=r"b\.yaml: the file is not UTF-8 encoded"):
        load_tour(latin, tour_index, "en")
    not_mapping = _write(tmp_path, "c.yaml", "- just\n- a list\n")
    with pytest.raises(TourError, match=r"c.yaml · tour: '' must be a mapping"):
        load_tour(not_mapping, tour_index, "en")


def test_load_tours_keeps_good_files_and_reports_bad_and_duplicate_ones(tour_index, tmp_path: Path) -> None:
    good = json.dumps(_good(), ensure_ascii=False)  # JSON is valid YAML
    _write(tmp_path, "1.yaml", good)
    _write(tmp_path, "2.yaml", good)
    _write(tmp_path, "3.yaml", good.replace('"zoom": 12', '"zoom": 30'))
    tours, problems = load_tours(tour_index, "en", tmp_path)
    assert [t.id for t in tours] == ["test-tour"]
    assert problems == [
        "2.yaml: tour id 'test-tour' is already used by another file",
        "3.yaml · stop 1: 'view.zoom' must be between 5 and 18",
    ]


def test_shipped_tours_are_three_or_more_and_valid_in_both_languages(tour_index) -> None:
    for lang in ("zh", "en"):
        tours, problems = load_tours(tour_index, lang)
        assert problems == []
        assert {t.id for t in tours} >= {"xihu-2026-land", "qiantang-manufacturing", "zijingang-science-city"}


def test_every_number_in_a_shipped_caption_is_stated_by_its_cited_rows(tour_index) -> None:
    tours, _ = load_tours(tour_index, "zh")
    checked = 0
    for tour in tours:
        for stop in tour.stops:
            rows = tour_index.indicators.loc[list(stop.cited)]
            for lang in ("zh", "en"):
                shown = [f.display for f in stop_figures(stop.cited, tour_index, lang)]
                numbers = caption_numbers(stop.caption.get(lang))
                assert numbers <= stated_numbers(rows, shown), (tour.id, stop.title.zh, lang)
                checked += len(numbers)
    assert checked >= 20  # the captions do cite figures; an empty check would prove nothing


def test_figures_keep_the_source_number_in_both_languages(tour_index) -> None:
    """One money rule: a tour figure keeps its source's number and unit (geodata/text/formats.py)."""
    ids = ["s000-003", "s000-006", "s000-005", "s002-008", "s002-027"]
    zh = {f.id: f for f in stop_figures(ids, tour_index, "zh")}
    en = {f.id: f for f in stop_figures(ids, tour_index, "en")}
    assert zh["s000-003"].display == "约 210 亿元"
    assert en["s000-003"].display == "about 210 × 100 million yuan"
    assert (en["s000-003"].value, en["s000-003"].unit) == (210.0, "亿元")
    assert en["s000-006"].display == "about 200 × 10,000 m²"  # 万平方米: not "2 million m²"
    assert en["s000-005"].display == "planned 1,018 mu"
    assert en["s002-008"].display == "rank 1"
    assert en["s002-027"].display == "47"
    for f in en.values():
        assert "billion" not in f.display, f.display
        assert "million m" not in f.display, f.display
        assert not hasattr(f, "factor_note")


def test_every_english_money_figure_of_a_shipped_tour_states_the_source_number(tour_index) -> None:
    tours, _ = load_tours(tour_index, "en")
    cited = {i for t in tours for s in t.stops for i in s.cited}
    money = [i for i in cited if tour_index.indicators.loc[i, "unit"] == "亿元"]
    assert money
    for f in stop_figures(money, tour_index, "en"):
        row = tour_index.indicators.loc[f.id]
        assert "× 100 million yuan" in f.display, f.display
        assert "billion" not in f.display, f.display
        assert format_number(float(row["value"])) in f.display, (f.id, f.display)
        assert f.value == float(row["value"])


def test_a_tour_figure_reads_as_on_every_other_page(tour_index) -> None:
    """The meeting card shows the same text as the area pages' cards (geodata.domain.figures) for a figure."""
    tours, _ = load_tours(tour_index, "en")
    cited = list(dict.fromkeys(i for t in tours for s in t.stops for i in s.cited))
    for lang in ("zh", "en"):
        pages = {}
        for area in set(tour_index.indicators.loc[cited, "area"]):
            pages |= {f.id: f.display for f in key_figures(tour_index.indicators, area, lang)}
        tour = {f.id: f.display for f in stop_figures(cited, tour_index, lang)}
        both = set(pages) & set(tour)
        assert len(both) >= 10, both  # headline figures the tours cite
        assert {i: tour[i] for i in both} == {i: pages[i] for i in both}


def _qiantang() -> dict:
    path = next(p for p in list_tour_files() if p.name.startswith("02-qiantang"))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_caption_that_converts_money_is_refused(tour_index) -> None:
    """The captions used to say billions; the figures beside them say × 100 million yuan."""
    data = _qiantang()
    first = data["stops"][0]["caption"]
    assert "3,700 × 100 million yuan" in first["en"]
    assert "3,700 亿元" in first["zh"]
    assert parse_tour(copy.deepcopy(data), tour_index, "en")  # the shipped wording passes
    first["en"] = (
        "Last year Qiantang's above-scale industrial output passed 370 billion yuan; in the first quarter "
        "of this year above-scale industrial value added reached 17.151 billion yuan."
    )
    data["stops"][1]["caption"]["en"] = "Qiantang signed 47 projects, 7 of them worth 1 billion yuan or more."
    with pytest.raises(TourError) as exc:
        parse_tour(data, tour_index, "en")
    says = "the English caption says {}, which none of the figures this stop cites states"
    assert exc.value.problems == [
        "stop 1: " + says.format("17.151 billion"),
        "stop 1: " + says.format("370 billion"),
        # "≥1bn CNY" in the row's English name is no licence to convert 10 亿元 to "1 billion"
        "stop 2: " + says.format("1 billion"),
    ]


def test_captions_read_unit_multipliers_as_units_and_scale_words_as_scale() -> None:
    assert caption_numbers("over 3,700 × 100 million yuan") == {3700.0}
    assert caption_numbers("2,000 × 10,000 yuan or more") == {2000.0}
    assert caption_numbers("370 billion yuan") == {370e9}
    assert caption_numbers("2 million m²") == {2e6}
    assert caption_numbers("projects of over 100 million yuan") == set()
    assert caption_numbers("10,000 firms") == {10_000.0}  # a figure, not a multiplier


def test_bounds_views_fit_the_map() -> None:
    wide = fit_view([[30.08, 119.99], [30.36, 120.18]])
    narrow = fit_view([[30.31, 120.04], [30.33, 120.06]])
    assert narrow.zoom > wide.zoom >= 5
    assert wide.center == (30.22, 120.085)


def test_every_dynamic_message_key_exists() -> None:
    """Keys built at run time (types, schema keywords) that the code scan cannot see.

    Qualifiers (约, 超, 以上 ...) are worded by geodata/text/formats.py's glossary, as on every other
    page; tests/unit/test_formats.py checks that it knows each one the pack uses.
    """
    cat = catalogue()
    schema_text = SCHEMA_PATH.read_text(encoding="utf-8")
    for kw in ("minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum"):
        assert f"tour.error.{kw}" in cat
    for type_name in ("string", "number", "integer", "array", "object"):
        assert f'"{type_name}"' not in schema_text or f"tour.type.{type_name}" in cat


def test_list_tour_files_is_sorted() -> None:
    names = [p.name for p in list_tour_files()]
    assert names == sorted(names)
    assert len(names) >= 3


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_bars_of_every_shipped_chart_have_distinct_labels(tour_index, lang: str) -> None:
    """English drops Chinese-only subjects; two bars must still never read the same."""
    tours, _ = load_tours(tour_index, lang)
    charts = [s.chart for t in tours for s in t.stops if s.chart is not None]
    assert charts
    for chart in charts:
        labels = [(f.subject, f.label) for f in stop_figures(chart.indicators, tour_index, lang)]
        assert len(set(labels)) == len(labels), labels
