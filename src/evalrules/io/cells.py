"""A cell of a data file → the value a record gives the ruleset, by the kind of its column.

A spreadsheet cell is text (CSV) or a number, bool or text (XLSX), so reading it needs the
ruleset: a ``bool`` input's cell says ``true``/``false``, ``是``/``否``, ``TRUE``/``FALSE`` or
``1``/``0``, an empty cell is a missing value (the input's default applies), and
``BALLOT.CATEGORY`` columns hold vote counts. Numbers stay as read (text, or an Excel cell's float)
and are read exactly by :mod:`values`: ``"80%"`` is 4/5 and an Excel float is its shortest decimal.
A list of numbers is one cell (``"90, 85, 88"``) or numbered columns (``评委打分.1`` … ``.n``).

Imports :mod:`columns` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..columns import yes_no


def record_of(row: dict, columns: dict[str, str]) -> dict:
    """The record a row gives the ruleset: its input columns (``columns`` as
    :func:`evalrules.columns.input_columns` gives them), with cells read by kind. A list of
    numbers without a column of its own is its :func:`numbered` columns' cells, blanks left out
    (all blank: a missing value)."""
    record = {key: cell(value, columns[key]) for key, value in row.items() if key in columns}
    for name, kind in columns.items():
        if kind == "list" and name not in row:
            items = [row[c] for c in numbered((c for c in row if c not in columns), name)]
            if items:
                record[name] = [v for v in items if cell(v, kind) is not None] or None
    return record


_NUMBER = re.compile(r"\.?([0-9]+)")


def numbered(columns: Iterable[object], name: str) -> list[str]:
    """The columns that give list ``name`` one number each: ``NAME.1`` … ``NAME.n`` (or ``NAME1``
    … ``NAMEn``), in the order of their numbers."""
    found = []
    for column in columns:
        if isinstance(column, str) and column.startswith(name):
            number = _NUMBER.fullmatch(column, len(name))
            if number:
                found.append((int(number.group(1)), column))
    return [column for _, column in sorted(found)]


def cell(value: object, kind: str) -> object:
    """One cell as the record gives it, for a column of this kind (see the module doc)."""
    if kind == "bool" and not isinstance(value, bool) and value in (0, 1):
        return bool(value)  # an Excel 1/0
    if not isinstance(value, str):
        return value
    if value.strip() == "":
        return None
    if kind == "bool":
        read = yes_no(value)
        return value if read is None else read
    return value


