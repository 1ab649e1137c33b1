"""What ``evalrules diff --prove`` prints (and :class:`~evalrules.testing.DiffFailed` carries):
an :class:`~prove.equivalence.Equivalence` as text for people, in Chinese or English.

The proof, or each transition with its regions in the ruleset's own terms and its smallest
record, as the two reference evaluators grade it, and as a ready-to-paste case for the new
ruleset's cases file; the questions the solver could not answer; counterexamples that did not
replay, as bugs of evalrules.

Imports :mod:`prove.equivalence`, :mod:`prove.regions`, :mod:`messages` and below; no z3 calls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from fractions import Fraction

from ..compare import GRADED, REFUSED, project, show
from ..diagnostics import InputError
from ..messages import MESSAGES, say
from ..ruleset import Ruleset
from ..unparse import decimal_text
from ..values import json_value
from . import regions as R
from .equivalence import CHANGES, Equivalence, Transition
from .solve import Status


def text(eq: Equivalence, lang: str, *, explain: bool = False) -> str:
    """The whole answer: a head line, the input notes, then each transition (or the proof)."""
    old, new = eq.old.name, eq.new.name
    outputs = say("diff.list", lang).join(eq.outputs)
    head = {Status.PROVED: "diff.prove.same", Status.REFUTED: "diff.prove.differ",
            Status.UNKNOWN: "diff.prove.open"}[eq.status]
    count = sum(t.replayed for t in eq.transitions)
    lines = [say(head, lang, old=old, new=new, outputs=outputs, count=count)]
    if eq.bugs:
        lines.append(say("diff.prove.bugs", lang, count=len(eq.bugs)))
    lines += [say("diff.input", lang, note=note.text(lang)) for note in eq.inputs]
    if eq.where is not None:
        lines.append(say("diff.prove.left_out", lang, where=eq.where))
    if eq.grouped:
        lines.append(say("diff.prove.grouped", lang))
    for name, reason in eq.unknown:
        key = f"diff.prove.reason.{reason}"
        said = say(key, lang) if key in MESSAGES else reason
        lines.append(say("diff.prove.unknown", lang, name=_name(name, lang), reason=said))
    for t in eq.transitions:
        lines += ["", *transition_lines(eq, t, lang, explain=explain)]
    return "\n".join(lines)


def _name(name: str, lang: str) -> str:
    return say("diff.prove.refusals", lang) if name == REFUSED else name


def change(eq: Equivalence, t: Transition, lang: str) -> str:
    """A kind of change: ``班子等次 较好 → 一般``, ``节水工作 changes``, who refuses what."""
    old, new = eq.old.name, eq.new.name
    if t.name == REFUSED:
        if t.old == GRADED:
            return say("diff.refused_by_new", lang, old=old, new=new, rule=t.new)
        if t.new == GRADED:
            return say("diff.refused_by_old", lang, old=old, new=new, rule=t.old)
        return say("diff.prove.refused_apart", lang, old=old, new=new, a=t.old, b=t.new)
    if t.old == CHANGES:
        return say("diff.prove.changes", lang, name=t.name)
    return say("diff.change", lang, name=t.name, old=_value(t.old, lang),
               new=_value(t.new, lang))


def _value(value: object, lang: str) -> str:
    if value is None:
        return say("diff.none", lang)
    if isinstance(value, bool):
        return say("diff.yes" if value else "diff.no", lang)
    if isinstance(value, InputError):
        return value.text(lang)
    return show(value)


def transition_lines(eq: Equivalence, t: Transition, lang: str, *,
                     explain: bool = False) -> list[str]:
    lines = [say("diff.prove.transition", lang, change=change(eq, t, lang))]
    lines.append(say("diff.prove.where_refused" if t.name == REFUSED else "diff.prove.where",
                     lang))
    for region in t.regions.regions:
        lines.append(_region(region, lang))
    if t.regions.truncated:
        lines.append(say("diff.prove.more", lang, count=len(t.regions.regions))
                     if t.regions.regions else say("diff.prove.no_region", lang))
    lines.append(say("diff.prove.not_replayed" if not t.replayed else "diff.prove.example"
                     if t.minimal else "diff.prove.example_any", lang))
    lines.append("      " + dumps(t.record))
    for ruleset, got in ((eq.old, t.was), (eq.new, t.becomes)):
        shown = (say("diff.prove.refuses", lang, error=got.text(lang))
                 if isinstance(got, InputError) else
                 say("diff.prove.graded", lang) if got == GRADED else
                 say("diff.prove.gives", lang, name=t.name, value=_value(got, lang)))
        lines.append(f"      [{ruleset.name}] {shown}")
        if explain and not isinstance(got, InputError):
            result = ruleset.evaluate(project(t.record, ruleset))
            lines += ["        " + line for line in result.explain(lang).splitlines()]
    target = (f"{eq.new.path.rsplit('.', 1)[0]}.cases.json" if eq.new.path
              else say("diff.prove.cases_file", lang))
    lines.append(say("diff.prove.case", lang, path=target))
    lines.append("      " + dumps(case(eq.new, t, change(eq, t, lang))) + ",")
    return lines


def _region(region: R.Region, lang: str) -> str:
    conditions = " and ".join(R.text(region))
    if region.exact:
        return say("diff.prove.region", lang, conditions=conditions) if conditions else \
            say("diff.prove.region_any", lang)
    return say("diff.prove.region_some", lang, conditions=conditions) if conditions else \
        say("diff.prove.region_beyond", lang)


def case(ruleset: Ruleset, t: Transition, name: str) -> Mapping[str, object]:
    """The counterexample as a case of ``ruleset`` (the new one): what it gives now."""
    out: dict[str, object] = {"name": name, "input": project(t.record, ruleset)}
    got = t.becomes
    if isinstance(got, InputError):
        out["input_error"] = got.field
    elif t.name != REFUSED:
        out["expect"] = {t.name: got}
    return out


def dumps(value: object) -> str:
    """JSON on one line as a cases file reads it back: whole numbers as numbers, finite
    decimals as JSON numbers written exactly (``0.25``), other fractions as ``"1/3"``."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {dumps(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(dumps, value)) + "]"
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        f = Fraction(value)
        text = decimal_text(f)
        return text if text is not None else json.dumps(f"{f.numerator}/{f.denominator}")
    return json.dumps(json_value(value), ensure_ascii=False)
