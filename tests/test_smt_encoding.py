"""The SMT encoding (``backends/smt.py``, ``smt_record.py``) means what the reference evaluator
means: what ``verify`` and ``diff --prove`` prove is only as true as this.

Both directions: a record drawn by :func:`evalrules.testing.records` (seeded), fixed into the
encoding, gets the reference's value for every definition and the reference's error (the same
``Fail``, and no other) — for every bundled and example ruleset and for generated ones; and a
record the solver makes up (:func:`smt.record_of`) replays through the reference to the model's
values. Then exact arithmetic against Fractions, histories (exact) and lists (approximate)."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from fractions import Fraction

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import groups, unparse
from evalrules.backends import reference, smt
from evalrules.diagnostics import InputError
from evalrules.lower import lower_expression
from evalrules.testing import records
from evalrules.values import coerce_record

from conftest import bundled_rulesets, example_rulesets
from strategies import hostile_records, valid_modules
from strategies import records as any_records

RULESETS = bundled_rulesets() + example_rulesets()
SEEDED = settings(max_examples=25, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))


def encoded(ruleset: evalrules.Ruleset) -> smt.Encoded:
    return smt.encode(ruleset.plan, smt.Inputs(smt.Context()))


def solved(*constraints: z3.BoolRef, seconds: float | None = None) -> z3.ModelRef | None:
    """A model of the constraints, or None: there is none (or, given ``seconds``, the solver
    could not tell in that time: nonlinear arithmetic may take it long)."""
    solver = z3.Solver()
    if seconds is not None:
        solver.set("timeout", int(seconds * 1000))
    solver.add(*constraints)
    return solver.model() if solver.check() == z3.sat else None


def holds(model: z3.ModelRef, condition: z3.BoolRef) -> bool:
    return z3.is_true(model.eval(condition, model_completion=True))


def value(enc: smt.Encoded, model: z3.ModelRef, name: str) -> object:
    return smt.value_of(model, enc.inputs.context, enc.values[name])


def plain(v: object) -> object:
    """A value as the encoding holds it: a date is its day number."""
    return v.toordinal() if isinstance(v, datetime.date) else v


def fail_of(f: smt.Failure) -> tuple:
    return f.fail.key, f.fail.rule, f.fail.field, f.fail.code


def error_of(e: InputError) -> tuple:
    return e.key, e.rule, e.field, e.code


def checks_of(ruleset: evalrules.Ruleset, enc: smt.Encoded) -> list[tuple]:
    """Each ``check always`` condition: as written, and its term and failure over ``enc`` (as
    verify asks them, through :func:`smt.evaluate`)."""
    out = []
    for check in ruleset.checks:
        if check.kind == "always":
            lowered = lower_expression(ruleset.checked, ruleset.constants, check.condition,
                                       "check")
            out.append((check.condition, *smt.evaluate(enc, lowered)))
    return out


def agrees(ruleset: evalrules.Ruleset, enc: smt.Encoded, record: dict,
           decided: dict | None = None, checks: Sequence[tuple] = ()) -> None:
    """The record fixed into the encoding: the reference's values, or its error, exactly; and
    the value of each of ``checks`` (:func:`checks_of`) on a graded record."""
    checked, consts = ruleset.checked, ruleset.constants
    try:
        read = coerce_record(checked, record, consts)
    except InputError:
        return  # not a record (a reading error): the encoding describes records only
    try:
        expected: reference.Evaluation | InputError = reference.evaluate(
            checked, consts, record, group=decided)
    except InputError as e:
        expected = e
    fixed = enc.inputs.fix(read) + enc.inputs.fix_decided(decided or {})
    model = solved(enc.assumptions, *fixed)
    assert model is not None, f"the encoding rules out a record the reference reads: {record}"
    fired = [f for f in enc.failures if holds(model, f.fires)]
    if isinstance(expected, InputError):
        assert [fail_of(f) for f in fired] == [error_of(expected)], record
        if not fired[0].fail.listed:  # a (unique) table's names the rules that hold
            assert str(fired[0].fail.error()) == str(expected)
        assert holds(model, z3.Not(enc.valid)) == fired[0].require
        return
    assert fired == [], record
    assert holds(model, enc.graded)
    got = {name: value(enc, model, name) for name in ruleset.plan.values}
    assert got == {name: plain(expected.values[name]) for name in ruleset.plan.values}, record
    for condition, term, fails in checks:
        want = reference.evaluate_expression(checked, consts, condition, read, group=decided)
        assert not holds(model, fails) and holds(model, term) is want, (condition, record)


def group_decisions(ruleset: evalrules.Ruleset, batch: list[dict]) -> list[tuple[dict, dict]]:
    """Each record the reference's group evaluation grades in full, with what it decided."""
    checked, consts = ruleset.checked, ruleset.constants
    out: list[tuple[dict, dict]] = []

    def partial(record, decided, names):
        only = checked.closure(names)
        return reference.evaluate(checked, consts, record, decided, only).values

    def full(record, decided):
        out.append((record, dict(decided)))

    groups.evaluate(checked, consts, batch, partial, full)
    return out


