"""What the studio computes for its page: one ruleset file being edited, the sample records it is
tried on and the cases beside it. Every answer is a function of the text in the editor (saved or
not) and the params the sliders set, so the page can ask again on every keystroke.

A :class:`Workspace` holds what does not change while the studio runs (the file's path, the
records read from ``--data``); :func:`analyze` grades the records with the text (the grade
distribution, each record's grades, the diff against the base ruleset or the saved file, the
cases' results), and the other functions answer one question each (a record's explanation, hover,
completion, adding a case, saving). Positions are :mod:`analysis`'s: 0-based lines and columns
in characters.

Imports the public face, :mod:`analysis`, the service's :mod:`~evalrules.serve.diffs` and the
cases of :mod:`evalrules.testing`; never the web framework.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from attrs import field, frozen

from .. import analysis, ast
from ..compare import project
from ..diagnostics import DataError, Diagnostics, EvalRulesError, InputError, RulesetError
from ..messages import say
from ..parse import parse_into
from ..resolve import read_ruleset
from ..result import Result
from ..ruleset import Ruleset, compile
from ..serve.diffs import changes
from ..testing import record_as_case
from ..testing.cases import cases_files, load_cases, run_case
from ..values import coerce_input, exact_str, json_value

#: The records whose rows the page lists (all are graded and counted).
ROWS_SHOWN = 2000


@frozen
class Workspace:
    """The file being edited and the sample records (``source``: where they were read from)."""

    path: Path
    records: tuple[Mapping[str, Any], ...] = ()
    source: str | None = None
    #: The record columns the page shows beside the grades (names, units: not inputs).
    labels: tuple[str, ...] = field(default=())

    @property
    def cases_path(self) -> Path:
        """The cases file beside the ruleset: the one that exists, else ``NAME.cases.json``."""
        found = cases_files(self.path)
        stem = self.path.name[:-len(".rules")] if self.path.name.endswith(".rules") \
            else self.path.stem
        return found[0] if found else self.path.with_name(stem + ".cases.json")


class Refusal(EvalRulesError, ValueError):
    """A studio request that cannot be done, with a message for the author."""


def saved_text(ws: Workspace) -> str:
    return ws.path.read_text(encoding="utf-8") if ws.path.exists() else ""


def compiled(ws: Workspace, text: str, params: Mapping[str, Fraction] | None = None
             ) -> Ruleset | None:
    """The text compiled as the edited file, with the sliders' params; None with errors."""
    try:
        ruleset = compile(text, path=str(ws.path))
    except RulesetError:
        return None
    return with_params(ruleset, params or {})


def with_params(ruleset: Ruleset, params: Mapping[str, Fraction]) -> Ruleset:
    """The ruleset with the params a slider moved; a name it has no param of (the text
    changed since the slider was drawn) is left out."""
    known = {n: v for n, v in params.items() if n in ruleset.params}
    return ruleset.with_params(**known) if known else ruleset


def analyze(ws: Workspace, text: str, params: Mapping[str, Fraction] | None = None,
            against: str | None = None, lang: str = "zh") -> dict[str, Any]:
    """Everything the page shows for ``text``: its diagnostics, its params (for the sliders),
    and when it compiles, the grade distribution of the records, each record's grades, the diff
    ``against`` the base ruleset (``"base"``, where the text extends one) or the saved file
    (``"saved"``; the default where there is no base), and the cases' results."""
    problems = analysis.diagnostics(text, str(ws.path))
    out: dict[str, Any] = {
        "ok": not any(p.severity == "error" for p in problems),
        "diagnostics": [_problem(p) for p in problems],
        "records": len(ws.records), "source": ws.source,
    }
    ruleset = compiled(ws, text, params)
    if ruleset is None:
        out["ok"] = False
        return out
    results = list(ruleset.evaluate_many(project(r, ruleset) for r in ws.records))
    out.update(params=sliders(ruleset), grades={k: list(v) for k, v in ruleset.grades.items()},
               scores=list(scores(ruleset)),
               distribution=distribution(ruleset, results), rows=rows(ws, ruleset, results, lang))
    out["diff"] = compared(ws, text, ruleset, results, against, lang)
    out["cases"] = cases(ws, ruleset, lang)
    return out


