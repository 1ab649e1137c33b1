"""Grade every record of a :class:`~evalrules.io.Sheet`: :func:`grade` → :class:`Graded`.

What the ``eval``, ``report``, ``explain`` and ``diff`` commands share: the records of a file read
by the kinds of the ruleset's columns (:mod:`io.cells`), graded, and the results kept column by
column beside the sheet they came from, so a writer can put each result on its record's row. A
record that cannot be graded keeps its error and every other record is still graded: no row is
lost. A full :class:`~evalrules.result.Result` (for an explanation) is made again for the records
that need one (:meth:`Graded.result`), not kept for every record.

Imports :mod:`io`, :mod:`columns` and the public face (:mod:`ruleset`, :mod:`result`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain
from typing import TYPE_CHECKING

from attrs import field, frozen

from .columns import RESULT_COLUMNS, input_columns, value_columns
from .io import Sheet, record_of
from .messages import Phrase
from .result import Result
from .ruleset import Ruleset

if TYPE_CHECKING:
    from .columnwise import Columns


@frozen
class Graded:
    """The results of every record of a sheet, column by column.

    ``values[name][i]`` is named value ``name`` of record ``i`` (None where the record has an
    error); ``vetoes[i]`` and ``outcomes[i]`` the names that apply to it; ``errors[i]`` the
    message of the :class:`~evalrules.diagnostics.InputError` that stopped it, or None.
    ``unused`` are the sheet's columns the ruleset does not read (an earlier run's results
    aside), ``missing`` the columns it needs and the sheet lacks.
    """

    ruleset: Ruleset
    sheet: Sheet
    values: Mapping[str, list] = field(eq=False)
    vetoes: list[tuple[str, ...]] = field(eq=False)
    outcomes: list[tuple[str, ...]] = field(eq=False)
    errors: list[str | None] = field(eq=False)
    unused: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    _results: dict[int, Result] = field(init=False, factory=dict, eq=False, repr=False)
    _said: dict[str, list[str | None]] = field(init=False, factory=dict, eq=False, repr=False)

    def __len__(self) -> int:
        return len(self.sheet)

    @property
    def failed(self) -> int:
        """How many records have an error."""
        return sum(e is not None for e in self.errors)

    def counts(self) -> dict[str, Counter]:
        """Each grade table → how many records got each grade."""
        return {g: Counter(v for v in self.values[g] if v is not None)
                for g in self.ruleset.grades}

    def tally(self, attribute: str) -> Counter:
        """How many records each veto (``"vetoes"``) or outcome (``"outcomes"``) applies to,
        every one of the ruleset's named (zero where none)."""
        counter = Counter(dict.fromkeys(getattr(self.ruleset, attribute), 0))
        counter.update(chain.from_iterable(getattr(self, attribute)))
        return counter

    def record(self, i: int) -> dict:
        """The record the ruleset reads from row ``i`` (from 0) of the sheet."""
        return record_of(self.sheet.record(i), input_columns(self.ruleset.checked))

    def result(self, i: int) -> Result:
        """Record ``i``'s full :class:`Result` (its trace and explanation), made again when first
        asked for; ``result.error`` is set where the record cannot be graded. With group rules
        the record is graded among all the records of the sheet, as :func:`grade` graded it."""
        if i not in self._results:
            if not self.ruleset.checked.groups:
                self._results[i] = next(self.ruleset.evaluate_many([self.record(i)]))
            else:
                records = [self.record(j) for j in range(len(self))]
                self._results.update(enumerate(self.ruleset.evaluate_many(records)))
        return self._results[i]

    def group_warnings(self) -> list[Phrase]:
        """Each group decided with records in error (they still count in its size), once, as
        :attr:`Result.warnings` says it; with group rules and a record in error, the records
        are graded again to find them."""
        if not self.ruleset.checked.groups or not self.failed:
            return []
        found: dict[tuple, Phrase] = {}
        for i in range(len(self)):
            for w in self.result(i).warnings if self.errors[i] is None else ():
                found.setdefault((w.key, *sorted(w.values.items())), w)
        return list(found.values())

    def error_texts(self, lang: str = "en") -> list[str | None]:
        """Each record's error (None where it has none) said in ``lang``. ``errors`` holds the
        English text; in another language each failed record is graded again, all in one call,
        for its :class:`~evalrules.diagnostics.InputError` (the column-wise path keeps only the
        text; a record gives the same error either way: tests/test_grading.py)."""
        if lang == "en":
            return list(self.errors)
        if lang in self._said:
            return list(self._said[lang])
        failed = [i for i, e in enumerate(self.errors) if e is not None]
        again = [i for i in failed if i not in self._results]
        if again and not self.ruleset.checked.groups:
            graded = self.ruleset.evaluate_many([self.record(i) for i in again])
            self._results.update(zip(again, graded, strict=True))
        out: list[str | None] = [None] * len(self)
        for i in failed:
            error = self.result(i).error
            out[i] = error.text(lang) if error is not None else self.errors[i]
        self._said[lang] = out
        return list(out)

    def error_text(self, i: int, lang: str = "en") -> str | None:
        """Record ``i``'s error in ``lang`` (:meth:`error_texts`), or None."""
        if self.errors[i] is None or lang == "en":
            return self.errors[i]
        if lang not in self._said:
            self.error_texts(lang)
        return self._said[lang][i]

    def columns(self) -> dict[str, list]:
        """What ``-o`` writes, column by column: the sheet's columns (an earlier run's results
        left out), then each named value, ``vetoes`` and ``outcomes`` (joined by 、) and
        ``error`` (empty where none). Graded column by column, a column of results holds one
        object per distinct value, shared by the rows that have it: a writer converting each
        distinct value once (keyed by the value) converts a few hundred, not every cell."""
        names = list(self.values)
        replaced = {*names, *RESULT_COLUMNS}
        out = {c: self.sheet.cells[c] for c in self.sheet.columns if c not in replaced}
        out.update((n, self.values[n]) for n in names)
        out.update(vetoes=_joined(self.vetoes), outcomes=_joined(self.outcomes),
                   error=[e or "" for e in self.errors])
        return out

    def rows(self) -> Iterator[dict]:
        """Every row as ``-o`` writes it, as :meth:`columns` gives them."""
        columns = self.columns()
        keys = list(columns)
        for values in zip(*columns.values(), strict=True):
            yield dict(zip(keys, values, strict=True))


