"""Hypothesis strategies for the records of a ruleset: valid ones biased to every threshold the
ruleset compares against, and invalid ones of every kind.

Both follow Hypothesis's house style: a strategy is a recipe for valid values with no distribution
hints among its arguments, arguments are validated eagerly (:class:`~hypothesis.errors.
InvalidArgument`), and a caller who wants a fixed value passes ``st.just(value)``.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Mapping
from fractions import Fraction

from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from .. import ast
from ..diagnostics import did_you_mean
from ..ruleset import Field, Ruleset
from ._model import (
    MAX_VOTES,
    Model,
    Threshold,
    boundary_records,
    evaluate_expr,
    fails_a_require,
    field_range,
    honour,
    limit_value,
    model,
    near,
    public,
    require_shape,
    solve,
    step_of,
)

__all__ = ["boundary_records", "invalid_records", "records"]

#: A drawn value meaning "leave the field out of the record" (its default applies).
_OMIT = object()


def records(ruleset: Ruleset, **fixed: SearchStrategy) -> SearchStrategy[dict]:
    """A strategy for valid records of ``ruleset``: every input and ballot it declares, values in
    their ranges and categories, inputs with a default sometimes left out.

    Draws are deliberately biased to boundaries: for every threshold the ruleset compares a
    number input, a share, a vote count or a derived number against, some records land exactly
    on it and some one step either side (a share of exactly 60% is drawn for several totals:
    3 of 5, 6 of 10, …). ``require`` statements of the form ``X <= EXPR`` (any comparison, ``X``
    a number input) are honoured by construction, also exactly at their limit; records failing
    any other ``require`` are filtered out.

    ``fixed`` maps field names to strategies for their values (``考核目标完成=st.just("好")``,
    ``班子测评=st.fixed_dictionaries(...)``); a strategy may draw ``None`` to leave the field out.
    """
    _check_ruleset("records", ruleset)
    for name, strategy in fixed.items():
        if name not in ruleset.inputs:
            hint = did_you_mean(name, ruleset.inputs)
            raise InvalidArgument(f"records({ruleset.name}, {name}=...): '{name}' is not a "
                                  f"field of {ruleset.name}" + (f"; {hint}" if hint else ""))
        if not isinstance(strategy, SearchStrategy):
            raise InvalidArgument(f"records({ruleset.name}, {name}={strategy!r}): pass a "
                                  f"strategy, e.g. {name}=st.just({strategy!r})")
    if fixed:
        return records_from(ruleset, fixed, model(ruleset))
    hit = _RECORDS.get(id(ruleset))  # one strategy per ruleset: Hypothesis validates it once
    if hit is None or hit[0] is not ruleset:
        if len(_RECORDS) > 256:
            _RECORDS.clear()
        hit = _RECORDS[id(ruleset)] = (ruleset, records_from(ruleset, {}, model(ruleset)))
    return hit[1]


_RECORDS: dict[int, tuple[object, SearchStrategy[dict]]] = {}


def records_from(ruleset: Ruleset, fixed: Mapping[str, SearchStrategy], m: Model,
           edges_only: bool = False) -> SearchStrategy[dict]:
    """``edges_only``: ballots and number inputs with thresholds always on one (for diff)."""
    fields = {}
    for name, f in ruleset.inputs.items():
        fields[name] = fixed[name].map(lambda v: _OMIT if v is None else v) \
            if name in fixed else _field(m, f, edges_only)
    # each derived threshold with the number inputs that may be moved onto it
    derived = [(t, st.sampled_from(xs)) for t in m.thresholds if t.kind == "derived"
               for xs in [[x for x in m.inputs_of.get(t.name, ()) if x not in fixed]] if xs]
    requires = [r for r in (require_shape(ruleset, req) for req in ruleset.checked.requires)
                if r is not None and r[0] not in fixed]
    return _records(ruleset, fields, st.sampled_from(derived) if derived else None,
                    tuple(requires))


def invalid_records(ruleset: Ruleset) -> SearchStrategy[object]:
    """A strategy for records that ``ruleset.evaluate`` must reject with an ``InputError``: a
    valid record with exactly one thing wrong, of every kind the ruleset makes possible — a
    missing required field, an unknown field, a value of the wrong type, a number outside its
    range, a fraction for an integer, an unknown label, a ballot that is not a mapping or misses
    or adds a category, a negative or fractional vote count, an empty ballot whose share is
    always needed, a failed ``require`` — and a record that is not a mapping at all."""
    _check_ruleset("invalid_records", ruleset)
    m = model(ruleset)
    spoilers = _spoilers(ruleset, m)
    return _invalid(records(ruleset), st.sampled_from(spoilers))


def _check_ruleset(function: str, ruleset: object) -> None:
    # A checks.Grouped (a group-rules ruleset graded among peers) stands for its ruleset.
    if not isinstance(getattr(ruleset, "_ruleset", ruleset), Ruleset):
        raise InvalidArgument(f"{function}() needs a compiled evalrules.Ruleset (from "
                              f"evalrules.load or evalrules.compile), not {ruleset!r}")


# ---------------------------------------------------------------- fields


def numbers_of(m: Model, f: Field, edges_only: bool = False) -> SearchStrategy[Fraction | int]:
    thresholds = [t.value for t in m.of("input", f.name)]
    lo, hi = field_range(f, thresholds)
    if lo > hi:  # an integer input whose range holds no whole number
        raise InvalidArgument(f"records({m.ruleset.name}): no value of {f.name} is valid (its "
                              f"range holds no whole number), so no record is")
    plain = _between(f, lo, hi)
    points = sorted({lo, hi, *(t for t in thresholds if lo <= t <= hi)})
    edge = st.builds(lambda p, off: near(f, p, off, lo, hi), st.sampled_from(points),
                     st.sampled_from((0, -1, 1)))
    if edges_only and thresholds:
        edge = st.builds(lambda p, off: near(f, p, off, lo, hi),
                         st.sampled_from([t for t in thresholds if lo <= t <= hi] or points),
                         st.sampled_from((0, -1, 1)))
        return edge.map(lambda v: int(v) if v.denominator == 1 else v)
    return st.one_of(edge, plain).map(lambda v: int(v) if v.denominator == 1 else v)


def _between(f: Field, lo: Fraction, hi: Fraction) -> SearchStrategy[Fraction]:
    """Any value of ``f`` from ``lo`` to ``hi`` (bounds of any denominator): whole numbers for an
    integer; else hundredths and twelfths in the range, or, where the range holds none, ``lo``
    plus a twelfth-grid fraction of its width."""
    if f.kind == "integer":
        return st.integers(int(lo), int(hi)).map(Fraction)
    parts: list[SearchStrategy[Fraction]] = []
    if math.ceil(lo * 100) <= math.floor(hi * 100):
        parts.append(st.integers(math.ceil(lo * 100), math.floor(hi * 100))
                     .map(lambda k: Fraction(k, 100)))
    twelfths = _twelfths(lo, hi)
    if twelfths is None:  # a range narrower than its twelfths: lo + a twelfth of its width
        unit = _twelfths(Fraction(0), Fraction(1))
        assert unit is not None
        twelfths = unit.map(lambda u: lo + (hi - lo) * u)
    parts.append(twelfths)
    return st.one_of(parts)


def _twelfths(lo: Fraction, hi: Fraction) -> SearchStrategy[Fraction] | None:
    """Fractions of denominator 1 to 12 from ``lo`` to ``hi`` (None when there are none).
    Not Hypothesis's ``fractions()``: it takes bounds of small denominators only, and builds new
    strategies in every draw, which Hypothesis then validates."""
    grids = [(d, st.integers(math.ceil(lo * d), math.floor(hi * d))) for d in range(1, 13)
             if math.ceil(lo * d) <= math.floor(hi * d)]
    if not grids:
        return None
    grid = st.sampled_from(grids)

    @st.composite
    def fraction(draw) -> Fraction:
        d, numerators = draw(grid)
        return Fraction(draw(numerators), d)

    return fraction()


def _field(m: Model, f: Field, edges_only: bool = False) -> SearchStrategy:
    value: SearchStrategy
    match f.kind:
        case "ballot":
            value = _ballot(f, m.of("share", f.name) + m.of("votes", f.name),
                            f.name in m.needs_votes, edges_only)
        case "bool":
            value = st.booleans()
        case "category":
            value = st.sampled_from(f.labels)
        case "text":  # a group key: few values, so generated records share groups
            value = st.sampled_from(("甲", "乙", "丙"))
        case "history":
            value = st.lists(st.sampled_from(f.labels), max_size=4)
        case "date":
            value = _dates(m.ruleset)
        case _:
            value = numbers_of(m, f, edges_only)
    if not f.required:
        value = st.one_of(st.just(_OMIT), value)
    return value


def _dates(ruleset: Ruleset) -> SearchStrategy[datetime.date]:
    """Dates, biased to the lines a ruleset draws: each date it writes or holds in a param, moved
    by each whole number it writes (a day either side too), so ``days(入职, 年末) < 183`` is met
    at 182, 183 and 184 days."""
    anchors = {v for v in ruleset.constants.params.values() if isinstance(v, datetime.date)}
    steps = {0}
    for decl in ruleset.checked.module.statements:
        for root in ast.expressions(getattr(decl, "declaration", decl)):
            for node in ast.walk(root):
                if isinstance(node, ast.Date):
                    anchors.add(node.value)
                elif isinstance(node, ast.Number) and node.value.denominator == 1 \
                        and 0 < node.value < 10_000:
                    steps.add(int(node.value))
    near = sorted({a + datetime.timedelta(days=sign * s + extra) for a in anchors
                   for s in steps for sign in (1, -1) for extra in (-1, 0, 1)
                   if 1000 < a.year < 9000})
    plain = st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31))
    return st.one_of(st.sampled_from(near), plain) if near else plain


_OFFSETS = st.sampled_from((0, -1, 1))
_BOOLEANS = st.booleans()


def _split(draw, total: int, parts: int) -> list[int]:
    """``total`` votes split over ``parts`` categories (strategies made once: building one per
    draw costs Hypothesis more than the draw)."""
    if parts == 1:
        return [total]
    cut = st.integers(0, total)
    cuts = sorted(draw(cut) for _ in range(parts - 1))
    bounds = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(bounds)]


def _ballot(f: Field, thresholds: list[Threshold], needs_votes: bool,
            edges_only: bool = False) -> SearchStrategy[dict]:
    categories = f.labels

    def counts(values: list[int]) -> dict[str, int]:
        if needs_votes and not any(values):
            values = [*values[:-1], 1]
        return dict(zip(categories, values, strict=True))

    free = st.lists(st.integers(0, 30), min_size=len(categories),
                    max_size=len(categories)).map(counts)
    if not thresholds:
        return free

    which = st.sampled_from(thresholds)
    totals: dict[Threshold, SearchStrategy[int]] = {}
    for t in thresholds:
        q = t.value.denominator
        totals[t] = st.one_of(st.integers(1, 6).map(q.__mul__),  # q × k
                              st.integers(1, MAX_VOTES)) if q <= MAX_VOTES \
            else st.integers(1, MAX_VOTES)
    extra = st.integers(0, 30)

    @st.composite
    def edge(draw) -> dict[str, int]:
        t = draw(which)
        chosen = [c for c in categories if c in t.categories]
        rest = [c for c in categories if c not in t.categories]
        offset = draw(_OFFSETS)
        if t.kind == "share":
            n = draw(totals[t])
            k = math.floor(t.value * n) + offset
        else:
            k = math.floor(t.value) + offset
            n = max(k, 0) + draw(extra)
        k = min(max(k, 0), n)
        if not rest:
            k = n
        if needs_votes and n == 0:
            n = k = 1 if not rest else n + 1
        votes = dict.fromkeys(categories, 0)
        for c, v in zip(chosen, _split(draw, k, len(chosen)), strict=True):
            votes[c] = v
        for c, v in zip(rest, _split(draw, n - k, len(rest)), strict=True):
            votes[c] = v
        return votes

    return edge() if edges_only else st.one_of(edge(), free)


# ---------------------------------------------------------------- whole records

def _toward(draw, ruleset: Ruleset, record: dict, t: Threshold, inputs: SearchStrategy) -> None:
    """Move one number input (drawn from ``inputs``) so that the derived value ``t.name`` lands
    on ``t.value`` (or one step either side), when it is an affine function of that input near
    the record."""
    x = draw(inputs)
    solution = solve(ruleset, record, t, x)
    if solution is None:
        return
    f = ruleset.inputs[x]
    lo, hi = field_range(f, [])
    offset = draw(_OFFSETS)
    record[x] = public(near(f, solution, offset, lo, hi))


@st.composite
def _records(draw, ruleset: Ruleset, fields: dict, derived: SearchStrategy | None,
             requires: tuple):
    """Every strategy it draws from is made before, once (Hypothesis validates each new one)."""
    record = {}
    for name, strategy in fields.items():
        value = draw(strategy)
        if value is not _OMIT:
            record[name] = value
    if derived is not None and draw(_BOOLEANS):
        _toward(draw, ruleset, record, *draw(derived))
    for require in requires:
        honour(ruleset, record, require, draw(_BOOLEANS))
    assume(not fails_a_require(ruleset, record))
    return record


# ---------------------------------------------------------------- invalid records

def _always_needed(ruleset: Ruleset) -> set[str]:
    """Ballots whose share or points a let or score computes on every record."""
    out: set[str] = set()
    for decl in ruleset.checked.definitions.values():
        if not isinstance(decl, (ast.Let, ast.Score)):
            continue
        stack: list[object] = [decl.expr]
        while stack:
            e = stack.pop()
            if isinstance(e, (ast.Share, ast.Points)):
                out.add(e.ballot)
            elif isinstance(e, (ast.Arithmetic, ast.Negate, ast.Call, ast.Weighted)):
                stack.extend(ast.children(e))
    return out


def _spoilers(ruleset: Ruleset, m: Model) -> list:
    """Each spoiler takes ``(draw, record)`` and returns the spoilt record."""
    fields = ruleset.inputs
    # Every strategy a spoiler draws from is made here, once (Hypothesis validates each new one).
    not_records: SearchStrategy[object] = st.sampled_from([None, [], "record", 42])
    unknown = st.sampled_from(["未知字段", "unknown"])
    bad_counts = st.sampled_from([-1, Fraction(1, 2), 2.5, True, "x"])
    out: list = [
        lambda draw, r: draw(not_records),
        lambda draw, r: {**r, 1: "x"},
        lambda draw, r: {**r, draw(unknown): 1},
    ]

    def with_(name, values):
        choice = st.sampled_from(values)

        def spoil(draw, r):
            return {**r, name: draw(choice)}
        return spoil

    def without(name):
        return lambda draw, r: {k: v for k, v in r.items() if k != name}

    for name, f in fields.items():
        if f.required:
            out.append(without(name))
        match f.kind:
            case "number" | "integer":
                out.append(with_(name, ["abc", True, [1], float("nan"), float("inf"), {}]))
                step = step_of(f)
                bad = [b for b in ((f.low - step) if f.low is not None else None,
                                   (f.high + step) if f.high is not None else None)
                       if b is not None]
                if f.kind == "integer":
                    lo = f.low if f.low is not None else Fraction(0)
                    bad.append(Fraction(math.ceil(lo)) + Fraction(1, 2))
                if bad:
                    out.append(with_(name, [public(b) for b in bad]))
            case "bool":
                out.append(with_(name, ["yes", "有", "1.0", 2, 1.5]))  # none a yes/no word
            case "category":
                out.append(with_(name, ["不存在的类别", 1, True]))
            case "text":
                out.append(with_(name, [1.5, True, ["甲"]]))
            case "history":
                out.append(with_(name, [["不存在的档次"], 1, True, {"a": 1}]))
            case "date":  # month and day either way round, no such day, a serial, a time
                out.append(with_(name, ["6/30/2025", "2025-02-30", 45838, True,
                                        "2025-06-30 08:00"]))
            case "ballot":
                cats = f.labels
                out.append(with_(name, [5, "优秀", [1, 2]]))
                category = st.sampled_from(cats)

                def missing(draw, r, n=name, category=category):
                    gone = draw(category)
                    return {**r, n: {c: v for c, v in r[n].items() if c != gone}}
                out.append(missing)
                out.append(lambda draw, r, n=name: {**r, n: {**r[n], "不存在的类别": 1}})
                out.append(lambda draw, r, n=name, category=category: {
                    **r, n: {**r[n], draw(category): draw(bad_counts)}})
                out.append(lambda draw, r, n=name, cats=cats: {
                    **r, f"{n}.{cats[0]}": 1})
                if name in _always_needed(ruleset):
                    out.append(lambda draw, r, n=name, cats=cats: {**r, n: dict.fromkeys(cats, 0)})
    for shape in (require_shape(ruleset, req) for req in ruleset.checked.requires):
        if shape is not None:
            out.append(_breaking(ruleset, *shape[:3]))
    return out


def _breaking(ruleset: Ruleset, name: str, op: str, expr: ast.Expr):
    f = ruleset.inputs[name]
    negated = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": ">"}[op]

    def spoil(draw, r):
        bound = Fraction(evaluate_expr(ruleset, r, expr))
        value = limit_value(f, negated, bound)
        assume((f.low is None or value >= f.low) and (f.high is None or value <= f.high))
        return {**r, name: public(value)}
    return spoil


@st.composite
def _invalid(draw, valid: SearchStrategy, spoilers: SearchStrategy):
    record = draw(valid)
    spoil = draw(spoilers)
    return spoil(draw, record)


def is_mapping(value: object) -> bool:
    return isinstance(value, Mapping)
