"""The studio's questions over HTTP (``evalrules studio``; the page itself is tested in Chromium
in tests/test_studio_browser.py): what it answers for a text, checked against what the rest of
evalrules gives for the same files — the county ruleset with its one override moved back is the
city's, the county's cases file, ``evalrules explain``, ``evalrules test``, ``evalrules fmt`` —
and that it answers its own page only."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import evalrules
from evalrules.cli import main
from evalrules.commands._shared import load_rows
from evalrules.compare import project

try:
    from starlette.testclient import TestClient

    from evalrules.studio import Workspace, app
except ImportError:  # pragma: no cover - the serve extra is in the test extra
    pytest.skip("the studio needs the serve extra (starlette)", allow_module_level=True)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parents[1]
FANWEN9 = ROOT / "rulesets" / "fanwen9"
SAMPLE = ROOT / "examples" / "team-city.csv"
TOKEN = "test-token"
ASK = {"X-Studio-Token": TOKEN}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("team-city.rules", "team-county.rules", "team-county.cases.json"):
        shutil.copy(FANWEN9 / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def records() -> tuple:
    return tuple(load_rows(SAMPLE, evalrules.load(FANWEN9 / "team-county.rules")))


@pytest.fixture
def client(folder: Path, records: tuple) -> TestClient:
    ws = Workspace(folder / "team-county.rules", records, SAMPLE.name, ("编号", "单位"))
    return TestClient(app(ws, TOKEN), base_url="http://127.0.0.1")


def ask(client: TestClient, question: str, **body) -> dict:
    response = client.post(f"/studio/api/{question}", headers=ASK, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def county(folder: Path) -> str:
    return (folder / "team-county.rules").read_text(encoding="utf-8")


def graded(path: Path, records: tuple, **params) -> Counter:
    ruleset = evalrules.load(path).with_params(**params)
    return Counter(r["班子等次"] for r in ruleset.evaluate_many(project(x, ruleset)
                                                                for x in records))


def test_the_distribution_is_what_the_ruleset_gives_the_records(client, folder, records):
    answer = ask(client, "analyze", text=county(folder))
    assert answer["ok"] and answer["diagnostics"] == []
    counts = answer["distribution"]["grades"]["班子等次"]
    assert list(counts) == ["优秀", "较好", "一般", "较差"]  # best first, as the scale says
    assert counts == {k: graded(folder / "team-county.rules", records)[k] for k in counts}
    assert sum(counts.values()) == len(records) == 300
    rows = answer["rows"]
    assert [r["labels"] for r in rows[:2]] == [["T0001", "水利局1号"], ["T0002", "住建局1号"]]


def test_moving_the_override_back_by_slider_gives_the_base_and_no_change(client, folder,
                                                                           records):
    """The county ruleset is the city's with 一般线 20% instead of 30%: with the slider at 30%
    its distribution is the city's, and against its base no record changes."""
    text = county(folder)
    moved = ask(client, "analyze", text=text, params={"一般线": "30%"})
    city = graded(folder / "team-city.rules", records)
    counts = moved["distribution"]["grades"]["班子等次"]
    assert counts == {k: city.get(k, 0) for k in counts} and sum(counts.values()) == 300
    assert moved["diff"]["against"] == "base" and moved["diff"]["name"] == "team-city.rules"
    assert moved["diff"]["changed"] == [] and moved["diff"]["transitions"] == []
    slider = {p["name"]: p for p in moved["params"]}["一般线"]
    assert (slider["value"], slider["written"], slider["unit"]) == ("30", "20", "%")
    assert (slider["low"], slider["high"], slider["step"]) == ("0", "100", "1")

    unmoved = ask(client, "analyze", text=text)
    diff = unmoved["diff"]
    assert diff["old_distribution"]["班子等次"] == moved["distribution"]["grades"]["班子等次"]
    # a lower 一般 line only moves records down, and only out of 较好 and 一般 (the one rule
    # that reads it makes 一般, which the worst-of policy lets lower 较好 only)
    moves = {(t["old"], t["new"]) for t in diff["transitions"] if t["name"] == "班子等次"}
    assert moves and moves <= {("较好", "一般"), ("一般", "较差"), ("较好", "较差")}
    # each changed record's old and new grade are its row's with and without the slider
    for change in diff["changed"]:
        field = next(f for f in change["fields"] if f["name"] == "班子等次")
        i = change["index"]
        assert (field["old"], field["new"]) == (moved["rows"][i]["grades"]["班子等次"],
                                                unmoved["rows"][i]["grades"]["班子等次"])


