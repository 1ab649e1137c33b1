"""Dates (issue 13, item 6): ``date`` inputs, date literals, ``days(a, b)`` and comparisons of
dates, on every backend; every form a date is read from and every form refused; Excel and Parquet
dates. Expected values are counted on the calendar by hand (2025-06-30 → 2025-12-31: the 1 day
left in June, then 31 + 31 + 30 + 31 + 30 + 31 = 184)."""

from __future__ import annotations

import datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import grading, unparse
from evalrules.fmt import format_source
from evalrules.io import read_sheet
from evalrules.parse import parse

RULES = """ruleset 任职
scale 年度等次: 优秀 > 称职 > 基本称职 > 不称职
input 任职日期: date
input 得分: number in 0..100
param 考核年末 = 2025-12-31
let 任职天数 = days(任职日期, 考核年末)
let 已到职 = 任职日期 <= 考核年末
grade 年度等次 (first):
  不称职 when 任职天数 < 183          # 任职不满半年（本测试以不称职代替不参加）
  优秀 when 得分 >= 90
  otherwise 称职
"""
RULESET = evalrules.compile(RULES)
D = datetime.date


def _grade(run, when, score=95, ruleset=RULESET):
    return run(ruleset, {"任职日期": when, "得分": score})


@pytest.mark.parametrize(("when", "days", "grade"), [
    ("2025-06-30", 184, "优秀"),  # a full half year: takes part
    ("2025-07-01", 183, "优秀"),  # 183 days is not under 183
    ("2025-07-02", 182, "不称职"),
    ("2025-12-31", 0, "不称职"),
    ("2024-12-31", 365, "优秀"),
    ("2024-02-29", 671, "优秀"),  # 2024 is a leap year: 306 days of 2024 after it, then 365
])
def test_days_to_the_end_of_the_year_counted_by_hand(run, when, days, grade):
    result = _grade(run, when)
    assert result["任职天数"] == days
    assert result["年度等次"] == grade
    assert result["已到职"] is True


def test_days_may_be_negative_and_later_dates_compare_greater(run):
    result = _grade(run, "2026-01-02")
    assert result["任职天数"] == -2
    assert result["已到职"] is False


@pytest.mark.parametrize("when", [
    "2025-06-30", "2025-6-30", "2025/6/30", "2025/06/30", "2025.6.30", "2025年6月30日",
    "2025 年 6 月 30 日", "2025年6月30号", " 2025-06-30 ", "２０２５－０６－３０",
    "2025-06-30 00:00:00", "2025-06-30T00:00", D(2025, 6, 30), datetime.datetime(2025, 6, 30),
])
def test_every_accepted_form(run, when):
    assert _grade(run, when)["任职天数"] == 184


def test_numpy_and_pandas_dates():
    import numpy as np
    import pandas as pd

    for when in (np.datetime64("2025-06-30"), np.datetime64("2025-06-30T00:00:00.000"),
                 pd.Timestamp("2025-06-30")):
        assert RULESET.evaluate({"任职日期": when, "得分": 95})["任职天数"] == 184
    # As a number's NaN: missing in a DataFrame's column (Arrow's null), refused in a record.
    for when, words in ((pd.NaT, "not NaT"), (np.datetime64("NaT"), "not NaT"),
                        (pd.Timestamp("2025-06-30 00:00:00.000000001"), "has a time of day"),
                        (np.datetime64("2025-06-30T00:00:01"), "has a time of day")):
        with pytest.raises(evalrules.InputError, match=words):
            RULESET.evaluate({"任职日期": when, "得分": 95})


@pytest.mark.parametrize(("when", "key", "english", "chinese"), [
    ("6/30/2025", "record.not_a_date", "must be a date, not '6/30/2025'; write it year first",
     "日期年份在前"),
    ("30/6/2025", "record.not_a_date", "write it year first: 2025-06-30, 2025/6/30, 2025.6.30 "
     "or 2025年6月30日", "可写作 2025-06-30、2025/6/30、2025.6.30 或 2025年6月30日"),
    ("25-6-30", "record.not_a_date", "must be a date", "应为日期"),
    ("2025-6", "record.not_a_date", "must be a date", "应为日期"),
    ("2025-02-30", "record.no_such_day", "a day the calendar does not have", "日历上没有这一天"),
    ("2025-06-30 08:00", "record.date_time", "has a time of day", "带有时刻"),
    (datetime.datetime(2025, 6, 30, 8), "record.date_time", "has a time of day", "请只填日期"),
    (45838, "record.date_number", "not the number 45838 (format the Excel column as dates",
     "实为数字 45838"),
    (True, "record.date_type", "must be a date, not bool", "bool 类型"),
])
def test_every_refused_form_names_the_field_and_the_forms_read(run, when, key, english,
                                                              chinese):
    with pytest.raises(evalrules.InputError) as caught:
        _grade(run, when)
    error = caught.value
    assert english in str(error)
    assert "任职日期" in str(error) and str(error).startswith("input 任职日期")
    if run.reports_fields:  # a table's error column holds the message only
        assert (error.key, error.field) == (key, "任职日期")
        assert chinese in error.text("zh")


