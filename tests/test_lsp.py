"""The editor's help: :mod:`evalrules.analysis` on the bundled 范文9 rulesets (expected values
read off the ruleset files and the regulation they cite), and ``evalrules lsp`` driven over a real
JSON-RPC exchange with the server in a subprocess."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import evalrules
from evalrules import analysis

ROOT = Path(__file__).resolve().parent.parent
COUNTY = ROOT / "rulesets" / "fanwen9" / "team-county.rules"
CITY = ROOT / "rulesets" / "fanwen9" / "team-city.rules"


def county() -> str:
    return COUNTY.read_text(encoding="utf-8")


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """(line, column) of the middle of the ``nth`` line holding ``needle``, 0-based."""
    lines = [(i, line) for i, line in enumerate(text.split("\n")) if needle in line]
    i, line = lines[nth]
    return i, line.index(needle) + len(needle) // 2


def line_of(path: Path, prefix: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"))
                if line.startswith(prefix))


# ---------------------------------------------------------------- analysis


def test_hover_on_an_overridden_param_shows_the_county_line_and_its_article():
    text = county()
    line, col = at(text, "一般线")
    shown = analysis.hover(text, str(COUNTY), line, col, "en")
    assert shown is not None
    # 第二十二条（二）3: "县区领导班子民主测评一般、较差得票率之和在20%以上"
    assert "param 一般线 = 20%" in shown
    assert "Per: 第二十二条（二）3" in shown
    # The city's line it replaces (第二十二条（二）3: 市直 30%), named with its place.
    city_line = line_of(CITY, "param 一般线") + 1
    assert f"Overrides `param 一般线 = 30% per \"第二十二条（二）3\"` of {CITY}, " \
        f"line {city_line}" in shown
    assert "依据：第二十二条（二）3" in analysis.hover(text, str(COUNTY), line, col, "zh")


def test_hover_in_the_base_shows_the_city_line_and_the_regulation_comment():
    text = CITY.read_text(encoding="utf-8")
    line, col = at(text, "班子差评率 >= 一般线")
    col = text.split("\n")[line].index("一般线") + 1
    shown = analysis.hover(text, str(CITY), line, col, "en")
    assert "param 一般线 = 30%" in shown
    assert "市直领导班子民主测评一般、较差得票率之和在30%以上" in shown  # the line's comment


def test_hover_on_a_label_and_on_a_grade():
    text = CITY.read_text(encoding="utf-8")
    line, col = at(text, "班子状况 is 团结协调")
    col = text.split("\n")[line].index("团结协调") + 1
    assert "input 班子状况" in analysis.hover(text, str(CITY), line, col, "en")
    line, col = at(text, "grade 班子等次")
    col += 3  # on the name
    shown = analysis.hover(text, str(CITY), line, col, "en")
    assert "Scale 班子等次: 优秀 > 较好 > 一般 > 较差" in shown
    assert analysis.hover(text, str(CITY), 0, 0) is None  # a comment


#: A 班子 with 目标 一般, 团结协调, and 2 of 10 班子 votes 一般 or 较差 (docs/tutorial's record).
RECORD = {"考核目标完成": "一般", "班子状况": "团结协调", "干部精神状态好": True,
          "班子测评": {"优秀": 4, "较好": 4, "一般": 2, "较差": 0},
          "正职测评": {"优秀": 6, "称职": 3, "基本称职": 1, "不称职": 0}}


def test_hover_with_a_record_gives_its_values_on_it():
    """班子差评率 = (2 + 0) / 10 = 0.2. 一般 needs most (2) of: 目标 一般 (yes), 存在问题 (no),
    差评率 >= 一般线: the city's 30% no, so 较好 (not 优秀: 目标 is not 好; nothing 较差); the
    county's 20% yes (以上 includes the line), so 一般, and 集体谈话限期改进 (<= 一般) holds."""
    for path, grade, talk in ((CITY, "较好", "does not hold"), (COUNTY, "一般", "holds")):
        text = path.read_text(encoding="utf-8") + \
            "\noutcome 待改进 when 班子差评率 >= 一般线 and 集体谈话限期改进 and 班子等次 <= 较好\n"
        line = len(text.split("\n")) - 2
        shown = {name: analysis.hover(text, str(path), *at(text, name, -1), "en", record=RECORD)
                 for name in ("班子差评率", "班子等次", "集体谈话限期改进")}
        assert shown["班子差评率"].endswith("On the selected record: 0.2")
        assert shown["班子等次"].endswith(f"On the selected record: {grade}")
        assert shown["集体谈话限期改进"].endswith(f"On the selected record: {talk}")
        column = text.split("\n")[line].index("一般线") + 1
        assert analysis.hover(text, str(path), line, column, "en", record=RECORD).endswith(
            "On the selected record: 0.3" if path == CITY else "On the selected record: 0.2")
    scale = analysis.hover(CITY.read_text(encoding="utf-8"), str(CITY),
                           line_of(CITY, "scale 班子等次"), 8, "en", record=RECORD)
    # The scale shares the grade's name, not its value.
    assert scale.startswith("**scale 班子等次**") and "selected record" not in scale
    shown = analysis.hover(text, str(COUNTY), *at(text, "班子等次", -1), "zh", record={})
    assert shown.endswith("所选记录无法评定：测评「班子测评」未填写，此项必填")


