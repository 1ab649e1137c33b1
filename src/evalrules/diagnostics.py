"""Diagnostics and the library's exceptions.

A :class:`Diagnostic` is plain data (severity, stable code, position, message, hint) that renders
like a compiler's: ``path:line:col: error[E201]: message``, the source line, a caret under the span.
The codes are listed in ``CODES`` and documented in docs/language.md; a code never changes meaning.

An :class:`InputError` (a record that cannot be graded) is a message key of :mod:`messages` and the
values it names: ``str()`` is its English, :meth:`InputError.text` says it in either language.
Imports :mod:`evalrules.ast` and :mod:`evalrules.messages`.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from attrs import field, frozen

from .ast import NOWHERE, Span
from .messages import MESSAGES, Phrase, Said, say

CODES = {
    # syntax
    "E101": "unexpected character",
    "E102": "unexpected token",
    "E103": "tab or full-width space in indentation",
    "E104": "inconsistent indentation",
    "E105": "expression nested too deeply",
    "E106": "missing or misplaced ruleset header",
    "E107": "malformed number or string",
    "E108": "text-direction control or line separator character",
    "E109": "misplaced citation (per or chosen)",
    # names
    "E201": "unknown name",
    "E202": "duplicate name",
    "E203": "unknown label",
    "E204": "unknown ballot category",
    "E205": "unknown function",
    "E206": "unknown scale",
    "E207": "duplicate label or category",
    "E208": "keyword used as a name",
    "E209": "name of a result column",
    # types
    "E301": "type mismatch",
    "E302": "wrong number of arguments",
    "E303": "not a constant",
    "E304": "not a ballot",
    # structure
    "E401": "weights do not add up to 100%",
    "E402": "sheet items do not add up",
    "E403": "cycle",
    "E404": "missing otherwise",
    "E405": "grade label not in the scale",
    "E406": "duplicate rule in a grade table",
    "E407": "deduction on an item with points",
    "E408": "veto adjusts something that is not a grade",
    "E409": "bad count in at least N",
    "E410": "unknown hit policy",
    "E411": "empty range",
    "E412": "bad monotone check",
    "E413": "default outside the input's range",
    "E414": "a require that depends on a group rule",
    "E415": "digits of round() out of range",
    "E416": "a constant cannot be computed",
    # weights and label values (issue 13)
    "E420": "weighted TABLE: gives a different number of values than the table has weights",
    "E421": "labels of several scales: the value's scale is ambiguous",
    "E430": "bad quota size",
    # extends and override
    "E501": "extended file not found",
    "E502": "cycle of extends",
    "E503": "redefinition without override",
    "E504": "override of an unknown name",
    "E505": "override changes the kind of a definition",
    "E506": "override of an unknown rule",
    "E507": "extended file is not a ruleset",
    "E508": "extends too deep or too large",
    # warnings
    "W601": "input never used",
    "W602": "a percentage compared with a number on a 0..100 scale",
}


class RuntimeCode(StrEnum):
    """The stable code of each kind of error a record can get (:attr:`InputError.code`); like the
    compile codes, a code never changes meaning. Documented in docs/api.md."""

    NOT_A_RECORD = "R101"  # not a mapping of field names to values
    UNKNOWN_FIELD = "R102"
    MISSING = "R103"  # a required field is missing or empty
    WRONG_TYPE = "R104"  # not a number, a condition, a label of the field, text, a history
    OUT_OF_RANGE = "R105"  # outside the input's range, or not a whole number
    VOTES = "R106"  # a ballot's categories or counts
    TOO_BIG = "R107"  # a number with too many digits to be a real value
    DIVISION = "R201"  # division by zero
    NO_VOTES = "R202"  # share or points of a ballot with no votes
    EMPTY_HISTORY = "R203"  # .last of an empty history
    REQUIRE = "R204"  # a require does not hold
    UNIQUE = "R205"  # two rules of a (unique) table hold
    TOO_FEW = "R206"  # mean/min/max of an empty list, trimmed() of too few numbers
    LIMIT = "R301"  # a group does not meet a limit
    UNRANKED = "R302"  # the rank of a record that the rank's `among` leaves out
    GROUP_INPUT = "R303"  # a quota's group-wide input differs across the group, or is no count
    PARAM = "R401"  # with_params: a value of the wrong kind


RUNTIME_CODES = {
    "R101": "not a record", "R102": "unknown field", "R103": "missing field",
    "R104": "wrong type", "R105": "outside the range", "R106": "bad ballot",
    "R107": "number too large", "R201": "division by zero", "R202": "ballot without votes",
    "R203": "empty history", "R204": "require failed", "R205": "two rules of a unique table",
    "R206": "too few numbers in a list",
    "R301": "group limit failed", "R302": "no rank (outside among)",
    "R303": "bad group-wide input", "R401": "bad param value",
}


@frozen
class Diagnostic:
    severity: str  # "error" or "warning"
    code: str
    message: str
    span: Span = NOWHERE
    hint: str | None = None
    source_line: str | None = field(default=None, repr=False)

    @property
    def path(self) -> str | None:
        return self.span.path

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def to_dict(self) -> dict:
        return {
            "severity": self.severity, "code": self.code, "message": self.message,
            "path": self.path, "line": self.line, "column": self.column,
            "end_line": self.span.end_line, "end_column": self.span.end_column, "hint": self.hint,
        }

    def __str__(self) -> str:
        head = f"{self.span}: {self.severity}[{self.code}]: {self.message}"
        lines = [head]
        if self.source_line is not None and self.line > 0:
            text = self.source_line.rstrip("\n")
            gutter = " " * len(str(self.line))
            lines.append(f"{gutter} |")
            lines.append(f"{self.line} | {visible(text)}")
            start = max(self.column - 1, 0)
            stop = self.span.end_column - 1 if self.span.end_line == self.line else len(text)
            stop = max(stop, start + 1)
            pad = _width(visible(text[:start]))
            marks = max(_width(visible(text[start:stop])), 1)
            lines.append(f"{gutter} | {' ' * pad}{'^' * marks}")
        if self.hint:
            lines.append(f"  = help: {self.hint}")
        return "\n".join(lines)


#: Characters that make an editor or a terminal show text in another order than it is read (the
#: bidirectional controls and marks of "Trojan source", CVE-2021-42574) or start a line a parser
#: does not see (U+2028, U+2029). The parser refuses them (E108); a diagnostic shows them escaped.
INVISIBLE = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                      "\u200e\u200f\u061c\u2028\u2029")


def visible(text: str) -> str:
    """``text`` as a diagnostic shows it: each character of :data:`INVISIBLE` and each control
    character but the tab as ``\\u{202e}``, so the terminal neither reorders nor obeys the line
    it shows."""
    if text.isprintable():
        return text
    return "".join(f"\\u{{{ord(c):04x}}}" if c in INVISIBLE or (
        unicodedata.category(c) == "Cc" and c != "\t") else c for c in text)


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two, so the caret lands under the right character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``name`` was most likely meant to be, if one is close."""
    if len(name) > 200:  # no name is that long, and comparing a megabyte takes a while
        return None
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.5)
    return close[0] if close else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    close = closest(name, candidates)
    return f"did you mean '{close}'?" if close else None


