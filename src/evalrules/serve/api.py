"""The decision service's HTTP routes (Starlette): every ruleset of a directory by name, its
record's schema, grading records as JSON, checking a ruleset's text, the OpenAPI description.

Every request reads the :class:`~evalrules.serve.store.Snapshot` once, and every response names
the version of the ruleset it used. Numbers in results are exact strings (``"0.9"``,
``"11/12"``); numbers in a record may be JSON numbers (read as decimals, never floats) or such
strings. Refusals: 404 an unknown ruleset, 409 a ruleset with errors, 413 a body over
:data:`MAX_BODY_BYTES` or more than :data:`MAX_RECORDS` records, 422 a body that is not records
or a single record that cannot be graded (the ``InputError``'s code, field, rule, message).
Messages speak ``?lang=zh`` (the default) or ``en``. A CSV or .xlsx body (by its
Content-Type), or one such file uploaded as ``multipart/form-data``, is graded into the same kind
of file (:mod:`.files`); ``POST /diff`` compares two rulesets on records (:mod:`.diffs`).

Imports the other modules of :mod:`serve` and the public face.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncGenerator
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

# Starlette parses forms with python-multipart but imports it only if present: imported here so
# that a copy without it says "evalrules serve needs the serve extra", not a 500 at an upload.
import python_multipart  # noqa: F401
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..diagnostics import Diagnostic, closest
from ..messages import LANGUAGES, say
from ..result import Result
from ..ruleset import Ruleset
from ..values import json_value
from .diffs import diff
from .files import SPREADSHEETS, Unreadable, grade_file
from .schema import openapi, record_schema
from .store import Entry, Store, compile_confined

#: The largest request body read (8 MiB: ten thousand team-city records are about 4 MiB).
MAX_BODY_BYTES = 8 << 20
#: The most records one request may grade.
MAX_RECORDS = 10_000
#: Arrays and objects inside each other in a body (a record needs 3).
MAX_NESTING = 32
#: Text fields beside the file in a form (ignored, but parsed).
MAX_FORM_FIELDS = 16


class Refused(Exception):
    """A request refused: its HTTP status and the message key and values saying why."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values
        self.head: dict[str, str] = {}  # the ruleset and version, once the request has one


def app(directory: str | os.PathLike) -> Starlette:
    """The service for every ``*.rules`` under ``directory``."""
    service = Starlette(routes=[
        Route("/rulesets", list_rulesets, methods=["GET"]),
        Route("/rulesets/{name:path}/evaluate", evaluate, methods=["POST"]),
        Route("/rulesets/{name:path}/schema", schema, methods=["GET"]),
        Route("/rulesets/{name:path}", describe, methods=["GET"]),
        Route("/check", check, methods=["POST"]),
        Route("/diff", diff_route, methods=["POST"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
    ], exception_handlers={Refused: refused})
    service.state.store = Store(directory)
    return service


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "zh")
    return lang if lang in LANGUAGES else "zh"


async def refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refused)  # registered for Refused only
    message = say(exc.key, _lang(request), **exc.values)
    return JSONResponse({**exc.head, "error": {"code": None, "field": None, "rule": None,
                                   "message": message}}, status_code=exc.status)


def _store(request: Request) -> Store:
    return request.app.state.store


def _entry(request: Request, compiled: bool = True) -> Entry:
    return _named(request, _store(request).snapshot().entries, request.path_params["name"],
                  compiled)


def _named(request: Request, entries: dict[str, Entry], name: str, compiled: bool = True
           ) -> Entry:
    entry = entries.get(name)
    if entry is None:
        close = closest(name, list(entries))
        hint = say("serve.hint", _lang(request), name=close) if close else ""
        raise Refused(404, "serve.unknown_ruleset", name=name, hint=hint)
    if compiled and entry.ruleset is None:
        raise Refused(409, "serve.not_compiled", name=name)
    return entry


async def list_rulesets(request: Request) -> JSONResponse:
    entries = _store(request).snapshot().entries
    return JSONResponse({"rulesets": [
        {"name": e.name, "version": e.version, "ok": e.ruleset is not None,
         "title": e.ruleset.title if e.ruleset is not None else None}
        for e in sorted(entries.values(), key=lambda e: e.name)]})


