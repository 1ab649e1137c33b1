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


def _expected(name, value):
    """An expected number, read as a record's number is (with its limits: never a hang)."""
    from evalrules.values import to_number

    return to_number(value, name, "expect")


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
            assert Fraction(got) == _expected(name, want), name
        else:
            assert got == want, name
    if "vetoes" in case:
        assert list(result.vetoes) == case["vetoes"]
    if "outcomes" in case:
        assert list(result.outcomes) == case["outcomes"]


def test_examples_are_present():
    assert len(list(SHARED_EXAMPLES.glob("*.cases.json"))) >= 4


_HUGE_CASE = {"name": "巨大的期望值", "input": {
    "考核目标完成": "好", "班子状况": "团结协调", "干部精神状态好": True,
    "班子测评": {"优秀": 6, "较好": 3, "一般": 1, "较差": 0},
    "正职测评": {"优秀": 6, "称职": 3, "基本称职": 1, "不称职": 0}}}


@pytest.mark.parametrize("written", ['"1e9999999999"', "1e9999999999", '"-1e-9999999999"',
                                     '"1/1e9999999999"', '"abc"'])
def test_an_unreadable_expected_number_is_a_clear_failure_not_a_hang(tmp_path, written):
    """#20: `evalrules test` hung on a cases file expecting "1e9999999999" (Fraction() of it
    builds a ten-billion-digit integer). Expected values are read as records are
    (values.to_number, with its limits): a number evalrules cannot read fails the case, saying
    so. In a subprocess, so that a hang fails the test rather than the suite."""
    import subprocess
    import sys

    (tmp_path / "t.rules").write_text((RULESETS / "fanwen9" / "team-city.rules").read_text(
        encoding="utf-8"), encoding="utf-8")
    case = json.dumps(_HUGE_CASE, ensure_ascii=False)[:-1] + \
        f', "expect": {{"班子等次": "优秀", "班子差评率": {written}}}}}'
    (tmp_path / "t.cases.json").write_text(f'{{"ruleset": "t.rules", "cases": [{case}]}}',
                                           encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "evalrules", "test", "--no-checks",
                          str(tmp_path / "t.rules")], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "FAIL case 巨大的期望值: 班子差评率: the expected value" in out.stdout
    assert "cannot be read" in out.stdout
    assert "0 of 1 cases pass" in out.stdout
