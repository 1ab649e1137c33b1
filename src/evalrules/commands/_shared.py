"""What several subcommands share: loading a ruleset and a data file with friendly errors, grading
every row, progress and tables with rich when it is installed and plain text when it is not."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path

from .. import grading
from ..columns import input_columns
from ..diagnostics import RulesetError, closest
from ..grading import Graded
from ..io import Note, ReadError, Sheet, numbered, read_sheet
from ..messages import language, say
from ..ruleset import Ruleset, load
from ..values import exact_str

#: Rows at which a progress bar is worth showing (on a terminal).
PROGRESS_FROM = 1000


class Failed(Exception):
    """A command cannot go on; ``status`` is its exit status, the message is for stderr."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def load_ruleset(path: Path, lang: str | None = None) -> Ruleset:
    """The ruleset, or :class:`Failed` (status 1) with its diagnostics and what to run."""
    try:
        return load(path)
    except RulesetError as e:
        raise Failed(f"{e}\n\n" + say("run.ruleset_errors", language(lang), path=path),
                     1) from None


def data_options(parser: argparse.ArgumentParser) -> None:
    """The options saying where a data file's records are: ``--sheet`` (which worksheet of a
    workbook) and ``--encoding`` (a CSV file's encoding); :func:`load_sheet` takes them."""
    parser.add_argument("--sheet", metavar="NAME|N")
    parser.add_argument("--encoding", metavar="NAME")


def load_sheet(path: Path, *rulesets: Ruleset, sheet: str | None = None,
               encoding: str | None = None, lang: str | None = None) -> Sheet:
    """The records of a data file, or :class:`Failed` saying in the user's language why they
    cannot be read. Given rulesets, their columns choose the worksheet and the header, and a file
    in which no record can be graded — none under the header, or a column every record needs
    missing — is :class:`Failed` too (exit status 2), naming the sheets and headers looked at.
    What the reader did (a sheet chosen, rows skipped, cells filled) is said on stderr."""
    lang = language(lang)
    if not path.exists():
        raise Failed("evalrules: " + say("read.no_file", lang, path=path))
    columns = {c for ruleset in rulesets for c in input_columns(ruleset.checked)}
    try:
        found = read_sheet(path, columns or None, sheet=sheet, encoding=encoding)
    except ReadError as e:
        raise Failed("evalrules: " + e.text(lang)) from None
    except OSError as e:
        raise Failed("evalrules: " + say("read.cannot_open", lang, path=path,
                                         reason=e.strerror or e)) from None
    except ValueError as e:  # MissingDependency, and a DataError of a library underneath
        raise Failed(f"evalrules: {e}") from None
    notes = list(found.notes)
    if rulesets:
        _some_record(found, rulesets, lang)
        if found.header_rows:  # a spreadsheet: its header names the columns it holds
            notes += _defaults(found, rulesets)
    for note in notes:
        print(say("read.note", lang, text=note.text(lang)), file=sys.stderr)
    return found


def _needed(sheet: Sheet, ruleset: Ruleset) -> list[str]:
    """The columns every record of this ruleset needs and the sheet lacks."""
    missing: list[str] = []
    for name, f in ruleset.inputs.items():
        if f.kind == "ballot":
            if name not in sheet.columns:  # a JSON record may give the ballot as one object
                missing.extend(c for c in (f"{name}.{c}" for c in f.labels)
                               if c not in sheet.columns)
        elif f.required and name not in sheet.columns and not (
                f.kind == "list" and numbered(sheet.columns, name)):  # 评委打分.1 …
            missing.append(name)
    return missing