async def describe(request: Request) -> JSONResponse:
    entry = _entry(request, compiled=False)
    out: dict[str, Any] = {"name": entry.name, "version": entry.version,
                           "ok": entry.ruleset is not None}
    ruleset = entry.ruleset
    if ruleset is not None:
        out.update(
            title=ruleset.title,
            inputs=[{"name": f.name, "kind": f.kind, "labels": list(f.labels),
                     "low": json_value(f.low), "high": json_value(f.high),
                     "default": json_value(f.default), "required": f.required}
                    for f in ruleset.inputs.values()],
            params={k: json_value(v) for k, v in ruleset.params.items()},
            grades={k: list(v) for k, v in ruleset.grades.items()},
            vetoes=list(ruleset.vetoes), outcomes=list(ruleset.outcomes))
    out["source"] = entry.source
    out["diagnostics"] = [_diagnostic(d, _store(request).directory) for d in entry.diagnostics]
    return JSONResponse(out)


async def schema(request: Request) -> JSONResponse:
    entry = _entry(request)
    assert entry.ruleset is not None  # _entry refuses one that did not compile
    return JSONResponse(record_schema(entry.ruleset, entry.version))


async def openapi_json(request: Request) -> JSONResponse:
    entries = _store(request).snapshot().entries
    compiled = {e.name: (e.ruleset, e.version) for e in entries.values() if e.ruleset is not None}
    return JSONResponse(openapi(compiled, {"records": MAX_RECORDS, "bytes": MAX_BODY_BYTES}))


async def evaluate(request: Request) -> Response:
    entry = _entry(request)  # the one snapshot this request uses
    try:
        return await _evaluate(request, entry)
    except Refused as e:  # named with the version refusing it, as every answer is
        e.head = {"ruleset": entry.name, "version": entry.version}
        raise


async def _evaluate(request: Request, entry: Entry) -> Response:
    ruleset = entry.ruleset
    assert ruleset is not None  # _entry refuses one that did not compile
    lang = _lang(request)
    explain = request.query_params.get("explain")
    if explain is not None and explain not in LANGUAGES:
        raise Refused(400, "serve.bad_query", name="explain", allowed="zh, en")
    trace = request.query_params.get("trace", "0")
    if trace not in ("0", "1"):
        raise Refused(400, "serve.bad_query", name="trace", allowed="0, 1")
    media = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if media in SPREADSHEETS:
        return await _spreadsheet(request, entry, await _body(request), media, None)
    if media == "multipart/form-data":
        return await _spreadsheet(request, entry, *await _upload(request))
    if media not in ("application/json", "text/json", ""):
        raise Refused(415, "serve.media_type", type=media)
    data = _records(await _body(request))
    single = isinstance(data, dict)
    records = [data] if single else data
    if len(records) > MAX_RECORDS:
        raise Refused(413, "serve.too_many", limit=MAX_RECORDS, count=len(records))
    results = await run_in_threadpool(grade, ruleset, records, lang, explain, trace == "1")
    head = {"ruleset": entry.name, "version": entry.version}
    if not single:
        return JSONResponse({**head, "results": results})
    if "error" in results[0]:
        return JSONResponse({**head, **results[0]}, status_code=422)
    return JSONResponse({**head, "result": results[0]})


async def _spreadsheet(request: Request, entry: Entry, body: bytes, media: str,
                       filename: str | None) -> Response:
    """A CSV or .xlsx file graded into the same kind of file (docs/serve.md); an uploaded one
    comes back as an attachment named after it."""
    assert entry.ruleset is not None  # _entry refuses one that did not compile
    try:
        graded, count, failed = await run_in_threadpool(
            grade_file, entry.ruleset, body, SPREADSHEETS[media], _lang(request))
    except Unreadable as e:
        return JSONResponse({"ruleset": entry.name, "version": entry.version,
                             "error": {"code": None, "field": None, "rule": None,
                                       "message": e.text}}, status_code=422)
    headers = {"X-Evalrules-Ruleset": quote(entry.name), "X-Evalrules-Version": entry.version,
               "X-Evalrules-Records": str(count), "X-Evalrules-Failed": str(failed)}
    if filename is not None:
        graded_name = f"{PurePosixPath(filename).stem}.graded{SPREADSHEETS[media]}"
        headers["Content-Disposition"] = _attachment(graded_name, SPREADSHEETS[media])
    return Response(graded, media_type=media, headers=headers)


