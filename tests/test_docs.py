"""Every example in README.md and docs/*.md is checked, so the docs cannot drift from the library.

Each fenced block is one test (``docs/FILE.md:LINE``, the line of its opening fence), by kind:

* **ruleset** (an untagged block, or one tagged ``rules``, whose first code line starts with
  ``ruleset``): compiled. ``extends`` resolves from the folder of the bundled file the block cites
  (``— `rulesets/…```), else ``rulesets/fanwen9`` (the docs' examples are its variants); a block
  the page tells you to create (``Create `rulesets/tutorial/team.rules`:``) is written to a
  temporary tree with the page's other files first. Each line of a block citing a bundled file
  must be a line of that file (whitespace aside; a trailing comment may be left out).
* **fragment** (first code line starts with another declaration keyword): each statement is
  spliced into the bundled file the block cites, in place of the statement of the same kind and
  name, and that file is compiled; a fragment citing no file gets a ``CONTEXT`` of declarations.
* **python**: run with the working directory at the repository root (or a temporary tree holding
  what the block reads). ``>>>`` blocks run as doctests; in others an expression statement
  followed by a comment that is a Python value (``x["y"]   # 3``) must equal that value.
  A block that continues an earlier one gets it (and any missing names) from ``SETUP``.
* **shell**: not run; every ``evalrules COMMAND`` (and its ``--options``) must exist.
* **json** and untagged **output** blocks (terminal output, diagnostics, traces): each one is
  either reproduced by a checker in ``OUTPUTS`` or excused there with a reason.

A block that fits none of these, or an example needing context it is not given, fails
``test_every_block_is_covered``; ``EXCUSED`` lists, with a reason each, the few that cannot run.
``RESULTS`` holds the results the prose states for the examples written for the pages.
"""

from __future__ import annotations

import ast as pyast
import builtins
import contextlib
import doctest
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tokenize
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

import evalrules
from evalrules.cli import COMMANDS, main

from conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RULESETS = ROOT / "rulesets"
CITY = RULESETS / "fanwen9" / "team-city.rules"
COUNTY = RULESETS / "fanwen9" / "team-county.rules"
SAMPLE = ROOT / "examples" / "team-city.csv"
#: Where ``extends`` resolves for an example that cites no bundled file.
DEFAULT_FOLDER = RULESETS / "fanwen9"
WORDS = {"scale", "ballot", "input", "param", "let", "score", "require", "sheet", "grade", "veto",
         "outcome", "check", "group", "override"}
ELLIPSIS = "…"


# ---------------------------------------------------------------- reading the docs

@dataclass(frozen=True)
class Block:
    doc: str        # "docs/language.md"
    line: int       # the line of the opening fence, from 1
    lang: str
    text: str       # the body, dedented
    before: str     # the last non-blank line before the fence
    after: str      # the first non-blank line after the closing fence

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"

    @property
    def head(self) -> str:
        """The first line that is not blank or a comment."""
        return next((s.strip() for s in self.text.splitlines()
                     if s.strip() not in ("", ELLIPSIS) and not s.lstrip().startswith("#")), "")

    @property
    def kind(self) -> str:
        if self.lang in ("python", "py", "pycon"):
            return "python"
        # An editor's settings (cli.md: `evalrules lsp`) are checked as commands are: not run,
        # but each `evalrules COMMAND` they start must exist.
        if self.lang in ("sh", "bash", "shell", "console", "lua", "elisp", "vim"):
            return "shell"
        if self.lang == "json":
            return "json"
        if self.lang in ("", "rules", "evalrules"):
            word = self.head.split()[0] if self.head else ""
            if word == "ruleset":
                return "ruleset"
            if word in WORDS or self.lang:
                return "fragment"
            return "output"
        return "unknown"

    @property
    def cites(self) -> list[Path]:
        """The bundled files named in the ``— `rulesets/…` `` line under the block."""
        if not self.after.startswith("—"):
            return []
        return [ROOT / p for p in re.findall(r"`(rulesets/[^`]+\.rules)`", self.after)]

    @property
    def creates(self) -> str | None:
        """The file the page says to create with this block (``Create `PATH`:``)."""
        m = re.search(r"`(rulesets/[^`]+)`\)?:$", self.before)
        return m.group(1) if m else None

    def matches(self, key: tuple[str, str]) -> bool:
        return self.doc == key[0] and key[1] in self.text


FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<lang>[\w+-]*)\s*$")


def read_blocks(path: Path) -> list[Block]:
    doc = path.relative_to(ROOT).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        end = i + 1
        while end < len(lines) and lines[end].strip() != m["fence"]:
            end += 1
        before = next((s.strip() for s in reversed(lines[:i]) if s.strip()), "")
        after = next((s.strip() for s in lines[end + 1:] if s.strip()), "")
        body = textwrap.dedent("\n".join(lines[i + 1:end])) + "\n"
        out.append(Block(doc, i + 1, m["lang"], body, before, after))
        i = end + 1
    return out


BLOCKS = [b for path in DOCS for b in read_blocks(path)]


def of_kind(*kinds: str) -> list:
    return [pytest.param(b, id=b.id) for b in BLOCKS if b.kind in kinds]


