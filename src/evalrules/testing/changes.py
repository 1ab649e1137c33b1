"""What a rule change changes: :func:`diff` of two rulesets, on real records or on records
Hypothesis searches for, summarised as transitions (``班子等次 较好 → 一般: 37``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction

from attrs import field, frozen
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ..compare import (
    GRADED,
    REFUSED,
    compared_outputs,
    excluding,
    input_notes,
    ordered,
    project,
    reads,
    record_changes,
    show,
    unread_note,
)
from ..diagnostics import EvalRulesError, InputError
from ..ruleset import Ruleset
from ..unparse import expression
from ._model import dumps

__all__ = ["Diff", "DiffFailed", "assert_changes_only", "assert_equivalent", "diff"]

_HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


@frozen
class Diff:
    """How ``new`` grades records differently from ``old``.

    ``transitions`` maps ``(name, old_value, new_value)`` to the number of records with that
    change; ``examples`` maps the same keys to records showing it (the first few on data, the
    shrunk minimal one when searched). ``bool(diff)`` is true when anything differs."""

    old: Ruleset = field(repr=False)
    new: Ruleset = field(repr=False)
    outputs: tuple[str, ...]
    transitions: dict[tuple[str, object, object], int]
    examples: dict[tuple[str, object, object], list[dict]] = field(repr=False)
    #: records compared (from data), or None when Hypothesis searched for differences
    compared: int | None = None
    #: records on which at least one output differs (from data)
    differing: int = 0
    #: how the inputs differ (a field only one ruleset reads, a changed range or category…)
    inputs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.transitions)

    def __str__(self) -> str:
        return self.report()

    def _line(self, key: tuple[str, object, object]) -> str:
        name, a, b = key
        if name == REFUSED and a == GRADED:
            return f"accepted by {self.old.name}, refused by {self.new.name} ({b})"
        if name == REFUSED:
            return f"accepted by {self.new.name}, refused by {self.old.name} ({a})"
        return f"{name} {show(a)} → {show(b)}"

    def report(self, *, explain: bool = False, examples: int = 1) -> str:
        head = f"{self.old.name} → {self.new.name}"
        if self.compared is None:
            where = ("on generated records (one example per kind of change; a search, not a "
                     "proof: see docs/testing.md)")
        else:
            where = f"on {self.compared} records: {self.differing} differ"
        lines = [f"{head}: {'no difference ' if not self else ''}{where}"]
        lines += [f"  input {note}" for note in self.inputs]
        if not self:
            return "\n".join(lines)
        for key, count in self.transitions.items():
            lines.append(f"  {self._line(key)}: {count}")
        lines.append("")
        lines.append("examples:")
        for key, records in self.examples.items():
            for record in records[:examples]:
                lines.append(f"  {self._line(key)}: {dumps(record, indent=None)}")
                for ruleset in (self.old, self.new):
                    try:
                        result = ruleset.evaluate(project(record, ruleset))
                    except InputError as e:
                        lines.append(f"    [{ruleset.name}] refuses it: {e}")
                        continue
                    if explain:
                        lines.append(f"    [{ruleset.name}]")
                        lines += ["      " + line for line in result.explain("zh").splitlines()]
        return "\n".join(lines)


def _values(ruleset: Ruleset, outputs: tuple[str, ...], record: Mapping) -> tuple | str:
    """The record's values of ``outputs``, or the rule that refused it."""
    try:
        result = ruleset.evaluate(project(record, ruleset))
    except InputError as e:
        return e.rule or str(e)
    return tuple(result[n] for n in outputs)


def _changes(old: Ruleset, new: Ruleset, outputs: tuple[str, ...], record: Mapping
             ) -> list[tuple[str, object, object]]:
    keys, _ = record_changes(_values(old, outputs, record), _values(new, outputs, record),
                             outputs)
    return keys


def _kind(key: tuple[str, object, object]) -> tuple:
    """Numbers change in too many ways to search for each: a kind is up or down."""
    name, a, b = key
    if isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction)) and \
            not isinstance(a, bool):
        return (name, "up" if b > a else "down")
    return key


