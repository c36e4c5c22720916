"""The site-finder page (AppTest): a project in, ranked sites with reasons, links and registration out."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from geodata.text.i18n import translate
from tests.app.english import assert_english


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_project_gets_ranked_sites_with_reasons(open_page, lang: str) -> None:
    at = open_page("recommend.py", lang=lang)
    at.selectbox(key="rec_sector").set_value("制造业")
    at.number_input(key="rec_lo").set_value(20.0)
    at.number_input(key="rec_hi").set_value(80.0)
    at.checkbox(key="rec_near_inno").check()
    at.run()
    assert not at.exception, at.exception
    text = "\n".join(m.value for m in at.markdown)
    # the five shipped parcels, each with its reasons; their area and industry are unpublished: unknown
    cards = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert len(cards) >= 5
    assert translate("recommend.status.unknown", lang) in cards[0]
    assert translate("recommend.criterion.size", lang) in cards[0]
    assert "parcels?sel=" in text
    assert sum(1 for e in at.expander if e.label == translate("leads.action.register", lang)) >= 5
    assert any(translate("recommend.explain.head", lang, considered=5, ranked=5, left=0) in i.value for i in at.info)
    if lang == "en":
        assert_english(at, "site finder")


def test_preferred_district_with_no_parcels_says_so(open_page) -> None:
    at = open_page("recommend.py")
    at.multiselect(key="rec_districts").set_value(["钱塘区"])
    at.run()
    assert not at.exception
    assert any(w.value == translate("recommend.page.none", "zh") for w in at.warning)


def test_an_inverted_range_is_a_clear_message(open_page) -> None:
    at = open_page("recommend.py")
    at.number_input(key="rec_lo").set_value(90.0)
    at.number_input(key="rec_hi").set_value(10.0)
    at.run()
    assert not at.exception
    assert at.error[0].value == translate("recommend.page.bad_range", "zh")


def test_pdf_is_one_page_with_the_project_sites_reasons_and_sources() -> None:
    from geodata.domain.recommend import Project, rank
    from geodata.export.recommendation import build_recommendation_pdf
    from geodata.model import pack_reader

    layers = {n: pack_reader.read_pack_layer(n) for n in ("parcels", "areas", "projects", "innovation")}
    policies = pack_reader.read_pack_table("policies")
    project = Project(sector="制造业", land_mu_min=20, land_mu_max=80, investment_wan=30000, near_innovation=True)
    rec = rank(project, layers["parcels"], layers["areas"], layers["projects"], layers["innovation"], policies)
    pdf = build_recommendation_pdf(project, rec, "zh", sources=pack_reader.read_pack_table("sources"))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    flat = "".join(reader.pages[0].extract_text().split())
    assert "智能选址推荐" in flat
    assert "产业方向：制造业" in flat
    assert "用地需求：20–80亩" in flat
    assert "".join(rec.parcels[0].name_zh.split()) in flat
    assert "[未知（来源未载明）]面积" in flat  # the unpublished area, said as unknown
    assert "来源：「西湖区发布先进制造业三大“新年礼包”」" in flat
