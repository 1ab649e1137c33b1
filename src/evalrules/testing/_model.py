"""What the testing tools read off a compiled ruleset: the thresholds it compares against, the
values derived from number inputs, and how to evaluate a stray expression against a record.

Also the ranges of number inputs and the boundary records every property and ``diff`` try first.
No Hypothesis here: :mod:`cases`, :mod:`coverage` and the pytest plugin import this module and must
work without it.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from attrs import field, frozen

from .. import ast
from ..backends import reference
from ..diagnostics import InputError
from ..ruleset import Field, Ruleset
from ..unparse import decimal_text
from ..values import coerce_record, json_value


@frozen
class Threshold:
    """One comparison against a constant: ``kind`` is ``input`` (a number input), ``share``
    (a share of ballot categories), ``votes`` (a vote count) or ``derived`` (a derived number)."""

    kind: str
    name: str  # the input, ballot or derived value
    value: Fraction
    categories: tuple[str, ...] = ()


@frozen
class Model:
    ruleset: Ruleset = field(repr=False)
    thresholds: tuple[Threshold, ...]
    #: derived number → the number inputs it depends on (transitively)
    inputs_of: dict[str, tuple[str, ...]]
    #: ballots whose share or points some value needs (an empty one is an input error)
    needs_votes: frozenset[str]

    def of(self, kind: str, name: str) -> list[Threshold]:
        return [t for t in self.thresholds if t.kind == kind and t.name == name]


_MODELS: dict[int, tuple[Ruleset, Model]] = {}


def model(ruleset: Ruleset) -> Model:
    """The (cached) model of a ruleset."""
    hit = _MODELS.get(id(ruleset))
    if hit is not None and hit[0] is ruleset:
        return hit[1]
    m = _build(ruleset)
    if len(_MODELS) > 256:
        _MODELS.clear()
    _MODELS[id(ruleset)] = (ruleset, m)
    return m


def constant(ruleset: Ruleset, expr: ast.Expr) -> Fraction | None:
    """The value of an expression made of numbers and number params only, else None."""
    params = ruleset.checked.params
    for node in ast.walk(expr):
        match node:
            case ast.Number() | ast.Negate() | ast.Arithmetic():
                pass
            case ast.Call(function="min" | "max"):
                pass
            case ast.Ref(name=n) if n in params and ruleset.checked.types[n].kind == "number":
                pass
            case _:
                return None
    try:  # the reference evaluator's arithmetic, on the params alone
        return Fraction(reference.evaluate_expression(ruleset.checked, ruleset.constants, expr,
                                                      {}))
    except InputError:  # a division by zero
        return None


def _roots(checked) -> list[ast.Expr]:
    roots: list[ast.Expr] = []
    for decl in checked.definitions.values():
        roots.extend(ast.expressions(decl))
    for req in checked.requires:
        roots.append(req.condition)
    for chk in checked.checks:
        if chk.condition is not None:
            roots.append(chk.condition)
    return roots


def _build(ruleset: Ruleset) -> Model:
    checked = ruleset.checked
    fields = ruleset.inputs
    number_inputs = {n for n, f in fields.items() if f.kind in ("number", "integer")}
    shares: dict[str, ast.Share] = {}
    for name, decl in checked.definitions.items():
        if isinstance(decl, (ast.Let, ast.Score)) and isinstance(decl.expr, ast.Share):
            shares[name] = decl.expr

    def subject(e: ast.Expr) -> tuple[str, str, tuple[str, ...]] | None:
        match e:
            case ast.Ref(name=n) if n in number_inputs:
                return ("input", n, ())
            case ast.Ref(name=n) if n in shares:
                return ("share", shares[n].ballot, shares[n].categories)
            case ast.Share(ballot=b, categories=c):
                return ("share", b, c)
            case ast.Votes(ballot=b, categories=c):
                return ("votes", b, c)
            case ast.Ref(name=n) if checked.types.get(n) is not None and \
                    checked.types[n].kind == "number" and n not in checked.params:
                return ("derived", n, ())
        return None

    found: dict[Threshold, None] = {}
    needs_votes: set[str] = set()
    for root in _roots(checked):
        for node in ast.walk(root):
            if isinstance(node, (ast.Share, ast.Points)):
                needs_votes.add(node.ballot)
            if not isinstance(node, ast.Compare) or node.order is not None:
                continue
            for subj, other in ((node.left, node.right), (node.right, node.left)):
                s = subject(subj)
                value = constant(ruleset, other)
                if s is not None and value is not None:
                    found[Threshold(s[0], s[1], value, s[2])] = None
    inputs_of: dict[str, tuple[str, ...]] = {}
    for t in found:
        if t.kind == "derived":
            inputs_of[t.name] = _number_inputs_under(checked, t.name, number_inputs)
    return Model(ruleset, tuple(found), inputs_of, frozenset(needs_votes))


def _number_inputs_under(checked, name: str, number_inputs: set[str]) -> tuple[str, ...]:
    out: list[str] = []
    seen: set[str] = set()
    stack = [name]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        if n in number_inputs:
            out.append(n)
        decl = checked.definitions.get(n)
        if decl is not None:
            stack.extend(reversed(ast.references(decl)))
    return tuple(out)


# ---------------------------------------------------------------- evaluating stray expressions

def evaluate_expr(ruleset: Ruleset, record: Mapping, expr: ast.Expr, *, explain: bool = False):
    """Evaluate a checked expression (a require's or check's) against a record, computing the
    derived values it needs. With ``explain``: ``(value, trace detail)`` of a condition.
    With group rules, the record is graded among its peers (see checks.Grouped)."""
    checked = ruleset.checked
    decided = ruleset.decisions(record) if hasattr(ruleset, "decisions") else None
    values = coerce_record(checked, record, ruleset.constants)
    return reference.evaluate_expression(checked, ruleset.constants, expr, values,
                                         group=decided, explain=explain)


# ---------------------------------------------------------------- fields and boundary records

#: Totals of a ballot: one threshold's denominator times 1..6, or any of 1..60.
MAX_VOTES = 60

def step_of(f: Field) -> Fraction:
    return Fraction(1) if f.kind == "integer" else Fraction(1, 100)


def field_range(f: Field, thresholds: list[Fraction]) -> tuple[Fraction, Fraction]:
    lo, hi = f.low, f.high
    if lo is None:
        lo = min([*thresholds, hi if hi is not None else Fraction(0)]) - 100
    if hi is None:
        hi = max([*thresholds, lo]) + 100
    if f.kind == "integer":
        lo, hi = Fraction(math.ceil(lo)), Fraction(math.floor(hi))
    return lo, hi


def near(f: Field, point: Fraction, offset: int, lo: Fraction, hi: Fraction) -> Fraction:
    """``point`` moved ``offset`` steps, for an integer the nearest whole number that side."""
    if f.kind == "integer":
        value = (Fraction(math.floor(point)) if offset <= 0 else Fraction(math.ceil(point)))
        if point.denominator == 1 or offset == 0:
            value = Fraction(math.floor(point)) + (offset if point.denominator == 1 else 0)
    else:
        value = point + offset * step_of(f)
    return min(max(value, lo), hi)


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def require_shape(ruleset: Ruleset, req: ast.Require):
    """``(input, op, expr, require)`` for a require ``INPUT op EXPR`` (either way round)."""
    c = req.condition
    if not isinstance(c, ast.Compare) or c.order is not None or c.op == "!=":
        return None
    numbers = {n for n, f in ruleset.inputs.items() if f.kind in ("number", "integer")}
    if isinstance(c.left, ast.Ref) and c.left.name in numbers:
        return (c.left.name, c.op, c.right, req)
    if isinstance(c.right, ast.Ref) and c.right.name in numbers:
        return (c.right.name, _FLIP[c.op], c.left, req)
    return None


def limit_value(f: Field, op: str, bound: Fraction) -> Fraction:
    """The value of ``f`` closest to ``bound`` that satisfies ``f op bound``."""
    step = step_of(f)
    if f.kind == "integer":
        return {"<=": Fraction(math.floor(bound)), "<": Fraction(math.ceil(bound) - 1),
                ">=": Fraction(math.ceil(bound)), ">": Fraction(math.floor(bound) + 1),
                "==": bound}[op]
    return {"<=": bound, "<": bound - step, ">=": bound, ">": bound + step, "==": bound}[op]


def holds(op: str, x: Fraction, y: Fraction) -> bool:
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y, "==": x == y, "!=": x != y}[op]


def public(v: Fraction) -> Fraction | int:
    return int(v) if v.denominator == 1 else v


def solve(ruleset: Ruleset, record: dict, t: Threshold, x: str) -> Fraction | None:
    """The value of number input ``x`` that puts the derived value ``t.name`` exactly on
    ``t.value``, the other fields as in ``record``, when it is an affine function of ``x``
    there; else None."""
    lo, hi = field_range(ruleset.inputs[x], [])
    function = value_function(ruleset, t.name)
    try:
        y0 = function({**record, x: public(lo)})
        y1 = function({**record, x: public(hi)})
        if y0 == y1:
            return None
        solution = lo + (t.value - y0) * (hi - lo) / (y1 - y0)
        if not lo <= solution <= hi or function({**record, x: public(solution)}) != t.value:
            return None
    except InputError:
        return None
    return solution


def honour(ruleset: Ruleset, record: dict, require: tuple, at_limit: bool) -> None:
    """Move the input of a require ``INPUT op EXPR`` so that it holds (onto its limit when
    ``at_limit``, else only when it does not hold already)."""
    name, op, expr, _req = require
    try:
        bound = Fraction(evaluate_expr(ruleset, record, expr))
    except (InputError, TypeError, ValueError):
        return
    f = ruleset.inputs[name]
    current = record.get(name, f.default)
    if current is not None and not at_limit and holds(op, Fraction(current), bound):
        return
    value = limit_value(f, op, bound)
    if (f.low is None or value >= f.low) and (f.high is None or value <= f.high) and \
            (f.kind != "integer" or value.denominator == 1):
        record[name] = public(value)


def alone(ruleset: Ruleset) -> bool:
    """A ruleset with group rules given bare (not graded among peers): a record is graded as
    the only one of its group."""
    return bool(ruleset.checked.groups) and not hasattr(ruleset, "peers")


def value_function(ruleset: Ruleset, name: str):
    if alone(ruleset):
        return lambda record: ruleset.evaluate(record, group=[])[name]
    return ruleset.function(name)


def fails_a_require(ruleset: Ruleset, record: dict) -> bool:
    if not ruleset.checked.requires:
        return False
    try:
        ruleset.evaluate(record, group=[]) if alone(ruleset) else ruleset.evaluate(record)
    except InputError as e:
        return (e.rule or "").startswith("require ")
    return False


#: At most this many boundary records per ruleset: every property tries each of them.
MAX_BOUNDARY = 150


_BOUNDARY: dict[int, tuple[object, list[dict]]] = {}


def boundary_records(ruleset: Ruleset) -> list[dict]:
    """Valid records on the ruleset's boundaries, made without any randomness, which every
    property tries before Hypothesis draws (so no run can miss them, whatever its seed):

    * two corners: every number input at its lowest, votes all on each ballot's last category,
      categories at their last label; then every number at its highest, votes on the first
      category, categories at their first label; then each bool and category set, one at a time,
      to the value that makes the first grade worst (best) — so the best corner meets every
      condition of the best grade at once, and the worst every condition of the worst;
    * each corner with one bool or category changed (every other value of it): the best record
      with one flag raised, as a veto needs;
    * each corner moved exactly onto every threshold and one step either side (a number input
      set to it; a ballot split k of n; a derived number solved for each number input it
      depends on).

    Records failing a ``require`` are left out, as :func:`records` leaves them out; a record
    failing anything else is a finding and stays."""
    hit = _BOUNDARY.get(id(ruleset))
    if hit is not None and hit[0] is ruleset:
        return hit[1]
    m = model(ruleset)
    requires = [r for r in (require_shape(ruleset, req) for req in ruleset.checked.requires)
                if r is not None]
    corners = [_corner(ruleset, m, high) for high in (False, True)]
    for corner in corners:
        for require in requires:
            honour(ruleset, corner, require, False)
    corners = [_extreme(ruleset, c, high) for high, c in zip((False, True), corners,
                                                             strict=True)]
    candidates = list(corners)
    for base in corners:
        candidates += _one_changed(ruleset, base)
    for offset in (1, -1, 0):
        for t in m.thresholds:
            for high, base in enumerate(corners):
                candidates += _placed(ruleset, m, base, t, offset, bool(high))
    out: dict[str, dict] = {}
    for record in candidates:
        for require in requires:
            honour(ruleset, record, require, False)
        key = dumps(record)
        if key not in out and not fails_a_require(ruleset, record):
            out[key] = record
        if len(out) >= MAX_BOUNDARY:
            break
    found = list(out.values())
    if len(_BOUNDARY) > 256:
        _BOUNDARY.clear()
    _BOUNDARY[id(ruleset)] = (ruleset, found)
    return found


def _corner(ruleset: Ruleset, m: Model, high: bool) -> dict:
    record: dict = {}
    for name, f in ruleset.inputs.items():
        labels = f.labels
        match f.kind:
            case "number" | "integer":
                lo, hi = field_range(f, [t.value for t in m.of("input", name)])
                record[name] = public(hi if high else lo)
            case "bool":
                record[name] = not high
            case "category":
                record[name] = labels[0] if high else labels[-1]
            case "text":
                record[name] = "甲"
            case "history":
                record[name] = [labels[0] if high else labels[-1]] * 3
            case "date":  # a year before the ruleset's date, or on it
                record[name] = date_anchor(ruleset) - datetime.timedelta(0 if high else 366)
            case "ballot":
                record[name] = {c: 0 for c in labels}
                record[name][labels[0] if high else labels[-1]] = 10
    return record


def date_anchor(ruleset: Ruleset) -> datetime.date:
    """A date records are drawn around: the ruleset's first date param, else 2025-12-31."""
    return next((v for v in ruleset.constants.params.values()
                 if isinstance(v, datetime.date)), datetime.date(2025, 12, 31))


