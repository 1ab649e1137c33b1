"""Records in and results out of files: CSV, XLSX, JSON and JSON Lines.

A spreadsheet cell is text (CSV) or a number, bool or text (XLSX), so reading it needs the
ruleset: a ``bool`` input's cell says ``true``/``false``, ``是``/``否``, ``TRUE``/``FALSE`` or
``1``/``0``, an empty cell is a missing value (the input's default applies), and
``BALLOT.CATEGORY`` columns hold vote counts. Numbers stay as read (text, or an Excel cell's float)
and are read exactly by :mod:`values`: ``"80%"`` is 4/5 and an Excel float is its shortest decimal.

Writing keeps the user's columns in their order. Result numbers (``int`` or ``Fraction``) are
written as exact text (``"0.9"``, ``"2/3"``) to CSV and JSON; to XLSX as numbers where Excel shows
them exactly (a terminating decimal of at most 15 significant digits) and as exact text otherwise.

XLSX needs openpyxl (``pip install "evalrules[cli]"``); everything else is the standard library.
Imports :mod:`columns` for the columns' kinds.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from .columns import yes_no
from .diagnostics import DataError, EvalRulesError
from .unparse import decimal_text
from .values import exact_str

#: The data file suffixes read and written.
FORMATS = (".csv", ".xlsx", ".json", ".jsonl", ".ndjson")
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
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            try:
                yield from csv.DictReader(f)
            except csv.Error as e:
                raise DataError(f"cannot read {path.name} as CSV: {e}") from None
    elif suffix == ".xlsx":
        yield from _read_xlsx(path)
    elif suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if line.strip():
                    yield _json(line, f"{path.name}, line {number}")
    elif suffix == ".json":
        data = _json(path.read_text(encoding="utf-8"), path.name)
        if isinstance(data, dict) and "cases" in data:
            data = [case["input"] for case in data["cases"]]
        if not isinstance(data, list):
            raise DataError(f"{path.name}: a JSON data file is a list of records")
        yield from data
    else:
        raise DataError(f"cannot read {path.name}: use .csv, .xlsx, .json or .jsonl")


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        raise DataError(f"{where}: not valid JSON: {e}") from None


def _read_xlsx(path: Path) -> Iterator[dict]:
    """The first sheet; the first row is the header. Wholly empty rows are skipped."""
    openpyxl = _openpyxl()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zipfile, KeyError, InvalidFileException…
        raise DataError(f"cannot read {path.name} as an Excel workbook: {e}") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        columns = []
        for i, cell in enumerate(header):
            name = "" if cell is None else str(cell).strip()
            columns.append(name or openpyxl.utils.get_column_letter(i + 1))
        while columns and header[len(columns) - 1] is None:
            columns.pop()  # trailing empty header cells
        for values in rows:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            values = list(values[:len(columns)]) + [None] * (len(columns) - len(values))
            yield {c: _xlsx_in(v) for c, v in zip(columns, values, strict=True)}
    finally:
        book.close()


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
            writer.writerow(columns)
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
    return value


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
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = openpyxl.styles.Font(bold=True)
    for row in rows:
        sheet.append([excel_value(row.get(c)) for c in columns])
    sheet.freeze_panes = "A2"
    book.save(path)
