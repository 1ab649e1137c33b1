"""Out of core: stream record batches through the vectorized backend, batch by batch.

:func:`evaluate_dataset` (``Ruleset.evaluate_dataset``) reads its source with
``pyarrow.dataset`` — Parquet files or directories, CSV files, a ``pyarrow.dataset.Dataset``, a
Table, a ``RecordBatchReader`` or any iterable of record batches — evaluates each batch with
:func:`evalrules.backends.vectorized.evaluate_table` and hands each result batch to the sink (a
``.parquet`` or ``.csv`` path, or a callable) before reading the next. Memory is a few batches,
whatever the size of the input.

The output schema is fixed before the first batch, from the ruleset alone (:func:`result_schema`),
so every batch and every file part agrees: the kept input columns as read, then one column per
named value — grades and categories ``string``, conditions ``bool``, numbers ``string`` in the
exact form of :func:`evalrules.values.exact_str` (``"0.6"``, ``"19/30"``; a per-batch
``decimal128`` scale could differ between batches, and a share need not be a finite decimal at all)
— then ``vetoes`` and ``outcomes`` (``list<string>``) and ``error`` (``string``, null when fine).

Group rules (``group by KEY``) need every record of a group in one evaluation. When the source can
be read twice (files, datasets, tables), the key column alone is read first: if every group's
records are contiguous (the data is sorted or clustered by the key), batches are cut at group
boundaries and the output keeps the input's order, with memory one batch plus the largest group.
Otherwise the input is first written to temporary Parquet buckets by a hash of the key (one more
read and write of the data, on disk next to nothing else), then each bucket is evaluated whole;
the output then comes bucket by bucket, not in input order. A one-pass source (an iterator) must be
clustered by the key; a key that comes back after its group ended is an error.

CSV is read with the command line's conventions (:mod:`evalrules.io`): every cell is text, an
empty cell is missing, yes/no cells say a word of :data:`evalrules.values.YES_NO` (``是``/``否``,
``√``/``×``, ``true``/``false``, ``1``/``0``, …, as every format and backend reads them); yes/no
cells, plain integers and short decimals are handed to the vectorized backend as bools and numbers
(exactly: at most 15 significant digits, so the float is the decimal). A row with any other cell in
an input column (``yes``, ``80%``, ``1/3``, 20 digits) takes the reference evaluator's per-row
reading with the cells as ``evalrules eval`` reads a CSV, so it is read, or fails, on its own; the
other rows of its batch stay column-wise (:func:`evalrules.io.typed.read_cells`, which
:func:`evalrules.grading.grade` shares).

Imports numpy and pyarrow; :mod:`evalrules` imports this module only when it is used.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv
import pyarrow.dataset as ds

from . import columns as spreadsheet
from .backends.vectorized import evaluate_table
from .check import Kind
from .columns import RESULT_COLUMNS, is_input_column, selected, value_kind
from .diagnostics import DataError
from .io.typed import read_cells
from .messages import Phrase
from .values import exact_str

#: Rows per batch read from the source.
BATCH_ROWS = 65_536
#: Rows per temporary bucket when a group ruleset's input must be partitioned by its key.
BUCKET_ROWS = 500_000
#: ``progress(rows done, rows in all or None)``, called after each batch.
Progress = Callable[[int, "int | None"], None]


# ---------------------------------------------------------------- the schema, from the ruleset

def result_fields(ruleset, columns: str | Sequence[str] | None = None) -> list[pa.Field]:
    """The result columns' fields: value columns, then vetoes, outcomes and error."""
    names = selected(ruleset.checked, columns)
    fields = [pa.field(n, pa.bool_() if value_kind(ruleset.checked, n) == Kind.BOOL
                       else pa.string()) for n in names]
    fields += [pa.field("vetoes", pa.list_(pa.string())), pa.field("outcomes",
               pa.list_(pa.string())), pa.field("error", pa.string())]
    return fields


