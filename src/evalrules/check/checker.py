"""The checker: a resolved :class:`ast.Module` → a :class:`Checked` ruleset, or diagnostics.

It owns the static meaning of a ruleset: what every name denotes and its type, which bare names are
labels, weights that add up to 100%, sheets that add up, grade tables with known labels and an
``otherwise``, vetoes that adjust grades, and the absence of cycles. It reports every problem it
finds in one run. Expressions are typed by :mod:`.expressions`, group rules by :mod:`.groups`.
Imports :mod:`ast`, :mod:`diagnostics` and :mod:`.model`.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import attrs

from .. import ast
from ..diagnostics import Diagnostics, did_you_mean
from . import percent
from .expressions import ExpressionChecker
from .groups import GroupChecker
from .model import (
    BALLOT,
    BOOL,
    DATE,
    ERROR,
    NUMBER,
    POLICIES,
    RESERVED,
    RESULT_COLUMNS,
    TEXT,
    Checked,
    Kind,
    Type,
    literal_value,
    number_text,
)
from .weights import WeightsChecker


def check(module: ast.Module, diags: Diagnostics) -> Checked | None:
    """Check a resolved module. Returns None when there were errors (all of them in ``diags``)."""
    checker = _Checker(module, diags)
    checked = checker.run()
    return None if diags.has_errors else checked


class _Checker(ExpressionChecker, GroupChecker, WeightsChecker):
    """One run of the checker over one module: it collects the declarations, types them in
    dependency order and builds the :class:`Checked` ruleset."""

    def __init__(self, module: ast.Module, diags: Diagnostics):
        self.module = module
        self.diags = diags
        # The state its parts share: typed in CheckerState.
        self.scales = {}
        self.unrated = {}
        self.ballots = {}
        self.inputs = {}
        self.params = {}
        self.defs = {}
        self.items = {}
        self.types = {}
        self.deps = {}
        self.used = set()
        self.groups = []
        self.block_of = {}
        self._aggregating = None
        self.weight_tables = {}
        self.weight_sums = []
        self._current = None
        # Its own.
        self.vetoes_of: dict[str, list[str]] = {}
        self.checked_exprs: dict[str, object] = {}
        self._in_progress: set[str] = set()
        self._ordered = False

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
        for name, definition in [*self.params.items(), *self.defs.items()]:
            self.deps[name] = [*ast.references(definition), *self.vetoes_of.get(name, ())]
        self._depend_on_weights()
        quotas = [r for g in self.groups for r in g.rules if isinstance(r, ast.Quota)]
        for quota in quotas:  # a quota's keys are read before its grade is final
            if quota.grade in self.deps:
                self.deps[quota.grade] += quota.keys
        order = self._order()
        # In dependency order every name is typed before its uses, so typing never recurses
        # through a chain of definitions; a name still untyped when used is in a cycle.
        self._ordered = True
        for name in order:
            self._type_of(name)
        self._check_weight_params()
        requires = tuple(self._check_require(r) for r in self._of(ast.Require))
        checks = tuple(self._check_check(c) for c in self._of(ast.Check))
        groups, group_order, quotas_of = self._check_groups(requires)
        for name, decl in self.inputs.items():
            if name not in self.used:
                self.diags.warning("W601", f"input '{name}' is never used", decl.span)
        percent.warn(self.module.statements, order, {**self.inputs, **self.defs}, self.params,
                     self.diags)
        return Checked(
            module=self.module, scales=self.scales, ballots=self.ballots, inputs=self.inputs,
            params={n: self.checked_exprs.get(n, p) for n, p in self.params.items()},
            definitions={n: self.checked_exprs.get(n, d) for n, d in self.defs.items()},
            requires=requires, checks=checks, types=self.types, order=order,
            vetoes_of={g: tuple(v) for g, v in self.vetoes_of.items()}, items=self.items,
            groups=groups, group_order=group_order, quotas_of=quotas_of, block_of=self.block_of,
            deps={n: tuple(d) for n, d in self.deps.items()}, unrated=self.unrated,
            weight_sums=tuple(self.weight_sums),
        )

    def _of(self, kind) -> Iterable:
        return (s for s in self.module.statements if isinstance(s, kind))

    def _collect(self) -> None:
        values: dict[str, ast.Span] = {}
        named: list[ast.Named | ast.Rank] = []
        for statement in self.module.statements:
            if isinstance(statement, ast.GroupBy):
                for rule in statement.rules:
                    if isinstance(rule, (ast.Rank, ast.Let)):
                        named.append(rule)
                        self.block_of.setdefault(rule.name, len(self.groups))
                self.groups.append(statement)
            elif isinstance(statement, ast.NAMED):
                named.append(statement)
        for st in named:
            if st.name in RESERVED:
                self.error("E208", f"'{st.name}' is a keyword of the language and cannot be a name",
                           st.span)
            elif st.name in RESULT_COLUMNS and not isinstance(st, ast.Scale):
                self.error("E209", f"'{st.name}' is the name of a result column (a result table "
                           f"has {', '.join(RESULT_COLUMNS)} after the values), so it cannot name "
                           f"a {ast.KEYWORD_OF[type(st)]}", st.span,
                           "choose another name, e.g. one in the regulation's own words")
            if isinstance(st, ast.Scale):
                self.scales[st.name] = st.labels
                if st.unrated is not None:
                    self.unrated[st.name] = st.unrated
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
                case ast.Weights():
                    self._collect_weights(st)
                case _:
                    self.defs[st.name] = st
                    if isinstance(st, ast.Sheet):
                        self._collect_items(st, st.items)
        for veto in self._of(ast.Veto):
            for adj in veto.adjustments:
                vetoes = self.vetoes_of.setdefault(adj.grade, [])
                if not vetoes or vetoes[-1] != veto.name:  # a veto's adjustments come together
                    vetoes.append(veto.name)

    def _collect_items(self, sheet: ast.Sheet, items: tuple[ast.SheetItem, ...]) -> None:
        for item in items:
            key = f"{sheet.name}.{item.name}"
            if key in self.items:
                self.error("E202", f"sheet '{sheet.name}' has two items named '{item.name}'",
                           item.span)
            self.items[key] = item
            self.types[key] = NUMBER
            self._collect_items(sheet, item.children)

    def _labels(self, scale: str) -> tuple[str, ...]:
        """A scale's labels as values may hold them: its order, then its unrated label."""
        unrated = self.unrated.get(scale)
        return self.scales[scale] + ((unrated,) if unrated else ())

    def _check_scales_and_ballots(self) -> None:
        for st in self._of((ast.Scale, ast.Ballot)):
            labels = (st.labels + ((st.unrated,) if st.unrated else ())
                      if isinstance(st, ast.Scale) else st.categories)
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
                default = literal_value(decl.default) if decl.default is not None else None
                if default is not None and ((lo is not None and default < lo) or
                                            (hi is not None and default > hi)):
                    assert decl.default is not None  # it has a value
                    self.error("E413", f"the default of '{decl.name}' is outside its range",
                               decl.default.span)
            case ast.OneOf(labels=labels):
                type_ = Type(Kind.CATEGORY, labels)
                if len(set(labels)) != len(labels):
                    self.error("E207", f"a label is listed twice in '{decl.name}'", decl.span)
            case ast.TextType():
                type_ = TEXT
            case ast.DateType():
                type_ = DATE
            case ast.HistoryType(scale=scale) if scale in self.scales:
                type_ = Type(Kind.HISTORY, self._labels(scale), scale)
            case ast.HistoryType(scale=scale):  # not a scale: what may follow `history of`
                scales = ", ".join(self.scales)
                type_ = self.error(
                    "E206", f"'history of' takes a scale, and '{scale}' is not one",
                    decl.type.span, did_you_mean(scale, self.scales) or (
                        f"the scales here: {scales}" if scales else
                        "declare the scale first: `scale 等次: 优秀 > 称职 > 不称职`"))
            case ast.ScaleType(scale=scale):
                if scale in self.scales:
                    type_ = Type(Kind.CATEGORY, self._labels(scale), scale)
                else:
                    type_ = self.error(
                        "E206", f"unknown type or scale '{scale}'", decl.type.span,
                        did_you_mean(scale, [*self.scales, "number", "integer", "bool"]))
        self.types[decl.name] = type_
        if decl.default is not None:
            checked, dtype = self._expr(self._as_label(decl.default, type_))
            self._expect_constant(checked, f"the default of '{decl.name}'")
            self._expect(dtype, type_, decl.default.span, f"the default of '{decl.name}'")
            decl = attrs.evolve(decl, default=checked)
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
            return literal_value(self.params[bound.name].expr)
        return literal_value(bound)

    def _check_param(self, decl: ast.Param) -> Type:
        expr, type_ = self._expr(decl.expr)
        table, _, key = decl.name.partition(".")
        self._expect_constant(expr, f"the weight of '{key}' in weights '{table}'" if key
                              else f"param '{decl.name}'")
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

    def _check_definition(self, decl: ast.Declaration | ast.Rank) -> Type:
        match decl:
            case ast.Rank(keys=keys, among=among):
                for key in keys:
                    self._expect(self._expr(ast.Ref(key, span=decl.span))[1], NUMBER, decl.span,
                                 f"rank '{decl.name}' orders by '{key}', which")
                if among is not None:
                    decl = attrs.evolve(decl, among=self._condition(among, f"rank '{decl.name}' "
                                                                           "among"))
                self.checked_exprs[decl.name] = decl
                return NUMBER
            case ast.Let() if decl.name in self.block_of:
                return self._check_group_let(decl)
            case ast.Let() | ast.Score():
                expr, type_ = self._expr(decl.expr)
                if isinstance(decl, ast.Score):
                    self._expect(type_, NUMBER, decl.expr.span, f"score '{decl.name}'")
                elif type_.kind == Kind.DATE:  # a result is never a date: see docs, "Dates"
                    self.error("E301", f"'{decl.name}' would hold a date; a let holds a number, "
                               "a condition or a label", decl.expr.span,
                               "count the days between two dates with days(FROM, TO), or "
                               "make the date a param")
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
            self.error("E402", f"the items of sheet '{sheet.name}' add up to {number_text(total)} "
                       f"points, not its max {number_text(sheet.max.value)}", sheet.span)
        return attrs.evolve(sheet, items=items)

    def _check_item(self, sheet: ast.Sheet, item: ast.SheetItem) -> ast.SheetItem:
        if item.children:
            children = tuple(self._check_item(sheet, c) for c in item.children)
            total = sum((c.points.value for c in children), Fraction(0))
            if total != item.points.value:
                self.error("E402", f"the items under '{item.name}' add up to {number_text(total)} "
                           f"points, not its {number_text(item.points.value)}", item.span)
            return attrs.evolve(item, children=children)
        what = f"item '{sheet.name}.{item.name}'"
        rule: ast.ItemRule
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
            return self._labels(name)
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
            scale = target.scale or target.name
            labels = self.scales.get(scale)
            if adj.label is not None and adj.label == self.unrated.get(scale):
                if adj.action != ast.Action.SET:
                    self.error("E405", f"'{adj.label}' is the unrated label of {scale}, not on "
                               f"its order: `{adj.action}` needs a grade", adj.span,
                               f"to leave the record ungraded: `set {adj.grade} to {adj.label}`")
            elif adj.label is not None and labels is not None and adj.label not in labels:
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
            assert chk.condition is not None  # the parser gives `check always` its condition
            return attrs.evolve(chk, condition=self._condition(chk.condition, "check always"))
        assert chk.target is not None and chk.source is not None  # so does `check monotone`
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


    # -- dependency order
    def _dep(self, name: str) -> None:
        self.used.add(name)

    def _order(self) -> tuple[str, ...]:
        order: list[str] = []
        state: dict[str, int] = {}  # 1 visiting, 2 done
        reported: set[frozenset] = set()
        derived = [*self.params, *self.defs]
        derived_deps: dict[str, list[str]] = {}

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
                deps = derived_deps.get(name)
                if deps is None:  # once per name: a grade with 5,000 vetoes is visited 5,000 times
                    deps = derived_deps[name] = [d for d in self.deps.get(name, [])
                                                 if d in self.params or d in self.defs]
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