def hint(name: object, candidates: Iterable[str]) -> Phrase | str:
    """An InputError's ``{hint}``: ``; did you mean '得分'?`` (``；是否应为「得分」？``) when
    ``name`` is text close to a candidate, else nothing."""
    close = closest(name, candidates) if isinstance(name, str) else None
    return Phrase("record.did_you_mean", {"name": close}) if close else ""


@frozen
class RuleName(Said):
    """A rule as an error names it: ``input 得分``, ``let 班子差评率``, ``require 总票数 > 0``;
    in Chinese ``输入项「得分」``. A Chinese sentence that names a field right after the rule
    (``before``) takes from the rule only what the field does not say: ``输入项`` before
    ``「得分」``, ``测评「测评」的`` before ``「测评.优秀」``."""

    rule: str
    before: str | None = None

    def text(self, lang: str) -> str:
        kind, _, subject = self.rule.partition(" ")
        if f"record.kind.{kind}" not in MESSAGES or not subject:
            return self.rule
        word = say(f"record.kind.{kind}", lang)
        if lang != "zh" or self.before is None:
            return say("record.rule.named", lang, kind=word, name=subject)
        if self.before == subject:
            return word
        return say("record.rule.of", lang, kind=word, name=subject)


class Diagnostics:
    """Collects the diagnostics of one compile, with the source text of every file involved."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self.sources: dict[str | None, Sequence[str]] = {}

    def add_source(self, path: str | None, text: str) -> None:
        # Lines as Lark counts them: only "\n" ends a line (not U+2028, form feed, ...).
        lines = text.removeprefix("\ufeff").split("\n")
        self.sources[path] = [line.removesuffix("\r") for line in lines]

    def _emit(self, severity: str, code: str, message: str, span: Span, hint: str | None) -> None:
        assert code in CODES, code
        lines = self.sources.get(span.path)
        line = lines[span.line - 1] if lines and 0 < span.line <= len(lines) else None
        self.items.append(Diagnostic(severity, code, message, span, hint, line))

    def error(self, code: str, message: str, span: Span = NOWHERE, hint: str | None = None):
        self._emit("error", code, message, span, hint)

    def warning(self, code: str, message: str, span: Span = NOWHERE, hint: str | None = None):
        self._emit("warning", code, message, span, hint)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def raise_if_errors(self) -> None:
        if self.has_errors:
            raise RulesetError(self.items)


class EvalRulesError(Exception):
    """The base of every error evalrules raises on purpose.

    Every one pickles and copies with all it holds (its message, attributes and notes), so an
    error raised in a worker process reaches the parent as itself: the classes' ``__init__``
    take other parameters than ``args`` (a ``RulesetError`` its diagnostics), so they are rebuilt
    without calling it."""

    def __reduce__(self):
        return _rebuild, (type(self), self.args), self.__dict__


def _rebuild(cls: type[BaseException], args: tuple) -> BaseException:
    """An exception of ``cls`` with ``args``, its ``__init__`` not called (pickle then sets its
    attributes from the state :meth:`EvalRulesError.__reduce__` gave)."""
    error = cls.__new__(cls)
    error.args = args
    return error


class RulesetError(EvalRulesError):
    """A ruleset does not compile; ``diagnostics`` holds every problem found, errors first."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        order = {"error": 0, "warning": 1}
        self.diagnostics = tuple(
            sorted(diagnostics, key=lambda d: (order[d.severity], d.path or "", d.line, d.column))
        )
        errors = [d for d in self.diagnostics if d.severity == "error"]
        summary = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
        super().__init__(summary + "\n" + "\n\n".join(str(d) for d in self.diagnostics))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")


