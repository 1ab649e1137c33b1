"""Rulesets written to hurt: files that are not rulesets behind ``extends``, chains of ``extends``
too long to follow, text that shows one thing and means another, digits of ``round`` that would
never finish, names that collide with the result columns. Each is refused with a diagnostic that
points at the place, quickly, and without quoting a file that is not a ruleset (issue 11).
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time

import pytest

import evalrules
from evalrules import Diagnostic, RulesetError
from evalrules.resolve import MAX_EXTENDS, MAX_FILE_BYTES

SECRET = "SECRET_TOKEN=hunter2"
BASE = "ruleset 基础\ninput 得分: number\nscore 总分 = 得分\n"


def diagnostics_of(source: str, path) -> tuple[Diagnostic, ...]:
    with pytest.raises(RulesetError) as info:
        evalrules.compile(source, path=path)
    return info.value.diagnostics


def compile_within(seconds: float, source: str, path) -> tuple[Diagnostic, ...]:
    """The diagnostics of compiling ``source``, which must come within ``seconds``: a compile
    that blocks (on a FIFO, a terminal) fails the test instead of hanging the suite."""
    out: list = []

    def run():
        try:
            evalrules.compile(source, path=path)
            out.append(())
        except RulesetError as e:
            out.append(e.diagnostics)
        except BaseException as e:  # reported below
            out.append(e)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"compile still running after {seconds} s"
    (got,) = out
    assert not isinstance(got, BaseException), repr(got)
    return got


def extends(tmp_path, target: str):
    text = f'ruleset 子 extends "{target}"\n'
    return text, tmp_path / "child.rules"


# ---------------------------------------------------------------- #8 extends reads any file


@pytest.mark.parametrize("content", [
    f"root:x:0:0:{SECRET}:/root:/bin/bash\n",  # like /etc/passwd
    f"HOME=/root\0{SECRET}\0PATH=/bin\0",  # like /proc/self/environ: no newline at all
    f"let a = 1\n# {SECRET}\n",  # ruleset-like text without the header
])
def test_extends_of_a_file_that_is_not_a_ruleset_never_shows_its_content(tmp_path, content):
    (tmp_path / "data.txt").write_text(content, encoding="utf-8")
    text, path = extends(tmp_path, "data.txt")
    (d,) = diagnostics_of(text, path)
    assert d.code == "E507" and d.severity == "error"
    assert (d.path, d.line, d.column) == (str(path), 1, text.index('"') + 1)
    assert "not a ruleset" in d.message
    assert SECRET not in str(d) and SECRET not in repr(d) and SECRET not in str(d.to_dict())
    assert d.source_line == text.rstrip("\n")


@pytest.mark.skipif(not os.path.exists("/etc/passwd"), reason="no /etc/passwd")
def test_extends_of_etc_passwd(tmp_path):
    text, path = extends(tmp_path, "/etc/passwd")
    (d,) = diagnostics_of(text, path)
    assert d.code == "E507"
    assert "root:" not in str(d)


@pytest.mark.skipif(not os.path.exists("/proc/self/environ"), reason="no /proc")
def test_extends_of_the_environment_through_a_relative_path(tmp_path):
    text, path = extends(tmp_path, "../" * 40 + "proc/self/environ")
    with pytest.raises(RulesetError) as info:
        evalrules.compile(text, path=path)
    assert "PATH=" not in str(info.value)
    assert [d.code for d in info.value.diagnostics] == ["E507"]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/stdin", "/dev/urandom"])
def test_extends_of_a_device_is_refused_at_once(tmp_path, device):
    text, path = extends(tmp_path, device)
    (d,) = compile_within(10, text, path)
    assert d.code == "E507"
    assert "not a regular file" in d.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_extends_of_a_fifo_does_not_block(tmp_path):
    fifo = tmp_path / "pipe.rules"
    os.mkfifo(fifo)
    text, path = extends(tmp_path, "pipe.rules")
    try:
        (d,) = compile_within(10, text, path)
    finally:  # a reader blocked on the FIFO (the bug) gets end of file and lets go
        writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK) if _has_reader(fifo) else None
        if writer is not None:
            os.close(writer)
    assert d.code == "E507" and "not a regular file" in d.message


def _has_reader(fifo) -> bool:
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        return True
    except OSError:  # ENXIO: nobody has it open for reading
        return False


def test_extends_of_a_directory(tmp_path):
    (tmp_path / "sub").mkdir()
    text, path = extends(tmp_path, "sub")
    (d,) = diagnostics_of(text, path)
    assert d.code in ("E501", "E507")
    assert "sub" in d.message


def test_extends_of_a_huge_file_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.rules"
    with big.open("wb") as f:  # a sparse file: 8 GiB that take no room
        f.write(b"ruleset big\n")
        f.truncate(8 << 30)
    text, path = extends(tmp_path, "big.rules")
    start = time.perf_counter()
    (d,) = diagnostics_of(text, path)
    assert time.perf_counter() - start < 5
    assert d.code == "E508" and "larger than" in d.message


def test_extends_of_a_file_just_over_the_limit(tmp_path):
    body = "ruleset big\ninput a: number\nscore s = a\n"
    (tmp_path / "big.rules").write_text(body + "#" * (MAX_FILE_BYTES - len(body) + 1),
                                        encoding="utf-8")
    text, path = extends(tmp_path, "big.rules")
    (d,) = diagnostics_of(text, path)
    assert d.code == "E508"


def test_extends_of_a_binary_or_non_utf8_file(tmp_path):
    (tmp_path / "bin.rules").write_bytes(b"ruleset b\n\xff\xfe" + SECRET.encode())
    text, path = extends(tmp_path, "bin.rules")
    (d,) = diagnostics_of(text, path)
    assert d.code == "E507" and "UTF-8" in d.message and SECRET not in str(d)


def test_a_ruleset_file_with_comments_and_a_byte_order_mark_before_its_header(tmp_path):
    (tmp_path / "base.rules").write_text("\n# 基础规则\n\n" + BASE, encoding="utf-8-sig")
    text, path = extends(tmp_path, "base.rules")
    assert evalrules.compile(text, path=path).evaluate({"得分": 3})["总分"] == 3


def test_a_chain_of_a_thousand_extends_is_a_diagnostic(tmp_path):
    n = 1000
    (tmp_path / "r0.rules").write_text(BASE.replace("基础", "r0"), encoding="utf-8")
    for i in range(1, n + 1):
        (tmp_path / f"r{i}.rules").write_text(f'ruleset r{i} extends "r{i - 1}.rules"\n',
                                              encoding="utf-8")
    text = (tmp_path / f"r{n}.rules").read_text(encoding="utf-8")
    start = time.perf_counter()
    ds = diagnostics_of(text, tmp_path / f"r{n}.rules")
    assert time.perf_counter() - start < 10
    (d,) = ds
    assert d.code == "E508" and f"{MAX_EXTENDS}" in d.message
    assert len(str(d)) < 2000  # the chain is not listed in full


def test_a_chain_as_deep_as_allowed_compiles(tmp_path):
    (tmp_path / "r0.rules").write_text(BASE.replace("基础", "r0"), encoding="utf-8")
    for i in range(1, MAX_EXTENDS + 1):
        (tmp_path / f"r{i}.rules").write_text(f'ruleset r{i} extends "r{i - 1}.rules"\n',
                                              encoding="utf-8")
    top = tmp_path / f"r{MAX_EXTENDS}.rules"
    assert evalrules.compile(top.read_text(encoding="utf-8"), path=top).evaluate(
        {"得分": 3})["总分"] == 3


def test_a_chain_larger_than_the_limit_together_is_a_diagnostic(tmp_path):
    pad = "#" * (MAX_FILE_BYTES // 3) + "\n"
    (tmp_path / "r0.rules").write_text(BASE.replace("基础", "r0") + pad, encoding="utf-8")
    for i in (1, 2, 3):
        (tmp_path / f"r{i}.rules").write_text(f'ruleset r{i} extends "r{i - 1}.rules"\n'
                                              + pad, encoding="utf-8")
    top = tmp_path / "r3.rules"
    ds = diagnostics_of(top.read_text(encoding="utf-8"), top)
    assert [d.code for d in ds] == ["E508"]


@pytest.mark.parametrize("content", [f"root:x:0:0:{SECRET}\n", f"A=1\0{SECRET}\0"])
def test_load_of_a_file_that_is_not_a_ruleset_never_shows_its_content(tmp_path, content):
    (tmp_path / "data.rules").write_text(content, encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        evalrules.load(tmp_path / "data.rules")
    assert SECRET not in str(info.value)


@pytest.mark.skipif(sys.platform == "win32", reason="no /dev")
def test_load_of_a_device_is_refused_at_once():
    with pytest.raises(RulesetError) as info:
        evalrules.load("/dev/null")
    assert "not a regular file" in str(info.value)


# ---------------------------------------------------------------- #9 Trojan-source text

#: Every character that can make an editor show text in another order than the parser reads it,
#: or start a line the parser does not see: the bidi controls and the Unicode line separators.
INVISIBLE = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING", "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE", "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK", "\u061c": "ARABIC LETTER MARK",
    "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR",
}

TROJAN = """\
ruleset 特洛伊
input 得分: number
input 管理员: bool
# 说明{c}：只对普通干部
score 总分 = 得分
require 得分 >= 0 "得分{c}不能为负"
let 放行 = 管理员 {c}and 得分 > 60
"""


def where(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


@pytest.mark.parametrize("char", sorted(INVISIBLE))
def test_text_direction_characters_are_refused_where_they_stand(char):
    text = TROJAN.replace("{c}", char)
    ds = diagnostics_of(text, "t.rules")
    assert [d.code for d in ds] == ["E108"] * 3  # the comment, the string, the code
    places = [i for i, c in enumerate(text) if c == char]
    for d, index in zip(ds, places, strict=True):
        assert (d.path, d.line, d.column) == ("t.rules", *where(text, index))
        assert (d.span.end_line, d.span.end_column) == (d.line, d.column + 1)
        assert f"U+{ord(char):04X} {INVISIBLE[char]}" in d.message
        assert d.hint
        shown = str(d)
        assert char not in shown  # the terminal never reorders the diagnostic itself
        assert f"\\u{{{ord(char):04x}}}" in shown


def test_the_caret_points_at_the_escaped_character():
    text = 'ruleset r\ntitle "甲\u202e乙"\n'
    (d,) = diagnostics_of(text, "t.rules")
    lines = str(d).splitlines()
    source, caret = lines[2], lines[3]
    assert source == '2 | title "甲\\u{202e}乙"'
    start = caret.index("^")
    assert caret[start:].rstrip() == "^" * len("\\u{202e}")
    assert start == len('2 | title "') + 2  # 甲 takes two columns


def test_a_text_direction_character_in_an_extended_file_points_into_that_file(tmp_path):
    (tmp_path / "base.rules").write_text(BASE + "# \u2067 注释\n", encoding="utf-8")
    text = 'ruleset 子 extends "base.rules"\n'
    (d,) = diagnostics_of(text, tmp_path / "child.rules")
    assert d.code == "E108" and d.path == str(tmp_path / "base.rules")
    assert (d.line, d.column) == (4, 3)


def test_ordinary_unicode_is_still_welcome():
    text = ("ruleset 中文\n# 注释：全角标点、emoji 🙂 和 العربية\n"
            "input 得分: number\nscore s = 得分\n")
    assert evalrules.compile(text).evaluate({"得分": 1})["s"] == 1


def test_a_file_full_of_direction_characters_is_reported_briefly_and_quickly():
    from evalrules.parse_errors import MAX_INVISIBLE_REPORTED

    text = "ruleset r\n" + "# \u202e 注释\n" * 100_000
    start = time.perf_counter()
    ds = diagnostics_of(text, "t.rules")
    assert time.perf_counter() - start < 5
    assert len(ds) == MAX_INVISIBLE_REPORTED
    assert [d.line for d in ds] == list(range(2, 2 + MAX_INVISIBLE_REPORTED))
    assert f"({100_000 - MAX_INVISIBLE_REPORTED} more in this file)" in ds[-1].message


# ---------------------------------------------------------------- #12 digits of round


@pytest.mark.parametrize("source, literal", [
    ("ruleset r\nparam p = round(1, 999999999)\ninput x: number\nlet y = x + p\n", "999999999"),
    ("ruleset r\ninput x: number\nlet y = round(x, 99999999)\n", "99999999"),
    ("ruleset r\ninput x: number\nlet y = round(x, 5000)\n", "5000"),
    ("ruleset r\ninput x: number\nlet y = round(x, -999999999)\n", "-999999999"),
    ("ruleset r\ninput x: number\nlet y = round(x, 101)\n", "101"),
])
def test_digits_of_round_are_bounded_at_compile_time(source, literal):
    start = time.perf_counter()
    ds = compile_within(10, source, "t.rules")
    assert time.perf_counter() - start < 10
    (d,) = ds
    index = source.index(literal)
    assert d.code == "E415" and (d.line, d.column) == where(source, index)
    assert (d.span.end_line, d.span.end_column) == (d.line, d.column + len(literal))
    assert "at most 100" in d.message and literal.lstrip("-") in d.message


@pytest.mark.parametrize("digits", [100, -100, 18])
def test_round_at_its_limit_evaluates_and_writes_back(run, digits):
    from fractions import Fraction

    from evalrules.values import exact_str

    source = f"ruleset r\ninput x: number\nlet y = round(x / 3, {digits})\n"
    rules = evalrules.compile(source)
    x = Fraction(10**11) if digits == 18 else Fraction(10**120 + 7, 10**99)
    want = rules.reference_evaluate({"x": x})
    got = run(rules, {"x": x})
    assert got["y"] == want["y"]
    assert want.to_dict()["values"]["y"] == exact_str(want["y"])
    if digits == 18:
        assert want["y"] == Fraction(33333333333333333333333333333, 10**18)


# ---------------------------------------------------------------- #4b names of result columns

COLLIDING = [
    ("let", "ruleset r\ninput a: number\nlet {n} = a + 1\n"),
    ("score", "ruleset r\ninput a: number\nscore {n} = a\n"),
    ("input", "ruleset r\ninput {n}: number\nscore s = {n}\n"),
    ("ballot", "ruleset r\nballot {n}: 好, 差\nscore s = share({n}: 好)\n"),
    ("sheet", "ruleset r\ninput a: number\nsheet {n} max 10:\n  项 10: = a\n"),
    ("grade", "ruleset r\ninput a: number\nscale 档: 好 > 差\ngrade {n} of 档:\n  好 when a > 1\n"
              "  otherwise 差\n"),
    ("param", "ruleset r\nparam {n} = 1\ninput a: number\nscore s = a + {n}\n"),
    ("veto", "ruleset r\ninput a: number\nscale 档: 好 > 差\ngrade g of 档:\n  好 when a > 1\n"
             "  otherwise 差\nveto {n} when a > 5:\n  lower g by 1\n"),
    ("outcome", "ruleset r\ninput a: number\noutcome {n} when a > 1\n"),
    ("rank", "ruleset r\ninput 单位: text\ninput a: number\ngroup by 单位:\n"
             "  rank {n} by a\n"),
]


@pytest.mark.parametrize("name", ["error", "vetoes", "outcomes"])
@pytest.mark.parametrize("kind, template", COLLIDING, ids=[k for k, _ in COLLIDING])
def test_names_of_the_result_columns_are_reserved(name, kind, template):
    source = template.replace("{n}", name)
    ds = [d for d in diagnostics_of(source, "t.rules") if d.severity == "error"]
    assert [d.code for d in ds] == ["E209"], [str(d) for d in ds]
    (d,) = ds
    line = next(i for i, text in enumerate(source.split("\n"), 1)
                if f" {name}" in text and text.split()[0] in (kind, "rank"))
    assert d.line == line
    assert f"'{name}'" in d.message and "result column" in d.message


def test_the_checker_and_the_tables_reserve_the_same_names():
    from evalrules import columns
    from evalrules.check import model

    assert columns.RESULT_COLUMNS is model.RESULT_COLUMNS


# ---------------------------------------------------------------- the limits, in one place


def test_the_limits_section_states_the_limits_the_code_enforces():
    from pathlib import Path

    from evalrules import parse, values
    from evalrules.check.model import MAX_ROUND_DIGITS
    from evalrules.parse_errors import MAX_INVISIBLE_REPORTED

    doc = (Path(__file__).resolve().parents[1] / "docs" / "language.md").read_text(
        encoding="utf-8")
    limits = doc[doc.index("## Limits\n"):doc.index("## Diagnostic codes\n")]
    rows = {line.split("|")[1].strip(): line for line in limits.splitlines()
            if line.startswith("| ") and not line.startswith("| What")}

    def row(start: str) -> str:
        (found,) = [text for name, text in rows.items() if name.startswith(start)]
        return found

    assert f"{MAX_FILE_BYTES:,} bytes" in row("a ruleset file") and MAX_FILE_BYTES == 1 << 20
    assert f"{MAX_EXTENDS} files" in row("a chain of `extends`")
    assert f"{parse.MAX_DEPTH} levels" in row("nesting")
    assert f"{parse.MAX_DIGITS} characters" in row("a number literal")
    assert f"{MAX_ROUND_DIGITS} either way" in row("the digits of `round")
    assert f"{values.MAX_BITS:,} bits" in row("the largest number")
    assert f"at most {MAX_INVISIBLE_REPORTED} reported" in row("text-direction")
    codes = {c for line in rows.values() for c in re.findall(r"`([ER]\d{3})`", line)}
    from evalrules.diagnostics import CODES, RUNTIME_CODES

    assert codes <= set(CODES) | set(RUNTIME_CODES)
