"""Quota arithmetic for ``group by`` quotas: the base a quota counts, its number of places, and
which records it moves. :mod:`groups` (the driver) calls :func:`decide` once per quota and group;
this module never evaluates a whole record and never reads a record's raw fields.

- **Base**: the records of the group the quota counts and may move: those for which ``among``
  holds, or, without ``among``, every record whose grade so far is not its scale's unrated label
  (:func:`unrated_label`). A record outside the base is neither counted nor moved. Without
  ``among``, the group's records with an error (``missing``: no grade to judge, but the people
  are there) are counted in the base too, never moved; with ``among`` they are not counted, as
  whether ``among`` holds for them cannot be known.
- **Places**: a head count (``N places``, :attr:`ast.Quota.rounding` ``"places"``: a param or a
  number input equal across the group, a whole number ≥ 0), or a rate × the base's size, rounded
  ``down`` (the default), ``nearest`` (四舍五入, half up) or ``up`` (进一法), exactly.
  ``at most A, at most B when COND`` (:attr:`ast.Quota.more` is ``(B, its rounding, COND)``): B
  when COND holds for the group (it reads params and inputs equal across the group), else A.
- **At most**: when more records of the base hold the label than there are places, they are
  ordered by the keys, best first; the first past the places and every holder tied with it or
  below it move down one grade: the quota is never exceeded and row order never matters.
- **Lowest** (末位): the places worst records of the base by the keys, and every record tied with
  the last of them, are capped at the label: at least that many are capped, never a choice by
  row order. Only the ones whose grade is better than the label are moved.

Imports :mod:`ast`, :mod:`check`, :mod:`diagnostics`, :mod:`backends.reference`, :mod:`unparse`,
:mod:`values`, :mod:`messages`; never :mod:`groups`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import cast

import attrs

from . import ast
from .backends import reference
from .check import Checked, Kind
from .diagnostics import InputError, RuleName, RuntimeCode
from .messages import Joined
from .unparse import expression, rule_name
from .values import Constants, exact_str, round_half_away


def unrated_label(checked: Checked, grade: str) -> str | None:
    """The label of ``grade``'s scale that means "not rated" (不定等次), which a quota's default
    base leaves out; None when the scale has none."""
    table = checked.definitions[grade]
    assert isinstance(table, ast.Grade)  # the checker allows quotas on grade tables only
    return checked.unrated.get(table.scale or table.name)


def scale_order(checked: Checked, grade: str) -> tuple[str, ...]:
    """The labels of a grade table's scale, best first."""
    table = checked.definitions[grade]
    assert isinstance(table, ast.Grade)  # the checker allows quotas on grade tables only
    return tuple(checked.scales[table.scale or table.name])


def places(size: Fraction, base: int, rounding: str) -> int:
    """``size × base`` as whole places: ``down`` floor, ``nearest`` half up, ``up`` ceiling.
    A unit of 4 at 20% (0.8): down 0, nearest 1, up 1."""
    exact = Fraction(size) * base
    if rounding == "up":
        return math.ceil(exact)
    if rounding == "nearest":
        return int(round_half_away(exact))
    return math.floor(exact)


def over_quota(holders: Sequence[int], keys: Mapping[int, tuple], cap: int) -> list[int]:
    """The holders a quota of ``cap`` places moves: past the places in the keys' order (best,
    the largest, first), and every holder tied with the first of them or below it."""
    if len(holders) <= cap:
        return []
    boundary = sorted((keys[i] for i in holders), reverse=True)[cap]
    return [i for i in holders if keys[i] <= boundary]


def lowest(base: Sequence[int], keys: Mapping[int, tuple], count: int) -> list[int]:
    """The ``count`` worst (smallest keys) records of ``base``, and every record tied with the
    last of them: at least ``count``, all of the base when it has no more."""
    if count <= 0:
        return []
    if count >= len(base):
        return list(base)
    boundary = sorted(keys[i] for i in base)[count - 1]
    return [i for i in base if keys[i] <= boundary]


def _group_wide(rule: ast.Quota) -> list[ast.Expr]:
    """The parts of a quota that are the same for a whole group: its sizes and ``when``."""
    return [rule.share, *((rule.more[0], rule.more[2]) if rule.more else ())]


def _reads(checked: Checked, expr: ast.Expr) -> list[str]:
    """The names of a record's values ``expr`` reads (values, histories, ballots), in order;
    params are constants and not read."""
    out: list[str] = []
    for node in ast.walk(expr):
        match node:
            case (ast.Ref(name=name) | ast.History(input=name) | ast.Share(ballot=name)
                  | ast.Votes(ballot=name) | ast.Total(ballot=name) | ast.Points(ballot=name)):
                if name not in checked.params and name not in out:
                    out.append(name)
    return out


def group_wide_inputs(checked: Checked) -> tuple[str, ...]:
    """The inputs every record of a group must share: those the quotas' head counts and
    ``when`` conditions read (a group whose records differ in one is an error)."""
    out: list[str] = []
    for rule in (r for group in checked.groups for r in group.rules):
        if isinstance(rule, ast.Quota):
            for expr in _group_wide(rule):
                out += [n for n in _reads(checked, expr) if n in checked.inputs and n not in out]
    return tuple(out)


def needs(checked: Checked, rule: ast.Quota) -> tuple[str, ...]:
    """What the quota reads of each record: its grade so far, its keys, and what ``among``, a
    head count and ``when`` read."""
    out = [rule.grade, *rule.keys]
    for expr in (*([rule.among] if rule.among else []), *_group_wide(rule)):
        out += [name for name in _reads(checked, expr) if name not in out]
    return tuple(out)


