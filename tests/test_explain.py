"""Explanations: Chinese without code words, numbers as the ruleset writes them, every condition
that holds shown as holding (untaken branches evaluated aside), the author's citations, and an
explanation never changes a result.

The expected texts of the hand-worked records were written from 范文9 第二十二条 and the record
(the shares worked out by hand), not from the program's output."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import ast
from evalrules.backends import reference
from evalrules.diagnostics import InputError
from evalrules.explain import numbers

from conftest import RULESETS, bundled_rulesets, example_rulesets
from strategies import records

CITY = RULESETS / "fanwen9" / "team-city.rules"

#: A team that IS 不团结: 较差 by the second of four `any:` conditions; the third and fourth are
#: skipped by the short-circuit and must still show what they are for this team.
#: 班子测评 30 votes: 优秀率 10/30 = 1/3, 好评率 20/30 = 2/3, 较差率 1/30, 差评率 10/30 = 1/3;
#: 正职测评 30 votes: 优秀率 20/30 = 2/3, 称职以上率 27/30 = 90% (exactly on 优秀好评线).
DISUNITED = {
    "考核目标完成": "一般", "班子状况": "不团结", "干部精神状态好": False, "存在突出问题": True,
    "班子测评": {"优秀": 10, "较好": 10, "一般": 9, "较差": 1},
    "正职测评": {"优秀": 20, "称职": 7, "基本称职": 2, "不称职": 1},
}
DISUNITED_ZH = """\
市直领导班子年度考核：领导班子年度考核结果评定（市直单位和垂管单位）
班子等次：较差〔依据：第二十二条〕
  取成立规则中最低的档次：
  ✗ 优秀：全部满足（3 项中 0 项成立）〔依据：第二十二条（一）〕
      ✗ 考核目标完成为好【考核目标完成 = 一般】→ 不成立〔1、考核目标完成得好〕
      ✗ 班子状况为团结协调，且干部精神状态好【班子状况 = 不团结，干部精神状态好 = 否】→ 不成立〔2、班子团结协调，干部精神状态好〕
      ✗ 全部满足（4 项中 2 项成立）〔3、群众公认程度高〕
        ✗ 班子好评率 ≥ 优秀好评线【班子好评率 = 66.67%（2/3），优秀好评线 = 90%】→ 不成立
        ✗ 班子优秀率 ≥ 优秀率线【班子优秀率 = 33.33%（1/3），优秀率线 = 60%】→ 不成立
        ✓ 正职称职以上率 ≥ 优秀好评线【正职称职以上率 = 90%，优秀好评线 = 90%】→ 成立
        ✓ 正职优秀率 ≥ 优秀率线【正职优秀率 = 66.67%（2/3），优秀率线 = 60%】→ 成立
  ✓ 一般：多数满足（3 项中 2 项成立）〔依据：第二十二条（二）〕
      ✓ 考核目标完成为一般【考核目标完成 = 一般】→ 成立〔1、考核目标总体完成情况一般〕
      ✗ 班子状况为存在问题【班子状况 = 不团结】→ 不成立〔2、班子存在一定问题〕
      ✓ 班子差评率 ≥ 一般线【班子差评率 = 33.33%（1/3），一般线 = 30%】→ 成立〔3、群众公认程度一般〕
  ✓ 较差：任一满足（4 项中 1 项成立）〔依据：第二十二条（三）〕
      ✗ 考核目标完成为差距较大【考核目标完成 = 一般】→ 不成立
      ✓ 班子状况为不团结【班子状况 = 不团结】→ 成立
      ✗ （班子较差率 ≥ 较差票线，或班子差评率 ≥ 差评合计线），且存在突出问题【班子较差率 = 3.33%（1/30），较差票线 = 30%，班子差评率 = 33.33%（1/3），差评合计线 = 50%，存在突出问题 = 是】→ 不成立〔3、群众公认程度低〕
      ✗ 较大失误造成严重后果【较大失误造成严重后果 = 否】→ 不成立
  由“较差”规则评定为较差。
