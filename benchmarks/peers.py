"""evalrules against peer engines on the benchmark rule (/work/shared/bench/peer-rule.md).

    pip install -e '.[bench]'
    python benchmarks/peers.py            # 100,000 records one by one, 1,000,000 in batches
    python benchmarks/peers.py --quick    # a small smoke run

One record at a time, in one process, median of 5 runs over the same records: the hand-written
exact Python function (integer arithmetic), two float versions of it, evalrules (``evaluate``,
``evaluate_many`` and ``function`` where they exist) and each peer from PyPI: rule-engine,
zen-engine (compiled expression and a JDM decision graph), panzi-json-logic and
common-expression-language. Batches (numpy, polars, duckdb by hand, evalrules
``evaluate_table``) run each in a child process, so that its peak memory is its own.

Every engine's grade is compared with the exact function on every record. Where an engine
disagrees, the script counts the records and explains one at a boundary with the engine's own
arithmetic. Prints Markdown. Nothing is asserted: a disagreement is a finding, not a crash.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path

import data

HERE = Path(__file__).resolve().parent
RULES = HERE / "peer_rule.rules"
GRADE = "班子等次"
GRADES = data.GRADES
VOTES = data.FLAT[:4]

# The rule's thresholds, by the rate they apply to: (threshold as an exact fraction, comparison).
THRESHOLDS = {
    "r_ex": [(Fraction(3, 5), ">=")],
    "r_good": [(Fraction(9, 10), ">=")],
    "r_low": [(Fraction(1, 5), ">"), (Fraction(1, 2), ">")],
    "r_inc": [(Fraction(3, 10), ">")],
}
RATE_NAMES = {"r_ex": "优秀率", "r_good": "好评率", "r_low": "差评率", "r_inc": "不称职率"}


# --------------------------------------------------------------------------------------------
# The hand-written functions


def grade_exact(r: dict) -> str:
    """The rule in exact integer arithmetic: a share s ≥ 60% is 100·votes ≥ 60·total."""
    ex, comp, basic, inc = r["v_excellent"], r["v_competent"], r["v_basic"], r["v_incompetent"]
    total = ex + comp + basic + inc
    low = basic + inc
    if (100 * inc > 30 * total or 100 * low > 50 * total) and r["serious_problem"]:
        return "较差"
    if 100 * ex >= 60 * total and 100 * (ex + comp) >= 90 * total:
        grade = 0
    elif 100 * low > 20 * total:
        grade = 2
    else:
        grade = 1
    if r["veto_family_planning"]:
        grade += 1
    return GRADES[grade]


def grade_exact_nested(r: dict) -> str:
    """grade_exact on evalrules' record shape: the ballot as one mapping."""
    ballot = r["测评"]
    ex, comp, basic, inc = ballot["优秀"], ballot["称职"], ballot["基本称职"], ballot["不称职"]
    total = ex + comp + basic + inc
    low = basic + inc
    if (100 * inc > 30 * total or 100 * low > 50 * total) and r["存在突出问题"]:
        return "较差"
    if 100 * ex >= 60 * total and 100 * (ex + comp) >= 90 * total:
        grade = 0
    elif 100 * low > 20 * total:
        grade = 2
    else:
        grade = 1
    if r["计生综治一票否决"]:
        grade += 1
    return GRADES[grade]


def _float_rates_spreadsheet(r: dict) -> dict[str, float]:
    """As a spreadsheet does it: one 得票率 per category, 好评率 = 优秀率 + 称职率,
    差评率 = 1 − 好评率."""
    total = r["v_excellent"] + r["v_competent"] + r["v_basic"] + r["v_incompetent"]
    r_ex = r["v_excellent"] / total
    r_good = r_ex + r["v_competent"] / total
    return {"r_ex": r_ex, "r_good": r_good, "r_low": 1 - r_good,
            "r_inc": r["v_incompetent"] / total}


def _float_rates_direct(r: dict) -> dict[str, float]:
    """One float division per rate, as the rule defines each rate."""
    total = r["v_excellent"] + r["v_competent"] + r["v_basic"] + r["v_incompetent"]
    return {"r_ex": r["v_excellent"] / total,
            "r_good": (r["v_excellent"] + r["v_competent"]) / total,
            "r_low": (r["v_basic"] + r["v_incompetent"]) / total,
            "r_inc": r["v_incompetent"] / total}


