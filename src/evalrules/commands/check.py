"""Compile rulesets and report every problem, as a compiler does.

Each problem is shown as path:line:column, its code (E201…), the line with a caret under the
place, and a hint such as "did you mean '班子优秀率'?". Every problem of a file is reported, not
only the first. Exit status 1 when any ruleset has errors or cannot be read (E501); warnings alone
pass. --format json prints the diagnostics as one JSON list (severity, code, message, path, line,
column, end_line, end_column, hint) for editors and CI.

examples:
  evalrules check rulesets/fanwen9/team-county.rules
  evalrules check --format json rulesets/*/*.rules
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