def result_schema(ruleset, columns: str | Sequence[str] | None = None) -> pa.Schema:
    return pa.schema(result_fields(ruleset, columns))


def exact_text(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A number column of ``evaluate_table`` (decimal128 or exact text) as exact text."""
    if pa.types.is_decimal(column.type):
        text = pc.cast(column, pa.string())
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
        science = pc.match_substring(text, "E")  # Arrow writes 0 at scale 7 as "0E-7"
        if pc.any(science).as_py():
            idx = pc.indices_nonzero(science).to_pylist()
            values = text.to_pylist()
            for i in idx:
                values[i] = exact_str(Fraction(Decimal(values[i])))
            text = pa.array(values, pa.string())
        if column.type.scale > 0:  # "0.60" → "0.6", "3.00" → "3", as exact_str writes them
            text = pc.replace_substring_regex(text, r"(\.[0-9]*?)0+$", r"\1")
            text = pc.replace_substring_regex(text, r"\.$", "")
        return text
    return pc.cast(column, pa.string())


def conform(result: pa.Table, fields: list[pa.Field]) -> list[pa.Array]:
    """``evaluate_table``'s result columns cast to the fixed result fields."""
    out = []
    for f in fields:
        col = result.column(f.name)
        if f.type == pa.string() and f.name not in RESULT_COLUMNS:
            col = exact_text(col)
        elif col.type != f.type:
            col = pc.cast(col, f.type)
        if isinstance(col, pa.ChunkedArray):
            col = col.combine_chunks()
        out.append(col)
    return out


# ---------------------------------------------------------------- reading

def _is_csv(source) -> bool:
    if isinstance(source, (str, os.PathLike)):
        p = Path(source)
        return p.suffix.lower() == ".csv" or (p.is_dir() and any(p.glob("*.csv")))
    return False


def open_source(source, *, format: str | None = None):
    """A ``pyarrow.dataset.Dataset`` for paths and tables; other sources are returned as they
    are (iterables of record batches, read once)."""
    if isinstance(source, ds.Dataset):
        return source
    if isinstance(source, pa.Table):
        return ds.dataset(source)
    if isinstance(source, (str, os.PathLike)) or (
            isinstance(source, list) and source and isinstance(source[0], (str, os.PathLike))):
        first = Path(source[0] if isinstance(source, list) else source)
        fmt = format or ("csv" if _is_csv(first) else "parquet")
        files = _files(source, fmt)
        if fmt == "csv":
            fmt = _csv_format(files)
        paths = [os.fspath(p) for p in source] if isinstance(source, list) else os.fspath(source)
        try:
            return ds.dataset(paths, format=fmt)
        except pa.ArrowInvalid as e:
            raise _unreadable(files, e) from None
    return source


def _files(source, fmt: str) -> list[Path]:
    """The files a path, a directory or a list of paths stands for."""
    paths = [Path(p) for p in (source if isinstance(source, list) else [source])]
    return [f for p in paths for f in (sorted(p.iterdir()) if p.is_dir() else [p])
            if not (p.is_dir() and (f.name.startswith((".", "_")) or not f.is_file()
                                    or (fmt == "csv" and f.suffix.lower() != ".csv")))]


def _unreadable(files: list[Path], e: Exception) -> DataError:
    """Why a dataset cannot be opened, naming the file: a Parquet file's repeated column, or
    what Arrow says."""
    import pyarrow.parquet as pq

    for f in (f for f in files if f.suffix.lower() in (".parquet", ".pq")):
        try:
            spreadsheet.header_names(pq.read_schema(f).names, f.name, trailing=True)
        except pa.ArrowException as why:
            return DataError(f"cannot read {f.name} as Parquet: {why}")
    return DataError(f"cannot read {', '.join(f.name for f in files[:3])}: {e}")


def _csv_header(path: Path) -> list[str]:
    import csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = next((row for row in csv.reader(f) if row), [])
    except (csv.Error, UnicodeDecodeError) as e:
        utf8 = " (save it as UTF-8, in Excel “CSV UTF-8”)" * isinstance(e, UnicodeDecodeError)
        raise DataError(f"cannot read the header of {path.name}: {e}{utf8}") from None
    if not any(c.strip() for c in header):
        raise DataError(f"{path.name} is empty: its first row names the columns")
    return header


def _unquoted(text: str) -> str:
    return text[1:] if text.startswith("'") and spreadsheet.formula_like(text) else text


def _texts(batch: pa.RecordBatch, quote: bool, schema: pa.Schema | None = None
           ) -> pa.RecordBatch:
    """Every text column as :mod:`evalrules.io` writes (``quote``) and reads CSV: ``'`` before a
    cell a spreadsheet would run as a formula (``=cmd|…``), taken off again when read."""
    arrays = []
    for col in batch.columns:
        if (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)) and pc.any(
                risky := pc.match_substring_regex(col, spreadsheet.FORMULA)).as_py():
            risky = pc.and_not(risky, pc.match_substring_regex(col, spreadsheet.PLAIN_NUMBER))
            col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col) if quote \
                else pc.if_else(pc.and_(risky, pc.starts_with(col, "'")),
                                pc.utf8_slice_codeunits(col, 1), col)
        arrays.append(col)
    return pa.RecordBatch.from_arrays(arrays, schema=schema or batch.schema)


