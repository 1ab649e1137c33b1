"""A trace (JSON-ready decisions) → plain words in Chinese or English, readable aloud in a 反馈.

Works on the trace data only, so a trace saved as JSON can be explained later. What it says: each
grade, how its table decides, each rule with its conditions in words (``考核目标完成为好``, not the
ruleset's ``考核目标完成 is 好``) and the values they read, the author's citations beside the rules,
the vetoes and quotas that moved the grade, the outcomes that follow.

Conditions a short-circuit skipped are shown with the value they have for the record where the
trace has it (``untaken``: evaluated aside, see :mod:`backends.reference`), so every condition
that holds is shown as holding; only one that could not be evaluated is ``未判定``.

Numbers are shown as the ruleset writes them (:func:`numbers`): a value the ruleset compares with
a percent as a percent, to two decimals (``3.33%``), rounded half away from zero, with the exact
value beside it when the shown one is rounded (``3.33%（1/30）``); more decimals where two
decimals would show a value on the wrong side of, or level with, another in the same condition
(``59.995%`` against ``60%``, never ``60.00%``). Grades are decided on the exact values, never on
these.

The phrases are the ``explain.`` messages of :mod:`messages`. Imports :mod:`messages` only.
"""

from __future__ import annotations

import functools
from typing import Any

from .messages import LANGUAGES, MESSAGES, say

#: Decimals shown of a rounded number (of a percent: of the percent), and the most shown to keep
#: a value on its side of another; past that, the exact value.
DIGITS = 2
MAX_DIGITS = 12
_MARK = {True: "✓", False: "✗", None: "·"}
_STATUS = {True: "holds", False: "fails", None: "unknown"}
#: lang → the ``explain.`` messages by the rest of their key.
_PHRASES = {lang: {key.removeprefix("explain."): pair[i] for key, pair in MESSAGES.items()
                   if key.startswith("explain.")} for i, lang in enumerate(LANGUAGES)}


def explain(trace: dict, lang: str = "zh") -> str:
    """``trace`` (:meth:`Result.trace`) in words, ``lang`` ``"zh"`` or ``"en"``."""
    if lang not in _PHRASES:
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return _Explainer(_PHRASES[lang], lang).explain(trace)


