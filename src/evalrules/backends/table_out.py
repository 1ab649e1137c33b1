"""Writing the vectorized backend's results: row-aligned Arrow columns, exactly.

One column per named value (or only those ``columns=`` selects), then ``vetoes``
(list<string>: the vetoes applied, in written order), ``outcomes`` (list<string>) and ``error``
(string: null when the row is fine, else exactly ``str()`` of the :class:`InputError` the reference
evaluator raises for that record). A row with an error has nulls in every other column. Column
types: grades and categories → string; conditions → bool; numbers → ``decimal128(38, s)`` with the
smallest ``s`` ≤ 18 at which every value of the column is exact; where some value has no finite
decimal form (a share of 1/3) or would need more than 18 decimals or 38 digits, the whole column
is string, each value as :func:`evalrules.values.exact_str` writes it ("0.6", "19/30"), which is
exact too.

The :class:`Assembler` puts the rows evaluated column-wise and the rows the reference evaluator
took back together. Imports numpy and pyarrow, :mod:`backends.rational` and
:mod:`backends.table_in` (labels).
"""

from __future__ import annotations

from decimal import Context, Decimal
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..values import exact_str
from . import rational as X
from .rational import MAX, Num
from .table_in import Cat, Labels, take

#: Enough digits for any decimal128 value: scaling one never rounds.
_EXACT = Context(prec=80)


def _validity(valid):
    """An Arrow validity bitmap (or None when every row is valid)."""
    if valid is None:
        return None
    return pa.array(valid, type=pa.bool_()).buffers()[1]


def _decimal_array(unscaled: np.ndarray, scale: int, valid) -> pa.Array:
    """decimal128(38, scale) from int64 unscaled values, without Python objects."""
    rows = unscaled.size
    words = np.empty(2 * rows, dtype=np.int64)
    words[0::2] = unscaled
    words[1::2] = unscaled >> 63
    return pa.Array.from_buffers(pa.decimal128(38, scale), rows,
                                 [_validity(valid), pa.py_buffer(words)])


def _decimal_or_text(fractions: list[Fraction]):
    """For distinct values: ("decimal", scale, unscaled ints) if they all fit decimal128(38, s≤18),
    else ("text", texts)."""
    scale = 0
    for f in fractions:
        places = X.decimal_places(f.denominator)
        if places is None or places > 18:
            break
        scale = max(scale, places)
    else:  # every one fits
        unscaled = [int(f * 10**scale) for f in fractions]
        if all(abs(u) < 10**38 for u in unscaled):
            return "decimal", scale, unscaled
    return "text", [exact_str(f) for f in fractions]


def _from_distinct(rows: int, fractions: list[Fraction], inverse: np.ndarray, valid) -> pa.Array:
    return _from_decided(rows, _decimal_or_text(fractions), inverse, valid)


def _from_decided(rows: int, decided, inverse: np.ndarray, valid) -> pa.Array:
    if decided[0] == "decimal" and isinstance(decided[2], np.ndarray):
        _, scale, table = decided
        return _decimal_array(table[inverse] if rows else table[:0], scale, valid)
    if decided[0] == "decimal":
        _, scale, unscaled = decided
        if all(abs(u) <= MAX for u in unscaled):
            table = np.array(unscaled, dtype=np.int64)
            return _decimal_array(table[inverse] if rows else table[:0], scale, valid)
        values = [Decimal(u).scaleb(-scale, _EXACT) for u in unscaled]
        out = [values[i] for i in inverse.tolist()]
        mask = None if valid is None else ~valid
        return pa.array(out, type=pa.decimal128(38, scale), mask=mask)
    texts = decided[1] if isinstance(decided[1], pa.Array) else \
        pa.array(decided[1], type=pa.string())
    indices = pa.array(inverse.astype(np.int32, copy=False),
                       mask=None if valid is None else ~valid)
    return pc.take(texts, indices)


