"""Streaming (``Ruleset.evaluate_dataset``, ``evalrules eval`` on Parquet) against the reference.

Generated records (valid and not) of every bundled ruleset are written to Parquet or CSV, streamed
in small batches (so batch and group boundaries fall everywhere), and every output row is compared
with the reference evaluator on the record it holds: values, vetoes, outcomes, error text.
"""

from __future__ import annotations

import os
from fractions import Fraction

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("numpy")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_vectorized import RULESETS, _arrow, _batches, _load  # noqa: E402

import evalrules  # noqa: E402
from evalrules import dataset  # noqa: E402
from evalrules.cli import main  # noqa: E402

EXAMPLES = int(os.environ.get("EVALRULES_DATASET_EXAMPLES", "4"))
ID = "行号"


def reference_rows(ruleset: evalrules.Ruleset, rows: list[dict]) -> dict:
    """id → the reference's Result (or InputError) for each row's record."""
    relevant = set(ruleset.checked.inputs) | set(ruleset.checked.ballots)
    records = [{k: v for k, v in r.items()
                if k in relevant or k.partition(".")[0] in ruleset.checked.ballots}
               for r in rows]
    out = {}
    if ruleset.checked.groups:
        for r, result in zip(rows, ruleset.reference_evaluate_many(records), strict=True):
            out[r[ID]] = result.error if result.error is not None else result
        return out
    for r, record in zip(rows, records, strict=True):
        try:
            out[r[ID]] = ruleset.reference_evaluate(record)
        except evalrules.InputError as e:
            out[r[ID]] = e
    return out


def assert_rows_agree(ruleset: evalrules.Ruleset, expected: dict, got: list[dict],
                      columns=None) -> None:
    """Every output row (a dict with the id column) equals the reference; no row is lost."""
    names = ruleset.checked.value_names() if columns is None else list(columns)
    assert sorted(r[ID] for r in got) == sorted(expected)
    for row in got:
        want = expected[row[ID]]
        if isinstance(want, evalrules.InputError):
            assert row["error"] == str(want), row
            assert all(row[n] is None for n in names), row
            continue
        assert row["error"] is None, row
        for n in names:
            value, got_value = want[n], row[n]
            if isinstance(value, bool) or isinstance(value, str):
                assert got_value == value, (n, row)
            else:  # numbers: exact text
                assert isinstance(got_value, str), (n, got_value)
                assert Fraction(got_value) == value, (n, got_value, value)
                assert got_value == evalrules.values.exact_str(value)
        assert tuple(row["vetoes"]) == want.vetoes, row
        assert tuple(row["outcomes"]) == want.outcomes, row


def _with_ids(rows: list[dict]) -> list[dict]:
    return [{ID: i, **r} for i, r in enumerate(rows)]


def _table(rows: list[dict]) -> pa.Table:
    table = _arrow(rows)
    # Parquet has no column of nulls only that we want to test; give such columns a type
    return pa.table({n: (c.cast(pa.string()) if pa.types.is_null(c.type) else c)
                     for n, c in zip(table.column_names, table.columns, strict=True)})


@pytest.mark.parametrize("key", sorted(RULESETS))
@settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_streamed_parquet_agrees_with_the_reference(key, data, tmp_path, monkeypatch):
    ruleset = _load(key)
    rows = []
    for _ in range(data.draw(st.integers(1, 3))):
        rows += data.draw(_batches(ruleset))
    rows = _with_ids(rows)
    if ruleset.checked.groups and data.draw(st.booleans()):  # clustered: streamed in order
        keys = ruleset.checked.shared_keys
        rows.sort(key=lambda r: tuple(dataset._key_text(r.get(k)) or "" for k in keys))
    monkeypatch.setattr(dataset, "BUCKET_ROWS", 5)  # several buckets when not clustered
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    table = _table(rows)
    pq.write_table(table, source)
    rows = table.to_pylist()  # the records as the file holds them (mixed columns became text)
    summary = ruleset.evaluate_dataset(source, out, batch_rows=data.draw(st.integers(1, 9)))
    got = pq.read_table(out).to_pylist()
    assert summary.rows == len(rows) == len(got)
    expected = reference_rows(ruleset, rows)
    assert summary.failed == sum(isinstance(v, evalrules.InputError) for v in expected.values())
    assert_rows_agree(ruleset, expected, got)
    if not ruleset.checked.groups:
        assert [r[ID] for r in got] == [r[ID] for r in rows]  # input order


