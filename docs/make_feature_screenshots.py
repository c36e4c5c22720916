"""Screenshots of interest registration and site recommendation for the README (docs/screens/).

Starts the app on the shipped data with a throwaway store, one editor and one sample
registration, and photographs it in Debian's Chromium at phone (iPhone 13 preset) and desk
(1600 × 1000) size:

    .venv/bin/python docs/make_feature_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geodata.domain.leads import LeadInput  # noqa: E402
from geodata.store import leads as store_leads  # noqa: E402
from geodata.store import open_backend  # noqa: E402
from geodata.store.users import hash_password  # noqa: E402
from geodata.text.i18n import translate  # noqa: E402
from tests.e2e.server import CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

OUT = REPO / "docs" / "screens"
PASSWORD = "screenshot only"
SAMPLE = LeadInput(
    target_kind="parcel", target_id="site-ucas-south", lang="zh", company="示例智能装备有限公司（演示数据）",
    contact_name="王先生", phone="13800138000", email=None, industry="制造业", land_mu=40.0, land_m2=26666.67,
    investment_wan=80000.0, timing="within_6_months", message="演示用登记，非真实企业", consent_version="default",
)  # fmt: skip


def _settle(pg) -> None:  # type: ignore[no-untyped-def]
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=90_000)


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    store = open_backend(path=tmp / "atlas.gpkg")
    store_leads.add_lead(store, SAMPLE)
    server = start_server(tmp, {"ATLAS_EDITORS": f"alice:{hash_password(PASSWORD)}"})
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium"),
                                        args=CHROMIUM_ARGS)  # fmt: skip
            phone = dict(p.devices["iPhone 13"])
            phone.pop("default_browser_type", None)
            ctx = browser.new_context(**phone, locale="zh-CN")
            pg = ctx.new_page()
            pg.goto(server.url + "/parcels?sel=site-ucas-south", wait_until="domcontentloaded")
            _settle(pg)
            pg.get_by_text("登记投资意向", exact=True).first.click()
            form = pg.get_by_test_id("stForm").first
            form.wait_for()
            form.scroll_into_view_if_needed()
            pg.screenshot(path=str(OUT / "leads-form-iphone-zh.png"))
            ctx.close()

            ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            pg = ctx.new_page()
            pg.goto(server.url + "/data", wait_until="domcontentloaded")
            _settle(pg)
            pg.get_by_label("用户名").fill("alice")
            pg.get_by_label("密码").fill(PASSWORD)
            pg.get_by_role("button", name="登录").click()
            pg.get_by_role("tab", name="意向登记").click()
            pg.get_by_test_id("stDataFrame").first.wait_for()
            _settle(pg)
            pg.screenshot(path=str(OUT / "leads-editor-desk1600-zh.png"))
            ctx.close()

            if (REPO / "app_pages" / "recommend.py").exists():
                for name, options in (
                    ("recommend-desk1600-en.png", {"viewport": {"width": 1600, "height": 1000}, "locale": "en-GB"}),
                    ("recommend-iphone-zh.png", {**phone, "locale": "zh-CN"}),
                ):
                    ctx = browser.new_context(**options)
                    pg = ctx.new_page()
                    lang = "en" if name.endswith("-en.png") else "zh"
                    pg.goto(server.url + f"/recommend?lang={lang}", wait_until="domcontentloaded")
                    _settle(pg)
                    # a project: 20–80 mu, 30,000 万元, near universities and institutes
                    for label, value in (("recommend.page.land_min", "20"), ("recommend.page.land_max", "80"),
                                         ("recommend.page.investment", "30000")):  # fmt: skip
                        field = pg.get_by_label(translate(label, lang))
                        field.fill(value)
                        field.press("Enter")
                        _settle(pg)
                    pg.get_by_text(translate("recommend.criterion.innovation", lang), exact=True).first.click()
                    pg.wait_for_timeout(300)
                    _settle(pg)
                    pg.locator(".st-key-rec_card_1").wait_for()
                    if "iphone" in name:  # on a phone, the first result
                        pg.locator(".st-key-rec_card_1").scroll_into_view_if_needed()
                    pg.screenshot(path=str(OUT / name), full_page="iphone" not in name)
                    ctx.close()
            browser.close()
    finally:
        stop_server(server)
    print("written:", *sorted(p.name for p in OUT.glob("leads-*.png")), *sorted(p.name for p in OUT.glob("recommend-*.png")))


if __name__ == "__main__":
    main()
