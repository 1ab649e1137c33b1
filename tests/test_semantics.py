"""The meaning of each construct, on small rulesets written for the purpose.

Every test takes the ``run`` fixture, so each backend added later inherits all of them.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import evalrules


def _rules(body: str) -> evalrules.Ruleset:
    return evalrules.compile("ruleset 测试\n" + body, path="test.rules")


TABLE = """\
scale 等次: 优秀 > 较好 > 一般 > 较差
input 甲: bool default false
input 乙: bool default false
input 丙: bool default false
input 丁: bool default false
"""


@pytest.mark.parametrize(("policy", "flags", "grade"), [
    ("first", {"乙": True, "丙": True}, "一般"),
    ("first", {"丙": True}, "较差"),
    ("worst", {"甲": True, "丙": True}, "较差"),
    ("best", {"甲": True, "丙": True}, "优秀"),
    ("best", {}, "较好"),
    ("unique", {"乙": True}, "一般"),
])
def test_hit_policies(run, policy, flags, grade):
    rules = _rules(TABLE + f"grade 等次 ({policy}):\n  优秀 when 甲\n  一般 when 乙\n"
                   "  较差 when 丙\n  otherwise 较好\n")
    assert run(rules, flags)["等次"] == grade


def test_unique_with_two_matches_is_an_input_error_naming_both(run):
    rules = _rules(TABLE + "grade 等次 (unique):\n  优秀 when 甲\n  一般 when 乙\n"
                   "  otherwise 较好\n")
    with pytest.raises(evalrules.InputError, match="优秀 and 一般"):
        run(rules, {"甲": True, "乙": True})


@pytest.mark.parametrize(("true_count", "most", "at_least_3"), [
    (0, False, False), (1, False, False), (2, False, False), (3, True, True), (4, True, True),
])
def test_most_is_strictly_more_than_half(run, true_count, most, at_least_3):
    rules = _rules(TABLE + "outcome 多数 when most:\n  甲\n  乙\n  丙\n  丁\n"
                   "outcome 至少三项 when at least 3:\n  甲\n  乙\n  丙\n  丁\n")
    flags = dict(zip("甲乙丙丁", [True] * true_count + [False] * (4 - true_count), strict=True))
    result = run(rules, flags)
    assert result["多数"] is most
    assert result["至少三项"] is at_least_3


def test_blocks_nest(run):
    rules = _rules(TABLE + "outcome 嵌套 when all:\n  甲\n  any:\n    乙\n    丙\n")
    assert run(rules, {"甲": True, "丙": True})["嵌套"] is True
    assert run(rules, {"甲": True})["嵌套"] is False


VETOES = TABLE + """\
grade 等次:
  优秀 when 甲
  较差 when 乙
  otherwise 较好
veto 降档 when 丙:
  lower 等次 by 2
veto 封顶 when 丁:
  等次 at most 一般
