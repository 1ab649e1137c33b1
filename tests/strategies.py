"""Hypothesis strategies for the test suite: syntax trees (to fuzz the parser through unparse, not
by generating text from the grammar) and valid records of a compiled ruleset."""

from __future__ import annotations

import datetime
from fractions import Fraction

import attrs
from hypothesis import strategies as st

import evalrules
from evalrules import ast
from evalrules.diagnostics import INVISIBLE

NAMES = ("班子等次", "优秀率", "目标完成", "测评", "得分", "rate_2", "x", "甲", "好", "较差")
ASCII_SAFE_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"),
                  blacklist_characters="\n\r" + "".join(INVISIBLE)), max_size=12)


def names() -> st.SearchStrategy[str]:
    return st.sampled_from(NAMES)


def numbers() -> st.SearchStrategy[ast.Number]:
    """Literals as an author writes them: whole, decimal or percent, never negative."""
    whole = st.integers(0, 10_000).map(Fraction)
    decimal = st.builds(lambda n, k: Fraction(n, 10**k), st.integers(0, 100_000), st.integers(1, 3))
    return st.one_of(whole, decimal).map(lambda v: ast.Number(v))


def weights() -> st.SearchStrategy[ast.Expr]:
    """A weight or a category's points: a number or a param's name."""
    return st.one_of(numbers(), names().map(ast.Ref))


