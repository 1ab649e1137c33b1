"""Start-up figures: `import evalrules`, and compiling every bundled ruleset warm and fresh.

    python benchmarks/compile_time.py [--repeat 5]

Prints a Markdown table of medians. "fresh" is a new interpreter running
`import evalrules; evalrules.load(PATH)`, wall time; "warm" is `evalrules.load(PATH)` again in a
process that has already built the parser. Nothing is asserted: targets are read off the table.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _fresh(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _import_time(repeat: int) -> float:
    code = ("import time; t = time.perf_counter(); import evalrules; "
            "print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                 text=True).stdout) for _ in range(repeat)]
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import evalrules

    paths = sorted((ROOT / "rulesets").rglob("*.rules"))
    evalrules.load(paths[0])  # build the parser once
    interpreter = _fresh("pass", args.repeat)
    print(f"`import evalrules` (in a fresh process, median of {args.repeat}): "
          f"{_import_time(args.repeat) * 1000:.0f} ms; bare interpreter start: "
          f"{interpreter * 1000:.0f} ms\n")
    print("| ruleset | warm compile (ms) | fresh process: import + load (s) |")
    print("|---|---:|---:|")
    for path in paths:
        warm = []
        for _ in range(max(args.repeat, 20)):
            start = time.perf_counter()
            evalrules.load(path)
            warm.append(time.perf_counter() - start)
        fresh = _fresh(f"import evalrules; evalrules.load({str(path)!r})", args.repeat)
        print(f"| {path.relative_to(ROOT / 'rulesets')} | {statistics.median(warm) * 1000:.1f} "
              f"| {fresh:.3f} |")


if __name__ == "__main__":
    main()
