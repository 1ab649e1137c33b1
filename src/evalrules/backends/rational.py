"""Exact rational arrays for the vectorized backend: integer numerators over denominators.

A :class:`Num` is ``n / d`` row by row, where ``n`` and ``d`` are each a Python ``int`` (the same
for every row) or a numpy array; ``d`` is always > 0. Arrays are ``int64`` while the bounds say no
intermediate value can leave int64, and ``object`` arrays of Python ints otherwise: every operation
first computes a bound on everything it will compute (``nb``/``db`` bound ``|n|`` and ``d``); if
the bound is too big it re-reads the actual maxima and reduces per-row fractions by their gcd, and
if that is still too big it switches its operands to Python ints, which cannot overflow. So the
results are always exact; only the speed depends on the magnitudes. Binary floating point is never
used here. Imports numpy and :mod:`evalrules.values` (the caller imports this module lazily).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .. import values

MAX = 2**63 - 1  # int64 holds every value of magnitude <= MAX


def bound(a) -> int:
    """max |a| (as a Python int) of an int or an array."""
    if isinstance(a, int):
        return abs(a)
    if a.size == 0:
        return 0
    return max(abs(int(a.max())), abs(int(a.min())))


def is_obj(a) -> bool:
    return isinstance(a, np.ndarray) and a.dtype == object


def to_obj(a):
    if isinstance(a, np.ndarray) and a.dtype != object:
        return a.astype(object)  # elements become Python ints
    return a


def gcd_all(a: np.ndarray, start: int) -> int:
    """gcd(start, every element of a), stopping early once it is 1."""
    g = start
    step = 1 << 16
    for i in range(0, a.size, step):
        if g == 1:
            break
        g = math.gcd(g, int(np.gcd.reduce(a[i:i + step])))
    return g


class Num:
    """An exact number per row: ``n / d``."""

    __slots__ = ("d", "db", "n", "nb")

    def __init__(self, n, d=1, nb: int | None = None, db: int | None = None):
        self.n = n
        self.d = d
        self.nb = bound(n) if nb is None else nb
        self.db = bound(d) if db is None else db

    @staticmethod
    def const(value) -> Num:
        f = Fraction(value)
        return Num(f.numerator, f.denominator)

    @property
    def obj(self) -> bool:
        return is_obj(self.n) or is_obj(self.d)

    @property
    def scalar(self) -> bool:
        return isinstance(self.n, int) and isinstance(self.d, int)

    def fraction(self) -> Fraction:
        return Fraction(self.n, self.d)

    def take(self, idx: np.ndarray) -> Num:
        n = self.n[idx] if isinstance(self.n, np.ndarray) else self.n
        d = self.d[idx] if isinstance(self.d, np.ndarray) else self.d
        return Num(n, d, self.nb, self.db)


def tighten(x: Num) -> Num:
    """The same values with actual (not inherited) bounds, per-row fractions reduced."""
    if x.obj or x.scalar:
        return x
    n, d = x.n, x.d
    if isinstance(d, np.ndarray):
        g = np.gcd(n, d)
        n, d = n // g, d // g
    elif d > 1:
        g = gcd_all(n, d)
        if g > 1:
            n, d = n // g, d // g
    return Num(n, d)


def objify(x: Num) -> Num:
    return Num(to_obj(x.n), to_obj(x.d), x.nb, x.db)


def prepare(bound_of, *xs: Num) -> tuple[Num, ...]:
    """The operands, made safe for an operation whose largest intermediate is ``bound_of(*xs)``."""
    if not any(x.obj for x in xs):
        if bound_of(*xs) <= MAX:
            return xs
        xs = tuple(tighten(x) for x in xs)
        if bound_of(*xs) <= MAX:
            return xs
    return tuple(objify(x) for x in xs)


def _same_d(a: Num, b: Num) -> bool:
    return a.d is b.d or (isinstance(a.d, int) and isinstance(b.d, int) and a.d == b.d)


def _scalar(f: Fraction) -> Num:
    return Num(f.numerator, f.denominator)


# ---------------------------------------------------------------- arithmetic

def _add_bound(a: Num, b: Num) -> int:
    if _same_d(a, b):
        return a.nb + b.nb
    if isinstance(a.d, int) and isinstance(b.d, int):
        lcm = math.lcm(a.d, b.d)
        return max(a.nb * (lcm // a.d) + b.nb * (lcm // b.d), lcm)
    return max(a.nb * b.db + b.nb * a.db, a.db * b.db)


def add(a: Num, b: Num, sign: int = 1) -> Num:
    if b.scalar and b.n == 0:
        return a
    if a.scalar and a.n == 0:
        return b if sign > 0 else neg(b)
    if a.scalar and b.scalar:
        return _scalar(a.fraction() + sign * b.fraction())
    a, b = prepare(_add_bound, a, b)
    if _same_d(a, b):
        n = a.n + b.n if sign > 0 else a.n - b.n
        return Num(n, a.d, a.nb + b.nb, a.db)
    if isinstance(a.d, int) and isinstance(b.d, int):
        lcm = math.lcm(a.d, b.d)
        ma, mb = lcm // a.d, lcm // b.d
        an = a.n * ma if ma != 1 else a.n
        bn = b.n * mb if mb != 1 else b.n
        return Num(an + bn if sign > 0 else an - bn, lcm, a.nb * ma + b.nb * mb, lcm)
    an, bn = a.n * b.d, b.n * a.d
    return Num(an + bn if sign > 0 else an - bn, a.d * b.d, a.nb * b.db + b.nb * a.db,
               a.db * b.db)


def _signed(a: Num) -> Num:
    """``a`` safe to negate: int64 holds -2**63 but not 2**63, so that one goes to Python ints."""
    return objify(a) if not a.obj and a.nb > MAX else a


def neg(a: Num) -> Num:
    a = _signed(a)
    return Num(-a.n, a.d, a.nb, a.db)


def _mul_bound(a: Num, b: Num) -> int:
    return max(a.nb * b.nb, a.db * b.db)


def mul(a: Num, b: Num) -> Num:
    if a.scalar and b.scalar:
        return _scalar(a.fraction() * b.fraction())
    if (b.scalar and b.n == 0) or (a.scalar and a.n == 0):
        return Num(0, 1)
    if b.scalar and isinstance(a.d, int):  # keep a constant factor reduced
        f = Fraction(b.n, a.d * b.d)
        a = Num(a.n, 1, a.nb, 1)
        b = Num(f.numerator, f.denominator)
    elif a.scalar and isinstance(b.d, int):
        f = Fraction(a.n, a.d * b.d)
        b = Num(b.n, 1, b.nb, 1)
        a = Num(f.numerator, f.denominator)
    a, b = prepare(_mul_bound, a, b)
    return Num(_times(a.n, b.n), _times(a.d, b.d), a.nb * b.nb, a.db * b.db)


def _times(x, y):
    if isinstance(y, int) and y == 1:
        return x
    if isinstance(x, int) and x == 1:
        return y
    return x * y


def divide(a: Num, b: Num):
    """a / b and the rows where b is zero (True/False when that is the same for every row)."""
    if b.scalar:
        if b.n == 0:
            return a, True
        return mul(a, _scalar(Fraction(b.d, b.n))), False
    zero = b.n == 0
    bn = np.where(zero, 1, b.n) if zero.any() else b.n
    negative = bn < 0
    if negative.any():
        inv_n = np.where(negative, -b.d if isinstance(b.d, int) else np.negative(b.d), b.d)
        inv_d = np.where(negative, np.negative(bn), bn)
    else:
        inv_n, inv_d = b.d, bn
    inverse = Num(inv_n, inv_d, b.db, b.nb)
    return mul(a, inverse), zero


def _cmp_bound(a: Num, b: Num) -> int:
    if _same_d(a, b):
        return 0
    if isinstance(a.d, int) and isinstance(b.d, int):
        lcm = math.lcm(a.d, b.d)
        return max(a.nb * (lcm // a.d), b.nb * (lcm // b.d))
    return max(a.nb * b.db, b.nb * a.db)


UFUNC = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
          ">": np.greater, ">=": np.greater_equal}


def _as_bool(x):
    if isinstance(x, np.ndarray):
        return x if x.dtype == bool else x.astype(bool)
    return bool(x)


def compare(a: Num, b: Num, op: str):
    if a.scalar and b.scalar:
        x, y = a.fraction(), b.fraction()
        return bool(UFUNC[op](x.numerator * y.denominator, y.numerator * x.denominator))
    a, b = prepare(_cmp_bound, a, b)
    if _same_d(a, b):
        left, right = a.n, b.n
    elif isinstance(a.d, int) and isinstance(b.d, int):
        lcm = math.lcm(a.d, b.d)
        left, right = a.n * (lcm // a.d), b.n * (lcm // b.d)
    else:
        left, right = a.n * b.d, b.n * a.d
    return _as_bool(UFUNC[op](left, right))


# ---------------------------------------------------------------- conditions per row
# A condition is a bool (the same for every row) or a numpy bool array.

def both(a, b):
    if isinstance(a, bool):
        return b if a else False
    if isinstance(b, bool):
        return a if b else False
    return a & b


def either(a, b):
    if isinstance(a, bool):
        return True if a else b
    if isinstance(b, bool):
        return True if b else a
    return a | b


def negate(a):
    return (not a) if isinstance(a, bool) else ~a


def where(mask, a, b):
    """Row by row: a where mask, else b (numpy arrays, ints or bools)."""
    if isinstance(mask, bool):
        return a if mask else b
    if is_obj(a) or is_obj(b) or _wide(a) or _wide(b):
        a, b = to_obj(a), to_obj(b)
    return np.where(mask, a, b)


def _wide(v) -> bool:
    """A Python int that int64 cannot hold."""
    return isinstance(v, int) and not isinstance(v, bool) and not -MAX - 1 <= v <= MAX


def select(mask, a: Num, b: Num) -> Num:
    if isinstance(mask, bool):
        return a if mask else b
    if a.obj or b.obj or max(a.nb, b.nb, a.db, b.db) > MAX:
        a, b = objify(a), objify(b)
    if _same_d(a, b):
        return Num(where(mask, a.n, b.n), a.d, max(a.nb, b.nb), a.db)
    if isinstance(a.d, int) and isinstance(b.d, int):
        lcm = math.lcm(a.d, b.d)
        if _cmp_bound(a, b) <= MAX or a.obj:
            ma, mb = lcm // a.d, lcm // b.d
            return Num(where(mask, a.n * ma, b.n * mb), lcm,
                       max(a.nb * ma, b.nb * mb), lcm)
    return Num(where(mask, a.n, b.n), where(mask, a.d, b.d), max(a.nb, b.nb), max(a.db, b.db))


def minimum(a: Num, b: Num) -> Num:
    return select(compare(a, b, "<="), a, b)


def maximum(a: Num, b: Num) -> Num:
    return select(compare(a, b, ">="), a, b)


def floor(a: Num) -> Num:
    if isinstance(a.d, int) and a.d == 1:
        return a
    return Num(a.n // a.d, 1, a.nb, 1)


def ceil(a: Num) -> Num:
    if isinstance(a.d, int) and a.d == 1:
        return a
    a = _signed(a)
    return Num(-((-a.n) // a.d), 1, a.nb, 1)


def absolute(a: Num) -> Num:
    a = _signed(a)
    return Num(abs(a.n) if isinstance(a.n, int) else np.abs(a.n), a.d, a.nb, a.db)


def round_half_away(a: Num, digits: int) -> Num:
    """四舍五入 to ``digits`` decimals: floor(|x|·10^k + 1/2) / 10^k with x's sign."""
    if a.scalar:
        return _scalar(values.round_half_away(a.fraction(), digits))
    scale = 10 ** abs(digits)
    if digits >= 0:
        def bound_of(x):
            return max(2 * x.nb * scale + x.db, 2 * x.db, scale)
    else:
        def bound_of(x):
            return max(2 * x.nb + x.db * scale, 2 * x.db * scale, x.nb + scale)
    (a,) = prepare(bound_of, a)
    magnitude = abs(a.n) if isinstance(a.n, int) else np.abs(a.n)
    if digits >= 0:
        whole = (2 * magnitude * scale + a.d) // (2 * a.d)
        signed = where(a.n < 0, -whole, whole)
        return Num(signed, scale, a.nb * scale // 1 + scale, scale)
    whole = (2 * magnitude + a.d * scale) // (2 * a.d * scale)
    signed = where(a.n < 0, -whole, whole)
    return Num(signed * scale, 1, a.nb + scale, 1)


# ---------------------------------------------------------------- output helpers

def decimal_places(den: int) -> int | None:
    """The decimals a fraction with this (reduced) denominator needs, or None if infinitely many."""
    twos = fives = 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    return max(twos, fives) if den == 1 else None


def distinct_columns(n: np.ndarray, d: np.ndarray):
    """For distinct values n/d (int64 arrays, d > 0): ("decimal", scale, unscaled int64 array)
    when every value has a finite decimal form with at most 18 places that fits int64 scaled,
    else ("text", texts: a pyarrow string array, each value as :func:`values.exact_str`
    writes it). Vectorized: the distinct values may be thousands."""
    g = np.gcd(n, d)
    rn, rd = n // g, d // g
    rest = rd.copy()
    twos = np.zeros(rd.size, dtype=np.int64)
    fives = np.zeros(rd.size, dtype=np.int64)
    for p, count in ((2, twos), (5, fives)):
        while True:
            hit = rest % p == 0
            if not hit.any():
                break
            rest = np.where(hit, rest // p, rest)
            count += hit
    finite = rest == 1
    places = np.maximum(twos, fives)
    if finite.all():
        scale = int(places.max()) if places.size else 0
        if scale <= 18:
            factor = 10**scale // rd
            if (np.abs(rn) <= MAX // factor).all():
                return "decimal", scale, rn * factor
    return "text", exact_texts(rn, rd, finite, places)


def exact_texts(n: np.ndarray, d: np.ndarray, finite: np.ndarray, places: np.ndarray):
    """``values.exact_str`` of reduced fractions n/d, as a pyarrow string array: "0.25" where
    the decimal form is finite (``places`` decimals), "19/30" where it is not."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.binary_join_element_wise(pa.array(n).cast(pa.string()),
                                       pa.array(d).cast(pa.string()), "/")
    # A decimal: |n| · 10^places / d, split into whole and fraction; the fraction's digits come
    # from 10^places + fraction, its leading 1 dropped, so its zeros are kept.
    short = finite & (places <= 18)
    power = np.ones(n.size, dtype=np.int64)
    power[short] = _POW10[places[short]]
    factor = np.where(short, power // np.where(short, d, 1), 0)
    fits = short & (np.abs(n) <= MAX // np.maximum(factor, 1)) & (np.abs(n) < MAX)
    unscaled = np.where(fits, np.abs(n) * factor, 0)
    whole = pa.array(unscaled // power).cast(pa.string())
    digits = pc.utf8_slice_codeunits(pa.array(unscaled % power + power).cast(pa.string()), 1)
    decimal = pc.if_else(pa.array(places > 0),
                         pc.binary_join_element_wise(whole, digits, "."), whole)
    decimal = pc.if_else(pa.array(n < 0), pc.binary_join_element_wise("-", decimal, ""),
                         decimal)
    text = pc.if_else(pa.array(fits), decimal, text)
    rest = np.flatnonzero(finite & ~fits)  # finite but too long for int64: one by one
    if rest.size:
        items = text.to_pylist()
        for i in rest.tolist():
            items[i] = values.exact_str(Fraction(int(n[i]), int(d[i])))
        text = pa.array(items, type=pa.string())
    return text


_POW10 = np.array([10**k for k in range(19)], dtype=np.int64)
