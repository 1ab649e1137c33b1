"""The vectorized backend: ``Ruleset.evaluate_table`` over a whole table at once, exactly.

Input. A pyarrow Table is used as is; a polars DataFrame goes through ``.to_arrow()``; a pandas
DataFrame through ``pyarrow.Table.from_pandas(preserve_index=False)`` (so NaN and None are null,
pandas' missing value), column by column where a mixed ``object`` column cannot become Arrow (such a
column is then read as its Python values, NaN as None). Columns are named as the record's fields:
inputs by name, ballots as ``BALLOT.CATEGORY`` (a column named after a ballot itself, holding
mappings, is accepted too, through the per-row path below). A column that names no input and no
ballot is ignored: tables carry id columns. A null cell is a missing value, as ``None`` is in a
record. Only the columns the ruleset reads are converted.

Output. A table of the input's kind (pyarrow → pyarrow; polars → ``polars.from_arrow``; pandas →
``to_pandas(types_mapper=pandas.ArrowDtype)``, keeping the input's index, so that numbers stay exact
decimals rather than Python objects), row-aligned with the input (same length, same order), holding
only results: one column per named value in ruleset order (lets, scores, each sheet followed by its
``SHEET.ITEM`` items in written order, grades; params, inputs, vetoes and outcomes are not value
columns) or only ``columns`` when given (an unknown name is an :class:`InputError` with a
did-you-mean), then ``vetoes`` (list<string>: the vetoes applied, in written order), ``outcomes``
(list<string>) and ``error`` (string: null when the row is fine, else exactly ``str()`` of the
:class:`InputError` the reference evaluator raises for that record). A row with an error has nulls
in every other column. Column types: grades and categories → string; conditions → bool; numbers →
``decimal128(38, s)`` with the smallest ``s`` ≤ 18 at which every value of the column is exact;
where some value has no finite decimal form (a share of 1/3) or would need more than 18 decimals or
38 digits, the whole column is string, each value as :func:`evalrules.values.exact_str` writes it
("0.6", "19/30"), which is exact too.

Exactness. Every number is an integer numerator over a denominator (a constant, or an int64 array
per row: a share is votes/total); see :mod:`._exact`. Comparisons cross-multiply. Every operation
bounds its intermediates first; where a bound would leave int64 it re-reads the actual maxima and
reduces by the gcd, and failing that computes with Python ints (numpy object arrays), so overflow is
impossible and only speed depends on magnitudes. A float cell ``x`` is its shortest decimal, as
:func:`evalrules.values.to_number` reads it: the smallest ``k`` ≤ 15 with
``round(x·10^k)/10^k == x`` and ``|x|·10^k < 2^52`` (that decimal is then the only one with ``k``
places that reads back as ``x``, hence ``repr(x)``); floats where no such ``k`` exists take the
per-row path.

The per-row path (the one meaning). A row is evaluated by the reference evaluator itself
(:func:`evalrules.backends.reference.evaluate` on the record built from the row: the same coercion,
the same values, the same errors, by construction) when

* an input or vote count is not plainly valid: null without a default, a string, Decimal, NaN, a
  bool or float where a count is expected, a negative or fractional vote, an unknown label (also one
  with surrounding spaces, which the reference accepts), an out-of-range number, a float without a
  short decimal, a uint64 count beyond int64, an unsupported column type, a missing column; or
* the vectorized evaluation finds that the row *could* fail: a ballot with no votes under
  ``share``/``points``, a division by zero, a ``require`` that does not hold, a ``(unique)`` table
  with two matching rules. These are detected wherever they occur, guarded or not (every expression
  is evaluated on every row here), and the reference then decides: it reports the error it meets
  first, or none at all when a short-circuit (``and``/``or``/``all:``/``any:``/``(first)``/
  ``cases``/``if``) means the failing expression is never evaluated.

Everything else is evaluated column-wise with numpy. Nothing here imports numpy, pyarrow, pandas or
polars at the top level of :mod:`evalrules`: :meth:`Ruleset.evaluate_table` imports this module on
first use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import ast
from ..check import Checked
from ..diagnostics import InputError, did_you_mean
from ..values import coerce_input, exact_str
from . import _exact as X
from . import reference
from ._exact import MAX, Num

RESULT_COLUMNS = ("vetoes", "outcomes", "error")


# ---------------------------------------------------------------- values other than numbers

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

    def ranks(self, order: Sequence[str]) -> np.ndarray:
        """id → index in ``order`` (best first)."""
        ids = self.table(order)
        table = np.zeros(len(self.names), dtype=np.int32)
        table[ids] = np.arange(len(order), dtype=np.int32)
        return table


def _is_bool(v) -> bool:
    return isinstance(v, bool) or (isinstance(v, np.ndarray) and v.dtype == bool)


def _and(a, b):
    if isinstance(a, bool):
        return b if a else False
    if isinstance(b, bool):
        return a if b else False
    return a & b


def _or(a, b):
    if isinstance(a, bool):
        return True if a else b
    if isinstance(b, bool):
        return True if b else a
    return a | b


def _not(a):
    return (not a) if isinstance(a, bool) else ~a


def _choose(mask, a, b):
    """Row by row a where mask, else b: numbers, categories or conditions."""
    if isinstance(mask, bool):
        return a if mask else b
    if isinstance(a, Num):
        return X.select(mask, a, b)
    if isinstance(a, Cat):
        return Cat(X.where(mask, a.ids, b.ids))
    return X.where(mask, a, b)


def _take(v, idx: np.ndarray):
    if isinstance(v, Num):
        return v.take(idx)
    if isinstance(v, Cat):
        return Cat(v.ids[idx] if isinstance(v.ids, np.ndarray) else v.ids)
    if isinstance(v, dict):
        return {k: _take(x, idx) for k, x in v.items()}
    if isinstance(v, np.ndarray):
        return v[idx]
    return v


# ---------------------------------------------------------------- evaluation over arrays

class Batch:
    """Evaluates the checked ruleset over ``m`` rows of valid inputs; ``err`` marks the rows on
    which some evaluation error could occur (they are re-run by the reference evaluator)."""

    def __init__(self, checked: Checked, consts: Mapping, m: int, labels: Labels,
                 values: dict):
        self.checked = checked
        self.consts = consts
        self.m = m
        self.labels = labels
        self.values = values
        self.err = np.zeros(m, dtype=bool)
        self.totals: dict[str, Num] = {}
        self.sums: dict[tuple, Num] = {}

    def flag(self, mask) -> None:
        if isinstance(mask, bool):
            if mask:
                self.err[:] = True
        else:
            self.err |= mask

    def run(self) -> None:
        for name in self.checked.params:
            self.values[name] = self.constant(name, self.consts[name])
        for name in self.checked.order:
            if name not in self.values:
                self.define(name)
        # Which error a row reports depends on the order; whether it has one does not, and the
        # rows flagged here are re-run by the reference evaluator, in its order.
        for req in self.checked.requires:
            self.flag(_not(self.expr(req.condition)))

    def constant(self, name: str, value):
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return Cat(self.labels.id(value))
        return Num.const(value)

    # -- definitions
    def define(self, name: str) -> None:
        decl = self.checked.definitions[name]
        match decl:
            case ast.Let(expr=e) | ast.Score(expr=e):
                self.values[name] = self.expr(e)
            case ast.Sheet():
                total = Num(0)
                for item in decl.items:
                    total = X.add(total, self.item(decl, item))
                self.values[name] = X.maximum(total, Num(0))
            case ast.Grade():
                self.values[name] = self.grade(decl)
            case ast.Veto(condition=c) | ast.Outcome(condition=c):
                self.values[name] = self.expr(c)

    def item(self, sheet: ast.Sheet, item: ast.SheetItem) -> Num:
        points = Num.const(item.points.value)
        match item.rule:
            case None:
                total = Num(0)
                for child in item.children:
                    total = X.add(total, self.item(sheet, child))
                value = X.maximum(total, Num(0))
            case ast.ProRata(expr=e):
                value = X.mul(points, X.minimum(X.maximum(self.expr(e), Num(0)), Num(1)))
            case ast.FullWhen(condition=c):
                value = X.select(self.expr(c), points, Num(0))
            case ast.Formula(expr=e):
                value = X.minimum(X.maximum(self.expr(e), Num(0)), points)
            case ast.Deduction(amount=a, per=e):
                value = X.mul(Num.const(-a.value), X.maximum(self.expr(e), Num(0)))
        self.values[f"{sheet.name}.{item.name}"] = value
        return value

    def grade(self, grade: ast.Grade) -> Cat:
        order = self.checked.scales[grade.scale or grade.name]
        index = {label: i for i, label in enumerate(order)}
        conds = [(index[r.label], self.expr(r.condition)) for r in grade.rules]
        rank = index[grade.otherwise]
        if grade.policy == "first":
            for i, c in reversed(conds):
                rank = X.where(c, i, rank)
        elif grade.policy in ("worst", "best"):
            best = grade.policy == "best"
            found = False
            pick = len(order) if best else -1  # worse (better) than any label: never kept
            for i, c in conds:
                if isinstance(c, bool) and not c:
                    continue
                better = (i < pick) if best else (i > pick)
                if not isinstance(better, bool):
                    better = better if isinstance(better, np.ndarray) else bool(better)
                pick = X.where(_and(c, better), i, pick)
                found = _or(found, c)
            rank = X.where(found, pick, rank)
        else:  # unique
            hits = 0
            for i, c in reversed(conds):
                rank = X.where(c, i, rank)
                hits = hits + (c.astype(np.int8) if isinstance(c, np.ndarray) else int(c))
            self.flag(hits > 1 if isinstance(hits, np.ndarray) else bool(hits > 1))
        last = len(order) - 1
        for veto_name in self.checked.vetoes_of.get(grade.name, ()):
            applied = self.values[veto_name]
            if isinstance(applied, bool) and not applied:
                continue
            veto = self.checked.definitions[veto_name]
            for adj in veto.adjustments:
                if adj.grade != grade.name:
                    continue
                match adj.action:
                    case "lower":
                        new = np.minimum(rank + adj.amount, last)
                    case "raise":
                        new = np.maximum(rank - adj.amount, 0)
                    case "at most":
                        new = np.maximum(rank, index[adj.label])
                    case "at least":
                        new = np.minimum(rank, index[adj.label])
                    case _:  # set
                        new = index[adj.label]
                if isinstance(new, np.generic):
                    new = int(new)
                rank = X.where(applied, new, rank)
        table = self.labels.table(order)
        if isinstance(rank, np.ndarray):
            return Cat(table[rank])
        return Cat(int(table[rank]))

    # -- expressions
    def expr(self, e: ast.Expr):
        match e:
            case ast.Number(value=v):
                return Num.const(v)
            case ast.Boolean(value=v):
                return v
            case ast.Ref(name=n):
                return self.values[n]
            case ast.Label(label=label):
                return Cat(self.labels.id(label))
            case ast.Negate(operand=x):
                return X.neg(self.expr(x))
            case ast.Not(operand=x):
                return _not(self.expr(x))
            case ast.Arithmetic(op=op, left=a, right=b):
                x, y = self.expr(a), self.expr(b)
                if op == "+":
                    return X.add(x, y)
                if op == "-":
                    return X.add(x, y, -1)
                if op == "*":
                    return X.mul(x, y)
                q, zero = X.divide(x, y)
                self.flag(zero)
                return q
            case ast.Logic(op=op, left=a, right=b):
                x, y = self.expr(a), self.expr(b)
                return _and(x, y) if op == "and" else _or(x, y)
            case ast.Compare(op=op, left=a, right=b, order=order):
                return self.compare(op, self.expr(a), self.expr(b), order)
            case ast.Is(operand=x, label=label, negated=neg):
                ids = self.expr(x).ids
                same = ids == self.labels.id(label)
                if not isinstance(same, np.ndarray):
                    same = bool(same)
                return _not(same) if neg else same
            case ast.If(condition=c, then=t, otherwise=o):
                return _choose(self.expr(c), self.expr(t), self.expr(o))
            case ast.Call(function=f, args=args):
                return self.call(f, args)
            case ast.Share(ballot=b, categories=cs):
                total = self.total(b)
                return X.divide(self.votes(b, cs), total)[0]
            case ast.Votes(ballot=b, categories=cs):
                return self.votes(b, cs)
            case ast.Total(ballot=b):
                return self.votes(b, self.checked.ballots[b])
            case ast.Points(ballot=b, points=ps):
                ballot = self.values[b]
                acc = Num(0)
                for c, p in ps:
                    acc = X.add(acc, X.mul(ballot[c], Num.const(p.value)))
                return X.divide(acc, self.total(b))[0]
            case ast.Quantified(quantifier=q, conditions=conds, count=n):
                vals = [self.expr(c) for c in conds]
                if q == "all":
                    out = True
                    for v in vals:
                        out = _and(out, v)
                    return out
                if q == "any":
                    out = False
                    for v in vals:
                        out = _or(out, v)
                    return out
                hits = 0
                for v in vals:
                    hits = hits + (v.astype(np.int16) if isinstance(v, np.ndarray) else int(v))
                result = 2 * hits > len(conds) if q == "most" else hits >= n
                return result if isinstance(result, np.ndarray) else bool(result)
            case ast.Weighted(items=items):
                acc = Num(0)
                for i in items:
                    acc = X.add(acc, X.mul(self.expr(i.expr), Num.const(i.weight.value)))
                return acc
            case ast.Cases(branches=branches, otherwise=o):
                pairs = [(self.expr(b.condition), self.expr(b.value)) for b in branches]
                out = self.expr(o)
                for c, v in reversed(pairs):
                    out = _choose(c, v, out)
                return out
        raise AssertionError(e)  # pragma: no cover

    def votes(self, ballot: str, categories) -> Num:
        key = (ballot, tuple(categories))
        if key in self.sums:
            return self.sums[key]
        counts = [self.values[ballot][c] for c in categories]
        if len(counts) > 1 and not any(x.obj or x.scalar for x in counts) and \
                sum(x.nb for x in counts) <= MAX:
            acc = counts[0].n + counts[1].n  # a fresh array, so adding in place is safe
            for x in counts[2:]:
                acc += x.n
            out = Num(acc, 1, sum(x.nb for x in counts), 1)
        else:
            out = Num(0)
            for x in counts:
                out = X.add(out, x)
        self.sums[key] = out
        return out

    def total(self, ballot: str) -> Num:
        """The ballot's total, flagging the rows with no votes (share/points are undefined)."""
        if ballot not in self.totals:
            total = self.votes(ballot, self.checked.ballots[ballot])
            self.totals[ballot] = total
            zero = total.n == 0
            self.flag(bool(zero) if not isinstance(zero, np.ndarray) else zero)
        return self.totals[ballot]

    def compare(self, op: str, x, y, order):
        if order is not None:  # grades: better is greater, i.e. a smaller index
            ranks = self.labels.ranks(order)
            rx = ranks[x.ids]
            ry = ranks[y.ids]
            out = X._UFUNC[op](ry, rx)
        elif isinstance(x, Num):
            return X.compare(x, y, op)
        elif isinstance(x, Cat):
            out = X._UFUNC[op](x.ids, y.ids)
        else:
            out = X._UFUNC[op](x, y)
        return out if isinstance(out, np.ndarray) else bool(out)

    def call(self, f: str, args):
        vals = [self.expr(a) for a in args]
        match f:
            case "min":
                out = vals[0]
                for v in vals[1:]:
                    out = X.minimum(out, v)
                return out
            case "max":
                out = vals[0]
                for v in vals[1:]:
                    out = X.maximum(out, v)
                return out
            case "clamp":
                x, lo, hi = vals
                return X.minimum(X.maximum(x, lo), hi)
            case "round":
                digits = int(vals[1].fraction()) if len(vals) > 1 else 0
                return X.round_half_away(vals[0], digits)
            case "floor":
                return X.floor(vals[0])
            case "ceil":
                return X.ceil(vals[0])
            case "abs":
                return X.absolute(vals[0])
        raise AssertionError(f)  # pragma: no cover


