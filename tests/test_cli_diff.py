"""`evalrules diff OLD NEW --data FILE`: every changed record listed by id and row with its old and
new values, written with -o, without Hypothesis.

The expected changes are a brute force: each row of a file this module writes itself (so it knows
each record's row), read with the csv module or openpyxl, each cell read by hand, each record
evaluated by both rulesets with ``Ruleset.evaluate`` and the compared values held side by side.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

import evalrules
from evalrules.cli import main
from evalrules.compare import ERROR, compare, find_id_column
from evalrules.diagnostics import InputError, RulesetError, UnknownName
from evalrules.install import install_command
from evalrules.io import Sheet, read_sheet

from conftest import ROOT

CITY = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
COUNTY = ROOT / "rulesets" / "fanwen9" / "team-county.rules"
SAMPLE = ROOT / "examples" / "team-city.csv"

#: The city's rules with three changes: 一般线 30% → 20% (grades, outcomes), 干部精神状态好 gets a
#: default (records the city refuses for a blank cell are graded), and a new required input with
#: a veto (records with a blank 材料齐全 are refused; a 否 lowers the grade).
NEW = (CITY.read_text(encoding="utf-8")
       .replace("ruleset 市直领导班子年度考核", "ruleset 新办法")
       .replace("input 干部精神状态好: bool ", "input 干部精神状态好: bool default false ")
       .replace("param 一般线 = 30%", "param 一般线 = 20%")
       .replace("# 第二十四条", "input 材料齐全: bool\nveto 材料不全 when not 材料齐全:\n"
                                 "  班子等次 at most 一般\n\n# 第二十四条"))
#: The values both rulesets give, as a reader of the two files lists them.
COMPARED = ("班子等次", "人口计生综治", "物质奖励", "集体谈话限期改进")
BALLOTS = {"班子测评": ("优秀", "较好", "一般", "较差"),
           "正职测评": ("优秀", "称职", "基本称职", "不称职")}
HEADER = ["编号", "单位", "考核目标完成", "班子状况", "干部精神状态好", "存在突出问题", "材料齐全",
          *(f"{b}.{c}" for b, cs in BALLOTS.items() for c in cs)]


@pytest.fixture(scope="module")
def rulesets(tmp_path_factory) -> tuple[evalrules.Ruleset, evalrules.Ruleset]:
    folder = tmp_path_factory.mktemp("rules")
    (folder / "new.rules").write_text(NEW, encoding="utf-8")
    return evalrules.load(CITY), evalrules.load(folder / "new.rules")


def table(n: int = 160, seed: int = 7) -> list[list[str]]:
    """Rows of cells as an office types them: some blank, some wrong, votes that sit near the
    20% and 30% lines."""
    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        votes = [rng.randint(0, 12), rng.randint(0, 8), rng.randint(0, 6), rng.randint(0, 3)]
        if i % 37 == 0:
            votes = [0, 0, 0, 0]  # no votes: both refuse (the shares are undefined)
        state = rng.choice(["团结协调"] * 6 + ["存在问题"] * 2 + ["不团结", "团结协做"])
        rows.append([f"T{i:04d}", f"单位{i}", rng.choice(["好", "好", "一般", "差距较大"]), state,
                     rng.choice(["是", "是", "否", ""]), rng.choice(["否", "否", "是"]),
                     rng.choice(["是"] * 8 + ["否", ""]),
                     *map(str, votes),
                     *map(str, [rng.randint(0, 15), rng.randint(0, 5), rng.randint(0, 2), 0])])
    return rows


def as_record(row: dict[str, str], ruleset: evalrules.Ruleset) -> dict:
    """The record a ruleset is given from a row, each cell read by hand."""
    record: dict = {}
    for name, f in ruleset.inputs.items():
        if f.kind == "ballot":
            record[name] = {c: int(row[f"{name}.{c}"]) for c in f.labels}
        elif row.get(name, "") != "":
            record[name] = {"是": True, "否": False}.get(row[name], row[name]) \
                if f.kind == "bool" else row[name]
    return record


def brute_force(rows: list[tuple[int, dict]], old, new, lang: str = "en") -> set[tuple]:
    """(id, row, field, old value, new value) for every value that changed, by evaluating each
    record with each ruleset; an error as the command says it, in ``lang``."""
    expected = set()
    for number, row in rows:
        sides = []
        for ruleset in (old, new):
            try:
                result = ruleset.evaluate(as_record(row, ruleset))
            except InputError as e:
                sides.append(e.text(lang))
            else:
                sides.append({n: result[n] for n in COMPARED})
        a, b = sides
        if isinstance(a, str) and isinstance(b, str):
            continue
        if isinstance(a, str) or isinstance(b, str):
            expected.add((row["编号"], number, ERROR, a if isinstance(a, str) else None,
                          b if isinstance(b, str) else None))
            graded = b if isinstance(a, str) else a
            assert isinstance(graded, dict)
            expected |= {(row["编号"], number, n, *((None, v) if graded is b else (v, None)))
                         for n, v in graded.items()}
            continue
        expected |= {(row["编号"], number, n, a[n], b[n]) for n in COMPARED if a[n] != b[n]}
    return expected


def write_csv(path: Path) -> list[tuple[int, dict]]:
    """The table as a CSV with a blank line and a cell broken over two lines on the way, so a
    record's line is not its index plus 2; (line where each record starts, its cells)."""
    rows, lines, line = [], [], 1
    lines.append(",".join(HEADER))
    for i, cells in enumerate(table()):
        line += 1
        if i == 20:
            lines.append("")
            line += 1
        if i == 40:
            cells = [cells[0], f'"{cells[1]}\n（原名）"', *cells[2:]]
        rows.append((line, dict(zip(HEADER, cells, strict=True))))
        lines.append(",".join(cells))
        line += cells[1].count("\n")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for _, row in rows:
        row["单位"] = row["单位"].strip('"')
    return rows


