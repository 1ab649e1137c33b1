"""``extends`` and ``override``: a chain of ruleset files → one flat :class:`ast.Module`.

A child inherits every statement of its base, in the base's order; ``override`` replaces a
definition in place (so vetoes and rules keep their written order), ``override grade G rule L``
replaces one rule of a table. Statements keep the spans of the file they were written in, so later
diagnostics point into the right file. Imports :mod:`ast`, :mod:`diagnostics` and :mod:`parse`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import attrs

from . import ast
from .diagnostics import Diagnostics, did_you_mean
from .parse import parse_into

#: Reads the file that ``extends "NAME"`` names, from the file that says it: → (path, text).
Loader = Callable[[str, str | None], tuple[str, str]]


def file_loader(name: str, including: str | None) -> tuple[str, str]:
    base = Path(including).parent if including else Path.cwd()
    path = base / name
    return os.path.normpath(path), path.read_text(encoding="utf-8")


def namespace(decl: ast.Named) -> tuple[str, str]:
    """Scales are types and live apart from values: a grade may share its scale's name."""
    return ("scale" if isinstance(decl, ast.Scale) else "value", decl.name)


def resolve(module: ast.Module, diags: Diagnostics, loader: Loader = file_loader) -> ast.Module:
    statements, title = _flatten(module, diags, loader, [module.path])
    header = module.header
    if header.title is None and title is not None:
        header = attrs.evolve(header, title=title)
    return ast.Module(header, tuple(statements), path=module.path, source=module.source)


def _flatten(module: ast.Module, diags: Diagnostics, loader: Loader, chain: list[str | None]
             ) -> tuple[list[ast.Statement], str | None]:
    statements: list[ast.Statement] = []
    title = None
    header = module.header
    if header.extends is not None:
        base = _load_base(header, module.path, diags, loader, chain)
        if base is not None:
            statements, title = _flatten(base, diags, loader, [*chain, base.path])
    inherited = {namespace(s): i for i, s in enumerate(statements) if isinstance(s, ast.NAMED)}
    own: dict[tuple[str, str], ast.Span] = {}
    for st in module.statements:
        if isinstance(st, ast.Override):
            _override(st, statements, inherited, diags)
        elif isinstance(st, ast.RuleOverride):
            _override_rule(st, statements, inherited, diags)
        elif isinstance(st, ast.NAMED):
            key = namespace(st)
            if key in own:
                first = own[key]
                diags.error("E202", f"'{st.name}' is defined twice (first at line {first.line})",
                            st.span)
            elif key in inherited:
                keyword = ast.KEYWORD_OF[type(st)]
                diags.error("E503", f"'{st.name}' is already defined by the extended ruleset",
                            st.span, f"write `override {keyword} {st.name} ...` to replace it")
            else:
                own[key] = st.span
                statements.append(st)
        else:
            statements.append(st)
    return statements, header.title or title


def _load_base(header: ast.Header, path: str | None, diags: Diagnostics, loader: Loader,
               chain: list[str | None]) -> ast.Module | None:
    assert header.extends is not None  # only a header that extends has a base
    try:
        base_path, text = loader(header.extends, path)
    except (OSError, UnicodeDecodeError, ValueError) as e:  # ValueError: a NUL in the path
        hint = None
        folder = Path(path).parent if path else Path.cwd()
        if folder.is_dir():
            hint = did_you_mean(header.extends, [p.name for p in folder.glob("*.rules")])
        diags.error("E501", f"cannot read extended ruleset '{header.extends}': "
                    f"{getattr(e, 'strerror', None) or e}", header.extends_span, hint)
        return None
    if base_path in chain:
        cycle = " → ".join(str(p) for p in [*chain, base_path])
        diags.error("E502", f"extends goes round in a cycle: {cycle}", header.extends_span)
        return None
    diags.add_source(base_path, text)
    return parse_into(text, base_path, diags)


def _override(st: ast.Override, statements: list, inherited: dict, diags: Diagnostics) -> None:
    decl = st.declaration
    keyword = ast.KEYWORD_OF[type(decl)]
    if not isinstance(decl, ast.NAMED):
        diags.error("E504", f"only named definitions can be overridden, not `{keyword}`", st.span)
        return
    key = namespace(decl)
    if key not in inherited:
        names = [k[1] for k in inherited if k[0] == key[0]]
        diags.error("E504", f"override of '{decl.name}', which the extended ruleset does not "
                    "define", st.span, did_you_mean(decl.name, names))
        return
    index = inherited[key]
    old = statements[index]
    if type(old) is not type(decl):
        diags.error("E505", f"'{decl.name}' is a {ast.KEYWORD_OF[type(old)]} in the extended "
                    f"ruleset; it cannot be overridden as a {keyword}", st.span,
                    f"write `override {ast.KEYWORD_OF[type(old)]} {decl.name} ...`")
        return
    statements[index] = decl


def _override_rule(st: ast.RuleOverride, statements: list, inherited: dict, diags: Diagnostics
                   ) -> None:
    index = inherited.get(("value", st.grade))
    if index is None or not isinstance(statements[index], ast.Grade):
        grades = [s.name for s in statements if isinstance(s, ast.Grade)]
        diags.error("E504", f"override of a rule of '{st.grade}', which the extended ruleset "
                    "does not define as a grade table", st.span, did_you_mean(st.grade, grades))
        return
    table: ast.Grade = statements[index]
    labels = [r.label for r in table.rules]
    if st.rule.label not in labels:
        diags.error("E506", f"grade table '{st.grade}' has no rule for '{st.rule.label}' to "
                    "override", st.rule.span, did_you_mean(st.rule.label, labels))
        return
    rules = tuple(st.rule if r.label == st.rule.label else r for r in table.rules)
    statements[index] = attrs.evolve(table, rules=rules)
