"""What ``evalrules verify`` proves of a ruleset (:func:`verify`): its stated checks, totality,
its grade tables (:mod:`prove.tables`) and, asked for, the monotonicity of every grade in every
ballot — each for every valid record, or refuted with the smallest record, replayed.

The meaning of ``check always`` and ``check monotone`` is the sampled one of
:mod:`evalrules.testing.checks`, over every record instead of drawn ones: a record is *valid* when
its inputs are in their domains, every ``require`` holds and each ballot some rule divides by has
a vote; it is *graded* when it is valid and nothing fails.

A group's decisions (ranks, group values, quota moves) are free values, shared by the two records
of a monotone question; a record has a rank exactly where its ``among`` holds. A part of the
ruleset the encoder cannot give the solver is an ``encoding`` obligation, unknown, with the error.

Imports z3, :mod:`prove.questions`, :mod:`prove.tables`, :mod:`prove.solve`, :mod:`prove.report`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import z3

from .. import ast
from ..backends import smt
from ..diagnostics import InputError
from ..messages import Phrase
from ..ruleset import Ruleset
from ..unparse import expression
from .questions import Questions, Replayed, graded, lowered, shares_only, show
from .report import Kind, Obligation, Report, Severity
from .solve import TIMEOUT, Status, Subject, subject
from .tables import grade_tables, outcomes, vetoes


def verify(ruleset: Ruleset, *, monotone_all: bool = False, timeout: float = TIMEOUT) -> Report:
    """Every obligation of ``ruleset``: each stated check, totality (one obligation per error a
    record can get: its rule, message and field), every grade table's labels, rules, vetoes and
    the outcomes; with ``monotone_all``, every grade monotone in every ballot. ``timeout``: for
    each question, in seconds (past it the answer is unknown, never proved)."""
    start = time.perf_counter()
    grouped = bool(ruleset.checked.groups)
    try:
        q = Questions(ruleset, timeout)
    except _CANNOT as e:
        return Report(ruleset.name, ruleset.path, (_cannot(Kind.ENCODING, ruleset.name, e),),
                      grouped=grouped, seconds=time.perf_counter() - start)
    found: list[Obligation] = []
    for chk in ruleset.checks:
        found += _guarded(Kind.CHECK, _text(chk), stated, q, chk)
    for part, ask in (("totality", totality), ("grade tables", grade_tables),
                      ("vetoes", vetoes), ("outcomes", outcomes)):
        found += _guarded(Kind.ENCODING, part, ask, q)
    if monotone_all:
        stated_pairs = {(c.target, c.source) for c in ruleset.checks if c.kind == "monotone"}
        for name, decl in ruleset.checked.definitions.items():
            if not isinstance(decl, ast.Grade):
                continue
            for ballot in ruleset.checked.ballots:
                if (name, ballot) not in stated_pairs:
                    found += _guarded(Kind.MONOTONE, f"check monotone {name} in {ballot}",
                                      monotone_in_ballot, q, Kind.MONOTONE, name, ballot)
    return Report(ruleset.name, ruleset.path, tuple(found), grouped=grouped,
                  abstract=q.subject.encoded.abstract, seconds=time.perf_counter() - start)


#: What the encoder raises for a construct it cannot give the solver (z3's own complaints
#: included): the obligations it takes are unknown, said with the error, never a traceback.
_CANNOT = (z3.Z3Exception, TypeError, ValueError, AssertionError, KeyError)


def _cannot(kind: Kind, what: str, e: Exception) -> Obligation:
    return Obligation(kind, what, Status.UNKNOWN, Severity.ERROR,
                      reason=f"cannot-encode: {type(e).__name__}: {e}")


def _guarded(kind: Kind, what: str, ask: Callable[..., Obligation | list[Obligation]],
             *args: object) -> list[Obligation]:
    """``ask(*args)``'s obligations, or one unknown ``what`` if the encoder cannot give it."""
    try:
        out = ask(*args)
    except _CANNOT as e:
        return [_cannot(kind, what, e)]
    return out if isinstance(out, list) else [out]


