"""The unknowns of a record for the SMT backend (:mod:`backends.smt`): the kinds of term a
value is (an exact :class:`Num`, a :class:`Label`, a :class:`History`, a :class:`NumberList`), the
z3 variables of one record's inputs and votes with the constraints of a valid one
(:class:`Inputs`), and the record a solver's model describes (:func:`record_of`).

Imports z3 and :mod:`plan` and :mod:`values`.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TypeAlias

import z3
from attrs import define, frozen

from .. import plan as P
from ..values import aggregate, too_few


@define
class Num:
    """An exact number: ``n / d`` with ``d > 0`` wherever the record does not fail; ``dk`` is
    ``d`` as a Python int when it is a constant."""

    n: z3.ArithRef
    d: z3.ArithRef
    dk: int | None


@frozen
class Label:
    """A label or a text, by its code in the :class:`Context`."""

    code: z3.ArithRef


@frozen
class History:
    """A history of labels, exactly: its length, each label's count, its last label (a code) and
    how many of its latest entries in a row are that label."""

    length: z3.ArithRef
    counts: Mapping[str, z3.ArithRef]
    last: z3.ArithRef
    streak: z3.ArithRef


@define
class NumberList:
    """A list of numbers: its length and the statistics read from it, each a fresh unknown within
    the numbers' range (``stats`` by ``(op, trim)``)."""

    spec: P.InputSpec
    length: z3.ArithRef
    stats: dict[tuple[str, int], z3.ArithRef]


Term: TypeAlias = "Num | z3.BoolRef | Label | History | NumberList"


@frozen
class Failure:
    """Where a record fails: ``fires`` holds exactly when this is the record's (first) error."""

    fail: P.Fail
    fires: z3.BoolRef
    block: str | None
    #: A ``require``'s failure: the record is not valid (not an error of the ruleset).
    require: bool


