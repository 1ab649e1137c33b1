"""The vectorized backend (``Ruleset.evaluate_table``) against the reference evaluator, row by row.

Every row of a result table must equal what ``Ruleset.evaluate`` gives for the record the row
holds: values (numbers as Fractions, labels, bools), vetoes, outcomes, and the error text.
"""

from __future__ import annotations

import math
import os
from decimal import Decimal
from fractions import Fraction

import pytest

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
np = pytest.importorskip("numpy")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import evalrules  # noqa: E402
from evalrules.columns import value_columns  # noqa: E402
from evalrules.values import round_half_away  # noqa: E402

from conftest import bundled_rulesets, example_rulesets  # noqa: E402
from strategies import records  # noqa: E402

ALL_RULESETS = bundled_rulesets() + example_rulesets()
#: Examples per test; raise it for a longer hunt: EVALRULES_VECTORIZED_EXAMPLES=2000 pytest ...
EXAMPLES = int(os.environ.get("EVALRULES_VECTORIZED_EXAMPLES", "30"))
RULESETS = {f"{p.parent.name}/{p.name}": p for p in ALL_RULESETS}
_LOADED: dict = {}


def _load(key: str) -> evalrules.Ruleset:
    if key not in _LOADED:
        _LOADED[key] = evalrules.load(RULESETS[key])
    return _LOADED[key]


# ---------------------------------------------------------------- tables and the oracle

def _flat(record: dict) -> dict:
    out = {}
    for k, v in record.items():
        if isinstance(v, dict):
            out.update({f"{k}.{c}": n for c, n in v.items()})
        else:
            out[k] = v
    return out


def _cell(value):
    """A record value as a table can carry it: Fractions as ints, floats or "p/q" strings."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return int(value)
        f = float(value)
        return f if Fraction(repr(f)) == value else f"{value.numerator}/{value.denominator}"
    return value


def _columns(rows: list[dict]) -> dict[str, list]:
    names: list[str] = []
    for r in rows:
        names += [k for k in r if k not in names]
    return {n: [_cell(r.get(n)) for r in rows] for n in names}


def _arrow(rows: list[dict]) -> pa.Table:
    arrays = {}
    for name, values in _columns(rows).items():
        try:
            arrays[name] = pa.array(values)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            arrays[name] = pa.array([None if v is None else str(v) for v in values])
    return pa.table(arrays) if arrays else pa.table({"id": list(range(len(rows)))})


def _pandas(rows: list[dict]) -> pd.DataFrame:
    cols = _columns(rows)
    frame = pd.DataFrame({n: pd.Series(v, dtype=object) for n, v in cols.items()},
                         index=range(len(rows)))
    for n in cols:  # let pandas infer what it can, as a user's frame would
        frame[n] = frame[n].infer_objects()
    return frame


def _held(table) -> list[dict]:
    """The records a table holds, as the documented conversion reads them."""
    if isinstance(table, pa.Table):
        return table.to_pylist()
    if isinstance(table, pl.DataFrame):
        return table.to_arrow().to_pylist()
    rows = [dict() for _ in range(len(table))]
    for name in table.columns:
        try:
            if table[name].dtype == object and pd.api.types.infer_dtype(
                    table[name], skipna=True) not in ("string", "integer", "floating", "boolean",
                                                      "decimal", "empty"):
                raise TypeError("cells of mixed kinds are read as they are")
            values = pa.array(table[name], from_pandas=True).to_pylist()
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            values = [None if v is None or (isinstance(v, float) and math.isnan(v)) else v
                      for v in table[name].tolist()]
        for r, v in zip(rows, values, strict=True):
            r[name] = v
    return rows


def _arrow_of(result) -> pa.Table:
    if isinstance(result, pa.Table):
        return result
    if isinstance(result, pl.DataFrame):
        return result.to_arrow()
    return pa.Table.from_pandas(result, preserve_index=False)


def _as_value(value):
    if isinstance(value, Decimal):
        return Fraction(value)
    return value


def assert_agrees(ruleset: evalrules.Ruleset, table, columns=None) -> list:
    """Evaluate the table and compare every row with the reference; returns the result rows."""
    result = ruleset.evaluate_table(table, columns=columns)
    assert type(result) is type(table)
    rows = _arrow_of(result).to_pylist()
    held = _held(table)
    assert len(rows) == len(held)
    names = value_columns(ruleset.checked) if columns is None else list(columns)
    relevant = set(ruleset.checked.inputs) | set(ruleset.checked.ballots)
    records = [{k: v for k, v in record.items()
                if k in relevant or k.partition(".")[0] in ruleset.checked.ballots}
               for record in held]
    if ruleset.checked.groups:  # graded among the batch: the reference as a batch
        graded = iter(ruleset.reference_evaluate_many(records))
    for row, record in zip(rows, records, strict=True):
        assert list(row) == [*names, "vetoes", "outcomes", "error"]
        try:
            if ruleset.checked.groups:
                expected = next(graded)
                if expected.error is not None:
                    raise expected.error
            else:
                expected = _reference(ruleset, record)
        except evalrules.InputError as e:
            assert row["error"] == str(e), record
            assert all(row[n] is None for n in names), record
            assert row["vetoes"] is None and row["outcomes"] is None
            continue
        assert row["error"] is None, (record, row["error"])
        for n in names:
            want, got = expected[n], _as_value(row[n])
            if isinstance(want, (int, Fraction)) and not isinstance(want, bool):
                assert isinstance(got, (Fraction, str)), (n, got)
                assert Fraction(got) == want, (n, record, got, want)
            else:
                assert got == want and type(got) is type(want), (n, record, got, want)
        assert tuple(row["vetoes"]) == expected.vetoes, record
        assert tuple(row["outcomes"]) == expected.outcomes, record
    return rows


def _reference(ruleset: evalrules.Ruleset, record: dict):
    """The reference evaluator's result (``Ruleset.evaluate`` may run a faster backend)."""
    evaluate = getattr(ruleset, "reference_evaluate", ruleset.evaluate)
    return evaluate(record)