def _team_rows(n: int, seed: int = 3) -> pa.Table:
    import numpy as np

    rng = np.random.default_rng(seed)
    ruleset = _load("fanwen9/team-city.rules")
    cols = {ID: np.arange(n)}
    for name, field in ruleset.inputs.items():
        if field.kind == "ballot":
            for c in field.labels:
                cols[f"{name}.{c}"] = rng.integers(0, 30, n)
        elif field.kind == "bool":
            cols[name] = rng.random(n) < 0.3
        else:
            cols[name] = np.array(field.labels, dtype=object)[rng.integers(0, len(field.labels),
                                                                           n)]
    return pa.table(cols)


def test_schema_is_fixed_by_the_ruleset_whatever_the_batches():
    ruleset = _load("fanwen9/team-city.rules")
    schema = dataset.result_schema(ruleset)
    assert schema.field("班子优秀率").type == pa.string()
    assert schema.field("班子等次").type == pa.string()
    assert schema.field("vetoes").type == pa.list_(pa.string())
    table = _team_rows(1000)
    seen = []
    summary = ruleset.evaluate_dataset(table, seen.append, batch_rows=100, keep=False)
    assert {b.schema for b in seen} == {schema}
    assert summary.rows == 1000 and len(seen) == 10


def test_csv_in_and_out_reads_cells_as_the_command_does(tmp_path):
    ruleset = _load("fanwen9/team-city.rules")
    table = _team_rows(200)
    rows = table.to_pylist()
    rows[3]["干部精神状态好"] = "是"
    rows[4]["班子测评.优秀"] = " 7 "
    rows[5]["班子状况"] = "乱"
    rows[6]["存在突出问题"] = ""
    import csv

    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow({k: ("true" if v is True else "false" if v is False else v)
                        for k, v in r.items()})
    out = tmp_path / "out.parquet"
    ruleset.evaluate_dataset(src, out, batch_rows=64)
    got = pq.read_table(out).to_pylist()
    from evalrules.columns import input_columns
    from evalrules.io import read_rows, record_of

    columns = input_columns(ruleset.checked)
    expected = {}
    for r in read_rows(src):
        try:
            expected[int(r[ID])] = ruleset.reference_evaluate(record_of(r, columns))
        except evalrules.InputError as e:
            expected[int(r[ID])] = e
    for row in got:
        row[ID] = int(row[ID])
    assert isinstance(expected[5], evalrules.InputError)
    assert_rows_agree(ruleset, expected, got)