def test_missing_date_and_date_default(run):
    with pytest.raises(evalrules.InputError, match="missing required field '任职日期'"):
        run(RULESET, {"得分": 95})
    defaulted = evalrules.compile(RULES.replace("input 任职日期: date",
                                                "input 任职日期: date default 2025-01-01"))
    assert run(defaulted, {"得分": 95})["任职天数"] == 364


def test_a_date_param_is_overridden_with_any_accepted_form(run):
    later = RULESET.with_params(考核年末="2026年6月30日")
    assert run(later, {"任职日期": "2025-06-30", "得分": 95})["任职天数"] == 365
    assert later.params["考核年末"] == D(2026, 6, 30)
    with pytest.raises(evalrules.InputError, match="must be a date"):
        RULESET.with_params(考核年末="12/31/2025")


def test_results_show_dates_as_dates():
    result = RULESET.evaluate({"任职日期": "2025/6/30", "得分": 95})
    assert result["任职日期"] == D(2025, 6, 30)
    assert result["考核年末"] == D(2025, 12, 31)
    assert RULESET.reference_evaluate({"任职日期": "2025/6/30", "得分": 95})["考核年末"] == \
        D(2025, 12, 31)
    assert result.to_dict()["values"]["任职日期"] == "2025-06-30"


def test_explanation_says_the_days_between():
    result = RULESET.evaluate({"任职日期": "2025-07-02", "得分": 95})
    assert "任职天数 < 183【任职天数 = 182】" in result.explain("zh")
    direct = evalrules.compile(RULES.replace("任职天数 < 183", "days(任职日期, 考核年末) < 183"))
    said = direct.evaluate({"任职日期": "2025-07-02", "得分": 95})
    assert "任职日期至考核年末的天数 < 183【任职日期 = 2025-07-02，考核年末 = 2025-12-31，" \
        "任职日期至考核年末的天数 = 182】" in said.explain("zh")
    assert "the days from 任职日期 to 考核年末 < 183 [任职日期 = 2025-07-02, 考核年末 = " \
        "2025-12-31, the days from 任职日期 to 考核年末 = 182]" in said.explain("en")


# ---------------------------------------------------------------- the language


def test_literals_lex_beside_numbers_and_ranges():
    module = parse("ruleset r\ninput x: number in 0..100\nlet a = 2025 - 12 - 31\n"
                   "let b = 2025-12-31 == 2025-12-31\n")
    let_a, let_b = module.statements[1:]
    assert unparse.expression(let_a.expr) == "2025 - 12 - 31"  # spaced: still arithmetic
    assert let_b.expr.left == evalrules.ast.Date(D(2025, 12, 31))
    assert unparse.expression(parse("ruleset r\nlet b = 2025-6-1 < 2025-6-2\n")
                              .statements[0].expr) == "2025-06-01 < 2025-06-02"


def test_fmt_keeps_a_date_one_token():
    source = "ruleset r\nparam p = 2025-6-30\nlet x=days(p,2025-12-31)-1\n"
    assert format_source(source) == \
        "ruleset r\nparam p = 2025-6-30\nlet x = days(p, 2025-12-31) - 1\n"


@given(st.dates())
@example(D(1, 1, 1))
@example(D(9999, 12, 31))
def test_every_date_literal_round_trips(day):
    text = f"ruleset r\nparam p = {day.isoformat()}\n"
    assert parse(text).statements[0].expr == evalrules.ast.Date(day)
    assert unparse.module(parse(text)) == text


