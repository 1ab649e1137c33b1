"""``grading.grade`` column by column (the fast path) against row by row (``evaluate_many`` over
``record_of``, the definition of what a sheet's cells mean), value for value and error text for
error text, on sheets whose cells are as messy as offices keep them: numbers as text, full-width
digits, ``80%``, ``1/3``, 是/否/TRUE/1, blanks, floats such as 0.1, huge numbers, bad labels, and
the floats, ints and bools of a workbook."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest

pa = pytest.importorskip("pyarrow")
pytest.importorskip("numpy")

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import evalrules  # noqa: E402
from evalrules import grading  # noqa: E402
from evalrules.columns import YES_NO, input_columns  # noqa: E402
from evalrules.io import Sheet, record_of  # noqa: E402
from evalrules.ruleset import Ruleset  # noqa: E402

from conftest import RULESETS  # noqa: E402

MIXED = evalrules.compile("""
ruleset 混合

scale 等次: 优秀 > 称职 > 基本称职 > 不称职

ballot 测评: 优秀, 称职, 基本称职, 不称职
input 得分: number in 0..100
input 扣分: number in 0.. default 0
input 项数: integer in 0..
input 合格: bool
input 违纪: bool default false
input 作风: one of 好, 较好, 一般
input 往年: history of 等次

let 优秀率 = share(测评: 优秀)
let 总分 = 得分 - 扣分 + 项数

grade 等次 (worst):
  优秀 when all:
    优秀率 >= 60%
    总分 >= 90
    作风 is 好
    合格
  基本称职 when 作风 is 一般 or 总分 < 60
  不称职 when not 合格
  otherwise 称职

veto 违纪否决 when 违纪:
  lower 等次 by 1

