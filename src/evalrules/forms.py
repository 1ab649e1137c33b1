"""What a trace says about a condition whatever the record: :class:`Static` (its text, its form,
the names it reads, how each number it reads is written), made once per condition of a ruleset.

The *form* is the condition's structure as JSON-ready lists (``["is", ["ref", "班子状况"], "不团结",
false]``), so that :mod:`explain` can say it in words in either language from a trace alone, long
after the ruleset is gone. Numbers are kept as the author wrote them (``"30%"``, ``"0.3"``).

The *style* of a number a condition reads says how to show its value: as the line it is compared
with is written (``30%``, or a param or let written so: a percent; ``0.3``: a number), else as the
number itself is written (a param or let of percents, an input whose range is written in percent:
a percent; a ``share(…)``, written neither way: a percent), else a plain number.

Imports :mod:`ast`, :mod:`check` and :mod:`unparse`; the reference evaluator uses it for its traces.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Mapping
from typing import TypeGuard

from attrs import frozen

from . import ast
from .check import Checked, Kind
from .unparse import decimal_text, expression, int_text, number, weight

#: A condition's form: nested lists, the first item saying what the node is (see :func:`form`).
Form = list


@frozen
class Static:
    """A condition as every trace of it shows it: ``text`` (the canonical ruleset text),
    ``form``, ``refs`` (the names whose values it reads, ballots and histories too, in written
    order), ``computed`` (the shares and points it computes from a ballot itself, each with its
    text and form: a reader wants their values too) and ``numbers`` (each number among the refs,
    and each computed one by its text → ``"percent"`` or ``"number"``)."""

    text: str
    form: Form
    refs: tuple[str, ...]
    numbers: dict[str, str]
    computed: tuple[tuple[ast.Expr, str, Form], ...] = ()


#: id(checked) → {id(node): (node, its Static)}; the node is kept so its id stays its own.
_CACHE: dict[int, dict[int, tuple[object, Static]]] = {}


def static(checked: Checked, e: ast.Expr) -> Static:
    """The :class:`Static` of condition ``e`` of ``checked``, made on first use and kept while
    ``checked`` lives."""
    cache = _CACHE.get(id(checked))
    if cache is None:
        cache = _CACHE[id(checked)] = {}
        weakref.finalize(checked, _CACHE.pop, id(checked), None)
    entry = cache.get(id(e))
    if entry is None:
        refs = tuple(dict.fromkeys(n for n in map(_read, ast.walk(e)) if n is not None))
        computed = {expression(n): n for n in ast.walk(e) if _computed(n)}
        numbers = _numbers(checked, e, refs, computed)
        entry = cache[id(e)] = (e, Static(expression(e), form(e), refs, numbers, tuple(
            (n, text, form(n)) for text, n in computed.items())))
    return entry[1]


def _read(node: object) -> str | None:
    """The name whose value ``node`` reads: a name, a history's or a ballot's."""
    match node:
        case ast.Ref(name=n) | ast.History(input=n):
            return n
        case ast.Share(ballot=b) | ast.Votes(ballot=b) | ast.Total(ballot=b) | ast.Points(ballot=b):
            return b
    return None


def exact(value) -> str:
    """An exact number as text: "0.3", "12", "1/30"."""
    return decimal_text(value) or f"{int_text(value.numerator)}/{int_text(value.denominator)}"


def form(e: ast.Expr) -> Form:
    """The structure of an expression as JSON-ready lists."""
    match e:
        case ast.Number(value=v):
            return ["num", number(e), exact(v)]
        case ast.Date(value=v):
            return ["date", v.isoformat()]
        case ast.Boolean(value=v):
            return ["bool", v]
        case ast.Ref(name=n):
            return ["ref", n]
        case ast.Label(label=label):
            return ["label", label]
        case ast.Negate(operand=x):
            return ["neg", form(x)]
        case ast.Not(operand=x):
            return ["not", form(x)]
        case ast.Arithmetic(op=op, left=a, right=b):
            return ["arith", op, form(a), form(b)]
        case ast.Logic(op=op, left=a, right=b):
            return [op, form(a), form(b)]
        case ast.Compare(op=op, left=a, right=b, order=order):
            return ["cmp", op, form(a), form(b), "grade" if order is not None else "value"]
        case ast.Is(operand=x, label=label, negated=neg):
            return ["is", form(x), label, neg]
        case ast.In(operand=x, labels=labels, negated=neg):
            return ["in", form(x), list(labels), neg]
        case ast.If(condition=c, then=t, otherwise=o):
            return ["if", form(c), form(t), form(o)]
        case ast.Call(function=f, args=args):
            return ["call", f, [form(a) for a in args]]
        case ast.Share(ballot=b, categories=cs):
            return ["share", b, list(cs)]
        case ast.Votes(ballot=b, categories=cs):
            return ["votes", b, list(cs)]
        case ast.Total(ballot=b):
            return ["total", b]
        case ast.Points(ballot=b, points=ps):
            return ["points", b, [[c, weight(p)] for c, p in ps]]
        case ast.History(input=h, method=m, label=label):
            return ["history", h, m, label]
        case ast.Quantified(quantifier=q, conditions=cs, count=n):
            return ["block", q, n, [form(c) for c in cs]]
        case ast.Weighted(items=items):
            return ["weighted", [[form(i.expr), weight(i.weight)] for i in items]]
        case ast.Cases(branches=bs, otherwise=o):
            return ["cases", [[form(b.value), form(b.condition)] for b in bs],
                    form(o) if o is not None else None]
    raise TypeError(f"not an expression: {e!r}")


# ---------------------------------------------------------------- how numbers are written

#: What a condition computes from a ballot that is worth showing beside the ballot's counts.
_COMPUTED = (ast.Share, ast.Points)


def _computed(e: object) -> TypeGuard[ast.Expr]:
    """A term worth showing with its value: a share or points, or the days between two dates."""
    return isinstance(e, _COMPUTED) or (isinstance(e, ast.Call) and e.function == "days")


def _numbers(checked: Checked, e: ast.Expr, refs: tuple[str, ...],
             computed: Mapping[str, ast.Expr]) -> dict[str, str]:
    numeric = [n for n in refs if n in checked.types and checked.types[n].kind == Kind.NUMBER]
    styles: dict[str, str | None] = {n: _style(checked, n, set()) for n in numeric}
    styles.update((text, _term_style(checked, n, set())) for text, n in computed.items())
    for node in ast.walk(e):
        if isinstance(node, ast.Compare) and node.order is None:
            terms = [*_same_unit(node.left), *_same_unit(node.right)]
            written = _combined(_term_style(checked, t, set()) for t in terms)
            if written in ("percent", "number"):  # the line as written sets the unit
                for key in filter(None, map(_key, terms)):
                    if key in styles:
                        styles[key] = written
    return {n: "percent" if s in ("percent", "share") else "number" for n, s in styles.items()}


def _key(term: ast.Expr) -> str | None:
    """A term's key in the styles: a name, or a computed term's text."""
    if isinstance(term, ast.Ref):
        return term.name
    return expression(term) if _computed(term) else None


def _same_unit(e: ast.Expr) -> Iterator[ast.Expr]:
    """The terms whose values are in the unit of ``e``: through sums, differences, negation,
    min/max/clamp/abs/round/floor/ceil and both branches of an ``if``; not into products."""
    match e:
        case ast.Arithmetic(op="+" | "-", left=a, right=b):
            yield from _same_unit(a)
            yield from _same_unit(b)
        case ast.Negate(operand=x):
            yield from _same_unit(x)
        case ast.Call(function="round", args=args):
            yield from _same_unit(args[0])
        case ast.Call(function="days"):  # days, whatever the unit of its dates
            yield e
        case ast.Call(args=args):
            for a in args:
                yield from _same_unit(a)
        case ast.If(then=t, otherwise=o):
            yield from _same_unit(t)
            yield from _same_unit(o)
        case _:
            yield e


def _combined(styles: Iterable[str | None]) -> str | None:
    """The style of terms in one unit: a written percent first, then a written number, then a
    share (written neither way)."""
    found = set(styles)
    return next((s for s in ("percent", "number", "share") if s in found), None)


def _term_style(checked: Checked, e: ast.Expr, seen: set[str]) -> str | None:
    match e:
        case ast.Number(text=text, value=value):
            if text is not None and text[-1] in "%％":
                return "percent"
            return "number" if value else None  # 0 is 0 in any unit
        case ast.Share():
            return "share"
        case ast.Ref(name=n):
            return _style(checked, n, seen)
    return None


def _style(checked: Checked, name: str, seen: set[str]) -> str | None:
    """How the ruleset writes ``name``: ``"percent"`` or ``"number"`` (a param or let made of
    numbers written so, an input whose range is written in percent), ``"share"`` (a share of
    votes, written neither way) or None."""
    if name in seen:
        return None
    seen.add(name)
    decl = checked.params.get(name) or checked.definitions.get(name)
    if isinstance(decl, (ast.Param, ast.Let, ast.Score)):
        return _combined(_term_style(checked, t, seen) for t in _same_unit(decl.expr))
    field = checked.inputs.get(name)
    if field is not None and isinstance(field.type, ast.NumberType):
        if any(_term_style(checked, b, seen) == "percent" for b in (field.type.low, field.type.high)
               if isinstance(b, ast.Number)):
            return "percent"
    return None
