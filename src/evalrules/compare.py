"""Two rulesets on the same records: which records a rule change grades differently, and how.

:func:`compare` grades every record of a :class:`~evalrules.io.Sheet` with both rulesets
(:func:`evalrules.grading.grade`) and gives a :class:`Comparison`: each record on which a compared
value differs (:class:`Changed`: its index, its row in the file, its id, every value that changed,
old and new) and the same changes counted as transitions (``班子等次 较好 → 一般: 37``). A record
one ruleset grades and the other refuses is a change too; a record both refuse is not compared
(and is counted). Also what :mod:`evalrules.testing.changes` (the Hypothesis search) shares with
it: the values compared (:func:`default_outputs`), the comparison of one record's values
(:func:`record_changes`), how the inputs differ (:func:`input_notes`) and a ``--where`` condition
(:func:`excluding`).

No Hypothesis here: ``evalrules diff --data`` runs without the testing extra. Sentences go through
:mod:`messages` (English for the library, the user's language for the command line).

Imports :mod:`grading`, :mod:`io`, :mod:`columns`, :mod:`messages` and the public face.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from pathlib import Path

from attrs import field, frozen

from . import ast
from .columns import RESULT_COLUMNS, input_columns, value_columns
from .diagnostics import EvalRulesError, UnknownName, did_you_mean
from .grading import Graded, grade
from .io import Sheet, record_of
from .messages import say
from .resolve import read_ruleset
from .ruleset import Field, Ruleset
from .ruleset import compile as compile_ruleset
from .values import exact_str

__all__ = ["CONDITION", "ERROR", "GRADED", "ID_COLUMNS", "REFUSED", "Changed", "Comparison",
           "FieldChange", "InputNote", "compare", "condition_function", "condition_ruleset",
           "default_outputs", "excluding", "find_id_column", "input_notes", "project",
           "record_changes"]

#: The name of a transition where one ruleset grades a record and the other refuses it: ``(REFUSED,
#: GRADED, RULE)`` when the new one refuses it by RULE, ``(REFUSED, RULE, GRADED)`` when the old
#: one does.
REFUSED = "refused"
GRADED = "graded"
#: The name of the changed value that is a record's error (its message, None where graded).
ERROR = "error"
#: Column names taken for a record's id, in this order (case and spaces aside), before the first
#: column neither ruleset reads.
ID_COLUMNS = ("编号", "序号", "ID")

#: (name, old value, new value): one kind of change.
Key = tuple[str, object, object]


@frozen
class FieldChange:
    """One value of a record that changed: an output's name (or :data:`ERROR`), its old and
    new value (None where that ruleset refuses the record, or, for ``error``, grades it)."""

    name: str
    old: object
    new: object


@frozen
class Changed:
    """A record the two rulesets grade differently: ``index`` in the sheet (from 0), ``row`` in
    the file (``Sheet.rows``), ``id`` its id cell as text (None without an id column), and every
    value that changed, the error first."""

    index: int
    row: int
    id: str | None
    fields: tuple[FieldChange, ...]


@frozen
class InputNote:
    """One way the inputs of two rulesets differ: a field only ``this`` reads (``other`` is
    not given it), a field whose kind, range, categories or default changed (``this`` is the
    old one's, ``other`` the new one's), or columns neither reads (``name``, a tuple)."""

    key: str
    name: str | tuple[str, ...]
    this: Field | None = None
    other: Field | None = None
    rulesets: tuple[str, str] = ("", "")

    def text(self, lang: str) -> str:
        """The note in ``lang`` (``"en"`` is what :class:`~evalrules.testing.Diff` prints)."""
        if isinstance(self.name, tuple):
            return say(self.key, lang, names=say("diff.list", lang).join(self.name))
        assert self.this is not None
        if self.key == "diff.input.changed":
            assert self.other is not None
            return say(self.key, lang, name=self.name, old=describe(self.this, lang),
                       new=describe(self.other, lang))
        mine, theirs = self.rulesets
        return say(self.key, lang, name=self.name, this=mine, other=theirs,
                   kind=describe(self.this, lang))


@frozen
class Comparison:
    """How ``new`` grades the records of a sheet differently from ``old``.

    ``changed`` are the records on which a compared value (``outputs``) differs, in the file's
    order; ``transitions`` counts each kind of change over them. ``refused`` are the records both
    rulesets refuse (not compared), ``excluded`` the changed records a ``where`` condition left
    out. ``bool(comparison)`` is true when a record changed."""

    old: Graded = field(repr=False)
    new: Graded = field(repr=False)
    outputs: tuple[str, ...]
    id_column: str | None
    changed: tuple[Changed, ...]
    transitions: dict[Key, int]
    refused: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    inputs: tuple[InputNote, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changed)

    def __len__(self) -> int:
        return len(self.old.sheet)

    @property
    def sheet(self) -> Sheet:
        return self.old.sheet


def default_outputs(old: Ruleset, new: Ruleset) -> tuple[str, ...]:
    """The names both rulesets give and a rule change is about: grades, outcomes, vetoes,
    scores and sheets (not lets, inputs or params)."""
    kinds = (ast.Grade, ast.Outcome, ast.Veto, ast.Score, ast.Sheet)
    newdefs = new.checked.definitions
    return tuple(n for n, d in old.checked.definitions.items()
                 if isinstance(d, kinds) and isinstance(newdefs.get(n), type(d)))


def compared_outputs(old: Ruleset, new: Ruleset, outputs: Iterable[str] | None,
                     caller: str) -> tuple[str, ...]:
    """The names to compare: ``outputs``, each a value of both rulesets (else
    :class:`~evalrules.diagnostics.UnknownName`, naming ``caller``), or :func:`default_outputs`."""
    outputs = tuple(outputs) if outputs is not None else default_outputs(old, new)
    unknown = [n for n in outputs if n not in old.checked.definitions
               or n not in new.checked.definitions]
    if unknown:
        raise UnknownName(f"{caller}(): {unknown[0]!r} is not a value of both rulesets",
                          name=unknown[0])
    return outputs


def project(record: Mapping, ruleset: Ruleset) -> dict:
    """The fields of ``record`` that ``ruleset`` reads: a field it does not know is not given to
    it, as a table column it does not read is ignored (:func:`input_notes` says which)."""
    inputs, ballots = ruleset.checked.inputs, ruleset.checked.ballots
    return {k: v for k, v in record.items()
            if k in inputs or k in ballots or (isinstance(k, str) and k.partition(".")[0]
                                               in ballots)}


def reads(ruleset: Ruleset, key: object) -> bool:
    """Whether ``ruleset`` reads a record's field (or a table's column) ``key``."""
    return bool(project({key: None}, ruleset))


def record_changes(old: tuple | str, new: tuple | str, outputs: tuple[str, ...]
                   ) -> tuple[list[Key], list[FieldChange]]:
    """One record's changes: its kinds of change (transition keys) and every value that changed.

    ``old`` and ``new`` are each the record's values of ``outputs`` under one ruleset, or, where
    that ruleset refuses the record, the rule that refused it (a string). A record both refuse has
    no change: there is no grade to compare."""
    if isinstance(old, str) and isinstance(new, str):
        return [], []
    if isinstance(old, str) or isinstance(new, str):
        graded = new if isinstance(old, str) else old
        assert isinstance(graded, tuple)
        key: Key = (REFUSED, old if isinstance(old, str) else GRADED,
                    new if isinstance(new, str) else GRADED)
        lost = [FieldChange(n, v, None) if graded is old else FieldChange(n, None, v)
                for n, v in zip(outputs, graded, strict=True) if v is not None]
        return [key], lost
    fields = [FieldChange(n, a, b) for n, a, b in zip(outputs, old, new, strict=True) if a != b]
    return [(f.name, f.old, f.new) for f in fields], fields


def ordered(transitions: Mapping[Key, int], outputs: tuple[str, ...]) -> dict[Key, int]:
    """Transitions in the order a report lists them: refusals first, then by output, the most
    frequent first."""
    order = sorted(transitions, key=lambda k: (outputs.index(k[0]) if k[0] in outputs else -1,
                                               -transitions[k]))
    return {k: transitions[k] for k in order}


def describe(f: Field, lang: str) -> str:
    """An input as a note shows it: ``integer in 1.. required``, ``bool default false``."""
    kind = f.kind
    if f.labels:
        kind += f" ({', '.join(f.labels)})"
    if f.low is not None or f.high is not None:
        kind += f" in {show(f.low) if f.low is not None else ''}.." \
                f"{show(f.high) if f.high is not None else ''}"
    if f.required:
        return kind + " " + say("diff.input.required", lang)
    default = str(f.default).lower() if isinstance(f.default, bool) else show(f.default)
    return kind + " " + say("diff.input.default", lang, value=default)


def show(value: object) -> str:
    """A number as exact text (``19/30``, ``85.5``); anything else as ``str``."""
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        return exact_str(value)
    return str(value)


def input_notes(old: Ruleset, new: Ruleset) -> tuple[InputNote, ...]:
    """How the inputs of two rulesets differ: a field only one reads (which the other is never
    given, and which, when required, makes the one refuse every record without it) and a field
    whose type, range, categories or default changed."""
    notes = []
    for this, other in ((old, new), (new, old)):
        for name, f in this.inputs.items():
            if name not in other.inputs:
                key = "diff.input.only_required" if f.required else "diff.input.only"
                notes.append(InputNote(key, name, f, rulesets=(this.name, other.name)))
    for name, f in old.inputs.items():
        g = new.inputs.get(name)
        if g is not None and g != f:
            notes.append(InputNote("diff.input.changed", name, f, g))
    return tuple(notes)


def unread_note(names: Iterable[str]) -> InputNote:
    """The note naming the columns neither ruleset reads (they are not compared)."""
    return InputNote("diff.input.unread", tuple(map(str, names)))


#: The name :func:`condition_ruleset` gives the condition.
CONDITION = "变更范围"


def condition_function(ruleset: Ruleset, condition: str) -> Callable[[Mapping], object]:
    """A function record → the value of ``condition``, written in the ruleset's language.
    :class:`~evalrules.diagnostics.RulesetError` when the condition does not compile."""
    return condition_ruleset(ruleset, condition).function(CONDITION)


def condition_ruleset(ruleset: Ruleset, condition: str) -> Ruleset:
    """``ruleset`` with one more definition, :data:`CONDITION` = ``condition`` (what
    :func:`condition_function` evaluates, and what ``diff --prove --where`` encodes)."""
    name = CONDITION
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
    return helper


def excluding(old: Ruleset, where: Callable[[Mapping], bool] | str | None
              ) -> Callable[[Mapping], bool]:
    """A predicate on records: whether ``where`` (a predicate, or a condition in the old
    ruleset's language, evaluated on the fields the old ruleset reads) leaves a record out. A
    record the condition cannot be evaluated on (the old ruleset refuses it) is not left out:
    a change is never hidden by an error."""
    if where is None:
        return lambda record: False
    if callable(where):
        return where
    if not isinstance(where, str):
        raise TypeError(f"where must be a function of a record or a condition, not {where!r}")
    function = condition_function(old, where)

    def excluded(record: Mapping) -> bool:
        try:
            return bool(function(project(record, old)))
        except EvalRulesError:
            return False

    return excluded


def find_id_column(sheet: Sheet, rulesets: Iterable[Ruleset], wanted: str | None = None
              ) -> str | None:
    """The column that names a sheet's records: ``wanted`` when given (:class:`UnknownName`
    when the sheet has no such column), else the first of :data:`ID_COLUMNS` the sheet has
    (case and spaces aside), else the first column no ruleset reads and no earlier run wrote,
    else None (records are known by their row alone)."""
    if wanted is not None:
        if wanted not in sheet.columns:
            hint = did_you_mean(wanted, [str(c) for c in sheet.columns])
            raise UnknownName(f"{sheet.source} has no column {wanted!r}"
                              + (f"; {hint}" if hint else ""), name=wanted)
        return wanted
    named = {}
    for c in reversed(sheet.columns):
        named[str(c).strip().casefold()] = c
    found = next((named[n.casefold()] for n in ID_COLUMNS if n.casefold() in named), None)
    if found is not None:
        return found
    rulesets = list(rulesets)
    results = {*RESULT_COLUMNS, *(n for r in rulesets for n in value_columns(r.checked))}
    return next((c for c in sheet.columns
                 if c not in results and not any(reads(r, c) for r in rulesets)), None)


def id_text(value: object) -> str | None:
    """An id cell as text: an Excel number 12.0 is ``12``; an empty cell None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value).strip()
    return text or None