class _Explainer:
    def __init__(self, phrases: dict[str, str], lang: str):
        self.t = phrases
        self.lang = lang
        self.chosen: dict[str, str] = {}  # the params marked `chosen "…"`: why each was chosen

    def explain(self, trace: dict) -> str:
        t = self.t
        self.chosen = trace.get("chosen", {})
        title = trace.get("title")
        lines = [t["title"].format(name=trace["ruleset"], title=title) if title
                 else trace["ruleset"]]
        vetoes = {v["veto"]: v for v in trace["vetoes"]}
        for g in trace["grades"]:
            lines.append(self.cited(t["grade"].format(grade=g["grade"], value=g["value"]),
                                    g.get("note"), g.get("cite")))
            lines.append("  " + t[f"policy.{g['policy']}"])
            for rule in g["rules"]:
                condition = rule["condition"]
                line = t["rule"].format(mark=_MARK[_value(condition)], label=rule["label"],
                                        what=self.summary(condition))
                lines.append("  " + self.cited(line, rule.get("note"), rule.get("cite")))
                self.parts(condition, "      ", lines)
            if g["decided_by"] == "otherwise":
                lines.append("  " + self.cited(t["otherwise"].format(value=g["table_value"]),
                                               g.get("otherwise_note"), g.get("otherwise_cite")))
            else:
                lines.append("  " + t["decided"].format(label=g["decided_by"],
                                                        value=g["table_value"]))
            for v in g["vetoes"]:
                lines.append("  " + self.moved(v, g["grade"], vetoes.get(v.get("veto", ""))))
            if g.get("unrated"):
                lines.append("  " + t["unrated"].format(grade=g["grade"], value=g["value"]))
        holding = [self.cited(o["outcome"], o.get("note"), o.get("cite"))
                   for o in trace["outcomes"] if o["holds"]]
        lines.append(t["outcomes"].format(names=t["list"].join(holding)) if holding
                     else t["no_outcomes"])
        for w in trace.get("warnings", ()):  # a group decided with records in error
            values = {k: v for k, v in w.items() if k != "message"}
            lines.append(t["warning"].format(warning=say(w["message"], self.lang, **values)))
        return "\n".join(lines)

    def cited(self, line: str, note: str | None, cite: str | None = None) -> str:
        """``line`` with its ``per`` citation, else the comment above it if that says something
        (a bare ``1、`` does not)."""
        if cite:
            return self.t["per"].format(line=line, cite=cite)
        if note and _says_something(note):
            return self.t["cited"].format(line=line, note=note)
        return line

    def moved(self, v: dict, grade: str, veto: dict | None) -> str:
        """A veto's or a quota's move of the grade (a quota's with its number of places)."""
        if "quota" in v and "places" in v:
            said, t = v["places"], self.t
            higher = t["quota_higher"] if said.get("higher") else ""
            places = t["quota_count"].format(places=said["places"], higher=higher) \
                if said["per_head"] else t["quota_rate"].format(
                    rate=said["rate"], base=said["base"], exact=said["exact"],
                    rounding=t[f"rounding.{said['rounding']}"], places=said["places"],
                    higher=higher)
            return self.cited(self.quota(v, grade), None, v.get("cite")) + places
        if "quota" in v:
            return self.cited(self.quota(v, grade), None, v.get("cite"))
        return self.veto(v, grade, veto)

    def quota(self, v: dict, grade: str) -> str:
        """A quota's move of the grade, without the places."""
        t = self.t
        sentence = t["quota_lowest"] if v.get("lowest") else t["quota"]
        if "keep" not in v:  # a trace without the explanation's extras
            return sentence.format(group=v["group"], grade=grade, keep=v.get("label") or "",
                                   share=v["quota"], keys="", before=v["from"], after=v["to"])
        share = self.words(v["share"])
        per_head = v.get("places", {}).get("per_head")
        if v["share"][0] == "ref":
            style = "plain" if per_head else "percent"
            shown = self.numbers({share: _ratio(v["share_value"])}, {share: style}, [])
            share = t["value"].format(name=share, value=self.marked(share, shown[share]))
        if per_head:
            share = t["quota_head"].format(count=share)
        return sentence.format(group=v["group"], grade=grade, keep=v["keep"], share=share,
                               keys=t["list"].join(v["keys"]), before=v["from"], after=v["to"])

    def veto(self, v: dict, grade: str, veto: dict | None) -> str:
        """A veto's move of the grade, with the veto's citation."""
        t = self.t
        n = v["amount"]
        key = {"lower": "lower", "raise": "raise", "at most": "at_most", "at least": "at_least",
               "set": "set"}[v["action"]]
        action = t[f"action.{key}_one" if n == 1 else f"action.{key}"].format(n=n,
                                                                               label=v["label"])
        condition = veto["condition"] if veto is not None else {}
        because = self.words(condition["form"]) if "form" in condition else v["because"]
        line = t["veto_unrated" if v.get("unrated") else "veto"].format(
            veto=v["veto"], because=because, grade=grade, action=action, before=v["from"],
            after=v["to"])
        if veto is None:
            return line
        return self.cited(line, veto.get("note"), veto.get("cite"))

    # -- conditions
    def summary(self, detail: dict) -> str:
        t = self.t
        detail = detail.get("untaken", detail)
        if "quantifier" not in detail:
            return self.condition(detail)
        what = t[f"quantifier.{detail['quantifier']}"].format(n=detail["count"])
        values = [_value(p) for p in detail["parts"]]
        unknown = values.count(None)
        return what + t["counted_unknown" if unknown else "counted"].format(
            hits=values.count(True), total=len(values), unknown=unknown)

    def condition(self, detail: dict) -> str:
        """A condition that is not a block: in words, whether it holds, the values it read.
        The same condition with the same values reads the same, so it is said once and kept."""
        form: Any = detail.get("form")
        key = None
        values = detail.get("values", {})
        if form is not None and "computed" not in detail and all(
                type(v) is str or type(v) is bool for v in values.values()):
            key = f"{id(form)}\0{self.lang}\0{detail['value']}\0" + "\0".join(
                f"{n}\0{v}\0{self.chosen.get(n, '')}" for n, v in values.items())
            said = _SAID.get(key)
            if said is not None and _FORMS.get(id(form)) is form:
                return said
        text = self._condition(detail)
        if key is not None:
            if len(_SAID) >= _MEMO_SIZE:
                _SAID.clear()
            _FORMS[id(form)] = form  # so the id is this form's while the text is kept
            _SAID[key] = text
        return text

    def _condition(self, detail: dict) -> str:
        t = self.t
        words = self.words(detail["form"]) if "form" in detail else detail["text"]
        status = t[_STATUS[detail["value"]]]
        shown = self.shown(detail)
        if not shown:
            return t["condition"].format(condition=words, status=status)
        return t["condition_values"].format(
            condition=words, status=status,
            values=t["sep"].join(t["value"].format(name=name, value=value)
                                 for name, value in shown.items()))

    def parts(self, detail: dict, indent: str, lines: list[str]) -> None:
        detail = detail.get("untaken", detail)
        if "quantifier" not in detail:
            return
        for part in detail["parts"]:
            lines.append(self.cited(f"{indent}{_MARK[_value(part)]} {self.summary(part)}",
                                    part.get("note")))
            self.parts(part, indent + "  ", lines)

    def shown(self, detail: dict) -> dict[str, str]:
        """The values a condition read, as shown: numbers as :func:`numbers` says."""
        t = self.t
        values: dict[str, Any] = {}
        styles = dict(detail.get("numbers", {}))
        computed: dict[str, list] = {}  # share(…) written in the rule, by ballot
        for text, shape, value in detail.get("computed", ()):
            computed.setdefault(_after(shape), []).append((text, shape, value))
        for name, value in detail.get("values", {}).items():
            values[name] = value
            for text, shape, share in computed.get(name, ()):  # each just after its ballot
                said = self.words(shape)
                values[said] = share
                styles[said] = styles.get(text, "number")
        numeric = {n: _ratio(values[n]) for n in styles if isinstance(values.get(n), str)}
        out = self.numbers(numeric, styles, _written(detail["form"])) if numeric else {}
        for name, value in values.items():
            if name in out or value is None:
                continue
            if isinstance(value, bool):
                out[name] = t["yes" if value else "no"]
            elif isinstance(value, (list, tuple)):
                out[name] = t["list"].join(map(str, value)) if value else t["empty"]
            elif isinstance(value, dict):
                out[name] = t["ballot_sep"].join(f"{k} {n}" for k, n in value.items())
            else:
                out[name] = str(value)
        return {name: self.marked(name, out[name]) for name in values if name in out}

    def marked(self, name: str, shown: str) -> str:
        """A value as shown, marked as a local choice when it is a `chosen` param's."""
        why = self.chosen.get(name)
        return shown if why is None else self.t["chosen"].format(value=shown, why=why)

    def numbers(self, values: dict[str, tuple[int, int]], styles: dict[str, str],
                written: list[tuple[int, int]]) -> dict[str, str]:
        """See :func:`numbers`."""
        items = tuple((p, q, styles[n]) for n, (p, q) in values.items())
        key = f"{items}{written}{self.lang}"
        shown = _NUMBERS.get(key)
        if shown is None:
            if len(_NUMBERS) >= _MEMO_SIZE:
                _NUMBERS.clear()
            shown = _NUMBERS[key] = "\0".join(_shown(items, tuple(written), self.t["rounded"]))
        return dict(zip(values, shown.split("\0"), strict=True))

    # -- a condition in words
    def words(self, form: list) -> str:
        """A condition's form (:func:`forms.form`) as a reader says it."""
        key = (id(form), self.lang)
        memo = _MEMO.get(key)
        if memo is not None and memo[0] is form:
            return memo[1]
        text = self._words(form)
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = (form, text)  # the form is kept, so its id is not another's meanwhile
        return text

    def wrapped(self, form: list, least: int) -> str:
        text = self._words(form)
        return f"{self.t['open']}{text}{self.t['close']}" if _level(form) < least else text

    def _words(self, form: list) -> str:
        t, w = self.t, self.wrapped
        listed = t["list"].join
        head = form[0]
        match form:
            case ["num", text, _]:
                return text
            case ["date", text]:
                return text
            case ["bool", value]:
                return t["yes" if value else "no"]
            case ["ref", name] | ["label", name]:
                return name
            case ["neg", x]:
                return "-" + w(x, 8 if x[0] == "neg" else 7)
            case ["not", x]:
                return t["not"].format(x=w(x, 3))
            case ["arith", op, a, b]:
                return f"{w(a, _LEVEL[op])} {_SYMBOL[op]} {w(b, _LEVEL[op] + 1)}"
            case ["and" | "or", a, b]:
                return t[head].format(a=w(a, _LEVEL[head]), b=w(b, _LEVEL[head] + 1))
            case ["cmp", op, a, b, "grade"]:
                return t[f"grade.{op}"].format(a=w(a, 5), b=w(b, 5))
            case ["cmp", op, a, b, _]:
                return f"{w(a, 5)} {_SYMBOL[op]} {w(b, 5)}"
            case ["is", x, label, negated]:
                return t["is_not" if negated else "is"].format(x=w(x, 5), label=label)
            case ["in", x, labels, negated]:
                return t["not_in" if negated else "in"].format(x=w(x, 5), labels=listed(labels))
            case ["if", c, a, b]:
                return t["if"].format(c=self._words(c), a=self._words(a), b=self._words(b))
            case ["call", "round", [x]] | ["call", "round", [x, ["num", "0", _]]]:
                return t["call.round_whole"].format(x=w(x, 8))
            case ["call", "round", [x, digits]]:
                return t["call.round"].format(x=w(x, 8), digits=self._words(digits))
            case ["call", "clamp", [x, low, high]]:
                return t["call.clamp"].format(x=w(x, 8), low=self._words(low),
                                              high=self._words(high))
            case ["call", "days", [a, b]]:
                return t["call.days"].format(a=self._words(a), b=self._words(b))
            case ["call", "min" | "max" as f, args]:
                return t[f"call.{f}"].format(args=listed(w(a, 8) for a in args))
            case ["call", "trimmed", [x, k]]:
                return t["call.trimmed"].format(x=w(x, 8), k=self._words(k))
            case ["call", f, [x]]:
                return t[f"call.{f}"].format(x=w(x, 8))
            case ["share" | "votes", ballot, categories]:
                return t[head].format(ballot=ballot, categories=listed(categories))
            case ["total", ballot]:
                return t["total"].format(ballot=ballot)
            case ["points", ballot, points]:
                return t["points"].format(ballot=ballot,
                                          points=t["sep"].join(f"{c} {p}" for c, p in points))
            case ["history", history, method, label]:
                return t[f"history.{method}"].format(history=history, label=label)
            case ["block", quantifier, count, conditions]:
                return t["block"].format(
                    quantifier=t[f"quantifier.{quantifier}"].format(n=count),
                    conditions=t["block_sep"].join(self._words(c) for c in conditions))
            case ["weighted", items]:
                return t["weighted"].format(items=t["sep"].join(f"{w(x, 6)} {weight}"
                                                                for x, weight in items))
            case ["cases", branches, otherwise]:
                parts = [t["case"].format(condition=self._words(c), value=self._words(v))
                         for v, c in branches]
                if otherwise is not None:
                    parts.append(t["case_otherwise"].format(value=self._words(otherwise)))
                return t["block_sep"].join(parts)
        raise ValueError(f"not a condition's form: {form!r}")


