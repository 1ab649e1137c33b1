"""``evalrules.verify``: the obligations proved for every valid record, or refuted with the
smallest record the reference evaluator reproduces (prove/obligations.py, prove/tables.py).

Expected counterexamples are worked out by hand from the rules' words (see each test)."""

from __future__ import annotations

from pathlib import Path

import pytest

import evalrules
from evalrules.prove.report import Kind, Obligation, Report, Severity
from evalrules.prove.solve import Status

pytest.importorskip("z3")

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted(ROOT.glob("rulesets/**/*.rules"))
MUTANTS = ROOT / "tests" / "mutants"

def _one(report: Report, kind: Kind, subject: str) -> Obligation:
    (found,) = [o for o in report.obligations if o.kind == kind and o.subject == subject]
    return found


def _votes(record) -> int:
    return sum(n for v in record.values() if isinstance(v, dict) for n in v.values())


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT / "rulesets")))
def test_every_bundled_ruleset_is_proved(path):
    report = evalrules.verify(evalrules.load(path))
    assert report.bugs == ()
    kinds = {o.kind for o in report.obligations}
    assert Kind.TOTALITY in kinds
    stated = [c for c in evalrules.load(path).checks]
    assert len([o for o in report.obligations if o.kind == Kind.CHECK]) == len(stated)
    for o in report.obligations:
        assert o.status == Status.PROVED, (o.kind, o.subject, o.status, o.reason)
    assert report.grouped == bool(evalrules.load(path).checked.groups)


def test_veto_raises_is_refuted_by_its_stated_check():
    # 一票否决 raises instead of lowers: a vetoed team that the table rates 较好 becomes 优秀,
    # which `check always not 计生综治目标完成差 or 班子等次 is not 优秀` forbids.
    report = evalrules.verify(evalrules.load(MUTANTS / "veto-raises.rules"))
    o = _one(report, Kind.CHECK, "check always not 计生综治目标完成差 or 班子等次 is not 优秀")
    assert (o.status, o.severity) == (Status.REFUTED, Severity.ERROR)
    assert o.counterexample is not None and o.counterexample.replayed
    (record,) = o.counterexample.records
    assert record["计生综治目标完成差"] is True
    rs = evalrules.load(MUTANTS / "veto-raises.rules")
    assert rs.reference_evaluate(record)["班子等次"] == "优秀"
    assert not report.ok


def test_zero_allowed_is_refuted_by_totality_with_no_one_assessed():
    report = evalrules.verify(evalrules.load(MUTANTS / "zero-allowed.rules"))
    (o,) = [o for o in report.obligations if o.kind == Kind.TOTALITY and o.failed]
    assert o.subject == "let 评好比例: R201"
    ce = o.counterexample
    assert ce is not None and ce.replayed and ce.key == "verify.shows.error"
    assert ce.records[0]["本单位被评价总人数"] == 0
    assert ce.values["rule"] == "let 评好比例"


def test_ge_to_le_is_refuted_by_the_monotone_check_with_the_smallest_ballot():
    # 较差 now when `班子较差率 <= 30% and 存在突出问题`. Moving a vote out of 较差 (to 一般)
    # lowers 较差率: the record before must have 较差率 > 30% and 差评率 < 50% (else 较差
    # already), the record after 较差率 <= 30%. With T votes and c of them 较差, g 一般:
    # c/T > 3/10, (c-1)/T <= 3/10, (g+c)/T < 1/2. T = 1: (g+c)/T = 1. T = 2: c = 1 gives
    # (g+1)/2 >= 1/2, c = 2 gives (c-1)/2 > 3/10. T = 3: c = 1, g = 0 works. 正职测评 is divided
    # by, so it has a vote: the smallest counterexample has 3 + 1 = 4 votes.
    report = evalrules.verify(evalrules.load(MUTANTS / "ge-to-le.rules"))
    o = _one(report, Kind.CHECK, "check monotone 班子等次 in 班子测评")
    assert (o.status, o.severity) == (Status.REFUTED, Severity.ERROR)
    ce = o.counterexample
    assert ce is not None and ce.replayed
    before, after = ce.records
    assert _votes(before) == _votes(after) == 4
    assert before["存在突出问题"] is True
    assert (before["班子测评"]["一般"], before["班子测评"]["较差"]) == (0, 1)
    assert (after["班子测评"]["一般"], after["班子测评"]["较差"]) == (1, 0)
    assert sum(before["班子测评"].values()) == 3
    assert (ce.values["worse"], ce.values["better"], ce.values["after"]) == ("较差", "一般", "较差")
    rs = evalrules.load(MUTANTS / "ge-to-le.rules")
    assert rs.reference_evaluate(after)["班子等次"] == "较差"
    assert rs.reference_evaluate(before)["班子等次"] != "较差"


