"""Rules across the records of a group: ``group by KEY, ...:`` blocks with ``rank``, ``quota``,
``limit`` and group values (``let X = mean(...)``).

This module defines what group rules mean, for every backend: a backend only evaluates single
records (given what the group rules decided for them), and this driver decides the rest.

1. Each record's group keys are read on their own; for each block, its group is the tuple of
   its keys' values. A record whose keys cannot be read is in no group (it keeps its error).
   Then each record is read and its ``require``s checked. A record that fails (here or later)
   takes no part in a decision, but it still counts in its groups' size: a quota's places are
   a share of every record of the group (the people are there), and the group's other records
   carry a warning naming how many were missing (``Result.warnings``).
2. The group rules of every block are decided in ``Checked.group_order`` (each after what it
   needs; of those ready, limits first). For each, every record still in its group computes
   what the rule needs; a record whose computation fails keeps that error.
   - ``rank R by K desc among C``: the records for which C holds (all, without ``among``), each
     1 + the number of them with a strictly better key (95, 95, 90 → 1, 1, 3); ``by A, B``
     compares A, then B. The others have no rank (None; reading it is an error, R302).
   - ``quota G: L at most P by K``: at most floor(P × the group's size) records keep L. If more
     have it, they are ordered by K, best first; the first record past the limit and every
     record tied with it or below it move down one grade. The quota is never exceeded and row
     order never matters. Rounding, head counts, ``among``, two rates and 末位: the arithmetic
     is :mod:`quotas`' (its base counts the group's records with errors too, unless ``among``).
   - ``let V = mean(X)``: count(COND) (``count()``: the group's size), sum, mean, min and max
     over the group's records, exact; the expression around them may use params, ballots
     summed over the group and the block's other group values. Every record gets the value.
   - ``limit COND``: the same kind of expression; a group that fails it gives every one of its
     records an error naming the limit.
3. Every record left is evaluated in full with what the group rules decided.

Imports :mod:`ast`, :mod:`check`, :mod:`diagnostics`, :mod:`messages`, :mod:`backends.reference`,
:mod:`unparse`, :mod:`values`, :mod:`quotas`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import cast

from . import ast, quotas
from .backends import reference
from .check import (
    Checked,
    GroupNode,
    LimitNode,
    QuotaNode,
    failure_message,
    is_aggregate,
    references,
)
from .diagnostics import InputError, RuleName, RuntimeCode
from .messages import Phrase
from .unparse import rule_name
from .values import Constants, coerce_input, coerce_record

#: (record, what the group decided, names) → those values, computing only what they need;
#: a number may come as a (numerator, denominator) pair. Raises InputError.
Partial = Callable[[Mapping, dict, tuple[str, ...]], Mapping[str, object]]
#: (record, what the group decided) → a result; raises InputError.
Full = Callable[[Mapping, dict], object]
#: Where a record's decisions hold the warnings about its groups (:class:`messages.Phrase`\ s).
WARNINGS = reference.GROUP_WARNINGS
_BALLOT_FUNCTIONS = (ast.Share, ast.Votes, ast.Total, ast.Points)


def undecided(checked: Checked) -> dict[str, object]:
    """The decisions before any, by :func:`decision_key`: no rank or value yet, no quota move."""
    return {decision_key(node): (False if isinstance(node, QuotaNode) else None)
            for node in checked.group_order if not isinstance(node, LimitNode)}


def decision_key(node: GroupNode) -> str:
    """The name a decision goes by: a rank's or a group value's own, a quota's
    :attr:`QuotaNode.key`."""
    return node.key if isinstance(node, QuotaNode) else str(node)


def block_of(checked: Checked, node: GroupNode) -> int:
    """The index of the ``group by`` block a group rule was written in."""
    return checked.block_of[node] if isinstance(node, str) else node.block


def evaluate(checked: Checked, constants: Constants, records: Sequence[Mapping],
             partial: Partial, full: Full) -> list[object]:
    """One outcome per record, in order: whatever ``full`` returned, or an InputError."""
    assert checked.groups  # only a ruleset with a `group by` block comes here
    outcomes: list[object] = [None] * len(records)
    before = undecided(checked)
    decided = [before.copy() for _ in records]
    members: list[dict[tuple, list[int]]] = [{} for _ in checked.groups]
    key_names = tuple(dict.fromkeys(k for g in checked.groups for k in g.keys))
    for i, record in enumerate(records):
        try:
            keys = _keys_of(checked, constants, record, key_names)
        except InputError as e:
            outcomes[i] = e
            continue
        for block, group in enumerate(checked.groups):
            members[block].setdefault(tuple(keys[k] for k in group.keys), []).append(i)
    # The first group rule needs no other, so its needs are computed with the first reading.
    needs = {node: _needs(checked, node) for node in checked.group_order}
    first = checked.group_order[0] if checked.group_order else None
    seen: list[Mapping] = [{}] * len(records)
    for i, record in enumerate(records):
        if outcomes[i] is None:
            try:
                seen[i] = partial(record, decided[i], needs[first] if first else ())
            except InputError as e:
                outcomes[i] = e
    missing: dict[tuple[int, tuple], int] = {}
    for node in checked.group_order:
        block = block_of(checked, node)
        for key, everyone in members[block].items():
            values: dict[int, Mapping] = {}
            for i in everyone:
                if outcomes[i] is not None:
                    continue
                if node == first:
                    values[i] = seen[i]
                    continue
                try:
                    values[i] = partial(records[i], decided[i], needs[node])
                except InputError as e:
                    outcomes[i] = e
            live = [i for i in everyone if outcomes[i] is None]
            if not live:
                continue
            decision = _Decision(checked, constants, node, key, len(everyone), live, values,
                                 decided, outcomes)
            decision.decide()
            left = len(everyone) - sum(1 for i in everyone if outcomes[i] is None)
            if left:
                missing[block, key] = max(missing.get((block, key), 0), left)
    for (block, key), count in missing.items():
        group = checked.groups[block]
        name = ", ".join(f"{k}={v}" for k, v in zip(group.keys, key, strict=True))
        quotas = any(isinstance(rule, ast.Quota) for rule in group.rules)
        warning = Phrase("record.group_missing" if quotas else "record.group_missing_decided",
                         {"group": name, "missing": count, "size": len(members[block][key])})
        for i in members[block][key]:
            decided[i][WARNINGS] = (*cast(tuple, decided[i].get(WARNINGS, ())), warning)
    for i, record in enumerate(records):
        if outcomes[i] is None:
            try:
                outcomes[i] = full(record, decided[i])
            except InputError as e:
                outcomes[i] = e
    return outcomes


def _keys_of(checked: Checked, constants: Constants, record: Mapping,
             names: tuple[str, ...]) -> dict[str, object]:
    """A record's group keys, read as the record's reading reads them (and nothing else of it,
    so a record with an error elsewhere still belongs to its group)."""
    if not isinstance(record, Mapping):
        coerce_record(checked, record, constants)  # raises the reading's error
    return {k: coerce_input(checked, checked.inputs[k], record.get(k), constants) for k in names}


class _Decision:
    """One group rule decided for one group: ``live`` are its records without an error so far
    (each with ``values``, what the rule needs), of ``size`` records in all."""

    def __init__(self, checked: Checked, constants: Constants, node: GroupNode, key: tuple,
                 size: int, live: list[int], values: dict[int, Mapping], decided: list[dict],
                 outcomes: list[object]):
        self.checked, self.constants, self.node, self.key = checked, constants, node, key
        self.size, self.live, self.values = size, live, values
        self.decided, self.outcomes = decided, outcomes

    def decide(self) -> None:
        node, checked = self.node, self.checked
        if isinstance(node, QuotaNode):
            rule = node.quota
            quota = quotas.decide(
                checked, self.constants, rule, ", ".join(checked.groups[node.block].keys),
                ", ".join(str(k) for k in self.key), self.live, self.values,
                functools.partial(_keys, self.values, names=rule.keys),
                missing=self.size - len(self.live))
            _quota_decided(quota, node.key, self.live, self.outcomes, self.decided)
            return
        if isinstance(node, LimitNode):
            self.limit(node.limit)
            return
        decl = checked.definitions[node]
        if isinstance(decl, ast.Rank):
            ranked = self.live if decl.among is None else \
                [i for i in self.live if self.each(decl.among, i, rule_name(decl))]
            for i, rank in _ranks(decl, [i for i in ranked if self.outcomes[i] is None],
                                  self.values).items():
                self.decided[i][node] = rank
        else:
            assert isinstance(decl, ast.Let)  # a group value
            done, value = self.over_group(decl.expr, rule_name(decl))
            for i in self.live if done else ():
                if self.outcomes[i] is None:
                    self.decided[i][node] = value

    def fail(self, error: InputError) -> None:
        for i in self.live:
            if self.outcomes[i] is None:
                self.outcomes[i] = error

    def each(self, expr: ast.Expr, i: int, rule: str) -> object:
        """``expr`` for record ``i`` (None when it fails: the record keeps the error)."""
        if isinstance(expr, ast.Ref):
            return quotas.reference_value(self.checked, expr.name, self.values[i][expr.name])
        scope = {k: quotas.reference_value(self.checked, k, v) for k, v in self.values[i].items()}
        try:
            return reference.evaluate_expression(self.checked, self.constants, expr, scope,
                                                 rule=rule, group=self.decided[i])
        except InputError as e:
            self.outcomes[i] = e
            return None

    def over_group(self, expr: ast.Expr, rule: str) -> tuple[bool, object]:
        """``(True, value)`` of a group value's or a limit's expression, or ``(False, None)``
        when it fails: then every record of the group has the error, as its group's."""
        try:
            return True, self.group_expr(expr, rule)
        except InputError as e:
            self.fail(InputError.of("record.in_group", {"error": e.phrase}, field=e.field,
                                    rule=rule, code=e.code))
            return False, None

    def group_expr(self, expr: ast.Expr, rule: str) -> object:
        """A group value's or a limit's expression over the group (None when no record of it
        is left); raises InputError."""
        found: dict[ast.Call, dict[int, object]] = {}
        for call in _aggregates(expr):
            args = {i: self.each(call.args[0], i, rule) for i in self.live} if call.args else {}
            found[call] = args
        live = [i for i in self.live if self.outcomes[i] is None]
        if not live:  # every record failed computing the aggregates: nobody to give it to
            return None
        aggregates: dict[object, object] = {}
        for call, args in found.items():
            xs = [args[i] for i in live] if call.args else []
            aggregates[call] = _aggregate(call.function, xs, self.size, bool(call.args))
        scope: dict[str, object] = {}
        if any(isinstance(n, _BALLOT_FUNCTIONS) for n in _outside(expr)):
            scope.update({b: {c: sum(self.values[i][b][c] for i in live) for c in categories}
                          for b, categories in self.checked.ballots.items()})
        block = block_of(self.checked, self.node)
        scope.update({name: self.decided[live[0]][name] for name, b in
                      self.checked.block_of.items() if b == block
                      and isinstance(self.checked.definitions[name], ast.Let)})
        return reference.evaluate_expression(self.checked, self.constants, expr, scope,
                                             rule=rule, group=aggregates)

    def limit(self, rule: ast.Limit) -> None:
        name = rule_name(rule)
        done, holds = self.over_group(rule.condition, name)
        if not done or holds or holds is None:
            return
        message = failure_message(rule)
        self.fail(InputError.of("record.limit", {"rule": RuleName(name), "message": message},
                                field=_first_ballot(rule.condition), rule=name,
                                code=RuntimeCode.LIMIT))


