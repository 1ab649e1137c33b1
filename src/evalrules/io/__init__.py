"""Data files in and out: the records of a CSV, XLSX, XLS, JSON or JSON Lines file, and the same
rows with their results written back.

- :mod:`io.read` finds the records of a file and gives a :class:`Sheet` (:func:`read_sheet`), or
  the rows as dicts (:func:`read_rows`): a spreadsheet's cells from :mod:`io.csv_in` or
  :mod:`io.xlsx_in`, where its records are from :mod:`io.layout`;
- :mod:`io.cells` reads a cell by the kind of its column (:func:`record_of`; a list of numbers
  from numbered columns, :func:`numbered`);
- :mod:`io.write` writes a graded sheet with its results (:func:`write_results`: the result
  columns of :mod:`io.results`; an .xlsx of an .xlsx keeps the workbook, :mod:`io.xlsx_keep`),
  or plain rows (:func:`write_rows`);
- :mod:`io.common` holds what they share: formats, limits, optional packages, CSV escaping, the
  notes and errors a reader says (:class:`Note`, :class:`ReadError`).

Nothing here imports numpy, pyarrow or python-calamine at import time.
"""

from .cells import numbered, record_of
from .common import FORMATS, READ, MissingDependency, Note, ReadError, csv_text
from .read import read_rows, read_sheet
from .results import Column, OutputError, own_columns, result_columns, shares
from .sheet import Candidate, Sheet
from .write import excel_value, require_format, write_results, write_rows

__all__ = ["FORMATS", "READ", "Candidate", "Column", "MissingDependency", "Note", "OutputError",
           "ReadError", "Sheet", "csv_text", "excel_value", "numbered", "own_columns", "read_rows",
           "read_sheet", "record_of", "require_format", "result_columns", "shares",
           "write_results", "write_rows"]