@pytest.mark.parametrize(("source", "code", "words"), [
    ("param p = 2025-02-30", "E107", "2025-02-30 is not a day of the calendar"),
    ("param p = 2025-13-01", "E107", "not a day of the calendar"),
    ("input d: date\nlet x = d", "E301", "'x' would hold a date"),
    ("input d: date\nlet x = d < 5", "E301", "cannot compare a date with a number"),
    ("input d: date\nlet x = days(d, 3)", "E301", "an argument of days() should be a date"),
    ("input d: date\nlet x = days(d)", "E302", "days() takes 2 arguments, not 1"),
    ("input d: date\nlet x = d + 1", "E301", "should be a number, but this is a date"),
    ("input d: date default 3", "E301", "the default of 'd' should be a date"),
])
def test_diagnostics(source, code, words):
    with pytest.raises(evalrules.RulesetError) as caught:
        evalrules.compile(f"ruleset r\n{source}\n")
    assert any(d.code == code and words in d.message for d in caught.value.diagnostics), \
        [(d.code, d.message) for d in caught.value.diagnostics]


@pytest.mark.parametrize(("source", "code", "hint"), [
    ("param p = 2025/12/31\ninput d: date\nlet x = days(d, p)", "E301",
     "2025/12/31 divides numbers; write the date as 2025-12-31"),
    ("input d: date\nlet x = d < 2025/6/30", "E301",
     "2025/6/30 divides numbers; write the date as 2025-6-30"),
    ("param p = 2025年12月31日", "E102", "write a date as YEAR-MONTH-DAY: 2025-12-31"),
])
def test_a_date_written_otherwise_is_named(source, code, hint):
    with pytest.raises(evalrules.RulesetError) as caught:
        evalrules.compile(f"ruleset r\n{source}\n")
    assert [(d.code, d.hint) for d in caught.value.diagnostics] == [(code, hint)]


# ---------------------------------------------------------------- files and tables


def test_excel_date_cells(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["任职日期", "得分"])
    sheet.append([datetime.datetime(2025, 6, 30), 95])
    sheet.append([datetime.datetime(2025, 7, 2), 95])
    sheet.append(["2025/7/1", 95])
    sheet.append([datetime.datetime(2025, 7, 1, 8, 30), 95])
    sheet.append([45839, 95])  # a serial number that lost its date format
    path = tmp_path / "dates.xlsx"
    book.save(path)
    for columnwise in (True, False):
        graded = grading.grade(RULESET, read_sheet(path, ["任职日期", "得分"]),
                               columnwise=columnwise)
        assert graded.values["任职天数"][:3] == [184, 182, 183]
        assert graded.values["年度等次"][:3] == ["优秀", "不称职", "优秀"]
        assert "has a time of day" in graded.errors[3]
        assert "not the number 45839" in graded.errors[4]