def block(doc: str, snippet: str) -> Block:
    """The one block of ``doc`` containing ``snippet``."""
    found = [b for b in BLOCKS if b.matches((doc, snippet))]
    assert len(found) == 1, f"{len(found)} blocks of {doc} contain {snippet!r}"
    return found[0]


def registered(registry: dict, b: Block):
    return next((v for k, v in registry.items() if b.matches(k)), None)


def normal(line: str) -> str:
    return " ".join(line.split())


def elided_match(expected: str, actual: str) -> None:
    """``actual`` is ``expected`` where a line ``…`` stands for any lines."""
    chunks: list[list[str]] = [[]]
    for line in expected.rstrip("\n").splitlines():
        if line.strip() == ELLIPSIS:
            chunks.append([])
        else:
            chunks[-1].append(line.rstrip())
    got = [s.rstrip() for s in actual.rstrip("\n").splitlines()]
    at = 0
    for n, chunk in enumerate(chunks):
        if not chunk:
            continue
        starts = [i for i in range(at, len(got) - len(chunk) + 1)
                  if got[i:i + len(chunk)] == chunk]
        if n == 0:
            starts = starts[:1] if starts[:1] == [0] else []
        if n == len(chunks) - 1:
            starts = [i for i in starts if i + len(chunk) == len(got)]
        assert starts, ("these lines are not in the output (in this place):\n"
                        + "\n".join(chunk) + "\n\noutput:\n" + actual)
        at = starts[0] + len(chunk)


# ---------------------------------------------------------------- rulesets and fragments

def statements(text: str) -> list[list[str]]:
    """Top-level statements, each with its block (comments and blank lines go with the one
    above; the first entry holds what comes before the first statement)."""
    out: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip() and not line[0].isspace() and not line.startswith("#"):
            out.append([])
        out[-1].append(line)
    return out


def code(line: str) -> str:
    """A line without its comment (``#`` outside a string)."""
    quoted = False
    for i, c in enumerate(line):
        if c == '"':
            quoted = not quoted
        elif c == "#" and not quoted:
            return line[:i]
    return line


def statement_key(lines: list[str]) -> tuple:
    words = code(lines[0]).split()
    if words[0] == "override":
        words = words[1:]
    if words[0] in ("require", "check", "group"):
        return (words[0], normal(" ".join(code(s) for s in lines)))
    return (words[0], re.split(r"[\s:：=(（]", " ".join(words[1:]))[0])


#: A rule's trailing citations, which an excerpt may leave out like a comment.
_CITATIONS = re.compile(r'(?:\s+(?:per|chosen)\s+"(?:[^"\\]|\\.)*")+\s*$')


def assert_lines_in(b: Block, files: list[Path]) -> None:
    """The block is taken from the files it cites: each of its lines is in one of them (a line
    shown without its comment, or without its `per "…"`, matches the code of a line)."""
    assert all(f.is_file() for f in files), f"{b.id} cites a missing file: {files}"
    lines = [s for f in files for s in f.read_text(encoding="utf-8").splitlines()]
    known = {normal(s) for s in lines} | {normal(code(s)) for s in lines} | {
        normal(_CITATIONS.sub("", code(s))) for s in lines}
    missing = [s for s in b.text.splitlines()
               if s.strip() and s.strip() != ELLIPSIS and normal(s) not in known]
    assert not missing, f"not in {[f.name for f in files]}: {missing}"


def compile_at(text: str, path: Path) -> evalrules.Ruleset:
    try:
        return evalrules.compile(text, path=path)
    except evalrules.RulesetError as e:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
        pytest.fail(f"does not compile (as {shown}):\n{e}")


def splice(b: Block) -> list[evalrules.Ruleset]:
    """Each statement of the fragment in place of its namesake in the file it cites."""
    files = {f: statements(f.read_text(encoding="utf-8")) for f in b.cites}
    changed = set()
    for stmt in statements(b.text)[1:]:
        key = statement_key(stmt)
        home = next(((f, i) for f, stmts in files.items() for i, s in enumerate(stmts)
                     if i and statement_key(s) == key), None)
        assert home, f"{key} is in none of {[f.name for f in b.cites]}"
        files[home[0]][home[1]] = stmt
        changed.add(home[0])
    return [compile_at("\n".join(s for stmt in files[f] for s in stmt) + "\n", f)
            for f in sorted(changed)]


def doc_tree(doc: str, root: Path) -> Path:
    """The files ``doc`` tells the reader to create, written under ``root``."""
    for b in BLOCKS:
        if b.doc == doc and b.creates:
            (root / b.creates).parent.mkdir(parents=True, exist_ok=True)
            (root / b.creates).write_text(b.text, encoding="utf-8")
    return root


