"""The region a rule change moves, in the ruleset's own terms: which combinations of the
rulesets' conditions make a transition happen.

The *atoms* are the conditions the plans test: a named number compared with a constant
(``班子差评率 >= 30%``; ``病事假天数 * 2 > 365`` as ``病事假天数 > 182.5``; a history's
``往年等次.streak(优秀)``, a list's ``count(评委打分)``), a label test (``班子状况 is 存在问题``), a
bool input or let, a ``require``'s whole condition, a quota moving the record (what the group
rules decided: ``quota 年度等次``), and a number input at either end of its range or not
(``宣传措施完成率 > 0%``: where a sum it enters changes); a grade, veto or outcome is what
changes, never an atom.
:func:`regions` enumerates the satisfiable combinations under which a transition happens: a
record of the transition gives a *cube* (the truth of every atom), the cube is generalised by
dropping literals while it still implies the transition for every valid record (a solver UNSAT
check), the cube is blocked, and again — at most ``limit`` times, saying when there may be more.
A cube that does not imply the transition even whole (it depends on more than the atoms: a sum,
a product, a vote count) is kept as "some records in", never as "every record in".

:func:`text` writes a region back as the ruleset would: a name's numeric atoms merged into one
interval (``20% ≤ 班子差评率 < 30%``, shares and percent lines as percents, a whole number's
bounds whole), ``X is L`` / ``X is not L``, ``NAME`` / ``not NAME``, ``not (CONDITION)``.

Imports z3, :mod:`plan`, :mod:`forms`, :mod:`ast` and :mod:`prove.solve`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from fractions import Fraction

import z3
from attrs import frozen

from .. import ast
from .. import plan as P
from ..backends import smt
from ..forms import exact, static
from .solve import Subject

#: How many regions one transition lists before it says "and possibly more".
LIMIT = 8

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NOT = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


@frozen
class Atom:
    """One condition: ``subject OP value`` (``op`` ``==``/``!=`` with a label for a label test,
    ``op`` None for a bool name), its term, and whether it reads a computed value (a let) rather
    than an input (tried first when a region drops what it does not need)."""

    term: z3.BoolRef
    subject: str
    op: str | None = None
    value: Fraction | str | None = None
    percent: bool = False
    derived: bool = False
    #: ``subject`` is a whole condition (a ``require``'s), written ``not (…)`` when it fails
    condition: bool = False
    #: ``subject`` is a whole number (an integer input, a count): bounds said as whole numbers
    whole: bool = False
    #: ``subject`` is a number input: its range (a bound at one end of it is said as ``=``)
    ends: tuple[Fraction | None, Fraction | None] = (None, None)
    #: ``subject`` is a category input: its labels (what it is not is said as what it is)
    labels: tuple[str, ...] = ()


@frozen
class Literal:
    """An atom, or its negation."""

    atom: Atom
    holds: bool

    @property
    def term(self) -> z3.BoolRef:
        return self.atom.term if self.holds else z3.Not(self.atom.term)


@frozen
class Region:
    """A combination of conditions under which the transition happens: for every valid record
    in it (``exact``), or for some (the transition depends on more than the atoms)."""

    literals: tuple[Literal, ...]
    exact: bool


@frozen
class Regions:
    """The regions of one transition, none covered by the others."""

    regions: tuple[Region, ...]
    #: There may be more than those listed (the limit was reached, or the solver could not tell).
    truncated: bool


def atoms(subjects: Sequence[Subject], valid: z3.BoolRef, timeout: float,
          extra: Sequence[P.Expr] = ()) -> list[Atom]:
    """The conditions of the subjects' plans (and of ``extra``, expressions over the first
    subject), each once: the first subject's first, a name the second computes differently
    from the first shown with its ruleset's name."""
    out: dict[tuple, Atom] = {}
    first = subjects[0]
    same: dict[str, bool] = {}
    order = {n: i for i, n in enumerate(dict.fromkeys(
        n for s in subjects for n in s.encoded.plan.kinds))}
    place: dict[str, int] = {}
    for s, expr, require, block in _expressions(subjects, extra):
        if require is not None:  # a require's condition is one atom, as it is written
            term, _ = s.condition(expr)
            assert isinstance(term, z3.BoolRef)
            out.setdefault((require, None, None), Atom(term, require, derived=True,
                                                       condition=True))
            place.setdefault(require, len(order))
            continue
        for node in P.walk(expr):
            found = _atom(s, node, block)
            if found is None:
                continue
            name, shown, subject, op, value = found
            owner = s
            if s is not first and isinstance(subject, P.Local) and \
                    name in first.encoded.values:
                if name not in same:
                    same[name] = _same(first, s, name, valid, timeout)
                if same[name]:
                    owner = first
                else:
                    shown = f"{shown} ({s.ruleset.name})"
            key = (shown, op, value)
            if key not in out:
                named = isinstance(subject, (P.Input, P.Local))  # not a streak, a count…
                if op is not None:
                    assert value is not None
                    subject = P.Compare(P.CompareOp(op), subject, P.Const(value))
                term, _ = owner.condition(subject)
                assert isinstance(term, z3.BoolRef)
                percent = named and _percent(s.ruleset.checked, name, value)
                spec = _spec(s, name) if named else None
                out[key] = Atom(term, shown, op, value, percent, spec is None,
                                whole=_whole(s, subject),
                                ends=(spec.low, spec.high) if spec else (None, None),
                                labels=spec.labels if spec is not None and
                                spec.kind == P.InputKind.CATEGORY else ())
                place.setdefault(shown, order.get(name, len(order)))
    # in the order the rulesets declare them (inputs first), not the order the plans test them
    return sorted(out.values(), key=lambda a: place[a.subject])