def write_xlsx(path: Path) -> list[tuple[int, dict]]:
    """The table as a workbook with the ids as Excel numbers and an empty row on the way;
    (Excel row of each record, its cells as text)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    rows = []
    for i, cells in enumerate(table(90, seed=11)):
        if i == 30:
            sheet.append([])
        typed = [int(c) if c.isdigit() else c or None for c in cells]
        typed[0] = i + 1  # a numeric id
        sheet.append(typed)
        rows.append((sheet.max_row, {**dict(zip(HEADER, cells, strict=True)), "编号": str(i + 1)}))
    book.save(path)
    return rows


def listed(comparison) -> set[tuple]:
    return {(c.id, c.row, f.name, f.old, f.new) for c in comparison.changed for f in c.fields}


def cli(capsys, *argv) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


# ---------------------------------------------------------------- the records listed

def test_the_changed_records_of_a_csv_are_a_brute_force_comparison(tmp_path, rulesets):
    old, new = rulesets
    rows = write_csv(tmp_path / "data.csv")
    expected = brute_force(rows, old, new)
    got = compare(old, new, read_sheet(tmp_path / "data.csv"))
    assert listed(got) == expected
    fields = {f[2] for f in expected}
    assert {ERROR, "班子等次", "物质奖励"} <= fields  # the data shows each kind of change
    assert {f[3] for f in expected if f[2] == ERROR} != {None}  # the city refuses some
    assert {f[4] for f in expected if f[2] == ERROR} != {None}  # and the new rules others
    assert got.id_column == "编号"
    changed_ids = {f[0] for f in expected}
    assert sum(got.transitions.values()) >= len(changed_ids) == len(got.changed)
    both = [n for n, row in rows if all(_refuses(r, row) for r in (old, new))]
    assert [got.sheet.rows[i] for i in got.refused] == both and both


def _refuses(ruleset, row) -> bool:
    try:
        ruleset.evaluate(as_record(row, ruleset))
    except InputError:
        return True
    return False


def test_the_changed_records_of_an_xlsx_are_a_brute_force_comparison(tmp_path, rulesets):
    old, new = rulesets
    rows = write_xlsx(tmp_path / "data.xlsx")
    got = compare(old, new, read_sheet(tmp_path / "data.xlsx"))
    assert listed(got) == brute_force(rows, old, new)
    assert got.changed and all(c.row > 32 for c in got.changed if int(c.id) > 30)


def test_rows_and_ids_come_from_the_sheet_whatever_the_reader_skipped(rulesets):
    """A reader that skipped a title row, a two-row header or a 合计 row hands over each
    record's row: the list shows those, not a count from the header."""
    old, new = rulesets
    cells = [dict(zip(HEADER, c, strict=True)) for c in table(6, seed=3)]
    cells[2]["班子测评.一般"], cells[2]["班子测评.较差"] = "3", "0"  # 3 of ≥ 3+… near 20%
    sheet = Sheet("汇总.xlsx", tuple(HEADER), {h: [c[h] for c in cells] for h in HEADER},
                  rows=(4, 5, 7, 8, 9, 12), sheet="汇总")
    got = compare(old, new, sheet)
    expected = brute_force(list(zip(sheet.rows, cells, strict=True)), old, new)
    assert listed(got) == expected and expected


