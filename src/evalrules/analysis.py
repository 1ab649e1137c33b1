"""What an editor asks about a ruleset's text: its problems, the name under the cursor (hover, go
to definition), what may be typed next (completion) and its canonical layout (formatting).

Pure functions of the text and its path (the path only places ``extends``: the files a ruleset
extends are the one thing read); positions are 0-based lines and columns in characters, end
exclusive, as an editor counts them. ``evalrules lsp`` (:mod:`evalrules.lsp`) serves them to
editors, and the studio calls them too. Imports the public face, :mod:`fmt`, :mod:`parse`,
:mod:`resolve` and :mod:`unparse`; nothing imports it but the editors' front ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from fractions import Fraction

from attrs import frozen

from . import ast, unparse
from .diagnostics import Diagnostic, Diagnostics, GroupRulesError, InputError, RulesetError
from .fmt import FormatError, format_source, reserved
from .messages import say
from .parse import parse_into
from .resolve import file_loader, resolve
from .ruleset import compile
from .values import exact_str

_NAME = re.compile(r"[^\W\d]\w*")
#: ``NAME is`` or ``NAME is not`` before the cursor: a label of NAME's scale comes next.
_IS = re.compile(r"([^\W\d]\w*)\s+is\s+(?:not\s+)?\w*$")
#: ``share(BALLOT:`` (votes, points) before the cursor: a category of BALLOT comes next.
_CATEGORY = re.compile(r"(?:share|votes|points)\s*[(（]\s*([^\W\d]\w*)\s*[:：][^)）]*$")


@frozen
class Range:
    """A stretch of a file: 0-based lines and columns (characters), the end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@frozen
class Problem:
    """A diagnostic as an editor shows it: the compiler's, at a range of this file."""

    severity: str  # "error" or "warning"
    code: str  # E… or W…, as docs/language.md lists them
    message: str  # with the compiler's hint (did you mean …?) on a line of its own
    range: Range


@frozen
class Location:
    """Where a name is defined: a file (None: the text itself, unsaved) and the name's range."""

    path: str | None
    range: Range


@frozen
class Symbol:
    """A declaration of the text, for the editor's outline: its whole extent and its name's."""

    name: str
    kind: str  # the declaration's keyword: "input", "param", "grade", …, "scale"
    range: Range
    name_range: Range


@frozen
class Completion:
    label: str
    kind: str  # "name", "label" or "keyword"
    detail: str


# ---------------------------------------------------------------- diagnostics


def diagnostics(text: str, path: str | None = None) -> list[Problem]:
    """Every diagnostic the compiler gives ``text`` (``evalrules check``'s), at this file's ranges;
    a problem in a file it extends is shown on the ``extends`` line, naming that file's line."""
    try:
        found: tuple[Diagnostic, ...] | list[Diagnostic] = compile(text, path=path).warnings
    except RulesetError as e:
        found = e.diagnostics
    out = []
    for d in found:
        message = d.message + (f"\n{d.hint}" if d.hint else "")
        span = d.span
        if span.path != path and span.line > 0:  # the compiler's words are English
            message = say("edit.problem.elsewhere", "en", path=span.path, line=span.line,
                          message=message)
            span = _extends_span(text, path)
        out.append(Problem(d.severity, d.code, message, _range(span)))
    return out


def _extends_span(text: str, path: str | None) -> ast.Span:
    """Where ``text`` says ``extends "…"`` (a problem elsewhere can only have come through it)."""
    module = parse_into(text, path, Diagnostics())
    return module.header.extends_span if module is not None else ast.NOWHERE


def _range(span: ast.Span) -> Range:
    """A span (1-based, 0 for nowhere) as a range; nowhere is the start of the file."""
    if span.line <= 0:
        return Range(0, 0, 0, 0)
    return Range(span.line - 1, max(span.column - 1, 0), max(span.end_line - 1, 0),
                 max(span.end_column - 1, 0))


# ---------------------------------------------------------------- the names a text declares