def test_the_saved_file_is_the_other_thing_to_compare_with(client, folder):
    text = county(folder).replace("一般线 = 20%", "一般线 = 25%")
    assert text != county(folder)
    answer = ask(client, "analyze", text=text, against="saved")
    diff = answer["diff"]
    assert diff["against"] == "saved" and diff["choices"] == ["base", "saved"]
    assert diff["name"] == "team-county.rules"
    # raising the line from 20% to 25% can only lift records out of 一般 (and the 较差 the
    # worst-of policy got through it)
    assert diff["changed"] and all(t["old"] in ("一般", "较差") or t["name"] != "班子等次"
                                   for t in diff["transitions"])
    assert ask(client, "analyze", text=county(folder), against="saved")["diff"]["changed"] == []


def test_a_broken_text_gets_the_compilers_diagnostic_and_no_grades(client, folder):
    text = county(folder) + "\nlet 新率 = 班子优秀 + 1\n"
    answer = ask(client, "analyze", text=text)
    assert answer["ok"] is False and "distribution" not in answer
    [problem] = answer["diagnostics"]
    assert problem["code"] == "E201" and problem["severity"] == "error"
    assert "班子优秀率" in problem["message"]  # did you mean
    line = text.split("\n").index("let 新率 = 班子优秀 + 1")
    assert (problem["line"], problem["column"], problem["endColumn"]) == (line, 9, 13)


def test_the_cases_run_on_the_text_and_a_failing_one_says_why(client, folder):
    cases = json.loads((folder / "team-county.cases.json").read_text(encoding="utf-8"))["cases"]
    answer = ask(client, "analyze", text=county(folder))
    assert [r["name"] for r in answer["cases"]["rows"]] == [c["name"] for c in cases]
    assert all(r["passed"] for r in answer["cases"]["rows"])
    # at 25% a record with exactly 20% 一般+较差 is no longer 一般 in the county
    moved = ask(client, "analyze", text=county(folder), params={"一般线": "25%"})
    rows = {r["name"]: r for r in moved["cases"]["rows"]}
    exact = rows["差评率恰为20%：县区一般"]
    assert not exact["passed"] and any("一般" in p for p in exact["problems"])


def test_a_record_added_as_a_case_passes_here_and_in_evalrules_test(client, folder, records,
                                                                   capsys):
    text = county(folder)
    before = len(ask(client, "analyze", text=text)["cases"]["rows"])
    wanted = next(i for i, r in enumerate(ask(client, "analyze", text=text)["rows"])
                  if r["grades"]["班子等次"] == "较差")
    added = ask(client, "case", text=text, index=wanted, name="样本较差的一条")
    assert added["file"] == "team-county.cases.json"
    assert added["case"]["expect"] == {"班子等次": "较差"}
    assert added["case"]["input"] == json.loads(json.dumps(
        {k: v for k, v in project(records[wanted], evalrules.load(folder / "team-county.rules"))
         .items()}, default=str))
    rows = ask(client, "analyze", text=text)["cases"]["rows"]
    assert len(rows) == before + 1 and rows[-1] == {"name": "样本较差的一条", "passed": True,
                                                   "problems": []}
    capsys.readouterr()
    assert main(["test", str(folder / "team-county.rules"), "--no-checks"]) == 0
    # the same name twice is refused, with the author's words
    again = client.post("/studio/api/case", headers=ASK,
                        json={"text": text, "index": wanted, "name": "样本较差的一条"})
    assert again.status_code == 422 and "已有名为“样本较差的一条”的用例" in again.json()["error"]


def test_the_explanation_is_evalrules_explains(client, folder, capsys):
    answer = ask(client, "explain", text=county(folder), index=4)
    capsys.readouterr()
    assert main(["explain", str(folder / "team-county.rules"), str(SAMPLE), "--row", "6"]) == 0
    printed = capsys.readouterr().out
    assert answer["text"].strip() and answer["text"].strip() in printed


def test_hover_gives_the_definition_the_override_and_the_value_on_the_record(client, folder):
    text = county(folder)
    line = text.split("\n").index(next(x for x in text.split("\n")
                                       if x.startswith("override param 一般线")))
    answer = ask(client, "hover", text=text, line=line, column=18, index=0)["text"]
    assert "param 一般线 = 20%" in answer and "第二十二条（二）3" in answer
    assert "param 一般线 = 30%" in answer  # the base definition it overrides
    assert "0.2" in answer  # its value on the record


