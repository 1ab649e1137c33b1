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

from ..diagnostics import DataError, EvalRulesError
from ..io import MissingDependency, OutputError, own_columns, require_format, write_results
from ..messages import say
from ._shared import (
    Failed,
    data_options,
    grade,
    load_ruleset,
    load_sheet,
    missing_hint,
    percent,
    print_table,
)


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
        ruleset = load_ruleset(args.ruleset)
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
            write_results(args.output, graded, source=args.data, exact=args.exact)
        except OutputError as e:
            print(f"evalrules: {say(e.key, lang, **e.values)}", file=sys.stderr)
            return 2
        except (OSError, ValueError, EvalRulesError) as e:
            print("evalrules: " + say("write.failed", lang, path=args.output, reason=e),
                  file=sys.stderr)
            return 2
    summary(graded)
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


def summary(graded) -> None:
    ruleset, total = graded.ruleset, len(graded)
    ok = total - graded.failed
    print(f"{ruleset.title or ruleset.name}: {total} records, {ok} graded, "
          f"{graded.failed} with errors\n")
    for name, counter in graded.counts().items():
        rows = [[label, str(counter[label]), percent(counter[label], ok)]
                for label in ruleset.grades[name]]
        print_table(name, ("等次 grade", "人数 count", "占比 share"), rows, right=(1, 2))
        print()
    for attribute, title in (("vetoes", "一票否决 vetoes"), ("outcomes", "结果运用 outcomes")):
        tally = graded.tally(attribute)
        if tally:
            print_table(title, ("", "人数 count"), [[k, str(v)] for k, v in tally.items()],
                        right=(1,))
            print()
    if graded.unused:
        print(f"columns the ruleset does not use (kept as they are): {', '.join(graded.unused)}")
    hint = missing_hint(graded)
    if hint:
        print(hint)
    if graded.failed:
        bad = [(i, e) for i, e in enumerate(graded.errors, 1) if e is not None]
        print(f"rows with errors ({len(bad)}; data rows counted from 1 below the header):")
        for i, error in bad[:10]:
            print(f"  row {i}: {error}")
        if len(bad) > 10:
            print(f"  … and {len(bad) - 10} more (see the error column with -o)")