def _csv_format(files: list[Path]) -> ds.CsvFileFormat:
    """Every cell text; a blank header cell named by its column letter (as io reads a CSV), a
    header naming a column twice refused."""
    headers = [_csv_header(f) for f in files]
    names = [spreadsheet.header_names([_unquoted(c) for c in h], f.name, trailing=True)
             for f, h in zip(files, headers, strict=True)]
    renamed = names != headers  # then names[0] is every file's header
    for f, n in zip(files, names, strict=True):
        if renamed and n != names[0]:
            raise DataError(f"{f.name}: its header differs from {files[0].name}'s; the files of "
                            "one dataset have the same columns")
    return ds.CsvFileFormat(
        read_options=pa.csv.ReadOptions(encoding="utf-8", block_size=1 << 24,
                                        column_names=names[0] if renamed else None,
                                        skip_rows=1 if renamed else 0),
        convert_options=pa.csv.ConvertOptions(
            column_types={n: pa.string() for n in names[0] if names}, null_values=[""],
            strings_can_be_null=True, quoted_strings_can_be_null=True))


def _batches(dataset, columns, batch_rows: int) -> Iterator[pa.RecordBatch]:
    if isinstance(dataset, ds.Dataset):
        scanner = dataset.scanner(columns=columns, batch_size=batch_rows, batch_readahead=1,
                                  fragment_readahead=1, use_threads=True)
        try:
            yield from scanner.to_batches()
        except pa.ArrowInvalid as e:  # a row with more cells than the header, a bad byte…
            files = ", ".join(Path(f).name for f in getattr(dataset, "files", [])[:3])
            raise DataError(f"cannot read {files or 'the source'}: {e}" + (
                " (save it as UTF-8, in Excel “CSV UTF-8”)" if "UTF8" in str(e) else "")) from None
        return
    if isinstance(dataset, pa.RecordBatch):
        dataset = [dataset]
    for batch in dataset:
        if isinstance(batch, pa.Table):
            yield from batch.to_batches()
        else:
            yield batch


# ---------------------------------------------------------------- evaluating batch by batch

