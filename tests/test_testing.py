"""evalrules.testing: strategies, stated and built-in checks, diff, cases, the plugin and the CLI.

Examples per property come from EVALRULES_TESTING_EXAMPLES (default 15, seeded); a thorough run:
EVALRULES_TESTING_EXAMPLES=500 python -m pytest tests/test_testing*.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import evalrules
from evalrules.cli import main
from evalrules.io import read_rows
from evalrules.testing import CheckFailed, diff, invalid_records, records, run_checks
from evalrules.testing.cases import load_cases, run_case
from evalrules.testing.coverage import Coverage

from conftest import ROOT, RULESETS, bundled_rulesets

EXAMPLES = int(os.environ.get("EVALRULES_TESTING_EXAMPLES", "15"))
CITY = RULESETS / "fanwen9" / "team-city.rules"
COUNTY = RULESETS / "fanwen9" / "team-county.rules"
SINGLE = [p for p in bundled_rulesets()
          if not evalrules.load(p).checked.groups]


@pytest.mark.parametrize("path", SINGLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_bundled_ruleset_states_checks_and_passes_them(path):
    ruleset = evalrules.load(path)
    assert ruleset.checks, f"{path.name} states no check"
    run_checks(ruleset, max_examples=EXAMPLES, seed=0)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_records_are_valid_and_invalid_records_are_rejected(data):
    ruleset = evalrules.load(data.draw(st.sampled_from(SINGLE)))
    ruleset.evaluate(data.draw(records(ruleset)))
    with pytest.raises(evalrules.InputError):
        ruleset.evaluate(data.draw(invalid_records(ruleset)))


def test_records_land_exactly_on_share_thresholds():
    # Seeded: the edge draw picks one of 班子测评's five share thresholds, an offset of -1/0/+1
    # and a total, so an exact 30% of 一般+较差 is only ~2% of records; unseeded, 150 examples
    # missed it in about one run in five. Seed 0 lands on each value about nine times.
    ruleset = evalrules.load(CITY)
    seen = set()

    @seed(0)
    @settings(max_examples=150, deadline=None, database=None)
    @given(records(ruleset))
    def collect(record):
        seen.add(ruleset.evaluate(record)["班子差评率"])

    collect()
    assert {Fraction(3, 10), Fraction(1, 2)} <= seen  # 一般线 and 差评合计线, exactly


def test_fixed_fields_take_strategies_and_bad_arguments_are_invalid():
    ruleset = evalrules.load(CITY)

    @settings(max_examples=10, deadline=None)
    @given(records(ruleset, 考核目标完成=st.just("差距较大")))
    def fixed(record):
        assert record["考核目标完成"] == "差距较大"

    fixed()
    with pytest.raises(InvalidArgument, match=r"st\.just"):
        records(ruleset, 考核目标完成="好")
    with pytest.raises(InvalidArgument, match="did you mean"):
        records(ruleset, 考核目标=st.just("好"))
    with pytest.raises(InvalidArgument):
        records("team-city.rules")


def test_diff_of_city_and_county_finds_the_20_30_difference_from_generated_data():
    d = diff(evalrules.load(CITY), evalrules.load(COUNTY), max_examples=200, seed=0)
    assert ("班子等次", "较好", "一般") in d.transitions
    record = d.examples[("班子等次", "较好", "一般")][0]
    share = evalrules.load(CITY).evaluate(record)["班子差评率"]
    assert Fraction(1, 5) <= share < Fraction(3, 10)


def test_diff_on_a_data_file_counts_exact_transitions():
    rows = list(read_rows(ROOT / "tests" / "data" / "team-change.jsonl"))
    d = diff(evalrules.load(CITY), evalrules.load(COUNTY), rows)
    assert d.transitions == {("班子等次", "较好", "一般"): 1, ("班子等次", "一般", "较差"): 1,
                             ("物质奖励", True, False): 1, ("集体谈话限期改进", False, True): 1}
    assert (d.compared, d.differing) == (4, 2)
    assert "班子等次 较好 → 一般: 1" in d.report()


def test_diff_of_a_ruleset_with_itself_is_empty():
    city = evalrules.load(CITY)
    assert not diff(city, city, max_examples=30, seed=0)


def test_cases_and_coverage():
    rules, cases = load_cases(RULESETS / "fanwen9" / "team-city.cases.json")
    ruleset = evalrules.load(rules)
    coverage = Coverage(ruleset)
    for case in cases:
        problems, result = run_case(ruleset, case)
        assert not problems
        if result is not None:
            coverage.add(result)
    items = {item.strip(): ok for item, ok, _ in coverage.items()}
    assert items["grade 班子等次 rule 优秀"] and items["veto 人口计生综治"]
    assert not items["condition 班子状况 is 不团结"]  # no case has a team that is not united
    assert "not exercised by any case" in coverage.report()


def test_csv_cases(tmp_path):
    (tmp_path / "t.rules").write_text(CITY.read_text(encoding="utf-8").replace(
        "ruleset 市直领导班子年度考核", "ruleset 副本"), encoding="utf-8")
    (tmp_path / "t.cases.csv").write_text(
        "name,考核目标完成,班子状况,干部精神状态好,班子测评.优秀,班子测评.较好,班子测评.一般,"
        "班子测评.较差,正职测评.优秀,正职测评.称职,正职测评.基本称职,正职测评.不称职,"
        "expect:班子等次,expect:班子差评率,vetoes,outcomes\n"
        "全面优秀,好,团结协调,是,6,3,1,0,6,3,1,0,优秀,0.1,无,物质奖励\n"
        "写错的期望,好,团结协调,是,6,3,1,0,6,3,1,0,较好,,,\n", encoding="utf-8")
    rules, cases = load_cases(tmp_path / "t.cases.csv")
    ruleset = evalrules.load(rules)
    assert run_case(ruleset, cases[0])[0] == []
    assert run_case(ruleset, cases[1])[0] == ["班子等次: expected 较好, got 优秀"]


def _pytest(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_plugin_collects_cases_only_when_pointed_at_them(tmp_path):
    out = _pytest("rulesets/fanwen9/team-city.cases.json").stdout
    assert "18 passed" in out
    bad = tmp_path / "rulesets"
    bad.mkdir()
    (bad / "t.rules").write_text(CITY.read_text(encoding="utf-8"), encoding="utf-8")
    (bad / "t.cases.json").write_text(
        '{"ruleset": "t.rules", "cases": [{"name": "写错", "input": {"考核目标完成": "好", '
        '"班子状况": "团结协调", "干部精神状态好": true, "班子测评": {"优秀": 6, "较好": 3, '
        '"一般": 1, "较差": 0}, "正职测评": {"优秀": 6, "称职": 3, "基本称职": 1, "不称职": 0}},'
        ' "expect": {"班子等次": "较好"}}]}', encoding="utf-8")
    result = _pytest(str(bad))
    assert "1 failed" in result.stdout
    assert "班子等次: expected 较好, got 优秀" in result.stdout
    assert "由“优秀”规则评定为优秀。" in result.stdout  # the explanation
    (tmp_path / "t.cases.json").write_text("{}", encoding="utf-8")
    assert "no tests ran" in _pytest(str(tmp_path / "elsewhere"), "--co",
                                     cwd=tmp_path).stdout + "no tests ran"


def test_import_evalrules_does_not_import_hypothesis():
    code = ("import sys, evalrules, evalrules.testing, evalrules.testing.plugin; "
            "assert 'hypothesis' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_test_and_diff(tmp_path, capsys):
    assert main(["test", str(CITY), "--examples", "10", "--seed", "0", "--coverage"]) == 0
    out = capsys.readouterr().out
    assert "18 of 18 cases pass" in out and "check monotone 班子等次 in 班子测评" in out
    status = main(["diff", str(CITY), str(COUNTY), "--data",
                   str(ROOT / "tests" / "data" / "team-change.jsonl")])
    assert status == 1
    assert "班子等次 一般 → 较差：1" in capsys.readouterr().out
    assert main(["diff", str(CITY), str(CITY), "--examples", "20", "--seed", "0"]) == 0


def test_group_rulesets_are_checked_among_peers():
    """Ranks and quotas take part in the properties: each record is graded among fixed peers
    put in its group, and a counterexample carries them as the case's group."""
    from evalrules.testing._model import record_as_case
    from evalrules.testing.checks import Grouped

    rules = evalrules.load(ROOT / "rulesets" / "fanwen2" / "cadre-quota.rules")
    run_checks(rules, max_examples=10, seed=1)
    grouped = Grouped(rules)
    record = {**grouped._peers[0], "考核范围": "乙"}
    assert all(p["考核范围"] == "乙" for p in grouped.peers(record))
    case = record_as_case(grouped, record, "例")
    assert len(case["group"]) == Grouped.PEERS
    graded = rules.evaluate(case["input"], group=case["group"])
    assert case["expect"] == {g: graded[g] for g in rules.grades}


