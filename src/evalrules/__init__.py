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
    "RulesetError", "UnknownName", "compile", "load",
]
__version__ = "0.1.0"
