"""AST → ruleset text, in the canonical layout (two-space blocks, one statement per line).

``parse(unparse(module)) == module`` for every module; explanations use :func:`expression` to show
a condition in the author's own words. Imports :mod:`ast` only.
"""

from __future__ import annotations

from fractions import Fraction

from . import ast

_LEVEL = {"if": 0, "or": 1, "and": 2, "not": 3, "compare": 4, "+": 5, "-": 5, "*": 6, "/": 6,
          "neg": 7, "atom": 8}


def number(n: ast.Number) -> str:
    if n.text is not None:
        return n.text
    return _fraction_text(n.value)


#: An int of at most this many bits (603 digits) is within any interpreter's int/str limit
#: (``sys.set_int_max_str_digits`` allows no less than 640 digits).
_STR_BITS = 2000


def int_text(n: int) -> str:
    """``str(n)`` for any int: past the interpreter's limit on int/str conversion (4,300 digits by
    default) it is written in pieces, halves of the digits at a time, so exact text never raises
    and the limit stays as the user set it."""
    if n < 0:
        return "-" + int_text(-n)
    if n.bit_length() <= _STR_BITS:
        return str(n)
    half = n.bit_length() * 30103 // 200000  # about half its digits (log10(2) = 0.30103)
    high, low = divmod(n, 10**half)
    return int_text(high) + int_text(low).rjust(half, "0")


def _strip(n: int, p: int) -> tuple[int, int]:
    """``n`` without its factors ``p``, and how many there were (by squares: a denominator of
    ``p ** 10000`` takes a few dozen divisions, not ten thousand)."""
    count = 0
    while n % p == 0:
        power, k = p, 1
        while n % (power * power) == 0:
            power, k = power * power, k * 2
        n, count = n // power, count + k
    return n, count


def decimal_text(value: Fraction) -> str | None:
    """The finite decimal form of a value ("96.25"), or None where there is none (1/3)."""
    if value.denominator == 1:
        return int_text(value.numerator)
    d, fives = _strip(value.denominator, 5)
    twos = (d & -d).bit_length() - 1
    if d >> twos != 1:
        return None
    places = max(twos, fives)
    digits = int_text(abs(value.numerator) * 10**places // value.denominator).rjust(places + 1,
                                                                                    "0")
    return f"{'-' if value < 0 else ''}{digits[:-places]}.{digits[-places:]}"


def _fraction_text(value: Fraction) -> str:
    """A literal for a value; one without a finite decimal form is written as a division."""
    return decimal_text(value) or f"({int_text(value.numerator)}/{int_text(value.denominator)})"


def _level(e: ast.Expr) -> int:
    match e:
        case ast.If():
            return 0
        case ast.Logic(op=op):
            return _LEVEL[op]
        case ast.Not():
            return 3
        case ast.Compare() | ast.Is() | ast.In():
            return 4
        case ast.Arithmetic(op=op):
            return _LEVEL[op]
        case ast.Negate():
            return 7
        case ast.Number(value=v) if v < 0:
            return 7
    return 8


def rule_name(decl: object) -> str:
    """How an error names the rule it arose in: ``let 班子优秀率``, ``require 总票数 > 0``."""
    match decl:
        case ast.Require(condition=c):
            return f"require {expression(c)}"
        case ast.Limit(condition=c):
            return f"limit {expression(c)}"
        case ast.Quota():
            return _quota(decl)
    keyword = ast.KEYWORD_OF[type(decl)]
    name = decl.name  # type: ignore[attr-defined]  # every other rule has a name
    return f"{keyword} {name}"


def expression(e: ast.Expr) -> str:
    """One expression on one line (blocks of conditions are written inline with their words)."""
    return _expr(e, 0)


def _wrap(e: ast.Expr, min_level: int) -> str:
    text = _expr(e, min_level)
    return f"({text})" if _level(e) < min_level else text


