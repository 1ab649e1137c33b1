"""The studio's figure: how long one analysis takes (what the page asks after each pause in typing:
diagnostics, sliders, the grade distribution, every record's grades, the diff against the base
ruleset, the cases), on 范文9's county ruleset and the sample spreadsheet, and on ten copies of it;
with the baseline of the same run: grading the same records once with ``evaluate_many``.

    python benchmarks/studio.py [--repeat 7]

Prints medians. Nothing is asserted by a test: machines are noisy, and the studio has no target
beyond answering well within a pause in typing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import evalrules
from evalrules.commands._shared import load_rows
from evalrules.compare import project
from evalrules.studio.workspace import Workspace, analyze

ROOT = Path(__file__).resolve().parents[1]
FANWEN9 = ROOT / "rulesets" / "fanwen9"
SAMPLE = ROOT / "examples" / "team-city.csv"


def _median(work, repeat: int) -> float:
    work()  # compiled code and caches warm, as in a running studio
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name in ("team-city.rules", "team-county.rules", "team-county.cases.json"):
            shutil.copy(FANWEN9 / name, Path(folder) / name)
        path = Path(folder) / "team-county.rules"
        text = path.read_text(encoding="utf-8")
        ruleset = evalrules.load(path)
        sample = tuple(load_rows(SAMPLE, ruleset))
        print("| records | one analysis | grading them once (evaluate_many) |")
        print("|---:|---:|---:|")
        for copies in (1, 10):
            records = sample * copies
            ws = Workspace(path, records, SAMPLE.name, ("编号", "单位"))
            studio = _median(lambda ws=ws: analyze(ws, text), args.repeat)
            once = _median(lambda records=records: list(
                ruleset.evaluate_many(project(r, ruleset) for r in records)), args.repeat)
            print(f"| {len(records):,} | {studio * 1000:.0f} ms | {once * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
