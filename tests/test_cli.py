"""The evalrules command as a user runs it: real files in, real files out, exit statuses.

Most tests call ``evalrules.cli.main`` in this process (the same argv a shell passes); the ones
about the installed entry point and missing optional packages run a subprocess.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import evalrules
from evalrules.cli import COMMANDS, main
from evalrules.columns import input_columns
from evalrules.install import install_command
from evalrules.io import read_rows, record_of

from conftest import ROOT

CITY = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
COUNTY = ROOT / "rulesets" / "fanwen9" / "team-county.rules"
SAMPLE_CSV = ROOT / "examples" / "team-city.csv"
SAMPLE_XLSX = ROOT / "examples" / "team-city.xlsx"
openpyxl = pytest.importorskip("openpyxl", reason="the cli extra (openpyxl) is not installed")


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def expected_counts(path: Path = SAMPLE_CSV) -> dict[str, int]:
    rules = evalrules.load(CITY)
    columns = input_columns(rules.checked)
    counts = dict.fromkeys(rules.grades["班子等次"], 0)
    for row in read_rows(path):
        counts[rules.evaluate(record_of(row, columns))["班子等次"]] += 1
    return counts


BROKEN_ROWS = [
    # row 1: fine
    {"考核目标完成": "好", "班子状况": "团结协调", "干部精神状态好": "是",
     "班子测评.优秀": "8", "班子测评.较好": "2", "班子测评.一般": "0", "班子测评.较差": "0",
     "正职测评.优秀": "8", "正职测评.称职": "2", "正职测评.基本称职": "0", "正职测评.不称职": "0"},
    # row 2: a typo in a category
    {"考核目标完成": "好", "班子状况": "团结协做", "干部精神状态好": "是",
     "班子测评.优秀": "8", "班子测评.较好": "2", "班子测评.一般": "0", "班子测评.较差": "0",
     "正职测评.优秀": "8", "正职测评.称职": "2", "正职测评.基本称职": "0", "正职测评.不称职": "0"},
    # row 3: a vote count that is not a whole number, and an empty one
    {"考核目标完成": "一般", "班子状况": "团结协调", "干部精神状态好": "否",
     "班子测评.优秀": "3.5", "班子测评.较好": "", "班子测评.一般": "0", "班子测评.较差": "0",
     "正职测评.优秀": "8", "正职测评.称职": "2", "正职测评.基本称职": "0", "正职测评.不称职": "0"},
    # row 4: a yes/no cell that says neither
    {"考核目标完成": "好", "班子状况": "团结协调", "干部精神状态好": "也许",
     "班子测评.优秀": "8", "班子测评.较好": "2", "班子测评.一般": "0", "班子测评.较差": "0",
     "正职测评.优秀": "8", "正职测评.称职": "2", "正职测评.基本称职": "0", "正职测评.不称职": "0"},
    # row 5: fine, 1/0 for yes/no
    {"考核目标完成": "差距较大", "班子状况": "不团结", "干部精神状态好": "0",
     "班子测评.优秀": "1", "班子测评.较好": "2", "班子测评.一般": "3", "班子测评.较差": "4",
     "正职测评.优秀": "1", "正职测评.称职": "2", "正职测评.基本称职": "3", "正职测评.不称职": "4"},
]


def write_csv(path: Path, rows: list[dict], first: dict | None = None) -> Path:
    rows = [{**(first or {}), **r} for r in rows]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


# ---------------------------------------------------------------- help and entry point

def test_the_installed_command_lists_every_subcommand_and_each_has_help():
    exe = shutil.which("evalrules")
    argv = [exe] if exe else [sys.executable, "-m", "evalrules"]
    top = subprocess.run([*argv, "--help"], capture_output=True, text=True, check=True)
    for name in ("check", "eval", "explain", "report", "fmt", "init"):
        assert name in COMMANDS and name in top.stdout


@pytest.mark.parametrize("name", ["check", "eval", "explain", "report", "fmt", "init", "diff"])
@pytest.mark.parametrize(("lang", "word"), [("zh", "例子"), ("en", "example")])
def test_each_subcommand_help_explains_itself_with_an_example(name, lang, word, capsys):
    with pytest.raises(SystemExit) as e:
        main([name, "--help", "--lang", lang])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert word in out and f"evalrules {name}" in out


# ---------------------------------------------------------------- check

def test_check_passes_a_bundled_ruleset(capsys):
    status, out, _ = run(capsys, "check", COUNTY)
    assert status == 0 and out.strip().endswith(f"{COUNTY}: ok")


def test_check_shows_position_line_caret_hint_and_code(tmp_path, capsys):
    bad = tmp_path / "坏.rules"
    bad.write_text("ruleset 坏\nscale 等次: 优秀 > 较好\nballot 测评: 优秀, 较好\n"
                   "let 率 = share(测评: 优秀)\ngrade 等次:\n  优秀 when 率x >= 60%\n"
                   "  otherwise 较好\n", encoding="utf-8")
    status, out, _ = run(capsys, "check", bad)
    assert status == 1
    assert f"{bad}:6:11: error[E201]: unknown name '率x'" in out
    assert "6 |   优秀 when 率x >= 60%" in out
    assert "  |             ^^^" in out  # 率 is two columns wide on a terminal
    assert "did you mean '率'?" in out
    assert out.strip().endswith("1 error(s)")


def test_check_json_for_editors(tmp_path, capsys):
    bad = tmp_path / "bad.rules"
    bad.write_text("ruleset 坏\nlet x = y\n", encoding="utf-8")
    status, out, _ = run(capsys, "check", "--format", "json", bad, COUNTY)
    assert status == 1
    [d] = json.loads(out)
    assert (d["code"], d["line"], d["column"], d["path"]) == ("E201", 2, 9, str(bad))


def test_check_an_unreadable_file(tmp_path, capsys):
    status, out, _ = run(capsys, "check", tmp_path / "none.rules")
    assert status == 1 and "E501" in out


# ---------------------------------------------------------------- eval

def test_eval_the_sample_spreadsheet_prints_the_summary(capsys):
    status, out, _ = run(capsys, "eval", CITY, SAMPLE_XLSX)
    assert status == 0
    assert "共 300 条记录，300 条已评定，0 条无法评定" in out
    for label, n in expected_counts().items():
        assert any(label in line and f" {n} " in line for line in out.splitlines()), (label, n)
    assert "人口计生综治" in out and "物质奖励" in out


def test_eval_csv_to_csv_keeps_the_columns_and_adds_the_results(tmp_path, capsys):
    out_path = tmp_path / "结果.csv"
    status, _, _ = run(capsys, "eval", CITY, SAMPLE_CSV, "-o", out_path)
    assert status == 0
    rows = read_csv(out_path)
    original = read_csv(SAMPLE_CSV)
    assert len(rows) == 300
    assert list(rows[0])[:len(original[0])] == list(original[0])  # the user's columns first
    assert list(rows[0])[len(original[0]):] == [
        "班子优秀率", "班子好评率", "班子较差率", "班子差评率", "正职优秀率", "正职称职以上率",
        "班子等次", "vetoes", "outcomes", "error"]
    first = rows[0]
    # 19 of 30 votes: a percentage Excel reads as a number (never 19/30, a date to Excel)
    assert first["编号"] == "T0001" and first["班子优秀率"] == "63.33%"
    assert first["班子等次"] == "较好" and first["outcomes"] == "物质奖励" and first["error"] == ""
    exact = tmp_path / "精确.csv"
    assert run(capsys, "eval", CITY, SAMPLE_CSV, "-o", exact, "--exact")[0] == 0
    assert read_csv(exact)[0]["班子优秀率"] == "19/30"


@pytest.mark.parametrize("suffix", [".xlsx", ".json", ".jsonl", ".csv"])
def test_every_format_round_trips_chinese_headers_and_labels(suffix, tmp_path, capsys):
    out_path = tmp_path / f"结果{suffix}"
    assert run(capsys, "eval", CITY, SAMPLE_XLSX, "-o", out_path)[0] == 0
    rows = list(read_rows(out_path))
    assert len(rows) == 300 and list(rows[0])[:3] == ["编号", "单位", "考核目标完成"]
    assert rows[2]["单位"] == "财政局1号" and rows[2]["班子等次"] == "较好"
    # grading the graded file again gives the same file
    again = tmp_path / f"again{suffix}"
    assert run(capsys, "eval", CITY, out_path, "-o", again)[0] == 0
    assert list(read_rows(again)) == rows


def test_xlsx_output_shares_as_percentages_and_exact_numbers_where_exact(tmp_path, capsys):
    out_path = tmp_path / "out.xlsx"
    run(capsys, "eval", CITY, SAMPLE_CSV, "-o", out_path)
    sheet = openpyxl.load_workbook(out_path).worksheets[0]
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert cells["班子优秀率"].value == 19 / 30 and cells["班子优秀率"].number_format == "0.00%"
    assert cells["正职优秀率"].value == 0.6 and cells["正职优秀率"].number_format == "0.00%"
    assert cells["班子测评.优秀"].value == "19"  # the user's cell, as the CSV had it
    exact = tmp_path / "exact.xlsx"
    run(capsys, "eval", CITY, SAMPLE_CSV, "-o", exact, "--exact")
    sheet = openpyxl.load_workbook(exact).worksheets[0]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["班子优秀率"] == "19/30" and values["正职优秀率"] == 0.6


def test_excel_cells_floats_bools_and_percent_text(tmp_path, capsys):
    rules = tmp_path / "r.rules"
    rules.write_text("ruleset 测试\nscale 档: 好 > 差\ninput 完成率: number in 0%..100%\n"
                     "input 合格: bool\ngrade 档:\n  好 when 合格 and 完成率 >= 80%\n"
                     "  otherwise 差\n", encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "完成率", "合格"])
    for row in (["甲", 0.8, True], ["乙", "80%", "是"], ["丙", "79.9%", "TRUE"], ["丁", 0.8, 1],
                ["戊", 0.1 + 0.7, "否"], [None, None, None], ["己", "八成", 0]):
        sheet.append(row)
    data = tmp_path / "数据.xlsx"
    book.save(data)
    out_path = tmp_path / "out.csv"
    status, out, _ = run(capsys, "eval", rules, data, "-o", out_path)
    assert status == 1  # 己 cannot be graded
    grades = [(r["名称"], r["档"]) for r in read_csv(out_path)]
    # 0.1 + 0.7 is the float 0.7999999999999999: read as its shortest decimal, below 80%
    assert grades == [("甲", "好"), ("乙", "好"), ("丙", "差"), ("丁", "好"), ("戊", "差"),
                      ("己", "")]
    # 己 is on row 8 of the sheet (the header on row 1, a blank row 7 before it)
    assert "第 8 行：输入项「完成率」应为数字，实为 '八成'" in out


def test_bad_rows_get_their_error_and_every_other_row_is_graded(tmp_path, capsys):
    data = write_csv(tmp_path / "数据.csv", BROKEN_ROWS, {"编号": "x"})
    out_path = tmp_path / "out.json"
    status, out, _ = run(capsys, "eval", CITY, data, "-o", out_path)
    assert status == 1
    assert "共 5 条记录，2 条已评定，3 条无法评定" in out
    rows = json.loads(out_path.read_text(encoding="utf-8"))
    assert [bool(r["error"]) for r in rows] == [False, True, True, True, False]
    assert "团结协做" in rows[1]["error"] and "是否应为「团结协调」" in rows[1]["error"]
    assert "班子测评" in rows[2]["error"]
    assert "干部精神状态好" in rows[3]["error"]
    assert rows[1]["班子等次"] is None and rows[4]["班子等次"] == "较差"
    # the second to fourth records: rows 3 to 5 of the CSV (its header is row 1)
    assert "第 3 行：" in out and "第 4 行：" in out and "第 5 行：" in out
    # --lang en: the summary and the error column in English, the same records failing
    status, out, _ = run(capsys, "eval", CITY, data, "-o", out_path, "--lang", "en")
    assert status == 1 and "5 records, 2 graded, 3 with errors" in out
    english = json.loads(out_path.read_text(encoding="utf-8"))
    assert [bool(r["error"]) for r in english] == [False, True, True, True, False]
    assert "did you mean '团结协调'" in english[1]["error"]


def test_missing_columns_are_named(tmp_path, capsys):
    rows = [{k: v for k, v in r.items() if k != "班子测评.较差"} for r in BROKEN_ROWS[:1]]
    data = write_csv(tmp_path / "d.csv", [{**rows[0], "班子测评.较查": "0"}])
    status, out, err = run(capsys, "eval", CITY, data)
    assert status == 2 and not out  # no record can be graded: said, not graded row by row
    assert "缺少规则集需要的列 班子测评.较差" in err and "是不是“班子测评.较查”" in err


def test_eval_with_a_broken_ruleset_says_so_and_grades_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.rules"
    bad.write_text("ruleset x\nlet a = b\n", encoding="utf-8")
    out_path = tmp_path / "out.csv"
    status, _, err = run(capsys, "eval", bad, SAMPLE_CSV, "-o", out_path)
    assert status == 1 and "E201" in err and not out_path.exists()


@pytest.mark.parametrize(("data", "message"), [
    ("none.csv", "no such data file"), ("data.txt", "use .csv, .xlsx, .xls, .json or .jsonl"),
    ("broken.xlsx", "cannot read broken.xlsx as an Excel workbook"),
    ("broken.json", "Expecting value")])
def test_unreadable_data_files(data, message, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EVALRULES_LANG", "en")
    for name in ("data.txt", "broken.xlsx", "broken.json"):
        (tmp_path / name).write_text("not this", encoding="utf-8")
    status, _, err = run(capsys, "eval", CITY, tmp_path / data)
    assert status == 2 and message in err


def test_without_rich_and_openpyxl_plain_text_and_a_clear_message(tmp_path):
    script = ("import sys\n"
              "for m in ('rich', 'openpyxl', 'python_calamine'): sys.modules[m] = None\n"
              "from evalrules.cli import main; sys.exit(main(sys.argv[1:]))")
    plain = subprocess.run([sys.executable, "-c", script, "eval", str(CITY), str(SAMPLE_CSV),
                            "-o", str(tmp_path / "o.csv")], capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    assert "共 300 条记录，300 条已评定" in plain.stdout and "┃" not in plain.stdout
    counts = expected_counts()
    assert any(line.split()[:2] == ["较好", str(counts["较好"])]
               for line in plain.stdout.splitlines())
    xlsx = subprocess.run([sys.executable, "-c", script, "eval", str(CITY), str(SAMPLE_XLSX)],
                          capture_output=True, text=True)
    assert xlsx.returncode == 2
    assert install_command("cli") in xlsx.stderr and "Traceback" not in xlsx.stderr


# ---------------------------------------------------------------- explain

def test_explain_a_row_as_a_spreadsheet_user_counts_it(capsys):
    # T0003 is the third record: row 4 of the sheet, under the header on row 1
    status, out, _ = run(capsys, "explain", CITY, SAMPLE_XLSX, "--row", "4")
    assert status == 0
    assert out.startswith("第 4 行（编号 T0003，单位 财政局1号）")
    assert "班子测评：优秀 27，较好 18，一般 1，较差 4" in out
    assert "班子等次：较好" in out and "✗ 班子优秀率 ≥ 优秀率线" in out
    by_id = run(capsys, "explain", CITY, SAMPLE_CSV, "--id", "T0003")[1]
    assert by_id == out
    by_unit = run(capsys, "explain", CITY, SAMPLE_CSV, "--id", "T0003", "--id-column", "编号")
    assert by_unit[1] == out


def test_explain_in_english(capsys):
    status, out, _ = run(capsys, "explain", CITY, SAMPLE_CSV, "--row", "4", "--lang", "en")
    assert status == 0 and out.startswith("Row 4 (编号 T0003, 单位 财政局1号)")
    assert "no rule matches, so otherwise: 较好." in out


def test_explain_a_row_that_cannot_be_graded(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", BROKEN_ROWS)
    status, out, _ = run(capsys, "explain", CITY, data, "--row", "3")  # the second record
    assert status == 1 and "无法评定" in out and "团结协做" in out


@pytest.mark.parametrize(("argv", "message", "english"), [
    (["--row", "0"], "的这一行不是记录（记录在第 2 至 301 行", "records are on rows 2 to 301"),
    (["--row", "1"], "的这一行不是记录（记录在第 2 至 301 行", "records are on rows 2 to 301"),
    (["--row", "302"], "的这一行不是记录（记录在第 2 至 301 行", "records are on rows 2 to 301"),
    (["--id", "T9999"], "中没有 编号 为 T9999 的行", "no row of"),
    (["--id", "x", "--id-column", "名字"], "--id-column“名字”不是", "is not a column"),
    (["--id", "好", "--id-column", "考核目标完成"], "请用 --row 选定一行", "pick one with --row")])
def test_explain_says_what_is_wrong_with_the_choice(argv, message, english, capsys):
    status, _, err = run(capsys, "explain", CITY, SAMPLE_CSV, *argv)
    assert status == 2 and message in err
    status, _, err = run(capsys, "explain", CITY, SAMPLE_CSV, *argv, "--lang", "en")
    assert status == 2 and english in err


# ---------------------------------------------------------------- fmt

MESSY = """\
# 县里的规则
ruleset   测试   extends "team-city.rules"
    title "x # not a comment"

