"""Data files in and out: the records of a CSV, XLSX, JSON or JSON Lines file, and the same rows
with their results written back.

- :mod:`io.read` finds the records of a file and gives a :class:`Sheet` (:func:`read_sheet`), or
  the rows as dicts (:func:`read_rows`);
- :mod:`io.cells` reads a cell by the kind of its column (:func:`record_of`);
- :mod:`io.write` writes a graded sheet with its results (:func:`write_results`: the result
  columns of :mod:`io.results`; an .xlsx of an .xlsx keeps the workbook, :mod:`io.xlsx_keep`),
  or plain rows (:func:`write_rows`);
- :mod:`io.common` holds what they share: formats, limits, optional packages, CSV escaping.

Nothing here imports numpy or pyarrow at import time.
"""

from .cells import record_of
from .common import FORMATS, MissingDependency, csv_text
from .read import read_rows, read_sheet
from .results import Column, OutputError, own_columns, result_columns, shares
from .sheet import Note, Sheet
from .write import excel_value, require_format, write_results, write_rows

__all__ = ["FORMATS", "Column", "MissingDependency", "Note", "OutputError", "Sheet", "csv_text",
           "excel_value", "own_columns", "read_rows", "read_sheet", "record_of",
           "require_format", "result_columns", "shares", "write_results", "write_rows"]