def _choices(f: Field) -> list:
    return [False, True] if f.kind == "bool" else list(f.labels) if f.kind == "category" else []


def _one_changed(ruleset: Ruleset, base: dict) -> list[dict]:
    return [{**base, name: value} for name, f in ruleset.inputs.items()
            for value in _choices(f) if value != base.get(name)]


def _extreme(ruleset: Ruleset, record: dict, high: bool) -> dict:
    """``record`` with each bool and category, in turn, set to the value that makes the first
    grade best (``high``) or worst, the others kept (ties keep the earlier value)."""
    if not ruleset.grades:
        return record
    grade, labels = next(iter(ruleset.grades.items()))
    function = value_function(ruleset, grade)

    def goodness(candidate: dict) -> int:
        try:
            value = function(candidate)
        except InputError:
            return -1  # a record that is not graded: never chosen over one that is
        rank = len(labels) - labels.index(value)
        return rank if high else len(labels) + 1 - rank

    record = dict(record)
    for name, f in ruleset.inputs.items():
        best, score = record.get(name), goodness(record)
        for value in _choices(f):
            trial = goodness({**record, name: value})
            if trial > score:
                best, score = value, trial
        if best is not None:
            record[name] = best
    return record


def _placed(ruleset: Ruleset, m: Model, base: dict, t: Threshold, offset: int,
            high: bool) -> list[dict]:
    """``base`` moved onto threshold ``t`` (``offset`` steps past it): none, one or (for a
    derived value, one per number input it depends on) several records."""
    match t.kind:
        case "input":
            f = ruleset.inputs[t.name]
            lo, hi = field_range(f, [x.value for x in m.of("input", t.name)])
            if not lo <= t.value <= hi:
                return []
            return [{**base, t.name: public(near(f, t.value, offset, lo, hi))}]
        case "share" | "votes":
            votes = _split_at(ruleset.inputs[t.name].labels, t, offset, high,
                              t.name in m.needs_votes)
            return [] if votes is None else [{**base, t.name: votes}]
        case _:  # derived
            out = []
            for x in m.inputs_of.get(t.name, ()):
                solution = solve(ruleset, base, t, x)
                if solution is not None:
                    f = ruleset.inputs[x]
                    lo, hi = field_range(f, [])
                    out.append({**base, x: public(near(f, solution, offset, lo, hi))})
            return out


