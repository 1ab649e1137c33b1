"""Proof figures: `evalrules verify` on every bundled ruleset and `evalrules diff --prove` of the
市直 and 县区 team rulesets, as whole processes (what a user waits for), with the baseline of the
same run: `evalrules check` on the same files (start-up and compiling, no solver).

    python benchmarks/verify.py [--repeat 5]

Prints medians and the issue's targets (verify of all bundled rulesets < 10 s, diff --prove < 5 s),
then each ruleset's in-process verify time and what it proved. Nothing is asserted by a test:
machines are noisy; the targets are read off this table.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
COUNTY = ROOT / "rulesets" / "fanwen9" / "team-county.rules"


def _wall(argv: list[str], repeat: int, ok: tuple[int, ...] = (0,)) -> float:
    """Median wall time of ``evalrules ARGV`` in a fresh process."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "evalrules", *argv], capture_output=True,
                              text=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
        if done.returncode not in ok:
            raise SystemExit(f"evalrules {' '.join(argv)} exited {done.returncode}:\n"
                             f"{done.stdout}\n{done.stderr}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "rulesets").rglob("*.rules"))]

    check = _wall(["check", *paths], args.repeat)
    verify = _wall(["verify", *paths], args.repeat)
    diff = _wall(["diff", str(CITY), str(COUNTY), "--prove"], args.repeat, ok=(0, 1))
    print(f"{len(paths)} bundled rulesets, medians of {args.repeat} fresh processes:\n")
    print("| command | wall (s) | ÷ check | target |")
    print("|---|---:|---:|---|")
    print(f"| `evalrules check` (all; baseline) | {check:.2f} | 1.00 | |")
    print(f"| `evalrules verify` (all) | {verify:.2f} | {verify / check:.2f} | < 10 s: "
          f"{'met' if verify < 10 else 'MISSED'} |")
    print(f"| `evalrules diff team-city team-county --prove` | {diff:.2f} | {diff / check:.2f} | "
          f"< 5 s: {'met' if diff < 5 else 'MISSED'} |")

    import evalrules

    print("\n| ruleset | verify in process (s) | obligations | proved | refuted | unknown |")
    print("|---|---:|---:|---:|---:|---:|")
    for path in paths:
        ruleset = evalrules.load(ROOT / path)
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            report = evalrules.verify(ruleset)
            runs.append(time.perf_counter() - start)
        counts = {s: sum(1 for o in report.obligations if o.status == s)
                  for s in ("proved", "refuted", "unknown")}
        print(f"| {path.removeprefix('rulesets/')} | {statistics.median(runs):.3f} | "
              f"{len(report.obligations)} | {counts['proved']} | {counts['refuted']} | "
              f"{counts['unknown']} |")


if __name__ == "__main__":
    main()
