"""What investors need to trust a view (AppTest): how current it is, whom to contact, and the
registration beside it, on the parcel card (also as a shared link opens it) and the area page."""

from __future__ import annotations

import json

import pytest

from geodata.text.i18n import translate

CONTACTS = {
    "brochure": {"contact": {"organisation": "默认招商机构", "phone": "0571-00000000"}},
    "contacts": {"紫金港科技城": {"organisation": "紫金港招商服务中心", "phone": "0571-22222222"}},
}


def _texts(at) -> str:  # type: ignore[no-untyped-def]
    # as the reader sees it: Markdown's escapes removed
    return "\n".join(str(e.value) for kind in ("markdown", "caption") for e in getattr(at, kind)).replace("\\", "")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_parcel_link_shows_as_of_contact_and_registration(open_page, lang: str) -> None:
    at = open_page("parcels.py", lang=lang, query={"sel": "site-aliyun-hq-north"}, secrets=CONTACTS)
    text = _texts(at)
    # the shipped parcels come from seed 000, published February 2026
    date = "2026年2月" if lang == "zh" else "February 2026"
    assert translate("currency.as_of", lang, date=date) in text
    # the platform's block, not the default
    block = next(m.value.replace("\\", "") for m in at.markdown if "22222222" in m.value)
    assert "紫金港招商服务中心" in block
    assert "0571-00000000" not in block
    assert translate("contact.title_for", lang, place="")[:4] in text
    assert any(e.label == translate("leads.action.register", lang) for e in at.expander)


def test_without_configured_contact_no_block_is_shown(open_page) -> None:
    at = open_page("parcels.py", query={"sel": "site-ucas-south"})
    assert translate("contact.title", "zh") not in _texts(at)
    assert any(e.label == translate("leads.action.register", "zh") for e in at.expander)


def test_area_page_has_contact_registration_and_dated_charts(open_page) -> None:
    at = open_page("areas.py", session={"areas_area": "紫金港科技城"}, secrets=CONTACTS)
    text = _texts(at)
    assert "紫金港招商服务中心" in text
    assert any(e.label == translate("leads.action.register", "zh") for e in at.expander)
    # every chart's note says how current it is
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    notes = [" ".join(a.get("text", "") for a in s["layout"].get("annotations", [])) for s in specs]
    assert notes
    assert all("资料" in n for n in notes), f"a chart without its 'data as of': {notes}"


def test_imported_parcel_card_gives_its_import_date(open_page, tmp_path, monkeypatch) -> None:
    from shapely.geometry import Polygon

    from components import cached
    from geodata.store import open_backend
    from geodata.store.base import Change

    path = tmp_path / "atlas.gpkg"
    monkeypatch.setenv("ATLAS_STORE", str(path))
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    cached.reset()
    store = open_backend(path=path)
    poly = Polygon([(120.10, 30.28), (120.101, 30.28), (120.101, 30.281), (120.10, 30.281)])
    row = {"id": "imp-1", "name_zh": "导入测试地块", "district": "西湖区", "source": "西湖区2026供地计划.xlsx",
           "layer": "parcels", "kind": "parcel", "geometry_quality": "surveyed"}  # fmt: skip
    store.apply_changeset([Change("add", "imp-1", row, poly, None)], "alice", note="test import")
    updated = store.read_parcels().set_index("id").loc["imp-1", "updated_at"]
    at = open_page("parcels.py", query={"sel": "imp-1"})
    cached.reset()
    from geodata.text.formats import format_date

    assert translate("currency.imported", "zh", date=format_date(str(updated)[:10], "zh")) in _texts(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sidebar_says_how_current_each_layer_is(open_page, lang: str) -> None:
    at = open_page("overview.py", lang=lang)
    box = next(e for e in at.sidebar.expander if e.label == translate("currency.title", lang))
    text = "\n".join(m.value for m in box.markdown).replace("\\", "")
    for name in ("parcels", "areas", "projects", "innovation", "indicators"):
        assert translate(f"currency.layer.{name}", lang) in text
    # parcels all come from seed 000 (February 2026); the figures span the five seeds, one undated
    date = "2026年2月" if lang == "zh" else "February 2026"
    assert f"{translate('currency.layer.parcels', lang)}** — {translate('currency.as_of', lang, date=date)}" in text
    assert translate("currency.some_undated", lang, count=1) in text
