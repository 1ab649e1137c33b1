"""The plan: a checked ruleset lowered to a few primitives, which every fast backend compiles.

A :class:`Plan` is what a ruleset computes for one record, written with no sugar left: sheets,
``weighted``, ``cases``, hit policies, ``most``/``at least``, vetoes, quota moves, shares and
history methods are already expanded by :mod:`evalrules.lower` into the nodes below. A backend
(generated Python, numpy batches, later SMT) maps each node class to a handler and knows nothing
else; the meaning of a construct is written in the reference evaluator (the definition) and in the
lowering.

The plan is a schedule of :class:`Block`\\ s — one per definition or ``require``, in the order the
reference evaluator meets them — each a few :class:`Bind` and :class:`Check` steps. Expressions are
trees whose arguments are evaluated left to right, except the lazy :class:`And`, :class:`Or` and
:class:`If`. Every way a record can fail is explicit: a :class:`Check` step, or a :class:`Fail`
carried by the primitive that can fail (:class:`Div`, :class:`Last`), with its message already
written (a key of :mod:`messages` and its values, as the reference evaluator gives them), so every
backend raises the same :class:`~evalrules.diagnostics.InputError`.

Values: exact numbers (``Fraction``; counts and ranks are whole), ``bool``, labels (``str``), text
and histories (tuples of labels). A date is its day number (``date.toordinal()``, a whole number):
comparing dates compares numbers and ``days(a, b)`` is ``b - a``, so no backend needs a primitive
for dates, only to read a date input as its day number. :attr:`Plan.params` keeps a date param
as the ``datetime.date`` a result shows. Imports :mod:`ast` (for :class:`ast.Span`),
:mod:`diagnostics` and :mod:`messages` (for :class:`Fail`'s error).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from fractions import Fraction
from typing import TypeAlias

from attrs import field, frozen

from .ast import NOWHERE, Span
from .diagnostics import InputError
from .messages import Joined

Value: TypeAlias = Fraction | bool | str


@frozen
class Fail:
    """The error a record gets here: :meth:`error`, the ``InputError`` of message ``key`` with
    ``values`` (pairs: a plan is hashable), ``field``, ``rule`` and ``code``.

    With ``listed`` (a ``(unique)`` table), the message names the labels whose conditions hold:
    its ``listed`` value is them, joined by " and " (in Chinese "、")."""

    rule: str
    key: str
    values: tuple[tuple[str, object], ...] = ()
    field: str | None = None
    code: str = "R200"
    listed: tuple[tuple[Expr, str], ...] = ()

    def error(self, holding: Sequence[str] = ()) -> InputError:
        """The error, naming the labels ``holding`` where the message lists some."""
        values = dict(self.values)
        if self.listed:
            values["listed"] = Joined(tuple(holding), "record.list.and")
        return InputError.of(self.key, values, field=self.field, rule=self.rule, code=self.code)


# ---------------------------------------------------------------- leaves


@frozen
class Const:
    """A number, a condition's value or a label, known when the plan is made (params included)."""

    value: Value


@frozen
class Input:
    """A validated input of the record (see :attr:`Plan.inputs`)."""

    name: str


@frozen
class Vote:
    """The votes of one category of a ballot: a whole number >= 0."""

    ballot: str
    category: str


@frozen
class Local:
    """A value an earlier :class:`Bind` of the plan computed."""

    name: str


@frozen
class Decided:
    """What the group rules decided for the record: a rank (a whole number, or None where the
    rank's ``among`` leaves the record out) by the rank's name, a group value (``number``: a
    whole number or a Fraction) by its name, or whether a quota moves it down (a condition) by
    :attr:`QuotaMove.key`."""

    node: str
    number: bool = False


@frozen
class Ranked:
    """A rank the record is read by an expression: the record fails with ``fail`` when it has
    none (its rank's ``among`` leaves it out)."""

    node: str
    fail: Fail


# ---------------------------------------------------------------- numbers


@frozen
class Sum:
    terms: tuple[Expr, ...]


@frozen
class Neg:
    operand: Expr


@frozen
class Mul:
    left: Expr
    right: Expr


@frozen
class Div:
    """``left / right``; the record fails with ``fail`` when ``right`` is zero (both sides are
    evaluated first, left then right)."""

    left: Expr
    right: Expr
    fail: Fail


@frozen
class Min:
    args: tuple[Expr, ...]