override param 一般线=25%   # 县区：25%
input 分数 : number in -5..100 default 0 # 分
let 甲=max（分数，60）+ -分数*2
grade 档次 of 班子等次 ( worst ) :
    # （一）
    优秀 when all :
        分数>=90    # 1、
        share( 班子测评 :优秀 , 较好 ) ≥ 60%



    otherwise 较好
"""

TIDY = """\
# 县里的规则
ruleset 测试 extends "team-city.rules"
  title "x # not a comment"

override param 一般线 = 25%  # 县区：25%
input 分数: number in -5..100 default 0  # 分
let 甲 = max（分数，60） + -分数 * 2
grade 档次 of 班子等次 (worst):
  # （一）
  优秀 when all:
    分数 >= 90  # 1、
    share(班子测评: 优秀, 较好) ≥ 60%

  otherwise 较好
"""


def test_fmt_rewrites_in_the_canonical_layout_keeping_comments(tmp_path, capsys):
    shutil.copy(CITY, tmp_path / "team-city.rules")
    path = tmp_path / "测试.rules"
    path.write_text(MESSY, encoding="utf-8")
    assert run(capsys, "fmt", "--check", path)[:2] == (1, f"{path}: would be reformatted\n")
    assert path.read_text(encoding="utf-8") == MESSY
    status, out, _ = run(capsys, "fmt", path)
    assert status == 0 and out == f"{path}: formatted\n"
    assert path.read_text(encoding="utf-8") == TIDY
    assert run(capsys, "fmt", "--check", path)[0] == 0
    assert run(capsys, "check", path)[0] == 0


def test_fmt_leaves_a_broken_ruleset_alone(tmp_path, capsys):
    path = tmp_path / "bad.rules"
    path.write_text("ruleset x\nlet  a = = 1\n", encoding="utf-8")
    status, _, err = run(capsys, "fmt", path)
    assert status == 1 and "not formatted, the ruleset has errors" in err
    assert path.read_text(encoding="utf-8") == "ruleset x\nlet  a = = 1\n"


def test_fmt_keeps_crlf_and_a_byte_order_mark(tmp_path, capsys):
    path = tmp_path / "w.rules"
    path.write_bytes("\ufeffruleset x\r\nlet a=1   # 一\r\n".encode())
    assert run(capsys, "fmt", path)[0] == 0
    assert path.read_bytes() == "\ufeffruleset x\r\nlet a = 1  # 一\r\n".encode()


# ---------------------------------------------------------------- init

def test_init_a_county_ruleset_ready_to_edit(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "init", "本地/某县领导班子年度考核", "--extends", COUNTY)
    assert status == 0 and "created" in out
    rules = tmp_path / "本地" / "某县领导班子年度考核.rules"
    cases = json.loads((tmp_path / "本地" / "某县领导班子年度考核.cases.json").read_text("utf-8"))
    assert cases == {"ruleset": "某县领导班子年度考核.rules", "cases": []}
    text = rules.read_text(encoding="utf-8")
    assert "ruleset 某县领导班子年度考核 extends \"" in text
    assert "# override param 一般线 = 20%" in text
    assert run(capsys, "check", rules)[0] == 0
    assert run(capsys, "fmt", "--check", rules)[0] == 0
    base = evalrules.load(COUNTY)
    assert evalrules.load(rules).params == base.params
    # the county's one change: uncomment a param and give its value
    rules.write_text(text.replace("# override param 一般线 = 20%", "override param 一般线 = 25%"),
                     encoding="utf-8")
    assert evalrules.load(rules).params["一般线"] == Fraction(1, 4)
    assert run(capsys, "eval", rules, SAMPLE_CSV)[0] == 0
    # never overwrites
    status, _, err = run(capsys, "init", "本地/某县领导班子年度考核", "--extends", COUNTY)
    assert status == 2 and "never overwrites" in err


def test_init_with_a_broken_base(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.rules").write_text("ruleset b\nlet a = c\n", encoding="utf-8")
    status, _, err = run(capsys, "init", "new", "--extends", tmp_path / "base.rules")
    assert status == 1 and "E201" in err and not (tmp_path / "new.rules").exists()


@pytest.mark.parametrize("title", ['他说"好"', "a\\b", 'a\\"b\\', "甲\t乙", "# 一", "\\n"])
def test_init_writes_any_title_as_a_string_the_ruleset_reads_back(title, tmp_path, capsys,
                                                                   monkeypatch):
    """#20: a title is written as a valid string literal: quotes and backslashes escaped."""
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "init", "new", "--extends", COUNTY, "--title", title)[0] == 0
    assert evalrules.load(tmp_path / "new.rules").title == title
    assert run(capsys, "fmt", "--check", tmp_path / "new.rules")[0] == 0