#: (id(form), lang) → (form, its words) and id(form) → (form, the numbers written in it): a
#: ruleset's forms are shared by all its traces. Each memo is emptied when full.
_MEMO: dict[tuple[int, str], tuple[list, str]] = {}
_LITERALS: dict[int, tuple[list, list[tuple[int, int]]]] = {}
#: (id(form), lang, value, values…) → the condition said, and (values, written, lang) → the
#: values shown: what depends on a record's values, kept as text keys and text values, which the
#: garbage collector never tracks (kept tuples and lists made its passes more frequent and
#: longer than saying the condition again). ``_FORMS`` proves an id is still its form's.
_SAID: dict[str, str] = {}
_NUMBERS: dict[str, str] = {}
_FORMS: dict[int, list] = {}
_MEMO_SIZE = 1 << 14


@functools.lru_cache(maxsize=1024)
def _says_something(note: str) -> bool:
    return any(c.isalpha() for c in note)


#: How tightly each form binds, as in the ruleset's own grammar (loosest first).
_LEVEL = {"if": 0, "or": 1, "and": 2, "not": 3, "cmp": 4, "is": 4, "in": 4, "+": 5, "-": 5,
          "*": 6, "/": 6, "neg": 7}
_SYMBOL = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠", "*": "×", "/": "÷",
           "+": "+", "-": "-"}


