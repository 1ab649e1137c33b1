"""The checker's typing of expressions: what each expression denotes, which bare names are labels
(rewritten to :class:`ast.Label`), and the errors of names, types and calls. A mixin of the checker
(:mod:`.checker`), whose state it reads. Imports :mod:`ast`, :mod:`diagnostics` and :mod:`.model`.
"""

from __future__ import annotations

import attrs

from .. import ast
from ..diagnostics import did_you_mean
from .model import (
    BOOL,
    DATE,
    ERROR,
    FUNCTIONS,
    MAX_ROUND_DIGITS,
    NUMBER,
    CheckerState,
    Kind,
    Type,
    is_aggregate,
    literal_value,
)


class ExpressionChecker(CheckerState):
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
        if isinstance(expr, ast.If | ast.Cases):  # of bare labels: read in the other side's light
            return not self._bare_leaves(expr, [])
        return not isinstance(expr, ast.Ref) or expr.name in self.types or \
            expr.name in self.params or expr.name in self.defs

    def _expr(self, expr: ast.Expr) -> tuple[ast.Expr, Type]:
        match expr:
            case ast.Number():
                return expr, NUMBER
            case ast.Date():
                return expr, DATE
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
            case ast.In(operand=x, labels=labels):
                x2, t = self._expr(x)
                if t.kind == Kind.CATEGORY:
                    for label in labels:
                        if label not in t.labels:
                            self.error("E203", f"'{label}' is not one of {', '.join(t.labels)}",
                                       expr.span, did_you_mean(label, t.labels))
                elif t != ERROR:
                    self.error("E301", f"'in' asks whether a category is one of some labels, "
                               f"but the left side is {t.describe()}", x.span)
                if len(set(labels)) != len(labels):
                    self.error("E207", "a label is listed twice", expr.span)
                return attrs.evolve(expr, operand=x2), BOOL
            case ast.If() | ast.Cases() if (labelled := self._label_values(expr)) is not None:
                return labelled
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
                expr = self._points(expr)
                categories = self._ballot(ballot, expr.span, [c for c, _ in points])
                if categories is not None:
                    missing = [c for c in categories if c not in {p for p, _ in points}]
                    if missing:
                        self.error("E204", f"points({ballot}: ...) gives no points for "
                                   f"{', '.join(missing)}", expr.span)
                return expr, NUMBER
            case ast.Quantified(quantifier=q, conditions=conds, count=n):
                new = tuple(self._condition(c, f"'{q}:'") for c in conds)
                if q == "at least":
                    assert n is not None  # the parser gives every `at least` its N
                    if not 1 <= n <= len(conds):
                        self.error("E409", f"'at least {n}' of {len(conds)} condition"
                                   f"{'s' if len(conds) != 1 else ''} can never "
                                   f"{'hold' if n > len(conds) else 'fail'}", expr.span)
                return attrs.evolve(expr, conditions=new), BOOL
            case ast.Weighted():
                return self._weighted(expr)
            case ast.Cases(branches=branches, otherwise=other):
                result_type = None
                new_branches = []
                for branch in branches:
                    v, t = self._expr(branch.value)
                    c = self._condition(branch.condition, "a case")
                    if result_type is None:
                        result_type = t
                    else:
                        self._expect(t, result_type, branch.value.span, "every case's value")
                    new_branches.append(attrs.evolve(branch, value=v, condition=c))
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
        if "." in name and name in self.params:  # a weight of a `weights` table
            self._dep(name)
            return self._type_of(name)
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
        if name in ("all", "any", "most"):  # `veto v when any:` read `any` as a name
            return self.error("E201", f"unknown name '{name}': '{name}:' opens a block of "
                              "conditions only after a grade rule's or an outcome's `when`, "
                              "or as a let's value", expr.span, f"name the block first: `let "
                              f"情形 = {name}:` with the conditions under it, then `when 情形`")
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
        order = unrated = None
        if ERROR in (tl, tr):
            pass
        elif tl.kind == tr.kind == Kind.NUMBER or tl.kind == tr.kind == Kind.DATE:
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
                    order, unrated = self.scales[tl.scale], self.unrated.get(tl.scale)
                    if unrated in {s.label for s in (left, right) if isinstance(s, ast.Label)}:
                        self.error("E301", f"'{unrated}' is unrated, off the order of {tl.scale}: "
                                   f"'{expr.op}' never holds with it", expr.span,
                                   f"use `is {unrated}` or `is not {unrated}`")
        elif tl.kind == tr.kind == Kind.BOOL and expr.op in ("==", "!="):
            pass
        else:
            self.error("E301", f"cannot compare {tl.describe()} with {tr.describe()} "
                       f"using '{expr.op}'", expr.span,
                       self._date_hint(left, tl, tr) or self._date_hint(right, tr, tl))
        return attrs.evolve(expr, left=left, right=right, order=order, unrated=unrated), BOOL

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
        if context == ERROR and isinstance(expr, ast.Ref) and not self._is_value(expr) and \
                any(expr.name in labels for labels in self.scales.values()):
            return ast.Label(expr.name, span=expr.span), ERROR  # the other side is reported
        if (labelled := self._labels_of(expr, context)) is not None:
            return labelled
        expr = self._as_label(expr, context)
        if (isinstance(expr, ast.Ref) and context.kind == Kind.CATEGORY
                and not self._is_value(expr) and "." not in expr.name):
            what = f"a grade of {context.scale}" if context.scale else \
                f"one of {', '.join(context.labels)}"
            return expr, self.error("E203", f"'{expr.name}' is not {what}", expr.span,
                                    did_you_mean(expr.name, context.labels))
        return self._expr(expr)

    def _call(self, expr: ast.Call) -> tuple[ast.Expr, Type]:
        if self._aggregating is not None and is_aggregate(expr):
            return self._aggregate(expr)
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
        arg_type = DATE if expr.function == "days" else NUMBER  # days(FROM, TO): between dates
        for a in expr.args:
            a2, t = self._expr(a)
            hint = self._date_hint(a2, t, arg_type)
            if hint:
                self.error("E301", f"an argument of {expr.function}() should be a date, but "
                           f"this is {t.describe()}", a.span, hint)
            else:
                self._expect(t, arg_type, a.span, f"an argument of {expr.function}()")
            args.append(a2)
        if expr.function == "round" and n == 2:
            digits = literal_value(args[1])
            if digits is None or digits.denominator != 1:
                self.error("E303", "round()'s digits must be a whole number written in the "
                           "ruleset", args[1].span)
            elif abs(digits) > MAX_ROUND_DIGITS:
                self.error("E415", f"round() to {abs(digits)} digits "
                           f"{'before' if digits < 0 else 'after'} the decimal point: at most "
                           f"{MAX_ROUND_DIGITS} either way", args[1].span,
                           "round to the digits the regulation names (usually 0 to 4)")
        return attrs.evolve(expr, args=tuple(args)), NUMBER

    def _date_hint(self, expr: ast.Expr, got: Type, want: Type) -> str | None:
        """Where a date is wanted and ``expr`` is ``2025/12/31`` (or a param that is), a number
        divided twice: how to write the date."""
        if got.kind != Kind.NUMBER or want.kind != Kind.DATE:
            return None
        if isinstance(expr, ast.Ref) and expr.name in self.params:
            expr = self.params[expr.name].expr
        match expr:
            case ast.Arithmetic(op="/", left=ast.Arithmetic(
                    op="/", left=ast.Number(text=y), right=ast.Number(text=m)),
                    right=ast.Number(text=d)) if all(
                        t and t.isdigit() for t in (y, m, d)) and len(y or "") == 4:
                return f"{y}/{m}/{d} divides numbers; write the date as {y}-{m}-{d}"
        return None

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
