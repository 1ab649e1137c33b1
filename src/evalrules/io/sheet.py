"""A data file's records once its layout is understood: :class:`Sheet`.

A reader (:mod:`io.read`) finds where the records are — which worksheet, which rows hold the
header, which rows are records and which are titles or totals — and hands over a ``Sheet``: the
columns, the cells column by column as the file holds them (text, numbers, bools, None for an
empty cell; a JSON record's values as they are), each record's row in the file, and :class:`Note`
s saying what the reader did that the user should know (a sheet chosen, title rows skipped, merged
cells filled, a 合计 row left out), and the headers it considered (:class:`Candidate`, for a
message saying where it looked when no record is found). Cells are not yet read by the ruleset's
kinds: that is :mod:`io.cells`. Writers take a ``Sheet`` to put the results back where the records
came from.

Imports :mod:`io.common` only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from attrs import field, frozen

from .common import Note, named, spans

__all__ = ["Candidate", "Note", "Sheet"]


@frozen
class Candidate:
    """A header a reader considered: its worksheet (None for a CSV file), its rows in the file
    (two for a two-row header), the column names it gives, and how many rows are below it."""

    sheet: str | None
    rows: tuple[int, ...]
    columns: tuple[str, ...]
    below: int

    def note(self) -> Note:
        """Where this header is and what it names, as a message says it."""
        values = {"rows": spans(self.rows), "columns": named(self.columns), "below": self.below}
        if self.sheet is None:
            return Note("read.candidate_csv", values)
        if not self.rows:
            return Note("read.blank_sheet", {"sheet": self.sheet})
        return Note("read.candidate", {"sheet": self.sheet, **values})


@frozen
class Sheet:
    """The records of a data file, column by column.

    ``source`` names the file as a message shows it; ``sheet`` the worksheet read (None for a
    CSV or JSON file). ``cells[column][i]`` is record ``i``'s cell; a JSON record that lacks a
    key has None there, as an empty cell. ``rows[i]`` is record ``i``'s row as the user finds it
    in the file: Excel's row number, a CSV's line number (from 1; a line break inside a quoted
    cell counts), a JSON file's record number. ``header_rows`` are the rows the header was read
    from (two for a two-row header; empty for JSON). ``candidates`` are the headers the reader
    considered, the one read first, then the best of each other worksheet it looked at.
    """

    source: str
    columns: tuple[str, ...]
    cells: Mapping[str, list] = field(eq=False)
    rows: tuple[int, ...]
    sheet: str | None = None
    header_rows: tuple[int, ...] = ()
    notes: tuple[Note, ...] = ()
    candidates: tuple[Candidate, ...] = ()

    def __attrs_post_init__(self) -> None:
        if list(self.cells) != list(self.columns):
            raise ValueError("a Sheet's cells are its columns, in order")
        if any(len(c) != len(self.rows) for c in self.cells.values()):
            raise ValueError("every column of a Sheet has one cell per record")

    def __len__(self) -> int:
        return len(self.rows)

    def record(self, i: int) -> dict:
        """Record ``i`` (from 0) as a dict: column → cell, the columns in their order."""
        return {c: cells[i] for c, cells in self.cells.items()}

    def records(self) -> Iterator[dict]:
        """Every record as :meth:`record` gives it, in the file's order."""
        columns = list(self.cells)
        for values in zip(*self.cells.values(), strict=True):
            yield dict(zip(columns, values, strict=True))
        if not columns:
            yield from ({} for _ in self.rows)
