"""Deterministic records for the peer benchmark (/work/shared/bench/peer-rule.md).

    from benchmarks.data import generate
    cols = generate(100_000)            # numpy int64 / bool columns, same for a given n and seed
    flat = flat_records(cols)           # the peers' dicts: v_excellent, ..., serious_problem
    recs = evalrules_records(cols)      # {"测评": {"优秀": ...}, "计生综治一票否决": ..., ...}
    table = arrow_table(cols)           # "测评.优秀", ... columns for Ruleset.evaluate_table

Half of the records are random ballots (a Dirichlet mix, so every grade occurs), half are built
on a boundary of the rule: a share exactly at 20%, 30%, 50%, 60% or 90%, or one vote either
side of it. Totals are between 5 and 200. ``coverage`` counts what occurred; ``generate`` checks
that every grade and every boundary is there.

Run it to see the coverage: ``python benchmarks/data.py [N]``.
"""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np

SEED = 20240601
LOW_TOTAL, HIGH_TOTAL = 5, 200
GRADES = ("优秀", "较好", "一般", "较差")  # best first
FLAT = ("v_excellent", "v_competent", "v_basic", "v_incompetent",
        "veto_family_planning", "serious_problem")
CATEGORIES = ("优秀", "称职", "基本称职", "不称职")
BALLOT = "测评"
VETO, SERIOUS = "计生综治一票否决", "存在突出问题"
TABLE_COLUMNS = (*(f"{BALLOT}.{c}" for c in CATEGORIES), VETO, SERIOUS)

# The shares that sit exactly on a threshold of the rule, by name.
BOUNDARIES = ("优秀率=60%", "好评率=90%", "差评率=20%", "不称职率=30%", "差评率=50%")