KINDS = {"pyarrow": _arrow, "pandas": _pandas,
         "polars": lambda rows: pl.from_arrow(_arrow(rows))}


# ---------------------------------------------------------------- records, valid and not

BAD_VALUES = (None, -1, 10**6, "80%", 0.1, 0.30000000000000004, Decimal("0.5"), "不存在",
              True, float("nan"), 1.5, " 好", "1/3", 2**62)
BAD_COUNTS = (None, -1, 2.5, 0, 2**62, 3.0, "7", True)


def _mutations(ruleset: evalrules.Ruleset):
    fields = ruleset.inputs

    def mutate(record, data):
        record = _flat(record)
        for _ in range(data.draw(st.integers(0, 2))):
            name = data.draw(st.sampled_from(sorted(fields)))
            field = fields[name]
            if field.kind == "ballot":
                if data.draw(st.booleans()):  # an empty ballot
                    for c in field.labels:
                        record[f"{name}.{c}"] = 0
                else:
                    c = data.draw(st.sampled_from(field.labels))
                    record[f"{name}.{c}"] = data.draw(st.sampled_from(BAD_COUNTS))
            else:
                value = data.draw(st.sampled_from(BAD_VALUES))
                if value is None:
                    record.pop(name, None)
                else:
                    record[name] = value
        return record
    return mutate


def _batches(ruleset: evalrules.Ruleset):
    mutate = _mutations(ruleset)

    @st.composite
    def batch(draw):
        good = draw(st.lists(records(ruleset), min_size=1, max_size=12))
        rows = []
        for r in good:
            if draw(st.integers(0, 3)) == 0:
                rows.append(mutate(r, _Draw(draw)))
            else:
                rows.append(_flat(r))
        return rows
    return batch()


class _Draw:
    def __init__(self, draw):
        self.draw = draw


@pytest.mark.parametrize("key", sorted(RULESETS))
@settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_row_agrees_with_the_reference(key, data):
    ruleset = _load(key)
    rows = data.draw(_batches(ruleset))
    kind = data.draw(st.sampled_from(sorted(KINDS)))
    assert_agrees(ruleset, KINDS[kind](rows))


# ---------------------------------------------------------------- generated rulesets

