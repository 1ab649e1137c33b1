"""The studio in a real browser: Debian's Chromium driven by Playwright (the PyPI package, which
drives the installed browser; it downloads none). The author's session, step by step: type an error
and see the diagnostic, fix it; change a threshold and see the distribution and the diff change;
move a slider; click a record for its explanation; hover a name; add a record as a case and see it
pass; save. What the page shows is checked against what evalrules itself gives for the same text.

Needs ``chromium`` (.ci/run installs Debian's package where it can) and ``playwright`` (the test
extra); where either is missing the tests are skipped and say why. ``EVALRULES_STUDIO_SCREENSHOT=
docs/studio.png`` writes the documentation's screenshot from the first test.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import evalrules
from evalrules.cli import main
from evalrules.commands._shared import load_rows
from evalrules.compare import project

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the test extra) is "
                               "not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the studio needs the serve extra")

from evalrules.studio import Workspace, app  # noqa: E402 - after the skips above

from conftest import CHROMIUM_ARGS, chromium  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FANWEN9 = ROOT / "rulesets" / "fanwen9"
SAMPLE = ROOT / "examples" / "team-city.csv"
TOKEN = "browser-test-token"
GRADE = "班子等次"


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def records() -> tuple:
    return tuple(load_rows(SAMPLE, evalrules.load(FANWEN9 / "team-county.rules")))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("team-city.rules", "team-county.rules", "team-county.cases.json"):
        shutil.copy(FANWEN9 / name, tmp_path / name)
    return tmp_path


@contextlib.contextmanager
def serving(ws: Workspace) -> Iterator[str]:
    """The studio of ``ws`` on a free port, served by uvicorn in a thread: its address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app(ws, TOKEN), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the studio did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/?token={TOKEN}"
    server.should_exit = True
    thread.join(timeout=10)


@contextlib.contextmanager
def opened(browser, url: str) -> Iterator:
    """The page at ``url`` once it has its first answer; on leaving, no script error and no
    refused request happened."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.goto(url)
    settled(tab)
    yield tab
    context.close()
    assert problems == [], problems


@pytest.fixture
def page(browser, folder: Path, records: tuple):
    """The studio of the copied county ruleset and the sample, open in a tab."""
    ws = Workspace(folder / "team-county.rules", records, SAMPLE.name, ("编号", "单位"))
    with serving(ws) as url, opened(browser, url) as tab:
        yield tab


def settled(tab) -> None:
    """Wait until the page has the answer for the text now in the editor."""
    tab.wait_for_function("() => document.body.dataset.pending === '0' && window.studio.editor")


def shown_distribution(tab) -> dict[str, int]:
    return {row.get_attribute("data-label"): int(row.get_attribute("data-count"))
            for row in tab.locator(f'table[data-grade="{GRADE}"] tr[data-label]').all()}


def graded(text: str, path: Path, records: tuple) -> list:
    ruleset = evalrules.compile(text, path=str(path))
    return list(ruleset.evaluate_many(project(r, ruleset) for r in records))


def outputs(result) -> tuple:
    return (result[GRADE], tuple(result.vetoes), tuple(result.outcomes))


def select_text(tab, needle: str, nth: int = 0) -> None:
    """Put the editor's selection on ``needle`` (its nth occurrence), as a mouse drag would."""
    tab.evaluate("""([needle, nth]) => {
        const view = window.studio.editor.view;
        const text = view.state.doc.toString();
        let at = -1;
        for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
        view.dispatch({selection: {anchor: at, head: at + needle.length}, scrollIntoView: true});
        view.focus();
    }""", [needle, nth])


def test_an_error_typed_is_shown_under_the_text_and_goes_when_fixed(page, folder, records):
    text = (folder / "team-county.rules").read_text(encoding="utf-8")
    expected = Counter(r[GRADE] for r in graded(text, folder / "team-county.rules", records))
    assert shown_distribution(page) == {k: expected.get(k, 0) for k in ("优秀", "较好", "一般",
                                                                        "较差")}
    assert page.locator("#problems li.none").count() == 1

    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nlet 新率 = 班子优秀 + 1")
    settled(page)
    problem = page.locator('#problems li[data-code="E201"]')
    problem.wait_for()
    assert "班子优秀率" in problem.inner_text()  # did you mean
    underlined = page.locator(".cm-lintRange-error")
    assert underlined.count() == 1 and underlined.inner_text() == "班子优秀"

    page.keyboard.press("Escape")  # the completion list, if it opened, goes away
    page.keyboard.press("End")
    for _ in range(len(" + 1")):
        page.keyboard.press("ArrowLeft")
    page.keyboard.type("率")
    settled(page)
    assert page.evaluate("() => window.studio.editor.getText()").endswith(
        "let 新率 = 班子优秀率 + 1"), page.locator("#problems").inner_text()
    page.locator("#problems li.none").wait_for()
    assert page.locator(".cm-lintRange-error").count() == 0
    assert "let 新率 = 班子优秀率 + 1" in page.evaluate("() => window.studio.editor.getText()")


