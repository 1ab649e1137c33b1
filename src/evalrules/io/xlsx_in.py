"""A workbook's records: .xlsx read with python-calamine where it is installed and the sheet is safe
for it, else with openpyxl (read-only, streaming); .xls with python-calamine. Which worksheet, which
header and which rows: :mod:`io.layout`.

An .xlsx is a zip of XML parts; before either library reads one: no part may expand past
:data:`MAX_EXPANSION` times its size (a "zip bomb"); a sheet calamine could not read safely goes to
openpyxl — one with a DTD (calamine refuses its entities; Python's expat reads them within its
limits and never fetches one), or whose cells are so scattered that calamine's dense grid (one
slot per cell of the sheet's bounding box) would take gigabytes; a formula cell whose value was
never computed is refused (read as empty, the input's default would apply); a cell holding an
Excel error (``#DIV/0!``), which calamine reads as empty, is read as its text, as openpyxl does.
Cells come out as openpyxl gives them: text, bools, numbers (a whole number as an int), dates as
text, an empty cell as None.

Imports :mod:`io.common`, :mod:`io.layout` and :mod:`io.sheet`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import attrs

from ..install import install_command
from .common import (
    EXPANSION_FROM,
    MAX_EXPANSION,
    MissingDependency,
    Note,
    ReadError,
    openpyxl,
)
from .layout import TOP, Grid, Header, arrange, candidate, choose, find_header
from .sheet import Sheet

#: calamine's grid of a sheet may have at most this many slots per cell the sheet holds (past a
#: floor of :data:`DENSE_FLOOR`); a sparser sheet is read by openpyxl, which streams.
DENSE = 4
DENSE_FLOOR = 1 << 20
#: Whole numbers below this are exact as floats, so an Excel number that is one is an int.
EXACT = 2 ** 53


def read_workbook(path: Path, wanted: Collection[str] | None = None,
                  choice: str | None = None) -> Sheet:
    """The records of an .xlsx or .xls file: the worksheet ``choice`` (a name, or a number from 1)
    or else the one :func:`io.layout.choose` finds, arranged by :func:`io.layout.arrange`."""
    xls = path.suffix.lower() == ".xls"
    if path.stat().st_size == 0:
        raise ReadError("read.empty", name=path.name)
    calamine = _calamine()
    if calamine is None and xls:
        raise MissingDependency("reading .xls files needs python-calamine: "
                                f"{install_command('cli')} (or "
                                "save the sheet as .xlsx or CSV UTF-8)")
    parts = None if xls else _Parts(path)
    try:
        if calamine is not None:
            try:
                return _read(_CalamineBook(path, parts, calamine), wanted, choice)
            except _Unsafe:
                pass  # openpyxl reads it, or says what is wrong
        return _read(_OpenpyxlBook(path, parts), wanted, choice)
    finally:
        if parts is not None:
            parts.close()


def _calamine() -> Any:
    try:
        import python_calamine
    except ImportError:
        return None
    return python_calamine


class _Unsafe(Exception):
    """calamine must not read this workbook, or cannot: openpyxl reads it."""


def _read(book: _CalamineBook | _OpenpyxlBook, wanted: Collection[str] | None,
          choice: str | None) -> Sheet:
    with book:
        names = book.names
        if choice is not None:
            looked = [_pick(names, choice, book.path.name)]
        else:
            looked = [k for k in range(len(names)) if book.visible[k]] or [0]
        found: list[tuple[Grid, Header | None]] = []
        for k in looked:
            top = book.top(k)
            found.append((top, find_header(top, wanted)))
        pick = choose(found, wanted)
        head = found[pick][1]
        if head is None:
            raise ReadError("read.empty", name=book.path.name)
        k = looked[pick]
        width = len(head.names)
        book.check_formulas(k, width)
        sheet = arrange(book.grid(k, width), head, wanted)
        others = tuple(candidate(top, h, book.last_row(looked[j]))
                       for j, (top, h) in enumerate(found) if j != pick)
    notes = sheet.notes
    if pick:
        key = "read.sheet_chosen" if wanted and head.score else "read.sheet_table"
        notes = (Note(key, {"sheet": names[k], "first": names[looked[0]]}), *notes)
    return attrs.evolve(sheet, notes=notes, candidates=sheet.candidates + others)


def _pick(names: list[str], choice: str, source: str) -> int:
    """The sheet ``--sheet`` names: by its name, else by its number from 1."""
    if choice in names:
        return names.index(choice)
    if choice.strip().isdigit() and 1 <= int(choice) <= len(names):
        return int(choice) - 1
    raise ReadError("read.no_such_sheet", name=source, sheet=choice,
                    sheets=tuple(f"{k}. {n}" for k, n in enumerate(names, 1)))


def cell(value: object) -> object:
    """A cell as openpyxl reads it (see the module doc)."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and -EXACT < value < EXACT else value
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return str(value.date())  # the same date whichever library read it
    return str(value)  # dates and times: text, as the ruleset has no dates


