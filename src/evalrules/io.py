"""Records in and results out of files: CSV, XLSX, JSON and JSON Lines.

A spreadsheet cell is text (CSV) or a number, bool or text (XLSX), so reading it needs the
ruleset: a ``bool`` input's cell says ``true``/``false``, ``是``/``否``, ``TRUE``/``FALSE`` or
``1``/``0``, an empty cell is a missing value (the input's default applies), and
``BALLOT.CATEGORY`` columns hold vote counts. Numbers stay as read (text, or an Excel cell's float)
and are read exactly by :mod:`values`: ``"80%"`` is 4/5 and an Excel float is its shortest decimal.

Writing keeps the user's columns in their order. Result numbers (``int`` or ``Fraction``) are
written as exact text (``"0.9"``, ``"2/3"``) to CSV and JSON; to XLSX as numbers where Excel shows
them exactly (a terminating decimal of at most 15 significant digits) and as exact text otherwise.
No text is written as a formula (OWASP's "CSV injection"): to XLSX every text is a text cell, and to
CSV a text a spreadsheet would run (``=…``, ``+…``, ``-…``, ``@…``, tab, CR; not a plain number such
as ``-3``) gets a ``'`` in front, which reading a CSV takes off again (:func:`csv_text`).

XLSX needs openpyxl (``pip install "evalrules[cli]"``); everything else is the standard library.
Imports :mod:`columns` for the columns' kinds.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from .columns import column_letter, formula_like, header_names, yes_no
from .diagnostics import DataError, EvalRulesError
from .unparse import decimal_text
from .values import exact_str

#: The data file suffixes read and written.
FORMATS = (".csv", ".xlsx", ".json", ".jsonl", ".ndjson")
#: Limits on what a data file may hold (docs/user-guide.md), so that no file hangs or crashes a
#: run; none is near what a real file needs. JSON: arrays and objects inside each other (a record
#: needs 3). XLSX: a part of the zip may expand at most ``MAX_EXPANSION`` times its compressed
#: size once it is over ``EXPANSION_FROM`` bytes (a sheet saved by Excel expands 5 to 20 times; a
#: "zip bomb" a thousand). CSV: a cell's characters, Python's ``csv.field_size_limit()``.
MAX_NESTING = 32
MAX_EXPANSION = 100
EXPANSION_FROM = 64 << 20
_INSTALL_CLI = 'pip install "evalrules[cli]"'


class MissingDependency(EvalRulesError, ValueError):
    """An optional package a file format needs is not installed."""


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise MissingDependency(
            f"reading and writing .xlsx files needs openpyxl: {_INSTALL_CLI} "
            "(or save the sheet as CSV UTF-8)") from None
    return openpyxl


def read_rows(path: str | Path) -> Iterator[dict]:
    """The rows of a data file as written, each a dict with the file's columns in their order.
    :class:`DataError` when the file is not what its suffix says (``OSError`` when it cannot be
    opened)."""
    path = Path(path)
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


def _read_csv(path: Path) -> Iterator[dict]:
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


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        empty = True
        for number, line in enumerate(f, 1):
            if line.strip():
                empty = False
                yield _json(line, f"{path.name}, line {number}")
    if empty:
        raise DataError(f"{path.name} is empty: a JSON Lines file holds one record per line")


def _read_json(path: Path) -> Iterator[dict]:
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
    yield from data


def _csv_rows(reader, name: str) -> Iterator[dict]:
    """The rows under the header, each a dict (a short row's missing cells are None); blank
    lines skipped. Header cells are named as in a spreadsheet (:func:`header_names`); a header
    naming a column twice, or a value beyond the header, is an error."""
    header: list[str] = next((row for row in reader if row), [])
    columns = header_names([_unquoted(c) for c in header], name)
    if not columns:
        raise DataError(f"{name} is empty: its first row names the columns, each row below is "
                        "a record")
    width = len(columns)
    for cells in reader:
        if not cells:
            continue
        if len(cells) > width:
            _beyond_header(cells[width:], width, f"{name}, line {reader.line_num}")
        yield {c: _unquoted(cells[i]) if i < len(cells) else None for i, c in enumerate(columns)}


def _unquoted(text: str) -> str:
    """A CSV cell as written before :func:`csv_text` escaped it: ``'=x`` is ``=x`` again."""
    return text[1:] if text.startswith("'") and formula_like(text) else text


def csv_text(text: str) -> str:
    """A text cell as written to CSV: ``'`` before one a spreadsheet would run as a formula."""
    return "'" + text if formula_like(text) else text


def _beyond_header(extra: list, width: int, where: str) -> None:
    """A row's cells past the last named column: blank ones are nothing; a value is an error
    (it would be dropped from the output)."""
    for i, value in enumerate(extra):
        if value is not None and not (isinstance(value, str) and not value.strip()):
            raise DataError(f"{where}: column {column_letter(width + i)} holds {_short(value)} "
                            "but has no name in the header: name the column, or delete the "
                            "value")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


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


def _read_xlsx(path: Path) -> Iterator[dict]:
    """The first sheet; the first row is the header. Wholly empty rows are skipped."""
    openpyxl = _openpyxl()
    _not_a_zip_bomb(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
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
        for values in sheet.iter_rows(min_row=2, max_col=width, values_only=True):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            values = list(values) + [None] * (width - len(values))
            yield {c: _xlsx_in(v) for c, v in zip(columns, values, strict=True)}
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


def record_of(row: dict, columns: dict[str, str]) -> dict:
    """The record a row gives the ruleset: its input columns (``columns`` as
    :func:`evalrules.columns.input_columns` gives them), with cells read by kind."""
    return {key: _cell(value, columns[key]) for key, value in row.items() if key in columns}


def _cell(value: object, kind: str) -> object:
    if kind == "bool" and not isinstance(value, bool) and value in (0, 1):
        return bool(value)  # an Excel 1/0
    if not isinstance(value, str):
        return value
    if value.strip() == "":
        return None
    if kind == "bool":
        read = yes_no(value)
        return value if read is None else read
    return value


def require_format(path: str | Path) -> None:
    """Raise DataError (or MissingDependency) now if ``path`` cannot be written later."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise DataError(f"cannot write {Path(path).name}: use .csv, .xlsx, .json or .jsonl")
    if suffix == ".xlsx":
        _openpyxl()


def write_rows(path: str | Path, rows: Iterable[dict]) -> None:
    """Write rows (dicts) to .csv, .xlsx, .json or .jsonl; columns in first-seen order."""
    path = Path(path)
    suffix = path.suffix.lower()
    require_format(path)
    rows = list(rows)
    columns: dict[str, None] = {}
    for row in rows:
        columns.update((k, None) for k in row if k not in columns)
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(map(csv_text, columns))
            writer.writerows([_text(row.get(c)) for c in columns] for row in rows)
    elif suffix == ".xlsx":
        _write_xlsx(path, list(columns), rows)
    elif suffix in (".jsonl", ".ndjson"):
        with path.open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(_jsonable(row), ensure_ascii=False) + "\n")
    else:
        path.write_text(json.dumps([_jsonable(r) for r in rows], ensure_ascii=False, indent=1)
                        + "\n", encoding="utf-8")


def _text(value: object) -> object:
    """A CSV cell: exact numbers as text, bools as true/false, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Fraction)):
        return exact_str(value)
    return csv_text(value) if isinstance(value, str) else value


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, Fraction)):
        return exact_str(value)
    if isinstance(value, Decimal):  # a number of the user's JSON: a number again where exact
        return float(value) if value.is_finite() and repr(float(value)) == str(value) \
            else str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, float) else str(value)