def _expr(e: ast.Expr, _min: int) -> str:
    match e:
        case ast.Number():
            return number(e)
        case ast.Date(value=v):
            return v.isoformat()
        case ast.Boolean(value=v):
            return "true" if v else "false"
        case ast.Ref(name=n):
            return n
        case ast.Label(label=label):
            return label
        case ast.Negate(operand=x):
            return "-" + _wrap(x, 8 if isinstance(x, ast.Negate) else 7)
        case ast.Not(operand=x):
            return "not " + _wrap(x, 3)
        case ast.Arithmetic(op=op, left=a, right=b):
            lv = _LEVEL[op]
            return f"{_wrap(a, lv)} {op} {_wrap(b, lv + 1)}"
        case ast.Logic(op=op, left=a, right=b):
            lv = _LEVEL[op]
            return f"{_wrap(a, lv)} {op} {_wrap(b, lv + 1)}"
        case ast.Compare(op=op, left=a, right=b):
            return f"{_wrap(a, 5)} {op} {_wrap(b, 5)}"
        case ast.Is(operand=x, label=label, negated=neg):
            return f"{_wrap(x, 5)} is {'not ' if neg else ''}{label}"
        case ast.In(operand=x, labels=labels, negated=neg):
            return f"{_wrap(x, 5)} {'not ' if neg else ''}in ({', '.join(labels)})"
        case ast.If(condition=c, then=t, otherwise=o):
            return f"if {_wrap(c, 0)} then {_wrap(t, 0)} else {_wrap(o, 0)}"
        case ast.Call(function=f, args=args):
            return f"{f}({', '.join(_expr(a, 0) for a in args)})"
        case ast.Share(ballot=b, categories=cs):
            return f"share({b}: {', '.join(cs)})"
        case ast.Votes(ballot=b, categories=cs):
            return f"votes({b}: {', '.join(cs)})"
        case ast.Total(ballot=b):
            return f"total({b})"
        case ast.Points(ballot=b, points=ps):
            return f"points({b}: {', '.join(f'{c} {weight(p)}' for c, p in ps)})"
        case ast.History(input=h, method=m, label=label):
            return f"{h}.{m}" if label is None else f"{h}.{m}({label})"
        case ast.Quantified(quantifier=q, conditions=cs, count=n):
            word = f"at least {n}" if q == "at least" else q
            return f"{word}: " + "; ".join(_expr(c, 0) for c in cs)
        case ast.Weighted(items=items, table=table) if table is not None:
            return f"weighted {table}: " + ", ".join(_expr(i.expr, 0) for i in items)
        case ast.Weighted(items=items):
            return "weighted: " + "; ".join(f"{_expr(i.expr, 0)} {weight(i.weight)}"
                                            for i in items)
        case ast.Cases(branches=bs, otherwise=o):
            parts = [f"{_expr(b.value, 0)} when {_expr(b.condition, 0)}" for b in bs]
            if o is not None:
                parts.append(f"otherwise {_expr(o, 0)}")
            return "cases: " + "; ".join(parts)
    raise TypeError(f"not an expression: {e!r}")


# ---------------------------------------------------------------- whole files

def module(m: ast.Module) -> str:
    out: list[str] = []
    h = m.header
    extends = f" extends {_string(h.extends)}" if h.extends is not None else ""
    out.append(f"ruleset {h.name}{extends}")
    if h.title is not None:
        out.append(f"  title {_string(h.title)}")
    previous = None
    for st in m.statements:
        kind = type(st.declaration if isinstance(st, ast.Override) else st)
        block = kind in (ast.Grade, ast.Sheet, ast.Veto, ast.GroupBy) or \
            isinstance(st, ast.RuleOverride) or _has_block(st)
        if previous is not None and (block or previous != kind or previous == "block"):
            out.append("")
        out.extend(statement(st))
        previous = "block" if block else kind
    return "\n".join(out) + "\n"


def _has_block(st) -> bool:
    body = getattr(st, "expr", None) or getattr(st, "condition", None)
    return isinstance(body, (ast.Weighted, ast.Cases, ast.Quantified))


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _condition(e: ast.Expr, indent: str) -> list[str]:
    """The text after ``when``: an inline condition, or a block for all:/any:/most:/at least."""
    if isinstance(e, ast.Quantified):
        word = f"at least {e.count}" if e.quantifier == "at least" else e.quantifier
        lines = [f"{word}:"]
        for c in e.conditions:
            sub = _condition(c, indent + "  ")
            lines.append(f"{indent}  {sub[0]}")
            lines.extend(sub[1:])
        return lines
    return [expression(e)]


