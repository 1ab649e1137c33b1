"""``evalrules serve``: the decision service — every ruleset of a directory over HTTP
(docs/serve.md). :func:`app` is the Starlette application; :mod:`.store` holds the compiled
rulesets, :mod:`.schema` the JSON Schema and OpenAPI descriptions, :mod:`.api` the routes.
Needs the ``serve`` extra (starlette; uvicorn to run it).
"""

from .api import MAX_BODY_BYTES, MAX_RECORDS, app

__all__ = ["MAX_BODY_BYTES", "MAX_RECORDS", "app"]