def compiled(b: Block, tmp_path: Path) -> list[evalrules.Ruleset]:
    """The block compiled as the docs present it."""
    if b.kind == "fragment":
        if b.cites:
            return splice(b)
        context = registered(CONTEXT, b)
        assert context is not None, (
            f"{b.id}: a fragment that cites no bundled file needs a CONTEXT entry")
        return [compile_at(f"ruleset 示例\n{context}\n{b.text}", ROOT / "docs" / "示例.rules")]
    if b.creates:
        path = doc_tree(b.doc, tmp_path) / b.creates
        return [compile_at(b.text, path)]
    m = re.search(r'extends\s+"([^"]+)"', b.text)
    folders = [b.cites[0].parent] if b.cites else [DEFAULT_FOLDER, ROOT]
    folder = next((f for f in folders if m is None or (f / m[1]).is_file()), folders[0])
    return [compile_at(b.text, folder / f"{Path(b.doc).stem}-{b.line}.rules")]


#: Declarations a fragment that cites no bundled file needs (keyed by doc and a snippet).
CONTEXT = {
    ("docs/language.md", "group by 单位:"): textwrap.dedent("""\
        scale 干部等次: 优秀 > 称职 > 基本称职 > 不称职
        ballot 群众测评: 好, 一般, 差
        input 综合得分: number in 0..100
        grade 干部等次:
          优秀 when 综合得分 >= 90
          otherwise 称职
        """),
    ("docs/language.md", "lowest 10% rounded up at most 基本称职"): textwrap.dedent("""\
        scale 等次: 优秀 > 称职 > 基本称职 > 不称职
        input 机关: text
        input 综合得分: number in 0..100
        input 在编: bool
        input 经审核同意: bool
        input 优秀控制数: integer in 0..100
        grade 年度等次 of 等次:
          优秀 when 综合得分 >= 90
          称职 when 综合得分 >= 60
          otherwise 基本称职
        """),
}

#: Blocks that are not run, each with the reason (the lines of a cited excerpt are still checked).
EXCUSED = {
    ("docs/language.md", "sheet 节水工作 max 100:"):
        "an excerpt of rulesets/fanwen6/team.rules (`…` elides items, so the points cannot add "
        "up); its lines are checked to be in that file",
    ("docs/cluster.md", "from pyspark.sql import SparkSession"):
        "needs a Spark session and an HDFS cluster (hdfs:///考核/2025); tests/test_spark.py "
        "runs evalrules.spark.evaluate on a local session",
}


def results_of(rs: evalrules.Ruleset, cases: list) -> None:
    for record, want in cases:
        if isinstance(want, str):
            with pytest.raises(evalrules.InputError) as e:
                rs.evaluate(record)
            assert str(e.value) == want
            continue
        result = rs.evaluate(record)
        for name, value in want.items():
            got = result.outcomes if name == "outcomes" else result[name]
            assert got == value, f"{record}: {name} is {got}, the page says {value}"


#: What the prose says about the examples written for the pages: (record, {name: value}) or
#: (record, the InputError message).
RESULTS = {
    ("docs/language.md", "ruleset 对口部门评分"): [
        ({"全市排名": 1}, {"对口部门得分": 100}), ({"全市排名": 3}, {"对口部门得分": 95}),
        ({"全市排名": 4}, {"对口部门得分": 80})],
    ("docs/language.md", "ruleset 档次比较"): [
        ({"上年": "称职", "得分": 95}, {"今年": "优秀", "outcomes": ("进步", "非不称职")})],
    ("docs/language.md", "ruleset 类别"): [
        ({"单位类别": kind, "得分": score}, {"等次": grade})
        for kind, score, grade in (("街道", 95, "优秀"), ("部门", 95, "合格"),
                                   ("街道", 50, "不合格"), ("部门", 50, "合格"))],
    ("docs/language.md", "ruleset 部门工作实绩"): [
        ({"目标完成率": "90%", "综合评议得分": 110, "督查不到位次数": n},
         {"工作实绩.目标考核": 54, "工作实绩.综合评议": 40, "工作实绩.督查扣分": -2 * n,
          "工作实绩": total})
        for n, total in ((0, 94), (3, 88), (60, 0))],
    ("docs/language.md", "ruleset 档次示例"): [
        ({"得分": 85, "好": True, "强": True, "实": False},
         {"档次": "称职", "最高档次": "称职", "定性档次": "称职"}),
        ({"得分": 85, "好": True, "强": False, "实": False}, {"定性档次": "基本称职"}),
        ({"得分": 95, "好": True, "强": True, "实": True},
         "grade 档次: the rules for 优秀 and 称职 both match, and the table is (unique)")],
    ("docs/language.md", "ruleset 否决示例"): [
        ({"得分": 70, "受表彰": True}, {"档次": "优秀"}),
        ({"得分": 50, "援派干部": True}, {"档次": "称职"}),
        ({"得分": 95, "受开除留党察看处分": True}, {"档次": "不称职"})],
    ("docs/language.md", "ruleset 不定等次示例"): [
        ({"得分": 95, "试用期": True, "往年等次": []}, {"年度等次": "不定等次", "称职以上": False}),
        ({"得分": 95, "试用期": True, "受警告处分": True, "往年等次": []},
         {"年度等次": "不定等次"}),
        ({"得分": 50, "病事假天数": 200, "往年等次": []}, {"年度等次": "不定等次"}),
        ({"得分": 95, "往年等次": "优秀、不定等次、优秀"}, {"年度等次": "优秀", "连续优秀": 1})],
    ("docs/language.md", "ruleset 县管干部年度考核（试行）"): [
        ({"德分": 90, "能分": 80, "勤分": 85, "绩分": 95, "廉分": 100},
         {"综合得分": Fraction(181, 2)})],
    ("docs/language.md", "ruleset 标签取值"): [
        ({"分": 95, "受处分": False}, {"档": "优秀", "处分档": "称职", "outcomes": ("可评优",)}),
        ({"分": 95, "受处分": True}, {"处分档": "基本称职", "outcomes": ()})],
    ("docs/tutorial.md", "ruleset 干部年度考核（试行）"): [
        ({"德分": 90, "能分": 80, "勤分": 85, "绩分": 95, "廉分": 100},
         {"综合得分": Fraction(181, 2), "档": "优秀"})],
}

