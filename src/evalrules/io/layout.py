"""How a worksheet's cells become records: which row is the header, what each column is called,
which rows below it are records. A reader (:mod:`io.csv_in`, :mod:`io.xlsx_in`) hands over a
:class:`Grid` (the cells as the file holds them, each row's number in the file, the merged ranges);
:func:`find_header` finds the header, :func:`arrange` makes the :class:`Sheet`.

The header is looked for in the first :data:`WINDOW` rows that hold something. Given the columns a
ruleset reads (``wanted``), it is the row — or the two rows, when a merged upper cell stands over
names below it (``班子测评`` over ``优秀 较好 …`` → ``班子测评.优秀``) — whose names are most often
wanted columns. Without them (or when no row names any), it is the first row that is not a title:
a title is a row with one cell (``2025年度…汇总表``), a row of ``label：value`` cells
(``填报单位：…``) or a row filling less than a third of the table's width; a merged upper cell
still joins two rows.

Below the header, blank rows are no records; a merged range takes its value in every cell it
covers (a 是 merged down over three teams is 是 for each); a row whose first cell, or a cell of a
column the ruleset does not read, says 合计/小计/总计/平均 (spaces aside) is a total, not a
record. Each of these, and the title rows above the header, is said in a :class:`Note`.

Imports :mod:`io.common`, :mod:`io.sheet` and :mod:`columns`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from attrs import field, frozen

from ..columns import column_letter
from .common import Note, ReadError, cell_name, named, short, spans
from .sheet import Candidate, Sheet

#: What the id or name cell of a row of totals says (whitespace taken out).
TOTALS = ("合计", "小计", "总计", "平均")
#: Rows holding something among which the header is looked for; a reader hands over at least
#: :data:`TOP` rows of a sheet to look in.
WINDOW = 30
TOP = 60


@frozen
class Grid:
    """A worksheet's cells as a reader found them, before its layout is understood.

    ``columns[c][i]`` is the cell of column ``c`` (from 0, A) in row ``i`` of the grid, as the
    file holds it (an empty cell None or ``""``); every column has one cell per row. ``rows[i]``
    is row ``i``'s number in the file. ``merges`` are the merged ranges, (first row, first column,
    last row, last column) in grid indices. ``strict``: a value right of the header is an error
    (CSV) rather than a cell outside the table (a workbook). ``notes`` say what the reader did.
    :func:`arrange` fills merged ranges into ``columns`` in place.
    """

    source: str
    sheet: str | None
    columns: list[list] = field(eq=False)
    rows: Sequence[int] = field(eq=False)
    merges: tuple[tuple[int, int, int, int], ...] = ()
    strict: bool = False
    notes: tuple[Note, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, i: int) -> list:
        return [c[i] for c in self.columns]


@frozen
class Header:
    """Where a header is: its first grid row, its height (1, or 2 joined), the names it gives
    (``""`` for a blank cell; none after the last name), how many are wanted, and whether two rows
    were joined at merged cells."""

    start: int
    height: int
    names: tuple[str, ...]
    score: int = 0
    merged: bool = False

    @property
    def end(self) -> int:
        """The first grid row below the header."""
        return self.start + self.height


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and (value == "" or value.isspace()))


def text(value: object) -> str:
    """A header cell as a column name."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def find_header(grid: Grid, wanted: Collection[str] | None = None) -> Header | None:
    """The header of a grid (see the module doc); None when the first rows are all blank."""
    found: dict[int, list[str]] = {}
    for i in range(len(grid)):
        if len(found) == WINDOW:
            break
        names = [text(v) for v in grid.row(i)]
        if any(names):
            while not names[-1]:
                names.pop()
            found[i] = names
    if not found:
        return None
    heads: list[Header] = []
    for i, names in found.items():
        heads.append(_scored(Header(i, 1, tuple(names)), wanted))
        if i + 1 in found:
            for merged in (True, False) if wanted else (True,):
                joined = _joined(grid, i, names, found[i + 1], merged)
                if joined is not None:
                    heads.append(_scored(Header(i, 2, joined, merged=merged), wanted))
    if wanted:
        best = max(heads, key=lambda h: (h.score, h.merged, -h.start))
        if best.score:
            return best
    widest = max(sum(map(bool, names)) for names in found.values())
    first = next((i for i, names in found.items() if not _title(names, widest)), min(found))
    single = next(h for h in heads if h.start == first and h.height == 1)
    return next((h for h in heads if h.start == first and h.merged), single)