def test_definition_across_extends():
    text = county() + "\noutcome 差评多 when 班子差评率 >= 一般线\n"
    line, col = at(text, "班子差评率")
    found = analysis.definition(text, str(COUNTY), line, col)
    assert found is not None and Path(found.path).resolve() == CITY
    expected = line_of(CITY, "let 班子差评率")
    assert found.range == analysis.Range(expected, 4, expected, 9)  # `let ` is 4 characters
    # The param is the county's own override, in the text itself.
    line, col = at(text, "一般线", 1)
    found = analysis.definition(text, str(COUNTY), line, col)
    assert Path(found.path).resolve() == COUNTY
    assert found.range.line == line_of(COUNTY, "override param 一般线")
    # On `extends "team-city.rules"`: the file itself.
    line, col = at(text, "team-city.rules")
    assert Path(analysis.definition(text, str(COUNTY), line, col).path).resolve() == CITY


def test_completion_of_labels_categories_names_and_keywords():
    text = county() + "\noutcome 待改进 when 班子状况 is "
    last = text.split("\n")[-1]
    found = analysis.completion(text, str(COUNTY), len(text.split("\n")) - 1, len(last))
    # input 班子状况: one of 团结协调, 较好, 存在问题, 不团结 (team-city.rules)
    assert [c.label for c in found] == ["团结协调", "较好", "存在问题", "不团结"]
    text = county() + "\noutcome 待改进 when share(正职测评: "
    last = text.split("\n")[-1]
    found = analysis.completion(text, str(COUNTY), len(text.split("\n")) - 1, len(last))
    assert [c.label for c in found] == ["优秀", "称职", "基本称职", "不称职"]
    text = county() + "\noutcome 待改进 when "
    found = {c.label: c.kind for c in analysis.completion(
        text, str(COUNTY), len(text.split("\n")) - 1, len("outcome 待改进 when "))}
    assert found["班子差评率"] == "name" and found["一般线"] == "name"
    assert found["班子等次"] == "name" and found["when"] == "keyword"
    assert found["share"] == "keyword"


def test_diagnostics_of_a_misspelt_name_carry_the_code_and_did_you_mean():
    assert analysis.diagnostics(county(), str(COUNTY)) == []
    text = county() + "\noutcome 差评多 when 班子差评 >= 一般线\n"
    [problem] = analysis.diagnostics(text, str(COUNTY))
    assert problem.code == "E201" and problem.severity == "error"
    assert "班子差评" in problem.message and "did you mean '班子差评率'?" in problem.message
    line = len(county().split("\n"))
    start = len("outcome 差评多 when ")
    assert problem.range == analysis.Range(line, start, line, start + len("班子差评"))


def test_a_problem_in_an_extended_file_is_shown_on_the_extends_line(tmp_path):
    base = "ruleset 基础\ninput 甲: bool\noutcome 乙 when 甲 and 丙\n"
    (tmp_path / "base.rules").write_text(base, encoding="utf-8")
    text = 'ruleset 县区 extends "base.rules"\n'
    [problem] = analysis.diagnostics(text, str(tmp_path / "child.rules"))
    assert problem.code == "E201"
    assert "base.rules, line 3" in problem.message
    start = len("ruleset 县区 extends ")
    assert problem.range == analysis.Range(0, start, 0, start + len('"base.rules"'))


def test_an_unsaved_text_without_a_path():
    text = ("ruleset 考核\ninput 得分: number in 0..100  # 百分制\n"
            "score 总分 = 得分 * 2 per \"第三条\"\noutcome 合格 when 总分 >= 120\n")
    found = analysis.definition(text, None, 3, len("outcome 合格 when 总"))
    assert found == analysis.Location(None, analysis.Range(2, 6, 2, 8))
    shown = analysis.hover(text, None, 3, len("outcome 合格 when 总"), "en")
    assert "score 总分 = 得分 * 2" in shown and "Per: 第三条" in shown
    shown = analysis.hover(text, None, 2, len("score 总分 = 得"), "en")
    assert "input 得分: number in 0..100" in shown and "Comment: 百分制" in shown
    assert "Defined in" not in shown  # in the text itself


