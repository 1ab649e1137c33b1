"""Records and values written to hurt: integers past Python's 4,300-digit limit on int/str
conversion in any field, as a field name or as a ballot count; strings of a megabyte; results whose
exact text runs to thousands of digits. Each record gets an ``InputError`` of its own (the batch
goes on), every message that shows a value stays short, and exact text never raises (issue 11).
"""

from __future__ import annotations

import sys
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalrules
from evalrules import InputError
from evalrules.unparse import decimal_text
from evalrules.values import exact_str, shown

HUGE = 10**5000  # past sys.int_info.str_digits_check_threshold's default limit of 4,300
RULES = """\
ruleset 敌意
scale 等次: 优秀 > 称职 > 不称职
ballot 测评: 优秀, 称职, 不称职
input 编号: text
input 类别: one of 甲, 乙
input 否决: bool
input 往年: history of 等次
input 得分: number
input 人数: integer
let 合计 = 得分 + 人数 + votes(测评: 优秀)
"""
GOOD = {"编号": "A1", "类别": "甲", "否决": False, "往年": ["优秀"], "得分": 1, "人数": 2,
        "测评": {"优秀": 1, "称职": 0, "不称职": 0}}


@pytest.fixture(scope="module")
def rules() -> evalrules.Ruleset:
    return evalrules.compile(RULES)


def bad(rules, record) -> InputError:
    with pytest.raises(InputError) as info:
        rules.evaluate(record)
    return info.value


# ---------------------------------------------------------------- #14 the 4,300-digit limit


@pytest.mark.parametrize("field", ["编号", "类别", "否决", "往年", "得分", "人数"])
@pytest.mark.parametrize("value", [HUGE, -HUGE, [HUGE], Fraction(HUGE, 3)],
                         ids=["huge", "-huge", "[huge]", "huge/3"])
def test_a_huge_integer_in_any_field_is_an_input_error(rules, field, value):
    e = bad(rules, {**GOOD, field: value})
    assert e.field == field and e.code in ("R104", "R105", "R107")
    assert len(str(e)) < 300


@pytest.mark.parametrize("field", ["编号", "类别", "否决", "往年"])
def test_a_message_shows_a_huge_integer_by_its_digits(rules, field):
    e = bad(rules, {**GOOD, field: [HUGE] if field == "往年" else HUGE})
    assert "an integer of 5001 digits" in str(e)


@pytest.mark.parametrize("value", [HUGE, Fraction(1, HUGE), "9" * 5000],
                         ids=["huge", "1/huge", "9*5000"])
def test_a_huge_ballot_count_is_an_input_error(rules, value):
    e = bad(rules, {**GOOD, "测评": {"优秀": value, "称职": 0, "不称职": 0}})
    assert e.field == "测评" and e.code in ("R104", "R106", "R107")
    assert len(str(e)) < 300


def test_a_huge_integer_as_a_field_name_is_an_input_error(rules):
    e = bad(rules, {**GOOD, HUGE: 1})
    assert e.code == "R101"
    assert "an integer of 5001 digits" in str(e)


def test_a_huge_integer_as_a_ballot_category_is_an_input_error(rules):
    e = bad(rules, {**GOOD, "测评": {"优秀": 1, "称职": 0, "不称职": 0, HUGE: 1}})
    assert e.code == "R106" and "an integer of 5001 digits" in str(e)


def test_a_huge_integer_does_not_abort_the_batch(rules):
    records = [GOOD, {**GOOD, "编号": HUGE}, {**GOOD, "类别": HUGE}, {**GOOD, HUGE: 0}, GOOD]
    results = list(rules.evaluate_many(records))
    assert [r.error is None for r in results] == [True, False, False, False, True]
    assert all(isinstance(r.error, InputError) for r in results[1:4])


@pytest.mark.parametrize("field", ["类别", "往年", "得分"])
def test_a_megabyte_string_is_not_echoed_in_full(rules, field):
    e = bad(rules, {**GOOD, field: "x" * 1_000_000})
    assert len(str(e)) < 300


