"""What evalrules' own machinery costs, against the same rules written by hand.

    python benchmarks/overhead.py                         # 100,000 records, 10^6 rows, 5 rounds
    python benchmarks/overhead.py --records 20000 --rows 200000 --repeat 3   # a quick run
    python benchmarks/overhead.py --only per-record       # or --only batch

Two rulesets: the peer benchmark's rule (``benchmarks/peer_rule.rules``, data from
``benchmarks/data.py``: half random ballots, half on a threshold) and
``rulesets/fanwen9/team-city.rules`` (seeded as ``benchmarks/batch.py``'s ``make_table`` does,
seed 7: 0..40 votes per category and never an empty ballot, labels uniform, every bool True with
probability 0.2). Each is also written here by hand, exactly (integer cross-multiplication, never a
float): the grade table (team-city: policy ``worst``, ``most:`` = strictly more than half), the
veto (one level down, 较差 stays 较差) and team-city's two outcomes.

One record at a time (``--records``, evalrules' record shape: a ballot is one mapping category →
votes), the contestants are: the hand-written function with the validation evalrules does (the
record and each ballot a dict, vote counts int ≥ 0, labels from their set, bools bool, optional
bools absent or None → False, required fields present, no unknown field or category, no empty
ballot), the same without validation (for reference), ``Ruleset.function("班子等次")``,
``Ruleset.evaluate`` with its Results discarded (``for r in records: evaluate(r)``) and
``Ruleset.evaluate`` with every Result kept in a list, as a caller keeps them (the other contestants
return a label and keep it the same way). The garbage collector stays on; it runs untimed between
runs, and no run's output outlives it. The validated functions refuse what evalrules refuses; they
do not take evalrules' slow path, which coerces some values ("3", 3.0, a label with spaces) before
refusing the rest: the records here are all plain, so evalrules never takes it either.

In batches (``--rows``, a pyarrow Table with ``BALLOT.CATEGORY`` int64 columns, string labels and
bools), wall time end to end, table in, table out, of: every result value computed by hand with
numpy int64 (each share as two int64 columns, numerator and denominator, unreduced: the cheapest
exact form; the grade as a string column; each veto and outcome as a bool column; labels read with
``pyarrow.compute.index_in``, which also rejects unknown ones), ``evaluate_table(table,
columns=["班子等次"])`` and ``evaluate_table(table)`` (every column).

Columns: records/s from the median time; spread = ± half the range of the rounds' times, in % of
the median; "in GC" (per record) = the median share of a run spent in the cyclic garbage collector
(timed with ``gc.callbacks``); "CPU seconds" (batches) = this process's CPU time, all threads,
beside the wall time the ratios use (``evaluate_table`` may build its columns in threads; the
hand-written numpy uses one). Before timing, every contestant has run on every record or row once
(the agreement checks below), so first-use costs (generated code, imports, thread pools) are paid.

Timing: median of ``--repeat`` rounds; in each round every contestant of both rulesets runs once,
in an order rotated from round to round, so that a burst of load elsewhere on this shared machine
slows all of them alike. Before any timing, every contestant's grade is compared with
``Ruleset.function("班子等次")`` on every record, and in batches with the grade column of
``evaluate_table`` on every row (only that column: whatever exact Arrow type a version of evalrules
gives its numbers); the hand-written batch values (shares, vetoes, outcomes) are compared with
``Ruleset.evaluate`` on the first rows. A disagreement fails an assertion that shows an example.
Speed is reported, never asserted. Ratios are times: "2.0×" takes twice as long. The issue's
targets: ``evaluate`` with Results kept ≤ 2× of ``function()``; ``evaluate_table`` with every
column ≤ 3× of the hand-written numpy.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path

import data
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GRADE = "班子等次"
GRADES = ("优秀", "较好", "一般", "较差")  # best first, in both rulesets
GRADE_ARRAY = pa.array(GRADES, type=pa.string())
CHECK_ROWS = 1000  # batch values other than the grade are checked on this many rows


class BadRecord(ValueError):
    """What the validated hand-written functions raise for a record evalrules would refuse."""


# --------------------------------------------------------------------------------------------
# The peer rule (benchmarks/peer_rule.rules), by hand

PEER_RULES = HERE / "peer_rule.rules"
PEER_BALLOT, PEER_VETO, PEER_SERIOUS = data.BALLOT, data.VETO, data.SERIOUS
PEER_CATEGORIES = data.CATEGORIES  # 优秀, 称职, 基本称职, 不称职
PEER_SHARES = {"优秀率": (0,), "好评率": (0, 1), "差评率": (2, 3), "不称职率": (3,)}
PEER_VETOES = ("计生综治",)


def peer_plain(r: dict) -> str:
    """The peer rule on evalrules' record shape, nothing validated."""
    ballot = r["测评"]
    ex, comp, basic, inc = ballot["优秀"], ballot["称职"], ballot["基本称职"], ballot["不称职"]
    total = ex + comp + basic + inc
    low = basic + inc
    if (10 * inc > 3 * total or 2 * low > total) and r["存在突出问题"]:
        grade = 3
    elif 5 * ex >= 3 * total and 10 * (ex + comp) >= 9 * total:
        grade = 0
    elif 5 * low > total:
        grade = 2
    else:
        grade = 1
    if r["计生综治一票否决"] and grade < 3:
        grade += 1
    return GRADES[grade]