def _after(shape: list) -> str:
    """The value a computed term is shown after: a share's or points' ballot, the later date of
    ``days(a, b)`` where it is a name (else the first)."""
    if shape[:2] != ["call", "days"]:
        return shape[1]
    refs = [arg[1] for arg in shape[2] if arg[0] == "ref"]
    return refs[-1] if refs else ""


def _level(form: list) -> int:
    head = form[0]
    if head == "arith":
        return _LEVEL[form[1]]
    if head == "num" and form[1].startswith("-"):
        return _LEVEL["neg"]
    return _LEVEL.get(head, 8)


def _value(detail: dict) -> bool | None:
    """Whether a condition holds for the record: as evaluated, or as evaluated aside."""
    if detail["value"] is None and "untaken" in detail:
        return detail["untaken"]["value"]
    return detail["value"]


def _written(form: list) -> list[tuple[int, int]]:
    """:func:`_literals`, kept for each form."""
    memo = _LITERALS.get(id(form))
    if memo is not None and memo[0] is form:
        return memo[1]
    if len(_LITERALS) >= _MEMO_SIZE:
        _LITERALS.clear()
    literals = _literals(form)
    _LITERALS[id(form)] = (form, literals)
    return literals


def _literals(form: Any) -> list[tuple[int, int]]:
    """The numbers written in a condition."""
    match form:
        case ["num", _, value]:
            return [_ratio(value)]
        case ["in", x, _, _] | ["is", x, _, _] | ["not", x] | ["neg", x]:
            return _literals(x)
        case ["arith", _, a, b] | ["cmp", _, a, b, _] | ["and" | "or", a, b]:
            return _literals(a) + _literals(b)
        case ["if", c, a, b]:
            return _literals(c) + _literals(a) + _literals(b)
        case ["call", _, args] | ["block", _, _, args]:
            return [n for a in args for n in _literals(a)]
    return []


