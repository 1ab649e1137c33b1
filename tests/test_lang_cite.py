"""Citations (issue 13): `per "第二十二条（一）1"` at the end of a rule's first line, `chosen "…"`
on a param; kept by parse/unparse/fmt/resolve, quoted by the trace and the explanation; and W602;
and `let x = any:`, which a veto's many-line condition needs."""

from __future__ import annotations

import pytest

import evalrules
from evalrules import RulesetError, ast, unparse
from evalrules.fmt import format_source
from evalrules.parse import parse

RULES = '''\
ruleset 考核
scale 等次: 优秀 > 称职 > 基本称职 per "第十条"
input 分: number in 0..100 per "第十五条"
input 违纪: bool default false
input 单位: text
param 优秀线 = 90 chosen "范文未规定分数线，本规则所设"
param 比例 = 50% per "第十二条" chosen "第十二条定上限，本规则取一半"
let 严重 = any: per "第二十三条（二）"
  违纪
  分 < 30
grade 等次 (first): per "第二十二条"
  # 注释在上
  优秀 when 分 >= 优秀线 per "第二十二条（一）1"
  基本称职 when 分 < 60  # 只有注释
  otherwise 称职 per "第二十二条（四）"
veto 纪律 when 严重: per "第二十三条"
  等次 at most 基本称职
outcome 奖励 when 等次 is 优秀 per "第二十四条（二）"
group by 单位:
  quota 等次: 优秀 at most 比例 by 分 per "第十二条"
'''


def test_citations_are_kept_on_the_nodes_that_end_their_lines():
    module = parse(RULES)
    assert module.statements[0].cite == "第十条"  # the scale
    by = {getattr(s, "name", type(s).__name__): s for s in module.statements[1:]}
    assert by["分"].cite == "第十五条" and by["违纪"].cite is None
    assert (by["优秀线"].cite, by["优秀线"].chosen) == (None, "范文未规定分数线，本规则所设")
    assert (by["比例"].cite, by["比例"].chosen) == ("第十二条", "第十二条定上限，本规则取一半")
    assert by["严重"].cite == "第二十三条（二）"
    grade = next(s for s in module.statements if isinstance(s, ast.Grade))
    assert (grade.cite, grade.otherwise_cite) == ("第二十二条", "第二十二条（四）")
    assert [r.cite for r in grade.rules] == ["第二十二条（一）1", None]
    assert grade.rules[0].note == "注释在上"  # the comment stays beside the citation
    assert by["纪律"].cite == "第二十三条" and by["奖励"].cite == "第二十四条（二）"
    (quota,) = next(s for s in module.statements if isinstance(s, ast.GroupBy)).rules
    assert quota.cite == "第十二条"


def test_citations_are_part_of_the_tree_and_survive_unparse_and_fmt():
    module = parse(RULES)
    text = unparse.module(module)
    assert parse(text) == module
    assert 'otherwise 称职 per "第二十二条（四）"' in text
    assert 'param 比例 = 50% per "第十二条" chosen "第十二条定上限，本规则取一半"' in text
    other = parse(RULES.replace('per "第十条"', 'per "第十一条"'))
    assert other != module  # eq=True: a changed citation is a changed tree
    formatted = format_source(RULES.replace(' per "第十条"', '   per   "第十条"'))
    assert 'scale 等次: 优秀 > 称职 > 基本称职 per "第十条"' in formatted


def test_a_citation_with_quotes_and_a_hash_round_trips():
    text = 'ruleset r\ninput a: number\nlet b = a per "“第#5条”\\"注\\""  # 注释\n'
    module = parse(text)
    assert module.statements[1].cite == '“第#5条”"注"'
    assert parse(unparse.module(module)) == module


def test_chosen_and_per_in_either_order():
    a = parse('ruleset r\nparam p = 1 chosen "甲" per "乙"\n').statements[0]
    assert (a.cite, a.chosen) == ("乙", "甲")