SINK = """\
ruleset 综合
scale 等次: 优秀 > 良好 > 合格 > 不合格
ballot 测评: 好, 中, 差
input 甲: number in 0..100
input 乙: number default 0.5
input 丙: integer in -5..5 default 1
input 丁: bool default false
input 类: one of 红, 绿 default 红
input 档: 等次 default 合格
param 线 = {line}
let 比 = share(测评: 好)
let 分 = points(测评: 好 100, 中 {mid}, 差 0)
let 商 = {quotient}
let 四舍 = round(甲 * 乙 / 7, {digits})
let 整 = floor(乙 * 丙) + ceil(甲 / 3) - abs(丙)
let 夹 = clamp(甲 - 50, -10, 10)
let 选 = if 丁 then 甲 else 乙 * 100
let 表 = cases:
  甲 when 比 >= 线
  分 when 类 is 绿
  otherwise 0
score 总 = weighted:
  甲 40%
  分 60%
sheet 卷 max 20:
  一 8: pro rata 比
  二 6:
    二甲 3: full when 丁 or 档 >= 良好
    二乙 3: = 丙 - 1
  三 6: = 乙 * 10
  扣 0: minus 2 per 丙
grade 等次 ({policy}):
  优秀 when all:
    比 >= 线
    甲 >= 60
  良好 when any:
    分 > 50
    votes(测评: 好) > 3
  不合格 when at least 2:
    比 < 10%
    甲 < 30
    not 丁
  合格 when most:
    total(测评) > 5
    类 is not 红
    档 <= 合格
  otherwise 合格
veto 否 when 丙 < 0:
  lower 等次 by 2
veto 顶 when 类 is 绿 and 丁:
  等次 at most 良好
veto 保 when 甲 == 100:
  等次 at least 良好
veto 定 when 甲 == 0:
  set 等次 to 不合格
veto 升 when 乙 > 2:
  raise 等次 by 1
{require}
outcome 奖 when 等次 >= 良好
outcome 改 when 等次 is 不合格 or 比 < 线
"""

SINK_VARIANTS = st.fixed_dictionaries({
    "line": st.sampled_from(["60%", "1/3", "0.5", "2/7"]),
    "mid": st.sampled_from(["60", "33.3", "12.5"]),
    "quotient": st.sampled_from(["甲 / 乙", "(甲 + 1) / (丙 + 5)", "if 乙 != 0 then 甲 / 乙 else 0",
                                 "丁 and 甲 / 乙 > 1 or 甲 > 50", "比 / 3"]),
    "digits": st.sampled_from(["0", "2", "-1"]),
    "policy": st.sampled_from(["first", "worst", "best", "unique"]),
    "require": st.sampled_from(["", "require 甲 >= 丙 \"甲不得小于丙\"", "require 比 <= 90%"]),
})


def _sink(variant: dict) -> evalrules.Ruleset:
    key = tuple(sorted(variant.items()))
    if key not in _LOADED:
        _LOADED[key] = evalrules.compile(SINK.format(**variant))
    return _LOADED[key]


