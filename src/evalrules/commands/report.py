"""``evalrules report``: grade a data file (:mod:`grading`), find the records near a line
(:func:`report.near_the_line`) and write the page (:func:`report.render`).

What ``--help`` says is ``help.report*`` in :mod:`evalrules.helptext`.
"""

from __future__ import annotations

import argparse
import gc
import re
import shlex
import sys
from datetime import datetime
from pathlib import Path

from ..diagnostics import GroupRulesError, closest
from ..messages import say
from ..report import near_the_line, render
from ..report.page import own_columns
from ._shared import Failed, data_options, grade, load_ruleset, load_sheet


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", type=Path, metavar="RULESET")
    parser.add_argument("data", type=Path, metavar="DATA")
    data_options(parser)
    parser.add_argument("-o", "--output", type=Path, metavar="OUT", required=True)
    parser.add_argument("--by", metavar="COLUMN")


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    try:
        ruleset = load_ruleset(args.ruleset, args.lang)
        sheet = load_sheet(args.data, ruleset, sheet=args.sheet, encoding=args.encoding,
                           lang=args.lang)
    except Failed as e:
        print(e, file=sys.stderr)
        return e.status
    if args.by is not None and args.by not in sheet.columns:
        close = closest(args.by, sheet.columns)
        hint = say("report.did_you_mean", lang, name=close) if close else ""
        print(say("report.no_column", lang, column=args.by, hint=hint,
                  columns=say("report.separator", lang).join(sheet.columns)), file=sys.stderr)
        return 2
    # The sheet and its results live until the page is written: moving them out of the
    # collector's sight spares a full collection every few thousand new objects (a third of
    # the time of 10^5 records).
    gc.freeze()
    graded = grade(ruleset, sheet)
    gc.freeze()
    try:
        near = near_the_line(graded)
    except GroupRulesError:
        near = None
    own = own_columns(graded)
    # explain's --id looks in the first column unless told: name the column only when needed
    which = ("--row …" if not own else "--id …" if own[0] == sheet.columns[0]
             else f"--id-column {_quote(own[0])} --id …")
    command = f"evalrules explain {_quote(str(args.ruleset))} {_quote(str(args.data))} {which}"
    # The page is built from a few hundred thousand small lists, none in a cycle: collecting
    # while they pile up would take longer than building them.
    gc.disable()
    try:
        page = render(graded, near, data_name=args.data.name, by=args.by, lang=lang,
                      generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
                      explain_command=command)
    finally:
        gc.enable()
    try:
        args.output.write_text(page, encoding="utf-8")
    except OSError as e:
        print(say("report.cannot_write", lang, path=args.output, error=e), file=sys.stderr)
        return 2
    print(say("report.written", lang, path=args.output, total=len(graded),
              graded=len(graded) - graded.failed, failed=graded.failed,
              near=len(near) if near is not None else "–"))
    return 1 if graded.failed else 0


def _quote(word: str) -> str:
    """A word as a shell reads it: 编号 and plain paths as they are, others quoted."""
    return word if re.fullmatch(r"[\w./:@%+=,-]+", word) else shlex.quote(word)
