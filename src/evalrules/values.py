"""Exact numbers: reading record values strictly, rounding as 四舍五入, writing numbers back.

Every backend reads records through :func:`coerce_record`, so one record means the same everywhere.
Floats are taken as their shortest decimal (``0.8`` is 4/5, not the binary float nearest to it);
NaN, infinities, ``True`` for a number and ``"yes"`` for a bool are refused. Imports :mod:`ast`,
:mod:`check` (types only) and :mod:`diagnostics`.
"""

from __future__ import annotations

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
from .diagnostics import InputError, RuntimeCode, did_you_mean
from .unparse import decimal_text, int_text

_C = RuntimeCode


@frozen
class Constants:
    """What a ruleset knows before any record: each param's value (overrides applied), each
    input's declared default (as written, checked when used) and the bounds of number ranges."""

    params: Mapping[str, Fraction | bool | str] = field(factory=dict)  # a number, yes/no, label
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


def to_number(value: object, field: str, rule: str, *, shown_as: str | None = None) -> Fraction:
    """An exact number from int, Fraction, Decimal, float or a numeric string ("0.8", "80%").
    Messages name the value ``shown_as`` (a ballot's count: ``测评.优秀``), else ``field``."""
    what = f"'{shown_as or field}'"
    number = _to_number(value, field, rule, what)
    if number.numerator.bit_length() > MAX_BITS or number.denominator.bit_length() > MAX_BITS:
        raise InputError(f"{rule}: {what} has too many digits to be a real value",
                         field=field, rule=rule, code=_C.TOO_BIG)
    return number


def _to_number(value: object, field: str, rule: str, what: str) -> Fraction:
    if isinstance(value, bool) or value is None:
        raise InputError(f"{rule}: {what} must be a number, not {shown(value)}", field=field,
                         rule=rule, value=value, code=_C.WRONG_TYPE)
    if isinstance(value, Integral):
        return Fraction(int(value))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(f"{rule}: {what} must be a finite number, not {value}",
                             field=field, rule=rule, value=value, code=_C.WRONG_TYPE)
        if abs(value.adjusted()) > 600:
            raise InputError(f"{rule}: {what} has too many digits to be a real value",
                             field=field, rule=rule, code=_C.TOO_BIG)
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{rule}: {what} must be a finite number, not {value}",
                             field=field, rule=rule, value=value, code=_C.WRONG_TYPE)
        return Fraction(repr(float(value)))  # float() so numpy.float64 reads as its digits
    if isinstance(value, str):
        text = value.strip().replace("％", "%")
        percent = text.endswith("%")
        body = text[:-1].strip() if percent else text
        decimal = _DECIMAL.fullmatch(body)
        if decimal or _FRACTION.fullmatch(body):
            if len(body) > 700 or (decimal and abs(int(decimal.group(4) or 0)) > 600):
                raise InputError(f"{rule}: {what} has too many digits to be a real value",
                                 field=field, rule=rule, value=value, code=_C.TOO_BIG)
            try:
                number = Fraction(body)
            except ZeroDivisionError:
                raise InputError(f"{rule}: {what} divides by zero: {shown(value)}", field=field,
                                 rule=rule, value=value, code=_C.WRONG_TYPE) from None
            return number / 100 if percent else number
        raise InputError(f"{rule}: {what} must be a number, not {shown(value)}", field=field,
                         rule=rule, value=value, code=_C.WRONG_TYPE)
    if type(value).__module__ == "numpy":  # numpy scalars, read through their Python value
        return _to_number(value.item(), field, rule, what)  # type: ignore[attr-defined]  # numpy has it
    raise InputError(f"{rule}: {what} must be a number, not {type(value).__name__}",
                     field=field, rule=rule, value=value, code=_C.WRONG_TYPE)


def to_bool(value: object, field: str, rule: str) -> bool:
    if isinstance(value, bool):
        return value
    if type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"):
        return bool(value)
    raise InputError(f"{rule}: '{field}' must be true or false, not {shown(value)}", field=field,
                     rule=rule, value=value, code=_C.WRONG_TYPE)


def to_label(value: object, labels: tuple[str, ...], field: str, rule: str) -> str:
    if isinstance(value, str) and value.strip() in labels:
        return value.strip()
    hint = did_you_mean(value, labels) if isinstance(value, str) else None
    raise InputError(f"{rule}: '{field}' must be one of {', '.join(labels)}, not {shown(value)}"
                     + (f"; {hint}" if hint else ""), field=field, rule=rule, value=value,
                     code=_C.WRONG_TYPE)


_SEPARATORS = re.compile(r"[,，、;；\s]+")


def to_history(value: object, labels: tuple[str, ...], field: str, rule: str
               ) -> tuple[str, ...]:
    """Past grades, oldest first: a list of labels, or one text "优秀、称职、优秀"."""
    if isinstance(value, str):
        items = [v for v in _SEPARATORS.split(value.strip()) if v]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise InputError(f"{rule}: '{field}' must be a list of grades, oldest first, not "
                         f"{type(value).__name__}", field=field, rule=rule, value=value,
                         code=_C.WRONG_TYPE)
    return tuple(to_label(item, labels, field, rule) for item in items)


