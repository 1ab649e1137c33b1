"""The canonical layout of ruleset text, keeping every comment: ``evalrules fmt``.

A line-oriented formatter. It changes only the white space between tokens, never a token:

- indentation: two spaces per block level (a line inside parentheses that continues an expression:
  the statement's indentation plus four);
- one space around operators, keywords and names; none inside parentheses, before ``:`` and ``,``,
  around ``.`` and ``..``, between a function and its ``(``, after a unary minus; one after ``:``
  and ``,`` (full-width ``，`` and ``、`` carry their own space);
- a comment on its own line is indented as the block it stands in; a trailing comment stays at its
  column (moved with its line's indentation) unless the code now reaches it, when it moves to two
  spaces after the code: columns are counted as a terminal shows them, a Chinese character as two;
- no trailing white space, no run of blank lines, no blank lines at the start, one newline at the
  end. ``\\r\\n`` line ends and a byte-order mark are kept.

Full-width punctuation and operator spellings (``：``, ``×``, ``≥``) are kept as the author typed
them. :func:`format_source` refuses text that does not parse, and checks its own output: the
parsed tree (which ignores positions) must be the same before and after, and formatting the output
again must change nothing. Imports :mod:`parse` (and its grammar's keywords) and :mod:`diagnostics`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .diagnostics import Diagnostics, EvalRulesError
from .parse import parse, parser


@functools.cache
def reserved() -> frozenset[str]:
    """The grammar's keywords (``when``, ``share``…), read from the grammar itself."""
    return frozenset(t.pattern.value for t in parser().terminals
                     if t.pattern.type == "str" and _WORD.fullmatch(t.pattern.value))


_WORD = re.compile(r"[^\W\d]\w*")
#: Reserved words written directly before their ``(``.
CALLABLE = frozenset({"max", "share", "votes", "total", "points"})

_TOKEN = re.compile(r"""
    (?P<space>[ \t\u3000]+)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<comment>\#.*)
  | (?P<date>\d{4}-\d{1,2}-\d{1,2}(?!\d))
  | (?P<number>\d+(?:\.\d+)?[%％]?)
  | (?P<name>[^\W\d]\w*)
  | (?P<op>\.\.|<=|>=|==|!=|[≤≥≠<>=+\-*×/÷.])
  | (?P<open>[(（])
  | (?P<close>[)）])
  | (?P<colon>[:：])
  | (?P<comma>[,，、])
  | (?P<other>.)
""", re.VERBOSE)


class FormatError(EvalRulesError):
    """The formatter's output would not mean what its input means, or is not stable: a bug in the
    formatter (please report it). Nothing is written."""


def width(text: str) -> int:
    """Columns on a terminal: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_source(source: str, path: str | None = None) -> str:
    """``source`` in the canonical layout. Raises :class:`RulesetError` if it does not parse,
    :class:`FormatError` if the result fails the formatter's own checks."""
    before = parse(source, path, Diagnostics())
    out = _format(source)
    try:
        after = parse(out, path, Diagnostics())
    except Exception as e:  # pragma: no cover - a formatter bug
        raise FormatError(f"formatting {path or 'the ruleset'} made it unparsable: {e}") from e
    if after != before:  # pragma: no cover - a formatter bug
        raise FormatError(f"formatting {path or 'the ruleset'} would change its meaning")
    if _format(out) != out:  # pragma: no cover - a formatter bug
        raise FormatError(f"formatting {path or 'the ruleset'} is not stable")
    return out


@functools.cache
def _ruleset_line() -> re.Pattern[str]:
    """``ruleset NAME``, the name as the grammar reads it (it may hold brackets: （试行）)."""
    name = next(t.pattern.value for t in parser().terminals if t.name == "RULESET_NAME")
    return re.compile(rf"ruleset[ \t\u3000]+({name})")


