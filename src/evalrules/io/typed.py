"""Cells of a data file → typed Arrow columns for the vectorized backend, and the cells that must
take the per-row reading instead.

``evalrules eval`` reads a cell by the kind of its column (:func:`evalrules.io.record_of`, then
:func:`evalrules.values.coerce_record`), a record at a time. Here the same cells are read column by
column where the reading is plain:

- ``count`` (a ballot's category): text of 1 to 15 digits, an int ≥ 0, a whole float ≥ 0 below
  2^53 → int64;
- ``number``: text ``-?DIGITS(.DIGITS)?`` of at most 15 significant digits, an int of magnitude at
  most 2^53, a finite float → float64; ``integer`` the same when whole (``3``, ``3.00``, ``3.0``);
- ``bool``: a yes/no word as :func:`evalrules.backends.table_in.yes_no_cells` reads it (the
  vocabulary every backend reads), a bool, a number 0 or 1;
- ``category`` and ``text``: text, as it is.

Text is read with the spaces around it trimmed, as the per-row reading trims them; a blank cell
(None, or spaces only) is null, a missing value. Every other cell is *odd*: null in the typed
column, its row marked, to be read per row with the cell as ``record_of`` gives it (``80%``,
``1/3``, ``８０``, 20 digits, ``yes``, a bool in a number column, a whole ballot, a history).

Why exactly these. A typed cell must mean what the per-row reading makes of it: a float64 stands
for its shortest decimal (``repr``), which is the decimal written when it has at most 15
significant digits, and that is how the vectorized backend and :func:`evalrules.values.to_number`
read a float. A row the backend finds doubtful is evaluated again by the reference from the typed
values, so a typed value must also fail with the text the cell would: each typed value either
cannot fail to read (a count ≥ 0, a whole integer, a yes/no) or fails naming the number only (``=
120 is outside 0..100``), never the cell as written. ``3.5`` for an integer input (``must be a
whole number, not '3.5'``) is therefore odd. Arrow's whitespace and lower case are Python's
``str.strip`` and ``str.lower`` for every character a yes/no word or a number is made of
(tests/test_grading.py checks them over every code point).

Imports numpy, pyarrow, :mod:`columns` and :mod:`backends.table_in`:
:func:`evalrules.grading.grade` and :mod:`evalrules.dataset` import this module when they use it,
never ``import evalrules``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..backends.table_in import yes_no_cells
from ..check import Checked
from ..columns import input_columns

_INT = r"^[0-9]{1,15}$"
_DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
_WHOLE = r"^-?[0-9]+(\.0+)?$"  # an integer input's plain cell (3.5 is read, and refused, per row)
#: Each kind with a typed reading → the Arrow type its column is read as.
TYPES = {"count": pa.int64(), "number": pa.float64(), "integer": pa.float64(),
         "bool": pa.bool_(), "category": pa.string(), "text": pa.string()}
#: A float or int at most this large (in magnitude) is a float64 exactly.
_EXACT_FLOAT = 2.0**53
_INT64 = (-(2**63), 2**63 - 1)


def read_cells(checked: Checked, batch: pa.RecordBatch
               ) -> tuple[pa.RecordBatch, np.ndarray | None, pa.RecordBatch]:
    """A CSV batch's text cells: ``(typed, odd, per_row)``. ``typed``: the plain cells read by
    kind (see the module doc), null elsewhere; ``odd`` marks the rows with an odd cell (None when
    there is none). ``per_row``: the cells as :func:`evalrules.io.record_of` gives them to the
    reference, for the odd rows (a yes/no column with odd cells is a dense union of bools and
    text: ``True`` where the cell said ``是``, ``'yes'`` for ``yes``)."""
    kinds = input_columns(checked)
    typed, per_row = [], []
    odd: np.ndarray | None = None
    for name, col in zip(batch.schema.names, batch.columns, strict=True):
        kind = kinds.get(name)
        if kind is not None and pa.types.is_string(col.type) and len(col):
            text, read, unread = read_text(col, kind)
            typed.append(read)
            if unread is None:
                per_row.append(read if kind == "bool" else text)
                continue
            odd = unread if odd is None else odd | unread
            per_row.append(text if kind != "bool" else pa.UnionArray.from_dense(
                pa.array(unread.astype(np.int8)), pa.array(np.arange(len(col), dtype=np.int32)),
                [read, text], ["read", "text"]))
        else:
            typed.append(col)
            per_row.append(col)
    names = batch.schema.names
    return (pa.RecordBatch.from_arrays(typed, names=names), odd,
            pa.RecordBatch.from_arrays(per_row, names=names))


def read_text(col: pa.Array, kind: str) -> tuple[pa.Array, pa.Array, np.ndarray | None]:
    """A text column: (the text, blanks as nulls; the cells read for the kind, null where not
    plain; the rows with a cell that is present but not plain, or None)."""
    trimmed = pc.utf8_trim_whitespace(col)
    blank = pc.equal(trimmed, "")
    if pc.any(blank).as_py():  # a cell of spaces is a missing value too
        col = pc.if_else(blank, pa.scalar(None, col.type), col)
        trimmed = pc.if_else(blank, pa.scalar(None, col.type), trimmed)
    if kind == "bool":
        read = yes_no_cells(trimmed)
    elif kind == "count":
        read = pc.cast(pc.if_else(pc.match_substring_regex(trimmed, _INT), trimmed, None),
                       pa.int64())
    elif kind in ("number", "integer"):
        plain = pc.match_substring_regex(trimmed, _DECIMAL if kind == "number" else _WHOLE)
        digits = pc.utf8_length(pc.replace_substring_regex(
            pc.replace_substring_regex(trimmed, r"[-.]", ""), r"^0+", ""))
        plain = pc.and_(plain, pc.less_equal(digits, 15))  # so the float is the decimal
        read = pc.cast(pc.if_else(plain, trimmed, None), pa.float64())
    else:  # labels as they are (the backend sends one it does not know to the per-row path)
        return col, col, None
    if read.null_count == col.null_count:
        return col, read, None
    return col, read, pc.and_(pc.is_valid(col), pc.is_null(read)).to_numpy(zero_copy_only=False)


def read_lists(checked: Checked, cells: Mapping[str, Sequence]
               ) -> tuple[dict[str, pa.Array], dict[str, np.ndarray]]:
    """A sheet's cells (column → a list of text, numbers, bools, None, …, as a reader gives them):
    ``(typed, odd)``. ``typed``: each input column with a typed reading, read as the module doc
    says (null where a cell is blank or odd); ``odd``: each column with odd cells → which. The
    sheet's other columns are not the ruleset's and are left out. A column holding whole ballots
    makes every cell odd: the per-row reading decides what such a record means."""
    kinds = input_columns(checked)
    typed: dict[str, pa.Array] = {}
    odd: dict[str, np.ndarray] = {}
    for name, column in cells.items():
        kind = kinds.get(name)
        if kind is None:
            continue
        if kind == "ballot":
            odd[name] = np.ones(len(column), dtype=bool)
            continue
        read, unread = read_list(column, kind)
        if read is not None:
            typed[name] = read
        if unread is not None:
            odd[name] = unread
    return typed, odd


def read_list(cells: Sequence, kind: str) -> tuple[pa.Array | None, np.ndarray | None]:
    """One column of cells of any Python type: (the typed column, or None for a kind without a
    typed reading; which cells are odd, or None)."""
    n = len(cells)
    if kind not in TYPES:
        present = np.fromiter((not _blank(v) for v in cells), dtype=bool, count=n)
        return None, present if present.any() else None
    target = TYPES[kind]
    text = _all_text(cells)
    if text is not None:  # a CSV's column: no need to sort the cells by type
        _, read, unread = read_text(text, kind)
        return read.cast(target), unread
    types = set(map(type, cells)) - {type(None)}
    parts: list[pa.Array] = []
    odd = np.zeros(n, dtype=bool)
    for t in types:
        part = cells if len(types) == 1 else [v if type(v) is t else None for v in cells]
        if t is str:
            _, read, unread = read_text(pa.array(part, pa.string()), kind)
        elif t is float:
            read, unread = _numbers(pa.array(part, pa.float64()), kind)
        elif t is int:
            read, unread = _numbers(_int64(part, odd), kind)
        elif t is bool and kind == "bool":
            read, unread = pa.array(part, pa.bool_()), None
        else:  # a bool for a number, a number for a label, a Decimal, a list, a dict…
            odd |= np.fromiter((type(v) is t for v in cells), dtype=bool, count=n)
            continue
        parts.append(read.cast(target))
        if unread is not None:
            odd |= unread
    if not parts:
        typed = pa.nulls(n, target)
    elif len(parts) == 1:
        typed = parts[0]
    else:
        typed = pc.coalesce(*parts)
    return typed, odd if odd.any() else None


def _all_text(cells: Sequence) -> pa.Array | None:
    """The cells as an Arrow text column when every one is text or None (Arrow infers ``binary``
    where there are bytes, which are no cell of text), else None."""
    try:
        text = pa.array(cells)
    except (pa.ArrowException, OverflowError):  # a number, a huge one, a list beside text
        return None
    return text if pa.types.is_string(text.type) else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _int64(cells: Sequence, odd: np.ndarray) -> pa.Array:
    """Python ints as int64, null where not an int; one past int64 is null and marked odd."""
    try:
        return pa.array(cells, pa.int64())
    except (OverflowError, pa.ArrowException):
        low, high = _INT64
        big = np.fromiter((type(v) is int and not low <= v <= high for v in cells), dtype=bool,
                          count=len(cells))
        odd |= big
        return pa.array([None if b else v for v, b in zip(cells, big.tolist(), strict=True)],
                        pa.int64())


def _numbers(col: pa.Array, kind: str) -> tuple[pa.Array, np.ndarray | None]:
    """Float or int cells read for the kind (see the module doc): (read, odd cells or None)."""
    valid = pc.is_valid(col).to_numpy(zero_copy_only=False)
    if pa.types.is_integer(col.type):
        values = col.fill_null(0).to_numpy(zero_copy_only=False)
        whole, finite = np.ones(len(col), dtype=bool), np.ones(len(col), dtype=bool)
        small = np.abs(values.astype(np.float64)) <= _EXACT_FLOAT
    else:
        values = col.fill_null(0.0).to_numpy(zero_copy_only=False)
        finite = np.isfinite(values)
        with np.errstate(invalid="ignore"):
            whole = finite & (np.floor(values) == values)
        small = finite & (np.abs(values) < _EXACT_FLOAT)
    with np.errstate(invalid="ignore"):
        if kind == "count":
            ok = whole & (values >= 0) & (small | pa.types.is_integer(col.type))
        elif kind == "number":
            ok = finite & (small | pa.types.is_floating(col.type))
        elif kind == "integer":
            ok = whole & (small | pa.types.is_floating(col.type))
        elif kind == "bool":
            ok = (values == 0) | (values == 1)
        else:
            ok = np.zeros(len(col), dtype=bool)
    ok &= valid
    if kind == "bool":
        read = pa.array(values == 1, mask=~ok)
    elif kind == "count":
        read = pa.array(np.where(ok, values, 0).astype(np.int64), mask=~ok)
    elif kind in ("number", "integer"):
        read = pa.array(np.where(ok, values, 0).astype(np.float64), mask=~ok)
    else:
        read = pa.nulls(len(col), TYPES[kind])
    unread = valid & ~ok
    return read, unread if unread.any() else None
