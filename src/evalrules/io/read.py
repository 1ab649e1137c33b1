"""Records out of a data file: CSV, XLSX, JSON and JSON Lines, as a :class:`Sheet`.

:func:`read_sheet` finds the records of a file and hands them over column by column with the row
each came from; :func:`read_rows` is the same records as dicts. An empty cell is None; numbers stay
as the file holds them (text, or an Excel cell's float) for :mod:`io.cells` to read by kind.

XLSX needs openpyxl (``pip install "evalrules[cli]"``); everything else is the standard library.
Imports :mod:`io.common`, :mod:`io.sheet` and :mod:`columns`.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..columns import header_names
from ..diagnostics import DataError
from .common import EXPANSION_FROM, MAX_EXPANSION, MAX_NESTING, beyond_header, openpyxl, unquoted
from .sheet import Sheet


def read_sheet(path: str | Path) -> Sheet:
    """The records of a data file (see :class:`Sheet`). :class:`DataError` when the file is not
    what its suffix says (``OSError`` when it cannot be opened)."""
    path = Path(path)
    numbered = list(_numbered_rows(path))
    columns: dict[str, None] = {}
    for number, row in numbered:
        if not isinstance(row, dict):
            raise DataError(f"{path.name}: record {number} is not an object of field → value")
        columns.update((k, None) for k in row if k not in columns)
    cells = {c: [row.get(c) for _, row in numbered] for c in columns}
    return Sheet(source=path.name, columns=tuple(columns), cells=cells,
                 rows=tuple(n for n, _ in numbered),
                 sheet=None, header_rows=())


def read_rows(path: str | Path) -> Iterator[dict]:
    """The rows of a data file as written, each a dict with the file's columns in their order.
    :class:`DataError` when the file is not what its suffix says (``OSError`` when it cannot be
    opened)."""
    for _, row in _numbered_rows(Path(path)):
        yield row


def _numbered_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """(row in the file, the row as a dict) for every record of the file."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            yield from _read_csv(path)
        elif suffix == ".xlsx":
            yield from _read_xlsx(path)
        elif suffix in (".jsonl", ".ndjson"):
            yield from _read_jsonl(path)
        elif suffix == ".json":
            yield from _read_json(path)
        else:
            raise DataError(f"cannot read {path.name}: use .csv, .xlsx, .json or .jsonl")
    except UnicodeDecodeError as e:
        raise DataError(f"{path.name} is not UTF-8 text ({e.reason}): save it as UTF-8 (in "
                        "Excel, “CSV UTF-8”)") from None


