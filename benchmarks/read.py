"""How long reading a data file into a Sheet takes: today's reader (the main branch) against this
one, on the same files, in the same run.

    python benchmarks/read.py                     # 100,000 rows × 16 columns, 5 rounds
    python benchmarks/read.py --rows 20000 --repeat 3
    python benchmarks/read.py --baseline 2bbe951     # once main holds this reader: the one before

The files: ``examples/make_sample.py``'s layout for ``rulesets/fanwen9/team-city.rules`` (编号,
单位, six yes/no and choice columns, two ballots of four counts: 16 columns), its 300 made-up rows
repeated to ``--rows``, with unique 编号; as a CSV (UTF-8 with a BOM, as Excel saves "CSV UTF-8")
and as an .xlsx (one sheet, the header in row 1, written by xlsxwriter).

Contestants, each read in a fresh process (as a command reads it, first-use imports included):
``main``, the reader of the ``main`` branch (``git archive main src``, ``read_sheet(path)``); and
this worktree's ``read_sheet(path, input_columns(...))`` with pyarrow's CSV reader and with the
``csv`` module (pyarrow switched off), with python-calamine and with openpyxl (calamine switched
off). Each process reports the wall and CPU time of the ``read_sheet`` call; the table
gives the medians over ``--repeat`` rounds, every contestant once per round in a rotated order,
and the ratios to ``main`` on the same file (on a shared machine the CPU times are the steadier
figure). Before timing, every contestant's Sheet is checked to hold the rows and the cells of the
first and last record as written, and this reader's rows to be numbered as in the file.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
src, path, how = sys.argv[1:4]
sys.path.insert(0, src)
import evalrules
from evalrules.io import read_sheet
kwargs = {}
if how != "main":
    from evalrules.columns import input_columns
    from evalrules.io import csv_in, xlsx_in
    if how == "stdlib":
        csv_in.with_arrow = lambda *a, **k: None
    if how == "openpyxl":
        xlsx_in._calamine = lambda: None
    ruleset = evalrules.load(sys.argv[4])
    kwargs = {"columns": input_columns(ruleset.checked)}
wall, cpu = time.perf_counter(), time.process_time()
sheet = read_sheet(path, **kwargs)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
first = {c: sheet.cells[c][0] for c in sheet.columns}
last = {c: sheet.cells[c][-1] for c in sheet.columns}
print(json.dumps({"wall": wall, "cpu": cpu, "rows": len(sheet), "first": first, "last": last,
                  "numbers": [sheet.rows[0], sheet.rows[-1]]}, ensure_ascii=False, default=str))
"""


def sample_rows(n: int) -> list[dict]:
    """``examples/make_sample.py``'s 300 rows, repeated to ``n`` with unique ids."""
    sys.path.insert(0, str(ROOT / "examples"))
    import make_sample

    base: list[dict] = []
    original = make_sample.write_xlsx
    make_sample.write_xlsx = lambda path, rows: base.extend(rows)  # keep the rows, no file
    try:
        with tempfile.TemporaryDirectory() as tmp:
            make_sample.HERE = Path(tmp)
            make_sample.main()
    finally:
        make_sample.write_xlsx = original
    return [{**base[i % len(base)], "编号": f"T{i + 1:06d}"} for i in range(n)]


def write_files(rows: list[dict], folder: Path) -> dict[str, Path]:
    import xlsxwriter

    csv_path = folder / "team-city.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    xlsx_path = folder / "team-city.xlsx"
    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = book.add_worksheet("班子考核")
    sheet.write_row(0, 0, list(rows[0]))
    for i, row in enumerate(rows, 1):
        sheet.write_row(i, 0, list(row.values()))
    book.close()
    return {"csv": csv_path, "xlsx": xlsx_path}


def measure(src: Path, path: Path, how: str) -> dict:
    rules = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
    done = subprocess.run([sys.executable, "-c", CHILD, str(src), str(path), how, str(rules)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{how} on {path.name} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", default="main", metavar="REF",
                        help="the git commit or branch whose reader is the baseline (main)")
    args = parser.parse_args()
    rows = sample_rows(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        main_src = folder / "main"
        main_src.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline, "src"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(main_src)], input=archive, check=True)
        files = write_files(rows, folder)
        here = ROOT / "src"
        contestants = [("csv", "main", main_src / "src"), ("csv", "pyarrow", here),
                       ("csv", "stdlib", here), ("xlsx", "main", main_src / "src"),
                       ("xlsx", "calamine", here), ("xlsx", "openpyxl", here)]
        first_row = {k: str(v) for k, v in rows[0].items()}
        last_row = {k: str(v) for k, v in rows[-1].items()}
        for fmt, how, src in contestants:  # every contestant reads the rows as written
            got = measure(src, files[fmt], how)
            assert got["rows"] == len(rows), (fmt, how, got["rows"])
            assert {k: str(v) for k, v in got["first"].items()} == first_row, (fmt, how)
            assert {k: str(v) for k, v in got["last"].items()} == last_row, (fmt, how)
            if how != "main":
                assert got["numbers"] == [2, len(rows) + 1], (fmt, how, got["numbers"])
        times: dict[tuple[str, str], list[dict]] = {(f, h): [] for f, h, _ in contestants}
        for r in range(args.repeat):
            order = contestants[r % len(contestants):] + contestants[:r % len(contestants)]
            for fmt, how, src in order:
                times[fmt, how].append(measure(src, files[fmt], how))
        sizes = {fmt: p.stat().st_size for fmt, p in files.items()}
    print(f"Reading {args.rows:,} rows × {len(rows[0])} columns into a Sheet "
          f"(median of {args.repeat}; Python {sys.version.split()[0]})\n")
    print("| file | reader | wall s | CPU s | wall ÷ main | CPU ÷ main |")
    print("|---|---|---:|---:|---:|---:|")
    for fmt, how, _ in contestants:
        wall = statistics.median(t["wall"] for t in times[fmt, how])
        cpu = statistics.median(t["cpu"] for t in times[fmt, how])
        base = statistics.median(t["wall"] for t in times[fmt, "main"])
        base_cpu = statistics.median(t["cpu"] for t in times[fmt, "main"])
        print(f"| {fmt} ({sizes[fmt] / 2 ** 20:.1f} MiB) | {how} | {wall:.2f} | {cpu:.2f} | "
              f"{wall / base:.2f}× | {cpu / base_cpu:.2f}× |")


if __name__ == "__main__":
    main()
