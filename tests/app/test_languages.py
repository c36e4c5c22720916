"""Every page in both languages: runs, uses only catalogue keys, and in English shows no
Chinese outside data quotes 「…」, names in parentheses and columns marked "(Chinese)"."""

from __future__ import annotations

import re

import pytest

from tests.app.english import (
    HAN,
    assert_english,
    leftover_english,
    leftover_han,
    markdown_plain,
    visible_texts,
)

PAGES = ("overview.py", "parcels.py", "areas.py", "thematic.py", "policies.py", "recommend.py", "sources.py")


@pytest.mark.parametrize("page", PAGES)
def test_page_in_english_has_no_leftover_chinese(open_page, page: str) -> None:
    at = open_page(page, lang="en")
    left = sorted({t for t in (leftover_han(markdown_plain(x)) for x in visible_texts(at)) if t})
    assert not left, f"{page} in English still shows Chinese:\n" + "\n".join(left[:40])


@pytest.mark.parametrize("page", PAGES)
def test_page_in_chinese_runs_and_speaks_chinese(open_page, page: str) -> None:
    at = open_page(page, lang="zh")
    assert HAN.search(at.title[0].value)
    labels = [w.label for kind in ("selectbox", "multiselect", "radio") for w in getattr(at, kind)]
    labels = [x for x in labels if x not in ("Language / 语言", "语言 / Language")]
    english_only = [x for x in labels if not HAN.search(x) and re.search(r"[A-Za-z]{3,}", x)]
    assert not english_only, f"{page} in Chinese has English-only widget labels: {english_only}"
    # no English sentence left in Chinese mode (product names in brackets and URLs aside)
    english = {text[:120] for text in visible_texts(at) if leftover_english(markdown_plain(text))}
    assert not english, f"{page} in Chinese shows English:\n" + "\n".join(sorted(english))


def test_language_comes_from_the_url_and_goes_back_into_it(open_page) -> None:
    at = open_page(query={"lang": "en"})
    assert at.session_state["lang"] == "en"
    assert at.title[0].value.startswith("Hangzhou")
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"


def test_a_bad_language_in_the_url_falls_back_to_chinese(open_page) -> None:
    at = open_page(query={"lang": "<script>"})
    assert at.session_state["lang"] == "zh"


def test_the_parcel_page_keeps_the_language_in_its_link(open_page) -> None:
    at = open_page("parcels.py", lang="en")
    assert "lang" in at.query_params
    assert "en" in str(at.query_params["lang"])
    assert not [w for w in at.warning if "lang" in w.value], (
        "lang must not be reported as an unknown parameter"
    )


def test_thematic_projects_view_in_english(open_page) -> None:
    at = open_page("thematic.py", lang="en", session={"thematic_view": "projects"})
    assert at.radio(key="thematic_view").value == "projects"
    assert_english(at, "projects view")


@pytest.mark.parametrize("area", ["钱塘区", "滨江区", "紫金港科技城", "云栖小镇"])
def test_area_profiles_in_english(open_page, area: str) -> None:
    at = open_page("areas.py", lang="en", session={"areas_area": area})
    assert_english(at, area)


def test_parcel_card_comparison_and_policies_in_english(open_page) -> None:
    at = open_page(
        "parcels.py", query={"lang": "en", "sel": "site-ucas-south", "cmp": "site-ucas-south,site-sihaopu-rd"}
    )
    assert_english(at, "parcel card")
    assert any(h.value.startswith("#### Site south of UCAS") for h in at.markdown)
    assert not at.warning, [w.value for w in at.warning]


def test_a_hostile_link_is_reported_in_english(open_page) -> None:
    at = open_page("parcels.py", query={"lang": "en", "z": "99", "d": "nowhere", "zzz": "1"})
    assert_english(at, "notices")
    texts = [w.value for w in at.warning]
    assert "Ignored an invalid link parameter z: the zoom must be a whole number from 5 to 18" in texts
    assert "Ignored an invalid link parameter d: 1 value(s) are not a known district" in texts
    assert "Ignored an unknown link parameter zzz" in texts


@pytest.mark.parametrize("district", ["西湖区", "滨江区", "钱塘区", "淳安县"])
def test_policy_finder_in_english(open_page, district: str) -> None:
    profile = {"policy_investment": 30000.0, "policy_rd_spend": 3000.0, "policy_rent_area": 2000.0}
    at = open_page(
        "policies.py",
        lang="en",
        session={"policy_district": district, **profile, "policy_capital": 20000.0},
    )
    assert_english(at, district)


@pytest.mark.parametrize(
    ("layer", "key"),
    [("parcels", "site-ucas-south"), ("areas", "zone-zijingang"), ("projects", "proj-yokohama")],
)
def test_a_feature_card_in_both_languages(open_page, layers, layer: str, key: str) -> None:
    from geodata.geo.selection import Clicked

    row = layers[layer].set_index("id").loc[key]
    at = open_page(lang="en", session={"overview_feature": Clicked(layer, key)})
    assert_english(at, f"{layer} card")
    assert any(
        m.value == f"#### {row['name_en']}".replace("(", "\\(").replace(")", "\\)") for m in at.markdown
    )

    at = open_page(session={"overview_feature": Clicked(layer, key)})
    facts = dict(zip(at.table[0].value.iloc[:, 0], at.table[0].value.iloc[:, 1], strict=True))
    assert facts["定位依据"] == row["location_basis_zh"]


@pytest.mark.parametrize("page", PAGES)
def test_switching_language_on_a_page_keeps_its_choices(open_page, page: str) -> None:
    at = open_page(page, lang="zh")
    before = {
        k: at.session_state[k]
        for k in ("parcels_near_mode", "policy_district", "areas_area")
        if k in at.session_state
    }
    at.get("segmented_control")[0].set_value("en").run()
    assert not at.exception, at.exception
    assert at.session_state["lang"] == "en"
    assert_english(at, f"{page} after the switch")
    for key, value in before.items():
        assert at.session_state[key] == value, key
