"""Site recommendation speed: rank synthetic parcels (with areas, land uses and industries, as an
import would bring) for one project, median of 5 runs, beside the shipped data.

    .venv/bin/python bench/recommend.py [--sizes 1000,10000] [--out bench/results/recommend.json]

Target: ≤ 1 s for 10,000 parcels.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synth import synthetic_parcels  # noqa: E402
from geodata.domain.recommend import Project, rank  # noqa: E402
from geodata.model import pack_reader  # noqa: E402

PROJECT = Project(sector="制造业", land_mu_min=20, land_mu_max=120, investment_wan=50000, tax_per_mu_wan=30,
                  districts=("西湖区", "滨江区", "钱塘区", "萧山区"), near_innovation=True, near_projects=True)  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "recommend.json"))
    args = ap.parse_args()
    layers = {n: pack_reader.read_pack_layer(n) for n in ("parcels", "areas", "projects", "innovation")}
    policies = pack_reader.read_pack_table("policies")
    rows = []
    for label in ["shipped", *args.sizes.split(",")]:
        parcels = layers["parcels"] if label == "shipped" else synthetic_parcels(int(label))
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            rec = rank(PROJECT, parcels, layers["areas"], layers["projects"], layers["innovation"], policies)
            times.append(time.perf_counter() - t0)
        rows.append({"parcels": len(parcels), "median_s": round(statistics.median(times), 3),
                     "max_s": round(max(times), 3), "ranked": len(rec.parcels), "left_out": len(rec.left_out)})  # fmt: skip
        print(rows[-1], flush=True)
    load = os.getloadavg()
    Path(args.out).write_text(json.dumps({"load": [round(x, 2) for x in load], "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
