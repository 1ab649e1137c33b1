"""`evalrules diff OLD NEW --prove` and `assert_equivalent(prove=True)`: two rulesets proved to
grade every record alike, or each kind of transition with its smallest record, replayed, and the
region that moves in the rulesets' own terms.

The regions expected here are worked out by hand from the rules (the working is beside each), and
that working is itself checked by brute force: on a grid of records (every 班子测评 of ten votes,
every label, the bools that matter), a record makes the transition exactly when it is in one of
the hand-written regions, as both reference evaluators grade it.
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

import pytest

import evalrules
from evalrules.cli import main
from evalrules.compare import REFUSED, condition_function
from evalrules.prove import regions as R
from evalrules.prove import render_diff
from evalrules.prove.equivalence import CHANGES, Incomparable, equivalence
from evalrules.prove.solve import Status
from evalrules.testing import DiffFailed, assert_equivalent

from conftest import ROOT, RULESETS

z3 = pytest.importorskip("z3")

CITY = RULESETS / "fanwen9" / "team-city.rules"
COUNTY = RULESETS / "fanwen9" / "team-county.rules"
MUTANTS = ROOT / "tests" / "mutants"


def regions_of(t) -> set[tuple[str, ...]]:
    return {tuple(R.text(r)) for r in t.regions.regions}


def total_votes(record) -> int:
    return sum(v for k, v in record.items() if isinstance(v, dict) for v in v.values())


# ---------------------------------------------------------------- 市直 vs 县区

# 县区 moves 一般线 from 30% to 20%. The 一般 rule is `most` of three: 考核目标完成 is 一般,
# 班子状况 is 存在问题, 班子差评率 >= 一般线. A team moves from 较好 (市直) to 一般 (县区) when
# exactly one of the first two holds (both: 一般 in both; none: `most` fails in both) and
# 20% <= 班子差评率 < 30%; it must not be 较差 in either: not 差距较大, not 不团结, not 较大失误
# (班子较差率 <= 班子差评率 < 30% < 50%, so rule 3 of 较差 cannot hold), and it cannot be 优秀
# (that needs 好 and 团结协调). Without the veto that is 较好 → 一般; under it (lower by 1) each
# grade drops one place: 一般 → 较差.
BAND = "20% ≤ 班子差评率 < 30%"
GOAL_ONLY = (BAND, "考核目标完成 is 一般", "班子状况 in (团结协调, 较好)",
             "not 较大失误造成严重后果")
STATE_ONLY = (BAND, "考核目标完成 in (好, 较好)",
              "班子状况 is 存在问题", "not 较大失误造成严重后果")
UNVETOED = {(*GOAL_ONLY, "not 计生综治目标完成差"), (*STATE_ONLY, "not 计生综治目标完成差")}
VETOED = {(*GOAL_ONLY, "计生综治目标完成差"), (*STATE_ONLY, "计生综治目标完成差")}


def as_condition(region: tuple[str, ...]) -> str:
    """A region written back as a condition of the ruleset, for the brute force."""
    parts = [p.replace(BAND, "班子差评率 >= 20% and 班子差评率 < 30%") for p in region]
    return " and ".join(parts)


@pytest.fixture(scope="module")
def city_county():
    old, new = evalrules.load(CITY), evalrules.load(COUNTY)
    return old, new, equivalence(old, new)


def test_city_county_transitions_and_regions(city_county):
    _, _, eq = city_county
    assert eq.status == Status.REFUTED and not eq.unknown and not eq.bugs
    found = {(t.name, t.old, t.new): t for t in eq.transitions}
    assert set(found) == {("班子等次", "较好", "一般"), ("班子等次", "一般", "较差"),
                          ("物质奖励", True, False), ("集体谈话限期改进", False, True)}
    assert regions_of(found["班子等次", "较好", "一般"]) == UNVETOED
    assert regions_of(found["班子等次", "一般", "较差"]) == VETOED
    # the outcomes follow the grade: 较好 is rewarded, 一般 is talked to
    assert regions_of(found["物质奖励", True, False]) == UNVETOED
    assert regions_of(found["集体谈话限期改进", False, True]) == UNVETOED
    for t in eq.transitions:
        assert all(r.exact for r in t.regions.regions) and not t.regions.truncated


def test_city_county_counterexamples_are_minimal_and_replayed(city_county):
    old, new, eq = city_county
    for t in eq.transitions:
        assert t.replayed
        assert old.evaluate(t.record)[t.name] == t.old == t.was
        assert new.evaluate(t.record)[t.name] == t.new == t.becomes
        # 20% <= k/n < 30% needs n >= 4 (1/4); 正职测评 needs one vote: 5 in all
        assert total_votes(t.record) == 5
        share = old.evaluate(t.record)["班子差评率"]
        assert Fraction(1, 5) <= share < Fraction(3, 10)


def test_hand_regions_are_exactly_where_city_and_county_differ(city_county):
    """The working above, by brute force: on the grid, a record goes 较好 → 一般 exactly when
    it is in an UNVETOED region, 一般 → 较差 exactly in a VETOED one."""
    old, new, _ = city_county
    grade_old, grade_new = old.function("班子等次"), new.function("班子等次")
    unvetoed = [condition_function(new, as_condition(r)) for r in UNVETOED]
    vetoed = [condition_function(new, as_condition(r)) for r in VETOED]
    labels = ("好", "较好", "一般", "差距较大"), ("团结协调", "较好", "存在问题", "不团结")
    checked = 0
    for votes in itertools.product(range(11), repeat=3):
        if sum(votes) > 10:
            continue
        ballot = dict(zip(("优秀", "较好", "一般"), votes, strict=True))
        ballot["较差"] = 10 - sum(votes)
        for goal, state, mistake, veto, outstanding in itertools.product(
                *labels, (False, True), (False, True), (False, True)):
            record = {"考核目标完成": goal, "班子状况": state, "干部精神状态好": True,
                      "存在突出问题": outstanding, "较大失误造成严重后果": mistake,
                      "计生综治目标完成差": veto, "班子测评": ballot,
                      "正职测评": {"优秀": 1, "称职": 0, "基本称职": 0, "不称职": 0}}
            a, b = grade_old(record), grade_new(record)
            assert ((a, b) == ("较好", "一般")) == any(f(record) for f in unvetoed), record
            assert ((a, b) == ("一般", "较差")) == any(f(record) for f in vetoed), record
            assert a == b or (a, b) in (("较好", "一般"), ("一般", "较差")), record
            checked += 1
    assert checked == 286 * 16 * 8


# ---------------------------------------------------------------- a veto that sampling missed

# The copy adds a veto that lowers 优秀 to 称职 when 经核查确有严重问题 and 廉洁自律 is 清正廉洁: it
# changes a grade only where the grade would be 优秀 (five labels and two shares at once), the
# veto holds, and neither discipline veto already decided (警告: 称职 anyway; 记过: 不定等次).
# 经核查确有严重问题 does not make a 优秀 team 不称职: with 称职以上率 >= 90%, 不称职率 <= 10% and
# 基本称职以下率 <= 10%.
DISCIPLINE_VETO = """
veto 廉洁提醒 when 经核查确有严重问题 and 廉洁自律 is 清正廉洁:
  干部等次 at most 称职