适用结果：集体谈话限期改进〔依据：第二十四条（三）〕"""  # noqa: E501

#: A good team one vote in 20,000 short of 优秀 (班子优秀率 11999/20000 = 59.995%, which two
#: decimals would show as 60.00%), lowered by the 一票否决 from 较好 to 一般.
#: 班子测评: 好评率 18000/20000 = 90%, 较差率 500/20000 = 2.5%, 差评率 2000/20000 = 10%;
#: 正职测评 30 votes: 称职以上率 28/30 = 14/15, 优秀率 25/30 = 5/6.
SHORT = {
    "考核目标完成": "好", "班子状况": "团结协调", "干部精神状态好": True,
    "计生综治目标完成差": True,
    "班子测评": {"优秀": 11999, "较好": 6001, "一般": 1500, "较差": 500},
    "正职测评": {"优秀": 25, "称职": 3, "基本称职": 1, "不称职": 1},
}
SHORT_ZH = """\
市直领导班子年度考核：领导班子年度考核结果评定（市直单位和垂管单位）
班子等次：一般〔依据：第二十二条〕
  取成立规则中最低的档次：
  ✗ 优秀：全部满足（3 项中 2 项成立）〔依据：第二十二条（一）〕
      ✓ 考核目标完成为好【考核目标完成 = 好】→ 成立〔1、考核目标完成得好〕
      ✓ 班子状况为团结协调，且干部精神状态好【班子状况 = 团结协调，干部精神状态好 = 是】→ 成立〔2、班子团结协调，干部精神状态好〕
      ✗ 全部满足（4 项中 3 项成立）〔3、群众公认程度高〕
        ✓ 班子好评率 ≥ 优秀好评线【班子好评率 = 90%，优秀好评线 = 90%】→ 成立
        ✗ 班子优秀率 ≥ 优秀率线【班子优秀率 = 59.995%，优秀率线 = 60%】→ 不成立
        ✓ 正职称职以上率 ≥ 优秀好评线【正职称职以上率 = 93.33%（14/15），优秀好评线 = 90%】→ 成立
        ✓ 正职优秀率 ≥ 优秀率线【正职优秀率 = 83.33%（5/6），优秀率线 = 60%】→ 成立
  ✗ 一般：多数满足（3 项中 0 项成立）〔依据：第二十二条（二）〕
      ✗ 考核目标完成为一般【考核目标完成 = 好】→ 不成立〔1、考核目标总体完成情况一般〕
      ✗ 班子状况为存在问题【班子状况 = 团结协调】→ 不成立〔2、班子存在一定问题〕
      ✗ 班子差评率 ≥ 一般线【班子差评率 = 10%，一般线 = 30%】→ 不成立〔3、群众公认程度一般〕
  ✗ 较差：任一满足（4 项中 0 项成立）〔依据：第二十二条（三）〕
      ✗ 考核目标完成为差距较大【考核目标完成 = 好】→ 不成立
      ✗ 班子状况为不团结【班子状况 = 团结协调】→ 不成立
      ✗ （班子较差率 ≥ 较差票线，或班子差评率 ≥ 差评合计线），且存在突出问题【班子较差率 = 2.5%，较差票线 = 30%，班子差评率 = 10%，差评合计线 = 50%，存在突出问题 = 否】→ 不成立〔3、群众公认程度低〕
      ✗ 较大失误造成严重后果【较大失误造成严重后果 = 否】→ 不成立
  以上规则均不成立，按其余情况评为较好。〔依据：第二十二条（四）〕
  一票否决“人口计生综治”：因计生综治目标完成差，班子等次降低一个档次（较好 → 一般）。〔依据：第二十二条末段〕
