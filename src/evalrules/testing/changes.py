"""What a rule change changes: :func:`diff` of two rulesets, on real records or on records
Hypothesis searches for, summarised as transitions (``班子等次 较好 → 一般: 37``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from pathlib import Path

from attrs import field, frozen
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from .. import ast
from ..diagnostics import EvalRulesError, InputError, UnknownName
from ..resolve import read_ruleset
from ..ruleset import Ruleset
from ..ruleset import compile as compile_ruleset
from ..unparse import expression
from ._model import dumps

__all__ = ["Diff", "DiffFailed", "assert_changes_only", "assert_equivalent", "diff"]

#: The name of a transition where one ruleset grades a record and the other refuses it (an
#: ``InputError``): ``(REFUSED, GRADED, RULE)`` when the new one refuses it by RULE,
#: ``(REFUSED, RULE, GRADED)`` when the old one does.
REFUSED = "refused"
GRADED = "graded"
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
        return f"{name} {_show(a)} → {_show(b)}"

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
                        result = ruleset.evaluate(_project(record, ruleset))
                    except InputError as e:
                        lines.append(f"    [{ruleset.name}] refuses it: {e}")
                        continue
                    if explain:
                        lines.append(f"    [{ruleset.name}]")
                        lines += ["      " + line for line in result.explain("zh").splitlines()]
        return "\n".join(lines)


def _show(value: object) -> str:
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}" if value.denominator != 1 \
            else str(value.numerator)
    return str(value)


def default_outputs(old: Ruleset, new: Ruleset) -> tuple[str, ...]:
    """The names both rulesets give and a rule change is about: grades, outcomes, vetoes,
    scores and sheets (not lets, inputs or params)."""
    kinds = (ast.Grade, ast.Outcome, ast.Veto, ast.Score, ast.Sheet)
    newdefs = new.checked.definitions
    return tuple(n for n, d in old.checked.definitions.items()
                 if isinstance(d, kinds) and isinstance(newdefs.get(n), type(d)))


def _project(record: Mapping, ruleset: Ruleset) -> dict:
    """The fields of ``record`` that ``ruleset`` reads: a field it does not know is not given to
    it, as a table column it does not read is ignored (the Diff says which fields those are)."""
    inputs, ballots = ruleset.checked.inputs, ruleset.checked.ballots
    return {k: v for k, v in record.items()
            if k in inputs or k in ballots or (isinstance(k, str) and k.partition(".")[0]
                                               in ballots)}


def _describe(f) -> str:
    kind = f.kind
    if f.labels:
        kind += f" ({', '.join(f.labels)})"
    if f.low is not None or f.high is not None:
        kind += f" in {_show(f.low) if f.low is not None else ''}.." \
                f"{_show(f.high) if f.high is not None else ''}"
    default = str(f.default).lower() if isinstance(f.default, bool) else _show(f.default)
    return kind + (" required" if f.required else f" default {default}")


def input_notes(old: Ruleset, new: Ruleset) -> tuple[str, ...]:
    """How the inputs of two rulesets differ, one line each: a field only one reads (which the
    other is never given, and which, when required, makes the one refuse every record without
    it) and a field whose type, range, categories or default changed."""
    notes = []
    for this, other in ((old, new), (new, old)):
        for name, f in this.inputs.items():
            if name in other.inputs:
                continue
            note = (f"{name}: only {this.name} reads it ({_describe(f)}); {other.name} is not "
                    "given it")
            if f.required:
                note += f"; {this.name} refuses every record without it"
            notes.append(note)
    for name, f in old.inputs.items():
        g = new.inputs.get(name)
        if g is not None and g != f:
            notes.append(f"{name}: {_describe(f)} → {_describe(g)}")
    return tuple(notes)


def _values(ruleset: Ruleset, outputs: tuple[str, ...], record: Mapping):
    try:
        result = ruleset.evaluate(_project(record, ruleset))
    except InputError as e:
        return e
    return tuple(result[n] for n in outputs)


def _reason(error: InputError) -> str:
    return error.rule or str(error)


def _changes(old: Ruleset, new: Ruleset, outputs: tuple[str, ...], record: Mapping
             ) -> list[tuple[str, object, object]]:
    a, b = _values(old, outputs, record), _values(new, outputs, record)
    if isinstance(a, InputError) or isinstance(b, InputError):
        if isinstance(a, InputError) and isinstance(b, InputError):
            return []  # refused by both: no grade to compare
        return [(REFUSED, _reason(a) if isinstance(a, InputError) else GRADED,
                 _reason(b) if isinstance(b, InputError) else GRADED)]
    return [(n, x, y) for n, x, y in zip(outputs, a, b, strict=True) if x != y]


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
    outputs = tuple(outputs) if outputs is not None else default_outputs(old, new)
    unknown = [n for n in outputs if n not in old.checked.definitions
               or n not in new.checked.definitions]
    if unknown:
        raise UnknownName(f"diff(): {unknown[0]!r} is not a value of both rulesets",
                          name=unknown[0])
    excluded = _where(old, where)
    if records is not None:
        return _on_data(old, new, outputs, _rows(records), excluded)
    return _search(old, new, outputs, max_examples, excluded, seed)


def _where(old: Ruleset, where) -> Callable[[Mapping], bool]:
    if where is None:
        return lambda record: False
    if callable(where):
        return where
    if not isinstance(where, str):
        raise TypeError(f"where must be a function of a record or a condition, not {where!r}")
    function = condition_function(old, where)
    return lambda record: bool(function(_project(record, old)))


def condition_function(ruleset: Ruleset, condition: str) -> Callable[[Mapping], object]:
    """A function record → the value of ``condition``, written in the ruleset's language."""
    name = "变更范围"
    base = Path(ruleset.path) if ruleset.path else Path("base.rules")
    text = f'ruleset 变更范围检查 extends "{base.name}"\nlet {name} = {condition}\n'

    def loader(wanted: str, including: str | None):
        if including is not None and Path(including).name == "__where__.rules" \
                and wanted == base.name and not ruleset.path:
            return str(base), ruleset.source
        path = Path(including).parent / wanted if including else Path(wanted)
        return str(path), read_ruleset(path)  # as extends reads any ruleset file

    helper = compile_ruleset(text, path=base.with_name("__where__.rules"), loader=loader)
    if ruleset.overrides:
        helper = helper.with_params(**ruleset.overrides)
    return helper.function(name)


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
        unread.update((k, None) for k in record if not _reads(old, k) and not _reads(new, k))
        changes = _changes(old, new, outputs, record)
        if not changes or excluded(record):
            continue
        differing += 1
        for key in changes:
            transitions[key] = transitions.get(key, 0) + 1
            kept = examples.setdefault(key, [])
            if len(kept) < 3:
                kept.append(dict(record))
    order = sorted(transitions, key=lambda k: (outputs.index(k[0]) if k[0] in outputs else -1,
                                               -transitions[k]))
    notes = input_notes(old, new)
    if unread:
        notes += (f"{', '.join(map(str, unread))}: neither ruleset reads it (not compared)",)
    return Diff(old, new, outputs, {k: transitions[k] for k in order},
                {k: examples[k] for k in order}, compared, differing, notes)


