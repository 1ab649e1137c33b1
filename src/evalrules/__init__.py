"""evalrules: assessment regulations as exact, embeddable, testable rulesets.

    >>> import evalrules
    >>> rules = evalrules.load("rulesets/fanwen9/team-city.rules")   # doctest: +SKIP
    >>> rules.evaluate(record)["班子等次"]                              # doctest: +SKIP
    '较好'
"""

from .diagnostics import (
    Diagnostic,
    EvalRulesError,
    GroupRulesError,
    InputError,
    RulesetError,
    UnknownName,
)
from .result import Result
from .ruleset import Field, Ruleset, compile, load

__all__ = [
    "Diagnostic", "EvalRulesError", "Field", "GroupRulesError", "InputError", "Result", "Ruleset",
    "RulesetError", "UnknownName", "compile", "load", "verify",
]
__version__ = "0.1.0"


def verify(ruleset: Ruleset, *, monotone_all: bool = False, timeout: float | None = None):
    """Prove ``ruleset``'s checks, totality and grade tables for every valid record with an SMT
    solver (the ``verify`` extra: z3-solver), or refute them with the smallest record, replayed
    through the reference evaluator: a :class:`evalrules.prove.report.Report`. ``monotone_all``:
    also every grade monotone in every ballot. ``timeout``: seconds per question (default
    :data:`evalrules.prove.solve.TIMEOUT`); past it the answer is unknown, never proved.

    Imported here only when called, so that ``import evalrules`` never imports z3."""
    from .prove.obligations import verify as prove
    from .prove.solve import TIMEOUT

    return prove(ruleset, monotone_all=monotone_all,
                 timeout=TIMEOUT if timeout is None else timeout)
