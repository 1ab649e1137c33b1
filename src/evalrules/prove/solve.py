"""Asking the solver about encoded records: proved, refuted (with a smallest record, replayed
through the reference evaluator) or unknown (with why) — never a silent pass.

A :class:`Subject` is a ruleset encoded over some record unknowns (:mod:`backends.smt`) with the
assumptions every question makes: the record is valid, and a ballot whose share or points a rule
takes has at least one vote (as :func:`evalrules.testing.records` draws them: the regulations never
grade a team nobody voted on). :func:`ask` answers one question about subjects.

Imports z3, :mod:`backends.smt`, :mod:`backends.reference`, :mod:`plan` and :mod:`ruleset`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

import z3
from attrs import define, frozen

from .. import plan as P
from ..backends import reference, smt
from ..diagnostics import InputError
from ..ruleset import Ruleset

#: How long one question may take before its answer is "unknown (timeout)", in seconds.
TIMEOUT = 10.0


class Status(StrEnum):
    PROVED = "proved"
    REFUTED = "refuted"
    UNKNOWN = "unknown"


@frozen
class Answer:
    """What the solver said: ``model`` a record (of every subject asked about) when refuted,
    ``reason`` why when unknown."""

    status: Status
    model: z3.ModelRef | None = None
    reason: str | None = None
    #: A refuting record has the fewest votes (False: the optimiser ran out of time, so it is
    #: only the first record found, and says so).
    minimal: bool = True


@define
class Subject:
    """A ruleset over record unknowns, and what every question about it assumes."""

    ruleset: Ruleset
    encoded: smt.Encoded

    @property
    def inputs(self) -> smt.Inputs:
        return self.encoded.inputs

    @property
    def context(self) -> smt.Context:
        return self.encoded.inputs.context

    @property
    def voted(self) -> list[z3.BoolRef]:
        """A ballot whose share or points a rule takes has at least one vote."""
        inputs = self.inputs
        return [z3.Sum([inputs.votes[b, c] for c in inputs.ballots[b]]) >= 1
                for b in needs_votes(self.encoded.plan)]

    @property
    def valid(self) -> z3.BoolRef:
        return z3.And(self.encoded.valid, *self.voted)

    @property
    def graded(self) -> z3.BoolRef:
        return z3.And(self.encoded.graded, *self.voted)

    def value(self, name: str) -> smt.Term:
        return self.encoded.values[name]

    def condition(self, expr: P.Expr) -> tuple[smt.Term, z3.BoolRef]:
        """An expression over this record's values, and when evaluating it fails."""
        return smt.evaluate(self.encoded, expr)

    def position(self, term: smt.Term, order: Sequence[str]) -> z3.ArithRef:
        """A label's place on a scale (best first, from 0), or -1 when it is off the order
        (unrated)."""
        assert isinstance(term, smt.Label)
        out: z3.ArithRef = z3.IntVal(-1)
        for i, label in reversed(list(enumerate(order))):
            out = z3.If(term.code == self.context.code(label), i, out)
        return out

    def record(self, model: z3.ModelRef) -> dict[str, object]:
        """The record the model describes."""
        return smt.record_of(model, self.inputs)

    def decisions(self, model: z3.ModelRef) -> dict[str, object]:
        """What the model takes the group rules to have decided for the record, as the
        reference evaluator's ``group`` (a rank the record has none of is None)."""
        raw = smt.decisions_of(model, self.inputs)
        out = {k: v for k, v in raw.items() if not k.startswith("?")}
        for k, v in raw.items():
            if k.startswith("?") and not v:
                out[k[1:]] = None
        return out

    def replay(self, model: z3.ModelRef, record: Mapping[str, object] | None = None
               ) -> reference.Evaluation | InputError:
        """The model's record (or ``record``: the part of it this ruleset reads, when two
        rulesets share one) through the reference evaluator, with the group decisions the model
        took: the definition, which a counterexample must reproduce."""
        rs = self.ruleset
        try:
            return reference.evaluate(rs.checked, rs.constants,
                                      self.record(model) if record is None else record,
                                      group=self.decisions(model))
        except InputError as e:
            return e


def subject(ruleset: Ruleset, inputs: smt.Inputs | None = None, *, tag: str = "",
            forced: Mapping[str, smt.Term] | None = None) -> Subject:
    """``ruleset`` encoded over ``inputs`` (fresh unknowns in a new context when None)."""
    if inputs is None:
        inputs = smt.Inputs(smt.Context(), tag)
    return Subject(ruleset, smt.encode(ruleset.plan, inputs, forced))


def needs_votes(plan: P.Plan) -> list[str]:
    """The ballots some rule divides by (a share, points): those the record must have votes in."""
    found: dict[str, None] = {}
    for block in plan.blocks:
        for step in block.steps:
            expr = step.expr if isinstance(step, P.Bind) else step.condition
            for node in P.walk(expr):
                if isinstance(node, P.Div) and node.fail.key == "record.no_votes" and \
                        node.fail.field is not None:
                    found[node.fail.field] = None
    return list(found)


def ask(goal: Sequence[z3.BoolRef], *, votes: Sequence[z3.ArithRef] = (),
        timeout: float = TIMEOUT) -> Answer:
    """Whether some record meets every constraint of ``goal``. None does: PROVED (the property
    the goal negates holds for every record). One does: REFUTED, with a record of the fewest
    ``votes`` z3's Optimize finds in the time left (else the first one found). The solver cannot
    tell: UNKNOWN, with its reason."""
    solver = z3.Solver()
    solver.set("timeout", max(1, int(timeout * 1000)))
    solver.add(*goal)
    verdict = solver.check()
    if verdict == z3.unsat:
        return Answer(Status.PROVED)
    if verdict == z3.unknown:
        return Answer(Status.UNKNOWN, reason=why(solver))
    model = solver.model()
    minimal = True
    if votes:
        optimize = z3.Optimize()
        optimize.set("timeout", max(1, int(timeout * 1000)))
        optimize.add(*goal)
        optimize.minimize(z3.Sum(list(votes)))
        minimal = optimize.check() == z3.sat
        if minimal:
            model = optimize.model()
    return Answer(Status.REFUTED, model, minimal=minimal)


def why(solver: z3.Solver | z3.Optimize, otherwise: str = "incomplete") -> str:
    """Why the solver answered unknown, as the reports say it: "timeout", "nonlinear", or its
    own words (``otherwise`` when it gives none that say more)."""
    reason = solver.reason_unknown()
    if "timeout" in reason or "canceled" in reason:
        return "timeout"
    if "nonlinear" in reason or "(incomplete (theory arithmetic))" in reason:
        return "nonlinear"
    return otherwise if otherwise != "incomplete" else reason or otherwise
