"""``evalrules eval``: read a data file (:func:`load_sheet`), grade it (:mod:`grading`), write it
with its results (:func:`io.write_results`) and print a summary; streamed runs go to
:mod:`commands._stream`.

What ``--help`` says is ``help.eval*`` in :mod:`evalrules.helptext`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..diagnostics import DataError, EvalRulesError, closest
from ..grading import Graded
from ..io import MissingDependency, OutputError, own_columns, require_format, write_results
from ..messages import say
from ._shared import (
    Failed,
    data_options,
    grade,
    load_ruleset,
    load_sheet,
    percent,
    print_table,
)

#: Rows with errors the summary lists (the error column of -o has them all).
SHOWN = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", type=Path, metavar="RULESET")
    parser.add_argument("data", type=Path, metavar="DATA")
    parser.add_argument("-o", "--output", type=Path, metavar="OUT")
    data_options(parser)
    parser.add_argument("--in-place", action="store_true")
    parser.add_argument("--exact", action="store_true")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--stream", action="store_true")


def run(args: argparse.Namespace) -> int:
    from . import _stream

    lang = args.lang
    refused = output_refused(args, lang)
    if refused is not None:
        print(f"evalrules: {refused}", file=sys.stderr)
        return 2
    if _stream.wanted(args):  # Parquet, or a large CSV: batch by batch, out of core
        return _stream.run(args)
    try:
        if args.output is not None:
            require_format(args.output, args.data)
        ruleset = load_ruleset(args.ruleset, args.lang)
        sheet = load_sheet(args.data, ruleset, sheet=args.sheet, encoding=args.encoding,
                           lang=lang)
        if args.output is not None:  # before grading: a column named like a result
            own_columns(sheet.columns, ruleset.checked)
    except OutputError as e:
        print(f"evalrules: {say(e.key, lang, **e.values)}", file=sys.stderr)
        return 2
    except (DataError, MissingDependency) as e:
        print(f"evalrules: {e}", file=sys.stderr)
        return 2
    except Failed as e:
        print(e, file=sys.stderr)
        return e.status
    graded = grade(ruleset, sheet, progress=not args.no_progress)
    if args.output is not None:
        try:
            write_results(args.output, graded, source=args.data, exact=args.exact,
                          lang=lang)
        except OutputError as e:
            print(f"evalrules: {say(e.key, lang, **e.values)}", file=sys.stderr)
            return 2
        except (OSError, ValueError, EvalRulesError) as e:
            print("evalrules: " + say("write.failed", lang, path=args.output, reason=e),
                  file=sys.stderr)
            return 2
    summary(graded, lang)
    if args.output is not None:
        print("\n" + say("write.written", lang, path=args.output, rows=len(graded)))
        if args.exact and Path(args.output).suffix.lower() == ".csv":
            print(say("write.exact_csv", lang, path=args.output))
    return 1 if graded.failed else 0


def output_refused(args: argparse.Namespace, lang: str) -> str | None:
    """Why ``-o`` cannot be written, said before anything is read: it names the data file
    without ``--in-place`` (or ``--in-place`` on a streamed run). ``--in-place`` alone sets
    ``args.output`` to the data file."""
    from . import _stream

    if args.in_place and args.output is None:
        args.output = args.data
    if args.output is None or not same_file(Path(args.output), Path(args.data)):
        return None
    if not args.in_place:
        return say("write.same_file", lang, path=args.output)
    if _stream.wanted(args):
        return say("write.in_place_stream", lang, path=args.output)
    return None


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (the same resolved path, or a link to it)."""
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def summary(graded: Graded, lang: str) -> None:
    """The run's summary on stdout: how many records, each grade table's distribution, the
    vetoes and outcomes, the columns not used or missing, and the first rows with errors, each
    by its row in the file."""
    ruleset, total = graded.ruleset, len(graded)
    ok = total - graded.failed
    print(say("summary.head", lang, title=ruleset.title or ruleset.name, total=total, graded=ok,
              failed=graded.failed) + "\n")
    headers = [say(k, lang) for k in ("summary.grade", "summary.count", "summary.share")]
    for name, counter in graded.counts().items():
        rows = [[label, str(counter[label]), percent(counter[label], ok)]
                for label in ruleset.grades[name]]
        print_table(name, headers, rows, right=(1, 2))
        print()
    for attribute in ("vetoes", "outcomes"):
        tally = graded.tally(attribute)
        if tally:
            print_table(say(f"summary.{attribute}", lang), ("", headers[1]),
                        [[k, str(v)] for k, v in tally.items()], right=(1,))
            print()
    listed = say("summary.list", lang)
    if graded.unused:
        print(say("summary.unused", lang, columns=listed.join(graded.unused)))
    if graded.missing:
        print(say("summary.missing", lang, columns=listed.join(graded.missing)))
        for name in graded.missing:
            close = closest(name, graded.unused)
            if close:
                print(say("summary.did_you_mean", lang, name=name, column=close))
    if graded.failed:
        texts = graded.error_texts(lang)
        bad = [i for i, e in enumerate(graded.errors) if e is not None]
        print(say("summary.errors", lang, count=len(bad)))
        for i in bad[:SHOWN]:
            print(say("summary.error_row", lang, row=graded.sheet.rows[i], error=texts[i]))
        if len(bad) > SHOWN:
            print(say("summary.more", lang, count=len(bad) - SHOWN))
        warnings = graded.group_warnings()
        if warnings:  # never a silently smaller group: name each (docs/language.md)
            print("\n" + say("summary.group_warnings", lang, count=len(warnings)))
            for warning in warnings:
                print(say("summary.group_warning", lang, warning=warning))
