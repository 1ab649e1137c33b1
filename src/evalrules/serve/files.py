"""Grading a spreadsheet sent whole (``POST /rulesets/NAME/evaluate`` with a CSV or .xlsx
body, or such a file uploaded as a form): the file read as ``evalrules eval`` reads it, graded,
and written back with its result columns as ``evalrules eval -o`` writes it (an .xlsx keeps its
workbook).

The body is written to a private temporary directory, since the readers and writers work on
files; it is removed when the answer is made. Imports :mod:`grading`, :mod:`io`, :mod:`columns`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..columns import input_columns
from ..diagnostics import DataError
from ..grading import grade
from ..io import OutputError, ReadError, read_sheet, write_results
from ..messages import say
from ..ruleset import Ruleset

#: Content types of a spreadsheet body → the file suffix it is read and written as.
SPREADSHEETS = {
    "text/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


class Unreadable(Exception):
    """A file that cannot be read or written back; ``text`` says why in the asked language."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def grade_file(ruleset: Ruleset, body: bytes, suffix: str, lang: str) -> tuple[bytes, int, int]:
    """The graded file's bytes, how many records it holds and how many could not be graded."""
    with tempfile.TemporaryDirectory(prefix="evalrules-serve-") as folder:
        source = Path(folder) / f"upload{suffix}"
        target = Path(folder) / f"graded{suffix}"
        source.write_bytes(body)
        try:
            sheet = read_sheet(source, input_columns(ruleset.checked))
            graded = grade(ruleset, sheet)
            write_results(target, graded, source=source, lang=lang)
        except OutputError as e:  # a column named like a result
            raise Unreadable(say(e.key, lang, **e.values)) from None
        except ReadError as e:
            raise Unreadable(e.text(lang)) from None
        except DataError as e:  # MissingDependency, a library's error: English only
            raise Unreadable(str(e)) from None
        except (OSError, ValueError) as e:  # a library underneath: a broken zip, a bad cell
            raise Unreadable(str(e)) from None
        return target.read_bytes(), len(graded), graded.failed
