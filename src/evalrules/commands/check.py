"""``evalrules check``: compile rulesets and print every diagnostic (text or JSON).

What ``--help`` says is ``help.check*`` in :mod:`evalrules.helptext`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..diagnostics import Diagnostic, RulesetError
from ..ruleset import load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rulesets", nargs="+", type=Path, metavar="RULESET")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    status = 0
    report: list[Diagnostic] = []
    for path in args.rulesets:
        try:
            diagnostics = load(path).warnings
        except RulesetError as e:
            diagnostics, status = e.diagnostics, 1
        report.extend(diagnostics)
        if args.format == "text":
            for d in diagnostics:
                print(d, end="\n\n")
            errors = sum(d.severity == "error" for d in diagnostics)
            print(f"{path}: {'ok' if not errors else f'{errors} error(s)'}")
    if args.format == "json":
        print(json.dumps([d.to_dict() for d in report], ensure_ascii=False, indent=1))
    return status
