"""Evaluation-time errors: every way a record can be refused, and the inputs that are accepted.

Every refusal is an :class:`evalrules.InputError` whose ``field`` is the input at fault and whose
message names that field and the rule that refused it; never a Python traceback.
"""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from decimal import Decimal
from fractions import Fraction

import pytest

import evalrules
from evalrules import InputError

SOURCE = """\
ruleset 输入校验
ballot 测评: 优秀, 称职, 不称职
input 得分: number in 0..100
input 次数: integer in 0..
input 比例: number in 0%..100%
input 上限: number in ..10
input 完成: one of 好, 一般, 差
input 突出问题: bool default false
input 加分: number default 2
input 已公示: bool
let 优秀率 = share(测评: 优秀)
let 平均分 = points(测评: 优秀 100, 称职 80, 不称职 0)
let 票数 = votes(测评: 优秀, 称职) + total(测评)
score 总分 = 得分 + 次数 + 比例 + 上限 + 加分
outcome 表扬 when 完成 is 好 and 已公示 and not 突出问题
"""

RULES = evalrules.compile(SOURCE, path="输入校验.rules")


def record(**changes) -> dict:
    """A valid record with some fields changed (``...`` removes a field)."""
    rec = {
        "测评": {"优秀": 6, "称职": 3, "不称职": 1},
        "得分": 60, "次数": 1, "比例": Fraction(1, 2), "上限": 3, "完成": "好", "已公示": True,
    }
    for key, value in changes.items():
        if value is ...:
            rec.pop(key, None)
        else:
            rec[key] = value
    return rec


def refused(rec: dict, rules: evalrules.Ruleset = RULES, evaluate=None) -> InputError:
    with pytest.raises(InputError) as info:
        (evaluate or rules.evaluate)(rec)
    return info.value


def assert_names(error: InputError, field: str | None, rule: str | None) -> None:
    """The error's field, and a message that names the field and the rule."""
    assert error.field == field, (error.field, str(error))
    message = str(error)
    if field is not None:
        assert field in message, message
    if rule is not None:
        assert error.rule is not None and rule in error.rule, (error.rule, message)
        assert rule in message, message
    assert "Traceback" not in message


def test_valid_record_evaluates():
    result = RULES.evaluate(record())
    assert result["优秀率"] == Fraction(3, 5)
    assert result["平均分"] == 84
    assert result["票数"] == 19
    assert result["总分"] == Fraction(133, 2)
    assert result.outcomes == ("表扬",)


# ---------------------------------------------------------------- missing and wrong type


def test_missing_input_without_default():
    e = refused(record(得分=...))
    assert_names(e, "得分", "input 得分")
    assert "missing" in str(e)


def test_missing_bool_without_default():
    assert_names(refused(record(已公示=...)), "已公示", "input 已公示")


def test_missing_ballot():
    e = refused(record(测评=...))
    assert_names(e, "测评", "测评")
    assert "missing" in str(e)


def test_missing_input_with_default_takes_the_default():
    result = RULES.evaluate(record())
    assert result["突出问题"] is False
    assert result["加分"] == 2


def test_none_means_missing_so_the_default_applies():
    result = RULES.evaluate(record(突出问题=None, 加分=None))
    assert result["突出问题"] is False
    assert result["加分"] == 2


def test_none_for_an_input_without_default_is_missing():
    assert_names(refused(record(得分=None)), "得分", "input 得分")


@pytest.mark.parametrize("value", ["abc", "", "12分", "1,000", [60], {"v": 60}, b"60",
                                   complex(1, 0), object()])
def test_wrong_type_for_a_number(value):
    e = refused(record(得分=value))
    assert_names(e, "得分", "input 得分")
    assert "number" in str(e)


@pytest.mark.parametrize("value", [True, False])
def test_bool_is_not_a_number(value):
    e = refused(record(得分=value))
    assert_names(e, "得分", "input 得分")
    assert e.value is value


@pytest.mark.parametrize("value", ["yes", "Y", "有", "t", "1.0", "", 2, -1, 0.5,
                                   Decimal("NaN"), None.__class__])
