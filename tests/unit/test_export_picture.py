"""Map pictures: every size and resolution, what the picture says, the font it uses, offline and online basemaps."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import re
import threading
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from geodata.export.charts import RESOLUTIONS, SIZES, area_charts
from geodata.export.fonts import FAMILY, missing_glyphs
from geodata.export.picture import BasemapChoice, MapContent, MapView, PictureSpec, render_picture, scale_bar
from geodata.geo.styles import OFFLINE_FILL
from geodata.model import pack_reader
from geodata.model.schema import FOCUS_DISTRICTS, LAYERS

OFFLINE = BasemapChoice("offline", "离线底图（本地数据）")
# a tile server that is never there: port 9 (discard) on localhost refuses at once
UNREACHABLE = BasemapChoice(
    "osm", "OpenStreetMap", "© OpenStreetMap contributors", (("http://127.0.0.1:9/{z}/{x}/{y}.png", "", 19),)
)
DATE = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def data():
    layers = {name: pack_reader.read_pack_layer(name) for name in LAYERS}
    return layers, pack_reader.read_pack_table("indicators"), pack_reader.read_pack_table("sources")


@pytest.fixture(scope="module")
def focus_view(data) -> MapView:
    d = data[0]["districts"]
    return MapView.around(d[d["name_zh"].isin(FOCUS_DISTRICTS)], 0.02)


def _pdf_text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(p.extract_text() for p in reader.pages)


def _non_background_share(png: bytes, box: tuple[int, int, int, int], background: str) -> float:
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    left, top, right, bottom = box
    inner = img[top + 3 : bottom - 3, left + 3 : right - 3]
    bg = np.array([int(background[i : i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(inner - bg).sum(axis=2) > 30).mean())


@pytest.mark.parametrize("size", list(SIZES))
def test_every_size_renders_png_and_one_page_pdf(data, focus_view, size) -> None:
    layers, indicators, sources = data
    charts = tuple(area_charts(indicators, "西湖区", "zh")[:2])
    spec = PictureSpec("杭州产业用地总览", "测试副标题", size, "screen", "zh", charts, DATE)
    pic = render_picture(layers, focus_view, spec, UNREACHABLE, MapContent(), sources)

    w_in, h_in = SIZES[size]
    img = Image.open(io.BytesIO(pic.png))
    assert img.size == (round(w_in * 96), round(h_in * 96)) == (pic.width, pic.height)
    assert img.info["dpi"] == pytest.approx((96, 96), abs=0.05)  # pHYs stores whole pixels per metre

    reader, text = _pdf_text(pic.pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((w_in * 72, h_in * 72), abs=0.5)
    flat = re.sub(r"\s+", "", text)
    assert "杭州产业用地总览" in flat
    assert "测试副标题" in flat
    assert "数据来源：「西湖区发布先进制造业三大“新年礼包”」，2026年2月" in flat  # the seeds, cited
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", text)
    assert "瓦片服务器不可达" in flat
    assert "OpenStreetMap" in flat
    assert "制图日期2026-11-24" in flat
    # how current it is: the span of the cited sources' dates (seed 002 gives none)
    assert re.search(r"资料日期：\d{4}年[\d月日]*至2026年2月（1份来源未注明日期）", flat), flat[-400:]
    assert charts[0].title in flat  # the charts beside the map
    # the map frame is drawn, not blank: district fills, outlines, markers over the offline background
    assert _non_background_share(pic.png, pic.map_box, OFFLINE_FILL) > 0.25


@pytest.mark.parametrize("resolution", list(RESOLUTIONS))
def test_resolutions_scale_pixels_and_record_dpi(data, focus_view, resolution) -> None:
    layers, _, sources = data
    spec = PictureSpec("分辨率", size="a4_landscape", resolution=resolution, date=DATE)
    pic = render_picture(layers, focus_view, spec, OFFLINE, None, sources)
    dpi = RESOLUTIONS[resolution]
    img = Image.open(io.BytesIO(pic.png))
    assert img.size == (round(297 / 25.4 * dpi), round(210 / 25.4 * dpi))
    assert img.info["dpi"] == pytest.approx((dpi, dpi), abs=0.05)
    assert pic.dpi == dpi


def test_pdf_embeds_the_shipped_font_and_only_it(data, focus_view) -> None:
    layers, _, sources = data
    pic = render_picture(layers, focus_view, PictureSpec("字体 Font", date=DATE), OFFLINE, None, sources)
    reader = PdfReader(io.BytesIO(pic.pdf))
    fonts, embedded = set(), 0
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        fonts.add(re.sub(r"^/(?:[A-Z]{6}\+)?", "", str(font["/BaseFont"])))
        for d in font.get("/DescendantFonts") or [font]:
            desc = d.get_object().get("/FontDescriptor")
            # embedded TrueType: the PDF prints Chinese without the font installed
            embedded += desc is not None and "/FontFile2" in desc.get_object()
    assert fonts
    assert all(f.startswith(FAMILY.replace(" ", "")) for f in fonts), fonts
    assert embedded >= 1


def test_every_text_of_the_pack_and_catalogues_has_a_glyph() -> None:
    from geodata.model.schema import PACK_DIR
    from geodata.text.i18n import catalogue

    text = "".join(v for entry in catalogue().values() for v in entry.values())
    for path in PACK_DIR.glob("*"):
        if path.suffix in (".csv", ".geojson"):
            text += path.read_text(encoding="utf-8")
    assert missing_glyphs(text) == set()
    assert missing_glyphs("𠀀") == {"𠀀"}  # the check can fail: a rare ideograph outside the subset


def test_english_picture_speaks_english(data, focus_view) -> None:
    layers, indicators, sources = data
    charts = tuple(area_charts(indicators, "钱塘区", "en", display="Qiantang District")[:1])
    spec = PictureSpec("Hangzhou overview", "", "slide", "screen", "en", charts, DATE)
    pic = render_picture(layers, focus_view, spec, OFFLINE, None, sources)
    _, text = _pdf_text(pic.pdf)
    assert "Hangzhou overview" in text
    assert "Sources:\"XihuDistrictreleasesthree'NewYearpackages'\",February2026" in re.sub(r"\s+", "", text)
    assert "Basemap: offline basemap" in text
    assert "Legend" in text
    assert "Qiantang District: Output" in text
    assert Image.open(io.BytesIO(pic.png)).size == (1280, 720)


def test_user_text_is_printed_as_typed(data, focus_view) -> None:
    layers, _, sources = data
    title = "$5 亿$ <script>alert(1)</script>"
    pic = render_picture(layers, focus_view, PictureSpec(title, date=DATE), OFFLINE, None, sources)
    assert title.replace(" ", "") in re.sub(r"\s+", "", _pdf_text(pic.pdf)[1])


def test_offline_basemap_chosen_is_named_as_such(data, focus_view) -> None:
    layers, _, sources = data
    pic = render_picture(layers, focus_view, PictureSpec("离线", date=DATE), OFFLINE, None, sources)
    assert pic.basemap_note == "底图：离线底图（本地区县边界与名称）"


class _TileHandler(http.server.BaseHTTPRequestHandler):
    """Magenta map tiles; under /labels/ transparent tiles with a green square (an annotation layer)."""

    def do_GET(self) -> None:
        buf = io.BytesIO()
        if self.path.startswith("/labels/"):
            tile = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
            tile.paste((20, 160, 20, 255), (96, 96, 160, 160))
        else:
            tile = Image.new("RGB", (256, 256), (200, 30, 200))
        tile.save(buf, "PNG")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(buf.getvalue())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def tile_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TileHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_reachable_tiles_are_drawn_and_attributed(data, focus_view, tile_server) -> None:
    layers, _, sources = data
    bm = BasemapChoice("test", "测试底图", "© Test tiles", ((tile_server + "/{z}/{x}/{y}.png", "", 18),))
    pic = render_picture(layers, focus_view, PictureSpec("在线", date=DATE), bm, None, sources)
    assert pic.basemap_note == "底图：测试底图，© Test tiles"
    img = np.asarray(Image.open(io.BytesIO(pic.png)).convert("RGB")).astype(int)
    left, top, right, bottom = pic.map_box
    inner = img[top + 5 : bottom - 5, left + 5 : right - 5]
    magenta = (np.abs(inner - np.array([200, 30, 200])).sum(axis=2) < 40).mean()
    assert magenta > 0.2  # the tiles show through where no layer covers them


def test_choropleth_and_projects_pictures(data, focus_view) -> None:
    layers, _, sources = data
    values = {"钱塘区": (3700.0, 4)}
    content = MapContent(
        "choropleth", None, values, ("≤ 3,700 亿元",), "规上工业总产值（亿元）", ("002_dfcb443e60e2733b.txt",)
    )
    pic = render_picture(layers, focus_view, PictureSpec("着色", date=DATE), OFFLINE, content, sources)
    text = re.sub(r"\s+", "", _pdf_text(pic.pdf)[1])
    assert "规上工业总产值（亿元）" in text
    assert "无数据（来源未给出）" in text
    assert "「钱塘（新）区：杭州制造硬核担当加速创新」" in text  # the colouring figures' source
    pic = render_picture(
        layers, focus_view, PictureSpec("项目", date=DATE), OFFLINE, MapContent("projects"), sources
    )
    assert "圆点大小：投资额" in re.sub(r"\s+", "", _pdf_text(pic.pdf)[1])


def test_view_from_the_map_sets_the_extent(data) -> None:
    layers, _, sources = data
    # a small view around Yunqi names only the seeds of what lies inside it
    view = MapView(30.10, 120.05, 30.16, 120.12)
    pic = render_picture(layers, view, PictureSpec("局部", date=DATE), OFFLINE, None, sources)
    full = render_picture(
        layers, MapView.around(layers["districts"]), PictureSpec("全市", date=DATE), OFFLINE, None, sources
    )
    assert set(pic.sources) < set(full.sources)


@pytest.mark.parametrize(
    "out",
    [None, {}, {"bounds": None}, {"bounds": {"_southWest": {"lat": 31, "lng": 120}, "_northEast": {"lat": 30, "lng": 121}}},
     {"bounds": {"_southWest": {"lat": "x", "lng": 120}, "_northEast": {"lat": 30, "lng": 121}}}],
)  # fmt: skip
def test_bad_bounds_are_ignored(out) -> None:
    assert MapView.from_folium(out) is None


@pytest.mark.parametrize("lat", [0.0, 30.0, 60.0])
def test_scale_bar_is_ground_distance(lat) -> None:
    from pyproj import Geod, Transformer

    to_merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    x0, y0 = to_merc.transform(120.0, lat)
    x1, y1 = to_merc.transform(120.5, lat + 0.3)
    metres, units, _ = scale_bar((x0, y0, x1, y1))
    to_wgs = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    cy = (y0 + y1) / 2
    (lon_a, lon_b), (lat_a, _) = to_wgs.transform([x0, x0 + units], [cy, cy])
    ground = Geod(ellps="WGS84").inv(lon_a, lat_a, lon_b, lat_a)[2]
    assert ground == pytest.approx(metres, rel=1e-5)


def test_annotation_layer_is_drawn_over_the_map_tiles(data, focus_view, tile_server) -> None:
    layers, _, sources = data
    bm = BasemapChoice(
        "test", "测试底图", "© Test tiles",
        ((tile_server + "/{z}/{x}/{y}.png", "", 18), (tile_server + "/labels/{z}/{x}/{y}.png", "", 18)),
    )  # fmt: skip
    pic = render_picture(layers, focus_view, PictureSpec("两层", date=DATE), bm, None, sources)
    img = np.asarray(Image.open(io.BytesIO(pic.png)).convert("RGB")).astype(int)
    left, top, right, bottom = pic.map_box
    inner = img[top + 5 : bottom - 5, left + 5 : right - 5]
    assert (np.abs(inner - np.array([200, 30, 200])).sum(axis=2) < 40).mean() > 0.1  # the map tiles
    assert (
        np.abs(inner - np.array([20, 160, 20])).sum(axis=2) < 40
    ).mean() > 0.01  # and the labels over them


def test_one_unreachable_layer_means_the_offline_basemap(data, focus_view, tile_server) -> None:
    layers, _, sources = data
    bm = BasemapChoice(
        "test", "测试底图", "© Test tiles",
        ((tile_server + "/{z}/{x}/{y}.png", "", 18), ("http://127.0.0.1:9/{z}/{x}/{y}.png", "", 18)),
    )  # fmt: skip
    pic = render_picture(layers, focus_view, PictureSpec("缺层", date=DATE), bm, None, sources)
    assert pic.basemap_note == "底图：离线底图（瓦片服务器不可达：测试底图）"


def test_charts_that_do_not_fit_say_what_is_left_out(data, focus_view) -> None:
    layers, indicators, sources = data
    charts = tuple(area_charts(indicators, "钱塘区", "zh")[:3])
    pic = render_picture(
        layers, focus_view, PictureSpec("三图", date=DATE, charts=charts), OFFLINE, None, sources
    )
    text = re.sub(r"\s+", "", _pdf_text(pic.pdf)[1])
    assert "图中只画出最大的" in text  # three charts of 14 bars do not all fit beside an A4 map
    assert all(c.title in text for c in charts)
