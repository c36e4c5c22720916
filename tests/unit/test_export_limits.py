"""One export request does bounded work: capped sizes and counts, a process-wide queue."""

from __future__ import annotations

import threading
import time

import pytest

from geodata.export.limits import MAX_BROCHURE_PARCELS, picture_allowed
from geodata.export.queue import ExportQueue, QueueFull


def test_an_a3_print_picture_is_refused_before_any_drawing() -> None:
    from geodata.export.picture import BasemapChoice, MapView, PictureSpec, render_picture

    spec = PictureSpec(title="x", size="a3_landscape", resolution="print", lang="en")
    started = time.perf_counter()
    with pytest.raises(ValueError, match="at most 10 megapixels"):
        render_picture({}, MapView(30.1, 120.0, 30.4, 120.3), spec, BasemapChoice("offline", "offline"))
    assert time.perf_counter() - started < 1.0  # refused, not drawn (drawing takes seconds)
    assert picture_allowed("a4_landscape", "print")
    assert picture_allowed("a3_landscape", "double")


def test_a_brochure_of_too_many_parcels_is_refused_before_any_page() -> None:
    import geopandas as gpd
    import shapely

    from geodata.export.brochure import BrochureConfig, build_brochure

    many = gpd.GeoDataFrame(
        {"id": [f"p{i}" for i in range(1000)], "name_zh": ["地块"] * 1000},
        geometry=[shapely.Point(120.1, 30.2)] * 1000,
        crs=4326,
    )
    pages: list[int] = []
    started = time.perf_counter()
    with pytest.raises(ValueError, match=str(MAX_BROCHURE_PARCELS)):
        build_brochure(many, {}, None, None, BrochureConfig(), "en", on_progress=lambda d, t: pages.append(d))
    assert pages == []
    assert time.perf_counter() - started < 1.0


def test_the_queue_runs_one_job_at_a_time_and_reports_the_line() -> None:
    queue = ExportQueue(slots=1, max_waiting=10)
    running, peak, lines = [0], [0], []
    lock = threading.Lock()

    def job() -> int:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)  # a real overlap window: the jobs must not run in it together
        with lock:
            running[0] -= 1
        return 1

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(queue.run(job, on_wait=lines.append)))
        for _ in range(5)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=10)
    assert results == [1] * 5
    assert peak[0] == 1
    assert lines  # waiting jobs were told how many were ahead
    assert max(lines) <= 4
    assert (queue.running, queue.waiting) == (0, 0)


def test_a_full_queue_refuses_at_once() -> None:
    queue = ExportQueue(slots=1, max_waiting=1)
    release = threading.Event()
    started = threading.Event()

    def blocker() -> None:
        started.set()
        release.wait(5)

    first = threading.Thread(target=queue.run, args=(blocker,))
    first.start()
    started.wait(5)
    second = threading.Thread(target=queue.run, args=(lambda: None,))
    second.start()
    while queue.waiting < 1:
        time.sleep(0.001)
    t0 = time.perf_counter()
    with pytest.raises(QueueFull):
        queue.run(lambda: None)
    assert time.perf_counter() - t0 < 0.5
    release.set()
    first.join(5)
    second.join(5)
    assert (queue.running, queue.waiting) == (0, 0)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_parcel_without_a_name_is_titled_by_its_code(lang: str) -> None:
    import io
    import re

    from pypdf import PdfReader

    from geodata.export.brochure import BrochureConfig, build_brochure
    from geodata.model import pack_reader
    from geodata.model.schema import LAYERS

    layers = {name: pack_reader.read_pack_layer(name) for name in LAYERS}
    parcel = layers["parcels"].iloc[[0]].copy()
    parcel["name_zh"] = None
    parcel["name_en"] = None
    parcel["parcel_code"] = "TEST-1"
    pdf = build_brochure(parcel, layers, None, None, BrochureConfig(), lang)
    text = re.sub(r"\s+", "", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "TEST-1" in text
    assert "None" not in text