def _joined(names: list[tuple[str, ...]]) -> list[str]:
    """Each row's names as one text, each distinct set of names joined once."""
    texts: dict[tuple[str, ...], str] = {}
    return [texts.get(n) or texts.setdefault(n, "、".join(n)) for n in names]


#: Records from which :func:`grade` reads and grades column by column (when numpy and pyarrow are
#: installed): below it, importing them (and pandas, which pyarrow imports on its first conversion
#: of Python objects) costs more than it saves (docs/performance.md).
COLUMNWISE_FROM = 5000


def grade(ruleset: Ruleset, sheet: Sheet, *,
          progress: Callable[[list], Iterable] | None = None,
          columnwise: bool | None = None) -> Graded:
    """Grade every record of ``sheet``; a record with an error keeps it and the others are
    still graded. ``progress`` wraps the records as they are graded one by one (a progress bar).

    ``columnwise``: read and grade the cells column by column through the vectorized backend
    (True), or every record by :meth:`Ruleset.evaluate_many` over :func:`record_of` (False); by
    default column by column from :data:`COLUMNWISE_FROM` records when numpy and pyarrow are
    installed. Both give the same results, errors included (tests/test_grading.py)."""
    columns = input_columns(ruleset.checked)
    names = value_columns(ruleset.checked)
    replaced = {*names, *RESULT_COLUMNS}  # results of an earlier run
    unused = tuple(c for c in sheet.columns if c not in columns and c not in replaced)
    missing: list[str] = []
    for name, f in ruleset.inputs.items():
        wanted = [f"{name}.{c}" for c in f.labels] if f.kind == "ballot" else [name]
        if f.kind == "ballot" and name in sheet.columns:
            continue  # JSON: the ballot as one object
        missing.extend(c for c in wanted
                       if c not in sheet.columns and (f.required or f.kind == "ballot"))
    results = None
    if columnwise is None and len(sheet) < COLUMNWISE_FROM:
        columnwise = False
    if columnwise is not False:
        try:
            from .columnwise import grade_columns
        except ImportError:  # numpy or pyarrow is not installed: row by row
            if columnwise:
                raise
        else:
            results = grade_columns(ruleset, sheet, names,
                                    lambda records: _each(ruleset, records, names, progress))
    if results is None:
        results = _row_by_row(ruleset, sheet, names, progress)
    return Graded(ruleset, sheet, *results, unused, tuple(missing))


def _row_by_row(ruleset: Ruleset, sheet: Sheet, names: list[str],
                progress: Callable[[list], Iterable] | None) -> Columns:
    columns = input_columns(ruleset.checked)
    return _each(ruleset, [record_of(row, columns) for row in sheet.records()], names, progress)


def _each(ruleset: Ruleset, records: list[dict], names: list[str],
          progress: Callable[[list], Iterable] | None) -> Columns:
    """Records graded by :meth:`Ruleset.evaluate_many` (so a group ruleset grades each among the
    others of its group), results column by column."""
    values: dict[str, list] = {n: [] for n in names}
    vetoes: list[tuple[str, ...]] = []
    outcomes: list[tuple[str, ...]] = []
    errors: list[str | None] = []
    for result in ruleset.evaluate_many(records if progress is None else progress(records)):
        if result.error is not None:
            for n in names:
                values[n].append(None)
            vetoes.append(())
            outcomes.append(())
            errors.append(str(result.error))
        else:
            for n in names:
                values[n].append(result[n])
            vetoes.append(tuple(result.vetoes))
            outcomes.append(tuple(result.outcomes))
            errors.append(None)
    return values, vetoes, outcomes, errors
