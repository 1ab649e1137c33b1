"""Fuller quotas (issue 13, item 1): rounding, head counts (控制数), ``among``, two rates, 末位.

Expected values are worked out by hand from the regulations' words; the properties check the
quota against a brute-force reading of its definition (docs/language.md, evalrules.quotas) on
every evaluator: generated, reference, vectorized (evaluate_table) and streaming."""

from __future__ import annotations

import random
from fractions import Fraction

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import quotas
from evalrules.diagnostics import RuntimeCode
from evalrules.parse import parse
from evalrules.unparse import module as unparse

HEAD = """\
ruleset 名额
scale 等次: 优秀 > 称职 > 基本称职 > 不称职
input 机关: text
input 分: number in 0..100
input 在编: bool default true
input 经审核同意: bool default false
input 优秀控制数: number default 0
param 末位比例 = 10%
grade 年度等次 of 等次:
  优秀 when 分 >= 90
  称职 when 分 >= 60
  基本称职 when 分 >= 40
  otherwise 不称职
let 可评优 = 在编 and 年度等次 is not 不称职
group by 机关:
"""


def rules(*quota_lines: str) -> evalrules.Ruleset:
    return evalrules.compile(HEAD + "".join(f"  {q}\n" for q in quota_lines))


def grades_by(backend: str, ruleset, records) -> list:
    """Each record's 年度等次 (or its error's code) on one evaluator."""
    if backend == "reference":
        results = ruleset.reference_evaluate_many(records)
    elif backend == "table":
        names = list(dict.fromkeys(k for r in records for k in r))  # a column per field
        table = ruleset.evaluate_table(pa.Table.from_pylist(
            [{k: r.get(k) for k in names} for r in records]))
        return [g if g is not None else "error" for g in table.column("年度等次").to_pylist()]
    else:
        results = list(ruleset.evaluate_many(records))
    return [r["年度等次"] if r.error is None else r.error.code for r in results]


BACKENDS = pytest.mark.parametrize("backend", ["generated", "reference", "table"])


def unit(*scores, **fields):
    return [{"机关": "甲", "分": s, **fields} for s in scores]


# ---------------------------------------------------------------- the arithmetic, by hand

@pytest.mark.parametrize(("rate", "base", "rounding", "expected"), [
    (Fraction(1, 5), 4, "down", 0), (Fraction(1, 5), 4, "nearest", 1),
    (Fraction(1, 5), 4, "up", 1),                       # 0.8
    (Fraction(1, 4), 10, "down", 2), (Fraction(1, 4), 10, "nearest", 3),   # 2.5: half up
    (Fraction(22, 100), 10, "nearest", 2), (Fraction(22, 100), 10, "up", 3),  # 2.2
    (Fraction(1, 5), 10, "up", 2),                      # exactly 2: no rounding up past it
    (Fraction(1, 10), 12, "up", 2),                     # 末位 10% of 12: 1.2 → 2
    (Fraction(0), 7, "up", 0), (Fraction(1), 3, "down", 3),
])
def test_places(rate, base, rounding, expected):
    assert quotas.places(rate, base, rounding) == expected


# ---------------------------------------------------------------- rounding

@BACKENDS
@pytest.mark.parametrize(("rounding", "kept"), [("", 0), (" rounded", 1), (" rounded up", 1),
                                                (" rounded down", 0)])
def test_a_unit_of_four_at_20_percent(backend, rounding, kept):
    # 20% × 4 = 0.8: 去尾 0 places, 四舍五入 1, 进一 1; the best keeps 优秀.
    ruleset = rules(f"quota 年度等次: 优秀 at most 20%{rounding} by 分")
    got = grades_by(backend, ruleset, unit(95, 94, 93, 50))
    assert got == ["优秀"] * kept + ["称职"] * (3 - kept) + ["基本称职"]


