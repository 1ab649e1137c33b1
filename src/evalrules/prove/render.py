"""A verify :class:`~prove.report.Report` for people (:func:`text`, in Chinese or English) and for
programs (:func:`data`, JSON-ready, numbers as exact strings).

A clean run is short: the verdict counts what was proved. What does not hold follows, bugs of
evalrules first (a counterexample the reference evaluator does not reproduce is never shown as a
finding), then errors, then warnings; each says what was asked, what its counterexample shows,
and the counterexample itself as cases ready to paste into the ruleset's cases file (the format
:mod:`testing.cases` reads); an unknown says why in words.

Imports :mod:`prove.report`, :mod:`backends.reference` (the cases' expected values),
:mod:`messages`, :mod:`values` and :mod:`ruleset`.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from fractions import Fraction

from .. import ast
from ..backends import reference
from ..diagnostics import InputError
from ..messages import MESSAGES, Said, say
from ..ruleset import Ruleset
from ..values import exact_str, json_value
from .report import Counterexample, Kind, Obligation, Report, Severity
from .solve import TIMEOUT, Status

#: The obligations that ask whether some valid record exists: refuted, there is none to show.
EXISTS = frozenset({Kind.REACHABLE, Kind.DECIDES, Kind.VETO, Kind.OUTCOME_HOLDS,
                    Kind.OUTCOME_FAILS})


def text(report: Report, lang: str, *, ruleset: Ruleset | None = None,
         timeout: float = TIMEOUT, verbose: bool = False) -> str:
    """The report in ``lang``. Given the ``ruleset``, each counterexample's cases carry what it
    gives for them now (``expect``, ``vetoes``, ``outcomes``); ``timeout`` is the one the run
    used (a timed-out answer says it); ``verbose`` lists the proved obligations too."""
    counts = _counts(report)
    seconds = f"{report.seconds:.1f}"
    lines = [report.ruleset if report.path is None else
             say("verify.report.heading", lang, name=report.ruleset, path=report.path)]
    if counts[Status.REFUTED] or counts[Status.UNKNOWN]:
        lines.append(say("verify.report.verdict", lang, proved=counts[Status.PROVED],
                         refuted=counts[Status.REFUTED], unknown=counts[Status.UNKNOWN],
                         seconds=seconds))
    else:
        lines.append(say("verify.report.all_proved", lang, proved=counts[Status.PROVED],
                         seconds=seconds))
    if report.grouped:
        lines.append(say("verify.report.grouped", lang))
    if report.abstract:
        lines.append(say("verify.report.abstract", lang))
    bugs = report.bugs
    for o in bugs:
        lines += ["", *_bug(o, lang)]
    for severity in (Severity.ERROR, Severity.WARNING):
        for o in report.obligations:
            if o.failed and o.severity == severity and o not in bugs:
                lines += ["", *_finding(o, lang, report, ruleset, timeout)]
    if verbose:
        proved = [o for o in report.obligations if not o.failed]
        if proved:
            lines.append("")
        lines += [say("verify.report.proved_line", lang, subject=o.subject) for o in proved]
    return "\n".join(lines)


def data(report: Report, lang: str, *, ruleset: Ruleset | None = None) -> dict:
    """The report as JSON-ready data: every obligation, proved ones included; records and values
    with numbers as exact strings (``"0.3"``, ``"1/3"``), as the rest of the CLI's JSON; each
    counterexample's ``shows`` in ``lang`` and its cases as :func:`text` prints them."""
    counts = _counts(report)
    return {
        "ruleset": report.ruleset, "path": report.path, "ok": report.ok,
        "grouped": report.grouped, "abstract": report.abstract,
        "seconds": round(report.seconds, 3),
        **{str(status): counts[status] for status in Status},
        "obligations": [_obligation_data(o, lang, report, ruleset) for o in report.obligations],
    }


def cases(o: Obligation, lang: str, ruleset: Ruleset | None = None) -> list[dict]:
    """The counterexample of ``o`` as cases of a cases file: one, or two for a move (before and
    after). Given the ruleset, each carries what it gives for the record now."""
    ce = o.counterexample
    if ce is None:
        return []
    if len(ce.records) == 2:
        names = [say("verify.report.case_before", lang, subject=o.subject),
                 say("verify.report.case_after", lang, subject=o.subject)]
    else:
        name = say("verify.report.case_name", lang, subject=o.subject)
        names = [name if len(ce.records) == 1 else f"{name} {i}"
                 for i in range(1, len(ce.records) + 1)]
    return [_case(ruleset, record, name, ce.decisions)
            for record, name in zip(ce.records, names, strict=True)]


def _counts(report: Report) -> dict[Status, int]:
    counts = dict.fromkeys(Status, 0)
    for o in report.obligations:
        counts[o.status] += 1
    return counts


def _bug(o: Obligation, lang: str) -> list[str]:
    # the counterexample, or the example an existence question found, that did not replay
    found = next(c for c in (o.counterexample, o.witness) if c is not None and not c.replayed)
    return [say("verify.report.bug", lang, subject=o.subject),
            *(say("verify.report.record", lang, record=_dumps(_plain(r)))
              for r in found.records),
            *_decisions(found, lang)]


