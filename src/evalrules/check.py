"""The checker: a resolved :class:`ast.Module` → a :class:`Checked` ruleset, or diagnostics.

It owns the static meaning of a ruleset: what every name denotes and its type, which bare names are
labels (rewritten to :class:`ast.Label`), weights that add up to 100%, sheets that add up, grade
tables with known labels and an ``otherwise``, vetoes that adjust grades, and the absence of
cycles. It reports every problem it finds in one run. Backends consume only :class:`Checked`.
Imports :mod:`ast` and :mod:`diagnostics`.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import attrs
from attrs import frozen

from . import ast
from .diagnostics import Diagnostics, did_you_mean

POLICIES = ("first", "worst", "best", "unique")
FUNCTIONS = {  # name: (fewest, most) arguments
    "min": (2, None), "max": (2, None), "clamp": (3, 3), "round": (1, 2),
    "floor": (1, 1), "ceil": (1, 1), "abs": (1, 1),
}
RESERVED = frozenset(
    "ruleset extends title scale ballot input param let score require sheet grade veto outcome "
    "check override rule when otherwise all any most at least of one bool number integer in "
    "default weighted cases max pro rata full minus per lower raise set by to monotone always "
    "if then else and or not is true false share votes total points".split()
)


@frozen
class Type:
    """``number``, ``bool``, ``ballot`` or ``category`` (with its labels; ``scale`` when ordered).
    ``error`` stands for an expression already reported, so one mistake is reported once."""

    kind: str
    labels: tuple[str, ...] = ()
    scale: str | None = None

    def describe(self) -> str:
        if self.kind == "category":
            if self.scale:
                return f"a grade on the scale {self.scale}"
            return f"a category ({', '.join(self.labels)})"
        return {"number": "a number", "bool": "a condition (true or false)",
                "ballot": "a ballot", "error": "an invalid value"}[self.kind]


NUMBER, BOOL, BALLOT, ERROR = Type("number"), Type("bool"), Type("ballot"), Type("error")


@frozen
class Checked:
    """A ruleset that compiled: the flat declarations with labels resolved, the type of every
    value, and the order in which the derived values are computed (dependencies first)."""

    module: ast.Module
    scales: dict[str, tuple[str, ...]]
    ballots: dict[str, tuple[str, ...]]
    inputs: dict[str, ast.Input]
    params: dict[str, ast.Param]
    definitions: dict[str, ast.Declaration]  # let, score, sheet, grade, veto, outcome
    requires: tuple[ast.Require, ...]
    checks: tuple[ast.Check, ...]
    types: dict[str, Type]
    order: tuple[str, ...]  # params first, then every derived name, dependencies first
    vetoes_of: dict[str, tuple[str, ...]]  # grade → the vetoes that adjust it, in written order
    items: dict[str, ast.SheetItem]  # "SHEET.ITEM" → item

    @property
    def name(self) -> str:
        return self.module.header.name


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
        order = self._order()
        # In dependency order every name is typed before its uses, so typing never recurses
        # through a chain of definitions; a name still untyped when used is in a cycle.
        self._ordered = True
        for name in order:
            self._type_of(name)
        requires = tuple(self._check_require(r) for r in self._of(ast.Require))
        checks = tuple(self._check_check(c) for c in self._of(ast.Check))
        for name, decl in self.inputs.items():
            if name not in self.used:
                self.diags.warning("W601", f"input '{name}' is never used", decl.span)
        return Checked(
            module=self.module, scales=self.scales, ballots=self.ballots, inputs=self.inputs,
            params={n: self.checked_exprs.get(n, p) for n, p in self.params.items()},
            definitions={n: self.checked_exprs.get(n, d) for n, d in self.defs.items()},
            requires=requires, checks=checks, types=self.types, order=order,
            vetoes_of={g: tuple(v) for g, v in self.vetoes_of.items()}, items=self.items,
        )

    def _of(self, kind) -> Iterable:
        return (s for s in self.module.statements if isinstance(s, kind))

    def _collect(self) -> None:
        values: dict[str, ast.Span] = {}
        for st in self.module.statements:
            if not isinstance(st, ast.NAMED):
                continue
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
                type_ = Type("category", labels)
                if len(set(labels)) != len(labels):
                    self.error("E207", f"a label is listed twice in '{decl.name}'", decl.span)
            case ast.ScaleType(scale=scale):
                if scale in self.scales:
                    type_ = Type("category", self.scales[scale], scale)
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
        self.checked_exprs[grade.name] = attrs.evolve(grade, rules=tuple(rules))
        if labels is None:
            return ERROR
        return Type("category", labels, grade.scale or grade.name)

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
        elif not (target_type.kind == "number" or target_type.scale):
            self.error("E412", f"'check monotone' needs a number or a grade, and "
                       f"'{chk.target}' is {target_type.describe()}", chk.span)
        source_type = self.types.get(chk.source)
        if source_type is None:
            self.error("E201", f"unknown name '{chk.source}'", chk.span,
                       did_you_mean(chk.source, self.types))
        elif not (chk.source in self.ballots or
                  (chk.source in self.inputs and source_type.kind == "number")):
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
        if ERROR in (got, want) or got.kind == want.kind == "number" or got == want:
            return
        if got.kind == want.kind == "bool":
            return
        if got.kind == want.kind == "category" and set(got.labels) == set(want.labels):
            return
        self.error("E301", f"{what} should be {want.describe()}, but this is "
                   f"{got.describe()}", span)

    def _condition(self, expr: ast.Expr, what: str) -> ast.Expr:
        expr2, type_ = self._expr(expr)
        self._expect(type_, BOOL, expr.span, f"the condition of {what}")
        return expr2

    def _as_label(self, expr: ast.Expr, context: Type) -> ast.Expr:
        """A bare name is a label where the other side is a category that has it."""
        if (isinstance(expr, ast.Ref) and context.kind == "category"
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
            case ast.Ref():
                return expr, self._ref(expr)
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
                if t.kind == "category":
                    if label not in t.labels:
                        self.error("E203", f"'{label}' is not one of {', '.join(t.labels)}",
                                   expr.span, did_you_mean(label, t.labels))
                elif t != ERROR:
                    self.error("E301", f"'is' compares a category with a label, but the left "
                               f"side is {t.describe()}", x.span,
                               "compare numbers with == or >=" if t.kind == "number" else None)
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
        elif tl.kind == tr.kind == "number":
            pass
        elif tl.kind == "category" and tr.kind == "category":
            if set(tl.labels) != set(tr.labels):
                self.error("E301", f"cannot compare {tl.describe()} with {tr.describe()}",
                           expr.span)
            elif expr.op not in ("==", "!="):
                if not tl.scale:
                    self.error("E301", f"'{expr.op}' needs an ordered scale, and this is "
                               f"{tl.describe()}", expr.span, "use `is` or `is not`")
                else:
                    order = self.scales[tl.scale]
        elif tl.kind == tr.kind == "bool" and expr.op in ("==", "!="):
            pass
        else:
            self.error("E301", f"cannot compare {tl.describe()} with {tr.describe()} "
                       f"using '{expr.op}'", expr.span)
        return attrs.evolve(expr, left=left, right=right, order=order), BOOL

    def _label_or_expr(self, expr: ast.Expr, context: Type) -> tuple[ast.Expr, Type]:
        """The other side of a comparison with a category: a label of it, or a value."""
        expr = self._as_label(expr, context)
        if (isinstance(expr, ast.Ref) and context.kind == "category"
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
