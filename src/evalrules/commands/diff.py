"""Compare two rulesets: which records a rule change grades differently.

With --data FILE (.csv, .xlsx, .json, .jsonl): every record is graded by both rulesets, the
changes are counted as transitions (班子等次 较好 → 一般: 37), and every record that changed is
listed by its id and its row in the file, with the old and new value of each value that changed
(grades, vetoes, outcomes, scores; a record one ruleset grades and the other refuses is a change
too). The id is
the --id-column, else a column named 编号, 序号 or ID, else the first column neither ruleset reads.
The terminal shows the first --limit records (default 50); -o FILE (.csv, .xlsx, .json, .jsonl)
writes them all, one row per changed value: id, row, field, old, new, then the record's columns.
--data needs no Hypothesis.

Without --data: both rulesets' boundary records, then a Hypothesis search, give one example per
kind of change — a search, not a proof (docs/testing.md says what it can miss); needs the testing
extra.

With --prove: the z3 solver answers for every record both rulesets accept (docs/verify.md): a
proof that none grades differently, or each kind of change with the regions where it happens, in
the rulesets' own conditions (``20% ≤ 班子差评率 < 30% and 班子状况 is 存在问题``), and its smallest
record (fewest votes) replayed through both reference evaluators, as a ready-to-paste case.
Exit status 1 also when the solver cannot answer (unknown is never a pass); needs the verify
extra.

Records one ruleset grades and the other refuses are differences too, and fields only one
ruleset reads are listed. Exit status 0 when they agree, 1 when they differ (so a CI job can
require "no change") and when a ruleset has errors (as for `evalrules check`), 2 when the data
file cannot be read or holds no record both can grade, -o cannot be written, or --where does not
compile.

example:
  evalrules diff rulesets/fanwen9/team-city.rules new.rules --data 2024.xlsx -o changes.xlsx
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from ..columns import RESULT_COLUMNS, value_columns
from ..compare import (
    ERROR,
    GRADED,
    REFUSED,
    Comparison,
    FieldChange,
    Key,
    compare,
    input_notes,
    project,
    show,
)
from ..diagnostics import DataError, EvalRulesError, InputError, RulesetError
from ..install import install_command
from ..io import MissingDependency, Sheet, require_format, write_rows
from ..messages import say
from ..ruleset import Ruleset
from ._shared import Failed, data_options, load_ruleset, load_sheet

#: Changed records the terminal shows unless --limit says otherwise.
LIMIT = 50


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, metavar="OLD")
    parser.add_argument("new", type=Path, metavar="NEW")
    parser.add_argument("--data", type=Path, metavar="FILE",
                        help="records to compare on (.csv, .xlsx, .json, .jsonl)")
    data_options(parser)
    parser.add_argument("--id-column", metavar="NAME",
                        help="the column that names a record (default: 编号, 序号 or ID, else "
                        "the first column neither ruleset reads)")
    parser.add_argument("-o", "--output", type=Path, metavar="OUT",
                        help="with --data: write every changed value here (.csv, .xlsx, .json, "
                        ".jsonl)")
    parser.add_argument("--limit", type=int, default=LIMIT, metavar="N",
                        help=f"with --data: list at most N changed records (default {LIMIT})")
    parser.add_argument("--examples", type=int, default=500, metavar="N",
                        help="Hypothesis examples per search round (default 500)")
    parser.add_argument("--seed", type=int, default=None, help="Hypothesis seed")
    parser.add_argument("--explain", action="store_true",
                        help="explain each example (each listed record) under both rulesets")
    parser.add_argument("--where", metavar="CONDITION",
                        help="ignore records where this condition (old ruleset's names) holds")
    parser.add_argument("--prove", action="store_true",
                        help="prove with the z3 solver, for every record: no difference, or "
                        "each kind of change with its region and smallest record")
    parser.add_argument("--max-regions", type=int, default=8, metavar="N",
                        help="with --prove: list at most N regions per kind of change "
                        "(default 8)")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="with --prove: how long one question may take before its answer "
                        "is unknown (default 10)")


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    if args.prove:
        return _prove(args, lang)
    if args.data is None:
        return _search(args, lang)
    try:
        if args.output is not None:
            require_format(args.output)
        old, new = load_ruleset(args.old, args.lang), load_ruleset(args.new, args.lang)
        sheet = load_sheet(args.data, old, new, sheet=args.sheet, encoding=args.encoding,
                           lang=lang)
        _check_columns(sheet, old, new, args, lang)
    except (DataError, MissingDependency) as e:
        print(f"evalrules: {e}", file=sys.stderr)
        return 2
    except Failed as e:
        print(e, file=sys.stderr)
        return e.status
    try:
        comparison = compare(old, new, sheet, where=args.where, id_column=args.id_column)
    except RulesetError as e:  # only --where is compiled here: bad usage
        print(f"{e}\n\nevalrules: {say('diff.bad_where', lang, where=args.where, path=args.old)}",
              file=sys.stderr)
        return 2
    if len(comparison.refused) == len(sheet):
        print("evalrules: " + say("diff.none_compared", lang, path=args.data, total=len(sheet),
                                  reason=_why_refused(comparison, lang)), file=sys.stderr)
        return 2
    print(report(comparison, lang, limit=max(args.limit, 0), output=args.output,
                 explain=args.explain))
    if args.output is not None:
        rows = changes_rows(comparison, lang)
        try:
            write_rows(args.output, rows)
        except (OSError, ValueError, EvalRulesError) as e:
            print(f"evalrules: cannot write {args.output}: {e}", file=sys.stderr)
            return 2
        print("\n" + say("diff.written", lang, path=args.output, count=len(comparison.changed),
                         rows=len(rows)))
    return 1 if comparison else 0


def _check_columns(sheet: Sheet, old: Ruleset, new: Ruleset, args: argparse.Namespace,
                   lang: str) -> None:
    """Before any grading: the records are there, --id-column is a column, and -o's own
    columns are free."""
    if not len(sheet):
        raise Failed("evalrules: " + say("diff.no_records", lang, path=args.data))
    if args.id_column is not None and args.id_column not in sheet.columns:
        raise Failed("evalrules: " + say("diff.no_id_column", lang, path=args.data,
                                         column=args.id_column,
                                         columns=say("diff.list", lang).join(
                                             map(str, sheet.columns))))
    if args.output is not None:
        written = set(_own_columns(sheet, old, new))
        for column in _headers(lang):
            if column in written:
                raise Failed("evalrules: " + say("diff.column_taken", lang, path=args.data,
                                                 column=column))


def _missing(comparison: Comparison, lang: str) -> list[str]:
    """The columns each ruleset needs and the file lacks (each refuses every record then)."""
    return [say("diff.missing", lang, ruleset=g.ruleset.name,
                columns=say("diff.list", lang).join(g.missing))
            for g in (comparison.old, comparison.new) if g.missing]


def _why_refused(comparison: Comparison, lang: str) -> str:
    """Why no record could be compared: the columns a ruleset lacks, else the first error."""
    parts = _missing(comparison, lang)
    if parts:
        return say("diff.joiner", lang).join(parts)
    i = comparison.refused[0]
    return say("diff.first_error", lang, row=comparison.sheet.rows[i],
               error=comparison.old.errors[i])


# ---------------------------------------------------------------- the terminal

def value_text(value: object, lang: str) -> str:
    """A value as the terminal shows it: 是/否, exact numbers, （无） for none."""
    if value is None:
        return say("diff.none", lang)
    if isinstance(value, bool):
        return say("diff.yes" if value else "diff.no", lang)
    return show(value)


def change_text(key: Key, old: str, new: str, lang: str) -> str:
    """A kind of change: ``班子等次 较好 → 一般``, or which ruleset refuses what the other
    grades."""
    name, a, b = key
    if name == REFUSED:
        if a == GRADED:
            return say("diff.refused_by_new", lang, old=old, new=new, rule=b)
        return say("diff.refused_by_old", lang, old=old, new=new, rule=a)
    return say("diff.change", lang, name=name, old=value_text(a, lang), new=value_text(b, lang))


def transition_line(key: Key, count: int, old: str, new: str, lang: str) -> str:
    return say("diff.transition", lang, change=change_text(key, old, new, lang), count=count)


def report(comparison: Comparison, lang: str, *, limit: int = LIMIT,
           output: Path | None = None, explain: bool = False) -> str:
    """What ``evalrules diff --data`` prints: the summary, the transitions, the changed records
    (at most ``limit``) and what was left out."""
    old, new = comparison.old.ruleset.name, comparison.new.ruleset.name
    changed = comparison.changed
    key = "diff.on_data" if changed else "diff.on_data_same"
    lines = [say(key, lang, old=old, new=new, total=len(comparison), differ=len(changed))]
    lines += [say("diff.input", lang, note=note.text(lang)) for note in comparison.inputs]
    lines += ["  " + line for line in _missing(comparison, lang)]
    lines += [transition_line(k, n, old, new, lang) for k, n in comparison.transitions.items()]
    if comparison.refused:
        lines.append(say("diff.both_refuse", lang, count=len(comparison.refused)))
    if comparison.excluded:
        lines.append(say("diff.excluded", lang, count=len(comparison.excluded)))
    if not changed:
        return "\n".join(lines)
    column = comparison.id_column
    lines.append("")
    lines.append(say("diff.list_head", lang, id=say("diff.id_from", lang, column=column))
                 if column is not None else say("diff.list_head_rows", lang))
    shown = changed[:limit]
    ids = [c.id or "" for c in shown]
    rows = [say("diff.row", lang, row=c.row) for c in shown]
    id_width, row_width = max(map(_width, ids), default=0), max(map(_width, rows), default=0)
    for c, ident, row in zip(shown, ids, rows, strict=True):
        fields = say("diff.joiner", lang).join(
            say("diff.change", lang, name=say("diff.error", lang) if f.name == ERROR else f.name,
                old=value_text(old, lang), new=value_text(new, lang))
            for f in c.fields for old, new in [_said(comparison, c.index, f, lang)])
        parts = ([_pad(ident, id_width)] if column is not None else []) + \
            [_pad(row, row_width), fields]
        lines.append("  " + "  ".join(parts))
        if explain:
            for graded in (comparison.old, comparison.new):
                lines += _explained(graded.ruleset.name, graded.result(c.index), lang)
    more = len(changed) - len(shown)
    if more:
        lines.append(say("diff.more_written", lang, count=more, path=output) if output
                     else say("diff.more", lang, count=more))
    return "\n".join(lines)


def _explained(name: str, result, lang: str) -> list[str]:
    if result.error is not None:
        return [say("diff.refuses", lang, ruleset=name, error=result.error)]
    return [say("diff.explained", lang, ruleset=name),
            *("      " + line for line in result.explain(lang).splitlines())]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# ---------------------------------------------------------------- -o

def _headers(lang: str) -> tuple[str, str, str, str]:
    return (say("diff.column.row", lang), say("diff.column.field", lang),
            say("diff.column.old", lang), say("diff.column.new", lang))


def _own_columns(sheet: Sheet, old: Ruleset, new: Ruleset) -> list[str]:
    """The sheet's columns written beside each change (an earlier run's results left out)."""
    results = {*RESULT_COLUMNS, *value_columns(old.checked), *value_columns(new.checked)}
    return [c for c in sheet.columns if c not in results]


def _said(comparison: Comparison, i: int, change: FieldChange, lang: str) -> tuple:
    """A change's old and new value, a record's error said in ``lang`` (the comparison holds
    its English)."""
    if change.name != ERROR:
        return change.old, change.new
    return (comparison.old.error_text(i, lang) if change.old is not None else None,
            comparison.new.error_text(i, lang) if change.new is not None else None)


def changes_rows(comparison: Comparison, lang: str) -> list[dict]:
    """One row per changed value of each changed record: the id column, the row in the file,
    the field, its old and new value, then the record's own columns."""
    sheet, column = comparison.sheet, comparison.id_column
    row_h, field_h, old_h, new_h = _headers(lang)
    own = [c for c in _own_columns(sheet, comparison.old.ruleset, comparison.new.ruleset)
           if c != column]
    out = []
    for c in comparison.changed:
        record = sheet.record(c.index)
        for f in c.fields:
            row: dict = {column: record[column]} if column is not None else {}
            row[row_h] = c.row
            row[field_h] = say("diff.error", lang) if f.name == ERROR else f.name
            row[old_h], row[new_h] = _said(comparison, c.index, f, lang)
            row.update((k, record[k]) for k in own)
            out.append(row)
    return out


