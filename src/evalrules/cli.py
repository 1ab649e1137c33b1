"""The ``evalrules`` command: one subcommand per module of :mod:`evalrules.commands`, each with
``--lang`` and its ``--help`` in the language a run speaks (:mod:`helptext`, through
:func:`messages.say`). The exit status, the same for every command, is ``help.exit`` there.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sys

from .diagnostics import EvalRulesError, RulesetError
from .messages import LANGUAGES, MESSAGES, language, say

#: Subcommands in the order ``--help`` lists them.
COMMANDS = ("check", "eval", "explain", "report", "fmt", "init", "test", "diff", "verify",
            "serve", "studio", "lsp")



def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser, modules = build_parser(language(_asked_language(argv)))
    args = parser.parse_args(argv)  # bad usage: argparse exits with status 2
    args.lang = language(args.lang)
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


def build_parser(lang: str) -> tuple[argparse.ArgumentParser, dict]:
    """The parser of every command, its help in ``lang``, and each command's module."""
    formatter = functools.partial(_Formatter, lang=lang)
    parser = argparse.ArgumentParser(
        prog="evalrules", description=say("help.evalrules", lang), epilog=say("help.exit", lang),
        formatter_class=formatter, add_help=False)
    _shared_options(parser, lang)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                title=say("help.commands", lang))
    modules = {}
    for name in COMMANDS:
        module = importlib.import_module(f"evalrules.commands.{name}")
        description = say(f"help.{name}", lang)
        command = sub.add_parser(name, help=description.split("\n", 1)[0],
                                 description=description, formatter_class=formatter,
                                 add_help=False)
        _shared_options(command, lang)
        command.add_argument("--lang", choices=LANGUAGES, default=None,
                             help=_escaped(say("help.lang", lang)))
        module.add_arguments(command)
        for action in command._actions:
            if action.dest not in ("help", "lang"):
                key = f"help.{name}.{action.dest}"
                action.help = _escaped(say(key if key in MESSAGES else f"help.{action.dest}",
                                           lang))
        modules[name] = module
    return parser, modules


def _shared_options(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("-h", "--help", action="help", help=_escaped(say("help.help", lang)))


def _escaped(text: str) -> str:
    """Help text as argparse wants it: it %-formats help (``%(default)s``), so 30% is 30%%."""
    return text.replace("%", "%%")


def _asked_language(argv: list[str]) -> str | None:
    """The ``--lang`` on the command line, read before parsing so that ``--help`` and argparse's
    own messages speak it; a value that is not a language is left to argparse to refuse."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else \
            arg[len("--lang="):] if arg.startswith("--lang=") else None
        if value in LANGUAGES:
            return value
    return None


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's layout with its own words (usage:, options:…) in the run's language."""

    def __init__(self, prog: str, *, lang: str) -> None:
        super().__init__(prog)
        self.lang = lang

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        if prefix is None:  # '' is argparse naming a subcommand's prog: no prefix then
            prefix = say("help.usage", self.lang)
        super().add_usage(usage, actions, groups, prefix=prefix)

    def start_section(self, heading) -> None:
        titles = {"positional arguments": say("help.positional", self.lang),
                  "options": say("help.options", self.lang)}
        super().start_section(titles.get(heading, heading))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
