"""The checker's part for weights and label values: ``weights`` tables (each weight a param named
``TABLE.KEY``), ``weighted TABLE: …`` and params as weights (their sum is checked where the
params are known: :class:`.model.WeightSum`), params as ``points(…)``, and labels as the values
of ``if``/``cases:`` (of the scale a compared value has, of the category the other values of a
``cases:`` have, or of the one scale that has them all). A mixin of the checker
(:mod:`.checker`), whose state it reads. Imports :mod:`ast`, :mod:`diagnostics` and :mod:`.model`.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from .. import ast
from ..diagnostics import did_you_mean
from .model import ERROR, NUMBER, CheckerState, Kind, Type, WeightSum, percent_text


class WeightsChecker(CheckerState):
    def _collect_weights(self, table: ast.Weights) -> None:
        """Declare the table's weights as params ``TABLE.KEY``, in written order."""
        keys: list[str] = []
        for key, weight in table.entries:
            if key in keys:
                self.error("E207", f"'{key}' is listed twice in weights '{table.name}'",
                           weight.span)
                continue
            keys.append(key)
            self.params[f"{table.name}.{key}"] = ast.Param(f"{table.name}.{key}", weight,
                                                           span=weight.span)
        self.weight_tables[table.name] = tuple(keys)
        self.weight_sums.append(WeightSum(
            f"weights {table.name}", tuple(ast.Ref(f"{table.name}.{k}") for k in keys),
            span=table.span))

    def _depend_on_weights(self) -> None:
        """A use of ``T.k`` is a dependency on ``T`` (``ast.references`` names ``SHEET.ITEM`` by
        its sheet): make it one on the table's weights, which are the params."""
        for deps in self.deps.values():
            if any(d in self.weight_tables for d in deps):
                deps[:] = [w for d in deps for w in (
                    [f"{d}.{k}" for k in self.weight_tables[d]] if d in self.weight_tables
                    else [d])]

    def _check_weight_params(self) -> None:
        """Every weight of a table is a number (run once the params are typed)."""
        for table, keys in self.weight_tables.items():
            for key in keys:
                param = self.params[f"{table}.{key}"]
                got = self.types.get(param.name, ERROR)
                if got not in (NUMBER, ERROR):
                    self.error("E301", f"the weight of '{key}' in weights '{table}' should be a "
                               f"number, but this is {got.describe()}", param.span)

    def _weighted(self, expr: ast.Weighted) -> tuple[ast.Expr, Type]:
        items = expr.items
        if expr.table is not None:
            keys = self.weight_tables.get(expr.table)
            if keys is None:
                self.error("E201", f"unknown weights '{expr.table}'", expr.span,
                           did_you_mean(expr.table, self.weight_tables)
                           or f"declare it: `weights {expr.table}: 德 15%, 能 10%, …`")
            elif len(keys) != len(items):
                self.error("E420", f"weights '{expr.table}' has {len(keys)} weights "
                           f"({', '.join(keys)}), but {len(items)} values are given",
                           expr.span, "give one value for each weight, in the table's order")
            if keys is not None:  # (else the values are still typed, but weigh nothing)
                items = tuple(attrs.evolve(item, weight=ast.Ref(f"{expr.table}.{keys[i]}",
                                                                span=item.span))
                              if i < len(keys) else item for i, item in enumerate(items))
                self._dep_weights(expr.table, keys)
        new_items = []
        for item in items:
            e, t = self._expr(item.expr)
            self._expect(t, NUMBER, item.expr.span, "a weighted item")
            weight = item.weight
            if expr.table is None and not isinstance(weight, ast.Number):
                assert weight is not None  # the parser gives the `weighted:` form its weights
                weight = self._constant_number(weight, "a weight")
            new_items.append(attrs.evolve(item, expr=e, weight=weight))
        weights = [i.weight for i in items]
        if expr.table is not None:
            pass  # the table's own sum is checked (a WeightSum of its params)
        elif all(isinstance(w, ast.Number) for w in weights):
            total = sum((w.value for w in weights if isinstance(w, ast.Number)), Fraction(0))
            if total != 1:
                self.error("E401", f"the weights add up to {percent_text(total)}, not 100%",
                           expr.span, " + ".join(w.text or "" for w in weights
                                                 if isinstance(w, ast.Number))
                           + f" = {percent_text(total)}")
        elif self._current is not None:  # params: summed with their values
            decl = self.defs.get(self._current)
            kind = ast.KEYWORD_OF.get(type(decl), "let")
            self.weight_sums.append(WeightSum(
                f"{kind} {self._current}", tuple(w for w in weights if w is not None),
                span=expr.span))
        return attrs.evolve(expr, items=tuple(new_items)), NUMBER

    def _dep_weights(self, table: str, keys: tuple[str, ...]) -> None:
        for key in keys:
            self._dep(f"{table}.{key}")
            self._type_of(f"{table}.{key}")

    def _constant_number(self, expr: ast.Expr, what: str) -> ast.Expr:
        """A weight or a category's points given as a name: a param of a number."""
        e, t = self._expr(expr)
        if isinstance(expr, ast.Ref) and expr.name not in self.params and t != ERROR:
            self.error("E303", f"{what} must be a number or a param, not '{expr.name}'",
                       expr.span, did_you_mean(expr.name, self.params))
            return e
        self._expect(t, NUMBER, expr.span, what)
        return e

    def _points(self, expr: ast.Points) -> ast.Points:
        points = tuple((c, p if isinstance(p, ast.Number)
                        else self._constant_number(p, f"the points of '{c}'"))
                       for c, p in expr.points)
        return attrs.evolve(expr, points=points)

    # -- label values
    def _label_values(self, expr: ast.If | ast.Cases) -> tuple[ast.Expr, Type] | None:
        """An ``if`` or ``cases:`` whose every value is a bare label: typed as the one scale
        with all those labels (a ``cases:`` of labels and values: :meth:`_mixed_labels`). None
        when no scale has them all, or the values are not such, so the usual typing reports."""
        leaves: list[str] = []
        if not self._bare_leaves(expr, leaves):
            return self._mixed_labels(expr) if isinstance(expr, ast.Cases) else None
        every = {s: labels + ((self.unrated[s],) if s in self.unrated else ())
                 for s, labels in self.scales.items()}  # the unrated label is a value too
        scales = [s for s, labels in every.items() if all(x in labels for x in leaves)]
        if not scales:
            return None
        names = ", ".join(dict.fromkeys(leaves))
        if len(scales) > 1:
            self.error("E421", f"{names}: labels of several scales ({', '.join(scales)}), so "
                       "the value's scale is ambiguous", expr.span,
                       "make one value a value of the scale meant (an input or a grade of it)")
            return self._expr(self._labelled(expr))[0], ERROR
        type_ = Type(Kind.CATEGORY, every[scales[0]], scales[0])
        return self._expr(self._labelled(expr))[0], type_

    def _mixed_labels(self, expr: ast.Cases) -> tuple[ast.Expr, Type] | None:
        """A ``cases:`` whose values are bare labels and names of category values of one type
        (``不称职 when 受处分`` … ``otherwise 上年``): the labels are of that type. (An ``if``
        reads a label beside a value already.) None otherwise: the usual typing reports."""
        values = [b.value for b in expr.branches] + ([expr.otherwise] if expr.otherwise else [])
        refs = [v for v in values if isinstance(v, ast.Ref) and "." not in v.name]
        if len(refs) != len(values):
            return None
        bare = [v for v in refs if not self._is_value(v)]
        types = {self._expr(v)[1] for v in refs if self._is_value(v)}  # names: no diagnostics
        if not bare or len(types) != 1:
            return None
        type_ = types.pop()
        if type_.kind != Kind.CATEGORY or any(v.name not in type_.labels for v in bare):
            return None
        labelled = attrs.evolve(expr, branches=tuple(
            attrs.evolve(b, value=self._labelled(b.value) if b.value in bare else b.value)
            for b in expr.branches), otherwise=self._labelled(expr.otherwise)
            if expr.otherwise in bare else expr.otherwise)
        return self._expr(labelled)[0], type_

    def _labels_of(self, expr: ast.Expr, context: Type) -> tuple[ast.Expr, Type] | None:
        """An ``if``/``cases:`` of bare labels compared with a category value (``年度等次 >=
        (if 正职 then 优秀 else 称职)``): labels of that value's scale. None otherwise."""
        leaves: list[str] = []
        if not (isinstance(expr, ast.If | ast.Cases) and context.kind == Kind.CATEGORY
                and self._bare_leaves(expr, leaves) and all(x in context.labels for x in leaves)):
            return None
        return self._expr(self._labelled(expr))[0], context

    def _bare_leaves(self, expr: ast.Expr, out: list[str]) -> bool:
        match expr:
            case ast.If(then=a, otherwise=b):
                return self._bare_leaves(a, out) and self._bare_leaves(b, out)
            case ast.Cases(branches=branches, otherwise=o):
                values = [b.value for b in branches] + ([o] if o is not None else [])
                return all(self._bare_leaves(v, out) for v in values)
            case ast.Ref(name=name) if "." not in name and not self._is_value(expr):
                out.append(name)
                return True
        return False

    def _labelled(self, expr: ast.Expr) -> ast.Expr:
        """The values (bare names, as :meth:`_bare_leaves` found them) as labels."""
        match expr:
            case ast.If(then=a, otherwise=b):
                return attrs.evolve(expr, then=self._labelled(a), otherwise=self._labelled(b))
            case ast.Cases(branches=branches, otherwise=o):
                return attrs.evolve(
                    expr, branches=tuple(attrs.evolve(b, value=self._labelled(b.value))
                                         for b in branches),
                    otherwise=self._labelled(o) if o is not None else None)
            case ast.Ref(name=name):
                return ast.Label(name, span=expr.span)
        return expr
