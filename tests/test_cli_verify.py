"""``evalrules verify`` for people: a report rendered in both languages (bugs first, errors before
warnings, a counterexample as cases that load as a cases file and reproduce, an unknown with its
reason in words), ``--json``, the exit statuses, z3 missing, and end to end on a bundled ruleset
and a mutant.

The hand-made reports use tests/mutants/ge-to-le.rules (team-city with 较差's `班子较差率 >=
较差票线` turned into `<=`). Its smallest monotone counterexample, worked by hand: three votes in
班子测评, one of them 较差 (1/3 > 30%, so the mutated line does not hold), 存在突出问题, targets
好 and a 团结协调 team: 好评率 2/3 < 90% (not 优秀), only one of 一般's three items holds
(差评率 1/3 ≥ 30%), none of 较差's: 较好. Move the 较差 vote to 一般: 较差率 0 ≤ 30% with
存在突出问题 makes it 较差.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys

import pytest

import evalrules
from evalrules.cli import main
from evalrules.messages import say
from evalrules.prove import render
from evalrules.prove.report import Counterexample, Kind, Obligation, Report, Severity
from evalrules.prove.solve import Status
from evalrules.testing.cases import load_cases, run_case

from conftest import ROOT

MUTANT = ROOT / "tests" / "mutants" / "ge-to-le.rules"
CITY = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
MONOTONE = "check monotone 班子等次 in 班子测评"

BASE = {"考核目标完成": "好", "班子状况": "团结协调", "干部精神状态好": True, "存在突出问题": True,
        "正职测评": {"优秀": 1, "称职": 0, "基本称职": 0, "不称职": 0}}
BEFORE = {**BASE, "班子测评": {"优秀": 2, "较好": 0, "一般": 0, "较差": 1}}
AFTER = {**BASE, "班子测评": {"优秀": 2, "较好": 0, "一般": 1, "较差": 0}}


def refuted_monotone() -> Obligation:
    shows = Counterexample((BEFORE, AFTER), "verify.shows.vote_lowers", {
        "ballot": "班子测评", "worse": "较差", "better": "一般", "target": "班子等次",
        "before": "较好", "after": "较差"})
    return Obligation(Kind.CHECK, MONOTONE, Status.REFUTED, Severity.ERROR, shows)


def report(*obligations: Obligation, **options) -> Report:
    return Report("变异_大于等于变小于等于", "tests/mutants/ge-to-le.rules", obligations,
                  **options)


PROVED = Obligation(Kind.TOTALITY, "班子优秀率", Status.PROVED, Severity.ERROR)
MASKED = Obligation(Kind.DECIDES, "grade 班子等次 rule 一般", Status.REFUTED, Severity.WARNING,
                    related=("较差",), reason="masked")
NEVER = Obligation(Kind.DECIDES, "grade 班子等次 rule 较差", Status.REFUTED, Severity.WARNING,
                   reason="never-holds")
TIMED_OUT = Obligation(Kind.REACHABLE, "班子等次 is 优秀", Status.UNKNOWN, Severity.WARNING,
                       reason="timeout")
NONLINEAR = Obligation(Kind.CHECK, "check always 得分 >= 0", Status.UNKNOWN, Severity.ERROR,
                       reason="nonlinear")
BUG = Obligation(Kind.VETO, "veto 人口计生综治", Status.REFUTED, Severity.ERROR,
                 Counterexample((BEFORE,), "verify.shows.veto_changes", {}, replayed=False))
#: An example the reference does not reproduce proves nothing: unknown, and a bug.
UNREPLAYED_EXAMPLE = Obligation(
    Kind.VETO, "veto 人口计生综治", Status.UNKNOWN, Severity.WARNING,
    witness=Counterexample((BEFORE,), "verify.shows.veto_changes", {}, replayed=False),
    reason="not-replayed")


def pasted_cases(out: str) -> list[dict]:
    """The cases the text offers to paste: the lines that are JSON objects, comma-ended."""
    return [json.loads(line.strip().rstrip(",")) for line in out.splitlines()
            if line.strip().startswith('{"name"')]


# ---------------------------------------------------------------- rendering


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refuted_check_is_shown_as_cases_that_load_as_a_cases_file(lang, tmp_path):
    mutant = evalrules.load(MUTANT)
    out = render.text(report(PROVED, refuted_monotone(), seconds=1.25), lang, ruleset=mutant)
    lines = out.splitlines()
    assert lines[0] == {"zh": "变异_大于等于变小于等于（tests/mutants/ge-to-le.rules）",
                        "en": "变异_大于等于变小于等于 (tests/mutants/ge-to-le.rules)"}[lang]
    assert lines[1] == {"zh": "  已证明 1 项，推翻 1 项，未知 0 项（1.2 秒）",
                        "en": "  1 proved, 1 refuted, 0 unknown (1.2 s)"}[lang]
    assert {"zh": f"  错误（不成立）：{MONOTONE}", "en": f"  error (refuted): {MONOTONE}"}[lang] \
        in lines
    assert "tests/mutants/ge-to-le.cases.json" in out
    cases = pasted_cases(out)
    assert [c["input"] for c in cases] == [BEFORE, AFTER]
    assert [c["expect"] for c in cases] == [{"班子等次": "较好"}, {"班子等次": "较差"}]
    assert "before" in cases[0]["name"] or "移动前" in cases[0]["name"]
    # pasted into a cases file beside the ruleset, they load and pass (they say what it gives now)
    path = tmp_path / "ge-to-le.cases.json"
    path.write_text(json.dumps({"ruleset": str(MUTANT), "cases": cases}, ensure_ascii=False),
                    encoding="utf-8")
    rules, loaded = load_cases(path)
    assert rules == MUTANT
    assert [run_case(mutant, c)[0] for c in loaded] == [[], []]


def test_a_record_that_cannot_be_graded_is_a_case_that_fails_until_the_ruleset_is_fixed(
        tmp_path):
    """tests/mutants/zero-allowed.rules divides by 本单位被评价总人数, which may now be 0: the
    error names no field, so the case cannot expect it, and fails as the unexpected error."""
    path = ROOT / "tests" / "mutants" / "zero-allowed.rules"
    mutant = evalrules.load(path)
    record = {"本单位被评价总人数": 0, "单张测评表评好人数最大值": 0, "县领导和组织部评价得分": 0,
              "目标考核得分": 0, "综合评议得分": 0, "督查扣分": 0, "获奖加分": 0,
              "群众测评": {"好": 0, "较好": 0, "一般": 1}}
    fails = Obligation(Kind.TOTALITY, "let 评好比例", Status.REFUTED, Severity.ERROR,
                       Counterexample((record,), "verify.shows.error", {"error": "÷ 0"}))
    [case] = pasted_cases(render.text(report(fails), "en", ruleset=mutant))
    assert case == {"name": "let 评好比例 (counterexample)", "input": record}
    (tmp_path / "z.cases.json").write_text(json.dumps({"ruleset": str(path), "cases": [case]}),
                                           encoding="utf-8")
    [problem] = run_case(mutant, load_cases(tmp_path / "z.cases.json")[1][0])[0]
    assert problem.startswith("unexpected input error")


def test_what_the_counterexample_shows_goes_through_the_catalogue(monkeypatch):
    from evalrules import messages
    monkeypatch.setitem(messages.MESSAGES, "verify.shows.vote_lowers", (
        "{ballot} 一票由 {worse} 改投 {better}，{target} 由 {before} 降为 {after}",
        "one vote of {ballot} from {worse} to {better} lowers {target} from {before} to {after}"))
    ce = refuted_monotone().counterexample
    assert ce is not None
    assert render.shows(ce, "zh") == "班子测评 一票由 较差 改投 一般，班子等次 由 较好 降为 较差"
    out = render.text(report(refuted_monotone()), "en")
    assert ("    the counterexample shows: one vote of 班子测评 from 较差 to 一般 lowers 班子等次 "
            "from 较好 to 较差") in out.splitlines()


def test_without_the_ruleset_the_cases_hold_the_input_only():
    cases = pasted_cases(render.text(report(refuted_monotone()), "en"))
    assert [set(c) for c in cases] == [{"name", "input"}] * 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_errors_come_before_warnings_and_unknowns_say_why(lang):
    out = render.text(report(TIMED_OUT, MASKED, NONLINEAR, NEVER), lang, timeout=7)
    heads = [line for line in out.splitlines() if line.startswith("  ") and
             not line.startswith("   ")][1:]
    assert [h.rsplit("：" if lang == "zh" else ": ", 1)[1] for h in heads] == [
        "check always 得分 >= 0", "班子等次 is 优秀", "grade 班子等次 rule 一般",
        "grade 班子等次 rule 较差"]
    assert "masked" not in out.replace("masked by", "")  # the reason's code is said in words
    if lang == "en":
        assert "    why: the solver gave up after 7 s; raise --timeout" in out
        assert "a product of two unknowns" in out
        assert "    masked by the rules: 较差" in out
        assert "    no valid record does" in out
        assert "    its condition holds for no valid record" in out
    else:
        assert "    原因：求解器 7 秒后放弃；可以加大 --timeout" in out
        assert "两个未知数的乘积" in out
        assert "    挡住它的规则：较差" in out
        assert "    它的条件对任何有效记录都不成立" in out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("bug", [BUG, UNREPLAYED_EXAMPLE])
def test_a_counterexample_that_does_not_replay_is_a_bug_not_a_finding(lang, bug):
    out = render.text(report(refuted_monotone(), bug), lang)
    assert {"zh": "请报告", "en": "Please report it"}[lang] in out
    assert {"zh": "evalrules 的缺陷", "en": "a bug of evalrules"}[lang] in out
    # shown first, with its record, and never as a refutation of the ruleset
    assert out.index("veto 人口计生综治") < out.index(MONOTONE)
    for status in ("refuted", "unknown"):
        assert say(f"verify.report.{status}", lang) + {"zh": "）：veto", "en": "): veto"}[lang] \
            not in out
    assert json.dumps(BEFORE, ensure_ascii=False) in out


def test_a_clean_run_is_short_and_verbose_lists_what_was_proved():
    clean = report(PROVED, Obligation(Kind.REACHABLE, "班子等次 is 较差", Status.PROVED,
                                      Severity.WARNING), seconds=0.31)
    assert render.text(clean, "en").splitlines() == [
        "变异_大于等于变小于等于 (tests/mutants/ge-to-le.rules)",
        "  all 2 proved: they hold for every valid record (0.3 s)"]
    assert render.text(clean, "zh", verbose=True).splitlines()[-2:] == [
        "  已证明：班子优秀率", "  已证明：班子等次 is 较差"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_grouped_or_abstract_ruleset_says_what_was_verified(lang):
    out = render.text(report(PROVED, grouped=True, abstract=True), lang)
    assert {"zh": "只验证了单条记录的部分", "en": "per-record part only"}[lang] in out
    assert {"zh": "近似描述", "en": "approximately"}[lang] in out


def test_the_json_report_is_every_obligation_with_exact_numbers():
    mutant = evalrules.load(MUTANT)
    data = json.loads(json.dumps(render.data(report(PROVED, refuted_monotone(), TIMED_OUT),
                                             "en", ruleset=mutant)))
    assert (data["ok"], data["proved"], data["refuted"], data["unknown"]) == (False, 1, 1, 1)
    assert [o["status"] for o in data["obligations"]] == ["proved", "refuted", "unknown"]
    assert data["obligations"][2]["reason"] == "timeout"
    ce = data["obligations"][1]["counterexample"]
    assert ce["records"][0]["班子测评"] == {"优秀": "2", "较好": "0", "一般": "0", "较差": "1"}
    # the records read back as the same records: the reference grades them the same
    assert mutant.evaluate(ce["records"][0])["班子等次"] == "较好"
    assert [c["expect"] for c in ce["cases"]] == [{"班子等次": "较好"}, {"班子等次": "较差"}]
    assert ce["replayed"] is True


# ---------------------------------------------------------------- the command


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def verifies(monkeypatch):
    """``evalrules.verify`` answering with the given report whatever the ruleset."""
    asked: list[dict] = []

    def given(answer: Report) -> list[dict]:
        def verify(ruleset, **options):
            asked.append({"ruleset": ruleset.name, **options})
            return answer
        monkeypatch.setattr(evalrules, "verify", verify, raising=False)
        return asked
    return given


@pytest.mark.parametrize(("answer", "status"), [
    (report(PROVED, MASKED), 0),  # a warning does not fail the run
    (report(PROVED, refuted_monotone()), 1),
    (report(NONLINEAR), 1),  # unknown is never a pass
    (report(PROVED, BUG), 2),
    (report(PROVED, UNREPLAYED_EXAMPLE), 2),  # a warning's, too: evalrules is wrong somewhere
])
def test_the_exit_status_says_whether_every_error_class_obligation_was_proved(
        verifies, answer, status):
    verifies(answer)
    assert run_cli(["verify", str(MUTANT), "--lang", "en"])[0] == status


def test_options_reach_verify_and_several_rulesets_are_summed_up(verifies):
    asked = verifies(report(PROVED))
    status, out, _ = run_cli(["verify", str(MUTANT), str(CITY), "--monotone-all",
                              "--timeout", "2.5", "--lang", "en"])
    assert status == 0
    assert asked == [{"ruleset": "变异_大于等于变小于等于", "monotone_all": True, "timeout": 2.5},
                     {"ruleset": "市直领导班子年度考核", "monotone_all": True, "timeout": 2.5}]
    assert out.splitlines()[-1] == "2 rulesets: 2 pass, 0 fail"


def test_a_folder_stands_for_every_ruleset_under_it(verifies, tmp_path):
    asked = verifies(report(PROVED))
    for name in ("b.rules", "sub/a.rules"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(f"ruleset {name[-7]}\ninput x: integer in 0..9\n",
                                     encoding="utf-8")
    (tmp_path / "b.cases.json").write_text("{}", encoding="utf-8")  # not a ruleset
    status, out, _ = run_cli(["verify", str(tmp_path), "--lang", "en"])
    assert status == 0
    assert [a["ruleset"] for a in asked] == ["b", "a"]  # b.rules before sub/a.rules
    assert out.splitlines()[-1] == "2 rulesets: 2 pass, 0 fail"


@pytest.mark.parametrize("timeout", ["0", "-1", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(timeout, capsys):
    with pytest.raises(SystemExit) as e:
        main(["verify", str(MUTANT), "--timeout", timeout])
    assert e.value.code == 2


def test_json_on_the_command_line(verifies):
    verifies(report(PROVED, refuted_monotone()))
    status, out, _ = run_cli(["verify", str(MUTANT), "--json", "--lang", "en"])
    assert status == 1
    [data] = json.loads(out)
    assert data["path"].endswith("tests/mutants/ge-to-le.rules")
    assert data["obligations"][1]["counterexample"]["cases"][1]["expect"] == {"班子等次": "较差"}


def test_a_ruleset_that_does_not_compile_gets_its_diagnostics(verifies, tmp_path):
    verifies(report(PROVED))
    bad = tmp_path / "bad.rules"
    bad.write_text("ruleset bad\nlet a = 未定义\n", encoding="utf-8")
    status, out, _ = run_cli(["verify", str(bad), "--lang", "en"])
    assert status == 1
    assert "error[E" in out and "未定义" in out
    assert out.splitlines()[-1] == f"{bad}: the ruleset has errors; not verified"
    status, out, _ = run_cli(["verify", str(bad), "--json"])
    assert status == 1 and json.loads(out)[0]["diagnostics"][0]["severity"] == "error"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_z3_the_command_says_what_to_install(monkeypatch, lang):
    monkeypatch.setitem(sys.modules, "z3", None)  # `import z3` raises ImportError
    status, out, err = run_cli(["verify", str(CITY), "--lang", lang])
    assert status == 2 and out == ""
    assert "[verify]" in err and "Traceback" not in err
    assert {"zh": "需要 verify 扩展", "en": "needs the verify extra"}[lang] in err


# ---------------------------------------------------------------- end to end

def test_a_bundled_ruleset_verifies_clean():
    status, out, err = run_cli(["verify", str(CITY), "--lang", "en"])
    assert status == 0, out + err
    assert "all " in out.splitlines()[1]


def test_the_mutant_the_sampled_check_misses_is_refuted_with_cases_that_reproduce(tmp_path):
    status, out, _ = run_cli(["verify", str(MUTANT), "--lang", "en"])
    assert status == 1
    assert f"  error (refuted): {MONOTONE}" in out.splitlines()
    cases = [c for c in pasted_cases(out) if c["name"].startswith(MONOTONE)]
    assert len(cases) == 2
    mutant = evalrules.load(MUTANT)
    before, after = (mutant.evaluate(c["input"])["班子等次"] for c in cases[:2])
    order = mutant.grades["班子等次"]
    assert order.index(after) > order.index(before)  # the grade got worse
