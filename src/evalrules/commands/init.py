"""``evalrules init``: write a new ruleset that extends a bundled one, its params listed
commented out, and an empty cases file beside it.

What ``--help`` says is ``help.init*`` in :mod:`evalrules.helptext`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import unicodedata
from pathlib import Path

from ..fmt import reserved
from ..unparse import expression
from ._shared import Failed, load_ruleset

_NAME = re.compile(r"[^\W\d]\w*")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME")
    parser.add_argument("--extends", required=True, type=Path, metavar="RULESET")
    parser.add_argument("--title")


def ruleset_name(stem: str) -> str:
    """A valid ruleset name from a file name: other characters become _."""
    name = re.sub(r"\W", "_", stem)
    if not _NAME.fullmatch(name) or name in reserved():
        name = "_" + name
    return name


def unwritable(text: str) -> str | None:
    """Why ``text`` cannot be written in a ruleset's string (and its comment line), or None: a
    string holds no line break, and a control or direction character (U+202E…) would make the
    line show something else than it says."""
    for ch in text:
        if ch != "\t" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            if ch in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029":
                return "a line break"
            return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'a control character')}), unseen"
    return None


def run(args: argparse.Namespace) -> int:
    if args.title is not None:
        if not args.title.strip():
            print("evalrules: --title is empty: leave it out to use NAME", file=sys.stderr)
            return 2
        why = unwritable(args.title)
        if why:
            print(f"evalrules: --title holds {why}: a title is one line of text, written in the "
                  "ruleset as a string; type it without", file=sys.stderr)
            return 2
    target = Path(args.name)
    if target.suffix == ".rules":
        target = target.with_suffix("")
    stem = target.name
    rules, cases = target.parent / f"{stem}.rules", target.parent / f"{stem}.cases.json"
    for path in (rules, cases):
        if path.exists():
            print(f"evalrules: {path} exists; init never overwrites a file", file=sys.stderr)
            return 2
    try:
        base = load_ruleset(args.extends, args.lang)
    except Failed as e:
        print(e, file=sys.stderr)
        return e.status
    name = ruleset_name(stem)
    relative = Path(os.path.relpath(args.extends.resolve(), target.parent.resolve())).as_posix()
    why = unwritable(relative)
    if why:
        print(f"evalrules: the path of --extends ({relative!r}) holds {why}, which the string "
              "after extends cannot hold: rename the folder or the file", file=sys.stderr)
        return 2
    title = args.title or stem
    text = template(name, title, relative, base)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        rules.write_text(text, encoding="utf-8")
        cases.write_text(json.dumps({"ruleset": rules.name, "cases": []}, ensure_ascii=False,
                                    indent=1) + "\n", encoding="utf-8")
    except OSError as e:
        print(f"evalrules: cannot write {rules.name}: {e}", file=sys.stderr)
        return 2
    try:
        load_ruleset(rules, args.lang)
    except Failed as e:  # pragma: no cover - the template always compiles
        print(e, file=sys.stderr)
        return 1
    print(f"created {rules} (extends {args.extends}) and {cases}")
    print(f"next: edit {rules}, then `evalrules check {rules}`; add cases to {cases}")
    return 0


def template(name: str, title: str, relative: str, base) -> str:
    lines = [
        f"# {title}：沿用 {Path(relative).name}（{base.title or base.name}），只写本地不同之处。",
        f"# Base: {relative}",
        "# 改一个参数：去掉该行开头的 #，写上本地的数值，并在注释里引用本地文件的条文。",
        "# 改一条评定规则：override grade 等次名 rule 档次 when 条件（见 docs/language.md）。",
        f"# 检查：evalrules check {name}.rules    试算：evalrules eval {name}.rules 数据.xlsx",
        "",
        f'ruleset {name} extends "{_escape(relative)}"',
        f'  title "{_escape(title)}"',
    ]
    params = base.checked.params
    if params:
        lines += ["", f"# {Path(relative).name} 的参数（当前值）："]
        for pname, decl in params.items():
            lines.append(f"# override param {pname} = {expression(decl.expr)}")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