def to_count(value: object, ballot: str, category: str, rule: str) -> int:
    """A vote count of ``ballot``; every message names the count as ``BALLOT.CATEGORY`` (the
    column it comes from in a table)."""
    column = f"{ballot}.{category}"
    number = to_number(value, ballot, rule, shown_as=column)
    if number.denominator != 1 or number < 0:
        raise InputError(f"{rule}: vote counts of '{ballot}' must be whole numbers >= 0, and "
                         f"'{column}' is {shown(value)}", field=ballot, rule=rule, value=value,
                         code=_C.VOTES)
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
    return value


def _ballot(name: str, raw: object, categories: tuple[str, ...]) -> dict[str, int]:
    rule = f"ballot {name}"
    if not isinstance(raw, Mapping):
        raise InputError(f"{rule}: '{name}' must map each category to a vote count, not "
                         f"{type(raw).__name__}", field=name, rule=rule, value=raw,
                         code=_C.VOTES)
    counts = {}
    for key in raw:
        if key not in categories:
            hint = did_you_mean(key, categories) if isinstance(key, str) else None
            raise InputError(f"{rule}: '{name}' has no category {shown(key)}"
                             + (f"; {hint}" if hint else ""), field=name, rule=rule, value=key,
                             code=_C.VOTES)
    for category in categories:
        if category not in raw or raw[category] is None:
            raise InputError(f"{rule}: '{name}' has no vote count for '{category}'", field=name,
                             rule=rule, code=_C.VOTES)
        counts[category] = to_count(raw[category], name, category, rule)
    return counts


def coerce_record(checked: Checked, record: Mapping[str, object], constants: Constants
                  ) -> dict[str, object]:
    """Validate a record against the declared inputs and ballots, in declaration order.

    Ballots may come nested (``{"测评": {"优秀": 6}}``) or flat (``{"测评.优秀": 6}``), as table
    columns do. A missing or ``None`` input takes its default; unknown fields are errors.
    """
    if not isinstance(record, Mapping):
        raise InputError(f"a record must be a mapping of field names to values, not "
                         f"{type(record).__name__}", code=_C.NOT_A_RECORD)
    nested: dict[str, dict] = {}
    plain: dict[str, object] = {}
    for key, value in record.items():
        if not isinstance(key, str):
            raise InputError(f"field names must be strings, not {shown(key)}", field=shown(key),
                             code=_C.NOT_A_RECORD)
        ballot, dot, category = key.partition(".")
        if dot and ballot in checked.ballots and key not in checked.inputs:
            nested.setdefault(ballot, {})[category] = value
        else:
            plain[key] = value
    for key in plain:
        if key not in checked.inputs and key not in checked.ballots:
            hint = did_you_mean(key, [*checked.inputs, *checked.ballots])
            raise InputError(f"unknown field {shown(key)}" + (f"; {hint}" if hint else ""),
                             field=key, code=_C.UNKNOWN_FIELD)
    values: dict[str, object] = {}
    for name, categories in checked.ballots.items():
        if name in plain and name in nested:
            raise InputError(f"ballot {name}: given both as '{name}' and as '{name}.…' columns",
                             field=name, rule=f"ballot {name}", code=_C.VOTES)
        raw = plain.get(name, nested.get(name))
        if raw is None:
            raise InputError(f"ballot {name}: missing required field '{name}'", field=name,
                             rule=f"ballot {name}", code=_C.MISSING)
        values[name] = _ballot(name, raw, categories)
    for name, decl in checked.inputs.items():
        values[name] = coerce_input(checked, decl, plain.get(name), constants)
    return values


def coerce_input(checked: Checked, decl: ast.Input, raw: object, constants: Constants) -> object:
    name, rule = decl.name, f"input {decl.name}"
    if raw is None:
        if decl.default is None:
            raise InputError(f"{rule}: missing required field '{name}'", field=name, rule=rule,
                             code=_C.MISSING)
        raw = constants.defaults[name]  # a default is checked like any value: see E413
    match decl.type:
        case ast.BoolType():
            return to_bool(raw, name, rule)
        case ast.OneOf(labels=labels):
            return to_label(raw, labels, name, rule)
        case ast.ScaleType(scale=scale):
            return to_label(raw, checked.scales[scale], name, rule)
        case ast.TextType():
            if isinstance(raw, str):
                return raw
            if isinstance(raw, int) and not isinstance(raw, bool):  # an id column's whole number
                if raw.bit_length() > MAX_BITS:  # beyond the largest number, as for a number
                    raise InputError(f"{rule}: '{name}' has too many digits to be a real value "
                                     f"({shown(raw)})", field=name, rule=rule, code=_C.TOO_BIG)
                return str(raw)
            raise InputError(f"{rule}: '{name}' must be text, not {type(raw).__name__}",
                             field=name, rule=rule, value=raw, code=_C.WRONG_TYPE)
        case ast.HistoryType(scale=scale):
            return to_history(raw, checked.scales[scale], name, rule)
        case ast.NumberType(integer=integer):
            value = to_number(raw, name, rule)
            if integer and value.denominator != 1:
                raise InputError(f"{rule}: '{name}' must be a whole number, not {shown(raw)}",
                                 field=name, rule=rule, value=raw, code=_C.OUT_OF_RANGE)
            lo = constants.low.get(name)
            hi = constants.high.get(name)
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                bounds = "..".join("" if b is None else exact_str(b) for b in (lo, hi))
                raise InputError(f"{rule}: '{name}' = {exact_str(value)} is outside {bounds}",
                                 field=name, rule=rule, value=raw, code=_C.OUT_OF_RANGE)
            return value
    raise AssertionError(decl.type)  # pragma: no cover