def test_a_threshold_changed_changes_the_distribution_and_the_diff(page, folder, records):
    path = folder / "team-county.rules"
    text = path.read_text(encoding="utf-8")
    city = graded((folder / "team-city.rules").read_text(encoding="utf-8"),
                  folder / "team-city.rules", records)

    def expected_changes(new_text: str) -> int:
        new = graded(new_text, path, records)
        return sum(outputs(a) != outputs(b) for a, b in zip(city, new, strict=True))

    diff = page.locator("#diff")
    assert diff.get_attribute("data-against") == "base"
    assert int(diff.get_attribute("data-changed")) == expected_changes(text) > 0
    before = shown_distribution(page)

    select_text(page, "一般线 = 20%")
    page.keyboard.type("一般线 = 25%")
    settled(page)
    new_text = text.replace("一般线 = 20%", "一般线 = 25%")
    assert new_text.count("一般线 = 25%") == 1
    assert page.evaluate("() => window.studio.editor.getText()") == new_text
    expected = Counter(r[GRADE] for r in graded(new_text, path, records))
    after = shown_distribution(page)
    assert after == {k: expected.get(k, 0) for k in after} and after != before
    assert int(diff.get_attribute("data-changed")) == expected_changes(new_text)
    assert expected_changes(new_text) != expected_changes(text)
    # rows that change are marked, with their old grade
    changed = page.locator("#records tr.changed")
    assert changed.count() == expected_changes(new_text)

    # the saved file is the other thing to compare with: 25% against the saved 20%
    page.locator("#against").select_option("saved")
    settled(page)
    saved = graded(text, path, records)
    new = graded(new_text, path, records)
    assert int(diff.get_attribute("data-changed")) == sum(
        outputs(a) != outputs(b) for a, b in zip(saved, new, strict=True)) > 0


def test_a_param_slider_asks_what_if_and_can_be_written_into_the_ruleset(page, folder,
                                                                         records):
    # at 30% the county's one override is undone: nothing differs from the city ruleset
    slider = page.locator('input[data-param="一般线"]')
    assert slider.input_value() == "20"
    slider.fill("30")
    settled(page)
    assert page.locator("#diff").get_attribute("data-changed") == "0"
    city = Counter(r[GRADE] for r in graded(
        (folder / "team-city.rules").read_text(encoding="utf-8"), folder / "team-city.rules",
        records))
    shown = shown_distribution(page)
    assert shown == {k: city.get(k, 0) for k in shown}
    # the what-if is not the text until written into it
    assert "一般线 = 20%" in page.evaluate("() => window.studio.editor.getText()")
    page.locator('input[data-param="一般线"] ~ button.write').click()
    settled(page)
    assert "override param 一般线 = 30%" in page.evaluate("() => window.studio.editor.getText()")
    assert page.locator("#diff").get_attribute("data-changed") == "0"
    # a param of the base ruleset is changed in the variant by an override of its own
    page.locator('input[data-param="优秀率线"]').fill("55")
    page.locator('input[data-param="优秀率线"] ~ button.write').click()
    settled(page)
    text = page.evaluate("() => window.studio.editor.getText()")
    assert text.endswith("\noverride param 优秀率线 = 55%\n")
    assert page.locator("#problems li.none").count() == 1
    expected = Counter(r[GRADE] for r in graded(text, folder / "team-county.rules", records))
    shown = shown_distribution(page)
    assert shown == {k: expected.get(k, 0) for k in shown}


def test_a_record_clicked_is_explained_and_hover_gives_its_value(page, folder, records):
    assert page.locator("#explanation").inner_text() == "点击一条记录查看评定说明"
    page.locator("#records tr[data-index='5']").click()
    page.wait_for_function("() => document.getElementById('explanation').dataset.shown === '5'")
    ruleset = evalrules.load(folder / "team-county.rules")
    expected = ruleset.evaluate(project(records[5], ruleset)).explain("zh")
    assert page.locator("#explanation").inner_text().strip() == expected.strip()

    at = page.evaluate("""() => {
        const view = window.studio.editor.view;
        const pos = view.state.doc.toString().indexOf("一般线") + 1;
        const box = view.coordsAtPos(pos);
        return {x: box.left + 2, y: (box.top + box.bottom) / 2};
    }""")
    page.mouse.move(at["x"], at["y"])
    tip = page.locator(".cm-tooltip-hover")
    tip.wait_for(timeout=10_000)
    text = tip.inner_text()
    assert "param 一般线 = 20%" in text and "第二十二条（二）3" in text
    assert "0.2" in text  # its value on the selected record


