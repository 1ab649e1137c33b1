"""Issue 12: spreadsheets as offices keep them grade as the same data laid out cleanly.

Each test builds a file the way an 组织部's is kept (with openpyxl, or as Excel saves a CSV on a
Chinese Windows) from the same made-up rows as a clean twin (one header row, one record a row,
UTF-8), grades both with the team-city ruleset and compares the results row by row, keyed by
编号; or it checks that the file fails with a Chinese message saying what to do. Workbooks are read
by both python-calamine and openpyxl, which must give the same Sheet.
"""

from __future__ import annotations

import csv
import random
import subprocess
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules.cli import main
from evalrules.columns import input_columns
from evalrules.grading import grade
from evalrules.io import ReadError, read_sheet, xlsx_in
from evalrules.io.csv_in import with_arrow, with_csv

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.styles import Alignment  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CITY = evalrules.load(ROOT / "rulesets" / "fanwen9" / "team-city.rules")
SATISFACTION = evalrules.load(ROOT / "rulesets" / "fanwen4" / "satisfaction.rules")
COLUMNS = input_columns(CITY.checked)
TEAM = ("优秀", "较好", "一般", "较差")
CHIEF = ("优秀", "称职", "基本称职", "不称职")
TITLE = "2025年度市直单位领导班子考核测评汇总表"
#: Where the merged 是 of 计生综治目标完成差 stands: records 4, 5 and 6 (from 0).
MERGED = range(4, 7)
N = 24


def team_rows(n: int = N, seed: int = 12) -> list[dict]:
    """Made-up records of team-city, every cell as a clean file holds it (ints and 是/否)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row: dict = {"编号": f"T{i + 1:03d}", "单位": f"{rng.choice('发教财住交水')}局{i}"}
        row["考核目标完成"] = rng.choice(("好", "好", "一般", "差距较大"))
        row["班子状况"] = rng.choice(("团结协调", "团结协调", "存在问题", "不团结"))
        row["干部精神状态好"] = rng.choice("是是否")
        row["存在突出问题"] = rng.choice("否否否是")
        row["较大失误造成严重后果"] = "否"
        row["计生综治目标完成差"] = "是" if i in MERGED else "否"
        for ballot, labels in (("班子测评", TEAM), ("正职测评", CHIEF)):
            total = rng.choice((10, 20, 30))
            first = rng.randint(total // 2, total)
            rest = total - first
            second = rng.randint(0, rest)
            third = rng.randint(0, rest - second)
            counts = (first, second, third, rest - second - third)
            row.update({f"{ballot}.{c}": k for c, k in zip(labels, counts, strict=True)})
        rows.append(row)
    return rows


def write_clean(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def grades(path: Path, ruleset=CITY, key: str = "编号", **options) -> dict:
    """Each record's results by its id: grades and named values, vetoes, outcomes, error."""
    sheet = read_sheet(path, input_columns(ruleset.checked), **options)
    graded = grade(ruleset, sheet)
    assert len(graded) == len(sheet)
    out = {}
    for i in range(len(sheet)):
        values = tuple((n, v[i]) for n, v in graded.values.items())
        out[str(sheet.cells[key][i])] = (values, graded.vetoes[i], graded.outcomes[i],
                                         graded.errors[i])
    return out


#: The yes/no columns the office workbook writes in other words than 是/否 in some rows.
YES_NO_WRITTEN = ("干部精神状态好", "存在突出问题")


def _yes_no(cell: str, i: int) -> object:
    """是/否 as an office may write it: √/× in one row of four, an Excel boolean in another."""
    if i % 4 == 1:
        return "√" if cell == "是" else "×"
    if i % 4 == 2:
        return cell == "是"
    return cell


