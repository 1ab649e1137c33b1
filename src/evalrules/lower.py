"""The lowering: a checked ruleset and its constants → a :class:`plan.Plan` of primitives.

Outside the reference evaluator, this is the one place where a construct's meaning is written:
sheets become clamped sums, ``weighted`` a sum of products, ``cases`` and ``(first)`` tables
nested ``if``\\ s, the other hit policies flags chosen in the scale's order, ``most``/``at least``
a count of conditions, vetoes and quota moves lookups in tables of the scale, grade comparisons
lookups of ranks, shares and points divisions by the ballot's total, params constants. The
schedule is the reference's: each ``require`` after the definitions it needs, then every other
definition in dependency order. Every failure is a :class:`plan.Fail` carrying the message key
and values the reference evaluator gives, so the messages are chosen here and there only.

Imports :mod:`ast`, :mod:`check`, :mod:`diagnostics`, :mod:`messages`, :mod:`plan`,
:mod:`unparse` and :mod:`values`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from fractions import Fraction

from . import ast
from . import plan as P
from .check import Checked, Kind, failure_message, list_call, references
from .diagnostics import InputError, RuleName, RuntimeCode
from .unparse import expression, rule_name
from .values import Constants, coerce_input, day_number

_VALUE_KIND = {Kind.NUMBER: P.ValueKind.NUMBER, Kind.BOOL: P.ValueKind.BOOL,
               Kind.CATEGORY: P.ValueKind.LABEL, Kind.TEXT: P.ValueKind.TEXT,
               Kind.HISTORY: P.ValueKind.HISTORY, Kind.LIST: P.ValueKind.LIST,
               Kind.DATE: P.ValueKind.NUMBER}  # a date is its day number in a plan
_COMPARE = {op.value: op for op in P.CompareOp}


def lower(checked: Checked, constants: Constants) -> P.Plan:
    """The plan of a checked ruleset with these constants (params, defaults, range bounds)."""
    return _Lowering(checked, constants).plan()


def lower_expression(checked: Checked, constants: Constants, e: ast.Expr, rule: str = ""
                     ) -> P.Expr:
    """An expression of the ruleset outside its definitions (a ``check``'s condition, one rule
    of a grade table) lowered as the definitions are, failures named after ``rule``; it reads
    the definitions as the plan's values (:class:`plan.Local`)."""
    lowering = _Lowering(checked, constants)
    lowering.rule = rule
    return lowering.expr(e)


def adjust(order: tuple[str, ...], label: str, adjustment: ast.Adjustment) -> str:
    """One veto action on a grade, never past either end of the scale (best first). An unrated
    grade stays unrated; `set G to UNRATED` makes any grade unrated (as the reference's)."""
    if label not in order:
        return label
    if adjustment.label is not None and adjustment.label not in order:
        return adjustment.label
    i = order.index(label)
    match adjustment.action:
        case ast.Action.LOWER:
            i = min(i + (adjustment.amount or 0), len(order) - 1)
        case ast.Action.RAISE:
            i = max(i - (adjustment.amount or 0), 0)
        case ast.Action.AT_MOST:
            i = max(i, order.index(adjustment.label or ""))
        case ast.Action.AT_LEAST:
            i = min(i, order.index(adjustment.label or ""))
        case ast.Action.SET:
            i = order.index(adjustment.label or "")
    return order[i]


