"""Every fast backend agrees exactly with the reference evaluator, errors included: on every
bundled ruleset and on generated ones, for valid and invalid records."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import unparse

from conftest import bundled_rulesets, example_rulesets
from strategies import hostile_records, records, valid_modules

ALL_RULESETS = bundled_rulesets() + example_rulesets()
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def outcome(evaluate, record):
    try:
        result = evaluate(record)
    except evalrules.InputError as e:
        return ("error", str(e), e.field, e.rule, e.code, e.key, e.text("zh"))
    return result.to_dict()


def agree_in_batch(ruleset: evalrules.Ruleset, records: list[dict]) -> None:
    fast = [r.to_dict() if r.error is None else (str(r.error), r.error.key, r.error.text("zh"))
            for r in ruleset.evaluate_many(records)]
    slow = [r.to_dict() if r.error is None else (str(r.error), r.error.key, r.error.text("zh"))
            for r in ruleset.reference_evaluate_many(records)]
    assert fast == slow


def agree(ruleset: evalrules.Ruleset, record: dict) -> None:
    if ruleset.checked.groups:  # graded among others: see test_bundled_rulesets
        agree_in_batch(ruleset, [record])
        return
    expected = outcome(ruleset.reference_evaluate, record)
    assert outcome(ruleset.evaluate, record) == expected
    many = list(ruleset.evaluate_many([record]))
    assert len(many) == 1
    if isinstance(expected, tuple):
        assert str(many[0].error) == expected[1]
        return
    assert many[0].to_dict() == expected
    reference = ruleset.reference_evaluate(record)
    for name in list(ruleset.grades) + [n for n in reference if "." in n][:2]:
        assert ruleset.function(name)(record) == reference[name]


@pytest.mark.parametrize("path", ALL_RULESETS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bundled_rulesets(path):
    ruleset = evalrules.load(path)

    if ruleset.checked.groups:
        @SETTINGS
        @given(st.lists(st.one_of(records(ruleset), hostile_records(ruleset)), max_size=12))
        def check_batch(batch):
            agree_in_batch(ruleset, batch)

        check_batch()
        return

    @SETTINGS
    @given(st.one_of(records(ruleset), hostile_records(ruleset)))
    def check(record):
        agree(ruleset, record)

    check()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(valid_modules(), st.data())
def test_generated_rulesets(module, data):
    ruleset = evalrules.compile(unparse.module(module))
    for _ in range(5):
        agree(ruleset, data.draw(st.one_of(records(ruleset), hostile_records(ruleset))))


def test_function_of_several_names_returns_a_tuple():
    ruleset = evalrules.load(example_rulesets()[0].parent / "individual-performance.rules")
    record = {"真实性评价": {"真实": 2, "不完全真实": 1, "不真实": 0},
              "综合评价": {"好": 3, "较好": 0, "一般": 0, "较差": 0}, "班子定量得分": 90}
    f = ruleset.function("个人定量得分", "个人定量得分取整")
    assert f(record) == (ruleset.evaluate(record)["个人定量得分"], 50)
    with pytest.raises(KeyError, match="did you mean"):
        ruleset.function("个人定量得份")


HOSTILE = [
    "__import__('os').system('echo pwned')",
    "'); import os; ('",
    '"""\nimport os\n"""',
    "\\x00\\n\\r",
    "{record}",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_names_and_strings_never_become_code(text, tmp_path):
    marker = tmp_path / "pwned"
    payload = text.replace("echo pwned", f"touch {marker}").replace("\n", " ")
    literal = payload.replace("\\", "\\\\").replace('"', '\\"')
    source = (
        "ruleset 恶意\n"
        "scale 等次: 好 > 坏\n"
        "input 值: number\n"
        f'require 值 >= 0 "{literal}"\n'
        "grade 等次:\n  好 when 值 > 1\n  otherwise 坏\n"
    )
    ruleset = evalrules.compile(source)
    assert ruleset.evaluate({"值": 2})["等次"] == "好"
    with pytest.raises(evalrules.InputError) as info:
        ruleset.evaluate({"值": -1})
    assert payload in str(info.value)
    # Names are Unicode identifiers; the worst a name can be is a Python-looking word.
    for name in ("__import__", "record", "_fail", "_Slow", "evaluate", "Fraction", "v", "n"):
        rules = evalrules.compile(f"ruleset r\ninput {name}: number\nlet {name}_x = {name} + 1\n"
                                  f"let 结果 = {name}_x * 2\n")
        assert rules.evaluate({name: 1})["结果"] == 4
    source_text = ruleset.generated_source()
    assert "import" not in source_text.replace("# ", "")
    assert not marker.exists()