def peer_validated(r: dict) -> str:
    """peer_plain after the checks evalrules makes of every record."""
    try:
        ballot = r["测评"]
        veto = r["计生综治一票否决"]
        serious = r["存在突出问题"]
        ex, comp, basic, inc = ballot["优秀"], ballot["称职"], ballot["基本称职"], ballot["不称职"]
    except (KeyError, TypeError):
        raise BadRecord("a required field or ballot category is missing") from None
    if type(r) is not dict or len(r) != 3:
        raise BadRecord("not a dict, or an unknown field")
    if type(ballot) is not dict or len(ballot) != 4:
        raise BadRecord("测评: not a dict, or an unknown category")
    if not (type(ex) is int and type(comp) is int and type(basic) is int and type(inc) is int):
        raise BadRecord("测评: a vote count is not an int")
    if ex < 0 or comp < 0 or basic < 0 or inc < 0:
        raise BadRecord("测评: a negative vote count")
    if type(veto) is not bool or type(serious) is not bool:
        raise BadRecord("a flag is not a bool")
    total = ex + comp + basic + inc
    if not total:
        raise BadRecord("测评: no votes")
    low = basic + inc
    if (10 * inc > 3 * total or 2 * low > total) and serious:
        grade = 3
    elif 5 * ex >= 3 * total and 10 * (ex + comp) >= 9 * total:
        grade = 0
    elif 5 * low > total:
        grade = 2
    else:
        grade = 1
    if veto and grade < 3:
        grade += 1
    return GRADES[grade]


def _counts(table: pa.Table, ballot: str, categories: tuple[str, ...]) -> list[np.ndarray]:
    out = []
    for c in categories:
        col = table.column(f"{ballot}.{c}")
        if col.null_count:
            raise BadRecord(f"{ballot}.{c}: a missing vote count")
        out.append(col.to_numpy())
    if min(int(x.min()) for x in out) < 0:
        raise BadRecord(f"{ballot}: a negative vote count")
    return out


def _flag(table: pa.Table, name: str, default: bool | None = None) -> np.ndarray:
    col = table.column(name)
    if col.null_count:
        if default is None:
            raise BadRecord(f"{name}: a missing value")
        col = pc.fill_null(col, default)
    return col.to_numpy()


def _codes(table: pa.Table, name: str, labels: tuple[str, ...]) -> np.ndarray:
    """Each row's label as its index in ``labels`` (null: missing or not a label)."""
    codes = pc.index_in(table.column(name), value_set=pa.array(labels, type=pa.string()))
    if codes.null_count:
        raise BadRecord(f"{name}: a missing or unknown label")
    return codes.to_numpy()


def _share_columns(shares: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, pa.Array]:
    out = {}
    for name, (numerator, denominator) in shares.items():
        out[f"{name}.numerator"] = pa.array(numerator)
        out[f"{name}.denominator"] = pa.array(denominator)
    return out


