"""One self-contained HTML page for a graded file: ``evalrules report``.

No network, no external file: the charts are inline SVG drawn here, the script and style are
inline (:mod:`report.assets`). The page holds, in order: the ruleset and the data it graded, when
it was made; a summary whose every percentage names its base; each grade table's distribution;
vetoes and outcomes; the distribution by one column (``by``); the records near a line (one vote
from another decision, :mod:`report.near`) with what the vote would change; the records that
cannot be graded; and every record in a paged table with its vote counts and shares.

The records travel as one compact JSON array (``<script type="application/json">``) that the
script shows a page at a time, so a page of 10^5 records opens in a moment: only the first
:data:`STATIC_ROWS` are written as HTML rows as well, for a reader without script and the first
print. Explanations are written only for the first :data:`EXPLAINED` records near a line; any
record's explanation is one ``evalrules explain`` away, and the page says so.

Printing (A4): the search box, the paging and the explanation links are left out; the margins
carry the generation time and the page numbers; the header row of each table repeats on every
printed page; the records printed are those matching the search (up to :data:`PRINTED`).

Every sentence is a key of :mod:`messages`; a record's error text comes from :func:`error_text`
alone, so that it can be said in the user's language in one place.

Imports :mod:`messages`, :mod:`grading`, :mod:`report.near` and :mod:`report.assets`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from html import escape

from .. import ast, unparse
from ..columns import RESULT_COLUMNS, input_columns, value_columns
from ..grading import Graded
from ..messages import say
from .assets import COLOURS, CSS, SCRIPT, UNRATED_COLOUR
from .near import Change, Near, ballot_counts, decisions

#: Records written as HTML rows (the page without script, and the first screen).
STATIC_ROWS = 100
#: Records a screen of the table shows.
PAGE_ROWS = 100
#: Records printed at most (those matching the search).
PRINTED = 2000
#: Records near a line and records with errors listed in their own sections.
LISTED = 200
#: Records near a line whose explanation is written into the page.
EXPLAINED = 50

#: A record's status in the table: none, near a line, an error.
PLAIN, NEAR, ERROR = 0, 1, 2


def percent(n: int, total: int) -> str:
    """``n/total`` as a percentage with two decimals, rounded half away from zero (exact)."""
    if total <= 0:
        return "–"
    hundredths = (2 * n * 10000 + total) // (2 * total)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def error_text(graded: Graded, i: int, lang: str) -> str:
    """Record ``i``'s error as the page says it, in ``lang`` (the one place that words a
    record's error)."""
    return graded.error_text(i, lang) or ""