class _Lowering:
    def __init__(self, checked: Checked, constants: Constants):
        self.checked = checked
        self.constants = constants
        self.rule = ""
        self.temps = 0
        self.steps: list[P.Step] = []

    # -- the plan
    def plan(self) -> P.Plan:
        c = self.checked
        blocks: list[P.Block] = []
        done: set[str] = set()
        for req in c.requires:
            needed = c.closure(references(req))
            for name in c.order:
                if name in needed and name not in done:
                    blocks.append(self.definition(name))
                    done.add(name)
            blocks.append(self.require(req))
        for name in c.order:
            if name in c.definitions and name not in done:
                blocks.append(self.definition(name))
        kinds = {name: _VALUE_KIND[t.kind] for name, t in c.types.items()
                 if t.kind in _VALUE_KIND}
        return P.Plan(
            name=c.name, ballots=c.ballots, inputs=tuple(self.input(d) for d in c.inputs.values()),
            params=dict(self.constants.params), blocks=tuple(blocks), kinds=kinds,
            values=tuple(c.value_names()), vetoes=c.names_of(ast.Veto),
            outcomes=c.names_of(ast.Outcome))

    def input(self, decl: ast.Input) -> P.InputSpec:
        c, name = self.checked, decl.name
        t = c.types[name]
        match decl.type:
            case ast.NumberType(integer=integer):
                kind = P.InputKind.INTEGER if integer else P.InputKind.NUMBER
            case ast.BoolType():
                kind = P.InputKind.BOOL
            case ast.TextType():
                kind = P.InputKind.TEXT
            case ast.HistoryType():
                kind = P.InputKind.HISTORY
            case ast.ListType():
                kind = P.InputKind.LIST
            case ast.DateType():
                kind = P.InputKind.DATE
            case _:
                kind = P.InputKind.CATEGORY
        default: object = None
        invalid = False
        if isinstance(decl.type, (ast.HistoryType, ast.ListType)) and decl.type.empty:
            default = ()
        elif decl.default is not None:
            try:  # a default is read and checked like a given value
                default = coerce_input(c, decl, None, self.constants)
            except InputError:
                invalid = True
        return P.InputSpec(name, kind, t.labels, self.constants.low.get(name),
                           self.constants.high.get(name), default, invalid,
                           isinstance(decl.type, ast.ListType) and decl.type.number.integer)

    def block(self, name: str | None, rule: str, span: ast.Span, needs) -> P.Block:
        steps, self.steps = tuple(self.steps), []
        known = self.checked.definitions
        return P.Block(name, rule, steps, frozenset(n for n in needs if n in known), span)

    def definition(self, name: str) -> P.Block:
        decl = self.checked.definitions[name]
        self.rule = rule_name(decl)
        DEFINITIONS[type(decl)](self, decl)
        return self.block(name, self.rule, decl.span, self.checked.deps.get(name, ()))

    def require(self, req: ast.Require) -> P.Block:
        self.rule = rule_name(req)
        message = failure_message(req)
        self.steps.append(P.Check(self.expr(req.condition), self.fail(
            "record.require", self.checked.subject(req.condition), RuntimeCode.REQUIRE,
            message=message)))
        return self.block(None, self.rule, req.span, references(req))

    # -- helpers
    def fail(self, key: str, field: str | None, code: RuntimeCode,
             listed: tuple[tuple[P.Expr, str], ...] = (), **values: object) -> P.Fail:
        """The failure of the rule being lowered: message ``key`` (its ``{rule}`` is the rule's
        name) with ``values``."""
        return P.Fail(self.rule, key, (("rule", RuleName(self.rule)), *values.items()), field,
                      code.value, listed)

    def bind(self, name: str, expr: P.Expr) -> P.Local:
        self.steps.append(P.Bind(name, expr))
        return P.Local(name)

    def temp(self, expr: P.Expr) -> P.Local:
        self.temps += 1
        return self.bind(f"#{self.temps}", expr)

    # -- definitions
    def let(self, decl: ast.Let | ast.Score) -> None:
        if decl.name in self.checked.block_of:  # a group value: what its group's records made it
            self.bind(decl.name, P.Decided(decl.name, number=True))
            return
        self.bind(decl.name, self.expr(decl.expr))

    def rank(self, decl: ast.Rank) -> None:
        self.bind(decl.name, P.Decided(decl.name))

    def condition(self, decl: ast.Veto | ast.Outcome) -> None:
        self.bind(decl.name, self.expr(decl.condition))

    def sheet(self, sheet: ast.Sheet) -> None:
        total = _sum([self.item(sheet, item) for item in sheet.items])
        self.bind(sheet.name, P.Max((total, _ZERO)))

    def item(self, sheet: ast.Sheet, item: ast.SheetItem) -> P.Local:
        points = P.Const(item.points.value)
        match item.rule:
            case None:  # a heading: its items, never below zero
                value: P.Expr = P.Max((_sum([self.item(sheet, c) for c in item.children]),
                                       _ZERO))
            case ast.ProRata(expr=e):
                value = P.Mul(points, P.Min((P.Max((self.expr(e), _ZERO)), _ONE)))
            case ast.FullWhen(condition=c):
                value = P.If(((self.expr(c), points),), _ZERO)
            case ast.Formula(expr=e):
                value = P.Min((P.Max((self.expr(e), _ZERO)), points))
            case ast.Deduction(amount=a, per=e):  # a deduction never adds points
                value = P.Mul(P.Const(-a.value), P.Max((self.expr(e), _ZERO)))
        return self.bind(f"{sheet.name}.{item.name}", value)

    def grade(self, grade: ast.Grade) -> None:
        c = self.checked
        order = c.scales[grade.scale or grade.name]
        labels = c.labels(grade.scale or grade.name)  # the unrated label last, if any
        otherwise: P.Expr = P.Const(grade.otherwise or "")
        if grade.policy == ast.Policy.FIRST:  # conditions in order, up to the first that holds
            value = _choice([(self.expr(r.condition), P.Const(r.label)) for r in grade.rules],
                            otherwise)
        else:  # every condition, in order; then the label the policy picks among those held
            flags = [(self.temp(self.expr(r.condition)), r.label) for r in grade.rules]
            if grade.policy == ast.Policy.UNIQUE and len(flags) > 1:
                self.steps.append(P.Check(
                    P.Compare(P.CompareOp.LE, P.CountTrue(tuple(f for f, _ in flags)), _ONE),
                    self.fail("record.unique", None, RuntimeCode.UNIQUE, tuple(flags))))
            elif grade.policy != ast.Policy.UNIQUE:
                sign = -1 if grade.policy == ast.Policy.WORST else 1
                # an unrated rule first: when it holds the record is not graded (the reference's)
                flags.sort(key=lambda f: (f[1] in order,
                                          sign * order.index(f[1]) if f[1] in order else 0))
            value = _choice([(flag, P.Const(label)) for flag, label in flags], otherwise)
        moves: list[tuple[P.Expr, dict[str, str]]] = []
        for veto_name in c.vetoes_of.get(grade.name, ()):
            veto = c.definitions[veto_name]
            assert isinstance(veto, ast.Veto)
            moves += [(P.Local(veto_name), {label: adjust(order, label, adj) for label in labels})
                      for adj in veto.adjustments if adj.grade == grade.name]
        down = {label: order[min(i + 1, len(order) - 1)] if label in order else label
                for i, label in enumerate(labels)}
        for node in c.quotas_of.get(grade.name, ()):
            cap = ast.Adjustment(ast.Action.AT_MOST, grade.name, label=node.quota.label)
            capped = {label: adjust(order, label, cap) for label in labels}
            moves.append((P.Decided(node.key), capped if node.quota.lowest else down))
        for when, table in moves:
            current = self.temp(value)
            value = P.If(((when, P.Lookup(current, tuple(table.items()))),), current)
        self.bind(grade.name, value)

    # -- expressions
    def expr(self, e: ast.Expr) -> P.Expr:
        return EXPRESSIONS[type(e)](self, e)

    def ref(self, e: ast.Ref) -> P.Expr:
        c, name = self.checked, e.name
        if name in c.params:
            return _const(self.constants.params[name])
        if name in c.inputs:
            return P.Input(name)
        rank = c.definitions.get(name)
        if isinstance(rank, ast.Rank) and rank.among is not None:  # some records have no rank
            return P.Ranked(name, self.fail("record.unranked", name, RuntimeCode.UNRANKED,
                                            rank=name, among=expression(rank.among)))
        return P.Local(name)

    def arithmetic(self, e: ast.Arithmetic) -> P.Expr:
        a, b = self.expr(e.left), self.expr(e.right)
        match e.op:
            case "+":
                return _sum([a, b])
            case "-":
                return _sum([a, P.Neg(b)])
            case "*":
                return P.Mul(a, b)
        return P.Div(a, b, self.fail("record.division", None, RuntimeCode.DIVISION,
                                     expression=expression(e)))

    def logic(self, e: ast.Logic) -> P.Expr:
        terms = (self.expr(e.left), self.expr(e.right))
        return _flat(P.And, terms) if e.op == "and" else _flat(P.Or, terms)

    def compare(self, e: ast.Compare) -> P.Expr:
        a, b = self.expr(e.left), self.expr(e.right)
        if e.order is not None:  # grades: the better, the greater
            ranks = tuple((label, Fraction(-i)) for i, label in enumerate(e.order))
            if e.unrated is None:
                a, b = _lookup(a, ranks), _lookup(b, ranks)
            else:  # no order holds with an unrated side: it ranks on the losing side of the
                # operator (below every grade on the left of `>`, above on its right, …), so
                # `<`, `<=`, `>`, `>=` are false; for `==`/`!=` a rank of its own
                below, above = Fraction(-len(e.order)), Fraction(1)
                left, right = {">": (below, above), ">=": (below, above), "<": (above, below),
                               "<=": (above, below)}.get(e.op, (above, above))
                a = _lookup(a, (*ranks, (e.unrated, left)))
                b = _lookup(b, (*ranks, (e.unrated, right)))
        return P.Compare(_COMPARE[e.op], a, b)

    def is_(self, e: ast.Is) -> P.Expr:
        op = P.CompareOp.NE if e.negated else P.CompareOp.EQ
        return P.Compare(op, self.expr(e.operand), P.Const(e.label))

    def in_(self, e: ast.In) -> P.Expr:
        """One comparison per label: the operand is a category, evaluated again for each
        (it cannot fail twice, and a lazy ``or`` keeps the reference's order)."""
        x = self.expr(e.operand)
        if e.negated:
            return _flat(P.And, tuple(P.Compare(P.CompareOp.NE, x, P.Const(label))
                                      for label in e.labels))
        return _flat(P.Or, tuple(P.Compare(P.CompareOp.EQ, x, P.Const(label))
                                 for label in e.labels))

    def if_(self, e: ast.If) -> P.Expr:
        return P.If(((self.expr(e.condition), self.expr(e.then)),), self.expr(e.otherwise))

    def numbers(self, e: ast.Call, op: str, name: str, trim: int) -> P.Expr:
        """A function of a list input: see :class:`plan.Numbers`, whose failures these are."""
        fail = None
        if trim:
            fail = self.fail("record.too_few_to_trim", name, RuntimeCode.TOO_FEW, name=name,
                             expression=expression(e), trim=trim, least=2 * trim + 1)
        elif op not in ("count", "sum"):
            fail = self.fail("record.empty_list", name, RuntimeCode.TOO_FEW, name=name,
                             expression=expression(e))
        return P.Numbers(op, P.Input(name), trim, fail)

    def call(self, e: ast.Call) -> P.Expr:
        listed = list_call(e, self.checked.inputs)
        if listed is not None:
            return self.numbers(e, *listed)
        args = tuple(self.expr(a) for a in e.args)
        match e.function:
            case "min":
                return P.Min(args)
            case "max":
                return P.Max(args)
            case "clamp":
                return P.Min((P.Max(args[:2]), args[2]))
            case "round":
                digits = _literal(e.args[1]) if len(e.args) > 1 else Fraction(0)
                return P.Round(args[0], int(digits))
            case "floor":
                return P.Floor(args[0])
            case "ceil":
                return P.Ceil(args[0])
            case "days":  # dates are day numbers: from the first to the second is a difference
                return _sum([args[1], P.Neg(args[0])])
        return P.Abs(args[0])

    def votes(self, ballot: str, categories) -> P.Expr:
        return _sum([P.Vote(ballot, c) for c in categories])

    def over_total(self, e: ast.Share | ast.Points, numerator: P.Expr) -> P.Expr:
        total = self.votes(e.ballot, self.checked.ballots[e.ballot])
        return P.Div(numerator, total, self.fail(
            "record.no_votes", e.ballot, RuntimeCode.NO_VOTES, ballot=e.ballot,
            expression=expression(e)))

    def share(self, e: ast.Share) -> P.Expr:
        return self.over_total(e, self.votes(e.ballot, e.categories))

    def points(self, e: ast.Points) -> P.Expr:
        terms = [P.Mul(P.Vote(e.ballot, c), self.expr(p)) for c, p in e.points]
        return self.over_total(e, _sum(terms))

    def quantified(self, e: ast.Quantified) -> P.Expr:
        conditions = tuple(self.expr(c) for c in e.conditions)
        match e.quantifier:
            case "all":
                return _flat(P.And, conditions)
            case "any":
                return _flat(P.Or, conditions)
            case "most":  # strictly more than half
                return P.Compare(P.CompareOp.GT, P.Mul(P.Const(Fraction(2)),
                                                       P.CountTrue(conditions)),
                                 P.Const(Fraction(len(conditions))))
        return P.Compare(P.CompareOp.GE, P.CountTrue(conditions), P.Const(Fraction(e.count or 0)))

    def history(self, e: ast.History) -> P.Expr:
        history = P.Input(e.input)
        if self.checked.types[e.input].kind == Kind.LIST:  # a history of numbers: .last only
            return P.Numbers("last", history, 0, self.fail(
                "record.empty_history", e.input, RuntimeCode.EMPTY_HISTORY, name=e.input,
                expression=expression(e)))
        match e.method:
            case "count":
                return P.Count(history, e.label or "")
            case "streak":
                return P.Streak(history, e.label or "")
        return P.Last(history, self.fail("record.empty_history", e.input,
                                         RuntimeCode.EMPTY_HISTORY, name=e.input,
                                         expression=expression(e)))

    def weighted(self, e: ast.Weighted) -> P.Expr:
        return _sum([P.Mul(self.expr(i.expr), self.expr(i.weight)) for i in e.items
                     if i.weight is not None])

    def cases(self, e: ast.Cases) -> P.Expr:
        assert e.otherwise is not None  # the checker requires it
        pairs = [(self.expr(b.condition), self.expr(b.value)) for b in e.branches]
        return _choice(pairs, self.expr(e.otherwise))


