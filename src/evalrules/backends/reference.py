"""The reference evaluator: it defines what a ruleset means.

It walks the checked AST with :class:`fractions.Fraction` and is kept simple enough to be obviously
right; every faster backend is tested against it. The order of evaluation is part of the meaning,
because it decides which error a bad record reports: inputs and ballots in declaration order, then
each ``require`` in written order, then every derived value in dependency order (``Checked.order``).
``and``/``or``/``all:``/``any:`` and ``(first)`` tables stop at the first deciding condition;
``most:``, ``at least N:`` and the other hit policies evaluate every condition.

It also writes the trace that explanations are made from. Asked to ``explain``, the trace gains
what a reader needs beyond the decision: each condition's form (:mod:`forms`), the citations the
author wrote beside the rules, and the values of the conditions a short-circuit skipped, evaluated
aside where they can be (an error there leaves the condition unjudged and is never raised): the
values, the errors and the order of evaluation stay exactly those of the evaluation itself.
Imports :mod:`ast`, :mod:`check`, :mod:`diagnostics`, :mod:`forms`, :mod:`messages`, :mod:`values`,
:mod:`unparse`; it is the one backend that does not compile the plan (:mod:`evalrules.lower`
follows it).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from attrs import frozen

from .. import ast
from ..check import AGGREGATES, Checked, Kind, failure_message, list_call, references
from ..check.model import percent_text
from ..diagnostics import InputError, RuleName, RuntimeCode
from ..forms import Static, form, static
from ..messages import Joined, Phrase
from ..unparse import expression, rule_name
from ..values import (
    MAX_BITS,
    Constants,
    aggregate,
    coerce_record,
    exact_str,
    json_value,
    round_half_away,
    streak,
    to_bool,
    to_date,
    to_label,
    to_number,
    too_few,
)

TRACE_VERSION = 1


@frozen
class Evaluation:
    """Everything one record evaluates to: values by name, vetoes applied, outcomes that hold, and
    the decisions as JSON-ready data (``explained``: with what an explanation needs)."""

    values: dict[str, object]
    vetoes: tuple[str, ...]
    outcomes: tuple[str, ...]
    trace: dict
    explained: bool = False


def constants(checked: Checked, overrides: Mapping[str, object] | None = None) -> Constants:
    """Params (with ``overrides`` applied), defaults and range bounds, computed once per ruleset.
    ``overrides`` must name params only."""
    overrides = dict(overrides or {})
    params: dict[str, Fraction | bool | str | datetime.date] = {}
    ev = _Evaluator(checked, params, Constants())
    for name in checked.order:
        if name in checked.params:
            ev.rule = f"param {name}"
            if name in overrides:
                try:
                    params[name] = _coerce_param(checked, name, overrides.pop(name))
                except InputError as e:  # a with_params value, not a record's: its own code
                    e.code = RuntimeCode.PARAM
                    raise
            else:
                params[name] = _held(ev.expr(checked.params[name].expr), ev.rule)
    assert not overrides, overrides
    for weights in checked.weight_sums:
        total = sum((ev.expr(w) for w in weights.weights), Fraction(0))
        if total != 1:
            raise InputError.of("record.weights_sum",
                                {"rule": RuleName(weights.rule), "total": percent_text(total)},
                                rule=weights.rule, code=RuntimeCode.PARAM)
    defaults: dict[str, object] = {}
    low: dict[str, Fraction] = {}
    high: dict[str, Fraction] = {}
    for name, decl in checked.inputs.items():
        ev.rule = f"input {name}"
        if decl.default is not None:
            defaults[name] = _held(ev.expr(decl.default), ev.rule)
        number = decl.type.number if isinstance(decl.type, ast.ListType) else decl.type
        if isinstance(number, ast.NumberType):
            for out, bound in ((low, number.low), (high, number.high)):
                if bound is not None:
                    out[name] = _held(ev.expr(bound), ev.rule)
    return Constants(params, defaults, low, high)


def _held(value, rule: str):
    """A constant, if it is a number evalrules holds (at most MAX_BITS bits above and below):
    params squared line after line would otherwise grow past any time anyone waits."""
    if isinstance(value, Fraction) and max(value.numerator.bit_length(),
                                           value.denominator.bit_length()) > MAX_BITS:
        raise InputError.of("record.constant_too_big", {"rule": RuleName(rule), "bits": MAX_BITS},
                            rule=rule, code=RuntimeCode.TOO_BIG)
    return value


def _coerce_param(checked: Checked, name: str, value: object
                  ) -> Fraction | bool | str | datetime.date:
    type_ = checked.types[name]
    rule = f"param {name}"
    if type_.kind == Kind.BOOL:
        return to_bool(value, name, rule)
    if type_.kind == Kind.CATEGORY:
        return to_label(value, type_.labels, name, rule)
    if type_.kind == Kind.DATE:
        return to_date(value, name, rule)
    return to_number(value, name, rule)


def evaluate(checked: Checked, consts: Constants, record: Mapping[str, object],
             group: Mapping[str, object] | None = None, only: frozenset[str] | None = None,
             *, explain: bool = False) -> Evaluation:
    """Evaluate one record. ``group`` holds what the group rules decided for it (each rank's
    value by name; for each quota, by :attr:`QuotaNode.key`, whether it moves the record
    down); ``only`` limits evaluation to those definitions (the requires always run), as group
    rules need on their way. ``explain``: the trace has what an explanation needs (see above);
    the values, vetoes and outcomes are the same."""
    values = coerce_record(checked, record, consts)
    values.update(consts.params)
    ev = _Evaluator(checked, values, consts, group or {}, explain)
    for require in checked.requires:
        ev.require(require)
    for name in checked.order:
        if name not in values and (only is None or name in only):
            ev.define(name)
    vetoes = tuple(name for name, d in checked.definitions.items()
                   if isinstance(d, ast.Veto) and values.get(name))
    outcomes = tuple(name for name, d in checked.definitions.items()
                     if isinstance(d, ast.Outcome) and values.get(name))
    trace = {"version": TRACE_VERSION, "ruleset": checked.name, "grades": ev.grade_traces,
             "vetoes": ev.veto_traces, "outcomes": ev.outcome_traces}
    warnings: tuple[Phrase, ...] = (group or {}).get(GROUP_WARNINGS, ())  # type: ignore[assignment]
    if warnings:
        trace["warnings"] = [{"message": w.key, **w.values} for w in warnings]
    if explain:
        trace["title"] = checked.module.header.title
    chosen = {n: p.chosen for n, p in checked.params.items() if p.chosen is not None}
    if chosen:
        trace["chosen"] = chosen
    return Evaluation(values, vetoes, outcomes, trace, explain)


def _cited(**cites: str | None) -> dict[str, str]:
    """The citations (``per "…"``) that were written, by their trace key."""
    return {key: text for key, text in cites.items() if text is not None}


def evaluate_expression(checked: Checked, consts: Constants, expr: ast.Expr,
                        values: Mapping[str, object], *, rule: str = "check",
                        group: Mapping[Any, object] | None = None, explain: bool = False):
    """The value of a checked expression (a require's, a check's, a limit's) given ``values``:
    validated inputs and ballots by name (as :func:`values.coerce_record` gives them, or a
    group's summed ballots). Params are added, and the derived values ``expr`` needs are computed
    first, in the reference's order. With ``explain``: ``(value, the condition's trace)``.
    Raises :class:`InputError` naming ``rule``."""
    scope = dict(values)
    scope.update(consts.params)
    ev = _Evaluator(checked, scope, consts, group, explain)
    ev._ensure(_outer_refs(expr, group or {}))
    ev.rule = rule
    return ev.test(expr) if explain else ev.expr(expr)


def _outer_refs(expr: ast.Expr, group: Mapping[Any, object]) -> set[str]:
    """The names an expression reads, but for those inside the group's aggregates (whose
    values ``group`` holds: see :mod:`evalrules.groups`)."""
    out: set[str] = set()
    stack: list[object] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Ref):
            out.add(node.name)
        elif not (isinstance(node, ast.Call) and node.function in AGGREGATES and node in group):
            stack.extend(ast.children(node))
    return out


#: The key of a record's group decisions that holds the warnings about its groups (a tuple of
#: :class:`messages.Phrase`: a group decided with records missing; see :mod:`evalrules.groups`).
GROUP_WARNINGS = "#warnings"


#: A number's exact text by (numerator, denominator): a trace writes the same few values (shares of
#: a few dozen votes, params) over and over, and exact text is the costly part of a trace.
_EXACT: dict[tuple[int, int], str] = {}
_EXACT_SIZE = 1 << 14


def _json(value: object) -> object:
    """:func:`values.json_value`, remembering the text of the numbers it has written."""
    if type(value) is str or type(value) is bool:
        return value
    if type(value) is not Fraction:
        return json_value(value)
    key = (value.numerator, value.denominator)
    text = _EXACT.get(key)
    if text is None:
        if len(_EXACT) >= _EXACT_SIZE:
            _EXACT.clear()
        text = _EXACT[key] = exact_str(value)
    return text


def _index(order: tuple[str, ...], label: str) -> int:
    return order.index(label)


class _Evaluator:
    def __init__(self, checked: Checked, values: dict, consts: Constants,
                 group: Mapping[Any, object] | None = None, explain: bool = False):
        self.checked = checked
        self.group = group or {}
        self.values = values
        self.consts = consts
        self.explain = explain
        self.rule = ""
        self.grade_traces: list[dict] = []
        self.veto_traces: list[dict] = []
        self.outcome_traces: list[dict] = []

    def fail(self, key: str, code: RuntimeCode, field: str | None = None, **values: object
             ) -> InputError:
        """The error of the rule being evaluated: message ``key`` (its ``{rule}`` is the rule's
        name) with ``values``."""
        return InputError.of(key, {"rule": RuleName(self.rule), **values}, field=field,
                             rule=self.rule, code=code)

    def unranked(self, name: str) -> InputError:
        """The error of reading the rank of a record that its ``among`` leaves out."""
        rank = self.checked.definitions[name]
        assert isinstance(rank, ast.Rank) and rank.among is not None  # nothing else is None
        return self.fail("record.unranked", RuntimeCode.UNRANKED, name, rank=name,
                         among=expression(rank.among))

    # -- statements
    def require(self, req: ast.Require) -> None:
        self._ensure(set(references(req)))
        self.rule = rule_name(req)
        if not self.expr(req.condition):
            message = failure_message(req)
            raise self.fail("record.require", RuntimeCode.REQUIRE,
                            self.checked.subject(req.condition), message=message)

    def _ensure(self, needed: set[str]) -> None:
        """Compute the derived values a require needs (and theirs), in dependency order."""
        closure = self.checked.closure(needed)
        for name in self.checked.order:
            if name in closure and name not in self.values:
                self.define(name)

    def define(self, name: str) -> None:
        decl = self.checked.definitions[name]
        self.rule = rule_name(decl)
        match decl:
            case ast.Rank() | ast.Let() if name in self.checked.block_of:
                self.values[name] = self.group[name]  # decided by the group rules
            case ast.Let(expr=e) | ast.Score(expr=e):
                self.values[name] = self.expr(e)
            case ast.Sheet():
                self.values[name] = self.sheet(decl)
            case ast.Grade():
                self.values[name] = self.grade(decl)
            case ast.Veto(condition=c):
                value, detail = self.test(c)
                self.values[name] = value
                self.veto_traces.append(self._noted(
                    {"veto": name, "applied": value, "condition": detail}, decl.note, decl.cite))
            case ast.Outcome(condition=c):
                value, detail = self.test(c)
                self.values[name] = value
                self.outcome_traces.append(self._noted(
                    {"outcome": name, "holds": value, "condition": detail}, decl.note,
                    decl.cite))

    def sheet(self, sheet: ast.Sheet) -> Fraction:
        total = sum((self.item(sheet, i) for i in sheet.items), Fraction(0))
        return max(total, Fraction(0))

    def item(self, sheet: ast.Sheet, item: ast.SheetItem) -> Fraction:
        points = item.points.value
        match item.rule:
            case None:
                value = max(sum((self.item(sheet, c) for c in item.children), Fraction(0)),
                            Fraction(0))
            case ast.ProRata(expr=e):
                value = points * min(max(self.expr(e), Fraction(0)), Fraction(1))
            case ast.FullWhen(condition=c):
                value = points if self.expr(c) else Fraction(0)
            case ast.Formula(expr=e):
                value = min(max(self.expr(e), Fraction(0)), points)
            case ast.Deduction(amount=a, per=e):
                value = -a.value * max(self.expr(e), Fraction(0))  # a deduction never adds
        self.values[f"{sheet.name}.{item.name}"] = value
        return value

    def grade(self, grade: ast.Grade) -> str:
        order = self.checked.scales[grade.scale or grade.name]
        unrated = self.checked.unrated.get(grade.scale or grade.name)
        tried, matched = [], []
        for rule in grade.rules:
            value, detail = self.test(rule.condition)
            tried.append(self._noted({"label": rule.label, "matched": value,
                                      "condition": detail}, rule.note, rule.cite))
            if value:
                matched.append(rule.label)
                if grade.policy == "first":
                    break
        if grade.policy == "unique" and len(matched) > 1:
            raise self.fail("record.unique", RuntimeCode.UNIQUE,
                            listed=Joined(tuple(matched), "record.list.and"))
        if not matched:
            assert grade.otherwise is not None  # the checker requires it (E404)
            label, decided = grade.otherwise, "otherwise"
        elif grade.policy in ("worst", "best") and unrated in matched:
            label = decided = unrated  # not graded, whatever else holds
        elif grade.policy == "worst":
            label = decided = max(matched, key=lambda g: _index(order, g))
        elif grade.policy == "best":
            label = decided = min(matched, key=lambda g: _index(order, g))
        else:
            label = decided = matched[0]
        trace: dict[str, Any] = {"grade": grade.name, "policy": grade.policy, "rules": tried,
                                 "decided_by": decided, "table_value": label, "vetoes": []}
        if self.explain:
            trace.update(note=grade.note, otherwise_note=grade.otherwise_note)
        trace.update(_cited(cite=grade.cite, otherwise_cite=grade.otherwise_cite))
        for veto_name in self.checked.vetoes_of.get(grade.name, ()):
            if not self.values[veto_name]:
                continue
            veto = self.checked.definitions[veto_name]
            assert isinstance(veto, ast.Veto)
            for adj in veto.adjustments:
                if adj.grade != grade.name:
                    continue
                before = label
                label = _adjust(order, label, adj)
                trace["vetoes"].append({
                    "veto": veto_name, "action": str(adj.action), "amount": adj.amount,
                    "label": adj.label, "from": before, "to": label,
                    "because": expression(veto.condition),
                    **({"unrated": True} if before == unrated else {}),
                })
        for node in self.checked.quotas_of.get(grade.name, ()):
            if self.group.get(node.key) and label in order:  # unrated: never moved
                quota = node.quota
                before, group = label, ", ".join(self.checked.groups[node.block].keys)
                entry: dict[str, Any]
                if quota.lowest:  # 末位: capped at the label
                    label = _adjust(order, label, ast.Adjustment(ast.Action.AT_MOST, quota.grade,
                                                                 label=quota.label))
                    entry = {"quota": rule_name(quota), "group": group,
                             "action": "at most", "amount": None, "label": quota.label,
                             "from": before, "to": label, "because": "quota", "lowest": True}
                else:
                    label = order[min(order.index(label) + 1, len(order) - 1)]
                    entry = {
                        "quota": f"{quota.label} at most {expression(quota.share)} by "
                                 f"{', '.join(quota.keys)}", "group": group,
                        "action": "lower", "amount": 1, "label": None, "from": before,
                        "to": label, "because": "quota"}
                entry.update(_cited(cite=quota.cite))
                if self.group.get(f"{node.key} places"):
                    entry["places"] = self.group[f"{node.key} places"]
                if self.explain:
                    entry.update(keep=quota.label, share=form(quota.share),
                                 share_value=json_value(self.expr(quota.share)),
                                 keys=list(quota.keys))
                trace["vetoes"].append(entry)
        trace["value"] = label
        if label == unrated:  # say that it is not graded, and why (the rule or veto above)
            trace["unrated"] = True
        self.grade_traces.append(trace)
        return label

    # -- conditions with their explanation
    def test(self, e: ast.Expr) -> tuple[bool, dict]:
        match e:
            case ast.Quantified(quantifier=q, conditions=conds, count=n, notes=notes):
                parts: list[dict] = []
                hits = 0
                stopped = False
                for c in conds:
                    if stopped:
                        parts.append(self._skipped(c))
                        continue
                    value, detail = self.test(c)
                    parts.append(detail)
                    hits += value
                    if (q == "all" and not value) or (q == "any" and value):
                        stopped = True
                if q == "all":
                    result = hits == len(conds)
                elif q == "any":
                    result = hits > 0
                elif q == "most":
                    result = 2 * hits > len(conds)
                else:
                    assert n is not None  # `at least N`
                    result = hits >= n
                if self.explain and notes:
                    for part, note in zip(parts, notes, strict=True):
                        part["note"] = note
                return result, {"quantifier": q, "count": n, "value": result, "parts": parts,
                                "matched": hits}
            case ast.Logic(op=op, left=a, right=b):
                value, ldetail = self.test(a)
                parts = [ldetail]
                if (op == "and") == bool(value):
                    value, rdetail = self.test(b)
                    parts.append(rdetail)
                else:
                    parts.append(self._skipped(b))
                values: dict[str, object] = {}
                computed: list = []
                for part in parts:
                    values.update(part.get("untaken", part).get("values", {}))
                    computed += part.get("untaken", part).get("computed", ())
                detail = self._described(static(self.checked, e), {
                    "value": value, "values": values, "op": op, "parts": parts})
                if computed:
                    detail["computed"] = computed
                return value, detail
        value = self.expr(e)
        fixed = static(self.checked, e)
        scope = self.values
        detail = self._described(fixed, {"value": value, "values": {
            name: _json(scope[name]) for name in fixed.refs}})
        if self.explain and fixed.computed:
            detail["computed"] = computed = []
            for node, text, shape in fixed.computed:
                try:  # under an `if` a share may be one the record never needs
                    computed.append([text, shape, _json(self.expr(node))])
                except InputError:
                    pass
        return value, detail

    def _described(self, fixed: Static, detail: dict) -> dict:
        """A condition's detail, with its text (and, to explain it, its form and how its numbers
        are written)."""
        detail["text"] = fixed.text
        if self.explain:
            detail["form"] = fixed.form
            detail["numbers"] = fixed.numbers
        return detail

    def _skipped(self, e: ast.Expr) -> dict:
        """A condition a short-circuit passed over: not evaluated (``value`` None). To explain,
        its detail as it would be (``untaken``) where it can be evaluated without an error; its
        values change nothing and its errors are not the record's."""
        fixed = static(self.checked, e)
        detail: dict[str, Any] = {"text": fixed.text, "value": None}
        if self.explain:
            detail["form"] = fixed.form
            try:
                detail["untaken"] = self.test(e)[1]
            except InputError:
                pass
        return detail

    def _noted(self, entry: dict, note: str | None, cite: str | None) -> dict:
        """A rule's, veto's or outcome's trace entry, with its ``per`` citation (always: the
        trace quotes it) and the comment above it (to explain)."""
        if self.explain and note is not None:
            entry["note"] = note
        entry.update(_cited(cite=cite))
        return entry

    # -- expressions
    def expr(self, e: ast.Expr):
        match e:
            case ast.Number(value=v):
                return v
            case ast.Boolean(value=v) | ast.Date(value=v):
                return v
            case ast.Ref(name=n):
                value = self.values[n]
                if value is None:  # only a rank's, for a record its `among` leaves out
                    raise self.unranked(n)
                return value
            case ast.Label(label=label):
                return label
            case ast.Negate(operand=x):
                return -self.expr(x)
            case ast.Not(operand=x):
                return not self.expr(x)
            case ast.Arithmetic(op=op, left=a, right=b):
                x, y = self.expr(a), self.expr(b)
                if op == "+":
                    return x + y
                if op == "-":
                    return x - y
                if op == "*":
                    return x * y
                if y == 0:
                    raise self.fail("record.division", RuntimeCode.DIVISION,
                                    expression=expression(e))
                return Fraction(x) / y
            case ast.Logic(op="and", left=a, right=b):
                return bool(self.expr(a)) and bool(self.expr(b))
            case ast.Logic(op="or", left=a, right=b):
                return bool(self.expr(a)) or bool(self.expr(b))
            case ast.Compare(op=op, left=a, right=b, order=order):
                lhs, rhs = self.expr(a), self.expr(b)
                if order is not None:  # better grades are greater
                    if lhs not in order or rhs not in order:  # unrated: off the order
                        return _UNRATED[op](lhs, rhs)
                    lhs, rhs = -order.index(lhs), -order.index(rhs)
                return _COMPARE[op](lhs, rhs)
            case ast.Is(operand=x, label=label, negated=neg):
                return (self.expr(x) == label) != neg
            case ast.In(operand=x, labels=labels, negated=neg):
                return (self.expr(x) in labels) != neg
            case ast.If(condition=c, then=t, otherwise=o):
                return self.expr(t) if self.expr(c) else self.expr(o)
            case ast.Call(function=f) if f in AGGREGATES and e in self.group:
                return self.group[e]  # over a group: groups.py computed it
            case ast.Call() if (listed := list_call(e, self.checked.inputs)) is not None:
                return self.numbers(e, *listed)
            case ast.Call(function=f, args=args):
                return self.call(f, [self.expr(a) for a in args])
            case ast.Share(ballot=b, categories=cs):
                ballot = self.values[b]
                return Fraction(sum(ballot[c] for c in cs), self._total(b, e))
            case ast.Votes(ballot=b, categories=cs):
                return Fraction(sum(self.values[b][c] for c in cs))
            case ast.Total(ballot=b):
                return Fraction(sum(self.values[b].values()))
            case ast.Points(ballot=b, points=ps):
                ballot = self.values[b]
                return sum((ballot[c] * self.expr(p) for c, p in ps), Fraction(0)) / \
                    self._total(b, e)
            case ast.Quantified() | ast.Logic():
                return self.test(e)[0]
            case ast.History(input=h, method=method, label=label):
                history = self.values[h]
                if method == "count":
                    return Fraction(history.count(label))
                if method == "streak":
                    assert label is not None  # the checker requires .streak(LABEL)
                    return Fraction(streak(history, label))
                if not history:
                    raise self.fail("record.empty_history", RuntimeCode.EMPTY_HISTORY, h,
                                    name=h, expression=expression(e))
                return history[-1]
            case ast.Weighted(items=items):
                return sum((self.expr(i.expr) * self.expr(i.weight) for i in items
                            if i.weight is not None), Fraction(0))
            case ast.Cases(branches=branches, otherwise=o):
                for branch in branches:
                    if self.expr(branch.condition):
                        return self.expr(branch.value)
                assert o is not None  # the checker requires it (E404)
                return self.expr(o)
        raise AssertionError(e)  # pragma: no cover

    def _total(self, ballot: str, e: ast.Expr) -> int:
        total = sum(self.values[ballot].values())
        if total == 0:
            raise self.fail("record.no_votes", RuntimeCode.NO_VOTES, ballot, ballot=ballot,
                            expression=expression(e))
        return total

    def numbers(self, e: ast.Call, op: str, name: str, trim: int) -> Fraction:
        """count/sum/mean/min/max of a list input, ``trim`` numbers dropped at each end."""
        items = self.values[name]
        if too_few(items, trim) and (trim or op not in ("count", "sum")):
            if trim:
                raise self.fail("record.too_few_to_trim", RuntimeCode.TOO_FEW, name, name=name,
                                expression=expression(e), trim=trim, least=2 * trim + 1)
            raise self.fail("record.empty_list", RuntimeCode.TOO_FEW, name, name=name,
                            expression=expression(e))
        return aggregate(op, items, trim)

    def call(self, f: str, args: list):
        match f:
            case "min":
                return min(args)
            case "max":
                return max(args)
            case "clamp":
                x, lo, hi = args
                return min(max(x, lo), hi)
            case "round":
                digits = int(args[1]) if len(args) > 1 else 0
                return round_half_away(Fraction(args[0]), digits)
            case "floor":
                return Fraction(math.floor(args[0]))
            case "ceil":
                return Fraction(math.ceil(args[0]))
            case "abs":
                return abs(args[0])
            case "days":  # whole days from the first date to the second (negative if earlier)
                return Fraction(args[1].toordinal() - args[0].toordinal())
        raise AssertionError(f)  # pragma: no cover


_COMPARE = {
    "==": lambda x, y: x == y, "!=": lambda x, y: x != y, "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y, ">": lambda x, y: x > y, ">=": lambda x, y: x >= y,
}
#: Grades compared where one is unrated: labels are equal or not, but no order holds.
_UNRATED = {op: (f if op in ("==", "!=") else lambda x, y: False) for op, f in _COMPARE.items()}


def _adjust(order: tuple[str, ...], label: str, adj: ast.Adjustment) -> str:
    """Apply one veto action; never past either end of the scale. An unrated grade stays
    unrated, and `set G to UNRATED` makes any grade unrated: a veto does not grade the ungraded."""
    if label not in order:
        return label
    if adj.label is not None and adj.label not in order:
        return adj.label
    i = order.index(label)
    match adj.action:
        case "lower":
            assert adj.amount is not None  # the parser gives `lower BY` its amount
            i = min(i + adj.amount, len(order) - 1)
        case "raise":
            assert adj.amount is not None  # and `raise BY`
            i = max(i - adj.amount, 0)
        case "at most":
            i = max(i, order.index(adj.label))
        case "at least":
            i = min(i, order.index(adj.label))
        case "set":
            i = order.index(adj.label)
    return order[i]