def grade_float_spreadsheet(r: dict) -> str:
    """The same rule with float shares, the spreadsheet way (see the rates above)."""
    total = r["v_excellent"] + r["v_competent"] + r["v_basic"] + r["v_incompetent"]
    r_ex = r["v_excellent"] / total
    r_good = r_ex + r["v_competent"] / total
    r_low = 1 - r_good
    if (r["v_incompetent"] / total > 0.3 or r_low > 0.5) and r["serious_problem"]:
        return "较差"
    if r_ex >= 0.6 and r_good >= 0.9:
        grade = 0
    elif r_low > 0.2:
        grade = 2
    else:
        grade = 1
    if r["veto_family_planning"]:
        grade += 1
    return GRADES[grade]


def grade_float_direct(r: dict) -> str:
    """The same rule with one float division per rate."""
    ex, comp, basic, inc = r["v_excellent"], r["v_competent"], r["v_basic"], r["v_incompetent"]
    total = ex + comp + basic + inc
    r_low = (basic + inc) / total
    if (inc / total > 0.3 or r_low > 0.5) and r["serious_problem"]:
        return "较差"
    if ex / total >= 0.6 and (ex + comp) / total >= 0.9:
        grade = 0
    elif r_low > 0.2:
        grade = 2
    else:
        grade = 1
    if r["veto_family_planning"]:
        grade += 1
    return GRADES[grade]


# --------------------------------------------------------------------------------------------
# The rule in each peer's language. Every expression engine gets the same shape: the first
# matching rule, with the veto folded into each branch (较差 stays 较差).

_SUM = "(v_excellent + v_competent + v_basic + v_incompetent)"
_RATE_NUMERATORS = {"r_ex": "v_excellent", "r_good": "(v_excellent + v_competent)",
                    "r_low": "(v_basic + v_incompetent)", "r_inc": "v_incompetent"}


def expression(rate: Callable[[str], str] | dict, and_: str, or_: str, quote: str) -> str:
    """The rule as one expression; ``rate`` spells a rate from its numerator, or is a dict of
    the four rates already spelled."""
    def q(label: str) -> str:
        return f"{quote}{label}{quote}"

    rates = rate if isinstance(rate, dict) else {k: rate(v) for k, v in _RATE_NUMERATORS.items()}
    worst = f"(({rates['r_inc']} > 0.3 {or_} {rates['r_low']} > 0.5) {and_} serious_problem)"
    best = f"({rates['r_ex']} >= 0.6 {and_} {rates['r_good']} >= 0.9)"
    fair = f"({rates['r_low']} > 0.2)"
    veto = "veto_family_planning"
    return (f"{worst} ? {q('较差')} : ({best} ? ({veto} ? {q('较好')} : {q('优秀')}) : "
            f"({fair} ? ({veto} ? {q('较差')} : {q('一般')}) : "
            f"({veto} ? {q('一般')} : {q('较好')})))")


def _plain_rate(numerator: str) -> str:
    return f"{numerator} / {_SUM}"


def _cel_rate(numerator: str) -> str:
    # CEL's int / int is integer division (6 / 10 == 0): the natural form converts to double.
    return f"double({numerator}) / double({_SUM})"


def _cel_int_rate(numerator: str) -> str:
    return f"{numerator} / {_SUM}"


def jsonlogic_rule() -> dict:
    def var(name):
        return {"var": name}

    total = {"+": [var(v) for v in VOTES]}
    low = {"+": [var("v_basic"), var("v_incompetent")]}
    good = {"+": [var("v_excellent"), var("v_competent")]}

    def rate(x):
        return {"/": [x, total]}

    veto = var("veto_family_planning")
    return {"if": [
        {"and": [{"or": [{">": [rate(var("v_incompetent")), 0.3]}, {">": [rate(low), 0.5]}]},
                 var("serious_problem")]}, "较差",
        {"and": [{">=": [rate(var("v_excellent")), 0.6]}, {">=": [rate(good), 0.9]}]},
        {"if": [veto, "较好", "优秀"]},
        {">": [rate(low), 0.2]}, {"if": [veto, "较差", "一般"]},
        {"if": [veto, "一般", "较好"]},
    ]}


def _jsonlogic_rates() -> dict:
    def var(name):
        return {"var": name}

    total = {"+": [var(v) for v in VOTES]}
    return {
        "r_ex": {"/": [var("v_excellent"), total]},
        "r_good": {"/": [{"+": [var("v_excellent"), var("v_competent")]}, total]},
        "r_low": {"/": [{"+": [var("v_basic"), var("v_incompetent")]}, total]},
        "r_inc": {"/": [var("v_incompetent"), total]},
    }


