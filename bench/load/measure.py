"""One load run with the server's side measured: Locust's viewers plus the replicas' CPU and memory.

Locust (``locustfile.py``) gives the latencies the viewers saw; this script samples, once a
second, every replica process (CPU seconds, resident memory) and the machine's load average, so
a result says what the server spent, not only what the clients waited. The Locust process runs
on the same machine and its own CPU is recorded too: on two cores it competes with the server.

    python bench/load/measure.py --label proxy2-100 --host http://127.0.0.1:8080 --users 100
    python bench/load/measure.py --label direct1-100 --host http://127.0.0.1:8601 --users 100 \
        --pids run/serve/replica-1.pid

Writes ``bench/results/load-<label>.json`` (the Locust rows, the samples' summary) and prints
a Markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
RESULTS = REPO / "bench" / "results"


def _replicas(pid_files: list[str]) -> list[psutil.Process]:
    if not pid_files:
        pid_files = sorted(str(p) for p in (REPO / "run" / "serve").glob("replica-*.pid"))
    return [psutil.Process(int(Path(f).read_text())) for f in pid_files]


def _cpu(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return t.user + t.system


def _stats_rows(path: Path) -> list[dict]:
    rows = []
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Name"] == "Aggregated":
                continue
            rows.append({
                "kind": row["Type"],
                "step": row["Name"],
                "count": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "max_ms": float(row["Max Response Time"]),
                "kb_received_avg": round(float(row["Average Content Size"]) / 1024, 1),
            })
    return rows


def run(args: argparse.Namespace) -> dict:
    replicas = _replicas(args.pids)
    cpu0 = [_cpu(p) for p in replicas]
    rss0 = [p.memory_info().rss for p in replicas]
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "load"
        cmd = [str(Path(sys.executable).with_name("locust")), "-f", "locustfile.py", "--headless",
               "-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.time, "--host", args.host,
               "--csv", str(prefix), "--only-summary"]
        started = time.monotonic()
        locust = subprocess.Popen(cmd, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        locust_ps = psutil.Process(locust.pid)
        samples = []
        while locust.poll() is None:
            with contextlib.suppress(psutil.NoSuchProcess):
                samples.append({
                    "t": round(time.monotonic() - started, 1),
                    "rss_mb": [round(p.memory_info().rss / 2**20) for p in replicas],
                    "cpu_s": [round(_cpu(p) - c, 1) for p, c in zip(replicas, cpu0, strict=True)],
                    "locust_cpu_s": round(_cpu(locust_ps), 1),
                    "load1": os.getloadavg()[0],
                })
            time.sleep(1)
        err = locust.stderr.read()
        stats = prefix.with_name("load_stats.csv")
        if not stats.exists():
            raise SystemExit(f"locust wrote no stats:\n{err[-2000:]}")
        rows = _stats_rows(stats)
    elapsed = time.monotonic() - started
    cpu_used = [round(_cpu(p) - c, 1) for p, c in zip(replicas, cpu0, strict=True)]
    visits = max((r["count"] for r in rows if r["step"].startswith("overview")), default=0)
    peak = [max(s["rss_mb"][i] for s in samples) for i in range(len(replicas))]
    result = {
        "label": args.label,
        "host": args.host,
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "duration_s": round(elapsed),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu_count": os.cpu_count(),
        "load_avg_end": [round(v, 2) for v in os.getloadavg()],
        "load1_median_during": sorted(s["load1"] for s in samples)[len(samples) // 2] if samples else None,
        "steps": rows,
        "visits_started": visits,
        "replica_cpu_s": cpu_used,
        "replica_cpu_s_per_visit": round(sum(cpu_used) / visits, 3) if visits else None,
        "replica_cores_busy_avg": round(sum(cpu_used) / elapsed, 2),
        "locust_cpu_s": samples[-1]["locust_cpu_s"] if samples else None,
        "replica_rss_mb_before": [round(r / 2**20) for r in rss0],
        "replica_rss_mb_peak": peak,
        "samples": samples,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"load-{args.label}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return result


def markdown(result: dict) -> str:
    lines = [
        f"### {result['label']}: {result['users']} viewers, {result['host']} ({result['when']})",
        "",
        "| step | kind | visits | p50 ms | p95 ms | max ms | errors | KB received |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in result["steps"]:
        lines.append(f"| {r['step']} | {r['kind']} | {r['count']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
                     f"{r['max_ms']:.0f} | {r['errors']} | {r['kb_received_avg']} |")
    lines += [
        "",
        f"- replicas' CPU: {result['replica_cpu_s']} s over {result['duration_s']} s "
        f"(≈ {result['replica_cores_busy_avg']} cores busy; {result['replica_cpu_s_per_visit']} CPU s per visit); "
        f"Locust itself: {result['locust_cpu_s']} CPU s",
        f"- replicas' memory: {result['replica_rss_mb_before']} MB before, {result['replica_rss_mb_peak']} MB peak",
        f"- load average: median {result['load1_median_during']} during, {result['load_avg_end']} at the end "
        f"({result['cpu_count']} cores)",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", required=True)
    parser.add_argument("--host", default="http://127.0.0.1:8080")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--time", default="240s")
    parser.add_argument("--pids", nargs="*", default=[], help="replica pid files (default: run/serve/replica-*.pid)")
    print(markdown(run(parser.parse_args())))


if __name__ == "__main__":
    main()
