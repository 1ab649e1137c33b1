"""Grading a sheet column by column: the fast path of :func:`evalrules.grading.grade`.

The sheet's input cells are read into typed Arrow columns (:func:`evalrules.io.typed.read_lists`).
The rows whose cells are all plain are graded together by the vectorized backend
(:meth:`Ruleset.evaluate_table`, which itself sends the rows it finds doubtful to the reference);
the rows with an odd cell are graded one by one by :meth:`Ruleset.evaluate_many`, from records
whose odd cells are what :func:`evalrules.io.record_of` reads and whose plain cells are the typed
values (which mean the same, and fail with the same text: see :mod:`io.typed`). A ruleset with
group rules grades every record among its group: all together by ``evaluate_table`` when no cell
is odd, else all row by row.

The results come back as the Python values a :class:`~evalrules.result.Result` gives (``int`` or
``Fraction``, labels, bools), built once per distinct value of a column and then shared by
reference, so a column of 10^5 shares costs a few hundred ``Fraction`` objects, not 10^5.

Imports numpy and pyarrow, :mod:`io.typed`, :mod:`io.cells` and :mod:`columns`; only
:func:`evalrules.grading.grade` imports this module, and only when it takes this path.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .check import Kind
from .columns import input_columns, value_kind
from .io.cells import cell
from .io.sheet import Sheet
from .io.typed import read_lists
from .values import public

#: Results column by column: each named value's, then vetoes, outcomes and errors (see
#: :class:`evalrules.grading.Graded`).
Columns = tuple[dict[str, list], list[tuple[str, ...]], list[tuple[str, ...]], list[str | None]]


def grade_columns(ruleset, sheet: Sheet, names: list[str],
                  one_by_one: Callable[[list[dict]], Columns]) -> Columns:
    """Every record of the sheet graded (see the module doc): ``names`` are the value columns,
    ``one_by_one`` grades records row by row, results column by column."""
    checked = ruleset.checked
    rows = len(sheet)
    typed, odd = read_lists(checked, sheet.cells)
    marked = np.zeros(rows, dtype=bool)
    for mask in odd.values():
        marked |= mask
    if checked.groups and marked.any():
        each = np.arange(rows)  # a record is graded among its whole group: none left aside
    else:
        each = np.flatnonzero(marked)
    together = np.flatnonzero(_complement(each, rows))
    parts = []
    if together.size:
        table = pa.table({name: col if together.size == rows else col.take(together)
                          for name, col in typed.items()} or {"": pa.nulls(together.size)})
        parts.append((together, _from_table(checked, ruleset.evaluate_table(table), names)))
    if each.size:
        parts.append((each, one_by_one(_records(checked, sheet, typed, odd, each))))
    if len(parts) == 1:
        return parts[0][1]
    return _merged(rows, names, parts)


def _complement(indexes: np.ndarray, rows: int) -> np.ndarray:
    out = np.ones(rows, dtype=bool)
    out[indexes] = False
    return out


def _records(checked, sheet: Sheet, typed: dict[str, pa.Array], odd: dict[str, np.ndarray],
             indexes: np.ndarray) -> list[dict]:
    """The records of some rows: each input column's typed value, its cell as ``record_of``
    reads it where the cell is odd (or the column has no typed reading)."""
    kinds = input_columns(checked)
    take = pa.array(indexes)
    names, columns = [], []
    for name in sheet.columns:
        kind = kinds.get(name)
        if kind is None:
            continue
        cells = sheet.cells[name]
        if name in typed:
            values = typed[name].take(take).to_pylist()
            if name in odd:
                for j in np.flatnonzero(odd[name][indexes]).tolist():
                    values[j] = cell(cells[indexes[j]], kind)
        else:
            values = [cell(cells[i], kind) for i in indexes.tolist()]
        names.append(name)
        columns.append(values)
    if not names:
        return [{} for _ in range(indexes.size)]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _from_table(checked, table: pa.Table, names: list[str]) -> Columns:
    """``evaluate_table``'s result columns as Python values, each distinct value made once:
    conditions as bools, labels as text, numbers (decimal128, or exact text such as ``19/30``)
    as ``int`` or ``Fraction``; a row with an error has None, and no vetoes or outcomes."""
    values = {}
    for n in names:
        col = _array(table.column(n))
        kind = value_kind(checked, n)
        if kind == Kind.BOOL:
            values[n] = col.to_pylist()
        else:
            values[n] = _shared(col, str if kind == Kind.CATEGORY else _number)
    vetoes, outcomes = (_shared(pc.binary_join(_array(table.column(c)), _SEP), _names, ())
                        for c in ("vetoes", "outcomes"))
    return values, vetoes, outcomes, _array(table.column("error")).to_pylist()


#: Joins the names in a row's vetoes (or outcomes) into one text, to be split again: a name of
#: a ruleset never holds it.
_SEP = "\x00"


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split(_SEP)) if text else ()


def _number(value: Decimal | str) -> object:
    return public(Fraction(value))


def _array(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _shared(col: pa.Array, make: Callable, missing: object = None) -> list:
    """The column's values as Python objects: ``make`` of each distinct value, once; ``missing``
    where the column is null."""
    encoded = pc.dictionary_encode(col)
    distinct = encoded.dictionary.to_pylist()
    table = np.fromiter([*map(make, distinct), missing], dtype=object, count=len(distinct) + 1)
    index = encoded.indices.fill_null(len(distinct)).to_numpy(zero_copy_only=False)
    return table[index].tolist()


def _merged(rows: int, names: list[str], parts: list[tuple[np.ndarray, Columns]]) -> Columns:
    """The parts' results, each at its rows."""
    def put(lists: list[list]) -> list:
        out = np.empty(rows, dtype=object)
        for (indexes, _), values in zip(parts, lists, strict=True):
            # fromiter: a tuple of vetoes is one object, not a row of a two-dimensional array
            out[indexes] = np.fromiter(values, dtype=object, count=len(indexes))
        return out.tolist()

    results = [columns for _, columns in parts]
    return ({n: put([c[0][n] for c in results]) for n in names},
            put([c[1] for c in results]), put([c[2] for c in results]),
            put([c[3] for c in results]))