def jdm_graph() -> dict:
    """A GoRules JDM decision: input → rates (expression node) → grade table (first hit) →
    veto table (first hit) → output."""

    def node(id_, type_, name, content=None):
        out = {"id": id_, "type": type_, "name": name, "position": {"x": 0, "y": 0}}
        if content is not None:
            out["content"] = content
        return out

    def table(inputs, outputs, rows):
        ids = [f"{name}_{i}" for i, (name, _) in enumerate(inputs + outputs)]
        cols = [{"id": i, "name": n, "field": f, "type": "expression"}
                for i, (n, f) in zip(ids, inputs + outputs, strict=True)]
        rules = [{"_id": f"row{k}", **dict(zip(ids, row, strict=True))}
                 for k, row in enumerate(rows)]
        return {"hitPolicy": "first", "passThrough": True, "inputField": None,
                "outputPath": None, "executionMode": "single",
                "inputs": cols[:len(inputs)], "outputs": cols[len(inputs):], "rules": rules}

    rates = {"passThrough": True, "inputField": None, "outputPath": None,
             "executionMode": "single", "expressions": [
                 {"id": "total", "key": "total", "value": _SUM},
                 *({"id": k, "key": k, "value": f"{v} / $.total"}
                   for k, v in _RATE_NUMERATORS.items())]}
    grade = table(
        [("不称职率", "r_inc"), ("差评率", "r_low"), ("优秀率", "r_ex"), ("好评率", "r_good"),
         ("存在突出问题", "serious_problem")],
        [("等次", "base_grade")],
        [["> 0.3", "", "", "", "true", '"较差"'],
         ["", "> 0.5", "", "", "true", '"较差"'],
         ["", "", ">= 0.6", ">= 0.9", "", '"优秀"'],
         ["", "> 0.2", "", "", "", '"一般"'],
         ["", "", "", "", "", '"较好"']])
    veto = table(
        [("一票否决", "veto_family_planning"), ("等次", "base_grade")],
        [("班子等次", "grade")],
        [["true", '"优秀"', '"较好"'],
         ["true", '"较好"', '"一般"'],
         ["true", "", '"较差"'],
         ["", "", "base_grade"]])
    nodes = [node("in", "inputNode", "request"), node("rates", "expressionNode", "rates", rates),
             node("grade", "decisionTableNode", "grade", grade),
             node("veto", "decisionTableNode", "veto", veto),
             node("out", "outputNode", "response")]
    chain = ["in", "rates", "grade", "veto", "out"]
    edges = [{"id": f"e{i}", "type": "edge", "sourceId": a, "targetId": b}
             for i, (a, b) in enumerate(itertools.pairwise(chain))]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


# --------------------------------------------------------------------------------------------
# Per-record engines


@dataclass
class Engine:
    name: str
    arithmetic: str
    # build(flat_records, evalrules_records) -> a function that grades every record, in order
    build: Callable[[list, list], Callable[[], list]]
    # rates(flat_record) -> the engine's own values of the four rates, to explain a disagreement
    rates: Callable[[dict], dict] | None = None
    note: str = ""


def _loop(f, records):
    return lambda: [f(r) for r in records]


