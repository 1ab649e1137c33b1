"""A record's error in the user's language, and one yes/no vocabulary in every format and backend.

Every :class:`InputError` is a message key and its values: ``str()`` is the English (unchanged,
programs compare it), ``text("zh")`` and ``say(e.key, "zh", **e.values)`` the Chinese, and every
backend gives a record the same key, values, code, field and rule. The expected texts below are
written by hand, one per kind of error (R101…R401).

A yes/no value is a bool, the number 1 or 0, or a word of 是/否, √/×, ✓/✗, ✔/✘, 对/错, TRUE/FALSE
(any case), 1/0, with spaces around it, full-width or not: the same cells mean the same to
``evaluate``, the generated function, ``evaluate_table`` (text, bool and number columns) and
``evaluate_dataset`` (CSV and Parquet); anything else (``yes``, ``Y``, ``有``) is refused by each
with the same message, which lists the words.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, seed, settings
from hypothesis import strategies as st

import evalrules
from evalrules import InputError
from evalrules.columns import is_input_column
from evalrules.messages import MESSAGES, placeholders, say

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

SOURCE = """\
ruleset 错误示例
scale 等次: 优秀 > 称职 > 基本称职
ballot 测评: 好, 一般
input 得分: number in 0..100
input 人数: integer in 0.. default 1
input 已公示: bool default false
input 完成: one of 好, 一般, 差 default 好
input 往年: history of 等次
input 单位: text
input 分数: list of number in 0..100 default empty
input 任职: date default 2025-06-30
let 均分 = 得分 / 人数
let 任职天数 = days(任职, 2025-12-31)
let 率 = share(测评: 好)
let 上年 = 往年.last
let 去极值 = if count(分数) > 0 then mean(trimmed(分数, 1)) else 0
let 最高 = if 人数 == 97 then max(分数) else 0
require 人数 < 99 "人数不得超过98"
require 人数 != 98
grade 等次 (unique):
  优秀 when 得分 >= 90
  称职 when 得分 >= 80
  otherwise 基本称职
