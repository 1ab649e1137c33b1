"""Throughput and peak memory of ``Ruleset.evaluate_table`` (the vectorized backend).

    python benchmarks/batch.py [--rows 1000000] [--repeat 3] [--kinds pyarrow,polars,pandas]

Data: ``rulesets/fanwen9/team-city.rules`` with seeded numpy data (vote counts 0..40 per
category, no empty ballot; labels drawn from each input's labels; bools). Time is wall time of
``evaluate_table`` end to end: input table in, result table out (the median of ``--repeat`` runs).
Memory is measured in a fresh process per kind: the growth of peak RSS while ``evaluate_table``
runs (Linux: the peak is reset through /proc/self/clear_refs just before the call, then VmHWM is
read; so it counts the result table too, and Arrow's and polars' allocations, which tracemalloc
cannot see), divided by the rows. Prints a Markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rulesets" / "fanwen9" / "team-city.rules"


def make_table(rows: int, seed: int = 7):
    import numpy as np
    import pyarrow as pa

    import evalrules

    ruleset = evalrules.load(RULES)
    rng = np.random.default_rng(seed)
    columns = {}
    for name, field in ruleset.inputs.items():
        if field.kind == "ballot":
            counts = rng.integers(0, 41, size=(rows, len(field.labels)), dtype=np.int64)
            counts[counts.sum(axis=1) == 0, 0] = 1
            for j, c in enumerate(field.labels):
                columns[f"{name}.{c}"] = pa.array(counts[:, j])
        elif field.kind == "bool":
            columns[name] = pa.array(rng.random(rows) < 0.2)
        elif field.kind == "category":
            labels = pa.array(list(field.labels), type=pa.string())
            columns[name] = labels.take(pa.array(rng.integers(0, len(field.labels), rows)))
    columns["id"] = pa.array(np.arange(rows))
    return ruleset, pa.table(columns)


def convert(table, kind: str):
    if kind == "polars":
        import polars as pl
        return pl.from_arrow(table)
    if kind == "pandas":
        import pandas as pd
        return table.to_pandas(types_mapper=pd.ArrowDtype)
    return table


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def measure_memory(rows: int, kind: str) -> dict:
    """Run in a fresh interpreter: peak RSS growth during one evaluate_table call."""
    ruleset, table = make_table(rows)
    data = convert(table, kind)
    ruleset.evaluate_table(convert(make_table(1000)[1], kind))  # imports and first-use costs
    import gc
    gc.collect()
    before = _status("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")
        method = "VmHWM after clearing the peak"
    except OSError:
        method = "ru_maxrss (may undercount)"
    result = ruleset.evaluate_table(data)
    peak = _status("VmHWM")
    del result
    return {"kind": kind, "bytes": peak - before, "method": method}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kinds", default="pyarrow,polars,pandas")
    parser.add_argument("--memory-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        print(json.dumps(measure_memory(args.rows, args.memory_child)))
        return
    ruleset, table = make_table(args.rows)
    print(f"{RULES.relative_to(ROOT)}, {args.rows:,} rows, median of {args.repeat}\n")
    print("| input | seconds | records/s | peak bytes/record |")
    print("|---|---:|---:|---:|")
    for kind in args.kinds.split(","):
        data = convert(table, kind)
        ruleset.evaluate_table(convert(table.slice(0, 1000), kind))
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            out = ruleset.evaluate_table(data)
            times.append(time.perf_counter() - start)
            del out
        seconds = statistics.median(times)
        child = subprocess.run([sys.executable, __file__, "--rows", str(args.rows),
                                "--memory-child", kind], capture_output=True, text=True,
                               check=True)
        memory = json.loads(child.stdout)
        print(f"| {kind} | {seconds:.3f} | {args.rows / seconds / 1e6:.2f} M | "
              f"{memory['bytes'] / args.rows:.0f} |")
    print(f"\nmemory: {memory['method']}")


if __name__ == "__main__":
    main()
