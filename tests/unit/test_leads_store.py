"""Leads in the store: the same tests on the GeoPackage and on PostGIS."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from geodata.domain.leads import LeadInput, retention_cutoff
from geodata.model.schema import LAYERS, TABLES
from geodata.store import Backend, open_backend
from geodata.store import leads as store_leads
from geodata.store.gpkg_file import build_store


def _lead(target: str = "site-aliyun-hq-north", company: str = "杭州测试科技有限公司") -> LeadInput:
    return LeadInput(
        target_kind="parcel",
        target_id=target,
        lang="zh",
        company=company,
        contact_name="李明",
        phone="13800138000",
        email=None,
        industry="人工智能",
        land_mu=30.0,
        land_m2=20000.0,
        investment_wan=20000.0,
        timing="within_6_months",
        message='=HYPERLINK("http://x")',
        consent_version="default",
    )


def test_add_read_status_note_delete(backend: Backend) -> None:
    first = store_leads.add_lead(backend, _lead())
    second = store_leads.add_lead(backend, _lead("park-unicorn", "另一家公司"))
    assert second > first
    frame = store_leads.read_leads(backend)
    assert frame["id"].tolist() == [second, first]
    row = frame.set_index("id").loc[first]
    assert (row["company"], row["phone"], row["status"], row["land_mu"]) == (
        "杭州测试科技有限公司",
        "13800138000",
        "new",
        30.0,
    )

    store_leads.set_status(backend, first, "contacted", "alice")
    store_leads.add_note(backend, first, "已电话联系，约下周看地", "bob")
    row = store_leads.read_leads(backend).set_index("id").loc[first]
    assert (row["status"], row["status_by"]) == ("contacted", "alice")
    assert row["status_at"].startswith(str(datetime.now(UTC).year))
    assert "bob" in row["notes"]
    assert "约下周看地" in row["notes"]
    events = store_leads.lead_events(backend, first)
    assert events[["user_name", "kind", "value"]].values.tolist() == [
        ["alice", "status", "contacted"],
        ["bob", "note", "已电话联系，约下周看地"],
    ]

    store_leads.delete_lead(backend, first)
    frame = store_leads.read_leads(backend)
    assert frame["id"].tolist() == [second]
    assert store_leads.lead_events(backend, first).empty


def test_refusals_change_nothing(backend: Backend) -> None:
    lid = store_leads.add_lead(backend, _lead())
    before = store_leads.read_leads(backend).to_dict("records")
    with pytest.raises(store_leads.LeadError) as err:
        store_leads.set_status(backend, lid, "sold", "alice")
    assert err.value.key == "leads.error.status"
    with pytest.raises(store_leads.LeadError):
        store_leads.set_status(backend, lid + 99, "closed", "alice")
    with pytest.raises(store_leads.LeadError):
        store_leads.add_note(backend, lid, "   ", "alice")
    with pytest.raises(store_leads.LeadError):
        store_leads.add_note(backend, lid, "x" * (store_leads.MAX_NOTE + 1), "alice")
    with pytest.raises(store_leads.LeadError):
        store_leads.delete_lead(backend, lid + 99)
    assert store_leads.read_leads(backend).to_dict("records") == before


def test_retention_deletes_only_old_leads(backend: Backend) -> None:
    old = store_leads.add_lead(backend, _lead(), at="2025-01-10T08:00:00+00:00")
    store_leads.add_note(backend, old, "old note", "alice")
    recent = store_leads.add_lead(backend, _lead(), at="2026-11-20T08:00:00+00:00")
    cutoff = retention_cutoff(datetime(2026, 11, 28, tzinfo=UTC), 365)
    assert store_leads.purge_before(backend, cutoff) == 1
    assert store_leads.read_leads(backend)["id"].tolist() == [recent]
    assert store_leads.lead_events(backend, old).empty
    assert store_leads.purge_before(backend, cutoff) == 0


def test_leads_are_no_public_layer_or_table(backend: Backend) -> None:
    store_leads.add_lead(backend, _lead(company="绝密公司"))
    for name in store_leads.LEAD_TABLES:
        assert name not in LAYERS
        assert name not in TABLES
    for name in LAYERS:
        frame = backend.read_layer(name)
        assert (
            not frame.astype(str).apply(lambda col: col.str.contains("绝密公司|13800138000")).any().any()
        ), name
    for name in TABLES:
        frame = backend.read_table(name)
        assert (
            not frame.astype(str).apply(lambda col: col.str.contains("绝密公司|13800138000")).any().any()
        ), name


def test_gpkg_rebuild_keeps_leads(tmp_path) -> None:
    path = tmp_path / "store.gpkg"
    b = open_backend(path=path)
    lid = store_leads.add_lead(b, _lead())
    store_leads.set_status(b, lid, "in_talks", "alice")
    b.engine.dispose()
    build_store(path, keep_from=path)  # what a new data pack triggers
    b = open_backend(path=path)
    row = store_leads.read_leads(b).set_index("id").loc[lid]
    assert (row["status"], row["status_by"]) == ("in_talks", "alice")
    assert len(store_leads.lead_events(b, lid)) == 1
    b.engine.dispose()