# ---------------------------------------------------------------- reading the table

def _relevant(checked: Checked, name: object) -> bool:
    if not isinstance(name, str):
        return False
    if name in checked.inputs or name in checked.ballots:
        return True
    ballot, dot, _ = name.partition(".")
    return bool(dot) and ballot in checked.ballots


def _is_na(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _read_table(checked: Checked, table) -> tuple[str, dict, int, object]:
    """(kind, {column: pa.Array or list of Python values}, rows, pandas index or None)."""
    module = type(table).__module__.split(".")[0]
    index = None
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if isinstance(table, pa.Table):
        kind = "pyarrow"
        names = [n for n in table.column_names if _relevant(checked, n)]
        cols = {n: table.column(n) for n in names}
        rows = table.num_rows
    elif module == "polars":
        kind = "polars"
        names = [n for n in table.columns if _relevant(checked, n)]
        arrow = table.select(names).to_arrow()
        cols = {n: arrow.column(n) for n in names}
        rows = table.height
    elif module == "pandas":
        kind = "pandas"
        index = table.index
        names = [n for n in table.columns if _relevant(checked, n)]
        rows = len(table)
        cols = {}
        try:
            arrow = pa.Table.from_pandas(table[names], preserve_index=False)
            cols = {n: arrow.column(n) for n in names}
        except (pa.ArrowException, TypeError, ValueError):
            for n in names:
                series = table[n]
                try:
                    cols[n] = pa.array(series, from_pandas=True)
                except (pa.ArrowException, TypeError, ValueError):
                    cols[n] = [None if _is_na(v) else v for v in series.tolist()]
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


def _nulls(arr: pa.Array):
    if arr.null_count == 0:
        return False
    return arr.is_null().to_numpy(zero_copy_only=False)


def _numpy(arr: pa.Array, fill) -> np.ndarray:
    if arr.null_count:
        arr = arr.fill_null(fill)
    return arr.to_numpy(zero_copy_only=False)


_POW10 = np.array([10**k for k in range(19)], dtype=np.int64)


def _floats(x: np.ndarray):
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


class Reader:
    """Reads the columns into exact arrays over all rows; ``slow`` marks the rows that go to the
    reference evaluator because some input is not plainly valid."""

    def __init__(self, checked: Checked, consts: Mapping, cols: dict, rows: int, labels: Labels):
        self.checked = checked
        self.consts = consts
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
        checked = self.checked
        for ballot, categories in checked.ballots.items():
            nested = {n.partition(".")[2]: c for n, c in self.cols.items()
                      if n.partition(".")[0] == ballot and "." in n and n not in checked.inputs}
            if ballot in self.cols or set(nested) != set(categories):
                self.everything_slow()
                self.values[ballot] = {c: Num(0) for c in categories}
                continue
            counts = {c: self.count(nested[c]) for c in categories}
            if sum(x.nb for x in counts.values()) > MAX:
                counts = {c: X.objify(x) for c, x in counts.items()}
            self.values[ballot] = counts
        for name, decl in checked.inputs.items():
            self.values[name] = self.input(decl)
        return self.values

    def count(self, col) -> Num:
        if not isinstance(col, pa.Array):
            self.everything_slow()
            return Num(0)
        t = col.type
        if pa.types.is_integer(t):
            raw = _numpy(col, 0)
            if t == pa.uint64():
                big = raw > MAX
                if big.any():
                    self.mark(big)
                    raw = np.where(big, 0, raw)
            vals = raw.astype(np.int64, copy=False)
            low = int(vals.min()) if vals.size else 0
            if low < 0:
                self.mark(vals < 0)
            self.mark(_nulls(col))
            return Num(vals, 1, max(int(vals.max()) if vals.size else 0, -low), 1)
        elif pa.types.is_floating(t):
            x = _numpy(col, 0.0).astype(np.float64, copy=False)
            with np.errstate(invalid="ignore"):
                ok = (x >= 0) & (x < 2.0**53) & (np.floor(x) == x)
            self.mark(~ok)
            vals = np.where(ok, x, 0).astype(np.int64)
        else:
            self.everything_slow()
            return Num(0)
        self.mark(_nulls(col))
        return Num(vals, 1, X.bound(vals), 1)

    def input(self, decl: ast.Input):
        name = decl.name
        col = self.cols.get(name)
        default = self.consts.get(("default", name))
        if default is not None:  # a default is coerced (and range-checked) like any value
            try:
                default = coerce_input(self.checked, decl, default, self.consts)
            except InputError:
                default = None  # rows that need it take the per-row path, which says why
        type_ = self.checked.types[name]
        if col is None or not isinstance(col, pa.Array):
            if col is not None or default is None:
                self.everything_slow()
                return self.placeholder(type_)
            return self.constant(default)
        nulls = _nulls(col)
        if type_.kind == "bool":
            if not pa.types.is_boolean(col.type):
                self.everything_slow()
                return self.placeholder(type_)
            value = _numpy(col, False).astype(bool, copy=False)
        elif type_.kind == "category":
            value = self.labels_of(col, type_.labels, nulls)
        else:
            value = self.number(col, decl, nulls)
        if isinstance(nulls, np.ndarray):
            if default is None:
                self.mark(nulls)
            else:
                value = _choose(nulls, self.constant(default), value)
        return value

    def placeholder(self, type_):
        if type_.kind == "bool":
            return False
        if type_.kind == "category":
            return Cat(self.labels.id(type_.labels[0]))
        return Num(0)

    def constant(self, value):
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return Cat(self.labels.id(value))
        return Num.const(value)

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

    def number(self, col: pa.Array, decl: ast.Input, nulls) -> Num:
        t = col.type
        if pa.types.is_integer(t):
            raw = _numpy(col, 0)
            if t == pa.uint64():
                big = raw > MAX
                if big.any():
                    self.mark(big)
                    raw = np.where(big, 0, raw)
            value = Num(raw.astype(np.int64, copy=False), 1)
        elif pa.types.is_floating(t):
            x = _numpy(col, 0.0).astype(np.float64, copy=False)
            value, bad = _floats(x)
            self.mark(bad)
            if decl.type.integer:
                with np.errstate(invalid="ignore"):
                    self.mark(np.floor(x) != x)
        else:
            self.everything_slow()
            return Num(0)
        out = False
        lo = self.consts.get(("low", decl.name))
        hi = self.consts.get(("high", decl.name))
        if lo is not None:
            out = _or(out, X.compare(value, Num.const(lo), "<"))
        if hi is not None:
            out = _or(out, X.compare(value, Num.const(hi), ">"))
        if isinstance(nulls, np.ndarray) and isinstance(out, np.ndarray):
            out &= ~nulls
        self.mark(out)
        return value


# ---------------------------------------------------------------- writing the result

def value_columns(checked: Checked) -> list[str]:
    """The named values a result table has a column for, in ruleset order."""
    names = []
    for name, decl in checked.definitions.items():
        if isinstance(decl, (ast.Let, ast.Score, ast.Grade, ast.Rank)):
            names.append(name)
        elif isinstance(decl, ast.Sheet):
            names.append(name)
            names += [k for k in checked.items if k.split(".", 1)[0] == name]
    return names


def _validity(valid):
    """An Arrow validity bitmap (or None when every row is valid)."""
    if valid is None:
        return None
    return pa.array(valid, type=pa.bool_()).buffers()[1]


def _decimal_array(unscaled: np.ndarray, scale: int, valid) -> pa.Array:
    """decimal128(38, scale) from int64 unscaled values, without Python objects."""
    rows = unscaled.size
    words = np.empty(2 * rows, dtype=np.int64)
    words[0::2] = unscaled
    words[1::2] = unscaled >> 63
    return pa.Array.from_buffers(pa.decimal128(38, scale), rows,
                                 [_validity(valid), pa.py_buffer(words)])


def _decimal_or_text(fractions: list[Fraction]):
    """For distinct values: ("decimal", scale, unscaled ints) if they all fit decimal128(38, s≤18),
    else ("text", texts)."""
    scale = 0
    for f in fractions:
        places = X.decimal_places(f.denominator)
        if places is None or places > 18:
            scale = None
            break
        scale = max(scale, places)
    if scale is not None:
        unscaled = [int(f * 10**scale) for f in fractions]
        if all(abs(u) < 10**38 for u in unscaled):
            return "decimal", scale, unscaled
    return "text", [exact_str(f) for f in fractions]


def _from_distinct(rows: int, fractions: list[Fraction], inverse: np.ndarray, valid) -> pa.Array:
    return _from_decided(rows, _decimal_or_text(fractions), inverse, valid)


def _from_decided(rows: int, decided, inverse: np.ndarray, valid) -> pa.Array:
    if decided[0] == "decimal" and isinstance(decided[2], np.ndarray):
        _, scale, table = decided
        return _decimal_array(table[inverse] if rows else table[:0], scale, valid)
    if decided[0] == "decimal":
        _, scale, unscaled = decided
        if all(abs(u) <= MAX for u in unscaled):
            table = np.array(unscaled, dtype=np.int64)
            return _decimal_array(table[inverse] if rows else table[:0], scale, valid)
        values = [Decimal(u).scaleb(-scale) for u in unscaled]
        out = [values[i] for i in inverse.tolist()]
        mask = None if valid is None else ~valid
        return pa.array(out, type=pa.decimal128(38, scale), mask=mask)
    texts = pa.array(decided[1], type=pa.string())
    indices = pa.array(inverse.astype(np.int32, copy=False),
                       mask=None if valid is None else ~valid)
    return pc.take(texts, indices)


def number_column(n, d, valid, rows: int) -> pa.Array:
    """An exact numeric column: decimal128(38, s) where every value has ≤ 18 decimals, else text."""
    if isinstance(n, int):
        n = np.full(rows, n, dtype=object if abs(n) > MAX else np.int64)
    obj = X.is_obj(n) or X.is_obj(d) or (isinstance(d, int) and d > MAX)
    if not obj and isinstance(d, int):
        live = n if valid is None else n[valid]
        g = X.gcd_all(live, d) if live.size else d
        den = d // g
        places = X.decimal_places(den)
        if places is not None and places <= 18:
            factor = 10**places // den
            if X.bound(live) // g * factor <= MAX:
                unscaled = n // g if g != 1 else n
                if factor != 1:
                    unscaled = unscaled * factor
                if valid is not None:
                    unscaled = np.where(valid, unscaled, 0)
                return _decimal_array(unscaled, places, valid)
    if not obj:
        nn = n if valid is None else np.where(valid, n, 0)
        dd = np.full(rows, d, dtype=np.int64) if isinstance(d, int) else \
            (d if valid is None else np.where(valid, d, 1))
        if rows:
            nlo, nhi, dlo, dhi = int(nn.min()), int(nn.max()), int(dd.min()), int(dd.max())
        else:
            nlo = nhi = 0
            dlo = dhi = 1
        dspan = dhi - dlo + 1
        size = (nhi - nlo + 1) * dspan
        if size <= 2**62:
            key = (nn - nlo) * dspan + (dd - dlo)
            if size <= max(4 * rows, 1 << 16):
                seen = np.zeros(size, dtype=bool)
                seen[key] = True
                distinct = np.flatnonzero(seen)
                code = np.zeros(size, dtype=np.int32)
                code[distinct] = np.arange(distinct.size, dtype=np.int32)
                inverse = code[key]
            else:
                distinct, inverse = np.unique(key, return_inverse=True)
            decided = X.distinct_columns(distinct // dspan + nlo, distinct % dspan + dlo)
            return _from_decided(rows, decided, inverse, valid)
    # Python ints: one Fraction per row.
    nl = n.tolist()
    dl = d.tolist() if isinstance(d, np.ndarray) else [d] * rows
    seen: dict[Fraction, int] = {}
    inverse = np.empty(rows, dtype=np.int64)
    for i, (a, b) in enumerate(zip(nl, dl, strict=True)):
        f = Fraction(int(a), int(b)) if valid is None or valid[i] else Fraction(0)
        inverse[i] = seen.setdefault(f, len(seen))
    return _from_distinct(rows, list(seen), inverse, valid)


def _list_column(names: list[str], masks: list, valid, rows: int) -> pa.Array:
    """list<string>: for each row the names whose mask holds, in order."""
    mask_arrays = [np.full(rows, m, dtype=bool) if isinstance(m, bool) else m for m in masks]
    if mask_arrays:
        grid = np.stack(mask_arrays, axis=1)
        if valid is not None:
            grid &= valid[:, None]
        counts = grid.sum(axis=1, dtype=np.int32)
        which = np.flatnonzero(grid.ravel()) % len(names)
    else:
        counts = np.zeros(rows, dtype=np.int32)
        which = np.zeros(0, dtype=np.int64)
    offsets = np.zeros(rows + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    values = pc.take(pa.array(names, type=pa.string()), pa.array(which))
    return pa.ListArray.from_arrays(pa.array(offsets), values,
                                    mask=None if valid is None else pa.array(~valid))


def _reference_rows(checked, consts, cols, rows_idx: np.ndarray):
    """Evaluate some rows with the reference evaluator: [(Evaluation or None, message or None)]."""
    if rows_idx.size == 0:
        return []
    pyvals = {}
    for name, col in cols.items():
        if isinstance(col, pa.Array):
            pyvals[name] = col.take(pa.array(rows_idx)).to_pylist()
        else:
            pyvals[name] = [col[i] for i in rows_idx.tolist()]
    out = []
    for j in range(rows_idx.size):
        record = {name: vals[j] for name, vals in pyvals.items()}
        try:
            out.append((reference.evaluate(checked, consts, record), None))
        except InputError as e:
            out.append((None, str(e)))
    return out


def _full_bool(v, rows: int) -> np.ndarray:
    return np.full(rows, v, dtype=bool) if isinstance(v, bool) else v


class Assembler:
    """Puts the vectorized rows and the reference rows back together, row-aligned."""

    def __init__(self, rows: int, ok_m: np.ndarray | None, ok_pos: np.ndarray | None,
                 ref_idx: np.ndarray, ref_results: list, labels: Labels):
        self.rows = rows
        self.ok_m = ok_m  # indices (in the batch) of the batch rows kept; None: all
        self.ok_pos = ok_pos  # their row numbers; None: the batch is every row
        self.ref_idx = ref_idx
        self.ref_ok = [(int(i), ev) for i, (ev, _) in zip(ref_idx, ref_results, strict=True)
                       if ev is not None]
        self.ref_err = [(int(i), msg) for i, (_, msg) in zip(ref_idx, ref_results, strict=True)
                        if msg is not None]
        self.labels = labels
        if ok_pos is None:
            self.valid = None
        else:
            valid = np.zeros(rows, dtype=bool)
            valid[ok_pos] = True
            valid[[i for i, _ in self.ref_ok]] = True
            self.valid = None if valid.all() else valid

    def _batch(self, v):
        return v if self.ok_m is None else _take(v, self.ok_m)

    def column(self, name: str, v) -> pa.Array:
        rows = self.rows
        if isinstance(v, Num):
            n, d = self.numbers(name, v)
            return number_column(n, d, self.valid, rows)
        if isinstance(v, Cat):
            ids = self._batch(v).ids
            if self.ok_pos is not None:
                full = np.zeros(rows, dtype=np.int32)
                full[self.ok_pos] = ids
                for i, ev in self.ref_ok:
                    full[i] = self.labels.id(ev.values[name])
                ids = full
            elif isinstance(ids, int):
                ids = np.full(rows, ids, dtype=np.int32)
            names = pa.array(self.labels.names, type=pa.string())
            mask = None if self.valid is None else ~self.valid
            return pc.take(names, pa.array(ids, mask=mask))
        return pa.array(self.bools(name, v), type=pa.bool_(),
                        mask=None if self.valid is None else ~self.valid)

    def bools(self, name: str, v) -> np.ndarray:
        b = self._batch(v)
        if self.ok_pos is None:
            return _full_bool(b, self.rows)
        full = np.zeros(self.rows, dtype=bool)
        full[self.ok_pos] = b
        for i, ev in self.ref_ok:
            full[i] = ev.values[name]
        return full

    def numbers(self, name: str, v: Num):
        sub = self._batch(v)
        if self.ok_pos is None:
            return sub.n, sub.d
        refs = [(i, Fraction(ev.values[name])) for i, ev in self.ref_ok]
        big = sub.nb > MAX or sub.db > MAX or \
            any(abs(f.numerator) > MAX or f.denominator > MAX for _, f in refs)
        dtype = object if sub.obj or big else np.int64
        if isinstance(sub.d, int) and all(sub.d % f.denominator == 0 for _, f in refs):
            den = sub.d
            d = den
        else:
            den = None
            d = np.ones(self.rows, dtype=dtype)
            d[self.ok_pos] = sub.d
        n = np.zeros(self.rows, dtype=dtype)
        n[self.ok_pos] = sub.n
        for i, f in refs:
            if den is None:
                n[i], d[i] = f.numerator, f.denominator
            else:
                n[i] = f.numerator * (den // f.denominator)
        if dtype is np.int64 and den is not None and X.bound(n) > MAX:  # pragma: no cover
            n = n.astype(object)
        return n, d

    def names_column(self, names: list[str], batch_values: dict, kind) -> pa.Array:
        masks = [self.bools(n, batch_values[n]) for n in names]
        if self.ok_pos is not None:
            for m, n in zip(masks, names, strict=True):
                for i, ev in self.ref_ok:
                    m[i] = n in (ev.vetoes if kind is ast.Veto else ev.outcomes)
        return _list_column(names, masks, self.valid, self.rows)

    def error_column(self) -> pa.Array:
        if not self.ref_err:
            return pa.nulls(self.rows, type=pa.string())
        messages: dict[str, int] = {}
        codes = np.zeros(self.rows, dtype=np.int32)
        has = np.zeros(self.rows, dtype=bool)
        for i, msg in self.ref_err:
            codes[i] = messages.setdefault(msg, len(messages))
            has[i] = True
        return pc.take(pa.array(list(messages), type=pa.string()), pa.array(codes, mask=~has))


# ---------------------------------------------------------------- the entry point

def _wanted(checked: Checked, columns) -> list[str]:
    names = value_columns(checked)
    if columns is None:
        return names
    if isinstance(columns, str):
        columns = [columns]
    known = set(names)
    wanted = []
    for c in columns:
        if c in RESULT_COLUMNS:
            continue
        if c not in known:
            hint = did_you_mean(str(c), names)
            raise InputError(f"'{c}' is not a value of {checked.name}, so it cannot be a column"
                             + (f"; {hint}" if hint else ""), field=str(c))
        if c not in wanted:
            wanted.append(c)
    return wanted


class _Graded:
    """A group-evaluated record's result as the assembler reads a reference evaluation."""

    def __init__(self, result):
        self.values, self.vetoes, self.outcomes = result, result.vetoes, result.outcomes


def _group_rows(cols, rows: int, evaluate_many) -> list:
    """Rulesets with group rules: every row through ``evaluate_many`` (see evalrules.groups),
    which needs whole groups; the vectorized path is for rulesets without them."""
    pyvals = {name: col.to_pylist() if isinstance(col, pa.Array) else list(col)
              for name, col in cols.items()}
    records = [{name: vals[j] for name, vals in pyvals.items()} for j in range(rows)]
    return [(None, str(r.error)) if r.error is not None else (_Graded(r), None)
            for r in evaluate_many(records)]


def evaluate_table(checked: Checked, constants: Mapping, table, columns=None,
                   evaluate_many=None):
    """Evaluate every row of a pandas/polars DataFrame or a pyarrow Table; see the module doc.
    ``evaluate_many`` grades the rows of a ruleset with group rules."""
    wanted = _wanted(checked, columns)
    kind, cols, rows, index = _read_table(checked, table)
    labels = Labels()
    if checked.group is not None:
        everything = np.arange(rows)
        none = np.zeros(0, dtype=np.int64)
        out = Assembler(rows, none, none, everything, _group_rows(cols, rows, evaluate_many),
                        labels)
        for _, ev in out.ref_ok:
            for name in wanted:
                if isinstance(ev.values[name], str):
                    labels.id(ev.values[name])
        defs = checked.definitions
        arrays = [out.column(name, _empty_like(checked, name)) for name in wanted]
        for kind_of in (ast.Veto, ast.Outcome):
            names = [n for n, d in defs.items() if isinstance(d, kind_of)]
            arrays.append(out.names_column(names, {n: False for n in names}, kind_of))
        arrays.append(out.error_column())
        result = pa.Table.from_arrays(arrays, names=[*wanted, *RESULT_COLUMNS])
        return _convert(result, kind, index)
    reader = Reader(checked, constants, cols, rows, labels)
    values = reader.read()
    slow = reader.slow
    if slow.any():
        fast_idx = np.flatnonzero(~slow)
        values = {k: _take(v, fast_idx) for k, v in values.items()}
    else:
        fast_idx = None
    m = rows if fast_idx is None else fast_idx.size
    batch = Batch(checked, constants, m, labels, values)
    if m:
        batch.run()
    else:
        fast_idx = np.zeros(0, dtype=np.int64)
        batch.err[:] = True
    err = batch.err
    if fast_idx is None and not err.any():
        ok_m = ok_pos = None
        ref_idx = np.zeros(0, dtype=np.int64)
    else:
        ok_m = np.flatnonzero(~err)
        base = np.arange(rows) if fast_idx is None else fast_idx
        ok_pos = base[ok_m]
        again = np.ones(rows, dtype=bool)
        again[ok_pos] = False
        ref_idx = np.flatnonzero(again)
    results = _reference_rows(checked, constants, cols, ref_idx)
    out = Assembler(rows, ok_m, ok_pos, ref_idx, results, labels)
    jobs = []
    for name in wanted:
        value = batch.values[name] if m else _empty_like(checked, name)
        jobs.append((out.column, name, value))
    defs = checked.definitions
    for kind_of in (ast.Veto, ast.Outcome):
        names = [n for n, d in defs.items() if isinstance(d, kind_of)]
        source = batch.values if m else {n: False for n in names}
        jobs.append((out.names_column, names, source, kind_of))
    jobs.append((out.error_column,))
    # numpy and Arrow release the GIL, so the columns are built on a few threads at once. The
    # label table is complete by now (every label was met while reading or evaluating, and the
    # reference rows' labels are registered here first), so the threads only read it.
    for _, ev in out.ref_ok:
        for name in wanted:
            if isinstance(ev.values[name], str):
                labels.id(ev.values[name])
    arrays = _run_jobs(jobs, rows)
    result = pa.Table.from_arrays(arrays, names=[*wanted, *RESULT_COLUMNS])
    return _convert(result, kind, index)


def _run_jobs(jobs: list[tuple], rows: int) -> list:
    if rows < 100_000 or len(jobs) < 3:
        return [job[0](*job[1:]) for job in jobs]
    from concurrent.futures import ThreadPoolExecutor

    workers = min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(*job) for job in jobs]
        return [f.result() for f in futures]


def _empty_like(checked: Checked, name: str):
    """A stand-in batch value when no row was vectorized (every row took the per-row path)."""
    kind = checked.types[name].kind if name in checked.types else "number"
    if kind == "bool":
        return False
    if kind == "category":
        return Cat(np.zeros(0, dtype=np.int32))
    return Num(np.zeros(0, dtype=np.int64), 1)


def _convert(result: pa.Table, kind: str, index):
    if kind == "polars":
        import polars as pl

        return pl.from_arrow(result)
    if kind == "pandas":
        import pandas as pd

        frame = result.to_pandas(types_mapper=pd.ArrowDtype)
        if index is not None:
            frame.index = index
        return frame
    return result
