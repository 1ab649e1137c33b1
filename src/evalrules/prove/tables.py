"""What ``evalrules verify`` asks of a ruleset's grade tables, vetoes and outcomes: every label
reachable, every rule able to decide (a masked rule named with the rules before it that cover
it), no two rules of a ``(unique)`` table holding at once, every veto able to change a grade,
every outcome able to hold and not to hold — each answered with the smallest record, replayed.

Imports z3, :mod:`prove.questions`, :mod:`prove.report`, :mod:`prove.solve`, :mod:`ast`.
"""

from __future__ import annotations

import z3

from .. import ast
from ..backends import smt
from ..diagnostics import InputError
from ..messages import Joined
from ..unparse import rule_name
from .questions import Questions, Replayed, graded, show
from .report import Kind, Obligation, Severity
from .solve import subject


def _code(q: Questions, label: str) -> int:
    return q.context.code(label)


def grade_tables(q: Questions) -> list[Obligation]:
    out: list[Obligation] = []
    for decl in q.checked.definitions.values():
        if isinstance(decl, ast.Grade):
            out += reachable(q, decl)
            out += decides(q, decl)
            if decl.policy == ast.Policy.UNIQUE:
                out += overlaps(q, decl)
    return out


def _gives_unrated(q: Questions, grade: ast.Grade, unrated: str) -> bool:
    """Whether some rule, the otherwise or a veto can make the grade unrated."""
    if grade.otherwise == unrated or any(r.label == unrated for r in grade.rules):
        return True
    vetoes = [q.checked.definitions[v] for v in q.checked.vetoes_of.get(grade.name, ())]
    return any(adj.grade == grade.name and adj.label == unrated
               for veto in vetoes if isinstance(veto, ast.Veto) for adj in veto.adjustments)


def reachable(q: Questions, grade: ast.Grade) -> list[Obligation]:
    """Each label of the scale is some graded record's final grade (after vetoes and quotas);
    the unrated label too where a rule or veto can give it."""
    s, scale = q.subject, grade.scale or grade.name
    labels = list(q.checked.scales[scale])
    unrated = q.checked.unrated.get(scale)
    if unrated and _gives_unrated(q, grade, unrated):
        labels.append(unrated)
    term = s.value(grade.name)
    assert isinstance(term, smt.Label), grade.name
    out = []
    for label in labels:
        def shows(model: z3.ModelRef, label: str = label):
            def reproduces(replays: list[Replayed]) -> bool:
                (ev,) = graded(replays)
                return ev.values[grade.name] == label

            return "verify.shows.label", {"grade": grade.name, "label": label}, reproduces

        out.append(q.exists(Kind.REACHABLE, f"{grade.name} is {label}", Severity.WARNING,
                            [s.graded, term.code == _code(q, label)], shows))
    return out


def _names(grade: ast.Grade) -> list[str]:
    """How each rule is named: ``grade G rule L``, numbered where a label has several rules."""
    labels = [r.label for r in grade.rules]
    out, seen = [], dict[str, int]()
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        tag = f" ({seen[label]})" if labels.count(label) > 1 else ""
        out.append(f"grade {grade.name} rule {label}{tag}")
    return out


def priority(q: Questions, grade: ast.Grade) -> list[int]:
    """The rules' indexes in the order the policy tries them: written order for (first) and
    (unique); for (worst)/(best) as :mod:`lower` sorts them (an unrated rule first, then worst
    or best label first, written order among equals)."""
    order = q.checked.scales[grade.scale or grade.name]
    indexes = list(range(len(grade.rules)))
    if grade.policy in (ast.Policy.FIRST, ast.Policy.UNIQUE):
        return indexes
    sign = -1 if grade.policy == ast.Policy.WORST else 1

    def key(i: int) -> tuple[bool, int]:
        label = grade.rules[i].label
        return label in order, sign * order.index(label) if label in order else 0

    return sorted(indexes, key=key)


def decides(q: Questions, grade: ast.Grade) -> list[Obligation]:
    """Each rule decides the grade of some graded record: it holds and no rule the policy tries
    before it does ((unique): it holds, and the record is graded, so no other rule does). A
    rule that never does is a warning naming the rules before it that cover it ((unique): the
    rules that hold whenever it does)."""
    s, names = q.subject, _names(grade)
    conditions = [q.condition(r.condition, rule_name(grade)) for r in grade.rules]
    ranked = priority(q, grade)
    out = []
    for place, i in enumerate(ranked):
        holds, fails = conditions[i]
        goal = [s.graded, holds, z3.Not(fails)]
        before = {} if grade.policy == ast.Policy.UNIQUE else {
            names[j]: z3.Not(conditions[j][0]) for j in ranked[:place]}
        label = grade.rules[i].label

        def shows(model: z3.ModelRef, label: str = label):
            def reproduces(replays: list[Replayed]) -> bool:
                (ev,) = graded(replays)
                trace = next(t for t in ev.trace["grades"] if t["grade"] == grade.name)
                return trace["decided_by"] == label

            return "verify.shows.decides", {"grade": grade.name, "label": label}, reproduces

        def covered(goal: list[z3.BoolRef] = goal, before: dict = before, i: int = i,
                    holds: z3.BoolRef = holds, fails: z3.BoolRef = fails) -> tuple[str, ...]:
            if grade.policy != ast.Policy.UNIQUE:
                return q.core(goal, before)
            others = {names[j]: z3.Not(c) for j, (c, _) in enumerate(conditions) if j != i}
            return q.core([s.valid, holds, z3.Not(fails)], others)

        out.append(q.exists(Kind.DECIDES, names[i], Severity.WARNING,
                            [*goal, *before.values()], shows, covered=covered))
    return out


