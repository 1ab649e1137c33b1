"""``evalrules eval`` out of core: Parquet (and large CSV) files streamed batch by batch through
:func:`evalrules.dataset.evaluate_dataset`, the summary printed as for a spreadsheet."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..diagnostics import EvalRulesError
from ..install import install_command
from ..messages import say
from ._shared import Failed, load_ruleset, percent, print_table

PARQUET = (".parquet", ".pq")
#: A CSV file larger than this streams even without --stream.
CSV_STREAM_BYTES = 256 << 20

if TYPE_CHECKING:
    import rich.progress


def wanted(args: argparse.Namespace) -> bool:
    """Whether this run streams: Parquet in or out, --stream, or a CSV file over 256 MiB."""
    data, out = Path(args.data), args.output
    if data.suffix.lower() in PARQUET or (data.is_dir() and any(data.glob("*.parquet"))):
        return True
    if out is not None and Path(out).suffix.lower() in PARQUET:
        return True
    if data.suffix.lower() == ".csv":
        if getattr(args, "stream", False):
            return True
        try:
            return data.stat().st_size > CSV_STREAM_BYTES
        except OSError:
            return False
    return False


def run(args: argparse.Namespace) -> int:
    data, out = Path(args.data), args.output
    if not data.exists():
        print(f"evalrules: no such data file: {data}", file=sys.stderr)
        return 2
    if data.suffix.lower() not in (*PARQUET, ".csv") and not data.is_dir():
        print(f"evalrules: streaming reads .parquet or .csv files, not {data.name}",
              file=sys.stderr)
        return 2
    for option in ("sheet", "encoding"):
        if getattr(args, option, None) is not None:
            print("evalrules: " + say("read.stream_options", args.lang, option=f"--{option}"),
                  file=sys.stderr)
            return 2
    if out is not None and Path(out).suffix.lower() not in (*PARQUET, ".csv"):
        print(f"evalrules: a streamed run writes .parquet or .csv, not {Path(out).name}",
              file=sys.stderr)
        return 2
    try:
        ruleset = load_ruleset(args.ruleset, args.lang)
    except Failed as e:
        print(e, file=sys.stderr)
        return e.status
    try:
        from ..dataset import evaluate_dataset
    except ImportError as e:
        print("evalrules: " + say("needs.batch", args.lang, error=e,
                                  command=install_command("batch")), file=sys.stderr)
        return 2
    bar = _Progress(not args.no_progress and sys.stderr.isatty())
    try:
        summary = evaluate_dataset(ruleset, data, out, progress=bar.advance)
    except (OSError, ValueError, EvalRulesError) as e:
        print(f"evalrules: {e}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    if not summary.rows:  # #12: a run that grades no record fails, and leaves no empty file
        if out is not None:
            Path(out).unlink(missing_ok=True)
        print("evalrules: " + say("read.stream_no_records", args.lang, name=data.name),
              file=sys.stderr)
        return 2
    show(summary, args.lang)
    if out is not None:
        print("\n" + say("write.written", args.lang, path=out, rows=summary.rows))
    return 1 if summary.failed else 0


def show(summary, lang: str = "en") -> None:
    """The streamed run's summary, as eval's (:func:`commands.eval.summary`) but for rows counted
    in the data (a stream has no sheet to number them by) and with the speed."""
    ruleset, total = summary.ruleset, summary.rows
    ok = total - summary.failed
    rate = total / summary.seconds if summary.seconds else 0
    print(say("summary.head", lang, title=ruleset.title or ruleset.name, total=total, graded=ok,
              failed=summary.failed) + say("summary.speed", lang, seconds=f"{summary.seconds:.1f}",
                                           rate=f"{rate:,.0f}") + "\n")
    headers = [say(k, lang) for k in ("summary.grade", "summary.count", "summary.share")]
    for name, counter in summary.grades.items():
        rows = [[label, str(counter[label]), percent(counter[label], ok)]
                for label in ruleset.grades[name]]
        print_table(name, headers, rows, right=(1, 2))
        print()
    for attribute in ("vetoes", "outcomes"):
        tally = getattr(summary, attribute)
        if tally:
            print_table(say(f"summary.{attribute}", lang), ("", headers[1]),
                        [[k, str(v)] for k, v in tally.items()], right=(1,))
            print()
    if summary.failed:
        print(say("summary.stream_errors", lang, count=summary.failed))
        for i, error in summary.errors:
            print(say("summary.error_row", lang, row=i, error=error))
        if summary.failed > len(summary.errors):
            print(say("summary.more", lang, count=summary.failed - len(summary.errors)))
    if summary.group_warnings:  # never a silently smaller group: name each
        print("\n" + say("summary.group_warnings", lang, count=len(summary.group_warnings)))
        for warning in summary.group_warnings:
            print(say("summary.group_warning", lang, warning=warning))


class _Progress:
    """Rows graded so far on stderr: a rich bar where rich is installed, a line otherwise."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.total: int | None = None
        self.done = 0
        self.start = time.perf_counter()
        self.rich: rich.progress.Progress | Literal[False] | None = None  # False: no rich
        self.task: rich.progress.TaskID | None = None

    def advance(self, done: int, total: int | None) -> None:
        self.done, self.total = done, total
        if not self.enabled:
            return
        if self.rich is None:
            self._start_rich(total)
        if self.rich:
            assert self.task is not None  # added with the bar
            self.rich.update(self.task, completed=self.done)
            return
        rate = self.done / max(time.perf_counter() - self.start, 1e-9)
        of = f"/{self.total:,}" if self.total else ""
        print(f"\r评定 grading: {self.done:,}{of} rows, {rate:,.0f} rows/s", end="",
              file=sys.stderr, flush=True)

    def _start_rich(self, total: int | None) -> None:
        try:
            import rich.console
            import rich.progress
        except ImportError:
            self.rich = False
            return
        self.rich = rich.progress.Progress(
            *rich.progress.Progress.get_default_columns(),
            rich.progress.TextColumn("{task.completed:,} rows"), transient=True,
            console=rich.console.Console(stderr=True))
        self.rich.start()
        self.task = self.rich.add_task("评定 grading", total=total)

    def close(self) -> None:
        if self.rich:
            self.rich.stop()
        elif self.enabled and self.done:
            print(file=sys.stderr)
