"""Issue 13, items 7 and 9: weight tables (``weights``, ``weighted TABLE:``), params as weights and
points, labels as values of ``if``/``cases``, （）in ruleset names, and ``x in (甲, 乙)`` wherever a
condition goes. Every expected value is worked out by hand in the comment beside it; the
semantic tests take the ``run`` fixture, so they run on every backend."""

from __future__ import annotations

from fractions import Fraction

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import fmt, spark, unparse
from evalrules.diagnostics import RulesetError, UnknownName
from evalrules.parse import parse

from conftest import BACKENDS, Backend

BASE = """ruleset 县管干部年度考核（试行）
scale 年度等次: 优秀 > 称职 > 基本称职 > 不称职
input 德分: number in 0..100
input 能分: number in 0..100
input 勤分: number in 0..100
input 绩分: number in 0..100
input 廉分: number in 0..100
weights 五要素: 德 15%, 能 10%, 勤 30%, 绩 30%, 廉 15%
score 综合得分 = weighted 五要素: 德分, 能分, 勤分, 绩分, 廉分
let 档 = if 综合得分 >= 90 then 优秀 else if 综合得分 >= 60 then 称职 else 不称职
"""
COUNTY = """ruleset 某县干部年度考核 extends "base.rules"
override weights 五要素: 德 15%, 能 10%, 勤 35%, 绩 25%, 廉 15%
"""
SCORES = {"德分": 90, "能分": 80, "勤分": 85, "绩分": 95, "廉分": 100}


def _compile(text: str, **files: str) -> evalrules.Ruleset:
    sources = {"base.rules": BASE, **files}
    return evalrules.compile(text, loader=lambda name, _from: (name, sources[name]))


def _codes(text: str, **files: str) -> list[str]:
    with pytest.raises(RulesetError) as e:
        _compile(text, **files)
    return [d.code for d in e.value.diagnostics]


# ---------------------------------------------------------------- weights tables


def test_five_elements_weighted_by_the_table(run):
    # 90×15% + 80×10% + 85×30% + 95×30% + 100×15% = 13.5 + 8 + 25.5 + 28.5 + 15 = 90.5
    result = run(_compile(BASE), SCORES)
    assert result["综合得分"] == Fraction(181, 2)
    assert result["档"] == "优秀"


def test_a_county_overrides_the_table(run):
    # 勤 35%, 绩 25%: 13.5 + 8 + 85×35% + 95×25% + 15 = 13.5 + 8 + 29.75 + 23.75 + 15 = 90
    county = _compile(COUNTY)
    assert run(county, SCORES)["综合得分"] == 90
    # 勤分 60: 13.5 + 8 + 21 + 23.75 + 15 = 81.25, under 90: 称职
    result = run(county, {**SCORES, "勤分": 60})
    assert result["综合得分"] == Fraction(325, 4)
    assert result["档"] == "称职"


def test_each_weight_is_a_param_named_table_dot_key(run):
    ruleset = _compile(BASE)
    assert ruleset.params["五要素.勤"] == Fraction(3, 10)
    # with_params changes weights together: 勤 35%, 绩 25% is the county's table, 90 points
    changed = ruleset.with_params(**{"五要素.勤": "35%", "五要素.绩": Fraction(1, 4)})
    assert run(changed, SCORES)["综合得分"] == 90
    assert run(ruleset, SCORES)["综合得分"] == Fraction(181, 2)  # the original is unchanged


def test_a_weight_is_read_by_its_name_wherever_it_is_declared(run):
    text = """ruleset 读权重
param 德的两倍 = 五要素.德 * 2
let 能加 = 五要素.能 + 德的两倍
weights 五要素: 德 40%, 能 60%
"""
    ruleset = evalrules.compile(text)
    assert run(ruleset, {})["能加"] == Fraction(7, 5)  # 60% + 2 × 40% = 140%
    # 德 30%, 能 70%: 70% + 60% = 130%; the param that reads the weight follows it
    changed = ruleset.with_params(**{"五要素.德": "30%", "五要素.能": "70%"})
    assert run(changed, {})["能加"] == Fraction(13, 10)
    assert _codes("ruleset 环\nparam p = 表.甲\nweights 表: 甲 p\n") == ["E403"]


