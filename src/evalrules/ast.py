"""The ruleset syntax tree: immutable nodes, each with the source span it came from.

Spans are ``field(eq=False)``, so two trees are equal when they mean the same thing wherever they
were written: ``parse(unparse(tree)) == tree`` is a property the tests check. The class names are
the grammar's rule names. The parser builds these nodes; the checker only rewrites bare names that
denote labels into :class:`Label` and fills in :attr:`Compare.order`. Imports nothing of evalrules.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from enum import StrEnum
from fractions import Fraction
from typing import Any

from attrs import field, frozen


@frozen
class Span:
    """Where a node was written: 1-based line and column (in characters), end exclusive."""

    path: str | None
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path or '<string>'}:{self.line}:{self.column}"


NOWHERE = Span(None, 0, 0, 0, 0)


def _span() -> Any:
    return field(default=NOWHERE, eq=False, repr=False, kw_only=True)


def _note() -> Any:
    """A citation: the comment the author wrote directly above a rule (or at the end of its
    line), as the parser found it. Like a span it is not part of what the rule means."""
    return field(default=None, eq=False, repr=False, kw_only=True)


def _cite() -> Any:
    """A citation (``per "第二十二条（一）1"``) or a param's ``chosen "…"``: part of what the author
    wrote, unlike a comment (``parse(unparse(x)) == x`` keeps it), not of what a rule means."""
    return field(default=None, kw_only=True)


@frozen
class _Cited:
    cite: str | None = field(default=None, kw_only=True)  # see _cite: the rule's `per "…"`


# ---------------------------------------------------------------- expressions


@frozen
class Number:
    value: Fraction
    text: str | None = field(default=None, eq=False)
    span: Span = _span()


@frozen
class Date:
    """A date literal, ``2025-12-31``: a day of the calendar (the parser refuses 2025-02-30)."""

    value: datetime.date
    span: Span = _span()


@frozen
class Boolean:
    value: bool
    span: Span = _span()


@frozen
class Ref:
    """A name: an input, param, let, score, sheet, grade or outcome; ``SHEET.ITEM`` for an item."""

    name: str
    span: Span = _span()


@frozen
class Label:
    """A grade or category label, as the checker classified a bare name."""

    label: str
    span: Span = _span()


@frozen
class Negate:
    operand: Expr
    span: Span = _span()


@frozen
class Not:
    operand: Expr
    span: Span = _span()


@frozen
class Arithmetic:
    op: str  # one of + - * /
    left: Expr
    right: Expr
    span: Span = _span()


@frozen
class Logic:
    op: str  # "and" or "or"; both short-circuit left to right
    left: Expr
    right: Expr
    span: Span = _span()


@frozen
class Compare:
    op: str  # one of == != < <= > >=
    left: Expr
    right: Expr
    #: The scale's labels, best first, when the operands are grades; set by the checker.
    order: tuple[str, ...] | None = None
    unrated: str | None = None  # the scale's unrated label: no order holds with it (checker)
    span: Span = _span()


@frozen
class Is:
    operand: Expr
    label: str
    negated: bool = False
    span: Span = _span()


@frozen
class In:
    """``x in (甲, 乙)``: whether a category is one of these labels (``not in``: none of them)."""

    operand: Expr
    labels: tuple[str, ...]
    negated: bool = False
    span: Span = _span()


@frozen
class If:
    condition: Expr
    then: Expr
    otherwise: Expr
    span: Span = _span()


@frozen
class Call:
    """A built-in function: min, max, clamp, round, floor, ceil, abs."""

    function: str
    args: tuple[Expr, ...]
    span: Span = _span()


@frozen
class Share:
    """``share(B: c...)``: the votes for the categories over all votes of the ballot."""

    ballot: str
    categories: tuple[str, ...]
    span: Span = _span()


@frozen
class Votes:
    ballot: str
    categories: tuple[str, ...]
    span: Span = _span()


@frozen
class Total:
    ballot: str
    span: Span = _span()


@frozen
class Points:
    """``points(B: 优秀 100, ...)``: the vote-weighted average of the points."""

    ballot: str
    points: tuple[tuple[str, Expr], ...]  # a Number, or a Ref to a param
    span: Span = _span()


@frozen
class History:
    """``H.streak(L)``, ``H.count(L)`` or ``H.last`` of a history input ``H``."""

    input: str
    method: str  # "streak", "count" or "last"
    label: str | None = None
    span: Span = _span()


@frozen
class Quantified:
    """An ``all:`` / ``any:`` / ``most:`` / ``at least N:`` block of conditions."""

    quantifier: str  # "all", "any", "most", "at least"
    conditions: tuple[Expr, ...]
    count: int | None = None  # N of "at least N"
    #: Each condition's citation (see :func:`_note`), or None; empty when none has one.
    notes: tuple[str | None, ...] = field(default=(), eq=False, repr=False, kw_only=True)
    span: Span = _span()


@frozen
class WeightedItem:
    expr: Expr
    weight: Expr | None  # a Number or a Ref to a param; in `weighted TABLE:` None until checked
    span: Span = _span()


@frozen
class Weighted:
    items: tuple[WeightedItem, ...]
    table: str | None = None  # `weighted TABLE: a, b, …`: the table's weights, by position
    span: Span = _span()


@frozen
class CaseBranch:
    value: Expr
    condition: Expr
    span: Span = _span()


@frozen
class Cases:
    branches: tuple[CaseBranch, ...]
    otherwise: Expr | None
    span: Span = _span()


Expr = (
    Number | Boolean | Ref | Label | Negate | Not | Arithmetic | Logic | Compare | Is | In | If
    | Call | Date
    | Share | Votes | Total | Points | History | Quantified | Weighted | Cases
)


# ---------------------------------------------------------------- input types


@frozen
class BoolType:
    span: Span = _span()


@frozen
class NumberType:
    integer: bool = False
    low: Expr | None = None
    high: Expr | None = None
    span: Span = _span()


@frozen
class OneOf:
    labels: tuple[str, ...]
    span: Span = _span()


@frozen
class ScaleType:
    scale: str
    span: Span = _span()


@frozen
class TextType:
    """Free text, e.g. a unit's name: usable as a group key."""

    span: Span = _span()


