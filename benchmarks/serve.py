"""The decision service over real HTTP: records per second and latency of
``POST /rulesets/fanwen9/team-city/evaluate``, one record per request and in batches.

    python benchmarks/serve.py                      # 2,000 single requests, batches of 100 and 1000
    python benchmarks/serve.py --single 500 --workers 2

``evalrules serve rulesets/`` runs in its own process (uvicorn, ``--workers``) on a free port;
the client is httpx with one kept-alive connection, sending the 300 records of
``examples/team-city.csv`` round and round (their JSON: ballots as objects of counts). Reported:
records per second over the whole run, and each request's latency p50 and p99 (wall time, client
side), beside ``Ruleset.evaluate`` in this process on the same records. Speed is reported, never
asserted; the results are checked equal to the in-process ones first.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
NAME = "fanwen9/team-city"


def records() -> list[dict]:
    with open(ROOT / "examples/team-city.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        record: dict = {}
        for column, cell in row.items():
            name, _, label = column.partition(".")
            if label:
                record.setdefault(name, {})[label] = int(cell)
            elif name not in ("编号", "单位"):
                record[name] = cell
        out.append(record)
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=2000, help="single-record requests")
    parser.add_argument("--batches", default="100,1000", help="batch sizes")
    parser.add_argument("--records", type=int, default=20000, help="records per batch size")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    data = records()
    sys.path.insert(0, str(ROOT / "src"))
    import evalrules

    ruleset = evalrules.load(ROOT / "rulesets" / f"{NAME}.rules")
    start = time.perf_counter()
    n = 0
    while n < args.records:
        for r in data:
            ruleset.evaluate(r)
        n += len(data)
    in_process = n / (time.perf_counter() - start)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([sys.executable, "-m", "evalrules", "serve", str(ROOT / "rulesets"),
                               "--port", str(port), "--workers", str(args.workers)],
                              env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/rulesets/{NAME}/evaluate"
    try:
        with httpx.Client(timeout=120) as client:
            for _ in range(600):
                try:
                    client.get(f"http://127.0.0.1:{port}/rulesets")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            got = client.post(url, json=data).json()["results"]
            want = [ruleset.evaluate(r).to_dict() for r in data]
            assert [g["values"]["班子等次"] for g in got] == \
                [w["values"]["班子等次"] for w in want], "the service disagrees with evaluate"
            rows = []
            for size in [1, *(int(b) for b in args.batches.split(","))]:
                count = args.single if size == 1 else max(1, args.records // size)
                bodies = [[data[(i * size + j) % len(data)] for j in range(size)]
                          for i in range(min(count, 50))]
                latencies = []
                began = time.perf_counter()
                for i in range(count):
                    body = bodies[i % len(bodies)]
                    t = time.perf_counter()
                    response = client.post(url, json=body[0] if size == 1 else body)
                    latencies.append(time.perf_counter() - t)
                    assert response.status_code == 200
                elapsed = time.perf_counter() - began
                rows.append((size, count, count * size / elapsed,
                             statistics.median(latencies) * 1e3,
                             percentile(latencies, 0.99) * 1e3))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"evalrules serve, {NAME}, workers {args.workers}, one kept-alive httpx connection\n")
    print("| records per request | requests | records/s | p50 latency | p99 latency |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for size, count, rate, p50, p99 in rows:
        print(f"| {size:,} | {count:,} | {rate:,.0f} | {p50:.2f} ms | {p99:.2f} ms |")
    print(f"\nin process, Ruleset.evaluate on the same records: {in_process:,.0f} records/s")


if __name__ == "__main__":
    main()