def _read_csv(path: Path) -> Iterator[tuple[int, dict]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        try:
            yield from _csv_rows(reader, path.name)
        except csv.Error as e:
            if "field limit" in str(e):
                raise DataError(f"cannot read {path.name} as CSV, line {reader.line_num}: a cell "
                                f"is longer than {csv.field_size_limit():,} characters") from None
            raise DataError(f"cannot read {path.name} as CSV, line {reader.line_num}: {e}"
                            ) from None


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    with path.open(encoding="utf-8") as f:
        empty = True
        for number, line in enumerate(f, 1):
            if line.strip():
                empty = False
                yield number, _json(line, f"{path.name}, line {number}")
    if empty:
        raise DataError(f"{path.name} is empty: a JSON Lines file holds one record per line")


def _read_json(path: Path) -> Iterator[tuple[int, dict]]:
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise DataError(f"{path.name} is empty: a JSON data file is a list of records")
    data = _json(text, path.name)
    if isinstance(data, dict) and "cases" in data:  # a cases file: its records
        cases = data["cases"]
        if not isinstance(cases, list) or not all(isinstance(c, dict) and "input" in c
                                                  for c in cases):
            raise DataError(f"{path.name}: each case of a cases file has an \"input\"")
        data = [case["input"] for case in cases]
    if not isinstance(data, list):
        raise DataError(f"{path.name}: a JSON data file is a list of records")
    yield from enumerate(data, 1)


def _csv_rows(reader, name: str) -> Iterator[tuple[int, dict]]:
    """The rows under the header, each a dict (a short row's missing cells are None); blank
    lines skipped. Header cells are named as in a spreadsheet (:func:`header_names`); a header
    naming a column twice, or a value beyond the header, is an error."""
    header: list[str] = next((row for row in reader if row), [])
    columns = header_names([unquoted(c) for c in header], name)
    if not columns:
        raise DataError(f"{name} is empty: its first row names the columns, each row below is "
                        "a record")
    width = len(columns)
    line = reader.line_num + 1  # where the next row starts
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not cells:
            continue
        if len(cells) > width:
            beyond_header(cells[width:], width, f"{name}, line {reader.line_num}")
        yield start, {c: unquoted(cells[i]) if i < len(cells) else None
                      for i, c in enumerate(columns)}


def _json(text: str, where: str) -> Any:
    def unique(pairs: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for key, value in pairs:
            if key in out:
                raise DataError(f"{where}: an object gives '{key}' twice: a record has one value "
                                "per field, so delete or rename one")
            out[key] = value
        return out

    too_deep = DataError(f"{where}: nested too deep: arrays and objects more than "
                         f"{MAX_NESTING} levels inside each other (a record needs 3)")
    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=unique)
    except json.JSONDecodeError as e:
        raise DataError(f"{where}: not valid JSON: {e}") from None
    except RecursionError:
        raise too_deep from None
    level = [data]
    for _ in range(MAX_NESTING + 1):  # level by level, so a deep value costs no recursion
        level = [v for x in level if isinstance(x, (dict, list))
                 for v in (x.values() if isinstance(x, dict) else x)]
    if level:
        raise too_deep
    return data


def _read_xlsx(path: Path) -> Iterator[tuple[int, dict]]:
    """The first sheet; the first row is the header. Wholly empty rows are skipped."""
    xl = openpyxl()
    _not_a_zip_bomb(path)
    try:
        book = xl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zipfile, KeyError, InvalidFileException…
        raise DataError(f"cannot read {path.name} as an Excel workbook: {e}") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the sheet's own dimension may claim 16,384 × 1,048,576 cells
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        columns = header_names([None if c is None else str(c).strip() for c in header],
                               path.name)
        if not columns:
            raise DataError(f"{path.name} is empty, or its first row is: the first row of the "
                            "first sheet names the columns, each row below is a record")
        width = len(columns)  # only the columns with a header are read
        cell = _uncomputed_formula(path, width)
        if cell is not None:
            raise DataError(f"{path.name}, cell {cell}: a formula whose value was never computed "
                            "(a program wrote the file; Excel and WPS save each formula's value): "
                            "open it in Excel or WPS and save it")
        for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=width,
                                                        values_only=True), 2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            values = list(values) + [None] * (width - len(values))
            yield number, {c: _xlsx_in(v) for c, v in zip(columns, values, strict=True)}
    except DataError:
        raise
    except Exception as e:  # the sheet's XML: a DTD's entities past expat's limits, …
        raise DataError(f"cannot read {path.name} as an Excel workbook: {e}") from None
    finally:
        book.close()


#: A cell holding a formula and no value (``<v/>``, ``<v></v>`` or none), as a program writes it.
_NO_VALUE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*'
                       rb"(?:<v\s*/>|<v>\s*</v>)?\s*</c>")


def _uncomputed_formula(path: Path, width: int) -> str | None:
    """The first cell of the first sheet's ``width`` columns that holds a formula without its
    value (openpyxl then reads None: an empty cell, whose input's default would apply)."""
    import posixpath
    import xml.etree.ElementTree as ET
    import zipfile

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

    def targets(z: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
        """A part's relationships: id → (type, the part it points to)."""
        folder, name = posixpath.split(part)
        rels = ET.fromstring(z.read(posixpath.join(folder, "_rels", name + ".rels")))
        return {r.get("Id", ""): (r.get("Type", ""), posixpath.normpath(posixpath.join(
            "/" + folder, r.get("Target", ""))).lstrip("/")) for r in rels}

    with zipfile.ZipFile(path) as z:  # the parts openpyxl has just read, found as it does
        book = next(t for kind, t in targets(z, "").values() if kind.endswith("/officeDocument"))
        sheets = targets(z, book)
        parts = [sheets.get(s.get(rel, ""), ("", ""))
                 for s in ET.fromstring(z.read(book)).iter(f"{main}sheet")]
        first = next((t for kind, t in parts if kind.endswith("/worksheet")), None)
        if first is None:
            return None
        data = z.read(first)
    if b"<f" not in data:
        return None
    for m in _NO_VALUE.finditer(data):
        column = m.group(1).decode()
        if sum((ord(c) - 64) * 26 ** i for i, c in enumerate(reversed(column))) <= width:
            return column + m.group(2).decode()
    return None


def _not_a_zip_bomb(path: Path) -> None:
    """Refuse a workbook with a part that expands past :data:`MAX_EXPANSION` times its size."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what it is not
    for p in parts:
        if p.file_size > EXPANSION_FROM and p.file_size > MAX_EXPANSION * max(p.compress_size, 1):
            raise DataError(f"cannot read {path.name}: its part {p.filename} expands "
                            f"{p.file_size // max(p.compress_size, 1):,} times, to "
                            f"{p.file_size >> 20:,} MiB (a workbook saved by Excel expands 5 to "
                            "20 times): open it in Excel and save it again")


def _xlsx_in(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # dates and times: text, as the ruleset has no dates