def test_with_params_of_one_weight_must_keep_the_sum():
    ruleset = _compile(BASE)
    with pytest.raises(evalrules.InputError) as e:
        ruleset.with_params(**{"五要素.德": "20%"})  # 20 + 10 + 30 + 30 + 15 = 105%
    assert e.value.code == "R401"
    assert str(e.value) == "weights 五要素: the weights add up to 105%, not 100%"
    assert e.value.text("zh") == "权重表「五要素」：各项权重之和为 105%，应为 100%"
    with pytest.raises(UnknownName, match="is not a param"):
        ruleset.with_params(**{"五要素.得": "20%"})


def test_a_weight_may_be_a_param(run):
    text = BASE.replace("德 15%", "德 德权重") + "param 德权重 = 15%\n"
    ruleset = _compile(text)
    assert run(ruleset, SCORES)["综合得分"] == Fraction(181, 2)
    # the param moves the weight: 德权重 20% and 廉 10%: 18 + 8 + 25.5 + 28.5 + 10 = 90
    changed = ruleset.with_params(**{"德权重": "20%", "五要素.廉": "10%"})
    assert run(changed, SCORES)["综合得分"] == 90


def test_params_as_weights_of_the_multi_line_form(run):
    text = """ruleset 实绩
input 定量: number in 0..100
input 定性: number in 0..100
param 定量权重 = 60%
score 实绩考核总分 = weighted:
  定量 定量权重
  定性 40%
"""
    ruleset = evalrules.compile(text)
    # 80×60% + 90×40% = 48 + 36 = 84
    assert run(ruleset, {"定量": 80, "定性": 90})["实绩考核总分"] == 84
    with pytest.raises(evalrules.InputError, match="实绩考核总分: the weights add up to 110%"):
        ruleset.with_params(定量权重="70%")


def test_points_with_params(run):
    text = """ruleset 测评计分
ballot 测评: 优秀, 称职, 基本称职, 不称职
param 优秀分 = 100
param 称职分 = 80
score 测评得分 = points(测评: 优秀 优秀分, 称职 称职分, 基本称职 60, 不称职 0)
"""
    ruleset = evalrules.compile(text)
    votes = {"测评": {"优秀": 6, "称职": 3, "基本称职": 1, "不称职": 0}}
    # (6×100 + 3×80 + 1×60) / 10 = 900 / 10 = 90
    assert run(ruleset, votes)["测评得分"] == 90
    # 优秀分 95: (570 + 240 + 60) / 10 = 87
    assert run(ruleset.with_params(优秀分=95), votes)["测评得分"] == 87


def test_streamed_and_shipped_to_spark_with_the_county_weights(tmp_path):
    (tmp_path / "base.rules").write_text(BASE, encoding="utf-8")
    (tmp_path / "county.rules").write_text(COUNTY, encoding="utf-8")
    county = evalrules.load(tmp_path / "county.rules").with_params(
        **{"五要素.勤": "30%", "五要素.绩": "30%"})
    table = pa.table({k: [v, 60] for k, v in SCORES.items()})
    out: list = []
    county.evaluate_dataset(table, out.append)
    # back to 30/30: 90.5, and with every score 60: 60 × 100% = 60
    assert pa.Table.from_batches(out).column("综合得分").to_pylist() == ["90.5", "60"]
    # what a Spark worker compiles: the source, its base and the overrides. 德分 60 instead of
    # 90: 90.5 - 30×15% = 86
    worker = spark.compiled(spark.ship(county))
    assert worker.evaluate({**SCORES, "德分": 60})["综合得分"] == 86


