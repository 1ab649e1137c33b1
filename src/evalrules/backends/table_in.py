"""Reading a table for the vectorized backend: its columns → exact arrays, and the rows that must
take the per-row path instead.

A pyarrow Table is used as is; a polars DataFrame goes through ``.to_arrow()`` (column by column
where one cannot, such as Int128, whose cells are then read as Python values); a pandas DataFrame
through ``pyarrow.Table.from_pandas(preserve_index=False)`` (so NaN and None are null, pandas'
missing value), except an ``object`` column whose cells are of mixed kinds (a numpy bool among
numbers, a Fraction, text among numbers) or one Arrow cannot hold (an int past 64 bits): its cells
are read as the Python values they are, NaN as None, as ``evaluate`` would read them, never as
Arrow's inference would coerce them. Columns are named as :mod:`evalrules.columns`
says; only those the ruleset reads are converted. A null cell is a missing value, as ``None`` is in
a record.

Exactly as :func:`evalrules.values.to_number` reads them: integer columns as they are; a decimal
column (decimal128/256, what databases and Parquet writers produce) as its unscaled integers over
10^scale; a float cell ``x`` as its shortest decimal, the smallest ``k`` ≤ 15 with
``round(x·10^k)/10^k == x`` and ``|x|·10^k < 2^52`` (that decimal is then the only one with ``k``
places that reads back as ``x``, hence ``repr(x)``).

A yes/no column is read as :func:`evalrules.values.to_bool` reads a value: a bool column as it is;
an integer or float column's 1 and 0; a text column's words of :data:`evalrules.values.YES_NO`
(``是``/``否``, ``√``/``×``, ``TRUE``/``FALSE`` in any case, …) between spaces
(:func:`yes_no_cells`).

A date column is read as :func:`evalrules.values.to_date` reads a value, as day numbers (the
plan's dates): Arrow dates as they are, a timestamp without a time zone where it is midnight, ISO
text (``2025-06-30``) that names a real day; any other cell takes the per-row path
(:meth:`Reader.dates`).

A row goes to the per-row path (the reference evaluator reads it, with its errors) when an input
or vote count is not plainly valid: null without a default, a string, NaN, a bool or float where a
count is expected, a negative or fractional vote, an unknown label (also one with surrounding
spaces, which the reference accepts), an out-of-range number, a float without a short decimal, a
uint64 count beyond int64, an unsupported column type, a missing column; a yes/no cell that is no
word of the vocabulary in its plain form (full-width ``ＴＲＵＥ``, which the per-row path reads,
or ``yes``, which it refuses) or a number other than 1 and 0.

Imports numpy and pyarrow, :mod:`plan`, :mod:`columns`, :mod:`values` and
:mod:`backends.rational`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import plan as P
from ..columns import is_input_column
from ..diagnostics import DataError
from ..values import EPOCH, YES_NO, day_number
from . import rational as X
from .rational import MAX, Num


class Cat:
    """A category or grade per row: ids into the batch's label table (int32 array or an int)."""

    __slots__ = ("ids",)

    def __init__(self, ids):
        self.ids = ids


class Labels:
    """Every label the batch has met, each with a small integer id."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids: dict[str, int] = {}

    def id(self, label: str) -> int:
        i = self.ids.get(label)
        if i is None:
            i = self.ids[label] = len(self.names)
            self.names.append(label)
        return i

    def table(self, labels: Sequence[str]) -> np.ndarray:
        return np.array([self.id(x) for x in labels], dtype=np.int32)


def constant(labels: Labels, value):
    """A value known before the batch, as the batch holds it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return Cat(labels.id(value))
    if isinstance(value, datetime.date):  # a date default: its day number
        return Num.const(Fraction(day_number(value)))
    return Num.const(value)