def diff(old: Ruleset, new: Ruleset, records: Iterable[Mapping] | object | None = None, *,
         outputs: Iterable[str] | None = None, max_examples: int | None = None,
         where: Callable[[Mapping], bool] | str | None = None, seed: int | None = None) -> Diff:
    """Compare two rulesets. With ``records`` (an iterable of records or a pandas/polars
    DataFrame), every record is evaluated by both and each difference counted. Without, a
    Hypothesis search over records valid for both finds the kinds of change, each shrunk to a
    minimal record (``max_examples`` per search round; default: the settings profile).

    ``outputs`` limits the names compared (default: :func:`default_outputs`). ``where``
    (a predicate on records, or a condition in the old ruleset's language) excludes the records
    where a change is expected."""
    for name, value in (("old", old), ("new", new)):
        if not isinstance(value, Ruleset):
            raise TypeError(f"diff(): {name} must be an evalrules.Ruleset, not {value!r}")
    outputs = compared_outputs(old, new, outputs, "diff")
    excluded = excluding(old, where)
    if records is not None:
        return _on_data(old, new, outputs, _rows(records), excluded)
    return _search(old, new, outputs, max_examples, excluded, seed)


def _rows(records) -> Iterable[Mapping]:
    if hasattr(records, "to_dicts"):  # polars
        records = records.to_dicts()
    elif hasattr(records, "to_dict") and hasattr(records, "columns"):  # pandas
        records = records.to_dict("records")
    for row in records:
        yield {k: _clean(v) for k, v in row.items()}


