"""Language 0.2, group rules (issue 13 items 2, 3, 8): several ``group by`` blocks, composite
keys, group values (``let X = mean(...)``), ``rank … among COND``, limits over computed values,
and a record with an error still counted in its groups' size.

Expected values are worked out by hand from the cases' words (or, for the properties, by a brute
force written here from the documented semantics), never copied from the code's output. Every
case runs on every backend that grades a batch: the reference, the generated program, the
vectorized table path and the streamed dataset path.
"""

from __future__ import annotations

import itertools
import random
from decimal import Decimal
from fractions import Fraction

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import dataset
from evalrules.diagnostics import RulesetError

BACKENDS = ("reference", "generated", "vectorized", "dataset")


def _value(v):
    """A result value as the tests compare it: numbers as Fractions, None as None."""
    if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        return Fraction(v)
    if isinstance(v, str):
        try:
            return Fraction(v)
        except ValueError:
            return v
    return v


def grade(ruleset: evalrules.Ruleset, records: list[dict], backend: str, tmp_path=None,
          names: tuple[str, ...] = ()) -> list:
    """Each record's named values (a dict), or ``("error", message)``."""
    if backend in ("reference", "generated"):
        results = ruleset.reference_evaluate_many(records) if backend == "reference" \
            else list(ruleset.evaluate_many(records))
        return [("error", str(r.error)) if r.error is not None
                else {n: _value(r[n]) for n in names} for r in results]
    table = pa.Table.from_pylist(records)
    if backend == "vectorized":
        rows = ruleset.evaluate_table(table).to_pylist()
    else:
        assert tmp_path is not None
        source = tmp_path / "in.parquet"
        pq.write_table(table.append_column("行号", pa.array(range(len(records)))), source)
        out: list = []
        ruleset.evaluate_dataset(source, out.append, batch_rows=2)
        # Unclustered groups come bucket by bucket (docs/cluster.md): back in input order.
        rows = sorted(pa.Table.from_batches(out).to_pylist(), key=lambda row: row["行号"])
    return [("error", row["error"]) if row["error"] is not None
            else {n: _value(row[n]) for n in names} for row in rows]


def column(graded: list, name: str) -> list:
    return [g[name] if isinstance(g, dict) else g for g in graded]


# ---------------------------------------------------------------- several blocks, composite keys

CITY = """ruleset 横向纵向
input 市: text
input 县区: text
input 类别: one of 乡镇, 部门
input 实绩得分: number in 0..100
group by 县区:
  rank 县区名次 by 实绩得分
group by 市:
  rank 全市名次 by 实绩得分
group by 县区, 类别:
  rank 类别名次 by 实绩得分
"""

UNITS = [  # 县区 甲: A 90, B 85, C 85; 县区 乙: D 88, E 70; one city
    {"市": "某市", "县区": "甲", "类别": "乡镇", "实绩得分": 90},
    {"市": "某市", "县区": "甲", "类别": "部门", "实绩得分": 85},
    {"市": "某市", "县区": "甲", "类别": "乡镇", "实绩得分": 85},
    {"市": "某市", "县区": "乙", "类别": "乡镇", "实绩得分": 88},
    {"市": "某市", "县区": "乙", "类别": "乡镇", "实绩得分": 70},
]


@pytest.mark.parametrize("backend", BACKENDS)
def test_horizontal_by_county_and_vertical_city_wide(backend, tmp_path):
    rs = evalrules.compile(CITY)
    got = grade(rs, UNITS, backend, tmp_path, ("县区名次", "全市名次", "类别名次"))
    # 横向: 甲 90 > 85 = 85 → 1, 2, 2; 乙 88 > 70 → 1, 2.
    assert column(got, "县区名次") == [1, 2, 2, 1, 2]
    # 纵向: 90, 88, 85, 85, 70 → A 1, D 2, B and C 3, E 5.
    assert column(got, "全市名次") == [1, 3, 3, 2, 5]
    # (县区, 类别): (甲, 乡镇) A 90, C 85 → 1, 2; (甲, 部门) B alone → 1; (乙, 乡镇) 1, 2.
    assert column(got, "类别名次") == [1, 1, 2, 1, 2]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_streamed_groups_cut_on_the_keys_every_block_shares(backend, tmp_path, monkeypatch):
    """The blocks share no key (县区; 市; 县区, 类别 share nothing with 市): the whole input is
    one chunk, whatever the row order and the batch size, and every rank is the same."""
    monkeypatch.setattr(dataset, "BUCKET_ROWS", 2)
    rs = evalrules.compile(CITY)
    assert rs.checked.shared_keys == ()
    shuffled = [UNITS[i] for i in (4, 0, 3, 2, 1)]
    got = grade(rs, shuffled, backend, tmp_path, ("县区名次", "全市名次"))
    assert column(got, "全市名次") == [5, 1, 2, 3, 3]
    shared = evalrules.compile(CITY.replace("group by 市:", "group by 县区, 市:"))
    assert shared.checked.shared_keys == ("县区",)
    got = grade(shared, shuffled, backend, tmp_path, ("县区名次", "全市名次"))
    assert column(got, "县区名次") == [2, 1, 1, 2, 2]
    assert column(got, "全市名次") == [2, 1, 1, 2, 2]  # now per (县区, 市)