def own_columns(graded: Graded) -> list[str]:
    """The sheet's columns the ruleset neither reads nor writes: 编号, 单位, notes."""
    ruleset = graded.ruleset
    skip = {*input_columns(ruleset.checked), *value_columns(ruleset.checked), *RESULT_COLUMNS}
    return [c for c in graded.sheet.columns if c not in skip]


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def chart(title: str, labels: Sequence[str], counter: Counter, total: int,
          unrated: str | None = None) -> str:
    """A horizontal bar chart as inline SVG: one bar per label, its count and share of
    ``total``; the ``unrated`` label (不定等次, not on the scale's order) in grey."""
    bar_height, gap, label_width, bar_width, number_width = 26, 8, 110, 320, 130
    height = len(labels) * (bar_height + gap) + 34
    most = max([counter[label] for label in labels] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grade-chart" role="img" '
             f'width="{label_width + bar_width + number_width}" height="{height}" '
             f'aria-label="{escape(title)}">',
             f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>']
    for i, label in enumerate(labels):
        y = 30 + i * (bar_height + gap)
        n = counter[label]
        w = max(round(bar_width * n / most), 1)
        rated = len(labels) - (unrated is not None)
        colour = (UNRATED_COLOUR if label == unrated else
                  COLOURS[i * 4 // max(rated - 1, 1)] if rated <= 5 else COLOURS[i % len(COLOURS)])
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" font-size="14" text-anchor="end">'
            f'{escape(label)}</text>'
            f'<rect class="bar" data-label="{escape(label)}" data-count="{n}" x="{label_width}" '
            f'y="{y}" width="{w}" height="{bar_height}" fill="{colour}" rx="3"/>'
            f'<text x="{label_width + w + 6}" y="{y + 18}" font-size="14">'
            f'{n} ({percent(n, total)})</text>')
    parts.append("</svg>")
    return "".join(parts)


class _Page:
    """What the sections of one page share: the graded sheet, its language and tables."""

    def __init__(self, graded: Graded, near: Sequence[Near] | None, lang: str):
        self.graded, self.near, self.lang = graded, near, lang
        ruleset = graded.ruleset
        self.grades = ruleset.grades
        self.ballots = ruleset.checked.ballots
        self.own = own_columns(graded)
        self.own_text = [list(map(cell_text, graded.sheet.cells[c])) for c in self.own]
        self.total = len(graded)
        self.failed = graded.failed
        self.counted = self.total - self.failed
        decided = decisions(graded)
        self.counts = {b: ballot_counts(graded.sheet, b, cats, decided)
                       for b, cats in self.ballots.items()}
        self.near_at = {n.index: n for n in near or ()}
        self.veto_index = {v: k for k, v in enumerate(ruleset.vetoes)}
        self.outcome_index = {o: k for k, o in enumerate(ruleset.outcomes)}
        self.label_index = {g: {label: k for k, label in enumerate(labels)}
                            for g, labels in self.grades.items()}

    def say(self, key: str, **values: object) -> str:
        return escape(say(key, self.lang, **values))

    def votes(self, i: int, ballot: str) -> str:
        counts = self.counts[ballot][i]
        if counts is None:
            return ""
        total = sum(counts)
        return "\n".join(
            f"{c} " + (say("report.votes", self.lang, votes=n, total=total,
                           percent=percent(n, total)) if total else say("report.no_votes",
                                                                        self.lang))
            for c, n in zip(self.ballots[ballot], counts, strict=True))

    def own_cells(self, i: int) -> list[str]:
        return [column[i] for column in self.own_text]

    def status(self, i: int) -> tuple[int, str]:
        if self.graded.errors[i] is not None:
            return ERROR, error_text(self.graded, i, self.lang)
        if i in self.near_at:
            return NEAR, self.effects_summary(self.near_at[i])
        return PLAIN, ""

    # ------------------------------------------------------------ what a vote changes

    def effect(self, change: Change) -> str:
        before, after = change.before, change.after
        if after is None:
            return say("report.effect_error", self.lang, error=change.error or "")
        parts = [say("report.effect_grade", self.lang, grade=g, before=b, after=a)
                 for g, b, a in zip(self.grades, before[0], after[0], strict=True) if a != b]
        parts += [say("report.effect_veto_on", self.lang, veto=v)
                  for v in after[1] if v not in before[1]]
        parts += [say("report.effect_veto_off", self.lang, veto=v)
                  for v in before[1] if v not in after[1]]
        parts += [say("report.effect_outcome_on", self.lang, outcome=o)
                  for o in after[2] if o not in before[2]]
        parts += [say("report.effect_outcome_off", self.lang, outcome=o)
                  for o in before[2] if o not in after[2]]
        return say("report.separator", self.lang).join(parts)

    def effects(self, near: Near) -> list[tuple[str, list[str]]]:
        """Each distinct effect of a record's moves, with the moves that have it."""
        grouped: dict[str, list[str]] = {}
        for change in near.changes:
            m = change.move
            grouped.setdefault(self.effect(change), []).append(
                say("report.move", self.lang, ballot=m.ballot, source=m.source,
                    target=m.target))
        return list(grouped.items())

    def effects_summary(self, near: Near) -> str:
        return say("report.separator", self.lang).join(e for e, _ in self.effects(near))


def render(graded: Graded, near: Sequence[Near] | None, *, data_name: str, generated: str,
           by: str | None = None, explain_command: str = "", lang: str = "zh") -> str:
    """The page. ``near`` is :func:`report.near.near_the_line`'s list, or None where the ruleset
    has group rules; ``generated`` the time printed on it; ``by`` a column of the sheet to break
    the distribution down by; ``explain_command`` the command that explains one record."""
    p = _Page(graded, near, lang)
    ruleset = graded.ruleset
    title = ruleset.title or ruleset.name
    sheet = graded.sheet
    margins = _margins(lang, generated)
    data = (p.say("report.data_sheet", data=data_name, sheet=sheet.sheet) if sheet.sheet
            else p.say("report.data", data=data_name))
    out = ["<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head>',
           '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)}</title><style>{CSS.replace('{margins}', margins)}</style>"
           "</head><body>",
           f"<h1>{escape(title)}</h1>",
           f'<p class="meta">{p.say("report.ruleset", name=ruleset.name, path=ruleset.path or "")}'
           f'</p><p class="meta">{data}</p>',
           f'<p class="meta">{p.say("report.generated", time=generated)}</p>']
    sections = [("summary", p.say("report.summary")), ("distribution",
                                                        p.say("report.distribution"))]
    if by is not None:
        sections.append(("by", p.say("report.by", column=by)))
    sections += [("near", p.say("report.near", count=len(near or ()))),
                 ("errors", p.say("report.errors", count=p.failed)),
                 ("records", p.say("report.table")), ("source", p.say("report.source"))]
    out.append(f"<nav>{p.say('report.contents')}" + "".join(
        f'<a href="#{anchor}">{text}</a>' for anchor, text in sections) + "</nav>")
    out += _summary(p)
    out += _distribution(p)
    if by is not None:
        out += _by(p, by)
    out += _near(p)
    out += _errors(p)
    out += _records(p, explain_command)
    out.append(f'<h2 id="source">{p.say("report.source")}</h2><details><summary>'
               f'{escape(ruleset.path or "")}</summary><pre>{escape(ruleset.source)}</pre>'
               "</details>")
    out.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"


def _margins(lang: str, generated: str) -> str:
    """The printed page's margin boxes: the generation time, and 第 n 页，共 m 页 (the page
    counters spliced into the sentence where its placeholders are)."""
    page = (_css_text(say("report.page", lang, page="\0", pages="\1"))
            .replace("\0", '" counter(page) "').replace("\1", '" counter(pages) "'))
    style = ";font-size:8pt;color:#555}"
    return (f'@bottom-left{{content:"{_css_text(say("report.generated", lang, time=generated))}"'
            f'{style}@bottom-right{{content:"{page}"{style}')


def _css_text(text: str) -> str:
    """Text inside a CSS string literal: quotes, backslashes and line breaks escaped."""
    return "".join(f"\\{ord(c):x} " if c in '"\\\n\r<>' else c for c in text)


def _summary(p: _Page) -> list[str]:
    out = [f'<h2 id="summary">{p.say("report.summary")}</h2>',
           "<p>" + p.say("report.counts", total=p.total, graded=p.counted, failed=p.failed,
                         graded_share=percent(p.counted, p.total),
                         failed_share=percent(p.failed, p.total))]
    if p.near is not None:
        out.append(p.say("report.counts_near", near=len(p.near), graded=p.counted,
                         share=percent(len(p.near), p.counted)))
    out.append("</p>")
    if p.graded.sheet.notes:
        out.append(f"<p>{p.say('report.notes')}</p><ul>" + "".join(
            f"<li>{escape(n.text(p.lang))}</li>" for n in p.graded.sheet.notes) + "</ul>")
    warnings = p.graded.group_warnings()
    if warnings:  # never a silently smaller group: name each
        out.append(f"<p>{p.say('summary.group_warnings', count=len(warnings))}</p><ul>" + "".join(
            f"<li>{escape(w.text(p.lang))}</li>" for w in warnings) + "</ul>")
    return out + _chosen(p)


def _chosen(p: _Page) -> list[str]:
    """The params marked ``chosen "…"``: the numbers a reader should know are local choices."""
    ruleset = p.graded.ruleset
    chosen = {n: d for n, d in ruleset.checked.params.items() if d.chosen is not None}
    if not chosen:
        return []
    values = ruleset.constants.params
    items = []
    for name, decl in chosen.items():
        expr, exact = decl.expr, values[name]
        if isinstance(expr, ast.Number) and expr.text is not None and expr.value == exact:
            value = expr.text  # as written: 20%, not 0.2
        elif isinstance(exact, Fraction):
            value = unparse.decimal_text(exact) or str(exact)
        else:
            value = str(exact)
        items.append(f"<li>{p.say('report.chosen_item', name=name, value=value, why=decl.chosen)}"
                     "</li>")
    return [f"<p>{p.say('report.chosen')}</p><ul>" + "".join(items) + "</ul>"]


def _distribution(p: _Page) -> list[str]:
    graded = p.graded
    counts = graded.counts()
    out = [f'<h2 id="distribution">{p.say("report.distribution")}</h2>',
           f'<p class="meta">{p.say("report.of_graded", graded=p.counted)}</p>',
           '<div class="charts">']
    checked = graded.ruleset.checked
    for g, labels in p.grades.items():
        unrated = checked.unrated.get(checked.types[g].scale or "")
        out.append(f'<div class="chart">{chart(g, labels, counts[g], p.counted, unrated)}</div>')
    out.append("</div>")
    for key, attribute in (("report.vetoes", "vetoes"), ("report.outcomes", "outcomes")):
        tally = graded.tally(attribute)
        if not tally:
            continue
        out.append(f"<h3>{p.say(key)}</h3><table class=\"tally\"><thead><tr>"
                   f"<th>{p.say('report.name')}</th><th>{p.say('report.records')}</th>"
                   f"<th>{p.say('report.share_of_graded', graded=p.counted)}</th></tr></thead>"
                   "<tbody>")
        out += [f'<tr><td>{escape(name)}</td><td class="n">{n}</td>'
                f'<td class="n">{percent(n, p.counted)}</td></tr>' for name, n in tally.items()]
        out.append("</tbody></table>")
    return out


def _by(p: _Page, column: str) -> list[str]:
    """The grade distribution for each value of ``column``, in the order values first occur."""
    graded = p.graded
    blank = say("report.blank", p.lang)
    keys = [cell_text(v).strip() or blank for v in graded.sheet.cells[column]]
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    head = [escape(column), p.say("report.group_all")]
    for g, labels in p.grades.items():
        head += [f"{escape(g)} {escape(label)}" for label in labels]
    head.append(p.say("report.group_failed"))
    out = [f'<h2 id="by">{p.say("report.by", column=column)}</h2>',
           f'<p class="meta">{p.say("report.by_note")}</p>',
           '<table class="by"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head)
           + "</tr></thead><tbody>"]

    def line(name: str, members: Sequence[int]) -> str:
        failed = sum(graded.errors[i] is not None for i in members)
        counted = len(members) - failed
        cells = [escape(name), str(len(members))]
        for g, labels in p.grades.items():
            tally = Counter(graded.values[g][i] for i in members)
            cells += [f"{tally[label]} ({percent(tally[label], counted)})" for label in labels]
        cells.append(f"{failed} ({percent(failed, len(members))})")
        return ("<tr>" + f"<td>{cells[0]}</td>"
                + "".join(f'<td class="n">{c}</td>' for c in cells[1:]) + "</tr>")

    out += [line(name, members) for name, members in groups.items()]
    out.append(line(say("report.group_total", p.lang), range(p.total)))
    out.append("</tbody></table>")
    return out


def _record_head(p: _Page, last: str) -> str:
    head = [p.say("report.row"), *map(escape, p.own), *map(escape, p.grades),
            *map(escape, p.ballots), p.say("report.vetoes"), p.say("report.outcomes"), last]
    return "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>"


def _record_cells(p: _Page, i: int) -> list[str]:
    """Record ``i``'s cells as the table shows them, before its last column."""
    graded = p.graded
    sep = say("report.separator", p.lang)
    grades = [cell_text(graded.values[g][i]) for g in p.grades]
    return [str(graded.sheet.rows[i]), *p.own_cells(i), *grades,
            *(p.votes(i, b) for b in p.ballots), sep.join(graded.vetoes[i]),
            sep.join(graded.outcomes[i])]


def _row(p: _Page, i: int, last: str, css: str = "") -> str:
    cells = _record_cells(p, i)
    votes = range(1 + len(p.own) + len(p.grades), 1 + len(p.own) + len(p.grades) + len(p.ballots))
    kinds = ['<td class="n">' if k == 0 else '<td class="v">' if k in votes else "<td>"
             for k in range(len(cells))]
    attrs = f' class="{css}"' if css else ""
    return (f'<tr data-row="{p.graded.sheet.rows[i]}"{attrs}>'
            + "".join(f"{kind}{escape(c)}</td>" for kind, c in zip(kinds, cells, strict=True))
            + f"<td>{last}</td></tr>")


def _near(p: _Page) -> list[str]:
    near = p.near
    out = [f'<h2 id="near">{p.say("report.near", count=len(near or ()))}</h2>']
    if near is None:
        return [*out, f"<p>{p.say('report.near_group')}</p>"]
    if not near:
        return [*out, f"<p>{p.say('report.near_none')}</p>"]
    out.append(f"<p>{p.say('report.near_intro')}</p>")
    if len(near) > LISTED:
        out.append(f"<p>{p.say('report.near_more', shown=LISTED, more=len(near) - LISTED)}</p>")
    explained = min(EXPLAINED, len(near))
    out.append(f"<p class=\"noprint\">{p.say('report.explained', shown=explained)}</p>")
    out.append(f'<table class="near">{_record_head(p, p.say("report.change"))}<tbody>')
    for number, record in enumerate(near[:LISTED]):
        lines = "<br>".join(
            escape(say("report.effect_line", p.lang, effect=effect,
                       moves=say("report.separator", p.lang).join(moves)))
            for effect, moves in p.effects(record))
        if number < explained:
            text = p.graded.result(record.index).explain(p.lang)
            lines += (f"<details><summary>{p.say('report.explanation')}</summary>"
                      f"<pre>{escape(text)}</pre></details>")
        out.append(_row(p, record.index, lines))
    out.append("</tbody></table>")
    return out


def _errors(p: _Page) -> list[str]:
    failed = [i for i, e in enumerate(p.graded.errors) if e is not None]
    out = [f'<h2 id="errors">{p.say("report.errors", count=len(failed))}</h2>']
    if not failed:
        return out
    if len(failed) > LISTED:
        out.append(f"<p>{p.say('report.errors_more', shown=LISTED, more=len(failed) - LISTED)}"
                   "</p>")
    out.append(f'<table class="errors">{_record_head(p, p.say("report.error_tag"))}<tbody>')
    out += [_row(p, i, escape(error_text(p.graded, i, p.lang)), "bad") for i in failed[:LISTED]]
    out.append("</tbody></table>")
    return out


def _records(p: _Page, explain_command: str) -> list[str]:
    lang = p.lang
    static = min(STATIC_ROWS, p.total)
    out = [f'<h2 id="records">{p.say("report.table")}</h2>']
    if explain_command:
        out.append(f'<p>{p.say("report.explain_how", command=explain_command)}</p>')
    out.append(
        f'<p id="controls" hidden><input id="q" type="search" '
        f'placeholder="{p.say("report.search")}" aria-label="{p.say("report.search")}">'
        f'<button id="prev" type="button">{p.say("report.previous")}</button>'
        f'<span id="shown"></span>'
        f'<button id="next" type="button">{p.say("report.next")}</button></p>')
    if static < p.total:
        out.append(f"<noscript><p>{p.say('report.noscript', shown=static, total=p.total)}</p>"
                   "</noscript>")
    out.append('<p id="printed" class="printonly"></p>')
    out.append(f'<table id="records">{_record_head(p, p.say("report.remarks"))}<tbody>')
    tags = {NEAR: "near", ERROR: "bad"}
    rows = []
    for i in range(p.total):
        status, text = p.status(i)
        if i < static:
            last = "" if status == PLAIN else escape(say(
                "report.near_status" if status == NEAR else "report.error_status", lang,
                **{"effects" if status == NEAR else "error": text}))
            out.append(_row(p, i, last, tags.get(status, "")))
        rows.append(_json_row(p, i, status, text))
    out.append("</tbody></table>")
    words = {
        "votes": say("report.votes", lang, votes="{votes}", total="{total}",
                     percent="{percent}"),
        "no_votes": say("report.no_votes", lang),
        "sep": say("report.separator", lang),
        "shown": say("report.shown", lang, first="{first}", last="{last}",
                     matches="{matches}", total="{total}"),
        "none": say("report.none_shown", lang, total="{total}"),
        "printed": say("report.printed", lang, printed="{printed}", matches="{matches}"),
        "tags": ["", say("report.near_tag", lang), say("report.error_tag", lang)],
        "status": ["", say("report.near_status", lang, effects="{text}"),
                   say("report.error_status", lang, error="{text}")],
    }
    data = {"words": words, "page": PAGE_ROWS, "print": PRINTED,
            "grades": [[g, list(labels)] for g, labels in p.grades.items()],
            "ballots": [[b, list(c)] for b, c in p.ballots.items()],
            "vetoes": list(p.graded.ruleset.vetoes), "outcomes": list(p.graded.ruleset.outcomes),
            "rows": rows}
    # "<" never appears raw inside the script element, so no cell can close it
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    out.append(f'<script type="application/json" id="report-data">{text}</script>')
    return out


def _json_row(p: _Page, i: int, status: int, text: str) -> list:
    """Record ``i`` for the script: [row, own cells, grade indexes (-1: none), each ballot's
    counts (or null), veto indexes, outcome indexes, status, status text]."""
    graded = p.graded
    grades = [-1 if graded.values[g][i] is None else p.label_index[g][str(graded.values[g][i])]
              for g in p.grades]
    return [graded.sheet.rows[i], p.own_cells(i), grades, [p.counts[b][i] for b in p.ballots],
            [p.veto_index[v] for v in graded.vetoes[i]],
            [p.outcome_index[o] for o in graded.outcomes[i]], status, text]