@frozen
class Max:
    args: tuple[Expr, ...]


@frozen
class Round:
    """四舍五入 to ``digits`` decimals: halves away from zero."""

    operand: Expr
    digits: int


@frozen
class Floor:
    operand: Expr


@frozen
class Ceil:
    operand: Expr


@frozen
class Abs:
    operand: Expr


@frozen
class CountTrue:
    """How many of the conditions hold; every one is evaluated, in order."""

    conditions: tuple[Expr, ...]


# ---------------------------------------------------------------- conditions and choices


class CompareOp(StrEnum):
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


@frozen
class Compare:
    """Numbers with any operator; labels, text and conditions with ``==`` and ``!=`` only."""

    op: CompareOp
    left: Expr
    right: Expr


@frozen
class Not:
    operand: Expr


@frozen
class And:
    """Lazy: stops at the first condition that does not hold."""

    terms: tuple[Expr, ...]


@frozen
class Or:
    """Lazy: stops at the first condition that holds."""

    terms: tuple[Expr, ...]


@frozen
class If:
    """The value of the first branch whose condition holds, else ``otherwise``. Lazy: the
    conditions are evaluated in order up to the first that holds, then only the chosen value.
    One node for a whole ``cases:`` or ``(first)`` table, so no table nests the plan deeper."""

    branches: tuple[tuple[Expr, Expr], ...]
    otherwise: Expr


@frozen
class Lookup:
    """A label's entry in a finite table (label → value): a grade's rank, a veto's new grade."""

    operand: Expr
    table: tuple[tuple[str, Value], ...]

    def mapping(self) -> dict[str, Value]:
        return dict(self.table)


# ---------------------------------------------------------------- histories (oldest first)


@frozen
class Count:
    """How many times ``label`` occurs in the history."""

    history: Expr
    label: str


@frozen
class Streak:
    """How many of the latest entries in a row are ``label``."""

    history: Expr
    label: str


@frozen
class Last:
    """The latest entry; the record fails with ``fail`` when the history is empty."""

    history: Expr
    fail: Fail


Expr: TypeAlias = (
    Const | Input | Vote | Local | Decided | Ranked | Sum | Neg | Mul | Div | Min | Max | Round
    | Floor | Ceil | Abs | CountTrue | Compare | Not | And | Or | If | Lookup | Count | Streak
    | Last
)


# ---------------------------------------------------------------- steps and blocks


@frozen
class Bind:
    """Compute ``expr`` and call it ``name``: a named value of the ruleset (``SHEET.ITEM`` for an
    item) or a temporary (its name starts with ``#``)."""

    name: str
    expr: Expr


@frozen
class Check:
    """The record fails with ``fail`` unless ``condition`` holds."""

    condition: Expr
    fail: Fail


Step: TypeAlias = Bind | Check


@frozen
class Block:
    """The steps of one definition (``name``) or one ``require`` (``name`` None), as written at
    ``span``; ``needs`` are the definitions it reads."""

    name: str | None
    rule: str
    steps: tuple[Step, ...]
    needs: frozenset[str] = frozenset()
    span: Span = field(default=NOWHERE, eq=False)

    @property
    def can_fail(self) -> bool:
        """Whether some record can fail in this block (reading inputs aside)."""
        return any(isinstance(step, Check) or _fails(step.expr) for step in self.steps)


class InputKind(StrEnum):
    NUMBER = "number"
    INTEGER = "integer"
    BOOL = "bool"
    CATEGORY = "category"
    TEXT = "text"
    HISTORY = "history"
    #: A date: in the plan its day number (``date.toordinal()``), an int.
    DATE = "date"


@frozen
class InputSpec:
    """One declared input: how a record's value is read (see :mod:`evalrules.values`)."""

    name: str
    kind: InputKind
    labels: tuple[str, ...] = ()  # of a category, or the scale of a history
    low: Fraction | None = None
    high: Fraction | None = None
    #: The value a missing field takes, coerced and checked; None when there is no default.
    default: object = None
    #: The declared default is itself invalid (outside a range set by a param): a record that
    #: leaves the field out fails, which the reference's reading reports.
    default_invalid: bool = False

    @property
    def required(self) -> bool:
        return self.default is None and not self.default_invalid


class ValueKind(StrEnum):
    NUMBER = "number"
    BOOL = "bool"
    LABEL = "label"
    TEXT = "text"
    HISTORY = "history"