@pytest.mark.parametrize(("text", "where", "message"), [
    ('let b = a per "x" + 1\n', (3, 11), "ends its line"),
    ('let b = a per "x" per "y"\n', (3, 19), "a second 'per'"),
    ('let b = a chosen "x"\n', (3, 11), "is not a param"),
    ('grade g:\n  a when all:\n    a > 1 per "x"\n  otherwise b\n', (5, 11),
     "no rule starts on this line"),
    ('scale g: a > b\nveto v when a > 1:\n  lower g by 1 per "x"\n', (5, 16),
     "no rule starts on this line"),
    ('check always a > 0 per "x"\n', (3, 20), "no rule starts on this line"),
    ('let b = cases: per "ok"\n  1 when a > 1 per "x"\n  otherwise 2\n', (4, 16),
     "no rule starts on this line"),
])
def test_e109_a_citation_no_rule_takes(text, where, message):
    with pytest.raises(RulesetError) as info:
        evalrules.compile("ruleset r\ninput a: number\n" + text)
    (d,) = info.value.diagnostics
    assert (d.code, (d.line, d.column)) == ("E109", where), str(d)
    assert message in d.message


def test_names_starting_with_per_and_minus_per_are_unchanged():
    rules = evalrules.compile("ruleset r\ninput percent: number\ninput 次数: integer\n"
                              "sheet 表 max 10:\n  基本 10: = 10\n  扣分 0: minus 2 per 次数\n"
                              "score s = percent + 表\n")
    assert rules.evaluate({"percent": 1, "次数": 2})["s"] == 7  # 1 + (10 - 2 × 2)


def test_override_replaces_the_citation_with_its_own(tmp_path):
    (tmp_path / "base.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "county.rules").write_text(
        'ruleset 县 extends "base.rules"\noverride param 优秀线 = 85 per "县通知"\n'
        'override grade 等次 rule 优秀 when 分 >= 优秀线 + 1 per "县通知二"\n', encoding="utf-8")
    rules = evalrules.load(tmp_path / "county.rules")
    params = rules.checked.params
    assert (params["优秀线"].cite, params["优秀线"].chosen) == ("县通知", None)
    assert (params["比例"].cite, params["比例"].chosen) == (
        "第十二条", "第十二条定上限，本规则取一半")
    grade = rules.checked.definitions["等次"]
    assert [r.cite for r in grade.rules] == ["县通知二", None]
    assert grade.otherwise_cite == "第二十二条（四）"


def _result(record, group=None):
    """``record`` graded in a unit of two with one of 50 points: 50% of 2 keeps one 优秀."""
    rules = evalrules.compile(RULES)
    return rules.evaluate(record, group=group or [{"分": 50, "单位": "甲"}])


def test_trace_quotes_every_citation_and_lists_chosen_params():
    trace = _result({"分": 95, "单位": "甲"}).trace()
    (grade,) = trace["grades"]
    assert grade["cite"] == "第二十二条" and grade["otherwise_cite"] == "第二十二条（四）"
    assert grade["rules"][0]["cite"] == "第二十二条（一）1"
    assert len(grade["rules"]) == 1  # (first): the rules up to the one that matched
    assert trace["vetoes"][0]["cite"] == "第二十三条"
    assert trace["outcomes"][0]["cite"] == "第二十四条（二）"
    assert trace["chosen"] == {"优秀线": "范文未规定分数线，本规则所设",
                               "比例": "第十二条定上限，本规则取一半"}


def test_explanation_quotes_the_article_and_marks_local_choices_zh():
    text = _result({"分": 95, "单位": "甲"}).explain("zh")
    assert "等次：优秀〔依据：第二十二条〕" in text
    assert ("✓ 优秀：分 ≥ 优秀线【分 = 95，优秀线 = 90（本地设定：范文未规定分数线，本规则所设）】"
            "→ 成立〔依据：第二十二条（一）1〕") in text  # per wins over the comment above
    assert "适用结果：奖励〔依据：第二十四条（二）〕" in text
    text = _result({"分": 70, "单位": "甲"}).explain("zh")
    assert "✗ 基本称职：分 < 60【分 = 70】→ 不成立〔只有注释〕" in text  # the comment as before
    assert "以上规则均不成立，按其余情况评为称职。〔依据：第二十二条（四）〕" in text