# ---------------------------------------------------------------- rank among, group values

ADVANCED = """ruleset 先进单位
input 机关: text
input 得分: number in 0..100
input 获奖: integer in 0..9 default 0
input 一票否决: bool default false
let 可评优秀 = not 一票否决
let 先进 = 可评优秀 and 评优名次 <= 2
let 高于均分 = 得分 > 单位均分
group by 机关:
  let 单位均分 = mean(得分)
  let 人数 = count()
  let 高分人数 = count(得分 >= 90)
  let 总分 = sum(得分)
  let 极差 = max(得分) - min(得分)
  rank 评优名次 by 得分, 获奖 desc among 可评优秀
"""


def _unit(score, prizes=0, vetoed=False, office="办公室"):
    return {"机关": office, "得分": score, "获奖": prizes, "一票否决": vetoed}


@pytest.mark.parametrize("backend", BACKENDS)
def test_top_two_among_the_units_not_vetoed(backend, tmp_path):
    rs = evalrules.compile(ADVANCED)
    records = [_unit(95, vetoed=True), _unit(90), _unit(88, 1), _unit(88, 1), _unit(88, 0),
               _unit(80)]
    got = grade(rs, records, backend, tmp_path, ("评优名次", "先进"))
    # Among the 5 not vetoed: 90 first; 88 with 1 prize twice → 2, 2; 88 with none → 4; 80 → 5.
    # The vetoed 95 has no rank (None), and 先进 is false for it without reading the rank.
    assert column(got, "评优名次") == [None, 1, 2, 2, 4, 5]
    assert column(got, "先进") == [False, True, True, True, False, False]


@pytest.mark.parametrize("backend", BACKENDS)
def test_group_values_are_exact_and_every_record_of_the_group_has_them(backend, tmp_path):
    rs = evalrules.compile(ADVANCED)
    records = [_unit(90), _unit(85), _unit(81), _unit(70, office="财政局"),
               _unit(Decimal("92.5"), office="财政局")]
    names = ("单位均分", "人数", "高分人数", "总分", "极差", "高于均分")
    got = grade(rs, records, backend, tmp_path, names)
    # 办公室: (90 + 85 + 81) / 3 = 256/3 (85.333…, not a rounded float); 财政局: (70 + 92.5) / 2.
    assert column(got, "单位均分") == [Fraction(256, 3)] * 3 + [Fraction(325, 4)] * 2
    assert column(got, "人数") == [3, 3, 3, 2, 2]
    assert column(got, "高分人数") == [1, 1, 1, 1, 1]
    assert column(got, "总分") == [256, 256, 256, Fraction(325, 2), Fraction(325, 2)]
    assert column(got, "极差") == [9, 9, 9, Fraction(45, 2), Fraction(45, 2)]
    assert column(got, "高于均分") == [True, False, False, False, True]


@pytest.mark.parametrize("backend", ("reference", "generated"))
def test_reading_a_rank_that_among_left_out_is_an_error(backend):
    rs = evalrules.compile(ADVANCED + "let 名次分 = 10 - 评优名次\n")
    got = grade(rs, [_unit(95, vetoed=True), _unit(90)], backend, names=("名次分",))
    results = list(rs.evaluate_many([_unit(95, vetoed=True), _unit(90)]))
    error = results[0].error
    assert (error.code, error.key, error.field, error.rule) == (
        "R302", "record.unranked", "评优名次", "let 名次分")
    assert "评优名次" in error.text("zh") and "没有名次" in error.text("zh")
    assert got[0] == ("error", str(error))
    assert got[1] == {"名次分": 9}


