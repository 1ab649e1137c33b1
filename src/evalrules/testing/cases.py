"""Cases files: hand-computed expectations for a ruleset, found beside it.

``NAME.cases.json`` (the format of ``../shared/examples``) or ``NAME.cases.csv`` (one case per row,
for spreadsheets) beside ``NAME.rules``. No Hypothesis here: the pytest plugin uses this module.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from attrs import frozen

from ..columns import input_columns
from ..diagnostics import DataError, InputError
from ..io import record_of
from ..ruleset import Result, Ruleset, load
from ..values import json_value, to_number

SUFFIXES = (".cases.json", ".cases.csv")


@frozen
class Case:
    name: str
    input: Mapping
    expect: Mapping | None = None
    vetoes: list | None = None
    outcomes: list | None = None
    input_error: str | None = None
    group: list | None = None  # with group rules: the other records of the input's group


def is_cases_file(path: Path) -> bool:
    return path.name.endswith(SUFFIXES)


def cases_files(rules: Path) -> list[Path]:
    """The cases files of ``NAME.rules``: ``NAME.cases.json`` and ``NAME.cases.csv``."""
    stem = rules.name[:-len(".rules")] if rules.name.endswith(".rules") else rules.stem
    return [p for p in (rules.with_name(stem + s) for s in SUFFIXES) if p.is_file()]


def load_cases(path: Path) -> tuple[Path, list[Case]]:
    """The ruleset a cases file is for and its cases, in order."""
    path = Path(path)
    if path.name.endswith(".cases.csv"):
        return _csv(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise DataError(f"{path}: not a cases file: {e}") from None
    ruleset = data.get("ruleset") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list) or \
            not all(isinstance(c, dict) for c in data["cases"]) or \
            not isinstance(ruleset, (str, type(None))):
        raise DataError(f"{path}: a cases file is an object with a list of \"cases\" (each an "
                        "object) and an optional \"ruleset\" path")
    rules = path.parent / (ruleset or path.name[:-len(".cases.json")] + ".rules")
    cases = [Case(c.get("name", f"case {i}"), c.get("input", {}), c.get("expect"),
                  c.get("vetoes"), c.get("outcomes"), c.get("input_error"), c.get("group"))
             for i, c in enumerate(data["cases"], 1)]
    return rules, cases


def _list(cell: str) -> list | None:
    cell = cell.strip()
    if cell == "":
        return None
    if cell in ("-", "无", "none"):
        return []
    return [p.strip() for p in cell.replace("、", ";").replace(",", ";").split(";") if p.strip()]


def _csv(path: Path) -> tuple[Path, list[Case]]:
    rules = path.with_name(path.name[:-len(".cases.csv")] + ".rules")
    columns = input_columns(load(rules).checked)
    cases = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        for i, row in enumerate(csv.DictReader(f), 1):
            expect = {k[len("expect:"):]: v for k, v in row.items()
                      if k.startswith("expect:") and v.strip() != ""}
            cases.append(Case(row.get("name") or f"row {i}", record_of(row, columns),
                              expect or None, _list(row.get("vetoes", "")),
                              _list(row.get("outcomes", "")),
                              (row.get("input_error") or "").strip() or None))
    return rules, cases


def _same(name: str, got: object, want: object) -> bool:
    """Whether a result value is the expected one. An expected number is read as a record's
    number is (``values.to_number``: "0.8", "80%", "19/30", with the same limits), so
    ``"1e9999999999"`` is an ``InputError`` rather than a ten-billion-digit integer."""
    if isinstance(got, (int, Fraction)) and not isinstance(got, bool):
        return Fraction(got) == to_number(want, name, "expect")
    if isinstance(got, bool) and isinstance(want, str):
        return str(got).lower() == want.strip().lower()
    return got == want


def run_case(ruleset: Ruleset, case: Case) -> tuple[list[str], Result | None]:
    """The mismatches of one case (empty when it passes) and the result, if any."""
    try:
        if case.group is not None:
            result = ruleset.evaluate(case.input, group=case.group)
        else:
            result = ruleset.evaluate(case.input)
    except InputError as e:
        if case.input_error is None:
            return [f"unexpected input error: {e}"], None
        if e.field != case.input_error or case.input_error not in str(e):
            return [f"input error names {e.field!r}, expected {case.input_error!r}: {e}"], None
        return [], None
    if case.input_error is not None:
        return [f"expected an input error naming {case.input_error!r}, but the record is "
                f"graded"], result
    problems = []
    for name, want in (case.expect or {}).items():
        try:
            got = result[name]
        except KeyError as e:
            problems.append(str(e))
            continue
        try:
            same = _same(name, got, want)
        except InputError as e:
            problems.append(f"{name}: the expected value {want!r} cannot be read: {e}")
            continue
        if not same:
            problems.append(f"{name}: expected {want}, got {json_value(got)}")
    if case.vetoes is not None and list(result.vetoes) != list(case.vetoes):
        problems.append(f"vetoes: expected {case.vetoes}, got {list(result.vetoes)}")
    if case.outcomes is not None and list(result.outcomes) != list(case.outcomes):
        problems.append(f"outcomes: expected {case.outcomes}, got {list(result.outcomes)}")
    return problems, result
