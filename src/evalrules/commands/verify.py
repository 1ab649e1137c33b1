"""``evalrules verify``: prove a ruleset's checks, totality, reachable labels, deciding rules,
vetoes and outcomes for every valid record (:func:`evalrules.verify`, with z3), and print what
does not hold as cases ready to paste (:mod:`evalrules.prove.render`), or ``--json``.

Exit status: 0 when every error-class obligation is proved, 1 when one is refuted or unknown or
a ruleset does not compile (its diagnostics as ``evalrules check`` prints them), 2 without z3 or
when a counterexample does not replay (a bug of evalrules). What ``--help`` says is
``help.verify*`` in :mod:`evalrules.catalogue.verifying`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import evalrules

from ..diagnostics import RulesetError
from ..install import install_command
from ..messages import say
from ..ruleset import load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rulesets", nargs="+", type=Path, metavar="RULESET")
    parser.add_argument("--monotone-all", action="store_true")
    parser.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true")


def _seconds(text: str) -> float:
    value = float(text)  # argparse turns the ValueError into a usage error (status 2)
    if not value > 0:
        raise ValueError(text)
    return value


def run(args: argparse.Namespace) -> int:
    try:
        import z3  # noqa: F401  # the verify extra: say so before anything needs it
    except ImportError as e:
        print("evalrules: " + say("verify.report.needs_z3", args.lang, error=e,
                                  command=install_command("verify")), file=sys.stderr)
        return 2
    from ..prove import render
    from ..prove.solve import TIMEOUT

    options: dict = {"monotone_all": args.monotone_all}
    if args.timeout is not None:
        options["timeout"] = args.timeout
    status, out, passed = 0, [], 0
    paths = rules_files(args.rulesets)
    for path in paths:
        try:
            ruleset = load(path)
        except RulesetError as e:
            status = max(status, 1)
            if args.json:
                out.append({"path": str(path), "ok": False,
                            "diagnostics": [d.to_dict() for d in e.diagnostics]})
            else:
                for d in e.diagnostics:
                    print(d, end="\n\n")
                print(say("verify.report.not_compiled", args.lang, path=path))
            continue
        report = evalrules.verify(ruleset, **options)
        passed += report.ok and not report.bugs
        status = max(status, 2 if report.bugs else 0 if report.ok else 1)
        if args.json:
            out.append(render.data(report, args.lang, ruleset=ruleset))
        else:
            # each ruleset as soon as it is verified: one may take minutes
            print(render.text(report, args.lang, ruleset=ruleset,
                              timeout=args.timeout or TIMEOUT, verbose=args.verbose) + "\n",
                  flush=True)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    elif len(paths) > 1:
        print(say("verify.report.summary", args.lang, count=len(paths), ok=passed,
                  failed=len(paths) - passed))
    return status


def rules_files(paths: list[Path]) -> list[Path]:
    """The rulesets named: a folder stands for every ``.rules`` file under it, in name order
    (``evalrules verify rulesets/``)."""
    out: list[Path] = []
    for path in paths:
        out += sorted(path.rglob("*.rules")) if path.is_dir() else [path]
    return out