def test_a_text_input_takes_a_whole_number_up_to_the_largest_number(rules):
    n = 10**600
    assert rules.evaluate({**GOOD, "编号": n})["编号"] == "1" + "0" * 600


# ---------------------------------------------------------------- showing any value


@pytest.mark.parametrize("value, text", [
    (HUGE, "an integer of 5001 digits"),
    (-HUGE, "an integer of 5001 digits"),
    (10**4299, "an integer of 4300 digits"),
    (10**59, repr(10**59)),
    (Fraction(HUGE, 7), "a fraction of 5001 digits over 1 digit"),
    ("x" * 10_000, "'xxxxxxxx"),
    (b"\xff" * 10_000, "b'\\xff"),
    ([HUGE], "[an integer of 5001 digits]"),
    ({"a": HUGE}, "{'a': an integer of 5001 digits}"),
    (list(range(10**6)), "[0, 1, 2, 3, ...]"),
], ids=["huge", "-huge", "4300 digits", "60 digits", "huge/7", "long str", "long bytes", "list",
        "dict", "long list"])
def test_shown_is_short_and_never_raises(value, text):
    out = shown(value)
    assert text in out and len(out) <= 120


def test_shown_of_an_object_whose_repr_raises():
    class Nasty:
        def __repr__(self):
            raise RuntimeError("no")

    assert "Nasty" in shown(Nasty())


# ---------------------------------------------------------------- exact text of any number


def _oracle(value: Fraction) -> str:
    """The exact text by another road: Decimal, whose str has no digit limit."""
    with localcontext() as ctx:
        digits = len(str(Decimal(abs(value.numerator)))) + len(str(Decimal(value.denominator)))
        ctx.prec = 4 * digits + 10  # 1/2**n has about 0.7 n significant digits
        if value.denominator == 1:
            return str(Decimal(value.numerator))
        q = Decimal(value.numerator) / Decimal(value.denominator)
        return format(q, "f")


@pytest.mark.parametrize("value", [
    Fraction(HUGE), Fraction(-HUGE - 1), Fraction(HUGE + 1, 8), Fraction(-HUGE, 2**40),
    Fraction(1, 2**20000), Fraction(-3, 5**9000), Fraction(HUGE * 7 + 1, 10**3000),
    Fraction(10**20000 - 1),
], ids=lambda v: f"{v.numerator.bit_length()}/{v.denominator.bit_length()} bits")
def test_exact_text_of_numbers_past_the_int_str_limit(value):
    assert decimal_text(value) == _oracle(value)
    assert exact_str(value) == _oracle(value)


def test_exact_text_of_a_fraction_without_decimal_form_past_the_limit():
    value = Fraction(HUGE + 1, 3)
    text = exact_str(value)
    numerator, denominator = text.split("/")
    assert denominator == "3" and numerator == str(Decimal(HUGE + 1))


@given(st.integers(min_value=-(10**12000), max_value=10**12000) | st.integers(-10**30, 10**30),
       st.integers(0, 40), st.integers(0, 40))
def test_exact_text_agrees_with_decimal_for_any_terminating_fraction(n, twos, fives):
    value = Fraction(n, 2**twos * 5**fives)
    assert exact_str(value) == _oracle(value)


def test_exact_text_does_not_depend_on_the_interpreters_limit():
    if not hasattr(sys, "set_int_max_str_digits"):
        pytest.skip("no int/str limit")
    before = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(640)  # the least it may be
        assert exact_str(Fraction(10**1000 + 1, 4)) == "25" + "0" * 998 + ".25"
    finally:
        sys.set_int_max_str_digits(before)


def test_results_with_thousands_of_digits_write_back():
    rules = evalrules.compile("ruleset r\ninput x: number\nlet y = x*x*x*x*x*x*x*x / 3\n")
    x = 10**599 + 1
    result = rules.evaluate({"x": x})
    assert result["y"] == Fraction(x**8, 3)
    text = result.to_dict()["values"]["y"]
    assert text == f"{Decimal(x**8)}/3"