outcome 表扬 when 已公示 and 完成 is 好
"""
RULES = evalrules.compile(SOURCE, path="错误示例.rules")
BASE = {"测评": {"好": 6, "一般": 4}, "得分": 85, "往年": ["称职"], "单位": "甲"}
ACCEPTED_EN = "是, 否, √, ×, ✓, ✗, ✔, ✘, 对, 错, TRUE, FALSE, 1, 0"
ACCEPTED_ZH = "是、否、√、×、✓、✗、✔、✘、对、错、TRUE、FALSE、1、0"


def changed(**changes) -> dict:
    """BASE with some fields changed (``...`` removes one)."""
    record = {**BASE, **changes}
    return {k: v for k, v in record.items() if v is not ...}


#: (id, record, code, field, English, Chinese): every kind of error a record can get.
CASES = [
    ("not a record", ["x"], "R101", None,
     "a record must be a mapping of field names to values, not list",
     "一条记录应为字段名到值的映射，实为 list"),
    ("field name", {**BASE, 1: 2}, "R101", "1",
     "field names must be strings, not 1", "字段名应为文字，实为 1"),
    ("unknown field", changed(得份=1), "R102", "得份",
     "unknown field '得份'; did you mean '得分'?", "考核规则中没有字段 '得份'；是否应为「得分」？"),
    ("missing input", changed(得分=...), "R103", "得分",
     "input 得分: missing required field '得分'", "输入项「得分」未填写，此项必填"),
    ("missing ballot", changed(测评=...), "R103", "测评",
     "ballot 测评: missing required field '测评'", "测评「测评」未填写，此项必填"),
    ("not a number", changed(得分="高"), "R104", "得分",
     "input 得分: '得分' must be a number, not '高'", "输入项「得分」应为数字，实为 '高'"),
    ("number of a wrong type", changed(得分=[1]), "R104", "得分",
     "input 得分: '得分' must be a number, not list", "输入项「得分」应为数字，实为 list 类型的值"),
    ("not finite", changed(得分=float("nan")), "R104", "得分",
     "input 得分: '得分' must be a finite number, not nan", "输入项「得分」应为有限的数，实为 nan"),
    ("divides by zero", changed(得分="1/0"), "R104", "得分",
     "input 得分: '得分' divides by zero: '1/0'", "输入项「得分」的分母为零：'1/0'"),
    ("not yes or no", changed(已公示="yes"), "R104", "已公示",
     f"input 已公示: '已公示' must be true or false, not 'yes' (accepted: {ACCEPTED_EN})",
     f"输入项「已公示」应为 是/否，实为 'yes'；可填 {ACCEPTED_ZH}"),
    ("not a label", changed(完成="一股"), "R104", "完成",
     "input 完成: '完成' must be one of 好, 一般, 差, not '一股'; did you mean '一般'?",
     "输入项「完成」应为 好、一般、差 之一，实为 '一股'；是否应为「一般」？"),
    ("not a history", changed(往年=5), "R104", "往年",
     "input 往年: '往年' must be a list of grades, oldest first, not int",
     "输入项「往年」应为历年等次的列表（从早到晚），实为 int"),
    ("not text", changed(单位=1.5), "R104", "单位",
     "input 单位: '单位' must be text, not float", "输入项「单位」应为文字，实为 float"),
    ("not a date", changed(任职="6/30/2025"), "R104", "任职",
     "input 任职: '任职' must be a date, not '6/30/2025'; write it year first: 2025-06-30, "
     "2025/6/30, 2025.6.30 or 2025年6月30日",
     "输入项「任职」应为日期，实为 '6/30/2025'；日期年份在前，可写作 2025-06-30、2025/6/30、"
     "2025.6.30 或 2025年6月30日"),
    ("no such day", changed(任职="2025-02-29"), "R104", "任职",
     "input 任职: '任职' is '2025-02-29', a day the calendar does not have",
     "输入项「任职」为 '2025-02-29'，日历上没有这一天"),
    ("a date with a time", changed(任职="2025-06-30 08:00"), "R104", "任职",
     "input 任职: '任职' must be a date, and '2025-06-30 08:00' has a time of day; give the "
     "date only", "输入项「任职」应为日期，'2025-06-30 08:00' 带有时刻；请只填日期"),
    ("a number for a date", changed(任职=45838), "R104", "任职",
     "input 任职: '任职' must be a date, not the number 45838 (format the Excel column as "
     "dates, or write 2025-06-30)",
     "输入项「任职」应为日期，实为数字 45838（Excel 中请把该列设为日期格式，或写作 2025-06-30）"),
    ("date of a wrong type", changed(任职=[1]), "R104", "任职",
     "input 任职: '任职' must be a date, not list", "输入项「任职」应为日期，实为 list 类型的值"),
    ("vote not a number", changed(测评={"好": "x", "一般": 4}), "R104", "测评",
     "ballot 测评: '测评.好' must be a number, not 'x'",
     "测评「测评」的「测评.好」应为数字，实为 'x'"),
    ("not whole", changed(人数=2.5), "R105", "人数",
     "input 人数: '人数' must be a whole number, not 2.5", "输入项「人数」应为整数，实为 2.5"),
    ("out of range", changed(得分=101), "R105", "得分",
     "input 得分: '得分' = 101 is outside 0..100", "输入项「得分」为 101，超出了范围 0..100"),
    ("negative vote", changed(测评={"好": -1, "一般": 4}), "R106", "测评",
     "ballot 测评: vote counts of '测评' must be whole numbers >= 0, and '测评.好' is -1",
     "测评「测评」的票数应为不小于 0 的整数，「测评.好」实为 -1"),
    ("no count", changed(测评={"好": 6}), "R106", "测评",
     "ballot 测评: '测评' has no vote count for '一般'",
     "测评「测评」缺少「一般」的票数（无人投此票请填 0）"),
    ("unknown category", changed(测评={"好": 6, "一般": 4, "较好": 1}), "R106", "测评",
     "ballot 测评: '测评' has no category '较好'; did you mean '好'?",
     "测评「测评」没有档次 '较好'；是否应为「好」？"),
    ("ballot not a mapping", changed(测评=5), "R106", "测评",
     "ballot 测评: '测评' must map each category to a vote count, not int",
     "测评「测评」应为各档次的票数（每档一列，列名如「测评.档次」），实为 int"),
    ("ballot twice", {**BASE, "测评.好": 6}, "R106", "测评",
     "ballot 测评: given both as '测评' and as '测评.…' columns",
     "测评「测评」既有「测评」列又有「测评.…」列，只能填其中一种"),
    ("too many digits", changed(得分=10**700), "R107", "得分",
     "input 得分: '得分' has too many digits to be a real value",
     "输入项「得分」位数过多，不可能是实际的数值"),
    ("too many digits for text", changed(单位=10**700), "R107", "单位",
     "input 单位: '单位' has too many digits to be a real value (an integer of 701 digits)",
     "输入项「单位」位数过多，不可能是实际的数值（701 位的整数）"),
    ("division by zero", changed(人数=0), "R201", None,
     "let 均分: division by zero in `得分 / 人数`", "计算项「均分」：`得分 / 人数` 的除数为零"),
    ("no votes", changed(测评={"好": 0, "一般": 0}), "R202", "测评",
     "let 率: ballot '测评' has no votes, so `share(测评: 好)` is undefined",
     "计算项「率」：测评「测评」没有任何票，`share(测评: 好)` 无法计算"),
    ("empty history", changed(往年=[]), "R203", "往年",
     "let 上年: '往年' is empty, so `往年.last` is undefined",
     "计算项「上年」：「往年」为空，`往年.last` 无法计算"),
    ("not a list", changed(分数={"a": 1}), "R104", "分数",
     "input 分数: '分数' must be numbers (such as \"90, 85, 88\"), not dict",
     "输入项「分数」应为一组数（如“90, 85, 88”），实为 dict"),
    ("too few to trim", changed(分数=[90, 80]), "R206", "分数",
     "let 去极值: `mean(trimmed(分数, 1))` drops the 1 highest and the 1 lowest of '分数', "
     "which needs at least 3 numbers",
     "计算项「去极值」：`mean(trimmed(分数, 1))` 要去掉「分数」最高、最低各 1 个数，"
     "至少要有 3 个数"),
    ("empty list", changed(人数=97), "R206", "分数",
     "let 最高: '分数' has no numbers, so `max(分数)` is undefined",
     "计算项「最高」：「分数」一个数也没有，`max(分数)` 无法计算"),
    ("require with its message", changed(人数=99), "R204", "人数",
     "require 人数 < 99: failed: 人数不得超过98", "前提条件「人数 < 99」未满足：人数不得超过98"),
    ("require without one", changed(人数=98), "R204", "人数",
     "require 人数 != 98: failed: the condition does not hold",
     "前提条件「人数 != 98」未满足：条件不成立"),
    ("unique table", changed(得分=95), "R205", None,
     "grade 等次: the rules for 优秀 and 称职 both match, and the table is (unique)",
     "等次表「等次」：优秀、称职 的规则同时成立，而该表为 (unique)，只能有一条成立"),
]


def error_of(evaluate, record) -> InputError:
    with pytest.raises(InputError) as info:
        evaluate(record)
    return info.value


def one_of_many(record):
    """``evaluate_many`` of one record: its Result, or its error raised."""
    result = next(RULES.evaluate_many([record]))
    if result.error is not None:
        raise result.error
    return result


def assert_said(e: InputError, code, field, en: str, zh: str) -> None:
    assert (e.code, e.field) == (code, field)
    assert str(e) == e.message == e.text("en") == en
    assert e.text("zh") == zh
    assert say(e.key, "zh", **e.values) == zh and say(e.key, "en", **e.values) == en


@pytest.mark.parametrize(("record", "code", "field", "en", "zh"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_error_in_both_languages_the_same_on_every_backend(record, code, field, en, zh):
    reference = error_of(RULES.reference_evaluate, record)
    assert_said(reference, code, field, en, zh)
    for evaluate in (RULES.evaluate, RULES.function("等次"), RULES.function("表扬", "率"),
                     one_of_many):
        e = error_of(evaluate, record)
        assert (e.key, e.values, e.rule) == (reference.key, reference.values, reference.rule)
        assert_said(e, code, field, en, zh)


def test_every_kind_of_error_is_covered():
    assert {c[2] for c in CASES} | {"R301", "R302", "R303", "R401"} == {
        str(code) for code in evalrules.diagnostics.RuntimeCode}
    parts = ("record.rule.", "record.kind.", "record.list.")  # pieces of a sentence, not one
    record_keys = {k for k in MESSAGES if k.startswith("record.") and not k.startswith(parts)}
    keys = {error_of(RULES.reference_evaluate, c[1]).key for c in CASES}
    keys |= {"record.limit", "record.in_group", "record.constant_too_big"}  # below
    keys |= {"record.quota_unequal", "record.quota_places"}  # below
    keys |= {"record.unranked", "record.group_missing",  # tests/test_lang_group.py
             "record.group_missing_decided"}
    keys |= {"record.did_you_mean", "record.condition_fails", "record.integer_digits"}  # inside
    keys.add("record.cited")  # inside a require's or a limit's: tests/test_lang_cite.py
    keys.add("record.weights_sum")  # a with_params: tests/test_lang_weights.py
    assert record_keys == keys


GROUPS = evalrules.compile("""\
ruleset 分组
ballot 群众测评: 好, 一般
input 单位: text
group by 单位:
  limit share(群众测评: 好) <= 30% "评价为“好”的人数不得超过被评价总人数的30%"
  limit votes(群众测评: 一般) < 100
