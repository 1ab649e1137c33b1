"""Records near a line: those whose decisions would change if ONE vote moved.

A *move* takes one vote of a ballot from a category that has one to any other category of the
same ballot (a vote counted in the wrong column, whichever column: not only the adjacent one), so
a ballot of four categories has up to twelve moves. A record's *decisions* are its grades, the
vetoes applied and the outcomes: a move *changes* the record when any of them differs afterwards,
or when the record could no longer be graded. Numbers (shares, scores) change with nearly every
move and are not decisions. Records that cannot be graded are not near a line: they are errors.

Every move is decided by evaluating the moved record with the ruleset, so the list is exact; what
makes it fast is knowing which moves cannot change anything and which moved records must grade
alike. A ballot whose only uses are ``share(B: …)`` or ``votes(B: …)`` compared with a constant
(directly, or through a ``let``/``score`` that is exactly that share and is used only so), and
``total(B)`` (which no move changes), is *screened*: every decision depends on it only through the
truth of those comparisons, and a move changes a comparison only when it crosses its line. So a
move that crosses no line changes nothing, and two moved records with the same other inputs and
the same truths decide alike: each such class is evaluated once. Any other use (``points``,
arithmetic on a share, a share compared with a share) makes the ballot *general*: each of its
moves is evaluated. A ruleset with group rules is not handled (one vote there can move another
record): :func:`near_the_line` raises :class:`~evalrules.diagnostics.GroupRulesError`.

The screening is column-wise with numpy where it is installed (integer arithmetic, exact: it
falls back to Python's integers for counts too large for int64), in plain Python otherwise; the
moves that cross a line are then evaluated one by one as above.

Imports :mod:`ast`, :mod:`values`, :mod:`io`, :mod:`backends.reference` (constants) and
:mod:`grading`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, cast

from attrs import frozen

from .. import ast
from ..backends import reference
from ..columns import input_columns
from ..diagnostics import GroupRulesError, InputError
from ..grading import Graded
from ..io import Sheet, record_of
from ..ruleset import Ruleset
from ..values import to_count

#: A record's decisions: (its grades in the ruleset's order, vetoes applied, outcomes).
Decisions = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]

_OPS: dict[str, Callable] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@frozen
class Move:
    """One vote of ``ballot`` counted in ``target`` instead of ``source``."""

    ballot: str
    source: str
    target: str


@frozen
class Change:
    """What ``move`` would do to a record: its decisions ``before`` and ``after`` (None: the
    moved record cannot be graded, ``error`` says why)."""

    move: Move
    before: Decisions
    after: Decisions | None
    error: str | None = None


@frozen
class Near:
    """Record ``index`` (from 0, as in the sheet) and every move that would change it, in
    ballot order, then source category, then target category."""

    index: int
    changes: tuple[Change, ...]


@frozen
class _Line:
    """``share``/``votes`` of ``categories`` ``op`` ``value``, the ballot's count on the left."""

    categories: frozenset[str]
    share: bool
    op: str
    value: Fraction

    def holds(self, votes, total):
        """Whether the line holds for these votes of its categories out of ``total`` (ints, or
        numpy integer arrays alike)."""
        p, q = self.value.numerator, self.value.denominator
        # share: votes/total op p/q ⟺ votes·q op p·total (total, q > 0): exact, in integers
        return _OPS[self.op](votes * q, p * total if self.share else p)


