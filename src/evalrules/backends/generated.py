"""Generated Python: a :class:`plan.Plan` → the source of one plain function, compiled once.

The function takes a record and returns a result (see :class:`Layout`). It knows the plan's
primitives only (:data:`HANDLERS` maps each node class to its emitter), so its meaning is the
lowering's, which is the reference evaluator's, errors included:

* Validation has a fast path for plain values (dict, int, bool, exact labels); anything else goes
  through ``coerce`` (:func:`values.coerce_record`), which gives the same values or raises the same
  :class:`InputError`.
* Blocks run in the plan's order, and :class:`plan.And`/:class:`plan.Or`/:class:`plan.If` are lazy,
  so the first error a record meets is the same.
* Numbers stay exact: a share is kept as a pair of ints (votes, total) and compared by
  cross-multiplication (``share(B: a) >= 60%`` runs as ``5*a >= 3*total``); other numbers are
  Python ints or :class:`fractions.Fraction`. Python ints never overflow.

Safe by construction: every name, label and message reaches the source as a ``repr``'d literal or
an object of the function's namespace, never as ruleset text, so no ruleset can inject code. The
source is registered with :mod:`linecache` under the ruleset's name, and each line that evaluates a
rule ends with a comment saying where the rule was written, so a traceback through it shows both.

Imports :mod:`ast` (spans), :mod:`plan` and :mod:`.emit`, which writes the lines and reads the
record.
"""

from __future__ import annotations

import datetime
import linecache
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from attrs import frozen

from .. import plan as P
from ..ast import Span
from .emit import FEW, Emitter, Op, Repr, public

_NUMBERS = (Repr.INT, Repr.RATIO)


@frozen
class Layout:
    """Where each named value sits in the tuple a result holds, and how to read it."""

    names: tuple[str, ...]
    index: Mapping[str, int]
    kinds: Mapping[int, str]  # by position: "plain", "num", "ratio" (n, d), "ballot" (counts)
    ballots: Mapping[str, tuple[str, ...]]
    inputs: tuple[str, ...]  # names of ballots and inputs, to rebuild the record
    vetoes: int  # slot of the tuple of applied vetoes
    outcomes: int
    constants: Mapping[str, object]  # params: the same for every record, so not in the tuple


@frozen
class Program:
    """A compiled evaluator. The full program (no ``outputs``) returns an instance of its result
    class, set once with :meth:`bind` before the first call: making the result in the
    generated code itself spares a call per record. ``lines`` maps each line of ``source`` that
    evaluates a rule to where the rule was written."""

    function: Callable
    layout: Layout
    source: str
    lines: Mapping[int, Span]

    def bind(self, result_class: type) -> None:
        self.function.__globals__["_R"] = result_class


def build(plan: P.Plan, coerce: Callable[[Mapping], dict], outputs: tuple[str, ...] | None = None,
          closure: bool = False, filename: str | None = None) -> Program:
    """Generate and compile the evaluator. ``outputs`` limits what is computed to those names
    (and whatever could raise an error, so errors stay those of the reference). With
    ``closure``, exactly what the outputs need is computed (as group rules need on their way;
    see :mod:`evalrules.groups`) and the function returns a dict of their values.

    The function takes ``(record, group=None)``; ``group`` holds what group rules decided for the
    record (see :class:`plan.Decided`)."""
    gen = _Generator(plan, coerce, outputs, closure)
    source = gen.generate()
    namespace: dict[str, Any] = dict(gen.namespace)  # what exec defines too
    name = f"<evalrules {filename or plan.name}>"
    if outputs is not None:
        name = name[:-1] + f" ({', '.join(outputs)})>"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    exec(compile(source, name, "exec"), namespace)  # built from the plan only: see above
    return Program(namespace["evaluate"], gen.layout(), source, gen.spans)

