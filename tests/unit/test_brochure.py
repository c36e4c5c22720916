"""Parcel brochures: one A4 page per parcel, facts never invented, QR code opens the parcel, contact configurable."""

from __future__ import annotations

import datetime as dt
import io
import re

import geopandas as gpd
import numpy as np
import pytest
from pypdf import PdfReader

from geodata.domain.parcels import state_from_params
from geodata.export.brochure import BrochureConfig, build_brochure, key_facts, parcel_url
from geodata.model import pack_reader
from geodata.model.schema import LAYERS

DATE = dt.date(2026, 11, 24)
A4_PT = (595.28, 841.89)


@pytest.fixture(scope="module")
def data():
    layers = {name: pack_reader.read_pack_layer(name) for name in LAYERS}
    return layers, pack_reader.read_pack_table("policies"), pack_reader.read_pack_table("sources")


@pytest.fixture(scope="module")
def brochure(data) -> bytes:
    layers, policies, sources = data
    progress = []
    pdf = build_brochure(
        layers["parcels"], layers, policies, sources, BrochureConfig(), "zh", date=DATE,
        on_progress=lambda done, total: progress.append((done, total)),
    )  # fmt: skip
    assert progress == [(i, 5) for i in range(1, 6)]
    return pdf


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_one_a4_page_per_parcel(brochure, data) -> None:
    reader = PdfReader(io.BytesIO(brochure))
    parcels = data[0]["parcels"]
    assert len(reader.pages) == len(parcels) == 5
    for page, (_, parcel) in zip(reader.pages, parcels.iterrows(), strict=True):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_PT, abs=0.5)
        text = _flat(page.extract_text())
        assert "地块推介单" in text
        assert _flat(parcel["name_zh"]) in text
        # the seed the parcel comes from, cited by title and date (never by its file name)
        assert "数据来源：「西湖区发布先进制造业三大“新年礼包”」，2026年2月" in text
        assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", text)
        assert "制图日期2026-11-24" in text


def test_unknown_facts_say_so_and_known_ones_are_shown(brochure) -> None:
    text = _flat(PdfReader(io.BytesIO(brochure)).pages[0].extract_text())
    # the seeds give neither area, price nor plot ratio of any site: gathered in one line, not a
    # form of 待公布 rows
    assert "待公布：地块编号、面积、容积率、建筑密度" in text
    assert text.count("待公布") == 1
    for label in ("面积", "容积率", "起始价", "投资强度", "地块编号"):
        assert f"{label}待公布" not in text
    assert "状态计划出让" in text
    assert "所属平台紫金港科技城" in text
    assert "三面环水" in text  # the source's own description of the surroundings
    assert "工业企业一季度产值增量激励" in text  # a Xihu support measure


def test_contact_not_configured_is_left_out_without_setup_text(brochure, data) -> None:
    layers, policies, sources = data
    english = build_brochure(
        layers["parcels"].iloc[:1], layers, policies, sources, BrochureConfig(), "en", date=DATE
    )
    pages = [*PdfReader(io.BytesIO(brochure)).pages, *PdfReader(io.BytesIO(english)).pages]
    for page in pages:
        text = _flat(page.extract_text())
        # an investor reads this: no section heading without content, no configuration advice
        for word in ("联系方式", "Contact", "secrets", "toml", "[brochure", "ATLAS_", "配置", "configur"):
            assert word not in text
        assert not re.search(r"\d{3,4}-\d{7,8}", text)  # no phone number invented
        assert "parcels?sel=" in text  # the link to the atlas stays