def excel_value(value: object) -> object:
    """An XLSX cell: a number where Excel shows it exactly, exact text where it cannot."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        value = Fraction(value)
    if isinstance(value, (int, Fraction)):
        text = decimal_text(Fraction(value))
        digits = text.lstrip("-").replace(".", "").lstrip("0") if text else ""
        if text is not None and len(digits) <= 15:
            return int(text) if "." not in text else float(text)
        return exact_str(value)
    if isinstance(value, (float, str)):
        return value
    return str(value)


def _write_xlsx(path: Path, columns: list[str], rows: list[dict]) -> None:
    openpyxl = _openpyxl()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "结果"
    _append(sheet, columns)
    for cell in sheet[1]:
        cell.font = openpyxl.styles.Font(bold=True)
    for row in rows:
        _append(sheet, [excel_value(row.get(c)) for c in columns])
    sheet.freeze_panes = "A2"
    book.save(path)


def _append(sheet, values: list) -> None:
    """A row whose text cells are text, never formulas (openpyxl makes ``=…`` a formula); one a
    spreadsheet would take for a formula is marked as quoted text, so editing keeps it text."""
    sheet.append(values)
    row = sheet.max_row
    for i, value in enumerate(values, 1):
        if isinstance(value, str):
            cell = sheet.cell(row, i)
            cell.data_type = "s"
            if formula_like(value):
                cell.quotePrefix = True
