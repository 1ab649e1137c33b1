"""Whether two rulesets grade every record alike, proved with the solver: ``diff --prove``.

Both rulesets are encoded over ONE record (the same :class:`smt.Inputs`). A record is counted
when it is in both rulesets' domains (an input both declare within both ranges; an input only
one declares is free, the other never reads it) and every ballot either divides by has a vote.
An input or ballot the two declare differently (another kind, other labels or categories) makes
them incomparable: :class:`Incomparable`, before any question is asked.

For each output compared (:func:`compare.compared_outputs`: grades, vetoes, outcomes, scores and
sheets both give, or those named), either no counted record gets a different value, or each kind
of transition is listed: ``old → new`` of a label or a bool, "changes" for a number; and first,
records the two refuse differently (one grades what the other refuses — a ``require`` included —
or the two refuse at different rules). Each transition comes with its smallest record (fewest
votes), replayed through BOTH rulesets' reference evaluators (one that does not reproduce is a
bug of evalrules, reported as one), and the regions (:mod:`prove.regions`) where it happens.
An output the solver cannot decide is "unknown", never "proved".

``where`` (a condition in the old ruleset's language) leaves out the records the old ruleset
grades where it holds, as ``diff --where`` does. What group rules decide for a record is free
(:mod:`backends.smt`), one unknown for a decision both rulesets name; a list of numbers is
described by its statistics, so a record found that does not replay is "unknown" there, not a
bug.

Imports z3, :mod:`prove.solve`, :mod:`prove.regions`, :mod:`compare` and below.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from fractions import Fraction

import z3
from attrs import field, frozen

from .. import ast
from ..backends import reference, smt
from ..backends.smt_record import NumberList
from ..compare import (
    CONDITION,
    GRADED,
    REFUSED,
    InputNote,
    compared_outputs,
    condition_ruleset,
    input_notes,
    project,
)
from ..diagnostics import EvalRulesError, InputError
from ..lower import lower_expression
from ..messages import say
from ..ruleset import Ruleset
from . import regions as R
from .solve import TIMEOUT, Status, Subject, ask, subject, why

#: The kind of a number's transition: its value changes.
CHANGES = "changes"


class Incomparable(EvalRulesError, ValueError):
    """Two rulesets read an input or a ballot differently: one record cannot mean the same to
    both. ``key`` and ``values`` are the message (:meth:`text` in either language)."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(say(key, "en", **values))

    def text(self, lang: str) -> str:
        return say(self.key, lang, **self.values)


@frozen
class Transition:
    """One kind of change: ``name`` (an output, or :data:`compare.REFUSED`) goes from ``old`` to
    ``new`` (labels, bools; :data:`CHANGES` both for a number; for REFUSED the rule that refuses,
    or :data:`compare.GRADED`). ``record`` is the smallest record showing it, ``was`` and
    ``becomes`` what each ruleset's reference evaluator gives for it (the value, or the
    :class:`InputError`); ``replayed`` whether they show the transition."""

    name: str
    old: object
    new: object
    record: Mapping[str, object]
    was: object
    becomes: object
    replayed: bool
    regions: R.Regions
    #: ``record`` has the fewest votes (False: the optimiser ran out of time; the first found).
    minimal: bool = True


@frozen
class Equivalence:
    """What ``diff --prove`` found."""

    old: Ruleset = field(repr=False)
    new: Ruleset = field(repr=False)
    outputs: tuple[str, ...]
    transitions: tuple[Transition, ...]
    #: (output or REFUSED, why) for each question the solver could not answer
    unknown: tuple[tuple[str, str], ...] = ()
    inputs: tuple[InputNote, ...] = ()
    seconds: float = 0.0
    #: A ruleset has group rules: what they decide for a record (ranks, group values, quota
    #: moves) is taken as any value, the same for both where the two name the same decision.
    grouped: bool = False
    #: Records where this condition (the old ruleset's names) holds are left out.
    where: str | None = None

    @property
    def status(self) -> Status:
        """REFUTED when a transition was found and replayed, else UNKNOWN when a question was
        not answered or a record found did not replay (a bug: it proves nothing either way),
        else PROVED: never "proved" with a question open."""
        if any(t.replayed for t in self.transitions):
            return Status.REFUTED
        return Status.UNKNOWN if self.unknown or self.transitions else Status.PROVED

    @property
    def equivalent(self) -> bool:
        return self.status == Status.PROVED

    @property
    def bugs(self) -> tuple[Transition, ...]:
        """Counterexamples the reference evaluators did not reproduce: bugs of evalrules."""
        return tuple(t for t in self.transitions if not t.replayed)