# ---------------------------------------------------------------- limits over computed values

BALLOTS = """ruleset 评分票
input 选票: text
input 评分: number in 0..100
let 得分 = 评分
group by 选票:
  limit count(评分 >= 90) <= 3 "每张选票90分以上不超过3人"
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_limit_counts_the_records_computed_values(backend, tmp_path):
    rs = evalrules.compile(BALLOTS)
    # 票一: 95, 92, 90, 89 → three at 90 or above: valid. 票二: 91, 90, 90, 99 → four: every
    # record of 票二 fails, naming the limit and its message.
    records = [{"选票": "票一", "评分": s} for s in (95, 92, 90, 89)] + \
        [{"选票": "票二", "评分": s} for s in (91, 90, 90, 99)]
    got = grade(rs, records, backend, tmp_path, ("得分",))
    assert got[:4] == [{"得分": s} for s in (95, 92, 90, 89)]
    for g in got[4:]:
        assert g[0] == "error" and "每张选票90分以上不超过3人" in g[1]
    error = list(rs.evaluate_many(records))[4].error
    assert (error.code, error.rule) == ("R301", "limit count(评分 >= 90) <= 3")


# ---------------------------------------------------------------- records with errors

QUOTA = """ruleset 名额
scale 等次: 优秀 > 称职 > 基本称职
input 机关: text
input 得分: number in 0..100
input 考勤: integer in 0..366
grade 年度等次 of 等次:
  优秀 when 得分 >= 90
  称职 when 得分 >= 60
  otherwise 基本称职
group by 机关:
  quota 年度等次: 优秀 at most 20% by 得分
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_six_people_four_errors_the_quota_base_is_still_six(backend, tmp_path):
    """The issue's case: 6 people, 4 of them with an error (no 考勤). The other 2 (95 and 92,
    both 优秀 by score) share floor(20% × 6) = 1 place, not floor(20% × 2) = 0: 95 keeps 优秀,
    92 moves down to 称职; both carry a warning naming the 4 missing records."""
    rs = evalrules.compile(QUOTA)
    records = [{"机关": "局", "得分": 95, "考勤": 250}, {"机关": "局", "得分": 92, "考勤": 250}]
    records += [{"机关": "局", "得分": 99} for _ in range(4)]
    got = grade(rs, records, backend, tmp_path, ("年度等次",))
    assert column(got, "年度等次")[:2] == ["优秀", "称职"]
    assert all(g[0] == "error" and "考勤" in g[1] for g in got[2:])
    if backend in ("reference", "generated"):
        results = rs.reference_evaluate_many(records) if backend == "reference" \
            else list(rs.evaluate_many(records))
        for r in results[:2]:
            (warning,) = r.warnings
            assert str(warning) == ("group 机关=局: 4 of its 6 records have errors; its quotas "
                                    "(those without among) still count all 6, and its ranks "
                                    "and group values were decided without those records")
            assert "6 条记录中有 4 条出错" in warning.text("zh")
            assert r.trace()["warnings"] == [{"message": "record.group_missing",
                                              "group": "机关=局", "missing": 4, "size": 6}]
            assert r.explain("zh").endswith("注意：" + warning.text("zh"))
            assert r.explain("en").endswith("note: " + str(warning))


def test_a_group_without_errors_has_no_warning():
    rs = evalrules.compile(QUOTA)
    results = list(rs.evaluate_many([{"机关": "局", "得分": 95, "考勤": 1}] * 5))
    # Five tied at 95 share floor(20% × 5) = 1 place: the tie crosses the boundary, so all move.
    assert [r["年度等次"] for r in results] == ["称职"] * 5
    assert all(r.warnings == () for r in results)


def test_ties_across_the_boundary_all_move_with_the_full_base():
    rs = evalrules.compile(QUOTA)
    records = [{"机关": "局", "得分": s, "考勤": 1} for s in (95, 93, 93, 50, 50, 50, 50, 50,
                                                            50, 50)]
    got = [r["年度等次"] for r in rs.evaluate_many(records)]
    # floor(20% × 10) = 2 places for three 优秀: 95 keeps, the two 93s tie across → both move.
    assert got[:3] == ["优秀", "称职", "称职"]


