"""``evalrules serve``: the decision service (:mod:`evalrules.serve`) for every ruleset under a
directory, run by uvicorn.

What ``--help`` says is ``help.serve*`` in :mod:`evalrules.helptext`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..install import install_command
from ..messages import say


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, metavar="DIR")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    try:
        import uvicorn

        from ..serve import app
    except ImportError as e:
        print("evalrules: " + say("serve.needs", lang, error=e, command=install_command("serve")),
              file=sys.stderr)
        return 2
    if not args.directory.is_dir():
        print("evalrules: " + say("serve.no_directory", lang, directory=args.directory),
              file=sys.stderr)
        return 2
    directory = str(args.directory.resolve())
    service = app(directory)  # compiled here, so that the count below is what is served
    entries = service.state.store.snapshot().entries
    count = len(entries)
    for entry in entries.values():  # served as such (409 to grade): said before it starts
        if entry.ruleset is None:
            print("evalrules: " + say("run.ruleset_errors", lang, path=entry.path),
                  file=sys.stderr)
    print(say("serve.listening", lang, host=args.host, port=args.port, count=count,
              directory=args.directory), flush=True)
    if args.workers > 1:  # each worker process builds its own app through the factory
        os.environ[FACTORY_DIRECTORY] = directory
        from uvicorn.supervisors import Multiprocess

        config = uvicorn.Config("evalrules.commands.serve:factory", factory=True,
                                host=args.host, port=args.port, workers=args.workers,
                                log_level="warning")
        from ..serve.sockets import listening

        Multiprocess(config, sockets=[listening(args.host, args.port)]).run()
    else:
        uvicorn.run(service, host=args.host, port=args.port, log_level="warning")
    return 0


#: The environment variable a worker process reads its directory from.
FACTORY_DIRECTORY = "EVALRULES_SERVE_DIRECTORY"


def factory():  # pragma: no cover - runs in uvicorn's worker processes
    """The app of a worker process (uvicorn ``--workers``: an import string and a factory)."""
    from ..serve import app

    return app(os.environ[FACTORY_DIRECTORY])