def screens(ruleset: Ruleset) -> dict[str, tuple[_Line, ...] | None]:
    """Each ballot → the lines a move of it can cross (screened), or None (general)."""
    checked = ruleset.checked
    shares = {name: decl.expr for name, decl in checked.definitions.items()
              if isinstance(decl, (ast.Let, ast.Score))
              and isinstance(decl.expr, (ast.Share, ast.Votes))}
    lines: dict[str, list[_Line]] = {b: [] for b in checked.ballots}
    general: set[str] = set()
    placed: set[int] = set()  # the ballot nodes in a recognised place
    roots: list[ast.Expr] = [r for decl in checked.definitions.values()
                             for r in ast.expressions(decl)]
    roots += [req.condition for req in checked.requires]
    for expr in shares.values():
        placed.add(id(expr))
    for root in roots:
        for node in ast.walk(root):
            if not isinstance(node, ast.Compare) or node.order is not None:
                continue
            for side, other, op in ((node.left, node.right, node.op),
                                    (node.right, node.left, _FLIPPED[node.op])):
                counted = shares.get(side.name) if isinstance(side, ast.Ref) else side
                if not isinstance(counted, (ast.Share, ast.Votes)):
                    continue
                value = _constant(ruleset, other)
                if value is not None:
                    placed.add(id(side))
                    lines[counted.ballot].append(_Line(
                        frozenset(counted.categories), isinstance(counted, ast.Share), op,
                        value))
    for root in roots:
        for node in ast.walk(root):
            match node:
                case ast.Share(ballot=b) | ast.Votes(ballot=b) if id(node) not in placed:
                    general.add(b)
                case ast.Points(ballot=b):
                    general.add(b)
                case ast.Ref(name=name) if name.split(".", 1)[0] in checked.ballots:
                    general.add(name.split(".", 1)[0])
                case ast.Ref(name=name) if name in shares and id(node) not in placed:
                    general.add(shares[name].ballot)
    return {b: None if b in general else tuple(dict.fromkeys(lines[b]))
            for b in checked.ballots}


def _constant(ruleset: Ruleset, expr: ast.Expr) -> Fraction | None:
    """The value of an expression of numbers and number params only, else None."""
    checked = ruleset.checked
    for node in ast.walk(expr):
        match node:
            case ast.Number() | ast.Negate() | ast.Arithmetic() | ast.Call():
                pass
            case ast.Ref(name=n) if n in checked.params and checked.types[n].kind == "number":
                pass
            case _:
                return None
    try:
        value = reference.evaluate_expression(checked, ruleset.constants, expr, {})
    except InputError:  # a division by zero among the params
        return None
    return Fraction(value) if isinstance(value, (int, Fraction)) else None


def cell_count(cell: object, ballot: str, category: str) -> int | None:
    """A vote count as the ruleset reads it (the common cells directly, any other through
    :func:`values.to_count`); None where it is not one."""
    if type(cell) is int:
        return cell if cell >= 0 else None
    if type(cell) is str:
        text = cell.strip()
        if text.isascii() and text.isdigit():
            return int(text)
    try:
        return to_count(cell, ballot, category, f"ballot {ballot}")
    except InputError:
        return None


def decisions(graded: Graded) -> list[Decisions | None]:
    """Each record's decisions (None where it has an error)."""
    grades = [graded.values[g] for g in graded.ruleset.grades]
    return [None if error is not None else
            (tuple(str(g[i]) for g in grades), graded.vetoes[i], graded.outcomes[i])
            for i, error in enumerate(graded.errors)]


def decisions_of(ruleset: Ruleset, result) -> Decisions:
    """A :class:`~evalrules.result.Result`'s decisions."""
    return (tuple(str(result[g]) for g in ruleset.grades), tuple(result.vetoes),
            tuple(result.outcomes))


def moves(counts: Sequence[int]) -> Iterator[tuple[int, int]]:
    """(source, target) category indexes of every move a ballot with these counts allows."""
    for s, n in enumerate(counts):
        if n > 0:
            for t in range(len(counts)):
                if t != s:
                    yield s, t


def near_the_line(graded: Graded, *, numpy: bool = True) -> list[Near]:
    """The records of a graded sheet near a line, in the sheet's order (see the module doc).
    ``numpy=False`` screens in plain Python even where numpy is installed (the same list)."""
    ruleset = graded.ruleset
    if ruleset.checked.groups:
        raise GroupRulesError(f"{ruleset.name} has group rules: one vote can move another "
                              "record's grade, so records near a line are not listed")
    context = _Context(graded)
    found = _found_numpy(context) if numpy else None
    if found is None:
        found = _found(context)
    found.sort(key=lambda f: f[:4])
    out: list[Near] = []
    for i, *_, change in found:
        if out and out[-1].index == i:
            out[-1] = Near(i, (*out[-1].changes, change))
        else:
            out.append(Near(i, (change,)))
    return out