def _scored(head: Header, wanted: Collection[str] | None) -> Header:
    if not wanted:
        return head
    return Header(head.start, head.height, head.names, len(set(head.names) & set(wanted)),
                  head.merged)


def _joined(grid: Grid, i: int, upper: list[str], lower: list[str],
            merged: bool) -> tuple[str, ...] | None:
    """The names of rows ``i`` and ``i + 1`` read as one header: each upper cell spanning several
    columns (a merged range, or with ``merged`` false a name followed by blank cells over names)
    joined to the names below it; None when the rows are not such a header."""
    width = max(len(upper), len(lower))
    up = upper + [""] * (width - len(upper))
    low = lower + [""] * (width - len(lower))
    parents: dict[int, str] = {}
    if merged:
        for r0, c0, r1, c1 in grid.merges:
            if r0 == r1 == i and c1 > c0 and c0 < width and up[c0]:
                parents.update((c, up[c0]) for c in range(c0, min(c1, width - 1) + 1))
    else:
        c = 0
        while c < width:
            end = c
            if up[c] and low[c]:
                while end + 1 < width and not up[end + 1] and low[end + 1]:
                    end += 1
            if end > c:
                parents.update((k, up[c]) for k in range(c, end + 1))
            c = end + 1
    if not parents:
        return None
    names = []
    for c in range(width):
        if c in parents:
            names.append(f"{parents[c]}.{low[c]}" if low[c] else parents[c])
        elif up[c] and low[c]:
            return None  # a name under a single column: the lower row is no part of the header
        else:
            names.append(up[c] or low[c])
    while names and not names[-1]:
        names.pop()
    return tuple(names)


def _title(names: list[str], widest: int) -> bool:
    """Whether a row above a table is a title or a line of ``label：value``, not its header."""
    cells = [n for n in names if n]
    if widest >= 2 and len(cells) == 1:
        return True
    if all(":" in n or "：" in n for n in cells):
        return True
    return len(cells) * 3 < widest


def looks_like_table(grid: Grid, head: Header | None) -> bool:
    """Whether a header names two columns or more and a row below it holds something."""
    if head is None or sum(map(bool, head.names)) < 2:
        return False
    return any(not all(map(blank, grid.row(i))) for i in range(head.end, len(grid)))


def choose(found: Sequence[tuple[Grid, Header | None]], wanted: Collection[str] | None) -> int:
    """Which of a workbook's sheets (each as its first rows and their header) holds the records:
    the one whose header names the most wanted columns, the first of those on a tie; when none
    names any (or nothing is wanted), the first that looks like a table, else the first."""
    scores = [0 if head is None else head.score for _, head in found]
    if wanted and max(scores, default=0):
        return scores.index(max(scores))
    return next((k for k, (grid, head) in enumerate(found) if looks_like_table(grid, head)), 0)


def candidate(grid: Grid, head: Header | None, last_row: int) -> Candidate:
    """A header as a message about where the reader looked names it; ``last_row`` is the last
    row of the sheet in the file."""
    if head is None:
        return Candidate(grid.sheet, (), (), 0)
    rows = tuple(grid.rows[head.start:head.end])
    return Candidate(grid.sheet, rows, tuple(head.names), max(last_row - rows[-1], 0))


def arrange(grid: Grid, head: Header, wanted: Collection[str] | None = None) -> Sheet:
    """The records of a grid under its header (see the module doc)."""
    columns = _names(head.names, grid.source)
    width, end, n = len(columns), head.end, len(grid)
    data = grid.columns[:width]  # the names come from these columns: there are as many
    empty = _blank_rows(data, end, n)
    if grid.strict:
        _nothing_beyond(grid, width, end, empty)
    filled = _fill(grid, data, end, width)
    keep = [i for i in range(end, n) if i not in empty]
    checked = [c for c, name in enumerate(columns) if c == 0 or not wanted or name not in wanted]
    totals = _totals(data, keep, checked)
    if totals:
        keep = [i for i in keep if i not in totals]
    if keep == list(range(end, n)):
        cells = {name: list(col[end:]) for name, col in zip(columns, data, strict=True)}
    else:
        cells = {name: [col[i] for i in keep] for name, col in zip(columns, data, strict=True)}
    rows = tuple(grid.rows[i] for i in keep)
    notes = list(grid.notes)
    above = [i for i in range(head.start) if not all(map(blank, grid.row(i)))]
    if above:
        texts = tuple(f"“{short_text(next(v for v in grid.row(i) if not blank(v)))}”"
                      for i in above)
        notes.append(Note("read.titles_skipped", {"rows": spans(grid.rows[i] for i in above),
                                                  "texts": named(texts, 3)}))
    if head.height == 2:
        example = next((c for c in columns if "." in c), columns[0])
        notes.append(Note("read.two_row_header", {
            "rows": spans(grid.rows[head.start:end]), "example": example}))
    if filled:
        notes.append(Note("read.merged_filled", {"ranges": named(filled), "count": len(filled)}))
    if totals:
        notes.append(Note("read.totals_skipped", {
            "rows": spans(grid.rows[i] for i in totals),
            "words": named(dict.fromkeys(totals[i] for i in sorted(totals)))}))
    return Sheet(source=grid.source, columns=tuple(columns), cells=cells, rows=rows,
                 sheet=grid.sheet, header_rows=tuple(grid.rows[head.start:end]),
                 notes=tuple(notes),
                 candidates=(Candidate(grid.sheet, tuple(grid.rows[head.start:end]),
                                       tuple(columns), len(rows)),))


