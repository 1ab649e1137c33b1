"""The ``evalrules`` command: ``check`` rulesets and ``eval`` them over a data file.

Exit status: 0 when everything compiled and every row was graded, 1 when a ruleset has errors or
some rows could not be graded (their errors are in the ``error`` column), 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from . import ast
from .diagnostics import EvalRulesError, InputError, RulesetError
from .io import input_columns, read_rows, record_of, write_rows
from .ruleset import Ruleset, load
from .values import json_value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="evalrules", description="Compile assessment rulesets and grade records with them.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_check = sub.add_parser("check", help="compile rulesets and report every problem")
    p_check.add_argument("rulesets", nargs="+", type=Path)
    p_check.add_argument("--format", choices=("text", "json"), default="text")
    p_eval = sub.add_parser("eval", help="grade every record of a data file")
    p_eval.add_argument("ruleset", type=Path)
    p_eval.add_argument("data", type=Path, help=".csv, .json or .jsonl; ballots as B.CATEGORY")
    p_eval.add_argument("-o", "--output", type=Path, help="write the graded rows here")
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.rulesets, args.format)
    return _eval(args.ruleset, args.data, args.output)


def _check(paths: list[Path], fmt: str) -> int:
    status, report = 0, []
    for path in paths:
        try:
            ruleset = load(path)
            diagnostics = ruleset.warnings
        except RulesetError as e:
            diagnostics, status = e.diagnostics, 1
        report.extend(diagnostics)
        if fmt == "text":
            for d in diagnostics:
                print(d, end="\n\n")
            errors = sum(d.severity == "error" for d in diagnostics)
            print(f"{path}: {'ok' if not errors else f'{errors} error(s)'}")
    if fmt == "json":
        print(json.dumps([d.to_dict() for d in report], ensure_ascii=False, indent=1))
    return status


def _output_names(ruleset: Ruleset) -> list[str]:
    checked = ruleset.checked
    names = []
    for name, decl in checked.definitions.items():
        if isinstance(decl, (ast.Veto, ast.Outcome)):
            continue
        names.append(name)
        if isinstance(decl, ast.Sheet):
            names.extend(k for k in checked.items if k.startswith(name + "."))
    return names


def _eval(ruleset_path: Path, data: Path, output: Path | None) -> int:
    try:
        ruleset = load(ruleset_path)
        records = list(read_rows(data))
    except RulesetError as e:
        print(e, file=sys.stderr)
        return 1
    except (OSError, ValueError) as e:
        print(f"evalrules: {e}", file=sys.stderr)
        return 2
    columns = input_columns(ruleset)
    names = _output_names(ruleset)
    counts = {g: Counter() for g in ruleset.grades}
    rows, failed, unused = [], 0, {}
    for record in records:
        row = dict(record)
        unused.update((k, None) for k in record if k not in columns)
        try:
            result = ruleset.evaluate(record_of(record, columns))
        except InputError as e:
            failed += 1
            row.update({n: None for n in names})
            row.update(vetoes="", outcomes="", error=str(e))
        else:
            row.update({n: json_value(result[n]) for n in names})
            row.update(vetoes="、".join(result.vetoes), outcomes="、".join(result.outcomes),
                       error="")
            for grade in counts:
                counts[grade][result[grade]] += 1
        rows.append(row)
    if output is not None:
        try:
            write_rows(output, rows)
        except (OSError, EvalRulesError) as e:
            print(f"evalrules: cannot write {output}: {e}", file=sys.stderr)
            return 2
    print(f"{ruleset.title or ruleset.name}: {len(rows)} records, {len(rows) - failed} graded, "
          f"{failed} with errors")
    for grade, counter in counts.items():
        print(f"\n{grade}")
        for label in ruleset.grades[grade]:
            print(f"  {label}\t{counter[label]}")
    if unused:
        print(f"\ncolumns the ruleset does not use (kept as they are): {', '.join(unused)}")
    if failed:
        first = next(r for r in rows if r["error"])
        print(f"\nfirst error: {first['error']}")
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