def _text(chk: ast.Check) -> str:
    if chk.kind == "always":
        assert chk.condition is not None  # the parser gives `check always` its condition
        return f"check always {expression(chk.condition)}"
    return f"check monotone {chk.target} in {chk.source}"


def stated(q: Questions, chk: ast.Check) -> Obligation:
    """A ``check`` of the ruleset, proved for every graded record (two for a monotone one)."""
    if chk.kind == "always":
        return always(q, chk)
    assert chk.target is not None and chk.source is not None  # as `check monotone` has them
    if chk.source in q.checked.ballots:
        return monotone_in_ballot(q, Kind.CHECK, chk.target, chk.source)
    return monotone_in_input(q, chk.target, chk.source)


def always(q: Questions, chk: ast.Check) -> Obligation:
    """``check always COND``: no graded record where COND evaluates (without failing) to false."""
    assert chk.condition is not None  # the parser gives `check always` its condition
    condition = chk.condition
    text = f"check always {expression(condition)}"
    holds, fails = q.condition(condition)

    def shows(model: z3.ModelRef):
        def reproduces(replays: list[Replayed]) -> bool:
            graded(replays)
            record = q.subject.record(model)
            return q.evaluate(record, condition, model) is False

        return "verify.shows.false", {"condition": expression(condition)}, reproduces

    return q.forall(Kind.CHECK, text, Severity.ERROR,
                    [q.subject.graded, z3.Not(fails), z3.Not(holds)], shows)


def _order(q: Questions, target: str) -> tuple[str, ...] | None:
    scale = q.checked.types[target].scale
    return None if scale is None else q.checked.scales[scale]


def _lower(q: Questions, target: str, before: Subject, after: Subject) -> z3.BoolRef:
    """The solver's form of :func:`questions.lowered`: ``target`` worse after than before."""
    order = _order(q, target)
    b, a = before.value(target), after.value(target)
    if order is None:
        assert isinstance(a, smt.Num) and isinstance(b, smt.Num), target
        return smt.compare("<", a, b)
    pb, pa = before.position(b, order), after.position(a, order)
    return z3.And(pb >= 0, pa >= 0, pa > pb)


def monotone_in_ballot(q: Questions, kind: Kind, target: str, ballot: str) -> Obligation:
    """Moving one vote of ``ballot`` from a category to the next better one (categories best
    first; the record has that vote) never lowers ``target``, both records graded. One question
    for every category: which vote moves is an unknown too."""
    what = f"check monotone {target} in {ballot}"
    if ballot in shares_only(q.ruleset.plan):  # first over proportions (Questions.proportions)
        p = q.proportions
        share = p.context.fresh(f"vote.{ballot}", "real")  # one vote: 1/total of a proportion
        after, _, moves = _moved(q, p, ballot, share)
        if q.impossible_over_reals([*moves, share > 0, share <= 1,
                                    _lower(q, target, p, after)]):
            return Obligation(kind, what, Status.PROVED, Severity.ERROR)
    s = q.subject
    categories = q.checked.ballots[ballot]
    after, moved, moves = _moved(q, s, ballot, z3.IntVal(1))
    goal = [*moves, _lower(q, target, s, after)]
    order = _order(q, target)

    def shows(model: z3.ModelRef):
        i = model.eval(moved, model_completion=True).as_long()
        before_v, after_v = q.value(model, s.value(target)), q.value(model, after.value(target))

        def reproduces(replays: list[Replayed]) -> bool:
            first, second = graded(replays)
            return lowered(order, first.values[target], second.values[target])

        return "verify.shows.vote_lowers", {
            "ballot": ballot, "worse": categories[i], "better": categories[i - 1],
            "target": target, "before": show(before_v), "after": show(after_v)}, reproduces

    return q.forall(kind, what, Severity.ERROR, goal, shows, (s, after))


