"""What a reader sees reads like a publication: no seed file names outside the sources page,
no configuration advice in what is handed to an investor.

Every page is rendered in both languages (AppTest), with the states that show cards,
captions, tables, charts and tour stops; every export kind is made through its panel. The
whole element tree (text, tables, chart specs, hover titles, map HTML) and every exported
file's text are searched for a seed file name (``000_749770bcfb4b1cf3.txt``).
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from google.protobuf import text_format
from PIL import Image
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from components import state
from components.basemaps import basemaps
from geodata.domain.sources import SEED_FILE, cite
from geodata.domain.tours import load_tours, pack_index
from geodata.model import pack_reader
from geodata.model.schema import LAYERS
from geodata.text.i18n import translate
from tests.app.test_languages import visible_texts

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LANGS = ("zh", "en")
#: Words of setup advice that must not reach a brochure or picture.
CONFIG_WORDS = re.compile(
    r"secrets|\.toml|\[brochure|ATLAS_|TIANDITU_KEY|未配置|not configured|No contact", re.I
)


def _tree_text(at: AppTest) -> str:
    """Every element's protobuf as text: markdown, captions, tables, chart specs, component args."""
    out: list[str] = []

    def visit(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(text_format.MessageToString(proto, as_utf8=True))
        children = getattr(node, "children", None)
        for child in (children or {}).values():
            visit(child)

    visit(at._tree)
    # and the same decoded: table cells (Arrow bytes in the protobuf), markdown, chart specs
    out += visible_texts(at) + [m.value for m in at.markdown]
    # and as read: md_escape's backslashes undone (a Markdown table cites its sources escaped)
    out += [re.sub(r"\\(.)", r"\1", m.value) for m in at.markdown]
    specs = [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("plotly_chart")]
    out += [spec.replace('\\"', '"') for spec in specs]  # JSON escapes the quotes of an English citation
    return html.unescape("\n".join(out))  # markdown shows &quot; as "


def _public_text(at: AppTest, lang: str) -> str:
    """What every visitor reads: the page and sidebar, less the export panels (where the
    operator who makes a picture or brochure is told how to configure it)."""
    panels = {translate("export.panel.title", lang), translate("export.brochure.button", lang)}
    out: list[str] = []

    def visit(node) -> None:
        if getattr(node, "type", "") == "expander" and getattr(node, "label", None) in panels:
            return
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(text_format.MessageToString(proto, as_utf8=True))
        for child in (getattr(node, "children", None) or {}).values():
            visit(child)

    visit(at._tree)
    return "\n".join(out)


def _run(lang: str, page: str | None = None, query: dict | None = None, **values) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["lang"] = lang
    at.session_state[state.BASEMAP] = "offline"
    for key, value in values.items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page:
        at.switch_page(f"app_pages/{page}")
    at.run()
    assert not at.exception, at.exception
    return at


def _assert_no_seed_names(text: str, where: str) -> None:
    found = sorted(set(SEED_FILE.findall(text)))
    assert not found, f"{where} shows seed file names: {found}"


def _click(layer: str, feature_id: str) -> dict:
    return {
        "last_active_drawing": {"properties": {"_layer": layer, "id": feature_id}},
        "last_object_clicked": {"lat": 30.3, "lng": 120.05},
    }


def _scenes() -> list[tuple[str, str | None, dict, dict]]:
    """(name, page, query parameters, session values): every page, in the states that cite sources."""
    project = pack_reader.read_pack_layer("projects")["id"].iloc[0]
    park = pack_reader.read_pack_layer("areas")["id"].iloc[0]
    scenes: list[tuple[str, str | None, dict, dict]] = [
        ("overview", None, {}, {}),
        ("overview, a project clicked", None, {}, {state.OVERVIEW_MAP: _click("projects", project)}),
        ("overview, a park clicked", None, {}, {state.OVERVIEW_MAP: _click("areas", park)}),
        ("parcels", "parcels.py", {}, {}),
        ("parcels, a card open", "parcels.py", {"sel": "site-ucas-south"}, {}),
        ("thematic", "thematic.py", {}, {}),
        ("thematic, projects", "thematic.py", {}, {"thematic_view": "projects"}),
        ("data", "data.py", {}, {}),
        ("meeting", "meeting.py", {}, {}),
    ]
    for area in ("西湖区", "滨江区", "钱塘区", "紫金港科技城", "云栖小镇"):
        scenes.append((f"areas, {area}", "areas.py", {}, {state.AREAS_AREA: area}))
    for district in ("西湖区", "滨江区", "钱塘区"):
        scenes.append((f"policies, {district}", "policies.py", {}, {"policy_district": district}))
    return scenes


SCENES = _scenes()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("scene", SCENES, ids=[s[0] for s in SCENES])
def test_no_page_but_the_sources_page_names_a_seed_file(scene, lang: str) -> None:
    name, page, query, values = scene
    at = _run(lang, page, query, **values)
    text = _tree_text(at)
    _assert_no_seed_names(text, f"{name} ({lang})")
    if name != "data":  # the data page is where editors are told how to set themselves up
        setup = CONFIG_WORDS.findall(_public_text(at, lang))
        assert not setup, f"{name} ({lang}) shows setup advice to visitors: {setup}"
    # pages that cite sources do so by short title and date (the tour list, the data page and a
    # district without measures cite none)
    if name not in ("data", "meeting", "policies, 钱塘区"):
        files = pack_reader.read_pack_table("sources")["file"]
        assert any(cite(f, lang) in text for f in files), f"{name} ({lang}) cites no source"


def test_the_sources_page_still_lists_the_files() -> None:
    """The measure can see a file name: the sources page, where they belong, shows all five."""
    text = _tree_text(_run("zh", "sources.py"))
    assert len(set(SEED_FILE.findall(text))) == 5


@pytest.fixture(scope="module")
def tour_ids() -> list[str]:
    layers = {name: pack_reader.read_pack_layer(name) for name in LAYERS}
    index = pack_index(layers, pack_reader.read_pack_table("indicators"), basemaps())
    return [tour.id for tour in load_tours(index, "zh")[0]]


@pytest.mark.parametrize("lang", LANGS)
def test_no_tour_stop_names_a_seed_file(tour_ids, lang: str) -> None:
    K = state.MEETING
    at = _run(lang, "meeting.py")
    assert tour_ids
    for tour in tour_ids:
        if at.session_state[K["presenting"]]:
            at.button(key=K["exit"]).click().run()
        at.selectbox(key=K["tour"]).set_value(tour).run()
        at.button(key=K["start"]).click().run()
        assert not at.exception, at.exception
        while True:
            where = f"tour {tour} stop {at.session_state[K['stop']] + 1} ({lang})"
            _assert_no_seed_names(_tree_text(at), where)
            nxt = at.button(key=K["next"])
            if nxt.disabled:
                break
            nxt.click().run()
            assert not at.exception, at.exception


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _picture_text(picture) -> str:
    """A picture's words: the PDF's text and the PNG's embedded source line."""
    png_meta = " ".join(str(v) for v in Image.open(io.BytesIO(picture.png)).info.values())
    return _pdf_text(picture.pdf) + "\n" + png_meta


@pytest.mark.parametrize("lang", LANGS)
def test_no_export_names_a_seed_file_or_shows_setup_text(lang: str) -> None:
    panels = [
        (None, "overview", {}),
        ("areas.py", "areas", {}),
        ("parcels.py", "parcels", {}),
        ("thematic.py", "choropleth", {}),
        ("thematic.py", "projects", {"thematic_view": "projects"}),
    ]
    for page, panel, values in panels:
        at = _run(lang, page, **values)
        at.button(key=f"export_{panel}_make").click().run()
        assert not at.exception, at.exception
        picture = at.session_state[f"export_{panel}_result"][0]
        text = _picture_text(picture)
        assert text.strip()
        _assert_no_seed_names(text, f"{panel} picture ({lang})")
        assert not CONFIG_WORDS.search(text), f"{panel} picture ({lang}) shows setup text"
        if any(b.key == f"export_{panel}_chart_make" for b in at.button):
            at.button(key=f"export_{panel}_chart_make").click().run()
            title, _png, svg = at.session_state[f"export_{panel}_chart_files"]
            svg_text = svg.decode("utf-8")
            assert "<!--" in svg_text  # matplotlib keeps each drawn string as a comment
            _assert_no_seed_names(svg_text, f"{panel} chart {title} ({lang})")

    # the brochure, made without a contact configured
    at = _run(lang, "parcels.py")
    parcels = pack_reader.read_pack_layer("parcels")["id"].tolist()
    at.multiselect(key="export_brochure_pick").set_value(parcels).run()
    at.button(key="export_brochure_make").click().run()
    assert not at.exception, at.exception
    text = _pdf_text(at.session_state["export_brochure_pdf"][0])
    assert len(PdfReader(io.BytesIO(at.session_state["export_brochure_pdf"][0])).pages) == len(parcels)
    _assert_no_seed_names(text, f"brochure ({lang})")
    assert not CONFIG_WORDS.search(text), f"brochure ({lang}) shows setup text"
    # the operator who makes it is told how to add a contact, on the panel
    hint = "secrets.toml"
    assert any(hint in c.value for c in at.caption), "the export panel says how to configure a contact"