outcome 奖励 when 等次 is 优秀 and 往年.streak(优秀) >= 1
""")
TEAM_CITY = evalrules.load(RULESETS / "fanwen9" / "team-city.rules")
QUOTA = evalrules.load(RULESETS / "fanwen2" / "cadre-quota.rules")  # group by, text, history
RANK = evalrules.load(RULESETS / "fanwen2" / "team-dept-rank.rules")  # group by, rank; no history

#: Cells an office's sheet holds, by the kind of their column: plain ones, and every kind of odd
#: one (each read, or refused, on its own row).
_ANY = ["", "  ", None, "\u3000", "x", True, False, Decimal("1"), [1], {"a": 1}, b"7"]
CELLS = {
    "count": ["0", "7", "07", " 7 ", "\u30007", "７", "7.0", "-1", "1e2", "1/3", "+3",
              "99999999999999999999", "123456789012345", 7, 0, 7.0, -0.0, 3.5, -2, -2.0, 1e20,
              2**70,
              float("nan"), float("inf")],
    "number": ["80", "85.5", "0.1", " 60 ", "80%", "８５", "1/3", "-5", "120", "100.000",
               "12345678901234567", "1234567890.12345", "0.000000000000001", "1e2", "abc",
               "1/0", 0.1, 85, 85.0, 1e300, 5e-324, float("inf"), float("nan"), -0.0, 2**60,
               Decimal("85.5")],
    "integer": ["3", "3.0", "3.00", "3.5", "+4", "-1", " 4 ", "４", 3, 3.0, 3.5, -0.0, 2**60],
    "bool": ["是", "否", "TRUE", "false", "True", "1", "0", " 是 ", "yes", "2", "真", "√",
             1, 0, 1.0, 0.0, 2, -0.0, float("nan")],
    "category": ["好", "较好", "一般", " 好 ", "好x", "优秀", 1, 1.0],
    "history": ["优秀、称职", "优秀", "优秀 优秀", "坏", ["优秀", "优秀"], ["坏"], 3],
    "text": ["甲", "乙", " 甲", "1", 1, 2.0],
}


def _cells(kind: str) -> st.SearchStrategy:
    plain = {
        "count": st.integers(0, 60).map(str) | st.integers(0, 60),
        "number": st.decimals(0, 100, places=2).map(str) | st.floats(0, 100) | st.integers(0, 100),
        "integer": st.integers(0, 30).map(str) | st.integers(0, 30),
        "bool": st.sampled_from(["是", "否", True, False, "TRUE", "FALSE"]),
        "category": st.sampled_from(["好", "较好", "一般"]),
        "history": st.sampled_from(["优秀、优秀", "称职", ""]),
        "text": st.sampled_from(["甲", "乙", "丙"]),
    }[kind]
    return st.one_of(plain, plain, st.sampled_from(CELLS[kind] + _ANY))


@st.composite
def sheets(draw, ruleset: Ruleset) -> Sheet:
    """A sheet of the ruleset's input columns (each perhaps left out, one more that the ruleset
    does not read), 1 to 25 records, every column of cells of one kind plain or odd."""
    kinds = {c: k for c, k in input_columns(ruleset.checked).items() if k != "ballot"}
    columns = [c for c in kinds if draw(st.integers(0, 9))] + ["备注"]
    rows = draw(st.integers(1, 25))
    cells = {c: draw(st.lists(_cells(kinds[c]) if c in kinds else st.just("x"), min_size=rows,
                              max_size=rows)) for c in columns}
    return Sheet(source="t", columns=tuple(columns), cells=cells,
                 rows=tuple(range(2, rows + 2)))


def _clean(ruleset: Ruleset, rows: int) -> Sheet:
    """Every input column of plain cells, all the same (a category its first label)."""
    plain = {"count": "7", "number": "80", "integer": "3", "bool": "是", "history": "优秀",
             "text": "甲"}
    cells = {c: [plain[k] if k != "category" else ruleset.inputs[c].labels[0]] * rows
             for c, k in input_columns(ruleset.checked).items() if k != "ballot"}
    return Sheet(source="t", columns=tuple(cells), cells=cells, rows=tuple(range(rows)))


def assert_same(ruleset: Ruleset, sheet: Sheet) -> grading.Graded:
    """``grade`` column by column gives what ``evaluate_many`` gives for each record as
    ``record_of`` reads it: the same values of the same types, vetoes, outcomes, error text."""
    fast = grading.grade(ruleset, sheet, columnwise=True)
    columns = input_columns(ruleset.checked)
    results = list(ruleset.evaluate_many(record_of(r, columns) for r in sheet.records()))
    assert fast.errors == [None if r.error is None else str(r.error) for r in results]
    for i, result in enumerate(results):
        for name in fast.values:
            a, b = fast.values[name][i], None if result.error else result[name]
            assert (type(a), a) == (type(b), b), (name, i, sheet.record(i))
        assert fast.vetoes[i] == (() if result.error else result.vetoes)
        assert fast.outcomes[i] == (() if result.error else result.outcomes)
    assert grading.grade(ruleset, sheet, columnwise=False).errors == fast.errors
    return fast


_SETTINGS = settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@seed(12)
@_SETTINGS
@given(st.data())
def test_a_messy_sheet_grades_the_same_column_by_column_as_row_by_row(data):
    assert_same(MIXED, data.draw(sheets(MIXED)))


@seed(9)
@_SETTINGS
@given(st.data())
def test_the_benchmark_ruleset_grades_the_same_column_by_column(data):
    assert_same(TEAM_CITY, data.draw(sheets(TEAM_CITY)))


@seed(3)
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_a_group_ruleset_grades_each_record_among_its_group_the_same(data):
    assert_same(QUOTA, data.draw(sheets(QUOTA)))


@seed(5)
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_a_rank_within_groups_is_the_same_column_by_column(data):
    assert_same(RANK, data.draw(sheets(RANK)))


def test_a_plain_group_sheet_is_ranked_within_each_group(monkeypatch):
    """No odd cell: the whole sheet goes to evaluate_table, which ranks within each group; each
    rank is 1 + the number of the group's scores above it (brute force)."""
    scores = [95, 95, 90, 80, 88, 70, 88, 95]
    groups = ["市财政局", "市财政局", "市财政局", "市教育局", "市教育局", "市财政局", "市教育局",
              "市教育局"]
    n = len(scores)
    cells = {c: ["80"] * n for c, k in input_columns(RANK.checked).items() if k == "number"}
    cells.update({"市对口部门考核得分": [str(x) for x in scores], "对口部门": groups,
                  "有上级主管部门": ["是"] * n})
    sheet = Sheet(source="t", columns=tuple(cells), cells=cells, rows=tuple(range(2, n + 2)))
    tables = []
    real = Ruleset.evaluate_table
    monkeypatch.setattr(Ruleset, "evaluate_table",
                        lambda self, t, **k: tables.append(len(t)) or real(self, t, **k))
    graded = assert_same(RANK, sheet)
    assert tables == [n]
    assert graded.values["全市排名"] == [
        1 + sum(g == groups[i] and x > scores[i] for x, g in zip(scores, groups, strict=True))
        for i in range(n)]