适用结果：集体谈话限期改进〔依据：第二十四条（三）〕"""  # noqa: E501


@pytest.fixture(scope="module")
def city():
    return evalrules.load(CITY)


@pytest.mark.parametrize(("record", "expected"), [(DISUNITED, DISUNITED_ZH), (SHORT, SHORT_ZH)],
                         ids=["disunited", "one-vote-short"])
def test_hand_worked_records_of_team_city(city, record, expected):
    assert city.evaluate(record).explain("zh") == expected


def test_english_says_the_same_in_english(city):
    text = city.evaluate(SHORT).explain("en")
    assert "  the lowest grade of the rules that match:" in text
    assert ("        ✗ 班子优秀率 ≥ 优秀率线 [班子优秀率 = 59.995%, 优秀率线 = 60%] → does not hold"
            in text.splitlines())
    assert ("  no rule matches, so otherwise: 较好. — "
            "per 第二十二条（四）") in text
    assert ("veto 人口计生综治: because 计生综治目标完成差, 班子等次 is lowered one grade "
            "(较好 → 一般).") in text
    body = "\n".join(text.splitlines()[1:])  # below the ruleset's own title
    assert not re.search(r"[，：；（）【】]", _uncited(body, "en"))  # no Chinese punctuation


# ---------------------------------------------------------------- no code words in Chinese

CODE_WORDS = ("is", "all", "any", "most", "least", "otherwise", "and", "or", "not", "true",
              "false", "when", "of", "in", "share", "votes", "total", "if", "then", "else",
              "none", "yes", "no", "holds", "by", "lower", "raise", "veto", "quota", "round",
              "min", "max", "clamp", "floor", "ceil", "abs", "count", "streak", "last",
              "weighted", "cases", "matched", "unknown")
_CODE = re.compile(rf"(?<![A-Za-z])(?:{'|'.join(CODE_WORDS)})(?![A-Za-z])", re.IGNORECASE)


def _uncited(text: str, lang: str) -> str:
    """``text`` without the author's citations (the author's own words, in any language)."""
    if lang == "zh":
        return re.sub(r"〔[^〔〕]*〕$", "", text, flags=re.M)
    return re.sub(r" — .*$", "", text, flags=re.M)


RULESET_FILES = bundled_rulesets() + example_rulesets()


@pytest.fixture(scope="module")
def loaded():
    return {path: evalrules.load(path) for path in RULESET_FILES}


@pytest.mark.parametrize("path", RULESET_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_chinese_explanation_holds_a_code_word(loaded, path, data):
    ruleset = loaded[path]
    record = data.draw(records(ruleset))
    result = next(ruleset.evaluate_many([record]))
    if result.error is not None:
        return
    text = _uncited(result.explain("zh"), "zh")
    assert not _CODE.search(text), _CODE.findall(text)


def test_every_form_of_condition_is_said_without_code_words():
    rules = evalrules.compile("""\
ruleset 各种条件
scale 等次: 优 > 良 > 差
ballot 测评: 好, 中, 差
input 类别: one of 甲, 乙, 丙
input 得分: number in 0..100
input 合格: bool
input 往年: history of 等次
let 均分 = points(测评: 好 100, 中 60, 差 0)
grade 等次 (worst):
  优 when at least 2:
    类别 in (甲, 乙)
    类别 not in (丙)
    not 合格 or 得分 > round(share(测评: 好) * 100, 1)
    min(得分, 90) >= clamp(均分, 0, 80) and votes(测评: 好) >= total(测评) / 2
  良 when any:
    往年.last is 优
    往年.count(优) >= 1 or 往年.streak(良) > 1
    (if 合格 then 得分 else 0) >= floor(abs(-得分))
  otherwise 差