class Summary:
    """What a streamed run found: rows, errors (the first ``keep_errors`` with their row number,
    counted from 1), each grade's labels counted, each veto and outcome tallied."""

    def __init__(self, ruleset, keep_errors: int = 10):
        self.ruleset = ruleset
        self.rows = 0
        self.failed = 0
        self.errors: list[tuple[int, str]] = []
        self.grades: dict[str, Counter[str]] = {g: Counter() for g in ruleset.grades}
        self.vetoes = Counter({n: 0 for n in ruleset.vetoes})
        self.outcomes = Counter({n: 0 for n in ruleset.outcomes})
        self.seconds = 0.0
        self._keep = keep_errors
        #: Each group decided with records in error, once (see :attr:`Result.warnings`).
        self.warned: dict[tuple, Phrase] = {}

    @property
    def group_warnings(self) -> list[Phrase]:
        """The warnings about groups decided with records in error (they still count in the
        group's size), each once, as :attr:`Result.warnings` says them."""
        return list(self.warned.values())

    def add(self, batch: pa.RecordBatch, rows_before: int | None = None) -> None:
        start = self.rows if rows_before is None else rows_before
        error = batch.column("error")
        bad = error.null_count != len(error)
        if bad:
            idx = pc.indices_nonzero(pc.is_valid(error)).to_pylist()
            self.failed += len(idx)
            for i in idx[:max(0, self._keep - len(self.errors))]:
                self.errors.append((start + i + 1, error[i].as_py()))
        names = batch.schema.names
        for grade, counter in self.grades.items():
            if grade in names:
                for item in pc.value_counts(batch.column(grade)).to_pylist():
                    if item["values"] is not None:
                        counter[item["values"]] += item["counts"]
        for attr in ("vetoes", "outcomes"):
            flat = pc.list_flatten(batch.column(attr))
            if len(flat):
                for item in pc.value_counts(flat).to_pylist():
                    getattr(self, attr)[item["values"]] += item["counts"]
        self.rows += batch.num_rows

    def __repr__(self) -> str:
        return (f"<Summary {self.ruleset.name}: {self.rows} rows, {self.failed} with errors, "
                f"{self.seconds:.1f} s>")


def _output_fields(in_schema: pa.Schema | None, keep, results: list[pa.Field]
                   ) -> list | None:
    replaced = {f.name for f in results}
    if keep is False or in_schema is None:
        return [] if keep is False else None
    names = in_schema.names if keep is True else list(keep)
    return [in_schema.field(n) for n in names if n not in replaced]


def evaluate_batches(ruleset, batches: Iterable[pa.RecordBatch], *,
                     columns: str | Sequence[str] | None = None,
                     keep: bool | Sequence[str] = True,
                     csv_cells: bool = False, warned: dict | None = None
                     ) -> Iterator[pa.RecordBatch]:
    """Each input batch → one output batch (kept input columns, then the result columns, typed
    as :func:`result_schema`). Without group rules; see :func:`evaluate_dataset` for those.
    ``warned`` collects the warnings of the records' groups (:attr:`Summary.warned`)."""
    fields = result_fields(ruleset, columns)
    replaced = {f.name for f in fields}
    names = [f.name for f in fields if f.name not in RESULT_COLUMNS]
    checked, constants = ruleset.checked, ruleset.constants

    found: dict = {} if warned is None else warned

    def evaluate_many(records):
        for result in ruleset.evaluate_many(records):
            for w in result.warnings if result.error is None else ():
                found.setdefault((w.key, *sorted(w.values.items())), w)
            yield result

    def evaluate(cells: pa.RecordBatch) -> list[pa.Array]:
        return conform(evaluate_table(ruleset.plan, checked, constants,
                                      pa.Table.from_batches([cells]), columns=names,
                                      evaluate_many=evaluate_many), fields)

    for batch in batches:
        spreadsheet.header_names(batch.schema.names, "the source", trailing=True)
        if not csv_cells:
            results = evaluate(batch)
        else:
            batch = _texts(batch, quote=False)
            results = _evaluate_cells(evaluate, checked.groups,
                                      *read_cells(checked, batch))
        if keep is False:
            kept = []
        else:
            kept = [n for n in (batch.schema.names if keep is True else keep)
                    if n not in replaced]
        arrays = [batch.column(n) for n in kept] + results
        yield pa.RecordBatch.from_arrays(arrays, schema=pa.schema(
            [batch.schema.field(n) for n in kept] + fields))