def test_public_names_are_the_functions_whatever_is_imported_first():
    """#27: ``import evalrules.testing as et; et.assert_equivalent; et.diff`` gave the module
    testing/diff.py: importing a submodule sets the package attribute of its name, over the lazily
    imported function. No submodule may share a public name, and in a fresh interpreter every
    public name, reached in any order, is what its module defines."""
    import pkgutil

    import evalrules.testing as et

    submodules = {m.name for m in pkgutil.iter_modules(et.__path__)}
    assert not submodules & set(et.__all__)
    code = ("import evalrules.testing as et\n"
            "et.assert_equivalent\n"
            "assert callable(et.diff) and et.diff.__name__ == 'diff', et.diff\n"
            "import inspect\n"
            "for name in sorted(et.__all__, reverse=True):\n"
            "    value = getattr(et, name)\n"
            "    assert not inspect.ismodule(value), name\n"
            "    assert value.__name__ == name, (name, value)\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)



TEAM6 = RULESETS / "fanwen6" / "team.rules"
_LOADED: dict = {}


def _load(path):
    if path not in _LOADED:
        _LOADED[path] = evalrules.load(path)
    return _LOADED[path]


def _pasted(text: str) -> str:
    """The cases a failure report prints for pasting (JSON objects, each followed by a comma)."""
    block = text.split("correct them to what the regulation says):\n", 1)[1]
    return block.rstrip().rstrip(",")


_RATES = {n: 1 for n in _load(TEAM6).inputs if n.endswith("完成率")}


@seed(0)
@settings(max_examples=max(EXAMPLES, 20), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=st.sampled_from([TEAM6, *SINGLE]).flatmap(
    lambda p: records(_load(p)).map(lambda r: (p, r))))
@example(drawn=(TEAM6, {**_RATES, "管理措施完成率": Fraction(1883, 20), "自身建设得分":
                        Decimal("19.50"), "工作实绩得分": Fraction(1, 3), "满意程度得分": 20}))
def test_pasted_cases_parse_back_to_the_same_record(tmp_path, drawn):
    """#22: a pasted case printed a decimal as "\\u0000num:94.15" (the regex looked for a raw
    NUL that json.dumps had escaped). Every case a failure prints is JSON that the cases-file
    reader reads back to the same record, which the ruleset grades as the case expects."""
    from evalrules.testing.checks import report
    from evalrules.values import coerce_record

    path, record = drawn
    ruleset = _load(path)
    text = report(ruleset, "check always 例", "the condition is false", (record,))
    line = text.splitlines()[3]
    assert line.startswith("record: ")
    shown = json.loads(line[len("record: "):], parse_float=Decimal)
    assert coerce_record(ruleset.checked, shown, ruleset.constants) == \
        coerce_record(ruleset.checked, record, ruleset.constants)
    cases = tmp_path / "t.cases.json"
    cases.write_text(f'{{"ruleset": {json.dumps(str(path))}, "cases": [\n{_pasted(text)}\n]}}',
                     encoding="utf-8")
    _, (case,) = load_cases(cases)
    assert case.input.keys() == record.keys()
    assert coerce_record(ruleset.checked, case.input, ruleset.constants) == \
        coerce_record(ruleset.checked, record, ruleset.constants)
    assert run_case(ruleset, case)[0] == []


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=3), max_leaves=12)