class Context:
    """What the encodings of one question share: label codes and fresh names."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.count = 0

    def code(self, label: str) -> int:
        return self.codes.setdefault(label, len(self.codes))

    def label(self, code: int) -> str | None:
        for label, c in self.codes.items():
            if c == code:
                return label
        return None

    def fresh(self, kind: str, sort: str = "int") -> z3.ArithRef:
        self.count += 1
        make = {"int": z3.Int, "real": z3.Real}[sort]
        return make(f"{kind}!{self.count}")


def num(value: Fraction | int) -> Num:
    f = Fraction(value)
    return Num(z3.IntVal(f.numerator), z3.IntVal(f.denominator), f.denominator)


def whole(term: z3.ArithRef) -> Num:
    return Num(term, z3.IntVal(1), 1)


class Inputs:
    """The unknowns of one record: a z3 variable (or an exact description) per input, vote count
    and decided value, with the constraints that make them a valid record's (:attr:`domain`).

    Two records may share unknowns: :meth:`but` copies these with some replaced (the same record
    but one vote moved), and two rulesets read the same :class:`Inputs` where they declare the
    same inputs."""

    def __init__(self, context: Context, tag: str = "") -> None:
        self.context = context
        self.tag = tag
        self.terms: dict[str, Term] = {}
        self.specs: dict[str, P.InputSpec] = {}
        self.votes: dict[tuple[str, str], z3.ArithRef] = {}
        self.ballots: dict[str, tuple[str, ...]] = {}
        self.decided: dict[str, z3.ExprRef] = {}
        self.domain: list[z3.BoolRef] = []

    def but(self, tag: str, **replace: object) -> Inputs:
        """A copy sharing every unknown; ``votes`` (a mapping (ballot, category) → term) and
        ``terms`` (input → term) replace some. The caller states what the replacements must be
        (a vote moved out of a category needs one there; a raised number stays in its range:
        :meth:`bounds`): added here for every replaced term, the redundant constraints slowed
        the nonlinear questions past their timeout."""
        other = Inputs(self.context, tag)
        other.terms = {**self.terms, **replace.get("terms", {})}  # type: ignore[dict-item]
        other.specs = dict(self.specs)
        other.votes = {**self.votes, **replace.get("votes", {})}  # type: ignore[dict-item]
        other.ballots = dict(self.ballots)
        other.decided = dict(self.decided)
        other.domain = list(self.domain)
        return other

    def name(self, *parts: str) -> str:
        return ".".join((self.tag, *parts)) if self.tag else ".".join(parts)

    def declare(self, plan: P.Plan) -> None:
        """Unknowns for the plan's inputs and ballots not yet declared (an input declared twice
        with different kinds or labels is an error: two rulesets that disagree on a record)."""
        for spec in plan.inputs:
            known = self.specs.get(spec.name)
            if known is not None:
                if (known.kind, known.labels, known.whole) != (spec.kind, spec.labels, spec.whole):
                    raise ValueError(f"input {spec.name} is declared differently")
                if (known.low, known.high) != (spec.low, spec.high):
                    self.domain += bounds(self.terms[spec.name], spec)
                continue
            self.specs[spec.name] = spec
            self.terms[spec.name] = self.unknown(spec)
        for ballot, categories in plan.ballots.items():
            if ballot in self.ballots:
                if self.ballots[ballot] != tuple(categories):
                    raise ValueError(f"ballot {ballot} has different categories")
                continue
            self.ballots[ballot] = tuple(categories)
            for category in categories:
                v = z3.Int(self.name(ballot, category))
                self.votes[ballot, category] = v
                self.domain.append(v >= 0)

    def unknown(self, spec: P.InputSpec) -> Term:
        name, ctx = self.name(spec.name), self.context
        match spec.kind:
            case P.InputKind.BOOL:
                return z3.Bool(name)
            case P.InputKind.CATEGORY | P.InputKind.TEXT:
                code = z3.Int(name)
                if spec.kind == P.InputKind.CATEGORY:
                    self.domain.append(z3.Or([code == ctx.code(lb) for lb in spec.labels]))
                else:  # any text: a code that is no label's stands for a text no rule names
                    self.domain.append(code >= -1_000_000)
                return Label(code)
            case P.InputKind.HISTORY:
                return self.history(name, spec.labels)
            case P.InputKind.LIST:
                length = z3.Int(name + "#count")
                self.domain.append(length >= 0)
                return NumberList(spec, length, {})
        integral = spec.kind in (P.InputKind.INTEGER, P.InputKind.DATE)
        term = z3.Int(name) if integral else z3.Real(name)
        self.domain += bounds(term, spec)
        if spec.kind == P.InputKind.DATE:  # a day number: one of the calendar's
            self.domain += [term >= 1, term <= datetime.date.max.toordinal()]
        return term

    def bounds(self, term: z3.ArithRef, spec: P.InputSpec) -> list[z3.BoolRef]:
        """``term`` within the input's range (see :func:`bounds`)."""
        return bounds(term, spec)

    def history(self, name: str, labels: Sequence[str]) -> History:
        ctx = self.context
        length = z3.Int(name + "#length")
        counts = {lb: z3.Int(f"{name}#{lb}") for lb in labels}
        last, streak = z3.Int(name + "#last"), z3.Int(name + "#streak")
        d = self.domain
        d += [length >= 0, sum(counts.values(), z3.IntVal(0)) == length]
        d += [c >= 0 for c in counts.values()]
        d.append(z3.If(length == 0, streak == 0, z3.And(
            z3.Or([last == ctx.code(lb) for lb in labels]),
            *(z3.Implies(last == ctx.code(lb), z3.And(
                streak >= 1, streak <= c,
                # more of the last label than its streak needs another label in between
                z3.Or(streak == c, length - c >= 1))) for lb, c in counts.items()))))
        d.append(z3.Implies(length == 0, last == -1))
        return History(length, counts, last, streak)

    def vote(self, ballot: str, category: str) -> z3.ArithRef:
        return self.votes[ballot, category]

    def decision(self, node: P.Decided | P.Ranked) -> z3.ExprRef:
        """What the group rules decided: free, but for a rank (a whole number >= 1)."""
        key = node.node
        if key in self.decided:
            return self.decided[key]
        if isinstance(node, P.Decided) and node.number:
            term: z3.ExprRef = z3.Real(self.name("#group", key))
        elif isinstance(node, P.Decided) and key.startswith("quota "):  # QuotaNode.key
            term = z3.Bool(self.name("#group", key))
        else:
            term = z3.Int(self.name("#group", key))
            self.domain.append(term >= 1)
        self.decided[key] = term
        return term

    def has_rank(self, node: P.Ranked) -> z3.BoolRef:
        key = "?" + node.node
        if key not in self.decided:
            self.decided[key] = z3.Bool(self.name("#group", key))
        return self.decided[key]

    def statistic(self, items: NumberList, op: str, trim: int) -> z3.ArithRef:
        """A statistic of a list (other than its count): an unknown within the numbers' range."""
        key = (op, trim)
        if key in items.stats:
            return items.stats[key]
        spec = items.spec
        integral = spec.whole and op in ("min", "max", "last", "sum")
        v = self.context.fresh(f"{spec.name}#{op}{trim}", "int" if integral else "real")
        items.stats[key] = v
        m = items.length - 2 * trim
        lo, hi = spec.low, spec.high
        if op == "sum":  # of m numbers each in the range (none: trimmed away, or empty)
            if lo is not None:
                self.domain.append(z3.Implies(m > 0, v * lo.denominator >= m * lo.numerator))
            if hi is not None:
                self.domain.append(z3.Implies(m > 0, v * hi.denominator <= m * hi.numerator))
            self.domain.append(z3.Implies(m <= 0, v == 0))
        else:
            self.domain += [z3.Implies(m > 0, b) for b in bounds(v, spec)]
            for other, rel in (("min", lambda a, b: a >= b), ("max", lambda a, b: a <= b)):
                if op != other and (other, trim) in items.stats:
                    self.domain.append(z3.Implies(m > 0, rel(v, items.stats[other, trim])))
            for other in ("mean", "last"):
                if op in ("min", "max") and (other, trim) in items.stats:
                    rel = (lambda a, b: a >= b) if op == "min" else (lambda a, b: a <= b)
                    self.domain.append(z3.Implies(m > 0, rel(items.stats[other, trim], v)))
        return v

    @property
    def abstract(self) -> bool:
        return any(isinstance(t, NumberList) for t in self.terms.values()) or bool(self.decided)

    # -- a known record, for the differential test
    def fix(self, record: Mapping[str, object]) -> list[z3.BoolRef]:
        """Constraints that make these unknowns the values of ``record`` (as the reference reads
        it: numbers Fraction, ballots mappings of counts, histories tuples, lists tuples)."""
        ctx, out = self.context, []
        for name, term in self.terms.items():
            value = record[name]
            match term:
                case z3.BoolRef():
                    out.append(term == bool(value))
                case Label(code=code):
                    out.append(code == ctx.code(str(value)))
                case History():
                    entries: tuple[str, ...] = tuple(value)  # type: ignore[arg-type]
                    out.append(term.length == len(entries))
                    out += [c == entries.count(lb) for lb, c in term.counts.items()]
                    if entries:
                        last = entries[-1]
                        run = sum(1 for _ in itertools.takewhile(last.__eq__, reversed(entries)))
                        out += [term.last == ctx.code(last), term.streak == run]
                case NumberList():
                    items = tuple(Fraction(x) for x in value)  # type: ignore[attr-defined]
                    out.append(term.length == len(items))
                    for (op, trim), v in term.stats.items():
                        if not too_few(items, trim):
                            out.append(_equals(v, aggregate(op, items, trim)))
                case _ if isinstance(value, datetime.date):
                    out.append(term == value.toordinal())
                case _:
                    out.append(_equals(term, Fraction(value)))  # type: ignore[call-overload]
        for (ballot, category), v in self.votes.items():
            out.append(v == int(record[ballot][category]))  # type: ignore[index]
        return out

    def fix_decided(self, decided: Mapping[str, object]) -> list[z3.BoolRef]:
        """Constraints that make the decided unknowns what the group rules decided (as the
        reference evaluator's ``group``: a rank the record has none of is None)."""
        out = []
        for key, term in self.decided.items():
            if key.startswith("?"):
                out.append(term == (decided[key[1:]] is not None))
            elif isinstance(value := decided.get(key), bool):
                out.append(term == value)
            elif value is not None:
                out.append(_equals(term, Fraction(value)))  # type: ignore[call-overload]
        return out