def equivalence(old: Ruleset, new: Ruleset, *, outputs: Iterable[str] | None = None,
                where: str | None = None, max_regions: int = R.LIMIT,
                timeout: float = TIMEOUT) -> Equivalence:
    """Prove that ``new`` grades every record as ``old`` does, or list each kind of transition
    with its smallest record and its regions. ``where``: a condition in the old ruleset's
    language; the records the old ruleset grades and where it holds are left out (a change
    there is intended; a record the old one refuses is never left out, as for ``diff``).
    ``timeout``: seconds per solver question. :class:`~evalrules.diagnostics.RulesetError`
    when ``where`` does not compile."""
    start = time.perf_counter()
    names = compared_outputs(old, new, outputs, "equivalence")
    _comparable(old, new)
    helper = (condition_ruleset(old, where), where) if where is not None else None
    inputs = smt.Inputs(smt.Context())
    a = subject(old, inputs)
    try:
        b = subject(new, inputs)
    except ValueError as e:  # what _comparable did not foresee
        raise Incomparable("diff.prove.incomparable_any", detail=str(e)) from e
    run = _Run(a, b, timeout, max_regions, helper)
    run.errors()
    for name in names:
        run.output(name)
    return Equivalence(old, new, names, tuple(run.found), tuple(run.unknown),
                       input_notes(old, new), time.perf_counter() - start,
                       bool(inputs.decided), where)


def _comparable(old: Ruleset, new: Ruleset) -> None:
    """:class:`Incomparable` unless every input and ballot both read is read alike (its kind,
    labels, whole numbers or not; a ballot's categories in order). Ranges may differ: a record
    counts within both."""
    specs = {s.name: s for s in old.plan.inputs}
    for s in new.plan.inputs:
        o = specs.get(s.name)
        if o is not None and (o.kind, o.labels, o.whole) != (s.kind, s.labels, s.whole):
            raise Incomparable("diff.prove.incomparable", name=s.name, old=old.name,
                               new=new.name)
    for ballot, categories in new.plan.ballots.items():
        known = old.plan.ballots.get(ballot)
        if known is not None and tuple(known) != tuple(categories):
            raise Incomparable("diff.prove.incomparable", name=ballot, old=old.name,
                               new=new.name)


