"""The result of one record: :class:`Result`, a read-only mapping of named values with the vetoes
and outcomes that apply, an explanation and a trace.

A result of the generated program reads its values from the program's flat tuple (see
:class:`backends.generated.Layout`); the trace is computed by the reference evaluator when first
asked for, with what an explanation needs (``reference.evaluate(..., explain=True)``). Imports
:mod:`backends`, :mod:`explain`, :mod:`diagnostics` and :mod:`values`; the
ruleset it belongs to is only held, never imported.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

from .backends import reference
from .diagnostics import InputError, UnknownName, did_you_mean
from .explain import explain as _explain
from .messages import Phrase
from .values import json_value, public

if TYPE_CHECKING:
    from .backends import generated
    from .ruleset import Ruleset


class Result(Mapping):
    """The outcome of one record: every named value by name, plus vetoes, outcomes and a trace.

    Grades and categories are labels (``str``), numbers ``int`` or ``Fraction``, conditions
    ``bool``; a sheet item is ``result["SHEET.ITEM"]``. Values are read from the evaluator's
    slots when asked for; the trace is computed by the reference evaluator on first use.
    """

    __slots__ = ("_evaluation", "_group", "_layout", "_raw", "error", "ruleset")

    def __init__(self, ruleset: Ruleset, *, evaluation: reference.Evaluation | None = None,
                 error: InputError | None = None, group: dict | None = None):
        # A generated program's results are made by the program itself, which sets _raw on an
        # instance of its own subclass (whose class holds the layout); these hold an evaluation.
        self.ruleset = ruleset
        self._evaluation = evaluation
        self._raw: tuple | None = None
        self._layout: generated.Layout | None = None
        self._group = group
        #: The InputError of a record :meth:`Ruleset.evaluate_many` could not grade, else None.
        self.error = error

    def __reduce__(self) -> tuple:
        """A result pickles as its ruleset and the reference evaluator's evaluation of its record,
        or its error: what it means, not how a generated program held it."""
        if self.error is not None:
            return (_restored, (self.ruleset, None, self.error, None))
        return (_restored, (self.ruleset, self._traced(), None, getattr(self, "_group", None)))

    def __copy__(self) -> Result:  # immutable, like the ruleset it belongs to
        return self

    def __deepcopy__(self, memo: dict) -> Result:
        return self

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def __getitem__(self, name: str) -> object:
        layout = self._layout
        if layout is not None:
            index = layout.index.get(name)
            if index is not None:
                assert self._raw is not None  # a layout comes with its raw values
                value = self._raw[index]
                kind = layout.kinds[index]
                if kind == "plain":
                    return value
                if kind == "num":
                    return public(value)
                if kind == "ratio":
                    return public(Fraction(value, self._raw[index + 1]))
                categories = layout.ballots[name]
                return dict(zip(categories, self._raw[index:index + len(categories)],
                                strict=True))
            if name in layout.constants:
                return layout.constants[name]
        else:
            self._check()
            assert self._evaluation is not None  # no layout: the reference evaluated it
            values = self._evaluation.values
            if name in values:
                value = values[name]
                return dict(value) if isinstance(value, dict) else public(value)
        hint = did_you_mean(name, list(self))
        raise UnknownName(f"{name!r} is not a name in {self.ruleset.name}"
                          + (f"; {hint}" if hint else ""), name=name)

    def __iter__(self) -> Iterator[str]:
        self._check()
        if self._layout is not None:
            return iter(self._layout.names)
        assert self._evaluation is not None  # no layout: the reference evaluated it
        return iter(self._evaluation.values)

    def __len__(self) -> int:
        return len(list(iter(self)))

    @property
    def vetoes(self) -> tuple[str, ...]:
        self._check()
        if self._layout is not None:
            assert self._raw is not None  # a layout comes with its raw values
            return self._raw[self._layout.vetoes]
        assert self._evaluation is not None  # no layout: the reference evaluated it
        return self._evaluation.vetoes

    @property
    def outcomes(self) -> tuple[str, ...]:
        self._check()
        if self._layout is not None:
            assert self._raw is not None  # a layout comes with its raw values
            return self._raw[self._layout.outcomes]
        assert self._evaluation is not None  # no layout: the reference evaluated it
        return self._evaluation.outcomes

    @property
    def warnings(self) -> tuple[Phrase, ...]:
        """What the reader should know about how the record was graded: a group of it that
        was decided with records missing (they had errors). Each says itself in ``"zh"`` or
        ``"en"`` (``w.text(lang)``; ``str(w)`` is the English)."""
        return tuple((getattr(self, "_group", None) or {}).get(reference.GROUP_WARNINGS, ()))

    def _traced(self, keep: bool = True) -> reference.Evaluation:
        """The reference's evaluation with what an explanation needs; ``keep``: remembered on
        the result (an explanation alone is not: a report explaining thousands of results that
        it holds would hold every trace too)."""
        self._check()
        evaluation = getattr(self, "_evaluation", None)  # unset on a generated program's result
        if evaluation is None or not evaluation.explained:
            checked = self.ruleset.checked
            if evaluation is None:
                assert self._layout is not None  # no evaluation: a generated program's result
                record = {name: self[name] for name in self._layout.inputs}
            else:  # the reference's evaluation, without the explanation's extras
                record = {name: evaluation.values[name]
                          for name in (*checked.ballots, *checked.inputs)}
            evaluation = reference.evaluate(checked, self.ruleset.constants, record,
                                            getattr(self, "_group", None), explain=True)
            if keep:
                self._evaluation = evaluation
        return evaluation

    def trace(self) -> dict:
        """The decisions as JSON-ready data (``version`` says which layout)."""
        return copy.deepcopy(self._traced().trace)

    def explain(self, lang: str = "zh") -> str:
        """Why the record got its grades, in words: ``"zh"`` (the default) or ``"en"``."""
        return _explain(self._traced(keep=False).trace, lang)

    def to_dict(self) -> dict:
        """JSON-ready: exact numbers as strings ("48.3", "11/12")."""
        return {
            "ruleset": self.ruleset.name,
            "values": {k: json_value(self[k]) for k in self},
            "vetoes": list(self.vetoes),
            "outcomes": list(self.outcomes),
        }

    def __repr__(self) -> str:
        if self.error is not None:
            return f"<Result {self.ruleset.name} error={self.error}>"
        shown = ", ".join(f"{k}={self[k]}" for k in self.ruleset.grades)
        return f"<Result {self.ruleset.name} {shown}>"


def _restored(ruleset: Ruleset, evaluation: reference.Evaluation | None,
              error: InputError | None, group: dict | None) -> Result:
    return Result(ruleset, evaluation=evaluation, error=error, group=group)
