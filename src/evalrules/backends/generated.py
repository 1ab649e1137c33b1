"""Generated Python: a checked ruleset → the source of one plain function, compiled once.

The function takes a record and returns a tuple of slot values (see :class:`Layout`). It is built
from the checked AST only: every name, label and message reaches the code as data (a ``repr``'d
literal or an object in the function's namespace), never as pasted ruleset text, so no ruleset can
inject code. Its meaning is the reference evaluator's, errors included:

* Validation has a fast path for plain values (dict, int, bool, exact labels); anything else goes
  through the reference's :func:`values.coerce_record`, which gives the same values or raises the
  same :class:`InputError`.
* Statements run in the reference's order (requires with what they need, then ``Checked.order``),
  and ``and``/``or``/``if``/``all:``/``any:``/``(first)`` are lazy where the reference is, so the
  first error a record meets is the same.
* Numbers stay exact: a share is kept as a pair of ints (votes, total) and compared by
  cross-multiplication (``share(B: a) >= 60%`` runs as ``5*a >= 3*total``); other numbers are
  Python ints or :class:`fractions.Fraction`. Python ints never overflow.

Imports :mod:`ast`, :mod:`check`, :mod:`diagnostics`, :mod:`unparse`, :mod:`values`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from fractions import Fraction

from attrs import frozen

from .. import ast
from ..check import Checked
from ..diagnostics import InputError
from ..unparse import expression
from ..values import coerce_input, coerce_record, round_half_away

_SIMPLE = re.compile(r"\(?([A-Za-z_]\w*|-?\d+)\)?")


class _Slow(Exception):
    """The fast validation path met something it does not handle; use the reference's."""


@frozen
class Op:
    """A compiled expression: Python source of its value and how the value is represented.

    ``int``: a Python int; ``num``: an int or a Fraction; ``ratio``: ``expr / den``, two int
    expressions with ``den > 0``; ``bool``; ``label``: a str.
    """

    kind: str
    expr: str
    den: str | None = None


@frozen
class Layout:
    """Where each named value sits in the tuple the function returns, and how to read it."""

    names: tuple[str, ...]
    index: dict[str, int]
    kinds: dict[int, str]  # by position: "plain", "num", "ratio" (n, d), "ballot" (counts)
    ballots: dict[str, tuple[str, ...]]
    inputs: tuple[str, ...]  # names of ballots and inputs, to rebuild the record
    vetoes: int  # slot of the tuple of applied vetoes
    outcomes: int


@frozen
class Program:
    """A compiled evaluator. The full program (no ``outputs``) returns an instance of its result
    class, set once with :meth:`bind` before the first call: making the result in the
    generated code itself spares a call per record."""

    function: Callable
    layout: Layout
    source: str

    def bind(self, result_class: type) -> None:
        self.function.__globals__["_R"] = result_class


def _can_fail(decl: ast.Declaration) -> bool:
    if isinstance(decl, ast.Grade) and decl.policy == "unique":
        return True
    return any(isinstance(node, (ast.Share, ast.Points))
               or (isinstance(node, ast.Arithmetic) and node.op == "/")
               for root in ast.expressions(decl) for node in ast.walk(root))


def build(checked: Checked, constants: Mapping, outputs: tuple[str, ...] | None = None,
          closure: bool = False) -> Program:
    """Generate and compile the evaluator. ``outputs`` limits what is computed to those names
    (and whatever could raise an error, so errors stay those of the reference). With
    ``closure``, exactly what the outputs need is computed (as group rules need on their way;
    see :mod:`evalrules.groups`) and the function returns a dict of their values.

    The function takes ``(record, group=None)``; ``group`` holds what group rules decided
    for the record (each rank's value, and for each quota node whether it moves the record)."""
    gen = _Generator(checked, constants, outputs, closure)
    source = gen.generate()
    namespace = dict(gen.namespace)
    code = compile(source, f"<evalrules {checked.name}>", "exec")
    exec(code, namespace)  # the source is built from the checked AST only, see the docstring
    return Program(namespace["evaluate"], gen.layout(), source)