def test_explanation_quotes_the_article_en():
    text = _result({"分": 70, "违纪": True, "单位": "甲"}).explain("en")
    assert "no rule matches, so otherwise: 称职. — per 第二十二条（四）" in text
    assert ("veto 纪律: because 严重, 等次 is capped at 基本称职 (称职 → 基本称职). "
            "— per 第二十三条") in text
    assert "(a local choice: 范文未规定分数线，本规则所设)" in text


def test_a_quota_move_is_quoted_with_its_article_and_its_chosen_share():
    group = [{"分": 95, "单位": "甲"}]
    # Two 优秀 in a unit of 2 at 50%: floor(1) keeps one; 92 moves down to 称职.
    text = _result({"分": 92, "单位": "甲"}, group=group).explain("zh")
    assert "（优秀 → 称职）。〔依据：第十二条〕" in text
    assert "比例 = 50%（本地设定：第十二条定上限，本规则取一半）" in text


# ---------------------------------------------------------------- W602


def _warnings(text: str) -> list[evalrules.Diagnostic]:
    return [w for w in evalrules.compile("ruleset r\n" + text).warnings if w.code == "W602"]


@pytest.mark.parametrize("text", [
    "input 分: number in 0..100\noutcome o when 分 >= 90%\n",
    "input 分: integer in 0..100\noutcome o when 90% < 分\n",
    "input 分: number in 0..100\nparam 线 = 85%\noutcome o when 分 >= 线\n",
    "input 甲: number in 0..100\ninput 乙: number in 0..100\nscore s = weighted:\n"
    "  甲 60%\n  乙 40%\noutcome o when s >= 90%\n",
    "input 甲: number\nlet s = clamp(甲, 0, 100)\noutcome o when s >= 60％\n",
    "input 甲: number\nsheet 表 max 100:\n  一 100: = 甲\nlet s = round(表)\n"
    "outcome o when s < 60%\n",
])
def test_w602_a_percentage_against_a_hundred_point_value(text):
    (w,) = _warnings(text)
    assert "ranges over 0..100" in w.message and "did you mean" in w.message


@pytest.mark.parametrize("text", [
    "input 分: number in 0..100\noutcome o when 分 >= 90\n",  # the number meant
    "input 率: number in 0..1\noutcome o when 率 >= 90%\n",  # a rate: a percentage is right
    "input 分: number in 0..150\noutcome o when 分 >= 90%\n",  # not a 0..100 scale
    "input 分: number in -100..100\noutcome o when 分 >= 90%\n",
    "ballot b: 好, 差\noutcome o when share(b: 好) >= 90%\n",
    "input 分: number in 0..100\nlet r = 分 / 100\noutcome o when r >= 90%\n",
    "input 分: number in 0..100\noutcome o when 分 == 90%\n",  # == is never "nearly always"
])
def test_no_w602(text):
    assert _warnings(text) == []


def test_w602_names_the_param_and_the_fraction():
    (w,) = _warnings("input 分: number in 0..100\nparam 线 = 87.5%\noutcome o when 分 > 线\n")
    assert w.message == ("'分' ranges over 0..100, and '线' is 87.5%, which is 0.875: did you "
                         "mean 87.5?")


# ---------------------------------------------------------------- let x = any: (for vetoes)


BLOCK = '''\
ruleset 测试
scale 等次: 优秀 > 称职 > 基本称职
input 分: number in 0..100
input 警告: bool default false
input 记过: bool default false
let 违纪 = any: per "第二十三条"
  警告
  记过
let 多数 = most:
  分 >= 60
  警告
  记过
grade 等次:
  优秀 when 分 >= 90
  otherwise 称职
veto 纪律 when 违纪:
  等次 at most 基本称职
'''