def _expressions(subjects: Sequence[Subject], extra: Sequence[P.Expr]
                 ) -> Iterator[tuple[Subject, P.Expr, str | None, str | None]]:
    """Each expression of the plans, with the text of the require it is the condition of and
    the name of its block."""
    for s in subjects:
        for block in s.encoded.plan.blocks:
            for step in block.steps:
                if isinstance(step, P.Bind):
                    yield s, step.expr, None, block.name
                elif block.name is None:
                    yield s, step.condition, step.fail.rule.removeprefix("require "), None
                else:
                    yield s, step.condition, None, block.name
        if s is subjects[0]:
            for expr in extra:
                yield s, expr, None, None
        # a number input off either end of its range: where a sum or a product it enters
        # changes with it (an item dropped from a sheet changes the score where its rate > 0)
        for spec in s.encoded.plan.inputs:
            if spec.kind in (P.InputKind.NUMBER, P.InputKind.INTEGER):
                for op, bound in ((P.CompareOp.GT, spec.low), (P.CompareOp.LT, spec.high)):
                    if bound is not None:
                        yield s, P.Compare(op, P.Input(spec.name), P.Const(bound)), None, None


def _atom(s: Subject, node: P.Expr, block: str | None
          ) -> tuple[str, str, P.Expr, str | None, Fraction | str | None] | None:
    """``node`` as (the name it reads, how a region shows what it tests, that, op, constant),
    if it is an atom: a named value, a history's count or streak, a list's statistic compared
    with a constant; a bool input or let; a quota moving the record (what the group decided)."""
    checked = s.ruleset.checked
    match node:
        case P.Compare(op=op, left=x, right=P.Const(value=v)) if _subject(x, checked):
            pass
        case P.Compare(op=op, left=P.Const(value=v), right=x) if _subject(x, checked):
            op = P.CompareOp(_FLIP[op.value])
        case P.Input(name=n) | P.Local(name=n) if \
                s.encoded.plan.kinds.get(n) == P.ValueKind.BOOL and _named(checked, n):
            return n, n, node, None, None
        case P.Decided(node=key, number=False) if key.startswith("quota") and block:
            return block, f"quota {block}", node, None, None
        case _:
            return None
    found = _subject(x, checked)
    assert found is not None
    name, shown = found
    x, k = _unscaled(x)
    if isinstance(v, Fraction) and k != 1:  # k·X op v is X op v/k, turned round when k < 0
        op, v = (P.CompareOp(_FLIP[op.value]) if k < 0 else op), v / k
    if not isinstance(v, (Fraction, str)) or (isinstance(v, str) and k != 1):
        return None
    if isinstance(v, str) and op.value not in ("==", "!="):
        return None
    if isinstance(v, str) and op.value == "!=":  # one atom per label: `is not` is its negation
        return name, shown, x, "==", v
    return name, shown, x, op.value, v