#: A change found: (record, ballot's number, source, target, the change).
_Found = tuple[int, int, int, int, Change]


class _Context:
    """What both ways of finding the changes share: the records, their decisions, the ballots
    and the evaluation of a moved record."""

    def __init__(self, graded: Graded):
        ruleset = self.ruleset = graded.ruleset
        checked = ruleset.checked
        self.decided = decisions(graded)
        self.sheet = sheet = graded.sheet
        self.columns = input_columns(checked)
        screened = screens(ruleset)
        totals = {n.ballot for decl in checked.definitions.values()
                  for r in ast.expressions(decl) for n in ast.walk(r) if isinstance(n, ast.Total)}
        totals |= {n.ballot for req in checked.requires for n in ast.walk(req.condition)
                   if isinstance(n, ast.Total)}
        self.ballots = [_Ballot(b, cats, screened[b],
                                ballot_counts(sheet, b, cats, self.decided),
                                b in totals) for b, cats in checked.ballots.items()]
        self.plain = [c for c in ruleset.inputs if c not in checked.ballots and c in sheet.cells]
        #: the records one vote may change: graded, every count read
        self.rows = [i for i, d in enumerate(self.decided) if d is not None
                     and all(b.has(i) for b in self.ballots)]

    def plain_key(self, i: int) -> object:
        """Record ``i``'s inputs other than ballots, as a key (cells as the sheet has them)."""
        return tuple(self.sheet.cells[c][i] for c in self.plain)

    def evaluate(self, i: int, ballot: _Ballot, s: int, t: int
                 ) -> tuple[Decisions | None, str | None]:
        """Record ``i``'s decisions with one vote of ``ballot`` moved from ``s`` to ``t`` (None
        and the error where it cannot be graded)."""
        counts = list(ballot.counts(i))
        counts[s] -= 1
        counts[t] += 1
        moved = {k: v for k, v in record_of(self.sheet.record(i), self.columns).items()
                 if k != ballot.name and not k.startswith(ballot.name + ".")}
        moved.update((f"{ballot.name}.{c}", n)
                     for c, n in zip(ballot.categories, counts, strict=True))
        try:
            return decisions_of(self.ruleset, self.ruleset.evaluate(moved)), None
        except InputError as e:
            return None, str(e)

    def change(self, i: int, number: int, s: int, t: int, after: Decisions | None,
               error: str | None) -> _Found:
        ballot = self.ballots[number]
        before = self.decided[i]
        assert before is not None  # only graded records are moved
        move = Move(ballot.name, ballot.categories[s], ballot.categories[t])
        return (i, number, s, t, Change(move, before, after, error))


def _found(context: _Context) -> list[_Found]:
    """The changes, record by record in plain Python."""
    memo: dict[object, tuple[Decisions | None, str | None]] = {}
    found: list[_Found] = []
    for i in context.rows:
        before = context.decided[i]
        parts = [b.part(i) for b in context.ballots]
        for number, ballot in enumerate(context.ballots):
            for s, t, part in ballot.moves(i):
                key = _hashable((context.plain_key(i), *parts[:number], part,
                                 *parts[number + 1:]))
                if key not in memo:
                    memo[key] = context.evaluate(i, ballot, s, t)
                after, error = memo[key]
                if error is not None:  # its own message (it may name the record's values)
                    after, error = context.evaluate(i, ballot, s, t)
                if after != before:
                    found.append(context.change(i, number, s, t, after, error))
    return found


def _hashable(key: tuple) -> object:
    try:
        hash(key)
    except TypeError:  # a JSON record's list or mapping: equal values print alike
        return repr(key)
    return key


def _ids(keys, table: dict) -> list[int]:
    """Each key's number in ``table`` (new keys numbered as they come)."""
    return [table.setdefault(_hashable(k), len(table)) for k in keys]