def _aggregate(function: str, xs: list, size: int, argument: bool) -> object:
    """count (of the records where it holds; ``count()``: every record of the group, those with
    errors too), sum, mean, min, max of the group's records without an error."""
    if function == "count":
        return sum(1 for x in xs if x) if argument else size
    if function == "sum":
        return sum(xs, Fraction(0))
    if not xs:
        return None  # unreachable: the caller has at least one record
    if function == "mean":
        return sum(xs, Fraction(0)) / len(xs)
    return min(xs) if function == "min" else max(xs)


def _aggregates(expr: ast.Expr) -> list[ast.Call]:
    """The aggregates of a group expression (not those inside another: the checker refuses)."""
    out: list[ast.Call] = []
    stack: list[object] = [expr]
    while stack:
        node = stack.pop()
        if is_aggregate(node):
            assert isinstance(node, ast.Call)
            if node not in out:
                out.append(node)
            continue
        stack.extend(ast.children(node))
    return out


def _outside(expr: ast.Expr):
    """The nodes of a group expression outside its aggregates."""
    stack: list[object] = [expr]
    while stack:
        node = stack.pop()
        if not is_aggregate(node):
            yield node
            stack.extend(ast.children(node))


def _needs(checked: Checked, node: GroupNode) -> tuple[str, ...]:
    """What a group rule reads of each record: a rank its keys and what its ``among`` reads, a
    quota its grade and keys, a group value or a limit what its aggregates read and (when it
    reads ballots outside them, to sum) the ballots."""
    if isinstance(node, QuotaNode):
        return quotas.needs(checked, node.quota)
    rule = node.limit if isinstance(node, LimitNode) else checked.definitions[node]
    if isinstance(rule, ast.Rank):
        return tuple(dict.fromkeys((*rule.keys, *references(rule))))
    expr = rule.condition if isinstance(rule, ast.Limit) else rule.expr  # type: ignore[union-attr]
    names = [n.name for call in _aggregates(expr) for n in ast.walk(call)
             if isinstance(n, ast.Ref)]
    ballots = [n.ballot for n in ast.walk(expr) if isinstance(n, _BALLOT_FUNCTIONS)]
    if any(isinstance(n, _BALLOT_FUNCTIONS) for n in _outside(expr)):
        ballots += list(checked.ballots)
    return tuple(dict.fromkeys((*names, *ballots)))


