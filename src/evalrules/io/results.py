"""The result columns a run adds to a file: which they are, what each holds, how it is shown.

A graded sheet gets one column per named value of the ruleset, then ``vetoes``, ``outcomes`` and
``error`` (:func:`result_names`). Each column has a kind that decides how a spreadsheet shows it
(:class:`Column`): a **share** (a vote share, a rate: :func:`shares` finds them in the ruleset) as
a percentage with two decimals, another number with the decimals its values need (at most four),
a yes/no as a boolean, a grade or a list of names as text. These are display forms: every grade
was decided from the exact values before anything is written, and ``exact=True`` keeps the exact
values (``19/30``) instead.

A column of the user's that has a result's name is an :class:`OutputError` naming it; only an
earlier run's result block, the file's last columns exactly as a run writes them, is replaced
(:func:`own_columns`).

Imports :mod:`ast`, :mod:`check`, :mod:`columns`, :mod:`diagnostics`, :mod:`messages` and
:mod:`values`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from attrs import frozen

from .. import ast
from ..check import RESULT_COLUMNS, Checked, Kind
from ..columns import value_columns, value_kind
from ..diagnostics import DataError
from ..messages import say
from ..unparse import decimal_text
from ..values import exact_str, round_half_away

if TYPE_CHECKING:
    from ..grading import Graded

#: The decimals a percentage is shown with (``63.33%``).
SHARE_DECIMALS = 2
#: The most decimals a number is shown with: a score that needs more (or never ends) shows four.
MAX_DECIMALS = 4
#: A number this large or larger is written as exact text: Excel keeps 15 significant digits, so
#: a cell would show other digits than the value's.
EXCEL_DIGITS = 10 ** 15
#: The most characters an Excel cell holds.
MAX_TEXT = 32767
#: The widest a result column is made (Excel's width units, about one digit each).
MAX_WIDTH = 60


class OutputError(DataError):
    """Results cannot be written as asked. ``key`` and ``values`` are the message of
    :mod:`evalrules.messages` the command line says; ``str()`` is its English text."""

    def __init__(self, key: str, **values: object):
        super().__init__(say(key, "en", **values))
        self.key = key
        self.values = values


@frozen
class Column:
    """A result column: its ``name``, its ``kind`` (``share``, ``number``, ``exact`` — a
    number written exactly —, ``bool`` or ``text``), each record's value (None where there is
    none: the record has an error, or no veto applies) and, for a number, the ``decimals`` it is
    shown with."""

    name: str
    kind: str
    values: Sequence[object]
    decimals: int = 0

    def shown(self, i: int) -> str:
        """Record ``i``'s value as a CSV cell holds it: a number as a spreadsheet shows it
        (``63.33%``, ``87.50``; exactly for ``exact``: ``19/30``), yes/no as ``true``/``false``,
        text as it is; empty for no value."""
        return self._show(self.values[i])

    def _show(self, value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, Fraction)):
            if self.kind == "exact":
                return exact_str(value)
            if self.kind == "share":
                return fixed(Fraction(value) * 100, SHARE_DECIMALS) + "%"
            return fixed(Fraction(value), self.decimals)
        return str(value)

    def shown_all(self, escape: Callable[[str], str] | None = None) -> list[str]:
        """:meth:`shown` of every record (passed through ``escape`` when given), each distinct
        value shown once. Graded column by column, rows with the same value share one object,
        so the loops over every row go by the object's identity, at C speed, and only the
        distinct objects are looked at in Python (and hashed by value, a Fraction's hash being
        slow)."""
        ids = list(map(id, self.values))
        by_value: dict[tuple[type, object], str] = {}
        texts: dict[int, str] = {}
        for key, value in dict(zip(ids, self.values, strict=True)).items():
            text = by_value.get((type(value), value))
            if text is None:
                text = self._show(value)
                text = by_value[type(value), value] = escape(text) if escape else text
            texts[key] = text
        return list(map(texts.__getitem__, ids))


def fixed(value: Fraction, decimals: int) -> str:
    """``value`` rounded half away from zero (四舍五入) to ``decimals`` places, with all of them:
    ``fixed(19/30 * 100, 2) == "63.33"``, ``fixed(87, 1) == "87.0"``."""
    rounded = round_half_away(value, decimals)
    scaled = abs(rounded.numerator * 10 ** decimals // rounded.denominator)
    digits = str(scaled).rjust(decimals + 1, "0")
    sign = "-" if rounded < 0 else ""
    return sign + (f"{digits[:-decimals]}.{digits[-decimals:]}" if decimals else digits)


def decimals_of(values: Sequence[object]) -> int:
    """The decimals a number column is shown with: the most any of its values needs to be shown
    exactly, at most :data:`MAX_DECIMALS` (a value that never ends needs the most)."""
    most = 0
    for value in values:
        if isinstance(value, Fraction) and value.denominator != 1:
            text = decimal_text(value)
            most = max(most, MAX_DECIMALS if text is None else len(text) - text.index(".") - 1)
            if most >= MAX_DECIMALS:
                return MAX_DECIMALS
    return most


def result_names(checked: Checked) -> list[str]:
    """The result columns a run adds, in order: the named values, then ``vetoes``,
    ``outcomes`` and ``error``."""
    return [*value_columns(checked), *RESULT_COLUMNS]


def own_columns(columns: Sequence[str], checked: Checked) -> tuple[list[str], bool]:
    """The user's columns of a sheet with these ``columns``, and whether its last columns are an
    earlier run's results (replaced, not kept). Any other column with a result's name is an
    :class:`OutputError` naming it: a result never replaces a user's column."""
    names = result_names(checked)
    earlier = len(columns) >= len(names) and list(columns[-len(names):]) == names
    own = list(columns[:-len(names)] if earlier else columns)
    taken = set(names)
    for column in own:
        if column in taken:
            raise OutputError("write.name_taken", column=column, first=names[0],
                              last=names[-1])
    return own, earlier