@pytest.mark.parametrize("mutant", ["ge-to-gt", "most-to-any", "threshold-moved", "item-dropped"])
def test_the_mutants_that_need_a_diff_break_no_obligation(mutant):
    # Each is a ruleset as sound as the one it changes (h-diff's `diff --prove` tells them
    # apart): no obligation, not even every grade monotone in every ballot, refutes them.
    report = evalrules.verify(evalrules.load(MUTANTS / f"{mutant}.rules"), monotone_all=True)
    assert [o for o in report.obligations if o.failed] == []


def test_monotone_all_asks_every_grade_in_every_ballot_not_already_stated():
    report = evalrules.verify(evalrules.load(ROOT / "rulesets/fanwen9/team-city.rules"),
                              monotone_all=True)
    asked = [o.subject for o in report.obligations if o.kind == Kind.MONOTONE]
    assert asked == []  # team-city states both: nothing asked twice
    report = evalrules.verify(evalrules.load(MUTANTS / "ge-to-le.rules"), monotone_all=True)
    assert [o.subject for o in report.obligations if o.kind == Kind.MONOTONE] == []


def test_monotone_all_refutes_a_grade_that_falls_when_a_vote_moves_up():
    # A perverse table: 优秀 when half the votes or more are 差. One 差 vote alone is 100%;
    # moved to 好 it is 0%, and 优秀 falls to 合格: the smallest counterexample has one vote.
    rs = evalrules.compile("""ruleset 全单调
scale 等次: 优秀 > 合格
ballot 测评: 好, 差
grade 等次 (first):
  优秀 when share(测评: 差) >= 50%
  otherwise 合格
""")
    assert [o.kind for o in evalrules.verify(rs).obligations].count(Kind.MONOTONE) == 0
    o = _one(evalrules.verify(rs, monotone_all=True), Kind.MONOTONE,
             "check monotone 等次 in 测评")
    assert (o.status, o.severity) == (Status.REFUTED, Severity.ERROR)
    ce = o.counterexample
    assert ce is not None and ce.replayed
    assert [r["测评"] for r in ce.records] == [{"好": 0, "差": 1}, {"好": 1, "差": 0}]
    assert (ce.values["before"], ce.values["after"]) == ("优秀", "合格")


MASKED = """ruleset 遮蔽
scale 等次: 优秀 > 合格 > 不合格
input 分数: number in 0..100
grade 等次 (first):
  合格 when 分数 >= 60
  优秀 when 分数 >= 90
  otherwise 不合格
veto 低分 when 分数 < 60:
  lower 等次 by 1
outcome 参加 when 分数 >= 0
"""


def test_masked_rule_unreachable_label_veto_that_changes_nothing_outcome_always_holding():
    report = evalrules.verify(evalrules.compile(MASKED))
    masked = _one(report, Kind.DECIDES, "grade 等次 rule 优秀")
    assert (masked.status, masked.severity) == (Status.REFUTED, Severity.WARNING)
    assert masked.related == ("grade 等次 rule 合格",)  # 分数 >= 90 implies 分数 >= 60
    assert masked.reason == "masked"
    assert _one(report, Kind.REACHABLE, "等次 is 优秀").status == Status.REFUTED
    decides = _one(report, Kind.DECIDES, "grade 等次 rule 合格")
    assert decides.status == Status.PROVED and decides.witness is not None
    assert decides.witness.replayed and 60 <= decides.witness.records[0]["分数"] < 100
    # below 60 the table already gives 不合格, the lowest: lowering it changes nothing
    assert _one(report, Kind.VETO, "veto 低分").status == Status.REFUTED
    assert _one(report, Kind.OUTCOME_HOLDS, "outcome 参加").status == Status.PROVED
    assert _one(report, Kind.OUTCOME_FAILS, "outcome 参加").status == Status.REFUTED
    assert report.ok  # warnings only