@BACKENDS
def test_half_rounds_up_and_up_rounds_any_fraction(backend):
    ten = unit(99, 98, 97, 96, 95, 94, 93, 92, 91, 90)
    nearest = grades_by(backend, rules("quota 年度等次: 优秀 at most 25% rounded by 分"), ten)
    assert nearest.count("优秀") == 3 and nearest[:3] == ["优秀"] * 3  # 2.5 → 3
    up = grades_by(backend, rules("quota 年度等次: 优秀 at most 22% rounded up by 分"), ten)
    assert up.count("优秀") == 3                                        # 2.2 → 3
    half = grades_by(backend, rules("quota 年度等次: 优秀 at most 22% rounded by 分"), ten)
    assert half.count("优秀") == 2                                      # 2.2 → 2


def test_the_explanation_states_the_places():
    ruleset = rules("quota 年度等次: 优秀 at most 20% rounded up by 分")
    moved = list(ruleset.evaluate_many(unit(95, 94, 93, 50)))[1]
    assert "20% × 4 人 = 0.8，进一法取 1 名" in moved.explain()
    assert "20% × 4 = 0.8, rounded up: 1" in moved.explain("en")
    counted = rules("quota 年度等次: 优秀 at most 优秀控制数 places by 分")
    moved = list(counted.evaluate_many(unit(95, 94, 93, 优秀控制数=1)))[2]
    assert "名额：1 名" in moved.explain() and "(优秀 → 称职)" in moved.explain("en")
    assert "至多 优秀控制数 = 1 名" in moved.explain()
    assert "at most 优秀控制数 = 1 places of each 机关" in moved.explain("en")


# ---------------------------------------------------------------- head counts (控制数)

@BACKENDS
def test_a_head_count_of_2_in_a_unit_of_7(backend):
    ruleset = rules("quota 年度等次: 优秀 at most 优秀控制数 places by 分")
    seven = unit(91, 99, 93, 97, 95, 92, 60, 优秀控制数=2)
    assert grades_by(backend, ruleset, seven) == \
        ["称职", "优秀", "称职", "优秀", "称职", "称职", "称职"]


@BACKENDS
def test_a_head_count_param_and_a_literal(backend):
    for size in ("2 places", "两名 places"):
        head = HEAD.replace("param 末位比例", "param 两名 = 2\nparam 末位比例")
        ruleset = evalrules.compile(head + f"  quota 年度等次: 优秀 at most {size} by 分\n")
        assert grades_by(backend, ruleset, unit(95, 94, 93)) == ["优秀", "优秀", "称职"]


@pytest.mark.parametrize("backend", ["generated", "reference"])
def test_a_head_count_that_differs_within_a_group_fails_the_whole_group(backend):
    ruleset = rules("quota 年度等次: 优秀 at most 优秀控制数 places by 分")
    records = [*unit(95, 94, 优秀控制数=1), {"机关": "甲", "分": 93, "优秀控制数": 2},
               {"机关": "乙", "分": 99, "优秀控制数": 0}]
    results = (ruleset.reference_evaluate_many(records) if backend == "reference"
               else list(ruleset.evaluate_many(records)))
    for r in results[:3]:
        assert r.error is not None and r.error.code == RuntimeCode.GROUP_INPUT
        assert r.error.field == "优秀控制数" and "甲" in str(r.error)
        assert "优秀控制数" in r.error.text("zh") and "全组相同" in r.error.text("zh")
    assert results[3]["年度等次"] == "称职"  # another group is untouched


@pytest.mark.parametrize("count", [Fraction(3, 2), -1])
def test_a_head_count_must_be_whole_and_not_negative(count):
    ruleset = rules("quota 年度等次: 优秀 at most 优秀控制数 places by 分")
    for r in ruleset.evaluate_many(unit(95, 94, 优秀控制数=count)):
        assert r.error is not None and r.error.code == RuntimeCode.GROUP_INPUT
        assert r.error.field == "优秀控制数"


# ---------------------------------------------------------------- two rates

@BACKENDS
@pytest.mark.parametrize(("approved", "kept"), [(False, 1), (True, 2)])
def test_25_percent_with_approval(backend, approved, kept):
    # 8 people: 20% is 1.6 → 1 place; with approval 25% is 2 places.
    ruleset = rules("quota 年度等次: 优秀 at most 20%, at most 25% when 经审核同意 by 分")
    got = grades_by(backend, ruleset, unit(99, 98, 97, 96, 95, 94, 93, 92,
                                           经审核同意=approved))
    assert got == ["优秀"] * kept + ["称职"] * (8 - kept)