class UnknownName(EvalRulesError, KeyError):
    """A name the ruleset does not have: ``result[name]``, ``function(name)``,
    ``with_params(name=...)``, ``columns=[name]``. ``name`` is the name asked for."""

    def __init__(self, message: str, *, name: str | None = None):
        super().__init__(message)
        self.message = message
        self.name = name

    def __str__(self) -> str:  # KeyError would show the message quoted
        return self.message


class DataError(EvalRulesError, ValueError):
    """A data file cannot be read or written as records: a suffix that is not a data format, a
    file that is not what its suffix says (JSON that does not parse, a workbook that does not open,
    a JSON file that is not a list of records). The message names the file."""


class GroupRulesError(EvalRulesError, TypeError):
    """A ruleset with group rules was asked to grade one record on its own."""


class InputError(EvalRulesError, ValueError):
    """A record cannot be evaluated. ``field`` names the input at fault (None when no single input
    is), ``rule`` the definition or rule being evaluated, ``value`` the offending value, ``code``
    the kind of error (a :class:`RuntimeCode`).

    ``key`` and ``values`` are the message as data: ``say(e.key, lang, **e.values)`` (or
    :meth:`text`) says it in ``"zh"`` or ``"en"``; the English is ``str(e)`` and ``message``.
    Every backend gives a record the same key and values. An error made from text alone (the
    constructor without ``key``) has no key, and its text is that text in either language."""

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None,
                 value: object = None, code: str | None = None, key: str | None = None,
                 values: Mapping[str, object] | None = None):
        self.field = field
        self.rule = rule
        self.value = value
        self.message = message
        self.code = code
        self.key = key
        self.values = dict(values or {})
        super().__init__(message)

    @classmethod
    def of(cls, key: str, values: Mapping[str, object], *, field: str | None = None,
           rule: str | None = None, value: object = None, code: str | None = None
           ) -> InputError:
        """The error whose message is :mod:`messages`' ``key`` with ``values``."""
        return cls(say(key, "en", **values), field=field, rule=rule, value=value, code=code,
                   key=key, values=values)

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``; ``"en"`` is ``str(self)``)."""
        if self.key is None:
            return self.message
        return say(self.key, lang, **self.values)

    @property
    def phrase(self) -> Said | str:
        """The message as a value of another message (an error inside another)."""
        return self.message if self.key is None else Phrase(self.key, self.values)

    def to_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "rule": self.rule,
                "message": self.message}