def test_a_unique_table_whose_rules_overlap_is_an_error_naming_the_pair():
    report = evalrules.verify(evalrules.compile("""ruleset 唯一
scale 等次: 优秀 > 合格 > 不合格
input 分数: number in 0..100
grade 等次 (unique):
  优秀 when 分数 >= 90
  合格 when 分数 >= 60
  otherwise 不合格
"""))
    o = _one(report, Kind.UNIQUE, "grade 等次 rule 优秀 / grade 等次 rule 合格")
    assert (o.status, o.severity) == (Status.REFUTED, Severity.ERROR)
    assert o.related == ("grade 等次 rule 优秀", "grade 等次 rule 合格")
    ce = o.counterexample
    assert ce is not None and ce.replayed and ce.records[0]["分数"] >= 90
    never = _one(report, Kind.DECIDES, "grade 等次 rule 优秀")  # 合格 holds along, always
    assert (never.status, never.related) == (Status.REFUTED, ("grade 等次 rule 合格",))
    assert not report.ok


def test_a_division_by_an_input_that_may_be_zero():
    report = evalrules.verify(evalrules.compile("""ruleset 除法
input 人数: integer in 0..100
input 优秀人数: integer in 0..100
let 比例 = 优秀人数 / 人数
"""))
    (o,) = report.obligations
    assert (o.kind, o.status, o.subject) == (Kind.TOTALITY, Status.REFUTED,
                                             "let 比例: R201")
    assert o.counterexample is not None and o.counterexample.replayed
    assert o.counterexample.records[0]["人数"] == 0


def test_the_last_of_a_history_that_may_be_empty():
    report = evalrules.verify(evalrules.compile("""ruleset 往年
scale 等次: 优秀 > 合格
input 往年: history of 等次 default empty
outcome 上年优秀 when 往年.last is 优秀
"""))
    o = _one(report, Kind.TOTALITY, "outcome 上年优秀: R203 (往年)")
    assert o.status == Status.REFUTED and o.related == ("往年",)
    assert o.counterexample is not None and o.counterexample.replayed
    assert o.counterexample.records[0]["往年"] == []
    holds = _one(report, Kind.OUTCOME_HOLDS, "outcome 上年优秀")
    assert holds.witness is not None and holds.witness.records[0]["往年"][-1] == "优秀"


def test_a_ruleset_with_group_rules_takes_ranks_as_free_values():
    report = evalrules.verify(evalrules.compile("""ruleset 组
scale 等次: 优秀 > 合格
input 单位: text
input 分数: number in 0..100
grade 等次 (first):
  优秀 when 名次 <= 1
  otherwise 合格
group by 单位:
  rank 名次 by 分数 desc
check always 名次 <= 10
"""))
    assert report.grouped and not report.abstract  # no list of numbers: only the group is free
    o = _one(report, Kind.CHECK, "check always 名次 <= 10")
    # any rank may be decided: an eleventh place breaks the check, replayed with that rank
    assert o.status == Status.REFUTED and o.counterexample is not None
    assert o.counterexample.replayed and o.counterexample.decisions["名次"] > 10
    top = _one(report, Kind.REACHABLE, "等次 is 优秀")
    assert top.witness is not None and top.witness.decisions["名次"] == 1


def test_a_rank_exists_exactly_where_its_among_holds():
    # Ranks are free, but a record has one exactly when `among` holds for it: 优秀 reads the
    # rank only of a record that takes part, so nothing fails; 良好 reads it of any record,
    # and one that does not take part (参评 false) has none.
    report = evalrules.verify(evalrules.compile("""ruleset 组
scale 等次: 优秀 > 良好 > 合格
input 单位: text
input 参评: bool
input 分数: number in 0..100
grade 等次 (first):
  优秀 when 参评 and 名次 <= 1
  良好 when 名次 <= 3
  otherwise 合格
group by 单位:
  rank 名次 by 分数 desc among 参评
"""))
    (o,) = [o for o in report.obligations if o.kind == Kind.TOTALITY]
    assert o.subject == "grade 等次: R302 (名次)" and o.status == Status.REFUTED
    ce = o.counterexample
    assert ce is not None and ce.replayed
    assert ce.records[0]["参评"] is False and ce.decisions["名次"] is None


def test_a_vote_count_read_as_such_is_not_scaled_away():
    # A perverse rule: three 优秀 votes make the grade 较差. Over proportions (votes over their
    # total, at most 1) it could never hold; the ballot is read as a count, so it keeps whole
    # votes, and the smallest counterexample moves the one 合格 vote of 优秀 2, 合格 1.
    rs = evalrules.compile("""ruleset 计票
scale 等次: 合格 > 较差
ballot 测评: 优秀, 合格
grade 等次 (first):
  较差 when votes(测评: 优秀) >= 3
  otherwise 合格
check monotone 等次 in 测评
""")
    from evalrules.prove.questions import shares_only

    assert shares_only(rs.plan) == set()
    o = _one(evalrules.verify(rs), Kind.CHECK, "check monotone 等次 in 测评")
    assert o.status == Status.REFUTED and o.counterexample is not None
    before, after = o.counterexample.records
    assert (before["测评"], after["测评"]) == ({"优秀": 2, "合格": 1}, {"优秀": 3, "合格": 0})
    assert o.counterexample.replayed


