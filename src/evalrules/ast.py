"""The ruleset syntax tree: immutable nodes, each with the source span it came from.

Spans are ``field(eq=False)``, so two trees are equal when they mean the same thing wherever they
were written: ``parse(unparse(tree)) == tree`` is a property the tests check. The class names are
the grammar's rule names. The parser builds these nodes; the checker only rewrites bare names that
denote labels into :class:`Label` and fills in :attr:`Compare.order`. The expression nodes are
written in :mod:`expr` and re-exported here, so callers name every node ``ast.X``. Imports
:mod:`expr` only.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from attrs import field, frozen

from .expr import (  # the expression nodes and what every node carries, written there
    NOWHERE,
    Arithmetic,
    Boolean,
    Call,
    CaseBranch,
    Cases,
    Cited,
    Compare,
    Date,
    Expr,
    History,
    If,
    In,
    Is,
    Label,
    Logic,
    Negate,
    Not,
    Number,
    Points,
    Quantified,
    Ref,
    Share,
    Span,
    Total,
    Votes,
    Weighted,
    WeightedItem,
    cite_field,
    note_field,
    span_field,
)

# ---------------------------------------------------------------- input types


@frozen
class BoolType:
    span: Span = span_field()


@frozen
class NumberType:
    integer: bool = False
    low: Expr | None = None
    high: Expr | None = None
    span: Span = span_field()


@frozen
class OneOf:
    labels: tuple[str, ...]
    span: Span = span_field()


@frozen
class ScaleType:
    scale: str
    span: Span = span_field()


@frozen
class TextType:
    """Free text, e.g. a unit's name: usable as a group key."""

    span: Span = span_field()


@frozen
class HistoryType:
    """Past grades on a scale, oldest first."""

    scale: str
    empty: bool = False  # ``default empty``: a missing or empty cell is an empty history
    span: Span = span_field()


@frozen
class ListType:
    """``list of number in A..B``, in no order; ``history of number …`` (oldest first)."""

    number: NumberType
    history: bool = False
    empty: bool = False  # ``default empty``: a missing or empty cell is an empty list
    span: Span = span_field()


@frozen
class DateType:
    """A day of the calendar: ``2025-06-30``, ``2025/6/30``, ``2025年6月30日``, a date cell."""

    span: Span = span_field()


InputType = BoolType | NumberType | OneOf | ScaleType | TextType | HistoryType | ListType | DateType


# ---------------------------------------------------------------- declarations


@frozen
class Header:
    name: str
    extends: str | None = None
    title: str | None = None
    extends_span: Span = field(default=NOWHERE, eq=False, repr=False)
    span: Span = span_field()


@frozen
class Scale(Cited):
    name: str
    labels: tuple[str, ...]  # best first
    unrated: str | None = None  # `, unrated 不定等次`: a label off the order (not graded)
    span: Span = span_field()


@frozen
class Ballot(Cited):
    name: str
    categories: tuple[str, ...]  # best first
    span: Span = span_field()


@frozen
class Input(Cited):
    name: str
    type: InputType
    default: Expr | None = None
    span: Span = span_field()


@frozen
class Param(Cited):
    name: str
    expr: Expr
    chosen: str | None = cite_field()
    span: Span = span_field()


@frozen
class Let(Cited):
    name: str
    expr: Expr
    span: Span = span_field()


@frozen
class Score(Cited):
    """A derived number that is reported as a score; otherwise the same as :class:`Let`."""

    name: str
    expr: Expr
    span: Span = span_field()


@frozen
class Require(Cited):
    condition: Expr
    message: str | None = None
    span: Span = span_field()


@frozen
class ProRata:
    expr: Expr
    span: Span = span_field()


@frozen
class FullWhen:
    condition: Expr
    span: Span = span_field()


@frozen
class Formula:
    expr: Expr
    span: Span = span_field()


@frozen
class Deduction:
    amount: Number
    per: Expr
    span: Span = span_field()


ItemRule = ProRata | FullWhen | Formula | Deduction


@frozen
class SheetItem(Cited):
    """A leaf item (``rule`` set) or a heading (``children`` set) with its maximum points."""

    name: str
    points: Number
    rule: ItemRule | None = None
    children: tuple[SheetItem, ...] = ()
    span: Span = span_field()


