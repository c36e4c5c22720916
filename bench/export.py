"""Benchmark: time to export a map view with charts, and to make parcel brochures.

Server-side work only (what the export button waits for): the shipped data, the overview's
opening view, two charts beside the map, median of BENCH_RUNS runs after one warm-up (the
first run also pays for importing matplotlib and loading the font). The 10-parcel brochure
is the 5 shipped parcels plus 5 synthetic copies (marked synthetic on their pages): the
sources name only five sites. Prints and writes bench/results/export.json.

    .venv/bin/python bench/export.py
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("ATLAS_STORE", str(Path(tempfile.mkdtemp()) / "atlas.gpkg"))

import geopandas as gpd  # noqa: E402

from geodata.export.brochure import BrochureConfig, build_brochure  # noqa: E402
from geodata.export.charts import area_charts  # noqa: E402
from geodata.export.picture import BasemapChoice, MapContent, MapView, PictureSpec, render_picture  # noqa: E402
from geodata.model import pack_reader  # noqa: E402
from geodata.model.schema import FOCUS_DISTRICTS, LAYERS  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
OFFLINE = BasemapChoice("offline", "离线底图（本地数据）")
# what the default OpenStreetMap basemap costs on a machine that cannot reach it: one refused probe
UNREACHABLE = BasemapChoice(
    "osm", "OpenStreetMap", "© OpenStreetMap", (("http://127.0.0.1:9/{z}/{x}/{y}.png", "", 19),)
)


def _median(fn) -> dict[str, float]:
    """Median wall and CPU seconds: on a shared 2-core machine the wall time also measures the neighbours."""
    fn()  # warm-up
    wall, cpu = [], []
    for _ in range(RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"wall": round(statistics.median(wall), 3), "cpu": round(statistics.median(cpu), 3)}


def main() -> None:
    layers = {n: pack_reader.read_pack_layer(n) for n in LAYERS}
    indicators = pack_reader.read_pack_table("indicators")
    sources = pack_reader.read_pack_table("sources")
    policies = pack_reader.read_pack_table("policies")
    d = layers["districts"]
    view = MapView.around(d[d["name_zh"].isin(FOCUS_DISTRICTS)], 0.02)
    charts = tuple(area_charts(indicators, "西湖区", "zh")[:2])
    highlight = d[d["name_zh"] == "西湖区"]

    def picture(resolution: str, basemap: BasemapChoice, with_charts: bool = True):
        spec = PictureSpec("杭州产业用地与产业集群总览", "西湖区", "a4_landscape", resolution, "zh",
                           charts if with_charts else ())  # fmt: skip
        return lambda: render_picture(layers, view, spec, basemap, MapContent(highlight=highlight), sources)

    parcels = layers["parcels"]
    synthetic = parcels.assign(id=parcels["id"] + "-synthetic", synthetic=True)
    ten = gpd.GeoDataFrame(
        [*parcels.assign(synthetic=False).to_dict("records"), *synthetic.to_dict("records")], crs=parcels.crs
    )

    def brochure(rows):
        return lambda: build_brochure(rows, layers, policies, sources, BrochureConfig(), "zh")

    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "runs": RUNS,
        "seconds": {
            "map_with_2_charts_a4_screen_offline_basemap": _median(picture("screen", OFFLINE)),
            "map_with_2_charts_a4_screen_tiles_unreachable": _median(picture("screen", UNREACHABLE)),
            "map_with_2_charts_a4_2x": _median(picture("double", OFFLINE)),
            "map_with_2_charts_a4_300dpi": _median(picture("print", OFFLINE)),
            "map_only_a4_screen": _median(picture("screen", OFFLINE, with_charts=False)),
            "brochure_5_parcels": _median(brochure(parcels)),
            "brochure_10_parcels_5_real_5_synthetic": _median(brochure(ten)),
        },
        "note": "PNG and one-page PDF are both made by each picture run; times exclude the browser round trip.",
    }
    out = REPO / "bench" / "results" / "export.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
