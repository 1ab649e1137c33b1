"""The messages that misled (issue 13): each mistake a real ruleset made, with the message, the
place and the hint it now gets. Each hint names the form that works, and that form compiles."""

from __future__ import annotations

import pytest

import evalrules
from evalrules import RulesetError

HEAD = ("ruleset r\nscale 等次: 优秀 > 称职 > 基本称职\ninput 分: number in 0..100\n"
        "input 类别: one of 甲, 乙, 丙\nballot 测评: 优秀, 较好, 一般\n")
FIRST = HEAD.count("\n") + 1  # the line the case's text starts on


def error_of(text: str) -> evalrules.Diagnostic:
    with pytest.raises(RulesetError) as info:
        evalrules.compile(HEAD + text, path="x.rules")
    errors = [d for d in info.value.diagnostics if d.severity == "error"]
    assert len(errors) == 1, str(info.value)
    return errors[0]


# (text, code, (line offset from the case's first, column), in the message, in the hint)
CASES = {
    "history of a non-scale": (
        "input 往年: history of 数字\n", "E206", (0, 11),
        "'history of' takes a scale, and '数字' is not one", "the scales here: 等次"),
    "history of a misspelt scale": (
        "input 往年: history of 等级\n", "E206", (0, 11), "'等级' is not one",
        "did you mean '等次'?"),
    "an if broken across lines": (
        "let x = if 分 > 60\n  then 1 else 2\n", "E102", (0, 18),
        "unexpected end of line; expected 'then'", "open a parenthesis before the break"),
    "a quota in ascending order": (
        "group by 类别:\n  quota 等次: 优秀 at most 20% by 分 asc\n", "E102", (1, 33),
        "a quota has no 'asc'", "let 负分 = -分"),
    "a chained comparison": (
        "outcome o when 60 <= 分 < 70\n", "E102", (0, 24), "comparisons do not chain",
        "`分 >= 60 and 分 < 70`"),
    "且 for and": (
        "outcome o when 分 > 60 且 分 < 70\n", "E102", (0, 23),
        "'且' is not a word of the language: write 'and'", "`and`, `or` and `not`"),
    "或 for or": (
        "outcome o when 分 > 90 或 分 < 10\n", "E102", (0, 23), "write 'or'", None),
    "a full-width <": (
        "outcome o when 分 ＜ 70\n", "E101", (0, 18), "unexpected character '＜'",
        "write the ASCII '<'"),
    "an IME 《 for <": (
        "outcome o when 分 《 70\n", "E101", (0, 18), "unexpected character '《'",
        "write the ASCII '<'"),
    "labels after in without parentheses": (
        "outcome o when 类别 in 甲, 乙\n", "E102", (0, 22),
        "the labels after 'in' go in parentheses", "`类别 in (甲, 乙)`"),
    "labels after not in without parentheses": (
        "outcome o when 类别 not in 甲\n", "E102", (0, 26),
        "the labels after 'not in' go in parentheses", "`类别 not in (甲)`"),
    "a veto with a block condition": (
        "veto v when any:\n    分 < 10\n    分 > 99\n  等次 at most 称职\n", "E102", (0, 13),
        "a veto's condition is written on its line", "`veto v when 情形:`"),
    "a veto on a block word with only adjustments under it": (
        "grade 等次:\n  优秀 when 分 > 90\n  otherwise 称职\nveto v when any:\n"
        "  等次 at most 称职\n", "E201", (3, 13),
        "'any:' opens a block of conditions only after", "`let 情形 = any:`"),
    "categories added in share": (
        "let s = share(测评: 优秀 + 较好)\n", "E102", (0, 22),
        "the categories of share(…) and votes(…) are listed with ','",
        "share(测评: 优秀, 较好)"),
    "per without a space before its string": (
        'outcome o when 分 > 1 per"第十条"\n', "E109", (0, 22),
        "'per' cites the regulation: write per \"…\"", 'per "第二十二条（一）1"'),
    "per without a string": (
        "outcome o when 分 > 1 per 第十条\n", "E109", (0, 22), "(a string in double quotes",
        None),
    "a citation in Chinese quotation marks": (
        "outcome o when 分 > 1 per “第十条”\n", "E109", (0, 22), "'per' cites the regulation",
        "strings (a title, a message, per \"…\") are in ASCII double quotes"),
    "a citation on a line of its own": (
        'outcome o when 分 > 1\nper "第十条"\n', "E109", (1, 1),
        "a citation is not a line of its own", "end of the rule's first line"),
}