#: Warnings the prose says an example compiles with.
WARNINGS = {
    ("docs/language.md", "ruleset 某县领导班子年度考核"):
        ["W601: input '存在突出问题' is never used"],
}


@pytest.mark.parametrize("b", of_kind("ruleset", "fragment"))
def test_ruleset_example_compiles(b: Block, tmp_path, monkeypatch):
    if b.cites:
        assert_lines_in(b, b.cites)
    if (reason := registered(EXCUSED, b)) is not None:
        pytest.skip(reason)
    if (checker := registered(OUTPUTS, b)) is not None:
        monkeypatch.chdir(ROOT)  # checkers may chdir; monkeypatch restores it
        checker(b, tmp_path)
        return
    assert ELLIPSIS not in b.text, f"{b.id} elides lines: give it a checker or an excuse"
    rulesets = compiled(b, tmp_path)
    if (cases := registered(RESULTS, b)) is not None:
        results_of(rulesets[0], cases)
    warnings = [f"{w.code}: {w.message}" for rs in rulesets for w in rs.warnings]
    assert warnings == (registered(WARNINGS, b) or [])


# ---------------------------------------------------------------- Python

@contextlib.contextmanager
def python_cwd(where: str, tmp_path: Path, monkeypatch):
    """``root``: the repository; ``tutorial``: the files tutorial.md creates; ``data``: a tree
    with ``rulesets/`` and the sample as ``2025年度.parquet``."""
    if where == "tutorial":
        monkeypatch.chdir(doc_tree("docs/tutorial.md", tmp_path))
    elif where == "data":
        pq = pytest.importorskip("pyarrow.parquet")
        pa = pytest.importorskip("pyarrow")
        rows = [{k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in r.items()}
                for r in sample_records()]  # vote counts as integers, as in a real file
        pq.write_table(pa.Table.from_pylist(rows), tmp_path / "2025年度.parquet")
        (tmp_path / "rulesets").symlink_to(RULESETS)
        monkeypatch.chdir(tmp_path)
    else:
        monkeypatch.chdir(ROOT)
    yield


def value_comments(text: str) -> dict[int, object]:
    """Line → the value its trailing comment states, for comments that are Python values."""
    out = {}
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT:
            try:
                out[tok.start[0]] = eval(tok.string[1:].strip(),
                                         {"__builtins__": {}, "Fraction": Fraction})
            except Exception:  # prose, not a value
                continue
    return out


def run_python(b: Block, namespace: dict) -> int:
    """Runs the block in ``namespace``; returns how many stated values it checked."""
    if ">>>" in b.text:
        test = doctest.DocTestParser().get_doctest(b.text, namespace, b.id, b.doc, b.line)
        out = io.StringIO()
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test, out=out.write, clear_globs=False)
        assert runner.failures == 0, out.getvalue()
        return len(test.examples)
    stated = value_comments(b.text)
    checked = 0
    for stmt in pyast.parse(b.text).body:
        if isinstance(stmt, pyast.Expr) and stmt.end_lineno in stated:
            got = eval(compile(pyast.Expression(stmt.value), b.id, "eval"), namespace)
            want = stated[stmt.end_lineno]
            assert got == want, f"line {stmt.lineno}: {got!r}, the page says {want!r}"
            checked += 1
        else:
            exec(compile(pyast.Module([stmt], []), b.id, "exec"), namespace)
    return checked