def per_record_engines(ruleset) -> tuple[list[Engine], list[str]]:
    """Every engine that can run here; the notes say which could not and why."""
    notes: list[str] = []
    engines = [
        Engine("hand-written Python (exact ints)", "int: 100·votes ≥ 60·total",
               lambda flat, _: _loop(grade_exact, flat)),
        Engine("hand-written Python (float, spreadsheet)",
               "float: 好评率 = 优秀率+称职率, 差评率 = 1−好评率",
               lambda flat, _: _loop(grade_float_spreadsheet, flat), _float_rates_spreadsheet),
        Engine("hand-written Python (float, one division per rate)", "float: votes/total",
               lambda flat, _: _loop(grade_float_direct, flat), _float_rates_direct),
    ]
    # evalrules is called as the hand-written functions are, with nothing around it; what it
    # returns (a Result, or the label) is read after the clock stops (see run_per_record).
    engines.append(Engine("hand-written Python (exact ints, nested ballot as evalrules reads it)",
                          "int: 100·votes ≥ 60·total",
                          lambda _, recs: _loop(grade_exact_nested, recs)))
    engines.append(Engine("evalrules `evaluate` (full Result)", "exact (no floats)",
                          lambda _, recs: _loop(ruleset.evaluate, recs)))
    engines.append(Engine("evalrules `evaluate_many`", "exact (no floats)",
                          lambda _, recs: lambda: list(ruleset.evaluate_many(recs))))
    engines.append(Engine(f"evalrules `function(\"{GRADE}\")`", "exact (no floats)",
                          lambda _, recs: _loop(ruleset.function(GRADE), recs)))

    try:
        import rule_engine
    except ImportError as e:
        notes.append(f"rule-engine not installed ({e}): skipped.")
    else:
        def re_build(flat, _):
            rule = rule_engine.Rule(expression(_plain_rate, "and", "or", '"'))
            return _loop(rule.evaluate, flat)

        def re_rates(r):
            return {k: rule_engine.Rule(_plain_rate(v)).evaluate(r)
                    for k, v in _RATE_NUMERATORS.items()}
        engines.append(Engine("rule-engine (`Rule.evaluate`)",
                              "decimal.Decimal (28 digits)", re_build, re_rates))
    try:
        import zen
    except ImportError as e:
        notes.append(f"zen-engine not installed ({e}): skipped.")
    else:
        def zen_expr(flat, _):
            compiled = zen.compile_expression(expression(_plain_rate, "and", "or", "'"))
            return _loop(compiled.evaluate, flat)

        def zen_rates(r):
            return {k: zen.evaluate_expression(_plain_rate(v), r)
                    for k, v in _RATE_NUMERATORS.items()}

        graph = json.dumps(jdm_graph(), ensure_ascii=False)

        def zen_jdm(flat, _):
            engine = zen.ZenEngine({"loader": lambda key: graph})
            return _loop(lambda r: engine.evaluate("peer", r)["result"]["grade"], flat)

        def zen_decision(flat, _):
            decision = zen.ZenEngine().create_decision(graph)
            return _loop(lambda r: decision.evaluate(r)["result"]["grade"], flat)

        def jdm_rates(r):
            out = zen.ZenEngine().create_decision(graph).evaluate(r)["result"]
            return {k: out[k] for k in _RATE_NUMERATORS}
        engines.append(Engine("zen-engine expression (`compile_expression`)",
                              "rust_decimal (28 digits)", zen_expr, zen_rates))
        engines.append(Engine("zen-engine JDM graph (`ZenEngine.evaluate(key, …)`, loader)",
                              "rust_decimal (28 digits)", zen_jdm, jdm_rates))
        engines.append(Engine("zen-engine JDM graph (`create_decision(…).evaluate`)",
                              "rust_decimal (28 digits)", zen_decision, jdm_rates))
    try:
        import json_logic
    except ImportError as e:
        notes.append(f"panzi-json-logic not installed ({e}): skipped.")
    else:
        def jl_build(flat, _):
            logic = jsonlogic_rule()
            return _loop(lambda r: json_logic.jsonLogic(logic, r), flat)

        def jl_rates(r):
            return {k: json_logic.jsonLogic(v, r) for k, v in _jsonlogic_rates().items()}
        engines.append(Engine("panzi-json-logic (`jsonLogic`)", "Python float",
                              jl_build, jl_rates))
    try:
        import cel
    except ImportError as e:
        notes.append(f"common-expression-language not installed ({e}): skipped.")
    else:
        def cel_build(flat, _):
            program = cel.compile(expression(_cel_rate, "&&", "||", '"'))
            return _loop(program.execute, flat)

        def cel_rates(r):
            return {k: cel.evaluate(_cel_rate(v), r) for k, v in _RATE_NUMERATORS.items()}
        engines.append(Engine("common-expression-language (CEL, `Program.execute`)",
                              "double (`double(v)/double(total)`)", cel_build, cel_rates))
    return engines, notes


def _value(x):
    """A grade from whatever evalrules hands back: a label, a Result, a mapping or a tuple."""
    if isinstance(x, str):
        return x
    if hasattr(x, "keys"):
        return x[GRADE]
    if isinstance(x, (tuple, list)) and len(x) == 1:
        return x[0]
    return x