def overlaps(q: Questions, grade: ast.Grade) -> list[Obligation]:
    """(unique): no two rules hold at once for a valid record that reaches the table (an
    error: the record cannot be graded), one obligation per pair."""
    s, names, rule = q.subject, _names(grade), rule_name(grade)
    sites = [f.fires for f in s.encoded.errors
             if f.fail.key == "record.unique" and f.fail.rule == rule]
    if not sites:
        return []
    reached = z3.Or(sites)  # the record's first error is this table's
    conditions = [q.condition(r.condition, rule) for r in grade.rules]
    out = []
    for i in range(len(grade.rules)):
        for j in range(i + 1, len(grade.rules)):
            first, second = grade.rules[i].label, grade.rules[j].label

            def shows(model: z3.ModelRef, first: str = first, second: str = second):
                def reproduces(replays: list[Replayed]) -> bool:
                    (r,) = replays
                    if not (isinstance(r, InputError) and r.key == "record.unique"):
                        return False
                    listed = r.values.get("listed")
                    return isinstance(listed, Joined) and {first, second} <= set(listed.items)

                return "verify.shows.both_hold", {"grade": grade.name, "first": first,
                                                  "second": second}, reproduces

            out.append(q.forall(Kind.UNIQUE, f"{names[i]} / {names[j]}", Severity.ERROR,
                                [s.valid, reached, conditions[i][0], conditions[j][0]], shows,
                                related=(names[i], names[j])))
    return out


def vetoes(q: Questions) -> list[Obligation]:
    """Each veto changes some graded record's grade: the grade it gets differs from the one it
    would get were the veto off (the ruleset encoded once more with the veto false)."""
    s, out = q.subject, []
    for name, decl in q.checked.definitions.items():
        if not isinstance(decl, ast.Veto):
            continue
        grades = list(dict.fromkeys(adj.grade for adj in decl.adjustments))
        off = subject(q.ruleset, s.inputs, forced={name: z3.BoolVal(False)})
        changed = [s.value(g).code != off.value(g).code for g in grades]  # type: ignore[union-attr]
        goal = [s.graded, off.encoded.assumptions, s.value(name), z3.Or(changed)]

        def shows(model: z3.ModelRef, name: str = name, grades: list[str] = grades,
                  off=off):
            g = next(g for g in grades if q.value(model, s.value(g)) !=
                     q.value(model, off.value(g)))
            before, after = q.value(model, off.value(g)), q.value(model, s.value(g))

            def reproduces(replays: list[Replayed]) -> bool:
                (ev,) = graded(replays)
                without = q.evaluate(s.record(model), ast.Ref(g), model, {name: False})
                return name in ev.vetoes and ev.values[g] == after and without == before

            return "verify.shows.veto_changes", {"veto": name, "grade": g, "before": show(before),
                                                 "after": show(after)}, reproduces

        out.append(q.exists(Kind.VETO, f"veto {name}", Severity.WARNING, goal, shows))
    return out


def outcomes(q: Questions) -> list[Obligation]:
    """Each outcome holds for some graded record, and fails to for another."""
    s, out = q.subject, []
    for name, decl in q.checked.definitions.items():
        if not isinstance(decl, ast.Outcome):
            continue
        term = s.value(name)
        assert isinstance(term, z3.BoolRef), name
        for kind, wanted, key in ((Kind.OUTCOME_HOLDS, True, "verify.shows.outcome_holds"),
                                  (Kind.OUTCOME_FAILS, False, "verify.shows.outcome_fails")):
            def shows(model: z3.ModelRef, name: str = name, wanted: bool = wanted,
                      key: str = key):
                def reproduces(replays: list[Replayed]) -> bool:
                    (ev,) = graded(replays)
                    return (name in ev.outcomes) == wanted

                return key, {"outcome": name}, reproduces

            holds = term if wanted else z3.Not(term)
            out.append(q.exists(kind, f"outcome {name}", Severity.WARNING, [s.graded, holds],
                                shows))
    return out