# ---------------------------------------------------------------- numbers

def numbers(values: dict[str, tuple[int, int]], styles: dict[str, str],
            written: list[tuple[int, int]], lang: str) -> dict[str, str]:
    """Each value (numerator, denominator) as shown beside the numbers ``written`` in the same
    condition: as a percent or a plain number (``styles``), exact when it has at most
    :data:`DIGITS` decimals, else rounded half away from zero to the fewest decimals (at least
    :data:`DIGITS`) that keep every value on its side of every other value and written number,
    with the exact value beside it."""
    return _Explainer(_PHRASES[lang], lang).numbers(values, styles, written)


def _shown(values: tuple[tuple[int, int, str], ...], written: tuple[tuple[int, int], ...],
           rounded: str) -> tuple[str, ...]:
    """:func:`numbers` of values given as (numerator, denominator, style)."""
    styles = {i: style for i, (_, _, style) in enumerate(values)}
    digits = _digits({i: (p, q) for i, (p, q, _) in enumerate(values)}, styles, list(written))
    return tuple(_number(p, q, style, digits, rounded) for p, q, style in values)


def _ratio(text: str) -> tuple[int, int]:
    """An exact number as the trace writes it ("0.3", "-12", "2/15") → (numerator, denominator)."""
    if "/" in text:
        p, q = text.split("/")
        return int(p), int(q)
    whole, _, decimals = text.partition(".")
    return int(whole + decimals), 10 ** len(decimals)


