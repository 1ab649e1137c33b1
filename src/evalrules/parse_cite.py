"""Citations in ruleset text: ``per "第二十二条（一）1"`` and a param's ``chosen "…"``.

The grammar ignores them like comments (terminals ``CITE`` and ``CHOSEN``); the lexer hands each
to :mod:`parse`, which asks :class:`Citations` for the one ending a rule's first line as it builds
the rule. A citation that is not the last thing on its line, a second one of a kind on a line, one
on a line no rule can take (a condition inside ``all:``, a veto's adjustment) and ``chosen`` on a
line that is not a param are refused with ``E109``. Imports :mod:`ast` and :mod:`diagnostics`.
"""

from __future__ import annotations

import re

from lark import Token

from .ast import Span
from .diagnostics import Diagnostics

#: What may follow a citation on its line: another citation, white space, a comment.
_AFTER = re.compile(r'(?:[\t \u3000]+(?:per|chosen)[\t \u3000]+"(?:[^"\\\n]|\\.)*")*'
                    r'[\t \u3000]*(?:#.*)?')
_KIND = {"CITE": "per", "CHOSEN": "chosen"}
_WHERE = ("write it at the end of a rule's first line: a definition, a grade table's header, "
          "rule or otherwise, a veto, an outcome, a rank, quota or limit; the conditions inside "
          "all:/any:/cases: and a veto's adjustments take none")


def text(token: Token) -> str:
    """The citation's words: its string without quotes and escapes."""
    quoted = str(token)[str(token).index('"'):]
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])


class Citations:
    """One file's citations by line; each rule takes the one ending its first line."""

    def __init__(self, tokens: list[Token], lines: list[str], path: str | None,
                 diags: Diagnostics):
        self.path = path
        self.diags = diags
        self.failed = False
        self.placed: dict[tuple[int, str], Token] = {}
        self.taken: set[tuple[int, str]] = set()
        for token in tokens:
            key = (token.line or 0, _KIND[token.type])
            line = lines[key[0] - 1] if 0 < key[0] <= len(lines) else ""
            if key in self.placed:
                self._refuse(token, f"a second '{key[1]}' on one line",
                             "write one citation per rule; one string can name several articles")
            elif not _AFTER.fullmatch(line[(token.end_column or 1) - 1:]):
                self._refuse(token, f"'{key[1]} \"…\"' ends its line, after the rule",
                             f"move it to the end of the line (before a comment); {_WHERE}")
            else:
                self.placed[key] = token

    def _refuse(self, token: Token, message: str, hint: str) -> None:
        span = Span(self.path, token.line or 1, token.column or 1, token.end_line or 1,
                    token.end_column or 2)
        self.diags.error("E109", message, span, hint)
        self.failed = True

    def _take(self, line: int, kind: str) -> str | None:
        token = self.placed.get((line, kind))
        if token is None:
            return None
        self.taken.add((line, kind))
        return text(token)

    def per(self, line: int) -> str | None:
        """The ``per "…"`` ending ``line``, if any, now given to the rule starting there."""
        return self._take(line, "per")

    def chosen(self, line: int) -> str | None:
        """The ``chosen "…"`` ending ``line`` (a param's), if any."""
        return self._take(line, "chosen")

    def all_placed(self) -> bool:
        """Whether every citation went to a rule; E109 for each that did not."""
        for key, token in self.placed.items():
            if key in self.taken:
                continue
            if key[1] == "chosen":
                self._refuse(token, "'chosen' marks a param as a local choice, and this line "
                             "is not a param", "cite a rule with per \"…\"; mark the numbers "
                             "it uses as params with chosen \"…\"")
            else:
                self._refuse(token, "no rule starts on this line to take the citation", _WHERE)
        return not self.failed