def test_symbols_are_the_declarations_as_written():
    [param] = analysis.symbols(county(), str(COUNTY))
    line = line_of(COUNTY, "override param 一般线")
    written = 'override param 一般线 = 20% per "第二十二条（二）3"'
    assert param == analysis.Symbol("一般线", "param", analysis.Range(line, 0, line, len(written)),
                                    analysis.Range(line, 15, line, 18))
    found = analysis.symbols(CITY.read_text(encoding="utf-8"), str(CITY))
    text = CITY.read_text(encoding="utf-8").split("\n")
    heads = [(ln.split()[1].rstrip(":"), ln.split()[0]) for ln in text
             if ln.split()[:1] in (["scale"], ["ballot"], ["input"], ["param"], ["let"],
                                   ["grade"], ["veto"], ["outcome"])]
    assert [(s.name, s.kind) for s in found] == heads
    grade = next(s for s in found if s.kind == "grade")  # the whole table, to its otherwise
    assert grade.range.line == line_of(CITY, "grade 班子等次")
    assert grade.range.end_line == line_of(CITY, "  otherwise 较好")
    assert analysis.symbols("ruleset 甲\ninput 乙: \n") == []


def test_formatting():
    assert analysis.formatting("ruleset 甲\ninput  乙 :bool\noutcome 丙 when   乙\n") == \
        "ruleset 甲\ninput 乙: bool\noutcome 丙 when 乙\n"
    assert analysis.formatting("ruleset 甲\ninput 乙: \n") is None  # does not parse
    assert analysis.formatting(county(), str(COUNTY)) == county()  # bundled: already canonical


# ---------------------------------------------------------------- the server over JSON-RPC


class Client:
    """The editor's side: Content-Length framed JSON-RPC to ``evalrules lsp`` on its stdio."""

    def __init__(self) -> None:
        # The server is the evalrules this test imports (the checkout's or the installed one).
        env = {**os.environ, "PYTHONPATH": str(Path(evalrules.__file__).parents[1])}
        self.proc = subprocess.Popen([sys.executable, "-m", "evalrules", "lsp", "--lang", "en"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.inbox: queue.Queue[dict] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while (header := out.readline()) not in (b"\r\n", b""):
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":")[1])
            if length is None:
                return
            self.inbox.put(json.loads(out.read(length)))

    def send(self, method: str, params: dict, request: bool = True) -> int | None:
        message: dict = {"jsonrpc": "2.0", "method": method, "params": params}
        ident = None
        if request:
            self.next_id += 1
            ident = message["id"] = self.next_id
        body = json.dumps(message).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return ident

    def wait(self, match) -> dict:
        while True:
            message = self.inbox.get(timeout=60)  # a hung server fails the test, not CI's run
            if match(message):
                return message

    def request(self, method: str, params: dict):
        ident = self.send(method, params)
        return self.wait(lambda m: m.get("id") == ident and "method" not in m).get("result")


@pytest.fixture
def client():
    c = Client()
    yield c
    c.proc.kill()
    c.proc.wait()