def _whole(s: Subject, subject: P.Expr) -> bool:
    """Whether what a comparison tests is a whole number."""
    match subject:
        case P.Compare(left=P.Input(name=n)):
            return any(spec.name == n and spec.kind in (P.InputKind.INTEGER, P.InputKind.DATE)
                       for spec in s.encoded.plan.inputs)
        case P.Compare(left=P.Streak() | P.Count() | P.Numbers(op="count")):
            return True
    return False


def _unscaled(x: P.Expr) -> tuple[P.Expr, Fraction]:
    """``x`` as ``k·y``: y, k (1 when x is no product with a constant)."""
    k = Fraction(1)
    while isinstance(x, P.Mul):
        if isinstance(x.left, P.Const) and isinstance(x.left.value, Fraction):
            k, x = k * x.left.value, x.right
        elif isinstance(x.right, P.Const) and isinstance(x.right.value, Fraction):
            k, x = k * x.right.value, x.left
        else:
            break
    return x, k


def _subject(x: P.Expr, checked) -> tuple[str, str] | None:
    """What a comparison may test in a region: (the name it reads, how it is written)."""
    x, k = _unscaled(x)
    if not k:
        return None
    match x:
        case P.Input(name=n) | P.Local(name=n) if _named(checked, n):
            return n, n
        case P.Streak(history=P.Input(name=h), label=label):
            return h, f"{h}.streak({label})"
        case P.Count(history=P.Input(name=h), label=label):
            return h, f"{h}.count({label})"
        case P.Numbers(op=op, items=P.Input(name=h), trim=trim):
            return h, f"{op}({h})" if not trim else f"{op}(trimmed({h}, {trim}))"
    return None


def _named(checked, name: str) -> bool:
    """A name a region may speak of: an input or a let (not a grade, veto or outcome, which are
    what changes, nor a grade table's own temporaries)."""
    if name.startswith("#"):
        return False
    decl = checked.definitions.get(name)
    return decl is None or not isinstance(decl, (ast.Grade, ast.Veto, ast.Outcome))


def _spec(s: Subject, name: str) -> P.InputSpec | None:
    """``name`` as an input of this subject's ruleset (the record unknowns two rulesets share
    may hold it as the other's input where this one computes it)."""
    return next((spec for spec in s.encoded.plan.inputs if spec.name == name), None)


def _same(a: Subject, b: Subject, name: str, valid: z3.BoolRef, timeout: float) -> bool:
    """Whether two subjects compute ``name`` alike for every valid record both grade."""
    x, y = a.value(name), b.value(name)
    if isinstance(x, smt.Num) and isinstance(y, smt.Num):
        differ = smt.compare("!=", x, y)
    elif isinstance(x, smt.Label) and isinstance(y, smt.Label):
        differ = x.code != y.code
    elif isinstance(x, z3.BoolRef) and isinstance(y, z3.BoolRef):
        differ = x != y
    else:
        return False
    solver = z3.Solver()
    solver.set("timeout", max(1, int(timeout * 1000)))
    solver.add(valid, a.encoded.graded, b.encoded.graded, differ)
    return solver.check() == z3.unsat