def test_the_higher_rate_is_rounded_as_the_first_unless_it_says():
    q = parse(HEAD + "  quota 年度等次: 优秀 at most 20% rounded up, at most 25% when 经审核同意"
              " by 分\n").statements[-1].rules[0]
    assert q.rounding == "up" and q.more[1] == "up"
    ruleset = rules("quota 年度等次: 优秀 at most 20% rounded up, at most 25% when 经审核同意"
                    " by 分")
    # 6 people, approved: 25% × 6 = 1.5, rounded up: 2.
    assert grades_by("generated", ruleset, unit(99, 98, 97, 96, 95, 94, 经审核同意=True)) \
        .count("优秀") == 2


def test_approval_that_differs_within_a_group_fails_it():
    ruleset = rules("quota 年度等次: 优秀 at most 20%, at most 25% when 经审核同意 by 分")
    records = [*unit(99, 98, 经审核同意=True), *unit(97, 经审核同意=False)]
    for r in ruleset.evaluate_many(records):
        assert r.error is not None and r.error.field == "经审核同意"


# ---------------------------------------------------------------- among

@BACKENDS
def test_among_counts_and_moves_only_the_base(backend):
    # Base: the four 在编 people → 50% × 4 = 2 places; of their three 优秀 the lowest moves.
    # The two not 在编 are outside the base: not counted, not moved (they keep 优秀).
    ruleset = rules("quota 年度等次: 优秀 at most 50% among 在编 by 分")
    records = [*unit(95, 94, 93, 50), *unit(99, 98, 在编=False)]
    assert grades_by(backend, ruleset, records) == \
        ["优秀", "优秀", "称职", "基本称职", "优秀", "优秀"]


@BACKENDS
def test_records_with_errors_count_in_the_base_unless_among(backend):
    # 95 and 94 are 优秀; two more people have a score out of 0..100 (an error, R105). Without
    # among the base is all 4 people → 50% × 4 = 2 places: both keep 优秀. With among 在编 an
    # errored record cannot be judged, so the base is 2 → 1 place: 94 moves.
    records = [*unit(95, 94), *unit(200, 300)]
    plain = grades_by(backend, rules("quota 年度等次: 优秀 at most 50% by 分"), records)
    among = grades_by(backend, rules("quota 年度等次: 优秀 at most 50% among 在编 by 分"),
                      records)
    error = "error" if backend == "table" else "R105"
    assert plain == ["优秀", "优秀", error, error]
    assert among == ["优秀", "称职", error, error]


@BACKENDS
def test_among_reads_the_grade_so_far(backend):
    # 优秀 at most 50% among those not 不称职: 3 of 4 → 1.5 → 1 place.
    ruleset = rules("quota 年度等次: 优秀 at most 50% among 年度等次 is not 不称职 by 分")
    assert grades_by(backend, ruleset, unit(99, 98, 97, 10)) == ["优秀", "称职", "称职", "不称职"]


@BACKENDS
def test_among_a_let_that_reads_the_grade(backend):
    # 可评: 在编, 60 or more and not 不称职 → 95, 94, 93; 50% × 3 = 1.5 → 1 place.
    head = HEAD.replace("grade 年度等次",
                        "let 可评 = 在编 and 分 >= 60 and 年度等次 is not 不称职\n"
                        "let 折算 = 分 / 2\ngrade 年度等次")
    ruleset = evalrules.compile(head + "  quota 年度等次: 优秀 at most 50% among 可评 and 折算 > 10"
                                " by 分\n")
    records = [*unit(95, 94, 93, 50), *unit(99, 98, 在编=False)]
    assert grades_by(backend, ruleset, records) == \
        ["优秀", "称职", "称职", "基本称职", "优秀", "优秀"]