@seed(0)
@settings(max_examples=100, deadline=None, database=None)
@given(_JSON, st.sampled_from([None, 1, 2]))
def test_dumps_lays_out_json_as_json_dumps(value, indent):
    from evalrules.testing._model import dumps

    assert dumps(value, indent=indent) == json.dumps(value, ensure_ascii=False, indent=indent)


_CORNER = """ruleset 两项之和
input a: number in 0..100
input b: number in 0..100
let s = a + b - 90
check always s <= 100
"""
_CORNER_RUNS = """
import hashlib, sys
import evalrules
from hypothesis import given, seed, settings
from evalrules.testing import CheckFailed, records, run_checks

ruleset = evalrules.compile(sys.argv[1])
for _ in range(10):  # fresh Hypothesis seeds: the boundary records must not depend on them
    try:
        run_checks(ruleset, max_examples=5)
    except CheckFailed as e:
        assert e.check == "check always s <= 100", e.check
        assert {k: int(v) for k, v in e.records[0].items()} == {"a": 100, "b": 100}
    else:
        raise SystemExit("missed: a = b = 100 gives s = 110")
drawn = []

@seed(3)
@settings(max_examples=30, database=None)
@given(records(ruleset))
def draw(record):
    drawn.append(record)

draw()
print(hashlib.sha256(repr(drawn).encode()).hexdigest())
"""