def _problem(p: analysis.Problem) -> dict[str, Any]:
    r = p.range
    return {"severity": p.severity, "code": p.code, "message": p.message, "line": r.line,
            "column": r.column, "endLine": r.end_line, "endColumn": r.end_column}


def sliders(ruleset: Ruleset) -> list[dict[str, Any]]:
    """Each param written as a number, for a slider: its value now and the slider's range and
    step, exact, in the unit it is written in — 0 to 100 by 1 for a percentage (``"90"`` is
    90%), else 0 to twice the written value (at least 10) in steps of its last digit."""
    out = []
    for name, decl in ruleset.checked.params.items():
        value = ruleset.params.get(name)
        written = decl.expr if isinstance(decl.expr, ast.Number) else None
        if written is None or not isinstance(value, (int, Fraction)) or isinstance(value, bool):
            continue
        text = written.text or exact_str(written.value)
        percent = text.endswith("%")
        unit = Fraction(100) if percent else Fraction(1)
        decimals = len(text.rstrip("%").partition(".")[2])
        high = Fraction(100) if percent else max(2 * Fraction(written.value), Fraction(10))
        out.append({"name": name, "value": exact_str(value * unit),
                    "written": exact_str(written.value * unit), "low": "0",
                    "high": exact_str(high), "step": exact_str(Fraction(1, 10 ** decimals)),
                    "unit": "%" if percent else "", "cite": decl.cite})
    return out


def scores(ruleset: Ruleset) -> tuple[str, ...]:
    """The ruleset's scores and sheets, in the order written: what a ruleset without a grade
    table gives (范文5's 年度考核总分), and what a grade table is often drawn from."""
    return tuple(n for n, d in ruleset.checked.definitions.items()
                 if isinstance(d, (ast.Score, ast.Sheet)))


def distribution(ruleset: Ruleset, results: list[Result]) -> dict[str, Any]:
    """How many records got each label of each grade, best label first; each score's lowest,
    median and highest value (exact; the median of an even count is the mean of the middle
    two); and how many records could not be graded."""
    grades = {g: {label: 0 for label in labels} for g, labels in ruleset.grades.items()}
    values: dict[str, list[Fraction]] = {n: [] for n in scores(ruleset)}
    errors = 0
    for result in results:
        if result.error is not None:
            errors += 1
            continue
        for g, counts in grades.items():
            label = str(result[g])
            counts[label] = counts.get(label, 0) + 1
        for name, seen in values.items():
            value = result[name]
            if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
                seen.append(Fraction(value))
    return {"grades": grades, "errors": errors, "records": len(results),
            "scores": {n: _spread(v) for n, v in values.items() if v}}


def _spread(values: list[Fraction]) -> dict[str, str]:
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return {"min": exact_str(ordered[0]), "median": exact_str(median),
            "max": exact_str(ordered[-1])}


def rows(ws: Workspace, ruleset: Ruleset, results: list[Result], lang: str
         ) -> list[dict[str, Any]]:
    """The first :data:`ROWS_SHOWN` records as the page lists them: the record's label columns,
    each grade and score (exact), vetoes and outcomes, or the error."""
    out = []
    shown = scores(ruleset)
    for i, (record, result) in enumerate(zip(ws.records, results, strict=True)):
        if i == ROWS_SHOWN:
            break
        row: dict[str, Any] = {"index": i,
                               "labels": [str(record.get(c, "")) for c in ws.labels]}
        if result.error is not None:
            row["error"] = result.error.text(lang)
        else:
            row["grades"] = {g: result[g] for g in ruleset.grades}
            row["scores"] = {n: json_value(result[n]) for n in shown}
            row["vetoes"] = list(result.vetoes)
            row["outcomes"] = list(result.outcomes)
        out.append(row)
    return out