def test_wrong_type_for_a_bool(value):
    """Words outside the yes/no vocabulary (true/false, 是/否, √/×, 1/0: tests/
    test_record_errors.py) and numbers other than 1 and 0 are refused."""
    e = refused(record(已公示=value))
    assert_names(e, "已公示", "input 已公示")
    assert "true or false" in str(e) and "(accepted: 是, 否, √, ×," in str(e)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), Decimal("NaN"),
                                   Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_non_finite_numbers_are_refused(value):
    e = refused(record(得分=value))
    assert_names(e, "得分", "input 得分")
    assert "finite" in str(e)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_non_finite_numeric_strings_are_refused(value):
    assert_names(refused(record(得分=value)), "得分", "input 得分")


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize("value", [101, -1, Fraction(-1, 1000), "100.01", 100.5, Decimal("-0.1")])
def test_value_outside_a_closed_range(value):
    e = refused(record(得分=value))
    assert_names(e, "得分", "input 得分")
    assert "outside" in str(e) and "0..100" in str(e)


@pytest.mark.parametrize("value", [0, 100, "0", "100", 0.0, 100.0, Decimal("100.00")])
def test_inclusive_bounds_are_accepted(value):
    assert RULES.evaluate(record(得分=value))["得分"] == Fraction(str(value))


def test_open_upper_bound():
    assert RULES.evaluate(record(次数=10**30))["次数"] == 10**30
    e = refused(record(次数=-1))
    assert_names(e, "次数", "input 次数")
    assert "outside" in str(e)


def test_open_lower_bound():
    assert RULES.evaluate(record(上限=-10**30))["上限"] == -10**30
    assert RULES.evaluate(record(上限=10))["上限"] == 10
    e = refused(record(上限=Fraction(101, 10)))
    assert_names(e, "上限", "input 上限")
    assert "outside" in str(e)


def test_percent_range():
    assert RULES.evaluate(record(比例="100%"))["比例"] == 1
    assert RULES.evaluate(record(比例=0))["比例"] == 0
    e = refused(record(比例="101%"))
    assert_names(e, "比例", "input 比例")
    assert "outside" in str(e)


def test_range_bound_from_a_param():
    rules = evalrules.compile("ruleset r\nparam 满分 = 20\ninput a: number in 0..满分\n"
                              "score s = a\n")
    assert rules.evaluate({"a": 20})["s"] == 20
    assert_names(refused({"a": 21}, rules), "a", "input a")
    wider = rules.with_params(满分=30)
    assert wider.evaluate({"a": 21})["s"] == 21


@pytest.mark.parametrize("value", [2.5, "2.5", Fraction(5, 2), Decimal("2.5"), "1/2"])
def test_integer_input_given_a_fraction(value):
    e = refused(record(次数=value))
    assert_names(e, "次数", "input 次数")
    assert "whole number" in str(e)


@pytest.mark.parametrize("value", [3.0, "3", Decimal("3.00"), Fraction(6, 2)])
def test_integer_input_given_a_whole_value(value):
    assert RULES.evaluate(record(次数=value))["次数"] == 3


# ---------------------------------------------------------------- ballots


@pytest.mark.parametrize("count", [-1, 1.5, "1.5", Fraction(1, 2), "-2", Decimal("0.5")])
def test_negative_or_fractional_vote_count(count):
    e = refused(record(测评={"优秀": count, "称职": 3, "不称职": 1}))
    assert_names(e, "测评", "测评")
    assert "whole numbers >= 0" in str(e)


@pytest.mark.parametrize("count", [True, "many", None, float("nan"), [1]])
def test_vote_count_of_the_wrong_type(count):
    e = refused(record(测评={"优秀": count, "称职": 3, "不称职": 1}))
    assert_names(e, "测评", "测评")


VOTE_COUNTS = [-1, 1.5, "1.5", Fraction(1, 2), "a", True, [1], float("nan"), float("inf"),
               Decimal("NaN"), Decimal("1e700"), "1/0", "9" * 800, 10**5000, Fraction(1, 10**700)]


@pytest.mark.parametrize("count", VOTE_COUNTS,
                         ids=[f"{type(c).__name__}{i}" for i, c in enumerate(VOTE_COUNTS)])
@pytest.mark.parametrize("category", ["优秀", "称职", "不称职"])
@pytest.mark.parametrize("flat", [False, True], ids=["nested", "flat"])
def test_every_error_of_a_vote_count_names_its_category(category, count, flat):
    """'测评' must be a number, not 'a' left the reader to find which of the counts it was."""
    counts = {"优秀": 6, "称职": 3, "不称职": 1, category: count}
    rec = record(测评=...) if flat else record(测评=counts)
    if flat:
        rec.update({f"测评.{c}": n for c, n in counts.items()})
    for evaluate in (RULES.evaluate, RULES.reference_evaluate):
        e = refused(rec, evaluate=evaluate)
        assert_names(e, "测评", "ballot 测评")
        assert f"'测评.{category}'" in str(e), str(e)
        assert len(str(e)) < 200
    (result,) = RULES.evaluate_many([rec])
    assert f"'测评.{category}'" in str(result.error)


