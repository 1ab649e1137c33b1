"""``POST /diff``: two served rulesets (or one and a new text of it) on the same records, each
record whose grades, vetoes, outcomes, scores or sheets change, and the changes counted as
transitions — what ``evalrules diff --data`` says, as JSON.

The values compared and a record's changes are :mod:`compare`'s (``default_outputs``,
``record_changes``); a record is given to each ruleset with only the fields it reads
(``project``). Imports :mod:`compare`, :mod:`values` and the public face.
"""

from __future__ import annotations

from typing import Any

from .. import ast
from ..compare import ERROR, Key, default_outputs, ordered, project, record_changes
from ..result import Result
from ..ruleset import Ruleset
from ..values import json_value


def values_of(result: Result, outputs: tuple[str, ...]) -> tuple | str:
    """A result's values of ``outputs``, or the rule that refused the record."""
    error = result.error
    if error is not None:
        return error.rule or error.message
    definitions = result.ruleset.checked.definitions
    return tuple(name in result.vetoes if isinstance(definitions[name], ast.Veto)
                 else name in result.outcomes if isinstance(definitions[name], ast.Outcome)
                 else result[name] for name in outputs)


def diff(old: Ruleset, new: Ruleset, records: list) -> dict[str, Any]:
    """The changed records (``index`` in the list, each changed value old and new; the error
    first where one ruleset refuses the record) and the transitions, most frequent first."""
    a = list(old.evaluate_many([project(r, old) if isinstance(r, dict) else r for r in records]))
    b = list(new.evaluate_many([project(r, new) if isinstance(r, dict) else r for r in records]))
    return changes(old, new, a, b)


def changes(old: Ruleset, new: Ruleset, a: list[Result], b: list[Result]) -> dict[str, Any]:
    """:func:`diff` of results already graded: ``a[i]`` and ``b[i]`` one record's by each."""
    outputs = default_outputs(old, new)
    changed: list[dict[str, Any]] = []
    transitions: dict[Key, int] = {}
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        keys, fields = record_changes(values_of(x, outputs), values_of(y, outputs), outputs)
        if not keys:
            continue
        for key in keys:
            transitions[key] = transitions.get(key, 0) + 1
        shown = [{"name": f.name, "old": json_value(f.old), "new": json_value(f.new)}
                 for f in fields]
        if x.error is not None or y.error is not None:
            shown.insert(0, {"name": ERROR, "old": _error(x), "new": _error(y)})
        changed.append({"index": i, "fields": shown})
    return {"compared": list(outputs), "records": len(a), "changed": changed,
            "transitions": [{"name": k[0], "old": json_value(k[1]), "new": json_value(k[2]),
                             "count": n} for k, n in ordered(transitions, outputs).items()]}


def _error(result: Result) -> dict[str, Any] | None:
    e = result.error
    if e is None:
        return None
    return {"code": e.code, "field": e.field, "rule": e.rule, "message": e.message}
