"""Rule coverage: which rules, conditions, vetoes and outcomes a set of cases exercised.

An item is exercised when a case made a grade rule decide its grade, saw a condition both true
and false, applied a veto, or saw an outcome both hold and fail. Read from ``Result.trace()``.
"""

from __future__ import annotations

from collections import Counter

from .. import ast
from ..ruleset import Result, Ruleset
from ..unparse import expression


def _leaves(expr: ast.Expr, path: tuple = ()) -> list[tuple[tuple, str]]:
    """The conditions of a rule as the trace lays them out: blocks and and/or have parts."""
    match expr:
        case ast.Quantified(conditions=conds):
            out = []
            for i, c in enumerate(conds):
                out += _leaves(c, (*path, i))
            return out
        case ast.Logic(left=a, right=b):
            return [*_leaves(a, (*path, 0)), *_leaves(b, (*path, 1))]
    return [(path, expression(expr))]


def _walk(detail: dict, path: tuple, out: dict) -> None:
    if "parts" in detail:
        for i, part in enumerate(detail["parts"]):
            _walk(part, (*path, i), out)
    else:
        out[path] = detail.get("value")


class Coverage:
    """Counts what the cases of one ruleset exercised; :meth:`report` says what none did."""

    def __init__(self, ruleset: Ruleset):
        self.ruleset = ruleset
        self.cases = 0
        self.decided: Counter = Counter()  # (grade, label or "otherwise")
        self.seen: Counter = Counter()  # (grade, label, path, value)
        self.vetoes: Counter = Counter()
        self.outcomes: Counter = Counter()  # (outcome, holds)

    def add(self, result: Result) -> None:
        trace = result.trace()
        self.cases += 1
        for g in trace["grades"]:
            self.decided[(g["grade"], g["decided_by"])] += 1
            for rule in g["rules"]:
                values: dict = {}
                _walk(rule["condition"], (), values)
                for path, value in values.items():
                    self.seen[(g["grade"], rule["label"], path, value)] += 1
        for v in trace["vetoes"]:
            self.vetoes[v["veto"]] += bool(v["applied"])
        for o in trace["outcomes"]:
            self.outcomes[(o["outcome"], bool(o["holds"]))] += 1

    def items(self) -> list[tuple[str, bool, str]]:
        """``(item, exercised, detail)`` for every rule, condition, veto and outcome."""
        out = []
        for name, decl in self.ruleset.checked.definitions.items():
            if isinstance(decl, ast.Grade):
                for rule in decl.rules:
                    n = self.decided[(name, rule.label)]
                    out.append((f"grade {name} rule {rule.label}", n > 0, f"decided {n}"))
                    for path, text in _leaves(rule.condition):
                        t = self.seen[(name, rule.label, path, True)]
                        f = self.seen[(name, rule.label, path, False)]
                        out.append((f"  condition {text}", t > 0 and f > 0,
                                    f"true {t}, false {f}"))
                n = self.decided[(name, "otherwise")]
                out.append((f"grade {name} otherwise {decl.otherwise}", n > 0, f"decided {n}"))
            elif isinstance(decl, ast.Veto):
                n = self.vetoes[name]
                out.append((f"veto {name}", n > 0, f"applied {n}"))
            elif isinstance(decl, ast.Outcome):
                t, f = self.outcomes[(name, True)], self.outcomes[(name, False)]
                out.append((f"outcome {name}", t > 0 and f > 0, f"holds {t}, fails {f}"))
        return out

    def report(self) -> str:
        items = self.items()
        done = sum(ok for _, ok, _ in items)
        lines = [f"rule coverage of {self.ruleset.name} by {self.cases} graded case(s): "
                 f"{done} of {len(items)} items exercised"]
        for item, ok, detail in items:
            lines.append(f"  {'✓' if ok else '✗'} {item}  ({detail})")
        missing = [item.strip() for item, ok, _ in items if not ok]
        if missing:
            lines.append("  not exercised by any case: " + "; ".join(missing))
        return "\n".join(lines)