# ---------------------------------------------------------------- diagnostics


def _diagnostic(source: str, code: str):
    with pytest.raises(RulesetError) as info:
        evalrules.compile(source)
    found = [d for d in info.value.diagnostics if d.code == code]
    assert found, str(info.value)
    return found[0]


def test_an_unknown_key_is_named_with_a_suggestion():
    d = _diagnostic(CITY.replace("group by 县区, 类别:", "group by 县区, 类型:"), "E201")
    assert "'类型'" in d.message and "类别" in (d.hint or "")


def test_a_group_value_aggregates_numbers_and_count_counts_conditions():
    d = _diagnostic(ADVANCED.replace("mean(得分)", "mean(一票否决)"), "E301")
    assert "mean" in d.message and "a number" in d.message
    d = _diagnostic(ADVANCED.replace("count(得分 >= 90)", "count(得分)"), "E301")
    assert "count" in d.message


def test_among_must_be_a_condition():
    d = _diagnostic(ADVANCED.replace("among 可评优秀", "among 得分"), "E301")
    assert "among" in d.message


def test_a_group_value_reads_records_only_inside_its_aggregates():
    d = _diagnostic(ADVANCED.replace("let 总分 = sum(得分)", "let 总分 = 得分 + 1"), "E303")
    assert "'得分'" in d.message and "sum(得分)" in (d.hint or "")


def test_an_aggregate_takes_one_argument():
    d = _diagnostic(ADVANCED.replace("mean(得分)", "mean(得分, 获奖)"), "E302")
    assert "mean()" in d.message


def test_a_require_cannot_read_a_group_value():
    d = _diagnostic(ADVANCED + "require 单位均分 > 0\n", "E414")
    assert "group value" in d.message


def test_the_syntax_round_trips_through_fmt():
    from evalrules.parse import parse
    from evalrules.unparse import module

    source = ADVANCED + "group by 机关, 一票否决:\n  rank 次 by 得分 asc among 得分 > 60\n"
    with pytest.raises(RulesetError):  # a bool is not a key
        evalrules.compile(source)
    tree = parse(CITY + "  let 均分 = mean(实绩得分)\n")
    assert parse(module(tree)) == tree
    assert "group by 县区, 类别:\n  rank 类别名次 by 实绩得分 desc\n  let 均分 = mean(实绩得分)" \
        in module(tree)


# ---------------------------------------------------------------- properties vs a brute force

GENERATED = """ruleset 生成
scale 等次: 优秀 > 称职 > 基本称职
input 甲: one of 一, 二
input 乙: one of 一, 二
input 分: integer in 0..9
input 奖: integer in 0..2
input 缺: integer in 0..1
let 合格 = 分 >= 3
grade 等级 of 等次:
  优秀 when 分 >= 7
  称职 when 分 >= 3
  otherwise 基本称职
group by 甲:
  let 均分 = mean(分)
  let 合格数 = count(合格)
  rank 名次 by 分, 奖 desc among 合格
  quota 等级: 优秀 at most 34% by 分
group by 甲, 乙:
  rank 小组名次 by 分 asc
"""


def _brute(records: list[dict]) -> list:
    """The documented semantics written out plainly: a record without 缺 has an error; it
    counts in its groups' size but in nothing else."""
    ok = [r.get("缺") is not None for r in records]
    out: list = []
    for i, r in enumerate(records):
        if not ok[i]:
            out.append(None)
            continue
        same = [j for j, s in enumerate(records) if s["甲"] == r["甲"]]
        live = [j for j in same if ok[j]]
        mean = Fraction(sum(records[j]["分"] for j in live), len(live))
        passed = sum(1 for j in live if records[j]["分"] >= 3)
        key = (r["分"], r["奖"])
        rank = 1 + sum(1 for j in live if records[j]["分"] >= 3
                       and (records[j]["分"], records[j]["奖"]) > key) if r["分"] >= 3 else None
        grade_ = "优秀" if r["分"] >= 7 else "称职" if r["分"] >= 3 else "基本称职"
        if grade_ == "优秀":
            places = len(same) * 34 // 100  # of every record of the group, errors included
            holders = sorted((records[j]["分"] for j in live if records[j]["分"] >= 7),
                             reverse=True)
            if len(holders) > places and r["分"] <= holders[places]:
                grade_ = "称职"
        pair = [j for j in live if records[j]["乙"] == r["乙"] and records[j]["甲"] == r["甲"]]
        small = 1 + sum(1 for j in pair if records[j]["分"] < r["分"])
        out.append({"均分": mean, "合格数": passed, "名次": rank, "等级": grade_,
                    "小组名次": small})
    return out


