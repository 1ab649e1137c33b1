"""A CSV file's cells as a :class:`~evalrules.io.layout.Grid`: every cell as text, each row with its
line in the file.

The text is UTF-8 (with or without a BOM, as Excel's "CSV UTF-8" saves it), else GBK, else
GB18030 (what Excel's plain "CSV" saves on a Chinese Windows): each tried by a strict decoding, so
a file is read in an encoding only when every byte of it is valid there, and a note says which
when it is not UTF-8. ``encoding`` forces one. A file that is none of them is refused with what to
do, never read with replacement characters.

The cells are cut as Python's ``csv`` module cuts them (Excel's dialect; a ``'`` before a cell a
spreadsheet would run is taken off, :func:`unquoted`). A large file whose text has no quote
character and no lone CR, so that every record is one line and both cut it alike, is read by
pyarrow's CSV reader where it is installed; anything pyarrow reads otherwise (rows of different
widths, a cell past the ``csv`` module's limit) falls back to the ``csv`` module.

Imports :mod:`io.common` and :mod:`io.layout`.
"""

from __future__ import annotations

import codecs
import csv
import io
from itertools import zip_longest
from pathlib import Path

from .common import Note, ReadError, unquoted
from .layout import Grid

#: File size from which pyarrow's reader (an import of 0.1-0.3 s) is worth it.
FAST_FROM = 1 << 20


def read_csv(path: Path, encoding: str | None = None, *, fast_from: int = FAST_FROM) -> Grid:
    """The cells of a CSV file (see the module doc); pyarrow reads it when it is ``fast_from``
    bytes or more."""
    data = path.read_bytes()
    text, used = decode(data, path.name, encoding)
    if "\x00" in text:
        raise ReadError("read.nul", name=path.name)
    notes = () if used == "UTF-8" or encoding is not None else (
        Note("read.encoding_used", {"name": path.name, "encoding": used}),)
    found = None
    if len(data) >= fast_from:
        utf8 = data.removeprefix(codecs.BOM_UTF8) if used == "UTF-8" else None
        found = with_arrow(text, utf8)
    columns, rows = found if found is not None else with_csv(text, path.name)
    return Grid(path.name, None, columns, rows, strict=True, notes=notes)


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """A file's text and the encoding it was read in (see the module doc)."""
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ReadError("read.unknown_encoding", encoding=encoding) from None
        try:
            return data.decode("utf-8-sig" if codec == "utf-8" else codec), encoding
        except UnicodeDecodeError as e:
            raise ReadError("read.bad_encoding", name=name, encoding=encoding,
                            line=data.count(b"\n", 0, e.start) + 1) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError("read.utf16", name=name)  # Excel's "Unicode 文本"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as e:
        first = e.start
    if not data.startswith(codecs.BOM_UTF8):
        for codec, label in (("gbk", "GBK"), ("gb18030", "GB18030")):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError:
                pass
    raise ReadError("read.not_text", name=name, line=data.count(b"\n", 0, first) + 1)


def with_csv(text: str, name: str) -> tuple[list[list], list[int]]:
    """The cells column by column (a short row's missing cells None) and each row's line, by
    Python's ``csv`` module; blank lines are no rows."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    lines: list[int] = []
    line = 1  # where the next row starts
    try:
        for cells in reader:
            if cells:
                rows.append(cells)
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error as e:
        if "field limit" in str(e):
            raise ReadError("read.csv_cell_too_long", name=name, line=reader.line_num,
                            limit=f"{csv.field_size_limit():,}") from None
        raise ReadError("read.csv_malformed", name=name, line=reader.line_num,
                        reason=str(e)) from None
    if "'" in text:
        rows = [[unquoted(c) if c[:1] == "'" else c for c in row] for row in rows]
    return [list(c) for c in zip_longest(*rows, fillvalue=None)], lines


def with_arrow(text: str, utf8: bytes | None = None) -> tuple[list[list], list[int]] | None:
    """The same as :func:`with_csv` by pyarrow's reader, or None where the two could differ or
    pyarrow is not installed. ``utf8``: the text's UTF-8 bytes, when the file holds them."""
    if '"' in text or text.count("\r") != text.count("\r\n"):
        return None
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pa_csv
    except ImportError:
        return None
    data = text.encode() if utf8 is None else utf8
    lines = [k for k, line in enumerate(data.split(b"\n"), 1) if line and line != b"\r"]
    if not lines:
        return None
    first = data.split(b"\n", lines[0])[lines[0] - 1]
    names = [f"f{i}" for i in range(first.count(b",") + 1)]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(quote_char=False, escape_char=False,
                                              newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # rows of different widths: the csv module says what it finds
    if table.num_rows != len(lines):
        return None
    limit = csv.field_size_limit()
    columns = []
    for column in table.columns:
        if pc.max(pc.utf8_length(column)).as_py() > limit:
            return None  # the csv module refuses the cell
        values = column.to_pylist()
        if "'" in text and pc.any(pc.starts_with(column, "'")).as_py():
            values = [unquoted(v) if v[:1] == "'" else v for v in values]
        columns.append(values)
    return columns, lines
