"""Every page in a real browser: it renders, asks nothing of the internet, and logs no error."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import ARTIFACTS, console_errors_beyond_probes, unexpected_failures, wait_for_app

PAGES = {"": "杭州产业用地与产业集群总览", "parcels": "产业用地地块", "areas": "地区画像",
         "thematic": "专题地图", "policies": "政策匹配", "sources": "数据与来源"}  # fmt: skip


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_cleanly(page, app_server, path: str) -> None:
    page.goto(f"{app_server.url}/{path}", wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_role("heading", name=PAGES[path]).first.wait_for()
    assert page.locator("[data-testid='stException']").count() == 0
    page.wait_for_load_state("networkidle")  # widget code arrives in chunks after the script ran
    page.screenshot(path=str(ARTIFACTS / f"page-{path or 'overview'}.png"))
    assert page.watch.outside == []
    assert unexpected_failures(page.watch, path) == []
    assert console_errors_beyond_probes(page.watch, path) == []


def test_binjiang_budget_chart_draws_one_bar_per_line(page, app_server) -> None:
    from geodata.domain.policies import budget_lines
    from geodata.model import pack_reader

    expected = len(budget_lines(pack_reader.read_pack_table("policies"), "滨江区"))
    page.goto(f"{app_server.url}/policies", wait_until="domcontentloaded")
    wait_for_app(page)
    page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="滨江区", exact=True).click()
    wait_for_app(page)
    page.locator(".js-plotly-plot").first.wait_for()
    page.wait_for_function(
        "(n) => document.querySelectorAll('.js-plotly-plot .bars .point').length === n", arg=expected
    )
    assert console_errors_beyond_probes(page.watch, "policies") == []