def _split(rng: np.random.Generator, amount: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cut each amount into two non-negative integer parts, uniformly."""
    first = rng.integers(0, amount + 1)
    return first, amount - first


def _random_part(rng: np.random.Generator, n: int) -> np.ndarray:
    totals = rng.integers(LOW_TOTAL, HIGH_TOTAL + 1, n)
    # Concentrations drawn per record: some ballots lean to 优秀, some are spread out.
    alpha = rng.choice(np.array([[8.0, 1.5, 0.5, 0.3], [3.0, 3.0, 2.0, 1.0],
                                 [1.0, 1.0, 1.0, 1.0], [0.5, 1.0, 2.0, 2.0]]), n)
    weights = rng.gamma(alpha)
    weights /= weights.sum(axis=1, keepdims=True)
    return rng.multinomial(totals, weights)


def _boundary_part(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ballots with one share exactly on a threshold, or one vote either side of it."""
    kind = rng.integers(0, len(BOUNDARIES), n)
    delta = rng.choice(np.array([-1, 0, 0, 0, 1]), n)  # mostly exactly on the boundary
    out = np.zeros((n, 4), dtype=np.int64)
    for k in range(len(BOUNDARIES)):
        idx = np.flatnonzero(kind == k)
        m = len(idx)
        d = delta[idx]
        if k == 0:  # 优秀 = 3/5 of the total (± 1 vote)
            unit = rng.integers(1, HIGH_TOTAL // 5 + 1, m)
            total = 5 * unit
            ex = np.clip(3 * unit + d, 0, total)
            rest = total - ex
            # mostly 称职, so that 好评率 >= 90% is often true and 优秀率 decides
            comp = rest - rng.integers(0, np.maximum(rest // 3, 0) + 1)
            basic, inc = _split(rng, rest - comp)
            out[idx] = np.stack([ex, comp, basic, inc], axis=1)
        elif k == 1:  # 优秀 + 称职 = 9/10 of the total, with 优秀 near or above 60%
            unit = rng.integers(1, HIGH_TOTAL // 10 + 1, m)
            total = 10 * unit
            good = np.clip(9 * unit + d, 0, total)
            ex = np.minimum(good, 6 * unit - 1 + rng.integers(0, 3 * unit + 2))
            low = total - good
            basic, inc = _split(rng, low)
            out[idx] = np.stack([ex, good - ex, basic, inc], axis=1)
        elif k in (2, 4):  # 基本称职 + 不称职 = 1/5 (or 1/2) of the total
            denominator = 5 if k == 2 else 2
            unit = rng.integers(3 if k == 4 else 1, HIGH_TOTAL // denominator + 1, m)
            total = denominator * unit
            low = np.clip(unit + d, 0, total)
            basic, inc = _split(rng, low)
            ex, comp = _split(rng, total - low)
            out[idx] = np.stack([ex, comp, basic, inc], axis=1)
        else:  # 不称职 = 3/10 of the total, 差评率 mostly at most 50%
            unit = rng.integers(1, HIGH_TOTAL // 10 + 1, m)
            total = 10 * unit
            inc = np.clip(3 * unit + d, 0, total)
            basic = rng.integers(0, np.maximum(2 * unit - d, 0) + 1)
            basic = np.minimum(basic, total - inc)
            ex, comp = _split(rng, total - inc - basic)
            out[idx] = np.stack([ex, comp, basic, inc], axis=1)
    return out


def generate(n: int, seed: int = SEED, *, check: bool = True) -> dict[str, np.ndarray]:
    """N records as numpy columns named as in :data:`FLAT` (int64 votes, bool flags)."""
    rng = np.random.default_rng(seed)
    half = n // 2
    votes = np.concatenate([_random_part(rng, n - half), _boundary_part(rng, half)])
    votes = votes[rng.permutation(n)]
    cols = {name: np.ascontiguousarray(votes[:, i]) for i, name in enumerate(FLAT[:4])}
    cols["veto_family_planning"] = rng.random(n) < 0.2
    cols["serious_problem"] = rng.random(n) < 0.35
    totals = votes.sum(axis=1)
    assert totals.min() >= LOW_TOTAL and totals.max() <= HIGH_TOTAL, (totals.min(), totals.max())
    if check and n >= 1000:
        missing = [k for k, v in coverage(cols).items() if v == 0]
        assert not missing, f"generated data lacks {missing}"
    return cols


def grade_codes(cols: dict[str, np.ndarray]) -> np.ndarray:
    """The rule in exact integer arithmetic on whole columns: 0 = 优秀 … 3 = 较差."""
    ex, comp = cols["v_excellent"], cols["v_competent"]
    low = cols["v_basic"] + cols["v_incompetent"]
    total = ex + comp + low
    worst = ((100 * cols["v_incompetent"] > 30 * total) | (100 * low > 50 * total)) \
        & cols["serious_problem"]
    best = (100 * ex >= 60 * total) & (100 * (ex + comp) >= 90 * total)
    fair = 100 * low > 20 * total
    base = np.where(worst, 3, np.where(best, 0, np.where(fair, 2, 1)))
    return np.where(cols["veto_family_planning"], np.minimum(base + 1, 3), base)


def boundary_masks(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    ex, comp = cols["v_excellent"], cols["v_competent"]
    low = cols["v_basic"] + cols["v_incompetent"]
    total = ex + comp + low
    return {
        "优秀率=60%": 5 * ex == 3 * total,
        "好评率=90%": 10 * (ex + comp) == 9 * total,
        "差评率=20%": 5 * low == total,
        "不称职率=30%": 10 * cols["v_incompetent"] == 3 * total,
        "差评率=50%": 2 * low == total,
    }


def coverage(cols: dict[str, np.ndarray]) -> Counter:
    """How many records have each final grade, each grade before the veto, each boundary."""
    out: Counter = Counter()
    final = grade_codes(cols)
    vetoed = cols["veto_family_planning"]
    base = grade_codes({**cols, "veto_family_planning": np.zeros_like(vetoed)})
    for code, label in enumerate(GRADES):
        out[f"等次 {label}"] = int((final == code).sum())
        out[f"否决前 {label}"] = int((base == code).sum())
    for name, mask in boundary_masks(cols).items():
        out[name] = int(mask.sum())
    out["一票否决"] = int(vetoed.sum())
    return out


def flat_records(cols: dict[str, np.ndarray]) -> list[dict]:
    """The peers' records: plain ints and bools."""
    lists = [cols[name].tolist() for name in FLAT]
    return [dict(zip(FLAT, row, strict=True)) for row in zip(*lists, strict=True)]


def evalrules_records(cols: dict[str, np.ndarray]) -> list[dict]:
    """The records as evalrules reads them: a ballot is a mapping category → votes."""
    lists = [cols[name].tolist() for name in FLAT]
    return [{BALLOT: dict(zip(CATEGORIES, (e, c, b, i), strict=True)), VETO: v, SERIOUS: s}
            for e, c, b, i, v, s in zip(*lists, strict=True)]


def table_columns(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The same columns under evalrules' table names ("测评.优秀", …)."""
    return dict(zip(TABLE_COLUMNS, (cols[name] for name in FLAT), strict=True))


def arrow_table(cols: dict[str, np.ndarray]):
    import pyarrow as pa

    return pa.table(table_columns(cols))


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 100_000
    cols = generate(n)
    for key, value in coverage(cols).items():
        print(f"{key}\t{value}")


if __name__ == "__main__":
    main(sys.argv[1:])
