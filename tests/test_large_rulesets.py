"""Rulesets of every size from 1 to 5,000 branches, conditions, items, categories or definitions
compile and evaluate alike on every backend: generated Python is flat (tables and tuples, not
nesting), so it never meets the interpreter's limits on nesting or recursion."""

from __future__ import annotations

import pytest

import evalrules

pa = pytest.importorskip("pyarrow")

SIZES = (1, 2, 3, 17, 33, 99, 200, 1000, 5000)


def _cases(n: int) -> str:
    branches = "".join(f"  {k} when x >= {k}\n" for k in range(n, 0, -1))
    return f"ruleset 大\ninput x: integer\nlet 档 = cases:\n{branches}  otherwise 0\n"


def _first(n: int) -> str:
    labels = " > ".join(f"L{k}" for k in range(n + 1))
    rules = "".join(f"  L{k} when x >= {n - k}\n" for k in range(n))
    return f"ruleset 大\ninput x: integer\nscale 等次: {labels}\ngrade 等次:\n{rules}" \
           f"  otherwise L{n}\n"


def _policy(policy: str):
    def text(n: int) -> str:
        labels = " > ".join(f"L{k}" for k in range(n + 1))
        rules = "".join(f"  L{k} when x == {k}\n" for k in range(n))
        return (f"ruleset 大\ninput x: integer\nscale 等次: {labels}\ngrade 等次 ({policy}):\n"
                f"{rules}  otherwise L{n}\n")
    return text


def _quantified(word: str):
    def text(n: int) -> str:
        conditions = "".join(f"    x != {k}\n" for k in range(n))
        return f"ruleset 大\ninput x: integer\noutcome 成立 when {word}:\n{conditions}"
    return text


def _sheet(n: int) -> str:
    items = "".join(f"  项{k} 1: full when x >= {k}\n" for k in range(n))
    return f"ruleset 大\ninput x: integer\nsheet 表 max {n}:\n{items}"


def _ballot(n: int) -> str:
    categories = ", ".join(f"c{k}" for k in range(n))
    points = ", ".join(f"c{k} {k}" for k in range(n))
    return (f"ruleset 大\nballot 票: {categories}\nlet 率 = share(票: c0)\n"
            f"let 总 = total(票)\nlet 点 = points(票: {points})\n")


def _lets(n: int) -> str:
    lets = "".join(f"let a{k} = a{k - 1} + x\n" for k in range(1, n))
    return f"ruleset 大\ninput x: integer\nlet a0 = x\n{lets}"


def _vetoes(n: int) -> str:
    vetoes = "".join(f"veto v{k} when x == {k}:\n  lower 等次 by 1\n" for k in range(n))
    return ("ruleset 大\ninput x: integer\nscale 等次: 甲 > 乙 > 丙\ngrade 等次:\n"
            f"  甲 when x >= 0\n  otherwise 丙\n{vetoes}")


SHAPES = {
    "cases": _cases, "first": _first, "worst": _policy("worst"), "unique": _policy("unique"),
    "all": _quantified("all"), "any": _quantified("any"), "most": _quantified("most"),
    "sheet": _sheet, "ballot": _ballot, "lets": _lets, "vetoes": _vetoes,
}


def _records(shape: str, n: int) -> list[dict]:
    if shape == "ballot":
        return [{"票": {f"c{k}": (k * 7 + j) % 5 for k in range(n)}} for j in range(3)] + \
            [{"票": dict.fromkeys((f"c{k}" for k in range(n)), 0)}]
    return [{"x": x} for x in sorted({0, 1, n // 2, n - 1, n, n + 3, -1})]


def _outcome(evaluate, record):
    try:
        return evaluate(record).to_dict()
    except evalrules.InputError as e:
        return str(e)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_size_compiles_and_every_backend_agrees(shape, n):
    rules = evalrules.compile(SHAPES[shape](n))
    records = _records(shape, n)
    expected = [_outcome(rules.reference_evaluate, r) for r in records]
    assert [_outcome(rules.evaluate, r) for r in records] == expected
    many = [r.to_dict() if r.error is None else str(r.error)
            for r in rules.evaluate_many(records)]
    assert many == expected
    name = list(rules.checked.definitions)[-1]
    for record, want in zip(records, expected, strict=True):
        if isinstance(want, dict):
            assert rules.function(name)(record) == rules.reference_evaluate(record)[name]
    table = _table(shape, n, records)
    got = rules.evaluate_table(table)
    errors = got.column("error").to_pylist()
    for i, want in enumerate(expected):
        if isinstance(want, str):
            assert errors[i] == want
        else:
            assert errors[i] is None
            assert got.column("outcomes")[i].as_py() == want["outcomes"]
            assert got.column("vetoes")[i].as_py() == want["vetoes"]


def _table(shape: str, n: int, records: list[dict]):
    if shape == "ballot":
        return pa.table({f"票.c{k}": [r["票"][f"c{k}"] for r in records] for k in range(n)})
    return pa.table({"x": [r["x"] for r in records]})