def _found_numpy(context: _Context) -> list[_Found] | None:
    """The changes found column-wise: every move's key (the moved record's other inputs, each
    ballot's truths or counts) as a row of integers, each distinct key evaluated once. None
    without numpy, or where a count or a line is too large for int64 arithmetic."""
    try:
        import numpy as np
    except ImportError:
        return None
    rows = context.rows
    if not rows:
        return []
    ballots = context.ballots
    for ballot in ballots:
        biggest = max(max(max(ballot.counts(i)) for i in rows), 1) * len(ballot.categories) + 1
        factor = max([abs(line.value.numerator) + line.value.denominator
                      for line in ballot.lines or ()] + [1])
        if biggest * factor >= 2 ** 62 or len(ballot.lines or ()) > 62:
            return None
    decisions_table: dict = {}
    before = np.array(_ids((context.decided[i] for i in rows), decisions_table))
    base = [np.array(_ids((context.plain_key(i) for i in rows), {}))]
    counts = [np.array([b.counts(i) for i in rows], dtype=np.int64) for b in ballots]
    holds: list[list[dict[int, Any]]] = []
    count_ids: list[dict] = []
    for ballot, matrix in zip(ballots, counts, strict=True):
        total = matrix.sum(axis=1)
        count_ids.append({})
        if ballot.lines is None:
            holds.append([])
            base.append(np.array(_ids(map(tuple, matrix.tolist()), count_ids[-1])))
            continue
        within = [matrix[:, [c in line.categories for c in ballot.categories]].sum(axis=1)
                  for line in ballot.lines]
        holds.append([{d: np.asarray(line.holds(within[j] + d, total)) for d in (-1, 0, 1)}
                      for j, line in enumerate(ballot.lines)])
        base.append(_bits([h[0] for h in holds[-1]], len(rows)))
        base.append(total if ballot.total_used else (total > 0).astype(np.int64))
    keys, where = [], []
    column = 1
    for number, (ballot, matrix) in enumerate(zip(ballots, counts, strict=True)):
        width = 1 if ballot.lines is None else 2
        for s in range(len(ballot.categories)):
            for t in range(len(ballot.categories)):
                if s == t:
                    continue
                movable = matrix[:, s] > 0
                if ballot.lines is None:
                    picked = np.flatnonzero(movable)
                    moved = matrix[picked]
                    moved[:, s] -= 1
                    moved[:, t] += 1
                    part = [np.array(_ids(map(tuple, moved.tolist()), count_ids[number]),
                                     dtype=np.int64)]
                else:
                    deltas = ballot.deltas(s, t)
                    shifted = [h[deltas[j]] for j, h in enumerate(holds[number])]
                    crossed = np.zeros(len(rows), dtype=bool)
                    for j, h in enumerate(holds[number]):
                        if deltas[j]:
                            crossed |= shifted[j] != h[0]
                    picked = np.flatnonzero(crossed & movable)
                    part = [_bits([a[picked] for a in shifted], len(picked)),
                            base[column + 1][picked]]
                if not len(picked):
                    continue
                key = [c[picked] for c in base]
                key[column:column + width] = part
                keys.append(np.column_stack(key))
                where.append(np.column_stack([picked, np.full(len(picked), number),
                                              np.full(len(picked), s), np.full(len(picked), t)]))
        column += width
    if not keys:
        return []
    moves = np.concatenate(where)
    first, inverse = _distinct(np.concatenate(keys))
    outcome: list[int] = []
    for position in first.tolist():
        r, number, s, t = moves[position].tolist()
        after, error = context.evaluate(rows[r], ballots[number], s, t)
        outcome.append(-1 if after is None else _ids([after], decisions_table)[0])
    afters = np.array(outcome)[inverse]
    by_id = {v: k for k, v in decisions_table.items()}
    found: list[_Found] = []
    for position in np.flatnonzero(afters != before[moves[:, 0]]).tolist():
        r, number, s, t = moves[position].tolist()
        if afters[position] == -1:
            after, error = context.evaluate(rows[r], ballots[number], s, t)
        else:
            after, error = by_id[int(afters[position])], None
        found.append(context.change(rows[r], number, s, t, after, error))
    return found