_LISTED = sorted({repr(c): c for cells in CELLS.values() for c in [*cells, *_ANY]}.items())


@pytest.mark.parametrize("cell", [c for _, c in _LISTED], ids=[r for r, _ in _LISTED])
def test_every_listed_cell_in_every_column(cell):
    """Each cell listed, of every kind, in each input column in turn (a row each) among plain
    rows."""
    for ruleset in (MIXED, QUOTA):
        columns = [c for c, k in input_columns(ruleset.checked).items() if k != "ballot"]
        sheet = _clean(ruleset, len(columns) + 1)
        cells = {c: list(v) for c, v in sheet.cells.items()}
        for row, column in enumerate(columns):
            cells[column][row] = cell
        assert_same(ruleset, Sheet(source="t", columns=sheet.columns, cells=cells,
                                   rows=sheet.rows))


def test_plain_rows_are_graded_column_wise_and_only_odd_rows_one_by_one(monkeypatch):
    """100 rows, two with an odd cell: the per-row path sees those two records only, read as
    record_of reads them (the odd cell) and as the typed column reads them (the others)."""
    sheet = _clean(TEAM_CITY, 100)
    cells = {c: list(v) for c, v in sheet.cells.items()}
    cells["班子测评.优秀"][10] = "７"  # a full-width 7
    cells["干部精神状态好"][20] = "yes"
    seen: list[dict] = []
    many = Ruleset.evaluate_many

    def counted(self, records):
        records = list(records)
        seen.extend(records)
        return many(self, records)

    monkeypatch.setattr(Ruleset, "evaluate_many", counted)
    graded = grading.grade(TEAM_CITY, Sheet(source="t", columns=sheet.columns, cells=cells,
                                            rows=sheet.rows), columnwise=True)
    assert [r["班子测评.优秀"] for r in seen] == ["７", 7]
    assert [r["干部精神状态好"] for r in seen] == [True, "yes"]
    assert graded.errors[20].startswith(
        "input 干部精神状态好: '干部精神状态好' must be true or false, not 'yes' (accepted: 是, 否")
    assert graded.errors.count(None) == 99
    # 7 votes in each category: 优秀 and 较好 make 50%, the full-width 7 as much as the others
    assert graded.values["班子好评率"][10] == graded.values["班子好评率"][0] == Fraction(1, 2)


def test_a_sheet_as_a_workbook_holds_it_grades_column_wise(monkeypatch):
    """Floats for counts, bools and 0/1 for yes/no, None for a blank: no record is graded one by
    one, and the results are those of the same sheet written as text."""
    rows = 40
    text = _clean(TEAM_CITY, rows)
    yes_no = {"干部精神状态好": ("是", True), "存在突出问题": ("", None),
              "较大失误造成严重后果": ("否", False), "计生综治目标完成差": ("0", 0.0)}
    text.cells.update({c: [t] * rows for c, (t, _) in yes_no.items()})
    book = {c: [7.0 if v == "7" else v for v in cells] for c, cells in text.cells.items()}
    book.update({c: [b] * rows for c, (_, b) in yes_no.items()})
    calls = []
    monkeypatch.setattr(Ruleset, "evaluate_many",
                        lambda self, records: calls.append(records) or iter(()))
    graded = grading.grade(TEAM_CITY, Sheet(source="t", columns=text.columns, cells=book,
                                            rows=text.rows), columnwise=True)
    assert calls == []
    monkeypatch.undo()
    assert_same(TEAM_CITY, text)
    assert graded.values == grading.grade(TEAM_CITY, text, columnwise=False).values
    # 7 votes of 28 in each category: 优秀 and 较好 make 50%, short of 90% for 优秀; 一般 and 较差
    # 50% too, but that alone is not most of 一般's three; no 较差 item holds: 较好, rewarded
    assert set(graded.values["班子等次"]) == {"较好"}
    assert graded.values["班子好评率"][0] == Fraction(1, 2)
    assert set(graded.outcomes) == {("物质奖励",)} and set(graded.vetoes) == {()}


def test_a_json_record_with_a_whole_ballot_is_read_per_row():
    """A ballot given as one object (JSON) beside its BALLOT.CATEGORY columns: as row by row."""
    sheet = _clean(TEAM_CITY, 2)
    cells = {c: list(v) for c, v in sheet.cells.items()}
    cells["班子测评"] = [{"优秀": 9, "较好": 1, "一般": 0, "较差": 0}, None]
    graded = assert_same(TEAM_CITY, Sheet(source="t", columns=(*sheet.columns, "班子测评"),
                                          cells=cells, rows=sheet.rows))
    assert graded.errors[0] is not None and "given both" in graded.errors[0]