_ZERO = P.Const(Fraction(0))
_ONE = P.Const(Fraction(1))


def _const(value: object) -> P.Const:
    """A constant of the plan: a date as its day number (see :func:`values.day_number`)."""
    if isinstance(value, datetime.date):
        return P.Const(Fraction(day_number(value)))
    return P.Const(value)  # type: ignore[arg-type]  # a param's number, yes/no or label


def _sum(terms: Sequence[P.Expr]) -> P.Expr:
    flat: list[P.Expr] = []
    for t in terms:
        flat.extend(t.terms if isinstance(t, P.Sum) else (t,))
    if not flat:
        return _ZERO
    return flat[0] if len(flat) == 1 else P.Sum(tuple(flat))


def _choice(branches: list[tuple[P.Expr, P.Expr]], otherwise: P.Expr) -> P.Expr:
    return P.If(tuple(branches), otherwise) if branches else otherwise


def _flat(kind: type[P.And] | type[P.Or], terms: tuple[P.Expr, ...]) -> P.Expr:
    flat: list[P.Expr] = []
    for t in terms:
        flat.extend(t.terms if isinstance(t, kind) else (t,))
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def _lookup(operand: P.Expr, table: tuple[tuple[str, P.Value], ...]) -> P.Expr:
    if isinstance(operand, P.Const):  # a label written in the ruleset
        return P.Const(dict(table)[operand.value])  # type: ignore[index]  # a label: a str
    return P.Lookup(operand, table)