class _Generator(Emitter):
    def __init__(self, plan: P.Plan, coerce: Callable, outputs, closure: bool):
        super().__init__(plan, coerce)
        self.guarded: set[str] = set()  # divisors already checked, unconditionally
        self.closure = closure
        self.outputs = outputs
        self.blocks = plan.schedule(outputs, exact=closure)

    # -- the function
    def generate(self) -> str:
        self.prologue()
        for name, value in self.plan.params.items():
            self.vars[name] = self.constant_op(value)
        for block in self.blocks:
            self.span = block.span
            self.emit(f"# {block.rule!r}")
            for step in block.steps:
                STEPS[type(step)](self, step)
            self.span = None
        self.epilogue()
        # Where a rule was written shows on the lines a traceback can stop at: its first line
        # and each that raises its errors.
        body = [f"{text}  # {span}" if span and span.line and
                (text.lstrip().startswith(("_fail(", "# '"))) else text
                for text, span in self.lines]
        return "\n".join(["def evaluate(record, group=None):", *body]) + "\n"

    def bind(self, step: P.Bind) -> None:
        op = self.store(self.expr(step.expr))
        self.vars[step.name] = op
        if not step.name.startswith("#"):
            self.slot(step.name, op)

    def check(self, step: P.Check) -> None:
        cond = self.expr(step.condition)
        listed = [self.expr(e).expr for e, _ in step.fail.listed]
        self.emit(f"if not {cond.expr}:")
        self.emit(f"    {self.fail(step.fail, *listed)}")

    # -- the result
    def epilogue(self) -> None:
        slots = len(self.slots)
        for name in self.plan.params:  # only where asked for by name: a result reads them apart
            self.slot(name, self.vars[name])
        kinds = {name: (kind, expr) for name, kind, expr in self.slots}
        del self.slots[slots:]
        if self.closure:
            items = [f"{name!r}: {self.raw_expr(name, *kinds[name])}" for name in self.outputs]
            self.emit("return {" + ", ".join(items) + "}")
            return
        if self.outputs is not None:
            values = [_public_expr(*kinds[name]) for name in self.outputs]
            self.emit(f"return {values[0]}" if len(values) == 1 else
                      f"return ({', '.join(values)},)")
            return
        parts: list[str] = []
        for _, _, expr in self.slots:
            parts.extend(expr if isinstance(expr, tuple) else (expr,))
        parts += [self.names_expr(self.plan.vetoes), self.names_expr(self.plan.outcomes)]
        self.emit("_r = _new(_R)")
        self.emit(f"_r._raw = ({', '.join(parts)},)")
        self.emit("return _r")

    def names_expr(self, names: tuple[str, ...]) -> str:
        """The tuple of the names whose conditions hold, in order."""
        if not names:
            return "()"
        flags = ", ".join(self.vars[n].expr for n in names)
        if len(names) <= 3:  # a concatenation of a few is faster than compress()
            return " + ".join(f"(({n!r},) if {self.vars[n].expr} else ())" for n in names)
        return f"tuple(_compress({self.const(names)}, ({flags},)))"

    def raw_expr(self, name: str, kind: str, expr) -> str:
        if kind == "ratio":  # as a pair: group rules compare them as integers
            return f"({expr[0]}, {expr[1]})"
        if kind == "ballot":
            return f"dict(zip({self.const(self.plan.ballots[name])}, ({', '.join(expr)},)))"
        return expr

    def layout(self) -> Layout:
        """Positions in the flat tuple: a ratio takes two (n, d), a ballot one per category."""
        index, kinds, position = {}, {}, 0
        for name, kind, expr in self.slots:
            index[name] = position
            kinds[position] = kind
            position += len(expr) if isinstance(expr, tuple) else 1
        return Layout(
            names=(*index, *self.plan.params), index=index, kinds=kinds,
            ballots=dict(self.plan.ballots),
            inputs=(*self.plan.ballots, *(s.name for s in self.plan.inputs)), vetoes=position,
            outcomes=position + 1,
            constants={name: public(v) if not isinstance(v, (bool, str, datetime.date)) else v
                       for name, v in self.plan.params.items()})

    def slot(self, name: str, op: Op) -> None:
        if op.repr == Repr.RATIO:
            self.slots.append((name, "ratio", (op.expr, op.den)))
        elif op.repr in (Repr.INT, Repr.NUM):
            self.slots.append((name, "num", op.expr))
        else:
            self.slots.append((name, "plain", op.expr))

    # -- expressions
    def expr(self, e: P.Expr) -> Op:
        return HANDLERS[type(e)](self, e)

    def plain(self, op: Op) -> str:
        """The value as an int or Fraction expression (a literal ratio becomes a constant)."""
        if op.repr != Repr.RATIO:
            return op.expr
        if op.expr.lstrip("-").isdigit() and (op.den or "").isdigit():
            return self.const(Fraction(int(op.expr), int(op.den or 1)))
        return f"_frac({op.expr}, {op.den})"

    def input(self, e: P.Input) -> Op:
        return self.vars[e.name]

    def vote(self, e: P.Vote) -> Op:
        return Op(Repr.INT, self.votes[e.ballot, e.category])

    def local(self, e: P.Local) -> Op:
        return self.vars[e.name]

    def decided(self, e: P.Decided) -> Op:
        held = Repr.NUM if e.number else Repr.INT if e.node in self.plan.kinds else Repr.BOOL
        return Op(held, f"group[{e.node!r}]")

    def ranked(self, e: P.Ranked) -> Op:
        rank = f"group[{e.node!r}]"
        self.emit(f"if {rank} is None:")
        self.emit(f"    {self.fail(e.fail)}")
        return Op(Repr.INT, rank)

    def sum(self, e: P.Sum) -> Op:
        if all(isinstance(t, P.Vote) for t in e.terms):
            ballots = {t.ballot for t in e.terms}  # type: ignore[union-attr]  # all Votes
            ballot = ballots.pop()
            if not ballots and len(e.terms) == len(self.plan.ballots[ballot]):
                return Op(Repr.INT, self.totals[ballot])
        ops = [self.expr(t) for t in e.terms]
        if len(ops) > FEW:  # a tuple, not a chain of 3,000 additions the compiler recurses on
            if all(o.repr == Repr.INT for o in ops):
                return Op(Repr.INT, f"sum(({', '.join(o.expr for o in ops)},))")
            return Op(Repr.NUM, f"sum(({', '.join(self.plain(o) for o in ops)},))")
        total = ops[0]
        for op in ops[1:]:
            total = self.combine("+", total, op)
        return total

    def neg(self, e: P.Neg) -> Op:
        op = self.expr(e.operand)
        return Op(op.repr, f"(-{op.expr})", op.den)

    def div(self, e: P.Div) -> Op:
        a = self.expr(e.left)
        b = self.store(self.expr(e.right))
        if b.expr not in self.guarded:  # an unconditional check of it already ran before
            self.emit(f"if not {b.expr}:")
            self.emit(f"    {self.fail(e.fail)}")
            if self.depth == 1:
                self.guarded.add(b.expr)
        if b.repr == Repr.RATIO:  # a / (n/d) = a * d / n
            return self.combine("*", a, self.ratio(b.den or "1", b.expr, P.nonnegative(e.right)))
        if b.repr == Repr.INT:
            return self.combine("*", a, self.ratio("1", b.expr, P.nonnegative(e.right)))
        return Op(Repr.NUM, f"(Fraction({self.plain(a)}) / {b.expr})")

    def ratio(self, n: str, d: str, positive: bool) -> Op:
        """n/d as a ratio (d != 0); unless d is known positive, its sign moves to n."""
        if positive:
            return Op(Repr.RATIO, n, d)
        sign = self.fresh("s")
        self.emit(f"{sign} = -1 if {d} < 0 else 1")
        return Op(Repr.RATIO, f"({sign} * {n})", f"({sign} * {d})")

    def combine(self, op: str, a: Op, b: Op) -> Op:
        """a op b for + - *: integers stay integers, ratios stay pairs of integers."""
        if a.repr in _NUMBERS and b.repr in _NUMBERS:
            if a.repr == b.repr == Repr.INT:
                return Op(Repr.INT, f"({a.expr} {op} {b.expr})")
            n1, d1, n2, d2 = a.expr, a.den, b.expr, b.den
            if op == "*":
                return Op(Repr.RATIO, _times(n1, n2), _times(d1, d2))
            if d1 == d2:
                return Op(Repr.RATIO, f"({n1} {op} {n2})", d1)
            return Op(Repr.RATIO, f"({_times(n1, d2)} {op} {_times(n2, d1)})", _times(d1, d2))
        return Op(Repr.NUM, f"({self.plain(a)} {op} {self.plain(b)})")

    def mul(self, e: P.Mul) -> Op:
        return self.combine("*", self.expr(e.left), self.expr(e.right))

    def extreme(self, e: P.Min | P.Max) -> Op:
        f = "min" if isinstance(e, P.Min) else "max"
        ops = [self.expr(a) for a in e.args]
        if all(o.repr == Repr.INT for o in ops):
            return Op(Repr.INT, f"{f}({', '.join(o.expr for o in ops)})")
        return Op(Repr.NUM, f"{f}({', '.join(self.plain(o) for o in ops)})")

    def round(self, e: P.Round) -> Op:
        return Op(Repr.NUM, f"_round({self.plain(self.expr(e.operand))}, {e.digits})")

    def floor(self, e: P.Floor) -> Op:
        op = self.expr(e.operand)
        if op.repr == Repr.RATIO:
            return Op(Repr.INT, f"({op.expr} // {op.den})")
        return op if op.repr == Repr.INT else Op(Repr.INT, f"_floor({op.expr})")

    def ceil(self, e: P.Ceil) -> Op:
        op = self.expr(e.operand)
        if op.repr == Repr.RATIO:
            return Op(Repr.INT, f"(-(-{op.expr} // {op.den}))")
        return op if op.repr == Repr.INT else Op(Repr.INT, f"_ceil({op.expr})")

    def abs(self, e: P.Abs) -> Op:
        op = self.expr(e.operand)
        return Op(op.repr, f"abs({op.expr})", op.den)

    def count_true(self, e: P.CountTrue) -> Op:
        flags = [self.store(self.expr(c)).expr for c in e.conditions]
        if len(flags) > FEW:
            return Op(Repr.INT, f"sum(({', '.join(flags)},))")
        return Op(Repr.INT, f"({' + '.join(flags)})")

    def compare(self, e: P.Compare) -> Op:
        a, b = self.expr(e.left), self.expr(e.right)
        if a.repr == Repr.RATIO or b.repr == Repr.RATIO:  # cross-multiply: denominators are > 0
            return Op(Repr.BOOL, f"({_times(a.expr, b.den)} {e.op} {_times(b.expr, a.den)})")
        if a.repr == Repr.NUM or b.repr == Repr.NUM:
            return Op(Repr.BOOL, f"({self.plain(a)} {e.op} {self.plain(b)})")
        return Op(Repr.BOOL, f"({a.expr} {e.op} {b.expr})")

    def not_(self, e: P.Not) -> Op:
        return Op(Repr.BOOL, f"(not {self.expr(e.operand).expr})")

    def logic(self, e: P.And | P.Or) -> Op:
        """``a and b and …``: pure terms joined in one flat expression (a few at a time); a term
        with statements runs them only when it is reached, in flat statements, never nested."""
        op = "and" if isinstance(e, P.And) else "or"
        pending = [self.expr(e.terms[0]).expr]
        var = None
        for term in e.terms[1:]:
            right, body = self.capture(term)
            if not body and len(pending) < FEW:
                pending.append(right.expr)
                continue
            var = var or self.fresh("v")
            self.emit(f"{var} = ({f' {op} '.join(pending)})" if len(pending) > 1 else
                      f"{var} = {pending[0]}")
            self.emit(f"if {'' if op == 'and' else 'not '}{var}:")
            self.lines.extend(body)
            self.emit(f"    {var} = {right.expr}")
            pending = [var]
        return Op(Repr.BOOL, f"({f' {op} '.join(pending)})" if len(pending) > 1 else pending[0])

    def if_(self, e: P.If) -> Op:
        """The first branch whose condition holds. A few pure branches: one conditional
        expression; pure conditions: an ``if``/``elif`` chain; otherwise flat statements, each
        branch tried only while no value is chosen, so a table of 5,000 rules nests no deeper
        than one of two. Numbers stay a pair of ints where a branch is a ratio."""
        d, n = self.depth, len(e.branches)
        conditions = [self.capture(c, d if i == 0 else d + 1) for i, (c, _) in
                      enumerate(e.branches)]
        chain = n <= 2 * FEW and not any(body for _, body in conditions)
        values = [self.capture(v, d + 1 if chain or i == 0 else d + 2) for i, (_, v) in
                  enumerate(e.branches)]
        other, other_body = self.capture(e.otherwise, d + 1)
        reprs = {op.repr for op, _ in values} | {other.repr}
        ratio = Repr.RATIO in reprs and reprs <= {Repr.INT, Repr.NUM, Repr.RATIO}
        pure = chain and n <= FEW // 2 and not other_body and not any(b for _, b in values)
        if pure and not ratio:
            held = reprs.pop() if len(reprs) == 1 else Repr.NUM
            text = other.expr
            for (cond, _), (value, _) in zip(reversed(conditions), reversed(values),
                                             strict=True):
                text = f"({value.expr} if {cond.expr} else {text})"
            return Op(held, text)
        if ratio:
            result = Op(Repr.RATIO, self.fresh("n"), self.fresh("d"))

            def assign(op: Op) -> str:
                return self._pair(op, result)
        else:
            result = Op(reprs.pop() if len(reprs) == 1 else Repr.NUM, self.fresh("v"))

            def assign(op: Op) -> str:
                return f"{result.expr} = {op.expr}"
        if chain:  # if c1: … elif c2: … else: …
            for i, ((cond, _), (value, body)) in enumerate(zip(conditions, values, strict=True)):
                self.emit(f"{'if' if i == 0 else 'elif'} {cond.expr}:")
                self.lines.extend(body)
                self.emit(f"    {assign(value)}")
            self.emit("else:")
            self.lines.extend(other_body)
            self.emit(f"    {assign(other)}")
            return result
        self.emit(f"{result.expr} = _UNSET")
        for i, ((cond, cond_body), (value, body)) in enumerate(zip(conditions, values,
                                                                   strict=True)):
            inner = "" if i == 0 else "    "
            if i:
                self.emit(f"if {result.expr} is _UNSET:")
            self.lines.extend(cond_body)
            self.emit(f"{inner}if {cond.expr}:")
            self.lines.extend(body)
            self.emit(f"{inner}    {assign(value)}")
        self.emit(f"if {result.expr} is _UNSET:")
        self.lines.extend(other_body)
        self.emit(f"    {assign(other)}")
        return result

    def _parts(self, op: Op) -> tuple[str, str]:
        """A number as a numerator and a denominator expression."""
        if op.repr == Repr.RATIO:
            return op.expr, op.den or "1"
        if op.repr == Repr.INT:
            return op.expr, "1"
        value = self.store(op).expr
        return f"{value}.numerator", f"{value}.denominator"

    def _pair(self, op: Op, into: Op) -> str:
        """Assign a number to the pair of variables of a ratio."""
        if op.repr == Repr.RATIO:
            return f"{into.expr}, {into.den} = {op.expr}, {op.den}"
        if op.repr == Repr.INT:
            return f"{into.expr}, {into.den} = {op.expr}, 1"
        value = self.fresh("v")
        return f"{value} = {op.expr}; {into.expr}, {into.den} = {value}.numerator, " \
               f"{value}.denominator"

    def lookup(self, e: P.Lookup) -> Op:
        op = self.expr(e.operand)
        values = [v for _, v in e.table]
        if all(isinstance(v, str) for v in values):
            return Op(Repr.LABEL, f"{self.const(e.mapping())}[{op.expr}]")
        table = {k: int(v) for k, v in e.table}
        return Op(Repr.INT, f"{self.const(table)}[{op.expr}]")

    def count(self, e: P.Count) -> Op:
        return Op(Repr.INT, f"{self.expr(e.history).expr}.count({e.label!r})")

    def streak(self, e: P.Streak) -> Op:
        return Op(Repr.INT, f"_streak({self.expr(e.history).expr}, {e.label!r})")

    def last(self, e: P.Last) -> Op:
        history = self.expr(e.history).expr
        self.emit(f"if not {history}:")
        self.emit(f"    {self.fail(e.fail)}")
        return Op(Repr.LABEL, f"{history}[-1]")


