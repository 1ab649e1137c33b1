"""``evalrules explain``: pick one record of a data file (by row or by id), say what it gives and
explain its grade (:meth:`Result.explain`).

What ``--help`` says is ``help.explain*`` in :mod:`evalrules.helptext`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..columns import RESULT_COLUMNS, input_columns, value_columns
from ..io import record_of
from ..messages import say
from ._shared import Failed, data_options, load_ruleset, load_sheet


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", type=Path, metavar="RULESET")
    parser.add_argument("data", type=Path, metavar="DATA")
    data_options(parser)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--row", type=int, metavar="N")
    which.add_argument("--id", metavar="VALUE")
    parser.add_argument("--id-column", metavar="NAME")


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    try:
        ruleset = load_ruleset(args.ruleset, lang)
        sheet = load_sheet(args.data, ruleset, sheet=args.sheet, encoding=args.encoding,
                           lang=lang)
        rows = list(sheet.records())
        index = _pick(rows, sheet.rows, args)
    except Failed as e:
        print(e, file=sys.stderr)
        return e.status
    row = rows[index]
    columns = input_columns(ruleset.checked)
    skip = {*value_columns(ruleset.checked), *RESULT_COLUMNS}  # an earlier run's results
    print(describe({k: v for k, v in row.items() if k not in skip}, sheet.rows[index], columns,
                   lang))
    if not ruleset.checked.groups:
        result = next(ruleset.evaluate_many([record_of(row, columns)]))
    else:  # group rules: the record is graded among all the records of the file
        records = [record_of(r, columns) for r in rows]
        result = list(ruleset.evaluate_many(records))[index]
    if result.error is not None:
        print(say("explain.cmd.cannot", lang, error=result.error.text(lang)))
        return 1
    print(result.explain(lang))
    return 0


def _pick(rows: list[dict], numbers: Sequence[int], args: argparse.Namespace) -> int:
    """The index of the chosen record: ``--row`` is its row in the file (as Excel numbers it, as
    eval, report and diff name it), ``--id`` a value of its ``--id-column``."""
    lang = args.lang
    if not rows:
        raise Failed(say("explain.cmd.no_rows", lang, data=args.data))
    if args.row is not None:
        if args.row not in numbers:
            raise Failed(say("explain.cmd.no_record", lang, row=args.row, data=args.data,
                             first=numbers[0], last=numbers[-1]))
        return list(numbers).index(args.row)
    header = list(rows[0])
    column = args.id_column or header[0]
    if column not in header:
        raise Failed(say("explain.cmd.no_column", lang, column=column, data=args.data,
                         columns=say("explain.list", lang).join(header)))
    found = [i for i, row in enumerate(rows) if _text(row.get(column)) == args.id.strip()]
    if not found:
        raise Failed(say("explain.cmd.no_match", lang, data=args.data, column=column,
                         id=args.id))
    if len(found) > 1:
        raise Failed(say("explain.cmd.several", lang, count=len(found), column=column,
                         id=args.id, rows=say("explain.list", lang).join(
                             str(numbers[i]) for i in found[:10])))
    return found[0]


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def describe(row: dict, number: int, columns: dict[str, str], lang: str) -> str:
    """Who the record is (its own columns) and what it gives, before the explanation."""
    own = [f"{k} {_text(v)}" for k, v in row.items() if k not in columns and _text(v)]
    sep = say("explain.sep", lang)
    lines = [say("explain.cmd.row_of", lang, number=number, who=sep.join(own)) if own
             else say("explain.cmd.row", lang, number=number)]
    ballots: dict[str, list[str]] = {}
    for key, value in row.items():
        kind = columns.get(key)
        if kind == "count":
            ballot, _, category = key.partition(".")
            ballots.setdefault(ballot, []).append(f"{category} {_text(value)}")
        elif kind == "ballot" and isinstance(value, dict):  # JSON: the ballot as one object
            ballots[key] = [f"{c} {_text(n)}" for c, n in value.items()]
        elif kind is not None and kind != "ballot":
            if isinstance(value, bool):
                value = say("explain.yes" if value else "explain.no", lang)
            lines.append(say("explain.cmd.field", lang, name=key,
                             value=_text(value) or say("explain.cmd.empty", lang)))
    for ballot, parts in ballots.items():
        lines.append(say("explain.cmd.field", lang, name=ballot, value=sep.join(parts)))
    return "\n".join(lines) + "\n"
