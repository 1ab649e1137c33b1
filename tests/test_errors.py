"""One family of errors and one table of exit statuses.

Every exception evalrules raises on purpose is an ``EvalRulesError`` (with ``ValueError``,
``KeyError`` or ``AssertionError`` as a second base where callers expect one), every runtime error
code is documented, and every subcommand exits with the status the table in :mod:`evalrules.cli`
(``evalrules --help``, docs/user-guide.md) gives for each cause.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import evalrules
from evalrules import fmt
from evalrules.cli import COMMANDS, main
from evalrules.diagnostics import (
    RUNTIME_CODES,
    DataError,
    EvalRulesError,
    InputError,
    RulesetError,
    RuntimeCode,
    UnknownName,
)
from evalrules.install import install_command
from evalrules.io import MissingDependency, read_rows, require_format
from evalrules.messages import say

from conftest import ROOT

CITY = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
COUNTY = ROOT / "rulesets" / "fanwen9" / "team-county.rules"
SAMPLE = ROOT / "examples" / "team-city.csv"
CHANGES = ROOT / "tests" / "data" / "team-change.jsonl"


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


# ---------------------------------------------------------------- the error family

def test_every_exception_class_is_an_evalrules_error():
    pytest.importorskip("hypothesis")
    from evalrules.testing import CheckFailed, DiffFailed
    from evalrules.testing.plugin import CaseFailed

    for cls, also in [(DataError, ValueError), (MissingDependency, ValueError),
                      (InputError, ValueError), (UnknownName, KeyError),
                      (CheckFailed, AssertionError), (CaseFailed, AssertionError),
                      (DiffFailed, AssertionError), (fmt.FormatError, EvalRulesError),
                      (RulesetError, EvalRulesError)]:
        assert issubclass(cls, EvalRulesError) and issubclass(cls, also), cls


@pytest.mark.parametrize(("name", "text", "message"), [
    ("data.txt", "x", "cannot read data.txt: use .csv, .xlsx, .xls, .json or .jsonl"),
    ("data.json", "{not json", "data.json: not valid JSON: Expecting property name"),
    ("data.json", '{"a": 1}', "data.json: a JSON data file is a list of records"),
    ("data.jsonl", '{"a": 1}\n[\n', "data.jsonl, line 2: not valid JSON"),
])
def test_a_data_file_that_cannot_be_read_is_a_data_error(name, text, message, tmp_path):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(message)):
        list(read_rows(path))
    with pytest.raises(DataError, match=re.escape("use .csv, .xlsx, .json or .jsonl")):
        require_format(tmp_path / "out.txt")


def test_diff_unknown_output_and_a_failed_assertion():
    pytest.importorskip("hypothesis")
    from evalrules.testing.changes import DiffFailed, assert_equivalent, diff

    city, county = evalrules.load(CITY), evalrules.load(COUNTY)
    with pytest.raises(UnknownName, match="'班子等级' is not a value of both") as info:
        diff(city, county, [], outputs=["班子等级"])
    assert isinstance(info.value, KeyError) and info.value.name == "班子等级"
    records = list(read_rows(CHANGES))
    with pytest.raises(DiffFailed, match="not equivalent") as failed:
        assert_equivalent(city, county, records)
    assert isinstance(failed.value, AssertionError) and failed.value.diff.differing >= 1
    assert_equivalent(city, city, records)


def test_a_formatter_bug_is_a_format_error_and_fmt_writes_nothing(tmp_path, capsys, monkeypatch):
    path = tmp_path / "x.rules"
    path.write_text("ruleset x\nlet a=1\n", encoding="utf-8")
    monkeypatch.setattr(fmt, "_format", lambda text: text + "let b = 2\n")
    with pytest.raises(fmt.FormatError, match="would change its meaning"):
        fmt.format_source(path.read_text(encoding="utf-8"))
    status, _, err = run(capsys, "fmt", path)
    assert status == 2 and "would change its meaning" in err
    assert path.read_text(encoding="utf-8") == "ruleset x\nlet a=1\n"


def test_every_runtime_code_is_documented_with_an_example():
    assert [c.value for c in RuntimeCode] == list(RUNTIME_CODES)
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for code in RUNTIME_CODES:
        row = re.search(rf"^\| `{code}` \|(.+)\|(.+)\|$", api, re.MULTILINE)
        assert row is not None, f"{code} is not in the table of docs/api.md"


def test_an_input_errors_dict_carries_its_code_as_json():
    with pytest.raises(InputError) as info:
        evalrules.load(CITY).evaluate({})
    data = json.loads(json.dumps(info.value.to_dict(), ensure_ascii=False))
    assert data["code"] == info.value.code == RuntimeCode.MISSING == "R103"


# ---------------------------------------------------------------- exit statuses

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_shows_the_exit_statuses(capsys, monkeypatch, lang):
    monkeypatch.setenv("EVALRULES_LANG", lang)
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert say("help.exit", lang).splitlines()[1] in out
    assert ("退出状态" in out) == (lang == "zh")
    for status in "012":
        assert re.search(rf"^  {status}  ", out, re.MULTILINE)


#: Rulesets that do not compile: a syntax error, a name error.
BROKEN = {"syntax": ("ruleset 坏\nlet a = = 1\n", "E102"),
          "names": ("ruleset 坏\nlet a = b\n", "E201")}


#: Every command, given a ruleset (RULES) that does not compile or does not exist.
ON_A_RULESET = [
    ("check", ["check", "RULES"]),
    ("eval", ["eval", "RULES", SAMPLE]),
    ("explain", ["explain", "RULES", SAMPLE, "--row", "1"]),
    ("report", ["report", "RULES", SAMPLE, "-o", "TMP/r.html"]),
    ("fmt", ["fmt", "RULES"]),
    ("init", ["init", "TMP/new", "--extends", "RULES"]),
    ("test", ["test", "RULES", "--no-checks"]),
    ("diff", ["diff", "RULES", CITY, "--data", CHANGES]),
    ("diff", ["diff", CITY, "RULES", "--data", CHANGES]),
    ("verify", ["verify", "RULES"]),
]


#: Commands given no ruleset: `serve DIR` serves a directory, a ruleset of it with errors as such
#: (409 when asked to grade; tests/test_serve.py), and says so as it starts; the language server
#: reads the editor's text, and a ruleset that does not compile is its diagnostics there
#: (tests/test_lsp.py); the studio opens a ruleset with errors (or a file not written yet) in its
#: editor, where the author fixes it, its diagnostics shown there (tests/test_studio.py).
NO_RULESET = {"serve", "lsp", "studio"}


def test_the_table_covers_every_command():
    assert {name for name, _ in ON_A_RULESET} == set(COMMANDS) - NO_RULESET


@pytest.mark.parametrize("which", ["syntax", "names", "missing"])
@pytest.mark.parametrize(("name", "argv"), ON_A_RULESET,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(ON_A_RULESET)])
def test_every_command_exits_1_on_a_bad_ruleset(name, argv, which, tmp_path, capsys):
    if name in ("test", "diff"):
        pytest.importorskip("hypothesis")
    rules = tmp_path / f"{which}.rules"
    if which in BROKEN:
        rules.write_text(BROKEN[which][0], encoding="utf-8")
    argv = [str(rules) if a == "RULES" else str(a).replace("TMP", str(tmp_path)) for a in argv]
    status, out, err = run(capsys, *argv)
    if name == "fmt" and which == "names":  # fmt only parses: it lays out a name error too
        assert status == 0 and "formatted" in out
        return
    assert status == 1, (out, err)
    assert (BROKEN[which][1] if which in BROKEN else "missing.rules") in out + err
    assert "Traceback" not in err
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "new.rules").exists()


def _bad_rows(tmp_path: Path) -> Path:
    rows = list(read_rows(SAMPLE))[:3]
    rows[1]["班子状况"] = "团结协做"
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _failing_case(tmp_path: Path) -> Path:
    rules = tmp_path / "t.rules"
    shutil.copy(CITY, rules)
    cases = json.loads(CITY.with_name("team-city.cases.json").read_text(encoding="utf-8"))
    case = {**cases["cases"][0], "expect": {"班子等次": "没有这个等次"}}
    (tmp_path / "t.cases.json").write_text(json.dumps({"ruleset": "t.rules", "cases": [case]},
                                                      ensure_ascii=False), encoding="utf-8")
    return rules


def _unreadable_cases(tmp_path: Path) -> Path:
    rules = tmp_path / "t.rules"
    shutil.copy(CITY, rules)
    (tmp_path / "t.cases.json").write_text("{not json", encoding="utf-8")
    return rules


def _a_file(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("", encoding="utf-8")
    return tmp_path / "file"


#: (status, why, argv as a function of tmp_path): each cause the table documents.
STATUSES = [
    (0, "check: compiles", lambda t: ["check", CITY]),
    (0, "eval: every row graded", lambda t: ["eval", CITY, SAMPLE, "-o", t / "o.csv"]),
    (0, "explain: the row is graded", lambda t: ["explain", CITY, SAMPLE, "--row", "2"]),
    (0, "report: every row graded", lambda t: ["report", CITY, SAMPLE, "-o", t / "r.html"]),
    (0, "fmt --check: formatted", lambda t: ["fmt", "--check", CITY]),
    (0, "init: created", lambda t: ["init", t / "new", "--extends", CITY]),
    (0, "test: every case passes", lambda t: ["test", CITY, "--no-checks"]),
    (0, "diff: no difference", lambda t: ["diff", CITY, CITY, "--data", CHANGES]),
    (1, "eval: rows with errors", lambda t: ["eval", CITY, _bad_rows(t)]),
    (1, "explain: the row has an error", lambda t: ["explain", CITY, _bad_rows(t), "--row", "3"]),
    (1, "report: rows with errors", lambda t: ["report", CITY, _bad_rows(t), "-o", t / "r.html"]),
    (1, "test: a case fails", lambda t: ["test", _failing_case(t), "--no-checks"]),
    (1, "diff: a difference", lambda t: ["diff", CITY, COUNTY, "--data", CHANGES]),
    (2, "eval: no data file", lambda t: ["eval", CITY, t / "none.csv"]),
    (2, "explain: no data file", lambda t: ["explain", CITY, t / "none.csv", "--row", "1"]),
    (2, "report: no data file", lambda t: ["report", CITY, t / "none.csv", "-o", t / "r.html"]),
    (2, "diff: no data file", lambda t: ["diff", CITY, COUNTY, "--data", t / "none.csv"]),
    (2, "explain: --row past the end", lambda t: ["explain", CITY, SAMPLE, "--row", "999"]),
    (2, "eval: output not a data format", lambda t: ["eval", CITY, SAMPLE, "-o", t / "o.txt"]),
    (2, "eval: output cannot be written",
     lambda t: ["eval", CITY, SAMPLE, "-o", _a_file(t) / "o.csv"]),
    (2, "report: output cannot be written",
     lambda t: ["report", CITY, SAMPLE, "-o", _a_file(t) / "r.html"]),
    (2, "init: a file would be overwritten", lambda t: ["init", CITY.with_suffix(""),
                                                         "--extends", CITY]),
    (2, "init: cannot be written", lambda t: ["init", _a_file(t) / "new", "--extends", CITY]),
    (2, "test: a cases file that is not JSON", lambda t: ["test", _unreadable_cases(t),
                                                           "--no-checks"]),
    (2, "diff: --where does not compile",
     lambda t: ["diff", CITY, COUNTY, "--data", CHANGES, "--where", "班子等次 >"]),
]


@pytest.mark.parametrize(("status", "why", "argv"), STATUSES, ids=[s[1] for s in STATUSES])
def test_each_documented_status(status, why, argv, tmp_path, capsys):
    if why.startswith(("test", "diff")):
        pytest.importorskip("hypothesis")
    before = CITY.read_bytes()
    got, out, err = run(capsys, *argv(tmp_path))
    assert got == status, (out, err)
    assert "Traceback" not in err
    if status == 2:
        assert err.strip(), "a command that cannot do its job says why on stderr"
    assert CITY.read_bytes() == before


@pytest.mark.parametrize("argv", [[], ["eval", str(CITY)], ["check", "--format", "xml", str(CITY)],
                                  ["nonsense"]])
def test_bad_usage_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2


@pytest.mark.parametrize("command", ["test", "diff"])
def test_a_missing_optional_package_exits_2(command, tmp_path):
    script = ("import sys; sys.modules['hypothesis'] = None\n"
              "from evalrules.cli import main; sys.exit(main(sys.argv[1:]))")
    argv = [str(CITY)] if command == "test" else [str(CITY), str(COUNTY)]
    done = subprocess.run([sys.executable, "-c", script, command, *argv], capture_output=True,
                          text=True, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert install_command("testing") in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("error", "status"), [
    (DataError("x.csv: not valid JSON"), 2), (MissingDependency("needs openpyxl"), 2),
    (RulesetError([]), 1)])
def test_an_error_a_command_does_not_handle_still_gets_its_status(error, status, capsys,
                                                                  monkeypatch):
    from evalrules.commands import check

    def fail(args):
        raise error

    monkeypatch.setattr(check, "run", fail)
    got, _, err = run(capsys, "check", CITY)
    assert got == status and str(error) in err
