"""The studio's code editor (src/evalrules/studio/static/editor.js, built from editors/codemirror/):
the bundle is the one its sources build, it ships in the package, and in Chromium (Playwright
driving Debian's ``chromium``) it highlights the grammar's keywords, underlines diagnostics and
counts columns in code points as Python does.

The browser tests need the ``playwright`` package (the PyPI one; no browser download) and
``/usr/bin/chromium``; where either is missing they are skipped and say why."""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import re
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pytest

from evalrules.fmt import reserved

from conftest import CHROMIUM_ARGS, ROOT, chromium

SOURCES = ROOT / "editors" / "codemirror"
REBUILD = ("rebuild the studio's editor: cd editors/codemirror && npm ci && npm run build, "
           "then commit src/evalrules/studio/static/editor.js")


def bundled() -> Traversable:
    # Through the evalrules package: importing evalrules.studio would need the studio extra.
    return importlib.resources.files("evalrules") / "studio" / "static" / "editor.js"


def bundle() -> str:
    found = bundled()
    assert found.is_file(), "editor.js is not in the installed package: " + REBUILD
    return found.read_text(encoding="utf-8")


def test_the_bundle_is_built_from_the_committed_sources() -> None:
    if not (SOURCES / "editor.js").is_file():
        pytest.skip("editors/codemirror/ is not beside these tests (an installed copy of them)")
    digest = hashlib.sha256()
    for name in ("editor.js", "package-lock.json", "build.mjs"):
        digest.update((SOURCES / name).read_bytes())
    first = bundle().split("\n", 1)[0]
    assert first == (f"/* evalrules studio editor · sources sha256:{digest.hexdigest()} "
                     "· CodeMirror 6 (MIT) */"), "the editor's sources changed: " + REBUILD


def test_the_bundle_is_small_self_contained_and_carries_the_licences() -> None:
    text = bundle()
    assert len(text.encode("utf-8")) < 450_000
    # An IIFE for a plain <script>: no module syntax, no loader, nothing fetched.
    code = text.split("\n")[1]
    assert code.startswith("(()=>{")
    assert not re.search(r"\bimport\s*\(|\brequire\(|https?://[^\s\"']*\.js", code)
    # Nothing the studio's policy (script-src 'self', no 'unsafe-eval') would refuse.
    assert not re.search(r"\beval\(|\bFunction\(", code)
    assert "Permission is hereby granted, free of charge" in text
    assert "@codemirror/view" in text and "Marijn Haverbeke" in text


def test_the_sources_pin_exact_versions() -> None:
    if not (SOURCES / "package.json").is_file():
        pytest.skip("editors/codemirror/ is not beside these tests (an installed copy of them)")
    package = json.loads((SOURCES / "package.json").read_text(encoding="utf-8"))
    pinned = {**package["dependencies"], **package["devDependencies"]}
    assert {"@codemirror/view", "@codemirror/state", "@codemirror/lint", "esbuild"} <= set(pinned)
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in pinned.values()), pinned


# In Chromium

# A Content-Security-Policy like the studio's (nothing fetched; CodeMirror writes its styles
# inline), the page's own script inline here where the studio's is a file.
PAGE = """<!doctype html><meta charset="utf-8"><title>editor</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src file:
  'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'">
<div id="editor" style="width: 700px"></div>
<script>
  window.violations = [];
  document.addEventListener("securitypolicyviolation",
    (e) => window.violations.push(e.violatedDirective + " " + e.blockedURI));
</script>
<script src="{src}"></script>
<script>
  window.calls = {{changes: [], hover: [], complete: []}};
  window.ed = window.EvalrulesEditor.create({{
    parent: document.getElementById("editor"),
    doc: {doc},
    keywords: {keywords},
    onChange: (text) => window.calls.changes.push(text),
    hover: async (line, column) => {{
      window.calls.hover.push([line, column]);
      return "令 乙值\\n第二行";
    }},
    complete: async (line, column) => {{
      window.calls.complete.push([line, column]);
      return [{{label: "乙值甲", detail: "名称", type: "variable"}}];
    }},
  }});
</script>"""