def number_column(n, d, valid, rows: int) -> pa.Array:
    """An exact numeric column: decimal128(38, s) where every value has ≤ 18 decimals, else text."""
    if isinstance(n, int):
        n = np.full(rows, n, dtype=object if abs(n) > MAX else np.int64)
    obj = X.is_obj(n) or X.is_obj(d) or (isinstance(d, int) and d > MAX)
    if not obj and isinstance(d, int):
        live = n if valid is None else n[valid]
        g = X.gcd_all(live, d) if live.size else d
        den = d // g
        places = X.decimal_places(den)
        if places is not None and places <= 18:
            factor = 10**places // den
            if X.bound(live) // g * factor <= MAX:
                unscaled = n // g if g != 1 else n
                if factor != 1:
                    unscaled = unscaled * factor
                if valid is not None:
                    unscaled = np.where(valid, unscaled, 0)
                return _decimal_array(unscaled, places, valid)
    if not obj:
        nn = n if valid is None else np.where(valid, n, 0)
        dd = np.full(rows, d, dtype=np.int64) if isinstance(d, int) else \
            (d if valid is None else np.where(valid, d, 1))
        if rows:
            nlo, nhi, dlo, dhi = int(nn.min()), int(nn.max()), int(dd.min()), int(dd.max())
        else:
            nlo = nhi = 0
            dlo = dhi = 1
        dspan = dhi - dlo + 1
        size = (nhi - nlo + 1) * dspan
        if size <= 2**62:
            key = (nn - nlo) * dspan + (dd - dlo)
            if size <= max(4 * rows, 1 << 16):
                seen = np.zeros(size, dtype=bool)
                seen[key] = True
                distinct = np.flatnonzero(seen)
                code = np.zeros(size, dtype=np.int32)
                code[distinct] = np.arange(distinct.size, dtype=np.int32)
                inverse = code[key]
            else:
                distinct, inverse = np.unique(key, return_inverse=True)
            decided = X.distinct_columns(distinct // dspan + nlo, distinct % dspan + dlo)
            return _from_decided(rows, decided, inverse, valid)
        # Too many possible values for one integer key: reduce each fraction, so equal values
        # are equal pairs, and find the distinct pairs by sorting.
        common = np.gcd(nn, dd)
        rn, rd = nn // common, dd // common
        order = np.lexsort((rd, rn))
        sn, sd = rn[order], rd[order]
        first = np.ones(rows, dtype=bool)
        first[1:] = (sn[1:] != sn[:-1]) | (sd[1:] != sd[:-1])
        inverse = np.empty(rows, dtype=np.int64)
        inverse[order] = np.cumsum(first) - 1
        decided = X.distinct_columns(sn[first], sd[first])
        return _from_decided(rows, decided, inverse, valid)
    # Python ints: one Fraction per row.
    nl = n.tolist()
    dl = d.tolist() if isinstance(d, np.ndarray) else [d] * rows
    codes: dict[Fraction, int] = {}
    inverse = np.empty(rows, dtype=np.int64)
    for i, (a, b) in enumerate(zip(nl, dl, strict=True)):
        f = Fraction(int(a), int(b)) if valid is None or valid[i] else Fraction(0)
        inverse[i] = codes.setdefault(f, len(codes))
    return _from_distinct(rows, list(codes), inverse, valid)


def _list_column(names: list[str], masks: list, valid, rows: int) -> pa.Array:
    """list<string>: for each row the names whose mask holds, in order."""
    mask_arrays = [np.full(rows, m, dtype=bool) if isinstance(m, bool) else m for m in masks]
    if mask_arrays:
        grid = np.stack(mask_arrays, axis=1)
        if valid is not None:
            grid &= valid[:, None]
        counts = grid.sum(axis=1, dtype=np.int32)
        which = np.flatnonzero(grid.ravel()) % len(names)
    else:
        counts = np.zeros(rows, dtype=np.int32)
        which = np.zeros(0, dtype=np.int64)
    offsets = np.zeros(rows + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    values = pc.take(pa.array(names, type=pa.string()), pa.array(which))
    return pa.ListArray.from_arrays(pa.array(offsets), values,
                                    mask=None if valid is None else pa.array(~valid))


def _full_bool(v, rows: int) -> np.ndarray:
    return np.full(rows, v, dtype=bool) if isinstance(v, bool) else v


class Assembler:
    """Puts the vectorized rows and the reference rows back together, row-aligned."""

    def __init__(self, rows: int, ok_m: np.ndarray | None, ok_pos: np.ndarray | None,
                 ref_idx: np.ndarray, ref_results: list, labels: Labels):
        self.rows = rows
        self.ok_m = ok_m  # indices (in the batch) of the batch rows kept; None: all
        self.ok_pos = ok_pos  # their row numbers; None: the batch is every row
        self.ref_idx = ref_idx
        self.ref_ok = [(int(i), ev) for i, (ev, _) in zip(ref_idx, ref_results, strict=True)
                       if ev is not None]
        self.ref_err = [(int(i), msg) for i, (_, msg) in zip(ref_idx, ref_results, strict=True)
                        if msg is not None]
        self.labels = labels
        if ok_pos is None:
            self.valid = None
        else:
            valid = np.zeros(rows, dtype=bool)
            valid[ok_pos] = True
            valid[[i for i, _ in self.ref_ok]] = True
            self.valid = None if valid.all() else valid

    def _batch(self, v):
        return v if self.ok_m is None else take(v, self.ok_m)

    def column(self, name: str, v) -> pa.Array:
        rows = self.rows
        if isinstance(v, Num):
            n, d = self.numbers(name, v)
            valid = self.valid
            unranked = [i for i, ev in self.ref_ok if ev.values[name] is None]
            if unranked:  # a rank whose `among` leaves the record out: no value
                valid = np.ones(rows, dtype=bool) if valid is None else valid.copy()
                valid[unranked] = False
            return number_column(n, d, valid, rows)
        if isinstance(v, Cat):
            ids = self._batch(v).ids
            if self.ok_pos is not None:
                full = np.zeros(rows, dtype=np.int32)
                full[self.ok_pos] = ids
                for i, ev in self.ref_ok:
                    full[i] = self.labels.id(ev.values[name])
                ids = full
            elif isinstance(ids, int):
                ids = np.full(rows, ids, dtype=np.int32)
            names = pa.array(self.labels.names, type=pa.string())
            mask = None if self.valid is None else ~self.valid
            return pc.take(names, pa.array(ids, mask=mask))
        return pa.array(self.bools(name, v), type=pa.bool_(),
                        mask=None if self.valid is None else ~self.valid)

    def bools(self, name: str, v) -> np.ndarray:
        b = self._batch(v)
        if self.ok_pos is None:
            return _full_bool(b, self.rows)
        full = np.zeros(self.rows, dtype=bool)
        full[self.ok_pos] = b
        for i, ev in self.ref_ok:
            full[i] = ev.values[name]
        return full

    def numbers(self, name: str, v: Num):
        sub = self._batch(v)
        if self.ok_pos is None:
            return sub.n, sub.d
        refs = [(i, Fraction(ev.values[name] or 0)) for i, ev in self.ref_ok]
        big = sub.nb > MAX or sub.db > MAX or \
            any(abs(f.numerator) > MAX or f.denominator > MAX for _, f in refs)
        dtype = object if sub.obj or big else np.int64
        d: int | np.ndarray  # one denominator for every row, or one per row
        if isinstance(sub.d, int) and all(sub.d % f.denominator == 0 for _, f in refs):
            den = sub.d
            d = den
        else:
            den = None
            d = np.ones(self.rows, dtype=dtype)
            d[self.ok_pos] = sub.d
        n = np.zeros(self.rows, dtype=dtype)
        n[self.ok_pos] = sub.n
        for i, f in refs:
            if den is None:
                assert isinstance(d, np.ndarray)
                n[i], d[i] = f.numerator, f.denominator
            else:
                n[i] = f.numerator * (den // f.denominator)
        if dtype is np.int64 and den is not None and X.bound(n) > MAX:  # pragma: no cover
            n = n.astype(object)
        return n, d

    def names_column(self, names: tuple[str, ...], batch_values: dict) -> pa.Array:
        """list<string>: the names (vetoes or outcomes) whose conditions hold, per row."""
        masks = [self.bools(n, batch_values[n]) for n in names]
        return _list_column(list(names), masks, self.valid, self.rows)

    def error_column(self) -> pa.Array:
        if not self.ref_err:
            return pa.nulls(self.rows, type=pa.string())
        messages: dict[str, int] = {}
        codes = np.zeros(self.rows, dtype=np.int32)
        has = np.zeros(self.rows, dtype=bool)
        for i, msg in self.ref_err:
            codes[i] = messages.setdefault(msg, len(messages))
            has[i] = True
        return pc.take(pa.array(list(messages), type=pa.string()), pa.array(codes, mask=~has))


