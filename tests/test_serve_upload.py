"""Uploading a spreadsheet to the decision service as a form (``multipart/form-data``): the file
comes back graded exactly as ``evalrules eval -o`` writes it, a form without one spreadsheet is
refused in both languages, and the body limit holds for forms too. Then the issue's Java-free
smoke test: the real ``curl`` against ``evalrules serve rulesets/``.

The expected files are ``evalrules eval``'s own (the issue's done-when: the service's results
equal the command line's); the refusals are read off the request (no file, two files, a .txt)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
pytest.importorskip("python_multipart")

with warnings.catch_warnings():  # starlette 1.x would have httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import evalrules
from evalrules.cli import main
from evalrules.serve import api, app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
RULESETS = ROOT / "rulesets"
CITY = ROOT / "rulesets/fanwen9/team-city.rules"
CSV = ROOT / "examples/team-city.csv"
XLSX = ROOT / "examples/team-city.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "/rulesets/fanwen9/team-city/evaluate"


@pytest.fixture(scope="module")
def client():
    return TestClient(app(RULESETS))


@pytest.fixture(scope="module")
def graded_by_eval(tmp_path_factory):
    """``evalrules eval`` of the example as CSV and as .xlsx: what every upload must equal."""
    folder = tmp_path_factory.mktemp("eval")
    out = {}
    for source, suffix in ((CSV, ".csv"), (XLSX, ".xlsx")):
        target = folder / f"graded{suffix}"
        assert main(["eval", str(CITY), str(source), "-o", str(target), "--no-progress"]) == 0
        out[suffix] = target
    return out


def cells(path: Path) -> list[list[object]]:
    """Every cell of the active sheet of a workbook, row by row."""
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(row) for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()


# ---------------------------------------------------------------- in process

def test_an_uploaded_csv_comes_back_as_evalrules_eval_writes_it(client, graded_by_eval):
    response = client.post(URL, files={"file": ("team-city.csv", CSV.read_bytes())})
    assert response.status_code == 200, response.text
    assert response.content == graded_by_eval[".csv"].read_bytes()
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == \
        "attachment; filename=\"team-city.graded.csv\"; filename*=UTF-8''team-city.graded.csv"
    assert response.headers["x-evalrules-records"] == "300"
    assert response.headers["x-evalrules-failed"] == "0"
    assert response.headers["x-evalrules-version"] == \
        client.get("/rulesets/fanwen9/team-city").json()["version"]


def test_any_field_name_any_filename_and_text_fields_beside_it(client, graded_by_eval):
    """The part's Content-Type says CSV where its name does not; a Chinese name is kept
    (RFC 5987); a text field beside the file is ignored."""
    response = client.post(URL, data={"说明": "2024 年度"},
                           files={"名单": ("C:\\考核\\名单", CSV.read_bytes(), "text/csv")})
    assert response.status_code == 200, response.text
    assert response.content == graded_by_eval[".csv"].read_bytes()
    assert response.headers["content-disposition"] == \
        "attachment; filename=\"graded.csv\"; filename*=UTF-8''%E5%90%8D%E5%8D%95.graded.csv"


def test_an_uploaded_workbook_comes_back_with_evalrules_evals_cells(client, graded_by_eval,
                                                                     tmp_path):
    response = client.post(URL, files={"file": ("team-city.xlsx", XLSX.read_bytes(),
                                                "application/octet-stream")})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_TYPE
    assert response.headers["content-disposition"].endswith("team-city.graded.xlsx")
    (tmp_path / "served.xlsx").write_bytes(response.content)
    served = cells(tmp_path / "served.xlsx")
    assert served == cells(graded_by_eval[".xlsx"])
    assert any("班子等次" in row for row in served)


TEXT_ONLY = b'--B\r\nContent-Disposition: form-data; name="only"\r\n\r\ntext\r\n--B--\r\n'
EMPTY_INPUT = (b'--B\r\nContent-Disposition: form-data; name="file"; filename=""\r\n'
               b"Content-Type: application/octet-stream\r\n\r\n\r\n--B--\r\n")


@pytest.mark.parametrize(("files", "status", "zh", "en"), [
    (TEXT_ONLY, 422, "表单里没有文件", "the form holds no file"),
    (EMPTY_INPUT, 422, "表单里没有文件", "the form holds no file"),  # a file input left empty
    ([("a", ("a.csv", b"x")), ("b", ("b.csv", b"y"))], 422, "收到 2 个", "not 2"),
    ([("a", ("a.csv", b"x"))] * 3, 422, "表单（multipart/form-data）无法读取",
     "the form (multipart/form-data) cannot be read"),
    ([("file", ("notes.txt", b"x", "text/plain"))], 415, "notes.txt（类型 text/plain）",
     "the file notes.txt (type text/plain)"),
])
def test_a_form_without_one_spreadsheet_is_refused_in_both_languages(client, files, status,
                                                                      zh, en):
    version = client.get("/rulesets/fanwen9/team-city").json()["version"]
    for lang, words in (("zh", zh), ("en", en)):
        if isinstance(files, bytes):  # written by hand: httpx would name a file in either
            response = client.post(f"{URL}?lang={lang}", content=files,
                                   headers={"content-type": "multipart/form-data; boundary=B"})
        else:
            response = client.post(f"{URL}?lang={lang}", data={"only": "text"}, files=files)
        assert response.status_code == status, response.text
        assert words in response.json()["error"]["message"]
        assert response.json()["version"] == version


def test_a_broken_workbook_or_form_is_422(client):
    broken = client.post(URL, files={"file": ("x.xlsx", b"PK\x03\x04 no")})
    assert broken.status_code == 422 and broken.json()["error"]["message"]
    no_boundary = client.post(f"{URL}?lang=en", content=b"--x\r\n",
                              headers={"content-type": "multipart/form-data"})
    assert no_boundary.status_code == 422
    assert "cannot be read" in no_boundary.json()["error"]["message"]


def test_a_form_counts_against_the_body_limit(client, monkeypatch):
    body = b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n" \
           b"Content-Type: text/csv\r\n\r\n" + b"x" * 200 + b"\r\n--B--\r\n"
    form = {"content-type": "multipart/form-data; boundary=B"}
    monkeypatch.setattr(api, "MAX_BODY_BYTES", 100)
    declared = client.post(URL, content=body, headers=form)
    assert declared.status_code == 413

    def chunks():  # no Content-Length: counted as it comes
        yield from (body[i:i + 10] for i in range(0, len(body), 10))

    assert client.post(URL, content=chunks(), headers=form).status_code == 413
    lying = client.post(URL, content=chunks(), headers={**form, "content-length": "50"})
    assert lying.status_code == 413
    assert "100" in lying.json()["error"]["message"]


def test_the_openapi_description_lists_the_form(client):
    described = client.get("/openapi.json").json()
    for path in ("/rulesets/{name}/evaluate", URL):
        content = described["paths"][path]["post"]["requestBody"]["content"]
        form = content["multipart/form-data"]["schema"]
        assert form["required"] == ["file"]
        assert form["properties"]["file"]["format"] == "binary"


# ---------------------------------------------------------------- the real curl

@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``evalrules serve rulesets/`` in a process of its own on a free port."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # the evalrules this test imports (CI tests an installed wheel)
    env = {**os.environ, "PYTHONPATH": str(Path(evalrules.__file__).parents[1])}
    log = tmp_path_factory.mktemp("server") / "log"
    with open(log, "wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "evalrules", "serve", str(RULESETS),
                                   "--port", str(port)], env=env, stdout=output,
                                  stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # until it listens (not a timing assertion: it only waits)
            try:
                httpx.get(f"{base}/rulesets")
                break
            except httpx.TransportError:
                assert server.poll() is None, log.read_text("utf-8", "replace")
                time.sleep(0.1)
        yield f"{base}{URL}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def curl(*arguments: str, cwd: Path = ROOT) -> str:
    """Run the real curl; its output is the status code (``-w``)."""
    done = subprocess.run(["curl", "-sS", "-w", "%{http_code}", *arguments], cwd=cwd,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="no curl on this machine")


@needs_curl
def test_smoke_curl_grades_the_example_as_evalrules_eval_does(served, graded_by_eval, tmp_path):
    """The issue's done-when: ``curl`` against ``evalrules serve rulesets/`` grades
    examples/team-city.csv, uploaded as a form and sent as the body, and the bytes are
    ``evalrules eval``'s."""
    form, raw, headers = tmp_path / "form.csv", tmp_path / "raw.csv", tmp_path / "headers"
    assert curl("-F", "file=@examples/team-city.csv", served, "-o", str(form),
                "-D", str(headers)) == "200"
    # -OJ: saved under the name the service gives it
    assert curl("-F", f"file=@{CSV}", served, "-OJ", cwd=tmp_path) == "200"
    assert (tmp_path / "team-city.graded.csv").read_bytes() == form.read_bytes()
    assert curl("--data-binary", "@examples/team-city.csv", "-H", "Content-Type: text/csv",
                served, "-o", str(raw)) == "200"
    expected = graded_by_eval[".csv"].read_bytes()
    assert form.read_bytes() == expected
    assert raw.read_bytes() == expected
    said = headers.read_text("latin-1").lower()
    assert "filename*=utf-8''team-city.graded.csv" in said
    assert "x-evalrules-records: 300" in said


@needs_curl
def test_smoke_curl_uploads_the_workbook(served, graded_by_eval, tmp_path):
    out = tmp_path / "served.xlsx"
    assert curl("-F", "file=@examples/team-city.xlsx", served, "-o", str(out)) == "200"
    assert cells(out) == cells(graded_by_eval[".xlsx"])


@needs_curl
def test_smoke_curl_is_told_what_is_wrong(served, tmp_path):
    out = tmp_path / "refusal.json"
    assert curl("-F", "file=@README.md", f"{served}?lang=en", "-o", str(out)) == "415"
    assert "README.md" in out.read_text("utf-8")
    # '<' sends the file's text as a text field, not as a file
    assert curl("-F", "file=<examples/team-city.csv", f"{served}?lang=en", "-o", str(out)) \
        == "422"
    assert "the form holds no file" in out.read_text("utf-8")
