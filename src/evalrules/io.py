"""Records in and results out of files: CSV, JSON and JSON Lines (stdlib only).

A spreadsheet cell is text, so reading it needs the ruleset: a ``bool`` input's cell says
``true``/``false`` (or ``是``/``否``, ``1``/``0``), an empty cell is a missing value (the input's
default applies), and ``BALLOT.CATEGORY`` columns hold vote counts. Numbers stay text here and are
read exactly by :mod:`values`. Imports :mod:`ruleset` for the field kinds only.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from .ruleset import Ruleset

_BOOL_CELLS = {"true": True, "false": False, "是": True, "否": False, "1": True, "0": False}


def read_rows(path: str | Path) -> Iterator[dict]:
    """The rows of a data file as written, each a dict with the file's columns in their order."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            yield from csv.DictReader(f)
    elif suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line, parse_float=Decimal)
    elif suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        if isinstance(data, dict) and "cases" in data:
            data = [case["input"] for case in data["cases"]]
        yield from data
    else:
        raise ValueError(f"cannot read {path.name}: use .csv, .json or .jsonl")


def input_columns(ruleset: Ruleset) -> dict[str, str]:
    """Every column a record of this ruleset may carry (inputs and BALLOT.CATEGORY) → its kind."""
    columns = {}
    for name, f in ruleset.inputs.items():
        columns[name] = f.kind
        if f.kind == "ballot":
            columns.update((f"{name}.{c}", "count") for c in f.labels)
    return columns


def record_of(row: dict, columns: dict[str, str]) -> dict:
    """The record a row gives the ruleset: its input columns, with text cells read by kind."""
    return {key: _cell(value, columns[key]) for key, value in row.items() if key in columns}


def _cell(value: object, kind: str) -> object:
    if not isinstance(value, str):
        return value
    if value.strip() == "":
        return None
    if kind == "bool":
        return _BOOL_CELLS.get(value.strip().lower(), value)
    return value


def write_rows(path: str | Path, rows: Iterable[dict]) -> None:
    path = Path(path)
    rows = list(rows)
    if path.suffix.lower() == ".csv":
        columns: list[str] = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, columns)
            writer.writeheader()
            writer.writerows(rows)
    elif path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    else:
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1, default=str),
                        encoding="utf-8")
