"""Syntax errors named by what the author meant: the mistakes real rulesets made, each said with
the form that works (issue 13, "messages that misled"). :mod:`parse_errors` asks :func:`misled`
about the token Lark stopped at, with the file's lines, before it words the error; a mistake not
recognised here keeps the general message. Recognised from the token and the text of its line
(and, for a block, the line that opened it): Lark's parser states are shared between constructs,
so a state alone cannot tell ``x in 甲, 乙`` from other lists. Imports nothing of evalrules.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from lark import Token

#: Chinese conjunctions an author writes for the language's words.
_WORDS = {"且": "and", "并且": "and", "而且": "and", "与": "and", "或": "or", "或者": "or",
          "非": "not"}
_COMPARE = r"(<=|>=|!=|==|<|>|≤|≥|≠)"
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "≤": "≥", "≥": "≤", "==": "==",
         "!=": "!=", "≠": "≠"}
_CHAINED = re.compile(rf"(\S+?)\s*{_COMPARE}\s*(\S+?)\s*$")
_OPERAND = re.compile(r"\s*([^\s#]+)")
_LISTED = re.compile(r"(\S+)\s+((?:not\s+)?in)\s*$")
_IN_SHARE = re.compile(r"\b(share|votes)\s*[(（][^)）]*$")
_QUANTIFIER = r"(?:all|any|most|at\s+least\s+\d+)"
_VETO_BLOCK = re.compile(rf"\s*veto\s+(\S+)\s+when\s+({_QUANTIFIER})\s*[:：]\s*(?:#.*)?$")
_CITATION = re.compile(r'\s*(?:per|chosen)[\t \u3000]+"')
_CONTINUES = ("a statement ends at the end of its line; to go on to the next line, open a "
              "parenthesis before the break: `let x = (if a` … `then b else c)`")


def full_width(char: str) -> str | None:
    """The hint for a full-width or IME character where the ASCII one is meant (``＜`` → ``<``,
    ``《`` → ``<``, ``“`` → ``"``); None for any other character."""
    if char in "“”":
        return "a Chinese quotation mark: strings (a title, a message, per \"…\") are in ASCII " \
            "double quotes \"…\""
    ascii_ = {"《": "<", "》": ">"}.get(char)
    if ascii_ is None and "\uff01" <= char <= "\uff5e":
        ascii_ = chr(ord(char) - 0xFEE0)
    if ascii_ is None:
        return None
    return f"a full-width '{char}': write the ASCII '{ascii_}' (only ： ， （ ） ％ are " \
        "accepted in full width)"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _opening(lines: list[str], number: int) -> tuple[int, str]:
    """The line that opened the block holding line ``number`` (1-based), and its number: the
    nearest line above it that is less indented."""
    own = _indent(lines[number - 1]) if 0 < number <= len(lines) else 0
    for n in range(number - 1, 0, -1):
        line = lines[n - 1]
        if line.strip() and not line.lstrip().startswith("#") and _indent(line) < own:
            return n, line
    return 0, ""


#: (code, the message or None to keep Lark's, the hint, where: (line, column, end column) or None
#: for the token's place).
Named = tuple[str, str | None, str, tuple[int, int, int] | None]


def misled(tok: Token, lines: list[str], accepts: Collection[str]) -> Named | None:
    """What went wrong at ``tok``, if it is a known mistake."""
    number = tok.line or 1
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    before = line[:(tok.column or 1) - 1]
    after = line[(tok.end_column or 1) - 1:]
    value = str(tok.value)
    if tok.type == "NAME" and value in _WORDS:
        word = _WORDS[value]
        return "E102", f"'{value}' is not a word of the language: write '{word}'", \
            f"conditions join with `and`, `or` and `not`: `分 >= 60 {word} …`", None
    chained = _CHAINED.search(before)
    if tok.type in ("LT", "LE", "GT", "GE", "EQ", "NE") and chained is not None:
        low, op, middle = chained.groups()
        high = _OPERAND.match(after)
        right = high.group(1) if high else "…"
        return "E102", "comparisons do not chain", \
            f"compare twice: `{middle} {_FLIP[op]} {low} and {middle} {value} {right}`", None
    listed = _LISTED.search(before)
    if tok.type == "NAME" and listed is not None:
        labels = after.split("#", 1)[0].strip()
        operand, word = listed.groups()
        return "E102", f"the labels after '{word}' go in parentheses", \
            f"write `{operand} {word} ({value}{labels})`", None
    if _IN_SHARE.search(before) and tok.type in ("PLUS", "MINUS", "TIMES", "DIVIDE"):
        return "E102", "the categories of share(…) and votes(…) are listed with ','", \
            "`share(测评: 优秀, 较好)` is the share of 优秀 and 较好 together", None
    if tok.type == "ORDER" and line.lstrip().startswith("quota"):
        return "E102", f"a quota has no '{value}': the highest values of its keys keep the " \
            "label", "'desc' and 'asc' are for rank; to favour the lowest values, quota by " \
            "their negation (`let 负分 = -分`, `by 负分`)", None
    opened, opening = _opening(lines, number)
    veto = _VETO_BLOCK.match(opening)
    if veto is not None:  # shown at the block's word on the veto's line
        return "E102", "a veto's condition is written on its line; the lines under it are " \
            "its adjustments", "name the block first: `let 情形 = any:` with the conditions " \
            f"under it, then `veto {veto.group(1)} when 情形:`", \
            (opened, veto.start(2) + 1, veto.end(2) + 1)
    # `per "…"` not as the lexer takes it (`per` is reserved, whatever token it became)
    if value == "per" or (value == "chosen" and tok.type != "NAME"):
        quoted = full_width(after.lstrip()[:1]) if after.lstrip()[:1] in ("“", "”") else None
        return "E109", f"'{value}' cites the regulation: write {value} \"…\" (a string in double " \
            "quotes on this line) at the end of the rule's first line", \
            quoted or f'for example `优秀 when 分 >= 90 {value} "第二十二条（一）1"`', None
    cited = _CITATION.match(line)
    if cited is not None and tok.type in ("_NL", "_INDENT", "_DEDENT"):
        start = len(line) - len(line.lstrip()) + 1
        return "E109", "a citation is not a line of its own", \
            "move it to the end of the rule's first line: `优秀 when 分 >= 90 per \"第十条\"`", \
            (number, start, len(line.rstrip()) + 1)
    if tok.type == "_NL" and "_NL" not in accepts:
        return "E102", None, _CONTINUES, None
    return None
