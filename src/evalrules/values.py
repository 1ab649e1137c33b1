"""Exact numbers: reading record values strictly, rounding as 四舍五入, writing numbers back.

Every backend reads records through :func:`coerce_record`, so one record means the same everywhere.
Floats are taken as their shortest decimal (``0.8`` is 4/5, not the binary float nearest to it);
NaN, infinities and ``True`` for a number are refused. A yes/no value is ``True``/``False``, the
number 1 or 0, or one of the words of :data:`YES_NO` (``是``/``否``, ``√``/``×``,
``TRUE``/``FALSE``, …): the one vocabulary of every format and backend; ``"yes"``, ``"Y"`` or
``"有"`` are refused with a message listing it. A date is read by :func:`to_date`, year first and
never guessed. Every error is an :class:`InputError` made from
a message key of :mod:`messages`, so it can be said in Chinese. Imports :mod:`ast`, :mod:`check`
(types only), :mod:`diagnostics` and :mod:`messages`.
"""

from __future__ import annotations

import datetime
import math
import re
import reprlib
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from numbers import Integral

from attrs import field, frozen

from . import ast
from .check import Checked
from .diagnostics import InputError, RuleName, RuntimeCode, hint
from .messages import Joined, Phrase
from .unparse import decimal_text, int_text

_C = RuntimeCode

#: The words a yes/no value may say, each pair yes first, as an error lists them.
YES_NO_WORDS = (("是", "否"), ("√", "×"), ("✓", "✗"), ("✔", "✘"), ("对", "错"), ("TRUE", "FALSE"),
                ("1", "0"))
#: A yes/no word, trimmed and lower-cased (:func:`yes_no`) → its value.
YES_NO = {word.lower(): value for pair in YES_NO_WORDS for word, value in zip(pair, (True, False),
                                                                              strict=True)}
#: Full-width digits and Latin letters (typed with a Chinese input method) → their ASCII.
_FULL_WIDTH = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B))
               for c in range(*r)}
_ACCEPTED = Joined(tuple(word for pair in YES_NO_WORDS for word in pair))


def yes_no(text: str) -> bool | None:
    """A yes/no text's value (:data:`YES_NO`: surrounding spaces aside, in any case, full-width
    or not), or None when it says neither."""
    return YES_NO.get(text.strip().translate(_FULL_WIDTH).lower())


def _error(key: str, code: RuntimeCode, rule: str, name: str, *, field: str | None = None,
           raw: object = None, **values: object) -> InputError:
    """The error of ``rule`` about ``name`` (the field, unless ``field`` says otherwise) and the
    value it was given, ``raw``."""
    return InputError.of(key, {"rule": RuleName(rule, name), "name": name, **values},
                         field=name if field is None else field, rule=rule, value=raw,
                         code=code)


@frozen
class Constants:
    """What a ruleset knows before any record: each param's value (overrides applied), each
    input's declared default (as written, checked when used) and the bounds of number ranges."""

    params: Mapping[str, Fraction | bool | str | datetime.date] = field(factory=dict)  # and dates
    defaults: Mapping[str, object] = field(factory=dict)
    low: Mapping[str, Fraction] = field(factory=dict)
    high: Mapping[str, Fraction] = field(factory=dict)

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE]([+-]?\d+))?")
#: Numbers beyond this many bits (about 600 digits) are refused: no assessment needs them and
#: exact arithmetic on them would cost unbounded time.
MAX_BITS = 2000
_FRACTION = re.compile(r"[+-]?\d+/\d+")


