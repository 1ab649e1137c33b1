"""``evalrules lsp``: the language server (:mod:`evalrules.lsp`) on standard input and output,
for an editor to start; nothing is printed but the protocol's messages.

What ``--help`` says is ``help.lsp*`` in :mod:`evalrules.helptext`.
"""

from __future__ import annotations

import argparse
import sys

from ..install import install_command
from ..messages import say


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # Standard input and output is the one transport; VS Code's client passes --stdio to say so.
    parser.add_argument("--stdio", action="store_true")


def run(args: argparse.Namespace) -> int:
    try:
        from ..lsp import serve
    except ImportError as e:  # the lsp extra: pygls and lsprotocol
        print("evalrules: " + say("edit.needs_pygls", args.lang, error=e,
                                  command=install_command("lsp")), file=sys.stderr)
        return 2
    serve(args.lang)
    return 0