@BACKENDS
def test_quotas_of_one_grade_apply_in_written_order(backend):
    # 末位 25% of 4 = 1: 96 is capped at 不称职. Then the base of the 优秀 quota is the three
    # others: 50% × 3 = 1.5 → 1 place (2 places had the 末位 line come second).
    first = rules("quota 年度等次: lowest 25% at most 不称职 by 分",
                  "quota 年度等次: 优秀 at most 50% among 年度等次 is not 不称职 by 分")
    assert grades_by(backend, first, unit(99, 98, 97, 96)) == ["优秀", "称职", "称职", "不称职"]
    second = rules("quota 年度等次: 优秀 at most 50% among 年度等次 is not 不称职 by 分",
                   "quota 年度等次: lowest 25% at most 不称职 by 分")
    assert grades_by(backend, second, unit(99, 98, 97, 96)) == ["优秀", "优秀", "称职", "不称职"]


@pytest.mark.parametrize("backend", ["generated", "reference"])
def test_among_reads_ballots_and_histories(backend):
    # Base: 好评 at least half and never 优秀 before → 95, 94, 93; 50% × 3 = 1.5 → 1 place.
    # 92 (no 好) and 91 (优秀 before) are outside the base and keep 优秀.
    ruleset = evalrules.compile(
        HEAD.replace("input 机关: text", "ballot 测评: 好, 一般\ninput 机关: text\n"
                     "input 往年: history of 等次")
        + "  quota 年度等次: 优秀 at most 50% among share(测评: 好) >= 50% and "
          "往年.count(优秀) == 0 by 分\n")
    records = [{"机关": "甲", "分": s, "测评": {"好": g, "一般": 1}, "往年": h}
               for s, g, h in [(95, 3, []), (94, 3, []), (93, 3, []), (92, 0, []),
                               (91, 3, ["优秀"])]]
    assert grades_by(backend, ruleset, records) == ["优秀", "称职", "称职", "优秀", "优秀"]


# ---------------------------------------------------------------- 末位

@BACKENDS
def test_lowest_10_percent_of_12_rounded_up_is_2(backend):
    ruleset = rules("quota 年度等次: lowest 末位比例 rounded up at most 基本称职 by 分")
    scores = [95, 92, 88, 85, 80, 78, 75, 72, 70, 65, 62, 30]
    got = grades_by(backend, ruleset, unit(*scores))
    # the two lowest: 62 (称职 → 基本称职) and 30 (不称职 stays, already below the cap)
    assert got == ["优秀", "优秀", *["称职"] * 8, "基本称职", "不称职"]


@BACKENDS
def test_lowest_caps_every_record_tied_at_the_boundary(backend):
    ruleset = rules("quota 年度等次: lowest 末位比例 rounded up at most 基本称职 by 分")
    scores = [95, 92, 88, 85, 80, 78, 75, 72, 70, 62, 62, 30]
    got = grades_by(backend, ruleset, unit(*scores))
    assert got[-3:] == ["基本称职", "基本称职", "不称职"] and got.count("基本称职") == 2
    assert got[:9] == ["优秀", "优秀", *["称职"] * 7]


def test_the_explanation_of_a_lowest_cap():
    ruleset = rules("quota 年度等次: lowest 10% rounded up at most 基本称职 by 分")
    capped = list(ruleset.evaluate_many(unit(95, 92, 88, 62)))[3]
    assert capped["年度等次"] == "基本称职"
    text = capped.explain()
    assert "末位" in text and "称职 → 基本称职" in text
    assert "10% × 4 人 = 0.4，进一法取 1 名" in text


# ---------------------------------------------------------------- diagnostics

def _diagnostics(line: str, head: str = HEAD) -> list:
    with pytest.raises(evalrules.RulesetError) as info:
        evalrules.compile(head + f"  {line}\n", path="t.rules")
    return [(d.code, d.message, d.hint) for d in info.value.diagnostics]