class _Shown(reprlib.Repr):
    """repr, short and safe for any value: :func:`shown`."""

    def __init__(self) -> None:
        super().__init__()
        self.maxstring = self.maxother = 60
        self.maxlevel, self.maxlist, self.maxtuple, self.maxdict = 2, 4, 4, 4
        self.maxset = self.maxfrozenset = self.maxdeque = self.maxarray = 4

    def repr_int(self, x: int, level: int) -> str:
        return _integer(x) or repr(x)

    def repr_Fraction(self, x: Fraction, level: int) -> str:
        if x.numerator.bit_length() > _SHOWN_BITS or x.denominator.bit_length() > _SHOWN_BITS:
            top, bottom = _digits(x.numerator), _digits(x.denominator)
            return f"a fraction of {top} digit{'s' * (top != 1)} over {bottom} " \
                   f"digit{'s' * (bottom != 1)}"
        return repr(x)

    def repr_instance(self, x: object, level: int) -> str:
        try:
            return super().repr_instance(x, level)
        except Exception:  # reprlib's own fallback can fail too (a class whose __class__ lies)
            return "an object"


#: An integer of more bits (about 60 digits) is shown by its number of digits.
_SHOWN_BITS = 200
_SHOW = _Shown()


def _digits(n: int) -> int:
    """How many decimal digits ``abs(n)`` has, without converting it to text."""
    n = abs(n)
    if n < 10:
        return 1
    low = (n.bit_length() - 1) * 30103 // 100000  # ≤ log10(n) < low + 2
    return low + 2 if n >= 10 ** (low + 1) else low + 1


def _integer(x: int) -> str | None:
    if x.bit_length() <= _SHOWN_BITS:
        return None
    return f"an integer of {_digits(x)} digits"


def shown(value: object) -> str:
    """A value as a message shows it: its ``repr``, but an integer of more than about 60 digits
    as ``an integer of 5001 digits`` (its text could pass the interpreter's 4,300-digit limit), a
    long string, list or mapping cut short with ``...``, an object whose repr fails by its type.
    Never raises, and never runs to more than about 100 characters."""
    try:
        text = _SHOW.repr(value)
    except Exception:
        text = f"a {type(value).__name__}"
    return text if len(text) <= 100 else text[:96] + " ..."


def said(value: object) -> str | Phrase:
    """A value as an error names it: :func:`shown`, but an integer too long to show by its
    number of digits in the sentence's language."""
    if isinstance(value, int) and not isinstance(value, bool) and _integer(value):
        return Phrase("record.integer_digits", {"digits": _digits(value)})
    return shown(value)


def to_number(value: object, field: str, rule: str, *, shown_as: str | None = None) -> Fraction:
    """An exact number from int, Fraction, Decimal, float or a numeric string ("0.8", "80%").
    Messages name the value ``shown_as`` (a ballot's count: ``测评.优秀``), else ``field``."""
    name = shown_as or field
    number = _to_number(value, field, rule, name)
    if number.numerator.bit_length() > MAX_BITS or number.denominator.bit_length() > MAX_BITS:
        raise _error("record.too_big", _C.TOO_BIG, rule, name, field=field)
    return number


def _to_number(value: object, field: str, rule: str, name: str) -> Fraction:
    if isinstance(value, bool) or value is None:
        raise _error("record.not_a_number", _C.WRONG_TYPE, rule, name, field=field, raw=value,
                     value=said(value))
    if isinstance(value, Integral):
        return Fraction(int(value))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _error("record.not_finite", _C.WRONG_TYPE, rule, name, field=field,
                         raw=value, value=str(value))
        if abs(value.adjusted()) > 600:
            raise _error("record.too_big", _C.TOO_BIG, rule, name, field=field)
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _error("record.not_finite", _C.WRONG_TYPE, rule, name, field=field,
                         raw=value, value=str(value))
        return Fraction(repr(float(value)))  # float() so numpy.float64 reads as its digits
    if isinstance(value, str):
        text = value.strip().replace("％", "%")
        percent = text.endswith("%")
        body = text[:-1].strip() if percent else text
        decimal = _DECIMAL.fullmatch(body)
        if decimal or _FRACTION.fullmatch(body):
            if len(body) > 700 or (decimal and abs(int(decimal.group(4) or 0)) > 600):
                raise _error("record.too_big", _C.TOO_BIG, rule, name, field=field, raw=value)
            try:
                number = Fraction(body)
            except ZeroDivisionError:
                raise _error("record.divides_by_zero", _C.WRONG_TYPE, rule, name, field=field,
                             raw=value, value=said(value)) from None
            return number / 100 if percent else number
        raise _error("record.not_a_number", _C.WRONG_TYPE, rule, name, field=field, raw=value,
                     value=said(value))
    if type(value).__module__ == "numpy":  # numpy scalars, read through their Python value
        return _to_number(value.item(), field, rule, name)  # type: ignore[attr-defined]  # numpy has it
    raise _error("record.number_type", _C.WRONG_TYPE, rule, name, field=field, raw=value,
                 type=type(value).__name__)


