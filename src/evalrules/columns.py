"""How a ruleset maps to the columns of a table, for everything that reads or writes tables:
files (:mod:`io`), the vectorized backend, streaming (:mod:`dataset`), Spark and the commands.

A record's fields are columns: each input by its name, each ballot as one column per category
(``BALLOT.CATEGORY``; a column named after the ballot itself may hold the whole mapping). Any other
column is not the ruleset's (an id, a remark) and is carried along untouched. Results come back as
one column per named value (:func:`value_columns`), then :data:`RESULT_COLUMNS`. A yes/no cell of a
text file is read by :func:`yes_no`, the reading every backend gives a yes/no value
(:func:`evalrules.values.yes_no`).

Imports :mod:`ast`, :mod:`check`, :mod:`diagnostics` and :mod:`values`; no numpy, no pyarrow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from . import ast
from .check import RESULT_COLUMNS, Checked, Kind  # RESULT_COLUMNS: the checker reserves them
from .diagnostics import DataError, UnknownName, did_you_mean
from .values import YES_NO as YES_NO  # the yes/no reading of a cell, which is a value's
from .values import yes_no as yes_no

#: A text cell a spreadsheet would take for a formula (OWASP's "CSV injection") starts with
#: ``= + - @``, a tab or a CR, after any apostrophes that already escape it (so escaping is undone
#: exactly) — unless it is a plain number, sign and all (``-3``, ``+0.5``, ``-80%``, ``-2/3``).
#: RE2 and Python syntax alike: :mod:`dataset` matches them with Arrow, :mod:`io` with ``re``.
FORMULA = r"^'*[=+\-@\t\r]"
PLAIN_NUMBER = r"^'*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?%?$|^'*[+-]?[0-9]+/[0-9]+$"


def formula_like(text: str) -> bool:
    """Whether a text cell is written to CSV with a ``'`` before it (and read without it)."""
    if re.match(FORMULA, text) is None:
        return False
    return re.match(PLAIN_NUMBER, text) is None or text.endswith("\n")  # RE2's $ is the end


def input_columns(checked: Checked) -> dict[str, str]:
    """Every column a record of this ruleset may carry → its kind: ``count`` (a ballot's
    category), ``ballot`` (a whole ballot), ``number``, ``integer``, ``bool``, ``category``,
    ``text``, ``history`` or ``list`` (a list of numbers: one cell, or numbered columns that
    :func:`evalrules.io.record_of` gathers)."""
    columns: dict[str, str] = {}
    for name, categories in checked.ballots.items():
        columns[name] = "ballot"
        columns.update((f"{name}.{c}", "count") for c in categories)
    for name, decl in checked.inputs.items():
        integer = isinstance(decl.type, ast.NumberType) and decl.type.integer
        columns[name] = "integer" if integer else str(checked.types[name].kind)
    return columns


def is_input_column(checked: Checked, name: object) -> bool:
    """Whether a column holds one of the record's fields."""
    if not isinstance(name, str):
        return False
    if name in checked.inputs or name in checked.ballots:
        return True
    ballot, dot, _ = name.partition(".")
    return bool(dot) and ballot in checked.ballots


def value_columns(checked: Checked) -> list[str]:
    """The named values a result table has a column for, in ruleset order."""
    return checked.value_names()


def value_kind(checked: Checked, name: str) -> Kind:
    """The type of a value column: ``number``, ``bool`` or ``category`` (grades too)."""
    kind = checked.types[name].kind
    return kind if kind in (Kind.BOOL, Kind.CATEGORY) else Kind.NUMBER


def selected(checked: Checked, columns: str | Iterable[str] | None) -> list[str]:
    """The value columns ``columns=`` asks for, in the order asked, once each (all when None;
    one name may be given as a string; the result columns are always there and may be named).
    An unknown name is an :class:`UnknownName` with a did-you-mean."""
    names = value_columns(checked)
    if columns is None:
        return names
    if isinstance(columns, str):
        columns = [columns]
    known = set(names)
    wanted: list[str] = []
    for c in columns:
        if c in RESULT_COLUMNS:
            continue
        if c not in known:
            hint = did_you_mean(str(c), names)
            raise UnknownName(f"'{c}' is not a value of {checked.name}, so it cannot be a column"
                              + (f"; {hint}" if hint else ""), name=str(c))
        if c not in wanted:
            wanted.append(c)
    return wanted


def column_letter(index: int) -> str:
    """A spreadsheet's name for the column at ``index`` (0 → A, 25 → Z, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def header_names(cells: Sequence[object], where: str, *, trailing: bool = False) -> list[str]:
    """A header row's column names: a blank cell named by its column letter, as a spreadsheet
    shows it; blank cells at the end name no column unless ``trailing``. A :class:`DataError` when
    the header names a column twice: a record has one value per field, so one of the two columns
    would be lost (or graded in place of the other). ``where`` names the file."""
    names = [c if isinstance(c, str) else "" if c is None else str(c) for c in cells]
    if not trailing:
        while names and not names[-1].strip():
            names.pop()
    names = [n if n.strip() else column_letter(i) for i, n in enumerate(names)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        first = seen.setdefault(name, i)
        if first != i:
            raise DataError(
                f"{where}: the column '{name}' is in the header twice, columns {first + 1} and "
                f"{i + 1} ({column_letter(first)} and {column_letter(i)}): a record has one "
                "value per column, so rename one of them (or delete it)")
    return names