def result_columns(graded: Graded, *, exact: bool = False, lang: str = "en") -> list[Column]:
    """The result columns of a graded sheet, each with its kind (see the module doc); with
    ``exact`` every number is ``exact``: written as its exact value. ``error`` is said in
    ``lang``."""
    checked = graded.ruleset.checked
    share = shares(checked)
    out = []
    for name in value_columns(checked):
        values = graded.values[name]
        kind = value_kind(checked, name)
        if kind == Kind.BOOL:
            out.append(Column(name, "bool", values))
        elif kind == Kind.CATEGORY:
            out.append(Column(name, "text", values))
        elif exact:
            out.append(Column(name, "exact", values))
        elif name in share:
            out.append(Column(name, "share", values, SHARE_DECIMALS))
        else:
            out.append(Column(name, "number", values, decimals_of(values)))
    for name, lists in (("vetoes", graded.vetoes), ("outcomes", graded.outcomes)):
        out.append(Column(name, "text", ["、".join(names) or None for names in lists]))
    out.append(Column("error", "text", graded.error_texts(lang)))
    return out


def excel_cell(column: Column, value: object) -> tuple[str, object]:
    """(number format, the value an Excel cell holds: None, bool, str, int or float) of a
    result value: a share a float shown ``0.00%``, a number a float shown with the column's
    decimals; exactly (``kind == "exact"``) a number where Excel shows it exactly (a decimal of
    at most 15 significant digits) and exact text (``19/30``) where it cannot. A number of 15
    digits or more before the point is exact text: Excel would show other digits."""
    if not isinstance(value, (int, Fraction)) or isinstance(value, bool):
        if value is None or value == "" or isinstance(value, (bool, str)):
            return "General", value if value != "" else None
        return "General", str(value)
    n, d = value.numerator, value.denominator  # ints: a Fraction's arithmetic is slow
    if column.kind == "exact" or abs(n) >= EXCEL_DIGITS * d:
        number = Fraction(n, d)
        text = decimal_text(number)
        digits = text.lstrip("-").replace(".", "").lstrip("0") if text else ""
        if text is None or len(digits) > 15 or column.kind != "exact":
            return "General", exact_str(number)
        return "General", int(text) if d == 1 else float(text)
    held = n if d == 1 else n / d  # int division rounds correctly, as float(Fraction) does
    if column.kind == "share":
        return "0.00%", held
    return ("0." + "0" * column.decimals if column.decimals else "0"), held


# ---------------------------------------------------------------- which values are shares

#: What a number expression is, as far as showing it goes: a share (a fraction of a whole, shown
#: as a percentage), a plain number, a vote count, or a constant written without ``%`` (``2`` in
#: ``(a + b) / 2``), which takes the kind of what it is combined with.
SHARE, NUMBER, VOTES, CONSTANT = "share", "number", "votes", "constant"


