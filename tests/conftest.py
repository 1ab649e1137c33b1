"""Shared fixtures: where the acceptance examples and bundled rulesets live, and the backends."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"
RULESETS = ROOT / "rulesets"
BACKENDS = ("reference", "generated")


def bundled_rulesets() -> list[Path]:
    return sorted(RULESETS.rglob("*.rules"))


def example_rulesets() -> list[Path]:
    return sorted(SHARED_EXAMPLES.glob("*.rules"))


@pytest.fixture(params=BACKENDS)
def run(request):
    """Evaluate one record with one backend: every semantic test runs on every backend."""
    if request.param == "reference":
        return lambda ruleset, record: ruleset.reference_evaluate(record)
    return lambda ruleset, record: ruleset.evaluate(record)