def peer_numpy(table: pa.Table) -> pa.Table:
    """Every value of the peer rule, column-wise in int64."""
    ex, comp, basic, inc = _counts(table, PEER_BALLOT, PEER_CATEGORIES)
    veto, serious = _flag(table, PEER_VETO), _flag(table, PEER_SERIOUS)
    total = ex + comp + basic + inc
    if not total.all():
        raise BadRecord("测评: no votes")
    good, low = ex + comp, basic + inc
    worst = ((10 * inc > 3 * total) | (2 * low > total)) & serious
    best = (5 * ex >= 3 * total) & (10 * good >= 9 * total)
    code = np.where(worst, 3, np.where(best, 0, np.where(5 * low > total, 2, 1)))
    code = np.minimum(code + veto, 3)
    columns = _share_columns({"优秀率": (ex, total), "好评率": (good, total),
                              "差评率": (low, total), "不称职率": (inc, total)})
    columns[GRADE] = GRADE_ARRAY.take(pa.array(code))
    columns["计生综治"] = pa.array(veto)
    return pa.table(columns)


def peer_data(n: int) -> tuple[dict[str, np.ndarray], list[str]]:
    """Columns named as evalrules' table columns, and the grade labels they should get."""
    cols = data.generate(n)
    expected = [GRADES[c] for c in data.grade_codes(cols).tolist()]
    return data.table_columns(cols), expected


def peer_records(cols: dict[str, np.ndarray]) -> list[dict]:
    lists = [cols[name].tolist() for name in data.TABLE_COLUMNS]
    return [{PEER_BALLOT: dict(zip(PEER_CATEGORIES, (e, c, b, i), strict=True)),
             PEER_VETO: v, PEER_SERIOUS: s}
            for e, c, b, i, v, s in zip(*lists, strict=True)]


# --------------------------------------------------------------------------------------------
# rulesets/fanwen9/team-city.rules, by hand

TEAM_RULES = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
TEAM_BALLOTS = {"班子测评": ("优秀", "较好", "一般", "较差"),
                "正职测评": ("优秀", "称职", "基本称职", "不称职")}
GOALS = ("好", "较好", "一般", "差距较大")  # 考核目标完成 (较好: the ruleset's middle level)
STATES = ("团结协调", "较好", "存在问题", "不团结")  # 班子状况
TEAM_CATEGORY_INPUTS = {"考核目标完成": GOALS, "班子状况": STATES}
TEAM_BOOLS = ("干部精神状态好", "存在突出问题", "较大失误造成严重后果", "计生综治目标完成差")
TEAM_OPTIONAL = frozenset(TEAM_BOOLS[1:])  # bool default false
TEAM_VETOES = ("人口计生综治",)
TEAM_OUTCOMES = ("物质奖励", "集体谈话限期改进")
GOAL_SET, STATE_SET = frozenset(GOALS), frozenset(STATES)
_ABSENT = object()


def team_plain(r: dict) -> str:
    """team-city's grade on evalrules' record shape, nothing validated."""
    b, z = r["班子测评"], r["正职测评"]
    b0, b1, b2, b3 = b["优秀"], b["较好"], b["一般"], b["较差"]
    z0, z1 = z["优秀"], z["称职"]
    goal, state = r["考核目标完成"], r["班子状况"]
    t6 = b0 + b1 + b2 + b3
    t12 = z0 + z1 + z["基本称职"] + z["不称职"]
    low = b2 + b3
    # (worst): 较差 if any of its conditions, else 一般 if most, else 优秀 if all, else 较好
    if (goal == "差距较大" or state == "不团结"
            or ((10 * b3 >= 3 * t6 or 2 * low >= t6) and r.get("存在突出问题", False))
            or r.get("较大失误造成严重后果", False)):
        grade = 3
    elif 2 * ((goal == "一般") + (state == "存在问题") + (10 * low >= 3 * t6)) > 3:
        grade = 2
    elif (goal == "好" and state == "团结协调" and r["干部精神状态好"]
          and 10 * (b0 + b1) >= 9 * t6 and 5 * b0 >= 3 * t6
          and 10 * (z0 + z1) >= 9 * t12 and 5 * z0 >= 3 * t12):
        grade = 0
    else:
        grade = 1
    if r.get("计生综治目标完成差", False) and grade < 3:
        grade += 1
    return GRADES[grade]