@pytest.mark.parametrize("count", [-1, 1.5, "a"])
def test_a_vote_count_error_names_its_category_in_a_table(count):
    pd = pytest.importorskip("pandas")
    counts = {"优秀": 6, "称职": count, "不称职": 1}
    rec = {k: v for k, v in record().items() if k != "测评"}
    frame = pd.DataFrame([{**rec, **{f"测评.{c}": n for c, n in counts.items()}}], dtype=object)
    (error,) = RULES.evaluate_table(frame)["error"].tolist()
    assert "'测评.称职'" in error


def test_missing_category_count_in_a_ballot():
    e = refused(record(测评={"优秀": 6, "称职": 3}))
    assert_names(e, "测评", "测评")
    assert "不称职" in str(e)


def test_unknown_category_key_in_a_ballot():
    e = refused(record(测评={"优秀": 6, "称职": 3, "不称职": 1, "基本称职": 0}))
    assert_names(e, "测评", "测评")
    assert "基本称职" in str(e)


def test_misspelt_category_key_in_a_ballot_suggests_the_category():
    e = refused(record(测评={"忧秀": 6, "称职": 3, "不称职": 1}))
    assert_names(e, "测评", "测评")
    assert "忧秀" in str(e) and "优秀" in str(e)


@pytest.mark.parametrize("value", [[6, 3, 1], "6,3,1", 10])
def test_ballot_that_is_not_a_mapping(value):
    assert_names(refused(record(测评=value)), "测评", "测评")


def test_ballot_nested_or_flat_gives_the_same_result():
    flat = record(测评=...)
    flat.update({"测评.优秀": 6, "测评.称职": 3, "测评.不称职": 1})
    assert dict(RULES.evaluate(flat)) == dict(RULES.evaluate(record()))


def test_flat_ballot_with_a_missing_column():
    flat = record(测评=...)
    flat.update({"测评.优秀": 6, "测评.称职": 3})
    assert_names(refused(flat), "测评", "测评")


def test_flat_ballot_with_an_unknown_column():
    flat = record(测评=...)
    flat.update({"测评.优秀": 6, "测评.称职": 3, "测评.不称职": 1, "测评.其他": 0})
    e = refused(flat)
    assert_names(e, "测评", "测评")
    assert "其他" in str(e)


def test_ballot_given_both_nested_and_flat():
    both = record()
    both["测评.优秀"] = 6
    assert_names(refused(both), "测评", "测评")


def test_vote_counts_as_numeric_strings_and_decimals():
    rec = record(测评={"优秀": "6", "称职": Decimal(3), "不称职": 1.0})
    assert RULES.evaluate(rec)["优秀率"] == Fraction(3, 5)


@pytest.mark.parametrize("name", ["优秀率", "平均分"])
def test_empty_ballot_where_a_share_or_points_is_needed(name):
    rules = evalrules.compile(
        "ruleset r\nballot 测评: 优秀, 称职\n"
        + ("let 优秀率 = share(测评: 优秀)\n" if name == "优秀率"
           else "let 平均分 = points(测评: 优秀 100, 称职 80)\n"))
    e = refused({"测评": {"优秀": 0, "称职": 0}}, rules)
    assert_names(e, "测评", f"let {name}")
    assert "no votes" in str(e)


def test_empty_ballot_is_fine_where_only_votes_and_total_are_used():
    rules = evalrules.compile(
        "ruleset r\nballot 测评: 优秀, 称职\nscore s = votes(测评: 优秀) + total(测评)\n"
        "outcome 无票 when total(测评) == 0\n")
    result = rules.evaluate({"测评": {"优秀": 0, "称职": 0}})
    assert result["s"] == 0
    assert result.outcomes == ("无票",)