def test_evalrules_eval_streams_parquet(tmp_path, capsys):
    rules = RULESETS["fanwen9/team-city.rules"]
    table = _team_rows(3000)
    src, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(table, src, row_group_size=1000)
    assert main(["eval", str(rules), str(src), "-o", str(out), "--no-progress",
                 "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "3000 records, 3000 graded" in text and "written:" in text
    got = pq.read_table(out)
    assert got.num_rows == 3000 and got.column_names[:len(table.column_names)] == \
        table.column_names
    ruleset = _load("fanwen9/team-city.rules")
    assert_rows_agree(ruleset, reference_rows(ruleset, table.to_pylist()), got.to_pylist())
    csv_out = tmp_path / "out.csv"
    assert main(["eval", str(rules), str(src), "-o", str(csv_out), "--no-progress"]) == 0
    assert csv_out.read_text(encoding="utf-8-sig").count("\n") == 3001


def test_a_one_pass_source_must_be_clustered_by_the_group_key():
    ruleset = _load("fanwen2/team-dept-rank.rules")
    (key,) = ruleset.checked.shared_keys
    batches = [pa.record_batch({key: ["甲", "乙"]}), pa.record_batch({key: ["甲"]})]
    with pytest.raises(ValueError, match="not contiguous"):
        ruleset.evaluate_dataset(iter(batches), None)


def _cell_rows(ruleset: evalrules.Ruleset, n: int, seed: int) -> list[dict]:
    """n rows of plainly readable CSV cells for every input of the ruleset."""
    import random

    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row: dict = {ID: str(i)}
        for name, f in ruleset.inputs.items():
            if f.kind == "ballot":
                row.update({f"{name}.{c}": str(rng.randint(0, 30)) for c in f.labels})
            elif f.kind == "bool":
                row[name] = rng.choice(["true", "false", "是", "否", "1", "0", "TRUE"])
            elif f.kind in ("number", "integer"):
                low = int(f.low) if f.low is not None else 0
                high = int(f.high) if f.high is not None else 100
                x = rng.randint(low * 10, high * 10)
                row[name] = str(x // 10) if f.kind == "integer" else f"{x / 10:.1f}"
            elif f.kind == "history":
                row[name] = "、".join(rng.choice(f.labels) for _ in range(rng.randint(0, 3)))
            elif f.kind == "text":
                row[name] = rng.choice(["甲", "乙"])
            else:
                row[name] = rng.choice(f.labels)
        rows.append(row)
    return rows


#: Unusual cells per kind: each must fail (or be read) on its own row only, as `evalrules eval`
#: without --stream reads it.
_ODD = {"bool": ["yes", "真", " TRUE ", "2", "x"],
        "count": ["7.0", "x", " 7 ", "1e2", "-1", "99999999999999999999"],
        "number": ["80%", "abc", "1234567890.1234567", " 60 ", "1/3", "6e1", "+5"],
        "integer": ["3.5", "x", "+4", "4.0"]}


@pytest.mark.parametrize("rules", ["fanwen2/cadre.rules", "fanwen9/team-city.rules",
                                   "fanwen5/cadre.rules", "fanwen2/cadre-quota.rules"])
def test_streamed_csv_reads_each_unusual_cell_on_its_own_row(rules, tmp_path, monkeypatch):
    """#3: one unusual cell (a bool saying `yes`) left its whole column as text, and every row of
    the batch failed; now the readable cells are read column-wise and only the rows with an
    unusual cell take the per-row path, which reads them as the command without --stream does."""
    import csv
    import random

    from evalrules.backends import vectorized
    from evalrules.columns import input_columns
    from evalrules.io import read_rows, record_of

    ruleset = _load(rules)
    columns = input_columns(ruleset.checked)
    rows = _cell_rows(ruleset, 300, seed=len(rules))
    before = _expected(ruleset, [record_of(r, columns) for r in rows])
    rng = random.Random(7)
    odd_rows = set()
    for name, kind in columns.items():
        for cell in _ODD.get(kind, []):
            i = rng.randrange(len(rows))
            rows[i][name] = cell
            odd_rows.add(i)
    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    per_row: list[int] = []
    original = vectorized._reference_rows

    def counted(checked, constants, cols, rows_idx):
        per_row.append(rows_idx.size)
        return original(checked, constants, cols, rows_idx)

    monkeypatch.setattr(vectorized, "_reference_rows", counted)
    out = tmp_path / "out.parquet"
    summary = ruleset.evaluate_dataset(src, out, batch_rows=64)
    got = pq.read_table(out).to_pylist()
    for row in got:
        row[ID] = int(row[ID])
    expected = _expected(ruleset, [record_of(r, columns) for r in read_rows(src)])
    assert summary.rows == len(rows)

    def failed(results: dict) -> set:
        return {i for i, v in results.items() if isinstance(v, evalrules.InputError)}

    assert failed(expected) - failed(before)  # some unusual cells are errors…
    assert failed(expected) <= odd_rows | failed(before)  # … each on its own row only
    assert_rows_agree(ruleset, expected, got)
    if not ruleset.checked.groups:  # the others were read (and graded) column-wise
        assert sum(per_row) <= len(odd_rows | failed(expected))


def _expected(ruleset: evalrules.Ruleset, records: list[dict]) -> dict:
    """row number → the reference's Result or InputError."""
    if ruleset.checked.groups:
        return {i: r.error if r.error is not None else r
                for i, r in enumerate(ruleset.reference_evaluate_many(records))}
    expected: dict = {}
    for i, record in enumerate(records):
        try:
            expected[i] = ruleset.reference_evaluate(record)
        except evalrules.InputError as e:
            expected[i] = e
    return expected


def test_progress_is_a_callable_after_each_batch_or_nothing(tmp_path):
    ruleset = _load("fanwen9/team-city.rules")
    table = _team_rows(250)
    calls = []
    summary = ruleset.evaluate_dataset(table, None, batch_rows=100,
                                       progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (summary.rows, summary.rows) and len(calls) == -(-summary.rows // 100)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    for nothing in (None, False):
        assert ruleset.evaluate_dataset(table, None, progress=nothing).rows == summary.rows
