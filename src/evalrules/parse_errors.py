"""Text that does not parse, explained: the lexical checks that run before the parser (indentation
with tabs or full-width spaces, characters that make an editor show text other than it is) and the
translation of Lark's failures into diagnostics a reader of regulations understands
(``match_examples`` names a failure by the example that fails in the same state). The parser
(:mod:`parse`) calls these and nothing here builds the syntax tree. Imports :mod:`ast` and
:mod:`diagnostics`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from . import ast
from .diagnostics import INVISIBLE, Diagnostics
from .parse_misled import full_width, misled

# ---------------------------------------------------------------- lexical checks

# The characters of diagnostics.INVISIBLE are refused anywhere in a file, a comment or a string
# included, as rustc refuses them (``text_direction_codepoint_in_literal``).
_INVISIBLE = re.compile(f"[{''.join(sorted(INVISIBLE))}]")


#: The most E108 reported for one file (the last one says how many more there are).
MAX_INVISIBLE_REPORTED = 10


def check_direction(source: str, path: str | None, diags: Diagnostics) -> bool:
    """E108 for each character of :data:`INVISIBLE`, where it stands; whether there was one."""
    found = [m.start() for m in _INVISIBLE.finditer(source)]
    line, line_start, counted = 1, 0, 0
    for n, index in enumerate(found[:MAX_INVISIBLE_REPORTED], 1):
        line += source.count("\n", counted, index)  # lines as Lark counts them: "\n" only
        line_start, counted = source.rfind("\n", 0, index) + 1, index
        column = index - line_start + 1
        char = source[index]
        separator = char in "\u2028\u2029"
        more = len(found) - MAX_INVISIBLE_REPORTED if n == MAX_INVISIBLE_REPORTED else 0
        diags.error("E108", f"U+{ord(char):04X} {unicodedata.name(char)}: "
                    + ("an editor may start a new line here, which the parser does not"
                       if separator else "an invisible character that can make an editor show "
                       "this text in another order than it is read")
                    + (f" ({more} more in this file)" if more > 0 else ""),
                    ast.Span(path, line, column, line, column + 1),
                    "delete it (where a name needs a right-to-left script, write it without "
                    "direction marks)" if not separator else "delete it, or end the line "
                    "with an ordinary line break")
    return bool(found)


_LEADING = " \t\u3000"  # what may indent a line (only spaces are allowed)


def check_indentation(source: str, path: str | None, diags: Diagnostics) -> bool:
    found = False
    for number, line in enumerate(source.split("\n"), 1):  # lines as Lark counts them
        lead = line[:len(line) - len(line.lstrip(_LEADING))]
        for bad, what in (("\t", "a tab"), ("\u3000", "a full-width space")):
            col = lead.find(bad)
            if col >= 0:
                diags.error("E103", f"{what} in indentation; indent with spaces",
                            ast.Span(path, number, col + 1, number, col + 2),
                            "replace it with spaces (blocks are indented like Python)")
                found = True
    return found


def dedent_span(source: str, path: str | None) -> ast.Span:
    """The first line whose indentation matches no open block (Lark does not say where)."""
    stack, depth = [0], 0
    for number, line in enumerate(source.split("\n"), 1):  # lines as Lark counts them
        stripped = line.split("#", 1)[0]
        if stripped.strip() and depth == 0:
            indent = len(line) - len(line.lstrip(" "))
            if indent > stack[-1]:
                stack.append(indent)
            else:
                while indent < stack[-1]:
                    stack.pop()
                if indent != stack[-1]:
                    return ast.Span(path, number, 1, number, indent + 1)
        depth += sum(stripped.count(c) for c in "(（") - sum(stripped.count(c) for c in ")）")
        depth = max(depth, 0)
    return ast.Span(path, 1, 1, 1, 2)


# ---------------------------------------------------------------- syntax errors

_READABLE = {
    "_NL": "end of line", "_INDENT": "an indented block", "_DEDENT": "end of block",
    "NAME": "a name", "NUMBER": "a number", "STRING": "a string", "_COLON": "':'",
    "_COMMA": "','", "_LPAR": "'('", "_RPAR": "')'", "$END": "end of file",
    "LT": "'<'", "LE": "'<='", "GT": "'>'", "GE": "'>='", "EQ": "'=='", "NE": "'!='",
    "PLUS": "'+'", "MINUS": "'-'", "TIMES": "'*'", "DIVIDE": "'/'", "DOTDOT": "'..'",
    "MAX": "'max'", "EQUAL": "'='", "DOT": "'.'", "LPAR": "'('", "RPAR": "')'",
    "RULESET_NAME": "a name",
}

_EQUALS = "'=' defines a name; compare with '=='"

# Lark's match_examples: a failing parse is named by the example that fails in the same state.
_EXAMPLES = {
    ("a block needs ':' at the end of the line that opens it", "E102"): [
        "ruleset r\ngrade g (worst)\n",
        "ruleset r\ngrade g\n",
        "ruleset r\nveto v when x\n",
        "ruleset r\nsheet s max 10\n",
        "ruleset r\ngrade g:\n  a when all\n",
    ],
    (_EQUALS, "E102"): [
        "ruleset r\nlet a = b = 1\n",
        "ruleset r\ngrade g:\n  a when b = 1\n",
        "ruleset r\noutcome o when b = 1\n",
    ],
    ("a block was expected here: indent the lines under a line ending in ':'", "E102"): [
        "ruleset r\ngrade g:\nx when y\n",
        "ruleset r\nsheet s max 10:\nx 10: = 1\n",
    ],
    ("every file starts with `ruleset NAME`", "E106"): [
        "let a = 1\n", "scale s: a > b\n", "input a: bool\n", "grade g:\n",
    ],
    ("a scale orders its labels with '>', best first, and may end with one `, unrated LABEL`: "
     "a label off the order, for records that are not graded (不定等次)", "E102"): [
        "ruleset r\nscale s: a > b, c\n",
        "ruleset r\nscale s: a > b, unrated c, unrated d\n",
        "ruleset r\nscale s: a, b\n",
    ],
}


# The parser's state after the first statement differs from its state after the header, so each
# example is also given after one statement.
_EXAMPLES = {
    label: [*examples, *(e.replace("\n", "\nlet z = 1\n", 1) for e in examples
                         if label[1] != "E106")]
    for label, examples in _EXAMPLES.items()
}


def _keyword(token: Token) -> str | None:
    """The reserved word an author used as a name, if that is what went wrong."""
    if token.type != "NAME" and re.fullmatch(r"[a-z]+", str(token.value or "")):
        return str(token.value)
    return None


def syntax_error(e: UnexpectedInput, text: str, path: str | None, diags: Diagnostics,
                 parse: Callable[[str], Tree]) -> None:
    """Record what went wrong where Lark stopped, in the author's terms. ``parse`` is the parser's
    ``parse``, which names the failure by the example that fails in the same state."""
    try:
        label = e.match_examples(parse, _EXAMPLES.items(), use_accepts=True)
    except Exception:
        label = None
    hint, code = label if label else (None, None)
    if isinstance(e, UnexpectedCharacters):
        assert e.pos_in_stream is not None  # set for every character the lexer refuses
        char = text[e.pos_in_stream] if e.pos_in_stream < len(text) else ""
        span = ast.Span(path, e.line, e.column, e.line, e.column + 1)
        if char == '"':
            diags.error("E107", "unterminated string: a string ends on the line it starts", span)
            return
        # The examples name token errors; a stray character is named by itself.
        hint = "'=' defines a name; compare with '=='" if char == "=" else full_width(char)
        diags.error("E101", f"unexpected character {char!r}", span, hint)
        return
    if isinstance(e, UnexpectedToken) and e.token.type != "$END":
        tok = e.token
        if tok.type == "RULESET_NAME" and re.fullmatch(r"[^\W\d]\w*", str(tok)) \
                and not re.fullmatch(r"[a-z]+", str(tok)):
            # where no name is expected the lexer falls back to the header's wider terminal
            # (a reserved word keeps it, as the keyword it is)
            tok = Token.new_borrow_pos("NAME", str(tok), tok)
        if hint == _EQUALS and tok.value != "=":  # the state after any expression, not an '='
            hint, code = None, None
        what = _describe(tok)
        line, col = tok.line or 1, tok.column or 1
        end = (tok.end_column or col + 1) if tok.end_line == tok.line else col + 1
        if tok.type in ("_NL", "_DEDENT", "_INDENT"):
            end = col + 1  # these tokens start at the line break where the author stopped
        if tok.type == "_INDENT" and not hint:
            line, col, end = _indented_line(text, line)
            diags.error("E104", "unexpected indentation: only a line ending in ':' opens a "
                        "block", ast.Span(path, line, col, line, end))
            return
        if tok.type == "RULESET":
            diags.error("E106", "a file holds one ruleset: a second `ruleset` line",
                        ast.Span(path, line, col, line, end))
            return
        # What the parser accepts here: Lark's `expected` also lists what only other uses of the
        # same state accept (`share(b: x + y)` was told 'order' and 'default' would do).
        accepts = getattr(e, "accepts", None) or e.expected
        expected = sorted({_READABLE.get(t, repr(t.lower().strip("_"))) for t in accepts})
        keyword = _keyword(tok)
        if keyword and "a name" in expected and not hint:
            hint = f"'{keyword}' is a keyword of the language and cannot be a name"
        if tok.type == "NAME" and str(tok)[:1] == "年" and not hint:  # 2025年12月31日
            hint = "write a date as YEAR-MONTH-DAY: 2025-12-31"
        message = f"unexpected {what}"
        if expected and len(expected) <= 6:
            message += "; expected " + " or ".join(expected)
        named = misled(tok, text.split("\n"), accepts)
        if named is not None and (named[1] is not None or hint is None):
            code, said, hint, place = named
            message = said or message
            if place is not None:
                line, col, end = place
        diags.error(code or "E102", message, ast.Span(path, line, col, line, max(end, col + 1)),
                    hint)
        return
    line = text.count("\n") or 1
    last = text.removesuffix("\n").split("\n")[-1]  # lines as Lark counts them
    diags.error(code or "E102", "unexpected end of file",
                ast.Span(path, line, len(last) + 1, line, len(last) + 2), hint)


def _indented_line(text: str, after: int) -> tuple[int, int, int]:
    """The first non-blank line after ``after``, and the span of its indentation."""
    lines = text.split("\n")  # lines as Lark counts them
    for number in range(after + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.strip() and not line.lstrip().startswith("#"):
            indent = len(line) - len(line.lstrip())
            return number, 1, indent + 1
    return after, 1, 2


def _describe(tok: Token) -> str:
    if tok.type in _READABLE and tok.type not in ("NAME", "NUMBER", "STRING"):
        return _READABLE[tok.type]
    return f"{tok.value!r}" if tok.type != "NAME" else f"name {tok.value!r}"