"""


@pytest.mark.parametrize(("flags", "grade", "vetoes"), [
    ({"甲": True}, "优秀", ()),
    ({"甲": True, "丙": True}, "一般", ("降档",)),
    ({"乙": True, "丙": True}, "较差", ("降档",)),  # never past the bottom
    ({"甲": True, "丁": True}, "一般", ("封顶",)),
    ({"甲": True, "丙": True, "丁": True}, "一般", ("降档", "封顶")),
    ({"乙": True, "丁": True}, "较差", ("封顶",)),  # at most never raises
])
def test_vetoes_apply_in_written_order(run, flags, grade, vetoes):
    result = run(_rules(VETOES), flags)
    assert result["等次"] == grade
    assert result.vetoes == vetoes


@pytest.mark.parametrize(("action", "grade"), [
    ("raise 等次 by 1", "较好"), ("raise 等次 by 9", "优秀"), ("等次 at least 较好", "较好"),
    ("set 等次 to 优秀", "优秀"), ("等次 at most 优秀", "一般"),
])
def test_other_veto_actions(run, action, grade):
    rules = _rules(TABLE + f"grade 等次:\n  otherwise 一般\nveto 调整 when 甲:\n  {action}\n")
    assert run(rules, {"甲": True})["等次"] == grade
    assert run(rules, {})["等次"] == "一般"


@pytest.mark.parametrize(("kind", "score", "grade"), [
    ("乡镇", 95, "优秀"), ("部门", 95, "合格"), ("街道", 50, "不合格"), ("部门", 50, "合格"),
    ("乡镇", 50, "合格"),
])
def test_in_and_not_in_a_list_of_labels(run, kind, score, grade):
    rules = _rules("scale 等次: 优秀 > 合格 > 不合格\ninput 类别: one of 乡镇, 街道, 部门\n"
                   "input 分: number\ngrade 等次:\n  优秀 when 分 >= 90 and 类别 in (乡镇, 街道)\n"
                   "  不合格 when 分 < 60 and 类别 not in (乡镇, 部门)\n  otherwise 合格\n")
    assert run(rules, {"类别": kind, "分": score})["等次"] == grade


def test_outcomes_see_the_grade_after_vetoes(run):
    rules = _rules(VETOES + "outcome 奖励 when 等次 >= 较好\noutcome 谈话 when 等次 is not 较好\n")
    result = run(rules, {"甲": True, "丙": True})
    assert result.outcomes == ("谈话",)
    assert result["奖励"] is False


BALLOTS = """\
ballot 测评: 优秀, 称职, 基本称职, 不称职
let 优秀率 = share(测评: 优秀)
let 得票 = votes(测评: 优秀, 称职)
let 总票 = total(测评)
let 分 = points(测评: 优秀 100, 称职 80, 基本称职 60, 不称职 0)
"""


def test_ballot_functions(run):
    result = run(_rules(BALLOTS), {"测评": {"优秀": 6, "称职": 3, "基本称职": 1, "不称职": 0}})
    assert result["优秀率"] == Fraction(3, 5)
    assert result["得票"] == 9 and result["总票"] == 10
    assert result["分"] == 90  # (600 + 240 + 60) / 10


def test_flat_ballot_columns_mean_the_same(run):
    rules = _rules(BALLOTS)
    nested = run(rules, {"测评": {"优秀": 6, "称职": 3, "基本称职": 1, "不称职": 0}})
    flat = run(rules, {"测评.优秀": 6, "测评.称职": 3, "测评.基本称职": 1, "测评.不称职": 0})
    assert nested.to_dict() == flat.to_dict()


def test_if_and_and_do_not_evaluate_the_branch_not_taken(run):
    rules = _rules("ballot 测评: 好, 差\n"
                   "let 率 = if total(测评) > 0 then share(测评: 好) else 0\n"
                   "let 有好评 = total(测评) > 0 and share(测评: 好) > 0\n")
    result = run(rules, {"测评": {"好": 0, "差": 0}})
    assert result["率"] == 0
    assert result["有好评"] is False


def test_an_empty_ballot_is_an_error_only_where_a_share_is_needed(run):
    rules = _rules(BALLOTS)
    with pytest.raises(evalrules.InputError) as info:
        run(rules, {"测评": {"优秀": 0, "称职": 0, "基本称职": 0, "不称职": 0}})
    if run.reports_fields:
        assert info.value.field == "测评"
    assert "let 优秀率" in str(info.value)


def test_functions(run):
    result = run(_rules(
        "let a = min(3, 1/2, 2)\nlet b = max(3, 1/2, 2)\nlet c = clamp(120, 0, 100)\n"
        "let d = clamp(-5, 0, 100)\nlet e = floor(-2.5)\nlet f = ceil(2.1)\nlet g = abs(-3/4)\n"
        "let h = 7 ÷ 2 × 2\nlet i = 2 - 3 - 4\n"), {})
    assert (result["a"], result["b"], result["c"], result["d"]) == (Fraction(1, 2), 3, 100, 0)
    assert (result["e"], result["f"], result["g"]) == (-3, 3, Fraction(3, 4))
    assert result["h"] == 7 and result["i"] == -5


def test_weighted_and_cases(run):
    rules = _rules("input 甲: number\ninput 乙: number\nscore 总分 = weighted:\n  甲 60%\n"
                   "  乙 40%\nlet 档 = cases:\n  1 when 总分 >= 90\n  2 when 总分 >= 60\n"
                   "  otherwise 3\n")
    result = run(rules, {"甲": 95, "乙": 80})
    assert result["总分"] == 89
    assert result["档"] == 2
    assert run(rules, {"甲": 100, "乙": 85})["档"] == 1  # 90 exactly: first match wins


SHEET = """\
input 完成率: number in 0..
input 到位: bool
input 违规次数: integer in 0..
sheet 工作 max 30:
  措施 20:
    甲项 10: pro rata 完成率
    乙项 10: = 完成率 × 20
  宣传 10: full when 到位
  扣分 0: minus 4 per 违规次数
