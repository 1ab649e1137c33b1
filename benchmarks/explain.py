"""What one record's explanation costs: ``Result.explain`` on results fresh from ``evaluate``.

    python benchmarks/explain.py                              # 2,000 records, 7 rounds
    python benchmarks/explain.py --baseline /tmp/base/src     # and another evalrules beside it
    python benchmarks/explain.py --records 500 --repeat 3     # a quick run

Records: ``rulesets/fanwen9/team-city.rules`` (or ``--ruleset``) seeded as ``benchmarks/batch.py``'s
``make_table`` does (seed 7: 0..40 votes per category, never an empty ballot, labels uniform,
every bool True with probability 0.2). Each round evaluates every record (untimed) and then times
``result.explain(LANG)`` on each fresh result, the first explanation a result gives: the
reference evaluator runs again for the trace, as it does for the report and ``evalrules explain``.

``--baseline SRC`` runs the same measurement with ``PYTHONPATH=SRC`` (another checkout's ``src``,
beside its ``grammars``: ``mkdir /tmp/base && git archive COMMIT src grammars | tar -x -C
/tmp/base``) in the same run: every round measures both, each in its own fresh interpreter, in
an order rotated from round to round, so a burst of load elsewhere slows both alike. Reported:
CPU microseconds per record (this process's CPU time, which load elsewhere disturbs less than
wall time; median of the rounds) and the ratio to the baseline ("1.0×": as fast). Speed is
reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rulesets" / "fanwen9" / "team-city.rules"


def records(rules: Path, count: int) -> list[dict]:
    """``count`` records of ``rules``, seeded (see the module's docstring)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from batch import make_table

    from evalrules.columns import input_columns
    from evalrules.io import record_of

    ruleset, table = make_table(count, rules=rules)
    columns = input_columns(ruleset.checked)
    return [record_of(row, columns) for row in table.to_pylist()]


def one_round(rules: Path, count: int, lang: str) -> float:
    """Seconds per record of the first ``explain(lang)`` of fresh results."""
    import evalrules

    ruleset = evalrules.load(rules)
    data = records(rules, count)
    for result in ruleset.evaluate_many(data[:50]):  # first-use costs: generated code, imports
        result.explain(lang)
    results = list(ruleset.evaluate_many(data))
    start = time.process_time()
    for result in results:
        result.explain(lang)
    return (time.process_time() - start) / count


def _child(src: str | None, args: argparse.Namespace) -> float:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    out = subprocess.run([sys.executable, __file__, "--child", "--records", str(args.records),
                          "--ruleset", str(args.ruleset), "--lang", args.lang],
                         env=env, capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--ruleset", type=Path, default=RULES)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--baseline", metavar="SRC", help="another evalrules' src directory")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(one_round(args.ruleset.resolve(), args.records, args.lang))
        return
    contestants = {"this checkout": os.environ.get("PYTHONPATH") or str(ROOT / "src")}
    if args.baseline:
        contestants["baseline"] = str(Path(args.baseline).resolve())
    times: dict[str, list[float]] = {name: [] for name in contestants}
    names = list(contestants)
    for i in range(args.repeat):
        for name in names[i % len(names):] + names[:i % len(names)]:
            times[name].append(_child(contestants[name], args))
    print(f"{args.ruleset}, {args.records:,} records, explain({args.lang!r}), "
          f"median of {args.repeat} rounds\n")
    print("| contestant | src | µs per record | ÷ baseline |")
    print("|---|---|---:|---:|")
    base = statistics.median(times["baseline"]) if "baseline" in times else None
    for name in names:
        median = statistics.median(times[name])
        ratio = f"{median / base:.2f}×" if base else ""
        print(f"| {name} | {contestants[name]} | {median * 1e6:.0f} | {ratio} |")
    rounds = {n: [round(t * 1e6) for t in ts] for n, ts in times.items()}
    print("\nrounds (µs):", json.dumps(rounds))


if __name__ == "__main__":
    main()
