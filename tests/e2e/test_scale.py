"""The parcel explorer with many (synthetic) parcels, in a real browser: counts per map cell
and a notice when zoomed out, single parcels after zooming in by clicking a count; and the
benchmark itself runs end to end, parcel map and meeting step (a quick smoke, not the measurement)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bench.run import settle
from bench.synth import write_pack
from geodata.geo.viewport import FEATURE_BUDGET
from tests.e2e.helpers import MAP_FRAME, REPO, until, wait_for_app
from tests.e2e.server import Server, start_server, stop_server

N = 3000
DOC = f'document.querySelector("{MAP_FRAME}").contentDocument'


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("scale")
    pack = write_pack(N, tmp / "pack", seed=11)
    server = start_server(tmp, {"ATLAS_PACK": str(pack)})
    yield server
    stop_server(server)


def _count(page, selector: str) -> int:
    return page.evaluate(f"() => {DOC}.querySelectorAll('{selector}').length")


def test_zoomed_out_the_map_counts_parcels_per_cell_and_a_click_zooms_in(page, big_server) -> None:
    page.goto(big_server.url + "/parcels", wait_until="domcontentloaded")
    wait_for_app(page)
    until(page, f"() => {DOC}.querySelectorAll('.atlas-parcel-cell').length > 0", timeout=60_000)
    wait_for_app(page)
    assert _count(page, "path.atlas-parcels") == 0
    labels = page.evaluate(f"() => [...{DOC}.querySelectorAll('.atlas-parcel-cell')].map(e => e.textContent)")
    assert sum(int(t.replace(",", "")) for t in labels) <= N
    assert max(int(t.replace(",", "")) for t in labels) > 1
    page.get_by_text("按网格汇总为").wait_for()
    page.get_by_text(f"列表页码（共 {N // 10:,} 页）").wait_for()  # the list is paged, 10 rows a page
    zoom0 = page.evaluate(f"() => {DOC}.defaultView.map.getZoom()")
    # click the biggest count until the map draws single parcels (a few steps at most)
    for _ in range(5):
        # the component reports each new view, which reruns the page once more and swaps the
        # layer: click only once nothing moves (a click on a cell being replaced is lost)
        settle(page, 60)
        if _count(page, "path.atlas-parcels"):
            break
        page.evaluate(
            f"""() => {{
            const cells = [...{DOC}.querySelectorAll('.atlas-parcel-cell')];
            cells.sort((a, b) => parseInt(b.textContent.replace(/,/g, '')) - parseInt(a.textContent.replace(/,/g, '')));
            cells[0].click();
        }}"""
        )
        until(page, f"() => {DOC}.defaultView.map.getZoom() > {zoom0}", timeout=60_000)
        zoom0 = page.evaluate(f"() => {DOC}.defaultView.map.getZoom()")
    drawn = _count(page, "path.atlas-parcels")
    assert 0 < drawn <= FEATURE_BUDGET
    assert _count(page, ".atlas-parcel-cell") == 0
    page.get_by_text("地图只绘制当前视图附近的").wait_for()
    page.screenshot(path=str(REPO / "tests" / "e2e" / "artifacts" / "scale-zoomed-in.png"))
    assert page.watch.outside == []
    assert page.watch.console_errors == [] or all("404" in e for e in page.watch.console_errors)


def test_the_benchmark_runs_end_to_end(tmp_path) -> None:
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "20", "--runs", "1", "--no-baseline",
         "--sessions", "2", "--timeout", "40", "--out", str(out)],
        cwd=REPO, check=True, timeout=260, capture_output=True,
    )  # fmt: skip
    result = json.loads((out / "latest.json").read_text())
    (atlas,) = result["results"]
    assert "error" not in atlas, atlas
    assert atlas["parcels"] == 20
    for key in (
        "cold_first_map_s",
        "first_map_s",
        "filter_redraw_s",
        "zoom_redraw_s",
        "js_heap_mb",
        "page_mb",
    ):
        assert atlas[key]["median"] > 0, key
    assert atlas["concurrent"]["failed"] == 0
    assert atlas["zoom_ws_kb"]["median"] > 0
    assert "| 20 |" in (out / "latest.md").read_text()
    # the meeting step: every press through the first tour and back timed, none lost
    (meeting,) = result["meeting"]
    assert "error" not in meeting, meeting
    assert meeting["n"] == len(meeting["all_ms"]) == 2 * (meeting["stops"] - 1) > 0
    assert 0 < meeting["median_ms"] <= meeting["p95_ms"]
    assert "Meeting, key press" in (out / "latest.md").read_text()
