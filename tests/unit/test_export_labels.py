"""Map labels on exports: placed without overlap, measured on the drawn figures themselves.

The brochure's close-up and the exported overview are rendered for real; every figure saved
is caught (``Figure.savefig`` wrapped), and the bounding boxes of the texts drawn in its map
frames are measured with matplotlib's own renderer.
"""

from __future__ import annotations

import datetime as dt
import io

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from geodata.export.brochure import BrochureConfig, build_brochure
from geodata.export.fonts import rc_params
from geodata.export.labels import Label, place_labels, text_overlaps
from geodata.export.picture import BasemapChoice, MapContent, MapView, PictureSpec, render_picture
from geodata.model import pack_reader
from geodata.model.schema import FOCUS_DISTRICTS, LAYERS
from geodata.text.i18n import translate

OFFLINE = BasemapChoice("offline", "离线底图（本地数据）")
DATE = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def data():
    layers = {name: pack_reader.read_pack_layer(name) for name in LAYERS}
    return layers, pack_reader.read_pack_table("policies"), pack_reader.read_pack_table("sources")


@pytest.fixture
def saved(monkeypatch) -> list[Figure]:
    """Every figure the export saves, measured before it is closed."""
    figures: list[Figure] = []
    original = Figure.savefig

    def keep(self, *args, **kwargs):
        if self not in figures:
            figures.append(self)
            self._overlaps = {id(ax): text_overlaps(ax) for ax in _map_axes(self)}  # type: ignore[attr-defined]
            self._texts = {id(ax): [t.get_text() for t in ax.texts] for ax in _map_axes(self)}  # type: ignore[attr-defined]
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    return figures