@pytest.mark.parametrize(("line", "code", "words"), [
    ("quota 年度等次: 优秀 at most 120% by 分", "E411", "between 0% and 100%"),
    ("quota 年度等次: 优秀 at most 20%, at most 120% when 经审核同意 by 分", "E411", "100%"),
    ("quota 年度等次: 优秀 at most 机关 places by 分", "E301", "head count"),
    ("quota 年度等次: lowest 10% at most 基本称值 by 分", "E405", "基本称值"),
    ("quota 年度等次: 优秀 at most 20% among 分 by 分", "E301", "among"),
    ("quota 年度等次: 优秀 at most 20%, at most 25% when 年度等次 is 优秀 by 分", "E303",
     "equal across the group"),
    ("quota 年度等次: 优秀 at most 分 places by 分", "E430", None),
    ("quota 年度等次: 优秀 at most 20%, at most 25% when share(测评: 好) > 50% by 分", "E303",
     "not a ballot or a history"),
])
def test_a_bad_quota_is_a_diagnostic(line, code, words):
    head = HEAD.replace("input 机关: text", "ballot 测评: 好, 一般\ninput 机关: text")
    found = _diagnostics(line.replace("分 places", "-1 places"), head)
    assert code in [c for c, _, _ in found], found
    if words is not None:
        assert any(words in m for c, m, _ in found if c == code), found


def test_a_lowest_label_off_the_scale_gets_a_did_you_mean():
    found = _diagnostics("quota 年度等次: lowest 10% at most 基本称值 by 分")
    assert any(c == "E405" and hint and "基本称职" in hint for c, _, hint in found), found


def test_a_rounded_head_count_is_a_syntax_error():
    found = _diagnostics("quota 年度等次: 优秀 at most 2 places rounded up by 分")
    assert found and found[0][0].startswith("E1"), found


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_a_quota_with_an_order_says_why_not(order):
    found = _diagnostics(f"quota 年度等次: 优秀 at most 20% by 分 {order}")
    assert found[0][0] == "E102" and f"a quota has no '{order}'" in found[0][1], found
    assert "let 负分 = -分" in found[0][2], found  # parse_misled: order by the negation


@pytest.mark.parametrize("word", ["lowest", "places", "rounded", "among"])
def test_the_new_words_are_reserved(word):
    found = _diagnostics("", head=HEAD.replace("input 在编", f"input {word}: bool\ninput 在编")
                         + "  quota 年度等次: 优秀 at most 20% by 分")
    assert found, found


# ---------------------------------------------------------------- text and streaming

@pytest.mark.parametrize("line", [
    "quota 年度等次: 优秀 at most 20% rounded up among 年度等次 is not 不称职 by 分",
    "quota 年度等次: 优秀 at most 20%, at most 25% when 经审核同意 by 分",
    "quota 年度等次: 优秀 at most 优秀控制数 places by 分",
    "quota 年度等次: lowest 10% rounded up at most 基本称职 by 分",
    "quota 年度等次: 优秀 at most 20% rounded, at most 3 places when 经审核同意 among 在编 by 分",
    "quota 年度等次: 优秀 at most 2 places, at most 20% when 经审核同意 by 分",
    "quota 年度等次: 优秀 at most 20% rounded up, at most 25% rounded down when 经审核同意 by 分",
])
def test_each_form_round_trips_and_formats_as_written(line):
    module = parse(HEAD + f"  {line}\n")
    assert parse(unparse(module)) == module
    assert f"  {line}\n" in unparse(module)


def test_the_streaming_evaluator_runs_the_new_forms(tmp_path):
    ruleset = rules("quota 年度等次: 优秀 at most 20% rounded up among 在编 by 分",
                    "quota 年度等次: lowest 10% rounded up at most 基本称职 by 分")
    records = [*unit(95, 94, 93, 62), *[{"机关": "乙", "分": s} for s in (99, 61)]]
    source = tmp_path / "in.parquet"
    import pyarrow.parquet as pq
    pq.write_table(pa.Table.from_pylist(records), source)
    ruleset.evaluate_dataset(source, tmp_path / "out.parquet")
    got = pq.read_table(tmp_path / "out.parquet").column("年度等次").to_pylist()
    assert got == grades_by("reference", ruleset, records) == \
        ["优秀", "称职", "称职", "基本称职", "优秀", "基本称职"]


# ---------------------------------------------------------------- properties

PROPERTY = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
ROUNDINGS = {"down": "", "nearest": " rounded", "up": " rounded up"}
people = st.lists(st.tuples(st.sampled_from(["甲", "乙"]), st.sampled_from([30, 62, 88, 91, 95]),
                            st.booleans()), max_size=14)