def short_text(value: object) -> str:
    """A cell as a note quotes it: its text, cut at 30 characters."""
    words = text(value)
    return words if len(words) <= 30 else words[:29] + "…"


def _names(names: Sequence[str], source: str) -> list[str]:
    """The column names of a header: a blank one named by its column's letter, as a spreadsheet
    shows it. A name given twice is an error: a record has one value per field, so one of the two
    columns would be lost (or graded in place of the other)."""
    columns = [n or column_letter(i) for i, n in enumerate(names)]
    seen: dict[str, int] = {}
    for i, name in enumerate(columns):
        first = seen.setdefault(name, i)
        if first != i:
            raise ReadError("read.twice", name=source, column=name, first=first + 1,
                            second=i + 1, first_letter=column_letter(first),
                            second_letter=column_letter(i))
    return columns


def _blank_rows(data: list[list], end: int, n: int) -> set[int]:
    """The rows from ``end`` whose every cell is blank (before merged ranges are filled in: a row
    that only a merged range reaches holds nothing of its own)."""
    if not data:
        return set(range(end, n))
    first = data[0]
    blanks = {v for v in set(first[end:]) if blank(v)}
    rows = {i for i in range(end, n) if first[i] in blanks} if blanks else set()
    for col in data[1:]:
        if not rows:
            break
        rows = {i for i in rows if blank(col[i])}
    return rows


def _nothing_beyond(grid: Grid, width: int, end: int, empty: set[int]) -> None:
    """A CSV row's value right of the last named column is an error: it would be dropped."""
    for c in range(width, len(grid.columns)):
        col = grid.columns[c]
        if all(blank(v) for v in set(col[end:])):
            continue
        i = next(i for i in range(end, len(grid)) if not blank(col[i]))
        raise ReadError("read.beyond_header", column=column_letter(c), value=short(col[i]),
                        where=Note("read.at_line", {"name": grid.source, "line": grid.rows[i]}))


def _fill(grid: Grid, data: list[list], end: int, width: int) -> list[str]:
    """Give each merged range below the header its value in every cell it covers; the ranges
    filled, as a spreadsheet names them."""
    filled = []
    last = len(grid) - 1
    for r0, c0, r1, c1 in sorted(grid.merges):
        if r0 < end or r0 > last or c0 >= width:
            continue  # a title's or the header's, or outside the table
        r1, c1 = min(r1, last), min(c1, width - 1)
        value = data[c0][r0]
        if blank(value) or (r1 == r0 and c1 == c0):
            continue
        for c in range(c0, c1 + 1):
            col = data[c]
            for r in range(r0, r1 + 1):
                col[r] = value
        filled.append(f"{cell_name(grid.rows[r0], c0)}:{cell_name(grid.rows[r1], c1)}")
    return filled


def _totals(data: list[list], keep: list[int], checked: list[int]) -> dict[int, str]:
    """The rows of ``keep`` whose cell in one of the ``checked`` columns says a word of
    :data:`TOTALS` → that word."""
    found: dict[int, str] = {}
    for c in checked:
        col = data[c]
        words = {v: w for v in set(col) if isinstance(v, str) and len(v) <= 12
                 for w in ["".join(v.split())] if w in TOTALS}
        if words:
            for i in keep:
                if col[i] in words:
                    found.setdefault(i, words[col[i]])
    return found