@frozen
class Plan:
    """Everything a fast backend needs to evaluate records of one ruleset (with its params)."""

    name: str
    ballots: Mapping[str, tuple[str, ...]]
    inputs: tuple[InputSpec, ...]
    params: Mapping[str, Value | datetime.date]
    #: The schedule: every block, in the order the reference evaluator meets them.
    blocks: tuple[Block, ...]
    #: The kind of every named value: inputs, params and definitions (ballots aside).
    kinds: Mapping[str, ValueKind]
    #: The named values a result holds, in ruleset order (lets, scores, each sheet and then its
    #: items, grades, ranks, vetoes, outcomes); params and inputs are not among them.
    values: tuple[str, ...]
    vetoes: tuple[str, ...]
    outcomes: tuple[str, ...]

    def schedule(self, names: Iterable[str] | None = None, *, exact: bool = False
                 ) -> tuple[Block, ...]:
        """The blocks that compute ``names`` (all when None), in schedule order.

        Requires always run, as they decide whether a record is valid. Unless ``exact``, every
        block that can fail runs too, so a record gets the same error whatever it is asked for;
        with ``exact``, only what ``names`` need (group rules read values on their way, and the
        other failures come when the record is evaluated in full)."""
        if names is None:
            return self.blocks
        wanted = {n.split(".", 1)[0] for n in names}
        if not exact:
            wanted |= {b.name for b in self.blocks if b.name is not None and b.can_fail}
        wanted |= {n for b in self.blocks if b.name is None for n in b.needs}
        needs = {b.name: b.needs for b in self.blocks if b.name is not None}
        keep: set[str] = set()
        stack = list(wanted)
        while stack:
            name = stack.pop()
            if name in keep or name not in needs:
                continue
            keep.add(name)
            stack.extend(needs[name])
        return tuple(b for b in self.blocks if b.name is None or b.name in keep)


def _fails(expr: Expr) -> bool:
    return any(isinstance(node, (Div, Last, Ranked)) for node in walk(expr))


# ---------------------------------------------------------------- walking


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of a node, in evaluation order."""
    match node:
        case Sum(terms=xs) | Min(args=xs) | Max(args=xs) | CountTrue(conditions=xs) | \
                And(terms=xs) | Or(terms=xs):
            return xs
        case Neg(operand=x) | Round(operand=x) | Floor(operand=x) | Ceil(operand=x) | \
                Abs(operand=x) | Not(operand=x) | Lookup(operand=x) | Count(history=x) | \
                Streak(history=x) | Last(history=x):
            return (x,)
        case Mul(left=a, right=b) | Div(left=a, right=b) | Compare(left=a, right=b):
            return (a, b)
        case If(branches=branches, otherwise=o):
            return (*(x for branch in branches for x in branch), o)
    return ()


def walk(node: Expr) -> Iterator[Expr]:
    """Every node under ``node`` (itself included), parents first."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def nonnegative(node: Expr) -> bool:
    """Whether a number node is >= 0 for every record (votes and their sums, counts): a backend
    may then divide by it without moving a sign."""
    match node:
        case Vote() | CountTrue() | Count() | Streak():
            return True
        case Const(value=v):
            return not isinstance(v, (bool, str)) and v >= 0
        case Sum(terms=xs):
            return all(nonnegative(x) for x in xs)
        case Mul(left=a, right=b):
            return nonnegative(a) and nonnegative(b)
    return False


def whole(node: Expr) -> bool:
    """Whether a number node is a whole number for every record."""
    match node:
        case Vote() | CountTrue() | Count() | Streak() | Floor() | Ceil() | Ranked():
            return True
        case Decided(number=number):  # a rank or a quota's move; a group value may not be
            return not number
        case Const(value=v):
            return not isinstance(v, (bool, str)) and Fraction(v).denominator == 1
        case Sum(terms=xs) | Min(args=xs) | Max(args=xs):
            return all(whole(x) for x in xs)
        case Mul(left=a, right=b):
            return whole(a) and whole(b)
        case Neg(operand=x) | Abs(operand=x):
            return whole(x)
        case Round(operand=x, digits=d):
            return d <= 0 or whole(x)
        case If(branches=branches, otherwise=o):
            return all(whole(v) for _, v in branches) and whole(o)
        case Lookup(table=table):
            return all(not isinstance(v, (bool, str)) and Fraction(v).denominator == 1
                       for _, v in table)
    return False
