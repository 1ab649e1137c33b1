"""What the checker produces and shares: :class:`Checked` (a ruleset that compiled), the types of
values (:class:`Type`, :class:`Kind`), the group rules' nodes, the language's fixed vocabulary,
and :class:`CheckerState` (the state the checker's parts share, declared for the type checker).
Imports :mod:`ast`, :mod:`diagnostics` and :mod:`messages`.
"""

from __future__ import annotations

import itertools
from collections.abc import Container, Iterator, Mapping
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import attrs
from attrs import frozen

from .. import ast
from ..messages import Phrase

POLICIES = tuple(ast.Policy)
#: Functions over the records of a group, in a group value (``let`` in a ``group by`` block) or
#: a limit: ``count(COND)`` (``count()``: the group's size), ``sum``, ``mean``, ``min``, ``max``
#: of a number (``min``/``max`` of one argument; of two or more they are the usual functions).
AGGREGATES = ("count", "sum", "mean", "min", "max")


def is_aggregate(expr: object) -> bool:
    """Whether a call in a group value or a limit is over the group's records: count, sum and
    mean always; min and max of one argument (of two or more, the usual functions)."""
    return (isinstance(expr, ast.Call) and expr.function in AGGREGATES
            and (expr.function not in ("min", "max") or len(expr.args) == 1))
FUNCTIONS = {  # name: (fewest, most) arguments
    "min": (2, None), "max": (2, None), "clamp": (3, 3), "round": (1, 2),
    "floor": (1, 1), "ceil": (1, 1), "abs": (1, 1), "days": (2, 2),
}
#: The functions of a list of numbers (one argument: a list input, or ``trimmed(LIST, k)``, the
#: list without its k highest and k lowest numbers); ``min``/``max`` of two or more are numbers'.
LIST_FUNCTIONS = ("count", "sum", "mean", "min", "max")
#: ``round(x, d)`` takes at most this many digits either way (E415): no regulation rounds to more
#: than a few, and ``10 ** d`` for a ``d`` of millions never finishes.
MAX_ROUND_DIGITS = 100
#: The columns a result table has after the named values: the vetoes applied and the outcomes
#: that hold (lists of names) and the record's error (its message, or nothing). No declaration
#: may take these names (E209): its column would collide with them. :mod:`columns` reads them here.
RESULT_COLUMNS = ("vetoes", "outcomes", "error")
RESERVED = frozenset(
    "ruleset extends title scale ballot input param let score require sheet grade veto outcome "
    "check override rule when otherwise all any most at least of one bool number integer in "
    "default weighted cases max pro rata full minus per lower raise set by to monotone always "
    "if then else and or not is true false share votes total points text history group rank "
    "quota limit desc asc unrated date weights among list empty lowest places rounded".split()
)


class Kind(StrEnum):
    NUMBER = "number"
    BOOL = "bool"
    BALLOT = "ballot"
    CATEGORY = "category"
    TEXT = "text"
    HISTORY = "history"
    #: A list of numbers: ``list of number`` or ``history of number`` (an input only).
    LIST = "list"
    #: A day of the calendar: compared with another, or counted between with ``days(a, b)``.
    DATE = "date"
    #: An expression already reported, so that one mistake is reported once.
    ERROR = "error"


@frozen
class Type:
    """A value's type: a category has its labels (and ``scale`` when they are ordered), a
    history the labels of its scale."""

    kind: Kind
    labels: tuple[str, ...] = ()
    scale: str | None = None

    def describe(self) -> str:
        if self.kind == Kind.CATEGORY:
            if self.scale:
                return f"a grade on the scale {self.scale}"
            return f"a category ({', '.join(self.labels)})"
        if self.kind == Kind.HISTORY:
            return f"a history of grades on {self.scale}"
        return {Kind.NUMBER: "a number", Kind.BOOL: "a condition (true or false)",
                Kind.BALLOT: "a ballot", Kind.TEXT: "text", Kind.LIST: "a list of numbers",
                Kind.DATE: "a date",
                Kind.ERROR: "an invalid value"}[self.kind]


NUMBER, BOOL, BALLOT, ERROR = Type(Kind.NUMBER), Type(Kind.BOOL), Type(Kind.BALLOT), \
    Type(Kind.ERROR)
TEXT = Type(Kind.TEXT)
DATE = Type(Kind.DATE)


