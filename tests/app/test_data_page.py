"""The data page (AppTest): read-only without editors, sign-in, edit with conflict, history and revert."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import cached, state
from geodata.store import open_backend
from geodata.store.users import THROTTLE, hash_password
from geodata.text.i18n import translate

K = state.DATA
PASSWORD = "correct horse battery"


@pytest.fixture
def own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A store of this test's own (edits must not leak into other pages' tests)."""
    path = tmp_path / "atlas.gpkg"
    monkeypatch.setenv("ATLAS_STORE", str(path))
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    monkeypatch.delenv("ATLAS_EDITORS", raising=False)
    cached.reset()
    yield path
    cached.reset()


EDITORS = {"editors": {"alice": hash_password(PASSWORD)}}


def _sign_in(at: AppTest, password: str = PASSWORD) -> None:
    at.text_input(key=K["sign_name"]).input("alice")
    at.text_input(key=K["sign_password"]).input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception


def test_without_editors_the_app_is_read_only(open_page, own_store: Path) -> None:
    at = open_page("data.py")
    assert translate("data.auth.not_configured", "zh")[:10] in at.info[0].value
    assert not at.tabs
    assert not at.text_input


def test_visitor_sees_only_the_sign_in(open_page, own_store: Path) -> None:
    at = open_page("data.py", secrets=EDITORS)
    assert not at.tabs
    THROTTLE.succeed("alice")
    _sign_in(at, "wrong password")
    assert at.error[0].value == translate("data.auth.failed", "zh")
    assert at.session_state.get(K["user"], True)
    assert not at.tabs
    _sign_in(at)
    assert len(at.tabs) == 4
    assert at.session_state[K["user"]] == "alice"


def test_edit_conflict_history_and_revert(open_page, own_store: Path) -> None:
    at = open_page("data.py", secrets=EDITORS)
    _sign_in(at)
    at.selectbox(key=K["parcel"]).select("site-ucas-south").run()
    at.text_input(key="data_f_site-ucas-south_supply_quarter").input("2026Q3")
    form_buttons = [b for b in at.button if b.label == translate("data.edit.save", "zh")]
    form_buttons[0].click().run()
    assert not at.exception, at.exception
    store = open_backend(path=own_store)
    row = store.read_parcels().set_index("id").loc["site-ucas-south"]
    assert (row["supply_quarter"], row["version"], row["updated_by"]) == ("2026Q3", 2, "alice")
    assert at.success[0].value == translate("data.edit.saved", "zh", parcel="site-ucas-south")

    # someone else saves version 3 while alice's page still holds version 2
    store.update_parcel("site-ucas-south", {"status": "listed"}, 2, "bob")
    at.text_input(key="data_f_site-ucas-south_supply_quarter").input("2026Q4")
    next(b for b in at.button if b.label == translate("data.edit.save", "zh")).click().run()
    assert "bob" in at.error[0].value
    assert store.read_parcels().set_index("id").loc["site-ucas-south", "supply_quarter"] == "2026Q3"

    history = store.history("site-ucas-south")
    assert [h.user for h in history] == ["bob", "alice"]
    at.selectbox(key=K["revert_id"]).select(history[0].id).run()
    next(b for b in at.button if b.label == translate("data.history.revert", "zh")).click().run()
    assert not at.exception, at.exception
    assert store.read_parcels().set_index("id").loc["site-ucas-south", "status"] == "planned"
    store.engine.dispose()


