"""Every case of every cases file passes: ../shared/examples (unchanged) and rulesets/."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

import evalrules

from conftest import RULESETS, SHARED_EXAMPLES


def _cases():
    files = sorted(SHARED_EXAMPLES.glob("*.cases.json")) + sorted(RULESETS.rglob("*.cases.json"))
    for path in files:
        # JSON numbers are decimals exactly as written (0.8 is 4/5), never binary floats.
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        for case in data["cases"]:
            label = f"{path.parent.name}/{path.name}::{case['name']}"
            yield pytest.param(path.parent / data["ruleset"], case, id=label)


def _expected(value):
    if isinstance(value, str):
        try:
            return Fraction(value)
        except ValueError:
            return value
    return value


@pytest.mark.parametrize(("ruleset_path", "case"), list(_cases()))
def test_case(ruleset_path, case):
    assert SHARED_EXAMPLES.is_dir(), "../shared/examples must be beside the checkout"
    ruleset = evalrules.load(ruleset_path)
    # With group rules, a case names the other records of its group.
    group = {"group": case["group"]} if "group" in case else {}
    if "input_error" in case:
        with pytest.raises(evalrules.InputError) as info:
            ruleset.evaluate(case["input"], **group)
        assert info.value.field == case["input_error"]
        assert case["input_error"] in str(info.value)
        return
    result = ruleset.evaluate(case["input"], **group)
    for name, want in case.get("expect", {}).items():
        got = result[name]
        if isinstance(got, (int, Fraction)) and not isinstance(got, bool):
            assert Fraction(got) == _expected(want), name
        else:
            assert got == want, name
    if "vetoes" in case:
        assert list(result.vetoes) == case["vetoes"]
    if "outcomes" in case:
        assert list(result.outcomes) == case["outcomes"]


def test_examples_are_present():
    assert len(list(SHARED_EXAMPLES.glob("*.cases.json"))) >= 4
