"""Questions the solver finds hard over whole numbers, asked over real numbers first.

A share of votes times a number input (``班子定量得分 × 个人目标完成率``) makes a question nonlinear
over integers and reals at once, where z3 is weakest. Over the reals alone its nlsat procedure is
complete, and a relaxation is sound for proofs: a vote count, a floor or a label code allowed any
real value admits every record the whole-number question does, so when the relaxed question has
no answer neither has the original (:class:`Relaxation`). A relaxed answer is not a record; its vote
counts, scaled per ballot to whole numbers (a share does not change), are tried as the record's
(:func:`scaled_votes`), and whatever is found is a model of the original question.

Imports z3 only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import z3


def nonlinear(goal: Sequence[z3.ExprRef]) -> bool:
    """Whether some product or quotient in ``goal`` has two terms that are not numbers."""
    seen: set[int] = set()
    stack: list[z3.ExprRef] = list(goal)
    while stack:
        e = stack.pop()
        if e.get_id() in seen:
            continue
        seen.add(e.get_id())
        if z3.is_app(e):
            kind = e.decl().kind()
            if kind in (z3.Z3_OP_MUL, z3.Z3_OP_DIV, z3.Z3_OP_IDIV, z3.Z3_OP_MOD) and \
                    sum(1 for c in e.children() if not _numeral(c)) > 1:
                return True
            if kind in (z3.Z3_OP_DIV, z3.Z3_OP_IDIV, z3.Z3_OP_MOD) and \
                    not _numeral(e.children()[1]):
                return True
            stack.extend(e.children())
    return False


def _numeral(e: z3.ExprRef) -> bool:
    return z3.is_int_value(e) or z3.is_rational_value(e) or (
        z3.is_app_of(e, z3.Z3_OP_TO_REAL) and _numeral(e.children()[0]))


class Unrelaxable(Exception):
    """A term the relaxation does not know (an integer division, a remainder…)."""


class Relaxation:
    """Goals with every whole-number unknown a real one (:attr:`reals`: the original constant's
    id → it and its relaxed twin) and each ``to_int`` a real within one below its operand.

    One relaxation serves every question of a ruleset: they share most of their terms, each
    relaxed once. A goal comes with every ``to_int``'s bounds met so far (:attr:`sides`): each
    bounds a fresh real of its own, which any value of the rest allows, so the extra ones
    restrict nothing."""

    def __init__(self) -> None:
        self.reals: dict[int, tuple[z3.ExprRef, z3.ArithRef]] = {}
        self.sides: list[z3.BoolRef] = []
        self.count = 0
        #: id → (the term, kept so that its id is not reused, and its relaxation)
        self.memo: dict[int, tuple[z3.ExprRef, z3.ExprRef]] = {}

    def of(self, goal: Sequence[z3.BoolRef]) -> list[z3.BoolRef]:
        """``goal`` relaxed (raises :class:`Unrelaxable`)."""
        relaxed = [self.term(g) for g in goal]
        return relaxed + self.sides

    def twin(self, e: z3.ExprRef) -> z3.ArithRef | None:
        """The real standing for the whole-number constant ``e`` in the goals so far."""
        found = self.reals.get(e.get_id())
        return found[1] if found is not None and found[0].eq(e) else None

    def term(self, e: z3.ExprRef) -> z3.ExprRef:
        key = e.get_id()
        if key not in self.memo:
            self.memo[key] = (e, self.build(e))
        return self.memo[key][1]

    def build(self, e: z3.ExprRef):  # one case per z3 operator, flat
        if z3.is_int_value(e):
            return z3.RealVal(e.as_long())
        if z3.is_const(e) and e.sort() == z3.IntSort():
            twin = z3.Real(f"{e.decl().name()}~real")
            self.reals[e.get_id()] = (e, twin)
            return twin
        if z3.is_const(e) or z3.is_rational_value(e):
            return e
        kind, kids = e.decl().kind(), [self.term(c) for c in e.children()]
        match kind:
            case z3.Z3_OP_TO_REAL:
                return kids[0]
            case z3.Z3_OP_TO_INT:
                self.count += 1
                k = z3.Real(f"floor~{self.count}")
                self.sides += [k <= kids[0], kids[0] < k + 1]
                return k
            case z3.Z3_OP_ADD:
                return z3.Sum(kids)
            case z3.Z3_OP_SUB:
                out = kids[0]
                for k in kids[1:]:
                    out = out - k
                return out
            case z3.Z3_OP_MUL:
                return z3.Product(kids)
            case z3.Z3_OP_UMINUS:
                return -kids[0]
            case z3.Z3_OP_DIV:
                return kids[0] / kids[1]
            case z3.Z3_OP_LE:
                return kids[0] <= kids[1]
            case z3.Z3_OP_LT:
                return kids[0] < kids[1]
            case z3.Z3_OP_GE:
                return kids[0] >= kids[1]
            case z3.Z3_OP_GT:
                return kids[0] > kids[1]
            case z3.Z3_OP_EQ:
                return kids[0] == kids[1]
            case z3.Z3_OP_DISTINCT:
                return z3.Distinct(*kids)
            case z3.Z3_OP_ITE:
                return z3.If(kids[0], kids[1], kids[2])
            case z3.Z3_OP_AND:
                return z3.And(*kids)
            case z3.Z3_OP_OR:
                return z3.Or(*kids)
            case z3.Z3_OP_NOT:
                return z3.Not(kids[0])
            case z3.Z3_OP_IMPLIES:
                return z3.Implies(kids[0], kids[1])
            case z3.Z3_OP_XOR:
                return z3.Xor(kids[0], kids[1])
        raise Unrelaxable(str(e.decl()))


def scaled_votes(model: z3.ModelRef, relaxation: Relaxation,
                 ballots: Sequence[Sequence[z3.ArithRef]]) -> list[z3.BoolRef]:
    """Each ballot's vote counts in a relaxed model, scaled to the smallest whole numbers in
    the same proportions (a ballot of no votes stays empty), as constraints on the originals."""
    out = []
    for votes in ballots:
        twins = [relaxation.twin(v) for v in votes]
        values = [_fraction(model.eval(t, model_completion=True)) if t is not None
                  else Fraction(0) for t in twins]
        scale = math.lcm(*(f.denominator for f in values)) if values else 1
        counts = [max(0, int(f * scale)) for f in values]
        common = math.gcd(*counts) or 1
        out += [v == c // common for v, c in zip(votes, counts, strict=True)]
    return out


def _fraction(v: z3.ExprRef) -> Fraction:
    if z3.is_rational_value(v):
        return Fraction(v.numerator_as_long(), v.denominator_as_long())
    if z3.is_int_value(v):
        return Fraction(v.as_long())
    # an algebraic number (nlsat may give one): its decimal approximation, tried as a ratio
    return Fraction(v.as_decimal(6).rstrip("?"))
