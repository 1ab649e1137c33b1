"""The report's records near a line equal a brute force: every possible single-vote move of every
graded record (one vote from any category that has one to any other category of the same ballot),
graded by the reference evaluator, the record listed when its grades, vetoes or outcomes differ or
it can no longer be graded. On generated sheets (seeded Hypothesis; records drawn by the testing
toolkit, which lands shares on and beside their lines), for screened ballots (shares and vote
counts against constants), general ones (points, arithmetic on shares, a share against a share),
``total``, a ``require`` a move can break, and with numpy and in plain Python."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules.columns import input_columns
from evalrules.diagnostics import GroupRulesError, InputError
from evalrules.grading import grade
from evalrules.io import Sheet, read_sheet, record_of
from evalrules.report import near_the_line
from evalrules.report.near import screens
from evalrules.testing.strategies import records

from conftest import ROOT

RULESETS = ROOT / "rulesets"

#: share, votes and total against constants (screened), a require and a veto a vote can trip
SCREENED = """
ruleset 测试近线
scale 等次: 优秀 > 合格 > 不合格
ballot 测评: 好, 中, 差
ballot 互评: 甲, 乙
input 重点: bool default false
param 线 = 1/3
let 好率 = share(测评: 好)
require total(互评) <= 20 or votes(测评: 差) < 3 "互评票多时差票须少于3"
grade 等次 (first):
  优秀 when 好率 >= 50% and votes(互评: 甲) > 1
  合格 when share(测评: 好, 中) > 线 or 重点
  otherwise 不合格
veto 差评多 when votes(测评: 差) >= 2 and total(测评) < 6:
  lower 等次 by 1
outcome 表扬 when 等次 is 优秀
"""

#: the same ballots used in ways no line describes: a share against a share, points
GENERAL = """
ruleset 测试一般
scale 等次: 好 > 中 > 差
ballot 测评: 好, 中, 差
ballot 互评: 甲, 乙
input 分: number in 0..10
let 好率 = share(测评: 好)
grade 等次 (first):
  好 when 好率 > share(测评: 差) and points(互评: 甲 10, 乙 0) + 分 >= 12
  中 when 好率 * 2 >= 1
  otherwise 差
