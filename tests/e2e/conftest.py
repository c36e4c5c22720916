"""Real-browser tests: `streamlit run app.py` on a free port, driven by Playwright in Chromium.

The browser is the one `scripts/ensure_chromium.sh` found (``$ATLAS_CHROMIUM``); these
tests never skip: without a browser they fail and say so. Every request the page makes
is watched: localhost is served, map tiles get a generated test tile (tests never need
the internet), and any other host is refused and reported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.helpers import ARTIFACTS
from tests.e2e.server import CHROMIUM_ARGS, TILE_HOSTS, TILE_PNG, Server, start_server, stop_server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("e2e"))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    exe = os.environ.get("ATLAS_CHROMIUM", "")
    if not exe:
        for cand in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
            if Path(cand).exists():
                exe = cand
                break
    if not exe:
        pytest.fail(
            "No Chromium found for the browser tests: run `make test` (it installs one) "
            "or set ATLAS_CHROMIUM to a Chromium/Chrome executable."
        )
    with sync_playwright() as p:
        kwargs = {"args": CHROMIUM_ARGS}
        if exe != "playwright":
            kwargs["executable_path"] = exe
        b = p.chromium.launch(**kwargs)
        b.devices = p.devices  # Playwright's device presets (phones), for the layout tests
        yield b
        b.close()


@dataclass
class Watch:
    """What a page asked for and complained about."""

    outside: list[str] = field(default_factory=list)
    tiles: int = 0
    console_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser, request) -> Iterator:
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    watch = Watch()

    def route(r) -> None:
        host = urlparse(r.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost"):
            r.continue_()
        elif host in TILE_HOSTS:
            watch.tiles += 1
            r.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        elif r.request.url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            watch.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("console", lambda m: m.type == "error" and watch.console_errors.append(m.text))
    pg.on("pageerror", lambda e: watch.console_errors.append(f"pageerror: {e}"))
    pg.on("response", lambda r: r.status >= 400 and watch.failed_responses.append(f"{r.status} {r.url}"))
    pg.watch = watch
    yield pg
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    if rep.when == "call":
        item.rep_call = rep
    return rep
