"""Compile-time diagnostics: every code in ``diagnostics.CODES``, where it points, how it reads.

Expected positions are worked out from the source text each test writes (``at(...)`` finds the
token a reader would point at), never copied from the compiler's output.
"""

from __future__ import annotations

import re

import pytest

import evalrules
from evalrules import Diagnostic, EvalRulesError, InputError, RulesetError
from evalrules.diagnostics import CODES

PATH = "t.rules"


# ---------------------------------------------------------------- helpers


def at(src: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the ``nth`` occurrence of ``needle`` in ``src``."""
    index = -1
    for _ in range(nth):
        index = src.index(needle, index + 1)
    before = src[:index]
    line = before.count("\n") + 1
    column = index - (before.rfind("\n") + 1) + 1
    return line, column


def diagnostics_of(src: str, path: str = PATH) -> tuple[Diagnostic, ...]:
    with pytest.raises(RulesetError) as info:
        evalrules.compile(src, path=path)
    return info.value.diagnostics


def the(src: str, code: str, path: str = PATH) -> Diagnostic:
    """The one diagnostic with ``code`` that compiling ``src`` reports."""
    found = [d for d in diagnostics_of(src, path) if d.code == code]
    assert len(found) == 1, (code, [str(d) for d in diagnostics_of(src, path)])
    return found[0]


def check(d: Diagnostic, code: str, where: tuple[int, int], message: str, *,
          severity: str = "error", hint: str | None = None, path: str | None = PATH) -> None:
    assert d.code == code, str(d)
    assert d.severity == severity, str(d)
    assert (d.line, d.column) == where, str(d)
    assert message in d.message, str(d)
    if hint is not None:
        assert d.hint is not None and hint in d.hint, str(d)
    if path is not None:
        assert d.path == path


def load_error(path) -> tuple[Diagnostic, ...]:
    with pytest.raises(RulesetError) as info:
        evalrules.load(path)
    return info.value.diagnostics


# ---------------------------------------------------------------- E1xx syntax


def test_e101_unexpected_character():
    src = "ruleset r\ninput a: number\nlet b = a $ 2\n"
    check(the(src, "E101"), "E101", at(src, "$"), "'$'")


def test_e102_unexpected_token():
    src = "ruleset r\ninput a: number\nlet b = a + * 2\n"
    check(the(src, "E102"), "E102", at(src, "*"), "unexpected '*'")


def test_e102_single_equals_in_the_first_statement_hints_double_equals():
    src = "ruleset r\noutcome o when a = 1\n"
    check(the(src, "E102"), "E102", at(src, "= 1"), "'='", hint="==")


def test_e102_single_equals_in_a_later_statement_hints_double_equals():
    src = "ruleset r\ninput a: number\noutcome o when a = 1\n"
    check(the(src, "E102"), "E102", at(src, "= 1"), "'='", hint="==")


def test_keyword_used_where_a_name_is_expected_says_so():
    src = "ruleset r\ninput if: number\n"
    d = diagnostics_of(src)[0]
    assert d.code in ("E102", "E208")
    assert d.line == 2
    assert "keyword" in (d.hint or "") + d.message


def test_e102_missing_colon_after_the_first_grade_header():
    src = "ruleset r\ngrade g (worst)\n  优 when a > 1\n  otherwise 良\n"
    check(the(src, "E102"), "E102", at(src, "\n  优"), "expected ':'", hint="':'")


def test_e102_missing_colon_after_a_later_grade_header():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\n"
           "grade g (worst)\n  优 when a > 1\n  otherwise 良\n")
    check(the(src, "E102"), "E102", at(src, "\n  优"), "expected ':'", hint="':'")


def test_e103_tab_in_indentation():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\n"
           "grade g:\n\t优 when a > 1\n  otherwise 良\n")
    check(the(src, "E103"), "E103", at(src, "\t"), "tab", hint="spaces")


def test_e103_full_width_space_in_indentation():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\n"
           "grade g:\n\u3000\u3000优 when a > 1\n  otherwise 良\n")
    d = diagnostics_of(src)[0]
    check(d, "E103", at(src, "\u3000"), "full-width space")


def test_e103_every_tab_is_reported():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\n"
           "grade g:\n\t优 when a > 1\n\totherwise 良\n")
    tabs = [d for d in diagnostics_of(src) if d.code == "E103"]
    assert [(d.line, d.column) for d in tabs] == [at(src, "\t"), at(src, "\t", 2)]


def test_e104_inconsistent_dedent():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\n"
           "grade g:\n    优 when a > 1\n  otherwise 良\n")
    line, _ = at(src, "  otherwise")
    check(the(src, "E104"), "E104", (line, 1), "indentation")


def test_e105_expression_nested_too_deeply():
    depth = 150
    src = "ruleset r\ninput a: number\nlet b = " + "- " * depth + "a\n"
    d = the(src, "E105")
    assert d.code == "E105" and d.severity == "error"
    assert "100" in d.message
    assert d.hint is not None and "let" in d.hint
    line, start = at(src, "- ")
    assert d.line == line
    # The statement, the expression or one of its '-' operators; never past the operand.
    allowed = {1} | {start + 2 * i for i in range(depth)}
    assert d.column in allowed


def test_e105_flat_sum_is_not_pointed_at_somewhere_near_its_end():
    """A left-leaning flat sum is as deep as it is long; if refused, point at the statement or
    the start of the sum, not at a term near its end."""
    src = "ruleset r\ninput a: number\nlet b = " + " + ".join(["a"] * 150) + "\n"
    try:
        evalrules.compile(src, path=PATH)
    except RulesetError as e:
        (d,) = e.errors
        assert d.code == "E105"
        assert (d.line, d.column) in {(3, 1), at(src, "a + a")}


def test_e106_missing_header():
    src = "input a: number\nlet b = a\n"
    check(diagnostics_of(src)[0], "E106", (1, 1), "", hint="ruleset")


def test_e106_empty_file():
    d = diagnostics_of("")[0]
    assert d.code in ("E106", "E102")
    assert d.line == 1


def test_e106_second_header_is_misplaced():
    src = "ruleset r\ninput a: number\nruleset q\nlet b = a\n"
    check(diagnostics_of(src)[0], "E106", at(src, "ruleset q"), "ruleset")


def test_e107_unterminated_string():
    src = 'ruleset r\n  title "领导班子年度考核\ninput a: number\n'
    check(the(src, "E107"), "E107", at(src, '"'), "unterminated string")


def test_e107_unterminated_require_message():
    src = 'ruleset r\ninput a: number\nrequire a > 1 "得分不得低于1\n'
    check(the(src, "E107"), "E107", at(src, '"'), "unterminated")


def test_e108_text_direction_character_in_a_comment():
    src = "ruleset r\ninput a: number\nscore s = a  # 注释\u202e结束\n"
    d = the(src, "E108")
    check(d, "E108", at(src, "\u202e"), "U+202E RIGHT-TO-LEFT OVERRIDE", hint="delete it")
    assert "score s = a  # 注释\\u{202e}结束" in str(d)


def test_e108_line_separator_in_a_string():
    src = 'ruleset r\ntitle "甲\u2028乙"\n'
    check(the(src, "E108"), "E108", at(src, "\u2028"), "U+2028 LINE SEPARATOR")


def test_e109_citation_in_the_middle_of_a_line():
    src = 'ruleset r\ninput a: number\nlet b = a per "第五条" + 1\n'
    check(the(src, "E109"), "E109", at(src, 'per "'), "ends its line", hint="move it to the end")


def test_e109_chosen_on_a_line_that_is_not_a_param():
    src = 'ruleset r\ninput a: number\nlet b = a chosen "本规则所设"\n'
    check(the(src, "E109"), "E109", at(src, "chosen"), "is not a param", hint='per "…"')


# ---------------------------------------------------------------- E2xx names


def test_e201_unknown_name_with_did_you_mean():
    src = "ruleset r\ninput 得分: number\nlet 总分 = 得份 + 1\n"
    check(the(src, "E201"), "E201", at(src, "得份"), "'得份'", hint="did you mean '得分'?")


def test_e201_unknown_sheet_item_with_did_you_mean():
    src = ("ruleset r\ninput a: number\nsheet 工作 max 10:\n  节水管理 10: pro rata a\n"
           "let x = 工作.节水管里\n")
    check(the(src, "E201"), "E201", at(src, "工作.节水管里"), "'节水管里'",
          hint="did you mean '节水管理'?")


def test_e201_unknown_ballot_with_did_you_mean():
    src = "ruleset r\nballot 班子测评: 好, 差\nlet x = share(班子侧评: 好)\n"
    check(the(src, "E201"), "E201", at(src, "share"), "'班子侧评'",
          hint="did you mean '班子测评'?")


def test_e201_unknown_name_in_check_monotone():
    src = "ruleset r\ninput a: number\nscore s = a\ncheck monotone 总分 in a\n"
    check(the(src, "E201"), "E201", at(src, "check"), "'总分'")


def test_e202_duplicate_name():
    src = "ruleset r\ninput 得分: number\ninput 得分: bool\nlet x = 得分\n"
    check(the(src, "E202"), "E202", at(src, "input 得分: bool"), "'得分' is defined twice")
    assert "line 2" in the(src, "E202").message


def test_e202_duplicate_sheet_item():
    src = ("ruleset r\ninput a: number\nsheet s max 10:\n  x 5: pro rata a\n"
           "  x 5: pro rata a\n")
    check(the(src, "E202"), "E202", at(src, "x 5", 2), "'x'")


def test_e203_unknown_label_with_did_you_mean():
    src = "ruleset r\ninput 完成: one of 好, 一般, 差\noutcome o when 完成 is 好好\n"
    check(the(src, "E203"), "E203", at(src, "完成 is"), "'好好'", hint="did you mean '好'?")


def test_e203_unknown_label_of_a_grade_with_is_not():
    src = ("ruleset r\ninput a: number\nscale 等次: 优秀 > 良好\ngrade 等次:\n"
           "  优秀 when a > 1\n  otherwise 良好\noutcome o when 等次 is not 良\n")
    check(the(src, "E203"), "E203", at(src, "等次 is not"), "'良'", hint="did you mean '良好'?")


def test_in_a_list_of_labels_names_the_unknown_one_the_repeated_one_and_a_number():
    src = "ruleset r\ninput 类别: one of 乡镇, 街道\noutcome o when 类别 in (乡镇, 街区)\n"
    check(the(src, "E203"), "E203", at(src, "类别 in"), "'街区'", hint="did you mean '街道'?")
    src = "ruleset r\ninput 类别: one of 乡镇, 街道\noutcome o when 类别 not in (乡镇, 乡镇)\n"
    check(the(src, "E207"), "E207", at(src, "类别 not in"), "listed twice")
    src = "ruleset r\ninput 分: number\noutcome o when 分 in (乡镇)\n"
    check(the(src, "E301"), "E301", at(src, "分 in"), "'in' asks whether a category")


@pytest.mark.parametrize("op", [">=", "=="])
def test_e203_unknown_label_in_a_comparison_suggests_the_label(op):
    src = ("ruleset r\ninput a: number\nscale 等次: 优秀 > 良好\ngrade 等次:\n"
           f"  优秀 when a > 1\n  otherwise 良好\noutcome o when 等次 {op} 优琇\n")
    (d,) = diagnostics_of(src)
    assert d.code == "E203"
    assert d.line == 7
    assert d.hint is not None and "优秀" in d.hint


def test_e204_unknown_ballot_category_with_did_you_mean():
    src = "ruleset r\nballot 测评: 优秀, 称职\nlet x = share(测评: 忧秀)\n"
    check(the(src, "E204"), "E204", at(src, "share"), "'忧秀'", hint="did you mean '优秀'?")


def test_e204_points_missing_a_category():
    src = "ruleset r\nballot 测评: 优秀, 称职, 不称职\nlet x = points(测评: 优秀 100, 称职 80)\n"
    check(the(src, "E204"), "E204", at(src, "points"), "不称职")


def test_e205_unknown_function_with_did_you_mean():
    src = "ruleset r\ninput a: number\nlet x = mim(a, 2)\n"
    check(the(src, "E205"), "E205", at(src, "mim"), "'mim'", hint="did you mean 'min'?")


def test_e206_unknown_scale_of_an_input_with_did_you_mean():
    src = "ruleset r\nscale 班子等次: 优 > 良\ninput 等次: 班子等级\noutcome o when 等次 is 优\n"
    check(the(src, "E206"), "E206", at(src, "班子等级"), "'班子等级'",
          hint="did you mean '班子等次'?")


def test_e206_misspelt_type_suggests_the_type():
    src = "ruleset r\ninput a: numbr\nlet x = a\n"
    check(the(src, "E206"), "E206", at(src, "numbr"), "'numbr'", hint="did you mean 'number'?")


def test_e206_grade_table_without_its_scale():
    src = ("ruleset r\ninput a: number\nscale 等级: 优 > 良\ngrade 等次:\n"
           "  优 when a > 1\n  otherwise 良\n")
    check(the(src, "E206"), "E206", at(src, "等次"), "'等次'", hint="did you mean '等级'?")


def test_e207_label_listed_twice_in_a_scale():
    src = "ruleset r\nscale s: 优 > 良 > 优\n"
    check(the(src, "E207"), "E207", at(src, "scale"), "'优' is listed twice")


def test_e207_category_listed_twice_in_a_ballot():
    src = "ruleset r\nballot b: 优, 良, 优\nlet x = total(b)\n"
    check(the(src, "E207"), "E207", at(src, "ballot"), "'优' is listed twice")


def test_e207_category_listed_twice_in_share():
    src = "ruleset r\nballot b: 优, 良\nlet x = share(b: 优, 优)\n"
    check(the(src, "E207"), "E207", at(src, "share"), "'优'")


def test_e208_keyword_used_as_a_name():
    src = "ruleset r\nlet total = 1\n"
    check(the(src, "E208"), "E208", at(src, "let"), "'total' is a keyword")


def test_e209_name_of_a_result_column():
    src = "ruleset r\ninput a: number\nlet error = a + 1\n"
    check(the(src, "E209"), "E209", at(src, "let"), "'error' is the name of a result column",
          hint="choose another name")


# ---------------------------------------------------------------- E3xx types


def test_e301_category_compared_with_a_number():
    src = "ruleset r\ninput 完成: one of 好, 差\noutcome o when 完成 > 3\n"
    check(the(src, "E301"), "E301", at(src, "完成 >"), "cannot compare")


def test_e301_is_on_a_number():
    src = "ruleset r\ninput a: number\noutcome o when a is 好\n"
    d = the(src, "E301")
    check(d, "E301", at(src, "a is"), "'is'", hint="==")


def test_e301_score_that_is_a_condition():
    src = "ruleset r\ninput a: number\nscore s = a > 1\n"
    check(the(src, "E301"), "E301", at(src, "a > 1"), "score 's'")


def test_e301_fractional_veto_step():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\ngrade g:\n  优 when a > 1\n"
           "  otherwise 良\nveto v when a > 5:\n  lower g by 1.5\n")
    check(the(src, "E301"), "E301", at(src, "1.5"), "whole number")


def test_e302_wrong_number_of_arguments():
    src = "ruleset r\ninput a: number\nlet x = clamp(a, 2)\n"
    check(the(src, "E302"), "E302", at(src, "clamp"), "clamp() takes 3 arguments, not 2")


def test_e303_param_that_depends_on_an_input():
    src = "ruleset r\ninput a: number\nparam p = a + 1\n"
    check(the(src, "E303"), "E303", at(src, "a + 1"), "param 'p' must be a constant")


def test_e303_round_digits_not_a_literal():
    src = "ruleset r\ninput a: number\nlet x = round(a, a)\n"
    check(the(src, "E303"), "E303", at(src, "a)"), "round()")


def test_e415_digits_of_round_out_of_range():
    src = "ruleset r\ninput a: number\nlet x = round(a, 999999999)\n"
    check(the(src, "E415"), "E415", at(src, "999999999"), "at most 100",
          hint="round to the digits")


def test_e416_a_constant_that_cannot_be_computed():
    src = "ruleset r\nparam z = 0\nparam p = 1 / z\n"
    check(the(src, "E416"), "E416", at(src, "param p"), "division by zero")


def test_e303_range_bound_that_is_not_a_param():
    src = "ruleset r\ninput a: number\ninput b: number in 0..a\nlet x = a + b\n"
    check(the(src, "E303"), "E303", at(src, "a\n"), "range bound")


def test_e304_not_a_ballot():
    src = "ruleset r\ninput a: number\nlet x = share(a: 好)\n"
    check(the(src, "E304"), "E304", at(src, "share"), "'a' is not a ballot")


# ---------------------------------------------------------------- E4xx structure


def test_e401_weights_do_not_add_up():
    src = ("ruleset r\ninput a: number\ninput b: number\n"
           "score s = weighted:\n  a 30%\n  b 60%\n")
    d = the(src, "E401")
    check(d, "E401", at(src, "weighted"), "90%", hint="30% + 60%")
    assert "100%" in d.message


def test_e402_sheet_items_do_not_add_up_to_max():
    src = ("ruleset r\ninput a: number\nsheet 节水工作 max 10:\n  x 4: pro rata a\n"
           "  y 5: = a\n")
    d = the(src, "E402")
    check(d, "E402", at(src, "sheet"), "节水工作")
    assert "9" in d.message and "10" in d.message


def test_e402_heading_children_do_not_add_up():
    src = ("ruleset r\ninput a: number\nsheet s max 10:\n  经济措施 10:\n"
           "    x 4: pro rata a\n    y 5: = a\n")
    d = the(src, "E402")
    check(d, "E402", at(src, "经济措施"), "'经济措施'")
    assert "9" in d.message and "10" in d.message


def test_e403_cycle_names_the_whole_cycle():
    src = "ruleset r\nlet a = b + 1\nlet b = c\nlet c = a\n"
    d = the(src, "E403")
    check(d, "E403", at(src, "let a"), "cycle")
    assert "a → b → c → a" in d.message


def test_e403_self_reference():
    src = "ruleset r\nlet a = a + 1\n"
    d = the(src, "E403")
    check(d, "E403", at(src, "let a"), "a → a")


def test_e404_grade_table_without_otherwise():
    src = "ruleset r\ninput a: number\nscale g: 优 > 良\ngrade g:\n  优 when a > 1\n"
    check(the(src, "E404"), "E404", at(src, "g:\n"), "otherwise", hint="otherwise")


def test_e404_cases_without_otherwise():
    src = "ruleset r\ninput a: number\nlet x = cases:\n  1 when a > 1\n"
    check(the(src, "E404"), "E404", at(src, "cases"), "otherwise")


def test_e405_rule_label_not_in_the_scale():
    src = ("ruleset r\ninput a: number\nscale g: 优秀 > 良好\ngrade g:\n"
           "  特优 when a > 1\n  otherwise 良好\n")
    check(the(src, "E405"), "E405", at(src, "特优"), "'特优' is not a grade of g")


def test_e405_otherwise_label_not_in_the_scale():
    src = ("ruleset r\ninput a: number\nscale g: 优秀 > 良好\ngrade g:\n"
           "  优秀 when a > 1\n  otherwise 良\n")
    check(the(src, "E405"), "E405", at(src, "良\n"), "'良'", hint="did you mean '良好'?")


def test_e405_veto_label_not_in_the_scale():
    src = ("ruleset r\ninput a: number\nscale 等次: 优秀 > 良好\ngrade 等次:\n"
           "  优秀 when a > 1\n  otherwise 良好\nveto v when a > 5:\n  等次 at most 良\n")
    check(the(src, "E405"), "E405", at(src, "等次 at most"), "'良'",
          hint="did you mean '良好'?")


def test_e406_two_rules_for_one_grade():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\ngrade g:\n  优 when a > 1\n"
           "  优 when a > 2\n  otherwise 良\n")
    d = the(src, "E406")
    check(d, "E406", at(src, "优 when a > 2"), "two rules for '优'", hint="any:")
    assert "line 5" in d.message


def test_e407_deduction_on_an_item_with_points():
    src = ("ruleset r\ninput a: number\nsheet s max 10:\n  x 10: pro rata a\n"
           "  督查扣分 2: minus 1 per a\n")
    check(the(src, "E407"), "E407", at(src, "2: minus"), "must be 0")


def test_e408_veto_on_something_that_is_not_a_grade():
    src = ("ruleset r\ninput a: number\nscale 等次: 优 > 良\ngrade 等次:\n  优 when a > 1\n"
           "  otherwise 良\nveto v when a > 5:\n  lower 等级 by 1\n")
    check(the(src, "E408"), "E408", at(src, "lower"), "'等级'", hint="did you mean '等次'?")


def test_e409_at_least_more_than_the_conditions():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\ngrade g:\n"
           "  优 when at least 3:\n    a > 1\n    a > 2\n  otherwise 良\n")
    check(the(src, "E409"), "E409", at(src, "at least"), "'at least 3' of 2")


def test_e409_at_least_zero():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\ngrade g:\n"
           "  优 when at least 0:\n    a > 1\n    a > 2\n  otherwise 良\n")
    check(the(src, "E409"), "E409", at(src, "at least"), "'at least 0'")


def test_e409_at_least_a_fraction():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\ngrade g:\n"
           "  优 when at least 1.5:\n    a > 1\n    a > 2\n  otherwise 良\n")
    check(the(src, "E409"), "E409", at(src, "1.5"), "whole count")


def test_e410_unknown_hit_policy_with_did_you_mean():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\ngrade g (wrost):\n"
           "  优 when a > 1\n  otherwise 良\n")
    check(the(src, "E410"), "E410", at(src, "wrost"), "'wrost'", hint="did you mean 'worst'?")


def test_e410_unknown_hit_policy_lists_the_policies():
    src = ("ruleset r\ninput a: number\nscale g: 优 > 良\ngrade g (全部):\n"
           "  优 when a > 1\n  otherwise 良\n")
    d = the(src, "E410")
    check(d, "E410", at(src, "全部"), "'全部'")
    assert d.hint is not None and all(p in d.hint for p in ("first", "worst", "best", "unique"))


def test_e411_empty_range():
    src = "ruleset r\ninput a: number in 10..5\nlet x = a\n"
    check(the(src, "E411"), "E411", at(src, "number"), "empty")


def test_e430_a_head_count_that_is_not_whole():
    src = ("ruleset r\nscale s: a > b\ninput k: text\ninput x: number\ngrade g of s:\n"
           "  a when x > 1\n  otherwise b\ngroup by k:\n  quota g: a at most 1.5 places by x\n")
    check(the(src, "E430"), "E430", at(src, "1.5"), "whole number")


def test_e412_monotone_in_a_bool():
    src = "ruleset r\ninput a: bool\nlet x = if a then 1 else 0\ncheck monotone x in a\n"
    check(the(src, "E412"), "E412", at(src, "check"), "ballot or a number input")


def test_e412_monotone_of_a_condition():
    src = "ruleset r\ninput a: number\nlet x = a > 1\ncheck monotone x in a\n"
    check(the(src, "E412"), "E412", at(src, "check"), "number or a grade")


def test_e413_default_outside_the_range():
    src = "ruleset r\ninput a: number in 0..10 default 20\nscore s = a\n"
    check(the(src, "E413"), "E413", at(src, "20"), "default of 'a'")


def test_e413_default_below_a_param_bound():
    src = ("ruleset r\nparam 下限 = 5\ninput a: number in 下限.. default -1\n"
           "score s = a\n")
    check(the(src, "E413"), "E413", at(src, "-1"), "outside its range")


def test_e414_require_cannot_depend_on_a_rank():
    src = ("ruleset r\ninput 单位: text\ninput 分: number\nrequire 名次 <= 10\n"
           "group by 单位:\n  rank 名次 by 分 desc\n")
    check(the(src, "E414"), "E414", at(src, "require"), "rank or a quota")


def test_default_on_the_bound_is_fine():
    rules = evalrules.compile("ruleset r\ninput a: number in 0..10 default 10\nscore s = a\n")
    assert rules.evaluate({})["s"] == 10


# ---------------------------------------------------------------- E5xx extends and override

BASE = """\
ruleset 基础
input 得分: number in 0..100
param 一般线 = 30%
scale 等次: 优秀 > 一般
grade 等次:
  优秀 when 得分 >= 90
  一般 when 得分 < 一般线 * 100
  otherwise 一般
"""


def child(tmp_path, text: str, name: str = "child.rules"):
    (tmp_path / "base.rules").write_text(BASE, encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_e501_extended_file_not_found_with_did_you_mean(tmp_path):
    text = 'ruleset 子 extends "bsae.rules"\n'
    path = child(tmp_path, text)
    (d,) = load_error(path)
    assert d.code == "E501" and d.severity == "error"
    assert d.path == str(path) and d.line == 1
    assert "bsae.rules" in d.message
    assert d.hint == "did you mean 'base.rules'?"


@pytest.mark.parametrize("code", ["E501", "E502"])
def test_e501_e502_point_at_the_extends_path(tmp_path, code):
    if code == "E501":
        text = 'ruleset 子 extends "bsae.rules"\n'
        path = child(tmp_path, text)
    else:
        text = 'ruleset 子 extends "child.rules"\n'
        path = child(tmp_path, text)
    (d,) = load_error(path)
    assert d.code == code
    assert (d.line, d.column) == at(text, '"')


def test_e501_unreadable_top_file(tmp_path):
    (d,) = load_error(tmp_path / "nothing.rules")
    assert d.code == "E501"
    assert "nothing.rules" in d.path


def test_e502_cycle_of_extends(tmp_path):
    (tmp_path / "a.rules").write_text('ruleset a extends "b.rules"\n', encoding="utf-8")
    (tmp_path / "b.rules").write_text('ruleset b extends "a.rules"\n', encoding="utf-8")
    (d,) = load_error(tmp_path / "a.rules")
    assert d.code == "E502" and d.severity == "error"
    assert d.line == 1
    assert "a.rules" in d.message and "b.rules" in d.message and "cycle" in d.message


def test_e502_file_that_extends_itself(tmp_path):
    path = tmp_path / "self.rules"
    path.write_text('ruleset s extends "self.rules"\n', encoding="utf-8")
    (d,) = load_error(path)
    assert d.code == "E502"
    assert d.path == str(path) and d.line == 1


def test_e503_redefinition_without_override(tmp_path):
    text = 'ruleset 子 extends "base.rules"\nparam 一般线 = 20%\n'
    (d,) = load_error(child(tmp_path, text))
    check(d, "E503", at(text, "param"), "'一般线'", hint="override param 一般线", path=None)
    assert d.path.endswith("child.rules")


def test_e504_override_of_an_unknown_name_with_did_you_mean(tmp_path):
    text = 'ruleset 子 extends "base.rules"\noverride param 一般限 = 20%\n'
    (d,) = load_error(child(tmp_path, text))
    check(d, "E504", at(text, "override"), "'一般限'", hint="did you mean '一般线'?", path=None)


def test_e504_override_of_a_rule_of_an_unknown_grade_with_did_you_mean(tmp_path):
    text = 'ruleset 子 extends "base.rules"\noverride grade 等级 rule 优秀 when 得分 >= 95\n'
    (d,) = load_error(child(tmp_path, text))
    check(d, "E504", at(text, "override"), "'等级'", hint="did you mean '等次'?", path=None)


def test_e504_override_without_extends():
    src = "ruleset r\noverride param p = 1\n"
    check(the(src, "E504"), "E504", at(src, "override"), "'p'")


def test_e505_override_changes_the_kind(tmp_path):
    text = 'ruleset 子 extends "base.rules"\noverride let 一般线 = 20%\n'
    (d,) = load_error(child(tmp_path, text))
    check(d, "E505", at(text, "override"), "'一般线' is a param", hint="override param",
          path=None)


def test_e506_override_of_an_unknown_rule_with_did_you_mean(tmp_path):
    text = 'ruleset 子 extends "base.rules"\noverride grade 等次 rule 优 when 得分 >= 95\n'
    (d,) = load_error(child(tmp_path, text))
    check(d, "E506", at(text, "优 when"), "'优'", hint="did you mean '优秀'?", path=None)


def test_e507_extended_file_is_not_a_ruleset_and_is_not_quoted(tmp_path):
    (tmp_path / "notes.txt").write_text("密码 = 123456\n", encoding="utf-8")
    text = 'ruleset 子 extends "notes.txt"\n'
    (d,) = load_error(child(tmp_path, text))
    check(d, "E507", at(text, '"'), "does not start with `ruleset NAME`", path=None)
    assert "123456" not in str(d)


def test_e508_extends_too_deep(tmp_path):
    from evalrules.resolve import MAX_EXTENDS

    (tmp_path / "r0.rules").write_text(BASE, encoding="utf-8")
    for i in range(1, MAX_EXTENDS + 2):
        (tmp_path / f"r{i}.rules").write_text(f'ruleset r{i} extends "r{i - 1}.rules"\n',
                                              encoding="utf-8")
    (d,) = load_error(tmp_path / f"r{MAX_EXTENDS + 1}.rules")
    assert d.code == "E508" and f"more than {MAX_EXTENDS} files deep" in d.message
    assert d.path == str(tmp_path / "r1.rules")
    assert (d.line, d.column) == at('ruleset r1 extends "r0.rules"\n', '"')


def test_override_that_works_compiles(tmp_path):
    text = ('ruleset 子 extends "base.rules"\noverride param 一般线 = 20%\n'
            'override grade 等次 rule 优秀 when 得分 >= 95\n')
    rules = evalrules.load(child(tmp_path, text))
    assert rules.evaluate({"得分": 92})["等次"] == "一般"
    assert rules.evaluate({"得分": 95})["等次"] == "优秀"


def test_error_in_the_base_file_points_into_the_base_file(tmp_path):
    (tmp_path / "base.rules").write_text(
        "ruleset 基础\ninput 得分: number\nlet x = 得份 + 1\n", encoding="utf-8")
    (tmp_path / "child.rules").write_text('ruleset 子 extends "base.rules"\n', encoding="utf-8")
    (d,) = [d for d in load_error(tmp_path / "child.rules") if d.severity == "error"]
    assert d.code == "E201"
    assert d.path.endswith("base.rules")
    assert (d.line, d.column) == (3, 9)
    assert "let x = 得份 + 1" in str(d)


# ---------------------------------------------------------------- W601 and warnings


def test_w601_input_never_used_is_a_warning_and_the_ruleset_compiles():
    src = "ruleset r\ninput a: number\ninput 备注: bool\nscore s = a\n"
    rules = evalrules.compile(src, path=PATH)
    (w,) = rules.warnings
    check(w, "W601", at(src, "input 备注"), "'备注'", severity="warning")
    assert "warning[W601]" in str(w)
    assert rules.evaluate({"a": 1, "备注": True})["s"] == 1


def test_w602_percentage_compared_with_a_hundred_point_score_is_a_warning():
    src = "ruleset r\ninput 分: number in 0..100\noutcome 优 when 分 >= 90%\n"
    rules = evalrules.compile(src, path=PATH)
    (w,) = rules.warnings
    check(w, "W602", at(src, "分 >= 90%"), "did you mean 90?", hint="write the number (90)",
          severity="warning")
    assert rules.evaluate({"分": 1})["优"] is True  # 1 >= 0.9: what the warning is about


def test_warnings_are_listed_after_errors():
    src = "ruleset r\ninput 备注: bool\nlet x = y\n"
    ds = diagnostics_of(src)
    assert [d.code for d in ds] == ["E201", "W601"]


def test_clean_ruleset_has_no_warnings():
    rules = evalrules.compile("ruleset r\ninput a: number\nscore s = a\n", path=PATH)
    assert rules.warnings == ()


# ---------------------------------------------------------------- every code is covered


def test_every_code_in_the_catalogue_is_tested_here():
    with open(__file__, encoding="utf-8") as f:
        text = f.read()
    missing = [c for c in CODES if f"def test_{c.lower()}" not in text]
    assert missing == []


# ---------------------------------------------------------------- several errors at once


def test_several_errors_are_all_reported_in_one_error():
    src = ("ruleset r\n"
           "input a: number\n"
           "input b: number\n"
           "let x = 未知 + 1\n"
           "score s = weighted:\n  a 30%\n  b 60%\n"
           "scale g: 优 > 良\n"
           "grade g:\n  优 when a > 1\n"
           "let y = mim(a, b)\n")
    with pytest.raises(RulesetError) as info:
        evalrules.compile(src, path=PATH)
    errors = info.value.errors
    assert {d.code for d in errors} == {"E201", "E401", "E404", "E205"}
    assert [d.line for d in errors] == sorted(d.line for d in errors)
    text = str(info.value)
    assert text.startswith("4 errors")
    for d in errors:
        assert f"{PATH}:{d.line}:{d.column}" in text


def test_several_errors_across_statements_of_every_kind():
    src = ("ruleset r\n"
           "input 完成: one of 好, 差\n"
           "let x = 完成 is 优\n"
           "let x = 1\n"
           "param p = 完成\n"
           "let z = clamp(1)\n")
    codes = [d.code for d in diagnostics_of(src)]
    for code in ("E203", "E202", "E303", "E302"):
        assert code in codes


# ---------------------------------------------------------------- rendering


def test_str_shows_position_source_line_and_caret():
    src = "ruleset r\ninput a: number\nlet b = a + c\n"
    d = the(src, "E201")
    lines = str(d).splitlines()
    assert lines[0] == "t.rules:3:13: error[E201]: unknown name 'c'"
    assert lines[1] == "  |"
    assert lines[2] == "3 | let b = a + c"
    assert lines[3] == "  | " + " " * 12 + "^"


def test_caret_under_cjk_counts_two_columns_per_character():
    src = "ruleset r\ninput 得分: number\nlet 总分 = 得份 + 1\n"
    d = the(src, "E201")
    lines = str(d).splitlines()
    assert lines[0] == "t.rules:3:10: error[E201]: unknown name '得份'"
    assert lines[2] == "3 | let 总分 = 得份 + 1"
    # "let 总分 = " is 4 + 2×2 + 3 = 11 columns wide; "得份" takes 4.
    assert lines[3] == "  | " + " " * 11 + "^^^^"
    assert lines[4] == "  = help: did you mean '得分'?"


def test_caret_after_full_width_punctuation():
    src = "ruleset r\nballot 测评：优秀，称职\nlet x = share（测评：优秀） + 未知\n"
    d = the(src, "E201")
    assert (d.line, d.column) == at(src, "未知")
    caret = str(d).splitlines()[3]
    prefix = "let x = share（测评：优秀） + "
    width = sum(1 if c.isascii() else 2 for c in prefix)
    assert caret == "  | " + " " * width + "^^^^"


def test_multi_digit_line_number_gutter():
    src = "ruleset r\n" + "# 注释\n" * 10 + "let b = c\n"
    d = the(src, "E201")
    lines = str(d).splitlines()
    assert lines[0].startswith("t.rules:12:9:")
    assert lines[1] == "   |"
    assert lines[2] == "12 | let b = c"
    assert lines[3] == "   | " + " " * 8 + "^"


def test_string_without_path_says_string():
    with pytest.raises(RulesetError) as info:
        evalrules.compile("ruleset r\nlet b = c\n")
    assert str(info.value.diagnostics[0]).startswith("<string>:2:9: error[E201]")


def test_crlf_source_reports_the_same_positions():
    src = "ruleset r\r\ninput a: number\r\nlet b = a + c\r\n"
    d = the(src, "E201")
    assert (d.line, d.column) == (3, 13)
    assert "3 | let b = a + c" in str(d)
    assert "\r" not in str(d)


@pytest.mark.parametrize("separator", ["\x0c", "\x1c", "\x85"])  # U+2028 is E108
def test_unusual_line_separator_in_a_comment_keeps_the_source_line(separator):
    src = f"ruleset r\n# 说明{separator}续\ninput a: number\nlet b = a + c\n"
    d = the(src, "E201")
    assert (d.line, d.column) == (4, 13)
    assert "4 | let b = a + c" in str(d)


@pytest.mark.parametrize("separator", ["\x0c", "\x1c", "\x85"])
def test_unusual_line_separator_in_a_comment_keeps_indentation_errors_on_their_line(separator):
    src = f"ruleset r\n# 说明{separator}续\ngrade g:\n\t优 when true\n"
    d = the(src, "E103")
    assert (d.line, d.column) == (4, 1)
    assert "4 | \t优 when true" in str(d)


def test_file_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "bom.rules"
    path.write_text("ruleset r\ninput a: number\nscore s = a\n", encoding="utf-8-sig")
    assert evalrules.load(path).evaluate({"a": 3})["s"] == 3


def test_to_dict_carries_position_and_hint():
    src = "ruleset r\ninput 得分: number\nlet x = 得份\n"
    data = the(src, "E201").to_dict()
    assert data["code"] == "E201" and data["severity"] == "error"
    assert (data["path"], data["line"], data["column"]) == (PATH, 3, 9)
    assert data["end_line"] == 3 and data["end_column"] == 11
    assert data["hint"] == "did you mean '得分'?"


def test_codes_are_stable_and_well_formed():
    assert all(re.fullmatch(r"[EW]\d{3}", code) for code in CODES)
    assert {c for c in CODES if c.startswith("W")} == {"W601", "W602"}


# ---------------------------------------------------------------- exception classes


def test_exception_hierarchy():
    assert issubclass(RulesetError, EvalRulesError)
    assert issubclass(InputError, EvalRulesError)
    assert issubclass(InputError, ValueError)
    assert issubclass(EvalRulesError, Exception)
    assert evalrules.RulesetError is RulesetError and evalrules.InputError is InputError


def test_ruleset_error_is_caught_as_evalrules_error():
    with pytest.raises(EvalRulesError):
        evalrules.compile("ruleset r\nlet b = c\n")


def test_input_error_is_caught_as_evalrules_error():
    rules = evalrules.compile("ruleset r\ninput a: number\nscore s = a\n")
    with pytest.raises(EvalRulesError):
        rules.evaluate({})


# ---------------------------------------------------------------- weights and label values


def test_e420_weighted_table_with_another_number_of_values():
    src = ("ruleset r\ninput a: number\nweights 五要素: 德 50%, 能 50%\n"
           "score s = weighted 五要素: a, a, a\n")
    check(the(src, "E420"), "E420", at(src, "weighted 五要素"), "2 weights (德, 能)",
          hint="in the table's order")


def test_e421_labels_of_two_scales():
    src = ("ruleset r\nscale 甲: 优秀 > 称职\nscale 乙: 优秀 > 称职 > 不称职\ninput a: number\n"
           "let g = if a > 1 then 优秀 else 称职\n")
    check(the(src, "E421"), "E421", at(src, "if a"), "several scales (甲, 乙)")
