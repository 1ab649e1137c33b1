"""Every exception evalrules raises survives pickling with all its attributes, so an error raised
in a worker process (multiprocessing, concurrent.futures, Spark) reaches the parent as itself.
A ``RulesetError`` could not be unpickled, so ``multiprocessing.Pool.map`` hung (issue 11, #19).
"""

from __future__ import annotations

import copy
import inspect
import multiprocessing
import pickle
from fractions import Fraction

import pytest

import evalrules
from evalrules import diagnostics
from evalrules.diagnostics import (
    DataError,
    Diagnostic,
    EvalRulesError,
    GroupRulesError,
    InputError,
    RulesetError,
    UnknownName,
)
from evalrules.resolve import NotARuleset
from evalrules.values import to_number

BAD = "ruleset 坏\ninput a: number\nlet b = a + 未知\n"


def ruleset_error() -> RulesetError:
    with pytest.raises(RulesetError) as info:
        evalrules.compile("ruleset 坏\ninput a: number\nlet b = a + 未知\nlet d = 1\nlet d = 2\n",
                          path="坏.rules")
    return info.value


def examples() -> list[BaseException]:
    error = InputError("input 得分: '得分' must be a number, not '高'", field="得分",
                       rule="input 得分", value=Fraction(1, 3), code="R104")
    error.add_note("row 7")
    return [
        error,
        InputError("plain"),
        UnknownName("'x' is not a value of r", name="x"),
        UnknownName("no name"),
        ruleset_error(),
        RulesetError([]),
        DataError("data.csv: not a data file"),
        GroupRulesError("r has group rules"),
        EvalRulesError("anything"),
        NotARuleset("the file is larger than 1 MiB", "E508"),
    ]


def state(e: BaseException) -> tuple:
    """What an exception is: its class, text, args, notes and attributes."""
    attributes = {k: v for k, v in vars(e).items() if k != "__notes__"}
    return (type(e), str(e), e.args, getattr(e, "__notes__", None), attributes,
            getattr(e, "code", None))


def test_every_exception_class_of_evalrules_is_tested_here():
    classes = {c for _, c in inspect.getmembers(diagnostics, inspect.isclass)
               if issubclass(c, BaseException) and c.__module__ == diagnostics.__name__}
    assert classes <= {type(e) for e in examples()}


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize("error", examples(), ids=lambda e: type(e).__name__)
def test_exceptions_pickle_round_trip_with_every_attribute(error, protocol):
    back = pickle.loads(pickle.dumps(error, protocol=protocol))
    assert state(back) == state(error)


@pytest.mark.parametrize("error", examples(), ids=lambda e: type(e).__name__)
def test_exceptions_copy(error):
    assert state(copy.copy(error)) == state(error)
    assert state(copy.deepcopy(error)) == state(error)


def test_a_ruleset_error_keeps_its_diagnostics():
    error = ruleset_error()
    back = pickle.loads(pickle.dumps(error))
    assert back.diagnostics == error.diagnostics and len(back.errors) == 2
    assert all(isinstance(d, Diagnostic) for d in back.diagnostics)
    assert [d.source_line for d in back.diagnostics] == [d.source_line for d in error.diagnostics]
    assert str(back) == str(error)


def test_an_unknown_name_is_still_a_key_error():
    back = pickle.loads(pickle.dumps(UnknownName("'x' is not a value", name="x")))
    assert isinstance(back, KeyError) and back.name == "x" and str(back) == "'x' is not a value"


def test_an_input_error_from_evaluate_round_trips():
    rules = evalrules.compile("ruleset r\ninput a: number\nscore s = a\n")
    with pytest.raises(InputError) as info:
        rules.evaluate({"a": "高"})
    back = pickle.loads(pickle.dumps(info.value))
    assert (back.field, back.rule, back.value, back.code, back.message) == (
        "a", "input a", "高", "R104", info.value.message)
    assert back.to_dict() == info.value.to_dict()


# ---------------------------------------------------------------- raised in a worker


@pytest.fixture(scope="module")
def pool():
    context = multiprocessing.get_context("spawn")  # the start method every platform has
    with context.Pool(1) as workers:
        yield workers


def test_a_ruleset_error_raised_in_a_worker_reaches_the_parent(pool):
    pending = pool.map_async(evalrules.compile, [BAD])
    with pytest.raises(RulesetError) as info:
        pending.get(timeout=60)  # before the fix: the pool's result thread died; get hung
    assert [d.code for d in info.value.errors] == ["E201"]
    assert "未知" in str(info.value) and info.value.errors[0].source_line == "let b = a + 未知"


def test_an_input_error_raised_in_a_worker_reaches_the_parent(pool):
    pending = pool.starmap_async(to_number, [("高", "得分", "input 得分")])
    with pytest.raises(InputError) as info:
        pending.get(timeout=60)
    assert (info.value.field, info.value.rule, info.value.code) == ("得分", "input 得分", "R104")


def test_the_pool_still_works_after_errors(pool):
    assert pool.map(evalrules.compile, ["ruleset r\n"])[0].name == "r"
