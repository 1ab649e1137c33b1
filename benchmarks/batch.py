"""Throughput and peak memory of ``Ruleset.evaluate_table`` (the vectorized backend).

    python benchmarks/batch.py [--rows 1000000] [--repeat 3] [--kinds pyarrow,polars,pandas]
    python benchmarks/batch.py --ruleset rulesets/fanwen2/cadre.rules --numbers decimal

Data: ``rulesets/fanwen9/team-city.rules`` (or ``--ruleset``) with seeded numpy data (vote counts
0..40 per category, no empty ballot; labels drawn from each input's labels; bools; number inputs
with two decimals in their range, stored as float64 or, with ``--numbers decimal``, as
decimal128(12, 2), as databases and Parquet writers store them). Time is wall time of
``evaluate_table`` end to end: input table in, result table out (the median of ``--repeat`` runs);
beside it, ``evaluate_many`` over the same rows as records (``--per-record N`` rows, scaled).
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


def make_table(rows: int, seed: int = 7, rules: Path = RULES, numbers: str = "float"):
    from decimal import Decimal

    import numpy as np
    import pyarrow as pa

    import evalrules

    ruleset = evalrules.load(rules)
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
        elif field.kind in ("number", "integer"):
            low = int(field.low if field.low is not None else 0)
            high = int(field.high if field.high is not None else 100)
            scale = 1 if field.kind == "integer" else 100
            cents = rng.integers(low * scale, high * scale + 1, rows)
            if numbers == "decimal":
                columns[name] = pa.array([Decimal(int(c)).scaleb(-2) for c in cents.tolist()],
                                         type=pa.decimal128(12, 2)) if scale == 100 else \
                    pa.array([Decimal(int(c)) for c in cents.tolist()], pa.decimal128(12, 0))
            else:
                columns[name] = pa.array(cents / scale if scale == 100 else cents)
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


def measure_memory(rows: int, kind: str, rules: Path, numbers: str) -> dict:
    """Run in a fresh interpreter: peak RSS growth during one evaluate_table call."""
    ruleset, table = make_table(rows, rules=rules, numbers=numbers)
    data = convert(table, kind)
    ruleset.evaluate_table(convert(make_table(1000, rules=rules, numbers=numbers)[1], kind))
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


def per_record(ruleset, table, rows: int) -> float:
    """Seconds for ``evaluate_many`` over the first ``rows`` rows as records, scaled to all."""
    from evalrules.columns import input_columns
    from evalrules.io import record_of

    columns = input_columns(ruleset.checked)
    part = table.slice(0, rows).to_pylist()
    records = [record_of(r, columns) for r in part]
    start = time.perf_counter()
    for _ in ruleset.evaluate_many(records):
        pass
    return (time.perf_counter() - start) * table.num_rows / len(records)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kinds", default="pyarrow,polars,pandas")
    parser.add_argument("--ruleset", type=Path, default=RULES)
    parser.add_argument("--numbers", choices=("float", "decimal"), default="float")
    parser.add_argument("--per-record", type=int, default=20_000,
                        help="rows timed through evaluate_many, for comparison (0: none)")
    parser.add_argument("--memory-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    rules = args.ruleset.resolve()
    if args.memory_child:
        print(json.dumps(measure_memory(args.rows, args.memory_child, rules, args.numbers)))
        return
    ruleset, table = make_table(args.rows, rules=rules, numbers=args.numbers)
    print(f"{rules.relative_to(ROOT)}, {args.rows:,} rows, number inputs as {args.numbers}, "
          f"median of {args.repeat}\n")
    print("| input | seconds | records/s | peak bytes/record |")
    print("|---|---:|---:|---:|")
    for kind in args.kinds.split(","):
        data = convert(table, kind)
        ruleset.evaluate_table(data)  # first-use costs at full size: imports, thread pool
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            out = ruleset.evaluate_table(data)
            times.append(time.perf_counter() - start)
            del out
        seconds = statistics.median(times)
        child = subprocess.run([sys.executable, __file__, "--rows", str(args.rows),
                                "--ruleset", str(rules), "--numbers", args.numbers,
                                "--memory-child", kind], capture_output=True, text=True,
                               check=True)
        memory = json.loads(child.stdout)
        print(f"| {kind} | {seconds:.3f} | {args.rows / seconds / 1e6:.2f} M | "
              f"{memory['bytes'] / args.rows:.0f} |")
    if args.per_record:
        seconds = per_record(ruleset, table, min(args.per_record, args.rows))
        print(f"| records through `evaluate_many` (scaled from {args.per_record:,}) | "
              f"{seconds:.3f} | {args.rows / seconds / 1e6:.2f} M | |")
    print(f"\nmemory: {memory['method']}")


if __name__ == "__main__":
    main()