def team_validated(r: dict) -> str:
    """team_plain after the checks evalrules makes of every record."""
    if type(r) is not dict:
        raise BadRecord("not a dict")
    try:
        b, z = r["班子测评"], r["正职测评"]
        b0, b1, b2, b3 = b["优秀"], b["较好"], b["一般"], b["较差"]
        z0, z1, z2, z3 = z["优秀"], z["称职"], z["基本称职"], z["不称职"]
        goal, state, spirit = r["考核目标完成"], r["班子状况"], r["干部精神状态好"]
    except (KeyError, TypeError):
        raise BadRecord("a required field or ballot category is missing") from None
    known = 5  # the required fields, then each optional bool that is there (None: its default)
    serious = r.get("存在突出问题", _ABSENT)
    if serious is _ABSENT:
        serious = False
    else:
        known += 1
        if serious is None:
            serious = False
        elif type(serious) is not bool:
            raise BadRecord("存在突出问题: not a bool")
    blunder = r.get("较大失误造成严重后果", _ABSENT)
    if blunder is _ABSENT:
        blunder = False
    else:
        known += 1
        if blunder is None:
            blunder = False
        elif type(blunder) is not bool:
            raise BadRecord("较大失误造成严重后果: not a bool")
    veto = r.get("计生综治目标完成差", _ABSENT)
    if veto is _ABSENT:
        veto = False
    else:
        known += 1
        if veto is None:
            veto = False
        elif type(veto) is not bool:
            raise BadRecord("计生综治目标完成差: not a bool")
    if len(r) != known:
        raise BadRecord("an unknown field")
    if type(b) is not dict or len(b) != 4 or type(z) is not dict or len(z) != 4:
        raise BadRecord("a ballot is not a dict, or has an unknown category")
    if not (type(b0) is int and type(b1) is int and type(b2) is int and type(b3) is int
            and type(z0) is int and type(z1) is int and type(z2) is int and type(z3) is int):
        raise BadRecord("a vote count is not an int")
    if b0 < 0 or b1 < 0 or b2 < 0 or b3 < 0 or z0 < 0 or z1 < 0 or z2 < 0 or z3 < 0:
        raise BadRecord("a negative vote count")
    if type(goal) is not str or goal not in GOAL_SET:
        raise BadRecord("考核目标完成: not one of its labels")
    if type(state) is not str or state not in STATE_SET:
        raise BadRecord("班子状况: not one of its labels")
    if type(spirit) is not bool:
        raise BadRecord("干部精神状态好: not a bool")
    t6 = b0 + b1 + b2 + b3
    t12 = z0 + z1 + z2 + z3
    if not t6 or not t12:
        raise BadRecord("a ballot without votes")
    low = b2 + b3
    if (goal == "差距较大" or state == "不团结"
            or ((10 * b3 >= 3 * t6 or 2 * low >= t6) and serious) or blunder):
        grade = 3
    elif 2 * ((goal == "一般") + (state == "存在问题") + (10 * low >= 3 * t6)) > 3:
        grade = 2
    elif (goal == "好" and state == "团结协调" and spirit
          and 10 * (b0 + b1) >= 9 * t6 and 5 * b0 >= 3 * t6
          and 10 * (z0 + z1) >= 9 * t12 and 5 * z0 >= 3 * t12):
        grade = 0
    else:
        grade = 1
    if veto and grade < 3:
        grade += 1
    return GRADES[grade]