def _reads(ruleset: Ruleset, key: object) -> bool:
    return bool(_project({key: None}, ruleset))


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
                ruleset.evaluate(_project(record, ruleset))
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
                inputs=input_notes(old, new))


class DiffFailed(EvalRulesError, AssertionError):
    """:func:`assert_equivalent` or :func:`assert_changes_only` found a change; ``diff`` is the
    :class:`Diff`. An ``AssertionError`` too, so that pytest reports it as a failed test."""

    def __init__(self, message: str, diff: Diff):
        super().__init__(message)
        self.diff = diff


def assert_equivalent(old: Ruleset, new: Ruleset, records=None, *,
                      max_examples: int | None = None, outputs=None) -> None:
    """:class:`DiffFailed` (an ``AssertionError``, with the minimal examples explained) when
    ``new`` grades any record differently from ``old``."""
    d = diff(old, new, records, outputs=outputs, max_examples=max_examples)
    if d:
        raise DiffFailed("the rulesets are not equivalent\n" + d.report(explain=True), d)


def assert_changes_only(old: Ruleset, new: Ruleset, where, records=None, *,
                        max_examples: int | None = None, outputs=None) -> None:
    """:class:`DiffFailed` when ``new`` changes the result of a record outside ``where``: a
    predicate on records, or a condition in the old ruleset's language
    (``"班子差评率 >= 20% and 班子差评率 < 30%"``)."""
    if where is None:
        raise TypeError("assert_changes_only() needs where=: use assert_equivalent() for none")
    d = diff(old, new, records, outputs=outputs, max_examples=max_examples, where=where)
    if d:
        raise DiffFailed(f"changes outside {where!r}\n" + d.report(explain=True), d)
