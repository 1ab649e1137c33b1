"""The parse tree of an expression → :mod:`ast` expression nodes, with their spans: the
callbacks :class:`parse._ToAst` inherits for every expression rule of the grammar but the ones
that can refuse a literal (numbers and dates, which :mod:`parse` keeps with its diagnostics).
Imports :mod:`ast`.
"""

from __future__ import annotations

from lark import Transformer, v_args

from . import ast

#: The full-width and mathematical operators an author types with a Chinese IME, as written in
#: the tree (the grammar accepts both spellings).
OPS = {"×": "*", "÷": "/", "≤": "<=", "≥": ">=", "≠": "!="}


def meta_span(meta, path: str | None) -> ast.Span:
    """Where a parse tree was written (a tree with no tokens: the start of the file)."""
    if getattr(meta, "empty", True):
        return ast.Span(path, 1, 1, 1, 2)
    return ast.Span(path, meta.line, meta.column, meta.end_line, meta.end_column)


@v_args(meta=True)
class ExpressionTrees(Transformer):
    """One callback per expression rule, each building its node with the span it was written at
    in the file at ``path``."""

    def __init__(self, path: str | None):
        super().__init__()
        self.path = path

    def _s(self, meta) -> ast.Span:
        return meta_span(meta, self.path)

    def if_(self, meta, children):
        return ast.If(children[0], children[1], children[2], span=self._s(meta))

    def or_(self, meta, children):
        return ast.Logic("or", children[0], children[1], span=self._s(meta))

    def and_(self, meta, children):
        return ast.Logic("and", children[0], children[1], span=self._s(meta))

    def not_(self, meta, children):
        return ast.Not(children[0], span=self._s(meta))

    def compare(self, meta, children):
        left, op, right = children
        return ast.Compare(OPS.get(str(op), str(op)), left, right, span=self._s(meta))

    def is_(self, meta, children):
        return ast.Is(children[0], str(children[1]), False, span=self._s(meta))

    def is_not(self, meta, children):
        return ast.Is(children[0], str(children[1]), True, span=self._s(meta))

    def in_(self, meta, children):
        return ast.In(children[0], tuple(children[1]), False, span=self._s(meta))

    def not_in(self, meta, children):
        return ast.In(children[0], tuple(children[1]), True, span=self._s(meta))

    def binary(self, meta, children):
        left, op, right = children
        return ast.Arithmetic(OPS.get(str(op), str(op)), left, right, span=self._s(meta))

    def neg(self, meta, children):
        return ast.Negate(children[1], span=self._s(meta))

    def true(self, meta, children):
        return ast.Boolean(True, span=self._s(meta))

    def false(self, meta, children):
        return ast.Boolean(False, span=self._s(meta))

    def ref(self, meta, children):
        return ast.Ref(str(children[0]), span=self._s(meta))

    def item_ref(self, meta, children):
        return ast.Ref(f"{children[0]}.{children[1]}", span=self._s(meta))

    def call(self, meta, children):
        name, *args = children
        return ast.Call(str(name), tuple(args), span=self._s(meta))

    def share(self, meta, children):
        return ast.Share(str(children[0]), children[1], span=self._s(meta))

    def votes(self, meta, children):
        return ast.Votes(str(children[0]), children[1], span=self._s(meta))

    def total(self, meta, children):
        return ast.Total(str(children[0]), span=self._s(meta))

    def points(self, meta, children):
        ballot, *points = children
        return ast.Points(str(ballot), tuple(points), span=self._s(meta))

    def point(self, meta, children):
        return (str(children[0]), children[1])
