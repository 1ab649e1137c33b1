"""The ``evalrules`` command: one subcommand per module of :mod:`evalrules.commands`.

exit status, the same for every command:
  0  success: nothing wrong was found
  1  something is wrong in what was checked: a ruleset does not compile or cannot be read
     (error E501; every command that loads one, diff included; fmt: does not parse); rows that
     cannot be graded (eval, report; explain: the chosen row); a file not in the canonical
     layout (fmt --check); a case or check that fails (test); a difference between the two
     rulesets (diff, as diff(1) does)
  2  the command could not do its job: bad usage (an unknown option, a --row past the end, a
     --where that does not compile), a data, cases or output file that is missing, cannot be read
     or cannot be written, a missing optional package (openpyxl, hypothesis, pyarrow), a file init
     would overwrite, a formatter bug
  With several files, the highest status applies.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .diagnostics import EvalRulesError, RulesetError

#: Subcommands in the order ``--help`` lists them.
COMMANDS = ("check", "eval", "explain", "report", "fmt", "init", "test", "diff")

#: The exit status section of this module's docstring: the epilog of ``evalrules --help``.
EXIT_STATUS = __doc__.split("\n\n", 1)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="evalrules",
        description="Compile assessment rulesets, grade records with them, explain the grades.",
        epilog=EXIT_STATUS, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        module = importlib.import_module(f"evalrules.commands.{name}")
        doc = (module.__doc__ or "").strip()
        command = sub.add_parser(name, help=doc.splitlines()[0] if doc else None,
                                 description=doc, formatter_class=argparse.RawTextHelpFormatter)
        module.add_arguments(command)
        modules[name] = module
    args = parser.parse_args(argv)  # bad usage: argparse exits with status 2
    try:
        return modules[args.command].run(args)
    except RulesetError as e:  # each command reports its own; this is the fallback
        print(e, file=sys.stderr)
        return 1
    except EvalRulesError as e:  # likewise: a data file, a missing package…
        print(f"evalrules: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`evalrules explain ... | head`): stop quietly, as cat does.
        sys.stdout = open(os.devnull, "w")
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