@frozen
class _Outline:
    """The declarations a text and the files it extends make, whether or not it compiles."""

    module: ast.Module  # the text's own, unresolved
    values: dict[str, ast.Declaration | ast.Rank]  # by name; an override stands in its base's place
    scales: dict[str, ast.Scale]
    sources: dict[str | None, list[str]]  # lines of every file read
    inherited: dict[str, ast.Declaration | ast.Rank]  # what the extended files define, by name

    @staticmethod
    def of(text: str, path: str | None) -> _Outline | None:
        diags = Diagnostics()
        diags.add_source(path, text)
        module = parse_into(text, path, diags)
        if module is None:
            return None
        flat = resolve(module, diags, file_loader)
        values: dict[str, ast.Declaration | ast.Rank] = {}
        scales: dict[str, ast.Scale] = {}
        for st in _declarations(flat.statements):
            if isinstance(st, ast.Scale):
                scales.setdefault(st.name, st)
            else:
                values.setdefault(st.name, st)
        inherited: dict[str, ast.Declaration | ast.Rank] = {}
        if module.header.extends is not None:  # the base alone: what an override replaced
            base = resolve(ast.Module(module.header, (), path=path), Diagnostics(), file_loader)
            for st in _declarations(base.statements):
                if not isinstance(st, ast.Scale):
                    inherited.setdefault(st.name, st)
        return _Outline(module, values, scales,
                        {p: list(lines) for p, lines in diags.sources.items()}, inherited)

    @staticmethod
    def near(text: str, path: str | None, line: int) -> _Outline | None:
        """The outline of ``text``, or, while the line being typed breaks it, of the text
        without that line."""
        outline = _Outline.of(text, path)
        if outline is None:
            lines = text.split("\n")
            if 0 <= line < len(lines):
                lines[line] = ""
                outline = _Outline.of("\n".join(lines), path)
        return outline

    def labels_of(self, name: str) -> tuple[str, ...]:
        """The labels a value may be: an input's categories or scale, a grade's scale."""
        decl = self.values.get(name)
        scale: str | None = None
        match decl:
            case ast.Input(type=ast.OneOf(labels=labels)):
                return labels
            case ast.Input(type=ast.ScaleType(scale=s)):
                scale = s
            case ast.Grade(name=n, scale=s):
                scale = s or n
        found = self.scales.get(scale) if scale is not None else None
        return () if found is None else found.labels + ((found.unrated,) if found.unrated else ())


def _declarations(statements) -> Iterator:
    """The named declarations, a ``group by`` block's ranks and group values included (first
    written first: in a resolved module an override already stands in its base's place)."""
    for st in statements:
        if isinstance(st, ast.GroupBy):
            yield from (r for r in st.rules if isinstance(r, ast.Rank | ast.Let))
        elif isinstance(st, ast.NAMED):
            yield st


def _word_at(text: str, line: int, column: int) -> tuple[str, int, int] | None:
    """The name the cursor is in or just after: (name, start, end) on its line."""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return None
    for m in _NAME.finditer(lines[line]):
        if m.start() <= column <= m.end():
            return m.group(), m.start(), m.end()
    return None


def _kind(decl: object) -> str:
    return ast.KEYWORD_OF[type(decl)]


def _kind_word(decl: object, lang: str) -> str:
    """``参数`` (``param``): a record error's word for the kind, the catalogue's for a scale."""
    kind = _kind(decl)
    return say(f"edit.kind.{kind}" if kind == "scale" else f"record.kind.{kind}", lang)


def _name_range(outline: _Outline, decl, name: str) -> Range:
    """Where ``decl`` writes its name: the first ``name`` on its first line after its keyword."""
    span: ast.Span = decl.span
    lines = outline.sources.get(span.path) or []
    if 0 < span.line <= len(lines):
        text = lines[span.line - 1]
        m = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)").search(text, max(span.column - 1, 0))
        if m:
            return Range(span.line - 1, m.start(), span.line - 1, m.end())
    return _range(span)


# ---------------------------------------------------------------- hover and definition


def definition(text: str, path: str | None, line: int, column: int) -> Location | None:
    """Where the name under the cursor is defined, in this file or one it extends (an override
    is the definition in force); on ``extends "FILE"``, that file."""
    outline = _Outline.near(text, path, line)
    if outline is None:
        return None
    header = outline.module.header
    extends = _range(header.extends_span)
    if header.extends is not None and extends.line == line and \
            extends.column <= column <= extends.end_column:
        try:  # as extends reads it: a file that is not a ruleset is no definition
            base, _ = file_loader(header.extends, path)
        except (OSError, ValueError):
            return None
        return Location(base, Range(0, 0, 0, 0))
    decl = _declared(outline, text, line, column)
    if decl is None:
        return None
    return Location(decl.span.path, _name_range(outline, decl, decl.name))


