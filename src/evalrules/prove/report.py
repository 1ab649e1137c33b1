"""What ``evalrules verify`` found: one :class:`Obligation` per question asked of a ruleset, each
proved, refuted (with a :class:`Counterexample` replayed through the reference evaluator) or
unknown (with why), gathered in a :class:`Report`.

Plain immutable data; rendering it for people is :mod:`prove.render`'s job. Imports
:mod:`prove.solve` (for :class:`Status`) only.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from attrs import field, frozen

from .solve import Status


class Kind(StrEnum):
    """What an obligation asks (its :attr:`Obligation.subject` says of what)."""

    CHECK = "check"  # a stated `check always` or `check monotone`: holds for every graded record
    TOTALITY = "totality"  # no valid record fails (division by zero, .last of an empty history…)
    REACHABLE = "reachable"  # some valid record gets this label
    DECIDES = "decides"  # this rule of a grade table decides the grade for some valid record
    UNIQUE = "unique"  # two rules of a (unique) table never hold at once
    VETO = "veto"  # the veto changes the grade of some valid record
    OUTCOME_HOLDS = "outcome-holds"  # the outcome holds for some valid record
    OUTCOME_FAILS = "outcome-fails"  # … and does not hold for some other
    MONOTONE = "monotone"  # --monotone-all: one vote to a better category never lowers a grade
    ENCODING = "encoding"  # a part of the ruleset the solver could not be given: nothing proved


class Severity(StrEnum):
    """What a refutation means: an ``error`` (a stated check broken, a record that cannot be
    graded) or a ``warning`` (a label nobody can get, a rule the ones before it mask…)."""

    ERROR = "error"
    WARNING = "warning"


@frozen
class Counterexample:
    """The smallest record (fewest votes) that refutes an obligation — two for a monotone one,
    before and after the move — and what it shows.

    ``replayed`` is whether the reference evaluator reproduces it; one that does not is a bug of
    evalrules (the encoding disagrees with the definition), reported as one, never as a finding.
    ``decisions``: what the group rules are assumed to have decided for it (ranks, quota moves),
    for a ruleset with group rules."""

    records: tuple[Mapping[str, object], ...]
    #: What the record(s) show, as a message key of the catalogue and its values.
    key: str
    values: Mapping[str, object] = field(factory=dict)
    replayed: bool = True
    decisions: Mapping[str, object] = field(factory=dict)
    #: The fewest votes the optimiser could find; False when it ran out of time and this is only
    #: the first record the solver found.
    minimal: bool = True


@frozen
class Obligation:
    """One question asked of the ruleset and its answer."""

    kind: Kind
    #: What it is about, in the ruleset's own words: ``check monotone 班子等次 in 班子测评``,
    #: ``班子等次 is 优秀``, ``grade 班子等次 rule 一般``, ``veto 人口计生综治``…
    subject: str
    status: Status
    severity: Severity
    counterexample: Counterexample | None = None
    #: Why the answer is unknown ("timeout", "nonlinear", …), or a refutation's detail.
    reason: str | None = None
    #: Names in the ruleset the finding points at (the rules that mask a rule, the two rules of a
    #: (unique) table that hold at once…).
    related: tuple[str, ...] = ()
    #: For a question whether some record exists (a label reachable, a rule that decides, a veto
    #: that changes a grade, an outcome that holds): the smallest such record, replayed too.
    witness: Counterexample | None = None

    @property
    def failed(self) -> bool:
        """Refuted, or not known to hold: never a silent pass."""
        return self.status != Status.PROVED


@frozen
class Report:
    """Every obligation of one ruleset."""

    ruleset: str
    path: str | None
    obligations: tuple[Obligation, ...]
    #: The ruleset has group rules: only its per-record part is verified, with what the group
    #: rules decide (ranks, group values, quota moves) taken as free values.
    grouped: bool = False
    #: Some input is described only approximately (a list of numbers): a counterexample is
    #: printed only when the reference reproduces it.
    abstract: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """No error refuted or unknown (warnings aside)."""
        return not any(o.failed and o.severity == Severity.ERROR for o in self.obligations)

    @property
    def bugs(self) -> tuple[Obligation, ...]:
        """Counterexamples (and examples) the reference evaluator did not reproduce: bugs of
        evalrules."""
        return tuple(o for o in self.obligations
                     if any(c is not None and not c.replayed
                            for c in (o.counterexample, o.witness)))
