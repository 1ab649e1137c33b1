"""The main job as a user runs it: whole-process CPU time of ``evalrules eval`` and ``report``.

    python benchmarks/cli.py [--rows 100000] [--runs 3] [--dir /tmp/evalrules-cli]
                             [--before OLD/src] [--before-runs 1] [--cases csv,xlsx,report]
                             [--stages] [--small 300]

Data: ``rulesets/fanwen9/team-city.rules`` records from ``examples/make_sample.py``'s generator
(``make_rows(N)``, a fixed seed: the first 300 are the sample's), written once to
``DIR/team-city-N.csv`` (UTF-8 with BOM, as Excel saves it) and ``DIR/team-city-N.xlsx`` (是/否
as text, counts as numbers) and reused.

Cases, each a fresh child process (``python -m evalrules …`` with ``PYTHONPATH`` set to the code
measured); the figure is the child's user + sys CPU seconds (``os.wait4``), the median over
``--runs``, and its peak RSS:

- ``csv``: ``eval RULES N.csv -o OUT.csv --no-progress``;
- ``xlsx``: ``eval RULES N.xlsx -o OUT.xlsx --no-progress``;
- ``report``: ``report RULES N.csv -o OUT.html`` (also the page's size).

``--before SRC`` measures another checkout's ``src`` (e.g. the code before issue 12) on the same
files in the same run, alternately with this one (``--before-runs`` runs each, default 1: the old
code takes minutes). ``--stages`` times each stage inside one process (``time.process_time``):
interpreter start, importing evalrules and the command, importing numpy/pyarrow, reading the
file, grading, the part of it that reads the cells by kind (:func:`evalrules.io.typed.read_lists`,
timed again after the grading), writing, and for the report the full results and the page.
``--small N,M`` compares ``grade`` row by row and column by column on N, M rows in fresh
processes, imports included: what ``COLUMNWISE_FROM`` is chosen from. Prints Markdown;
asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
NOW = ROOT / "src"


def make_files(rows: int, directory: Path) -> dict[str, Path]:
    """The CSV and the workbook of ``rows`` records, written when not there yet."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {ext: directory / f"team-city-{rows}.{ext}" for ext in ("csv", "xlsx")}
    if all(p.exists() for p in paths.values()):
        return paths
    sys.path.insert(0, str(ROOT / "examples"))
    from make_sample import make_rows

    records = make_rows(rows)
    tmp = paths["csv"].with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    tmp.rename(paths["csv"])
    import xlsxwriter  # writes 10^5 rows in seconds, where openpyxl takes a minute

    tmp = paths["xlsx"].with_name(paths["xlsx"].stem + ".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    sheet = book.add_worksheet("班子考核")
    sheet.write_row(0, 0, list(records[0]))
    for i, record in enumerate(records, start=1):
        sheet.write_row(i, 0, list(record.values()))
    book.close()
    tmp.rename(paths["xlsx"])
    return paths


def run_child(argv: list[str], src: Path) -> tuple[float, float, int]:
    """(CPU seconds user + sys, peak RSS in MB, exit status) of one child process."""
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"}
    child = subprocess.Popen([sys.executable, *argv], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    code = child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if code not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({code}):\n{err.decode(errors='replace')}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code


def command(case: str, files: dict[str, Path], out: Path) -> list[str]:
    if case == "report":
        return ["-m", "evalrules", "report", str(RULES), str(files["csv"]), "-o", str(out)]
    return ["-m", "evalrules", "eval", str(RULES), str(files[case]), "-o", str(out),
            "--no-progress"]


def whole(args, files: dict[str, Path], work: Path) -> None:
    codes = [("now", NOW, args.runs)]
    if args.before:
        codes.append(("before", Path(args.before), args.before_runs))
    print(f"## `evalrules` on {args.rows:,} team-city rows (CPU s = user + sys of the process)\n")
    print("| case | code | CPU s (median) | runs | peak RSS MB | output MB |")
    print("|---|---|---:|---:|---:|---:|")
    for case in args.cases.split(","):
        out = work / f"out-{case}.{ {'report': 'html'}.get(case, case)}"
        times: dict[str, list] = {name: [] for name, _, _ in codes}
        peaks: dict[str, list] = {name: [] for name, _, _ in codes}
        sizes: dict[str, float] = {}
        for round_ in range(max(runs for _, _, runs in codes)):
            for name, src, runs in codes:
                if round_ < runs:
                    cpu, peak, _ = run_child(command(case, files, out), src)
                    times[name].append(cpu)
                    peaks[name].append(peak)
                    sizes[name] = out.stat().st_size / 2**20
        for name, _, _ in codes:
            print(f"| {case} | {name} | {statistics.median(times[name]):.2f} | "
                  f"{len(times[name])} | {max(peaks[name]):.0f} | {sizes[name]:.1f} |",
                  flush=True)


STAGES = r"""
import sys, time
start = time.process_time()
import evalrules, evalrules.cli
from evalrules.commands import _shared, eval as _eval, report as _report
from evalrules import grading
from evalrules.io import read_sheet, write_rows
t = {"import evalrules + command": time.process_time() - start}

def stage(name, f, *a, **k):
    t0 = time.process_time()
    out = f(*a, **k)
    t[name] = time.process_time() - t0
    return out

stage("import numpy + pyarrow", lambda: __import__("pyarrow.compute") and __import__("numpy"))
ruleset = stage("compile the ruleset", _shared.load_ruleset, __import__("pathlib").Path(RULES))
sheet = stage("read the file (Sheet)", read_sheet, DATA)
graded = stage("grade (cells by kind included)", grading.grade, ruleset, sheet)
from evalrules.io.typed import read_lists
stage("read cells by kind (io.typed)", read_lists, ruleset.checked, sheet.cells)
t["grade, cells aside"] = t["grade (cells by kind included)"] - t["read cells by kind (io.typed)"]
if OUT.endswith(".html"):
    from evalrules.report import render
    from evalrules.columns import input_columns
    own = [c for c in sheet.columns if c not in input_columns(ruleset.checked)]
    rows = stage("rows as dicts", lambda: list(sheet.records()))
    results = stage("a full Result per row (graded.result)", lambda: [
        None if e is not None else graded.result(i) for i, e in enumerate(graded.errors)])
    page = stage("render the page", render, ruleset, rows, results,
                 [e or "" for e in graded.errors], shown_columns=own, data_name="d", lang="zh")
    stage("write the page", lambda: open(OUT, "w", encoding="utf-8").write(page))
else:
    stage("write " + OUT.rsplit(".", 1)[1], write_rows, OUT, graded.rows())
for k, v in t.items():
    print(f"{k}\t{v:.3f}")
"""


def stages(args, files: dict[str, Path], work: Path) -> None:
    bare, _, _ = run_child(["-c", "pass"], NOW)
    print(f"\n## Stages, in one process each (CPU s; interpreter start {bare:.3f} s)\n")
    for case in args.cases.split(","):
        data = files["csv" if case == "report" else case]
        out = work / f"stages.{ {'report': 'html'}.get(case, case)}"
        script = f"RULES, DATA, OUT = {str(RULES)!r}, {str(data)!r}, {str(out)!r}\n" + STAGES
        env = {**os.environ, "PYTHONPATH": str(NOW), "PYTHONHASHSEED": "0"}
        text = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                              capture_output=True, text=True).stdout
        print(f"| {case}: stage | CPU s |\n|---|---:|")
        for line in text.splitlines():
            name, seconds = line.split("\t")
            print(f"| {name} | {seconds} |")
        print(flush=True)


SMALL = r"""
import time
start = time.process_time()
import evalrules
from evalrules import grading
from evalrules.io import read_sheet
ruleset = evalrules.load(RULES)
sheet = read_sheet(DATA)
t0 = time.process_time()
grading.grade(ruleset, sheet, columnwise=COLUMNWISE)
print(time.process_time() - t0)
"""


def small(args, work: Path) -> None:
    """Row by row against column by column on a few sizes around the threshold, each grading
    in a fresh process (importing numpy and pyarrow counted)."""
    print("\n## Grading a small sheet: row by row or column by column (CPU s, imports included)\n")
    print("| rows | row by row | column by column |\n|---|---:|---:|")
    env = {**os.environ, "PYTHONPATH": str(NOW), "PYTHONHASHSEED": "0"}
    for rows in args.small:
        data = make_files(rows, work / "small")["csv"]
        cells = []
        for columnwise in (False, True):
            script = (f"RULES, DATA, COLUMNWISE = {str(RULES)!r}, {str(data)!r}, {columnwise}\n"
                      + SMALL)
            seconds = [float(subprocess.run([sys.executable, "-c", script], env=env, check=True,
                                            capture_output=True, text=True).stdout)
                       for _ in range(args.runs)]
            cells.append(f"{statistics.median(seconds):.3f}")
        print(f"| {rows} | {' | '.join(cells)} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "evalrules-cli")
    parser.add_argument("--before", help="another checkout's src directory, measured alongside")
    parser.add_argument("--before-runs", type=int, default=1)
    parser.add_argument("--cases", default="csv,xlsx,report")
    parser.add_argument("--stages", action="store_true", help="time each stage in one process")
    parser.add_argument("--small", type=lambda s: [int(n) for n in s.split(",")], default=None,
                        help="row counts, e.g. 300,1000,3000: row by row vs column by column")
    parser.add_argument("--no-whole", action="store_true", help="skip the whole-process runs")
    args = parser.parse_args()
    files = make_files(args.rows, args.dir)
    with tempfile.TemporaryDirectory() as work:
        if not args.no_whole:
            whole(args, files, Path(work))
        if args.stages:
            stages(args, files, Path(work))
    if args.small:
        small(args, args.dir)


if __name__ == "__main__":
    main()
