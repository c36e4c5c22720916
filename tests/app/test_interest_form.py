"""The register-interest form in a page: a valid registration is stored, bad input and robots are not."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    from components.interest_form import render_interest_form

    render_interest_form("parcel", "site-ucas-south", "国科大南侧地块")


def _fill(at: AppTest, **values: str) -> None:
    for key, value in values.items():
        widget = next(w for w in at.text_input if w.key.endswith("_" + key))
        widget.input(value)


def _store_rows():
    from components import cached
    from geodata.store import leads as store_leads

    return store_leads.read_leads(cached.backend())


def test_valid_registration_is_stored_bad_input_is_not() -> None:
    at = AppTest.from_function(_page, default_timeout=60).run()
    assert not at.exception
    before = len(_store_rows())
    _fill(at, company="杭州测试科技有限公司", name="李明", phone="12345")
    next(c for c in at.checkbox if c.key.endswith("_consent")).check()
    at.button[0].click().run()
    assert not at.exception
    assert any("手机号码" in e.value for e in at.error)
    assert len(_store_rows()) == before
    _fill(at, phone="138 0013 8000")
    at.button[0].click().run()
    assert not at.exception
    assert at.success, "no confirmation shown"
    rows = _store_rows()
    assert len(rows) == before + 1
    assert rows.iloc[0]["phone"] == "13800138000"
    assert rows.iloc[0]["target_id"] == "site-ucas-south"


def test_honeypot_gets_a_confirmation_and_stores_nothing() -> None:
    at = AppTest.from_function(_page, default_timeout=60).run()
    before = len(_store_rows())
    _fill(at, company="Spam Inc", name="bot", phone="13800138000", website="http://spam.example")
    next(c for c in at.checkbox if c.key.endswith("_consent")).check()
    at.button[0].click().run()
    assert not at.exception
    assert at.success
    assert len(_store_rows()) == before