@frozen(cache_hash=True)
class QuotaNode:
    """A quota of a ``group by`` block, as the group rules' schedule and decisions name it:
    the ``index``-th group rule of the ruleset (counted across blocks), in block ``block``."""

    index: int
    quota: ast.Quota = attrs.field(eq=False, repr=False)
    block: int = attrs.field(default=0, eq=False)

    @property
    def key(self) -> str:
        """The name of what it decides for a record: whether the quota moves it down."""
        return f"quota {self.index}"

    def __str__(self) -> str:
        return f"quota {self.quota.grade}: {self.quota.label}"


@frozen
class WeightSum:
    """Weights that must add up to 100% but are params, so their sum is known only with the
    params' values (``reference.constants`` checks it, also after ``with_params``): a
    ``weights`` table's, or a ``weighted:`` block's with a param among its weights. ``rule``
    names it as an error does (``weights 五要素``, ``score 总分``)."""

    rule: str
    weights: tuple[ast.Expr, ...]  # numbers and refs to params
    span: ast.Span = attrs.field(default=ast.NOWHERE, eq=False, repr=False)


@frozen(cache_hash=True)
class LimitNode:
    """A limit of a ``group by`` block: the ``index``-th group rule of the ruleset, in block
    ``block``; it decides nothing for a record, but fails the records of a group that breaks it."""

    index: int
    limit: ast.Limit = attrs.field(eq=False, repr=False)
    block: int = attrs.field(default=0, eq=False)

    def __str__(self) -> str:
        return f"limit {self.index}"


#: A group rule's node in the schedule: a rank or a group value by its name, a quota, a limit.
GroupNode = str | QuotaNode | LimitNode


def _read_only(mapping: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A read-only view of ``mapping``: the converter of :class:`Checked`'s mappings (mypy's attrs
    plugin cannot solve the type parameters of ``MappingProxyType`` itself as a converter)."""
    return MappingProxyType(mapping)


@frozen(getstate_setstate=False)
class Checked:
    """A ruleset that compiled: the flat declarations with labels resolved, the type of every
    value, and the order in which the derived values are computed (dependencies first)."""

    module: ast.Module
    scales: Mapping[str, tuple[str, ...]] = attrs.field(converter=_read_only)
    ballots: Mapping[str, tuple[str, ...]] = attrs.field(converter=_read_only)
    inputs: Mapping[str, ast.Input] = attrs.field(converter=_read_only)
    params: Mapping[str, ast.Param] = attrs.field(converter=_read_only)
    #: let, score, sheet, grade, veto, outcome and rank, by name, in written order
    definitions: Mapping[str, ast.Declaration | ast.Rank] = attrs.field(converter=_read_only)
    requires: tuple[ast.Require, ...]
    checks: tuple[ast.Check, ...]
    types: Mapping[str, Type] = attrs.field(converter=_read_only)
    order: tuple[str, ...]  # params first, then every derived name, dependencies first
    #: grade → the vetoes that adjust it, in written order
    vetoes_of: Mapping[str, tuple[str, ...]] = attrs.field(converter=_read_only)
    items: Mapping[str, ast.SheetItem] = attrs.field(converter=_read_only)  # "SHEET.ITEM"
    #: The ``group by`` blocks, checked, in written order (none: a record is graded alone).
    groups: tuple[ast.GroupBy, ...] = ()
    #: Ranks and group values (by name), quotas and limits, each after those it needs.
    group_order: tuple[GroupNode, ...] = ()
    #: Each rank's and group value's block (an index into :attr:`groups`).
    block_of: Mapping[str, int] = attrs.field(factory=dict, converter=_read_only)
    #: grade → its quotas, in written order
    quotas_of: Mapping[str, tuple[QuotaNode, ...]] = attrs.field(
        factory=dict, converter=_read_only)
    #: Each definition's direct dependencies (a grade's include its vetoes and quota keys).
    deps: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_read_only)
    #: scale → its unrated label (``, unrated 不定等次``), which is not on the order: a grade
    #: that is unrated was not graded. Quotas, reports and tools read it here.
    unrated: Mapping[str, str] = attrs.field(factory=dict, converter=_read_only)
    #: Weights whose sum is checked with the params' values (see :class:`WeightSum`).
    weight_sums: tuple[WeightSum, ...] = ()

    @property
    def shared_keys(self) -> tuple[str, ...]:
        """The group keys every ``group by`` block has: records that differ on one of them are
        in different groups of every block, so a stream or a cluster may cut the input there.
        None in common (or no block): the whole input is one group."""
        if not self.groups:
            return ()
        first, *others = self.groups
        return tuple(k for k in first.keys if all(k in g.keys for g in others))

    def __getstate__(self) -> dict[str, Any]:
        """Its fields, the read-only mappings as dicts (pickle cannot hold a mapping proxy)."""
        return {f.name: dict(v) if isinstance(v, MappingProxyType) else v
                for f in attrs.fields(Checked) for v in [getattr(self, f.name)]}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, _read_only(value) if isinstance(value, dict) else value)

    def labels(self, scale: str) -> tuple[str, ...]:
        """A scale's labels, best first, and its unrated label last if it has one."""
        unrated = self.unrated.get(scale)
        return self.scales[scale] + ((unrated,) if unrated else ())

    def closure(self, names) -> frozenset[str]:
        """The definitions ``names`` need (themselves included), transitively."""
        return closure(self.definitions, self.deps, names)

    def subject(self, expr: ast.Expr) -> str | None:
        """The first input or ballot a condition reads (through the values it names): the field
        its failure reports."""
        return first_field(expr, self.definitions, {*self.inputs, *self.ballots})

    @property
    def name(self) -> str:
        return self.module.header.name

    def names_of(self, *kinds: type) -> tuple[str, ...]:
        """The definitions of these kinds (``ast.Veto``, ...), in written order."""
        return tuple(n for n, d in self.definitions.items() if isinstance(d, kinds))

    def value_names(self) -> list[str]:
        """The named values a result has (a result table has a column for each), in ruleset
        order: lets, scores, each sheet followed by its ``SHEET.ITEM`` items in written order,
        grades, ranks. Params, inputs, vetoes and outcomes are not among them."""
        names = []
        for name, decl in self.definitions.items():
            if isinstance(decl, (ast.Veto, ast.Outcome)):
                continue
            names.append(name)
            if isinstance(decl, ast.Sheet):
                names += [k for k in self.items if k.split(".", 1)[0] == name]
        return names