def test_small_sheets_are_graded_row_by_row_by_default(monkeypatch):
    """Below COLUMNWISE_FROM records numpy and pyarrow are not worth importing."""
    from evalrules import columnwise

    used = []
    real = columnwise.grade_columns
    monkeypatch.setattr(columnwise, "grade_columns",
                        lambda *a: used.append(len(a[1])) or real(*a))
    grading.grade(MIXED, _clean(MIXED, 5))
    grading.grade(MIXED, _clean(MIXED, grading.COLUMNWISE_FROM))
    assert used == [grading.COLUMNWISE_FROM]


def test_columns_are_what_rows_write_an_earlier_runs_results_replaced():
    sheet = _clean(TEAM_CITY, 3)
    cells = {"编号": ["A", "B", "C"], **sheet.cells, "班子等次": ["x"] * 3, "error": ["e"] * 3}
    cells.update(dict.fromkeys(("存在突出问题", "较大失误造成严重后果", "计生综治目标完成差"),
                               ["否"] * 3))
    graded = grading.grade(TEAM_CITY, Sheet(source="t", columns=tuple(cells), cells=cells,
                                            rows=(2, 3, 4)))
    columns = graded.columns()
    values = ["班子优秀率", "班子好评率", "班子较差率", "班子差评率", "正职优秀率",
              "正职称职以上率", "班子等次"]
    assert list(columns) == ["编号", *sheet.columns, *values, "vetoes", "outcomes", "error"]
    assert columns["编号"] == ["A", "B", "C"] and columns["error"] == [""] * 3
    # 7 votes in each of 4 categories, no problem: 较好 (as in the workbook test), no veto
    assert columns["班子等次"] == ["较好"] * 3 and columns["outcomes"] == ["物质奖励"] * 3
    assert columns["vetoes"] == [""] * 3
    assert list(graded.rows()) == [{k: v[i] for k, v in columns.items()} for i in range(3)]


def test_without_pyarrow_every_sheet_is_graded_row_by_row(monkeypatch):
    """numpy or pyarrow missing: the per-row path, the same results; asked for column by column,
    the ImportError says what is missing."""
    import sys

    sheet = _clean(MIXED, grading.COLUMNWISE_FROM)
    sheet.cells["违纪"][:] = ["否"] * len(sheet)
    monkeypatch.setitem(sys.modules, "evalrules.columnwise", None)  # import fails, as without
    graded = grading.grade(MIXED, sheet)
    assert graded.errors == [None] * len(sheet)
    # 总分 = 得分 80 - 扣分 80 + 项数 3 = 3 < 60: 基本称职 (合格, so not 不称职; no 违纪)
    assert set(graded.values["等次"]) == {"基本称职"}
    with pytest.raises(ImportError):
        grading.grade(MIXED, sheet, columnwise=True)


def test_arrow_reads_spaces_and_case_as_python_does():
    """What io.typed relies on: Arrow's whitespace is str.strip's, and Arrow's lower case of any
    character is str.lower's wherever either makes part of a yes/no word."""
    import pyarrow.compute as pc

    chars = [chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000]
    text = pa.array(chars)
    blank = pc.equal(pc.utf8_trim_whitespace(text), "")
    python = pa.array([c.strip() == "" for c in chars])
    assert [chars[i] for i in pc.indices_nonzero(pc.not_equal(blank, python)).to_pylist()] == []
    lowered = pc.utf8_lower(text)
    differ = pc.indices_nonzero(pc.not_equal(lowered, pa.array([c.lower() for c in chars])))
    letters = set("".join(YES_NO))
    assert [chars[i] for i in differ.to_pylist()
            if set(lowered[i].as_py() + chars[i].lower()) & letters] == []


def test_the_typed_float_is_the_decimal_written():
    """A decimal of at most 15 significant digits read as a float64 is that decimal again."""
    from evalrules.io.typed import read_text

    texts = ["0.1", "85.5", "99.99", "123456789012345", "0.000000000000001", "1234567890.12345",
             "-0.3", "100.000", "9007199254740.99"]
    _, read, odd = read_text(pa.array(texts), "number")
    assert odd is None
    assert [Fraction(repr(x)) for x in read.to_pylist()] == [Fraction(t) for t in texts]
    assert not any(math.isnan(x) for x in read.to_pylist())
