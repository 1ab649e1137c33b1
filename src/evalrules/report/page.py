"""One self-contained HTML page for a graded file: ``evalrules report``.

No network, no external file: the charts are inline SVG drawn here, the search box is a few lines
of inline script (and the table still reads without script). The page holds the ruleset's title,
path and source, a bar chart of each grade table's distribution, the counts of vetoes and
outcomes, and a table of the records, each with its explanation. The search box filters the table
(every word must occur in the row); ``report.html#q=较差`` opens the page already filtered, and the
address follows the box, so a filtered view can be bookmarked or sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

from ..ruleset import Result, Ruleset

_WORDS = {
    "zh": {"counts": "共 {total} 条记录，已评定 {graded} 条，有错误 {failed} 条",
           "source": "规则集原文",
           "path": "文件", "data": "数据", "grade": "档次", "count": "人数", "share": "占比",
           "vetoes": "一票否决", "outcomes": "结果运用", "table": "逐条结果", "row": "行",
           "search": "搜索（多个词用空格分开）", "shown": "显示", "of": "/",
           "explain": "说明", "error": "错误", "none": "无", "distribution": "分布",
           "applied": "适用"},
    "en": {"counts": "{total} records, {graded} graded, {failed} with errors",
           "source": "Ruleset source", "path": "file", "data": "data", "grade": "grade",
           "count": "count", "share": "share", "vetoes": "Vetoes", "outcomes": "Outcomes",
           "table": "Records", "row": "row", "search": "Search (all words must match)",
           "shown": "showing", "of": "of", "explain": "explanation", "error": "error",
           "none": "none", "distribution": "distribution", "applied": "applied to"},
}
#: Bar colours, best grade first (green → red), for scales of up to six labels.
_COLOURS = ("#2e7d32", "#689f38", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a")

_CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei","PingFang SC",
 sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
h1{font-size:1.5em;margin-bottom:4px}h2{font-size:1.2em;margin-top:28px}
.meta{color:#555;margin:2px 0}.charts{display:flex;flex-wrap:wrap;gap:24px}
.chart{border:1px solid #ddd;border-radius:6px;padding:8px 12px}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;
 vertical-align:top}th{background:#f3f3f3;position:sticky;top:0}
td.n{text-align:right}tr.bad td{background:#fff0f0}
#q{font-size:1.1em;padding:6px 10px;width:28em;max-width:100%}
#shown{margin-left:12px;color:#555}pre{white-space:pre-wrap;margin:4px 0;font-size:.9em}
details summary{cursor:pointer;color:#1565c0}
"""

_SCRIPT = """
(function(){
  var box=document.getElementById('q'),shown=document.getElementById('shown');
  var rows=Array.prototype.slice.call(document.querySelectorAll('#records tbody tr'));
  var total=rows.length;
  function filter(){
    var words=box.value.toLowerCase().split(/\\s+/).filter(function(w){return w;});
    var n=0;
    rows.forEach(function(r){
      var text=r.getAttribute('data-q');
      var ok=words.every(function(w){return text.indexOf(w)>=0;});
      r.hidden=!ok; if(ok){n++;}
    });
    shown.textContent=shown.getAttribute('data-shown')+' '+n+' '+
      shown.getAttribute('data-of')+' '+total;
    document.body.setAttribute('data-matches',String(n));
  }
  function fromHash(){
    var m=/^#q=(.*)$/.exec(location.hash);
    if(m){box.value=decodeURIComponent(m[1].replace(/\\+/g,' '));}
    filter();
  }
  box.addEventListener('input',function(){
    history.replaceState(null,'',box.value?'#q='+encodeURIComponent(box.value):
      location.pathname+location.search);
    filter();
  });
  window.addEventListener('hashchange',fromHash);
  fromHash();
})();
"""


