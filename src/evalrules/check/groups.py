"""The checker's part for ``group by``: ranks, quotas and limits, their order (each after what it
needs) and the rule that a ``require`` cannot depend on them. A mixin of the checker
(:mod:`.checker`). Imports :mod:`ast`, :mod:`diagnostics` and :mod:`.model`.
"""

from __future__ import annotations

import attrs

from .. import ast
from ..diagnostics import did_you_mean
from .model import NUMBER, CheckerState, GroupNode, Kind, QuotaNode, closure, literal_value


class GroupChecker(CheckerState):
    def _check_group(self, requires):
        if self.group is None:
            return None, (), {}
        group = self.group
        self._current = None
        if group.key not in self.inputs:
            self.error("E201", f"a group key must be an input, and '{group.key}' is not",
                       group.span, did_you_mean(group.key, self.inputs))
        elif (key_type := self.types[group.key]).kind not in (Kind.TEXT, Kind.CATEGORY):
            self.error("E301", f"a group key must be text or a category, and '{group.key}' is "
                       f"{key_type.describe()}", group.span)
        self.used.add(group.key)
        rules: list[ast.Rank | ast.Quota | ast.Limit] = []
        for rule in group.rules:
            match rule:
                case ast.Rank():
                    rules.append(rule)
                case ast.Quota():
                    rules.append(self._check_quota(rule))
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
                read = [n.name for e in (rule.among, rule.share, *(rule.more or ())[::2])
                        if e is not None for n in ast.walk(e) if isinstance(n, ast.Ref)]
                needs[node] = self._closure([rule.grade, *rule.keys, *read])
                quotas_of.setdefault(rule.grade, []).append(node)
        group_order = self._group_order(needs)
        self._no_group_in_requires(requires, needs)
        return checked, group_order, {g: tuple(q) for g, q in quotas_of.items()}

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
                assert self.group is not None  # called by _check_group, for its group
                stuck = [n for n in nodes if n not in done]
                self.error("E403", "group rules depend on each other in a cycle: "
                           + ", ".join(map(str, stuck)), self.group.span)
                return tuple(done)
            done.append(ready[0])
        return tuple(done)

    def _no_group_in_requires(self, requires, needs) -> None:
        assert self.group is not None  # called by _check_group, for its group
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