def bounds(term: z3.ArithRef, spec: P.InputSpec) -> list[z3.BoolRef]:
    """``term`` within the input's range."""
    out = []
    if spec.low is not None:
        out.append(term * spec.low.denominator >= spec.low.numerator)
    if spec.high is not None:
        out.append(term * spec.high.denominator <= spec.high.numerator)
    return out


def _equals(term, value: Fraction) -> z3.BoolRef:
    return term * value.denominator == value.numerator


# ---------------------------------------------------------------- reading a model


def number_of(model: z3.ModelRef, term: z3.ArithRef) -> Fraction:
    v = model.eval(term, model_completion=True)
    if z3.is_int_value(v):
        return Fraction(v.as_long())
    if z3.is_rational_value(v):
        return Fraction(v.numerator_as_long(), v.denominator_as_long())
    raise ValueError(f"not an exact number: {v}")  # an algebraic number: never from a plan


def value_of(model: z3.ModelRef, context: Context, term: Term) -> object:
    """A value of the record the model describes, as the reference gives it (None for a history
    or a list)."""
    match term:
        case Num(n=n, d=d):
            den = number_of(model, d)
            return number_of(model, n) / den if den else None
        case Label(code=code):
            c = int(number_of(model, code))
            return context.label(c)
        case z3.BoolRef():
            return z3.is_true(model.eval(term, model_completion=True))
    return None


