"""A ruleset's constants (params, defaults, range bounds) are computed when it compiles: one that
cannot be (a division by zero) or that outgrows the largest number evalrules holds is a diagnostic
at its line, never an InputError from compile() or a hang."""

from __future__ import annotations

import time

import pytest

import evalrules
from evalrules.cli import main


def _diagnostic(text: str) -> evalrules.Diagnostic:
    with pytest.raises(evalrules.RulesetError) as info:
        evalrules.compile(text, path="常量.rules")
    (d,) = info.value.errors
    return d


def test_a_param_that_divides_by_zero_is_a_diagnostic_at_its_line():
    """#13: it was an InputError from compile(), and a traceback from `evalrules check`."""
    d = _diagnostic("ruleset 常量\nparam 零 = 0\nparam 比 = 1 / 零\n")
    assert (d.code, d.line, d.column) == ("E416", 3, 1)
    assert "比" in d.message and "division by zero" in d.message


def test_a_default_that_divides_by_zero_is_a_diagnostic_at_its_line():
    d = _diagnostic("ruleset 常量\nparam 零 = 0\ninput x: number default 1 / 零\nlet y = x\n")
    assert (d.code, d.line) == ("E416", 3)


def test_constants_that_grow_past_the_largest_number_stop_at_once():
    """#12: 23 squarings took longer than anyone waits (20 took 22 s); the first constant past
    the largest number is the diagnostic, and no later one is computed."""
    lines = ["ruleset 常量", "param p0 = 10"] + [f"param p{k} = p{k - 1} * p{k - 1}"
                                                for k in range(1, 24)]
    start = time.perf_counter()
    d = _diagnostic("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 5
    assert d.code == "E416" and "too many digits" in d.message
    assert d.line == 2 + 10  # p10 = 10**1024 is the first past 2000 bits


def test_with_params_refuses_an_override_that_makes_a_constant_too_large():
    rules = evalrules.compile("ruleset 常量\nparam a = 2\nparam b = a * a * a\n")
    with pytest.raises(evalrules.InputError, match="too many digits"):
        rules.with_params(a=2**700)


def test_evalrules_check_reports_it_like_any_diagnostic(tmp_path, capsys):
    path = tmp_path / "常量.rules"
    path.write_text("ruleset 常量\nparam 比 = 1 / 0\n", encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert "E416" in capsys.readouterr().out


def test_a_with_params_value_of_the_wrong_kind_has_its_own_code():
    rules = evalrules.compile("ruleset 常量\nparam 线 = 30%\n")
    with pytest.raises(evalrules.InputError) as info:
        rules.with_params(线="高")
    assert info.value.code == "R401" and "线" in str(info.value)