def test_empty_ballot_in_the_acceptance_example(tmp_path):
    from conftest import SHARED_EXAMPLES

    rules = evalrules.load(SHARED_EXAMPLES / "city-team.rules")
    rec = {"目标完成": "好", "班子状况": "团结协调",
           "班子测评": {"优秀": 0, "较好": 0, "一般": 0, "较差": 0},
           "正职测评": {"优秀": 6, "称职": 3, "基本称职": 1, "不称职": 0}}
    e = refused(rec, rules)
    assert_names(e, "班子测评", None)
    assert e.rule is not None and e.rule in str(e)


# ---------------------------------------------------------------- categories and fields


@pytest.mark.parametrize("value", ["好好", "优秀", "", 1, True, ["好"]])
def test_unknown_label_for_a_one_of_input(value):
    e = refused(record(完成=value))
    assert_names(e, "完成", "input 完成")
    assert "好, 一般, 差" in str(e)


def test_misspelt_label_suggests_the_label():
    e = refused(record(完成="一班"))
    assert "did you mean '一般'" in str(e)


def test_label_with_surrounding_spaces_is_accepted():
    assert RULES.evaluate(record(完成=" 好 "))["完成"] == "好"


def test_label_of_a_scale_input():
    rules = evalrules.compile("ruleset r\nscale 等次: 优秀 > 称职\ninput 上年: 等次\n"
                              "outcome o when 上年 >= 称职\n")
    assert rules.evaluate({"上年": "优秀"}).outcomes == ("o",)
    assert_names(refused({"上年": "良好"}, rules), "上年", "input 上年")


def test_unknown_field_in_the_record():
    e = refused(record(其他=1))
    assert e.field == "其他"
    assert "其他" in str(e) and "unknown field" in str(e)


def test_misspelt_field_suggests_the_field():
    e = refused(record(得份=60))
    assert e.field == "得份"
    assert "did you mean '得分'" in str(e)


def test_dotted_field_that_is_not_a_ballot_column():
    e = refused(record(**{"得分.x": 1}))
    assert e.field == "得分.x"


def test_non_string_field_name():
    rec = record()
    rec[1] = 2
    e = refused(rec)
    assert e.field == "1"


@pytest.mark.parametrize("rec", [None, [], "得分=60", 60])
def test_record_that_is_not_a_mapping(rec):
    with pytest.raises(InputError):
        RULES.evaluate(rec)


# ---------------------------------------------------------------- require, unique, division


REQUIRE = """\
ruleset r
ballot 群众测评: 好, 较好, 一般
input 得分: number
require share(群众测评: 好) <= 30% "评价为“好”的比例不得超过30%"
require 得分 >= 10
score s = 得分
"""


def test_failed_require_with_a_message():
    rules = evalrules.compile(REQUIRE)
    e = refused({"群众测评": {"好": 4, "较好": 5, "一般": 1}, "得分": 50}, rules)
    assert_names(e, "群众测评", "require")
    assert "评价为“好”的比例不得超过30%" in str(e)
    assert "share(群众测评: 好) <= 30%" in e.rule


def test_failed_require_without_a_message():
    rules = evalrules.compile(REQUIRE)
    e = refused({"群众测评": {"好": 3, "较好": 5, "一般": 2}, "得分": 5}, rules)
    assert_names(e, "得分", "require 得分 >= 10")
    assert "failed" in str(e)


def test_require_that_holds():
    rules = evalrules.compile(REQUIRE)
    assert rules.evaluate({"群众测评": {"好": 3, "较好": 5, "一般": 2}, "得分": 10})["s"] == 10


def test_require_on_a_derived_value():
    rules = evalrules.compile("ruleset r\ninput a: number\nlet b = a * 2\nrequire b < 10 \"太大\"\n"
                              "score s = b\n")
    assert rules.evaluate({"a": 4})["s"] == 8
    e = refused({"a": 5}, rules)
    assert e.rule is not None and "require" in e.rule
    assert "太大" in str(e)


UNIQUE = """\
ruleset r
input a: number
scale 等次: 优秀 > 良好 > 一般
grade 等次 (unique):
  优秀 when a >= 90
  良好 when a >= 80
  otherwise 一般
"""


def test_two_rules_matching_under_unique():
    rules = evalrules.compile(UNIQUE)
    e = refused({"a": 95}, rules)
    assert_names(e, None, "grade 等次")
    assert "优秀" in str(e) and "良好" in str(e) and "unique" in str(e)


@pytest.mark.parametrize(("a", "grade"), [(85, "良好"), (10, "一般")])
def test_unique_with_at_most_one_match(a, grade):
    assert evalrules.compile(UNIQUE).evaluate({"a": a})["等次"] == grade