def _when(head: str, cond: ast.Expr, indent: str, cite: str | None = None) -> list[str]:
    lines = _condition(cond, indent)
    return [_cited(f"{head} when {lines[0]}", cite), *lines[1:]]


def _cited(line: str, cite: str | None, chosen: str | None = None) -> str:
    """A rule's first line with its citation and, for a param, its local choice."""
    if cite is not None:
        line += f" per {_string(cite)}"
    return line if chosen is None else line + f" chosen {_string(chosen)}"


def _body(head: str, e: ast.Expr) -> list[str]:
    if isinstance(e, ast.Weighted) and e.table is not None:
        return [f"{head} = {expression(e)}"]
    if isinstance(e, ast.Quantified):
        lines = _condition(e, "")
        return [f"{head} = {lines[0]}", *lines[1:]]
    if isinstance(e, ast.Weighted):
        return [f"{head} = weighted:",
                *(f"  {expression(i.expr)} {weight(i.weight)}" for i in e.items)]
    if isinstance(e, ast.Cases):
        lines = [f"{head} = cases:"]
        for b in e.branches:
            lines.extend("  " + x if i == 0 else x
                         for i, x in enumerate(_when(expression(b.value), b.condition, "  ")))
        if e.otherwise is not None:
            lines.append(f"  otherwise {expression(e.otherwise)}")
        return lines
    return [f"{head} = {expression(e)}"]


def weight(w: ast.Expr | None) -> str:
    """A weight or a ballot category's points as written: a number or a param's name (nothing
    for the items of ``weighted TABLE:`` before the checker gives them their table's weights)."""
    return "" if w is None else number(w) if isinstance(w, ast.Number) else expression(w)


def _bound(b: ast.Expr | None) -> str:
    return "" if b is None else expression(b)


def _input_type(t: ast.InputType) -> str:
    match t:
        case ast.BoolType():
            return "bool"
        case ast.NumberType(integer=integer, low=low, high=high):
            word = "integer" if integer else "number"
            if low is None and high is None:
                return word
            return f"{word} in {_bound(low)}..{_bound(high)}"
        case ast.OneOf(labels=labels):
            return "one of " + ", ".join(labels)
        case ast.ScaleType(scale=scale):
            return scale
        case ast.TextType():
            return "text"
        case ast.HistoryType(scale=scale, empty=empty):
            return f"history of {scale}" + " default empty" * empty
        case ast.ListType(number=n, history=history, empty=empty):
            return f"{'history' if history else 'list'} of {_input_type(n)}" + \
                " default empty" * empty
        case ast.DateType():
            return "date"
    raise TypeError(t)


def _items(items, indent: str) -> list[str]:
    lines = []
    for item in items:
        head = f"{indent}{item.name} {number(item.points)}:"
        match item.rule:
            case None:
                lines.append(_cited(head, item.cite))
                lines.extend(_items(item.children, indent + "  "))
            case ast.ProRata(expr=e):
                lines.append(_cited(f"{head} pro rata {expression(e)}", item.cite))
            case ast.FullWhen(condition=c):
                lines.append(_cited(f"{head} full when {expression(c)}", item.cite))
            case ast.Formula(expr=e):
                lines.append(_cited(f"{head} = {expression(e)}", item.cite))
            case ast.Deduction(amount=a, per=e):
                lines.append(_cited(f"{head} minus {number(a)} per {expression(e)}", item.cite))
    return lines


def _adjustment(a: ast.Adjustment) -> str:
    match a.action:
        case "lower" | "raise":
            return f"{a.action} {a.grade} by {a.amount}"
        case "set":
            return f"set {a.grade} to {a.label}"
    return f"{a.grade} {a.action} {a.label}"


def _group_rule(rule) -> str:
    return _cited(_group_rule_text(rule), rule.cite)


def _group_rule_text(rule) -> str:
    match rule:
        case ast.Rank(name=n, keys=keys, descending=d, among=among):
            return f"rank {n} by {', '.join(keys)} {'desc' if d else 'asc'}" + (
                f" among {expression(among)}" if among is not None else "")
        case ast.Quota():
            return _quota(rule)
        case ast.Limit(condition=c, message=m):
            return f"limit {expression(c)}" + (f" {_string(m)}" if m is not None else "")
    raise TypeError(rule)