# Columns, in code points: l0 e1 t2 ␠3 分4 数5 𠀀6 ␠7 =8 ␠9 乙10 值11 ␠12 ×13 ␠14 6 0 %17
DOC = ("let 分数𠀀 = 乙值 × 60%  # 注释\ninput 得分： number in 0..100\nletter = （1）\n"
       "check always 分数𠀀 <= 2025-12-31\noverride score 总分 = 得分 ÷ 3")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed (pip install "
        "playwright; the tests drive Debian's chromium, no browser download)")
    executable = chromium()
    src = bundled()
    html = tmp_path_factory.mktemp("editor") / "page.html"
    html.write_text(PAGE.format(src=Path(str(src)).as_uri(), doc=json.dumps(DOC),
                                keywords=json.dumps(sorted(reserved()))), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        requests: list[str] = []
        tab.on("request", lambda r: requests.append(r.url))
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(html.as_uri())
        tab.wait_for_function("window.ed !== undefined")
        assert errors == []
        assert tab.evaluate("violations") == []
        assert all(url.startswith("file:") for url in requests), requests  # works offline
        yield tab
        browser.close()


def classed(page: Any, name: str) -> list[str]:
    return page.eval_on_selector_all(f".cm-content .{name}", "els => els.map(e => e.textContent)")


def test_in_chromium_the_grammars_keywords_and_the_other_tokens_are_highlighted(page: Any) -> None:
    keywords = classed(page, "er-keyword")
    # Not `letter`, a name starting with let.
    assert keywords == ["let", "input", "number", "in", "check", "always", "override", "score"]
    # The names declared, not those a check reads.
    assert classed(page, "er-definition") == ["分数𠀀", "得分", "总分"]
    assert {"乙值", "letter", "分数𠀀", "得分"} <= set(classed(page, "er-name"))
    assert classed(page, "er-number") == ["60%", "0", "100", "1", "2025-12-31", "3"]
    assert {"×", "..", "<=", "÷"} <= set(classed(page, "er-operator"))
    assert classed(page, "er-comment") == ["# 注释"]
    assert classed(page, "er-bracket") == ["（", "）"]
    assert "：" in classed(page, "er-punctuation")
    # The theme colours keywords: the class is not just a name.
    color = page.eval_on_selector(".er-keyword", "e => getComputedStyle(e).color")
    assert color not in ("rgb(0, 0, 0)", page.eval_on_selector(".er-name",
                                                               "e => getComputedStyle(e).color"))


def test_in_chromium_diagnostics_are_underlined_at_code_point_columns(page: Any) -> None:
    page.evaluate("""ed.setDiagnostics([
        {line: 0, column: 10, endLine: 0, endColumn: 12, severity: "error",
         message: "未定义的名称 乙值", code: "E201"},
        {line: 0, column: 6, endLine: 0, endColumn: 7, severity: "warning",
         message: "𠀀", code: "W1"},
        {line: 1, column: 99, endLine: 1, endColumn: 99, severity: "error",
         message: "past the end", code: "E2"},
        {line: 2, column: 10, endLine: 2, endColumn: 10, severity: "error",
         message: "empty", code: "E3"},
    ])""")
    page.wait_for_selector(".cm-lintRange-error")
    # Each underline covers exactly the characters its columns name: 𠀀 is one column, two
    # UTF-16 units; an empty range or one past the end is widened to a character.
    assert classed(page, "cm-lintRange-error") == ["乙值", "0", "1"]
    assert classed(page, "cm-lintRange-warning") == ["𠀀"]
    assert page.locator(".cm-gutter-lint .cm-lint-marker-error").count() == 3
    page.evaluate("ed.setDiagnostics([])")
    page.wait_for_selector(".cm-lintRange-error", state="detached")


def test_in_chromium_hover_and_completion_are_asked_at_code_point_columns(page: Any) -> None:
    page.evaluate(f"ed.setText({json.dumps(DOC)})")
    # Over a comment nothing is asked (given the hover delay to pass before the mouse moves on).
    comment = page.evaluate("ed.view.coordsAtPos(ed.getText().indexOf('注释') + 1)")
    page.mouse.move(comment["left"], (comment["top"] + comment["bottom"]) / 2)
    page.wait_for_timeout(600)
    # The mouse over 乙, the character at column 10 (offset 11: 𠀀 is two units).
    box = page.evaluate("""(() => {
        const a = ed.view.coordsAtPos(11, 1), b = ed.view.coordsAtPos(12, -1);
        return {x: (a.left + b.right) / 2, y: (a.top + a.bottom) / 2};
    })()""")
    page.mouse.move(box["x"], box["y"])
    tip = page.wait_for_selector(".er-hover")
    assert tip.text_content() == "令 乙值\n第二行"
    assert tip.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    assert page.evaluate("calls.hover") == [[0, 10]]
    page.mouse.move(0, 0)

    page.evaluate("ed.focus(); ed.view.dispatch({selection: {anchor: 13}})")  # after 乙值
    page.keyboard.type("甲")
    page.wait_for_selector(".cm-tooltip-autocomplete")
    assert page.evaluate("calls.complete").pop() == [0, 13]
    assert "乙值甲" in page.text_content(".cm-tooltip-autocomplete")
    page.keyboard.press("Escape")


def test_in_chromium_text_round_trips_and_every_change_is_reported(page: Any) -> None:
    text = "ruleset 考核 # 范文9 𠀀\n\n  title \"领导班子（市直）\"\n"
    page.evaluate("calls.changes = []")
    page.evaluate(f"ed.setText({json.dumps(text)})")
    assert page.evaluate("ed.getText()") == text
    assert page.evaluate("calls.changes") == [text]
    # Undo is one step back to the text before setText.
    page.evaluate("ed.focus()")
    page.keyboard.press("Control+z")
    assert page.evaluate("ed.getText()") != text
    assert page.evaluate("calls.changes").pop() == page.evaluate("ed.getText()")


def test_in_chromium_chinese_typed_through_an_input_method_lands_once(page: Any) -> None:
    page.evaluate('ed.setText("let 甲 = 1\\n"); ed.focus(); '
                  'ed.view.dispatch({selection: {anchor: ed.view.state.doc.length}})')
    page.evaluate("calls.changes = []")
    ime = page.context.new_cdp_session(page)
    # Pinyin being composed, then committed: the composition's text is replaced by the word.
    for typed in ("k", "ka", "kao"):
        ime.send("Input.imeSetComposition",
                 {"text": typed, "selectionStart": len(typed), "selectionEnd": len(typed)})
    ime.send("Input.insertText", {"text": "考核"})
    ime.detach()
    page.wait_for_function("ed.getText().endsWith('考核')")
    assert page.evaluate("ed.getText()") == "let 甲 = 1\n考核"
    assert page.evaluate("calls.changes").pop() == "let 甲 = 1\n考核"
    page.keyboard.press("Escape")


def test_in_chromium_full_width_brackets_match_tab_indents_with_spaces_and_search_opens(
        page: Any) -> None:
    page.evaluate('ed.setText("let 甲 = max（得分，（1））\\n"); ed.focus(); '
                  'ed.view.dispatch({selection: {anchor: ed.getText().indexOf("（") + 1}})')
    page.wait_for_selector(".cm-matchingBracket")
    assert classed(page, "cm-matchingBracket") == ["（", "）"]
    # The pair matched is the outer one: the last ）, not the inner one's.
    assert page.evaluate("""(() => {
        const marks = document.querySelectorAll(".cm-matchingBracket");
        return ed.view.posAtDOM(marks[1]);
    })()""") == len("let 甲 = max（得分，（1））") - 1
    page.evaluate("ed.view.dispatch({selection: {anchor: ed.getText().length}})")
    page.keyboard.press("Tab")  # a tab in indentation is E103: Tab puts spaces
    assert page.evaluate("ed.getText()").endswith("\n  ")
    page.keyboard.press("Control+f")
    page.wait_for_selector(".cm-search")
    page.keyboard.press("Escape")
    assert page.evaluate("violations") == []  # the policy let every part of the editor run
