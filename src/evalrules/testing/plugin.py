"""The pytest plugin (entry point ``pytest11``): every case of a cases file is a test item.

Which cases files are collected — so that a project's own test run is never doubled by it:

* a ``*.cases.json`` / ``*.cases.csv`` file named on the command line
  (``pytest rulesets/fanwen9/team-city.cases.json``);
* every cases file under a command-line directory that is named ``rulesets``, lies inside one,
  or itself holds ``.rules`` files (``pytest rulesets``, ``pytest rulesets/fanwen9``);
* every cases file pytest visits, with ``--evalrules-cases`` or ``evalrules_cases = true`` in the
  ini file.

``--evalrules-checks`` adds one item per stated check and built-in property of each ruleset
whose cases are collected (needs Hypothesis); ``--evalrules-coverage`` prints rule coverage.
Disable the plugin with ``-p no:evalrules``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..diagnostics import EvalRulesError
from .cases import Case, is_cases_file, load_cases, run_case

_COVERAGE = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("evalrules", "evalrules rulesets")
    group.addoption("--evalrules-cases", action="store_true", default=None,
                    help="collect every *.cases.json / *.cases.csv pytest visits")
    group.addoption("--evalrules-checks", action="store_true", default=False,
                    help="also run each ruleset's stated checks and built-in properties")
    group.addoption("--evalrules-coverage", action="store_true", default=False,
                    help="print which rules, conditions, vetoes and outcomes the cases exercised")
    parser.addini("evalrules_cases", "collect every cases file pytest visits", type="bool",
                  default=False)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_COVERAGE] = {}


def _wanted(path: Path, config: pytest.Config) -> bool:
    if config.getoption("evalrules_cases") or config.getini("evalrules_cases"):
        return True
    here = Path(config.invocation_params.dir)
    for arg in config.args:
        target = (here / str(arg).split("::")[0]).resolve()
        if target == path.resolve():
            return True
        if target.is_dir() and target in path.resolve().parents and (
                "rulesets" in (target.name, *(p.name for p in target.parents))
                or any(target.glob("*.rules"))):
            return True
    return False


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if is_cases_file(file_path) and _wanted(file_path, parent.config):
        return CasesFile.from_parent(parent, path=file_path)
    return None


_RULESETS: dict = {}


def _ruleset(path: Path):
    from ..ruleset import load

    key = str(path.resolve())
    if key not in _RULESETS:
        _RULESETS[key] = load(path)
    return _RULESETS[key]


class CasesFile(pytest.File):
    def collect(self):
        rules, cases = load_cases(self.path)
        for case in cases:
            yield CaseItem.from_parent(self, name=case.name, rules=rules, case=case)
        if self.config.getoption("evalrules_checks"):
            from .checks import properties

            for prop in properties(_ruleset(rules)):
                yield CheckItem.from_parent(self, name=prop.name, prop=prop)


class CaseFailed(EvalRulesError, AssertionError):
    """A case of a cases file does not give what it expects (an ``AssertionError`` too: pytest
    reports a failed test)."""


class CaseItem(pytest.Item):
    def __init__(self, *, rules: Path, case: Case, **kwargs):
        super().__init__(**kwargs)
        self.rules, self.case = rules, case

    def runtest(self) -> None:
        ruleset = _ruleset(self.rules)
        problems, result = run_case(ruleset, self.case)
        if result is not None and self.config.getoption("evalrules_coverage"):
            from .coverage import Coverage

            cov = self.config.stash[_COVERAGE].setdefault(str(self.rules), Coverage(ruleset))
            cov.add(result)
        if problems:
            lines = [f"case {self.case.name!r} of {self.rules.name}:"]
            lines += [f"  {p}" for p in problems]
            if result is not None:
                lines += ["", "explanation:"]
                lines += ["  " + line for line in result.explain("zh").splitlines()]
            raise CaseFailed("\n".join(lines))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{self.case.name}"


class CheckItem(pytest.Item):
    def __init__(self, *, prop, **kwargs):
        super().__init__(**kwargs)
        self.prop = prop

    def runtest(self) -> None:
        self.prop.run()

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, AssertionError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{self.name}"


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    coverage = config.stash.get(_COVERAGE, {})
    if not config.getoption("evalrules_coverage") or not coverage:
        return
    terminalreporter.section("evalrules rule coverage")
    for cov in coverage.values():
        terminalreporter.write_line(cov.report())