def _finding(o: Obligation, lang: str, report: Report, ruleset: Ruleset | None,
             timeout: float) -> list[str]:
    lines = [say("verify.report.obligation", lang,
                 severity=say(f"verify.report.{o.severity}", lang),
                 status=say(f"verify.report.{o.status}", lang), subject=o.subject),
             say("verify.report.asked", lang,
                 asked=say(f"verify.report.asks.{o.kind}", lang, subject=o.subject))]
    if o.status == Status.REFUTED and o.kind in EXISTS:
        lines.append(say("verify.report.none", lang))
    if o.related:
        key = "verify.report.masked_by" if o.kind == Kind.DECIDES else "verify.report.related"
        lines.append(say(key, lang, names=tuple(o.related)))
    if o.status == Status.UNKNOWN:
        lines.append(_why(o.reason, lang, timeout))
    elif o.reason == "never-holds":  # a rule no valid record meets, whatever the others say
        lines.append(say("verify.report.never_holds", lang))
    elif o.reason and o.reason != "masked":  # masked: the rules that mask it are named above
        lines.append(say("verify.report.detail", lang, detail=o.reason))
    ce = o.counterexample
    if ce is not None:
        lines.append(say("verify.report.shows", lang, shows=shows(ce, lang)))
        if not ce.minimal:
            lines.append(say("verify.report.not_minimal", lang))
        lines += _decisions(ce, lang)
        path = ruleset.path if ruleset is not None else report.path
        target = f"{path.rsplit('.', 1)[0]}.cases.json" if path else \
            say("verify.report.cases_file", lang)
        lines.append(say("verify.report.cases", lang, target=target))
        lines += ["    " + _dumps(c) + "," for c in cases(o, lang, ruleset)]
    return lines


def _why(reason: str | None, lang: str, timeout: float) -> str:
    """Why the solver could not answer, in words."""
    if reason == "timeout":
        return say("verify.report.why_timeout", lang, seconds=f"{timeout:g}")
    if reason == "nonlinear":
        return say("verify.report.why_nonlinear", lang)
    if reason == "approximate":
        return say("verify.report.why_approximate", lang)
    return say("verify.report.why_other", lang, reason=reason or "?")


def shows(ce: Counterexample, lang: str) -> str:
    """What the counterexample shows, through the catalogue (its ``key`` and ``values``)."""
    values = {k: exact_str(v) if isinstance(v, Fraction) else v for k, v in ce.values.items()}
    if ce.key not in MESSAGES:  # a key the catalogue lacks is a bug: still show the finding
        return f"{ce.key} {_dumps(_jsonable(values, lang))}"
    return say(ce.key, lang, **values)


def _decisions(ce: Counterexample, lang: str) -> list[str]:
    if not ce.decisions:
        return []
    decisions = _dumps({str(k): _plain(v) for k, v in ce.decisions.items()})
    return [say("verify.report.decisions", lang, decisions=decisions)]


def _case(ruleset: Ruleset | None, record: Mapping[str, object], name: str,
          decisions: Mapping[str, object]) -> dict:
    """One record as a case (the keys :func:`testing.cases.load_cases` reads): what the ruleset
    gives for it now, by the reference evaluator with the group decisions the solver took."""
    case: dict = {"name": name, "input": _plain(record)}
    if ruleset is None:
        return case
    try:
        ev = reference.evaluate(ruleset.checked, ruleset.constants, record,
                                group=dict(decisions) or None)
    except InputError as e:
        if e.field is not None:  # a case names the field its error names; a division has none,
            case["input_error"] = e.field  # and then fails as the unexpected error it is
        return case
    expect = {g: ev.values[g] for g in ruleset.grades}
    if not expect:  # no grade table: its scores, as a stated check's case holds them
        expect = {n: ev.values[n] for n, d in ruleset.checked.definitions.items()
                  if isinstance(d, (ast.Score, ast.Sheet))}
    case["expect"] = _plain(expect)
    case["vetoes"] = list(ev.vetoes)
    case["outcomes"] = list(ev.outcomes)
    return case


def _obligation_data(o: Obligation, lang: str, report: Report,
                     ruleset: Ruleset | None) -> dict:
    out: dict = {"kind": str(o.kind), "subject": o.subject, "status": str(o.status),
                 "severity": str(o.severity), "reason": o.reason, "related": list(o.related),
                 "counterexample": None}
    ce = o.counterexample
    if ce is not None:
        out["counterexample"] = {
            "records": [json_value(dict(r)) for r in ce.records], "key": ce.key,
            "values": _jsonable(dict(ce.values), lang), "shows": shows(ce, lang),
            "replayed": ce.replayed, "minimal": ce.minimal,
            "decisions": {str(k): json_value(v) for k, v in ce.decisions.items()},
            "cases": cases(o, lang, ruleset) if ce.replayed else []}
    return out


def _plain(value: object) -> object:
    """A value as a cases file holds it: whole numbers as JSON numbers (votes, scores), other
    numbers as exact text (``"92.5"``, ``"1/3"``) that the record reader reads back exactly,
    dates as ISO text."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else exact_str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _jsonable(value: object, lang: str) -> object:
    if isinstance(value, Said):
        return value.text(lang)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, lang) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, lang) for v in value]
    return json_value(value)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)