def to_bool(value: object, field: str, rule: str) -> bool:
    """A yes/no value: a bool, the number 1 or 0, or a word of :data:`YES_NO`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        read = yes_no(value)
        if read is not None:
            return read
    elif type(value).__module__ == "numpy":  # numpy scalars, read through their Python value
        return to_bool(value.item(), field, rule)  # type: ignore[attr-defined]  # numpy has it
    elif isinstance(value, (Integral, float, Fraction)) or (
            isinstance(value, Decimal) and value.is_finite()):
        if value == 1 or value == 0:
            return value == 1
    raise _error("record.not_yes_no", _C.WRONG_TYPE, rule, field, raw=value,
                 value=said(value), accepted=_ACCEPTED)


def to_label(value: object, labels: tuple[str, ...], field: str, rule: str) -> str:
    if isinstance(value, str) and value.strip() in labels:
        return value.strip()
    raise _error("record.not_a_label", _C.WRONG_TYPE, rule, field, raw=value,
                 labels=Joined(labels), value=said(value), hint=hint(value, labels))


_SEPARATORS = re.compile(r"[,，、;；\s]+")


def to_history(value: object, labels: tuple[str, ...], field: str, rule: str
               ) -> tuple[str, ...]:
    """Past grades, oldest first: a list of labels, or one text "优秀、称职、优秀"."""
    if isinstance(value, str):
        items = [v for v in _SEPARATORS.split(value.strip()) if v]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise _error("record.not_a_history", _C.WRONG_TYPE, rule, field, raw=value,
                     type=type(value).__name__)
    return tuple(to_label(item, labels, field, rule) for item in items)


#: The texts read as dates: year, month and day, with the separators of each form.
_DATE_TEXT = re.compile(
    r"(?P<y>\d{4})\s*(?:(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})"
    r"(?:[ T]0?0:00(?::00(?:\.0+)?)?)?"  # a spreadsheet's midnight: 2025-06-30 00:00:00
    r"|年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*[日号])")
#: A text with a time of day: refused as such, not as an unknown form.
_WITH_TIME = re.compile(r"\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}[ T]\d{1,2}:\d{2}")
#: Full-width digits and separators (typed with a Chinese input method) → their ASCII.
_FULL_WIDTH_DATE = {c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), 0xFF0D, 0xFF0E, 0xFF0F]}
#: The day number of 1970-01-01: numpy counts days from there, a plan from 0001-01-01.
EPOCH = datetime.date(1970, 1, 1).toordinal()


def day_number(value: datetime.date) -> int:
    """A date as a plan holds it: its proleptic Gregorian ordinal (0001-01-01 is 1)."""
    return value.toordinal()


def to_date(value: object, field: str, rule: str) -> datetime.date:
    """A date, strictly: a ``datetime.date``; a ``datetime.datetime`` (a pandas ``Timestamp``,
    an Excel date cell) or ``numpy.datetime64`` at midnight; the texts ``2025-06-30``,
    ``2025/6/30``, ``2025.6.30``, ``2025年6月30日`` (year first, four digits; full-width digits
    allowed) and ``2025-06-30 00:00:00`` (a date cell a spreadsheet program wrote to CSV).
    Refused, naming the field and the forms read: a time of day other than midnight (cutting it
    off would be a guess), a text whose day and month could be either way round (``6/30/2025``)
    or whose century is missing (``25-6-30``), a number (an Excel serial number that lost its
    date format is a date only by a convention the file no longer states), a day the calendar
    does not have."""
    if isinstance(value, datetime.datetime):
        if value != value:  # pandas' NaT, a missing time, is a datetime unequal to itself
            raise _date_error("record.not_a_date", field, rule, value, value="NaT")
        if value.timetz().replace(tzinfo=None) != datetime.time() or \
                getattr(value, "nanosecond", 0) != 0:  # a pandas Timestamp's beyond microseconds
            raise _date_error("record.date_time", field, rule, value, value=str(value))
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if type(value).__name__ == "datetime64":  # numpy's, read through its day and its time
        if value != value:  # NaT, numpy's missing time, is unequal to itself
            raise _date_error("record.not_a_date", field, rule, value, value="NaT")
        day = value.astype("datetime64[D]")  # type: ignore[attr-defined]  # numpy has it
        if day != value:
            raise _date_error("record.date_time", field, rule, value, value=str(value))
        return to_date(day.item(), field, rule)
    if isinstance(value, str):
        text = value.strip().translate(_FULL_WIDTH_DATE)
        found = _DATE_TEXT.fullmatch(text)
        if found is None:
            key = "record.date_time" if _WITH_TIME.match(text) else "record.not_a_date"
            raise _date_error(key, field, rule, value, value=said(value))
        month, day = found.group("m") or found.group("m2"), found.group("d") or found.group("d2")
        try:
            return datetime.date(int(found.group("y")), int(month), int(day))
        except ValueError:
            raise _date_error("record.no_such_day", field, rule, value,
                              value=said(value)) from None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _date_error("record.date_number", field, rule, value, value=said(value))
    raise _date_error("record.date_type", field, rule, value, type=type(value).__name__)


def _date_error(key: str, field: str, rule: str, raw: object, **values: object) -> InputError:
    return InputError.of(key, {"rule": RuleName(rule, field), "name": field, **values},
                         field=field, rule=rule, value=raw, code=_C.WRONG_TYPE)


def to_count(value: object, ballot: str, category: str, rule: str) -> int:
    """A vote count of ``ballot``; every message names the count as ``BALLOT.CATEGORY`` (the
    column it comes from in a table)."""
    column = f"{ballot}.{category}"
    number = to_number(value, ballot, rule, shown_as=column)
    if number.denominator != 1 or number < 0:
        raise InputError.of("record.vote_count", {
            "rule": RuleName(rule, ballot), "ballot": ballot, "column": column,
            "value": said(value)}, field=ballot, rule=rule, value=value, code=_C.VOTES)
    return int(number)


def round_half_away(x: Fraction, digits: int = 0) -> Fraction:
    """四舍五入: round to ``digits`` decimals, halves away from zero (48.5 → 49, -48.5 → -49)."""
    scale = Fraction(10) ** digits
    scaled = abs(x) * scale
    whole = math.floor(scaled + Fraction(1, 2))
    return Fraction(whole if x >= 0 else -whole) / scale


def streak(history: tuple[str, ...], label: str) -> int:
    """How many of a history's latest entries in a row are ``label``."""
    run = 0
    for item in reversed(history):
        if item != label:
            break
        run += 1
    return run


