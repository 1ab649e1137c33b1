"""One ruleset's questions to the solver, as :class:`Obligation`\\ s: a property that must hold for
every record (:meth:`Questions.forall`: proved, or refuted with the smallest record that breaks
it) or a record that must exist (:meth:`Questions.exists`: proved with the smallest example, or
refuted). Every record the solver gives is replayed through the reference evaluator, which
defines the meaning, and kept either way: one that does not reproduce is a bug of evalrules.

Nonlinear questions are asked over the reals first (:mod:`prove.relax`), and a monotone one over
a ballot's proportions (:attr:`Questions.proportions`).

Imports z3, :mod:`prove.solve`, :mod:`prove.relax`, :mod:`prove.report`, :mod:`backends`,
:mod:`lower` and the stages below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from functools import cached_property

import z3

from .. import ast
from .. import plan as P
from ..backends import reference, smt
from ..backends.smt_record import NumberList
from ..check import Checked
from ..diagnostics import InputError
from ..lower import lower_expression
from ..ruleset import Ruleset
from ..unparse import rule_name
from ..values import coerce_record, exact_str
from .relax import Relaxation, Unrelaxable, nonlinear, scaled_votes
from .report import Counterexample, Kind, Obligation, Severity
from .solve import Answer, Status, Subject, ask, subject, why

Replayed = reference.Evaluation | InputError
#: What a record found shows: its message key and values (from the model), and whether the
#: reference evaluator's replays of the subjects' records reproduce it.
Shows = Callable[[z3.ModelRef], tuple[str, dict[str, object], Callable[[list[Replayed]], bool]]]


class Questions:
    """The subject (one ruleset over one record's unknowns) every question of a ruleset shares."""

    def __init__(self, ruleset: Ruleset, timeout: float) -> None:
        self.ruleset = ruleset
        self.timeout = timeout
        self.subject = subject(ruleset)
        self.context = self.subject.context
        self.relaxation = Relaxation()  # shared by the questions: they share most terms
        self.ranked_among()

    def ranked_among(self) -> None:
        """A record has a rank exactly when its rank's ``among`` holds for it: what the group
        rules decide is free, but not that (a free one would make every record that reads its
        rank fail for want of one)."""
        decided = self.subject.inputs.decided
        for name, decl in self.checked.definitions.items():
            has = decided.get("?" + name)
            if isinstance(decl, ast.Rank) and decl.among is not None and has is not None:
                holds, fails = self.condition(decl.among, rule_name(decl))
                self.subject.encoded.axioms.append(has == z3.And(holds, z3.Not(fails)))

    @property
    def checked(self) -> Checked:
        return self.ruleset.checked

    @property
    def votes(self) -> list[z3.ArithRef]:
        """What a smallest record has fewest of: votes (a moved vote keeps the total)."""
        return list(self.subject.inputs.votes.values())

    def condition(self, e: ast.Expr, rule: str = "check") -> tuple[z3.BoolRef, z3.BoolRef]:
        """A condition of the ruleset over the record: when it holds, when evaluating it fails."""
        expr = lower_expression(self.checked, self.ruleset.constants, e, rule)
        term, fails = self.subject.condition(expr)
        assert isinstance(term, z3.BoolRef), e
        return term, fails

    def ask(self, goal: Sequence[z3.BoolRef]) -> Answer:
        """:func:`solve.ask`; a nonlinear goal asked over the reals first (:mod:`prove.relax`):
        no real answer proves it, a real one's votes scaled to whole numbers may be a record."""
        if not nonlinear(goal):
            return ask(goal, votes=self.votes, timeout=self.timeout)
        solver = self.over_reals(goal)
        if solver is None:
            return ask(goal, votes=self.votes, timeout=self.timeout)
        verdict = solver.check()
        if verdict == z3.unsat:
            return Answer(Status.PROVED)
        if verdict == z3.sat:
            inputs = self.subject.inputs
            ballots = [[inputs.votes[b, c] for c in cs] for b, cs in inputs.ballots.items()]
            fixed = scaled_votes(solver.model(), self.relaxation, ballots)
            answer = ask([*goal, *fixed], timeout=self.timeout)
            if answer.status == Status.REFUTED:  # scaled from the reals: not the fewest votes
                return Answer(Status.REFUTED, answer.model, minimal=False)
            return ask(goal, votes=self.votes, timeout=self.timeout)
        # past the reals' timeout the whole numbers are hopeless: unknown, not twice the wait
        return Answer(Status.UNKNOWN, reason=why(solver, otherwise="nonlinear"))

    def over_reals(self, goal: Sequence[z3.BoolRef]) -> z3.Solver | None:
        """A solver (nlsat) of ``goal`` relaxed to the reals; None when it cannot be."""
        try:
            relaxed = self.relaxation.of(goal)
        except Unrelaxable:
            return None
        solver = z3.SolverFor("QF_NRA")
        solver.set("timeout", max(1, int(self.timeout * 1000)))
        solver.add(*relaxed)
        return solver

    def impossible_over_reals(self, goal: Sequence[z3.BoolRef]) -> bool:
        """Whether no record meets ``goal`` even with every whole number relaxed to a real."""
        solver = self.over_reals(goal)
        return solver is not None and solver.check() == z3.unsat

    @cached_property
    def proportions(self) -> Subject:
        """The ruleset over votes as proportions: each ballot that is only ever divided by its
        total (shares, points) has real vote counts that sum to 1. Every record's values are
        some such record's (its counts over their total), so a question no proportions meet
        (with a moved vote a real ``1/total`` too) no record meets; nonlinear questions over
        proportions lose the totals' products, and nlsat answers them at once."""
        inputs = smt.Inputs(smt.Context(), "share")
        inputs.declare(self.ruleset.plan)
        for ballot in shares_only(self.ruleset.plan):
            categories = inputs.ballots[ballot]
            for c in categories:
                inputs.votes[ballot, c] = z3.Real(inputs.name(ballot, c) + "~share")
                inputs.domain.append(inputs.votes[ballot, c] >= 0)
            inputs.domain.append(z3.Sum([inputs.votes[ballot, c] for c in categories]) == 1)
        return subject(self.ruleset, inputs)

    def forall(self, kind: Kind, what: str, severity: Severity, goal: Sequence[z3.BoolRef],
               shows: Shows, subjects: Sequence[Subject] = (), related: tuple[str, ...] = ()
               ) -> Obligation:
        """The property whose breaking ``goal`` describes: proved when no record meets it."""
        answer = self.ask(goal)
        if answer.status == Status.UNKNOWN:
            return Obligation(kind, what, Status.UNKNOWN, severity, reason=answer.reason,
                              related=related)
        if answer.status == Status.PROVED:
            return Obligation(kind, what, Status.PROVED, severity, related=related)
        assert answer.model is not None
        found = self.found(answer.model, shows, subjects or (self.subject,), answer.minimal)
        if not found.replayed and self.approximate:
            return Obligation(kind, what, Status.UNKNOWN, severity, reason="approximate",
                              related=related)
        return Obligation(kind, what, Status.REFUTED, severity, counterexample=found,
                          related=related)

    def exists(self, kind: Kind, what: str, severity: Severity, goal: Sequence[z3.BoolRef],
               shows: Shows, subjects: Sequence[Subject] = (),
               covered: Callable[[], tuple[str, ...]] | None = None) -> Obligation:
        """Some record meets ``goal``: proved with the smallest one (an example that does not
        replay proves nothing: unknown for the reason ``not-replayed``, the example kept as the
        bug it is); refuted when none does, ``related`` then what ``covered`` names (the rules
        that mask a rule: the reason ``masked``, or ``never-holds`` when none is to blame)."""
        answer = self.ask(goal)
        if answer.status == Status.UNKNOWN:
            return Obligation(kind, what, Status.UNKNOWN, severity, reason=answer.reason)
        if answer.status == Status.PROVED:  # no such record
            if covered is None:
                return Obligation(kind, what, Status.REFUTED, severity)
            related = covered()
            return Obligation(kind, what, Status.REFUTED, severity, related=related,
                              reason="masked" if related else "never-holds")
        assert answer.model is not None
        found = self.found(answer.model, shows, subjects or (self.subject,), answer.minimal)
        if not found.replayed:
            if self.approximate:
                return Obligation(kind, what, Status.UNKNOWN, severity, reason="approximate")
            return Obligation(kind, what, Status.UNKNOWN, severity, witness=found,
                              reason="not-replayed")
        return Obligation(kind, what, Status.PROVED, severity, witness=found)

    @property
    def approximate(self) -> bool:
        """The ruleset reads a list of numbers, which the encoding describes only by its
        statistics: a record that does not replay may be the description's, not a bug —
        unknown, never a finding."""
        return any(isinstance(t, NumberList) for t in self.subject.inputs.terms.values())

    def found(self, model: z3.ModelRef, shows: Shows, subjects: Sequence[Subject],
              minimal: bool = True) -> Counterexample:
        """The record(s) of ``model``, what they show, and whether the reference reproduces it."""
        key, values, reproduces = shows(model)
        replays = [s.replay(model) for s in subjects]
        try:
            replayed = bool(reproduces(replays))
        except Exception:  # whatever breaks, the replay is not what was found
            replayed = False
        decisions = self.subject.decisions(model) if self.checked.groups else {}
        return Counterexample(tuple(s.record(model) for s in subjects), key, values, replayed,
                              decisions, minimal)

    def core(self, goal: Sequence[z3.BoolRef], named: Mapping[str, z3.BoolRef]
             ) -> tuple[str, ...]:
        """Names among ``named`` whose constraints, with ``goal``, no record meets (an unsat core:
        small, not always the smallest); () when the goal alone is unmet or the solver cannot
        tell."""
        solver = z3.Solver()
        solver.set("timeout", max(1, int(self.timeout * 1000)))
        solver.add(*goal)
        flags = {z3.Bool(f"core!{i}"): name for i, name in enumerate(named)}
        for flag, name in flags.items():
            solver.add(z3.Implies(flag, named[name]))
        if solver.check(*flags) != z3.unsat:
            return ()
        core = {str(f) for f in solver.unsat_core()}
        return tuple(name for flag, name in flags.items() if str(flag) in core)

    # -- what a record's values are, in the solver's model and in the reference's replay
    def value(self, model: z3.ModelRef, term: smt.Term) -> object:
        return smt.value_of(model, self.context, term)

    def evaluate(self, record: Mapping[str, object], e: ast.Expr, model: z3.ModelRef,
                 fixed: Mapping[str, object] | None = None) -> object:
        """``e`` for the record by the reference evaluator, with the group decisions the model
        took and the values in ``fixed`` taken as given (a veto switched off)."""
        rs = self.ruleset
        values = coerce_record(rs.checked, record, rs.constants)
        values.update(fixed or {})
        group = self.subject.decisions(model) if rs.checked.groups else None
        return reference.evaluate_expression(rs.checked, rs.constants, e, values, group=group)


def shares_only(plan: P.Plan) -> set[str]:
    """The ballots whose votes a plan reads only as shares or points: divided by the ballot's
    total, the numerator linear in its votes (values free of votes as the coefficients). What
    such a ballot decides is the same for its counts scaled by any factor."""
    outside: set[str] = set()

    def linear(e: P.Expr, ballot: str) -> bool:
        match e:
            case P.Vote(ballot=b):
                return b == ballot
            case P.Sum(terms=xs):
                return all(linear(x, ballot) for x in xs)
            case P.Mul(left=a, right=b):
                return (linear(a, ballot) and _voteless(b)) or (linear(b, ballot) and _voteless(a))
        return False

    def visit(e: P.Expr) -> None:
        if isinstance(e, P.Div) and e.fail.key == "record.no_votes" and e.fail.field and \
                linear(e.left, e.fail.field) and linear(e.right, e.fail.field):
            return  # a share: its coefficients are free of votes (linear() checked)
        if isinstance(e, P.Vote):
            outside.add(e.ballot)
        for child in P.children(e):
            visit(child)

    for block in plan.blocks:
        for step in block.steps:
            visit(step.expr if isinstance(step, P.Bind) else step.condition)
    return set(plan.ballots) - outside


def _voteless(e: P.Expr) -> bool:
    return not any(isinstance(n, P.Vote) for n in P.walk(e))


def graded(replays: Sequence[Replayed]) -> list[reference.Evaluation]:
    """The replays as evaluations; a record the reference refuses raises (not reproduced)."""
    out = []
    for r in replays:
        if isinstance(r, InputError):
            raise r
        out.append(r)
    return out


def show(value: object) -> str:
    """A value as a counterexample states it: a number exactly, a label as written."""
    if isinstance(value, Fraction):
        return exact_str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def lowered(order: Sequence[str] | None, before: object, after: object) -> bool:
    """Whether ``after`` is worse than ``before`` (:func:`testing.checks._lowered`'s meaning): a
    smaller number, or a grade lower on its scale; an unrated grade is off the order."""
    if order is None:
        assert isinstance(after, (int, Fraction)) and isinstance(before, (int, Fraction))
        return Fraction(after) < Fraction(before)
    return before in order and after in order and \
        list(order).index(after) > list(order).index(before)  # type: ignore[arg-type]