@pytest.mark.parametrize(("record", "grade", "most"), [
    ({"分": 95}, "优秀", False),
    ({"分": 95, "警告": True}, "基本称职", True),  # any: one holds; most: 2 of 3
    ({"分": 50, "记过": True}, "基本称职", False),  # most: 1 of 3
    ({"分": 50, "警告": True, "记过": True}, "基本称职", True),
])
def test_a_let_block_names_a_vetos_condition_on_every_backend(run, record, grade, most):
    result = run(evalrules.compile(BLOCK), record)
    assert (result["等次"], result["多数"]) == (grade, most)


def test_the_report_lists_the_local_choices_and_quotes_articles(tmp_path):
    from evalrules.cli import main

    rules = tmp_path / "r.rules"
    rules.write_text('ruleset 考核\nscale 等次: 优秀 > 称职\ninput 分: number in 0..100\n'
                     'param 优秀线 = 90 chosen "范文未规定分数线，本规则所设"\n'
                     'param 比例 = 20% chosen "本规则所设"\n'
                     'grade 等次:\n  优秀 when 分 >= 优秀线 per "第二十二条（一）"\n'
                     '  otherwise 称职\noutcome 高 when 分 >= 比例 * 100\n', encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("编号,分\n1,95\n2,89.5\n", encoding="utf-8")
    out = tmp_path / "r.html"
    assert main(["report", str(rules), str(data), "-o", str(out), "--lang", "zh"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "本地设定（条文未规定、由本规则选定的数值）：" in page
    assert "<li>优秀线 = 90：范文未规定分数线，本规则所设</li>" in page
    assert "<li>比例 = 20%：本规则所设</li>" in page


def test_a_rule_continued_in_parentheses_may_end_its_last_line_with_the_citation():
    module = parse('ruleset r\ninput a: number\nlet b = (a +\n  1) per "第五条"\n'
                   'outcome o when (a > 1 and\n  a < 5) per "第六条"\n'
                   'require (a >\n  0) "须为正" per "第七条"\n')
    assert [s.cite for s in module.statements[1:]] == ["第五条", "第六条", "第七条"]
    assert parse(unparse.module(module)) == module  # written back on one line


def test_a_citation_under_a_block_is_not_the_blocks():
    with pytest.raises(RulesetError) as info:
        parse('ruleset r\ninput a: number\nlet b = any:\n  a > 1\n  a > 2 per "x"\n')
    assert [d.code for d in info.value.diagnostics] == ["E109"]


CITED_REQUIRE = '''ruleset 测评
input 单位: text
input 好评人数: integer in 0..
input 被评价人数: integer in 1..
require 好评人数 * 10 <= 被评价人数 * 3 "评为好的不得超过被评价总人数的30%" per "范文5 一、㈠"
group by 单位:
  limit count() <= 3 "每组至多3个单位" per "第九条"
'''


def test_a_failed_require_quotes_its_article_on_every_backend(run):
    # 4 × 10 > 10 × 3: the require fails, and the record is told which article it breaks.
    ruleset = evalrules.compile(CITED_REQUIRE.split("group by")[0])
    with pytest.raises(evalrules.InputError) as caught:
        run(ruleset, {"单位": "甲", "好评人数": 4, "被评价人数": 10})
    assert "评为好的不得超过被评价总人数的30% (per 范文5 一、㈠)" in str(caught.value)
    if run.name != "vectorized":  # a table's error column holds the English message only
        assert caught.value.text("zh").endswith(
            "评为好的不得超过被评价总人数的30%〔依据：范文5 一、㈠〕")


def test_a_failed_limit_quotes_its_article():
    # Four records in one group: count() = 4 > 3, so each gets the limit's error.
    ruleset = evalrules.compile(CITED_REQUIRE)
    records = [{"单位": "甲", "好评人数": 1, "被评价人数": 10}] * 4
    errors = [result.error for result in ruleset.evaluate_many(records)]
    assert all(isinstance(e, evalrules.InputError) for e in errors)
    assert errors[0].text("zh").endswith("每组至多3个单位〔依据：第九条〕")
    assert str(errors[0]).endswith("每组至多3个单位 (per 第九条)")