def _distinct(keys):
    """(the first row of each distinct row of an int64 matrix, each row's distinct number): one
    integer per row (mixed radix of each column's distinct values) where it fits in int64."""
    import numpy as np

    combined = np.zeros(len(keys), dtype=np.int64)
    size = 1
    for column in keys.T:
        values, inverse = np.unique(column, return_inverse=True)
        size *= len(values)
        if size >= 2 ** 62:
            _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
            return first, inverse.reshape(-1)
        combined = combined * len(values) + inverse.reshape(-1)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _bits(columns: Sequence, length: int):
    """Truth columns packed into one int64 column (line ``j`` as bit ``j``)."""
    import numpy as np

    packed = np.zeros(length, dtype=np.int64)
    for j, column in enumerate(columns):
        packed |= column.astype(np.int64) << j
    return packed


def ballot_counts(sheet: Sheet, ballot: str, categories: Sequence[str],
                  decided: Sequence[object]) -> list[tuple[int, ...] | None]:
    """Each record's counts of ``ballot`` (None for a record with an error, ``decided[i]`` None,
    or a count that cannot be read)."""
    if all(f"{ballot}.{c}" in sheet.cells for c in categories):
        cells = [sheet.cells[f"{ballot}.{c}"] for c in categories]
        try:
            # A graded record's count is one to_count reads; where int() reads it too, it reads
            # the same number (whole numbers, as int, float or text). Others: cell by cell.
            read = list(zip(*(map(int, column) for column in cells), strict=True))
        except (TypeError, ValueError, OverflowError):
            read = [tuple(cell_count(v, ballot, c) for v, c in zip(row, categories, strict=True))
                    for row in zip(*cells, strict=True)]
        return [None if d is None or None in counts else counts
                for d, counts in zip(decided, read, strict=True)]
    nested = sheet.cells.get(ballot, [None] * len(sheet))  # JSON: the ballot as one object
    out: list[tuple[int, ...] | None] = []
    for d, value in zip(decided, nested, strict=True):
        counts = (tuple(cell_count(value.get(c), ballot, c) for c in categories)
                  if d is not None and isinstance(value, Mapping) else None)
        out.append(None if counts is None or None in counts
                   else cast(tuple[int, ...], counts))
    return out


class _Ballot:
    """One ballot's counts in every record, and the moves of it worth evaluating."""

    def __init__(self, name: str, categories: tuple[str, ...], lines: tuple[_Line, ...] | None,
                 counts: list[tuple[int, ...] | None], total_used: bool):
        self.name, self.categories, self.lines = name, categories, lines
        self.total_used = total_used
        self._counts = counts

    def has(self, i: int) -> bool:
        return self._counts[i] is not None

    def counts(self, i: int) -> tuple[int, ...]:
        counts = self._counts[i]
        assert counts is not None  # asked for graded records only
        return counts

    def part(self, i: int, deltas: Sequence[int] | None = None) -> object:
        """What record ``i``'s decisions depend on of this ballot (its lines' truths with these
        changes to their counts, and its total or whether it has votes; a general ballot's
        counts)."""
        counts = self.counts(i)
        if self.lines is None:
            return counts
        total = sum(counts)
        deltas = deltas or (0,) * len(self.lines)
        truths = tuple(
            bool(line.holds(sum(n for c, n in zip(self.categories, counts, strict=True)
                                if c in line.categories) + deltas[j], total))
            for j, line in enumerate(self.lines))
        # the total where total(B) is used, else whether there are votes (a share of none fails)
        return truths, total if self.total_used else total > 0

    def deltas(self, s: int, t: int) -> tuple[int, ...]:
        """How a move from ``s`` to ``t`` changes each line's count."""
        source, target = self.categories[s], self.categories[t]
        return tuple((target in line.categories) - (source in line.categories)
                     for line in self.lines or ())

    def moves(self, i: int) -> Iterator[tuple[int, int, object]]:
        """(source, target, the moved ballot's part) of each move of record ``i`` that may
        change it: for a screened ballot those that cross a line, for a general one all."""
        counts = self.counts(i)
        base = self.part(i)
        for s, t in moves(counts):
            if self.lines is None:
                moved = list(counts)
                moved[s] -= 1
                moved[t] += 1
                yield s, t, tuple(moved)
                continue
            part = self.part(i, self.deltas(s, t))
            if part != base:
                yield s, t, part