@frozen
class Sheet(Cited):
    name: str
    max: Number
    items: tuple[SheetItem, ...]
    span: Span = span_field()


class Policy(StrEnum):
    """A grade table's hit policy: which rule decides when several hold."""

    FIRST = "first"
    WORST = "worst"
    BEST = "best"
    UNIQUE = "unique"


@frozen
class GradeRule(Cited):
    label: str
    condition: Expr
    note: str | None = note_field()
    span: Span = span_field()


@frozen
class Grade(Cited):
    name: str
    scale: str | None  # None: the scale of the same name
    policy: str  # a Policy once checked; the parser keeps what was written, for E410
    rules: tuple[GradeRule, ...]
    otherwise: str | None
    otherwise_span: Span = field(default=NOWHERE, eq=False, repr=False)
    policy_span: Span = field(default=NOWHERE, eq=False, repr=False)
    note: str | None = note_field()
    otherwise_note: str | None = note_field()
    otherwise_cite: str | None = cite_field()
    span: Span = span_field()


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
    span: Span = span_field()


@frozen
class Veto(Cited):
    name: str
    condition: Expr
    adjustments: tuple[Adjustment, ...]
    note: str | None = note_field()
    span: Span = span_field()


@frozen
class Outcome(Cited):
    name: str
    condition: Expr
    note: str | None = note_field()
    span: Span = span_field()


@frozen
class Check:
    """A property the author states: ``monotone TARGET in SOURCE`` or ``always CONDITION``."""

    kind: str  # "monotone" or "always"
    target: str | None = None
    source: str | None = None
    condition: Expr | None = None
    span: Span = span_field()


@frozen
class Rank(Cited):
    """A record's rank in its group by ``keys`` (1 best; ties share it), if ``among`` holds."""

    name: str
    keys: tuple[str, ...]
    descending: bool = True
    among: Expr | None = None
    span: Span = span_field()


@frozen
class Quota(Cited):
    grade: str  # a quota on ``label`` of ``grade``; the fields' meaning: evalrules.quotas
    label: str
    share: Expr
    keys: tuple[str, ...]
    span: Span = span_field()
    rounding: str = "down"  # or "nearest" (四舍五入), "up" (进一法); "places": a head count
    more: tuple[Expr, str, Expr] | None = None  # at most SIZE ROUNDING when COND
    among: Expr | None = None
    lowest: bool = False  # 末位: the lowest ``share`` are capped at ``label``


@frozen
class Limit(Cited):
    """A condition on a whole group (ballot functions sum over its records)."""

    condition: Expr
    message: str | None = None
    span: Span = span_field()


@frozen
class GroupBy:
    keys: tuple[str, ...]
    rules: tuple[Rank | Quota | Limit | Let, ...]  # a Let here: a group value
    span: Span = span_field()


@frozen
class Weights(Cited):
    """``weights T: 德 15%, …``: each weight (a Number or a Ref to a param) is a param ``T.德``."""

    name: str
    entries: tuple[tuple[str, Expr], ...]
    span: Span = span_field()


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
    span: Span = span_field()


@frozen
class RuleOverride:
    grade: str
    rule: GradeRule
    span: Span = span_field()


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


__all__ = [  # the whole tree, expression nodes included: callers write ast.Number
    "KEYWORD_OF", "NAMED", "NOWHERE", "Action", "Adjustment", "Arithmetic", "Ballot", "BoolType",
    "Boolean", "Call", "CaseBranch", "Cases", "Check", "Cited", "Compare", "Date", "DateType",
    "Declaration", "Deduction", "Expr", "Formula", "FullWhen", "Grade", "GradeRule", "GroupBy",
    "Header", "History", "HistoryType", "If", "In", "Input", "InputType", "Is", "ItemRule",
    "Label", "Let", "Limit", "ListType", "Logic", "Module", "Named", "Negate", "Not", "Number",
    "NumberType", "OneOf", "Outcome", "Override", "Param", "Points", "Policy", "ProRata",
    "Quantified", "Quota", "Rank", "Ref", "Require", "RuleOverride", "Scale", "ScaleType", "Score",
    "Share", "Sheet", "SheetItem", "Span", "Statement", "TextType", "Total", "Veto", "Votes",
    "Weighted", "WeightedItem", "Weights", "children", "cite_field", "expressions", "note_field",
    "span_field", "walk",
]