def test_csv_text_dates(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("任职日期,得分\n2025-06-30,95\n2025年7月2日,95\n7/1/2025,95\n2025-02-29,95\n",
                    encoding="utf-8")
    for columnwise in (True, False):
        graded = grading.grade(RULESET, read_sheet(path, ["任职日期", "得分"]),
                               columnwise=columnwise)
        assert graded.values["任职天数"][:2] == [184, 182]
        assert "write it year first" in graded.errors[2]
        assert "a day the calendar does not have" in graded.errors[3]


def test_parquet_and_arrow_dates(tmp_path):
    table = pa.table({
        "任职日期": pa.array([D(2025, 6, 30), D(2025, 7, 1), None, D(2025, 7, 2)], pa.date32()),
        "得分": [95, 95, 95, 80]})
    path = tmp_path / "in.parquet"
    pq.write_table(table, path)
    out = tmp_path / "out.parquet"
    RULESET.evaluate_dataset(path, out)
    rows = pq.read_table(out).to_pylist()
    assert [r["任职天数"] for r in rows] == ["184", "183", None, "182"]  # exact text
    assert [r["年度等次"] for r in rows] == ["优秀", "优秀", None, "不称职"]
    assert "missing required field" in rows[2]["error"]
    text = tmp_path / "in.csv"  # streamed CSV: text cells, ISO read column-wise, others per row
    text.write_text("任职日期,得分\n2025-06-30,95\n2025年7月1日,95\n7/1/2025,95\n",
                    encoding="utf-8")
    RULESET.evaluate_dataset(text, out)
    rows = pq.read_table(out).to_pylist()
    assert [r["任职天数"] for r in rows] == ["184", "183", None]
    assert "write it year first" in rows[2]["error"]


@pytest.mark.parametrize("column", [
    pa.array([datetime.datetime(2025, 6, 30), datetime.datetime(2025, 7, 1, 12)],
             pa.timestamp("us")),
    pa.array([D(2025, 6, 30), D(2025, 7, 1)], pa.date64()),
    pa.array(["2025-06-30", "2025-7-1"]),
    pa.array(["2025-06-30", "2025-02-30"]).dictionary_encode(),
])
def test_arrow_columns_agree_with_the_reference(column):
    records = [{"任职日期": v, "得分": 95} for v in column.to_pylist()]
    fast = RULESET.evaluate_table(pa.table({"任职日期": column, "得分": [95, 95]})).to_pylist()
    for row, record in zip(fast, records, strict=True):
        try:
            expected = RULESET.reference_evaluate(record)
        except evalrules.InputError as e:
            assert row["error"] == str(e)
        else:
            assert row["error"] is None
            assert row["任职天数"] == expected["任职天数"]


# ---------------------------------------------------------------- every backend agrees

ANY = st.one_of(
    st.dates(D(2024, 1, 1), D(2026, 12, 31)),
    st.dates(D(2024, 1, 1), D(2026, 12, 31)).map(lambda d: f"{d.year}/{d.month}/{d.day}"),
    st.dates(D(2024, 1, 1), D(2026, 12, 31)).map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    st.sampled_from(["2025-02-29", "6/30/2025", "", None, 45838]),
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(ANY, min_size=1, max_size=5))
@example([D(2025, 7, 1), D(2025, 7, 2), "2025-07-02"])
def test_backends_agree(whens):
    records = [{"任职日期": w, "得分": 95} for w in whens]

    def outcome(evaluate, record):
        try:
            return evaluate(record).to_dict()
        except evalrules.InputError as e:
            return (str(e), e.key, e.field)

    expected = [outcome(RULESET.reference_evaluate, r) for r in records]
    assert [outcome(RULESET.evaluate, r) for r in records] == expected
    assert [r.to_dict() if r.error is None else (str(r.error), r.error.key, r.error.field)
            for r in RULESET.evaluate_many(records)] == expected
    # A table: as text cells (a CSV's), and as an Arrow date column where every value is a date.
    cells = [w.isoformat() if isinstance(w, D) else None if w is None else str(w) for w in whens]
    columns = [(cells, pa.array(cells, pa.string()))]
    if all(w is None or isinstance(w, D) for w in whens):
        columns.append((whens, pa.array(whens, pa.date32())))
    for values, column in columns:
        table = RULESET.evaluate_table(pa.table({"任职日期": column,
                                                 "得分": [95] * len(whens)})).to_pylist()
        for row, value in zip(table, values, strict=True):
            want = outcome(RULESET.reference_evaluate, {"任职日期": value, "得分": 95})
            if isinstance(want, tuple):
                assert row["error"] == want[0]
            else:
                assert row["error"] is None
                assert str(row["任职天数"]) == want["values"]["任职天数"]


TWO = evalrules.compile("""ruleset 两个日期
input 甲: date
input 乙: date
let 天数 = days(甲, 乙)
let 不晚于 = 甲 <= 乙
let 相同 = 甲 == 乙
""")


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.dates(), st.dates()), min_size=1, max_size=8))
@example([(D(1, 1, 1), D(9999, 12, 31)), (D(2024, 2, 29), D(2025, 3, 1))])
def test_days_counts_the_calendar_on_every_backend(pairs):
    """days(a, b) is b − a in days (Python's calendar: proleptic Gregorian), a <= b exactly
    when it is >= 0, a == b when 0; the same from the generated function and a table."""
    records = [{"甲": a, "乙": b} for a, b in pairs]
    table = TWO.evaluate_table(pa.table({"甲": pa.array([a for a, _ in pairs], pa.date32()),
                                         "乙": pa.array([b for _, b in pairs], pa.date32())}))
    for (a, b), record, row in zip(pairs, records, table.to_pylist(), strict=True):
        days = (b - a).days
        for result in (TWO.reference_evaluate(record), TWO.evaluate(record)):
            assert (result["天数"], result["不晚于"], result["相同"]) == (days, days >= 0,
                                                                       days == 0)
        assert (int(row["天数"]), row["不晚于"], row["相同"]) == (days, days >= 0, days == 0)
