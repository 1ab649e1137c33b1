"""The studio's HTTP face: its page, the page's assets and the JSON questions the page asks
(:mod:`.workspace` answers them), added to the decision service's app so that the studio is
``evalrules serve`` for the ruleset's folder plus one page.

The studio writes files, so it answers its own page only: the service listens on the loopback
address, every host name but the loopback's is refused (Starlette's ``TrustedHostMiddleware``,
against DNS rebinding), and every question must carry the token the page was opened with (a
header, which another site's page cannot send without a CORS preflight that is never granted).
The page loads nothing from elsewhere (its Content-Security-Policy says so).

Imports :mod:`.workspace`, the service (:mod:`evalrules.serve`) and the message catalogue.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from fractions import Fraction
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..diagnostics import InputError
from ..fmt import reserved
from ..messages import LANGUAGES, MESSAGES, say
from ..serve import app as service_app
from ..serve.api import MAX_BODY_BYTES
from ..values import to_number
from . import workspace
from .workspace import Refusal, Workspace

#: Host names the studio answers to (what a browser on this machine sends).
LOOPBACK = ["127.0.0.1", "localhost", "[::1]", "::1"]
#: The page's Content-Security-Policy: its own scripts and styles only (CodeMirror writes its
#: styles into <style> elements, hence inline styles), no frames, nothing sent elsewhere.
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
          "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
          "frame-ancestors 'none'")
ASSETS = {"studio.js": "text/javascript", "studio.css": "text/css",
          "editor.js": "text/javascript"}


def app(ws: Workspace, token: str, lang: str = "zh") -> Starlette:
    """The service of the ruleset's folder with the studio's page at ``/``."""
    service = service_app(ws.path.parent)
    service.state.workspace, service.state.token, service.state.lang = ws, token, lang
    service.router.routes[0:0] = [
        Route("/", page, methods=["GET"]),
        Route("/studio/static/{asset}", asset, methods=["GET"]),
        *(Route(f"/studio/api/{name}", _question(answer), methods=["POST"])
          for name, answer in QUESTIONS.items()),
    ]
    service.add_middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK)
    return service


class BadQuestion(ValueError):
    """A question the page would not ask (a missing or mistyped member): the reason."""


def _static(name: str) -> bytes:
    return (resources.files(__package__) / "static" / name).read_bytes()


async def page(request: Request) -> Response:
    return Response(_static("studio.html"), media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": POLICY, "Cache-Control": "no-store"})


async def asset(request: Request) -> Response:
    name = request.path_params["asset"]
    if name not in ASSETS:
        return Response(status_code=404)
    return Response(_static(name), media_type=ASSETS[name] + "; charset=utf-8",
                    headers={"Cache-Control": "no-store"})


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", request.app.state.lang)
    return lang if lang in LANGUAGES else "zh"


async def _ask(request: Request) -> dict[str, Any]:
    """The question's JSON object, after the token; a :class:`Refusal` says what is wrong."""
    given = request.headers.get("x-studio-token", "")
    if not hmac.compare_digest(given.encode(), request.app.state.token.encode()):
        raise PermissionError
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BadQuestion(f"over {MAX_BODY_BYTES} bytes")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise BadQuestion(f"over {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body or b"{}")
    except ValueError as e:
        raise BadQuestion(str(e)) from None
    if not isinstance(data, dict):
        raise BadQuestion("not a JSON object")
    return data


def _question(answer: Callable[[Workspace, dict[str, Any], str], Any]):
    """A route asking ``answer(workspace, question, lang)`` in a worker thread."""
    async def route(request: Request) -> JSONResponse:
        lang = _lang(request)
        try:
            question = await _ask(request)
            return JSONResponse(await run_in_threadpool(
                answer, request.app.state.workspace, question, lang))
        except PermissionError:
            return JSONResponse({"error": say("studio.forbidden", lang)}, status_code=403)
        except BadQuestion as e:
            return JSONResponse({"error": say("studio.bad_request", lang, reason=e)},
                                status_code=422)
        except Refusal as e:
            return JSONResponse({"error": str(e)}, status_code=422)
    return route


def _start(ws: Workspace, q: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the page needs once: the file, its saved text, the grammar's keywords, the words
    of the page in the studio's language, the sample data's columns."""
    ui = {key.removeprefix("studio.ui."): MESSAGES[key][LANGUAGES.index(lang)]
          for key in MESSAGES if key.startswith("studio.ui.")}  # {count}: the page fills in
    return {"file": ws.path.name, "text": workspace.saved_text(ws),
            "keywords": sorted(reserved()), "lang": lang, "ui": ui,
            "records": len(ws.records), "source": ws.source,
            "labels": list(ws.labels), "cases": ws.cases_path.name}


def _text(q: dict[str, Any]) -> str:
    text = q.get("text")
    if not isinstance(text, str):
        raise BadQuestion("text: a string is needed")
    return text


def _int(q: dict[str, Any], key: str) -> int:
    value = q.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadQuestion(f"{key}: a whole number ≥ 0 is needed")
    return value


def _params(q: dict[str, Any]) -> dict[str, Fraction]:
    """The sliders' params, read exactly as a record's numbers are ("25%", "2.5")."""
    params = q.get("params") or {}
    if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
        raise BadQuestion("params: an object of exact numbers written as strings is needed")
    try:
        return {name: to_number(value, name, "studio") for name, value in params.items()}
    except InputError as e:
        raise BadQuestion(f"params: {e}") from None


def _analyze(ws: Workspace, q: dict[str, Any], lang: str) -> dict[str, Any]:
    return workspace.analyze(ws, _text(q), _params(q), q.get("against"), lang)


def _explain(ws: Workspace, q: dict[str, Any], lang: str) -> dict[str, Any]:
    return workspace.explain(ws, _text(q), _params(q), _int(q, "index"), lang)


def _hover(ws: Workspace, q: dict[str, Any], lang: str) -> dict[str, Any]:
    index = q.get("index")
    return {"text": workspace.hover(ws, _text(q), _int(q, "line"), _int(q, "column"),
                                    None if index is None else _int(q, "index"), lang)}


def _complete(ws: Workspace, q: dict[str, Any], lang: str) -> dict[str, Any]:
    return {"items": workspace.complete(ws, _text(q), _int(q, "line"), _int(q, "column"),
                                        lang)}


def _add_case(ws: Workspace, q: dict[str, Any], lang: str) -> dict[str, Any]:
    name = q.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadQuestion("name: a case name is needed")
    return workspace.add_case(ws, _text(q), _params(q), _int(q, "index"), name.strip(), lang)


def _save(ws: Workspace, q: dict[str, Any], lang: str) -> dict[str, Any]:
    return workspace.save(ws, _text(q), bool(q.get("fmt")), lang)


#: Each question the page asks, by the last part of its address.
QUESTIONS: dict[str, Callable[[Workspace, dict[str, Any], str], Any]] = {
    "start": _start, "analyze": _analyze, "explain": _explain, "hover": _hover,
    "complete": _complete, "case": _add_case, "save": _save,
}
