"""A new workbook of rows and their results, for records that did not come from an .xlsx (a CSV,
a JSON file): one sheet, the header bold and frozen, the user's cells as the file held them and
each result column in the format :class:`io.results.Column` says, written with xlsxwriter in
constant-memory mode (row by row, nothing kept). Every text is a string cell, never a formula,
and one a spreadsheet would take for a formula carries the quote prefix.

Needs xlsxwriter (``pip install "evalrules[cli]"``). Imports :mod:`io.results`,
:mod:`io.common`, :mod:`io.sheet` and :mod:`columns`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from ..columns import formula_like
from ..install import install_command
from ..unparse import decimal_text
from ..values import exact_str
from .common import MissingDependency
from .results import MAX_TEXT, Column, OutputError, excel_cell, width
from .sheet import Sheet


def xlsxwriter():
    """The xlsxwriter module, or :class:`MissingDependency` saying how to install it."""
    try:
        import xlsxwriter
    except ImportError:
        raise MissingDependency(
            f"writing a new .xlsx file needs xlsxwriter: {install_command('cli')} (or write .csv)"
        ) from None
    return xlsxwriter


def user_cell(value: object) -> object:
    """A cell of the user's as a new workbook holds it: text and numbers as they were, a JSON
    number a number where Excel shows it exactly and exact text where it cannot."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        value = Fraction(value)
    if isinstance(value, Fraction):
        text = decimal_text(value)
        digits = text.lstrip("-").replace(".", "").lstrip("0") if text else ""
        return float(text) if text is not None and len(digits) <= 15 else exact_str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def new_workbook(target: Path, sheet: Sheet, own: Sequence[str], columns: Sequence[Column],
                 ) -> None:
    """Write ``target``: the user's columns ``own`` of ``sheet``, then the result
    ``columns``, on one sheet named as the records' sheet was (``结果`` for a CSV or JSON)."""
    xl = xlsxwriter()
    book = xl.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_numbers": False, "strings_to_urls": False})
    try:
        ws = book.add_worksheet(sheet.sheet or "结果")
        bold = book.add_format({"bold": True})
        bold_quoted = book.add_format({"bold": True, "quote_prefix": True})
        quoted = book.add_format({"quote_prefix": True})
        formats: dict[tuple[str, bool], object] = {}

        def result_format(code: str, quote: bool):
            if (code, quote) not in formats:
                spec: dict[str, object] = {"quote_prefix": True} if quote else {}
                if code != "General":
                    spec["num_format"] = code
                formats[code, quote] = book.add_format(spec) if spec else None
            return formats[code, quote]

        names = [*own, *(c.name for c in columns)]
        for j, name in enumerate(names):
            ws.write_string(0, j, name, bold_quoted if formula_like(name) else bold)
        for j, column in enumerate(columns, len(own)):
            ws.set_column(j, j, width(column))
        ws.freeze_panes(1, 0)
        cells = [sheet.cells[c] for c in own]
        for i in range(len(sheet)):
            row = i + 1
            for j, values in enumerate(cells):
                value = user_cell(values[i])
                if value is None or value == "":  # an empty cell is no cell
                    continue
                if isinstance(value, str):
                    # a line end as reading XML gives it (xlsxwriter would write \r as _x000D_)
                    value = value.replace("\r\n", "\n").replace("\r", "\n")
                    if len(value) > MAX_TEXT:
                        raise OutputError("write.too_long", column=own[j], limit=MAX_TEXT)
                    ws.write_string(row, j, value, quoted if formula_like(value) else None)
                elif isinstance(value, bool):
                    ws.write_boolean(row, j, value)
                else:
                    ws.write_number(row, j, value)
            for j, column in enumerate(columns, len(own)):
                code, held = excel_cell(column, column.values[i])
                if held is None:
                    continue
                quote = isinstance(held, str) and formula_like(held)
                if isinstance(held, str) and len(held) > MAX_TEXT:
                    raise OutputError("write.too_long", column=column.name, limit=MAX_TEXT)
                style = result_format(code, quote)
                if isinstance(held, bool):
                    ws.write_boolean(row, j, held, style)
                elif isinstance(held, str):
                    ws.write_string(row, j, held, style)
                else:
                    ws.write_number(row, j, held, style)
    finally:
        book.close()