def _declared(outline: _Outline, text: str, line: int, column: int):
    """The declaration of the name under the cursor: a scale where the text names a scale
    (``scale S``, ``of S``, ``input X: S``, or a name only a scale has), else a value."""
    word = _word_at(text, line, column)
    if word is None:
        return None
    name = word[0]
    before = text.split("\n")[line][:word[1]]
    if re.search(r"(?:(?:scale|of)\s+|input\s+\w+\s*[:：]\s*)$", before) or \
            (name in outline.scales and name not in outline.values):
        return outline.scales.get(name)
    return outline.values.get(name)


def hover(text: str, path: str | None, line: int, column: int, lang: str = "zh",
          record: Mapping[str, object] | None = None) -> str | None:
    """Markdown about the name under the cursor: what it is (its declaration as the formatter
    writes it: an input's type and range, a param's value and why it was chosen, a let's or
    score's expression, a grade's scale), the article it cites, its comment and where it is
    defined; with a ``record`` (the studio's selected one), its value there, as the reference
    evaluator gives it; for a label, the values it is a label of. None over anything else."""
    outline = _Outline.near(text, path, line)
    if outline is None:
        return None
    decl = _declared(outline, text, line, column)
    if decl is None:
        word = _word_at(text, line, column)
        return _label_hover(outline, word[0], lang) if word else None
    parts = [f"**{_kind_word(decl, lang)} {decl.name}**",
             "```evalrules\n" + "\n".join(_shown(decl, outline)) + "\n```"]
    if isinstance(decl, ast.Grade):
        scale = outline.scales.get(decl.scale or decl.name)
        if scale is not None:
            parts.append(say("edit.hover.scale_of", lang, scale=scale.name,
                             labels=" > ".join(scale.labels)))
    cite = getattr(decl, "cite", None)
    if cite:
        parts.append(say("edit.hover.per", lang, cite=cite))
    chosen = getattr(decl, "chosen", None)
    if chosen:
        parts.append(say("edit.hover.chosen", lang, chosen=chosen))
    comment = _comment(outline, decl)
    if comment:
        parts.append(say("edit.hover.comment", lang, comment=comment))
    replaced = outline.inherited.get(decl.name)
    if replaced is not None and replaced is not decl:
        parts.append(say("edit.hover.overrides", lang, path=replaced.span.path,
                         line=replaced.span.line, was=" ".join(_shown(replaced, outline))))
    if decl.span.path != path:
        parts.append(say("edit.hover.defined_in", lang, path=decl.span.path,
                         line=decl.span.line))
    if record is not None:
        value = _value_on(text, path, decl, record, lang)
        if value is not None:
            parts.append(value)
    return "\n\n".join(parts)


def _value_on(text: str, path: str | None, decl, record: Mapping[str, object], lang: str
              ) -> str | None:
    """What ``decl`` is on ``record`` by the reference evaluator (the definition of the meaning):
    a value exactly (``0.2``, ``11/12``), whether a veto or outcome applies; the record's error if
    it cannot be graded. None while the text does not compile, or for a scale (which may share
    its name with a grade, whose value it is not)."""
    if isinstance(decl, ast.Scale):
        return None
    try:
        ruleset = compile(text, path=path)
    except RulesetError:
        return None
    try:
        result = ruleset.reference_evaluate(record)
        if isinstance(decl, ast.Veto | ast.Outcome):
            held = decl.name in (result.vetoes if isinstance(decl, ast.Veto) else result.outcomes)
            value = say("edit.hover.holds" if held else "edit.hover.fails", lang)
        elif decl.name in result:
            value = _shown_value(result[decl.name], lang)
        else:
            return None
    except GroupRulesError:
        return say("edit.hover.value_grouped", lang)
    except InputError as e:
        return say("edit.hover.value_error", lang, error=e.text(lang))
    return say("edit.hover.value", lang, value=value)


def _shown_value(value: object, lang: str) -> str:
    if isinstance(value, bool):
        return say("edit.hover.holds" if value else "edit.hover.fails", lang)
    if isinstance(value, Fraction | int):
        return exact_str(value)
    if isinstance(value, dict):  # a ballot's votes, as the record gives them
        return say("list.items", lang).join(f"{k} {v}" for k, v in value.items())
    return str(value)


def _shown(decl, outline: _Outline) -> list[str]:
    """The declaration's text: the formatter's, a grade table's head only; a rank (which has
    no statement of its own) as written."""
    if isinstance(decl, ast.Rank):
        lines = outline.sources.get(decl.span.path) or [""]
        return [lines[decl.span.line - 1].strip()] if 0 < decl.span.line <= len(lines) else []
    lines = unparse.statement(decl)
    return lines[:1] if isinstance(decl, ast.Grade | ast.Sheet) else lines


