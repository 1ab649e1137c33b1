"""JSON descriptions for the service: a JSON Schema of one ruleset's record (what
``POST /rulesets/NAME/evaluate`` accepts) and the OpenAPI description of every route, with one
concrete evaluate path per ruleset whose body is that ruleset's schema.

Bounds are exact: an integral bound is JSON Schema's ``minimum``/``maximum``; every bound is also
given as an exact string (``x-low``/``x-high``: ``"0.5"``, ``"1/3"``), since a JSON number read as
a binary float may not be the ruleset's number. Imports :mod:`ruleset` and :mod:`values`.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from ..ruleset import Field, Ruleset
from ..values import YES_NO, exact_str, json_value

#: A number written as text: a decimal or a fraction, as the CLI's JSON gives them.
NUMBER_TEXT = r"^-?[0-9]+(\.[0-9]+)?(/[0-9]+)?%?$"


def record_schema(ruleset: Ruleset, version: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a record of ``ruleset``."""
    fields = ruleset.inputs
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": ruleset.title or ruleset.name,
        "x-version": version,
        "type": "object",
        "properties": {name: field_schema(f) for name, f in fields.items()},
        "required": [name for name, f in fields.items() if f.required],
        "additionalProperties": False,
    }


def field_schema(f: Field) -> dict[str, Any]:
    number: dict[str, Any] = {"anyOf": [{"type": "number"},
                                        {"type": "string", "pattern": NUMBER_TEXT}]}
    out: dict[str, Any]
    if f.kind == "ballot":
        out = {"type": "object", "additionalProperties": False,
               "properties": {label: {"type": "integer", "minimum": 0} for label in f.labels}}
    elif f.kind == "category":
        out = {"enum": list(f.labels)}
    elif f.kind == "bool":
        out = {"anyOf": [{"type": "boolean"}, {"enum": list(YES_NO)}]}
    elif f.kind == "text":
        out = {"type": "string"}
    elif f.kind in ("history", "list"):
        out = {"type": "array"}
    elif f.kind == "integer":
        out = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^-?[0-9]+$"}]}
    elif f.kind == "number":
        out = number
    else:  # a date, or a kind added later: described by its name only
        out = {}
    out["x-kind"] = f.kind
    for bound, key, exact_key in ((f.low, "minimum", "x-low"), (f.high, "maximum", "x-high")):
        if isinstance(bound, (int, Fraction)):
            out[exact_key] = exact_str(bound)
            if Fraction(bound).denominator == 1:
                out[key] = int(bound)
    if not f.required and f.default not in (None, ()):
        out["default"] = json_value(f.default)
    return out


def component(name: str) -> str:
    """An OpenAPI component name for a ruleset name (letters, digits, ``.``, ``-``, ``_``)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name.replace("/", "."))


def openapi(rulesets: dict[str, tuple[Ruleset, str]], limits: dict[str, int]) -> dict[str, Any]:
    """The OpenAPI 3.1 description: the routes, and per ruleset (name → (ruleset, version)) its
    evaluate path with its record schema."""
    error = {"$ref": "#/components/schemas/Error"}
    json_of = _json_of
    paths: dict[str, Any] = {
        "/rulesets": {"get": {"summary": "every ruleset: name, version, title, ok",
                              "responses": {"200": json_of({"type": "object"})}}},
        "/rulesets/{name}": {"get": {
            "summary": "inputs, params, grades, outcomes, vetoes, source, version",
            "parameters": [_name()],
            "responses": {"200": json_of({"type": "object"}), "404": json_of(error)}}},
        "/rulesets/{name}/schema": {"get": {
            "summary": "the JSON Schema of a record", "parameters": [_name()],
            "responses": {"200": json_of({"type": "object"}), "404": json_of(error)}}},
        "/rulesets/{name}/evaluate": _evaluate({"anyOf": [{"type": "object"},
                                                          {"type": "array"}]}, limits, True),
        "/diff": {"post": {
            "summary": ('{"old": NAME, "new": NAME or "source": TEXT, "records": [...]} → the '
                        "records the two grade differently, and the transitions"),
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": json_of({"type": "object"}), "404": json_of(error),
                          "413": json_of(error), "422": json_of(error)}}},
        "/openapi.json": {"get": {"summary": "this description",
                                  "responses": {"200": json_of({"type": "object"})}}},
        "/check": {"post": {
            "summary": "a ruleset's text → its diagnostics",
            "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
            "responses": {"200": json_of({"$ref": "#/components/schemas/Check"}),
                          "413": json_of(error)}}},
    }
    schemas: dict[str, Any] = {
        "Error": {"type": "object", "properties": {
            "code": {"type": ["string", "null"]}, "field": {"type": ["string", "null"]},
            "rule": {"type": ["string", "null"]}, "message": {"type": "string"}}},
        "Check": {"type": "object", "properties": {
            "ok": {"type": "boolean"}, "version": {"type": "string"},
            "diagnostics": {"type": "array", "items": {"type": "object"}}}},
    }
    for name, (ruleset, version) in sorted(rulesets.items()):
        schema = record_schema(ruleset, version)
        del schema["$schema"]
        schemas[component(name)] = schema
        ref = {"$ref": f"#/components/schemas/{component(name)}"}
        paths[f"/rulesets/{name}/evaluate"] = _evaluate(
            {"anyOf": [ref, {"type": "array", "items": ref}]}, limits, False)
    return {"openapi": "3.1.0",
            "info": {"title": "evalrules decision service", "version": "1"},
            "paths": paths, "components": {"schemas": schemas}}


def _json_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "JSON", "content": {"application/json": {"schema": schema}}}


def _name() -> dict[str, Any]:
    return {"name": "name", "in": "path", "required": True, "schema": {"type": "string"},
            "description": "the ruleset's path under the directory, without .rules"}


def _evaluate(body: dict[str, Any], limits: dict[str, int], generic: bool) -> dict[str, Any]:
    error = {"$ref": "#/components/schemas/Error"}
    parameters = [
        {"name": "explain", "in": "query", "schema": {"enum": ["zh", "en"]}},
        {"name": "trace", "in": "query", "schema": {"enum": ["0", "1"]}},
        {"name": "lang", "in": "query", "schema": {"enum": ["zh", "en"]}},
    ]
    return {"post": {
        "summary": (f"grade one record or a list of at most {limits['records']}; numbers in "
                    "results are exact strings"),
        "parameters": ([_name()] if generic else []) + parameters,
        "requestBody": {"content": {
            "application/json": {"schema": body},
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {
                    "type": "string", "format": "binary",
                    "description": "one .csv or .xlsx file (any field name; its filename's "
                                   "suffix or its part's Content-Type says which)"}}}}}},
        "responses": {"200": {
            "description": "JSON results, or the file sent graded (the same Content-Type)",
            "content": {"application/json": {"schema": {"type": "object"}},
                        "text/csv": {"schema": {"type": "string"}},
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                            "schema": {"type": "string", "format": "binary"}}}},
                      "404": _json_of(error), "413": _json_of(error),
                      "415": _json_of(error), "422": _json_of(error)}}}