def test_a_long_table_may_be_a_block(run):
    text = """ruleset 分层评价
input 群众: number in 0..100
input 领导: number in 0..100
input 实绩: number in 0..100
weights 分层:
  群众 20%    # 群众评价考核占总分的20%
  领导 20%    # 县领导和组织部评价考核占总分的20%
  实绩 60%    # 工作实绩评价考核占总分的60%
score 总分 = weighted 分层: 群众, 领导, 实绩
"""
    # 82×20% + 90×20% + 91×60% = 16.4 + 18 + 54.6 = 89
    assert run(evalrules.compile(text), {"群众": 82, "领导": 90, "实绩": 91})["总分"] == 89
    assert fmt.format_source(text) == text


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 100), min_size=1, max_size=5).filter(lambda c: sum(c) > 0),
       st.data())
def test_weighted_table_is_the_sum_of_products(cuts, data):
    # weights in percent that add up to 100: the last one takes what the others leave
    parts = [c * 100 // sum(cuts) for c in cuts[:-1]]
    percents = [*parts, 100 - sum(parts)]
    values = data.draw(st.lists(st.integers(0, 100), min_size=len(percents),
                                max_size=len(percents)))
    names = [f"项{i}" for i in range(len(percents))]
    text = "\n".join([
        "ruleset 随机权重", *(f"input {n}: number in 0..100" for n in names),
        "weights 表: " + ", ".join(f"{n} {p}%" for n, p in zip(names, percents, strict=True)),
        "score 总分 = weighted 表: " + ", ".join(names), ""])
    ruleset = evalrules.compile(text)
    expected = sum(Fraction(v * p, 100) for v, p in zip(values, percents, strict=True))
    record = dict(zip(names, values, strict=True))
    for backend in BACKENDS:
        assert Backend(backend)(ruleset, record)["总分"] == expected


# ---------------------------------------------------------------- weights diagnostics


def test_weights_that_do_not_add_up():
    assert _codes(BASE.replace("廉 15%", "廉 5%")) == ["E401"]  # 90%
    bad_county = COUNTY.replace("绩 25%", "绩 30%")  # 105% after the override
    with pytest.raises(RulesetError) as e:
        _compile(bad_county)
    (d,) = e.value.diagnostics
    assert (d.code, d.line) == ("E401", 2)
    assert "105%" in d.message


def test_weighted_table_gives_one_value_per_weight():
    assert _codes(BASE.replace("绩分, 廉分", "绩分")) == ["E420", "W601"]  # 廉分 now unused
    with pytest.raises(RulesetError) as e:
        _compile(BASE.replace("weighted 五要素:", "weighted 五要:"))
    (d,) = e.value.diagnostics
    assert d.code == "E201" and d.hint == "did you mean '五要素'?"


def test_a_table_name_is_a_value_name_and_weights_are_numbers():
    assert _codes(BASE + "let 五要素 = 1\n") == ["E202"]
    assert "E207" in _codes(BASE.replace("能 10%", "德 10%"))
    assert "E303" in _codes(BASE.replace("德 15%", "德 德分"))  # an input is not a weight


# ---------------------------------------------------------------- labels as values

LABELS = """ruleset 档次
scale 年度等次: 优秀 > 称职 > 基本称职 > 不称职
input 分: number in 0..100
input 受处分: bool
let 档 = if 分 >= 90 then 优秀 else 称职
let 处分档 = cases:
  基本称职 when 受处分
  不称职 when 分 < 60
  otherwise 称职
outcome 可评优 when 档 > 称职 and 处分档 >= 称职
outcome 降档 when 处分档 < 档
"""


@pytest.mark.parametrize(("score", "punished", "grade", "punished_grade", "outcomes"), [
    (95, False, "优秀", "称职", ("可评优", "降档")),  # 优秀 > 称职; 称职 < 优秀
    (95, True, "优秀", "基本称职", ("降档",)),         # 基本称职 is under 称职
    (70, False, "称职", "称职", ()),                   # 称职 is not > 称职, nor < itself
    (50, False, "称职", "不称职", ("降档",)),
])
def test_labels_as_values_compare_in_the_scale_order(run, score, punished, grade,
                                                     punished_grade, outcomes):
    result = run(evalrules.compile(LABELS), {"分": score, "受处分": punished})
    assert (result["档"], result["处分档"]) == (grade, punished_grade)
    assert tuple(result.outcomes) == outcomes


def test_labels_as_values_diagnostics():
    two_scales = LABELS.replace("input 分", "scale 班子: 优秀 > 称职 > 基本称职 > 不称职\ninput 分")
    assert _codes(two_scales) == ["E421", "E421"]
    # no scale has both: the author meant something else
    assert "E201" in _codes(LABELS.replace("else 称职", "else 良好"))
    # a label with a value of its scale: the value decides (as before)
    ok = LABELS + "input 上年: 年度等次\nlet 比上年 = if 受处分 then 上年 else 优秀\n"
    assert evalrules.compile(ok).evaluate({"分": 1, "受处分": True, "上年": "称职"})[
        "比上年"] == "称职"


MIXED = """ruleset 今年档次
scale 年度等次: 优秀 > 称职 > 基本称职 > 不称职
input 上年: 年度等次
input 受处分: bool
input 分: number in 0..100
let 今年 = cases:
  不称职 when 受处分
  优秀 when 分 >= 95
  otherwise 上年
outcome 进步 when 今年 > 上年
"""


@pytest.mark.parametrize(("last", "punished", "score", "now", "better"), [
    ("称职", True, 99, "不称职", False),     # the first branch that holds
    ("称职", False, 99, "优秀", True),       # 优秀 > 称职
    ("基本称职", False, 50, "基本称职", False),  # otherwise: last year's
])
def test_cases_of_labels_and_a_grade_value(run, last, punished, score, now, better):
    result = run(evalrules.compile(MIXED), {"上年": last, "受处分": punished, "分": score})
    assert result["今年"] == now
    assert tuple(result.outcomes) == (("进步",) if better else ())


def test_cases_of_labels_and_a_value_of_another_type():
    assert _codes(MIXED.replace("otherwise 上年", "otherwise 分")) == ["E201", "E201"]
    assert "E201" in _codes(MIXED.replace("不称职 when", "良好 when"))


UNRATED = """ruleset 不定等次取值
scale 年度等次: 优秀 > 称职 > 基本称职 > 不称职, unrated 不定等次
input 分: number in 0..100
input 试用期: bool
let 档 = if 试用期 then 不定等次 else if 分 >= 90 then 优秀 else 称职
outcome 称职以上 when 档 >= 称职
outcome 未定 when 档 is 不定等次
"""


@pytest.mark.parametrize(("probation", "score", "grade", "outcomes"), [
    (True, 95, "不定等次", ("未定",)),  # unrated: no order holds, `is` does
    (False, 95, "优秀", ("称职以上",)),
    (False, 60, "称职", ("称职以上",)),
])
def test_the_unrated_label_is_a_value_too(run, probation, score, grade, outcomes):
    result = run(evalrules.compile(UNRATED), {"试用期": probation, "分": score})
    assert result["档"] == grade
    assert tuple(result.outcomes) == outcomes


CONTEXT = """ruleset 正副职
scale 年度等次: 优秀 > 称职 > 基本称职 > 不称职
scale 班子等次: 优秀 > 称职 > 一般
input 上年: 年度等次
input 正职: bool
outcome 达标 when 上年 >= (if 正职 then 优秀 else 称职)
outcome 也达标 when (if 正职 then 优秀 else 称职) <= 上年
"""


@pytest.mark.parametrize(("last", "head", "met"), [
    ("称职", True, False), ("称职", False, True), ("优秀", True, True),
    ("基本称职", False, False)])
def test_labels_compared_with_a_grade_take_its_scale(run, last, head, met):
    # both scales have 优秀 and 称职; the grade they are compared with says which is meant
    result = run(evalrules.compile(CONTEXT), {"上年": last, "正职": head})
    assert tuple(result.outcomes) == (("达标", "也达标") if met else ())


# ---------------------------------------------------------------- ruleset names


def test_brackets_in_a_ruleset_name():
    assert _compile(BASE).name == "县管干部年度考核（试行）"
    for name in ("办法(2025)修订", "《考核办法》〔2025〕1号", "【试行】县区办法"):
        text = f"ruleset {name}\ninput a: number\nscore s = a\n"
        assert evalrules.compile(text).name == name
        assert fmt.format_source(text.replace(" ", "   ")) == text  # one token, kept as written
    assert fmt.format_source(BASE) == BASE
    assert parse(unparse.module(parse(BASE))) == parse(BASE)
    with pytest.raises(RulesetError):  # brackets end a word; they do not open an expression
        evalrules.compile("ruleset 办法（试行\n")


# ---------------------------------------------------------------- `in` wherever a condition goes

MEMBERSHIP = """ruleset 类别考核
scale 等次: 优秀 > 合格 > 不合格
input 单位类别: one of 乡镇, 街道, 部门, 园区
input 得分: number in 0..100
input 事故: bool
let 基准 = cases:
  90 when 单位类别 in (乡镇, 街道)
  85 when all:
    单位类别 not in (乡镇, 街道)
    单位类别 in (部门)
  otherwise 80
grade 等次:
  优秀 when all:
    得分 >= 基准
    单位类别 not in (园区)
  不合格 when 得分 < 60 and 单位类别 in (部门, 园区)
  otherwise 合格
veto 事故否决 when 事故 and 单位类别 in (乡镇, 园区):
  等次 at most 合格
outcome 基层 when 单位类别 in (乡镇, 街道)
"""


@pytest.mark.parametrize(("kind", "score", "accident", "base", "grade", "vetoes", "outcomes"), [
    ("乡镇", 92, False, 90, "优秀", (), ("基层",)),            # 92 >= 90, not 园区
    ("乡镇", 92, True, 90, "合格", ("事故否决",), ("基层",)),  # 乡镇 with an accident: at most 合格
    ("街道", 88, True, 90, "合格", (), ("基层",)),             # 88 < 90; 街道 has no veto
    ("部门", 88, False, 85, "优秀", (), ()),                    # 部门's base is 85
    ("部门", 50, False, 85, "不合格", (), ()),
    ("园区", 99, True, 80, "合格", ("事故否决",), ()),          # 园区 is never 优秀
    ("园区", 50, False, 80, "不合格", (), ()),
])
def test_in_in_every_place_a_condition_goes(run, kind, score, accident, base, grade, vetoes,
                                            outcomes):
    result = run(evalrules.compile(MEMBERSHIP), {"单位类别": kind, "得分": score, "事故": accident})
    assert (result["基准"], result["等次"]) == (base, grade)
    assert tuple(result.vetoes) == vetoes
    assert tuple(result.outcomes) == outcomes


@pytest.mark.parametrize(("kind", "fails"), [("乡镇", False), ("街道", False), ("部门", True)])
def test_in_in_a_require(run, kind, fails):
    ruleset = evalrules.compile(MEMBERSHIP + 'require 单位类别 in (乡镇, 街道, 部门, 园区) and '
                                '(单位类别 not in (部门) or 得分 >= 60) "部门须及格"\n')
    record = {"单位类别": kind, "得分": 50, "事故": False}
    if not fails:  # 乡镇/街道 with 50 points: 合格 (不合格 needs 部门 or 园区)
        assert run(ruleset, record)["等次"] == "合格"
        return
    with pytest.raises(evalrules.InputError, match="部门须及格"):
        run(ruleset, record)