""")
    record = {"类别": "乙", "得分": 61, "合格": True, "往年": ["良", "良"],
              "测评": {"好": 7, "中": 2, "差": 1}}
    text = rules.evaluate(record).explain("zh")
    assert not _CODE.search(text), _CODE.findall(text)
    for phrase in ("至少满足 2 项", "类别为甲、乙之一", "类别不为丙中任一项", "并非合格",
                   "测评中好的得票率", "测评中好的票数", "测评的总票数", "往年的最近一次",
                   "往年中优的次数", "往年末尾连续为良的次数", "若合格则得分，否则0",
                   "四舍五入保留 1 位小数", "的绝对值", "向下取整", "中的最小值"):
        assert phrase in text, phrase


# ---------------------------------------------------------------- numbers as written

def _shown_value(text: str) -> Fraction:
    """The number a reader takes from a shown value: "33.33%（1/3）" → 0.3333."""
    shown = text.split("（")[0]
    return Fraction(shown.rstrip("%")) / (100 if shown.endswith("%") else 1)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(p=st.integers(0, 10**6), q=st.integers(1, 10**6), line=st.integers(0, 100),
       percent=st.booleans())
@example(p=11999, q=20000, line=60, percent=True)   # 59.995% vs 60%
@example(p=120001, q=200000, line=60, percent=True)  # 60.0005% vs 60%
@example(p=1, q=30, line=30, percent=True)
def test_a_shown_number_is_never_on_the_other_side_of_the_line(p, q, line, percent):
    """The comparison is exact; what is shown must not contradict it."""
    threshold = Fraction(line, 100)
    style = "percent" if percent else "number"
    shown = numbers({"x": (p, q)}, {"x": style}, [(line, 100)], "zh")["x"]
    value, seen = Fraction(p, q), _shown_value(shown)
    assert (value > threshold) - (value < threshold) == (seen > threshold) - (seen < threshold)
    if "（" in shown:  # rounded: the exact value is beside it, in full
        exact = shown.split("（")[1].rstrip("）")
        assert Fraction(exact) == value
        assert abs(seen - value) <= Fraction(1, 2 * 10**2) / (100 if percent else 1)
    else:
        assert seen == value


def test_numbers_are_shown_as_the_ruleset_writes_them():
    shown = numbers({"a": (1, 30), "b": (3, 10), "c": (2, 3), "d": (5, 2)},
                    {"a": "percent", "b": "percent", "c": "number", "d": "number"}, [], "zh")
    assert shown == {"a": "3.33%（1/30）", "b": "30%", "c": "0.67（2/3）", "d": "2.5"}
    # 四舍五入: half away from zero, also for a negative number
    assert numbers({"x": (-1, 8)}, {"x": "number"}, [], "zh") == {"x": "-0.13（-0.125）"}


def test_a_threshold_written_as_a_decimal_stays_a_decimal():
    rules = evalrules.compile("ruleset t\nscale 等次: 好 > 差\nballot 测评: 好, 差\n"
                              "let 好评率 = share(测评: 好)\n"
                              "param 线 = 0.3\ngrade 等次:\n  好 when 好评率 >= 线\n"
                              "  otherwise 差\n")
    text = rules.evaluate({"测评": {"好": 1, "差": 29}}).explain("zh")
    assert "好评率 ≥ 线【好评率 = 0.03（1/30），线 = 0.3】→ 不成立" in text


# ---------------------------------------------------------------- untaken branches

def _pairs(node: ast.Expr, detail: dict):
    """(condition, its trace detail) for ``node`` and every condition inside it."""
    yield node, detail
    detail = detail.get("untaken", detail)
    match node:
        case ast.Quantified(conditions=conds) if "parts" in detail:
            for c, d in zip(conds, detail["parts"], strict=True):
                yield from _pairs(c, d)
        case ast.Logic(left=a, right=b) if "parts" in detail:
            for c, d in zip((a, b), detail["parts"], strict=True):
                yield from _pairs(c, d)


def _conditions(checked, trace):
    for g, grade in zip(trace["grades"], _grades(checked), strict=True):
        for rule, traced in zip(grade.rules, g["rules"], strict=False):
            yield from _pairs(rule.condition, traced["condition"])


def _grades(checked):
    return [d for d in checked.definitions.values() if isinstance(d, ast.Grade)]


@pytest.mark.parametrize("path", RULESET_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_untaken_branches_have_the_values_evaluate_expression_gives(loaded, path, data):
    ruleset = loaded[path]
    checked = ruleset.checked
    if checked.groups:
        return  # a record's values there depend on the batch
    record = data.draw(records(ruleset))
    try:
        evaluation = reference.evaluate(checked, ruleset.constants, record, explain=True)
    except InputError:
        return
    inputs = {n: evaluation.values[n] for n in (*checked.ballots, *checked.inputs)}
    for node, detail in _conditions(checked, evaluation.trace):
        if detail["value"] is not None:
            continue
        try:
            expected = reference.evaluate_expression(checked, ruleset.constants, node, inputs,
                                                     explain=True)
        except InputError:
            assert "untaken" not in detail
        else:
            assert detail["untaken"]["value"] == expected[0]
            assert detail["untaken"].get("values") == expected[1].get("values")


def test_an_untaken_branch_that_would_fail_stays_unjudged():
    rules = evalrules.compile("ruleset t\nscale 等次: 好 > 差\ninput 人数: integer in 0..100\n"
                              "input 达标: bool\n"
                              "grade 等次:\n  好 when any:\n    达标\n    100 / 人数 >= 5\n"
                              "  otherwise 差\n")
    text = rules.evaluate({"人数": 0, "达标": True}).explain("zh")
    assert text.splitlines()[5] == "      · 100 ÷ 人数 ≥ 5 → 未判定"
    assert "任一满足（2 项中 1 项成立，1 项未判定）" in text


# ---------------------------------------------------------------- explaining changes nothing

@pytest.mark.parametrize("path", RULESET_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_explaining_never_changes_a_result(loaded, path, data):
    ruleset = loaded[path]
    checked, consts = ruleset.checked, ruleset.constants
    record = data.draw(records(ruleset))
    if not checked.groups:
        outcomes = []
        for explain in (False, True):
            try:
                ev = reference.evaluate(checked, consts, record, explain=explain)
                outcomes.append((ev.values, ev.vetoes, ev.outcomes))
            except InputError as e:
                outcomes.append(str(e))
        assert outcomes[0] == outcomes[1]
    result = next(ruleset.evaluate_many([record]))
    if result.error is None:
        before = dict(result)
        result.explain("zh")
        result.explain("en")
        assert dict(result) == before
        assert (result.vetoes, result.outcomes) == (tuple(result.vetoes), tuple(result.outcomes))
