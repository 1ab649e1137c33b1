"""``extends`` and ``override``: a chain of ruleset files → one flat :class:`ast.Module`.

A child inherits every statement of its base, in the base's order; ``override`` replaces a
definition in place (so vetoes and rules keep their written order), ``override grade G rule L``
replaces one rule of a table. Statements keep the spans of the file they were written in, so later
diagnostics point into the right file. Imports :mod:`ast`, :mod:`diagnostics` and :mod:`parse`.

Reading a ruleset file is the one place a ruleset can make evalrules open a file, so
:func:`read_ruleset` (which ``extends``, ``load`` and the cases files' ``"ruleset"`` read through)
accepts a regular file of at most :data:`MAX_FILE_BYTES` holding UTF-8 text that starts with a
``ruleset`` header, and otherwise says why without quoting the file: ``extends "/etc/passwd"``
must not print the passwords, ``extends "/dev/zero"`` must not fill the memory and
``extends "/dev/stdin"`` must not wait for ever.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

import attrs

from . import ast
from .diagnostics import Diagnostics, did_you_mean
from .parse import parse_into

#: Reads the file that ``extends "NAME"`` names, from the file that says it: → (path, text).
Loader = Callable[[str, str | None], tuple[str, str]]

#: The largest ruleset file read (1 MiB; the largest bundled ruleset is 7 KB), which is also the
#: most a ruleset and the files it extends may hold together: compiling 1 MiB takes seconds.
MAX_FILE_BYTES = 1 << 20
#: The most files a chain of ``extends`` may pass through (the file itself not counted).
MAX_EXTENDS = 16

_HEADER = re.compile(r"\ufeff?(?:[ \t]*(?:#[^\n]*)?\r?\n)*ruleset[ \t]")


class NotARuleset(OSError):
    """A file that :func:`read_ruleset` will not read as a ruleset; the message says why and
    never quotes the file. ``code`` is the diagnostic's: E507 (not a ruleset) or E508 (too
    large)."""

    def __init__(self, message: str, code: str = "E507"):
        super().__init__(message)
        self.code = code

    def __reduce__(self):
        return type(self), (str(self), self.code)


def read_ruleset(path: str | os.PathLike) -> str:
    """The text of a ruleset file; :class:`NotARuleset` (an ``OSError``, like a missing file's)
    unless it is a regular file of at most :data:`MAX_FILE_BYTES` bytes of UTF-8 text that starts
    with ``ruleset`` (after blank lines, comments and a byte-order mark)."""
    try:
        _regular(os.stat(path))  # before opening: opening a device can have effects of its own
        # O_NONBLOCK: a FIFO swapped in since the stat opens at once (and is refused below)
        # instead of waiting for a writer; O_NOCTTY: a terminal never becomes ours.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
    except ValueError:  # a NUL in the path
        raise NotARuleset("a file name cannot hold a NUL character", "E501") from None
    with open(fd, "rb") as f:
        _regular(os.fstat(f.fileno()))
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise NotARuleset(f"the file is larger than {_size(MAX_FILE_BYTES)}", "E508")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise NotARuleset(f"the file is not UTF-8 text (byte 0x{data[e.start]:02x} at offset "
                          f"{e.start})") from None
    _looks_like_a_ruleset(text)
    return text


def _looks_like_a_ruleset(text: str) -> None:
    """Refuse text that is not a ruleset before anything quotes a line of it."""
    if "\0" in text:
        raise NotARuleset("the file is not text (it holds a NUL byte), so it is not a ruleset")
    if not _HEADER.match(text):
        raise NotARuleset("the file does not start with `ruleset NAME`, so it is not a ruleset")


def _regular(info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise NotARuleset("it is a folder, not a ruleset file")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a character device" if stat.S_ISCHR(info.st_mode) else
                "a block device" if stat.S_ISBLK(info.st_mode) else
                "a pipe" if stat.S_ISFIFO(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "not a file")
        raise NotARuleset(f"it is {kind}, not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise NotARuleset(f"the file is larger than {_size(MAX_FILE_BYTES)} "
                          f"({info.st_size:,} bytes)", "E508")


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n % (1 << 20) == 0 else f"{n:,} bytes"


def file_loader(name: str, including: str | None) -> tuple[str, str]:
    """The loader of files: ``name`` relative to the folder of the file that says
    ``extends`` (the working directory for text without a path), read by :func:`read_ruleset`."""
    base = Path(including).parent if including else Path.cwd()
    path = os.path.normpath(base / name)
    return path, read_ruleset(path)


def namespace(decl: ast.Named) -> tuple[str, str]:
    """Scales are types and live apart from values: a grade may share its scale's name."""
    return ("scale" if isinstance(decl, ast.Scale) else "value", decl.name)


def resolve(module: ast.Module, diags: Diagnostics, loader: Loader = file_loader) -> ast.Module:
    budget = _Budget(len(module.source.encode("utf-8")) if module.source else 0)
    statements, title = _flatten(module, diags, loader, [module.path], budget)
    header = module.header
    if header.title is None and title is not None:
        header = attrs.evolve(header, title=title)
    return ast.Module(header, tuple(statements), path=module.path, source=module.source)


@attrs.define
class _Budget:
    """The bytes a ruleset and the files it extends hold so far."""

    used: int


def _flatten(module: ast.Module, diags: Diagnostics, loader: Loader, chain: list[str | None],
             budget: _Budget) -> tuple[list[ast.Statement], str | None]:
    statements: list[ast.Statement] = []
    title = None
    header = module.header
    if header.extends is not None:
        base = _load_base(header, module.path, diags, loader, chain, budget)
        if base is not None:
            statements, title = _flatten(base, diags, loader, [*chain, base.path], budget)
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
               chain: list[str | None], budget: _Budget) -> ast.Module | None:
    assert header.extends is not None  # only a header that extends has a base
    if len(chain) > MAX_EXTENDS:  # the chain holds the file itself and its bases so far
        shown = [str(p) for p in chain]
        if len(shown) > 4:
            shown = [*shown[:2], f"… {len(shown) - 4} more …", *shown[-2:]]
        diags.error("E508", f"extends goes more than {MAX_EXTENDS} files deep: "
                    f"{' → '.join(shown)} → {header.extends}", header.extends_span,
                    "put what the chain shares in fewer files")
        return None
    try:
        base_path, text = loader(header.extends, path)
        _looks_like_a_ruleset(text)  # whatever the loader: a custom one, Spark's shipped files
    except NotARuleset as e:
        diags.error(e.code, f"cannot read extended ruleset '{header.extends}': {e}",
                    header.extends_span, "`extends` names a ruleset file, relative to this one")
        return None
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
    budget.used += len(text.encode("utf-8"))
    if budget.used > MAX_FILE_BYTES:
        diags.error("E508", f"with '{header.extends}' the ruleset and the files it extends hold "
                    f"more than {_size(MAX_FILE_BYTES)} together", header.extends_span)
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
