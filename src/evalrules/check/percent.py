"""Warning W602: a percentage compared with a number on a 0..100 scale (``分 >= 90%``).

``90%`` is 0.9, so ``分 >= 90%`` holds for nearly every 分 in 0..100: the author almost surely
meant ``分 >= 90``. The ruleset still compiles (a percentage there may be meant), so this is a
warning. A value is on a 0..100 scale when it is an input ``in 0..100`` (a whole low bound of at
least 0), a sheet of ``max 100``, or a ``let``/``score`` that is one of those, a ``weighted:`` sum
of them, ``clamp(x, 0, 100)`` or ``round``/``floor``/``ceil`` of one. The percentage is a literal
(``90%``) or a param that is one. Imports :mod:`ast` and :mod:`diagnostics`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

from .. import ast
from ..diagnostics import Diagnostics

_HUNDRED = Fraction(100)


def _literal(e: ast.Expr | None) -> Fraction | None:
    return e.value if isinstance(e, ast.Number) else None


def _hundred_scale(decl: object, scaled: set[str]) -> bool:
    match decl:
        case ast.Input(type=ast.NumberType(low=low, high=high)):
            lo = _literal(low)
            return _literal(high) == _HUNDRED and lo is not None and lo >= 0
        case ast.Sheet(max=m):
            return m.value == _HUNDRED
        case ast.Let(expr=e) | ast.Score(expr=e):
            return _scaled_expr(e, scaled)
    return False


def _scaled_expr(e: ast.Expr, scaled: set[str]) -> bool:
    match e:
        case ast.Ref(name=n):
            return n in scaled
        case ast.Weighted(items=items):
            weights = [i.weight for i in items]
            if not all(isinstance(w, ast.Number) for w in weights):
                return False  # a table's or a param's weights: not judged here
            return sum(w.value for w in weights if isinstance(w, ast.Number)) == 1 and all(
                _scaled_expr(i.expr, scaled) for i in items)
        case ast.Call(function="clamp", args=(_, low, high)):
            lo = _literal(low)
            return lo is not None and lo >= 0 and _literal(high) == _HUNDRED
        case ast.Call(function="round" | "floor" | "ceil", args=(x, *_)):
            return _scaled_expr(x, scaled)
    return False


def _percent(e: ast.Expr, params: Mapping[str, ast.Param]) -> ast.Number | None:
    """The percentage literal ``e`` is or names through a param, if any."""
    if isinstance(e, ast.Ref) and e.name in params:
        e = params[e.name].expr
    if isinstance(e, ast.Number) and e.text is not None and e.text[-1] in "%％":
        return e
    return None


def warn(statements: Iterable[object], order: Iterable[str], declarations: Mapping[str, object],
         params: Mapping[str, ast.Param], diags: Diagnostics) -> None:
    """W602 for each comparison of a 0..100 value with a percentage. ``order``: the definitions
    in dependency order, so a let is judged after what it reads."""
    scaled: set[str] = set()
    for name in (*declarations, *order):  # inputs and sheets, then lets after what they read
        if _hundred_scale(declarations.get(name), scaled):
            scaled.add(name)
    roots: list[ast.Expr] = []
    for decl in statements:
        for d in (decl.rules if isinstance(decl, ast.GroupBy) else (decl,)):
            roots.extend(ast.expressions(d))
    for root in roots:
        for node in ast.walk(root):
            if not isinstance(node, ast.Compare) or node.op in ("==", "!="):
                continue
            for value, other in ((node.left, node.right), (node.right, node.left)):
                percent = _percent(other, params)
                if isinstance(value, ast.Ref) and value.name in scaled and percent is not None:
                    _warn(value.name, other, percent, node.span, diags)


def _warn(name: str, other: ast.Expr, percent: ast.Number, span: ast.Span,
          diags: Diagnostics) -> None:
    written = percent.text or ""
    meant = written[:-1]
    fraction = format(Decimal(meant).scaleb(-2).normalize(), "f")
    said = f"'{other.name}' is {written}" if isinstance(other, ast.Ref) else written
    diags.warning("W602", f"'{name}' ranges over 0..100, and {said}, which is {fraction}: did "
                  f"you mean {meant}?", span,
                  f"on a 0..100 scale write the number ({meant}); a percentage is for a share")