def expressions(max_leaves: int = 12) -> st.SearchStrategy[ast.Expr]:
    leaves = st.one_of(
        numbers(),
        st.booleans().map(ast.Boolean),
        names().map(ast.Ref),
        st.tuples(names(), names()).map(lambda p: ast.Ref(f"{p[0]}.{p[1]}")),
        st.builds(ast.Share, names(), st.lists(names(), min_size=1, max_size=3).map(tuple)),
        st.builds(ast.Votes, names(), st.lists(names(), min_size=1, max_size=3).map(tuple)),
        st.builds(ast.Total, names()),
        st.builds(ast.Points, names(), st.lists(st.tuples(names(), weights()), min_size=1,
                                                max_size=3).map(tuple)),
        st.builds(ast.History, names(), st.sampled_from(("streak", "count")), names()),
        st.dates().map(ast.Date),
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
            st.builds(ast.In, inner, st.lists(names(), min_size=1, max_size=3).map(tuple),
                      st.booleans()),
            st.builds(ast.If, inner, inner, inner),
            st.builds(ast.Call, st.sampled_from(("min", "max", "round", "clamp", "abs", "days",
                                                 "f", "count", "sum", "mean", "trimmed")),
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


def _fuller_quotas(keys) -> st.SearchStrategy[ast.Quota]:
    """Quotas with rounding, head counts, a higher size (not on 末位), among, 末位."""
    size = st.one_of(numbers(), names().map(ast.Ref))
    rounding = st.sampled_from(("down", "nearest", "up", "places"))
    more = st.one_of(st.none(), st.tuples(size, rounding, expressions(4)))
    return st.builds(
        lambda g, label, share, k, r, m, among, low: ast.Quota(
            g, label, share, k, rounding=r, more=None if low else m, among=among, lowest=low),
        names(), names(), size, keys, rounding, more, st.one_of(st.none(), expressions(4)),
        st.booleans())


def declarations() -> st.SearchStrategy[ast.Statement]:
    labels = st.lists(names(), min_size=1, max_size=4).map(tuple)
    input_types = st.one_of(
        st.builds(ast.BoolType), st.builds(ast.NumberType, st.booleans(), _bound(), _bound()),
        st.builds(ast.OneOf, labels), st.builds(ast.ScaleType, names()),
        st.builds(ast.TextType), st.builds(ast.HistoryType, names(), st.booleans()),
        st.builds(ast.ListType, st.builds(ast.NumberType, st.booleans(), _bound(), _bound()),
                  st.booleans(), st.booleans()),
        st.builds(ast.DateType))
    keys = st.lists(names(), min_size=1, max_size=2).map(tuple)
    group_rule = st.one_of(
        st.builds(ast.Rank, names(), keys, st.booleans(), st.one_of(st.none(), expressions(4))),
        st.builds(ast.Quota, names(), names(), st.one_of(numbers(), names().map(ast.Ref)), keys),
        _fuller_quotas(keys),
        st.builds(ast.Limit, expressions(4), st.one_of(st.none(), ASCII_SAFE_TEXT)),
        st.builds(ast.Let, names(), st.builds(ast.Call, st.sampled_from(
            ("count", "sum", "mean", "min", "max")), st.lists(expressions(3), max_size=1).map(
            tuple))))
    body = st.one_of(
        expressions(),
        st.builds(lambda q, conds, n: ast.Quantified(q, tuple(conds),  # let x = all: …
                                                     n if q == "at least" else None),
                  st.sampled_from(("all", "any", "most", "at least")),
                  st.lists(conditions(), min_size=1, max_size=3), st.integers(0, 4)),
        st.builds(ast.Weighted, st.lists(st.builds(ast.WeightedItem, expressions(4), weights()),
                                         min_size=1, max_size=3).map(tuple)),
        st.builds(lambda t, es: ast.Weighted(tuple(ast.WeightedItem(e, None) for e in es), t),
                  names(), st.lists(expressions(4), min_size=1, max_size=3)),
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
        st.builds(ast.Scale, names(), st.lists(names(), min_size=2, max_size=4).map(tuple),
                  st.one_of(st.none(), names())),
        st.builds(ast.Ballot, names(), labels),
        # `default empty` takes the place of a default: an input has one or the other
        st.builds(lambda n, t, d: ast.Input(n, t, None if getattr(t, "empty", False) else d),
                  names(), input_types, st.one_of(st.none(), expressions(4))),
        st.builds(ast.Param, names(), expressions(4)),
        st.builds(ast.Weights, names(), st.lists(st.tuples(names(), weights()), min_size=1,
                                                 max_size=3).map(tuple)),
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
        st.builds(ast.GroupBy, keys, st.lists(group_rule, min_size=1, max_size=3).map(tuple)),
    )
    return st.one_of(
        declaration,
        declaration.map(ast.Override),
        st.builds(ast.RuleOverride, names(), st.builds(ast.GradeRule, names(), conditions())),
    )


def modules() -> st.SearchStrategy[ast.Module]:
    header = st.builds(ast.Header, st.one_of(names(), st.just("县管干部年度考核（试行）"),
                                             st.just("考核(2025)办法"),
                                             st.just("《考核办法》〔2025〕1号")),
                       st.one_of(st.none(), ASCII_SAFE_TEXT),
                       st.one_of(st.none(), ASCII_SAFE_TEXT))
    return st.builds(ast.Module, header,
                     st.lists(declarations().flatmap(cited), max_size=6).map(tuple))


CITATIONS = st.one_of(st.none(), st.none(), ASCII_SAFE_TEXT)


def cited(statement: ast.Statement) -> st.SearchStrategy[ast.Statement]:
    """``statement`` with citations (``per "…"``, a param's ``chosen "…"``) drawn for each line
    that can take one: a grade's rules and otherwise, sheet items, group rules included."""
    @st.composite
    def draw_cites(draw) -> ast.Statement:
        def cite(node):
            changes = {f: draw(CITATIONS) for f in ("cite", "chosen") if hasattr(node, f)}
            match node:
                case ast.Override(declaration=d):
                    return attrs.evolve(node, declaration=cite(d))
                case ast.RuleOverride(rule=r):
                    return attrs.evolve(node, rule=cite(r))
                case ast.Grade(rules=rules, otherwise=o):
                    changes.update(rules=tuple(map(cite, rules)),
                                   otherwise_cite=draw(CITATIONS) if o is not None else None)
                case ast.Sheet(items=items):
                    changes["items"] = tuple(map(cite, items))
                case ast.SheetItem(children=items):
                    changes["children"] = tuple(map(cite, items))
                case ast.GroupBy(rules=rules):
                    changes["rules"] = tuple(map(cite, rules))
            return attrs.evolve(node, **changes)
        return cite(statement)
    return draw_cites()


# ---------------------------------------------------------------- records

#: Numbers past int64, past 28 significant digits (Python's default decimal context) and tiny
#: ones: every backend must give them the same exact value or the same error.
HUGE = (2**63 - 1, 2**63, 2**64 + 1, 10**18, 10**28 + 1, 10**30 + 7, 10**40 + 3)
TINY = (Fraction(1, 10**30), Fraction(1, 3 * 10**25), Fraction(10**28 + 1, 10**29))


def _number_in(field: evalrules.Field) -> st.SearchStrategy[Fraction]:
    low = field.low if field.low is not None else Fraction(-1000)
    high = field.high if field.high is not None else low + 1000
    def allowed(values) -> list[Fraction]:  # chosen beforehand: a filter would reject most draws
        return [Fraction(v) for v in values if (field.low is None or v >= field.low)
                and (field.high is None or v <= field.high)]

    if field.kind == "integer":
        whole = st.integers(int(-(-low // 1)), int(high // 1)).map(Fraction)
        huge = allowed(HUGE)
        return st.one_of(whole, st.sampled_from(huge)) if huge else whole
    exact = st.sampled_from([v for v in (low, high, (low + high) / 2)])
    scaled = st.integers(0, 1000).map(lambda k: low + (high - low) * Fraction(k, 1000))
    extreme = allowed([*HUGE, *TINY, *(low + t for t in TINY)])
    return st.one_of(exact, scaled, st.sampled_from(extreme)) if extreme else \
        st.one_of(exact, scaled)


def _ballot(categories: tuple[str, ...]) -> st.SearchStrategy[dict[str, int]]:
    counts = st.one_of(st.integers(0, 40), st.sampled_from(HUGE[:3]))
    return st.lists(counts, min_size=len(categories), max_size=len(categories)).map(
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
            case "text":
                value = st.sampled_from(("甲单位", "乙单位"))
            case "history":
                value = st.lists(st.sampled_from(field.labels), max_size=3)
            case "list":  # a Python list, or a cell of text as a spreadsheet holds it
                items = st.lists(_number_in(field), max_size=6)
                value = st.one_of(items, items.map(lambda xs: "、".join(map(str, xs))))
            case "date":
                value = DATES
            case _:
                value = _number_in(field)
        if not field.required:
            value = st.one_of(st.none(), value)
        fields[name] = value
    return st.fixed_dictionaries(fields).map(
        lambda r: {k: v for k, v in r.items() if v is not None})


# ---------------------------------------------------------------- whole valid rulesets
#
# Typed generation: every expression is built for the type its place needs, so the rulesets
# compile, and the differential tests spend their time on evaluation rather than on diagnostics.

SCALE = ("优", "良", "中", "差")
UNRATED = "不定"  # the generated scale's unrated label, when it has one
BALLOT = ("好", "较好", "一般")
KINDS = ("甲", "乙", "丙")
NUMBER_INPUTS = ("分数", "次数")
BOOL_INPUTS = ("合格", "出错")
LIST_FUNCTIONS = ("count", "sum", "mean", "min", "max")
#: Dates around the generated rulesets' date param and literals (2025-12-31 ± a year or so).
DATES = st.dates(datetime.date(2024, 6, 1), datetime.date(2026, 6, 30))


def _literal() -> st.SearchStrategy[ast.Expr]:
    return st.one_of(
        st.integers(0, 120).map(lambda n: ast.Number(Fraction(n))),
        st.integers(0, 100).map(lambda n: ast.Number(Fraction(n, 100), f"{n}%")),
        st.integers(0, 999).map(lambda n: ast.Number(Fraction(n, 10), f"{n / 10}")),
    )


def _numeric(names: tuple[str, ...], depth: int) -> st.SearchStrategy[ast.Expr]:
    cats = st.lists(st.sampled_from(BALLOT), min_size=1, max_size=3, unique=True).map(tuple)
    leaves = [
        _literal(),
        st.sampled_from(names).map(ast.Ref),
        st.builds(lambda c: ast.Share("测评", c), cats),
        st.builds(lambda c: ast.Votes("测评", c), cats),
        st.just(ast.Total("测评")),
        st.builds(lambda pts: ast.Points("测评", tuple(zip(BALLOT, pts, strict=True))),
                  st.tuples(*(st.one_of(st.integers(0, 100).map(lambda n: ast.Number(Fraction(n))),
                                        st.just(ast.Ref("线")))
                              for _ in BALLOT))),
    ]
    leaf = st.one_of(*leaves)
    if depth == 0:
        return leaf
    sub = _numeric(names, depth - 1)
    return st.one_of(
        leaf,
        st.builds(ast.Arithmetic, st.sampled_from("+-*/"), sub, sub),
        st.builds(ast.Negate, sub),
        st.builds(lambda f, a, b: ast.Call(f, (a, b)), st.sampled_from(("min", "max")), sub,
                  sub),
        st.builds(lambda a, b, c: ast.Call("clamp", (a, b, c)), sub, sub, sub),
        st.builds(lambda a, d: ast.Call("round", (a, ast.Number(Fraction(d)))), sub,
                  st.integers(0, 2)),
        st.builds(lambda f, a: ast.Call(f, (a,)), st.sampled_from(("floor", "ceil", "abs")),
                  sub),
        st.builds(lambda a, b: ast.Call("days", (a, b)), _date(), _date()),
        st.builds(ast.If, _boolean(names, (), depth - 1), sub, sub),
    )


def _date() -> st.SearchStrategy[ast.Expr]:
    """A date: the date input, the date param or a literal."""
    return st.one_of(st.sampled_from(("入职", "年末")).map(ast.Ref), DATES.map(ast.Date))


def _boolean(names: tuple[str, ...], grades: tuple[str, ...], depth: int,
             labels: tuple[str, ...] = SCALE) -> st.SearchStrategy[ast.Expr]:
    num = _numeric(names, max(depth - 1, 0))
    leaves = [
        st.builds(ast.Compare, st.sampled_from(("==", "!=", "<", "<=", ">", ">=")), num, num),
        st.builds(lambda label, neg: ast.Is(ast.Ref("类别"), label, neg),
                  st.sampled_from(KINDS), st.booleans()),
        st.builds(lambda labels, neg: ast.In(ast.Ref("类别"), tuple(labels), neg),
                  st.lists(st.sampled_from(KINDS), min_size=1, max_size=len(KINDS),
                           unique=True), st.booleans()),
        st.sampled_from(BOOL_INPUTS).map(ast.Ref),
        st.booleans().map(ast.Boolean),
        st.builds(ast.Compare, st.sampled_from(("==", "!=", "<", "<=", ">", ">=")), _date(),
                  _date()),
    ]
    if grades:
        leaves.append(st.builds(
            lambda g, op, label: ast.Compare(op, ast.Ref(g), ast.Ref(label)),
            st.sampled_from(grades), st.sampled_from(("==", "!=", "<", "<=", ">", ">=")),
            st.sampled_from(SCALE)))
        leaves.append(st.builds(  # the unrated label too: no order is written with it (E301)
            lambda g, op, label: ast.Compare(op, ast.Ref(g), ast.Ref(label)),
            st.sampled_from(grades), st.sampled_from(("==", "!=")), st.sampled_from(labels)))
        leaves.append(st.builds(lambda g, label, neg: ast.Is(ast.Ref(g), label, neg),
                                st.sampled_from(grades), st.sampled_from(labels), st.booleans()))
        label = st.sampled_from(SCALE).map(ast.Ref)  # labels as values, of the grade's scale
        leaves.append(st.builds(
            lambda g, op, c, a, b: ast.Compare(op, ast.Ref(g), ast.If(c, a, b)),
            st.sampled_from(grades), st.sampled_from(("==", "!=", "<", "<=", ">", ">=")),
            _boolean(names, (), 0), label, label))
    leaf = st.one_of(*leaves)
    if depth == 0:
        return leaf
    sub = _boolean(names, grades, depth - 1, labels)
    return st.one_of(leaf, st.builds(ast.Logic, st.sampled_from(("and", "or")), sub, sub),
                     st.builds(ast.Not, sub))


def _condition(names, grades, labels: tuple[str, ...] = SCALE) -> st.SearchStrategy[ast.Expr]:
    def block(inner):
        return st.builds(
            lambda q, conds, n: ast.Quantified(
                q, tuple(conds), min(n, len(conds)) if q == "at least" else None),
            st.sampled_from(("all", "any", "most", "at least")),
            st.lists(inner, min_size=1, max_size=4), st.integers(1, 4))
    return st.recursive(_boolean(names, grades, 1, labels), block, max_leaves=5)


@st.composite
def valid_modules(draw) -> ast.Module:
    """A random ruleset that compiles: inputs, a ballot, params, lets, a grade table with
    vetoes, outcomes, and sometimes a sheet, a require, cases and weighted sums."""
    statements: list = [
        ast.Scale("等次", SCALE), ast.Ballot("测评", BALLOT),
        ast.Input("分数", ast.NumberType(False, ast.Number(Fraction(0)),
                                         ast.Number(Fraction(100)))),
        ast.Input("次数", ast.NumberType(True, ast.Number(Fraction(0)), None),
                  ast.Number(Fraction(0))),
        ast.Input("类别", ast.OneOf(KINDS)),
        ast.Input("合格", ast.BoolType()),
        ast.Input("出错", ast.BoolType(), ast.Boolean(False)),
        ast.Param("线", draw(_literal())),
        ast.Input("入职", ast.DateType(), draw(st.one_of(st.none(), DATES.map(ast.Date)))),
        ast.Param("年末", ast.Date(datetime.date(2025, 12, 31))),
        ast.Param("权", ast.Number(Fraction(2, 5), "40%")),
        ast.Weights("权重", (("甲", ast.Ref("权")), ("乙", ast.Number(Fraction(3, 5), "60%")))),
    ]
    names: tuple[str, ...] = ("分数", "次数", "线")
    if draw(st.booleans()):  # lists of numbers, perhaps empty, and the values read off them
        statements += [
            ast.Input("评分", ast.ListType(ast.NumberType(False, ast.Number(Fraction(0)),
                                                        ast.Number(Fraction(100))),
                                         empty=draw(st.booleans()))),
            ast.Input("往年分", ast.ListType(ast.NumberType(True, ast.Number(Fraction(0)), None),
                                           history=True, empty=True)),
        ]
        for i, (f, of, k) in enumerate(draw(st.lists(st.tuples(
                st.sampled_from(LIST_FUNCTIONS), st.sampled_from(("评分", "往年分")),
                st.integers(0, 2)), min_size=1, max_size=3))):
            arg: ast.Expr = ast.Ref(of)
            if k:
                arg = ast.Call("trimmed", (arg, ast.Number(Fraction(k))))
            statements.append(ast.Let(f"列{i}", ast.Call(f, (arg,))))
            names += (f"列{i}",)
        if draw(st.booleans()):
            statements.append(ast.Let("上年分", ast.History("往年分", "last")))
            names += ("上年分",)
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(("plain", "plain", "cases", "weighted", "table",
                                     "param weight")))
        if kind == "cases":
            expr = ast.Cases(tuple(draw(st.lists(st.builds(
                ast.CaseBranch, _numeric(names, 1), _condition(names, ())), min_size=1,
                max_size=3))), draw(_numeric(names, 1)))
        elif kind == "weighted":
            parts = draw(st.integers(1, 3))
            weights = [Fraction(100 // parts)] * (parts - 1)
            weights.append(100 - sum(weights))
            expr = ast.Weighted(tuple(
                ast.WeightedItem(draw(_numeric(names, 1)), ast.Number(w / 100, f"{w}%"))
                for w in weights))
        elif kind == "table":  # weights: 40% as a param, 60% written; their sum checked
            expr = ast.Weighted((ast.WeightedItem(draw(_numeric(names, 1)), None),
                                 ast.WeightedItem(draw(_numeric(names, 1)), None)), "权重")
        elif kind == "param weight":
            expr = ast.Weighted((ast.WeightedItem(draw(_numeric(names, 1)), ast.Ref("权")),
                                 ast.WeightedItem(draw(_numeric(names, 1)),
                                                  ast.Number(Fraction(3, 5), "60%"))))
        else:
            expr = draw(_numeric(names, 2))
        name = f"值{i}"
        statements.append((ast.Let if i % 2 else ast.Score)(name, expr))
        names += (name,)
    if draw(st.booleans()):
        statements.append(ast.Sheet("表", ast.Number(Fraction(30)), (
            ast.SheetItem("项一", ast.Number(Fraction(10)), ast.ProRata(draw(_numeric(names, 1)))),
            ast.SheetItem("项二", ast.Number(Fraction(20)), None, (
                ast.SheetItem("甲项", ast.Number(Fraction(15)), ast.Formula(
                    draw(_numeric(names, 1)))),
                ast.SheetItem("乙项", ast.Number(Fraction(5)), ast.FullWhen(
                    draw(_boolean(names, (), 1)))),
            )),
            ast.SheetItem("扣分", ast.Number(Fraction(0)),
                          ast.Deduction(ast.Number(Fraction(2)), ast.Ref("次数"))),
        )))
        names += ("表", "表.甲项")
    if draw(st.booleans()):
        statements.append(ast.Require(draw(_boolean(names, (), 1)),
                                      draw(st.one_of(st.none(), st.just("条件不满足")))))
    unrated = draw(st.sampled_from((None, UNRATED)))  # 不定等次: a label off the order
    if unrated is not None:
        statements[0] = ast.Scale("等次", SCALE, unrated)
    every = SCALE + ((unrated,) if unrated else ())
    labels = draw(st.lists(st.sampled_from(every), max_size=4, unique=True))
    statements.append(ast.Grade(
        "等级", "等次", draw(st.sampled_from(("first", "worst", "best", "unique"))),
        tuple(ast.GradeRule(label, draw(_condition(names, ()))) for label in labels),
        draw(st.sampled_from(every))))
    for i in range(draw(st.integers(0, 2))):
        action = draw(st.sampled_from(("lower", "raise", "at most", "at least", "set")))
        adj = (ast.Adjustment(action, "等级", amount=draw(st.integers(0, 3)))
               if action in ("lower", "raise") else
               ast.Adjustment(action, "等级", label=draw(st.sampled_from(
                   every if action == "set" else SCALE))))
        statements.append(ast.Veto(f"否决{i}", draw(_boolean(names, (), 1)), (adj,)))
    grades: tuple[str, ...] = ("等级",)
    if draw(st.booleans()):  # a grade as a let: labels as values (the scale from the labels)
        label = st.sampled_from(every).map(ast.Ref)
        statements.append(ast.Let("档", draw(st.one_of(
            st.builds(ast.If, _boolean(names, (), 1), label, label),
            st.builds(ast.Cases, st.lists(st.builds(ast.CaseBranch, label,
                                                    _condition(names, ())),
                                          min_size=1, max_size=3).map(tuple),
                      st.one_of(label, st.just(ast.Ref("等级"))))))))
        grades += ("档",)
    for i in range(draw(st.integers(0, 2))):
        statements.append(ast.Outcome(f"结果{i}", draw(_condition(names, grades, every))))
    return ast.Module(ast.Header("生成"), tuple(statements))


def hostile_records(ruleset: evalrules.Ruleset) -> st.SearchStrategy[dict]:
    """Mostly valid records with some fields replaced by wrong values of every kind."""
    junk = st.one_of(
        st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(
            ["80%", "0.1", " 12 ", "1/3", "abc", "", "好", "甲", "1e30", "-1e-30",
             "1234567890123456789012345678901", "1" + "0" * 5000, "6/30/2025", "2025-02-30",
             "2025年6月30日", "2025-06-30 08:00", datetime.datetime(2025, 6, 30, 8)]),
        st.sampled_from([-(2**63), 2**63, 10**30, -(10**40), 10**700, 2**64 - 1]),
        st.floats(allow_nan=True, allow_infinity=True), st.just({}), st.just([1]))
    list_junk = st.sampled_from(["90, x", "1，2、3", "101", [1, "a"], [200], [None], (), "",
                                 [True], ["1e30"], [10**700]])

    @st.composite
    def build(draw):
        record = dict(draw(records(ruleset)))
        for name in draw(st.lists(st.sampled_from(list(ruleset.inputs)), max_size=2)):
            record[name] = draw(junk if ruleset.inputs[name].kind != "list" else
                                st.one_of(junk, list_junk))
        if draw(st.booleans()) and ruleset.checked.ballots:
            ballot = draw(st.sampled_from(list(ruleset.checked.ballots)))
            counts = record.pop(ballot, None)
            if isinstance(counts, dict):
                record.update({f"{ballot}.{k}": v for k, v in counts.items()})
        return record
    return build()
