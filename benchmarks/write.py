"""Time of writing graded rows with their results (``evalrules eval -o``), new writer against the
writer before issue 12, measured alternately in one run.

    python benchmarks/write.py [--rows 5000] [--repeat 3] [--cases xlsx-xlsx,csv-csv,csv-xlsx]

Data: ``rulesets/fanwen9/team-city.rules`` and ``--rows`` made-up teams (seeded; as
``examples/make_sample.py`` makes them: yes/no as 是/否 text, vote counts as numbers, the header
bold and frozen), saved as .xlsx (with a second sheet, 备注, as offices keep one) and as CSV.
Each input is read and graded once (not timed); then, ``--repeat`` times and alternating, the
graded sheet is written by

- ``before``: ``io.write_rows(out, graded.rows())``, the writer before issue 12 (a new workbook
  with openpyxl for .xlsx: the input workbook's other sheets and formats are lost);
- ``after``: ``io.write_results(out, graded, source=input)`` (an .xlsx of an .xlsx keeps the
  workbook; any other .xlsx is a new one written with xlsxwriter; a CSV holds percentages).

Prints a Markdown table of medians (wall seconds, the same process) and their ratio; nothing is
asserted. The default is 5,000 rows because ``before`` grows with the square of the rows (it asks
openpyxl for ``max_row``, a scan of every cell, after each row appended): 5,000 rows take it 9 s,
20,000 rows minutes, 10^5 rows far longer than the run is worth. Measured on 2 shared cores
(2026-12-02), 5,000 rows: xlsx → xlsx 8.73 s → 0.07 s, csv → csv 0.11 s → 0.06 s, csv → xlsx
9.22 s → 0.60 s. ``after`` alone at 10^5 rows (``write_results`` of a graded sheet, CPU seconds):
xlsx → xlsx 1.6 s, csv 1.8 s, a new .xlsx 12 s (xlsxwriter, one call per cell).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
RULES = ROOT / "rulesets" / "fanwen9" / "team-city.rules"


def make_rows(n: int, seed: int = 12) -> list[dict]:
    import make_sample

    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row = {"编号": f"T{i + 1:06d}", "单位": f"{rng.choice(make_sample.UNITS)}{i // 16 + 1}号"}
        row["考核目标完成"] = rng.choices(("好", "一般", "差距较大"), (6, 3, 1))[0]
        row["班子状况"] = rng.choices(("团结协调", "存在问题", "不团结"), (7, 2, 1))[0]
        for name, weights in (("干部精神状态好", (8, 2)), ("存在突出问题", (1, 9)),
                              ("较大失误造成严重后果", (1, 30)), ("计生综治目标完成差", (1, 12))):
            row[name] = rng.choices(("是", "否"), weights)[0]
        row.update({f"班子测评.{c}": v for c, v in
                    make_sample._votes(rng, make_sample.TEAM_BALLOT).items()})
        row.update({f"正职测评.{c}": v for c, v in
                    make_sample._votes(rng, make_sample.CHIEF_BALLOT).items()})
        rows.append(row)
    return rows


def save(rows: list[dict], folder: Path) -> tuple[Path, Path]:
    import csv

    import xlsxwriter

    data = folder / "data.xlsx"
    book = xlsxwriter.Workbook(str(data), {"constant_memory": True})
    sheet = book.add_worksheet("班子考核")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, list(rows[0]), bold)
    for i, row in enumerate(rows, 1):
        sheet.write_row(i, 0, list(row.values()))
    sheet.freeze_panes(1, 0)
    sheet.set_column(1, 1, 14)
    book.add_worksheet("备注").write_string(0, 0, "填表说明：每个单位一行。")
    book.close()
    text = folder / "data.csv"
    with text.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return data, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cases", default="xlsx-xlsx,csv-csv,csv-xlsx")
    args = parser.parse_args()

    import evalrules
    from evalrules.grading import grade
    from evalrules.io import read_sheet, write_results, write_rows

    ruleset = evalrules.load(RULES)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        inputs = dict(zip(("xlsx", "csv"), save(make_rows(args.rows), folder), strict=True))
        graded = {}
        for kind in {case.split("-")[0] for case in args.cases.split(",")}:
            graded[kind] = grade(ruleset, read_sheet(inputs[kind]))
        print(f"data made, read and graded in {time.perf_counter() - started:.1f} s "
              f"(not counted)\n", file=sys.stderr)
        print(f"| {args.rows:,} rows | before (s) | after (s) | before / after |")
        print("| --- | ---: | ---: | ---: |")
        for case in args.cases.split(","):
            source, target = case.split("-")
            out = folder / f"out.{target}"
            times: dict[str, list[float]] = {"before": [], "after": []}
            for _ in range(args.repeat):
                for way in ("before", "after"):
                    started = time.perf_counter()
                    if way == "before":
                        write_rows(out, graded[source].rows())
                    else:
                        write_results(out, graded[source], source=inputs[source])
                    times[way].append(time.perf_counter() - started)
                    out.unlink()
            before, after = (statistics.median(times[w]) for w in ("before", "after"))
            print(f"| {source} → {target} | {before:.2f} | {after:.2f} | {before / after:.1f}× |")


if __name__ == "__main__":
    main()