def shares(checked: Checked) -> frozenset[str]:
    """The named number values of a ruleset that are shares, shown as percentages: a
    ``share(…)`` of a ballot; a vote count divided by a vote count; a percentage written with
    ``%`` (a param ``90%``, an input ranging ``0%..100%``); and what keeps a share a share —
    a sum or difference of shares (``100% - x``), a share times a share or a constant
    (``share(…) × 50%``), a share divided by a constant (``(a + b) / 2``), a choice between
    shares (``if``, ``cases``, ``min``, ``max``, ``clamp``, ``round``). A share times a number
    (a score × a rate) is a number, and so is a share × 100."""
    kinds: dict[str, str] = {}

    def of_name(name: str) -> str:
        if name not in kinds:
            kinds[name] = NUMBER  # a checked ruleset has no cycle: this only guards
            kinds[name] = declared(name)
        return kinds[name]

    def declared(name: str) -> str:
        decl = checked.params.get(name) or checked.definitions.get(name) \
            or checked.inputs.get(name)
        if isinstance(decl, (ast.Param, ast.Let, ast.Score)):
            return of(decl.expr)
        if isinstance(decl, ast.Input) and isinstance(decl.type, ast.NumberType):
            bounds = [b for b in (decl.type.low, decl.type.high) if b is not None]
            if bounds and all(of(b) == SHARE for b in bounds):
                return SHARE
        return NUMBER

    def of(e: ast.Expr) -> str:
        match e:
            case ast.Number():
                return SHARE if percent_literal(e) else CONSTANT
            case ast.Ref(name=name):
                return of_name(name)
            case ast.Negate(operand=operand):
                return of(operand)
            case ast.Share():
                return SHARE
            case ast.Votes() | ast.Total():
                return VOTES
            case ast.Arithmetic(op=op, left=left, right=right):
                return arithmetic(op, of(left), of(right), (left, right))
            case ast.If(then=then, otherwise=otherwise):
                return either([of(then), of(otherwise)])
            case ast.Cases(branches=branches, otherwise=otherwise):
                found = [of(b.value) for b in branches]
                return either(found + ([of(otherwise)] if otherwise is not None else []))
            case ast.Call(function=function, args=args) if args:
                if function in ("min", "max", "clamp"):
                    return either([of(a) for a in args])
                return of(args[0])  # round, floor, ceil, abs: as what they round
            case ast.Weighted(items=items):
                kind = CONSTANT
                for item in items:
                    if item.weight is None:  # not once checked: each item has its weight
                        continue
                    weighted = arithmetic("*", of(item.expr), of(item.weight),
                                          (item.expr, item.weight))
                    kind = arithmetic("+", kind, weighted, ())
                return kind
        return NUMBER

    return frozenset(n for n in value_columns(checked)
                     if value_kind(checked, n) == Kind.NUMBER and of_name(n) == SHARE)


def arithmetic(op: str, left: str, right: str, operands: tuple[ast.Expr, ...]) -> str:
    """The kind of ``left op right``, the ``operands`` written so (see :func:`shares`)."""
    kinds = {left, right}
    if op in ("+", "-"):
        if kinds <= {SHARE, CONSTANT} or kinds <= {VOTES, CONSTANT}:
            return SHARE if SHARE in kinds else VOTES if VOTES in kinds else CONSTANT
        return NUMBER
    if op == "*":
        if SHARE in kinds and any(isinstance(e, ast.Number) and e.value == 100
                                  and not percent_literal(e) for e in operands):
            return NUMBER  # a share in percentage points
        if kinds <= {SHARE, CONSTANT}:
            return SHARE if SHARE in kinds else CONSTANT
        return VOTES if kinds <= {VOTES, CONSTANT} and VOTES in kinds else NUMBER
    if left == VOTES and right == VOTES:
        return SHARE
    if right == CONSTANT and left in (SHARE, VOTES, CONSTANT):
        return left
    return NUMBER


def percent_literal(e: ast.Number) -> bool:
    """Whether a number was written as a percentage (``90%``)."""
    return e.text is not None and e.text.strip().endswith("%")


def either(kinds: list[str]) -> str:
    """The kind of a choice between values of these kinds."""
    found = set(kinds) - {CONSTANT}
    if not found:
        return CONSTANT
    return found.pop() if len(found) == 1 else NUMBER


def width(column: Column) -> int:
    """A result column's width: its name's or its widest value's, in Excel's units."""
    def wide(text: str) -> int:
        return sum(2 if ord(c) > 0x2E7F else 1 for c in text)

    if column.kind == "share":
        values = 8
    elif column.kind == "bool":
        values = 6
    elif column.kind == "number":
        values = max((len(str(int(v))) for v in column.values
                      if isinstance(v, (int, Fraction))), default=1) + column.decimals + 2
    else:
        values = max((wide(str(v)) for v in set(column.values) if v is not None), default=0)
    return min(MAX_WIDTH, max(wide(column.name), values) + 2)
