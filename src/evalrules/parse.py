"""Source text → :class:`evalrules.ast.Module`.

Owns the Lark parser (built once per process and cached on disk by Lark), the conversion of parse
trees into AST nodes with spans, and the translation of every Lark failure into a diagnostic.
Nothing Lark raises escapes this module; :mod:`parse_errors` explains what does not parse.
Imports :mod:`ast`, :mod:`diagnostics` and :mod:`parse_errors`.
"""

from __future__ import annotations

import datetime
import functools
import re
import threading
from fractions import Fraction
from importlib import resources
from pathlib import Path

import attrs
from lark import Lark, Token, Tree, v_args
from lark.exceptions import LarkError, UnexpectedInput, VisitError
from lark.indenter import DedentError, Indenter

from . import ast
from .diagnostics import Diagnostics
from .parse_cite import Citations
from .parse_errors import check_direction, check_indentation, dedent_span, syntax_error
from .parse_expressions import ExpressionTrees, meta_span
from .parse_quota import QuotaPieces, quota_fields

#: Deeper trees are refused with E105, so no later stage can hit Python's recursion limit.
MAX_DEPTH = 100
#: Longer number literals are refused with E107 (no regulation needs them; Python's int parsing
#: refuses very long ones anyway).
MAX_DIGITS = 40