def test_shares_and_points_leave_a_ballot_to_proportions():
    rs = evalrules.load(ROOT / "rulesets/fanwen9/team-city.rules")
    from evalrules.prove.questions import shares_only

    assert shares_only(rs.plan) == {"班子测评", "正职测评"}


def test_monotone_in_a_number_input():
    report = evalrules.verify(evalrules.compile("""ruleset 单调
scale 等次: 优秀 > 合格
input 分数: number in 0..100
let 差距 = 100 - 分数
grade 等次 (first):
  优秀 when 分数 >= 90
  otherwise 合格
check monotone 差距 in 分数
check monotone 等次 in 分数
"""))
    falls = _one(report, Kind.CHECK, "check monotone 差距 in 分数")
    ce = falls.counterexample
    assert falls.status == Status.REFUTED and ce is not None and ce.replayed
    low, high = ce.records
    assert low["分数"] < high["分数"]
    assert ce.values["before"] == str(100 - low["分数"])
    assert _one(report, Kind.CHECK, "check monotone 等次 in 分数").status == Status.PROVED


def test_import_evalrules_does_not_import_z3():
    import subprocess
    import sys

    code = "import sys, evalrules; print('z3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_what_the_encoder_cannot_give_the_solver_is_unknown_never_a_traceback(monkeypatch):
    from evalrules.prove import solve

    def cannot(*args, **kwargs):
        raise TypeError("no SMT encoding for Imagined")

    monkeypatch.setattr(solve.smt, "encode", cannot)
    report = evalrules.verify(evalrules.load(ROOT / "rulesets/fanwen9/team-city.rules"))
    (o,) = report.obligations
    assert (o.kind, o.status, o.severity) == (Kind.ENCODING, Status.UNKNOWN, Severity.ERROR)
    assert o.reason == "cannot-encode: TypeError: no SMT encoding for Imagined"
    assert not report.ok


def test_the_relaxation_to_the_reals_keeps_every_whole_number_answer():
    import z3

    from evalrules.prove.relax import Relaxation, nonlinear

    x, y = z3.Ints("x y")
    assert nonlinear([x * y == 6]) and not nonlinear([2 * x + y == 6, x / 2 >= 1])

    def over_reals(goal):
        solver = z3.SolverFor("QF_NRA")
        solver.add(*Relaxation().of(goal))
        return solver.check()

    assert over_reals([x * y == 6, x >= 2, y >= 2, x + y == 5]) == z3.sat  # 2 × 3
    assert over_reals([x * y < 0, x >= 0, y >= 0]) == z3.unsat
    # 2 × floor(x / 2) × y with 0 <= x, y <= 3: at most 2 × 1 × 3 = 6 in whole numbers, and
    # 2 × 1.5 × 3 = 9 relaxed (the floor a real at most x / 2): never above 9 either way; above
    # 8 only relaxed — a relaxation may admit more, never less
    floor = z3.ToInt(z3.ToReal(x) / 2)
    box = [x >= 0, x <= 3, y >= 0, y <= 3]
    assert over_reals([2 * floor * y > 9, *box]) == z3.unsat
    assert over_reals([2 * floor * y > 8, *box]) == z3.sat


def test_a_list_record_that_does_not_replay_is_unknown_not_a_bug():
    # Two numbers with least 0 and greatest 60 have mean 30, never 50: the check holds for every
    # real list. The encoding gives each statistic its own unknown, so the solver finds "mean 50"
    # anyway; no list has those statistics, the replay fails, and the answer is unknown — neither
    # a refutation nor a bug of evalrules.
    rs = evalrules.compile("ruleset 列表\ninput L: list of number in 0..100\n"
                           "check always not (count(L) == 2 and min(L) == 0 and max(L) == 60 "
                           "and mean(L) == 50)\n")
    report = evalrules.verify(rs)
    (o,) = [o for o in report.obligations if o.kind == Kind.CHECK]
    assert (o.status, o.reason, o.counterexample) == (Status.UNKNOWN, "approximate", None)
    assert report.abstract and report.bugs == () and not report.ok
    from evalrules.prove.render import text
    assert "only by its statistics" in text(report, "en")
    assert "只按其统计量近似描述" in text(report, "zh")
