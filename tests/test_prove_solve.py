"""prove.solve: an answer says whether its record has the fewest votes. When z3's optimiser runs
out of time the first record found is still a counterexample (it is replayed like any), but it
is not said to be the smallest — verify and diff --prove both say so."""

from __future__ import annotations

import pytest

import evalrules
from evalrules.prove import solve
from evalrules.prove.equivalence import equivalence
from evalrules.prove.render import text
from evalrules.prove.render_diff import text as diff_text

from conftest import ROOT

z3 = pytest.importorskip("z3")

MUTANT = ROOT / "tests" / "mutants" / "ge-to-le.rules"
CITY = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
COUNTY = ROOT / "rulesets" / "fanwen9" / "team-county.rules"


_OPTIMIZE = z3.Optimize


class _OutOfTime:
    """z3.Optimize, but it never finishes: as past its timeout."""

    def __init__(self):
        self.inner = _OPTIMIZE()

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def check(self, *args):
        return z3.unknown


def test_the_smallest_record_is_minimal_and_the_first_found_is_not(monkeypatch):
    x = z3.Int("x")
    goal = [x >= 3, x <= 100]
    answer = solve.ask(goal, votes=[x])
    assert answer.status == solve.Status.REFUTED and answer.minimal
    assert answer.model.eval(x).as_long() == 3  # fewest: the least x the goal allows
    monkeypatch.setattr(solve.z3, "Optimize", _OutOfTime)
    answer = solve.ask(goal, votes=[x])
    assert answer.status == solve.Status.REFUTED and not answer.minimal
    assert 3 <= answer.model.eval(x).as_long() <= 100


def test_verify_says_a_counterexample_is_not_the_smallest(monkeypatch):
    monkeypatch.setattr(solve.z3, "Optimize", _OutOfTime)
    report = evalrules.verify(evalrules.load(MUTANT))
    refuted = [o for o in report.obligations if o.counterexample is not None]
    assert refuted and all(o.counterexample.replayed and not o.counterexample.minimal
                           for o in refuted)
    assert "not necessarily the fewest votes" in text(report, "en")
    assert "没能找出票数最少的反例" in text(report, "zh")


def test_diff_prove_says_a_record_is_not_the_smallest(monkeypatch):
    old, new = evalrules.load(CITY), evalrules.load(COUNTY)
    assert all(t.minimal for t in equivalence(old, new).transitions)
    monkeypatch.setattr(solve.z3, "Optimize", _OutOfTime)
    found = equivalence(old, new)
    assert found.transitions and not any(t.minimal for t in found.transitions)
    assert all(t.replayed for t in found.transitions)
    assert "not necessarily the fewest votes" in diff_text(found, "en")
