"""Shared fixtures: where the acceptance examples and bundled rulesets live."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"
RULESETS = ROOT / "rulesets"


def bundled_rulesets() -> list[Path]:
    return sorted(RULESETS.rglob("*.rules"))


def example_rulesets() -> list[Path]:
    return sorted(SHARED_EXAMPLES.glob("*.rules"))
