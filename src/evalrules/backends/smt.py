"""The SMT backend: a plan as z3 formulas over one record's unknowns (for :mod:`evalrules.verify`).

Where the other backends compute a record's values, this one describes them for *every* record at
once: each input is a z3 variable (a vote count a whole number >= 0, an integer input an ``Int``,
a number a ``Real``, a label a code among its labels), and each value of the plan a term over them,
so a solver can prove a property for all valid records or find one that breaks it.

Numbers are exact: a :class:`Num` is a numerator over a positive denominator, both z3 terms, and a
comparison multiplies across, so ``share(测评: 优秀) >= 60%`` becomes ``5·优秀 >= 3·total``: linear
where the ruleset is linear. To keep it so, a constant factor or divisor scales the numerator (a
share halved is still over its total; the numerator may then be a real term), equal denominators
are never multiplied together, and a choice between constants is put over one denominator. What
stays nonlinear is nonlinear in the ruleset: a share added to another ballot's share or to a
number input (``x + a/T >= c`` is ``x·T + a >= c·T``). ``floor``, ``ceil`` and ``round`` (half
away from zero) are exact whole numbers (``ToInt`` over a constant denominator, else an unknown
``k`` with ``k·d <= n < (k+1)·d``). ``tests/test_smt_encoding.py`` holds all this to the
reference evaluator. Every :class:`plan.Fail` becomes a :class:`Failure`: the condition under
which a record fails there first, in the plan's order (the reference's), so errors are encoded
too.

What a record holds beyond numbers is described exactly where it can be and over-approximated
where it cannot, and :attr:`Encoded.abstract` says so (a counterexample must then be replayed):

- a history of labels is its length, how often each label occurs, its last label and how many of
  its latest entries in a row are that label — exact: any such values are some history's;
- a list of numbers is its length and, for each statistic the ruleset reads (by op and trim), an
  unknown of its own — abstract. What is encoded: each statistic within the numbers' range (a sum
  within length × the range), a sum of nothing 0, ``min`` at or below the others of its trim and
  ``max`` at or above. What is not (it is nonlinear or needs the numbers themselves): sum = count ×
  mean, a sum between count × min and count × max, how the statistics of different trims relate.
  So a model may describe no list (two numbers of mean 50, least 0 and greatest 60);
  :func:`record_of` then still gives a list of the model's length, and where some list has all
  the model's statistics it gives one (a small solver question), so most counterexamples replay;
- what group rules decide (ranks, group values, quota moves) is free: any value is possible.

Imports z3 (the ``verify`` extra), :mod:`plan` and :mod:`backends.smt_record`; the caller imports
it lazily.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import z3
from attrs import define

from .. import plan as P
from .smt_record import (
    Context,
    Failure,
    History,
    Inputs,
    Label,
    Num,
    NumberList,
    Term,
    decisions_of,
    num,
    record_of,
    value_of,
    whole,
)

__all__ = ["HANDLERS", "Context", "Encoded", "Failure", "Inputs", "Label", "Num", "Term",
           "decisions_of", "encode", "evaluate", "record_of", "value_of"]


@define
class Encoded:
    """A plan over some :class:`Inputs`: the term of every value and where the record fails."""

    plan: P.Plan
    inputs: Inputs
    values: dict[str, Term]
    failures: list[Failure]
    axioms: list[z3.BoolRef]

    @property
    def assumptions(self) -> z3.BoolRef:
        """The record is a record: its inputs in their domains (and the encoding's definitions)."""
        return z3.And(*self.inputs.domain, *self.axioms)

    @property
    def valid(self) -> z3.BoolRef:
        """A valid record: in its domains, and no ``require`` rejects it."""
        return z3.And(self.assumptions, *(z3.Not(f.fires) for f in self.failures if f.require))

    @property
    def graded(self) -> z3.BoolRef:
        """A record that is graded: valid and with no error."""
        return z3.And(self.assumptions, *(z3.Not(f.fires) for f in self.failures))

    @property
    def errors(self) -> list[Failure]:
        """The ways a valid record can still fail."""
        return [f for f in self.failures if not f.require]

    @property
    def abstract(self) -> bool:
        return self.inputs.abstract


def encode(plan: P.Plan, inputs: Inputs, forced: Mapping[str, Term] | None = None,
           names: Sequence[str] | None = None) -> Encoded:
    """The plan over ``inputs`` (declared here if not yet): its blocks in schedule order, the
    values in ``forced`` taken as given instead of computed (a veto switched off)."""
    inputs.declare(plan)
    e = _Encoder(plan, inputs, dict(forced or {}))
    for block in plan.schedule(names):
        e.block(block)
    return Encoded(plan, inputs, e.env, e.failures, e.axioms)


def evaluate(encoded: Encoded, expr: P.Expr) -> tuple[Term, z3.BoolRef]:
    """An expression over an encoded record's values (a ``check always`` condition, a grade
    rule's): its term and the condition under which evaluating it fails."""
    e = _Encoder(encoded.plan, encoded.inputs, {})
    e.env = dict(encoded.values)
    term = e.expr(expr)
    encoded.axioms += e.axioms
    return term, z3.Or(*(f.fires for f in e.failures)) if e.failures else z3.BoolVal(False)


class _Encoder:
    def __init__(self, plan: P.Plan, inputs: Inputs, forced: dict[str, Term]) -> None:
        self.plan, self.inputs, self.forced = plan, inputs, forced
        self.env: dict[str, Term] = {}
        self.failures: list[Failure] = []
        self.axioms: list[z3.BoolRef] = []
        self.path: list[z3.BoolRef] = []
        self.ok: list[z3.BoolRef] = []
        self.current: P.Block | None = None

    def block(self, block: P.Block) -> None:
        self.current = block
        for step in block.steps:
            if isinstance(step, P.Bind):
                term = self.forced.get(step.name)
                self.env[step.name] = self.expr(step.expr) if term is None else term
            else:
                self.fails(z3.Not(self.cond(step.condition)), step.fail)

    def fails(self, trigger: z3.BoolRef, fail: P.Fail) -> None:
        here = z3.And(*self.path, trigger)
        block = self.current
        self.failures.append(Failure(fail, z3.And(*self.ok, here),
                                     block.name if block else None,
                                     block is not None and block.name is None))
        self.ok.append(z3.Not(here))

    def cond(self, e: P.Expr) -> z3.BoolRef:
        term = self.expr(e)
        assert isinstance(term, z3.BoolRef), e
        return term

    def number(self, e: P.Expr) -> Num:
        term = self.expr(e)
        if isinstance(term, z3.ArithRef):  # a decided rank or group value
            return whole(term) if term.is_int() else Num(term, z3.IntVal(1), 1)
        assert isinstance(term, Num), e
        return term

    def expr(self, e: P.Expr) -> Term:
        return HANDLERS[type(e)](self, e)

    def const(self, e: P.Const) -> Term:
        match e.value:
            case bool() as b:
                return z3.BoolVal(b)
            case str() as s:
                return Label(z3.IntVal(self.inputs.context.code(s)))
        return num(e.value)

    def input(self, e: P.Input) -> Term:
        term = self.inputs.terms[e.name]
        if isinstance(term, z3.ArithRef):
            return whole(term) if term.is_int() else Num(term, z3.IntVal(1), 1)
        return term

    def decided(self, e: P.Decided) -> Term:
        term = self.inputs.decision(e)
        if isinstance(term, z3.BoolRef):
            return term
        assert isinstance(term, z3.ArithRef)
        return whole(term) if term.is_int() else Num(term, z3.IntVal(1), 1)

    def ranked(self, e: P.Ranked) -> Num:
        self.fails(z3.Not(self.inputs.has_rank(e)), e.fail)
        term = self.inputs.decision(e)
        assert isinstance(term, z3.ArithRef)
        return whole(term)

    def sum(self, e: P.Sum) -> Num:
        out = self.number(e.terms[0])
        for x in e.terms[1:]:
            out = add(out, self.number(x))
        return out

    def neg(self, e: P.Neg) -> Num:
        a = self.number(e.operand)
        return Num(-a.n, a.d, a.dk)

    def ceil(self, e: P.Ceil) -> Num:
        a = self.number(e.operand)
        return whole(-self.floored(Num(-a.n, a.d, a.dk)))

    def abs(self, e: P.Abs) -> Num:
        a = self.number(e.operand)
        return Num(z3.If(a.n >= 0, a.n, -a.n), a.d, a.dk)

    def count_true(self, e: P.CountTrue) -> Num:
        return whole(z3.Sum([z3.If(self.cond(x), 1, 0) for x in e.conditions]))

    def lookup(self, e: P.Lookup) -> Term:
        key = self.expr(e.operand)
        assert isinstance(key, Label), e
        entries = [(self.inputs.context.code(k), self.const(P.Const(v))) for k, v in e.table]
        found = entries[-1][1]
        for code, value in reversed(entries[:-1]):
            found = choose(key.code == code, value, found)
        return found

    def history(self, e: P.Count | P.Streak | P.Last) -> History:
        hist = self.expr(e.history)
        assert isinstance(hist, History), e
        return hist

    def count(self, e: P.Count) -> Num:
        return whole(self.history(e).counts.get(e.label, z3.IntVal(0)))

    def streak(self, e: P.Streak) -> Num:
        hist, code = self.history(e), self.inputs.context.code(e.label)
        return whole(z3.If(z3.And(hist.length > 0, hist.last == code), hist.streak, 0))

    def last(self, e: P.Last) -> Label:
        hist = self.history(e)
        self.fails(hist.length == 0, e.fail)
        return Label(hist.last)

    def extreme(self, e: P.Min | P.Max) -> Num:
        op = "<=" if isinstance(e, P.Min) else ">="
        out = self.number(e.args[0])
        for x in e.args[1:]:
            b = self.number(x)
            chosen = choose(compare(op, out, b), out, b)
            assert isinstance(chosen, Num)
            out = chosen
        return out

    def div(self, e: P.Div) -> Num:
        a, b = self.number(e.left), self.number(e.right)
        self.fails(b.n == 0, e.fail)
        c = constant(b)
        if c:  # by a constant: a's denominator stays (a share halved is still over its total)
            return mul(a, num(1 / c))
        if P.nonnegative(e.right):
            return Num(_product(a.n, b.d), _product(a.d, b.n), None)
        sign = z3.If(b.n < 0, -1, 1)
        return Num(_product(a.n, b.d) * sign, _product(a.d, z3.If(b.n < 0, -b.n, b.n)), None)

    def floored(self, a: Num) -> z3.ArithRef:
        """The whole number at or below ``a``."""
        if a.dk == 1 and a.n.is_int():
            return a.n
        if a.dk is not None:  # a real input's numerator is no Int to convert
            return z3.ToInt((z3.ToReal(a.n) if a.n.is_int() else a.n) / a.dk)
        k = self.inputs.context.fresh("floor")
        # defined where the denominator is positive, so the definition never excludes a record
        self.axioms.append(z3.Implies(a.d > 0, z3.And(k * a.d <= a.n, a.n < (k + 1) * a.d)))
        return k

    def round(self, e: P.Round) -> Num:
        a, digits = self.number(e.operand), e.digits
        scale = Fraction(10) ** digits
        y = mul(a, num(scale))
        half = num(Fraction(1, 2))
        up = self.floored(add(y, half))
        down = self.floored(add(Num(-y.n, y.d, y.dk), half))
        r = z3.If(y.n >= 0, up, -down)
        return mul(whole(r), num(1 / scale))

    def compare(self, e: P.Compare) -> z3.BoolRef:
        a, b = self.expr(e.left), self.expr(e.right)
        op = e.op.value
        if isinstance(a, Num) or isinstance(b, Num):
            a, b = (self.number(e.left) if not isinstance(a, Num) else a,
                    self.number(e.right) if not isinstance(b, Num) else b)
            return compare(op, a, b)
        if isinstance(a, Label) and isinstance(b, Label):
            a, b = a.code, b.code
        elif isinstance(a, z3.ArithRef) or isinstance(b, z3.ArithRef):
            return compare(op, self.number(e.left), self.number(e.right))
        assert op in ("==", "!="), e
        return a == b if op == "==" else a != b

    def lazy(self, e: P.And | P.Or) -> z3.BoolRef:
        conjunction, xs = isinstance(e, P.And), e.terms
        terms: list[z3.BoolRef] = []
        depth = len(self.path)
        for x in xs:
            t = self.cond(x)
            terms.append(t)
            self.path.append(t if conjunction else z3.Not(t))
        del self.path[depth:]
        return z3.And(terms) if conjunction else z3.Or(terms)

    def choice(self, e: P.If) -> Term:
        depth = len(self.path)
        conds: list[z3.BoolRef] = []
        values: list[Term] = []
        for c, v in e.branches:
            t = self.cond(c)
            self.path.append(t)
            values.append(self.expr(v))
            self.path[-1] = z3.Not(t)
            conds.append(t)
        out = self.expr(e.otherwise)
        del self.path[depth:]
        for t, v in reversed(list(zip(conds, values, strict=True))):
            out = choose(t, v, out)
        return out

    def numbers(self, e: P.Numbers) -> Num:
        items = self.expr(e.items)
        assert isinstance(items, NumberList), e
        m = items.length - 2 * e.trim
        if e.fail is not None:
            self.fails(m <= 0, e.fail)
        if e.op == "count":
            return whole(m)
        v = self.inputs.statistic(items, e.op, e.trim)
        return whole(v) if v.is_int() else Num(v, z3.IntVal(1), 1)


#: Every primitive of the plan → its encoding (an :class:`_Encoder` method).
HANDLERS: dict[type, Callable[[_Encoder, Any], Term]] = {
    P.Const: _Encoder.const,
    P.Input: _Encoder.input,
    P.Vote: lambda self, e: whole(self.inputs.vote(e.ballot, e.category)),
    P.Local: lambda self, e: self.env[e.name],
    P.Decided: _Encoder.decided,
    P.Ranked: _Encoder.ranked,
    P.Sum: _Encoder.sum,
    P.Neg: _Encoder.neg,
    P.Mul: lambda self, e: mul(self.number(e.left), self.number(e.right)),
    P.Div: _Encoder.div,
    P.Min: _Encoder.extreme,
    P.Max: _Encoder.extreme,
    P.Round: _Encoder.round,
    P.Floor: lambda self, e: whole(self.floored(self.number(e.operand))),
    P.Ceil: _Encoder.ceil,
    P.Abs: _Encoder.abs,
    P.CountTrue: _Encoder.count_true,
    P.Compare: _Encoder.compare,
    P.Not: lambda self, e: z3.Not(self.cond(e.operand)),
    P.And: _Encoder.lazy,
    P.Or: _Encoder.lazy,
    P.If: _Encoder.choice,
    P.Lookup: _Encoder.lookup,
    P.Count: _Encoder.count,
    P.Streak: _Encoder.streak,
    P.Last: _Encoder.last,
    P.Numbers: _Encoder.numbers,
}


# ---------------------------------------------------------------- exact arithmetic on Num


def _lift(a: Num, b: Num) -> tuple[z3.ArithRef, z3.ArithRef, z3.ArithRef, int | None]:
    """``a`` and ``b`` over one denominator: their numerators, it, and it as an int if known."""
    if a.dk is not None and b.dk is not None:
        d = math.lcm(a.dk, b.dk)
        return _times(a.n, d // a.dk), _times(b.n, d // b.dk), z3.IntVal(d), d
    if z3.eq(a.d, b.d):
        return a.n, b.n, a.d, None
    if b.dk is not None:  # a constant denominator scales the numerator: still linear
        return _times(a.n, b.dk), _product(b.n, a.d), _times(a.d, b.dk), None
    if a.dk is not None:
        return _product(a.n, b.d), _times(b.n, a.dk), _times(b.d, a.dk), None
    return _product(a.n, b.d), _product(b.n, a.d), _product(a.d, b.d), None


def _times(t: z3.ArithRef, k: int) -> z3.ArithRef:
    if z3.is_int_value(t):
        return z3.IntVal(t.as_long() * k)
    return t if k == 1 else t * k


def _product(x: z3.ArithRef, y: z3.ArithRef) -> z3.ArithRef:
    """``x · y``, without a factor 1 (so equal denominators stay equal terms), and into the
    branches of a choice between constants (``If(c, 3, 2) · total`` is ``If(c, 3·total,
    2·total)``: linear)."""
    for a, b in ((x, y), (y, x)):
        if z3.is_int_value(a) and a.as_long() == 1:
            return b
        if z3.is_app_of(a, z3.Z3_OP_ITE) and not _variable(a):
            return z3.If(a.arg(0), _product(a.arg(1), b), _product(a.arg(2), b))
    return x * y


def _variable(t: z3.ExprRef) -> bool:
    """Whether a number term's value has an unknown in it (outside the conditions of choices)."""
    if z3.is_app_of(t, z3.Z3_OP_ITE):
        return _variable(t.arg(1)) or _variable(t.arg(2))
    return not (z3.is_int_value(t) or z3.is_rational_value(t)) and (
        t.num_args() == 0 or any(_variable(c) for c in t.children()))


def constant(a: Num) -> Fraction | None:
    """The number ``a`` is when it is a constant."""
    if a.dk is not None and z3.is_int_value(a.n):
        return Fraction(a.n.as_long(), a.dk)
    return None


def _scaled(t: z3.ArithRef, c: Fraction) -> z3.ArithRef:
    """``t · c``: a whole factor keeps an integer term integer, a fraction makes it real."""
    if c.denominator == 1:
        return _times(t, int(c))
    return (z3.ToReal(t) if t.is_int() else t) * z3.RealVal(f"{c.numerator}/{c.denominator}")


def add(a: Num, b: Num) -> Num:
    an, bn, d, dk = _lift(a, b)
    return Num(an + bn, d, dk)


def mul(a: Num, b: Num) -> Num:
    """``a · b``; a constant factor scales the other's numerator (its denominator kept)."""
    ca, cb = constant(a), constant(b)
    if ca is not None and cb is not None:
        return num(ca * cb)
    if ca is not None or cb is not None:
        x, c = (b, ca) if ca is not None else (a, cb)
        assert c is not None
        return Num(_scaled(x.n, c), x.d, x.dk)
    if a.dk is not None and b.dk is not None:
        return Num(a.n * b.n, z3.IntVal(a.dk * b.dk), a.dk * b.dk)
    return Num(_product(a.n, b.n), _product(a.d, b.d), None)


_OPS = {"==": lambda x, y: x == y, "!=": lambda x, y: x != y, "<": lambda x, y: x < y,
        "<=": lambda x, y: x <= y, ">": lambda x, y: x > y, ">=": lambda x, y: x >= y}


def compare(op: str, a: Num, b: Num) -> z3.BoolRef:
    an, bn, _, _ = _lift(a, b)
    return _OPS[op](an, bn)


def choose(c: z3.BoolRef, a: Term, b: Term) -> Term:
    """``a`` where ``c`` holds, else ``b`` (of one kind)."""
    if isinstance(a, Num) and isinstance(b, Num):
        if a.dk is not None and b.dk is not None:  # over one constant denominator: linear
            an, bn, d, dk = _lift(a, b)
            return Num(z3.If(c, an, bn), d, dk)
        if z3.eq(a.d, b.d):
            return Num(z3.If(c, a.n, b.n), a.d, None)
        return Num(z3.If(c, a.n, b.n), z3.If(c, a.d, b.d), None)
    if isinstance(a, Label) and isinstance(b, Label):
        return Label(z3.If(c, a.code, b.code))
    return z3.If(c, a, b)