"""


def brute_force(ruleset: evalrules.Ruleset, sheet: Sheet) -> list[tuple]:
    """(record, ballot, source, target, decisions after or None) for every move that changes a
    graded record, by the reference evaluator."""
    columns = input_columns(ruleset.checked)

    def decide(record: dict):
        try:
            result = ruleset.reference_evaluate(record)
        except InputError:
            return None
        return (tuple(str(result[g]) for g in ruleset.grades), tuple(result.vetoes),
                tuple(result.outcomes))

    found = []
    for i, row in enumerate(sheet.records()):
        record = record_of(row, columns)
        before = decide(record)
        if before is None:
            continue
        for ballot, categories in ruleset.checked.ballots.items():
            counts = {c: int(Fraction(str(record[f"{ballot}.{c}"]).strip())) for c in categories}
            for source in categories:
                for target in categories:
                    if source == target or counts[source] == 0:
                        continue
                    moved = dict(record)
                    moved[f"{ballot}.{source}"] = counts[source] - 1
                    moved[f"{ballot}.{target}"] = counts[target] + 1
                    after = decide(moved)
                    if after != before:
                        found.append((i, ballot, source, target, after))
    return found


def listed(ruleset: evalrules.Ruleset, sheet: Sheet, numpy: bool) -> list[tuple]:
    return [(near.index, c.move.ballot, c.move.source, c.move.target, c.after)
            for near in near_the_line(grade(ruleset, sheet), numpy=numpy)
            for c in near.changes]


def sheet_of(ruleset: evalrules.Ruleset, drawn: list[dict], texts: list[bool]) -> Sheet:
    """A sheet of these records, ballots as flat columns, some counts as text (as in a CSV)."""
    rows = []
    for record, text in zip(drawn, texts, strict=True):
        row = {}
        for name, value in record.items():
            if name in ruleset.checked.ballots:
                row.update((f"{name}.{c}", str(n) if text else n) for c, n in value.items())
            else:
                row[name] = value
        rows.append(row)
    columns = tuple(dict.fromkeys(k for row in rows for k in row))
    return Sheet("generated", columns, {c: [row.get(c) for row in rows] for c in columns},
                 tuple(range(2, len(rows) + 2)))


def test_the_analysis_screens_lines_and_leaves_other_uses_general():
    screened = screens(evalrules.compile(SCREENED))
    assert screened["测评"] is not None and screened["互评"] is not None
    assert {(tuple(sorted(line.categories)), line.share, line.op, line.value)
            for line in screened["测评"]} == {
        (("好",), True, ">=", Fraction(1, 2)), (("中", "好"), True, ">", Fraction(1, 3)),
        (("差",), False, "<", 3), (("差",), False, ">=", 2)}
    general = screens(evalrules.compile(GENERAL))
    assert general == {"测评": None, "互评": None}
    city = screens(evalrules.load(RULESETS / "fanwen9" / "team-city.rules"))
    assert len(city["班子测评"]) == 5 and len(city["正职测评"]) == 2


@pytest.mark.parametrize("source", [
    SCREENED, GENERAL, RULESETS / "fanwen9" / "team-city.rules",
    RULESETS / "fanwen2" / "cadre.rules", RULESETS / "fanwen9" / "cadre-city.rules"],
    ids=["screened", "general", "team-city", "fanwen2-cadre", "cadre-city"])
def test_near_the_line_equals_the_brute_force(source):
    ruleset = (evalrules.load(source) if not isinstance(source, str)
               else evalrules.compile(source))

    @settings(max_examples=12, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(st.lists(st.tuples(records(ruleset), st.booleans()), min_size=1, max_size=6))
    def check(drawn):
        sheet = sheet_of(ruleset, [r for r, _ in drawn], [t for _, t in drawn])
        expected = brute_force(ruleset, sheet)
        assert listed(ruleset, sheet, numpy=True) == expected
        assert listed(ruleset, sheet, numpy=False) == expected
        changes.append(len(expected))

    changes: list[int] = []
    check()
    assert sum(changes) > 0  # the draws do reach records near a line


def test_the_sample_near_the_line_equals_the_brute_force():
    ruleset = evalrules.load(RULESETS / "fanwen9" / "team-city.rules")
    whole = read_sheet(ROOT / "examples" / "team-city.csv")
    sheet = Sheet(whole.source, whole.columns, {c: v[:80] for c, v in whole.cells.items()},
                  whole.rows[:80])
    expected = brute_force(ruleset, sheet)
    assert expected  # the sample has records one vote from another grade
    assert listed(ruleset, sheet, numpy=True) == expected == listed(ruleset, sheet, numpy=False)


def test_a_move_that_breaks_a_require_is_a_change_with_its_error():
    ruleset = evalrules.compile(SCREENED)
    row = {"测评.好": 3, "测评.中": 0, "测评.差": 2, "互评.甲": 11, "互评.乙": 11}
    sheet = Sheet("x", tuple(row), {k: [v] for k, v in row.items()}, (2,))
    near = near_the_line(grade(ruleset, sheet))
    broken = [c for n in near for c in n.changes if c.after is None]
    assert [(c.move.source, c.move.target) for c in broken] == [("好", "差")]
    assert "互评票多时差票须少于3" in broken[0].error


def test_records_with_errors_are_not_near_and_group_rulesets_are_refused():
    ruleset = evalrules.compile(SCREENED)
    row = {"测评.好": "x", "测评.中": 1, "测评.差": 1, "互评.甲": 1, "互评.乙": 1}
    sheet = Sheet("x", tuple(row), {k: [v] for k, v in row.items()}, (2,))
    assert near_the_line(grade(ruleset, sheet)) == []
    quota = evalrules.load(RULESETS / "fanwen2" / "cadre-quota.rules")
    empty = Sheet("x", (), {}, ())
    with pytest.raises(GroupRulesError):
        near_the_line(grade(quota, empty))


def test_records_alike_but_for_a_total_the_ruleset_uses_are_told_apart():
    # Both records' lines hold alike before and after moving a vote from 好 to 中; only the total
    # differs, and total(测评) < 6 decides the veto.
    ruleset = evalrules.compile(SCREENED)
    rows = [{"测评.好": 3, "测评.中": 0, "测评.差": 2, "互评.甲": 2, "互评.乙": 0},
            {"测评.好": 3, "测评.中": 1, "测评.差": 2, "互评.甲": 2, "互评.乙": 0}]
    sheet = Sheet("x", tuple(rows[0]), {k: [r[k] for r in rows] for k in rows[0]}, (2, 3))
    expected = brute_force(ruleset, sheet)
    assert ((0, "测评", "好", "中", (("不合格",), ("差评多",), ())) in expected
            and (1, "测评", "好", "中", (("合格",), (), ())) in expected)
    assert listed(ruleset, sheet, numpy=True) == expected == listed(ruleset, sheet, numpy=False)