def read_table(checked, table) -> tuple[str, dict, int, object]:
    """(kind, {column: pa.Array or list of Python values}, rows, pandas index or None)."""
    module = type(table).__module__.split(".")[0]
    index = None
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if isinstance(table, pa.Table) or module in ("pandas", "polars"):
        _no_field_twice(checked, table)
    if isinstance(table, pa.Table):
        kind = "pyarrow"
        names = [n for n in table.column_names if is_input_column(checked, n)]
        cols = {n: table.column(n) for n in names}
        rows = table.num_rows
    elif module == "polars":
        kind = "polars"
        names = [n for n in table.columns if is_input_column(checked, n)]
        rows = table.height
        try:
            arrow = table.select(names).to_arrow()
            cols = {n: arrow.column(n) for n in names}
        except _UNCONVERTIBLE:  # e.g. Int128: column by column, the odd ones as Python values
            cols = {}
            for n in names:
                try:
                    cols[n] = table.select([n]).to_arrow().column(n)
                except _UNCONVERTIBLE:
                    cols[n] = table[n].to_list()
    elif module == "pandas":
        kind = "pandas"
        index = table.index
        names = [n for n in table.columns if is_input_column(checked, n)]
        rows = len(table)
        cols = {}
        # An object column whose cells are of mixed kinds (a numpy bool among numbers, a
        # Fraction, an int past 64 bits) would be coerced by Arrow's inference: its cells go to
        # the per-row reading as they are, which reads each as evaluate() does.
        mixed = {n for n in names if table[n].dtype == object and _mixed(table[n])}
        plain = [n for n in names if n not in mixed]
        try:
            arrow = pa.Table.from_pandas(table[plain], preserve_index=False)
            cols = {n: arrow.column(n) for n in plain}
        except _UNCONVERTIBLE:
            for n in plain:
                try:
                    cols[n] = pa.array(table[n], from_pandas=True)
                except _UNCONVERTIBLE:
                    mixed.add(n)
        for n in mixed:
            cols[n] = [None if _is_na(v) else v for v in table[n].tolist()]
        cols = {n: cols[n] for n in names}
    else:
        raise TypeError("evaluate_table needs a pandas or polars DataFrame or a pyarrow Table, "
                        f"not {type(table).__name__}")
    for n, col in cols.items():
        if isinstance(col, pa.ChunkedArray):
            col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        if isinstance(col, pa.Array) and pa.types.is_string_view(col.type):
            col = col.cast(pa.large_string())
        cols[n] = col
    return kind, cols, rows, index


#: What Arrow raises for a column it cannot hold: mixed objects, ints past 64 bits, …
_UNCONVERTIBLE = (pa.ArrowException, TypeError, ValueError, OverflowError)


def _no_field_twice(checked, table) -> None:
    """A field in two columns would be graded from one of them and the other lost: refused."""
    columns = table.column_names if isinstance(table, pa.Table) else list(table.columns)
    seen: set[object] = set()
    for i, name in enumerate(columns):
        if name in seen and is_input_column(checked, name):
            raise DataError(f"the table has two columns named '{name}' (the second is column "
                            f"{i + 1}): a record has one value per field, so rename or drop one")
        seen.add(name)


def _mixed(series) -> bool:
    """Whether a pandas object column's cells are of more than one kind (missing cells aside) or
    of a kind Arrow has no exact reading for (pandas' own inference, in C)."""
    import pandas as pd

    return pd.api.types.infer_dtype(series, skipna=True) not in (
        "string", "integer", "floating", "boolean", "decimal", "empty")