def _literal(e: ast.Expr) -> Fraction:
    if isinstance(e, ast.Negate):
        return -_literal(e.operand)
    assert isinstance(e, ast.Number)
    return e.value


#: Each kind of definition and how it lowers.
DEFINITIONS: dict[type, Callable] = {
    ast.Let: _Lowering.let, ast.Score: _Lowering.let, ast.Rank: _Lowering.rank,
    ast.Sheet: _Lowering.sheet, ast.Grade: _Lowering.grade, ast.Veto: _Lowering.condition,
    ast.Outcome: _Lowering.condition,
}

#: Each construct of the language and how it lowers.
EXPRESSIONS: dict[type, Callable] = {
    ast.Number: lambda self, e: P.Const(e.value),
    ast.Date: lambda self, e: _const(e.value),
    ast.Boolean: lambda self, e: P.Const(e.value),
    ast.Label: lambda self, e: P.Const(e.label),
    ast.Ref: _Lowering.ref,
    ast.Negate: lambda self, e: P.Neg(self.expr(e.operand)),
    ast.Not: lambda self, e: P.Not(self.expr(e.operand)),
    ast.Arithmetic: _Lowering.arithmetic,
    ast.Logic: _Lowering.logic,
    ast.Compare: _Lowering.compare,
    ast.Is: _Lowering.is_,
    ast.In: _Lowering.in_,
    ast.If: _Lowering.if_,
    ast.Call: _Lowering.call,
    ast.Share: _Lowering.share,
    ast.Votes: lambda self, e: self.votes(e.ballot, e.categories),
    ast.Total: lambda self, e: self.votes(e.ballot, self.checked.ballots[e.ballot]),
    ast.Points: _Lowering.points,
    ast.History: _Lowering.history,
    ast.Quantified: _Lowering.quantified,
    ast.Weighted: _Lowering.weighted,
    ast.Cases: _Lowering.cases,
}