#: A common denominator of a key column up to this many bits makes its values integers; past it
#: (denominators with few factors in common), the values stay fractions, so the cost of a sort
#: does not grow with the product of every record's denominator.
_SCALE_BITS = 256


def _keys(values: dict, indexes: list[int], names: tuple[str, ...]) -> dict[int, tuple]:
    """Each record's key as a tuple: per key, the values over a common denominator (integers,
    which compare exactly and much faster than Fractions), or the Fractions themselves when
    that denominator would be huge."""
    columns: list[list] = []
    for name in names:
        column = [_pair(values[i][name]) for i in indexes]
        scale = 1
        for _, d in column:
            scale = math.lcm(scale, d)
            if scale.bit_length() > _SCALE_BITS:
                columns.append([Fraction(n, d) for n, d in column])
                break
        else:
            columns.append([n * (scale // d) for n, d in column])
    return {i: tuple(c[j] for c in columns) for j, i in enumerate(indexes)}


def _pair(value) -> tuple[int, int]:
    """A number as (numerator, denominator > 0); a backend may give the pair itself."""
    if value.__class__ is tuple:
        return value
    value = Fraction(value)
    return value.numerator, value.denominator


def _ranks(rule: ast.Rank, indexes: list[int], values: dict) -> dict[int, int]:
    keys = _keys(values, indexes, rule.keys)
    keyed = sorted(((keys[i], i) for i in indexes), key=lambda p: p[0],
                   reverse=rule.descending)
    ranks, previous, rank = {}, None, 0
    for position, (key, i) in enumerate(keyed, 1):
        if key != previous:
            rank, previous = position, key
        ranks[i] = rank
    return ranks


def _quota_decided(quota: quotas.Decision, decision: str, indexes: list[int],
                   outcomes: list[object], decided: list[dict]) -> None:
    """A quota's decision for a group written down: its errors, its moves, and for each record
    it moves the arithmetic an explanation states (by ``decision + " places"``)."""
    for i, error in quota.errors.items():
        outcomes[i] = error
    if quota.group_error is not None:
        for i in indexes:
            outcomes[i] = quota.group_error
    places = f"{decision} places"
    for i in quota.moved:
        decided[i][decision] = True
        decided[i][places] = quota.said


def _first_ballot(expr: ast.Expr) -> str | None:
    ballots = (n.ballot for n in ast.walk(expr)
               if isinstance(n, (ast.Share, ast.Votes, ast.Total, ast.Points)))
    return next(ballots, None)