"""


@pytest.mark.parametrize(("rate", "ok", "faults", "total", "heading"), [
    (Fraction(1), True, 0, 30, 20),
    (Fraction(1, 2), True, 0, 25, 15),   # 甲项 5, 乙项 10 (clamped to its 10)
    (Fraction(6, 5), False, 1, 16, 20),  # over 100% earns no more; 20 - 4
    (Fraction(0), False, 9, 0, 0),       # a deduction never takes the sheet below 0
])
def test_sheets(run, rate, ok, faults, total, heading):
    result = run(_rules(SHEET), {"完成率": rate, "到位": ok, "违规次数": faults})
    assert result["工作"] == total
    assert result["工作.措施"] == heading
    assert result["工作.扣分"] == -4 * faults


def test_grades_compare_by_their_scale(run):
    rules = _rules(TABLE + "grade 等次:\n  优秀 when 甲\n  较差 when 乙\n  otherwise 一般\n"
                   "outcome 好于一般 when 等次 > 一般\noutcome 不差 when 较差 < 等次\n")
    assert run(rules, {"甲": True}).outcomes == ("好于一般", "不差")
    assert run(rules, {"乙": True}).outcomes == ()


def test_a_param_changed_with_with_params_changes_the_grade_and_not_the_original(run):
    rules = _rules("ballot 测评: 好, 差\nscale 等次: 合格 > 不合格\nparam 线 = 30%\n"
                   "grade 等次:\n  不合格 when share(测评: 差) >= 线\n  otherwise 合格\n")
    record = {"测评": {"好": 3, "差": 1}}
    stricter = rules.with_params(线="25%")
    assert run(rules, record)["等次"] == "合格"
    assert run(stricter, record)["等次"] == "不合格"
    assert rules.params == {"线": Fraction(3, 10)}
    assert stricter.with_params().params == {"线": Fraction(1, 4)}
    with pytest.raises(evalrules.UnknownName, match="did you mean '线'"):
        rules.with_params(线s=1)


@pytest.mark.parametrize(("condition", "field"), [
    ("总票数 > 0", "测评"),             # through a derived value, to the ballot it counts
    ("往年.count(优秀) < 3", "往年"),   # a history's method names its input
    ("分 + 总票数 <= 1", "分"),          # the first field written
    ("上限 > 分", "分"),                 # a param is not a field
])
def test_a_failed_require_names_the_first_field_it_reads(run, condition, field):
    """#25: the field of a failed require is an input or ballot a cases file can name."""
    rules = _rules("scale 等次: 优秀 > 称职\nballot 测评: 好, 差\ninput 往年: history of 等次\n"
                   f"input 分: number\nparam 上限 = 1000\nlet 总票数 = total(测评)\n"
                   f"require {condition}\n")
    record = {"测评": {"好": 0, "差": 0}, "往年": ["优秀"] * 3, "分": 5000}
    with pytest.raises(evalrules.InputError) as info:
        run(rules, record)
    if run.reports_fields:
        assert info.value.field == field