def _comment(outline: _Outline, decl) -> str | None:
    """The comment at the end of the declaration's first line, or its note (the comment above
    a rule), as the author wrote it."""
    note = getattr(decl, "note", None)
    if note:
        return note
    lines = outline.sources.get(decl.span.path) or []
    if not 0 < decl.span.line <= len(lines):
        return None
    quoted = False
    for i, c in enumerate(lines[decl.span.line - 1]):
        if c == '"':
            quoted = not quoted
        elif c == "#" and not quoted:
            return lines[decl.span.line - 1][i + 1:].strip() or None
    return None


def _label_hover(outline: _Outline, word: str, lang: str) -> str | None:
    """Which scales, inputs and ballots have ``word`` among their labels."""
    owners = [f"{_kind_word(s, lang)} {s.name}" for s in outline.scales.values()
              if word in s.labels or word == s.unrated]
    for decl in outline.values.values():
        match decl:
            case ast.Ballot(categories=labels) | ast.Input(type=ast.OneOf(labels=labels)) \
                    if word in labels:
                owners.append(f"{_kind_word(decl, lang)} {decl.name}")
    if not owners:
        return None
    kind = say("edit.kind.label", lang)
    return f"**{word}**\n\n" + "\n\n".join(say("edit.hover.label_of", lang, owner=o, kind=kind)
                                           for o in owners)


def symbols(text: str, path: str | None = None) -> list[Symbol]:
    """The named declarations ``text`` writes (its overrides included, a ``group by`` block's
    ranks and group values too), in written order; none while it does not parse."""
    outline = _Outline.of(text, path)
    if outline is None:
        return []
    lines = outline.sources.get(path) or [""]
    statements = outline.module.statements
    found = []
    for i, st in enumerate(statements):
        # A statement runs to the next one (a grade table's span is its head only).
        end = statements[i + 1].span.line - 1 if i + 1 < len(statements) else len(lines)
        decl = st.declaration if isinstance(st, ast.Override) else st
        for d in _declarations([decl]):
            whole = _written(lines, st.span.line - 1, end) if d is decl else \
                _written(lines, d.span.line - 1, d.span.line)
            found.append(Symbol(d.name, _kind(d), whole, _name_range(outline, d, d.name)))
    return found


def _written(lines: list[str], first: int, end: int) -> Range:
    """Lines ``first`` up to ``end`` (exclusive) without the blank and comment lines at their
    end: from the start of the first to the end of the last line of code."""
    last = min(end, len(lines)) - 1
    while last > first and (not lines[last].strip() or lines[last].lstrip().startswith("#")):
        last -= 1
    return Range(first, 0, last, len(lines[last]))


# ---------------------------------------------------------------- completion and formatting


def completion(text: str, path: str | None, line: int, column: int, lang: str = "zh"
               ) -> list[Completion]:
    """What may be typed at the cursor: after ``NAME is``, the labels NAME may take; inside
    ``share(BALLOT:``, the ballot's categories; elsewhere every name the ruleset (and what it
    extends) declares and the grammar's keywords. The editor filters by what is typed."""
    outline = _Outline.near(text, path, line)
    lines = text.split("\n")
    before = lines[line][:column] if 0 <= line < len(lines) else ""
    label = say("edit.kind.label", lang)
    if outline is not None:
        m = _IS.search(before)
        if m and outline.labels_of(m.group(1)):
            return [Completion(x, "label", f"{label} · {m.group(1)}")
                    for x in outline.labels_of(m.group(1))]
        m = _CATEGORY.search(before)
        ballot = outline.values.get(m.group(1)) if m else None
        if m and isinstance(ballot, ast.Ballot):
            return [Completion(x, "label", f"{label} · {ballot.name}") for x in ballot.categories]
    names = [] if outline is None else [
        Completion(name, "name", f"{_kind_word(decl, lang)} · {unparse.statement(decl)[0]}"
                   if not isinstance(decl, ast.Rank) else _kind_word(decl, lang))
        for name, decl in [*outline.values.items(), *outline.scales.items()]]
    keyword = say("edit.kind.keyword", lang)
    return names + [Completion(k, "keyword", keyword) for k in sorted(reserved())]


def formatting(text: str, path: str | None = None) -> str | None:
    """``text`` as ``evalrules fmt`` writes it; None when it does not parse (nothing to do until
    it does) or the formatter refuses (a formatter bug: the text is left as it is)."""
    try:
        return format_source(text, path)
    except (RulesetError, FormatError):
        return None
