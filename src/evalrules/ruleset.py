"""The public face: :func:`compile`, :func:`load` and :class:`Ruleset`.

``compile`` is the whole pipeline in a few lines: parse → resolve → check → constants; the plan
(:mod:`lower`) and the generated program are made on first use and kept. A :class:`Ruleset` is
immutable; ``with_params`` makes a new one. Imports every stage; no stage imports this module.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from attrs import field, frozen

from . import ast, groups
from .backends import reference
from .check import Checked, check
from .diagnostics import (
    Diagnostic,
    Diagnostics,
    GroupRulesError,
    InputError,
    RulesetError,
    UnknownName,
    did_you_mean,
)
from .parse import parse_into
from .resolve import Loader, file_loader, read_ruleset, resolve
from .result import Result
from .values import Constants, coerce_record, public

if TYPE_CHECKING:
    from . import plan as plan_module
    from .backends import generated


def compile(source: str, *, path: str | os.PathLike | None = None,
            loader: Loader | None = None) -> Ruleset:
    """Compile ruleset text. ``extends`` is resolved relative to ``path`` (or the working
    directory). Raises :class:`RulesetError` listing every problem found."""
    path = os.fspath(path) if path is not None else None
    diags = Diagnostics()
    diags.add_source(path, source)
    module = parse_into(source, path, diags)
    diags.raise_if_errors()
    assert module is not None  # None only with errors, raised above
    checked = check(resolve(module, diags, loader or file_loader), diags)
    diags.raise_if_errors()
    assert checked is not None  # likewise
    try:
        constants = reference.constants(checked)
    except InputError as e:  # a param, default or bound the ruleset itself makes impossible
        weights = [w for w in checked.weight_sums if w.rule == e.rule]
        if e.key == "record.weights_sum" and weights:
            diags.error("E401", f"{e.rule}: the weights add up to {e.values['total']}, not 100%",
                        weights[0].span, "change the weights together, so that they still "
                        "add up to 100%")
            raise RulesetError(diags.items) from None
        name = (e.rule or "").split(" ", 1)[-1]
        decl = checked.params.get(name) or checked.inputs.get(name)
        diags.error("E416", f"{e.rule}: cannot be computed: {e.message.split(': ', 1)[-1]}",
                    decl.span if decl is not None else ast.NOWHERE)
        raise RulesetError(diags.items) from None
    warnings = tuple(d for d in diags.items if d.severity == "warning")
    return Ruleset(checked, constants, warnings=warnings)


def load(path: str | os.PathLike) -> Ruleset:
    """Compile a ruleset file; ``extends`` is resolved relative to it. The file is read as
    ``extends`` reads one (:func:`resolve.read_ruleset`): a regular file of UTF-8 text that starts
    with ``ruleset``, within the size limit; anything else is ``E501``, never quoted."""
    try:
        text = read_ruleset(path)
    except OSError as e:
        span = ast.Span(os.fspath(path), 0, 0, 0, 0)
        raise RulesetError([Diagnostic("error", "E501", f"cannot read ruleset: {e}", span)]) \
            from None
    return compile(text, path=path)


@frozen
class Field:
    """One input a record must (or may) give, as a form builder needs it."""

    name: str
    kind: str  # "number", "integer", "bool", "category" or "ballot"
    labels: tuple[str, ...] = ()  # the categories of a category or a ballot
    low: Fraction | None = None
    high: Fraction | None = None
    default: object = None
    required: bool = True


@frozen(slots=False)
class Ruleset:
    """A compiled ruleset: evaluate records with it, ask it what it needs and gives.

    Once a ruleset without group rules has evaluated a record, its ``evaluate`` attribute is the
    generated function itself (it shadows the method): the per-record call then costs nothing
    but the evaluation. That function takes the record and ignores ``group``."""

    checked: Checked = field(repr=False)
    constants: Constants = field(repr=False, eq=False)
    warnings: tuple[Diagnostic, ...] = field(default=(), repr=False, eq=False)
    overrides: dict = field(factory=dict, repr=False, eq=False)
    _cache: dict = field(factory=dict, repr=False, eq=False, init=False)
    #: Made on first use, once, whichever thread asks first: a program is published only whole.
    _lock: threading.RLock = field(factory=threading.RLock, repr=False, eq=False, init=False)

    def __getstate__(self) -> dict[str, Any]:
        """What it is, not what it made: the programs, their lock and the generated ``evaluate``
        are made again on first use after unpickling."""
        return {"checked": self.checked, "constants": self.constants,
                "warnings": self.warnings, "overrides": self.overrides}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _cache={}, _lock=threading.RLock())

    @property
    def name(self) -> str:
        return self.checked.name

    @property
    def title(self) -> str | None:
        return self.checked.module.header.title

    @property
    def path(self) -> str | None:
        return self.checked.module.path

    @property
    def source(self) -> str:
        return self.checked.module.source

    @property
    def inputs(self) -> dict[str, Field]:
        """Every field a record carries: ballots first, then inputs, in declaration order."""
        out = {name: Field(name, "ballot", cats) for name, cats in self.checked.ballots.items()}
        constants = self.constants
        for name, decl in self.checked.inputs.items():
            t = self.checked.types[name]
            kind = str(t.kind)
            if isinstance(decl.type, ast.NumberType) and decl.type.integer:
                kind = "integer"
            out[name] = Field(name, kind, t.labels, constants.low.get(name),
                              constants.high.get(name), public(constants.defaults.get(name)),
                              decl.default is None)
        return out

    @property
    def params(self) -> dict[str, object]:
        return {name: public(value) for name, value in self.constants.params.items()}

    @property
    def grades(self) -> dict[str, tuple[str, ...]]:
        """Each grade table's labels, best first; a scale's unrated label (不定等次) last."""
        return {name: self.checked.types[name].labels
                for name in self.checked.names_of(ast.Grade)}

    @property
    def outcomes(self) -> tuple[str, ...]:
        return self.checked.names_of(ast.Outcome)

    @property
    def vetoes(self) -> tuple[str, ...]:
        return self.checked.names_of(ast.Veto)

    @property
    def checks(self) -> tuple[ast.Check, ...]:
        return self.checked.checks

    def with_params(self, **values: object) -> Ruleset:
        """The same ruleset with some params changed (what-if); this one is unchanged."""
        unknown = [n for n in values if n not in self.checked.params]
        if unknown:
            hint = did_you_mean(unknown[0], self.checked.params)
            raise UnknownName(f"'{unknown[0]}' is not a param of {self.name}"
                              + (f"; {hint}" if hint else ""), name=unknown[0])
        overrides = {**self.overrides, **values}
        constants = reference.constants(self.checked, overrides)
        return Ruleset(self.checked, constants, self.warnings, overrides)

    @property
    def plan(self) -> plan_module.Plan:
        """What the fast backends compile: the ruleset lowered to primitives (see
        :mod:`evalrules.plan`), with this ruleset's params."""
        plan = self._cache.get("plan")
        if plan is None:
            with self._lock:
                plan = self._cache.get("plan")
                if plan is None:
                    from .lower import lower  # on first use: `import evalrules` stays light

                    plan = self._cache["plan"] = lower(self.checked, self.constants)
        return plan

    def _program(self, outputs: tuple[str, ...] | None = None, closure: bool = False
                 ) -> generated.Program:
        from .backends import generated  # on first use, like the plan
        program = self._cache.get((outputs, closure))
        if program is not None:
            return program
        with self._lock:
            program = self._cache.get((outputs, closure))
            if program is not None:
                return program
            coerce = functools.partial(coerce_record, self.checked, constants=self.constants)
            program = generated.build(self.plan, coerce, outputs, closure,
                                      filename=self.path or self.name)
            if outputs is None:
                # Results of this program: ruleset and layout live on the class, so making one
                # costs an allocation and one attribute.
                program.bind(type("Result", (Result,), {
                    "__slots__": (), "ruleset": self, "_layout": program.layout,
                    "error": None, "__module__": Result.__module__}))
            self._cache[(outputs, closure)] = program  # published whole, bound
            if outputs is None and not self.checked.groups:
                object.__setattr__(self, "evaluate", program.function)
        return program

    def evaluate(self, record: Mapping[str, Any], *,
                 group: Iterable[Mapping[str, Any]] | None = None) -> Result:
        """Evaluate one record. Raises :class:`InputError` for a record that cannot be graded.

        A ruleset with group rules (``group by``) grades a record among the others of its group:
        pass them as ``group`` (the record itself need not be among them), or use
        :meth:`evaluate_many` on the whole batch.
        """
        fast = self.__dict__.get("evaluate")  # a bound method taken before the first call
        if fast is not None:
            return fast(record)
        if not self.checked.groups:
            return self._program().function(record)
        if group is None:
            raise GroupRulesError(self._group_help())
        result = next(self.evaluate_many([record, *group]))
        if result.error is not None:
            raise result.error
        return result

    def _group_help(self) -> str:
        assert self.checked.groups  # asked for a ruleset with group rules only
        keys = "; ".join(", ".join(g.keys) for g in self.checked.groups)
        return (f"{self.name} has group rules (group by {keys}): a record is "
                "graded among the records of its group. Use evaluate_many(records) or "
                "evaluate_table(table) on the whole batch, or evaluate(record, group=others).")

    def evaluate_many(self, records: Iterable[Mapping[str, Any]]) -> Iterator[Result]:
        """A :class:`Result` per record, in order. A record that cannot be graded still gets
        one, whose ``error`` is the :class:`InputError` (reading its values raises it).

        With group rules the whole batch is read first, since ranks and quotas need every
        record of a group (see :mod:`evalrules.groups`)."""
        function = self._program().function
        if self.checked.groups:
            yield from self._evaluate_groups(list(records))
            return
        for record in records:
            try:
                yield function(record)
            except InputError as e:
                yield Result(self, error=e)

    def _evaluate_groups(self, records: list, reference_backend: bool = False) -> list[Result]:
        checked, constants = self.checked, self.constants
        if reference_backend:
            def partial(record, decided, names):
                only = checked.closure(names)
                return reference.evaluate(checked, constants, record, decided, only).values

            def full(record, decided):
                return Result(self, evaluation=reference.evaluate(checked, constants, record,
                                                                  decided), group=decided)
        else:
            function = self._program().function

            def partial(record, decided, names):
                return self._program(tuple(names), closure=True).function(record, decided)

            def full(record, decided):
                result = function(record, decided)
                result._group = decided
                return result
        outcomes = groups.evaluate(checked, constants, records, partial, full)
        # Each outcome is full's Result or the record's InputError.
        return [o if isinstance(o, Result) else Result(self, error=cast(InputError, o))
                for o in outcomes]

    def function(self, *names: str) -> Callable[[Mapping[str, Any]], Any]:
        """A plain function record → the named value (or a tuple of them), for hot loops.

        Records are validated exactly as by :meth:`evaluate` and raise the same errors; only
        what the named values need (and whatever could fail) is computed.
        """
        if not names:
            raise TypeError("function() needs at least one name")
        known = self._program().layout.names
        for name in names:
            if name in self.checked.ballots:
                raise UnknownName(f"{name!r} is a ballot of {self.name}, given with the record: "
                                  "function() gives the values a ruleset computes", name=name)
            if name not in known:
                hint = did_you_mean(name, known)
                raise UnknownName(f"{name!r} is not a value of {self.name}"
                                  + (f"; {hint}" if hint else ""), name=name)
        if self.checked.groups:
            from .plan import Bind, Decided, walk

            if any(isinstance(node, Decided) for block in self.plan.schedule(names)
                   for step in block.steps
                   for node in walk(step.expr if isinstance(step, Bind) else step.condition)):
                raise GroupRulesError(self._group_help())
        return self._program(tuple(names)).function

    def reference_evaluate(self, record: Mapping[str, Any]) -> Result:
        """Evaluate with the reference evaluator, which defines the meaning (slow; for tests)."""
        if self.checked.groups:
            raise GroupRulesError(self._group_help())
        return Result(self, evaluation=reference.evaluate(self.checked, self.constants, record))

    def reference_evaluate_many(self, records: Iterable[Mapping[str, Any]]) -> list[Result]:
        """:meth:`evaluate_many` with the reference evaluator (slow; for tests and audits)."""
        if self.checked.groups:
            return self._evaluate_groups(list(records), reference_backend=True)
        results = []
        for record in records:
            try:
                results.append(self.reference_evaluate(record))
            except InputError as e:
                results.append(Result(self, error=e))
        return results

    def generated_source(self, *names: str) -> str:
        """The Python source :meth:`evaluate` (or :meth:`function` of ``names``) runs."""
        return self._program(tuple(names) if names else None).source

    def evaluate_table(self, table, *, columns: Sequence[str] | None = None):
        """Evaluate every row of a pandas or polars DataFrame or a pyarrow Table, vectorized.

        Returns the same kind of table, row for row: a column per named value (or only
        ``columns``), then ``vetoes``, ``outcomes`` and ``error``. A bad row gets its message in
        ``error`` and nulls elsewhere; no other row is lost or changed.
        """
        from .backends.vectorized import evaluate_table

        return evaluate_table(self.plan, self.checked, self.constants, table, columns=columns,
                              evaluate_many=self.evaluate_many)

    def evaluate_dataset(self, source, sink=None, **options):
        """Stream Parquet/CSV files (or any Arrow record batches) through :meth:`evaluate_table`
        batch by batch into ``sink`` (a .parquet/.csv path or a callable), memory bounded
        whatever the input's size; returns a summary. See :mod:`evalrules.dataset`."""
        from .dataset import evaluate_dataset

        return evaluate_dataset(self, source, sink, **options)