def test_an_always_check_false_only_at_a_corner_is_never_missed():
    """#28: run_checks missed `check always s <= 100` (s = a + b - 90, false only near a = b =
    100) in about 1 run of 200: boundary records were a bias of the random draws, not a
    guarantee, and no draw combined two bounds. Now every property tries the boundary records
    first (both corners, every threshold and one step either side), whatever Hypothesis's seed.
    The suspected hash-order dependence is not there: under several PYTHONHASHSEED values a
    seeded run draws the very same records."""
    digests = set()
    for hashseed in ("0", "1", "2", "3"):
        out = subprocess.run([sys.executable, "-c", _CORNER_RUNS, _CORNER], capture_output=True,
                             text=True, timeout=120,
                             env={**os.environ, "PYTHONHASHSEED": hashseed})
        assert out.returncode == 0, out.stderr[-2000:]
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def _literal(v: Fraction) -> str:
    """A ruleset expression for an exact value."""
    body = f"({abs(v.numerator)} / {v.denominator})" if v.denominator != 1 else str(abs(v))
    return f"-{body}" if v < 0 else body


_VALUES = st.builds(Fraction, st.integers(-5000, 5000), st.integers(1, 400))


@st.composite
def _thresholds(draw) -> dict:
    """Thresholds and bounds of any denominator; bounds may be left out."""
    lo, hi = sorted(draw(st.tuples(_VALUES, _VALUES)))
    whole = draw(st.integers(-50, 50))
    return {"x_lo": draw(st.sampled_from([lo, None])), "x_hi": draw(st.sampled_from([hi, None])),
            "n_lo": whole - draw(_VALUES.map(abs)) % 7, "n_hi": whole + draw(_VALUES.map(abs)),
            "x": draw(_VALUES), "n": draw(_VALUES), "y": draw(_VALUES),
            "share": draw(st.builds(Fraction, st.integers(0, 400), st.integers(1, 400)).filter(
                lambda v: v <= 1))}


def _threshold_ruleset(t: dict) -> evalrules.Ruleset:
    x_range = (f" in {'lo' if t['x_lo'] is not None else ''}.."
               f"{'hi' if t['x_hi'] is not None else ''}") \
        if t["x_lo"] is not None or t["x_hi"] is not None else ""
    params = "".join(f"param {k} = {_literal(t[v])}\n" for k, v in
                     (("lo", "x_lo"), ("hi", "x_hi"), ("nlo", "n_lo"), ("nhi", "n_hi"))
                     if t[v] is not None)
    return evalrules.compile(
        f"ruleset 阈值\nballot 测评: 好, 中, 差\n{params}"
        f"input x: number{x_range}\ninput n: integer in nlo..nhi\n"
        f"let y = x * 3 / 7\nlet a = x >= {_literal(t['x'])}\nlet b = n < {_literal(t['n'])}\n"
        f"let c = y <= {_literal(t['y'])}\nlet d = share(测评: 好) >= {_literal(t['share'])}\n"
        "check always a or b or c or d or not (a or b or c or d)\n")


@seed(0)
@settings(max_examples=max(EXAMPLES, 25), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.nested_given])
@given(t=_thresholds(), data=st.data())
@example(t={"x_lo": None, "x_hi": None, "n_lo": 0, "n_hi": 10, "x": Fraction(3, 25),
            "n": 1, "y": 1, "share": Fraction(1, 2)}, data=None)  # `x >= 12%`, x unbounded