def _quota(q: ast.Quota) -> str:
    """A quota line; the plain form (``L at most P by K``) as it always was."""
    def size(expr: ast.Expr, rounding: str, inherited: str = "down") -> str:
        if rounding == "places":
            return f"{expression(expr)} places"
        way = "" if rounding == inherited else " rounded" if rounding == "nearest" \
            else f" rounded {rounding}"
        return expression(expr) + way
    if q.lowest:
        line = f"quota {q.grade}: lowest {size(q.share, q.rounding)} at most {q.label}"
    else:
        line = f"quota {q.grade}: {q.label} at most {size(q.share, q.rounding)}"
    if q.more is not None:
        more, rounding, when = q.more
        inherited = "down" if q.rounding == "places" else q.rounding
        line += f", at most {size(more, rounding, inherited)} when {expression(when)}"
    if q.among is not None:
        line += f" among {expression(q.among)}"
    return line + f" by {', '.join(q.keys)}"


def statement(st: ast.Statement) -> list[str]:
    """A statement's lines, the first ending with its citation (and a param's local choice)."""
    lines = _statement(st)
    if isinstance(st, ast.Override | ast.RuleOverride | ast.Grade | ast.Outcome | ast.Check
                  | ast.GroupBy):
        return lines  # cited inside (a grade's rules, an override's declaration), or never
    return [_cited(lines[0], st.cite, getattr(st, "chosen", None)), *lines[1:]]


def _statement(st: ast.Statement) -> list[str]:
    match st:
        case ast.Override(declaration=d):
            lines = statement(d)
            return [f"override {lines[0]}", *lines[1:]]
        case ast.RuleOverride(grade=g, rule=r):
            lines = _when(r.label, r.condition, "", r.cite)
            return [f"override grade {g} rule {lines[0]}", *lines[1:]]
        case ast.Scale(name=n, labels=labels, unrated=u):
            return [f"scale {n}: " + " > ".join(labels) + (f", unrated {u}" if u else "")]
        case ast.Ballot(name=n, categories=cs):
            return [f"ballot {n}: " + ", ".join(cs)]
        case ast.Input(name=n, type=t, default=d):
            return [f"input {n}: {_input_type(t)}" + (f" default {expression(d)}" if d else "")]
        case ast.Param(name=n, expr=e):
            return [f"param {n} = {expression(e)}"]
        case ast.Weights(name=n, entries=entries):
            return [f"weights {n}: " + ", ".join(f"{k} {weight(w)}" for k, w in entries)]
        case ast.Let(name=n, expr=e):
            return _body(f"let {n}", e)
        case ast.Score(name=n, expr=e):
            return _body(f"score {n}", e)
        case ast.Require(condition=c, message=msg):
            return [f"require {expression(c)}" + (f" {_string(msg)}" if msg is not None else "")]
        case ast.Sheet(name=n, max=m, items=items):
            return [f"sheet {n} max {number(m)}:", *_items(items, "  ")]
        case ast.Grade(name=n, scale=s, policy=p, rules=rules, otherwise=o):
            head = f"grade {n}" + (f" of {s}" if s else "") + \
                (f" ({p})" if p != "first" else "") + ":"
            lines = [_cited(head, st.cite)]
            for r in rules:
                sub = _when(r.label, r.condition, "  ", r.cite)
                lines.append("  " + sub[0])
                lines.extend(sub[1:])
            if o is not None:
                lines.append(_cited(f"  otherwise {o}", st.otherwise_cite))
            return lines
        case ast.Veto(name=n, condition=c, adjustments=adjs):
            return [f"veto {n} when {expression(c)}:", *(f"  {_adjustment(a)}" for a in adjs)]
        case ast.Outcome(name=n, condition=c):
            return _when(f"outcome {n}", c, "", st.cite)
        case ast.GroupBy(keys=keys, rules=rules):
            return [f"group by {', '.join(keys)}:",
                    *(f"  {line}" for r in rules
                      for line in (statement(r) if isinstance(r, ast.Let) else [_group_rule(r)]))]
        case ast.Check(kind="monotone", target=t, source=s):
            return [f"check monotone {t} in {s}"]
        case ast.Check(kind="always", condition=c) if c is not None:
            return [f"check always {expression(c)}"]
    raise TypeError(f"not a statement: {st!r}")
