"""Rules across the records of a group: ``group by KEY:`` with ``rank``, ``quota`` and ``limit``.

This module defines what group rules mean, for every backend: a backend only evaluates single
records (given what the group rules decided for them), and this driver decides the rest.

1. Each record is read and its ``require``s checked; a record that fails takes no part in any
   group (it keeps its error). The others are grouped by the key's value.
2. Each ``limit`` is checked on each group, with ballot functions summed over the group's
   records; a group that fails it gives every one of its records an error naming the limit.
3. Ranks and quotas are decided in ``Checked.group_order`` (each after what it needs). For each,
   every record still in its group computes what the rule needs (its keys; for a quota its grade
   so far); a record whose computation fails leaves the group with that error.
   - ``rank R by K desc``: 1 + the number of records with a strictly better key (95, 95, 90 →
     1, 1, 3); ``by A, B`` compares A, then B.
   - ``quota G: L at most P by K``: at most floor(P × the group's size) records keep L. If more
     have it, they are ordered by K, best first; the first record past the limit and every
     record tied with it or below it move down one grade. The quota is never exceeded and row
     order never matters. Rounding, head counts, ``among``, two rates and 末位: the arithmetic
     is :mod:`quotas`'.
4. Every record left is evaluated in full with its ranks and quota moves.

Imports :mod:`ast`, :mod:`check`, :mod:`diagnostics`, :mod:`messages`, :mod:`backends.reference`,
:mod:`unparse`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

from . import ast, quotas
from .backends import reference
from .check import Checked, GroupNode, QuotaNode
from .diagnostics import InputError, RuleName, RuntimeCode
from .messages import Phrase
from .unparse import rule_name
from .values import Constants

#: (record, what the group decided, names) → those values, computing only what they need;
#: a number may come as a (numerator, denominator) pair. Raises InputError.
Partial = Callable[[Mapping, dict, tuple[str, ...]], Mapping[str, object]]
#: (record, what the group decided) → a result; raises InputError.
Full = Callable[[Mapping, dict], object]


def undecided(checked: Checked) -> dict[str, object]:
    """The decisions before any, by :func:`decision_key`: no rank yet, no quota move."""
    return {decision_key(node): (False if isinstance(node, QuotaNode) else None)
            for node in checked.group_order}


def decision_key(node: GroupNode) -> str:
    """The name a decision goes by: a rank's own, a quota's :attr:`QuotaNode.key`."""
    return node.key if isinstance(node, QuotaNode) else node


def evaluate(checked: Checked, constants: Constants, records: Sequence[Mapping],
             partial: Partial, full: Full) -> list[object]:
    """One outcome per record, in order: whatever ``full`` returned, or an InputError."""
    group = checked.group
    assert group is not None  # only a ruleset with a `group by` block comes here
    outcomes: list[object] = [None] * len(records)
    before = undecided(checked)
    decided = [before.copy() for _ in records]
    members: dict[object, list[int]] = {}
    limits = [r for r in group.rules if isinstance(r, ast.Limit)]
    ballots = tuple(checked.ballots) if limits else ()
    # The first group rule needs no other, so its needs are computed with the first reading.
    first = checked.group_order[0] if checked.group_order else None
    reading = (group.key, *ballots, *(_needs(checked, first) if first else ()))
    seen: list[Mapping] = [{}] * len(records)
    for i, record in enumerate(records):
        try:
            seen[i] = partial(record, decided[i], reading)
        except InputError as e:
            outcomes[i] = e
            continue
        members.setdefault(seen[i][group.key], []).append(i)
    for limit in limits:
        for key, indexes in members.items():
            error = _limit(checked, constants, limit, [seen[i] for i in indexes], ballots)
            if error is not None:
                for i in indexes:
                    outcomes[i] = error
            members[key] = [i for i in indexes if outcomes[i] is None]
    for node in checked.group_order:
        decision = decision_key(node)
        rule = _rule(checked, node)
        names = _needs(checked, node)
        for key, indexes in members.items():
            values = {}
            for i in indexes:
                if node == first:
                    values[i] = seen[i]
                    continue
                try:
                    values[i] = partial(records[i], decided[i], names)
                except InputError as e:
                    outcomes[i] = e
            indexes = [i for i in indexes if outcomes[i] is None]
            members[key] = indexes
            if isinstance(rule, ast.Rank):
                for i, rank in _ranks(rule, indexes, values).items():
                    decided[i][decision] = rank
            else:
                quota = quotas.decide(checked, constants, rule, group.key, key, indexes, values,
                                      functools.partial(_keys, values, names=rule.keys))
                _quota_decided(quota, decision, indexes, outcomes, decided)
                members[key] = [i for i in indexes if outcomes[i] is None]
    for i, record in enumerate(records):
        if outcomes[i] is None:
            try:
                outcomes[i] = full(record, decided[i])
            except InputError as e:
                outcomes[i] = e
    return outcomes


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


def _rule(checked: Checked, node: GroupNode) -> ast.Rank | ast.Quota:
    if isinstance(node, QuotaNode):
        return node.quota
    rank = checked.definitions[node]
    assert isinstance(rank, ast.Rank)
    return rank


def _needs(checked: Checked, node: GroupNode) -> tuple[str, ...]:
    """What a group rule reads of each record: a rank its keys, a quota its grade and keys."""
    rule = _rule(checked, node)
    return rule.keys if isinstance(rule, ast.Rank) else quotas.needs(checked, rule)


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


def _limit(checked: Checked, constants: Constants, rule: ast.Limit, records: list[Mapping],
           ballots: tuple[str, ...]) -> InputError | None:
    """None when the group meets the limit, else the error each of its records gets."""
    summed = {b: {c: sum(r[b][c] for r in records) for c in checked.ballots[b]}
              for b in ballots}
    name = rule_name(rule)
    try:
        holds = reference.evaluate_expression(checked, constants, rule.condition, summed,
                                              rule=name)
    except InputError as e:
        return InputError.of("record.in_group", {"error": e.phrase}, field=e.field, rule=name,
                             code=e.code)
    if holds:
        return None
    message = rule.message or Phrase("record.condition_fails")
    return InputError.of("record.limit", {"rule": RuleName(name), "message": message},
                         field=_first_ballot(rule.condition), rule=name, code=RuntimeCode.LIMIT)


def _first_ballot(expr: ast.Expr) -> str | None:
    ballots = (n.ballot for n in ast.walk(expr)
               if isinstance(n, (ast.Share, ast.Votes, ast.Total, ast.Points)))
    return next(ballots, None)