class _Generator:
    def __init__(self, checked: Checked, constants: Mapping, outputs, closure: bool = False):
        self.c = checked
        self.constants = constants
        self.lines: list[str] = []
        self.depth = 1
        self.namespace: dict[str, object] = {
            "Fraction": Fraction, "_Slow": _Slow, "_floor": math.floor, "_ceil": math.ceil,
            "_new": object.__new__, "_R": None,
            "_round": _round, "_frac": _frac, "_public": public, "_streak": _streak,
            "_coerce": functools.partial(coerce_record, checked, constants=constants),
        }
        self.errors: list[tuple] = []
        self.namespace["_fail"] = functools.partial(_fail, self.errors)
        self.namespace["_unique"] = functools.partial(_unique, self.errors)
        self.vars: dict[str, Op] = {}
        self.counter = 0
        self.rule = ""
        self.slots: list[tuple[str, str, str]] = []  # (name, kind, expr)
        self.ballot_vars: dict[str, tuple[list[str], str]] = {}  # ballot → (counts, total)
        self.checked_totals: set[str] = set()
        self.histories: list[str] = []
        self.number_inputs: list[tuple[str, str]] = []  # (numerator, denominator) variables
        self.closure = closure
        if outputs is None:
            self.emit_names = set(checked.definitions)
        elif closure:
            self.emit_names = checked.closure(outputs)
        else:
            wanted = set(outputs) | {n for n, d in checked.definitions.items() if _can_fail(d)}
            self.emit_names = checked.closure(wanted)
        self.outputs = outputs

    # -- emission helpers
    def emit(self, line: str, span: ast.Span | None = None) -> None:
        """One line of code; ``span`` marks a comment line with where the rule was written."""
        if span is not None and span.line:
            line += f" at {str(span)!r}"
        self.lines.append("    " * self.depth + line)

    def fresh(self, stem: str = "t") -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    def const(self, value: object) -> str:
        if isinstance(value, bool) or value is None:
            return repr(value)
        if isinstance(value, Fraction) and value.denominator == 1:
            value = int(value)
        if isinstance(value, int):
            return repr(value)
        if isinstance(value, str):
            return repr(value)
        name = f"_K{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def error(self, message: str, field: str | None) -> str:
        """A call that raises the InputError the reference raises here."""
        return f"_fail({self.error_index(message, field)})"

    def error_index(self, message: str, field: str | None) -> int:
        self.errors.append((f"{self.rule}: {message}", field, self.rule))
        return len(self.errors) - 1

    # -- the function
    def generate(self) -> str:
        self.lines.append("def evaluate(record, group=None):")
        self.prologue()
        for p in self.c.params:
            self.vars[p] = self.value_op(self.constants[p], self.c.types[p].kind)
        done: set[str] = set()
        for req in self.c.requires:
            needed = self.c.closure(ast.references(req))
            for name in self.c.order:
                if name in needed and name not in done:
                    self.definition(name)
                    done.add(name)
            self.require(req)
        for name in self.c.order:
            if name in self.c.definitions and name not in done and name in self.emit_names:
                self.definition(name)
                done.add(name)
        self.epilogue()
        return "\n".join(self.lines) + "\n"

    def value_op(self, value: object, kind: str) -> Op:
        """A param's value as code: a fraction as its integer pair, so comparisons with it
        cross-multiply integers."""
        if kind == "number":
            value = Fraction(value)
            if value.denominator == 1:
                return Op("int", repr(value.numerator))
            return Op("ratio", repr(value.numerator), repr(value.denominator))
        return Op("bool" if kind == "bool" else "label", self.const(value))

    # -- validation
    def prologue(self) -> None:
        """Validation: plain values are checked inline, all in one condition where possible;
        anything else takes the reference's coercion (same values, same errors)."""
        c = self.c
        self.emit("try:")
        self.depth += 1
        optional = any(d.default is not None for d in c.inputs.values())
        required = len(c.ballots) + sum(d.default is None for d in c.inputs.values())
        if optional:
            self.emit(f"n = {required}")
        # Reading a non-dict can only fail (TypeError, KeyError): the class is checked with the
        # values, in one condition at the end.
        checks = ["record.__class__ is not dict"]
        for b, cats in c.ballots.items():
            raw = self.fresh("b")
            counts = [self.fresh("c") for _ in cats]
            self.emit(f"{raw} = record[{b!r}]")
            checks += [f"{raw}.__class__ is not dict", f"len({raw}) != {len(cats)}"]
            self.emit(f"{', '.join(counts)}, = " + ", ".join(f"{raw}[{k!r}]" for k in cats)
                      + ("," if len(cats) == 1 else ""))
            classes = " is ".join(f"{v}.__class__" for v in counts)
            checks += [f"not ({classes} is int)", f"({' | '.join(counts)}) < 0"]
            self.ballot_vars[b] = (counts, self.fresh("total"))
            self.slots.append((b, "ballot", tuple(counts)))
        input_vars = {}
        for name, decl in c.inputs.items():
            var = input_vars[name] = self.fresh("x")
            self.input_check(name, decl, var, checks)
            kind = c.types[name].kind
            if kind == "number":
                integer = isinstance(decl.type, ast.NumberType) and decl.type.integer
                # A number input is kept as integers: an integer input as an int, any other as
                # numerator and denominator, so arithmetic on it never builds a Fraction.
                if integer:
                    self.vars[name] = Op("int", var)
                    self.slots.append((name, "num", var))
                else:
                    den = self.fresh("d")
                    self.number_inputs.append((var, den))
                    self.vars[name] = Op("ratio", var, den)
                    self.slots.append((name, "ratio", (var, den)))
                continue
            op_kind = {"bool": "bool", "category": "label", "text": "label",
                       "history": "history"}[kind]
            self.vars[name] = Op(op_kind, var)
            self.slots.append((name, "plain", var))
        checks.append("len(record) != n" if optional else f"len(record) != {required}")
        self.flush_checks(checks)
        for var in self.histories:
            self.emit(f"{var} = tuple({var})")
        self.depth -= 1
        self.emit("except (_Slow, KeyError, TypeError, AttributeError):")
        self.depth += 1
        self.emit("v = _coerce(record)")
        for b, (counts, _) in self.ballot_vars.items():
            cats = c.ballots[b]
            self.emit(f"{', '.join(counts)}, = " + ", ".join(f"v[{b!r}][{k!r}]" for k in cats)
                      + ("," if len(cats) == 1 else ""))
        for name, var in input_vars.items():
            integer = isinstance(c.inputs[name].type, ast.NumberType) and \
                c.inputs[name].type.integer
            self.emit(f"{var} = v[{name!r}]" + (".numerator" if integer else ""))
        self.depth -= 1
        for var, den in self.number_inputs:
            self.emit(f"if {var}.__class__ is int:")
            self.emit(f"    {den} = 1")
            self.emit("else:")
            self.emit(f"    {var}, {den} = {var}.numerator, {var}.denominator")
        for counts, total in self.ballot_vars.values():
            self.emit(f"{total} = {' + '.join(counts)}")

    def flush_checks(self, checks: list[str]) -> None:
        if checks:
            self.emit(f"if {' or '.join(checks)}:")
            self.emit("    raise _Slow")
            checks.clear()

    def input_check(self, name: str, decl: ast.Input, var: str, checks: list[str]) -> None:
        """Add the checks of a required input to ``checks``; an optional one is checked here,
        because its default (checked at generation) skips them."""
        kind = self.c.types[name]
        if kind.kind == "bool":
            mine = [f"{var}.__class__ is not bool"]
        elif kind.kind == "text":
            mine = [f"{var}.__class__ is not str"]
        elif kind.kind == "history":  # a text goes through the reference's reading
            mine = [f"({var}.__class__ is not tuple and {var}.__class__ is not list)",
                    f"not {self.const(frozenset(kind.labels))}.issuperset({var})"]
            self.histories.append(var)
        elif kind.kind == "category":
            mine = [f"{var} not in {self.const(frozenset(kind.labels))}",
                    f"{var}.__class__ is not str"]
        else:
            integer = isinstance(decl.type, ast.NumberType) and decl.type.integer
            mine = [f"{var}.__class__ is not int" if integer else
                    f"({var}.__class__ is not int and {var}.__class__ is not Fraction)"]
            for key, op in (("low", "<"), ("high", ">")):
                bound = self.constants.get((key, name))
                if bound is not None:
                    mine.append(f"{var} {op} {self.const(bound)}")
        if decl.default is None:
            self.emit(f"{var} = record[{name!r}]")
            checks.extend(mine)
            return
        default = self.constants[("default", name)]
        try:
            coerce_input(self.c, decl, default, self.constants)
            fallback = self.const(default)
        except InputError:
            fallback = None  # a default out of range: let the reference report it
        use_default = f"{var} = {fallback}" if fallback is not None else "raise _Slow"
        self.emit(f"{var} = record.get({name!r}, _Slow)")
        self.emit(f"if {var} is _Slow:")
        self.emit(f"    {use_default}")
        self.emit("else:")
        self.emit("    n += 1")
        self.emit(f"    if {var} is None:")
        self.emit(f"        {use_default}")
        self.emit(f"    elif {' or '.join(mine)}:")
        self.emit("        raise _Slow")

    def epilogue(self) -> None:
        vetoes = [n for n, d in self.c.definitions.items()
                  if isinstance(d, ast.Veto) and n in self.vars]
        outcomes = [n for n, d in self.c.definitions.items()
                    if isinstance(d, ast.Outcome) and n in self.vars]
        veto_expr = " + ".join(f"(({n!r},) if {self.vars[n].expr} else ())" for n in vetoes)
        outcome_expr = " + ".join(f"(({n!r},) if {self.vars[n].expr} else ())"
                                  for n in outcomes)
        for p in self.c.params:
            self.slot(p, self.vars[p])
        if self.closure:
            kinds = {name: (kind, expr) for name, kind, expr in self.slots}
            items = [f"{name!r}: {self._raw_expr(name, *kinds[name])}" for name in self.outputs]
            self.emit("return {" + ", ".join(items) + "}")
            return
        if self.outputs is not None:
            kinds = {name: (kind, expr) for name, kind, expr in self.slots}
            values = [_public_expr(*kinds[name]) for name in self.outputs]
            self.emit(f"return {values[0]}" if len(values) == 1 else
                      f"return ({', '.join(values)},)")
            return
        parts = []
        for _, _, expr in self.slots:
            parts.extend(expr if isinstance(expr, tuple) else (expr,))
        parts += [veto_expr or "()", outcome_expr or "()"]
        self.emit("_r = _new(_R)")
        self.emit(f"_r._raw = ({', '.join(parts)},)")
        self.emit("return _r")

    def _raw_expr(self, name: str, kind: str, expr) -> str:
        if kind == "ratio":  # as a pair: group rules compare them as integers
            return f"({expr[0]}, {expr[1]})"
        if kind == "ballot":
            return f"dict(zip({self.const(self.c.ballots[name])}, ({', '.join(expr)},)))"
        return expr

    def layout(self) -> Layout:
        """Positions in the flat tuple: a ratio takes two (n, d), a ballot one per category."""
        index, kinds, position = {}, {}, 0
        for name, kind, expr in self.slots:
            index[name] = position
            kinds[position] = kind
            position += len(expr) if isinstance(expr, tuple) else 1
        return Layout(
            names=tuple(index), index=index, kinds=kinds, ballots=dict(self.c.ballots),
            inputs=(*self.c.ballots, *self.c.inputs), vetoes=position, outcomes=position + 1)

    # -- definitions
    def definition(self, name: str) -> None:
        decl = self.c.definitions[name]
        self.rule = f"{ast.KEYWORD_OF[type(decl)]} {name}"
        self.emit(f"# {self.rule!r}", decl.span)
        match decl:
            case ast.Let(expr=e) | ast.Score(expr=e):
                op = self.store(self.expr(e))
                self.vars[name] = op
                self.slot(name, op)
            case ast.Rank():
                var = self.fresh("r")
                self.emit(f"{var} = group[{name!r}]")
                self.vars[name] = Op("int", var)
                self.slots.append((name, "num", var))
            case ast.Sheet():
                self.sheet(decl)
            case ast.Grade():
                self.grade(decl)
            case ast.Veto(condition=c) | ast.Outcome(condition=c):
                op = self.store(self.boolean(c))
                self.vars[name] = op
                self.slots.append((name, "plain", op.expr))

    def slot(self, name: str, op: Op) -> None:
        if op.kind == "ratio":
            self.slots.append((name, "ratio", (op.expr, op.den)))
        elif op.kind in ("int", "num"):
            self.slots.append((name, "num", op.expr))
        else:
            self.slots.append((name, "plain", op.expr))

    def store(self, op: Op) -> Op:
        """Bind an expression to a local so later uses read a name, not a recomputation."""
        if op.kind == "ratio":
            return Op("ratio", self._bind(op.expr, "n"), self._bind(op.den, "d"))
        return Op(op.kind, self._bind(op.expr, "v"))

    def _bind(self, expr: str, stem: str) -> str:
        if _SIMPLE.fullmatch(expr):
            return expr.strip("()")
        var = self.fresh(stem)
        self.emit(f"{var} = {expr}")
        return var

    def require(self, req: ast.Require) -> None:
        self.rule = f"require {expression(req.condition)}"
        self.emit(f"# {self.rule!r}", req.span)
        cond = self.boolean(req.condition)
        fields = [getattr(n, "ballot", None) or getattr(n, "name", None)
                  for n in ast.walk(req.condition)]
        fields = [f for f in fields if f]
        message = req.message or "the condition does not hold"
        self.emit(f"if not {cond.expr}:")
        self.emit(f"    {self.error(f'failed: {message}', fields[0] if fields else None)}")

    def sheet(self, sheet: ast.Sheet) -> None:
        total = self.items(sheet, sheet.items)
        var = self.fresh("v")
        self.emit(f"{var} = max({total}, 0)")
        self.vars[sheet.name] = Op("num", var)
        self.slots.append((sheet.name, "num", var))

    def items(self, sheet: ast.Sheet, items) -> str:
        parts = []
        for item in items:
            key = f"{sheet.name}.{item.name}"
            points = self.const(item.points.value)
            var = self.fresh("v")
            match item.rule:
                case None:
                    inner = self.items(sheet, item.children)
                    self.emit(f"{var} = max({inner}, 0)")
                case ast.ProRata(expr=e):
                    x = self.number(e)
                    self.emit(f"{var} = {points} * min(max({x}, 0), 1)")
                case ast.FullWhen(condition=c):
                    cond = self.boolean(c)
                    self.emit(f"{var} = {points} if {cond.expr} else 0")
                case ast.Formula(expr=e):
                    x = self.number(e)
                    self.emit(f"{var} = min(max({x}, 0), {points})")
                case ast.Deduction(amount=a, per=e):
                    x = self.number(e)
                    self.emit(f"{var} = -{self.const(a.value)} * max({x}, 0)")
            self.vars[key] = Op("num", var)
            self.slots.append((key, "num", var))
            parts.append(var)
        return " + ".join(parts) if parts else "0"

    def grade(self, grade: ast.Grade) -> None:
        order = self.c.scales[grade.scale or grade.name]
        var = self.fresh("g")
        if grade.policy == "first":
            self.first_match(grade.rules, var, grade.otherwise)
        else:
            flags = []
            for rule in grade.rules:
                flags.append(self.store(self.boolean(rule.condition)).expr)
            labels = [r.label for r in grade.rules]
            if grade.policy == "unique" and len(flags) > 1:
                names = self.const(tuple(labels))
                index = self.error_index("", None)
                self.emit(f"if {' + '.join(flags)} > 1:")
                self.emit(f"    _unique({index}, {names}, ({', '.join(flags)},))")
                ranked = list(zip(flags, labels, strict=True))
            else:
                ranked = sorted(zip(flags, labels, strict=True), key=lambda p: order.index(p[1]),
                                reverse=grade.policy == "worst")
            self.emit(f"{var} = {grade.otherwise!r}")
            for i, (flag, label) in enumerate(ranked):
                self.emit(f"{'if' if i == 0 else 'elif'} {flag}:")
                self.emit(f"    {var} = {label!r}")
        for veto in self.c.vetoes_of.get(grade.name, ()):
            decl: ast.Veto = self.c.definitions[veto]
            for adj in decl.adjustments:
                if adj.grade == grade.name:
                    table = self.const({label: _adjusted(order, label, adj) for label in order})
                    self.emit(f"if {self.vars[veto].expr}:")
                    self.emit(f"    {var} = {table}[{var}]")
        for node in self.c.quotas_of.get(grade.name, ()):
            lower = self.const({label: order[min(i + 1, len(order) - 1)]
                                for i, label in enumerate(order)})
            self.emit(f"if group[{node!r}]:")
            self.emit(f"    {var} = {lower}[{var}]")
        self.vars[grade.name] = Op("label", var)
        self.slots.append((grade.name, "plain", var))

    def first_match(self, rules, var: str, otherwise: str) -> None:
        """``if c1: A elif c2: B ...`` where each condition's statements run only if reached."""
        depth = self.depth
        for rule in rules:
            cond = self.boolean(rule.condition)
            self.emit(f"if {cond.expr}:")
            self.emit(f"    {var} = {rule.label!r}")
            self.emit("else:")
            self.depth += 1
        self.emit(f"{var} = {otherwise!r}")
        self.depth = depth

    # -- expressions
    def boolean(self, e: ast.Expr) -> Op:
        return self.expr(e)

    def number(self, e: ast.Expr) -> str:
        """An int-or-Fraction expression for a numeric expression."""
        return self.plain(self.expr(e))

    def expr(self, e: ast.Expr) -> Op:
        match e:
            case ast.Number(value=v):
                if v.denominator == 1:
                    return Op("int", repr(int(v)))
                return Op("ratio", repr(v.numerator), repr(v.denominator))
            case ast.Boolean(value=v):
                return Op("bool", repr(v))
            case ast.Label(label=label):
                return Op("label", repr(label))
            case ast.Ref(name=n):
                return self.vars[n]
            case ast.Negate(operand=x):
                op = self.expr(x)
                if op.kind == "ratio":
                    return Op("ratio", f"(-{op.expr})", op.den)
                return Op(op.kind, f"(-{op.expr})")
            case ast.Not(operand=x):
                return Op("bool", f"(not {self.expr(x).expr})")
            case ast.Arithmetic():
                return self.arithmetic(e)
            case ast.Logic(op=op, left=a, right=b):
                return self.logic(op, a, b)
            case ast.Compare():
                return self.compare(e)
            case ast.Is(operand=x, label=label, negated=neg):
                return Op("bool", f"({self.expr(x).expr} {'!=' if neg else '=='} {label!r})")
            case ast.If(condition=c, then=t, otherwise=o):
                cond = self.expr(c)
                var = self.fresh("v")
                self.emit(f"if {cond.expr}:")
                self.depth += 1
                then = self.expr(t)
                self.emit(f"{var} = {self.plain(then)}")
                self.depth -= 1
                self.emit("else:")
                self.depth += 1
                other = self.expr(o)
                self.emit(f"{var} = {self.plain(other)}")
                self.depth -= 1
                kinds = {then.kind, other.kind}
                kind = then.kind if len(kinds) == 1 and then.kind != "ratio" else (
                    "num" if kinds <= {"int", "num", "ratio"} else then.kind)
                return Op(kind, var)
            case ast.Call(function=f, args=args):
                return self.call(f, args)
            case ast.Share(ballot=b, categories=cs):
                counts, total = self.ballot_vars[b]
                num = " + ".join(counts[self.c.ballots[b].index(x)] for x in cs)
                self.guard_total(b, total, e)
                return Op("ratio", f"({num})", total)
            case ast.Votes(ballot=b, categories=cs):
                counts, _ = self.ballot_vars[b]
                return Op("int", "(" + " + ".join(counts[self.c.ballots[b].index(x)]
                                                  for x in cs) + ")")
            case ast.Total(ballot=b):
                return Op("int", self.ballot_vars[b][1])
            case ast.Points(ballot=b, points=ps):
                counts, total = self.ballot_vars[b]
                scale = math.lcm(*(p.value.denominator for _, p in ps))
                terms = [f"{counts[self.c.ballots[b].index(c)]} * {int(p.value * scale)}"
                         for c, p in ps]
                self.guard_total(b, total, e)
                den = total if scale == 1 else f"({total} * {scale})"
                return Op("ratio", f"({' + '.join(terms)})", den)
            case ast.Quantified():
                return self.quantified(e)
            case ast.History(input=h, method=method, label=label):
                history = self.vars[h].expr
                if method == "count":
                    return Op("int", f"{history}.count({label!r})")
                if method == "streak":
                    return Op("int", f"_streak({history}, {label!r})")
                message = f"'{h}' is empty, so `{expression(e)}` is undefined"
                self.emit(f"if not {history}:")
                self.emit(f"    {self.error(message, h)}")
                return Op("label", f"{history}[-1]")
            case ast.Weighted(items=items):
                total = None
                for item in items:
                    term = self.combine("*", self.expr(item.expr), self.expr(item.weight))
                    total = term if total is None else self.combine("+", total, term)
                return total
            case ast.Cases(branches=branches, otherwise=o):
                var = self.fresh("v")
                depth = self.depth
                kinds = set()
                for b in branches:
                    cond = self.expr(b.condition)
                    self.emit(f"if {cond.expr}:")
                    self.depth += 1
                    value = self.expr(b.value)
                    kinds.add(value.kind)
                    self.emit(f"{var} = {self.plain(value)}")
                    self.depth -= 1
                    self.emit("else:")
                    self.depth += 1
                value = self.expr(o)
                kinds.add(value.kind)
                self.emit(f"{var} = {self.plain(value)}")
                self.depth = depth
                kind = kinds.pop() if len(kinds) == 1 else "num"
                return Op("num" if kind == "ratio" else kind, var)
        raise AssertionError(e)  # pragma: no cover

    def plain(self, op: Op) -> str:
        """The value as an int or Fraction expression (a literal ratio becomes a constant)."""
        if op.kind != "ratio":
            return op.expr
        if op.expr.lstrip("-").isdigit() and op.den.isdigit():
            return self.const(Fraction(int(op.expr), int(op.den)))
        return f"_frac({op.expr}, {op.den})"

    def guard_total(self, ballot: str, total: str, e: ast.Expr) -> None:
        if total in self.checked_totals:  # an unconditional check already ran before this
            return
        message = f"ballot '{ballot}' has no votes, so `{expression(e)}` is undefined"
        self.emit(f"if not {total}:")
        self.emit(f"    {self.error(message, ballot)}")
        if self.depth == 1:
            self.checked_totals.add(total)

    def arithmetic(self, e: ast.Arithmetic) -> Op:
        a, b = self.expr(e.left), self.expr(e.right)
        if e.op != "/":
            return self.combine(e.op, a, b)
        if b.kind == "ratio":  # a / (n/d) = a * d / n, with n != 0 checked like any divisor
            divisor = self.store(b)
            self.emit(f"if not {divisor.expr}:")
            self.emit(f"    {self.error(f'division by zero in `{expression(e)}`', None)}")
            return self.combine("*", a, self.ratio(divisor.den, divisor.expr, signed=True))
        divisor = self.store(b)
        self.emit(f"if not {divisor.expr}:")
        self.emit(f"    {self.error(f'division by zero in `{expression(e)}`', None)}")
        if divisor.kind == "int":
            return self.combine("*", a, self.ratio("1", divisor.expr, signed=True))
        return Op("num", f"(Fraction({self.plain(a)}) / {divisor.expr})")

    def ratio(self, n: str, d: str, signed: bool = False) -> Op:
        """n/d as a ratio; ``signed``: d may be negative, so move its sign to n."""
        if not signed:
            return Op("ratio", n, d)
        sign = self.fresh("s")
        self.emit(f"{sign} = -1 if {d} < 0 else 1")
        return Op("ratio", f"({sign} * {n})", f"({sign} * {d})")

    def combine(self, op: str, a: Op, b: Op) -> Op:
        """a op b for + - *: integers stay integers, ratios stay pairs of integers."""
        if a.kind in ("int", "ratio") and b.kind in ("int", "ratio"):
            if a.kind == b.kind == "int":
                return Op("int", f"({a.expr} {op} {b.expr})")
            n1, d1 = (a.expr, a.den) if a.kind == "ratio" else (a.expr, None)
            n2, d2 = (b.expr, b.den) if b.kind == "ratio" else (b.expr, None)
            if op == "*":
                return Op("ratio", _times(n1, n2), _times(d1, d2))
            if d1 == d2:
                return Op("ratio", f"({n1} {op} {n2})", d1)
            return Op("ratio", f"({_times(n1, d2)} {op} {_times(n2, d1)})", _times(d1, d2))
        return Op("num", f"({self.plain(a)} {op} {self.plain(b)})")

    def logic(self, op: str, a: ast.Expr, b: ast.Expr) -> Op:
        return self._chain(op, self.expr(a), b)

    def quantified(self, e: ast.Quantified) -> Op:
        if e.quantifier in ("all", "any"):
            op = "and" if e.quantifier == "all" else "or"
            result = self.expr(e.conditions[0])
            for cond in e.conditions[1:]:
                result = self._chain(op, result, cond)
            return result
        flags = [self.store(self.expr(c)).expr for c in e.conditions]
        total = " + ".join(flags)
        if e.quantifier == "most":
            return Op("bool", f"(2 * ({total}) > {len(flags)})")
        return Op("bool", f"({total} >= {e.count})")

    def _chain(self, op: str, left: Op, cond: ast.Expr) -> Op:
        """``left and/or cond``, where cond's statements run only when it is reached."""
        mark = len(self.lines)
        saved = self.depth
        self.depth += 1
        right = self.expr(cond)
        self.depth = saved
        if len(self.lines) == mark:  # the right side is a pure expression: inline it
            return Op("bool", f"({left.expr} {op} {right.expr})")
        body = self.lines[mark:]
        del self.lines[mark:]
        var = self.fresh("v")
        self.emit(f"{var} = {left.expr}")
        self.emit(f"if {'' if op == 'and' else 'not '}{var}:")
        self.lines.extend(body)
        self.emit(f"    {var} = {right.expr}")
        return Op("bool", var)

    def compare(self, e: ast.Compare) -> Op:
        a, b = self.expr(e.left), self.expr(e.right)
        op = e.op
        if e.order is not None:
            rank = self.const({label: -i for i, label in enumerate(e.order)})
            return Op("bool", f"({rank}[{a.expr}] {op} {rank}[{b.expr}])")
        if a.kind == "ratio" or b.kind == "ratio":  # cross-multiply: denominators are > 0
            n1, d1 = (a.expr, a.den) if a.kind == "ratio" else (a.expr, None)
            n2, d2 = (b.expr, b.den) if b.kind == "ratio" else (b.expr, None)
            return Op("bool", f"({_times(n1, d2)} {op} {_times(n2, d1)})")
        return Op("bool", f"({a.expr} {op} {b.expr})")

    def call(self, f: str, args) -> Op:
        ops = [self.expr(a) for a in args]
        if f in ("min", "max") and all(o.kind == "int" for o in ops):
            return Op("int", f"{f}({', '.join(o.expr for o in ops)})")
        values = [self.plain(o) for o in ops]
        match f:
            case "min" | "max":
                return Op("num", f"{f}({', '.join(values)})")
            case "clamp":
                x, lo, hi = values
                return Op("num", f"min(max({x}, {lo}), {hi})")
            case "round":
                return Op("num", f"_round({values[0]}, {values[1] if len(values) > 1 else 0})")
            case "floor":
                return Op("int", f"_floor({values[0]})")
            case "ceil":
                return Op("int", f"_ceil({values[0]})")
            case "abs":
                kind = "int" if ops[0].kind == "int" else "num"
                return Op(kind, f"abs({values[0]})")
        raise AssertionError(f)  # pragma: no cover


