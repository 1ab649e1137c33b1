"""Writing results (issue 12): the input workbook kept, shares as percentages, no silent
overwrite, no user column replaced, CSV numbers Excel does not take for dates.

Workbooks are built with openpyxl and read back with openpyxl, the input and the output side by
side: every cell of the user's (value and number format), the other sheets, widths and the sheet's
name must be the same, and the results must be where the records are. Expected results are worked
out by hand from the votes, not taken from evalrules.
"""

from __future__ import annotations

import csv
import json
import re
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from attrs import frozen
from openpyxl.styles import Font

import evalrules
from evalrules.cli import main
from evalrules.grading import grade
from evalrules.io import OutputError, Sheet, read_sheet, shares, write_results
from evalrules.io.results import fixed

from conftest import ROOT

CITY = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
CITY_CSV = ROOT / "examples" / "team-city.csv"

RULES = """\
ruleset 写出
ballot 测评: 优秀, 较好, 一般, 较差
input 得分: number
param 线 = 60%
scale 等次: 好 > 差
let 优秀率 = share(测评: 优秀)
let 差评率 = votes(测评: 一般, 较差) / total(测评)
let 均分 = 得分 / 3
let 加权分 = 得分 * 优秀率
let 百分点 = 优秀率 * 100
let 余量 = 100% - 优秀率
grade 等次:
  好 when 优秀率 >= 线
  otherwise 差
"""
#: The result columns of RULES, in order.
RESULTS = ["优秀率", "差评率", "均分", "加权分", "百分点", "余量", "等次", "vetoes", "outcomes",
           "error"]
VOTES = ["测评.优秀", "测评.较好", "测评.一般", "测评.较差"]
#: (编号, 得分, votes): the records, with their results worked out by hand below.
RECORDS = [("A1", 90, (19, 10, 0, 1)), ("A2", 80, (3, 3, 3, 3)), ("A3", 70, (0, 0, 0, 0))]


@pytest.fixture(scope="module")
def ruleset():
    return evalrules.compile(RULES)