def record_of(model: z3.ModelRef, inputs: Inputs) -> dict[str, object]:
    """The record the model describes, as input to the reference evaluator (a list realised from
    its statistics as well as it can be: a replay tells whether it was)."""
    ctx = inputs.context
    out: dict[str, object] = {}
    # a text no rule names: one readable stand-in per distinct code (two texts the model keeps
    # apart stay apart), never a label or text the ruleset writes
    unnamed: dict[int, str] = {}
    for name, term in inputs.terms.items():
        match term:
            case z3.BoolRef():
                out[name] = z3.is_true(model.eval(term, model_completion=True))
            case Label(code=code):
                c = int(number_of(model, code))
                out[name] = ctx.label(c) or unnamed.setdefault(
                    c, "〈其他文本〉" if not unnamed else f"〈其他文本{len(unnamed) + 1}〉")
            case History():
                out[name] = _history(model, ctx, term)
            case NumberList():
                out[name] = _realised(model, term)
            case _ if inputs.specs[name].kind == P.InputKind.DATE:
                out[name] = datetime.date.fromordinal(int(number_of(model, term)))
            case _:
                out[name] = _plain(number_of(model, term))
    for ballot, categories in inputs.ballots.items():
        out[ballot] = {c: int(number_of(model, inputs.votes[ballot, c])) for c in categories}
    return out


def decisions_of(model: z3.ModelRef, inputs: Inputs) -> dict[str, object]:
    """What the model takes the group rules to have decided (ranks, group values, quota moves)."""
    out: dict[str, object] = {}
    for key, term in inputs.decided.items():
        if isinstance(term, z3.BoolRef):
            out[key] = z3.is_true(model.eval(term, model_completion=True))
        else:
            out[key] = _plain(number_of(model, term))
    return out


def _plain(v: Fraction) -> int | Fraction:
    return int(v) if v.denominator == 1 else v


def _history(model: z3.ModelRef, ctx: Context, h: History) -> list[str]:
    length = int(number_of(model, h.length))
    if not length:
        return []
    last = ctx.label(int(number_of(model, h.last))) or ""
    streak = int(number_of(model, h.streak))
    counts = {lb: int(number_of(model, c)) for lb, c in h.counts.items()}
    counts[last] -= streak
    head = [last] * counts.pop(last) + [lb for lb, c in counts.items() for _ in range(c)]
    return head + [last] * streak


#: The longest list :func:`_realised` looks for numbers of (a longer one gets the rough fill).
REALISE_MAX = 40


def _realised(model: z3.ModelRef, items: NumberList) -> list[int | Fraction]:
    """A list of the model's count whose statistics are the model's where some list has them
    all (the encoding takes each statistic as its own unknown: a mean and a sum, say, need not
    agree); else numbers of the model's count near them (the replay then tells the difference)."""
    n = int(number_of(model, items.length))
    stats = {key: number_of(model, v) for key, v in items.stats.items()}
    found = _realise(items.spec, n, stats) if 0 < n <= REALISE_MAX else None
    if found is not None:
        return found
    low = items.spec.low if items.spec.low is not None else Fraction(0)
    fill = next((v for (op, _), v in stats.items() if op in ("mean", "last", "min", "max")),
                low)
    values = [fill] * n
    for (op, trim), v in stats.items():
        if n > 2 * trim and op == "sum" and trim == 0:
            values = [v / n] * n
    return [_plain(v) for v in values]


def _realise(spec: P.InputSpec, n: int, stats: Mapping[tuple[str, int], Fraction]
             ) -> list[int | Fraction] | None:
    """``n`` numbers in the input's range with these statistics, if there are any: the list is
    the others sorted, then its last; ``sorted_`` is the whole list sorted (the last number at
    ``place`` among the others), which the trimmed statistics read."""
    make = z3.Int if spec.whole else z3.Real
    others = [make(f"x{i}") for i in range(n - 1)]
    last, place = make("last"), z3.Int("place")

    def at(i: int) -> z3.ArithRef:
        out = last if i == 0 else z3.If(place < i, others[i - 1], last)
        return z3.If(place > i, others[i], out) if i < n - 1 else out

    sorted_ = [at(i) for i in range(n)]
    solver = z3.Solver()
    solver.set("timeout", 1000)
    solver.add(place >= 0, place < n)
    solver.add(*(a <= b for a, b in itertools.pairwise(others)))
    solver.add(*(a <= b for a, b in itertools.pairwise(sorted_)))
    for x in (*others, last):
        solver.add(*bounds(x, spec))
    for (op, trim), v in stats.items():
        kept = sorted_[trim:n - trim]
        if not kept:
            continue  # too few: the record fails there, and the statistic is never read
        match op:
            case "sum" | "mean":
                solver.add(_equals(z3.Sum(kept), v * (len(kept) if op == "mean" else 1)))
            case "min" | "max":
                solver.add(_equals(kept[0] if op == "min" else kept[-1], v))
            case "last":
                solver.add(_equals(last, v))
    if solver.check() != z3.sat:
        return None
    m = solver.model()
    return [_plain(number_of(m, x)) for x in (*others, last)]