def test_saving_formats_on_request_and_writes_the_file(client, folder):
    messy = county(folder).replace("override param 一般线 = 20%", "override param 一般线   =   20%")
    plain = ask(client, "save", text=messy, fmt=False)
    assert plain == {"text": messy, "formatted": False}
    assert county(folder) == messy
    formatted = ask(client, "save", text=messy, fmt=True)
    assert formatted["formatted"] and "override param 一般线 = 20%" in formatted["text"]
    assert county(folder) == formatted["text"]
    assert main(["fmt", "--check", str(folder / "team-county.rules")]) == 0
    broken = ask(client, "save", text="ruleset 半截\nlet x = (", fmt=True)
    assert broken["formatted"] is False and broken["note"]
    assert county(folder) == "ruleset 半截\nlet x = ("


def test_it_answers_its_own_page_only(client, folder):
    assert client.post("/studio/api/start").status_code == 403
    wrong = client.post("/studio/api/analyze", headers={"X-Studio-Token": "guess"},
                        json={"text": county(folder)})
    assert wrong.status_code == 403 and "只接受本工作台页面的请求" in wrong.json()["error"]
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    page = client.get("/")
    assert page.status_code == 200 and "default-src 'none'" in \
        page.headers["content-security-policy"]
    # the page and its assets name nothing outside this machine
    for asset in ("studio.js", "studio.css"):
        body = client.get(f"/studio/static/{asset}").text
        assert not re.search(r"https?://", body), asset
    assert client.get("/studio/static/../routes.py").status_code == 404
    start = ask(client, "start")
    assert start["file"] == "team-county.rules" and "when" in start["keywords"]
    assert start["ui"]["changed"] == "{count} 条记录的结果改变"


def test_a_question_the_page_would_not_ask_is_refused_in_words(client):
    answer = client.post("/studio/api/explain", headers=ASK, json={"text": "ruleset x",
                                                                  "index": -1})
    assert answer.status_code == 422 and answer.json()["error"].startswith("请求不对")
    far = client.post("/studio/api/explain", headers=ASK,
                      json={"text": "ruleset x\n", "index": 10_000})
    assert far.status_code == 422 and far.json()["error"] == "没有第 10000 条记录"
    broken = ask(client, "explain", text="ruleset x\nlet y = (", index=0)
    assert "规则集有错误" in broken["text"]


def test_the_service_is_there_too(client):
    listed = client.get("/rulesets").json()["rulesets"]
    assert {r["name"] for r in listed} == {"team-city", "team-county"}