def _times(a: str | None, b: str | None) -> str:
    """``a * b`` for integer expressions, where None or "1" is a factor of one."""
    if a in (None, "1"):
        return b or "1"
    if b in (None, "1"):
        return a
    return f"({a} * {b})"


def _public_expr(kind: str, expr) -> str:
    """The value as the API gives it: integral numbers as int."""
    if kind == "ratio":
        return f"_public(_frac({expr[0]}, {expr[1]}))"
    if kind == "num":
        return f"_public({expr})"
    if kind == "ballot":
        raise ValueError("a ballot is an input, not an output")
    return expr


STEPS: dict[type, Callable] = {P.Bind: _Generator.bind, P.Check: _Generator.check}

#: Each primitive of the plan and the method that compiles it (each takes its own class of node:
#: a pairing the type of a dict cannot say).
HANDLERS: dict[type, Callable[[_Generator, Any], Op]] = {
    P.Const: lambda self, e: self.constant_op(e.value),
    P.Input: _Generator.input,
    P.Vote: _Generator.vote,
    P.Local: _Generator.local,
    P.Decided: _Generator.decided,
    P.Ranked: _Generator.ranked,
    P.Sum: _Generator.sum,
    P.Neg: _Generator.neg,
    P.Mul: _Generator.mul,
    P.Div: _Generator.div,
    P.Min: _Generator.extreme,
    P.Max: _Generator.extreme,
    P.Round: _Generator.round,
    P.Floor: _Generator.floor,
    P.Ceil: _Generator.ceil,
    P.Abs: _Generator.abs,
    P.CountTrue: _Generator.count_true,
    P.Compare: _Generator.compare,
    P.Not: _Generator.not_,
    P.And: _Generator.logic,
    P.Or: _Generator.logic,
    P.If: _Generator.if_,
    P.Lookup: _Generator.lookup,
    P.Count: _Generator.count,
    P.Streak: _Generator.streak,
    P.Last: _Generator.last,
}