""")


@pytest.mark.parametrize(("votes", "en", "zh"), [
    ({"好": 5, "一般": 5},
     "limit share(群众测评: 好) <= 30%: failed for this record's group: "
     "评价为“好”的人数不得超过被评价总人数的30%",
     "限制条件「share(群众测评: 好) <= 30%」：本记录所在的组未满足："
     "评价为“好”的人数不得超过被评价总人数的30%"),
    ({"好": 0, "一般": 200},
     "limit votes(群众测评: 一般) < 100: failed for this record's group: "
     "the condition does not hold",
     "限制条件「votes(群众测评: 一般) < 100」：本记录所在的组未满足：条件不成立"),
    ({"好": 0, "一般": 0},
     "limit share(群众测评: 好) <= 30%: ballot '群众测评' has no votes, so "
     "`share(群众测评: 好)` is undefined (in this record's group)",
     "限制条件「share(群众测评: 好) <= 30%」：测评「群众测评」没有任何票，"
     "`share(群众测评: 好)` 无法计算（本记录所在的组）"),
])
def test_a_group_limit_in_both_languages(votes, en, zh):
    records = [{"单位": "甲", "群众测评": votes}, {"单位": "乙", "群众测评": {"好": 1, "一般": 9}}]
    for evaluate_many in (GROUPS.evaluate_many, GROUPS.reference_evaluate_many):
        failed, fine = evaluate_many(records)
        assert fine.error is None
        code = "R202" if sum(votes.values()) == 0 else "R301"
        assert_said(failed.error, code, "群众测评", en, zh)
    table = pa.table({"单位": ["甲", "乙"], "群众测评.好": [votes["好"], 1],
                      "群众测评.一般": [votes["一般"], 9]})
    assert GROUPS.evaluate_table(table).column("error").to_pylist() == [en, None]


QUOTA = evalrules.compile("""\
ruleset 控制数
scale 等次: 优秀 > 称职
input 单位: text
input 分: number
input 优秀控制数: number
grade 年度等次 of 等次:
  优秀 when 分 >= 90
  otherwise 称职