@st.composite
def _records(draw) -> list[dict]:
    n = draw(st.integers(1, 9))
    out = []
    for _ in range(n):
        r = {"甲": draw(st.sampled_from(["一", "二"])), "乙": draw(st.sampled_from(["一", "二"])),
             "分": draw(st.integers(0, 9)), "奖": draw(st.integers(0, 2))}
        if draw(st.integers(0, 4)):  # about one record in five has an error
            r["缺"] = 0
        out.append(r)
    return out


_GENERATED = evalrules.compile(GENERATED)
_NAMES = ("均分", "合格数", "名次", "等级", "小组名次")


@pytest.mark.parametrize("backend", ("reference", "generated"))
@settings(max_examples=60, deadline=None, derandomize=True)
@given(records=_records())
def test_generated_groups_agree_with_a_brute_force(backend, records):
    got = grade(_GENERATED, records, backend, names=_NAMES)
    for g, want in zip(got, _brute(records), strict=True):
        if want is None:
            assert g[0] == "error" and "缺" in g[1]
        else:
            assert g == want


def test_the_quota_is_never_exceeded_and_row_order_never_matters():
    rng = random.Random(13)
    for _ in range(30):
        records = [{"甲": "一", "乙": rng.choice("一二"), "分": rng.randint(5, 9),
                    "奖": rng.randint(0, 2), "缺": 0} for _ in range(rng.randint(1, 8))]
        graded = [r["等级"] for r in _GENERATED.evaluate_many(records)]
        assert graded.count("优秀") <= len(records) * 34 // 100
        order = list(range(len(records)))
        rng.shuffle(order)
        again = [r["等级"] for r in _GENERATED.evaluate_many([records[i] for i in order])]
        assert again == [graded[i] for i in order]


def test_table_backends_agree_on_a_few_generated_batches(tmp_path):
    rng = random.Random(7)
    for k in range(3):
        records = [{"甲": rng.choice("一二"), "乙": rng.choice("一二"), "分": rng.randint(0, 9),
                    "奖": rng.randint(0, 2), "缺": 0} for _ in range(7)]
        want = grade(_GENERATED, records, "reference", names=_NAMES)
        for backend in ("vectorized", "dataset"):
            path = tmp_path / f"{k}{backend}"
            path.mkdir()
            assert grade(_GENERATED, records, backend, path, _NAMES) == want


def test_each_record_s_group_is_the_tuple_of_its_keys():
    rs = evalrules.compile(GENERATED)
    records = [{"甲": a, "乙": b, "分": 5, "奖": 0, "缺": 0}
               for a, b in itertools.product("一二", "一二")]
    # Every (甲, 乙) pair alone: each 小组名次 is 1; 甲 groups of two tie at 分 5 → 名次 1, 1.
    assert [(r["小组名次"], r["名次"]) for r in rs.evaluate_many(records)] == [(1, 1)] * 4