def team_workbook(path: Path) -> Path:
    """An office's workbook: the data sheet first (bold header, widths, frozen panes, a percent
    column of the user's), then a 备注 sheet with a merged note."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "班子考核"
    ws.append(["编号", "得分", *VOTES, "完成率"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, (ident, score, votes) in enumerate(RECORDS):
        ws.append([ident, score, *votes, [0.9667, 0.5, 1][n]])
        ws.cell(ws.max_row, 7).number_format = "0.00%"
    ws.column_dimensions["A"].width = 17
    ws.freeze_panes = "A2"
    notes = book.create_sheet("备注")
    notes["A1"] = "填表说明：每个单位一行。"
    notes.merge_cells("A1:D1")
    notes["A3"] = 0.25
    notes["A3"].number_format = "0%"
    book.save(path)
    return path


def cells(ws) -> dict[str, tuple[object, str]]:
    """Every cell of a worksheet that holds a value: coordinate → (value, number format)."""
    return {c.coordinate: (c.value, c.number_format) for row in ws.iter_rows() for c in row
            if c.value is not None}


def by_header(ws, header_row: int = 1) -> dict[str, int]:
    return {c.value: c.column for c in ws[header_row] if c.value is not None}


# ---------------------------------------------------------------- the workbook kept


def test_an_xlsx_of_an_xlsx_keeps_the_workbook_and_adds_the_results(tmp_path, ruleset):
    source = team_workbook(tmp_path / "数据.xlsx")
    out = tmp_path / "结果.xlsx"
    write_results(out, grade(ruleset, read_sheet(source)), source=source)
    before, after = openpyxl.load_workbook(source), openpyxl.load_workbook(out)
    assert after.sheetnames == before.sheetnames == ["班子考核", "备注"]
    old, new = before["班子考核"], after["班子考核"]
    # the user's cells exactly: the 96.67% cell is the same number, percent format and all
    kept = {k: v for k, v in cells(new).items() if openpyxl.utils.column_index_from_string(
        re.match(r"[A-Z]+", k).group()) <= 7}
    assert kept == cells(old)
    assert new["G2"].value == 0.9667 and new["G2"].number_format == "0.00%"
    assert new["A1"].font.bold and new.column_dimensions["A"].width == 17
    assert new.freeze_panes == "A2"
    # the other sheet, merged range and formats included
    assert cells(after["备注"]) == cells(before["备注"])
    assert [str(r) for r in after["备注"].merged_cells.ranges] == ["A1:D1"]
    # the results right of the last column, on the header row, each record's on its row
    assert [c.value for c in new[1]][7:] == RESULTS
    columns = by_header(new)
    assert columns["优秀率"] == 8
    for row, (ident, _, _) in enumerate(RECORDS, 2):
        assert new.cell(row, 1).value == ident


def test_results_are_numbers_shares_as_percentages(tmp_path, ruleset):
    source = team_workbook(tmp_path / "数据.xlsx")
    out = tmp_path / "结果.xlsx"
    write_results(out, grade(ruleset, read_sheet(source)), source=source)
    ws = openpyxl.load_workbook(out)["班子考核"]
    col = by_header(ws)

    def cell(row: int, name: str):
        c = ws.cell(row, col[name])
        return c.value, c.number_format

    # A1: 19 of 30 votes 优秀, 1 of 30 一般 or 较差; 得分 90
    assert cell(2, "优秀率") == (19 / 30, "0.00%")
    assert cell(2, "差评率") == (1 / 30, "0.00%")  # votes over votes: a share
    assert cell(2, "余量") == (11 / 30, "0.00%")  # 100% - a share: a share
    assert cell(2, "均分")[0] == 30  # 90 / 3; A2's 80 / 3 never ends: four decimals
    assert cell(3, "均分") == (80 / 3, "0.0000")
    assert cell(2, "加权分") == (57, "0")  # a score × a share is a score: 57, 20
    assert cell(2, "百分点") == (1900 / 30, "0.0000")  # a share × 100 is not a percentage
    assert cell(2, "等次") == ("好", "General")  # 19/30 >= 60%
    assert cell(3, "等次") == ("差", "General")  # 3/12 < 60%
    # A3 has no votes: an error in its row, no value
    assert cell(4, "优秀率")[0] is None and "测评" in ws.cell(4, col["error"]).value


def test_exact_writes_exact_values(tmp_path, ruleset):
    source = team_workbook(tmp_path / "数据.xlsx")
    out = tmp_path / "结果.xlsx"
    write_results(out, grade(ruleset, read_sheet(source)), source=source, exact=True)
    ws = openpyxl.load_workbook(out)["班子考核"]
    col = by_header(ws)
    assert ws.cell(2, col["优秀率"]).value == "19/30"  # not a decimal Excel can hold
    assert ws.cell(3, col["优秀率"]).value == 0.25  # 3/12: a number, exactly
    assert ws.cell(2, col["均分"]).value == 30


def test_a_title_row_and_a_two_row_header_get_the_results_where_the_records_are(
        tmp_path, ruleset):
    """The Sheet says where the header and the records are (a reader found them): the results'
    names go on the header's first row, merged down through its second; a 合计 row, not a
    record, gets none."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "汇总"
    ws["A1"] = "2025年度市直单位领导班子考核测评汇总表"
    ws.merge_cells("A1:F1")
    ws.append(["编号", "得分", "测评", None, None, None])
    ws.append([None, None, "优秀", "较好", "一般", "较差"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:F2")
    for ident, score, votes in RECORDS[:2]:
        ws.append([ident, score, *votes])
    ws.append(["合计", 170, 22, 13, 3, 4])
    source = tmp_path / "汇总.xlsx"
    book.save(source)
    columns = ("编号", "得分", *VOTES)
    rows = [[ident, score, *votes] for ident, score, votes in RECORDS[:2]]
    sheet = Sheet(source="汇总.xlsx", columns=columns,
                  cells={c: [r[j] for r in rows] for j, c in enumerate(columns)},
                  rows=(4, 5), sheet="汇总", header_rows=(2, 3))
    out = tmp_path / "结果.xlsx"
    write_results(out, grade(ruleset, sheet), source=source)
    new = openpyxl.load_workbook(out)["汇总"]
    assert new["A1"].value.startswith("2025年度") and new["G1"].value is None
    assert [new.cell(2, 6 + j).value for j in range(1, len(RESULTS) + 1)] == RESULTS
    merged = {str(r) for r in new.merged_cells.ranges}
    assert {"A1:F1", "A2:A3", "B2:B3", "C2:F2", "G2:G3", "P2:P3"} <= merged
    assert new["G4"].value == 19 / 30 and new["G5"].value == 3 / 12
    assert new["M4"].value == "好" and new["M5"].value == "差"
    assert [new.cell(6, c).value for c in range(7, 17)] == [None] * 10  # 合计: no results


# ---------------------------------------------------------------- never overwrite, never replace


@frozen
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys):
    """``evalrules ARGV`` in this process: (exit status, what it printed, what it said)."""
    def run(*argv) -> Run:
        status = main([str(a) for a in argv])
        return Run(status, *capsys.readouterr())
    return run


@pytest.fixture
def city_csv(tmp_path) -> Path:
    """The first 40 teams of examples/team-city.csv."""
    path = tmp_path / "teams.csv"
    lines = CITY_CSV.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path.write_text("".join(lines[:41]), encoding="utf-8-sig")
    return path


def test_the_input_is_never_overwritten_unless_asked(tmp_path, run_cli, city_csv):
    source = tmp_path / "数据.csv"
    source.write_bytes(city_csv.read_bytes())
    before = source.read_bytes()
    for target in (source, tmp_path / "." / "数据.csv"):
        done = run_cli("eval", CITY, source, "-o", target, "--no-progress")
        assert done.returncode == 2 and "--in-place" in done.stderr and "覆盖" in done.stderr
        assert source.read_bytes() == before
    link = tmp_path / "链接.csv"
    link.symlink_to(source)
    assert run_cli("eval", CITY, source, "-o", link, "--no-progress").returncode == 2
    assert source.read_bytes() == before
    done = run_cli("eval", CITY, source, "--in-place", "--no-progress")
    assert done.returncode == 0, done.stderr
    with source.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 40 and rows[0]["班子优秀率"] == "63.33%"  # T0001: 19 of 30


def test_in_place_keeps_the_workbook_and_grading_again_replaces_the_results(tmp_path, run_cli):
    source = team_workbook(tmp_path / "数据.xlsx")
    rules = tmp_path / "r.rules"
    rules.write_text(RULES, encoding="utf-8")
    original = openpyxl.load_workbook(source)
    for _ in range(2):
        done = run_cli("eval", rules, source, "--in-place", "--no-progress")
        assert done.returncode == 1 and "Traceback" not in done.stderr  # A3 has no votes
        book = openpyxl.load_workbook(source)
        assert book.sheetnames == ["班子考核", "备注"]
        ws = book["班子考核"]
        assert [c.value for c in ws[1]] == [c.value for c in original.active[1]] + RESULTS
        assert ws["H2"].value == 19 / 30 and ws["G2"].number_format == "0.00%"


@pytest.mark.parametrize("name", ["优秀率", "error", "vetoes"])
def test_a_user_column_named_like_a_result_is_refused(tmp_path, ruleset, name, run_cli):
    source = tmp_path / "数据.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["编号", name, "得分", *VOTES])
    ws.append(["A1", 0.6333, 90, 19, 10, 0, 1])
    ws["B2"].number_format = "0.00%"
    book.save(source)
    out = tmp_path / "结果.xlsx"
    with pytest.raises(OutputError) as caught:
        write_results(out, grade(ruleset, read_sheet(source)), source=source)
    assert caught.value.key == "write.name_taken" and caught.value.values["column"] == name
    assert not out.exists() and list(tmp_path.iterdir()) == [source]
    rules = tmp_path / "r.rules"
    rules.write_text(RULES, encoding="utf-8")
    done = run_cli("eval", rules, source, "-o", out, "--no-progress")
    assert done.returncode == 2 and f"“{name}”列与一个结果列同名" in done.stderr
    assert not out.exists()


def test_a_failed_write_leaves_the_target_as_it_was(tmp_path, ruleset):
    source = team_workbook(tmp_path / "数据.xlsx")
    out = tmp_path / "结果.xlsx"
    out.write_bytes(b"an earlier file")
    graded = grade(ruleset, read_sheet(source))
    moved = Sheet(source=graded.sheet.source, columns=graded.sheet.columns,
                  cells=graded.sheet.cells, rows=(2, 3, 99), sheet="班子考核")
    with pytest.raises(OutputError) as caught:
        write_results(out, grade(ruleset, moved), source=source)
    assert caught.value.key == "write.no_row" and caught.value.values["row"] == 99
    assert out.read_bytes() == b"an earlier file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["数据.xlsx", "结果.xlsx"]


# ---------------------------------------------------------------- CSV, JSON, a new workbook

#: What Excel opening a CSV reads as a date: d/m, m/d/y, 1-Jan and the like.
DATE_LIKE = re.compile(r"\d{1,4}[/-]\d{1,2}([/-]\d{1,4})?|\d{1,2}-[A-Za-z]{3}")


def test_csv_numbers_never_look_like_dates(tmp_path, run_cli, city_csv):
    out = tmp_path / "结果.csv"
    done = run_cli("eval", CITY, city_csv, "-o", out, "--no-progress")
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    shares_ = ["班子优秀率", "班子好评率", "班子较差率", "班子差评率", "正职优秀率",
               "正职称职以上率"]
    with city_csv.open(encoding="utf-8-sig", newline="") as f:
        source = list(csv.DictReader(f))
    for row, votes in zip(rows, source, strict=True):
        for name in shares_:
            assert re.fullmatch(r"\d{1,3}\.\d\d%", row[name]), row[name]
            assert not DATE_LIKE.fullmatch(row[name])
        team = [int(votes[f"班子测评.{c}"]) for c in ("优秀", "较好", "一般", "较差")]
        expected = Fraction(team[0] * 100, sum(team))
        assert row["班子优秀率"] == fixed(expected, 2) + "%"
    assert rows[0]["班子优秀率"] == "63.33%"  # T0001: 19 of 30 votes, by hand


def test_exact_csv_keeps_fractions_and_says_how_to_open_them(tmp_path, run_cli, city_csv):
    out = tmp_path / "结果.csv"
    done = run_cli("eval", CITY, city_csv, "-o", out, "--exact", "--no-progress")
    assert done.returncode == 0 and "从文本/CSV" in done.stdout
    with out.open(encoding="utf-8-sig", newline="") as f:
        first = next(csv.DictReader(f))
    assert first["班子优秀率"] == "19/30" and first["正职优秀率"] == "0.6"


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_keeps_exact_text(tmp_path, ruleset, suffix):
    source = team_workbook(tmp_path / "数据.xlsx")
    out = tmp_path / f"结果{suffix}"
    write_results(out, grade(ruleset, read_sheet(source)), source=source)
    text = out.read_text(encoding="utf-8")
    rows = json.loads(text) if suffix == ".json" else [json.loads(x) for x in text.splitlines()]
    assert rows[0]["优秀率"] == "19/30" and rows[1]["优秀率"] == "0.25"
    assert rows[0]["均分"] == "30" and rows[1]["均分"] == "80/3"
    assert rows[2]["优秀率"] is None and rows[2]["error"]


def test_a_new_workbook_of_a_csv_has_percentages_and_the_users_cells(tmp_path, run_cli, city_csv):
    out = tmp_path / "结果.xlsx"
    assert run_cli("eval", CITY, city_csv, "-o", out, "--no-progress").returncode == 0
    book = openpyxl.load_workbook(out)
    ws = book.worksheets[0]
    assert book.sheetnames == ["结果"] and ws["A1"].font.bold and ws.freeze_panes == "A2"
    col = by_header(ws)
    assert ws.cell(2, col["班子优秀率"]).value == 19 / 30
    assert ws.cell(2, col["班子优秀率"]).number_format == "0.00%"
    assert ws.cell(2, col["编号"]).value == "T0001"


# ---------------------------------------------------------------- which values are shares


def test_shares_are_found_in_the_ruleset(ruleset):
    assert shares(ruleset.checked) == {"优秀率", "差评率", "余量"}
    city = evalrules.load(CITY)
    assert shares(city.checked) == {"班子优秀率", "班子好评率", "班子较差率", "班子差评率",
                                    "正职优秀率", "正职称职以上率"}


@pytest.mark.parametrize(("expr", "share"), [
    ("share(测评: 优秀) * 50%", True),
    ("(share(测评: 优秀) + share(测评: 较好)) / 2", True),
    ("max(share(测评: 优秀), 线)", True),
    ("round(share(测评: 优秀), 2)", True),
    ("votes(测评: 优秀) / 2", False),
    ("得分 / 100", False),
    ("share(测评: 优秀) * 得分", False),
])
def test_what_keeps_a_share_a_share(expr, share):
    rules = RULES + f"let 值 = {expr}\n"
    checked = evalrules.compile(rules).checked
    assert ("值" in shares(checked)) is share


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (Fraction(1900, 30), 2, "63.33"),
    (Fraction(1, 200), 2, "0.01"),  # 0.005: half away from zero
    (Fraction(-1, 200), 2, "-0.01"),
    (Fraction(87), 1, "87.0"),
    (Fraction(5, 2), 0, "3"),
    (Fraction(-5, 2), 0, "-3"),
    (Fraction(-1, 1000), 2, "0.00"),
])
def test_fixed_rounds_half_away_from_zero(value, decimals, text):
    assert fixed(value, decimals) == text