def _clean(value: object) -> object:
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items()}
    if hasattr(value, "item") and not isinstance(value, (str, bytes)) and \
            type(value).__module__.startswith("numpy"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value


def _on_data(old, new, outputs, rows, excluded) -> Diff:
    transitions: dict = {}
    examples: dict = {}
    compared = differing = 0
    unread: dict[str, None] = {}
    for record in rows:
        compared += 1
        unread.update((k, None) for k in record if not reads(old, k) and not reads(new, k))
        changes = _changes(old, new, outputs, record)
        if not changes or excluded(record):
            continue
        differing += 1
        for key in changes:
            transitions[key] = transitions.get(key, 0) + 1
            kept = examples.setdefault(key, [])
            if len(kept) < 3:
                kept.append(dict(record))
    transitions = ordered(transitions, outputs)
    notes = input_notes(old, new)
    if unread:
        notes += (unread_note(unread),)
    return Diff(old, new, outputs, transitions, {k: examples[k] for k in transitions}, compared,
                differing, tuple(n.text("en") for n in notes))


class _Found(Exception):
    def __init__(self, record: dict, changes: list):
        super().__init__(f"{len(changes)} new kind(s) of change")
        self.record, self.changes = record, changes


def _shared_requires(old: Ruleset, new: Ruleset) -> set[str]:
    a = {expression(r.condition) for r in old.checked.requires}
    return a & {expression(r.condition) for r in new.checked.requires}


def _strategy(old: Ruleset, new: Ruleset):
    """Records for both rulesets, half of them focused on the thresholds only one of them
    compares against (where a changed number shows). When a field is read by one ruleset only,
    some records are drawn for one ruleset alone (without the other's own fields), so that a
    field only one of them requires shows as records the other accepts and it refuses."""
    import attrs

    from ._model import model
    from .strategies import records, records_from

    shared = {f"require {t}" for t in _shared_requires(old, new)}
    ma, mb = model(old), model(new)
    only = (set(ma.thresholds) ^ set(mb.thresholds))
    pairs = [(records(old), records(new))]
    if only:
        focus = tuple(t for t in (*ma.thresholds, *mb.thresholds) if t in only)
        pairs.append((records_from(old, {}, attrs.evolve(ma, thresholds=focus), edges_only=True),
                      records_from(new, {}, attrs.evolve(mb, thresholds=focus), edges_only=True)))
    one_sided = set(old.inputs) ^ set(new.inputs)
    shapes = st.sampled_from(("both", "both", "old", "new") if one_sided else ("both",))
    which, first = st.sampled_from(pairs), st.booleans()

    @st.composite
    def both(draw):
        sa, sb = draw(which)
        shape = draw(shapes)
        if shape == "old":
            record = draw(sa)
        elif shape == "new":
            record = draw(sb)
        else:
            a, b = draw(sa), draw(sb)
            record = {**a, **b} if draw(first) else {**b, **a}
        for ruleset in (old, new) if shared else ():
            try:
                ruleset.evaluate(project(record, ruleset))
            except InputError as e:
                assume(e.rule not in shared)
        return record

    return both()


def _boundary(old: Ruleset, new: Ruleset) -> list[dict]:
    """Records on the boundaries of both rulesets (:func:`~.strategies.boundary_records`), made
    without randomness: each ruleset's, with the fields only the other reads taken from the
    other's first one; and each ruleset's two corners alone."""
    from ._model import boundary_records

    out = []
    for this, other in ((old, new), (new, old)):
        mine, theirs = boundary_records(this), boundary_records(other)
        fill = {k: v for k, v in (theirs[0] if theirs else {}).items() if k not in this.inputs}
        out += [{**fill, **r} for r in mine]
        if fill:
            out += mine[:2]
    return out


def _search(old, new, outputs, max_examples, excluded, seed=None, rounds: int = 24) -> Diff:
    found: dict = {}
    kinds: set = set()
    for record in _boundary(old, new):  # every kind of change these show, first
        if excluded(record):
            continue
        for key in _changes(old, new, outputs, record):
            if _kind(key) not in kinds:
                kinds.add(_kind(key))
                found[key] = record
    strategy = _strategy(old, new)
    options: dict = {"deadline": None, "suppress_health_check": _HEALTH,
                     "report_multiple_bugs": False, "database": None}
    options["max_examples"] = max_examples if max_examples is not None else 500
    for _ in range(rounds):
        def search(record):
            changes = _changes(old, new, outputs, record)
            fresh = [k for k in changes if _kind(k) not in kinds]
            if fresh and not excluded(record):
                raise _Found(record, changes)

        test = settings(**options)(given(strategy)(search))
        if seed is not None:
            from hypothesis import seed as seed_

            test = seed_(seed)(test)
        try:
            test()
        except _Found as e:
            before = len(kinds)
            for key in e.changes:
                if _kind(key) not in kinds:
                    kinds.add(_kind(key))
                    found[key] = e.record
            if len(kinds) == before:  # pragma: no cover - the search found nothing new
                break
        else:
            break
    order = sorted(found, key=lambda k: outputs.index(k[0]) if k[0] in outputs else -1)
    return Diff(old, new, outputs, {k: 1 for k in order}, {k: [found[k]] for k in order},
                inputs=tuple(n.text("en") for n in input_notes(old, new)))


class DiffFailed(EvalRulesError, AssertionError):
    """:func:`assert_equivalent` or :func:`assert_changes_only` found a change; ``diff`` is the
    :class:`Diff` (with ``prove=True``, the :class:`~evalrules.prove.equivalence.Equivalence`).
    An ``AssertionError`` too, so that pytest reports it as a failed test."""

    def __init__(self, message: str, diff: object):
        super().__init__(message)
        self.diff = diff


def assert_equivalent(old: Ruleset, new: Ruleset, records=None, *,
                      max_examples: int | None = None, outputs=None, prove: bool = False,
                      timeout: float | None = None) -> None:
    """:class:`DiffFailed` (an ``AssertionError``, with the minimal examples explained) when
    ``new`` grades any record differently from ``old``.

    With ``prove=True`` the z3 solver answers for every record (the ``verify`` extra; no
    ``records``): DiffFailed carries what ``evalrules diff --prove`` prints, each kind of change
    with its regions and smallest record; and DiffFailed too when the solver cannot answer
    (``timeout`` seconds per question): an unknown is never a pass."""
    if prove:
        if records is not None:
            raise TypeError("assert_equivalent(prove=True) proves for every record: no records")
        _prove(old, new, outputs, None, timeout)
        return
    d = diff(old, new, records, outputs=outputs, max_examples=max_examples)
    if d:
        raise DiffFailed("the rulesets are not equivalent\n" + d.report(explain=True), d)


def _prove(old: Ruleset, new: Ruleset, outputs, where: str | None, timeout: float | None
           ) -> None:
    """:class:`DiffFailed` with what ``evalrules diff --prove`` prints, unless proved."""
    from ..prove.equivalence import equivalence
    from ..prove.render_diff import text
    from ..prove.solve import TIMEOUT

    eq = equivalence(old, new, outputs=outputs, where=where,
                     timeout=timeout if timeout is not None else TIMEOUT)
    if not eq.equivalent:
        raise DiffFailed(text(eq, "en"), eq)


def assert_changes_only(old: Ruleset, new: Ruleset, where, records=None, *,
                        max_examples: int | None = None, outputs=None, prove: bool = False,
                        timeout: float | None = None) -> None:
    """:class:`DiffFailed` when ``new`` changes the result of a record outside ``where``: a
    predicate on records, or a condition in the old ruleset's language
    (``"班子差评率 >= 20% and 班子差评率 < 30%"``). With ``prove=True`` (a condition only),
    proved for every record as :func:`assert_equivalent` proves."""
    if where is None:
        raise TypeError("assert_changes_only() needs where=: use assert_equivalent() for none")
    if prove:
        if not isinstance(where, str) or records is not None:
            raise TypeError("assert_changes_only(prove=True) takes where= as a condition and "
                            "no records")
        _prove(old, new, outputs, where, timeout)
        return
    d = diff(old, new, records, outputs=outputs, max_examples=max_examples, where=where)
    if d:
        raise DiffFailed(f"changes outside {where!r}\n" + d.report(explain=True), d)
