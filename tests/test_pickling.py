"""Rulesets and results cross process boundaries (multiprocessing, caches, task queues): every
one pickles and unpickles to an equal object that evaluates the same, at any point of its life,
and copy.copy / copy.deepcopy work."""

from __future__ import annotations

import copy
import multiprocessing
import pickle

import pytest

import evalrules

from conftest import RULESETS

CITY = RULESETS / "fanwen9" / "team-city.rules"
QUOTA = RULESETS / "fanwen2" / "cadre-quota.rules"
RECORD = {
    "考核目标完成": "好", "班子状况": "团结协调", "干部精神状态好": True,
    "计生综治目标完成差": True,
    "班子测评": {"优秀": 7, "较好": 2, "一般": 1, "较差": 0},
    "正职测评": {"优秀": 7, "称职": 2, "基本称职": 1, "不称职": 0},
}


def _round_trip(value):
    return pickle.loads(pickle.dumps(value))


@pytest.mark.parametrize("used", [False, True], ids=["fresh", "after evaluate"])
def test_a_ruleset_pickles_before_and_after_its_first_evaluation(used):
    rules = evalrules.load(CITY).with_params(一般线="25%")
    if used:
        rules.evaluate(RECORD)
        rules.function("班子等次")(RECORD)
    again = _round_trip(rules)
    assert again == rules and again.params == rules.params
    assert again.evaluate(RECORD).to_dict() == rules.evaluate(RECORD).to_dict()
    assert again.function("班子等次")(RECORD) == rules.function("班子等次")(RECORD)


def test_every_kind_of_result_pickles_and_copies():
    rules = evalrules.load(CITY)
    results = [rules.evaluate(RECORD), rules.reference_evaluate(RECORD),
               *rules.evaluate_many([RECORD, {"班子测评": {}}])]
    for result in results:
        for again in (_round_trip(result), copy.copy(result), copy.deepcopy(result)):
            assert type(again.ruleset) is evalrules.Ruleset
            if result.error is not None:
                assert str(again.error) == str(result.error)
                assert again.error.field == result.error.field
                continue
            assert again.to_dict() == result.to_dict()
            assert again.explain() == result.explain()
            assert again.trace() == result.trace()


def test_results_of_group_rules_keep_what_the_group_decided():
    rules = evalrules.load(QUOTA)
    cases = __import__("json").loads(QUOTA.with_suffix("").with_suffix(".cases.json")
                                     .read_text(encoding="utf-8"))
    case = next(c for c in cases["cases"] if c.get("group"))
    for result in rules.evaluate_many([case["input"], *case["group"]]):
        again = _round_trip(result)
        assert again.to_dict() == result.to_dict()
        assert again.explain() == result.explain()


def _grade(args):
    rules, record = args
    return rules.evaluate(record)


def test_a_pool_of_workers_grades_with_a_pickled_ruleset_and_returns_results():
    rules = evalrules.load(CITY)
    rules.evaluate(RECORD)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        got = pool.map(_grade, [(rules, RECORD)] * 3, chunksize=1)
    assert [r.to_dict() for r in got] == [rules.evaluate(RECORD).to_dict()] * 3
