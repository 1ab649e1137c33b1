"""``evalrules studio``: the studio (:mod:`evalrules.studio`) for one ruleset file, on this
machine only, opened in the browser.

What ``--help`` says is ``help.studio*`` in :mod:`evalrules.helptext`.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import threading
import webbrowser
from pathlib import Path

from ..columns import input_columns
from ..diagnostics import RulesetError
from ..install import install_command
from ..messages import say
from ..ruleset import load
from ._shared import Failed, data_options, load_rows

#: The record columns shown beside the grades (an 编号, a 单位…), at most.
LABEL_COLUMNS = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", type=Path, metavar="RULESET")
    parser.add_argument("--data", type=Path, metavar="FILE")
    data_options(parser)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-browser", action="store_true")


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    try:
        import uvicorn

        from ..studio import app
    except ImportError as e:
        print("evalrules: " + say("serve.needs", lang, error=e,
                                  command=install_command("serve")), file=sys.stderr)
        return 2
    path = args.ruleset.resolve()
    if not path.name.endswith(".rules"):
        print("evalrules: " + say("studio.not_rules", lang, path=args.ruleset), file=sys.stderr)
        return 2
    if not path.parent.is_dir():
        print("evalrules: " + say("studio.no_ruleset", lang, path=args.ruleset),
              file=sys.stderr)
        return 2
    try:
        ws = workspace(path, args, lang)
    except Failed as e:
        print(e, file=sys.stderr)
        return e.status
    from ..serve.sockets import listening

    sock = listening("127.0.0.1", args.port)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(24)
    url = f"http://127.0.0.1:{port}/?token={token}"
    print(say("studio.opening", lang, url=url), flush=True)
    server = uvicorn.Server(uvicorn.Config(app(ws, token, lang), log_level="warning"))
    if not args.no_browser:
        threading.Timer(0.5, _open, (url, lang)).start()
    server.run(sockets=[sock])
    return 0


def workspace(path: Path, args: argparse.Namespace, lang: str):
    """The workspace of the file, with the ``--data`` records read as ``evalrules eval`` reads
    them (the ruleset's columns choose the sheet and header, when it compiles)."""
    from ..studio import Workspace  # after run() has said what a missing extra needs

    if args.data is None:
        return Workspace(path)
    try:
        rulesets = (load(path),) if path.exists() else ()
    except RulesetError:  # the author fixes it in the studio; the file is read without it
        rulesets = ()
    records = load_rows(args.data, *rulesets, sheet=args.sheet, encoding=args.encoding,
                        lang=lang)
    read = {c for r in rulesets for c in input_columns(r.checked)}
    first = records[0] if records else {}
    labels = tuple(c for c in first if c not in read and "." not in c)[:LABEL_COLUMNS]
    return Workspace(path, tuple(records), args.data.name, labels)


def _open(url: str, lang: str) -> None:
    if not webbrowser.open(url):
        print("evalrules: " + say("studio.no_browser", lang), file=sys.stderr)