def team_numpy(table: pa.Table) -> pa.Table:
    """Every value of team-city, column-wise in int64."""
    b0, b1, b2, b3 = _counts(table, "班子测评", TEAM_BALLOTS["班子测评"])
    z0, z1, z2, z3 = _counts(table, "正职测评", TEAM_BALLOTS["正职测评"])
    goal = _codes(table, "考核目标完成", GOALS)
    state = _codes(table, "班子状况", STATES)
    spirit = _flag(table, "干部精神状态好")
    serious = _flag(table, "存在突出问题", False)
    blunder = _flag(table, "较大失误造成严重后果", False)
    veto = _flag(table, "计生综治目标完成差", False)
    t6 = b0 + b1 + b2 + b3
    t12 = z0 + z1 + z2 + z3
    if not (t6.all() and t12.all()):
        raise BadRecord("a ballot without votes")
    good, low, zgood = b0 + b1, b2 + b3, z0 + z1
    poor = ((goal == 3) | (state == 3) | (((10 * b3 >= 3 * t6) | (2 * low >= t6)) & serious)
            | blunder)
    fair = ((goal == 2).astype(np.int8) + (state == 2) + (10 * low >= 3 * t6)) >= 2
    excellent = ((goal == 0) & (state == 0) & spirit & (10 * good >= 9 * t6) & (5 * b0 >= 3 * t6)
                 & (10 * zgood >= 9 * t12) & (5 * z0 >= 3 * t12))
    code = np.where(poor, 3, np.where(fair, 2, np.where(excellent, 0, 1)))
    code = np.minimum(code + veto, 3)
    columns = _share_columns({"班子优秀率": (b0, t6), "班子好评率": (good, t6),
                              "班子较差率": (b3, t6), "班子差评率": (low, t6),
                              "正职优秀率": (z0, t12), "正职称职以上率": (zgood, t12)})
    columns[GRADE] = GRADE_ARRAY.take(pa.array(code))
    columns["人口计生综治"] = pa.array(veto)
    columns["物质奖励"] = pa.array(code <= 1)  # 班子等次 >= 较好
    columns["集体谈话限期改进"] = pa.array(code >= 2)  # 班子等次 <= 一般
    return pa.table(columns)


def team_data(n: int, seed: int = 7) -> tuple[dict[str, np.ndarray], None]:
    """batch.py's make_table, same draws in the same order (without its id column): vote counts
    0..40 (an empty ballot gets one 优秀 vote), labels uniform (as codes here), bools 20% True."""
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    for ballot, categories in TEAM_BALLOTS.items():
        counts = rng.integers(0, 41, size=(n, len(categories)), dtype=np.int64)
        counts[counts.sum(axis=1) == 0, 0] = 1
        for j, c in enumerate(categories):
            cols[f"{ballot}.{c}"] = np.ascontiguousarray(counts[:, j])
    for name, labels in TEAM_CATEGORY_INPUTS.items():
        cols[name] = rng.integers(0, len(labels), n)
    for name in TEAM_BOOLS:
        cols[name] = rng.random(n) < 0.2
    return cols, None


def team_records(cols: dict[str, np.ndarray]) -> list[dict]:
    b = [cols[f"班子测评.{c}"].tolist() for c in TEAM_BALLOTS["班子测评"]]
    z = [cols[f"正职测评.{c}"].tolist() for c in TEAM_BALLOTS["正职测评"]]
    goal = [GOALS[i] for i in cols["考核目标完成"].tolist()]
    state = [STATES[i] for i in cols["班子状况"].tolist()]
    flags = [cols[name].tolist() for name in TEAM_BOOLS]
    out = []
    for row in zip(*b, *z, goal, state, *flags, strict=True):
        out.append({"班子测评": dict(zip(TEAM_BALLOTS["班子测评"], row[0:4], strict=True)),
                    "正职测评": dict(zip(TEAM_BALLOTS["正职测评"], row[4:8], strict=True)),
                    "考核目标完成": row[8], "班子状况": row[9],
                    **dict(zip(TEAM_BOOLS, row[10:], strict=True))})
    return out


def team_table(cols: dict[str, np.ndarray]) -> pa.Table:
    out = {}
    for name, values in cols.items():
        labels = TEAM_CATEGORY_INPUTS.get(name)
        out[name] = (pa.array(values) if labels is None
                     else pa.array(labels, type=pa.string()).take(pa.array(values)))
    return pa.table(out)


# --------------------------------------------------------------------------------------------
# The two rulesets as the benchmark sees them


@dataclass
class Bench:
    label: str
    rules: Path
    data: Callable[[int], tuple[dict[str, np.ndarray], list[str] | None]]
    records: Callable[[dict[str, np.ndarray]], list[dict]]
    table: Callable[[dict[str, np.ndarray]], pa.Table]
    validated: Callable[[dict], str]
    plain: Callable[[dict], str]
    numpy: Callable[[pa.Table], pa.Table]
    shares: tuple[str, ...]
    vetoes: tuple[str, ...]
    outcomes: tuple[str, ...] = ()