def base_path(ws: Workspace, text: str) -> Path | None:
    """The file the text extends, or None."""
    module = parse_into(text, str(ws.path), Diagnostics())
    extends = None if module is None else module.header.extends
    return None if extends is None else (ws.path.parent / extends)


def compared(ws: Workspace, text: str, ruleset: Ruleset, results: list[Result],
             against: str | None, lang: str) -> dict[str, Any] | None:
    """The diff of the records between ``against`` (the base or the saved file) and ``ruleset``
    (which gave them ``results``): which change and how (:func:`evalrules.serve.diffs.changes`),
    and the distribution before."""
    base = base_path(ws, text)
    choices = (["base"] if base is not None else []) + ["saved"]
    against = against if against in choices else choices[0]
    try:
        if against == "base":
            assert base is not None
            old = compile(read_ruleset(str(base)), path=str(base))
            name = base.name
        else:
            saved = saved_text(ws)
            if not saved:
                return {"against": against, "choices": choices, "name": ws.path.name,
                        "missing": say("studio.no_saved", lang)}
            old = compile(saved, path=str(ws.path))
            name = ws.path.name
    except (RulesetError, OSError) as e:
        return {"against": against, "choices": choices, "name": str(base or ws.path.name),
                "missing": say("studio.base_errors", lang, error=str(e).splitlines()[0])}
    graded = list(old.evaluate_many(project(r, old) for r in ws.records))
    answer = changes(old, ruleset, graded, results)
    before = distribution(old, graded)
    return {"against": against, "choices": choices, "name": name,
            "old_distribution": before["grades"], **answer}


def cases(ws: Workspace, ruleset: Ruleset, lang: str) -> dict[str, Any]:
    """The cases file's cases run on ``ruleset``: each one's name, whether it passes and what
    differs."""
    path = ws.cases_path
    out: dict[str, Any] = {"file": path.name, "rows": []}
    if not path.exists():
        return out
    try:
        _, found = load_cases(path)
    except (DataError, OSError) as e:
        out["error"] = str(e)
        return out
    for case in found:
        try:
            problems, _ = run_case(ruleset, case)
        except (InputError, DataError) as e:
            problems = [e.text(lang) if isinstance(e, InputError) else str(e)]
        out["rows"].append({"name": case.name, "passed": not problems, "problems": problems})
    return out


def record(ws: Workspace, index: int, lang: str) -> Mapping[str, Any]:
    if not 0 <= index < len(ws.records):
        raise Refusal(say("studio.no_record", lang, index=index))
    return ws.records[index]


def explain(ws: Workspace, text: str, params: Mapping[str, Fraction], index: int, lang: str
            ) -> dict[str, Any]:
    """Why record ``index`` got its grades, in words; or why it cannot be graded."""
    ruleset = compiled(ws, text, params)
    if ruleset is None:
        return {"index": index, "text": say("studio.not_compiled", lang)}
    try:
        result = among(ws, ruleset, index, lang).evaluate(
            project(record(ws, index, lang), ruleset))
    except InputError as e:
        return {"index": index, "text": e.text(lang), "error": True}
    return {"index": index, "text": result.explain(lang),
            "values": {k: json_value(result[k]) for k in result}}


class Among:
    """A ruleset with group rules grading one record among its peers in the sample: the other
    records with the same value of some group's keys (``group by``). It is what
    :func:`evalrules.testing.record_as_case` asks of a grouped ruleset: ``evaluate`` and
    ``peers``, the rest the ruleset's own."""

    def __init__(self, ruleset: Ruleset, others: list[Mapping[str, Any]]) -> None:
        self.ruleset, self.others = ruleset, others

    def peers(self, record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        return self.others

    def evaluate(self, record: Mapping[str, Any]) -> Result:
        return self.ruleset.evaluate(record, group=self.others)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ruleset, name)