# ---------------------------------------------------------------- without data: the search

def _search(args: argparse.Namespace, lang: str) -> int:
    try:
        from ..testing.changes import diff
    except ImportError as e:  # without the testing extra
        print("evalrules: " + say("diff.needs_testing", lang, error=e,
                                      command=install_command("testing")), file=sys.stderr)
        return 2
    try:
        old, new = load_ruleset(args.old, args.lang), load_ruleset(args.new, args.lang)
    except Failed as e:
        print(e, file=sys.stderr)
        return e.status
    try:
        found = diff(old, new, max_examples=args.examples, seed=args.seed, where=args.where)
    except RulesetError as e:  # only --where is compiled here: bad usage
        print(f"{e}\n\nevalrules: {say('diff.bad_where', lang, where=args.where, path=args.old)}",
              file=sys.stderr)
        return 2
    lines = [say("diff.searched" if found else "diff.searched_same", lang, old=old.name,
                 new=new.name)]
    lines += [say("diff.input", lang, note=note.text(lang)) for note in input_notes(old, new)]
    lines += [transition_line(k, n, old.name, new.name, lang) for k, n in found.transitions.items()]
    if found:
        lines += ["", say("diff.examples", lang)]
    for key, records in found.examples.items():
        record = records[0]
        change = change_text(key, old.name, new.name, lang)
        shown = json.dumps(record, ensure_ascii=False, default=show)
        lines.append(say("diff.example", lang, change=change, record=shown))
        for ruleset in (old, new):
            try:
                result = ruleset.evaluate(project(record, ruleset))
            except InputError as e:
                lines.append(say("diff.refuses", lang, ruleset=ruleset.name, error=e))
                continue
            if args.explain:
                lines += _explained(ruleset.name, result, lang)
    print("\n".join(lines))
    return 1 if found else 0


