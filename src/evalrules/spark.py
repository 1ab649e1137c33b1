"""Rulesets on a Spark cluster: :func:`evaluate` a PySpark DataFrame with the vectorized backend.

    from evalrules.spark import evaluate
    graded = evaluate(df, "rulesets/fanwen9/team-city.rules")      # or a compiled Ruleset
    graded.write.parquet("hdfs:///assessments/2025-graded")

How it runs. The ruleset travels as text: its own source and the source of every file it
``extends`` (read once on the driver), plus any ``with_params`` values — a few kilobytes in the
task closure, nothing to install on the workers but evalrules itself. Each Python worker compiles
it once and keeps it (a module-level cache keyed by a hash of that text, so reused workers and
later jobs with the same ruleset compile nothing). Rows go through ``DataFrame.mapInArrow``:
each Arrow record batch Spark hands the worker is evaluated by
:func:`evalrules.dataset.evaluate_batches` — the vectorized backend, the same code as
``Ruleset.evaluate_table`` and ``evalrules eval`` — and comes back as one Arrow batch. A ruleset
with group rules (``group by KEY``) runs through ``groupBy(KEY).applyInArrow`` (Spark ≥ 4.0;
``applyInPandas`` on Spark 3.5), so each group is evaluated whole in one worker; Spark's grouping
key is the key as trimmed text, never finer than the evaluator's own grouping, so no group is
split. A group must fit in one worker's memory.

The result schema is declared up front and derived from the ruleset alone (:func:`schema`): the
DataFrame's columns (or ``keep``), then one column per named value — grades and categories
``StringType``, conditions ``BooleanType``, numbers ``StringType`` holding the exact value as
:func:`evalrules.values.exact_str` writes it (``"0.6"``, ``"87.25"``, ``"19/30"``) — then
``vetoes`` and ``outcomes`` (``ArrayType(StringType)``) and ``error`` (``StringType``: null, or
the message of the record's ``InputError``). Numbers are text because the schema is fixed before
any row is seen and a share like 19/30 has no decimal form; cast where you know the values are
decimals (``F.col("得分").cast("decimal(38,4)")`` — a value that is not becomes null, so check).

Rows are never lost: a record that cannot be graded keeps its message in ``error``; if a whole
batch failed unexpectedly, its rows come back with the failure in ``error``.

In local mode the Python workers run this interpreter (``sys.executable``), so a virtual
environment works whether or not it is activated (PySpark's default, ``python3`` from the PATH, is
then the system Python, without pyarrow); ``PYSPARK_PYTHON`` or ``spark.pyspark.python``, when set,
are left as they are.

pyspark is imported inside the functions only: ``import evalrules.spark`` works without it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Mapping, Sequence

from .columns import is_input_column, selected
from .diagnostics import InputError

#: Compiled rulesets of this Python worker, by the hash of what was shipped.
_COMPILED: dict[str, object] = {}


# ---------------------------------------------------------------- shipping the ruleset

def ship(ruleset) -> bytes:
    """The ruleset as the bytes that travel to workers: its source, its bases' sources (by how
    ``extends`` named them) and its param overrides."""
    from .resolve import file_loader
    from .ruleset import Ruleset, compile, load

    if not isinstance(ruleset, Ruleset):
        ruleset = load(ruleset)
    files: dict[tuple, tuple[str, str]] = {}

    def recording(name: str, including: str | None):
        found = file_loader(name, including)
        files[(name, including)] = found
        return found

    compile(ruleset.source, path=ruleset.path, loader=recording)
    return pickle.dumps({"source": ruleset.source, "path": ruleset.path, "files": files,
                         "overrides": dict(ruleset.overrides)}, protocol=4)


def compiled(shipped: bytes):
    """The Ruleset of shipped bytes, compiled once per Python process."""
    key = hashlib.sha256(shipped).hexdigest()
    ruleset = _COMPILED.get(key)
    if ruleset is None:
        from .ruleset import compile

        payload = pickle.loads(shipped)
        files = payload["files"]

        def loader(name: str, including: str | None):
            try:
                return files[(name, including)]
            except KeyError:
                raise FileNotFoundError(name) from None

        ruleset = compile(payload["source"], path=payload["path"], loader=loader)
        if payload["overrides"]:
            ruleset = ruleset.with_params(**payload["overrides"])
        _COMPILED[key] = ruleset
    return ruleset


# ---------------------------------------------------------------- the schema

def schema(ruleset, input_schema=None, *, columns: Sequence[str] | None = None, keep=True):
    """The Spark ``StructType`` :func:`evaluate` returns: kept input fields, then results."""
    from pyspark.sql import types as T

    from .dataset import result_fields

    fields = result_fields(_ruleset(ruleset), columns)
    replaced = {f.name for f in fields}
    out = []
    if input_schema is not None and keep is not False:
        names = input_schema.names if keep is True else list(keep)
        out = [input_schema[n] for n in names if n not in replaced]
    for f in fields:
        t: T.DataType
        if f.name in ("vetoes", "outcomes"):
            t = T.ArrayType(T.StringType(), containsNull=True)
        elif str(f.type) == "bool":
            t = T.BooleanType()
        else:
            t = T.StringType()
        out.append(T.StructField(f.name, t, nullable=True))
    return T.StructType(out)


def _ruleset(ruleset):
    from .ruleset import Ruleset, load

    return ruleset if isinstance(ruleset, Ruleset) else load(ruleset)


# ---------------------------------------------------------------- on the workers

def _batch_out(ruleset, batch, columns, keep, out_schema):
    """One input batch → one output batch in ``out_schema`` (never raises)."""
    import pyarrow as pa

    from .dataset import evaluate_batches

    try:
        (result,) = evaluate_batches(ruleset, [batch], columns=columns, keep=keep)
        arrays = [result.column(f.name) for f in out_schema]
        arrays = [a if a.type == f.type else a.cast(f.type) for a, f in zip(arrays, out_schema,
                                                                              strict=True)]
        return pa.RecordBatch.from_arrays(arrays, schema=out_schema)
    except Exception as e:  # keep every row: the failure goes to `error`
        message = f"evalrules: could not evaluate this batch: {type(e).__name__}: {e}"
        arrays = []
        for f in out_schema:
            if f.name == "error":
                arrays.append(pa.array([message] * batch.num_rows, pa.string()))
            elif f.name in batch.schema.names and f.name not in _result_names(ruleset, columns):
                arrays.append(batch.column(f.name))
            else:
                arrays.append(pa.nulls(batch.num_rows, f.type))
        return pa.RecordBatch.from_arrays(arrays, schema=out_schema)


def _result_names(ruleset, columns) -> set[str]:
    from .dataset import result_fields

    return {f.name for f in result_fields(ruleset, columns)}


def _arrow_schema(spark_schema):
    try:
        from pyspark.sql.pandas.types import to_arrow_schema
    except ImportError:  # pragma: no cover
        raise
    return to_arrow_schema(spark_schema)


# ---------------------------------------------------------------- the workers' python

def worker_python(master: str, configured: str | None, environ: Mapping[str, str],
                  current: str) -> str | None:
    """The Python the workers should run, when evalrules should choose it, else None.

    PySpark starts its workers with ``python3`` from the PATH unless told otherwise; run from a
    virtual environment that is not activated, that is the system Python, without pyarrow or
    evalrules, and every job fails with a Java stack trace ending in ``No module named
    'pyarrow'``. In local mode the workers run on this machine, so this interpreter
    (``sys.executable``) is the right one — unless the user said which: ``PYSPARK_PYTHON``,
    ``spark.pyspark.python`` (``configured``) or a context whose python is not the default."""
    if not master.startswith("local") or configured or environ.get("PYSPARK_PYTHON") or \
            current != "python3":
        return None
    return sys.executable


def _local_workers_python(df) -> None:
    try:
        context = df.sparkSession.sparkContext
    except Exception:  # Spark Connect: no context here, the server starts the workers
        return
    conf = context.getConf()
    configured = conf.get("spark.pyspark.python") or \
        conf.get("spark.executorEnv.PYSPARK_PYTHON")
    python = worker_python(str(context.master), configured, os.environ,
                           getattr(context, "pythonExec", ""))
    if python is not None:
        context.pythonExec = python  # read when mapInArrow wraps the function below


# ---------------------------------------------------------------- the entry point

def evaluate(df, ruleset, *, columns: Sequence[str] | None = None, keep=True):
    """Grade every row of a PySpark DataFrame; returns a DataFrame (lazy, like any transform).

    ``ruleset``: a compiled :class:`evalrules.Ruleset` or a path to a .rules file (read on the
    driver). ``columns``: only these named values (default: all). ``keep``: the input columns to
    carry into the result (True: all, False: none, or a list of names).
    """
    from pyspark.sql import functions as F

    _local_workers_python(df)
    ruleset = _ruleset(ruleset)
    selected(ruleset.checked, columns)  # unknown names fail here, on the driver
    shipped = ship(ruleset)
    keep_names = (list(df.columns) if keep is True else [] if keep is False else list(keep))
    unknown = [n for n in keep_names if n not in df.columns]
    if unknown:
        raise InputError(f"keep: no column {unknown[0]!r} in the DataFrame", field=unknown[0])
    out = schema(ruleset, df.schema, columns=columns, keep=keep_names)
    replaced = _result_names(ruleset, columns)
    kept = [n for n in keep_names if n not in replaced]
    # What the workers read: the kept columns and those the ruleset reads.
    read = [n for n in df.columns if n in kept or is_input_column(ruleset.checked, n)]
    # Columns travel under plain aliases (Spark cannot always resolve a dotted name such as
    # 班子测评.优秀 inside mapInArrow) and get their names back on the worker.
    source = df.select(*[F.col(f"`{n}`").alias(f"_c{i}") for i, n in enumerate(read)])
    out_arrow = _arrow_schema(out)
    columns = selected(ruleset.checked, columns) if columns is not None else None
    keys = [k for k in ruleset.checked.shared_keys if k in df.columns]
    if not ruleset.checked.groups:
        def run(batches):
            import pyarrow as pa

            rs = compiled(shipped)
            for batch in batches:
                batch = pa.RecordBatch.from_arrays(batch.columns, names=read)
                yield _batch_out(rs, batch, columns, kept, out_arrow)

        return source.mapInArrow(run, out)

    # Grouped on the keys every block has, as trimmed text (never finer than the ruleset's own
    # grouping); none in common: the whole input is one group, graded by one worker.
    key = "__evalrules_group_key"
    keyed = source.withColumn(key, F.concat_ws("\x1f", F.lit(""), *[
        F.coalesce(F.trim(F.col(f"_c{read.index(k)}").cast("string")), F.lit("\x00"))
        for k in keys]))
    grouped = keyed.groupBy(key)

    def run_group(table):
        import pyarrow as pa

        rs = compiled(shipped)
        table = table.drop_columns([key]) if key in table.column_names else table
        table = table.rename_columns(read)
        batches = [_batch_out(rs, b, columns, kept, out_arrow)
                   for b in [_whole(table)]]
        return pa.Table.from_batches(batches, schema=out_arrow)

    if hasattr(grouped, "applyInArrow"):
        return grouped.applyInArrow(run_group, out)

    def run_pandas(frame):  # Spark 3.5: the group as pandas, converted to Arrow and back
        import pyarrow as pa

        table = pa.Table.from_pandas(frame, preserve_index=False)
        return run_group(table).to_pandas()

    return grouped.applyInPandas(run_pandas, out)


def _whole(table):
    import pyarrow as pa

    table = table.combine_chunks()
    if table.num_rows == 0:
        return pa.RecordBatch.from_pylist([], schema=table.schema)
    return pa.RecordBatch.from_arrays([c.chunk(0) if c.num_chunks == 1 else c.combine_chunks()
                                       for c in table.columns], schema=table.schema)