def among(ws: Workspace, ruleset: Ruleset, index: int, lang: str) -> Ruleset | Among:
    """The ruleset that grades record ``index`` as the whole sample does: itself, or with group
    rules, itself among its peers — the records in one of its groups, their keys read as the
    group rules read them (a category written ``乡镇`` or `` 乡镇 `` is one group)."""
    checked = ruleset.checked
    if not checked.groups:
        return ruleset

    def keys(r: Mapping[str, Any]) -> list[tuple | None]:
        out: list[tuple | None] = []
        for block in checked.groups:
            try:
                out.append(tuple(coerce_input(checked, checked.inputs[k], r.get(k),
                                              ruleset.constants) for k in block.keys))
            except InputError:  # in no group: graded alone, and its error said there
                out.append(None)
        return out

    mine = keys(record(ws, index, lang))
    others: list[Mapping[str, Any]] = [
        project(r, ruleset) for i, r in enumerate(ws.records) if i != index and any(
            k is not None and k == m for k, m in zip(keys(r), mine, strict=True))]
    return Among(ruleset, others)


def hover(ws: Workspace, text: str, line: int, column: int, index: int | None, lang: str
          ) -> str | None:
    """:func:`analysis.hover`, with the value on the selected record."""
    chosen = record(ws, index, lang) if index is not None else None
    ruleset = compiled(ws, text) if chosen is not None else None
    if chosen is not None and ruleset is not None:  # a column it does not read is not given
        chosen = project(chosen, ruleset)
    return analysis.hover(text, str(ws.path), line, column, lang, record=chosen)


def complete(ws: Workspace, text: str, line: int, column: int, lang: str
             ) -> list[dict[str, str]]:
    return [{"label": c.label, "type": c.kind, "detail": c.detail}
            for c in analysis.completion(text, str(ws.path), line, column, lang)]


def add_case(ws: Workspace, text: str, params: Mapping[str, Fraction], index: int, name: str,
             lang: str) -> dict[str, Any]:
    """Record ``index`` appended to the cases file, expecting what the text (with the sliders'
    params) gives it now; the file is made beside the ruleset when there is none."""
    ruleset = compiled(ws, text, params)
    if ruleset is None:
        raise Refusal(say("studio.not_compiled", lang))
    path = ws.cases_path
    if path.name.endswith(".cases.csv"):
        raise Refusal(say("studio.csv_cases", lang, file=path.name))
    case = record_as_case(among(ws, ruleset, index, lang),
                          project(record(ws, index, lang), ruleset), name)
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        indent = _indent(path.read_text(encoding="utf-8"))
    else:
        data, indent = {"ruleset": ws.path.name, "cases": []}, 1
    taken = {c.get("name") for c in data["cases"]}
    if case["name"] in taken:
        raise Refusal(say("studio.case_exists", lang, name=case["name"]))
    data["cases"].append(case)
    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=indent) + "\n")
    return {"file": path.name, "case": case}


def _indent(text: str) -> int:
    """The indent of a JSON file's second line (what the file was written with)."""
    lines = text.splitlines()
    return len(lines[1]) - len(lines[1].lstrip(" ")) if len(lines) > 1 else 1


def save(ws: Workspace, text: str, fmt: bool, lang: str) -> dict[str, Any]:
    """Write the text to the file, formatted as ``evalrules fmt`` writes it on request (a text
    that does not parse is saved as it is, and the answer says it was not formatted)."""
    formatted = analysis.formatting(text, str(ws.path)) if fmt else None
    written = formatted if formatted is not None else text
    write_atomically(ws.path, written)
    out: dict[str, Any] = {"text": written, "formatted": formatted is not None}
    if fmt and formatted is None:
        out["note"] = say("studio.not_formatted", lang)
    return out


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step, so the service and the author's editor never read half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
