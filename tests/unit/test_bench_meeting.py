"""The benchmark's meeting step, its pure parts: which stops the presses must show, where
each stop puts the map, the statistics and the table. The browser part runs in
``tests/e2e/test_scale.py``'s end-to-end smoke of ``bench/run.py``."""

from __future__ import annotations

import doctest

import pytest

import bench.meeting
import bench.run
from bench.meeting import first_tour, percentile, press_plan, stop_views, summary
from bench.run import markdown, meeting_markdown
from components.map import to_display_point
from geodata import store
from geodata.domain.tours import Stop, Text, Tour, View, load_tours
from geodata.model.schema import PACK_DIR


def test_doctests_of_the_bench_modules_pass() -> None:
    # bench/ is not among pytest's doctest paths; its examples are checked here
    for module in (bench.meeting, bench.run):
        assert doctest.testmod(module).failed == 0, module.__name__


@pytest.mark.parametrize("stops", [2, 5, 9])
def test_the_presses_go_one_stop_at_a_time_to_the_last_and_back_to_the_first(stops: int) -> None:
    plan = press_plan(stops)
    shown = [1] + [n for _, n in plan]
    assert len(plan) == 2 * (stops - 1)
    assert max(shown) == stops
    assert shown[-1] == 1
    for (key, n), prev in zip(plan, shown, strict=False):
        assert n - prev == (1 if key == "ArrowRight" else -1)


def test_stop_views_are_the_views_the_meeting_page_sets(tour_index) -> None:
    tours, problems = load_tours(tour_index, "zh")
    assert tours
    assert not problems
    for tour in tours:
        views = stop_views(tour)
        assert [v.stop for v in views] == list(range(1, len(tour.stops) + 1))
        for v, stop in zip(views, tour.stops, strict=True):
            # what app_pages/meeting.py hands to the map: display point and the stop's zoom
            assert (v.lat, v.lng) == to_display_point(*stop.view.center, stop.basemap)
            assert v.zoom == stop.view.zoom
            assert isinstance(v.zoom, int)


def test_a_stop_over_amap_is_expected_in_gcj02() -> None:
    stop = Stop(Text("t", "t"), Text("c", "c"), View((30.25, 120.15), 13), (), "amap")
    (view,) = stop_views(Tour("x", Text("t", "t"), "amap", (stop,)))
    # GCJ-02 is a few hundred metres off WGS-84 around Hangzhou: far beyond the 1e-4° tolerance
    assert abs(view.lat - 30.25) + abs(view.lng - 120.15) > 10 * bench.meeting.TOLERANCE_DEG


def test_first_tour_is_the_first_the_page_offers(tmp_path, tour_index) -> None:
    gpkg = store.ensure_store(tmp_path / "s.gpkg", PACK_DIR)
    tours, _ = load_tours(tour_index, "zh")
    assert first_tour(gpkg).id == tours[0].id


def test_p95_is_the_95th_percentile_not_the_first() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 50) == pytest.approx(50.5)
    assert summary(values) == {"n": 100, "median_ms": 50.5, "p95_ms": pytest.approx(95.05)}
    assert summary([]) == {"n": 0, "median_ms": None, "p95_ms": None}


def _meeting_row(app: str, median: float, p95: float, kb: float) -> dict:
    return {"app": app, "tour": "xihu", "stops": 5, "n": 8, "median_ms": median, "p95_ms": p95,
            "step_ws_kb": {"median": kb, "all": [kb]}, "load_after": "1 1 1"}  # fmt: skip


def test_the_table_shows_the_meeting_atlas_beside_baseline_and_its_failures() -> None:
    out = {
        "when": "now", "machine": "m", "load_at_end": "1 1 1", "args": {"runs": "2"}, "results": [],
        "meeting": [_meeting_row("atlas", 200.0, 400.0, 10.0),
                    {"app": "baseline", "stops": 5, "tour": "xihu", "error": "TimeoutError: stop 3"}],
    }  # fmt: skip
    text = markdown(out)
    assert "| parcels |" not in text  # no parcel sizes measured: no empty table
    assert "| xihu, 5 stops | 8 / – | 200 ms / – | 400 ms / – | 10.0 KB / – |" in text
    assert "- baseline meeting: TimeoutError: stop 3" in text
    rows = meeting_markdown([_meeting_row("atlas", 100.0, 200.0, 10.0)], "1")
    assert rows[-1] == "| xihu, 5 stops | 8 | 100 ms | 200 ms | 10.0 KB |"


def test_the_parcel_table_has_bytes_for_a_filter_change_and_a_zoom() -> None:
    row = {"size": "1000", "parcels": 1000, "filter_ws_kb": {"median": 30.0}, "zoom_ws_kb": {"median": 12.5}}
    out = {"when": "now", "machine": "m", "load_at_end": "1", "args": {"runs": "1"},
           "results": [dict(row, app="atlas"), dict(row, app="baseline", zoom_ws_kb={"median": 25.0})]}  # fmt: skip
    text = markdown(out)
    assert "| filter change sends | zoom sends |" in text
    assert "| 30.0 KB / 30.0 KB (×1.0) | 12.5 KB / 25.0 KB (×2.0) |" in text


def test_default_sizes_are_the_shipped_data_and_three_synthetic_sizes() -> None:
    assert bench.run.SIZES == ("shipped", "1000", "10000", "100000")
