"""Hostile and careless data files, on every reader: CSV, XLSX, JSON, JSON Lines and Parquet,
streamed and not. Each gives correct results or a clean error (a :class:`DataError`, exit status 2
and a message naming the file), never a traceback, a hang or a silently different value.

The command runs in a subprocess with a timeout (``run_cli``), so a hang fails the test instead of
the suite; the readers are also called in this process where the exception type matters.
"""

from __future__ import annotations

import csv
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
    try:
        return subprocess.run([sys.executable, "-m", "evalrules", *map(str, argv)],
                              capture_output=True, text=True, timeout=timeout)
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


def test_a_value_beyond_the_header_is_refused_and_blank_ones_are_nothing(tmp_path):
    """A cell to the right of the last named column would be dropped from the output."""
    fine = write_csv(tmp_path / "fine.csv", [["x", "备注", "", ""], ["1", "甲", "", " "]])
    assert list(read_rows(fine)) == [{"x": "1", "备注": "甲"}]  # trailing unnamed, empty
    for path in (write_csv(tmp_path / "more.csv", [["x", "备注"], ["1", "甲"], ["2", "乙", "丙"]]),
                 write_xlsx(tmp_path / "more.xlsx", [["x", "备注"], [1, "甲"], [2, "乙", "丙"]])):
        with pytest.raises(DataError, match="column C holds '丙' but has no name") as e:
            list(read_rows(path))
        assert ("line 3" if path.suffix == ".csv" else "row 3") in str(e.value)


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
        assert rows[1]["error"].endswith("must be true or false, not 'no'")