def closure(definitions, deps, names) -> frozenset[str]:
    """The definitions among ``names`` and all they depend on (``SHEET.ITEM`` as its sheet)."""
    seen, stack = set(), list(names)
    while stack:
        name = stack.pop().split(".", 1)[0]
        if name in seen or name not in definitions:
            continue
        seen.add(name)
        stack.extend(deps.get(name, ()))
    return frozenset(seen)


def failure_message(rule: ast.Require | ast.Limit) -> str | Phrase:
    """What a record is told when ``rule`` does not hold: the author's message (else that the
    condition does not hold), then the article the rule cites, so a 申诉 hears where it comes
    from."""
    message: str | Phrase = rule.message or Phrase("record.condition_fails")
    if rule.cite is None:
        return message
    return Phrase("record.cited", {"message": message, "cite": rule.cite})


def first_field(expr: ast.Expr, definitions: Mapping[str, object], fields: Container[str]
                ) -> str | None:
    """The first field (an input or ballot among ``fields``) ``expr`` reads, in the order it is
    written, looking through the derived values it names: the field a failed ``require``
    reports. None when it reads no field (only params). (Here rather than in :mod:`ast`: which
    names are fields and definitions is what a checked ruleset knows.)"""
    stack: list[Iterator[object]] = [ast.walk(expr)]
    seen: set[str] = set()
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        match node:
            case ast.Share(ballot=b) | ast.Votes(ballot=b) | ast.Total(ballot=b) | ast.Points(
                    ballot=b):
                return b
            case ast.History(input=name):
                return name
            case ast.Ref(name=name):
                base = name.split(".", 1)[0]
                if base in fields:
                    return base
                if base in definitions and base not in seen:
                    seen.add(base)
                    stack.append(itertools.chain.from_iterable(
                        ast.walk(root) for root in ast.expressions(definitions[base])))
    return None


def literal_value(expr: ast.Expr) -> Fraction | None:
    """The value of a literal (possibly negated) number, else None."""
    if isinstance(expr, ast.Number):
        return expr.value
    if isinstance(expr, ast.Negate) and isinstance(expr.operand, ast.Number):
        return -expr.operand.value
    return None


def percent_text(value: Fraction) -> str:
    text = f"{float(value * 100):.6g}"
    return f"{text}%"