def test_pages_run_on_postgis(open_page, postgis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a database URL the same app reads PostGIS: every page runs, an edit is saved there."""
    from geodata.store.postgis import PostGISBackend

    PostGISBackend(postgis_url).drop_all()
    monkeypatch.setenv("ATLAS_DATABASE_URL", postgis_url)
    cached.reset()
    try:
        at = open_page()
        for page in ("app_pages/parcels.py", "app_pages/areas.py", "app_pages/sources.py"):
            at.switch_page(page).run()
            assert not at.exception, (page, at.exception)
        assert cached.backend().kind == "postgis"
        at = open_page("data.py", secrets=EDITORS)
        _sign_in(at)
        at.selectbox(key=K["parcel"]).select("site-ucas-south").run()
        at.text_input(key="data_f_site-ucas-south_supply_quarter").input("2026Q1")
        next(b for b in at.button if b.label == translate("data.edit.save", "zh")).click().run()
        assert not at.exception, at.exception
        row = PostGISBackend(postgis_url).read_parcels().set_index("id").loc["site-ucas-south"]
        assert (row["supply_quarter"], row["updated_by"]) == ("2026Q1", "alice")
    finally:
        cached.reset()


def test_public_pages_show_imported_polygons(open_page, own_store: Path) -> None:
    """Imported parcels are polygons: the parcel explorer, its downloads and the overview still run."""
    from geodata.ingest import run_import
    from tests.data.make_bad_files import parcels_frame, shapefile_zip

    store = open_backend(path=own_store)
    run_import(store, "gk.zip", shapefile_zip(parcels_frame()), "bureau", "alice")
    store.engine.dispose()
    at = open_page()
    at.switch_page("app_pages/parcels.py").run()
    assert not at.exception, at.exception
    assert any("8 处地块" in md.value for md in at.markdown)


def test_data_page_speaks_english(open_page, own_store: Path) -> None:
    at = open_page("data.py", lang="en", secrets=EDITORS)
    assert at.title[0].value == "Data maintenance"
    assert at.text_input(key=K["sign_name"]).label == "User name"


def test_conflict_reload_button_acts(open_page, own_store: Path) -> None:
    """After a conflict the reload button is still there on the next run, and loads the latest version."""
    at = open_page("data.py", secrets=EDITORS)
    _sign_in(at)
    at.selectbox(key=K["parcel"]).select("site-ucas-south").run()
    store = open_backend(path=own_store)
    store.update_parcel("site-ucas-south", {"status": "listed"}, 1, "bob")  # saved while alice looks
    at.text_input(key="data_f_site-ucas-south_supply_quarter").input("2026Q4")
    next(b for b in at.button if b.label == translate("data.edit.save", "zh")).click().run()
    assert "bob" in at.error[0].value
    at.run()  # any other widget change: the conflict and its button stay
    reload = at.button(key="data_reload")
    reload.click().run()
    assert not at.exception, at.exception
    assert not at.error
    assert at.session_state[K["loaded"]] == ("site-ucas-south", 2)
    assert at.text_input(key="data_f_site-ucas-south_supply_quarter").value == ""  # the stored value again
    at.text_input(key="data_f_site-ucas-south_supply_quarter").input("2026Q4")
    next(b for b in at.button if b.label == translate("data.edit.save", "zh")).click().run()
    row = store.read_parcels().set_index("id").loc["site-ucas-south"]
    assert (row["supply_quarter"], row["status"], row["version"]) == ("2026Q4", "listed", 3)
    store.engine.dispose()


def test_parcel_caption_says_indicative_only_of_named_sites(open_page, own_store: Path) -> None:
    """Imported, surveyed parcels are not described as "named by the source, placed approximately"."""
    from geodata.ingest import run_import
    from tests.data.make_bad_files import parcels_frame, shapefile_zip

    store = open_backend(path=own_store)
    named = int((store.read_parcels()["geometry_quality"] != "surveyed").sum())
    run_import(store, "gk.zip", shapefile_zip(parcels_frame()), "西湖区自然资源局", "alice")
    store.engine.dispose()
    for lang, plan_words, surveyed_words in (("zh", f"只点名了下列 {named} 处", "另有 3 宗"), ("en", f"only the {named} sites", "3 more parcels")):
        at = open_page("parcels.py", lang=lang)
        captions = [c.value for c in at.caption]
        assert any(plan_words in c for c in captions), captions
        assert any(surveyed_words in c and "西湖区自然资源局" in c for c in captions), captions