def _is_na(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _nulls(arr: pa.Array):
    if arr.null_count == 0:
        return False
    return arr.is_null().to_numpy(zero_copy_only=False)


def _numpy(arr: pa.Array, fill) -> np.ndarray:
    if arr.null_count:
        arr = arr.fill_null(fill)
    return arr.to_numpy(zero_copy_only=False)


_POW10 = np.array([10**k for k in range(19)], dtype=np.int64)


def floats(x: np.ndarray):
    """Float cells as exact numbers: (Num, rows that need the per-row path)."""
    m = x.size
    r = np.zeros(m, dtype=np.int64)
    places = np.zeros(m, dtype=np.int8)
    bad = ~np.isfinite(x)
    todo = np.flatnonzero(~bad)
    xs = x[todo]
    limit = float(2**52 - 2)
    with np.errstate(invalid="ignore", over="ignore"):
        for k in range(16):
            p = 10.0**k
            ry = np.round(xs * p)
            ok = (np.abs(ry) <= limit) & (ry / p == xs)
            hit = todo[ok]
            r[hit] = ry[ok].astype(np.int64)
            places[hit] = k
            todo, xs = todo[~ok], xs[~ok]
            if todo.size == 0:
                break
    bad[todo] = True
    top = int(places.max()) if m else 0
    if top == 0:
        return Num(r, 1), bad
    # One denominator 10^top for the column where the numerators stay in range, else one per row.
    widened = np.abs(r).astype(np.float64) * 10.0 ** (top - places.astype(np.int64))
    if m == 0 or float(widened.max()) < 2.0**62:
        return Num(r * _POW10[top - places], 10**top), bad
    return Num(r, _POW10[places]), bad


def decimals(col: pa.Array) -> Num:
    """A decimal column as exact numbers (nulls as 0). Unscaled values that fit int64 are read
    without Python objects; others go through Python ints."""
    scale = col.type.scale
    if col.type.precision <= 18 and pa.types.is_decimal128(col.type):
        words = np.frombuffer(col.buffers()[1], dtype=np.int64)[2 * col.offset:]
        unscaled = words[0:2 * len(col):2].copy()
    else:  # exactly, through Fraction: Decimal arithmetic would round to its context
        unscaled = np.array([0 if v is None else int(Fraction(v) * 10**scale)
                             for v in col.to_pylist()], dtype=object)
        if X.bound(unscaled) <= MAX:
            unscaled = unscaled.astype(np.int64)
    nulls = _nulls(col)
    if isinstance(nulls, np.ndarray):
        unscaled = np.where(nulls, 0, unscaled)
    if scale >= 0:
        return Num(unscaled, 10**scale)
    return X.mul(Num(unscaled), Num.const(10**-scale))


class Reader:
    """Reads the columns into exact arrays over all rows; ``slow`` marks the rows that go to the
    reference evaluator because some input is not plainly valid."""

    def __init__(self, plan: P.Plan, cols: dict, rows: int, labels: Labels):
        self.plan = plan
        self.cols = cols
        self.rows = rows
        self.labels = labels
        self.slow = np.zeros(rows, dtype=bool)
        self.values: dict = {}

    def everything_slow(self) -> None:
        self.slow[:] = True

    def mark(self, mask) -> None:
        if isinstance(mask, bool):
            if mask:
                self.slow[:] = True
        else:
            self.slow |= mask

    def read(self) -> dict:
        inputs = {spec.name for spec in self.plan.inputs}
        for ballot, categories in self.plan.ballots.items():
            nested = {n.partition(".")[2]: c for n, c in self.cols.items()
                      if n.partition(".")[0] == ballot and "." in n and n not in inputs}
            if ballot in self.cols or set(nested) != set(categories):
                self.everything_slow()
                self.values[ballot] = {c: Num(0) for c in categories}
                continue
            counts = {c: self.count(nested[c]) for c in categories}
            if sum(x.nb for x in counts.values()) > MAX:
                counts = {c: X.objify(x) for c, x in counts.items()}
            self.values[ballot] = counts
        for spec in self.plan.inputs:
            self.values[spec.name] = self.input(spec)
        return self.values

    def int64s(self, col: pa.Array) -> np.ndarray:
        """An integer column as int64 (nulls as 0); a uint64 past int64 takes the per-row path."""
        raw = _numpy(col, 0)
        if col.type == pa.uint64():
            big = raw > MAX
            if big.any():
                self.mark(big)
                raw = np.where(big, 0, raw)
        return raw.astype(np.int64, copy=False)

    def count(self, col) -> Num:
        if not isinstance(col, pa.Array):
            self.everything_slow()
            return Num(0)
        t = col.type
        if pa.types.is_integer(t):
            vals = self.int64s(col)
            low = int(vals.min()) if vals.size else 0
            if low < 0:
                self.mark(vals < 0)
            self.mark(_nulls(col))
            return Num(vals, 1, max(int(vals.max()) if vals.size else 0, -low), 1)
        if pa.types.is_floating(t):
            x = _numpy(col, 0.0).astype(np.float64, copy=False)
            with np.errstate(invalid="ignore"):
                ok = (x >= 0) & (x < 2.0**53) & (np.floor(x) == x)
            self.mark(~ok)
            vals = np.where(ok, x, 0).astype(np.int64)
        elif pa.types.is_decimal(t):
            number = decimals(col)
            whole = X.floor(number)
            ok = X.compare(whole, number, "==") & X.compare(number, Num(0), ">=")
            if number.obj:
                ok &= X.compare(number, Num(MAX), "<=")
            self.mark(~ok)
            vals = np.where(ok, whole.n, 0).astype(np.int64)
        else:
            self.everything_slow()
            return Num(0)
        self.mark(_nulls(col))
        return Num(vals, 1, X.bound(vals), 1)

    def input(self, spec: P.InputSpec):
        col = self.cols.get(spec.name)
        default = spec.default  # None: no default, or one the per-row path refuses
        if col is None or not isinstance(col, pa.Array):
            if col is not None or default is None:
                self.everything_slow()
                return self.placeholder(spec)
            return constant(self.labels, default)
        nulls = _nulls(col)
        value: np.ndarray | Cat | Num
        match spec.kind:
            case P.InputKind.BOOL:
                value = self.bools(col, spec)
            case P.InputKind.CATEGORY:
                value = self.labels_of(col, spec.labels, nulls)
            case P.InputKind.TEXT:
                value = self.text(col)
            case P.InputKind.HISTORY:
                value = self.history(col, spec.labels)
            case P.InputKind.DATE:
                value = self.dates(col)
            case _:
                value = self.number(col, spec, nulls)
        if isinstance(nulls, np.ndarray):
            if default is None:
                self.mark(nulls)
            else:
                value = choose(nulls, constant(self.labels, default), value)
        return value

    def dates(self, col: pa.Array) -> Num:
        """A date column as day numbers (see :func:`values.day_number`): Arrow dates exactly, a
        timestamp without a time zone where it is midnight, ISO text (2025-06-30); any other cell
        (other text, a time of day, a zoned timestamp, a number) takes the per-row path, which
        reads or refuses it as the reference does. Nulls are 0 here, and chosen later."""
        t = col.type
        if pa.types.is_dictionary(t):
            col = col.dictionary_decode()
            t = col.type
        if pa.types.is_timestamp(t) and t.tz is None:
            day = pc.cast(pc.floor_temporal(col, unit="day"), pa.date32())
            self.mark(_numpy(pc.not_equal(pc.cast(day, t), col), False))
        elif pa.types.is_date(t):
            day = pc.cast(col, pa.date32())
        elif pa.types.is_string(t) or pa.types.is_large_string(t):  # a CSV's or a sheet's text
            trimmed = pc.utf8_trim_whitespace(col)
            iso = pc.if_else(pc.match_substring_regex(trimmed, r"^\d{4}-\d{2}-\d{2}$"),
                             trimmed, None)
            day = pc.cast(pc.strptime(iso, format="%Y-%m-%d", unit="s", error_is_null=True),
                          pa.date32())
            # Arrow's strptime rolls 2025-02-30 over to March: a day that is not written back
            # as it was read does not exist, and the per-row path refuses it.
            same = pc.equal(pc.strftime(day, format="%Y-%m-%d"), iso)
            day = pc.if_else(same, day, None)
            self.mark(_numpy(pc.and_(pc.is_valid(col), pc.is_null(day)), False))
        else:
            self.everything_slow()
            return Num(0)
        vals = _numpy(day.cast(pa.int32()), 0).astype(np.int64) + EPOCH
        return Num(vals, 1, X.bound(vals), 1)

    def placeholder(self, spec: P.InputSpec):
        match spec.kind:
            case P.InputKind.BOOL:
                return False
            case P.InputKind.CATEGORY:
                return Cat(self.labels.id(spec.labels[0]))
            case P.InputKind.TEXT:
                return Cat(self.labels.id(""))
            case P.InputKind.HISTORY:
                empty = np.empty(self.rows, dtype=object)
                empty.fill(())
                return empty
        return Num(0)

    def bools(self, col: pa.Array, spec: P.InputSpec):
        """A yes/no column (see the module doc); nulls are False here, and chosen later."""
        t = col.type
        if pa.types.is_dictionary(t):
            col = col.dictionary_decode()
            t = col.type
        if pa.types.is_boolean(t):
            return _numpy(col, False).astype(bool, copy=False)
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            read = yes_no_cells(col)
            if read.null_count != col.null_count:  # a cell that is no word of the vocabulary
                self.mark(pc.and_(pc.is_valid(col), pc.is_null(read)).to_numpy(
                    zero_copy_only=False))
            return _numpy(read, False).astype(bool, copy=False)
        if pa.types.is_integer(t) or pa.types.is_floating(t):
            x = self.int64s(col) if pa.types.is_integer(t) else _numpy(col, 0.0)
            self.mark((x != 0) & (x != 1))  # NaN too
            return x == 1
        self.everything_slow()
        return self.placeholder(spec)

    def labels_of(self, col: pa.Array, labels: tuple[str, ...], nulls) -> Cat:
        if pa.types.is_dictionary(col.type):
            col = col.dictionary_decode()
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            self.everything_slow()
            return Cat(self.labels.id(labels[0]))
        found = pc.index_in(col, value_set=pa.array(labels, type=col.type))
        index = _numpy(found, 0).astype(np.intp, copy=False)
        if found.null_count:
            unknown = found.is_null().to_numpy(zero_copy_only=False)
            if isinstance(nulls, np.ndarray):
                unknown &= ~nulls
            self.mark(unknown)  # perhaps spaces around a label, perhaps not a label
        return Cat(self.labels.table(labels)[index])

    def text(self, col: pa.Array) -> Cat:
        """Free text (a group key): each distinct text a label of the batch."""
        if pa.types.is_dictionary(col.type):
            col = col.dictionary_decode()
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            self.everything_slow()
            return Cat(self.labels.id(""))
        encoded = pc.dictionary_encode(col)
        ids = self.labels.table(encoded.dictionary.to_pylist())
        return Cat(ids[_numpy(encoded.indices, 0).astype(np.intp, copy=False)])

    def history(self, col: pa.Array, labels: tuple[str, ...]) -> np.ndarray:
        """Past grades as tuples of labels (list columns; anything else takes the per-row
        path, which reads text such as "优秀、称职")."""
        out = np.empty(self.rows, dtype=object)
        out.fill(())
        if not (pa.types.is_list(col.type) or pa.types.is_large_list(col.type)):
            self.everything_slow()
            return out
        known = set(labels)
        for i, items in enumerate(col.to_pylist()):
            if items is None:
                continue
            if all(isinstance(x, str) and x in known for x in items):
                out[i] = tuple(items)
            else:
                self.slow[i] = True
        return out

    def number(self, col: pa.Array, spec: P.InputSpec, nulls) -> Num:
        t = col.type
        if pa.types.is_integer(t):
            value = Num(self.int64s(col), 1)
        elif pa.types.is_floating(t):
            x = _numpy(col, 0.0).astype(np.float64, copy=False)
            value, bad = floats(x)
            self.mark(bad)
            if spec.kind == P.InputKind.INTEGER:
                with np.errstate(invalid="ignore"):
                    self.mark(np.floor(x) != x)
        elif pa.types.is_decimal(t):
            value = decimals(col)
            if spec.kind == P.InputKind.INTEGER:
                self.mark(X.compare(X.floor(value), value, "!="))
        else:
            self.everything_slow()
            return Num(0)
        out: object = False
        if spec.low is not None:
            out = X.either(out, X.compare(value, Num.const(spec.low), "<"))
        if spec.high is not None:
            out = X.either(out, X.compare(value, Num.const(spec.high), ">"))
        if isinstance(nulls, np.ndarray) and isinstance(out, np.ndarray):
            out &= ~nulls
        self.mark(out)
        return value


#: Spaces around a yes/no word that this reading trims: all of them spaces to ``str.strip`` too, so
#: a cell read here reads the same per row (one with other spaces around it takes the per-row path).
_SPACES = " \t\n\r\x0b\x0c\xa0\u3000"


def yes_no_cells(col: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A text column's yes/no words as bools, null where a cell is null or not a word of
    :data:`evalrules.values.YES_NO` as written, in any ASCII case, between spaces: exactly the
    cells :func:`evalrules.values.yes_no` reads with no full-width letter or digit (those, and
    every other cell, are for the per-row reading)."""
    words = pc.ascii_lower(pc.utf8_trim(col, characters=_SPACES))
    index = pc.index_in(words, value_set=pa.array(list(YES_NO), type=words.type))
    return pc.take(pa.array(list(YES_NO.values()), type=pa.bool_()), index)


def choose(mask, a, b):
    """Row by row ``a`` where ``mask`` holds, else ``b``: numbers, categories, conditions or
    histories."""
    if isinstance(mask, bool):
        return a if mask else b
    if isinstance(a, Num):
        return X.select(mask, a, b)
    if isinstance(a, Cat):  # label ids stay int32, whatever numpy makes of two constants
        ids = X.where(mask, a.ids, b.ids)
        return Cat(ids.astype(np.int32, copy=False) if isinstance(ids, np.ndarray) else ids)
    return X.where(mask, a, b)


def take(v, idx: np.ndarray):
    """The values of some rows only."""
    if isinstance(v, Num):
        return v.take(idx)
    if isinstance(v, Cat):
        return Cat(v.ids[idx] if isinstance(v.ids, np.ndarray) else v.ids)
    if isinstance(v, dict):
        return {k: take(x, idx) for k, x in v.items()}
    if isinstance(v, np.ndarray):
        return v[idx]
    return v