def _percent(checked, name: str, value: object) -> bool:
    if not isinstance(value, Fraction):
        return False
    return static(checked, ast.Ref(name)).numbers.get(name) == "percent"


def regions(valid: z3.BoolRef, transition: z3.BoolRef, found: Sequence[Atom], *,
            limit: int = LIMIT, timeout: float = 10.0) -> Regions:
    """The regions where ``transition`` happens among records meeting ``valid``."""
    ms = max(1, int(timeout * 1000))
    search = z3.Solver()
    search.set("timeout", ms)
    search.add(valid, transition)
    check = z3.Solver()  # does a cube imply the transition?
    check.set("timeout", ms)
    check.add(valid, z3.Not(transition))
    out: list[Region] = []
    place = {a: i for i, a in enumerate(found)}

    def listed(kept: list[Region], truncated: bool) -> Regions:
        # in the atoms' order, not the order the solver happened to find them: a run's text is
        # the same every time
        return Regions(tuple(sorted(kept, key=lambda r: [(place[x.atom], not x.holds)
                                                          for x in r.literals])), truncated)

    while True:
        verdict = search.check()
        if verdict == z3.unsat:
            return listed(_uncovered(out, valid, timeout), False)
        if verdict == z3.unknown or len(out) == limit:
            return listed(out, True)
        model = search.model()
        cube = [Literal(a, z3.is_true(model.eval(a.term, model_completion=True))) for a in found]
        region = _generalise(check, valid, cube, ms)
        out.append(region)
        search.add(z3.Not(z3.And([lit.term for lit in region.literals])))


def _uncovered(found: list[Region], valid: z3.BoolRef, timeout: float) -> list[Region]:
    """The regions without those the others cover: a later region, grown from a record outside
    the earlier ones, may have grown over one of them."""
    kept = list(found)
    for region in found:
        if not region.exact:
            continue
        others = [z3.And([x.term for x in r.literals]) for r in kept
                  if r is not region and r.exact]
        if not others:
            continue
        solver = z3.Solver()
        solver.set("timeout", max(1, int(timeout * 1000)))
        solver.add(valid, *(x.term for x in region.literals), z3.Not(z3.Or(others)))
        if solver.check() == z3.unsat:
            kept.remove(region)
    return kept


def _generalise(check: z3.Solver, valid: z3.BoolRef, cube: list[Literal], ms: int) -> Region:
    """The cube with every literal it does not need dropped (computed values' first), or, when
    the whole cube does not imply the transition, with the literals the others imply dropped."""
    if _holds(check, cube) is not True:
        implied = z3.Solver()
        implied.set("timeout", ms)
        implied.add(valid)
        return Region(tuple(_essential(implied, cube)), False)
    kept = list(cube)
    for lit in sorted(cube, key=lambda x: not x.atom.derived):
        trial = [x for x in kept if x is not lit]
        if _holds(check, trial) is True:
            kept = trial
    return Region(tuple(lit for lit in cube if lit in kept), True)


def _holds(check: z3.Solver, literals: Sequence[Literal]) -> bool | None:
    """Whether ``check``'s negated transition is impossible under the literals (None: unknown)."""
    verdict = check.check(*[lit.term for lit in literals]) if literals else check.check()
    return True if verdict == z3.unsat else False if verdict == z3.sat else None


def _essential(solver: z3.Solver, cube: list[Literal]) -> list[Literal]:
    kept = list(cube)
    for lit in sorted(cube, key=lambda x: not x.atom.derived):
        others = [x.term for x in kept if x is not lit]
        if solver.check(*others, z3.Not(lit.term)) == z3.unsat:
            kept.remove(lit)
    return kept


# ---------------------------------------------------------------- in the ruleset's terms


