"""What the readers and writers of data files share: the formats, the limits on a file, the
optional packages a format needs, the CSV escaping of text a spreadsheet would run, and what a
reader says to a person: a :class:`Note` (something it did) or a :class:`ReadError` (why it
stops), each a message key of :mod:`messages` with its values, said in either language.

Imports :mod:`columns`, :mod:`diagnostics`, :mod:`install` and :mod:`messages` only.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..columns import column_letter, formula_like
from ..diagnostics import DataError, EvalRulesError
from ..install import install_command
from ..messages import Phrase

#: The data file suffixes written; :data:`READ` those read.
FORMATS = (".csv", ".xlsx", ".json", ".jsonl", ".ndjson")
READ = (*FORMATS, ".xls")
#: Limits on what a data file may hold (docs/user-guide.md), so that no file hangs or crashes a
#: run; none is near what a real file needs. JSON: arrays and objects inside each other (a record
#: needs 3). XLSX: a part of the zip may expand at most ``MAX_EXPANSION`` times its compressed
#: size once it is over ``EXPANSION_FROM`` bytes (a sheet saved by Excel expands 5 to 20 times; a
#: "zip bomb" a thousand). CSV: a cell's characters, Python's ``csv.field_size_limit()``.
MAX_NESTING = 32
MAX_EXPANSION = 100
EXPANSION_FROM = 64 << 20
#: How many items of a list a message names before it says "…".
NAMED = 8


#: Something a reader did, or found, that the user should know: a message key of
#: :mod:`evalrules.messages` and the values it names (a tuple is said as a list, another Note in
#: the same language) — a :class:`~evalrules.messages.Phrase`, named for what it is here.
Note = Phrase


class ReadError(DataError):
    """A data file that cannot be read as records. ``note`` says why (a message key and its
    values: :meth:`text` in either language); ``str()`` is the English message, for programs."""

    def __init__(self, key: str, /, **values: object):
        self.note = Note(key, values)
        super().__init__(self.note.text("en"))

    def text(self, lang: str) -> str:
        return self.note.text(lang)

    def __reduce__(self):
        return _read_error, (type(self), self.note.key, dict(self.note.values))


def _read_error(cls: type[ReadError], key: str, values: dict) -> ReadError:
    return cls(key, **values)


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


def short(value: object) -> str:
    """A value as a message quotes it: its repr, cut at 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def named(items: Iterable[object], limit: int = NAMED) -> tuple[str, ...]:
    """The first ``limit`` items as a message lists them, with "…" when there are more."""
    texts = [str(i) for i in items]
    return tuple(texts[:limit] + (["…"] if len(texts) > limit else []))


def spans(numbers: Iterable[int], limit: int = NAMED) -> tuple[str, ...]:
    """Row numbers as a message names them: runs joined (``3-5``), the first ``limit`` runs."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return named((f"{a}-{b}" if b > a else str(a) for a, b in runs), limit)


def cell_name(row: int, column: int) -> str:
    """A cell as a spreadsheet names it: ``row`` from 1, ``column`` from 0 (``C2``)."""
    return f"{column_letter(column)}{row}"
