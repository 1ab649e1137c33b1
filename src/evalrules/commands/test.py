"""``evalrules test``: run a ruleset's cases files, its ``check`` lines and the built-in
properties (:mod:`evalrules.testing`).

What ``--help`` says is ``help.test*`` in :mod:`evalrules.helptext`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..diagnostics import EvalRulesError, RulesetError
from ..install import install_command
from ..messages import say
from ..ruleset import load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rulesets", nargs="+", type=Path, metavar="RULESET")
    parser.add_argument("--examples", type=int, default=100, metavar="N")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--coverage", action="store_true")
    parser.add_argument("--no-checks", action="store_true")


def run(args: argparse.Namespace) -> int:
    try:
        from ..testing.cases import cases_files, load_cases, run_case
        from ..testing.checks import CheckFailed, properties
        from ..testing.coverage import Coverage
    except ImportError as e:  # pragma: no cover - without the testing extra
        print("evalrules: " + say("needs.testing", args.lang, error=e,
                                  command=install_command("testing")), file=sys.stderr)
        return 2
    failed, unreadable = 0, 0
    for path in args.rulesets:
        try:
            ruleset = load(path)
        except RulesetError as e:
            print(e, file=sys.stderr)
            failed += 1
            continue
        print(f"{path}: {ruleset.name}")
        coverage = Coverage(ruleset)
        files = cases_files(path)
        if not files:
            print("  no cases file beside it")
        for cases_path in files:
            try:
                _, cases = load_cases(cases_path)
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
                # not JSON, no "cases" list, a case that is not an object…
                print(f"evalrules: cannot read {cases_path}: {type(e).__name__}: {e}",
                      file=sys.stderr)
                unreadable += 1
                continue
            bad = 0
            for case in cases:
                try:
                    problems, result = run_case(ruleset, case)
                except EvalRulesError as e:  # e.g. a group ruleset's case without its group
                    problems, result = [f"{type(e).__name__}: {e}"], None
                if result is not None:
                    coverage.add(result)
                if problems:
                    bad += 1
                    print(f"  FAIL case {case.name}: " + "; ".join(problems))
            print(f"  {cases_path.name}: {len(cases) - bad} of {len(cases)} cases pass")
            failed += bad
        if args.coverage:
            print("  " + coverage.report().replace("\n", "\n  "))
        if args.no_checks:
            continue
        for prop in properties(ruleset):
            start = time.perf_counter()
            try:
                prop.run(max_examples=args.examples, seed=args.seed)
            except CheckFailed as e:
                failed += 1
                print(f"  FAIL {prop.name}\n")
                print("    " + str(e).replace("\n", "\n    ") + "\n")
            else:
                print(f"  ok   {prop.name} ({time.perf_counter() - start:.1f} s)")
    if unreadable:
        print(f"incomplete: {unreadable} cases file(s) cannot be read"
              + ("; and failed" if failed else ""))
        return 2
    print("failed" if failed else "all passed")
    return 1 if failed else 0
