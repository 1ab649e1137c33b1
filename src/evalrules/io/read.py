"""Records out of a data file: CSV, XLSX, XLS, JSON and JSON Lines, as a :class:`Sheet`.

:func:`read_sheet` finds the records of a file and hands them over column by column with the row
each came from; :func:`read_rows` is the same records as dicts. A spreadsheet's cells come from
:mod:`io.csv_in` or :mod:`io.xlsx_in`, and :mod:`io.layout` finds where its records are (which
sheet, which header, which rows); given the columns a ruleset reads, that is where they are. A
JSON file is a list of records, a JSON Lines file one record a line. Cells stay as the file holds
them (text, or an Excel cell's number or bool; an empty cell of a workbook None) for
:mod:`io.cells` to read by kind.

Imports :mod:`io.common`, :mod:`io.sheet`, :mod:`io.layout`, :mod:`io.csv_in` and
:mod:`io.xlsx_in`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from .common import MAX_NESTING, READ, Note, ReadError
from .csv_in import read_csv
from .layout import arrange, find_header
from .sheet import Sheet
from .xlsx_in import read_workbook


def read_sheet(path: str | Path, columns: Iterable[str] | None = None, *,
               sheet: str | None = None, encoding: str | None = None) -> Sheet:
    """The records of a data file (see :class:`Sheet`).

    ``columns``: the names of the columns the records are for (a ruleset's
    :func:`~evalrules.columns.input_columns`): the header and the worksheet are the ones naming
    most of them. ``sheet``: the worksheet of a workbook to read, by name or number from 1.
    ``encoding``: a CSV file's encoding, when it is not UTF-8, GBK or GB18030.
    :class:`~evalrules.io.ReadError` (a :class:`DataError`) when the file cannot be read as
    records, saying why; ``OSError`` when it cannot be opened."""
    path = Path(path)
    suffix = path.suffix.lower()
    wanted = None if columns is None else frozenset([columns] if isinstance(columns, str)
                                                    else columns)
    if suffix not in READ:
        raise ReadError("read.unknown_suffix", name=path.name)
    if sheet is not None and suffix not in (".xlsx", ".xls"):
        raise ReadError("read.sheet_workbook_only", name=path.name)
    if encoding is not None and suffix != ".csv":
        raise ReadError("read.encoding_csv_only", name=path.name)
    if suffix == ".csv":
        grid = read_csv(path, encoding)
        head = find_header(grid, wanted)
        if head is None:
            raise ReadError("read.empty", name=path.name)
        return arrange(grid, head, wanted)
    if suffix in (".xlsx", ".xls"):
        return read_workbook(path, wanted, sheet)
    numbered = list(_read_jsonl(path) if suffix in (".jsonl", ".ndjson") else _read_json(path))
    names: dict[str, None] = {}
    for number, row in numbered:
        if not isinstance(row, dict):
            raise ReadError("read.json_record", name=path.name, number=number)
        names.update((k, None) for k in row if k not in names)
    cells = {c: [row.get(c) for _, row in numbered] for c in names}
    return Sheet(source=path.name, columns=tuple(names), cells=cells,
                 rows=tuple(n for n, _ in numbered), sheet=None, header_rows=())


def read_rows(path: str | Path, columns: Iterable[str] | None = None, *,
              sheet: str | None = None, encoding: str | None = None) -> Iterator[dict]:
    """The records of a data file as dicts, each with the file's columns in their order (see
    :func:`read_sheet`)."""
    yield from read_sheet(path, columns, sheet=sheet, encoding=encoding).records()


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReadError("read.not_utf8", name=path.name, reason=e.reason) from None


def _read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    empty = True
    for number, line in enumerate(_text(path).split("\n"), 1):
        if line.strip():
            empty = False
            yield number, _json(line, Note("read.at_line", {"name": path.name, "line": number}))
    if empty:
        raise ReadError("read.jsonl_empty", name=path.name)


def _read_json(path: Path) -> Iterator[tuple[int, Any]]:
    text = _text(path)
    if not text.strip():
        raise ReadError("read.json_empty", name=path.name)
    data = _json(text, path.name)
    if isinstance(data, dict) and "cases" in data:  # a cases file: its records
        cases = data["cases"]
        if not isinstance(cases, list) or not all(isinstance(c, dict) and "input" in c
                                                  for c in cases):
            raise ReadError("read.json_cases", name=path.name)
        data = [case["input"] for case in cases]
    if not isinstance(data, list):
        raise ReadError("read.json_not_list", name=path.name)
    yield from enumerate(data, 1)


def _json(text: str, where: str | Note) -> Any:
    def unique(pairs: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for key, value in pairs:
            if key in out:
                raise ReadError("read.json_twice", where=where, key=key)
            out[key] = value
        return out

    too_deep = ReadError("read.json_too_deep", where=where, limit=MAX_NESTING)
    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=unique)
    except json.JSONDecodeError as e:
        raise ReadError("read.json_invalid", where=where, reason=str(e)) from None
    except RecursionError:
        raise too_deep from None
    level = [data]
    for _ in range(MAX_NESTING + 1):  # level by level, so a deep value costs no recursion
        level = [v for x in level if isinstance(x, (dict, list))
                 for v in (x.values() if isinstance(x, dict) else x)]
    if level:
        raise too_deep
    return data