def _cells(values: tuple) -> list:
    """A column's cells as :func:`cell` reads them, text-only and number-only columns at speed."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return [v or None for v in values]
    if kinds <= {float}:
        return [int(v) if v.is_integer() and -EXACT < v < EXACT else v for v in values]
    return [cell(v) for v in values]


# ---------------------------------------------------------------- the parts of an .xlsx

class _Parts:
    """The parts of an .xlsx the checks read: each worksheet's XML by its sheet's name."""

    MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

    def __init__(self, path: Path):
        import zipfile

        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise ReadError("read.not_workbook", name=path.name) from None
        for p in self.zip.infolist():
            ratio = p.file_size // max(p.compress_size, 1)
            if p.file_size > EXPANSION_FROM and ratio > MAX_EXPANSION:
                self.zip.close()
                raise ReadError("read.zip_bomb", name=path.name, part=p.filename,
                                ratio=f"{ratio:,}", mib=f"{p.file_size >> 20:,}")
        try:
            self.sheets = self._sheets()
        except Exception:
            self.sheets = {}
        self.cache: dict[str, bytes] = {}

    def _sheets(self) -> dict[str, str]:
        """Each worksheet's name → its part, found as openpyxl finds them."""
        import posixpath
        import xml.etree.ElementTree as ET

        def targets(part: str) -> dict[str, tuple[str, str]]:
            folder, name = posixpath.split(part)
            rels = ET.fromstring(self.zip.read(posixpath.join(folder, "_rels", name + ".rels")))
            return {r.get("Id", ""): (r.get("Type", ""), posixpath.normpath(posixpath.join(
                "/" + folder, r.get("Target", ""))).lstrip("/")) for r in rels}

        book = next(t for kind, t in targets("").values() if kind.endswith("/officeDocument"))
        parts = targets(book)
        out = {}
        for s in ET.fromstring(self.zip.read(book)).iter(f"{self.MAIN}sheet"):
            kind, part = parts.get(s.get(self.REL, ""), ("", ""))
            if kind.endswith("/worksheet"):
                out[s.get("name", "")] = part
        return out

    def xml(self, sheet: str) -> bytes:
        if sheet not in self.cache:
            part = self.sheets.get(sheet)
            self.cache[sheet] = self.zip.read(part) if part is not None else b""
        return self.cache[sheet]

    def close(self) -> None:
        self.zip.close()


#: A cell holding a formula and no value (``<v/>``, ``<v></v>`` or none), as a program writes it.
_NO_VALUE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*'
                       rb"(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
#: A cell holding an Excel error, and its text.
_ERROR = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*\bt="e"[^>]*>(?:(?!</c>).)*?'
                    rb"<v>([^<]*)</v>", re.S)
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"')


def _column(letters: bytes | str) -> int:
    """A column's index from its letters (A → 0)."""
    if isinstance(letters, bytes):
        letters = letters.decode()
    return sum((ord(c) - 64) * 26 ** i for i, c in enumerate(reversed(letters))) - 1


def uncomputed_formula(xml: bytes, width: int) -> str | None:
    """The first cell of a sheet's first ``width`` columns that holds a formula without its
    value (read as an empty cell, whose input's default would apply)."""
    if b"<f" not in xml:
        return None
    for m in _NO_VALUE.finditer(xml):
        if _column(m.group(1)) < width:
            return m.group(1).decode() + m.group(2).decode()
    return None


def safe_for_calamine(xml: bytes) -> bool:
    """Whether calamine may read a sheet: no DTD, every cell placed by its reference within the
    rows the sheet declares, and a bounding box at most :data:`DENSE` slots per cell."""
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        return False
    cells = xml.count(b'<c r="')
    if cells != xml.count(b"<c ") or b"<c>" in xml or b"<c/>" in xml:
        return False  # a cell without its reference: placed where calamine counts
    rows = [int(r) for r in re.findall(rb'<row r="([0-9]{1,7})"', xml)]
    last = max(rows, default=0)
    if re.search(rb'<c r="[A-Z]{1,3}' + _greater(last) + b'"', xml):
        return False  # a cell below its sheet's last row
    wide = set(re.findall(rb'<c r="([A-Z]{2,3})[0-9]', xml))
    columns = max((_column(c) + 1 for c in wide), default=26)
    return last * columns <= DENSE * cells + DENSE_FLOOR


def _greater(n: int) -> bytes:
    """A pattern matching the decimal numbers greater than ``n`` (no leading zeros)."""
    digits = str(n)
    options = [b"[1-9][0-9]{%d,}" % len(digits)]
    for i, d in enumerate(digits):
        if d != "9":
            rest = len(digits) - i - 1
            options.append(digits[:i].encode() + b"[%d-9]" % (int(d) + 1)
                           + (b"[0-9]{%d}" % rest if rest else b""))
    return b"(?:" + b"|".join(options) + b")"


def excel_errors(xml: bytes) -> dict[tuple[int, int], str]:
    """The cells of a sheet holding an Excel error (``#DIV/0!``): (row, column) from 0 → text."""
    if b't="e"' not in xml:
        return {}
    return {(int(m.group(2)) - 1, _column(m.group(1))): m.group(3).decode()
            for m in _ERROR.finditer(xml)}