@frozen
class HistoryType:
    """Past grades on a scale, oldest first."""

    scale: str
    empty: bool = False  # ``default empty``: a missing or empty cell is an empty history
    span: Span = _span()


@frozen
class ListType:
    """``list of number in A..B``, in no order; ``history of number …`` (oldest first)."""

    number: NumberType
    history: bool = False
    empty: bool = False  # ``default empty``: a missing or empty cell is an empty list
    span: Span = _span()


@frozen
class DateType:
    """A day of the calendar: ``2025-06-30``, ``2025/6/30``, ``2025年6月30日``, a date cell."""

    span: Span = _span()


InputType = BoolType | NumberType | OneOf | ScaleType | TextType | HistoryType | ListType | DateType


# ---------------------------------------------------------------- declarations


@frozen
class Header:
    name: str
    extends: str | None = None
    title: str | None = None
    extends_span: Span = field(default=NOWHERE, eq=False, repr=False)
    span: Span = _span()


@frozen
class Scale(_Cited):
    name: str
    labels: tuple[str, ...]  # best first
    unrated: str | None = None  # `, unrated 不定等次`: a label off the order (not graded)
    span: Span = _span()


@frozen
class Ballot(_Cited):
    name: str
    categories: tuple[str, ...]  # best first
    span: Span = _span()


@frozen
class Input(_Cited):
    name: str
    type: InputType
    default: Expr | None = None
    span: Span = _span()


@frozen
class Param(_Cited):
    name: str
    expr: Expr
    chosen: str | None = _cite()
    span: Span = _span()


@frozen
class Let(_Cited):
    name: str
    expr: Expr
    span: Span = _span()


@frozen
class Score(_Cited):
    """A derived number that is reported as a score; otherwise the same as :class:`Let`."""

    name: str
    expr: Expr
    span: Span = _span()


@frozen
class Require(_Cited):
    condition: Expr
    message: str | None = None
    span: Span = _span()


@frozen
class ProRata:
    expr: Expr
    span: Span = _span()


@frozen
class FullWhen:
    condition: Expr
    span: Span = _span()


@frozen
class Formula:
    expr: Expr
    span: Span = _span()


@frozen
class Deduction:
    amount: Number
    per: Expr
    span: Span = _span()


ItemRule = ProRata | FullWhen | Formula | Deduction


@frozen
class SheetItem(_Cited):
    """A leaf item (``rule`` set) or a heading (``children`` set) with its maximum points."""

    name: str
    points: Number
    rule: ItemRule | None = None
    children: tuple[SheetItem, ...] = ()
    span: Span = _span()


@frozen
class Sheet(_Cited):
    name: str
    max: Number
    items: tuple[SheetItem, ...]
    span: Span = _span()


class Policy(StrEnum):
    """A grade table's hit policy: which rule decides when several hold."""

    FIRST = "first"
    WORST = "worst"
    BEST = "best"
    UNIQUE = "unique"


@frozen
class GradeRule(_Cited):
    label: str
    condition: Expr
    note: str | None = _note()
    span: Span = _span()


@frozen
class Grade(_Cited):
    name: str
    scale: str | None  # None: the scale of the same name
    policy: str  # a Policy once checked; the parser keeps what was written, for E410
    rules: tuple[GradeRule, ...]
    otherwise: str | None
    otherwise_span: Span = field(default=NOWHERE, eq=False, repr=False)
    policy_span: Span = field(default=NOWHERE, eq=False, repr=False)
    note: str | None = _note()
    otherwise_note: str | None = _note()
    otherwise_cite: str | None = _cite()
    span: Span = _span()


class Action(StrEnum):
    LOWER = "lower"
    RAISE = "raise"
    AT_MOST = "at most"
    AT_LEAST = "at least"
    SET = "set"


@frozen
class Adjustment:
    """One action of a veto: lower/raise by ``amount``, or at_most/at_least/set to ``label``."""

    action: Action
    grade: str
    amount: int | None = None
    label: str | None = None
    span: Span = _span()


