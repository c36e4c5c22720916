"""Interest registration in a real browser: a visitor registers on a phone and on a desktop, the
notice reaches a local webhook, an editor sees, follows up and exports the leads, and a visitor
cannot reach any lead by any URL or public download."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest

from geodata.store import leads as store_leads
from geodata.store import open_backend
from geodata.store.users import hash_password
from geodata.text.i18n import translate
from tests.e2e.helpers import ARTIFACTS, wait_for_app
from tests.e2e.server import Server, free_port, start_server, stop_server

PASSWORD = "correct horse battery"
PHONE_COMPANY = "手机登记测试科技有限公司"
DESK_COMPANY = "Desk Registration Test Ltd"


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def hook() -> Iterator[type[_Hook]]:
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Hook.url = f"http://127.0.0.1:{server.server_address[1]}/leads"  # type: ignore[attr-defined]
    yield _Hook
    server.shutdown()


@pytest.fixture(scope="module")
def leads_server(tmp_path_factory: pytest.TempPathFactory, hook) -> Iterator[tuple[Server, Path]]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("e2e-leads")
    env = {"ATLAS_EDITORS": f"alice:{hash_password(PASSWORD)}", "ATLAS_LEADS_WEBHOOK_URL": hook.url}
    server = start_server(tmp, env)
    yield server, tmp / "atlas.gpkg"
    stop_server(server)


def _register(pg, lang: str, company: str, phone: str) -> None:  # type: ignore[no-untyped-def]
    """Open the form, fill it in and send it, as a visitor would.

    A click that lands while the page is still rerunning can be lost (the visitor clicks
    again), so the whole step is tried up to three times, each time until its own result
    shows, never after a fixed pause.
    """
    tr = lambda key: translate(key, lang)  # noqa: E731
    thanks = pg.get_by_text(tr("leads.form.thanks"))
    for attempt in range(3):
        wait_for_app(pg)
        form = pg.get_by_test_id("stForm").filter(has_text=tr("leads.form.consent")).first
        if not form.is_visible():
            pg.get_by_text(tr("leads.action.register"), exact=True).first.click()
        try:
            form.wait_for(timeout=20_000)
            form.get_by_label(tr("leads.form.company")).fill(company)
            form.get_by_label(tr("leads.form.contact_name")).fill("李明" if lang == "zh" else "Li Ming")
            form.get_by_label(tr("leads.form.phone")).fill(phone)
            consent = form.get_by_role("checkbox")
            if not consent.is_checked():
                form.get_by_text(tr("leads.form.consent")).click()
            form.get_by_role("button", name=tr("leads.form.submit")).click()
            thanks.wait_for(timeout=20_000)
            return
        except Exception:
            if attempt == 2:
                raise


def _download(pg, name: str) -> bytes:  # type: ignore[no-untyped-def]
    """Click a download button and return the file (tried up to three times: see ``_register``)."""
    button = pg.get_by_test_id("stDownloadButton").get_by_role("button", name=name, exact=True)
    for attempt in range(3):
        wait_for_app(pg)
        button.wait_for(timeout=60_000)
        try:
            # a download built on the click keeps the buttons disabled while the server builds
            # it; on a loaded machine that took over 30 s for the previous file
            with pg.expect_download(timeout=90_000) as download:
                button.click(timeout=90_000)
            return Path(download.value.path()).read_bytes()
        except Exception:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _wait_for_notice(hook, target_id: str) -> dict:  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        hits = [r for r in hook.received if r.get("target_id") == target_id]
        if hits:
            return hits[-1]
        time.sleep(0.2)
    raise AssertionError(f"no webhook notice for {target_id}: {hook.received}")


def test_visitor_registers_on_a_phone_from_a_parcel_link(browser, leads_server, hook) -> None:  # type: ignore[no-untyped-def]
    server, store_path = leads_server
    device = dict(browser.devices["iPhone 13"])
    device.pop("default_browser_type", None)
    context = browser.new_context(**device, locale="zh-CN")
    pg = context.new_page()
    try:
        pg.goto(server.url + "/parcels?sel=site-ucas-south", wait_until="domcontentloaded")
        assert pg.viewport_size["width"] <= 430
        _register(pg, "zh", PHONE_COMPANY, "138 0013 8000")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "leads-phone-registered.png"), full_page=False)
        # no horizontal scroll on the phone
        assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "FAILED-leads-phone.png"), full_page=True)
        raise
    finally:
        context.close()
    rows = store_leads.read_leads(open_backend(path=store_path))
    row = rows[rows["company"] == PHONE_COMPANY].iloc[0]
    assert (row["target_kind"], row["target_id"], row["phone"], row["lang"]) == (
        "parcel", "site-ucas-south", "13800138000", "zh",
    )  # fmt: skip
    notice = _wait_for_notice(hook, "site-ucas-south")
    assert notice["lead_id"] == int(row["id"])
    assert PHONE_COMPANY not in json.dumps(notice, ensure_ascii=False)  # a notice carries no personal data


def test_visitor_registers_on_a_desktop_area_page_in_english(page, leads_server, hook) -> None:  # type: ignore[no-untyped-def]
    server, store_path = leads_server
    page.goto(server.url + "/areas?lang=en", wait_until="domcontentloaded")
    wait_for_app(page)
    _register(page, "en", DESK_COMPANY, "13900139000")
    rows = store_leads.read_leads(open_backend(path=store_path))
    row = rows[rows["company"] == DESK_COMPANY].iloc[0]
    assert (row["target_kind"], row["lang"]) == ("area", "en")
    _wait_for_notice(hook, str(row["target_id"]))


def test_editor_sees_follows_up_and_exports(page, leads_server) -> None:  # type: ignore[no-untyped-def]
    server, store_path = leads_server
    store = open_backend(path=store_path)
    if PHONE_COMPANY not in set(store_leads.read_leads(store)["company"]):
        pytest.fail("the phone registration test must run first in this module")
    page.goto(server.url + "/data", wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_label("用户名").fill("alice")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("tab", name=translate("leads.view.tab", "zh")).click()
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for(timeout=30_000)
    lead_id = int(store_leads.read_leads(store).set_index("company").loc[PHONE_COMPANY, "id"])
    # choose the phone lead, set it to "in talks"
    status = page.get_by_label(translate("leads.view.status", "zh"))
    first_status = status.element_handle()  # the newest lead's follow-up input, before choosing ours
    page.get_by_label(translate("leads.view.pick", "zh")).click()
    page.get_by_role("option", name=f"#{lead_id} ·").first.click()
    # the follow-up inputs are the chosen lead's own: wait until the rerun removed the first one's
    page.wait_for_function("el => !el.isConnected", arg=first_status, timeout=60_000)
    wait_for_app(page)
    status.click()
    page.get_by_role("option", name=translate("leads.status.in_talks", "zh")).click()
    page.get_by_role("button", name=translate("leads.view.save_status", "zh")).click()
    page.get_by_text(translate("leads.view.status_saved", "zh", id=lead_id, status=translate("leads.status.in_talks", "zh"))).wait_for(timeout=30_000)
    row = store_leads.read_leads(store).set_index("id").loc[lead_id]
    assert (row["status"], row["status_by"]) == ("in_talks", "alice")
    table = pd.read_csv(io.BytesIO(_download(page, translate("leads.view.csv", "zh"))), encoding="utf-8-sig", dtype=str)
    exported = table.set_index(translate("leads.col.company", "zh"))
    assert exported.loc[PHONE_COMPANY, translate("leads.col.status", "zh")] == translate("leads.status.in_talks", "zh")
    assert DESK_COMPANY in exported.index


def test_visitor_cannot_reach_any_lead(page, leads_server) -> None:  # type: ignore[no-untyped-def]
    import urllib.error
    import urllib.request

    server, store_path = leads_server
    assert store_leads.count_leads(open_backend(path=store_path)) >= 1
    # direct requests: pages, the static folder, the store file, Streamlit's endpoints
    for path in ("/data", "/data?tab=leads", "/leads", "/app/static/atlas.gpkg", "/app/static/", "/atlas.gpkg",
                 "/_stcore/health", "/parcels?sel=site-ucas-south&leads=1", "/media/"):  # fmt: skip
        try:
            with urllib.request.urlopen(server.url + path, timeout=10) as r:
                body = r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            body = err.read().decode("utf-8", "replace")
        assert PHONE_COMPANY not in body, path
        assert "13800138000" not in body, path
    # the data page without signing in: no tab, no table
    page.goto(server.url + "/data", wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_text("编辑人员登录").wait_for()
    assert page.get_by_role("tab").count() == 0
    assert page.get_by_test_id("stDataFrame").count() == 0
    # every public download of the parcel page holds parcels, never a lead
    page.goto(server.url + "/parcels", wait_until="domcontentloaded")
    for name in ("CSV", "Excel", translate("parcels.geojson", "zh")):
        data = _download(page, name)
        assert len(data) > 100, name
        assert PHONE_COMPANY.encode() not in data, name
        assert b"13800138000" not in data, name
