"""Writing the generated function's source: its lines, names and constants, and the reading of a
record, which has a fast path for plain values (dict, int, bool, exact labels) and takes
``coerce`` (:func:`values.coerce_record`, the reference's reading) for anything else, so values and
errors are the reference's.

Every name, label and message reaches the source as a ``repr``'d literal or an object of the
function's namespace (:meth:`Emitter.const`), never as ruleset text. :mod:`.generated` compiles the
plan's expressions on top of this. Imports :mod:`ast` (spans), :mod:`plan` and :mod:`values`.
"""

from __future__ import annotations

import datetime
import itertools
import math
import re
from collections.abc import Callable
from enum import Enum
from fractions import Fraction

from attrs import frozen

from .. import plan as P
from ..ast import Span
from ..values import MAX_BITS, round_half_away, streak

_SIMPLE = re.compile(r"\(?([A-Za-z_]\w*|-?\d+)\)?")


class SlowPath(Exception):
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



#: No branch of a table has been chosen yet (the generated code tests it with ``is``).
UNSET = object()

#: Terms joined by an operator in one expression, at most: Python's compiler recurses once per
#: binary operator and its parser allows 200 nested parentheses, so longer lists of terms are
#: written as a tuple (``sum((a, b, …))``) or as flat statements.
FEW = 16


class Emitter:
    """The lines of one generated function under construction, and the variables that hold the
    record's values once read."""

    def __init__(self, plan: P.Plan, coerce: Callable):
        self.plan = plan
        self.lines: list[tuple[str, Span | None]] = []  # each line and the rule it evaluates
        self.span: Span | None = None
        self.depth = 1
        self.fails: list[P.Fail] = []
        self.namespace: dict[str, object] = {
            "Fraction": Fraction, "_Slow": SlowPath, "_floor": math.floor, "_ceil": math.ceil,
            "_new": object.__new__, "_R": None, "_round": _round, "_frac": Fraction,
            "_public": public, "_streak": streak, "_coerce": coerce,
            "_compress": itertools.compress, "_fail": _failing(self.fails), "_UNSET": UNSET,
            "_BIG": 2**MAX_BITS, "_date": datetime.date,
        }
        self.counter = 0
        self.vars: dict[str, Op] = {}  # each input, param and named value: its code
        self.slots: list[tuple[str, str, object]] = []  # (name, kind, expr or exprs)
        self.votes: dict[tuple[str, str], str] = {}  # (ballot, category) → variable
        self.totals: dict[str, str] = {}  # ballot → variable of its total

    def expr(self, e: P.Expr) -> Op:
        raise NotImplementedError

    # -- emission helpers
    def emit(self, line: str) -> None:
        self.lines.append(("    " * self.depth + line, self.span))

    def capture(self, e: P.Expr, depth: int | None = None
                ) -> tuple[Op, list[tuple[str, Span | None]]]:
        """Compile ``e`` at ``depth`` (one level deeper by default), returning its statements
        instead of emitting them."""
        mark, saved = len(self.lines), self.depth
        self.depth = saved + 1 if depth is None else depth
        op = self.expr(e)
        self.depth = saved
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

    def constant_op(self, value: P.Value | datetime.date) -> Op:
        """A constant as code: a fraction as its integer pair, so comparisons with it
        cross-multiply integers."""
        if isinstance(value, bool):
            return Op(Repr.BOOL, repr(value))
        if isinstance(value, str):
            return Op(Repr.LABEL, repr(value))
        if isinstance(value, datetime.date):  # a date param, as its result shows it
            return Op(Repr.LABEL, self.const(value))
        value = Fraction(value)
        if value.denominator == 1:
            return Op(Repr.INT, repr(value.numerator))
        return Op(Repr.RATIO, repr(value.numerator), repr(value.denominator))

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
            # Each count >= 0 and of at most MAX_BITS bits, as the reference reads it: the bitwise
            # or of the counts is negative if one is, and at least 2**MAX_BITS if one is.
            joined = f"({' | '.join(counts)})" if len(counts) <= FEW else None
            size = f"not (0 <= {joined} < _BIG)" if joined else \
                f"min(({', '.join(counts)},)) < 0 or max(({', '.join(counts)},)) >= _BIG"
            checks += [f"not ({classes} is int)", size]
            self.slots.append((b, "ballot", tuple(counts)))
            totals.append(counts)
        histories, pairs, variables, dates = [], [], {}, []
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
            elif spec.kind == P.InputKind.DATE:  # the date for the result, its day number to use
                ordinal = self.fresh("o")
                dates.append((var, ordinal))
                self.vars[spec.name] = Op(Repr.INT, ordinal)
                self.slots.append((spec.name, "plain", var))
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
        for var, ordinal in dates:
            self.emit(f"{ordinal} = {var}.toordinal()")
        for var, den in pairs:
            self.emit(f"if {var}.__class__ is int:")
            self.emit(f"    {den} = 1")
            self.emit("else:")
            self.emit(f"    {var}, {den} = {var}.numerator, {var}.denominator")
        self.totals = {}
        for b, counts in zip(plan.ballots, totals, strict=True):
            self.totals[b] = self.fresh("total")
            self.emit(f"{self.totals[b]} = {' + '.join(counts)}" if len(counts) <= FEW else
                      f"{self.totals[b]} = sum(({', '.join(counts)},))")

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
            case P.InputKind.DATE:  # a datetime (midnight or not) takes the reference's path
                mine = [f"{var}.__class__ is not _date"]
            case _:  # an int of at most MAX_BITS bits; anything else takes the reference's path
                mine = [f"{var}.__class__ is not int", f"not (-_BIG < {var} < _BIG)"]
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


def public(value):
    if value.__class__ is int:
        return value
    return int(value) if value.denominator == 1 else value


def _round(x, digits: int) -> Fraction:
    return round_half_away(Fraction(x), digits)


def _failing(fails: list[P.Fail]) -> Callable:
    def fail(index: int, flags: tuple = ()):
        f = fails[index]
        holding = [label for (_, label), flag in zip(f.listed, flags, strict=True) if flag]
        raise f.error(holding)
    return fail