def test_thresholds_and_bounds_of_any_denominator(t, data):
    """#23: an unbounded number compared with 12% crashed records() (Hypothesis's fractions()
    takes bounds of denominator <= max_denominator only; 10% happened to pass). Any threshold
    and any bound, of any denominator: records and boundary records are valid, and the
    boundary records sit exactly on each number input's threshold when it is in range."""
    from evalrules.testing.strategies import boundary_records

    ruleset = _threshold_ruleset(t)
    strategy = records(ruleset)
    for _ in range(4 if data is not None else 0):
        ruleset.evaluate(data.draw(strategy))
    on = boundary_records(ruleset)
    for record in on:
        ruleset.evaluate(record)
    inside = (t["x_lo"] is None or t["x_lo"] <= t["x"]) and \
        (t["x_hi"] is None or t["x"] <= t["x_hi"])
    assert inside == any(Fraction(r["x"]) == t["x"] for r in on)
    run_checks(ruleset, max_examples=2, seed=0)


_LIMITED = """ruleset 限额
ballot 群众测评: 好, 较好, 一般
input 单位: text
input 得分: number in 0..100
input 人数: integer in 0..5
group by 单位:
  rank 名次 by 得分
  limit share(群众测评: 好) <= 30% "评价为“好”的人数不得超过被评价总人数的30%"
score 总分 = 得分
check always 名次 >= 1
check monotone 总分 in 得分
"""


def test_a_group_limit_is_not_a_totality_failure():
    """#24: totality failed on every ruleset with a group limit (a limit rejects a group whose
    records are each valid), so authors split files and ran --no-checks. A record rejected only
    by a limit is no totality failure; peers meet the limits by themselves; a record the limit
    rejects and that would fail anyway still is one."""
    from evalrules.testing.checks import Grouped, properties

    run_checks(evalrules.compile(_LIMITED), max_examples=max(EXAMPLES, 30), seed=0)
    broken = evalrules.compile(_LIMITED.replace("score 总分 = 得分", "score 总分 = 得分 / 人数"))
    grouped = Grouped(broken)
    totality = next(p for p in properties(grouped) if p.name.startswith("totality"))
    over = {"单位": "甲", "得分": 50, "群众测评": {"好": 100, "较好": 0, "一般": 0}}
    with pytest.raises(evalrules.InputError, match="30%"):
        grouped.evaluate({**over, "人数": 1})
    totality.test({**over, "人数": 1})  # rejected by the limit only
    with pytest.raises(CheckFailed, match=r"divides by zero|division by zero") as info:
        totality.test({**over, "人数": 0})
    assert "its group also fails limit" in str(info.value)
    with pytest.raises(CheckFailed) as info:
        run_checks(broken, max_examples=5, seed=0)
    assert info.value.check == "totality"


@seed(0)
@settings(max_examples=10, deadline=None, database=None)
@given(st.data())
def test_records_of_a_bare_group_ruleset_are_graded_alone(data):
    ruleset = _load(RULESETS / "fanwen2" / "team-dept-compare.rules")
    ruleset.evaluate(data.draw(records(ruleset)), group=[])


CADRE = RULESETS / "fanwen9" / "cadre-city.rules"


@pytest.mark.parametrize("flag", ["经核查确有严重问题", "年度考核不合格通报"])
@pytest.mark.parametrize("search_seed", [0, 1])
def test_diff_finds_a_veto_that_needs_every_condition_at_once(tmp_path, flag, search_seed):
    """#26: generated-data diff reported "no difference" on two seeds for a veto moving 优秀 to
    称职, which shows only when the five categories, both shares and the flag agree at once.
    The search now starts from both rulesets' boundary records, made without randomness: the
    best record (every condition of the best grade at once) with one flag raised among them."""
    (tmp_path / "cadre-city.rules").write_text(CADRE.read_text(encoding="utf-8"),
                                               encoding="utf-8")
    new_input = "" if flag == "经核查确有严重问题" else f"input {flag}: bool default false\n"
    (tmp_path / "new.rules").write_text(
        f'ruleset 新 extends "cadre-city.rules"\n{new_input}'
        f"veto 新否决 when {flag}:\n  干部等次 at most 称职\n", encoding="utf-8")
    old, new = evalrules.load(tmp_path / "cadre-city.rules"), evalrules.load(tmp_path / "new.rules")
    d = diff(old, new, max_examples=50, seed=search_seed)
    assert ("干部等次", "优秀", "称职") in d.transitions
    record = d.examples[("干部等次", "优秀", "称职")][0]
    assert record[flag] is True and new.evaluate(record)["干部等次"] == "称职"