def _tokens(code: str) -> tuple[list[tuple[str, str]], str | None]:
    """(kind, text) tokens of one line without white space, and its comment if any."""
    header = _ruleset_line().match(code)
    if header is not None:  # the name is one token, brackets and all
        rest, comment = _tokens(code[header.end():])
        return [("name", "ruleset"), ("name", header.group(1)), *rest], comment
    tokens, comment = [], None
    for m in _TOKEN.finditer(code):
        kind = m.lastgroup
        assert kind is not None  # every alternative of _TOKEN is a named group
        if kind == "space":
            continue
        if kind == "comment":
            comment = m.group().rstrip()
            break
        tokens.append((kind, m.group()))
    return tokens, comment


def _unary(previous: tuple[str, str] | None) -> bool:
    """Whether a ``-`` after ``previous`` is a unary minus."""
    if previous is None:
        return True
    kind, text = previous
    return kind in ("op", "open", "comma", "colon") or (kind == "name" and text in reserved()
                                                       and text not in CALLABLE)


def _render(tokens: list[tuple[str, str]], depth: int, statement: list[str]) -> tuple[str, int]:
    """One line's tokens with canonical spacing; ``depth`` is the open parentheses before it,
    ``statement`` the statement's first words (for the grade header's ``(policy)``)."""
    out: list[str] = []
    previous: tuple[str, str] | None = None
    unary = False
    for token in tokens:
        kind, text = token
        if previous is not None:
            pk, pt = previous
            if kind in ("close", "comma") or (kind == "colon") or pk == "open" or unary:
                gap = ""
            elif text == "." or pt == ".":
                gap = ""
            elif text == "..":
                gap = " " if pk == "name" and pt in reserved() else ""
            elif pt == "..":
                gap = " " if kind == "name" and text in reserved() else ""
            elif kind == "open":
                call = pk == "name" and (pt not in reserved() or pt in CALLABLE)
                header = statement[:1] == ["grade"] or statement[:2] == ["override", "grade"]
                gap = " " if not call or (header and depth == 0) else ""
            elif pk == "comma" and pt in "，、":
                gap = ""
            else:
                gap = " "
            out.append(gap)
        unary = text == "-" and _unary(previous)
        out.append(text)
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        previous = token
    return "".join(out), depth


def _format(source: str) -> str:
    bom = "\ufeff" if source.startswith("\ufeff") else ""
    source = source.removeprefix("\ufeff")
    newline = "\r\n" if "\r\n" in source else "\n"
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    stack = [0]  # indentation widths of the open blocks
    depth = 0  # open parentheses: the line continues a statement
    statement: list[str] = []
    base = 0  # the canonical indentation of the statement being continued
    for line in lines:
        stripped = line.strip(" \t\u3000")
        if not stripped:
            if out and out[-1] != "":
                out.append("")
            continue
        old_indent = width(line) - width(line.lstrip(" \t\u3000"))
        tokens, comment = _tokens(stripped)
        if depth > 0:
            indent = base + 4
        elif not tokens:  # a comment on its own line: the block it stands in
            level = sum(1 for w in stack if w <= old_indent) - 1
            if old_indent > stack[-1]:
                level = len(stack)
            indent = 2 * level
        else:
            if old_indent > stack[-1]:
                stack.append(old_indent)
            while len(stack) > 1 and old_indent < stack[-1]:
                stack.pop()
            indent = base = 2 * (len(stack) - 1)
            statement = [t for k, t in tokens[:2] if k == "name"]
        code, depth = _render(tokens, depth, statement)
        text = " " * indent + code
        if comment is not None:
            if code:
                lead = len(line) - len(line.lstrip(" \t\u3000"))
                column = width(line[:lead + _comment_at(stripped)])
                column = max(column + indent - old_indent, width(text) + 2)
                text += " " * (column - width(text)) + comment
            else:
                text += comment
        out.append(text)
    while out and out[-1] == "":
        out.pop()
    return bom + newline.join(out) + newline


def _comment_at(stripped: str) -> int:
    """Where the comment of a (stripped) line starts: its first ``#`` outside a string."""
    for m in _TOKEN.finditer(stripped):
        if m.lastgroup == "comment":
            return m.start()
    raise ValueError(stripped)  # pragma: no cover