def _evaluate_cells(evaluate: Callable[[pa.RecordBatch], list[pa.Array]], group: bool,
                    typed: pa.RecordBatch, odd: np.ndarray | None, per_row: pa.RecordBatch
                    ) -> list[pa.Array]:
    """A CSV batch's result columns: the rows whose cells are all plain column-wise, the rows
    with an unusual cell per row (each then fails, or is read, on its own), in the input order.
    A group ruleset grades every record per row, among its group: all rows as ``per_row``."""
    if odd is None:
        return evaluate(typed)
    plain = np.flatnonzero(~odd)
    if group or plain.size == 0:
        return evaluate(per_row)
    unusual = np.flatnonzero(odd)
    first = evaluate(typed.take(pa.array(plain)))
    second = evaluate(per_row.take(pa.array(unusual)))
    order = pa.array(np.argsort(np.concatenate([plain, unusual]), kind="stable"))
    return [pa.concat_arrays([a, b]).take(order) for a, b in zip(first, second, strict=True)]


def _key_text(value) -> object:
    """A group key as compared here: text, spaces trimmed (coarser than the evaluator's key, so a
    group is never split)."""
    return None if value is None else str(value).strip()


def _row_keys(batch: pa.RecordBatch, keys: tuple[str, ...]) -> list[tuple]:
    """Each row's common key values, as compared here (a missing column: None)."""
    columns = [[_key_text(k) for k in batch.column(key).to_pylist()]
               if key in batch.schema.names else [None] * batch.num_rows for key in keys]
    return list(zip(*columns, strict=True)) if keys else [()] * batch.num_rows


def _group_chunks(ruleset, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.Table]:
    """Batches cut at group boundaries: every group whole in one chunk; raises ValueError when a
    group's records are not contiguous."""
    names = ruleset.checked.shared_keys
    closed: set = set()
    carry: list[pa.RecordBatch] = []  # the last run of equal keys so far
    carry_key: object = None
    for batch in batches:
        if batch.num_rows == 0:
            continue
        keys = _row_keys(batch, names)
        starts = [0] + [i for i in range(1, len(keys)) if keys[i] != keys[i - 1]]
        for j, s in enumerate(starts):
            k = keys[s]
            if j == 0 and carry and k == carry_key:
                continue  # the run goes on from the last batch
            if j > 0 or carry:
                closed.add(keys[starts[j - 1]] if j > 0 else carry_key)
            if k in closed:
                shown = ", ".join(names)
                raise ValueError(f"the records of group {k!r} ({shown}) are not contiguous: sort "
                                 f"the data by {shown}, or pass a source that can be read twice")
        last = starts[-1]
        if last > 0:
            yield pa.Table.from_batches([*carry, batch.slice(0, last)])
            carry = []
        elif carry and keys[0] != carry_key:
            yield pa.Table.from_batches(carry)
            carry = []
        carry.append(batch.slice(last))
        carry_key = keys[last]
    if carry:
        yield pa.Table.from_batches(carry)


def _clustered(dataset, keys: tuple[str, ...], batch_rows: int) -> bool:
    """Whether every group's records are contiguous (reads the key columns only)."""
    present = [k for k in keys if k in dataset.schema.names]
    if not present:
        return True
    seen: set = set()
    current = object()
    for batch in _batches(dataset, present, batch_rows):
        for k in _row_keys(batch, tuple(present)):
            if k != current:
                if k in seen:
                    return False
                seen.add(k)
                current = k
    return True


