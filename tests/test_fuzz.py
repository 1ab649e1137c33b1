"""Robustness: whatever text is compiled and whatever record is evaluated, evalrules either
succeeds or raises its own error (``RulesetError`` for sources, ``InputError`` for records).

Any other exception (a Lark exception, RecursionError, ZeroDivisionError, KeyError, ...) fails.
Each Hypothesis test is kept to a few seconds.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import InputError, RulesetError
from evalrules.diagnostics import CODES

from conftest import SHARED_EXAMPLES, bundled_rulesets, example_rulesets

RULESET_PATHS = example_rulesets() + bundled_rulesets()
SOURCES = [(p, p.read_text(encoding="utf-8")) for p in RULESET_PATHS]

FAST = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def compiles_or_refuses(source: str, path: Path | str = SHARED_EXAMPLES / "fuzz.rules") -> None:
    """Compile; a refusal must be a well-formed RulesetError that renders."""
    try:
        rules = evalrules.compile(source, path=path)
    except RulesetError as e:
        assert e.errors, "a RulesetError carries at least one error"
        for d in e.diagnostics:
            assert d.code in CODES
            assert d.severity in ("error", "warning")
            assert d.line >= 1 and d.column >= 1, str(d)
            assert isinstance(str(d), str)
        assert str(e)
    else:
        assert isinstance(rules, evalrules.Ruleset)
        for w in rules.warnings:
            assert w.severity == "warning" and str(w)


# ---------------------------------------------------------------- arbitrary text

LANGUAGE_BITS = [
    "ruleset", "extends", "title", "scale", "ballot", "input", "param", "let", "score",
    "require", "sheet", "grade", "veto", "outcome", "check", "override", "rule", "when",
    "otherwise", "all", "any", "most", "at least", "one of", "bool", "number", "integer", "in",
    "default", "weighted", "cases", "max", "pro rata", "full when", "minus", "per", "lower",
    "raise", "set", "by", "to", "at most", "monotone", "always", "if", "then", "else", "and",
    "or", "not", "is", "true", "false", "share", "votes", "total", "points", "min", "round",
    ":", "：", ",", "，", "、", "(", ")", "（", "）", "..", "%", "％", "=", "==", "!=", "≠", "<",
    "<=", "≤", ">", ">=", "≥", "+", "-", "*", "×", "/", "÷", ".", '"', '"标题"', "#", "\n",
    "\n  ", "\n    ", "\t", "\u3000", " ", "1", "0", "30%", "100", "0.5", "优秀", "较好", "一般",
    "班子等次", "得分", "x", "_", "\r\n",
]

language_text = st.lists(st.sampled_from(LANGUAGE_BITS), max_size=60).map(" ".join)


@FAST
@given(st.text())
def test_arbitrary_text(text):
    compiles_or_refuses(text)
    compiles_or_refuses("ruleset r\n" + text)


@FAST
@given(language_text)
def test_arbitrary_language_words(text):
    compiles_or_refuses("ruleset r\n" + text)
    compiles_or_refuses("ruleset r\nlet x = " + text)


@FAST
@given(st.lists(st.sampled_from(LANGUAGE_BITS), max_size=12).map(" ".join),
       st.integers(0, 3))
def test_arbitrary_indented_blocks(line, indent):
    source = ("ruleset r\ninput a: number\nscale g: 优 > 良\ngrade g:\n"
              + "  " * indent + line + "\n  otherwise 良\n")
    compiles_or_refuses(source)


# ---------------------------------------------------------------- mutations of real rulesets

inserted = st.one_of(
    st.sampled_from(LANGUAGE_BITS),
    st.characters(),
    st.text(max_size=6),
    st.sampled_from(["\x00", "\ufeff", "\u2028", "\x0c", "\r", "9" * 50, "1e999999", "1/0"]),
)

mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 20)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), inserted),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("drop line"), st.integers(0, 10**6), st.just(None)),
    st.tuples(st.just("move line"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("swap tokens"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("tab"), st.integers(0, 10**6), st.sampled_from(["\t", "\u3000", " ", "   "])),
    st.tuples(st.just("duplicate char"), st.integers(0, 10**6), st.integers(1, 5)),
)


def mutate(source: str, op: tuple) -> str:
    kind, a, b = op
    lines = source.split("\n")
    if kind == "delete":
        i = a % (len(source) + 1)
        return source[:i] + source[i + b:]
    if kind == "insert":
        i = a % (len(source) + 1)
        return source[:i] + b + source[i:]
    if kind == "duplicate char":
        i = a % max(len(source), 1)
        return source[:i] + source[i:i + 1] * b + source[i:]
    if kind == "duplicate":
        line = lines[a % len(lines)]
        lines.insert(b % (len(lines) + 1), line)
        return "\n".join(lines)
    if kind == "drop line":
        del lines[a % len(lines)]
        return "\n".join(lines)
    if kind == "move line":
        line = lines.pop(a % len(lines))
        lines.insert(b % (len(lines) + 1), line)
        return "\n".join(lines)
    if kind == "swap tokens":
        tokens = re.split(r"(\s+)", source)
        words = [i for i, t in enumerate(tokens) if t and not t.isspace()]
        if len(words) >= 2:
            i, j = words[a % len(words)], words[b % len(words)]
            tokens[i], tokens[j] = tokens[j], tokens[i]
        return "".join(tokens)
    if kind == "tab":
        i = a % len(lines)
        lines[i] = b + lines[i]
        return "\n".join(lines)
    raise AssertionError(kind)


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(SOURCES), st.lists(mutation, min_size=1, max_size=5))
def test_mutated_rulesets(path_and_source, ops):
    path, source = path_and_source
    for op in ops:
        source = mutate(source, op)
    compiles_or_refuses(source, path=path)


EXAMPLE_SOURCES = [(p, text) for p, text in SOURCES if p.parent == SHARED_EXAMPLES]


@pytest.mark.parametrize(("path", "source"), EXAMPLE_SOURCES,
                         ids=[p.name for p, _ in EXAMPLE_SOURCES])
def test_every_line_deleted_in_turn(path, source):
    lines = source.split("\n")
    for i in range(len(lines)):
        compiles_or_refuses("\n".join(lines[:i] + lines[i + 1:]), path=path)


@pytest.mark.parametrize(("path", "source"), EXAMPLE_SOURCES,
                         ids=[p.name for p, _ in EXAMPLE_SOURCES])
def test_every_prefix_by_line(path, source):
    lines = source.split("\n")
    for i in range(len(lines) + 1):
        compiles_or_refuses("\n".join(lines[:i]), path=path)


# ---------------------------------------------------------------- extreme shapes


def deep(n: int, kind: str) -> str:
    return {
        "parens": "(" * n + "a" + ")" * n,
        "full-width parens": "（" * n + "a" + "）" * n,
        "negations": "- " * n + "a",
        "nots": "not " * n + "a > 1",
        "sum": " + ".join(["a"] * n),
        "product": " × ".join(["a"] * n),
        "ifs": "if a > 1 then 1 else " * n + "0",
        "calls": "abs(" * n + "a" + ")" * n,
        "comparisons": " and ".join(["a > 1"] * n),
        "unbalanced": "(" * n + "a",
    }[kind]


@pytest.mark.parametrize("n", [150, 500, 5000])
@pytest.mark.parametrize("kind", ["parens", "full-width parens", "negations", "nots", "sum",
                                  "product", "ifs", "calls", "comparisons", "unbalanced"])
def test_deep_and_long_expressions(kind, n):
    compiles_or_refuses(f"ruleset r\ninput a: number\nlet x = {deep(n, kind)}\n")


def test_five_hundred_nested_parentheses_compile_and_evaluate():
    rules = evalrules.compile(f"ruleset r\ninput a: number\nscore x = {deep(500, 'parens')}\n")
    assert rules.evaluate({"a": 7})["x"] == 7


@pytest.mark.parametrize("n", [50, 150, 400])
def test_deeply_nested_condition_blocks(n):
    lines = ["ruleset r", "input a: number", "scale g: 优 > 良", "grade g:", "  优 when all:"]
    lines += ["  " * (i + 2) + "all:" for i in range(n)]
    lines += ["  " * (n + 2) + "a > 1", "  otherwise 良"]
    source = "\n".join(lines) + "\n"
    compiles_or_refuses(source)


@pytest.mark.parametrize("n", [50, 150, 400])
def test_deeply_nested_sheet_headings(n):
    lines = ["ruleset r", "input a: number", "sheet s max 10:"]
    for i in range(n):
        lines.append("  " * (i + 1) + f"h{i} 10:")
    lines.append("  " * (n + 1) + "leaf 10: pro rata a")
    compiles_or_refuses("\n".join(lines) + "\n")


def test_many_definitions_in_written_order():
    n = 2000
    source = "ruleset r\ninput x0: number\n" + "".join(
        f"let x{i} = x{i - 1} + 1\n" for i in range(1, n + 1))
    assert evalrules.compile(source).evaluate({"x0": 1})[f"x{n}"] == n + 1


def test_many_definitions_in_reverse_order():
    n = 300
    source = "ruleset r\ninput x0: number\n" + "".join(
        f"let x{i} = x{i - 1} + 1\n" for i in range(n, 0, -1))
    try:
        rules = evalrules.compile(source)
    except RulesetError:  # refusing is allowed; crashing is not
        return
    assert rules.evaluate({"x0": 1})[f"x{n}"] == n + 1


def test_long_cycle_is_reported():
    n = 1000
    source = "ruleset r\n" + "".join(f"let x{i} = x{(i + 1) % n} + 1\n" for i in range(n))
    with pytest.raises(RulesetError) as info:
        evalrules.compile(source)
    assert any(d.code == "E403" for d in info.value.errors)


def test_nul_in_extends_path():
    compiles_or_refuses('ruleset r extends "city\x00team.rules"\n')


@pytest.mark.parametrize("source", [
    "",
    "\n\n\n",
    "ruleset",
    "ruleset r",
    "ruleset r extends",
    'ruleset r extends ""',
    'ruleset r extends "."',
    'ruleset r extends "/"',
    'ruleset r extends "does/not/exist.rules"',
    "ruleset r\n" + "# 注释\n" * 10000,
    "ruleset r\nlet " + "名" * 5000 + " = 1\n",
    "ruleset r\nlet x = \ud800\n",
    "ruleset r\ninput \U0001f600: number\n",
    "ruleset r\ninput a\u0301: number\nscore s = a\u0301\n",
    "ruleset r\ninput \u202eabc: number\n",
    "ruleset r\ninput \u200b: number\n",
    "ruleset r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\n",
    "ruleset r\r\ninput a: number\rscore s = a\r\n",
    "\ufeffruleset r\n",
    "ruleset r\n" + "\t" * 1000 + "let x = 1\n",
    "ruleset r\n" + " " * 10000 + "let x = 1\n",
    "ruleset r\nscale g: " + " > ".join(f"l{i}" for i in range(3000)) + "\n",
    "ruleset r\ninput a: one of " + ", ".join(f"l{i}" for i in range(3000)) + "\n",
    "ruleset r\ninput a: number\nscore s = weighted:\n" + "  a 0.01%\n" * 10000,
    'ruleset r\n  title "' + "\\" * 1001 + '"\n',
    "ruleset r\nlet x = round(1, 99999)\n",
    "ruleset r\nlet x = round(1, -5)\n",
], ids=lambda source: repr(source[:40]))
def test_extreme_sources(source):
    compiles_or_refuses(source)


@pytest.mark.parametrize("literal", ["9" * 5000, "0." + "0" * 5000 + "1", "1" + "0" * 5000 + "%"],
                         ids=["integer", "decimal", "percent"])
def test_huge_number_literal(literal):
    compiles_or_refuses(f"ruleset r\nlet x = {literal}\n")


def test_extreme_round_digits_evaluate():
    rules = evalrules.compile("ruleset r\ninput a: number\nscore s = round(a, 3)\n")
    assert rules.evaluate({"a": Fraction(2, 3)})["s"] == Fraction(667, 1000)


# ---------------------------------------------------------------- arbitrary records

RULESETS = [(p, evalrules.load(p)) for p in RULESET_PATHS]

safe_text = st.text(max_size=12)
number_like = st.sampled_from([
    "0.8", "80%", "80％", " 12 ", "1/3", "-1", "+2", ".5", "5.", "1e2", "1e-2", "100", "0",
    "nan", "inf", "-inf", "NaN", "1,000", "一", "１２", "٣", "½", "", " ", "%", "/", "1/", "/2",
    "true", "false", "好", "优秀", "称职", "1/0", "0/0", "-3/0%", "1e999999999", "1e-999999999",
    "9" * 700, "0." + "0" * 700 + "1",
])
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.sampled_from([10**700, -(10**4000), 2**2001]),  # reprs stay under 4300 digits
    st.floats(allow_nan=True, allow_infinity=True),
    st.fractions(max_denominator=10**6).filter(lambda f: abs(f) < 10**12),
    st.decimals(min_value=-(10**9), max_value=10**9, places=4),
    st.sampled_from([Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
                     Decimal("-Infinity"), Decimal("-0"), Decimal("1e999999999"),
                     Decimal("1e-999999999")]),
    safe_text,
    number_like,
)
value = st.recursive(
    scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.tuples(inner),
                            st.dictionaries(safe_text, inner, max_size=3)),
    max_leaves=10,
)


def alone(rules: evalrules.Ruleset, record: object) -> evalrules.Result:
    """Grade one record; a ruleset with group rules grades it as a group of one."""
    if not rules.checked.groups:
        return rules.evaluate(record)
    result = next(rules.evaluate_many([record]))
    if result.error is not None:
        raise result.error
    return result


def evaluates_or_refuses(rules: evalrules.Ruleset, record: object) -> None:
    try:
        result = alone(rules, record)
    except InputError as e:
        assert isinstance(str(e), str)
        assert e.to_dict()["message"] == e.message
        return
    # A record that evaluates gives a complete, explainable result.
    values = dict(result)
    assert set(rules.grades) <= set(values)
    for grade, labels in rules.grades.items():
        assert values[grade] in labels
    assert set(result.outcomes) <= set(rules.outcomes)
    assert set(result.vetoes) <= set(rules.vetoes)
    result.to_dict()
    result.trace()
    assert result.explain("zh") and result.explain("en")


def field_keys(rules: evalrules.Ruleset) -> list[str]:
    keys = list(rules.inputs)
    for name, field in rules.inputs.items():
        if field.kind == "ballot":
            keys += [f"{name}.{label}" for label in field.labels]
    return keys


def good_value(field: evalrules.Field) -> st.SearchStrategy:
    if field.kind == "ballot":
        return st.fixed_dictionaries({label: st.integers(0, 6) for label in field.labels})
    if field.kind == "bool":
        return st.booleans()
    if field.kind == "category":
        return st.sampled_from(field.labels)
    if field.kind == "text":
        return safe_text
    if field.kind == "history":
        return st.lists(st.sampled_from(field.labels), max_size=4)
    low = field.low if field.low is not None else Fraction(-100)
    high = field.high if field.high is not None else low + 200
    if field.kind == "integer":
        return st.integers(int(low), int(high))
    return st.one_of(st.fractions(low, high, max_denominator=1000),
                     st.integers(-5, 5).map(lambda k: low + (high - low) * Fraction(k + 5, 10)))


def junk_for(rules: evalrules.Ruleset) -> st.SearchStrategy:
    labels = sorted({label for f in rules.inputs.values() for label in f.labels})
    ballot_like = st.dictionaries(
        st.one_of(st.sampled_from(labels), safe_text) if labels else safe_text,
        st.one_of(st.integers(-3, 10), scalar), max_size=6)
    return st.one_of(value, st.sampled_from(labels) if labels else st.none(), ballot_like)


RULESET_IDS = [str(p.relative_to(p.parents[1])) for p, _ in RULESETS]


@pytest.mark.parametrize(("path", "rules"), RULESETS, ids=RULESET_IDS)
@settings(max_examples=20, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_arbitrary_records(path, rules, data):
    keys = st.one_of(st.sampled_from(field_keys(rules)), safe_text)
    record = data.draw(st.dictionaries(keys, junk_for(rules), max_size=12), label="record")
    evaluates_or_refuses(rules, record)


@pytest.mark.parametrize(("path", "rules"), RULESETS, ids=RULESET_IDS)
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_nearly_valid_records(path, rules, data):
    """A valid record with a few fields broken, removed, added or flattened."""
    record = {name: data.draw(good_value(f), label=name) for name, f in rules.inputs.items()}
    names = list(record)
    for name in data.draw(st.lists(st.sampled_from(names), max_size=3, unique=True),
                          label="broken"):
        action = data.draw(st.sampled_from(["junk", "drop", "none", "flatten", "extra"]))
        if action == "junk":
            record[name] = data.draw(junk_for(rules), label=f"junk {name}")
        elif action == "drop":
            record.pop(name)
        elif action == "none":
            record[name] = None
        elif action == "flatten" and isinstance(record[name], dict):
            for label, count in record.pop(name).items():
                record[f"{name}.{label}"] = count
        elif action == "extra":
            record[data.draw(safe_text, label="extra key")] = data.draw(value)
    evaluates_or_refuses(rules, record)


@pytest.mark.parametrize(("path", "rules"), RULESETS, ids=RULESET_IDS)
@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_valid_records_always_evaluate(path, rules, data):
    """Records inside every declared range are graded, unless a require or an empty ballot
    refuses them (which must then be an InputError naming a rule)."""
    record = {name: data.draw(good_value(f), label=name) for name, f in rules.inputs.items()}
    try:
        alone(rules, record)
    except InputError as e:
        assert e.rule is not None and e.rule in str(e)
        assert "require" in e.rule or "no votes" in str(e) or "division by zero" in str(e) \
            or "unique" in str(e), str(e)