def _rounded(p: int, q: int, scale: int) -> int:
    """``p / q * scale`` rounded half away from zero (四舍五入)."""
    whole = (2 * abs(p) * scale + q) // (2 * q)
    return whole if p >= 0 else -whole


def _digits(values: dict[Any, tuple[int, int]], styles: dict[Any, str],
            written: list[tuple[int, int]]) -> int | None:
    """The decimals to round to: :data:`DIGITS` unless that shows a value on the other side of
    (or level with) another value or written number; None past :data:`MAX_DIGITS`."""
    items = [(p, q, 100 if styles[n] == "percent" else 1) for n, (p, q) in values.items()]
    if all(p * s * 10**DIGITS % q == 0 for p, q, s in items):
        return DIGITS  # every value shown exactly
    if len(items) == 1 and not written:
        return DIGITS  # nothing to be on the side of
    exact = [(p, q) for p, q, _ in items] + written
    for digits in range(DIGITS, MAX_DIGITS + 1):
        shown = [(_rounded(p, q, s * 10**digits), s * 10**digits) for p, q, s in items]
        if _same_order(shown + written, exact):
            return digits
    return None


def _same_order(shown: list[tuple[int, int]], exact: list[tuple[int, int]]) -> bool:
    """Whether every pair of ``shown`` compares as the same pair of ``exact`` does (each a
    numerator over a positive denominator)."""
    for i, ((a, b), (x, z)) in enumerate(zip(shown, exact, strict=True)):
        for j in range(i + 1, len(shown)):
            (c, d), (y, w) = shown[j], exact[j]
            seen, real = a * d - c * b, x * w - y * z
            if (seen > 0) != (real > 0) or (seen < 0) != (real < 0):
                return False
    return True


def _decimal(p: int, q: int) -> str | None:
    """The finite decimal form of p/q ("12.5"), or None (1/3)."""
    d, places = q, 0
    twos = fives = 0
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    if d != 1:
        return None
    places = max(twos, fives)
    return _fixed(p * 10**places // q, places).rstrip("0").rstrip(".") if places else str(p // q)


def _fixed(n: int, places: int) -> str:
    """``n / 10**places`` with exactly ``places`` decimals."""
    whole, frac = divmod(abs(n), 10**places)
    sign = "-" if n < 0 else ""
    return f"{sign}{whole}.{frac:0{places}d}" if places else f"{sign}{whole}"


def _number(p: int, q: int, style: str, digits: int | None, rounded: str) -> str:
    scale, suffix = (100, "%") if style == "percent" else (1, "")
    exactly = _decimal(p * scale, q)
    if exactly is not None and (digits is None or p * scale * 10**digits % q == 0):
        return exactly + suffix
    exact = _decimal(p, q) or f"{p}/{q}"
    if digits is None:
        return exact
    shown = _fixed(_rounded(p, q, scale * 10**digits), digits) + suffix
    return rounded.format(shown=shown, exact=exact)
