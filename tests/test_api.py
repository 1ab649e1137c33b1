"""The public API other systems code against: names, types and data layouts."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

import evalrules

from conftest import SHARED_EXAMPLES

CITY = SHARED_EXAMPLES / "city-team.rules"
RECORD = {
    "目标完成": "好", "班子状况": "团结协调", "计生综治目标未完成": True,
    "正职测评": {"优秀": 6, "称职": 3, "基本称职": 1, "不称职": 0},
    "班子测评": {"优秀": 6, "较好": 3, "一般": 1, "较差": 0},
}


@pytest.fixture(scope="module")
def city():
    return evalrules.load(CITY)


def test_result_values_have_the_documented_types(city):
    result = city.evaluate(RECORD)
    assert result["班子等次"] == "较好" and isinstance(result["班子等次"], str)
    assert result["班子优秀率"] == Fraction(3, 5) and isinstance(result["班子优秀率"], Fraction)
    assert result["一般线"] == Fraction(3, 10)
    assert result["物质奖励"] is True
    assert result.vetoes == ("人口计生综治",)
    assert result.outcomes == ("物质奖励",)
    with pytest.raises(KeyError, match="did you mean '班子等次'"):
        result["班子等级"]


def test_integral_numbers_are_ints(run):
    rules = evalrules.compile("ruleset t\nlet a = 3/2 + 1/2\nlet b = 1/3\n")
    result = run(rules, {})
    assert result["a"] == 2 and type(result["a"]) is int
    assert type(result["b"]) is Fraction


def test_trace_is_json_ready_and_says_what_decided(city):
    trace = city.evaluate(RECORD).trace()
    json.dumps(trace, ensure_ascii=False)
    assert trace["version"] == 1
    (grade,) = trace["grades"]
    assert grade["grade"] == "班子等次" and grade["policy"] == "worst"
    assert [r["label"] for r in grade["rules"]] == ["优秀", "一般", "较差"]
    assert [r["matched"] for r in grade["rules"]] == [True, False, False]
    excellent = grade["rules"][0]["condition"]
    assert excellent["quantifier"] == "all" and excellent["matched"] == 6
    assert excellent["parts"][2] == {
        "text": "班子好评率 >= 90%", "value": True, "values": {"班子好评率": "0.9"},
        "form": ["cmp", ">=", ["ref", "班子好评率"], ["num", "90%", "0.9"], "value"],
        "numbers": {"班子好评率": "percent"}}
    assert grade["decided_by"] == "优秀" and grade["table_value"] == "优秀"
    assert grade["vetoes"] == [{"veto": "人口计生综治", "action": "lower", "amount": 1,
                                "label": None, "from": "优秀", "to": "较好",
                                "because": "计生综治目标未完成"}]
    assert grade["value"] == "较好"


def test_explain_in_english_and_chinese(city):
    result = city.evaluate(RECORD)
    english = result.explain("en")
    assert ("veto 人口计生综治: because 计生综治目标未完成, 班子等次 is lowered one grade "
            "(优秀 → 较好)") in english
    assert "班子好评率 ≥ 90% [班子好评率 = 90%] → holds" in english
    chinese = result.explain()
    assert ("一票否决“人口计生综治”：因计生综治目标未完成，班子等次降低一个档次（优秀 → 较好）"
            in chinese)
    assert "班子好评率 ≥ 90%【班子好评率 = 90%】→ 成立" in chinese
    with pytest.raises(ValueError):
        result.explain("fr")


def test_to_dict_writes_exact_numbers_as_strings(city):
    data = city.evaluate(RECORD).to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["values"]["班子优秀率"] == "0.6"
    assert data["values"]["班子等次"] == "较好"
    assert data["vetoes"] == ["人口计生综治"]


def test_introspection(city):
    assert city.name == "市直领导班子年度考核"
    assert city.title == "领导班子年度考核结果评定（市直单位）"
    assert city.grades == {"班子等次": ("优秀", "较好", "一般", "较差")}
    assert city.params == {"一般线": Fraction(3, 10)}
    assert city.outcomes == ("物质奖励", "集体谈话")
    assert city.vetoes == ("人口计生综治",)
    fields = city.inputs
    assert fields["班子测评"].kind == "ballot"
    assert fields["班子测评"].labels == ("优秀", "较好", "一般", "较差")
    assert fields["目标完成"].labels == ("好", "一般", "差距较大") and fields["目标完成"].required
    assert fields["存在突出问题"].default is False and not fields["存在突出问题"].required
    assert [c.kind for c in city.checks] == ["monotone"]


def test_extends_is_resolved_relative_to_the_file_that_says_it(tmp_path):
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "base.rules").write_text(
        "ruleset 基础\n  title \"基础\"\ninput 分: number in 0..100\nparam 线 = 60\n"
        "outcome 合格 when 分 >= 线\n", encoding="utf-8")
    (tmp_path / "base" / "mid.rules").write_text(
        'ruleset 中间 extends "base.rules"\noverride param 线 = 70\n', encoding="utf-8")
    (tmp_path / "child.rules").write_text(
        'ruleset 县 extends "base/mid.rules"\noverride outcome 合格 when 分 > 线\n',
        encoding="utf-8")
    child = evalrules.load(tmp_path / "child.rules")
    assert child.title == "基础"  # inherited
    assert child.evaluate({"分": 70}).outcomes == ()
    assert child.evaluate({"分": 71}).outcomes == ("合格",)
    assert evalrules.load(tmp_path / "base" / "mid.rules").evaluate({"分": 70}).outcomes == \
        ("合格",)


def test_compile_takes_a_loader_for_extends():
    sources = {"base.rules": "ruleset 基础\nparam 线 = 1\nlet 值 = 线\n"}
    child = evalrules.compile('ruleset 子 extends "base.rules"\noverride param 线 = 2\n',
                              loader=lambda name, _from: (name, sources[name]))
    assert child.evaluate({})["值"] == 2


def test_errors_share_a_base_class():
    assert issubclass(evalrules.RulesetError, evalrules.EvalRulesError)
    assert issubclass(evalrules.InputError, evalrules.EvalRulesError)
    with pytest.raises(evalrules.RulesetError) as info:
        evalrules.load("no/such/file.rules")
    assert info.value.diagnostics[0].code == "E501"


def test_a_ruleset_is_immutable(city):
    with pytest.raises(AttributeError):
        city.checked = None


def test_a_traceback_through_generated_code_shows_the_code_and_the_ruleset_line(tmp_path):
    import traceback

    path = tmp_path / "比值.rules"
    path.write_text("ruleset 比值\ninput a: number\ninput b: number\n\nlet q = a / b\n",
                    encoding="utf-8")
    rules = evalrules.load(path)
    with pytest.raises(evalrules.InputError) as info:
        rules.evaluate({"a": 1, "b": 0})
    text = "".join(traceback.format_exception(info.value))
    assert f"<evalrules {path}>" in text  # the generated function's frame, named by the ruleset
    assert f"_fail(0)  # {path}:5:1" in text  # its line, with where the rule was written
    assert f"# 'let q'  # {path}:5:1" in rules.generated_source()
