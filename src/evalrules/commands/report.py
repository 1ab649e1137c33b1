"""Grade a data file and write one HTML page to open in any browser, send or print.

The page is a single file that needs no network: the ruleset's title and source, a bar chart of
each grade table's distribution, how many records each veto and outcome applies to, and a table
of every record (your own columns such as 编号 and 单位, its grades, vetoes and outcomes) with its
explanation one click away. The search box filters the table; report.html#q=较差 opens it
filtered. Rows that cannot be graded are shown with their error.

Exit status: 0 written and every row graded, 1 written but some rows have errors (or the
ruleset has errors: nothing written), 2 a file cannot be read or written.

example:
  evalrules report rulesets/fanwen9/team-city.rules examples/team-city.xlsx -o 考核结果.html
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..columns import RESULT_COLUMNS, input_columns, value_columns
from ..report import render
from ._shared import Failed, data_options, grade, load_ruleset, load_sheet


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", type=Path, metavar="RULESET", help="the .rules file")
    parser.add_argument("data", type=Path, metavar="DATA",
                        help="the records: .csv, .xlsx, .json or .jsonl")
    data_options(parser)
    parser.add_argument("-o", "--output", type=Path, metavar="OUT", required=True,
                        help="the page to write, e.g. report.html")


def run(args: argparse.Namespace) -> int:
    try:
        ruleset = load_ruleset(args.ruleset)
        sheet = load_sheet(args.data, ruleset, sheet=args.sheet, encoding=args.encoding,
                           lang=args.lang)
    except Failed as e:
        print(e, file=sys.stderr)
        return e.status
    graded = grade(ruleset, sheet)
    inputs = input_columns(ruleset.checked)
    results_of_earlier_runs = {*value_columns(ruleset.checked), *RESULT_COLUMNS}
    own = [c for c in sheet.columns if c not in inputs and c not in results_of_earlier_runs]
    rows = list(sheet.records())
    results = [None if e is not None else graded.result(i) for i, e in enumerate(graded.errors)]
    page = render(ruleset, rows, results, [e or "" for e in graded.errors], shown_columns=own,
                  data_name=args.data.name, lang=args.lang)
    try:
        args.output.write_text(page, encoding="utf-8")
    except OSError as e:
        print(f"evalrules: cannot write {args.output}: {e}", file=sys.stderr)
        return 2
    print(f"{args.output}: {len(rows)} records, {len(rows) - graded.failed} graded, "
          f"{graded.failed} with errors")
    return 1 if graded.failed else 0