def office_workbook(path: Path, rows: list[dict]) -> Path:
    """The rows as an office keeps them: a 填表说明 sheet first; then a title merged across the
    table, a 填报单位 line, a two-row header (班子测评 merged over 优秀 较好 一般 较差, single
    columns merged down over both rows), 是 merged down over three teams, vote counts partly as
    text, yes/no as √/× or Excel's TRUE/FALSE in some rows, a percent-formatted column, a 合计
    row at the bottom."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "填表说明"
    notes.append(["填表说明"])
    notes.append(["1. 每个班子一行；2. 得票数填整数；3. 是/否 填“是”或“否”。"])
    sheet = book.create_sheet("汇总")
    singles = [c for c in rows[0] if "." not in c]
    width = len(singles) + len(TEAM) + len(CHIEF) + 1
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["填报单位：市委组织部", None, None, None, "填报日期：2025年12月31日"])
    upper = [*singles, "班子测评", None, None, None, "正职测评", None, None, None, "出勤率"]
    lower = [None] * len(singles) + [*TEAM, *CHIEF, None]
    sheet.append(upper)
    sheet.append(lower)
    for c in range(1, len(singles) + 1):
        sheet.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
    first = len(singles) + 1
    sheet.merge_cells(start_row=3, start_column=first, end_row=3, end_column=first + 3)
    sheet.merge_cells(start_row=3, start_column=first + 4, end_row=3, end_column=first + 7)
    sheet.merge_cells(start_row=3, start_column=width, end_row=4, end_column=width)
    for i, row in enumerate(rows):
        cells = [_yes_no(row[c], i) if c in YES_NO_WRITTEN else row[c] for c in singles]
        votes = [row[f"班子测评.{c}"] for c in TEAM] + [row[f"正职测评.{c}"] for c in CHIEF]
        if i % 3 == 0:  # numbers as text, as a pasted column holds them
            votes = [str(v) for v in votes]
        sheet.append([*cells, *votes, 0.6333])
        sheet.cell(row=sheet.max_row, column=width).number_format = "0.00%"
    column = singles.index("计生综治目标完成差") + 1
    top, bottom = 5 + MERGED[0], 5 + MERGED[-1]
    for r in range(top + 1, bottom + 1):
        sheet.cell(row=r, column=column).value = None  # what a merge leaves below its first cell
    sheet.merge_cells(start_row=top, start_column=column, end_row=bottom, end_column=column)
    totals = ["合 计", None, *[None] * (len(singles) - 2)]
    totals += [sum(r[f"班子测评.{c}"] for r in rows) for c in TEAM]
    totals += [sum(r[f"正职测评.{c}"] for r in rows) for c in CHIEF]
    sheet.append(totals)
    book.save(path)
    return path


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request, monkeypatch):
    """Each workbook test runs with python-calamine and with openpyxl reading the cells."""
    if request.param == "calamine":
        pytest.importorskip("python_calamine")
    else:
        monkeypatch.setattr(xlsx_in, "_calamine", lambda: None)
    return request.param


def test_an_office_workbook_grades_as_its_clean_twin(tmp_path, reader):
    rows = team_rows()
    path = office_workbook(tmp_path / "考核.xlsx", rows)
    clean = grades(write_clean(tmp_path / "clean.csv", rows))
    assert grades(path) == clean
    vetoed = [clean[f"T{i + 1:03d}"][1] for i in MERGED]
    assert all(v for v in vetoed)  # the merged 是 vetoes each of the three teams


def test_an_office_workbook_says_what_it_did_and_keeps_excel_row_numbers(tmp_path, reader):
    rows = team_rows()
    sheet = read_sheet(office_workbook(tmp_path / "考核.xlsx", rows), COLUMNS)
    assert sheet.sheet == "汇总" and sheet.header_rows == (3, 4)
    assert sheet.rows == tuple(range(5, 5 + N))  # the 合计 row (5 + N) is no record
    assert list(sheet.cells["编号"]) == [r["编号"] for r in rows]
    assert "班子测评.较差" in sheet.columns and "出勤率" in sheet.columns
    assert sheet.cells["出勤率"][0] == 0.6333  # a percent cell: the number stored, not 63.33
    said = {n.key: n.text("zh") for n in sheet.notes}
    assert "工作表「汇总」" in said["read.sheet_chosen"] and "填表说明" in said["read.sheet_chosen"]
    assert "第 1-2 行" in said["read.titles_skipped"] and TITLE in said["read.titles_skipped"]
    assert "第 3-4 行" in said["read.two_row_header"]
    column = "H"  # 计生综治目标完成差, the eighth column
    assert f"{column}{5 + MERGED[0]}:{column}{5 + MERGED[-1]}" in said["read.merged_filled"]
    assert f"第 {5 + N} 行" in said["read.totals_skipped"]


def test_calamine_and_openpyxl_read_the_same_sheet(tmp_path):
    pytest.importorskip("python_calamine")
    path = office_workbook(tmp_path / "考核.xlsx", team_rows())
    fast = read_sheet(path, COLUMNS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(xlsx_in, "_calamine", lambda: None)
        slow = read_sheet(path, COLUMNS)
    assert fast == slow and fast.cells == slow.cells and fast.rows == slow.rows


def test_without_the_rulesets_columns_the_first_table_after_the_titles(tmp_path, reader):
    rows = team_rows()
    sheet = read_sheet(office_workbook(tmp_path / "考核.xlsx", rows), sheet="汇总")
    assert sheet.header_rows == (3, 4) and sheet.rows[0] == 5
    assert list(sheet.columns[:2]) == ["编号", "单位"] and "正职测评.不称职" in sheet.columns


@pytest.mark.parametrize("choice", ["汇总", "2"])
def test_sheet_by_name_or_number(tmp_path, choice):
    path = office_workbook(tmp_path / "考核.xlsx", team_rows())
    assert read_sheet(path, COLUMNS, sheet=choice).sheet == "汇总"


def test_no_such_sheet_names_the_sheets(tmp_path):
    path = office_workbook(tmp_path / "考核.xlsx", team_rows())
    with pytest.raises(ReadError) as e:
        read_sheet(path, COLUMNS, sheet="备注")
    assert "1. 填表说明" in e.value.text("zh") and "2. 汇总" in e.value.text("zh")


def test_percent_cells_grade_as_the_number_they_hold(tmp_path, reader):
    """63.33% is stored as 0.6333: 80% sits exactly on the line, 79.99% below it."""
    shares = {"A": 0.8, "B": 0.7999, "C": 0.6333, "D": 1, "E": "0.85"}
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "群众满意度"])
    for name, share in shares.items():
        sheet.append([name, share])
        sheet.cell(row=sheet.max_row, column=2).number_format = "0.00%"
    book.save(tmp_path / "s.xlsx")
    clean = [{"名称": k, "群众满意度": str(v)} for k, v in shares.items()]
    got = grades(tmp_path / "s.xlsx", SATISFACTION, key="名称")
    assert got == grades(write_clean(tmp_path / "s.csv", clean), SATISFACTION, key="名称")
    assert [k for k, v in got.items() if "限期整改" in v[2]] == ["B", "C"]  # by hand: < 80%


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030"])
def test_csv_as_excel_saves_it_grades_as_utf8(tmp_path, encoding):
    rows = team_rows()
    if encoding == "gb18030":
        rows[0]["单位"] = "𠮷局"  # outside GBK: only GB18030 holds it
    clean = grades(write_clean(tmp_path / "clean.csv", rows))
    path = write_clean(tmp_path / "saved.csv", rows, encoding)
    assert grades(path) == clean
    sheet = read_sheet(path, COLUMNS)
    assert sheet.rows == tuple(range(2, 2 + N))
    said = [n.text("zh") for n in sheet.notes]
    label = {"gbk": "GBK", "gb18030": "GB18030"}.get(encoding)
    assert said == ([] if label is None else [f"saved.csv 不是 UTF-8 编码，按 {label} 读取"])


def test_encoding_forced(tmp_path):
    rows = team_rows(4)
    path = write_clean(tmp_path / "unicode.csv", rows, "utf-16")  # Excel's "Unicode 文本"
    with pytest.raises(ReadError) as e:
        read_sheet(path, COLUMNS)
    assert e.value.text("zh") == ("unicode.csv 是 UTF-16 编码的“Unicode 文本”，不是 CSV：在 Excel "
                                  "中另存为“CSV UTF-8（逗号分隔）”，或用 --encoding utf-16 读取")
    sheet = read_sheet(path, COLUMNS, encoding="utf-16")
    assert list(sheet.cells["单位"]) == [r["单位"] for r in rows]


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """``evalrules ARGV`` in this process, speaking Chinese (the default): a CompletedProcess."""
    for name in ("EVALRULES_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: object) -> subprocess.CompletedProcess:
        status = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(argv, status, out, err)
    return run


def test_a_file_in_no_known_encoding_says_what_to_do_in_chinese(tmp_path, run_cli):
    path = tmp_path / "latin.csv"
    path.write_bytes("编号,单位\n".encode() + b"T001,caf\xe9\xff\n")
    done = run_cli("eval", ROOT / "rulesets" / "fanwen9" / "team-city.rules", path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "latin.csv 既不是 UTF-8 也不是 GBK/GB18030" in done.stderr
    assert "第 2 行" in done.stderr and "CSV UTF-8" in done.stderr and "--encoding" in done.stderr


def test_a_run_that_grades_no_record_fails_naming_sheets_and_headers(tmp_path, run_cli):
    book = openpyxl.Workbook()
    book.active.title = "封面"
    book.active.append(["2025年度考核"])
    other = book.create_sheet("名单")
    other.append(["序号", "姓名", "职务"])
    other.append([1, "张三", "局长"])
    book.save(tmp_path / "无关.xlsx")
    done = run_cli("eval", ROOT / "rulesets" / "fanwen9" / "team-city.rules",
                   tmp_path / "无关.xlsx", "-o", tmp_path / "out.csv")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "缺少规则集需要的列" in done.stderr
    assert "名单" in done.stderr and "序号、姓名、职务" in done.stderr and "封面" in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_the_office_workbook_through_the_command(tmp_path, run_cli):
    rows = team_rows()
    path = office_workbook(tmp_path / "考核.xlsx", rows)
    clean = write_clean(tmp_path / "clean.csv", rows)
    rules = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
    office, twin = run_cli("eval", rules, path), run_cli("eval", rules, clean)
    assert office.returncode == twin.returncode and "Traceback" not in office.stderr
    assert office.stdout.splitlines()[0].split("(")[0] == twin.stdout.splitlines()[0].split("(")[0]
    assert "汇总" in office.stderr and "合 计" not in office.stdout
    again = run_cli("eval", rules, path, "--sheet", "1")
    assert again.returncode == 2 and "填表说明" in again.stderr


CELL = st.text(st.sampled_from("ab1,'= 是\r\n\t"), max_size=6)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6),
       st.sampled_from(["\n", "\r\n"]))
@example([["a", "'=1"], ["", "b"]], "\r\n")
@example([["a,b"], ["1"]], "\n")
def test_pyarrow_cuts_a_csv_as_the_csv_module_does(rows, newline):
    """The fast path gives the cells the csv module gives, or steps aside (None)."""
    text = newline.join(",".join(r) for r in rows) + newline
    fast = with_arrow(text)
    if fast is not None:
        assert fast == with_csv(text, "t.csv")


def test_a_legacy_xls_grades_as_its_clean_twin(tmp_path):
    """tests/data/office.xls (written by tests/data/make_office_xls.py from these rows)."""
    pytest.importorskip("python_calamine")
    rows = team_rows()
    path = ROOT / "tests" / "data" / "office.xls"
    assert grades(path) == grades(write_clean(tmp_path / "clean.csv", rows))
    sheet = read_sheet(path, COLUMNS)
    assert sheet.sheet == "汇总" and sheet.header_rows == (2, 3)
    assert sheet.rows == tuple(range(4, 4 + N))
    said = {n.key for n in sheet.notes}
    assert {"read.sheet_chosen", "read.titles_skipped", "read.two_row_header",
            "read.merged_filled", "read.totals_skipped"} <= said


@pytest.mark.parametrize("option", [["--encoding", "gbk"], ["--sheet", "1"]])
def test_a_streamed_run_refuses_what_it_cannot_honour(tmp_path, run_cli, option):
    path = write_clean(tmp_path / "d.csv", team_rows(3))
    done = run_cli("eval", ROOT / "rulesets" / "fanwen9" / "team-city.rules", path, "--stream",
                   "-o", tmp_path / "o.csv", *option)
    assert done.returncode == 2 and f"不接受 {option[0]}" in done.stderr
    assert not (tmp_path / "o.csv").exists()


def test_the_office_sheet_saved_as_csv_by_excel_grades_as_its_clean_twin(tmp_path):
    """Excel's plain "CSV" of the office sheet: GBK, the title a row of one cell and commas, the
    two-row header without its merges (班子测评 followed by blank cells over 优秀 较好 …), a 合计
    row. (A CSV has no merged cells: Excel saves a merged 是 in its first row only, which no reader
    can tell from blank cells below it, so here every row holds its own value.)"""
    rows = team_rows()
    singles = [c for c in rows[0] if "." not in c]
    width = len(singles) + len(TEAM) + len(CHIEF)
    lines = [[TITLE] + [""] * (width - 1), ["填报单位：市委组织部"] + [""] * (width - 1),
             [*singles, "班子测评", "", "", "", "正职测评", "", "", ""],
             [""] * len(singles) + [*TEAM, *CHIEF]]
    for row in rows:
        lines.append([str(v) for v in row.values()])
    lines.append(["合 计", *[""] * (len(singles) - 1),
                  *(str(sum(r[c] for r in rows)) for c in rows[0] if "." in c)])
    path = tmp_path / "汇总.csv"
    with path.open("w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows(lines)
    assert grades(path) == grades(write_clean(tmp_path / "clean.csv", rows))
    sheet = read_sheet(path, COLUMNS)
    assert sheet.header_rows == (3, 4) and sheet.rows == tuple(range(5, 5 + N))
    assert {n.key for n in sheet.notes} == {"read.encoding_used", "read.titles_skipped",
                                            "read.two_row_header", "read.totals_skipped"}
