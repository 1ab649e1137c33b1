"""Numbers at and past the edges of int64, and values of types the other backends refuse, given to
every way of evaluating: each agrees with the reference evaluator value for value or error for
error, row by row (a bad cell never takes the whole table down)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import evalrules

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
np = pytest.importorskip("numpy")

INT64 = (-(2**63), -(2**63) + 1, -1, 0, 1, 2**62, 2**63 - 1)


def _reference(ruleset, record):
    try:
        result = ruleset.reference_evaluate(record)
    except evalrules.InputError as e:
        return str(e)
    return {name: result[name] for name in ruleset.checked.value_names()}


def _rows(table_result) -> list[dict]:
    if isinstance(table_result, pd.DataFrame):
        table_result = pa.Table.from_pandas(table_result, preserve_index=False)
    elif isinstance(table_result, pl.DataFrame):
        table_result = table_result.to_arrow()
    out = []
    for row in table_result.to_pylist():
        if row["error"] is not None:
            out.append(row["error"])
            continue
        out.append({k: _exact(v) for k, v in row.items()
                    if k not in ("vetoes", "outcomes", "error")})
    return out


def _exact(v):
    if isinstance(v, Decimal):
        v = Fraction(v)
    elif isinstance(v, str) and v and (v[0].isdigit() or v[0] == "-") and \
            set(v) <= set("0123456789-./"):
        v = Fraction(v)
    if isinstance(v, Fraction) and v.denominator == 1:
        return int(v)
    return v


def _agree(ruleset, table, records):
    assert _rows(ruleset.evaluate_table(table)) == [_reference(ruleset, r) for r in records]


def test_int64_edges_do_not_wrap():
    """#2: -k and abs(k) of k = -2**63 are 2**63, not -2**63 (int64 wraps; Python ints don't)."""
    rules = evalrules.compile(
        "ruleset 边界\ninput k: integer\nlet neg = -k\nlet mag = abs(k)\nlet pos = -k > 0\n"
        "let sq = k * k\nlet twice = k + k\nlet less = k - 1\nlet half = floor(k / 2)\n"
        "let up = ceil(k / 3)\nlet r = round(k / 7, 2)\n")
    records = [{"k": k} for k in INT64]
    _agree(rules, pa.table({"k": pa.array(INT64, type=pa.int64())}), records)
    got = rules.evaluate_table(pa.table({"k": pa.array([-(2**63)], type=pa.int64())}))
    assert got.column("pos").to_pylist() == [True]


def test_huge_constants_beside_int64_columns():
    """#18: a constant past int64 next to an int64 column is exact, not an OverflowError."""
    rules = evalrules.compile(
        "ruleset 常量\nscale 等次: 甲 > 乙 > 丙\ninput x: integer\n"
        "let m = min(x, 99999999999999999999999)\nlet big = x * 99999999999999999999\n"
        "grade 等次:\n  甲 when x > 0\n  otherwise 乙\n"
        "veto 降 when x > 5:\n  lower 等次 by 99999999999999999999\n")
    xs = [0, 7, 2**62, -(2**63)]
    _agree(rules, pa.table({"x": pa.array(xs, type=pa.int64())}), [{"x": x} for x in xs])


def test_cells_arrow_cannot_hold_go_row_by_row():
    """#18: a pandas object column with 10**30 and a polars Int128 column are read exactly (or
    refused row by row), never an exception for the whole table."""
    rules = evalrules.compile("ruleset 大数\ninput x: number\nlet y = x + 1\n")
    xs = [10**30, 5, -(10**40), Fraction(1, 3)]
    frame = pd.DataFrame({"x": pd.Series(xs, dtype=object)})
    _agree(rules, frame, [{"x": x} for x in xs])
    wide = pl.DataFrame({"x": [10**30, 5, -(2**100)]}, schema={"x": pl.Int128})
    _agree(rules, wide, [{"x": x} for x in [10**30, 5, -(2**100)]])


def test_a_history_given_as_numbers_is_an_error_per_row():
    """#18: an int column for a history input is each row's InputError, as evaluate() says."""
    rules = evalrules.compile("ruleset 往年\nscale 等次: 优秀 > 称职\n"
                              "input 往年: history of 等次\nlet n = 往年.count(优秀)\n")
    table = pa.table({"往年": pa.array([1, 2], type=pa.int64())})
    got = rules.evaluate_table(table).column("error").to_pylist()
    for cell, message in zip([1, 2], got, strict=True):
        assert message == _reference(rules, {"往年": cell})


def test_numpy_bools_mean_what_evaluate_says():
    """#5: numpy.bool_ is a condition, never the number 1, whichever way a record arrives."""
    rules = evalrules.compile("ruleset 布尔\ninput 分: number\ninput 合格: bool\n"
                              "ballot 票: 甲, 乙\nlet y = 分 + share(票: 甲)\n")
    records = [{"分": np.bool_(True), "合格": True, "票": {"甲": 1, "乙": 1}},
               {"分": 3, "合格": np.bool_(False), "票": {"甲": 1, "乙": 1}},
               {"分": 3, "合格": True, "票": {"甲": np.bool_(True), "乙": 1}}]
    for record in records:
        want = _reference(rules, record)
        try:
            got = rules.evaluate(record)
            got = {name: got[name] for name in rules.checked.value_names()}
        except evalrules.InputError as e:
            got = str(e)
        assert got == want
    frame = pd.DataFrame({"分": pd.Series([np.bool_(True), 3, 3], dtype=object),
                          "合格": [True, np.bool_(False), True],
                          "票.甲": pd.Series([1, 1, np.bool_(True)], dtype=object),
                          "票.乙": [1, 1, 1]})
    _agree(rules, frame, records)


def test_function_fails_where_evaluate_fails():
    """#6: a value that can fail (the last entry of an empty history) is computed by function()
    for any name, so it raises what evaluate() raises."""
    rules = evalrules.compile("ruleset 往年\nscale 等次: 优秀 > 称职\n"
                              "input 往年: history of 等次\ninput x: number\n"
                              "let 上年 = 往年.last\nlet y = x + 1\n")
    record = {"往年": [], "x": 1}
    with pytest.raises(evalrules.InputError) as expected:
        rules.evaluate(record)
    with pytest.raises(evalrules.InputError) as got:
        rules.function("y")(record)
    assert str(got.value) == str(expected.value)


def test_a_field_in_two_columns_of_a_table_is_refused():
    """A repeated column (#4a, for tables): graded from one and the other lost, before."""
    rules = evalrules.compile("ruleset 重复\ninput x: number\nlet y = x\n")
    arrow = pa.Table.from_arrays([pa.array([1]), pa.array([2]), pa.array(["a"]), pa.array(["b"])],
                                 names=["x", "x", "id", "id"])
    frame = pd.DataFrame([[1, 2]], columns=["x", "x"])
    for table in (arrow, frame):
        with pytest.raises(evalrules.EvalRulesError, match="two columns named 'x'"):
            rules.evaluate_table(table)
    assert rules.evaluate_table(arrow.select([0, 2, 3])).column("y").to_pylist()[0] == 1