def test_division_by_zero_in_a_let():
    rules = evalrules.compile("ruleset r\ninput a: number\ninput b: number\n"
                              "let 比值 = a / (b - 50)\nscore s = 比值\n")
    assert rules.evaluate({"a": 10, "b": 55})["s"] == 2
    e = refused({"a": 10, "b": 50}, rules)
    assert e.rule == "let 比值"
    assert "let 比值" in str(e) and "division by zero" in str(e)
    assert "b - 50" in str(e)


def test_input_error_is_a_value_error_with_a_dict():
    e = refused(record(得分="abc"))
    assert isinstance(e, ValueError)
    assert e.to_dict() == {"code": "R104", "field": "得分", "rule": "input 得分",
                           "message": str(e)}


# ---------------------------------------------------------------- accepted inputs


@pytest.mark.parametrize(("value", "expected"), [
    (80, Fraction(80)),
    (Fraction(161, 2), Fraction(161, 2)),
    (Decimal("80.25"), Fraction(321, 4)),
    (0.8, Fraction(4, 5)),
    (0.1 + 0.2, Fraction(3, 10) + Fraction(1, 10**17) * 4),  # 0.30000000000000004
    (12.3, Fraction(123, 10)),
    (1e-05, Fraction(1, 100000)),
    ("0.8", Fraction(4, 5)),
    ("80%", Fraction(4, 5)),
    ("80％", Fraction(4, 5)),
    (" 12 ", Fraction(12)),
    ("1/3", Fraction(1, 3)),
    ("+5", Fraction(5)),
    (".5", Fraction(1, 2)),
    ("1e1", Fraction(10)),
    ("  50 % ", Fraction(1, 2)),
])
def test_accepted_numbers_are_exact(value, expected):
    assert RULES.evaluate(record(得分=value))["得分"] == expected


def test_float_is_taken_as_its_shortest_decimal():
    value = RULES.evaluate(record(比例=0.8))["比例"]
    assert value == Fraction(4, 5)
    assert value != Fraction(0.8)
    assert isinstance(value, Fraction)


def test_float_sum_is_exact_decimal_of_its_repr():
    value = RULES.evaluate(record(比例=0.1 + 0.2))["比例"]
    assert value == Fraction(repr(0.1 + 0.2))


def test_int_subclasses_and_bool_lookalikes():
    class Count(int):
        pass

    assert RULES.evaluate(record(次数=Count(4)))["次数"] == 4


def test_bool_inputs_accept_only_bools():
    assert RULES.evaluate(record(已公示=False)).outcomes == ()
    assert RULES.evaluate(record(已公示=True)).outcomes == ("表扬",)


def test_results_are_exact_after_float_inputs():
    rules = evalrules.compile("ruleset r\ninput a: number\ninput b: number\nscore s = a + b\n")
    assert rules.evaluate({"a": 0.1, "b": 0.2})["s"] == Fraction(3, 10)


# ---------------------------------------------------------------- degenerate numbers


@pytest.mark.parametrize("where", ["input", "ballot"])
def test_zero_denominator_string_is_an_input_error(where):
    rec = record(得分="1/0") if where == "input" else \
        record(测评={"优秀": "0/0", "称职": 3, "不称职": 1})
    e = refused(rec)
    assert e.field == ("得分" if where == "input" else "测评")


@pytest.mark.parametrize("make", [lambda: 10**5000, lambda: "1e5000", lambda: Decimal("1e5000"),
                                  lambda: -(10**5000)], ids=["int", "str", "decimal", "negative"])
def test_huge_out_of_range_number_is_an_input_error(make):
    e = refused(record(得分=make()))
    assert type(e) is InputError
    assert_names(e, "得分", "input 得分")


def test_huge_exponent_is_refused_quickly():
    script = textwrap.dedent("""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
        import evalrules
        r = evalrules.compile("ruleset r\\ninput a: number in 0..100\\nscore s = a\\n")
        try:
            r.evaluate({"a": "1e999999999"})
        except evalrules.InputError:
            print("InputError")
    """)
    try:
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail("took more than 5 seconds")
    assert out.stdout.strip() == "InputError", out.stderr[-500:]


def test_math_isfinite_guard_is_not_fooled_by_huge_floats():
    assert math.isfinite(1e308)
    assert RULES.evaluate(record(上限=-1e308))["上限"] == -(10**308)