def _moved(q: Questions, s: Subject, ballot: str, amount: z3.ArithRef
           ) -> tuple[Subject, z3.ArithRef, list[z3.BoolRef]]:
    """The record ``s`` with ``amount`` of the votes of one category of ``ballot`` (an unknown
    index, 1.., the worse one) moved to the next better one; the unknown index; and what the
    two records must be: both graded, the moved votes there to move."""
    categories = q.checked.ballots[ballot]
    votes = [s.inputs.votes[ballot, c] for c in categories]
    moved = s.context.fresh(f"move.{ballot}")
    after_votes = {(ballot, c): v - z3.If(moved == i, amount, 0) +
                   z3.If(moved == i + 1, amount, 0)
                   for i, (c, v) in enumerate(zip(categories, votes, strict=True))}
    after = subject(q.ruleset, s.inputs.but("after", votes=after_votes))
    which = [z3.And(moved == i, votes[i] >= amount) for i in range(1, len(categories))]
    return after, moved, [s.graded, after.graded, z3.Or(which) if which else z3.BoolVal(False)]


def monotone_in_input(q: Questions, target: str, source: str) -> Obligation:
    """Raising the number input ``source`` (from a to b, a < b, both in its range) never lowers
    ``target``, both records graded."""
    s = q.subject
    spec, low = s.inputs.specs[source], s.inputs.terms[source]
    assert isinstance(low, z3.ArithRef), source
    high = q.context.fresh(f"raised.{source}", "int" if low.is_int() else "real")
    inputs = s.inputs.but("after", terms={source: high})
    inputs.domain += inputs.bounds(high, spec)
    after = subject(q.ruleset, inputs)
    goal = [s.graded, after.graded, high > low, _lower(q, target, s, after)]
    order = _order(q, target)

    def shows(model: z3.ModelRef):
        values = {"input": source, "target": target,
                  "low": show(q.value(model, smt.Num(low, z3.IntVal(1), 1))),
                  "high": show(q.value(model, smt.Num(high, z3.IntVal(1), 1))),
                  "before": show(q.value(model, s.value(target))),
                  "after": show(q.value(model, after.value(target)))}

        def reproduces(replays: list[Replayed]) -> bool:
            first, second = graded(replays)
            return lowered(order, first.values[target], second.values[target])

        return "verify.shows.raise_lowers", values, reproduces

    return q.forall(Kind.CHECK, f"check monotone {target} in {source}", Severity.ERROR, goal,
                    shows, (s, after))


def totality(q: Questions) -> list[Obligation]:
    """No valid record fails: one obligation per error a record can get (its rule, message key
    and field; the places that raise it taken together), proved or refuted with a record that
    gets exactly that error from the reference."""
    sites: dict[tuple[str, str, str | None], list[smt.Failure]] = {}
    for failure in q.subject.encoded.errors:
        f = failure.fail
        sites.setdefault((f.rule, f.key, f.field), []).append(failure)
    if not sites:  # nothing in the plan can fail: proved as it stands, said as such
        return [Obligation(Kind.TOTALITY, "no rule can fail", Status.PROVED, Severity.ERROR)]
    out = []
    for (rule, key, field), failures in sites.items():
        fires = z3.Or([f.fires for f in failures])

        def shows(model: z3.ModelRef, rule: str = rule, key: str = key,
                  failure: smt.Failure = failures[0]):
            error = failure.fail.error()
            values: dict[str, object] = {"error": Phrase(error.key or key, error.values),
                                         "rule": rule, "key": key}

            def reproduces(replays: list[Replayed]) -> bool:
                (r,) = replays
                if not (isinstance(r, InputError) and r.key == key and r.rule == rule):
                    return False
                # said as the reference says it (found() reads values after the replay)
                values["error"] = Phrase(key, r.values)
                return True

            return "verify.shows.error", values, reproduces

        what = f"{rule}: {key}" + (f" ({field})" if field else "")
        out.append(q.forall(Kind.TOTALITY, what, Severity.ERROR, [q.subject.valid, fires],
                            shows, related=(field,) if field else ()))
    return out