@settings(max_examples=4 * EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(variant=SINK_VARIANTS, data=st.data())
def test_generated_rulesets_agree_with_the_reference(variant, data):
    ruleset = _sink(variant)
    rows = data.draw(_batches(ruleset))
    kind = data.draw(st.sampled_from(sorted(KINDS)))
    assert_agrees(ruleset, KINDS[kind](rows))


# ---------------------------------------------------------------- targeted cases

TEAM = "fanwen9/team-city.rules"


def _team_record(**changes) -> dict:
    record = {"考核目标完成": "好", "班子状况": "团结协调", "干部精神状态好": True,
              "班子测评.优秀": 6, "班子测评.较好": 3, "班子测评.一般": 1, "班子测评.较差": 0,
              "正职测评.优秀": 6, "正职测评.称职": 3, "正职测评.基本称职": 1, "正职测评.不称职": 0}
    record.update(changes)
    return record


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_shares_exactly_on_thresholds(kind):
    ruleset = _load(TEAM)
    rows = [_team_record(),  # 90% and 60% exactly: 优秀
            _team_record(**{"班子测评.优秀": 5, "班子测评.较好": 4}),  # 50%: not 优秀
            _team_record(**{"班子测评.优秀": 60, "班子测评.较好": 30, "班子测评.一般": 10}),
            _team_record(**{"班子测评.优秀": 599999, "班子测评.较好": 300001,
                            "班子测评.一般": 100000})]
    got = assert_agrees(ruleset, KINDS[kind](rows))
    assert [r["班子等次"] for r in got] == ["优秀", "较好", "优秀", "较好"]


def test_float_columns_are_read_as_their_shortest_decimal():
    ruleset = evalrules.compile("ruleset t\ninput x: number\nlet y = x * 10\n"
                                "let z = x + 0.2 == 0.3\n")
    values = [0.1, 0.8, 1e-05, 123.456, -0.0, 0.30000000000000004, 1e300, 5e-324, 2.5]
    rows = assert_agrees(ruleset, pa.table({"x": values}))
    assert rows[0]["z"] is True and Fraction(rows[0]["y"]) == 1
    assert Fraction(rows[5]["y"]) == Fraction("3.0000000000000004")


def test_huge_vote_counts_stay_exact():
    ruleset = _load(TEAM)
    big = 2**62
    rows = [_team_record(**{"班子测评.优秀": big, "班子测评.较好": big // 2,
                            "班子测评.一般": big // 10, "班子测评.较差": 1}),
            _team_record(**{"正职测评.优秀": 3 * big // 5, "正职测评.称职": 3 * big // 10,
                            "正职测评.基本称职": big // 10 + 1, "正职测评.不称职": 0}),
            _team_record()]
    table = pa.table({k: pa.array([r[k] for r in rows], type=pa.int64()) if
                      isinstance(rows[0][k], int) and not isinstance(rows[0][k], bool) else
                      [r[k] for r in rows] for k in rows[0]})
    got = assert_agrees(ruleset, table)
    votes = [rows[1][f"正职测评.{c}"] for c in ("优秀", "称职", "基本称职", "不称职")]
    assert Fraction(got[1]["正职优秀率"]) == Fraction(votes[0], sum(votes))
    assert Fraction(got[1]["正职称职以上率"]) < Fraction(9, 10) and got[1]["班子等次"] == "较好"
    at = table.schema.get_field_index("班子测评.优秀")
    uint = table.set_column(at, "班子测评.优秀", pa.array([2**64 - 1, 1, 6], type=pa.uint64()))
    got = assert_agrees(ruleset, uint)
    assert got[0]["error"] is None and got[0]["班子优秀率"] is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-(2**63) + 1, 2**63 - 1), st.integers(1, 2**63 - 1)),
                min_size=1, max_size=20))
def test_exact_text_of_many_fractions_is_exact_str(pairs):
    from evalrules.backends.rational import exact_texts
    from evalrules.values import exact_str

    fractions = [Fraction(n, d) for n, d in pairs]
    n = np.array([f.numerator for f in fractions], dtype=np.int64)
    d = np.array([f.denominator for f in fractions], dtype=np.int64)
    places = [evalrules.backends.rational.decimal_places(int(x)) for x in d]
    finite = np.array([p is not None for p in places])
    digits = np.array([p or 0 for p in places], dtype=np.int64)
    assert exact_texts(n, d, finite, digits).to_pylist() == [exact_str(f) for f in fractions]


def test_decimal_columns_are_read_exactly_without_the_per_row_path(monkeypatch):
    """decimal128, as databases and Parquet writers store numbers, stays column-wise."""
    ruleset = evalrules.compile("ruleset t\ninput x: number in 0..1000\ninput k: integer\n"
                                "let y = x * 3\nlet z = x + k\n")
    xs = [Decimal("0.1"), Decimal("999.999"), None, Decimal("12.5"), Decimal("1000.001")]
    table = pa.table({"x": pa.array(xs, type=pa.decimal128(10, 3)),
                      "k": pa.array([Decimal(1), Decimal("2.5"), Decimal(3), Decimal(-4),
                                     Decimal(5)], type=pa.decimal128(5, 1))})
    from evalrules.backends import vectorized

    reference_rows = []
    original = vectorized._reference_rows
    monkeypatch.setattr(vectorized, "_reference_rows", lambda c, k, cols, idx: (
        reference_rows.extend(idx.tolist()), original(c, k, cols, idx))[1])
    got = assert_agrees(ruleset, table)
    assert reference_rows == [1, 2, 4]  # 2.5 is not whole, x is missing, 1000.001 > 1000
    assert Fraction(got[0]["y"]) == Fraction(3, 10) and Fraction(got[3]["z"]) == Fraction(17, 2)


def test_numbers_past_int64_leave_as_exact_decimals():
    """Values that fit decimal128 but not int64 are written with every digit (no rounding to
    the 28 digits of Python's default decimal context)."""
    ruleset = evalrules.compile("ruleset t\ninput x: integer\nlet sq = x * x\n"
                                "let third = round(x / 3, 18)\n")
    x = 9999999999999999
    got = ruleset.evaluate_table(pa.table({"x": pa.array([x, 10**11], type=pa.int64())}))
    assert got.column("sq").to_pylist()[0] == Decimal(x * x)
    assert Fraction(got.column("third").to_pylist()[1]) == \
        round_half_away(Fraction(10**11, 3), 18)


def test_a_bad_row_does_not_disturb_the_others():
    ruleset = _load(TEAM)
    rows = [_team_record() for _ in range(5)]
    rows[2]["班子测评.较差"] = -3
    rows[3]["考核目标完成"] = "很好"
    table = pa.table({k: [r[k] for r in rows] for k in rows[0]})
    got = assert_agrees(ruleset, table)
    assert got[2]["error"].startswith("ballot 班子测评: vote counts")
    assert "考核目标完成" in got[3]["error"]
    assert [r["班子等次"] for r in got] == ["优秀", "优秀", None, None, "优秀"]
    assert got[0] == got[1] == got[4]


def test_guarded_division_is_not_an_error_but_an_unguarded_one_is():
    ruleset = evalrules.compile("ruleset t\ninput a: number\ninput b: number\n"
                                "let q = if b != 0 then a / b else 0\n"
                                "let ok = b == 0 or a / b > 1\n")
    assert_agrees(ruleset, pa.table({"a": [1, 2, 3], "b": [0, 1, 2]}))
    bad = evalrules.compile("ruleset t\ninput a: number\ninput b: number\nlet q = a / b\n")
    got = assert_agrees(bad, pa.table({"a": [1, 2], "b": [0, 1]}))
    assert "division by zero" in got[0]["error"] and got[1]["error"] is None


def test_output_kinds_types_and_ids():
    ruleset = _load(TEAM)
    rows = [_team_record(), _team_record(**{"班子测评.较好": 2})]
    table = _arrow(rows).append_column("id", pa.array(["a", "b"]))
    out = ruleset.evaluate_table(table)
    assert isinstance(out, pa.Table)
    assert out.column_names == [*value_columns(ruleset.checked), "vetoes", "outcomes", "error"]
    assert out.schema.field("班子等次").type == pa.string()
    assert out.schema.field("班子优秀率").type == pa.string()  # 6/9 has no finite decimal
    assert out.schema.field("vetoes").type == pa.list_(pa.string())
    assert out.column("班子优秀率").to_pylist() == ["0.6", "2/3"]
    one = ruleset.evaluate_table(table.slice(0, 1))
    assert one.schema.field("班子优秀率").type == pa.decimal128(38, 1)
    frame = _pandas(rows)
    frame.index = [10, 20]
    out = ruleset.evaluate_table(frame)
    assert isinstance(out, pd.DataFrame) and list(out.index) == [10, 20]
    assert isinstance(ruleset.evaluate_table(pl.from_arrow(table)), pl.DataFrame)


def test_columns_selects_and_unknown_names_are_refused():
    ruleset = _load(TEAM)
    table = _arrow([_team_record()])
    out = ruleset.evaluate_table(table, columns=["班子等次"])
    assert out.column_names == ["班子等次", "vetoes", "outcomes", "error"]
    with pytest.raises(evalrules.UnknownName, match="did you mean '班子等次'"):
        ruleset.evaluate_table(table, columns=["班子等级"])


def test_missing_columns_and_empty_tables():
    ruleset = _load(TEAM)
    rows = [_team_record()]
    del rows[0]["干部精神状态好"]
    got = assert_agrees(ruleset, _arrow(rows))
    assert "missing required field" in got[0]["error"]
    empty = ruleset.evaluate_table(_arrow([_team_record()]).slice(0, 0))
    assert empty.num_rows == 0


def test_mixed_object_columns_in_pandas():
    ruleset = _load(TEAM)
    rows = [_team_record(**{"班子测评.优秀": v}) for v in (6, "6", Decimal(6), 6.0, "x")]
    assert_agrees(ruleset, _pandas(rows))


def test_import_evalrules_does_not_import_numpy():
    import subprocess
    import sys
    code = ("import sys, evalrules; bad = [m for m in ('numpy', 'pyarrow', 'pandas', 'polars') "
            "if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