class _Run:
    """The questions of one comparison, over one pair of subjects."""

    def __init__(self, a: Subject, b: Subject, timeout: float, limit: int,
                 where: tuple[Ruleset, str] | None = None) -> None:
        self.a, self.b, self.timeout, self.limit = a, b, timeout, limit
        self.found: list[Transition] = []
        self.unknown: list[tuple[str, str]] = []
        self.votes = list(a.inputs.votes.values())
        rules = list(dict.fromkeys(f.fail.rule for s in (a, b) for f in s.encoded.failures))
        self.rules = {rule: i for i, rule in enumerate(rules, 1)}
        self.err_a, self.err_b = self.error(a), self.error(b)
        self.graded = z3.And(self.err_a == 0, self.err_b == 0)
        # the records --where leaves out: those the old ruleset grades where it holds
        self.excluded: z3.BoolRef = z3.BoolVal(False)
        extra: list = []
        if where is not None:
            helper, text = where
            decl = helper.checked.definitions[CONDITION]
            assert isinstance(decl, ast.Let)
            expr = lower_expression(helper.checked, helper.constants, decl.expr,
                                    f"--where {text}")
            term, fails = a.condition(expr)
            assert isinstance(term, z3.BoolRef)
            self.excluded = z3.And(self.err_a == 0, z3.Not(fails), term)
            extra.append(expr)  # its conditions are atoms too: a region says it avoids them
        self.atoms = R.atoms([a, b], self.domain, timeout, extra)

    @property
    def approximate(self) -> bool:
        """Some input (a list of numbers) is described only approximately: a record the solver
        finds that does not replay is no finding then, and not a bug either."""
        return any(isinstance(t, NumberList) for t in self.a.inputs.terms.values())

    @property
    def domain(self) -> z3.BoolRef:
        """In both rulesets' domains, with a vote in every ballot either divides by (read anew:
        the atoms' terms may add definitions)."""
        a, b = self.a, self.b
        return z3.And(a.encoded.assumptions, b.encoded.assumptions, *a.voted, *b.voted)

    @property
    def valid(self) -> z3.BoolRef:
        """A record counted: in the domain, and not left out by --where."""
        return z3.And(self.domain, z3.Not(self.excluded))

    def error(self, s: Subject) -> z3.ArithRef:
        """The rule a record fails at first, as its number in :attr:`rules` (0: graded)."""
        return z3.Sum([z3.If(f.fires, self.rules[f.fail.rule], 0)
                       for f in s.encoded.failures] or [z3.IntVal(0)])

    def errors(self) -> None:
        """Records the two refuse differently."""
        rule = {i: r for r, i in self.rules.items()}

        def key(model: z3.ModelRef) -> tuple[z3.BoolRef, object, object]:
            x, y = (model.eval(t, model_completion=True).as_long()
                    for t in (self.err_a, self.err_b))
            return (z3.And(self.err_a == x, self.err_b == y), rule.get(x, GRADED),
                    rule.get(y, GRADED))

        self.enumerate(REFUSED, z3.BoolVal(True), self.err_a != self.err_b, key)

    def output(self, name: str) -> None:
        x, y = self.a.value(name), self.b.value(name)
        ctx = self.a.context
        if isinstance(x, smt.Label) and isinstance(y, smt.Label):
            def labels(model: z3.ModelRef) -> tuple[z3.BoolRef, object, object]:
                cx, cy = (model.eval(t.code, model_completion=True).as_long() for t in (x, y))
                return z3.And(x.code == cx, y.code == cy), ctx.label(cx), ctx.label(cy)

            self.enumerate(name, self.graded, x.code != y.code, labels)
        elif isinstance(x, z3.BoolRef) and isinstance(y, z3.BoolRef):
            def bools(model: z3.ModelRef) -> tuple[z3.BoolRef, object, object]:
                vx = z3.is_true(model.eval(x, model_completion=True))
                return z3.And(x == vx, y == (not vx)), vx, not vx

            self.enumerate(name, self.graded, x != y, bools)
        elif isinstance(x, smt.Num) and isinstance(y, smt.Num):
            differ = smt.compare("!=", x, y)
            self.enumerate(name, self.graded, differ, lambda _: (differ, CHANGES, CHANGES))
        else:  # a kind no output has today (a history, a text): not compared, so not proved
            self.unknown.append((name, "kind"))

    def enumerate(self, name: str, when: z3.BoolRef, differ: z3.BoolRef, key) -> None:
        """Each kind of transition of ``name``: a record where the two differ, its kind blocked,
        again, until no record is left (proved) or the solver cannot tell (unknown)."""
        solver = z3.Solver()
        solver.set("timeout", max(1, int(self.timeout * 1000)))
        solver.add(self.valid, when, differ)
        while True:
            verdict = solver.check()
            if verdict == z3.unsat:
                return
            if verdict == z3.unknown:
                self.unknown.append((name, why(solver)))
                return
            model = solver.model()
            kind, old, new = key(model)
            solver.add(z3.Not(kind))
            found = self.transition(name, z3.And(when, kind), old, new, model)
            if found.replayed or not self.approximate:
                self.found.append(found)
            else:  # a list described by its statistics: the record may be no real one
                self.unknown.append((name, "approximate"))

    def transition(self, name: str, happens: z3.BoolRef, old: object, new: object,
                   fallback: z3.ModelRef) -> Transition:
        valid = self.valid
        answer = ask([valid, happens], votes=self.votes, timeout=self.timeout)
        model = answer.model if answer.model is not None else fallback
        minimal = answer.model is not None and answer.minimal
        record = self.a.record(model)
        got = (self.a.replay(model, project(record, self.a.ruleset)),
               self.b.replay(model, project(record, self.b.ruleset)))
        replayed = _shows(name, old, new, *got)
        was, becomes = (r if isinstance(r, InputError) else
                        GRADED if name == REFUSED else r.values.get(name) for r in got)
        # a change of value is among records both grade: their requires go without saying;
        # what --where leaves out is part of the transition, so a region says it avoids it
        among = self.domain if name == REFUSED else z3.And(self.domain, self.graded)
        found = R.regions(among, z3.And(happens, z3.Not(self.excluded)), self.atoms,
                          limit=self.limit, timeout=self.timeout)
        return Transition(name, old, new, record, was, becomes, replayed, found, minimal)

def _shows(name: str, old: object, new: object, was: object, becomes: object) -> bool:
    """Whether the reference evaluators' answers show the transition."""
    if name == REFUSED:
        def refuses(r: object, rule: object) -> bool:
            return not isinstance(r, InputError) if rule == GRADED else \
                isinstance(r, InputError) and r.rule == rule
        return refuses(was, old) and refuses(becomes, new)
    if isinstance(was, InputError) or isinstance(becomes, InputError):
        return False
    assert isinstance(was, reference.Evaluation) and isinstance(becomes, reference.Evaluation)
    x, y = was.values.get(name), becomes.values.get(name)
    if old == CHANGES:
        return isinstance(x, (int, Fraction)) and isinstance(y, (int, Fraction)) and x != y
    return x == old and y == new


__all__ = ["CHANGES", "Equivalence", "Incomparable", "Transition", "equivalence"]
