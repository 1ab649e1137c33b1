"""The checker's part for ``group by``: the blocks' keys, ranks, quotas, limits and group values
(``let`` in a block: count/sum/mean/min/max over the block's records), their order across blocks
(each after what it needs) and the rule that a ``require`` cannot depend on them. A mixin of the
checker (:mod:`.checker`). Imports :mod:`ast`, :mod:`diagnostics` and :mod:`.model`.
"""

from __future__ import annotations

import attrs

from .. import ast
from ..diagnostics import did_you_mean
from .model import (
    BOOL,
    NUMBER,
    CheckerState,
    GroupNode,
    Kind,
    LimitNode,
    QuotaNode,
    Type,
    closure,
    is_aggregate,
    literal_value,
    references,
)


def outside_aggregates(expr: ast.Expr):
    """The nodes of a group expression outside its aggregates (what the group has one of)."""
    stack: list[object] = [expr]
    while stack:
        node = stack.pop()
        if is_aggregate(node):
            continue
        yield node
        stack.extend(reversed(ast.children(node)))


class GroupChecker(CheckerState):
    def _check_groups(self, requires):
        if not self.groups:
            return (), (), {}
        blocks: list[ast.GroupBy] = []
        needs: dict[GroupNode, frozenset[str]] = {}
        quotas_of: dict[str, list[QuotaNode]] = {}
        index = 0
        for block, group in enumerate(self.groups):
            self._current = None
            self._check_keys(group)
            rules: list[ast.Rank | ast.Quota | ast.Limit | ast.Let] = []
            for rule in group.rules:
                match rule:
                    case ast.Rank() | ast.Let():
                        checked = self.checked_exprs.get(rule.name, rule)
                        assert isinstance(checked, (ast.Rank, ast.Let))  # as collected
                        rules.append(checked)
                        needs[rule.name] = self._closure(references(rule))
                    case ast.Quota():
                        quota = self._check_quota(rule)
                        rules.append(quota)
                        node = QuotaNode(index, quota, block)
                        read = [n.name for e in (quota.among, quota.share,
                                                 *(quota.more or ())[::2])
                                if e is not None for n in ast.walk(e) if isinstance(n, ast.Ref)]
                        needs[node] = self._closure([rule.grade, *rule.keys, *read])
                        quotas_of.setdefault(rule.grade, []).append(node)
                    case ast.Limit(condition=c):
                        limit = attrs.evolve(rule, condition=self._group_expr(c, block, "limit"))
                        rules.append(limit)
                        needs[LimitNode(index, limit, block)] = self._closure(
                            references(rule))
                index += 1
            blocks.append(attrs.evolve(group, rules=tuple(rules)))
        group_order = self._group_order(needs)
        self._no_group_in_requires(requires, needs)
        return tuple(blocks), group_order, {g: tuple(q) for g, q in quotas_of.items()}

    def _check_keys(self, group: ast.GroupBy) -> None:
        for key in group.keys:
            if key not in self.inputs:
                self.error("E201", f"a group key must be an input, and '{key}' is not",
                           group.span, did_you_mean(key, self.inputs))
            elif (key_type := self.types[key]).kind not in (Kind.TEXT, Kind.CATEGORY):
                self.error("E301", f"a group key must be text or a category, and '{key}' is "
                           f"{key_type.describe()}", group.span)
            self.used.add(key)
        if len(set(group.keys)) < len(group.keys):
            self.error("E207", "a group key is listed twice", group.span)

    def _check_group_let(self, decl: ast.Let) -> Type:
        """A group value: a number every record of the group gets (see :func:`is_aggregate`)."""
        expr = self._group_expr(decl.expr, self.block_of[decl.name], f"group value '{decl.name}'")
        self.checked_exprs[decl.name] = attrs.evolve(decl, expr=expr)
        return NUMBER

    def _group_expr(self, expr: ast.Expr, block: int, what: str) -> ast.Expr:
        """A group value's or a limit's expression, typed with its aggregates over ``block``'s
        records; outside them it may read params, ballots (summed over the group) and the
        block's group values only (E303)."""
        outer, self._aggregating = self._aggregating, block
        try:
            expr2, type_ = self._expr(expr)
        finally:
            self._aggregating = outer
        self._expect(type_, BOOL if what == "limit" else NUMBER, expr.span, what)
        for node in outside_aggregates(expr2):
            if isinstance(node, ast.Ref) and node.name not in self.params and not (
                    isinstance(self.defs.get(node.name), ast.Let)
                    and self.block_of.get(node.name) == block):
                self.error("E303", f"{'a' if what == 'limit' else 'the'} {what} is about the "
                           "whole group: outside count(), sum(), mean(), min() and max() it can "
                           "use the group's ballots, params and the block's group values, not "
                           f"'{node.name}'", node.span,
                           f"count or sum over the group's records: sum({node.name})")
        return expr2

    def _aggregate(self, expr: ast.Call) -> tuple[ast.Expr, Type]:
        """``count(COND)``, ``count()``, ``sum(X)``, ``mean(X)``, ``min(X)``, ``max(X)`` over the
        records of the group (the expression checker's call, in a group expression)."""
        n, fn = len(expr.args), expr.function
        if n > 1 or (n == 0 and fn != "count"):
            self.error("E302", f"{fn}() over a group takes {'at most ' if fn == 'count' else ''}"
                       f"one argument, not {n}", expr.span)
            return expr, NUMBER
        if n == 0:
            return expr, NUMBER
        outer, self._aggregating = self._aggregating, None  # the argument is one record's
        try:
            arg, type_ = self._expr(expr.args[0])
        finally:
            self._aggregating = outer
        if fn == "count":
            self._expect(type_, BOOL, arg.span, "what count() counts")
        else:
            self._expect(type_, NUMBER, arg.span, f"what {fn}() takes over the group")
        return attrs.evolve(expr, args=(arg,)), NUMBER

    def _check_quota(self, rule: ast.Quota) -> ast.Quota:
        """A quota's grade, label, sizes (rates within 0%..100%, head counts whole ≥ 0), the
        group-wide condition of its higher size, its base and its keys."""
        grade, label = rule.grade, rule.label
        target = self.defs.get(grade)
        if not isinstance(target, ast.Grade):
            tables = [n for n, d in self.defs.items() if isinstance(d, ast.Grade)]
            self.error("E408", f"a quota limits a grade table, and '{grade}' is not one",
                       rule.span, did_you_mean(grade, tables))
        elif label not in self.types[grade].labels:
            self.error("E405", f"'{label}' is not a grade of {grade}", rule.span,
                       did_you_mean(label, self.types[grade].labels))
        elif label == self.unrated.get(target.scale or target.name):
            self.error("E405", f"'{label}' is unrated, not a grade a quota can "
                       + ("cap at: 末位 is graded on the order" if rule.lowest
                          else "limit: an unrated record is never moved"), rule.span)
        share = self._quota_size(rule.share, rule.rounding == "places")
        more = rule.more
        if more is not None:
            when = more[2]
            for node in ast.walk(when):
                name = node.name if isinstance(node, ast.Ref) else None
                if name in self.params or name in self.inputs or not isinstance(
                        node, (ast.Ref, ast.Share, ast.Votes, ast.Total, ast.Points, ast.History)):
                    continue
                self.error("E303", "the condition of a quota's higher size is about the whole "
                           "group: it can use params and inputs equal across the group, not "
                           + (f"'{name}'" if name else "a ballot or a history"), node.span)
            more = (self._quota_size(more[0], more[1] == "places"), more[1],
                    self._condition(when, "a quota's higher size"))
        among = self._condition(rule.among, "among") if rule.among is not None else None
        for key in rule.keys:
            self._expect(self._expr(ast.Ref(key, span=rule.span))[1], NUMBER,
                         rule.span, f"the quota orders by '{key}', which")
        return attrs.evolve(rule, share=share, more=more, among=among)

    def _quota_size(self, size: ast.Expr, places: bool) -> ast.Expr:
        size2, stype = self._expr(size)
        what = "a quota's head count (a param or an input)" if places else "a quota's share"
        self._expect(stype, NUMBER, size.span, what)
        if not (places and isinstance(size2, ast.Ref) and size2.name in self.inputs):
            self._expect_constant(size2, what)
        value = literal_value(size2) if not isinstance(size2, ast.Ref) else \
            literal_value(self.params[size2.name].expr) if size2.name in self.params else None
        if value is None:
            return size2
        if places and (value < 0 or value.denominator != 1):
            self.error("E430", "a quota's head count must be a whole number of places, 0 or "
                       "more", size.span)
        elif not places and not 0 <= value <= 1:
            self.error("E411", "a quota's share must be between 0% and 100%", size.span)
        return size2

    def _closure(self, names) -> frozenset[str]:
        return closure(self.defs, self.deps, names)

    def _group_order(self, needs: dict[GroupNode, frozenset[str]]) -> tuple[GroupNode, ...]:
        """Each group node after every group node its needs include (a rank or a group value by
        name, a quota through its grade); quotas of one grade in written order; of the nodes
        ready, limits first (a group that breaks one takes no part in the rest)."""
        nodes = sorted(needs, key=lambda n: not isinstance(n, LimitNode))
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
                           + ", ".join(map(str, stuck)), self.groups[0].span)
                return tuple(done)
            done.append(ready[0])
        return tuple(done)

    def _no_group_in_requires(self, requires, needs) -> None:
        group_names = {n for n in needs if isinstance(n, str)}
        group_names |= {r.grade for g in self.groups for r in g.rules if isinstance(r, ast.Quota)}
        for req in requires:
            if self._closure(references(req)) & self._dependents(group_names):
                self.error("E414", "a require checks one record, so it cannot depend on a "
                           "rank or a quota, or on a group value", req.span)

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