class _Indenter(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types = ("_LPAR",)  # type: ignore[assignment]  # lark only tests `in`
    CLOSE_PAREN_types = ("_RPAR",)  # type: ignore[assignment]  # lark only tests `in`
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8


def _grammar_text() -> str:
    packaged = resources.files("evalrules") / "grammars" / "evalrules.lark"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # An editable install runs from the checkout, where the grammar lives at the top.
    return (Path(__file__).resolve().parents[2] / "grammars" / "evalrules.lark").read_text(
        encoding="utf-8"
    )


_PARSING = threading.Lock()
#: The citations (``per "…"``, ``chosen "…"``) the lexer passed over in the parse that holds
#: ``_PARSING``: the grammar ignores them like comments; :class:`_ToAst` gives each to its rule.
_CITED: list[Token] = []
#: What `default empty` parses to, until :meth:`_ToAst.input` puts it in the input's type.
_EMPTY = object()


@functools.cache
def parser() -> Lark:
    return Lark(
        _grammar_text(), parser="lalr", postlex=_Indenter(), propagate_positions=True,
        maybe_placeholders=False, cache=True,
        lexer_callbacks={"CITE": _CITED.append, "CHOSEN": _CITED.append},
    )


def parse(source: str, path: str | None = None, diagnostics: Diagnostics | None = None
          ) -> ast.Module:
    """Parse one ruleset file. Raises :class:`RulesetError` with every syntax problem found."""
    diags = diagnostics if diagnostics is not None else Diagnostics()
    diags.add_source(path, source)
    module = parse_into(source, path, diags)
    diags.raise_if_errors()
    assert module is not None
    return module


def parse_into(source: str, path: str | None, diags: Diagnostics) -> ast.Module | None:
    """Parse one file, recording problems in ``diags`` instead of raising."""
    source = source.removeprefix("\ufeff")  # a byte-order mark, as Windows editors write
    invisible = check_direction(source, path, diags)
    if check_indentation(source, path, diags) or invisible:
        return None
    text = source if source.endswith("\n") else source + "\n"
    # One parse at a time: Lark's indenter keeps its state on the one parser (threads compiling
    # at once would read each other's indentation); the rest of a compile runs concurrently.
    with _PARSING:
        try:
            _CITED.clear()
            tree = parser().parse(text)
            cited = list(_CITED)
        except UnexpectedInput as e:
            syntax_error(e, text, path, diags, parser().parse)
            return None
        except DedentError:
            diags.error("E104", "this line's indentation matches no enclosing block",
                        dedent_span(source, path))
            return None
        except LarkError as e:  # pragma: no cover - any other Lark failure is a syntax error
            diags.error("E102", f"cannot parse: {e}", ast.Span(path, 1, 1, 1, 2))
            return None
    deep = _too_deep(tree)
    if deep is not None:
        diags.error("E105", f"expression nested more than {MAX_DEPTH} levels deep (each term of "
                    "a long sum counts as a level)",
                    meta_span(deep.meta, path),
                    "split it into named `let` definitions")
        return None
    to_ast = _ToAst(path, source, diags, cited)
    try:
        module = to_ast.transform(tree)
    except VisitError as e:
        if isinstance(e.orig_exc, _Refused):
            return None
        raise
    return module if to_ast.citations.all_placed() else None


#: Bodies that are blocks: the lines under them are theirs, so a citation there is not the rule's.
_BLOCKS = (ast.Weighted, ast.Cases, ast.Quantified)


class _Refused(Exception):
    """Raised inside the transformer after it has recorded a diagnostic."""


# ---------------------------------------------------------------- depth


def _too_deep(tree: Tree) -> Tree | None:
    """The top-level statement holding a tree deeper than MAX_DEPTH, if any."""
    stack = [(c, 2, c) for c in tree.children if isinstance(c, Tree)]
    while stack:
        node, depth, statement = stack.pop()
        if depth > MAX_DEPTH:
            return statement
        stack.extend((c, depth + 1, statement) for c in node.children if isinstance(c, Tree))
    return None


# ---------------------------------------------------------------- trees → AST


def _number(token: Token) -> Fraction:
    text = str(token)
    if text[-1] in "%％":
        return Fraction(text[:-1]) / 100
    return Fraction(text)


class _Unrated(str):
    """A scale's ``, unrated LABEL``, told apart from its labels."""


def _string(token: Token) -> str:
    return re.sub(r"\\(.)", r"\1", str(token)[1:-1])



#: A line's code (strings whole, so a ``#`` inside one is not a comment), then its comment.
_COMMENTED = re.compile(r'((?:[^"#\n]|"(?:[^"\\\n]|\\.)*")*)#(.*)')
_BLANK = " \t\u3000"


def _comments(source: str) -> dict[int, tuple[str, bool, str]]:
    """Each commented line (1-based) → (the comment's text, whether it is alone on its line,
    the line's indentation)."""
    out = {}
    for number, line in enumerate(source.splitlines(), 1):
        found = _COMMENTED.match(line)
        if found is not None:
            code, text = found.groups()
            indent = line[:len(line) - len(line.lstrip(_BLANK))]
            out[number] = (text.lstrip("#").strip(_BLANK), not code.strip(_BLANK), indent)
    return out


def _joined(parts: list[str]) -> str | None:
    """Comment lines as one text: Chinese runs on without a space, words get one."""
    text = ""
    for part in filter(None, parts):
        space = text and text[-1].isascii() and text[-1].isalnum() and part[0].isascii()
        text += (" " if space else "") + part
    return text or None


@v_args(meta=True)
class _ToAst(QuotaPieces, ExpressionTrees):
    def __init__(self, path: str | None, source: str, diags: Diagnostics, cited: list[Token]):
        super().__init__(path)
        self.source = source
        self.diags = diags
        self.lines = source.splitlines()
        self.comments = _comments(source)
        self.citations = Citations(cited, self.lines, path, diags)

    def _t(self, token: Token) -> ast.Span:
        assert token.line is not None and token.column is not None  # lexed tokens have both
        assert token.end_line is not None and token.end_column is not None
        return ast.Span(self.path, token.line, token.column, token.end_line, token.end_column)

    def _note(self, line: int) -> str | None:
        """The citation of what starts on ``line``: the comment lines directly above it at its
        indentation (no blank line between), then the comment at the end of the line."""
        comments = self.comments
        text = self.lines[line - 1] if 1 <= line <= len(self.lines) else ""
        indent = text[:len(text) - len(text.lstrip(_BLANK))]
        above: list[str] = []
        n = line - 1
        while n in comments and comments[n][1] and comments[n][2] == indent:
            above.append(comments[n][0])
            n -= 1
        own = comments.get(line)
        trailing = [own[0]] if own is not None and not own[1] else []
        return _joined([*reversed(above), *trailing])

    def _per(self, meta, last: object = None) -> str | None:
        """The citation ending the first line of the rule at ``meta``; else, for a rule whose
        expression goes on to further lines inside parentheses (``last``, the rule's last part,
        is not a block), the one ending its last line."""
        cite = self.citations.per(meta.line)
        if cite is None and last is not None and not isinstance(last, _BLOCKS):
            end = last.end_line if isinstance(last, Token) else \
                getattr(last, "span", ast.NOWHERE).end_line
            if end and end != meta.line:
                cite = self.citations.per(end)
        return cite

    def _num(self, token: Token) -> ast.Number:
        if len(token) > MAX_DIGITS:
            self.diags.error("E107", f"a number of {len(token)} characters is too long to be "
                             f"meant (at most {MAX_DIGITS})", self._t(token))
            raise _Refused
        return ast.Number(_number(token), str(token), span=self._t(token))

    # -- file structure
    def start(self, meta, children):
        header, *statements = children
        return ast.Module(header, tuple(statements), path=self.path, source=self.source)

    def header(self, meta, children):
        name, *rest = children
        extends = title = None
        extends_span = ast.NOWHERE
        for item in rest:
            if isinstance(item, tuple) and item[0] == "extends":
                extends, extends_span = item[1], item[2]
            elif isinstance(item, list):
                for key, value in item:
                    if key == "title":
                        title = value
        return ast.Header(str(name), extends, title, extends_span, span=self._t(name))

    def extends(self, meta, children):
        return ("extends", _string(children[0]), self._t(children[0]))

    def header_body(self, meta, children):
        return list(children)

    def title(self, meta, children):
        return ("title", _string(children[0]))

    def name_list(self, meta, children):
        return tuple(str(c) for c in children)

    # -- declarations
    def scale(self, meta, children):
        name, *labels = children
        unrated = str(labels.pop()) if labels and isinstance(labels[-1], _Unrated) else None
        return ast.Scale(str(name), tuple(str(t) for t in labels if t.type == "NAME"),
                         unrated, cite=self._per(meta), span=self._s(meta))

    def unrated(self, meta, children):
        return _Unrated(children[0])

    def ballot(self, meta, children):
        return ast.Ballot(str(children[0]), children[1], cite=self._per(meta),
                          span=self._s(meta))

    def input(self, meta, children):
        name, type_, *default = children
        if default and default[0] is _EMPTY:  # `default empty` belongs to the type it empties
            if not isinstance(type_, (ast.HistoryType, ast.ListType)):
                self.diags.error("E301", "`default empty` is for a history or a list, and "
                                 f"'{name}' is neither", self._s(meta),
                                 "give a value: `default 0`")
                raise _Refused
            return ast.Input(str(name), attrs.evolve(type_, empty=True),
                             cite=self._per(meta), span=self._s(meta))
        return ast.Input(str(name), type_, default[0] if default else None,
                         cite=self._per(meta), span=self._s(meta))

    def bool_type(self, meta, children):
        return ast.BoolType(span=self._s(meta))

    def number_type(self, meta, children, integer=False):
        low, high = children[0] if children else (None, None)
        return ast.NumberType(integer, low, high, span=self._s(meta))

    def integer_type(self, meta, children):
        return self.number_type(meta, children, integer=True)

    def one_of(self, meta, children):
        return ast.OneOf(children[0], span=self._s(meta))

    def text_type(self, meta, children):
        return ast.TextType(span=self._s(meta))

    def history_type(self, meta, children):
        return ast.HistoryType(str(children[0]), span=self._s(meta))

    def number_history_type(self, meta, children):
        return ast.ListType(children[0], history=True, span=self._s(meta))

    def list_type(self, meta, children):
        return ast.ListType(children[0], span=self._s(meta))

    def date_type(self, meta, children):
        return ast.DateType(span=self._s(meta))

    def group(self, meta, children):
        keys, *rules = children
        return ast.GroupBy(keys, tuple(rules), span=self._s(meta))

    def rank(self, meta, children):
        name, keys, *rest = children
        order = [str(c) for c in rest if isinstance(c, Token)]
        among = next((c for c in rest if not isinstance(c, Token)), None)
        return ast.Rank(str(name), keys, not order or order[0] == "desc", among,
                        cite=self._per(meta), span=self._s(meta))

    def quota(self, meta, children):
        grade, label, *rest = children
        return ast.Quota(str(grade), str(label), cite=self._per(meta), span=self._s(meta),
                         **quota_fields(rest))

    def lowest_quota(self, meta, children):
        grade, *rest = children
        return ast.Quota(str(grade), cite=self._per(meta), span=self._s(meta), lowest=True,
                         **quota_fields(rest))

    def limit(self, meta, children):
        message = _string(children[1]) if len(children) > 1 else None
        return ast.Limit(children[0], message, cite=self._per(meta, children[-1]),
                         span=self._s(meta))

    def method(self, meta, children):
        name, method, label = (str(c) for c in children)
        return ast.History(name, method, label, span=self._s(meta))

    def scale_type(self, meta, children):
        return ast.ScaleType(str(children[0]), span=self._s(meta))

    def range(self, meta, children):
        low = high = None
        seen_dots = False
        for c in children:
            if isinstance(c, Token) and c.type == "DOTDOT":
                seen_dots = True
            elif seen_dots:
                high = c
            else:
                low = c
        return (low, high)

    def negative_number(self, meta, children):
        n = self._num(children[1])
        return ast.Number(-n.value, "-" + str(children[1]), span=self._s(meta))

    def default(self, meta, children):
        return children[0]

    def default_empty(self, meta, children):
        return _EMPTY

    def param(self, meta, children):
        return ast.Param(str(children[0]), children[1], cite=self._per(meta, children[1]),
                         chosen=self.citations.chosen(meta.line), span=self._s(meta))

    def let(self, meta, children):
        return ast.Let(str(children[0]), children[1], cite=self._per(meta, children[1]),
                       span=self._s(meta))

    def score(self, meta, children):
        return ast.Score(str(children[0]), children[1], cite=self._per(meta, children[1]),
                         span=self._s(meta))

    def weighted(self, meta, children):
        return ast.Weighted(tuple(children), span=self._s(meta))

    def weight_item(self, meta, children):
        return ast.WeightedItem(children[0], children[1], span=self._s(meta))

    def weighted_by(self, meta, children):
        table, *exprs = children
        return ast.Weighted(tuple(ast.WeightedItem(e, None, span=e.span) for e in exprs),
                            str(table), span=self._s(meta))

    def weights(self, meta, children):
        name, *entries = children
        return ast.Weights(str(name), tuple(entries), cite=self._per(meta), span=self._s(meta))

    def weight_entry(self, meta, children):
        return (str(children[0]), children[1])

    def cases(self, meta, children):
        branches = tuple(c for c in children if isinstance(c, ast.CaseBranch))
        otherwise = next((c[1] for c in children if isinstance(c, tuple)), None)
        return ast.Cases(branches, otherwise, span=self._s(meta))

    def case_branch(self, meta, children):
        return ast.CaseBranch(children[0], children[1], span=self._s(meta))

    def otherwise_value(self, meta, children):
        return ("otherwise", children[0])

    def require(self, meta, children):
        message = _string(children[1]) if len(children) > 1 else None
        return ast.Require(children[0], message, cite=self._per(meta, children[-1]),
                           span=self._s(meta))

    def sheet(self, meta, children):
        name, _max, top, *items = children
        return ast.Sheet(str(name), self._num(top), tuple(items), cite=self._per(meta),
                         span=self._s(meta))

    def sheet_item(self, meta, children):
        name, points, rule = children
        return ast.SheetItem(str(name), self._num(points), rule, cite=self._per(meta, rule),
                             span=self._s(meta))

    def sheet_heading(self, meta, children):
        name, points, *items = children
        return ast.SheetItem(str(name), self._num(points), None, tuple(items),
                             cite=self._per(meta), span=self._s(meta))

    def pro_rata(self, meta, children):
        return ast.ProRata(children[0], span=self._s(meta))

    def full_when(self, meta, children):
        return ast.FullWhen(children[0], span=self._s(meta))

    def formula(self, meta, children):
        return ast.Formula(children[0], span=self._s(meta))

    def deduction(self, meta, children):
        return ast.Deduction(self._num(children[0]), children[1], span=self._s(meta))

    def grade(self, meta, children):
        name, *rest = children
        scale, policy, policy_span, otherwise, otherwise_span = None, "first", ast.NOWHERE, None, \
            ast.NOWHERE
        rules = []
        for c in rest:
            if isinstance(c, ast.GradeRule):
                rules.append(c)
            elif c[0] == "of":
                scale = c[1]
            elif c[0] == "policy":
                policy, policy_span = c[1], c[2]
            elif c[0] == "otherwise":
                otherwise, otherwise_span = c[1], c[2]
        return ast.Grade(str(name), scale, policy, tuple(rules), otherwise, otherwise_span,
                         policy_span, note=self._note(meta.line),
                         otherwise_note=self._note(otherwise_span.line) if otherwise else None,
                         cite=self._per(meta), otherwise_cite=self.citations.per(
                             otherwise_span.line) if otherwise else None, span=self._t(name))

    def grade_of(self, meta, children):
        return ("of", str(children[0]))

    def policy(self, meta, children):
        return ("policy", str(children[0]), self._t(children[0]))

    def grade_rule(self, meta, children):
        return ast.GradeRule(str(children[0]), children[1], note=self._note(meta.line),
                             cite=self._per(meta, children[1]), span=self._s(meta))

    def otherwise_label(self, meta, children):
        return ("otherwise", str(children[0]), self._t(children[0]))

    def quantified(self, meta, children):
        (quantifier, count), *conditions = children
        notes = tuple(self._note(c.span.line) for c in conditions)
        return ast.Quantified(quantifier, tuple(conditions), count,
                              notes=notes if any(notes) else (), span=self._s(meta))

    def all(self, meta, children):
        return ("all", None)

    def any(self, meta, children):
        return ("any", None)

    def most(self, meta, children):
        return ("most", None)

    def at_least(self, meta, children):
        value = self._num(children[0]).value
        if value.denominator != 1 or str(children[0])[-1] in "%％":
            self.diags.error("E409", f"'at least' needs a whole count, not {children[0]}",
                             self._t(children[0]))
            raise _Refused
        return ("at least", int(value))

    def veto(self, meta, children):
        name, condition, *adjustments = children
        return ast.Veto(str(name), condition, tuple(adjustments), note=self._note(meta.line),
                        cite=self._per(meta), span=self._s(meta))

    def _amount(self, token: Token) -> int:
        value = self._num(token).value
        if value.denominator != 1 or str(token)[-1] in "%％":
            self.diags.error("E301", f"a grade moves by a whole number of steps, not {token}",
                             self._t(token))
            raise _Refused
        return int(value)

    def lower(self, meta, children):
        return ast.Adjustment(ast.Action.LOWER, str(children[0]), self._amount(children[1]),
                              span=self._s(meta))

    def raise_(self, meta, children):
        return ast.Adjustment(ast.Action.RAISE, str(children[0]), self._amount(children[1]),
                              span=self._s(meta))

    def at_most(self, meta, children):
        return ast.Adjustment(ast.Action.AT_MOST, str(children[0]), label=str(children[1]),
                              span=self._s(meta))

    def at_least_grade(self, meta, children):
        return ast.Adjustment(ast.Action.AT_LEAST, str(children[0]), label=str(children[1]),
                              span=self._s(meta))

    def set_to(self, meta, children):
        return ast.Adjustment(ast.Action.SET, str(children[0]), label=str(children[1]),
                              span=self._s(meta))

    def outcome(self, meta, children):
        return ast.Outcome(str(children[0]), children[1], note=self._note(meta.line),
                           cite=self._per(meta, children[1]), span=self._s(meta))

    def monotone_check(self, meta, children):
        return ast.Check("monotone", str(children[0]), str(children[1]), span=self._s(meta))

    def always_check(self, meta, children):
        return ast.Check("always", condition=children[0], span=self._s(meta))

    def override(self, meta, children):
        return ast.Override(children[0], span=self._s(meta))

    def rule_override(self, meta, children):
        return ast.RuleOverride(str(children[0]), children[1], span=self._s(meta))

    def number(self, meta, children):
        return self._num(children[0])

    def date(self, meta, children):
        token = children[0]
        year, month, day = (int(part) for part in str(token).split("-"))
        try:
            value = datetime.date(year, month, day)
        except ValueError:
            self.diags.error("E107", f"{token} is not a day of the calendar", self._t(token),
                             "write a real date as YEAR-MONTH-DAY, e.g. 2025-12-31")
            raise _Refused from None
        return ast.Date(value, span=self._t(token))
