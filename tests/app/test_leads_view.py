"""The editors' leads tab (AppTest): listed, filtered, followed up, exported formula-safe and deleted."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from components import cached, state
from geodata.domain.leads import LeadInput
from geodata.store import leads as store_leads
from geodata.store import open_backend
from geodata.store.users import THROTTLE, hash_password
from geodata.text.i18n import translate

K = state.DATA
PASSWORD = "correct horse battery"
EDITORS = {"editors": {"alice": hash_password(PASSWORD)}}


def _lead(company: str, target: str, **extra) -> LeadInput:  # type: ignore[no-untyped-def]
    values = {
        "target_kind": "parcel", "target_id": target, "lang": "zh", "company": company, "contact_name": "李明",
        "phone": "13800138000", "email": None, "industry": None, "land_mu": 30.0, "land_m2": 20000.0,
        "investment_wan": 50000.0, "timing": "within_6_months", "message": "", "consent_version": "default",
    }  # fmt: skip
    values.update(extra)
    return LeadInput(**values)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:  # type: ignore[type-arg]
    path = tmp_path / "atlas.gpkg"
    monkeypatch.setenv("ATLAS_STORE", str(path))
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    cached.reset()
    backend = open_backend(path=path)
    store_leads.add_lead(backend, _lead("甲科技有限公司", "site-ucas-south"), at="2099-01-01T09:00:00+00:00")
    # a formula in a visitor's text must come out of the export as text
    store_leads.add_lead(backend, _lead("=HYPERLINK(\"http://x\")", "area-zijingang", target_kind="area"),
                         at="2099-01-02T09:00:00+00:00")  # fmt: skip
    yield backend
    cached.reset()


def _signed_in(open_page):  # type: ignore[no-untyped-def]
    at = open_page("data.py", secrets=EDITORS)
    THROTTLE.succeed("alice")
    at.text_input(key=K["sign_name"]).input("alice")
    at.text_input(key=K["sign_password"]).input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def _frame(at) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return next(d.value for d in at.dataframe if translate("leads.col.company", "zh") in d.value.columns)


def test_editor_lists_filters_follows_up_and_deletes(open_page, store) -> None:  # type: ignore[no-untyped-def]
    at = _signed_in(open_page)
    table = _frame(at)
    assert list(table[translate("leads.col.company", "zh")]) == ['=HYPERLINK("http://x")', "甲科技有限公司"]
    at.selectbox(key=K["lead_kind"]).select("parcel").run()
    assert list(_frame(at)[translate("leads.col.company", "zh")]) == ["甲科技有限公司"]

    lead_id = int(_frame(at)[translate("leads.col.id", "zh")].iloc[0])
    at.selectbox(key=f"{K['lead_status_pick']}_{lead_id}").select("in_talks").run()
    next(b for b in at.button if b.key == "lead_save_status").click().run()
    assert not at.exception, at.exception
    row = store_leads.read_leads(store).set_index("id").loc[lead_id]
    assert (row["status"], row["status_by"]) == ("in_talks", "alice")

    at.text_area(key=f"{K['lead_note']}_{lead_id}").input("已电话联系，约下周看地")
    next(b for b in at.button if b.key == "lead_add_note").click().run()
    assert "已电话联系" in store_leads.read_leads(store).set_index("id").loc[lead_id, "notes"]
    assert "alice" in store_leads.read_leads(store).set_index("id").loc[lead_id, "notes"]

    # delete needs the confirmation box
    delete = next(b for b in at.button if b.key == "lead_delete")
    assert delete.disabled
    at.checkbox(key=f"lead_delete_sure_{lead_id}").check().run()
    next(b for b in at.button if b.key == "lead_delete").click().run()
    assert lead_id not in set(store_leads.read_leads(store)["id"])
    assert store_leads.lead_events(store, lead_id).empty


def test_export_is_formula_safe(open_page, store) -> None:  # type: ignore[no-untyped-def]
    at = _signed_in(open_page)
    assert not at.exception
    from components.leads_view import _shown_table
    from geodata.export.tables import to_csv_bytes

    data = to_csv_bytes(_shown_table(store_leads.read_leads(store)))
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    companies = list(back[translate("leads.col.company", "zh")])
    assert not any(c.startswith("=") for c in companies), companies
    assert any("HYPERLINK" in c for c in companies)


def test_retention_runs_when_the_tab_opens(open_page, store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store_leads.add_lead(store, _lead("旧公司", "site-ucas-south"), at="2000-01-01T00:00:00+00:00")
    monkeypatch.setenv("ATLAS_LEADS_RETENTION_DAYS", "30")
    at = _signed_in(open_page)
    assert "旧公司" not in set(_frame(at)[translate("leads.col.company", "zh")])
    assert "旧公司" not in set(store_leads.read_leads(store)["company"])
    assert any(translate("leads.view.purged", "zh", count=1) == i.value for i in at.info)
