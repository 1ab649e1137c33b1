"""Shared fixtures: where the acceptance examples and bundled rulesets live, and the backends."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import evalrules
from evalrules.values import public

ROOT = Path(__file__).resolve().parents[1]
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"
RULESETS = ROOT / "rulesets"
BACKENDS = ("reference", "generated", "vectorized")


#: How the browser tests start Debian's chromium: headless, and without the background
#: connections this machine's closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium() -> str:
    """The path of a chromium to drive, or a skip saying how CI installs one."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium here: .ci/run installs Debian's chromium package "
                "(apt-get install chromium), which this machine could not do")


def bundled_rulesets() -> list[Path]:
    return sorted(RULESETS.rglob("*.rules"))


def example_rulesets() -> list[Path]:
    return sorted(SHARED_EXAMPLES.glob("*.rules"))


class TableRow(Mapping):
    """One row of ``evaluate_table``'s result read back as a result: values by name (numbers as
    int or Fraction), ``vetoes``, ``outcomes``; the row's error raised as an InputError."""

    def __init__(self, ruleset: evalrules.Ruleset, row: dict):
        self.ruleset = ruleset
        self.vetoes = tuple(row.pop("vetoes"))
        self.outcomes = tuple(row.pop("outcomes"))
        self.values = {name: _exact(cell) for name, cell in row.items()}
        self.values.update((n, n in self.vetoes) for n in ruleset.vetoes)
        self.values.update((n, n in self.outcomes) for n in ruleset.outcomes)

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def to_dict(self) -> dict:
        return {"values": dict(self.values), "vetoes": list(self.vetoes),
                "outcomes": list(self.outcomes)}


def _exact(cell: object) -> object:
    if isinstance(cell, Decimal):
        return public(Fraction(cell))
    if isinstance(cell, str) and cell[:1].isdigit() | cell.startswith("-") and \
            all(c in "0123456789-./" for c in cell):
        return public(Fraction(cell))
    return cell


def evaluate_row(ruleset: evalrules.Ruleset, record: Mapping) -> TableRow:
    """Evaluate one record as a one-row table: ballots as ``BALLOT.CATEGORY`` columns, every
    other field a column of its own (a pandas object column, so any value goes in as it is)."""
    import pandas as pd

    columns: dict[str, object] = {}
    for name, value in record.items():
        if name in ruleset.checked.ballots and isinstance(value, Mapping):
            columns.update((f"{name}.{c}", v) for c, v in value.items())
        else:
            columns[name] = value
    frame = pd.DataFrame({k: pd.Series([v], dtype=object) for k, v in columns.items()},
                         index=[0])
    table = ruleset.evaluate_table(frame)
    row = {name: _cell(table[name].iloc[0]) for name in table.columns}
    error = row.pop("error")
    if error is not None:
        raise evalrules.InputError(error, rule=error.split(":", 1)[0])
    return TableRow(ruleset, row)


def _cell(value: object) -> object:
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


class Backend:
    """Evaluate one record with one backend; ``name`` says which."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, ruleset: evalrules.Ruleset, record: Mapping):
        if self.name == "reference":
            return ruleset.reference_evaluate(record)
        if self.name == "generated":
            return ruleset.evaluate(record)
        return evaluate_row(ruleset, record)

    @property
    def reports_fields(self) -> bool:
        """A table's error column holds the message only, not the field."""
        return self.name != "vectorized"


@pytest.fixture(params=BACKENDS)
def run(request) -> Backend:
    """Evaluate one record with one backend: every semantic test runs on every backend."""
    return Backend(request.param)
