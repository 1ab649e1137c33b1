"""The checker: a resolved :class:`ast.Module` → a :class:`Checked` ruleset, or diagnostics.

It owns the static meaning of a ruleset: what every name denotes and its type, which bare names are
labels (rewritten to :class:`ast.Label`), weights that add up to 100%, sheets that add up, grade
tables with known labels and an ``otherwise``, vetoes that adjust grades, and the absence of
cycles. It reports every problem it finds in one run. Backends consume only :class:`Checked`.
Imports :mod:`ast` and :mod:`diagnostics`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

import attrs
from attrs import frozen

from . import ast
from .diagnostics import Diagnostics, did_you_mean

POLICIES = tuple(ast.Policy)
FUNCTIONS = {  # name: (fewest, most) arguments
    "min": (2, None), "max": (2, None), "clamp": (3, 3), "round": (1, 2),
    "floor": (1, 1), "ceil": (1, 1), "abs": (1, 1),
}
RESERVED = frozenset(
    "ruleset extends title scale ballot input param let score require sheet grade veto outcome "
    "check override rule when otherwise all any most at least of one bool number integer in "
    "default weighted cases max pro rata full minus per lower raise set by to monotone always "
    "if then else and or not is true false share votes total points text history group rank "
    "quota limit desc asc".split()
)


class Kind(StrEnum):
    NUMBER = "number"
    BOOL = "bool"
    BALLOT = "ballot"
    CATEGORY = "category"
    TEXT = "text"
    HISTORY = "history"
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
                Kind.BALLOT: "a ballot", Kind.TEXT: "text",
                Kind.ERROR: "an invalid value"}[self.kind]


NUMBER, BOOL, BALLOT, ERROR = Type(Kind.NUMBER), Type(Kind.BOOL), Type(Kind.BALLOT), \
    Type(Kind.ERROR)
TEXT = Type(Kind.TEXT)


@frozen(cache_hash=True)
class QuotaNode:
    """A quota of the ``group by`` block, as the group rules' schedule and decisions name it:
    the ``index``-th rule of the block."""

    index: int
    quota: ast.Quota = attrs.field(eq=False, repr=False)

    @property
    def key(self) -> str:
        """The name of what it decides for a record: whether the quota moves it down."""
        return f"quota {self.index}"

    def __str__(self) -> str:
        return f"quota {self.quota.grade}: {self.quota.label}"


#: A group rule's node in the schedule: a rank by its name, or a quota.
GroupNode = str | QuotaNode


@frozen
class Checked:
    """A ruleset that compiled: the flat declarations with labels resolved, the type of every
    value, and the order in which the derived values are computed (dependencies first)."""

    module: ast.Module
    scales: Mapping[str, tuple[str, ...]] = attrs.field(converter=MappingProxyType)
    ballots: Mapping[str, tuple[str, ...]] = attrs.field(converter=MappingProxyType)
    inputs: Mapping[str, ast.Input] = attrs.field(converter=MappingProxyType)
    params: Mapping[str, ast.Param] = attrs.field(converter=MappingProxyType)
    #: let, score, sheet, grade, veto, outcome and rank, by name, in written order
    definitions: Mapping[str, ast.Declaration] = attrs.field(converter=MappingProxyType)
    requires: tuple[ast.Require, ...]
    checks: tuple[ast.Check, ...]
    types: Mapping[str, Type] = attrs.field(converter=MappingProxyType)
    order: tuple[str, ...]  # params first, then every derived name, dependencies first
    #: grade → the vetoes that adjust it, in written order
    vetoes_of: Mapping[str, tuple[str, ...]] = attrs.field(converter=MappingProxyType)
    items: Mapping[str, ast.SheetItem] = attrs.field(converter=MappingProxyType)  # "SHEET.ITEM"
    group: ast.GroupBy | None = None  # the group rules, checked
    #: Ranks (by name) and quotas, each after those it needs.
    group_order: tuple[GroupNode, ...] = ()
    #: grade → its quotas, in written order
    quotas_of: Mapping[str, tuple[QuotaNode, ...]] = attrs.field(
        factory=dict, converter=MappingProxyType)
    #: Each definition's direct dependencies (a grade's include its vetoes and quota keys).
    deps: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=MappingProxyType)

    def closure(self, names) -> frozenset[str]:
        """The definitions ``names`` need (themselves included), transitively."""
        return closure(self.definitions, self.deps, names)

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


def check(module: ast.Module, diags: Diagnostics) -> Checked | None:
    """Check a resolved module. Returns None when there were errors (all of them in ``diags``)."""
    checker = _Checker(module, diags)
    checked = checker.run()
    return None if diags.has_errors else checked


def _fraction(expr: ast.Expr) -> Fraction | None:
    """The value of a literal (possibly negated) number, else None."""
    if isinstance(expr, ast.Number):
        return expr.value
    if isinstance(expr, ast.Negate) and isinstance(expr.operand, ast.Number):
        return -expr.operand.value
    return None


def _percent(value: Fraction) -> str:
    text = f"{float(value * 100):.6g}"
    return f"{text}%"


class _Checker:
    def __init__(self, module: ast.Module, diags: Diagnostics):
        self.module = module
        self.diags = diags
        self.scales: dict[str, tuple[str, ...]] = {}
        self.ballots: dict[str, tuple[str, ...]] = {}
        self.inputs: dict[str, ast.Input] = {}
        self.params: dict[str, ast.Param] = {}
        self.defs: dict[str, ast.Declaration] = {}
        self.items: dict[str, ast.SheetItem] = {}
        self.types: dict[str, Type] = {}
        self.deps: dict[str, list[str]] = {}
        self.used: set[str] = set()
        self.vetoes_of: dict[str, list[str]] = {}
        self.checked_exprs: dict[str, object] = {}
        self._in_progress: set[str] = set()
        self._ordered = False
        self.group: ast.GroupBy | None = None
        self._current: str | None = None

    # -- errors
    def error(self, code: str, message: str, span: ast.Span, hint: str | None = None) -> Type:
        self.diags.error(code, message, span, hint)
        return ERROR

    # -- driver
    def run(self) -> Checked:
        self._collect()
        self._check_scales_and_ballots()
        for name, decl in self.inputs.items():
            self.inputs[name] = self._check_input(decl)
        for name, decl in [*self.params.items(), *self.defs.items()]:
            self.deps[name] = [*ast.references(decl), *self.vetoes_of.get(name, ())]
        quotas = [r for r in self.group.rules if isinstance(r, ast.Quota)] if self.group else []
        for quota in quotas:  # a quota's keys are read before its grade is final
            if quota.grade in self.deps:
                self.deps[quota.grade] += quota.keys
        order = self._order()
        # In dependency order every name is typed before its uses, so typing never recurses
        # through a chain of definitions; a name still untyped when used is in a cycle.
        self._ordered = True
        for name in order:
            self._type_of(name)
        requires = tuple(self._check_require(r) for r in self._of(ast.Require))
        checks = tuple(self._check_check(c) for c in self._of(ast.Check))
        group, group_order, quotas_of = self._check_group(requires)
        for name, decl in self.inputs.items():
            if name not in self.used:
                self.diags.warning("W601", f"input '{name}' is never used", decl.span)
        return Checked(
            module=self.module, scales=self.scales, ballots=self.ballots, inputs=self.inputs,
            params={n: self.checked_exprs.get(n, p) for n, p in self.params.items()},
            definitions={n: self.checked_exprs.get(n, d) for n, d in self.defs.items()},
            requires=requires, checks=checks, types=self.types, order=order,
            vetoes_of={g: tuple(v) for g, v in self.vetoes_of.items()}, items=self.items,
            group=group, group_order=group_order, quotas_of=quotas_of,
            deps={n: tuple(d) for n, d in self.deps.items()},
        )

    def _of(self, kind) -> Iterable:
        return (s for s in self.module.statements if isinstance(s, kind))

    def _collect(self) -> None:
        values: dict[str, ast.Span] = {}
        named = []
        for st in self.module.statements:
            if isinstance(st, ast.GroupBy):
                if self.group is not None:
                    self.error("E202", "a ruleset has one `group by` block", st.span)
                    continue
                self.group = st
                named.extend(r for r in st.rules if isinstance(r, ast.Rank))
            elif isinstance(st, ast.NAMED):
                named.append(st)
        for st in named:
            if st.name in RESERVED:
                self.error("E208", f"'{st.name}' is a keyword of the language and cannot be a name",
                           st.span)
            if isinstance(st, ast.Scale):
                self.scales[st.name] = st.labels
                continue
            if st.name in values:
                self.error("E202", f"'{st.name}' is defined twice (first at line "
                           f"{values[st.name].line})", st.span)
                continue
            values[st.name] = st.span
            match st:
                case ast.Ballot():
                    self.ballots[st.name] = st.categories
                    self.types[st.name] = BALLOT
                case ast.Input():
                    self.inputs[st.name] = st
                case ast.Param():
                    self.params[st.name] = st
                case _:
                    self.defs[st.name] = st
                    if isinstance(st, ast.Sheet):
                        self._collect_items(st, st.items)
        for veto in self._of(ast.Veto):
            for adj in veto.adjustments:
                self.vetoes_of.setdefault(adj.grade, [])
                if veto.name not in self.vetoes_of[adj.grade]:
                    self.vetoes_of[adj.grade].append(veto.name)

    def _collect_items(self, sheet: ast.Sheet, items: tuple[ast.SheetItem, ...]) -> None:
        for item in items:
            key = f"{sheet.name}.{item.name}"
            if key in self.items:
                self.error("E202", f"sheet '{sheet.name}' has two items named '{item.name}'",
                           item.span)
            self.items[key] = item
            self.types[key] = NUMBER
            self._collect_items(sheet, item.children)

    def _check_scales_and_ballots(self) -> None:
        for st in self._of((ast.Scale, ast.Ballot)):
            labels = st.labels if isinstance(st, ast.Scale) else st.categories
            seen = set()
            for label in labels:
                if label in seen:
                    self.error("E207", f"'{label}' is listed twice in '{st.name}'", st.span)
                seen.add(label)

    # -- types of names (on demand, so definitions may come in any order)
    def _type_of(self, name: str) -> Type:
        if name in self.types:
            return self.types[name]
        if name in self._in_progress or (self._ordered and self._current is not None):
            return ERROR  # a cycle; reported once by _order
        self._in_progress.add(name)
        outer, self._current = self._current, name
        try:
            if name in self.params:
                type_ = self._check_param(self.params[name])
            else:
                type_ = self._check_definition(self.defs[name])
        finally:
            self._current = outer
            self._in_progress.discard(name)
        self.types[name] = type_
        return type_

    def _check_input(self, decl: ast.Input) -> ast.Input:
        self.deps[decl.name] = []
        match decl.type:
            case ast.BoolType():
                type_ = BOOL
            case ast.NumberType(low=low, high=high) as t:
                type_ = NUMBER
                lo, hi = (self._check_bound(b) for b in (low, high))
                if lo is not None and hi is not None and lo > hi:
                    self.error("E411", f"the range of '{decl.name}' is empty: {lo} > {hi}",
                               t.span)
                default = _fraction(decl.default) if decl.default is not None else None
                if default is not None and ((lo is not None and default < lo) or
                                            (hi is not None and default > hi)):
                    self.error("E413", f"the default of '{decl.name}' is outside its range",
                               decl.default.span)
            case ast.OneOf(labels=labels):
                type_ = Type(Kind.CATEGORY, labels)
                if len(set(labels)) != len(labels):
                    self.error("E207", f"a label is listed twice in '{decl.name}'", decl.span)
            case ast.TextType():
                type_ = TEXT
            case ast.HistoryType(scale=scale) if scale in self.scales:
                type_ = Type(Kind.HISTORY, self.scales[scale], scale)
            case ast.ScaleType(scale=scale) | ast.HistoryType(scale=scale):
                if scale in self.scales:
                    type_ = Type(Kind.CATEGORY, self.scales[scale], scale)
                else:
                    type_ = self.error(
                        "E206", f"unknown type or scale '{scale}'", decl.type.span,
                        did_you_mean(scale, [*self.scales, "number", "integer", "bool"]))
        self.types[decl.name] = type_
        if decl.default is not None:
            default, dtype = self._expr(self._as_label(decl.default, type_))
            self._expect_constant(default, f"the default of '{decl.name}'")
            self._expect(dtype, type_, decl.default.span, f"the default of '{decl.name}'")
            decl = attrs.evolve(decl, default=default)
        return decl

    def _check_bound(self, bound: ast.Expr | None) -> Fraction | None:
        """Check a range bound; its value where known at compile time (a literal or a literal
        param's), so that empty ranges and bad defaults are reported here."""
        if bound is None:
            return None
        if isinstance(bound, ast.Ref):
            if bound.name not in self.params:
                self.error("E303", f"a range bound must be a number or a param, not "
                           f"'{bound.name}'", bound.span)
                return None
            self.used.add(bound.name)
            return _fraction(self.params[bound.name].expr)
        return _fraction(bound)

    def _check_param(self, decl: ast.Param) -> Type:
        expr, type_ = self._expr(decl.expr)
        self._expect_constant(expr, f"param '{decl.name}'")
        self.checked_exprs[decl.name] = attrs.evolve(decl, expr=expr)
        return type_

    def _expect_constant(self, expr: ast.Expr, what: str) -> None:
        for node in ast.walk(expr):
            if isinstance(node, ast.Ref) and node.name not in self.params:
                self.error("E303", f"{what} must be a constant; it cannot depend on "
                           f"'{node.name}'", node.span)
            elif isinstance(node, (ast.Share, ast.Votes, ast.Total, ast.Points)):
                self.error("E303", f"{what} must be a constant; it cannot depend on a ballot",
                           node.span)

    def _check_definition(self, decl: ast.Declaration) -> Type:
        match decl:
            case ast.Rank(keys=keys):
                for key in keys:
                    self._expect(self._expr(ast.Ref(key, span=decl.span))[1], NUMBER, decl.span,
                                 f"rank '{decl.name}' orders by '{key}', which")
                self.checked_exprs[decl.name] = decl
                return NUMBER
            case ast.Let() | ast.Score():
                expr, type_ = self._expr(decl.expr)
                if isinstance(decl, ast.Score):
                    self._expect(type_, NUMBER, decl.expr.span, f"score '{decl.name}'")
                self.checked_exprs[decl.name] = attrs.evolve(decl, expr=expr)
                return type_
            case ast.Sheet():
                self.checked_exprs[decl.name] = self._check_sheet(decl)
                return NUMBER
            case ast.Grade():
                return self._check_grade(decl)
            case ast.Veto():
                self._check_veto(decl)
                return BOOL
            case ast.Outcome():
                cond = self._condition(decl.condition, f"outcome '{decl.name}'")
                self.checked_exprs[decl.name] = attrs.evolve(decl, condition=cond)
                return BOOL
        raise AssertionError(decl)  # pragma: no cover

    # -- sheets
    def _check_sheet(self, sheet: ast.Sheet) -> ast.Sheet:
        items = tuple(self._check_item(sheet, i) for i in sheet.items)
        total = sum((i.points.value for i in items), Fraction(0))
        if total != sheet.max.value:
            self.error("E402", f"the items of sheet '{sheet.name}' add up to {_num(total)} "
                       f"points, not its max {_num(sheet.max.value)}", sheet.span)
        return attrs.evolve(sheet, items=items)

    def _check_item(self, sheet: ast.Sheet, item: ast.SheetItem) -> ast.SheetItem:
        if item.children:
            children = tuple(self._check_item(sheet, c) for c in item.children)
            total = sum((c.points.value for c in children), Fraction(0))
            if total != item.points.value:
                self.error("E402", f"the items under '{item.name}' add up to {_num(total)} "
                           f"points, not its {_num(item.points.value)}", item.span)
            return attrs.evolve(item, children=children)
        what = f"item '{sheet.name}.{item.name}'"
        match item.rule:
            case ast.ProRata(expr=e) as r:
                e, t = self._expr(e)
                self._expect(t, NUMBER, r.expr.span, what)
                rule = attrs.evolve(r, expr=e)
            case ast.Formula(expr=e) as r:
                e, t = self._expr(e)
                self._expect(t, NUMBER, r.expr.span, what)
                rule = attrs.evolve(r, expr=e)
            case ast.FullWhen(condition=c) as r:
                rule = attrs.evolve(r, condition=self._condition(c, what))
            case ast.Deduction(per=e) as r:
                e, t = self._expr(e)
                self._expect(t, NUMBER, r.per.span, what)
                rule = attrs.evolve(r, per=e)
                if item.points.value != 0:
                    self.error("E407", f"{what} deducts points, so its points must be 0, not "
                               f"{item.points.text}", item.points.span,
                               "a deduction is taken from the sheet's total")
        if not isinstance(item.rule, ast.Deduction) and item.points.value < 0:
            self.error("E402", f"{what} has negative points", item.points.span)
        return attrs.evolve(item, rule=rule)

    # -- grade tables and vetoes
    def _scale_of(self, grade: ast.Grade) -> tuple[str, ...] | None:
        name = grade.scale or grade.name
        if name in self.scales:
            return self.scales[name]
        hint = did_you_mean(name, self.scales) or f"declare it: `scale {name}: A > B > C`"
        self.error("E206", f"grade table '{grade.name}' has no scale '{name}'", grade.span, hint)
        return None

    def _check_grade(self, grade: ast.Grade) -> Type:
        labels = self._scale_of(grade)
        if grade.policy not in POLICIES:
            self.error("E410", f"unknown hit policy '{grade.policy}'", grade.policy_span,
                       did_you_mean(grade.policy, POLICIES)
                       or f"use one of {', '.join(POLICIES)}")
        seen: dict[str, ast.Span] = {}
        rules = []
        for rule in grade.rules:
            if labels is not None and rule.label not in labels:
                self.error("E405", f"'{rule.label}' is not a grade of {grade.scale or grade.name}",
                           rule.span, did_you_mean(rule.label, labels))
            if rule.label in seen:
                self.error("E406", f"grade table '{grade.name}' has two rules for "
                           f"'{rule.label}' (first at line {seen[rule.label].line})", rule.span,
                           "join their conditions in one `any:` block")
            seen[rule.label] = rule.span
            cond = self._condition(rule.condition, f"the rule for {rule.label}")
            rules.append(attrs.evolve(rule, condition=cond))
        if grade.otherwise is None:
            self.error("E404", f"grade table '{grade.name}' has no `otherwise` rule",
                       grade.span, "every record must get a grade: end the table with "
                       "`otherwise LABEL`")
        elif labels is not None and grade.otherwise not in labels:
            self.error("E405", f"'{grade.otherwise}' is not a grade of "
                       f"{grade.scale or grade.name}", grade.otherwise_span,
                       did_you_mean(grade.otherwise, labels))
        policy = ast.Policy(grade.policy) if grade.policy in POLICIES else grade.policy
        self.checked_exprs[grade.name] = attrs.evolve(grade, rules=tuple(rules), policy=policy)
        if labels is None:
            return ERROR
        return Type(Kind.CATEGORY, labels, grade.scale or grade.name)

    def _check_veto(self, veto: ast.Veto) -> None:
        cond, ctype = self._expr(veto.condition)
        self._expect(ctype, BOOL, veto.condition.span, f"the condition of veto '{veto.name}'")
        for adj in veto.adjustments:
            target = self.defs.get(adj.grade)
            if not isinstance(target, ast.Grade):
                names = [n for n, d in self.defs.items() if isinstance(d, ast.Grade)]
                self.error("E408", f"veto '{veto.name}' adjusts '{adj.grade}', which is not a "
                           "grade table", adj.span, did_you_mean(adj.grade, names))
                continue
            labels = self.scales.get(target.scale or target.name)
            if adj.label is not None and labels is not None and adj.label not in labels:
                self.error("E405", f"'{adj.label}' is not a grade of "
                           f"{target.scale or target.name}", adj.span,
                           did_you_mean(adj.label, labels))
        self.checked_exprs[veto.name] = attrs.evolve(veto, condition=cond)

    # -- statements without names
    def _check_require(self, req: ast.Require) -> ast.Require:
        self._current = None
        return attrs.evolve(req, condition=self._condition(req.condition, "require"))

    def _check_check(self, chk: ast.Check) -> ast.Check:
        self._current = None
        if chk.kind == "always":
            return attrs.evolve(chk, condition=self._condition(chk.condition, "check always"))
        target_type = self.types.get(chk.target)
        if target_type is None:
            self.error("E201", f"unknown name '{chk.target}'", chk.span,
                       did_you_mean(chk.target, self.types))
        elif not (target_type.kind == Kind.NUMBER or target_type.scale):
            self.error("E412", f"'check monotone' needs a number or a grade, and "
                       f"'{chk.target}' is {target_type.describe()}", chk.span)
        source_type = self.types.get(chk.source)
        if source_type is None:
            self.error("E201", f"unknown name '{chk.source}'", chk.span,
                       did_you_mean(chk.source, self.types))
        elif not (chk.source in self.ballots or
                  (chk.source in self.inputs and source_type.kind == Kind.NUMBER)):
            self.error("E412", f"'check monotone ... in {chk.source}' needs a ballot or a "
                       "number input", chk.span)
        return chk

    # -- group rules
    def _check_group(self, requires):
        if self.group is None:
            return None, (), {}
        group = self.group
        self._current = None
        key_type = self.types.get(group.key)
        if group.key not in self.inputs:
            self.error("E201", f"a group key must be an input, and '{group.key}' is not",
                       group.span, did_you_mean(group.key, self.inputs))
        elif key_type.kind not in (Kind.TEXT, Kind.CATEGORY):
            self.error("E301", f"a group key must be text or a category, and '{group.key}' is "
                       f"{key_type.describe()}", group.span)
        self.used.add(group.key)
        rules: list[ast.Rank | ast.Quota | ast.Limit] = []
        for rule in group.rules:
            match rule:
                case ast.Rank():
                    rules.append(rule)
                case ast.Quota(grade=grade, label=label, share=share, keys=keys):
                    target = self.defs.get(grade)
                    if not isinstance(target, ast.Grade):
                        tables = [n for n, d in self.defs.items() if isinstance(d, ast.Grade)]
                        self.error("E408", f"a quota limits a grade table, and '{grade}' is not "
                                   "one", rule.span, did_you_mean(grade, tables))
                    elif label not in self.types[grade].labels:
                        self.error("E405", f"'{label}' is not a grade of {grade}", rule.span,
                                   did_you_mean(label, self.types[grade].labels))
                    share2, stype = self._expr(share)
                    self._expect(stype, NUMBER, share.span, "a quota's share")
                    self._expect_constant(share2, "a quota's share")
                    value = _fraction(share2) if not isinstance(share2, ast.Ref) else \
                        _fraction(self.params[share2.name].expr) if share2.name in self.params \
                        else None
                    if value is not None and not 0 <= value <= 1:
                        self.error("E411", "a quota's share must be between 0% and 100%",
                                   share.span)
                    for key in keys:
                        self._expect(self._expr(ast.Ref(key, span=rule.span))[1], NUMBER,
                                     rule.span, f"the quota orders by '{key}', which")
                    rules.append(attrs.evolve(rule, share=share2))
                case ast.Limit(condition=c):
                    for node in ast.walk(c):
                        if isinstance(node, ast.Ref) and node.name not in self.params:
                            self.error("E303", "a limit is about the whole group: it can use "
                                       "the group's ballots (share, votes, total, points) and "
                                       f"params, not '{node.name}'", node.span)
                    rules.append(attrs.evolve(rule, condition=self._condition(c, "limit")))
        checked = attrs.evolve(group, rules=tuple(rules))
        needs: dict[GroupNode, frozenset[str]] = {}
        quotas_of: dict[str, list[QuotaNode]] = {}
        for index, rule in enumerate(rules):
            if isinstance(rule, ast.Rank):
                needs[rule.name] = self._closure(rule.keys)
            elif isinstance(rule, ast.Quota):
                node = QuotaNode(index, rule)
                needs[node] = self._closure([rule.grade, *rule.keys])
                quotas_of.setdefault(rule.grade, []).append(node)
        group_order = self._group_order(needs)
        self._no_group_in_requires(requires, needs)
        return checked, group_order, {g: tuple(q) for g, q in quotas_of.items()}

    def _closure(self, names) -> frozenset[str]:
        return closure(self.defs, self.deps, names)

    def _group_order(self, needs: dict[GroupNode, frozenset[str]]) -> tuple[GroupNode, ...]:
        """Each group node after every group node its needs include (a rank by name, a quota
        through its grade); quotas of one grade in written order."""
        nodes = list(needs)
        before: dict[GroupNode, set[GroupNode]] = {n: set() for n in nodes}
        for node in nodes:
            for other in nodes:
                if other == node:
                    continue
                if other in needs[node]:
                    before[node].add(other)
                if isinstance(other, QuotaNode):
                    grade = other.quota.grade
                    if grade in needs[node] and (not isinstance(node, QuotaNode)
                                                 or node.quota.grade != grade
                                                 or other.index < node.index):
                        before[node].add(other)
        done: list[GroupNode] = []
        while len(done) < len(nodes):
            ready = [n for n in nodes if n not in done and before[n] <= set(done)]
            if not ready:
                stuck = [n for n in nodes if n not in done]
                self.error("E403", "group rules depend on each other in a cycle: "
                           + ", ".join(map(str, stuck)), self.group.span)
                return tuple(done)
            done.append(ready[0])
        return tuple(done)

    def _no_group_in_requires(self, requires, needs) -> None:
        group_names = {n for n in needs if isinstance(n, str)}
        group_names |= {r.grade for r in self.group.rules if isinstance(r, ast.Quota)}
        for req in requires:
            if self._closure(ast.references(req)) & self._dependents(group_names):
                self.error("E414", "a require checks one record, so it cannot depend on a "
                           "rank or a quota", req.span)

    def _dependents(self, names: set[str]) -> set[str]:
        out = set(names)
        changed = True
        while changed:
            changed = False
            for name, deps in self.deps.items():
                if name not in out and any(d in out for d in deps):
                    out.add(name)
                    changed = True
        return out

    # -- dependency order
    def _dep(self, name: str) -> None:
        self.used.add(name)

    def _order(self) -> tuple[str, ...]:
        order: list[str] = []
        state: dict[str, int] = {}  # 1 visiting, 2 done
        reported: set[frozenset] = set()
        derived = [*self.params, *self.defs]

        def visit(root: str) -> None:
            stack: list[tuple[str, int]] = [(root, 0)]
            path: list[str] = []
            while stack:
                name, i = stack.pop()
                if i == 0:
                    if state.get(name) == 2:
                        continue
                    state[name] = 1
                    path.append(name)
                deps = [d for d in self.deps.get(name, []) if d in self.params or d in self.defs]
                if i < len(deps):
                    stack.append((name, i + 1))
                    dep = deps[i]
                    if state.get(dep) == 1:
                        cycle = [*path[path.index(dep):], dep]
                        key = frozenset(cycle)
                        if key not in reported:
                            reported.add(key)
                            decl = self.params.get(dep) or self.defs[dep]
                            self.error("E403", "definitions refer to each other in a cycle: "
                                       + " → ".join(cycle), decl.span)
                    elif state.get(dep) != 2:
                        stack.append((dep, 0))
                else:
                    state[name] = 2
                    path.pop()
                    order.append(name)

        for name in derived:
            visit(name)
        return tuple(order)

    # -- expressions
    def _expect(self, got: Type, want: Type, span: ast.Span, what: str) -> None:
        if ERROR in (got, want) or got.kind == want.kind == Kind.NUMBER or got == want:
            return
        if got.kind == want.kind == Kind.BOOL:
            return
        if got.kind == want.kind == Kind.CATEGORY and set(got.labels) == set(want.labels):
            return
        self.error("E301", f"{what} should be {want.describe()}, but this is "
                   f"{got.describe()}", span)

    def _condition(self, expr: ast.Expr, what: str) -> ast.Expr:
        expr2, type_ = self._expr(expr)
        self._expect(type_, BOOL, expr.span, f"the condition of {what}")
        return expr2

    def _as_label(self, expr: ast.Expr, context: Type) -> ast.Expr:
        """A bare name is a label where the other side is a category that has it."""
        if (isinstance(expr, ast.Ref) and context.kind == Kind.CATEGORY
                and expr.name in context.labels):
            return ast.Label(expr.name, span=expr.span)
        return expr

    def _is_value(self, expr: ast.Expr) -> bool:
        return not isinstance(expr, ast.Ref) or expr.name in self.types or \
            expr.name in self.params or expr.name in self.defs

    def _expr(self, expr: ast.Expr) -> tuple[ast.Expr, Type]:
        match expr:
            case ast.Number():
                return expr, NUMBER
            case ast.Boolean():
                return expr, BOOL
            case ast.Label():
                return expr, ERROR
            case ast.Ref(name=name) if "." in name and name.split(".", 1)[0] in self.inputs:
                base, member = name.split(".", 1)
                return self._expr(ast.History(base, member, None, span=expr.span))
            case ast.Ref():
                return expr, self._ref(expr)
            case ast.History(input=name, method=method, label=label):
                return expr, self._history(expr, name, method, label)
            case ast.Negate(operand=x):
                x, t = self._expr(x)
                self._expect(t, NUMBER, expr.operand.span, "the operand of '-'")
                return attrs.evolve(expr, operand=x), NUMBER
            case ast.Not(operand=x):
                x, t = self._expr(x)
                self._expect(t, BOOL, expr.operand.span, "the operand of 'not'")
                return attrs.evolve(expr, operand=x), BOOL
            case ast.Arithmetic(op=op, left=a, right=b):
                a2, ta = self._expr(a)
                b2, tb = self._expr(b)
                self._expect(ta, NUMBER, a.span, f"the left side of '{op}'")
                self._expect(tb, NUMBER, b.span, f"the right side of '{op}'")
                return attrs.evolve(expr, left=a2, right=b2), NUMBER
            case ast.Logic(op=op, left=a, right=b):
                a2, ta = self._expr(a)
                b2, tb = self._expr(b)
                self._expect(ta, BOOL, a.span, f"the left side of '{op}'")
                self._expect(tb, BOOL, b.span, f"the right side of '{op}'")
                return attrs.evolve(expr, left=a2, right=b2), BOOL
            case ast.Compare():
                return self._compare(expr)
            case ast.Is(operand=x, label=label):
                x2, t = self._expr(x)
                if t.kind == Kind.CATEGORY:
                    if label not in t.labels:
                        self.error("E203", f"'{label}' is not one of {', '.join(t.labels)}",
                                   expr.span, did_you_mean(label, t.labels))
                elif t != ERROR:
                    self.error("E301", f"'is' compares a category with a label, but the left "
                               f"side is {t.describe()}", x.span,
                               "compare numbers with == or >=" if t.kind == Kind.NUMBER else None)
                return attrs.evolve(expr, operand=x2), BOOL
            case ast.If(condition=c, then=a, otherwise=b):
                c2 = self._condition(c, "'if'")
                if not self._is_value(a) and self._is_value(b):
                    b2, tb = self._expr(b)
                    a2, ta = self._expr(self._as_label(a, tb))
                else:
                    a2, ta = self._expr(a)
                    b2, tb = self._expr(self._as_label(b, ta))
                ta = tb if isinstance(a2, ast.Label) else ta
                tb = ta if isinstance(b2, ast.Label) else tb
                self._expect(tb, ta, b.span, "the 'else' branch")
                return attrs.evolve(expr, condition=c2, then=a2, otherwise=b2), ta
            case ast.Call():
                return self._call(expr)
            case ast.Share() | ast.Votes() | ast.Total():
                self._ballot(expr.ballot, expr.span,
                             getattr(expr, "categories", ()))
                return expr, NUMBER
            case ast.Points(ballot=ballot, points=points):
                categories = self._ballot(ballot, expr.span, [c for c, _ in points])
                if categories is not None:
                    missing = [c for c in categories if c not in {p for p, _ in points}]
                    if missing:
                        self.error("E204", f"points({ballot}: ...) gives no points for "
                                   f"{', '.join(missing)}", expr.span)
                return expr, NUMBER
            case ast.Quantified(quantifier=q, conditions=conds, count=n):
                new = tuple(self._condition(c, f"'{q}:'") for c in conds)
                if q == "at least" and not 1 <= n <= len(conds):
                    self.error("E409", f"'at least {n}' of {len(conds)} condition"
                               f"{'s' if len(conds) != 1 else ''} can never "
                               f"{'hold' if n > len(conds) else 'fail'}", expr.span)
                return attrs.evolve(expr, conditions=new), BOOL
            case ast.Weighted(items=items):
                new_items = []
                for item in items:
                    e, t = self._expr(item.expr)
                    self._expect(t, NUMBER, item.expr.span, "a weighted item")
                    new_items.append(attrs.evolve(item, expr=e))
                total = sum((i.weight.value for i in items), Fraction(0))
                if total != 1:
                    self.error("E401", f"the weights add up to {_percent(total)}, not 100%",
                               expr.span, " + ".join(i.weight.text or "" for i in items)
                               + f" = {_percent(total)}")
                return attrs.evolve(expr, items=tuple(new_items)), NUMBER
            case ast.Cases(branches=branches, otherwise=other):
                result_type = None
                new_branches = []
                for b in branches:
                    v, t = self._expr(b.value)
                    c = self._condition(b.condition, "a case")
                    if result_type is None:
                        result_type = t
                    else:
                        self._expect(t, result_type, b.value.span, "every case's value")
                    new_branches.append(attrs.evolve(b, value=v, condition=c))
                new_other = None
                if other is None:
                    self.error("E404", "a `cases:` table needs an `otherwise` value", expr.span,
                               "end the table with `otherwise VALUE`")
                else:
                    new_other, t = self._expr(other)
                    self._expect(t, result_type or t, other.span, "the otherwise value")
                return (attrs.evolve(expr, branches=tuple(new_branches), otherwise=new_other),
                        result_type or ERROR)
        raise AssertionError(expr)  # pragma: no cover

    def _ref(self, expr: ast.Ref) -> Type:
        name = expr.name
        if "." in name:
            sheet = name.split(".", 1)[0]
            if name in self.items:
                self._dep(sheet)
                self._type_of(sheet)
                return NUMBER
            if sheet in self.defs and isinstance(self.defs[sheet], ast.Sheet):
                items = [k.split(".", 1)[1] for k in self.items if k.startswith(sheet + ".")]
                return self.error("E201", f"sheet '{sheet}' has no item '{name.split('.')[1]}'",
                                  expr.span, did_you_mean(name.split(".", 1)[1], items))
            return self.error("E201", f"unknown name '{name}'", expr.span,
                              did_you_mean(sheet, [*self.defs, *self.inputs]))
        if name in self.inputs or name in self.ballots:
            self.used.add(name)
            return self.types.get(name, ERROR)
        if name in self.params or name in self.defs:
            self._dep(name)
            return self._type_of(name)
        labels = {lab for t in self.types.values() for lab in t.labels}
        candidates = [*self.inputs, *self.params, *self.defs, *self.ballots]
        if name in labels or any(name in v for v in self.scales.values()):
            return self.error("E201", f"'{name}' is a label, but nothing here says of what",
                              expr.span, "compare it with a category: `X is "
                              f"{name}` or `X >= {name}`")
        return self.error("E201", f"unknown name '{name}'", expr.span,
                          did_you_mean(name, candidates))

    def _compare(self, expr: ast.Compare) -> tuple[ast.Expr, Type]:
        left, right = expr.left, expr.right
        # Type the side that is surely a value first, then read the other side in its light.
        if not self._is_value(left) and self._is_value(right):
            right, tr = self._expr(right)
            left, tl = self._label_or_expr(left, tr)
        else:
            left, tl = self._expr(left)
            right, tr = self._label_or_expr(right, tl)
        if isinstance(left, ast.Label):
            tl = tr
        if isinstance(right, ast.Label):
            tr = tl
        order = None
        if ERROR in (tl, tr):
            pass
        elif tl.kind == tr.kind == Kind.NUMBER:
            pass
        elif tl.kind == Kind.CATEGORY and tr.kind == Kind.CATEGORY:
            if set(tl.labels) != set(tr.labels):
                self.error("E301", f"cannot compare {tl.describe()} with {tr.describe()}",
                           expr.span)
            elif expr.op not in ("==", "!="):
                if not tl.scale:
                    self.error("E301", f"'{expr.op}' needs an ordered scale, and this is "
                               f"{tl.describe()}", expr.span, "use `is` or `is not`")
                else:
                    order = self.scales[tl.scale]
        elif tl.kind == tr.kind == Kind.BOOL and expr.op in ("==", "!="):
            pass
        else:
            self.error("E301", f"cannot compare {tl.describe()} with {tr.describe()} "
                       f"using '{expr.op}'", expr.span)
        return attrs.evolve(expr, left=left, right=right, order=order), BOOL

    def _history(self, expr: ast.History, name: str, method: str, label: str | None) -> Type:
        type_ = self._ref(ast.Ref(name, span=expr.span))
        if type_.kind != Kind.HISTORY:
            if type_ != ERROR:
                self.error("E301", f"'{name}' is {type_.describe()}, not a history", expr.span)
            return ERROR
        if (method, label is None) not in (("streak", False), ("count", False), ("last", True)):
            return self.error("E205", f"a history has .streak(LABEL), .count(LABEL) and .last, "
                              f"not .{method}", expr.span,
                              did_you_mean(method, ("streak", "count", "last")))
        if label is not None and label not in type_.labels:
            return self.error("E203", f"'{label}' is not a grade of {type_.scale}", expr.span,
                              did_you_mean(label, type_.labels))
        return NUMBER if label is not None else Type(Kind.CATEGORY, type_.labels, type_.scale)

    def _label_or_expr(self, expr: ast.Expr, context: Type) -> tuple[ast.Expr, Type]:
        """The other side of a comparison with a category: a label of it, or a value."""
        expr = self._as_label(expr, context)
        if (isinstance(expr, ast.Ref) and context.kind == Kind.CATEGORY
                and not self._is_value(expr) and "." not in expr.name):
            what = f"a grade of {context.scale}" if context.scale else \
                f"one of {', '.join(context.labels)}"
            return expr, self.error("E203", f"'{expr.name}' is not {what}", expr.span,
                                    did_you_mean(expr.name, context.labels))
        return self._expr(expr)

    def _call(self, expr: ast.Call) -> tuple[ast.Expr, Type]:
        if expr.function not in FUNCTIONS:
            for a in expr.args:
                self._expr(a)
            return expr, self.error("E205", f"unknown function '{expr.function}'", expr.span,
                                    did_you_mean(expr.function, FUNCTIONS))
        lo, hi = FUNCTIONS[expr.function]
        n = len(expr.args)
        if n < lo or (hi is not None and n > hi):
            want = f"{lo}" if lo == hi else f"{lo} or more" if hi is None else f"{lo} to {hi}"
            self.error("E302", f"{expr.function}() takes {want} arguments, not {n}", expr.span)
        args = []
        for a in expr.args:
            a2, t = self._expr(a)
            self._expect(t, NUMBER, a.span, f"an argument of {expr.function}()")
            args.append(a2)
        if expr.function == "round" and n == 2:
            digits = _fraction(args[1])
            if digits is None or digits.denominator != 1:
                self.error("E303", "round()'s digits must be a whole number written in the "
                           "ruleset", args[1].span)
        return attrs.evolve(expr, args=tuple(args)), NUMBER

    def _ballot(self, name: str, span: ast.Span, categories) -> tuple[str, ...] | None:
        if name not in self.ballots:
            if name in self.types or name in self.params or name in self.defs:
                self.error("E304", f"'{name}' is not a ballot", span)
            else:
                self.error("E201", f"unknown ballot '{name}'", span,
                           did_you_mean(name, self.ballots))
            return None
        self.used.add(name)
        known = self.ballots[name]
        seen = set()
        for c in categories:
            if c not in known:
                self.error("E204", f"ballot '{name}' has no category '{c}'", span,
                           did_you_mean(c, known) or f"its categories are {', '.join(known)}")
            elif c in seen:
                self.error("E207", f"category '{c}' is listed twice", span)
            seen.add(c)
        return known


def _num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))
