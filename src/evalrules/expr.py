"""The expression nodes of the syntax tree, and what every node carries: its :class:`Span` and
the fields for citations (see :mod:`evalrules.ast`, which re-exports all of this: callers write
``ast.Number``). Imports nothing of evalrules.
"""

from __future__ import annotations

import datetime
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


def span_field() -> Any:
    return field(default=NOWHERE, eq=False, repr=False, kw_only=True)


def note_field() -> Any:
    """A citation: the comment the author wrote directly above a rule (or at the end of its
    line), as the parser found it. Like a span it is not part of what the rule means."""
    return field(default=None, eq=False, repr=False, kw_only=True)


def cite_field() -> Any:
    """A citation (``per "第二十二条（一）1"``) or a param's ``chosen "…"``: part of what the author
    wrote, unlike a comment (``parse(unparse(x)) == x`` keeps it), not of what a rule means."""
    return field(default=None, kw_only=True)


@frozen
class Cited:
    cite: str | None = field(default=None, kw_only=True)  # see cite_field: the rule's `per "…"`


# ---------------------------------------------------------------- expressions


@frozen
class Number:
    value: Fraction
    text: str | None = field(default=None, eq=False)
    span: Span = span_field()


@frozen
class Date:
    """A date literal, ``2025-12-31``: a day of the calendar (the parser refuses 2025-02-30)."""

    value: datetime.date
    span: Span = span_field()


@frozen
class Boolean:
    value: bool
    span: Span = span_field()


@frozen
class Ref:
    """A name: an input, param, let, score, sheet, grade or outcome; ``SHEET.ITEM`` for an item."""

    name: str
    span: Span = span_field()


@frozen
class Label:
    """A grade or category label, as the checker classified a bare name."""

    label: str
    span: Span = span_field()


@frozen
class Negate:
    operand: Expr
    span: Span = span_field()


@frozen
class Not:
    operand: Expr
    span: Span = span_field()


@frozen
class Arithmetic:
    op: str  # one of + - * /
    left: Expr
    right: Expr
    span: Span = span_field()


@frozen
class Logic:
    op: str  # "and" or "or"; both short-circuit left to right
    left: Expr
    right: Expr
    span: Span = span_field()


@frozen
class Compare:
    op: str  # one of == != < <= > >=
    left: Expr
    right: Expr
    #: The scale's labels, best first, when the operands are grades; set by the checker.
    order: tuple[str, ...] | None = None
    unrated: str | None = None  # the scale's unrated label: no order holds with it (checker)
    span: Span = span_field()


@frozen
class Is:
    operand: Expr
    label: str
    negated: bool = False
    span: Span = span_field()


@frozen
class In:
    """``x in (甲, 乙)``: whether a category is one of these labels (``not in``: none of them)."""

    operand: Expr
    labels: tuple[str, ...]
    negated: bool = False
    span: Span = span_field()


@frozen
class If:
    condition: Expr
    then: Expr
    otherwise: Expr
    span: Span = span_field()


@frozen
class Call:
    """A built-in function: min, max, clamp, round, floor, ceil, abs."""

    function: str
    args: tuple[Expr, ...]
    span: Span = span_field()


@frozen
class Share:
    """``share(B: c...)``: the votes for the categories over all votes of the ballot."""

    ballot: str
    categories: tuple[str, ...]
    span: Span = span_field()


@frozen
class Votes:
    ballot: str
    categories: tuple[str, ...]
    span: Span = span_field()


@frozen
class Total:
    ballot: str
    span: Span = span_field()


@frozen
class Points:
    """``points(B: 优秀 100, ...)``: the vote-weighted average of the points."""

    ballot: str
    points: tuple[tuple[str, Expr], ...]  # a Number, or a Ref to a param
    span: Span = span_field()


@frozen
class History:
    """``H.streak(L)``, ``H.count(L)`` or ``H.last`` of a history input ``H``."""

    input: str
    method: str  # "streak", "count" or "last"
    label: str | None = None
    span: Span = span_field()


@frozen
class Quantified:
    """An ``all:`` / ``any:`` / ``most:`` / ``at least N:`` block of conditions."""

    quantifier: str  # "all", "any", "most", "at least"
    conditions: tuple[Expr, ...]
    count: int | None = None  # N of "at least N"
    #: Each condition's citation (see :func:`note_field`), or None; empty when none has one.
    notes: tuple[str | None, ...] = field(default=(), eq=False, repr=False, kw_only=True)
    span: Span = span_field()


@frozen
class WeightedItem:
    expr: Expr
    weight: Expr | None  # a Number or a Ref to a param; in `weighted TABLE:` None until checked
    span: Span = span_field()


@frozen
class Weighted:
    items: tuple[WeightedItem, ...]
    table: str | None = None  # `weighted TABLE: a, b, …`: the table's weights, by position
    span: Span = span_field()


@frozen
class CaseBranch:
    value: Expr
    condition: Expr
    span: Span = span_field()


@frozen
class Cases:
    branches: tuple[CaseBranch, ...]
    otherwise: Expr | None
    span: Span = span_field()


Expr = (
    Number | Boolean | Ref | Label | Negate | Not | Arithmetic | Logic | Compare | Is | In | If
    | Call | Date
    | Share | Votes | Total | Points | History | Quantified | Weighted | Cases
)
