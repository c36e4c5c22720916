"""Median cost of parsing the hostile shared link: 1,999 commas in each of six list parameters.

Run from the repository root: ``python -m bench.url_parse [runs]``. The target is < 50 ms.
"""

from __future__ import annotations

import statistics
import sys
import time

from geodata.domain.parcels.url_state import state_from_params

KNOWN = {
    "districts": {"西湖区", "滨江区"},
    "platforms": {"云栖小镇"},
    "land_uses": {"M1"},
    "quarters": {"2026Q1"},
    "statuses": {"planned"},
    "industries": {"集成电路"},
    "parcel_ids": {"a", "b"},
    "sectors": set(),
}
HOSTILE = dict.fromkeys(("d", "p", "lu", "qt", "st", "ind"), "," * 1999)


def main(runs: int = 21) -> None:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        state_from_params(HOSTILE, KNOWN, "zh")
        timings.append(time.perf_counter() - started)
    print(
        f"hostile link parse: median {statistics.median(timings) * 1000:.2f} ms, "
        f"max {max(timings) * 1000:.2f} ms over {runs} runs"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 21)