@frozen
class Veto(_Cited):
    name: str
    condition: Expr
    adjustments: tuple[Adjustment, ...]
    note: str | None = _note()
    span: Span = _span()


@frozen
class Outcome(_Cited):
    name: str
    condition: Expr
    note: str | None = _note()
    span: Span = _span()


@frozen
class Check:
    """A property the author states: ``monotone TARGET in SOURCE`` or ``always CONDITION``."""

    kind: str  # "monotone" or "always"
    target: str | None = None
    source: str | None = None
    condition: Expr | None = None
    span: Span = _span()


@frozen
class Rank(_Cited):
    """A record's rank in its group by ``keys`` (1 best; ties share it), if ``among`` holds."""

    name: str
    keys: tuple[str, ...]
    descending: bool = True
    among: Expr | None = None
    span: Span = _span()


@frozen
class Quota(_Cited):
    grade: str  # a quota on ``label`` of ``grade``; the fields' meaning: evalrules.quotas
    label: str
    share: Expr
    keys: tuple[str, ...]
    span: Span = _span()
    rounding: str = "down"  # or "nearest" (四舍五入), "up" (进一法); "places": a head count
    more: tuple[Expr, str, Expr] | None = None  # at most SIZE ROUNDING when COND
    among: Expr | None = None
    lowest: bool = False  # 末位: the lowest ``share`` are capped at ``label``


@frozen
class Limit(_Cited):
    """A condition on a whole group (ballot functions sum over its records)."""

    condition: Expr
    message: str | None = None
    span: Span = _span()


@frozen
class GroupBy:
    keys: tuple[str, ...]
    rules: tuple[Rank | Quota | Limit | Let, ...]  # a Let here: a group value
    span: Span = _span()


@frozen
class Weights(_Cited):
    """``weights T: 德 15%, …``: each weight (a Number or a Ref to a param) is a param ``T.德``."""

    name: str
    entries: tuple[tuple[str, Expr], ...]
    span: Span = _span()


Declaration = (
    Scale | Ballot | Input | Param | Let | Score | Require | Sheet | Grade | Veto | Outcome | Check
    | GroupBy | Weights
)
NAMED = (Scale, Ballot, Input, Param, Let, Score, Sheet, Grade, Veto, Outcome, Weights)
#: The declarations with a name, as a type (``NAMED`` is the same classes, for ``isinstance``).
Named = Scale | Ballot | Input | Param | Let | Score | Sheet | Grade | Veto | Outcome | Weights


@frozen
class Override:
    declaration: Declaration
    span: Span = _span()


@frozen
class RuleOverride:
    grade: str
    rule: GradeRule
    span: Span = _span()


Statement = Declaration | Override | RuleOverride


@frozen
class Module:
    """One ruleset file as written."""

    header: Header
    statements: tuple[Statement, ...]
    path: str | None = field(default=None, eq=False)
    source: str = field(default="", eq=False, repr=False)


KEYWORD_OF = {
    Scale: "scale", Ballot: "ballot", Input: "input", Param: "param", Let: "let", Score: "score",
    Sheet: "sheet", Grade: "grade", Veto: "veto", Outcome: "outcome", Require: "require",
    Check: "check", GroupBy: "group", Rank: "rank", Weights: "weights",
}


def children(node: object) -> tuple[object, ...]:
    """The direct sub-expressions of an expression node, in source order."""
    match node:
        case Negate(operand=x) | Not(operand=x) | Is(operand=x) | In(operand=x):
            return (x,)
        case Arithmetic(left=a, right=b) | Logic(left=a, right=b) | Compare(left=a, right=b):
            return (a, b)
        case If(condition=c, then=t, otherwise=o):
            return (c, t, o)
        case Call(args=args):
            return args
        case Quantified(conditions=conds):
            return conds
        case Weighted(items=items):
            return tuple(x for i in items for x in (i.expr, i.weight)
                         if x is i.expr or not isinstance(x, Number | None))
        case Points(points=points):
            return tuple(p for _, p in points if not isinstance(p, Number))
        case Cases(branches=branches, otherwise=o):
            out: list[object] = []
            for branch in branches:
                out += [branch.value, branch.condition]
            return (*out, o) if o is not None else tuple(out)
    return ()


def walk(node: object) -> Iterator[object]:
    """Every expression node under ``node`` (itself included), iteratively, parents first."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def expressions(decl: object) -> Iterator[Expr]:
    """The expression roots of a declaration: bodies, conditions, sheet items' formulas."""
    match decl:
        case Let(expr=e) | Score(expr=e) | Param(expr=e):
            yield e
        case Outcome(condition=c) | Veto(condition=c) | Require(condition=c) | Limit(condition=c):
            yield c
        case Rank(keys=keys, among=among):
            yield from (*map(Ref, keys), *([] if among is None else [among]))
        case Grade(rules=rules):
            for r in rules:
                yield r.condition
        case Sheet(items=items):
            stack = list(reversed(items))
            while stack:
                item = stack.pop()
                stack.extend(reversed(item.children))
                match item.rule:
                    case ProRata(expr=e) | Formula(expr=e) | Deduction(per=e):
                        yield e
                    case FullWhen(condition=c):
                        yield c