def test_the_run_summary_names_a_group_decided_with_records_missing(tmp_path, capsys):
    from evalrules.cli import main

    rules, data = tmp_path / "q.rules", tmp_path / "six.csv"
    rules.write_text(QUOTA, encoding="utf-8")
    data.write_text("机关,得分,考勤\n局,95,250\n局,92,250\n" + "局,99,\n" * 4 + "处,80,1\n",
                    encoding="utf-8")
    assert main(["eval", str(rules), str(data), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "groups with records in error (1; those records still count in their group's " \
        "size):\n  group 机关=局: 4 of its 6 records have errors" in out
    assert "机关=处" not in out


def test_the_documented_example_gives_the_documented_values():
    from conftest import ROOT

    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    source = text[text.index("ruleset 横向纵向"):]
    rs = evalrules.compile(source[:source.index("```")])
    got = list(rs.evaluate_many(UNITS))  # all 乡镇 but B; none vetoed
    assert [r["县区名次"] for r in got] == [1, 2, 2, 1, 2]
    assert [r["评优名次"] for r in got] == [1, 3, 3, 2, 5]
    assert [r["先进"] for r in got] == [True, False, False, True, False]
    assert {r["全市均分"] for r in got} == {Fraction(418, 5)}
    assert [r["类别名次"] for r in got] == [1, 1, 2, 1, 2]


def test_a_streamed_run_names_a_group_decided_with_records_missing(tmp_path, capsys):
    from evalrules.cli import main

    rules, data = tmp_path / "q.rules", tmp_path / "six.parquet"
    rules.write_text(QUOTA, encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(
        [{"机关": "局", "得分": 95, "考勤": 250}, {"机关": "局", "得分": 92, "考勤": 250}]
        + [{"机关": "局", "得分": 99, "考勤": None}] * 4), data)
    rs = evalrules.compile(QUOTA)
    summary = rs.evaluate_dataset(data)
    (warning,) = summary.group_warnings
    assert str(warning).startswith("group 机关=局: 4 of its 6 records have errors")
    assert main(["eval", str(rules), str(data), "--stream", "--no-progress", "--lang", "zh"]) == 1
    assert ("有记录出错的组（1 个；出错的记录仍计入组的人数）：\n"
            "  组「机关=局」的 6 条记录中有 4 条出错") in capsys.readouterr().out



def test_the_report_names_a_group_decided_with_records_missing(tmp_path):
    from evalrules.cli import main

    rules, data, page = tmp_path / "q.rules", tmp_path / "six.csv", tmp_path / "six.html"
    rules.write_text(QUOTA, encoding="utf-8")
    data.write_text("机关,得分,考勤\n局,95,250\n局,92,250\n" + "局,99,\n" * 4, encoding="utf-8")
    main(["report", str(rules), str(data), "-o", str(page), "--lang", "en"])
    assert ("groups with records in error (1; those records still count in their group&#x27;s "
            "size):</p><ul><li>group 机关=局: 4 of its 6 records have errors") \
        in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("backend", ("reference", "generated"))
def test_a_record_failing_inside_an_aggregate_keeps_its_error_and_still_counts(backend):
    rs = evalrules.compile("""ruleset 倒数
input 组: text
input 分: number
group by 组:
  let 均 = mean(12 / 分)
  let 人数 = count()
""")
    records = [{"组": "甲", "分": s} for s in (3, 4, 0)] + [{"组": "乙", "分": 0}]
    results = rs.reference_evaluate_many(records) if backend == "reference" \
        else list(rs.evaluate_many(records))
    # 甲: 12/3 = 4 and 12/4 = 3 → mean 7/2; the third divides by zero (R201, its own error) but
    # is one of the 3 people; 乙's only record fails: its value is nobody's, never 0/0.
    assert [(r["均"], r["人数"]) for r in results[:2]] == [(Fraction(7, 2), 3)] * 2
    assert [r.error.code for r in results[2:]] == ["R201", "R201"]
    assert results[2].error.rule == "let 均"
    # The block has no quota, so the warning says nothing of quotas.
    assert [str(w) for w in results[0].warnings] == [
        "group 组=甲: 1 of its 3 records have errors; its ranks and group values were decided "
        "without those records"]


def test_rules_of_different_blocks_depend_on_each_other():
    rs = evalrules.compile("""ruleset 跨块
input 市: text
input 县区: text
input 分: number in 0..100
let 离均差 = 分 - 全市均分
group by 县区:
  rank 县区离均名次 by 离均差
  let 县区最大离均差 = max(离均差)
group by 市:
  let 全市均分 = mean(分)
""")
    records = [{"市": "市", "县区": k, "分": s} for k, s in (("甲", 80), ("甲", 60), ("乙", 70))]
    got = list(rs.evaluate_many(records))
    # 全市均分 70 (a block written later, decided first): 离均差 10, -10, 0.
    assert [r["离均差"] for r in got] == [10, -10, 0]
    assert [r["县区离均名次"] for r in got] == [1, 2, 1]
    assert [r["县区最大离均差"] for r in got] == [10, 10, 0]