def test_a_record_added_as_a_case_passes_and_a_failing_case_is_red(page, folder, records):
    rows = page.locator("#cases tr")
    count = rows.count()
    assert count == len(json.loads((folder / "team-county.cases.json")
                                   .read_text(encoding="utf-8"))["cases"])
    assert page.locator("#cases tr.failed").count() == 0

    page.locator("#records tr[data-index='7'] button.add-case").click()
    page.wait_for_function(
        f"() => document.querySelectorAll('#cases tr').length === {count + 1}")
    added = page.locator("#cases tr").nth(count)
    assert "passed" in added.get_attribute("class")
    name = added.get_attribute("data-name")
    assert name.startswith("记录 8")
    on_disk = json.loads((folder / "team-county.cases.json").read_text(encoding="utf-8"))
    case = on_disk["cases"][-1]
    ruleset = evalrules.load(folder / "team-county.rules")
    assert case["name"] == name
    assert case["expect"] == {GRADE: ruleset.evaluate(project(records[7], ruleset))[GRADE]}

    # at 25% the county case with exactly 20% 一般+较差 fails, and its row is red
    page.locator('input[data-param="一般线"]').fill("25")
    settled(page)
    failed = page.locator("#cases tr.failed")
    assert failed.count() >= 1
    assert "差评率恰为20%：县区一般" in [r.get_attribute("data-name") for r in failed.all()]
    colour = failed.first.evaluate("row => getComputedStyle(row).backgroundColor")
    assert colour == "rgb(255, 235, 233)"


def test_saving_writes_the_file_formatted(page, folder):
    path = folder / "team-county.rules"
    select_text(page, "一般线 = 20%")
    page.keyboard.type("一般线   =   25%")  # the formatter removes the spaces
    settled(page)
    assert page.locator("#state").inner_text() == "未保存"
    page.keyboard.press("Control+s")
    page.wait_for_function("() => document.getElementById('state').className === 'saved'")
    written = path.read_text(encoding="utf-8")
    assert "override param 一般线 = 25% per" in written
    assert written == page.evaluate("() => window.studio.editor.getText()")
    assert main(["fmt", "--check", str(path)]) == 0  # as evalrules fmt writes it


def test_screenshot_of_an_author_at_work(page, tmp_path):
    """The documentation's picture (docs/studio.md): a threshold moved by its slider, a changed
    record explained, then an error typed (the results of the last text that compiled stay, dimmed).
    The picture is checked to have drawn the bars."""
    page.locator('input[data-param="一般线"]').fill("25")
    settled(page)
    page.locator("#records tr.changed").first.click()
    page.wait_for_function("() => document.getElementById('explanation').dataset.shown")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nlet 新率 = 班子优秀 + 1")
    page.keyboard.press("Escape")
    settled(page)
    assert page.evaluate("() => document.body.classList.contains('broken')")
    path = Path(os.environ.get("EVALRULES_STUDIO_SCREENSHOT") or tmp_path / "studio.png")
    page.set_viewport_size({"width": 1400, "height": 1250})
    page.screenshot(path=str(path), full_page=True)
    shot = page.screenshot(clip=page.locator("#distribution").bounding_box())
    assert len(shot) > 1000 and path.stat().st_size > 50_000
    bars = page.locator("#distribution .bar").evaluate_all(
        "bars => bars.map(b => getComputedStyle(b).backgroundColor)")
    assert bars and set(bars) == {"rgb(84, 174, 255)"}


def test_completion_after_is_offers_the_grades_labels(page):
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\ncheck always 班子等次 is ")
    page.keyboard.press("Control+Space")
    options = page.locator(".cm-tooltip-autocomplete li .cm-completionLabel")
    options.first.wait_for()
    assert {o.inner_text() for o in options.all()} == {"优秀", "较好", "一般", "较差"}
    options.filter(has_text="较差").click()
    settled(page)
    assert page.evaluate("() => window.studio.editor.getText()").endswith(
        "\ncheck always 班子等次 is 较差")
    page.locator("#problems li.none").wait_for()  # the check it made compiles


def test_a_ruleset_of_scores_shows_their_spread_and_each_records_value(browser, tmp_path):
    path = tmp_path / "总分.rules"
    path.write_text("ruleset 总分\n\ninput 甲: number in 0..100\ninput 乙: number in 0..100\n"
                    "score 总分 = 甲 × 60% + 乙 × 40%\n", encoding="utf-8")
    sample = ({"甲": 90, "乙": 80}, {"甲": 70, "乙": 100}, {"甲": "85.5", "乙": 60})
    with serving(Workspace(path, sample)) as url, opened(browser, url) as tab:
        spread = tab.locator('#distribution tr[data-score="总分"]')
        # 0.6·90 + 0.4·80 = 86, 42 + 40 = 82, 51.3 + 24 = 75.3
        assert [spread.get_attribute(f"data-{k}") for k in ("min", "median", "max")] == [
            "75.3", "82", "86"]
        cells = tab.locator('#records td[data-score="总分"]')
        assert cells.all_inner_texts() == ["86", "82", "75.3"]