#: Blocks that continue earlier ones: (the earlier blocks of the same page, by snippet; code
#: for names the page leaves to the reader; the working directory).
SETUP = {
    ("docs/api.md", 'files = {"base.rules"'): ([], "import evalrules", "root"),
    ("docs/api.md", 'grade_of = rules.function("班子等次")'):
        (["rules = evalrules.load"], "records = [record] * 3", "root"),
    ("docs/api.md", '>>> rules.inputs["存在突出问题"]'): (["rules = evalrules.load"], "", "root"),
    ("docs/api.md", "stricter = rules.with_params"): (["rules = evalrules.load"], "", "root"),
    ("docs/api.md", '>>> result["班子等次"]'): (["rules = evalrules.load"], "", "root"),
    ("docs/changing-a-rule-safely.md", "assert_changes_only(old, new"):
        ([], "import evalrules\n"
             "old = evalrules.load('rulesets/fanwen9/team-city.rules')\n"
             "new = evalrules.load('rulesets/fanwen9/team-county.rules')", "root"),
    ("docs/cluster.md", "summary = rules.evaluate_dataset"): ([], "", "data"),
    ("docs/tutorial.md", "import evalrules\nrules ="): ([], "", "tutorial"),
    ("docs/tutorial.md", "city = evalrules.load"): ([], "import evalrules", "tutorial"),
    ("docs/tutorial.md", "import evalrules\n\ncounty ="): ([], "", "tutorial"),
}
#: What a block prints: the text, or the snippet of the output block under it.
PRINTS = {
    ("docs/api.md", "print(e.field, e)"): "一般 1/5 () ('集体谈话限期改进',)\n",
    ("docs/cluster.md", "summary = rules.evaluate_dataset"):  # user-guide.md's counts
        "300 0 Counter({'较好': 160, '较差': 75, '一般': 53, '优秀': 12})\n",
    ("docs/tutorial.md", "import evalrules\nrules ="):
        ("docs/tutorial.md", "（市直单位）\n班子等次"),
}


@pytest.mark.parametrize("b", of_kind("python"))
def test_python_example_runs(b: Block, tmp_path, monkeypatch, capsys):
    if (reason := registered(EXCUSED, b)) is not None:
        pytest.skip(reason)
    earlier, extra, where = registered(SETUP, b) or ([], "", "root")
    namespace: dict = {"__name__": "__docs__"}
    with python_cwd(where, tmp_path, monkeypatch):
        for snippet in earlier:
            run_python(block(b.doc, snippet), namespace)
        exec(extra, namespace)
        capsys.readouterr()
        run_python(b, namespace)
    printed = capsys.readouterr().out
    if (want := registered(PRINTS, b)) is not None:
        if isinstance(want, tuple):
            elided_match(block(*want).text, printed)
        else:
            assert printed == want


# ---------------------------------------------------------------- shell

COMMAND = re.compile(r"(?:^|[\s`(])(?:python -m )?evalrules +([a-z][\w-]*)((?: +[^\s`#]+)*)")


def commands_in(text: str) -> list[tuple[str, list[str]]]:
    return [(m[1], re.findall(r"(?<!\S)(--[a-z][\w-]*)", m[2])) for m in COMMAND.finditer(text)]


@pytest.fixture(scope="module")
def options() -> dict[str, str]:
    """Each command's --help."""
    out = {}
    for name in COMMANDS:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), pytest.raises(SystemExit):
            main([name, "--help"])
        out[name] = buf.getvalue()
    return out


def shell_texts() -> list:
    """Shell blocks, ``$`` lines of terminal sessions, and inline code spans of each doc."""
    out = [pytest.param(re.sub(r"(^|\s)#.*", "", b.text, flags=re.M), id=b.id)
           for b in BLOCKS if b.kind == "shell"]
    out += [pytest.param("\n".join(s[2:] for s in b.text.splitlines() if s.startswith("$ ")),
                         id=b.id) for b in BLOCKS if b.kind == "output" and "$ " in b.text]
    for path in DOCS:
        text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
        spans = "\n".join(re.findall(r"`(evalrules [^`]+|python -m evalrules [^`]+)`", text))
        out.append(pytest.param(spans, id=f"{path.relative_to(ROOT).as_posix()}:inline"))
    return out