"""


def test_a_discipline_veto_needing_eight_conditions_is_found_first_run(tmp_path):
    base = RULESETS / "fanwen9"
    for name in ("cadre-city.rules", "cadre-city-discipline.rules"):
        (tmp_path / name).write_text((base / name).read_text(encoding="utf-8"), encoding="utf-8")
    copy = tmp_path / "cadre-city-discipline.rules"
    copy.write_text(copy.read_text(encoding="utf-8") + DISCIPLINE_VETO, encoding="utf-8")
    old, new = evalrules.load(base / "cadre-city-discipline.rules"), evalrules.load(copy)
    eq = equivalence(old, new)
    assert [(t.name, t.old, t.new) for t in eq.transitions] == [("干部等次", "优秀", "称职")]
    t = eq.transitions[0]
    assert regions_of(t) == {(
        "优秀率 ≥ 60%", "称职以上率 ≥ 90%", "思想政治素质 is 高", "组织领导能力 is 强",
        "工作作风 is 好", "履行岗位职责 is 成效显著", "廉洁自律 is 清正廉洁", "经核查确有严重问题",
        "not 受警告处分", "not 受记过以上处分")}
    assert t.replayed and total_votes(t.record) == 1  # one 优秀 vote: 100% and 100%
    assert old.evaluate(t.record)["干部等次"] == "优秀"
    assert new.evaluate(t.record)["干部等次"] == "称职"


# ---------------------------------------------------------------- the mutants


@pytest.mark.parametrize(("mutant", "base"), [
    ("ge-to-gt", "fanwen9/team-city.rules"),
    ("most-to-any", "fanwen9/team-city.rules"),
    ("threshold-moved", "fanwen9/team-county.rules"),
    ("item-dropped", "fanwen6/team.rules"),
])
def test_mutants_are_proved_different_with_replayed_smallest_records(mutant, base):
    old, new = evalrules.load(RULESETS / base), evalrules.load(MUTANTS / f"{mutant}.rules")
    eq = equivalence(old, new)
    assert eq.status == Status.REFUTED and not eq.bugs
    for t in eq.transitions:
        assert t.replayed
        assert old.evaluate(t.record)[t.name] == t.was
        assert new.evaluate(t.record)[t.name] == t.becomes
    kinds = {(t.name, t.old, t.new) for t in eq.transitions}
    first = eq.transitions[0]
    if mutant == "ge-to-gt":  # only 班子差评率 exactly 30% moves: 3 of 10 votes at the fewest
        assert ("班子等次", "一般", "较好") in kinds
        assert old.evaluate(first.record)["班子差评率"] == Fraction(3, 10)
        assert total_votes(first.record) == 10 + 1
        assert all("班子差评率 = 30%" in R.text(r) or "班子较差率 ≥ 30%" in R.text(r)
                   for r in first.regions.regions)
    elif mutant == "threshold-moved":  # 20% <= share < 21%: one vote of five
        assert ("班子等次", "一般", "较好") in kinds
        assert all("20% ≤ 班子差评率 < 21%" in R.text(r) for r in first.regions.regions)
        assert total_votes(first.record) == 5 + 1
    elif mutant == "most-to-any":  # one of the three now suffices: one vote is enough
        assert ("班子等次", "较好", "一般") in kinds
        assert total_votes(first.record) == 1 + 1
    else:  # 节水宣传措施 (5 × its rate, pro rata) dropped: every score summing it changes,
        # exactly where that rate is above 0
        assert kinds == {("节水工作", CHANGES, CHANGES), ("节水工作折算", CHANGES, CHANGES),
                         ("班子考核总分", CHANGES, CHANGES)}
        for t in eq.transitions:
            assert t.record["宣传措施完成率"] != 0
            assert regions_of(t) == {("宣传措施完成率 > 0%",)}
            assert all(r.exact for r in t.regions.regions)


# ---------------------------------------------------------------- proved equivalent


def test_a_ruleset_is_equivalent_to_itself_and_to_a_reformatted_copy(tmp_path):
    city = evalrules.load(CITY)
    assert equivalence(city, evalrules.load(CITY)).status == Status.PROVED
    copy = tmp_path / "team-city.rules"
    messy = CITY.read_text(encoding="utf-8").replace(" >= ", "  >=   ").replace(" is ", "   is ")
    copy.write_text(messy, encoding="utf-8")
    assert equivalence(city, evalrules.load(copy)).equivalent
    assert main(["fmt", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") != messy  # reformatted
    eq = equivalence(city, evalrules.load(copy))
    assert eq.equivalent and not eq.transitions and not eq.unknown
    assert_equivalent(city, evalrules.load(copy), prove=True)


def test_assert_equivalent_prove_raises_with_the_regions():
    with pytest.raises(DiffFailed) as info:
        assert_equivalent(evalrules.load(CITY), evalrules.load(COUNTY), prove=True)
    message = str(info.value)
    assert "proved different" in message and "20% ≤ 班子差评率 < 30%" in message
    assert info.value.diff.status == Status.REFUTED


def test_assert_equivalent_prove_never_passes_an_unknown(monkeypatch):
    # a solver that can answer nothing (as at a timeout): unknown, raised, never a pass
    monkeypatch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
    monkeypatch.setattr(z3.Solver, "reason_unknown", lambda self: "timeout")
    with pytest.raises(DiffFailed) as info:
        assert_equivalent(evalrules.load(CITY), evalrules.load(CITY), prove=True)
    eq = info.value.diff
    assert eq.status == Status.UNKNOWN and not eq.transitions
    assert ("班子等次", "timeout") in eq.unknown
    assert "班子等次: unknown (the solver ran out of time), not proved" in str(info.value)


# ---------------------------------------------------------------- refusals and inputs


def test_a_new_require_is_a_refusal_with_its_region(tmp_path):
    rules = tmp_path / "req.rules"
    rules.write_text(f'ruleset 加要求 extends "{CITY}"\nrequire total(班子测评) >= 3\n',
                     encoding="utf-8")
    old, new = evalrules.load(CITY), evalrules.load(rules)
    eq = equivalence(old, new)
    assert [(t.name, t.old, t.new) for t in eq.transitions] == [
        (REFUSED, "graded", "require total(班子测评) >= 3")]
    t = eq.transitions[0]
    assert regions_of(t) == {("not (total(班子测评) >= 3)",)}
    assert t.replayed and sum(t.record["班子测评"].values()) == 1  # one vote, the fewest
    assert sum(t.record["正职测评"].values()) == 1


def test_inputs_declared_differently_are_incomparable(tmp_path):
    rules = tmp_path / "other.rules"
    rules.write_text("ruleset 另一个\ninput 班子状况: one of 好, 差\nlet x = 班子状况 is 好\n",
                     encoding="utf-8")
    with pytest.raises(Incomparable) as info:
        equivalence(evalrules.load(CITY), evalrules.load(rules), outputs=())
    assert "班子状况" in str(info.value) and "班子状况" in info.value.text("zh")


def test_an_input_only_the_new_ruleset_reads_is_free_for_the_old():
    old = evalrules.load(RULESETS / "fanwen9" / "cadre-city.rules")
    new = evalrules.load(RULESETS / "fanwen9" / "cadre-city-discipline.rules")
    eq = equivalence(old, new, outputs=["干部等次"])
    kinds = {(t.old, t.new) for t in eq.transitions}
    # 警告: 优秀 at most 称职; 记过: every grade to 不定等次
    assert kinds == {("优秀", "称职"), ("优秀", "不定等次"), ("称职", "不定等次"),
                     ("基本称职", "不定等次"), ("不称职", "不定等次")}
    assert all(t.replayed for t in eq.transitions)
    assert any(n.name == "受警告处分" for n in eq.inputs)


# ---------------------------------------------------------------- the command


def test_cli_prove_prints_regions_and_a_case(capsys):
    status = main(["diff", str(CITY), str(COUNTY), "--prove", "--lang", "en"])
    out, err = capsys.readouterr()
    assert status == 1 and not err
    assert "proved different, kinds of change: 4" in out
    assert "班子等次 较好 → 一般" in out and "· 20% ≤ 班子差评率 < 30%" in out
    assert "team-county.cases.json" in out and '"expect": {"班子等次": "一般"}' in out
    # votes as JSON numbers, never strings
    assert re.search(r'"班子测评": \{"优秀": \d+, "较好": \d+', out) and '"0"' not in out


def test_cli_prove_same_and_usage(capsys):
    assert main(["diff", str(CITY), str(CITY), "--prove"]) == 0
    out, _ = capsys.readouterr()
    assert "已证明没有不同" in out
    assert main(["diff", str(CITY), str(COUNTY), "--prove", "--data", "x.csv"]) == 2
    _, err = capsys.readouterr()
    assert "--prove 不能与 --data 一起用" in err


def test_a_list_of_scores_and_group_rules(tmp_path):
    # 优秀 needs the trimmed mean >= 优秀线: moved from 90 to 91, the band 90 <= mean < 91 goes
    # 优秀 → 良好; the require asks for five scores, so the smallest record has five
    rules = tmp_path / "line.rules"
    base = RULESETS / "banzu" / "rating.rules"
    rules.write_text(f'ruleset 改线 extends "{base}"\noverride param 优秀线 = 91\n',
                     encoding="utf-8")
    old, new = evalrules.load(base), evalrules.load(rules)
    eq = equivalence(old, new)
    assert eq.grouped and [(t.name, t.old, t.new) for t in eq.transitions] == [
        ("测评等次", "优秀", "良好")]
    t = eq.transitions[0]
    assert regions_of(t) == {("90 ≤ 去极值均分 < 91",)}
    assert t.replayed and len(t.record["评委打分"]) == 5
    assert "group rules: only each record's own part is proved" in render_diff.text(eq, "en")


def test_a_record_that_does_not_replay_is_a_bug_never_a_finding(monkeypatch):
    # as if the encoding disagreed with the reference on every record it found
    from evalrules.prove import equivalence as E
    monkeypatch.setattr(E, "_shows", lambda *a: False)
    eq = equivalence(evalrules.load(CITY), evalrules.load(COUNTY))
    assert eq.status == Status.UNKNOWN and len(eq.bugs) == 4
    text = render_diff.text(eq, "en")
    assert "4 records found do not replay" in text and "proved different" not in text
    assert text.count("does not replay through the reference evaluators: a bug") == 4


def test_cli_incomparable_rulesets_exit_2(tmp_path, capsys):
    rules = tmp_path / "other.rules"
    rules.write_text("ruleset 另一个\nballot 班子测评: 好, 差\nlet x = share(班子测评: 好)\n",
                     encoding="utf-8")
    assert main(["diff", str(CITY), str(rules), "--prove", "--lang", "en"]) == 2
    _, err = capsys.readouterr()
    assert "班子测评 is declared differently" in err


# ---------------------------------------------------------------- --where: the change confined


def test_a_change_confined_to_its_band_is_proved():
    # 市直 → 县区 moves only teams with 20% <= 班子差评率 < 30% (the working above)
    from evalrules.testing import assert_changes_only
    city, county = evalrules.load(CITY), evalrules.load(COUNTY)
    assert_changes_only(city, county, "班子差评率 >= 20% and 班子差评率 < 30%", prove=True)
    # a band one point too narrow leaves 20% <= share < 21% moving: one vote of five
    with pytest.raises(DiffFailed) as info:
        assert_changes_only(city, county, "班子差评率 >= 21% and 班子差评率 < 30%", prove=True)
    eq = info.value.diff
    for t in eq.transitions:
        assert t.replayed and total_votes(t.record) == 6
        assert city.evaluate(t.record)["班子差评率"] == Fraction(1, 5)
        assert {r[0] for r in regions_of(t)} == {"20% ≤ 班子差评率 < 21%"}
    assert "records where --where holds are left out" in str(info.value)


def test_cli_prove_where(capsys):
    where = "班子差评率 >= 20% and 班子差评率 < 30%"
    assert main(["diff", str(CITY), str(COUNTY), "--prove", "--where", where]) == 0
    out, _ = capsys.readouterr()
    assert "已证明没有不同" in out and "不计 --where 成立的记录" in out
    assert main(["diff", str(CITY), str(COUNTY), "--prove", "--where", "没有这个 >= 1"]) == 2
    _, err = capsys.readouterr()
    assert "不是" in err and "的条件" in err


def test_a_quota_history_and_a_scaled_integer_in_regions():
    # 优秀 becomes 称职 under the quota exactly where the old grade is 优秀: 拟定等次 is 优秀, no
    # 不定等次 (not 试用期, not 受记过, 病事假天数 * 2 <= 365: at most 182 whole days), no 警告
    # (it would be 称职 already) — and the quota moves the record (what the group decided)
    old = evalrules.load(RULESETS / "gongwuyuan" / "annual.rules")
    new = evalrules.load(RULESETS / "gongwuyuan" / "annual-quota.rules")
    eq = equivalence(old, new, outputs=["年度等次", "记三等功"])
    assert eq.grouped
    found = {(t.name, t.old, t.new): t for t in eq.transitions}
    assert regions_of(found["年度等次", "优秀", "称职"]) == {(
        "病事假天数 ≤ 182", "拟定等次 is 优秀", "not 试用期", "not 受警告处分",
        "not 受记过以上处分", "quota 年度等次")}
    # 记三等功 is lost where a third 优秀 in a row is moved by the quota
    assert regions_of(found["记三等功", True, False]) == {(
        "病事假天数 ≤ 182", "往年等次.streak(优秀) ≥ 2", "拟定等次 is 优秀", "not 试用期",
        "not 受警告处分", "not 受记过以上处分", "quota 年度等次")}
    assert all(t.replayed for t in eq.transitions)


def test_a_let_the_new_ruleset_computes_otherwise_is_named_with_its_ruleset(tmp_path):
    # 班子差评率 redefined as the 较差 share alone: the regions speak of both, the new one named
    rules = tmp_path / "let.rules"
    rules.write_text(f'ruleset 改定义 extends "{CITY}"\n'
                     "override let 班子差评率 = share(班子测评: 较差)\n", encoding="utf-8")
    eq = equivalence(evalrules.load(CITY), evalrules.load(rules), outputs=["班子等次"])
    t = next(t for t in eq.transitions if (t.old, t.new) == ("一般", "较好"))
    texts = [" and ".join(r) for r in regions_of(t)]
    # 一般 in the old needs 班子差评率 >= 30% (with one of the other two), and the new share
    # (较差 alone) under 30% loses it
    assert texts and all("班子差评率 (改定义) < 30%" in x for x in texts)
    assert all(("班子差评率 ≥ 30%" in x or "班子差评率 ≥ 50%" in x or "30% ≤ 班子差评率" in x)
               for x in texts)
    assert t.replayed


def test_cli_prove_without_z3_says_how_to_install(monkeypatch, capsys):
    import sys
    monkeypatch.setitem(sys.modules, "z3", None)  # as if z3-solver were not installed
    for name in ("evalrules.prove.equivalence", "evalrules.prove.render_diff"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    assert main(["diff", str(CITY), str(COUNTY), "--prove", "--lang", "en"]) == 2
    _, err = capsys.readouterr()
    assert "diff --prove needs z3-solver" in err and "verify" in err
