"""Property-testing rulesets and rule changes, built on Hypothesis.

    >>> from evalrules.testing import records, run_checks, diff          # doctest: +SKIP
    >>> run_checks(evalrules.load("rulesets/fanwen9/team-city.rules"))  # doctest: +SKIP

Needs the ``testing`` extra (``pip install "evalrules[testing]"``). Names are imported on first
use, so the pytest plugin (:mod:`evalrules.testing.plugin`) loads without Hypothesis.
"""

from __future__ import annotations

import importlib

__all__ = [
    "CheckFailed", "Diff", "DiffFailed", "assert_changes_only", "assert_equivalent", "diff",
    "invalid_records", "properties", "record_as_case", "records", "run_checks",
]

_WHERE = {
    "records": "strategies", "invalid_records": "strategies",
    "record_as_case": "_model",
    "run_checks": "checks", "properties": "checks", "CheckFailed": "checks",
    "diff": "changes", "Diff": "changes", "DiffFailed": "changes",
    "assert_equivalent": "changes", "assert_changes_only": "changes",
}


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'evalrules.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"evalrules.testing.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