# ---------------------------------------------------------------- --prove: the solver

def _prove(args: argparse.Namespace, lang: str) -> int:
    for option, given in (("--data", args.data is not None), ("-o", args.output is not None),
                          ("--seed", args.seed is not None)):
        if given:
            print("evalrules: " + say("diff.prove.not_with", lang, option=option),
                  file=sys.stderr)
            return 2
    try:
        from ..prove.equivalence import Incomparable, equivalence
        from ..prove.render_diff import text
    except ImportError as e:  # without the verify extra
        print("evalrules: " + say("diff.prove.needs_verify", lang, error=e,
                                      command=install_command("verify")), file=sys.stderr)
        return 2
    try:
        old, new = load_ruleset(args.old, args.lang), load_ruleset(args.new, args.lang)
    except Failed as e:
        print(e, file=sys.stderr)
        return e.status
    try:
        found = equivalence(old, new, where=args.where, max_regions=max(args.max_regions, 1),
                            timeout=max(args.timeout, 0.001))
    except Incomparable as e:
        print("evalrules: " + e.text(lang), file=sys.stderr)
        return 2
    except RulesetError as e:  # only --where is compiled here: bad usage
        print(f"{e}\n\nevalrules: {say('diff.bad_where', lang, where=args.where, path=args.old)}",
              file=sys.stderr)
        return 2
    print(text(found, lang, explain=args.explain))
    return 0 if found.equivalent else 1