BENCHES = (
    Bench("peer rule", PEER_RULES, peer_data, peer_records, lambda cols: pa.table(cols),
          peer_validated, peer_plain, peer_numpy, tuple(PEER_SHARES), PEER_VETOES),
    Bench("team-city", TEAM_RULES, team_data, team_records, team_table, team_validated,
          team_plain, team_numpy,
          ("班子优秀率", "班子好评率", "班子较差率", "班子差评率", "正职优秀率", "正职称职以上率"),
          TEAM_VETOES, TEAM_OUTCOMES),
)


def _check_shape(bench: Bench, ruleset) -> None:
    """The hand-written rules assume the ruleset's inputs, grades, vetoes and outcomes."""
    inputs = {name: tuple(f.labels) for name, f in ruleset.inputs.items()}
    if bench.rules == TEAM_RULES:
        want = {**TEAM_BALLOTS, **TEAM_CATEGORY_INPUTS, **dict.fromkeys(TEAM_BOOLS, ())}
    else:
        want = {PEER_BALLOT: PEER_CATEGORIES, PEER_VETO: (), PEER_SERIOUS: ()}
    assert inputs == want, (bench.label, inputs)
    assert tuple(ruleset.grades[GRADE]) == GRADES, ruleset.grades
    assert tuple(ruleset.vetoes) == bench.vetoes, ruleset.vetoes
    assert tuple(ruleset.outcomes) == bench.outcomes, ruleset.outcomes


# --------------------------------------------------------------------------------------------
# Timing


@dataclass
class Contestant:
    bench: str
    name: str
    run: Callable[[], object]
    times: list[float] = field(default_factory=list)  # wall seconds, one per round
    cpu: list[float] = field(default_factory=list)  # this process's CPU seconds (all threads)
    in_gc: list[float] = field(default_factory=list)  # seconds inside the garbage collector
    full: list[int] = field(default_factory=list)  # full (generation 2) collections


def _kept(f: Callable, items: list) -> Callable[[], list]:
    return lambda: [f(x) for x in items]


def _discarded(f: Callable, items: list) -> Callable[[], None]:
    def run() -> None:
        for x in items:
            f(x)
    return run


class _GCClock:
    """Seconds spent in garbage collections, and how many were full ones (gc.callbacks: a call
    as a collection starts, one as it stops)."""

    def __init__(self) -> None:
        self.total, self.full, self._start = 0.0, 0, 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._start
            self.full += info["generation"] == 2


def round_robin(contestants: list[Contestant], rounds: int, what: str) -> None:
    """Every contestant once per round, the order rotated by one each round."""
    clock = _GCClock()
    gc.callbacks.append(clock)
    try:
        for round_ in range(rounds):
            print(f"… {what}: round {round_ + 1} of {rounds}", file=sys.stderr, flush=True)
            k = round_ % len(contestants)
            for c in contestants[k:] + contestants[:k]:
                gc.collect()
                clock.total, clock.full = 0.0, 0
                cpu, start = time.process_time(), time.perf_counter()
                out = c.run()
                c.times.append(time.perf_counter() - start)
                c.cpu.append(time.process_time() - cpu)
                c.in_gc.append(clock.total)
                c.full.append(clock.full)
                del out
    finally:
        gc.callbacks.remove(clock)


def _rate(n: int, seconds: float) -> str:
    r = n / seconds
    return f"{r / 1e6:.2f} M" if r >= 1e6 else f"{r / 1e3:.0f} k"


def _spread(times: list[float]) -> str:
    return f"±{50 * (max(times) - min(times)) / statistics.median(times):.0f} %"


def _share(part: list[float], whole: list[float]) -> str:
    return f"{100 * statistics.median(p / w for p, w in zip(part, whole, strict=True)):.0f} %"


def _full(counts: list[int]) -> str:
    low, high = min(counts), max(counts)
    if not high:
        return ""
    return f" ({low if low == high else f'{low}–{high}'} full)"