def _records(drawn):
    return [{"机关": k, "分": s, "在编": b} for k, s, b in drawn]


def _table_grade(score):
    return "优秀" if score >= 90 else "称职" if score >= 60 else "基本称职" if score >= 40 \
        else "不称职"


@PROPERTY
@given(people, st.sampled_from(sorted(ROUNDINGS)), st.sampled_from(["15%", "20%", "50%"]),
       st.booleans(), st.randoms(use_true_random=False))
@example([("甲", 95, True)] * 4, "up", "20%", False, random.Random(0))
def test_at_most_matches_brute_force_on_every_evaluator(drawn, rounding, rate, among, rnd):
    ruleset = rules(f"quota 年度等次: 优秀 at most {rate}{ROUNDINGS[rounding]}"
                    + (" among 在编" if among else "") + " by 分")
    records = _records(drawn)
    got = grades_by("generated", ruleset, records)
    assert grades_by("reference", ruleset, records) == got
    share = Fraction(rate.rstrip("%")) / 100
    for key in ("甲", "乙"):
        mine = [i for i, r in enumerate(records) if r["机关"] == key]
        base = [i for i in mine if records[i]["在编"] or not among]
        cap = quotas.places(share, len(base), rounding)
        holders = [i for i in base if _table_grade(records[i]["分"]) == "优秀"]
        for i in mine:
            table = _table_grade(records[i]["分"])
            if i not in holders:  # outside the base, or not a holder: never moved
                assert got[i] == table
                continue
            # a holder keeps 优秀 iff the holders at least as good fit in the places
            keeps = sum(records[j]["分"] >= records[i]["分"] for j in holders) <= cap
            assert got[i] == ("优秀" if keeps else "称职")
        assert sum(got[i] == "优秀" for i in base) <= cap  # never exceeded
    order = list(range(len(records)))
    rnd.shuffle(order)  # row order never matters
    shuffled = grades_by("generated", ruleset, [records[i] for i in order])
    assert [shuffled[order.index(i)] for i in range(len(records))] == got


@PROPERTY
@given(people, st.sampled_from(sorted(ROUNDINGS)), st.sampled_from(["10%", "25%"]))
def test_lowest_matches_brute_force(drawn, rounding, rate):
    ruleset = rules(f"quota 年度等次: lowest {rate}{ROUNDINGS[rounding]} at most 基本称职 by 分")
    records = _records(drawn)
    got = grades_by("generated", ruleset, records)
    assert grades_by("reference", ruleset, records) == got
    share = Fraction(rate.rstrip("%")) / 100
    for key in ("甲", "乙"):
        mine = [i for i, r in enumerate(records) if r["机关"] == key]
        count = quotas.places(share, len(mine), rounding)
        for i in mine:
            # capped iff fewer than `count` records are strictly lower
            lower = sum(records[j]["分"] < records[i]["分"] for j in mine)
            table = _table_grade(records[i]["分"])
            capped = lower < count and table in ("优秀", "称职")
            assert got[i] == ("基本称职" if capped else table)
        assert sum(got[i] in ("基本称职", "不称职") for i in mine) >= min(count, len(mine))


# ---------------------------------------------------------------- generated quota rulesets

SIZES = {"rate": ["0%", "10%", "20%", "25%", "50%", "100%", "末位比例"],
         "places": ["0 places", "1 places", "2 places", "优秀控制数 places"]}
BASES = ["", " among 在编", " among 分 >= 60", " among 年度等次 is not 不称职", " among not 在编",
         " among 可评优"]


@st.composite
def quota_lines(draw) -> str:
    """A valid quota line of any form (the new ones and the plain one)."""
    def size() -> str:
        kind = draw(st.sampled_from(sorted(SIZES)))
        text = draw(st.sampled_from(SIZES[kind]))
        return text + (draw(st.sampled_from(sorted(ROUNDINGS.values()))) if kind == "rate"
                       else "")
    label = draw(st.sampled_from(["优秀", "称职", "基本称职"]))
    if draw(st.booleans()):
        line = f"quota 年度等次: lowest {size()} at most {label}"
    else:
        line = f"quota 年度等次: {label} at most {size()}"
        if draw(st.booleans()):
            line += f", at most {size()} when 经审核同意"
    return line + draw(st.sampled_from(BASES)) + " by 分"


