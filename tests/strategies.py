"""Hypothesis strategies for the test suite: syntax trees (to fuzz the parser through unparse, not
by generating text from the grammar) and valid records of a compiled ruleset."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

import evalrules
from evalrules import ast

NAMES = ("班子等次", "优秀率", "目标完成", "测评", "得分", "rate_2", "x", "甲", "好", "较差")
ASCII_SAFE_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\n\r"), max_size=12)


def names() -> st.SearchStrategy[str]:
    return st.sampled_from(NAMES)


def numbers() -> st.SearchStrategy[ast.Number]:
    """Literals as an author writes them: whole, decimal or percent, never negative."""
    whole = st.integers(0, 10_000).map(Fraction)
    decimal = st.builds(lambda n, k: Fraction(n, 10**k), st.integers(0, 100_000), st.integers(1, 3))
    return st.one_of(whole, decimal).map(lambda v: ast.Number(v))


def expressions(max_leaves: int = 12) -> st.SearchStrategy[ast.Expr]:
    leaves = st.one_of(
        numbers(),
        st.booleans().map(ast.Boolean),
        names().map(ast.Ref),
        st.tuples(names(), names()).map(lambda p: ast.Ref(f"{p[0]}.{p[1]}")),
        st.builds(ast.Share, names(), st.lists(names(), min_size=1, max_size=3).map(tuple)),
        st.builds(ast.Votes, names(), st.lists(names(), min_size=1, max_size=3).map(tuple)),
        st.builds(ast.Total, names()),
        st.builds(ast.Points, names(), st.lists(st.tuples(names(), numbers()), min_size=1,
                                                max_size=3).map(tuple)),
    )

    def extend(inner):
        return st.one_of(
            st.builds(ast.Negate, inner),
            st.builds(ast.Not, inner),
            st.builds(ast.Arithmetic, st.sampled_from("+-*/"), inner, inner),
            st.builds(ast.Logic, st.sampled_from(("and", "or")), inner, inner),
            st.builds(ast.Compare, st.sampled_from(("==", "!=", "<", "<=", ">", ">=")), inner,
                      inner),
            st.builds(ast.Is, inner, names(), st.booleans()),
            st.builds(ast.If, inner, inner, inner),
            st.builds(ast.Call, st.sampled_from(("min", "max", "round", "clamp", "abs", "f")),
                      st.lists(inner, max_size=3).map(tuple)),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


def conditions() -> st.SearchStrategy[ast.Expr]:
    """What may follow ``when``: an expression or nested all:/any:/most:/at least N blocks."""
    def block(inner):
        return st.builds(
            lambda q, conds, n: ast.Quantified(q, tuple(conds), n if q == "at least" else None),
            st.sampled_from(("all", "any", "most", "at least")),
            st.lists(inner, min_size=1, max_size=3), st.integers(0, 4))
    return st.recursive(expressions(6), block, max_leaves=6)


def _items(depth: int) -> st.SearchStrategy[tuple[ast.SheetItem, ...]]:
    rule = st.one_of(
        st.builds(ast.ProRata, expressions(4)), st.builds(ast.FullWhen, expressions(4)),
        st.builds(ast.Formula, expressions(4)), st.builds(ast.Deduction, numbers(),
                                                          expressions(4)))
    leaf = st.builds(ast.SheetItem, names(), numbers(), rule)
    if depth == 0:
        return st.lists(leaf, min_size=1, max_size=3).map(tuple)
    heading = st.builds(lambda n, p, c: ast.SheetItem(n, p, None, c), names(), numbers(),
                        _items(depth - 1))
    return st.lists(st.one_of(leaf, heading), min_size=1, max_size=3).map(tuple)


def _bound() -> st.SearchStrategy[ast.Expr | None]:
    return st.one_of(st.none(), numbers(), numbers().map(lambda n: ast.Number(-n.value)),
                     names().map(ast.Ref))


def declarations() -> st.SearchStrategy[ast.Statement]:
    labels = st.lists(names(), min_size=1, max_size=4).map(tuple)
    input_types = st.one_of(
        st.builds(ast.BoolType), st.builds(ast.NumberType, st.booleans(), _bound(), _bound()),
        st.builds(ast.OneOf, labels), st.builds(ast.ScaleType, names()))
    body = st.one_of(
        expressions(),
        st.builds(ast.Weighted, st.lists(st.builds(ast.WeightedItem, expressions(4), numbers()),
                                         min_size=1, max_size=3).map(tuple)),
        st.builds(ast.Cases, st.lists(st.builds(ast.CaseBranch, expressions(4), conditions()),
                                      min_size=1, max_size=3).map(tuple),
                  st.one_of(st.none(), expressions(4))),
    )
    grade = st.builds(
        ast.Grade, names(), st.one_of(st.none(), names()),
        st.sampled_from(("first", "worst", "best", "unique", "wrost")),
        st.lists(st.builds(ast.GradeRule, names(), conditions()), max_size=3).map(tuple),
        names()).filter(lambda g: g.rules or g.otherwise)
    adjustment = st.one_of(
        st.builds(ast.Adjustment, st.sampled_from(("lower", "raise")), names(),
                  st.integers(0, 5)),
        st.builds(lambda a, g, lab: ast.Adjustment(a, g, label=lab),
                  st.sampled_from(("at most", "at least", "set")), names(), names()))
    declaration = st.one_of(
        st.builds(ast.Scale, names(), st.lists(names(), min_size=2, max_size=4).map(tuple)),
        st.builds(ast.Ballot, names(), labels),
        st.builds(ast.Input, names(), input_types, st.one_of(st.none(), expressions(4))),
        st.builds(ast.Param, names(), expressions(4)),
        st.builds(ast.Let, names(), body),
        st.builds(ast.Score, names(), body),
        st.builds(ast.Require, expressions(), st.one_of(st.none(), ASCII_SAFE_TEXT)),
        st.builds(ast.Sheet, names(), numbers(), _items(2)),
        grade,
        st.builds(ast.Veto, names(), expressions(6),
                  st.lists(adjustment, min_size=1, max_size=2).map(tuple)),
        st.builds(ast.Outcome, names(), conditions()),
        st.builds(lambda t, s: ast.Check("monotone", t, s), names(), names()),
        st.builds(lambda c: ast.Check("always", condition=c), expressions()),
    )
    return st.one_of(
        declaration,
        declaration.map(ast.Override),
        st.builds(ast.RuleOverride, names(), st.builds(ast.GradeRule, names(), conditions())),
    )


def modules() -> st.SearchStrategy[ast.Module]:
    header = st.builds(ast.Header, names(), st.one_of(st.none(), ASCII_SAFE_TEXT),
                       st.one_of(st.none(), ASCII_SAFE_TEXT))
    return st.builds(ast.Module, header, st.lists(declarations(), max_size=6).map(tuple))


# ---------------------------------------------------------------- records

def _number_in(field: evalrules.Field) -> st.SearchStrategy[Fraction]:
    low = field.low if field.low is not None else Fraction(-1000)
    high = field.high if field.high is not None else low + 1000
    if field.kind == "integer":
        return st.integers(int(-(-low // 1)), int(high // 1)).map(Fraction)
    exact = st.sampled_from([v for v in (low, high, (low + high) / 2)])
    scaled = st.integers(0, 1000).map(lambda k: low + (high - low) * Fraction(k, 1000))
    return st.one_of(exact, scaled)


def _ballot(categories: tuple[str, ...]) -> st.SearchStrategy[dict[str, int]]:
    return st.lists(st.integers(0, 40), min_size=len(categories), max_size=len(categories)).map(
        lambda counts: dict(zip(categories, counts, strict=True))).filter(
        lambda b: sum(b.values()) > 0)


def records(ruleset: evalrules.Ruleset) -> st.SearchStrategy[dict]:
    """Valid records of a ruleset (ranges respected, no empty ballot); ``require`` not honoured."""
    fields = {}
    for name, field in ruleset.inputs.items():
        match field.kind:
            case "ballot":
                value = _ballot(field.labels)
            case "bool":
                value = st.booleans()
            case "category":
                value = st.sampled_from(field.labels)
            case _:
                value = _number_in(field)
        if not field.required:
            value = st.one_of(st.none(), value)
        fields[name] = value
    return st.fixed_dictionaries(fields).map(
        lambda r: {k: v for k, v in r.items() if v is not None})
