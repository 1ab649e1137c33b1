"""Properties of a ruleset run as Hypothesis tests: the checks its author stated
(``check monotone G in BALLOT``, ``check monotone X in INPUT``, ``check always COND``) and the
built-in ones every ruleset must have (totality, determinism, rejection of bad input).

A failure is a :class:`CheckFailed` (an ``EvalRulesError`` and an ``AssertionError``) raised
after Hypothesis has shrunk the record: its message shows the minimal record, the explanation of
the evaluations involved and the record as a ready-to-paste case for the ruleset's cases file.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable, Mapping
from fractions import Fraction

from attrs import frozen
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from .. import ast
from ..diagnostics import EvalRulesError, InputError
from ..quotas import group_wide_inputs
from ..ruleset import Ruleset
from ..unparse import expression
from ._model import (
    boundary_records,
    date_anchor,
    dumps,
    evaluate_expr,
    field_range,
    record_as_case,
)
from .strategies import invalid_records, numbers_of, records

__all__ = ["CheckFailed", "Property", "properties", "run_checks"]

_HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


class CheckFailed(EvalRulesError, AssertionError):
    """A property of a ruleset does not hold; ``records`` are the minimal counterexample(s). An
    ``AssertionError`` too, so that pytest reports it as a failed test."""

    def __init__(self, ruleset: Ruleset, check: str, summary: str,
                 records: tuple[Mapping, ...], explain: bool = True):
        self.ruleset, self.check, self.summary, self.records = ruleset, check, summary, records
        self._explain = explain
        super().__init__(f"{check}: {summary}")

    def __str__(self) -> str:
        return report(self.ruleset, self.check, self.summary, self.records, self._explain)


def report(ruleset: Ruleset, check: str, summary: str, records, explain: bool = True) -> str:
    lines = [f"{ruleset.name}: {check} fails", f"  {summary}", ""]
    cases = []
    for i, record in enumerate(records, 1):
        tag = f"record {i}" if len(records) > 1 else "record"
        lines.append(f"{tag}: {dumps(record, indent=None)}")
        if explain:
            try:
                text = ruleset.evaluate(record).explain("zh")
            except InputError as e:
                text = f"InputError: {e}"
            lines += ["  " + line for line in text.splitlines()]
        name = f"{check}（反例{'' if len(records) == 1 else i}）"
        cases.append(record_as_case(ruleset, record, name))
    if not cases:
        return "\n".join(lines)
    target = f"{ruleset.path.rsplit('.', 1)[0]}.cases.json" if ruleset.path else "the cases file"
    lines += ["", f"as cases for {target} (the expected values are what the ruleset gives now: "
                  "correct them to what the regulation says):"]
    lines += [dumps(c) + "," for c in cases]
    return "\n".join(lines)


@frozen
class Property:
    """One property of one ruleset. ``run()`` raises :class:`CheckFailed` when it fails."""

    name: str
    kind: str  # "stated" or "built-in"
    ruleset: Ruleset
    test: Callable  # a function of (record or drawn tuple) that raises CheckFailed
    strategy: st.SearchStrategy
    #: drawn values tried first, every run, whatever the seed (the boundary records)
    examples: tuple = ()

    def run(self, *, max_examples: int | None = None, seed: int | None = None,
            settings_: settings | None = None) -> None:
        def inner(drawn):
            self.test(drawn)

        inner.__name__ = inner.__qualname__ = "check"
        for drawn in reversed(self.examples):  # Hypothesis runs the last one applied first
            inner = example(drawn)(inner)
        options: dict = {"deadline": None, "suppress_health_check": _HEALTH,
                         "report_multiple_bugs": False}
        if max_examples is not None:
            options["max_examples"] = max_examples
        test = settings(settings_, **options)(given(self.strategy)(inner))
        # Hypothesis keys its example database on the test function: tell properties of
        # different rulesets apart.
        inner_test = test.hypothesis.inner_test  # type: ignore[attr-defined]  # set by @given
        inner_test._hypothesis_internal_add_digest = \
            f"{self.ruleset.name}\n{self.ruleset.source}\n{self.name}".encode()
        if seed is not None:
            from hypothesis import seed as seed_

            test = seed_(seed)(test)
        try:
            test()
        except Unsatisfiable:
            raise CheckFailed(self.ruleset, self.name, (
                "not one generated record could be tested: every one was rejected (an input "
                "error, a failed require, a group limit; the totality property shows which)"),
                (), explain=False) from None


class Grouped:
    """A ruleset with group rules, seen as one that grades single records: each record is graded
    among fixed peers (a seeded sample of valid records put in the record's group), so ranks,
    quotas and limits take part in every property. The peers travel with every counterexample
    (``"group"`` in the pasted case), so a failure reproduces."""

    PEERS = 9

    def __init__(self, ruleset: Ruleset, seed: int = 0):
        self._ruleset = ruleset
        assert ruleset.checked.groups  # a ruleset with group rules
        self._keys = tuple(dict.fromkeys(k for g in ruleset.checked.groups for k in g.keys))
        self._group_wide = group_wide_inputs(ruleset.checked)
        self._peers = _peers_within_limits(ruleset, self.PEERS, seed)
        self._unlimited: Ruleset | None = None

    def __getattr__(self, name):
        return getattr(self._ruleset, name)

    def peers(self, record: Mapping) -> list[dict]:
        """The fixed peers in ``record``'s groups, sharing what a group shares: its keys, and
        the inputs a quota reads for the whole group (a head count, an approval)."""
        keys = {k: record.get(k) if isinstance(record, Mapping) else None for k in self._keys}
        shared = {name: record.get(name) for name in self._group_wide
                  if isinstance(record, Mapping) and name in record}
        return [{**{k: v for k, v in p.items() if k not in self._group_wide}, **keys, **shared}
                for p in self._peers]

    def evaluate(self, record: Mapping):
        return self._ruleset.evaluate(record, group=self.peers(record))

    def reference_evaluate(self, record: Mapping):
        result = self._ruleset.reference_evaluate_many([record, *self.peers(record)])[0]
        if result.error is not None:
            raise result.error
        return result

    def function(self, *names: str):
        def value(record):
            result = self.evaluate(record)
            values = tuple(result[n] for n in names)
            return values[0] if len(values) == 1 else values
        return value

    def decisions(self, record: Mapping) -> dict:
        """What the group rules decided for ``record`` among its peers."""
        return self.reference_evaluate(record)._group

    def evaluate_without_limits(self, record: Mapping):
        """``record`` graded among its peers by the ruleset without its ``limit`` rules: what
        it would be given if its group met them."""
        if self._unlimited is None:
            self._unlimited = _without_limits(self._ruleset)
        if not self._unlimited.checked.groups:
            return self._unlimited.evaluate(record)
        return self._unlimited.evaluate(record, group=self.peers(record))


def by_a_limit(error: InputError) -> bool:
    """Whether an error is a group's: a ``limit`` its group fails (or cannot compute)."""
    return (error.rule or "").startswith("limit ")


def _without_limits(ruleset: Ruleset) -> Ruleset:
    """The ruleset with the ``limit`` rules of its group blocks left out (a block too, when it
    holds nothing else)."""
    import attrs

    from ..ruleset import compile as compile_ruleset
    from ..unparse import module as unparse_module

    m = ruleset.checked.module
    statements = []
    for statement in m.statements:
        if isinstance(statement, ast.GroupBy):
            rules = tuple(r for r in statement.rules if not isinstance(r, ast.Limit))
            if not rules:
                continue
            statement = attrs.evolve(statement, rules=rules)
        statements.append(statement)
    flat = attrs.evolve(m, header=attrs.evolve(m.header, extends=None),
                        statements=tuple(statements))
    variant = compile_ruleset(unparse_module(flat), path=ruleset.path)
    return variant.with_params(**ruleset.overrides) if ruleset.overrides else variant


def _peers_within_limits(ruleset: Ruleset, count: int, seed: int) -> list[dict]:
    """Peers that meet the group's limits by themselves, so that a record is rejected by a
    limit only when it tips its group over: the seeded sample, else samples whose votes lean to
    the last or the first categories, else fewer peers (none at the last)."""
    if not any(isinstance(r, ast.Limit) for g in ruleset.checked.groups for r in g.rules):
        return _sample_records(ruleset, count, seed)
    for n in (count, 4, 1):
        for attempt in range(9):
            peers = _sample_records(ruleset, n, seed + attempt, lean=attempt % 3)
            results = ruleset.reference_evaluate_many(peers)
            if not any(r.error is not None and by_a_limit(r.error) for r in results):
                return peers
    return []


def _sample_records(ruleset: Ruleset, count: int, seed: int, lean: int = 0) -> list[dict]:
    """Valid records from a seeded random source (not Hypothesis: peers stay fixed). ``lean``
    1 or 2: ballots with few votes in all but the last (or the first) category."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        record: dict = {}
        for name, field in ruleset.inputs.items():
            if field.kind == "ballot":
                counts = [rng.randint(0, 20) for _ in field.labels]
                if lean:
                    favoured = len(counts) - 1 if lean == 1 else 0
                    counts = [c if i == favoured else c // 10 for i, c in enumerate(counts)]
                counts[0 if lean != 1 else -1] += 1
                record[name] = dict(zip(field.labels, counts, strict=True))
            elif field.kind == "bool":
                record[name] = rng.random() < 0.3
            elif field.kind in ("category", "history"):
                pick = [rng.choice(field.labels) for _ in range(rng.randint(0, 3))]
                record[name] = pick if field.kind == "history" else rng.choice(field.labels)
            elif field.kind == "text":
                record[name] = "组"
            elif field.kind == "list":  # whole numbers in the range (any list's are fine)
                least = math.ceil(field.low) if field.low is not None else 0
                most = math.floor(field.high) if field.high is not None else least + 100
                record[name] = [rng.randint(least, max(least, most))
                                for _ in range(rng.randint(0, 5))]
            elif field.kind == "date":
                record[name] = date_anchor(ruleset) - datetime.timedelta(rng.randint(0, 400))
            else:
                lo = field.low if field.low is not None else Fraction(0)
                hi = field.high if field.high is not None else lo + 100
                value = lo + (hi - lo) * Fraction(rng.randint(0, 100), 100)
                if field.kind == "integer":  # bounds of any denominator: stay inside them
                    value = Fraction(min(max(math.floor(value), math.ceil(lo)),
                                         math.floor(hi)))
                record[name] = int(value) if value.denominator == 1 else value
        out.append(record)
    return out


def properties(ruleset: Ruleset) -> list[Property]:
    """The properties to verify: the stated checks in written order, then the built-in ones.
    A ruleset with group rules is graded among peers (:class:`Grouped`)."""
    if ruleset.checked.groups and not isinstance(ruleset, Grouped):
        ruleset = Grouped(ruleset)  # type: ignore[assignment]  # stands in for it: delegates
    out = []
    for chk in ruleset.checks:
        if chk.kind == "always":
            out.append(_always(ruleset, chk))
        elif chk.source in ruleset.checked.ballots:
            out.append(_monotone_ballot(ruleset, chk))
        else:
            out.append(_monotone_input(ruleset, chk))
    out += [_totality(ruleset), _determinism(ruleset), _rejection(ruleset)]
    return out


def run_checks(ruleset: Ruleset, *, max_examples: int | None = None,
               seed: int | None = None) -> None:
    """Run every stated check and built-in property of ``ruleset`` as a Hypothesis test.

    Raises :class:`CheckFailed` (an ``AssertionError``) for the first that fails, with the
    shrunk record. ``max_examples`` defaults to the current Hypothesis settings profile."""
    if not isinstance(ruleset, (Ruleset, Grouped)):
        from hypothesis.errors import InvalidArgument

        raise InvalidArgument(f"run_checks() needs a compiled evalrules.Ruleset, not "
                              f"{ruleset!r}")
    for prop in properties(ruleset):
        prop.run(max_examples=max_examples, seed=seed)


# ---------------------------------------------------------------- stated checks

def _check_text(chk: ast.Check) -> str:
    if chk.kind == "always":
        assert chk.condition is not None  # the parser gives `check always` its condition
        return f"check always {expression(chk.condition)}"
    return f"check monotone {chk.target} in {chk.source}"


def _value(ruleset: Ruleset, name: str, record: Mapping):
    """The value of ``name``, or None when the record is not valid (not this check's concern:
    totality reports it)."""
    try:
        return ruleset.function(name)(record)
    except InputError:
        return None


def _lowered(ruleset: Ruleset, target: str, before, after) -> bool:
    """Whether ``after`` is worse than ``before``: a lower number, or a grade lower on its scale
    (an unrated grade is off the order: neither lower nor higher than any)."""
    scale = ruleset.checked.types[target].scale
    if scale is None:
        return Fraction(after) < Fraction(before)
    order = ruleset.checked.scales[scale]
    return before in order and after in order and order.index(after) > order.index(before)


def _show(value) -> str:
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}" if value.denominator != 1 \
            else str(value.numerator)
    return str(value)


def _monotone_ballot(ruleset: Ruleset, chk: ast.Check) -> Property:
    ballot, target = chk.source, chk.target
    assert ballot is not None and target is not None  # as `check monotone` has them
    categories = ruleset.checked.ballots[ballot]
    text = _check_text(chk)

    valid, which = records(ruleset), st.integers(0, len(categories))  # made once

    @st.composite
    def moves(draw):
        record = draw(valid)
        counts = record[ballot]
        movable = [i for i in range(1, len(categories)) if counts[categories[i]] > 0]
        assume(movable)
        i = movable[draw(which) % len(movable)]
        return record, i

    def test(drawn):
        record, i = drawn
        worse, better = categories[i], categories[i - 1]
        counts = dict(record[ballot])
        counts[worse] -= 1
        counts[better] += 1
        moved = {**record, ballot: counts}
        before, after = _value(ruleset, target, record), _value(ruleset, target, moved)
        assume(before is not None and after is not None)
        if _lowered(ruleset, target, before, after):
            raise CheckFailed(ruleset, text, (
                f"moving one vote of {ballot} from {worse} to {better} lowers {target} from "
                f"{_show(before)} to {_show(after)}"), (record, moved))

    examples = tuple((r, i) for r in boundary_records(ruleset)
                     for i in range(1, len(categories)) if r[ballot][categories[i]] > 0)
    return Property(text, "stated", ruleset, test, moves(), examples)


def _monotone_input(ruleset: Ruleset, chk: ast.Check) -> Property:
    source, target = chk.source, chk.target
    assert source is not None and target is not None  # as `check monotone` has them
    field = ruleset.inputs[source]
    text = _check_text(chk)
    from ._model import model

    values = numbers_of(model(ruleset), field)
    lo, hi = field_range(field, [])
    steps = st.sampled_from((Fraction(1), Fraction(1, 100))) if field.kind == "number" \
        else st.just(Fraction(1))

    valid, apart = records(ruleset), st.booleans()  # made once

    @st.composite
    def raises(draw):
        record = draw(valid)
        a = Fraction(draw(values))
        b = Fraction(draw(values)) if draw(apart) else min(a + draw(steps), hi)
        a, b = min(a, b), max(a, b)
        assume(a < b)
        return record, a, b

    def test(drawn):
        record, a, b = drawn
        low = {**record, source: _pub(a)}
        high = {**record, source: _pub(b)}
        before, after = _value(ruleset, target, low), _value(ruleset, target, high)
        assume(before is not None and after is not None)
        if _lowered(ruleset, target, before, after):
            raise CheckFailed(ruleset, text, (
                f"raising {source} from {_show(a)} to {_show(b)} lowers {target} from "
                f"{_show(before)} to {_show(after)}"), (low, high))

    step = Fraction(1) if field.kind == "integer" else Fraction(1, 100)
    examples = []
    for r in boundary_records(ruleset):
        v = Fraction(r.get(source, field.default if field.default is not None else lo))
        for a, b in ((max(v - step, lo), v), (v, min(v + step, hi))):
            if a < b:
                examples.append((r, a, b))
    return Property(text, "stated", ruleset, test, raises(), tuple(examples))


def _pub(v: Fraction):
    return int(v) if v.denominator == 1 else v


def _always(ruleset: Ruleset, chk: ast.Check) -> Property:
    text = _check_text(chk)
    condition = chk.condition
    assert condition is not None  # the parser gives `check always` its condition

    def test(record):
        try:
            value, detail = evaluate_expr(ruleset, record, condition, explain=True)
        except InputError:
            assume(False)
        if not value:
            raise CheckFailed(ruleset, text, f"the condition is false: {_detail(detail)}",
                              (record,))

    return Property(text, "stated", ruleset, test, records(ruleset),
                    tuple(boundary_records(ruleset)))


def _detail(detail: dict) -> str:
    values = detail.get("values") or {}
    shown = ", ".join(f"{k} = {v}" for k, v in values.items())
    return f"{detail.get('text', '')} [{shown}]" if shown else str(detail.get("text", ""))


# ---------------------------------------------------------------- built-in properties

def _totality(ruleset: Ruleset) -> Property:
    name = "totality: every valid record is graded (no InputError; group limits aside)"

    def test(record):
        try:
            ruleset.evaluate(record)
        except InputError as e:
            if by_a_limit(e) and isinstance(ruleset, Grouped):
                # A limit rejects whole groups by design: a failure only if the record would be
                # rejected were its group within the limits.
                try:
                    ruleset.evaluate_without_limits(record)
                except InputError as hidden:
                    raise CheckFailed(ruleset, "totality", (
                        f"a valid record is rejected: {hidden} (its group also fails "
                        f"{e.rule})"), (record,), explain=False) from None
                return
            raise CheckFailed(ruleset, "totality", f"a valid record is rejected: {e}",
                              (record,), explain=False) from None

    return Property(name, "built-in", ruleset, test, records(ruleset),
                    tuple(boundary_records(ruleset)))


def _outputs(result) -> tuple:
    return (dict(result), result.vetoes, result.outcomes)


def _flat(record: Mapping, ballots) -> dict:
    out = {}
    for k, v in record.items():
        if k in ballots:
            out.update({f"{k}.{c}": n for c, n in v.items()})
        else:
            out[k] = v
    return out


def _determinism(ruleset: Ruleset) -> Property:
    name = ("determinism: the same record gives the same result (again, on the reference "
            "evaluator, with fields in another order, with ballots as flat columns)")
    ballots = ruleset.checked.ballots

    def test(drawn):
        record, seed = drawn
        try:
            first = _outputs(ruleset.evaluate(record))
        except InputError:
            assume(False)
        shuffled = list(record.items())
        random.Random(seed).shuffle(shuffled)
        variants = {
            "evaluated again": lambda: ruleset.evaluate(record),
            "the reference evaluator": lambda: ruleset.reference_evaluate(record),
            "fields in another order": lambda: ruleset.evaluate(dict(shuffled)),
            "ballots as BALLOT.CATEGORY columns": lambda: ruleset.evaluate(_flat(record,
                                                                                 ballots)),
        }
        for what, again in variants.items():
            other = _outputs(again())
            if other != first:
                diff = [k for k in first[0] if first[0][k] != other[0].get(k)]
                if first[1] != other[1]:
                    diff.append("vetoes")
                if first[2] != other[2]:
                    diff.append("outcomes")
                raise CheckFailed(ruleset, "determinism", (
                    f"{what} gives another result: "
                    + "; ".join(f"{k}: {_show(first[0].get(k, first))} vs "
                                f"{_show(other[0].get(k, other))}" for k in diff[:5])),
                    (record,))

    return Property(name, "built-in", ruleset, test,
                    st.tuples(records(ruleset), st.integers(0, 2**16)),
                    tuple((r, 0) for r in boundary_records(ruleset)))


def _rejection(ruleset: Ruleset) -> Property:
    name = "rejection: every bad record fails with an InputError, on both evaluators"

    def test(record):
        for what, evaluate in (("evaluate", ruleset.evaluate),
                               ("reference_evaluate", ruleset.reference_evaluate)):
            try:
                evaluate(record)
            except InputError:
                continue
            except Exception as e:  # the property is about exactly this
                summary = f"{what} raises {type(e).__name__}: {e} (not an InputError)"
            else:
                summary = f"{what} accepts a bad record"
            raise CheckFailed(ruleset, "rejection", f"{summary}: {record!r}", (),
                              explain=False)

    return Property(name, "built-in", ruleset, test, invalid_records(ruleset))
