"""Rows with their results out to a file: CSV, XLSX, JSON and JSON Lines.

:func:`write_results` writes a graded sheet: the user's columns in their order, then the result
columns (:mod:`io.results`). An .xlsx of records read from an .xlsx keeps that workbook and adds
the results to its sheet (:mod:`io.xlsx_keep`); any other .xlsx is a new workbook
(:mod:`io.xlsx_new`). A CSV holds each result as a spreadsheet shows it (``63.33%``, ``87.50``:
numbers Excel reads as numbers, never as dates), or exactly with ``exact=True`` (``19/30``);
JSON holds exact text. The file is written beside the target and renamed over it when complete,
so a failed run leaves the target as it was.

:func:`write_rows` writes plain rows (dicts). Result numbers (``int`` or ``Fraction``) are
written as exact text (``"0.9"``, ``"2/3"``) to CSV and JSON; to XLSX as numbers where Excel shows
them exactly (a terminating decimal of at most 15 significant digits) and as exact text otherwise.
No text is written as a formula (OWASP's "CSV injection"): to XLSX every text is a text cell, and to
CSV a text a spreadsheet would run (``=…``, ``+…``, ``-…``, ``@…``, tab, CR; not a plain number such
as ``-3``) gets a ``'`` in front, which reading a CSV takes off again (:func:`csv_text`).

:func:`write_rows` needs openpyxl for XLSX and a new workbook of :func:`write_results` xlsxwriter
(``pip install "evalrules[cli]"``); keeping a workbook needs neither. Imports :mod:`io.common`,
:mod:`io.results`, :mod:`io.sheet`, :mod:`io.xlsx_keep`, :mod:`io.xlsx_new`, :mod:`columns`,
:mod:`unparse` and :mod:`values`.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from ..columns import RESULT_COLUMNS, formula_like
from ..unparse import decimal_text
from ..values import exact_str
from .common import FORMATS, csv_text, openpyxl
from .results import Column, OutputError, own_columns, result_columns
from .sheet import Sheet
from .xlsx_keep import keep_workbook
from .xlsx_new import new_workbook, xlsxwriter

if TYPE_CHECKING:
    from ..grading import Graded


def require_format(path: str | Path, source: str | Path | None = None) -> None:
    """Raise DataError (or MissingDependency) now if ``path`` cannot be written later: by
    :func:`write_results` of records read from ``source`` when given, else by
    :func:`write_rows`."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise OutputError("write.format", name=Path(path).name)
    if suffix == ".xlsx":
        if source is None:
            openpyxl()
        elif not keeps_workbook(path, source):
            xlsxwriter()


def keeps_workbook(path: str | Path, source: str | Path) -> bool:
    """Whether writing ``path`` keeps the workbook the records came from: both are .xlsx."""
    return Path(path).suffix.lower() == ".xlsx" and Path(source).suffix.lower() == ".xlsx"


def write_results(path: str | Path, graded: Graded, *, source: str | Path | None = None,
                  exact: bool = False, lang: str = "en") -> None:
    """Write every record of a graded sheet with its results to ``path`` (.csv, .xlsx, .json,
    .jsonl): the user's columns, then each named value, ``vetoes``, ``outcomes`` and
    ``error``. ``source`` is the file the records were read from: an .xlsx of an .xlsx keeps its
    workbook (other sheets, formats, widths, the user's cells) and adds the result columns to
    the records' sheet. ``exact`` writes numbers exactly (``19/30``) instead of as a spreadsheet
    shows them. A column of the user's named like a result is an :class:`OutputError` (an earlier
    run's results, the sheet's last columns, are replaced). ``lang`` is the language of the
    ``error`` column (``"zh"`` or ``"en"``: the command line writes the run's)."""
    path = Path(path)
    require_format(path, source if source is not None else "")
    own, earlier = own_columns(graded.sheet.columns, graded.ruleset.checked)
    columns = result_columns(graded, exact=exact, lang=lang)
    suffix = path.suffix.lower()
    with replacing(path) as temporary:
        if suffix == ".xlsx" and source is not None and keeps_workbook(path, source):
            keep_workbook(Path(source), temporary, graded.sheet, columns, earlier=earlier)
        elif suffix == ".xlsx":
            new_workbook(temporary, graded.sheet, own, columns)
        elif suffix == ".csv":
            _write_csv(temporary, graded.sheet, own, columns)
        else:
            rows = _json_rows(graded.sheet, own, columns)
            with temporary.open("w", encoding="utf-8") as f:
                if suffix == ".json":
                    f.write(json.dumps(list(rows), ensure_ascii=False, indent=1) + "\n")
                else:
                    f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A file beside ``path`` to write, renamed over ``path`` once written (with ``path``'s
    permissions when it exists) and removed if writing fails."""
    temporary = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix}")
    temporary.open("xb").close()  # created with the permissions a new file gets
    try:
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(temporary, path.stat().st_mode & 0o7777)
        yield temporary
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _write_csv(path: Path, sheet: Sheet, own: Sequence[str], columns: Sequence[Column]) -> None:
    """The user's cells as :func:`write_rows` writes them, each result as
    :meth:`Column.shown` shows it (text a spreadsheet would run escaped)."""
    cells = [_texts(sheet.cells[c]) for c in own]
    results = [c.shown_all(_escaped) for c in columns]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([csv_text(c) for c in [*own, *(c.name for c in columns)]])
        writer.writerows(zip(*cells, *results, strict=True) if cells or results else [])


def _texts(cells: Sequence[object]) -> list[object]:
    """:func:`_text` of a column; a text cell (every cell of a CSV) on the short path."""
    return [v if type(v) is str and (not v or v[0] not in _FORMULA_START) else _text(v)
            for v in cells]


def _escaped(text: str) -> str:
    return csv_text(text) if text[:1] in _FORMULA_START else text


#: The first characters of a text :func:`csv_text` may escape (a quick test before its own).
_FORMULA_START = frozenset("=+-@\t\r'")


def _json_rows(sheet: Sheet, own: Sequence[str], columns: Sequence[Column]) -> Iterator[dict]:
    for i, row in enumerate(sheet.records()):
        out = {c: _jsonable(row[c]) for c in own}
        for column in columns:
            value = column.values[i]
            out[column.name] = "" if value is None and column.name in RESULT_COLUMNS \
                else _jsonable(value)
        yield out


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
    return _escaped(value) if isinstance(value, str) else value


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