def _bucketed(dataset, columns, keys: tuple[str, ...], batch_rows: int, rows: int, tmp: str
              ) -> Iterator[pa.Table]:
    """Write the input to Parquet buckets by a hash of the keys, then yield each bucket whole
    (no keys: one bucket, the whole input)."""
    import pyarrow.parquet as pq

    buckets = max(1, -(-rows // BUCKET_ROWS)) if keys else 1
    writers: dict[int, pq.ParquetWriter] = {}
    paths = {}
    import numpy as np

    for batch in _batches(dataset, columns, batch_rows):
        mixed = np.zeros(batch.num_rows, dtype=np.uint64)
        for key in keys:  # each key's text hashed once per distinct value, mixed per row
            encoded = pc.dictionary_encode(batch.column(key))
            if isinstance(encoded, pa.ChunkedArray):
                encoded = encoded.combine_chunks()
            words = [hash(_key_text(k)) & _MASK for k in encoded.dictionary.to_pylist()]
            index = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            table = np.append(np.array(words, dtype=np.uint64), np.uint64(hash(None) & _MASK))
            mixed = mixed * np.uint64(1_000_003) + table[index]
        bucket = mixed % np.uint64(buckets)
        for b in np.unique(bucket):
            part = batch.filter(pa.array(bucket == b))
            b = int(b)
            if b not in writers:
                paths[b] = os.path.join(tmp, f"bucket-{b}.parquet")
                writers[b] = pq.ParquetWriter(paths[b], batch.schema)
            writers[b].write_batch(part)
    for w in writers.values():
        w.close()
    for b in sorted(paths):
        yield pq.read_table(paths[b])
        os.remove(paths[b])


#: A hash as an unsigned 64-bit word.
_MASK = (1 << 64) - 1


# ---------------------------------------------------------------- sinks

class _FileSink:
    """A .parquet or .csv file written batch by batch (CSV as ``evalrules eval`` writes it)."""

    def __init__(self, path, schema: pa.Schema):
        self.path = Path(path)
        self.csv = self.path.suffix.lower() == ".csv"
        if self.csv:
            self.file = self.path.open("wb")
            self.file.write("\ufeff".encode())  # utf-8-sig, as Excel's CSV UTF-8
            self.schema = pa.schema([pa.field(f.name, pa.string()) if pa.types.is_list(f.type)
                                     else f for f in schema])
            self.header = pa.schema([f.with_name("'" + f.name if spreadsheet.formula_like(f.name)
                                                 else f.name) for f in self.schema])
            self.writer = pa.csv.CSVWriter(self.file, self.header,
                                           write_options=pa.csv.WriteOptions(
                                               quoting_style="needed"))
        elif self.path.suffix.lower() in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            self.writer = pq.ParquetWriter(self.path, schema, compression="zstd")
        else:
            raise ValueError(f"cannot stream to {self.path.name}: use .parquet or .csv")

    def __call__(self, batch: pa.RecordBatch) -> None:
        if self.csv:
            arrays = []
            for f, col in zip(batch.schema, batch.columns, strict=True):
                if pa.types.is_list(f.type):
                    col = pc.binary_join(col, "、")
                if f.name in ("vetoes", "outcomes", "error"):
                    col = col.fill_null("")
                arrays.append(col)
            batch = _texts(pa.RecordBatch.from_arrays(arrays, schema=self.schema), quote=True,
                           schema=self.header)
        self.writer.write_batch(batch)

    def close(self) -> None:
        self.writer.close()
        if self.csv:
            self.file.close()


# ---------------------------------------------------------------- the entry point

def evaluate_dataset(ruleset, source, sink=None, *, columns: str | Sequence[str] | None = None,
                     keep: bool | Sequence[str] = True, batch_rows: int = BATCH_ROWS,
                     format: str | None = None, progress: Progress | bool | None = None
                     ) -> Summary:
    """Stream ``source`` through the ruleset into ``sink``; returns a :class:`Summary`.

    ``source``: a Parquet or CSV path (file or directory), a list of paths, a
    ``pyarrow.dataset.Dataset``, a Table, a ``RecordBatchReader`` or an iterable of record
    batches. ``sink``: a ``.parquet`` or ``.csv`` path, a callable taking each result
    ``RecordBatch``, or None (only the summary). ``keep``: the input columns to carry into the
    output (True: all, False: none, or a list). ``progress``: called after each batch with the
    rows done so far and the rows in all (None where the source cannot tell); None or False: none.
    """
    start = time.perf_counter()
    dataset = open_source(source, format=format)
    csv_cells = isinstance(dataset, ds.FileSystemDataset) and isinstance(dataset.format,
                                                                         ds.CsvFileFormat)
    checked = ruleset.checked
    in_schema = dataset.schema if isinstance(dataset, (ds.Dataset, pa.RecordBatchReader)) \
        else None
    fields = result_fields(ruleset, columns)
    kept = _output_fields(in_schema, keep, fields)
    read_columns = None
    if isinstance(dataset, ds.Dataset):
        wanted = {f.name for f in kept} if kept is not None else set()
        read_columns = [n for n in dataset.schema.names
                        if n in wanted or is_input_column(checked, n)]
    total = None
    if isinstance(dataset, ds.Dataset) and not csv_cells:
        total = dataset.count_rows()
    elif isinstance(source, pa.Table):
        total = source.num_rows
    summary = Summary(ruleset)
    if kept is not None:
        out_schema = pa.schema([*kept, *fields])
    else:
        out_schema = None
    write: Callable | None = None
    file_sink: _LazySink | _FileSink | None = None
    if isinstance(sink, (str, os.PathLike)):
        if out_schema is None:  # a one-pass source: its schema comes with the first batch
            file_sink = _LazySink(sink)
        else:
            file_sink = _FileSink(sink, out_schema)
        write = file_sink
    elif sink is not None:
        write = sink
    tmp, done = None, False
    try:
        batches = _batches(dataset, read_columns, batch_rows)
        keep_names = keep if keep is not True or kept is None else [f.name for f in kept]
        if not checked.groups:
            chunks = batches
        else:
            keys = tuple(k for k in checked.shared_keys if k in dataset.schema.names) \
                if isinstance(dataset, ds.Dataset) else ()
            if isinstance(dataset, ds.Dataset) and not _clustered(dataset, keys, batch_rows):
                tmp = tempfile.TemporaryDirectory(prefix="evalrules-buckets-")
                rows = total if total is not None else dataset.count_rows()
                tables = _bucketed(dataset, read_columns, keys, batch_rows, rows, tmp.name)
            else:
                tables = _group_chunks(ruleset, batches)
            chunks = (b for t in tables for b in [_one_batch(t)])
        for batch in evaluate_batches(ruleset, chunks, columns=columns, keep=keep_names,
                                      csv_cells=csv_cells, warned=summary.warned):
            summary.add(batch)
            if write is not None:
                write(batch)
            if progress:  # True is a TypeError here: what to show is the caller's
                progress(summary.rows, total)  # type: ignore[operator]
        done = True
    finally:
        if file_sink is not None:
            file_sink.close()
            if not done:  # no partial output where a run stopped on an error
                Path(sink).unlink(missing_ok=True)
        if tmp is not None:
            tmp.cleanup()
    summary.seconds = time.perf_counter() - start
    return summary


def _one_batch(table: pa.Table) -> pa.RecordBatch:
    table = table.combine_chunks()
    batches = table.to_batches()
    if len(batches) == 1:
        return batches[0]
    return pa.RecordBatch.from_arrays([c.combine_chunks() if isinstance(c, pa.ChunkedArray)
                                       else c for c in table.columns], schema=table.schema)


class _LazySink:
    """A file sink whose schema is the first batch's."""

    def __init__(self, path):
        self.path, self.sink = path, None

    def __call__(self, batch):
        if self.sink is None:
            self.sink = _FileSink(self.path, batch.schema)
        self.sink(batch)

    def close(self):
        if self.sink is not None:
            self.sink.close()