def _split_at(categories: tuple[str, ...], t: Threshold, offset: int, high: bool,
              needs_votes: bool) -> dict[str, int] | None:
    """A ballot whose share (or count) of ``t.categories`` is ``t.value``, ``offset`` votes
    off: the chosen votes on the best chosen category when ``high`` (else the worst), the others
    likewise."""
    chosen = [c for c in categories if c in t.categories]
    rest = [c for c in categories if c not in t.categories]
    if t.kind == "share":
        q = t.value.denominator
        n = q * max(1, -(-10 // q)) if q <= MAX_VOTES else MAX_VOTES
        k = min(max(math.floor(t.value * n) + offset, 0), n)
    else:
        k = max(math.floor(t.value) + offset, 0)
        n = k + (10 if rest else 0)
    if not rest:
        k = n
    if n == 0 and needs_votes:
        return None
    votes = dict.fromkeys(categories, 0)
    votes[chosen[0] if high else chosen[-1]] = k
    if rest:
        votes[rest[0] if high else rest[-1]] += n - k
    return votes


# ---------------------------------------------------------------- records as JSON

def plain(value: object) -> object:
    """A record value as JSON data, exactly as the cases-file reader reads it back: whole numbers
    as ``int``, finite decimals as ``Decimal`` (a JSON number: ``94.15``), other fractions as
    exact strings (``"1/3"``), dates as ISO text."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, (Fraction, Decimal)):
        value = Fraction(value)
        if value.denominator == 1:
            return int(value)
        text = decimal_text(value)
        return Decimal(text) if text is not None else f"{value.numerator}/{value.denominator}"
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, datetime.date):  # a date input: ISO text, which reads back the same
        return value.isoformat()
    return value


def dumps(data: object, indent: int | None = 1) -> str:
    """JSON text with exact decimals written as JSON numbers (``12.5``, never ``12.499…`` nor a
    string), laid out as ``json.dumps(data, ensure_ascii=False, indent=indent)`` lays it out.
    Written here rather than through a placeholder string replaced afterwards: no value a record
    holds can be mistaken for a number."""
    return _json(plain(data), indent, 0)


def _json(value: object, indent: int | None, level: int) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")  # plain digits: never 1E-7
    if isinstance(value, Mapping):
        items = [f"{json.dumps(str(k), ensure_ascii=False)}: {_json(v, indent, level + 1)}"
                 for k, v in value.items()]
        return _container("{", items, "}", indent, level)
    if isinstance(value, (list, tuple)):
        return _container("[", [_json(v, indent, level + 1) for v in value], "]", indent, level)
    return json.dumps(value, ensure_ascii=False)


def _container(open_: str, items: list[str], close: str, indent: int | None, level: int) -> str:
    if not items:
        return open_ + close
    if indent is None:
        return open_ + ", ".join(items) + close
    inner, outer = "\n" + " " * (indent * (level + 1)), "\n" + " " * (indent * level)
    return open_ + inner + ("," + inner).join(items) + outer + close


def record_as_case(ruleset: Ruleset, record: Mapping, name: str) -> dict:
    """A ready-to-paste case: the record and what the ruleset gives for it now."""
    case: dict = {"name": name, "input": plain(record)}
    if hasattr(ruleset, "peers"):  # graded among a group: the case must carry it
        case["group"] = [plain(p) for p in ruleset.peers(record)]
    try:
        result = ruleset.evaluate(record)
        expect = {g: result[g] for g in ruleset.grades}
        if not expect:
            expect = {n: result[n] for n, d in ruleset.checked.definitions.items()
                      if isinstance(d, (ast.Score, ast.Sheet))}
        case["expect"] = {k: json_value(v) for k, v in expect.items()}
        case["vetoes"] = list(result.vetoes)
        case["outcomes"] = list(result.outcomes)
    except InputError as e:
        case["input_error"] = e.field
    return case