def text(region: Region) -> list[str]:
    """A region's conditions as the ruleset writes them: the numbers' intervals first, then the
    labels and bools, each in the order their names first come."""
    order: dict[str, list[Literal]] = {}
    for lit in sorted(region.literals, key=lambda x: not isinstance(x.atom.value, Fraction)):
        order.setdefault(lit.atom.subject, []).append(lit)
    out: list[str] = []
    for name, lits in order.items():
        numeric = [x for x in lits if isinstance(x.atom.value, Fraction)]
        if numeric:
            out += _interval(name, numeric)
        labelled = [x for x in lits if x.atom.op is not None and isinstance(x.atom.value, str)]
        if labelled and labelled[0].atom.labels and not any(x.holds for x in labelled) and \
                len(labelled) > 1:  # `is not 一般 and is not 差距较大` reads better as what it is
            ruled_out = {x.atom.value for x in labelled}
            rest = [lb for lb in labelled[0].atom.labels if lb not in ruled_out]
            out.append(f"{name} is {rest[0]}" if len(rest) == 1
                       else f"{name} in ({', '.join(rest)})")
            lits = [x for x in lits if x not in labelled]
        for lit in lits:
            a = lit.atom
            if a.op is None:
                out.append(name if lit.holds else f"not ({name})" if a.condition
                           else f"not {name}")
            elif isinstance(a.value, str):
                out.append(f"{name} is {a.value}" if lit.holds else f"{name} is not {a.value}")
    return out


def _whole_bound(op: str, v: Fraction) -> tuple[str, Fraction]:
    """The closed bound a whole number meets exactly when it meets ``op v``."""
    if op in ("<", "<="):
        top = math.floor(v) if op == "<=" or v.denominator != 1 else v - 1
        return "<=", Fraction(top)
    low = math.ceil(v) if op == ">=" or v.denominator != 1 else v + 1
    return ">=", Fraction(low)


_SIGN = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}


def _interval(name: str, lits: Sequence[Literal]) -> list[str]:
    low: tuple[Fraction, bool] | None = None  # (bound, strict)
    high: tuple[Fraction, bool] | None = None
    equal: Fraction | None = None
    other: list[tuple[str, Fraction]] = []
    percent = any(x.atom.percent for x in lits)
    whole = all(x.atom.whole for x in lits)
    for lit in lits:
        op = lit.atom.op if lit.holds else _NOT[lit.atom.op or "=="]
        v = lit.atom.value
        assert isinstance(v, Fraction) and op is not None
        if whole and op in ("<", "<=", ">", ">="):  # a whole number's bound: 182.5 → 182
            op, v = _whole_bound(op, v)
        if op in (">", ">="):
            if low is None or v > low[0] or (v == low[0] and op == ">"):
                low = (v, op == ">")
        elif op in ("<", "<="):
            if high is None or v < high[0] or (v == high[0] and op == "<"):
                high = (v, op == "<")
        elif op == "==":
            equal = v
        else:
            other.append((op, v))
    lowest, highest = lits[0].atom.ends
    if equal is None and high is not None and not high[1] and high[0] == lowest:
        equal = high[0]  # at most the lowest of its range
    if equal is None and low is not None and not low[1] and low[0] in (highest, high and high[0]):
        equal = low[0]  # at least the highest of its range, or both bounds closed on one value

    def show(v: Fraction) -> str:
        return exact(v * 100) + "%" if percent else exact(v)

    out: list[str] = []
    if equal is not None:
        out.append(f"{name} = {show(equal)}")
    elif low is not None and high is not None:
        out.append(f"{show(low[0])} {'<' if low[1] else '≤'} {name} "
                   f"{'<' if high[1] else '≤'} {show(high[0])}")
    elif low is not None:
        out.append(f"{name} {'>' if low[1] else '≥'} {show(low[0])}")
    elif high is not None:
        out.append(f"{name} {'<' if high[1] else '≤'} {show(high[0])}")
    out += [f"{name} {_SIGN[op]} {show(v)}" for op, v in other]
    return out
