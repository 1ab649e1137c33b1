"""``evalrules fmt``: rewrite rulesets in the canonical layout (:mod:`evalrules.fmt`), or list
the files it would change (``--check``).

What ``--help`` says is ``help.fmt*`` in :mod:`evalrules.helptext`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..diagnostics import RulesetError
from ..fmt import FormatError, format_source
from ..resolve import read_ruleset


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rulesets", nargs="+", type=Path, metavar="RULESET")
    parser.add_argument("--check", action="store_true")


def run(args: argparse.Namespace) -> int:
    status = 0
    for path in args.rulesets:
        try:  # as load() and extends read a ruleset: never a device, a pipe or a huge file
            source = read_ruleset(path)
        except OSError as e:  # as load() does: error E501, status 1
            print(f"evalrules: cannot read {path}: {e}", file=sys.stderr)
            status = max(status, 1)
            continue
        try:
            formatted = format_source(source, str(path))
        except RulesetError as e:
            print(f"{e}\n\n{path}: not formatted, the ruleset has errors", file=sys.stderr)
            status = max(status, 1)
            continue
        except FormatError as e:  # a formatter bug: the file is left as it is
            print(f"evalrules: {e}", file=sys.stderr)
            status = max(status, 2)
            continue
        if formatted == source:
            print(f"{path}: already formatted" if not args.check else f"{path}: ok")
        elif args.check:
            print(f"{path}: would be reformatted")
            status = max(status, 1)
        else:
            try:
                with path.open("w", encoding="utf-8", newline="") as f:
                    f.write(formatted)
            except OSError as e:
                print(f"evalrules: cannot write {path}: {e}", file=sys.stderr)
                status = max(status, 2)
                continue
            print(f"{path}: formatted")
    return status