def merged_ranges(xml: bytes) -> tuple[tuple[int, int, int, int], ...]:
    """A sheet's merged ranges, (first row, first column, last row, last column) from 0."""
    tail = xml[xml.rfind(b"<mergeCells"):] if b"<mergeCells" in xml else b""
    out = []
    for m in _MERGE.finditer(tail):
        r0, c0 = int(m.group(2)) - 1, _column(m.group(1))
        r1, c1 = (int(m.group(4)) - 1, _column(m.group(3))) if m.group(3) else (r0, c0)
        out.append((r0, c0, r1, c1))
    return tuple(out)


# ---------------------------------------------------------------- the two readers

class _Book:
    """What both readers give: the worksheets' names and visibility, a sheet's first rows and
    whole grid, its last row; the checks a sheet's XML allows."""

    path: Path
    parts: _Parts | None
    names: list[str]
    visible: list[bool]

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError

    def check_formulas(self, k: int, width: int) -> None:
        if self.parts is not None:
            found = uncomputed_formula(self.parts.xml(self.names[k]), width)
            if found is not None:
                raise ReadError("read.formula", name=self.path.name, cell=found)

    def _grid(self, k: int, rows: list, width: int | None, merges) -> Grid:
        columns = [_cells(c) for c in list(zip(*rows, strict=True))[:width]] if rows else []
        if self.parts is not None:
            for (r, c), text in excel_errors(self.parts.xml(self.names[k])).items():
                if r < len(rows) and c < len(columns):
                    columns[c][r] = text
        return Grid(self.path.name, self.names[k], columns, range(1, len(rows) + 1),
                    tuple(merges))


class _CalamineBook(_Book):
    def __init__(self, path: Path, parts: _Parts | None, calamine: Any):
        self.path, self.parts = path, parts
        try:
            self.book = calamine.CalamineWorkbook.from_path(str(path))
        except Exception as e:
            if parts is not None:
                raise _Unsafe from None
            raise ReadError("read.workbook", name=path.name, reason=str(e)) from None
        sheets = [m for m in self.book.sheets_metadata
                  if m.typ == calamine.SheetTypeEnum.WorkSheet]
        self.names = [m.name for m in sheets]
        self.visible = [m.visible == calamine.SheetVisibleEnum.Visible for m in sheets]
        self.sheets: dict[int, Any] = {}

    def close(self) -> None:
        self.book.close()

    def _sheet(self, k: int) -> Any:
        if k not in self.sheets:
            if self.parts is not None and not safe_for_calamine(self.parts.xml(self.names[k])):
                raise _Unsafe
            try:
                self.sheets[k] = self.book.get_sheet_by_name(self.names[k])
            except Exception as e:
                if self.parts is not None:
                    raise _Unsafe from None
                raise ReadError("read.workbook", name=self.path.name, reason=str(e)) from None
        return self.sheets[k]

    def _merges(self, k: int) -> list[tuple[int, int, int, int]]:
        return [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in
                self._sheet(k).merged_cell_ranges or ()]

    def top(self, k: int) -> Grid:
        rows = self._sheet(k).to_python(skip_empty_area=False, nrows=TOP)
        return self._grid(k, rows, None, self._merges(k))

    def grid(self, k: int, width: int) -> Grid:
        return self._grid(k, self._sheet(k).to_python(skip_empty_area=False), width,
                          self._merges(k))

    def last_row(self, k: int) -> int:
        end = self._sheet(k).end
        return 0 if end is None else end[0] + 1


class _OpenpyxlBook(_Book):
    def __init__(self, path: Path, parts: _Parts | None):
        xl = openpyxl()
        self.path, self.parts = path, parts
        try:
            self.book = xl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:
            raise ReadError("read.workbook", name=path.name, reason=str(e)) from None
        self.names = [s.title for s in self.book.worksheets]
        self.visible = [s.sheet_state == "visible" for s in self.book.worksheets]

    def close(self) -> None:
        self.book.close()

    def _rows(self, k: int, **limits: int) -> list[tuple]:
        sheet = self.book.worksheets[k]
        sheet.reset_dimensions()  # the sheet's own dimension may claim 16,384 × 1,048,576 cells
        try:
            rows = list(sheet.iter_rows(values_only=True, **limits))
        except Exception as e:
            raise ReadError("read.workbook", name=self.path.name, reason=str(e)) from None
        width = max(map(len, rows), default=0)
        return [r + (None,) * (width - len(r)) if len(r) < width else r for r in rows]

    def _merges(self, k: int) -> tuple[tuple[int, int, int, int], ...]:
        return () if self.parts is None else merged_ranges(self.parts.xml(self.names[k]))

    def top(self, k: int) -> Grid:
        return self._grid(k, self._rows(k, max_row=TOP), None, self._merges(k))

    def grid(self, k: int, width: int) -> Grid:
        return self._grid(k, self._rows(k, max_col=width), width, self._merges(k))

    def last_row(self, k: int) -> int:
        xml = self.parts.xml(self.names[k]) if self.parts is not None else b""
        found = re.findall(rb'<row r="([0-9]{1,7})"', xml[xml.rfind(b"<row "):])
        return int(found[-1]) if found else 0