def test_the_command_serves_the_page_on_this_machine(folder, tmp_path):
    """``evalrules studio`` in a subprocess: it prints the address with its token, and the
    page and a question answer there."""
    httpx = pytest.importorskip("httpx")
    # the evalrules this test imports (CI tests an installed wheel, not the checkout's src/)
    env = {**os.environ, "PYTHONPATH": str(Path(evalrules.__file__).parents[1])}
    process = subprocess.Popen(
        [sys.executable, "-m", "evalrules", "studio", str(folder / "team-county.rules"),
         "--data", str(SAMPLE), "--no-browser", "--lang", "en"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line)
        assert url, line + process.stderr.read()
        base, token = url.group(0).split("/?token=")
        assert httpx.get(base + "/").status_code == 200
        answer = httpx.post(base + "/studio/api/analyze", headers={"X-Studio-Token": token},
                            json={"text": county(folder)}, timeout=30).json()
        assert answer["records"] == 300 and answer["source"] == "team-city.csv"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_new_file_without_data_starts_empty_and_is_created_on_saving(tmp_path):
    path = tmp_path / "新规则.rules"
    client = TestClient(app(Workspace(path), TOKEN), base_url="http://127.0.0.1")
    assert ask(client, "start")["text"] == ""
    empty = ask(client, "analyze", text="")
    assert empty["ok"] is False and empty["diagnostics"][0]["severity"] == "error"
    text = "ruleset 新规则\n\ninput 得分: number in 0..100\nlet 及格 = 得分 >= 60\n"
    answer = ask(client, "analyze", text=text)
    assert answer["ok"] and answer["records"] == 0 and answer["rows"] == []
    assert answer["diff"] == {"against": "saved", "choices": ["saved"], "name": "新规则.rules",
                              "missing": "文件尚未保存"}
    assert answer["cases"] == {"file": "新规则.cases.json", "rows": []}
    ask(client, "save", text=text, fmt=True)
    assert path.read_text(encoding="utf-8") == text and (path.stat().st_mode & 0o777) == 0o644
    assert ask(client, "analyze", text=text)["diff"]["changed"] == []


def test_a_slider_value_that_is_not_a_number_is_refused(client, folder):
    answer = client.post("/studio/api/analyze", headers=ASK,
                         json={"text": county(folder), "params": {"一般线": "二成"}})
    assert answer.status_code == 422 and "一般线" in answer.json()["error"]


def test_with_group_rules_a_record_is_explained_and_added_as_its_group_grades_it(tmp_path,
                                                                                 capsys):
    """范文2's quota ruleset grades a record among its 考核范围: the explanation is the one the
    whole sample gives it, and a case added from it carries its group and passes."""
    fanwen2 = ROOT / "rulesets" / "fanwen2"
    for name in ("cadre.rules", "cadre-quota.rules"):
        shutil.copy(fanwen2 / name, tmp_path / name)
    cases = json.loads((fanwen2 / "cadre-quota.cases.json").read_text(encoding="utf-8"))
    sample = [r for c in cases["cases"] for r in (c.get("group") or [c["input"]])]
    path = tmp_path / "cadre-quota.rules"
    client = TestClient(app(Workspace(path, tuple(sample)), TOKEN), base_url="http://127.0.0.1")
    text = path.read_text(encoding="utf-8")
    ruleset = evalrules.load(path)
    batch = list(ruleset.evaluate_many(project(r, ruleset) for r in sample))
    grade = "干部实绩档次"
    best = next(i for i, r in enumerate(batch) if r.error is None and r[grade] == "优秀")
    answer = ask(client, "explain", text=text, index=best)
    assert answer["values"][grade] == "优秀" and answer["text"] == batch[best].explain("zh")
    added = ask(client, "case", text=text, index=best, name="名额内的优秀")["case"]
    assert added["expect"] == {grade: "优秀"} and added["group"]
    key = sample[best]["考核范围"]
    assert all(p["考核范围"] == key for p in added["group"])
    assert len(added["group"]) == sum(r["考核范围"] == key for r in sample) - 1
    capsys.readouterr()
    assert main(["test", str(path), "--no-checks"]) == 0


def test_a_ruleset_of_scores_shows_each_scores_spread_and_value(tmp_path):
    """Without a grade table the results are scores: 定量 60% + 定性 40% of four hand-made
    records, 总分 = 0.6·甲 + 0.4·乙."""
    path = tmp_path / "总分.rules"
    text = ("ruleset 总分\n\ninput 甲: number in 0..100\ninput 乙: number in 0..100\n"
            "score 总分 = 甲 × 60% + 乙 × 40%\n")
    sample = ({"甲": 90, "乙": 80}, {"甲": 70, "乙": 100}, {"甲": "85.5", "乙": 60},
              {"甲": 100, "乙": 100})
    client = TestClient(app(Workspace(path, sample), TOKEN), base_url="http://127.0.0.1")
    answer = ask(client, "analyze", text=text)
    assert answer["scores"] == ["总分"] and answer["grades"] == {}
    # 0.6·90 + 0.4·80 = 86; 42 + 40 = 82; 51.3 + 24 = 75.3; 100
    assert [r["scores"]["总分"] for r in answer["rows"]] == ["86", "82", "75.3", "100"]
    # sorted 75.3, 82, 86, 100: the median is (82 + 86) / 2
    assert answer["distribution"]["scores"] == {"总分": {"min": "75.3", "median": "84",
                                                        "max": "100"}}


def test_peers_are_found_by_the_keys_as_the_group_rules_read_them(tmp_path):
    """类别 is a category, read without the spaces around it: "乡镇" and " 乡镇 " are one group,
    so the second record is ranked among all three 乡镇 (scores 90, 85, 80: it is second), as
    the whole sample ranks it."""
    path = tmp_path / "名次.rules"
    path.write_text("ruleset 名次\ninput 类别: one of 乡镇, 部门\n"
                    "input 实绩得分: number in 0..100\n"
                    "group by 类别:\n  rank 类别名次 by 实绩得分\n", encoding="utf-8")
    sample = ({"类别": "乡镇", "实绩得分": 90}, {"类别": " 乡镇 ", "实绩得分": 85},
              {"类别": "乡镇", "实绩得分": 80}, {"类别": "部门", "实绩得分": 99})
    client = TestClient(app(Workspace(path, sample), TOKEN), base_url="http://127.0.0.1")
    text = path.read_text(encoding="utf-8")
    assert ask(client, "analyze", text=text)["ok"]
    assert ask(client, "explain", text=text, index=1)["values"]["类别名次"] == "2"
    added = ask(client, "case", text=text, index=1, name="第二名")["case"]
    assert sorted(p["实绩得分"] for p in added["group"]) == [80, 90]