def _attachment(name: str, suffix: str) -> str:
    """A Content-Disposition naming the file ``name`` (RFC 6266): ``filename*`` the name itself,
    ``filename`` an ASCII stand-in for clients that read only it (curl -OJ)."""
    plain = name.isascii() and name.isprintable() and not set('"\\') & set(name)
    return (f'attachment; filename="{name if plain else "graded" + suffix}"; '
            f"filename*=UTF-8''{quote(name)}")


async def _upload(request: Request) -> tuple[bytes, str, str]:
    """The one file of a ``multipart/form-data`` body: its bytes, its spreadsheet type and its
    name. The body counts against :data:`MAX_BODY_BYTES` as it streams in, like any other; the
    file's part may have any field name; text fields beside it are ignored."""
    _declared_length(request)
    # a text field may be as large as the body: a file sent as one (curl -F 'file=<x.csv')
    # is then told "the form holds no file", not that a part is too large
    parser = MultiPartParser(request.headers, _limited(request), max_files=2,
                             max_fields=MAX_FORM_FIELDS, max_part_size=MAX_BODY_BYTES)
    try:
        form = await parser.parse()
    except MultiPartException as e:  # malformed, or a third file: python-multipart's words
        raise Refused(422, "serve.bad_form", reason=e.message) from None
    try:
        # a browser sends a file input left empty as a nameless empty file: not a file
        files = [v for _, v in form.multi_items()
                 if isinstance(v, UploadFile) and (v.filename or v.size)]
        if not files:
            raise Refused(422, "serve.no_file")
        if len(files) > 1:
            raise Refused(422, "serve.many_files", count=len(files))
        upload = files[0]
        # a browser may name the path it was chosen from (C:\...\x.csv): keep the last part
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        part_type = (upload.content_type or "").split(";")[0].strip().lower()
        media = part_type if part_type in SPREADSHEETS else next(
            (m for m, suffix in SPREADSHEETS.items() if name.lower().endswith(suffix)), None)
        if media is None:
            raise Refused(415, "serve.not_spreadsheet", name=name or "?", type=part_type or "?")
        return await upload.read(), media, name or f"upload{SPREADSHEETS[media]}"
    finally:
        await form.close()


async def diff_route(request: Request) -> JSONResponse:
    """``{"old": NAME, "new": NAME or "source": TEXT, "records": [...]}`` → the records the two
    grade differently (``source``: a new text of ``old``'s file, compiled where it lives)."""
    body = _records(await _body(request))
    if not (isinstance(body, dict) and isinstance(body.get("old"), str)
            and isinstance(body.get("records"), list)
            and (isinstance(body.get("new"), str) ^ isinstance(body.get("source"), str))):
        raise Refused(422, "serve.diff_body")
    records = body["records"]
    if len(records) > MAX_RECORDS:
        raise Refused(413, "serve.too_many", limit=MAX_RECORDS, count=len(records))
    store = _store(request)
    snapshot = store.snapshot()  # both rulesets from one snapshot
    old = _named(request, snapshot.entries, body["old"])
    assert old.ruleset is not None  # _named refuses one that did not compile
    if "new" in body:
        new = _named(request, snapshot.entries, body["new"])
        new_ruleset, new_name, new_version = new.ruleset, new.name, new.version
    else:
        new_ruleset, diagnostics, new_version = await run_in_threadpool(
            compile_confined, store.directory, old.path, body["source"])
        new_name = old.name
        if new_ruleset is None:
            message = say("serve.source_errors", _lang(request))
            return JSONResponse({"error": {"code": None, "field": None, "rule": None,
                                           "message": message},
                                 "diagnostics": [_diagnostic(d, store.directory)
                                                 for d in diagnostics]}, status_code=422)
    assert new_ruleset is not None  # _named refuses, and a text with errors is answered above
    answer = await run_in_threadpool(diff, old.ruleset, new_ruleset, records)
    return JSONResponse({"old": {"ruleset": old.name, "version": old.version},
                         "new": {"ruleset": new_name, "version": new_version}, **answer})