def test_the_language_server_over_json_rpc(client):
    result = client.request("initialize", {"processId": None, "rootUri": None,
                                           "capabilities": {}})
    capabilities = result["capabilities"]
    assert capabilities["hoverProvider"] and capabilities["definitionProvider"]
    assert capabilities["documentFormattingProvider"] and "completionProvider" in capabilities
    client.send("initialized", {}, request=False)
    uri = COUNTY.as_uri()
    # 𠀀 (U+20000, CJK Extension B) is two UTF-16 code units, the editor's unit of columns.
    text = county() + "\noutcome 𠀀差评多 when 班子差评 >= 一般线\n"
    client.send("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "evalrules", "version": 1, "text": text}}, request=False)
    published = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    [problem] = published["params"]["diagnostics"]
    assert published["params"]["uri"] == uri
    assert problem["code"] == "E201" and "did you mean '班子差评率'?" in problem["message"]
    start = len("outcome 𠀀差评多 when ") + 1
    assert problem["range"] == {"start": {"line": len(county().split("\n")), "character": start},
                                "end": {"line": len(county().split("\n")),
                                        "character": start + len("班子差评")}}
    # The author fixes the name: the diagnostics go.
    text = text.replace("班子差评 ", "班子差评率 ")
    client.send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                           "contentChanges": [{"text": text}]}, request=False)
    published = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    assert published["params"]["diagnostics"] == []
    line, col = at(text, "一般线")
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": line, "character": col}})
    assert hover["contents"]["kind"] == "markdown"
    assert "param 一般线 = 20%" in hover["contents"]["value"]
    assert "Per: 第二十二条（二）3" in hover["contents"]["value"]
    line, col = at(text, "班子差评率")
    found = client.request("textDocument/definition", {
        "textDocument": {"uri": uri}, "position": {"line": line, "character": col}})
    assert found["uri"] == CITY.as_uri()
    expected = line_of(CITY, "let 班子差评率")
    assert found["range"] == {"start": {"line": expected, "character": 4},
                              "end": {"line": expected, "character": 9}}
    last = len(text.split("\n")) - 1
    text += "outcome 待改进 when 班子状况 is "
    client.send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                           "contentChanges": [{"text": text}]}, request=False)
    found = client.request("textDocument/completion", {
        "textDocument": {"uri": uri},
        "position": {"line": last, "character": len("outcome 待改进 when 班子状况 is ")}})
    assert [c["label"] for c in found["items"]] == ["团结协调", "较好", "存在问题", "不团结"]
    messy = "ruleset 甲\ninput  乙 :bool\noutcome 丙 when   乙\n"
    client.send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4},
                                           "contentChanges": [{"text": messy}]}, request=False)
    edits = client.request("textDocument/formatting", {
        "textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}})
    assert edits == [{"range": {"start": {"line": 0, "character": 0},
                                "end": {"line": 3, "character": 0}},
                      "newText": "ruleset 甲\ninput 乙: bool\noutcome 丙 when 乙\n"}]
    found = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [(s["name"], s["detail"]) for s in found] == [("乙", "input"), ("丙", "outcome")]
    assert client.request("shutdown", {}) is None
    client.send("exit", {}, request=False)
    assert client.proc.wait(timeout=30) == 0


def test_without_pygls_the_command_says_which_extra_to_install(monkeypatch, capsys):
    from evalrules.cli import main

    monkeypatch.delitem(sys.modules, "evalrules.lsp", raising=False)
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)  # import fails as if missing
    assert main(["lsp", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "evalrules lsp needs the lsp extra" in err and "lsp" in err.rsplit(":", 1)[-1]


def test_saving_a_base_publishes_the_diagnostics_of_the_rulesets_that_extend_it(client,
                                                                               tmp_path):
    base, child = tmp_path / "base.rules", tmp_path / "child.rules"
    base.write_text("ruleset 基础\ninput 甲: bool\noutcome 乙 when 甲\n", encoding="utf-8")
    child.write_text('ruleset 县区 extends "base.rules"\n', encoding="utf-8")
    client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    client.send("initialized", {}, request=False)
    for path in (base, child):
        client.send("textDocument/didOpen", {"textDocument": {
            "uri": path.as_uri(), "languageId": "evalrules", "version": 1,
            "text": path.read_text(encoding="utf-8")}}, request=False)
        published = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        assert published["params"] == {"uri": path.as_uri(), "diagnostics": []}
    broken = "ruleset 基础\ninput 甲: bool\noutcome 乙 when 丙\n"
    base.write_text(broken, encoding="utf-8")  # the editor saves the base with a new name
    client.send("textDocument/didChange", {"textDocument": {"uri": base.as_uri(), "version": 2},
                                           "contentChanges": [{"text": broken}]}, request=False)
    client.send("textDocument/didSave", {"textDocument": {"uri": base.as_uri()}},
                request=False)
    seen = {}
    while child.as_uri() not in seen:
        published = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        seen[published["params"]["uri"]] = published["params"]["diagnostics"]
    codes = [d["code"] for d in seen[child.as_uri()]]
    assert "E201" in codes  # 丙 is unknown, in the base, shown on the child's extends line
    assert all(d["range"]["start"]["line"] == 0 for d in seen[child.as_uri()])


# ---------------------------------------------------------------- the VS Code extension

VSCODE = ROOT / "editors" / "vscode"


def test_the_vscode_extension_highlights_the_grammars_keywords():
    from evalrules.fmt import reserved

    grammar = json.loads((VSCODE / "syntaxes" / "evalrules.tmLanguage.json").read_text("utf-8"))
    [keywords] = [p["match"] for p in grammar["patterns"] if p["name"].startswith("keyword.other")]
    words = re.fullmatch(r"\(\?<!\\w\)\(\?:(.*)\)\(\?!\\w\)", keywords)[1].split("|")
    assert set(words) == reserved() | {"chosen"}  # chosen "…" is read beside the grammar
    found = re.compile(keywords)  # TextMate's Oniguruma reads these constructs as Python does
    assert [m.group() for m in found.finditer("  优秀 when all: per \"第一条\"")] == \
        ["when", "all", "per"]
    assert not found.search("班子when 优秀whenever")  # inside a name: no keyword
    package = json.loads((VSCODE / "package.json").read_text("utf-8"))
    [language] = package["contributes"]["languages"]
    assert language["extensions"] == [".rules"]
    assert (VSCODE / package["contributes"]["grammars"][0]["path"]).is_file()
    assert (VSCODE / language["configuration"]).is_file() and (VSCODE / package["main"]).is_file()
    assert package["contributes"]["configuration"]["properties"]["evalrules.command"][
        "default"] == ["evalrules", "lsp"]
