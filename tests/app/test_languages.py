"""Every page in both languages: runs, uses only catalogue keys, and in English shows no
Chinese outside data quotes 「…」, names in parentheses and columns marked "(Chinese)"."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = ("overview.py", "parcels.py", "areas.py", "thematic.py", "policies.py", "sources.py")
HAN = re.compile(r"[\u4e00-\u9fff]")
# Quoted source text and a name given in brackets after its English form are data, kept as they are.
ALLOWED_SPANS = re.compile(r"「[^」]*」|（[^）]*）|\([^)]*\)")
#: Three or more English words in a row: a sentence or a label left in English.
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")
#: The language switch names each language in itself.
ALLOWED_TEXTS = {"中文"}


def leftover_han(text: str) -> str | None:
    """The text if Chinese remains once quotes and bracketed names are removed, else None.

    >>> leftover_han("Source quote: 「西湖区」"), leftover_han("Xihu District (西湖区)")
    (None, None)
    >>> leftover_han("西湖区 key figures")
    '西湖区 key figures'
    """
    if text in ALLOWED_TEXTS:
        return None
    return text if HAN.search(ALLOWED_SPANS.sub("", text)) else None


def leftover_english(text: str) -> bool:
    """Whether English prose is left once URLs and bracketed names are removed.

    >>> leftover_english("Point from gazetteer row 云栖小镇"), leftover_english("浅色（Esri Light Gray）")
    (True, False)
    >>> leftover_english("来源：https://example.com/a b c"), leftover_english("English")
    (False, False)
    """
    return bool(ENGLISH_RUN.search(ALLOWED_SPANS.sub("", re.sub(r"https?://\S+", "", text))))


def _frame_texts(df: pd.DataFrame) -> list[str]:
    out = [str(c) for c in df.columns]
    for col in df.columns:
        if "(Chinese)" in str(col):
            continue  # a column of source text, labelled as such
        out += [v for v in df[col].tolist() if isinstance(v, str)]
    return out


def visible_texts(at: AppTest) -> list[str]:
    """Every text AppTest can see: headings, prose, notices, widget labels and options, tables."""
    texts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "info",
        "warning",
        "error",
        "success",
    ):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("selectbox", "multiselect", "radio"):
        for w in getattr(at, kind):
            texts.append(str(w.label))
            texts += [str(o) for o in w.options]
    for kind in ("number_input", "text_input", "checkbox", "slider", "button"):
        texts += [str(w.label) for w in getattr(at, kind)]
    texts += [str(m.label) for m in at.metric] + [str(m.value) for m in at.metric]
    texts += [str(e.label) for e in at.expander]
    for df in at.dataframe:
        texts += _frame_texts(df.value.data if hasattr(df.value, "data") else df.value)
    for tb in at.table:
        texts += _frame_texts(tb.value)
    for el in at.get("download_button"):
        texts.append(str(el.proto.label))
    for el in at.get("segmented_control"):
        texts += [str(getattr(o, "content", o)) for o in el.proto.options]
    return texts


def _markdown_plain(text: str) -> str:
    """Markdown/HTML cards lose their tags and the hover titles (which hold the quotes)."""
    text = re.sub(r'title="[^"]*"', "", text)
    text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


def run_page(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.switch_page(f"app_pages/{page}").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_in_english_has_no_leftover_chinese(page: str) -> None:
    at = run_page(page, "en")
    left = sorted({t for t in (leftover_han(_markdown_plain(x)) for x in visible_texts(at)) if t})
    assert not left, f"{page} in English still shows Chinese:\n" + "\n".join(left[:40])


@pytest.mark.parametrize("page", PAGES)
def test_page_in_chinese_runs_and_speaks_chinese(page: str) -> None:
    at = run_page(page, "zh")
    assert HAN.search(at.title[0].value)
    labels = [w.label for kind in ("selectbox", "multiselect", "radio") for w in getattr(at, kind)]
    labels = [x for x in labels if x not in ("Language / 语言", "语言 / Language")]
    english_only = [x for x in labels if not HAN.search(x) and re.search(r"[A-Za-z]{3,}", x)]
    assert not english_only, f"{page} in Chinese has English-only widget labels: {english_only}"
    # no English sentence left in Chinese mode (product names in brackets and URLs aside)
    english = {text[:120] for text in visible_texts(at) if leftover_english(_markdown_plain(text))}
    assert not english, f"{page} in Chinese shows English:\n" + "\n".join(sorted(english))


def test_language_comes_from_the_url_and_goes_back_into_it() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.session_state["lang"] == "en"
    assert at.title[0].value.startswith("Hangzhou")
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"


def test_a_bad_language_in_the_url_falls_back_to_chinese() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "<script>"
    at.run()
    assert not at.exception
    assert at.session_state["lang"] == "zh"


def test_the_parcel_page_keeps_the_language_in_its_link() -> None:
    at = run_page("parcels.py", "en")
    assert "lang" in at.query_params
    assert "en" in str(at.query_params["lang"])
    assert not [w for w in at.warning if "lang" in w.value], (
        "lang must not be reported as an unknown parameter"
    )


def _assert_english(at: AppTest, what: str) -> None:
    assert not at.exception, at.exception
    left = sorted({t for t in (leftover_han(_markdown_plain(x)) for x in visible_texts(at)) if t})
    assert not left, f"{what} in English still shows Chinese:\n" + "\n".join(left[:40])


def test_thematic_projects_view_in_english() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = "en"
    at.session_state["thematic_view"] = "projects"
    at.switch_page("app_pages/thematic.py").run()
    assert at.radio(key="thematic_view").value == "projects"
    _assert_english(at, "projects view")


@pytest.mark.parametrize("area", ["钱塘区", "滨江区", "紫金港科技城", "云栖小镇"])
def test_area_profiles_in_english(area: str) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = "en"
    at.session_state["areas_area"] = area
    at.switch_page("app_pages/areas.py").run()
    _assert_english(at, area)


def test_parcel_card_comparison_and_policies_in_english() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in {
        "lang": "en",
        "sel": "site-ucas-south",
        "cmp": "site-ucas-south,site-sihaopu-rd",
    }.items():
        at.query_params[key] = value
    at.switch_page("app_pages/parcels.py").run()
    _assert_english(at, "parcel card")
    assert any(h.value.startswith("#### Site south of UCAS") for h in at.markdown)
    assert not at.warning, [w.value for w in at.warning]


def test_a_hostile_link_is_reported_in_english() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in {"lang": "en", "z": "99", "d": "nowhere", "zzz": "1"}.items():
        at.query_params[key] = value
    at.switch_page("app_pages/parcels.py").run()
    _assert_english(at, "notices")
    texts = [w.value for w in at.warning]
    assert "Ignored an invalid link parameter z: the zoom must be a whole number from 5 to 18" in texts
    assert "Ignored an invalid link parameter d: 1 value(s) are not a known district" in texts
    assert "Ignored an unknown link parameter zzz" in texts


@pytest.mark.parametrize("district", ["西湖区", "滨江区", "钱塘区", "淳安县"])
def test_policy_finder_in_english(district: str) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = "en"
    at.session_state["policy_district"] = district
    at.session_state["policy_investment"] = 30000.0
    at.session_state["policy_rd_spend"] = 3000.0
    at.session_state["policy_rent_area"] = 2000.0
    at.session_state["policy_capital"] = 20000.0
    at.switch_page("app_pages/policies.py").run()
    _assert_english(at, district)


@pytest.mark.parametrize(
    ("layer", "key"),
    [("parcels", "site-ucas-south"), ("areas", "zone-zijingang"), ("projects", "proj-yokohama")],
)
def test_a_feature_card_in_both_languages(layer: str, key: str) -> None:
    from geodata.geo.selection import Clicked
    from geodata.model import pack_reader

    row = pack_reader.read_pack_layer(layer).set_index("id").loc[key]
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = "en"
    at.session_state["overview_feature"] = Clicked(layer, key)
    at.run()
    _assert_english(at, f"{layer} card")
    assert any(
        m.value == f"#### {row['name_en']}".replace("(", "\\(").replace(")", "\\)") for m in at.markdown
    )

    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["overview_feature"] = Clicked(layer, key)
    at.run()
    assert not at.exception
    facts = dict(zip(at.table[0].value.iloc[:, 0], at.table[0].value.iloc[:, 1], strict=True))
    assert facts["定位依据"] == row["location_basis_zh"]


@pytest.mark.parametrize("page", PAGES)
def test_switching_language_on_a_page_keeps_its_choices(page: str) -> None:
    at = run_page(page, "zh")
    before = {
        k: at.session_state[k]
        for k in ("parcels_near_mode", "policy_district", "areas_area")
        if k in at.session_state
    }
    at.get("segmented_control")[0].set_value("en").run()
    assert not at.exception, at.exception
    assert at.session_state["lang"] == "en"
    _assert_english(at, f"{page} after the switch")
    for key, value in before.items():
        assert at.session_state[key] == value, key