group by 单位:
  quota 年度等次: 优秀 at most 优秀控制数 places by 分
""")


@pytest.mark.parametrize(("counts", "en", "zh"), [
    ((1, 2),
     "quota 年度等次: 优秀 at most 优秀控制数 places by 分: '优秀控制数' differs within 单位 甲 "
     "(1, 2); it must be the same for the whole group",
     "名额「年度等次: 优秀 at most 优秀控制数 places by 分」：同一单位（甲）中「优秀控制数」的值"
     "不一致（1、2），该项应全组相同"),
    ((0.5, 0.5),
     "quota 年度等次: 优秀 at most 优秀控制数 places by 分: the places `优秀控制数` of 单位 甲 are "
     "0.5, not a whole number of 0 or more",
     "名额「年度等次: 优秀 at most 优秀控制数 places by 分」：单位（甲）的名额 `优秀控制数` "
     "为 0.5，应为不小于 0 的整数"),
])
def test_a_quota_head_count_in_both_languages(counts, en, zh):
    records = [{"单位": "甲", "分": 95, "优秀控制数": counts[0]},
               {"单位": "甲", "分": 90, "优秀控制数": counts[1]},
               {"单位": "乙", "分": 99, "优秀控制数": 1}]
    for evaluate_many in (QUOTA.evaluate_many, QUOTA.reference_evaluate_many):
        first, second, fine = evaluate_many(records)
        assert fine.error is None
        assert_said(first.error, "R303", "优秀控制数", en, zh)
        assert_said(second.error, "R303", "优秀控制数", en, zh)


PARAMS = evalrules.compile("""\
ruleset 参数
param 线 = 60
param 四次方 = 线 * 线 * 线 * 线
input 得分: number
outcome 过线 when 得分 >= 线 and 得分 < 四次方
""")


@pytest.mark.parametrize(("value", "code", "field", "en", "zh"), [
    ("高", "R401", "线", "param 线: '线' must be a number, not '高'",
     "参数「线」应为数字，实为 '高'"),
    (10**500, "R107", None,
     "param 四次方: the value has too many digits to be a real value (more than 2000 bits)",
     "参数「四次方」：数值的位数过多（超过 2000 个二进制位），不可能是实际的数值"),
])
def test_a_param_in_both_languages(value, code, field, en, zh):
    assert_said(error_of(lambda v: PARAMS.with_params(线=v), value), code, field, en, zh)


def test_the_rule_names_itself_once_in_chinese_and_exactly_as_before_in_english():
    from evalrules.diagnostics import RuleName

    assert RuleName("input 得分").text("zh") == "输入项「得分」"
    assert RuleName("input 得分", "得分").text("zh") == "输入项"
    assert RuleName("ballot 测评", "测评.好").text("zh") == "测评「测评」的"
    for rule in ("input 得分", "require 人数 < 99", "limit share(B: 好) <= 30%", "param 线"):
        assert RuleName(rule).text("en") == RuleName(rule, "得分").text("en") == rule
    assert RuleName("something else").text("zh") == "something else"  # not a rule's name


def test_an_error_made_from_text_alone_says_that_text_in_either_language():
    e = InputError("keep: no column 'x' in the DataFrame", field="x")
    assert e.key is None and e.text("zh") == e.text("en") == str(e)


def test_the_record_error_messages_fill_in_the_same_values_in_both_languages():
    for key, (zh, en) in MESSAGES.items():
        if key.startswith("record."):
            assert placeholders(zh) == placeholders(en), key


def test_the_vectorized_error_column_says_english_and_the_failed_rows_give_the_error_itself():
    """As docs/api.md says: the table's ``error`` is ``str(InputError)``; the error as data (to
    say it in Chinese) comes from grading the failed rows again, one by one."""
    table = pa.table({"测评.好": [6, 0, 6], "测评.一般": [4, 0, 4], "得分": ["85", "85", "高"],
                      "往年": ["称职"] * 3, "单位": ["甲"] * 3, "编号": ["a", "b", "c"]})
    errors = RULES.evaluate_table(table).column("error").to_pylist()
    assert errors[0] is None
    failed = [i for i, e in enumerate(errors) if e is not None]
    inputs = [c for c in table.column_names if is_input_column(RULES.checked, c)]
    rows = table.select(inputs).take(failed).to_pylist()
    again = [r.error for r in RULES.evaluate_many(rows)]
    assert [str(e) for e in again] == errors[1:]
    assert [e.text("zh") for e in again] == [
        "计算项「率」：测评「测评」没有任何票，`share(测评: 好)` 无法计算",
        "输入项「得分」应为数字，实为 '高'"]


def test_errors_pickle_with_their_key_and_values():
    import pickle

    e = error_of(RULES.evaluate, changed(已公示="有"))
    again = pickle.loads(pickle.dumps(e))
    assert (again.key, again.values, again.text("zh")) == (e.key, e.values, e.text("zh"))


# ---------------------------------------------------------------- the yes/no vocabulary

YES_NO = evalrules.compile("""\
ruleset 是否
input 已公示: bool
outcome 公示 when 已公示
""")

#: Each cell and what it says, by hand; then cells that say neither.
WORDS = [("是", True), ("否", False), ("√", True), ("×", False), ("✓", True), ("✗", False),
         ("✔", True), ("✘", False), ("对", True), ("错", False), ("TRUE", True),
         ("FALSE", False), ("true", True), ("False", False), ("tRuE", True), ("1", True),
         ("0", False), (" 是 ", True), ("\u3000√\u3000", True), ("\t否", False),
         ("ＴＲＵＥ", True), ("ｆａｌｓｅ", False), ("１", True), ("０", False)]
NUMBERS = [(1, True), (0, False), (1.0, True), (0.0, False)]
NEAR = ["yes", "no", "Y", "N", "有", "无", "t", "f", "真", "1.0", "01", "是的", "√√", "x", "X",
        "2", "-1", "tru e"]


def refusal(cell: object) -> str:
    return (f"input 已公示: '已公示' must be true or false, not {cell!r} "
            f"(accepted: {ACCEPTED_EN})")


def expected(cells) -> list:
    """Each cell's outcomes, or its error's text."""
    said = dict(WORDS + NUMBERS)
    return [refusal(c) if c not in said else ["公示"] if said[c] else [] for c in cells]


def per_record(evaluate, cells) -> list:
    out = []
    for cell in cells:
        try:
            out.append(list(evaluate({"已公示": cell}).outcomes))
        except InputError as e:
            out.append(str(e))
    return out


def from_table(result) -> list:
    return [e if e is not None else o for o, e in zip(
        result.column("outcomes").to_pylist(), result.column("error").to_pylist(), strict=True)]


def by_dataset(source) -> list:
    batches = []
    YES_NO.evaluate_dataset(source, batches.append)
    return from_table(pa.Table.from_batches(batches))


def write_csv(path: Path, cells) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerow(["已公示"])
        writer.writerows([c] for c in cells)
    return path


def write_parquet(path: Path, column) -> Path:
    pq.write_table(pa.table({"已公示": column}), path)
    return path


TEXT = [c for c, _ in WORDS] + NEAR
BACKENDS = {
    "evaluate": lambda tmp, cells: per_record(YES_NO.evaluate, cells),
    "reference": lambda tmp, cells: per_record(YES_NO.reference_evaluate, cells),
    "evaluate_many": lambda tmp, cells: [
        str(r.error) if r.error else list(r.outcomes)
        for r in YES_NO.evaluate_many({"已公示": c} for c in cells)],
    "table, text column": lambda tmp, cells: from_table(
        YES_NO.evaluate_table(pa.table({"已公示": pa.array(cells, pa.string())}))),
    "table, large text column": lambda tmp, cells: from_table(
        YES_NO.evaluate_table(pa.table({"已公示": pa.array(cells, pa.large_string())}))),
    "table, dictionary column": lambda tmp, cells: from_table(YES_NO.evaluate_table(
        pa.table({"已公示": pa.array(cells, pa.string()).dictionary_encode()}))),
    "dataset, CSV": lambda tmp, cells: by_dataset(write_csv(tmp / "x.csv", cells)),
    "dataset, Parquet text": lambda tmp, cells: by_dataset(
        write_parquet(tmp / "x.parquet", pa.array(cells, pa.string()))),
}


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_every_word_means_the_same_on_every_backend(backend, tmp_path):
    assert BACKENDS[backend](tmp_path, TEXT) == expected(TEXT)


@pytest.mark.parametrize("backend", ["evaluate", "reference", "evaluate_many"])
def test_bools_and_the_numbers_1_and_0(backend, tmp_path):
    cells = [True, False, *(n for n, _ in NUMBERS), 2, 0.5, -1]
    want = [["公示"], [], *expected([n for n, _ in NUMBERS]), refusal(2), refusal(0.5),
            refusal(-1)]
    assert BACKENDS[backend](tmp_path, cells) == want


@pytest.mark.parametrize("column", [
    pa.array([True, False, None], pa.bool_()), pa.array([1, 0, 2], pa.int64()),
    pa.array([1, 0, 7], pa.uint8()), pa.array([1.0, 0.0, 0.5], pa.float64())])
def test_bool_and_number_columns_in_a_table_and_in_parquet(column, tmp_path):
    third = column[2].as_py()
    want = [["公示"], [], "input 已公示: missing required field '已公示'" if third is None
            else refusal(third)]
    assert from_table(YES_NO.evaluate_table(pa.table({"已公示": column}))) == want
    assert by_dataset(write_parquet(tmp_path / "x.parquet", column)) == want


# A cell: a word of the vocabulary or a near miss, in any case, full-width or not, between spaces.
_WORDS = sorted({w.strip() for w, _ in WORDS} | set(NEAR) | {"", "yes", "√ ×"})
_FULL = {c: chr(ord(c) + 0xFEE0) for c in "0123456789abcdefghijklmnopqrstuvwxyz"
         "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_SPACE = st.sampled_from(["", " ", "  ", "\t", "\u3000", "\xa0", "\x1c", "\u200b", "\n"])


@st.composite
def cells(draw, spaces=_SPACE):
    word = draw(st.sampled_from(_WORDS))
    letters = []
    for c in word:
        c = c.upper() if draw(st.booleans()) else c.lower()
        letters.append(_FULL.get(c, c) if draw(st.integers(0, 5)) == 0 else c)
    return draw(spaces) + "".join(letters) + draw(spaces)


@seed(20251202)
@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(cells(), st.text(max_size=3)), min_size=1, max_size=30))
@example(["是", " √ ", "ＴＲＵＥ", "yes", "\x1c是", "\u200b是", "", "tRUE\u3000"])
def test_differential_the_table_reads_each_cell_as_the_reference_does(cells):
    table = YES_NO.evaluate_table(pa.table({"已公示": pa.array(cells, pa.string())}))
    assert from_table(table) == per_record(YES_NO.reference_evaluate, cells) == \
        per_record(YES_NO.evaluate, cells)


def _as_the_cli_reads(cell: str) -> str | None:
    return None if cell.strip() == "" else cell  # a blank cell is a missing value


@seed(20251202)
@settings(max_examples=25, deadline=None)
@given(st.lists(cells(st.sampled_from(["", " ", "\u3000", "\t"])), min_size=1, max_size=20))
@example(["是", "×", "ＦＡＬＳＥ", "有", " "])
def test_differential_a_csv_streams_as_the_reference_reads_its_cells(cells):
    with tempfile.TemporaryDirectory() as tmp:
        got = by_dataset(write_csv(Path(tmp) / "x.csv", cells))
    assert got == per_record(YES_NO.reference_evaluate, [_as_the_cli_reads(c) for c in cells])
