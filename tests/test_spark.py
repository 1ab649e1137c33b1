"""``evalrules.spark.evaluate`` on Spark in local mode, against the reference evaluator.

The same generated records as the vectorized and streaming tests (valid and not), on bundled
rulesets with and without group rules: every output row must equal the reference on the record it
holds, and no row may be lost. One local SparkSession for the module; small data.
"""

from __future__ import annotations

import os
import shutil

import pytest

pa = pytest.importorskip("pyarrow")
pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'evalrules[spark]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no java: Spark needs Java 17 (apt-get install openjdk-17-jre-headless)",
                allow_module_level=True)

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_dataset import ID, _table, _with_ids, assert_rows_agree, reference_rows  # noqa: E402
from test_vectorized import RULESETS, _batches, _load  # noqa: E402

import evalrules  # noqa: E402
from evalrules import spark as es  # noqa: E402

#: Rulesets run on Spark: one job each (a couple of seconds), so a few that cover the kinds.
KEYS = ["fanwen9/team-city.rules", "fanwen9/team-county.rules", "fanwen2/cadre.rules",
        "fanwen4/satisfaction.rules", "fanwen2/cadre-quota.rules", "fanwen2/team-dept-rank.rules",
        "fanwen5/cadre-weights.rules"]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("evalrules-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "16")
               .config("spark.driver.memory", "1g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _frame(spark, table: pa.Table):
    # Spark has no unsigned or null-only columns worth testing here; give them plain types
    cols = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_null(col.type):
            col = col.cast(pa.string())
        cols[name] = col
    table = pa.table(cols)
    return spark.createDataFrame(table)


def _collect(df) -> list[dict]:
    return [row.asDict(recursive=True) for row in df.collect()]


@pytest.mark.parametrize("key", KEYS)
@settings(max_examples=1, deadline=None, phases=[Phase.generate], database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_spark_agrees_with_the_reference_on_every_row(spark, key, data):
    ruleset = _load(key)
    rows = []
    for _ in range(6):
        rows += data.draw(_batches(ruleset))
    table = _table(_with_ids(rows))
    got = _collect(es.evaluate(_frame(spark, table), RULESETS[key]))
    assert len(got) == table.num_rows
    assert_rows_agree(ruleset, reference_rows(ruleset, table.to_pylist()), got)


def test_schema_columns_keep_and_params(spark):
    ruleset = _load("fanwen9/team-county.rules").with_params(一般线="25%")
    from test_dataset import _team_rows

    table = _team_rows(300)
    df = _frame(spark, table)
    out = es.evaluate(df, ruleset, columns=["班子差评率", "班子等次"], keep=[ID])
    assert out.columns == [ID, "班子差评率", "班子等次", "vetoes", "outcomes", "error"]
    types = {f.name: f.dataType.simpleString() for f in out.schema.fields}
    assert types["班子差评率"] == "string" and types["vetoes"] == "array<string>"
    got = _collect(out)
    assert_rows_agree(ruleset, reference_rows(ruleset, table.to_pylist()), got,
                      columns=["班子差评率", "班子等次"])
    with pytest.raises(evalrules.UnknownName, match="did you mean"):
        es.evaluate(df, ruleset, columns=["班子等级"])


def test_shipping_carries_the_bases_and_compiles_once():
    ruleset = _load("fanwen9/team-county.rules")  # extends team-city.rules
    shipped = es.ship(ruleset.with_params(一般线="25%"))
    first = es.compiled(shipped)
    assert es.compiled(shipped) is first
    assert first.params["一般线"] == ruleset.with_params(一般线="25%").params["一般线"]
    assert first.name == ruleset.name


def test_local_workers_run_this_python_unless_told_otherwise(spark, monkeypatch):
    """#29: from a virtual environment that is not activated, local Spark started its workers
    with `python3` from the PATH (the system Python) and every job failed with a Java stack
    trace ending in "No module named 'pyarrow'". In local mode the workers now run
    sys.executable, unless PYSPARK_PYTHON or spark.pyspark.python says which."""
    import sys

    context = spark.sparkContext
    monkeypatch.delenv("PYSPARK_PYTHON", raising=False)
    monkeypatch.setattr(context, "pythonExec", "python3")  # PySpark's default
    ruleset = _load("fanwen9/team-county.rules")
    from test_dataset import _team_rows

    table = _team_rows(20)
    out = es.evaluate(_frame(spark, table), ruleset, columns=["班子等次"], keep=[ID])
    assert context.pythonExec == sys.executable
    assert_rows_agree(ruleset, reference_rows(ruleset, table.to_pylist()), _collect(out),
                      columns=["班子等次"])
    # what the user configured stays
    monkeypatch.setenv("PYSPARK_PYTHON", "python3")
    monkeypatch.setattr(context, "pythonExec", "python3")
    es.evaluate(_frame(spark, table), ruleset)
    assert context.pythonExec == "python3"
    assert es.worker_python("local[2]", "/opt/py/bin/python", {}, "python3") is None
    assert es.worker_python("local[*]", None, {}, "/opt/py/bin/python") is None
    assert es.worker_python("yarn", None, {}, "python3") is None
    assert es.worker_python("local", None, {}, "python3") == sys.executable


def test_several_group_blocks_group_on_the_keys_every_block_shares(spark):
    """Several blocks (issue 13): no shared key (the whole frame is one group, one worker) and a
    shared key (县区: one group per county); the ranks as tests/test_lang_group.py works out."""
    from test_lang_group import CITY, UNITS

    rows = [{**u, ID: i} for i, u in enumerate(UNITS)]
    frame = _frame(spark, pa.Table.from_pylist(rows))
    for source, county, city in (
            (CITY, [1, 2, 2, 1, 2], [1, 3, 3, 2, 5]),
            (CITY.replace("group by 市:", "group by 县区, 市:"), [1, 2, 2, 1, 2], [1, 2, 2, 1, 2])):
        got = sorted(_collect(es.evaluate(frame, evalrules.compile(source))),
                     key=lambda r: r[ID])
        assert [int(r["县区名次"]) for r in got] == county
        assert [int(r["全市名次"]) for r in got] == city


def test_dates_from_a_date_column_and_from_text(spark):
    """A Spark ``date`` column and ISO text reach a ``date`` input as the days they say
    (tests/test_lang_dates.py has the other backends): 2025-06-30 → 2025-12-31 is 184 days."""
    import datetime

    ruleset = evalrules.compile("ruleset 任职\ninput 任职日期: date\nparam 年末 = 2025-12-31\n"
                                "let 天数 = days(任职日期, 年末)\n")
    days = [datetime.date(2025, 6, 30), datetime.date(2025, 7, 1), None]
    for column, error in ((pa.array(days, pa.date32()), "missing required field"),
                          (pa.array(["2025-06-30", "2025/7/1", "7/1/2025"]), "must be a date")):
        got = _collect(es.evaluate(_frame(spark, pa.table({"任职日期": column})), ruleset))
        by_day = {str(r["任职日期"]): (r["天数"], r["error"]) for r in got}
        assert [by_day[str(d)][0] for d in column.to_pylist()] == ["184", "183", None]
        assert error in by_day[str(column.to_pylist()[2])][1]