def test_the_command_lists_every_changed_record_and_writes_them(tmp_path, rulesets, capsys):
    old, new = rulesets
    rows = write_csv(tmp_path / "data.csv")
    expected = brute_force(rows, old, new, "zh")  # the command speaks Chinese
    status, out, _ = cli(capsys, "diff", CITY, _new_path(tmp_path), "--data",
                         tmp_path / "data.csv", "--limit", "1000", "-o", tmp_path / "changes.csv")
    assert status == 1
    by_id: dict[str, int] = {}
    for ident, row, *_ in expected:
        by_id[ident] = row
    for ident, row in by_id.items():
        assert any(line.split()[:3] == [ident, "第", str(row)] for line in out.splitlines()), ident
    assert f"{len(by_id)} 条不同" in out
    with (tmp_path / "changes.csv").open(encoding="utf-8-sig", newline="") as f:
        written = list(csv.DictReader(f))
    assert list(written[0])[:5] == ["编号", "行号", "字段", "旧值", "新值"]
    assert list(written[0])[5:] == HEADER[1:]  # then the record's own columns

    def text(value):
        return "" if value is None else str(value).lower() if isinstance(value, bool) else value

    assert {(r["编号"], int(r["行号"]), "error" if r["字段"] == "错误" else r["字段"], r["旧值"],
             r["新值"]) for r in written} == {(i, n, f, text(a), text(b))
                                               for i, n, f, a, b in expected}
    by_row = {n: row for n, row in rows}
    assert all(r["单位"] == by_row[int(r["行号"])]["单位"] for r in written)


def _new_path(tmp_path: Path) -> Path:
    path = tmp_path / "new.rules"
    path.write_text(NEW, encoding="utf-8")
    return path


