"""The structure docs/architecture.md describes, held against the code: imports flow one way, no
module reaches into another's private names, every backend handles every primitive of the plan,
the lowering handles every construct, and no module grows past a size one can read."""

from __future__ import annotations

import ast as pyast
import typing
from pathlib import Path

import pytest

from evalrules import ast, lower, plan
from evalrules.backends import generated, smt, vectorized

from conftest import ROOT

SRC = ROOT / "src" / "evalrules"

#: Every module's tier, lowest first: a module imports only from lower tiers (the public face at
#: the top, the syntax tree at the bottom). Imports under ``if TYPE_CHECKING:`` do not count.
TIERS = [
    ["expr"],
    ["ast", "helptext", "install", "catalogue", "catalogue.reading", "catalogue.writing",
     "catalogue.explaining", "catalogue.reporting", "catalogue.comparing", "catalogue.records",
     "catalogue.proving", "catalogue.verifying", "catalogue.serving", "catalogue.editing",
     "catalogue.studio"],
    ["messages"],
    ["diagnostics", "unparse", "explain"],
    ["parse_misled"],
    ["parse_errors", "parse_cite", "parse_quota", "parse_expressions"],
    ["parse", "plan", "check.model"],
    ["check.expressions", "check.groups", "check.weights", "check.percent"],
    ["check.checker"],
    ["check"],
    ["resolve", "fmt", "values", "forms"],
    ["columns", "lower", "backends", "backends.reference", "backends.rational", "backends.emit",
     "backends.smt_record"],
    ["backends.generated", "backends.table_in", "quotas"],
    ["backends.table_out", "io.typed", "groups"],
    ["backends.vectorized", "backends.smt"],
    ["dataset", "result", "io.common", "io.xlsx_styles"],
    ["io.sheet", "io.cells", "io.results"],
    ["io.layout", "columnwise", "io.xlsx_keep", "io.xlsx_new"],
    ["io.csv_in", "io.xlsx_in", "io.write"],
    ["io.read"],
    ["io", "ruleset"],
    ["grading", "analysis"],
    ["compare"],
    ["report.near", "report.assets", "prove.solve", "prove.relax"],
    ["prove.report", "prove.regions"],
    ["report.page", "prove.equivalence", "prove.questions", "prove.render"],
    ["prove.render_diff", "prove.tables"],
    ["prove.obligations", "serve.sockets", "serve.store", "serve.schema", "serve.files",
     "serve.diffs"],
    ["serve.api"],
    ["serve"],
    ["evalrules", "report", "spark", "testing", "testing._model", "prove", "lsp"],
    ["testing.strategies", "testing.cases", "testing.coverage"],
    ["testing.checks", "testing.changes", "studio.workspace"],
    ["studio.routes"],
    ["studio"],
    ["testing.plugin", "commands", "commands._shared"],
    ["commands._stream"],
    ["commands.check", "commands.diff", "commands.eval", "commands.explain",
     "commands.fmt", "commands.init", "commands.report", "commands.test", "commands.verify",
     "commands.serve", "commands.lsp", "commands.studio"],
    ["cli"],
    ["__main__"],
]
TIER = {name: i for i, names in enumerate(TIERS) for name in names}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts) or "evalrules"] = path
    return out


def _imports(name: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names imported from it, line) for every evalrules import, outside
    ``if TYPE_CHECKING:`` blocks."""
    tree = pyast.parse(path.read_text(encoding="utf-8"))
    skip = {id(n) for node in pyast.walk(tree) if isinstance(node, pyast.If)
            and pyast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
            for n in pyast.walk(node)}
    package = name.split(".") if path.name == "__init__.py" or name == "evalrules" else \
        name.split(".")[:-1]
    if name == "evalrules":
        package = []
    found = []
    for node in pyast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, pyast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            target = ".".join([*base, node.module] if node.module else base)
            if node.module is None:  # from . import x: x is a module
                for alias in node.names:
                    found.append(((f"{target}.{alias.name}" if target else alias.name), [],
                                  node.lineno))
            else:
                found.append((target or "evalrules", [a.name for a in node.names], node.lineno))
        elif isinstance(node, pyast.ImportFrom) and (node.module or "").startswith("evalrules"):
            target = node.module.removeprefix("evalrules").lstrip(".") or "evalrules"
            found.append((target, [a.name for a in node.names], node.lineno))
    return found


MODULES = _modules()


def test_every_module_has_a_tier():
    assert sorted(set(MODULES) - set(TIER)) == []
    assert sorted(set(TIER) - set(MODULES)) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_flow_one_way(name):
    wrong = [(target, line) for target, _, line in _imports(name, MODULES[name])
             if target in TIER and TIER[target] >= TIER[name] and target != name]
    assert wrong == [], f"{name} imports from its own tier or above: {wrong}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_another_modules_private_names(name):
    """A private module (``_shared``) serves its own package only; a private name (``_x``)
    its own module only."""
    package = name.rsplit(".", 1)[0] if "." in name else ""
    wrong = []
    for target, names, line in _imports(name, MODULES[name]):
        last = target.rsplit(".", 1)[-1]
        if last.startswith("_") and not last.startswith("__") and \
                target.rsplit(".", 1)[0] != package:
            wrong.append((target, line))
        wrong += [(f"{target}.{n}", line) for n in names
                  if n.startswith("_") and not n.startswith("__")]
    assert wrong == []


def test_no_module_reaches_into_another_modules_private_attributes():
    imported = {}
    for name, path in MODULES.items():
        tree = pyast.parse(path.read_text(encoding="utf-8"))
        aliases = {a.asname or a.name for node in pyast.walk(tree)
                   if isinstance(node, pyast.ImportFrom) for a in node.names}
        for node in pyast.walk(tree):
            if isinstance(node, pyast.Attribute) and isinstance(node.value, pyast.Name) and \
                    node.value.id in aliases and node.attr.startswith("_") and \
                    not node.attr.startswith("__"):
                imported.setdefault(name, []).append(f"{node.value.id}.{node.attr}")
    assert imported == {}


def test_every_backend_handles_every_primitive_of_the_plan():
    primitives = set(typing.get_args(plan.Expr))
    assert set(generated.HANDLERS) == primitives
    assert set(vectorized.HANDLERS) == primitives
    assert set(smt.HANDLERS) == primitives
    assert set(generated.STEPS) == set(typing.get_args(plan.Step))


def test_the_lowering_handles_every_construct():
    assert set(lower.EXPRESSIONS) == set(typing.get_args(ast.Expr))
    definitions = {t for t in typing.get_args(ast.Declaration)
                   if t not in (ast.Scale, ast.Ballot, ast.Input, ast.Param, ast.Require,
                                ast.Check, ast.GroupBy, ast.Weights)}  # weights: params
    assert set(lower.DEFINITIONS) == definitions | {ast.Rank}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_grows_past_what_one_reads_at_a_sitting(name):
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= 650, f"{name} has {lines} lines: split it by job"