def _mismatch(what: str, items: list, got: list, want: list, show: Callable) -> None:
    bad = [i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
    if bad:
        i = bad[0]
        raise AssertionError(f"{what}: {len(bad):,} of {len(want):,} disagree; the first, "
                             f"#{i}: got {got[i]!r}, evalrules {want[i]!r}, input "
                             f"{show(items, i)}")


# --------------------------------------------------------------------------------------------
# One record at a time


def per_record(n: int, rounds: int) -> str:
    import evalrules

    contestants: list[Contestant] = []
    notes = []
    for bench in BENCHES:
        ruleset = evalrules.load(bench.rules)
        _check_shape(bench, ruleset)
        cols, reference = bench.data(n)
        records = bench.records(cols)
        function = ruleset.function(GRADE)
        want = [function(r) for r in records]  # also builds the generated programs
        if reference is not None:
            _mismatch(f"{bench.label}: benchmarks/data.py's grade_codes", records, reference,
                      want, lambda items, i: items[i])
        hand = {"hand-written, validated": bench.validated,
                "hand-written, not validated": bench.plain}
        for name, f in hand.items():
            _mismatch(f"{bench.label}: {name}", records, [f(r) for r in records], want,
                      lambda items, i: items[i])
        _mismatch(f"{bench.label}: evaluate", records,
                  [ruleset.evaluate(r)[GRADE] for r in records], want, lambda items, i: items[i])
        counts = {g: want.count(g) for g in GRADES}
        notes.append(f"{bench.label}: {n:,} records; 班子等次 " +
                     ", ".join(f"{g} {c:,}" for g, c in counts.items()) +
                     "; every contestant agrees with `function()` on every record.")
        del want
        runs = {**{name: _kept(f, records) for name, f in hand.items()},
                '`function("班子等次")`': _kept(function, records),
                "`evaluate`, Results discarded": _discarded(ruleset.evaluate, records),
                "`evaluate`, Results kept in a list": _kept(ruleset.evaluate, records)}
        contestants += [Contestant(bench.label, name, run) for name, run in runs.items()]
    assert gc.isenabled()
    round_robin(contestants, rounds, "per record")

    lines = ["| ruleset | contestant | records/s | spread | in GC | ÷ validated hand-written | "
             "÷ `function()` | target |", "|---|---|---:|---:|---:|---:|---:|---|"]
    for bench in BENCHES:
        mine = {c.name: statistics.median(c.times) for c in contestants if c.bench == bench.label}
        base, fn = mine["hand-written, validated"], mine['`function("班子等次")`']
        for c in (c for c in contestants if c.bench == bench.label):
            t = mine[c.name]
            target = ""
            if c.name.endswith("kept in a list"):
                target = f"≤ 2.0× `function()`: {'met' if t / fn <= 2.0 else 'not met'}"
            over_fn = f"{t / fn:.2f}×" if c.name.startswith("`") else ""
            lines.append(f"| {bench.label} | {c.name} | {_rate(n, t)} | {_spread(c.times)} | "
                         f"{_share(c.in_gc, c.times)}{_full(c.full)} | {t / base:.2f}× | "
                         f"{over_fn} | {target} |")
    notes.append("spread: ± half the range of the rounds' times, in % of the median; in GC: "
                 "the median share of a run inside the garbage collector; (n full): full "
                 "collections per run, which scan every tracked object of the process, so their "
                 "cost grows with the heap, records included.")
    return "\n".join(lines + [""] + [f"- {note}" for note in notes])


# --------------------------------------------------------------------------------------------
# Batches


def _check_values(bench: Bench, ruleset, cols: dict[str, np.ndarray], hand: pa.Table) -> None:
    """The hand-written shares, vetoes and outcomes against evaluate's Results (first rows)."""
    head = {k: v[:CHECK_ROWS] for k, v in cols.items()}
    for i, record in enumerate(bench.records(head)):
        result = ruleset.evaluate(record)
        row = {name: hand.column(name)[i].as_py() for name in hand.column_names}
        got = {name: Fraction(row[f"{name}.numerator"], row[f"{name}.denominator"])
               for name in bench.shares}
        got[GRADE] = row[GRADE]
        got["vetoes"] = tuple(v for v in bench.vetoes if row[v])
        got["outcomes"] = tuple(o for o in bench.outcomes if row[o])
        want = {name: Fraction(result[name]) for name in bench.shares}
        want[GRADE] = result[GRADE]
        want["vetoes"], want["outcomes"] = tuple(result.vetoes), tuple(result.outcomes)
        if got != want:
            raise AssertionError(f"{bench.label}: hand-written numpy row {i}: {got} but "
                                 f"evaluate says {want} for {record}")


def batches(rows: int, rounds: int) -> str:
    import evalrules

    contestants: list[Contestant] = []
    notes = []
    for bench in BENCHES:
        ruleset = evalrules.load(bench.rules)
        _check_shape(bench, ruleset)
        cols, _ = bench.data(rows)
        table = bench.table(cols)
        hand = bench.numpy(table)
        _check_values(bench, ruleset, cols, hand)
        want = ruleset.evaluate_table(table).column(GRADE).to_pylist()
        only = ruleset.evaluate_table(table, columns=[GRADE]).column(GRADE).to_pylist()
        got = hand.column(GRADE).to_pylist()
        _mismatch(f"{bench.label}: evaluate_table(columns=[班子等次])", table, only, want,
                  lambda t, i: t.slice(i, 1).to_pylist()[0])
        _mismatch(f"{bench.label}: hand-written numpy", table, got, want,
                  lambda t, i: t.slice(i, 1).to_pylist()[0])
        out = ruleset.evaluate_table(table.slice(0, 1000))
        notes.append(f"{bench.label}: {rows:,} rows; the hand-written numpy grade agrees with "
                     f"`evaluate_table`'s on every row (its other values with `evaluate` on the "
                     f"first {CHECK_ROWS:,}); `evaluate_table`'s columns: " +
                     ", ".join(f"{f.name} {f.type}" for f in out.schema) + ".")
        del want, only, got, hand, out
        runs = {"hand-written numpy (int64), every value": lambda b=bench, t=table: b.numpy(t),
                '`evaluate_table(columns=["班子等次"])`':
                    lambda r=ruleset, t=table: r.evaluate_table(t, columns=[GRADE]),
                "`evaluate_table`, every column": lambda r=ruleset, t=table: r.evaluate_table(t)}
        contestants += [Contestant(bench.label, name, run) for name, run in runs.items()]
    round_robin(contestants, rounds, "batches")
    notes.append("seconds: wall time, median of the rounds (the ratios use it); CPU seconds: "
                 "this process's, all threads, median; spread: ± half the range of the rounds' "
                 "times, in % of the median.")

    lines = ["| ruleset | contestant | seconds | CPU seconds | records/s | spread | "
             "÷ hand-written numpy | target |", "|---|---|---:|---:|---:|---:|---:|---|"]
    for bench in BENCHES:
        mine = [c for c in contestants if c.bench == bench.label]
        base = statistics.median(mine[0].times)
        for c in mine:
            t = statistics.median(c.times)
            target = ""
            if c.name.endswith("every column"):
                target = f"≤ 3.0×: {'met' if t / base <= 3.0 else 'not met'}"
            lines.append(f"| {bench.label} | {c.name} | {t:.3f} | "
                         f"{statistics.median(c.cpu):.3f} | {_rate(rows, t)} | "
                         f"{_spread(c.times)} | {t / base:.2f}× | {target} |")
    return "\n".join(lines + [""] + [f"- {note}" for note in notes])


# --------------------------------------------------------------------------------------------


def header() -> str:
    import evalrules

    where = Path(evalrules.__file__).resolve().parent
    return (f"{date.today().isoformat()}, {platform.node() or 'host'} ({platform.machine()}, "
            f"{os.cpu_count()} CPUs): Python {platform.python_version()} "
            f"({platform.python_implementation()}), numpy {np.__version__}, pyarrow "
            f"{pa.__version__}, evalrules from `{where}`")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000,
                        help="records evaluated one at a time (default 100,000)")
    parser.add_argument("--rows", type=int, default=1_000_000,
                        help="rows of each batch table (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds; the median is reported")
    parser.add_argument("--only", choices=("per-record", "batch"), default=None)
    args = parser.parse_args(argv)
    if min(args.records, args.rows, args.repeat) < 1:
        parser.error("--records, --rows and --repeat must be at least 1")
    print(f"# evalrules overhead\n\n{header()}\n")
    if args.only in (None, "per-record"):
        print(f"## One record at a time ({args.records:,} records, median of {args.repeat} "
              f"rounds)\n")
        print(per_record(args.records, args.repeat), end="\n\n", flush=True)
    if args.only in (None, "batch"):
        print(f"## Batches, pyarrow ({args.rows:,} rows, median of {args.repeat} rounds)\n")
        print(batches(args.rows, args.repeat), flush=True)


if __name__ == "__main__":
    main()