@pytest.mark.parametrize("title", ["a\n…", "a\r\nb", "a\rb", "a\u2028b", "a\u202eb", "a\x00b",
                                   "a\x0bb", ""])
def test_init_refuses_a_title_no_string_can_hold(title, tmp_path, capsys, monkeypatch):
    """#20: `init --title $'a\\n…'` wrote a ruleset that did not compile: a string holds no line
    break, and a control or direction character would hide what the line says. Refused, with a
    message, and nothing written."""
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "init", "new", "--extends", COUNTY, "--title", title)
    assert status == 2 and "--title" in err, err
    assert not (tmp_path / "new.rules").exists() and not (tmp_path / "new.cases.json").exists()


def test_init_refuses_a_base_whose_path_no_string_can_hold(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "a\nb"
    folder.mkdir()
    shutil.copy(ROOT / "rulesets" / "fanwen4" / "satisfaction.rules", folder / "base.rules")
    status, _, err = run(capsys, "init", "new", "--extends", folder / "base.rules")
    assert status == 2 and "line break" in err and not (tmp_path / "new.rules").exists()


# ---------------------------------------------------------------- progress on long runs

@pytest.mark.parametrize("with_rich", [True, False])
def test_a_long_run_at_a_terminal_shows_progress(with_rich, tmp_path, capsys, monkeypatch):
    rows = list(read_rows(SAMPLE_CSV)) * 4  # 1200 rows: past the progress bar's threshold
    data = write_csv(tmp_path / "big.csv", rows)
    if not with_rich:
        monkeypatch.setitem(sys.modules, "rich", None)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    status, out, err = run(capsys, "eval", CITY, data)
    assert status == 0 and "共 1200 条记录，1200 条已评定" in out
    if not with_rich:
        assert "1200/1200" in err
    assert run(capsys, "eval", CITY, data, "--no-progress")[2] == ""


# ---------------------------------------------------------------- group rules

def test_group_rulesets_grade_each_record_among_its_group(capsys):
    """A ruleset with `group by` (quotas, ranks) grades the file as one batch."""
    rules = ROOT / "rulesets" / "fanwen2" / "cadre-quota.rules"
    cases = rules.with_suffix(".cases.json")
    if not rules.exists():
        pytest.skip("no bundled group ruleset")
    n = len(json.loads(cases.read_text(encoding="utf-8"))["cases"])
    status, out, err = run(capsys, "eval", rules, cases)
    assert status in (0, 1) and f"共 {n} 条记录" in out and not err
    status, out, _ = run(capsys, "explain", rules, cases, "--row", "1")
    assert status == 0 and out.startswith("第 1 行")


def test_explain_a_json_record_with_a_nested_ballot(capsys):
    cases = COUNTY.with_suffix(".cases.json")
    status, out, _ = run(capsys, "explain", COUNTY, cases, "--row", "1")
    record = json.loads(cases.read_text(encoding="utf-8"))["cases"][0]["input"]
    votes = "，".join(f"{c} {n}" for c, n in record["班子测评"].items())
    assert status == 0 and f"  班子测评：{votes}" in out
    assert f"  干部精神状态好：{'是' if record['干部精神状态好'] else '否'}" in out


@pytest.mark.parametrize(("lang", "said"), [
    ("zh", ("共 300 条记录，300 条已评定，0 条无法评定", "占已评定的比例",
            "已写出：{out}（300 行）")),
    ("en", ("300 records, 300 graded, 0 with errors", "share of graded",
            "written: {out} (300 rows)")),
])
def test_a_streamed_summary_speaks_the_runs_language(tmp_path, capsys, lang, said):
    # It printed English whatever --lang said (examples/team-city.csv has 300 data rows).
    from evalrules.cli import main

    out = tmp_path / "graded.csv"
    assert main(["eval", str(CITY), str(ROOT / "examples" / "team-city.csv"), "--stream",
                 "--no-progress", "-o", str(out), "--lang", lang]) == 0
    text = capsys.readouterr().out
    for words in said:
        assert words.format(out=out) in text
