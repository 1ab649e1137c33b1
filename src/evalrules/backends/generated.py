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

Imports :mod:`ast` (spans), :mod:`diagnostics`, :mod:`plan` and :mod:`values`.
"""

from __future__ import annotations

import itertools
import linecache
import math
import re
from collections.abc import Callable, Mapping
from enum import Enum
from fractions import Fraction

from attrs import frozen

from .. import plan as P
from ..ast import Span
from ..diagnostics import InputError
from ..values import round_half_away

_SIMPLE = re.compile(r"\(?([A-Za-z_]\w*|-?\d+)\)?")


class _Slow(Exception):
    """The fast validation path met something it does not handle; use the reference's."""


class Repr(Enum):
    """How a compiled value is held: ``INT`` a Python int; ``NUM`` an int or a Fraction;
    ``RATIO`` ``expr / den``, two int expressions with ``den > 0``; ``BOOL``; ``LABEL`` a str;
    ``HISTORY`` a tuple of labels."""

    INT = "int"
    NUM = "num"
    RATIO = "ratio"
    BOOL = "bool"
    LABEL = "label"
    HISTORY = "history"


@frozen
class Op:
    """A compiled expression: Python source of its value and how the value is held."""

    repr: Repr
    expr: str
    den: str | None = None


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
    namespace = dict(gen.namespace)
    name = f"<evalrules {filename or plan.name}>"
    if outputs is not None:
        name = name[:-1] + f" ({', '.join(outputs)})>"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    exec(compile(source, name, "exec"), namespace)  # built from the plan only: see above
    return Program(namespace["evaluate"], gen.layout(), source, gen.spans)