_OLD = "ruleset 旧\ninput a: number in 0..100\nscore s = a\n"
_NEW = "ruleset 新\ninput a: number in 0..90\ninput b: integer in 1..\nscore s = a\n"


def test_diff_says_which_records_one_ruleset_refuses_and_which_fields_it_alone_reads():
    """#26: a record one ruleset grades and the other refuses was the transition
    ("InputError", "ok", RULE), and a field one ruleset does not know was dropped silently, so
    a new required input hid: the search always supplied it. Now such a record is a difference
    "accepted by OLD, refused by NEW (RULE)" whose example shows the refusal, the search also
    draws records for one ruleset alone, and the report lists the fields only one reads."""
    from evalrules.testing.changes import GRADED, REFUSED

    old, new = evalrules.compile(_OLD), evalrules.compile(_NEW)
    searched = diff(old, new, max_examples=30, seed=0)
    assert set(searched.transitions) == {(REFUSED, GRADED, "input a"),
                                         (REFUSED, GRADED, "input b")}
    text = searched.report()
    assert "accepted by 旧, refused by 新 (input b): 1" in text
    assert "[新] refuses it: input b: missing required field 'b'" in text
    assert "input b: only 新 reads it (integer in 1.. required); 旧 is not given it; 新 " \
        "refuses every record without it" in text
    assert "input a: number in 0..100 required → number in 0..90 required" in text
    assert "a search, not a proof" in text
    on_data = diff(old, new, [{"a": 95}, {"a": 50, "b": 2}, {"a": 50, "编号": "T1"}])
    assert on_data.transitions == {(REFUSED, GRADED, "input a"): 1,
                                   (REFUSED, GRADED, "input b"): 1}
    assert (on_data.compared, on_data.differing) == (3, 2)
    assert "input 编号: neither ruleset reads it (not compared)" in on_data.report()
    back = diff(new, old, [{"a": 95, "b": 1}])
    assert back.transitions == {(REFUSED, "input a", GRADED): 1}
    assert "accepted by 旧, refused by 新 (input a): 1" in back.report()


def _validations(monkeypatch, ruleset, examples: int) -> int:
    """How many strategies Hypothesis validates (each new strategy object once) while every
    property of ``ruleset`` runs ``examples`` seeded examples."""
    import threading

    from hypothesis.strategies._internal.strategies import SearchStrategy

    from evalrules.testing.checks import properties

    count = 0
    original = SearchStrategy.validate

    def counting(self):
        nonlocal count
        if not self.validate_called.get(threading.get_ident(), False):
            count += 1
        original(self)

    monkeypatch.setattr(SearchStrategy, "validate", counting)
    for prop in properties(ruleset):
        prop.run(max_examples=examples, seed=0, settings_=settings(database=None))
    return count


@pytest.mark.parametrize("path", [TEAM6, CITY], ids=lambda p: p.name)
def test_strategies_are_built_once_not_in_every_draw(monkeypatch, path):
    """#31: evalrules test spent ~38% of its time validating strategies built inside draws
    (records(ruleset) in each monotone draw, sampled_from of a fresh list in each spoiler…):
    161,801 validations for fanwen6/team.rules. Strategies are built once per ruleset and
    field, so thirty more examples per property validate (almost) nothing new."""
    ruleset = evalrules.load(path)
    records(ruleset)  # built once per ruleset
    few, more = (_validations(monkeypatch, ruleset, n) for n in (10, 40))
    assert more - few < 40, (few, more)
    assert records(ruleset) is records(ruleset)


@pytest.mark.parametrize("text", ["{", "[]", '{"cases": 5}', '{"cases": [1]}',
                                  '{"ruleset": 5, "cases": []}', '{"rulez": "x"}'])
def test_a_malformed_cases_file_is_a_data_error_naming_it(tmp_path, text):
    from evalrules.diagnostics import DataError
    from evalrules.testing.cases import load_cases

    path = tmp_path / "x.cases.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"x\.cases\.json"):
        load_cases(path)
