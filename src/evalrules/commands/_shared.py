"""What several subcommands share: loading a ruleset and a data file with friendly errors, grading
every row, progress and tables with rich when it is installed and plain text when it is not."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .. import grading
from ..diagnostics import RulesetError, did_you_mean
from ..grading import Graded
from ..io import Sheet, read_sheet
from ..ruleset import Ruleset, load

#: Rows at which a progress bar is worth showing (on a terminal).
PROGRESS_FROM = 1000


class Failed(Exception):
    """A command cannot go on; ``status`` is its exit status, the message is for stderr."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def load_ruleset(path: Path) -> Ruleset:
    try:
        return load(path)
    except RulesetError as e:
        raise Failed(f"{e}\n\n{path}: the ruleset has errors; `evalrules check {path}` lists "
                     "them", 1) from None


def load_sheet(path: Path) -> Sheet:
    """The records of a data file, or :class:`Failed` saying why they cannot be read."""
    if not path.exists():
        raise Failed(f"evalrules: no such data file: {path}")
    try:
        return read_sheet(path)
    except (OSError, UnicodeDecodeError) as e:
        raise Failed(f"evalrules: cannot read {path}: {e}") from None
    except ValueError as e:  # DataError and MissingDependency (both ValueErrors)
        raise Failed(f"evalrules: {e}") from None


def load_rows(path: Path) -> list[dict]:
    """The records of a data file as dicts (see :func:`load_sheet`)."""
    return list(load_sheet(path).records())


def grade(ruleset: Ruleset, sheet: Sheet, *, progress: bool = True) -> Graded:
    """Grade every record of the sheet (:func:`evalrules.grading.grade`), with a progress bar
    on a terminal."""
    def bar(rows: list) -> Iterator:
        return with_progress(rows, "评定 grading", enabled=progress)

    return grading.grade(ruleset, sheet, progress=bar)


def missing_hint(graded: Graded) -> str | None:
    if not graded.missing:
        return None
    lines = ["the data file has no column for: " + ", ".join(graded.missing)]
    for name in graded.missing:
        hint = did_you_mean(name, graded.unused)
        if hint:
            lines.append(f"  {name}: {hint}")
    return "\n".join(lines)


# ---------------------------------------------------------------- terminal output

def _rich():
    try:
        import rich
    except ImportError:
        return None
    import rich.console
    import rich.progress
    import rich.table

    return rich


def with_progress(items: list, label: str, *, enabled: bool = True) -> Iterator:
    """Iterate, with a progress bar on stderr for long runs on a terminal."""
    if not enabled or len(items) < PROGRESS_FROM or not sys.stderr.isatty():
        yield from items
        return
    rich = _rich()
    if rich is not None:
        console = rich.console.Console(stderr=True)
        yield from rich.progress.track(items, description=label, console=console,
                                       transient=True)
        return
    step = max(1, len(items) // 20)
    for i, item in enumerate(items, 1):
        yield item
        if i % step == 0 or i == len(items):
            print(f"\r{label}: {i}/{len(items)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def print_table(title: str, headers: Iterable[str], rows: list[list[str]],
                right: Iterable[int] = ()) -> None:
    """A small table on stdout: rich's box when rich is installed, aligned text otherwise."""
    headers, right = list(headers), set(right)
    rich = _rich()
    if rich is not None:
        table = rich.table.Table(title=title, title_justify="left", title_style="bold")
        for i, h in enumerate(headers):
            table.add_column(h, justify="right" if i in right else "left")
        for row in rows:
            table.add_row(*row)
        rich.console.Console(highlight=False).print(table)
        return
    print(title)
    cells = [headers, *rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    for row in cells:
        parts = []
        for i, text in enumerate(row):
            pad = " " * (widths[i] - _width(text))
            parts.append(pad + text if i in right else text + pad)
        print("  " + "  ".join(parts).rstrip())


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def percent(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "–"
