"""Compare two rulesets: which records a rule change grades differently.

With --data FILE (.csv, .json, .jsonl): every record is graded by both and the changes are
counted as transitions (班子等次 较好 → 一般: 37). Without: both rulesets' boundary records, then a
Hypothesis search, give one example per kind of change — a search, not a proof (docs/testing.md
says what it can miss). Records one ruleset grades and the other refuses are differences too, and
fields only one ruleset reads are listed. Exit status 0 when they
agree, 1 when they differ (so a CI job can require "no change") and when a ruleset has errors (as
for `evalrules check`), 2 when the data file cannot be read or --where does not compile. Needs
the testing extra.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..columns import input_columns
from ..diagnostics import RulesetError
from ..io import record_of
from ._shared import Failed, data_options, load_rows, load_ruleset


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, metavar="OLD")
    parser.add_argument("new", type=Path, metavar="NEW")
    parser.add_argument("--data", type=Path, metavar="FILE",
                        help="records to compare on (.csv, .json, .jsonl)")
    data_options(parser)
    parser.add_argument("--examples", type=int, default=500, metavar="N",
                        help="Hypothesis examples per search round (default 500)")
    parser.add_argument("--seed", type=int, default=None, help="Hypothesis seed")
    parser.add_argument("--explain", action="store_true",
                        help="explain each example under both rulesets")
    parser.add_argument("--where", metavar="CONDITION",
                        help="ignore records where this condition (old ruleset's names) holds")


def run(args: argparse.Namespace) -> int:
    try:
        from ..testing.changes import diff
    except ImportError as e:  # pragma: no cover - without the testing extra
        print(f"evalrules diff needs the testing extra ({e}): "
              'pip install "evalrules[testing]"', file=sys.stderr)
        return 2
    try:
        old, new = load_ruleset(args.old), load_ruleset(args.new)
        rows = None if args.data is None else load_rows(
            args.data, old, new, sheet=args.sheet, encoding=args.encoding)
    except Failed as e:
        print(e, file=sys.stderr)
        return e.status
    records = None
    if rows is not None:
        columns = {**input_columns(new.checked), **input_columns(old.checked)}
        records = [record_of(row, columns) for row in rows]
    try:
        result = diff(old, new, records, max_examples=args.examples, seed=args.seed,
                      where=args.where)
    except RulesetError as e:  # only --where is compiled here: bad usage
        print(f"{e}\n\nevalrules: --where {args.where!r} is not a condition of {args.old}",
              file=sys.stderr)
        return 2
    print(result.report(explain=args.explain))
    return 1 if result else 0