def number_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))


class CheckerState:
    """What the parts of one checker run share, declared once: the state the checker
    (:mod:`.checker`) sets up in its ``__init__`` and the methods one part calls on another. The
    mixins of :mod:`.expressions` and :mod:`.groups` and the checker itself inherit it."""

    scales: dict[str, tuple[str, ...]]
    unrated: dict[str, str]  # scale → its unrated label
    ballots: dict[str, tuple[str, ...]]
    inputs: dict[str, ast.Input]
    params: dict[str, ast.Param]
    defs: dict[str, ast.Declaration | ast.Rank]  # ranks and lets of the `group by` blocks too
    items: dict[str, ast.SheetItem]  # "SHEET.ITEM"
    types: dict[str, Type]
    deps: dict[str, list[str]]
    used: set[str]
    checked_exprs: dict[str, object]  # each definition as checked, by name
    groups: list[ast.GroupBy]
    block_of: dict[str, int]  # each rank and group value's block (an index into groups)
    #: While a group value's or a limit's expression is typed: its block (count/sum/mean/min/max
    #: of one argument are then over the block's records), else None.
    _aggregating: int | None
    weight_tables: dict[str, tuple[str, ...]]  # `weights` table → its keys, in written order
    weight_sums: list[WeightSum]
    _current: str | None  # the name being typed, if any

    # The checker's (checker.py)
    def error(self, code: str, message: str, span: ast.Span, hint: str | None = None) -> Type:
        raise NotImplementedError

    def _type_of(self, name: str) -> Type:
        raise NotImplementedError

    def _dep(self, name: str) -> None:
        raise NotImplementedError

    def _expect_constant(self, expr: ast.Expr, what: str) -> None:
        raise NotImplementedError

    # The typing of expressions' (expressions.py)
    def _expr(self, expr: ast.Expr) -> tuple[ast.Expr, Type]:
        raise NotImplementedError

    def _expect(self, got: Type, want: Type, span: ast.Span, what: str) -> None:
        raise NotImplementedError

    def _condition(self, expr: ast.Expr, what: str) -> ast.Expr:
        raise NotImplementedError

    def _is_value(self, expr: ast.Expr) -> bool:
        raise NotImplementedError

    # The weights' and label values' (weights.py)
    def _weighted(self, expr: ast.Weighted) -> tuple[ast.Expr, Type]:
        raise NotImplementedError

    def _points(self, expr: ast.Points) -> ast.Points:
        raise NotImplementedError

    def _label_values(self, expr: ast.If | ast.Cases) -> tuple[ast.Expr, Type] | None:
        raise NotImplementedError

    def _labels_of(self, expr: ast.Expr, context: Type) -> tuple[ast.Expr, Type] | None:
        raise NotImplementedError

    def _bare_leaves(self, expr: ast.Expr, out: list[str]) -> bool:
        raise NotImplementedError

    def _depend_on_weights(self) -> None:
        raise NotImplementedError

    # The group checker's (groups.py)
    def _aggregate(self, expr: ast.Call) -> tuple[ast.Expr, Type]:
        raise NotImplementedError

def list_call(e: ast.Call, inputs: Mapping[str, ast.Input]) -> tuple[str, str, int] | None:
    """``(function, list input, k)`` of a checked call on a list of numbers (``k`` numbers dropped
    at each end by ``trimmed``, else 0); None for a call on numbers, or a group value's aggregate
    (``mean(综合得分)`` over the group's records: the same functions, of a number)."""
    if e.function not in LIST_FUNCTIONS or (e.function in ("min", "max") and len(e.args) != 1):
        return None
    match e.args[0]:
        case ast.Call(function="trimmed", args=(ast.Ref(name=name), ast.Number(value=k))):
            return e.function, name, int(k)
        case ast.Ref(name=name) if name in inputs and isinstance(inputs[name].type,
                                                                  ast.ListType):
            return e.function, name, 0
    return None


def references(decl: object) -> list[str]:
    """The names a declaration's expressions refer to (a sheet item as its sheet), in order.
    (Here rather than in :mod:`ast`, like :func:`first_field`: ast.py stays under 650 lines.)"""
    out: list[str] = []
    for root in ast.expressions(decl):
        for node in ast.walk(root):
            if isinstance(node, ast.Ref):
                name = node.name.split(".", 1)[0]
                if name not in out:
                    out.append(name)
    return out
