"""What the readers and writers of data files share: the formats, the limits on a file, the
optional packages a format needs, and the CSV escaping of text a spreadsheet would run.

Imports :mod:`columns`, :mod:`diagnostics` and :mod:`install` only.
"""

from __future__ import annotations

from ..columns import column_letter, formula_like
from ..diagnostics import DataError, EvalRulesError
from ..install import install_command

#: The data file suffixes read and written.
FORMATS = (".csv", ".xlsx", ".json", ".jsonl", ".ndjson")
#: Limits on what a data file may hold (docs/user-guide.md), so that no file hangs or crashes a
#: run; none is near what a real file needs. JSON: arrays and objects inside each other (a record
#: needs 3). XLSX: a part of the zip may expand at most ``MAX_EXPANSION`` times its compressed
#: size once it is over ``EXPANSION_FROM`` bytes (a sheet saved by Excel expands 5 to 20 times; a
#: "zip bomb" a thousand). CSV: a cell's characters, Python's ``csv.field_size_limit()``.
MAX_NESTING = 32
MAX_EXPANSION = 100
EXPANSION_FROM = 64 << 20


class MissingDependency(EvalRulesError, ValueError):
    """An optional package a file format needs is not installed."""


def openpyxl():
    """The openpyxl module, or :class:`MissingDependency` saying how to install it."""
    try:
        import openpyxl
    except ImportError:
        raise MissingDependency(
            f"reading and writing .xlsx files needs openpyxl: {install_command('cli')} "
            "(or save the sheet as CSV UTF-8)") from None
    return openpyxl


def unquoted(text: str) -> str:
    """A CSV cell as written before :func:`csv_text` escaped it: ``'=x`` is ``=x`` again."""
    return text[1:] if text.startswith("'") and formula_like(text) else text


def csv_text(text: str) -> str:
    """A text cell as written to CSV: ``'`` before one a spreadsheet would run as a formula."""
    return "'" + text if formula_like(text) else text


def beyond_header(extra: list, width: int, where: str) -> None:
    """A row's cells past the last named column: blank ones are nothing; a value is an error
    (it would be dropped from the output)."""
    for i, value in enumerate(extra):
        if value is not None and not (isinstance(value, str) and not value.strip()):
            raise DataError(f"{where}: column {column_letter(width + i)} holds {short(value)} "
                            "but has no name in the header: name the column, or delete the "
                            "value")


def short(value: object) -> str:
    """A value as a message quotes it: its repr, cut at 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"