@pytest.mark.parametrize("text", shell_texts())
def test_shell_commands_exist(text: str, options):
    for command, opts in commands_in(text):
        assert command in COMMANDS, f"evalrules {command}: not a command ({COMMANDS})"
        unknown = [o for o in opts
                   if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", options[command])]
        assert not unknown, f"evalrules {command} has no option {unknown}"


# ---------------------------------------------------------------- outputs and JSON

def sample_records() -> list[dict]:
    """examples/team-city.csv read as `evalrules eval` reads it (是/否, BALLOT.CATEGORY)."""
    from evalrules.columns import input_columns
    from evalrules.io import read_rows, record_of
    columns = input_columns(evalrules.load(CITY).checked)
    return [record_of(row, columns) for row in read_rows(SAMPLE)]


def city_record(**changes) -> dict:
    record = {"考核目标完成": "一般", "班子状况": "团结协调", "干部精神状态好": True,
              "班子测评": {"优秀": 4, "较好": 4, "一般": 2, "较差": 0},
              "正职测评": {"优秀": 6, "称职": 3, "基本称职": 1, "不称职": 0}}
    return {**record, **changes}


def run_cli(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = main(argv)
    return status, out.getvalue()


def tutorial_rules(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """The tutorial's team.rules under ``tmp_path``, with line ``old`` replaced by ``new``."""
    path = doc_tree("docs/tutorial.md", tmp_path) / "rulesets/tutorial/team.rules"
    text = path.read_text(encoding="utf-8")
    if old:
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    return path


MISTYPED = ("班子差评率 >= 一般线", "班子差评率 >= 一般限")
NO_OTHERWISE = ("  otherwise 较好", "")


def check_session(b: Block, tmp_path: Path) -> None:
    """``$ python -m evalrules check …`` in the tutorial: the page's mistake, then the output."""
    mistake = MISTYPED if "error" in b.text else ("", "")
    tutorial_rules(tmp_path, *mistake)
    os.chdir(tmp_path)
    command, *shown = b.text.splitlines()
    status, out = run_cli(command.split()[4:])
    assert status == (1 if mistake[0] else 0)
    assert out.rstrip("\n").splitlines() == shown


def diagnostic(mistake: tuple[str, str]) -> Callable[[Block, Path], None]:
    def check(b: Block, tmp_path: Path) -> None:
        os.chdir(tmp_path)
        path = tutorial_rules(tmp_path, *mistake).relative_to(tmp_path)
        with pytest.raises(evalrules.RulesetError) as e:
            evalrules.load(path)
        assert str(e.value.diagnostics[0]).splitlines() == b.text.rstrip("\n").splitlines()
    return check


def demo_diagnostic(b: Block, tmp_path: Path) -> None:
    with pytest.raises(evalrules.RulesetError) as e:
        evalrules.compile("ruleset demo\nlet a = x\n", path="demo.rules")
    assert str(e.value.diagnostics[0]).splitlines() == b.text.rstrip("\n").splitlines()


def exceptions_tree(b: Block, tmp_path: Path) -> None:
    root, *lines = b.text.splitlines()
    base = getattr(evalrules, root.split()[0])
    for line in lines:
        name = line.lstrip("├└─ ").split()[0]
        cls = getattr(evalrules, name)
        assert issubclass(cls, base), name
        for also in re.findall(r"also (\w+)", line):
            assert issubclass(cls, getattr(builtins, also)), (name, also)


def county_explanation(b: Block, tmp_path: Path) -> None:
    result = evalrules.load(COUNTY).evaluate(city_record())
    elided_match(b.text, result.explain())


def county_trace_rule(b: Block, tmp_path: Path) -> None:
    trace = evalrules.load(COUNTY).evaluate(city_record()).trace()
    rules = [r for g in trace["grades"] for r in g["rules"]]
    assert json.loads(b.text) in rules


def trace_layout(b: Block, tmp_path: Path) -> None:
    trace = evalrules.load(COUNTY).evaluate(city_record()).trace()
    shown = dict(re.findall(r'^ "(\w+)": (.*?),?$', b.text, flags=re.M))
    assert set(shown) == set(trace)
    assert json.loads(shown["version"]) == trace["version"]
    assert json.loads(shown["ruleset"]) == trace["ruleset"]
    for part, name in (("vetoes", "veto"), ("outcomes", "outcome")):
        entry = json.loads(re.sub(r"\bCONDITION\b", "null", shown[part].split("}, …")[0] + "}")
                           .lstrip("[ "))
        real = trace[part][0]
        assert set(entry) == set(real) and entry[name] == real[name], part


def tutorial_cases(b: Block, tmp_path: Path) -> None:
    from evalrules.testing.cases import load_cases, run_case
    os.chdir(doc_tree("docs/tutorial.md", tmp_path))
    rules, cases = load_cases(Path(b.creates))
    ruleset = evalrules.load(rules)
    assert cases
    for case in cases:
        assert run_case(ruleset, case)[0] == [], case.name


def sample_summary(b: Block, tmp_path: Path) -> None:
    """The eval summary of the sample (examples/team-city.csv, the sheet the guide uses)."""
    ruleset = evalrules.load(CITY)
    results = list(ruleset.evaluate_many(sample_records()))
    counts = Counter(r["班子等次"] for r in results if r.error is None)
    counts.update(v for r in results for v in r.vetoes)
    counts.update(o for r in results for o in r.outcomes)
    head = b.text.splitlines()[0]
    n = len(results)
    failed = sum(r.error is not None for r in results)
    assert head == f"{ruleset.title}: {n} records, {n - failed} graded, {failed} with errors"
    shown = dict(re.findall(r"^ +(\S+) +(\d+)(?: +[\d.]+%)?$", b.text, flags=re.M))
    assert {k: int(v) for k, v in shown.items()} == dict(counts)


def row_error(b: Block, tmp_path: Path) -> None:
    """The guide's typo (团结协做) on the second record: row 3 of the file."""
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()[:3]
    lines[2] = lines[2].replace("团结协调", "团结协做")
    (tmp_path / "数据.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out = run_cli(["eval", str(CITY), str(tmp_path / "数据.csv")])
    assert status == 1
    shown = b.text.rstrip("\n").splitlines()
    got = out.splitlines()
    assert shown[0] in got
    assert got[got.index(shown[0]) + 1:][:len(shown) - 1] == shown[1:]


def sample_explanation(b: Block, tmp_path: Path) -> None:
    """``evalrules explain … --row 6`` on the sample: T0005, under the header on row 1."""
    status, out = run_cli(["explain", str(CITY), str(SAMPLE), "--row", "6"])
    assert status == 0
    elided_match(b.text, out)


def init_output(b: Block, tmp_path: Path) -> None:
    """The file ``evalrules init 某县领导班子年度考核 --extends …`` writes."""
    shutil.copytree(RULESETS / "fanwen9", tmp_path / "rulesets" / "fanwen9")
    os.chdir(tmp_path)
    status, out = run_cli(["init", "某县领导班子年度考核", "--extends",
                           "rulesets/fanwen9/team-county.rules"])
    assert status == 0, out
    written = tmp_path / "某县领导班子年度考核.rules"
    elided_match(b.text, written.read_text(encoding="utf-8"))
    evalrules.load(written.name)


def diff_output(b: Block, tmp_path: Path) -> None:
    """市直 → 县区: the kinds of change the page lists, as the search prints each (count 1),
    found on the sample as step 3 counts them."""
    from evalrules.commands.diff import transition_line
    from evalrules.compare import compare
    from evalrules.io import read_sheet
    city, county = evalrules.load(CITY), evalrules.load(COUNTY)
    d = compare(city, county, read_sheet(SAMPLE))
    shown = {code(s).strip() for s in b.text.splitlines()}
    assert shown == {transition_line(k, 1, city.name, county.name, "zh").strip()
                     for k in d.transitions}
    assert d.transitions == {("班子等次", "较好", "一般"): 6, ("班子等次", "一般", "较差"): 3,
                             ("物质奖励", True, False): 6, ("集体谈话限期改进", False, True): 6}
    assert len(d.changed) == 9


def diff_on_data(b: Block, tmp_path: Path) -> None:
    """``evalrules diff … --data examples/team-city.csv``: the summary and the list."""
    status, out = run_cli(["diff", str(CITY), str(COUNTY), "--data", str(SAMPLE)])
    assert status == 1
    elided_match(b.text, out)


def verify_transcript(b: Block, tmp_path: Path) -> None:
    """``evalrules verify`` on the >=→<= mutant: every line but the counterexample's (which
    smallest record the solver picks may vary) is the output's, the seconds aside; the page's
    cases are real: each gives what it expects, and its grades are the ones the page says."""
    from evalrules.testing.cases import Case, run_case
    command, *shown = b.text.rstrip("\n").splitlines()
    status, out = run_cli(command.split()[2:])
    assert status == 1

    def fixed(lines: list[str]) -> list[str]:
        return [re.sub(r"（[\d.]+ 秒）", "（… 秒）", line) for line in lines
                if not line.lstrip().startswith(("{", "反例说明"))]

    assert fixed(out.rstrip("\n").splitlines()) == fixed(shown)
    mutant = evalrules.load(ROOT / "tests/mutants/ge-to-le.rules")
    cases = [json.loads(line.strip().rstrip(",")) for line in shown
             if line.lstrip().startswith("{")]
    for c in cases:
        case = Case(c["name"], c["input"], c["expect"], c["vetoes"], c["outcomes"])
        assert run_case(mutant, case)[0] == [], c["name"]
    before, after = (c["expect"]["班子等次"] for c in cases)
    assert f"由 {before} 降为 {after}" in next(line for line in shown if "反例说明" in line)


def verify_unknown(b: Block, tmp_path: Path) -> None:
    """How an unknown answer reads: a timed-out `check always`, rendered."""
    from evalrules.prove import render
    from evalrules.prove.report import Kind, Obligation, Report, Severity
    from evalrules.prove.solve import Status
    asked = Obligation(Kind.CHECK, "check always 实绩考核总分 <= 100", Status.UNKNOWN,
                       Severity.ERROR, reason="timeout")
    out = render.text(Report("r", None, (asked,)), "zh", timeout=10).splitlines()
    shown = b.text.rstrip("\n").splitlines()  # the page's block is dedented
    assert [line.strip() for line in out[-len(shown):]] == [line.strip() for line in shown]


def diff_prove_output(b: Block, tmp_path: Path) -> None:
    """``evalrules diff … --prove``: the head, the first transition and its regions."""
    pytest.importorskip("z3")
    status, out = run_cli(["diff", str(CITY), str(COUNTY), "--prove"])
    assert status == 1
    elided_match(b.text, out)


def diff_prove_output_en(b: Block, tmp_path: Path) -> None:
    """``evalrules diff … --prove --lang en``: the head, the first transition and its regions."""
    pytest.importorskip("z3")
    status, out = run_cli(["diff", str(CITY), str(COUNTY), "--prove", "--lang", "en"])
    assert status == 1
    elided_match(b.text, out)


#: Output, JSON and elided blocks: a checker that reproduces the block, or why it is not run.
OUTPUTS: dict[tuple[str, str], Callable[[Block, Path], None] | str] = {
    ("docs/architecture.md", "parse.py"): "a diagram of the stages and modules, not code",
    ("docs/api.md", "├── RulesetError"): exceptions_tree,
    ("docs/api.md", "demo.rules:2:9"): demo_diagnostic,
    ("docs/api.md", "取成立规则中最低的档次"): county_explanation,
    ("docs/api.md", '"version": 1'): trace_layout,
    ("docs/api.md", '{"label": "一般", "matched": true'): county_trace_rule,
    ("docs/language.md", "error[E201]"): diagnostic(MISTYPED),
    ("docs/tutorial.md", "team.rules: ok"): check_session,
    ("docs/tutorial.md", "$ python -m evalrules check rulesets/tutorial/team.rules\n"
                         "rulesets/tutorial/team.rules:36"): check_session,
    ("docs/tutorial.md", "error[E404]"): diagnostic(NO_OTHERWISE),
    ("docs/tutorial.md", '"ruleset": "team.rules"'): tutorial_cases,
    ("docs/tutorial.md", '"ruleset": "team-county.rules"'): tutorial_cases,
    ("docs/tutorial.md", "$ python -m pytest -k tutorial"):
        "runs the suite on the reader's files; test_docs runs the tutorial's cases files instead",
    ("docs/tutorial.md", "AssertionError: 班子等次"):
        "pytest's report of a hypothetical wrong expectation (tests/test_cases.py words it)",
    ("docs/tutorial.md", "（市直单位）\n班子等次"):
        "the output of the Python block above it: checked there (PRINTS)",
    ("docs/user-guide.md", "300 records, 300 graded"): sample_summary,
    ("docs/user-guide.md", "无法评定的行"): row_error,
    ("docs/user-guide.md", "第 6 行（编号 T0005"): sample_explanation,
    ("docs/user-guide.md", 'extends "rulesets/fanwen9/team-county.rules"'): init_output,
    ("docs/changing-a-rule-safely.md", "班子等次 较好 → 一般：1"): diff_output,
    ("docs/changing-a-rule-safely.md", "共 300 条记录，9 条不同"): diff_on_data,
    ("docs/cli.md", "$ evalrules verify tests/mutants/ge-to-le.rules"): verify_transcript,
    ("docs/cli.md", "错误（未知）"): verify_unknown,
    ("docs/changing-a-rule-safely.md", "已证明不同：4 种变化"): diff_prove_output,
    ("docs/verify.md", "proved different, kinds of change: 4"): diff_prove_output_en,
}


@pytest.mark.parametrize("b", of_kind("output", "json"))
def test_output_example_is_reproduced(b: Block, tmp_path, monkeypatch):
    checker = registered(OUTPUTS, b)
    assert checker is not None, f"{b.id}: add a checker (or a reason) to OUTPUTS"
    if isinstance(checker, str):
        pytest.skip(checker)
    monkeypatch.chdir(ROOT)  # checkers may chdir; monkeypatch restores it
    checker(b, tmp_path)


@pytest.mark.parametrize(("mistake", "code_", "hint"), [
    (("override param 一般线", "param 一般线"), "E503", None),
    (("override param 一般线", "override param 一般限"), "E504", "did you mean '一般线'?"),
])
def test_tutorial_variant_mistakes_give_the_stated_codes(tmp_path, mistake, code_, hint):
    """Tutorial §7: the county variant without `override`, and with the param misspelt."""
    variant = doc_tree("docs/tutorial.md", tmp_path) / "rulesets/tutorial/team-county.rules"
    text = variant.read_text(encoding="utf-8").replace(*mistake)
    with pytest.raises(evalrules.RulesetError) as e:
        evalrules.compile(text, path=variant)
    assert [d.code for d in e.value.errors] == [code_]
    assert hint is None or e.value.errors[0].hint == hint


# ---------------------------------------------------------------- language.md's function table

FUNCTION_EXAMPLES = re.findall(
    r"`((?:min|max|clamp|round|floor|ceil|abs)\([-\d., ]+\))` → (−?[\d.]+)",
    (ROOT / "docs" / "language.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("expr", "value"), FUNCTION_EXAMPLES)
def test_function_table_examples(expr, value):
    result = evalrules.compile(f"ruleset 示例\nlet v = {expr}\n").evaluate({})
    assert result["v"] == Fraction(value.replace("−", "-"))


def test_function_table_has_examples():
    assert len(FUNCTION_EXAMPLES) >= 10


# ---------------------------------------------------------------- coverage of the docs

def test_every_block_is_covered():
    """Each block has a kind this file runs, and every entry of the registries names one."""
    kinds = Counter(b.kind for b in BLOCKS)
    assert not kinds["unknown"], [b.id for b in BLOCKS if b.kind == "unknown"]
    assert kinds["ruleset"] and kinds["fragment"] and kinds["python"] and kinds["shell"]
    for registry in (CONTEXT, EXCUSED, RESULTS, WARNINGS, SETUP, PRINTS, OUTPUTS):
        for key in registry:
            found = [b.id for b in BLOCKS if b.matches(key)]
            assert len(found) == 1, f"{key} matches {found or 'no block'}"
    for b in BLOCKS:
        if b.kind == "fragment" and not b.cites:
            assert registered(CONTEXT, b) or registered(EXCUSED, b), b.id
        if b.kind in ("output", "json"):
            assert registered(OUTPUTS, b) is not None, b.id
        if ELLIPSIS in b.text and b.kind in ("ruleset", "fragment"):
            assert registered(EXCUSED, b) or registered(OUTPUTS, b), b.id


def test_testing_names_are_the_documented_functions_in_any_import_order():
    """testing.md: `diff(old, new, …)` is a function of evalrules.testing, whatever was
    imported from it before."""
    script = ("from evalrules.testing import assert_changes_only\n"
              "from evalrules.testing import diff\n"
              "assert callable(diff), diff\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode == 0, run.stderr