def test_configured_contact_is_printed(data) -> None:
    layers, policies, sources = data
    config = BrochureConfig.from_settings(
        {
            "brochure": {
                "contact": {"organisation": "西湖区投资促进局", "phone": "0571-12345678", "bogus": "x"}
            }
        },
        {},
    )
    pdf = build_brochure(layers["parcels"].iloc[:1], layers, policies, sources, config, "en", date=DATE)
    text = _flat(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "西湖区投资促进局" in text
    assert "0571-12345678" in text
    assert "Parcelbrochure" in text
    assert "Keyfacts" in text
    assert "Notyetpublished:Parcelcode,Area," in text
    assert "Contact" in text  # a configured contact has its section
    assert "Applicablesupportmeasures(XihuDistrict)" in text


def _decode_qr(pdf: bytes, page: int) -> list[str]:
    import pypdfium2
    import zxingcpp

    doc = pypdfium2.PdfDocument(pdf)
    image = doc[page].render(scale=200 / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(np.asarray(image.convert("L")))]


def test_qr_code_opens_the_parcel(brochure, data) -> None:
    parcels = data[0]["parcels"]
    known = {"parcel_ids": set(parcels["id"])}
    for page, pid in enumerate(parcels["id"]):
        decoded = _decode_qr(brochure, page)
        assert decoded == [parcel_url("http://localhost:8501", pid)]
        # and the parcel page reads that link back to the same parcel, without complaint
        query = dict(p.split("=", 1) for p in decoded[0].split("?", 1)[1].split("&"))
        view, notices = state_from_params(query, known)
        assert view.selected == pid
        assert notices == []


def test_base_url_is_configurable_and_checked() -> None:
    assert BrochureConfig.from_settings(
        {"brochure": {"base_url": "https://atlas.example.org/"}}, {}
    ).base_url == ("https://atlas.example.org")
    with pytest.raises(ValueError, match="http"):
        BrochureConfig.from_settings({}, {"ATLAS_BASE_URL": "javascript:alert(1)"})


def test_ten_parcels_make_ten_pages_and_synthetic_ones_say_so(data) -> None:
    layers, policies, sources = data
    base = layers["parcels"]
    synthetic = base.copy()
    synthetic["id"] = synthetic["id"] + "-synthetic"
    synthetic["synthetic"] = True
    ten = gpd.GeoDataFrame(
        [*base.assign(synthetic=False).to_dict("records"), *synthetic.to_dict("records")], crs=base.crs
    )
    pdf = build_brochure(ten, layers, policies, sources, BrochureConfig(), "zh", date=DATE)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 10
    assert "合成地块" not in _flat(reader.pages[0].extract_text())
    assert "合成地块" in _flat(reader.pages[9].extract_text())
    assert "第10/10页" in _flat(reader.pages[9].extract_text())


def test_no_parcel_is_a_clear_error(data) -> None:
    layers, policies, sources = data
    with pytest.raises(ValueError, match="请至少选择一处地块"):
        build_brochure(layers["parcels"].iloc[0:0], layers, policies, sources, BrochureConfig(), "zh")


def test_key_facts_of_a_surveyed_parcel() -> None:
    facts = dict(
        key_facts(
            {"area_m2": 20000.0, "plot_ratio_min": 1.5, "height_limit_m": 50.0, "term_years": 20,
             "price_start_wan": 3600.0, "status": "listed", "geometry_quality": "surveyed"},
            "zh",
        )
    )  # fmt: skip
    assert facts["面积"] == "20,000 m²（30 亩）"
    assert facts["容积率"] == "1.5"
    assert facts["限高"] == "50 m"
    assert facts["出让年限"] == "20 年"
    assert facts["起始价"] == "3,600 万元"
    assert facts["状态"] == "挂牌"
    assert facts["位置精度"].startswith("测绘边界")
    assert facts["绿地率"] == "待公布"


def test_platform_contact_wins_over_district_and_default(data) -> None:
    """Each parcel's page prints the block of its own platform, else its district's, else the default."""
    layers, policies, sources = data
    config = BrochureConfig.from_settings(
        {
            "brochure": {"contact": {"phone": "0571-00000000"}},
            "contacts": {"紫金港科技城": {"phone": "0571-22222222"}, "西湖区": {"phone": "0571-11111111"}},
        },
        {},
    )
    parcels = layers["parcels"].set_index("id").loc[["site-aliyun-hq-north", "site-ucas-south"]].reset_index()
    pdf = build_brochure(parcels, layers, policies, sources, config, "zh", date=DATE)
    pages = [_flat(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert "0571-22222222" in pages[0]
    assert "0571-11111111" not in pages[0]
    assert "0571-11111111" in pages[1]
    assert "0571-00000000" not in pages[1]


def test_each_page_says_how_current_it_is(brochure) -> None:
    for page in PdfReader(io.BytesIO(brochure)).pages:
        # every shipped parcel comes from seed 000, published February 2026
        assert "资料截至：2026年2月" in _flat(page.extract_text())
