"""The decision service (evalrules.serve): routes, refusals, versions, reloads, OpenAPI.

Expected grades come from the bundled rulesets' hand-computed cases files, or from a small
ruleset whose answers are read off its one line (分 ≥ 线 is 好)."""

from __future__ import annotations

import json
import os
import threading
import warnings
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # starlette 1.x would have httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import evalrules
from evalrules import load
from evalrules.serve import api, app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
RULESETS = ROOT / "rulesets"

SMALL = """ruleset 小
  title "small"

scale 等次: 好 > 差

input 分: number in 0..100
param 线 = {line}

grade 等次 (first):
  好 when 分 >= 线
  otherwise 差
"""


def write(path: Path, text: str) -> None:
    """Write as an editor saving atomically does: a new file renamed over the old."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@pytest.fixture(scope="module")
def bundled():
    return TestClient(app(RULESETS))


@pytest.fixture
def small(tmp_path):
    write(tmp_path / "small.rules", SMALL.format(line=60))
    return tmp_path, TestClient(app(tmp_path))


def test_lists_every_bundled_ruleset_by_name_and_version(bundled):
    listed = {r["name"]: r for r in bundled.get("/rulesets").json()["rulesets"]}
    expected = {p.relative_to(RULESETS).with_suffix("").as_posix()
                for p in RULESETS.rglob("*.rules")}
    assert set(listed) == expected
    assert all(r["ok"] and len(r["version"]) == 16 for r in listed.values())
    # a variant is its own text plus its base's: its own version
    assert listed["fanwen9/team-county"]["version"] != listed["fanwen9/team-city"]["version"]


def test_describes_a_ruleset(bundled):
    body = bundled.get("/rulesets/fanwen9/team-county").json()
    assert body["params"]["一般线"] == "0.2"  # the county's override of 30%
    assert body["grades"] == {"班子等次": ["优秀", "较好", "一般", "较差"]}
    assert body["outcomes"] == ["物质奖励", "集体谈话限期改进"]
    assert body["source"] == (RULESETS / "fanwen9/team-county.rules").read_text("utf-8")
    inputs = {f["name"]: f for f in body["inputs"]}
    assert inputs["班子测评"]["kind"] == "ballot"
    assert inputs["存在突出问题"]["required"] is False


@pytest.mark.parametrize("name", ["fanwen9/team-city", "fanwen9/cadre-county",
                                  "fanwen4/satisfaction"])
def test_grades_the_cases_as_computed_by_hand(bundled, name):
    cases = json.loads((RULESETS / f"{name}.cases.json").read_text("utf-8"))["cases"]
    for case in cases:
        response = bundled.post(f"/rulesets/{name}/evaluate", json=case["input"])
        body = response.json()
        assert body["ruleset"] == name and body["version"]
        if "input_error" in case:
            assert response.status_code == 422, case["name"]
            assert body["error"]["field"] == case["input_error"]
            continue
        assert response.status_code == 200, (case["name"], body)
        values = body["result"]["values"]
        for field, value in case.get("expect", {}).items():
            assert values[field] == value, (case["name"], field)
        if "vetoes" in case:
            assert sorted(body["result"]["vetoes"]) == sorted(case["vetoes"])
        if "outcomes" in case:
            assert sorted(body["result"]["outcomes"]) == sorted(case["outcomes"])


def test_a_list_is_one_batch_for_group_rules(bundled):
    """A case of a ruleset with group rules gives its group beside the record: posted together
    as one list, the record is ranked among them as the case computes by hand."""
    name = "fanwen2/team-dept-rank"
    cases = json.loads((RULESETS / f"{name}.cases.json").read_text("utf-8"))["cases"]
    grouped = [c for c in cases if "group" in c and "expect" in c]
    assert grouped
    for case in grouped:
        body = bundled.post(f"/rulesets/{name}/evaluate",
                            json=[case["input"], *case["group"]]).json()
        values = body["results"][0]["values"]
        for field, value in case["expect"].items():
            assert values[field] == value, (case["name"], field)


def test_a_list_gets_one_result_or_error_each(small):
    _, client = small
    body = client.post("/rulesets/small/evaluate?lang=en",
                       json=[{"分": 60}, {"分": "59.99"}, {"分": 101}, {}]).json()
    results = body["results"]
    assert [r.get("values", {}).get("等次") for r in results[:2]] == ["好", "差"]
    assert results[2]["error"]["field"] == "分"
    assert results[3]["error"]["field"] == "分"
    expected = load_small().evaluate_many([{"分": 101}])
    assert results[2]["error"]["message"] == str(next(expected).error)


def load_small():
    from evalrules import compile

    return compile(SMALL.format(line=60))


def test_numbers_are_exact_both_ways(small):
    _, client = small
    # 59.99999999999999999 is below 60; as a binary float it would be 60.0
    below = client.post("/rulesets/small/evaluate",
                        content=b'{"\xe5\x88\x86": 59.99999999999999999}').json()
    assert below["result"]["values"]["等次"] == "差"
    assert below["result"]["values"]["分"] == "59.99999999999999999"
    third = client.post("/rulesets/small/evaluate", json={"分": "181/3"}).json()
    assert third["result"]["values"]["分"] == "181/3"  # 60⅓: 好
    assert third["result"]["values"]["等次"] == "好"


def test_a_bad_record_is_422_with_the_input_errors_fields(small):
    _, client = small
    response = client.post("/rulesets/small/evaluate?lang=en", json={"分": "abc"})
    assert response.status_code == 422
    error = response.json()["error"]
    with pytest.raises(Exception) as raised:
        load_small().evaluate({"分": "abc"})
    assert error == {"code": raised.value.code, "field": "分", "rule": raised.value.rule,
                     "message": str(raised.value)}
    zh = client.post("/rulesets/small/evaluate", json={"分": "abc"}).json()["error"]
    assert zh["message"] == raised.value.text("zh")


@pytest.mark.parametrize("body", [b"{", b'"text"', b"[1", b'{"a": 1, "a": 2}',
                                  b"[" * 40 + b"]" * 40])
def test_a_body_that_is_not_records_is_422(small, body):
    _, client = small
    response = client.post("/rulesets/small/evaluate", content=body)
    assert response.status_code == 422
    assert response.json()["error"]["message"]


def test_too_large_or_too_many_is_413(small, monkeypatch):
    _, client = small
    monkeypatch.setattr(api, "MAX_RECORDS", 3)
    assert client.post("/rulesets/small/evaluate", json=[{"分": 1}] * 3).status_code == 200
    too_many = client.post("/rulesets/small/evaluate?lang=en", json=[{"分": 1}] * 4)
    assert too_many.status_code == 413
    assert "at most 3 records" in too_many.json()["error"]["message"]
    assert too_many.json()["version"] == client.get("/rulesets/small").json()["version"]
    monkeypatch.setattr(api, "MAX_BODY_BYTES", 100)
    assert client.post("/rulesets/small/evaluate", json=[{"分": 1}] * 12).status_code == 413

    def chunks():  # no Content-Length: counted as it comes
        for _ in range(20):
            yield b"          "

    assert client.post("/rulesets/small/evaluate", content=chunks()).status_code == 413


def test_an_unknown_ruleset_is_404_with_the_closest_name(bundled):
    response = bundled.post("/rulesets/fanwen9/team-cty/evaluate?lang=en", json={})
    assert response.status_code == 404
    assert "did you mean fanwen9/team-city" in response.json()["error"]["message"]
    assert bundled.get("/rulesets/nothing").status_code == 404
    assert bundled.get("/rulesets/nothing/schema").status_code == 404


def test_explain_and_trace_are_the_librarys(bundled):
    case = json.loads((RULESETS / "fanwen9/team-city.cases.json").read_text("utf-8"))["cases"][0]
    body = bundled.post("/rulesets/fanwen9/team-city/evaluate?explain=en&trace=1",
                        json=case["input"]).json()["result"]
    result = load(RULESETS / "fanwen9/team-city.rules").evaluate(case["input"])
    assert body["explanation"] == result.explain("en")
    assert body["trace"] == json.loads(json.dumps(result.trace()))
    assert bundled.post("/rulesets/fanwen9/team-city/evaluate?explain=fr",
                        json=case["input"]).status_code == 400


def test_extends_never_leaves_the_directory(tmp_path):
    served = tmp_path / "served"
    write(tmp_path / "outside.rules", SMALL.format(line=60))
    write(served / "inside.rules", SMALL.format(line=60))
    write(served / "escape.rules", 'ruleset 逃 extends "../outside.rules"\n  title "t"\n')
    write(served / "fine.rules", 'ruleset 好的 extends "inside.rules"\n  title "t"\n')
    client = TestClient(app(served))
    listed = {r["name"]: r["ok"] for r in client.get("/rulesets").json()["rulesets"]}
    assert listed == {"inside": True, "escape": False, "fine": True}
    body = client.get("/rulesets/escape").json()
    assert [d["code"] for d in body["diagnostics"]] == ["E507"]
    assert "outside the served directory" in body["diagnostics"][0]["message"]
    assert client.post("/rulesets/escape/evaluate", json={"分": 1}).status_code == 409
    checked = client.post("/check",
                          content='ruleset x extends "../outside.rules"\n  title "t"\n').json()
    assert not checked["ok"] and checked["diagnostics"][0]["code"] == "E507"


def test_check_gives_diagnostics_as_json(small):
    _, client = small
    good = client.post("/check", content=SMALL.format(line=70).encode()).json()
    assert good["ok"] and good["diagnostics"] == []
    bad = client.post("/check", content=SMALL.format(line=70).replace("线 = 70", "线 = ")
                      .encode()).json()
    assert not bad["ok"]
    (d,) = bad["diagnostics"]
    assert (d["line"], d["code"]) == (7, "E102")
    assert set(d) >= {"code", "line", "column", "message", "hint"}
    # extends resolved inside the directory, relative to ?path
    child = client.post("/check?path=sub/child.rules",
                        content='ruleset 子 extends "../small.rules"\n  title "t"\n').json()
    assert child["ok"], child


def test_schema_and_openapi(small):
    _, client = small
    schema = client.get("/rulesets/small/schema").json()
    assert schema["required"] == ["分"]
    assert schema["properties"]["分"]["minimum"] == 0
    assert schema["properties"]["分"]["maximum"] == 100
    assert schema["x-version"] == client.get("/rulesets/small").json()["version"]
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert "/rulesets/small/evaluate" in spec["paths"]
    assert spec["components"]["schemas"]["small"]["required"] == ["分"]
    routes = {r.path.replace("{name:path}", "{name}") for r in client.app.routes}
    assert routes <= set(spec["paths"])


def test_a_changed_file_is_served_at_its_new_version(small):
    directory, client = small
    old = client.post("/rulesets/small/evaluate", json={"分": 65}).json()
    write(directory / "small.rules", SMALL.format(line=70))
    new = client.post("/rulesets/small/evaluate", json={"分": 65}).json()
    assert (old["result"]["values"]["等次"], new["result"]["values"]["等次"]) == ("好", "差")
    assert old["version"] != new["version"]
    write(directory / "small.rules", SMALL.format(line=60))  # back: the same text, version
    assert client.post("/rulesets/small/evaluate", json={"分": 65}).json()["version"] == \
        old["version"]
    (directory / "small.rules").write_text(SMALL.format(line=80), encoding="utf-8")  # in place,
    # the same size, maybe within the clock's tick: seen by its content
    assert client.post("/rulesets/small/evaluate", json={"分": 65}).json()["result"][
        "values"]["线"] == "80"


def test_a_changed_base_changes_its_variants_version(small):
    directory, client = small
    write(directory / "variant.rules", 'ruleset 变 extends "small.rules"\n  title "t"\n')
    before = client.get("/rulesets/variant").json()["version"]
    write(directory / "small.rules", SMALL.format(line=61))
    after = client.get("/rulesets/variant").json()
    assert after["version"] != before and after["params"]["线"] == "61"


def test_concurrent_requests_during_reloads_never_see_a_mixed_version(small):
    """Writers flip the line between 60 and 70 while readers grade 分 = 65 in batches: every
    response's grades all agree with the line its version names (a batch graded half by one
    version and half by the other, or a version paired with the other text, would not)."""
    directory, client = small
    seen: list[tuple[str, str, set[str]]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                body = client.post("/rulesets/small/evaluate", json=[{"分": 65}] * 50).json()
                lines = {r["values"]["线"] for r in body["results"]}
                grades = {r["values"]["等次"] for r in body["results"]}
                seen.append((body["version"], "/".join(sorted(lines)), grades))
        except BaseException as e:  # reported below, not lost in the thread
            errors.append(e)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    for i in range(30):
        write(directory / "small.rules", SMALL.format(line=(60, 70)[i % 2]))
    stop.set()
    for t in readers:
        t.join()
    assert not errors
    by_version: dict[str, set[str]] = {}
    for version, lines, grades in seen:
        assert lines in ("60", "70")  # one version per response
        assert grades == ({"好"} if lines == "60" else {"差"})
        by_version.setdefault(version, set()).add(lines)
    assert all(len(lines) == 1 for lines in by_version.values())  # a version is one text
    assert len(by_version) == 2, by_version  # and both were served


def test_decimal_records_are_read_as_decimals():
    assert api._records(b'{"a": 0.1}') == {"a": Decimal("0.1")}


@pytest.mark.parametrize("workers", [1, 2])
def test_smoke_a_served_directory_grades_the_example_as_evalrules_eval_does(tmp_path, workers):
    """`evalrules serve rulesets/` in a process of its own (two worker processes sharing one
    socket, too), on a free port; team-city.csv's records posted over HTTP as JSON; every
    result equals `evalrules eval`'s row."""
    import csv
    import re
    import socket
    import subprocess
    import sys
    import time

    import httpx

    out = tmp_path / "graded.json"
    # the evalrules this test imports (CI tests an installed wheel, not the checkout's src/)
    env = {**os.environ, "PYTHONPATH": str(Path(evalrules.__file__).parents[1])}
    subprocess.run([sys.executable, "-m", "evalrules", "eval",
                    str(RULESETS / "fanwen9/team-city.rules"),
                    str(ROOT / "examples/team-city.csv"), "-o", str(out), "--no-progress"],
                   check=True, env=env, capture_output=True)
    expected = json.loads(out.read_text("utf-8"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "evalrules", "serve", str(RULESETS),
                               "--port", str(port), "--workers", str(workers), "--lang", "en"],
                              env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # until it listens (not a timing assertion: it only waits)
            try:
                httpx.get(f"{base}/rulesets")
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()
                time.sleep(0.1)
        described = httpx.get(f"{base}/rulesets/fanwen9/team-city").json()
        kinds = {f["name"]: f["kind"] for f in described["inputs"]}
        with open(ROOT / "examples/team-city.csv", encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        records = []
        for row in rows:
            record: dict = {}
            for column, cell in row.items():
                name, _, label = column.partition(".")
                if kinds.get(name) == "ballot":
                    record.setdefault(name, {})[label] = int(cell)
                elif name in kinds:
                    record[name] = cell
            records.append(record)
        body = httpx.post(f"{base}/rulesets/fanwen9/team-city/evaluate", json=records,
                          timeout=60).json()
        assert body["version"] == described["version"]
        results = body["results"]
        assert len(results) == len(expected) == 300
        split = re.compile(r"[,、;；]\s*")
        for want, got in zip(expected, results, strict=True):
            assert not want["error"] and "error" not in got
            computed = [n for n in got["values"] if n not in kinds and n in want]
            assert "班子等次" in computed
            for name in computed:  # the grade and every share eval writes
                assert want[name] == got["values"][name], (want["编号"], name)
            assert set(got["vetoes"]) == set(filter(None, split.split(want["vetoes"])))
            assert set(got["outcomes"]) == set(filter(None, split.split(want["outcomes"])))
    finally:
        server.terminate()
        server.communicate(timeout=30)


# ---------------------------------------------------------------- files and diffs

CITY_RECORD = {"考核目标完成": "一般", "班子状况": "团结协调", "干部精神状态好": True,
               "班子测评": {"优秀": 5, "较好": 10, "一般": 5, "较差": 0},  # 一般+较差: 25%
               "正职测评": {"优秀": 6, "称职": 3, "基本称职": 1, "不称职": 0}}


def test_a_csv_body_comes_back_as_evalrules_eval_writes_it(bundled, tmp_path):
    from evalrules.cli import main

    out = tmp_path / "graded.csv"
    assert main(["eval", str(RULESETS / "fanwen9/team-city.rules"),
                 str(ROOT / "examples/team-city.csv"), "-o", str(out), "--no-progress"]) == 0
    response = bundled.post("/rulesets/fanwen9/team-city/evaluate",
                            content=(ROOT / "examples/team-city.csv").read_bytes(),
                            headers={"content-type": "text/csv"})
    assert response.status_code == 200
    assert response.content == out.read_bytes()
    assert response.headers["x-evalrules-records"] == "300"
    assert response.headers["x-evalrules-version"] == \
        bundled.get("/rulesets/fanwen9/team-city").json()["version"]


def test_an_xlsx_body_comes_back_graded(bundled, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = bundled.post("/rulesets/fanwen9/team-city/evaluate",
                            content=(ROOT / "examples/team-city.xlsx").read_bytes(),
                            headers={"content-type": xlsx})
    assert response.status_code == 200, response.text
    (tmp_path / "graded.xlsx").write_bytes(response.content)
    sheet = openpyxl.load_workbook(tmp_path / "graded.xlsx").active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "班子等次" in r)
    graded = [r[header.index("班子等次")] for r in rows[rows.index(header) + 1:] if r[0]]
    assert len(graded) == 300 and set(graded) <= {"优秀", "较好", "一般", "较差"}
    broken = bundled.post("/rulesets/fanwen9/team-city/evaluate", content=b"PK\x03\x04 no",
                          headers={"content-type": xlsx})
    assert broken.status_code == 422 and broken.json()["error"]["message"]


def test_diff_of_two_served_rulesets(bundled):
    """The county's 一般线 is 20%: a record with 考核目标完成 一般 and 25% 一般+较差 votes meets
    two of the three 一般 conditions there (most of), one in the city (较好 there), so it loses
    物质奖励 (较好 and above) and gets 集体谈话限期改进 (一般 and below); a record with 10% is
    较好 in both."""
    other = {**CITY_RECORD, "班子测评": {"优秀": 8, "较好": 10, "一般": 2, "较差": 0}}
    body = bundled.post("/diff", json={"old": "fanwen9/team-city", "new": "fanwen9/team-county",
                                       "records": [other, CITY_RECORD]}).json()
    assert body["old"]["ruleset"] == "fanwen9/team-city" and body["new"]["version"]
    assert body["changed"] == [{"index": 1, "fields": [
        {"name": "班子等次", "old": "较好", "new": "一般"},
        {"name": "物质奖励", "old": True, "new": False},
        {"name": "集体谈话限期改进", "old": False, "new": True}]}]
    assert body["transitions"][0] == {"name": "班子等次", "old": "较好", "new": "一般",
                                      "count": 1}
    assert len(body["transitions"]) == 3


def test_diff_against_a_new_text(bundled):
    text = (RULESETS / "fanwen9/team-city.rules").read_text("utf-8")
    changed = text.replace("param 一般线 = 30%", "param 一般线 = 20%")
    assert changed != text
    body = bundled.post("/diff", json={"old": "fanwen9/team-city", "source": changed,
                                       "records": [CITY_RECORD, {"班子测评": 1}]}).json()
    assert body["changed"][0]["index"] == 0 and len(body["changed"]) == 1  # both refuse #2
    assert body["new"]["version"] != body["old"]["version"]
    broken = bundled.post("/diff", json={"old": "fanwen9/team-city", "source": "ruleset",
                                         "records": []})
    assert broken.status_code == 422 and broken.json()["diagnostics"]
    assert bundled.post("/diff", json={"old": "fanwen9/team-city"}).status_code == 422


def test_the_command_refuses_a_missing_directory_and_names_broken_rulesets(tmp_path, capsys,
                                                                         monkeypatch):
    from evalrules.cli import main

    assert main(["serve", str(tmp_path / "nowhere"), "--lang", "en"]) == 2
    assert "is not a directory" in capsys.readouterr().err
    write(tmp_path / "broken.rules", "ruleset 坏\nlet a = b\n")
    import uvicorn

    ran = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.append(options))
    assert main(["serve", str(tmp_path), "--port", "8123", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert "serving 1 rulesets" in out and "broken.rules: the ruleset has errors" in err
    assert ran == [{"host": "127.0.0.1", "port": 8123, "log_level": "warning"}]