def _spreadsheet_rates(rate: Callable[[str], str], one: str = "1") -> dict:
    """好评率 = 优秀率 + 称职率 and 差评率 = 1 − 好评率, as a spreadsheet would have it."""
    good = f"({rate('v_excellent')} + {rate('v_competent')})"
    return {"r_ex": rate("v_excellent"), "r_good": good, "r_low": f"({one} - {good})",
            "r_inc": rate("v_incompetent")}


def variant_checks(flat: list[dict], expected: list[str]) -> list[str]:
    """Other natural-looking spellings of the rule in the peers, counted but not timed."""
    out = []
    sample = min(len(flat), 20_000)
    spreadsheet = {}
    try:
        import zen

        spreadsheet["zen-engine expression"] = zen.compile_expression(
            expression(_spreadsheet_rates(_plain_rate), "and", "or", "'")).evaluate
    except ImportError:
        pass
    try:
        import rule_engine

        spreadsheet["rule-engine"] = rule_engine.Rule(
            expression(_spreadsheet_rates(_plain_rate), "and", "or", '"')).evaluate
    except ImportError:
        pass
    try:
        import cel

        spreadsheet["CEL"] = cel.compile(
            # `1 - double` is a type error in CEL (no int/double coercion): 1.0
            expression(_spreadsheet_rates(_cel_rate, "1.0"), "&&", "||", '"')).execute
    except ImportError:
        cel = None
    for name, f in spreadsheet.items():
        bad = sum(f(r) != e for r, e in zip(flat[:sample], expected, strict=False))
        out.append(f"{name} written the spreadsheet way (好评率 = 优秀率 + 称职率, 差评率 = "
                   f"1 − 好评率) disagrees on {bad:,} of the first {sample:,} records.")
    if cel is None:
        return out
    program = cel.compile(expression(_cel_int_rate, "&&", "||", '"'))
    got = [program.execute(r) for r in flat]
    bad = [i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e]
    example = ""
    if bad:
        r = flat[bad[0]]
        int_rates = [cel.evaluate(_cel_int_rate(v), r) for v in _RATE_NUMERATORS.values()]
        example = (f" E.g. votes {[r[v] for v in VOTES]}: CEL computes 优秀率, 好评率, 差评率, "
                   f"不称职率 as {int_rates} (int / int truncates: a rate is 0 unless every vote "
                   f"falls in its categories); CEL says {got[bad[0]]}, the rule "
                   f"{expected[bad[0]]}.")
    out.append(f"CEL written with plain `/` on the int vote counts (integer division) disagrees "
               f"on {len(bad):,} of {len(flat):,} records ({100 * len(bad) / len(flat):.1f}%)."
               + example)
    return out


# --------------------------------------------------------------------------------------------
# Explaining a disagreement


def _exact_rates(r: dict) -> dict[str, Fraction]:
    total = sum(r[v] for v in VOTES)
    return {"r_ex": Fraction(r["v_excellent"], total),
            "r_good": Fraction(r["v_excellent"] + r["v_competent"], total),
            "r_low": Fraction(r["v_basic"] + r["v_incompetent"], total),
            "r_inc": Fraction(r["v_incompetent"], total)}


def _on_boundary(r: dict) -> list[tuple[str, Fraction, str]]:
    exact = _exact_rates(r)
    return [(k, t, op) for k, ts in THRESHOLDS.items() for t, op in ts if exact[k] == t]


def _pct(x: Fraction) -> str:
    p = x * 100
    return f"{p.numerator}%" if p.denominator == 1 else f"{float(p):.4g}%"


def explain(engine: Engine, r: dict, got: str, want: str) -> str:
    exact = _exact_rates(r)
    lines = [f"  - Votes 优秀/称职/基本称职/不称职 = {[r[v] for v in VOTES]} "
             f"(total {sum(r[v] for v in VOTES)}), 一票否决 = {r['veto_family_planning']}, "
             f"突出问题 = {r['serious_problem']}: exact grade **{want}**, engine **{got}**."]
    mine = engine.rates(r) if engine.rates else {}
    for key, threshold, op in _on_boundary(r):
        holds = exact[key] >= threshold if op == ">=" else exact[key] > threshold
        line = (f"    - {RATE_NAMES[key]} = {exact[key]} = {_pct(threshold)} exactly, on the "
                f"threshold: `{op} {_pct(threshold)}` is {holds}")
        if key in mine:
            value = mine[key]
            t = type(value)(str(float(threshold))) if not isinstance(value, Fraction) else threshold
            engine_holds = value >= t if op == ">=" else value > t
            line += (f"; the engine computes {value!r} and `{value!r} {op} {t!r}` is "
                     f"{engine_holds}")
        lines.append(line + ".")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Timing


