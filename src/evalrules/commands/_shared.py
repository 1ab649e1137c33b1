"""What several subcommands share: loading a ruleset and a data file with friendly errors, grading
every row, progress and tables with rich when it is installed and plain text when it is not."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from attrs import define, field

from ..columns import RESULT_COLUMNS, input_columns, value_columns
from ..diagnostics import RulesetError, did_you_mean
from ..io import Sheet, read_sheet, record_of
from ..ruleset import Result, Ruleset, load

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


@define
class Graded:
    """Every row of a file with its result (None where the row has an error)."""

    ruleset: Ruleset
    rows: list[dict]  # the user's row with the result columns added
    results: list[Result | None]
    errors: list[str]
    unused: list[str] = field(factory=list)  # the file's columns the ruleset does not read
    missing: list[str] = field(factory=list)  # required columns the file does not have

    @property
    def failed(self) -> int:
        return sum(bool(e) for e in self.errors)

    def counts(self) -> dict[str, Counter]:
        out: dict[str, Counter] = {g: Counter() for g in self.ruleset.grades}
        for result in self.results:
            if result is not None:
                for grade, counter in out.items():
                    counter[result[grade]] += 1
        return out

    def tally(self, attribute: str) -> Counter:
        """How many records each veto (``"vetoes"``) or outcome (``"outcomes"``) applies to."""
        counter = Counter({name: 0 for name in getattr(self.ruleset, attribute)})
        for result in self.results:
            if result is not None:
                counter.update(getattr(result, attribute))
        return counter


def grade(ruleset: Ruleset, rows: list[dict], *, progress: bool = True) -> Graded:
    """Grade every row; a bad row gets its error and the others are still graded."""
    columns = input_columns(ruleset.checked)
    names = value_columns(ruleset.checked)
    header: dict[str, None] = {}
    for row in rows:
        header.update((k, None) for k in row if k not in header)
    replaced = {*names, *RESULT_COLUMNS}  # results of an earlier run
    unused = [c for c in header if c not in columns and c not in replaced]
    missing: list[str] = []
    for name, f in ruleset.inputs.items():
        wanted = [f"{name}.{c}" for c in f.labels] if f.kind == "ballot" else [name]
        if f.kind == "ballot" and name in header:
            continue  # JSON: the ballot as one object
        missing.extend(c for c in wanted if c not in header and (f.required or f.kind == "ballot"))
    out: list[dict] = []
    results: list[Result | None] = []
    errors: list[str] = []
    result: Result | None  # None where the row has an error
    # evaluate_many: a group ruleset (group by) grades each record among the others of its group
    records = (record_of(row, columns) for row in with_progress(rows, "评定 grading",
                                                                  enabled=progress))
    for row, result in zip(rows, ruleset.evaluate_many(records), strict=True):
        graded = dict(row)
        if result.error is not None:
            graded.update(dict.fromkeys(names))
            graded.update(vetoes="", outcomes="", error=str(result.error))
            errors.append(str(result.error))
            result = None
        else:
            graded.update({n: result[n] for n in names})
            graded.update(vetoes="、".join(result.vetoes), outcomes="、".join(result.outcomes),
                          error="")
            errors.append("")
        out.append(graded)
        results.append(result)
    return Graded(ruleset, out, results, errors, unused, missing)


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
