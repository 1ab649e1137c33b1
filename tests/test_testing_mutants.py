"""Mutated rulesets (tests/mutants) are each caught, with a minimal counterexample: by a stated
check, a built-in property or diff against the ruleset they mutate."""

from __future__ import annotations

import os
from fractions import Fraction

import pytest

import evalrules
from evalrules.testing import CheckFailed, diff, run_checks

from conftest import ROOT, RULESETS

MUTANTS = ROOT / "tests" / "mutants"
EXAMPLES = int(os.environ.get("EVALRULES_TESTING_EXAMPLES", "15"))


@pytest.mark.parametrize(("mutant", "check"), [
    ("veto-raises", "check always not 计生综治目标完成差 or 班子等次 is not 优秀"),
    ("zero-allowed", "totality"),
])
def test_caught_by_a_check(mutant, check):
    ruleset = evalrules.load(MUTANTS / f"{mutant}.rules")
    with pytest.raises(CheckFailed) as info:
        run_checks(ruleset, max_examples=max(EXAMPLES, 100 if mutant == "veto-raises" else 30),
                   seed=0)
    failure = info.value
    assert failure.check == check
    text = str(failure)
    assert "as cases for" in text and '"input"' in text  # a ready-to-paste case
    if mutant == "zero-allowed":  # minimal: nobody evaluated, nobody rated 好
        assert failure.records[0]["本单位被评价总人数"] == 0
        assert failure.records[0]["单张测评表评好人数最大值"] == 0


@pytest.mark.parametrize(("mutant", "base", "outputs", "examples"), [
    ("ge-to-gt", "fanwen9/team-city.rules", ("班子等次",), 300),
    ("most-to-any", "fanwen9/team-city.rules", ("班子等次",), 100),
    ("threshold-moved", "fanwen9/team-county.rules", ("班子等次",), 500),
])
def test_caught_by_diff(mutant, base, outputs, examples):
    old = evalrules.load(RULESETS / base)
    d = diff(old, evalrules.load(MUTANTS / f"{mutant}.rules"), outputs=outputs,
             max_examples=examples, seed=0)
    assert d, f"{mutant} not caught"
    record = next(iter(d.examples.values()))[0]
    if mutant in ("ge-to-gt", "threshold-moved"):  # on the threshold, or one vote from it
        share = old.evaluate(record)["班子差评率"]
        line = old.params["一般线"]
        assert abs(share - line) <= Fraction(1, sum(record["班子测评"].values()))


def test_dropped_sheet_item_caught_by_diff_on_data():
    # (the generated search also finds it, but shrinking 12 exact rates costs about a minute)
    old = evalrules.load(RULESETS / "fanwen6/team.rules")
    rates = dict.fromkeys([n for n, f in old.inputs.items() if n.endswith("完成率")], 1)
    record = {**rates, "自身建设得分": 20, "工作实绩得分": 35, "满意程度得分": 20}
    d = diff(old, evalrules.load(MUTANTS / "item-dropped.rules"), [record])
    assert d.transitions == {("节水工作", 100, 95): 1, ("节水工作折算", 25, Fraction(95, 4)): 1,
                             ("班子考核总分", 100, Fraction(395, 4)): 1}