def median_time(run: Callable[[], object], runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


@dataclass
class Row:
    name: str
    arithmetic: str
    seconds: float | None
    n: int
    mismatches: int | None = None
    errors: int = 0
    peak_mb: float | None = None
    examples: list[str] = field(default_factory=list)


def _compare(got: list, expected: list[str], flat: list[dict] | None
             ) -> tuple[int, list[int]]:
    bad = [i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e]
    if flat is not None:  # a boundary example first
        bad.sort(key=lambda i: not _on_boundary(flat[i]))
    return len(bad), bad


def _examples(bad: list[int], flat: list[dict], most: int = 3) -> list[int]:
    """Up to ``most`` disagreeing records, each on a different set of boundaries."""
    seen, out = set(), []
    for i in bad:
        key = tuple(k for k, _, _ in _on_boundary(flat[i]))
        if key not in seen:
            seen.add(key)
            out.append(i)
            if len(out) == most:
                break
    return out


def run_per_record(n: int, runs: int) -> tuple[list[Row], list[str]]:
    import evalrules

    ruleset = evalrules.load(RULES)
    cols = data.generate(n)
    flat = data.flat_records(cols)
    recs = data.evalrules_records(cols)
    expected = [grade_exact(r) for r in flat]
    codes = data.grade_codes(cols)
    assert [GRADES[c] for c in codes.tolist()] == expected, "numpy reference disagrees"
    engines, notes = per_record_engines(ruleset)
    # Round after round, every engine once per round: a burst of load from elsewhere on the
    # machine then slows all engines alike instead of whichever happened to be running.
    runners, times, outputs = {}, {}, {}
    for engine in engines:
        try:
            runners[engine.name] = engine.build(flat, recs)
        except Exception as e:  # a peer that fails is reported, not fatal
            notes.append(f"{engine.name} failed: {type(e).__name__}: {e}")
    for round_ in range(runs):
        print(f"… round {round_ + 1} of {runs}", file=sys.stderr, flush=True)
        for name, run in list(runners.items()):
            try:
                seconds, outputs[name] = median_time(run, 1)
            except Exception as e:
                notes.append(f"{name} failed: {type(e).__name__}: {e}")
                del runners[name]
                continue
            times.setdefault(name, []).append(seconds)
    rows = []
    for engine in engines:
        if engine.name not in runners:
            continue
        got = [_value(x) for x in outputs[engine.name]]
        count, bad = _compare(got, expected, flat)
        row = Row(engine.name, engine.arithmetic, statistics.median(times[engine.name]), n, count)
        for i in _examples(bad, flat):
            row.examples.append(explain(engine, flat[i], got[i], expected[i]))
        rows.append(row)
    notes.extend(variant_checks(flat, expected))
    return rows, notes


# --------------------------------------------------------------------------------------------
# Batches, each in a child process


BATCH_ENGINES = {
    "numpy": ("numpy by hand", "int64: 100·votes ≥ 60·total"),
    "polars": ("polars by hand (expressions)", "float64: votes / total"),
    "duckdb": ("duckdb by hand (SQL over Arrow)", "DOUBLE: votes / total"),
    "evalrules": ("evalrules `evaluate_table` (pyarrow)", "exact (no floats)"),
}


def _polars_frame(cols):
    import polars as pl

    return pl.DataFrame({k: cols[k] for k in data.FLAT})


def _polars_grade(df):
    import polars as pl

    c = pl.col
    total = c("v_excellent") + c("v_competent") + c("v_basic") + c("v_incompetent")
    low = (c("v_basic") + c("v_incompetent")) / total
    worst = ((c("v_incompetent") / total > 0.3) | (low > 0.5)) & c("serious_problem")
    best = (c("v_excellent") / total >= 0.6) & ((c("v_excellent") + c("v_competent")) / total
                                                 >= 0.9)
    veto = c("veto_family_planning")
    grade = (pl.when(worst).then(pl.lit("较差"))
             .when(best & veto).then(pl.lit("较好")).when(best).then(pl.lit("优秀"))
             .when((low > 0.2) & veto).then(pl.lit("较差")).when(low > 0.2).then(pl.lit("一般"))
             .when(veto).then(pl.lit("一般")).otherwise(pl.lit("较好")))
    return df.select(grade.alias("grade"))["grade"]


_SQL = f"""
SELECT CASE
  WHEN (v_incompetent / {_SUM} > 0.3 OR (v_basic + v_incompetent) / {_SUM} > 0.5)
       AND serious_problem THEN '较差'
  WHEN v_excellent / {_SUM} >= 0.6 AND (v_excellent + v_competent) / {_SUM} >= 0.9
       THEN CASE WHEN veto_family_planning THEN '较好' ELSE '优秀' END
  WHEN (v_basic + v_incompetent) / {_SUM} > 0.2
       THEN CASE WHEN veto_family_planning THEN '较差' ELSE '一般' END
  ELSE CASE WHEN veto_family_planning THEN '一般' ELSE '较好' END
END AS grade
FROM records
"""


def _rss_kb(key: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS (Linux)
        return True
    except OSError:
        return False


def batch_child(engine: str, n: int, runs: int) -> dict:
    """Runs in a fresh process: build the engine's input, time it, measure its peak memory."""
    cols = data.generate(n)
    # Timed: the engine computes its result in its own columnar form; turning that into a
    # list of Python labels, to compare, is not timed.
    if engine == "numpy":
        timed = (lambda: data.grade_codes(cols)), (lambda out: [GRADES[c] for c in out.tolist()])
    elif engine == "polars":
        df = _polars_frame(cols)
        timed = (lambda: _polars_grade(df)), (lambda out: out.to_list())
    elif engine == "duckdb":
        import duckdb
        import pyarrow as pa

        records = pa.table({k: cols[k] for k in data.FLAT})
        con = duckdb.connect()
        con.register("records", records)
        def query():
            rel = con.sql(_SQL)
            # to_arrow_table since duckdb 1.4; fetch_arrow_table before (now deprecated)
            fetch = getattr(rel, "to_arrow_table", None) or rel.fetch_arrow_table
            return fetch()
        timed = query, (lambda out: out.column("grade").to_pylist())
    elif engine == "evalrules":
        import evalrules

        ruleset = evalrules.load(RULES)
        table = data.arrow_table(cols)
        timed = ((lambda: ruleset.evaluate_table(table, columns=[GRADE])),
                 (lambda out: out.column(GRADE).to_pylist()))
    else:
        raise SystemExit(f"unknown batch engine {engine}")
    gc.collect()
    base = _rss_kb("VmRSS")
    exact_peak = _reset_peak()
    compute, labels = timed
    seconds, out = median_time(compute, runs)
    peak = _rss_kb("VmHWM")
    got = labels(out)
    expected = [grade_exact(r) for r in data.flat_records(cols)]
    count, bad = _compare(got, expected, None)
    flat = data.flat_records(cols) if bad else []
    examples = [{"record": flat[i], "got": got[i], "want": expected[i]}
                for i in _examples(sorted(bad, key=lambda i: not _on_boundary(flat[i])), flat)]
    return {"seconds": seconds, "mismatches": count, "examples": examples,
            "peak_mb": (peak - base) / 1024 if exact_peak and peak and base else None}


def run_batches(n: int, runs: int) -> tuple[list[Row], list[str]]:
    rows, notes = [], []
    import evalrules

    if not hasattr(evalrules.load(RULES), "evaluate_table"):
        notes.append("evalrules `Ruleset.evaluate_table` does not exist yet: skipped.")
    for key, (name, arithmetic) in BATCH_ENGINES.items():
        print(f"… {name}", file=sys.stderr, flush=True)
        cmd = [sys.executable, __file__, "--child", key, "--batch-n", str(n)]
        proc = subprocess.run([*cmd, "--runs", str(runs)], capture_output=True, text=True,
                              check=False)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
            notes.append(f"{name}: skipped, it could not run here ({last}).")
            continue
        # Memory in a second child, one run: a fixed mmap threshold stops glibc from keeping
        # freed big blocks (the data generator's) resident for reuse, which would hide the
        # engine's own allocations from the peak RSS; it also slows big allocations, so the
        # timing comes from the first child.
        env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "131072",
               "MALLOC_TRIM_THRESHOLD_": "131072"}
        mem = subprocess.run([*cmd, "--runs", "1"], capture_output=True, text=True,
                             check=False, env=env)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        if mem.returncode == 0:
            result["peak_mb"] = json.loads(mem.stdout.strip().splitlines()[-1])["peak_mb"]
        row = Row(name, arithmetic, result["seconds"], n, result["mismatches"],
                  peak_mb=result["peak_mb"])
        for ex in result["examples"]:
            row.examples.append(explain(Engine(name, arithmetic, None), ex["record"],
                                        ex["got"], ex["want"]))
        rows.append(row)
    return rows, notes


# --------------------------------------------------------------------------------------------
# Report


def _rate(row: Row) -> str:
    return f"{row.n / row.seconds:,.0f}"


def _agree(row: Row) -> str:
    if row.mismatches is None:
        return "?"
    if row.mismatches == 0:
        return f"all {row.n:,}"
    return f"**{row.mismatches:,} differ** ({100 * row.mismatches / row.n:.2f}%)"


def report(per: list[Row], batch: list[Row], notes: list[str], args) -> str:
    out = []
    hand = per[0].seconds / per[0].n if per else None
    if per:
        out.append(f"### One record at a time ({per[0].n:,} records, median of {args.runs} runs)")
        out.append("")
        out.append("| engine | arithmetic | records/s | time ÷ hand-written | agrees with exact |")
        out.append("|---|---|---:|---:|---|")
        for row in per:
            ratio = (row.seconds / row.n) / hand
            out.append(f"| {row.name} | {row.arithmetic} | {_rate(row)} | {ratio:,.1f}× | "
                       f"{_agree(row)} |")
        out.append("")
    if batch:
        numpy_row = next((r for r in batch if r.name.startswith("numpy")), batch[0])
        out.append(f"### Batches ({batch[0].n:,} records, median of {args.runs} runs, "
                   "each engine in its own process)")
        out.append("")
        out.append("| engine | arithmetic | records/s | time ÷ numpy | faster than the "
                   "hand-written loop | peak memory | agrees with exact |")
        out.append("|---|---|---:|---:|---:|---:|---|")
        for row in batch:
            per_record = row.seconds / row.n
            speedup = f"{hand / per_record:,.0f}×" if hand else "–"
            mem = f"{row.peak_mb:,.0f} MB" if row.peak_mb is not None else "–"
            out.append(f"| {row.name} | {row.arithmetic} | {_rate(row)} | "
                       f"{row.seconds / numpy_row.seconds:,.1f}× | {speedup} | {mem} | "
                       f"{_agree(row)} |")
        out.append("")
        out.append("Peak memory: the rise of the process's peak RSS over its RSS once the input "
                   "is built in the engine's own form (numpy columns, a polars frame, an Arrow "
                   "table), i.e. what evaluating costs, output included.")
        out.append("")
    diffs = [r for r in per + batch if r.examples]
    if diffs:
        out.append("### Where an engine disagrees with the exact rule")
        out.append("")
        for row in diffs:
            out.append(f"- **{row.name}** ({row.arithmetic}): {row.mismatches:,} of {row.n:,} "
                       "records. Examples, at a boundary where there is one:")
            out.extend(row.examples)
        out.append("")
    if notes:
        out.append("### Notes")
        out.append("")
        out.extend(f"- {note}" for note in notes)
        out.append("")
    return "\n".join(out)


def machine() -> str:
    return (f"{date.today().isoformat()}, {platform.node() or 'host'}: nproc {os.cpu_count()}, "
            f"{platform.processor() or platform.machine()}, Python {platform.python_version()} "
            f"({platform.python_implementation()}), {platform.system()} {platform.release()}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="2,000 records, 20,000 in batches")
    p.add_argument("--n", type=int, default=100_000, help="records one at a time")
    p.add_argument("--batch-n", type=int, default=1_000_000, help="records in batches")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--no-batch", action="store_true", help="only records one at a time")
    p.add_argument("--no-records", action="store_true", help="only the batches")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(batch_child(args.child, args.batch_n, args.runs)))
        return
    if args.quick:
        args.n, args.batch_n = 2_000, 20_000
    per, notes = ([], []) if args.no_records else run_per_record(args.n, args.runs)
    batch: list[Row] = []
    if not args.no_batch:
        batch, batch_notes = run_batches(args.batch_n, args.runs)
        notes += batch_notes
    print(f"Benchmark rule: /work/shared/bench/peer-rule.md; ruleset {RULES.name}; "
          f"data: benchmarks/data.py seed {data.SEED}.")
    print(f"Machine: {machine()}.")
    print()
    print(report(per, batch, notes, args))


if __name__ == "__main__":
    main()