# ---------------------------------------------------------------- records fixed: the reference's


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_ruleset_encodes_the_reference_values_and_errors(path):
    ruleset = evalrules.load(path)
    enc = encoded(ruleset)
    checks = checks_of(ruleset, enc)
    if ruleset.checked.groups:
        @SEEDED
        @given(st.lists(records(ruleset), min_size=1, max_size=5))
        def batch(batch):
            for record, decided in group_decisions(ruleset, batch):
                agrees(ruleset, enc, record, decided, checks)

        batch()
        return

    @SEEDED
    @given(st.one_of(records(ruleset), hostile_records(ruleset)))
    def one(record):
        agrees(ruleset, enc, record, checks=checks)

    one()


@settings(max_examples=20, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(valid_modules(), st.data())
def test_generated_rulesets_encode_the_reference_values_and_errors(module, data):
    ruleset = evalrules.compile(unparse.module(module))
    enc = encoded(ruleset)
    for _ in range(4):
        agrees(ruleset, enc, data.draw(st.one_of(any_records(ruleset),
                                                 hostile_records(ruleset))))


# ---------------------------------------------------------------- models: their records replay


def replayed(ruleset: evalrules.Ruleset, enc: smt.Encoded, model: z3.ModelRef
             ) -> reference.Evaluation | InputError:
    decisions = smt.decisions_of(model, enc.inputs)
    group = {k: v for k, v in decisions.items() if not k.startswith("?")}
    group.update((k[1:], None) for k, v in decisions.items() if k.startswith("?") and not v)
    try:
        return reference.evaluate(ruleset.checked, ruleset.constants,
                                  smt.record_of(model, enc.inputs), group=group)
    except InputError as e:
        return e


def replays(ruleset: evalrules.Ruleset, enc: smt.Encoded, model: z3.ModelRef) -> None:
    """The model's record, through the reference, is what the model says it is."""
    got = replayed(ruleset, enc, model)
    fired = [f for f in enc.failures if holds(model, f.fires)]
    if fired:
        assert isinstance(got, InputError) and error_of(got) == fail_of(fired[0])
        return
    assert not isinstance(got, InputError), got
    for name in ruleset.plan.values:
        assert plain(got.values[name]) == value(enc, model, name), name


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_label_and_every_error_a_model_finds_replays(path):
    ruleset = evalrules.load(path)
    enc = encoded(ruleset)
    for name, scale in ruleset.grades.items():
        term = enc.values[name]
        assert isinstance(term, smt.Label)
        for label in scale:
            code = enc.inputs.context.code(label)
            model = solved(enc.graded, term.code == code, seconds=2)
            if model is not None:
                replays(ruleset, enc, model)
    for name in (*ruleset.plan.vetoes, *ruleset.plan.outcomes):
        for holding in (True, False):
            model = solved(enc.graded, enc.values[name] == holding,  # type: ignore[arg-type]
                           seconds=2)
            if model is not None:
                replays(ruleset, enc, model)
    for f in enc.failures:
        model = solved(enc.assumptions, f.fires, seconds=2)
        if model is not None:
            replays(ruleset, enc, model)
    model = solved(enc.graded, seconds=2)
    if model is not None:
        replays(ruleset, enc, model)


@settings(max_examples=12, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(valid_modules())
def test_generated_rulesets_models_replay(module):
    """Small cases the other way round: each label of a generated ruleset's grade, and each of
    its errors, that some record gets: the solver's record replays to the solver's values. A
    model of a list's statistics no list has may not (see the list tests): skipped there."""
    ruleset = evalrules.compile(unparse.module(module))
    enc = encoded(ruleset)
    goals = [(enc.graded, enc.values[name].code == enc.inputs.context.code(label))  # type: ignore[union-attr]
             for name, scale in ruleset.grades.items() for label in scale]
    goals += [(enc.assumptions, f.fires) for f in enc.failures]
    for goal in goals:
        model = solved(*goal, seconds=2)
        if model is not None and not enc.abstract:
            replays(ruleset, enc, model)


# ---------------------------------------------------------------- exact arithmetic


ARITHMETIC = """ruleset 算术
input x: number
input n: integer
let 十位 = round(x, -1)
let 整数 = round(x)
let 一位 = round(x, 1)
let 两位 = round(x, 2)
let 三位 = round(x, 3)
let 下取整 = floor(x)
let 上取整 = ceil(x)
let 绝对值 = abs(x)
let 小 = min(x, n, 1/3)
let 大 = max(x, n / 3)
let 混合 = n / 3 + x
let 限 = clamp(x, -1, 2.5)
"""

# x → round at -1, 0, 1, 2, 3 decimals, floor, ceil: by hand, halves away from zero.
ROUNDED = [
    ("15", "20", "15", "15", "15", "15", "15", "15"),
    ("-15", "-20", "-15", "-15", "-15", "-15", "-15", "-15"),
    ("14.99", "10", "15", "15", "14.99", "14.99", "14", "15"),
    ("2.5", "0", "3", "2.5", "2.5", "2.5", "2", "3"),
    ("-2.5", "0", "-3", "-2.5", "-2.5", "-2.5", "-3", "-2"),
    ("-0.25", "0", "0", "-0.3", "-0.25", "-0.25", "-1", "0"),
    ("0.25", "0", "0", "0.3", "0.25", "0.25", "0", "1"),
    ("1.005", "0", "1", "1", "1.01", "1.005", "1", "2"),
    ("-1.005", "0", "-1", "-1", "-1.01", "-1.005", "-2", "-1"),
    ("-0.0005", "0", "0", "0", "0", "-0.001", "-1", "0"),
    ("0.0015", "0", "0", "0", "0", "0.002", "0", "1"),
    ("-44.999", "-40", "-45", "-45", "-45", "-44.999", "-45", "-44"),
    ("-45", "-50", "-45", "-45", "-45", "-45", "-45", "-45"),
    ("1/3", "0", "0", "0.3", "0.33", "0.333", "0", "1"),
    ("-2/3", "0", "-1", "-0.7", "-0.67", "-0.667", "-1", "0"),
]


@pytest.fixture(scope="module")
def arithmetic():
    ruleset = evalrules.compile(ARITHMETIC)
    return ruleset, encoded(ruleset)


def at(enc: smt.Encoded, **record: object) -> z3.ModelRef:
    model = solved(enc.assumptions, *enc.inputs.fix(record))
    assert model is not None
    return model


@pytest.mark.parametrize("row", ROUNDED, ids=lambda row: row[0])
def test_rounding_floor_and_ceil_are_exact(arithmetic, row):
    _, enc = arithmetic
    x, *expected = (Fraction(v) for v in row)
    model = at(enc, x=x, n=0)
    names = ("十位", "整数", "一位", "两位", "三位", "下取整", "上取整")
    assert [value(enc, model, n) for n in names] == expected


@pytest.mark.parametrize(("x", "n", "small", "big", "mixed", "limited"), [
    ("-1/2", -1, "-1", "-1/3", "-5/6", "-1/2"),
    ("7/2", 2, "1/3", "7/2", "25/6", "5/2"),
    ("0", 5, "0", "5/3", "5/3", "0"),
    ("-3", -7, "-7", "-7/3", "-16/3", "-1"),
])
def test_min_max_clamp_and_mixed_whole_and_fraction(arithmetic, x, n, small, big, mixed,
                                                     limited):
    _, enc = arithmetic
    model = at(enc, x=Fraction(x), n=n)
    assert value(enc, model, "小") == Fraction(small)
    assert value(enc, model, "大") == Fraction(big)
    assert value(enc, model, "混合") == Fraction(mixed)
    assert value(enc, model, "限") == Fraction(limited)
    assert value(enc, model, "绝对值") == abs(Fraction(x))


@SEEDED
@given(st.fractions(min_value=-1000, max_value=1000, max_denominator=2000),
       st.integers(-50, 50))
def test_arithmetic_agrees_with_the_reference_on_random_numbers(x, n):
    ruleset = evalrules.compile(ARITHMETIC)
    agrees(ruleset, encoded(ruleset), {"x": x, "n": n})


def test_rounding_is_half_away_from_zero_for_every_number(arithmetic):
    """Proved, not sampled: round(x, 1) is a tenth, within a twentieth of x, and a tie goes
    away from zero."""
    _, enc = arithmetic
    x = enc.inputs.terms["x"]
    r = enc.values["一位"]
    assert isinstance(r, smt.Num) and isinstance(x, z3.ArithRef)
    q = real(r.n) / real(r.d)
    spec = z3.And(z3.IsInt(q * 10), z3.Abs(x - q) <= z3.RealVal("1/20"),
                  z3.Implies(z3.Abs(x - q) == z3.RealVal("1/20"), z3.Abs(q) > z3.Abs(x)))
    assert solved(enc.assumptions, z3.Not(spec)) is None


def real(t: z3.ArithRef) -> z3.ArithRef:
    return z3.ToReal(t) if t.is_int() else t


DIVISION = """ruleset 除法
input x: number
input y: number
input n: integer in 1..
let 商 = x / y
let 过线 = x / y >= 1/3
let 比 = (x / y) / (n / 3)
let 比较 = x / y < n / 7
"""


@pytest.mark.parametrize(("x", "y", "n", "quotient", "over", "ratio", "less"), [
    ("1", "3", 1, "1/3", True, "1", False),
    ("-1", "-3", 1, "1/3", True, "1", False),
    ("1", "-3", 2, "-1/3", False, "-1/2", True),
    ("-1", "3", 7, "-1/3", False, "-1/7", True),
    ("2/7", "6/7", 3, "1/3", True, "1/3", True),
    ("-5", "-2.5", 14, "2", True, "3/7", False),
])
def test_division_by_negatives_and_variable_denominators(x, y, n, quotient, over, ratio, less):
    ruleset = evalrules.compile(DIVISION)
    enc = encoded(ruleset)
    model = at(enc, x=Fraction(x), y=Fraction(y), n=n)
    assert value(enc, model, "商") == Fraction(quotient)
    assert value(enc, model, "过线") is over
    assert value(enc, model, "比") == Fraction(ratio)
    assert value(enc, model, "比较") is less


def test_division_by_zero_is_the_records_error():
    ruleset = evalrules.compile(DIVISION)
    enc = encoded(ruleset)
    model = at(enc, x=Fraction(1), y=Fraction(0), n=1)
    fired = [f for f in enc.failures if holds(model, f.fires)]
    with pytest.raises(InputError) as info:
        ruleset.reference_evaluate({"x": 1, "y": 0, "n": 1})
    assert [fail_of(f) for f in fired] == [error_of(info.value)]
    # and no record with y != 0 fails
    y = enc.inputs.terms["y"]
    assert solved(enc.assumptions, y != 0, z3.Or(*(f.fires for f in enc.failures))) is None


def test_a_share_against_a_constant_stays_linear():
    ruleset = evalrules.compile("ruleset 线性\nballot 测评: 优秀, 称职, 不称职\n"
                                "let 好 = share(测评: 优秀) >= 60%\n"
                                "let 差 = share(测评: 不称职) * 100 > 30 or "
                                "votes(测评: 优秀) < 2\n"
                                "let 档 = if 好 then 1/2 else 1/3\n"
                                "let 够 = 档 + share(测评: 称职) >= 90%\n")
    enc = encoded(ruleset)
    for name in ("好", "差", "档", "够"):
        assert all(linear(part) for part in parts(enc.values[name])), enc.values[name]
    v = {c: enc.inputs.vote("测评", c) for c in ("优秀", "称职", "不称职")}
    total = v["优秀"] + v["称职"] + v["不称职"]
    assert solved(enc.assumptions, z3.Not(enc.values["好"] == (5 * v["优秀"] >= 3 * total))) is None


#: Rulesets that add a share or points to a number with another denominator (another ballot's
#: total, a number input): ``x + a/T >= c`` is ``x·T + a >= c·T``, a product of two unknowns
#: whatever the encoding does.
NONLINEAR = {
    "fanwen2/cadre.rules": "个人目标完成率 adds the shares of two ballots",
    "fanwen2/cadre-quota.rules": "extends fanwen2/cadre.rules",
    "fanwen5/cadre.rules": "年度考核总分 adds the points of two ballots",
    "fanwen5/cadre-weights.rules": "extends fanwen5/cadre.rules",
    "fanwen6/cadre.rules": "干部考核总分 adds points to a number input",
}


@pytest.mark.parametrize("path", bundled_rulesets(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bundled_rulesets_encode_linearly_where_they_are_linear(path):
    """Shares, points and sums compared with constant lines stay linear arithmetic, which z3
    decides (never `unknown (nonlinear)`): no product of two unknowns in any term."""
    enc = encoded(evalrules.load(path))
    terms = [(name, part) for name, term in enc.values.items() for part in parts(term)]
    terms += [(f.fail.rule, f.fires) for f in enc.failures]
    products = [name for name, term in terms if not linear(term)]
    assert bool(products) == (f"{path.parent.name}/{path.name}" in NONLINEAR), products


def parts(term: smt.Term) -> list[z3.ExprRef]:
    match term:
        case smt.Num(n=n, d=d):
            return [n, d]
        case smt.Label(code=code):
            return [code]
        case z3.BoolRef():
            return [term]
    return []


def linear(term: z3.ExprRef) -> bool:
    """No product of two unknowns anywhere in the term."""
    seen: set[int] = set()
    stack = [term]
    while stack:
        t = stack.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        if z3.is_app_of(t, z3.Z3_OP_MUL) and \
                sum(1 for c in t.children() if not z3.is_arith(c) or not _constant(c)) > 1:
            return False
        if z3.is_app_of(t, z3.Z3_OP_DIV) and not _constant(t.arg(1)):
            return False
        stack.extend(t.children())
    return True


def _constant(t: z3.ExprRef) -> bool:
    return z3.is_rational_value(t) or z3.is_int_value(t) or (
        z3.is_app(t) and t.num_args() > 0 and all(_constant(c) for c in t.children()))


# ---------------------------------------------------------------- histories: exact


HISTORY = """ruleset 历史
scale 等次: 优 > 良 > 差
input h: history of 等次 default empty
let 优数 = h.count(优)
let 差数 = h.count(差)
let 连优 = h.streak(优)
let 连良 = h.streak(良)
let 上年 = h.last
"""


def streak_of(history: list[str], label: str) -> int:
    return len(list(itertools.takewhile(lambda x: x == label, reversed(history))))


@SEEDED
@given(st.lists(st.sampled_from(("优", "良", "差")), max_size=8))
def test_a_histories_count_streak_and_last(history):
    ruleset = evalrules.compile(HISTORY)
    enc = encoded(ruleset)
    model = at(enc, h=tuple(history))
    assert value(enc, model, "优数") == history.count("优")
    assert value(enc, model, "差数") == history.count("差")
    assert value(enc, model, "连优") == streak_of(history, "优")
    assert value(enc, model, "连良") == streak_of(history, "良")
    if history:
        assert value(enc, model, "上年") == history[-1]
    assert [f.fail.key for f in enc.failures if holds(model, f.fires)] == (
        [] if history else ["record.empty_history"])
    agrees(ruleset, enc, {"h": history})


def test_the_history_abstraction_is_exact():
    """Every (length, counts, last, streak) the encoding allows is some history's, and
    record_of builds it: all of them up to length 4, checked against every history."""
    ruleset = evalrules.compile(HISTORY)
    enc = encoded(ruleset)
    h = enc.inputs.terms["h"]
    assert isinstance(h, smt.History)
    ctx = enc.inputs.context
    real = set()
    for n in range(5):
        for history in itertools.product(("优", "良", "差"), repeat=n):
            last = history[-1] if history else None
            real.add((n, history.count("优"), history.count("良"), last,
                      streak_of(list(history), last) if last else 0))
    allowed = set()
    solver = z3.Solver()
    solver.add(enc.assumptions)
    for n, a, b in itertools.product(range(5), repeat=3):
        for last in ("优", "良", "差", None):
            for s in range(5):
                solver.push()
                solver.add(h.length == n, h.counts["优"] == a, h.counts["良"] == b,
                           h.streak == s, h.last == (ctx.code(last) if last else -1))
                model = solver.model() if solver.check() == z3.sat else None
                solver.pop()
                if model is not None:
                    allowed.add((n, a, b, last, s))
                    made = smt.record_of(model, enc.inputs)["h"]
                    assert (len(made), made.count("优"), made.count("良"),
                            made[-1] if made else None,
                            streak_of(made, last) if last else 0) == (n, a, b, last, s)
    assert allowed == real


# ---------------------------------------------------------------- lists: approximate


LISTS = """ruleset 列表
input L: list of number in 0..100 default empty
let 个数 = count(L)
let 总分 = sum(L)
let 均分 = mean(trimmed(L, 1))
let 最低 = min(L)
let 最高 = max(L)
"""


@SEEDED
@given(st.lists(st.fractions(0, 100, max_denominator=8), max_size=7),
       st.lists(st.integers(-10, 10), max_size=6))
def test_a_lists_statistics_fixed_are_the_references(items, signed):
    ruleset = evalrules.compile(LISTS + "input M: history of integer in -10..10 default empty\n"
                                "let 负和 = sum(M)\nlet 负均 = mean(trimmed(M, 1))\n"
                                "let 负低 = min(M)\nlet 负末 = M.last\n")
    agrees(ruleset, encoded(ruleset), {"L": items, "M": signed})


@pytest.mark.parametrize(("n", "total", "trimmed_mean", "least", "most"), [
    (3, "3", "1", "0", "2"),
    (3, "150", "50", "40", "60"),
    (5, "370", "90", "0", "100"),
    (4, "7", "3/2", "0", "4"),
    (6, "301/2", "25", "0", "201/2"),  # beyond the range: no list, and the model cannot pick it
])
def test_a_list_a_model_describes_is_realised_where_some_list_has_its_statistics(
        n, total, trimmed_mean, least, most):
    ruleset = evalrules.compile(LISTS)
    enc = encoded(ruleset)
    assert enc.abstract
    v = enc.values
    wanted = {"总分": total, "均分": trimmed_mean, "最低": least, "最高": most}
    goal = [smt.compare("==", v[name], smt.num(Fraction(x)))  # type: ignore[arg-type]
            for name, x in wanted.items() if x is not None]
    length = enc.inputs.terms["L"].length  # type: ignore[union-attr]
    model = solved(enc.graded, length == n, *goal)
    if Fraction(most) > 100:
        assert model is None
        return
    assert model is not None
    made = smt.record_of(model, enc.inputs)["L"]
    assert len(made) == n and sum(made) == Fraction(total)
    assert (min(made), max(made)) == (Fraction(least), Fraction(most))
    replays(ruleset, enc, model)


def test_where_the_list_abstraction_is_approximate():
    """Each statistic is its own unknown within the numbers' range: two numbers of mean 50
    whose least is 0 and greatest 60 satisfy the encoding, and no list has them. record_of
    still gives two numbers; the replay (which verify does before it shows a record) differs."""
    ruleset = evalrules.compile("ruleset 列表\ninput L: list of number in 0..100\n"
                                "let 均分 = mean(L)\nlet 最低 = min(L)\nlet 最高 = max(L)\n")
    enc = encoded(ruleset)
    v = enc.values
    length = enc.inputs.terms["L"].length  # type: ignore[union-attr]
    model = solved(enc.graded, length == 2, v["均分"].n == 50, v["最低"].n == 0,  # type: ignore[union-attr]
                   v["最高"].n == 60)  # type: ignore[union-attr]
    assert model is not None and enc.abstract
    made = smt.record_of(model, enc.inputs)["L"]
    assert len(made) == 2
    got = replayed(ruleset, enc, model)
    assert not isinstance(got, InputError)
    assert (got.values["均分"], got.values["最低"], got.values["最高"]) != (50, 0, 60)


# ---------------------------------------------------------------- dates and group decisions


def test_a_date_is_its_day_number_and_a_model_gives_a_date():
    ruleset = evalrules.compile("ruleset 日期\ninput 入职: date\nparam 年末 = 2025-12-31\n"
                                "let 天数 = days(入职, 年末)\nlet 满一年 = 天数 >= 365\n")
    enc = encoded(ruleset)
    model = at(enc, 入职=datetime.date(2024, 12, 31))
    assert value(enc, model, "天数") == 365 and value(enc, model, "满一年") is True
    model = solved(enc.graded, z3.Not(enc.values["满一年"]))  # type: ignore[arg-type]
    assert model is not None
    assert isinstance(smt.record_of(model, enc.inputs)["入职"], datetime.date)
    replays(ruleset, enc, model)
