"""``evalrules fmt`` never changes meaning and is idempotent: on every bundled ruleset and on
generated ones, re-indented and full of comments."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalrules import unparse
from evalrules.fmt import format_source
from evalrules.parse import parse

from conftest import bundled_rulesets, example_rulesets
from strategies import modules

COMMENT = re.compile(r"#.*")
MODULES = modules()  # built once: building the strategy costs far more than drawing from it


def comments(text: str) -> list[str]:
    """The comments of ruleset text in order (strings hold no # in these tests)."""
    return [m.group().rstrip() for m in COMMENT.finditer(text)]


@pytest.mark.parametrize("path", bundled_rulesets() + example_rulesets(),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fmt_keeps_the_tree_and_every_comment_of_each_ruleset_and_is_idempotent(path):
    source = path.read_text(encoding="utf-8")
    once = format_source(source, str(path))
    assert parse(once) == parse(source)
    assert format_source(once) == once
    assert comments(once) == comments(source)


@st.composite
def messy_sources(draw) -> str:
    """A generated module's text, re-indented, with spaces and comments sprinkled over it."""
    text = unparse.module(draw(MODULES))
    rng = random.Random(draw(st.integers(0, 2**32)))  # plain: hypothesis' own randoms are slow
    unit = rng.choice([" ", "   ", "    "])
    lines = []
    for i, line in enumerate(text.splitlines()):
        body = line.lstrip(" ")
        level = (len(line) - len(body)) // 2
        if not body:
            lines.append("")
            continue
        if rng.random() < 0.5 and '"' not in body:  # spaces around punctuation and operators
            body = re.sub(r"([:,()=+*/<>])", lambda m: rng.choice(["", " ", "  "]) + m.group()
                          + rng.choice(["", " "]), body)
            for spaced, op in (("= =", "=="), ("< =", "<="), ("> =", ">="), ("! =", "!=")):
                body = body.replace(spaced, op)
        if rng.random() < 0.5 and '"' not in body:  # a trailing comment
            body += " " * rng.randint(0, 12) + f"# 注释{i}：第二十二条"
        if rng.random() < 0.2:  # a comment line, at any indentation
            lines.append(" " * rng.randint(0, 8) + f"# 条文{i}")
        lines.append(unit * level + body)
    return "\n".join(lines) + rng.choice(["\n", "\n\n\n", ""])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_sources())
def test_fmt_of_generated_rulesets_keeps_the_tree_and_comments_and_is_idempotent(source):
    try:
        tree = parse(source)
    except Exception:  # the sprinkled spaces split a token ("- -" is fine, "< =" was mended)
        return
    once = format_source(source)
    assert parse(once) == tree
    assert format_source(once) == once
    assert comments(once) == comments(source)
    assert all(not line.endswith(" ") for line in once.splitlines())
    for line in once.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 2 == 0


def test_fmt_agrees_with_unparse_on_canonical_text():
    for path in bundled_rulesets():
        text = unparse.module(parse(path.read_text(encoding="utf-8")))
        # unparse writes (1/3) for a value without a decimal; fmt spaces the division
        assert format_source(text) == text
