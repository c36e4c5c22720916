"""How many viewer sessions one replica holds within a memory budget (default 2 GiB), measured.

Opens sessions against ONE replica (not the proxy), each as a viewer who looked at the
overview, the parcel explorer with a district filter and the area profiles, and keeps them
all open; after every step of ``--step`` sessions it records the replica's resident memory.
Stops at the budget or at ``--max`` sessions, and reports the memory per session (the slope
of a straight line through the points, after the first step, which also fills the shared
caches) and the sessions that fit in the budget (measured if reached, else extrapolated
from that slope, and said so).

    python bench/load/memory.py --host http://127.0.0.1:8601 --pid run/serve/replica-1.pid
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import sys
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from protocol import StreamlitSession  # noqa: E402

RESULTS = HERE.parents[1] / "bench" / "results"


def _viewer(host: str) -> StreamlitSession:
    s = StreamlitSession(host, timeout=120)
    s.rerun()
    s.rerun("parcels")
    districts = s.widget("parcels_districts")[1]
    s.set_strings("parcels_districts", [o for o in districts.options if "西湖区" in o][:1])
    s.rerun()
    s.rerun("areas")
    return s


def _keep_alive(sessions: list[StreamlitSession], stop: threading.Event) -> None:
    """Answer the server's pings, as an open browser tab does: an idle websocket that does not
    answer is closed by the server after ~40 s, and its session's memory freed (which would
    make the count look better than it is)."""
    while not stop.is_set():
        socks = {s.ws.sock: s for s in list(sessions) if s.ws.sock is not None}
        if not socks:
            time.sleep(0.5)
            continue
        ready, _, _ = select.select(list(socks), [], [], 0.5)
        for sock in ready:
            with contextlib.suppress(Exception):  # a closed one is counted as not connected
                socks[sock].ws.recv()  # a ping is answered inside recv(); anything else is dropped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="http://127.0.0.1:8601")
    parser.add_argument("--pid", default=str(HERE.parents[1] / "run" / "serve" / "replica-1.pid"))
    parser.add_argument("--budget-mb", type=float, default=2048)
    parser.add_argument("--step", type=int, default=25)
    parser.add_argument("--max", type=int, default=300)
    args = parser.parse_args()
    proc = psutil.Process(int(Path(args.pid).read_text()))

    def rss() -> float:
        return proc.memory_info().rss / 2**20

    sessions: list[StreamlitSession] = []
    points = [(0, round(rss()))]
    started = time.monotonic()
    stop = threading.Event()
    lock = threading.Lock()
    keeper = threading.Thread(target=_keep_alive, args=(sessions, stop), daemon=True)
    keeper.start()
    try:
        while len(sessions) < args.max and rss() < args.budget_mb:
            for _ in range(args.step):
                viewer = _viewer(args.host)
                with lock:
                    sessions.append(viewer)
            time.sleep(1)
            alive = sum(1 for s in sessions if s.ws.connected)
            points.append((alive, round(rss())))
            print(f"{len(sessions)} sessions opened, {alive} connected: {points[-1][1]} MB", flush=True)
    finally:
        stop.set()
        keeper.join(timeout=5)
        for s in sessions:
            s.close()
    fit = points[1:] if len(points) > 2 else points
    n = [p[0] for p in fit]
    m = [p[1] for p in fit]
    mean_n, mean_m = sum(n) / len(n), sum(m) / len(m)
    slope = sum((a - mean_n) * (b - mean_m) for a, b in zip(n, m, strict=True)) / sum((a - mean_n) ** 2 for a in n)
    reached = points[-1][1] >= args.budget_mb
    fits = points[-1][0] if reached else int(fit[-1][0] + (args.budget_mb - fit[-1][1]) / slope)
    result = {
        "host": args.host,
        "budget_mb": args.budget_mb,
        "points": points,
        "mb_per_session": round(slope, 2),
        "sessions_in_budget": fits,
        "measured_to_budget": reached,
        "seconds": round(time.monotonic() - started),
        "load_avg_end": [round(v, 2) for v in os.getloadavg()],
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load-memory.json").write_text(json.dumps(result, indent=1))
    how = "measured" if reached else f"extrapolated from {fit[-1][0]} sessions"
    print(f"{slope:.2f} MB per session; {fits} sessions within {args.budget_mb:.0f} MB ({how})")


if __name__ == "__main__":
    main()