def chart(title: str, labels: Sequence[str], counter: Counter, total: int) -> str:
    """A horizontal bar chart as inline SVG: one bar per label, with its count and share."""
    bar_height, gap, label_width, bar_width, number_width = 26, 8, 110, 320, 110
    height = len(labels) * (bar_height + gap) + 34
    most = max([counter[label] for label in labels] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grade-chart" role="img" '
             f'width="{label_width + bar_width + number_width}" height="{height}" '
             f'aria-label="{escape(title)}">',
             f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>']
    for i, label in enumerate(labels):
        y = 30 + i * (bar_height + gap)
        n = counter[label]
        w = round(bar_width * n / most)
        share = f"{100 * n / total:.1f}%" if total else "–"
        colour = (_COLOURS[i * 4 // max(len(labels) - 1, 1)] if len(labels) <= 5
                  else _COLOURS[i % len(_COLOURS)])
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" font-size="14" text-anchor="end">'
            f'{escape(label)}</text>'
            f'<rect class="bar" data-label="{escape(label)}" data-count="{n}" x="{label_width}" '
            f'y="{y}" width="{max(w, 1)}" height="{bar_height}" fill="{colour}" rx="3"/>'
            f'<text x="{label_width + max(w, 1) + 6}" y="{y + 18}" font-size="14">'
            f'{n} ({share})</text>')
    parts.append("</svg>")
    return "".join(parts)


def render(ruleset: Ruleset, rows: Sequence[dict], results: Sequence[Result | None],
           errors: Sequence[str], *, shown_columns: Sequence[str], data_name: str,
           lang: str = "zh") -> str:
    """The page. ``rows`` are the records as read; ``shown_columns`` those of their columns the
    table shows beside the results (the user's own: 编号, 单位…)."""
    w = _WORDS[lang]
    total, failed = len(rows), sum(bool(e) for e in errors)
    graded = total - failed
    title = ruleset.title or ruleset.name
    out = ["<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head>',
           '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{escape(title)}</h1>",
           f'<p class="meta">{escape(ruleset.name)} · {w["path"]}: '
           f"<code>{escape(ruleset.path or '')}</code></p>",
           f'<p class="meta">{w["data"]}: <code>{escape(data_name)}</code> · '
           + w["counts"].format(total=total, graded=graded, failed=failed) + "</p>"]

    # charts
    grades = ruleset.grades
    counts: dict[str, Counter] = {g: Counter() for g in grades}
    vetoes = Counter(dict.fromkeys(ruleset.vetoes, 0))
    outcomes = Counter(dict.fromkeys(ruleset.outcomes, 0))
    for result in results:
        if result is None:
            continue
        for g in grades:
            counts[g][result[g]] += 1
        vetoes.update(result.vetoes)
        outcomes.update(result.outcomes)
    out.append(f'<h2>{w["distribution"]}</h2><div class="charts">')
    for g, labels in grades.items():
        out.append(f'<div class="chart">{chart(g, labels, counts[g], graded)}</div>')
    out.append("</div>")
    for heading, counter in ((w["vetoes"], vetoes), (w["outcomes"], outcomes)):
        if not counter:
            continue
        out.append(f"<h2>{heading}</h2><table class=\"tally\"><thead><tr><th></th>"
                   f"<th>{w['count']}</th><th>{w['share']}</th></tr></thead><tbody>")
        for name, n in counter.items():
            share = f"{100 * n / graded:.1f}%" if graded else "–"
            out.append(f'<tr><td>{escape(name)}</td><td class="n">{n}</td>'
                       f'<td class="n">{share}</td></tr>')
        out.append("</tbody></table>")

    # records
    out.append(f'<h2>{w["table"]}</h2><p><input id="q" type="search" '
               f'placeholder="{escape(w["search"])}" aria-label="{escape(w["search"])}">'
               f'<span id="shown" data-shown="{w["shown"]}" data-of="{w["of"]}">'
               f'{w["shown"]} {total} {w["of"]} {total}</span></p>')
    head = [w["row"], *shown_columns, *grades, w["vetoes"], w["outcomes"], w["explain"]]
    out.append('<table id="records"><thead><tr>'
               + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead><tbody>")
    for i, (row, result, error) in enumerate(zip(rows, results, errors, strict=True), 1):
        own = [_cell(row.get(c)) for c in shown_columns]
        if result is None:
            cells = [*own, *("" for _ in grades), "", ""]
            detail = f'<span class="error">{w["error"]}: {escape(error)}</span>'
        else:
            cells = [*own, *(str(result[g]) for g in grades), "、".join(result.vetoes),
                     "、".join(result.outcomes)]
            detail = (f"<details><summary>{w['explain']}</summary>"
                      f"<pre>{escape(result.explain(lang))}</pre></details>")
        search = " ".join([str(i), *cells, error]).lower()
        out.append(f'<tr data-row="{i}" data-q="{escape(search)}"'
                   + (' class="bad"' if result is None else "") + f'><td class="n">{i}</td>'
                   + "".join(f"<td>{escape(c)}</td>" for c in cells)
                   + f"<td>{detail}</td></tr>")
    out.append("</tbody></table>")
    out.append(f'<h2>{w["source"]}</h2><details><summary>{escape(ruleset.path or "")}'
               f"</summary><pre>{escape(ruleset.source)}</pre></details>")
    out.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