def compare(old: Ruleset, new: Ruleset, sheet: Sheet, *, outputs: Iterable[str] | None = None,
            where: Callable[[Mapping], bool] | str | None = None,
            id_column: str | None = None
            ) -> Comparison:
    """Grade every record of ``sheet`` with ``old`` and with ``new`` and list the records they
    grade differently (see :class:`Comparison`).

    ``outputs`` limits the values compared (default: :func:`default_outputs`); ``where`` (a
    predicate on records, or a condition in the old ruleset's language) leaves out the changed
    records where a change is expected; ``id_column`` names the id column (see
    :func:`find_id_column`).
    A ``where`` that does not compile is a :class:`~evalrules.diagnostics.RulesetError`, an
    unknown name an :class:`~evalrules.diagnostics.UnknownName`, both before any grading."""
    outputs = compared_outputs(old, new, outputs, "compare")
    left_out = excluding(old, where)
    column = find_id_column(sheet, (old, new), id_column)
    a, b = grade(old, sheet), grade(new, sheet)
    kinds = {**input_columns(new.checked), **input_columns(old.checked)}
    transitions: dict[Key, int] = {}
    changed: list[Changed] = []
    refused: list[int] = []
    excluded: list[int] = []
    for i in range(len(sheet)):
        x, y = _values(a, outputs, i), _values(b, outputs, i)
        if isinstance(x, str) and isinstance(y, str):
            refused.append(i)
            continue
        keys, fields = record_changes(x, y, outputs)
        if not keys:
            continue
        if where is not None and left_out(record_of(sheet.record(i), kinds)):
            excluded.append(i)
            continue
        if isinstance(x, str) or isinstance(y, str):
            fields.insert(0, FieldChange(ERROR, a.errors[i], b.errors[i]))
        for key in keys:
            transitions[key] = transitions.get(key, 0) + 1
        ident = id_text(sheet.cells[column][i]) if column is not None else None
        changed.append(Changed(i, sheet.rows[i], ident, tuple(fields)))
    notes = input_notes(old, new)
    unread = [c for c in sheet.columns if not reads(old, c) and not reads(new, c)
              and c not in RESULT_COLUMNS and c not in value_columns(old.checked)
              and c not in value_columns(new.checked)]
    if unread:
        notes += (unread_note(unread),)
    return Comparison(a, b, outputs, column, tuple(changed), ordered(transitions, outputs),
                      tuple(refused), tuple(excluded), notes)


def _values(graded: Graded, outputs: tuple[str, ...], i: int) -> tuple | str:
    """Record ``i``'s values of ``outputs``, or the rule that refused it."""
    if graded.errors[i] is not None:
        error = graded.result(i).error
        rule = getattr(error, "rule", None)
        return rule or graded.errors[i] or ""
    out = []
    definitions = graded.ruleset.checked.definitions
    for name in outputs:
        if isinstance(definitions[name], ast.Veto):
            out.append(name in graded.vetoes[i])
        elif isinstance(definitions[name], ast.Outcome):
            out.append(name in graded.outcomes[i])
        else:
            out.append(graded.values[name][i])
    return tuple(out)
