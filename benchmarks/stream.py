"""Out of core: records/s and peak memory streaming Parquet through evalrules, and on Spark.

    python benchmarks/stream.py [--rows 10000000] [--dir /tmp/evalrules-stream] [--spark-rows N]
                                [--no-spark]

Data: ``rulesets/fanwen9/team-city.rules`` records as in ``batch.py`` (seeded numpy: vote counts
0..40 per category, labels and bools drawn at random), written to ``DIR/team-city-N.parquet`` in
chunks of 10^6 rows (one row group each; reused when it exists). Each measurement runs in a fresh
child process; peak memory is that child's peak RSS (``ru_maxrss`` of the waited child), the
whole process: interpreter, pyarrow, the batches in flight and the writer.

1. ``evalrules eval RULES DATA.parquet -o OUT.parquet --no-progress`` (the command, end to end);
2. ``Ruleset.evaluate_dataset(DATA, OUT)`` (the same, from Python);
3. ``evalrules.spark.evaluate`` on ``spark.read.parquet(DATA)`` with ``master("local[2]")``,
   written with Spark's ``noop`` sink (every row evaluated, nothing stored). Peak memory here is
   the summed RSS of the driver, the JVM and the Python workers, sampled every 0.2 s; the
   session's start is reported apart from the run's time.

Prints a Markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
CHUNK = 1_000_000


def make_parquet(rows: int, directory: Path) -> Path:
    import pyarrow.parquet as pq

    sys.path.insert(0, str(Path(__file__).parent))
    from batch import make_table

    path = directory / f"team-city-{rows}.parquet"
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    writer = None
    done = 0
    while done < rows:
        n = min(CHUNK, rows - done)
        _, table = make_table(n, seed=7 + done // CHUNK)
        table = table.set_column(table.column_names.index("id"), "id",
                                 [table.column("id").to_numpy() + done])
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
        writer.write_table(table, row_group_size=CHUNK)
        done += n
    writer.close()
    tmp.rename(path)
    return path


# Runs argv and prints that process's own peak RSS: ru_maxrss of RUSAGE_CHILDREN is the largest
# of all children waited for, so each measurement gets a fresh parent.
_PEAK = ("import json, resource, subprocess, sys; p = subprocess.run(sys.argv[1:], "
         "stdout=subprocess.DEVNULL); print(json.dumps([p.returncode, "
         "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))")


def child(argv: list[str]) -> dict:
    """Run a child process; its wall time and peak RSS (bytes)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK, *argv], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{argv} failed:\n{proc.stderr}")
    status, peak = json.loads(proc.stdout)
    if status not in (0, 1):
        raise SystemExit(f"{argv} failed ({status}):\n{proc.stderr}")
    return {"seconds": seconds, "peak": peak * 1024}


def _python_child(code: str) -> list[str]:
    return [sys.executable, "-c", code]


SPARK = r"""
import json, os, resource, sys, threading, time
peak = [0]
def tree_rss():  # RSS of this process and all its descendants (the JVM, the Python workers)
    parent, rss = {}, {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parent[int(pid)] = int(stat[1])
            rss[int(pid)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
    me, total = os.getpid(), 0
    for pid in rss:
        p = pid
        while p > 1 and p != me:
            p = parent.get(p, 0)
        if p == me:
            total += rss[pid]
    return total
def sample():
    while True:
        peak[0] = max(peak[0], tree_rss())
        time.sleep(0.2)
threading.Thread(target=sample, daemon=True).start()
t0 = time.perf_counter()
from pyspark.sql import SparkSession
spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
         .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
         .config("spark.driver.memory", "2g").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
started = time.perf_counter() - t0
from evalrules.spark import evaluate
t1 = time.perf_counter()
evaluate(spark.read.parquet(sys.argv[1]), sys.argv[2]).write.format("noop").mode("overwrite").save()
run = time.perf_counter() - t1
spark.stop()
print(json.dumps({"start": started, "run": run, "tree": peak[0]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--spark-rows", type=int, default=None,
                        help="rows for the Spark run (default: --rows)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/evalrules-stream"))
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    data = make_parquet(args.rows, args.dir)
    out = args.dir / "out.parquet"
    print(f"{RULES.relative_to(ROOT)}, {args.rows:,} records from {data.name} "
          f"({data.stat().st_size / 2**20:.0f} MiB)\n")
    print("| run | records | seconds | records/s | peak RSS |")
    print("|---|---:|---:|---:|---:|")

    def report(name, rows, seconds, peak):
        print(f"| {name} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} | "
              f"{peak / 2**20:,.0f} MiB |", flush=True)

    r = child([sys.executable, "-m", "evalrules", "eval", str(RULES), str(data), "-o", str(out),
               "--no-progress"])
    report("`evalrules eval … -o out.parquet`", args.rows, r["seconds"], r["peak"])
    code = (f"import evalrules; s = evalrules.load({str(RULES)!r}).evaluate_dataset("
            f"{str(data)!r}, {str(out)!r}, progress=False); print(s)")
    r = child(_python_child(code))
    report("`Ruleset.evaluate_dataset(…)`", args.rows, r["seconds"], r["peak"])
    if args.no_spark:
        return
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("\n(Spark skipped: pyspark is not installed)")
        return
    rows = args.spark_rows or args.rows
    sdata = make_parquet(rows, args.dir)
    proc = subprocess.run([sys.executable, "-c", SPARK, str(sdata), str(RULES)],
                          capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    s = json.loads(proc.stdout.strip().splitlines()[-1])
    report(f"Spark `local[2]` (+ {s['start']:.0f} s session start)", rows, s["run"], s["tree"])
    print("\nSpark peak RSS: the driver, its JVM and the Python workers together (sampled every "
          "0.2 s); maxRecordsPerBatch 65536, driver memory 2g")


if __name__ == "__main__":
    main()