class _Generator:
    def __init__(self, plan: P.Plan, coerce: Callable, outputs, closure: bool):
        self.plan = plan
        self.lines: list[tuple[str, Span | None]] = []  # each line and the rule it evaluates
        self.span: Span | None = None
        self.depth = 1
        self.fails: list[P.Fail] = []
        self.namespace: dict[str, object] = {
            "Fraction": Fraction, "_Slow": _Slow, "_floor": math.floor, "_ceil": math.ceil,
            "_new": object.__new__, "_R": None, "_round": _round, "_frac": Fraction,
            "_public": public, "_streak": _streak, "_coerce": coerce,
            "_compress": itertools.compress,
            "_fail": _failing(self.fails),
        }
        self.vars: dict[str, Op] = {}
        self.counter = 0
        self.slots: list[tuple[str, str, object]] = []  # (name, kind, expr or exprs)
        self.votes: dict[tuple[str, str], str] = {}
        self.guarded: set[str] = set()
        self.closure = closure
        self.outputs = outputs
        self.blocks = plan.schedule(outputs, exact=closure)

    # -- emission helpers
    def emit(self, line: str) -> None:
        self.lines.append(("    " * self.depth + line, self.span))

    def capture(self, e: P.Expr) -> tuple[Op, list[tuple[str, Span | None]]]:
        """Compile ``e`` one level deeper, returning its statements instead of emitting them."""
        mark = len(self.lines)
        self.depth += 1
        op = self.expr(e)
        self.depth -= 1
        body = self.lines[mark:]
        del self.lines[mark:]
        return op, body

    @property
    def spans(self) -> dict[int, Span]:
        return {i: span for i, (_, span) in enumerate(self.lines, 2) if span and span.line}

    def fresh(self, stem: str = "t") -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    def const(self, value: object) -> str:
        """A constant as source: a literal where Python has one, else a namespace name."""
        if isinstance(value, Fraction) and value.denominator == 1:
            value = value.numerator
        if value is None or isinstance(value, (bool, int, str)):
            return repr(value)
        name = f"_K{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def fail(self, fail: P.Fail, *listed: str) -> str:
        """A call raising the fail's InputError (``listed``: the conditions it names)."""
        self.fails.append(fail)
        args = f", ({', '.join(listed)},)" if listed else ""
        return f"_fail({len(self.fails) - 1}{args})"

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

    def constant_op(self, value: object) -> Op:
        """A constant as code: a fraction as its integer pair, so comparisons with it
        cross-multiply integers."""
        if isinstance(value, bool):
            return Op(Repr.BOOL, repr(value))
        if isinstance(value, str):
            return Op(Repr.LABEL, repr(value))
        value = Fraction(value)  # type: ignore[arg-type]
        if value.denominator == 1:
            return Op(Repr.INT, repr(value.numerator))
        return Op(Repr.RATIO, repr(value.numerator), repr(value.denominator))

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

    # -- validation
    def prologue(self) -> None:
        """Validation: plain values are checked inline, all in one condition where possible;
        anything else takes the reference's coercion (same values, same errors)."""
        plan = self.plan
        self.emit("try:")
        self.depth += 1
        optional = any(not spec.required for spec in plan.inputs)
        required = len(plan.ballots) + sum(spec.required for spec in plan.inputs)
        if optional:
            self.emit(f"n = {required}")
        # Reading a non-dict can only fail (TypeError, KeyError): the class is checked with the
        # values, in one condition at the end.
        checks = ["record.__class__ is not dict"]
        totals = []
        for b, cats in plan.ballots.items():
            raw = self.fresh("b")
            counts = [self.fresh("c") for _ in cats]
            self.votes.update(((b, c), v) for c, v in zip(cats, counts, strict=True))
            self.emit(f"{raw} = record[{b!r}]")
            checks += [f"{raw}.__class__ is not dict", f"len({raw}) != {len(cats)}"]
            self.emit(f"{', '.join(counts)}, = " + ", ".join(f"{raw}[{k!r}]" for k in cats)
                      + ("," if len(cats) == 1 else ""))
            classes = " is ".join(f"{v}.__class__" for v in counts)
            checks += [f"not ({classes} is int)", f"({' | '.join(counts)}) < 0"]
            self.slots.append((b, "ballot", tuple(counts)))
            totals.append(counts)
        histories, pairs, variables = [], [], {}
        for spec in plan.inputs:
            var = variables[spec.name] = self.fresh("x")
            self.input_check(spec, var, checks)
            if spec.kind == P.InputKind.HISTORY:
                histories.append(var)
            # A number input is kept as integers: an integer input as an int, any other as
            # numerator and denominator, so arithmetic on it never builds a Fraction.
            if spec.kind == P.InputKind.INTEGER:
                self.vars[spec.name] = Op(Repr.INT, var)
                self.slots.append((spec.name, "num", var))
            elif spec.kind == P.InputKind.NUMBER:
                den = self.fresh("d")
                pairs.append((var, den))
                self.vars[spec.name] = Op(Repr.RATIO, var, den)
                self.slots.append((spec.name, "ratio", (var, den)))
            else:
                held = {P.InputKind.BOOL: Repr.BOOL, P.InputKind.HISTORY: Repr.HISTORY}
                self.vars[spec.name] = Op(held.get(spec.kind, Repr.LABEL), var)
                self.slots.append((spec.name, "plain", var))
        checks.append("len(record) != n" if optional else f"len(record) != {required}")
        self.emit(f"if {' or '.join(checks)}:")
        self.emit("    raise _Slow")
        for var in histories:
            self.emit(f"{var} = tuple({var})")
        self.depth -= 1
        self.emit("except (_Slow, KeyError, TypeError, AttributeError):")
        self.depth += 1
        self.emit("v = _coerce(record)")
        for b, cats in plan.ballots.items():
            counts = [self.votes[b, c] for c in cats]
            self.emit(f"{', '.join(counts)}, = " + ", ".join(f"v[{b!r}][{k!r}]" for k in cats)
                      + ("," if len(cats) == 1 else ""))
        for spec in plan.inputs:
            whole = ".numerator" if spec.kind == P.InputKind.INTEGER else ""
            self.emit(f"{variables[spec.name]} = v[{spec.name!r}]{whole}")
        self.depth -= 1
        for var, den in pairs:
            self.emit(f"if {var}.__class__ is int:")
            self.emit(f"    {den} = 1")
            self.emit("else:")
            self.emit(f"    {var}, {den} = {var}.numerator, {var}.denominator")
        self.totals = {}
        for b, counts in zip(plan.ballots, totals, strict=True):
            self.totals[b] = self.fresh("total")
            self.emit(f"{self.totals[b]} = {' + '.join(counts)}")

    def input_check(self, spec: P.InputSpec, var: str, checks: list[str]) -> None:
        """Add the checks of a required input to ``checks``; an optional one is checked here,
        because its default (checked at generation) skips them."""
        match spec.kind:
            case P.InputKind.BOOL:
                mine = [f"{var}.__class__ is not bool"]
            case P.InputKind.TEXT:
                mine = [f"{var}.__class__ is not str"]
            case P.InputKind.HISTORY:  # a text goes through the reference's reading
                mine = [f"({var}.__class__ is not tuple and {var}.__class__ is not list)",
                        f"not {self.const(frozenset(spec.labels))}.issuperset({var})"]
            case P.InputKind.CATEGORY:
                mine = [f"{var} not in {self.const(frozenset(spec.labels))}",
                        f"{var}.__class__ is not str"]
            case P.InputKind.INTEGER:
                mine = [f"{var}.__class__ is not int"]
            case _:
                mine = [f"({var}.__class__ is not int and {var}.__class__ is not Fraction)"]
        for bound, op in ((spec.low, "<"), (spec.high, ">")):
            if bound is not None:
                mine.append(f"{var} {op} {self.const(bound)}")
        if spec.required:
            self.emit(f"{var} = record[{spec.name!r}]")
            checks.extend(mine)
            return
        # A default the reference refuses (out of a range set by a param) takes its path.
        use_default = "raise _Slow" if spec.default_invalid else \
            f"{var} = {self.const(spec.default)}"
        self.emit(f"{var} = record.get({spec.name!r}, _Slow)")
        self.emit(f"if {var} is _Slow:")
        self.emit(f"    {use_default}")
        self.emit("else:")
        self.emit("    n += 1")
        self.emit(f"    if {var} is None:")
        self.emit(f"        {use_default}")
        self.emit(f"    elif {' or '.join(mine)}:")
        self.emit("        raise _Slow")

    # -- the result
    def epilogue(self) -> None:
        for name in self.plan.params:
            self.slot(name, self.vars[name])
        kinds = {name: (kind, expr) for name, kind, expr in self.slots}
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
            parts.extend(expr if isinstance(expr, tuple) else (expr,))  # type: ignore[arg-type]
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
            names=tuple(index), index=index, kinds=kinds, ballots=dict(self.plan.ballots),
            inputs=(*self.plan.ballots, *(s.name for s in self.plan.inputs)), vetoes=position,
            outcomes=position + 1)

    def slot(self, name: str, op: Op) -> None:
        if op.repr == Repr.RATIO:
            self.slots.append((name, "ratio", (op.expr, op.den)))
        elif op.repr in (Repr.INT, Repr.NUM):
            self.slots.append((name, "num", op.expr))
        else:
            self.slots.append((name, "plain", op.expr))

    def store(self, op: Op) -> Op:
        """Bind an expression to a local so later uses read a name, not a recomputation."""
        if op.repr == Repr.RATIO:
            return Op(Repr.RATIO, self._bind(op.expr, "n"), self._bind(op.den or "1", "d"))
        return Op(op.repr, self._bind(op.expr, "v"))

    def _bind(self, expr: str, stem: str) -> str:
        if _SIMPLE.fullmatch(expr):
            return expr.strip("()")
        var = self.fresh(stem)
        self.emit(f"{var} = {expr}")
        return var

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
        held = Repr.INT if e.node in self.plan.kinds else Repr.BOOL
        return Op(held, f"group[{e.node!r}]")

    def sum(self, e: P.Sum) -> Op:
        if all(isinstance(t, P.Vote) for t in e.terms):
            ballots = {t.ballot for t in e.terms}  # type: ignore[union-attr]
            ballot = ballots.pop()
            if not ballots and len(e.terms) == len(self.plan.ballots[ballot]):
                return Op(Repr.INT, self.totals[ballot])
        total = self.expr(e.terms[0])
        for term in e.terms[1:]:
            total = self.combine("+", total, self.expr(term))
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
        op = "and" if isinstance(e, P.And) else "or"
        result = self.expr(e.terms[0])
        for term in e.terms[1:]:
            result = self._chain(op, result, term)
        return result

    def _chain(self, op: str, left: Op, cond: P.Expr) -> Op:
        """``left and/or cond``, where cond's statements run only when it is reached."""
        right, body = self.capture(cond)
        if not body:  # the right side is a pure expression: inline it
            return Op(Repr.BOOL, f"({left.expr} {op} {right.expr})")
        var = self.fresh("v")
        self.emit(f"{var} = {left.expr}")
        self.emit(f"if {'' if op == 'and' else 'not '}{var}:")
        self.lines.extend(body)
        self.emit(f"    {var} = {right.expr}")
        return Op(Repr.BOOL, var)

    def if_(self, e: P.If) -> Op:
        """Each branch's statements, then its value, under ``if``/``else``. Numbers stay a pair
        of ints where a branch is a ratio (an int or Fraction branch gives its own pair)."""
        cond = self.expr(e.condition)
        then, then_body = self.capture(e.then)
        other, other_body = self.capture(e.otherwise)
        reprs = {then.repr, other.repr}
        ratio = Repr.RATIO in reprs and reprs <= {Repr.INT, Repr.NUM, Repr.RATIO}
        if not then_body and not other_body:  # both branches pure: one conditional expression
            if not ratio:
                held = then.repr if len(reprs) == 1 else Repr.NUM
                return Op(held, f"({then.expr} if {cond.expr} else {other.expr})")
            c = self.store(cond).expr
            (tn, td), (on, od) = self._parts(then), self._parts(other)
            return Op(Repr.RATIO, f"({tn} if {c} else {on})", f"({td} if {c} else {od})")
        if ratio:
            result = Op(Repr.RATIO, self.fresh("n"), self.fresh("d"))

            def assign(op: Op) -> str:
                return self._pair(op, result)
        else:
            result = Op(then.repr if len(reprs) == 1 else Repr.NUM, self.fresh("v"))

            def assign(op: Op) -> str:
                return f"{result.expr} = {op.expr}"
        self.emit(f"if {cond.expr}:")
        self.lines.extend(then_body)
        self.emit(f"    {assign(then)}")
        self.emit("else:")
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
        table = {k: int(v) for k, v in e.table}  # type: ignore[arg-type]
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


def public(value):
    if value.__class__ is int:
        return value
    return int(value) if value.denominator == 1 else value


def _streak(history: tuple[str, ...], label: str) -> int:
    run = 0
    for item in reversed(history):
        if item != label:
            break
        run += 1
    return run


def _round(x, digits: int) -> Fraction:
    return round_half_away(Fraction(x), digits)


def _failing(fails: list[P.Fail]) -> Callable:
    def fail(index: int, flags: tuple = ()):
        f = fails[index]
        holding = [label for (_, label), flag in zip(f.listed, flags, strict=True) if flag]
        raise InputError(f.text(holding), field=f.field, rule=f.rule, code=f.code)
    return fail


STEPS: dict[type, Callable] = {P.Bind: _Generator.bind, P.Check: _Generator.check}

#: Each primitive of the plan and the method that compiles it.
HANDLERS: dict[type, Callable[[_Generator, P.Expr], Op]] = {
    P.Const: lambda self, e: self.constant_op(e.value),
    P.Input: _Generator.input,
    P.Vote: _Generator.vote,
    P.Local: _Generator.local,
    P.Decided: _Generator.decided,
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
