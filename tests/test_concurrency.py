"""A compiled ruleset is shared between threads: its first use from many at once (as a threaded web
server's first requests are) gives every thread the right result, never a half-built program."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

import evalrules

from conftest import RULESETS

CITY = RULESETS / "fanwen9" / "team-city.rules"
RECORD = {
    "考核目标完成": "好", "班子状况": "团结协调", "干部精神状态好": True,
    "班子测评": {"优秀": 7, "较好": 2, "一般": 1, "较差": 0},
    "正职测评": {"优秀": 7, "称职": 2, "基本称职": 1, "不称职": 0},
}


@pytest.fixture(autouse=True)
def switch_often():
    """Threads switch every microsecond instead of every 5 ms, so races show in a few rounds."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _at_once(threads: int, work) -> list:
    """Run ``work(i)`` on ``threads`` threads released together; their results or exceptions."""
    barrier = threading.Barrier(threads)
    out: list = [None] * threads

    def run(i: int) -> None:
        barrier.wait()
        try:
            out[i] = work(i)
        except BaseException as e:  # reported by the test
            out[i] = e

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return out


def test_first_use_from_eight_threads_on_fresh_rulesets():
    base = evalrules.load(CITY)
    for round_ in range(25):  # every with_params copy is fresh again
        fresh = base.with_params(一般线=f"{30 + round_ % 2}%")
        expected = fresh.reference_evaluate(RECORD).to_dict()
        results = _at_once(8, lambda i, r=fresh: (r.evaluate(RECORD).to_dict(), r.function(
            "班子等次")(RECORD), next(iter(r.evaluate_many([RECORD]))).to_dict()))
        for got in results:
            assert not isinstance(got, BaseException), repr(got)
            assert got[0] == expected and got[1] == expected["values"]["班子等次"]
            assert got[2] == expected


def test_first_use_of_a_group_ruleset_from_eight_threads():
    rules = evalrules.load(RULESETS / "fanwen2" / "cadre-quota.rules")
    cases = __import__("json").loads(
        Path(RULESETS / "fanwen2" / "cadre-quota.cases.json").read_text(encoding="utf-8"))
    case = next(c for c in cases["cases"] if c.get("group"))
    want = rules.reference_evaluate_many([case["input"], *case["group"]])[0].to_dict()
    for _ in range(10):
        fresh = rules.with_params()
        got = _at_once(8, lambda i, r=fresh: r.evaluate(case["input"],
                                                       group=case["group"]).to_dict())
        assert all(g == want for g in got), got



def test_compiling_from_eight_threads_at_once():
    """The parser's indentation state is per parse, not shared between threads."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(RULESETS.rglob("*.rules"))
             if "extends" not in path.read_text(encoding="utf-8")]
    for _ in range(5):
        got = _at_once(8, lambda i: evalrules.compile(texts[i % len(texts)]).checked)
        for i, checked in enumerate(got):
            assert not isinstance(checked, BaseException), repr(checked)
            assert checked == evalrules.compile(texts[i % len(texts)]).checked
