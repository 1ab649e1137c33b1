"""Grade every record of a data file and print a summary of the grades.

DATA is .csv, .json or .jsonl; ballots are ``BALLOT.CATEGORY`` columns. With ``-o OUT`` every row
is written back with its results added (each named value, ``vetoes``, ``outcomes``, ``error``).
Exit status 1 when some rows could not be graded: they keep their error, every other row is
graded.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from .. import ast
from ..diagnostics import EvalRulesError, InputError, RulesetError
from ..io import input_columns, read_rows, record_of, write_rows
from ..ruleset import Ruleset, load
from ..values import json_value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", type=Path, metavar="RULESET")
    parser.add_argument("data", type=Path, metavar="DATA",
                        help=".csv, .json or .jsonl; ballots as BALLOT.CATEGORY columns")
    parser.add_argument("-o", "--output", type=Path, metavar="OUT",
                        help="write the graded rows here (.csv, .json or .jsonl)")


def output_names(ruleset: Ruleset) -> list[str]:
    """The result columns: every named value but inputs, params, vetoes and outcomes."""
    checked = ruleset.checked
    names = []
    for name, decl in checked.definitions.items():
        if isinstance(decl, (ast.Veto, ast.Outcome)):
            continue
        names.append(name)
        if isinstance(decl, ast.Sheet):
            names.extend(k for k in checked.items if k.startswith(name + "."))
    return names


def run(args: argparse.Namespace) -> int:
    try:
        ruleset = load(args.ruleset)
        records = list(read_rows(args.data))
    except RulesetError as e:
        print(e, file=sys.stderr)
        return 1
    except (OSError, ValueError) as e:
        print(f"evalrules: {e}", file=sys.stderr)
        return 2
    columns = input_columns(ruleset)
    names = output_names(ruleset)
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
    if args.output is not None:
        try:
            write_rows(args.output, rows)
        except (OSError, EvalRulesError) as e:
            print(f"evalrules: cannot write {args.output}: {e}", file=sys.stderr)
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