def grade(ruleset: Ruleset, records: list, lang: str, explain: str | None,
          trace: bool) -> list[dict[str, Any]]:
    """Each record's result as JSON: values (exact strings), vetoes, outcomes, and on request
    the explanation and the trace; or its error."""
    return [result_json(r, lang, explain, trace) for r in ruleset.evaluate_many(records)]


def result_json(result: Result, lang: str, explain: str | None, trace: bool) -> dict[str, Any]:
    error = result.error
    if error is not None:
        return {"error": {"code": error.code, "field": error.field, "rule": error.rule,
                          "message": error.text(lang)}}
    out = result.to_dict()
    del out["ruleset"]
    if result.warnings:
        out["warnings"] = [w.text(lang) for w in result.warnings]
    if explain is not None:
        out["explanation"] = result.explain(explain)
    if trace:
        out["trace"] = result.trace()
    return out


async def check(request: Request) -> JSONResponse:
    """A ruleset's text (the body) → its diagnostics. ``?path=NAME.rules`` says where in the
    directory it would be, for ``extends`` (which stays inside the directory)."""
    body = await _body(request)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(422, "serve.not_source") from None
    directory = _store(request).directory
    where = request.query_params.get("path", "untitled.rules")
    path = os.path.normpath(directory / where)
    if os.path.commonpath([str(directory), path]) != str(directory):
        path = str(directory / "untitled.rules")
    ruleset, diagnostics, version = await run_in_threadpool(compile_confined, directory, path,
                                                            text)
    return JSONResponse({"ok": ruleset is not None, "version": version,
                         "diagnostics": [_diagnostic(d, directory) for d in diagnostics]})


def _diagnostic(d: Diagnostic, directory: Path) -> dict[str, Any]:
    """A diagnostic as JSON, its path relative to the served directory (never the server's)."""
    out = d.to_dict()
    if out["path"]:
        try:
            out["path"] = Path(out["path"]).relative_to(directory).as_posix()
        except ValueError:
            out["path"] = Path(out["path"]).name
    return out


async def _body(request: Request) -> bytes:
    _declared_length(request)
    return b"".join([chunk async for chunk in _limited(request)])


def _declared_length(request: Request) -> None:
    """Refuse a body whose Content-Length is over the limit before reading any of it."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise Refused(413, "serve.body_too_large", limit=MAX_BODY_BYTES)


async def _limited(request: Request) -> AsyncGenerator[bytes, None]:
    """The body as it comes, refused once it passes the limit (a body without a length, or a
    length that lied)."""
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Refused(413, "serve.body_too_large", limit=MAX_BODY_BYTES)
        yield chunk


def _records(body: bytes) -> Any:
    """The body as JSON records: numbers as decimals, a key given twice refused."""
    def unique(pairs: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for key, value in pairs:
            if key in out:
                raise ValueError(f"{key!r} is given twice")
            out[key] = value
        return out

    try:
        data = json.loads(body, parse_float=Decimal, object_pairs_hook=unique)
    except RecursionError:
        raise Refused(422, "serve.bad_json", reason=f"nested deeper than {MAX_NESTING}") \
            from None
    except ValueError as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise Refused(422, "serve.bad_json", reason=str(e)) from None
    level = [data]
    for _ in range(MAX_NESTING + 1):  # level by level, so a deep value costs no recursion
        level = [v for x in level if isinstance(x, (dict, list))
                 for v in (x.values() if isinstance(x, dict) else x)]
    if level:
        raise Refused(422, "serve.bad_json", reason=f"nested deeper than {MAX_NESTING}")
    if not isinstance(data, (dict, list)):
        raise Refused(422, "serve.not_records")
    return data