@pytest.mark.parametrize("name", CASES)
def test_message(name):
    text, code, (line, column), message, hint = CASES[name]
    d = error_of(text)
    assert d.code == code, str(d)
    assert (d.line, d.column) == (FIRST + line, column), str(d)
    assert message in d.message, str(d)
    if hint is not None:
        assert d.hint is not None and hint in d.hint, str(d)


def test_share_error_no_longer_mentions_an_undocumented_order():
    d = error_of("let s = share(测评: 优秀 + 较好)\n")
    assert "order" not in str(d) and "default" not in str(d)


def test_expected_lists_only_what_the_state_accepts():
    # `share(b: x y)`: after a category only ',' or ')' can follow (not 'order', 'default').
    d = error_of("let s = share(测评: 优秀 较好)\n")
    assert d.message == "unexpected name '较好'; expected ')' or ','"


def test_a_title_in_chinese_quotation_marks():
    with pytest.raises(RulesetError) as info:
        evalrules.compile("ruleset r\n  title “年度考核”\n")
    (d,) = info.value.diagnostics
    assert (d.code, d.line, d.column) == ("E101", 2, 9)
    assert d.hint is not None and "in ASCII double quotes" in d.hint


def test_the_equals_hint_is_only_for_an_equals_sign():
    # The state after a let's expression is the state of `let a = b = 1`: a stray name there
    # was told "'=' defines a name; compare with '=='".
    d = error_of("let x = 分 foo\n")
    assert d.message.startswith("unexpected name 'foo'") and d.hint is None
    assert error_of("let x = 分 = 1\n").hint == "'=' defines a name; compare with '=='"


@pytest.mark.parametrize("fixed", [
    "let x = (if 分 > 60\n  then 1 else 2)\n",
    "outcome o when 分 >= 60 and 分 < 70\n",
    "outcome o when 类别 in (甲, 乙)\n",
    "let 情形 = any:\n  分 < 10\n  分 > 99\nveto v when 情形:\n  等次 at most 称职\n"
    "grade 等次:\n  优秀 when 分 > 90\n  otherwise 称职\n",
    "let s = share(测评: 优秀, 较好)\n",
    "let 负分 = -分\ngrade 等次:\n  优秀 when 分 > 90\n  otherwise 称职\n"
    "group by 类别:\n  quota 等次: 优秀 at most 20% by 负分\n",
    'outcome o when 分 > 1 per "第十条"\n',
])
def test_the_hinted_form_compiles(fixed):
    evalrules.compile(HEAD + fixed)


def test_let_takes_a_block_of_conditions():
    """`let x = all:` was refused with "unexpected ':'"; a block is a value like `a and b`."""
    rules = evalrules.compile(HEAD + "let 全 = all:\n  分 > 10\n  类别 is 甲\n"
                              "let 多 = at least 2:\n  分 > 10\n  分 > 20\n  类别 is 乙\n")
    assert rules.evaluate({"分": 15, "类别": "甲", "测评": {"优秀": 1, "较好": 0, "一般": 0}}
                          )["全"] is True
    result = rules.evaluate({"分": 25, "类别": "丙", "测评": {"优秀": 1, "较好": 0, "一般": 0}})
    assert (result["全"], result["多"]) == (False, True)
