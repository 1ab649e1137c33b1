"""The ``evalrules`` command: one subcommand per module of :mod:`evalrules.commands`.

Exit status: 0 success, 1 a ruleset or some rows have errors, 2 bad usage or unreadable files.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

#: Subcommands in the order ``--help`` lists them.
COMMANDS = ("check", "eval", "explain", "report", "fmt", "init", "test", "diff")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="evalrules",
        description="Compile assessment rulesets, grade records with them, explain the grades.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        module = importlib.import_module(f"evalrules.commands.{name}")
        doc = (module.__doc__ or "").strip()
        command = sub.add_parser(name, help=doc.splitlines()[0] if doc else None,
                                 description=doc, formatter_class=argparse.RawTextHelpFormatter)
        module.add_arguments(command)
        modules[name] = module
    args = parser.parse_args(argv)
    try:
        return modules[args.command].run(args)
    except BrokenPipeError:
        # The reader went away (`evalrules explain ... | head`): stop quietly, as cat does.
        sys.stdout = open(os.devnull, "w")
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