@attrs.frozen
class Decision:
    """A quota's decision for one group: the records it moves, the records whose ``among``
    could not be evaluated (their errors), an error for the whole group (an input that must be
    equal across it is not, a head count that is not a whole number ≥ 0), and the arithmetic
    the explanation states."""

    moved: list[int]
    errors: dict[int, InputError]
    group_error: InputError | None
    said: dict[str, object]


def reference_value(checked: Checked, name: str, value: object) -> object:
    """A value the driver read of a record, as the reference holds it: a backend may give a
    number as a (numerator, denominator) pair."""
    if value.__class__ is tuple and name in checked.types \
            and checked.types[name].kind == Kind.NUMBER:
        return Fraction(*value)
    return value


def _scope(checked: Checked, values: Mapping[str, object]) -> dict[str, object]:
    """What the driver read of a record (what the quota needs, and what that needs in turn), as
    the reference reads it."""
    return {n: reference_value(checked, n, v) for n, v in values.items()}


def _unequal(checked: Checked, rule: ast.Quota, group_key: str, key: object,
             indexes: Sequence[int], values: Mapping[int, Mapping]) -> InputError | None:
    """The error of a group whose records differ in an input that a group-wide part of the
    quota (a head count, ``when``) reads."""
    names: list[str] = []
    for expr in _group_wide(rule):
        names += [n.name for n in ast.walk(expr) if isinstance(n, ast.Ref)
                  and n.name in checked.inputs and n.name not in names]
    for name in names:
        seen = sorted({exact_str(v) if isinstance(v, Fraction) else "yes" if v is True
                       else "no" if v is False else str(v)
                       for v in (reference_value(checked, name, values[i][name])
                                 for i in indexes)})
        if len(seen) > 1:
            shown = Joined(tuple(seen))
            return InputError.of("record.quota_unequal", {
                "rule": RuleName(rule_name(rule)), "field": name, "group": group_key,
                "key": str(key), "values": shown}, field=name, rule=rule_name(rule),
                code=RuntimeCode.GROUP_INPUT)
    return None


def _size(checked: Checked, constants: Constants, size: ast.Expr, values: Mapping) -> Fraction:
    """A quota's size: a literal, a param, or a number input (equal across the group)."""
    if isinstance(size, ast.Ref):
        if size.name in checked.params:
            return Fraction(cast(Fraction, constants.params[size.name]))
        return Fraction(cast(Fraction, reference_value(checked, size.name, values[size.name])))
    assert isinstance(size, ast.Number)  # the grammar's bound, checked
    return size.value


def _base(checked: Checked, constants: Constants, rule: ast.Quota, indexes: Sequence[int],
          values: Mapping[int, Mapping]) -> tuple[list[int], dict[int, InputError]]:
    """The records the quota counts (see the module), and those whose ``among`` failed."""
    if rule.among is None:
        unrated = unrated_label(checked, rule.grade)
        return [i for i in indexes if values[i][rule.grade] != unrated], {}
    base, errors = [], {}
    for i in indexes:
        try:
            if reference.evaluate_expression(checked, constants, rule.among,
                                             _scope(checked, values[i]), rule=rule_name(rule)):
                base.append(i)
        except InputError as e:
            errors[i] = e
    return base, errors


def decide(checked: Checked, constants: Constants, rule: ast.Quota, group_key: str,
           key: object, indexes: Sequence[int], values: Mapping[int, Mapping],
           keys_of: Callable[[list[int]], Mapping[int, tuple]], missing: int = 0) -> Decision:
    """The quota's decision for the group ``key`` (its records without an error ``indexes``,
    each with :func:`needs` in ``values``, and ``missing`` more with one); ``keys_of(records)``
    gives each record's keys as comparable tuples, larger better (the driver's exact reading of
    numbers)."""
    name = rule_name(rule)
    base, errors = _base(checked, constants, rule, indexes, values)
    counted = len(base) + (missing if rule.among is None else 0)
    present = [i for i in indexes if i not in errors]
    error = _unequal(checked, rule, group_key, key, present, values)
    if error is not None or not present:
        return Decision([], errors, error, {})
    size, rounding, higher = rule.share, rule.rounding, False
    if rule.more is not None:
        when = rule.more[2]
        try:
            higher = bool(reference.evaluate_expression(
                checked, constants, when, _scope(checked, values[present[0]]), rule=name))
        except InputError as e:
            return Decision([], errors, e, {})
        if higher:
            size, rounding = rule.more[0], rule.more[1]
    amount = _size(checked, constants, size, values[present[0]])
    said: dict[str, object]
    if rounding == "places":
        if amount < 0 or amount.denominator != 1:
            return Decision([], errors, InputError.of("record.quota_places", {
                "rule": RuleName(name), "expression": expression(size),
                "value": exact_str(amount), "group": group_key, "key": str(key)},
                field=size.name if isinstance(size, ast.Ref) else None, rule=name,
                code=RuntimeCode.GROUP_INPUT), {})
        cap = int(amount)
        said = {"places": cap, "per_head": True}
    else:
        cap = places(amount, counted, rounding)
        said = {"places": cap, "per_head": False, "rate": f"{exact_str(amount * 100)}%",
                "base": counted, "exact": exact_str(amount * counted),
                "rounding": rounding}
    said["higher"] = higher
    if rule.lowest:
        order = scale_order(checked, rule.grade)
        better = set(order[:order.index(rule.label)])
        moved = [i for i in lowest(base, keys_of(base), cap) if values[i][rule.grade] in better]
    else:
        holders = [i for i in base if values[i][rule.grade] == rule.label]
        moved = over_quota(holders, keys_of(holders), cap) if len(holders) > cap else []
    return Decision(moved, errors, None, said)
