"""What the testing tools read off a compiled ruleset: the thresholds it compares against, the
values derived from number inputs, and how to evaluate a stray expression against a record.

No Hypothesis here: :mod:`cases`, :mod:`coverage` and the pytest plugin import this module and must
work without it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from attrs import field, frozen

from .. import ast
from ..backends import reference
from ..diagnostics import InputError
from ..ruleset import Ruleset
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


# ---------------------------------------------------------------- records as JSON

def plain(value: object) -> object:
    """A record value as JSON data, exactly as the cases-file reader reads it back: whole numbers
    as ``int``, finite decimals as ``Decimal`` (a JSON number: ``94.15``), other fractions as
    exact strings (``"1/3"``)."""
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