def _some_record(sheet: Sheet, rulesets: tuple[Ruleset, ...], lang: str) -> None:
    """:class:`Failed` when no record of the sheet can be graded, saying where the reader
    looked: no record under the header, or a column missing that every record needs."""
    looked = tuple(c.note() for c in sheet.candidates) or (sheet.source,)
    if not len(sheet):
        expected = tuple(c for c in input_columns(rulesets[0].checked)
                         if "." in c or c in rulesets[0].inputs)[:4]
        raise Failed("evalrules: " + Note("read.no_records", {
            "name": sheet.source, "looked": looked, "expected": expected}).text(lang))
    missing = [c for c in _needed(sheet, rulesets[0])
               if all(c in _needed(sheet, r) for r in rulesets[1:])]
    if missing:
        wanted = {c for r in rulesets for c in input_columns(r.checked)}
        unused = [c for c in sheet.columns if c not in wanted]
        hints = [Note("read.did_you_mean", {"name": name, "column": close})
                 for name in missing for close in [closest(name, unused)] if close]
        raise Failed("evalrules: " + Note("read.missing_columns", {
            "name": sheet.source, "missing": tuple(missing), "hints": "".join(
                h.text(lang) for h in hints), "looked": looked}).text(lang))


def _defaults(sheet: Sheet, rulesets: tuple[Ruleset, ...]) -> list[Note]:
    """A note for each input with a default whose column the sheet lacks: every record takes
    the default, which is right only if the file meant to leave it out."""
    notes: dict[str, Note] = {}
    for ruleset in rulesets:
        for name, f in ruleset.inputs.items():
            if f.kind != "ballot" and not f.required and name not in sheet.columns and not (
                    f.kind == "list" and numbered(sheet.columns, name)):
                default = f.default
                if isinstance(default, bool):
                    text = "true" if default else "false"  # as the ruleset writes it
                elif default == ():
                    text = "empty"  # `default empty`, as the ruleset writes it
                elif isinstance(default, (int, Fraction)):
                    text = exact_str(default)
                else:
                    text = str(default)
                notes.setdefault(name, Note("read.default_column",
                                            {"column": name, "default": text}))
    return list(notes.values())


def load_rows(path: Path, *rulesets: Ruleset, sheet: str | None = None,
              encoding: str | None = None, lang: str | None = None) -> list[dict]:
    """The records of a data file as dicts (see :func:`load_sheet`)."""
    return list(load_sheet(path, *rulesets, sheet=sheet, encoding=encoding,
                           lang=lang).records())


def grade(ruleset: Ruleset, sheet: Sheet, *, progress: bool = True) -> Graded:
    """Grade every record of the sheet (:func:`evalrules.grading.grade`), with a progress bar
    on a terminal."""
    def bar(rows: list) -> Iterator:
        return with_progress(rows, "评定 grading", enabled=progress)

    return grading.grade(ruleset, sheet, progress=bar)


# ---------------------------------------------------------------- terminal output

def _rich():
    try:
        import rich
    except ImportError:
        return None
    import rich.console
    import rich.progress
    import rich.table

    return rich


def with_progress(items: list, label: str, *, enabled: bool = True) -> Iterator:
    """Iterate, with a progress bar on stderr for long runs on a terminal."""
    if not enabled or len(items) < PROGRESS_FROM or not sys.stderr.isatty():
        yield from items
        return
    rich = _rich()
    if rich is not None:
        console = rich.console.Console(stderr=True)
        yield from rich.progress.track(items, description=label, console=console,
                                       transient=True)
        return
    step = max(1, len(items) // 20)
    for i, item in enumerate(items, 1):
        yield item
        if i % step == 0 or i == len(items):
            print(f"\r{label}: {i}/{len(items)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def print_table(title: str, headers: Iterable[str], rows: list[list[str]],
                right: Iterable[int] = ()) -> None:
    """A small table on stdout: rich's box when rich is installed, aligned text otherwise."""
    headers, right = list(headers), set(right)
    rich = _rich()
    if rich is not None:
        table = rich.table.Table(title=title, title_justify="left", title_style="bold")
        for i, h in enumerate(headers):
            table.add_column(h, justify="right" if i in right else "left")
        for row in rows:
            table.add_row(*row)
        rich.console.Console(highlight=False).print(table)
        return
    print(title)
    cells = [headers, *rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    for row in cells:
        parts = []
        for i, text in enumerate(row):
            pad = " " * (widths[i] - _width(text))
            parts.append(pad + text if i in right else text + pad)
        print("  " + "  ".join(parts).rstrip())


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def percent(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "–"