@st.composite
def batches(draw) -> list[dict]:
    """Records of two groups; a group-wide field is usually equal across its group."""
    wide = {k: (draw(st.booleans()), draw(st.sampled_from([0, 1, 2, 3]))) for k in "甲乙"}
    records = []
    for _ in range(draw(st.integers(0, 10))):
        key = draw(st.sampled_from("甲乙"))
        approved, count = wide[key]
        if draw(st.integers(0, 15)) == 0:  # now and then a group that disagrees
            approved, count = not approved, count + 1
        records.append({"机关": key, "分": draw(st.sampled_from([10, 45, 62, 62, 91, 95])),
                        "在编": draw(st.booleans()), "经审核同意": approved,
                        "优秀控制数": count})
    return records


def _outcome(result) -> object:
    if result.error is not None:
        return ("error", str(result.error), result.error.field, result.error.code,
                result.error.text("zh"))
    return result.to_dict()


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(quota_lines(), min_size=1, max_size=3), batches(),
       st.randoms(use_true_random=False))
def test_generated_quota_rulesets_agree_on_every_evaluator(lines, records, rnd):
    ruleset = rules(*lines)
    assert parse(unparse(ruleset.checked.module)) == parse(HEAD + "".join(
        f"  {q}\n" for q in lines))  # and the text round-trips
    fast = [_outcome(r) for r in ruleset.evaluate_many(records)]
    assert [_outcome(r) for r in ruleset.reference_evaluate_many(records)] == fast
    table = grades_by("table", ruleset, records) if records else []
    assert table == [f["values"]["年度等次"] if isinstance(f, dict) else "error" for f in fast]
    order = list(range(len(records)))
    rnd.shuffle(order)
    shuffled = [_outcome(r) for r in ruleset.evaluate_many([records[i] for i in order])]
    assert [shuffled[order.index(i)] for i in range(len(records))] == fast


def test_the_testing_toolkit_grades_among_peers_that_share_the_group_wide_inputs():
    """evalrules.testing grades a record among fixed peers put in its group: they take the
    record's head count and approval too (else every group would disagree, R303)."""
    from evalrules.testing import run_checks
    from evalrules.testing.checks import Grouped

    ruleset = evalrules.compile(
        HEAD.replace("input 优秀控制数: number default 0", "input 优秀控制数: integer in 0..5")
        + "  quota 年度等次: 优秀 at most 优秀控制数 places, at most 50% when 经审核同意 by 分\n")
    grouped = Grouped(ruleset)
    peers = grouped.peers({"机关": "乙", "分": 90, "优秀控制数": 2})
    assert all(p["机关"] == "乙" and p["优秀控制数"] == 2 and "经审核同意" not in p for p in peers)
    run_checks(ruleset, max_examples=10, seed=1)


@BACKENDS
def test_the_default_base_leaves_out_the_unrated_and_among_can_bring_them_in(backend):
    # Two people not 在编 are 不定等次. Default base: the 3 others, 50% × 3 = 1.5 → 1 place;
    # among 分 >= 0 counts all 5: 2.5 → 2 places (the unrated are counted, never moved).
    head = HEAD.replace("不称职\ninput", "不称职, unrated 不定等次\ninput", 1).replace(
        "  优秀 when 分 >= 90", "  不定等次 when not 在编\n  优秀 when 分 >= 90")
    records = [*unit(99, 98, 在编=False), *unit(95, 94, 93)]
    default = evalrules.compile(head + "  quota 年度等次: 优秀 at most 50% by 分\n")
    assert grades_by(backend, default, records) == \
        ["不定等次", "不定等次", "优秀", "称职", "称职"]
    counted = evalrules.compile(head + "  quota 年度等次: 优秀 at most 50% among 分 >= 0 by 分\n")
    assert grades_by(backend, counted, records) == \
        ["不定等次", "不定等次", "优秀", "优秀", "称职"]