def _map_axes(fig: Figure) -> list:
    """The map frames of a figure: the axes that carry a north arrow."""
    norths = {translate("export.north", lang) for lang in ("zh", "en")}
    return [ax for ax in fig.axes if any(t.get_text() in norths for t in ax.texts)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_brochure_maps_have_no_overlapping_labels(data, saved, lang) -> None:
    layers, policies, sources = data
    build_brochure(layers["parcels"], layers, policies, sources, BrochureConfig(), lang, date=DATE)
    assert len(saved) == len(layers["parcels"]) == 5
    for fig, (_, parcel) in zip(saved, layers["parcels"].iterrows(), strict=True):
        maps = _map_axes(fig)
        assert len(maps) == 2  # locator and close-up
        for ax in maps:
            assert fig._overlaps[id(ax)] == [], parcel["name_zh"]
        closeup = fig._texts[id(maps[1])]
        # the parcel is named on its close-up, and so are (by name or number) its neighbours
        assert parcel["name_zh"] in closeup
        assert len(closeup) >= 5


def test_crowded_close_up_keeps_the_neighbours_apart(data, saved) -> None:
    """The parcel where 荆长路东侧地块 used to print over 羲和光电科技项目: both named, apart."""
    layers, policies, sources = data
    parcels = layers["parcels"]
    one = parcels[parcels["name_zh"] == "阿里云总部北侧地块"]
    build_brochure(one, layers, policies, sources, BrochureConfig(), "zh", date=DATE)
    closeup = _map_axes(saved[0])[1]
    texts = saved[0]._texts[id(closeup)]
    assert {"荆长路东侧地块", "羲和光电科技项目", "阿里云总部北侧地块"} <= set(texts)
    assert saved[0]._overlaps[id(closeup)] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("extent", ["city", "focus"])
def test_overview_picture_has_no_overlapping_labels(data, saved, lang, extent) -> None:
    layers, _, sources = data
    d = layers["districts"]
    view = MapView.around(d if extent == "city" else d[d["name_zh"].isin(FOCUS_DISTRICTS)], 0.02)
    spec = PictureSpec("总览", size="a4_landscape", resolution="screen", lang=lang, date=DATE)
    render_picture(layers, view, spec, OFFLINE, MapContent(highlight=d[d["name_zh"] == "西湖区"]), sources)
    ax = _map_axes(saved[0])[0]
    assert saved[0]._overlaps[id(ax)] == []
    names = d["name_en" if lang == "en" else "name_zh"]
    drawn = set(saved[0]._texts[id(ax)]) & set(names)
    focus = set(d.loc[d["name_zh"].isin(FOCUS_DISTRICTS), names.name])
    assert focus <= drawn  # the focus districts are always named


@pytest.fixture
def font():
    with plt.rc_context(rc_params()):
        yield


def test_crowded_labels_move_apart_or_become_numbers(font) -> None:
    fig = plt.figure(figsize=(3, 2), dpi=96)
    try:
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        xs, ys = [2 + 1.5 * (i % 5) for i in range(20)], [2 + 1.8 * (i // 5) for i in range(20)]
        ax.scatter(xs, ys, s=30)
        labels = [
            Label(x, y, f"一个很长的地名{i}", priority=-i, size=11, gap=4)
            for i, (x, y) in enumerate(zip(xs, ys, strict=True))
        ]
        placed = place_labels(ax, labels)
        assert text_overlaps(ax) == []
        assert placed.named[0] == "一个很长的地名0"  # the most important keeps its name
        assert placed.numbered
        assert placed.numbered[0][0] == 1
        assert len(placed.named) + len(placed.numbered) + len(placed.dropped) == 20
        frame = ax.get_window_extent(fig.canvas.get_renderer())
        for t in ax.texts:  # nothing written outside the map frame
            bb = t.get_window_extent(fig.canvas.get_renderer())
            assert bb.x0 >= frame.x0
            assert bb.x1 <= frame.x1
            assert bb.y0 >= frame.y0
            assert bb.y1 <= frame.y1
    finally:
        plt.close(fig)


def test_many_labels_on_one_point_never_overlap(font) -> None:
    fig = plt.figure(figsize=(3, 2), dpi=96)
    try:
        ax = fig.add_axes((0, 0, 1, 1))
        placed = place_labels(ax, [Label(0.5, 0.5, f"地名{i}", gap=4) for i in range(40)])
        assert text_overlaps(ax) == []
        assert len(placed.named) >= 4
        assert placed.dropped
    finally:
        plt.close(fig)


def test_overlap_measure_sees_overlap(font) -> None:
    """The measure itself: two texts at one spot overlap, and it says so."""
    fig = plt.figure(figsize=(3, 2), dpi=96)
    try:
        ax = fig.add_axes((0, 0, 1, 1))
        ax.text(0.5, 0.5, "荆长路东侧地块")
        ax.text(0.52, 0.5, "羲和光电科技项目")
        assert text_overlaps(ax) == [("荆长路东侧地块", "羲和光电科技项目")]
    finally:
        plt.close(fig)


def test_choropleth_slide_names_clear_the_north_arrow(data, saved) -> None:
    """On a slide the frame is wide: a district name near the corner must not cross the north arrow."""
    layers, _, sources = data
    d = layers["districts"]
    view = MapView.around(d[d["name_zh"].isin(FOCUS_DISTRICTS)], 0.02)
    content = MapContent(
        "choropleth",
        None,
        {"钱塘区": (3700.0, 0)},
        ("3,700 亿元",),
        "Output (亿元)",
        ("002_dfcb443e60e2733b.txt",),
    )
    spec = PictureSpec("Thematic", "Areas without a source stay grey", "slide", "screen", "en", (), DATE)
    render_picture(layers, view, spec, OFFLINE, content, sources)
    ax = _map_axes(saved[0])[0]
    assert saved[0]._overlaps[id(ax)] == []
    assert "Qiantang District" in saved[0]._texts[id(ax)]


def test_brochure_numbers_what_finds_no_room_and_keys_it_under_the_map(data, saved, monkeypatch) -> None:
    from pypdf import PdfReader

    import geodata.export.brochure as brochure

    layers, policies, sources = data
    one = layers["parcels"].iloc[:1]
    crowd = brochure.feature_labels  # the real labels, then twenty made-up neighbours on one spot

    def crowded(parcel, near, layers_):
        labels = crowd(parcel, near, layers_)
        x, y = labels[0].x + 150, labels[0].y - 150
        return labels + [
            Label(x, y, f"邻近地物名称{i}", priority=-1e6 - i, size=5.8, gap=4.5) for i in range(20)
        ]

    monkeypatch.setattr(brochure, "feature_labels", crowded)
    pdf = build_brochure(one, layers, policies, sources, BrochureConfig(), "zh", date=DATE)
    closeup = _map_axes(saved[0])[1]
    assert saved[0]._overlaps[id(closeup)] == []
    numbers = [t for t in saved[0]._texts[id(closeup)] if t.isdigit()]
    assert numbers  # some neighbours are numbers on the map …
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\n", "")
    assert "图中编号：1 邻近地物名称" in text  # … and the key under the map names them
