"""Rows with their results out to a file: CSV, XLSX, JSON and JSON Lines.

Writing keeps the user's columns in their order. Result numbers (``int`` or ``Fraction``) are
written as exact text (``"0.9"``, ``"2/3"``) to CSV and JSON; to XLSX as numbers where Excel shows
them exactly (a terminating decimal of at most 15 significant digits) and as exact text otherwise.
No text is written as a formula (OWASP's "CSV injection"): to XLSX every text is a text cell, and to
CSV a text a spreadsheet would run (``=…``, ``+…``, ``-…``, ``@…``, tab, CR; not a plain number such
as ``-3``) gets a ``'`` in front, which reading a CSV takes off again (:func:`csv_text`).

XLSX needs openpyxl (``pip install "evalrules[cli]"``). Imports :mod:`io.common`, :mod:`columns`,
:mod:`unparse` and :mod:`values`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from ..columns import formula_like
from ..diagnostics import DataError
from ..unparse import decimal_text
from ..values import exact_str
from .common import FORMATS, csv_text, openpyxl


def require_format(path: str | Path) -> None:
    """Raise DataError (or MissingDependency) now if ``path`` cannot be written later."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise DataError(f"cannot write {Path(path).name}: use .csv, .xlsx, .json or .jsonl")
    if suffix == ".xlsx":
        openpyxl()


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
    xl = openpyxl()
    book = xl.Workbook()
    sheet = book.active
    sheet.title = "结果"
    _append(sheet, columns)
    for cell in sheet[1]:
        cell.font = xl.styles.Font(bold=True)
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
