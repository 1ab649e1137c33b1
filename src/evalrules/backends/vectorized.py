"""The vectorized backend: ``Ruleset.evaluate_table`` over a whole table at once, exactly.

A table is read into exact arrays (:mod:`table_in`), the plan is evaluated column-wise with numpy
(:class:`Batch`, which knows the plan's primitives only: :data:`HANDLERS`), the rows that need it
are evaluated by the reference evaluator itself, and the results are written back row-aligned
(:mod:`table_out`, whose docstring gives the output's columns and types). The output is a table of
the input's kind: pyarrow → pyarrow; polars → ``polars.from_arrow``; pandas →
``to_pandas(types_mapper=pandas.ArrowDtype)``, keeping the input's index, so that numbers stay exact
decimals rather than Python objects.

Exactness. Every number is an integer numerator over a denominator (a constant, or an int64 array
per row: a share is votes/total); see :mod:`rational`. Comparisons cross-multiply. Every operation
bounds its intermediates first; where a bound would leave int64 it re-reads the actual maxima and
reduces by the gcd, and failing that computes with Python ints (numpy object arrays), so overflow is
impossible and only speed depends on magnitudes.

The per-row path (the one meaning). A row is evaluated by the reference evaluator
(:func:`evalrules.backends.reference.evaluate` on the record built from the row: the same coercion,
the same values, the same errors, by construction) when some input is not plainly valid (see
:mod:`table_in`), or when the batch finds that the row *could* fail: a :class:`plan.Div` by zero
(a share of an empty ballot included), a :class:`plan.Last` of an empty history, a
:class:`plan.Check` that does not hold. These are detected wherever they occur, guarded or not
(every expression is evaluated on every row here), and the reference then decides: it reports the
error it meets first, or none at all when a lazy ``and``/``or``/``if`` means the failing expression
is never evaluated. A ruleset with group rules is graded through ``evaluate_many`` row by row (see
:mod:`evalrules.groups`).

Nothing here is imported by ``import evalrules``: :meth:`Ruleset.evaluate_table` imports this
module on first use.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from fractions import Fraction

import numpy as np
import pyarrow as pa

from .. import plan as P
from ..check import Checked
from ..columns import RESULT_COLUMNS, selected
from ..diagnostics import InputError
from ..values import Constants, streak
from . import rational as X
from . import reference
from .rational import MAX, Num
from .table_in import Cat, Labels, Reader, choose, constant, read_table, take
from .table_out import Assembler


class Batch:
    """Evaluates a plan over ``m`` rows of valid inputs; ``err`` marks the rows on which some
    evaluation error could occur (they are re-run by the reference evaluator). ``decided`` holds
    what group rules decided, an array per :class:`plan.Decided` node."""

    def __init__(self, plan: P.Plan, m: int, labels: Labels, values: dict,
                 decided: Mapping[str, object] | None = None):
        self.plan = plan
        self.m = m
        self.labels = labels
        self.values = values
        self.decided = decided or {}
        self.err = np.zeros(m, dtype=bool)
        self.sums: dict[tuple, Num] = {}

    def flag(self, mask) -> None:
        if isinstance(mask, bool):
            if mask:
                self.err[:] = True
        else:
            self.err |= mask

    def run(self) -> None:
        """Every block on every row. Which error a row reports depends on the order; whether it
        has one does not, and the rows flagged are re-run by the reference, in its order."""
        for name, value in self.plan.params.items():
            self.values[name] = constant(self.labels, value)
        for block in self.plan.blocks:
            for step in block.steps:
                if isinstance(step, P.Bind):
                    self.values[step.name] = self.expr(step.expr)
                else:
                    self.flag(X.negate(self.expr(step.condition)))
            for step in block.steps:  # a block's temporaries are its own: free their arrays
                if isinstance(step, P.Bind) and step.name.startswith("#"):
                    del self.values[step.name]

    def expr(self, e: P.Expr):
        return HANDLERS[type(e)](self, e)

    # -- numbers
    def sum(self, e: P.Sum) -> Num:
        if all(isinstance(t, P.Vote) for t in e.terms):
            return self.votes(e.terms)  # type: ignore[arg-type]  # all Votes (tested above)
        out = self.expr(e.terms[0])
        for term in e.terms[1:]:
            out = X.add(out, self.expr(term))
        return out

    def votes(self, terms: tuple[P.Vote, ...]) -> Num:
        """A sum of vote counts, once per batch, in int64 while the counts' bounds allow."""
        key = tuple((t.ballot, t.category) for t in terms)
        if key in self.sums:
            return self.sums[key]
        counts = [self.values[t.ballot][t.category] for t in terms]
        if len(counts) > 1 and not any(x.obj or x.scalar for x in counts) and \
                sum(x.nb for x in counts) <= MAX:
            acc = counts[0].n + counts[1].n  # a fresh array, so adding in place is safe
            for x in counts[2:]:
                acc += x.n
            out = Num(acc, 1, sum(x.nb for x in counts), 1)
        else:
            out = counts[0]
            for x in counts[1:]:
                out = X.add(out, x)
        self.sums[key] = out
        return out

    def div(self, e: P.Div) -> Num:
        q, zero = X.divide(self.expr(e.left), self.expr(e.right))
        self.flag(zero)
        return q

    def extreme(self, e: P.Min | P.Max) -> Num:
        pick = X.minimum if isinstance(e, P.Min) else X.maximum
        out = self.expr(e.args[0])
        for a in e.args[1:]:
            out = pick(out, self.expr(a))
        return out

    def count_true(self, e: P.CountTrue) -> Num:
        hits: int | np.ndarray = 0
        for c in e.conditions:
            v = self.expr(c)
            hits = hits + (v.astype(np.int64) if isinstance(v, np.ndarray) else int(v))
        return Num(hits, 1, len(e.conditions), 1) if isinstance(hits, np.ndarray) else \
            Num.const(hits)

    # -- conditions
    def compare(self, e: P.Compare):
        x, y = self.expr(e.left), self.expr(e.right)
        if isinstance(x, Num):
            return X.compare(x, y, e.op)
        if isinstance(x, Cat):
            x, y = x.ids, y.ids
        out = X.UFUNC[e.op](x, y)
        return out if isinstance(out, np.ndarray) else bool(out)

    def logic(self, e: P.And | P.Or):
        combine = X.both if isinstance(e, P.And) else X.either
        out = self.expr(e.terms[0])
        for term in e.terms[1:]:
            out = combine(out, self.expr(term))
        return out

    def lookup(self, e: P.Lookup):
        ids = self.expr(e.operand).ids
        labels = [v for _, v in e.table if isinstance(v, str)]
        if len(labels) == len(e.table):  # a table of labels
            keys, targets = self.labels.table([k for k, _ in e.table]), self.labels.table(labels)
            table = np.zeros(len(self.labels.names), dtype=np.int32)
            table[keys] = targets
            return Cat(table[ids] if isinstance(ids, np.ndarray) else int(table[ids]))
        by_id = {self.labels.id(k): Fraction(v) for k, v in e.table}
        if not isinstance(ids, np.ndarray):
            return Num.const(by_id[ids])
        # One denominator for the table, so the column is integers over a constant.
        den = math.lcm(*(f.denominator for f in by_id.values()))
        n = np.zeros(len(self.labels.names), dtype=object)
        for i, f in by_id.items():
            n[i] = f.numerator * (den // f.denominator)
        bound = X.bound(n)
        return Num(n.astype(np.int64)[ids] if bound <= MAX else n[ids], den, bound, den)

    def if_(self, e: P.If):
        """Every branch on every row; each row takes the first whose condition holds."""
        chosen = self.expr(e.otherwise)
        for condition, value in reversed([(self.expr(c), self.expr(v)) for c, v in e.branches]):
            chosen = choose(condition, value, chosen)
        return chosen

    # -- histories
    def history_each(self, e: P.Count | P.Streak, count: Callable) -> Num:
        history = self.expr(e.history)
        return Num(np.fromiter((count(h, e.label) for h in history), dtype=np.int64,
                               count=len(history)))

    def ranked(self, e: P.Ranked):
        """A rank that may be missing: every row goes to the reference, which says why (a
        ruleset with group rules comes here row by row, through ``evaluate_many``)."""
        self.flag(True)
        return self.decided[e.node]

    def last(self, e: P.Last) -> Cat:
        history = self.expr(e.history)
        self.flag(np.fromiter((not h for h in history), dtype=bool, count=len(history)))
        return Cat(self.labels.table([h[-1] if h else "" for h in history]))


#: Each primitive of the plan and how a batch evaluates it.
HANDLERS: dict[type, Callable] = {
    P.Const: lambda self, e: constant(self.labels, e.value),
    P.Input: lambda self, e: self.values[e.name],
    P.Vote: lambda self, e: self.values[e.ballot][e.category],
    P.Local: lambda self, e: self.values[e.name],
    P.Decided: lambda self, e: self.decided[e.node],
    P.Ranked: Batch.ranked,
    P.Sum: Batch.sum,
    P.Neg: lambda self, e: X.neg(self.expr(e.operand)),
    P.Mul: lambda self, e: X.mul(self.expr(e.left), self.expr(e.right)),
    P.Div: Batch.div,
    P.Min: Batch.extreme,
    P.Max: Batch.extreme,
    P.Round: lambda self, e: X.round_half_away(self.expr(e.operand), e.digits),
    P.Floor: lambda self, e: X.floor(self.expr(e.operand)),
    P.Ceil: lambda self, e: X.ceil(self.expr(e.operand)),
    P.Abs: lambda self, e: X.absolute(self.expr(e.operand)),
    P.CountTrue: Batch.count_true,
    P.Compare: Batch.compare,
    P.Not: lambda self, e: X.negate(self.expr(e.operand)),
    P.And: Batch.logic,
    P.Or: Batch.logic,
    P.If: Batch.if_,
    P.Lookup: Batch.lookup,
    P.Count: lambda self, e: self.history_each(e, tuple.count),
    P.Streak: lambda self, e: self.history_each(e, streak),
    P.Last: Batch.last,
}


# ---------------------------------------------------------------- the entry point

def evaluate_table(plan: P.Plan, checked: Checked, constants: Constants, table,
                   columns=None, evaluate_many: Callable | None = None):
    """Evaluate every row of a pandas/polars DataFrame or a pyarrow Table; see the module doc.
    ``evaluate_many`` grades the rows of a ruleset with group rules."""
    wanted = selected(checked, columns)
    kind, cols, rows, index = read_table(checked, table)
    labels = Labels()
    if checked.groups:
        assert evaluate_many is not None
        everything = np.arange(rows)
        none = np.zeros(0, dtype=np.int64)
        out = Assembler(rows, none, none, everything, _group_rows(cols, rows, evaluate_many),
                        labels)
        batch_values: dict = {}
        m = 0
    else:
        reader = Reader(plan, cols, rows, labels)
        values = reader.read()
        slow = reader.slow
        fast_idx = np.flatnonzero(~slow) if slow.any() else None
        if fast_idx is not None:
            values = {k: take(v, fast_idx) for k, v in values.items()}
        m = rows if fast_idx is None else fast_idx.size
        batch = Batch(plan, m, labels, values)
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
        batch_values = batch.values
    # The label table must be complete before the columns are built (on threads that only read
    # it): every label was met while reading or evaluating; the reference rows' are added here.
    for _, ev in out.ref_ok:
        for name in wanted:
            if isinstance(ev.values[name], str):
                labels.id(ev.values[name])
    jobs: list[tuple] = []
    for name in wanted:
        value = batch_values[name] if m else _empty(plan, name)
        jobs.append((out.column, name, value))
    for names in (plan.vetoes, plan.outcomes):
        source = batch_values if m else dict.fromkeys(names, False)
        jobs.append((out.names_column, names, source))
    jobs.append((out.error_column,))
    arrays = _run_jobs(jobs, rows)
    result = pa.Table.from_arrays(arrays, names=[*wanted, *RESULT_COLUMNS])
    return _convert(result, kind, index)


def _reference_rows(checked: Checked, constants: Constants, cols, rows_idx: np.ndarray):
    """Evaluate some rows with the reference evaluator: [(Evaluation or None, message or None)]."""
    if rows_idx.size == 0:
        return []
    pyvals = {}
    for name, col in cols.items():
        if isinstance(col, pa.Array):
            pyvals[name] = col.take(pa.array(rows_idx)).to_pylist()
        else:
            pyvals[name] = [col[i] for i in rows_idx.tolist()]
    out: list[tuple] = []
    for j in range(rows_idx.size):
        record = {name: vals[j] for name, vals in pyvals.items()}
        try:
            out.append((reference.evaluate(checked, constants, record), None))
        except InputError as e:
            out.append((None, str(e)))
    return out


class _Graded:
    """A group-evaluated record's result as the assembler reads a reference evaluation."""

    def __init__(self, result):
        self.values, self.vetoes, self.outcomes = result, result.vetoes, result.outcomes


def _group_rows(cols, rows: int, evaluate_many: Callable) -> list:
    """Rulesets with group rules: every row through ``evaluate_many`` (see evalrules.groups),
    which needs whole groups; the vectorized path is for rulesets without them."""
    pyvals = {name: col.to_pylist() if isinstance(col, pa.Array) else list(col)
              for name, col in cols.items()}
    records = [{name: vals[j] for name, vals in pyvals.items()} for j in range(rows)]
    return [(None, str(r.error)) if r.error is not None else (_Graded(r), None)
            for r in evaluate_many(records)]


def _run_jobs(jobs: list[tuple], rows: int) -> list:
    """Build the columns; numpy and Arrow release the GIL, so on a few threads for big batches."""
    if rows < 100_000 or len(jobs) < 3:
        return [job[0](*job[1:]) for job in jobs]
    from concurrent.futures import ThreadPoolExecutor

    workers = min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(*job) for job in jobs]
        return [f.result() for f in futures]


def _empty(plan: P.Plan, name: str):
    """A stand-in batch value when no row was vectorized (every row took the per-row path)."""
    kind = plan.kinds.get(name, P.ValueKind.NUMBER)
    if kind == P.ValueKind.BOOL:
        return False
    if kind == P.ValueKind.LABEL:
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