def _times(a: str | None, b: str | None) -> str:
    """``a * b`` for integer expressions, where None or "1" is a factor of one."""
    if a in (None, "1"):
        return b or "1"
    if b in (None, "1"):
        return a
    return f"({a} * {b})"


def _public_expr(kind: str, expr: str) -> str:
    """The value as the API gives it: integral numbers as int, ballots as dicts."""
    if kind == "ratio":
        return f"_public(_frac({expr[0]}, {expr[1]}))"
    if kind == "num":
        return f"_public({expr})"
    if kind == "ballot":
        raise ValueError("a ballot is an input, not an output")
    return expr


def public(value):
    if value.__class__ is int:
        return value
    return int(value) if value.denominator == 1 else value


def _adjusted(order: tuple[str, ...], label: str, adj: ast.Adjustment) -> str:
    from .reference import _adjust
    return _adjust(order, label, adj)


def _streak(history: tuple[str, ...], label: str) -> int:
    run = 0
    for item in reversed(history):
        if item != label:
            break
        run += 1
    return run


def _frac(n: int, d: int) -> Fraction:
    return Fraction(n, d)


def _round(x, digits: int) -> Fraction:
    return round_half_away(Fraction(x), digits)


def _fail(errors: list, index: int):
    message, field, rule = errors[index]
    raise InputError(message, field=field, rule=rule)


def _unique(errors: list, index: int, labels: tuple[str, ...], flags: tuple[bool, ...]):
    rule = errors[index][2]
    matched = [label for label, flag in zip(labels, flags, strict=True) if flag]
    raise InputError(f"{rule}: the rules for {' and '.join(matched)} both match, and the table "
                     "is (unique)", rule=rule)