def test_xlsx_and_json_outputs_hold_the_same_changes(tmp_path, rulesets, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    new = _new_path(tmp_path)
    rows = write_xlsx(tmp_path / "data.xlsx")
    expected = brute_force(rows, *rulesets)
    assert cli(capsys, "diff", CITY, new, "--data", tmp_path / "data.xlsx", "--lang", "en",
               "-o", tmp_path / "changes.xlsx")[0] == 1
    sheet = openpyxl.load_workbook(tmp_path / "changes.xlsx").active
    header, *body = list(sheet.iter_rows(values_only=True))
    assert header[:5] == ("编号", "row", "field", "old", "new")
    assert {(str(r[0]), r[1], r[2], r[3], r[4]) for r in body} == expected
    assert cli(capsys, "diff", CITY, new, "--data", tmp_path / "data.xlsx", "--lang", "en",
               "-o", tmp_path / "changes.json")[0] == 1
    data = json.loads((tmp_path / "changes.json").read_text(encoding="utf-8"))
    assert {(int(r["row"]), r["field"]) for r in data} == {(e[1], e[2]) for e in expected}


# ---------------------------------------------------------------- without Hypothesis

def test_data_needs_no_hypothesis(tmp_path):
    """With Hypothesis unimportable, --data still lists the records; the search says what to
    install (exit 2)."""
    new = _new_path(tmp_path)
    write_csv(tmp_path / "data.csv")
    script = ("import sys; sys.modules['hypothesis'] = None\n"
              "from evalrules.cli import main; sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", script, "diff", str(CITY), str(new), "--data",
                           str(tmp_path / "data.csv")], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "不同的记录" in done.stdout and "T0" in done.stdout and "Traceback" not in done.stderr
    searched = subprocess.run([sys.executable, "-c", script, "diff", str(CITY), str(new)],
                              capture_output=True, text=True, cwd=tmp_path)
    assert searched.returncode == 2 and install_command("testing") in searched.stderr


# ---------------------------------------------------------------- the terminal

def test_a_long_list_stops_at_the_limit_and_says_where_the_rest_is(tmp_path, capsys):
    new = _new_path(tmp_path)
    write_csv(tmp_path / "data.csv")
    status, out, _ = cli(capsys, "diff", CITY, new, "--data", tmp_path / "data.csv",
                         "--limit", "3")
    total = len(compare(evalrules.load(CITY), evalrules.load(new),
                        read_sheet(tmp_path / "data.csv")).changed)
    listed_lines = [line for line in out.splitlines() if line.startswith("  T0")]
    assert status == 1 and len(listed_lines) == 3
    assert f"还有 {total - 3} 条：用 -o changes.xlsx 写出全部" in out
    _, out, _ = cli(capsys, "diff", CITY, new, "--data", tmp_path / "data.csv", "--limit", "0",
                    "-o", tmp_path / "all.csv")
    assert not [line for line in out.splitlines() if line.startswith("  T0")]
    assert f"还有 {total} 条，全部见 {tmp_path / 'all.csv'}" in out


def test_the_sample_in_english_and_in_chinese(capsys):
    status, out, _ = cli(capsys, "diff", CITY, COUNTY, "--data", SAMPLE, "--lang", "en")
    assert status == 1
    assert "on 300 records: 9 differ" in out and "物质奖励 true → false: 6" in out
    assert "  T0177  row 178  班子等次 一般 → 较差" in out
    status, out, _ = cli(capsys, "diff", CITY, COUNTY, "--data", SAMPLE)
    assert "共 300 条记录，9 条不同" in out and "物质奖励 是 → 否：6" in out
    assert "  T0177  第 178 行  班子等次 一般 → 较差" in out
    assert "records" not in out  # one language from the first line to the last


def test_explain_shows_each_listed_record_under_both(tmp_path, capsys):
    status, out, _ = cli(capsys, "diff", CITY, COUNTY, "--data", SAMPLE, "--limit", "1",
                         "--explain")
    assert status == 1
    assert "[市直领导班子年度考核]" in out and "[县区领导班子年度考核]" in out
    assert out.count("\n  T0") == 1


# ---------------------------------------------------------------- the id column

def _sheet(columns: list[str], rows: list[list]) -> Sheet:
    return Sheet("t.csv", tuple(columns), {c: [r[i] for r in rows] for i, c in enumerate(columns)},
                 rows=tuple(range(2, len(rows) + 2)))


@pytest.mark.parametrize(("columns", "expected"), [
    (["单位", "序号", "编号", "考核目标完成"], "编号"),
    (["单位", "序号", "考核目标完成"], "序号"),
    (["单位", " id ", "考核目标完成"], " id "),
    (["考核目标完成", "单位", "备注"], "单位"),
    (["考核目标完成", "班子等次", "error", "单位"], "单位"),  # an earlier run's results skipped
    (["考核目标完成", "班子状况"], None),
])
def test_the_default_id_column(columns, expected):
    city = evalrules.load(CITY)
    assert find_id_column(_sheet(columns, [["x"] * len(columns)]), [city, city]) == expected


def test_an_id_column_that_is_not_there_is_named(tmp_path, capsys):
    city = evalrules.load(CITY)
    with pytest.raises(UnknownName, match="did you mean '编号'"):
        find_id_column(read_sheet(SAMPLE), [city], "编码")
    status, _, err = cli(capsys, "diff", CITY, COUNTY, "--data", SAMPLE, "--id-column", "编码")
    assert status == 2 and "没有“编码”列" in err and "编号、单位" in err
    status, out, _ = cli(capsys, "diff", CITY, COUNTY, "--data", SAMPLE, "--id-column", "单位")
    assert status == 1 and "编号取自“单位”列" in out and "\n  住建局" in out


# ---------------------------------------------------------------- statuses and refusals

def test_where_leaves_out_the_expected_changes_but_never_a_refused_record(tmp_path, rulesets):
    old, new = rulesets
    write_csv(tmp_path / "data.csv")
    sheet = read_sheet(tmp_path / "data.csv")
    every = compare(old, new, sheet)
    band = compare(old, new, sheet, where="班子差评率 >= 20% and 班子差评率 < 30%")
    assert band.excluded and len(band.changed) + len(band.excluded) == len(every.changed)
    kept = {c.index for c in band.changed}
    assert {c.index for c in every.changed if any(f.name == ERROR and f.old for f in c.fields)} \
        <= kept  # the city refuses them: the condition cannot say they are in the band
    with pytest.raises(RulesetError):
        compare(old, new, sheet, where="班子等次 >")


def test_a_file_no_record_of_which_both_can_grade_exits_2(tmp_path, capsys):
    (tmp_path / "d.csv").write_text("编号,单位\nT1,甲\nT2,乙\n", encoding="utf-8")
    status, _, err = cli(capsys, "diff", CITY, COUNTY, "--data", tmp_path / "d.csv")
    assert status == 2 and "没有一条记录能评定" in err and "班子测评.优秀" in err
    (tmp_path / "e.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    status, _, err = cli(capsys, "diff", CITY, COUNTY, "--data", tmp_path / "e.csv")
    assert status == 2 and "没有可评定的记录" in err


def test_a_column_named_like_a_written_one_is_an_error_before_grading(tmp_path, capsys):
    text = SAMPLE.read_text(encoding="utf-8-sig").replace("单位,", "字段,", 1)
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    status, _, err = cli(capsys, "diff", CITY, COUNTY, "--data", tmp_path / "d.csv",
                         "-o", tmp_path / "c.xlsx")
    assert status == 2 and "“字段”" in err and not (tmp_path / "c.xlsx").exists()
    assert cli(capsys, "diff", CITY, COUNTY, "--data", tmp_path / "d.csv")[0] == 1


def test_the_same_rules_agree_and_write_an_empty_list(tmp_path, capsys):
    status, out, _ = cli(capsys, "diff", CITY, CITY, "--data", SAMPLE, "-o",
                         tmp_path / "c.json")
    assert status == 0 and "共 300 条记录，没有不同" in out
    assert json.loads((tmp_path / "c.json").read_text(encoding="utf-8")) == []


def test_a_column_only_the_new_rules_need_is_named_and_every_record_is_a_change(tmp_path,
                                                                                 capsys):
    status, out, _ = cli(capsys, "diff", CITY, _new_path(tmp_path), "--data", SAMPLE,
                         "--limit", "2")
    assert status == 1
    assert "  新办法 需要的列文件中没有：材料齐全" in out
    assert "市直领导班子年度考核 评定、新办法 无法评定（input 材料齐全）：300" in out
    assert "共 300 条记录，300 条不同" in out and "还有 298 条" in out