def exact_str(value: Fraction | int) -> str:
    """``"87"``, ``"96.25"`` or ``"11/12"``: decimal where it terminates, a fraction otherwise.
    Never raises, however many digits (see :func:`unparse.int_text`)."""
    value = Fraction(value)
    return decimal_text(value) or f"{int_text(value.numerator)}/{int_text(value.denominator)}"


def public(value: object) -> object:
    """A value as the API returns it: integral Fractions as int."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


def json_value(value: object) -> object:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (Fraction, int)):
        return exact_str(value)
    if isinstance(value, Mapping):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, datetime.date):  # a date input or param: ISO 8601, as JSON has none
        return value.isoformat()
    return value


def _ballot(name: str, raw: object, categories: tuple[str, ...]) -> dict[str, int]:
    rule = f"ballot {name}"
    if not isinstance(raw, Mapping):
        raise _error("record.ballot_type", _C.VOTES, rule, name, raw=raw,
                     type=type(raw).__name__)
    counts = {}
    for key in raw:
        if key not in categories:
            raise _error("record.unknown_category", _C.VOTES, rule, name, raw=key,
                         value=said(key), hint=hint(key, categories))
    for category in categories:
        if category not in raw or raw[category] is None:
            raise _error("record.no_count", _C.VOTES, rule, name, category=category)
        counts[category] = to_count(raw[category], name, category, rule)
    return counts


def coerce_record(checked: Checked, record: Mapping[str, object], constants: Constants
                  ) -> dict[str, object]:
    """Validate a record against the declared inputs and ballots, in declaration order.

    Ballots may come nested (``{"测评": {"优秀": 6}}``) or flat (``{"测评.优秀": 6}``), as table
    columns do. A missing or ``None`` input takes its default; unknown fields are errors.
    """
    if not isinstance(record, Mapping):
        raise InputError.of("record.not_a_record", {"type": type(record).__name__},
                            code=_C.NOT_A_RECORD)
    nested: dict[str, dict] = {}
    plain: dict[str, object] = {}
    for key, value in record.items():
        if not isinstance(key, str):
            raise InputError.of("record.field_name", {"value": said(key)}, field=shown(key),
                                code=_C.NOT_A_RECORD)
        ballot, dot, category = key.partition(".")
        if dot and ballot in checked.ballots and key not in checked.inputs:
            nested.setdefault(ballot, {})[category] = value
        else:
            plain[key] = value
    for key in plain:
        if key not in checked.inputs and key not in checked.ballots:
            raise InputError.of("record.unknown_field", {
                "field": shown(key), "hint": hint(key, [*checked.inputs, *checked.ballots])},
                field=key, code=_C.UNKNOWN_FIELD)
    values: dict[str, object] = {}
    for name, categories in checked.ballots.items():
        if name in plain and name in nested:
            raise _error("record.ballot_twice", _C.VOTES, f"ballot {name}", name)
        raw = plain.get(name, nested.get(name))
        if raw is None:
            raise _error("record.missing", _C.MISSING, f"ballot {name}", name)
        values[name] = _ballot(name, raw, categories)
    for name, decl in checked.inputs.items():
        values[name] = coerce_input(checked, decl, plain.get(name), constants)
    return values


def coerce_input(checked: Checked, decl: ast.Input, raw: object, constants: Constants) -> object:
    name, rule = decl.name, f"input {decl.name}"
    if raw is None:
        if decl.default is None:
            raise _error("record.missing", _C.MISSING, rule, name)
        raw = constants.defaults[name]  # a default is checked like any value: see E413
    match decl.type:
        case ast.BoolType():
            return to_bool(raw, name, rule)
        case ast.OneOf(labels=labels):
            return to_label(raw, labels, name, rule)
        case ast.ScaleType(scale=scale):
            return to_label(raw, checked.labels(scale), name, rule)
        case ast.TextType():
            if isinstance(raw, str):
                return raw
            if isinstance(raw, int) and not isinstance(raw, bool):  # an id column's whole number
                if raw.bit_length() > MAX_BITS:  # beyond the largest number, as for a number
                    raise _error("record.too_big_shown", _C.TOO_BIG, rule, name,
                                 value=said(raw))
                return str(raw)
            raise _error("record.not_text", _C.WRONG_TYPE, rule, name, raw=raw,
                         type=type(raw).__name__)
        case ast.HistoryType(scale=scale):
            return to_history(raw, checked.labels(scale), name, rule)
        case ast.DateType():
            return to_date(raw, name, rule)
        case ast.NumberType(integer=integer):
            value = to_number(raw, name, rule)
            if integer and value.denominator != 1:
                raise _error("record.not_whole", _C.OUT_OF_RANGE, rule, name, raw=raw,
                             value=said(raw))
            lo = constants.low.get(name)
            hi = constants.high.get(name)
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                bounds = "..".join("" if b is None else exact_str(b) for b in (lo, hi))
                raise _error("record.out_of_range", _C.OUT_OF_RANGE, rule, name, raw=raw,
                             number=exact_str(value), bounds=bounds)
            return value
    raise AssertionError(decl.type)  # pragma: no cover
